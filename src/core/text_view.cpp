#include "core/text_view.h"

#include <algorithm>
#include <cmath>

namespace genscope {

double TextSample::surprisal(std::size_t i) const {
  if (i >= prob.size()) return 0.0;
  return -std::log2(std::max(prob[i], 1e-30f));
}

std::string text_of(const std::vector<std::string>& vocab, const std::vector<uint16_t>& ids) {
  std::string out;
  for (uint16_t i : ids) {
    if (i < vocab.size()) out += vocab[i];
  }
  return out;
}

std::array<uint8_t, 4> activation_color(float v) {
  if (!std::isfinite(v)) return {255, 0, 255, 255};
  const float t = std::clamp(std::fabs(v), 0.0f, 1.0f);
  const auto mix = [t](float zero, float full) { return static_cast<uint8_t>(zero + (full - zero) * t); };
  if (v < 0) return {mix(25, 60), mix(25, 130), mix(30, 255), 255};
  return {mix(25, 255), mix(25, 90), mix(30, 50), 255};
}

std::array<uint8_t, 4> attention_color(float w) {
  const float t = std::sqrt(std::clamp(std::isfinite(w) ? w : 0.0f, 0.0f, 1.0f));
  return {static_cast<uint8_t>(20 + 235 * std::min(1.0f, t * 1.6f)),
          static_cast<uint8_t>(15 + 210 * t * t), static_cast<uint8_t>(40 + 40 * (1.0f - t)), 255};
}

ImageRGBA hidden_image(const TextInside& inside) {
  ImageRGBA out;
  const std::size_t t = inside.positions();
  if (inside.units <= 0 || t == 0 || inside.hidden.size() != inside.units * t) return out;
  out.width = static_cast<int>(t), out.height = inside.units;
  out.pixels.resize(inside.hidden.size() * 4);
  for (std::size_t i = 0; i < inside.hidden.size(); ++i) {
    const auto c = activation_color(inside.hidden[i]);
    std::copy(c.begin(), c.end(), out.pixels.begin() + static_cast<std::ptrdiff_t>(i * 4));
  }
  return out;
}

ImageRGBA attention_image(const TextInside& inside, int layer, int head) {
  ImageRGBA out;
  const std::size_t t = inside.positions();
  if (layer < 0 || layer >= inside.layers || head < 0 || head >= inside.heads ||
      inside.attention.size() != static_cast<std::size_t>(inside.layers) * inside.heads * t * t) {
    return out;
  }
  out.width = out.height = static_cast<int>(t);
  out.pixels.resize(t * t * 4);
  for (std::size_t q = 0; q < t; ++q) {
    const float* row = inside.attention_row(layer, head, q);
    for (std::size_t k = 0; k < t; ++k) {
      const auto c = attention_color(row[k]);
      std::copy(c.begin(), c.end(), out.pixels.begin() + static_cast<std::ptrdiff_t>((q * t + k) * 4));
    }
  }
  return out;
}

ImageRGBA attention_grid_image(const TextInside& inside, int gap) {
  ImageRGBA out;
  const int t = static_cast<int>(inside.positions());
  if (inside.layers <= 0 || inside.heads <= 0 || t == 0) return out;
  out.width = inside.heads * t + (inside.heads - 1) * gap;
  out.height = inside.layers * t + (inside.layers - 1) * gap;
  out.pixels.assign(static_cast<std::size_t>(out.width) * out.height * 4, 0);
  for (int l = 0; l < inside.layers; ++l) {
    for (int h = 0; h < inside.heads; ++h) {
      const ImageRGBA tile = attention_image(inside, l, h);
      if (tile.empty()) return ImageRGBA{};
      for (int y = 0; y < t; ++y) {
        std::copy_n(tile.pixels.begin() + static_cast<std::ptrdiff_t>(y) * t * 4, t * 4,
                    out.pixels.begin() + ((static_cast<std::ptrdiff_t>(l) * (t + gap) + y) * out.width +
                                          h * (t + gap)) * 4);
      }
    }
  }
  return out;
}

const char* text_feature_name(TextFeature f) {
  switch (f) {
    case TextFeature::kInsideQuotes: return "inside quotes";
    case TextFeature::kPositionInLine: return "position in line";
    case TextFeature::kIsSpace: return "is space";
    case TextFeature::kIsUpper: return "is upper case";
    case TextFeature::kIsVowel: return "is vowel";
    case TextFeature::kInWord: return "inside a word";
  }
  return "?";
}

std::vector<float> text_feature(TextFeature f, const std::vector<std::string>& chars) {
  std::vector<float> out(chars.size(), 0.0f);
  bool quoted = false;
  int column = 0;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    const std::string& c = chars[i];
    const char a = c.size() == 1 ? c[0] : '\0';  // ASCII, or 0 for any other character
    const bool letter = (a >= 'a' && a <= 'z') || (a >= 'A' && a <= 'Z');
    switch (f) {
      case TextFeature::kInsideQuotes:
        if (a == '"') quoted = !quoted;
        out[i] = quoted ? 1.0f : 0.0f;  // the opening quote counts as inside, the closing not
        break;
      case TextFeature::kPositionInLine:
        out[i] = static_cast<float>(column);
        column = a == '\n' ? 0 : column + 1;
        break;
      case TextFeature::kIsSpace: out[i] = (a == ' ' || a == '\t' || a == '\n') ? 1.0f : 0.0f; break;
      case TextFeature::kIsUpper: out[i] = (a >= 'A' && a <= 'Z') ? 1.0f : 0.0f; break;
      case TextFeature::kIsVowel:
        out[i] = std::string("aeiouAEIOU").find(a) != std::string::npos && a != '\0' ? 1.0f : 0.0f;
        break;
      case TextFeature::kInWord: out[i] = (letter || (a >= '0' && a <= '9') || c.size() > 1) ? 1.0f : 0.0f; break;
    }
  }
  return out;
}

double pearson(const float* x, const float* y, std::size_t n) {
  if (n < 2) return 0.0;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
  mx /= double(n), my /= double(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy, sxx += dx * dx, syy += dy * dy;
  }
  if (sxx <= 1e-12 * n || syy <= 1e-12 * n) return 0.0;
  return sxy / std::sqrt(sxx * syy);
}

std::vector<UnitCorrelation> rank_units(const TextInside& inside,
                                        const std::vector<std::string>& vocab) {
  const std::size_t t = inside.positions();
  std::vector<std::string> chars;
  chars.reserve(t);
  for (uint16_t id : inside.passage) chars.push_back(id < vocab.size() ? vocab[id] : std::string());
  std::vector<std::vector<float>> features;
  for (int f = 0; f < kTextFeatures; ++f) features.push_back(text_feature(TextFeature(f), chars));
  std::vector<UnitCorrelation> out;
  if (inside.hidden.size() != static_cast<std::size_t>(inside.units) * t) return out;
  for (int u = 0; u < inside.units; ++u) {
    UnitCorrelation best{u, TextFeature::kInsideQuotes, 0.0};
    for (int f = 0; f < kTextFeatures; ++f) {
      const double r = pearson(inside.hidden.data() + u * t, features[f].data(), t);
      if (std::fabs(r) > std::fabs(best.r)) best = {u, TextFeature(f), r};
    }
    out.push_back(best);
  }
  std::stable_sort(out.begin(), out.end(), [](const UnitCorrelation& a, const UnitCorrelation& b) {
    return std::fabs(a.r) > std::fabs(b.r);
  });
  return out;
}

}  // namespace genscope
