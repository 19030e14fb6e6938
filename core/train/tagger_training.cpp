// tagger_training.cpp — train_tagger (tagger.hpp): the split, the augmentation, the
// CRF fitted with the job's hyper-parameters, and the evaluation of the model read
// back from its file. In automl_train, with the trainers it calls.
#include "automl/error.hpp"
#include "automl/tagger.hpp"

namespace automl {
namespace {

void report(const TaggerOptions& options, float progress, const std::string& message) {
  if (options.progress) options.progress(progress, message);
}

// The CRF's hyper-parameters, validated at INSERT (algorithms.cpp); defaults for a
// spec that predates a key.
CrfOptions crf_options_of(const TrainSpec& spec) {
  const nlohmann::json& h = spec.hyperparams;
  CrfOptions o;
  o.c2 = h.value("c2", 0.1);
  o.c1 = h.value("c1", 0.0);
  o.max_iter = h.value("max_iter", 200);
  o.min_feature_count = h.value("min_feature_count", 2);
  o.token_features = h.value("token_features", TokenFeatures::kLatestVersion);
  const std::string training = h.value("training", std::string("lbfgs"));
  o.training = training == "perceptron" ? CrfTraining::Perceptron
               : training == "pa"       ? CrfTraining::PassiveAggressive
                                        : CrfTraining::Lbfgs;
  o.epochs = h.value("epochs", 10);
  o.seed = spec.seed;
  return o;
}

}  // namespace

TaggerOutcome train_tagger(const TrainSpec& spec, std::vector<TaggedSequence> rows,
                           const std::string& tokens_column, const TaggerOptions& options) {
  if (rows.size() < 2)
    throw Error(sqlstate::kInvalidParameterValue,
                "a tagging job needs at least 2 tagged rows, the relation has " +
                    std::to_string(rows.size()));
  TaggedSplit split = split_tagged(std::move(rows), spec.test_size, spec.seed);

  report(options, 0.2f, "training a CRF on " + std::to_string(split.train.size()) + " sequences");
  const CrfOptions crf_options = crf_options_of(spec);
  int iterations = 0;
  std::vector<TaggedSequence> train = std::move(split.train);
  const std::size_t train_rows = train.size();
  for (auto& row : augment_tagged(train, spec.hyperparams.value("augment", 1.0), spec.seed))
    train.push_back(std::move(row));
  TaggerFile fitted{Crf::fit(train, crf_options, options.cancel, &iterations), spec.target,
                    tokens_column};
  if (options.cancel && *options.cancel)
    throw Error(sqlstate::kQueryCanceled, "training was cancelled");

  // The model evaluated is the one served: the CRF parsed back from its file.
  TaggerOutcome outcome;
  outcome.model_bytes = fitted.serialize();
  outcome.model = TaggerFile::parse(outcome.model_bytes);
  report(options, 0.85f,
         "evaluating on " + std::to_string(split.test.size()) + " held-out sequences");
  std::vector<std::vector<std::string>> predicted;
  predicted.reserve(split.test.size());
  for (const auto& s : split.test) predicted.push_back(outcome.model.crf.tag(s.tokens).tags);
  outcome.metrics = tagging_metrics(split.test, predicted);
  outcome.info = {{"train_rows", train_rows},
                  {"augmented_rows", train.size() - train_rows},
                  {"test_rows", split.test.size()},
                  {"training", spec.hyperparams.value("training", std::string("lbfgs"))},
                  {"iterations", iterations},
                  {"features", outcome.model.crf.n_features()}};
  return outcome;
}

}  // namespace automl
