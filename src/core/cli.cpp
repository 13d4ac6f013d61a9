#include "core/cli.h"
#include "core/cli_modes.h"
#include "core/snapshot.h"

#include <algorithm>
#include <filesystem>
#include <cmath>
#include <cctype>
#include <sstream>

#include "data/dataset.h"
#include "core/presets.h"
#include "core/record_settings.h"
#include "util/strings.h"
#include "util/suggest.h"

namespace genscope {
namespace {

constexpr size_t kHelpColumn = 28;         // where the help text of a flag starts
constexpr char kKeepTogether = '\x01';     // a space in help text that wrapping must not break

// A flag that is not a parameter: a run mode or one of its settings.
struct ModeFlag {
  std::string flag;
  std::string arg;   // what --help shows after it ("N", "PATH"); empty for a switch
  std::string help;  // empty: accepted but not listed (genscope-bench's --seconds)
};

const std::vector<ModeFlag>& mode_flags() {
  static const std::vector<ModeFlag> flags = [] {
    const CliOptions d;
    return std::vector<ModeFlag>{
        {"--headless", "", "train with no window and no display (needs --steps N)"},
        {"--steps", "N", "with --headless: train N steps"},
        {"--out", "DIR",
         "the run directory: config.cfg, metrics.csv, events.log, checkpoints/, samples.png (2D "
         "datasets: scatter.png); default: runs_dir/<start time>-<model>-<dataset>, or, with "
         "--resume, the checkpoint's run directory"},
        {"--screenshot", "PATH",
         "save a PNG of the window after --frames K frames that show training samples, then "
         "exit (F12 saves one anytime)"},
        {"--frames", "K",
         strformat("with --screenshot: frames to show first (default %d)", d.screenshot_frames)},
        {"--screenshot-step", "N", "with --screenshot: wait until training reached step N"},
        {"--window-size", "WxH",
         strformat("window size (default %dx%d); with --headless --record, the size of the "
                   "offscreen frames",
                   d.window_width, d.window_height)},
        {"--ui-scale", "X",
         "the window's fonts and spacing, 0.5..4 (default: the monitor's scale, larger in a "
         "big window; also View > UI scale, kept with the layout)"},
        {"--record", "PATH",
         "record the window to PATH (.mp4 or .gif) from the start, as the --record-* settings "
         "below say; with --headless, render offscreen (no display needed). Finished on exit, "
         "Ctrl+C or when --record-frames or --record-seconds is reached"},
        {"--export-generator", "PATH",
         "with --headless: after the last step, write the generator for PyTorch to "
         "PATH.safetensors and PATH.json (a bare name goes into the run directory; README: "
         "Export for Python; in the window: File > Export generator)"},
        {"--fork-at", "STEP",
         "with --fork: train to STEP, save the run there, then train the run and each branch in "
         "turn (headless: to the last step; the window: as Fork here at STEP would), each in a "
         "run directory of its own (the branch's config.cfg names its parent = DIR@STEP)"},
        {"--fork", "EDITS",
         "with --fork-at: one branch with these edits, key=value[,key=value...] (e.g. "
         "lr_d=1e-4 or loss=hinge; any parameter, weights kept); up to 3 --fork"},
        {"--compare", "DIR...",
         "open the Runs window with these run directories ticked: their curves overlaid on the "
         "plots (also View > Runs)"},
        {"--serve", "",
         "train with no window (no display needed) and serve the run to viewers on other "
         "machines (--connect); prints the address and the access token; Ctrl+C ends it"},
        {"--listen", "HOST:PORT",
         "with --serve: where to listen (default 127.0.0.1:7777, this machine only: reach it "
         "from elsewhere through an SSH tunnel, README: Remote viewing)"},
        {"--connect", "HOST:PORT",
         "open the window on a run that genscope --serve trains elsewhere (needs --token)"},
        {"--token", "T",
         "with --connect: the token --serve printed; with --serve: use T instead of a random one"},
        {"--rank", "R",
         "data-parallel training: this process's rank, 0..N-1 (or RANK, as torchrun sets it; "
         "README: Data-parallel training)"},
        {"--world-size", "N", "data-parallel training: how many ranks (or WORLD_SIZE)"},
        {"--master-addr", "HOST", "where rank 0 listens for the others (or MASTER_ADDR; default "
                                  "127.0.0.1)"},
        {"--master-port", "PORT", "rank 0's port (or MASTER_PORT; default 29500)"},
        {"--config", "FILE",
         "read 'key = value' lines (keys as below, e.g. lr_g = 1e-4); later "
         "flags override them"},
        {"--preset", "NAME",
         "start from a preset (listed below; or a path to a .cfg file); every other flag "
         "overrides it"},
        {"--resume", "PATH",
         "continue the experiment saved in checkpoint PATH (its parameters, weights, optimizer "
         "state, RNG and step); --checkpoint and --checkpoint-every still apply"},
        {"--print-config", "", "print every parameter as a config file and exit"},
        {"--help", "", "print this help and exit (also -h)"},
        {"--seconds", "S", ""},
    };
  }();
  return flags;
}

const ModeFlag* find_mode_flag(const std::string& flag) {
  for (const ModeFlag& f : mode_flags()) {
    if (f.flag == flag) return &f;
  }
  return nullptr;
}

// " (did you mean --lr-g?)" for "lrg" or "lr_g", compared without the dashes; "" if none is close.
std::string flag_hint(std::string name) {
  for (char& c : name)
    c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::string> names;
  for (const std::string& f : cli_flags()) names.push_back(f.substr(2));
  std::vector<std::string> near = suggest(name, names);
  for (std::string& n : near) n = "--" + n;
  return format_did_you_mean(near);
}

// Splits "--flag=value" and "--flag value" forms; returns false when a value is missing.
bool take_value(const std::vector<std::string>& args, size_t& i, const std::string& inline_value,
                bool has_inline, std::string& out) {
  if (has_inline) {
    out = inline_value;
    return true;
  }
  if (i + 1 >= args.size()) return false;
  out = args[++i];
  return true;
}

// The first sentence of a preset's description: up to a ". " that a lower-case word does not
// follow (so "e.g. this" stays whole).
std::string first_sentence(const std::string& text) {
  for (size_t i = text.find(". "); i != std::string::npos; i = text.find(". ", i + 1)) {
    if (i + 2 < text.size() && !std::islower(static_cast<unsigned char>(text[i + 2]))) {
      return text.substr(0, i + 1);
    }
  }
  return text;
}

// One help entry: `left` at column 2, `text` wrapped from kHelpColumn to kHelpWidth; a `left`
// too wide for the column gets a line of its own.
void put_row(std::ostringstream& out, const std::string& left, const std::string& text) {
  std::string head = "  " + left;
  const std::vector<std::string> lines = wrap_words(text, kHelpWidth - kHelpColumn);
  if (lines.empty() || head.size() + 2 > kHelpColumn) {
    out << head << "\n";
    head.clear();
  }
  head.resize(kHelpColumn, ' ');
  for (std::string line : lines) {
    std::replace(line.begin(), line.end(), kKeepTogether, ' ');
    out << head << line << "\n";
    head.assign(kHelpColumn, ' ');
  }
}

// One parameter's help entry: the flag and its default, the help, the range or the choices.
void put_param_row(std::ostringstream& out, const ParamSpec& spec, const Params& defaults) {
  std::string text = spec.help;
  if (spec.type == ParamType::kFloat || spec.type == ParamType::kInt) {
    text += " [" + format_number(spec.min_value) + "," + kKeepTogether +
            format_number(spec.max_value) + "]";
  } else if (spec.type == ParamType::kChoice) {
    text += std::string(" (one") + kKeepTogether + "of:" + kKeepTogether +
            join_names({spec.choices.begin(), spec.choices.end()}) + ")";
  }
  if (spec.apply == ParamApply::kReset) text += " (reset)";
  const std::string shown = defaults.to_string(spec.id);
  put_row(out, cli_flag(spec) + " " + (shown.empty() ? "PATH" : shown), text);
}

// Why `flag` does not fit the mode `o` asks for, or "" when it does.
std::string mode_problem(const std::string& flag, const CliOptions& o) {
  if (flag == "--seconds") {
    return "--seconds only applies to genscope-bench (its phase length); to end a recording "
           "after S seconds use --record-seconds S";
  }
  if (std::string problem = remote_problem(flag, o); !problem.empty()) return problem;
  if (o.headless) {
    if (flag == "--screenshot") {
      return "--screenshot needs the window: drop --headless (a headless run writes samples.png "
             "into its run directory)";
    }
    if (flag == "--frames" || flag == "--screenshot-step") {
      return flag + " only applies to the window's --screenshot: drop --headless";
    }
    if (flag == "--compare") {
      return "--compare needs the window: drop --headless (or compare the run directories' "
             "metrics.csv, or `tensorboard --logdir runs`)";
    }
    if ((flag == "--window-size" || flag == "--ui-scale") && !o.record) {
      return flag + " with --headless only applies to --record's offscreen frames (add --record "
                    "PATH, or drop --headless to open a window)";
    }
  } else {
    if (flag == "--export-generator") {
      return "--export-generator only applies with --headless (in the window: File > Export "
             "generator)";
    }
    if (flag == "--steps") {
      return strformat(
          "--steps only applies with --headless (add --headless to train %lld steps "
          "with no window)",
          o.steps);
    }
  }
  if (o.screenshot_path.empty() && (flag == "--frames" || flag == "--screenshot-step")) {
    return flag + " only applies with --screenshot (add --screenshot PATH)";
  }
  if (!o.record && flag.rfind("--record-", 0) == 0) {
    return flag + " only applies with --record (add --record PATH)";
  }
  return {};
}

// A preset is the base: it applies first wherever it appears, and every other flag (and
// --config) overrides it, so `--dataset grid25 --preset cover-modes` trains on the grid.
Status apply_presets(const std::vector<std::string>& args, CliOptions& o,
                     std::string& dataset_source) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name;
    if (args[i] == "--preset") {
      if (i + 1 >= args.size()) return Error{"--preset: needs a value"};
      name = args[i + 1];
    } else if (args[i].rfind("--preset=", 0) == 0) {
      name = args[i].substr(9);
    } else {
      continue;
    }
    const std::string before = o.params.text(ParamId::kDataset);
    if (auto s = apply_preset(name, o.params); !s) return Error{"--preset: " + s.error()};
    if (o.params.text(ParamId::kDataset) != before) dataset_source = "preset " + name + ": dataset";
    o.preset = name;
  }
  return {};
}

// The value of the flag at args[i]: after its '=', or the next argument (then i moves onto it).
class FlagValue {
 public:
  FlagValue(const std::vector<std::string>& args, size_t& i, const std::string& flag,
            const std::string& inline_value, bool has_inline)
      : args_(args), i_(i), flag_(flag), inline_value_(inline_value), has_inline_(has_inline) {}

  Status text(std::string& out) {
    if (!take_value(args_, i_, inline_value_, has_inline_, out)) {
      return Error{flag_ + ": needs a value"};
    }
    return {};
  }

  // A number within [lo, hi].
  Status number(double lo, double hi, double& out) {
    std::string v;
    if (auto s = text(v); !s) return s;
    auto d = parse_double(v);
    if (!d) return Error{flag_ + ": '" + v + "' is not a number"};
    if (*d < lo || *d > hi) {
      return Error{strformat("%s: %s is outside the range [%s, %s]", flag_.c_str(), v.c_str(),
                             format_number(lo).c_str(), format_number(hi).c_str())};
    }
    out = *d;
    return {};
  }

  // A whole number within [lo, hi] (a count: "2.5 steps" is refused, not truncated).
  Status whole(double lo, double hi, double& out) {
    if (auto s = number(lo, hi, out); !s) return s;
    if (std::floor(out) != out) {
      return Error{strformat("%s: %s is not a whole number", flag_.c_str(),
                             format_number(out).c_str())};
    }
    return {};
  }

  // A path: empty is refused (an empty --resume used to start a fresh run silently).
  Status path(std::string& out) {
    if (auto s = text(out); !s) return s;
    if (out.empty()) return Error{flag_ + ": needs a path (it is empty)"};
    return {};
  }

  // One or more paths: the value and the arguments after it up to the next flag (a shell's
  // `runs/*`), each appended to `out`.
  Status paths(std::vector<std::string>& out) {
    std::string first;
    if (auto s = path(first); !s) return s;
    out.push_back(first);
    while (!has_inline_ && i_ + 1 < args_.size() && !args_[i_ + 1].empty() &&
           args_[i_ + 1][0] != '-') {
      out.push_back(args_[++i_]);
    }
    return {};
  }

 private:
  const std::vector<std::string>& args_;
  size_t& i_;
  const std::string& flag_;
  const std::string& inline_value_;
  bool has_inline_;
};

// --window-size WxH.
Status apply_window_size(const std::string& text, CliOptions& o) {
  int w = 0, h = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%dx%d%c", &w, &h, &extra) != 2 || w < 320 || h < 240 || w > 8192 ||
      h > 8192) {
    return Error{"--window-size: '" + text + "' is not WIDTHxHEIGHT within 320x240..8192x8192"};
  }
  o.window_width = w;
  o.window_height = h;
  return {};
}

// A run mode's flag or one of its settings (every ModeFlag).
Status apply_mode_flag(const std::string& flag, FlagValue& value, CliOptions& o,
                       std::string& dataset_source) {
  Status status;
  double d = 0;
  std::string text;
  if (flag == "--help") {
    o.help = true;
  } else if (flag == "--print-config") {
    o.print_config = true;
  } else if (flag == "--headless") {
    o.headless = true;
  } else if (flag == "--steps") {
    if ((status = value.whole(1, 1e12, d))) o.steps = static_cast<long long>(d);
  } else if (flag == "--out") {
    if ((status = value.text(text))) o.out_dir = text;
  } else if (flag == "--screenshot") {
    if ((status = value.text(text))) o.screenshot_path = text;
  } else if (flag == "--frames") {
    if ((status = value.whole(1, 1e6, d))) o.screenshot_frames = static_cast<int>(d);
  } else if (flag == "--screenshot-step") {
    if ((status = value.whole(0, 1e12, d))) o.screenshot_step = static_cast<long long>(d);
  } else if (flag == "--seconds") {
    if ((status = value.number(0.1, 86400, d))) o.seconds = d;
  } else if (flag == "--ui-scale") {
    if ((status = value.number(0.5, 4.0, d))) o.ui_scale = static_cast<float>(d);
  } else if (flag == "--window-size") {
    if ((status = value.text(text))) status = apply_window_size(text, o);
  } else if (flag == "--record") {
    if ((status = value.text(text))) {
      o.record = true;
      status = o.params.set(ParamId::kRecordPath, {0.0, text});
      if (!status) status = Error{flag + ": " + status.error()};
    }
  } else if (flag == "--resume") {
    status = value.path(o.resume);
  } else if (flag == "--export-generator") {
    status = value.path(o.export_generator);
  } else if (flag == "--fork-at") {
    if ((status = value.whole(0, 1e12, d))) o.fork_at = static_cast<long long>(d);
  } else if (flag == "--fork") {
    if ((status = value.text(text))) o.forks.push_back(text);
  } else if (flag == "--compare") {
    status = value.paths(o.compare);
  } else if (flag == "--serve") {
    o.serve = true;
  } else if (flag == "--listen") {
    if ((status = value.text(text))) o.listen = text;
  } else if (flag == "--connect") {
    if ((status = value.text(text))) o.connect = text;
  } else if (flag == "--token") {
    if ((status = value.text(text))) o.token = text;
  } else if (flag == "--rank") {
    if ((status = value.whole(0, 4095, d))) o.rank = static_cast<int>(d);
  } else if (flag == "--world-size") {
    if ((status = value.whole(1, 4096, d))) o.world_size = static_cast<int>(d);
  } else if (flag == "--master-addr") {
    if ((status = value.text(text))) o.master_addr = text;
  } else if (flag == "--master-port") {
    if ((status = value.whole(1, 65535, d))) o.master_port = static_cast<int>(d);
  } else if (flag == "--preset") {
    status = value.text(text);  // applied before the other flags
  } else if (flag == "--config") {
    const std::string before = o.params.text(ParamId::kDataset);
    if ((status = value.text(text))) status = load_config(text, o.params);
    if (status && o.params.text(ParamId::kDataset) != before) {
      dataset_source = "config " + text + ": dataset";
    }
  }
  return status;
}

// A parameter's flag: its value, as a config file would give it.
Status apply_param_flag(const ParamSpec& spec, const std::string& flag, FlagValue& value,
                        CliOptions& o, std::string& dataset_source) {
  std::string text;
  Status status;
  if ((status = value.text(text))) {
    status = o.params.set_from_string(spec.id, text);
    if (!status) {
      status = Error{flag + ": " + status.error().substr(status.error().find(':') + 2)};
    }
  }
  if (spec.id == ParamId::kDataset) dataset_source = "--dataset";
  return status;
}

// Applies args[i] (moving i onto its value when that is the next argument).
Status apply_arg(const std::vector<std::string>& args, size_t& i, CliOptions& o,
                 std::string& dataset_source) {
  std::string arg = args[i] == "-h" ? "--help" : args[i];
  if (arg.rfind("--", 0) != 0) {
    std::string hint;
    if (arg.size() > 1 && arg[0] == '-') hint = flag_hint(arg.substr(1, arg.find('=') - 1));
    return Error{"unexpected argument '" + arg + "'" + (hint.empty() ? " (see --help)" : hint)};
  }
  std::string flag = arg, inline_value;
  bool has_inline = false;
  if (auto eq = arg.find('='); eq != std::string::npos) {
    flag = arg.substr(0, eq);
    inline_value = arg.substr(eq + 1);
    has_inline = true;
  }
  const ModeFlag* mode = find_mode_flag(flag);
  const ParamSpec* spec = mode ? nullptr : find_param(flag.substr(2));
  if (!mode && !spec) {
    const std::string hint = flag_hint(flag.substr(2));
    return Error{"unknown flag " + flag + (hint.empty() ? " (see --help)" : hint)};
  }
  if (mode && mode->arg.empty() && has_inline) {
    return Error{flag + ": takes no value (got '" + inline_value + "')"};
  }
  o.flags.push_back(mode ? mode->flag : cli_flag(*spec));
  FlagValue value(args, i, flag, inline_value, has_inline);
  if (mode) return apply_mode_flag(flag, value, o, dataset_source);
  return apply_param_flag(*spec, flag, value, o, dataset_source);
}

// What needs every flag read first: the recording's settings and (unless resuming) the dataset.
Status check_parsed(const CliOptions& o, const std::string& dataset_source) {
  if (o.record) {
    if (auto s = RecordSettings(o.params).validate(); !s) return Error{"--record: " + s.error()};
  }
  for (const std::string& dir : o.compare) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(std::filesystem::path(dir) / "config.cfg", ec)) {
      return Error{"--compare " + dir + ": not a run directory (it has no config.cfg)"};
    }
  }
  // A resumed run trains on its checkpoint's dataset, whatever the flags name.
  if (o.resume.empty()) {
    if (auto s = check_dataset_spec(o.params.text(ParamId::kDataset)); !s) {
      return Error{(dataset_source.empty() ? "dataset" : dataset_source) + ": " + s.error()};
    }
  }
  return {};
}

}  // namespace

std::vector<std::string> cli_flags() {
  std::vector<std::string> out;
  for (const ModeFlag& f : mode_flags()) out.push_back(f.flag);
  for (const ParamSpec& spec : param_table()) out.push_back(cli_flag(spec));
  return out;
}

Result<CliOptions> parse_cli(const std::vector<std::string>& args) {
  CliOptions o;
  // Which part of the command line set the dataset last, for the error when it names nothing.
  std::string dataset_source;
  if (Status s = apply_presets(args, o, dataset_source); !s) return Error{s.error()};
  for (size_t i = 0; i < args.size(); ++i) {
    if (Status s = apply_arg(args, i, o, dataset_source); !s) return Error{s.error()};
  }
  if (Status s = check_parsed(o, dataset_source); !s) return Error{s.error()};
  return o;
}

// The fork flags: both or neither, a few branches, edits that apply to this run's parameters.
static Status check_forks(const CliOptions& o) {
  if (o.fork_at < 0 && o.forks.empty()) return {};
  if (o.fork_at < 0) return Error{"--fork needs --fork-at STEP (the step to branch at)"};
  if (o.forks.empty()) {
    return Error{"--fork-at needs at least one --fork EDITS (e.g. --fork lr_d=1e-4)"};
  }
  if (int(o.forks.size()) > kMaxForkBranches) {
    return Error{strformat("--fork: at most %d branches (%zu given)", kMaxForkBranches,
                           o.forks.size())};
  }
  if (o.steps > 0 && o.fork_at > o.steps && o.resume.empty()) {
    return Error{strformat("--fork-at %lld: after the last step (--steps %lld)", o.fork_at,
                           o.steps)};
  }
  if (o.record && o.headless) {
    return Error{"--fork-at: a recording shows one run (record a branch with --resume of its "
                 "checkpoint)"};
  }
  for (const std::string& edits : o.forks) {
    Params p = o.params;
    if (Status s = apply_fork_edits(p, edits); !s) {
      return Error{"--fork " + edits + ": " + s.error()};
    }
  }
  return {};
}

Status check_mode_flags(const CliOptions& options) {
  for (const std::string& flag : options.flags) {
    if (std::string problem = mode_problem(flag, options); !problem.empty()) return Error{problem};
  }
  if (!options.connect.empty() && options.token.empty()) {
    return Error{"--connect needs --token T (the token genscope --serve printed)"};
  }
  if (options.headless && options.steps <= 0) {
    return Error{"--headless needs --steps N (how many steps to train)"};
  }
  return check_forks(options);
}

std::string cli_help() {
  std::ostringstream out;
  out << "genscope: train generative models live and watch them learn.\n\n"
         "usage: genscope [options]\n\n"
         "run modes:\n";
  put_row(out, "(no mode flag)", "open the window and train (needs a display: see --headless)");
  for (const ModeFlag& f : mode_flags()) {
    if (!f.help.empty()) put_row(out, f.flag + (f.arg.empty() ? "" : " " + f.arg), f.help);
  }
  out << "\npresets (--preset NAME, files in " << preset_dir() << "):\n";
  const std::vector<PresetInfo> presets = list_presets();
  if (presets.empty()) out << "  (none found)\n";
  for (const PresetInfo& p : presets) put_row(out, p.name, first_sentence(p.description));
  out << "\nparameters (config keys are the same names with '_', e.g. lr_g = 1e-4; live ones\n"
         "apply while training, (reset) ones on Reset):\n";
  const Params defaults;
  for (const ParamSpec& spec : param_table()) {
    if (is_training_param(spec)) put_param_row(out, spec, defaults);
  }
  out << "\nrecording (the Record tab's settings, never training's; as flags they need --record\n"
         "PATH, as config keys they set the Record tab too):\n";
  for (const ParamSpec& spec : param_table()) {
    if (!is_training_param(spec)) put_param_row(out, spec, defaults);
  }
  return out.str();
}

}  // namespace genscope
