#include "accounts/AccountProfile.h"

#include <regex>

#include "util/Error.h"

namespace agora {

namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return "";
    auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// Characters, not bytes: a name in Greek may be 60 letters long too.
size_t utf8Length(const std::string& s) {
    size_t n = 0;
    for (unsigned char ch : s)
        n += (ch & 0xC0) != 0x80;
    return n;
}

void checkLength(const std::string& value, size_t max, const std::string& field) {
    if (utf8Length(value) > max)
        throw Error::invalid(field,
                             field + " must be at most " + std::to_string(max) + " characters");
}

}  // namespace

void AccountProfile::normalise(ProfileChange& ch) {
    if (ch.display_name) {
        *ch.display_name = trim(*ch.display_name);
        if (ch.display_name->empty())
            throw Error::invalid("display_name", "display name can't be empty");
        checkLength(*ch.display_name, kDisplayNameMax, "display_name");
    }
    if (ch.bio_md)
        checkLength(*ch.bio_md, kBioMax, "bio");
    if (ch.website) {
        *ch.website = trim(*ch.website);
        checkLength(*ch.website, kWebsiteMax, "website");
        // http(s) only: a javascript: or data: link on a profile would run in readers' pages.
        static const std::regex url_re(R"(^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#]\S*)?$)",
                                       std::regex::icase);
        if (!ch.website->empty() && !std::regex_match(*ch.website, url_re))
            throw Error::invalid("website", "website must be an http:// or https:// address");
    }
    if (ch.location) {
        *ch.location = trim(*ch.location);
        checkLength(*ch.location, kLocationMax, "location");
    }
}

std::vector<int64_t> AccountProfile::apply(db::PgConnection& c, int64_t account_id,
                                           const ProfileChange& ch) {
    auto r =
        c.q("UPDATE network.accounts SET display_name = coalesce($2, display_name), "
            "bio_md = coalesce($3, bio_md), bio_html = CASE WHEN $3::text IS NULL THEN bio_html "
            "ELSE $4 END, website = coalesce($5, website), location = coalesce($6, location), "
            "updated_at = now() WHERE id = $1 RETURNING display_name",
            account_id, ch.display_name, ch.bio_md, ch.bio_html, ch.website, ch.location);
    if (r.empty())
        throw Error::notFound("no such account");
    std::vector<int64_t> touched;
    if (!ch.display_name)
        return touched;
    // Each community's pages read the name from their own members row (no page query crosses
    // schemas): copy it into every one, in this transaction.
    auto tenants =
        c.q("SELECT t.id, t.schema_name FROM network.memberships m "
            "JOIN network.tenants t ON t.id = m.tenant_id WHERE m.account_id = $1 ORDER BY t.id",
            account_id);
    for (int i = 0; i < tenants.rows(); ++i) {
        std::string table = c.quoteIdent(tenants.str(i, 1)) + ".members";
        c.execParams("UPDATE " + table + " SET display_name = $1 WHERE id = $2",
                     {*ch.display_name, std::to_string(account_id)});
        c.q("SELECT pg_notify('agora_cache', $1)", std::to_string(tenants.i64(i, 0)));
        touched.push_back(tenants.i64(i, 0));
    }
    return touched;
}

nlohmann::json AccountProfile::publicProfile(db::PgConnection& c, int64_t account_id) {
    auto r =
        c.q("SELECT display_name, bio_md, bio_html, website, location FROM network.accounts "
            "WHERE id = $1",
            account_id);
    if (r.empty())
        return nullptr;
    return {{"display_name", r.str(0, 0)},
            {"bio", r.str(0, 1)},
            {"bio_html", r.str(0, 2)},
            {"website", r.str(0, 3)},
            {"location", r.str(0, 4)},
            {"avatar_url", "/users/" + std::to_string(account_id) + "/avatar.svg"}};
}

}  // namespace agora
