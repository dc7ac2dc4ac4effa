// Shared helpers for the notification mail tests: a community whose members may post freely,
// the outbox rows queued for one account, and an account's stored choices as one text so
// "nothing was written" is a single comparison.
#pragma once

#include <string>

#include "ContentTestSupport.h"

namespace agora::test {

class NotificationMailTest : public ContentTest {
protected:
    // Outbox rows for `account` with `templ` (notification | digest).
    int64_t queued(const TestUser& u, const std::string& templ = "notification") {
        return server().scalar(
            "SELECT count(*) FROM network.mail_outbox WHERE account_id = $1 AND template = $2",
            u.id, templ);
    }
    // The newest such row's data, with its unsubscribe_url and tenant_id added.
    json lastMail(const TestUser& u, const std::string& templ = "notification") {
        auto text = server().text(
            "SELECT jsonb_build_object('data', data, 'unsubscribe_url', unsubscribe_url, "
            "'tenant_id', tenant_id, 'to', to_address, 'kind', kind)::text "
            "FROM network.mail_outbox WHERE account_id = $1 AND template = $2 "
            "ORDER BY id DESC LIMIT 1",
            u.id, templ);
        return text.empty() ? json() : json::parse(text);
    }
    // Every stored choice and token of an account, as one text.
    std::string choices(const TestUser& u) {
        return server().text(
                   "SELECT coalesce(string_agg(type || '=' || mode, ',' ORDER BY type), '') "
                   "FROM network.notification_prefs WHERE account_id = $1",
                   u.id) +
               " | " +
               server().text(
                   "SELECT coalesce(string_agg(all_off::text || ' ' || "
                   "coalesce(last_digest_at::text, '-'), ','), '') "
                   "FROM network.notification_mail WHERE account_id = $1",
                   u.id);
    }
    // The path part of an absolute link ("https://host/unsubscribe/x" → "/unsubscribe/x").
    static std::string pathOf(const std::string& url) {
        auto scheme = url.find("://");
        auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
        return slash == std::string::npos ? "/" : url.substr(slash);
    }
    // Sets one choice through the API.
    void choose(const TestTenant& t, const TestUser& u, const json& changes) {
        auto r = server().apiClient(t, u).put("/api/v1/me/notification-settings", changes);
        ASSERT_EQ(r.status, 200) << r;
    }
};

}  // namespace agora::test
