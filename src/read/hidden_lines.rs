//! Rows and columns a worksheet hides (`<row r="12" hidden="1">`, `<col min="3" max="4"
//! hidden="1"/>`), found while the zip guard scans the part: calamine reads their cells like any
//! other, and a figure nobody sees on the printed table is to be said.

use super::xml_scan::Element;

/// The rows (0-based) and column ranges (0-based, inclusive) a sheet hides.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct HiddenLines {
    pub rows: Vec<u32>,
    pub cols: Vec<(u16, u16)>,
}

impl HiddenLines {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.cols.is_empty()
    }

    /// Whether cell (`row`, `col`) is in a hidden row or column.
    pub fn hides(&self, row: u32, col: u16) -> bool {
        self.rows.binary_search(&row).is_ok()
            || self
                .cols
                .iter()
                .any(|&(first, last)| first <= col && col <= last)
    }

    /// Takes note of a `<row>` or `<col>` element of the part being scanned.
    pub(crate) fn visit(&mut self, element: &Element) {
        let attr = |name: &[u8]| {
            (element.attrs.iter())
                .find(|(k, _)| *k == name)
                .map(|(_, v)| *v)
        };
        if !matches!(element.name, b"row" | b"col")
            || !matches!(attr(b"hidden"), Some(b"1" | b"true"))
        {
            return;
        }
        // 1-based numbers as the part writes them, 0-based here.
        let index = |v: Option<&[u8]>| -> Option<u32> {
            let n: u32 = std::str::from_utf8(v?).ok()?.parse().ok()?;
            n.checked_sub(1)
        };
        match (element.name, element.parent) {
            (b"row", Some(b"sheetData")) => {
                if let Some(r) = index(attr(b"r")) {
                    self.rows.push(r);
                }
            }
            (b"col", Some(b"cols")) => {
                let first = index(attr(b"min")).and_then(|c| u16::try_from(c).ok());
                let last = index(attr(b"max")).map(|c| u16::try_from(c).unwrap_or(u16::MAX));
                if let (Some(first), Some(last)) = (first, last) {
                    self.cols.extend((first <= last).then_some((first, last)));
                }
            }
            _ => {}
        }
    }

    /// The lines gathered, rows in order.
    pub(crate) fn finish(mut self) -> HiddenLines {
        self.rows.sort_unstable();
        self.rows.dedup();
        self
    }
}
