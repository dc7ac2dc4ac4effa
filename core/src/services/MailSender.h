#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace agora {

class Services;

// What one pass over the outbox did.
struct MailSendReport {
    int64_t sent = 0;
    int64_t retried = 0;  // failed this time, scheduled again with backoff
    int64_t failed = 0;   // given up on (too many attempts, or a mail that can't be rendered)
};

// Delivers the outbox (network.mail_outbox) over SMTP. Claims due mail in batches with FOR
// UPDATE SKIP LOCKED, pushing next_attempt_at past a lease in the same statement, so several
// senders (every `agora serve`, `agora mail work`) never hold the same mail; renders each in
// its community's theme; sends a batch over one SMTP session; marks it sent, or schedules a
// retry with exponential backoff. Nothing here runs inside a request.
class MailSender {
public:
    // `smtp_url` as AGORA_SMTP_URL (smtp:// or smtps://); throws std::invalid_argument naming
    // what is wrong with it.
    MailSender(Services& services, std::string smtp_url);

    // Sends what is due now (at most `limit`), in batches; returns when nothing due is left.
    MailSendReport drainOnce(int64_t limit = 100000);

    // Tasks the worker loop also runs, each at most once per `every` (the daily digest).
    void addPeriodic(std::string name, std::chrono::seconds every,
                     std::function<void(Services&)> task);
    // Loops until `stop()` returns true: drain, run due periodic tasks, sleep `idle` when
    // there was nothing to send.
    void run(const std::function<bool()>& stop,
             std::chrono::milliseconds idle = std::chrono::milliseconds(500));

private:
    struct Periodic {
        std::string name;
        std::chrono::seconds every;
        std::function<void(Services&)> task;
        std::chrono::steady_clock::time_point next{};
    };
    Services& services_;
    std::string smtp_url_;
    std::vector<Periodic> periodic_;
};

}  // namespace agora
