//! Facts the zip guard's scan of an xlsx gathers on the way: each worksheet part's merged
//! ranges, and which part holds which sheet (xl/workbook.xml and its relationships), so that
//! calamine need not parse every sheet a second time to find its merges.

use super::xml_scan::Attrs;
use calamine::Dimensions;
use std::collections::HashMap;

const WORKBOOK: &str = "xl/workbook.xml";
const WORKBOOK_RELS: &str = "xl/_rels/workbook.xml.rels";

/// What a part is to the facts gathered.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartRole {
    Workbook,
    WorkbookRels,
    Worksheet,
    Other,
}

impl PartRole {
    pub(crate) fn of(name: &str) -> PartRole {
        match name {
            WORKBOOK => PartRole::Workbook,
            WORKBOOK_RELS => PartRole::WorkbookRels,
            n if n.starts_with("xl/worksheets/") && n.ends_with(".xml") => PartRole::Worksheet,
            _ => PartRole::Other,
        }
    }
}

#[derive(Default)]
pub(crate) struct PartFacts {
    /// Sheets as xl/workbook.xml lists them: the name as written (escaped) and relationship id.
    sheets: Vec<(String, String)>,
    /// Relationship id → target, from xl/_rels/workbook.xml.rels.
    targets: HashMap<String, String>,
    /// Worksheet part → its merged ranges; only parts scanned whole and understood.
    merges: HashMap<String, Vec<Dimensions>>,
    /// The merges of the part being scanned; `None` once one could not be read.
    current: Option<Vec<Dimensions>>,
}

impl PartFacts {
    /// A part's scan begins.
    pub(crate) fn begin(&mut self) {
        self.current = Some(Vec::new());
    }

    /// An element of part `role`.
    pub(crate) fn element(&mut self, role: PartRole, name: &[u8], attrs: &Attrs) {
        let attr = |key: &[u8]| attrs.iter().find(|(k, _)| local(k) == key).map(|(_, v)| *v);
        let text = |v: Option<&[u8]>| {
            v.and_then(|v| std::str::from_utf8(v).ok())
                .map(str::to_owned)
        };
        match (role, local(name)) {
            (PartRole::Workbook, b"sheet") => {
                if let (Some(n), Some(id)) = (text(attr(b"name")), text(attr(b"id"))) {
                    self.sheets.push((n, id));
                }
            }
            (PartRole::WorkbookRels, b"Relationship") => {
                if let (Some(id), Some(target)) = (text(attr(b"Id")), text(attr(b"Target"))) {
                    self.targets.insert(id, target);
                }
            }
            (PartRole::Worksheet, b"mergeCell") => {
                let range = attrs
                    .iter()
                    .find(|(k, _)| *k == b"ref")
                    .and_then(|(_, v)| dimensions(v));
                match (range, self.current.as_mut()) {
                    (Some(r), Some(list)) => list.push(r),
                    _ => self.current = None,
                }
            }
            _ => {}
        }
    }

    /// The scan of worksheet part `part` ended; `whole` when it was read to its end soundly.
    pub(crate) fn end_worksheet(&mut self, part: &str, whole: bool) {
        match self.current.take() {
            Some(list) if whole => {
                self.merges.insert(part.to_string(), list);
            }
            _ => {
                self.merges.remove(part);
            }
        }
    }

    /// The merged ranges of sheet `name`, when the scan knows its part for sure.
    pub(crate) fn merges_of(&self, name: &str) -> Option<&[Dimensions]> {
        // A name with an entity would need unescaping to compare; calamine reads those.
        if self.sheets.iter().any(|(n, _)| n.contains('&')) {
            return None;
        }
        let mut same = self.sheets.iter().filter(|(n, _)| n == name);
        let (_, id) = same.next()?;
        if same.next().is_some() {
            return None;
        }
        let target = self.targets.get(id)?;
        // As calamine resolves it: absolute from the root, else relative to xl/.
        let part = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("xl/{target}"),
        };
        self.merges.get(&part).map(Vec::as_slice)
    }
}

/// A name without its namespace prefix.
fn local(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// `A1:C3` (or `B2`) as 0-based dimensions, as calamine reads a merged range.
fn dimensions(range: &[u8]) -> Option<Dimensions> {
    let text = std::str::from_utf8(range).ok()?;
    let (first, last) = text.split_once(':').unwrap_or((text, text));
    Some(Dimensions {
        start: position(first)?,
        end: position(last)?,
    })
}

/// `C3` as (row, column), both from 0.
fn position(a1: &str) -> Option<(u32, u32)> {
    let digits = a1.find(|c: char| c.is_ascii_digit())?;
    let (letters, number) = a1.split_at(digits);
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A') + 1);
    let row: u32 = number.parse().ok()?;
    (row >= 1 && number.bytes().all(|b| b.is_ascii_digit())).then(|| (row - 1, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> PartFacts {
        let mut f = PartFacts::default();
        let sheet = |n: &str, id: &str| (n.as_bytes().to_vec(), id.as_bytes().to_vec());
        for (n, id) in [sheet("公开01表", "rId1"), sheet("续表", "rId2")] {
            f.element(
                PartRole::Workbook,
                b"sheet",
                &[(b"name", &n[..]), (b"sheetId", b"1"), (b"r:id", &id[..])],
            );
        }
        for (id, target) in [
            ("rId1", "worksheets/sheet1.xml"),
            ("rId2", "/xl/worksheets/s2.xml"),
        ] {
            f.element(
                PartRole::WorkbookRels,
                b"Relationship",
                &[(b"Id", id.as_bytes()), (b"Target", target.as_bytes())],
            );
        }
        f
    }

    #[test]
    fn a_sheets_merges_are_found_through_its_relationship() {
        let mut f = facts();
        f.begin();
        f.element(PartRole::Worksheet, b"mergeCell", &[(b"ref", b"A1:C2")]);
        f.element(PartRole::Worksheet, b"mergeCell", &[(b"ref", b"AB10")]);
        f.end_worksheet("xl/worksheets/sheet1.xml", true);
        f.begin();
        f.end_worksheet("xl/worksheets/s2.xml", true);
        let one = f.merges_of("公开01表").unwrap();
        assert_eq!((one[0].start, one[0].end), ((0, 0), (1, 2)));
        assert_eq!((one[1].start, one[1].end), ((9, 27), (9, 27)));
        assert_eq!(f.merges_of("续表").map(<[_]>::len), Some(0));
        assert!(f.merges_of("其他").is_none());
    }

    #[test]
    fn what_the_scan_is_unsure_of_is_left_to_calamine() {
        let mut f = facts();
        // A range it cannot read, and a part not scanned whole.
        f.begin();
        f.element(PartRole::Worksheet, b"mergeCell", &[(b"ref", b"A0:B2")]);
        f.end_worksheet("xl/worksheets/sheet1.xml", true);
        f.begin();
        f.end_worksheet("xl/worksheets/s2.xml", false);
        assert!(f.merges_of("公开01表").is_none());
        assert!(f.merges_of("续表").is_none());
        // An escaped sheet name anywhere.
        let mut f = facts();
        f.begin();
        f.end_worksheet("xl/worksheets/sheet1.xml", true);
        f.element(
            PartRole::Workbook,
            b"sheet",
            &[(b"name", b"A&amp;B"), (b"r:id", b"rId3")],
        );
        assert!(f.merges_of("公开01表").is_none());
    }
}
