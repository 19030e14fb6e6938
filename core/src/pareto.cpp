// pareto.cpp — non-dominated sorting and NSGA-II crowding distance.
//
// Every objective is turned into one to minimise, and the distinct points are taken
// in lexicographic order: a point can then be dominated only by points before it.
// A point's front is the first front none of whose members dominates it; because
// every member of front f + 1 is dominated by some member of front f, "dominated by
// front f" holds for a prefix of the fronts, so a binary search finds it. What makes
// the test cheap is how a front remembers its members:
//   k = 2  the smallest second objective so far (O(log n) per point overall),
//   k = 3  a staircase of (second, third) minima in a std::map (O(log² n)),
//   k > 3  the members themselves, checked newest first (ENS-BS).
#include "automl/pareto.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <numeric>

#include "automl/error.hpp"
#include "automl/interrupt.hpp"

namespace automl {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The points as objectives to minimise, row-major.
struct Points {
  std::vector<double> v;
  std::size_t k;
  const double* at(std::size_t i) const { return v.data() + i * k; }
};

// Each front as the test "does some member dominate p?" plus "add p".
class Fronts {
 public:
  explicit Fronts(const Points& points) : points_(points) {}
  std::size_t size() const { return count_; }

  bool dominated(std::size_t f, const double* p) const {
    const std::size_t k = points_.k;
    if (k == 2) return min_second_[f] <= p[1];
    if (k == 3) {
      const auto& stairs = staircase_[f];
      auto it = stairs.upper_bound(p[1]);
      if (it == stairs.begin()) return false;
      return std::prev(it)->second <= p[2];
    }
    const auto& members = members_[f];
    for (auto m = members.rbegin(); m != members.rend(); ++m) {
      const double* q = points_.at(*m);
      if (std::equal(q, q + k, p, [](double a, double b) { return a <= b; })) return true;
    }
    return false;
  }

  void add(std::size_t f, std::size_t i) {
    if (f == count_) grow();
    const double* p = points_.at(i);
    const std::size_t k = points_.k;
    if (k == 2) {
      min_second_[f] = std::min(min_second_[f], p[1]);
    } else if (k == 3) {
      auto& stairs = staircase_[f];
      // p is not dominated here: drop the steps it dominates, then add its own.
      auto it = stairs.lower_bound(p[1]);
      while (it != stairs.end() && it->second >= p[2]) it = stairs.erase(it);
      stairs.emplace(p[1], p[2]);
    } else {
      members_[f].push_back(i);
    }
  }

 private:
  void grow() {
    ++count_;
    if (points_.k == 2) min_second_.push_back(kInfinity);
    if (points_.k == 3) staircase_.emplace_back();
    if (points_.k > 3) members_.emplace_back();
  }

  const Points& points_;
  std::size_t count_ = 0;
  std::vector<double> min_second_;
  std::vector<std::map<double, double>> staircase_;
  std::vector<std::vector<std::size_t>> members_;
};

// Fronts of the points in `order` (lexicographic); exact duplicates share one.
std::vector<int> sort_fronts(const Points& points, const std::vector<std::size_t>& order) {
  const std::size_t k = points.k;
  std::vector<int> front(order.size(), 0);
  Fronts fronts(points);
  int distinct_rank = 0;  // k = 1: the front is the rank among distinct values
  for (std::size_t pos = 0; pos < order.size(); ++pos) {
    if ((pos & 0xFFF) == 0) check_interrupt();
    const std::size_t i = order[pos];
    const double* p = points.at(i);
    if (pos > 0) {
      const double* prev = points.at(order[pos - 1]);
      if (std::equal(p, p + k, prev)) {
        front[i] = front[order[pos - 1]];
        continue;
      }
    }
    if (k == 1) {
      front[i] = ++distinct_rank;
      continue;
    }
    std::size_t lo = 0, hi = fronts.size();  // first front that does not dominate p
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (fronts.dominated(mid, p))
        lo = mid + 1;
      else
        hi = mid;
    }
    fronts.add(lo, i);
    front[i] = static_cast<int>(lo) + 1;
  }
  return front;
}

// NSGA-II: per objective, the members sorted by it; the two ends get +inf, the
// others the gap between their neighbours over the front's range.
void add_crowding(const Points& points, const std::vector<std::size_t>& members,
                  std::vector<double>& crowding) {
  if (members.size() <= 2) {
    for (std::size_t i : members) crowding[i] = kInfinity;
    return;
  }
  std::vector<std::size_t> sorted = members;
  for (std::size_t j = 0; j < points.k; ++j) {
    auto value = [&](std::size_t i) { return points.at(i)[j]; };
    std::sort(sorted.begin(), sorted.end(), [&](std::size_t a, std::size_t b) {
      return value(a) != value(b) ? value(a) < value(b) : a < b;
    });
    const double range = value(sorted.back()) - value(sorted.front());
    crowding[sorted.front()] = crowding[sorted.back()] = kInfinity;
    if (!(range > 0)) continue;
    for (std::size_t m = 1; m + 1 < sorted.size(); ++m)
      crowding[sorted[m]] += (value(sorted[m + 1]) - value(sorted[m - 1])) / range;
  }
}

}  // namespace

ParetoRanks pareto_ranks(const std::vector<double>& values, std::size_t k,
                         const std::vector<bool>& maximize) {
  if (k == 0 || maximize.size() != k || values.size() % k != 0)
    throw Error(sqlstate::kInvalidParameterValue, "pareto_ranks needs n x k values and k senses");
  const std::size_t n = values.size() / k;
  Points points{values, k};
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < k; ++j)
      if (maximize[j]) points.v[i * k + j] = -points.v[i * k + j];

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double *pa = points.at(a), *pb = points.at(b);
    for (std::size_t j = 0; j < k; ++j)
      if (pa[j] != pb[j]) return pa[j] < pb[j];
    return a < b;
  });

  ParetoRanks ranks;
  ranks.front = sort_fronts(points, order);
  ranks.crowding.assign(n, 0.0);
  const int n_fronts = n == 0 ? 0 : *std::max_element(ranks.front.begin(), ranks.front.end());
  std::vector<std::vector<std::size_t>> members(static_cast<std::size_t>(n_fronts));
  for (std::size_t i = 0; i < n; ++i)
    members[static_cast<std::size_t>(ranks.front[i] - 1)].push_back(i);
  for (const auto& front : members) {
    check_interrupt();
    add_crowding(points, front, ranks.crowding);
  }
  return ranks;
}

}  // namespace automl
