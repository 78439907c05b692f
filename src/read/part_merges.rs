//! The merged ranges of a worksheet part, gathered while the zip guard scans it, exactly as
//! calamine would read them — or "unsure", and calamine reads them itself.
//!
//! calamine finds a sheet's merges by parsing the whole sheet a second time (a seventh of a
//! large `check`). It takes the first `mergeCells` element (by local name) and every
//! `mergeCell` start inside it, reading its `ref` attribute. The collector here only answers
//! for parts where that reading cannot differ: one unprefixed `<mergeCells>`, its children
//! plain `<mergeCell ref="A1:C2"/>` elements, no other name containing `mergeCell`, and
//! references in the plain upper-case form.

use std::collections::hash_map::{Entry, HashMap};

use calamine::Dimensions;
use memchr::memmem;

use crate::cellref::parse_a1;

use super::hidden_lines::HiddenLines;
use super::xml_scan::Element;

/// What the zip guard learnt of a sound container's merges: the merged ranges of each XML part
/// it is sure of, by where the part's data starts in the file. That place is how a reader of the
/// same file names the entry it opened (see `seek_log`), whatever path led it there.
#[derive(Default)]
pub(crate) struct PartMerges {
    /// None for a part the scan is unsure of, for an entry that is not XML (a sheet may be
    /// stored under any name, a directory's included), and for a data start two entries
    /// share (their sizes may differ).
    by_data_start: HashMap<u64, Option<Vec<Dimensions>>>,
    /// The cells of each part holding a formula and no value (see `uncached`), by the same
    /// data starts; none where two entries share one.
    uncached: HashMap<u64, Vec<(u32, u16)>>,
    /// The rows and columns each part hides, by the same data starts; none where two entries
    /// share one.
    hidden: HashMap<u64, HiddenLines>,
    /// The texts each part prints in its page header and footer, by the same data starts;
    /// none where two entries share one.
    page_header: HashMap<u64, Vec<String>>,
}

impl PartMerges {
    /// The merges of the part whose data starts at `data_start`, if the guard is sure of them.
    pub(crate) fn at(&self, data_start: u64) -> Option<&[Dimensions]> {
        self.by_data_start.get(&data_start)?.as_deref()
    }

    /// The cells holding a formula and no value of the part whose data starts at
    /// `data_start`, as far as the guard's scan read them.
    pub(crate) fn uncached_at(&self, data_start: u64) -> &[(u32, u16)] {
        self.uncached.get(&data_start).map_or(&[], Vec::as_slice)
    }

    /// The rows and columns the part whose data starts at `data_start` hides, as far as the
    /// guard's scan read them.
    pub(crate) fn hidden_at(&self, data_start: u64) -> Option<&HiddenLines> {
        self.hidden.get(&data_start)
    }

    /// The page header and footer texts of the part whose data starts at `data_start`.
    pub(crate) fn page_header_at(&self, data_start: u64) -> Option<&[String]> {
        self.page_header.get(&data_start).map(Vec::as_slice)
    }

    /// Records an entry once it is read. Its data start is known then (the zip reader found
    /// it to read the entry); were it not, no reader could be matched to the entry, and
    /// leaving it out is the safe side.
    pub(crate) fn record(
        &mut self,
        data_start: Option<u64>,
        merges: Option<Vec<Dimensions>>,
        uncached: Vec<(u32, u16)>,
        hidden: HiddenLines,
        page_header: Vec<String>,
    ) {
        let Some(start) = data_start else { return };
        match self.by_data_start.entry(start) {
            Entry::Vacant(v) => {
                v.insert(merges);
                if !uncached.is_empty() {
                    self.uncached.insert(start, uncached);
                }
                if !hidden.is_empty() {
                    self.hidden.insert(start, hidden);
                }
                if !page_header.is_empty() {
                    self.page_header.insert(start, page_header);
                }
            }
            Entry::Occupied(mut o) => {
                *o.get_mut() = None;
                self.uncached.remove(&start);
                self.hidden.remove(&start);
                self.page_header.remove(&start);
            }
        }
    }
}

/// Gathers one part's merged ranges from the scan's elements.
#[derive(Default)]
pub(crate) struct MergeCollector {
    block_seen: bool,
    ranges: Vec<Dimensions>,
    unsure: bool,
}

const BLOCK: &[u8] = b"mergeCells";
const RANGE: &[u8] = b"mergeCell";

impl MergeCollector {
    pub(crate) fn visit(&mut self, element: &Element) {
        let name = element.name;
        if self.unsure || name.len() < RANGE.len() || memmem::find(name, RANGE).is_none() {
            return;
        }
        let sure = match name {
            BLOCK if !self.block_seen => {
                self.block_seen = true;
                true
            }
            RANGE if element.parent == Some(BLOCK) => match element.attrs {
                [(b"ref", value)] => reference(value).map(|d| self.ranges.push(d)).is_some(),
                _ => false,
            },
            _ => false,
        };
        self.unsure |= !sure;
    }

    /// The part's merged ranges in document order (none when it has no `mergeCells`), or
    /// None when calamine must be asked.
    pub(crate) fn finish(self) -> Option<Vec<Dimensions>> {
        (!self.unsure).then_some(self.ranges)
    }
}

/// `A1:C2` (or a single `B3`) as calamine's zero-based bounds, when written plainly: corners
/// within Excel's sheet, the first above and left of the second.
fn reference(value: &[u8]) -> Option<Dimensions> {
    let text = std::str::from_utf8(value).ok()?;
    let (start, end) = match text.split_once(':') {
        Some((first, last)) => (corner(first)?, corner(last)?),
        None => {
            let only = corner(text)?;
            (only, only)
        }
    };
    (start.0 <= end.0 && start.1 <= end.1).then_some(Dimensions { start, end })
}

/// `C12` as (row, col), zero-based: upper-case letters and digits only, where calamine's
/// reading and `parse_a1`'s agree (no `$`, no spaces, which `parse_a1` would pass over).
fn corner(text: &str) -> Option<(u32, u32)> {
    if !text
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return None;
    }
    parse_a1(text).map(|(row, col)| (row, u32::from(col)))
}

#[cfg(test)]
mod tests {
    use super::super::xml_scan::sound_with;
    use super::*;

    /// (start, end) corners, zero-based (row, col).
    type Corners = ((u32, u32), (u32, u32));

    fn merges(body: &str) -> Option<Vec<Corners>> {
        let xml = format!("<worksheet><sheetData/>{body}</worksheet>");
        let mut collector = MergeCollector::default();
        assert!(sound_with(xml.as_bytes(), |e| collector.visit(e)), "{xml}");
        collector
            .finish()
            .map(|v| v.iter().map(|d| (d.start, d.end)).collect())
    }

    #[test]
    fn plain_blocks_are_read() {
        assert_eq!(merges(""), Some(vec![]));
        assert_eq!(merges("<mergeCells/>"), Some(vec![]));
        assert_eq!(
            merges(
                "<mergeCells count=\"2\"><mergeCell ref=\"A1:C2\"/>\
                 <mergeCell ref=\"AB10\"></mergeCell></mergeCells>"
            ),
            Some(vec![((0, 0), (1, 2)), ((9, 27), (9, 27))])
        );
    }

    #[test]
    fn anything_calamine_might_read_otherwise_is_unsure() {
        for body in [
            "<mergeCells><mergeCell ref=\"A1:B2\"/></mergeCells><mergeCells/>",
            "<x:mergeCells><mergeCell ref=\"A1:B2\"/></x:mergeCells>",
            "<mergeCells><x:mergeCell ref=\"A1:B2\"/></mergeCells>",
            "<mergeCells><g><mergeCell ref=\"A1:B2\"/></g></mergeCells>",
            "<mergeCell ref=\"A1:B2\"/>",
            "<mergeCells><mergeCell x:ref=\"A1:B2\"/></mergeCells>",
            "<mergeCells><mergeCell ref=\"A1:B2\" id=\"1\"/></mergeCells>",
            "<mergeCells><mergeCell/></mergeCells>",
            "<mergeCells><mergeCell ref=\"a1:b2\"/></mergeCells>",
            "<mergeCells><mergeCell ref=\"B2:A1\"/></mergeCells>",
            "<mergeCells><mergeCell ref=\"A0:B2\"/></mergeCells>",
            "<mergeCells><mergeCell ref=\"A1:B2:C3\"/></mergeCells>",
            "<mergeCells><mergeCell ref=\"$A$1:B2\"/></mergeCells>",
            "<mergeCells><mergeCell ref=\"AAAA1:B2\"/></mergeCells>",
            "<mergeCells><mergeCell ref=\"A12345678:B2\"/></mergeCells>",
            "<mergeCells><mergeCell ref=\"A1:&#66;2\"/></mergeCells>",
            "<mergeCells><mergeCell ref=\"\"/></mergeCells>",
            "<mergeCellsX/>",
        ] {
            assert_eq!(merges(body), None, "{body}");
        }
    }
}
