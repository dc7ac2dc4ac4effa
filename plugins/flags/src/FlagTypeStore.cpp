#include "FlagTypeStore.h"

#include "FlagRules.h"

namespace agora::flags {

namespace {

constexpr const char* kColumns =
    "id, name, description, confidential, requires_details, applies_to_posts, "
    "applies_to_comments, active, position";

FlagType fromRow(const json& r) {
    FlagType t;
    t.id = r["id"].get<int64_t>();
    t.name = r["name"].get<std::string>();
    t.description = r["description"].get<std::string>();
    t.confidential = r["confidential"].get<bool>();
    t.requires_details = r["requires_details"].get<bool>();
    t.applies_to_posts = r["applies_to_posts"].get<bool>();
    t.applies_to_comments = r["applies_to_comments"].get<bool>();
    t.active = r["active"].get<bool>();
    t.position = r["position"].get<int64_t>();
    return t;
}

std::string checkedName(const std::string& raw) {
    std::string name = trim(raw);
    if (name.empty())
        throw Fail(422, "invalid", "a flag type needs a name", "name");
    if (utf8Length(name) > 60)
        throw Fail(422, "invalid", "name must be at most 60 characters", "name");
    // A name that is only digits would read as an id where the API takes either.
    if (name.find_first_not_of("0123456789") == std::string::npos)
        throw Fail(422, "invalid", "name can't be only digits", "name");
    return name;
}

std::string checkedDescription(const std::string& raw) {
    std::string d = trim(raw);
    if (utf8Length(d) > 500)
        throw Fail(422, "invalid", "description must be at most 500 characters", "description");
    return d;
}

bool jsonBool(const json& v, const std::string& field) {
    if (!v.is_boolean())
        throw Fail(422, "invalid", field + " must be true or false", field);
    return v.get<bool>();
}

int64_t checkedPosition(int64_t v) {
    if (v < 0 || v > 10000)
        throw Fail(422, "invalid", "position must be from 0 to 10000", "position");
    return v;
}

}  // namespace

json FlagType::toJson() const {
    return {{"id", id},
            {"name", name},
            {"description", description},
            {"confidential", confidential},
            {"requires_details", requires_details},
            {"applies_to_posts", applies_to_posts},
            {"applies_to_comments", applies_to_comments},
            {"active", active},
            {"position", position}};
}

FlagTypeChange FlagTypeChange::fromJson(const std::string& body) {
    json b;
    try {
        b = json::parse(body.empty() ? "{}" : body);
    } catch (const json::exception&) {
        throw Fail(400, "bad_request", "request body is not valid JSON");
    }
    if (!b.is_object())
        throw Fail(400, "bad_request", "request body must be a JSON object");
    FlagTypeChange c;
    for (auto& [key, v] : b.items()) {
        if (key == "name" || key == "description") {
            if (!v.is_string())
                throw Fail(422, "invalid", key + " must be a string", key);
            (key == "name" ? c.name : c.description) = v.get<std::string>();
        } else if (key == "confidential") {
            c.confidential = jsonBool(v, key);
        } else if (key == "requires_details") {
            c.requires_details = jsonBool(v, key);
        } else if (key == "applies_to_posts") {
            c.applies_to_posts = jsonBool(v, key);
        } else if (key == "applies_to_comments") {
            c.applies_to_comments = jsonBool(v, key);
        } else if (key == "active") {
            c.active = jsonBool(v, key);
        } else if (key == "position") {
            if (!v.is_number_integer())
                throw Fail(422, "invalid", "position must be a whole number", "position");
            c.position = v.get<int64_t>();
        } else if (key != "id") {
            throw Fail(422, "invalid", "unknown field " + key, key);
        }
    }
    return c;
}

FlagTypeChange FlagTypeChange::fromForm(const Call& call) {
    FlagTypeChange c;
    std::string v;
    if (call.input("name", v))
        c.name = v;
    if (call.input("description", v))
        c.description = v;
    auto box = [&](const char* name) {
        std::string value;
        return call.input(name, value) && parseBool(value).value_or(true);
    };
    c.confidential = box("confidential");
    c.requires_details = box("requires_details");
    c.applies_to_posts = box("applies_to_posts");
    c.applies_to_comments = box("applies_to_comments");
    c.active = box("active");
    if (call.input("position", v) && !trim(v).empty()) {
        std::string p = trim(v);
        if (p.size() > 6 || p.find_first_not_of("0123456789") != std::string::npos)
            throw Fail(422, "invalid", "position must be a whole number from 0 to 10000",
                       "position");
        c.position = std::stoll(p);
    }
    return c;
}

std::vector<FlagType> FlagTypeStore::list(bool include_inactive) const {
    std::vector<FlagType> out;
    for (const auto& r : rows(call_,
                              std::string("SELECT ") + kColumns +
                                  " FROM flag_types WHERE active OR $1 ORDER BY position, id",
                              args(include_inactive)))
        out.push_back(fromRow(r));
    return out;
}

std::optional<FlagType> FlagTypeStore::find(int64_t id) const {
    auto r =
        rows(call_, std::string("SELECT ") + kColumns + " FROM flag_types WHERE id = $1::bigint",
             args(id));
    if (r.empty())
        return std::nullopt;
    return fromRow(r[0]);
}

std::optional<FlagType> FlagTypeStore::findByIdOrName(const std::string& ref) const {
    std::string s = trim(ref);
    if (s.empty())
        return std::nullopt;
    if (s.size() <= 9 && s.find_first_not_of("0123456789") == std::string::npos)
        return find(std::stoll(s));
    auto r = rows(
        call_, std::string("SELECT ") + kColumns + " FROM flag_types WHERE lower(name) = lower($1)",
        args(s));
    if (r.empty())
        return std::nullopt;
    return fromRow(r[0]);
}

// Admin writes to types are rare: one at a time per tenant, so a name check and the write
// that follows it can't interleave with another admin's (a unique violation would abort the
// transaction instead of answering 409).
void FlagTypeStore::lockTypes() const {
    call_.query(
        "SELECT pg_advisory_xact_lock(hashtext('agora.flags.types'), hashtext(current_schema()))");
}

void FlagTypeStore::checkNameFree(const std::string& name, int64_t except_id) const {
    auto r = rows(call_, "SELECT id FROM flag_types WHERE lower(name) = lower($1) AND id <> $2",
                  args(name, except_id));
    if (!r.empty())
        throw Fail(409, "name_taken",
                   "there is already a flag type named \"" + name + "\" (id " +
                       std::to_string(r[0]["id"].get<int64_t>()) + ")",
                   "name");
}

FlagType FlagTypeStore::create(const FlagTypeChange& c) const {
    if (!c.name)
        throw Fail(422, "invalid", "a flag type needs a name", "name");
    FlagType t;
    t.name = checkedName(*c.name);
    t.description = checkedDescription(c.description.value_or(""));
    t.confidential = c.confidential.value_or(false);
    t.requires_details = c.requires_details.value_or(false);
    t.applies_to_posts = c.applies_to_posts.value_or(true);
    t.applies_to_comments = c.applies_to_comments.value_or(true);
    t.active = c.active.value_or(true);
    if (!t.applies_to_posts && !t.applies_to_comments)
        throw Fail(422, "invalid", "a flag type must apply to posts, comments or both",
                   "applies_to_posts");
    lockTypes();
    checkNameFree(t.name, 0);
    t.position =
        c.position
            ? checkedPosition(*c.position)
            : rows(call_, "SELECT coalesce(max(position), 0) + 1 AS p FROM flag_types")[0]["p"]
                  .get<int64_t>();
    auto r = rows(call_,
                  "INSERT INTO flag_types (name, description, confidential, requires_details, "
                  "applies_to_posts, applies_to_comments, active, position) VALUES ($1, $2, $3, "
                  "$4, $5, $6, $7, $8) RETURNING id",
                  args(t.name, t.description, t.confidential, t.requires_details,
                       t.applies_to_posts, t.applies_to_comments, t.active, t.position));
    t.id = r[0]["id"].get<int64_t>();
    return t;
}

FlagType FlagTypeStore::update(const FlagType& current, const FlagTypeChange& c) const {
    FlagType t = current;
    if (c.name)
        t.name = checkedName(*c.name);
    if (c.description)
        t.description = checkedDescription(*c.description);
    t.confidential = c.confidential.value_or(t.confidential);
    t.requires_details = c.requires_details.value_or(t.requires_details);
    t.applies_to_posts = c.applies_to_posts.value_or(t.applies_to_posts);
    t.applies_to_comments = c.applies_to_comments.value_or(t.applies_to_comments);
    t.active = c.active.value_or(t.active);
    if (c.position)
        t.position = checkedPosition(*c.position);
    if (!t.applies_to_posts && !t.applies_to_comments)
        throw Fail(422, "invalid", "a flag type must apply to posts, comments or both",
                   "applies_to_posts");
    lockTypes();
    checkNameFree(t.name, t.id);
    call_.query(
        "UPDATE flag_types SET name = $2, description = $3, confidential = $4, requires_details "
        "= $5, applies_to_posts = $6, applies_to_comments = $7, active = $8, position = $9, "
        "updated_at = now() WHERE id = $1",
        args(t.id, t.name, t.description, t.confidential, t.requires_details, t.applies_to_posts,
             t.applies_to_comments, t.active, t.position));
    return t;
}

}  // namespace agora::flags
