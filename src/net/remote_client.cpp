#include "net/remote_client.h"

#include <netdb.h>
#include <unistd.h>
#include <zmq_addon.hpp>

#include <array>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <thread>
#include <vector>

#include "net/snapshot_wire.h"
#include "net/zmq_util.h"
#include "src/net/proto/remote.pb.h"

#include <zlib.h>

namespace genscope::net {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string default_viewer() {
  const char* user = std::getenv("USER");
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = 0;
  return std::string(user ? user : "viewer") + "@" + (host[0] ? host : "?");
}

}  // namespace

struct RemoteClient::Impl {
  enum class State { kConnecting, kConnected, kRefused };

  Impl(TrainerLink& l, ConnectOptions o, Endpoint e)
      : link(l), options(std::move(o)), endpoint(std::move(e)) {}

  TrainerLink& link;
  ConnectOptions options;
  Endpoint endpoint;
  zmq::context_t context;
  std::unique_ptr<zmq::socket_t> socket;
  std::unique_ptr<SocketMonitor> monitor;
  std::atomic<bool> stop{false};
  State state = State::kConnecting;

  Snapshot current;           // every section as last received
  uint64_t snapshot_version = 0;  // the server's, of the last snapshot on this connection
  uint64_t last_sent_seq = 0;     // the viewer's last command sent
  uint64_t server_id = 0;
  int64_t rows_received = 0;  // of the server's history
  uint64_t server_done = 0;   // the server's commands_done
  uint64_t local_done = 0;    // the same, in this viewer's sequence numbers
  std::deque<std::pair<uint64_t, uint64_t>> queued;  // (viewer seq, server seq), in order
  std::vector<Command> outbox;  // commands waiting for a connection
  std::vector<MetricRow> rows;
  Clock::time_point heard = Clock::now();
  Clock::time_point hello_at{};
  Clock::time_point spoke{};             // the last message sent (a heartbeat every second)
  Clock::time_point started = Clock::now();
  bool ever_connected = false;
  bool said_unreachable = false;

  mutable std::mutex mutex;
  ConnectStats stats;

  void loop();
  void turn();
  void reopen(const std::string& why);
  void unreachable();
  void on_welcome(const remote::Welcome& welcome);
  void open_socket();
  void say_hello();
  void receive(const zmq::message_t& payload);
  void on_snapshot(const remote::SnapshotUpdate& update);
  void on_rows(const remote::RowBatch& batch);
  void on_queued(const remote::CommandQueued& queued);
  void send_commands();
  bool send(remote::Envelope& envelope);
  void ack();
  void publish(MessageLevel level, const std::string& message);
  void lost(const std::string& why);
  void refused(const std::string& why);
};

Result<std::unique_ptr<RemoteClient>> RemoteClient::start(TrainerLink& link,
                                                          ConnectOptions options) {
  auto endpoint = parse_endpoint(options.address, "--connect");
  if (!endpoint) return Error{endpoint.error()};
  if (endpoint->port == 0) {
    return Error{"--connect '" + options.address + "': port 0 names no server (the port "
                 "genscope --serve printed)"};
  }
  // A name that does not resolve is said now (libzmq would retry it quietly for ever).
  std::string host = endpoint->host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{}, *found = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
    return Error{"--connect '" + options.address + "': cannot find the host " + host + " (" +
                 gai_strerror(rc) + ")"};
  }
  freeaddrinfo(found);
  if (options.viewer.empty()) options.viewer = default_viewer();
  std::unique_ptr<RemoteClient> client(new RemoteClient());
  client->impl_ = std::make_unique<Impl>(link, std::move(options), *endpoint);
  Impl& impl = *client->impl_;
  impl.current.running = false;
  impl.publish(MessageLevel::kInfo, "connecting to " + impl.endpoint.text() + "...");
  try {
    impl.open_socket();
  } catch (const zmq::error_t& e) {
    return Error{"--connect " + impl.endpoint.text() + ": " + e.what()};
  }
  client->thread_ = std::thread([&impl] { impl.loop(); });
  return client;
}

RemoteClient::~RemoteClient() {
  if (impl_) impl_->stop = true;
  if (thread_.joinable()) thread_.join();
}

ConnectStats RemoteClient::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->stats;
}

void RemoteClient::Impl::open_socket() {
  monitor.reset();
  socket = std::make_unique<zmq::socket_t>(context, zmq::socket_type::dealer);
  socket->set(zmq::sockopt::linger, 0);
  socket->set(zmq::sockopt::maxmsgsize, kMaxServerMessage);
  socket->set(zmq::sockopt::plain_username, kPlainUser);
  socket->set(zmq::sockopt::plain_password, options.token);
  socket->set(zmq::sockopt::immediate, 1);  // nothing queues for a connection not yet made
  socket->set(zmq::sockopt::reconnect_ivl, 200);
  socket->set(zmq::sockopt::reconnect_ivl_max, 2000);
  socket->set(zmq::sockopt::heartbeat_ivl, 1000);  // libzmq's liveness counts any traffic
  socket->set(zmq::sockopt::heartbeat_timeout, 10000);
  socket->set(zmq::sockopt::ipv6, endpoint.host.find(':') != std::string::npos);
  monitor = std::make_unique<SocketMonitor>(
      context, *socket,
      ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
          ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
          ZMQ_EVENT_DISCONNECTED,
      "client");
  socket->connect(endpoint.tcp());
  state = State::kConnecting;
  hello_at = {};
  snapshot_version = 0;
}

void RemoteClient::Impl::loop() {
  while (!stop) {
    try {
      turn();
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) return;
      if (e.num() != EINTR) reopen(std::string("socket error: ") + e.what());
    } catch (const std::exception& e) {
      reopen(std::string("viewer error: ") + e.what());
    }
  }
}

// After a failure: says so and connects again (a failure there is tried again next turn).
void RemoteClient::Impl::reopen(const std::string& why) {
  try {
    lost(why);
  } catch (const std::exception&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void RemoteClient::Impl::turn() {
  if (!socket) open_socket();
  std::array<zmq::pollitem_t, 2> items{{{socket->handle(), 0, ZMQ_POLLIN, 0},
                                        {monitor->socket().handle(), 0, ZMQ_POLLIN, 0}}};
  zmq::poll(items.data(), items.size(), std::chrono::milliseconds(2));
  while (auto event = monitor->next()) {
    if (event->event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
      refused(endpoint.text() + " refused this viewer's token (--token)");
    } else if (event->event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) {
      refused(endpoint.text() + " is not a genscope server (" +
              handshake_error_text(event->event, event->value) + ")");
    } else if (event->event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
      return lost("the handshake failed: is " + endpoint.text() + " a genscope server?");
    } else if (event->event == ZMQ_EVENT_DISCONNECTED && state == State::kConnected) {
      return lost("the server closed the connection");
    }
  }
  for (int i = 0; i < 64 && state != State::kRefused; ++i) {
    zmq::message_t message;
    if (!socket->recv(message, zmq::recv_flags::dontwait)) break;
    receive(message);
  }
  if (state == State::kRefused) {
    std::vector<Command> dropped;
    link.commands.drain(dropped);
    return;
  }
  send_commands();
  if (state == State::kConnecting) {
    if (seconds_since(hello_at) > options.hello_every_s) say_hello();
    if (!ever_connected && !said_unreachable && seconds_since(started) > options.connect_s) {
      unreachable();
    }
  } else if (seconds_since(heard) > options.silence_s) {
    lost("no word from the server for " + std::to_string(int(options.silence_s)) + " s");
  } else if (seconds_since(spoke) > 1.0) {
    ack();  // the heartbeat: the server forgets a viewer that stays quiet
  }
}

// Nothing answered for options.connect_s: an error the window shows (a scripted screenshot
// takes it and exits), while connecting goes on.
void RemoteClient::Impl::unreachable() {
  said_unreachable = true;
  const std::string why = "no genscope server answers at " + endpoint.text() + " (is genscope "
                          "--serve running there, and an SSH tunnel up?): still trying";
  publish(MessageLevel::kError, why);
  if (options.say) options.say(why);
  std::lock_guard<std::mutex> lock(mutex);
  stats.error = why;
}

void RemoteClient::Impl::say_hello() {
  remote::Envelope envelope;
  remote::Hello* hello = envelope.mutable_hello();
  hello->set_viewer(options.viewer);
  hello->set_have_rows(static_cast<uint64_t>(rows_received));
  hello->set_server_id(server_id);
  // Until the connection is made the socket takes nothing (immediate): try again next turn.
  if (send(envelope)) hello_at = Clock::now();
}

bool RemoteClient::Impl::send(remote::Envelope& envelope) {
  envelope.set_protocol(kProtocolVersion);
  std::string data = envelope.SerializeAsString();
  const bool sent = socket->send(zmq::buffer(data), zmq::send_flags::dontwait).has_value();
  if (sent) spoke = Clock::now();
  return sent;
}

void RemoteClient::Impl::receive(const zmq::message_t& payload) {
  remote::Envelope envelope;
  if (!envelope.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return lost("the server sent a message that is not a genscope envelope");
  }
  if (envelope.protocol() != kProtocolVersion) {
    return refused(endpoint.text() + " speaks protocol " + std::to_string(envelope.protocol()) +
                   ", this viewer speaks " + std::to_string(kProtocolVersion) +
                   ": use the same genscope version on both sides");
  }
  heard = Clock::now();
  {
    std::lock_guard<std::mutex> lock(mutex);
    stats.bytes += static_cast<int64_t>(payload.size());
  }
  if (envelope.has_refusal()) return refused(endpoint.text() + ": " + envelope.refusal().reason());
  if (envelope.has_say_hello()) {  // the server forgot this viewer: greet it again
    state = State::kConnecting;
    hello_at = {};
    snapshot_version = 0;
    return;
  }
  if (envelope.has_welcome()) return on_welcome(envelope.welcome());
  if (state != State::kConnected) return;
  if (envelope.has_snapshot()) on_snapshot(envelope.snapshot());
  if (envelope.has_rows()) on_rows(envelope.rows());
  if (envelope.has_queued()) on_queued(envelope.queued());
}

void RemoteClient::Impl::on_welcome(const remote::Welcome& welcome) {
  if (state == State::kConnected) return;  // the answer to a hello repeated while waiting
  if (server_id != 0 && welcome.server_id() != server_id) {
    // Another server (restarted): its run, its rows, its command numbers. Commands sent to the
    // old one count as done; the window starts its plots over with the new run's rows.
    current = Snapshot{};
    current.running = false;
    queued.clear();
    local_done = last_sent_seq;
  }
  server_id = welcome.server_id();
  rows_received = static_cast<int64_t>(welcome.rows_from());
  snapshot_version = 0;
  state = State::kConnected;
  if (options.say) {
    options.say((ever_connected ? "connected again to " : "connected to ") + endpoint.text() +
                " (" + std::to_string(welcome.rows_total()) + " rows on the server)");
  }
  ever_connected = true;
  std::lock_guard<std::mutex> lock(mutex);
  stats.connected = true;
  if (said_unreachable) stats.error.clear();
  said_unreachable = false;
}

void RemoteClient::Impl::on_snapshot(const remote::SnapshotUpdate& update) {
  for (const remote::SnapshotSection& section : update.sections()) {
    if (section.id() >= static_cast<uint32_t>(Section::kCount)) {
      return lost("the server sent a snapshot section this viewer does not know");
    }
    std::string inflated;
    if (section.raw_size() > 0) {
      if (section.raw_size() > static_cast<uint64_t>(kMaxServerMessage)) {
        return lost("the server sent a snapshot section too large to unpack");
      }
      inflated.resize(section.raw_size());
      uLongf size = static_cast<uLongf>(section.raw_size());
      if (uncompress(reinterpret_cast<Bytef*>(inflated.data()), &size,
                     reinterpret_cast<const Bytef*>(section.payload().data()),
                     static_cast<uLong>(section.payload().size())) != Z_OK ||
          size != section.raw_size()) {
        return lost("the server sent a snapshot section that does not unpack");
      }
    }
    const std::string& bytes = section.raw_size() > 0 ? inflated : section.payload();
    Status decoded = decode_section(static_cast<Section>(section.id()), bytes, current);
    if (!decoded) return lost("the server sent a bad snapshot: " + decoded.error());
  }
  server_done = current.commands_done;
  while (!queued.empty() && queued.front().second <= server_done) {
    local_done = queued.front().first;
    queued.pop_front();
  }
  snapshot_version = update.version();
  publish(MessageLevel::kNone, "");
  {
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.snapshots;
  }
  ack();
}

void RemoteClient::Impl::on_rows(const remote::RowBatch& batch) {
  rows.clear();
  Status decoded = decode_rows(batch.rows(), rows);
  if (!decoded) return lost("the server sent bad metric rows: " + decoded.error());
  int64_t first = static_cast<int64_t>(batch.first());
  if (first > rows_received) return lost("rows from the server are missing; asking again");
  for (size_t i = 0; i < rows.size(); ++i) {
    if (first + static_cast<int64_t>(i) < rows_received) continue;  // had it already
    link.metrics.push(rows[i]);
  }
  rows_received = std::max<int64_t>(rows_received, first + static_cast<int64_t>(rows.size()));
  {
    std::lock_guard<std::mutex> lock(mutex);
    stats.rows = rows_received;
  }
  ack();
}

void RemoteClient::Impl::on_queued(const remote::CommandQueued& done) {
  queued.emplace_back(done.viewer_seq(), done.server_seq());
}

void RemoteClient::Impl::send_commands() {
  link.commands.drain(outbox);
  if (state != State::kConnected) return;
  size_t sent = 0;
  for (; sent < outbox.size(); ++sent) {
    remote::Envelope envelope;
    envelope.mutable_command()->set_viewer_seq(outbox[sent].seq);
    envelope.mutable_command()->set_command(encode_command(outbox[sent]));
    if (!send(envelope)) break;
    last_sent_seq = outbox[sent].seq;
  }
  outbox.erase(outbox.begin(), outbox.begin() + static_cast<long>(sent));
}

void RemoteClient::Impl::ack() {
  remote::Envelope envelope;
  envelope.mutable_ack()->set_snapshot_version(snapshot_version);
  envelope.mutable_ack()->set_rows_received(static_cast<uint64_t>(rows_received));
  send(envelope);
}

void RemoteClient::Impl::publish(MessageLevel level, const std::string& message) {
  Snapshot& slot = link.snapshots.write_slot();
  slot = current;
  slot.commands_done = local_done;
  if (level != MessageLevel::kNone) {
    slot.message_level = level;
    slot.message = message;
  }
  link.snapshots.publish();
}

void RemoteClient::Impl::lost(const std::string& why) {
  if (state == State::kRefused) return;
  if (ever_connected) {  // before the first welcome, "connecting..." (or unreachable()) says it
    const std::string said = "lost the connection to " + endpoint.text() + " (" + why +
                             "): reconnecting...";
    publish(MessageLevel::kWarning, said);
    if (options.say && state == State::kConnected) options.say(said);
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    stats.connected = false;
    ++stats.reconnects;
  }
  open_socket();
}

void RemoteClient::Impl::refused(const std::string& why) {
  state = State::kRefused;
  current.running = false;
  publish(MessageLevel::kError, why);
  if (options.say) options.say(why);
  std::lock_guard<std::mutex> lock(mutex);
  stats.connected = false;
  stats.error = why;
}

}  // namespace genscope::net
