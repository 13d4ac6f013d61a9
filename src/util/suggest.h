#pragma once
// "Did you mean" for mistyped flags, config keys, choice values and dataset names.
#include <string>
#include <string_view>
#include <vector>

namespace genscope {

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions, each edit costs
/// 1), ignoring ASCII case: "dcgna" is 1 from "dcgan", "lrg" 1 from "lr-g".
int edit_distance(std::string_view a, std::string_view b);

/// The largest distance at which a candidate still counts as a near miss of a word of `length`
/// characters: 0 up to 2, 1 up to 4, 2 up to 8, else 3.
int suggestion_threshold(size_t length);

/// The candidates `word` most likely meant, compared ignoring case: one equal to it; else those
/// `word` (2+ characters) is the start of, when there are one to three; else those at the
/// smallest distance within suggestion_threshold(word). In candidate order; empty when nothing
/// is close.
std::vector<std::string> suggest(std::string_view word, const std::vector<std::string>& candidates);

/// " (did you mean X?)", " (did you mean X, Y or Z?)" for suggest()'s answer; "" when it is empty.
std::string format_did_you_mean(const std::vector<std::string>& suggestions);
/// format_did_you_mean(suggest(word, candidates)).
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/// "a, b, c": names joined for an error message or help text.
std::string join_names(const std::vector<std::string>& names, std::string_view separator = ", ");

}  // namespace genscope
