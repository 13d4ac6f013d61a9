// TextureCache over the stub backend (no GL): a slot is uploaded only when its version changes,
// an empty image keeps the texture it has, each slot keeps one texture, and the cache deletes
// every texture it made.
#include <gtest/gtest.h>

#include <vector>

#include "render/texture_cache.h"

using namespace genscope;

namespace {

ImageRGBA image(int w, int h, uint8_t value = 128) {
  return ImageRGBA{w, h, std::vector<uint8_t>(size_t(w) * h * 4, value)};
}

// A backend the test keeps after the cache is gone: forwards to `stub`, noting each call.
class Borrowed : public TextureBackend {
 public:
  struct Call {
    uintptr_t id;
    TextureFilter filter;
    int w, h;
  };
  Borrowed(StubTextureBackend& stub, std::vector<Call>& calls, std::vector<uintptr_t>& destroyed)
      : stub_(stub), calls_(calls), destroyed_(destroyed) {}
  uintptr_t upload(uintptr_t id, TextureFilter filter, const ImageRGBA& image) override {
    calls_.push_back({id, filter, image.width, image.height});
    return stub_.upload(id, filter, image);
  }
  void destroy(uintptr_t id) override {
    destroyed_.push_back(id);
    stub_.destroy(id);
  }

 private:
  StubTextureBackend& stub_;
  std::vector<Call>& calls_;
  std::vector<uintptr_t>& destroyed_;
};

class TextureCacheTest : public ::testing::Test {
 protected:
  std::unique_ptr<TextureCache> make_cache() {
    return std::make_unique<TextureCache>(std::make_unique<Borrowed>(stub_, calls_, destroyed_));
  }
  StubTextureBackend stub_;
  std::vector<Borrowed::Call> calls_;
  std::vector<uintptr_t> destroyed_;
};

}  // namespace

TEST_F(TextureCacheTest, StartsEmpty) {
  auto cache = make_cache();
  for (int s = 0; s < int(TextureSlot::kCount); ++s) {
    EXPECT_TRUE(cache->get(TextureSlot(s)).empty());
    EXPECT_EQ(cache->version(TextureSlot(s)), 0u);
  }
  EXPECT_EQ(cache->uploads(), 0u);
  EXPECT_EQ(stub_.uploads(), 0);
}

TEST_F(TextureCacheTest, UploadsOnlyWhenTheVersionChanges) {
  auto cache = make_cache();
  const TextureRef first = cache->update(TextureSlot::kSamples, 7, image(40, 20));
  ASSERT_NE(first.id, 0u);
  EXPECT_EQ(first.width(), 40);
  EXPECT_EQ(first.height(), 20);
  EXPECT_EQ(cache->version(TextureSlot::kSamples), 7u);
  EXPECT_EQ(stub_.uploads(), 1);
  EXPECT_EQ(stub_.live(), 1);

  // The same version again, even with other pixels: nothing is uploaded.
  const TextureRef same = cache->update(TextureSlot::kSamples, 7, image(40, 20, 9));
  EXPECT_EQ(same.id, first.id);
  EXPECT_EQ(stub_.uploads(), 1);
  EXPECT_EQ(cache->uploads(), 1u);

  // A new version: uploaded once, into the same texture (the backend gets its id), new size.
  const TextureRef next = cache->update(TextureSlot::kSamples, 8, image(10, 30));
  EXPECT_EQ(next.id, first.id);
  EXPECT_EQ(next.width(), 10);
  EXPECT_EQ(next.height(), 30);
  EXPECT_EQ(cache->version(TextureSlot::kSamples), 8u);
  EXPECT_EQ(stub_.uploads(), 2);
  EXPECT_EQ(stub_.live(), 1);
  ASSERT_EQ(calls_.size(), 2u);
  EXPECT_EQ(calls_[0].id, 0u) << "the first upload creates the texture";
  EXPECT_EQ(calls_[1].id, first.id) << "later ones reuse it";
  EXPECT_EQ(calls_[1].w, 10);

  // A version going back (a reset renumbering) is a change too.
  cache->update(TextureSlot::kSamples, 1, image(10, 30));
  EXPECT_EQ(stub_.uploads(), 3);
  EXPECT_EQ(cache->get(TextureSlot::kSamples).id, first.id);
}

TEST_F(TextureCacheTest, AnEmptyImageKeepsTheOldTexture) {
  auto cache = make_cache();
  const TextureRef first = cache->update(TextureSlot::kReal, 3, image(16, 16));
  const TextureRef kept = cache->update(TextureSlot::kReal, 4, ImageRGBA{});
  EXPECT_EQ(kept.id, first.id);
  EXPECT_EQ(kept.width(), 16);
  EXPECT_EQ(kept.height(), 16);
  EXPECT_EQ(cache->version(TextureSlot::kReal), 3u) << "the empty image's version is unseen";
  EXPECT_EQ(stub_.uploads(), 1);
  // So that version's real image, when it comes, is uploaded.
  cache->update(TextureSlot::kReal, 4, image(16, 16));
  EXPECT_EQ(stub_.uploads(), 2);
  EXPECT_EQ(cache->version(TextureSlot::kReal), 4u);
  // An empty image before any upload leaves the slot empty.
  EXPECT_TRUE(cache->update(TextureSlot::kExplorer, 1, ImageRGBA{}).empty());
  EXPECT_EQ(stub_.live(), 1);
}

TEST_F(TextureCacheTest, EachSlotHasItsOwnTextureAndTheHeatmapIsFilteredLinearly) {
  auto cache = make_cache();
  const uintptr_t samples = cache->update(TextureSlot::kSamples, 1, image(8, 8)).id;
  const uintptr_t real = cache->update(TextureSlot::kReal, 1, image(8, 8)).id;
  const uintptr_t heat = cache->update(TextureSlot::kToyHeat, 1, image(4, 4)).id;
  EXPECT_NE(samples, real);
  EXPECT_NE(real, heat);
  EXPECT_NE(samples, heat);
  EXPECT_EQ(stub_.live(), 3);
  ASSERT_EQ(calls_.size(), 3u);
  EXPECT_EQ(calls_[0].filter, TextureFilter::kNearest);  // grids keep their pixels sharp
  EXPECT_EQ(calls_[1].filter, TextureFilter::kNearest);
  EXPECT_EQ(calls_[2].filter, TextureFilter::kLinear);
  // The same version number in another slot is that slot's own.
  EXPECT_EQ(cache->version(TextureSlot::kTraversal), 0u);
}

TEST_F(TextureCacheTest, DeletesEveryTextureItMadeWhenDestroyed) {
  auto cache = make_cache();
  const uintptr_t a = cache->update(TextureSlot::kSamples, 1, image(8, 8)).id;
  const uintptr_t b = cache->update(TextureSlot::kManifold, 1, image(8, 8)).id;
  cache->update(TextureSlot::kSamples, 2, image(8, 8));  // reuses a: no second texture
  ASSERT_EQ(stub_.live(), 2);
  EXPECT_TRUE(destroyed_.empty());
  cache.reset();
  EXPECT_EQ(stub_.live(), 0);
  ASSERT_EQ(destroyed_.size(), 2u);
  EXPECT_TRUE((destroyed_[0] == a && destroyed_[1] == b) ||
              (destroyed_[0] == b && destroyed_[1] == a));
  // A cache that uploaded nothing deletes nothing.
  make_cache().reset();
  EXPECT_EQ(destroyed_.size(), 2u);
}

TEST(StubTextures, HandOutIdsAndCountUploads) {
  StubTextureBackend stub;
  const uintptr_t a = stub.upload(0, TextureFilter::kNearest, image(2, 2));
  const uintptr_t b = stub.upload(0, TextureFilter::kLinear, image(2, 2));
  EXPECT_NE(a, 0u);
  EXPECT_NE(a, b);
  EXPECT_EQ(stub.upload(a, TextureFilter::kNearest, image(3, 3)), a);
  EXPECT_EQ(stub.uploads(), 3);
  EXPECT_EQ(stub.live(), 2);
  stub.destroy(a);
  stub.destroy(b);
  EXPECT_EQ(stub.live(), 0);
}
