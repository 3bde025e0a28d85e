#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "caf/make_message.hpp"  // must precede error.hpp for CAF_ERROR_CODE_ENUM
#include "caf/error.hpp"
#include "caf/expected.hpp"

namespace retailsim {

/// Every way a retailsim operation can fail. An error carries one of these codes
/// plus a context of two strings: the field (or file, table, operation) it is
/// about, and a human-readable detail. Code 0 is reserved by CAF for "no error".
enum class ec : uint8_t {
  /// Reserved by CAF: not an error.
  none = 0,
  // -- text fields ------------------------------------------------------------
  /// A required field is empty.
  field_required,
  /// A field exceeds its length limit (in characters, or bytes for emails).
  field_too_long,
  /// A field is not well-formed UTF-8 (includes encoded surrogates).
  invalid_utf8,
  /// A field contains a control character.
  control_character,
  /// A field contains a bidirectional override, embedding or isolate.
  bidi_override,
  /// A field contains a code point that means nothing in text: a
  /// noncharacter, an unassigned or private-use code point, a tag character.
  disallowed_character,
  /// A field has characters but none that shows: only combining marks, or
  /// a combining mark with nothing before it to combine with.
  invisible_text,
  // -- emails -----------------------------------------------------------------
  /// An email address has no '@' or more than one outside quotes.
  email_missing_at,
  /// The local part of an email address exceeds 64 octets (RFC 5321 4.5.3.1.1).
  email_local_part_too_long,
  /// An email address exceeds 254 octets (RFC 5321 4.5.3.1.3 minus "<>").
  email_too_long,
  /// The local part of an email address is not a valid dot-atom.
  email_invalid_local_part,
  /// The domain of an email address is not a valid host name.
  email_invalid_domain,
  // -- phones -----------------------------------------------------------------
  /// libphonenumber cannot parse the text as a phone number.
  phone_unparseable,
  /// The text parses but is not a valid number for its region.
  phone_invalid_number,
  // -- codes and other scalar fields -----------------------------------------
  /// Not an ISO 3166-1 alpha-2 country code.
  invalid_country,
  /// Not an ISO 4217 currency code.
  invalid_currency,
  /// Not a BCP 47 language tag.
  invalid_language,
  /// Not a calendar date in the form YYYY-MM-DD.
  invalid_date,
  /// A number outside its allowed range.
  value_out_of_range,
  /// Not a valid RFC 4122 GUID.
  invalid_guid,
  /// A customer has neither a name, an email nor a phone number.
  no_identifying_field,
  /// More than one email, phone or address is marked primary.
  multiple_primary,
  /// The customer group is not defined at HQ.
  unknown_customer_group,
  /// An attribute is not defined in the store's attribute group.
  unknown_attribute,
  /// An attribute value does not match the type of its definition.
  attribute_type_mismatch,
  /// A required attribute of the attribute group is missing.
  attribute_missing,
  // -- HQ feature flags and async limitations ---------------------------------
  /// Secondary emails/phones need the "multiple emails and phones" feature.
  multiple_contacts_disabled,
  /// A pending (Async) customer cannot be edited without the async-edit feature.
  pending_customer_not_editable,
  /// Addresses of pending customers need "asynchronous creation for customer addresses".
  async_address_disabled,
  /// Affiliations of pending customers need "enhanced async customer creation".
  async_affiliations_disabled,
  /// Secondary contacts of pending customers need "enhanced async customer creation".
  async_secondary_contacts_disabled,
  /// Loyalty cards are issued only to customers with an HQ account number.
  loyalty_card_requires_account,
  // -- links and capacity --------------------------------------------------------
  /// The store cannot reach HQ's Real-time Service (link down).
  rts_unavailable,
  /// A Real-time Service call got no answer within its time-out.
  rts_timeout,
  /// HQ's Real-time Service queue is full, or a call waited past its limit.
  hq_overloaded,
  /// A Sync creation could not be answered before its caller's deadline, so
  /// HQ did not commit it: the caller may create it Async (same GUID) or
  /// report the failure, and nothing of it is left at HQ.
  deadline_exceeded,
  /// The terminal cannot reach its store (network down or call timed out).
  store_unreachable,
  /// The operation is not available while the terminal is offline.
  unavailable_offline,
  // -- storage ------------------------------------------------------------------
  /// A database file cannot be opened, read or written.
  storage_failure,
  /// A file is not the kind of database expected (HQ, channel, offline).
  wrong_database_kind,
  /// A database was written by a newer retailsim (schema version too high).
  schema_too_new,
  /// A uniqueness guarantee refused the write (second account for a GUID, ...).
  uniqueness_violation,
  /// The requested record does not exist.
  not_found,
  /// The customer was merged into another (named in the detail); a store
  /// may still show it until 1010 brings the merge.
  customer_merged,

  // -- store operations --------------------------------------------------------
  /// The staff member's role lacks the permission the operation needs.
  permission_denied,
  /// "Prompt for email" is on and the customer has no email: the cashier is
  /// asked once; confirming creates the customer with the generic address.
  email_prompt,
  // -- files ----------------------------------------------------------------------
  /// An input file (CSV import, ...) is malformed as a whole: bad quoting, an
  /// unknown or repeated column, no header.
  malformed_file,
  /// A scenario file (or an override of one of its keys) is not what the
  /// format expects: the field names the file, line and column.
  invalid_scenario,
  // -- jobs -----------------------------------------------------------------------
  /// A job's call got no answer within the job's time-out (HQ or a store
  /// was down): the part is left for the next run.
  job_timeout,
  // -- devices --------------------------------------------------------------------
  /// Raw data from a card reader or barcode scanner is not what its format
  /// says (bad LRC, missing sentinel, broken header, ...): the detail names
  /// the byte, never the data.
  malformed_device_data,
  /// A card reader or scanner did not deliver: offline, stalled, not
  /// enabled.
  device_unavailable,
};

/// Input as an error message quotes it: in single quotes, at most
/// `max_chars` characters (then "... (N bytes)"), with everything that could
/// act on a terminal or hide itself escaped: control bytes as \xNN (\n, \t
/// and \r by name), bytes that are not UTF-8 as \xNN, C1 controls, format
/// characters, line separators and private-use or unassigned code points as
/// \u{XXXX}; a quote inside as \'.
std::string quote_input(std::string_view text, size_t max_chars = 40);

/// A byte as an error message names it, e.g. "0xFF".
std::string hex_byte(unsigned char byte);

/// The name of an error code as written in this header, e.g. "field_too_long".
const char* to_string(ec code);

/// Builds an error about `field` (a path such as "profile.emails[1].address").
caf::error make_error(ec code, std::string field, std::string detail);

/// Renders any error for humans, e.g.
/// "field_too_long: profile.first_name: 101 characters, at most 100".
/// Errors of other categories fall back to CAF's own rendering.
std::string describe(const caf::error& err);

/// The code of an error of category "retailsim"; ec::none for no error and
/// for errors of other categories (CAF's own, for instance).
ec error_code(const caf::error& err);

/// The field an error of category "retailsim" is about, or "".
std::string error_field(const caf::error& err);

} // namespace retailsim

CAF_ERROR_CODE_ENUM(retailsim::ec, "retailsim")
