#include "content/MarkdownScan.h"

#include <algorithm>
#include <cstdint>
#include <string>

namespace agora {

namespace {

bool isSpaceOrTab(char c) {
    return c == ' ' || c == '\t';
}

// cmark's whitespace for ending an autolink.
bool isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string number(int64_t n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
        s.insert(static_cast<size_t>(i), ",");
    return s;
}

MarkdownRefusal refuse(std::string limit, std::string message) {
    return MarkdownRefusal{std::move(limit), std::move(message)};
}

// Cells of a line that could be a table's delimiter row, read from `from`: only spaces, tabs,
// vertical tabs, form feeds, pipes, colons and hyphens, with a hyphen somewhere. 0 otherwise.
int delimiterColumns(std::string_view line, size_t from) {
    int columns = 0;
    bool dash_in_cell = false, any_dash = false;
    for (size_t i = from; i < line.size(); ++i) {
        char c = line[i];
        if (c == '|') {
            columns += dash_in_cell;
            dash_in_cell = false;
        } else if (c == '-') {
            dash_in_cell = any_dash = true;
        } else if (c != ':' && c != ' ' && c != '\t' && c != '\v' && c != '\f') {
            return 0;
        }
    }
    columns += dash_in_cell;
    return any_dash ? columns : 0;
}

// Container markers opening the line, and the widest delimiter-row reading at any point
// between them (a conservative guess at what the containers leave for the table extension).
struct LineShape {
    int nesting = 0;
    int delimiter_columns = 0;
};

LineShape shapeOf(std::string_view line, int max_nesting) {
    LineShape s;
    size_t i = 0;
    s.delimiter_columns = delimiterColumns(line, 0);
    while (true) {
        while (i < line.size() && isSpaceOrTab(line[i]))
            ++i;
        if (i >= line.size())
            break;
        size_t next = i;
        char c = line[i];
        if (c == '>') {
            next = i + 1;
        } else if ((c == '-' || c == '+' || c == '*') &&
                   (i + 1 == line.size() || isSpaceOrTab(line[i + 1]))) {
            next = i + 1;
        } else if (c >= '0' && c <= '9') {
            size_t j = i;
            while (j < line.size() && j - i < 9 && line[j] >= '0' && line[j] <= '9')
                ++j;
            if (j < line.size() && (line[j] == '.' || line[j] == ')') &&
                (j + 1 == line.size() || isSpaceOrTab(line[j + 1])))
                next = j + 1;
        }
        if (next == i)
            break;
        i = next;
        if (++s.nesting > max_nesting)
            return s;  // refused by the caller; don't spend more on this line
        s.delimiter_columns = std::max(s.delimiter_columns, delimiterColumns(line, i));
    }
    return s;
}

int64_t countOf(std::string_view s, std::string_view what) {
    int64_t n = 0;
    for (size_t at = s.find(what); at != std::string_view::npos; at = s.find(what, at + 1))
        ++n;
    return n;
}

std::optional<MarkdownRefusal> scanAutolinks(std::string_view text, const MarkdownLimits& l) {
    int64_t cost = 0;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && isWhitespace(text[i]))
            ++i;
        size_t start = i;
        while (i < text.size() && !isWhitespace(text[i]))
            ++i;
        std::string_view run = text.substr(start, i - start);
        if (run.size() < 4)
            continue;
        int64_t triggers = countOf(run, "www.") + countOf(run, "://") + countOf(run, "@");
        if (triggers == 0)
            continue;
        int64_t parens = countOf(run, ")");
        // Each factor is at most the source size (≤ 2^20 here): the product fits in 63 bits.
        cost += triggers * static_cast<int64_t>(run.size()) * (1 + parens);
        if (cost > l.max_autolink_scan)
            return refuse("autolink_scan",
                          "too many links run together: put spaces between web addresses and "
                          "e-mail addresses (\"www.\", \"://\", \"@\")");
    }
    return std::nullopt;
}

// The line starting at `pos` without its ending (cmark's line endings: \n, \r\n and a lone
// \r); `next` is set to where the following line starts.
std::string_view lineAt(std::string_view text, size_t pos, size_t& next) {
    size_t end = pos;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r')
        ++end;
    next = end;
    if (next < text.size())
        next += (text[next] == '\r' && next + 1 < text.size() && text[next + 1] == '\n') ? 2 : 1;
    return text.substr(pos, end - pos);
}

// Nesting and tables, block by block (a block: the lines since the last blank one).
std::optional<MarkdownRefusal> scanBlocks(std::string_view text, const MarkdownLimits& l) {
    // The current block: lines since the last blank one.
    size_t block_start = 0;
    int block_max_pipes = 0;
    int widest = 0;  // widest delimiter-like line so far in this block; 0: none yet
    int64_t rows = 0, cells = 0, rescan = 0;

    size_t pos = 0;
    while (pos < text.size()) {
        size_t next = 0;
        std::string_view line = lineAt(text, pos, next);

        bool blank = std::all_of(line.begin(), line.end(), isSpaceOrTab);
        if (blank) {
            block_start = next;
            block_max_pipes = 0;
            widest = 0;
            rows = 0;
            pos = next;
            continue;
        }

        auto shape = shapeOf(line, l.max_nesting);
        if (shape.nesting > l.max_nesting)
            return refuse("nesting", "quotes and lists may nest at most " +
                                         std::to_string(l.max_nesting) + " levels deep");
        int pipes = static_cast<int>(std::count(line.begin(), line.end(), '|'));
        block_max_pipes = std::max(block_max_pipes, pipes);

        if (widest > 0)
            ++rows;
        if (shape.delimiter_columns > 0) {
            if (shape.delimiter_columns > l.max_table_columns)
                return refuse(
                    "table_columns",
                    "a table may have at most " + std::to_string(l.max_table_columns) + " columns");
            rescan += static_cast<int64_t>(pos - block_start);
            if (rescan > l.max_header_rescan)
                return refuse("table_header_rescan",
                              "too many lines like \"|---|\" in one paragraph: separate tables "
                              "with a blank line");
            // A one-column table pads nothing: a cell per line, like a paragraph. Counting it
            // would only refuse rules ("---") above long pastes.
            if (shape.delimiter_columns > 1) {
                if (widest == 0)
                    cells += shape.delimiter_columns;  // the header row
                widest = std::max(widest, shape.delimiter_columns);
            }
        }
        if (widest > 0) {
            if (block_max_pipes > l.max_table_columns + 1)
                return refuse("table_columns", "a table row may have at most " +
                                                   std::to_string(l.max_table_columns) +
                                                   " cells (a line near a table has " +
                                                   number(block_max_pipes) + " \"|\")");
            if (rows > l.max_table_rows)
                return refuse("table_rows", "a table may have at most " + number(l.max_table_rows) +
                                                " rows: end it with a blank line");
            cells += widest;
            if (cells > l.max_table_cells)
                return refuse("table_cells", "tables may have at most " +
                                                 number(l.max_table_cells) +
                                                 " cells in all, counting empty ones");
        }
        pos = next;
    }
    return std::nullopt;
}

}  // namespace

std::optional<MarkdownRefusal> scanMarkdown(std::string_view text, const MarkdownLimits& l) {
    if (text.size() > l.max_source_bytes)
        return refuse("source_bytes", "the text is longer than " +
                                          number(static_cast<int64_t>(l.max_source_bytes)) +
                                          " bytes");
    if (auto r = scanAutolinks(text, l))
        return r;
    return scanBlocks(text, l);
}

}  // namespace agora
