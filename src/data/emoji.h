#pragma once
// The `emoji` dataset: the colour glyphs of Noto Color Emoji (Debian's fonts-noto-color-emoji,
// SIL Open Font License 1.1), one image per fully-qualified emoji of Unicode's emoji-test.txt
// (Debian's unicode-data), labelled by its Unicode emoji group (Smileys & Emotion, People & Body,
// Animals & Nature, ...; the Component group's swatches are left out). Each sequence (skin tones,
// ZWJ families, flags) is shaped to its glyph with HarfBuzz and the glyph's colour bitmap is
// rendered with FreeType, composited over white, then cached like an image folder.
#include <string>
#include <vector>

#include "data/image_folder.h"
#include "util/result.h"

namespace genscope {

inline constexpr const char* kEmojiFont = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf";
inline constexpr const char* kEmojiTest = "/usr/share/unicode/emoji/emoji-test.txt";

/// One line of emoji-test.txt.
struct EmojiEntry {
  std::vector<char32_t> sequence;  // code points
  std::string group;               // "Animals & Nature"
  std::string name;                // "red apple"
};

/// The fully-qualified entries of emoji-test.txt's text, in file order, without the Component
/// group. A line that does not parse is an error naming its line number.
Result<std::vector<EmojiEntry>> parse_emoji_test(const std::string& text);

struct EmojiOptions {
  std::string font = kEmojiFont;
  std::string test_file = kEmojiTest;
};

/// Renders one emoji sequence of `font` (its colour bitmap, over white, RGB). The error says when
/// the font shapes the sequence to no single glyph.
Result<DecodedImage> render_emoji(const std::vector<char32_t>& sequence, const std::string& font);

/// Loads the emoji dataset (see above) at `options`' resolution and channels. Errors name the
/// missing file and the Debian package that installs it.
Result<ImageFolderLoad> load_emoji(const EmojiOptions& emoji, const ImageFolderOptions& options);

}  // namespace genscope
