#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "migrate/LockSampler.h"

namespace agora::migrate {

// Plays the part of the application during a rehearsal: from its own connection it keeps taking
// the lock an ordinary reader (ACCESS SHARE) or writer (ROW EXCLUSIVE) takes on each table of
// the staging schema, in a transaction it rolls back at once, and times each wait. A wait here
// is what a page load or a vote would have suffered in production at that moment.
class LockProber {
public:
    enum class Kind { Read, Write };
    using Clock = std::chrono::steady_clock;

    LockProber(std::string database_url, std::string schema, std::vector<std::string> tables,
               Kind kind, Clock::time_point epoch);
    LockProber(const LockProber&) = delete;
    LockProber& operator=(const LockProber&) = delete;
    ~LockProber();

    void start();
    void stop();
    void setStep(int step) { step_.store(step); }

    // Waits longer than a few milliseconds (after stop()).
    const std::vector<LockWait>& waits() const { return waits_; }
    int64_t probes() const { return probes_; }
    const std::string& error() const { return error_; }

private:
    void run();

    std::string url_;
    std::string schema_;
    std::vector<std::string> tables_;
    Kind kind_;
    Clock::time_point epoch_;
    std::atomic<int> step_{-1};
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::vector<LockWait> waits_;
    int64_t probes_ = 0;
    std::string error_;
};

}  // namespace agora::migrate
