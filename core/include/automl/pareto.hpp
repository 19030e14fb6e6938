// pareto.hpp — non-dominated sorting and crowding distance (NSGA-II) of points with
// several objectives, for choosing among candidates (automl.pareto_front).
//
// A point dominates another when it is no worse in every objective and better in at
// least one. Front 1 holds the points nobody dominates; front f + 1 those dominated
// only by points of fronts 1..f. Exact duplicates share a front.
#pragma once

#include <cstddef>
#include <vector>

namespace automl {

struct ParetoRanks {
  std::vector<int> front;        // 1-based front of each point, in input order
  std::vector<double> crowding;  // NSGA-II crowding distance within its front; +inf at the edges
};

// values: n points × k objectives, row-major, every value finite (the caller drops
// NULL and non-finite rows). maximize[j] says whether objective j is to be
// maximised. Two objectives take O(n log n) (a sweep with a binary search over the
// fronts); more use ENS-BS (lexicographic sort, then a binary search over fronts
// checking each against the point). Throws Error 22023 for k = 0 or a size mismatch.
ParetoRanks pareto_ranks(const std::vector<double>& values, std::size_t k,
                         const std::vector<bool>& maximize);

}  // namespace automl
