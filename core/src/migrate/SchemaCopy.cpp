#include "migrate/SchemaCopy.h"

#include <unistd.h>

#include <cerrno>
#include <vector>

#include "migrate/SchemaRenamer.h"
#include "util/Error.h"
#include "util/Subprocess.h"

namespace agora::migrate {

namespace {

// How long pg_dump may wait for its ACCESS SHARE locks: a migration holding an exclusive lock
// should make the copy fail with a reason, not hang.
const char* kLockWait = "--lock-wait-timeout=30s";

std::vector<std::string> psqlArgs(const std::string& url) {
    return {"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
            "-d",   url,  "-f", "-"};
}

// Streams producer's stdout through the renamer into consumer's stdin, line by line.
void pipeRenamed(Subprocess& producer, Subprocess& consumer, SchemaRenamer& renamer) {
    std::string buf, pending;
    buf.resize(1 << 16);
    bool consumer_ok = true;
    for (;;) {
        ssize_t n = ::read(producer.stdoutFd(), buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        pending.append(buf.data(), static_cast<size_t>(n));
        size_t start = 0;
        for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
            std::string out = renamer.line(std::string_view(pending).substr(start, nl - start + 1));
            if (!consumer.write(out.data(), out.size())) {
                consumer_ok = false;
                break;
            }
        }
        if (!consumer_ok)
            break;
        pending.erase(0, start);
    }
    if (consumer_ok && !pending.empty()) {
        std::string out = renamer.line(pending);
        consumer.write(out.data(), out.size());
    }
    producer.closeStdout();
    consumer.closeStdin();
    int consumer_rc = consumer.wait();
    int producer_rc = producer.wait();
    // The consumer's reason first: when psql stops, pg_dump only reports a broken pipe.
    if (consumer_rc != 0)
        throw Error::internal("restoring the copy failed: " + consumer.errorOutput());
    if (producer_rc != 0)
        throw Error::internal(producer.program() + " failed: " + producer.errorOutput());
}

}  // namespace

void SchemaCopy::copy(const std::string& database_url, const std::string& from,
                      const std::string& to, const std::string& snapshot) {
    std::vector<std::string> dump = {"pg_dump", "--format=plain",   "--no-owner", "--no-privileges",
                                     kLockWait, "--schema=" + from, "-d",         database_url};
    if (!snapshot.empty())
        dump.push_back("--snapshot=" + snapshot);
    Subprocess producer(dump, {.pipe_stdin = false, .pipe_stdout = true});
    Subprocess consumer(psqlArgs(database_url), {.pipe_stdin = true, .pipe_stdout = false});
    SchemaRenamer renamer(from, to);
    pipeRenamed(producer, consumer, renamer);
}

void SchemaCopy::dump(const std::string& database_url, const std::string& schema,
                      const std::string& snapshot, const std::filesystem::path& file) {
    std::vector<std::string> args = {
        "pg_dump", "--format=custom", kLockWait, "--schema=" + schema, "--file=" + file.string(),
        "-d",      database_url};
    if (!snapshot.empty())
        args.push_back("--snapshot=" + snapshot);
    Subprocess p(args, {});
    if (p.wait() != 0)
        throw Error::internal("pg_dump of " + schema + " failed: " + p.errorOutput());
}

void SchemaCopy::restore(const std::string& database_url, const std::filesystem::path& file,
                         const std::string& from, const std::string& to) {
    Subprocess producer({"pg_restore", "--no-owner", "--no-privileges", "--file=-", file.string()},
                        {.pipe_stdin = false, .pipe_stdout = true});
    Subprocess consumer(psqlArgs(database_url), {.pipe_stdin = true, .pipe_stdout = false});
    SchemaRenamer renamer(from, to);
    pipeRenamed(producer, consumer, renamer);
}

}  // namespace agora::migrate
