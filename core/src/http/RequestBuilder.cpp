#include "http/RequestBuilder.h"

#include <cctype>
#include <vector>

namespace agora {

namespace {

std::vector<std::string> splitList(const std::string& value) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= value.size()) {
        auto comma = value.find(',', pos);
        if (comma == std::string::npos)
            comma = value.size();
        auto item = value.substr(pos, comma - pos);
        auto b = item.find_first_not_of(" \t");
        auto e = item.find_last_not_of(" \t");
        out.push_back(b == std::string::npos ? "" : item.substr(b, e - b + 1));
        pos = comma + 1;
    }
    return out;
}

}  // namespace

HttpRequest buildRequest(RequestHead&& head, std::string&& body, const std::string& peer,
                         const AddressSet& trusted_proxies) {
    HttpRequest req;
    req.method = std::move(head.method);
    auto q = head.target.find('?');
    req.raw_path = head.target.substr(0, q);
    req.path = pathDecode(req.raw_path);
    if (q != std::string::npos) {
        req.query_string = head.target.substr(q + 1);
        req.query = parseUrlEncoded(req.query_string);
    }
    for (auto& [name, value] : head.headers) {
        auto it = req.headers.find(name);
        if (it == req.headers.end())
            req.headers.emplace(name, std::move(value));
        else
            it->second += (name == "cookie" ? "; " : ", ") + value;
    }
    req.host = req.header("host");
    req.peer = peer;
    req.remote = peer;
    if (trusted_proxies.contains(peer)) {
        // "client, proxy1, proxy2": walk from the right past the proxies we trust; the first
        // other address is the client. Anything left of it could be made up by the client.
        auto hops = splitList(req.header("x-forwarded-for"));
        for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
            if (it->empty())
                break;
            if (!trusted_proxies.contains(*it)) {
                if (!AddressSet::isAddress(*it))
                    break;
                req.remote = *it;
                break;
            }
        }
        auto protos = splitList(req.header("x-forwarded-proto"));
        std::string proto = protos.empty() ? "" : protos.back();
        for (auto& c : proto)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        req.secure = proto == "https";
    }
    req.cookies = parseCookies(req.header("cookie"));
    req.body = std::move(body);
    return req;
}

}  // namespace agora
