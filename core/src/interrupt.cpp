// interrupt.cpp — see interrupt.hpp.
#include "automl/interrupt.hpp"

#include "automl/error.hpp"

namespace automl {
namespace {
InterruptHook hook = nullptr;
}  // namespace

void set_interrupt_hook(InterruptHook new_hook) { hook = new_hook; }

void check_interrupt() {
  if (hook != nullptr && hook())
    throw Error(sqlstate::kQueryCanceled, "canceling statement due to an interrupt");
}

}  // namespace automl
