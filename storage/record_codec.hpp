#pragma once

// Customer and sale records as JSON text in one column: the full record
// round-trips exactly, while the columns beside it hold what SQL must index
// or constrain (account number, GUID, search keys).

#include <string>
#include <string_view>
#include <vector>

#include "caf/expected.hpp"

#include "model/customer.hpp"
#include "model/sale.hpp"

namespace retailsim::storage {

std::string encode(const customer& x);
std::string encode(const std::vector<sale_line>& x);

/// Parses what `encode` wrote; `where` names the row for the error.
caf::expected<customer> decode_customer(std::string_view json,
                                        const std::string& where);
caf::expected<std::vector<sale_line>> decode_sale_lines(std::string_view json,
                                                        const std::string& where);

/// The top-level profile fields whose values differ, with old and new value
/// as JSON text, in field order: the rows of the change history.
struct field_diff {
  std::string field;
  std::string old_value;
  std::string new_value;
};
std::vector<field_diff> diff(const customer& before, const customer& after);

} // namespace retailsim::storage

namespace retailsim::storage {

/// The columns stored beside the JSON record so SQL can index and search.
struct search_columns {
  std::string display_name;
  std::string primary_email;
  std::string primary_phone;
  std::string company_name;
};

search_columns search_columns_of(const customer& x);

} // namespace retailsim::storage
