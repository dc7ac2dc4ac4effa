// A plugin's notify_member goes through the host into NotificationService, so it mails like
// core's own notifications: the flags plugin telling a flagger their flag was helpful queues
// one mail when the flagger chose "immediate" for flags, none with the default (digest).
#include "plugins/FlagsTestSupport.h"

namespace agora::test {

namespace {

class PluginNotificationMailTest : public FlagsTest {
protected:
    int64_t mails(const TestUser& u) {
        return server().scalar(
            "SELECT count(*) FROM network.mail_outbox WHERE account_id = $1 AND template = "
            "'notification'",
            u.id);
    }
};

TEST_F(PluginNotificationMailTest, AFlagOutcomeMailsWhenTheFlaggerWantsItAtOnce) {
    auto& s = server();
    auto t = flagsTenant("nplug");
    auto author = s.apiClient(t, s.createUser(t));
    auto eager_user = s.createUser(t), patient_user = s.createUser(t);
    auto eager = s.apiClient(t, eager_user), patient = s.apiClient(t, patient_user);
    auto mod = s.apiClient(t, s.createUser(t, "moderator"));
    auto set = eager.put("/api/v1/me/notification-settings", {{"flag", "immediate"}});
    ASSERT_EQ(set.status, 200) << set;

    int64_t q = ask(author);
    int64_t a = answer(author, q);
    ASSERT_EQ(resolve(mod, flagId(eager, q, "spam"), "helpful").status, 200);
    ASSERT_EQ(resolve(mod, flagId(patient, a, "spam"), "declined").status, 200);

    EXPECT_EQ(notifications(t, eager_user.id, "flag.helpful"), 1);
    EXPECT_EQ(mails(eager_user), 1);
    EXPECT_EQ(s.text("SELECT data->>'type' FROM network.mail_outbox WHERE account_id = $1",
                     eager_user.id),
              "flag");
    EXPECT_EQ(notifications(t, patient_user.id, "flag.declined"), 1);
    EXPECT_EQ(mails(patient_user), 0) << "flag outcomes wait for the digest by default";
}

}  // namespace

}  // namespace agora::test
