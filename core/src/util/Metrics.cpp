#include "util/Metrics.h"

#include <sstream>

namespace agora {

void Metrics::observe(const std::string& route, const std::string& tenant, int status,
                      double seconds, uint64_t statements) {
    std::lock_guard lock(mu_);
    auto& s = series_[{route, tenant}];
    ++s.count;
    s.sum += seconds;
    for (size_t i = 0; i < kBuckets.size(); ++i)
        if (seconds <= kBuckets[i])
            ++s.buckets[i];
    ++s.by_status[status];
    s.statements += statements;
}

static std::string escapeLabel(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '"' || c == '\\')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string Metrics::prometheus(const std::map<std::string, double>& gauges) const {
    std::ostringstream out;
    std::lock_guard lock(mu_);
    out << "# HELP agora_http_requests_total Requests by route, tenant and status.\n"
        << "# TYPE agora_http_requests_total counter\n";
    for (const auto& [key, s] : series_)
        for (const auto& [status, n] : s.by_status)
            out << "agora_http_requests_total{route=\"" << escapeLabel(key.first) << "\",tenant=\""
                << escapeLabel(key.second) << "\",status=\"" << status << "\"} " << n << "\n";
    out << "# HELP agora_http_request_duration_seconds Request latency.\n"
        << "# TYPE agora_http_request_duration_seconds histogram\n";
    for (const auto& [key, s] : series_) {
        std::string labels =
            "route=\"" + escapeLabel(key.first) + "\",tenant=\"" + escapeLabel(key.second) + "\"";
        for (size_t i = 0; i < kBuckets.size(); ++i)
            out << "agora_http_request_duration_seconds_bucket{" << labels << ",le=\""
                << kBuckets[i] << "\"} " << s.buckets[i] << "\n";
        out << "agora_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} "
            << s.count << "\n";
        out << "agora_http_request_duration_seconds_sum{" << labels << "} " << s.sum << "\n";
        out << "agora_http_request_duration_seconds_count{" << labels << "} " << s.count << "\n";
    }
    out << "# HELP agora_sql_statements_total SQL statements issued, by route and tenant.\n"
        << "# TYPE agora_sql_statements_total counter\n";
    for (const auto& [key, s] : series_)
        out << "agora_sql_statements_total{route=\"" << escapeLabel(key.first) << "\",tenant=\""
            << escapeLabel(key.second) << "\"} " << s.statements << "\n";
    for (const auto& [name, value] : gauges)
        out << name << " " << value << "\n";
    return out.str();
}

}  // namespace agora
