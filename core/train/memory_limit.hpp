// memory_limit.hpp — refusing a training run whose encoded rows would not fit in the
// worker's memory (automl-worker --max-memory-mb), before they are allocated.
#pragma once

#include <Eigen/Dense>
#include <cstddef>

#include "automl/preprocessor.hpp"
#include "automl/train_spec.hpp"

namespace automl {

// Throws 54000 naming the widest column when `rows` encoded by `preprocessor`, with
// the copies the run makes, would take more than max_bytes (0: no limit).
void check_memory(const Preprocessor& preprocessor, Eigen::Index rows, std::size_t max_bytes,
                  const TrainSpec& spec);

}  // namespace automl
