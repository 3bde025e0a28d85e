// Validation and normalisation of customer fields: tables of good and bad
// input, each bad one with the exact error code and field it must produce.

#include "model/validation.hpp"

#include <gtest/gtest.h>

#include "model/error.hpp"
#include "tests/fixtures.hpp"

using namespace retailsim;

namespace {

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += s;
  return out;
}

// 64 + 1 + 189 = 254 octets: the longest address RFC 5321 allows.
const std::string local_64 = repeat("a", 64);
const std::string domain_189 = repeat("d", 63) + "." + repeat("e", 63) + "."
                               + repeat("f", 57) + ".com";

} // namespace

// -- emails ------------------------------------------------------------------------

struct good_email {
  std::string input;
  std::string expected;
};

void PrintTo(const good_email& x, std::ostream* os) {
  *os << test::escaped(x.input);
}

class GoodEmail : public ::testing::TestWithParam<good_email> {};

TEST_P(GoodEmail, IsAcceptedAndNormalised) {
  auto result = normalize_email(GetParam().input, "email");
  ASSERT_TRUE(result) << describe(result.error());
  EXPECT_EQ(*result, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
  Table, GoodEmail,
  ::testing::Values(
    good_email{"john.smith@example.com", "john.smith@example.com"},
    good_email{"a@b.co", "a@b.co"},
    good_email{"  padded@example.com ", "padded@example.com"},
    good_email{"O'Brien+wine@Sub.Example.ORG", "O'Brien+wine@sub.example.org"},
    good_email{"\"john doe\"@example.com", "\"john doe\"@example.com"},
    good_email{"\"a@b\"@example.com", "\"a@b\"@example.com"},
    good_email{"user@b\xC3\xBC" "cher.example", "user@xn--bcher-kva.example"},
    good_email{local_64 + "@example.com", local_64 + "@example.com"},
    good_email{local_64 + "@" + domain_189, local_64 + "@" + domain_189}));

struct bad_email {
  std::string input;
  ec expected;
};

void PrintTo(const bad_email& x, std::ostream* os) {
  *os << test::escaped(x.input) << " -> " << to_string(x.expected);
}

class BadEmail : public ::testing::TestWithParam<bad_email> {};

TEST_P(BadEmail, IsRefusedWithItsOwnCode) {
  auto result = normalize_email(GetParam().input, "emails[0].address");
  ASSERT_FALSE(result) << "accepted: " << *result;
  EXPECT_EQ(error_code(result.error()), GetParam().expected)
    << describe(result.error());
  EXPECT_EQ(error_field(result.error()), "emails[0].address");
}

INSTANTIATE_TEST_SUITE_P(
  Table, BadEmail,
  ::testing::Values(
    bad_email{"", ec::field_required},
    bad_email{"plainaddress", ec::email_missing_at},
    bad_email{"a@b@example.com", ec::email_missing_at},
    bad_email{"\"unterminated@example.com", ec::email_invalid_local_part},
    bad_email{repeat("a", 65) + "@example.com", ec::email_local_part_too_long},
    bad_email{local_64 + "@" + domain_189 + "x", ec::email_too_long},
    bad_email{local_64 + "@x" + domain_189, ec::email_too_long},
    bad_email{".john@example.com", ec::email_invalid_local_part},
    bad_email{"john.@example.com", ec::email_invalid_local_part},
    bad_email{"john..doe@example.com", ec::email_invalid_local_part},
    bad_email{"john doe@example.com", ec::email_invalid_local_part},
    bad_email{"@example.com", ec::email_invalid_local_part},
    bad_email{"john@", ec::email_invalid_domain},
    bad_email{"john@example", ec::email_invalid_domain},
    bad_email{"john@-example.com", ec::email_invalid_domain},
    bad_email{"john@example..com", ec::email_invalid_domain},
    bad_email{"john@example.123", ec::email_invalid_domain},
    bad_email{"john@exa_mple.com", ec::email_invalid_domain},
    bad_email{"john@[127.0.0.1]", ec::email_invalid_domain},
    bad_email{"john@example.com\x07", ec::control_character},
    bad_email{"john\xE2\x80\xAE@example.com", ec::bidi_override},
    bad_email{"john\xED\xA0\x80@example.com", ec::invalid_utf8}));

// -- phones --------------------------------------------------------------------------

TEST(Phone, FiveFormatsOfOneNumberAreStoredAsOne) {
  for (const char* typed : {"707-320-2478", "(707) 320-2478", "707.320.2478",
                            "+1 707 320 2478", "1-707-320-2478",
                            "7073202478"}) {
    auto result = normalize_phone(typed, "US", "phones[0].number");
    ASSERT_TRUE(result) << typed << ": " << describe(result.error());
    EXPECT_EQ(*result, "+17073202478") << typed;
  }
}

TEST(Phone, StoreCountryIsTheDefaultRegion) {
  auto de = normalize_phone("030 12345678", "DE", "phone");
  ASSERT_TRUE(de) << describe(de.error());
  EXPECT_EQ(*de, "+493012345678");
  auto gb = normalize_phone("020 7946 0018", "GB", "phone");
  ASSERT_TRUE(gb) << describe(gb.error());
  EXPECT_EQ(*gb, "+442079460018");
  // An international number keeps its own country whatever the store's.
  auto intl = normalize_phone("+1 707 320 2478", "DE", "phone");
  ASSERT_TRUE(intl);
  EXPECT_EQ(*intl, "+17073202478");
}

struct bad_phone {
  std::string input;
  ec expected;
};

void PrintTo(const bad_phone& x, std::ostream* os) {
  *os << test::escaped(x.input) << " -> " << to_string(x.expected);
}

class BadPhone : public ::testing::TestWithParam<bad_phone> {};

TEST_P(BadPhone, IsRefusedWithItsOwnCode) {
  auto result = normalize_phone(GetParam().input, "US", "phones[1].number");
  ASSERT_FALSE(result) << "accepted: " << *result;
  EXPECT_EQ(error_code(result.error()), GetParam().expected)
    << describe(result.error());
  EXPECT_EQ(error_field(result.error()), "phones[1].number");
}

INSTANTIATE_TEST_SUITE_P(
  Table, BadPhone,
  ::testing::Values(bad_phone{"", ec::field_required},
                    bad_phone{"call me", ec::phone_unparseable},
                    bad_phone{"+999 1234 5678", ec::phone_unparseable},
                    bad_phone{"12", ec::phone_invalid_number},
                    bad_phone{"707-320-247", ec::phone_invalid_number},
                    bad_phone{"000-000-0000", ec::phone_invalid_number},
                    bad_phone{repeat("1", 41), ec::field_too_long},
                    bad_phone{"707\xE2\x80\xAE-320-2478", ec::bidi_override}));

// -- names and other text ----------------------------------------------------------

TEST(Text, NormalisesToNfcAndTrims) {
  // "José" typed with a combining acute accent becomes the composed form.
  auto result = normalize_text("  Jose\xCC\x81 ", "first_name", 100);
  ASSERT_TRUE(result) << describe(result.error());
  EXPECT_EQ(*result, "Jos\xC3\xA9");
}

TEST(Text, LengthIsCountedInCharactersAtTheBoundary) {
  EXPECT_TRUE(normalize_text(repeat("a", 100), "first_name", 100));
  EXPECT_TRUE(normalize_text(repeat("\xC3\xA9", 100), "first_name", 100));
  EXPECT_TRUE(normalize_text(repeat("\xF0\x9F\x8D\xB7", 100), "first_name",
                             100));
  auto over = normalize_text(repeat("a", 101), "first_name", 100);
  ASSERT_FALSE(over);
  EXPECT_EQ(error_code(over.error()), ec::field_too_long);
  EXPECT_EQ(error_field(over.error()), "first_name");
}

TEST(Text, RequiredFieldMustNotBeBlank) {
  auto blank = normalize_text("   ", "affiliations[0]", 60, true);
  ASSERT_FALSE(blank);
  EXPECT_EQ(error_code(blank.error()), ec::field_required);
  EXPECT_TRUE(normalize_text("", "middle_name", 60, false));
}

struct bad_text {
  std::string input;
  ec expected;
  std::string detail_fragment;
};

void PrintTo(const bad_text& x, std::ostream* os) {
  *os << test::escaped(x.input) << " -> " << to_string(x.expected);
}

class BadName : public ::testing::TestWithParam<bad_text> {};

TEST_P(BadName, IsRefusedNamingFieldAndByte) {
  auto result = normalize_text(GetParam().input, "last_name", 100);
  ASSERT_FALSE(result) << "accepted: " << *result;
  EXPECT_EQ(error_code(result.error()), GetParam().expected)
    << describe(result.error());
  EXPECT_EQ(error_field(result.error()), "last_name");
  EXPECT_NE(describe(result.error()).find(GetParam().detail_fragment),
            std::string::npos)
    << describe(result.error());
}

INSTANTIATE_TEST_SUITE_P(
  Table, BadName,
  ::testing::Values(
    // RIGHT-TO-LEFT OVERRIDE hides "exe.txt" as "txt.exe". Bytes are
    // counted from 1, as the CSV reader counts them.
    bad_text{"Smith\xE2\x80\xAEtxt.exe", ec::bidi_override, "U+202E at byte 6"},
    bad_text{"Smith\xE2\x81\xA6", ec::bidi_override, "U+2066"},
    bad_text{"Smith\xE2\x80\xAA", ec::bidi_override, "U+202A"},
    bad_text{"Smith\xE2\x81\xA9", ec::bidi_override, "U+2069"},
    // An unpaired (high) surrogate encoded in UTF-8 (CESU style).
    bad_text{"Sm\xED\xA0\x80ith", ec::invalid_utf8, "byte 3 (0xED)"},
    bad_text{"Smith\xC0\xAF", ec::invalid_utf8, "byte 6 (0xC0)"},
    bad_text{"Smith\xE2\x82", ec::invalid_utf8, "byte 6"},
    bad_text{"\xFF", ec::invalid_utf8, "byte 1 (0xFF)"},
    bad_text{"Smith\x07", ec::control_character, "U+0007"},
    bad_text{"Smi\nth", ec::control_character, "U+000A"},
    bad_text{std::string{"Smi\0th", 6}, ec::control_character, "U+0000"},
    bad_text{"Smith\xC2\x85", ec::control_character, "U+0085"},
    // Line and paragraph separators break a one-line name as '\n' does.
    bad_text{"Ann\xE2\x80\xA8" "Bob", ec::control_character, "U+2028 at byte 4"},
    bad_text{"Ann\xE2\x80\xA9" "Bob", ec::control_character, "U+2029"},
    // Noncharacters, unassigned and private-use code points mean nothing
    // in a name; tag characters hide ASCII text from the reader.
    bad_text{"Ann\xEF\xBF\xBF", ec::disallowed_character, "noncharacter U+FFFF at byte 4"},
    bad_text{"Ann\xEF\xB7\x90", ec::disallowed_character, "noncharacter U+FDD0"},
    bad_text{"Ann\xF1\x80\x80\x80", ec::disallowed_character, "unassigned U+40000"},
    bad_text{"Ann\xEE\x80\x80", ec::disallowed_character, "private-use U+E000"},
    bad_text{"Ann\xF3\xA0\x81\x81" "x", ec::disallowed_character, "tag character U+E0041"},
    // A combining mark with nothing to combine with shows as nothing.
    bad_text{"\xCC\x81", ec::invisible_text, "no visible character"},
    bad_text{"\xCC\x81" "Ann", ec::invisible_text, "U+0301 at byte 1"}));

TEST(Text, InvisibleOnlyTextIsEmpty) {
  // Each of these alone looks like a name in a form and identifies nobody:
  // trimmed as white space is, they leave an empty field.
  for (std::string invisible :
       {"\xE2\x80\x8B", "\xEF\xBB\xBF", "\xE2\x81\xA0", "\xC2\xA0",
        "\xE3\x85\xA4", "\xE3\x80\x80", "\xC2\xA0\xE2\x80\x8B \xEF\xBB\xBF"}) {
    auto optional = normalize_text(invisible, "first_name", 100);
    ASSERT_TRUE(optional) << test::escaped(invisible) << ": "
                          << describe(optional.error());
    EXPECT_EQ(*optional, "") << test::escaped(invisible);
    auto required = normalize_text(invisible, "first_name", 100, true);
    ASSERT_FALSE(required) << test::escaped(invisible);
    EXPECT_EQ(error_code(required.error()), ec::field_required);
  }
}

TEST(Text, NoBreakAndIdeographicSpacesAndByteOrderMarksAreTrimmedAlike) {
  EXPECT_EQ(*normalize_text("\xC2\xA0" "Ann\xC2\xA0", "first_name", 100), "Ann");
  EXPECT_EQ(*normalize_text("\xE3\x80\x80" "Ann\xE3\x80\x80", "first_name", 100),
            "Ann");
  EXPECT_EQ(*normalize_text("\xEF\xBB\xBF" "Ann", "first_name", 100), "Ann");
  EXPECT_EQ(*normalize_text("\xE2\x80\x8B" "Ann\xE2\x81\xA0", "first_name", 100),
            "Ann");
  // Inside a name they stay: a no-break space between words, a zero-width
  // non-joiner in Persian.
  EXPECT_EQ(*normalize_text("Ann\xC2\xA0" "Lee", "first_name", 100),
            "Ann\xC2\xA0" "Lee");
  EXPECT_EQ(*normalize_text("\xD9\x85\xE2\x80\x8C\xD9\x86", "first_name", 100),
            "\xD9\x85\xE2\x80\x8C\xD9\x86");
}

TEST(Text, RightToLeftMarksInHebrewAndArabicNamesAreKept) {
  // RLM (U+200F), LRM (U+200E) and ALM (U+061C) order neutral characters
  // in right-to-left names; only overrides, embeddings and isolates can
  // disguise text.
  for (std::string name :
       {"\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D\xE2\x80\x8F",  // שלום RLM
        "\xD8\xB9\xD9\x84\xD9\x8A\xD8\x9C",                  // علي ALM
        "\xD7\x93\xD7\x95\xD7\x93 (\xE2\x80\x8E" "2\xE2\x80\x8E)"}) {
    auto result = normalize_text(name, "last_name", 100);
    ASSERT_TRUE(result) << test::escaped(name) << ": "
                        << describe(result.error());
    EXPECT_EQ(*result, name);
  }
}

TEST(Text, NotesMayHoldLineBreaks) {
  auto notes = normalize_text("Prefers reds.\nWine club since 2019.", "notes",
                              2000, false, text_kind::multi_line);
  ASSERT_TRUE(notes) << describe(notes.error());
  auto bell = normalize_text("ding\x07", "notes", 2000, false,
                             text_kind::multi_line);
  EXPECT_FALSE(bell);
}

TEST(Text, SqlInjectionTextIsJustText) {
  const std::string hostile = "Robert'); DROP TABLE customers;--";
  auto result = normalize_text(hostile, "last_name", 100);
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, hostile);
}

// -- codes ---------------------------------------------------------------------------

TEST(Codes, CountryCurrencyLanguageDate) {
  EXPECT_EQ(*normalize_country("us", "country"), "US");
  EXPECT_EQ(error_code(normalize_country("XX", "country").error()),
            ec::invalid_country);
  EXPECT_EQ(error_code(normalize_country("USA", "country").error()),
            ec::invalid_country);
  EXPECT_EQ(*normalize_currency("eur", "currency"), "EUR");
  EXPECT_EQ(error_code(normalize_currency("EURO", "currency").error()),
            ec::invalid_currency);
  EXPECT_EQ(error_code(normalize_currency("ZZZ", "currency").error()),
            ec::invalid_currency);
  EXPECT_EQ(*normalize_language("en-us", "language"), "en-US");
  EXPECT_EQ(*normalize_language("fr", "language"), "fr");
  EXPECT_EQ(error_code(normalize_language("english!", "language").error()),
            ec::invalid_language);
  EXPECT_EQ(error_code(normalize_language("qqq-ZZ", "language").error()),
            ec::invalid_language);
  EXPECT_FALSE(check_date("2000-02-29", "date_of_birth"));
  EXPECT_EQ(error_code(check_date("1900-02-29", "date_of_birth")),
            ec::invalid_date);
  EXPECT_EQ(error_code(check_date("2001-13-01", "date_of_birth")),
            ec::invalid_date);
  EXPECT_EQ(error_code(check_date("01/02/2001", "date_of_birth")),
            ec::invalid_date);
}

// -- whole drafts --------------------------------------------------------------------

namespace {

attribute_group wine_attributes() {
  return {"WINE",
          {{"favourite_varietal", attribute_type::text, false},
           {"bottles_per_year", attribute_type::integer, false},
           {"newsletter", attribute_type::boolean, true}}};
}

customer_draft quick_add() {
  customer_draft d;
  d.profile.first_name = "John";
  d.profile.last_name = "Smith";
  d.profile.emails.push_back({"John.Smith@Example.COM", false, {}});
  d.profile.phones.push_back({"(707) 320-2478", false, {}});
  d.profile.attributes.push_back({"newsletter", attribute_type::boolean, "true"});
  return d;
}

} // namespace

TEST(Draft, QuickAddIsNormalisedAndFirstContactsBecomePrimary) {
  auto result = validate_draft(quick_add(), "US", wine_attributes());
  ASSERT_TRUE(result) << describe(result.error());
  EXPECT_EQ(result->profile.emails[0].address, "John.Smith@example.com");
  EXPECT_TRUE(result->profile.emails[0].primary);
  EXPECT_EQ(result->profile.phones[0].number, "+17073202478");
  EXPECT_TRUE(result->profile.phones[0].primary);
}

TEST(Draft, ErrorsNameTheNestedField) {
  auto d = quick_add();
  d.profile.emails.push_back({"second@", false, {}});
  auto result = validate_draft(d, "US", wine_attributes());
  ASSERT_FALSE(result);
  EXPECT_EQ(error_code(result.error()), ec::email_invalid_domain);
  EXPECT_EQ(error_field(result.error()), "emails[1].address");

  d = quick_add();
  d.profile.addresses.push_back({});
  d.profile.addresses[0].city = std::string(61, 'x');
  result = validate_draft(d, "US", wine_attributes());
  ASSERT_FALSE(result);
  EXPECT_EQ(error_code(result.error()), ec::field_too_long);
  EXPECT_EQ(error_field(result.error()), "addresses[0].city");

  d = quick_add();
  d.profile.business.tax_id = "DE\xE2\x80\xAE" "123";
  result = validate_draft(d, "US", wine_attributes());
  ASSERT_FALSE(result);
  EXPECT_EQ(error_code(result.error()), ec::bidi_override);
  EXPECT_EQ(error_field(result.error()), "business.tax_id");
}

TEST(Draft, NeedsANameAnEmailOrAPhone) {
  customer_draft empty;
  auto result = validate_draft(empty, "US", {});
  ASSERT_FALSE(result);
  EXPECT_EQ(error_code(result.error()), ec::no_identifying_field);
  customer_draft phone_only;
  phone_only.profile.phones.push_back({"707-320-2478", false, {}});
  EXPECT_TRUE(validate_draft(phone_only, "US", {}));
}

TEST(Draft, TwoPrimaryEmailsAreRefused) {
  auto d = quick_add();
  d.profile.emails[0].primary = true;
  d.profile.emails.push_back({"other@example.com", true, {}});
  auto result = validate_draft(d, "US", wine_attributes());
  ASSERT_FALSE(result);
  EXPECT_EQ(error_code(result.error()), ec::multiple_primary);
  EXPECT_EQ(error_field(result.error()), "emails");
}

TEST(Draft, AttributesFollowTheirGroup) {
  auto d = quick_add();
  d.profile.attributes.push_back({"shoe_size", attribute_type::integer, "9"});
  auto unknown = validate_draft(d, "US", wine_attributes());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(error_code(unknown.error()), ec::unknown_attribute);
  EXPECT_EQ(error_field(unknown.error()), "attributes[1].name");

  d = quick_add();
  d.profile.attributes.push_back(
    {"bottles_per_year", attribute_type::integer, "a dozen"});
  auto mismatch = validate_draft(d, "US", wine_attributes());
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(error_code(mismatch.error()), ec::attribute_type_mismatch);
  EXPECT_EQ(error_field(mismatch.error()), "attributes[1].value");

  d = quick_add();
  d.profile.attributes.clear();
  auto missing = validate_draft(d, "US", wine_attributes());
  ASSERT_FALSE(missing);
  EXPECT_EQ(error_code(missing.error()), ec::attribute_missing);
}

TEST(Draft, InvalidStoreCountryIsReported) {
  auto result = validate_draft(quick_add(), "ZZ", wine_attributes());
  ASSERT_FALSE(result);
  EXPECT_EQ(error_code(result.error()), ec::invalid_country);
  EXPECT_EQ(error_field(result.error()), "store.operating_unit_country");
}

TEST(Customer, GuidAndLoyaltyAreChecked) {
  auto c = test::sample_customer("Ann", "Lee");
  c.id.async_guid = "not-a-guid";
  auto result = validate_customer(c, "US", {});
  ASSERT_FALSE(result);
  EXPECT_EQ(error_code(result.error()), ec::invalid_guid);
  c.id.async_guid.clear();
  c.loyalty = loyalty_card{"LC-1", -5};
  result = validate_customer(c, "US", {});
  ASSERT_FALSE(result);
  EXPECT_EQ(error_code(result.error()), ec::value_out_of_range);
  EXPECT_EQ(error_field(result.error()), "loyalty.points");
}

// -- quoting input in errors -------------------------------------------------------

TEST(Quoted, EscapesWhatWouldActOnATerminalAndShortensLongInput) {
  // An ANSI escape in a field must not clear the terminal of whoever reads
  // the error.
  EXPECT_EQ(quote_input("\x1B[2Jevil"), "'\\x1B[2Jevil'");
  EXPECT_EQ(quote_input("a\nb\tc\x7F"), "'a\\nb\\tc\\x7F'");
  // Ill-formed UTF-8, C1 controls, bidi overrides and line separators are
  // shown by number; ordinary non-ASCII text is shown as is.
  EXPECT_EQ(quote_input("x\xFF"), "'x\\xFF'");
  EXPECT_EQ(quote_input("\xC2\x9B" "2J"), "'\\u{009B}2J'");
  EXPECT_EQ(quote_input("abc\xE2\x80\xAE" "exe"), "'abc\\u{202E}exe'");
  EXPECT_EQ(quote_input("a\xE2\x80\xA8" "b"), "'a\\u{2028}b'");
  EXPECT_EQ(quote_input("Zo\xC3\xAB"), "'Zo\xC3\xAB'");
  EXPECT_EQ(quote_input("it's"), "'it\\'s'");
  // At most 40 characters, then how much there was.
  auto long_text = std::string(50'000'000, 'x');
  auto shown = quote_input(long_text);
  EXPECT_EQ(shown, "'" + std::string(40, 'x') + "'... (50000000 bytes)");
  // A multi-byte character is never cut in half.
  auto accents = quote_input(repeat("\xC3\xA9", 41));
  EXPECT_EQ(accents, "'" + repeat("\xC3\xA9", 40) + "'... (82 bytes)");
  EXPECT_EQ(quote_input("abcdef", 3), "'abc'... (6 bytes)");
}
