// Phase 5 of a shadow rewrite: checksums per key range, compared while writers go on.
#include "migrate/ShadowRun.h"

namespace agora::migrate::shadow {

void ShadowRun::computeRanges() {
    auto b =
        c_.exec("SELECT " + p_.pkList() + " FROM (SELECT " + p_.pkList() +
                ", row_number() OVER (ORDER BY " + p_.pkList() + ") AS rn FROM " + p_.shadow +
                ") x WHERE rn % " + std::to_string(o_.range_rows) + " = 1 ORDER BY " + p_.pkList());
    for (int i = 1; i < b.rows(); ++i)  // the first range is open below
        bounds_.push_back(keyParams(b, i, p_.pk.size()));
    res_.ranges = static_cast<int64_t>(bounds_.size()) + 1;
}

std::string ShadowRun::rangeWhere(size_t i, const std::string& alias) const {
    std::string lo = i == 0 ? "" : p_.pkRow(alias) + " >= " + p_.pkParams(1);
    std::string hi = i == bounds_.size()
                         ? ""
                         : p_.pkRow(alias) + " < " +
                               p_.pkParams(1 + (i == 0 ? 0 : static_cast<int>(p_.pk.size())));
    return lo.empty() ? hi : hi.empty() ? lo : lo + " AND " + hi;
}

db::Params ShadowRun::rangeParams(size_t i) const {
    std::vector<std::string> a = i == 0 ? std::vector<std::string>{} : bounds_[i - 1];
    std::vector<std::string> b = i == bounds_.size() ? std::vector<std::string>{} : bounds_[i];
    return toParams(a, b);
}

bool ShadowRun::rangeEqual(size_t i) {
    auto r = c_.execParams("SELECT " + p_.checksum(p_.orig, "o", true, rangeWhere(i, "o")) + " = " +
                               p_.checksum(p_.shadow, "s", false, rangeWhere(i, "s")),
                           rangeParams(i));
    return r.boolean(0, 0);
}

// Keys replayed since the range pass must be checked again under the lock. To keep that short,
// compare them now and forget each key whose rows match (one statement, one snapshot): a change
// committed later is captured, replayed and remembered again.
void ShadowRun::forgetMatchingDirtyKeys() {
    const std::string forget =
        "DELETE FROM " + p_.dirty + " d WHERE (SELECT " + p_.rowText("o", true) + " FROM " +
        p_.orig + " o WHERE " + p_.pkEq("o", "d") + ") IS NOT DISTINCT FROM (SELECT " +
        p_.rowText("s", false) + " FROM " + p_.shadow + " s WHERE " + p_.pkEq("s", "d") + ")";
    for (int pass = 0; pass < 3; ++pass) {
        drain(o_.drain_rows);
        c_.exec(forget);
    }
}

void ShadowRun::verify() {
    // Differing ranges are caught up and checked again. From here on every replayed key is
    // remembered for the final check.
    auto verify_start = Clock::now();
    track_dirty_ = true;
    computeRanges();
    for (size_t i = 0; i <= bounds_.size(); ++i)
        if (!rangeEqual(i))
            differing_.push_back(i);
    for (int pass = 0; pass < 5 && !differing_.empty(); ++pass) {
        drain(0, 20);
        std::vector<size_t> still;
        for (size_t i : differing_) {
            ++res_.ranges_rechecked;
            if (!rangeEqual(i))
                still.push_back(i);
        }
        differing_ = std::move(still);
    }
    forgetMatchingDirtyKeys();
    res_.verify_ms = msSince(verify_start);
    drain(o_.drain_rows);
}

}  // namespace agora::migrate::shadow
