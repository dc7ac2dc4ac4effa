#pragma once

#include <memory>

#include "app/App.h"

namespace Poco::Net {
class HTTPServer;
}
namespace Poco {
class ThreadPool;
}

namespace agora {

// Poco::Net on the outside, Dispatcher on the inside.
class HttpServer {
public:
    HttpServer(App& app, int port, int workers);
    ~HttpServer();
    void start();
    void stop();
    int port() const;

private:
    App& app_;
    std::unique_ptr<Poco::ThreadPool> threads_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace agora
