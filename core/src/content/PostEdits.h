#pragma once

#include "content/PermissionService.h"
#include "db/PgConnection.h"

namespace agora {

// Edits proposed for a post rather than made by its editor (a plugin's suggested edit,
// applied through the host's edit_post). What a direct edit's permission check refuses for
// everyone but moderators, a proposal refuses for all: a locked post, a deleted one, or an
// answer to a deleted question.
//
// Throws Error::conflict ("locked" or "deleted") for such a post. `post` comes from
// PostService::facts(id, true) on `db`, inside the caller's transaction.
void refuseUneditableProposal(db::PgConnection& db, const PostFacts& post);

}  // namespace agora
