#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/HttpParser.h"
#include "http/Router.h"
#include "services/Services.h"
#include "util/AddressSet.h"

namespace agora {

// The workers behind the event loop: they run complete requests through the Dispatcher and
// hand back the bytes to send. They never touch a socket; `wake` tells the loop answers wait.
class WorkerPool {
public:
    // A complete request on its way to a worker, and the bytes of its answer on the way back.
    struct Job {
        uint64_t conn_id;
        RequestHead head;
        std::string body;
        std::string peer;
        bool keep_alive;
    };
    struct Done {
        uint64_t conn_id;
        std::string bytes;
        bool close;
    };

    WorkerPool(Services& services, Router& router, AddressSet trusted_proxies, size_t max_queued,
               std::function<void()> wake);
    ~WorkerPool();

    void start(int workers);
    // Lets running requests finish, then joins the workers. Idempotent.
    void stop();
    // False when the queue is full (the caller answers 503 itself).
    bool submit(Job&& job);
    std::vector<Done> takeDone();

private:
    void run();

    Services& app_;
    Router& router_;
    AddressSet trusted_;
    size_t max_queued_;
    std::function<void()> wake_;
    std::atomic<bool> stopping_{false};
    std::vector<std::thread> threads_;
    std::mutex jobs_mu_;
    std::condition_variable jobs_cv_;
    std::deque<Job> jobs_;
    bool closed_ = false;
    std::mutex done_mu_;
    std::vector<Done> done_;
};

}  // namespace agora
