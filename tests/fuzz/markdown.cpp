// Markdown → HTML through renderMarkdown, the function every post, answer, edit and preview
// goes through. Beyond "no crash, no sanitizer report" it checks the promise Markdown.h makes:
// raw HTML is omitted, so no input can put a <script> element or a javascript: link on a page.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "FuzzCheck.h"
#include "content/Markdown.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    std::string html;
    try {
        html = agora::renderMarkdown(input);
    } catch (const std::logic_error&) {
        throw;  // out_of_range, length_error...: a bug, let libFuzzer report it
    } catch (const std::exception&) {
        return 0;  // a refusal (e.g. a complexity limit) is a valid answer
    }
    std::string lower = fuzz::lowerAscii(html);
    FUZZ_CHECK(lower.find("<script") == std::string::npos, "raw <script> reached the HTML");
    FUZZ_CHECK(lower.find("<iframe") == std::string::npos, "raw <iframe> reached the HTML");
    FUZZ_CHECK(lower.find("href=\"javascript:") == std::string::npos, "javascript: link");
    FUZZ_CHECK(lower.find("src=\"javascript:") == std::string::npos, "javascript: source");
    return 0;
}
