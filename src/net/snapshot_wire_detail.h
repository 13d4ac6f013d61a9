#pragma once
// Private to the wire format (snapshot_wire*.cpp): the checks every decoder makes and the
// conversions shared by the sections (images, point lists, string lists, float arrays).
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/snapshot.h"
#include "data/toy2d.h"
#include "src/net/proto/snapshot.pb.h"
#include "util/image.h"
#include "util/result.h"
#include "util/strings.h"

namespace genscope::net::detail {

/// Largest image side a decoder accepts.
inline constexpr int kMaxImageSide = 16384;

/// a * b, saturating at UINT64_MAX (sizes implied by other fields never wrap around).
inline uint64_t mul_sat(uint64_t a, uint64_t b) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) {
    return std::numeric_limits<uint64_t>::max();
  }
  return a * b;
}

/// Collects the first failed check of one message as "WHERE: FIELD ..." ("snapshot section
/// latent_map: xy has 10 values, expected 2*count (8)"); later checks are then no-ops.
class Checker {
 public:
  /// `where`: "snapshot section core", "metric rows", "command".
  explicit Checker(std::string where) : where_(std::move(where)) {}

  /// Records `message` (printf-style) unless an error is recorded already. Returns false.
  bool fail(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
  /// `field` has exactly `expected` values; `expr` says why ("2*count").
  bool size_is(const std::string& field, uint64_t n, uint64_t expected, const char* expr);
  /// `field` has at most `cap` entries.
  bool at_most(const std::string& field, uint64_t n, uint64_t cap);
  /// lo <= v <= hi.
  bool in_range(const std::string& field, int64_t v, int64_t lo, int64_t hi);
  /// An enum stored as int: 0 <= v < count. Returns the value as E (the first one if invalid).
  template <typename E>
  E enum_of(const std::string& field, int v, int count) {
    if (v < 0 || v >= count) {
      fail("%s %d is not a valid value (0..%d)", field.c_str(), v, count - 1);
      return static_cast<E>(0);
    }
    return static_cast<E>(v);
  }

  bool ok() const { return error_.empty(); }
  /// Ok, or the first error.
  Status status() const;

 private:
  std::string where_;
  std::string error_;
};

/// "name[i]" for messages about one entry of a list.
inline std::string item(const char* name, std::size_t i) { return strformat("%s[%zu]", name, i); }

/// Parses `bytes` into `msg`; false (with an error in `c`) when they are not such a message.
bool parse(std::string_view bytes, google::protobuf::MessageLite& msg, Checker& c);

/// ImageRGBA <-> wire::Image; decoding checks the sides (0..kMaxImageSide) and the byte count.
void put_image(const ImageRGBA& image, wire::Image* out);
ImageRGBA get_image(const wire::Image& in, const std::string& field, Checker& c);

/// Points as packed x, y floats; decoding checks the count is even and at most `cap` points.
void put_points(const std::vector<Point2>& points, google::protobuf::RepeatedField<float>* out);
std::vector<Point2> get_points(const google::protobuf::RepeatedField<float>& in,
                               const std::string& field, uint64_t cap, Checker& c);

void put_box(const Box2& box, wire::Box* out);
Box2 get_box(const wire::Box& in);

/// A list of strings (repeated bytes); decoding checks at most `cap` entries.
void put_strings(const std::vector<std::string>& strings,
                 google::protobuf::RepeatedPtrField<std::string>* out);
std::vector<std::string> get_strings(const google::protobuf::RepeatedPtrField<std::string>& in,
                                     const std::string& field, uint64_t cap, Checker& c);

/// A numeric list; decoding checks at most `cap` values.
template <typename T, typename W>
void put_values(const std::vector<T>& values, google::protobuf::RepeatedField<W>* out) {
  out->Reserve(static_cast<int>(values.size()));
  for (const T& v : values) out->AddAlreadyReserved(static_cast<W>(v));
}
template <typename T, typename W>
std::vector<T> get_values(const google::protobuf::RepeatedField<W>& in, const std::string& field,
                          uint64_t cap, Checker& c) {
  if (!c.at_most(field, static_cast<uint64_t>(in.size()), cap)) return {};
  return std::vector<T>(in.begin(), in.end());
}

/// 16-bit ids (text vocabulary) as uint32 values; decoding checks each is below 65536.
void put_ids(const std::vector<uint16_t>& ids, google::protobuf::RepeatedField<uint32_t>* out);
std::vector<uint16_t> get_ids(const google::protobuf::RepeatedField<uint32_t>& in,
                              const std::string& field, uint64_t cap, Checker& c);

/// Bytes as a string and back (uint8 labels and classes).
inline std::string bytes_of(const std::vector<uint8_t>& v) { return {v.begin(), v.end()}; }
inline std::vector<uint8_t> u8_of(const std::string& s) { return {s.begin(), s.end()}; }

// The sections of snapshot_wire_views.cpp and snapshot_wire_families.cpp (kCore is in
// snapshot_wire.cpp): each encodes its fields of `snap`, or decodes and moves them into it.
std::string encode_samples(const Snapshot& snap);
Status decode_samples(std::string_view bytes, Snapshot& snap);
std::string encode_real(const Snapshot& snap);
Status decode_real(std::string_view bytes, Snapshot& snap);
std::string encode_nearest(const Snapshot& snap);
Status decode_nearest(std::string_view bytes, Snapshot& snap);
std::string encode_latent(const Snapshot& snap);
Status decode_latent(std::string_view bytes, Snapshot& snap);
std::string encode_latent_map(const Snapshot& snap);
Status decode_latent_map(std::string_view bytes, Snapshot& snap);
std::string encode_latent_images(const Snapshot& snap);
Status decode_latent_images(std::string_view bytes, Snapshot& snap);
std::string encode_toy(const Snapshot& snap);
Status decode_toy(std::string_view bytes, Snapshot& snap);
std::string encode_text(const Snapshot& snap);
Status decode_text(std::string_view bytes, Snapshot& snap);
std::string encode_quality(const Snapshot& snap);
Status decode_quality(std::string_view bytes, Snapshot& snap);
std::string encode_histograms(const Snapshot& snap);
Status decode_histograms(std::string_view bytes, Snapshot& snap);
std::string encode_fork_samples(const Snapshot& snap);
Status decode_fork_samples(std::string_view bytes, Snapshot& snap);

}  // namespace genscope::net::detail
