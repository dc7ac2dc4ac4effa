#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "app/App.h"
#include "cli/Command.h"
#include "http/HttpServer.h"
#include "services/MailSender.h"

namespace agora::cli {

namespace {

int serve(const Args& args) {
    auto config = Config::load();
    int port = args.integer("port", 8080);
    int workers = args.integer("workers", config.workers > 0 ? config.workers : 16);
    if (workers < 1 || workers > 512)
        throw UsageError("--workers must be 1..512");
    // Block the stop signals in every thread; the main thread waits for them below.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);

    // Requests run as the application role; the owner's connections only for network init and
    // enabling plugins from the admin page (see App::ownerPool).
    App app(config, static_cast<size_t>(workers) + 2, DbRole::Application);
    app.initNetwork();
    app.prepareServing();
    app.directory().reload();
    app.directory().startListening(config.database_url);
    HttpServer server(app, app.router(), port, workers);
    server.start();
    // Mail goes out beside the requests, never inside one: a thread drains the outbox.
    std::atomic<bool> stopping{false};
    std::unique_ptr<MailSender> sender;
    std::thread mail_thread;
    if (!config.smtp_url.empty()) {
        sender = app.mailSender(config.smtp_url);
        mail_thread = std::thread([&] { sender->run([&] { return stopping.load(); }); });
    } else {
        spdlog::warn("AGORA_SMTP_URL is not set: mail stays queued in the outbox");
    }
    spdlog::info("agora serving {} communities on port {} with {} workers",
                 app.directory().all().size(), server.port(), workers);
    std::cout << "listening on http://localhost:" << server.port() << std::endl;
    int sig = 0;
    sigwait(&stop, &sig);
    spdlog::info("signal {}: stopping", sig);
    server.stop();
    stopping = true;
    if (mail_thread.joinable())
        mail_thread.join();
    return 0;
}

int networkInit(const Args&) {
    App app(Config::load(), 2);
    app.initNetwork();
    std::cout << "network schema is up to date\n";
    return 0;
}

}  // namespace

void addServeCommands(std::vector<Command>& commands) {
    commands.push_back({"serve",
                        "[--port N] [--workers N]",
                        "run the web server for every active tenant",
                        {"port", "workers"},
                        {},
                        serve});
    commands.push_back({"network init",
                        "",
                        "create or update the network schema (idempotent)",
                        {},
                        {},
                        networkInit});
}

}  // namespace agora::cli
