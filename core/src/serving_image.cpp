// serving_image.cpp — see serving_image.hpp.
#include "automl/serving_image.hpp"

#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "automl/ensemble.hpp"
#include "automl/error.hpp"
#include "automl/tree_ensemble.hpp"
#include "byte_image.hpp"
#include "json_numbers.hpp"

namespace automl {
namespace {

constexpr char kMagic[8] = {'a', 'm', 'l', 'm', 'o', 'd', 'l', '2'};
using Images = std::vector<std::pair<const char*, std::size_t>>;

// The estimator's JSON with each tree ensemble replaced by the index of its image.
nlohmann::json skeleton(const Estimator& e, std::vector<std::string>& images) {
  if (const auto* trees = dynamic_cast<const TreeEnsemble*>(&e)) {
    images.push_back(trees->image());
    return {{"type", "trees"}, {"image", images.size() - 1}};
  }
  if (const auto* ensemble = dynamic_cast<const EnsembleEstimator*>(&e)) {
    nlohmann::json members = nlohmann::json::array();
    for (const auto& m : ensemble->members()) members.push_back(skeleton(*m, images));
    return {{"type", "ensemble"}, {"weights", ensemble->weights()}, {"members", members}};
  }
  return e.to_json();
}

std::shared_ptr<const Estimator> rebuild(const nlohmann::json& j, Eigen::Index n_features,
                                         const Images& images,
                                         const std::shared_ptr<const void>& bytes_owner) {
  const std::string type = j.at("type").get<std::string>();
  if (type == "trees" && j.contains("image")) {
    const auto index = checked_number<std::size_t>(j.at("image"), "a tree image index");
    if (index >= images.size()) invalid("serving image: tree image out of range");
    return TreeEnsemble::from_image(images[index].first, images[index].second, n_features,
                                    bytes_owner);
  }
  if (type == "ensemble") {
    std::vector<std::shared_ptr<const Estimator>> members;
    for (const auto& m : j.at("members")) {
      if (m.at("type") == "ensemble") invalid("serving image: a nested ensemble");
      members.push_back(rebuild(m, n_features, images, bytes_owner));
    }
    return std::make_shared<EnsembleEstimator>(
        std::move(members), checked_numbers<double>(j.at("weights"), "ensemble weight"),
        n_features);
  }
  return estimator_from_json(j, n_features);
}

}  // namespace

std::string serving_image(const Model& model) {
  std::vector<std::string> images;
  nlohmann::json document = model.document(false);
  document["estimator"] = skeleton(model.estimator(), images);
  ImageWriter out;
  out.put(kMagic, sizeof kMagic);
  out.put_bytes(document.dump());
  out.put(static_cast<std::uint64_t>(images.size()));
  for (const std::string& image : images) out.put_bytes(image);
  return out.take();
}

Model model_from_serving_image(const char* bytes, std::size_t size,
                               std::shared_ptr<const void> bytes_owner) {
  ImageReader in(bytes, size, "serving");
  char magic[sizeof kMagic];
  in.get(magic, sizeof magic);
  if (std::memcmp(magic, kMagic, sizeof magic) != 0) in.damaged("not a serving image");
  std::size_t json_size = 0;
  const char* json = in.get_bytes(&json_size);
  const auto n_images = in.get<std::uint64_t>();
  if (n_images > size) in.damaged("image count out of range");
  Images images(static_cast<std::size_t>(n_images));
  for (auto& image : images) image.first = in.get_bytes(&image.second);
  in.expect_end();
  return Model::parse(std::string_view(json, json_size),
                      [&](const nlohmann::json& j, Eigen::Index n_features) {
                        return rebuild(j, n_features, images, bytes_owner);
                      });
}

}  // namespace automl
