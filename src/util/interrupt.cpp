#include "util/interrupt.h"

#include <csignal>
#include <cstdlib>

namespace genscope {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_signal(int) {
  if (g_interrupted) std::_Exit(130);
  g_interrupted = 1;
}

}  // namespace

void install_interrupt_handler() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

bool interrupted() { return g_interrupted != 0; }

}  // namespace genscope
