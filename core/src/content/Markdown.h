#pragma once

#include <string>

#include "content/MarkdownLimits.h"

namespace agora {

// Markdown → HTML with cmark-gfm: raw HTML is omitted and javascript:/vbscript:/file:/data:
// links are dropped (cmark's safe mode, the default). The HTML is rendered once on write and
// stored beside the source, so pages never re-render it.
//
// The work is bounded by `limits` (see MarkdownLimits.h): a text over any of them is refused
// with a 422 whose code is "markdown_too_complex" and whose field is `field`, naming the
// limit in its message. Refusing costs at most one linear scan, or cmark's work up to the
// memory budget. Render before opening a write transaction: it holds no locks.
std::string renderMarkdown(const std::string& markdown, const std::string& field = "body",
                           const MarkdownLimits& limits = {});

}  // namespace agora
