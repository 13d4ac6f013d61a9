#pragma once
// A server and viewers in one test process, without torch: a fake run publishing into the
// server's link, a log catcher, and the calls that start a server and a viewer on loopback.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/remote_client.h"
#include "net/remote_server.h"
#include "net/zmq_util.h"

#include <zmq.hpp>
#include "support/link_reader.h"

namespace genscope::test {

using net::ConnectOptions;
using net::RemoteClient;
using net::RemoteServer;
using net::ServeOptions;

// The run's side: publishes snapshots and rows into the server's link.
struct FakeRun {
  TrainerLink link;
  void publish(const Snapshot& s) {
    link.snapshots.write_slot() = s;
    link.snapshots.publish();
  }
  void push(const std::vector<MetricRow>& rows) {
    for (const MetricRow& r : rows) link.metrics.push(r);
  }
  std::vector<Command> commands() {
    std::vector<Command> out;
    link.commands.drain(out);
    return out;
  }
};

struct Logged {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::function<void(const std::string&)> fn() {
    return [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mutex);
      lines.push_back(line);
    };
  }
  bool has(const std::string& part) {
    std::lock_guard<std::mutex> lock(mutex);
    for (const std::string& l : lines) {
      if (l.find(part) != std::string::npos) return true;
    }
    return false;
  }
};

inline std::unique_ptr<RemoteServer> serve(FakeRun& run, Logged* log = nullptr, ServeOptions o = {}) {
  o.listen = "127.0.0.1:0";
  if (o.token.empty()) o.token = "secret-token";
  auto server = RemoteServer::start(run.link, o);
  EXPECT_TRUE(server.ok()) << server.error();
  if (log) (*server)->set_log(log->fn());
  return std::move(*server);
}

inline std::unique_ptr<RemoteClient> view(LinkReader& reader, const RemoteServer& server,
                                   std::string token = "secret-token") {
  ConnectOptions o;
  o.address = server.address();
  o.token = std::move(token);
  o.viewer = "test-viewer";
  auto client = RemoteClient::start(reader.link, o);
  EXPECT_TRUE(client.ok()) << client.error();
  return std::move(*client);
}

/// A raw viewer's socket (a test playing a hostile or a slow peer), with the token, connected
/// to `address`; `recv_timeout_ms` bounds each receive (-1: none).
inline zmq::socket_t raw_viewer(zmq::context_t& context, const std::string& address,
                                int recv_timeout_ms = -1) {
  zmq::socket_t peer(context, zmq::socket_type::dealer);
  peer.set(zmq::sockopt::plain_username, net::kPlainUser);
  peer.set(zmq::sockopt::plain_password, "secret-token");
  peer.set(zmq::sockopt::linger, 0);
  peer.set(zmq::sockopt::rcvtimeo, recv_timeout_ms);
  peer.connect("tcp://" + address);
  return peer;
}

}  // namespace genscope::test
