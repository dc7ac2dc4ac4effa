#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace agora::cli {

// Raised for bad usage: exit code 2 with the message and the command's usage line.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// `positional --flag value --switch` parsing against a declared set of flags.
class Args {
public:
    Args(const std::vector<std::string>& argv, const std::set<std::string>& value_flags,
         const std::set<std::string>& switches);
    const std::vector<std::string>& positional() const { return positional_; }
    std::string pos(size_t i, const std::string& what) const;
    std::optional<std::string> get(const std::string& flag) const;
    std::string require(const std::string& flag) const;
    bool has(const std::string& flag) const { return switches_.count(flag) > 0; }
    int integer(const std::string& flag, int fallback) const;

private:
    std::vector<std::string> positional_;
    std::map<std::string, std::string> values_;
    std::set<std::string> switches_;
};

// "a,b,,c" → {"a", "b", "c"}: list-valued options (--host, --plugins, --canary).
std::vector<std::string> splitList(const std::string& s);

}  // namespace agora::cli
