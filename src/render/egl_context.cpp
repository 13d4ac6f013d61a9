#include "render/egl_context.h"

#include <glad/gl.h>
// glad defines the GL types; keep EGL from pulling in its own GL headers' prototypes.
#include <EGL/egl.h>
#include <EGL/eglext.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

namespace genscope {
namespace {

const char* egl_error_name(EGLint code) {
  switch (code) {
    case EGL_SUCCESS: return "EGL_SUCCESS";
    case EGL_NOT_INITIALIZED: return "EGL_NOT_INITIALIZED";
    case EGL_BAD_ACCESS: return "EGL_BAD_ACCESS";
    case EGL_BAD_ALLOC: return "EGL_BAD_ALLOC";
    case EGL_BAD_ATTRIBUTE: return "EGL_BAD_ATTRIBUTE";
    case EGL_BAD_CONFIG: return "EGL_BAD_CONFIG";
    case EGL_BAD_CONTEXT: return "EGL_BAD_CONTEXT";
    case EGL_BAD_CURRENT_SURFACE: return "EGL_BAD_CURRENT_SURFACE";
    case EGL_BAD_DISPLAY: return "EGL_BAD_DISPLAY";
    case EGL_BAD_MATCH: return "EGL_BAD_MATCH";
    case EGL_BAD_NATIVE_PIXMAP: return "EGL_BAD_NATIVE_PIXMAP";
    case EGL_BAD_NATIVE_WINDOW: return "EGL_BAD_NATIVE_WINDOW";
    case EGL_BAD_PARAMETER: return "EGL_BAD_PARAMETER";
    case EGL_BAD_SURFACE: return "EGL_BAD_SURFACE";
    case EGL_CONTEXT_LOST: return "EGL_CONTEXT_LOST";
    default: return "unknown EGL error";
  }
}

/// "EGL: <step> failed (0x3008 EGL_BAD_DISPLAY)", with the code from eglGetError().
std::string egl_failure(const std::string& step) {
  EGLint code = eglGetError();
  char buf[64];
  std::snprintf(buf, sizeof buf, "0x%x %s", static_cast<unsigned>(code), egl_error_name(code));
  return "EGL: " + step + " failed (" + buf + ")";
}

/// Whether the space-separated extension list `list` contains `name` exactly.
bool has_extension(const char* list, const char* name) {
  if (list == nullptr) return false;
  const size_t n = std::strlen(name);
  for (const char* p = list; (p = std::strstr(p, name)) != nullptr; p += n) {
    const bool starts = p == list || p[-1] == ' ';
    const bool ends = p[n] == '\0' || p[n] == ' ';
    if (starts && ends) return true;
  }
  return false;
}

// eglInitialize/eglTerminate are not reference counted: every EglContext on a display holds one
// reference here, and the display is terminated only when the last one goes away.
std::mutex g_display_mutex;
std::map<EGLDisplay, int> g_display_refs;

void retain_display(EGLDisplay display) {
  std::lock_guard<std::mutex> lock(g_display_mutex);
  ++g_display_refs[display];
}

void release_display(EGLDisplay display) {
  std::lock_guard<std::mutex> lock(g_display_mutex);
  auto it = g_display_refs.find(display);
  if (it == g_display_refs.end() || --it->second > 0) return;
  g_display_refs.erase(it);
  eglTerminate(display);
}

bool display_in_use(EGLDisplay display) {
  std::lock_guard<std::mutex> lock(g_display_mutex);
  return g_display_refs.count(display) != 0;
}

/// Opens and initialises a display on one platform, or says why not (appending to `why`).
EGLDisplay open_display(PFNEGLGETPLATFORMDISPLAYEXTPROC get_platform_display, EGLenum platform,
                        void* native, const char* name, std::string& why) {
  EGLDisplay display = get_platform_display(platform, native, nullptr);
  if (display == EGL_NO_DISPLAY) {
    why += "; " + egl_failure(std::string("eglGetPlatformDisplayEXT(") + name + ")");
    return EGL_NO_DISPLAY;
  }
  EGLint major = 0, minor = 0;
  if (!eglInitialize(display, &major, &minor)) {
    why += "; " + egl_failure(std::string("eglInitialize(") + name + ")");
    if (!display_in_use(display)) eglTerminate(display);
    return EGL_NO_DISPLAY;
  }
  return display;
}

/// The first EGL device (EGL_EXT_platform_device), e.g. a software device, or why not.
EGLDisplay open_device_display(PFNEGLGETPLATFORMDISPLAYEXTPROC get_platform_display,
                               const char* client_extensions, std::string& why) {
  auto query_devices =
      reinterpret_cast<PFNEGLQUERYDEVICESEXTPROC>(eglGetProcAddress("eglQueryDevicesEXT"));
  if (!has_extension(client_extensions, "EGL_EXT_platform_device") || query_devices == nullptr) {
    why += "; no device platform (EGL_EXT_platform_device missing)";
    return EGL_NO_DISPLAY;
  }
  EGLDeviceEXT device = nullptr;
  EGLint count = 0;
  if (!query_devices(1, &device, &count)) {
    why += "; " + egl_failure("eglQueryDevicesEXT");
  } else if (count < 1) {
    why += "; eglQueryDevicesEXT found no EGL device";
  } else {
    return open_display(get_platform_display, EGL_PLATFORM_DEVICE_EXT, device, "device", why);
  }
  return EGL_NO_DISPLAY;
}

/// An initialised display on the first platform that has one, or EGL_NO_DISPLAY with what
/// each platform said appended to `why`.
EGLDisplay open_first_display(PFNEGLGETPLATFORMDISPLAYEXTPROC get_platform_display,
                              const char* client_extensions, std::string& why) {
  // 1. Mesa's surfaceless platform: no window system and no device node needed.
  EGLDisplay display = EGL_NO_DISPLAY;
  if (has_extension(client_extensions, "EGL_MESA_platform_surfaceless")) {
    display = open_display(get_platform_display, EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY,
                           "surfaceless", why);
  } else {
    why += "; no surfaceless platform (EGL_MESA_platform_surfaceless missing)";
  }
  // 2. The first EGL device.
  if (display == EGL_NO_DISPLAY) {
    display = open_device_display(get_platform_display, client_extensions, why);
  }
  return display;
}

/// A config for an OpenGL context without surfaces (for displays that need one).
Status choose_config(EGLDisplay display, EGLConfig& config) {
  const EGLint config_attribs[] = {
      EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT,  //
      EGL_SURFACE_TYPE, 0,                   // no surface: we render into framebuffers
      EGL_NONE};
  EGLint count = 0;
  if (!eglChooseConfig(display, config_attribs, &config, 1, &count)) {
    return Error{egl_failure("eglChooseConfig")};
  }
  if (count < 1) return Error{"EGL: eglChooseConfig found no config with EGL_OPENGL_BIT"};
  return {};
}

/// Loads the GL 3.3 functions of the current context and names its renderer.
Status load_gl(std::string& renderer_name) {
  const int version = gladLoadGL(reinterpret_cast<GLADloadfunc>(eglGetProcAddress));
  if (version == 0) return Error{"EGL: gladLoadGL failed (cannot load OpenGL 3.3 functions)"};
  if (GLAD_VERSION_MAJOR(version) * 100 + GLAD_VERSION_MINOR(version) < 303) {
    return Error{"EGL: got OpenGL " + std::to_string(GLAD_VERSION_MAJOR(version)) + "." +
                 std::to_string(GLAD_VERSION_MINOR(version)) + ", need 3.3"};
  }
  const GLubyte* renderer = glGetString(GL_RENDERER);
  renderer_name = renderer != nullptr ? reinterpret_cast<const char*>(renderer) : "unknown";
  return {};
}

}  // namespace

Result<std::unique_ptr<EglContext>> EglContext::create() {
  const char* client_extensions = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
  if (client_extensions == nullptr) {
    return Error{egl_failure("eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS)") +
                 ": no EGL client extensions (is libegl-mesa0 installed?)"};
  }
  auto get_platform_display = reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(
      eglGetProcAddress("eglGetPlatformDisplayEXT"));
  if (get_platform_display == nullptr ||
      !has_extension(client_extensions, "EGL_EXT_platform_base")) {
    return Error{"EGL: no eglGetPlatformDisplayEXT (EGL_EXT_platform_base missing: no EGL "
                 "vendor library; is libegl-mesa0 installed?)"};
  }
  std::string why;
  const EGLDisplay display = open_first_display(get_platform_display, client_extensions, why);
  if (display == EGL_NO_DISPLAY) {
    return Error{"EGL: no usable display (is libegl-mesa0 installed?)" + why};
  }
  retain_display(display);

  std::unique_ptr<EglContext> result(new EglContext());
  result->display_ = display;  // from here on the destructor cleans up on every error path

  const char* display_extensions = eglQueryString(display, EGL_EXTENSIONS);
  if (!has_extension(display_extensions, "EGL_KHR_surfaceless_context")) {
    return Error{"EGL: the display lacks EGL_KHR_surfaceless_context (cannot make a context "
                 "current without a surface)"};
  }
  if (!eglBindAPI(EGL_OPENGL_API)) return Error{egl_failure("eglBindAPI(EGL_OPENGL_API)")};
  EGLConfig config = EGL_NO_CONFIG_KHR;
  if (!has_extension(display_extensions, "EGL_KHR_no_config_context")) {
    if (Status s = choose_config(display, config); !s) return Error{s.error()};
  }

  const EGLint context_attribs[] = {
      EGL_CONTEXT_MAJOR_VERSION, 3,  //
      EGL_CONTEXT_MINOR_VERSION, 3,  //
      EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,  //
      EGL_NONE};
  EGLContext context = eglCreateContext(display, config, EGL_NO_CONTEXT, context_attribs);
  if (context == EGL_NO_CONTEXT) return Error{egl_failure("eglCreateContext(OpenGL 3.3 core)")};
  result->context_ = context;

  if (!eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, context)) {
    return Error{egl_failure("eglMakeCurrent")};
  }
  if (Status s = load_gl(result->renderer_); !s) return Error{s.error()};
  return result;
}

EglContext::~EglContext() {
  EGLDisplay display = static_cast<EGLDisplay>(display_);
  EGLContext context = static_cast<EGLContext>(context_);
  if (display == EGL_NO_DISPLAY) return;
  if (context != EGL_NO_CONTEXT) {
    // Release only our own context: another API's (GLX) or another EGL context current on this
    // thread is left alone. A context current on another thread is destroyed when released.
    if (eglGetCurrentContext() == context) {
      eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    }
    eglDestroyContext(display, context);
  }
  release_display(display);
}

}  // namespace genscope
