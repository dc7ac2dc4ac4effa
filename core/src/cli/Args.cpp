#include "cli/Args.h"

namespace agora::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& value_flags,
           const std::set<std::string>& switches) {
    for (size_t i = 0; i < argv.size(); ++i) {
        const auto& a = argv[i];
        if (a.rfind("--", 0) == 0 && a.size() > 2) {
            std::string name = a.substr(2), value;
            bool inline_value = false;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                inline_value = true;
            }
            if (value_flags.count(name)) {
                if (!inline_value) {
                    if (i + 1 >= argv.size())
                        throw UsageError("--" + name + " needs a value");
                    value = argv[++i];
                }
                values_[name] = value;
            } else if (switches.count(name)) {
                switches_.insert(name);
            } else {
                throw UsageError("unknown option --" + name);
            }
        } else {
            positional_.push_back(a);
        }
    }
}

std::string Args::pos(size_t i, const std::string& what) const {
    if (i >= positional_.size())
        throw UsageError("missing " + what);
    return positional_[i];
}

std::optional<std::string> Args::get(const std::string& flag) const {
    auto it = values_.find(flag);
    if (it == values_.end())
        return std::nullopt;
    return it->second;
}

std::string Args::require(const std::string& flag) const {
    auto v = get(flag);
    if (!v || v->empty())
        throw UsageError("--" + flag + " is required");
    return *v;
}

int Args::integer(const std::string& flag, int fallback) const {
    auto v = get(flag);
    if (!v)
        return fallback;
    try {
        size_t used = 0;
        int n = std::stoi(*v, &used);
        if (used != v->size())
            throw std::invalid_argument(*v);
        return n;
    } catch (const std::exception&) {
        throw UsageError("--" + flag + " must be a number");
    }
}

std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= s.size()) {
        size_t comma = s.find(',', pos);
        if (comma == std::string::npos)
            comma = s.size();
        if (comma > pos)
            out.push_back(s.substr(pos, comma - pos));
        pos = comma + 1;
    }
    return out;
}

}  // namespace agora::cli
