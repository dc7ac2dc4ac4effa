// Tenant files (TenantFile::parse, what `agora tenant apply` reads). Malformed input must end
// in a TenantFileError naming file:line, never another exception or a crash; and what
// toToml() writes (`agora tenant export`) must parse back to the same tenant.
#include <cstdint>
#include <string>

#include "FuzzCheck.h"
#include "tenancy/TenantFile.h"

namespace {

bool same(const agora::TenantFile& a, const agora::TenantFile& b) {
    // Settings compared as JSON text: NaN (TOML has it) is never equal to itself.
    return a.slug == b.slug && a.name == b.name && a.hosts == b.hosts && a.theme == b.theme &&
           a.plugins == b.plugins && a.staging_of == b.staging_of &&
           agora::json(a.settings).dump() == agora::json(b.settings).dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    agora::TenantFile f;
    try {
        f = agora::TenantFile::parse(text, "fuzz.toml");
    } catch (const agora::TenantFileError& e) {
        FUZZ_CHECK(std::string(e.what()).rfind("fuzz.toml:", 0) == 0,
                   "a tenant file error does not start with file:");
        return 0;
    }
    std::string exported = f.toToml();
    agora::TenantFile again;
    try {
        again = agora::TenantFile::parse(exported, "exported.toml");
    } catch (const agora::TenantFileError& e) {
        std::fprintf(stderr, "%s\n--- exported:\n%s\n", e.what(), exported.c_str());
        FUZZ_CHECK(false, "toToml() wrote a file that does not parse");
    }
    FUZZ_CHECK(same(f, again), "toToml() does not round-trip");
    return 0;
}
