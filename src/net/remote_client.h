#pragma once
// genscope --connect: a viewer's end of the remote link. It fills a local TrainerLink from a
// server (genscope --serve) as a local trainer would, so the window works unchanged: snapshots
// are published into its SnapshotBuffer, every metric row into its MetricStream, and the
// commands its panels push are sent to the server. A lost connection is said in the snapshot's
// message ("reconnecting...") and resumed after the last row it holds.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/metric_stream.h"
#include "util/result.h"

namespace genscope::net {

/// Where to connect and how patiently.
struct ConnectOptions {
  std::string address;           // HOST:PORT
  std::string token;
  std::string viewer;            // who this is, for the server's log (default: user@host)
  double silence_s = 30.0;       // no whole message from the server this long: reconnect
                                 // (libzmq's heartbeats notice a dead link within 10 s)
  double hello_every_s = 1.0;    // while waiting for a welcome
  double connect_s = 10.0;       // never connected this long: say so (an error) and go on
  /// Where the connection's news goes besides the window (the terminal): connected, lost,
  /// unreachable, refused. Called on the client's thread; none by default.
  std::function<void(const std::string&)> say;
};

/// How the connection stands (read from any thread).
struct ConnectStats {
  bool connected = false;
  int64_t reconnects = 0;
  int64_t snapshots = 0;
  int64_t rows = 0;
  int64_t bytes = 0;
  std::string error;  // why the server refused this viewer ("" while none)
};

/// Fills a TrainerLink from a server on a thread of its own until destroyed.
class RemoteClient {
 public:
  /// Starts connecting (it does not wait for the server); an error names a bad address.
  static Result<std::unique_ptr<RemoteClient>> start(TrainerLink& link, ConnectOptions options);
  ~RemoteClient();
  ConnectStats stats() const;

  struct Impl;

 private:
  RemoteClient() = default;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace genscope::net
