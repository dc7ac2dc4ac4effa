#include "support/CaptureSmtp.h"

#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/StreamCopier.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/TestServer.h"

namespace agora::test {

namespace {

namespace fs = std::filesystem;

// A port nobody listens on right now: bind to 0, read it back, close.
int freeLoopbackPort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        throw std::runtime_error("no free loopback port");
    close(fd);
    return ntohs(addr.sin_port);
}

bool accepting(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// Headers of the message (unfolded), names lower-cased.
std::map<std::string, std::string> parseHeaders(const std::string& raw) {
    std::map<std::string, std::string> headers;
    std::istringstream in(raw);
    std::string line, name;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            break;
        if ((line[0] == ' ' || line[0] == '\t') && !name.empty()) {
            auto start = line.find_first_not_of(" \t");
            if (start != std::string::npos)
                headers[name] += " " + line.substr(start);
            continue;
        }
        auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        name = lower(line.substr(0, colon));
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        headers[name] = value;
    }
    return headers;
}

// Keeps each decoded part by its content type.
class KeepParts : public Poco::Net::PartHandler {
public:
    std::map<std::string, std::string> parts;
    void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
        std::string body;
        Poco::StreamCopier::copyToString(stream, body);
        auto type = lower(header.get("Content-Type", "text/plain"));
        parts[type.substr(0, type.find(';'))] += body;
    }
};

std::map<std::string, std::string> decodedParts(const std::string& raw) {
    std::istringstream in(raw);
    Poco::Net::MailMessage message;
    KeepParts handler;
    message.read(in, handler);
    if (handler.parts.empty())
        handler.parts["text/plain"] = message.getContent();
    return handler.parts;
}

}  // namespace

std::string CapturedMail::text() const {
    auto parts = decodedParts(raw);
    return parts.count("text/plain") ? parts["text/plain"] : "";
}

std::string CapturedMail::html() const {
    auto parts = decodedParts(raw);
    return parts.count("text/html") ? parts["text/html"] : "";
}

const std::string& CapturedMail::header(const std::string& name) const {
    static const std::string none;
    auto it = headers.find(lower(name));
    return it == headers.end() ? none : it->second;
}

std::string CapturedMail::linkContaining(const std::string& path_prefix) const {
    static const std::regex link(R"(https?://[^\s"'<>]+)");
    auto body = text();
    for (std::sregex_iterator it(body.begin(), body.end(), link), end; it != end; ++it)
        if (it->str().find(path_prefix) != std::string::npos)
            return it->str();
    return "";
}

CaptureSmtp::CaptureSmtp() : CaptureSmtp(Tls{}) {}

CaptureSmtp::CaptureSmtp(Tls tls) : tls_(std::move(tls)) {
    port_ = freeLoopbackPort();
    folder_ = fs::temp_directory_path() / ("agora-mail-" + TestServer::uniqueSuffix(10));
    fs::create_directories(folder_);
    start();
}

CaptureSmtp::~CaptureSmtp() {
    stop();
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
}

void CaptureSmtp::start() {
    if (process_)
        return;
    auto script = checkoutRoot() + "/ops/mail-capture.py";
    std::vector<std::string> argv{script, "--port", std::to_string(port_), "--dir", folder_};
    if (!tls_.cert.empty())
        argv.insert(argv.end(), {"--tls-cert", tls_.cert, "--tls-key", tls_.key});
    process_ = std::make_unique<Subprocess>(argv, Subprocess::Options{});
    for (int i = 0; i < 200; ++i) {
        if (accepting(port_))
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    process_.reset();
    throw std::runtime_error("the capture SMTP server did not start on port " +
                             std::to_string(port_) + " (is python3-aiosmtpd installed?)");
}

void CaptureSmtp::stop() {
    if (!process_)
        return;
    process_->signal(SIGTERM);
    process_->wait();
    process_.reset();
}

std::vector<CapturedMail> CaptureSmtp::messages() const {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder_))
        if (entry.path().extension() == ".eml")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<CapturedMail> out;
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        std::stringstream buffer;
        buffer << in.rdbuf();
        CapturedMail mail;
        mail.file = file;
        mail.raw = buffer.str();
        mail.headers = parseHeaders(mail.raw);
        out.push_back(std::move(mail));
    }
    return out;
}

std::vector<CapturedMail> CaptureSmtp::messagesTo(const std::string& address) const {
    std::vector<CapturedMail> out;
    for (auto& mail : messages())
        if (lower(mail.header("X-Envelope-To")).find(lower(address)) != std::string::npos)
            out.push_back(std::move(mail));
    return out;
}

std::vector<CapturedMail> CaptureSmtp::waitFor(
    const std::function<bool(const std::vector<CapturedMail>&)>& done,
    std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto all = messages();
        if (done(all) || std::chrono::steady_clock::now() >= deadline)
            return all;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void CaptureSmtp::clear() {
    for (const auto& entry : fs::directory_iterator(folder_))
        fs::remove(entry.path());
}

}  // namespace agora::test
