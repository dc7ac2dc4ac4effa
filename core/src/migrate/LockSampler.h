#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace agora::migrate {

// A relation lock the applier held, as seen by sampling.
struct LockSpan {
    int step = -1;
    std::string relation;
    std::string mode;
    int64_t first_ms = 0;
    int64_t last_ms = 0;
};

// Another session waiting for a lock on the schema.
struct LockWait {
    int step = -1;
    std::string relation;
    std::string mode;  // the mode it waited for
    std::string who;   // "pid N" (sampled) or "read probe" / "write probe"
    int64_t wait_ms = 0;
    int64_t end_ms = 0;  // when the wait ended (or was last seen), since the epoch
    bool blocked_by_applier = false;
};

// Polls pg_locks from its own connection every `interval` while the applier works, attributing
// what it sees to the step running at that moment (setStep). Sampling misses locks held for less
// than one interval; those are by definition not the ones that hurt.
class LockSampler {
public:
    using Clock = std::chrono::steady_clock;

    LockSampler(std::string database_url, std::string schema, int applier_pid,
                Clock::time_point epoch, std::chrono::milliseconds interval);
    LockSampler(const LockSampler&) = delete;
    LockSampler& operator=(const LockSampler&) = delete;
    ~LockSampler();

    void start();
    void stop();
    void setStep(int step) { step_.store(step); }

    // After stop().
    const std::vector<LockSpan>& spans() const { return spans_; }
    const std::vector<LockWait>& waits() const { return waits_; }
    int64_t samples() const { return samples_; }
    const std::string& error() const { return error_; }

private:
    void run();

    std::string url_;
    std::string schema_;
    int applier_pid_;
    Clock::time_point epoch_;
    std::chrono::milliseconds interval_;
    std::atomic<int> step_{-1};
    std::atomic<bool> stop_{false};
    std::thread thread_;
    // Open spans by (step, relation, mode); closed into spans_ at stop.
    std::map<std::tuple<int, std::string, std::string>, LockSpan> open_;
    std::map<std::tuple<int, int, std::string, std::string>, LockWait> waiting_;
    std::vector<LockSpan> spans_;
    std::vector<LockWait> waits_;
    int64_t samples_ = 0;
    std::string error_;
};

}  // namespace agora::migrate
