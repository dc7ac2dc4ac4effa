#include "settings/SettingsRegistry.h"

#include <cmath>
#include <regex>
#include <stdexcept>

#include "util/Error.h"

namespace agora {

const char* settingTypeName(SettingType t) {
    switch (t) {
        case SettingType::Bool:
            return "bool";
        case SettingType::Int:
            return "int";
        case SettingType::Float:
            return "float";
        case SettingType::String:
            return "string";
        case SettingType::Color:
            return "color";
        case SettingType::Enum:
            return "enum";
    }
    return "string";
}

void SettingsRegistry::add(SettingDef def) {
    std::lock_guard lock(mu_);
    if (defs_.count(def.key))
        throw std::logic_error("setting " + def.key + " registered twice (by " +
                               defs_[def.key].owner + " and " + def.owner + ")");
    defs_.emplace(def.key, std::move(def));
}

const SettingDef* SettingsRegistry::find(const std::string& key) const {
    std::lock_guard lock(mu_);
    auto it = defs_.find(key);
    return it == defs_.end() ? nullptr : &it->second;
}

std::vector<SettingDef> SettingsRegistry::all() const {
    std::lock_guard lock(mu_);
    std::vector<SettingDef> out;
    for (const auto& [k, d] : defs_)
        out.push_back(d);
    return out;
}

json SettingsRegistry::validate(const std::string& key, const json& value) const {
    const SettingDef* def = find(key);
    if (!def)
        throw Error::invalid(key, "unknown setting " + key);
    if (value.is_null()) {
        if (def->nullable)
            return value;
        throw Error::invalid(key, key + " cannot be null");
    }
    auto bounds = [&](double v) {
        if ((def->min && v < *def->min) || (def->max && v > *def->max)) {
            std::string range = "[" + (def->min ? json(*def->min).dump() : "-inf") + ", " +
                                (def->max ? json(*def->max).dump() : "inf") + "]";
            throw Error::invalid(key, key + " must be within " + range);
        }
    };
    switch (def->type) {
        case SettingType::Bool:
            if (!value.is_boolean())
                throw Error::invalid(key, key + " must be true or false");
            return value;
        case SettingType::Int: {
            if (!value.is_number_integer() &&
                !(value.is_number_float() &&
                  std::floor(value.get<double>()) == value.get<double>()))
                throw Error::invalid(key, key + " must be a whole number");
            auto v = value.get<int64_t>();
            bounds(static_cast<double>(v));
            return json(v);
        }
        case SettingType::Float: {
            if (!value.is_number())
                throw Error::invalid(key, key + " must be a number");
            double v = value.get<double>();
            bounds(v);
            return json(v);
        }
        case SettingType::String: {
            if (!value.is_string())
                throw Error::invalid(key, key + " must be text");
            if (value.get<std::string>().size() > def->max_length)
                throw Error::invalid(key, key + " is longer than " +
                                              std::to_string(def->max_length) + " characters");
            if (!def->pattern.empty() &&
                !std::regex_match(value.get<std::string>(), std::regex(def->pattern)))
                throw Error::invalid(key, key + " must match " + def->pattern);
            return value;
        }
        case SettingType::Color: {
            static const std::regex hex("^#[0-9a-fA-F]{6}$");
            if (!value.is_string() || !std::regex_match(value.get<std::string>(), hex))
                throw Error::invalid(key, key + " must be a colour like #1a2b3c");
            return value;
        }
        case SettingType::Enum: {
            if (value.is_string()) {
                for (const auto& c : def->choices)
                    if (c == value.get<std::string>())
                        return value;
            }
            std::string list;
            for (const auto& c : def->choices)
                list += (list.empty() ? "" : ", ") + c;
            throw Error::invalid(key, key + " must be one of: " + list);
        }
    }
    return value;
}

}  // namespace agora
