// `agora migrate rehearse` without --json: the report as a table and a timeline.
#include <algorithm>
#include <sstream>

#include "migrate/Rehearsal.h"
#include "migrate/RehearsalObservations.h"

namespace agora::migrate {

using nlohmann::json;
using rehearsal::bytes;
using rehearsal::human;
using rehearsal::pad;

namespace {

// One row per step, one per lock it held, on a shared time axis.
void timeline(const json& report, int width, std::ostringstream& out) {
    int64_t end = 1;
    for (const auto& s : report["steps"])
        end = std::max(end, s["end_ms"].get<int64_t>());
    double per_col = static_cast<double>(end) / width;
    auto bar = [&](int64_t from, int64_t to, char c) {
        std::string line(static_cast<size_t>(width), ' ');
        int a = static_cast<int>(static_cast<double>(from) / per_col);
        int b = static_cast<int>(static_cast<double>(to) / per_col);
        a = std::clamp(a, 0, width - 1);
        b = std::clamp(b, a, width - 1);
        for (int i = a; i <= b; ++i)
            line[static_cast<size_t>(i)] = c;
        return "|" + line + "|";
    };
    out << "\nTimeline (0 to " << human(end)
        << ", one column = " << human(static_cast<int64_t>(per_col + 0.5)) << "):\n";
    for (const auto& s : report["steps"]) {
        out << "  " << pad(s["step"].get<std::string>(), 36)
            << bar(s["start_ms"].get<int64_t>(), s["end_ms"].get<int64_t>(), '#') << " "
            << human(s["duration_ms"].get<int64_t>()) << "\n";
        for (const auto& l : s["locks"]) {
            std::string label =
                l["relation"].get<std::string>() + " " + l["mode"].get<std::string>();
            out << "    " << pad(label, 34)
                << bar(l["first_ms"].get<int64_t>(), l["last_ms"].get<int64_t>(), '=') << "\n";
        }
        if (s["max_wait_ms"].get<int64_t>() > 0) {
            int64_t w = s["max_wait_ms"].get<int64_t>();
            int64_t to = std::min(s["end_ms"].get<int64_t>(), s["start_ms"].get<int64_t>() + w);
            out << "    " << pad("others waited", 34) << bar(s["start_ms"].get<int64_t>(), to, '!')
                << " " << human(w) << "\n";
        }
    }
}

}  // namespace

std::string Rehearsal::render(const json& report, int width) {
    std::ostringstream out;
    out << "Rehearsal of " << report.value("tenant", "?");
    if (!report.contains("staging")) {
        out << ": " << report.value("note", "nothing to do") << "\n";
        return out.str();
    }
    out << " on " << report["staging"].get<std::string>() << " (copied in "
        << human(report.value("stage_ms", 0)) << "; production "
        << bytes(report.value("table_bytes", int64_t{0})) << ", staging "
        << bytes(report.value("staging_bytes", int64_t{0})) << ")\n\n";

    out << pad("STEP", 30) << pad("RESULT", 8) << pad("TIME", 10) << pad("EST. PROD", 11)
        << pad("REWRITTEN", 16) << pad("ROWS ins/upd/del", 20) << "LONGEST WAIT\n";
    for (const auto& s : report["steps"]) {
        std::string rewritten;
        for (const auto& t : s["rewritten"])
            rewritten += (rewritten.empty() ? "" : ",") + t.get<std::string>();
        const auto& rows = s["rows"];
        std::string rows_s = std::to_string(rows["inserted"].get<int64_t>()) + "/" +
                             std::to_string(rows["updated"].get<int64_t>()) + "/" +
                             std::to_string(rows["deleted"].get<int64_t>());
        std::string wait = human(s["max_wait_ms"].get<int64_t>());
        if (!s["max_wait"].is_null())
            wait += " (" + s["max_wait"]["who"].get<std::string>() + ", " +
                    s["max_wait"]["relation"].get<std::string>() + ")";
        std::string result = s["ok"].get<bool>() ? "ok" : "FAILED";
        if (s.value("lock_timeouts", 0) > 0)
            result += "*";
        out << pad(s["step"].get<std::string>(), 30) << pad(result, 8)
            << pad(human(s["duration_ms"].get<int64_t>()), 10)
            << pad(human(s["estimated_prod_ms"].get<int64_t>()), 11)
            << pad(rewritten.empty() ? "-" : rewritten, 16) << pad(rows_s, 20) << wait << "\n";
    }
    for (const auto& s : report["steps"]) {
        if (s.value("lock_timeouts", 0) > 0)
            out << "* " << s["step"].get<std::string>() << ": " << s["lock_timeouts"].get<int>()
                << " lock timeout(s), retried\n";
        if (!s["ok"].get<bool>())
            out << "! " << s["step"].get<std::string>() << ": " << s.value("error", "") << "\n";
    }

    timeline(report, width, out);
    out << "\n"
        << (report.value("ok", false) ? "ok" : "FAILED: " + report.value("error", "")) << " in "
        << human(report.value("total_ms", int64_t{0})) << "\n";
    return out.str();
}

}  // namespace agora::migrate
