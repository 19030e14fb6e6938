// crf_fit.cpp — Crf::fit: the options checked, the data encoded once (Crf::Problem),
// the weights found by the training chosen (crf_training.hpp), the model built.
#include <LBFGS.h>

#include <limits>

#include "automl/crf.hpp"
#include "automl/error.hpp"
#include "crf_training.hpp"

namespace automl {
namespace crf_training {

Eigen::VectorXd lbfgs_weights(const Crf::Problem& problem, int max_iter,
                              const std::atomic<bool>* cancel, int* iterations) {
  // L-BFGS may stop on a failed line search with x at a rejected trial point: keep
  // the best point it evaluated, and honour cancellation between evaluations.
  Eigen::VectorXd best = Eigen::VectorXd::Zero(problem.dimension());
  double best_value = std::numeric_limits<double>::infinity();
  auto objective = [&](const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) {
    if (cancel != nullptr && cancel->load())
      throw Error(sqlstate::kQueryCanceled, "training was cancelled");
    const double value = problem(theta, gradient);
    if (value < best_value) {
      best_value = value;
      best = theta;
    }
    return value;
  };
  LBFGSpp::LBFGSParam<double> param;
  param.max_iterations = max_iter;
  param.epsilon = 1e-5;
  param.past = 3;
  param.delta = 1e-6;  // stop when the objective improves by less than this, relatively
  LBFGSpp::LBFGSSolver<double> solver(param);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(problem.dimension());
  double value = 0;
  int n_iter = 0;
  try {
    n_iter = solver.minimize(objective, theta, value);
  } catch (const Error&) {
    throw;
  } catch (const std::exception&) {
    n_iter = max_iter;  // the line search gave up near the optimum: keep the best point
  }
  if (iterations != nullptr) *iterations = n_iter;
  return best;
}

}  // namespace crf_training

Crf Crf::fit(const std::vector<TaggedSequence>& data, const CrfOptions& options,
             const std::atomic<bool>* cancel, int* iterations) {
  if (!(options.c2 >= 0) || !(options.c1 >= 0) || options.max_iter < 1 || options.epochs < 1 ||
      !(options.aggressiveness > 0))
    throw Error(sqlstate::kInvalidParameterValue, "bad CRF options");
  if (options.c1 > 0 && options.training != CrfTraining::Lbfgs)
    throw Error(sqlstate::kInvalidParameterValue,
                "an L1 penalty (c1) needs the CRF trained by lbfgs");
  const Problem problem(data, options);
  switch (options.training) {
    case CrfTraining::Lbfgs:
      // c1 = 0 stays with LBFGSpp: the default tagger trains as it always has.
      return problem.model(
          options.c1 > 0
              ? crf_training::owlqn_weights(problem, options.c1, options.max_iter, cancel,
                                            iterations)
              : crf_training::lbfgs_weights(problem, options.max_iter, cancel, iterations));
    case CrfTraining::Perceptron:
    case CrfTraining::PassiveAggressive:
      return problem.model(crf_training::online_weights(problem, options, cancel, iterations));
  }
  throw Error(sqlstate::kInternalError, "unknown CRF training");
}

}  // namespace automl
