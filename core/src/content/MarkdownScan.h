#pragma once

#include <optional>
#include <string_view>

#include "content/MarkdownLimits.h"

namespace agora {

// One linear pass over Markdown source that bounds, from above, what cmark-gfm would build
// from it — before cmark runs. It never under-counts: where it can't tell what cmark will
// decide (is this line inside a code block? does this paragraph become a table header?) it
// counts as if the costly reading won.
//
//  - Nesting: container markers at the start of one line ("> > - 1. x").
//  - Tables: a GFM table starts at a delimiter row ("|---|:-:|") under a paragraph and runs
//    to the next blank line; every row gets as many cells as the delimiter row has columns,
//    however few it writes. So within a run of non-blank lines ("block") that holds a line
//    that could be a delimiter row:
//      columns   = cells of that line (each such line; a one-column table pads nothing,
//                  so it only counts for rescans);
//      rows      = lines after the first such line;
//      cells    += for every line from the first such line on, the widest such line so far
//                  (tables in one block never overlap, so this bounds their sum);
//      pipes     per line ≤ columns + 1 (cmark splits rows in time quadratic in their pipes);
//      rescans  += bytes of the block above each such line (cmark re-reads the paragraph
//                  above to find the header row, once per candidate).
//  - Autolinks: the extension scans from every "www.", "://" and "@" to the end of the
//    whitespace-delimited run, and again once per trailing ")"; cost is bounded by
//    Σ over runs of triggers × length × (1 + ")" count).
std::optional<MarkdownRefusal> scanMarkdown(std::string_view text, const MarkdownLimits& limits);

}  // namespace agora
