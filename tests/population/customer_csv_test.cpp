#include "population/customer_csv.hpp"

#include <gtest/gtest.h>

#include "tests/fixtures.hpp"
#include "model/error.hpp"
#include "tests/population/import_defaults.hpp"

namespace retailsim {
namespace {

using test::us_store_defaults;

customer_csv parse(const std::string& text) {
  auto out = parse_customer_csv(text, "base.csv", us_store_defaults());
  EXPECT_TRUE(out) << describe(out.error());
  return out ? *out : customer_csv{};
}

TEST(CustomerCsv, GoodRowsBecomeValidatedCustomersWithDefaults) {
  auto csv = parse("first_name,last_name,email,phone,loyalty_card,"
                   "loyalty_points,address_book\r\n"
                   "Ann,Smith,Ann@Example.COM,(707) 320-2478,L-1,25,AB002\r\n"
                   "Bob,Jones,,,,,\r\n");
  ASSERT_EQ(csv.rows, 2u);
  ASSERT_TRUE(csv.errors.empty()) << to_string(csv.errors.front());
  ASSERT_EQ(csv.customers.size(), 2u);
  const auto& ann = csv.customers[0];
  EXPECT_EQ(ann.row, 2u);
  EXPECT_EQ(ann.address_book, "AB002");
  EXPECT_EQ(ann.record.profile.emails.at(0).address, "Ann@example.com");
  EXPECT_EQ(ann.record.profile.phones.at(0).number, "+17073202478");
  ASSERT_TRUE(ann.record.loyalty);
  EXPECT_EQ(ann.record.loyalty->card_number, "L-1");
  EXPECT_EQ(ann.record.loyalty->points, 25);
  // The default customer's settings are inherited as at a store.
  EXPECT_EQ(ann.record.profile.customer_group,
            us_store_defaults().store.default_customer.profile.customer_group);
  EXPECT_EQ(csv.customers[1].address_book, "AB001");
  EXPECT_TRUE(csv.customers[1].record.id.account_number.empty());
  EXPECT_TRUE(csv.customers[1].record.id.async_guid.empty());
}

TEST(CustomerCsv, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  auto csv = parse("\xEF\xBB\xBF" "name,type,notes,phone\n"
                   "\"Acme, \"\"Best\"\" Co\",organization,\"line one\n"
                   "line two\",\n"
                   "\n"
                   "Globex,organization,,12\n");
  ASSERT_EQ(csv.customers.size(), 1u);
  EXPECT_EQ(csv.customers[0].record.profile.name, "Acme, \"Best\" Co");
  EXPECT_EQ(csv.customers[0].record.type, customer_type::organization);
  EXPECT_EQ(csv.customers[0].record.profile.notes, "line one\nline two");
  // The second data row starts on line 5 (the first spans lines 2-3, line
  // 4 is blank) and is row 3 as a spreadsheet counts.
  ASSERT_EQ(csv.errors.size(), 1u);
  EXPECT_EQ(csv.errors[0].row, 3u);
  EXPECT_EQ(csv.errors[0].line, 5u);
  EXPECT_EQ(csv.errors[0].column, "phone");
}

TEST(CustomerCsv, HostileRowsAreEachReportedWithRowColumnAndReason) {
  std::string text = "first_name,last_name,email,phone\n"
                     "Ann,Smith,ann@example.com,\n"              // 2 good
                     ",,,\n"                                     // 3 empty
                     + std::string(101, 'A') + ",Long,,\n"       // 4
                     "Eve\x07,Ctrl,,\n"                          // 5
                     "Mallory,\xE2\x80\xAE" "evil,,\n"           // 6 RLO
                     "Bob,Tables,\"x'); DROP TABLE customers;--@example.com\","
                     "\n"                                        // 7
                     "Bad,Email,not-an-email,\n"                 // 8
                     "Bad,Phone,,12\n"                           // 9
                     "Inv\xFF" "alid,Utf,,\n"                    // 10
                     "Too,Many,Fields,Here,Now\n"                // 11
                     "\"Robert'); DROP TABLE customers;--\",T,,\n";  // 12 good
  auto csv = parse(text);
  EXPECT_EQ(csv.rows, 11u);
  ASSERT_EQ(csv.customers.size(), 2u);
  EXPECT_EQ(csv.customers[0].row, 2u);
  EXPECT_EQ(csv.customers[1].row, 12u);
  // Text that looks like SQL is a legal name: it is stored verbatim.
  EXPECT_EQ(csv.customers[1].record.profile.first_name,
            "Robert'); DROP TABLE customers;--");
  struct expected_error {
    size_t row;
    const char* column;
    ec code;
  };
  std::vector<expected_error> want = {
    {3, "", ec::no_identifying_field},
    {4, "first_name", ec::field_too_long},
    {5, "first_name", ec::control_character},
    {6, "last_name", ec::bidi_override},
    {7, "email", ec::email_invalid_local_part},
    {8, "email", ec::email_missing_at},
    {9, "phone", ec::phone_invalid_number},
    {10, "first_name", ec::invalid_utf8},
    {11, "", ec::none},
  };
  ASSERT_EQ(csv.errors.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const auto& got = csv.errors[i];
    EXPECT_EQ(got.row, want[i].row) << to_string(got);
    EXPECT_EQ(got.line, want[i].row) << to_string(got);
    EXPECT_EQ(got.column, want[i].column) << to_string(got);
    if (want[i].code != ec::none) {
      EXPECT_EQ(got.reason.rfind(to_string(want[i].code), 0), 0u)
        << to_string(got);
    }
  }
  EXPECT_EQ(to_string(csv.errors[1]),
            "row 4 (line 4), column first_name: field_too_long: first_name: "
            "101 characters, at most 100");
  EXPECT_EQ(csv.errors.back().reason, "5 fields, the header has 4");
}

TEST(CustomerCsv, BadLoyaltyPointsTypeAndAddressBookAreRowErrors) {
  auto csv = parse("first_name,type,loyalty_card,loyalty_points,address_book\n"
                   "A,robot,,,\n"
                   "B,,,10,\n"
                   "C,,L-1,-5,\n"
                   "D,,L-2,1e3,\n"
                   "E,,,,AB 1\n"
                   "F,,4111 1111,,\n");
  ASSERT_EQ(csv.errors.size(), 6u);
  EXPECT_EQ(csv.errors[0].column, "type");
  EXPECT_EQ(csv.errors[1].column, "loyalty_points");
  EXPECT_NE(csv.errors[1].reason.find("need a loyalty_card"),
            std::string::npos);
  EXPECT_EQ(csv.errors[2].column, "loyalty_points");
  EXPECT_EQ(csv.errors[3].column, "loyalty_points");
  EXPECT_EQ(csv.errors[4].column, "address_book");
  EXPECT_EQ(csv.errors[5].column, "loyalty_card");
}

TEST(CustomerCsv, LoyaltyCardsMayBeAsLongAsTheModelAllows) {
  auto card = std::string(40, '7');
  auto csv = parse("first_name,loyalty_card\nAnn," + card + "\nBob,"
                   + card + "8\n");
  ASSERT_EQ(csv.customers.size(), 1u);
  EXPECT_EQ(csv.customers[0].record.loyalty->card_number, card);
  ASSERT_EQ(csv.errors.size(), 1u);
  EXPECT_NE(csv.errors[0].reason.find("field_too_long"), std::string::npos)
    << to_string(csv.errors[0]);
}

TEST(CustomerCsv, ALoyaltyCardOnTwoRowsIsAnErrorOnTheSecond) {
  auto csv = parse("first_name,loyalty_card\nAnn,L-1\nBob,L-2\nCy,L-1\n");
  ASSERT_EQ(csv.customers.size(), 2u);
  ASSERT_EQ(csv.errors.size(), 1u);
  EXPECT_EQ(to_string(csv.errors[0]),
            "row 4 (line 4), column loyalty_card: uniqueness_violation: "
            "loyalty.card_number: 'L-1' is on row 2 already");
}

TEST(CustomerCsv, FileLevelProblemsFailWholeNamingLineAndByte) {
  auto check = [](const std::string& text, const std::string& needle) {
    auto out = parse_customer_csv(text, "base.csv", us_store_defaults());
    ASSERT_FALSE(out) << "accepted: " << text;
    EXPECT_EQ(error_code(out.error()), ec::malformed_file);
    EXPECT_NE(describe(out.error()).find(needle), std::string::npos)
      << describe(out.error());
  };
  check("", "empty file");
  check("first_name,shoe_size\nAnn,9\n", "unknown column 'shoe_size'");
  check("first_name,first_name\nAnn,Ann\n", "column 'first_name' appears twice");
  check("first_name\nAn\"n\n", "line 2, byte 3: a quote inside an unquoted");
  check("first_name\n\"Ann\"x\n", "line 2, byte 6: text after a closing quote");
  check("first_name,notes\nAnn,\"open\nstill open\n",
        "line 2, byte 5: the quoted field opened here is never closed");
}

TEST(CustomerCsv, AnInvisibleNameIdentifiesNobody) {
  // Each looks like a name in a form: zero-width space, byte-order mark,
  // word joiner, no-break space, Hangul filler, tag characters, a lone
  // combining mark.
  auto csv = parse("first_name\n"
                   "\xE2\x80\x8B\n"
                   "\xEF\xBB\xBF\n"
                   "\xE2\x81\xA0\n"
                   "\xC2\xA0\n"
                   "\xE3\x85\xA4\n"
                   "\xF3\xA0\x81\x81\xF3\xA0\x81\x82\n"
                   "\xCC\x81\n"
                   "\xEF\xBB\xBF" "Ann\n");
  EXPECT_EQ(csv.rows, 8u);
  ASSERT_EQ(csv.errors.size(), 7u);
  for (size_t i = 0; i < 5; ++i)
    EXPECT_EQ(csv.errors[i].reason.rfind("no_identifying_field", 0), 0u)
      << to_string(csv.errors[i]);
  EXPECT_EQ(csv.errors[5].reason.rfind("disallowed_character", 0), 0u)
    << to_string(csv.errors[5]);
  EXPECT_EQ(csv.errors[6].reason.rfind("invisible_text", 0), 0u)
    << to_string(csv.errors[6]);
  // A byte-order mark at the start of a data row is not part of the name.
  ASSERT_EQ(csv.customers.size(), 1u);
  EXPECT_EQ(csv.customers[0].record.profile.first_name, "Ann");
}

TEST(CustomerCsv, ErrorsQuoteInputEscapedAndShortened) {
  // An ANSI escape in a field would clear the terminal of whoever reads the
  // error; a 1 MB column name would fill it.
  auto csv = parse("first_name,type\nAnn,\x1B[2Jrobot\n");
  ASSERT_EQ(csv.errors.size(), 1u);
  EXPECT_EQ(csv.errors[0].reason.find('\x1B'), std::string::npos)
    << test::escaped(csv.errors[0].reason);
  EXPECT_NE(csv.errors[0].reason.find("'\\x1B[2Jrobot'"), std::string::npos)
    << csv.errors[0].reason;
  auto header = parse_customer_csv(std::string(1'000'000, 'x')
                                     + "\x1B,first_name\nAnn\n",
                                   "base.csv", us_store_defaults());
  ASSERT_FALSE(header);
  auto text = describe(header.error());
  EXPECT_LT(text.size(), 400u) << text.substr(0, 400);
  EXPECT_NE(text.find("(1000001 bytes)"), std::string::npos) << text;
}

TEST(CustomerCsv, FieldErrorsCountBytesFromOneAsFileErrorsDo) {
  auto csv = parse("first_name\nA\xFF" "B\n");
  ASSERT_EQ(csv.errors.size(), 1u);
  EXPECT_NE(csv.errors[0].reason.find("at byte 2 (0xFF)"), std::string::npos)
    << to_string(csv.errors[0]);
}

TEST(CustomerCsv, ARowIsReadWithinBoundsWhateverItsSize) {
  // A line of a million commas is one bad row, its fields counted, not
  // kept; a field of two million bytes is a bad row too.
  auto csv = parse("first_name\n" + std::string(1'000'000, ',') + "\nAnn\n"
                   + std::string(2'000'000, 'x') + "\nBob\n");
  EXPECT_EQ(csv.rows, 4u);
  ASSERT_EQ(csv.errors.size(), 2u);
  EXPECT_EQ(csv.errors[0].reason, "1000001 fields, the header has 1");
  EXPECT_EQ(csv.errors[1].row, 4u);
  EXPECT_EQ(csv.errors[1].reason,
            "2000000 bytes, more than a row may hold (1048576)");
  ASSERT_EQ(csv.customers.size(), 2u);
  EXPECT_EQ(csv.customers[1].record.profile.first_name, "Bob");
}

TEST(CustomerCsv, AFileThatIsNotUtf8IsNamedSo) {
  auto check = [](const std::string& text, const std::string& needle) {
    auto out = parse_customer_csv(text, "base.csv", us_store_defaults());
    ASSERT_FALSE(out) << "accepted: " << test::escaped(text);
    EXPECT_EQ(error_code(out.error()), ec::malformed_file);
    EXPECT_NE(describe(out.error()).find(needle), std::string::npos)
      << describe(out.error());
  };
  // UTF-16 as Windows writes it, with and without a byte-order mark.
  check(std::string{"\xFF\xFE" "f\0i\0r\0s\0t\0_\0n\0a\0m\0e\0\n\0", 24},
        "not UTF-8: UTF-16 (byte-order mark FF FE); save it as UTF-8");
  check(std::string{"\xFE\xFF\0f\0i", 7}, "UTF-16 (byte-order mark FE FF)");
  check(std::string{"f\0i\0r\0s\0t\0", 10},
        "not UTF-8: a NUL byte at line 1, byte 2");
  check("first_name,l\xE9st_name\nAnn,Lee\n",
        "not UTF-8: line 1, byte 13 (0xE9)");
}

TEST(CustomerCsv, AFolderIsNotACsvFile) {
  auto out = read_customer_csv(::testing::TempDir(), us_store_defaults());
  ASSERT_FALSE(out);
  EXPECT_NE(describe(out.error()).find("is a folder, not a file"),
            std::string::npos)
    << describe(out.error());
}

TEST(CustomerCsv, MissingFileIsNamed) {
  auto out = read_customer_csv("/nonexistent/base.csv", us_store_defaults());
  ASSERT_FALSE(out);
  EXPECT_NE(describe(out.error()).find("/nonexistent/base.csv"),
            std::string::npos);
}

} // namespace
} // namespace retailsim
