//! Test support: the `.grid` fixture format and a builder that turns a fixture into an `.xlsx`.
//!
//! The fixtures under `tests/fixtures/*.grid` are transcriptions of the tables in the five
//! published source documents (`shared/seeds/*.txt`): one file per source workbook, one sheet
//! per printed table, every cell where the printed form has it, numbers exactly as published
//! (known inconsistencies included — they are what the audit must find).
//!
//! # The `.grid` format (UTF-8)
//!
//! * `=== sheet NAME` starts a sheet named `NAME` (an Excel sheet name: at most 31 characters,
//!   none of `[]:*?/\`). Nothing but comments and blank lines may come before the first sheet.
//! * Every other line of a sheet that does not start with `# ` is one sheet row, starting at
//!   row 1; cells are separated by TAB and start at column A. An empty line is an empty row.
//!   Empty rows at the end of a sheet are dropped, trailing empty cells of a row too.
//! * A cell is
//!   - empty when it is the empty string;
//!   - a number when its text matches `-?(0|[1-9][0-9]*)(\.[0-9]+)?` — `526.36`, `0.00`, `201`,
//!     `2010450`. The exact decimal text is kept (`GridCell::Number("0.00")`), so the published
//!     precision survives; in the workbook it is written as an f64 with a matching number format
//!     (`0.00`). Anything else is text: `04` (leading zero), `2,051.69`, `79.68%`, `——`, `≥`;
//!   - text when it starts with `'` (the `'` is stripped): `'201` is the text "201", `''x` the
//!     text "'x";
//!   - escapes: `\n` is a line break inside the cell, `\t` a TAB, `\\` a backslash; any other
//!     backslash sequence is an error.
//!     Spaces are significant (a leading "   1、" indent or a full-width "　" cell is kept).
//! * Directive lines start with `# ` and are not rows (addresses are A1 style, 1-based):
//!   - `# merge A1:F1` — a merged range. Only its top-left cell may hold a value; ranges may
//!     not overlap.
//!   - `# bold A1` — the cell is written bold.
//!   - `# width A 30` — column width in Excel character units (default: computed from content).
//!   - `# note: …` — a transcription note (reconstruction decisions, quirks); kept in
//!     `GridSheet::notes`.
//!   - `# source: …` — where the table is in the source text; kept in `GridSheet::notes`.
//!     Before the first sheet, any `#` line is a free comment. Any other `# ` line inside a sheet
//!     is an error (it catches typos in directives).
//! * A malformed fixture makes `load` panic with `file:line`.
//!
//! Row and column indexes in the API are 0-based (`(row, col)`), as in rust_xlsxwriter and
//! calamine; merges are `(first_row, first_col, last_row, last_col)`.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

use rust_xlsxwriter::{Format, FormatAlign, Workbook};

/// One cell of a fixture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GridCell {
    Empty,
    /// A number, as its exact published decimal text ("526.36", "0.00", "2010450").
    Number(String),
    Text(String),
}

impl GridCell {
    pub fn num(s: &str) -> GridCell {
        assert!(is_number_text(s), "not a decimal number: {s:?}");
        GridCell::Number(s.to_string())
    }
    pub fn text(s: &str) -> GridCell {
        GridCell::Text(s.to_string())
    }
    pub fn is_empty(&self) -> bool {
        matches!(self, GridCell::Empty)
    }
    /// The cell's text (the decimal text for a number, "" for an empty cell).
    pub fn as_str(&self) -> &str {
        match self {
            GridCell::Empty => "",
            GridCell::Number(s) | GridCell::Text(s) => s,
        }
    }
    /// The text with every kind of whitespace removed (ASCII, full-width, line breaks).
    pub fn squeezed(&self) -> String {
        squeeze(self.as_str())
    }
}

/// A parsed fixture: the sheets of one source workbook.
#[derive(Clone, Debug, PartialEq)]
pub struct GridBook {
    pub sheets: Vec<GridSheet>,
}

impl GridBook {
    /// The sheets of a workbook as the library read it: values and merges, formulas by their
    /// stored results — what a plain re-save of it gives.
    pub fn from_workbook(wb: &fiscalform::read::Workbook) -> GridBook {
        use fiscalform::read::Cell;
        let mut book = GridBook { sheets: Vec::new() };
        for sheet in &wb.sheets {
            let mut g = GridSheet::new(&sheet.name);
            for (r, c, v) in sheet.cells() {
                let cell = match v {
                    Cell::Number(n) => GridCell::Number(n.to_string()),
                    Cell::Text(t) => GridCell::text(t),
                    _ => continue,
                };
                g.put(r, c, cell);
            }
            g.merges = (sheet.merges().iter())
                .map(|m| (m.first_row, m.first_col, m.last_row, m.last_col))
                .collect();
            book.sheets.push(g);
        }
        book
    }
}

/// One sheet: rows of cells from A1, merged ranges, and presentation hints.
#[derive(Clone, Debug, PartialEq)]
pub struct GridSheet {
    pub name: String,
    pub rows: Vec<Vec<GridCell>>,
    /// (first_row, first_col, last_row, last_col), 0-based, inclusive.
    pub merges: Vec<(u32, u16, u32, u16)>,
    pub bold: Vec<(u32, u16)>,
    /// Column widths in Excel character units set by `# width`.
    pub widths: Vec<(u16, f64)>,
    /// `# note:` and `# source:` lines, without the `# `.
    pub notes: Vec<String>,
    /// Written as a hidden sheet.
    pub hidden: bool,
    /// Rows and columns written hidden (0-based).
    pub hidden_rows: Vec<u32>,
    pub hidden_cols: Vec<u16>,
    /// Number formats of cells whose format is not their published decimals (a value stored
    /// with more decimals than it shows), by (row, column).
    pub number_formats: std::collections::BTreeMap<(u32, u16), String>,
    /// The page header as Excel codes it (`&C…`), written when not empty.
    pub page_header: String,
}

static EMPTY: GridCell = GridCell::Empty;

/// Does `s` read as a plain decimal number (no leading zeros, no grouping, no sign but `-`)?
pub fn is_number_text(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let int_ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && (int == "0" || !int.starts_with('0'));
    let frac_ok = match frac {
        None => true,
        Some(f) => !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()),
    };
    int_ok && frac_ok
}

/// Remove all whitespace (ASCII spaces, TAB, line breaks, the full-width space U+3000, …).
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// "B3" → (2, 1).
pub fn parse_a1(a1: &str) -> Option<(u32, u16)> {
    let a1 = a1.trim();
    let letters: String = a1.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let digits = &a1[letters.len()..];
    if letters.is_empty() || letters.len() > 3 || digits.is_empty() {
        return None;
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return None;
    }
    let mut col: u32 = 0;
    for c in letters.to_ascii_uppercase().bytes() {
        col = col * 26 + (c - b'A' + 1) as u32;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row - 1, (col - 1) as u16))
}

/// "A".."Z", "AA".. for a 0-based column.
pub fn col_name(col: u16) -> String {
    let mut n = col as u32 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

/// (2, 1) → "B3".
pub fn a1(row: u32, col: u16) -> String {
    format!("{}{}", col_name(col), row + 1)
}

fn parse_range(s: &str) -> Option<(u32, u16, u32, u16)> {
    let (a, b) = s.trim().split_once(':')?;
    let (r1, c1) = parse_a1(a)?;
    let (r2, c2) = parse_a1(b)?;
    if r2 < r1 || c2 < c1 {
        return None;
    }
    Some((r1, c1, r2, c2))
}

fn unescape(raw: &str, at: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut it = raw.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('\\') => out.push('\\'),
                other => panic!("{at}: bad escape \\{other:?} in cell {raw:?}"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\t', "\\t")
}

/// Parse one cell of a fixture line.
pub fn parse_cell(raw: &str, at: &str) -> GridCell {
    if let Some(rest) = raw.strip_prefix('\'') {
        return GridCell::Text(unescape(rest, at));
    }
    let s = unescape(raw, at);
    if s.is_empty() {
        GridCell::Empty
    } else if is_number_text(&s) {
        GridCell::Number(s)
    } else {
        GridCell::Text(s)
    }
}

/// The fixture text of one cell (inverse of `parse_cell`).
pub fn format_cell(cell: &GridCell) -> String {
    match cell {
        GridCell::Empty => String::new(),
        GridCell::Number(s) => s.clone(),
        GridCell::Text(s) => {
            if s.is_empty() || s.starts_with('\'') || is_number_text(s) {
                format!("'{}", escape(s))
            } else {
                escape(s)
            }
        }
    }
}

/// Parse a fixture file; panics with `file:line` on anything malformed.
pub fn load(path: &Path) -> GridBook {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: cannot read fixture: {e}", path.display()));
    parse(&text, &path.display().to_string())
}

/// The seeds' workbooks transcribed under tests/fixtures (`<name>.grid`).
pub const SEEDS: [&str; 6] = [
    "seed001_final",
    "seed001_perf",
    "seed002_budget",
    "seed000_perf",
    "seed004_perf",
    "seed003_report",
];

/// The fixture `name` of tests/fixtures.
pub fn fixture(name: &str) -> GridBook {
    load(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
}

/// Parse fixture text (`origin` names it in panic messages).
pub fn parse(text: &str, origin: &str) -> GridBook {
    let mut sheets: Vec<GridSheet> = Vec::new();
    // for each sheet: the fixture line of each merge, to report overlaps / covered values
    let mut merge_lines: Vec<Vec<usize>> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let lineno = i + 1;
        let at = format!("{origin}:{lineno}");
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(name) = line.strip_prefix("=== sheet ") {
            let name = name.trim();
            if name.is_empty()
                || name.chars().count() > 31
                || name.contains(['[', ']', ':', '*', '?', '/', '\\'])
            {
                panic!("{at}: bad sheet name {name:?}");
            }
            if sheets.iter().any(|s| s.name == name) {
                panic!("{at}: duplicate sheet {name:?}");
            }
            sheets.push(GridSheet::new(name));
            merge_lines.push(Vec::new());
            continue;
        }
        let Some(sheet) = sheets.last_mut() else {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            panic!("{at}: row before the first `=== sheet` line");
        };
        if line.starts_with("# ") || line == "#" {
            let d = line[1..].trim();
            if let Some(r) = d.strip_prefix("merge ") {
                let m = parse_range(r).unwrap_or_else(|| panic!("{at}: bad merge range {r:?}"));
                if m.0 == m.2 && m.1 == m.3 {
                    panic!("{at}: merge of a single cell {r:?}");
                }
                sheet.merges.push(m);
                merge_lines.last_mut().unwrap().push(lineno);
            } else if let Some(r) = d.strip_prefix("bold ") {
                let c = parse_a1(r).unwrap_or_else(|| panic!("{at}: bad cell {r:?}"));
                sheet.bold.push(c);
            } else if let Some(r) = d.strip_prefix("width ") {
                let mut it = r.split_whitespace();
                let col = it
                    .next()
                    .and_then(|c| parse_a1(&format!("{c}1")))
                    .unwrap_or_else(|| panic!("{at}: bad width column in {r:?}"))
                    .1;
                let w: f64 = it
                    .next()
                    .and_then(|w| w.parse().ok())
                    .unwrap_or_else(|| panic!("{at}: bad width in {r:?}"));
                sheet.widths.push((col, w));
            } else if d.starts_with("note:") || d.starts_with("source:") {
                sheet.notes.push(d.to_string());
            } else {
                panic!("{at}: unknown directive {line:?}");
            }
            continue;
        }
        let row: Vec<GridCell> = if line.is_empty() {
            Vec::new()
        } else {
            line.split('\t').map(|raw| parse_cell(raw, &at)).collect()
        };
        sheet.rows.push(row);
    }
    for (sheet, lines) in sheets.iter_mut().zip(&merge_lines) {
        sheet.normalize();
        let at = |k: usize| format!("{origin}:{}", lines[k]);
        for (k, &(r1, c1, r2, c2)) in sheet.merges.iter().enumerate() {
            for (j, &(s1, d1, s2, d2)) in sheet.merges.iter().enumerate().take(k) {
                if r1 <= s2 && s1 <= r2 && c1 <= d2 && d1 <= c2 {
                    panic!(
                        "{}: merge {} overlaps merge {} ({})",
                        at(k),
                        range_name((r1, c1, r2, c2)),
                        range_name((s1, d1, s2, d2)),
                        at(j)
                    );
                }
            }
            for r in r1..=r2 {
                for c in c1..=c2 {
                    if (r, c) != (r1, c1) && !sheet.cell(r, c).is_empty() {
                        panic!(
                            "{}: merge {} in sheet {} covers the non-empty cell {} = {:?}",
                            at(k),
                            range_name((r1, c1, r2, c2)),
                            sheet.name,
                            a1(r, c),
                            sheet.cell(r, c)
                        );
                    }
                }
            }
        }
    }
    if sheets.is_empty() {
        panic!("{origin}: no `=== sheet` in fixture");
    }
    GridBook { sheets }
}

pub fn range_name(m: (u32, u16, u32, u16)) -> String {
    format!("{}:{}", a1(m.0, m.1), a1(m.2, m.3))
}

/// Excel-ish display width of a text: CJK and full-width characters count 2.
fn display_width(s: &str) -> usize {
    s.lines()
        .map(|l| {
            l.chars()
                .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

impl GridSheet {
    pub fn new(name: &str) -> GridSheet {
        GridSheet {
            name: name.to_string(),
            rows: Vec::new(),
            merges: Vec::new(),
            bold: Vec::new(),
            widths: Vec::new(),
            notes: Vec::new(),
            hidden: false,
            hidden_rows: Vec::new(),
            hidden_cols: Vec::new(),
            number_formats: Default::default(),
            page_header: String::new(),
        }
    }

    /// Drop trailing empty cells and trailing empty rows.
    pub fn normalize(&mut self) {
        for row in &mut self.rows {
            while row.last().is_some_and(|c| c.is_empty()) {
                row.pop();
            }
        }
        while self.rows.last().is_some_and(|r| r.is_empty()) {
            self.rows.pop();
        }
    }

    pub fn cell(&self, row: u32, col: u16) -> &GridCell {
        self.rows
            .get(row as usize)
            .and_then(|r| r.get(col as usize))
            .unwrap_or(&EMPTY)
    }

    /// Number of columns used (the widest row).
    pub fn width(&self) -> u16 {
        let data = self.rows.iter().map(|r| r.len()).max().unwrap_or(0) as u16;
        let merged = self.merges.iter().map(|m| m.3 + 1).max().unwrap_or(0);
        data.max(merged)
    }

    pub fn put(&mut self, row: u32, col: u16, cell: GridCell) {
        let (r, c) = (row as usize, col as usize);
        if self.rows.len() <= r {
            self.rows.resize(r + 1, Vec::new());
        }
        let line = &mut self.rows[r];
        if line.len() <= c {
            line.resize(c + 1, GridCell::Empty);
        }
        line[c] = cell;
        self.normalize();
    }

    /// Delete row `at`; merges below move up, merges across it shrink, merges on it alone go.
    pub fn delete_row(&mut self, at: u32) {
        if (at as usize) < self.rows.len() {
            self.rows.remove(at as usize);
        }
        self.merges.retain(|m| (m.0, m.2) != (at, at));
        for m in &mut self.merges {
            if m.0 > at {
                m.0 -= 1;
            }
            if m.2 >= at {
                m.2 -= 1;
            }
        }
        self.merges.retain(|m| (m.0, m.1) != (m.2, m.3));
        self.bold.retain(|b| b.0 != at);
        for b in &mut self.bold {
            if b.0 > at {
                b.0 -= 1;
            }
        }
        self.normalize();
    }

    /// Set one cell by its A1 address (for tests that break or correct a cell).
    pub fn set(&mut self, a1_addr: &str, cell: GridCell) {
        let (r, c) = parse_a1(a1_addr).unwrap_or_else(|| panic!("bad cell address {a1_addr:?}"));
        self.put(r, c, cell);
    }

    /// First cell (row by row) whose text, with all whitespace removed, equals `text` with
    /// all whitespace removed.
    pub fn find(&self, text: &str) -> Option<(u32, u16)> {
        let want = squeeze(text);
        for (r, row) in self.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() && cell.squeezed() == want {
                    return Some((r as u32, c as u16));
                }
            }
        }
        None
    }

    /// Every number cell, (row, column, its published text), row by row.
    pub fn numbers(&self) -> Vec<(u32, u16, String)> {
        let mut out = Vec::new();
        for (r, row) in self.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if let GridCell::Number(n) = cell {
                    out.push((r as u32, c as u16, n.clone()));
                }
            }
        }
        out
    }

    /// Every cell whose squeezed text equals `text` squeezed.
    pub fn find_all(&self, text: &str) -> Vec<(u32, u16)> {
        let want = squeeze(text);
        let mut out = Vec::new();
        for (r, row) in self.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() && cell.squeezed() == want {
                    out.push((r as u32, c as u16));
                }
            }
        }
        out
    }

    /// Insert an empty row before `at`; merges below move down, merges across it grow.
    pub fn insert_row(&mut self, at: u32) {
        let at_u = at as usize;
        if at_u <= self.rows.len() {
            self.rows.insert(at_u, Vec::new());
        }
        for m in &mut self.merges {
            if m.0 >= at {
                m.0 += 1;
                m.2 += 1;
            } else if m.2 >= at {
                m.2 += 1;
            }
        }
        for b in &mut self.bold {
            if b.0 >= at {
                b.0 += 1;
            }
        }
        self.normalize();
    }

    /// Insert an empty column before `at`; merges to the right move, merges across it grow.
    pub fn insert_col(&mut self, at: u16) {
        for row in &mut self.rows {
            if (at as usize) < row.len() {
                row.insert(at as usize, GridCell::Empty);
            }
        }
        for m in &mut self.merges {
            if m.1 >= at {
                m.1 += 1;
                m.3 += 1;
            } else if m.3 >= at {
                m.3 += 1;
            }
        }
        for b in &mut self.bold {
            if b.1 >= at {
                b.1 += 1;
            }
        }
        for w in &mut self.widths {
            if w.0 >= at {
                w.0 += 1;
            }
        }
        self.normalize();
    }

    /// Remove column `at` with its cells; merges shrink or move, a merge lying wholly in the
    /// column (or becoming a single cell) is dropped.
    pub fn remove_col(&mut self, at: u16) {
        for row in &mut self.rows {
            if (at as usize) < row.len() {
                row.remove(at as usize);
            }
        }
        let mut kept = Vec::new();
        for &(r1, c1, r2, c2) in &self.merges {
            let m = if c1 == at && c2 == at {
                None
            } else if c1 > at {
                Some((r1, c1 - 1, r2, c2 - 1))
            } else if c2 >= at {
                Some((r1, c1, r2, c2 - 1))
            } else {
                Some((r1, c1, r2, c2))
            };
            if let Some(m) = m {
                if !(m.0 == m.2 && m.1 == m.3) {
                    kept.push(m);
                }
            }
        }
        self.merges = kept;
        self.bold.retain(|b| b.1 != at);
        for b in &mut self.bold {
            if b.1 > at {
                b.1 -= 1;
            }
        }
        self.widths.retain(|w| w.0 != at);
        for w in &mut self.widths {
            if w.0 > at {
                w.0 -= 1;
            }
        }
        self.normalize();
    }

    fn merge_at(&self, row: u32, col: u16) -> Option<(u32, u16, u32, u16)> {
        self.merges
            .iter()
            .copied()
            .find(|m| m.0 <= row && row <= m.2 && m.1 <= col && col <= m.3)
    }

    /// Column widths for the workbook: `# width` or computed from single-column cells.
    fn column_widths(&self) -> Vec<f64> {
        let n = self.width() as usize;
        let mut w = vec![0usize; n];
        for (r, row) in self.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                if let Some(m) = self.merge_at(r as u32, c as u16) {
                    if m.1 != m.3 {
                        continue; // spread over several columns: does not size one column
                    }
                }
                // a long single-line text (title, 注) that overflows into empty cells to its
                // right is left alone too
                let dw = display_width(cell.as_str());
                let free_right = row[c + 1..].iter().all(|x| x.is_empty());
                if dw > 40 && free_right {
                    continue;
                }
                w[c] = w[c].max(dw);
            }
        }
        let mut out: Vec<f64> = w.iter().map(|&x| (x.clamp(4, 50) as f64) + 2.0).collect();
        for &(c, width) in &self.widths {
            if (c as usize) < out.len() {
                out[c as usize] = width;
            }
        }
        out
    }
}

impl GridSheet {
    /// Deletes sheet columns `first..=last`, moving the cells right of them left: merges
    /// across them shrink, merges within them go.
    pub fn delete_columns(&mut self, first: u16, last: u16) {
        let n = last - first + 1;
        for row in &mut self.rows {
            let end = row.len().min(last as usize + 1);
            if (first as usize) < end {
                row.drain(first as usize..end);
            }
        }
        // A merge's first column moves onto the first kept one, its last onto the last kept.
        let from = |c: u16| if c > last { c - n } else { c.min(first) };
        let to = |c: u16| {
            if c > last {
                c - n
            } else if c >= first {
                first - 1
            } else {
                c
            }
        };
        self.merges = (self.merges.iter())
            .filter(|m| !(m.1 >= first && m.3 <= last))
            .map(|&(r1, c1, r2, c2)| (r1, from(c1), r2, to(c2)))
            .filter(|&(r1, c1, r2, c2)| (r1, c1) != (r2, c2))
            .collect();
        self.bold.retain(|&(_, c)| c < first || c > last);
        self.bold
            .iter_mut()
            .filter(|b| b.1 > last)
            .for_each(|b| b.1 -= n);
        self.widths.clear();
    }
}

impl GridBook {
    pub fn sheet(&self, name: &str) -> &GridSheet {
        self.sheets
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no sheet {name:?}"))
    }

    pub fn sheet_mut(&mut self, name: &str) -> &mut GridSheet {
        self.sheets
            .iter_mut()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no sheet {name:?}"))
    }

    /// The fixture text of this book (`parse(book.to_grid_text())` gives the book back,
    /// `# note:` lines included).
    pub fn to_grid_text(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.sheets.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            writeln!(out, "=== sheet {}", s.name).unwrap();
            for n in &s.notes {
                writeln!(out, "# {n}").unwrap();
            }
            for &m in &s.merges {
                writeln!(out, "# merge {}", range_name(m)).unwrap();
            }
            for &(r, c) in &s.bold {
                writeln!(out, "# bold {}", a1(r, c)).unwrap();
            }
            for &(c, w) in &s.widths {
                writeln!(out, "# width {} {}", col_name(c), w).unwrap();
            }
            for row in &s.rows {
                let line: Vec<String> = row.iter().map(format_cell).collect();
                writeln!(out, "{}", line.join("\t")).unwrap();
            }
        }
        out
    }

    /// Write the book as an .xlsx: numbers as numbers (with a number format showing the
    /// published decimals), text as text, merged ranges, bold title cells, wrapped text and
    /// column widths that make the form readable.
    pub fn write_xlsx(&self, out: &Path) {
        let mut wb = Workbook::new();
        for sheet in &self.sheets {
            let ws = wb.add_worksheet();
            ws.set_name(&sheet.name)
                .unwrap_or_else(|e| panic!("sheet name {:?}: {e}", sheet.name));
            // Excel shows the first sheet not hidden: a hidden first sheet needs another
            // one active.
            let first_shown = self.sheets.iter().position(|s| !s.hidden);
            if first_shown.is_some_and(|i| i > 0 && self.sheets[i].name == sheet.name) {
                ws.set_active(true);
            }
            ws.set_hidden(sheet.hidden);
            if !sheet.page_header.is_empty() {
                ws.set_header(&sheet.page_header);
            }
            for &r in &sheet.hidden_rows {
                ws.set_row_hidden(r).unwrap();
            }
            for &c in &sheet.hidden_cols {
                ws.set_column_hidden(c).unwrap();
            }
            for (c, w) in sheet.column_widths().into_iter().enumerate() {
                ws.set_column_width(c as u16, w).unwrap();
            }
            let fmt_for = |r: u32, c: u16, cell: &GridCell| -> Format {
                let mut f = Format::new().set_align(FormatAlign::VerticalCenter);
                if sheet.bold.contains(&(r, c)) {
                    f = f.set_bold().set_font_size(14);
                }
                match cell {
                    GridCell::Number(s) => {
                        let decimals = s.split_once('.').map(|(_, f)| f.len()).unwrap_or(0);
                        let nf = match sheet.number_formats.get(&(r, c)) {
                            Some(given) => given.clone(),
                            None if decimals == 0 => "0".to_string(),
                            None => format!("0.{}", "0".repeat(decimals)),
                        };
                        f = f.set_num_format(nf);
                    }
                    GridCell::Text(_) | GridCell::Empty => {
                        f = f.set_text_wrap();
                    }
                }
                if sheet.merges.iter().any(|m| m.0 == r && m.1 == c) {
                    f = f.set_align(FormatAlign::Center);
                }
                f
            };
            let mut anchors = std::collections::HashSet::new();
            for &(r1, c1, r2, c2) in &sheet.merges {
                anchors.insert((r1, c1));
                let cell = sheet.cell(r1, c1);
                let f = fmt_for(r1, c1, cell);
                let s = match cell {
                    GridCell::Text(t) => t.as_str(),
                    _ => "",
                };
                ws.merge_range(r1, c1, r2, c2, s, &f)
                    .unwrap_or_else(|e| panic!("{}: merge {r1},{c1}: {e}", sheet.name));
                if let GridCell::Number(n) = cell {
                    let v: f64 = n.parse().unwrap();
                    ws.write_number_with_format(r1, c1, v, &f).unwrap();
                }
            }
            for (r, row) in sheet.rows.iter().enumerate() {
                let r = r as u32;
                for (c, cell) in row.iter().enumerate() {
                    let c = c as u16;
                    if anchors.contains(&(r, c)) {
                        continue;
                    }
                    let f = fmt_for(r, c, cell);
                    match cell {
                        GridCell::Empty => {}
                        GridCell::Number(n) => {
                            let v: f64 = n.parse().unwrap();
                            ws.write_number_with_format(r, c, v, &f).unwrap();
                        }
                        GridCell::Text(t) => {
                            ws.write_string_with_format(r, c, t, &f)
                                .unwrap_or_else(|e| panic!("{}!{}: {e}", sheet.name, a1(r, c)));
                        }
                    }
                }
            }
        }
        wb.save(out)
            .unwrap_or_else(|e| panic!("{}: cannot write xlsx: {e}", out.display()));
    }

    // ----- layout variants: each returns a modified copy; the values stay the same -----

    /// The whole content (header included) starts `n` rows lower on every sheet.
    pub fn shift_down(&self, n: u32) -> GridBook {
        let mut b = self.clone();
        for s in &mut b.sheets {
            for _ in 0..n {
                s.insert_row(0);
            }
        }
        b
    }

    /// Every amount (a number with decimals) becomes text with thousands separators:
    /// 1643.36 → "1,643.36", 0.00 → "0.00". Integers (codes, 行次, 栏次, scores) stay numbers.
    pub fn amounts_as_text_with_commas(&self) -> GridBook {
        let mut b = self.clone();
        for s in &mut b.sheets {
            for row in &mut s.rows {
                for cell in row.iter_mut() {
                    if let GridCell::Number(n) = cell {
                        if n.contains('.') {
                            *cell = GridCell::Text(with_commas(n));
                        }
                    }
                }
            }
        }
        b
    }

    /// Remove the 行次 columns (every column whose header cell reads 行次, as in 公开01表 and
    /// 公开04表) with the line numbers in them.
    pub fn drop_line_number_column(&self) -> GridBook {
        let mut b = self.clone();
        for s in &mut b.sheets {
            let mut cols: Vec<u16> = s.find_all("行次").into_iter().map(|(_, c)| c).collect();
            cols.sort_unstable();
            cols.dedup();
            for &c in cols.iter().rev() {
                s.remove_col(c);
            }
        }
        b
    }

    /// Sheets renamed Sheet1, Sheet2, … in reversed order (the last sheet becomes Sheet1).
    pub fn rename_and_reorder_sheets(&self) -> GridBook {
        let mut b = self.clone();
        b.sheets.reverse();
        for (i, s) in b.sheets.iter_mut().enumerate() {
            s.name = format!("Sheet{}", i + 1);
        }
        b
    }

    /// A single 科目代码 column of function codes becomes three text columns 类/款/项, laid
    /// out as in seed 002: a 类 row has only the 类 ("201"), a 款 row only the 款 ("04"), a 项
    /// row all three ("201", "04", "50"). Sheets whose 科目代码 column holds economic codes
    /// (公开06表: 301, 30101, …) are left alone.
    pub fn split_codes(&self) -> GridBook {
        let mut b = self.clone();
        for s in &mut b.sheets {
            let heads = s.find_all("科目代码");
            let Some(&(hr, hc)) = heads.first() else {
                continue;
            };
            if heads.len() > 1 {
                continue; // several code blocks side by side: the economic table
            }
            let codes: Vec<String> = (hr + 1..s.rows.len() as u32)
                .map(|r| s.cell(r, hc).as_str().to_string())
                .filter(|t| t.len() >= 3 && t.bytes().all(|b| b.is_ascii_digit()))
                .collect();
            if codes.iter().any(|c| c.starts_with('3') && c.len() <= 5) {
                continue;
            }
            s.insert_col(hc + 1);
            s.insert_col(hc + 1);
            s.put(hr, hc, GridCell::text("类"));
            s.put(hr, hc + 1, GridCell::text("款"));
            s.put(hr, hc + 2, GridCell::text("项"));
            // a vertical merge of the 科目代码 header cell is repeated for 款 and 项
            if let Some(m) = s
                .merges
                .iter()
                .copied()
                .find(|m| m.0 == hr && m.1 == hc && m.3 == hc)
            {
                s.merges.push((m.0, hc + 1, m.2, hc + 1));
                s.merges.push((m.0, hc + 2, m.2, hc + 2));
            }
            for r in hr + 1..s.rows.len() as u32 {
                let t = s.cell(r, hc).as_str().to_string();
                if !t.bytes().all(|b| b.is_ascii_digit()) {
                    continue;
                }
                let parts: [&str; 3] = match t.len() {
                    3 => [&t, "", ""],
                    5 => ["", &t[3..5], ""],
                    7 => [&t[0..3], &t[3..5], &t[5..7]],
                    _ => continue,
                };
                for (k, p) in parts.iter().enumerate() {
                    let cell = if p.is_empty() {
                        GridCell::Empty
                    } else {
                        GridCell::text(p)
                    };
                    s.put(r, hc + k as u16, cell);
                }
            }
        }
        b
    }

    /// An empty column before column A, and an empty row after the title row, on every sheet.
    pub fn extra_empty_rows_and_cols(&self) -> GridBook {
        let mut b = self.clone();
        for s in &mut b.sheets {
            s.insert_col(0);
            s.insert_row(1);
        }
        b
    }
}

/// "1643.36" → "1,643.36"; "-1234567" → "-1,234,567".
pub fn with_commas(n: &str) -> String {
    let (sign, rest) = match n.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", n),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

// ----- corrections of the known inconsistencies (FORMS.md, "Known inconsistencies") -----

fn header_col(s: &GridSheet, header_row: u32, label: &str) -> u16 {
    let want = squeeze(label);
    let row = &s.rows[header_row as usize];
    row.iter()
        .position(|c| c.squeezed() == want)
        .unwrap_or_else(|| panic!("{}: no {label:?} in row {}", s.name, header_row + 1)) as u16
}

/// Seed 001. `seed001_final.grid` needs no correction: 公开01表 lines 32–57 add to 526.35
/// against 本年支出合计 526.36, a rounding difference (尾差) that the audit reports as info
/// and a clerk leaves as published. `seed001_perf.grid` (the 自评表) gets one:
///
/// The 分值 add to 96.5, not 100, and 总分 98.3 is not Σ 得分 (94.8). The 产出指标 label
/// promises 40 分 but its rows hold only 36.5: 9 indicators × 3.5 + 完成时间 5. Exactly
/// 3.5 points are missing from both columns — 总分 98.3 = 100 − (10 − 8.3) shows the
/// author scored every indicator at full marks. The clerk's correction puts the missing
/// 3.5 on the one 产出 indicator not on the 3.5 grid: 时效指标 完成时间 分值 5 → 8.5 and
/// 得分 5 → 8.5. Then Σ 分值 = 100, the 产出 block = 40 = its label.
///
/// The 执行率 82.79% is 全年执行数 ÷ 年初预算数 (526.36 ÷ 635.78); FORMS.md's rule is
/// 全年执行数 ÷ 全年预算数 = 526.36 ÷ 526.36 = 100%, whose score is 10 × 100% = 10, not 8.3.
/// The clerk writes 100% and 10, and 总分 becomes Σ 得分 = 10 + 90 = 100.
pub fn corrected_seed001(book: &mut GridBook) {
    let Some(sheet) = book
        .sheets
        .iter_mut()
        .find(|s| s.find("偏差原因分析及改进措施").is_some())
    else {
        return; // the final-accounts book: nothing to correct (尾差 is info only)
    };
    let (hr, _) = sheet.find("偏差原因分析及改进措施").unwrap();
    let score_col = header_col(sheet, hr, "分值");
    let got_col = header_col(sheet, hr, "得分");
    let (r, _) = sheet.find("完成时间").expect("完成时间 row");
    sheet.put(r, score_col, GridCell::num("8.5"));
    sheet.put(r, got_col, GridCell::num("8.5"));
    let (fr, _) = sheet.find("年度资金总额").expect("年度资金总额 row");
    let rate_col = header_col(sheet, fr - 1, "执行率");
    let fund_got = header_col(sheet, fr - 1, "得分");
    sheet.put(fr, rate_col, GridCell::text("100%"));
    sheet.put(fr, fund_got, GridCell::num("10"));
    let (tr, _) = sheet.find("总分").expect("总分 row");
    sheet.put(tr, got_col, GridCell::num("100"));
}

/// Seed 000, 附件1: 项目支出 2022年决算数 is published as 182.51 while its rows are 146.67,
/// —— and 2,663.37. The 2023 columns of the same block add up exactly (2,536.76 and
/// 1,907.88), so the rows are the reliable part and the total is the slip: the clerk writes
/// Σ rows = 2,810.04 (as text with a thousands separator, like its neighbours 2,663.37 and
/// 2,536.76).
pub fn corrected_seed000(book: &mut GridBook) {
    let sheet = book.sheet_mut("附件1");
    let (hr, _) = sheet
        .find("经费控制情况（万元）")
        .expect("经费控制情况 header");
    let col = header_col(sheet, hr, "2022年决算数");
    let (r, _) = sheet.find("项目支出：").expect("项目支出 row");
    sheet.put(r, col, GridCell::text("2,810.04"));
}

/// Seed 004, 附件一: 项目支出 2023年预算数 is published as 7.5 while its rows are 7.5 (一般公共
/// 服务) and 64 (城乡社区), i.e. 71.5. 附件三's 年初预算数 of the same projects is 71.5 too:
/// the total lost a digit. The clerk writes 71.5.
pub fn corrected_seed004(book: &mut GridBook) {
    let sheet = book.sheet_mut("附件一");
    let (hr, _) = sheet
        .find("经费控制情况（万元）")
        .expect("经费控制情况 header");
    let col = header_col(sheet, hr, "2023年预算数");
    let (r, _) = sheet.find("项目支出：").expect("项目支出 row");
    sheet.put(r, col, GridCell::num("71.5"));
}
