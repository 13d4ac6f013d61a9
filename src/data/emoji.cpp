#include "data/emoji.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb-ft.h>
#include <hb.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "util/hash.h"
#include "util/strings.h"

namespace genscope {
namespace {


// A FreeType face of the font with its colour strike selected.
class Face {
 public:
  static Result<std::unique_ptr<Face>> open(const std::string& font) {
    std::unique_ptr<Face> f(new Face);
    if (FT_Init_FreeType(&f->library_) != 0) return Error{"FreeType: cannot initialise"};
    if (FT_New_Face(f->library_, font.c_str(), 0, &f->face_) != 0) {
      f->face_ = nullptr;
      return Error{strformat("%s: FreeType cannot open this font", font.c_str())};
    }
    // A colour bitmap font (CBDT) has fixed strikes; an outline font is asked for 128 px.
    const bool sized = f->face_->num_fixed_sizes > 0 ? FT_Select_Size(f->face_, 0) == 0
                                                     : FT_Set_Pixel_Sizes(f->face_, 0, 128) == 0;
    if (!sized) return Error{strformat("%s: cannot select a glyph size", font.c_str())};
    return f;
  }
  ~Face() {
    if (font_) hb_font_destroy(font_);
    if (face_) FT_Done_Face(face_);
    if (library_) FT_Done_FreeType(library_);
  }

  // The one glyph the font shapes `sequence` to, or 0.
  unsigned glyph_of(const std::vector<char32_t>& sequence) {
    if (!font_) font_ = hb_ft_font_create_referenced(face_);
    hb_buffer_t* buffer = hb_buffer_create();
    hb_buffer_set_flags(buffer, HB_BUFFER_FLAG_REMOVE_DEFAULT_IGNORABLES);
    hb_buffer_add_utf32(buffer, reinterpret_cast<const uint32_t*>(sequence.data()),
                        int(sequence.size()), 0, int(sequence.size()));
    hb_buffer_guess_segment_properties(buffer);
    hb_shape(font_, buffer, nullptr, 0);
    unsigned count = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buffer, &count);
    const unsigned glyph = count == 1 ? info[0].codepoint : 0;
    hb_buffer_destroy(buffer);
    return glyph;
  }

  // Glyph `index`'s colour bitmap over white.
  Result<DecodedImage> render(unsigned index) {
    if (FT_Load_Glyph(face_, index, FT_LOAD_COLOR) != 0 ||
        (face_->glyph->format != FT_GLYPH_FORMAT_BITMAP &&
         FT_Render_Glyph(face_->glyph, FT_RENDER_MODE_NORMAL) != 0)) {
      return Error{strformat("glyph %u: FreeType cannot render it", index)};
    }
    const FT_Bitmap& b = face_->glyph->bitmap;
    if (b.width < 1 || b.rows < 1) return Error{strformat("glyph %u: empty bitmap", index)};
    DecodedImage out;
    out.width = int(b.width), out.height = int(b.rows);
    out.rgb.resize(size_t(out.width) * out.height * 3);
    for (int y = 0; y < out.height; ++y) {
      const uint8_t* row = b.buffer + ptrdiff_t(y) * b.pitch;
      for (int x = 0; x < out.width; ++x) {
        uint8_t* o = &out.rgb[(size_t(y) * out.width + x) * 3];
        if (b.pixel_mode == FT_PIXEL_MODE_BGRA) {  // premultiplied: c + (1 - a) * white
          const uint8_t* p = row + 4 * x;
          for (int c = 0; c < 3; ++c) o[c] = uint8_t(std::min(255, p[2 - c] + 255 - p[3]));
        } else {  // a coverage mask: black over white
          o[0] = o[1] = o[2] = uint8_t(255 - row[x]);
        }
        out.colour = out.colour || std::abs(o[0] - o[1]) > 4 || std::abs(o[1] - o[2]) > 4;
      }
    }
    return out;
  }

 private:
  Face() = default;
  FT_Library library_ = nullptr;
  FT_Face face_ = nullptr;
  hb_font_t* font_ = nullptr;
};

std::string utf8(const std::vector<char32_t>& sequence) {
  std::string s;
  for (char32_t c : sequence) {
    if (c < 0x80) {
      s += char(c);
    } else if (c < 0x800) {
      s += char(0xC0 | (c >> 6)), s += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      s += char(0xE0 | (c >> 12)), s += char(0x80 | ((c >> 6) & 0x3F)), s += char(0x80 | (c & 0x3F));
    } else {
      s += char(0xF0 | (c >> 18)), s += char(0x80 | ((c >> 12) & 0x3F));
      s += char(0x80 | ((c >> 6) & 0x3F)), s += char(0x80 | (c & 0x3F));
    }
  }
  return s;
}

// A file's size and mtime, for the cache key; false when it does not exist.
bool file_stamp(const std::string& path, int64_t stamp[2]) {
  uint64_t size = 0;
  if (!file_size_mtime(path, size, stamp[1])) return false;
  stamp[0] = int64_t(size);
  return true;
}

}  // namespace

Result<std::vector<EmojiEntry>> parse_emoji_test(const std::string& text) {
  std::vector<EmojiEntry> entries;
  std::istringstream in(text);
  std::string line, group;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.rfind("# group:", 0) == 0) {
      group = std::string(trim(line.substr(8)));
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    const size_t semi = line.find(';'), hash = line.find('#');
    if (semi == std::string::npos || hash == std::string::npos || hash < semi) {
      return Error{strformat("emoji-test line %d: expected 'code points ; status # ...'", number)};
    }
    if (trim(line.substr(semi + 1, hash - semi - 1)) != "fully-qualified") continue;
    if (group == "Component") continue;
    EmojiEntry e;
    std::istringstream points(line.substr(0, semi));
    for (std::string hex; points >> hex;) {
      char* end = nullptr;
      const unsigned long cp = std::strtoul(hex.c_str(), &end, 16);
      if (*end != '\0' || cp == 0 || cp > 0x10FFFF) {
        return Error{strformat("emoji-test line %d: '%s' is not a code point", number, hex.c_str())};
      }
      e.sequence.push_back(char32_t(cp));
    }
    if (e.sequence.empty() || group.empty()) {
      return Error{strformat("emoji-test line %d: no code points or no group before it", number)};
    }
    e.group = group;
    // "# 🍎 E0.6 red apple": the name follows the version.
    const std::string comment = line.substr(hash + 1);
    const size_t version = comment.find(" E");
    const size_t space = version == std::string::npos ? version : comment.find(' ', version + 1);
    e.name = std::string(trim(space == std::string::npos ? comment : comment.substr(space + 1)));
    entries.push_back(std::move(e));
  }
  return entries;
}

Result<DecodedImage> render_emoji(const std::vector<char32_t>& sequence, const std::string& font) {
  auto face = Face::open(font);
  if (!face) return Error{face.error()};
  const unsigned glyph = (*face)->glyph_of(sequence);
  if (glyph == 0) {
    return Error{strformat("%s: no single glyph for %s", font.c_str(), utf8(sequence).c_str())};
  }
  return (*face)->render(glyph);
}

Result<ImageFolderLoad> load_emoji(const EmojiOptions& emoji, const ImageFolderOptions& options) {
  int64_t font_stamp[2], test_stamp[2];
  if (!file_stamp(emoji.font, font_stamp)) {
    return Error{strformat("emoji: %s not found (Debian's fonts-noto-color-emoji installs it)",
                           emoji.font.c_str())};
  }
  if (!file_stamp(emoji.test_file, test_stamp)) {
    return Error{strformat("emoji: %s not found (Debian's unicode-data installs it)",
                           emoji.test_file.c_str())};
  }
  std::ifstream in(emoji.test_file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto entries = parse_emoji_test(text.str());
  if (!entries) return Error{emoji.test_file + ": " + entries.error()};
  auto face = Face::open(emoji.font);
  if (!face) return Error{face.error()};
  // Each distinct glyph once, labelled by the group of its first sequence.
  auto shaped = std::make_shared<std::vector<std::pair<unsigned, std::string>>>();
  std::set<unsigned> seen;
  std::map<std::string, int> group_index;
  ImageSource source;
  for (const EmojiEntry& e : *entries) {
    const unsigned glyph = (*face)->glyph_of(e.sequence);
    if (glyph == 0 || !seen.insert(glyph).second) continue;
    auto [it, added] = group_index.emplace(e.group, int(source.class_names.size()));
    if (added) source.class_names.push_back(e.group);
    source.labels.push_back(it->second);
    shaped->emplace_back(glyph, utf8(e.sequence) + " " + e.name);
  }
  if (shaped->empty()) {
    return Error{strformat("emoji: %s shapes none of %s's emoji", emoji.font.c_str(),
                           emoji.test_file.c_str())};
  }
  source.name = "emoji";
  source.source = emoji.font;
  source.count = shaped->size();
  source.key = hash_bytes(font_stamp, sizeof font_stamp, hash_bytes(test_stamp, sizeof test_stamp));
  source.key = hash_bytes(emoji.font.data(), emoji.font.size(), source.key);
  const std::string font = emoji.font;
  source.decode = [shaped, font](size_t i) -> Result<DecodedImage> {
    // One face per decoding thread: FreeType faces are not shared between threads.
    thread_local std::map<std::string, std::unique_ptr<Face>> faces;
    std::unique_ptr<Face>& f = faces[font];
    if (!f) {
      auto opened = Face::open(font);
      if (!opened) return Error{opened.error()};
      f = std::move(*opened);
    }
    return f->render((*shaped)[i].first);
  };
  source.describe = [shaped](size_t i) { return (*shaped)[i].second; };
  return load_image_source(source, options);
}

}  // namespace genscope
