#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "db/PgConnection.h"
#include "notifications/NotificationTypes.h"

namespace agora {

using json = nlohmann::json;

// One account's mail choices, every type present (defaults filled in).
struct MailPrefs {
    std::map<std::string, MailMode> modes;
    bool all_off = false;

    MailMode mode(const std::string& type) const;
    // What a notification of this type gets, the "all mail off" switch included.
    MailMode effective(const std::string& type) const {
        return all_off ? MailMode::Off : mode(type);
    }
    // {"answer": "immediate", …, "all": "on"|"off"}: the API's shape.
    json toJson() const;
};

// Reads and changes the choices in network.notification_prefs / notification_mail, on the
// caller's connection and transaction. Accounts are network-wide, so are their choices.
class NotificationPrefs {
public:
    static MailPrefs load(db::PgConnection& conn, int64_t account_id);
    static std::map<int64_t, MailPrefs> loadMany(db::PgConnection& conn,
                                                 const std::vector<int64_t>& account_ids);

    // `changes` as the API takes it: {TYPE: "immediate"|"digest"|"off", "all": "on"|"off"},
    // any subset. Every key and value is checked before anything is written: an unknown type
    // or mode is a 422 naming it, and nothing changes.
    static void update(db::PgConnection& conn, int64_t account_id, const json& changes);

    // What an unsubscribe link does: `scope` is a type (that type off), "digest" (every type
    // now mailed as a digest off) or "all" (all mail off). False for an unknown scope.
    static bool unsubscribe(db::PgConnection& conn, int64_t account_id, const std::string& scope);
    // What a scope is called on the unsubscribe page and in mail.
    static std::string scopeLabel(const std::string& scope);

private:
    static void setMode(db::PgConnection& conn, int64_t account_id, const std::string& type,
                        MailMode mode);
    static void setAllOff(db::PgConnection& conn, int64_t account_id, bool off);
};

}  // namespace agora
