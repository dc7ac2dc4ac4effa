#include "plugins/PluginHost.h"

#include <dlfcn.h>
#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <mutex>
#include <optional>
#include <regex>
#include <vector>

#include "http/RequestContext.h"
#include "http/Router.h"
#include "plugins/AgoraCall.h"
#include "plugins/HostApi.h"
#include "plugins/PluginCallbacks.h"
#include "render/Renderer.h"
#include "services/Services.h"
#include "util/Error.h"

namespace agora {

namespace fs = std::filesystem;

using namespace pluginhost;

namespace {

std::string abiText(uint32_t major, uint32_t minor) {
    return std::to_string(major) + "." + std::to_string(minor);
}

bool validName(const char* name) {
    static const std::regex re("^[a-z][a-z0-9_]{0,31}$");
    return name && std::regex_match(name, re);
}

}  // namespace

PluginHost::PluginHost(Services& app) : app_(app) {}
PluginHost::~PluginHost() {
    // A plugin has no shutdown and is never unloaded: what its init allocated (plugin_ctx)
    // lives for the process, as the ABI promises. When a host goes away (tests build one per
    // App) that state is kept reachable here, so LeakSanitizer sees process-lifetime state
    // rather than a leak (ops/test --sanitize). Never freed, by design.
    static auto* retired_mutex = new std::mutex();
    static auto* retired = new std::vector<void*>();
    std::lock_guard lock(*retired_mutex);
    for (const auto& p : plugins_)
        if (p && p->plugin_ctx)
            retired->push_back(p->plugin_ctx);
}

void PluginHost::refuse(LoadedPlugin& p, std::string error, std::string hint) {
    p.ok = false;
    p.error = std::move(error);
    p.hint = std::move(hint);
    spdlog::error("plugin {} refused: {} (hint: {})", p.file.string(), p.error, p.hint);
}

const LoadedPlugin* PluginHost::find(const std::string& name) const {
    for (const auto& p : plugins_)
        if (p->ok && p->name == name)
            return p.get();
    return nullptr;
}

std::vector<std::string> PluginHost::names() const {
    std::vector<std::string> out;
    for (const auto& p : plugins_)
        if (p->ok)
            out.push_back(p->name);
    std::sort(out.begin(), out.end());
    return out;
}

void PluginHost::loadAll(const fs::path& dir) {
    std::lock_guard lock(mu_);
    if (loaded_)
        return;
    loaded_ = true;
    dir_ = dir;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        spdlog::info("no plugin directory at {}: running without plugins", dir.string());
        return;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".so")
            files.push_back(entry.path());
    // Name order: which of two same-named plugins wins must not depend on the file system.
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
        loadOne(f);
    for (const auto& p : plugins_)
        if (p->ok)
            spdlog::debug("plugin {} {} (ABI {}) loaded from {}", p->name, p->version,
                          abiText(p->abi_major, p->abi_minor), p->file.string());
}

bool PluginHost::checkDescriptor(LoadedPlugin& p, const AgoraPluginDescriptor* d) {
    constexpr uint32_t major = AGORA_PLUGIN_ABI_MAJOR, minor = AGORA_PLUGIN_ABI_MINOR;
    if (!d) {
        refuse(p, "agora_plugin_entry returned NULL",
               "return a pointer to a static AgoraPluginDescriptor");
        return false;
    }
    // Only the first three members are readable before the version is known.
    constexpr size_t header = offsetof(AgoraPluginDescriptor, name);
    if (d->struct_size < header) {
        refuse(p,
               "descriptor is " + std::to_string(d->struct_size) + " bytes, expected at least " +
                   std::to_string(header),
               "set struct_size = sizeof(AgoraPluginDescriptor)");
        return false;
    }
    p.abi_major = d->abi_major;
    p.abi_minor = d->abi_minor;
    if (d->abi_major != major) {
        refuse(
            p,
            "built for plugin ABI " + abiText(d->abi_major, d->abi_minor) +
                ", this server provides " + abiText(major, minor) + " (major versions must match)",
            d->abi_major < major
                ? "rebuild the plugin against this server's agora/plugin_api.h"
                : "upgrade the server to one providing plugin ABI " + std::to_string(d->abi_major) +
                      ".x, or use a build of the plugin for " + std::to_string(major) + ".x");
        return false;
    }
    if (d->abi_minor > minor) {
        refuse(p,
               "needs plugin ABI " + abiText(d->abi_major, d->abi_minor) +
                   ", this server provides " + abiText(major, minor) +
                   " (a plugin's minor version may not be newer than the server's)",
               "upgrade the server, or rebuild the plugin against the agora/plugin_api.h of "
               "ABI " +
                   abiText(major, minor));
        return false;
    }
    constexpr size_t v1_0 = offsetof(AgoraPluginDescriptor, init) + sizeof(d->init);
    if (d->struct_size < v1_0) {
        refuse(p,
               "descriptor is " + std::to_string(d->struct_size) + " bytes, ABI " +
                   abiText(major, 0) + " descriptors are at least " + std::to_string(v1_0),
               "set struct_size = sizeof(AgoraPluginDescriptor) and rebuild");
        return false;
    }
    if (!validName(d->name)) {
        refuse(p, std::string("invalid plugin name \"") + (d->name ? d->name : "(null)") + "\"",
               "names are 1-32 lower-case letters, digits and underscores, starting with a "
               "letter");
        return false;
    }
    p.name = d->name;
    p.version = d->version ? d->version : "";
    p.summary = d->summary ? d->summary : "";
    if (const auto* other = find(p.name)) {
        refuse(
            p,
            "duplicate plugin name \"" + p.name + "\": already loaded from " + other->file.string(),
            "remove one of the two files from " + dir_.string());
        return false;
    }
    if (!d->init) {
        refuse(p, "descriptor has no init function", "set AgoraPluginDescriptor.init");
        return false;
    }
    return true;
}

void PluginHost::loadOne(const fs::path& file) {
    plugins_.push_back(std::make_unique<LoadedPlugin>());
    LoadedPlugin& p = *plugins_.back();
    p.file = file;
    p.handle = AgoraHost{this, &p};
    dlerror();
    // RTLD_LOCAL: two plugins may use the same symbol names without binding to each other.
    // The handle is never closed, even for a refused file: its constructors may already have
    // left pointers into it (atexit handlers, threads) that must stay valid.
    void* lib = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char* why = dlerror();
        refuse(p, std::string("cannot be loaded: ") + (why ? why : "unknown dlopen error"),
               "check that it is an Agora plugin built for this platform and that the "
               "libraries it needs are installed (ldd " +
                   file.string() + ")");
        return;
    }
    void* sym = dlsym(lib, AGORA_PLUGIN_ENTRY_SYMBOL);
    if (!sym) {
        refuse(p, "has no " AGORA_PLUGIN_ENTRY_SYMBOL " symbol",
               "export extern \"C\" AGORA_PLUGIN_EXPORT const AgoraPluginDescriptor* "
               "agora_plugin_entry(void) (agora/plugin_api.h)");
        return;
    }
    auto entry = reinterpret_cast<AgoraPluginEntryFn>(sym);
    const AgoraPluginDescriptor* d = nullptr;
    char error[kErrorCap] = "";
    if (callPlugin(error, [&] {
            d = entry();
            return AGORA_OK;
        }) != AGORA_OK) {
        refuse(p, AGORA_PLUGIN_ENTRY_SYMBOL " failed: " + errorText(error),
               "the entry point must only return the descriptor");
        return;
    }
    if (!checkDescriptor(p, d))
        return;

    p.initialising = true;
    int rc = callPlugin(
        error, [&] { return d->init(&hostApi(), &p.handle, &p.plugin_ctx, error, kErrorCap); });
    p.initialising = false;
    std::string registration;
    for (const auto& e : p.registration_errors)
        registration += (registration.empty() ? "" : "; ") + e;
    if (rc != AGORA_OK) {
        refuse(p,
               "init failed: " + errorText(error) +
                   (registration.empty() ? "" : " (host: " + registration + ")"),
               "the plugin refused to start; its message says why");
        return;
    }
    if (!registration.empty()) {
        refuse(p, "registration refused: " + registration,
               "fix the registration calls in the plugin's init");
        return;
    }
    if (!commit(p))
        return;
    p.ok = true;
}

bool PluginHost::commit(LoadedPlugin& p) {
    // Validate everything first: a refused plugin must leave no setting, handler or route.
    for (const auto& s : p.settings) {
        if (const auto* existing = app_.settings().find(s.key)) {
            refuse(p, "setting " + s.key + " is already registered by " + existing->owner,
                   "rename the plugin's setting");
            return false;
        }
    }
    if (p.resolver && resolver_owner_) {
        refuse(p, "an ability resolver is already provided by plugin " + resolver_owner_->name,
               "load only one plugin that answers ability questions");
        return false;
    }
    for (const auto& other : plugins_) {
        if (!other->ok)
            continue;
        for (const auto& r : p.routes)
            for (const auto& o : other->routes)
                if (Router::overlaps(r.method, r.pattern, o.method, o.pattern)) {
                    refuse(p,
                           "route " + r.method + " " + r.pattern + " overlaps " + o.method + " " +
                               o.pattern + ", already registered by plugin " + other->name,
                           "give the plugin's routes their own paths");
                    return false;
                }
    }
    std::sort(p.migrations.begin(), p.migrations.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    for (const auto& s : p.settings)
        app_.settings().add(s);
    for (const auto& sub : p.subscriptions)
        app_.events().subscribe(sub.event, p.name, eventHandler(app_, p, sub));
    if (p.resolver) {
        app_.permissions().setResolver(p.name, abilityResolver(app_, p, *p.resolver));
        resolver_owner_ = &p;
    }
    return true;
}

void PluginHost::install(Router& router, Renderer& renderer) {
    for (auto& p : plugins_) {
        if (!p->ok)
            continue;
        for (const auto& r : p->routes) {
            try {
                router.add(r.method, r.pattern, routeHandler(app_, *p, r), p->name);
            } catch (const std::exception& e) {
                // Overlaps a core route (Router::add names both): the plugin runs without
                // that one route.
                p->registration_errors.push_back(e.what());
                spdlog::error("plugin {}: {}", p->name, e.what());
            }
        }
        for (const auto& [name, text] : p->templates)
            renderer.addTemplate("plugins/" + p->name + "/" + name, text);
        for (const auto& [slot, text] : p->slots)
            renderer.addSlotPartial(p->name, slot, text);
    }
    renderer.addPageDecorator([this](RequestContext& ctx, json& frame) {
        if (ctx.viewer().signedIn())
            frame["badges"] = badges(ctx);
    });
}

json PluginHost::badges(RequestContext& ctx) {
    json out = json::array();
    if (!ctx.viewer().signedIn())
        return out;
    std::optional<RequestView> request;  // built once, for the first badge that runs
    for (auto& p : plugins_) {
        if (!p->ok || p->badges.empty() || !ctx.tenant().pluginEnabled(p->name))
            continue;
        for (const auto& b : p->badges) {
            if (!request)
                request.emplace(ctx);
            AgoraCall call(app_, *p, AgoraCall::Kind::Badge, ctx.tenant());
            call.ctx = &ctx;
            call.viewer = &ctx.viewer();
            // A page rendered by a route with its transaction still open: a failing badge
            // query must not abort that transaction (and lose the route's writes).
            auto& conn = ctx.db();
            bool guarded = PQtransactionStatus(conn.raw()) == PQTRANS_INTRANS;
            if (guarded)
                conn.exec("SAVEPOINT agora_badge");
            int64_t count = 0;
            char error[kErrorCap] = "";
            int rc = callPlugin(error, [&] {
                return b.fn(b.user_data, &call, &request->view, &count, error, kErrorCap);
            });
            if (guarded)
                conn.exec(PQtransactionStatus(conn.raw()) == PQTRANS_INERROR
                              ? "ROLLBACK TO SAVEPOINT agora_badge"
                              : "RELEASE SAVEPOINT agora_badge");
            // A badge is decoration: a failing one is logged and left out, never the page.
            if (rc != AGORA_OK) {
                spdlog::warn("plugin {}: badge {} failed: {}", p->name, b.label, errorText(error));
                continue;
            }
            if (count > 0)
                out.push_back({{"label", b.label}, {"link", b.link}, {"count", count}});
        }
    }
    return out;
}

std::vector<migrate::Step> PluginHost::migrations(const std::string& name) const {
    const auto* p = find(name);
    return p ? p->migrations : std::vector<migrate::Step>{};
}

void PluginHost::runEnableHooks(const std::string& name, db::PgConnection& conn,
                                const Tenant& tenant) {
    LoadedPlugin* p = nullptr;
    for (auto& candidate : plugins_)
        if (candidate->ok && candidate->name == name)
            p = candidate.get();
    if (!p)
        throw Error::notFound("no plugin named " + name);
    for (const auto& hook : p->enable_hooks) {
        AgoraTenant view{};
        view.struct_size = sizeof view;
        view.id = tenant.id;
        view.slug = tenant.slug.c_str();
        view.name = tenant.name.c_str();
        view.is_staging = tenant.isStaging() ? 1 : 0;
        AgoraCall call(app_, *p, AgoraCall::Kind::EnableHook, tenant);
        call.conn = &conn;
        char error[kErrorCap] = "";
        int rc = callPlugin(
            error, [&] { return hook.fn(hook.user_data, &call, &view, error, kErrorCap); });
        if (rc != AGORA_OK)
            throw Error::internal("plugin " + name + " could not be enabled on " + tenant.slug +
                                  ": " + errorText(error));
    }
}

}  // namespace agora
