#include "notifications/UnsubscribeTokens.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "util/Crypto.h"

namespace agora {

using json = nlohmann::json;

std::vector<std::string> UnsubscribeTokens::issue(db::PgConnection& conn,
                                                  const std::vector<UnsubscribeGrant>& grants) {
    std::vector<std::string> tokens;
    json rows = json::array();
    for (const auto& g : grants) {
        tokens.push_back(crypto::randomToken(24));
        rows.push_back(
            {{"h", crypto::sha256Hex(tokens.back())}, {"a", g.account_id}, {"s", g.scope}});
    }
    if (!rows.empty())
        conn.q(
            "INSERT INTO network.unsubscribe_tokens (token_hash, account_id, scope) "
            "SELECT h, a, s FROM jsonb_to_recordset($1::jsonb) AS x(h text, a bigint, s text)",
            rows.dump());
    return tokens;
}

std::optional<UnsubscribeGrant> UnsubscribeTokens::find(db::PgConnection& conn,
                                                        const std::string& token) {
    if (!wellFormed(token))
        return std::nullopt;
    auto r =
        conn.q("SELECT account_id, scope FROM network.unsubscribe_tokens WHERE token_hash = $1",
               crypto::sha256Hex(token));
    if (r.empty())
        return std::nullopt;
    return UnsubscribeGrant{r.i64(0, 0), r.str(0, 1)};
}

int64_t UnsubscribeTokens::prune(db::PgConnection& conn, int days) {
    return conn
        .q("DELETE FROM network.unsubscribe_tokens WHERE created_at < now() - make_interval(days "
           "=> $1) RETURNING 1",
           days)
        .rows();
}

bool UnsubscribeTokens::wellFormed(const std::string& token) {
    if (token.size() < 16 || token.size() > 100)
        return false;
    for (char c : token)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
            return false;
    return true;
}

std::string communityBaseUrl(const std::string& public_url, const std::string& host) {
    std::string out = public_url;
    for (auto pos = out.find("{host}"); pos != std::string::npos;
         pos = out.find("{host}", pos + host.size()))
        out.replace(pos, 6, host);
    while (!out.empty() && out.back() == '/')
        out.pop_back();
    return out;
}

std::string UnsubscribeTokens::url(const std::string& public_url, const std::string& host,
                                   const std::string& token) {
    return communityBaseUrl(public_url, host) + "/unsubscribe/" + token;
}

}  // namespace agora
