#include "content/Markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <memory>
#include <mutex>

namespace agora {

namespace {

struct ParserDeleter {
    void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
    void operator()(cmark_node* n) const { cmark_node_free(n); }
};

}  // namespace

std::string renderMarkdown(const std::string& markdown) {
    static std::once_flag once;
    std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
    // No CMARK_OPT_UNSAFE: raw HTML and dangerous URLs never reach the page.
    const int options = CMARK_OPT_DEFAULT | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE;
    std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(options));
    for (const char* name : {"table", "strikethrough", "autolink", "tasklist"}) {
        if (auto* ext = cmark_find_syntax_extension(name))
            cmark_parser_attach_syntax_extension(parser.get(), ext);
    }
    cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
    std::unique_ptr<cmark_node, NodeDeleter> doc(cmark_parser_finish(parser.get()));
    char* html =
        cmark_render_html(doc.get(), options, cmark_parser_get_syntax_extensions(parser.get()));
    std::string out(html);
    cmark_get_default_mem_allocator()->free(html);
    return out;
}

}  // namespace agora
