#include "support/video_decode.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

namespace genscope::test {

namespace {

std::string av_error_string(int code) {
  char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buffer, sizeof(buffer));
  return buffer;
}

/// Owns the libav objects of one decode.
struct Decoder {
  AVFormatContext* format = nullptr;
  AVCodecContext* codec = nullptr;
  AVPacket* packet = nullptr;
  AVFrame* frame = nullptr;
  SwsContext* sws = nullptr;

  ~Decoder() {
    sws_freeContext(sws);
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&codec);
    avformat_close_input(&format);
  }
};

// SWS_ACCURATE_RND: libswscale 6's x86 YUV->RGB fast path leaves the last columns of rows whose
// width is not a multiple of 8 unwritten.
ImageRGBA to_rgba(Decoder& d, const AVFrame* frame) {
  ImageRGBA image;
  image.width = frame->width;
  image.height = frame->height;
  image.pixels.resize(static_cast<size_t>(frame->width) * frame->height * 4);
  d.sws = sws_getCachedContext(
      d.sws, frame->width, frame->height, static_cast<AVPixelFormat>(frame->format), frame->width,
      frame->height, AV_PIX_FMT_RGBA, SWS_BILINEAR | SWS_ACCURATE_RND, nullptr, nullptr, nullptr);
  if (d.sws == nullptr) return image;
  uint8_t* dst[4] = {image.pixels.data(), nullptr, nullptr, nullptr};
  const int dst_stride[4] = {frame->width * 4, 0, 0, 0};
  sws_scale(d.sws, frame->data, frame->linesize, 0, frame->height, dst, dst_stride);
  return image;
}

// Collects every frame the decoder has ready.
void receive_frames(Decoder& d, DecodedVideo& out, bool keep_frames) {
  while (avcodec_receive_frame(d.codec, d.frame) == 0) {
    if (out.width == 0) {
      out.width = d.frame->width;
      out.height = d.frame->height;
    }
    if (out.pixel_format.empty()) {
      const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(d.frame->format));
      if (name != nullptr) out.pixel_format = name;
    }
    ++out.frame_count;
    if (keep_frames) out.frames.push_back(to_rgba(d, d.frame));
    av_frame_unref(d.frame);
  }
}

}  // namespace

Result<DecodedVideo> decode_video(const std::string& path, bool keep_frames) {
  Decoder d;
  int rc = avformat_open_input(&d.format, path.c_str(), nullptr, nullptr);
  if (rc < 0) return Error{"decode " + path + ": cannot open: " + av_error_string(rc)};
  // A truncated file may fail here; the streams found so far are still usable.
  avformat_find_stream_info(d.format, nullptr);
  const int index = av_find_best_stream(d.format, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) return Error{"decode " + path + ": no video stream"};
  const AVStream* stream = d.format->streams[index];
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  if (codec == nullptr) {
    return Error{"decode " + path + ": no decoder for " +
                 std::string(avcodec_get_name(stream->codecpar->codec_id))};
  }
  d.codec = avcodec_alloc_context3(codec);
  d.packet = av_packet_alloc();
  d.frame = av_frame_alloc();
  if (d.codec == nullptr || d.packet == nullptr || d.frame == nullptr) {
    return Error{"decode " + path + ": out of memory"};
  }
  if ((rc = avcodec_parameters_to_context(d.codec, stream->codecpar)) < 0 ||
      (rc = avcodec_open2(d.codec, codec, nullptr)) < 0) {
    return Error{"decode " + path + ": cannot open the decoder: " + av_error_string(rc)};
  }

  DecodedVideo out;
  out.codec = avcodec_get_name(stream->codecpar->codec_id);
  AVRational rate = stream->avg_frame_rate;
  if (rate.num <= 0 || rate.den <= 0) rate = stream->r_frame_rate;
  if (rate.num > 0 && rate.den > 0) out.fps = av_q2d(rate);

  // Read until the end or the first read error (a file cut short); undecodable packets are
  // skipped.
  while (av_read_frame(d.format, d.packet) >= 0) {
    if (d.packet->stream_index == index) {
      rc = avcodec_send_packet(d.codec, d.packet);
      if (rc >= 0 || rc == AVERROR_INVALIDDATA) receive_frames(d, out, keep_frames);
    }
    av_packet_unref(d.packet);
  }
  if (avcodec_send_packet(d.codec, nullptr) >= 0) receive_frames(d, out, keep_frames);
  if (out.pixel_format.empty() && stream->codecpar->format >= 0) {
    const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(stream->codecpar->format));
    if (name != nullptr) out.pixel_format = name;
  }
  if (out.width == 0) {
    out.width = stream->codecpar->width;
    out.height = stream->codecpar->height;
  }
  return out;
}

}  // namespace genscope::test
