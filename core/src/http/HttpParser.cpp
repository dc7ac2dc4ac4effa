#include "http/HttpParser.h"

#include <algorithm>
#include <cctype>

namespace agora {

namespace {

// RFC 9110 §5.6.2 token characters.
bool isTchar(unsigned char c) {
    if (std::isalnum(c))
        return true;
    switch (c) {
        case '!':
        case '#':
        case '$':
        case '%':
        case '&':
        case '\'':
        case '*':
        case '+':
        case '-':
        case '.':
        case '^':
        case '_':
        case '`':
        case '|':
        case '~':
            return true;
        default:
            return false;
    }
}

bool isToken(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(),
                                     [](char c) { return isTchar(static_cast<unsigned char>(c)); });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trimOws(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// Whether a comma-separated header value lists `token` (case-insensitive).
bool listHas(std::string_view value, std::string_view token) {
    size_t pos = 0;
    while (pos <= value.size()) {
        auto comma = value.find(',', pos);
        if (comma == std::string_view::npos)
            comma = value.size();
        if (lower(trimOws(value.substr(pos, comma - pos))) == token)
            return true;
        pos = comma + 1;
    }
    return false;
}

HeadParse fail(int status, std::string message) {
    HeadParse p;
    p.status = HeadParse::Status::Invalid;
    p.error = {status, std::move(message)};
    return p;
}

// Finds the blank line that ends the head; returns the offset just past it, or npos.
size_t headEnd(std::string_view buf) {
    auto lf = buf.find("\n\n");
    auto crlf = buf.find("\n\r\n");
    return std::min(lf == std::string_view::npos ? lf : lf + 2,
                    crlf == std::string_view::npos ? crlf : crlf + 3);
}

// "METHOD TARGET HTTP/1.x" into `head`.
ParseError parseRequestLine(std::string_view line, const HeadLimits& limits, RequestHead& head) {
    auto sp1 = line.find(' ');
    auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
        return {400, "malformed request line"};
    auto method = line.substr(0, sp1);
    auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    auto version = line.substr(sp2 + 1);
    if (!isToken(method))
        return {400, "malformed request method"};
    if (target.size() > limits.max_target_bytes)
        return {414, "request target too long"};
    if (target.empty() || target[0] != '/' ||
        !std::all_of(target.begin(), target.end(), [](char c) {
            auto u = static_cast<unsigned char>(c);
            return u > 0x20 && u < 0x7f;
        }))
        return {400, "malformed request target"};
    if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
        !std::isdigit(static_cast<unsigned char>(version[5])) ||
        !std::isdigit(static_cast<unsigned char>(version[7])))
        return {400, "malformed HTTP version"};
    if (version[5] != '1')
        return {505, "HTTP version not supported"};
    head.method = std::string(method);
    head.target = std::string(target);
    head.minor_version = version[7] - '0';
    return {};
}

// One "Name: value" line (not blank) into `head`.
ParseError parseHeaderField(std::string_view line, const HeadLimits& limits, RequestHead& head) {
    if (line[0] == ' ' || line[0] == '\t')
        return {400, "obsolete header line folding"};
    auto colon = line.find(':');
    if (colon == std::string_view::npos || !isToken(line.substr(0, colon)))
        return {400, "malformed header field"};
    auto value = trimOws(line.substr(colon + 1));
    for (char c : value) {
        auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return {400, "control character in a header value"};
    }
    if (head.headers.size() >= limits.max_headers)
        return {431, "too many header fields"};
    head.headers.emplace_back(lower(line.substr(0, colon)), std::string(value));
    return {};
}

}  // namespace

std::string_view RequestHead::header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers)
        if (k == lower_name)
            return v;
    return {};
}

size_t RequestHead::count(std::string_view lower_name) const {
    return static_cast<size_t>(std::count_if(headers.begin(), headers.end(),
                                             [&](const auto& h) { return h.first == lower_name; }));
}

HeadParse parseRequestHead(std::string_view buf, const HeadLimits& limits) {
    size_t skip = 0;
    while (skip < buf.size() && (buf[skip] == '\r' || buf[skip] == '\n') && skip < 8)
        ++skip;
    auto rest = buf.substr(skip);
    // The request line alone can be judged before the rest arrives: a target past its limit is
    // 414 whatever else follows.
    auto first_nl = rest.find('\n');
    auto first_len = first_nl == std::string_view::npos ? rest.size() : first_nl;
    if (first_len > limits.max_target_bytes + 32)
        return fail(414, "request target too long");
    auto end = headEnd(rest);
    if (end == std::string_view::npos) {
        if (rest.size() > limits.max_head_bytes)
            return fail(431, "request header fields too large");
        return {};
    }
    if (end > limits.max_head_bytes)
        return fail(431, "request header fields too large");

    HeadParse p;
    auto text = rest.substr(0, end);
    size_t pos = 0;
    bool first = true;
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        auto line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.find('\r') != std::string_view::npos)
            return fail(400, "bare carriage return in the request head");
        if (first) {
            first = false;
            if (auto error = parseRequestLine(line, limits, p.head))
                return fail(error.status, std::move(error.message));
            continue;
        }
        if (line.empty())
            break;  // the blank line that ends the head
        if (auto error = parseHeaderField(line, limits, p.head))
            return fail(error.status, std::move(error.message));
    }
    // Every community is chosen by host name: a request without exactly one says nothing.
    if (p.head.count("host") != 1 || trimOws(p.head.header("host")).empty())
        return fail(400, "a request needs exactly one Host header");
    p.status = HeadParse::Status::Complete;
    p.consumed = skip + end;
    return p;
}

BodyFraming bodyFraming(const RequestHead& head, const HeadLimits& limits, ParseError& error) {
    BodyFraming f;
    auto connection = head.header("connection");
    f.keep_alive =
        head.minor_version >= 1 ? !listHas(connection, "close") : listHas(connection, "keep-alive");
    bool has_te = head.count("transfer-encoding") > 0;
    bool has_cl = head.count("content-length") > 0;
    if (has_te && has_cl) {
        error = {400, "both Content-Length and Transfer-Encoding"};
        return f;
    }
    if (has_te) {
        if (head.minor_version == 0 || head.count("transfer-encoding") != 1 ||
            lower(trimOws(head.header("transfer-encoding"))) != "chunked") {
            error = {501, "only the chunked transfer coding is supported"};
            return f;
        }
        f.kind = BodyFraming::Kind::Chunked;
    } else if (has_cl) {
        std::string_view first;
        for (const auto& [k, v] : head.headers) {
            if (k != "content-length")
                continue;
            if (v.empty() || v.size() > 18 ||
                v.find_first_not_of("0123456789") != std::string::npos ||
                (!first.empty() && v != first)) {
                error = {400, "malformed Content-Length"};
                return f;
            }
            first = v;
        }
        f.length = std::stoull(std::string(first));
        f.kind = f.length ? BodyFraming::Kind::Length : BodyFraming::Kind::None;
        if (f.length > limits.max_body_bytes) {
            error = {413,
                     "request body over " + std::to_string(limits.max_body_bytes / 1024) + " KiB"};
            return f;
        }
    }
    f.expect_continue = head.minor_version >= 1 && f.kind != BodyFraming::Kind::None &&
                        lower(trimOws(head.header("expect"))) == "100-continue";
    return f;
}

bool ChunkedDecoder::feed(std::string& in, std::string& body, ParseError& error) {
    size_t pos = 0;
    bool done = false;
    while (!done && !error) {
        if (state_ == State::Data) {
            auto take = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size() - pos));
            body.append(in, pos, take);
            pos += take;
            remaining_ -= take;
            if (remaining_ > 0)
                break;
            state_ = State::DataEnd;
            continue;
        }
        auto nl = in.find('\n', pos);
        if (nl == std::string::npos) {
            if (in.size() - pos > 4096)
                error = {400, "malformed chunked body"};
            break;
        }
        std::string_view line(in.data() + pos, nl - pos);
        pos = nl + 1;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        switch (state_) {
            case State::Size: {
                auto size_text = trimOws(line.substr(0, line.find(';')));
                if (size_text.empty() || size_text.size() > 15 ||
                    !std::all_of(size_text.begin(), size_text.end(), [](char c) {
                        return std::isxdigit(static_cast<unsigned char>(c));
                    })) {
                    error = {400, "malformed chunk size"};
                    break;
                }
                remaining_ = std::stoull(std::string(size_text), nullptr, 16);
                if (body.size() + remaining_ > max_body_) {
                    error = {413, "request body over " + std::to_string(max_body_ / 1024) + " KiB"};
                    break;
                }
                state_ = remaining_ ? State::Data : State::Trailer;
                break;
            }
            case State::DataEnd:
                if (!line.empty())
                    error = {400, "malformed chunked body"};
                state_ = State::Size;
                break;
            case State::Trailer:
                if (line.empty())
                    done = true;  // trailers are read and dropped
                break;
            case State::Data:
                break;
        }
    }
    in.erase(0, pos);
    return done && !error;
}

}  // namespace agora
