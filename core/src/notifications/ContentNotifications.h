#pragma once

#include <string>

#include "content/EventBus.h"

namespace agora {

// Core's own notifications: an answer to your question (post.answered) and a comment on your
// post (post.commented). They are heard on the content events post.created and
// comment.created, whose handlers run inside the transaction that writes the answer or
// comment, so the notification and any mail it queues commit or roll back with it. Nobody is
// notified of their own answer or comment, and a staging copy notifies no one.
void subscribeContentNotifications(EventBus& events, std::string public_url);

}  // namespace agora
