#pragma once

#include <string>
#include <string_view>

namespace agora::migrate {

// Rewrites a plain-format pg_dump of one schema so it creates the same objects under another
// schema name, one line at a time (dumps can be larger than memory). Only SQL lines are
// rewritten: the rows inside COPY ... FROM stdin blocks pass through byte for byte, so data that
// happens to contain the schema name is never altered. In SQL lines the name is replaced where
// it stands as a whole identifier (t_cooking. / "t_cooking" / SCHEMA t_cooking), including
// inside string literals such as nextval('t_cooking.posts_id_seq'::regclass), which must follow
// the copy.
class SchemaRenamer {
public:
    SchemaRenamer(std::string from, std::string to) : from_(std::move(from)), to_(std::move(to)) {}

    // One line including its trailing newline (or the last, unterminated one).
    std::string line(std::string_view line);

    // Whole-identifier replacement in one SQL fragment (exposed for tests).
    std::string rename(std::string_view sql) const;

private:
    std::string from_;
    std::string to_;
    bool in_copy_ = false;
};

}  // namespace agora::migrate
