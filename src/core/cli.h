#pragma once
// Command-line parsing: the parameter flags (training's and the recording settings, --record-*)
// come from the parameter table; the rest are run modes and actions (--headless, --steps, --out,
// --record PATH, --screenshot, --resume...), which are not parameters.
#include <string>
#include <vector>

#include "core/params.h"

namespace genscope {

/// Everything the command line asked for.
struct CliOptions {
  Params params;        // every table row: training's, and the Record rows (RecordSettings(params))
  std::string preset;  // --preset NAME, applied before every other flag
  std::string resume;  // --resume PATH: continue from a checkpoint
  bool help = false;
  bool print_config = false;
  bool headless = false;
  long long steps = 0;           // --steps: headless step count
  std::string out_dir;  // --out DIR: the run directory ("": RunDirectory::choose)
  std::string screenshot_path;   // --screenshot
  int screenshot_frames = 3;     // --frames
  long long screenshot_step = 0; // --screenshot-step: wait until training reached this step
  int window_width = 1280, window_height = 720;
  float ui_scale = 0.0f;         // --ui-scale: fonts and spacing; 0: automatic
  double seconds = 0.0;          // --seconds: benchmark phase length (genscope-bench only)
  bool record = false;           // --record PATH given: record from the start to record_path
  std::string export_generator;  // --export-generator PATH: after the last headless step
  long long fork_at = -1;        // --fork-at STEP: headless, branch the run at this step
  std::vector<std::string> forks;  // --fork EDITS, one per branch ("lr_d=1e-4,loss=hinge")
  std::vector<std::string> compare;  // --compare DIR...: run directories the Runs window ticks
  bool serve = false;             // --serve: train with no window and serve remote viewers
  std::string listen = "127.0.0.1:7777";  // --listen HOST:PORT: where --serve listens
  std::string connect;            // --connect HOST:PORT: open the window on a --serve run
  std::string token;              // --token T: --serve's access token (default: a random one)
  // Data-parallel ranks; unset (-1, 0, "") ones come from torchrun's variables (RANK...).
  int rank = -1;                  // --rank R
  int world_size = 0;             // --world-size N
  std::string master_addr;        // --master-addr HOST
  int master_port = 0;            // --master-port PORT
  std::vector<std::string> flags;  // every flag given, in order, spelled as --help shows it
};

/// Parses argv; errors name the flag and the value ("--lr-g: 'abc' is not a number") and suggest
/// the nearest flag, choice or dataset name for a near miss ("unknown flag --lrg (did you mean
/// --lr-g?)"). `--config FILE` loads a file at its position, so later flags override it. Unless
/// resuming, a dataset that is neither a known name nor an existing path is an error here.
Result<CliOptions> parse_cli(const std::vector<std::string>& args);

/// Checks that every mode-specific flag has its mode: --steps and --out need --headless (and
/// --headless needs --steps), --frames and --screenshot-step need --screenshot, --record-* need
/// --record, --seconds belongs to genscope-bench. Errors say what to add, e.g. "--steps only
/// applies with --headless (add --headless to train 100 steps with no window)".
/// --fork-at and --fork need each other and --headless, at most kMaxForkBranches (snapshot.h) branches, and each
/// branch's edits must apply (the key and value are checked here, before training).
Status check_mode_flags(const CliOptions& options);

/// The most branches one fork trains beside its parent.

/// Every flag the command line accepts (run modes, then the parameter table's), spelled "--x-y".
std::vector<std::string> cli_flags();

/// The --help text: the run modes, the presets with their first sentence, and one entry per
/// parameter (default, range or choices) from the table, wrapped at kHelpWidth columns.
std::string cli_help();

/// The widest line cli_help() writes.
inline constexpr size_t kHelpWidth = 100;

}  // namespace genscope
