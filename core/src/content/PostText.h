#pragma once

#include <string>

namespace agora {

// Without leading and trailing blanks (spaces, tabs, line breaks): titles and comments are
// stored trimmed.
std::string trimText(const std::string& s);

}  // namespace agora
