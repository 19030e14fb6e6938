// crf.cpp — linear-chain CRF: sequence algorithms, the training objective, tagging
// and the model file (see crf.hpp). The trainers are in core/train (crf_fit.cpp), so
// the extension, which only tags, links no optimiser.
#include "automl/crf.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "automl/error.hpp"
#include "automl/interrupt.hpp"
#include "json_numbers.hpp"

namespace automl {
namespace crf_detail {
namespace {

double log_sum_exp(const Eigen::Ref<const Eigen::VectorXd>& v) {
  const double m = v.maxCoeff();
  if (!std::isfinite(m)) return m;
  return m + std::log((v.array() - m).exp().sum());
}

}  // namespace

double sequence_score(const Scores& s, const std::vector<int>& tags) {
  const std::size_t n = tags.size();
  double score = (*s.start)(tags[0]) + (*s.end)(tags[n - 1]);
  for (std::size_t i = 0; i < n; ++i) {
    score += s.emission(static_cast<Eigen::Index>(i), tags[i]);
    if (i > 0) score += (*s.transition)(tags[i - 1], tags[i]);
  }
  return score;
}

double log_partition(const Scores& s, Eigen::MatrixXd* marginals, Eigen::MatrixXd* pair_marginals) {
  const Eigen::Index n = s.emission.rows(), L = s.emission.cols();
  Eigen::MatrixXd alpha(n, L), beta(n, L);
  alpha.row(0) = s.start->transpose() + s.emission.row(0);
  Eigen::VectorXd scratch(L);
  for (Eigen::Index i = 1; i < n; ++i) {
    check_interrupt();  // L² work per token: a long input with many labels takes a while
    for (Eigen::Index b = 0; b < L; ++b) {
      scratch = alpha.row(i - 1).transpose() + s.transition->col(b);
      alpha(i, b) = log_sum_exp(scratch) + s.emission(i, b);
    }
  }
  beta.row(n - 1) = s.end->transpose();
  for (Eigen::Index i = n - 2; i >= 0; --i) {
    check_interrupt();
    for (Eigen::Index a = 0; a < L; ++a) {
      scratch = s.transition->row(a).transpose() + s.emission.row(i + 1).transpose() +
                beta.row(i + 1).transpose();
      beta(i, a) = log_sum_exp(scratch);
    }
  }
  scratch = alpha.row(n - 1).transpose() + *s.end;
  const double log_z = log_sum_exp(scratch);
  if (marginals != nullptr) *marginals = ((alpha + beta).array() - log_z).exp().matrix();
  if (pair_marginals != nullptr) {
    pair_marginals->setZero(L, L);
    for (Eigen::Index i = 0; i + 1 < n; ++i)
      for (Eigen::Index a = 0; a < L; ++a)
        for (Eigen::Index b = 0; b < L; ++b)
          (*pair_marginals)(a, b) += std::exp(alpha(i, a) + (*s.transition)(a, b) +
                                              s.emission(i + 1, b) + beta(i + 1, b) - log_z);
  }
  return log_z;
}

std::vector<int> viterbi(const Scores& s) {
  const Eigen::Index n = s.emission.rows(), L = s.emission.cols();
  Eigen::MatrixXd best(n, L);
  Eigen::MatrixXi from(n, L);
  best.row(0) = s.start->transpose() + s.emission.row(0);
  for (Eigen::Index i = 1; i < n; ++i) {
    check_interrupt();
    for (Eigen::Index b = 0; b < L; ++b) {
      Eigen::Index arg;
      best(i, b) =
          (best.row(i - 1).transpose() + s.transition->col(b)).maxCoeff(&arg) + s.emission(i, b);
      from(i, b) = static_cast<int>(arg);
    }
  }
  Eigen::Index last;
  (best.row(n - 1).transpose() + *s.end).maxCoeff(&last);
  std::vector<int> tags(static_cast<std::size_t>(n));
  tags[static_cast<std::size_t>(n - 1)] = static_cast<int>(last);
  for (Eigen::Index i = n - 1; i > 0; --i)
    tags[static_cast<std::size_t>(i - 1)] = from(i, tags[static_cast<std::size_t>(i)]);
  return tags;
}

}  // namespace crf_detail

namespace {

[[noreturn]] void invalid_file(const std::string& what) {
  throw Error(sqlstate::kDataCorrupted, "model file: " + what);
}

using crf_detail::Layout;

}  // namespace

Crf::Problem::Problem(const std::vector<TaggedSequence>& data, const CrfOptions& options)
    : c2_(options.c2) {
  if (data.empty()) throw Error(sqlstate::kInvalidParameterValue, "no sequences to train on");
  std::map<std::string, int> label_ids;
  std::unordered_map<std::string, int> counts;
  for (const auto& s : data) {
    if (s.tokens.empty() || s.tokens.size() != s.tags.size())
      throw Error(sqlstate::kInvalidParameterValue,
                  "every sequence needs as many tags as tokens, and at least one");
    for (const auto& t : s.tags) label_ids.emplace(t, 0);
  }
  token_features_ = TokenFeatures::learn(options.token_features, data, options.min_feature_count);
  for (const auto& s : data)
    for (const auto& token : token_features_.of(s.tokens))
      for (const auto& f : token) ++counts[f];
  for (auto& [label, id] : label_ids) {
    id = static_cast<int>(labels_.size());
    labels_.push_back(label);
  }
  for (const auto& [name, count] : counts)
    if (count >= options.min_feature_count) feature_names_.push_back(name);
  std::sort(feature_names_.begin(), feature_names_.end());  // a deterministic layout
  std::unordered_map<std::string, int> index;
  for (std::size_t f = 0; f < feature_names_.size(); ++f)
    index.emplace(feature_names_[f], static_cast<int>(f));
  std::vector<std::vector<int>> tag_ids;
  for (const auto& s : data) {
    Encoded e;
    const auto features = token_features_.of(s.tokens);
    for (std::size_t i = 0; i < s.tokens.size(); ++i) {
      std::vector<int> ids;
      for (const auto& f : features[i])
        if (auto it = index.find(f); it != index.end()) ids.push_back(it->second);
      e.features.push_back(std::move(ids));
      e.tags.push_back(label_ids.at(s.tags[i]));
    }
    tag_ids.push_back(e.tags);
    data_.push_back(std::move(e));
  }
  if (token_features_.version() >= 3) {
    const auto outside = label_ids.find("O");
    constraints_ = CrfConstraints::learn(tag_ids, static_cast<int>(labels_.size()),
                                         outside == label_ids.end() ? -1 : outside->second,
                                         token_features_.version() >= 4);
  }
}

Layout Crf::Problem::layout() const {
  return Layout{static_cast<Eigen::Index>(feature_names_.size()),
                static_cast<Eigen::Index>(labels_.size())};
}

Eigen::Index Crf::Problem::dimension() const { return layout().size(); }

double Crf::Problem::operator()(const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) const {
  const Layout lay = layout();
  const Eigen::Index L = lay.L;
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
      state(theta.data(), lay.F, L);
  const Eigen::MatrixXd transition =
      Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
          theta.data() + lay.transition(), L, L);
  const Eigen::VectorXd start = theta.segment(lay.start(), L), end = theta.segment(lay.end(), L);
  gradient = c2_ * theta;
  double objective = 0.5 * c2_ * theta.squaredNorm();
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> g_state(
      gradient.data(), lay.F, L);
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> g_transition(
      gradient.data() + lay.transition(), L, L);
  Eigen::MatrixXd marginals, pairs;
  for (const Encoded& e : data_) {
    const Eigen::Index n = static_cast<Eigen::Index>(e.tags.size());
    crf_detail::Scores s{crf_detail::emission_scores(state, e.features), &transition, &start, &end};
    const double log_z = crf_detail::log_partition(s, &marginals, &pairs);
    objective += log_z - crf_detail::sequence_score(s, e.tags);
    // Expected minus observed feature counts.
    for (Eigen::Index i = 0; i < n; ++i) {
      const int y = e.tags[static_cast<std::size_t>(i)];
      for (int f : e.features[static_cast<std::size_t>(i)]) {
        g_state.row(f) += marginals.row(i);
        g_state(f, y) -= 1;
      }
      if (i > 0) g_transition(e.tags[static_cast<std::size_t>(i - 1)], y) -= 1;
    }
    g_transition += pairs;
    gradient.segment(lay.start(), L) += marginals.row(0).transpose();
    gradient(lay.start() + e.tags.front()) -= 1;
    gradient.segment(lay.end(), L) += marginals.row(n - 1).transpose();
    gradient(lay.end() + e.tags.back()) -= 1;
  }
  return objective;
}

Crf Crf::Problem::model(const Eigen::VectorXd& fitted) const {
  // Weights are kept at float precision, as the model file stores them: the model in
  // memory after training is exactly the one that serves.
  const Eigen::VectorXd theta = fitted.cast<float>().cast<double>();
  const Layout lay = layout();
  Crf crf;
  crf.labels_ = labels_;
  crf.token_features_ = token_features_;
  crf.constraints_ = constraints_;
  crf.feature_names_ = feature_names_;
  for (std::size_t f = 0; f < feature_names_.size(); ++f)
    crf.feature_index_.emplace(feature_names_[f], static_cast<int>(f));
  crf.state_ =
      Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
          theta.data(), lay.F, lay.L);
  crf.transition_ =
      Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
          theta.data() + lay.transition(), lay.L, lay.L);
  crf.start_ = theta.segment(lay.start(), lay.L);
  crf.end_ = theta.segment(lay.end(), lay.L);
  return crf;
}

std::vector<std::vector<int>> Crf::encode(const std::vector<std::string>& tokens) const {
  std::vector<std::vector<int>> out(tokens.size());
  const auto features = token_features_.of(tokens);
  for (std::size_t i = 0; i < tokens.size(); ++i)
    for (const auto& f : features[i])
      if (auto it = feature_index_.find(f); it != feature_index_.end())
        out[i].push_back(it->second);
  return out;
}

crf_detail::Scores Crf::scores(const std::vector<std::vector<int>>& features) const {
  return {crf_detail::emission_scores(state_, features), &transition_, &start_, &end_};
}

Crf::Tagging Crf::tag(const std::vector<std::string>& tokens) const {
  Tagging out;
  if (tokens.empty()) {
    out.confidence = 1;
    return out;
  }
  const crf_detail::Scores s = scores(encode(tokens));
  const std::vector<int> best = constraints_.decode(s);
  out.confidence = std::exp(crf_detail::sequence_score(s, best) - crf_detail::log_partition(s));
  out.confidence = std::min(1.0, out.confidence);  // rounding can overshoot 1 by an ulp
  for (int y : best) out.tags.push_back(labels_[static_cast<std::size_t>(y)]);
  return out;
}

nlohmann::json Crf::to_json() const {
  // float precision: a quarter of the text of doubles, and the worker evaluates the
  // model as read back from this file, so its metrics describe exactly what serves.
  auto flat = [](const Eigen::MatrixXd& m) {
    std::vector<float> v;
    v.reserve(static_cast<std::size_t>(m.size()));
    for (Eigen::Index r = 0; r < m.rows(); ++r)
      for (Eigen::Index c = 0; c < m.cols(); ++c) v.push_back(static_cast<float>(m(r, c)));
    return v;
  };
  nlohmann::json j = {{"type", "crf"},
                      {"labels", labels_},
                      {"features", feature_names_},
                      {"state", flat(state_)},
                      {"transition", flat(transition_)},
                      {"start", flat(start_)},
                      {"end", flat(end_)}};
  if (token_features_.version() > 1) j["token_features"] = token_features_.to_json();
  if (token_features_.version() >= 3) j["constraints"] = constraints_.to_json(labels_);
  return j;
}

Crf Crf::from_json(const nlohmann::json& j) {
  try {
    if (!j.is_object() || !j.contains("type") || j["type"] != "crf") invalid_file("not a CRF");
    Crf crf;
    crf.labels_ = j.at("labels").get<std::vector<std::string>>();
    crf.feature_names_ = j.at("features").get<std::vector<std::string>>();
    const Eigen::Index L = static_cast<Eigen::Index>(crf.labels_.size()),
                       F = static_cast<Eigen::Index>(crf.feature_names_.size());
    if (L < 1 || L > 10000) invalid_file("a CRF needs 1 to 10000 labels");
    if (const auto it = j.find("token_features"); it != j.end())
      crf.token_features_ = TokenFeatures::from_json(*it, crf.labels_);
    const auto constraints = j.find("constraints");
    if ((constraints != j.end()) != (crf.token_features_.version() >= 3))
      invalid_file("CRF constraints come with token features of version 3 and later only");
    if (constraints != j.end())
      crf.constraints_ = CrfConstraints::from_json(*constraints, crf.labels_);
    if (constraints != j.end() &&
        crf.constraints_.has_required() != (crf.token_features_.version() >= 4))
      invalid_file("required labels come with token features of version 4 and later only");
    // Read as float (what was written), then widened exactly.
    auto weights = [&](const char* key, const char* what) {
      const auto f = checked_numbers<float>(j.at(key), what);
      return std::vector<double>(f.begin(), f.end());
    };
    const auto state = weights("state", "CRF state weights");
    const auto transition = weights("transition", "CRF transition weights");
    const auto start = weights("start", "CRF start weights");
    const auto end = weights("end", "CRF end weights");
    if (static_cast<Eigen::Index>(state.size()) != F * L ||
        static_cast<Eigen::Index>(transition.size()) != L * L ||
        static_cast<Eigen::Index>(start.size()) != L || static_cast<Eigen::Index>(end.size()) != L)
      invalid_file("CRF weights do not match its labels and features");
    for (const auto* v : {&state, &transition, &start, &end})
      for (double x : *v)
        if (!std::isfinite(x)) invalid_file("non-finite CRF weight");
    crf.state_ =
        Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            state.data(), F, L);
    crf.transition_ =
        Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            transition.data(), L, L);
    crf.start_ = Eigen::Map<const Eigen::VectorXd>(start.data(), L);
    crf.end_ = Eigen::Map<const Eigen::VectorXd>(end.data(), L);
    for (Eigen::Index f = 0; f < F; ++f)
      if (!crf.feature_index_
               .emplace(crf.feature_names_[static_cast<std::size_t>(f)], static_cast<int>(f))
               .second)
        invalid_file("a CRF feature appears twice");
    return crf;
  } catch (const nlohmann::json::exception& e) {
    invalid_file(std::string("CRF: ") + e.what());
  }
}

}  // namespace automl
