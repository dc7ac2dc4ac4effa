#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace agora::test {

// One answer from the server under test, with the accessors assertions need most.
struct HttpResult {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // lower-case names, in order
    std::string body;

    // First value of a header (lower- or mixed-case name); empty when absent.
    std::string header(const std::string& name) const;
    std::vector<std::string> headerValues(const std::string& name) const;

    // The body parsed as JSON; throws with the body in the message when it is not JSON, so a
    // test fails with what the server actually said.
    nlohmann::json json() const;
    bool isJson() const;
    // error.code / error.field of an API error body; empty when absent.
    std::string errorCode() const;
    std::string errorField() const;
    std::string errorMessage() const;

    // The page's <meta name="csrf-token">; empty when the body has none.
    std::string csrfMeta() const;

    // "STATUS: BODY" (body cut short) for assertion messages.
    std::string describe() const;
};

std::ostream& operator<<(std::ostream& out, const HttpResult& r);

}  // namespace agora::test
