//! A document's 目录 page — its heading (`目  录`) and its entries — which heads no table: a
//! table after it takes its title from its own page, or from the page before the 目录.

use std::ops::Range;

use super::blocks::Line;

/// The lines read since the last table, and where a Word page break started a new page
/// among them (a PDF's lines carry their pages).
#[derive(Default)]
pub(crate) struct Pending {
    pub lines: Vec<Line>,
    /// Indices into `lines` of the first line after each page break.
    pub breaks: Vec<usize>,
}

impl Pending {
    pub(crate) fn clear(&mut self) {
        self.lines.clear();
        self.breaks.clear();
    }

    /// Whether line `i` opens a page: after a page break, or on another PDF page than the
    /// line before it.
    fn opens_page(&self, i: usize) -> bool {
        let page = |j: usize| self.lines[j].page;
        self.breaks.contains(&i) || (i > 0 && page(i).is_some() && page(i) != page(i - 1))
    }

    /// The index of the first line after the last page break (0 with none).
    pub(crate) fn last_page_start(&self) -> usize {
        self.breaks.last().copied().unwrap_or(0)
    }

    /// Drops the last 目录 page among the lines: its heading and the lines after it up to
    /// the next page, or without a next page the entries that end in a page number. Whether
    /// there was one.
    pub(crate) fn drop_contents_page(&mut self) -> bool {
        let Some(page) = self.contents_page() else {
            return false;
        };
        let len = page.len();
        self.lines.drain(page.clone());
        for b in &mut self.breaks {
            *b = match *b {
                b if b <= page.start => b,
                b if b < page.end => page.start,
                b => b - len,
            };
        }
        self.breaks.dedup();
        true
    }

    fn contents_page(&self) -> Option<Range<usize>> {
        let start = (self.lines.iter()).rposition(|l| is_contents_heading(&l.text))?;
        let next_page = (start + 1..self.lines.len()).find(|&i| self.opens_page(i));
        let end = next_page.unwrap_or_else(|| {
            let entries = self.lines[start + 1..]
                .iter()
                .take_while(|l| ends_with_page_number(&l.text))
                .count();
            start + 1 + entries
        });
        Some(start..end)
    }
}

/// Whether a text is wholly one name in book-title marks (`《…》`, `〈…〉`): a table's name
/// quoted, in a list of the tables or as a title printed so.
pub fn is_book_title(text: &str) -> bool {
    let t = text.trim();
    let quoted = |open: char, close: char| {
        t.starts_with(open) && t.ends_with(close) && t.matches(open).count() == 1
    };
    quoted('《', '》') || quoted('〈', '〉')
}

/// A 目录 page's heading: `目录`, `目  录`, `目 录：`.
fn is_contents_heading(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    t.trim_end_matches(['：', ':']) == "目录"
}

/// A 目录 entry: words, then dot leaders or spaces, then a page number (`二、收入决算表……4`).
fn ends_with_page_number(text: &str) -> bool {
    let t = text.trim_end();
    let words = t.trim_end_matches(|c: char| c.is_ascii_digit());
    let before = words.trim_end_matches(|c: char| c.is_whitespace() || "….·．-—".contains(c));
    words.len() < t.len() && before.len() < words.len() && !before.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(lines: &[(&str, Option<u32>)], breaks: &[usize]) -> Pending {
        Pending {
            lines: (lines.iter()).map(|(t, p)| Line::new(*t, *p)).collect(),
            breaks: breaks.to_vec(),
        }
    }

    fn texts(p: &Pending) -> Vec<&str> {
        p.lines.iter().map(|l| l.text.as_str()).collect()
    }

    /// The 目录 page goes up to the next page (a Word break, a PDF page), or without one
    /// through the entries ending in page numbers; the lines before and after it stay.
    #[test]
    fn a_contents_page_is_dropped_up_to_the_next_page() {
        let mut word = pending(
            &[
                ("收入支出决算总表", None),
                ("目  录", None),
                ("一、收入支出决算总表", None),
                ("单位：万元", None),
            ],
            &[1, 3],
        );
        word.drop_contents_page();
        assert_eq!(texts(&word), ["收入支出决算总表", "单位：万元"]);
        assert_eq!(word.breaks, [1]);
        let mut pdf = pending(
            &[
                ("目录", Some(2)),
                ("公开08表 …", Some(2)),
                ("收入决算表", Some(3)),
            ],
            &[],
        );
        pdf.drop_contents_page();
        assert_eq!(texts(&pdf), ["收入决算表"]);
        let mut unbroken = pending(
            &[
                ("目 录：", None),
                ("一、收入支出决算总表……3", None),
                ("公开02表 收入决算表    4", None),
                ("收入决算表", None),
            ],
            &[],
        );
        unbroken.drop_contents_page();
        assert_eq!(texts(&unbroken), ["收入决算表"]);
    }
}
