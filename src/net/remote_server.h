#pragma once
// genscope --serve: serves one run's TrainerLink to remote viewers (genscope --connect). The
// server is the link's consumer, in place of a window: it takes the newest snapshot, keeps every
// metric row (a late viewer gets the whole history first) and pushes the viewers' commands. It
// never waits for a viewer: each one has at most one snapshot and a window of rows in flight; a
// slow viewer skips intermediate snapshots, never rows. Viewers authenticate with the token
// (ZeroMQ's PLAIN mechanism, checked by our ZAP handler in constant time); every message is
// size-bounded and validated, and a viewer that sends a bad one is told why and dropped.
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

/// How a server listens and paces its viewers.
struct ServeOptions {
  std::string listen = "127.0.0.1:7777";  // HOST:PORT; port 0 picks a free one
  std::string token;                     // empty: a random one
  int64_t row_window = 6000;             // rows in flight per viewer before it acknowledges
  int64_t rows_per_batch = 2000;         // (about 100 KB: a slow link still hears heartbeats)
  double max_snapshot_hz = 60.0;         // per viewer
  double heartbeat_s = 0.5;              // a quiet viewer still hears from the server this often
  double viewer_timeout_s = 15.0;        // a viewer silent this long is forgotten
};

/// What a server has done so far (read from any thread).
struct ServeStats {
  int64_t viewers = 0;           // connected now
  int64_t viewers_seen = 0;      // connections answered (a reconnection counts again)
  int64_t refused = 0;           // wrong tokens, bad messages, other protocol versions
  int64_t snapshots_sent = 0;
  int64_t snapshot_bytes = 0;    // bytes of SnapshotUpdate messages
  int64_t rows_sent = 0;
  int64_t row_bytes = 0;
  int64_t commands = 0;          // commands pushed to the run
  int64_t rows_held = 0;         // the metric history
};

/// Serves a TrainerLink on a thread of its own until destroyed.
class RemoteServer {
 public:
  /// Binds and starts serving `link` (whose snapshots and metrics it consumes); an error names
  /// the address ("--listen 127.0.0.1:7777: Address already in use").
  static Result<std::unique_ptr<RemoteServer>> start(TrainerLink& link, ServeOptions options);
  ~RemoteServer();

  /// The address it listens on, with the port it got ("127.0.0.1:40123").
  const std::string& address() const { return address_; }
  const std::string& token() const { return token_; }
  ServeStats stats() const;
  /// Where log lines go (stderr by default); set before viewers connect.
  void set_log(std::function<void(const std::string&)> log);

  struct Impl;

 private:
  RemoteServer() = default;
  std::unique_ptr<Impl> impl_;
  std::string address_;
  std::string token_;
  std::thread thread_;
};

}  // namespace genscope::net
