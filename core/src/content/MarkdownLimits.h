#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace agora {

// How much work one Markdown text may cost. cmark-gfm 0.29.0.gfm.6 (Debian 12) is linear on
// ordinary text but not on every input: a table header with thousands of columns over
// thousands of one-character lines becomes millions of cells (24 KB → 175 MB of HTML), a row
// with thousands of pipes or a run of "www._www._…" is quadratic, and one long link
// reference used thousands of times is copied for every use. The scan in MarkdownScan bounds
// what can be counted before cmark runs; the memory budget and the output cap in Markdown.cpp
// stop whatever the scan can't foresee. Every figure is far above what a person writes.
struct MarkdownLimits {
    // Source bytes. Callers check their character limits first (limits.body_max at most
    // 100,000 characters); this guards any caller that has none.
    size_t max_source_bytes = 512 * 1024;
    // Containers (">", "-", "*", "+", "1.") opening on one line.
    int max_nesting = 32;
    int max_table_columns = 64;
    // Lines that may belong to one table.
    int max_table_rows = 1000;
    // Cells in all tables together, counting the empty cells cmark adds to short rows.
    int64_t max_table_cells = 20000;
    // Bytes cmark re-reads to find a table's header row (the paragraph above each line that
    // looks like "|---|").
    int64_t max_header_rescan = 2'000'000;
    // Bytes the autolink extension may scan around "www.", "://" and "@" (see MarkdownScan).
    int64_t max_autolink_scan = 2'000'000;
    // Memory cmark may hold at once while parsing and rendering.
    size_t max_memory_bytes = 32 * 1024 * 1024;
    size_t max_html_bytes = 1024 * 1024;
};

// Why a text was refused: `limit` is machine readable ("table_columns"), `message` says it
// to a person.
struct MarkdownRefusal {
    std::string limit;
    std::string message;
};

}  // namespace agora
