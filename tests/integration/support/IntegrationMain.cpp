#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "support/IntegrationTest.h"

namespace {

// Stops the shared server while gtest and the process are still fully alive, rather than
// leaving its threads to static destruction order.
class ServerEnvironment : public ::testing::Environment {
public:
    void TearDown() override { agora::test::IntegrationTest::stopServer(); }
};

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    // Expected failures (Redis stopped on purpose, refused requests) log warnings; keep the
    // output to what helps read a failing test.
    spdlog::set_level(spdlog::level::err);
    ::testing::AddGlobalTestEnvironment(new ServerEnvironment);
    return RUN_ALL_TESTS();
}
