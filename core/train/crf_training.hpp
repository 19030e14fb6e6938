// crf_training.hpp — the ways Crf::fit finds a CRF's weights (crf_fit.cpp dispatches),
// each returning θ in the layout of Crf::Problem. Declared here for the tests.
#pragma once

#include <Eigen/Dense>
#include <atomic>
#include <cstddef>
#include <vector>

#include "automl/crf.hpp"
#include "automl/portable_random.hpp"

namespace automl::crf_training {

// Minimises problem's objective (likelihood + L2) with LBFGSpp.
Eigen::VectorXd lbfgs_weights(const Crf::Problem& problem, int max_iter,
                              const std::atomic<bool>* cancel, int* iterations);

// Minimises problem's objective + c1 ‖θ‖₁ with libLBFGS's OWL-QN (plain L-BFGS at
// c1 = 0): the weights the L1 term sends to zero are exactly zero.
Eigen::VectorXd owlqn_weights(const Crf::Problem& problem, double c1, int max_iter,
                              const std::atomic<bool>* cancel, int* iterations);

// Averaged structured perceptron or PA-I (options.training, epochs, aggressiveness,
// seed): the average of the weights after every sequence of every pass, passes
// stopping after one that decoded every sequence right.
Eigen::VectorXd online_weights(const Crf::Problem& problem, const CrfOptions& options,
                               const std::atomic<bool>* cancel, int* epochs);

// 0 … n−1 in the order of one pass: Fisher–Yates by `rng`.
std::vector<std::size_t> pass_order(std::size_t n, PortableRandom& rng);

}  // namespace automl::crf_training
