// failure.cpp — see failure.hpp.
#include "failure.hpp"

#include <mutex>
#include <set>

namespace automl_worker {

bool is_permanent(const std::string& sqlstate) {
  if (sqlstate.size() != 5) return false;
  const std::string cls = sqlstate.substr(0, 2);
  // 22 data exception, 0A not supported, 42 syntax/undefined/privilege, 23 constraint,
  // XX001 corrupted model: all properties of the job or its data, not of the moment.
  // 54 program limit exceeded: a --max-* limit of this worker.
  return cls == "22" || cls == "0A" || cls == "42" || cls == "23" || cls == "54" ||
         sqlstate == "XX001" || sqlstate == "P0001";
}

std::string sqlstate_of(const pqxx::sql_error& e) {
  if (!e.sqlstate().empty()) return e.sqlstate();
  if (dynamic_cast<const pqxx::insufficient_privilege*>(&e) != nullptr) return "42501";
  return "";
}

const char* interned_sqlstate(const std::string& sqlstate) {
  static std::mutex mutex;
  static std::set<std::string> states;
  std::lock_guard<std::mutex> lock(mutex);
  return states.insert(sqlstate.empty() ? "XX000" : sqlstate).first->c_str();
}

std::string primary_message(const std::string& what) {
  std::string line = what.substr(0, what.find('\n'));
  for (const char* prefix : {"ERROR:  ", "FATAL:  "})
    if (line.rfind(prefix, 0) == 0) line = line.substr(std::string(prefix).size());
  return line;
}

}  // namespace automl_worker
