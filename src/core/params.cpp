#include "core/params.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/param_table.h"
#include "data/toy2d.h"
#include "util/strings.h"
#include "util/suggest.h"

namespace genscope {
namespace {

constexpr int kFamilies = 4;
static_assert(static_cast<int>(ModelFamily::kText) == kFamilies - 1, "families index 0..3");
int family_index(ModelFamily family) { return static_cast<int>(family); }

// Text as the user types it -> a value of `spec` (not range-checked).
Result<ParamValue> parse_value(const ParamSpec& spec, std::string_view text) {
  ParamValue v;
  switch (spec.type) {
    case ParamType::kText:
      v.text = std::string(text);
      break;
    case ParamType::kChoice: {
      std::string t(trim(text));
      for (size_t i = 0; i < spec.choices.size(); ++i) {
        if (t == spec.choices[i]) return ParamValue{static_cast<double>(i), ""};
      }
      const std::vector<std::string> names(spec.choices.begin(), spec.choices.end());
      const std::string near = did_you_mean(t, names);
      return Error{strformat(near.empty() ? "%s: unknown value '%s'%s (choose one of: %s)"
                                          : "%s: unknown value '%s'%s; choose one of: %s",
                             spec.key, t.c_str(), near.c_str(), join_names(names).c_str())};
    }
    case ParamType::kInt:
    case ParamType::kFloat: {
      auto d = parse_double(text);
      if (!d) {
        return Error{strformat("%s: '%s' is not a number", spec.key, std::string(text).c_str())};
      }
      v.number = *d;
      break;
    }
  }
  return v;
}

// Every row's default per family, indexed [family][id].
std::array<std::array<ParamValue, kParamCount>, kFamilies> make_defaults() {
  std::array<std::array<ParamValue, kParamCount>, kFamilies> out;
  for (const ParamSpec& spec : param_table()) {
    const int i = static_cast<int>(spec.id);
    for (auto& family : out) family[i] = ParamValue{spec.default_value, spec.default_text};
    for (const FamilyDefault& f : spec.family_defaults) {
      auto v = parse_value(spec, f.value);
      if (!v || !validate_param(spec, *v)) {
        throw std::logic_error(std::string("param ") + spec.key + ": bad family default " +
                               f.value);
      }
      out[family_index(f.family)][i] = *v;
    }
  }
  return out;
}

std::string key_spelling(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

}  // namespace

bool is_gan_model(const std::string& model) { return model == "dcgan" || model == "mlp-gan"; }

bool is_text_model(const std::string& model) { return model.rfind("char-", 0) == 0; }

bool is_text_dataset(const std::string& spec) {
  const std::string_view s = trim(spec);
  return s == "fortunes" || s.rfind("text:", 0) == 0;
}

ModelFamily model_family(const Params& params) {
  const std::string dataset(trim(params.text(ParamId::kDataset)));
  if (parse_toy2d(dataset)) return ModelFamily::kToy;
  const std::string model = params.choice(ParamId::kModel);
  if (is_text_model(model) || is_text_dataset(dataset)) return ModelFamily::kText;
  return is_gan_model(model) ? ModelFamily::kImageGan : ModelFamily::kVae;
}

bool param_applies(const ParamSpec& spec, ModelFamily family) {
  const unsigned bit = 1u << static_cast<unsigned>(family);
  return (static_cast<unsigned>(spec.scope) & bit) != 0;
}

const std::array<ParamSpec, kParamCount>& param_table() {
  static const std::array<ParamSpec, kParamCount> table = make_param_table();
  return table;
}

const ParamSpec& param_spec(ParamId id) { return param_table()[static_cast<int>(id)]; }

const ParamSpec* find_param(std::string_view key) {
  std::string k = key_spelling(key);
  for (const auto& spec : param_table()) {
    if (k == spec.key) return &spec;
  }
  return nullptr;
}

std::string cli_flag(const ParamSpec& spec) {
  std::string flag = "--" + std::string(spec.key);
  for (char& c : flag) {
    if (c == '_') c = '-';
  }
  return flag;
}

const ParamValue& param_default(const ParamSpec& spec, ModelFamily family) {
  static const auto defaults = make_defaults();
  return defaults[family_index(family)][static_cast<int>(spec.id)];
}

Params::Params() {
  for (const auto& spec : param_table()) {
    values_[static_cast<int>(spec.id)] = ParamValue{spec.default_value, spec.default_text};
  }
  follow_family();
}

void Params::follow_family() {
  family_ = model_family(*this);
  for (const auto& spec : param_table()) {
    const int i = static_cast<int>(spec.id);
    if (!set_[i]) values_[i] = param_default(spec, family_);
  }
}

std::string Params::choice(ParamId id) const {
  const auto& spec = param_spec(id);
  return spec.choices.at(static_cast<size_t>(number(id)));
}

Status validate_param(const ParamSpec& spec, const ParamValue& v) {
  switch (spec.type) {
    case ParamType::kText:
      // A text whose default is empty may be empty ("checkpoint": the run directory's names).
      if (trim(v.text).empty() && spec.default_text[0] != '\0') {
        return Error{std::string(spec.key) + ": must not be empty"};
      }
      return {};
    case ParamType::kInt:
    case ParamType::kChoice:
      if (std::floor(v.number) != v.number) {
        return Error{strformat("%s: %s is not a whole number", spec.key, format_number(v.number).c_str())};
      }
      [[fallthrough]];
    case ParamType::kFloat:
      if (!std::isfinite(v.number) || v.number < spec.min_value || v.number > spec.max_value) {
        return Error{strformat("%s: %s is outside the range [%s, %s]", spec.key,
                               format_number(v.number).c_str(), format_number(spec.min_value).c_str(),
                               format_number(spec.max_value).c_str())};
      }
      return {};
  }
  return {};
}

Status Params::set(ParamId id, const ParamValue& v) {
  const auto& spec = param_spec(id);
  if (auto s = validate_param(spec, v); !s) return s;
  auto& slot = values_[static_cast<int>(id)];
  if (spec.type == ParamType::kText) {
    // A prompt is kept as typed: "The " and "The" continue differently.
    slot.text = id == ParamId::kPrompt ? v.text : std::string(trim(v.text));
  } else {
    slot.number = v.number;
  }
  set_[static_cast<int>(id)] = true;
  if (id == ParamId::kDataset || id == ParamId::kModel) follow_family();
  return {};
}

Status Params::set_from_string(ParamId id, std::string_view text) {
  auto v = parse_value(param_spec(id), text);
  if (!v) return Error{v.error()};
  return set(id, *v);
}

std::vector<ParamId> Params::diff(const Params& other) const {
  std::vector<ParamId> out;
  for (int i = 0; i < kParamCount; ++i) {
    if (values_[i] != other.values_[i]) out.push_back(static_cast<ParamId>(i));
  }
  return out;
}

std::string Params::to_string(ParamId id) const {
  const auto& spec = param_spec(id);
  switch (spec.type) {
    case ParamType::kText:
      return text(id);
    case ParamType::kChoice:
      return choice(id);
    case ParamType::kInt:
      return strformat("%d", integer(id));
    case ParamType::kFloat:
      return format_exact(number(id));  // config.cfg reads back bit-exact
  }
  return {};
}

int param_decimals(const ParamSpec& spec) {
  const auto exact = [](double v, int d) {
    const double scaled = v * std::pow(10.0, d);
    return std::fabs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, std::fabs(scaled));
  };
  for (int d = 2; d < 6; ++d) {
    if (exact(spec.min_value, d) && exact(spec.max_value, d) && exact(spec.default_value, d)) {
      return d;
    }
  }
  return 6;
}

bool param_uses_input(const ParamSpec& spec) {
  const bool linear =
      spec.type == ParamType::kInt || (spec.type == ParamType::kFloat && !spec.log_scale);
  return linear && spec.max_value - spec.min_value > 4096;
}

std::string format_param_value(const ParamSpec& spec, const ParamValue& v) {
  switch (spec.type) {
    case ParamType::kText:
      return v.text;
    case ParamType::kChoice: {
      const auto i = static_cast<std::size_t>(v.number);
      return v.number >= 0 && i < spec.choices.size() ? spec.choices[i] : format_number(v.number);
    }
    case ParamType::kInt:
      return strformat("%lld", static_cast<long long>(v.number));
    case ParamType::kFloat:
      if (spec.log_scale) return strformat("%.2e", v.number);
      return strformat("%.*f", param_decimals(spec), v.number);
  }
  return {};
}

namespace {

// A value as a config line holds it: as typed, or in double quotes with \" \\ \n \t \r
// escaped when it has a '#', a quote, surrounding spaces or a control character in it (a folder
// named "mnist#2" must read back as itself).
std::string config_value(const std::string& v) {
  const bool plain =
      !v.empty() && v.front() != ' ' && v.back() != ' ' && v.front() != '"' &&
      std::none_of(v.begin(), v.end(), [](char c) { return c == '#' || (c >= 0 && c < 32); });
  if (plain || v.empty()) return v;
  std::string out = "\"";
  for (char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

// Reads a quoted value (text starts at the opening quote); `rest` gets what follows it.
Result<std::string> quoted_value(std::string_view text, std::string_view& rest) {
  std::string out;
  for (size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      rest = text.substr(i + 1);
      return out;
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == text.size()) break;
    switch (text[i]) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '"': case '\\': out += text[i]; break;
      default: return Error{strformat("unknown escape '\\%c' in a quoted value", text[i])};
    }
  }
  return Error{"a quoted value has no closing quote"};
}

}  // namespace

Status parse_config_text(const std::string& text, const std::string& source, Params& params) {
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const auto fail = [&](const std::string& why) {
      return Error{strformat("%s:%d: %s", source.c_str(), line_no, why.c_str())};
    };
    std::string_view body = trim(line);
    const auto hash = body.find('#'), eq = body.find('=');
    if (hash < eq) body = trim(body.substr(0, hash));  // a comment (or a key with '#' in it)
    if (body.empty()) continue;
    if (eq == std::string_view::npos || hash < eq) return fail("expected 'key = value'");
    std::string key(trim(body.substr(0, eq)));
    if (key == kParentKey) continue;  // lineage (config_parent), not a parameter
    const ParamSpec* spec = find_param(key);
    if (!spec) {
      std::vector<std::string> keys;
      for (const auto& row : param_table()) keys.push_back(row.key);
      return fail(strformat("unknown key '%s'%s", key.c_str(),
                            did_you_mean(key_spelling(key), keys).c_str()));
    }
    std::string_view raw = trim(body.substr(eq + 1));
    std::string value;
    if (!raw.empty() && raw.front() == '"') {
      std::string_view rest;
      auto quoted = quoted_value(raw, rest);
      if (!quoted) return fail(std::string(key) + ": " + quoted.error());
      rest = trim(rest);
      if (!rest.empty() && rest.front() != '#') return fail(key + ": text after the closing quote");
      value = *quoted;
    } else {
      value = std::string(trim(raw.substr(0, raw.find('#'))));
    }
    if (auto s = params.set_from_string(spec->id, value); !s) return fail(s.error());
  }
  return {};
}

Status load_config(const std::string& path, Params& params) {
  // A device (/dev/zero) would be read forever, a directory read as an empty config.
  constexpr std::uintmax_t kMaxConfigBytes = 1 << 20;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Error{"config " + path + ": no such file"};
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Error{"config " + path + ": not a regular file"};
  }
  if (std::filesystem::file_size(path, ec) > kMaxConfigBytes) {
    return Error{"config " + path + ": larger than 1 MB (not a config file?)"};
  }
  std::ifstream in(path);
  if (!in) return Error{"config " + path + ": cannot open"};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config_text(text.str(), "config " + path, params);
}

std::string to_config_text(const Params& params) {
  constexpr size_t kCommentWidth = 98;  // with "# ", 100 columns
  std::ostringstream out;
  for (const auto& spec : param_table()) {
    std::string comment = spec.help;
    if (spec.type == ParamType::kChoice) {
      comment += " One of: " + join_names({spec.choices.begin(), spec.choices.end()}) + ".";
    } else if (spec.type != ParamType::kText) {
      comment +=
          " Range [" + format_number(spec.min_value) + ", " + format_number(spec.max_value) + "].";
    }
    if (spec.apply == ParamApply::kReset) comment += " (needs reset)";
    if (spec.apply == ParamApply::kApp) comment += " (the window's; training ignores it)";
    for (const std::string& line : wrap_words(comment, kCommentWidth)) out << "# " << line << "\n";
    out << spec.key << " = " << config_value(params.to_string(spec.id)) << "\n";
  }
  return out.str();
}

std::string config_parent_line(const std::string& parent) {
  return "# The run this one was forked from, and the step it was forked at (not a parameter).\n" +
         std::string(kParentKey) + " = " + config_value(parent) + "\n";
}

std::string config_parent(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::string_view body = trim(line);
    const auto eq = body.find('=');
    if (body.empty() || body.front() == '#' || eq == std::string_view::npos) continue;
    if (trim(body.substr(0, eq)) != kParentKey) continue;
    std::string_view raw = trim(body.substr(eq + 1)), rest;
    if (!raw.empty() && raw.front() == '"') {
      auto quoted = quoted_value(raw, rest);
      return quoted ? *quoted : std::string();
    }
    return std::string(trim(raw.substr(0, raw.find('#'))));
  }
  return {};
}

Status apply_fork_edits(Params& params, const std::string& edits) {
  const double seed = params.number(ParamId::kSeed);
  if (Status s = apply_edits(params, edits); !s) return s;
  if (params.number(ParamId::kSeed) != seed) {
    return Error{"a branch continues its parent's random stream from the fork, so its seed "
                 "cannot change (the seed starts new runs)"};
  }
  return {};
}

Status apply_edits(Params& params, const std::string& edits) {
  std::string_view rest = edits;
  if (trim(rest).empty()) return Error{"no edit: expected key=value, e.g. lr_d=1e-4"};
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view pair = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      return Error{"'" + std::string(pair) + "': expected key=value, e.g. lr_d=1e-4"};
    }
    const std::string key(trim(pair.substr(0, eq)));
    const ParamSpec* spec = find_param(key);
    if (!spec) {
      std::vector<std::string> keys;
      for (const auto& row : param_table()) keys.push_back(row.key);
      return Error{strformat("'%s': unknown key '%s'%s", std::string(pair).c_str(), key.c_str(),
                             did_you_mean(key_spelling(key), keys).c_str())};
    }
    if (auto s = params.set_from_string(spec->id, trim(pair.substr(eq + 1))); !s) {
      return Error{"'" + std::string(pair) + "': " + s.error()};
    }
  }
  return {};
}

}  // namespace genscope
