#pragma once

#include <string>

namespace agora {

// Word-level difference of two texts as escaped HTML with <del>/<ins> (dtl's SES), for
// revision history and suggested-edit review.
std::string diffHtml(const std::string& before, const std::string& after);
std::string escapeHtml(const std::string& s);

}  // namespace agora
