#include "cli.h"

#include <sstream>

#include "train/presets.h"
#include "util/strings.h"

namespace genscope {
namespace {

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

}  // namespace

Result<CliOptions> parse_cli(const std::vector<std::string>& args) {
  CliOptions o;
  o.record_settings.steps_per_frame = 10;  // --record makes a lockstep timelapse by default
  // A preset is the base: it applies first wherever it appears, and every other flag (and
  // --config) overrides it, so `--dataset grid25 --preset cover-modes` trains on the grid.
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
    if (auto s = apply_preset(name, o.params); !s) return Error{"--preset: " + s.error()};
    o.preset = name;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg.rfind("--", 0) != 0) return Error{"unexpected argument '" + arg + "' (see --help)"};
    std::string flag = arg, inline_value;
    bool has_inline = false;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      flag = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
      has_inline = true;
    }
    auto value = [&](std::string& out) -> Status {
      if (!take_value(args, i, inline_value, has_inline, out)) return Error{flag + ": needs a value"};
      return {};
    };
    auto number = [&](double lo, double hi, double& out) -> Status {
      std::string v;
      if (auto s = value(v); !s) return s;
      auto d = parse_double(v);
      if (!d) return Error{flag + ": '" + v + "' is not a number"};
      if (*d < lo || *d > hi) {
        return Error{strformat("%s: %s is outside the range [%s, %s]", flag.c_str(), v.c_str(),
                               format_number(lo).c_str(), format_number(hi).c_str())};
      }
      out = *d;
      return {};
    };
    Status status;
    double d = 0;
    std::string text;
    if (flag == "--help" || flag == "-h") {
      o.help = true;
    } else if (flag == "--print-config") {
      o.print_config = true;
    } else if (flag == "--headless") {
      o.headless = true;
    } else if (flag == "--steps") {
      if ((status = number(1, 1e12, d))) o.steps = static_cast<long long>(d);
    } else if (flag == "--out") {
      if ((status = value(text))) o.out_dir = text;
    } else if (flag == "--screenshot") {
      if ((status = value(text))) o.screenshot_path = text;
    } else if (flag == "--frames") {
      if ((status = number(1, 1e6, d))) o.screenshot_frames = static_cast<int>(d);
    } else if (flag == "--screenshot-step") {
      if ((status = number(0, 1e12, d))) o.screenshot_step = static_cast<long long>(d);
    } else if (flag == "--seconds") {
      if ((status = number(0.1, 86400, d))) o.seconds = d;
    } else if (flag == "--window-size") {
      if ((status = value(text))) {
        int w = 0, h = 0;
        char extra = 0;
        if (std::sscanf(text.c_str(), "%dx%d%c", &w, &h, &extra) != 2 || w < 320 || h < 240 ||
            w > 8192 || h > 8192) {
          status = Error{"--window-size: '" + text + "' is not WIDTHxHEIGHT within 320x240..8192x8192"};
        } else {
          o.window_width = w;
          o.window_height = h;
        }
      }
    } else if (flag == "--record") {
      if ((status = value(text))) {
        o.record = true;
        o.record_settings.path = text;
      }
    } else if (flag == "--record-frames") {
      if ((status = number(1, 1e9, d))) o.record_settings.max_frames = static_cast<int64_t>(d);
    } else if (flag == "--record-seconds") {
      if ((status = number(0.1, 86400, d))) o.record_settings.max_seconds = d;
    } else if (flag == "--record-fps") {
      if ((status = number(record_limits::kMinFps, record_limits::kMaxFps, d))) o.record_settings.fps = static_cast<int>(d);
    } else if (flag == "--record-crf") {
      if ((status = number(record_limits::kMinCrf, record_limits::kMaxCrf, d))) o.record_settings.crf = static_cast<int>(d);
    } else if (flag == "--record-scale") {
      if ((status = number(record_limits::kMinScale, record_limits::kMaxScale, d))) o.record_settings.scale = static_cast<float>(d);
    } else if (flag == "--record-steps-per-frame") {
      if ((status = number(0, record_limits::kMaxStepsPerFrame, d))) o.record_settings.steps_per_frame = static_cast<int>(d);
    } else if (flag == "--record-region") {
      if ((status = value(text))) {
        auto region = parse_record_region(text);
        if (region) {
          o.record_settings.region = *region;
        } else {
          status = Error{"--record-region: " + region.error()};
        }
      }
    } else if (flag == "--resume") {
      status = value(o.resume);
    } else if (flag == "--preset") {
      status = value(text);  // applied before the other flags
    } else if (flag == "--config") {
      if ((status = value(text))) status = load_config(text, o.params);
    } else if (const ParamSpec* spec = find_param(flag.substr(2))) {
      if ((status = value(text))) {
        status = o.params.set_from_string(spec->id, text);
        if (!status) status = Error{flag + ": " + status.error().substr(status.error().find(':') + 2)};
      }
    } else {
      status = Error{"unknown flag " + flag + " (see --help)"};
    }
    if (!status) return Error{status.error()};
  }
  if (o.record) {
    if (auto s = o.record_settings.validate(); !s) return Error{"--record: " + s.error()};
  }
  return o;
}

std::string cli_help() {
  std::ostringstream out;
  out << "genscope: train generative models live and watch them learn.\n\n"
         "usage: genscope [options]\n"
         "  (no mode flag)          open the window and train\n"
         "  --headless --steps N    train N steps with no window; writes --out DIR/metrics.csv\n"
         "                          and DIR/samples.png (2D datasets: DIR/scatter.png; default\n"
         "                          DIR: genscope-out)\n"
         "  --screenshot PATH       save a PNG of the window after --frames K frames (default 3)\n"
         "                          that show training samples, then exit (F12 saves one anytime)\n"
         "  --screenshot-step N     with --screenshot: wait until training reached step N\n"
         "  --window-size WxH       window size (default 1280x720)\n"
         "  --record PATH           record the window to PATH (.mp4 or .gif) from the start; with\n"
         "                          --headless, render offscreen (no display needed). Finished on\n"
         "                          exit, Ctrl+C or when a limit below is reached\n"
         "  --record-frames N       stop recording (and exit) after N frames\n"
         "  --record-seconds S      stop recording (and exit) after S seconds of video\n"
         "  --record-steps-per-frame N  lockstep timelapse: N training steps per frame (default\n"
         "                          10); 0 records in real time at --record-fps\n"
         "  --record-fps F          video frame rate (default 30)\n"
         "  --record-crf Q          H.264 quality 0..51, lower is better (default 20)\n"
         "  --record-scale X        video size = region size * X, 0.25..1 (default 1)\n"
         "  --record-region R       window, samples or plots (default window)\n"
         "  --config FILE           read 'key = value' lines; later flags override them\n"
         "  --preset NAME           start from a preset (assets/presets/NAME.cfg, or a path);\n"
         "                          every other flag overrides it. Presets:";
  for (const PresetInfo& p : list_presets()) out << " " << p.name;
  out << "\n"
         "  --resume PATH           continue the experiment saved in checkpoint PATH (its\n"
         "                          parameters, weights, optimizer state, RNG and step);\n"
         "                          --checkpoint and --checkpoint-every still apply\n"
         "  --print-config          print every parameter as a config file and exit\n\n"
         "parameters (live ones apply while training; (reset) ones on Reset):\n";
  for (const auto& spec : param_table()) {
    Params defaults;
    std::string flag = cli_flag(spec) + " " + defaults.to_string(spec.id);
    out << "  " << flag;
    for (size_t n = flag.size(); n < 26; ++n) out << ' ';
    out << spec.help;
    if (spec.type == ParamType::kFloat || spec.type == ParamType::kInt) {
      out << " [" << format_number(spec.min_value) << ", " << format_number(spec.max_value) << "]";
    }
    if (spec.apply == ParamApply::kReset) out << " (reset)";
    out << "\n";
  }
  return out.str();
}

}  // namespace genscope
