// Services that write or read the tenant's own data: events, notifications, audit rows,
// settings.
#include "plugins/HostServices.h"

#include "notifications/NotificationService.h"
#include "services/Services.h"
#include "settings/SettingsService.h"
#include "settings/TenantSettings.h"
#include "tenancy/AuditLog.h"

namespace agora::hostapi {

int publishEvent(AgoraCall* call, const char* name, const char* payload_json) {
    return service(call, [&](AgoraCall& c) {
        if (!matches(name, "^[a-z0-9_]+(\\.[a-z0-9_]+)+$"))
            return invalid(c, "event name must look like \"edit.approved\"");
        json payload = payload_json ? json::parse(payload_json) : json::object();
        if (!payload.is_object())
            return invalid(c, "event payload must be a JSON object");
        // Subscribers write in the publisher's transaction; without one each of their
        // statements would commit on its own.
        if (c.kind == AgoraCall::Kind::Request && !c.inTransaction())
            return stateError(c, "publish_event: open a transaction first (db_begin)");
        c.app.events().publish(c.db(), c.tenant(), Event{name, std::move(payload)});
        return AGORA_OK;
    });
}

int notifyMember(AgoraCall* call, int64_t member_id, const char* kind, const char* text,
                 const char* link) {
    return service(call, [&](AgoraCall& c) {
        if (member_id <= 0 || !kind || !*kind || !text)
            return invalid(c, "notify_member needs a member id, a kind and a text");
        // A staging copy holds real members' data; it must never message them.
        if (c.tenant().isStaging())
            return AGORA_OK;
        NotificationService::add(c.db(), {c.tenant(), c.app.config().public_url}, member_id, kind,
                                 text, link ? link : "");
        return AGORA_OK;
    });
}

int notifyMembers(AgoraCall* call, const char* items_json) {
    return service(call, [&](AgoraCall& c) {
        json items = json::parse(items_json ? items_json : "");
        if (c.tenant().isStaging())
            return AGORA_OK;  // as notify_member: a copy never messages real people
        NotificationService::addMany(c.db(), {c.tenant(), c.app.config().public_url}, items);
        return AGORA_OK;
    });
}

int auditMany(AgoraCall* call, const char* items_json) {
    return service(call, [&](AgoraCall& c) {
        json items = json::parse(items_json ? items_json : "");
        if (!items.is_array())
            return invalid(c, "audit_many needs a JSON array");
        json rows = json::array();
        for (const auto& it : items) {
            if (!it.is_object() || !it.contains("action") || !it["action"].is_string() ||
                it["action"].get<std::string>().empty())
                return invalid(c, "each audit row needs an action");
            std::string a = it["action"];
            if (a.rfind(c.plugin.name + ".", 0) != 0)
                a = c.plugin.name + "." + a;
            rows.push_back({{"action", a},
                            {"target", it.value("target", std::string())},
                            {"old", it.value("old", json(nullptr))},
                            {"new", it.value("new", json(nullptr))}});
        }
        if (rows.empty())
            return AGORA_OK;
        std::optional<int64_t> actor;
        if (c.viewer && c.viewer->signedIn())
            actor = c.viewer->account_id;
        auditLogMany(c.db(), c.tenant().id, actor, rows);
        return AGORA_OK;
    });
}

int audit(AgoraCall* call, const char* action, const char* target, const char* old_json,
          const char* new_json) {
    return service(call, [&](AgoraCall& c) {
        if (!action || !*action)
            return invalid(c, "audit needs an action");
        std::string a = action;
        if (a.rfind(c.plugin.name + ".", 0) != 0)
            a = c.plugin.name + "." + a;
        std::optional<int64_t> actor;
        if (c.viewer && c.viewer->signedIn())
            actor = c.viewer->account_id;
        auditLog(c.db(), c.tenant().id, actor, a, target ? target : "",
                 old_json ? json::parse(old_json) : json(nullptr),
                 new_json ? json::parse(new_json) : json(nullptr));
        return AGORA_OK;
    });
}

int getSettings(AgoraCall* call, const char* prefix, const char** settings_json) {
    return service(call, [&](AgoraCall& c) {
        if (!settings_json)
            return invalid(c, "get_settings needs an output pointer");
        std::string p = prefix ? prefix : "";
        TenantSettings effective(c.app.settings(), c.tenant());
        json out = json::object();
        for (const auto& d : c.app.settings().all())
            if (d.key.rfind(p, 0) == 0)
                out[d.key] = effective.get(d.key);
        c.result = out.dump();
        *settings_json = c.result.c_str();
        return AGORA_OK;
    });
}

int setSettings(AgoraCall* call, const char* values_json) {
    return service(call, [&](AgoraCall& c) {
        if (c.kind != AgoraCall::Kind::Request || !c.viewer || !c.viewer->signedIn())
            return stateError(c,
                              "set_settings: only a signed-in member's request may change "
                              "settings");
        if (c.tx || c.inTransaction())
            return stateError(c, "set_settings commits on its own: commit first");
        json values = json::parse(values_json ? values_json : "null");
        if (!values.is_object())
            return invalid(c, "set_settings needs a JSON object");
        std::map<std::string, json> set;
        for (auto& [k, v] : values.items())
            set[k] = v;
        SettingsService::update(c.app.settings(), c.app.directory(), c.db(), c.tenant(), set, {},
                                c.viewer->account_id);
        c.refreshTenant(c.app.directory().byId(c.tenant().id));
        return AGORA_OK;
    });
}

}  // namespace agora::hostapi
