#include "services/MailSender.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "mail/SmtpTransport.h"
#include "services/MailComposer.h"
#include "services/Services.h"

namespace agora {

MailSender::MailSender(Services& services, const std::string& smtp_url)
    : MailSender(services, smtp_url, Options{}) {}

MailSender::MailSender(Services& services, const std::string& smtp_url, Options options)
    : services_(services),
      smtp_(mail::SmtpUrl::parse(smtp_url)),
      options_(options),
      composer_(std::make_unique<MailComposer>(services)) {}

MailSender::~MailSender() = default;

std::chrono::seconds MailSender::retryDelay(int attempts) const {
    auto delay = options_.retry_base;
    for (int i = 1; i < attempts && delay < options_.retry_max; ++i)
        delay *= 2;
    return std::min(delay, options_.retry_max);
}

MailSendReport MailSender::drainOnce(int64_t limit) {
    MailSendReport total;
    while (limit > 0) {
        std::vector<mail::ClaimedMail> batch;
        {
            auto conn = services_.pool().acquire();
            batch =
                mail::OutboxClaims::claim(*conn, std::min(limit, options_.batch), options_.lease);
        }
        if (batch.empty())
            break;
        limit -= static_cast<int64_t>(batch.size());
        auto report = sendBatch(batch);
        total.sent += report.sent;
        total.retried += report.retried;
        total.failed += report.failed;
        // A batch that could not reach the server at all: the rest would fail the same way.
        if (report.sent == 0 && report.retried > 0)
            break;
    }
    return total;
}

MailSendReport MailSender::sendBatch(std::vector<mail::ClaimedMail>& batch) {
    MailSendReport report;
    std::vector<std::pair<int64_t, std::string>> sent;
    std::vector<std::pair<const mail::ClaimedMail*, std::string>> retry;
    std::vector<std::pair<int64_t, std::string>> failed;
    std::unique_ptr<mail::SmtpTransport> transport;
    std::string broken;  // why the session is unusable; the rest of the batch waits
    for (const auto& claimed : batch) {
        mail::MimeMail mime;
        try {
            mime = composer_->compose(claimed);
        } catch (const std::exception& e) {
            failed.emplace_back(claimed.id, std::string("cannot render: ") + e.what());
            continue;
        }
        if (!broken.empty()) {
            retry.emplace_back(&claimed, broken);
            continue;
        }
        try {
            if (!transport)
                transport = std::make_unique<mail::SmtpTransport>(smtp_);
            transport->send(mime);
            sent.emplace_back(claimed.id, mime.message_id);
        } catch (const std::exception& e) {
            // Poco's SMTP errors don't say whether the session survived: start a new one for
            // the next mail, and keep this one for a retry.
            retry.emplace_back(&claimed, e.what());
            if (!transport)
                broken = std::string("cannot reach ") + smtp_.redacted() + ": " + e.what();
            transport.reset();
        }
    }
    if (transport) {
        try {
            transport->close();
        } catch (const std::exception&) {
            // Every mail was accepted before QUIT; a failed goodbye changes nothing.
        }
    }
    auto conn = services_.pool().acquire();
    mail::OutboxClaims::markSent(*conn, sent);
    for (const auto& [claimed, why] : retry) {
        if (claimed->attempts >= options_.max_attempts) {
            failed.emplace_back(claimed->id, why);
            continue;
        }
        mail::OutboxClaims::markRetry(*conn, claimed->id, why, retryDelay(claimed->attempts));
        ++report.retried;
    }
    for (const auto& [id, why] : failed)
        mail::OutboxClaims::markFailed(*conn, id, why);
    report.sent = static_cast<int64_t>(sent.size());
    report.failed = static_cast<int64_t>(failed.size());
    if (!retry.empty())
        spdlog::warn("mail: {} sent, {} to retry ({})", report.sent, report.retried,
                     retry.front().second);
    return report;
}

void MailSender::addPeriodic(std::string name, std::chrono::seconds every,
                             std::function<void(Services&)> task) {
    periodic_.push_back({std::move(name), every, std::move(task), {}});
}

void MailSender::run(const std::function<bool()>& stop, std::chrono::milliseconds idle) {
    while (!stop()) {
        MailSendReport report;
        try {
            report = drainOnce(options_.batch * 5);
        } catch (const std::exception& e) {
            // PostgreSQL away: nothing is lost (the outbox is there when it returns).
            spdlog::warn("mail: cannot read the outbox: {}", e.what());
        }
        auto now = std::chrono::steady_clock::now();
        for (auto& p : periodic_) {
            if (now < p.next)
                continue;
            p.next = now + p.every;
            try {
                p.task(services_);
            } catch (const std::exception& e) {
                spdlog::warn("mail: {} failed: {}", p.name, e.what());
            }
        }
        if (report.sent + report.failed == 0) {
            // Sleep in slices so a stop request is seen promptly.
            auto until = std::chrono::steady_clock::now() + idle;
            while (!stop() && std::chrono::steady_clock::now() < until)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
}

}  // namespace agora
