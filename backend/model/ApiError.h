// Errors are values: a typed error (code, message, detail) that each API surface renders in its own shape.
#pragma once

#include <QJsonObject>
#include <QString>
#include <optional>
#include <utility>
#include <variant>

enum class ErrorCode {
    InvalidRequest,    // 400
    Unauthorized,      // 401
    PaymentRequired,   // 402
    Forbidden,         // 403
    NotFound,          // 404
    MethodNotAllowed,  // 405
    Conflict,          // 409
    PayloadTooLarge,   // 413
    ValidationFailed,  // 422
    RateLimited,       // 429
    Internal,          // 500
    Unavailable,       // 503
};

struct ApiError
{
    ErrorCode code = ErrorCode::Internal;
    QString message;
    QJsonObject detail;   // extra top-level fields: fields, currentVersion, state…

    static ApiError make(ErrorCode c, const QString &msg, QJsonObject d = {}) { return {c, msg, std::move(d)}; }
    static ApiError invalid(const QString &msg) { return make(ErrorCode::InvalidRequest, msg); }
    static ApiError notFound(const QString &msg) { return make(ErrorCode::NotFound, msg); }
    static ApiError conflict(const QString &msg, QJsonObject d = {}) { return make(ErrorCode::Conflict, msg, std::move(d)); }
    static ApiError internal(const QString &msg) { return make(ErrorCode::Internal, msg); }
    static ApiError validation(const QJsonObject &fields)
    {
        return make(ErrorCode::ValidationFailed, QStringLiteral("request failed validation"),
                    QJsonObject{{QStringLiteral("fields"), fields}});
    }

    int httpStatus() const;
    QString codeString() const;   // "not_found", "invalid_request", …
};

// Result<T>: either a value or an ApiError.
template <typename T>
class Result
{
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(ApiError error) : m_v(std::move(error)) {}
    bool ok() const { return std::holds_alternative<T>(m_v); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return std::get<T>(m_v); }
    T &value() { return std::get<T>(m_v); }
    const ApiError &error() const { return std::get<ApiError>(m_v); }

private:
    std::variant<T, ApiError> m_v;
};

struct Ok {};
using Status = Result<Ok>;
