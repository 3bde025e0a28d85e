// The peripherals' codecs against vectors built by hand from the standards'
// field layouts (ISO/IEC 7813 tracks 1 and 2, AAMVA Annex F stripes, AAMVA
// Annex D barcodes of every version), each kind of fault, and every
// truncation and corruption of them.

#include "hardware-sim/device_data.hpp"
#include "hardware-sim/generators.hpp"
#include "hardware-sim/codec_text.hpp"

#include <memory>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "model/error.hpp"
#include "tests/fixtures.hpp"

namespace retailsim::hw {
namespace {

// -- check digits --------------------------------------------------------------

TEST(Luhn, KnownNumbers) {
  EXPECT_TRUE(passes_luhn("79927398713"));
  EXPECT_FALSE(passes_luhn("79927398710"));
  EXPECT_TRUE(passes_luhn("4111111111111111"));
  EXPECT_FALSE(passes_luhn("4111111111111112"));
  EXPECT_EQ(luhn_digit("7992739871"), '3');
  EXPECT_EQ(luhn_digit("411111111111111"), '1');
  EXPECT_FALSE(passes_luhn("4111-1111"));
}

TEST(Lrc, IsTheXorOfTheTrackCodes) {
  // Track 2 codes (char - 0x30): ';' 0xB, '1' 0x1, '=' 0xD, '2' 0x2,
  // '?' 0xF. XOR: 0xA -> ':'.
  EXPECT_EQ(track_lrc(";1=2?", 2), ':');
  // Track 1 codes (char - 0x20): '%' 0x05, 'B' 0x22, '1' 0x11, '?' 0x1F.
  // XOR: 0x05 ^ 0x22 = 0x27, ^ 0x11 = 0x36, ^ 0x1F = 0x29 -> 0x49 'I'.
  EXPECT_EQ(track_lrc("%B1?", 1), 'I');
}

TEST(Mask, FirstSixAndLastFour) {
  EXPECT_EQ(mask_card_number("4111111111111111"), "411111******1111");
  EXPECT_EQ(mask_card_number("378282246310005"), "378282*****0005");
  EXPECT_EQ(mask_card_number("123456"), "******");
}

// -- bank cards ------------------------------------------------------------------

// Track 1: %B PAN ^ NAME ^ YYMM SVC discretionary ?; track 2: ; PAN = YYMM
// SVC discretionary ?.
const std::string track1 = "%B4111111111111111^SMITH/JOHN A.MR^2512101123456789?";
const std::string track2 = ";4111111111111111=25121011234567890?";

std::string with_lrc(const std::string& track, int number) {
  return track + track_lrc(track, number);
}

TEST(BankCard, BothTracksWithLrc) {
  auto card = decode_bank_card(with_lrc(track1, 1) + with_lrc(track2, 2));
  ASSERT_TRUE(card) << describe(card.error());
  EXPECT_EQ(card->cardholder_name, "SMITH/JOHN A.MR");
  EXPECT_EQ(card->family_name, "Smith");
  EXPECT_EQ(card->given_names, "John A");
  EXPECT_EQ(card->masked_number, "411111******1111");
  EXPECT_TRUE(card->number_passes_luhn);
  EXPECT_EQ(card->expiry, "2512");
  EXPECT_EQ(card->service_code, "101");
  EXPECT_TRUE(card->track1 && card->track2);
}

TEST(BankCard, EitherTrackAloneWithoutLrcAndLineBreaks) {
  auto one = decode_bank_card(track1 + "\r\n");
  ASSERT_TRUE(one) << describe(one.error());
  EXPECT_TRUE(one->track1 && !one->track2);
  auto two = decode_bank_card(track2);
  ASSERT_TRUE(two) << describe(two.error());
  EXPECT_TRUE(two->cardholder_name.empty());
  EXPECT_EQ(two->masked_number, "411111******1111");
  // A name without '/', and one padded with spaces.
  auto plain = decode_bank_card("%B4111111111111111^JOHN Q SMITH       ^2512101?");
  ASSERT_TRUE(plain) << describe(plain.error());
  EXPECT_EQ(plain->family_name, "Smith");
  EXPECT_EQ(plain->given_names, "John Q");
}

/// Every fault of a swipe, with where the error must point; none may show
/// the card number.
struct swipe_fault {
  const char* what;
  std::string raw;
  std::string fragment;
};

TEST(BankCard, FaultsAreNamedByByteWithoutTheNumber) {
  auto bad_lrc = track1 + static_cast<char>(track_lrc(track1, 1) ^ 1);
  std::vector<swipe_fault> faults = {
    {"misread (bad LRC)", bad_lrc, "byte 53: LRC check failed"},
    {"partial swipe", track1.substr(0, 30), "no end sentinel"},
    {"partial, next track begins", track1.substr(0, 30) + "\n" + track2,
     "not a track 1 character"},
    {"wrong format", "%CASACRAMENTO^DOE$JOHN^1 MAIN ST^?", "format code"},
    {"not a track 2 character", ";41111111A1111111=2512101?",
     "byte 10: not a track 2 character"},
    {"no start sentinel", "4111111111111111=2512?", "byte 1: expected a start"},
    {"tracks disagree", track1 + "\n;4111111111111112=2512101?",
     "disagree on the card number"},
    {"bad expiry month", ";4111111111111111=2513101?", "expiry month"},
    {"number too long", ";41111111111111111111=2512101?", "not 1 to 19"},
    {"empty", "", "no track"},
  };
  for (const auto& f : faults) {
    auto card = decode_bank_card(f.raw);
    ASSERT_FALSE(card) << f.what;
    EXPECT_EQ(error_code(card.error()), ec::malformed_device_data) << f.what;
    auto text = describe(card.error());
    EXPECT_NE(text.find(f.fragment), std::string::npos)
      << f.what << ": " << text;
    EXPECT_EQ(text.find("411111"), std::string::npos) << f.what << ": " << text;
  }
}

// -- licence stripes ----------------------------------------------------------------

// Annex F: track 1 %STATE CITY^ FAMILY$FIRST$MIDDLE^ ADDRESS^ ?; track 2
// ;IIN ID = YYMM CCYYMMDD overflow ?; track 3 %versions POSTAL(11) ... ?.
const std::string dl_track1 = "%FLDELRAY BEACH^DOE$JOHN$^4818 S FEDERAL BLVD^           ?";
const std::string dl_track2 = ";6360100462172082009=2101198209090=?";
const std::string dl_track3 = "%0033435      C           1509175BROBLU?";

TEST(LicenceStripe, ThreeTracks) {
  auto id = decode_licence_stripe(dl_track1 + "\n" + dl_track2 + "\n" + dl_track3);
  ASSERT_TRUE(id) << describe(id.error());
  EXPECT_EQ(id->family_name, "Doe");
  EXPECT_EQ(id->first_name, "John");
  EXPECT_EQ(id->middle_name, "");
  EXPECT_EQ(id->city, "Delray Beach");
  EXPECT_EQ(id->street, "4818 S Federal Blvd");
  EXPECT_EQ(id->state, "FL");
  EXPECT_EQ(id->iin, "636010");
  EXPECT_EQ(id->country, "US");
  EXPECT_EQ(id->date_of_birth, "1982-09-09");
  EXPECT_EQ(id->postal_code, "33435");
}

TEST(LicenceStripe, FullLengthFieldsNeedNoSeparatorAndTrack3IsOptional) {
  // City of 13 characters and no '^'; two address lines; LRCs.
  auto t1 = with_lrc("%CASAN FRANCISCOLEE$ANN$MARIE^100 MAIN ST$APT 4^?", 1);
  auto t2 = with_lrc(";636014123456789=77771990022812?", 2);
  auto id = decode_licence_stripe(t1 + t2);
  ASSERT_TRUE(id) << describe(id.error());
  EXPECT_EQ(id->city, "San Francisco");
  EXPECT_EQ(id->family_name, "Lee");
  EXPECT_EQ(id->first_name, "Ann");
  EXPECT_EQ(id->middle_name, "Marie");
  EXPECT_EQ(id->street, "100 Main St, Apt 4");
  EXPECT_EQ(id->date_of_birth, "1990-02-28");
  EXPECT_EQ(id->postal_code, "");
}

TEST(LicenceStripe, Faults) {
  auto only1 = decode_licence_stripe(dl_track1);
  ASSERT_FALSE(only1);
  EXPECT_NE(describe(only1.error()).find("needs tracks 1 and 2"),
            std::string::npos);
  auto bad_dob = decode_licence_stripe(dl_track1 + "\n;6360100462172082009=2101198213090?");
  ASSERT_FALSE(bad_dob);
  EXPECT_NE(describe(bad_dob.error()).find("byte 85: the date of birth"),
            std::string::npos)
    << describe(bad_dob.error());
  auto bad_lrc = decode_licence_stripe(dl_track1 + "\n" + dl_track2 + "!");
  ASSERT_FALSE(bad_lrc);
  EXPECT_NE(describe(bad_lrc.error()).find("LRC"), std::string::npos);
}

TEST(LicenceStripe, EncodedLicencesReadBack) {
  licence x;
  x.family_name = "Okafor";
  x.first_name = "Chidi";
  x.middle_name = "A";
  x.street = "12 Elm St";
  x.city = "Austin";
  x.state = "TX";
  x.postal_code = "78701";
  x.country = "US";
  x.iin = "636015";
  x.date_of_birth = "1975-12-31";
  for (bool lrc : {false, true}) {
    auto id = decode_licence_stripe(encode_licence_stripe(x, "12345678", lrc));
    ASSERT_TRUE(id) << describe(id.error());
    EXPECT_EQ(id->family_name, "Okafor");
    EXPECT_EQ(id->first_name, "Chidi");
    EXPECT_EQ(id->middle_name, "A");
    EXPECT_EQ(id->street, "12 Elm St");
    EXPECT_EQ(id->city, "Austin");
    EXPECT_EQ(id->state, "TX");
    EXPECT_EQ(id->postal_code, "78701");
    EXPECT_EQ(id->date_of_birth, "1975-12-31");
  }
}

// -- licence barcodes ---------------------------------------------------------------

// Annex D, version 10, built by hand: header (21 bytes) and two
// designators (20 bytes), so the DL subfile starts at byte 41.
std::string v10_payload() {
  std::string dl = "DLDAQD1234567\nDCSGARCIA\nDDEN\nDACMARIA\nDDFN\nDADLUZ\n"
                   "DDGN\nDBA08012030\nDBB03151988\nDBC2\nDBD08012022\n"
                   "DAG742 EVERGREEN TER\nDAISPRINGFIELD\nDAJIL\n"
                   "DAK627040000  \nDCGUSA\rZIZIA01\r";
  auto dl_length = dl.find('\r') + 1;
  auto header = std::string{"@\n\x1e\rANSI 636035100002"} + "DL0041"
                + (dl_length < 1000 ? "0" : "") + std::to_string(dl_length)
                + "ZI0" + std::to_string(41 + dl_length) + "0008";
  return header + dl;
}

TEST(LicenceBarcode, Version10ByHand) {
  auto payload = v10_payload();
  ASSERT_EQ(payload.find("DLDAQ"), 41u);
  auto id = decode_licence_barcode(payload);
  ASSERT_TRUE(id) << describe(id.error());
  EXPECT_EQ(id->aamva_version, 10);
  EXPECT_EQ(id->jurisdiction_version, 0);
  EXPECT_EQ(id->iin, "636035");
  EXPECT_EQ(id->family_name, "Garcia");
  EXPECT_EQ(id->first_name, "Maria");
  EXPECT_EQ(id->middle_name, "Luz");
  EXPECT_EQ(id->date_of_birth, "1988-03-15");
  EXPECT_EQ(id->expiry, "2030-08-01");
  EXPECT_EQ(id->street, "742 Evergreen Ter");
  EXPECT_EQ(id->city, "Springfield");
  EXPECT_EQ(id->state, "IL");
  EXPECT_EQ(id->postal_code, "62704");
  EXPECT_EQ(id->country, "US");
}

TEST(LicenceBarcode, Version1ByHand) {
  // DL/ID-2000: no jurisdiction version (header 19 bytes), DAA full name,
  // dates CCYYMMDD.
  std::string dl = "DLDAQ0123456789\nDAAPUBLIC,JOHN,Q\nDAG123 MAIN STREET\n"
                   "DAIANYTOWN\nDAJVA\nDAK123459999  \nDBA20301201\n"
                   "DBB19761123\nDBCM\r";
  auto payload = "@\n\x1e\rANSI 6360000101DL0029" + std::to_string(dl.size())
                 .insert(0, 4 - std::to_string(dl.size()).size(), '0')
                 + dl;
  ASSERT_EQ(payload.find("DLDAQ"), 29u);
  auto id = decode_licence_barcode(payload);
  ASSERT_TRUE(id) << describe(id.error());
  EXPECT_EQ(id->aamva_version, 1);
  EXPECT_EQ(id->family_name, "Public");
  EXPECT_EQ(id->first_name, "John");
  EXPECT_EQ(id->middle_name, "Q");
  EXPECT_EQ(id->date_of_birth, "1976-11-23");
  EXPECT_EQ(id->postal_code, "12345-9999");
  EXPECT_EQ(id->state, "VA");
}

licence sample_licence(const std::string& state, const std::string& country) {
  licence x;
  x.family_name = "Nguyen";
  x.first_name = "Thi";
  x.middle_name = "Mai";
  x.street = "88 Harbour Rd";
  x.city = "Vancouver";
  x.state = state;
  x.country = country;
  x.iin = iin_of(state);
  x.postal_code = country == "CA" ? "V6B 1A1" : "98101";
  x.date_of_birth = "1969-07-04";
  x.expiry = "2031-07-04";
  return x;
}

TEST(LicenceBarcode, EveryVersionReadsBackInTheUsAndCanada) {
  for (auto [state, country] : {std::pair{"WA", "US"}, std::pair{"BC", "CA"}})
    for (int version = 1; version <= 10; ++version) {
      auto x = sample_licence(state, country);
      auto payload = encode_licence_barcode(x, "WDL123456", version);
      auto id = decode_licence_barcode(payload);
      ASSERT_TRUE(id) << "version " << version << ": "
                      << describe(id.error()) << "\n"
                      << test::escaped(payload);
      EXPECT_EQ(id->aamva_version, version);
      EXPECT_EQ(id->family_name, "Nguyen") << version;
      EXPECT_EQ(id->first_name, "Thi") << version;
      EXPECT_EQ(id->middle_name, "Mai") << version;
      EXPECT_EQ(id->date_of_birth, "1969-07-04") << version;
      EXPECT_EQ(id->expiry, "2031-07-04") << version;
      EXPECT_EQ(id->street, "88 Harbour Rd") << version;
      EXPECT_EQ(id->state, state) << version;
      EXPECT_EQ(id->country, country) << version;
      EXPECT_EQ(id->postal_code, x.postal_code) << version;
    }
}

TEST(LicenceBarcode, JurisdictionQuirksAreRead) {
  auto x = sample_licence("WA", "US");
  std::vector<std::pair<const char*, barcode_quirks>> quirks;
  barcode_quirks q;
  q.no_record_separator = true;
  quirks.emplace_back("no record separator", q);
  q = {};
  q.aamva_file_type = true;
  quirks.emplace_back("file type AAMVA", q);
  q = {};
  q.offset_error = 3;
  quirks.emplace_back("offset 3 bytes off", q);
  q = {};
  q.offset_error = -2;
  quirks.emplace_back("offset 2 bytes short", q);
  q = {};
  q.lf_terminated = true;
  quirks.emplace_back("LF-terminated", q);
  q = {};
  q.trailing_padding = 17;
  quirks.emplace_back("trailing padding", q);
  for (int version : {1, 3, 8}) {
    for (const auto& [what, quirk] : quirks) {
      auto id = decode_licence_barcode(
        encode_licence_barcode(x, "WDL1", version, quirk));
      ASSERT_TRUE(id) << what << ", version " << version << ": "
                      << describe(id.error());
      EXPECT_EQ(id->family_name, "Nguyen") << what;
      EXPECT_EQ(id->date_of_birth, "1969-07-04") << what;
    }
  }
  // A version newer than 10 keeps version 10's elements.
  auto v10 = encode_licence_barcode(x, "WDL1", 10);
  auto v12 = v10;
  v12.replace(v12.find("ANSI ") + 11, 2, "12");
  auto id = decode_licence_barcode(v12);
  ASSERT_TRUE(id) << describe(id.error());
  EXPECT_EQ(id->aamva_version, 12);
  EXPECT_EQ(id->first_name, "Thi");
}

TEST(LicenceBarcode, MalformedPayloadsNameTheByte) {
  auto good = encode_licence_barcode(sample_licence("WA", "US"), "WDL1", 10);
  auto broken = [&](size_t at, const std::string& with) {
    auto out = good;
    out.replace(at, with.size(), with);
    return out;
  };
  std::vector<std::pair<std::string, std::string>> cases = {
    {"", "byte 1: expected the compliance indicator"},
    {"#" + good.substr(1), "byte 1: expected the compliance indicator"},
    {broken(4, "XNSI "), "byte 5: expected the file type"},
    {broken(9, "63A045"), "byte 10: the issuer number"},
    {broken(15, "00"), "byte 16: AAMVA version 00"},
    {broken(19, "00"), "byte 20: no subfile"},
    {good.substr(0, 30), "subfile designators are cut short"},
    {broken(21, "XX"), "no DL or ID subfile designator"},
    {broken(good.find("DBB") + 3, "13"), "the date of birth (DBB) is not a "
                                         "date"},
    {broken(good.find("DBB"), "XBB"), "no date of birth"},
    {broken(good.find("DCS"), "dCS"), "a data element ID is not 3"},
    {broken(1, "A"), "byte 2: the declared separators"},
  };
  for (const auto& [raw, fragment] : cases) {
    auto id = decode_licence_barcode(raw);
    ASSERT_FALSE(id) << fragment;
    EXPECT_EQ(error_code(id.error()), ec::malformed_device_data);
    EXPECT_NE(describe(id.error()).find(fragment), std::string::npos)
      << describe(id.error());
  }
  // The byte of a bad date of birth is where its element starts.
  auto at = good.find("DBB");
  auto bad = decode_licence_barcode(broken(at + 3, "13"));
  EXPECT_NE(describe(bad.error()).find("byte " + std::to_string(at + 1) + ":"),
            std::string::npos)
    << describe(bad.error());
}

// -- any device --------------------------------------------------------------------

TEST(DeviceData, FormatIsDetectedAndFieldsMaskTheNumber) {
  auto card = decode_device_data(track1 + "\n" + track2);
  ASSERT_TRUE(card) << describe(card.error());
  EXPECT_EQ(card->format, device_format::bank_card);
  auto fields = fields_of(*card);
  for (const auto& [name, value] : fields)
    EXPECT_EQ(value.find("4111111111111111"), std::string::npos) << name;
  EXPECT_EQ(fields[4].first, "card_number");
  EXPECT_EQ(fields[4].second, "411111******1111");
  auto stripe = decode_device_data(dl_track1 + "\n" + dl_track2);
  ASSERT_TRUE(stripe);
  EXPECT_EQ(stripe->format, device_format::licence_stripe);
  auto track2_only = detect_format(dl_track2);
  ASSERT_TRUE(track2_only);
  EXPECT_EQ(*track2_only, device_format::licence_stripe);
  auto barcode = decode_device_data(v10_payload());
  ASSERT_TRUE(barcode);
  EXPECT_EQ(barcode->format, device_format::licence_barcode);
  EXPECT_FALSE(detect_format("hello"));
  // A scanner may send a line break first: the format is found past it, and
  // the decoder reads past it too, counting bytes as given.
  auto after_break = decode_device_data("\r\n" + v10_payload());
  ASSERT_TRUE(after_break) << describe(after_break.error());
  EXPECT_EQ(after_break->id.family_name, barcode->id.family_name);
  auto bad = decode_device_data("\n" + v10_payload().replace(4, 5, "XNSI "));
  ASSERT_FALSE(bad);
  EXPECT_NE(describe(bad.error()).find("byte 6: expected the file type"),
            std::string::npos)
    << describe(bad.error());
  // Forced: a licence read as a bank card is refused, not guessed.
  EXPECT_FALSE(decode_device_data(dl_track1 + "\n" + dl_track2,
                                  device_format::bank_card));
}

TEST(DeviceData, EveryTruncationAndCorruptionIsAnErrorOrAReadingNeverACrash) {
  // Each prefix, and each byte replaced by each of a few values: the codecs
  // must answer every time (the fuzz targets try far more).
  std::vector<std::string> inputs = {
    with_lrc(track1, 1) + with_lrc(track2, 2), dl_track1 + "\n" + dl_track2 + "\n" + dl_track3,
    v10_payload(), encode_licence_barcode(sample_licence("BC", "CA"), "X1", 3)};
  size_t answers = 0;
  for (const auto& input : inputs) {
    for (size_t n = 0; n <= input.size(); ++n) {
      auto r = decode_device_data(input.substr(0, n));
      answers += r ? 1 : 0;
    }
    for (size_t i = 0; i < input.size(); ++i)
      for (char c : {'\0', '\n', '\r', '?', '^', '=', '@', '\x1e', '9', 'A',
                     '\xFF'}) {
        auto copy = input;
        copy[i] = c;
        auto r = decode_device_data(copy);
        if (r)
          ++answers;
        else
          EXPECT_EQ(error_code(r.error()), ec::malformed_device_data);
      }
  }
  EXPECT_GT(answers, 0u);
}

} // namespace
} // namespace retailsim::hw

// -- generators and faults ------------------------------------------------------

namespace retailsim::hw {
namespace {

draw_fn seeded(uint64_t seed) {
  auto engine = std::make_shared<std::mt19937_64>(seed);
  return [engine] { return (*engine)(); };
}

TEST(Generators, DocumentsDecodeToTheirHolder) {
  auto draw = seeded(7);
  std::set<int> versions;
  std::set<std::string> jurisdictions;
  std::set<char> brands;
  for (int i = 0; i < 300; ++i) {
    auto who = draw_holder(draw);
    auto card = decode_bank_card(draw_bank_card_swipe(who, draw));
    ASSERT_TRUE(card) << describe(card.error());
    EXPECT_TRUE(card->number_passes_luhn);
    EXPECT_EQ(card->family_name, title_case(who.family_name));
    brands.insert(card->masked_number[0]);
    auto stripe = decode_licence_stripe(draw_licence_swipe(who, draw));
    ASSERT_TRUE(stripe) << describe(stripe.error());
    EXPECT_EQ(stripe->date_of_birth, who.date_of_birth);
    EXPECT_EQ(stripe->state, who.state);
    auto barcode = decode_licence_barcode(draw_licence_barcode(who, draw));
    ASSERT_TRUE(barcode) << describe(barcode.error());
    EXPECT_EQ(barcode->date_of_birth, who.date_of_birth);
    EXPECT_EQ(barcode->family_name, title_case(who.family_name));
    EXPECT_EQ(barcode->first_name, title_case(who.first_name));
    EXPECT_EQ(barcode->street, title_case(who.street));
    versions.insert(barcode->aamva_version);
    jurisdictions.insert(barcode->state);
  }
  EXPECT_EQ(versions.size(), 10u);
  EXPECT_GE(jurisdictions.size(), 8u);
  EXPECT_EQ(brands, (std::set<char>{'3', '4', '5', '6'}));
}

TEST(Generators, TheSameSeedGivesTheSameBytes) {
  auto a = seeded(42), b = seeded(42);
  auto x = draw_holder(a), y = draw_holder(b);
  EXPECT_EQ(draw_licence_barcode(x, a), draw_licence_barcode(y, b));
  EXPECT_EQ(draw_bank_card_swipe(x, a), draw_bank_card_swipe(y, b));
}

TEST(Generators, EachDataFaultIsRefusedAsItsKind) {
  auto draw = seeded(3);
  struct expectation {
    input_channel channel;
    device_fault fault;
    const char* fragment;
  };
  std::vector<expectation> table = {
    {input_channel::card_swipe, device_fault::misread, "LRC check failed"},
    {input_channel::licence_swipe, device_fault::misread, "LRC check failed"},
    {input_channel::licence_scan, device_fault::misread, "byte "},
    {input_channel::card_swipe, device_fault::partial, "swipe again"},
    {input_channel::licence_swipe, device_fault::partial, ""},
    {input_channel::licence_scan, device_fault::partial, ""},
    {input_channel::card_swipe, device_fault::wrong_format, "format code"},
    {input_channel::licence_swipe, device_fault::wrong_format, "not two letters"},
    {input_channel::licence_scan, device_fault::wrong_format,
     "compliance indicator"},
  };
  for (const auto& t : table)
    for (int i = 0; i < 50; ++i) {
      auto who = draw_holder(draw);
      std::string raw;
      switch (t.channel) {
        case input_channel::card_swipe: raw = draw_bank_card_swipe(who, draw); break;
        case input_channel::licence_swipe: raw = draw_licence_swipe(who, draw); break;
        default: raw = draw_licence_barcode(who, draw);
      }
      auto bad = apply_fault(raw, t.channel, t.fault, draw);
      auto format = t.channel == input_channel::card_swipe
                      ? device_format::bank_card
                      : t.channel == input_channel::licence_swipe
                          ? device_format::licence_stripe
                          : device_format::licence_barcode;
      auto r = decode_device_data(bad, format);
      ASSERT_FALSE(r) << to_string(t.channel) << " " << to_string(t.fault)
                      << ": " << test::escaped(bad);
      EXPECT_NE(describe(r.error()).find(t.fragment), std::string::npos)
        << to_string(t.fault) << ": " << describe(r.error());
    }
}

} // namespace
} // namespace retailsim::hw
