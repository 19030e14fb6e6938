// memory_limit.cpp — see memory_limit.hpp.
#include "memory_limit.hpp"

#include <map>
#include <string>

#include "automl/error.hpp"

namespace automl {

// The encoded rows (train and test) and one working copy a learner makes, in
// doubles; with refit, the training split's rows stay while every row is encoded
// again and copied (0.75 + 1 + 1 of the rows at the default test_size): refused
// with 54000 naming the widest column before any is allocated.
void check_memory(const Preprocessor& preprocessor, Eigen::Index rows, std::size_t max_bytes,
                  const TrainSpec& spec) {
  if (max_bytes == 0) return;
  const double width = static_cast<double>(preprocessor.n_outputs());
  const double copies = spec.refit && spec.test_size > 0 ? 3.0 - spec.test_size : 2.0;
  const double bytes = static_cast<double>(rows) * width * sizeof(double) * copies;
  if (bytes <= static_cast<double>(max_bytes)) return;
  std::map<int, int> per_input;
  for (int source : preprocessor.output_sources()) ++per_input[source];
  int widest = -1, widest_width = 0;
  for (const auto& [source, n] : per_input)
    if (source >= 0 && n > widest_width) widest = source, widest_width = n;
  const std::string column =
      widest >= 0 ? preprocessor.inputs()[static_cast<size_t>(widest)].name : "";
  // program_limit_exceeded: the encoded rows would exceed the worker's memory.
  throw Error(
      sqlstate::kProgramLimitExceeded,
      "training needs about " + std::to_string(static_cast<long long>(bytes / (1 << 20))) +
          " MB for " + std::to_string(rows) + " rows of " +
          std::to_string(static_cast<long long>(width)) +
          " encoded features, more than this worker allows (automl-worker --max-memory-mb " +
          std::to_string(max_bytes >> 20) + ")",
      column.empty()
          ? ""
          : "column \"" + column + "\" alone encodes to " + std::to_string(widest_width) +
                " features; lower preprocess.max_categories or exclude it");
}

}  // namespace automl
