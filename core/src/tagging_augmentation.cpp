// tagging_augmentation.cpp — generic augmentation of a tagger's training rows (see
// augment_tagged in tagger.hpp). Nothing here knows the respirator domain: the
// transforms are those of any short-text tagging data — case, segment order, words
// training never saw, and typing errors.
#include <algorithm>
#include <cctype>
#include <random>
#include <string>

#include "automl/tagger.hpp"

namespace automl {
namespace {

std::string stripped(const std::string& tag) {
  if (tag.size() > 2 && (tag.compare(0, 2, "B-") == 0 || tag.compare(0, 2, "I-") == 0))
    return tag.substr(2);
  return tag;
}

// Runs of one label ([begin, end) positions); a B- tag starts a new run.
std::vector<std::pair<std::size_t, std::size_t>> segments(const std::vector<std::string>& tags) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const bool continues =
        i > 0 && stripped(tags[i]) == stripped(tags[i - 1]) && tags[i].compare(0, 2, "B-") != 0;
    if (continues)
      out.back().second = i + 1;
    else
      out.emplace_back(i, i + 1);
  }
  return out;
}

TaggedSequence shuffled_segments(const TaggedSequence& row, std::mt19937_64& rng) {
  auto runs = segments(row.tags);
  std::shuffle(runs.begin(), runs.end(), rng);
  TaggedSequence out;
  for (const auto& [begin, end] : runs)
    for (std::size_t i = begin; i < end; ++i) {
      out.tokens.push_back(row.tokens[i]);
      out.tags.push_back(row.tags[i]);
    }
  return out;
}

TaggedSequence recased(const TaggedSequence& row, bool upper) {
  TaggedSequence out = row;
  for (auto& token : out.tokens)
    for (char& c : token) {
      const auto u = static_cast<unsigned char>(c);
      c = static_cast<char>(upper ? std::toupper(u) : std::tolower(u));
    }
  return out;
}

// About half the words of three or more characters replaced by random ones of the
// same shape ("Moldex 2200" → "Qwbvzt 7315"), whatever their label: the tagger learns
// what to make of a word it has never seen from its shape and its neighbours.
TaggedSequence unseen_words(const TaggedSequence& row, std::mt19937_64& rng) {
  TaggedSequence out = row;
  std::uniform_int_distribution<int> letter(0, 25), digit(0, 9), coin(0, 1);
  for (auto& token : out.tokens) {
    if (token.size() < 3 || coin(rng) == 0) continue;
    for (char& c : token) {
      const auto u = static_cast<unsigned char>(c);
      if (std::isupper(u))
        c = static_cast<char>('A' + letter(rng));
      else if (std::islower(u))
        c = static_cast<char>('a' + letter(rng));
      else if (std::isdigit(u))
        c = static_cast<char>('0' + digit(rng));
    }
  }
  return out;
}

// One character edit, as typing makes them, in about three of ten words of four or
// more characters: a letter doubled, dropped, or swapped with the next one
// ("Moldex" → "Mooldex", "Modex", "Mlodex"). The first character stays: the word
// keeps its case class.
TaggedSequence typos(const TaggedSequence& row, std::mt19937_64& rng) {
  TaggedSequence out = row;
  std::uniform_int_distribution<int> tenth(0, 9), kind(0, 2);
  for (auto& token : out.tokens) {
    if (token.size() < 4 || tenth(rng) >= 3) continue;
    std::uniform_int_distribution<std::size_t> at(1, token.size() - 2);
    const std::size_t i = at(rng);
    if (!std::isalpha(static_cast<unsigned char>(token[i]))) continue;
    switch (kind(rng)) {
      case 0:
        token.insert(i, 1, token[i]);
        break;
      case 1:
        token.erase(i, 1);
        break;
      default:
        std::swap(token[i], token[i + 1]);
    }
  }
  return out;
}

}  // namespace

std::vector<TaggedSequence> augment_tagged(const std::vector<TaggedSequence>& rows, double fraction,
                                           std::uint64_t seed) {
  std::vector<TaggedSequence> out;
  if (rows.empty() || !(fraction > 0)) return out;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, rows.size() - 1);
  std::uniform_int_distribution<int> transform(0, 4);
  const auto n = static_cast<std::size_t>(fraction * static_cast<double>(rows.size()) + 0.5);
  out.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    const TaggedSequence& row = rows[pick(rng)];
    switch (transform(rng)) {
      case 0:
        out.push_back(recased(row, false));
        break;
      case 1:
        out.push_back(recased(row, true));
        break;
      case 2:
        out.push_back(shuffled_segments(row, rng));
        break;
      case 3:
        out.push_back(unseen_words(row, rng));
        break;
      default:
        out.push_back(typos(shuffled_segments(row, rng), rng));
    }
  }
  return out;
}

}  // namespace automl
