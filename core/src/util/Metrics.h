#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>

namespace agora {

// Request counts and latency histograms by route and tenant, exposed as Prometheus text.
class Metrics {
public:
    void observe(const std::string& route, const std::string& tenant, int status, double seconds,
                 uint64_t statements = 0);
    std::string prometheus(const std::map<std::string, double>& gauges) const;

private:
    static constexpr std::array<double, 10> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                     0.025,  0.05,  0.1,    0.5,   1.0};
    struct Series {
        uint64_t count = 0;
        double sum = 0;
        std::array<uint64_t, kBuckets.size()> buckets{};
        std::map<int, uint64_t> by_status;
        uint64_t statements = 0;
    };
    mutable std::mutex mu_;
    std::map<std::pair<std::string, std::string>, Series> series_;
};

}  // namespace agora
