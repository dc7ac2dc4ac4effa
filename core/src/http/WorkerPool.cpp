#include "http/WorkerPool.h"

#include <spdlog/spdlog.h>

#include "http/Dispatcher.h"
#include "http/RequestBuilder.h"
#include "http/ResponseWriter.h"

namespace agora {

WorkerPool::WorkerPool(Services& services, Router& router, AddressSet trusted_proxies,
                       size_t max_queued, std::function<void()> wake)
    : app_(services),
      router_(router),
      trusted_(std::move(trusted_proxies)),
      max_queued_(max_queued),
      wake_(std::move(wake)) {}

WorkerPool::~WorkerPool() {
    stop();
}

void WorkerPool::start(int workers) {
    for (int i = 0; i < workers; ++i)
        threads_.emplace_back([this] { run(); });
}

void WorkerPool::stop() {
    stopping_ = true;
    {
        std::lock_guard lock(jobs_mu_);
        closed_ = true;
    }
    jobs_cv_.notify_all();
    for (auto& t : threads_)
        if (t.joinable())
            t.join();
}

bool WorkerPool::submit(Job&& job) {
    {
        std::lock_guard lock(jobs_mu_);
        if (jobs_.size() >= max_queued_) {
            spdlog::warn("request queue full ({} waiting): answering 503", max_queued_);
            return false;
        }
        jobs_.push_back(std::move(job));
    }
    jobs_cv_.notify_one();
    return true;
}

std::vector<WorkerPool::Done> WorkerPool::takeDone() {
    std::vector<Done> done;
    std::lock_guard lock(done_mu_);
    done.swap(done_);
    return done;
}

void WorkerPool::run() {
    while (true) {
        Job job;
        {
            std::unique_lock lock(jobs_mu_);
            jobs_cv_.wait(lock, [&] { return closed_ || !jobs_.empty(); });
            if (jobs_.empty())
                return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        bool keep_alive = job.keep_alive && !stopping_;
        std::string bytes;
        try {
            auto req = buildRequest(std::move(job.head), std::move(job.body), job.peer, trusted_);
            HttpResponse res;
            Dispatcher(app_, router_).dispatch(req, res);
            bytes = serializeResponse(res, keep_alive, req.method == "HEAD");
        } catch (const std::exception& e) {
            spdlog::error("request failed outside the dispatcher: {}", e.what());
            bytes = errorResponse(500, "internal error", !keep_alive);
        }
        {
            std::lock_guard lock(done_mu_);
            done_.push_back(Done{job.conn_id, std::move(bytes), !keep_alive});
        }
        wake_();
    }
}

}  // namespace agora
