#pragma once

#include <string>

namespace agora::mail {

// A mail ready to send: rendered text, addresses and the headers it must carry.
struct MimeMail {
    std::string from_address;
    std::string from_name;  // UTF-8; RFC 2047-encoded when it is not plain ASCII
    std::string to_address;
    std::string to_name;
    std::string subject;
    std::string text;
    std::string html;             // "" = a text-only mail
    std::string message_id;       // "<…@…>"
    std::string unsubscribe_url;  // "" = no List-Unsubscribe headers
};

// `"Name" <address>` for a header: quoted when ASCII, an RFC 2047 encoded word otherwise.
std::string mailbox(const std::string& name, const std::string& address);
// RFC 2047 encoded words for a header value (plain ASCII is returned as it is). Poco's encoder
// folds long text over several lines and, when the text exactly fills the last one, ends with
// an empty folded line, which is not a valid header: that ending is trimmed here.
std::string encodedHeaderText(const std::string& text);
// A fresh Message-ID for mail about `domain`: "<random.hex@domain>".
std::string newMessageId(const std::string& domain);

}  // namespace agora::mail
