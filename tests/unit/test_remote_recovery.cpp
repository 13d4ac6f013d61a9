// The remote viewer through what goes wrong in ordinary use: a run paused for longer than the
// server's patience, a server restarted under an open viewer, hellos repeated on a slow link,
// and viewers that ask for too much (files outside the run directory, a flood of commands).
#include <gtest/gtest.h>
#include <zmq.hpp>

#include <chrono>
#include <thread>

#include "net/snapshot_wire.h"
#include "net/zmq_util.h"
#include "src/net/proto/remote.pb.h"
#include "support/fake_snapshots.h"
#include "support/remote_fixture.h"

namespace genscope::net {
namespace {

using namespace std::chrono_literals;
using test::FakeRun;
using test::LinkReader;
using test::Logged;

std::unique_ptr<RemoteServer> serve_at(FakeRun& run, const std::string& address, Logged* log,
                                       ServeOptions o = {}) {
  o.listen = address;
  o.token = "secret-token";
  auto server = RemoteServer::start(run.link, o);
  EXPECT_TRUE(server.ok()) << server.error();
  if (server && log) (*server)->set_log(log->fn());
  return server ? std::move(*server) : nullptr;
}

TEST(RemoteRecovery, AQuietViewerOfAPausedRunIsKeptAndItsClickArrives) {
  FakeRun run;
  run.publish(test::fake_snapshot(ModelFamily::kImageGan));  // then nothing new: paused
  ServeOptions o;
  o.viewer_timeout_s = 1.0;
  auto server = test::serve(run, nullptr, o);
  LinkReader viewer;
  auto client = test::view(viewer, *server);
  ASSERT_TRUE(viewer.wait([&] { return viewer.snap().running; }));
  // Three times the server's patience without a new snapshot or row: the viewer's heartbeats
  // keep it known.
  const auto until = std::chrono::steady_clock::now() + 3s;
  EXPECT_FALSE(viewer.wait([&] { return client->stats().reconnects > 0; }, 3500ms));
  EXPECT_GE(std::chrono::steady_clock::now(), until);
  EXPECT_EQ(server->stats().viewers, 1);
  viewer.link.commands.push(Command::of(Command::Kind::kResume));
  std::vector<Command> got;
  ASSERT_TRUE(viewer.wait([&] {
    for (Command& c : run.commands()) got.push_back(c);
    return !got.empty();
  }));
  EXPECT_EQ(got[0].kind, Command::Kind::kResume);
  EXPECT_TRUE(client->stats().error.empty()) << client->stats().error;
}

TEST(RemoteRecovery, ARestartedServerIsViewedAfreshWithItsOwnRowsAndCommandNumbers) {
  Snapshot snap = test::fake_snapshot(ModelFamily::kImageGan);
  std::vector<MetricRow> rows = test::fake_rows(snap, 300);
  auto first = std::make_unique<FakeRun>();
  first->push(std::vector<MetricRow>(rows.begin(), rows.begin() + 200));
  first->publish(snap);
  Logged log;
  auto a = serve_at(*first, "127.0.0.1:0", &log);
  const std::string address = a->address();
  LinkReader viewer;
  ConnectOptions connect;
  connect.address = address;
  connect.token = "secret-token";
  auto client = RemoteClient::start(viewer.link, connect);
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(viewer.wait([&] { return viewer.rows.size() == 200 && viewer.snap().running; }));
  viewer.link.commands.push(Command::of(Command::Kind::kPause));  // sent; never done by A
  ASSERT_TRUE(viewer.wait([&] { return (*client)->stats().bytes > 0 && !first->commands().empty(); }));
  a.reset();
  first.reset();

  // Another server on the same address: a run of its own, further along, with its own rows.
  FakeRun second;
  snap.step = 100;
  second.push(std::vector<MetricRow>(rows.begin(), rows.begin() + 100));
  second.publish(snap);
  auto b = serve_at(second, address, &log);
  ASSERT_TRUE(b);
  viewer.rows.clear();
  ASSERT_TRUE(viewer.wait([&] { return viewer.rows.size() == 100 && viewer.snap().step == 100; }))
      << viewer.rows.size() << " rows; " << viewer.snap().message;
  EXPECT_FALSE(log.has("acknowledged")) << "its acks are of the new server's snapshots";
  const uint64_t mine = viewer.link.commands.push(Command::of(Command::Kind::kResume));
  std::vector<Command> got;
  ASSERT_TRUE(viewer.wait([&] {
    for (Command& c : second.commands()) got.push_back(c);
    return !got.empty();
  }));
  snap.commands_done = got.back().seq;  // B's number 1
  second.publish(snap);
  ASSERT_TRUE(viewer.wait([&] { return viewer.snap().commands_done == mine; }))
      << viewer.snap().commands_done << " != " << mine;
}

// A raw viewer: says hello `hellos` times at once, then counts the welcomes.
TEST(RemoteRecovery, AHelloRepeatedBeforeItsWelcomeIsAnsweredOnce) {
  FakeRun run;
  Snapshot snap = test::fake_snapshot(ModelFamily::kImageGan);
  run.push(test::fake_rows(snap, 500));
  run.publish(snap);
  auto server = test::serve(run);
  zmq::context_t context;
  zmq::socket_t peer = test::raw_viewer(context, server->address(), 500);
  remote::Envelope hello;
  hello.set_protocol(kProtocolVersion);
  hello.mutable_hello()->set_viewer("slow link");
  for (int i = 0; i < 3; ++i) peer.send(zmq::buffer(hello.SerializeAsString()), zmq::send_flags::none);
  int welcomes = 0;
  int64_t rows = 0;
  zmq::message_t m;
  while (peer.recv(m)) {
    remote::Envelope e;
    ASSERT_TRUE(e.ParseFromArray(m.data(), static_cast<int>(m.size())));
    welcomes += e.has_welcome();
    if (e.has_rows()) {
      std::vector<MetricRow> got;
      ASSERT_TRUE(decode_rows(e.rows().rows(), got));
      rows += static_cast<int64_t>(got.size());
    }
  }
  EXPECT_EQ(welcomes, 1);
  EXPECT_EQ(rows, 500) << "each row once";
}

TEST(RemoteRecovery, AViewerNamesFilesOnlyInTheRunDirectoryAndCannotFloodTheRun) {
  FakeRun run;
  run.publish(test::fake_snapshot(ModelFamily::kImageGan));
  Logged log;
  auto server = test::serve(run, &log);
  LinkReader viewer;
  auto client = test::view(viewer, *server);
  ASSERT_TRUE(viewer.wait([&] { return viewer.snap().running; }));
  Command save = Command::of(Command::Kind::kSaveCheckpoint);
  save.value.text = "mine.ckpt";  // a bare name: the run's directory
  viewer.link.commands.push(save);
  Command load = Command::of(Command::Kind::kLoadCheckpoint);
  load.value.text = "checkpoints/step-100.ckpt";
  viewer.link.commands.push(load);
  std::vector<Command> got;
  ASSERT_TRUE(viewer.wait([&] {
    for (Command& c : run.commands()) got.push_back(c);
    return got.size() == 2;
  }));
  Command escape = Command::of(Command::Kind::kExportGenerator);
  escape.value.text = "/etc/cron.d/x";
  viewer.link.commands.push(escape);
  ASSERT_TRUE(viewer.wait([&] { return !client->stats().error.empty(); }));
  EXPECT_NE(client->stats().error.find("a viewer names files in the run's directory only"),
            std::string::npos) << client->stats().error;
  EXPECT_TRUE(run.commands().empty());

  // A second viewer floods commands the run never handles: dropped past the cap.
  LinkReader flood;
  auto flooder = test::view(flood, *server);
  ASSERT_TRUE(flood.wait([&] { return flood.snap().running; }));
  for (int i = 0; i < 1100; ++i) flood.link.commands.push(Command::of(Command::Kind::kPause));
  ASSERT_TRUE(flood.wait([&] { return !flooder->stats().error.empty(); }));
  EXPECT_NE(flooder->stats().error.find("more commands than the run takes"), std::string::npos)
      << flooder->stats().error;
  EXPECT_LE(run.commands().size(), 1025u);
}

}  // namespace
}  // namespace genscope::net
