#pragma once

#include "SuggestionStore.h"

namespace agora::reviews {

// One suggestion as the API lists it: who, what state, and per changed field the value before
// and after with a word diff (pending: against the post as it is now; decided: against the
// post as the suggester saw it).
json suggestionJson(const Call& call, const Suggestion& s);

// The same plus the whole post three ways — when suggested ("base"), now ("current") and as
// suggested — and, while it is pending and the post has moved on, what changed meanwhile.
json suggestionDetailJson(const Call& call, const Suggestion& s);

}  // namespace agora::reviews
