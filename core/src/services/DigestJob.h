#pragma once

#include <cstdint>

namespace agora {

class Services;

// The daily digest: for each account, ONE mail (template `digest`) listing its unread
// notifications from every community it belongs to (staging copies and disabled communities
// excepted) that arrived since its last digest, of the types it has set to "digest". Nothing
// new: no mail. An account gets at most one digest a day however often this runs: the end of
// the window a digest covers is recorded in network.notification_mail in the transaction that
// queues it, and only a run more than 23 hours later claims the account again (so an hourly
// run does not drift later each day), which also keeps two servers running it at once from
// mailing twice. It also forgets unsubscribe tokens a year old. Returns how many digests were
// queued. Registered with the mail sender as the periodic task "digest".
int64_t runDigests(Services& services);

}  // namespace agora
