// The permission table of store operations: every role against every
// operation, and what a refusal says.

#include "model/permissions.hpp"

#include <gtest/gtest.h>

#include "model/error.hpp"

using namespace retailsim;

TEST(Permissions, TheTableAsDocumented) {
  // One row per operation: cashier, manager, read_only.
  struct row {
    store_operation op;
    bool cashier;
    bool manager;
    bool read_only;
  };
  const row table[] = {
    {store_operation::view, true, true, true},
    {store_operation::create, true, true, false},
    {store_operation::edit, true, true, false},
    {store_operation::change_status, false, true, false},
    {store_operation::manage_loyalty, true, true, false},
    {store_operation::manage_clubs, true, true, false},
    {store_operation::merge, false, true, false},
    {store_operation::import_customers, false, true, false},
  };
  ASSERT_EQ(std::size(table), std::size(all_store_operations));
  for (const auto& r : table) {
    SCOPED_TRACE(permission_of(r.op));
    EXPECT_EQ(allowed(staff_role::cashier, r.op), r.cashier);
    EXPECT_EQ(allowed(staff_role::manager, r.op), r.manager);
    EXPECT_EQ(allowed(staff_role::read_only, r.op), r.read_only);
  }
}

TEST(Permissions, ARefusalNamesTheMissingPermissionAndWho) {
  auto err = check_permission({"ro-1", staff_role::read_only},
                              store_operation::edit);
  ASSERT_TRUE(err);
  EXPECT_EQ(error_code(err), ec::permission_denied);
  EXPECT_EQ(error_field(err), "customer.edit");
  EXPECT_EQ(describe(err), "permission_denied: customer.edit: 'ro-1' "
                           "(read_only) lacks permission customer.edit");
  EXPECT_FALSE(check_permission({"m-1", staff_role::manager},
                                store_operation::merge));
}

TEST(Permissions, RolesReadBackFromTheirNames) {
  for (auto role :
       {staff_role::cashier, staff_role::manager, staff_role::read_only}) {
    staff_role parsed = staff_role::cashier;
    ASSERT_TRUE(from_string(to_string(role), parsed));
    EXPECT_EQ(parsed, role);
  }
  staff_role unchanged = staff_role::manager;
  EXPECT_FALSE(from_string("admin", unchanged));
  EXPECT_EQ(unchanged, staff_role::manager);
}
