// IDX reading/writing and dataset loading, on files made here (plus Fashion-MNIST when installed).
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/idx.h"

namespace genscope {
namespace {

namespace fs = std::filesystem;

// A fresh, empty scratch directory for one test.
fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(GENSCOPE_TEST_TMP) / "idx" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_bytes(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

// An IDX header: magic with the given type byte, then big-endian dims.
std::vector<uint8_t> header(uint8_t type, const std::vector<uint32_t>& dims) {
  std::vector<uint8_t> bytes = {0, 0, type, uint8_t(dims.size())};
  for (uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(uint8_t(d >> shift));
  return bytes;
}

IdxArray make_array(std::vector<int64_t> dims) {
  IdxArray array{std::move(dims), {}};
  int64_t count = 1;
  for (int64_t d : array.dims) count *= d;
  for (int64_t i = 0; i < count; ++i) array.data.push_back(uint8_t(i * 7 + 3));
  return array;
}

IdxArray make_labels(int64_t count, uint8_t classes) {
  IdxArray array{{count}, {}};
  for (int64_t i = 0; i < count; ++i) array.data.push_back(uint8_t(i % classes));
  return array;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void expect_round_trip(const fs::path& path) {
  IdxArray original = make_array({5, 3, 4});
  ASSERT_TRUE(write_idx(path.string(), original).ok());
  auto loaded = read_idx(path.string());
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded->dims, original.dims);
  EXPECT_EQ(loaded->data, original.data);
}

TEST(Idx, RoundTripPlain) { expect_round_trip(fresh_dir("plain") / "a-idx3-ubyte"); }

TEST(Idx, RoundTripGzipped) {
  fs::path path = fresh_dir("gz") / "a-idx3-ubyte.gz";
  expect_round_trip(path);
  std::ifstream in(path, std::ios::binary);
  EXPECT_EQ(in.get(), 0x1f);  // gzip magic: really compressed
  EXPECT_EQ(in.get(), 0x8b);
}

TEST(Idx, WriteRejectsSizeMismatch) {
  IdxArray array = make_array({2, 2});
  array.data.pop_back();
  Status status = write_idx((fresh_dir("mismatch") / "x").string(), array);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(contains(status.error(), "3 bytes")) << status.error();
}

TEST(Idx, MissingFileNamesPath) {
  std::string path = (fresh_dir("missing") / "nope-idx3-ubyte").string();
  auto result = read_idx(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), path + ": not found");
}

TEST(Idx, BadMagic) {
  fs::path path = fresh_dir("magic") / "bad";
  write_bytes(path, {0x89, 'P', 'N', 'G', 0, 0, 0, 0});
  auto result = read_idx(path.string());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), path.string() + ": bad magic 0x89504e47 (not an IDX file)");
}

TEST(Idx, TooManyDimsIsBadMagic) {
  fs::path path = fresh_dir("dims5") / "bad";
  write_bytes(path, header(0x08, {1, 1, 1, 1, 1}));
  auto result = read_idx(path.string());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(contains(result.error(), "bad magic 0x00000805")) << result.error();
}

TEST(Idx, WrongTypeByte) {
  fs::path path = fresh_dir("type") / "floats";
  auto bytes = header(0x0d, {2});
  bytes.resize(bytes.size() + 8);
  write_bytes(path, bytes);
  auto result = read_idx(path.string());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(contains(result.error(), path.string() + ": unsupported IDX type 0x0d"))
      << result.error();
}

TEST(Idx, TruncatedData) {
  fs::path path = fresh_dir("truncated") / "short";
  auto bytes = header(0x08, {4, 5});
  bytes.resize(bytes.size() + 13);
  write_bytes(path, bytes);
  auto result = read_idx(path.string());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), path.string() + ": truncated: expected 20 bytes of data, got 13");
}

TEST(Idx, TruncatedHeader) {
  fs::path path = fresh_dir("short_header") / "short";
  auto bytes = header(0x08, {4, 5});
  bytes.resize(6);
  write_bytes(path, bytes);
  auto result = read_idx(path.string());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(contains(result.error(), "truncated header")) << result.error();
}

TEST(Idx, TrailingBytes) {
  fs::path path = fresh_dir("trailing") / "long";
  auto bytes = header(0x08, {2, 2});
  bytes.resize(bytes.size() + 5);
  write_bytes(path, bytes);
  auto result = read_idx(path.string());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(contains(result.error(), path.string() + ": trailing bytes")) << result.error();
}

TEST(Idx, ZeroDimension) {
  fs::path path = fresh_dir("zero") / "empty";
  write_bytes(path, header(0x08, {3, 0, 2}));
  auto result = read_idx(path.string());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(contains(result.error(), "dimension 1 is 0")) << result.error();
}

TEST(Idx, HugeDimensions) {
  fs::path path = fresh_dir("huge") / "huge";
  write_bytes(path, header(0x08, {65536, 65536}));
  auto result = read_idx(path.string());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(contains(result.error(), "too large")) << result.error();
}

// The process's peak resident memory in MB (Linux: ru_maxrss is in KB).
double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

// A 32-byte file declaring 2,000,000,000 bytes of data, raw and gzipped: a clean error naming
// the file, and nothing like the declared size allocated (it used to be zero-filled first).
TEST(Idx, ASmallFileDeclaringHugeDataIsAnErrorWithoutAllocatingIt) {
  const fs::path dir = fresh_dir("declares_huge");
  std::vector<uint8_t> bytes = header(0x08, {2000, 1000, 1000});
  bytes.resize(32, 7);
  write_bytes(dir / "raw", bytes);
  IdxArray tiny{{1}, {0}};
  ASSERT_TRUE(write_idx((dir / "g.gz").string(), tiny).ok());
  {  // the same header, gzipped, with a few bytes of data after it
    gzFile f = gzopen((dir / "huge.gz").string().c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(gzwrite(f, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
    gzclose(f);
  }
  const double before = peak_rss_mb();
  for (const char* name : {"raw", "huge.gz"}) {
    auto result = read_idx((dir / name).string());
    ASSERT_FALSE(result.ok()) << name;
    EXPECT_TRUE(contains(result.error(), name)) << result.error();
    EXPECT_TRUE(contains(result.error(), "truncated")) << result.error();
  }
  EXPECT_LT(peak_rss_mb() - before, 200.0) << "the declared 2 GB were allocated";
}

TEST(Idx, AFifoIsRefusedInsteadOfBlocking) {
  const fs::path path = fresh_dir("fifo") / "train-images-idx3-ubyte";
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  auto result = read_idx(path.string());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(contains(result.error(), "not a regular file")) << result.error();
}

// Writes train (and optionally t10k) files into `dir`.
void write_split(const fs::path& dir, const std::string& split, int64_t count, bool gz = true) {
  std::string ext = gz ? ".gz" : "";
  ASSERT_TRUE(
      write_idx((dir / (split + "-images-idx3-ubyte" + ext)).string(), make_array({count, 6, 5}))
          .ok());
  ASSERT_TRUE(
      write_idx((dir / (split + "-labels-idx1-ubyte" + ext)).string(), make_labels(count, 10))
          .ok());
}

TEST(Dataset, LoadsTrainAndTest) {
  fs::path dir = fresh_dir("toy_mnist");
  write_split(dir, "train", 12);
  write_split(dir, "t10k", 4, false);
  auto result = load_dataset(dir.string());
  ASSERT_TRUE(result.ok()) << result.error();
  const Dataset& data = *result;
  EXPECT_EQ(data.name, "toy_mnist");
  EXPECT_EQ(data.train.count, 12);
  EXPECT_EQ(data.train.channels, 1);
  EXPECT_EQ(data.train.height, 6);
  EXPECT_EQ(data.train.width, 5);
  EXPECT_EQ(data.train.pixels, make_array({12, 6, 5}).data);
  EXPECT_EQ(data.train.labels, make_labels(12, 10).data);
  EXPECT_EQ(data.test.count, 4);
  EXPECT_EQ(data.test.labels.size(), 4u);
  ASSERT_EQ(data.train.class_names.size(), 10u);  // "mnist" in the name, digit labels
  EXPECT_EQ(data.train.class_names[3], "3");
}

TEST(Dataset, LabelsAndTestAreOptional) {
  fs::path dir = fresh_dir("unlabeled");
  ASSERT_TRUE(write_idx((dir / "train-images.idx3-ubyte").string(), make_array({3, 2, 2})).ok());
  auto result = load_dataset(dir.string() + "/");
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->name, "unlabeled");
  EXPECT_EQ(result->train.count, 3);
  EXPECT_TRUE(result->train.labels.empty());
  EXPECT_TRUE(result->train.class_names.empty());
  EXPECT_EQ(result->test.count, 0);
}

TEST(Dataset, RgbImagesBecomeNchw) {
  fs::path dir = fresh_dir("rgb");
  IdxArray nhwc = make_array({2, 2, 3, 3});
  ASSERT_TRUE(write_idx((dir / "train-images-idx3-ubyte").string(), nhwc).ok());
  auto result = load_dataset(dir.string());
  ASSERT_TRUE(result.ok()) << result.error();
  const ImageSet& set = result->train;
  EXPECT_EQ(set.channels, 3);
  EXPECT_EQ(set.image_size(), 18);
  // Image 1, channel 2, row 1, column 0 sits at NHWC index ((1*2+1)*3+0)*3+2.
  EXPECT_EQ(set.pixels[1 * 18 + 2 * 6 + 1 * 3 + 0], nhwc.data[((1 * 2 + 1) * 3 + 0) * 3 + 2]);
}

TEST(Dataset, LabelCountMismatchNamesBothFiles) {
  fs::path dir = fresh_dir("mismatch");
  std::string images = (dir / "train-images-idx3-ubyte").string();
  std::string labels = (dir / "train-labels-idx1-ubyte").string();
  ASSERT_TRUE(write_idx(images, make_array({5, 2, 2})).ok());
  ASSERT_TRUE(write_idx(labels, make_labels(4, 10)).ok());
  auto result = load_dataset(dir.string());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(contains(result.error(), labels)) << result.error();
  EXPECT_TRUE(contains(result.error(), images)) << result.error();
}

TEST(Dataset, TwoDimensionalImagesAreRejected) {
  fs::path dir = fresh_dir("flat");
  std::string images = (dir / "train-images-idx3-ubyte").string();
  ASSERT_TRUE(write_idx(images, make_array({5, 4})).ok());
  auto result = load_dataset(dir.string());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(contains(result.error(), images + ": expected images of shape")) << result.error();
}

TEST(Dataset, CorruptImageFileIsReported) {
  fs::path dir = fresh_dir("corrupt");
  write_bytes(dir / "train-images-idx3-ubyte", header(0x08, {10, 2, 2}));
  auto result = load_dataset(dir.string());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(contains(result.error(), "truncated: expected 40 bytes of data, got 0"))
      << result.error();
}

TEST(Dataset, MissingDirectory) {
  std::string dir = (fresh_dir("gone") / "nowhere").string();
  auto result = load_dataset(dir);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), "dataset directory " + dir + ": not found");
}

TEST(Dataset, DirectoryWithoutTrainImagesNamesExpectedFiles) {
  fs::path dir = fresh_dir("empty_dir");
  auto result = load_dataset(dir.string());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(contains(result.error(), dir.string())) << result.error();
  EXPECT_TRUE(contains(result.error(), "train-images-idx3-ubyte")) << result.error();
}

TEST(Dataset, RealFashionMnist) {
  if (!fs::exists(kFashionMnistDir)) GTEST_SKIP() << kFashionMnistDir << " not installed";
  auto result = load_dataset("fashion-mnist");
  ASSERT_TRUE(result.ok()) << result.error();
  const Dataset& data = *result;
  EXPECT_EQ(data.name, "fashion-mnist");
  EXPECT_EQ(data.train.count, 60000);
  EXPECT_EQ(data.train.height, 28);
  EXPECT_EQ(data.train.width, 28);
  EXPECT_EQ(data.train.channels, 1);
  EXPECT_EQ(data.train.pixels.size(), 60000u * 28 * 28);
  EXPECT_EQ(data.train.labels.size(), 60000u);
  ASSERT_EQ(data.train.class_names.size(), 10u);
  EXPECT_EQ(data.train.class_names[9], "Ankle boot");
  EXPECT_EQ(data.test.count, 10000);
  EXPECT_EQ(data.test.labels.size(), 10000u);
}

}  // namespace
}  // namespace genscope
