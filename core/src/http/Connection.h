#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "http/HttpParser.h"

namespace agora {

// One client connection as the event loop tracks it. Only the loop thread touches it.
struct Connection {
    enum class State {
        Idle,        // between requests (or before the first)
        Head,        // reading a request head
        Body,        // reading its body
        Dispatched,  // a worker has the request; nothing is read meanwhile
        Writing,     // sending the answer
        Lingering,   // answered early and half-closed: draining what the client still sends
    };

    uint64_t id = 0;
    int fd = -1;
    std::string peer;
    State state = State::Idle;
    std::string in;   // bytes received and not yet parsed
    std::string out;  // bytes to send
    size_t out_off = 0;
    RequestHead head;
    BodyFraming framing;
    ChunkedDecoder chunked;
    std::string body;
    std::chrono::steady_clock::time_point deadline;          // of the current state
    std::chrono::steady_clock::time_point request_deadline;  // head and body together
    bool close_after_write = false;
    bool linger_after_write = false;
    bool read_eof = false;  // the client will send nothing more
    bool dead = false;      // hung up while its request was with a worker
    bool watched = true;
    size_t lingered = 0;
    uint32_t interest = 0;
};

}  // namespace agora
