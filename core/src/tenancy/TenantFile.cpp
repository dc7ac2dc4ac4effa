#include "tenancy/TenantFile.h"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

namespace agora {

namespace {

// How a tenant file says "this criterion is not used" ([abilities.ID] key = "none").
constexpr const char* kUnusedCriterion = "none";

[[noreturn]] void fail(const std::string& file, const toml::source_region& where,
                       const std::string& message) {
    throw TenantFileError(file + ":" + std::to_string(where.begin.line) + ": " + message);
}

json toJson(const toml::node& node, const std::string& file, const std::string& key) {
    if (auto v = node.as_boolean())
        return v->get();
    if (auto v = node.as_integer())
        return v->get();
    if (auto v = node.as_floating_point())
        return v->get();
    if (auto v = node.as_string())
        return v->get();
    fail(file, node.source(), "setting \"" + key + "\" must be a boolean, number or string");
}

// A TOML basic string. Control characters other than tab may not appear raw (the file would
// not parse back), so they are escaped; everything else, UTF-8 included, stays as it is.
std::string tomlQuote(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out = "\"";
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (u < 0x20 || u == 0x7F) {
                    out += "\\u00";
                    out += hex[u >> 4];
                    out += hex[u & 15];
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

// A key: bare when TOML allows it (what an operator would write), quoted otherwise.
std::string tomlKey(const std::string& s) {
    bool bare = !s.empty();
    for (char c : s)
        bare = bare && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-');
    return bare ? s : tomlQuote(s);
}

std::string tomlValue(const json& v) {
    if (v.is_string())
        return tomlQuote(v.get<std::string>());
    // JSON has no NaN or infinity (dump() writes null); TOML has both.
    if (v.is_number_float()) {
        double d = v.get<double>();
        if (std::isnan(d))
            return "nan";
        if (std::isinf(d))
            return d < 0 ? "-inf" : "inf";
    }
    return v.dump();
}

}  // namespace

TenantFile TenantFile::parse(const std::string& text, const std::string& filename) {
    toml::table root;
    try {
        root = toml::parse(text, filename);
    } catch (const toml::parse_error& e) {
        fail(filename, e.source(), std::string(e.description()));
    }
    TenantFile f;
    auto string_of = [&](const toml::node& n, const std::string& key) {
        auto s = n.as_string();
        if (!s)
            fail(filename, n.source(), "\"" + key + "\" must be a string");
        return s->get();
    };
    auto strings_of = [&](const toml::node& n, const std::string& key) {
        auto arr = n.as_array();
        if (!arr)
            fail(filename, n.source(), "\"" + key + "\" must be an array of strings");
        std::vector<std::string> out;
        for (const auto& e : *arr)
            out.push_back(string_of(e, key));
        return out;
    };
    for (const auto& [k, node] : root) {
        std::string key(k.str());
        if (key == "slug") {
            f.slug = string_of(node, key);
        } else if (key == "name") {
            f.name = string_of(node, key);
        } else if (key == "theme") {
            f.theme = string_of(node, key);
        } else if (key == "staging_of") {
            f.staging_of = string_of(node, key);
        } else if (key == "hosts") {
            f.hosts = strings_of(node, key);
        } else if (key == "plugins") {
            f.plugins = strings_of(node, key);
        } else if (key == "settings") {
            auto tbl = node.as_table();
            if (!tbl)
                fail(filename, node.source(), "\"settings\" must be a table");
            for (const auto& [sk, sv] : *tbl)
                f.settings[std::string(sk.str())] = toJson(sv, filename, std::string(sk.str()));
        } else if (key == "abilities") {
            // [abilities.ID] thresholds belong to the abilities plugin's settings.
            auto tbl = node.as_table();
            if (!tbl)
                fail(filename, node.source(), "\"abilities\" must be a table of tables");
            for (const auto& [ability, criteria] : *tbl) {
                auto ct = criteria.as_table();
                if (!ct)
                    fail(filename, criteria.source(),
                         "abilities." + std::string(ability.str()) + " must be a table");
                for (const auto& [ck, cv] : *ct) {
                    std::string skey =
                        "abilities." + std::string(ability.str()) + "." + std::string(ck.str());
                    // TOML has no null: "none" says the criterion is not used.
                    auto s = cv.as_string();
                    f.settings[skey] = s && s->get() == kUnusedCriterion
                                           ? json(nullptr)
                                           : toJson(cv, filename, skey);
                }
            }
        } else {
            fail(filename, node.source(), "unknown key \"" + key + "\"");
        }
    }
    if (f.slug.empty())
        throw TenantFileError(filename + ":1: missing \"slug\"");
    if (f.name.empty())
        f.name = f.slug;
    if (f.hosts.empty())
        throw TenantFileError(filename + ":1: missing \"hosts\"");
    return f;
}

TenantFile TenantFile::load(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw TenantFileError(path + ": cannot read file");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse(ss.str(), path);
}

std::string TenantFile::toToml() const {
    std::ostringstream out;
    out << "slug = " << tomlQuote(slug) << "\n";
    out << "name = " << tomlQuote(name) << "\n";
    out << "hosts = [";
    for (size_t i = 0; i < hosts.size(); ++i)
        out << (i ? ", " : "") << tomlQuote(hosts[i]);
    out << "]\n";
    out << "theme = " << tomlQuote(theme) << "\n";
    if (staging_of)
        out << "staging_of = " << tomlQuote(*staging_of) << "\n";
    out << "plugins = [";
    for (size_t i = 0; i < plugins.size(); ++i)
        out << (i ? ", " : "") << tomlQuote(plugins[i]);
    out << "]\n";
    // "abilities.ID.CRITERION" goes back into an [abilities.ID] table, which parse() reads as
    // the same key whatever ID and CRITERION contain. The string "none" stays in [settings]:
    // inside an abilities table it would come back as null.
    std::map<std::string, std::map<std::string, json>> abilities;
    bool header = false;
    for (const auto& [k, v] : settings) {
        auto second = k.rfind("abilities.", 0) == 0 ? k.find('.', 10) : std::string::npos;
        if (second != std::string::npos && v != json(kUnusedCriterion)) {
            abilities[k.substr(10, second - 10)][k.substr(second + 1)] = v;
            continue;
        }
        if (!header) {
            out << "\n[settings]\n";
            header = true;
        }
        out << tomlQuote(k) << " = " << tomlValue(v) << "\n";
    }
    for (const auto& [ability, criteria] : abilities) {
        out << "\n[abilities." << tomlKey(ability) << "]\n";
        for (const auto& [c, v] : criteria)
            out << tomlKey(c) << " = " << (v.is_null() ? tomlQuote(kUnusedCriterion) : tomlValue(v))
                << "\n";
    }
    return out.str();
}

}  // namespace agora
