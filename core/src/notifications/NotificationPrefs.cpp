#include "notifications/NotificationPrefs.h"

#include "util/Error.h"

namespace agora {

namespace {

MailPrefs defaults() {
    MailPrefs p;
    for (const auto& t : notificationTypes())
        p.modes[t.name] = t.default_mode;
    return p;
}

// Fills `p` from one row's all_off and its choices as {type: mode}.
void apply(MailPrefs& p, bool all_off, const std::string& choices) {
    p.all_off = all_off;
    json stored = json::parse(choices);  // kept alive: items() only refers to it
    for (auto& [type, mode] : stored.items())
        if (auto m = parseMailMode(mode.get<std::string>()); m && findNotificationType(type))
            p.modes[type] = *m;
}

const char* kPrefsSql =
    "SELECT a.id, coalesce(s.all_off, false), "
    "  coalesce((SELECT jsonb_object_agg(p.type, p.mode) FROM network.notification_prefs p "
    "            WHERE p.account_id = a.id), '{}') "
    "FROM network.accounts a LEFT JOIN network.notification_mail s ON s.account_id = a.id "
    "WHERE a.id = ANY($1::bigint[])";

std::string pgIds(const std::vector<int64_t>& ids) {
    std::string out = "{";
    for (size_t i = 0; i < ids.size(); ++i)
        out += (i ? "," : "") + std::to_string(ids[i]);
    return out + "}";
}

}  // namespace

MailMode MailPrefs::mode(const std::string& type) const {
    auto it = modes.find(type);
    if (it != modes.end())
        return it->second;
    const auto* t = findNotificationType(type);
    return t ? t->default_mode : MailMode::Off;
}

json MailPrefs::toJson() const {
    json out = json::object();
    for (const auto& t : notificationTypes())
        out[t.name] = mailModeName(mode(t.name));
    out["all"] = all_off ? "off" : "on";
    return out;
}

MailPrefs NotificationPrefs::load(db::PgConnection& conn, int64_t account_id) {
    auto many = loadMany(conn, {account_id});
    auto it = many.find(account_id);
    return it == many.end() ? defaults() : it->second;
}

std::map<int64_t, MailPrefs> NotificationPrefs::loadMany(db::PgConnection& conn,
                                                         const std::vector<int64_t>& account_ids) {
    std::map<int64_t, MailPrefs> out;
    if (account_ids.empty())
        return out;
    auto r = conn.q(kPrefsSql, pgIds(account_ids));
    for (int i = 0; i < r.rows(); ++i) {
        MailPrefs p = defaults();
        apply(p, r.boolean(i, 1), r.str(i, 2));
        out.emplace(r.i64(i, 0), std::move(p));
    }
    return out;
}

void NotificationPrefs::update(db::PgConnection& conn, int64_t account_id, const json& changes) {
    if (!changes.is_object())
        throw Error::badRequest(
            "send an object: {\"answer\": \"immediate\"|\"digest\"|\"off\", …, \"all\": "
            "\"on\"|\"off\"}");
    std::vector<std::pair<std::string, MailMode>> modes;
    std::optional<bool> all_off;
    for (const auto& [key, value] : changes.items()) {
        std::string v = value.is_string() ? value.get<std::string>() : value.dump();
        if (key == "all") {
            if (v != "on" && v != "off")
                throw Error::invalid("all", "all must be \"on\" or \"off\"");
            all_off = v == "off";
            continue;
        }
        if (!findNotificationType(key))
            throw Error::invalid(key, "unknown notification type \"" + key + "\"");
        auto mode = value.is_string() ? parseMailMode(v) : std::nullopt;
        if (!mode)
            throw Error::invalid(key, key + " must be \"immediate\", \"digest\" or \"off\"");
        modes.emplace_back(key, *mode);
    }
    for (const auto& [type, mode] : modes)
        setMode(conn, account_id, type, mode);
    if (all_off)
        setAllOff(conn, account_id, *all_off);
}

bool NotificationPrefs::unsubscribe(db::PgConnection& conn, int64_t account_id,
                                    const std::string& scope) {
    if (scope == "all") {
        setAllOff(conn, account_id, true);
        return true;
    }
    if (scope == "digest") {
        auto prefs = load(conn, account_id);
        for (const auto& t : notificationTypes())
            if (prefs.mode(t.name) == MailMode::Digest)
                setMode(conn, account_id, t.name, MailMode::Off);
        return true;
    }
    if (!findNotificationType(scope))
        return false;
    setMode(conn, account_id, scope, MailMode::Off);
    return true;
}

std::string NotificationPrefs::scopeLabel(const std::string& scope) {
    if (scope == "all")
        return "all mail from the network";
    if (scope == "digest")
        return "the daily digest";
    const auto* t = findNotificationType(scope);
    return t ? t->label : scope;
}

void NotificationPrefs::setMode(db::PgConnection& conn, int64_t account_id, const std::string& type,
                                MailMode mode) {
    conn.q(
        "INSERT INTO network.notification_prefs (account_id, type, mode) VALUES ($1, $2, $3) "
        "ON CONFLICT (account_id, type) DO UPDATE SET mode = EXCLUDED.mode, updated_at = now()",
        account_id, type, mailModeName(mode));
}

void NotificationPrefs::setAllOff(db::PgConnection& conn, int64_t account_id, bool off) {
    conn.q(
        "INSERT INTO network.notification_mail (account_id, all_off) VALUES ($1, $2) "
        "ON CONFLICT (account_id) DO UPDATE SET all_off = EXCLUDED.all_off",
        account_id, off);
}

}  // namespace agora
