// genscope-net-bench: what serving a run costs, on loopback. A real run (the window's Trainer,
// DCGAN on Fashion-MNIST unless flags say otherwise) publishes into a relay that stamps each
// snapshot and hands it to a RemoteServer; one viewer (RemoteClient) receives it. Reports the
// snapshot bytes per second on the wire, what one snapshot costs (all sections, and a step's
// update), rows per second, and the latency from the server's publish to the viewer's publish
// (p50/p99; the viewer's window draws it at its next frame, up to 1/60 s later).
//   genscope-net-bench [--seconds S] [training flags...]
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "core/cli.h"
#include "net/remote_client.h"
#include "net/remote_server.h"
#include "net/snapshot_wire.h"
#include "train/trainer.h"

using namespace genscope;
using Clock = std::chrono::steady_clock;

namespace {

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto cli = parse_cli(args);
  if (!cli) {
    std::fprintf(stderr, "genscope-net-bench: %s\n", cli.error().c_str());
    return 2;
  }
  const double seconds = cli->seconds > 0 ? cli->seconds : 20.0;
  TrainerLink trained, served, viewed;
  std::mutex mutex;
  std::condition_variable cv;
  bool published = false;
  trained.snapshots.set_on_publish([&] {
    std::lock_guard<std::mutex> lock(mutex);
    published = true;
    cv.notify_one();
  });
  std::map<int64_t, Clock::time_point> sent_at;  // by step
  std::vector<double> latency_ms;
  viewed.snapshots.set_on_publish([&] {
    const Clock::time_point now = Clock::now();
    viewed.snapshots.update();
    std::lock_guard<std::mutex> lock(mutex);
    auto found = sent_at.find(viewed.snapshots.read().step);
    if (found != sent_at.end() && viewed.snapshots.read().running) {
      latency_ms.push_back(ms_between(found->second, now));
      sent_at.erase(found);
    }
  });
  net::ServeOptions serve;
  serve.listen = "127.0.0.1:0";
  auto server = net::RemoteServer::start(served, serve);
  if (!server) {
    std::fprintf(stderr, "genscope-net-bench: %s\n", server.error().c_str());
    return 1;
  }
  net::ConnectOptions connect;
  connect.address = (*server)->address();
  connect.token = (*server)->token();
  auto client = net::RemoteClient::start(viewed, connect);
  RunOptions run;
  run.params = cli->params;
  run.dir = "/tmp/genscope-net-bench-run";
  run.headless = true;  // as --serve trains
  Trainer trainer(trained, run);
  trainer.start();
  // The relay: every trained snapshot and row goes on to the server, stamped on the way.
  std::vector<MetricRow> rows;
  int64_t full_bytes = 0, core_bytes = 0, first_step = -1, last_step = 0;
  Clock::time_point started{};
  bool timing = false;
  std::vector<MetricRow> discard;
  while (!timing || Clock::now() - started < std::chrono::duration<double>(seconds)) {
    {
      std::unique_lock<std::mutex> lock(mutex);
      cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return published; });
      published = false;
    }
    trained.metrics.drain(rows);
    for (const MetricRow& r : rows) served.metrics.push(r);
    viewed.metrics.drain(discard);
    if (!trained.snapshots.update()) continue;
    const Snapshot& snap = trained.snapshots.read();
    if (!timing && snap.running && snap.has_images()) {
      timing = true;
      started = Clock::now();
      first_step = snap.step;
    }
    if (!timing) continue;
    if (full_bytes == 0) {
      std::printf("one snapshot's sections (raw bytes):");
      for (int i = 0; i < static_cast<int>(net::Section::kCount); ++i) {
        auto section = static_cast<net::Section>(i);
        const size_t size = net::encode_section(snap, section).size();
        full_bytes += static_cast<int64_t>(size);
        std::printf(" %s %.1f KB", net::section_name(section), size / 1e3);
      }
      std::printf("\n");
      core_bytes = static_cast<int64_t>(encode_section(snap, net::Section::kCore).size());
    }
    last_step = snap.step;
    {
      std::lock_guard<std::mutex> lock(mutex);
      sent_at[snap.step] = Clock::now();
    }
    served.snapshots.write_slot() = snap;
    served.snapshots.publish();
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  trainer.stop();
  const net::ServeStats stats = (*server)->stats();
  const net::ConnectStats seen = (*client)->stats();
  std::lock_guard<std::mutex> lock(mutex);
  std::printf("served %.1f s of %s on %s (%lld steps, %.1f steps/s)\n", elapsed,
              trained.snapshots.read().model_name.c_str(), trained.snapshots.read().dataset_name.c_str(),
              static_cast<long long>(last_step - first_step), (last_step - first_step) / elapsed);
  std::printf("snapshots: %lld sent (%.1f/s), %.1f KB/s on the wire, %.1f KB each on average; "
              "one whole snapshot %.1f KB raw, its core %.1f KB\n",
              static_cast<long long>(stats.snapshots_sent), stats.snapshots_sent / elapsed,
              stats.snapshot_bytes / elapsed / 1e3,
              stats.snapshot_bytes / 1e3 / std::max<int64_t>(1, stats.snapshots_sent),
              full_bytes / 1e3, core_bytes / 1e3);
  std::printf("rows: %lld sent, %.1f KB/s; the viewer holds %lld rows, got %.1f MB in all\n",
              static_cast<long long>(stats.rows_sent), stats.row_bytes / elapsed / 1e3,
              static_cast<long long>(seen.rows), seen.bytes / 1e6);
  std::printf("latency, server publish -> viewer publish: p50 %.2f ms, p99 %.2f ms (%zu "
              "snapshots)\n",
              percentile(latency_ms, 0.5), percentile(latency_ms, 0.99), latency_ms.size());
  return 0;
}
