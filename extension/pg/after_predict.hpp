// pg/after_predict.hpp — what a logged predict call does once it has its answer:
// run the shadow model on the same row, and append both answers to the prediction
// log. Calls that are not logged skip it: a shadow's output is only ever kept there.
#pragma once

#include "serve/outcome.hpp"
#include "serve/served.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/postgres.hpp"

namespace automl {
struct InputValue;
}

namespace pg_automl {

// The shadow's result never reaches the caller and its failure never fails the call.
void after_predict(const Served& served, text* project, Output output, const double* x,
                   const Outcome& answer);
void after_predict(const Served& served, text* project, Output output, const automl::InputValue* x,
                   const Outcome& answer);

}  // namespace pg_automl
