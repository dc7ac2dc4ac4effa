#pragma once

#include <string>

namespace agora::migrate {

// One numbered SQL file.
struct Step {
    std::string name;  // e.g. "001_members.sql" or "abilities/001_grants.sql"
    std::string sql;
    std::string checksum;       // sha256 of the file's bytes
    bool transactional = true;  // false when the file says "-- agora:no-transaction"
    // "expand" (default) or "contract" ("-- agora:phase contract"): a contract step drops or
    // renames what the running code no longer uses, so it runs only after that code is gone.
    std::string phase = "expand";
    // "-- agora:shadow TABLE": the online applier runs the statements against a shadow copy of
    // TABLE and swaps it in (ShadowRewrite); a plain apply (new, empty tenants) runs them as is.
    std::string shadow_table;
};

}  // namespace agora::migrate
