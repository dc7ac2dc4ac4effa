#pragma once

#include <string>

namespace agora {

// Markdown → HTML with cmark-gfm: raw HTML is omitted and javascript:/vbscript:/file:/data:
// links are dropped (cmark's safe mode, the default). The HTML is rendered once on write and
// stored beside the source, so pages never re-render it.
std::string renderMarkdown(const std::string& markdown);

}  // namespace agora
