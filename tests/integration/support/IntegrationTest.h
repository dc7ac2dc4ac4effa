#pragma once

#include <gtest/gtest.h>

#include "support/HttpClient.h"
#include "support/TestServer.h"

namespace agora::test {

using json = nlohmann::json;

// Base fixture: one in-process server per test binary run, started on first use and stopped
// after the last test. Each test makes its own tenants and users, so tests stay independent
// even though they share the server.
//
//   class QuestionsApiTest : public IntegrationTest {};
//   TEST_F(QuestionsApiTest, AskReturns201) {
//       auto t = server().createTenant("qa");
//       auto api = server().apiClient(t, server().createUser(t));
//       EXPECT_EQ(api.post("/api/v1/questions", {{"title", "..."}}).status, 201);
//   }
class IntegrationTest : public ::testing::Test {
public:
    static TestServer& server();
    // Stops the shared server (the test environment calls it once at the end).
    static void stopServer();

protected:
    void SetUp() override;
};

}  // namespace agora::test
