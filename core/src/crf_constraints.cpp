// crf_constraints.cpp — the decoding rules a tagger learns from its training tags
// and Viterbi under them (see crf_constraints.hpp).
#include "automl/crf_constraints.hpp"

#include <algorithm>
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

// Labels × the longest bounded run × 2^(single-run labels).
std::size_t states(int labels, std::size_t single_runs, const std::vector<int>& max_run) {
  int longest = 1;
  for (int r : max_run) longest = std::max(longest, r);
  return single_runs >= 20 ? CrfConstraints::kMaxStates + 1
                           : (static_cast<std::size_t>(labels) * static_cast<std::size_t>(longest))
                                 << single_runs;
}

}  // namespace

CrfConstraints CrfConstraints::learn(const std::vector<std::vector<int>>& sequences, int labels,
                                     int outside, bool required) {
  CrfConstraints c;
  c.labels_ = labels;
  const auto L = static_cast<std::size_t>(labels);
  c.allowed_.assign(L * L, 0);
  c.single_run_.assign(L, 1);
  if (outside >= 0) c.single_run_[static_cast<std::size_t>(outside)] = 0;
  std::vector<char> closed(L), present(L);
  c.required_.assign(L, sequences.empty() ? 0 : 1);
  c.max_run_.assign(L, 0);
  for (const auto& tags : sequences) {
    int run = 0;
    for (std::size_t i = 0; i < tags.size(); ++i) {
      run = i > 0 && tags[i - 1] == tags[i] ? run + 1 : 1;
      int& longest = c.max_run_[static_cast<std::size_t>(tags[i])];
      longest = std::max(longest, run);
    }
    std::fill(closed.begin(), closed.end(), 0);
    std::fill(present.begin(), present.end(), 0);
    for (std::size_t i = 0; i < tags.size(); ++i) {
      const auto y = static_cast<std::size_t>(tags[i]);
      if (closed[y]) c.single_run_[y] = 0;
      present[y] = 1;
      if (i + 1 < tags.size()) {
        const auto next = static_cast<std::size_t>(tags[i + 1]);
        c.allowed_[y * L + next] = 1;
        if (next != y) closed[y] = 1;
      }
    }
    for (std::size_t y = 0; y < L; ++y)
      if (!present[y]) c.required_[y] = 0;
  }
  std::size_t single_runs = 0;
  for (char s : c.single_run_) single_runs += s != 0;
  if (!required) c.required_.clear(), c.max_run_.clear();
  for (int& longest : c.max_run_)
    if (longest > kMaxRun) longest = 0;
  if (states(labels, single_runs, c.max_run_) > kMaxStates)
    std::fill(c.single_run_.begin(), c.single_run_.end(), 0);
  if (states(labels, 0, c.max_run_) > kMaxStates)
    std::fill(c.max_run_.begin(), c.max_run_.end(), 0);
  for (std::size_t y = 0; y < L; ++y)
    if (!c.single_run_[y]) c.required_[y] = 0;
  return c;
}

bool CrfConstraints::allows(const std::vector<int>& tags) const {
  if (empty()) return true;
  const auto L = static_cast<std::size_t>(labels_);
  std::vector<char> closed(L), present(L);
  int run = 0;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const auto y = static_cast<std::size_t>(tags[i]);
    if (closed[y]) return false;
    present[y] = 1;
    run = i > 0 && tags[i - 1] == tags[i] ? run + 1 : 1;
    if (!max_run_.empty() && max_run_[y] > 0 && run > max_run_[y]) return false;
    if (i + 1 < tags.size()) {
      const auto next = static_cast<std::size_t>(tags[i + 1]);
      if (!allowed_[y * L + next]) return false;
      if (next != y && single_run_[y]) closed[y] = 1;
    }
  }
  for (std::size_t y = 0; y < required_.size(); ++y)
    if (required_[y] && !present[y]) return false;
  return true;
}

std::vector<int> CrfConstraints::decode(const crf_detail::Scores& s) const {
  std::vector<int> best_tags = crf_detail::viterbi(s);
  if (allows(best_tags)) return best_tags;
  const Eigen::Index n = s.emission.rows(), L = s.emission.cols();
  // Each single-run label gets a bit; a state is (label, the length of its run so far
  // when runs are bounded, the bits of the single-run labels closed).
  std::vector<int> bit(static_cast<std::size_t>(L), -1);
  int bits = 0;
  for (Eigen::Index a = 0; a < L; ++a)
    if (single_run_[static_cast<std::size_t>(a)]) bit[static_cast<std::size_t>(a)] = bits++;
  const auto longest = [&](Eigen::Index a) {
    return max_run_.empty() ? 0 : max_run_[static_cast<std::size_t>(a)];
  };
  std::size_t R = 1;
  for (Eigen::Index a = 0; a < L; ++a) R = std::max(R, static_cast<std::size_t>(longest(a)));
  const std::size_t M = std::size_t{1} << bits, RM = R * M, S = static_cast<std::size_t>(L) * RM;
  if (static_cast<std::size_t>(n) * S > kMaxCells) return best_tags;
  const double none = -std::numeric_limits<double>::infinity();
  std::vector<double> best(S, none), next(S);
  std::vector<int> from(static_cast<std::size_t>(n) * S, -1);
  for (Eigen::Index a = 0; a < L; ++a)
    best[static_cast<std::size_t>(a) * RM] = (*s.start)(a) + s.emission(0, a);
  for (Eigen::Index i = 1; i < n; ++i) {
    check_interrupt();
    std::fill(next.begin(), next.end(), none);
    for (std::size_t state = 0; state < S; ++state) {
      if (best[state] == none) continue;
      const auto a = static_cast<Eigen::Index>(state / RM);
      const std::size_t run = state % RM / M, mask = state % M;
      for (Eigen::Index b = 0; b < L; ++b) {
        if (!allowed_[static_cast<std::size_t>(a * L + b)]) continue;
        std::size_t closed = mask, length = 0;
        if (b != a) {
          const int to = bit[static_cast<std::size_t>(b)],
                    leaving = bit[static_cast<std::size_t>(a)];
          if (to >= 0 && (mask >> to & 1u)) continue;
          if (leaving >= 0) closed |= std::size_t{1} << leaving;
        } else if (longest(a) > 0) {
          length = run + 1;  // the run's length less one
          if (length >= static_cast<std::size_t>(longest(a))) continue;
        }
        const double v = best[state] + (*s.transition)(a, b) + s.emission(i, b);
        const std::size_t k = static_cast<std::size_t>(b) * RM + length * M + closed;
        if (v > next[k]) {
          next[k] = v;
          from[static_cast<std::size_t>(i) * S + k] = static_cast<int>(state);
        }
      }
    }
    best.swap(next);
  }
  // A state ends an answer when each required label is its label or has closed.
  std::size_t required_bits = 0;
  for (Eigen::Index a = 0; a < L; ++a)
    if (!required_.empty() && required_[static_cast<std::size_t>(a)])
      required_bits |= std::size_t{1} << bit[static_cast<std::size_t>(a)];
  double top = none;
  std::size_t last = S;
  for (std::size_t state = 0; state < S; ++state) {
    if (best[state] == none) continue;
    const auto label = static_cast<std::size_t>(state / RM);
    std::size_t have = state % M;
    if (bit[label] >= 0) have |= std::size_t{1} << bit[label];
    if ((have & required_bits) != required_bits) continue;
    const double v = best[state] + (*s.end)(static_cast<Eigen::Index>(label));
    if (v > top) top = v, last = state;
  }
  if (last == S) return best_tags;  // no sequence keeps the rules
  for (Eigen::Index i = n - 1; i >= 0; --i) {
    best_tags[static_cast<std::size_t>(i)] = static_cast<int>(last / RM);
    if (i > 0) last = static_cast<std::size_t>(from[static_cast<std::size_t>(i) * S + last]);
  }
  return best_tags;
}

nlohmann::json CrfConstraints::to_json(const std::vector<std::string>& labels) const {
  nlohmann::json transitions = nlohmann::json::array(), single_run = nlohmann::json::array(),
                 required = nlohmann::json::array();
  const auto L = static_cast<std::size_t>(labels_);
  for (std::size_t a = 0; a < L; ++a) {
    for (std::size_t b = 0; b < L; ++b)
      if (allowed_[a * L + b]) transitions.push_back({labels[a], labels[b]});
    if (single_run_[a]) single_run.push_back(labels[a]);
    if (!required_.empty() && required_[a]) required.push_back(labels[a]);
  }
  nlohmann::json j = {{"transitions", transitions}, {"single_run", single_run}};
  if (!required_.empty()) j["required"] = required;
  if (!max_run_.empty()) {
    nlohmann::json longest = nlohmann::json::object();
    for (std::size_t a = 0; a < L; ++a)
      if (max_run_[a] > 0) longest[labels[a]] = max_run_[a];
    j["max_run"] = longest;
  }
  return j;
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
  const auto required = j.find("required");
  if ((required != j.end()) != (j.find("max_run") != j.end()))
    invalid_file("required and max_run come together");
  if (required != j.end()) {
    if (!required->is_array() || required->size() > L) invalid_file("required must be a list");
    c.required_.assign(L, 0);
    for (const auto& name : *required) {
      const std::size_t a = label(name);
      if (!c.single_run_[a]) invalid_file("a required label that is not single-run");
      if (c.required_[a]) invalid_file("a required label listed twice");
      c.required_[a] = 1;
    }
  }
  const auto max_run = j.find("max_run");
  if (max_run != j.end()) {
    if (!max_run->is_object()) invalid_file("max_run must be an object");
    c.max_run_.assign(L, 0);
    for (const auto& [name, longest] : max_run->items()) {
      if (!longest.is_number_integer() || longest < 1 || longest > kMaxRun)
        invalid_file("a longest run that is not 1 to " + std::to_string(kMaxRun));
      c.max_run_[label(nlohmann::json(name))] = longest.get<int>();
    }
  }
  if (states(c.labels_, single_run->size(), c.max_run_) > kMaxStates)
    invalid_file("more than " + std::to_string(kMaxStates) + " decoding states");
  return c;
}

}  // namespace automl
