// Colour image datasets (data/image_folder.h) on files the tests write: PNG, JPEG and BMP of
// known colours in class folders, a corrupt file, a gray folder, the cache and what invalidates
// it, and CIFAR-10/100 binary files.
#include <gtest/gtest.h>
#include <stb/stb_image_write.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "data/image_folder.h"
#include "support/test_files.h"

namespace genscope {
namespace {

namespace fs = std::filesystem;

const bool kCleanup = test::remove_when_all_pass("image_folder");

std::string dir_for(const std::string& name) {
  const std::string d = test::process_dir("image_folder") + "/" + name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// A w x h RGBA image of one colour, written as PNG, JPEG or BMP by extension.
void write_image(const std::string& path, int w, int h, uint8_t r, uint8_t g, uint8_t b,
                 uint8_t a = 255) {
  fs::create_directories(fs::path(path).parent_path());
  std::vector<uint8_t> px(size_t(w) * h * 4);
  for (size_t i = 0; i < px.size(); i += 4) px[i] = r, px[i + 1] = g, px[i + 2] = b, px[i + 3] = a;
  const std::string ext = fs::path(path).extension().string();
  int ok = 0;
  if (ext == ".png") ok = stbi_write_png(path.c_str(), w, h, 4, px.data(), w * 4);
  if (ext == ".jpg") ok = stbi_write_jpg(path.c_str(), w, h, 4, px.data(), 95);
  if (ext == ".bmp") ok = stbi_write_bmp(path.c_str(), w, h, 4, px.data());
  ASSERT_NE(ok, 0) << path;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(ImageFolder, DecodesColoursGrayAndTransparency) {
  const std::string d = dir_for("decode");
  write_image(d + "/red.png", 8, 6, 250, 10, 20);
  write_image(d + "/gray.jpg", 8, 8, 90, 90, 90);
  write_image(d + "/clear.png", 4, 4, 0, 0, 0, 0);
  auto red = decode_image_file(d + "/red.png");
  ASSERT_TRUE(red.ok()) << red.error();
  EXPECT_EQ(red->width, 8);
  EXPECT_EQ(red->height, 6);
  EXPECT_TRUE(red->colour);
  EXPECT_EQ(red->rgb[0], 250);
  EXPECT_EQ(red->rgb[1], 10);
  auto gray = decode_image_file(d + "/gray.jpg");
  ASSERT_TRUE(gray.ok()) << gray.error();
  EXPECT_FALSE(gray->colour);
  EXPECT_NEAR(gray->rgb[0], 90, 3);
  auto clear = decode_image_file(d + "/clear.png");
  ASSERT_TRUE(clear.ok());
  EXPECT_EQ(clear->rgb[0], 255) << "transparent pixels are composited over white";
  write_bytes(d + "/broken.png", "\x89PNG\r\n\x1a\n not really a png");
  auto broken = decode_image_file(d + "/broken.png");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().find("broken.png: cannot decode"), std::string::npos) << broken.error();
  EXPECT_TRUE(is_image_path("a/B.JPEG"));
  EXPECT_TRUE(is_image_path("x.tga"));
  EXPECT_FALSE(is_image_path("notes.txt"));
  EXPECT_FALSE(is_image_path("png"));
}

TEST(ImageFolder, CropsTheCentreSquareAndResizes) {
  // 30 x 10: red, green, blue thirds; the centre square is the green one.
  DecodedImage image;
  image.width = 30, image.height = 10;
  image.rgb.resize(30 * 10 * 3);
  for (int y = 0; y < 10; ++y) {
    for (int x = 0; x < 30; ++x) image.rgb[(y * 30 + x) * 3 + x / 10] = 255;
  }
  const std::vector<uint8_t> out = square_resize(image, 4);
  ASSERT_EQ(out.size(), 4u * 4 * 3);
  for (size_t p = 0; p < 16; ++p) {
    EXPECT_EQ(out[3 * p], 0) << p;
    EXPECT_EQ(out[3 * p + 1], 255) << p;
    EXPECT_EQ(out[3 * p + 2], 0) << p;
  }
}

TEST(ImageFolder, ClassFoldersGiveLabelsAndCorruptFilesAreSkippedByName) {
  const std::string d = dir_for("classes");
  write_image(d + "/cats/a.png", 20, 20, 255, 0, 0);
  write_image(d + "/dogs/b.jpg", 24, 16, 0, 0, 255);
  write_image(d + "/dogs/deeper/c.bmp", 16, 16, 0, 255, 0);
  write_bytes(d + "/dogs/bad.png", "garbage");
  write_bytes(d + "/readme.txt", "not an image");
  ImageFolderOptions options;
  options.resolution = 8;
  int64_t last_done = -1, last_total = -1;
  options.progress = [&](int64_t done, int64_t total) { last_done = done, last_total = total; };
  auto load = load_image_folder(d, options);
  ASSERT_TRUE(load.ok()) << load.error();
  const ImageSet& s = load->dataset.train;
  EXPECT_EQ(load->dataset.name, "classes");
  EXPECT_EQ(s.count, 3);
  EXPECT_EQ(s.channels, 3) << "colour images: three channels";
  EXPECT_EQ(s.width, 8);
  EXPECT_EQ(s.class_names, (std::vector<std::string>{"cats", "dogs"}));
  EXPECT_EQ(s.labels, (std::vector<uint8_t>{0, 1, 1}));  // cats/a, dogs/b, dogs/deeper/c
  EXPECT_EQ(last_done, 4);
  EXPECT_EQ(last_total, 4);
  EXPECT_EQ(load->skipped_count, 1);
  ASSERT_EQ(load->skipped.size(), 1u);
  EXPECT_NE(load->skipped[0].path.find("dogs/bad.png"), std::string::npos);
  EXPECT_NE(load->skipped[0].reason.find("cannot decode"), std::string::npos);
  // NCHW: the first image's red plane is red, its green and blue planes empty.
  const size_t plane = 8 * 8;
  EXPECT_EQ(s.pixels[0], 255);
  EXPECT_EQ(s.pixels[plane], 0);
  EXPECT_EQ(s.pixels[2 * plane], 0);
  EXPECT_NEAR(s.pixels[s.image_size() + 2 * plane], 255, 2) << "the JPEG's blue plane";
  EXPECT_EQ(s.pixels[2 * s.image_size() + plane], 255) << "the BMP's green plane";
  // Asked for one channel: luma.
  options.channels = 1;
  auto gray = load_image_folder(d, options);
  ASSERT_TRUE(gray.ok());
  EXPECT_EQ(gray->dataset.train.channels, 1);
  EXPECT_NEAR(gray->dataset.train.pixels[0], 76, 1);  // 0.299 * 255
}

TEST(ImageFolder, AFlatGrayFolderIsUnlabelledAndOneChannel) {
  const std::string d = dir_for("flat");
  for (int i = 0; i < 5; ++i) write_image(d + "/img" + std::to_string(i) + ".png", 12, 12, 40 * i, 40 * i, 40 * i);
  write_image(d + "/one/x.png", 12, 12, 7, 7, 7);  // images at the top too: no classes
  auto load = load_image_folder(d, ImageFolderOptions{});
  ASSERT_TRUE(load.ok()) << load.error();
  EXPECT_EQ(load->dataset.train.count, 6);
  EXPECT_EQ(load->dataset.train.channels, 1);
  EXPECT_EQ(load->dataset.train.height, 32);
  EXPECT_TRUE(load->dataset.train.labels.empty());
  EXPECT_TRUE(load->dataset.train.class_names.empty());
}

TEST(ImageFolder, BadFoldersAndOptionsSayWhat) {
  const std::string d = dir_for("empty");
  write_bytes(d + "/notes.txt", "x");
  auto empty = load_image_folder(d, ImageFolderOptions{});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().find(d + ": no PNG, JPEG"), std::string::npos) << empty.error();
  auto missing = load_image_folder(d + "/nope", ImageFolderOptions{});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("nope: not found"), std::string::npos) << missing.error();
  write_bytes(d + "/bad.jpg", "not a jpeg");
  auto unreadable = load_image_folder(d, ImageFolderOptions{});
  ASSERT_FALSE(unreadable.ok());
  EXPECT_NE(unreadable.error().find("none of its 1 images could be read"), std::string::npos)
      << unreadable.error();
  ImageFolderOptions options;
  options.channels = 2;
  auto two = load_image_folder(d, options);
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().find("channels 2"), std::string::npos) << two.error();
}

TEST(ImageFolder, TheCacheServesTheSecondLoadUntilAFileChanges) {
  const std::string d = dir_for("cached");
  const std::string cache = dir_for("cache");
  write_image(d + "/a/1.png", 10, 10, 200, 30, 30);
  write_image(d + "/b/2.png", 10, 10, 30, 200, 30);
  write_bytes(d + "/b/3.png", "corrupt");
  ImageFolderOptions options;
  options.resolution = 16;
  options.cache_dir = cache;
  auto first = load_image_folder(d, options);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_FALSE(first->from_cache);
  auto second = load_image_folder(d, options);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_TRUE(second->from_cache);
  EXPECT_EQ(second->dataset.train.pixels, first->dataset.train.pixels);
  EXPECT_EQ(second->dataset.train.labels, first->dataset.train.labels);
  EXPECT_EQ(second->dataset.train.class_names, first->dataset.train.class_names);
  EXPECT_EQ(second->dataset.name, "cached");
  EXPECT_EQ(second->skipped_count, 1);
  ASSERT_EQ(second->skipped.size(), 1u);
  EXPECT_EQ(second->skipped[0].path, first->skipped[0].path);
  // Another resolution is another cache file.
  options.resolution = 8;
  auto other = load_image_folder(d, options);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->from_cache);
  options.resolution = 16;
  // A file rewritten with another colour (and size): decoded again.
  write_image(d + "/a/1.png", 12, 12, 0, 0, 250);
  fs::last_write_time(d + "/a/1.png", fs::file_time_type::clock::now() + std::chrono::seconds(5));
  auto changed = load_image_folder(d, options);
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(changed->from_cache);
  EXPECT_EQ(changed->dataset.train.pixels[2 * 16 * 16], 250) << "the new blue";
  // A damaged cache file is not trusted: the folder is decoded again.
  for (const auto& e : fs::directory_iterator(cache)) {
    std::ofstream(e.path(), std::ios::binary | std::ios::trunc) << "GSIMGS01 truncated";
  }
  auto again = load_image_folder(d, options);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->from_cache);
  EXPECT_EQ(again->dataset.train.pixels, changed->dataset.train.pixels);
}

// A CIFAR record: label bytes, then the R, G and B planes of one colour each.
std::string cifar_record(std::initializer_list<uint8_t> labels, uint8_t r, uint8_t g, uint8_t b) {
  std::string rec(labels.begin(), labels.end());
  rec += std::string(1024, char(r)) + std::string(1024, char(g)) + std::string(1024, char(b));
  return rec;
}

TEST(Cifar, ReadsTenBatchesLabelsAndPlanes) {
  const std::string d = dir_for("cifar-10-batches-bin");
  EXPECT_FALSE(is_cifar_dir(d));
  for (int b = 1; b <= 5; ++b) {
    write_bytes(d + "/data_batch_" + std::to_string(b) + ".bin",
                cifar_record({uint8_t(b)}, 10, 20, 30) + cifar_record({9}, 1, 2, 3));
  }
  write_bytes(d + "/test_batch.bin", cifar_record({4}, 7, 8, 9));
  write_bytes(d + "/batches.meta.txt", "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
  ASSERT_TRUE(is_cifar_dir(d));
  auto data = load_cifar_binary(d);
  ASSERT_TRUE(data.ok()) << data.error();
  EXPECT_EQ(data->train.count, 10);
  EXPECT_EQ(data->test.count, 1);
  EXPECT_EQ(data->train.channels, 3);
  EXPECT_EQ(data->train.width, 32);
  EXPECT_EQ(data->train.labels[0], 1);
  EXPECT_EQ(data->train.labels[1], 9);
  EXPECT_EQ(data->train.labels[8], 5);
  EXPECT_EQ(data->train.class_names.size(), 10u);
  EXPECT_EQ(data->train.class_names[3], "cat");
  const auto& px = data->train.pixels;
  EXPECT_EQ(px[0], 10);
  EXPECT_EQ(px[1024], 20);
  EXPECT_EQ(px[2048 + 1023], 30);
  EXPECT_EQ(px[3072], 1) << "the second record";
  EXPECT_EQ(data->test.pixels[1024], 8);
  // A truncated batch names its file.
  write_bytes(d + "/data_batch_3.bin", cifar_record({1}, 0, 0, 0).substr(0, 3000));
  auto bad = load_cifar_binary(d);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("data_batch_3.bin: 3000 bytes is not a whole number"), std::string::npos)
      << bad.error();
  fs::remove(d + "/data_batch_5.bin");
  auto missing = load_cifar_binary(d);
  ASSERT_FALSE(missing.ok());
}

TEST(Cifar, ReadsAHundredClassesFineLabels) {
  const std::string d = dir_for("cifar-100-binary");
  write_bytes(d + "/train.bin", cifar_record({3, 42}, 5, 5, 5) + cifar_record({1, 99}, 6, 6, 6));
  write_bytes(d + "/test.bin", cifar_record({0, 7}, 1, 1, 1));
  ASSERT_TRUE(is_cifar_dir(d));
  auto data = load_cifar_binary(d);
  ASSERT_TRUE(data.ok()) << data.error();
  EXPECT_EQ(data->train.count, 2);
  EXPECT_EQ(data->train.labels, (std::vector<uint8_t>{42, 99}));
  EXPECT_EQ(data->test.labels, (std::vector<uint8_t>{7}));
  EXPECT_EQ(data->train.class_names.size(), 100u);
  EXPECT_EQ(data->train.pixels[3072], 6);
}

}  // namespace
}  // namespace genscope

namespace genscope {
namespace {

TEST(LoadDataset, RoutesCifarAndFoldersAndShapesTheImages) {
  const std::string cifar = dir_for("routed-cifar");
  for (int b = 1; b <= 5; ++b) {
    write_bytes(cifar + "/data_batch_" + std::to_string(b) + ".bin",
                cifar_record({2}, 200, 100, 0));
  }
  DatasetOptions options;
  auto native = load_dataset(cifar, options);
  ASSERT_TRUE(native.ok()) << native.error();
  EXPECT_EQ(native->train.count, 5);
  EXPECT_EQ(native->train.height, 32);
  EXPECT_EQ(native->train.channels, 3);
  options.resolution = 16;
  options.channels = 1;
  auto shaped = load_dataset(cifar, options);
  ASSERT_TRUE(shaped.ok()) << shaped.error();
  EXPECT_EQ(shaped->train.height, 16);
  EXPECT_EQ(shaped->train.channels, 1);
  EXPECT_EQ(shaped->train.pixels.size(), 5u * 16 * 16);
  EXPECT_NEAR(shaped->train.pixels[0], (299 * 200 + 587 * 100 + 500) / 1000, 1) << "luma";

  const std::string folder = dir_for("routed-folder");
  write_image(folder + "/a.png", 40, 40, 10, 200, 10);
  write_image(folder + "/b.png", 40, 40, 10, 10, 200);
  auto images = load_dataset(folder, DatasetOptions{});
  ASSERT_TRUE(images.ok()) << images.error();
  EXPECT_EQ(images->name, "routed-folder");
  EXPECT_EQ(images->train.height, 32) << "an image folder's default resolution";
  EXPECT_EQ(images->train.channels, 3);
  options = DatasetOptions{};
  options.resolution = 64;
  auto larger = load_dataset(folder, options);
  ASSERT_TRUE(larger.ok());
  EXPECT_EQ(larger->train.width, 64);

  // Gray IDX-style data asked for three channels: the gray copied to each.
  ImageSet gray;
  gray.count = 1, gray.channels = 1, gray.height = gray.width = 2;
  gray.pixels = {1, 2, 3, 4};
  convert_channels(gray, 3);
  EXPECT_EQ(gray.pixels, (std::vector<uint8_t>{1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}));

  const std::string empty = dir_for("routed-empty");
  auto none = load_dataset(empty, DatasetOptions{});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().find("no training images"), std::string::npos) << none.error();
  EXPECT_NE(none.error().find("image files"), std::string::npos) << none.error();
  options = DatasetOptions{};
  options.resolution = 8;
  auto tiny = load_dataset(folder, options);
  ASSERT_FALSE(tiny.ok());
  EXPECT_NE(tiny.error().find("resolution 8"), std::string::npos) << tiny.error();
  options.resolution = 0;
  options.channels = 2;
  auto two = load_dataset(folder, options);
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().find("channels 2"), std::string::npos) << two.error();
}

}  // namespace
}  // namespace genscope

namespace genscope {
namespace {

// 25 labelled 1x1 gray images whose pixel is their index.
ImageSet numbered_set(bool labelled) {
  ImageSet s;
  s.count = 25, s.channels = 1, s.height = s.width = 1;
  s.class_names = {"even", "odd"};
  for (int i = 0; i < 25; ++i) {
    s.pixels.push_back(uint8_t(i));
    if (labelled) s.labels.push_back(uint8_t(i % 2));
  }
  return s;
}

TEST(LoadDataset, ALabelledSetWithoutTestSplitHoldsOutEveryTenthImage) {
  ImageSet train = numbered_set(true), test;
  hold_out_test_split(train, test);
  EXPECT_EQ(test.count, 2);
  EXPECT_EQ(test.pixels, (std::vector<uint8_t>{9, 19}));
  EXPECT_EQ(test.labels, (std::vector<uint8_t>{1, 1}));
  EXPECT_EQ(test.class_names, train.class_names);
  EXPECT_EQ(test.width, 1);
  ASSERT_EQ(train.count, 23);
  EXPECT_EQ(train.pixels.size(), 23u);
  EXPECT_EQ(train.labels.size(), 23u);
  EXPECT_EQ(train.pixels[9], 10) << "9 went to the test split";
  // Unlabelled, or with a test split already: left alone.
  ImageSet unlabelled = numbered_set(false), none;
  hold_out_test_split(unlabelled, none);
  EXPECT_EQ(unlabelled.count, 25);
  EXPECT_EQ(none.count, 0);
  ImageSet labelled = numbered_set(true), given = numbered_set(true);
  hold_out_test_split(labelled, given);
  EXPECT_EQ(labelled.count, 25);
}

}  // namespace
}  // namespace genscope
