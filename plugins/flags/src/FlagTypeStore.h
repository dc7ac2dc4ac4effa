#pragma once

#include <optional>
#include <string>
#include <vector>

#include "Sql.h"

namespace agora::flags {

enum class TargetKind { Post, Comment };

struct FlagType {
    int64_t id = 0;
    std::string name;
    std::string description;
    bool confidential = false;
    bool requires_details = false;
    bool applies_to_posts = true;
    bool applies_to_comments = true;
    bool active = true;
    int64_t position = 0;

    bool appliesTo(TargetKind kind) const {
        return kind == TargetKind::Post ? applies_to_posts : applies_to_comments;
    }
    json toJson() const;
};

// A change to a type's fields, as sent by an admin; unset members stay as they are.
struct FlagTypeChange {
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<bool> confidential;
    std::optional<bool> requires_details;
    std::optional<bool> applies_to_posts;
    std::optional<bool> applies_to_comments;
    std::optional<bool> active;
    std::optional<int64_t> position;

    // From a JSON body: unknown fields and wrong types are 422 naming the field.
    static FlagTypeChange fromJson(const std::string& body);
    // From an HTML form: an unticked checkbox is absent, so it means false.
    static FlagTypeChange fromForm(const Call& call);
};

// The tenant's flag types (flag_types).
class FlagTypeStore {
public:
    explicit FlagTypeStore(const Call& call) : call_(call) {}

    // In form order; inactive ones only when asked.
    std::vector<FlagType> list(bool include_inactive) const;
    std::optional<FlagType> find(int64_t id) const;
    // By id ("3") or by name, case-insensitively ("Spam").
    std::optional<FlagType> findByIdOrName(const std::string& ref) const;

    // Inside the caller's transaction. Validates (422 naming the field; 409 "name_taken").
    FlagType create(const FlagTypeChange& change) const;
    FlagType update(const FlagType& current, const FlagTypeChange& change) const;
    // Serialises changes to the tenant's types (transaction-scoped): take it before reading
    // the type an update starts from.
    void lockTypes() const;

private:
    void checkNameFree(const std::string& name, int64_t except_id) const;

    const Call& call_;
};

}  // namespace agora::flags
