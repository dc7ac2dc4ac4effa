#include "migrate/LockProber.h"

#include <algorithm>

#include "db/PgConnection.h"

namespace agora::migrate {

LockProber::LockProber(std::string database_url, std::string schema,
                       std::vector<std::string> tables, Kind kind, Clock::time_point epoch)
    : url_(std::move(database_url)),
      schema_(std::move(schema)),
      tables_(std::move(tables)),
      kind_(kind),
      epoch_(epoch) {}

LockProber::~LockProber() {
    stop();
}

void LockProber::start() {
    thread_ = std::thread([this] { run(); });
}

void LockProber::stop() {
    stop_ = true;
    if (thread_.joinable())
        thread_.join();
}

void LockProber::run() {
    // Waits shorter than this are scheduling noise on a busy two-core machine.
    constexpr int64_t kReportMs = 5;
    const char* mode = kind_ == Kind::Read ? "ACCESS SHARE" : "ROW EXCLUSIVE";
    try {
        db::PgConnection conn(url_);
        std::string schema_q = conn.quoteIdent(schema_);
        auto tables = tables_;
        while (!stop_ && !tables.empty()) {
            for (size_t i = 0; i < tables.size() && !stop_;) {
                int step = step_.load();
                auto start = Clock::now();
                try {
                    db::Transaction tx(conn);
                    conn.exec("SET LOCAL lock_timeout = '120s'; LOCK TABLE " + schema_q + "." +
                              conn.quoteIdent(tables[i]) + " IN " + mode + " MODE");
                } catch (const db::UndefinedTable&) {
                    // Dropped or renamed by a step: nobody can use it under this name any more.
                    tables.erase(tables.begin() + static_cast<long>(i));
                    continue;
                }
                ++probes_;
                auto wait =
                    std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start)
                        .count();
                if (wait >= kReportMs) {
                    LockWait w;
                    w.step = step;
                    w.relation = tables[i];
                    w.mode = kind_ == Kind::Read ? "AccessShareLock" : "RowExclusiveLock";
                    w.who = kind_ == Kind::Read ? "read probe" : "write probe";
                    w.wait_ms = wait;
                    w.end_ms =
                        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - epoch_)
                            .count();
                    w.blocked_by_applier = true;
                    waits_.push_back(std::move(w));
                }
                ++i;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    } catch (const std::exception& e) {
        error_ = e.what();
    }
}

}  // namespace agora::migrate
