#include "Scoring.h"

#include <algorithm>
#include <cmath>
#include <regex>

namespace agora::abilities {

namespace {

constexpr double kTolerance = 1e-9;
constexpr double kZ = 1.959963984540054;  // 95% two-sided
constexpr int64_t kMaxWindow = 100000;
// Beyond this many further good outcomes an ability is out of reach for practical purposes.
constexpr int64_t kSearchLimit = int64_t{1} << 40;

// The last `window` entries of `recent` (all of them when shorter).
std::pair<int64_t, int64_t> windowCounts(const std::vector<bool>& recent, int64_t window) {
    int64_t good = 0, bad = 0;
    size_t from = recent.size() > static_cast<size_t>(window)
                      ? recent.size() - static_cast<size_t>(window)
                      : 0;
    for (size_t i = from; i < recent.size(); ++i)
        (recent[i] ? good : bad) += 1;
    return {good, bad};
}

}  // namespace

std::optional<ScoringRule> ScoringRule::parse(const std::string& text) {
    if (text == "laplace")
        return ScoringRule{Mode::Laplace, 0};
    if (text == "wilson")
        return ScoringRule{Mode::Wilson, 0};
    static const std::regex recent("^recent:([1-9][0-9]{0,5})$");
    std::smatch m;
    if (std::regex_match(text, m, recent)) {
        int64_t n = std::stoll(m[1]);
        if (n <= kMaxWindow)
            return ScoringRule{Mode::Recent, n};
    }
    return std::nullopt;
}

std::string ScoringRule::text() const {
    switch (mode) {
        case Mode::Laplace:
            return "laplace";
        case Mode::Wilson:
            return "wilson";
        case Mode::Recent:
            return "recent:" + std::to_string(window);
    }
    return "laplace";
}

double laplaceScore(int64_t good, int64_t bad) {
    return static_cast<double>(good + 2) / static_cast<double>(good + bad + 4);
}

double wilsonScore(int64_t good, int64_t bad) {
    double n = static_cast<double>(good + bad);
    if (n <= 0)
        return 0.0;
    double p = static_cast<double>(good) / n;
    double z2 = kZ * kZ;
    double centre = p + z2 / (2 * n);
    double margin = kZ * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return (centre - margin) / (1 + z2 / n);
}

double score(const ScoringRule& rule, const Outcomes& o) {
    switch (rule.mode) {
        case ScoringRule::Mode::Laplace:
            return laplaceScore(o.good, o.bad);
        case ScoringRule::Mode::Wilson:
            return wilsonScore(o.good, o.bad);
        case ScoringRule::Mode::Recent: {
            auto [good, bad] = windowCounts(o.recent, rule.window);
            return laplaceScore(good, bad);
        }
    }
    return 0.0;
}

bool meets(double s, double threshold) {
    return s + kTolerance >= threshold;
}

bool passes(const ScoringRule& rule, const Outcomes& o, double threshold, int64_t min_count) {
    return o.total() >= min_count && meets(score(rule, o), threshold);
}

Outcomes withGood(const ScoringRule& rule, const Outcomes& o, int64_t n) {
    Outcomes out;
    out.good = o.good + n;
    out.bad = o.bad;
    if (rule.mode == ScoringRule::Mode::Recent) {
        // Only the window matters: keep what of it survives n newer good outcomes.
        int64_t window = rule.window;
        int64_t keep = std::max<int64_t>(0, window - n);
        size_t from = o.recent.size() > static_cast<size_t>(keep)
                          ? o.recent.size() - static_cast<size_t>(keep)
                          : 0;
        out.recent.assign(o.recent.begin() + static_cast<long>(from), o.recent.end());
        out.recent.insert(out.recent.end(), static_cast<size_t>(std::min(n, window)), true);
    }
    return out;
}

std::optional<int64_t> needed(const ScoringRule& rule, const Outcomes& o, double threshold,
                              int64_t min_count) {
    // Every mode's score never falls as good outcomes are added, so the first passing n can be
    // found by doubling and then bisecting.
    auto scoreOk = [&](int64_t n) { return meets(score(rule, withGood(rule, o, n)), threshold); };
    // No mode ever scores exactly 1: only the tolerance in meets() would get there, after
    // billions of outcomes.
    if (threshold >= 1.0 && !scoreOk(0))
        return std::nullopt;
    int64_t by_score = 0;
    if (!scoreOk(0)) {
        int64_t limit = rule.mode == ScoringRule::Mode::Recent ? rule.window : kSearchLimit;
        if (!scoreOk(limit))
            return std::nullopt;
        int64_t lo = 0, hi = 1;  // scoreOk(lo) is false
        while (hi < limit && !scoreOk(hi)) {
            lo = hi;
            hi = std::min(limit, hi * 2);
        }
        while (hi - lo > 1) {
            int64_t mid = lo + (hi - lo) / 2;
            (scoreOk(mid) ? hi : lo) = mid;
        }
        by_score = hi;
    }
    return std::max(by_score, min_count - o.total());
}

}  // namespace agora::abilities
