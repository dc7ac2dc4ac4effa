// agora_bench_faults — the mixed load `ops/bench faults` runs while it kills and restarts
// Redis, PostgreSQL and the server. Every request is logged, one line each, to OUT:
//   start_us end_us client kind status id
// (wall-clock microseconds, so the script can place each request in the phase it started in;
// status 0 = no answer at all: refused, reset or timed out; id = the row an acknowledged write
// created, 0 otherwise). It runs until the file STOP exists.
//
//   agora_bench_faults --port P --host H --tokens FILE --questions ID,ID,... --out OUT
//                      --stop STOP [--writers N] [--readers N] [--anonymous N]
//                      [--checkers N] [--think-ms MS] [--timeout-s S]
// FILE: one "member_id token" per line. Writers, signed-in readers and ability checkers take
// them in turn; the anonymous readers send no credentials.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <nlohmann/json.hpp>

namespace {

using json = nlohmann::json;

int64_t nowMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Options {
    int port = 0;
    std::string host, tokens_file, out, stop;
    std::vector<int64_t> questions;
    int writers = 3, readers = 2, anonymous = 2, checkers = 1;
    int think_ms = 25, timeout_s = 15;
};

struct Member {
    int64_t id = 0;
    std::string token;
};

struct Answer {
    int status = 0;
    std::string body;
};

// One keep-alive connection per client, rebuilt after any transport error (the server may
// have been killed), so a failure is one logged request, never a stuck client.
class Client {
public:
    Client(const Options& o, std::string token) : o_(o), token_(std::move(token)) {}

    Answer send(const std::string& method, const std::string& path, const std::string& body = "") {
        Answer a;
        try {
            if (!session_) {
                session_ = std::make_unique<Poco::Net::HTTPClientSession>(
                    "127.0.0.1", static_cast<Poco::UInt16>(o_.port));
                session_->setTimeout(Poco::Timespan(o_.timeout_s, 0));
                session_->setKeepAlive(true);
            }
            Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
            req.setHost(o_.host);
            req.setKeepAlive(true);
            if (!token_.empty())
                req.set("Authorization", "Bearer " + token_);
            if (!body.empty()) {
                req.setContentType("application/json");
                req.setContentLength(static_cast<std::streamsize>(body.size()));
            }
            session_->sendRequest(req) << body;
            Poco::Net::HTTPResponse res;
            Poco::StreamCopier::copyToString(session_->receiveResponse(res), a.body);
            a.status = static_cast<int>(res.getStatus());
            if (!res.getKeepAlive())
                session_.reset();
        } catch (const std::exception&) {
            a.status = 0;
            session_.reset();
        }
        return a;
    }

private:
    const Options& o_;
    std::string token_;
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

bool stopRequested(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

std::vector<int64_t> parseIds(const std::string& s) {
    std::vector<int64_t> out;
    std::stringstream in(s);
    for (std::string part; std::getline(in, part, ',');)
        if (!part.empty())
            out.push_back(std::stoll(part));
    return out;
}

int64_t idOf(const Answer& a) {
    try {
        auto j = json::parse(a.body);
        if (j.is_object() && j.contains("id") && j["id"].is_number_integer())
            return j["id"].get<int64_t>();
    } catch (const std::exception&) {
    }
    return 0;
}

std::mutex log_mutex;

void run(const Options& o, const std::string& name, const Member& m, std::ostream& log) {
    Client c(o, m.token);
    std::vector<std::string> lines;
    size_t n = 0;
    auto record = [&](int64_t start, const std::string& kind, int status, int64_t id) {
        std::ostringstream line;
        line << start << ' ' << nowMicros() << ' ' << name << ' ' << kind << ' ' << status << ' '
             << id << '\n';
        lines.push_back(line.str());
        if (lines.size() >= 50) {
            std::lock_guard lock(log_mutex);
            for (const auto& l : lines)
                log << l;
            log.flush();
            lines.clear();
        }
    };
    while (!stopRequested(o.stop)) {
        int64_t q = o.questions[n % o.questions.size()];
        std::string qs = std::to_string(q);
        int64_t start = nowMicros();
        if (name.rfind("writer", 0) == 0) {
            // Answers and comments in turn; each body unique so a lost one can't hide.
            std::string tag = name + "-" + std::to_string(n) + "-" + std::to_string(start);
            if (n % 2 == 0) {
                auto a = c.send("POST", "/api/v1/questions/" + qs + "/answers",
                                json{{"body", "An answer written under faults, " + tag}}.dump());
                record(start, "answer", a.status, a.status == 201 ? idOf(a) : 0);
            } else {
                auto a = c.send("POST", "/api/v1/posts/" + qs + "/comments",
                                json{{"body", "A comment under faults " + tag}}.dump());
                record(start, "comment", a.status, a.status == 201 ? idOf(a) : 0);
            }
        } else if (name.rfind("reader", 0) == 0) {
            if (n % 2 == 0)
                record(start, "read_api", c.send("GET", "/api/v1/questions/" + qs).status, 0);
            else
                record(start, "read_me", c.send("GET", "/api/v1/me").status, 0);
        } else if (name.rfind("anon", 0) == 0) {
            if (n % 2 == 0)
                record(start, "page", c.send("GET", "/questions/" + qs).status, 0);
            else
                record(start, "list", c.send("GET", "/api/v1/questions").status, 0);
        } else {
            auto path = "/api/v1/users/" + std::to_string(m.id) + "/abilities";
            record(start, "abilities", c.send("GET", path).status, 0);
        }
        ++n;
        std::this_thread::sleep_for(std::chrono::milliseconds(o.think_ms));
    }
    std::lock_guard lock(log_mutex);
    for (const auto& l : lines)
        log << l;
    log.flush();
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    std::map<std::string, std::string> args;
    for (int i = 1; i + 1 < argc; i += 2)
        args[argv[i]] = argv[i + 1];
    auto get = [&](const std::string& k, const std::string& fallback = "") {
        auto it = args.find(k);
        return it == args.end() ? fallback : it->second;
    };
    try {
        o.port = std::stoi(get("--port", "0"));
        o.host = get("--host");
        o.tokens_file = get("--tokens");
        o.out = get("--out");
        o.stop = get("--stop");
        o.questions = parseIds(get("--questions"));
        o.writers = std::stoi(get("--writers", "3"));
        o.readers = std::stoi(get("--readers", "2"));
        o.anonymous = std::stoi(get("--anonymous", "2"));
        o.checkers = std::stoi(get("--checkers", "1"));
        o.think_ms = std::stoi(get("--think-ms", "25"));
        o.timeout_s = std::stoi(get("--timeout-s", "15"));
    } catch (const std::exception&) {
        o.port = 0;
    }
    std::vector<Member> members;
    std::ifstream tokens(o.tokens_file);
    for (Member m; tokens >> m.id >> m.token;)
        members.push_back(m);
    if (!o.port || o.host.empty() || o.out.empty() || o.stop.empty() || o.questions.empty() ||
        members.empty()) {
        std::cerr << "usage: agora_bench_faults --port P --host H --tokens FILE --questions "
                     "ID,... --out OUT --stop STOP [--writers N] [--readers N] [--anonymous N] "
                     "[--checkers N] [--think-ms MS] [--timeout-s S]\n";
        return 2;
    }
    std::ofstream log(o.out, std::ios::app);
    std::vector<std::thread> threads;
    size_t next = 0;
    auto member = [&] { return members[next++ % members.size()]; };
    for (int i = 0; i < o.writers; ++i)
        threads.emplace_back(run, std::cref(o), "writer" + std::to_string(i), member(),
                             std::ref(log));
    for (int i = 0; i < o.readers; ++i)
        threads.emplace_back(run, std::cref(o), "reader" + std::to_string(i), member(),
                             std::ref(log));
    for (int i = 0; i < o.checkers; ++i)
        threads.emplace_back(run, std::cref(o), "checker" + std::to_string(i), member(),
                             std::ref(log));
    for (int i = 0; i < o.anonymous; ++i)
        threads.emplace_back(run, std::cref(o), "anon" + std::to_string(i), Member{},
                             std::ref(log));
    for (auto& t : threads)
        t.join();
    return 0;
}
