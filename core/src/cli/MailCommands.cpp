#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "app/App.h"
#include "cli/Command.h"
#include "mail/SmtpUrl.h"
#include "services/MailSender.h"

namespace agora::cli {

namespace {

// `agora mail work`: a sender on its own (more senders never send a mail twice). --once
// delivers what is due and exits (cron, tests).
int mailWork(const Args& args) {
    auto config = Config::load();
    if (config.smtp_url.empty())
        throw UsageError("AGORA_SMTP_URL is not set: there is nowhere to send mail");
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    App app(config, 4, DbRole::Application);
    app.directory().reload();
    auto sender = app.mailSender(config.smtp_url);
    if (args.has("once")) {
        auto r = sender->drainOnce();
        std::cout << r.sent << " sent, " << r.retried << " to retry, " << r.failed << " failed\n";
        return r.retried + r.failed > 0 ? 1 : 0;
    }
    app.directory().startListening(config.database_url);
    std::atomic<bool> stopping{false};
    std::thread waiter([&] {
        int sig = 0;
        sigwait(&stop, &sig);
        stopping = true;
    });
    spdlog::info("agora mail work: sending to {}",
                 mail::SmtpUrl::parse(config.smtp_url).redacted());
    sender->run([&] { return stopping.load(); });
    waiter.join();
    return 0;
}

// `agora mail status`: the outbox at a glance, for an operator wondering where a mail is.
int mailStatus(const Args&) {
    App app(Config::load(), 2);
    auto conn = app.pool().acquire();
    auto counts = conn->q(
        "SELECT status, count(*), count(*) FILTER (WHERE next_attempt_at <= now()), "
        "coalesce(extract(epoch FROM now() - min(created_at))::bigint, 0) "
        "FROM network.mail_outbox GROUP BY status ORDER BY status");
    std::cout << "status   mails  due now  oldest (s)\n";
    for (int i = 0; i < counts.rows(); ++i)
        std::printf("%-7s %6lld %8lld %11lld\n", counts.str(i, 0).c_str(),
                    static_cast<long long>(counts.i64(i, 1)),
                    static_cast<long long>(counts.i64(i, 2)),
                    static_cast<long long>(counts.i64(i, 3)));
    auto errors = conn->q(
        "SELECT id, status, attempts, last_error FROM network.mail_outbox "
        "WHERE last_error IS NOT NULL AND status <> 'sent' ORDER BY id DESC LIMIT 5");
    if (errors.rows() > 0)
        std::cout << "\nlatest errors:\n";
    for (int i = 0; i < errors.rows(); ++i)
        std::cout << "  #" << errors.i64(i, 0) << " " << errors.str(i, 1) << " after "
                  << errors.i64(i, 2) << " attempt(s): " << errors.str(i, 3) << "\n";
    return 0;
}

}  // namespace

void addMailCommands(std::vector<Command>& commands) {
    commands.push_back({"mail work",
                        "[--once]",
                        "deliver queued mail over AGORA_SMTP_URL (until stopped, or --once)",
                        {},
                        {"once"},
                        mailWork});
    commands.push_back({"mail status",
                        "",
                        "the outbox: mails by status, how many are due, the latest errors",
                        {},
                        {},
                        mailStatus});
}

}  // namespace agora::cli
