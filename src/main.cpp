// genscope: parse arguments, then run the window (App + Trainer thread) or the headless runner.
#include <cstdio>
#include <string>
#include <vector>

#include "app/app.h"
#include "cli.h"
#include "train/runtime.h"
#include "train/trainer.h"
#include "util/interrupt.h"

int main(int argc, char** argv) {
  genscope::tune_allocator();
  genscope::install_interrupt_handler();
  auto cli = genscope::parse_cli(std::vector<std::string>(argv + 1, argv + argc));
  if (!cli) {
    std::fprintf(stderr, "genscope: %s\n", cli.error().c_str());
    return 2;
  }
  if (cli->help) {
    std::fputs(genscope::cli_help().c_str(), stdout);
    return 0;
  }
  if (cli->print_config) {
    std::fputs(genscope::to_config_text(cli->params).c_str(), stdout);
    return 0;
  }
  if (cli->headless) {
    if (cli->steps <= 0) {
      std::fprintf(stderr, "genscope: --headless needs --steps N\n");
      return 2;
    }
    auto status = genscope::run_headless(cli->params, cli->steps, cli->out_dir);
    if (!status) {
      std::fprintf(stderr, "genscope: %s\n", status.error().c_str());
      return 1;
    }
    std::printf("trained %lld steps; wrote %s/metrics.csv and %s/samples.png\n", cli->steps,
                cli->out_dir.c_str(), cli->out_dir.c_str());
    return 0;
  }

  genscope::TrainerLink link;
  genscope::AppOptions options;
  options.window.width = cli->window_width;
  options.window.height = cli->window_height;
  options.screenshot_path = cli->screenshot_path;
  options.screenshot_frames = cli->screenshot_frames;
  options.screenshot_step = cli->screenshot_step;
  genscope::App app(link, options);
  genscope::Trainer trainer(link, cli->params);
  trainer.start();
  int code = app.run();
  trainer.stop();
  return code;
}
