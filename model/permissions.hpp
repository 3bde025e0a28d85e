#pragma once

// Who may do what with customer records: the roles of seed 002 (cashier,
// manager, read-only) and one permission per store operation. A refused
// operation names the missing permission and changes nothing.

#include <cstdint>
#include <string>

#include "caf/error.hpp"
#include "caf/meta/type_name.hpp"

namespace retailsim {

/// The role a member of store staff works under.
enum class staff_role : uint8_t { cashier, manager, read_only };

const char* to_string(staff_role x);
bool from_string(const std::string& in, staff_role& out);

/// Whoever performs an operation: operator id (for the change history) and
/// role (for permissions).
struct staff_member {
  std::string id;
  staff_role role = staff_role::cashier;
};

bool operator==(const staff_member& x, const staff_member& y);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, staff_member& x) {
  return f(caf::meta::type_name("staff_member"), x.id, x.role);
}

/// What store staff do with customer records (seeds 002 and 004).
enum class store_operation : uint8_t {
  /// Search, open a customer, read its change and purchase history.
  view,
  /// Create a customer (quick add or wizard).
  create,
  /// Change a customer's data.
  edit,
  /// Mark a customer inactive or active again.
  change_status,
  /// Issue a loyalty card, add or redeem points.
  manage_loyalty,
  /// Add or end club memberships (the wine club of seed 004).
  manage_clubs,
  /// Merge a duplicate into its survivor at HQ.
  merge,
  /// Load an existing customer base from a file.
  import_customers,
};

constexpr store_operation all_store_operations[] = {
  store_operation::view,           store_operation::create,
  store_operation::edit,           store_operation::change_status,
  store_operation::manage_loyalty, store_operation::manage_clubs,
  store_operation::merge,          store_operation::import_customers,
};

/// The permission an operation needs, e.g. "customer.edit".
const char* permission_of(store_operation op);

/// The permission table:
///
/// | permission          | cashier | manager | read_only |
/// |---------------------|---------|---------|-----------|
/// | customer.view       | yes     | yes     | yes       |
/// | customer.create     | yes     | yes     | -         |
/// | customer.edit       | yes     | yes     | -         |
/// | customer.status     | -       | yes     | -         |
/// | customer.loyalty    | yes     | yes     | -         |
/// | customer.clubs      | yes     | yes     | -         |
/// | customer.merge      | -       | yes     | -         |
/// | customer.import     | -       | yes     | -         |
///
/// Cashiers create and keep records up to date at the till (seed 004 needs
/// only "Cashier permission" to create, and a cashier enters wine club
/// memberships); deactivating, merging and importing change or hide records
/// others rely on and are a manager's; read-only users look.
bool allowed(staff_role role, store_operation op);

/// An empty error when `who` may perform `op`, else permission_denied naming
/// the permission, e.g. "permission_denied: customer.edit: 'ro-1'
/// (read_only) lacks permission customer.edit".
caf::error check_permission(const staff_member& who, store_operation op);

} // namespace retailsim
