// crf_constraints.cpp — the decoding rules a tagger learns from its training tags
// and Viterbi under them (see crf_constraints.hpp).
#include "automl/crf_constraints.hpp"

#include <limits>
#include <map>

#include "automl/crf.hpp"
#include "automl/error.hpp"
#include "automl/interrupt.hpp"

namespace automl {
namespace {

[[noreturn]] void invalid_file(const std::string& what) {
  throw Error(sqlstate::kDataCorrupted, "model file: CRF constraints: " + what);
}

std::size_t states(int labels, std::size_t single_runs) {
  return single_runs >= 20 ? CrfConstraints::kMaxStates + 1
                           : static_cast<std::size_t>(labels) << single_runs;
}

}  // namespace

CrfConstraints CrfConstraints::learn(const std::vector<std::vector<int>>& sequences, int labels,
                                     int outside) {
  CrfConstraints c;
  c.labels_ = labels;
  const auto L = static_cast<std::size_t>(labels);
  c.allowed_.assign(L * L, 0);
  c.single_run_.assign(L, 1);
  if (outside >= 0) c.single_run_[static_cast<std::size_t>(outside)] = 0;
  std::vector<char> closed(L);
  for (const auto& tags : sequences) {
    std::fill(closed.begin(), closed.end(), 0);
    for (std::size_t i = 0; i < tags.size(); ++i) {
      const auto y = static_cast<std::size_t>(tags[i]);
      if (closed[y]) c.single_run_[y] = 0;
      if (i + 1 < tags.size()) {
        const auto next = static_cast<std::size_t>(tags[i + 1]);
        c.allowed_[y * L + next] = 1;
        if (next != y) closed[y] = 1;
      }
    }
  }
  std::size_t single_runs = 0;
  for (char s : c.single_run_) single_runs += s != 0;
  if (states(labels, single_runs) > kMaxStates)
    std::fill(c.single_run_.begin(), c.single_run_.end(), 0);
  return c;
}

bool CrfConstraints::allows(const std::vector<int>& tags) const {
  if (empty()) return true;
  const auto L = static_cast<std::size_t>(labels_);
  std::vector<char> closed(L);
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const auto y = static_cast<std::size_t>(tags[i]);
    if (closed[y]) return false;
    if (i + 1 < tags.size()) {
      const auto next = static_cast<std::size_t>(tags[i + 1]);
      if (!allowed_[y * L + next]) return false;
      if (next != y && single_run_[y]) closed[y] = 1;
    }
  }
  return true;
}

std::vector<int> CrfConstraints::decode(const crf_detail::Scores& s) const {
  std::vector<int> best_tags = crf_detail::viterbi(s);
  if (allows(best_tags)) return best_tags;
  const Eigen::Index n = s.emission.rows(), L = s.emission.cols();
  // Each single-run label gets a bit; a state is (label, the bits of those closed).
  std::vector<int> bit(static_cast<std::size_t>(L), -1);
  int bits = 0;
  for (Eigen::Index a = 0; a < L; ++a)
    if (single_run_[static_cast<std::size_t>(a)]) bit[static_cast<std::size_t>(a)] = bits++;
  const std::size_t M = std::size_t{1} << bits, S = static_cast<std::size_t>(L) * M;
  if (static_cast<std::size_t>(n) * S > kMaxCells) return best_tags;
  const double none = -std::numeric_limits<double>::infinity();
  std::vector<double> best(S, none), next(S);
  std::vector<int> from(static_cast<std::size_t>(n) * S, -1);
  for (Eigen::Index a = 0; a < L; ++a)
    best[static_cast<std::size_t>(a) * M] = (*s.start)(a) + s.emission(0, a);
  for (Eigen::Index i = 1; i < n; ++i) {
    check_interrupt();
    std::fill(next.begin(), next.end(), none);
    for (std::size_t state = 0; state < S; ++state) {
      if (best[state] == none) continue;
      const auto a = static_cast<Eigen::Index>(state / M);
      const std::size_t mask = state % M;
      for (Eigen::Index b = 0; b < L; ++b) {
        if (!allowed_[static_cast<std::size_t>(a * L + b)]) continue;
        std::size_t closed = mask;
        if (b != a) {
          const int to = bit[static_cast<std::size_t>(b)],
                    leaving = bit[static_cast<std::size_t>(a)];
          if (to >= 0 && (mask >> to & 1u)) continue;
          if (leaving >= 0) closed |= std::size_t{1} << leaving;
        }
        const double v = best[state] + (*s.transition)(a, b) + s.emission(i, b);
        const std::size_t k = static_cast<std::size_t>(b) * M + closed;
        if (v > next[k]) {
          next[k] = v;
          from[static_cast<std::size_t>(i) * S + k] = static_cast<int>(state);
        }
      }
    }
    best.swap(next);
  }
  double top = none;
  std::size_t last = S;
  for (std::size_t state = 0; state < S; ++state) {
    if (best[state] == none) continue;
    const double v = best[state] + (*s.end)(static_cast<Eigen::Index>(state / M));
    if (v > top) top = v, last = state;
  }
  if (last == S) return best_tags;  // no sequence keeps the rules
  for (Eigen::Index i = n - 1; i >= 0; --i) {
    best_tags[static_cast<std::size_t>(i)] = static_cast<int>(last / M);
    if (i > 0) last = static_cast<std::size_t>(from[static_cast<std::size_t>(i) * S + last]);
  }
  return best_tags;
}

nlohmann::json CrfConstraints::to_json(const std::vector<std::string>& labels) const {
  nlohmann::json transitions = nlohmann::json::array(), single_run = nlohmann::json::array();
  const auto L = static_cast<std::size_t>(labels_);
  for (std::size_t a = 0; a < L; ++a) {
    for (std::size_t b = 0; b < L; ++b)
      if (allowed_[a * L + b]) transitions.push_back({labels[a], labels[b]});
    if (single_run_[a]) single_run.push_back(labels[a]);
  }
  return {{"transitions", transitions}, {"single_run", single_run}};
}

CrfConstraints CrfConstraints::from_json(const nlohmann::json& j,
                                         const std::vector<std::string>& labels) {
  if (!j.is_object()) invalid_file("not an object");
  std::map<std::string, std::size_t> id;
  for (std::size_t a = 0; a < labels.size(); ++a) id.emplace(labels[a], a);
  const auto label = [&](const nlohmann::json& name) {
    if (!name.is_string()) invalid_file("a label that is not a string");
    const auto it = id.find(name.get_ref<const std::string&>());
    if (it == id.end()) invalid_file("a label the tagger does not have");
    return it->second;
  };
  CrfConstraints c;
  c.labels_ = static_cast<int>(labels.size());
  const std::size_t L = labels.size();
  c.allowed_.assign(L * L, 0);
  c.single_run_.assign(L, 0);
  const auto transitions = j.find("transitions"), single_run = j.find("single_run");
  if (transitions == j.end() || !transitions->is_array() || single_run == j.end() ||
      !single_run->is_array())
    invalid_file("transitions and single_run must be lists");
  if (transitions->size() > L * L) invalid_file("more transitions than pairs of labels");
  for (const auto& pair : *transitions) {
    if (!pair.is_array() || pair.size() != 2) invalid_file("a transition that is not a pair");
    char& allowed = c.allowed_[label(pair[0]) * L + label(pair[1])];
    if (allowed) invalid_file("a transition listed twice");
    allowed = 1;
  }
  if (single_run->size() > L) invalid_file("more single-run labels than labels");
  for (const auto& name : *single_run) {
    char& single = c.single_run_[label(name)];
    if (single) invalid_file("a single-run label listed twice");
    single = 1;
  }
  if (states(c.labels_, single_run->size()) > kMaxStates)
    invalid_file("more than " + std::to_string(kMaxStates) + " decoding states");
  return c;
}

}  // namespace automl
