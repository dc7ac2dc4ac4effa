#include "migrate/TableChecksums.h"

namespace agora::migrate {

using nlohmann::json;

TableChecksums::Sums TableChecksums::compute(db::PgConnection& conn, const std::string& schema) {
    // Plain and partitioned tables; a partition is summed through its parent.
    auto tables = conn.q(
        "SELECT c.relname, "
        "  (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord) "
        "     FROM pg_index i "
        "     CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
        "     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "    WHERE i.indrelid = c.oid AND i.indisprimary) AS pk "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
        "ORDER BY c.relname",
        schema);
    Sums out;
    std::string schema_q = conn.quoteIdent(schema);
    for (int i = 0; i < tables.rows(); ++i) {
        std::string name = tables.str(i, 0);
        std::string order = tables.isNull(i, 1) ? "t::text" : tables.str(i, 1);
        auto r =
            conn.exec("SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY " +
                      order + "), '')) FROM " + schema_q + "." + conn.quoteIdent(name) + " AS t");
        out[name] = {r.i64(0, 0), r.str(0, 1)};
    }
    return out;
}

std::vector<std::string> TableChecksums::differences(const Sums& expected, const Sums& actual) {
    std::vector<std::string> out;
    for (const auto& [name, sum] : expected) {
        auto it = actual.find(name);
        if (it == actual.end())
            out.push_back(name + ": missing");
        else if (!(it->second == sum))
            out.push_back(name + ": expected " + std::to_string(sum.rows) + " rows md5 " +
                          sum.md5.substr(0, 8) + ", found " + std::to_string(it->second.rows) +
                          " rows md5 " + it->second.md5.substr(0, 8));
    }
    for (const auto& [name, sum] : actual)
        if (!expected.count(name))
            out.push_back(name + ": unexpected table");
    return out;
}

json TableChecksums::toJson(const Sums& sums) {
    json out = json::object();
    for (const auto& [name, s] : sums)
        out[name] = {{"rows", s.rows}, {"md5", s.md5}};
    return out;
}

TableChecksums::Sums TableChecksums::fromJson(const json& j) {
    Sums out;
    for (const auto& [name, v] : j.items())
        out[name] = {v.at("rows").get<int64_t>(), v.at("md5").get<std::string>()};
    return out;
}

}  // namespace agora::migrate
