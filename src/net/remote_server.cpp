#include "net/remote_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <zmq_addon.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <algorithm>
#include <deque>
#include <map>
#include <vector>

#include "net/snapshot_wire.h"
#include "net/zmq_util.h"
#include "src/net/proto/remote.pb.h"
#include "util/hash.h"

#include <zlib.h>

namespace genscope::net {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kSections = static_cast<int>(Section::kCount);

// Commands a run has not handled yet beyond which a viewer that sends more is dropped.
constexpr uint64_t kMaxCommandsWaiting = 1024;

// Why a viewer's command may not name its file ("" when it may): a viewer saves, loads and
// exports by bare names in the run's directory, or a checkpoint the run lists (checkpoints/...),
// never an absolute path or one that climbs out.
std::string viewer_path_problem(const Command& c) {
  using K = Command::Kind;
  const bool names_file = c.kind == K::kSaveCheckpoint || c.kind == K::kLoadCheckpoint ||
                          c.kind == K::kRollBack || c.kind == K::kExportGenerator;
  const std::string& path = c.value.text;
  if (!names_file || path.empty()) return {};
  const bool bare = path.find('/') == std::string::npos;
  const bool checkpoint = path.rfind("checkpoints/", 0) == 0 &&
                          path.find('/', 12) == std::string::npos;
  if (path.find("..") != std::string::npos || !(bare || checkpoint)) {
    return "the path '" + path.substr(0, 200) + "' (a viewer names files in the run's directory "
           "only)";
  }
  return {};
}

// Sections this large or larger travel compressed (images, the latent map, histograms).
constexpr size_t kCompressFrom = 2048;

// zlib at its fastest level (a 250 KB sample grid in about a millisecond); "" on failure.
std::string deflate_fast(const std::string& raw) {
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                Z_BEST_SPEED) != Z_OK) {
    return {};
  }
  out.resize(size);
  return out;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// One connected viewer, by its routing id.
struct Peer {
  std::string name;
  int64_t rows_sent = 0;    // index of the next row to send
  int64_t rows_acked = 0;
  uint64_t sent_version = 0;
  uint64_t acked_version = 0;
  std::array<uint64_t, kSections> section_hash{};  // of the sections it holds (0: none)
  Clock::time_point heard = Clock::now();
  Clock::time_point spoke = Clock::now();
  Clock::time_point snapshot_at{};
};

}  // namespace

struct RemoteServer::Impl {
  Impl(TrainerLink& l, ServeOptions o, std::string token)
      : link(l), options(std::move(o)), zap(context, token), router(context, zmq::socket_type::router) {}

  TrainerLink& link;
  ServeOptions options;
  zmq::context_t context;
  ZapHandler zap;
  zmq::socket_t router;
  std::unique_ptr<SocketMonitor> monitor;
  std::atomic<bool> stop{false};
  uint64_t server_id = 0;

  std::vector<MetricRow> history;
  std::vector<MetricRow> drained;
  uint64_t snapshot_version = 0;  // of the sections below (0: none yet)
  std::array<std::string, kSections> sections;
  std::array<uint64_t, kSections> section_hash{};
  std::array<uint64_t, kSections> last_hash{};        // of the bytes in `sections`
  std::array<uint64_t, kSections> section_raw_size{};  // > 0: `sections[i]` is compressed
  std::shared_ptr<const ImageSet> encoded_images;  // whose kLatentImages bytes are cached
  std::shared_ptr<const LatentMap> encoded_map;
  std::map<std::string, Peer> peers;
  int64_t refused_messages = 0;  // bad messages, other protocol versions, failed handshakes
  uint64_t pushed_seq = 0;        // the last command pushed for a viewer
  uint64_t commands_done = 0;     // the run's, from its newest snapshot
  bool fresh = false;             // a snapshot not encoded yet (encoded when a viewer needs it)
  Clock::time_point logged_closed{};  // handshake failures are logged at most once a second
  std::deque<std::pair<int, std::string>> handshaking;  // accepted (fd, peer), not yet through

  mutable std::mutex mutex;  // guards stats and log_fn
  ServeStats stats;
  std::function<void(const std::string&)> log_fn;

  void log(const std::string& line) {
    std::function<void(const std::string&)> fn;
    {
      std::lock_guard<std::mutex> lock(mutex);
      fn = log_fn;
    }
    if (fn) {
      fn(line);
    } else {
      std::fprintf(stderr, "genscope serve: %s\n", line.c_str());
    }
  }
  template <class F>
  void count(F&& f) {
    std::lock_guard<std::mutex> lock(mutex);
    f(stats);
  }

  void loop();
  void take_link();
  void encode(const Snapshot& snap);
  void receive(const std::string& id, const zmq::message_t& payload);
  void hello(const std::string& id, const remote::Hello& hello);
  void command(const std::string& id, Peer& peer, const remote::CommandRequest& request);
  void refuse(const std::string& id, const std::string& why);
  bool send(const std::string& id, const remote::Envelope& envelope, int64_t* bytes = nullptr);
  void serve(const std::string& id, Peer& peer);
  void send_rows(const std::string& id, Peer& peer);
  void send_snapshot(const std::string& id, Peer& peer);
  void watch_events();
};

Result<std::unique_ptr<RemoteServer>> RemoteServer::start(TrainerLink& link, ServeOptions options) {
  auto endpoint = parse_endpoint(options.listen, "--listen");
  if (!endpoint) return Error{endpoint.error()};
  std::unique_ptr<RemoteServer> server(new RemoteServer());
  server->token_ = options.token.empty() ? random_token() : options.token;
  try {
    server->impl_ = std::make_unique<Impl>(link, options, server->token_);
    Impl& impl = *server->impl_;
    impl.server_id = std::hash<std::string>()(random_token()) | 1;
    zmq::socket_t& router = impl.router;
    router.set(zmq::sockopt::linger, 0);
    router.set(zmq::sockopt::router_mandatory, 1);
    router.set(zmq::sockopt::maxmsgsize, kMaxViewerMessage);
    router.set(zmq::sockopt::sndhwm, 10000);
    router.set(zmq::sockopt::zap_domain, kZapDomain);
    router.set(zmq::sockopt::plain_server, 1);
    router.set(zmq::sockopt::heartbeat_ivl, 1000);  // libzmq's own liveness, whatever is in flight
    router.set(zmq::sockopt::heartbeat_timeout, 10000);
    router.set(zmq::sockopt::ipv6, endpoint->host.find(':') != std::string::npos);
    impl.monitor = std::make_unique<SocketMonitor>(
        impl.context, router,
        ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED |
            ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
            ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL,
        "server");
    Endpoint bind = *endpoint;
    if (bind.host == "localhost") bind.host = "127.0.0.1";  // libzmq binds addresses, not names
    router.bind(bind.tcp());
    std::string bound = router.get(zmq::sockopt::last_endpoint);
    server->address_ = bound.substr(bound.find("//") + 2);
  } catch (const zmq::error_t& e) {
    return Error{"cannot listen on " + endpoint->text() + " (" + e.what() + "): another "
                 "genscope --serve there? Choose another with --listen HOST:PORT"};
  }
  server->thread_ = std::thread([impl = server->impl_.get()] { impl->loop(); });
  return server;
}

RemoteServer::~RemoteServer() {
  if (impl_) impl_->stop = true;
  if (thread_.joinable()) thread_.join();
}

ServeStats RemoteServer::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->stats;
}

void RemoteServer::set_log(std::function<void(const std::string&)> log) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->log_fn = std::move(log);
}

void RemoteServer::Impl::loop() {
  while (!stop) {
    std::array<zmq::pollitem_t, 3> items{{{router.handle(), 0, ZMQ_POLLIN, 0},
                                          {zap.socket().handle(), 0, ZMQ_POLLIN, 0},
                                          {monitor->socket().handle(), 0, ZMQ_POLLIN, 0}}};
    try {
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds(2));
      if (items[1].revents & ZMQ_POLLIN) zap.handle([&](const std::string& s) { log(s); });
      if (items[2].revents & ZMQ_POLLIN) watch_events();
      for (int i = 0; i < 256 && (items[0].revents & ZMQ_POLLIN); ++i) {
        std::vector<zmq::message_t> parts;
        if (!zmq::recv_multipart(router, std::back_inserter(parts), zmq::recv_flags::dontwait)) {
          break;
        }
        if (parts.size() == 2) receive(parts[0].to_string(), parts[1]);
      }
      take_link();
      std::vector<std::string> ids;
      for (const auto& [id, peer] : peers) ids.push_back(id);
      for (const std::string& id : ids) {
        Peer& peer = peers.at(id);
        if (seconds_since(peer.heard) > options.viewer_timeout_s) {
          log("viewer " + peer.name + " went quiet; forgotten");
          peers.erase(id);
          continue;
        }
        serve(id, peer);
      }
      count([&](ServeStats& s) {
        s.viewers = static_cast<int64_t>(peers.size());
        s.rows_held = static_cast<int64_t>(history.size());
        s.refused = zap.refused() + refused_messages;
      });
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) return;
      if (e.num() != EINTR) log(std::string("socket error: ") + e.what());
    } catch (const std::exception& e) {  // e.g. out of memory: the run trains on
      log(std::string("serving failed for a moment: ") + e.what());
    }
  }
}

void RemoteServer::Impl::take_link() {
  if (link.metrics.drain(drained) > 0) history.insert(history.end(), drained.begin(), drained.end());
  if (link.snapshots.update()) {
    fresh = true;
    commands_done = link.snapshots.read().commands_done;
  }
  if (fresh && !peers.empty()) {  // nobody watching: nothing to encode
    encode(link.snapshots.read());
    fresh = false;
  }
}

void RemoteServer::Impl::encode(const Snapshot& snap) {
  for (int i = 0; i < kSections; ++i) {
    auto section = static_cast<Section>(i);
    if (section == Section::kLatentImages || section == Section::kLatentMap) {
      bool same = section == Section::kLatentMap
                      ? snap.latent.map == encoded_map && snapshot_version != 0
                      : snap.latent.map && snap.latent.map->images == encoded_images &&
                            snapshot_version != 0;
      if (same) continue;
    }
    const std::string raw = encode_section(snap, section);
    section_hash[i] = hash_bytes(raw.data(), raw.size()) | 1;
    if (section_hash[i] == last_hash[i]) continue;  // the same bytes: keep the packed ones
    last_hash[i] = section_hash[i];
    section_raw_size[i] = 0;
    sections[i] = raw;
    if (raw.size() >= kCompressFrom) {
      std::string packed = deflate_fast(raw);
      if (!packed.empty() && packed.size() < raw.size()) {
        sections[i] = std::move(packed);
        section_raw_size[i] = raw.size();
      }
    }
  }
  encoded_map = snap.latent.map;
  encoded_images = snap.latent.map ? snap.latent.map->images : nullptr;
  snapshot_version = snap.version;
}

// The peer address of an accepted connection's socket ("127.0.0.1:51234").
static std::string peer_address(int fd) {
  sockaddr_storage sa{};
  socklen_t len = sizeof sa;
  char host[INET6_ADDRSTRLEN] = "?";
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) return "a peer";
  int port = 0;
  if (sa.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&sa);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
  } else if (sa.ss_family == AF_INET6) {
    auto* in = reinterpret_cast<sockaddr_in6*>(&sa);
    inet_ntop(AF_INET6, &in->sin6_addr, host, sizeof host);
    port = ntohs(in->sin6_port);
  }
  return std::string(host) + ":" + std::to_string(port);
}

void RemoteServer::Impl::watch_events() {
  // libzmq names the connection (its fd) when it accepts and closes one, not when its handshake
  // ends: handshakes are matched to connections in the order they were accepted.
  while (auto event = monitor->next()) {
    const int fd = event->value;
    if (event->event == ZMQ_EVENT_ACCEPTED) {
      handshaking.emplace_back(fd, peer_address(fd));
    } else if (event->event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
      if (!handshaking.empty()) handshaking.pop_front();
    } else if (event->event == ZMQ_EVENT_DISCONNECTED) {
      auto found = std::find_if(handshaking.begin(), handshaking.end(),
                                [&](const auto& h) { return h.first == fd; });
      if (found == handshaking.end()) continue;
      ++refused_messages;
      if (seconds_since(logged_closed) >= 1.0) {
        logged_closed = Clock::now();
        log("closed a connection from " + found->second +
            " that did not complete ZeroMQ's handshake (not a genscope viewer, or garbage)");
      }
      handshaking.erase(found);
    } else {  // a failed handshake (its value is the reason); the connection closes next
      std::string from = handshaking.empty() ? "a peer" : handshaking.front().second;
      if (!handshaking.empty()) handshaking.pop_front();
      if (event->event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) continue;  // the ZAP handler said it
      ++refused_messages;
      if (seconds_since(logged_closed) >= 1.0) {
        logged_closed = Clock::now();
        log("closed a connection from " + from + ": " +
            handshake_error_text(event->event, event->value));
      }
    }
  }
}

void RemoteServer::Impl::receive(const std::string& id, const zmq::message_t& payload) {
  remote::Envelope envelope;
  auto found = peers.find(id);
  std::string who = found != peers.end() ? found->second.name : "a viewer";
  if (!envelope.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return refuse(id, who + " sent a message that is not a genscope envelope");
  }
  if (envelope.protocol() != kProtocolVersion) {
    return refuse(id, who + " speaks protocol " + std::to_string(envelope.protocol()) +
                          ", this server speaks " + std::to_string(kProtocolVersion) +
                          ": use the same genscope version on both sides");
  }
  if (envelope.has_hello()) {
    if (found != peers.end()) return;  // a repeated hello (it was waiting for the welcome)
    return hello(id, envelope.hello());
  }
  if (found == peers.end()) {  // forgotten after a silence, or a server that restarted
    remote::Envelope again;
    again.set_protocol(kProtocolVersion);
    again.set_say_hello(true);
    send(id, again);
    return;
  }
  Peer& peer = found->second;
  peer.heard = Clock::now();
  if (envelope.has_ack()) {  // what it acknowledges beyond what it was sent counts for nothing
    const remote::Ack& ack = envelope.ack();
    const int64_t rows = static_cast<int64_t>(
        std::min<uint64_t>(ack.rows_received(), static_cast<uint64_t>(peer.rows_sent)));
    peer.rows_acked = std::max(peer.rows_acked, rows);
    if (ack.snapshot_version() == peer.sent_version) peer.acked_version = peer.sent_version;
  } else if (envelope.has_command()) {
    command(id, peer, envelope.command());
  } else if (!envelope.has_heartbeat()) {
    refuse(id, who + " sent a message a viewer does not send");
  }
}

void RemoteServer::Impl::hello(const std::string& id, const remote::Hello& hello) {
  Peer peer;
  std::string name = hello.viewer().substr(0, 64);
  for (char& c : name) {
    if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) > 126) c = '?';
  }
  peer.name = name.empty() ? "a viewer" : name;
  int64_t have = hello.server_id() == server_id ? static_cast<int64_t>(hello.have_rows()) : 0;
  peer.rows_sent = peer.rows_acked = std::min<int64_t>(have, static_cast<int64_t>(history.size()));
  remote::Envelope envelope;
  envelope.set_protocol(kProtocolVersion);
  remote::Welcome* welcome = envelope.mutable_welcome();
  welcome->set_server_id(server_id);
  welcome->set_rows_from(static_cast<uint64_t>(peer.rows_sent));
  welcome->set_rows_total(history.size());
  bool resumed = peers.count(id) == 0 && have > 0;
  peers[id] = peer;
  if (!send(id, envelope)) return;
  log("viewer " + peer.name + (resumed ? " reconnected" : " connected") + "; sending rows from " +
      std::to_string(peer.rows_sent) + " of " + std::to_string(history.size()));
  count([&](ServeStats& s) { ++s.viewers_seen; });
}

void RemoteServer::Impl::command(const std::string& id, Peer& peer,
                                 const remote::CommandRequest& request) {
  auto decoded = decode_command(request.command());
  if (!decoded) return refuse(id, peer.name + " sent a bad command: " + decoded.error());
  if (decoded->kind == Command::Kind::kStop) {
    return refuse(id, peer.name + " asked the server to stop: a viewer cannot stop it");
  }
  if (std::string why = viewer_path_problem(*decoded); !why.empty()) {
    return refuse(id, peer.name + " sent a command with " + why);
  }
  if (pushed_seq > commands_done + kMaxCommandsWaiting) {
    return refuse(id, peer.name + " sent more commands than the run takes (" +
                          std::to_string(kMaxCommandsWaiting) + " waiting)");
  }
  uint64_t seq = pushed_seq = link.commands.push(std::move(*decoded));
  remote::Envelope envelope;
  envelope.set_protocol(kProtocolVersion);
  envelope.mutable_queued()->set_viewer_seq(request.viewer_seq());
  envelope.mutable_queued()->set_server_seq(seq);
  send(id, envelope);
  count([&](ServeStats& s) { ++s.commands; });
}

void RemoteServer::Impl::refuse(const std::string& id, const std::string& why) {
  ++refused_messages;
  log(why + "; dropped it");
  remote::Envelope envelope;
  envelope.set_protocol(kProtocolVersion);
  envelope.mutable_refusal()->set_reason(why);
  send(id, envelope);
  peers.erase(id);
}

bool RemoteServer::Impl::send(const std::string& id, const remote::Envelope& envelope,
                              int64_t* bytes) {
  std::string data = envelope.SerializeAsString();
  if (bytes) *bytes = static_cast<int64_t>(data.size());
  std::array<zmq::const_buffer, 2> parts{zmq::buffer(id), zmq::buffer(data)};
  try {
    if (!zmq::send_multipart(router, parts, zmq::send_flags::dontwait)) return false;
  } catch (const zmq::error_t& e) {
    if (e.num() != EHOSTUNREACH) throw;
    peers.erase(id);  // gone: a reconnecting viewer says hello again
    return false;
  }
  auto found = peers.find(id);
  if (found != peers.end()) found->second.spoke = Clock::now();
  return true;
}

void RemoteServer::Impl::serve(const std::string& id, Peer& peer) {
  send_rows(id, peer);
  if (peers.count(id) == 0) return;
  send_snapshot(id, peer);
  if (peers.count(id) == 0) return;
  if (seconds_since(peer.spoke) > options.heartbeat_s) {
    remote::Envelope envelope;
    envelope.set_protocol(kProtocolVersion);
    envelope.set_heartbeat(true);
    send(id, envelope);
  }
}

void RemoteServer::Impl::send_rows(const std::string& id, Peer& peer) {
  int64_t held = static_cast<int64_t>(history.size());
  while (peer.rows_sent < held && peer.rows_sent - peer.rows_acked < options.row_window) {
    int64_t n = std::min({held - peer.rows_sent, options.rows_per_batch,
                          options.row_window - (peer.rows_sent - peer.rows_acked)});
    std::vector<MetricRow> batch(history.begin() + peer.rows_sent,
                                 history.begin() + peer.rows_sent + n);
    remote::Envelope envelope;
    envelope.set_protocol(kProtocolVersion);
    envelope.mutable_rows()->set_first(static_cast<uint64_t>(peer.rows_sent));
    envelope.mutable_rows()->set_rows(encode_rows(batch));
    int64_t bytes = 0;
    if (!send(id, envelope, &bytes)) return;
    peer.rows_sent += n;
    count([&](ServeStats& s) {
      s.rows_sent += n;
      s.row_bytes += bytes;
    });
  }
}

void RemoteServer::Impl::send_snapshot(const std::string& id, Peer& peer) {
  if (snapshot_version == 0 || peer.sent_version == snapshot_version) return;
  if (peer.acked_version != peer.sent_version) return;  // one in flight: this viewer is behind
  if (seconds_since(peer.snapshot_at) < 1.0 / options.max_snapshot_hz) return;
  remote::Envelope envelope;
  envelope.set_protocol(kProtocolVersion);
  remote::SnapshotUpdate* update = envelope.mutable_snapshot();
  update->set_version(snapshot_version);
  for (int i = 0; i < kSections; ++i) {
    if (peer.section_hash[i] == section_hash[i]) continue;
    remote::SnapshotSection* section = update->add_sections();
    section->set_id(static_cast<uint32_t>(i));
    section->set_payload(sections[i]);
    section->set_raw_size(section_raw_size[i]);
  }
  int64_t bytes = 0;
  if (!send(id, envelope, &bytes)) return;
  peer.section_hash = section_hash;
  peer.sent_version = snapshot_version;
  peer.snapshot_at = Clock::now();
  count([&](ServeStats& s) {
    ++s.snapshots_sent;
    s.snapshot_bytes += bytes;
  });
}

}  // namespace genscope::net
