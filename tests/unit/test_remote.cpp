// The remote viewer on loopback, without torch: a fake run publishes into the server's link, and
// viewers (RemoteClient, or raw sockets playing a hostile or a slow peer) connect to it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <zmq.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "net/remote_client.h"
#include "net/remote_server.h"
#include "net/snapshot_wire.h"
#include "net/zmq_util.h"
#include "src/net/proto/remote.pb.h"
#include "support/fake_snapshots.h"
#include "support/link_reader.h"
#include "support/remote_fixture.h"

namespace genscope::net {
namespace {

using namespace std::chrono_literals;
using test::LinkReader;
using test::FakeRun;
using test::Logged;
using test::serve;
using test::view;

void expect_same_snapshot(const Snapshot& a, const Snapshot& b) {
  for (int i = 0; i < static_cast<int>(Section::kCount); ++i) {
    auto section = static_cast<Section>(i);
    EXPECT_EQ(encode_section(a, section), encode_section(b, section)) << section_name(section);
  }
}

TEST(RemoteViewer, SeesTheServersSnapshotAndEveryRowForEveryFamily) {
  for (ModelFamily family :
       {ModelFamily::kImageGan, ModelFamily::kVae, ModelFamily::kToy, ModelFamily::kText}) {
    FakeRun run;
    Snapshot snap = test::fake_snapshot(family, 600);
    std::vector<MetricRow> rows = test::fake_rows(snap, 600);
    run.push(rows);
    run.publish(snap);
    auto server = serve(run);
    LinkReader viewer;
    auto client = view(viewer, *server);
    ASSERT_TRUE(viewer.wait([&] { return viewer.rows.size() == rows.size() && viewer.snap().running; }))
        << "family " << static_cast<int>(family) << ": " << viewer.rows.size() << " rows, "
        << viewer.snap().message;
    expect_same_snapshot(viewer.snap(), run.link.snapshots.read());
    for (size_t i = 0; i < rows.size(); ++i) {
      ASSERT_EQ(viewer.rows[i].step, rows[i].step);
      ASSERT_EQ(viewer.rows[i].values, rows[i].values);
    }
    // A new step: the core changes, the images do not, so only the core travels again.
    ASSERT_TRUE(viewer.wait([&] { return server->stats().snapshots_sent == 1; }));
    const int64_t bytes_before = server->stats().snapshot_bytes;
    snap.step = 601;
    run.publish(snap);
    ASSERT_TRUE(viewer.wait([&] { return viewer.snap().step == 601; }));
    const int64_t second = server->stats().snapshot_bytes - bytes_before;
    EXPECT_LT(second, static_cast<int64_t>(encode_section(snap, Section::kCore).size()) + 200);
    EXPECT_EQ(viewer.snap().samples.pixels, snap.samples.pixels);
  }
}

TEST(RemoteViewer, CommandsReachTheRunAndReportDoneInTheViewersNumbers) {
  FakeRun run;
  Snapshot snap = test::fake_snapshot(ModelFamily::kImageGan);
  run.publish(snap);
  auto server = serve(run);
  LinkReader viewer;
  auto client = view(viewer, *server);
  ASSERT_TRUE(viewer.wait([&] { return viewer.snap().running; }));
  viewer.link.commands.push(Command::of(Command::Kind::kPause));  // viewer seq 1
  uint64_t mine = viewer.link.commands.push(Command::set(ParamId::kLrD, {1e-3, ""}));  // 2
  std::vector<Command> got;
  FakeRun* r = &run;
  ASSERT_TRUE(viewer.wait([&] {
    for (Command& c : r->commands()) got.push_back(c);
    return got.size() == 2;
  }));
  EXPECT_EQ(got[0].kind, Command::Kind::kPause);
  EXPECT_EQ(got[1].kind, Command::Kind::kSetParam);
  EXPECT_EQ(got[1].param, ParamId::kLrD);
  EXPECT_DOUBLE_EQ(got[1].value.number, 1e-3);
  // The run handles them and says so in its own numbers; the viewer reads its own.
  snap.commands_done = got[1].seq;
  snap.params.set(ParamId::kLrD, {1e-3, ""});
  run.publish(snap);
  ASSERT_TRUE(viewer.wait([&] { return viewer.snap().commands_done == mine; }));
  EXPECT_DOUBLE_EQ(viewer.snap().params.number(ParamId::kLrD), 1e-3);
}

TEST(RemoteViewer, ALateViewerGetsTheWholeHistoryFirstThenLiveRows) {
  FakeRun run;
  Snapshot snap = test::fake_snapshot(ModelFamily::kImageGan);
  std::vector<MetricRow> rows = test::fake_rows(snap, 50000);  // beyond one window of rows
  run.push(std::vector<MetricRow>(rows.begin(), rows.begin() + 45000));
  run.publish(snap);
  auto server = serve(run);
  LinkReader early;
  auto first = view(early, *server);
  ASSERT_TRUE(early.wait([&] { return early.rows.size() == 45000; }));
  LinkReader late;
  auto second = view(late, *server);
  run.push(std::vector<MetricRow>(rows.begin() + 45000, rows.end()));
  ASSERT_TRUE(late.wait([&] { return late.rows.size() == rows.size(); })) << late.rows.size();
  ASSERT_TRUE(early.wait([&] { return early.rows.size() == rows.size(); }));
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(late.rows[i].step, rows[i].step) << i;
    ASSERT_EQ(early.rows[i].step, rows[i].step) << i;
  }
  EXPECT_EQ(server->stats().viewers, 2);
}

// Addresses that name no server are said at once, naming the flag, before any window opens.
TEST(RemoteViewer, AnAddressThatNamesNoServerIsAClearErrorAtOnce) {
  TrainerLink link;
  ConnectOptions o;
  o.token = "t";
  o.address = "127.0.0.1:0";
  auto zero = RemoteClient::start(link, o);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error(), "--connect '127.0.0.1:0': port 0 names no server (the port genscope "
                          "--serve printed)");
  o.address = "nosuchhost.invalid:7777";  // .invalid never resolves (RFC 6761)
  auto nowhere = RemoteClient::start(link, o);
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.error().rfind("--connect 'nosuchhost.invalid:7777': cannot find the host "
                                  "nosuchhost.invalid (", 0),
            0u)
      << nowhere.error();
  o.address = "127.0.0.1:7";  // resolves: connecting goes on in the background
  EXPECT_TRUE(RemoteClient::start(link, o).ok());
}

TEST(RemoteViewer, AWrongTokenIsRefusedAndTheServerGoesOnServing) {
  FakeRun run;
  run.publish(test::fake_snapshot(ModelFamily::kImageGan));
  Logged log;
  auto server = serve(run, &log);
  LinkReader intruder;
  auto bad = view(intruder, *server, "guess");
  ASSERT_TRUE(intruder.wait([&] { return !bad->stats().error.empty(); })) << intruder.snap().message;
  EXPECT_NE(bad->stats().error.find("refused this viewer's token"), std::string::npos)
      << bad->stats().error;
  EXPECT_EQ(intruder.snap().message_level, MessageLevel::kError);
  EXPECT_FALSE(intruder.snap().running);
  EXPECT_TRUE(log.has("wrong token"));
  LinkReader viewer;
  auto good = view(viewer, *server);
  EXPECT_TRUE(viewer.wait([&] { return viewer.snap().running; }));
  EXPECT_GE(server->stats().refused, 1);
}

// Connects a plain TCP socket to `address` and writes `bytes`; returns once the server closed it.
bool server_closes_after(const std::string& address, const std::string& bytes) {
  auto endpoint = parse_endpoint(address, "test");
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(endpoint->port));
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return false;
  ssize_t wrote = ::write(fd, bytes.data(), bytes.size());
  (void)wrote;
  bool closed = false;
  char buf[4096];
  for (int i = 0; i < 100 && !closed; ++i) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0 && ::read(fd, buf, sizeof buf) <= 0) closed = true;
  }
  ::close(fd);
  return closed;
}

TEST(RemoteViewer, GarbageAndBadMessagesAreRejectedAndServingGoesOn) {
  FakeRun run;
  run.publish(test::fake_snapshot(ModelFamily::kImageGan));
  Logged log;
  auto server = serve(run, &log);
  // Not ZeroMQ at all: libzmq closes the connection.
  std::string garbage(4096, '\0');
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 131 + 7);
  EXPECT_TRUE(server_closes_after(server->address(), garbage));
  // ZeroMQ with the token, but messages that are not ours, or bad commands.
  zmq::context_t context;
  zmq::socket_t peer = test::raw_viewer(context, server->address(), 5000);
  peer.send(zmq::buffer(garbage), zmq::send_flags::none);
  zmq::message_t reply;
  ASSERT_TRUE(peer.recv(reply));
  remote::Envelope envelope;
  ASSERT_TRUE(envelope.ParseFromArray(reply.data(), static_cast<int>(reply.size())));
  ASSERT_TRUE(envelope.has_refusal());
  EXPECT_NE(envelope.refusal().reason().find("not a genscope envelope"), std::string::npos);
  // Another protocol version says so.
  remote::Envelope hello;
  hello.set_protocol(kProtocolVersion + 1);
  hello.mutable_hello()->set_viewer("future");
  peer.send(zmq::buffer(hello.SerializeAsString()), zmq::send_flags::none);
  ASSERT_TRUE(peer.recv(reply));
  ASSERT_TRUE(envelope.ParseFromArray(reply.data(), static_cast<int>(reply.size())));
  EXPECT_NE(envelope.refusal().reason().find("speaks protocol 2, this server speaks 1"),
            std::string::npos) << envelope.refusal().reason();
  // A command that does not validate.
  hello.set_protocol(kProtocolVersion);
  peer.send(zmq::buffer(hello.SerializeAsString()), zmq::send_flags::none);
  ASSERT_TRUE(peer.recv(reply));  // welcome
  remote::Envelope command;
  command.set_protocol(kProtocolVersion);
  command.mutable_command()->set_command("\xff\xff\xff garbage");
  peer.send(zmq::buffer(command.SerializeAsString()), zmq::send_flags::none);
  bool refused = false;
  for (int i = 0; i < 50 && !refused && peer.recv(reply); ++i) {
    envelope.ParseFromArray(reply.data(), static_cast<int>(reply.size()));
    refused = envelope.has_refusal();
  }
  EXPECT_TRUE(refused);
  EXPECT_TRUE(run.commands().empty());
  EXPECT_TRUE(log.has("closed a connection"));
  EXPECT_TRUE(log.has("bad command"));
  LinkReader viewer;
  auto good = view(viewer, *server);
  EXPECT_TRUE(viewer.wait([&] { return viewer.snap().running; }));
}

TEST(RemoteViewer, ASlowViewerNeverHoldsTheServerBack) {
  FakeRun run;
  Snapshot snap = test::fake_snapshot(ModelFamily::kImageGan);
  run.publish(snap);
  ServeOptions options;
  options.row_window = 1000;
  options.rows_per_batch = 500;
  auto server = serve(run, nullptr, options);
  // A viewer that says hello and then never acknowledges anything.
  zmq::context_t context;
  zmq::socket_t slow = test::raw_viewer(context, server->address());
  remote::Envelope hello;
  hello.set_protocol(kProtocolVersion);
  hello.mutable_hello()->set_viewer("slow");
  slow.send(zmq::buffer(hello.SerializeAsString()), zmq::send_flags::none);
  LinkReader viewer;
  auto client = view(viewer, *server);
  std::vector<MetricRow> rows = test::fake_rows(snap, 20000);
  for (int k = 0; k < 200; ++k) {
    run.push(std::vector<MetricRow>(rows.begin() + k * 100, rows.begin() + (k + 1) * 100));
    snap.step = (k + 1) * 100;
    run.publish(snap);
  }
  ASSERT_TRUE(viewer.wait([&] { return viewer.rows.size() == rows.size() && viewer.snap().step == 20000; }));
  // The slow one holds at most one snapshot and one window of rows of all that.
  int64_t slow_rows = 0, slow_snapshots = 0;
  zmq::message_t m;
  while (slow.recv(m, zmq::recv_flags::dontwait)) {
    remote::Envelope e;
    ASSERT_TRUE(e.ParseFromArray(m.data(), static_cast<int>(m.size())));
    if (e.has_snapshot()) ++slow_snapshots;
    if (e.has_rows()) {
      std::vector<MetricRow> got;
      ASSERT_TRUE(decode_rows(e.rows().rows(), got));
      slow_rows += static_cast<int64_t>(got.size());
    }
  }
  EXPECT_LE(slow_snapshots, 1);
  EXPECT_LE(slow_rows, 1000);
}

// A TCP relay between a viewer and the server that can be taken down (every connection through
// it closed, new ones closed at once) and brought back: a network that drops.
class FlakyLink {
 public:
  explicit FlakyLink(int server_port) : server_port_(server_port) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa = loopback(0);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::listen(listen_, 8);
    socklen_t len = sizeof sa;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    thread_ = std::thread([this] { relay(); });
  }
  ~FlakyLink() {
    stop_ = true;
    thread_.join();
    close_all();
    ::close(listen_);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void down() { up_ = false; }
  void up() { up_ = true; }

 private:
  static sockaddr_in loopback(int port) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    return sa;
  }
  void close_all() {
    for (auto [a, b] : pairs_) {
      ::close(a);
      ::close(b);
    }
    pairs_.clear();
  }
  void relay() {
    char buf[65536];
    while (!stop_) {
      if (!up_) close_all();
      std::vector<pollfd> fds{{listen_, POLLIN, 0}};
      for (auto [a, b] : pairs_) {
        fds.push_back({a, POLLIN, 0});
        fds.push_back({b, POLLIN, 0});
      }
      if (::poll(fds.data(), fds.size(), 5) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        int viewer = ::accept(listen_, nullptr, nullptr);
        int server = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in sa = loopback(server_port_);
        if (!up_ || ::connect(server, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
          ::close(viewer);
          ::close(server);
        } else {
          pairs_.emplace_back(viewer, server);
        }
        continue;
      }
      for (size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        auto& pair = pairs_[(i - 1) / 2];
        int from = fds[i].fd, to = from == pair.first ? pair.second : pair.first;
        ssize_t n = ::read(from, buf, sizeof buf);
        if (n <= 0 || ::write(to, buf, static_cast<size_t>(n)) != n) {
          up_ = false;  // one side closed: close both (taken down until up() again)
          break;
        }
      }
    }
  }

  int server_port_ = 0, port_ = 0, listen_ = -1;
  std::atomic<bool> up_{true}, stop_{false};
  std::vector<std::pair<int, int>> pairs_;
  std::thread thread_;
};

TEST(RemoteViewer, ALostConnectionSaysReconnectingAndResumesWithoutLosingRows) {
  FakeRun run;
  Snapshot snap = test::fake_snapshot(ModelFamily::kImageGan);
  std::vector<MetricRow> rows = test::fake_rows(snap, 3000);
  run.push(std::vector<MetricRow>(rows.begin(), rows.begin() + 1000));
  run.publish(snap);
  auto server = serve(run);
  FlakyLink network(parse_endpoint(server->address(), "test")->port);
  LinkReader viewer;
  ConnectOptions o;
  o.address = network.address();
  o.token = "secret-token";
  o.silence_s = 1.0;
  auto client = RemoteClient::start(viewer.link, o);
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(viewer.wait([&] { return viewer.rows.size() == 1000 && viewer.snap().running; }));
  network.down();
  run.push(std::vector<MetricRow>(rows.begin() + 1000, rows.begin() + 2000));
  ASSERT_TRUE(viewer.wait([&] {
    return viewer.snap().message.find("reconnecting") != std::string::npos;
  })) << viewer.snap().message;
  EXPECT_EQ(viewer.snap().message_level, MessageLevel::kWarning);
  EXPECT_TRUE(viewer.snap().running) << "the window keeps showing the run meanwhile";
  network.up();
  run.push(std::vector<MetricRow>(rows.begin() + 2000, rows.end()));
  snap.step = 3000;
  run.publish(snap);
  ASSERT_TRUE(viewer.wait([&] { return viewer.rows.size() >= rows.size() && viewer.snap().step == 3000; }))
      << viewer.rows.size() << " rows; " << viewer.snap().message;
  ASSERT_EQ(viewer.rows.size(), rows.size()) << "no row twice";
  for (size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(viewer.rows[i].step, rows[i].step) << i;
  EXPECT_TRUE(viewer.snap().message.find("reconnecting") == std::string::npos);
  EXPECT_GE((*client)->stats().reconnects, 1);
}

}  // namespace
}  // namespace genscope::net
