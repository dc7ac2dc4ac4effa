// The one table between ErrorCode, HTTP status and the plugin ABI's statuses: every kind has
// a row, and every mapping round-trips through it.
#include <agora/plugin_api.h>
#include <gtest/gtest.h>

#include <set>

#include "util/Error.h"

namespace agora {

TEST(ErrorTable, EveryErrorCodeRoundTrips) {
    size_t rows = 0;
    const ErrorMapping* table = errorTable(&rows);
    ASSERT_EQ(rows, static_cast<size_t>(ErrorCode::Internal) + 1);
    std::set<int> statuses;
    for (size_t i = 0; i < rows; ++i) {
        auto kind = static_cast<ErrorCode>(i);
        const ErrorMapping& row = errorMapping(kind);
        EXPECT_EQ(&row, &table[i]);
        EXPECT_EQ(row.kind, kind);
        EXPECT_EQ(httpStatusFor(kind), row.status);
        // Status back to the kind: no two kinds share a status.
        EXPECT_TRUE(statuses.insert(row.status).second) << row.status;
        const ErrorMapping* back = errorForStatus(row.status);
        ASSERT_NE(back, nullptr) << row.status;
        EXPECT_EQ(back->kind, kind);
        EXPECT_NE(std::string(row.code), "");
        // Plugin statuses are AGORA_ERR_* codes, never success.
        EXPECT_LT(row.plugin_status, AGORA_OK);
        EXPECT_GE(row.plugin_status, AGORA_ERR_DATABASE);
    }
    EXPECT_EQ(errorForStatus(408), nullptr);
    EXPECT_EQ(errorForStatus(200), nullptr);
}

TEST(ErrorTable, TheFactoriesUseTheTablesCodes) {
    EXPECT_EQ(Error::badRequest("x").code(), errorMapping(ErrorCode::BadRequest).code);
    EXPECT_EQ(Error::unauthorized().code(), errorMapping(ErrorCode::Unauthorized).code);
    EXPECT_EQ(Error::notFound().code(), errorMapping(ErrorCode::NotFound).code);
    EXPECT_EQ(Error::invalid("f", "x").code(), errorMapping(ErrorCode::Invalid).code);
    EXPECT_EQ(Error::tooLarge("x").code(), errorMapping(ErrorCode::PayloadTooLarge).code);
    EXPECT_EQ(Error::rateLimited("x", 1).code(), errorMapping(ErrorCode::RateLimited).code);
    EXPECT_EQ(Error::unavailable("x").code(), errorMapping(ErrorCode::Unavailable).code);
    EXPECT_EQ(Error::internal("x").code(), errorMapping(ErrorCode::Internal).code);
}

TEST(ErrorTable, PluginStatusesForWhatServicesReport) {
    EXPECT_EQ(errorMapping(ErrorCode::Invalid).plugin_status, AGORA_ERR_INVALID);
    EXPECT_EQ(errorMapping(ErrorCode::BadRequest).plugin_status, AGORA_ERR_INVALID);
    EXPECT_EQ(errorMapping(ErrorCode::NotFound).plugin_status, AGORA_ERR_NOT_FOUND);
    EXPECT_EQ(errorMapping(ErrorCode::Conflict).plugin_status, AGORA_ERR_STATE);
    EXPECT_EQ(errorMapping(ErrorCode::Unavailable).plugin_status, AGORA_ERR_UNAVAILABLE);
    EXPECT_FALSE(errorMapping(ErrorCode::Internal).plugin_may_fail);
    EXPECT_FALSE(errorMapping(ErrorCode::MethodNotAllowed).plugin_may_fail);
}

}  // namespace agora
