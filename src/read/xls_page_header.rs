//! The page header and footer texts of each .xls worksheet, which calamine does not report:
//! the HEADER and FOOTER records of its BIFF8 substream, as the xlsx `<headerFooter>` holds them.

use super::page_header::printed_lines;
use super::xls_lines::{biff_chars, substream, u16_at, worksheets};

/// BIFF8 record types read here.
const HEADER: u16 = 0x0014;
const FOOTER: u16 = 0x0015;

/// Each worksheet's page header and footer lines (see `page_header`), by sheet name in
/// workbook order, from the workbook stream `bytes`; a sheet printing none is left out.
pub(crate) fn read(bytes: &[u8]) -> Vec<(String, Vec<String>)> {
    (worksheets(bytes).into_iter())
        .map(|(name, start)| (name, texts(bytes, start)))
        .filter(|(_, lines)| !lines.is_empty())
        .collect()
}

/// The lines the header and footer of the substream starting at `start` print.
fn texts(bytes: &[u8], start: usize) -> Vec<String> {
    let stored: Vec<String> = substream(bytes, start)
        .filter(|(kind, _)| matches!(*kind, HEADER | FOOTER))
        .filter_map(|(_, data)| unicode_string(data))
        .collect();
    printed_lines(stored.iter().map(String::as_str))
}

/// An XLUnicodeString: a count of characters, a flag (bit 0: two bytes a character), the
/// characters; none for an empty record (no header) or one cut short.
fn unicode_string(data: &[u8]) -> Option<String> {
    let count = usize::from(u16_at(data, 0)?);
    let wide = data.get(2)? & 1 == 1;
    biff_chars(data.get(3..)?, count, wide)
}

#[cfg(test)]
mod tests {
    use super::super::xls_lines::record;
    use super::*;

    fn wide(text: &str) -> Vec<u8> {
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut data = (units.len() as u16).to_le_bytes().to_vec();
        data.push(1);
        data.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        data
    }

    /// Globals naming one worksheet, then its substream with `records`.
    fn workbook(records: &[Vec<u8>]) -> Vec<u8> {
        let name = wide("Sheet1");
        let mut sheet = vec![0u8; 4];
        sheet.extend([0, 0]);
        sheet.extend([name[0], 1]);
        sheet.extend(&name[3..]);
        let globals_len = 8 + (4 + sheet.len()) + 4;
        sheet[..4].copy_from_slice(&(globals_len as u32).to_le_bytes());
        let mut out = record(0x0809, &[0; 4]);
        out.extend(record(0x0085, &sheet));
        out.extend(record(0x000A, &[]));
        out.extend(record(0x0809, &[0; 4]));
        out.extend(records.concat());
        out.extend(record(0x000A, &[]));
        out
    }

    #[test]
    fn header_and_footer_lines_are_read_without_their_codes() {
        let got = read(&workbook(&[
            record(
                HEADER,
                &wide("&C&\"宋体,加粗\"2023年一般公共预算支出情况表"),
            ),
            record(FOOTER, &wide("&C第 &P 页")),
        ]));
        assert_eq!(
            got,
            vec![(
                "Sheet1".to_string(),
                vec![
                    "2023年一般公共预算支出情况表".to_string(),
                    "第  页".to_string()
                ]
            )]
        );
    }

    #[test]
    fn an_empty_or_cut_header_prints_nothing() {
        assert!(read(&workbook(&[record(HEADER, &[])])).is_empty());
        let cut = &wide("2023年部门收支总体情况表")[..9];
        assert!(read(&workbook(&[record(HEADER, cut)])).is_empty());
    }
}
