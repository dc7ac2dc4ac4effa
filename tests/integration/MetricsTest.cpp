// /metrics (Prometheus text) counts requests by route pattern and tenant.
#include <gmock/gmock.h>

#include "mail/MailOutbox.h"
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

// Queued mail shows as a gauge that follows the outbox, so an operator can alert on SMTP
// trouble before members notice.
TEST_F(MetricsTest, TheMailOutboxIsAGauge) {
    auto& s = server();
    auto t = s.createTenant("metm");
    auto gauge = [&](const std::string& name) {
        auto body = s.client(t).get("/metrics").body;
        auto at = body.find("\n" + name + " ");
        EXPECT_NE(at, std::string::npos) << name << " missing";
        return at == std::string::npos ? -1 : std::stoll(body.substr(at + name.size() + 2));
    };
    auto before = gauge("agora_mail_queued");
    {
        auto conn = s.db();
        mail::OutgoingMail m;
        m.tenant_id = t.id;
        m.to_address = "gauge-" + TestServer::uniqueSuffix() + "@mail.test";
        m.kind = "test";
        m.template_name = "message";
        mail::MailOutbox::enqueue(*conn, m);
        mail::MailOutbox::enqueue(*conn, m);
    }
    EXPECT_EQ(gauge("agora_mail_queued"), before + 2);
    EXPECT_GE(gauge("agora_mail_due"), 2);
    EXPECT_GE(gauge("agora_mail_failed"), 0);
}

}  // namespace

}  // namespace agora::test
