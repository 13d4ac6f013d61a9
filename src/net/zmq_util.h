#pragma once
// What the remote server and client share: addresses, tokens, the ZAP handler that checks a
// viewer's token before libzmq lets its connection through, and socket event monitors.
#include <zmq.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace genscope::net {

/// The protocol version in every Envelope; a peer of another version is refused by name.
inline constexpr uint32_t kProtocolVersion = 1;
/// The PLAIN user name a viewer presents with its token.
inline constexpr const char* kPlainUser = "genscope";
/// The ZAP domain of the server's socket.
inline constexpr const char* kZapDomain = "genscope";
/// Largest message a server accepts from a viewer (Hello, Ack, commands: a painted 2D dataset
/// of 100,000 points fits); libzmq closes a connection that sends more.
inline constexpr int64_t kMaxViewerMessage = 4 << 20;
/// Largest message a viewer accepts from a server (a snapshot with every image of a big run).
inline constexpr int64_t kMaxServerMessage = 512ll << 20;

/// "HOST:PORT" split and checked; `tcp()` is the libzmq endpoint.
struct Endpoint {
  std::string host;
  int port = 0;
  std::string tcp() const { return "tcp://" + host + ":" + std::to_string(port); }
  std::string text() const { return host + ":" + std::to_string(port); }
  /// True for 127.0.0.0/8, ::1 and "localhost".
  bool loopback() const;
};

/// Parses "HOST:PORT" (port 0..65535; 0: any free port, for tests); the error names `what`.
Result<Endpoint> parse_endpoint(std::string_view text, std::string_view what);

/// 32 hex digits from the system's random device.
std::string random_token();

/// Compares in time that depends only on the lengths, not on where they differ.
bool same_token(std::string_view a, std::string_view b);

/// Answers libzmq's ZAP requests (RFC 27) for PLAIN: accepts the user kPlainUser with `token`.
/// Bind it before the socket it guards binds; call handle() when its socket is readable.
class ZapHandler {
 public:
  ZapHandler(zmq::context_t& context, std::string token);
  zmq::socket_t& socket() { return socket_; }
  /// Answers one request; `log` hears about every refusal ("127.0.0.1: wrong token").
  void handle(const std::function<void(const std::string&)>& log);
  int64_t refused() const { return refused_; }

 private:
  zmq::socket_t socket_;
  std::string token_;
  int64_t refused_ = 0;
};

/// One socket event (ZMQ_EVENT_*), its value and the peer or local address.
struct SocketEvent {
  uint16_t event = 0;
  int32_t value = 0;
  std::string address;
};

/// libzmq's event monitor of one socket, read without blocking.
class SocketMonitor {
 public:
  /// Watches `socket` for `events` (a ZMQ_EVENT_* mask); `name` makes the inproc address unique.
  SocketMonitor(zmq::context_t& context, zmq::socket_t& socket, int events,
                const std::string& name);
  zmq::socket_t& socket() { return pair_; }
  /// The next event, if one is waiting.
  std::optional<SocketEvent> next();

 private:
  zmq::socket_t pair_;
};

/// Words for a handshake failure's value (ZMQ_PROTOCOL_ERROR_*), for the log.
std::string handshake_error_text(uint16_t event, int32_t value);

}  // namespace genscope::net
