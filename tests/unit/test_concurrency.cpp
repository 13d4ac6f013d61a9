#include <gtest/gtest.h>

#include <thread>

#include "core/metric_stream.h"

using namespace genscope;

// The producer publishes snapshots whose fields all carry the same number; the consumer must only
// ever see whole snapshots, with versions that never go backwards.
TEST(SnapshotBuffer, ConsumerSeesWholeIncreasingSnapshots) {
  SnapshotBuffer buffer;
  constexpr int64_t kCount = 20000;
  std::thread producer([&] {
    for (int64_t i = 1; i <= kCount; ++i) {
      Snapshot& s = buffer.write_slot();
      s.step = i;
      s.d_real.assign(16, static_cast<float>(i));
      s.samples.width = static_cast<int>(i % 1000);
      buffer.publish();
    }
  });
  int64_t last_step = 0;
  uint64_t last_version = 0;
  int64_t seen = 0;
  while (last_step < kCount) {
    if (!buffer.update()) continue;
    const Snapshot& s = buffer.read();
    ASSERT_GT(s.version, last_version);
    ASSERT_GT(s.step, last_step);
    ASSERT_EQ(s.d_real.size(), 16u);
    for (float v : s.d_real) ASSERT_EQ(v, static_cast<float>(s.step));
    ASSERT_EQ(s.samples.width, static_cast<int>(s.step % 1000));
    last_version = s.version;
    last_step = s.step;
    ++seen;
  }
  producer.join();
  EXPECT_EQ(last_step, kCount);  // the newest snapshot is never lost
  EXPECT_GT(seen, 0);
  EXPECT_FALSE(buffer.update());
}

TEST(SnapshotBuffer, UpdateIsFalseUntilPublish) {
  SnapshotBuffer buffer;
  EXPECT_FALSE(buffer.update());
  buffer.write_slot().step = 7;
  int notified = 0;
  buffer.set_on_publish([&] { ++notified; });
  buffer.publish();
  EXPECT_TRUE(buffer.update());
  EXPECT_EQ(buffer.read().step, 7);
  EXPECT_EQ(notified, 1);
}

TEST(CommandQueue, ManyProducersLoseNothingAndKeepOrderPerProducer) {
  CommandQueue queue;
  constexpr int kProducers = 4, kEach = 5000;
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kEach; ++i) {
        queue.push(Command::set(ParamId::kSeed, ParamValue{double(p * kEach + i), ""}));
      }
    });
  }
  std::vector<Command> got, batch;
  std::vector<int> last(kProducers, -1);
  while (got.size() < size_t(kProducers * kEach)) {
    queue.wait_for_commands();
    queue.drain(batch);
    for (auto& c : batch) {
      int v = static_cast<int>(c.value.number);
      int p = v / kEach;
      ASSERT_GT(v % kEach, last[p]);
      last[p] = v % kEach;
      got.push_back(c);
    }
    batch.clear();
  }
  for (auto& t : producers) t.join();
  EXPECT_EQ(got.size(), size_t(kProducers * kEach));
}

TEST(MetricStream, DrainsEveryRowOnce) {
  MetricStream stream;
  constexpr int kRows = 50000;
  std::thread producer([&] {
    for (int i = 1; i <= kRows; ++i) {
      MetricRow r;
      r.step = i;
      stream.push(r);
    }
  });
  std::vector<MetricRow> rows;
  int64_t expected = 1;
  while (expected <= kRows) {
    stream.drain(rows);
    for (const auto& r : rows) ASSERT_EQ(r.step, expected++);
  }
  producer.join();
  EXPECT_EQ(stream.drain(rows), 0u);
}
