// Maps typed errors to HTTP status codes and the stable machine-readable code strings of DESIGN.md §6.1.
#include "ApiError.h"

int ApiError::httpStatus() const
{
    switch (code) {
    case ErrorCode::InvalidRequest: return 400;
    case ErrorCode::Unauthorized: return 401;
    case ErrorCode::PaymentRequired: return 402;
    case ErrorCode::Forbidden: return 403;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::MethodNotAllowed: return 405;
    case ErrorCode::Conflict: return 409;
    case ErrorCode::PayloadTooLarge: return 413;
    case ErrorCode::ValidationFailed: return 422;
    case ErrorCode::RateLimited: return 429;
    case ErrorCode::Internal: return 500;
    case ErrorCode::Unavailable: return 503;
    }
    return 500;
}

QString ApiError::codeString() const
{
    switch (code) {
    case ErrorCode::InvalidRequest: return QStringLiteral("invalid_request");
    case ErrorCode::Unauthorized: return QStringLiteral("unauthorized");
    case ErrorCode::PaymentRequired: return QStringLiteral("payment_required");
    case ErrorCode::Forbidden: return QStringLiteral("forbidden");
    case ErrorCode::NotFound: return QStringLiteral("not_found");
    case ErrorCode::MethodNotAllowed: return QStringLiteral("method_not_allowed");
    case ErrorCode::Conflict: return QStringLiteral("conflict");
    case ErrorCode::PayloadTooLarge: return QStringLiteral("payload_too_large");
    case ErrorCode::ValidationFailed: return QStringLiteral("validation_failed");
    case ErrorCode::RateLimited: return QStringLiteral("rate_limited");
    case ErrorCode::Internal: return QStringLiteral("internal_error");
    case ErrorCode::Unavailable: return QStringLiteral("unavailable");
    }
    return QStringLiteral("internal_error");
}
