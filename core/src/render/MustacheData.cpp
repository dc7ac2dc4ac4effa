#include "render/MustacheData.h"

#include <sstream>
#include <string>

namespace agora {

using json = nlohmann::json;
using kainjow::mustache::data;

namespace {

// Builds kainjow data in place: its setters copy, so building children first and inserting
// them would copy every subtree once per level of nesting.
void fill(data& out, const json& j) {
    switch (j.type()) {
        case json::value_t::object: {
            out = data(data::type::object);
            for (auto it = j.begin(); it != j.end(); ++it)
                fill(out[it.key()], it.value());
            return;
        }
        case json::value_t::array: {
            out = data(data::type::list);
            // list_value() is the only access kainjow offers; elements are filled in place.
            auto& items = const_cast<kainjow::mustache::basic_list<std::string>&>(out.list_value());
            items.reserve(j.size());
            for (const auto& e : j) {
                items.emplace_back();
                fill(items.back(), e);
            }
            return;
        }
        case json::value_t::string:
            // Empty text is false, as in JavaScript Mustache: {{#field}} hides empty fields.
            if (j.get_ref<const std::string&>().empty())
                out = data(false);
            else
                out = data(j.get_ref<const std::string&>());
            return;
        case json::value_t::boolean:
            out = data(j.get<bool>());
            return;
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
            out = data(std::to_string(j.get<int64_t>()));
            return;
        case json::value_t::number_float: {
            std::ostringstream s;
            s << j.get<double>();
            out = data(s.str());
            return;
        }
        default:
            out = data(false);
            return;
    }
}

}  // namespace

data toMustacheData(const json& j) {
    data d;
    fill(d, j);
    return d;
}

}  // namespace agora
