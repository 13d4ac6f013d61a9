#include "core/params.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/param_table.h"
#include "data/toy2d.h"
#include "util/strings.h"
#include "util/suggest.h"

namespace genscope {
namespace {

constexpr int kFamilies = 3;
static_assert(static_cast<int>(ModelFamily::kToy) == kFamilies - 1, "families index 0..2");
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

ModelFamily model_family(const Params& params) {
  if (parse_toy2d(std::string(trim(params.text(ParamId::kDataset))))) return ModelFamily::kToy;
  return is_gan_model(params.choice(ParamId::kModel)) ? ModelFamily::kImageGan : ModelFamily::kVae;
}

bool param_applies(const ParamSpec& spec, ModelFamily family) {
  const unsigned bit = family == ModelFamily::kImageGan ? 1u : family == ModelFamily::kVae ? 2u : 4u;
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
    slot.text = std::string(trim(v.text));
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

Status parse_config_text(const std::string& text, const std::string& source, Params& params) {
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view body = line;
    if (auto hash = body.find('#'); hash != std::string_view::npos) body = body.substr(0, hash);
    body = trim(body);
    if (body.empty()) continue;
    auto eq = body.find('=');
    if (eq == std::string_view::npos) {
      return Error{strformat("%s:%d: expected 'key = value'", source.c_str(), line_no)};
    }
    std::string key(trim(body.substr(0, eq)));
    const ParamSpec* spec = find_param(key);
    if (!spec) {
      std::vector<std::string> keys;
      for (const auto& row : param_table()) keys.push_back(row.key);
      return Error{strformat("%s:%d: unknown key '%s'%s", source.c_str(), line_no, key.c_str(),
                             did_you_mean(key_spelling(key), keys).c_str())};
    }
    if (auto s = params.set_from_string(spec->id, trim(body.substr(eq + 1))); !s) {
      return Error{strformat("%s:%d: %s", source.c_str(), line_no, s.error().c_str())};
    }
  }
  return {};
}

Status load_config(const std::string& path, Params& params) {
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
    out << spec.key << " = " << params.to_string(spec.id) << "\n";
  }
  return out.str();
}

}  // namespace genscope
