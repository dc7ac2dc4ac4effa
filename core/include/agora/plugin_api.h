/*
 * Agora plugin ABI — the whole boundary between the server ("host") and a plugin.
 *
 * A plugin is a shared library in the server's plugin directory that exports one C function,
 * `agora_plugin_entry`, returning a descriptor. The host checks the descriptor's size and ABI
 * version BEFORE it calls anything else, then calls `init` once with a table of host services.
 * During `init` (and only then) the plugin registers what it brings: settings, migrations,
 * routes, templates, slot partials, event handlers, an ability resolver, an enable hook.
 * Afterwards the host calls those callbacks while it serves requests.
 *
 * Rules that hold for every function in this file:
 *
 *  - Pure C: no C++ types, no exceptions. The host never lets an exception out of a host
 *    service, and it catches anything a plugin callback throws (turning it into an error),
 *    but a plugin must not rely on that: a C++ plugin catches inside its callbacks
 *    (agora/plugin.hpp does it for you).
 *  - Strings are NUL-terminated UTF-8 unless a length is passed beside them.
 *  - Strings and structs the plugin passes IN to a host service are copied by the host before
 *    the service returns; the plugin may free or reuse them immediately.
 *  - Strings the host hands OUT are owned by the host; never free them. Those returned
 *    through `const char**` out-parameters stay valid until the next host service call on the
 *    same AgoraCall or until the callback returns, whichever comes first: copy what you keep.
 *    Those inside the view structs passed to a callback stay valid until it returns.
 *  - Status: every service returns AGORA_OK (0) or a negative AGORA_ERR_* code; after an
 *    error `last_error(call)` describes it (for init-time services the message goes to the
 *    server log and the code tells what kind of failure it was).
 *  - Threading: `init` runs once, on one thread, before any request is served. Every other
 *    callback may run on many request threads at the same time, so whatever the plugin keeps
 *    in its context must be safe for concurrent use. One AgoraCall is only ever used by the
 *    thread running the callback it was passed to, and only while that callback runs.
 *  - Lifetime: the host never unloads a plugin (no dlclose), so the descriptor, the plugin
 *    context and every function pointer stay valid for the life of the process.
 *  - Growth: AgoraHostApi and every struct here start with `struct_size` and only ever grow at
 *    the end (that is a MINOR version bump). Before using a member added in a later minor
 *    version, check `struct_size` covers it (see AGORA_HAS_MEMBER). Any other change —
 *    removing, reordering, retyping — is a MAJOR bump; the host refuses plugins built for
 *    another major version. A unit test hashes this file so no edit slips through unversioned.
 */
#ifndef AGORA_PLUGIN_API_H
#define AGORA_PLUGIN_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AGORA_PLUGIN_ABI_MAJOR 1
#define AGORA_PLUGIN_ABI_MINOR 1

/* The one symbol a plugin exports. Use AGORA_PLUGIN_EXPORT on its definition so it stays
 * visible when the plugin is built with -fvisibility=hidden. */
#define AGORA_PLUGIN_ENTRY_SYMBOL "agora_plugin_entry"
#if defined(__GNUC__)
#define AGORA_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define AGORA_PLUGIN_EXPORT
#endif

/* True when a struct received from the other side is large enough to contain `member`. */
#define AGORA_HAS_MEMBER(ptr, type, member) \
    ((ptr)->struct_size >= offsetof(type, member) + sizeof(((type*)0)->member))

/* ---- status codes ------------------------------------------------------------------------ */

#define AGORA_OK 0
#define AGORA_ERR -1             /* generic failure; see last_error */
#define AGORA_ERR_INVALID -2     /* bad argument (malformed name, pattern, JSON, key) */
#define AGORA_ERR_STATE -3       /* not allowed now (registration after init, no tx open) */
#define AGORA_ERR_NOT_FOUND -4   /* cache miss, unknown template or setting */
#define AGORA_ERR_UNAVAILABLE -5 /* a dependency is down (Redis, PostgreSQL) */
#define AGORA_ERR_DUPLICATE -6   /* name already registered */
#define AGORA_ERR_DATABASE -7    /* the SQL statement failed; the transaction is aborted */

/* Log levels for AgoraHostApi.log. */
#define AGORA_LOG_DEBUG 0
#define AGORA_LOG_INFO 1
#define AGORA_LOG_WARN 2
#define AGORA_LOG_ERROR 3

/* ---- opaque handles ---------------------------------------------------------------------- */

/* The host's handle for one loaded plugin. Valid for the life of the process; may be kept in
 * the plugin context and used from any thread (for `log`). */
typedef struct AgoraHost AgoraHost;

/* One callback invocation: a request, an event delivery, an ability question or an enable
 * hook, bound to one tenant and one database connection. Valid only during the callback it
 * was passed to, on that callback's thread. */
typedef struct AgoraCall AgoraCall;

/* ---- views the host passes to callbacks (read-only, owned by the host) -------------------- */

/* One HTTP request to a plugin route. */
typedef struct AgoraRequest {
    size_t struct_size;
    const char* method;       /* "GET", "POST", … */
    const char* path;         /* "/api/v1/users/7/abilities" */
    const char* query_string; /* raw, without "?"; "" when none */
    const char* params_json;  /* route {name} segments: {"id":"7"} */
    const char* query_json;   /* decoded query parameters: {"page":"2"} */
    const char* body;         /* raw request body; not NUL-terminated, use body_len */
    size_t body_len;
    const char* content_type; /* "" when none */
    /* The tenant serving the request. */
    int64_t tenant_id;
    const char* tenant_slug;
    int32_t tenant_is_staging; /* 1 on a staging copy */
    /* Who is asking (0 / "" when anonymous). Roles are this tenant's. */
    int64_t viewer_id;
    const char* viewer_username;
    const char* viewer_display_name;
    const char* viewer_role;     /* "member" | "moderator" | "admin" | "" */
    int32_t viewer_is_moderator; /* moderators, admins and network staff */
    int32_t viewer_is_admin;     /* admins and network staff */
} AgoraRequest;

/* One published event delivered to a subscriber. The handler runs inside the publisher's
 * database transaction, on its connection: whatever it writes commits or rolls back with the
 * activity that caused the event. Returning an error rolls that activity back. */
typedef struct AgoraEvent {
    size_t struct_size;
    const char* name;         /* "vote.cast" */
    const char* payload_json; /* {"post_id":1,"author_id":7,…} */
    int64_t tenant_id;
    const char* tenant_slug;
    int32_t tenant_is_staging;
} AgoraEvent;

/* "May this member use this ability here?" Asked only for signed-in members who are not
 * moderators (moderators hold every ability) on tenants that enabled the plugin. */
typedef struct AgoraAbilityQuery {
    size_t struct_size;
    const char* ability; /* "edit_posts" */
    int64_t member_id;
    const char* member_role;
    int64_t tenant_id;
    const char* tenant_slug;
    int32_t tenant_is_staging;
} AgoraAbilityQuery;

#define AGORA_ABILITY_UNKNOWN 0 /* no opinion: the host's default applies */
#define AGORA_ABILITY_GRANTED 1
#define AGORA_ABILITY_DENIED 2

/* Filled in by the resolver. The host zeroes it and sets struct_size before the call. */
typedef struct AgoraAbilityAnswer {
    size_t struct_size;
    int32_t answer;   /* AGORA_ABILITY_* */
    char reason[512]; /* why not, shown to the member: "suspended until …: …" */
} AgoraAbilityAnswer;

/* The tenant a call is bound to (enable hooks receive only this). */
typedef struct AgoraTenant {
    size_t struct_size;
    int64_t id;
    const char* slug;
    const char* name;
    int32_t is_staging;
} AgoraTenant;

/* ---- callbacks a plugin registers ---------------------------------------------------------
 * Each returns AGORA_OK or an error; on error it writes a NUL-terminated message of at most
 * `error_cap` bytes (including the NUL) into `error`. A route returning an error answers 500
 * and the host logs the message with the plugin's name; an event handler or resolver
 * returning an error fails the request that caused it (500), rolling its transaction back.
 * `user_data` is the pointer given at registration, passed back untouched. */

/* Answers one request. Respond with respond/respond_page/redirect, or call `fail` for a 4xx;
 * a route that returns AGORA_OK without responding answers 500. The database connection is
 * not in a transaction when the route starts: open one with db_begin for several writes
 * (the host rolls back whatever is left uncommitted when the route returns). */
typedef int (*AgoraRouteFn)(void* user_data, AgoraCall* call, const AgoraRequest* request,
                            char* error, size_t error_cap);
typedef int (*AgoraEventFn)(void* user_data, AgoraCall* call, const AgoraEvent* event, char* error,
                            size_t error_cap);
/* Runs on the connection of whatever asked (possibly inside its transaction): read only. */
typedef int (*AgoraResolverFn)(void* user_data, AgoraCall* call, const AgoraAbilityQuery* query,
                               AgoraAbilityAnswer* answer, char* error, size_t error_cap);
/* Runs when a tenant enables the plugin, after the plugin's migrations were applied to that
 * tenant's schema, inside the transaction that records the enablement (an error refuses the
 * enablement). Use it to backfill state from data that existed before. */
typedef int (*AgoraTenantFn)(void* user_data, AgoraCall* call, const AgoraTenant* tenant,
                             char* error, size_t error_cap);

/* A number the host shows beside a link in the page header, e.g. pending flags for moderators
 * (added in 1.1). Called while a page is rendered for a signed-in viewer on a tenant that
 * enabled the plugin; `request` describes that page's request. Set *count (0 shows nothing).
 * It runs on every such page: return early for viewers it does not concern and otherwise keep
 * it to one indexed query. Read only. An error is logged and the badge left out: a badge never
 * fails the page. */
typedef int (*AgoraBadgeFn)(void* user_data, AgoraCall* call, const AgoraRequest* request,
                            int64_t* count, char* error, size_t error_cap);

/* ---- settings ---------------------------------------------------------------------------- */

#define AGORA_SETTING_BOOL 0
#define AGORA_SETTING_INT 1
#define AGORA_SETTING_FLOAT 2
#define AGORA_SETTING_STRING 3
#define AGORA_SETTING_COLOR 4
#define AGORA_SETTING_ENUM 5

/* A typed tenant setting. Keys must start with "<plugin name>." so plugins cannot collide with
 * core or with each other; a duplicate key refuses the plugin. Copied by the host. */
typedef struct AgoraSettingDef {
    size_t struct_size;
    const char* key;          /* "abilities.scoring" */
    int32_t type;             /* AGORA_SETTING_* */
    const char* default_json; /* JSON literal: "0.75", "null", "\"laplace\"", "false" */
    int32_t has_min;          /* numeric bounds, inclusive */
    double min;
    int32_t has_max;
    double max;
    int32_t nullable;         /* null allowed (e.g. "criterion unused") */
    const char* choices_json; /* ENUM: ["a","b"]; NULL otherwise */
    const char* pattern;      /* STRING: ECMAScript regex the whole value must match; or NULL */
    const char* category;     /* groups settings on the admin page */
    const char* description;
} AgoraSettingDef;

/* ---- host services ------------------------------------------------------------------------ */

typedef struct AgoraHostApi {
    size_t struct_size;
    uint32_t abi_major; /* the host's version (a plugin may check it before using new members) */
    uint32_t abi_minor;

    /* -- registration: only while init runs, else AGORA_ERR_STATE. Everything registered is
     *    committed only if init returns AGORA_OK; a refused plugin leaves no trace. -- */

    int (*register_setting)(AgoraHost* host, const AgoraSettingDef* def);
    /* A numbered tenant-schema migration ("001_tables.sql" + its SQL). Applied, in name
     * order, to a tenant's schema when it enables the plugin; recorded in the migration
     * ledger as "<plugin>/<name>". Never edit a migration once released: add a new one. */
    int (*register_migration)(AgoraHost* host, const char* name, const char* sql);
    /* Every *.sql file in `dir` (relative paths are relative to the plugin file's folder). */
    int (*register_migration_dir)(AgoraHost* host, const char* dir);
    /* method: GET POST PUT PATCH DELETE; pattern: "/api/v1/things/{id}". Matches only on
     * tenants that enabled the plugin; a pattern that a core or other plugin route already
     * uses refuses the plugin. */
    int (*register_route)(AgoraHost* host, const char* method, const char* pattern, AgoraRouteFn fn,
                          void* user_data);
    /* A Mustache page template, rendered inside the theme's layout by respond_page. A theme
     * may override it with templates/plugins/<plugin>/<name>.mustache. */
    int (*register_template)(AgoraHost* host, const char* name, const char* mustache);
    /* Mustache text rendered into a named slot of core pages ("nav", "user_nav",
     * "profile_sections", "admin_sections") on tenants that enabled the plugin, with the
     * page's own data. */
    int (*register_slot_partial)(AgoraHost* host, const char* slot, const char* mustache);
    int (*subscribe_event)(AgoraHost* host, const char* event, AgoraEventFn fn, void* user_data);
    /* At most one plugin answers ability questions; a second one is refused. */
    int (*set_ability_resolver)(AgoraHost* host, AgoraResolverFn fn, void* user_data);
    int (*register_enable_hook)(AgoraHost* host, AgoraTenantFn fn, void* user_data);

    /* -- any time, any thread -- */

    void (*log)(AgoraHost* host, int32_t level, const char* message);

    /* -- per call (the call's tenant and connection) -- */

    /* Message for the last failed service on this call ("" when none). */
    const char* (*last_error)(AgoraCall* call);

    /* One parameterised SQL statement on the call's tenant schema ($1, $2… bound from
     * params_json, a JSON array of strings/numbers/booleans/null; objects and arrays are
     * passed as JSON text). *rows_json receives a JSON array of row objects, column name →
     * value (numbers, booleans and json/jsonb columns typed, everything else as text).
     * params_json may be NULL for none. A failed statement aborts an open transaction. */
    int (*db_query)(AgoraCall* call, const char* sql, const char* params_json,
                    const char** rows_json, size_t* rows_len);
    /* Transactions, for routes only: events, resolvers and enable hooks already run inside
     * their caller's transaction (db_begin there is AGORA_ERR_STATE). */
    int (*db_begin)(AgoraCall* call);
    int (*db_commit)(AgoraCall* call);
    int (*db_rollback)(AgoraCall* call);

    /* Runs every subscriber (core and plugins) now, on this call's connection and
     * transaction; a route must have opened one with db_begin (AGORA_ERR_STATE otherwise).
     * An error from a subscriber is returned here and the transaction should be abandoned. */
    int (*publish_event)(AgoraCall* call, const char* name, const char* payload_json);
    /* Stores a notification for a member of the call's tenant (same transaction). Skipped,
     * returning AGORA_OK, on staging tenants: a copy must not message real people. */
    int (*notify_member)(AgoraCall* call, int64_t member_id, const char* kind, const char* text,
                         const char* link);
    /* A network audit-log row for the call's tenant and viewer, in the same transaction.
     * `action` is prefixed with "<plugin>." unless it already is. JSON args may be NULL. */
    int (*audit)(AgoraCall* call, const char* action, const char* target, const char* old_json,
                 const char* new_json);

    /* Effective settings of the call's tenant whose key starts with `prefix` (a full key
     * works too), as a JSON object key → value. */
    int (*get_settings)(AgoraCall* call, const char* prefix, const char** settings_json);
    /* Validates and stores tenant setting overrides ({key: value}; null resets a nullable
     * setting to null — to go back to the default use the admin settings page). Audited,
     * committed in its own transaction (AGORA_ERR_STATE if one is open) and announced to
     * every server; later get_settings on this call see the new values. */
    int (*set_settings)(AgoraCall* call, const char* values_json);

    /* Redis, as a cache: AGORA_ERR_UNAVAILABLE when it can't answer — fall back to
     * PostgreSQL, never to "allowed". Every key must contain the tenant's hash tag "{slug}"
     * (AGORA_ERR_INVALID otherwise), which also keeps one tenant's keys on one cluster node. */
    int (*cache_get)(AgoraCall* call, const char* key, const char** value, size_t* value_len);
    /* Several keys in one round trip: JSON array of strings or nulls (misses). */
    int (*cache_mget)(AgoraCall* call, const char* keys_json, const char** values_json);
    int (*cache_set)(AgoraCall* call, const char* key, const char* value, size_t value_len,
                     int32_t ttl_seconds);
    int (*cache_del)(AgoraCall* call, const char* key);
    int (*cache_incr)(AgoraCall* call, const char* key, int64_t* value);

    /* Whether the call's viewer holds an ability (through whichever resolver the tenant
     * uses). *reason is "" when granted. Requests only. */
    int (*check_ability)(AgoraCall* call, const char* ability, int32_t* granted,
                         const char** reason);
    /* One input by name from a JSON body or a submitted form; AGORA_ERR_NOT_FOUND when
     * absent. Non-string JSON values are returned as JSON text. Requests only. */
    int (*request_input)(AgoraCall* call, const char* name, const char** value);

    /* -- responses (requests only; the last one wins) -- */

    int (*respond)(AgoraCall* call, int32_t status, const char* content_type, const char* body,
                   size_t body_len);
    /* Renders a registered template inside the theme layout with data_json (an object). */
    int (*respond_page)(AgoraCall* call, int32_t status, const char* template_name,
                        const char* data_json);
    int (*redirect)(AgoraCall* call, const char* location, int32_t status);
    /* Ends the request with an error the host renders like its own (JSON for the API, an
     * error page for browsers): 400 401 403 404 409 422 429 or 503. `code` is machine
     * readable ("ability_required:edit_posts"), `field` names the bad input (422) or NULL. */
    int (*fail)(AgoraCall* call, int32_t status, const char* code, const char* message,
                const char* field);
    /* A one-time message shown on the next page the browser loads. */
    int (*flash)(AgoraCall* call, const char* message);

    /* ---- added in 1.1 (check AGORA_HAS_MEMBER before use against an older host) ---- */

    /* A header badge: `label` linking to `link` with the count from `fn` (registration only). */
    int (*register_badge)(AgoraHost* host, const char* label, const char* link, AgoraBadgeFn fn,
                          void* user_data);
    /* Applies an edit to a post of the call's tenant with everything a direct edit does —
     * validation, Markdown rendering, tags, a revision, last activity, the `post.edited` event,
     * cached pages dropped on commit — but without the viewer's permission check: the plugin
     * has decided who may. Requests only, inside the plugin's transaction (db_begin first).
     * edit_json: {"post_id": N, "title"?: "", "body"?: "", "tags"?: [""], "comment": "",
     *             "editor_id": N (credited with the revision), "reviewer_id"?: N,
     *             "base_revision"?: N (the post's revision the edit was made against),
     *             "dry_run"?: true (validate only, write nothing)}.
     * On success *result_json is {"revision": N} (dry run: {"title", "body", "tags",
     * "revision"} as they would be stored). When the edit is refused the service returns
     * AGORA_ERR_INVALID (bad field, or it changes nothing), AGORA_ERR_STATE (the post moved past
     * base_revision, or it is locked) or AGORA_ERR_NOT_FOUND (no such post), and *result_json
     * is {"error": {"status": 422|409|404, "code": "", "message": "", "field": ""}}: the error a
     * direct edit would have answered. The transaction stays usable after such a refusal. */
    int (*edit_post)(AgoraCall* call, const char* edit_json, const char** result_json);
    /* Word-level difference of two texts as escaped HTML with <del>/<ins> marks (what the
     * revision history shows). */
    int (*diff_html)(AgoraCall* call, const char* before, const char* after, const char** html);
    /* notify_member for many members in one statement (re-evaluating thousands at once):
     * items_json is [{"member_id": N, "kind": "", "text": "", "link": ""}, …]. Same rules;
     * an invalid item refuses the whole batch (AGORA_ERR_INVALID) and writes nothing. */
    int (*notify_members)(AgoraCall* call, const char* items_json);
    /* audit for many rows in one statement: [{"action": "", "target": "", "old": any?,
     * "new": any?}, …] — old/new are JSON values (null or absent for none). */
    int (*audit_many)(AgoraCall* call, const char* items_json);
} AgoraHostApi;

/* ---- the descriptor ---------------------------------------------------------------------- */

/* The first three members keep their place in every ABI version, major ones included: the
 * host reads them to decide whether it may read the rest. */
typedef struct AgoraPluginDescriptor {
    size_t struct_size;  /* sizeof(AgoraPluginDescriptor) as the plugin was built */
    uint32_t abi_major;  /* AGORA_PLUGIN_ABI_MAJOR as the plugin was built */
    uint32_t abi_minor;  /* AGORA_PLUGIN_ABI_MINOR as the plugin was built */
    const char* name;    /* [a-z][a-z0-9_]{0,31}; unique among loaded plugins */
    const char* version; /* the plugin's own version, shown to operators */
    const char* summary; /* one line for `agora plugin list` and the admin page */
    /* Called once after the version check. `host` and `host_ctx` stay valid forever. Store
     * what the callbacks need in a context of your own and hand it out through
     * `plugin_ctx_out`; it is not passed back by the host (register callbacks with it as
     * user_data). Return AGORA_OK, or an error with a message: the plugin is then refused
     * and nothing it registered is kept. */
    int (*init)(const AgoraHostApi* host, AgoraHost* host_ctx, void** plugin_ctx_out, char* error,
                size_t error_cap);
} AgoraPluginDescriptor;

/* The entry point. Returns a descriptor with static storage duration; the host reads
 * struct_size and the ABI version before touching anything else. */
typedef const AgoraPluginDescriptor* (*AgoraPluginEntryFn)(void);

#ifdef __cplusplus
}
#endif

#endif /* AGORA_PLUGIN_API_H */
