#include "content/PostEdits.h"

#include "util/Error.h"

namespace agora {

void refuseUneditableProposal(db::PgConnection& db, const PostFacts& post) {
    if (post.locked)
        throw Error::conflict("locked", "the post is locked: no edits");
    bool deleted = post.deleted || !db.q("SELECT 1 FROM posts p JOIN posts q ON q.id = p.parent_id "
                                         "WHERE p.id = $1 AND q.deleted_at IS NOT NULL",
                                         post.id)
                                        .empty();
    if (deleted)
        throw Error::conflict("deleted", "the post is deleted: no edits");
}

}  // namespace agora
