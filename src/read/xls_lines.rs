//! Rows and columns an .xls worksheet hides, which calamine does not report: read from the
//! BIFF8 `Workbook` stream of the compound file (a ROW record with fDyZero, a COLINFO record
//! with fHidden), so that last year's hidden copies are told apart as in an .xlsx.

use std::io::Read;
use std::path::Path;

use super::hidden_lines::HiddenLines;

/// BIFF8 record types read here.
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUNDSHEET: u16 = 0x0085;
const ROW: u16 = 0x0208;
const COLINFO: u16 = 0x007D;

/// ROW's option flags (at byte 12): the row's height is zero, it is hidden.
const ROW_HIDDEN: u16 = 0x0020;
/// COLINFO's option flags (at byte 8): the columns are hidden.
const COL_HIDDEN: u16 = 0x0001;

/// A bound on the stream read: a workbook of forms is a few megabytes.
const MAX_STREAM: u64 = 256 * 1024 * 1024;

/// Each worksheet's hidden rows and columns, by sheet name in workbook order, from the
/// workbook stream `bytes` (see [`stream`]).
pub(crate) fn read(bytes: &[u8]) -> Vec<(String, HiddenLines)> {
    sheets(bytes)
}

/// The bytes of the workbook stream (`Workbook`, or `Book` in older files); `None` when the
/// file cannot be read so (the cells are read as before, nothing is said).
pub(crate) fn stream(path: &Path) -> Option<Vec<u8>> {
    let mut file = cfb::open(path).ok()?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))?;
    let mut bytes = Vec::new();
    (file.open_stream(name).ok()?)
        .take(MAX_STREAM)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

/// One record: its type and its data.
pub(super) fn records(bytes: &[u8], from: usize) -> impl Iterator<Item = (u16, &[u8])> + '_ {
    let mut at = from;
    std::iter::from_fn(move || {
        let head = bytes.get(at..at.checked_add(4)?)?;
        let kind = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let data = bytes.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((kind, data))
    })
}

pub(super) fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*data.get(at)?, *data.get(at + 1)?]))
}

/// The records of the workbook globals, up to their EOF.
pub(super) fn globals(bytes: &[u8]) -> impl Iterator<Item = (u16, &[u8])> + '_ {
    records(bytes, 0).take_while(|(kind, _)| *kind != EOF)
}

/// The worksheets the globals name (BOUNDSHEET: where its substream starts, its kind, its
/// name), each with where its substream starts.
pub(super) fn worksheets(bytes: &[u8]) -> Vec<(String, usize)> {
    globals(bytes)
        .filter(|(kind, _)| *kind == BOUNDSHEET)
        .filter_map(|(_, data)| {
            let start = u32::from_le_bytes(data.get(..4)?.try_into().ok()?) as usize;
            // The sheet's kind (byte 5): 0 a worksheet; charts and macro sheets are not read.
            (*data.get(5)? == 0).then_some(())?;
            Some((sheet_name(data.get(6..)?)?, start))
        })
        .collect()
}

/// The records of the worksheet substream starting at `start` (its BOF), up to its EOF;
/// none when no BOF stands there.
pub(super) fn substream(bytes: &[u8], start: usize) -> impl Iterator<Item = (u16, &[u8])> + '_ {
    let mut all = records(bytes, start);
    let opens = matches!(all.next(), Some((BOF, _)));
    all.take_while(move |(kind, _)| opens && *kind != EOF)
}

/// The worksheets the globals name, each with the lines its substream hides.
fn sheets(bytes: &[u8]) -> Vec<(String, HiddenLines)> {
    (worksheets(bytes).into_iter())
        .map(|(name, start)| (name, lines(bytes, start)))
        .collect()
}

/// A ShortXLUnicodeString: a count of characters, a flag (bit 0: two bytes a character),
/// the characters.
fn sheet_name(data: &[u8]) -> Option<String> {
    let count = usize::from(*data.first()?);
    let wide = data.get(1)? & 1 == 1;
    biff_chars(data.get(2..)?, count, wide)
}

/// `count` characters of a BIFF8 string from `chars`: two bytes each when `wide`, else one
/// (the low byte); none when they are cut short.
pub(super) fn biff_chars(chars: &[u8], count: usize, wide: bool) -> Option<String> {
    if wide {
        let units: Vec<u16> = (0..count)
            .map(|i| u16_at(chars, 2 * i))
            .collect::<Option<_>>()?;
        return Some(String::from_utf16_lossy(&units));
    }
    Some(chars.get(..count)?.iter().map(|&b| char::from(b)).collect())
}

/// The rows and columns the substream starting at `start` (its BOF) hides.
fn lines(bytes: &[u8], start: usize) -> HiddenLines {
    let mut lines = HiddenLines::default();
    for (kind, data) in substream(bytes, start) {
        match kind {
            ROW if u16_at(data, 12).is_some_and(|f| f & ROW_HIDDEN != 0) => {
                lines.rows.extend(u16_at(data, 0).map(u32::from));
            }
            COLINFO if u16_at(data, 8).is_some_and(|f| f & COL_HIDDEN != 0) => {
                if let (Some(first), Some(last)) = (u16_at(data, 0), u16_at(data, 2)) {
                    lines.cols.extend((first <= last).then_some((first, last)));
                }
            }
            _ => {}
        }
    }
    lines.finish()
}

/// One BIFF record's bytes (its type, its length, its data), to build .xls streams in tests.
#[cfg(test)]
pub(super) fn record(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_le_bytes().to_vec();
    out.extend((data.len() as u16).to_le_bytes());
    out.extend(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boundsheet(start: u32, kind: u8, name: &str) -> Vec<u8> {
        let units: Vec<u16> = name.encode_utf16().collect();
        let mut data = start.to_le_bytes().to_vec();
        data.extend([0, kind, units.len() as u8, 1]);
        data.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        record(BOUNDSHEET, &data)
    }

    fn row(r: u16, flags: u16) -> Vec<u8> {
        let mut data = vec![0u8; 16];
        data[..2].copy_from_slice(&r.to_le_bytes());
        data[12..14].copy_from_slice(&flags.to_le_bytes());
        record(ROW, &data)
    }

    fn colinfo(first: u16, last: u16, flags: u16) -> Vec<u8> {
        let mut data = vec![0u8; 12];
        data[..2].copy_from_slice(&first.to_le_bytes());
        data[2..4].copy_from_slice(&last.to_le_bytes());
        data[8..10].copy_from_slice(&flags.to_le_bytes());
        record(COLINFO, &data)
    }

    /// Globals naming a chart and a worksheet, then the worksheet's substream.
    fn workbook() -> Vec<u8> {
        let named = |start: u32| {
            [
                boundsheet(start, 2, "图表"),
                boundsheet(start, 0, "公开01表"),
            ]
        };
        // BOF (4 + 4 bytes), the two BOUNDSHEETs, EOF (4 bytes).
        let start = (8 + named(0).concat().len() + 4) as u32;
        let mut out = record(BOF, &[0; 4]);
        out.extend(named(start).concat());
        out.extend(record(EOF, &[]));
        out.extend(record(BOF, &[0; 4]));
        out.extend(colinfo(2, 3, COL_HIDDEN));
        out.extend(colinfo(4, 4, 0));
        out.extend(row(9, ROW_HIDDEN | 0x0100));
        out.extend(row(7, 0x0100));
        out.extend(row(5, ROW_HIDDEN));
        out.extend(record(EOF, &[]));
        out
    }

    #[test]
    fn hidden_rows_and_columns_of_each_worksheet() {
        let got = sheets(&workbook());
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "公开01表");
        assert_eq!(got[0].1.rows, vec![5, 9]);
        assert_eq!(got[0].1.cols, vec![(2, 3)]);
    }

    #[test]
    fn a_cut_or_garbled_stream_gives_what_it_holds_and_never_panics() {
        let whole = workbook();
        for end in 0..whole.len() {
            let _ = sheets(&whole[..end]);
        }
        let mut garbled = whole.clone();
        for (i, b) in garbled.iter_mut().enumerate().skip(4) {
            *b = b.wrapping_mul(31).wrapping_add(i as u8);
        }
        let _ = sheets(&garbled);
        assert!(stream(Path::new("/nonexistent.xls")).is_none());
    }
}
