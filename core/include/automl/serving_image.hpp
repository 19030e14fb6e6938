// serving_image.hpp — a parsed model as bytes another process loads in a fraction of
// the time: the model file's JSON without its tree arrays, then the trees' images
// (TreeEnsemble::image: the compiled FlatForest, read in place or copied, not parsed).
//
// The extension keeps these in shared memory so that a model is parsed once per
// server, not once per backend (extension/pg/shared_models.cpp). An image is this
// build's memory layout: it never leaves the server that made it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "automl/model.hpp"

namespace automl {

std::string serving_image(const Model& model);
// Throws Error XX001 for a damaged image; the model answers exactly as the one imaged.
// With `bytes_owner` (it keeps the bytes alive and unchanged while it lives), the
// model's trees are read where they lie and the model holds on to the owner.
Model model_from_serving_image(const char* bytes, std::size_t size,
                               std::shared_ptr<const void> bytes_owner = nullptr);

}  // namespace automl
