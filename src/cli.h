#pragma once
// Command-line parsing: the parameter flags come from the parameter table; the rest are run modes.
#include <string>
#include <vector>

#include "record/record_settings.h"
#include "train/params.h"

namespace genscope {

/// Everything the command line asked for.
struct CliOptions {
  Params params;
  std::string preset;  // --preset NAME, applied before every other flag
  std::string resume;  // --resume PATH: continue from a checkpoint
  bool help = false;
  bool print_config = false;
  bool headless = false;
  long long steps = 0;           // --steps: headless step count
  std::string out_dir = "genscope-out";
  std::string screenshot_path;   // --screenshot
  int screenshot_frames = 3;     // --frames
  long long screenshot_step = 0; // --screenshot-step: wait until training reached this step
  int window_width = 1280, window_height = 720;
  double seconds = 0.0;          // --seconds: benchmark phase length
  bool record = false;           // --record PATH given
  RecordSettings record_settings;  // --record and --record-* (lockstep 10 steps/frame by default)
};

/// Parses argv; errors name the flag and the value ("--lr-g: 'abc' is not a number").
/// `--config FILE` loads a file at its position, so later flags override it.
Result<CliOptions> parse_cli(const std::vector<std::string>& args);

/// The --help text, with one line per parameter from the table.
std::string cli_help();

}  // namespace genscope
