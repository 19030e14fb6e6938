// design_exchange.cpp — the search: modified Fedorov exchange from random starts.
//
// One pass visits every free run of the design in turn and replaces it by the
// candidate that improves the criterion most (points may repeat), if that improves
// it by more than a relative 1e-9; the search stops after a pass with no exchange,
// or after max_iterations passes. Each restart begins from its own starting design
// (design_start.cpp) and the best design over all restarts wins.
//
// Everything runs on the inverse B = (X'X)^-1 and, per candidate x, d(x) = f'Bf
// (and for I and A, with weights W, Q = BWB and e(x) = f'Qf), kept current through
// rank-one (Sherman-Morrison) updates, so judging all C candidates against one run
// costs two matrix-vector products, O(C p), instead of C determinants:
//   D: det ratio of swapping x_i for x_j = (1 - d_i)(1 + d_j) + d_ij^2, the Fedorov delta
//      plus 1, with d_ij = f_i'Bf_j;
//   I, A: trace(W B') = trace(W B) - [(1 - d_i) e_j + 2 d_ij q_ij - (1 + d_j) e_i] / ratio,
//      with q_ij = f_i'Qf_j (the 2x2 Woodbury identity for M - f_i f_i' + f_j f_j').
// B is recomputed from scratch after every pass so rounding cannot accumulate.
#include <algorithm>
#include <cmath>
#include <limits>

#include "automl/error.hpp"
#include "automl/interrupt.hpp"
#include "design_internal.hpp"

namespace automl::design {
namespace {

constexpr double kImprovement = 1e-9;  // relative: what an exchange must gain
constexpr double kSingular = 1e-10;    // a det ratio below this leaves X'X singular

// For a model row f: u = B f, g = Q f, and their products with every candidate,
// F u (the d_ij of all j) and F g (the q_ij).
struct Products {
  Eigen::VectorXd u, g, Fu, Fg;
};

class Inverse {
 public:
  Inverse(const Eigen::MatrixXd& F, const Eigen::MatrixXd& W, bool weighted)
      : F_(F), W_(W), weighted_(weighted) {}

  // From scratch, for a nonsingular M = X'X.
  void reset(const Eigen::MatrixXd& M) {
    const Eigen::Index p = M.rows();
    const Eigen::LLT<Eigen::MatrixXd> llt(M);
    if (llt.info() != Eigen::Success)
      throw Error(sqlstate::kInternalError, "design: the exchange reached a singular design");
    B = llt.solve(Eigen::MatrixXd::Identity(p, p));
    B = 0.5 * (B + B.transpose()).eval();
    d = (F_ * B).cwiseProduct(F_).rowwise().sum();
    log_det = 2 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
    if (!weighted_) return;
    Q = B * W_ * B;
    e = (F_ * Q).cwiseProduct(F_).rowwise().sum();
    trace = W_.cwiseProduct(B).sum();
  }

  // One pass over F for both products: F is what bounds the speed of the search.
  Products products(const Eigen::VectorXd& f) const {
    Products pr;
    pr.u = B * f;
    if (!weighted_) {
      pr.Fu = F_ * pr.u;
      return pr;
    }
    pr.g = Q * f;
    Eigen::MatrixXd V(f.size(), 2);
    V << pr.u, pr.g;
    const Eigen::MatrixXd FV = F_ * V;
    pr.Fu = FV.col(0);
    pr.Fg = FV.col(1);
    return pr;
  }

  // M += sign f f' (sign +1 adds a run, -1 removes one), given f's products.
  void update(const Eigen::VectorXd& f, double sign, const Products& pr) {
    const double a = f.dot(pr.u);
    const double s = sign / (1.0 + sign * a);
    log_det += std::log(1.0 + sign * a);
    if (weighted_) {
      const double ef = f.dot(pr.g);
      e += -2 * s * pr.Fu.cwiseProduct(pr.Fg) + s * s * ef * pr.Fu.cwiseAbs2();
      Q += -s * (pr.u * pr.g.transpose() + pr.g * pr.u.transpose()) +
           s * s * ef * pr.u * pr.u.transpose();
      trace -= s * ef;
    }
    d -= s * pr.Fu.cwiseAbs2();
    B -= s * pr.u * pr.u.transpose();
  }

  // Swaps run fi (whose products pi were taken before) for fj. Adding first keeps
  // X'X nonsingular throughout; fi's products after the addition follow from the
  // ones at hand, so the exchange costs one more pass over F, not three.
  void swap(const Eigen::VectorXd& fi, Products pi, const Eigen::VectorXd& fj) {
    const Products pj = products(fj);
    const double s = 1.0 / (1.0 + fj.dot(pj.u)), ui = pj.u.dot(fi);
    update(fj, +1, pj);
    pi.u -= s * ui * pj.u;
    pi.Fu -= s * ui * pj.Fu;
    if (weighted_) {  // Q f_i after Q -= s(u g' + g u') - s^2 e_j u u'
      const double gi = pj.g.dot(fi), ej = fj.dot(pj.g);
      pi.g += -s * (gi * pj.u + ui * pj.g) + s * s * ej * ui * pj.u;
      pi.Fg += -s * (gi * pj.Fu + ui * pj.Fg) + s * s * ej * ui * pj.Fu;
    }
    update(fi, -1, pi);
  }

  double loss() const { return weighted_ ? trace : -log_det; }

  // The candidate to swap for candidate i (-1 when none gains enough), and i's products.
  std::pair<Eigen::Index, Products> best_swap(Eigen::Index i) const {
    const Eigen::VectorXd fi = F_.row(i).transpose();
    const double di = d[i];
    // The det ratio is at most 1 + d_j - d_i (as d_ij^2 <= d_i d_j): often nothing to scan.
    if (!weighted_ && d.maxCoeff() <= di + kImprovement) return {-1, {}};
    Products pi = products(fi);
    const Eigen::ArrayXd ratio = (1 - di) * (1 + d.array()) + pi.Fu.array().square();
    Eigen::Index j = 0;
    if (!weighted_) {
      const double best = ratio.maxCoeff(&j);
      return {best > 1 + kImprovement ? j : -1, std::move(pi)};
    }
    const Eigen::ArrayXd gain =
        ((1 - di) * e.array() + 2 * pi.Fu.array() * pi.Fg.array() - (1 + d.array()) * e[i]) / ratio;
    const Eigen::ArrayXd after =
        (ratio > kSingular).select(trace - gain, std::numeric_limits<double>::infinity());
    const double best = after.minCoeff(&j);
    return {best < trace * (1 - kImprovement) ? j : -1, std::move(pi)};
  }

  Eigen::MatrixXd B, Q;
  Eigen::VectorXd d, e;
  double log_det = 0, trace = 0;

 private:
  const Eigen::MatrixXd& F_;
  const Eigen::MatrixXd& W_;
  bool weighted_;
};

Eigen::MatrixXd information(const SearchProblem& pb, const std::vector<Eigen::Index>& design) {
  Eigen::MatrixXd M = pb.fixed.transpose() * pb.fixed;
  for (auto j : design) M.noalias() += pb.F.row(j).transpose() * pb.F.row(j);
  return M;
}

struct Run {
  std::vector<Eigen::Index> design;
  double loss = 0;
  int passes = 0;
  bool converged = false;
};

Run exchange(const SearchProblem& pb, std::vector<Eigen::Index> design, Inverse& inv) {
  Run run;
  inv.reset(information(pb, design));
  while (run.passes < pb.max_iterations) {
    ++run.passes;
    bool improved = false;
    for (auto& i : design) {
      check_interrupt();
      auto [j, products] = inv.best_swap(i);
      if (j < 0) continue;
      inv.swap(pb.F.row(i).transpose(), std::move(products), pb.F.row(j).transpose());
      i = j;
      improved = true;
    }
    inv.reset(information(pb, design));
    if (!improved) {
      run.converged = true;
      break;
    }
  }
  run.loss = inv.loss();
  run.design = std::move(design);
  return run;
}

}  // namespace

SearchResult search_design(const SearchProblem& pb) {
  Random rng(pb.seed);
  SearchResult result;
  if (pb.free_runs == 0) {
    starting_design(pb.F, pb.fixed, 0, rng);  // refuses included runs that are singular
    result.chosen = {};
    return result;
  }
  Inverse inv(pb.F, pb.W, pb.criterion != Criterion::D);
  double best = std::numeric_limits<double>::infinity();
  for (int r = 0; r < pb.restarts; ++r) {
    check_interrupt();
    Run run = exchange(pb, starting_design(pb.F, pb.fixed, pb.free_runs, rng), inv);
    result.iterations += run.passes;
    result.converged = result.converged && run.converged;
    // Strictly better only: among equals the earliest restart wins, on every platform
    // alike up to rounding.
    if (!std::isfinite(best) || run.loss < best - 1e-12 * std::abs(best)) {
      best = run.loss;
      result.chosen = std::move(run.design);
    }
  }
  std::sort(result.chosen.begin(), result.chosen.end());
  return result;
}

}  // namespace automl::design
