// crf_owlqn.cpp — L1 (and elastic-net) training of the CRF: Andrew and Gao's OWL-QN
// as libLBFGS implements it (orthantwise_c), over the same objective L-BFGS
// minimises (crf_training.hpp). LBFGSpp has no OWL-QN; libLBFGS is packaged for
// Debian (liblbfgs-dev) and tested against finite differences upstream.
#include <lbfgs.h>

#include <climits>
#include <cmath>
#include <exception>
#include <memory>
#include <string>

#include "automl/error.hpp"
#include "crf_training.hpp"

namespace automl::crf_training {
namespace {

// What the C callbacks see. libLBFGS is C: an exception must not cross it, so one
// thrown by the objective (or a cancellation) is kept here, every later evaluation
// answers +∞ to end the line search, and it is rethrown once lbfgs() returns.
struct Evaluation {
  const Crf::Problem* problem;
  const std::atomic<bool>* cancel;
  std::exception_ptr failure;
  int iterations = 0;
  Eigen::VectorXd theta, gradient;
};

lbfgsfloatval_t evaluate(void* instance, const lbfgsfloatval_t* x, lbfgsfloatval_t* g, const int n,
                         const lbfgsfloatval_t /*step*/) {
  auto& e = *static_cast<Evaluation*>(instance);
  if (!e.failure && e.cancel != nullptr && e.cancel->load())
    e.failure = std::make_exception_ptr(Error(sqlstate::kQueryCanceled, "training was cancelled"));
  if (e.failure) return HUGE_VAL;
  try {
    e.theta = Eigen::Map<const Eigen::VectorXd>(x, n);
    const double value = (*e.problem)(e.theta, e.gradient);
    Eigen::Map<Eigen::VectorXd>(g, n) = e.gradient;
    return value;
  } catch (...) {
    e.failure = std::current_exception();
    return HUGE_VAL;
  }
}

// Called after every iteration k (from 1): counts them, and stops (non-zero) on a failure.
int progress(void* instance, const lbfgsfloatval_t*, const lbfgsfloatval_t*, const lbfgsfloatval_t,
             const lbfgsfloatval_t, const lbfgsfloatval_t, const lbfgsfloatval_t, int, int k, int) {
  auto& e = *static_cast<Evaluation*>(instance);
  e.iterations = k;
  return e.failure ? 1 : 0;
}

}  // namespace

Eigen::VectorXd owlqn_weights(const Crf::Problem& problem, double c1, int max_iter,
                              const std::atomic<bool>* cancel, int* iterations) {
  if (problem.dimension() > INT_MAX)
    throw Error(sqlstate::kProgramLimitExceeded, "too many CRF weights for OWL-QN");
  const int n = static_cast<int>(problem.dimension());
  const std::unique_ptr<lbfgsfloatval_t, void (*)(lbfgsfloatval_t*)> x(lbfgs_malloc(n), lbfgs_free);
  if (x == nullptr) throw Error(sqlstate::kOutOfMemory, "no memory for the CRF's weights");
  Eigen::Map<Eigen::VectorXd>(x.get(), n).setZero();
  lbfgs_parameter_t param;
  lbfgs_parameter_init(&param);
  // The stopping rules of lbfgs_weights, so that c1 = 0 finds the same optimum.
  param.max_iterations = max_iter;
  param.epsilon = 1e-5;
  param.past = 3;
  param.delta = 1e-6;
  param.orthantwise_c = c1;
  // OWL-QN needs the backtracking line search; plain L-BFGS is run alike at c1 = 0.
  param.linesearch = LBFGS_LINESEARCH_BACKTRACKING;
  Evaluation e{&problem, cancel, nullptr, 0, {}, {}};
  const int status = lbfgs(n, x.get(), nullptr, evaluate, progress, &e, &param);
  if (e.failure) std::rethrow_exception(e.failure);
  // Past the parameter errors come the line search's and the iteration limit's: x is
  // then the last accepted point (libLBFGS reverts a failed step), which is kept.
  if (status < 0 && (status < LBFGSERR_OUTOFINTERVAL || status == LBFGSERR_INVALIDPARAMETERS))
    throw Error(sqlstate::kInternalError,
                "OWL-QN failed with libLBFGS status " + std::to_string(status));
  if (iterations != nullptr) *iterations = e.iterations;
  return Eigen::Map<const Eigen::VectorXd>(x.get(), n);
}

}  // namespace automl::crf_training
