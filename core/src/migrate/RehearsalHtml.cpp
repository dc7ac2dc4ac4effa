// `agora migrate rehearse SLUG --html FILE`: the rehearsal as one page an operator can open
// anywhere (a laptop, a CI artifact) — inline CSS and SVG, no scripts, nothing fetched.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "migrate/Rehearsal.h"
#include "util/TextDiff.h"

namespace agora::migrate {

using nlohmann::json;

namespace {

std::string esc(const std::string& s) {
    return escapeHtml(s);
}

std::string ms(int64_t v) {
    char buf[32];
    if (v < 1000)
        std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>(v));
    else if (v < 120'000)
        std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(v) / 1000.0);
    else
        std::snprintf(buf, sizeof buf, "%.1f min", static_cast<double>(v) / 60'000.0);
    return buf;
}

int64_t i64(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// Colours by who waited: the read probe is a page view, the write probe a vote or an edit.
const char* waitColour(const std::string& who) {
    if (who == "read probe")
        return "#3b82f6";
    if (who == "write probe")
        return "#f59e0b";
    if (who == "applier")
        return "#8b5cf6";
    return "#6b7280";
}

// What the applier gave the step: its default (from the rehearsal or the fallback), the step's
// own SET, or nothing (concurrent builds, DO blocks).
std::string statementTimeout(const json& s) {
    std::string source = str(s, "statement_timeout_source");
    if (source == "step")
        return "the step's own";
    if (source == "none" || i64(s, "statement_timeout_ms") == 0)
        return "none";
    return ms(i64(s, "statement_timeout_ms")) + (source.empty() ? "" : " (" + source + ")");
}

constexpr int kWidth = 960, kLabel = 300, kRow = 18, kPlot = kWidth - kLabel - 20;

// One step's timeline: the locks the applier held, then every wait, on the step's own axis.
std::string stepSvg(const json& s, bool slowest_step) {
    static const json none = json::array();
    const json& waits = s.contains("waits") ? s["waits"] : none;
    const json& locks = s.contains("locks") ? s["locks"] : none;
    int64_t start = i64(s, "start_ms"), end = std::max(i64(s, "end_ms"), start + 1);
    // Waits can begin before the step's first sample: widen the axis to show them whole.
    for (const auto& w : waits)
        start = std::min(start, i64(w, "end_ms") - i64(w, "wait_ms"));
    double span = static_cast<double>(end - start);
    auto x = [&](int64_t t) {
        double v = static_cast<double>(std::clamp(t, start, end) - start) / span * kPlot;
        return kLabel + static_cast<int>(v);
    };
    std::ostringstream rows;
    int y = 24;
    auto bar = [&](const std::string& label, int64_t from, int64_t to, const char* fill,
                   const std::string& title, bool mark) {
        int a = x(from), b = std::max(x(to), a + 2);
        rows << "<text x='4' y='" << y + 13 << "' class='l'>" << esc(label) << "</text>"
             << "<rect x='" << a << "' y='" << y + 3 << "' width='" << b - a
             << "' height='12' fill='" << fill << "'"
             << (mark ? " stroke='#dc2626' stroke-width='3'" : "") << "><title>" << esc(title)
             << "</title></rect>";
        if (mark)
            rows << "<text x='" << std::min(b + 4, kWidth - 150) << "' y='" << y + 13
                 << "' class='slow'>slowest wait</text>";
        y += kRow;
    };
    bar("step " + str(s, "step"), i64(s, "start_ms"), i64(s, "end_ms"), "#10b981",
        str(s, "step") + ": " + ms(i64(s, "duration_ms")), false);
    for (const auto& l : locks)
        bar("held " + str(l, "relation") + " " + str(l, "mode"), i64(l, "first_ms"),
            i64(l, "last_ms"), "#111827",
            "applier held " + str(l, "mode") + " on " + str(l, "relation") + " for " +
                ms(i64(l, "held_ms")),
            false);
    const json* slowest = nullptr;
    for (const auto& w : waits)
        if (w.value("who", "") != "applier" &&
            (!slowest || i64(w, "wait_ms") > i64(*slowest, "wait_ms")))
            slowest = &w;
    for (const auto& w : waits) {
        std::string who = str(w, "who");
        std::string verb = who == "applier" ? "applier waited for " : who + " waited for ";
        bar(who + " " + str(w, "relation"), i64(w, "end_ms") - i64(w, "wait_ms"), i64(w, "end_ms"),
            waitColour(who),
            verb + str(w, "mode") + " on " + str(w, "relation") + ": " + ms(i64(w, "wait_ms")),
            slowest_step && &w == slowest);
    }
    int height = y + 24;
    std::ostringstream out;
    out << "<svg width='" << kWidth << "' height='" << height << "' viewBox='0 0 " << kWidth << " "
        << height << "' role='img' aria-label='timeline of " << esc(str(s, "step")) << "'>"
        << "<line x1='" << kLabel << "' y1='20' x2='" << kLabel << "' y2='" << y
        << "' stroke='#d1d5db'/>"
        << "<text x='" << kLabel << "' y='14' class='a'>" << ms(start) << "</text>"
        << "<text x='" << kLabel + kPlot << "' y='14' class='a' text-anchor='end'>" << ms(end)
        << "</text>" << rows.str() << "</svg>";
    return out.str();
}

const char* kStyle =
    "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#111827}"
    "table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #e5e7eb;"
    "padding:4px 8px;text-align:left}th{background:#f9fafb}.bad{color:#dc2626}"
    ".ok{color:#059669}svg text.l{font:11px monospace;fill:#374151}"
    "svg text.a{font:11px sans-serif;fill:#6b7280}"
    "svg text.slow{font:bold 11px sans-serif;fill:#dc2626}section{margin:24px 0}";

}  // namespace

std::string Rehearsal::renderHtml(const json& report) {
    std::ostringstream h;
    std::string tenant = report.value("tenant", "?");
    bool ok = report.value("ok", false);
    h << "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
      << "<title>Rehearsal of " << esc(tenant) << "</title><style>" << kStyle
      << ".key span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}"
      << "pre{background:#f9fafb;padding:8px;white-space:pre-wrap}</style></head><body>\n";
    h << "<h1>Rehearsal of " << esc(tenant) << " <span class='" << (ok ? "ok" : "bad") << "'>"
      << (ok ? "ok" : "FAILED") << "</span></h1>\n";
    if (!report.contains("staging")) {
        h << "<pre>" << esc(report.value("note", report.value("error", ""))) << "</pre>\n"
          << "</body></html>\n";
        return h.str();
    }
    h << "<p>On " << esc(report.value("staging", "")) << ", started "
      << esc(report.value("started_at", "")) << "; copied in " << ms(i64(report, "stage_ms"))
      << "; total " << ms(i64(report, "total_ms")) << "; " << i64(report, "probes")
      << " probe lock attempts, " << i64(report, "samples") << " lock samples.</p>\n";
    if (!ok)
        h << "<pre class='bad'>" << esc(report.value("error", "")) << "</pre>\n";

    // The slowest wait of the whole rehearsal: what a user would have felt worst.
    int64_t worst = 0;
    size_t worst_step = SIZE_MAX;
    const auto& steps = report["steps"];
    for (size_t i = 0; i < steps.size(); ++i)
        if (i64(steps[i], "max_wait_ms") > worst) {
            worst = i64(steps[i], "max_wait_ms");
            worst_step = i;
        }

    h << "<table><tr><th>step</th><th>result</th><th>time</th><th>production estimate</th>"
      << "<th>statement_timeout</th><th>rewritten</th><th>rows ins/upd/del</th>"
      << "<th>longest wait</th></tr>\n";
    for (size_t i = 0; i < steps.size(); ++i) {
        const auto& s = steps[i];
        std::string rewritten;
        for (const auto& t : s.value("rewritten", json::array()))
            rewritten += (rewritten.empty() ? "" : ", ") + t.get<std::string>();
        const auto& rows = s.value("rows", json::object());
        std::string wait = ms(i64(s, "max_wait_ms"));
        if (s.contains("max_wait") && s["max_wait"].is_object())
            wait += " (" + str(s["max_wait"], "who") + ", " + str(s["max_wait"], "relation") + ")";
        bool sok = s.value("ok", false);
        h << "<tr><td><a href='#step-" << i << "'>" << esc(str(s, "step")) << "</a></td><td class='"
          << (sok ? "ok'>ok" : "bad'>FAILED") << (i64(s, "lock_timeouts") ? " (retried)" : "")
          << "</td><td>" << ms(i64(s, "duration_ms")) << "</td><td>"
          << ms(i64(s, "estimated_prod_ms")) << " (&times;" << s.value("scale", 1.0) << ")</td><td>"
          << statementTimeout(s) << "</td><td>" << esc(rewritten.empty() ? "-" : rewritten)
          << "</td><td>" << i64(rows, "inserted") << "/" << i64(rows, "updated") << "/"
          << i64(rows, "deleted") << "</td><td" << (i == worst_step ? " class='bad'" : "") << ">"
          << esc(wait) << (i == worst_step ? " &#9664; slowest" : "") << "</td></tr>\n";
    }
    h << "</table>\n<p class='key'>Key:<span style='background:#10b981'></span>step"
      << "<span style='background:#111827'></span>lock held by the applier"
      << "<span style='background:#3b82f6'></span>read probe waited"
      << "<span style='background:#f59e0b'></span>write probe waited"
      << "<span style='background:#6b7280'></span>another session waited"
      << "<span style='background:#8b5cf6'></span>applier waited</p>\n";

    for (size_t i = 0; i < steps.size(); ++i) {
        const auto& s = steps[i];
        h << "<section id='step-" << i << "'><h2>" << esc(str(s, "step")) << "</h2><p>"
          << ms(i64(s, "duration_ms")) << " on staging, about " << ms(i64(s, "estimated_prod_ms"))
          << " on production; rows touched: " << i64(s.value("rows", json::object()), "inserted")
          << " inserted, " << i64(s.value("rows", json::object()), "updated") << " updated, "
          << i64(s.value("rows", json::object()), "deleted") << " deleted";
        if (!s.value("ok", false))
            h << "; <span class='bad'>failed: " << esc(s.value("error", "")) << "</span>";
        h << ".</p>" << stepSvg(s, i == worst_step) << "</section>\n";
    }
    h << "</body></html>\n";
    return h.str();
}

}  // namespace agora::migrate
