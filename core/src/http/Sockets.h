#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <string>

namespace agora {

// The few socket calls the event loop needs, kept apart from its state machine.

// A non-blocking listening socket on 0.0.0.0:`port` (0: the kernel picks); sets `bound_port`.
// Throws naming the port when it cannot listen.
int openListeningSocket(int port, int& bound_port);

// The peer's address as text ("127.0.0.1", "::1").
std::string peerAddress(const sockaddr_storage& addr);

// Idle connections are cheap here, but each is a descriptor: allow as many as the limits do
// (up to the hard limit the operator set).
void raiseDescriptorLimit(size_t wanted);

// Best effort, for answers given while refusing a connection: never blocks.
void sendAndForget(int fd, const std::string& bytes);

}  // namespace agora
