#include "http/InputChecks.h"

#include <cstdio>

#include "http/HttpRequest.h"
#include "util/Error.h"

namespace agora {

namespace {

bool forbidden(unsigned char c) {
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

std::string codePoint(unsigned char c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", c);
    return buf;
}

// A name fit to quote in an error message, whatever it holds.
std::string printable(std::string_view name) {
    std::string out;
    for (unsigned char c : name)
        out += forbidden(c) ? '?' : static_cast<char>(c);
    return validUtf8(out) ? out : "?";
}

}  // namespace

nlohmann::json parseJsonInput(std::string_view text, int max_depth) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth)
                throw Error::badRequest("request body nests deeper than " +
                                        std::to_string(max_depth) + " levels");
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception&) {
        // Not only parse_error: a number past double's range (1e400) is out_of_range.
        throw Error::badRequest("request body is not valid JSON");
    }
}

size_t findControlCharacter(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i)
        if (forbidden(static_cast<unsigned char>(s[i])))
            return i;
    return std::string_view::npos;
}

void requirePlainText(const std::string& field, std::string_view value) {
    size_t at = findControlCharacter(value);
    if (at == std::string_view::npos)
        return;
    std::string name = printable(field);
    Error e(ErrorCode::Invalid, "control_character",
            name + " contains the control character " +
                codePoint(static_cast<unsigned char>(value[at])) +
                "; text may hold tabs and line breaks but no other control characters");
    e.withField(name);
    throw e;
}

void requirePlainText(const std::string& field, const nlohmann::json& value) {
    // Depth is bounded by parseJsonInput, so recursion is too.
    if (value.is_string()) {
        requirePlainText(field, std::string_view(value.get_ref<const std::string&>()));
    } else if (value.is_object()) {
        for (const auto& [k, v] : value.items()) {
            requirePlainText(field, std::string_view(k));
            requirePlainText(field, v);
        }
    } else if (value.is_array()) {
        for (const auto& v : value)
            requirePlainText(field, v);
    }
}

void requireValidQuery(const std::map<std::string, std::string>& query) {
    for (const auto& [k, v] : query) {
        if (!validUtf8(k) || !validUtf8(v))
            throw Error::badRequest("query parameter \"" + printable(k) + "\" is not valid UTF-8")
                .withField(printable(k));
        if (findControlCharacter(k) != std::string::npos ||
            findControlCharacter(v) != std::string::npos)
            throw Error::badRequest("query parameter \"" + printable(k) +
                                    "\" contains a control character")
                .withField(printable(k));
    }
}

}  // namespace agora
