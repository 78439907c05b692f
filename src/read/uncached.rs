//! Cells holding a formula but no computed result (`<c r="B31"><f>SUM(B5:B12)</f></c>`, as
//! files written by programs often are), found while the zip guard scans a worksheet part:
//! calamine reads them as empty, and the audit says why.

use super::xml_scan::Element;
use crate::cellref::parse_a1;

/// Gathers one part's cells holding a formula and no value, from the scan's elements.
/// The longest cell reference a sheet writes (`XFD1048576`), with room to spare.
const MAX_REF: usize = 16;

/// The cell being read.
struct CellSeen {
    /// Its `r` attribute as written (empty when written without one), read only for a cell
    /// found: most cells hold no formula.
    at: [u8; MAX_REF],
    at_len: usize,
    /// Its result is text (`t="str"`): an empty value is an empty text, a result.
    text: bool,
    formula: bool,
    value: bool,
}

#[derive(Default)]
pub(crate) struct UncachedCollector {
    cell: Option<CellSeen>,
    found: Vec<(u32, u16)>,
}

impl UncachedCollector {
    pub(crate) fn visit(&mut self, element: &Element) {
        match (element.name, element.parent) {
            (b"c", _) => {
                self.close();
                let attr = |name: &[u8]| {
                    element
                        .attrs
                        .iter()
                        .find(|(k, _)| *k == name)
                        .map(|(_, v)| *v)
                };
                let r = attr(b"r")
                    .filter(|r| r.len() <= MAX_REF)
                    .unwrap_or_default();
                let mut at = [0; MAX_REF];
                at[..r.len()].copy_from_slice(r);
                self.cell = Some(CellSeen {
                    at,
                    at_len: r.len(),
                    text: attr(b"t") == Some(b"str"),
                    formula: false,
                    value: false,
                });
            }
            (b"f", Some(b"c")) => {
                if let Some(cell) = self.cell.as_mut() {
                    cell.formula = true;
                }
            }
            // `<v/>` (as openpyxl writes a formula it did not compute) holds no number.
            (b"v" | b"is", Some(b"c")) => {
                if let Some(cell) = self.cell.as_mut() {
                    cell.value |= !element.empty || cell.text;
                }
            }
            (b"row", _) => self.close(),
            _ => {}
        }
    }

    fn close(&mut self) {
        let Some(cell) = self.cell.take().filter(|c| c.formula && !c.value) else {
            return;
        };
        let at = std::str::from_utf8(&cell.at[..cell.at_len])
            .ok()
            .and_then(parse_a1);
        if let Some(at) = at {
            self.found.push(at);
        }
    }

    /// The cells, zero-based (row, column), in document order.
    pub(crate) fn finish(mut self) -> Vec<(u32, u16)> {
        self.close();
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::super::xml_scan::sound_with;
    use super::*;

    fn uncached(sheet_data: &str) -> Vec<(u32, u16)> {
        let xml = format!("<worksheet><sheetData>{sheet_data}</sheetData></worksheet>");
        let mut collector = UncachedCollector::default();
        assert!(sound_with(xml.as_bytes(), |e| collector.visit(e)));
        collector.finish()
    }

    #[test]
    fn a_formula_without_a_value_is_found_and_one_with_a_value_is_not() {
        assert_eq!(
            uncached(
                r#"<row r="31"><c r="A31" t="s"><v>3</v></c><c r="B31"><f>SUM(B5:B12)</f></c><c r="C31"><f>SUM(C5:C12)</f><v>12.5</v></c></row><row r="32"><c r="B32"><f t="shared" si="0"/></c></row><row r="33"><c r="B33"><f>B31</f><v/></c><c r="C33"><f>C31</f><v></v></c><c r="D33" t="str"><f>IF(D1=0,"",D1)</f><v></v></c></row>"#
            ),
            vec![(30, 1), (31, 1), (32, 1), (32, 2)]
        );
        assert_eq!(
            uncached(
                r#"<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="B1"><v>1</v></c></row>"#
            ),
            vec![]
        );
    }
}
