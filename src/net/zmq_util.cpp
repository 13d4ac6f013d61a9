#include "net/zmq_util.h"

#include <zmq_addon.hpp>

#include <atomic>
#include <cctype>
#include <charconv>
#include <random>
#include <vector>

namespace genscope::net {

bool Endpoint::loopback() const {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

Result<Endpoint> parse_endpoint(std::string_view text, std::string_view what) {
  auto bad = [&](const char* why) {
    return Error{std::string(what) + " '" + std::string(text) + "': " + why};
  };
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad("expected HOST:PORT");
  Endpoint e;
  e.host = std::string(text.substr(0, colon));
  std::string_view port = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), e.port);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || e.port < 0 ||
      e.port > 65535) {
    return bad("the port is not a number from 0 to 65535");
  }
  for (char c : e.host) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
              c == '[' || c == ']' || c == '*';
    if (!ok) return bad("the host has a character that is not in a name or address");
  }
  return e;
}

std::string random_token() {
  std::random_device device;
  static const char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 4; ++i) {
    uint32_t word = device();
    for (int j = 0; j < 4; ++j) {
      token += kHex[(word >> (8 * j + 4)) & 15];
      token += kHex[(word >> (8 * j)) & 15];
    }
  }
  return token;
}

bool same_token(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  volatile unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff = diff | (a[i] ^ b[i]);
  return diff == 0;
}

ZapHandler::ZapHandler(zmq::context_t& context, std::string token)
    : socket_(context, zmq::socket_type::rep), token_(std::move(token)) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.bind("inproc://zeromq.zap.01");
}

void ZapHandler::handle(const std::function<void(const std::string&)>& log) {
  std::vector<zmq::message_t> parts;
  if (!zmq::recv_multipart(socket_, std::back_inserter(parts), zmq::recv_flags::dontwait)) return;
  // version, request id, domain, address, identity, mechanism, credentials...
  auto part = [&](size_t i) { return i < parts.size() ? parts[i].to_string() : std::string(); };
  std::string address = part(3);
  bool ok = parts.size() >= 8 && part(0) == "1.0" && part(5) == "PLAIN" && part(6) == kPlainUser &&
            same_token(part(7), token_);
  if (!ok) {
    ++refused_;
    if (log) {
      log("refused a viewer from " + address + ": " +
          (part(5) != "PLAIN" ? "it sent no token" : "wrong token"));
    }
  }
  std::vector<zmq::message_t> reply;
  reply.emplace_back(std::string("1.0"));
  reply.emplace_back(part(1));
  reply.emplace_back(std::string(ok ? "200" : "400"));
  reply.emplace_back(std::string(ok ? "OK" : "wrong token"));
  reply.emplace_back(std::string(ok ? "viewer" : ""));
  reply.emplace_back();
  zmq::send_multipart(socket_, reply);
}

SocketMonitor::SocketMonitor(zmq::context_t& context, zmq::socket_t& socket, int events,
                             const std::string& name)
    : pair_(context, zmq::socket_type::pair) {
  static std::atomic<int> counter{0};
  std::string address = "inproc://monitor-" + name + "-" + std::to_string(++counter);
  if (zmq_socket_monitor(socket.handle(), address.c_str(), events) != 0) throw zmq::error_t();
  pair_.set(zmq::sockopt::linger, 0);
  pair_.connect(address);
}

std::optional<SocketEvent> SocketMonitor::next() {
  std::vector<zmq::message_t> parts;
  if (!zmq::recv_multipart(pair_, std::back_inserter(parts), zmq::recv_flags::dontwait)) {
    return std::nullopt;
  }
  SocketEvent e;
  if (!parts.empty() && parts[0].size() >= 6) {
    const auto* data = static_cast<const uint8_t*>(parts[0].data());
    e.event = static_cast<uint16_t>(data[0] | data[1] << 8);
    e.value = static_cast<int32_t>(data[2] | data[3] << 8 | data[4] << 16 |
                                   static_cast<uint32_t>(data[5]) << 24);
  }
  if (parts.size() > 1) e.address = parts[1].to_string();
  return e;
}

std::string handshake_error_text(uint16_t event, int32_t value) {
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) return "the token was refused";
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) return "the connection closed in its handshake";
  if (value >= ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED) return "the token check failed";
  if (value >= ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED &&
      value <= ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA) {
    return "it does not speak ZeroMQ's protocol (or sent garbage)";
  }
  return "handshake error " + std::to_string(value);
}

}  // namespace genscope::net
