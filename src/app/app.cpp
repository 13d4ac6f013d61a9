#include "app/app.h"

#include <cstdio>
#include <cstdlib>

#include "app/frame_loop.h"

namespace genscope {

void set_render_environment() {
  // Mesa's software rasterizer would otherwise spread over every core and slow the training
  // threads down (measured with genscope-bench); one thread draws these panels fast enough.
  setenv("LP_NUM_THREADS", "1", /*overwrite=*/0);
}

App::App(TrainerLink& link, AppOptions options) : link_(link), options_(std::move(options)) {
  link_.snapshots.set_on_publish(&FrameLoop::wake);
  link_.metrics.set_on_push(&FrameLoop::wake);
}

int App::run() {
  auto window = Window::open(options_.window);
  if (!window) {
    std::fprintf(stderr, "genscope: %s\n", window.error().c_str());
    return 2;
  }
  FrameLoop loop(link_, options_, report_, **window);
  while (loop.running()) {
    if (!loop.wait()) continue;  // minimized
    loop.take_snapshot();
    loop.draw();
    loop.carry_out_requests();  // recording start/stop, history export
    loop.capture();             // the recording's frame, before the REC indicator
    loop.screenshot();
    loop.present();
  }
  return loop.finish();
}

}  // namespace genscope
