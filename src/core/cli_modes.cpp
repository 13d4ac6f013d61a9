#include "core/cli_modes.h"

namespace genscope {

// Why `flag` does not fit --serve or --connect, or "" when it does.
std::string remote_problem(const std::string& flag, const CliOptions& o) {
  if ((flag == "--listen") && !o.serve) return "--listen only applies with --serve";
  if (flag == "--token" && !o.serve && o.connect.empty()) {
    return "--token only applies with --serve or --connect";
  }
  if (o.serve) {
    if (!o.connect.empty()) return "--serve and --connect: a process serves a run or views one";
    static const char* kWindowOnly[] = {"--headless", "--steps", "--screenshot", "--frames",
                                        "--screenshot-step", "--record", "--compare",
                                        "--window-size", "--ui-scale", "--export-generator"};
    for (const char* f : kWindowOnly) {
      if (flag == f) {
        return flag + " does not apply with --serve (it trains until Ctrl+C, with no window; " +
               "a viewer's window screenshots and records)";
      }
    }
  }
  if (o.connect.empty() || flag == "--connect" || flag == "--token") return {};
  static const char* kViewerFlags[] = {"--screenshot", "--frames", "--screenshot-step",
                                       "--window-size", "--ui-scale", "--record", "--compare",
                                       "--help", "--print-config"};
  for (const char* f : kViewerFlags) {
    if (flag == f) return {};
  }
  for (const ParamSpec& spec : param_table()) {
    if (cli_flag(spec) == flag && (!is_training_param(spec) || spec.id == ParamId::kRunsDir)) {
      return {};
    }
  }
  return flag + " does not apply with --connect: the server's run has its own (change "
                "parameters in the window's Controls, or give them to genscope --serve)";
}

}  // namespace genscope
