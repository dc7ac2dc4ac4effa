#include "mail/MimeMail.h"

#include <Poco/Net/MailMessage.h>

#include "util/Crypto.h"

namespace agora::mail {

std::string encodedHeaderText(const std::string& text) {
    auto out = Poco::Net::MailMessage::encodeWord(text, "UTF-8");
    while (!out.empty() && (out.back() == ' ' || out.back() == '\r' || out.back() == '\n'))
        out.pop_back();
    return out;
}

std::string mailbox(const std::string& name, const std::string& address) {
    if (name.empty())
        return "<" + address + ">";
    bool ascii = true;
    for (unsigned char c : name)
        if (c > 126 || c < 32)
            ascii = false;
    std::string shown;
    if (ascii) {
        shown = "\"";
        for (char c : name) {
            if (c == '"' || c == '\\')
                shown += '\\';
            shown += c;
        }
        shown += "\"";
    } else {
        shown = encodedHeaderText(name);
    }
    return shown + " <" + address + ">";
}

std::string newMessageId(const std::string& domain) {
    return "<" + crypto::randomToken(18) + "@" + (domain.empty() ? "agora.invalid" : domain) + ">";
}

}  // namespace agora::mail
