#include "support/HttpResult.h"

#include <algorithm>
#include <regex>
#include <stdexcept>

namespace agora::test {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

}  // namespace

std::string HttpResult::header(const std::string& name) const {
    auto key = lower(name);
    for (const auto& [k, v] : headers)
        if (k == key)
            return v;
    return "";
}

std::vector<std::string> HttpResult::headerValues(const std::string& name) const {
    auto key = lower(name);
    std::vector<std::string> out;
    for (const auto& [k, v] : headers)
        if (k == key)
            out.push_back(v);
    return out;
}

bool HttpResult::isJson() const {
    return nlohmann::json::accept(body);
}

nlohmann::json HttpResult::json() const {
    try {
        return nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error&) {
        throw std::runtime_error("response is not JSON: " + describe());
    }
}

std::string HttpResult::errorCode() const {
    if (!isJson())
        return "";
    auto j = json();
    if (!j.is_object() || !j.contains("error") || !j["error"].contains("code"))
        return "";
    return j["error"]["code"].get<std::string>();
}

std::string HttpResult::errorField() const {
    if (!isJson())
        return "";
    auto j = json();
    if (!j.is_object() || !j.contains("error") || !j["error"].contains("field"))
        return "";
    return j["error"]["field"].get<std::string>();
}

std::string HttpResult::errorMessage() const {
    if (!isJson())
        return "";
    auto j = json();
    if (!j.is_object() || !j.contains("error") || !j["error"].contains("message"))
        return "";
    return j["error"]["message"].get<std::string>();
}

std::string HttpResult::csrfMeta() const {
    static const std::regex meta(R"re(<meta name="csrf-token" content="([^"]*)")re");
    std::smatch m;
    if (!std::regex_search(body, m, meta))
        return "";
    return m[1];
}

std::string HttpResult::describe() const {
    constexpr size_t kMax = 600;
    std::string shown = body.size() > kMax ? body.substr(0, kMax) + "…" : body;
    return std::to_string(status) + ": " + shown;
}

std::ostream& operator<<(std::ostream& out, const HttpResult& r) {
    return out << r.describe();
}

}  // namespace agora::test
