#pragma once
// A Snapshot, metric rows and commands as protobuf messages (src/net/proto/snapshot.proto), for
// the remote viewer. A snapshot travels in sections, so that a server sends a section (a sample
// grid, the latent views, the 2D lab...) to a viewer only when it changed since that viewer's
// last one. Decoding validates every field (sizes, enums, image dimensions) and never allocates
// more than the bytes it was given can describe. Torch-free.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/command_queue.h"
#include "core/metric_row.h"
#include "core/snapshot.h"
#include "util/result.h"

namespace genscope::net {

/// The parts of a Snapshot that travel separately (SnapshotSection.id on the wire).
enum class Section : int {
  kCore,        // every scalar and string, params, pending, schema, events, alarms, runtime,
                // d_real/d_fake, grads, diversity, nearest distances, fork runs (without images)
  kSamples,     // samples (+ samples_step, samples_version)
  kReal,        // real (+ real_version)
  kNearest,     // nearest (+ nearest_version, nearest_step)
  kLatent,      // latent, except latent.map
  kLatentMap,   // latent.map, except map->images
  kLatentImages,// latent.map->images (the encoded test images, for hover previews)
  kToy,         // toy
  kText,        // text
  kQuality,     // quality
  kHistograms,  // histograms
  kForkSamples, // every fork run's samples (+ samples_step, samples_version)
  kCount
};

/// The section's name, for errors ("latent_map").
const char* section_name(Section section);

/// Serializes one section of `snap` (a message of snapshot.proto).
std::string encode_section(const Snapshot& snap, Section section);

/// Applies a section's bytes to `snap`, replacing exactly the fields that section holds. An
/// invalid message (unparsable, an enum out of range, an image whose bytes do not match its size,
/// more entries than a snapshot can hold) returns an error naming the section and field, and
/// leaves `snap` in a valid state.
Status decode_section(Section section, std::string_view bytes, Snapshot& snap);

/// Metric rows (with the schema they belong to) as one message.
std::string encode_rows(const std::vector<MetricRow>& rows);
/// Appends the decoded rows to `out`; an error names the row and field.
Status decode_rows(std::string_view bytes, std::vector<MetricRow>& out);

/// One command as a message (its seq is not sent: the receiving queue numbers it).
std::string encode_command(const Command& command);
/// Decodes and validates a command (kind, param id and value against the parameter table).
Result<Command> decode_command(std::string_view bytes);

}  // namespace genscope::net
