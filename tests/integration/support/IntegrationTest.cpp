#include "support/IntegrationTest.h"

#include <cstdlib>
#include <memory>

namespace agora::test {

namespace {
std::unique_ptr<TestServer>& shared() {
    static std::unique_ptr<TestServer> server;
    return server;
}
}  // namespace

TestServer& IntegrationTest::server() {
    auto& s = shared();
    if (!s)
        s = std::make_unique<TestServer>();
    return *s;
}

void IntegrationTest::stopServer() {
    shared().reset();
}

void IntegrationTest::SetUp() {
    // Fail, never skip: under ops/test these are always set, and a green run that tested
    // nothing would hide a broken CI set-up.
    ASSERT_NE(std::getenv("AGORA_DATABASE_URL"), nullptr)
        << "AGORA_DATABASE_URL is not set: integration tests need the PostgreSQL and Redis "
           "that ops/test starts (run `ops/test -L integration`)";
    try {
        server();
    } catch (const std::exception& e) {
        FAIL() << "could not start the test server: " << e.what();
    }
}

}  // namespace agora::test
