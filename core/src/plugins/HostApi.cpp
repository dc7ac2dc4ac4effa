#include "plugins/HostApi.h"

#include "plugins/HostServices.h"

namespace agora {

namespace {

using namespace hostapi;

const char* lastError(AgoraCall* call) {
    return call ? call->last_error.c_str() : "";
}

AgoraHostApi makeApi() {
    AgoraHostApi api{};
    api.struct_size = sizeof api;
    api.abi_major = AGORA_PLUGIN_ABI_MAJOR;
    api.abi_minor = AGORA_PLUGIN_ABI_MINOR;
    api.register_setting = registerSetting;
    api.register_migration = registerMigration;
    api.register_migration_dir = registerMigrationDir;
    api.register_route = registerRoute;
    api.register_template = registerTemplate;
    api.register_slot_partial = registerSlotPartial;
    api.subscribe_event = subscribeEvent;
    api.set_ability_resolver = setAbilityResolver;
    api.register_enable_hook = registerEnableHook;
    api.log = log;
    api.last_error = lastError;
    api.db_query = dbQuery;
    api.db_begin = dbBegin;
    api.db_commit = dbCommit;
    api.db_rollback = dbRollback;
    api.publish_event = publishEvent;
    api.notify_member = notifyMember;
    api.audit = audit;
    api.get_settings = getSettings;
    api.set_settings = setSettings;
    api.cache_get = cacheGet;
    api.cache_mget = cacheMget;
    api.cache_set = cacheSet;
    api.cache_del = cacheDel;
    api.cache_incr = cacheIncr;
    api.check_ability = checkAbility;
    api.request_input = requestInput;
    api.respond = respond;
    api.respond_page = respondPage;
    api.redirect = redirect;
    api.fail = fail;
    api.flash = flash;
    api.register_badge = registerBadge;
    api.edit_post = editPost;
    api.diff_html = diffHtmlService;
    api.notify_members = notifyMembers;
    api.audit_many = auditMany;
    return api;
}

}  // namespace

const AgoraHostApi& hostApi() {
    // Built on first use (not a static initialiser): the table lives for the whole process.
    static const AgoraHostApi api = makeApi();
    return api;
}

}  // namespace agora
