// agora_bench_mail — what mail costs, printed as "label|value|unit" lines (ops/bench mail lays
// them out).
//
//   agora_bench_mail --smtp URL [--samples N] [--mails N]
//       1. The cost of queueing a mail inside a request's transaction: the write an answer
//          makes that notifies someone (BEGIN; INSERT a notification; COMMIT), with and
//          without MailOutbox::enqueue in it, interleaved in one loop so both see the machine
//          at the same moment. p50/p99/mean of each and the p50/mean difference.
//       2. The sender's throughput: N mails queued in one transaction, then MailSender
//          drains them into the SMTP server at URL (ops/bench runs the capture server).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/App.h"
#include "db/PgConnection.h"
#include "mail/MailOutbox.h"
#include "network/TenantService.h"
#include "services/MailSender.h"
#include "tenancy/TenantNames.h"
#include "util/Config.h"
#include "util/Crypto.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Stats {
    double p50, p99, mean;
};

Stats stats(std::vector<double> us) {
    std::sort(us.begin(), us.end());
    double sum = 0;
    for (double v : us)
        sum += v;
    auto at = [&](double p) { return us[std::min(us.size() - 1, size_t(p * us.size()))]; };
    return {at(0.5), at(0.99), sum / us.size()};
}

template <typename F>
double timed(F&& f) {
    auto a = Clock::now();
    f();
    return std::chrono::duration<double, std::micro>(Clock::now() - a).count();
}

agora::mail::OutgoingMail answerMail(int64_t tenant_id, int i) {
    agora::mail::OutgoingMail m;
    m.tenant_id = tenant_id;
    m.to_address = "member" + std::to_string(i % 1000) + "@bench.test";
    m.to_name = "Member " + std::to_string(i % 1000);
    m.kind = "answer";
    m.template_name = "message";
    m.data = {{"subject", "New answer to your question " + std::to_string(i)},
              {"paragraphs", {"Somebody answered your question."}},
              {"link", "/questions/" + std::to_string(i)},
              {"link_label", "Read the answer"}};
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    int samples = 3000, mails = 10000;
    std::string smtp;
    for (int i = 1; i + 1 < argc; ++i) {
        std::string a = argv[i];
        if (a == "--samples")
            samples = std::atoi(argv[i + 1]);
        else if (a == "--mails")
            mails = std::atoi(argv[i + 1]);
        else if (a == "--smtp")
            smtp = argv[i + 1];
    }
    if (smtp.empty()) {
        std::fprintf(stderr, "usage: agora_bench_mail --smtp URL [--samples N] [--mails N]\n");
        return 2;
    }
    auto config = agora::Config::load();
    agora::App app(config, 4, agora::DbRole::Application);
    app.initNetwork();
    agora::TenantFile f;
    f.slug = "bench-" + agora::crypto::randomToken(4);
    for (auto& c : f.slug)
        c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : 'x';
    f.name = "Mail bench";
    f.hosts = {f.slug + ".bench.test"};
    auto tenant_id = agora::TenantService(app, app.plugins()).add(f);
    app.directory().reload();
    auto schema = agora::tenantSchemaFor(f.slug);

    auto lease = app.pool().acquire();
    auto& c = *lease;
    c.useSchema(schema);
    c.q("INSERT INTO members (id, username, display_name) VALUES (1, 'bench', 'Bench')");
    std::vector<double> off, on;
    auto write = [&](bool with_mail, int i) {
        agora::db::Transaction tx(c);
        c.q("INSERT INTO notifications (member_id, kind, text, link) VALUES (1, 'answer', $1, $2)",
            "New answer " + std::to_string(i), "/questions/" + std::to_string(i));
        if (with_mail)
            agora::mail::MailOutbox::enqueue(c, answerMail(tenant_id, i));
        tx.commit();
    };
    for (int i = 0; i < 200; ++i)  // warm: prepared statements, caches
        write(i % 2 == 0, i);
    for (int i = 0; i < samples; ++i) {
        off.push_back(timed([&] { write(false, i); }));
        on.push_back(timed([&] { write(true, i); }));
    }
    auto a = stats(off), b = stats(on);
    std::printf("transaction without mail p50|%.1f|µs\n", a.p50);
    std::printf("transaction without mail p99|%.1f|µs\n", a.p99);
    std::printf("transaction with mail queued p50|%.1f|µs\n", b.p50);
    std::printf("transaction with mail queued p99|%.1f|µs\n", b.p99);
    std::printf("added by queueing p50|%.1f|µs\n", b.p50 - a.p50);
    std::printf("added by queueing mean|%.1f|µs\n", b.mean - a.mean);

    // Only the throughput run's mails in the outbox: drain what the latency run queued first
    // (not timed), then queue `mails` and time the drain.
    agora::MailSender sender(app, smtp);
    sender.drainOnce();
    {
        agora::db::Transaction tx(c);
        for (int i = 0; i < mails; ++i)
            agora::mail::MailOutbox::enqueue(c, answerMail(tenant_id, i));
        tx.commit();
    }
    agora::MailSendReport report;
    double seconds = timed([&] { report = sender.drainOnce(); }) / 1e6;
    std::printf("mails drained|%lld|mails\n", static_cast<long long>(report.sent));
    std::printf("drain time|%.2f|s\n", seconds);
    std::printf("sender throughput|%.0f|mails/s\n", report.sent / seconds);
    return report.sent == mails ? 0 : 1;
}
