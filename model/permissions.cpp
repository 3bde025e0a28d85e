#include "model/permissions.hpp"

#include "model/error.hpp"

namespace retailsim {

const char* to_string(staff_role x) {
  switch (x) {
    case staff_role::cashier: return "cashier";
    case staff_role::manager: return "manager";
    case staff_role::read_only: return "read_only";
  }
  return "unknown";
}

bool from_string(const std::string& in, staff_role& out) {
  for (auto role :
       {staff_role::cashier, staff_role::manager, staff_role::read_only})
    if (in == to_string(role)) {
      out = role;
      return true;
    }
  return false;
}

bool operator==(const staff_member& x, const staff_member& y) {
  return x.id == y.id && x.role == y.role;
}

const char* permission_of(store_operation op) {
  switch (op) {
    case store_operation::view: return "customer.view";
    case store_operation::create: return "customer.create";
    case store_operation::edit: return "customer.edit";
    case store_operation::change_status: return "customer.status";
    case store_operation::manage_loyalty: return "customer.loyalty";
    case store_operation::manage_clubs: return "customer.clubs";
    case store_operation::merge: return "customer.merge";
    case store_operation::import_customers: return "customer.import";
  }
  return "customer.unknown";
}

bool allowed(staff_role role, store_operation op) {
  switch (role) {
    case staff_role::manager:
      return true;
    case staff_role::read_only:
      return op == store_operation::view;
    case staff_role::cashier:
      return op != store_operation::change_status
             && op != store_operation::merge
             && op != store_operation::import_customers;
  }
  return false;
}

caf::error check_permission(const staff_member& who, store_operation op) {
  if (allowed(who.role, op))
    return {};
  return make_error(ec::permission_denied, permission_of(op),
                    "'" + who.id + "' (" + to_string(who.role)
                      + ") lacks permission " + permission_of(op));
}

} // namespace retailsim
