#include "http/RequestContext.h"

#include <random>
#include <thread>

#include "accounts/AccountService.h"
#include "http/InputChecks.h"
#include "http/PageRender.h"
#include "render/Renderer.h"
#include "util/Crypto.h"
#include "util/Error.h"

namespace agora {

RequestContext::RequestContext(Services& services, const HttpRequest& req, HttpResponse& res,
                               std::shared_ptr<const Tenant> tenant, std::string request_id)
    : app_(services),
      req_(req),
      res_(res),
      session_(services.pool(), services.settings(), std::move(tenant)),
      request_id_(std::move(request_id)) {
    // Once for every route: handlers read parameters straight from the request.
    requireValidQuery(req_.query);
    session_.setAddress(req_.remote);
    session_.setViewerResolver([this](TenantSession& s) { return resolveViewer(s); });
}

RequestContext::~RequestContext() = default;

std::string RequestContext::param(const std::string& name) const {
    auto it = params_.find(name);
    return it == params_.end() ? "" : it->second;
}

int64_t RequestContext::idParam(const std::string& name) const {
    auto v = param(name);
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
        throw Error::notFound();
    int64_t id = std::stoll(v);
    if (id <= 0)
        throw Error::notFound();
    return id;
}

void RequestContext::run(const std::function<void(RequestContext&)>& handler) {
    static thread_local std::minstd_rand jitter{std::random_device{}()};
    const HttpResponse clean = res_;
    for (attempts_ = 1;; ++attempts_) {
        try {
            handler(*this);
            return;
        } catch (const db::PgError& e) {
            if (!e.retryable())
                throw;
            bool committed = session_.commitsIssued() != 0;
            if (attempts_ >= kAttempts || committed || !session_.dbUsed() ||
                !session_.db().healthy())
                throw Error::conflict("retry",
                                      "this change collided with others made at the same time; "
                                      "try again");
        }
        // Start again from the response as it was, after a short randomised pause so two
        // colliding requests don't collide again in lockstep.
        res_ = clean;
        anon_seed_.clear();
        std::this_thread::sleep_for(
            std::chrono::milliseconds(attempts_ * 5 + static_cast<int>(jitter() % 10)));
    }
}

Viewer RequestContext::resolveViewer(TenantSession& session) {
    auto auth = req_.header("authorization");
    if (auth.rfind("Bearer ", 0) == 0) {
        Viewer v = AccountService::resolve(session.db(), session.tenant(), auth.substr(7),
                                           AuthKind::Bearer);
        // A token that isn't valid here is an error, not a silent downgrade to anonymous.
        if (!v.signedIn())
            throw Error::unauthorized("token not valid on this site");
        return v;
    }
    auto cookie = req_.cookie("agora_session");
    if (!cookie.empty())
        return AccountService::resolve(session.db(), session.tenant(), cookie, AuthKind::Cookie);
    return Viewer{};
}

const json& RequestContext::body() {
    if (!body_) {
        if (req_.body.empty()) {
            body_ = json::object();
        } else {
            json parsed = parseJsonInput(req_.body);
            if (!parsed.is_object())
                throw Error::badRequest("request body must be a JSON object");
            for (const auto& [k, v] : parsed.items()) {
                requirePlainText(k, std::string_view(k));
                requirePlainText(k, v);
            }
            body_ = std::move(parsed);
        }
    }
    return *body_;
}

bool RequestContext::isForm() const {
    return req_.header("content-type").rfind("application/x-www-form-urlencoded", 0) == 0;
}

void RequestContext::checkBody() {
    if (req_.body.empty())
        return;
    if (isForm())
        form();
    else
        body();
}

const std::map<std::string, std::string>& RequestContext::form() {
    if (!form_) {
        auto f = parseUrlEncoded(req_.body);
        // Browsers send UTF-8; anything else would fail later, deep in a write, as a 500.
        for (const auto& [k, v] : f)
            if (!validUtf8(k) || !validUtf8(v))
                throw Error::badRequest("form field \"" + (validUtf8(k) ? k : "?") +
                                        "\" is not valid UTF-8");
        for (const auto& [k, v] : f) {
            requirePlainText(k, std::string_view(k));
            requirePlainText(k, std::string_view(v));
        }
        form_ = std::move(f);
    }
    return *form_;
}

std::optional<std::string> RequestContext::input(const std::string& name) {
    if (isForm()) {
        auto& f = form();
        auto it = f.find(name);
        if (it == f.end())
            return std::nullopt;
        return it->second;
    }
    const auto& b = body();
    auto it = b.find(name);
    if (it == b.end() || it->is_null())
        return std::nullopt;
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_number() || it->is_boolean())
        return it->dump();
    throw Error::invalid(name, name + " must be a string");
}

std::string RequestContext::csrfToken() {
    const auto& v = viewer();
    if (v.signedIn() && v.auth == AuthKind::Cookie)
        return crypto::hmacHex(app_.secret(), "s:" + v.session_hash);
    if (shared_page_)
        return "";
    std::string seed = req_.cookie("agora_csrf");
    if (seed.empty()) {
        if (anon_seed_.empty()) {
            anon_seed_ = crypto::randomToken(18);
            setCookie("agora_csrf", anon_seed_, 86400 * 7);
        }
        seed = anon_seed_;
    }
    return crypto::hmacHex(app_.secret(), "a:" + seed);
}

void RequestContext::checkCsrf() {
    const auto& v = viewer();
    if (v.auth == AuthKind::Bearer)
        return;
    auto ct = req_.header("content-type");
    bool is_form = ct.rfind("application/x-www-form-urlencoded", 0) == 0 ||
                   ct.rfind("multipart/form-data", 0) == 0 || ct.rfind("text/plain", 0) == 0;
    bool has_cookie_session = v.signedIn() && v.auth == AuthKind::Cookie;
    if (!is_form && !has_cookie_session)
        return;  // JSON without ambient credentials
    std::string given = req_.header("x-csrf-token");
    if (given.empty() && is_form) {
        auto& f = form();
        if (auto it = f.find("_csrf"); it != f.end())
            given = it->second;
    }
    std::string expected;
    if (has_cookie_session) {
        expected = crypto::hmacHex(app_.secret(), "s:" + v.session_hash);
    } else {
        std::string seed = req_.cookie("agora_csrf");
        if (!seed.empty())
            expected = crypto::hmacHex(app_.secret(), "a:" + seed);
    }
    if (expected.empty() || !crypto::constantTimeEqual(given, expected))
        throw Error::forbidden("csrf",
                               "the form expired or came from another site; reload and "
                               "try again");
}

void RequestContext::sendJson(int status, const json& body) {
    res_.status = status;
    res_.content_type = "application/json";
    res_.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
}

void RequestContext::redirect(const std::string& location, int status) {
    res_.status = status;
    res_.header("Location", location);
    res_.body.clear();
}

void RequestContext::setCookie(const std::string& name, const std::string& value,
                               int max_age_seconds) {
    // Secure when the visitor came over HTTPS (as a trusted proxy reports it): a cookie set
    // over TLS is never sent back in clear.
    res_.header("Set-Cookie", name + "=" + value +
                                  "; Path=/; Max-Age=" + std::to_string(max_age_seconds) +
                                  "; HttpOnly; SameSite=Lax" + (req_.secure ? "; Secure" : ""));
}

void RequestContext::flash(const std::string& message) {
    setCookie("agora_flash", urlEncode(message), 60);
}

void RequestContext::render(const std::string& templ, json data, int status) {
    res_.status = status;
    res_.content_type = "text/html; charset=utf-8";
    res_.body = renderPage(*this, templ, std::move(data));
}

}  // namespace agora
