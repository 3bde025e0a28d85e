#pragma once

// The PDF417 barcode of a driver licence or ID card, as a 2D scanner
// delivers its payload (AAMVA DL/ID Card Design Standard, Annex D; versions
// 1 = DL/ID-2000 to 10 = 2020).
//
// | part               | bytes   | standard                         | also read (jurisdiction quirks)         |
// |--------------------|---------|----------------------------------|-----------------------------------------|
// | compliance         | 1       | '@'                              |                                          |
// | data element sep.  | 1       | LF (declared: whatever is here)  |                                          |
// | record separator   | 1       | RS 0x1E                          | missing; FS 0x1C or GS 0x1D instead       |
// | segment terminator | 1       | CR (declared)                    |                                          |
// | file type          | 5       | "ANSI "                          | "AAMVA" (DL/ID-2000 era cards)           |
// | IIN                | 6       | digits (636014: California)      |                                          |
// | AAMVA version      | 2       | 01-10                            | above 10 read as 10                      |
// | jurisdiction ver.  | 2       | from version 02 on               |                                          |
// | entries            | 2       | number of subfile designators    |                                          |
// | designator         | 10 each | type(2) offset(4) length(4)      | wrong offset: the type searched for      |
// | subfile            |         | type, elements ID(3)+value, sep. | first element after LF; LF-terminated     |
// | after the last     |         | nothing                          | padding: spaces, NULs, CR/LF              |
//
// Elements read, by version:
//
// | field        | v1            | v2, v3             | v4-v10 |
// |--------------|---------------|--------------------|--------|
// | family name  | DAB or DAA    | DCS                | DCS    |
// | first name   | DAC or DAA    | DCT (first word)   | DAC    |
// | middle name  | DAD or DAA    | DCT (the rest)     | DAD    |
// | dates (DBB)  | CCYYMMDD      | MMDDCCYY in the US, CCYYMMDD in Canada (DCG) | same |
// | street, city, state, postal code | DAG (+DAH), DAI, DAJ, DAK | same | same |
//
// The licence number (DAQ) and the other elements are not kept.

#include <string>
#include <string_view>

#include "caf/expected.hpp"

#include "hardware-sim/magstripe.hpp"

namespace retailsim::hw {

/// Decodes a barcode payload (after any line breaks a scanner sends first);
/// errors name the byte of `raw` (from 1).
caf::expected<licence> decode_licence_barcode(std::string_view raw);

/// How a jurisdiction's barcode departs from the standard (for generators
/// and tests).
struct barcode_quirks {
  bool no_record_separator = false;
  bool aamva_file_type = false;
  /// Added to the DL subfile's declared offset.
  int offset_error = 0;
  /// LF instead of CR after the last element.
  bool lf_terminated = false;
  /// Spaces and NULs after the payload.
  size_t trailing_padding = 0;
};

/// The payload of `x` in AAMVA `version` (1 to 10), with a jurisdiction
/// subfile "Z?" after the DL subfile.
std::string encode_licence_barcode(const licence& x, std::string_view id_number,
                                   int version, const barcode_quirks& quirks
                                                = {});

} // namespace retailsim::hw
