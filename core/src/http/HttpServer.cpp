#include "http/HttpServer.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>
#include <spdlog/spdlog.h>

#include <istream>

#include "http/Dispatcher.h"

namespace agora {

namespace {

constexpr size_t kMaxBody = 1024 * 1024;  // 1 MiB: far above the 30,000-char post limit

class DispatchHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit DispatchHandler(App& app) : app_(app) {}

    void handleRequest(Poco::Net::HTTPServerRequest& in,
                       Poco::Net::HTTPServerResponse& out) override {
        HttpResponse res;
        try {
            HttpRequest req;
            req.method = in.getMethod();
            const std::string& uri = in.getURI();
            auto q = uri.find('?');
            req.path = urlDecode(uri.substr(0, q));
            if (q != std::string::npos) {
                req.query_string = uri.substr(q + 1);
                req.query = parseUrlEncoded(req.query_string);
            }
            for (const auto& [k, v] : in) {
                std::string lower = k;
                for (auto& c : lower)
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                req.headers[lower] = v;
            }
            req.host = in.getHost();
            req.remote = in.clientAddress().host().toString();
            req.cookies = parseCookies(req.header("cookie"));
            bool too_large = in.hasContentLength() &&
                             in.getContentLength64() > static_cast<Poco::Int64>(kMaxBody);
            if (!too_large) {
                std::string body;
                char buf[16384];
                auto& stream = in.stream();
                while (stream.read(buf, sizeof buf) || stream.gcount() > 0) {
                    body.append(buf, static_cast<size_t>(stream.gcount()));
                    if (body.size() > kMaxBody) {
                        too_large = true;
                        break;
                    }
                }
                req.body = std::move(body);
            }
            if (too_large) {
                res.status = 413;
                res.content_type = "application/json";
                res.body = R"({"error":{"code":"too_large","message":"request body over 1 MiB"}})";
                out.setKeepAlive(false);
            } else {
                Dispatcher(app_).dispatch(req, res);
            }
        } catch (const std::exception& e) {
            spdlog::error("request failed before dispatch: {}", e.what());
            res.status = 500;
            res.content_type = "text/plain";
            res.body = "internal error\n";
        }
        try {
            out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(res.status));
            out.setContentType(res.content_type);
            for (const auto& [k, v] : res.headers)
                out.add(k, v);
            // Headers and body in one write: the stream interface would cut a page into 8 KiB
            // sends.
            out.sendBuffer(res.body.data(), res.body.size());
        } catch (const std::exception& e) {
            spdlog::debug("client went away: {}", e.what());
        }
    }

private:
    App& app_;
};

class DispatchFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit DispatchFactory(App& app) : app_(app) {}
    // Never returns null: every request gets the dispatcher, which answers 404 itself.
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new DispatchHandler(app_);
    }

private:
    App& app_;
};

}  // namespace

HttpServer::HttpServer(App& app, int port, int workers) : app_(app) {
    threads_ = std::make_unique<Poco::ThreadPool>(workers, workers);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(workers);
    params->setMaxQueued(1024);
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(0);
    params->setKeepAliveTimeout(Poco::Timespan(10, 0));
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress("0.0.0.0", static_cast<Poco::UInt16>(port)), true);
    socket.listen(1024);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new DispatchFactory(app_), *threads_, socket,
                                                      params);
}

HttpServer::~HttpServer() {
    stop();
}

void HttpServer::start() {
    server_->start();
}

void HttpServer::stop() {
    if (server_)
        server_->stopAll(true);
}

int HttpServer::port() const {
    return server_->port();
}

}  // namespace agora
