//! The number format of each number cell of an .xls worksheet, which calamine does not report
//! (it keeps only whether a format is a date): read from the BIFF8 workbook stream (FORMAT and
//! XF records in the globals, the XF index of each NUMBER, RK, MULRK and FORMULA record), so
//! that a number is read as the cell shows it, as in an .xlsx.

use std::collections::HashMap;

use super::xls_lines::{globals, substream, u16_at, worksheets};

/// BIFF8 record types read here.
const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const NUMBER: u16 = 0x0203;
const RK: u16 = 0x027E;
const MULRK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;

/// A worksheet's number cells (row, column) → XF index.
pub(crate) type NumberCells = HashMap<(u32, u16), usize>;

/// The number formats of a workbook: each XF's format code, and each worksheet's number cells
/// with their XF index.
#[derive(Debug, Default)]
pub(crate) struct XlsFormats {
    /// The format code of each XF, by XF index (`None`: General or unknown).
    pub codes: Vec<Option<String>>,
    /// Each worksheet's number cells, by name in workbook order.
    pub sheets: Vec<(String, NumberCells)>,
}

/// The number formats of the workbook stream `bytes` (see [`super::xls_lines::stream`]).
pub(crate) fn read(bytes: &[u8]) -> XlsFormats {
    let mut custom = HashMap::new();
    let mut xf_formats = Vec::new();
    for (kind, data) in globals(bytes) {
        match kind {
            FORMAT => {
                if let (Some(ifmt), Some(code)) = (u16_at(data, 0), data.get(2..).and_then(text)) {
                    custom.insert(ifmt, code);
                }
            }
            XF => xf_formats.push(u16_at(data, 2)),
            _ => {}
        }
    }
    let codes = (xf_formats.into_iter())
        .map(|ifmt| {
            let ifmt = ifmt?;
            (custom.get(&ifmt).cloned()).or_else(|| builtin(ifmt).map(str::to_owned))
        })
        .collect();
    let sheets = (worksheets(bytes).into_iter())
        .map(|(name, start)| (name, number_cells(bytes, start)))
        .collect();
    XlsFormats { codes, sheets }
}

/// The number cells of the substream starting at `start`, each with its XF index.
fn number_cells(bytes: &[u8], start: usize) -> NumberCells {
    let mut cells = HashMap::new();
    for (kind, data) in substream(bytes, start) {
        let at = |data: &[u8]| Some((u32::from(u16_at(data, 0)?), u16_at(data, 2)?));
        match kind {
            NUMBER | RK | FORMULA => {
                if let (Some(rc), Some(xf)) = (at(data), u16_at(data, 4)) {
                    cells.insert(rc, usize::from(xf));
                }
            }
            MULRK => {
                // row, first column, then (XF, RK value) six bytes each, then the last column.
                let (Some((row, first)), Some(body)) = (at(data), data.get(4..)) else {
                    continue;
                };
                let body = &body[..body.len().saturating_sub(2)];
                for (col, rk) in (first..).zip(body.chunks_exact(6)) {
                    if let Some(xf) = u16_at(rk, 0) {
                        cells.insert((row, col), usize::from(xf));
                    }
                }
            }
            _ => {}
        }
    }
    cells
}

/// An XLUnicodeString: a count of characters (two bytes), a flag (bit 0: two bytes a
/// character), the characters.
fn text(data: &[u8]) -> Option<String> {
    let count = usize::from(u16_at(data, 0)?);
    let chars = data.get(3..)?;
    if data.get(2)? & 1 == 1 {
        let units: Vec<u16> = (0..count)
            .map(|i| u16_at(chars, 2 * i))
            .collect::<Option<_>>()?;
        return Some(String::from_utf16_lossy(&units));
    }
    Some(chars.get(..count)?.iter().map(|&b| char::from(b)).collect())
}

/// The built-in number formats that show a number's decimals or a percentage (the others are
/// General, dates, times, text or scientific, shown as stored).
fn builtin(ifmt: u16) -> Option<&'static str> {
    Some(match ifmt {
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        5 | 6 => "#,##0;-#,##0",
        7 | 8 => "#,##0.00;-#,##0.00",
        9 => "0%",
        10 => "0.00%",
        37 | 38 => "#,##0;(#,##0)",
        39 | 40 => "#,##0.00;(#,##0.00)",
        41 | 42 => "#,##0",
        43 | 44 => "#,##0.00",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::xls_lines::record;
    use super::*;

    fn cell(kind: u16, row: u16, col: u16, xf: u16) -> Vec<u8> {
        let mut data = [row, col, xf].map(u16::to_le_bytes).concat();
        data.extend([0; 8]);
        record(kind, &data)
    }

    /// Globals with a custom format (164, wide characters) and three XFs, one worksheet.
    fn workbook() -> Vec<u8> {
        let format: Vec<u8> = {
            let code: Vec<u16> = "0.00\"万元\"".encode_utf16().collect();
            let mut d = 164u16.to_le_bytes().to_vec();
            d.extend((code.len() as u16).to_le_bytes());
            d.push(1);
            d.extend(code.iter().flat_map(|u| u.to_le_bytes()));
            record(FORMAT, &d)
        };
        let xf = |ifmt: u16| record(XF, &[[0, 0], ifmt.to_le_bytes(), [0, 0]].concat());
        let sheet = |start: u32| {
            let mut d = start.to_le_bytes().to_vec();
            d.extend([0, 0, 2, 0]);
            d.extend(b"S1");
            record(0x0085, &d)
        };
        let head = [record(0x0809, &[0; 4]), format, xf(0), xf(4), xf(164)].concat();
        let start = (head.len() + sheet(0).len() + 4) as u32;
        let mut out = [head, sheet(start), record(0x000A, &[])].concat();
        out.extend(record(0x0809, &[0; 4]));
        out.extend(cell(NUMBER, 4, 1, 1));
        out.extend(cell(FORMULA, 5, 2, 2));
        let mut mulrk = [3u16, 1].map(u16::to_le_bytes).concat();
        for xf in [1u16, 0] {
            mulrk.extend(xf.to_le_bytes());
            mulrk.extend([0; 4]);
        }
        mulrk.extend(2u16.to_le_bytes());
        out.extend(record(MULRK, &mulrk));
        out.extend(record(0x000A, &[]));
        out
    }

    #[test]
    fn each_number_cell_with_its_format_code() {
        let got = read(&workbook());
        assert_eq!(
            got.codes,
            vec![None, Some("#,##0.00".into()), Some("0.00\"万元\"".into())]
        );
        assert_eq!(got.sheets.len(), 1);
        let (name, cells) = &got.sheets[0];
        assert_eq!(name, "S1");
        let want = HashMap::from([((4, 1), 1), ((5, 2), 2), ((3, 1), 1), ((3, 2), 0)]);
        assert_eq!(cells, &want);
    }

    #[test]
    fn a_cut_or_garbled_stream_never_panics() {
        let whole = workbook();
        for end in 0..whole.len() {
            let _ = read(&whole[..end]);
        }
        let garbled: Vec<u8> = (whole.iter().enumerate())
            .map(|(i, b)| b.wrapping_mul(29).wrapping_add(i as u8))
            .collect();
        let _ = read(&garbled);
    }
}
