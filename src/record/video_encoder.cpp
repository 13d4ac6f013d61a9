#include "record/video_encoder.h"

#include <sys/stat.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace genscope {

namespace {

std::string av_error_string(int code) {
  char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buffer, sizeof(buffer));
  return buffer;
}

bool has_mp4_extension(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return false;
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == "mp4";
}

// libx264 reports its settings and statistics at info level; keep the terminal quiet unless the
// application chose a log level itself.
void quiet_libav_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (av_log_get_level() == AV_LOG_INFO) av_log_set_level(AV_LOG_WARNING);
  });
}

// The settings' problem, if any, naming the path: a size, rate or quality the encoder refuses.
Status check_settings(const std::string& path, const VideoSettings& requested) {
  const std::string where = "video " + path + ": ";
  if (!has_mp4_extension(path)) return Error{where + "unsupported extension (use .mp4)"};
  if (requested.width < 2 || requested.height < 2) {
    return Error{where + "invalid frame size " + std::to_string(requested.width) + "x" +
                 std::to_string(requested.height) + " (at least 2x2)"};
  }
  if (requested.fps < 1 || requested.fps > 240) {
    return Error{where + "invalid fps " + std::to_string(requested.fps) + " (1..240)"};
  }
  if (requested.crf < 0 || requested.crf > 51) {
    return Error{where + "invalid crf " + std::to_string(requested.crf) + " (0..51)"};
  }
  if (requested.keyframe_interval < 0) {
    return Error{where + "invalid keyframe interval " +
                 std::to_string(requested.keyframe_interval)};
  }
  return {};
}

}  // namespace

struct VideoEncoder::Impl {
  std::string path;
  VideoSettings settings;  // even-cropped size
  int input_width = 0;     // width of the caller's RGBA rows (stride 0 = input_width * 4)
  AVFormatContext* format = nullptr;
  AVCodecContext* codec = nullptr;
  AVStream* stream = nullptr;
  SwsContext* sws = nullptr;
  AVFrame* frame = nullptr;
  AVPacket* packet = nullptr;
  bool header_written = false;
  bool finished = false;
  std::string error;  // first error; later calls repeat it
  int64_t frames = 0;
  int64_t bytes = 0;
  int64_t packets = 0;         // packets handed to the muxer
  int64_t frames_on_disk = 0;  // frames in fragments the muxer has written out

  ~Impl() { release(); }

  Error fail(const std::string& what) {
    if (error.empty()) error = "video " + path + ": " + what;
    return Error{error};
  }
  Error fail(const std::string& what, int code) {
    return fail(what + ": " + av_error_string(code));
  }

  void update_bytes() {
    if (format != nullptr && format->pb != nullptr) bytes = std::max(bytes, avio_tell(format->pb));
  }

  // Pushes buffered bytes to the file and reports a failed write (e.g. a full disk).
  Status flush_io() {
    if (format == nullptr || format->pb == nullptr) return {};
    avio_flush(format->pb);
    update_bytes();
    if (format->pb->error < 0) return fail("write failed", format->pb->error);
    return {};
  }

  // Sends `input` (nullptr drains) to the encoder and writes every packet it returns.
  Status encode(AVFrame* input) {
    int rc = avcodec_send_frame(codec, input);
    if (rc < 0) return fail("encoding failed", rc);
    bool wrote = false;
    while (true) {
      rc = avcodec_receive_packet(codec, packet);
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) break;
      if (rc < 0) return fail("encoding failed", rc);
      av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
      packet->stream_index = stream->index;
      // A keyframe starts a fragment: the muxer writes out the one before it (frag_keyframe).
      const bool starts_fragment = (packet->flags & AV_PKT_FLAG_KEY) != 0;
      rc = av_interleaved_write_frame(format, packet);  // takes the packet's reference
      if (rc < 0) return fail("write failed", rc);
      if (starts_fragment) fragment_done = packets;
      ++packets;
      wrote = true;
    }
    if (!wrote) return {};
    Status flushed = flush_io();
    if (flushed) frames_on_disk = fragment_done;
    return flushed;
  }
  int64_t fragment_done = 0;  // packets before the newest fragment's first

  // Lets the next frame's pixels be written; av_frame_make_writable keeps them (copying them
  // when the encoder still holds a reference).
  Status make_writable() {
    const int rc = av_frame_make_writable(frame);
    return rc < 0 ? fail("out of memory", rc) : Status();
  }

  // Encodes `frame` as the next frame of the video.
  Status encode_next() {
    frame->pts = frames;
    Status status = encode(frame);
    if (status) ++frames;
    return status;
  }

  // Sets up `codec` for the `x264` encoder (size, rate, GOP, BT.601 colours, x264 options) and
  // opens it.
  Status open_codec(const AVCodec* x264) {
    const VideoSettings& s = settings;
    AVCodecContext* c = codec;
    c->width = s.width;
    c->height = s.height;
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    c->time_base = AVRational{1, s.fps};
    c->framerate = AVRational{s.fps, 1};
    c->gop_size = s.keyframe_interval;
    c->keyint_min = s.keyframe_interval;
    if (s.threads > 0) c->thread_count = s.threads;
    c->max_b_frames = 0;  // lowest latency; every packet is in display order
    c->color_range = AVCOL_RANGE_MPEG;
    c->colorspace = AVCOL_SPC_SMPTE170M;  // what sws_scale's default (BT.601) conversion produces
    c->color_primaries = AVCOL_PRI_SMPTE170M;
    c->color_trc = AVCOL_TRC_SMPTE170M;
    if (format->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int rc = 0;
    if ((rc = av_opt_set(c->priv_data, "preset", s.preset.c_str(), 0)) < 0 ||
        (rc = av_opt_set(c->priv_data, "crf", std::to_string(s.crf).c_str(), 0)) < 0 ||
        // No scene-cut keyframes: keyframes (and so fragments) come exactly every GOP.
        (rc = av_opt_set(c->priv_data, "sc_threshold", "0", 0)) < 0) {
      return fail("cannot set x264 options", rc);
    }
    if ((rc = avcodec_open2(c, x264, nullptr)) < 0) {
      return fail("cannot open the libx264 encoder (preset '" + s.preset + "')", rc);
    }
    return {};
  }

  // The MP4's video stream, with the opened codec's parameters.
  Status add_stream() {
    stream = avformat_new_stream(format, nullptr);
    if (stream == nullptr) return fail("out of memory");
    stream->time_base = codec->time_base;
    stream->avg_frame_rate = codec->framerate;
    const int rc = avcodec_parameters_from_context(stream->codecpar, codec);
    if (rc < 0) return fail("cannot configure the stream", rc);
    return {};
  }

  // The YUV frame the encoder reads, and the RGBA -> YUV converter that fills it.
  Status allocate_frame() {
    frame->format = codec->pix_fmt;
    frame->width = codec->width;
    frame->height = codec->height;
    const int rc = av_frame_get_buffer(frame, 0);
    if (rc < 0) return fail("out of memory", rc);
    sws = sws_getContext(settings.width, settings.height, AV_PIX_FMT_RGBA, settings.width,
                         settings.height, AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr,
                         nullptr);
    if (sws == nullptr) return fail("cannot create the RGBA to YUV converter");
    return {};
  }

  // Opens the file and writes the fragmented MP4's header; on failure removes what it wrote.
  Status write_header() {
    int rc = avio_open(&format->pb, path.c_str(), AVIO_FLAG_WRITE);
    if (rc < 0) return fail("cannot open for writing", rc);
    AVDictionary* options = nullptr;
    av_dict_set(&options, "movflags", "frag_keyframe+empty_moov+default_base_moof", 0);
    rc = avformat_write_header(format, &options);
    av_dict_free(&options);
    Status header = rc < 0 ? Status(fail("cannot write the MP4 header", rc)) : flush_io();
    if (!header) {
      // Leave no unplayable stub behind (a regular file only: never remove a device or a link).
      release();
      struct stat info;
      if (lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) std::remove(path.c_str());
      return header;
    }
    header_written = true;
    return {};
  }

  void release() {
    if (format != nullptr && format->pb != nullptr) avio_closep(&format->pb);
    avformat_free_context(format);
    format = nullptr;
    avcodec_free_context(&codec);
    sws_freeContext(sws);
    sws = nullptr;
    av_frame_free(&frame);
    av_packet_free(&packet);
  }
};

Result<std::unique_ptr<VideoEncoder>> VideoEncoder::open(const std::string& path,
                                                         const VideoSettings& requested) {
  if (Status s = check_settings(path, requested); !s) return Error{s.error()};
  quiet_libav_once();

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->input_width = requested.width;
  impl->settings = requested;
  impl->settings.width = requested.width & ~1;
  impl->settings.height = requested.height & ~1;
  if (impl->settings.keyframe_interval == 0) impl->settings.keyframe_interval = requested.fps;

  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (codec == nullptr) return impl->fail("the libx264 encoder is not available in this FFmpeg");

  int rc = avformat_alloc_output_context2(&impl->format, nullptr, "mp4", path.c_str());
  if (rc < 0 || impl->format == nullptr) return impl->fail("cannot create the MP4 muxer", rc);

  impl->codec = avcodec_alloc_context3(codec);
  impl->frame = av_frame_alloc();
  impl->packet = av_packet_alloc();
  if (impl->codec == nullptr || impl->frame == nullptr || impl->packet == nullptr) {
    return impl->fail("out of memory");
  }
  if (Status s = impl->open_codec(codec); !s) return Error{s.error()};
  if (Status s = impl->add_stream(); !s) return Error{s.error()};
  if (Status s = impl->allocate_frame(); !s) return Error{s.error()};
  if (Status s = impl->write_header(); !s) return Error{s.error()};
  return std::unique_ptr<VideoEncoder>(new VideoEncoder(std::move(impl)));
}

VideoEncoder::VideoEncoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

VideoEncoder::~VideoEncoder() { finish(); }

Status VideoEncoder::add_frame(const uint8_t* rgba, int stride_bytes) {
  Impl& m = *impl_;
  // Misuse is reported without failing the recording; write errors stick.
  if (m.finished) return Error{"video " + m.path + ": add_frame after finish"};
  if (!m.error.empty()) return Error{m.error};
  if (rgba == nullptr) return Error{"video " + m.path + ": add_frame without pixels"};
  if (stride_bytes == 0) stride_bytes = m.input_width * 4;
  if (std::abs(stride_bytes) < m.settings.width * 4) {
    return Error{"video " + m.path + ": row stride " + std::to_string(stride_bytes) +
                 " is shorter than a row"};
  }
  if (Status s = m.make_writable(); !s) return s;
  // A negative stride walks up through memory: `rgba` is the top row as displayed.
  const uint8_t* const src[4] = {rgba, nullptr, nullptr, nullptr};
  const int src_stride[4] = {stride_bytes, 0, 0, 0};
  sws_scale(m.sws, src, src_stride, 0, m.settings.height, m.frame->data, m.frame->linesize);
  return m.encode_next();
}

Status VideoEncoder::repeat_frame() {
  Impl& m = *impl_;
  if (m.finished) return Error{"video " + m.path + ": repeat_frame after finish"};
  if (!m.error.empty()) return Error{m.error};
  if (m.frames == 0) return Error{"video " + m.path + ": repeat_frame before any frame"};
  if (Status s = m.make_writable(); !s) return s;
  return m.encode_next();
}

Status VideoEncoder::finish() {
  Impl& m = *impl_;
  if (m.finished) return m.error.empty() ? Status() : Status(Error{m.error});
  m.finished = true;
  if (m.error.empty()) m.encode(nullptr);
  if (m.header_written) {
    // Written even after an error, so the fragments already on disk stay a valid file.
    const int rc = av_write_trailer(m.format);
    if (rc < 0) m.fail("cannot write the MP4 trailer", rc);
    if (m.flush_io() && rc >= 0) m.frames_on_disk = m.packets;
  }
  if (m.format != nullptr && m.format->pb != nullptr) {
    m.bytes = avio_tell(m.format->pb);  // the finished file's size, no estimate
    const int rc = avio_closep(&m.format->pb);
    if (rc < 0) m.fail("cannot close the file", rc);
  }
  m.release();
  return m.error.empty() ? Status() : Status(Error{m.error});
}

int64_t VideoEncoder::frames() const { return impl_->frames; }
int64_t VideoEncoder::frames_on_disk() const { return impl_->frames_on_disk; }
int64_t VideoEncoder::bytes_written() const { return impl_->bytes; }
const std::string& VideoEncoder::path() const { return impl_->path; }
const VideoSettings& VideoEncoder::settings() const { return impl_->settings; }

}  // namespace genscope
