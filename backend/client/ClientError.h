// What a client call can fail with: the server's error (HTTP status, code, message and detail) or a failure
// of the way there (unreachable, TLS, timeout, an answer that is not the API's). Errors are values.
#pragma once

#include <QJsonObject>
#include <QString>
#include <utility>
#include <variant>

struct ClientError
{
    enum class Kind {
        Http, // the server answered with an error status; status, code, message, detail are its own
        Unreachable, // no connection: refused, DNS, reset before an answer
        Tls, // the TLS handshake or the certificate check failed
        Timeout, // no answer within the request timeout
        Protocol, // an answer that is not the API's (not JSON, wrong shape)
        Cancelled, // the caller aborted it
    };
    Kind kind = Kind::Http;
    int status = 0; // HTTP status (Kind::Http)
    QString code; // the server's code ("not_found", …), else "unreachable", "tls", "timeout", "protocol"
    QString message;
    QJsonObject detail; // the server's whole error body (fields, retryAfter, requiredRole, …)
    int retryAfterSeconds = -1;

    static ClientError transport(Kind kind, const QString &message);
    static ClientError protocol(const QString &message) { return transport(Kind::Protocol, message); }
    // From an error answer: `/v0`'s {error, code, message, …} or the RPC envelope {status, code, message}.
    static ClientError fromAnswer(int status, const QByteArray &body, int retryAfterSeconds);

    // "not_found: job not found", with a 422's field messages: "validation_failed: … (priority: …; env: …)".
    QString describe() const;
    bool isHttp(int httpStatus) const { return kind == Kind::Http && status == httpStatus; }
};

template <typename T> class ClientResult
{
public:
    ClientResult(T value)
        : m_v(std::move(value))
    {
    }
    ClientResult(ClientError error)
        : m_v(std::move(error))
    {
    }
    bool ok() const { return std::holds_alternative<T>(m_v); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return std::get<T>(m_v); }
    T &value() { return std::get<T>(m_v); }
    const ClientError &error() const { return std::get<ClientError>(m_v); }

private:
    std::variant<T, ClientError> m_v;
};
