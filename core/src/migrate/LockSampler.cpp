#include "migrate/LockSampler.h"

#include "db/PgConnection.h"

namespace agora::migrate {

LockSampler::LockSampler(std::string database_url, std::string schema, int applier_pid,
                         Clock::time_point epoch, std::chrono::milliseconds interval)
    : url_(std::move(database_url)),
      schema_(std::move(schema)),
      applier_pid_(applier_pid),
      epoch_(epoch),
      interval_(interval) {}

LockSampler::~LockSampler() {
    stop();
}

void LockSampler::start() {
    thread_ = std::thread([this] { run(); });
}

void LockSampler::stop() {
    stop_ = true;
    if (!thread_.joinable())
        return;
    thread_.join();
    for (auto& [key, span] : open_)
        spans_.push_back(span);
    open_.clear();
    for (auto& [key, w] : waiting_)
        waits_.push_back(w);
    waiting_.clear();
}

void LockSampler::run() {
    try {
        db::PgConnection conn(url_);
        // Tables only: index locks follow their table's and would double every line.
        const std::string sql =
            "SELECT l.pid, c.relname, l.mode, l.granted, "
            "  CASE WHEN l.granted THEN 0 ELSE "
            "    (extract(epoch FROM clock_timestamp() - l.waitstart) * 1000)::bigint END, "
            "  CASE WHEN l.granted THEN false ELSE $2::int = ANY (pg_blocking_pids(l.pid)) END "
            "FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE l.locktype = 'relation' AND n.nspname = $1 AND c.relkind IN ('r', 'p') "
            "  AND l.pid <> pg_backend_pid()";
        while (!stop_) {
            auto tick = Clock::now();
            int step = step_.load();
            auto r = conn.q(sql, schema_, applier_pid_);
            int64_t now_ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - epoch_)
                    .count();
            ++samples_;
            for (int i = 0; i < r.rows(); ++i) {
                int pid = static_cast<int>(r.i64(i, 0));
                std::string rel = r.str(i, 1), mode = r.str(i, 2);
                bool granted = r.boolean(i, 3);
                if (pid == applier_pid_ && granted) {
                    auto key = std::make_tuple(step, rel, mode);
                    auto it = open_.find(key);
                    if (it == open_.end())
                        open_[key] = {step, rel, mode, now_ms, now_ms};
                    else
                        it->second.last_ms = now_ms;
                } else if (!granted) {
                    // The longest wait of each waiting session for each lock, per step.
                    auto key = std::make_tuple(step, pid, rel, mode);
                    auto& w = waiting_[key];
                    w.step = step;
                    w.relation = rel;
                    w.mode = mode;
                    w.who = pid == applier_pid_ ? "applier" : "pid " + std::to_string(pid);
                    w.wait_ms = std::max(w.wait_ms, r.i64(i, 4));
                    w.end_ms = now_ms;
                    w.blocked_by_applier = w.blocked_by_applier || r.boolean(i, 5);
                }
            }
            auto next = tick + interval_;
            while (!stop_ && Clock::now() < next)
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    } catch (const std::exception& e) {
        error_ = e.what();
    }
}

}  // namespace agora::migrate
