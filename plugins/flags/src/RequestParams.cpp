#include "RequestParams.h"

#include "FlagRules.h"

namespace agora::flags {

std::optional<std::string> textInput(const Call& call, const std::string& name) {
    std::string v;
    if (!call.input(name, v))
        return std::nullopt;
    return trim(v);
}

std::string boundedInput(const Call& call, const std::string& name, size_t max) {
    std::string v = textInput(call, name).value_or("");
    if (utf8Length(v) > max)
        throw Fail(422, "invalid", name + " must be at most " + std::to_string(max) + " characters",
                   name);
    return v;
}

json listJson(json items, int64_t page, int64_t per_page, int64_t total) {
    return {{"items", std::move(items)}, {"page", page}, {"per_page", per_page}, {"total", total}};
}

}  // namespace agora::flags
