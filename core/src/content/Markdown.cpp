#include "content/Markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <csetjmp>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "content/MarkdownScan.h"
#include "util/Error.h"

namespace agora {

namespace {

// cmark allocates through a cmark_mem table, and offers no way to stop a parse half-way. This
// allocator keeps every block cmark holds in one list and counts their bytes: when a request
// would take it past the budget it jumps back to renderBounded, which frees the whole list.
// cmark is C, so no destructor is skipped between the setjmp and the longjmp; its only global
// state (the extension registry) is written once, before any parser exists.
struct BlockHeader {
    BlockHeader* prev;
    BlockHeader* next;
    size_t size;
    size_t pad;  // keeps the payload 16-byte aligned, as malloc's is
};

struct Budget;
thread_local Budget* t_budget = nullptr;

struct Budget {
    BlockHeader head{&head, &head, 0, 0};
    size_t live = 0;
    size_t limit = 0;
    std::jmp_buf* escape = nullptr;

    void link(BlockHeader* b) {
        b->next = head.next;
        b->prev = &head;
        head.next->prev = b;
        head.next = b;
    }
    static void unlink(BlockHeader* b) {
        b->prev->next = b->next;
        b->next->prev = b->prev;
    }
    Budget() = default;
    Budget(const Budget&) = delete;
    Budget& operator=(const Budget&) = delete;
    // Also runs when copying the HTML out throws: nothing cmark held outlives the call.
    ~Budget() {
        releaseAll();
        if (t_budget == this)
            t_budget = nullptr;
    }

    void releaseAll() {
        while (head.next != &head) {
            BlockHeader* b = head.next;
            unlink(b);
            std::free(b);
        }
        live = 0;
    }
};

[[noreturn]] void overBudget() {
    std::longjmp(*t_budget->escape, 1);
}

void* budgetCalloc(size_t count, size_t size) {
    Budget& b = *t_budget;
    if (size != 0 && count > (b.limit - b.live) / size)
        overBudget();
    size_t bytes = count * size;
    auto* h = static_cast<BlockHeader*>(std::calloc(1, sizeof(BlockHeader) + bytes));
    if (!h)
        overBudget();
    h->size = bytes;
    b.link(h);
    b.live += bytes;
    return h + 1;
}

void* budgetRealloc(void* p, size_t bytes) {
    if (!p)
        return budgetCalloc(1, bytes);
    Budget& b = *t_budget;
    auto* h = static_cast<BlockHeader*>(p) - 1;
    if (bytes > h->size && bytes - h->size > b.limit - b.live)
        overBudget();
    Budget::unlink(h);
    auto* moved = static_cast<BlockHeader*>(std::realloc(h, sizeof(BlockHeader) + bytes));
    if (!moved) {
        b.link(h);
        overBudget();
    }
    b.live = b.live - moved->size + bytes;
    moved->size = bytes;
    b.link(moved);
    return moved + 1;
}

void budgetFree(void* p) {
    if (!p)
        return;
    auto* h = static_cast<BlockHeader*>(p) - 1;
    Budget::unlink(h);
    t_budget->live -= h->size;
    std::free(h);
}

cmark_mem kBudgetMem = {budgetCalloc, budgetRealloc, budgetFree};

const int kOptions = CMARK_OPT_DEFAULT | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE;

// Parses and renders within `budget`; false when it ran out. Only trivially destructible
// locals here: a longjmp lands in this frame.
bool renderBounded(Budget& budget, const std::string& markdown, std::string& html) {
    std::jmp_buf escape;
    budget.escape = &escape;
    t_budget = &budget;
    if (setjmp(escape) != 0) {
        budget.releaseAll();
        t_budget = nullptr;
        return false;
    }
    // No CMARK_OPT_UNSAFE: raw HTML and dangerous URLs never reach the page.
    cmark_parser* parser = cmark_parser_new_with_mem(kOptions, &kBudgetMem);
    for (const char* name : {"table", "strikethrough", "autolink", "tasklist"}) {
        if (auto* ext = cmark_find_syntax_extension(name))
            cmark_parser_attach_syntax_extension(parser, ext);
    }
    cmark_parser_feed(parser, markdown.data(), markdown.size());
    cmark_node* doc = cmark_parser_finish(parser);
    char* out = cmark_render_html_with_mem(doc, kOptions,
                                           cmark_parser_get_syntax_extensions(parser), &kBudgetMem);
    cmark_node_free(doc);
    cmark_parser_free(parser);
    html.assign(out);
    budgetFree(out);
    t_budget = nullptr;
    return true;
}

std::string bytesText(size_t n) {
    if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
        return std::to_string(n / (1024 * 1024)) + " MiB";
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
        s.insert(static_cast<size_t>(i), ",");
    return s + " bytes";
}

Error tooComplex(const std::string& field, const std::string& message) {
    Error e(ErrorCode::Invalid, "markdown_too_complex", field + ": " + message);
    e.withField(field);
    return e;
}

}  // namespace

std::string renderMarkdown(const std::string& markdown, const std::string& field,
                           const MarkdownLimits& limits) {
    static std::once_flag once;
    std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
    if (auto refusal = scanMarkdown(markdown, limits))
        throw tooComplex(field, refusal->message);
    Budget budget;
    budget.limit = limits.max_memory_bytes;
    std::string html;
    if (!renderBounded(budget, markdown, html))
        throw tooComplex(field, "the text needs more than " + bytesText(limits.max_memory_bytes) +
                                    " to render (a link reference used very often?)");
    if (html.size() > limits.max_html_bytes)
        throw tooComplex(field, "the text renders to more than " +
                                    bytesText(limits.max_html_bytes) + " of HTML");
    return html;
}

}  // namespace agora
