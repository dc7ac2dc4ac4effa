// /metrics (Prometheus text) counts requests by route pattern and tenant.
#include <gmock/gmock.h>

#include "support/IntegrationTest.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;

class MetricsTest : public IntegrationTest {};

TEST_F(MetricsTest, CountsRequestsByRouteAndTenant) {
    auto& s = server();
    auto t = s.createTenant("met");
    auto c = s.client(t);
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(c.get("/login").status, 200);
    ASSERT_EQ(c.get("/no-such-page").status, 404);
    ASSERT_EQ(c.get("/static/style.css").status, 200);

    auto m = c.get("/metrics");
    ASSERT_EQ(m.status, 200) << m;
    EXPECT_THAT(m.header("Content-Type"), HasSubstr("text/plain"));
    EXPECT_THAT(m.body, HasSubstr("# TYPE agora_http_requests_total counter"));
    // Each tenant is new in this test, so the counts are exact.
    auto label = ",tenant=\"" + t.slug + "\"";
    EXPECT_THAT(m.body, HasSubstr("agora_http_requests_total{route=\"/login\"" + label +
                                  ",status=\"200\"} 3\n"));
    // Unknown paths share one label value, so probing URLs cannot grow the series without
    // bound.
    EXPECT_THAT(m.body, HasSubstr("agora_http_requests_total{route=\"unmatched\"" + label +
                                  ",status=\"404\"} 1\n"));
    // Routes are labelled by pattern, not by the concrete path.
    EXPECT_THAT(m.body, HasSubstr("agora_http_requests_total{route=\"/static/{file}\"" + label +
                                  ",status=\"200\"} 1\n"));
    EXPECT_THAT(m.body, HasSubstr("agora_http_request_duration_seconds_count{route=\"/login\"" +
                                  label + "} 3\n"));
}

}  // namespace

}  // namespace agora::test
