//! Reads a table block of a sheet: finds its header by the column labels wherever it starts,
//! aligns the sheet's columns with the definition's (an absent 行次 column is fine), then
//! identifies each row by 行次, code or label and reads its values.

mod column_marks;
mod cut_labels;
mod group_rows;
mod line_numbers;
mod page_totals;
mod subtotal;
mod wrapped_names;

use super::carry::GroupCarry;
use super::column_year::columns_year;
use super::{grid, strip_parens, with_year, Reader};
use crate::cellref::Place;
use crate::expr::{cell_key, Val};
use crate::form::{ColKind, ColumnDef, Family, Form, GridCellDef, Panel, Severity};
use crate::layout::header_cells;
use crate::model::{FastMap, Key, RowData, RowKind, RowValues};
use crate::normalize::{chinese_count, label_key, parse_code, zero_tail, Amount, SplitCodeState};
use crate::read::Cell;
use column_marks::MarkedColumn;
pub use column_marks::COLUMN_BY_MARK;
pub(crate) use cut_labels::names_cut;
pub use cut_labels::CUT_LABEL;
use group_rows::GroupRows;
pub use group_rows::UNLABELLED_GROUP_ROW;
use line_numbers::LineAt;
pub use line_numbers::LINE_MISMATCH;
pub use page_totals::PAGE_TOTAL_ROW;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
pub use subtotal::SUBTOTAL_ROW;

/// A definition column with the header texts that name it.
#[derive(Clone)]
pub(super) struct DefCol<'f> {
    /// Index of the column's panel among the panels read together (see [`Slot`]).
    pub(super) slot: usize,
    pub(super) col: &'f ColumnDef,
    /// Keys of every header text above the column (parents included).
    texts: HashSet<String>,
    /// Keys that must appear for a sheet column to be this one.
    leaf: Vec<String>,
    /// Words of the vocabulary's synonym groups standing for a leaf key (决算数 for 金额),
    /// a weaker match than the leaf itself.
    syn: Vec<String>,
    /// The form's figure words (预算数, 决算数; see [`figure_lists`]) heading other columns
    /// and not this one: a sheet column headed by one of them and not by this column's own is
    /// never this column (a 预算数 figure is never read into a 决算数 cell).
    rivals: Vec<String>,
    /// The form's figure words heading this column.
    figures: Vec<String>,
}

/// The synonyms of a column's leaf keys, less any word that is itself the leaf of another
/// column of the form (公开09表 has both 预算数 and 决算数: neither stands for the other), and
/// less the other family's figures: a 决算 table's 金额 is its 决算数, never a 预算数 beside it
/// (a unit's 预算数 | 决算数 columns), and the other way round.
fn add_synonyms(rd: &Reader, defs: &mut [DefCol]) {
    let leaves: HashSet<String> = defs.iter().flat_map(|d| d.leaf.iter().cloned()).collect();
    let other_family = match rd.form.family {
        Family::Final => Some("预算"),
        Family::Budget => Some("决算"),
        Family::Perf => None,
    };
    for d in defs.iter_mut() {
        let mut syn: Vec<String> = d
            .leaf
            .iter()
            .flat_map(|k| rd.vocab.synonyms_of(k).iter().cloned())
            .filter(|w| !leaves.contains(w))
            .filter(|w| other_family.is_none_or(|other| !w.contains(other)))
            .collect();
        syn.sort();
        syn.dedup();
        d.texts.extend(syn.iter().cloned());
        d.syn = syn;
    }
    let figures: Vec<&String> = figure_lists(rd).iter().filter_map(|l| l.first()).collect();
    for d in defs.iter_mut() {
        let (own, rivals): (Vec<String>, Vec<String>) = figures
            .iter()
            .map(|f| f.to_string())
            .partition(|f| d.texts.contains(f));
        if !own.is_empty() {
            (d.figures, d.rivals) = (own, rivals);
        }
    }
}

/// The vocabulary's lists of figure words whose first word is a header text of the form
/// (公开09表's 预算数 and 决算数): in its sheets, a header of a list's word is that word.
fn figure_lists<'v>(rd: &Reader<'v>) -> Vec<&'v [String]> {
    let mut out: Vec<&[String]> = Vec::new();
    for h in rd
        .form
        .blocks
        .iter()
        .flat_map(|b| b.header.iter().flatten())
    {
        let list = rd.vocab.figure_words_of(&label_key(h.text()));
        if !list.is_empty() && !out.contains(&list) {
            out.push(list);
        }
    }
    out
}

fn keys_of(s: &str) -> Vec<String> {
    let k = label_key(s);
    let p = strip_parens(&k);
    if p != k && !p.is_empty() {
        vec![k, p]
    } else {
        vec![k]
    }
}

/// Keys of a header text or column label, `{year}`/`{prev_year}` read with the year of the
/// title or of the columns (see `columns_year`: "{prev_year}年决算数" → "2022年决算数"); none
/// when it is dated and no year is known.
pub(super) fn dated(rd: &Reader, t: &str) -> Vec<String> {
    with_year(t, columns_year(rd).as_deref())
        .map(|t| keys_of(&t))
        .unwrap_or_default()
}

/// The header block's columns, named by the header cells above them (a column spanning several
/// sheet columns by every header cell over any of them) and by their own `label`/`aliases`.
fn def_columns<'f>(rd: &Reader<'f>, bi: usize, slot_base: usize) -> Vec<DefCol<'f>> {
    let block = &rd.form.blocks[bi];
    let cells = header_cells(block);
    let mut out = Vec::new();
    for (pi, p) in block.panels.iter().enumerate() {
        let off = block.panel_offset(pi);
        for col in &p.columns {
            let pos = off + p.column_offset(&col.id).unwrap_or(0);
            let over: Vec<_> = cells
                .iter()
                .filter(|h| h.col < pos + col.span && pos < h.col + h.cols)
                .collect();
            let mut texts: HashSet<String> = over.iter().flat_map(|h| dated(rd, &h.text)).collect();
            let mut leaf: Vec<String> = col
                .label
                .iter()
                .chain(col.aliases.iter())
                .flat_map(|l| dated(rd, l))
                .collect();
            // The lowest header cell over the column's first sheet column names it.
            if let Some(lowest) = over
                .iter()
                .filter(|h| h.col <= pos && pos < h.col + h.cols)
                .max_by_key(|h| h.row + h.rows)
            {
                leaf.extend(dated(rd, &lowest.text));
            }
            texts.extend(leaf.iter().cloned());
            leaf.retain(|k| !k.is_empty());
            out.push(DefCol {
                slot: slot_base + pi,
                col,
                texts,
                leaf,
                syn: Vec::new(),
                rivals: Vec::new(),
                figures: Vec::new(),
            });
        }
    }
    out
}

/// Columns of a block without header that continues the table above: named only by their
/// own `label`/`aliases` (columns without any are placed by position, see [`read_table`]).
fn continuation_columns<'f>(rd: &Reader<'f>, bi: usize, slot_base: usize) -> Vec<DefCol<'f>> {
    let block = &rd.form.blocks[bi];
    let mut out = Vec::new();
    for (pi, p) in block.panels.iter().enumerate() {
        for col in &p.columns {
            let leaf: Vec<String> = col
                .label
                .iter()
                .chain(col.aliases.iter())
                .flat_map(|l| dated(rd, l))
                .filter(|k| !k.is_empty())
                .collect();
            out.push(DefCol {
                slot: slot_base + pi,
                col,
                texts: leaf.iter().cloned().collect(),
                leaf,
                syn: Vec::new(),
                rivals: Vec::new(),
                figures: Vec::new(),
            });
        }
    }
    out
}

/// A table block without header rows right after another table continues it: its rows come
/// under the same header (a 合计 row above a list of units, 部门公开表07/09; perf-base's
/// project list and the fixed rows after it), so they are read in one pass over the rows.
pub(crate) fn continues_above(form: &Form, bi: usize) -> bool {
    bi > 0
        && form.blocks[bi].is_table()
        && form.blocks[bi].header.is_empty()
        && form.blocks[bi - 1].is_table()
}

/// The words of the table being read: its rows' labels, its header texts and the leaf
/// header texts that name one column each.
struct TableWords<'a> {
    row_labels: &'a HashSet<String>,
    header: &'a HeaderWords,
    leaf: &'a HeaderWords,
}

/// Header words of a table (or its columns' own names), found in a sheet's header however it
/// dresses them: "决算数（万元）" with its unit, "2024年决算数" or "2024年度决算数" with the
/// table's year in front.
pub(super) struct HeaderWords {
    words: HashSet<String>,
    year: YearInFront,
    /// Endings that make any text one of the words (a 科目 column's header, see
    /// [`crate::form::Vocabulary::is_code_header`]); none for the leaf words.
    endings: Vec<String>,
}

/// Which year may stand in front of a header word.
#[derive(Clone)]
enum YearInFront {
    /// This one: the table's own, as its title gives it, or else the one year its header
    /// shows.
    Own(String),
    /// None: the header shows several years (2023年预算数 beside 2024年预算数), or the form's
    /// columns are named by their years, so a year is part of a column's name.
    No,
}

impl HeaderWords {
    fn new(rd: &Reader, words: HashSet<String>) -> HeaderWords {
        HeaderWords {
            words,
            year: year_in_front(rd),
            endings: Vec::new(),
        }
    }
    /// The words, and any header of a 科目 column however the vocabulary lets it end.
    fn with_code_headers(rd: &Reader, words: HashSet<String>) -> HeaderWords {
        HeaderWords {
            endings: rd.vocab.code_header_endings.clone(),
            ..HeaderWords::new(rd, words)
        }
    }
    fn has(&self, k: &str) -> bool {
        self.words.contains(k) || self.endings.iter().any(|e| k.ends_with(e.as_str()))
    }
    fn len(&self) -> usize {
        self.words.len()
    }
    /// Whether sheet text key `k` is one of the words, as it is or undressed.
    fn contains(&self, k: &str) -> bool {
        self.has(k) || undressed(k, &self.year).iter().any(|u| self.has(u))
    }
}

/// Which year may stand in front of a header word of `rd`'s form: the title's; without one,
/// the year the texts at the top of the sheet show, when they show one year only and no
/// column of the form is named by its year.
fn year_in_front(rd: &Reader) -> YearInFront {
    if let Some(y) = &rd.data.year {
        return YearInFront::Own(y.clone());
    }
    let shown = rd.header_year.get_or_init(|| {
        if dates_its_columns(rd.form) {
            return None;
        }
        let first = super::first_filled_row(rd.sheet);
        let mut years = (first..rd.sheet.height().min(first + 20))
            .flat_map(|r| rd.sheet.row(r))
            .filter_map(|(_, cell)| cell.as_text())
            .filter_map(|t| year_in_front_of(&label_key(t)).map(str::to_string));
        match (years.next(), years.collect::<HashSet<_>>()) {
            (Some(y), others) if others.iter().all(|o| *o == y) => Some(y),
            _ => None,
        }
    });
    shown.clone().map_or(YearInFront::No, YearInFront::Own)
}

/// The year a text starts with ("2024年…", "2024年度…").
fn year_in_front_of(text: &str) -> Option<&str> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    (digits == 4 && matches!(&text[..2], "19" | "20") && text[4..].starts_with('年'))
        .then(|| &text[..4])
}

/// Whether a column of `form` is named with a year (`{year}年决算数`, `{prev_year}年决算数`).
fn dates_its_columns(form: &Form) -> bool {
    let dated = |t: &str| t.contains("{year}") || t.contains("{prev_year}");
    form.blocks.iter().any(|b| {
        b.header.iter().flatten().any(|h| dated(h.text()))
            || b.panels.iter().flat_map(|p| &p.columns).any(|c| {
                c.label.as_deref().is_some_and(dated) || c.aliases.iter().any(|a| dated(a))
            })
    })
}

/// What a header text `k` names without its dress: without a parenthesised aside (a unit),
/// without a `year` in front, without both. Empty when it wears neither (the common case
/// costs no allocation).
fn undressed(k: &str, year: &YearInFront) -> Vec<String> {
    let mut out = Vec::new();
    let bare = k
        .contains('(')
        .then(|| strip_parens(k))
        .filter(|b| !b.is_empty());
    for text in std::iter::once(k).chain(bare.as_deref()) {
        if let Some(rest) = without_year(text, year).filter(|r| !r.is_empty()) {
            out.push(rest.to_string());
        }
    }
    out.extend(bare);
    out
}

/// `text` without the year in front of it ("2024年" or "2024年度"), when `year` allows it.
fn without_year<'t>(text: &'t str, year: &YearInFront) -> Option<&'t str> {
    let rest = match year {
        YearInFront::Own(y) => text.strip_prefix(y.as_str())?,
        YearInFront::No => return None,
    };
    rest.strip_prefix("年度")
        .or_else(|| rest.strip_prefix('年'))
}

/// One panel of the table being read, with where its columns are in the sheet.
pub(super) struct Slot<'f> {
    /// Which of the blocks read together (0 = the block with the header).
    part: usize,
    pub(super) panel: &'f Panel,
    /// Each definition column's sheet column (looked up for every cell a row reads).
    pub(super) cols: FastMap<&'f str, u16>,
}

/// Whether a row's keys are a 栏次 row: the word 栏次 (or `*` marks) with column marks, or at
/// least three column marks numbering the columns (consecutively, but for up to two columns a
/// table was printed without: `1 3 4 5 6 7`, from 1). Columns a unit moved take their marks
/// with them (`1 2 5 4 3`): distinct marks of the columns from 1 in any order are a 栏次 row
/// too, but for three plain numbers whose first is not 1 (`3 2 1` is a row of figures adding
/// up, as a total and its two parts do).
fn is_column_number_row(keys: &[String]) -> bool {
    if keys.iter().any(|k| is_marks_word(k)) {
        return keys
            .iter()
            .all(|k| is_marks_word(k) || column_mark(k).is_some());
    }
    let marks: Option<Vec<(u32, bool)>> = keys.iter().map(|k| column_mark(k)).collect();
    let Some(marks) = marks.filter(|m| m.len() >= 3) else {
        return false;
    };
    let all_plain = marks.iter().all(|&(_, plain)| plain);
    let increasing = marks.windows(2).all(|w| w[0].0 < w[1].0);
    if increasing {
        return !all_plain || numbers_columns(&marks.iter().map(|m| m.0).collect::<Vec<_>>());
    }
    let mut sorted: Vec<u32> = marks.iter().map(|m| m.0).collect();
    sorted.sort_unstable();
    let distinct = sorted.windows(2).all(|w| w[0] < w[1]);
    let moved = !all_plain || marks.len() > 3 || marks[0].0 == 1;
    distinct && moved && sorted[0] == 1 && numbers_columns(&sorted)
}

/// Whether increasing numbers `marks` number a table's columns: consecutive, or from 1 with up
/// to two numbers skipped (columns printed without) when there are four or more.
fn numbers_columns(marks: &[u32]) -> bool {
    let (first, last) = (marks[0], marks[marks.len() - 1]);
    let skipped = (last - first + 1) as usize - marks.len();
    skipped == 0 || (first == 1 && skipped <= 2 && marks.len() >= 4)
}

/// Whether key `k` may stand in a 栏次 row: its word or a column mark. Every key of a row
/// [`is_column_number_row`] accepts is one.
fn is_mark(k: &str) -> bool {
    is_marks_word(k) || column_mark(k).is_some()
}

/// The word of a 栏次 row's first cell: 栏次, or `*` marks.
fn is_marks_word(k: &str) -> bool {
    k == "栏次" || (!k.is_empty() && k.chars().all(|c| c == '*'))
}

/// The number a 栏次 mark gives its column, and whether the mark is a plain number: `3`, `3.00`
/// (a number shown as text), `三`; `(3)`, `[3]`, `第3栏`, `3栏`, `③`; or a formula label
/// `1=2+3+4` (its first number).
fn column_mark(k: &str) -> Option<(u32, bool)> {
    const MOST: u32 = 60;
    let number = |t: &str| {
        let whole = zero_tail(t).unwrap_or(t);
        whole
            .parse::<u32>()
            .ok()
            .or_else(|| chinese_count(t))
            .filter(|&n| n <= MOST)
    };
    if let Some(n) = number(k) {
        return Some((n, true));
    }
    let mut chars = k.chars();
    if let (Some(c @ '①'..='⑳'), None) = (chars.next(), chars.next()) {
        return Some((c as u32 - '①' as u32 + 1, false));
    }
    let bare = k.strip_prefix('第').unwrap_or(k);
    let bare = bare.strip_suffix('栏').unwrap_or(bare);
    let bare = bare
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .or_else(|| bare.strip_prefix('[').and_then(|t| t.strip_suffix(']')))
        .unwrap_or(bare);
    if bare != k {
        return number(bare).map(|n| (n, false));
    }
    let (first, rest) = k.split_once('=')?;
    let formula = |c: char| c.is_ascii_digit() || "+-*/=×÷,、".contains(c);
    (!rest.is_empty() && rest.chars().all(formula))
        .then(|| number(first))
        .flatten()
        .map(|n| (n, false))
}

fn row_keys(rd: &Reader, r: u32) -> Vec<String> {
    let sheet = rd.sheet;
    // Each cell's merged region is found once: whether the cell starts it, then what it shows.
    let key = |c: u16| {
        let merge = sheet.merge_at(r, c);
        match merge.is_none_or(|m| m.first_col == c) {
            true => super::cell_key_text(sheet.shown_through(r, c, merge)),
            false => None,
        }
    };
    sheet.shown_cols(r).into_iter().filter_map(key).collect()
}

fn row_has_number(rd: &Reader, r: u32) -> bool {
    rd.sheet
        .row(r)
        .any(|(_, cell)| matches!(cell, Cell::Number(_)))
}

/// Keys of the cells of row `r` not in a hidden column (a column the unit hid, holding last
/// year's figures, numbers the 栏次 row on too): empty when the sheet hides no column.
fn shown_keys(rd: &Reader, r: u32) -> Vec<String> {
    let hidden = &rd.sheet.hidden_lines;
    if hidden.cols.is_empty() {
        return Vec::new();
    }
    let sheet = rd.sheet;
    (sheet.shown_cols(r).into_iter())
        .filter(|&c| !hidden.hides(r, c) && !sheet.is_covered(r, c))
        .filter_map(|c| super::cell_key_text(sheet.shown(r, c)))
        .collect()
}

/// Keys of the cells that start in row `r`: a cell merged down from a row above belongs to
/// that row (a header cell spanning two header rows is not a text of the lower one).
fn own_keys(rd: &Reader, r: u32) -> Vec<String> {
    rd.sheet
        .shown_cols(r)
        .into_iter()
        .filter(|&c| !rd.sheet.is_covered(r, c))
        .filter_map(|c| rd.text_key(r, c))
        .collect()
}

/// Whether row `r` shows a cell that starts in it (see [`own_keys`]).
fn has_own_cell(rd: &Reader, r: u32) -> bool {
    (rd.sheet.shown_cols(r).into_iter())
        .any(|c| !rd.sheet.is_covered(r, c) && rd.text_key(r, c).is_some())
}

/// The own keys (see [`own_keys`]) of row `r` under `slot`'s columns that `which` takes, not
/// read yet: (column id, sheet column, key).
fn own_keys_in(
    rd: &Reader,
    slot: &Slot,
    r: u32,
    which: impl Fn(&ColumnDef) -> bool,
) -> Vec<(String, u16, String)> {
    slot.panel
        .columns
        .iter()
        .filter(|col| which(col))
        .filter_map(|col| slot.cols.get(&*col.id).map(|&c| (col, c)))
        .filter(|&(_, c)| !rd.sheet.is_covered(r, c) && !rd.consumed.contains(&(r, c)))
        .filter_map(|(col, c)| rd.text_key(r, c).map(|k| (col.id.to_string(), c, k)))
        .collect()
}

/// Whether row `r` (its keys `keys`) is a 栏次 row, by all its keys or by its own: the side
/// label merged down beside the table (绩效指标) is no mark of the row.
fn is_marks_row(rd: &Reader, r: u32, keys: &[String]) -> bool {
    if is_column_number_row(keys) || is_column_number_row(&shown_keys(rd, r)) {
        return true;
    }
    // The header of a column the unit added (上年决算数, 2022年决算数, 增减%, 序号) written on
    // the 栏次 row, the only row that column heads.
    let added = |k: &str| {
        let (year, undated) = dated_key(k);
        rd.vocab.heads_added_column(k)
            || (year.is_some() && matches!(undated, "决算数" | "决算" | "预算数" | "预算"))
    };
    // The keys left are a 栏次 row only if each is a mark: a data row is told by its first key
    // that is neither mark nor added header, before any key is copied.
    if keys.iter().all(|k| is_mark(k) || added(k)) {
        let unadded: Vec<String> = (keys.iter()).filter(|k| !added(k)).cloned().collect();
        if unadded.len() < keys.len() && is_column_number_row(&unadded) {
            return true;
        }
    }
    // Own keys are made again only for a row of marks but for one key (the side label): the
    // row of every other table is settled by the test above.
    keys.len() >= 4
        && keys.iter().filter(|k| !is_mark(k)).take(2).count() == 1
        && is_column_number_row(&own_keys(rd, r))
}

/// Keys naming any row of the definition (to tell data rows from header rows).
fn row_label_keys(rd: &Reader, blocks: &[usize]) -> HashSet<String> {
    let mut set = HashSet::new();
    for p in blocks.iter().flat_map(|&b| &rd.form.blocks[b].panels) {
        // A panel with no label column prints its rows' labels, if at all, as a heading
        // (公开09表's 财政拨款“三公”经费 over its one row): header text, not a row's label.
        let labelled = p
            .columns
            .iter()
            .any(|c| matches!(c.kind, ColKind::Label | ColKind::Line | ColKind::Code));
        for r in p.rows.iter().filter(|_| labelled) {
            for l in r.label.iter().chain(r.aliases.iter()) {
                set.insert(strip_ordinal(&label_key(l)));
            }
        }
        if let Some(c) = &p.coded {
            set.insert(label_key(&c.total));
        }
    }
    set
}

pub(crate) use crate::normalize::strip_ordinal;

/// How the key of a 科目 row read without a code starts (the name key follows).
pub const UNCODED: &str = "?";

/// How well definition column `d` fits a sheet column headed by `texts`: 0 when no leaf key
/// (or, weaker, no synonym of one) heads it, else more for every header text they share.
fn column_fit(d: &DefCol, texts: &HashSet<String>) -> u32 {
    let rival = d.rivals.iter().any(|k| texts.contains(k));
    if rival && !d.figures.iter().any(|k| texts.contains(k)) {
        return 0;
    }
    let base = if d.leaf.iter().any(|k| texts.contains(k)) {
        10
    } else if d.syn.iter().any(|k| texts.contains(k)) {
        6
    } else {
        return 0;
    };
    base + d.texts.intersection(texts).count() as u32
}

/// Weighted ordered alignment of definition columns with sheet columns (an LCS where a
/// pair scores by the header texts they share): returns the sheet column of each def column.
/// Columns the order leaves apart are then paired where their whole header path agrees
/// (公开09表 printed item by item, 预算数 | 决算数 under each, against the definition's
/// 预算数 block then 决算数 block).
pub(super) fn align(defs: &[DefCol], sheet_texts: &[HashSet<String>]) -> Vec<Option<u16>> {
    let (n, m) = (defs.len(), sheet_texts.len());
    let score = |i: usize, j: usize| column_fit(&defs[i], &sheet_texts[j]);
    let mut dp = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let s = score(i, j);
            let take = if s > 0 { s + dp[i + 1][j + 1] } else { 0 };
            dp[i][j] = take.max(dp[i + 1][j]).max(dp[i][j + 1]);
        }
    }
    let mut out = vec![None; n];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        let s = score(i, j);
        if s > 0 && dp[i][j] == s + dp[i + 1][j + 1] {
            out[i] = Some(j as u16);
            i += 1;
            j += 1;
        } else if dp[i][j] == dp[i + 1][j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pair_out_of_order(defs, sheet_texts, &mut out);
    out
}

/// Aligns side-by-side panels with the sheet's column groups, in order, one panel a group
/// (a group starts at a key column — code, name, label, 行次 — after a non-key column): the
/// real 公开06表 prints two groups for the definition's three panels, and a panel without a
/// group of its own is read through the group whose rows name it (see `read_panel_row`).
/// With one panel, or one group, the whole row is aligned at once.
fn align_panels(rd: &Reader, defs: &[DefCol], sheet_texts: &[HashSet<String>]) -> Vec<Option<u16>> {
    let mut slots: Vec<usize> = defs.iter().map(|d| d.slot).collect();
    slots.dedup();
    let groups = column_groups(rd, defs, sheet_texts);
    if slots.len() < 2 {
        return align(defs, sheet_texts);
    }
    if groups.len() < 2 {
        return one_group(defs, &slots, sheet_texts);
    }
    // fit[s][g]: the alignment of panel s inside group g and its score.
    let fits: Vec<Vec<(u32, Vec<Option<u16>>)>> = slots
        .iter()
        .map(|&slot| {
            let own: Vec<usize> = (0..defs.len()).filter(|&i| defs[i].slot == slot).collect();
            let panel_defs: Vec<DefCol> = own.iter().map(|&i| defs[i].clone()).collect();
            groups
                .iter()
                .map(|&(lo, hi)| {
                    let inside = texts_inside(sheet_texts, lo, hi);
                    let m = align(&panel_defs, &inside);
                    let score = panel_defs
                        .iter()
                        .zip(&m)
                        .filter_map(|(d, m)| m.map(|c| column_fit(d, &inside[c as usize])))
                        .sum();
                    (score, m)
                })
                .collect()
        })
        .collect();
    // best[s][g]: best total placing panels s.. in groups g.. in order.
    let (np, ng) = (slots.len(), groups.len());
    let mut best = vec![vec![0u32; ng + 1]; np + 1];
    for si in (0..np).rev() {
        for g in (0..ng).rev() {
            let take = fits[si][g].0 + best[si + 1][g + 1];
            best[si][g] = take.max(best[si + 1][g]).max(best[si][g + 1]);
        }
    }
    let mut out = vec![None; defs.len()];
    let (mut si, mut g) = (0, 0);
    while si < np && g < ng {
        let take = fits[si][g].0 + best[si + 1][g + 1];
        if fits[si][g].0 > 0 && best[si][g] == take {
            let own = (0..defs.len()).filter(|&i| defs[i].slot == slots[si]);
            for (i, m) in own.zip(&fits[si][g].1) {
                out[i] = *m;
            }
            si += 1;
            g += 1;
        } else if best[si][g] == best[si + 1][g] {
            si += 1;
        } else {
            g += 1;
        }
    }
    out
}

/// The alignment of one group of sheet columns with several side-by-side panels: the whole
/// row at once, unless one panel alone fits the group as well. A group is one panel's
/// columns (the others, stacked below, are read through it): its code under one panel and its
/// amounts under another (公用经费 over 科目代码 | 项目 | 金额, a header both of 公开06表's 公用经费
/// panels carry) would read no row.
fn one_group(
    defs: &[DefCol],
    slots: &[usize],
    sheet_texts: &[HashSet<String>],
) -> Vec<Option<u16>> {
    let score = |m: &[Option<u16>]| -> u32 {
        defs.iter()
            .zip(m)
            .filter_map(|(d, m)| m.map(|c| column_fit(d, &sheet_texts[c as usize])))
            .sum()
    };
    let whole = align(defs, sheet_texts);
    let spread = |m: &[Option<u16>]| {
        let mut used: Vec<usize> = defs
            .iter()
            .zip(m)
            .filter(|(_, m)| m.is_some())
            .map(|(d, _)| d.slot)
            .collect();
        used.dedup();
        used.len() > 1
    };
    if !spread(&whole) {
        return whole;
    }
    let mut best = (score(&whole), whole);
    for &slot in slots {
        let own: Vec<usize> = (0..defs.len()).filter(|&i| defs[i].slot == slot).collect();
        let panel_defs: Vec<DefCol> = own.iter().map(|&i| defs[i].clone()).collect();
        let mut m = vec![None; defs.len()];
        for (&i, c) in own.iter().zip(align(&panel_defs, sheet_texts)) {
            m[i] = c;
        }
        let s = score(&m);
        if s > best.0 || s == best.0 && spread(&best.1) {
            best = (s, m);
        }
    }
    best.1
}

/// A panel whose name column went unplaced, with a free column headed by a word of a code
/// column's header (项目 over the names) left of its other placed columns and, when its code
/// column is placed, right of that (科目编码 | 项目 | 决算数): that column holds the names.
fn place_bare_names(
    rd: &Reader,
    defs: &[DefCol],
    sheet_texts: &[HashSet<String>],
    mapping: &mut [Option<u16>],
) {
    let used: HashSet<u16> = mapping.iter().flatten().copied().collect();
    for i in 0..defs.len() {
        if defs[i].col.kind != ColKind::Name || mapping[i].is_some() {
            continue;
        }
        let slot = defs[i].slot;
        let own: Vec<usize> = (0..defs.len()).filter(|&j| defs[j].slot == slot).collect();
        let is_code = |j: usize| defs[j].col.kind == ColKind::Code;
        let code = own.iter().find(|&&j| is_code(j)).and_then(|&j| mapping[j]);
        let Some(first) = own
            .iter()
            .filter(|&&j| !is_code(j))
            .filter_map(|&j| mapping[j])
            .min()
        else {
            continue;
        };
        // The nearest headed column on the left (an empty one may stand between).
        let Some(left) = (0..first)
            .rev()
            .take_while(|&c| code.is_none_or(|k| c > k))
            .find(|&c| !sheet_texts[c as usize].is_empty())
        else {
            continue;
        };
        let texts = &sheet_texts[left as usize];
        let headed = texts.iter().any(|t| rd.vocab.is_code_header(t));
        // Beside a placed code column, a 款 or 项 column is the code's, not the names'.
        let level = code.is_some() && texts.iter().any(|t| is_level_word(t));
        if headed && !level && !used.contains(&left) {
            mapping[i] = Some(left);
        }
    }
}

/// The sheet's column groups as (first, after-last) column: a group starts at a key column
/// (one whose header names a code, name, label or 行次 column of the form, or a code header of
/// the vocabulary) that follows a column holding a header and no key.
fn column_groups(
    rd: &Reader,
    defs: &[DefCol],
    sheet_texts: &[HashSet<String>],
) -> Vec<(usize, usize)> {
    let mut keys: HashSet<&String> = HashSet::new();
    for d in defs.iter().filter(|d| {
        matches!(
            d.col.kind,
            ColKind::Code | ColKind::Name | ColKind::Label | ColKind::Line
        )
    }) {
        keys.extend(d.leaf.iter().chain(&d.syn));
    }
    let is_key = |c: usize| {
        sheet_texts[c]
            .iter()
            .any(|t| keys.contains(t) || rd.vocab.is_code_header(t))
    };
    // A column headed only by a section over several (公用经费 over an empty column left
    // between code and name) names no column: it neither ends nor starts a group.
    let names: HashSet<&String> = defs
        .iter()
        .flat_map(|d| d.leaf.iter().chain(&d.syn))
        .collect();
    let headed = |c: usize| is_key(c) || sheet_texts[c].iter().any(|t| names.contains(t));
    let mut starts: Vec<usize> = Vec::new();
    for c in 0..sheet_texts.len() {
        let after_value = starts.is_empty()
            || (0..c)
                .rev()
                .find(|&p| headed(p))
                .is_some_and(|p| !is_key(p));
        if is_key(c) && after_value {
            starts.push(c);
        }
    }
    starts
        .iter()
        .enumerate()
        .map(|(i, &lo)| (lo, starts.get(i + 1).copied().unwrap_or(sheet_texts.len())))
        .collect()
}

/// Pairs the definition columns the ordered alignment left without a sheet column with free
/// sheet columns whose header path holds the leaf and another header text of theirs.
fn pair_out_of_order(defs: &[DefCol], sheet_texts: &[HashSet<String>], out: &mut [Option<u16>]) {
    let mut used: HashSet<u16> = out.iter().flatten().copied().collect();
    for i in 0..defs.len() {
        if out[i].is_some() {
            continue;
        }
        let fits: Vec<(u32, u16)> = (0..sheet_texts.len() as u16)
            .filter(|j| !used.contains(j))
            .map(|j| (column_fit(&defs[i], &sheet_texts[j as usize]), j))
            .filter(|(fit, _)| *fit > 0)
            .collect();
        // The leaf alone is enough where it names one free column and one column of the
        // definition (三级指标 printed after 年度指标值).
        let named_once = fits.len() == 1 && leaf_unique(defs, i);
        let best = fits
            .into_iter()
            .filter(|(fit, _)| *fit >= 12 || named_once)
            .max_by_key(|(fit, j)| (*fit, std::cmp::Reverse(*j)));
        if let Some((_, j)) = best {
            out[i] = Some(j);
            used.insert(j);
        }
    }
}

/// Whether no other definition column shares a leaf key with column `i`.
fn leaf_unique(defs: &[DefCol], i: usize) -> bool {
    !defs
        .iter()
        .enumerate()
        .any(|(j, d)| j != i && d.leaf.iter().any(|k| defs[i].leaf.contains(k)))
}

/// Whether a header key is one of the 类 | 款 | 项 words over the columns of a split code.
fn is_level_word(key: &str) -> bool {
    matches!(key, "类" | "款" | "项")
}

/// The 类 | 款 | 项 words of split code columns printed on the first data row, beside its
/// 合计 (公开02表 as published: `类 | 款 | 项 | 合计 | 2946.25 …`): header texts of their
/// columns, not values.
fn take_level_words(rd: &mut Reader, r: u32, sheet_texts: &mut [HashSet<String>]) {
    let levels: Vec<u16> = (0..sheet_texts.len() as u16)
        .filter(|&c| rd.text_key(r, c).is_some_and(|k| is_level_word(&k)))
        .collect();
    if levels.len() < 2 {
        return;
    }
    for c in levels {
        if let Some(k) = rd.text_key(r, c) {
            sheet_texts[c as usize].insert(k);
        }
        rd.consume(r, c);
    }
}

/// The header words printed on the first data row right of its label, when the label is one
/// of the table's rows (公开07表 as Shanghai publishes it: `合计 | | 0 | 2002.80 | 合计 |
/// 基本支出 | 项目支出 | 0`, the sub-headers of 本年支出 in the 合计 row): header texts of the
/// columns they stand in, and blank cells of the row, whose other cells are its figures. Two
/// words at least, so that one text typed where a figure goes is still the cell's (and
/// reported as not a number).
fn take_header_words_beside_label(
    rd: &mut Reader,
    r: u32,
    sheet_texts: &mut [HashSet<String>],
    table: &TableDef,
) -> bool {
    let mut texts = rd
        .sheet
        .shown_cols(r)
        .into_iter()
        .filter(|&c| !rd.sheet.is_covered(r, c))
        .filter_map(|c| rd.text_key(r, c).map(|k| (c, k)));
    // The label in a column of labels (headed by a code header, or by nothing): a 合计 under
    // 本年支出 is a header word of a header row below the anchor.
    let labels_column = |c: u16| {
        sheet_texts
            .get(c as usize)
            .is_none_or(|t| t.is_empty() || t.iter().any(|k| rd.vocab.code_headers.contains(k)))
    };
    // The label: the first text of the row that is not a 序号 (a number in front of it).
    let labelled = texts
        .find(|&(c, _)| !matches!(rd.sheet.get(r, c), Cell::Number(_)))
        .is_some_and(|(c, k)| labels_column(c) && table.row_labels.contains(&strip_ordinal(&k)));
    // A row not labelled so (every data row of a table with none) is settled before the keys
    // of its other cells are made.
    if !labelled {
        return false;
    }
    let words: Vec<(u16, String)> = texts.filter(|(_, k)| table.leaf.contains(k)).collect();
    if words.len() < 2 {
        return false;
    }
    for (c, k) in words {
        if let Some(t) = sheet_texts.get_mut(c as usize) {
            t.insert(k);
        }
        rd.consume(r, c);
        rd.header_in_rows.insert((r, c));
    }
    true
}

/// [`take_header_words_beside_label`] on the first data row that has them: the 合计 row
/// printing the sub-headers may be the table's last (合计 at the bottom). The rows looked at
/// end at the first empty one after a filled one.
fn take_header_words_in_rows(
    rd: &mut Reader,
    data_start: u32,
    sheet_texts: &mut [HashSet<String>],
    table: &TableDef,
) {
    let mut filled = false;
    for r in data_start..rd.sheet.height() {
        let empty = rd.sheet.shown_cols(r).is_empty();
        if empty && filled || take_header_words_beside_label(rd, r, sheet_texts, table) {
            return;
        }
        filled |= !empty;
    }
}

/// Sheet columns as alignment sees them: the 款 and 项 columns of a split code are part of
/// the code column headed over the 类 one (a header 科目编码 over 类 | 款 is one code column,
/// not two), so they name nothing of their own.
fn without_lower_levels(sheet_texts: &[HashSet<String>]) -> Vec<HashSet<String>> {
    sheet_texts
        .iter()
        .map(|t| {
            if t.contains("款") || t.contains("项") && !t.contains("项目") {
                HashSet::new()
            } else {
                t.clone()
            }
        })
        .collect()
}

/// Where each panel's codes are read from in the sheet.
#[derive(Clone, Copy)]
pub(super) enum CodeSource {
    None,
    Single(u16),
    /// 类, 款 and (for function codes) 项 columns.
    Split(u16, u16, Option<u16>),
}

/// Reads the table of block `bi` (with the headerless blocks that continue it) from row
/// `start` on: finds its header, places its columns, reads its rows and footer. Returns the
/// row after the table (`start` when no header is found).
pub(crate) fn read_table(rd: &mut Reader, bi: usize, start: u32) -> u32 {
    let table = TableDef::new(rd, bi);
    let height = rd.sheet.height();
    // 1. The header's anchor.
    let Some(anchor) = table.anchor_row(rd, start) else {
        rd.held_tables
            .push(super::unheaded::HeldTable { block: bi, start });
        return start;
    };
    // 2. Header rows around it; a note on a row of its own above them (an empty table's
    // 空表说明 printed under the title) is kept as the table's remark.
    let first = table.header_top(rd, start, anchor);
    for r in start..first {
        if super::is_note_row(rd, r) {
            super::keep_as_remark(rd, r);
        }
    }
    let data_start = table.first_data_row(rd, anchor);
    for r in first..data_start {
        rd.consume_row(r);
    }
    super::settle_money_unit(rd, first..data_start, (anchor, 0));
    // 3. Align sheet columns with definition columns by their header texts.
    let mut sheet_texts = column_texts(rd, first..data_start);
    take_level_words(rd, data_start, &mut sheet_texts);
    take_header_words_in_rows(rd, data_start, &mut sheet_texts, &table);
    let mut walk = RowWalk::new(rd, &table, &sheet_texts, data_start);
    // 4. Rows.
    while walk.r < height {
        if !walk.step(rd) {
            break;
        }
    }
    let r = walk.r;
    let line_words = !table.reads_line_numbers();
    consume_serial_numbers(rd, &sheet_texts, data_start..r.min(height), line_words);
    note_remark_column(rd, &sheet_texts, data_start..r.min(height));
    note_comparison_columns(rd, &walk.aligned, &sheet_texts, data_start..r.min(height));
    column_marks::note_marked(rd, &walk.marked);
    let end = table.read_footers(rd, r, walk.last_data.map_or(data_start, |l| l + 1));
    table.consume_side_labels(rd, first..end.min(height));
    end.max(r.min(height))
}

/// The numbers of a column headed 序号 (a column no form has, numbering the rows) over `rows`
/// are the rows' order, read as nothing: consumed, so they are not values outside the form.
/// So are those of a column headed 行次 (or 行号) in a table whose form has none (`line_words`):
/// a 预算 收支总表 printed in the 决算 tables' layout numbers its rows so. Anything else in
/// the column (a text, a fraction) stays outside, to be reported.
fn consume_serial_numbers(
    rd: &mut Reader,
    sheet_texts: &[HashSet<String>],
    rows: std::ops::Range<u32>,
    line_words: bool,
) {
    let line = |k: &String| k == "行次" || rd.vocab.synonyms_of("行次").contains(k);
    let serial: Vec<u16> = (0..sheet_texts.len())
        .filter(|&c| {
            sheet_texts[c]
                .iter()
                .any(|k| rd.vocab.serial_headers.contains(k) || line_words && line(k))
        })
        .filter_map(|c| u16::try_from(c).ok())
        .collect();
    for c in serial {
        for r in rows.clone() {
            if is_serial_number(rd.sheet.get(r, c)) {
                rd.consume(r, c);
            }
        }
    }
}

/// A whole number not below zero, typed or as text: a row's number in a 序号 column.
pub(super) fn is_serial_number(cell: &Cell) -> bool {
    match cell {
        Cell::Number(n) => n.fract().is_zero() && !n.is_sign_negative(),
        Cell::Text(t) => !t.trim().is_empty() && t.trim().bytes().all(|b| b.is_ascii_digit()),
        _ => false,
    }
}

/// The texts of a column headed 备注 (a column no form has) over `rows`: remarks on their
/// rows, kept where they are and noted rather than warned about (see `read_rest`).
fn note_remark_column(
    rd: &mut Reader,
    sheet_texts: &[HashSet<String>],
    rows: std::ops::Range<u32>,
) {
    let headed = |c: usize| {
        sheet_texts[c]
            .iter()
            .any(|k| rd.vocab.remark_headers.contains(k))
    };
    let remarks: Vec<u16> = (0..sheet_texts.len())
        .filter(|&c| headed(c))
        .filter_map(|c| u16::try_from(c).ok())
        .collect();
    for c in remarks {
        for r in rows.clone() {
            if matches!(rd.sheet.get(r, c), Cell::Text(t) if !t.trim().is_empty()) {
                rd.remark_cells.insert((r, c));
            }
        }
    }
}

/// The figures of a column the unit added to compare (上年决算数, 年初预算数, 增减额; see
/// [`Vocabulary::comparison_headers`]) over `rows`: values outside the form all the same, but
/// known for what they are (see [`super::unplaced_numbers`]). A column the header gave one of
/// the form's own (`aligned`) is none, whatever group header is above it; a dated 决算数 or
/// 预算数 is one beside the form's own figures, or when of a year before the latest.
fn note_comparison_columns(
    rd: &mut Reader,
    aligned: &HashSet<u16>,
    sheet_texts: &[HashSet<String>],
    rows: std::ops::Range<u32>,
) {
    // The year a header's dated figures are this year's: the title's, else the latest shown.
    let year_of = |k: &str| dated_key(k).0.filter(|y| y.len() == 4)?.parse::<u32>().ok();
    let this_year = rd
        .data
        .year
        .as_deref()
        .and_then(|y| y.parse::<u32>().ok())
        .or_else(|| {
            sheet_texts
                .iter()
                .flatten()
                .filter_map(|k| year_of(k))
                .max()
        });
    let earlier = |k: &str| year_of(k).zip(this_year).is_some_and(|(y, own)| y < own);
    let headed = |c: usize| {
        let own = u16::try_from(c).is_ok_and(|c| aligned.contains(&c));
        !own && sheet_texts[c].iter().any(|k| {
            let (year, undated) = dated_key(k);
            let dated = year.is_some();
            // A budget table's (or a performance table's) own figures are its 预算数.
            let own_figures = rd.form.family != Family::Final
                && undated.contains("预算")
                && !undated.contains("年初")
                && !undated.contains("调整");
            // Another year's figures: beside the form's own (placed), or before the latest.
            let other_year = !aligned.is_empty() || earlier(k);
            (dated && other_year && matches!(undated, "决算数" | "决算" | "预算数" | "预算"))
                || (!own_figures && rd.vocab.is_comparison_header(undated))
        })
    };
    for c in (0..sheet_texts.len()).filter(|&c| headed(c)) {
        let Ok(c) = u16::try_from(c) else { continue };
        for r in rows.clone() {
            if !rd.consumed.contains(&(r, c)) && !rd.sheet.get(r, c).is_empty() {
                rd.comparison_cells.insert((r, c));
            }
        }
    }
}

/// A header key's leading digits (a year, "2023年决算数") and the rest after its 年 or 年度;
/// none and the key itself when it starts with no digit.
fn dated_key(k: &str) -> (Option<&str>, &str) {
    let rest = k.trim_start_matches(|ch: char| ch.is_ascii_digit());
    match rest.len() < k.len() {
        true => (
            Some(&k[..k.len() - rest.len()]),
            rest.trim_start_matches("年度").trim_start_matches('年'),
        ),
        false => (None, k),
    }
}

/// The blocks read together as one table (the block with the header, then the headerless
/// blocks that continue it), their definition columns and the words that tell the table's
/// header rows, data rows and end apart.
struct TableDef<'f> {
    /// The block with the header.
    bi: usize,
    /// `bi`, then the blocks that continue it.
    parts: Vec<usize>,
    /// The header block's columns.
    defs: Vec<DefCol<'f>>,
    /// Each continuing block's columns.
    cont_defs: Vec<Vec<DefCol<'f>>>,
    /// Every header text of the table (see [`header_words`]).
    header: HeaderWords,
    /// Keys naming one column each (leaf header texts and their synonyms).
    leaf: HeaderWords,
    /// Keys naming any row of the definition.
    row_labels: HashSet<String>,
    /// The blocks' footers, with the block each belongs to.
    footers: Vec<(usize, &'f [Vec<GridCellDef>])>,
    /// Keys of the footers' texts: where the rows reach one, the footer begins.
    footer_keys: HashSet<String>,
    /// Keys of the later blocks' labels: where the rows reach one, the table ends.
    stop_keys: HashSet<String>,
}

impl<'f> TableDef<'f> {
    fn new(rd: &Reader<'f>, bi: usize) -> Self {
        let form = rd.form;
        let parts: Vec<usize> = std::iter::once(bi)
            .chain((bi + 1..form.blocks.len()).take_while(|&b| continues_above(form, b)))
            .collect();
        let mut defs = def_columns(rd, bi, 0);
        add_synonyms(rd, &mut defs);
        let mut cont_defs = Vec::new();
        let mut base = form.blocks[bi].panels.len();
        for &b in &parts[1..] {
            let mut cont = continuation_columns(rd, b, base);
            add_synonyms(rd, &mut cont);
            cont_defs.push(cont);
            base += form.blocks[b].panels.len();
        }
        let all: Vec<&DefCol> = defs.iter().chain(cont_defs.iter().flatten()).collect();
        let header = HeaderWords::with_code_headers(rd, header_words(rd, &parts, &all));
        let leaf = HeaderWords::new(
            rd,
            all.iter()
                .flat_map(|d| d.leaf.iter().chain(&d.syn).cloned())
                .collect(),
        );
        let row_labels = row_label_keys(rd, &parts);
        let footers: Vec<(usize, &'f [Vec<GridCellDef>])> = parts
            .iter()
            .map(|&b| (b, form.blocks[b].footer.as_slice()))
            .filter(|(_, f)| !f.is_empty())
            .collect();
        let footer_keys = footer_keys(&footers);
        let mut stop_keys = later_block_keys(rd, *parts.last().unwrap_or(&bi));
        stop_keys.retain(|k| !row_labels.contains(k));
        TableDef {
            bi,
            parts,
            defs,
            cont_defs,
            header,
            leaf,
            row_labels,
            footers,
            footer_keys,
            stop_keys,
        }
    }

    /// Whether a column of the table is its 行次 (the 决算 收支总表 have one, 预算 tables none).
    fn reads_line_numbers(&self) -> bool {
        self.defs
            .iter()
            .chain(self.cont_defs.iter().flatten())
            .any(|d| d.col.kind == ColKind::Line)
    }

    fn words(&self) -> TableWords<'_> {
        TableWords {
            row_labels: &self.row_labels,
            header: &self.header,
            leaf: &self.leaf,
        }
    }

    /// The first row naming at least two of the form's columns is the header's anchor. A row
    /// naming one and a code header any 科目 table uses (项目 | 金额) anchors the table when
    /// data rows follow it before such a row (a section printed above the next header).
    fn anchor_row(&self, rd: &Reader, start: u32) -> Option<u32> {
        let needed = self.leaf.len().min(2);
        let names_columns = |r: u32, loose: bool| {
            let keys = row_keys(rd, r);
            let own: HashSet<&String> = keys.iter().filter(|k| self.leaf.contains(k)).collect();
            let coded = keys
                .iter()
                .filter(|k| loose && rd.vocab.is_code_header(k) && !own.contains(k))
                .collect::<HashSet<_>>();
            (needed == 0 || !own.is_empty())
                && own.len() + coded.len() >= needed
                && !keys.iter().any(|k| {
                    self.row_labels.contains(&strip_ordinal(k)) && !self.header.contains(k)
                })
        };
        let rows = start..rd.sheet.height().min(start + 80);
        let strict = rows.clone().find(|&r| names_columns(r, false));
        let loose = rows.clone().find(|&r| names_columns(r, true));
        match (loose, strict) {
            (Some(l), Some(s)) if (l + 1..s).any(|r| row_has_number(rd, r)) => Some(l),
            (_, Some(s)) => Some(s),
            (l, None) => l,
        }
    }

    /// The first header row: above the anchor while rows name parent headers.
    /// Between the lines above the table and the anchor, a row of texts is a header row too,
    /// whatever its words (公开08表 printed with 07's columns: 年初结转和结余 | 本年收入 …); the
    /// columns it names that the form lacks hold strays, if anything.
    fn header_top(&self, rd: &Reader, start: u32, anchor: u32) -> u32 {
        let mut first = anchor;
        while first > start {
            let keys = row_keys(rd, first - 1);
            let texts_only = !keys.is_empty()
                && !row_has_number(rd, first - 1)
                && !super::is_note_row(rd, first - 1);
            if texts_only
                && keys
                    .iter()
                    .any(|k| self.header.contains(k) || !self.row_labels.contains(k))
            {
                first -= 1;
            } else {
                break;
            }
        }
        first
    }

    /// The row after the header: below the anchor, header rows go on while every cell is a
    /// header text or a 栏次 mark.
    fn first_data_row(&self, rd: &Reader, anchor: u32) -> u32 {
        let height = rd.sheet.height();
        let mut data_start = anchor + 1;
        while data_start < height {
            let keys = row_keys(rd, data_start);
            if self.header_like(rd, data_start)
                || is_marks_row(rd, data_start, &keys)
                || self.words_over_marks(rd, data_start)
            {
                data_start += 1;
            } else if keys.is_empty()
                && !merged_over(rd, anchor..data_start + 2)
                && self.header_like(rd, data_start + 1)
            {
                // A header copied without its merges (from a web page) keeps the rows they
                // covered, empty.
                data_start += 2;
            } else {
                break;
            }
        }
        self.past_blank_rows(rd, data_start)
    }

    /// Whether row `r` is a header row by its place: its own cells texts only, none a row's
    /// label, right over the 栏次 row. A unit's own words for a column (决算数（万元） over
    /// 本级财政拨款's amounts) are header, not a row of data with nothing the form knows.
    fn words_over_marks(&self, rd: &Reader, r: u32) -> bool {
        let own = own_keys(rd, r);
        !own.is_empty()
            && !row_has_number(rd, r)
            && !own.iter().any(|k| is_own_label(&self.row_labels, k))
            && r + 1 < rd.sheet.height()
            && is_marks_row(rd, r + 1, &row_keys(rd, r + 1))
    }

    /// `r`, or the first row after the empty rows from `r` on when it shows a number: a blank
    /// row left between the header and the first row of figures is the table's spacing, not
    /// its end.
    fn past_blank_rows(&self, rd: &Reader, r: u32) -> u32 {
        let height = rd.sheet.height();
        let next = (r..height).find(|&n| !row_keys(rd, n).is_empty());
        match next {
            Some(n) if n > r && row_has_number(rd, n) && !self.header_like(rd, n) => {
                match is_marks_row(rd, n, &row_keys(rd, n)) {
                    true => r,
                    false => n,
                }
            }
            _ => r,
        }
    }

    /// Whether row `r` is a header row: every cell a header text or 栏次, or enough of them
    /// beside the header of a column the unit added (see [`Self::heads_beside_strangers`]);
    /// none a row's label.
    fn header_like(&self, rd: &Reader, r: u32) -> bool {
        // Cells merged down from the row above ("合计" over two header rows, a column the form
        // lacks such as 上年决算数) are that row's: only the row's own cells may show it is a
        // data row.
        let own = own_keys(rd, r);
        if row_keys(rd, r).is_empty()
            || (own.iter()).any(|k| self.row_labels.contains(&strip_ordinal(k)))
        {
            return false;
        }
        let strangers = (own.iter())
            .filter(|k| !is_header_word(rd, &self.header, k))
            .count();
        strangers == 0 || self.heads_beside_strangers(rd, r, &own, strangers)
    }

    /// Whether row `r`, whose own keys `own` hold `strangers` words no column of the form
    /// claims, is a header row all the same: it shows no number and holds two of the form's
    /// header words (or the one it has; 预算数 | 决算数 under 公开09表's items count), and
    /// more header words than strangers. A unit heads the column it added (调整前, 占比, 变动原因) on
    /// the lowest header row, beside 科目编码 | 科目名称; a body row's stray text names no
    /// column, and an unknown word alone never makes a header.
    fn heads_beside_strangers(
        &self,
        rd: &Reader,
        r: u32,
        own: &[String],
        strangers: usize,
    ) -> bool {
        let named: HashSet<&String> = own.iter().filter(|k| self.header.contains(k)).collect();
        let needed = self.header.len().clamp(1, 2);
        !row_has_number(rd, r) && named.len() >= needed && own.len() - strangers > strangers
    }

    /// Places the table's columns in the sheet by the header texts over them: each slot's
    /// columns, and the header block's alignment (which tells the groups printed as rows).
    fn place_columns(
        &self,
        rd: &Reader<'f>,
        sheet_texts: &[HashSet<String>],
        data_start: u32,
    ) -> (Vec<Slot<'f>>, Vec<Option<u16>>, Vec<MarkedColumn<'f>>) {
        let mut slots = slots_of(rd.form, &self.parts);
        let mut mapping = align_panels(rd, &self.defs, &without_lower_levels(sheet_texts));
        place_bare_names(rd, &self.defs, sheet_texts, &mut mapping);
        let marked = column_marks::place_unnamed(rd, &self.defs, data_start, &mut mapping);
        for (d, m) in self.defs.iter().zip(&mapping) {
            if let Some(m) = m {
                slots[d.slot].cols.insert(&*d.col.id, *m);
            }
        }
        self.place_continuing_columns(rd.form, &mapping, sheet_texts, &mut slots);
        (slots, mapping, marked)
    }

    /// Places the continuing blocks' columns: by their own label, as the header block's column
    /// of the same name, or by their position under the header block's columns.
    fn place_continuing_columns(
        &self,
        form: &Form,
        mapping: &[Option<u16>],
        sheet_texts: &[HashSet<String>],
        slots: &mut [Slot<'f>],
    ) {
        // Where the header block's columns start in the definition's layout and in the sheet,
        // to place the continuing blocks' columns that no header text names.
        let placed: Vec<(u16, u16, u16)> = self
            .defs
            .iter()
            .zip(mapping)
            .filter_map(|(d, m)| {
                let (b, p) = (&form.blocks[self.bi], d.slot);
                let pos = b.panel_offset(p) + b.panels[p].column_offset(&d.col.id)?;
                m.map(|m| (pos, d.col.span, m))
            })
            .collect();
        for (ci, cdefs) in self.cont_defs.iter().enumerate() {
            let b = &form.blocks[self.parts[ci + 1]];
            let first_slot = cdefs.first().map_or(0, |d| d.slot);
            for (d, m) in cdefs
                .iter()
                .zip(align(cdefs, &without_lower_levels(sheet_texts)))
            {
                let p = d.slot - first_slot;
                let pos = b.panel_offset(p) + b.panels[p].column_offset(&d.col.id).unwrap_or(0);
                let by_position = placed
                    .iter()
                    .find(|(at, span, _)| *at <= pos && pos < at + span)
                    .map(|(at, _, sc)| sc + (pos - at));
                // A column the header block has too, under the same name, is where it is there
                // (budget-07's unit rows under its 合计 row, columns printed in another order).
                let as_above = self
                    .defs
                    .iter()
                    .zip(mapping)
                    .find(|(h, _)| h.col.id == d.col.id && h.col.label == d.col.label)
                    .and_then(|(_, m)| *m);
                if let Some(sc) = as_above.or(m).or(by_position) {
                    slots[d.slot].cols.insert(&*d.col.id, sc);
                }
            }
        }
    }

    /// Whether row `n`, found after a long gap, is still the table's: one of its own rows (a
    /// stacked panel drawn below the rows left empty beside the other), its footer (人员经费合计
    /// below the rows 公用经费 fills when printed beside 人员经费, not below it) or its header
    /// repeated.
    fn goes_on_at(&self, rd: &Reader, n: u32) -> bool {
        let keys = row_keys(rd, n);
        let own = |k: &String| is_own_label(&self.row_labels, k) || self.footer_keys.contains(k);
        keys.iter().any(own) || repeats_header(rd, n, &keys, &self.header, &self.leaf)
    }

    /// Reads the footers below the rows, which stop at `r`: the row after the table, at least
    /// `end`.
    fn read_footers(&self, rd: &mut Reader, r: u32, end: u32) -> u32 {
        let height = rd.sheet.height();
        let mut end = end;
        for &(b, footer) in &self.footers {
            end = grid::read_cells(
                rd,
                footer,
                Some(b),
                r.min(height),
                (r + footer.len() as u32 + 3).min(height),
            )
            .max(end);
        }
        end
    }

    /// Consumes the label printed beside the table (绩效指标) wherever it stands in `rows`.
    fn consume_side_labels(&self, rd: &mut Reader, rows: std::ops::Range<u32>) {
        for label in self
            .parts
            .iter()
            .filter_map(|&b| rd.form.blocks[b].side_label.as_ref())
        {
            let key = label_key(label);
            for rr in rows.clone() {
                for c in rd.sheet.shown_cols(rr) {
                    if rd.text_key(rr, c).is_some_and(|k| k == key) {
                        rd.consume(rr, c);
                    }
                }
            }
        }
    }
}

/// Every header text of the table, over a defined column or not (a label spanning two sheet
/// columns leaves the second one's header text over no column).
fn header_words(rd: &Reader, parts: &[usize], defs: &[&DefCol]) -> HashSet<String> {
    let form = rd.form;
    let mut all_texts: HashSet<String> = defs
        .iter()
        .flat_map(|d| d.texts.iter().cloned())
        .chain(
            header_cells(&form.blocks[parts[0]])
                .iter()
                .flat_map(|h| keys_of(&h.text)),
        )
        .collect();
    // Header words any 科目 table may use for its code columns, whatever the definition says.
    all_texts.extend(rd.vocab.code_headers.iter().cloned());
    // The words a unit heads the form's figures by (年初预算数 for 预算数).
    all_texts.extend(figure_lists(rd).into_iter().flatten().cloned());
    // The label beside the table (绩效指标) stands in its header rows, repeated ones too.
    all_texts.extend(
        parts
            .iter()
            .filter_map(|&b| form.blocks[b].side_label.as_deref())
            .map(label_key),
    );
    all_texts
}

/// Keys of the texts of the footers.
fn footer_keys(footers: &[(usize, &[Vec<GridCellDef>])]) -> HashSet<String> {
    footers
        .iter()
        .flat_map(|(_, f)| f.iter().flatten())
        .filter_map(|c| match c {
            GridCellDef::Text(t) => Some(label_key(t)),
            GridCellDef::Cell { text: Some(t), .. } => Some(label_key(t)),
            _ => None,
        })
        .filter(|k| !k.is_empty())
        .collect()
}

/// One slot for each panel of the blocks `parts`, no column placed yet.
fn slots_of<'f>(form: &'f Form, parts: &[usize]) -> Vec<Slot<'f>> {
    let mut slots = Vec::new();
    for (part, &b) in parts.iter().enumerate() {
        for panel in &form.blocks[b].panels {
            slots.push(Slot {
                part,
                panel,
                cols: FastMap::default(),
            });
        }
    }
    slots
}

/// The walk down a table's data rows, with what it carries from one row to the next.
struct RowWalk<'t, 'f> {
    table: &'t TableDef<'f>,
    slots: Vec<Slot<'f>>,
    code_sources: Vec<CodeSource>,
    /// Groups of the top header printed as rows (预算数 | 决算数 under the items).
    group_rows: Option<GroupRows<'f>>,
    /// The parts in the order they are offered a row: lists last.
    part_order: Vec<usize>,
    split_state: Vec<SplitCodeState>,
    list_counter: Vec<usize>,
    carry: GroupCarry,
    /// Empty rows met in a row.
    empty_run: u32,
    /// Where the header last repeated ends (no realigning inside it).
    realigned_until: u32,
    /// The row being read.
    r: u32,
    /// The last row read as data.
    last_data: Option<u32>,
    /// The furthest part a row was read into.
    reached: usize,
    /// For each slot, the panel that took the last row through its columns.
    last_through: Vec<Option<usize>>,
    /// The sheet columns the header gave the form's value columns: none of them is a column
    /// the unit added.
    aligned: HashSet<u16>,
    /// The columns placed by their 栏次 mark alone, to be noted.
    marked: Vec<MarkedColumn<'f>>,
}

impl<'t, 'f> RowWalk<'t, 'f> {
    fn new(
        rd: &Reader<'f>,
        table: &'t TableDef<'f>,
        sheet_texts: &[HashSet<String>],
        data_start: u32,
    ) -> Self {
        let (mut slots, mapping, marked) = table.place_columns(rd, sheet_texts, data_start);
        let aligned: HashSet<u16> = (table.defs.iter().zip(&mapping))
            .filter(|(d, _)| d.col.kind.is_value())
            .filter_map(|(_, m)| *m)
            .collect();
        let mut code_sources = code_sources(&slots, sheet_texts);
        for src in &mut code_sources {
            if let CodeSource::Single(c) = *src {
                if column_left_empty(rd, c, data_start) {
                    *src = CodeSource::None;
                }
            }
        }
        let group_rows = GroupRows::find(
            rd,
            table.bi,
            &table.defs,
            &mapping,
            &without_lower_levels(sheet_texts),
        );
        if let Some(g) = &group_rows {
            g.unplace(&table.defs, &mut slots);
        }
        let is_list = |part: usize| {
            slots
                .iter()
                .any(|s| s.part == part && s.panel.list.is_some())
        };
        let parts = table.parts.len();
        let part_order: Vec<usize> = (0..parts)
            .filter(|&p| !is_list(p))
            .chain((0..parts).filter(|&p| is_list(p)))
            .collect();
        RowWalk {
            table,
            split_state: slots.iter().map(|_| SplitCodeState::new()).collect(),
            list_counter: vec![0; slots.len()],
            last_through: vec![None; slots.len()],
            slots,
            code_sources,
            group_rows,
            part_order,
            carry: GroupCarry::default(),
            empty_run: 0,
            realigned_until: data_start,
            r: data_start,
            last_data: None,
            reached: 0,
            aligned,
            marked,
        }
    }

    /// Reads the row the walk is at and moves past it; false where the table ends.
    fn step(&mut self, rd: &mut Reader) -> bool {
        let r = self.r;
        let table = self.table;
        let keys = row_keys(rd, r);
        if keys.is_empty() {
            return self.past_empty_row(rd);
        }
        self.empty_run = 0;
        // The lower rows of a record merged over several rows (each of its cells merged down
        // from the row above) hold nothing of their own: the record was read at its first row.
        if !has_own_cell(rd, r) {
            rd.consume_row(r);
            self.r += 1;
            return true;
        }
        let first_key = keys.first().cloned().unwrap_or_default();
        let at_footer = keys.iter().any(|k| table.footer_keys.contains(k));
        if is_note_key(&first_key) || at_footer {
            return self.past_notes(rd, at_footer);
        }
        // A sign-off line (单位负责人：张三 | 财务负责人：李四) ends the table, even right under
        // its last row: a list would take it for an item.
        if super::is_sign_off_row(rd, r) {
            return false;
        }
        let stops =
            |k: &String| table.stop_keys.contains(k) || table.stop_keys.contains(&strip_ordinal(k));
        if !table.stop_keys.is_empty() && keys.iter().any(stops) {
            return false;
        }
        // A header repeated on a continuation page; not the 合计 row whose header words were
        // taken (公开08表's 合计 | 合计 | 基本支出 | 项目支出: words only, its figures blank).
        let words_taken = rd.header_in_rows.iter().any(|&(rr, _)| rr == r);
        let repeated_header =
            !words_taken && repeats_header(rd, r, &keys, &table.header, &table.leaf);
        if repeated_header && r >= self.realigned_until {
            self.realign_at(rd, r);
        }
        // The rows of a header repeated above (科目编码 | 类 款 under 经济分类 | 科目名称 when
        // unmerged): header words only, up to where the realignment read them.
        let in_repeated = r < self.realigned_until;
        if let Some(c) = page_totals::page_total_label(rd, r, &keys) {
            // A page's total or the running total carried over a page break: no row of the form.
            page_totals::note_page_total(rd, r, c);
            rd.consume_row(r);
            self.r += 1;
            return true;
        }
        if is_marks_row(rd, r, &keys)
            || repeated_header
            || in_repeated
            || super::is_page_top_row(rd, r)
        {
            // 栏次 row, or a page's title, unit line or header repeated on a continuation page.
            rd.consume_row(r);
            self.carry.cut();
            self.r += 1;
            return true;
        }
        // A group's row, else a row of the panels.
        let read = self
            .group_rows
            .as_mut()
            .is_some_and(|g| g.read_row(rd, &self.slots, r))
            || self.read_panels(rd, r);
        if read {
            self.last_data = Some(r);
        } else if let Some(g) = &self.group_rows {
            g.report_unlabelled(rd, r);
        }
        self.r += 1;
        true
    }

    /// Past an empty row. A table printed from a PDF keeps the empty ruled rows of a table
    /// without data (公开07/08表), its 合计 row at the bottom; a long gap is the end of the
    /// table, unless the table goes on at the next row holding anything. False where it ends.
    fn past_empty_row(&mut self, rd: &Reader) -> bool {
        self.empty_run += 1;
        if self.empty_run < 12 {
            self.r += 1;
            return true;
        }
        let next = (self.r + 1..rd.sheet.height()).find(|&n| !row_keys(rd, n).is_empty());
        match next {
            Some(n) if self.table.goes_on_at(rd, n) => {
                self.empty_run = 0;
                self.r = n;
                true
            }
            _ => false,
        }
    }

    /// Past the notes starting at the row the walk is at. The first sheet's footer and notes
    /// above the title and rows of the second (the table's halves on two sheets, read joined):
    /// the footer is read there, the notes are remarks, and the table goes on. False where the
    /// notes end the table.
    fn past_notes(&mut self, rd: &mut Reader, at_footer: bool) -> bool {
        let r = self.r;
        let Some(top) = resumes_after_notes(rd, r, &self.table.words()) else {
            return false;
        };
        let mut notes_from = r;
        if at_footer {
            for &(b, footer) in &self.table.footers {
                let read = grid::read_cells(rd, footer, Some(b), r, top);
                notes_from = notes_from.max(read);
            }
        }
        for n in notes_from..top {
            super::keep_as_remark(rd, n);
        }
        self.carry.cut();
        self.r = top;
        true
    }

    /// Places the panels again under the header repeated from row `r` (see [`realign`]); a
    /// panel that moved keeps the code source it had in the columns it moved to.
    fn realign_at(&mut self, rd: &Reader, r: u32) {
        let defs = &self.table.defs;
        let texts;
        (self.realigned_until, texts) = header_texts_from(rd, r, &self.table.header);
        let before: Vec<Option<u16>> = self.slots.iter().map(first_column).collect();
        let old = self.code_sources.clone();
        let next = self.realigned_until;
        let moved = realign(
            rd,
            defs,
            &without_lower_levels(&texts),
            &mut self.slots,
            next,
        );
        if let Some(g) = self.group_rows.as_mut() {
            g.place(defs, &without_lower_levels(&texts));
            g.unplace(defs, &mut self.slots);
        }
        self.retire_unheaded(rd, &texts, &moved);
        if !moved.is_empty() {
            let fresh = code_sources(&self.slots, &texts);
            for si in moved {
                self.code_sources[si] =
                    code_source_at(&before, &old, first_column(&self.slots[si]))
                        .unwrap_or(fresh[si]);
            }
        }
    }

    /// A panel the repeated header did not move, and whose columns it gives to another or
    /// leaves empty (see [`lost_columns`]), or whose value columns a panel it moved took
    /// (公用经费 printed below 人员经费), reads nothing below it: its columns would take the
    /// next panel's rows, or the panel would keep the next panel from reading through the
    /// columns it shares with it.
    fn retire_unheaded(&mut self, rd: &Reader, texts: &[HashSet<String>], moved: &[usize]) {
        let next = self.realigned_until;
        let taken: HashSet<u16> = moved
            .iter()
            .flat_map(|&si| value_columns(&self.slots[si]))
            .collect();
        for si in (0..self.slots.len()).filter(|si| !moved.contains(si)) {
            let values = value_columns(&self.slots[si]);
            let displaced = !values.is_empty() && values.is_subset(&taken);
            if displaced || lost_columns(rd, &self.slots[si], texts, next) {
                self.slots[si].cols.clear();
                self.code_sources[si] = CodeSource::None;
            }
        }
    }

    /// Whether row `r` may be read as a row of slot `pj`'s fixed panel. Beyond a list the walk
    /// has not left (附件1's 公用经费 rows under its 项目 list), a row the panel names is its
    /// row only when no row below names one the template puts before it: a project called
    /// 办公费 or 政府采购 above 公用经费 is a project.
    fn may_enter(&self, rd: &Reader, pj: usize, r: u32) -> bool {
        const LOOK_AHEAD: u32 = 40;
        let slot = &self.slots[pj];
        let is_list = |p: usize| {
            self.slots
                .iter()
                .any(|s| s.part == p && s.panel.list.is_some())
        };
        if slot.panel.list.is_some() || !(self.reached..slot.part).any(is_list) {
            return true;
        }
        let place = |rr: u32| {
            fixed_named_at(rd, slot, rr)
                .and_then(|id| slot.panel.rows.iter().position(|x| *x.id == *id))
        };
        let Some(at) = place(r) else {
            return true;
        };
        let end = (r + 1 + LOOK_AHEAD).min(rd.sheet.height());
        !(r + 1..end).any(|rr| place(rr).is_some_and(|p| p < at))
    }

    /// Side by side panels each read their part of row `r`. Of stacked blocks, the first
    /// whose fixed or coded rows name the row takes it (合计 above the units, 公用经费 below
    /// perf-base's projects); a row none of them names goes to a list. True when any read it.
    fn read_panels(&mut self, rd: &mut Reader, r: u32) -> bool {
        let mut any = false;
        for part in self.part_order.clone() {
            let in_part: Vec<usize> = (0..self.slots.len())
                .filter(|&si| self.slots[si].part == part)
                .collect();
            for si in in_part {
                any |= self.read_slot(rd, si, r);
            }
            if any {
                break;
            }
        }
        any
    }

    /// Reads row `r` through slot `si`'s columns, as a row of its panel or of one laid out
    /// alike; true when one of them took it.
    fn read_slot(&mut self, rd: &mut Reader, si: usize, r: u32) -> bool {
        // A row of another panel laid out alike (公开06表's 310 in the 公用经费 group,
        // 支出 lines stacked under 收入) is read through this panel's columns.
        // The panel that took the last row through these columns is tried first: a
        // label two panels could take (事业单位经营) belongs to the section it is in.
        let slots = &self.slots;
        // A 小计 row inside a list adds up rows above it: it is none of them.
        if subtotal::read_subtotal(rd, &slots[si], r) {
            return true;
        }
        // The rest of a name typed over two rows joins the name above: no item of its own.
        if let Some((col, joined)) = wrapped_names::join_rest_of_name(rd, &slots[si], r) {
            self.carry.renamed(si, &col, joined);
            return true;
        }
        let alike = alike_panels(slots, si).into_iter();
        let mut panels: Vec<usize> = std::iter::once(si)
            .chain(alike.filter(|&pj| reads_through(slots, si, pj)))
            .collect();
        if let Some(at) = panels
            .iter()
            .position(|&p| Some(p) == self.last_through[si])
        {
            panels[..=at].rotate_right(1);
        }
        panels.retain(|&pj| self.may_enter(rd, pj, r));
        let slots = &self.slots;
        let col_of = |si: usize, id: &str| slots[si].cols.get(id).copied();
        for pj in panels {
            let got = read_panel_row(
                rd,
                si,
                slots[pj].panel,
                r,
                &col_of,
                self.code_sources[si],
                &mut self.split_state[si],
                &mut self.list_counter[si],
            );
            if got {
                self.carry.after_row(rd, si, slots[pj].panel, r, &col_of);
                self.last_through[si] = Some(pj);
                self.reached = self.reached.max(slots[pj].part);
                return true;
            }
        }
        false
    }
}

/// The fixed row of `slot`'s panel that the label of sheet row `r` names, if any.
fn fixed_named_at(rd: &Reader, slot: &Slot, r: u32) -> Option<String> {
    let label = slot
        .panel
        .columns
        .iter()
        .filter(|c| c.kind == ColKind::Label)
        .filter_map(|c| slot.cols.get(&*c.id))
        .find_map(|&c| rd.text_key(r, c))?;
    fixed_by_label(rd, slot.panel, &label)
}

/// Whether a header is repeated from row `r` (a continuation page): rows of header texts
/// only, down to one naming at least two columns ("收入 | 支出" over "项目 | 金额 | 项目 | 合计 …").
/// The caller has made row `r`'s keys already (`keys_at_r`, its `row_keys`).
fn repeats_header(
    rd: &Reader,
    r: u32,
    keys_at_r: &[String],
    header: &HeaderWords,
    leaf: &HeaderWords,
) -> bool {
    let below = (r + 1..rd.sheet.height().min(r + 4)).map(|rr| Cow::Owned(row_keys(rd, rr)));
    std::iter::once(Cow::Borrowed(keys_at_r))
        .chain(below)
        .take_while(|ks| !ks.is_empty() && ks.iter().all(|k| header.contains(k)))
        .any(|ks| ks.iter().filter(|k| leaf.contains(k)).count() >= 2)
}

/// Whether key `k` may stand in a header row of a table of `header` words: one of them, a
/// 栏次/行次 word, or the header of a column a unit adds to any table (序号, 备注, 上年决算数),
/// whichever of the header rows it is written on.
fn is_header_word(rd: &Reader, header: &HeaderWords, k: &str) -> bool {
    header.contains(k) || k == "栏次" || k == "行次" || rd.vocab.heads_added_column(k)
}

/// Whether a row's key is one of a table's row labels: as it is, without its ordinal, or
/// after the code written in front of it ("302 商品和服务支出").
fn is_own_label(row_labels: &HashSet<String>, k: &str) -> bool {
    let bare = |k: &str| row_labels.contains(k) || row_labels.contains(&strip_ordinal(k));
    bare(k) || split_code_name(k).is_some_and(|(_, name)| bare(&name))
}

/// Whether a line's key opens a note (注：…, 说明：…).
pub(crate) fn is_note_key(first_key: &str) -> bool {
    first_key.starts_with("注:") || first_key.starts_with("说明:") || first_key == "注"
}

/// Where the table resumes below the notes starting at row `r`: past text-only note lines,
/// the top of a page (title, 表号, unit line, header, 栏次) and then a row of the table's own
/// labels — or any row of values, when the page top repeats the form's own lines and its
/// header. `None` when the notes end the table.
fn resumes_after_notes(rd: &Reader, r: u32, words: &TableWords) -> Option<u32> {
    let height = rd.sheet.height();
    let mut top = None;
    let (mut own_top, mut own_header) = (false, false);
    for n in r + 1..height.min(r + 40) {
        let keys = row_keys(rd, n);
        if keys.is_empty() {
            continue;
        }
        let own = keys.iter().any(|k| is_own_label(words.row_labels, k));
        let header = keys.iter().all(|k| is_header_word(rd, words.header, k));
        let values = row_has_number(rd, n) && own_top && own_header;
        if !header && (own || values) {
            return top;
        }
        let page_top = super::is_page_top_row(rd, n);
        if page_top || header || is_column_number_row(&keys) {
            top.get_or_insert(n);
            own_top |= page_top;
            own_header |= header && keys.iter().filter(|k| words.leaf.contains(k)).count() >= 2;
        } else if top.is_some() || row_has_number(rd, n) {
            return None;
        }
    }
    None
}

/// Where each slot's codes are read from, given where its columns are.
/// Whether column `c` holds no code from row `from` down — nothing, or words without a digit
/// (栏次) only: a
/// 科目代码 column a unit kept but left empty, its rows named only (read as a table without
/// codes).
fn column_left_empty(rd: &Reader, c: u16, from: u32) -> bool {
    (from..rd.sheet.height()).all(|r| match rd.sheet.get(r, c) {
        Cell::Number(_) => false,
        Cell::Text(t) => !t.contains(|ch: char| ch.is_ascii_digit() || ('０'..='９').contains(&ch)),
        _ => true,
    })
}

fn code_sources(slots: &[Slot], sheet_texts: &[HashSet<String>]) -> Vec<CodeSource> {
    let col_of = |si: usize, id: &str| -> Option<u16> { slots[si].cols.get(id).copied() };
    // Panels' sheet column ranges (side by side within one block), to find split code columns.
    let ranges: Vec<(Option<u16>, Option<u16>)> = slots
        .iter()
        .map(|s| {
            (
                s.cols.values().min().copied(),
                s.cols.values().max().copied(),
            )
        })
        .collect();
    slots
        .iter()
        .enumerate()
        .map(|(si, s)| {
            let part: Vec<usize> = (0..slots.len())
                .filter(|&j| slots[j].part == s.part)
                .collect();
            let pi = part.iter().position(|&j| j == si).unwrap_or(0);
            let part_ranges: Vec<_> = part.iter().map(|&j| ranges[j]).collect();
            code_source(s.panel, si, pi, sheet_texts, &col_of, &part_ranges)
        })
        .collect()
}

/// The header rows starting at `r` (rows of header texts, 栏次 and page-top lines): the row
/// after them and each sheet column's header keys.
fn header_texts_from(
    rd: &Reader,
    r: u32,
    header_texts: &HeaderWords,
) -> (u32, Vec<HashSet<String>>) {
    let height = rd.sheet.height();
    let mut end = r;
    let mut seen: HashSet<String> = HashSet::new();
    while end < height {
        let keys = row_keys(rd, end);
        let header = !keys.is_empty() && keys.iter().all(|k| header_texts.contains(k));
        if !header && !is_column_number_row(&keys) && !super::is_page_top_row(rd, end) {
            break;
        }
        // A row naming again the columns a row above named is the next header (the page's
        // header repeated, then the header of the panel the page goes on with).
        if header && keys.len() >= 2 && keys.iter().all(|k| seen.contains(k)) {
            break;
        }
        if header {
            seen.extend(keys);
        }
        end += 1;
    }
    (end, column_texts(rd, r..end))
}

/// Each sheet column's header keys over `rows` (each with its parenthesised aside dropped too);
/// none for an empty spacer column (see [`is_spacer`]).
fn column_texts(rd: &Reader, rows: std::ops::Range<u32>) -> Vec<HashSet<String>> {
    let year = year_in_front(rd);
    let figures = figure_lists(rd);
    let width = rd.sheet.width().max(1);
    let spans = unmerged_spans(rd, &rows, width);
    (0..width)
        .map(|c| {
            if is_spacer(rd, &rows, c) {
                return HashSet::new();
            }
            let header_rows = rows.clone().zip(&spans);
            header_rows
                .filter_map(|(r, from)| rd.text_key(r, from[c as usize]?))
                .flat_map(|k| {
                    let mut keys = undressed(&k, &year);
                    keys.push(strip_parens(&k));
                    // A header cell numbered as a row label (1、因公出国（境）费, 其中：…),
                    // as a table printed with its rows and columns swapped has them.
                    keys.push(strip_ordinal(&k));
                    keys.push(k);
                    keys.extend(figure_meant(&figures, &keys));
                    keys
                })
                .collect()
        })
        .collect()
}

/// Whether a merged range lies over any of `rows`.
fn merged_over(rd: &Reader, rows: std::ops::Range<u32>) -> bool {
    rd.sheet
        .merges()
        .iter()
        .any(|m| m.first_row < rows.end && m.last_row >= rows.start)
}

/// For each header row of `rows` and each sheet column, the column whose cell heads it there:
/// its own. In a header copied without any merge (from a web page), an empty cell is headed by
/// the nearest filled one on its left under the same parent, when its column has a header text
/// below (an item over its 预算数 | 决算数 pair, 预算数 over its items): the merge lost.
fn unmerged_spans(rd: &Reader, rows: &std::ops::Range<u32>, width: u16) -> Vec<Vec<Option<u16>>> {
    let merged = merged_over(rd, rows.clone());
    let has = |r: u32, c: u16| rd.text_key(r, c).is_some();
    let mut out: Vec<Vec<Option<u16>>> = Vec::new();
    for r in rows.clone() {
        let mut row: Vec<Option<u16>> = Vec::with_capacity(width as usize);
        for c in 0..width {
            let spread = || {
                let left = (*row.last()?).filter(|_| !merged)?;
                let parent = out.iter().rev().find_map(|p| p[c as usize]).unwrap_or(0);
                let below = || (r + 1..rows.end).any(|b| has(b, c));
                (left >= parent && below()).then_some(left)
            };
            let from = if has(r, c) { Some(c) } else { spread() };
            row.push(from);
        }
        out.push(row);
    }
    out
}

/// The figure words (see [`figure_lists`]) a sheet header's `keys` stand for: 预算数 for
/// 年初预算数.
fn figure_meant(figures: &[&[String]], keys: &[String]) -> Vec<String> {
    figures
        .iter()
        .filter(|l| l.iter().any(|w| keys.contains(w)))
        .filter_map(|l| l.first().cloned())
        .collect()
}

/// Whether sheet column `c` is an empty column left inside a merged header (公务用车运行费
/// merged over 预算数 | (empty) | 决算数): every header text over it is a merge across
/// several columns, and another column under the lowest of them has a header below it that
/// this one lacks. It names no column of its own.
fn is_spacer(rd: &Reader, rows: &std::ops::Range<u32>, c: u16) -> bool {
    let sheet = rd.sheet;
    let mut lowest: Option<&crate::read::Merge> = None;
    for r in rows.clone().filter(|&r| rd.text_key(r, c).is_some()) {
        match sheet.merge_at(r, c) {
            Some(m) if m.first_col < m.last_col => {
                if lowest.is_none_or(|l| m.last_row > l.last_row) {
                    lowest = Some(m);
                }
            }
            _ => return false,
        }
    }
    let Some(m) = lowest else {
        return false;
    };
    (m.first_col..=m.last_col)
        .filter(|&o| o != c)
        .any(|o| (m.last_row + 1..rows.end).any(|r| rd.text_key(r, o).is_some()))
}

/// A header repeated inside the table (a stacked panel under its own header, the second
/// sheet of a table printed on two): each panel the first header left without any value
/// column, or none of whose rows was read yet, and whose value columns this one all names, is
/// read through its columns from there on. The panels moved.
fn realign<'f>(
    rd: &Reader,
    defs: &[DefCol<'f>],
    texts: &[HashSet<String>],
    slots: &mut [Slot<'f>],
    next: u32,
) -> Vec<usize> {
    let mut together = align_panels(rd, defs, texts);
    place_bare_names(rd, defs, texts, &mut together);
    let is_value = |d: &DefCol| d.col.kind.is_value();
    let (unplaced, may_move) = movable_panels(rd, defs, texts, slots);
    let mut moved = Vec::new();
    for si in (0..slots.len()).filter(|&si| may_move[si]) {
        let own: Vec<&DefCol> = defs.iter().filter(|d| d.slot == si).collect();
        let of_together: Vec<Option<u16>> = defs
            .iter()
            .zip(&together)
            .filter(|(d, _)| d.slot == si)
            .map(|(_, m)| *m)
            .collect();
        let alone = || align(&own.iter().map(|d| (*d).clone()).collect::<Vec<_>>(), texts);
        let names_values =
            |m: &[Option<u16>]| own.iter().zip(m).all(|(d, m)| !is_value(d) || m.is_some());
        // The group whose rows below are the panel's own (公用经费 printed below 人员经费
        // under the same header) is its, over columns another panel read its rows through.
        let by_rows = group_of_own_rows(rd, defs, slots[si].panel, &own, texts, next)
            .filter(|m| names_values(m));
        let candidate = match &by_rows {
            Some(m) => m.clone(),
            None if names_values(&of_together) => of_together,
            None => alone(),
        };
        // Columns another panel already reads its values from are that panel's header
        // repeated (公开06表's third panel read through the second's group).
        let values: HashSet<u16> = own
            .iter()
            .zip(&candidate)
            .filter(|(d, _)| is_value(d))
            .filter_map(|(_, m)| *m)
            .collect();
        // So are columns the header, read as a whole, gives another panel (公用经费 over
        // 科目代码 | 项目 | 金额: not 人员经费's, whose words would fit them alone).
        let others_together: HashSet<u16> = defs
            .iter()
            .zip(&together)
            .filter(|(d, _)| d.slot != si && may_move[d.slot] && is_value(d))
            .filter_map(|(_, m)| *m)
            .collect();
        let read_by_another = (0..slots.len())
            .filter(|&j| j != si)
            .any(|j| values.is_subset(&value_columns(&slots[j])));
        let anothers = unplaced[si]
            && (read_by_another || !values.is_empty() && values.is_subset(&others_together));
        if !names_values(&candidate) || anothers && by_rows.is_none() {
            continue;
        }
        slots[si].cols = own
            .iter()
            .zip(&candidate)
            .filter_map(|(d, m)| m.map(|c| (&*d.col.id, c)))
            .collect();
        moved.push(si);
    }
    move_alike(rd, slots, &mut moved);
    moved
}

/// The columns of `panel`'s definition columns `own` (of the table's `defs`) in the column
/// group of the header (`texts`) whose first row from `from` on is one of the panel's rows by
/// its code ("302" under a header repeated for 公用经费 printed below 人员经费).
fn group_of_own_rows(
    rd: &Reader,
    defs: &[DefCol],
    panel: &Panel,
    own: &[&DefCol],
    texts: &[HashSet<String>],
    from: u32,
) -> Option<Vec<Option<u16>>> {
    let r = (from..rd.sheet.height()).find(|&r| !row_keys(rd, r).is_empty())?;
    let own_defs: Vec<DefCol> = own.iter().map(|d| (*d).clone()).collect();
    column_groups(rd, defs, texts)
        .into_iter()
        .find_map(|(lo, hi)| {
            let inside = texts_inside(texts, lo, hi);
            let mut cols = align(&own_defs, &inside);
            place_bare_names(rd, &own_defs, &inside, &mut cols);
            first_row_is_own(rd, panel, own, &cols, r).then_some(cols)
        })
}

/// The header texts of the sheet columns `lo..hi`, none over the others.
fn texts_inside(texts: &[HashSet<String>], lo: usize, hi: usize) -> Vec<HashSet<String>> {
    (0..texts.len())
        .map(|c| {
            if (lo..hi).contains(&c) {
                texts[c].clone()
            } else {
                HashSet::new()
            }
        })
        .collect()
}

/// Whether row `r` shows, in the code or name columns `cols` gives a panel's definition
/// columns `own`, the code of one of `panel`'s rows.
fn first_row_is_own(
    rd: &Reader,
    panel: &Panel,
    own: &[&DefCol],
    cols: &[Option<u16>],
    r: u32,
) -> bool {
    let codes: HashSet<&str> = panel
        .rows
        .iter()
        .filter_map(|row| row.code.as_deref())
        .collect();
    let code_at = |c: u16| {
        parse_code(rd.sheet.get(r, c))
            .or_else(|| split_code_name(&rd.sheet.shown(r, c).to_string()).map(|(code, _)| code))
    };
    own.iter()
        .zip(cols)
        .filter(|(d, _)| matches!(d.col.kind, ColKind::Code | ColKind::Name))
        .filter_map(|(_, c)| *c)
        .any(|c| code_at(c).is_some_and(|code| codes.contains(code.as_str())))
}

/// For each panel, whether the new header (`texts`) leaves it unplaced — none of its value
/// columns headed: as good as without columns, which moved (公用经费's 决算数 from D to C on
/// the next sheet) — and whether the header may move it: it has values to read, and is
/// unplaced or reads no row yet.
fn movable_panels(
    rd: &Reader,
    defs: &[DefCol],
    texts: &[HashSet<String>],
    slots: &[Slot],
) -> (Vec<bool>, Vec<bool>) {
    let unplaced: Vec<bool> = slots
        .iter()
        .map(|slot| value_columns(slot).iter().all(|&c| unheaded(texts, c)))
        .collect();
    let may_move = (0..slots.len())
        .map(|si| {
            defs.iter().any(|d| d.slot == si && d.col.kind.is_value())
                && (unplaced[si] || !has_read_rows(rd, slots[si].panel))
        })
        .collect();
    (unplaced, may_move)
}

/// Panels laid out alike (收入 and 支出 stacked, each under the same header words) and not
/// read yet are read through the columns of the header repeated for one that `moved`; they
/// join it.
fn move_alike(rd: &Reader, slots: &mut [Slot], moved: &mut Vec<usize>) {
    for i in moved.clone() {
        for j in alike_panels(slots, i) {
            if !moved.contains(&j) && !has_read_rows(rd, slots[j].panel) {
                slots[j].cols = slots[i].cols.clone();
                moved.push(j);
            }
        }
    }
}

/// Whether a new header (`texts`) over row `next` leaves none of a panel's value columns a
/// header word, and either heads the key columns it read its rows by (code, name: the columns
/// went to another panel laid out otherwise, 公开06表 going on with 公用经费 alone, an empty
/// column where 人员经费's 决算数 was) or leaves them empty from row `next` on (公用经费's
/// columns E–H when the page goes on with 公用经费 in A–D). A header that covers none of the panel's
/// columns while its rows go on (公开01表's second page headed over 支出 only) leaves the
/// panel reading them.
fn lost_columns(rd: &Reader, slot: &Slot, texts: &[HashSet<String>], next: u32) -> bool {
    let values = value_columns(slot);
    if values.is_empty() || !values.iter().all(|&c| unheaded(texts, c)) {
        return false;
    }
    let keys_headed = slot
        .cols
        .values()
        .any(|&c| !values.contains(&c) && !unheaded(texts, c));
    // Looked at only when the rest holds: it reads every row below.
    keys_headed
        || (next..rd.sheet.height())
            .all(|r| slot.cols.values().all(|&c| rd.sheet.get(r, c).is_empty()))
}

/// Whether sheet column `c` has no header text in `texts`.
fn unheaded(texts: &[HashSet<String>], c: u16) -> bool {
    texts.get(c as usize).is_none_or(HashSet::is_empty)
}

/// Whether any row of `panel` has been read.
fn has_read_rows(rd: &Reader, panel: &Panel) -> bool {
    rd.data
        .rows
        .iter()
        .filter(|row| row.panel == panel.id)
        .any(|row| rd.data.row_at.contains_key(&row.key))
}

/// Whether slot `si` reads the rows of its alike panel `pj` through its own columns: when
/// `pj` has no value column of its own, or the same ones.
fn reads_through(slots: &[Slot], si: usize, pj: usize) -> bool {
    let theirs = value_columns(&slots[pj]);
    theirs.is_empty() || theirs == value_columns(&slots[si])
}

/// The sheet columns a slot reads its values from.
fn value_columns(slot: &Slot) -> HashSet<u16> {
    slot.panel
        .columns
        .iter()
        .filter(|c| c.kind.is_value())
        .filter_map(|c| slot.cols.get(&*c.id).copied())
        .collect()
}

fn first_column(slot: &Slot) -> Option<u16> {
    slot.cols.values().min().copied()
}

/// The code source a panel read from sheet column `first` had before a repeated header moved
/// panels (the 类 | 款 words printed under the first header only).
fn code_source_at(
    firsts: &[Option<u16>],
    sources: &[CodeSource],
    first: Option<u16>,
) -> Option<CodeSource> {
    (0..firsts.len())
        .find(|&j| first.is_some() && firsts[j] == first && !matches!(sources[j], CodeSource::None))
        .map(|j| sources[j])
}

/// The other fixed-row panels of slot `si`'s block whose columns are the same as its own.
fn alike_panels(slots: &[Slot], si: usize) -> Vec<usize> {
    let fixed = |p: &Panel| p.coded.is_none() && p.list.is_none();
    let ids = |p: &Panel| p.columns.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    let me = slots[si].panel;
    if !fixed(me) {
        return Vec::new();
    }
    (0..slots.len())
        .filter(|&j| j != si && slots[j].part == slots[si].part)
        .filter(|&j| fixed(slots[j].panel) && ids(slots[j].panel) == ids(me))
        .collect()
}

/// Labels of the blocks after `bi` (grid labels, header texts, fixed row labels): a table's
/// rows end where the next block begins.
fn later_block_keys(rd: &Reader, bi: usize) -> HashSet<String> {
    let mut keys = HashSet::new();
    for b in &rd.form.blocks[bi + 1..] {
        for row in &b.grid {
            for c in row {
                if let GridCellDef::Text(t) | GridCellDef::Cell { text: Some(t), .. } = c {
                    let k = label_key(t);
                    if k.chars().count() >= 2 {
                        keys.extend(label_stand_ins(rd, &k));
                        keys.insert(k);
                    }
                }
            }
        }
        for h in b.header.iter().flatten() {
            let k = label_key(h.text());
            if k.chars().count() >= 3 {
                keys.insert(k);
            }
        }
        // A later table's own rows end this one.
        for p in &b.panels {
            for r in p.rows.iter().filter(|r| !r.blank) {
                for l in r.label.iter().chain(r.aliases.iter()) {
                    let k = strip_ordinal(&label_key(l));
                    if k.chars().count() >= 2 {
                        keys.insert(k);
                    }
                }
            }
        }
    }
    keys
}

/// The words of one meaning with a later block's label `k` (合计 for 总分) that end a table
/// too, when the sheet does not print the label itself: a 合计 row above a 总分 row is the
/// list's subtotal, not the block after it.
fn label_stand_ins(rd: &Reader, k: &str) -> Vec<String> {
    let words = rd.vocab.label_synonyms_of(k);
    if words.is_empty() {
        return Vec::new();
    }
    let printed = rd.sheet.cells().any(|(r, c, cell)| {
        matches!(cell, Cell::Text(_)) && rd.text_key(r, c).as_deref() == Some(k)
    });
    if printed {
        return Vec::new();
    }
    words.to_vec()
}

/// Whether a panel's rows are 科目 rows printed with their codes: a coded panel, or fixed rows
/// showing theirs (公开06表's economic codes).
fn shows_codes(panel: &Panel) -> bool {
    panel.coded.is_some() || panel.rows.iter().any(|r| r.code.is_some() && r.show_code)
}

/// Where a panel's codes are: split 类/款/项 columns between the previous panel of the same
/// block and the next one, the panel's code column, or a column headed 代码/编码.
fn code_source(
    panel: &Panel,
    slot: usize,
    pi: usize,
    sheet_texts: &[HashSet<String>],
    col_of: &dyn Fn(usize, &str) -> Option<u16>,
    all: &[(Option<u16>, Option<u16>)],
) -> CodeSource {
    if !shows_codes(panel) {
        return CodeSource::None;
    }
    // Split code columns sit left of the panel's first recognised column, after the previous panel.
    let lo = if pi == 0 {
        0
    } else {
        all[pi - 1].1.map_or(0, |c| c + 1)
    };
    let hi = all
        .get(pi + 1)
        .and_then(|r| r.0)
        .map_or(sheet_texts.len() as u16, |n| n);
    let find = |k: &str| {
        (lo.saturating_sub(1)..hi.min(sheet_texts.len() as u16))
            .find(|&c| sheet_texts[c as usize].contains(k))
    };
    if let (Some(a), Some(b)) = (find("类"), find("款")) {
        let c = find("项").filter(|&c| b < c);
        if a < b {
            return CodeSource::Split(a, b, c);
        }
    }
    for col in &panel.columns {
        if col.kind == ColKind::Code {
            if let Some(c) = col_of(slot, &col.id) {
                return CodeSource::Single(c);
            }
        }
    }
    let by_name = (lo..hi.min(sheet_texts.len() as u16)).find(|&c| {
        sheet_texts[c as usize]
            .iter()
            .any(|k| k.contains("代码") || k.contains("编码"))
    });
    match by_name {
        Some(c) => CodeSource::Single(c),
        None => CodeSource::None,
    }
}

fn read_code(rd: &Reader, r: u32, src: CodeSource, state: &mut SplitCodeState) -> Option<String> {
    match src {
        CodeSource::None => None,
        CodeSource::Single(c) => {
            let cell = rd.sheet.get(r, c);
            let code = parse_code(cell).or_else(|| state.dotted_number(cell))?;
            Some(state.enter(&code))
        }
        CodeSource::Split(a, b, c) => {
            let xiang = c.map_or(&Cell::Empty, |c| rd.sheet.get(r, c));
            state.next(rd.sheet.get(r, a), rd.sheet.get(r, b), xiang)
        }
    }
}

/// Where a 科目 row printed without its code has its name: the name column, or the code
/// column when no name column was found (项目 over the names alone is taken for the code's
/// header).
fn uncoded_name_column(
    panel: &Panel,
    pi: usize,
    col_of: &dyn Fn(usize, &str) -> Option<u16>,
    src: CodeSource,
) -> Option<u16> {
    let name = panel
        .columns
        .iter()
        .filter(|c| c.kind == ColKind::Name)
        .find_map(|c| col_of(pi, &c.id));
    match src {
        CodeSource::None => name,
        CodeSource::Single(c) if name.is_none() => Some(c),
        _ => None,
    }
}

/// A 科目 row of a table printed without codes (names indented under their parent): kept
/// under its name ([`UNCODED`] + name key) with its values; the report gives it the code the
/// same name has in the workbook's other tables, or reports it.
fn named_row(
    rd: &mut Reader,
    pi: usize,
    panel: &Panel,
    r: u32,
    name_col: u16,
    col_of: &dyn Fn(usize, &str) -> Option<u16>,
) -> Option<String> {
    let name = rd.sheet.shown(r, name_col).to_string();
    let key = strip_ordinal(&label_key(&name));
    let is_word = |k: &str| k.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    // A note printed over a row (`说明：…本年度没有国有资本…`, its 栏次 beside it) names no 科目.
    let note = is_note_key(&key) || rd.is_empty_table_note(&name);
    if !is_word(&key) || note || ["栏次", "行次", "小计", "合计", "总计"].contains(&key.as_str())
    {
        return None;
    }
    let has_number = panel
        .columns
        .iter()
        .filter(|c| c.kind == ColKind::Amount)
        .filter_map(|c| col_of(pi, &c.id))
        .any(|c| matches!(rd.sheet.get(r, c), Cell::Number(_)));
    let code = known_code(rd, panel, &key);
    let row_key = code.clone().unwrap_or_else(|| format!("{UNCODED}{key}"));
    if !has_number || rd.data.row(&row_key).is_some() {
        return None;
    }
    rd.data.rows.push(RowData {
        panel: panel.id.clone(),
        key: row_key.as_str().into(),
        kind: RowKind::Coded,
        code,
        label: Some(name.trim().to_string()),
        line: None,
        values: values_of(panel),
    });
    Some(row_key)
}

/// The values of a new row of `panel`, room made for each of its value columns: a row's
/// values are read one by one, and a map grown on the way reallocates twice per row.
fn values_of(panel: &Panel) -> RowValues {
    RowValues::with_capacity(panel.columns.iter().filter(|c| c.kind.is_value()).count())
}

/// The code a 科目 name key stands for in the national classifications the vocabulary knows
/// (function classes, economic codes), or of the names a printed name cut short is part of,
/// at one of the panel's code lengths and of the family of the codes read above it (229
/// 其他支出 under function codes, 399 under economic ones); when the name has several codes,
/// the one under the parent read last.
fn known_code(rd: &mut Reader, panel: &Panel, key: &str) -> Option<String> {
    let none = PanelCodes::default();
    let above = rd
        .codes_read
        .of_panel(&rd.data.rows, &panel.id)
        .unwrap_or(&none);
    let family = above.family;
    let exact = rd.vocab.subject_codes(key);
    // A printed name whose ends were cut off (`旅游体育与传媒支`): the names it is a part of.
    let cut = if exact.is_empty() && rd.sheet.is_printed() {
        names_cut(rd.vocab.subjects(), key)
    } else {
        Vec::new()
    };
    let candidates: Vec<String> = exact
        .iter()
        .chain(cut)
        .filter(|c| {
            panel
                .coded
                .as_ref()
                .is_none_or(|p| p.levels.contains(&c.len()))
        })
        .filter(|c| family.is_none_or(|f| c.starts_with(f)))
        .filter(|c| super::fits_after(c, above.last.as_deref()))
        .cloned()
        .collect();
    super::pick_code(Some(&candidates), &above.last_of_len, &rd.data)
}

/// The codes read so far in each panel of a sheet, for [`known_code`]: rows are only added
/// while a sheet is read, so each look takes in the rows added since the last one (a table of
/// thousands of uncoded names would otherwise go over every row read for each name).
#[derive(Default)]
pub(crate) struct CodesRead {
    /// How many rows of the form were taken in.
    seen: usize,
    by_panel: FastMap<String, PanelCodes>,
}

/// The codes of one panel's rows read so far.
#[derive(Default)]
struct PanelCodes {
    /// The last code read of each length.
    last_of_len: HashMap<usize, String>,
    /// The first digit of the last code read: the family of codes the table uses.
    family: Option<char>,
    /// The last code read.
    last: Option<String>,
}

impl CodesRead {
    /// The codes of panel `panel` among `rows`, the rows read so far; none when it has none.
    fn of_panel(&mut self, rows: &[RowData], panel: &str) -> Option<&PanelCodes> {
        if self.seen > rows.len() {
            *self = CodesRead::default();
        }
        for row in &rows[self.seen..] {
            if let Some(code) = &row.code {
                let codes = self.by_panel.entry(row.panel.clone()).or_default();
                codes.last_of_len.insert(code.len(), code.clone());
                codes.family = code.chars().next();
                codes.last = Some(code.clone());
            }
        }
        self.seen = rows.len();
        self.by_panel.get(panel)
    }
}

/// A 科目 code and its name in one cell ("2010450 事业运行", "201　一般公共服务支出",
/// "2010450.事业运行"): the 类/款/项 code of three, five or seven digits, then the name; or the
/// code in brackets before or after it, as budget systems export it ("[2010450]事业运行",
/// "事业运行（2010450）").
/// A cell wrapped inside the code ("30⏎101 基本工资") still shows it whole.
fn split_code_name(text: &str) -> Option<(String, String)> {
    let text = text.trim();
    if let Some(found) = bracketed_code_name(text) {
        return Some(found);
    }
    let in_code = |c: char| c.is_ascii_digit() || c == '\n' || c == '\r';
    let mut lead = &text[..text.len() - text.trim_start_matches(in_code).len()];
    // "201 06 01 行政运行", "201.06 行政运行", "201-06-01 …": the levels apart before the name.
    let apart = |c: char| c.is_ascii_digit() || c.is_whitespace() || c == '.' || c == '-';
    let spaced = &text[..text.len() - text.trim_start_matches(apart).len()];
    if crate::normalize::spaced_code(spaced).is_some() {
        lead = spaced;
    }
    let code: String = lead.chars().filter(char::is_ascii_digit).collect();
    if ![3, 5, 7].contains(&code.len()) {
        return None;
    }
    let after = &text[lead.len()..];
    // "201.5" is a number, not 201 and a name: a stop must be followed by the name itself.
    let name =
        after.trim_start_matches(|c: char| c.is_whitespace() || CODE_NAME_SEPARATORS.contains(&c));
    let starts_as_name = name
        .chars()
        .next()
        .is_some_and(|c| !c.is_ascii_digit() && c != '.' && c != '．');
    starts_as_name.then(|| (code, name.trim().to_string()))
}

/// What units put between a code and its name in one cell, besides spaces.
const CODE_NAME_SEPARATORS: [char; 9] = ['.', '．', '、', '-', '—', '_', ':', '：', '|'];

/// "[2010450]事业运行", "【201】一般公共服务支出", "事业运行(2010450)": a code of three, five
/// or seven digits in brackets, before or after its name.
fn bracketed_code_name(text: &str) -> Option<(String, String)> {
    const OPEN: [char; 6] = ['[', '【', '(', '（', '〔', '［'];
    const CLOSE: [char; 6] = [']', '】', ')', '）', '〕', '］'];
    let is_code = |s: &str| {
        [3, 5, 7].contains(&s.trim().len()) && s.trim().bytes().all(|b| b.is_ascii_digit())
    };
    let (code, name) = if let Some(rest) = text.strip_prefix(OPEN) {
        rest.split_once(CLOSE)?
    } else {
        let (name, code) = text.strip_suffix(CLOSE)?.rsplit_once(OPEN)?;
        (code, name)
    };
    let name = name.trim_matches(|c: char| c.is_whitespace() || CODE_NAME_SEPARATORS.contains(&c));
    let named = name.chars().next().is_some_and(|c| !c.is_ascii_digit());
    (is_code(code) && named).then(|| (code.trim().to_string(), name.to_string()))
}

fn code_cells(src: CodeSource) -> Vec<u16> {
    match src {
        CodeSource::None => vec![],
        CodeSource::Single(c) => vec![c],
        CodeSource::Split(a, b, c) => [a, b].into_iter().chain(c).collect(),
    }
}

/// Identify the row `r` of one panel and read its values; true when the row was one of the
/// panel's.
#[allow(clippy::too_many_arguments)]
fn read_panel_row(
    rd: &mut Reader,
    pi: usize,
    panel: &Panel,
    r: u32,
    col_of: &dyn Fn(usize, &str) -> Option<u16>,
    code_src: CodeSource,
    split: &mut SplitCodeState,
    list_counter: &mut usize,
) -> bool {
    let at = PanelRow {
        pi,
        panel,
        r,
        col_of,
        code_src,
    };
    let (code, name_after_code) = at.code(rd, split);
    let key: Option<String> = if let Some(coded) = &panel.coded {
        match code {
            Some(code) => at.coded_row(rd, code, name_after_code),
            None => at.uncoded_row(rd, &coded.total),
        }
    } else if panel.list.is_some() {
        at.list_row(rd, list_counter)
    } else {
        identify_fixed(rd, pi, panel, r, col_of, code)
    };
    let Some(key) = key else {
        return false;
    };
    read_row_values(rd, pi, panel, r, col_of, code_src, &key);
    true
}

/// Sheet row `r` read through the columns `col_of` places for slot `pi`, as a row of `panel`.
struct PanelRow<'a> {
    pi: usize,
    panel: &'a Panel,
    r: u32,
    col_of: &'a dyn Fn(usize, &str) -> Option<u16>,
    code_src: CodeSource,
}

impl PanelRow<'_> {
    /// The first of the panel's name columns holding a text on the row.
    fn name_cell(&self, rd: &Reader) -> Option<u16> {
        self.panel
            .columns
            .iter()
            .filter(|c| c.kind == ColKind::Name)
            .find_map(|c| {
                (self.col_of)(self.pi, &c.id).filter(|&sc| rd.text_key(self.r, sc).is_some())
            })
    }

    /// The row's code, and the name written after it when the code was read from the name
    /// cell.
    fn code(&self, rd: &Reader, split: &mut SplitCodeState) -> (Option<String>, Option<String>) {
        let code = read_code(rd, self.r, self.code_src, split);
        if code.is_some() || !shows_codes(self.panel) {
            return (code, None);
        }
        // "2010450 事业运行": the code written in the name cell, where no code column holds it.
        // The cell is under the name's header, or under a header taken for the code's (项目),
        // or the 类 column of a split code with the name column left empty.
        let code_col = match self.code_src {
            CodeSource::Single(c) | CodeSource::Split(c, ..) => Some(c),
            CodeSource::None => None,
        };
        let written = [self.name_cell(rd), code_col]
            .into_iter()
            .flatten()
            .find_map(|c| split_code_name(&rd.sheet.shown(self.r, c).to_string()));
        match written {
            Some((c, n)) => (Some(split.enter(&c)), Some(n)),
            None => (None, None),
        }
    }

    /// A 科目 row by its code: a new row of the panel, unless the code was read already (then
    /// reported, and none).
    fn coded_row(
        &self,
        rd: &mut Reader,
        code: String,
        name_after_code: Option<String>,
    ) -> Option<String> {
        let r = self.r;
        let name = name_after_code
            .or_else(|| self.name_cell(rd).map(|c| rd.sheet.shown(r, c).to_string()));
        if rd.data.row(&code).is_some() {
            rd.notice(
                Severity::Error,
                "duplicate-code",
                r,
                code_cells(self.code_src).first().copied().unwrap_or(0),
                format!(
                    "科目代码 {code} 在{}中出现两次（第 {} 行）；只读取第一次出现的数据",
                    rd.form.table_no,
                    r + 1
                ),
            );
            return None;
        }
        rd.data.rows.push(RowData {
            panel: self.panel.id.clone(),
            key: code.as_str().into(),
            kind: RowKind::Coded,
            code: Some(code.clone()),
            label: name.map(|n| n.trim().to_string()),
            line: None,
            values: values_of(self.panel),
        });
        Some(code)
    }

    /// A row of a 科目 panel without a code: its 合计 (labelled `total`), or a 科目 printed
    /// without its code. The 合计 may stand in the code column of a table without a code
    /// (an empty 公开07/08表: its code column holds no code to be read from).
    fn uncoded_row(&self, rd: &mut Reader, total: &str) -> Option<String> {
        let (r, code_src) = (self.r, self.code_src);
        let total = label_key(total);
        let is_total = code_cells(code_src)
            .into_iter()
            .chain(
                self.panel
                    .columns
                    .iter()
                    .filter(|c| matches!(c.kind, ColKind::Name | ColKind::Label | ColKind::Code))
                    .filter_map(|c| (self.col_of)(self.pi, &c.id)),
            )
            .chain(code_cells(code_src).first().map(|c| c.saturating_sub(1)))
            .any(|c| {
                rd.text_key(r, c)
                    .is_some_and(|k| k == total || k == "总计" || k == "合计")
            });
        if is_total {
            // A second 合计 row (the header repeated with the 合计 on its 类 款 项
            // row) is not read over the first: its cells are left as strays.
            let taken = rd.data.row_at.contains_key(Key::Total.as_str());
            (!taken).then(|| Key::Total.as_str().to_string())
        } else {
            self.uncoded_name_cell(rd)
                .and_then(|c| named_row(rd, self.pi, self.panel, r, c, self.col_of))
        }
    }

    /// Where the row, a 科目 without a code, has its name: the table's column for names
    /// printed without codes; or, in a table of codes beside names, the name cell, else the
    /// code cell holding a name (`2010450 事业运行` wrapped in the code cell, its code line
    /// clipped by the print).
    fn uncoded_name_cell(&self, rd: &Reader) -> Option<u16> {
        let column = uncoded_name_column(self.panel, self.pi, self.col_of, self.code_src);
        match (column, self.code_src) {
            (Some(c), _) => Some(c),
            (None, CodeSource::Single(c)) => self
                .name_cell(rd)
                .or_else(|| rd.text_key(self.r, c).is_some().then_some(c)),
            (None, _) => None,
        }
    }

    /// A new row of a list panel, when the row holds a text of its own in the panel's columns.
    fn list_row(&self, rd: &mut Reader, list_counter: &mut usize) -> Option<String> {
        let r = self.r;
        let has_content = self
            .panel
            .columns
            .iter()
            .filter_map(|c| (self.col_of)(self.pi, &c.id))
            .any(|c| {
                let origin = rd
                    .sheet
                    .merge_at(r, c)
                    .map_or((r, c), |m| (m.first_row, m.first_col));
                origin.0 == r
                    && !rd.consumed.contains(&origin)
                    && rd.text_key(r, c).is_some_and(|k| k != "……" && k != "…")
            });
        if !has_content {
            return None;
        }
        *list_counter += 1;
        let key = format!("#{list_counter}");
        rd.data.rows.push(RowData {
            panel: self.panel.id.clone(),
            key: key.as_str().into(),
            kind: RowKind::List,
            code: None,
            label: None,
            line: None,
            values: values_of(self.panel),
        });
        Some(key)
    }
}

/// Reads sheet row `r` into logical row `key` of `panel` through the columns `col_of` places:
/// the identifying cells (codes, labels, 行次) are consumed, each value column read.
pub(super) fn read_row_values(
    rd: &mut Reader,
    pi: usize,
    panel: &Panel,
    r: u32,
    col_of: &dyn Fn(usize, &str) -> Option<u16>,
    code_src: CodeSource,
    key: &str,
) {
    // Consume the identifying cells.
    for c in code_cells(code_src) {
        rd.consume(r, c);
    }
    // Only the identifying columns are looked up here (the value columns below).
    let identifying = |k: ColKind| {
        matches!(
            k,
            ColKind::Label | ColKind::Line | ColKind::Name | ColKind::Code
        )
    };
    for col in panel.columns.iter().filter(|c| identifying(c.kind)) {
        if let Some(sc) = col_of(pi, &col.id) {
            rd.consume(r, sc);
        }
    }
    let label_col = panel.list.as_ref().and_then(|l| l.label_column.clone());
    // The row is found once: reading its cells adds no row and removes none.
    let row_index = rd.data.rows.position(key);
    let mut row_name: Option<String> = None;
    for col in panel.columns.iter().filter(|c| c.kind.is_value()) {
        let Some(sc) = col_of(pi, &col.id) else {
            continue;
        };
        let sheet = rd.sheet;
        let merge = sheet.merge_at(r, sc);
        let cell = match rd.header_in_rows.contains(&(r, sc)) {
            true => Cell::Empty,
            false => sheet.shown_through(r, sc, merge).clone(),
        };
        let merged_from_above = merge.is_some_and(|m| m.first_row < r);
        if merged_from_above && col.kind != ColKind::Text
            || holds_value(rd, row_index, key, &col.id)
        {
            continue;
        }
        rd.consume_through(r, sc, merge);
        // A text merged down from a row above was read from the merged cell: name that cell,
        // which is what a reader sees (and what tells two merged blocks apart, see `calc::bind`).
        let at = match merge {
            Some(m) if merged_from_above => Place::at(m.first_row, m.first_col),
            _ => Place::at(r, sc),
        };
        rd.data.origin.insert(cell_key(key, &col.id), at);
        // The row's name for a notice on the cell: made only for a cell that may get one (a
        // text where a number goes, a number out of range), once per row.
        let may_be_noticed = col.kind != ColKind::Text
            && match &cell {
                Cell::Empty => false,
                Cell::Number(d) => !crate::normalize::in_input_range(*d),
                _ => true,
            };
        if may_be_noticed && row_name.is_none() {
            row_name = Some(
                row_index
                    .and_then(|i| rd.data.rows.get(i))
                    .map_or_else(|| key.to_string(), |row| row.shown_name()),
            );
        }
        let what = format_args!(
            "{}·{}",
            row_name.as_deref().unwrap_or(key),
            col.label.as_deref().unwrap_or(&col.id)
        );
        let val = rd.cell_value(&cell, col.kind, r, sc, what, false);
        if val == Val::Blank {
            continue;
        }
        if let Some(row) = row_index.and_then(|i| rd.data.rows.get_mut(i)) {
            if label_col.as_deref() == Some(&*col.id) {
                if let Val::Text(t) = &val {
                    row.label = Some(t.clone());
                }
            }
            row.values.insert(col.id.clone(), val);
        }
    }
    // The row's own key, shared, where the row is in the data.
    let mut shared_key = None;
    if let Some(row) = row_index.and_then(|i| rd.data.rows.get(i)) {
        shared_key = Some(row.key.clone());
        if row.kind != RowKind::Fixed {
            rd.data
                .origin
                .entry(key.to_string())
                .or_insert_with(|| Place::at(r, 0));
        }
    }
    rd.data
        .row_at
        .insert(shared_key.unwrap_or_else(|| key.into()), r);
}

/// Whether logical cell `key.col` (of the row at `row_index`) was read already with a value: a
/// second reading of the row (through another panel's columns) leaves it, and the cell it
/// would read from, alone.
fn holds_value(rd: &Reader, row_index: Option<usize>, key: &str, col: &str) -> bool {
    row_index
        .and_then(|i| rd.data.rows.get(i))
        .and_then(|row| row.values.get(col))
        .is_some_and(|v| !v.is_blank())
        && rd.data.origin.contains_key(&cell_key(key, col))
}

fn identify_fixed(
    rd: &mut Reader,
    pi: usize,
    panel: &Panel,
    r: u32,
    col_of: &dyn Fn(usize, &str) -> Option<u16>,
    code: Option<String>,
) -> Option<String> {
    // The row's label, or the 科目 name of a row printed without its code (names indented
    // under their parent): the first of the label and the name columns holding a text.
    let label_cols: Vec<u16> = [ColKind::Label, ColKind::Name]
        .into_iter()
        .filter_map(|kind| {
            panel
                .columns
                .iter()
                .filter(|c| c.kind == kind)
                .find_map(|c| col_of(pi, &c.id))
        })
        .collect();
    let labelled = label_cols
        .iter()
        .find_map(|&c| Some((c, rd.text_key(r, c)?)));
    let label_col = label_cols.first().copied();
    let line = panel
        .columns
        .iter()
        .find(|c| c.kind == ColKind::Line)
        .and_then(|c| col_of(pi, &c.id))
        .and_then(|c| line_numbers::line_in(rd, r, c));
    if let Some(at) = line {
        if line_numbers::lines_decide(rd, label_col, at.col) {
            if let Some(decided) = fixed_by_line(rd, panel, r, at) {
                return decided;
            }
        } else if labelled.is_none() {
            // A spacer row of a table read by its labels: its 行次 is the table's own.
            rd.consume(r, at.col);
        }
    }
    if let Some(decided) = code.and_then(|code| fixed_by_code(rd, panel, r, &code)) {
        return decided;
    }
    if let Some(decided) = sole_unlabelled_row(rd, pi, panel, r, col_of) {
        return decided;
    }
    let (c, key) = labelled?;
    if rd.consumed.contains(&(r, c)) && rd.sheet.merge_at(r, c).is_none() {
        // The end of a label typed over two rows, read with the row above.
        return None;
    }
    if let Some(id) = label_begun_above(rd, pi, panel, (r, c), &key, col_of) {
        return Some(id);
    }
    if label_goes_on_below(rd, pi, panel, (r, c), &key, col_of) {
        return None;
    }
    if let Some(id) = label_ended_below(rd, pi, panel, (r, c), &key, col_of) {
        return Some(id);
    }
    if let Some(id) = fixed_by_label(rd, panel, &key) {
        return Some(id);
    }
    let printed = rd
        .sheet
        .shown(r, c)
        .as_text()
        .unwrap_or_default()
        .trim()
        .to_string();
    let next = panel_rows_after(rd, panel);
    cut_labels::cut_label_row(rd, panel, (r, c), (&key, &printed), &next)
}

/// The row a label typed over two rows names (`九、卫生` above, `健康支出` beside the figures,
/// as a table converted from a PDF keeps a wrapped label): the label cell above, not read as
/// anything, in a row without figures in the panel's columns, joined to `key` names a row of
/// the panel. The cell above is read as part of the label.
fn label_begun_above(
    rd: &mut Reader,
    pi: usize,
    panel: &Panel,
    (r, c): (u32, u16),
    key: &str,
    col_of: &dyn Fn(usize, &str) -> Option<u16>,
) -> Option<String> {
    let above = r.checked_sub(1)?;
    let begun = unread_label(rd, above, c)?;
    if fills_panel_columns(rd, pi, panel, above, col_of) {
        return None;
    }
    let id = joined_label_row(rd, panel, &begun, key)?;
    rd.consume(above, c);
    Some(id)
}

/// The row the label halves `head` and `rest` name joined: as they are, ordinals and all
/// (`二十` | `六、抗疫特别国债安排的支出`); else, when neither half names a row by itself
/// (a label its asides aside: `使用非财政拨款结余（含专用结…`), ordinals and asides aside.
fn joined_label_row(rd: &Reader, panel: &Panel, head: &str, rest: &str) -> Option<String> {
    let joined = format!("{head}{rest}");
    let named_so = |x: &&&crate::form::FixedRow| row_names(x).contains(&joined);
    if let Some(x) = free_rows(rd, panel).iter().find(named_so) {
        return Some(x.id.clone());
    }
    let names_alone =
        |half: &str| is_whole_label(rd, half) || fixed_named(rd, panel, half).is_some();
    if names_alone(head) || names_alone(rest) {
        return None;
    }
    fixed_named(rd, panel, &joined)
}

/// Whether the label `key` of row `r`, without figures in the panel's columns, is the beginning
/// of a label typed over two rows (`九、卫生健康` | `支出  25.59`), which its own words would
/// take for a row (卫生健康 for 卫生健康支出): the row below reads it whole.
fn label_goes_on_below(
    rd: &Reader,
    pi: usize,
    panel: &Panel,
    (r, c): (u32, u16),
    key: &str,
    col_of: &dyn Fn(usize, &str) -> Option<u16>,
) -> bool {
    let Some(rest) = unread_label(rd, r + 1, c) else {
        return false;
    };
    !fills_panel_columns(rd, pi, panel, r, col_of)
        && joined_label_row(rd, panel, key, &rest).is_some()
}

/// The row a label typed over two rows names when the figures stand beside its first half
/// (`一、一般公共预  20218.21` | `算财政拨款收入`): the label cell below, read as nothing yet, in
/// a row without figures in the panel's columns, joined after `key` names a row of the panel.
/// The cell below is read as part of the label.
fn label_ended_below(
    rd: &mut Reader,
    pi: usize,
    panel: &Panel,
    (r, c): (u32, u16),
    key: &str,
    col_of: &dyn Fn(usize, &str) -> Option<u16>,
) -> Option<String> {
    let rest = unread_label(rd, r + 1, c)?;
    if !fills_panel_columns(rd, pi, panel, r, col_of)
        || fills_panel_columns(rd, pi, panel, r + 1, col_of)
    {
        return None;
    }
    let id = joined_label_row(rd, panel, key, &rest)?;
    rd.consume(r + 1, c);
    Some(id)
}

/// Whether `key` is a row label of the form as it is (ordinals aside): a label of its own,
/// never half of one.
fn is_whole_label(rd: &Reader, key: &str) -> bool {
    names_a_row_exactly(rd.form, &strip_ordinal(key))
}

/// The key of the text in cell (`r`, `c`), when it is read as nothing yet and starts there.
fn unread_label(rd: &Reader, r: u32, c: u16) -> Option<String> {
    if rd.consumed.contains(&(r, c)) || rd.sheet.is_covered(r, c) {
        return None;
    }
    rd.text_key(r, c)
}

/// Whether row `r` holds anything in the panel's columns besides its label, name and 行次.
fn fills_panel_columns(
    rd: &Reader,
    pi: usize,
    panel: &Panel,
    r: u32,
    col_of: &dyn Fn(usize, &str) -> Option<u16>,
) -> bool {
    (panel.columns.iter())
        .filter(|col| !matches!(col.kind, ColKind::Label | ColKind::Name | ColKind::Line))
        .filter_map(|col| col_of(pi, &col.id))
        .any(|vc| !rd.sheet.shown(r, vc).is_empty())
}

/// The fixed row 行次 `at` (printed on row `r`) names: `Some` when the 行次 decides (the row,
/// or none when it was read already or is another panel's 行次), `None` when it names no row.
fn fixed_by_line(rd: &mut Reader, panel: &Panel, r: u32, at: LineAt) -> Option<Option<String>> {
    let line = at.line;
    if let Some(row) = panel.rows.iter().find(|x| x.line == Some(line)) {
        // A spare row of the form (公开04表's 行61, no label): its 行次 is the form's own, but
        // the row holds no logical cell; a figure typed in it stays outside, reported.
        if row.blank {
            rd.consume(r, at.col);
            rd.spare_lines.insert((r, at.col), line);
            return Some(None);
        }
        return Some(unless_read(rd, row, r, at.col, &format!("行次 {line}")));
    }
    // Another panel's 行次 (总计 of 支出, line 62, is not 收入's 总计 of line 31).
    another_panels_line(rd.form, panel, line).then_some(None)
}

/// The fixed row showing code `code`: `Some` when one does (the row, or none when it was read
/// already).
fn fixed_by_code(rd: &mut Reader, panel: &Panel, r: u32, code: &str) -> Option<Option<String>> {
    let row = panel
        .rows
        .iter()
        .find(|x| x.code.as_deref() == Some(code) && x.show_code)?;
    let at = rd.sheet.shown_cols(r).first().copied().unwrap_or(0);
    Some(unless_read(rd, row, r, at, &format!("科目代码 {code}")))
}

/// A panel of one unlabelled row (公开09表): the first row holding numbers is it. `Some` for
/// such a panel (the row, or none when row `r` holds no number or the row was read), `None`
/// for any other.
fn sole_unlabelled_row(
    rd: &Reader,
    pi: usize,
    panel: &Panel,
    r: u32,
    col_of: &dyn Fn(usize, &str) -> Option<u16>,
) -> Option<Option<String>> {
    let keyed = panel
        .columns
        .iter()
        .any(|c| matches!(c.kind, ColKind::Label | ColKind::Line | ColKind::Code));
    let real: Vec<_> = panel.rows.iter().filter(|x| !x.blank).collect();
    if keyed || real.len() != 1 {
        return None;
    }
    let has_number = panel
        .columns
        .iter()
        .filter(|c| c.kind.is_numeric())
        .filter_map(|c| Some((col_of(pi, &c.id)?, c.kind)))
        .any(|(c, kind)| {
            matches!(
                rd.amount(rd.sheet.get(r, c), kind),
                Amount::Value(_) | Amount::Nothing
            )
        });
    let taken = rd.data.row_at.contains_key(real[0].id.as_str());
    Some((has_number && !taken).then(|| real[0].id.clone()))
}

/// The fixed row of `panel` not read yet that `label` (a label key) names.
fn fixed_by_label(rd: &Reader, panel: &Panel, label: &str) -> Option<String> {
    if let Some(id) = fixed_named(rd, panel, label) {
        return Some(id);
    }
    let want = strip_ordinal(label);
    // A label another panel of the form prints as it is (公开06表's 商品和服务支出 read
    // through the 人员经费 columns of one list) is that panel's, not a near one of this panel.
    if names_a_row_exactly(rd.form, &want) {
        return None;
    }
    let free = free_rows(rd, panel);
    let keys: Vec<(usize, Vec<String>)> = free
        .iter()
        .enumerate()
        .map(|(i, x)| (i, row_names(x).iter().map(|k| strip_ordinal(k)).collect()))
        .collect();
    let next = panel_rows_after(rd, panel);
    closest_label(&want, &keys, &rd.vocab.label_endings)
        .map(|i| free[i].id.clone())
        .or_else(|| by_clipped_label(&free, &next, &want, &row_names))
}

/// The rows of `panel` not read yet.
fn free_rows<'p>(rd: &Reader, panel: &'p Panel) -> Vec<&'p crate::form::FixedRow> {
    (panel.rows.iter())
        .filter(|x| !x.blank && !rd.data.row_at.contains_key(x.id.as_str()))
        .collect()
}

/// A fixed row's label and aliases, as keys.
fn row_names(x: &crate::form::FixedRow) -> Vec<String> {
    x.label
        .iter()
        .chain(x.aliases.iter())
        .map(|l| label_key(l))
        .collect()
}

/// The row not read yet that `label` names as it is, or without ordinals and asides: no
/// nearer wording.
fn fixed_named(rd: &Reader, panel: &Panel, label: &str) -> Option<String> {
    // Exact label first ("一、一般公共预算财政拨款" is line 1, "一般公共预算财政拨款" line 29),
    // then without ordinals and asides; never a row already read.
    let free = free_rows(rd, panel);
    let names = row_names;
    let want = strip_ordinal(label);
    let want_bare = strip_parens(&want);
    let exact = |x: &&&crate::form::FixedRow| names(x).iter().any(|k| k == label);
    let same = |x: &&&crate::form::FixedRow| {
        names(x).iter().any(|k| {
            let k = strip_ordinal(k);
            k == want || strip_parens(&k) == want_bare
        })
    };
    // Two rows named alike once ordinals are gone (一、一般公共预算财政拨款 and the
    // 一般公共预算财政拨款 under 年初结转和结余): the next one down the form is meant.
    let next = panel_rows_after(rd, panel);
    if let Some(x) = free
        .iter()
        .skip_while(|x| !next(&x.id))
        .find(|x| same(x) || exact(x))
    {
        return Some(x.id.clone());
    }
    free.iter()
        .find(exact)
        .or_else(|| free.iter().find(same))
        .map(|x| x.id.clone())
}

/// A printed label shorter than this (in characters) is too short to tell its row by.
const CLIPPED_LABEL_MIN: usize = 6;

/// The row whose label holds `want` inside it, not at its start: a wrapped label printed
/// with its first line (and maybe its last) cut off by a row too low for it
/// (“公共预算财政拨款” of 一、一般公共预算财政拨款收入). Of rows named alike, the next one
/// down the form.
fn by_clipped_label(
    free: &[&crate::form::FixedRow],
    next: &dyn Fn(&str) -> bool,
    want: &str,
    names: &dyn Fn(&crate::form::FixedRow) -> Vec<String>,
) -> Option<String> {
    if want.chars().count() < CLIPPED_LABEL_MIN {
        return None;
    }
    let holds = |x: &&&crate::form::FixedRow| {
        names(x)
            .iter()
            .any(|k| strip_ordinal(k).find(want).is_some_and(|at| at > 0))
    };
    let after = free.iter().skip_while(|x| !next(&x.id)).find(holds);
    after
        .or_else(|| free.iter().find(holds))
        .map(|x| x.id.clone())
}

/// Whether `line` is the 行次 of a row of another panel of the form.
fn another_panels_line(form: &Form, panel: &Panel, line: u32) -> bool {
    form.blocks
        .iter()
        .flat_map(|b| &b.panels)
        .filter(|p| p.id != panel.id)
        .any(|p| p.rows.iter().any(|x| x.line == Some(line)))
}

/// Whether `want` is `label` with an ending of the vocabulary left out.
pub(super) fn abbreviates(want: &str, label: &str, endings: &[String]) -> bool {
    label
        .strip_prefix(want)
        .is_some_and(|rest| endings.iter().any(|e| e == rest))
}

/// Fixed row `row`, named on sheet row `r` by its 行次 or code (`by`, in cell `c`), unless it
/// was read already from another sheet row: then the second printing is reported and its
/// cells are left as strays, never read over the first. Read again from the same sheet row
/// (through another panel's columns), it only fills what the first reading left blank.
fn unless_read(
    rd: &mut Reader,
    row: &crate::form::FixedRow,
    r: u32,
    c: u16,
    by: &str,
) -> Option<String> {
    let Some(&first) = rd.data.row_at.get(row.id.as_str()) else {
        return Some(row.id.clone());
    };
    if first == r {
        return Some(row.id.clone());
    }
    let at = Place::at(r, c);
    let said = rd
        .notices
        .iter()
        .any(|n| n.rule == DUPLICATE_ROW && n.cell == at);
    if !said {
        let name = row.label.as_deref().unwrap_or(&row.id);
        let message = format!(
            "{}第 {} 行（{by}）与第 {} 行是同一行“{}”；只读取第一次出现的数据，\
             本行的内容已保留为表外内容，请核对",
            rd.form.table_no,
            r + 1,
            first + 1,
            name.trim()
        );
        rd.notice(Severity::Warning, DUPLICATE_ROW, r, c, message);
    }
    None
}

/// The rule of a fixed row printed twice (by its 行次 or code).
pub const DUPLICATE_ROW: &str = "duplicate-row";

/// Whether a fixed row of `panel` comes after every row of it read so far (by its place in
/// the form's definition).
fn panel_rows_after<'p>(rd: &Reader, panel: &'p Panel) -> impl Fn(&str) -> bool + 'p {
    let read = |x: &crate::form::FixedRow| rd.data.row_at.contains_key(x.id.as_str());
    let last = panel.rows.iter().rposition(read);
    move |id: &str| {
        let at = panel.rows.iter().position(|x| x.id == id);
        match (at, last) {
            (Some(at), Some(last)) => at > last,
            _ => true,
        }
    }
}

/// Whether a fixed row of any panel of `form` has `want` (a label key, ordinal stripped) as
/// its label or an alias.
pub(super) fn names_a_row_exactly(form: &Form, want: &str) -> bool {
    form.blocks
        .iter()
        .flat_map(|b| &b.panels)
        .flat_map(|p| &p.rows)
        .flat_map(|x| x.label.iter().chain(x.aliases.iter()))
        .any(|l| strip_ordinal(&label_key(l)) == want)
}

/// The one row whose label `want` abbreviates (an ending of the vocabulary left out:
/// 社会保障和就业 for 社会保障和就业支出) or resembles closely (three in four characters, net
/// of what differs); None when none does or two do equally.
pub(crate) fn closest_label(
    want: &str,
    rows: &[(usize, Vec<String>)],
    endings: &[String],
) -> Option<usize> {
    let short: Vec<usize> = rows
        .iter()
        .filter(|(_, ks)| ks.iter().any(|k| abbreviates(want, k, endings)))
        .map(|(i, _)| *i)
        .collect();
    if let [one] = short[..] {
        return Some(one);
    }
    let want_len = want.chars().count() as i32;
    let mut scored: Vec<(i32, usize)> = rows
        .iter()
        .filter_map(|(i, ks)| {
            ks.iter()
                .filter_map(|k| {
                    let len = k.chars().count() as i32;
                    let fit = super::title_fit(want, k);
                    (len >= 4 && fit * 4 >= len * 3 && want_len * 2 <= len * 3 + 4).then_some(fit)
                })
                .max()
                .map(|fit| (fit, *i))
        })
        .collect();
    scored.sort_by_key(|(fit, _)| std::cmp::Reverse(*fit));
    match scored[..] {
        [(best, i), (next, _), ..] if best > next => Some(i),
        [(_, i)] => Some(i),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{is_column_number_row, is_mark, split_code_name};
    use crate::test_rng::Rng;

    /// A 栏次 row is marks only: rows drawn from marks, header words, labels, codes and
    /// amounts are accepted only when each key is a mark (which lets a data row be told apart
    /// by its first key that is none).
    #[test]
    fn a_column_number_row_holds_marks_only() {
        const POOL: &str =
            "栏次 * ** 1 2 3 4 5 一 二 三 (1) (2) ③ 第4栏 1=2+3 2.00 合计 上年决算数 \
                            序号 2010101 行政运行 123.45 60";
        let pool: Vec<&str> = POOL.split_whitespace().collect();
        let mut rng = Rng::new(0x2545_f491_4f6c_dd1d);
        let mut accepted = 0;
        for _ in 0..200_000 {
            let len = 1 + rng.below(7);
            let mut keys: Vec<String> = Vec::with_capacity(len);
            let mut n = 1 + rng.below(3);
            for _ in 0..len {
                // Mostly ordered marks, so that many rows are accepted; sometimes any word.
                let k = match rng.below(3) {
                    0 => pool[rng.below(pool.len())].to_string(),
                    _ => n.to_string(),
                };
                n += 1 + usize::from(rng.below(8) == 0);
                keys.push(k);
            }
            if is_column_number_row(&keys) {
                accepted += 1;
                assert!(keys.iter().all(|k| is_mark(k)), "{keys:?}");
            }
        }
        assert!(accepted > 1_000, "{accepted} rows accepted");
    }

    #[test]
    fn column_number_rows_in_the_marks_units_print() {
        let row = |keys: &[&str]| {
            is_column_number_row(&keys.iter().map(|k| k.to_string()).collect::<Vec<_>>())
        };
        for marked in [
            &["栏次", "1", "2", "3"][..],
            &["栏次", "1=2+3+4+5+6+7", "2", "3", "4"],
            &["①", "②", "③"],
            &["(1)", "(2)", "(3)", "(4)"],
            &["第1栏", "第2栏", "第3栏"],
            &["1栏", "2栏", "3栏"],
            &["*", "1", "2"],
            &["1", "2", "3"],
            &["1=2+3", "2", "3", "6=1+2-3"],
            // 公开09表 printed without its second column.
            &["1", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"],
            &["1", "2", "3", "5", "6", "8"],
            // Numbers shown as text with their decimals, or in Chinese numerals.
            &["栏次", "1.00", "2.00", "3.00"],
            &["1.0", "2.0", "3.0", "4.0"],
            &["栏次", "一", "二"],
            &[
                "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
            ],
            &["(一)", "(二)", "(三)"],
            // Columns moved with their marks.
            &[
                "1", "2", "3", "5", "4", "6", "7", "8", "9", "10", "11", "12",
            ],
            &["1", "3", "2"],
            &["2", "1", "3", "4"],
            &["①", "③", "②"],
            &["1", "3", "5", "4", "6", "7"],
        ] {
            assert!(row(marked), "{marked:?}");
        }
        for data in [
            &["1", "2", "4"][..],
            &["2", "3", "5", "6"],
            &["1", "2", "5", "6", "9"],
            &["3", "2", "1"],
            &["(1)", "(2)"],
            &["一般公共服务支出", "1", "2", "3"],
            &["栏次", "合计", "1"],
            &["100", "101", "102"],
            &["1=合计", "2", "3"],
            &["1.50", "2.50", "3.50"],
            &["100.00", "101.00", "102.00"],
            &["一", "三", "五"],
            &["一、", "二、", "三、"],
            &["2", "1", "3"],
            &["1", "3", "3", "2"],
            &["2", "4", "3", "5"],
            &["12", "1", "2", "3"],
        ] {
            assert!(!row(data), "{data:?}");
        }
    }

    #[test]
    fn a_code_and_its_name_in_one_cell() {
        let split = |t: &str| split_code_name(t).map(|(c, n)| format!("{c}|{n}"));
        assert_eq!(
            split("2010450 事业运行").as_deref(),
            Some("2010450|事业运行")
        );
        assert_eq!(
            split("201　一般公共服务支出").as_deref(),
            Some("201|一般公共服务支出")
        );
        assert_eq!(
            split("20104政府办公厅").as_deref(),
            Some("20104|政府办公厅")
        );
        assert_eq!(
            split("30\n101 基本工资").as_deref(),
            Some("30101|基本工资"),
            "wrapped inside the code"
        );
        assert_eq!(
            split("201 06 01 行政运行").as_deref(),
            Some("2010601|行政运行"),
            "levels spaced apart"
        );
        assert_eq!(split("301 01　基本工资").as_deref(), Some("30101|基本工资"));
        for (cell, read) in [
            ("201.05 统计信息事务", "20105|统计信息事务"),
            ("201-05 统计信息事务", "20105|统计信息事务"),
            ("201.05.07 专项普查活动", "2010507|专项普查活动"),
            ("201-05-07专项普查活动", "2010507|专项普查活动"),
        ] {
            assert_eq!(
                split(cell).as_deref(),
                Some(read),
                "levels dotted or dashed: {cell}"
            );
        }
        assert_eq!(split("201.5 万元"), None, "an amount, not a code");
        assert_eq!(split("2023-2025年规划"), None, "years, not a code");
        assert_eq!(split("事业运行"), None);
        assert_eq!(split("2010450"), None);
        assert_eq!(split("201 06 01"), None);
        assert_eq!(
            split("2023年度"),
            None,
            "four digits are a year, not a code"
        );
        assert_eq!(split("1. 工资福利支出"), None);
    }

    /// The shapes budget systems and units' own sheets give a code and its name in one cell.
    #[test]
    fn a_code_and_its_name_bracketed_or_stopped() {
        let split = |t: &str| split_code_name(t).map(|(c, n)| format!("{c}|{n}"));
        for (cell, read) in [
            ("[2010450]事业运行", "2010450|事业运行"),
            ("【2010450】事业运行", "2010450|事业运行"),
            ("（201）一般公共服务支出", "201|一般公共服务支出"),
            ("事业运行(2010450)", "2010450|事业运行"),
            ("事业运行 （2010450）", "2010450|事业运行"),
            ("2010450.事业运行", "2010450|事业运行"),
            ("2010450、事业运行", "2010450|事业运行"),
            ("2010450-事业运行", "2010450|事业运行"),
            ("20104：政府办公厅", "20104|政府办公厅"),
        ] {
            assert_eq!(split(cell).as_deref(), Some(read), "{cell}");
        }
        for not_coded in [
            "201.5",
            "2010450.5",
            "[2010450]",
            "其他支出(2)",
            "[2024]年度",
            "(1)一般公共服务",
            "事业运行(2010450",
        ] {
            assert_eq!(split(not_coded), None, "{not_coded}");
        }
    }

    /// A header word is undressed of a unit in parentheses and of the year allowed in front
    /// (the title's, or the one year the header shows), not of another year (2023年决算数 is
    /// 上年 beside 2024年决算数).
    #[test]
    fn header_words_undressed_of_a_unit_and_a_year() {
        use super::{undressed, year_in_front_of, YearInFront};
        let own = YearInFront::Own("2024".into());
        assert_eq!(undressed("决算数(万元)", &own), ["决算数"]);
        assert_eq!(undressed("2024年决算数", &own), ["决算数"]);
        assert_eq!(
            undressed("2024年度决算数(万元)", &own),
            ["决算数(万元)", "决算数", "2024年度决算数"]
        );
        assert!(
            undressed("2023年决算数", &own).is_empty(),
            "another year is a name"
        );
        assert!(undressed("2023年决算数", &YearInFront::No).is_empty());
        assert!(
            undressed("2024年", &own).is_empty(),
            "nothing after the year"
        );
        assert_eq!(year_in_front_of("2023年度合计"), Some("2023"));
        assert_eq!(year_in_front_of("12345年"), None);
        assert_eq!(year_in_front_of("2023"), None);
        assert_eq!(year_in_front_of("3023年"), None);
        assert!(
            undressed("决算数", &own).is_empty(),
            "plain words cost nothing"
        );
        assert!(undressed("(万元)", &own).is_empty());
    }
}
