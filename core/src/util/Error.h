#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace agora {

// The closed set of failure kinds a request can end in. Every layer throws Error with one of
// these; one table (errorTable) turns them into HTTP statuses and plugin ABI statuses.
enum class ErrorCode {
    BadRequest,        // malformed input (not JSON, wrong type)
    Unauthorized,      // not signed in / token not valid here
    Forbidden,         // signed in but not allowed; code string names the missing ability
    NotFound,          // no such thing in this tenant (also used for other tenants' ids)
    MethodNotAllowed,  // the path exists, not with this method
    Conflict,          // duplicate, already decided, stale
    Invalid,           // a named field failed validation
    PayloadTooLarge,   // request body over the limit
    RateLimited,       // too many actions; retry_after set
    Unavailable,       // a dependency (PostgreSQL) is down
    Gone,              // existed once, no longer usable (a spent or expired link)
    Internal,          // a bug; never shows details to the client
};

class Error : public std::runtime_error {
public:
    Error(ErrorCode kind, std::string code, std::string message)
        : std::runtime_error(message), kind_(kind), code_(std::move(code)) {}

    ErrorCode kind() const { return kind_; }
    // Machine-readable code for the JSON body, e.g. "not_found", "ability_required:edit_posts".
    const std::string& code() const { return code_; }
    // For Invalid: the field that failed.
    const std::string& field() const { return field_; }
    int retryAfterSeconds() const { return retry_after_; }

    Error& withField(std::string field) {
        field_ = std::move(field);
        return *this;
    }
    Error& withRetryAfter(int seconds) {
        retry_after_ = seconds;
        return *this;
    }

    static Error badRequest(std::string message) {
        return Error(ErrorCode::BadRequest, "bad_request", std::move(message));
    }
    static Error unauthorized(std::string message = "sign in required") {
        return Error(ErrorCode::Unauthorized, "unauthorized", std::move(message));
    }
    static Error forbidden(std::string code, std::string message) {
        return Error(ErrorCode::Forbidden, std::move(code), std::move(message));
    }
    static Error notFound(std::string message = "not found") {
        return Error(ErrorCode::NotFound, "not_found", std::move(message));
    }
    static Error conflict(std::string code, std::string message) {
        return Error(ErrorCode::Conflict, std::move(code), std::move(message));
    }
    static Error invalid(std::string field, std::string message) {
        Error e(ErrorCode::Invalid, "invalid", std::move(message));
        e.withField(std::move(field));
        return e;
    }
    static Error tooLarge(std::string message) {
        return Error(ErrorCode::PayloadTooLarge, "too_large", std::move(message));
    }
    static Error rateLimited(std::string what, int retry_after) {
        Error e(ErrorCode::RateLimited, "rate_limited", "rate limit reached for " + what);
        e.withRetryAfter(retry_after);
        return e;
    }
    static Error unavailable(std::string message) {
        return Error(ErrorCode::Unavailable, "unavailable", std::move(message));
    }
    static Error gone(std::string message) {
        return Error(ErrorCode::Gone, "gone", std::move(message));
    }
    static Error internal(std::string message) {
        return Error(ErrorCode::Internal, "internal", std::move(message));
    }

private:
    ErrorCode kind_;
    std::string code_;
    std::string field_;
    int retry_after_ = 0;
};

// One row of the single error mapping (DESIGN decision 8): an ErrorCode, the HTTP status it
// answers with, the machine code its errors carry unless they name their own, and the plugin
// ABI status (AGORA_ERR_* in agora/plugin_api.h) a host service returns for it.
struct ErrorMapping {
    ErrorCode kind;
    int status;
    const char* code;
    int plugin_status;
    bool plugin_may_fail;  // a plugin route may end with this status (the ABI's fail())
};

// The table, one row per ErrorCode in enum order. Every mapping below reads it.
const ErrorMapping* errorTable(size_t* rows);
const ErrorMapping& errorMapping(ErrorCode kind);
// The row answering with `status`, or null when no ErrorCode does (e.g. 408, 431).
const ErrorMapping* errorForStatus(int status);

int httpStatusFor(ErrorCode kind);

}  // namespace agora
