// Database services: one parameterised statement at a time, under the tenant's role.
#include "plugins/HostServices.h"

#include "plugins/PluginSql.h"

namespace agora::hostapi {

namespace {

db::Param paramFromJson(const json& v) {
    if (v.is_null())
        return std::nullopt;
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_boolean())
        return std::string(v.get<bool>() ? "t" : "f");
    return v.dump();  // numbers as written; objects and arrays as JSON text (jsonb params)
}

json valueToJson(const db::PgResult& r, int row, int col) {
    if (r.isNull(row, col))
        return nullptr;
    auto text = r.str(row, col);
    switch (r.type(col)) {
        case 16:  // bool
            return text == "t";
        case 20:  // int8
        case 21:  // int2
        case 23:  // int4
        case 26:  // oid
            return std::stoll(text);
        case 700:   // float4
        case 701:   // float8
        case 1700:  // numeric
            return std::stod(text);
        case 114:   // json
        case 3802:  // jsonb
            return json::parse(text);
        default:
            return text;
    }
}

}  // namespace

int dbQuery(AgoraCall* call, const char* sql, const char* params_json, const char** rows_json,
            size_t* rows_len) {
    return service(call, [&](AgoraCall& c) {
        if (!sql || !rows_json)
            return invalid(c, "db_query needs SQL and an output pointer");
        db::Params params;
        if (params_json) {
            json p = json::parse(params_json);
            if (!p.is_array())
                return invalid(c, "db_query params must be a JSON array");
            for (const auto& v : p)
                params.push_back(paramFromJson(v));
        }
        if (!PluginSql::isRowStatement(sql))
            return invalid(c,
                           "db_query runs SELECT, INSERT, UPDATE, DELETE, WITH, VALUES or TABLE "
                           "statements only (schema changes belong in migrations)");
        // Extended protocol: exactly one statement, values bound, never spliced into the text;
        // under the tenant's role, so the database itself keeps it inside the tenant's schema.
        auto r = PluginSql::run(c.db(), c.tenant().db_role, sql, params);
        json rows = json::array();
        std::vector<std::string> names;
        for (int col = 0; col < r.columns(); ++col)
            names.push_back(r.columnName(col));
        for (int row = 0; row < r.rows(); ++row) {
            json obj = json::object();
            for (int col = 0; col < r.columns(); ++col)
                obj[names[col]] = valueToJson(r, row, col);
            rows.push_back(std::move(obj));
        }
        c.result = rows.dump(-1, ' ', false, json::error_handler_t::replace);
        *rows_json = c.result.c_str();
        if (rows_len)
            *rows_len = c.result.size();
        return AGORA_OK;
    });
}

int dbBegin(AgoraCall* call) {
    return service(call, [&](AgoraCall& c) {
        if (c.kind != AgoraCall::Kind::Request)
            return stateError(c,
                              "db_begin: events, resolvers and enable hooks already run "
                              "inside their caller's transaction");
        if (c.tx || c.inTransaction())
            return stateError(c, "db_begin: a transaction is already open");
        c.tx.emplace(c.db());
        return AGORA_OK;
    });
}

int dbCommit(AgoraCall* call) {
    return service(call, [&](AgoraCall& c) {
        if (!c.tx)
            return stateError(c, "db_commit: no transaction opened with db_begin");
        c.tx->commit();
        c.tx.reset();
        return AGORA_OK;
    });
}

int dbRollback(AgoraCall* call) {
    return service(call, [&](AgoraCall& c) {
        if (!c.tx)
            return stateError(c, "db_rollback: no transaction opened with db_begin");
        c.tx.reset();
        return AGORA_OK;
    });
}

}  // namespace agora::hostapi
