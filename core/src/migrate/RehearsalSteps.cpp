#include "migrate/RehearsalSteps.h"

#include <algorithm>
#include <set>

namespace agora::migrate::rehearsal {

using nlohmann::json;

namespace {

json locksJson(const std::vector<LockSpan>& all, int index, std::set<std::string>& touched) {
    json locks = json::array();
    std::vector<LockSpan> spans;
    for (const auto& s : all)
        if (s.step == index)
            spans.push_back(s);
    std::sort(spans.begin(), spans.end(),
              [](const auto& a, const auto& b) { return a.first_ms < b.first_ms; });
    for (const auto& s : spans) {
        locks.push_back({{"relation", s.relation},
                         {"mode", s.mode},
                         {"first_ms", s.first_ms},
                         {"last_ms", s.last_ms},
                         {"held_ms", s.last_ms - s.first_ms}});
        touched.insert(s.relation);
    }
    return locks;
}

void waitsJson(const std::vector<LockWait>& waits, int index, json& sj) {
    // Every wait of the step, longest first (a timeline shows them; the page keeps 200).
    std::vector<const LockWait*> step_waits;
    for (const auto& w : waits)
        if (w.step == index)
            step_waits.push_back(&w);
    std::sort(step_waits.begin(), step_waits.end(),
              [](const auto* a, const auto* b) { return a->wait_ms > b->wait_ms; });
    json waits_json = json::array();
    for (const auto* w : step_waits) {
        if (waits_json.size() >= 200)
            break;
        waits_json.push_back({{"who", w->who},
                              {"relation", w->relation},
                              {"mode", w->mode},
                              {"wait_ms", w->wait_ms},
                              {"end_ms", w->end_ms}});
    }
    sj["waits"] = waits_json;
    int64_t max_wait = 0;
    json max_wait_json = nullptr;
    int64_t applier_waited = 0;
    for (const auto& w : waits) {
        if (w.step != index)
            continue;
        if (w.who == "applier") {
            applier_waited = std::max(applier_waited, w.wait_ms);
            continue;
        }
        if (w.wait_ms > max_wait) {
            max_wait = w.wait_ms;
            max_wait_json = {{"relation", w.relation},
                             {"mode", w.mode},
                             {"who", w.who},
                             {"wait_ms", w.wait_ms},
                             {"end_ms", w.end_ms}};
        }
    }
    sj["max_wait_ms"] = max_wait;
    sj["max_wait"] = max_wait_json;
    sj["applier_waited_ms"] = applier_waited;
}

void relationsJson(const StepObs& o, json& sj, std::set<std::string>& touched) {
    json rewritten = json::array(), rebuilt = json::array(), created = json::array();
    for (const auto& [name, after] : o.nodes_after) {
        auto it = o.nodes_before.find(name);
        if (it == o.nodes_before.end()) {
            created.push_back(name);
        } else if (it->second.node != after.node) {
            if (after.kind == 'i') {
                rebuilt.push_back(name);
            } else {
                rewritten.push_back(name);
                touched.insert(name);
            }
        }
    }
    sj["rewritten"] = rewritten;
    sj["rebuilt_indexes"] = rebuilt;
    sj["created"] = created;
}

json rowsJson(const StepObs& o, std::set<std::string>& touched) {
    TupleStats total;
    json per_table = json::object();
    for (const auto& [name, after] : o.stats_after) {
        TupleStats before;
        if (auto it = o.stats_before.find(name); it != o.stats_before.end())
            before = it->second;
        TupleStats d{after.ins - before.ins, after.upd - before.upd, after.del - before.del};
        if (d.ins == 0 && d.upd == 0 && d.del == 0)
            continue;
        per_table[name] = {{"inserted", d.ins}, {"updated", d.upd}, {"deleted", d.del}};
        total.ins += d.ins;
        total.upd += d.upd;
        total.del += d.del;
        touched.insert(name);
    }
    return {{"inserted", total.ins},
            {"updated", total.upd},
            {"deleted", total.del},
            {"tables", per_table}};
}

// Production estimate: this step's time scaled by how much bigger production's copies of the
// touched tables are than staging's (1 when nothing existing was touched) — by live rows, or by
// bytes when the statistics know no rows yet.
void estimate(const StepResult& r, const std::set<std::string>& touched, const Sizes& sizes,
              json& sj) {
    auto ratio = [&](const std::map<std::string, int64_t>& prod,
                     const std::map<std::string, int64_t>& staging) {
        int64_t tp = 0, ts = 0;
        for (const auto& t : touched) {
            auto p = prod.find(t);
            auto s = staging.find(t);
            if (p != prod.end() && s != staging.end()) {
                tp += p->second;
                ts += s->second;
            }
        }
        return (tp > 0 && ts > 0) ? static_cast<double>(tp) / static_cast<double>(ts) : 0.0;
    };
    double scale = ratio(sizes.prod_rows, sizes.staging_rows);
    sj["scale_basis"] = "rows";
    if (scale == 0.0) {
        scale = ratio(sizes.prod_bytes, sizes.staging_bytes);
        sj["scale_basis"] = "bytes";
    }
    if (scale == 0.0)
        scale = 1.0;
    sj["touched"] = touched;
    sj["scale"] = scale;
    sj["estimated_prod_ms"] =
        static_cast<int64_t>(static_cast<double>(r.duration_ms) * scale + 0.5);
}

}  // namespace

json stepReport(const StepResult& r, const StepObs& o, int index, const std::vector<Step>& steps,
                const std::vector<LockSpan>& spans, const std::vector<LockWait>& waits,
                const Sizes& sizes) {
    const Step* step = nullptr;
    for (const auto& s : steps)
        if (s.name == r.step)
            step = &s;
    json sj = r.toJson();
    sj["checksum"] = step ? step->checksum : "";
    sj["phase"] = step ? step->phase : "expand";
    sj["transactional"] = step ? step->transactional : true;
    sj["start_ms"] = o.start_ms;
    sj["end_ms"] = o.end_ms;
    std::set<std::string> touched;
    sj["locks"] = locksJson(spans, index, touched);
    waitsJson(waits, index, sj);
    relationsJson(o, sj, touched);
    sj["rows"] = rowsJson(o, touched);
    estimate(r, touched, sizes, sj);
    return sj;
}

}  // namespace agora::migrate::rehearsal
