// TensorBoard event files: CRC-32C against published vectors, TFRecord framing, Event bytes
// against the protobuf wire format worked out by hand, and a file read back with the same .proto.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "record/tensorboard_writer.h"
#include "record/tfrecord.h"
#include "src/record/proto/tensorboard_event.pb.h"

namespace genscope {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) s.push_back(static_cast<char>(v));
  return s;
}

TEST(Crc32c, PublishedVectors) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);  // the CRC catalogue's check value
  // RFC 3720 (iSCSI), appendix B.4.
  EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  std::string up, down;
  for (int i = 0; i < 32; ++i) up.push_back(char(i)), down.push_back(char(31 - i));
  EXPECT_EQ(crc32c(up), 0x46DD794Eu);
  EXPECT_EQ(crc32c(down), 0x113FDB5Cu);
  EXPECT_EQ(crc32c("56789", crc32c("1234")), 0xE3069283u);  // continues
}

TEST(TfRecord, FramesAndChecksRecords) {
  const std::string framed = tfrecord_frame("abc") + tfrecord_frame("");
  ASSERT_EQ(framed.size(), 16u + 3u + 16u);
  EXPECT_EQ(framed.substr(0, 8), bytes({3, 0, 0, 0, 0, 0, 0, 0}));
  const uint32_t crc = crc32c("abc");
  const uint32_t masked = ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
  EXPECT_EQ(masked_crc32c("abc"), masked);
  auto records = tfrecord_records(framed, "f.tfevents");
  ASSERT_TRUE(records) << records.error();
  EXPECT_EQ(*records, (std::vector<std::string>{"abc", ""}));
  std::string corrupt = framed;
  corrupt[13] ^= 1;
  auto bad = tfrecord_records(corrupt, "f.tfevents");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("f.tfevents: record 0"), std::string::npos) << bad.error();
  EXPECT_NE(bad.error().find("data CRC"), std::string::npos) << bad.error();
  EXPECT_FALSE(tfrecord_records(framed.substr(0, 20), "f"));
}

TEST(TensorBoardEvent, ScalarMatchesTheWireFormat) {
  MetricRow row;
  row.step = 7;
  row.push(0.5f);
  row.push(2.0f, /*measured=*/false);  // left out
  const std::string event = tb_scalar_event(7, 1.5, {"a", "b"}, row);
  // wall_time (1, fixed64) 1.5; step (2, varint) 7; summary (5, bytes) { value (1, bytes)
  // { tag (1) "a"; simple_value (2, fixed32) 0.5 } }.
  EXPECT_EQ(event, bytes({0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x10, 0x07, 0x2A, 0x0A, 0x0A, 0x08,
                          0x0A, 0x01, 'a', 0x15, 0, 0, 0, 0x3F}));
  MetricRow nothing;
  nothing.push(1.0f, false);
  EXPECT_TRUE(tb_scalar_event(1, 1.0, {"a"}, nothing).empty());
}

TEST(TensorBoardEvent, VersionImageAndHistogramDecode) {
  tensorboard::Event e;
  ASSERT_TRUE(e.ParseFromString(tb_version_event(10.0)));
  EXPECT_EQ(e.file_version(), "brain.Event:2");
  EXPECT_EQ(e.wall_time(), 10.0);

  ImageRGBA image{2, 1, {255, 0, 0, 255, 0, 0, 255, 255}};
  ASSERT_TRUE(e.ParseFromString(tb_image_event("samples", 500, 11.0, image)));
  ASSERT_EQ(e.summary().value_size(), 1);
  const auto& im = e.summary().value(0).image();
  EXPECT_EQ(e.step(), 500);
  EXPECT_EQ(e.summary().value(0).tag(), "samples");
  EXPECT_EQ(im.width(), 2);
  EXPECT_EQ(im.height(), 1);
  EXPECT_EQ(im.colorspace(), 4);
  EXPECT_EQ(im.encoded_image_string().substr(1, 3), "PNG");

  LayerHistogram h;
  h.name = "G net.0 weight";
  h.lo = -1.0f, h.hi = 1.0f;
  h.share = {0.25f, 0.75f};
  h.count = 8, h.sum = 2.0, h.sum_squares = 5.0;
  ASSERT_TRUE(e.ParseFromString(tb_histogram_event(100, 12.0, {h})));
  const auto& v = e.summary().value(0);
  EXPECT_EQ(v.tag(), "hist/G net.0 weight");
  EXPECT_EQ(v.histo().num(), 8.0);
  EXPECT_EQ(v.histo().sum_squares(), 5.0);
  ASSERT_EQ(v.histo().bucket_limit_size(), 2);
  EXPECT_EQ(v.histo().bucket_limit(0), 0.0);
  EXPECT_EQ(v.histo().bucket_limit(1), 1.0);
  EXPECT_EQ(v.histo().bucket(0), 2.0);
  EXPECT_EQ(v.histo().bucket(1), 6.0);
}

TEST(TensorBoardWriter, FileReadsBack) {
  const std::string dir = testing::TempDir() + "/tb_writer";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto w = TensorBoardWriter::open(dir, 1000.0);
  ASSERT_TRUE(w) << w.error();
  EXPECT_EQ(std::filesystem::path(w->path()).filename().string().rfind("events.out.tfevents.1000.", 0), 0u);
  MetricRow row;
  row.push(3.0f);
  ASSERT_TRUE(w->write(tb_scalar_event(1, 1001.0, {"loss_d"}, row)));
  ASSERT_TRUE(w->close());
  std::ifstream in(w->path(), std::ios::binary);
  std::stringstream all;
  all << in.rdbuf();
  auto records = tfrecord_records(all.str(), w->path());
  ASSERT_TRUE(records) << records.error();
  ASSERT_EQ(records->size(), 2u);
  tensorboard::Event e;
  ASSERT_TRUE(e.ParseFromString((*records)[1]));
  EXPECT_EQ(e.summary().value(0).tag(), "loss_d");
  EXPECT_EQ(e.summary().value(0).simple_value(), 3.0f);
  EXPECT_FALSE(TensorBoardWriter::open(dir + "/missing/folder", 1.0));
}

}  // namespace
}  // namespace genscope
