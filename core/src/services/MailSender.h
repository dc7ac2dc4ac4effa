#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mail/OutboxClaims.h"
#include "mail/SmtpUrl.h"

namespace agora {

class Services;
class MailComposer;

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
    struct Options {
        int64_t batch = 200;                                   // mails per claim and SMTP session
        std::chrono::seconds lease = std::chrono::minutes(5);  // a claim's hold on its mails
        std::chrono::seconds retry_base = std::chrono::seconds(30);  // doubles per attempt
        std::chrono::seconds retry_max = std::chrono::hours(6);
        int max_attempts = 10;  // then the mail is marked failed
    };

    // `smtp_url` as AGORA_SMTP_URL (smtp:// or smtps://); throws std::invalid_argument naming
    // what is wrong with it.
    MailSender(Services& services, const std::string& smtp_url);
    MailSender(Services& services, const std::string& smtp_url, Options options);
    ~MailSender();

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
    // One claimed batch over one SMTP session.
    MailSendReport sendBatch(std::vector<mail::ClaimedMail>& batch);
    std::chrono::seconds retryDelay(int attempts) const;

    struct Periodic {
        std::string name;
        std::chrono::seconds every;
        std::function<void(Services&)> task;
        std::chrono::steady_clock::time_point next{};
    };
    Services& services_;
    mail::SmtpUrl smtp_;
    Options options_;
    std::unique_ptr<MailComposer> composer_;
    std::vector<Periodic> periodic_;
};

}  // namespace agora
