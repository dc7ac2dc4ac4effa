#include "plugins/AgoraCall.h"

#include <libpq-fe.h>

#include "http/RequestContext.h"

agora::db::PgConnection& AgoraCall::db() {
    if (ctx)
        return ctx->db();
    if (!conn)
        throw agora::Error::internal("plugin call has no database connection");
    return *conn;
}

bool AgoraCall::inTransaction() {
    return PQtransactionStatus(db().raw()) != PQTRANS_IDLE;
}
