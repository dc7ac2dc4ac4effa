#include "util/Error.h"

#include <agora/plugin_api.h>

namespace agora {

namespace {

// In ErrorCode order (checked below). Plugin statuses: bad input is
// AGORA_ERR_INVALID, a refusal because of the thing's state (locked, deleted, already decided)
// AGORA_ERR_STATE, and what a plugin can't act on otherwise the generic AGORA_ERR.
constexpr ErrorMapping kTable[] = {
    {ErrorCode::BadRequest, 400, "bad_request", AGORA_ERR_INVALID, true},
    {ErrorCode::Unauthorized, 401, "unauthorized", AGORA_ERR, true},
    {ErrorCode::Forbidden, 403, "forbidden", AGORA_ERR, true},
    {ErrorCode::NotFound, 404, "not_found", AGORA_ERR_NOT_FOUND, true},
    {ErrorCode::MethodNotAllowed, 405, "method_not_allowed", AGORA_ERR, false},
    {ErrorCode::Conflict, 409, "conflict", AGORA_ERR_STATE, true},
    {ErrorCode::Invalid, 422, "invalid", AGORA_ERR_INVALID, true},
    {ErrorCode::PayloadTooLarge, 413, "too_large", AGORA_ERR, true},
    {ErrorCode::RateLimited, 429, "rate_limited", AGORA_ERR, true},
    {ErrorCode::Unavailable, 503, "unavailable", AGORA_ERR_UNAVAILABLE, true},
    {ErrorCode::Gone, 410, "gone", AGORA_ERR_STATE, false},
    {ErrorCode::Internal, 500, "internal", AGORA_ERR, false},
};

constexpr size_t kRows = sizeof kTable / sizeof kTable[0];
constexpr bool inEnumOrder() {
    for (size_t i = 0; i < kRows; ++i)
        if (static_cast<size_t>(kTable[i].kind) != i)
            return false;
    return kRows == static_cast<size_t>(ErrorCode::Internal) + 1;
}
static_assert(inEnumOrder(), "one row per ErrorCode, in enum order");

}  // namespace

const ErrorMapping* errorTable(size_t* rows) {
    if (rows)
        *rows = kRows;
    return kTable;
}

const ErrorMapping& errorMapping(ErrorCode kind) {
    auto i = static_cast<size_t>(kind);
    return i < kRows ? kTable[i] : kTable[kRows - 1];
}

const ErrorMapping* errorForStatus(int status) {
    for (const auto& row : kTable)
        if (row.status == status)
            return &row;
    return nullptr;
}

int httpStatusFor(ErrorCode kind) {
    return errorMapping(kind).status;
}

}  // namespace agora
