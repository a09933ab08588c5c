// What a file's bytes are: UTF-8 text, else where its first bad byte is (the line and the
// column the command-line reader gives, in the words of the server's importers), or a zip
// or a spreadsheet where a users file was expected.

import { files } from "./contract.js";

// Where the UTF-8 sequence starting at bytes[i] ends, or -1 if it is not one (Unicode's
// table 3-7: no overlong form, no surrogate, nothing above U+10FFFF), as Python decides.
function sequenceEnd(bytes, i) {
  const lead = bytes[i];
  if (lead < 0x80) return i + 1;
  let length = 2;
  let [low, high] = [0x80, 0xbf];
  if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else if (lead < 0xc2 || lead > 0xdf) return -1;
  for (let k = 1; k < length; k += 1) {
    const next = bytes[i + k];
    if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf))
      return -1;
  }
  return i + length;
}

/** The offset of the first byte that is not UTF-8, or -1 when every byte is. */
export function firstBadByte(bytes) {
  for (let i = 0; i < bytes.length; ) {
    const end = sequenceEnd(bytes, i);
    if (end < 0) return i;
    i = end;
  }
  return -1;
}

/** Why bytes that are not UTF-8 cannot be read: "line L: byte 0x.. at column C is not …". */
export function notUtf8(bytes) {
  const offset = firstBadByte(bytes);
  if (offset < 0) return "The file is not UTF-8 text.";
  // The good text before it, a byte-order mark left out; lines end as the reader's do.
  const before = new TextDecoder("utf-8").decode(bytes.subarray(0, offset));
  const lines = before.split(/\r\n|\r|\n/);
  const column = [...lines[lines.length - 1]].length + 1; // characters, as Python counts
  const hex = bytes[offset].toString(16).padStart(2, "0");
  return `line ${lines.length}: byte 0x${hex} at column ${column} is not UTF-8 (${files.LATIN1_GUESS}); ${files.SAVE_AS_UTF8}`;
}

/** "xlsx", "xls", "ods" or "zip" for a file starting with these bytes, else null (files.kind_of). */
export function kindOf(bytes) {
  const text = String.fromCharCode(...bytes.subarray(0, files.HEAD_BYTES));
  if (text.startsWith(files.XLS_MAGIC)) return "xls";
  if (!text.startsWith(files.ZIP_MAGIC)) return null;
  if (text.includes(files.ODS_MARK)) return "ods";
  return files.XLSX_MARKS.some((mark) => text.includes(mark)) ? "xlsx" : "zip";
}

/** What to do with a spreadsheet of this kind (files.spreadsheet). */
export const spreadsheet = (kind) =>
  `the file is ${files.SPREADSHEETS[kind]}, not CSV text: ${files.EXPORT_AS_CSV}`;
