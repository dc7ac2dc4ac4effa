#include "migrate/SchemaRenamer.h"

#include <cctype>

namespace agora::migrate {

namespace {

bool identChar(char c) {
    auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

}  // namespace

std::string SchemaRenamer::rename(std::string_view sql) const {
    std::string out;
    out.reserve(sql.size());
    size_t i = 0;
    while (i < sql.size()) {
        size_t hit = sql.find(from_, i);
        if (hit == std::string_view::npos) {
            out.append(sql.substr(i));
            break;
        }
        size_t end = hit + from_.size();
        bool whole =
            (hit == 0 || !identChar(sql[hit - 1])) && (end == sql.size() || !identChar(sql[end]));
        out.append(sql.substr(i, hit - i));
        out.append(whole ? to_ : from_);
        i = end;
    }
    return out;
}

std::string SchemaRenamer::line(std::string_view line) {
    if (in_copy_) {
        // "\." alone ends the data of a COPY block.
        std::string_view body = line;
        while (!body.empty() && (body.back() == '\n' || body.back() == '\r'))
            body.remove_suffix(1);
        if (body == "\\.")
            in_copy_ = false;
        return std::string(line);
    }
    if (line.rfind("COPY ", 0) == 0 && line.find(" FROM stdin;") != std::string_view::npos)
        in_copy_ = true;
    return rename(line);
}

}  // namespace agora::migrate
