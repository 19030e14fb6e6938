// dataset.cpp — names of value kinds, as stored in model files.
#include "automl/dataset.hpp"

#include "automl/error.hpp"

namespace automl {

const char* to_string(ValueKind kind) {
  switch (kind) {
    case ValueKind::Integer: return "integer";
    case ValueKind::Float: return "float";
    case ValueKind::Boolean: return "boolean";
    case ValueKind::Text: return "text";
  }
  return "text";
}

ValueKind value_kind_from_string(const std::string& name) {
  if (name == "integer") return ValueKind::Integer;
  if (name == "float") return ValueKind::Float;
  if (name == "boolean") return ValueKind::Boolean;
  if (name == "text") return ValueKind::Text;
  invalid("unknown value kind \"" + name + "\"");
}

}  // namespace automl
