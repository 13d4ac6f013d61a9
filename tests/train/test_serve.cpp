// genscope --serve's parts with a real run: the window's Trainer feeds a RemoteServer, and a
// viewer on loopback watches it and steers it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "net/remote_client.h"
#include "net/remote_server.h"
#include "support/link_reader.h"
#include "support/test_files.h"
#include "support/trainer_harness.h"
#include "train/trainer.h"

using namespace genscope;

namespace {

const bool kCleanup = test::remove_when_all_pass("serve");

std::string dir() { return test::process_dir("serve"); }

Params small() {
  static const Params params = test::small_gan_params(dir() + "/squares");
  return params;
}

TEST(Serve, AViewerWatchesARealRunAndItsEditChangesTheServersParameter) {
  TrainerLink link;
  net::ServeOptions serve;
  serve.listen = "127.0.0.1:0";
  serve.token = "t0ken";
  auto server = net::RemoteServer::start(link, serve);
  ASSERT_TRUE(server.ok()) << server.error();
  const std::string out = dir() + "/served";
  Trainer trainer(link, RunOptions{small(), "", out});
  trainer.start();

  test::LinkReader viewer;
  net::ConnectOptions connect;
  connect.address = (*server)->address();
  connect.token = "t0ken";
  auto client = net::RemoteClient::start(viewer.link, connect);
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(viewer.wait([&] {
    return viewer.snap().running && viewer.snap().has_images() && viewer.rows.size() >= 5;
  })) << viewer.snap().message;
  EXPECT_EQ(viewer.snap().run_dir, out);
  EXPECT_EQ(viewer.snap().metric_names.front(), "loss_d");

  const uint64_t seq = viewer.link.commands.push(Command::set(ParamId::kLrD, {0.0123, ""}));
  ASSERT_TRUE(viewer.wait([&] { return viewer.snap().commands_done >= seq; }));
  EXPECT_DOUBLE_EQ(viewer.snap().params.number(ParamId::kLrD), 0.0123);
  const int64_t edited_at = viewer.snap().step;
  ASSERT_TRUE(viewer.wait([&] { return viewer.snap().step >= edited_at + 5; }))
      << "the server trains on after the edit";
  const uint64_t pause = viewer.link.commands.push(Command::of(Command::Kind::kPause));
  ASSERT_TRUE(viewer.wait([&] { return viewer.snap().commands_done >= pause; }));
  EXPECT_TRUE(viewer.snap().paused);
  const int64_t last = viewer.snap().step;
  ASSERT_TRUE(viewer.wait([&] {
    return !viewer.rows.empty() && viewer.rows.back().step == last;
  }));
  trainer.stop();
  // Every row of the run reached the viewer once, in order.
  for (size_t i = 0; i < viewer.rows.size(); ++i) {
    ASSERT_EQ(viewer.rows[i].step, static_cast<int64_t>(i) + 1);
  }
  std::ifstream events(out + "/events.log");
  std::stringstream text;
  text << events.rdbuf();
  EXPECT_NE(text.str().find("lr_d"), std::string::npos) << "the run logged the viewer's edit";
}

}  // namespace
