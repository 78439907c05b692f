//! Finds the forms in a workbook's sheets and maps every value to its logical cell: by title
//! or 表号 whatever the sheet's name or position; headers found by their labels wherever
//! they start; rows by 行次, label or code; values in unknown places kept and reported.

mod absent;
mod carry;
mod column_year;
mod copies;
mod grid;
mod mentions;
mod opening;
mod other_items;
mod stacked;
mod table;
mod transposed;
mod uncoded_place;
mod unheaded;
mod units;

pub use absent::{absent_columns, absent_rows};
pub use opening::name_unit_and_year_from_opening;
pub use table::{
    COLUMN_BY_MARK, LINE_MISMATCH, PAGE_TOTAL_ROW, SUBTOTAL_ROW, UNLABELLED_GROUP_ROW,
};
pub use table::{CUT_LABEL, DUPLICATE_ROW, UNCODED};
pub use unheaded::VALUES_UNHEADED;

use crate::calc::blank_data;
use crate::cellref::Place;
use crate::expr::{Name, Val};
use crate::form::{Catalog, ColKind, Family, Form, GridCellDef, Severity, Vocabulary};
use crate::layout::{layout, Layout};
use crate::model::{FastMap, FastSet, FormData, MoneyUnit, Stray};
use crate::normalize::{
    a1, decimal_text, has_triangle_minus, key_with_offsets, label_key, parse_amount, parse_rate,
    Amount,
};
use crate::read::{is_continuation_mark, Cell, Merge, Sheet, Workbook};
use mentions::{is_listed_row, listed_name_notice, listed_names, mentions_a_table, Titles};
use other_items::{fits_after, other_code};
use rust_decimal::Decimal;
use stacked::{stacked_parts, Part};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
pub(crate) use units::settle_money_unit;
use units::{adopt_noted_unit, in_wan, note_money_unit, BookUnits};

/// Something found while reading a sheet (a value that is not a number, a value in no cell).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub severity: Severity,
    pub rule: &'static str,
    pub cell: Place,
    pub message: String,
}

#[derive(Debug)]
pub struct Recognized<'c> {
    pub form: &'c Form,
    pub data: FormData,
    pub notices: Vec<Notice>,
    /// Why the sheet was taken for the form (its title, its 表号, its labels).
    pub why: String,
    /// The cells read as the form's own words — title, unit line, header, labels, codes,
    /// notes — in sheet order (row, column). With the origins of `data` and its strays, every
    /// non-empty cell of the sheet is accounted for.
    pub words: Vec<(u32, u16)>,
    /// How many of the first strays of `data` were kept out of the rows read (a cover and a
    /// 目录 above a sheet's first form): values outside the form, not figures of its own.
    pub kept_apart: usize,
    /// The cells of columns the unit added to compare with another year or the budget
    /// (上年决算数): values outside the form, but not its figures misplaced.
    pub comparison_cells: FastSet<(u32, u16)>,
    /// The cells of parts whose values the sheet prints without their header (see
    /// `unheaded`): values outside the form, told at once, not figures of it misplaced.
    pub unheaded_cells: FastSet<(u32, u16)>,
}

#[derive(Debug)]
pub enum Outcome<'c> {
    Form(Box<Recognized<'c>>),
    Skipped { sheet: String, reason: String },
}

/// Every sheet of a workbook: recognised as a form, or skipped with the reason. Sheets that
/// continue the form of the sheet before them (its second panel under the title again, or
/// more of its rows under the header again) are read with it as one table; a sheet holding
/// several copies of a repeatable form one below the other gives each as a form of its own.
pub fn recognize_workbook<'c>(catalog: &'c Catalog, wb: &Workbook) -> Vec<Outcome<'c>> {
    let titles = title_keys(catalog);
    // Hidden rows and columns repeating a visible one are no part of the table read.
    let sheets: Vec<Cow<Sheet>> = (wb.sheets.iter())
        .map(Sheet::without_hidden_twins)
        .collect();
    let parts: Vec<Part> = sheets
        .iter()
        .flat_map(|sheet| stacked_parts(catalog, &titles, sheet))
        .collect();
    let mut taken: Vec<Option<Identified>> = parts
        .iter()
        .map(|part| identify_with(catalog, &titles, &part.sheet, None))
        .collect();
    keep_to_the_books_family(catalog, &titles, &parts, &mut taken);
    let found: Vec<Option<(&Form, String)>> = parts
        .iter()
        .zip(taken)
        .map(|(part, taken)| {
            let Identified { form, why, .. } = taken?;
            Some(match part.why() {
                Some(apart) => (form, format!("{apart}；{why}")),
                None => (form, why),
            })
        })
        .collect();
    let mut out = recognize_found(catalog, &parts, &found, &BookUnits::default());
    let book = BookUnits::of(&catalog.vocabulary, &out);
    if book.inherits() {
        out = recognize_found(catalog, &parts, &found, &book);
        out.iter_mut().for_each(units::forget_unused_book_unit);
    }
    book.warn_silent(&mut out);
    if !wb.format.stores_numbers() {
        out.iter_mut().for_each(forget_text_numbers);
    }
    out
}

/// A sheet taken for a form of another family than most of the workbook's (a 决算 set's
/// “三公”经费支出决算表 nearer the budget's 一般公共预算“三公”经费支出情况表 than its own
/// title) by no more than a near title, a sheet name or its labels, is taken for the form of
/// the workbook's family it names, when it names one. A whole title or a 表号 stands.
fn keep_to_the_books_family<'c>(
    catalog: &'c Catalog,
    titles: &[FormTitles],
    parts: &[Part],
    taken: &mut [Option<Identified<'c>>],
) {
    let families: Vec<Family> = taken.iter().flatten().map(|t| t.form.family).collect();
    let most = |f: Family| families.iter().filter(|&&g| g == f).count();
    let Some(book) = [Family::Final, Family::Budget, Family::Perf]
        .into_iter()
        .find(|&f| most(f) * 2 > families.len() && most(f) >= 2)
    else {
        return;
    };
    for (part, taken) in parts.iter().zip(taken.iter_mut()) {
        if !taken
            .as_ref()
            .is_some_and(|t| t.form.family != book && !t.firm)
        {
            continue;
        }
        if let Some(own) = identify_with(catalog, titles, &part.sheet, Some(book)) {
            *taken = Some(own);
        }
    }
}

/// The sheets read as the forms `found` takes them for; a table naming no money unit is in
/// its family's unit of `book`.
fn recognize_found<'c>(
    catalog: &'c Catalog,
    parts: &[Part],
    found: &[Option<(&'c Form, String)>],
    book: &BookUnits,
) -> Vec<Outcome<'c>> {
    let vocab = &catalog.vocabulary;
    let sheets: Vec<&Sheet> = parts.iter().map(|p| p.sheet.as_ref()).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < sheets.len() {
        let Some((form, why)) = &found[i] else {
            out.push(skipped(sheets[i]));
            i += 1;
            continue;
        };
        let book_unit = book.of_form(form);
        if let Some(copies) = copies::recognize_copies(form, vocab, sheets[i], book_unit) {
            out.extend(copies.into_iter().enumerate().map(|(n, mut rec)| {
                rec.why = format!("{why}；{}", rec.why);
                if n == 0 {
                    keep_outside(&mut rec, &parts[i].lead);
                }
                Outcome::Form(Box::new(rec))
            }));
            i += 1;
            continue;
        }
        let mut rec = recognize_sheet(form, vocab, sheets[i], book_unit);
        rec.why = why.clone();
        if let Some(mut turned) =
            transposed::recognize_turned(form, vocab, sheets[i], book_unit, &rec)
        {
            turned.why = format!("{why}；表格行列互换（如项目列在各行），按互换后读取");
            rec = turned;
        }
        let mut end = i + 1;
        while end < sheets.len() {
            let taken_for = found[end].as_ref().map(|(f, _)| f.id.as_str());
            // A hidden sheet (an old copy kept out of sight) continues no shown one, nor the
            // other way round; a form printed below another in one sheet continues none.
            if taken_for.is_some_and(|id| id != form.id)
                || sheets[end].hidden != sheets[i].hidden
                || sheets[end].name == sheets[i].name
            {
                break;
            }
            if taken_for.is_some()
                && (named_for_another_unit(form, &sheets[i].name, &sheets[end].name)
                    || is_another_copy(
                        form,
                        &recognize_sheet(form, vocab, sheets[end], None),
                        &rec,
                    ))
            {
                break;
            }
            let titled = taken_for.is_some();
            match continued(form, vocab, &sheets[i..=end], &rec, why, book_unit, titled) {
                Some(joined) => rec = joined,
                None => break,
            }
            end += 1;
        }
        keep_outside(&mut rec, &parts[i].lead);
        out.push(Outcome::Form(Box::new(rec)));
        i = end;
    }
    out
}

fn skipped(sheet: &Sheet) -> Outcome<'static> {
    Outcome::Skipped {
        sheet: sheet.name.clone(),
        reason: if sheet.cells().next().is_none() {
            "空白工作表".into()
        } else {
            "未识别出任何标准表格（标题或表号不符），已跳过".into()
        },
    }
}

/// Whether a next sheet taken for the form, read alone as `next`, is another copy of it rather
/// than the continuation of the table read so far: the next project's copy of a repeatable
/// form (it fills the form's first block, the project's name and funds, where a continuation
/// only goes on with the table), or another unit's copy (its head names another unit: a
/// workbook of several units').
fn is_another_copy(form: &Form, next: &Recognized, so_far: &Recognized) -> bool {
    let starts_a_copy = form.repeatable && fills_first_block(form, &next.data);
    let other_unit = (so_far.data.unit.as_deref())
        .zip(next.data.unit.as_deref())
        .is_some_and(|(ours, theirs)| !crate::normalize::one_unit(ours, theirs));
    starts_a_copy || other_unit
}

/// Whether two sheets both named for the form by its 表号 mark it for different units
/// (甲-公开08表, 乙-公开08表): another unit's copy, not a continuation (公开08表（续）).
fn named_for_another_unit(form: &Form, first: &str, next: &str) -> bool {
    let mark = |name: &str| -> Option<String> {
        let (before, after) = name.split_once(form.table_no.as_str())?;
        let rest: String = format!("{before}{after}");
        let rest = rest.trim_matches(|c: char| c.is_whitespace() || "-_—－·：:()（）".contains(c));
        Some(rest.to_string())
    };
    match (mark(first), mark(next)) {
        (Some(a), Some(b)) => {
            !a.is_empty() && !b.is_empty() && a != b && !b.contains('续') && !a.contains('续')
        }
        _ => false,
    }
}

/// Whether any value of the form's first block was read.
fn fills_first_block(form: &Form, data: &FormData) -> bool {
    let Some(first) = form.blocks.first() else {
        return false;
    };
    let grid_filled = first
        .grid
        .iter()
        .flatten()
        .filter_map(|c| match c {
            GridCellDef::Cell { id: Some(id), .. } => data.grid.get(id),
            _ => None,
        })
        .any(|v| !v.is_blank());
    let rows_filled = data
        .rows
        .iter()
        .filter(|r| first.panels.iter().any(|p| p.id == r.panel))
        .any(|r| r.values.values().any(|v| !v.is_blank()));
    grid_filled || rows_filled
}

/// The form read over `sheets` as one table, when the last of them continues the others:
/// more values land in the form than without it, and its values mostly land in cells; or it
/// is `titled` as the form and adds nothing, nor anything astray. `why` is why the first
/// sheet was taken for the form.
fn continued<'c>(
    form: &'c Form,
    vocab: &Vocabulary,
    sheets: &[&Sheet],
    so_far: &Recognized<'c>,
    why: &str,
    book_unit: Option<&MoneyUnit>,
    titled: bool,
) -> Option<Recognized<'c>> {
    // A sheet that only mentions the form (a list of findings naming 公开01表) has nothing
    // to continue.
    if numbers_placed(so_far) == 0 {
        return None;
    }
    let (joined, parts) = join_sheets(sheets);
    let mut rec = recognize_sheet(form, vocab, &joined, book_unit);
    let last = parts.last()?.1;
    let landed = |r: &Recognized| {
        r.data
            .origin
            .values()
            .filter_map(Place::local)
            .filter(|&(row, _)| row >= last)
            .count()
    };
    let strays_below = rec
        .data
        .strays
        .iter()
        .filter_map(|s| s.cell.local())
        .filter(|&(row, _)| row >= last)
        .collect::<Vec<_>>();
    // A repeated heading's line the page's table cut into the table (a piece of a wrapped
    // unit name) stands in the first part's heading too: no value astray.
    let repeated = |&&(row, col): &&(u32, u16)| {
        let text = joined.get(row, col);
        !matches!(text, Cell::Empty) && (0..last.min(12)).any(|r| joined.get(r, col) == text)
    };
    let new_strays = strays_below.iter().filter(|s| !repeated(s)).count();
    let strays_below = strays_below.len();
    // Rows read count as well as cells: a row of blank cells read is read.
    let places = |r: &Recognized| r.data.origin.len() + r.data.row_at.len();
    let gained = places(&rec) > places(so_far);
    // A page titled as the form that holds its repeated header over spare rows alone (a
    // panel's blank rows 9–24 printed past a page break) places no value and leaves nothing
    // astray: it goes on with the table, and the pages after it may too.
    let spare_page = titled && landed(&rec) == 0 && new_strays == 0;
    if !spare_page && (!gained || landed(&rec) <= strays_below) {
        return None;
    }
    rec.why = format!(
        "{why}；续表在工作表{}",
        parts[1..]
            .iter()
            .map(|(n, _)| format!("“{n}”"))
            .collect::<Vec<_>>()
            .join("、")
    );
    relocate(&mut rec, &parts);
    rec.data.continued = parts[1..].to_vec();
    Some(rec)
}

/// The sheets one below the other, as one sheet named as the first; with each sheet's name
/// and the row it starts at.
fn join_sheets(sheets: &[&Sheet]) -> (Sheet, Vec<(String, u32)>) {
    let mut cells = Vec::new();
    let mut merges = Vec::new();
    let mut parts = Vec::new();
    let mut pages = Vec::new();
    let mut column_pages = std::collections::BTreeMap::new();
    let mut offset = 0;
    for s in sheets {
        parts.push((s.name.clone(), offset));
        pages.resize(offset as usize, 0);
        pages.extend(s.row_pages.iter().take(s.height() as usize));
        column_pages.extend(
            s.column_pages
                .iter()
                .map(|(&(r, c), &p)| ((r + offset, c), p)),
        );
        cells.extend(s.cells().map(|(r, c, cell)| (r + offset, c, cell.clone())));
        merges.extend(s.merges().iter().map(|m| crate::read::Merge {
            first_row: m.first_row + offset,
            last_row: m.last_row + offset,
            ..*m
        }));
        offset += s.height();
    }
    let name = sheets.first().map_or(String::new(), |s| s.name.clone());
    let mut joined = Sheet::from_cells(name, cells, merges);
    let mut offset = 0;
    for s in sheets {
        joined.keep_set_aside(s, |r, c| Some((r + offset, c)));
        offset += s.height();
    }
    if pages.iter().any(|&p| p > 0) {
        joined.row_pages = pages;
        joined.column_pages = column_pages;
    }
    (joined, parts)
}

/// Addresses in a joined sheet back to the sheets they came from: `C5` on the first,
/// `'续表'!C5` on another.
fn relocate(rec: &mut Recognized, parts: &[(String, u32)]) {
    move_places(rec, |r, c| {
        let (name, start) = parts.iter().rev().find(|(_, start)| *start <= r)?;
        (*start > 0).then(|| Place {
            sheet: Some(name.clone()),
            row: r - start,
            col: c,
        })
    });
    // The words of the form's own sheet; the other sheets' words are theirs.
    let first_end = parts.get(1).map_or(u32::MAX, |p| p.1);
    rec.words.retain(|&(r, _)| r < first_end);
}

/// Moves every place of the sheet `rec` was read from that `moved` moves (none: it stays):
/// the values' origins, the strays and the notices, whose messages name the new cell.
fn move_places(rec: &mut Recognized, moved: impl Fn(u32, u16) -> Option<Place>) {
    let home = |at: &Place| at.local().and_then(|(r, c)| moved(r, c));
    for at in rec.data.origin.values_mut() {
        if let Some(moved) = home(at) {
            *at = moved;
        }
    }
    for stray in &mut rec.data.strays {
        if let Some(moved) = home(&stray.cell) {
            stray.cell = moved;
        }
    }
    for n in &mut rec.notices {
        if let Some(moved) = home(&n.cell) {
            n.message = crate::cellref::rename_cell_in(&n.message, &n.cell, &moved);
            n.cell = moved;
        }
    }
}

/// Comparison key of a title: year prefixes and parenthesised asides removed.
pub fn title_key(s: &str) -> String {
    let k = label_key(s);
    let k = strip_parens(&k);
    let k = k.trim_start_matches(|c: char| c.is_ascii_digit());
    let k = k.trim_start_matches("年度").trim_start_matches('年');
    k.to_string()
}

/// "部门(单位)整体支出绩效自评表" → "部门整体支出绩效自评表".
pub fn strip_parens(k: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in k.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn form_title_keys(form: &Form) -> Vec<TitleKey> {
    let mut keys = vec![title_key(&form.title.replace("{year}", ""))];
    keys.extend(
        form.aliases
            .iter()
            .map(|a| title_key(&a.replace("{year}", ""))),
    );
    keys.into_iter()
        .map(TitleKey::new)
        .filter(|k| k.chars.len() >= 4)
        .collect()
}

/// A form's title key as it is fitted to lines: its text, its characters and their summary,
/// made once rather than for every line it is fitted to.
pub(crate) struct TitleKey {
    text: String,
    chars: Vec<char>,
    bits: u64,
}

impl TitleKey {
    fn new(text: String) -> TitleKey {
        let chars: Vec<char> = text.chars().collect();
        let bits = char_bits(&chars);
        TitleKey { text, chars, bits }
    }
}

/// A label with `{year}` and `{prev_year}` filled in from the year read off the title
/// ("{prev_year}年决算数" → "2022年决算数"); None when it has them and no year is known.
pub(crate) fn with_year(s: &str, year: Option<&str>) -> Option<String> {
    if !s.contains("{year}") && !s.contains("{prev_year}") {
        return Some(s.to_string());
    }
    let y: i32 = year?.parse().ok()?;
    Some(
        s.replace("{prev_year}", &(y - 1).to_string())
            .replace("{year}", &y.to_string()),
    )
}

/// "附件1", "附件一", "附件3-1", "附件 2：", "附表1", "表一" — the attachment or table number printed
/// above a form; also a bare "附件" or "附表" (a mark without its number), but not a bare "表".
fn is_attachment_no(k: &str) -> bool {
    let Some((prefix, rest)) = ["附件", "附表", "表"]
        .iter()
        .find_map(|p| Some((*p, k.strip_prefix(p)?)))
    else {
        return false;
    };
    let rest = rest.trim_end_matches(':');
    if rest.is_empty() {
        return prefix != "表";
    }
    rest.chars()
        .all(|c| c.is_ascii_digit() || "一二三四五六七八九十-".contains(c))
}

/// A form's labels as a filled sheet shows them (grid labels, header texts, fixed row labels of
/// four characters or more), for identifying a sheet that prints no title.
fn form_labels(form: &Form) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |t: &str| {
        let k = strip_parens(&label_key(t));
        if k.chars().count() >= 4 && !out.contains(&k) {
            out.push(k);
        }
    };
    for b in &form.blocks {
        for c in b.grid.iter().flatten() {
            if let crate::form::GridCellDef::Text(t)
            | crate::form::GridCellDef::Cell { text: Some(t), .. } = c
            {
                add(t);
            }
        }
        for h in b.header.iter().flatten() {
            add(h.text());
        }
        for p in &b.panels {
            for r in &p.rows {
                if let Some(l) = &r.label {
                    add(l);
                }
            }
        }
    }
    out
}

/// A sheet without a title (seed 003's one-page report) is the form whose labels it shows:
/// at least five labels and four in five of them found, the best share winning, then the most
/// labels found, then the form whose fund the sheet names (in its 空表说明).
fn identify_by_labels<'c>(catalog: &'c Catalog, sheet: &Sheet) -> Option<&'c Form> {
    let keys = sheet_label_keys(sheet);
    // 公开08表 shows 公开05表's labels; its 空表说明 names its fund (国有资本经营).
    let names_its_fund = |form: &Form| {
        let fund = form.empty_note.as_ref().and_then(|n| n.fund.as_deref());
        fund.is_some_and(|fund| keys.iter().any(|k| k.contains(fund)))
    };
    let mut best: Option<(usize, usize, &Form)> = None;
    for form in &catalog.forms {
        let (hits, labels) = labels_found(form, &keys);
        if labels < 5 || hits * 5 < labels * 4 {
            continue;
        }
        // Compare hits/len as fractions without division; at the same share, the form with more
        // labels found is the more particular (公开07表 shows all of 公开05表's, and its own).
        let better = |(h, n, f): (usize, usize, &Form)| {
            (hits * n, hits, names_its_fund(form)) > (h * labels, h, names_its_fund(f))
        };
        if best.is_none_or(better) {
            best = Some((hits, labels, form));
        }
    }
    best.map(|(_, _, f)| f)
}

/// The keys of a sheet's texts, as [`form_labels`] gives a form's.
fn sheet_label_keys(sheet: &Sheet) -> HashSet<String> {
    sheet
        .cells()
        .filter_map(|(_, _, c)| c.as_text().map(|t| strip_parens(&label_key(t))))
        .collect()
}

/// How many of a form's labels the sheet's `keys` hold, of how many.
fn labels_found(form: &Form, keys: &HashSet<String>) -> (usize, usize) {
    let labels = form_labels(form);
    let hits = labels.iter().filter(|l| keys.contains(*l)).count();
    (hits, labels.len())
}

/// Whether the sheet's `keys` show more of `rival`'s labels, as a share, than of `form`'s —
/// or as many, when `tie_to_rival`.
fn shows_more_of(rival: &Form, form: &Form, keys: &HashSet<String>, tie_to_rival: bool) -> bool {
    let ((rh, rn), (fh, fn_)) = (labels_found(rival, keys), labels_found(form, keys));
    rh * fn_ > fh * rn || (tie_to_rival && rh * fn_ == fh * rn)
}

/// How well `key` (a form's title key) stands in the title line `text`: the key aligned whole
/// against any stretch of the text (text before and after is free: a unit's name, a year),
/// +1 per matching character, −1 per character of the key missing, of the stretch left over,
/// or differing. "一般公共预算财政拨款基本支出决算表" fits 公开06表's "…基本支出决算明细表" (15)
/// better than 公开05表's "…财政拨款支出决算表" (13, 基本 left over) or 公开03表's "支出决算表" (5).
pub fn title_fit(text: &str, key: &str) -> i32 {
    let t: Vec<char> = text.chars().collect();
    let k: Vec<char> = key.chars().collect();
    fit_chars(&t, &k)
}

/// [`title_fit`] over characters: one row of the alignment kept at a time.
fn fit_chars(t: &[char], k: &[char]) -> i32 {
    // prev[j]: best score of aligning the key's first i characters ending at text position j.
    let mut prev: Vec<i32> = vec![0; t.len() + 1];
    let mut cur: Vec<i32> = vec![0; t.len() + 1];
    for (i, kc) in k.iter().enumerate() {
        cur[0] = -(i as i32 + 1);
        for j in 1..=t.len() {
            let diag = prev[j - 1] + if t[j - 1] == *kc { 1 } else { -1 };
            cur[j] = diag.max(prev[j] - 1).max(cur[j - 1] - 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.into_iter().max().unwrap_or(0)
}

/// The best fit of any of a form's title keys in a title line, when it is a fit at all: at
/// least three in four of the key's characters net of what differs (明细 left out of
/// 公开06表's title still fits; budget-10's header 部门整体支出年度绩效目标 is no title).
/// A key that is the whole line, but for its year, scores [`WHOLE_TITLE`] more than any near
/// fit.
fn title_score(keys: &[TitleKey], line: &TitleLine) -> Option<i32> {
    if line.notes {
        return None;
    }
    keys.iter()
        .filter_map(|key| {
            // A fit is at most twice the key's characters matched, less its length; so a fit
            // of three in four needs seven in eight of them in the text, which most lines of
            // most sheets are far from. (The bits may hold a character the text lacks: never
            // one too few.) Each distinct character missing is one at least: most keys are
            // told hopeless by their summaries alone.
            let len = key.chars.len() as i32;
            let surely_missing = (key.bits & !line.bits).count_ones() as i32;
            if surely_missing * 8 > len {
                return None;
            }
            let present = key
                .chars
                .iter()
                .filter(|&&c| line.bits & char_bit(c) != 0)
                .count() as i32;
            if present * 8 < len * 7 {
                return None;
            }
            let fit = fit_chars(&line.chars, &key.chars);
            (fit * 4 >= len * 3)
                .then_some(fit * 4 + len.min(fit) + whole_bonus(fit, len, line.words))
        })
        .max()
}

/// What a title key the line holds whole adds to its fit: more than any fit, and more than a
/// 表号 ([`TABLE_NO`]), so a form's own title outweighs a 表号 another form has.
const WHOLE_TITLE: i32 = 3000;

/// What a sheet naming a form's 表号 adds: more than any near fit of a title, so a unit's own
/// wording of a title (一般公共预算支出决算表, near the budget's 一般公共预算支出情况表) does
/// not take the sheet from the form its 表号 (公开05表) names.
const TABLE_NO: i32 = 2000;

/// [`WHOLE_TITLE`] for a key of `len` characters all found (`fit`) in a line of `words`
/// characters besides its year: 支出决算表 is in 一般公共预算支出决算表 and 收入支出决算表, but
/// not as their title.
fn whole_bonus(fit: i32, len: i32, words: i32) -> i32 {
    if fit == len && words <= len {
        WHOLE_TITLE
    } else {
        0
    }
}

/// A line that may be a title, as the forms' title keys are fitted to it: its characters and
/// their summary.
struct TitleLine {
    chars: Vec<char>,
    bits: u64,
    /// How many characters it has besides the digits and 年度 of a year.
    words: i32,
    /// The family its 预算 or 决算 says, besides the funds' names (一般公共预算 is in titles of
    /// both): a title saying 预算 is no 决算 form's, nor the reverse.
    says: Option<Family>,
    /// Whether it heads an explanation (关于收入支出决算总体情况说明): every form's title names
    /// a 表 or a 报告, none ends in 说明.
    explains: bool,
    /// Whether it is a note (注：本表反映部门本年度一般公共预算支出情况。): printed under a
    /// table, it names the table's subject in the title's words and is no title.
    notes: bool,
}

impl TitleLine {
    fn new(text: &str) -> TitleLine {
        let chars: Vec<char> = text.chars().collect();
        let bits = char_bits(&chars);
        let in_year = |c: &&char| c.is_ascii_digit() || **c == '年' || **c == '度';
        let words = chars.iter().filter(|c| !in_year(c)).count() as i32;
        let says = family_said(text);
        let explains = text.ends_with("说明");
        TitleLine {
            chars,
            bits,
            words,
            says,
            explains,
            notes: table::is_note_key(text),
        }
    }

    /// Whether the line may be the title of a form of `family`: not when it says the other
    /// of 预算 and 决算, nor when it heads an explanation.
    fn may_name(&self, family: Family) -> bool {
        let budget_or_final = matches!(family, Family::Budget | Family::Final);
        !self.explains && (!budget_or_final || self.says.is_none_or(|said| said == family))
    }
}

/// The funds whose names hold 预算 in the titles of 决算 and 预算 forms alike.
const FUND_NAMES: [&str; 4] = [
    "一般公共预算",
    "政府性基金预算",
    "国有资本经营预算",
    "社会保险基金预算",
];

/// The family a title line's own 决算 or 预算 says, the funds' names left aside
/// (财政拨款收支预算总表: 预算; 一般公共预算财政拨款支出决算表: 决算).
fn family_said(text: &str) -> Option<Family> {
    let rest = FUND_NAMES
        .iter()
        .fold(text.to_string(), |t, fund| t.replace(fund, ""));
    if rest.contains("决算") {
        Some(Family::Final)
    } else if rest.contains("预算") {
        Some(Family::Budget)
    } else {
        None
    }
}

/// A 64-bit summary of the characters of `t`: the bit of each.
fn char_bits(t: &[char]) -> u64 {
    t.iter().fold(0, |bits, &c| bits | char_bit(c))
}

fn char_bit(c: char) -> u64 {
    1 << (u32::from(c) % 64)
}

/// The form a sheet holds, by its title (the best fit wins: 财政拨款收入支出决算总表 over
/// 收入支出决算总表, 国有资本经营…收入支出决算表 is 公开08表 not 07) or its 表号; a sheet with
/// neither, by its labels.
pub fn identify<'c>(catalog: &'c Catalog, sheet: &Sheet) -> Option<&'c Form> {
    identify_why(catalog, sheet).map(|(f, _)| f)
}

/// [`identify`], with why the sheet was taken for the form, in words for `explain`.
pub fn identify_why<'c>(catalog: &'c Catalog, sheet: &Sheet) -> Option<(&'c Form, String)> {
    identify_with(catalog, &title_keys(catalog), sheet, None).map(|t| (t.form, t.why))
}

/// The form a sheet is taken for, why, and whether firmly: by its whole title or its 表号.
struct Identified<'c> {
    form: &'c Form,
    why: String,
    firm: bool,
}

/// Each form's title keys, in catalog order: made once for all the sheets of a workbook.
fn title_keys(catalog: &Catalog) -> Vec<FormTitles> {
    let titles = |form: &Form| FormTitles {
        keys: form_title_keys(form),
        table_no: label_key(&form.table_no),
    };
    catalog.forms.iter().map(titles).collect()
}

/// What names a form in a sheet's top lines: its title keys and its 表号 as a key.
pub(crate) struct FormTitles {
    keys: Vec<TitleKey>,
    table_no: String,
}

/// [`identify_why`] with the forms' title keys at hand, among the forms of `family` if given.
fn identify_with<'c>(
    catalog: &'c Catalog,
    titles: &[FormTitles],
    sheet: &Sheet,
    family: Option<Family>,
) -> Option<Identified<'c>> {
    let names = Titles { catalog, titles };
    // The top lines, past a list of the tables' names in book-title marks above them.
    let top: Vec<(String, u32, u16)> = (first_filled_row(sheet)..sheet.height())
        .filter(|&r| !is_listed_row(names, sheet, r))
        .take(12)
        .flat_map(|r| sheet.row(r).map(move |(c, cell)| (r, c, cell)))
        .filter(|&(_, c, _)| c < 30)
        .filter_map(|(r, c, cell)| {
            let t = (cell.as_text()).filter(|t| !mentions_a_table(names, sheet, (r, c), t))?;
            Some((strip_parens(&label_key(t)), r, c))
        })
        .collect();
    // A 目录 lists the forms' titles (with page numbers): it is none of them.
    if top.first().is_some_and(|(k, _, _)| k == "目录") {
        return None;
    }
    let titled = |form: &Form, (t, r, c): &(String, u32, u16)| {
        format!("{} 的标题“{t}”与“{}”相符", a1(*r, *c), form.plain_title())
    };
    let in_sheet = best_named(catalog, titles, &top, family).map(|named| {
        let form = named.form;
        let no = named
            .table_no
            .map(|(_, r, c)| format!("{} 有表号“{}”", a1(*r, *c), form.table_no));
        // A 表号 copied from another table, or left from before the tables were renumbered:
        // the table itself tells which of the two it is.
        if let (
            Some(Rival {
                form: rival,
                line,
                holds_whole,
            }),
            Some(no),
        ) = (named.rival, &no)
        {
            // Tables of the same labels (公开05表 and 公开08表) are told by a title holding the
            // rival's whole (国有资本经营预算财政拨款支出决算表 after the unit's name).
            if shows_more_of(rival, form, &sheet_label_keys(sheet), holds_whole) {
                let why = format!(
                    "{}；{no}，但表内栏目与行名是{}的",
                    titled(rival, line),
                    rival.table_no
                );
                return Identified {
                    form: rival,
                    why,
                    firm: true,
                };
            }
        }
        let title = named.title.map(|line| titled(form, line));
        let why: Vec<String> = title.into_iter().chain(no).collect();
        Identified {
            form,
            why: why.join("；"),
            firm: named.firm,
        }
    });
    let loosely = |(form, why)| Identified {
        form,
        why,
        firm: false,
    };
    in_sheet
        .or_else(|| identify_by_page_header(catalog, titles, sheet, family))
        .or_else(|| identify_by_sheet_name(catalog, titles, sheet, family).map(loosely))
        .or_else(|| {
            identify_by_labels(catalog, sheet)
                .filter(|f| family.is_none_or(|family| f.family == family))
                .map(|f| (f, format!("没有标题，按表内栏目与行名认定为{}", f.table_no)))
                .map(loosely)
        })
}

/// The form texts name, with the text naming it by its title and the one giving its 表号.
struct Named<'c, 't> {
    form: &'c Form,
    title: Option<&'t (String, u32, u16)>,
    table_no: Option<&'t (String, u32, u16)>,
    /// Whether by its whole title or its 表号.
    firm: bool,
    /// The form the title names best, when the 表号 of another outweighed it.
    rival: Option<Rival<'c, 't>>,
}

/// The form a title names, against the 表号 of another.
struct Rival<'c, 't> {
    form: &'c Form,
    /// The title line.
    line: &'t (String, u32, u16),
    /// Whether the line holds one of the form's title keys whole.
    holds_whole: bool,
}

/// The form `texts` (key, row, column) name best: 1000 and more for its title in a text of at
/// most 60 characters ([`WHOLE_TITLE`] more for the whole title), [`TABLE_NO`] more for its
/// 表号 (not an attachment's, whose numbering varies). Among the forms of `family` if given.
fn best_named<'c, 't>(
    catalog: &'c Catalog,
    titles: &[FormTitles],
    texts: &'t [(String, u32, u16)],
    family: Option<Family>,
) -> Option<Named<'c, 't>> {
    // Lines of at most 60 characters may be titles.
    let lines: Vec<(TitleLine, &(String, u32, u16))> = texts
        .iter()
        .map(|entry| (TitleLine::new(&entry.0), entry))
        .filter(|(line, _)| line.chars.len() <= 60)
        .collect();
    let mut best: Option<(i32, Named)> = None;
    let mut by_title: Option<(i32, Rival)> = None;
    let of_family = |form: &&Form| family.is_none_or(|family| form.family == family);
    for (form, FormTitles { keys, table_no: no }) in catalog.forms.iter().zip(titles) {
        if !of_family(&form) {
            continue;
        }
        let title = best_title_line(form, keys, &lines);
        let table_no = (!no.starts_with("附件"))
            .then(|| texts.iter().find(|(t, _, _)| mentions_table_no(t, no)))
            .flatten();
        if let Some((s, line)) = title {
            if by_title.as_ref().is_none_or(|(b, _)| s > *b) {
                let holds_whole = keys.iter().any(|key| line.0.contains(key.text.as_str()));
                let rival = Rival {
                    form,
                    line,
                    holds_whole,
                };
                by_title = Some((s, rival));
            }
        }
        let score =
            title.map_or(0, |(s, _)| 1000 + s) + if table_no.is_some() { TABLE_NO } else { 0 };
        if score > 0 && best.as_ref().is_none_or(|(s, _)| score > *s) {
            // A title saying the form's 预算 or 决算 does not stand against a workbook of the
            // other by itself: a 决算 table under a title copied from the budget set is the
            // workbook's 决算 form its body fits.
            let firm = table_no.is_some() || title.is_some_and(|(s, _)| s >= WHOLE_TITLE);
            let title = title.map(|(_, entry)| entry);
            best = Some((
                score,
                Named {
                    form,
                    title,
                    table_no,
                    firm,
                    rival: None,
                },
            ));
        }
    }
    let (_, mut named) = best?;
    named.rival = by_title
        .map(|(_, rival)| rival)
        .filter(|rival| rival.form.id != named.form.id && named.table_no.is_some());
    Some(named)
}

/// The line of `lines` that fits one of `form`'s title `keys` best, with its score: never a
/// line saying the other of 预算 and 决算.
fn best_title_line<'t>(
    form: &Form,
    keys: &[TitleKey],
    lines: &[(TitleLine, &'t (String, u32, u16))],
) -> Option<(i32, &'t (String, u32, u16))> {
    lines
        .iter()
        .filter(|(line, _)| line.may_name(form.family))
        .filter_map(|(line, entry)| title_score(keys, line).map(|s| (s, *entry)))
        .max_by_key(|(s, _)| *s)
}

/// A sheet without title nor 表号 holding figures or a form's table, named by its form's title
/// or 表号 (“公开08表”, “一般公共预算财政拨款支出决算表”): the name tells the form, where the
/// table's columns and rows alone may not (公开07表 and 公开08表 have the same, and are often
/// empty). A sheet with neither (notes kept beside a form, named after it) is not taken for
/// the form by its name.
fn identify_by_sheet_name<'c>(
    catalog: &'c Catalog,
    titles: &[FormTitles],
    sheet: &Sheet,
    family: Option<Family>,
) -> Option<(&'c Form, String)> {
    if !holds_a_table(catalog, sheet) {
        return None;
    }
    let name = [(strip_parens(&label_key(&sheet.name)), 0, 0)];
    best_named(catalog, titles, &name, family).map(|named| {
        let form = named.form;
        let why = format!(
            "没有标题，按工作表名称“{}”认定为{}",
            sheet.name, form.table_no
        );
        (form, why)
    })
}

/// Whether a sheet holds figures or a form's table (its labels): not only notes kept beside
/// a form, named after it.
fn holds_a_table(catalog: &Catalog, sheet: &Sheet) -> bool {
    let figures = |cell: &Cell| matches!(parse_amount(cell), Amount::Value(_));
    sheet.cells().any(|(_, _, cell)| figures(cell)) || identify_by_labels(catalog, sheet).is_some()
}

/// A sheet whose cells name no form, taken for the one its page header names (a title printed
/// on every page and in no cell of it, or a 表号), as a line above its table would: before its
/// sheet name or its labels, after any title in its cells.
fn identify_by_page_header<'c>(
    catalog: &'c Catalog,
    titles: &[FormTitles],
    sheet: &Sheet,
    family: Option<Family>,
) -> Option<Identified<'c>> {
    if sheet.page_header.is_empty() || !holds_a_table(catalog, sheet) {
        return None;
    }
    let lines: Vec<(String, u32, u16)> = (sheet.page_header.iter())
        .map(|t| (strip_parens(&label_key(t)), 0, 0))
        .collect();
    let named = best_named(catalog, titles, &lines, family)?;
    let form = named.form;
    let title =
        (named.title).map(|(t, _, _)| format!("页眉的标题“{t}”与“{}”相符", form.plain_title()));
    let no = (named.table_no).map(|_| format!("页眉有表号“{}”", form.table_no));
    let why: Vec<String> = title.into_iter().chain(no).collect();
    Some(Identified {
        form,
        why: why.join("；"),
        firm: named.firm,
    })
}

/// "公开01表" alone, or at the start or end of a line ("公开01表 单位：万元").
fn mentions_table_no(text: &str, no: &str) -> bool {
    text == no || text.starts_with(no) || text.ends_with(no)
}

/// The first row holding anything: a form's lines above its table start there.
pub(crate) fn first_filled_row(sheet: &Sheet) -> u32 {
    sheet.cells().next().map_or(0, |(r, _, _)| r)
}

/// Reading state shared by the block readers.
pub(crate) struct Reader<'s> {
    pub sheet: &'s Sheet,
    pub form: &'s Form,
    pub vocab: &'s Vocabulary,
    pub blank: Layout,
    pub consumed: FastSet<(u32, u16)>,
    pub notices: Vec<Notice>,
    pub data: FormData,
    /// The codes read so far, for naming the rows of a table printed without codes.
    pub codes_read: table::CodesRead,
    /// Where the title gives no year: the one year that may stand in front of the sheet's
    /// header words (see `table::year_in_front`), found once.
    pub header_year: std::cell::OnceCell<Option<String>>,
    /// The years the sheet's texts date the form's dated columns by, with how many (see
    /// `column_year::columns_year`), found once.
    pub implied_years: std::cell::OnceCell<Vec<(i32, usize)>>,
    /// The money unit of the workbook's other tables, for a table that names none.
    pub book_unit: Option<&'s MoneyUnit>,
    /// Whether a note stating the money unit was looked for (see `units::adopt_noted_unit`).
    pub unit_note_read: bool,
    /// Whether the 行次 column (label column, 行次 column) names the rows (see
    /// `table::line_numbers`), found once per pair.
    pub line_columns: FastMap<(u16, u16), bool>,
    /// Texts in a column of remarks (备注) the unit added, kept and noted (see `read_rest`).
    pub remark_cells: FastSet<(u32, u16)>,
    /// Cells of a column comparing with another year or the budget the unit added.
    pub comparison_cells: FastSet<(u32, u16)>,
    /// Header words printed in a data row (合计 | 基本支出 | 项目支出 of 本年支出 in the 合计 row
    /// of 公开07表 as Shanghai publishes it): header texts of their columns, and blank cells
    /// of the row (see `table::take_header_words_beside_label`).
    pub header_in_rows: FastSet<(u32, u16)>,
    /// Figures written with the minus triangle (`△12.30`), with their text and the number
    /// read, told once a table (see [`note_triangle_minus`]).
    pub triangle_minus: Vec<(u32, u16, String, Decimal)>,
    /// Amounts stored as text (`'1,050.00`), read as the numbers they show, told once a table
    /// (see [`note_text_numbers`]): the first (its cell and text) and how many.
    pub text_numbers: (Option<(u32, u16, String)>, usize),
    /// The form as the lines above its table are told by.
    pub lines: FormLines<'s>,
    /// The 行次 cells naming a spare row of the form (one without label, 公开04表's 行61),
    /// with their 行次: a figure beside one has no cell to go to.
    pub spare_lines: FastMap<(u32, u16), u32>,
    /// Grid cells of the block being read whose column labels the sheet lacks.
    pub held_cells: Vec<unheaded::HeldCell>,
    /// Table blocks whose header was found nowhere.
    pub held_tables: Vec<unheaded::HeldTable>,
    /// Cells of parts whose values could not be placed, told at once (see `unheaded`).
    pub unheaded_cells: FastSet<(u32, u16)>,
}

impl Reader<'_> {
    /// Mark the cell at (r, c) as read; inside a merged region, the region's value and
    /// whatever else its cells hold (only stored cells are visited, so a region over the whole
    /// sheet costs what the sheet holds).
    pub fn consume(&mut self, r: u32, c: u16) {
        self.consume_through(r, c, self.sheet.merge_at(r, c));
    }
    /// [`Reader::consume`] for a caller that has found the cell's merged region already.
    pub fn consume_through(&mut self, r: u32, c: u16, merge: Option<&Merge>) {
        self.consumed.insert((r, c));
        let sheet = self.sheet;
        let Some(m) = merge else {
            return;
        };
        self.consumed.insert((m.first_row, m.first_col));
        for rr in m.first_row..=m.last_row.min(sheet.height().saturating_sub(1)) {
            let inside = sheet
                .row(rr)
                .filter(|&(cc, _)| (m.first_col..=m.last_col).contains(&cc));
            self.consumed.extend(inside.map(|(cc, _)| (rr, cc)));
        }
    }
    pub fn consume_row(&mut self, r: u32) {
        for c in self.sheet.shown_cols(r) {
            self.consume(r, c);
        }
    }
    pub fn text_key(&self, r: u32, c: u16) -> Option<String> {
        cell_key_text(self.sheet.shown(r, c))
    }
    /// A cell's value read as its column's kind. Text: blank when empty or only spaces, else the
    /// text (trimmed when `trim_text`), or what another value shows. Numbers: blank, nothing
    /// ("——"), the number; anything else is kept as text with a not-a-number notice naming the
    /// cell as `what`.
    pub fn cell_value(
        &mut self,
        cell: &Cell,
        kind: ColKind,
        r: u32,
        c: u16,
        what: impl std::fmt::Display,
        trim_text: bool,
    ) -> Val {
        let amount = match kind {
            ColKind::Text => {
                return match cell {
                    Cell::Empty => Val::Blank,
                    Cell::Text(t) if t.trim().is_empty() => Val::Blank,
                    Cell::Text(t) if trim_text => Val::Text(t.trim().to_string()),
                    Cell::Text(t) => Val::Text(t.clone()),
                    other => Val::Text(other.to_string()),
                }
            }
            _ => self.amount(cell, kind),
        };
        if let (Amount::Value(d), Cell::Text(t)) = (&amount, cell) {
            if has_triangle_minus(cell) {
                self.triangle_minus.push((r, c, t.trim().to_string(), *d));
            }
            // Weights (分值) are summed as amounts are (各指标分值之和): a SUM misses them too.
            if matches!(kind, ColKind::Amount | ColKind::Score) {
                let (first, count) = &mut self.text_numbers;
                first.get_or_insert_with(|| (r, c, t.trim().to_string()));
                *count += 1;
            }
        }
        match amount {
            Amount::Blank => Val::Blank,
            Amount::Nothing => Val::Nothing,
            Amount::Value(d) if !crate::normalize::in_input_range(d) => {
                self.notice(
                    Severity::Error,
                    "value-out-of-range",
                    r,
                    c,
                    format!(
                        "{} {}（{what}）的数值 {d} 超出合理范围（绝对值应在 1e-10 与 1e15 之间）；\
                         请核对是否填错或带入了公式错误，本单元格未参与计算",
                        self.form.table_no,
                        a1(r, c)
                    ),
                );
                Val::Text(d.to_string())
            }
            Amount::Value(d) if kind == ColKind::Amount => {
                Val::Num(in_wan(&mut self.data.stated_unit, d))
            }
            Amount::Value(d) => Val::Num(d),
            Amount::Invalid(t) if self.is_empty_table_note(&t) => {
                // Each cell of a note merged across the row shows it: it is one note.
                let note = t.trim().to_string();
                if !self.data.remarks.contains(&note) {
                    self.data.remarks.push(note);
                }
                Val::Blank
            }
            Amount::Invalid(t) => {
                self.notice(
                    Severity::Error,
                    "not-a-number",
                    r,
                    c,
                    format!(
                        "{} {}（{what}）应为数字，实为“{t}”；请填写数字，没有数据请留空或填“——”",
                        self.form.table_no,
                        a1(r, c)
                    ),
                );
                Val::Text(t)
            }
        }
    }

    /// Whether `text`, found where a figure belongs, is the table's 空表说明 written across its
    /// empty cells (本单位无政府性基金…故本表无数据 in the 合计 row): a sentence of the form's
    /// own words for an empty table.
    fn is_empty_table_note(&self, text: &str) -> bool {
        let note = self.form.empty_note.as_ref();
        text.trim().chars().count() >= 8 && note.is_some_and(|note| note.said_by(text))
    }

    /// A number cell of a column of `kind` read: a rate as a fraction, and a number typed with
    /// the unit its column is read in as the number.
    pub fn amount(&self, cell: &Cell, kind: ColKind) -> Amount {
        let read = match kind {
            ColKind::Rate => parse_rate(cell),
            _ => parse_amount(cell),
        };
        match read {
            Amount::Invalid(t) => self.without_unit(kind, &t).unwrap_or(Amount::Invalid(t)),
            read => read,
        }
    }

    /// A number typed with the unit its column is read in (`10分` for a score, `526.36万元`
    /// in a table of 万元): the number.
    fn without_unit(&self, kind: ColKind, text: &str) -> Option<Amount> {
        let unit = match kind {
            ColKind::Score => "分",
            ColKind::Amount => self
                .data
                .stated_unit
                .as_ref()
                .map_or("万元", |s| s.unit.name.as_str()),
            _ => return None,
        };
        let number = text.trim().strip_suffix(unit)?;
        match parse_amount(&Cell::Text(number.to_string())) {
            read @ Amount::Value(_) => Some(read),
            _ => None,
        }
    }

    pub fn notice(
        &mut self,
        severity: Severity,
        rule: &'static str,
        r: u32,
        c: u16,
        message: String,
    ) {
        self.notices.push(Notice {
            severity,
            rule,
            cell: Place::at(r, c),
            message,
        });
    }
}

/// The rule of figures whose minus is written as a triangle (`△12.30`).
pub const TRIANGLE_MINUS: &str = "triangle-minus";

/// Tells, once a table, that figures written with the minus triangle (`△12.30`) were read as
/// negative: a warning at the first, counting the others.
fn note_triangle_minus(rd: &mut Reader) {
    let Some((r, c, text, d)) = rd.triangle_minus.first().cloned() else {
        return;
    };
    let others = match rd.triangle_minus.len() - 1 {
        0 => String::new(),
        n => format!(" 等 {} 处", n + 1),
    };
    let message = format!(
        "{} {}{others}的金额以“△”（或“▲”）表示负数，已按负数读取（“{text}”读作 {}）；\
         请核对这些金额确为负数，建议改用负号“-”填写",
        rd.form.table_no,
        a1(r, c),
        d
    );
    rd.notice(Severity::Warning, TRIANGLE_MINUS, r, c, message);
}

pub const TEXT_NUMBERS: &str = "text-numbers";

/// Tells, once a 决算 or 预算 table, that amounts stored as text were read as the numbers they
/// show: a spreadsheet's SUM leaves text out, so the table's own formulas may show totals
/// short of them (often 0). A warning at the first, counting the others.
fn note_text_numbers(rd: &mut Reader) {
    // The 绩效 forms are typed more than computed (many are Word tables copied into a sheet);
    // the warning is for the 决算 and 预算 workbooks, whose totals are SUM formulas.
    if rd.form.family == crate::form::Family::Perf {
        return;
    }
    let (Some((r, c, text)), count) = rd.text_numbers.clone() else {
        return;
    };
    let cells = match count {
        1 => a1(r, c),
        n => format!("{} 等 {n} 个单元格", a1(r, c)),
    };
    let message = format!(
        "{} {cells}的金额存为文本（如“{text}”），已按其显示的数值审核；Excel、WPS 的求和公式不计\
         文本，表中用公式算出的合计会少计这些金额（常显示为 0），请将这些单元格转换为数字",
        rd.form.table_no
    );
    rd.notice(Severity::Warning, TEXT_NUMBERS, r, c, message);
}

/// Drops the text-numbers warning of a table read from a document (PDF, Word), where every
/// cell is text and no formula can have left an amount out.
fn forget_text_numbers(outcome: &mut Outcome) {
    if let Outcome::Form(rec) = outcome {
        rec.notices.retain(|n| n.rule != TEXT_NUMBERS);
    }
}

/// Reads `sheet` as `form`; its amounts are in `book_unit` when it names no money unit (see
/// [`recognize_workbook`]).
pub fn recognize_sheet<'c>(
    form: &'c Form,
    vocab: &Vocabulary,
    sheet: &Sheet,
    book_unit: Option<&MoneyUnit>,
) -> Recognized<'c> {
    let mut data = blank_data(form, None, None, false);
    data.sheet = Some(sheet.name.clone());
    let template = blank_data(form, None, None, true);
    let blank = layout(form, &template, 0, &|_| true);
    let mut rd = Reader {
        sheet,
        form,
        vocab,
        blank,
        // Most cells of a sheet are consumed: sized once instead of grown.
        consumed: FastSet::with_capacity_and_hasher(sheet.cell_count(), Default::default()),
        notices: Vec::new(),
        data,
        codes_read: Default::default(),
        header_year: Default::default(),
        implied_years: Default::default(),
        book_unit,
        unit_note_read: false,
        line_columns: FastMap::default(),
        remark_cells: FastSet::default(),
        comparison_cells: FastSet::default(),
        header_in_rows: FastSet::default(),
        triangle_minus: Vec::new(),
        text_numbers: (None, 0),
        lines: FormLines::new(form, vocab),
        spare_lines: FastMap::default(),
        held_cells: Vec::new(),
        held_tables: Vec::new(),
        unheaded_cells: FastSet::default(),
    };
    let top = read_top(&mut rd);
    if !form.blocks.first().is_some_and(|b| b.is_table()) {
        // Single cells read before any table: the amounts among them are in the unit a note
        // under the form states.
        adopt_noted_unit(&mut rd, top);
    }
    let mut cursor = top;
    for (bi, block) in form.blocks.iter().enumerate() {
        // A table block without header was read with the table it continues.
        if table::continues_above(form, bi) {
            continue;
        }
        cursor = if block.is_table() {
            table::read_table(&mut rd, bi, cursor)
        } else {
            grid::read_grid(&mut rd, bi, top, cursor)
        };
    }
    if !form.signature.is_empty() {
        grid::read_signature(&mut rd);
    }
    unheaded::settle_tables(&mut rd);
    read_rest(&mut rd, cursor);
    note_triangle_minus(&mut rd);
    note_text_numbers(&mut rd);
    unit_from_field(&mut rd.data, form, vocab);
    // The cells values were read from (an origin on another sheet, `'续表'!C8`, is none of
    // this sheet's).
    let mut read_at: FastSet<(u32, u16)> =
        FastSet::with_capacity_and_hasher(rd.data.origin.len(), Default::default());
    read_at.extend(rd.data.origin.values().filter_map(Place::local));
    let mut words: Vec<(u32, u16)> = rd
        .consumed
        .iter()
        .copied()
        .filter(|&(r, c)| !sheet.get(r, c).is_empty())
        .filter(|at| !read_at.contains(at) || rd.header_in_rows.contains(at))
        .collect();
    words.sort_unstable();
    let Reader {
        data,
        notices,
        comparison_cells,
        unheaded_cells,
        ..
    } = rd;
    Recognized {
        form,
        data,
        notices,
        why: String::new(),
        words,
        kept_apart: 0,
        comparison_cells,
        unheaded_cells,
    }
}

/// The unit a form prints in its grid (绩效自评表's 预算部门、单位名称 | 某某中心), when no line
/// above the table named one — a name, not a placeholder such as `（单位盖章）`.
fn unit_from_field(data: &mut FormData, form: &Form, vocab: &Vocabulary) {
    let Some(id) = &form.unit_field else {
        return;
    };
    if data.unit.is_some() {
        return;
    }
    if let Some(Val::Text(name)) = data.grid.get(id) {
        let name = name.trim();
        if vocab.may_be_labelled_name(&label_key(name)) {
            data.unit = Some(name.to_string());
            data.unit_at = data.origin.get(id).cloned();
        }
    }
}

/// Gives the 科目 rows read without a code (names indented under their parent) the code the
/// same name has in another table of the workbook; a row whose name is found nowhere stays
/// under its name, its values read, and is listed in its form's [`FormData::uncoded`].
pub fn resolve_uncoded(forms: &mut [(&Form, FormData)], vocab: &Vocabulary) {
    // Most tables print every code: then there is nothing to resolve, nor to gather for it.
    let uncoded = |data: &FormData| data.rows.iter().any(|r| r.key.starts_with(UNCODED));
    if !forms.iter().any(|(_, data)| uncoded(data)) {
        return;
    }
    // Every code a name has anywhere: 行政运行 is 2010101 under 人大事务, 2010201 under 政协事务.
    let mut codes_of: HashMap<String, Vec<String>> = HashMap::new();
    for (_, data) in forms.iter() {
        for row in &data.rows {
            if let (Some(code), Some(label)) = (&row.code, &row.label) {
                let codes = codes_of
                    .entry(table::strip_ordinal(&label_key(label)))
                    .or_default();
                if !codes.contains(code) {
                    codes.push(code.clone());
                }
            }
        }
    }
    for (form, data) in forms.iter_mut() {
        // The rows in order: a name takes the code under the parent read just before it.
        let mut last: HashMap<usize, String> = HashMap::new();
        // The first digit of the last code read: a function-code table takes no economic code
        // (30108 机关事业单位基本养老保险缴费 beside 2080505 of nearly the same name).
        let mut family: Option<char> = None;
        let mut prev: Option<String> = None;
        let mut origins = OriginsByRow::default();
        let mut left = Vec::new();
        let keys: Vec<(Name, Option<String>)> = data
            .rows
            .iter()
            .map(|r| (r.key.clone(), r.code.clone()))
            .collect();
        for (key, code) in keys {
            let name = key.strip_prefix(UNCODED);
            let code = match (code, name) {
                (Some(code), _) => Some(code),
                (None, Some(name)) => {
                    let same: Vec<String> = codes_of
                        .get(name)
                        .into_iter()
                        .flatten()
                        .filter(|c| in_family(c, family))
                        .cloned()
                        .collect();
                    let above = (&last, family, prev.as_deref());
                    pick_code(Some(&same), &last, data)
                        .or_else(|| pick_cut_code(&codes_of, name, above, data))
                        .or_else(|| other_code(name, (&last, prev.as_deref()), data, vocab))
                }
                (None, None) => continue,
            };
            family = code.as_ref().and_then(|c| c.chars().next()).or(family);
            prev = code.clone().or(prev);
            match (code, name) {
                (Some(code), None) => {
                    last.insert(code.len(), code);
                }
                (Some(code), Some(_)) => {
                    rekey_row(data, &key, &code, &mut origins);
                    last.insert(code.len(), code);
                }
                (None, _) => left.push(key),
            }
        }
        settle_left(form, data, left, &codes_of);
    }
}

/// The names of `form` no code was found for, in reading order: a name cut short takes the
/// one code left of those its name begins, once the other names took theirs (`机关事业单位`
/// is 2080505 when `机关事业单位职` took 2080506); the others stay under their names and are
/// listed in [`FormData::uncoded`] with the sums they may belong to.
fn settle_left(
    form: &Form,
    data: &mut FormData,
    left: Vec<Name>,
    codes_of: &HashMap<String, Vec<String>>,
) {
    let mut origins = OriginsByRow::default();
    let mut unknown = Vec::new();
    for key in left {
        let name = key.strip_prefix(UNCODED).unwrap_or_default();
        let family = data
            .rows
            .iter()
            .find_map(|r| r.code.as_ref().and_then(|c| c.chars().next()));
        if let Some(code) = pick_cut_code(codes_of, name, (&HashMap::new(), family, None), data) {
            rekey_row(data, &key, &code, &mut origins);
            continue;
        }
        unknown.push(key);
    }
    // Each place is told once every other row took its code.
    for key in unknown {
        let row = data.row(&key);
        let name = row.and_then(|r| r.label.clone()).unwrap_or_default();
        let at = data.origin.get(&*key).cloned();
        let may_be_under = uncoded_place::sums_it_may_join(form, data, &key);
        data.uncoded.push(crate::model::UncodedRow {
            key,
            name,
            at,
            may_be_under,
        });
    }
}

/// Of the codes a name has, the one under the parent last read (its code less two digits),
/// else the only one; never a code the form already has.
fn pick_code(
    candidates: Option<&Vec<String>>,
    last: &HashMap<usize, String>,
    data: &FormData,
) -> Option<String> {
    let free: Vec<&String> = candidates?
        .iter()
        .filter(|c| data.row(c).is_none())
        .collect();
    let under_parent = free.iter().find(|c| is_under_parent(c, last));
    match (under_parent, free.as_slice()) {
        (Some(c), _) => Some((*c).clone()),
        (None, [only]) => Some((*only).clone()),
        _ => None,
    }
}

/// Whether `code` is of the family of codes (their first digit) a table reads, when known.
fn in_family(code: &str, family: Option<char>) -> bool {
    family.is_none_or(|f| code.starts_with(f))
}

/// Whether `code` is under the parent last read (its code less two digits).
fn is_under_parent(code: &str, last: &HashMap<usize, String>) -> bool {
    code.len() > 3
        && last
            .get(&(code.len() - 2))
            .is_some_and(|p| code.starts_with(p.as_str()))
}

/// The code of a name the printer cut short (`其他发展与改革事务支` of 其他发展与改革事务支出,
/// `他发展与改革事务` when both ends were clipped): the one code, not in the form yet, of the
/// names `name` is a part of, of the table's family of codes, fitting after the code read
/// last (`prev`), under the parent last read when any is; none when that is not one code.
fn pick_cut_code(
    codes_of: &HashMap<String, Vec<String>>,
    name: &str,
    (last, family, prev): (&HashMap<usize, String>, Option<char>, Option<&str>),
    data: &FormData,
) -> Option<String> {
    let names = codes_of.iter().map(|(k, c)| (k.as_str(), c.as_slice()));
    let free: Vec<&String> = table::names_cut(names, name)
        .into_iter()
        .filter(|c| in_family(c, family) && fits_after(c, prev) && data.row(c).is_none())
        .collect();
    let under: Vec<&String> = free
        .iter()
        .copied()
        .filter(|c| is_under_parent(c, last))
        .collect();
    match (under.as_slice(), free.as_slice()) {
        ([one], _) | ([], [one]) => Some((*one).clone()),
        _ => None,
    }
}

fn rekey_row(data: &mut FormData, from: &str, code: &str, origins: &mut OriginsByRow) {
    if let Some(row) = data.rows.rekey(from, code) {
        row.code = Some(code.to_string());
    }
    // Every origin keyed `from.…` becomes `code.…`, in its place. Renaming them one by one
    // rather than rebuilding the map keeps a table of thousands of names linear.
    for i in origins.of(&data.origin, from) {
        let (key, _) = data.origin.get_index(i).expect("an index of the map");
        let Some(rest) = key.strip_prefix(from).filter(|r| r.starts_with('.')) else {
            continue;
        };
        let renamed = format!("{code}{rest}");
        if data.origin.replace_index(i, renamed).is_err() {
            // The new key is taken already: as a rebuilt map would, keep the first place of
            // the key and the later value.
            rename_rebuilding(data, from, code);
            *origins = OriginsByRow::default();
            return;
        }
    }
}

/// Renames the origins keyed `from.…` to `code.…` by rebuilding the map.
fn rename_rebuilding(data: &mut FormData, from: &str, code: &str) {
    let prefix = format!("{from}.");
    data.origin = std::mem::take(&mut data.origin)
        .into_iter()
        .map(|(k, v)| match k.strip_prefix(&prefix) {
            Some(col) => (format!("{code}.{col}"), v),
            None => (k, v),
        })
        .collect();
}

/// Which origins each row key prefixes (`row.col` under `row`; under each part of a key with
/// several dots), built once per form when a row is first renamed, and again only after the
/// origins moved.
#[derive(Default)]
struct OriginsByRow(Option<FastMap<String, Vec<usize>>>);

impl OriginsByRow {
    /// The positions of the origins whose key starts with `row` and a dot (some may have been
    /// renamed since: the caller checks).
    fn of(&mut self, origin: &crate::model::FastIndexMap<String, Place>, row: &str) -> Vec<usize> {
        let by_row = self.0.get_or_insert_with(|| {
            let mut by_row: FastMap<String, Vec<usize>> = FastMap::default();
            for (i, key) in origin.keys().enumerate() {
                for (dot, _) in key.match_indices('.') {
                    by_row.entry(key[..dot].to_string()).or_default().push(i);
                }
            }
            by_row
        });
        by_row.get(row).cloned().unwrap_or_default()
    }
}

/// The numbers of a recognised sheet that landed in no cell of the form, when there are so
/// many that its values cannot be placed with confidence: at least five, and at least as many
/// as were placed. Checking such a sheet would judge zeros read in place of its figures.
/// Figures under a column the unit added to compare (上年决算数) are not counted: they are
/// known for what they are.
pub fn unplaced_numbers(rec: &Recognized) -> Option<Vec<String>> {
    let outside: Vec<String> = figures_misplaced(rec).map(|s| s.cell.to_string()).collect();
    let placed = numbers_placed(rec);
    (outside.len() >= 5 && outside.len() >= placed).then_some(outside)
}

/// The values found outside the form that are numbers.
pub fn figures_outside<'r>(rec: &'r Recognized) -> impl Iterator<Item = &'r Stray> {
    rec.data
        .strays
        .iter()
        .skip(rec.kept_apart)
        .filter(|s| matches!(parse_amount(&Cell::Text(s.text.clone())), Amount::Value(_)))
}

/// The values found outside the form that are numbers, but for those under a column the unit
/// added to compare (上年决算数): figures of the form the reading could not place.
pub fn figures_misplaced<'r>(rec: &'r Recognized) -> impl Iterator<Item = &'r Stray> {
    figures_outside(rec).filter(|s| {
        !s.cell.local().is_some_and(|at| {
            rec.comparison_cells.contains(&at) || rec.unheaded_cells.contains(&at)
        })
    })
}

/// How many numbers of the form were read into its cells.
pub fn numbers_placed(rec: &Recognized) -> usize {
    rec.data
        .rows
        .iter()
        .flat_map(|r| r.values.values())
        .chain(rec.data.grid.values())
        .filter(|v| matches!(v, Val::Num(_)))
        .count()
}

/// A header word with its column's number on a line of its own below it, in one cell
/// (`本年收入合计\n1`, the 栏次 row folded into the header): the word alone.
fn without_column_number(text: &str) -> &str {
    let text = text.trim_end();
    let Some((word, number)) = text.rsplit_once('\n') else {
        return text;
    };
    let number = number.trim();
    let is_number = matches!(number.len(), 1 | 2) && number.bytes().all(|b| b.is_ascii_digit());
    let is_word = word
        .chars()
        .any(|c| !c.is_ascii_digit() && !c.is_whitespace());
    if is_number && is_word {
        word
    } else {
        text
    }
}

/// A line printed above a form's table.
enum TopLine {
    Title,
    /// 表号, attachment number ("附件3-1"), 金额单位 or a continuation mark ("续表").
    Mark,
    /// "部门名称：…" with the unit's name (empty when the name is in another cell), and the
    /// money unit stated after it on the same line ("部门：某某中心    单位：元").
    Unit(String, Option<String>),
    /// A unit's name alone ("株洲市长株潭一体化发展事务中心", no 部门：), with the year
    /// written after it and the money unit stated after that on the same line.
    Organisation(NamedLine),
    /// "2023年度" alone.
    Year(String),
    /// The date the table was made ("（2024年4月编制）", "填报日期：2024年4月10日"): not
    /// the year it reports on.
    Dated,
    /// Another table's 表号 ("公开02表" above 公开03表's table, copied with the sheet).
    OtherTableNo,
}

/// A line naming the unit without a label: "株洲市某某局", "株洲市某某中心2023年度" over a
/// title in the next line, "株洲市某某中心    单位：元".
struct NamedLine {
    name: String,
    year: Option<String>,
    money: Option<String>,
}

impl NamedLine {
    /// The name at `span` of `k`, the key of `t`, with the year stated and no money unit.
    fn of(t: &str, k: &str, span: std::ops::Range<usize>, year: Option<String>) -> NamedLine {
        NamedLine {
            name: text_of_key_span(t, k, span),
            year,
            money: None,
        }
    }
}

/// The rule of a 表号 printed above a table that is another table's.
pub const OTHER_TABLE_NO: &str = "table-no-mismatch";

/// A form with its title keys, made once: what the lines printed above its table (title,
/// 表号, 单位, 金额单位) are told by, line after line.
pub(crate) struct FormLines<'f> {
    pub form: &'f Form,
    pub vocab: &'f Vocabulary,
    title_keys: Vec<TitleKey>,
}

impl<'f> FormLines<'f> {
    pub fn new(form: &'f Form, vocab: &'f Vocabulary) -> Self {
        let title_keys = form_title_keys(form);
        FormLines {
            form,
            vocab,
            title_keys,
        }
    }
}

/// What a cell's text is, if it is one of the lines above a form's table.
fn top_line(lines: &FormLines, t: &str) -> Option<TopLine> {
    let (form, vocab) = (lines.form, lines.vocab);
    let k = label_key(t);
    if k.is_empty() {
        return None;
    }
    // Every title line counts ("附件 1：2023 年度部门整体支出绩效自评表" above
    // "2023 年度部门（单位）整体支出绩效自评表"), as identify() reads them.
    let stripped = strip_parens(&k);
    if stripped.chars().count() <= 60
        && title_score(&lines.title_keys, &TitleLine::new(&stripped)).is_some()
    {
        return Some(TopLine::Title);
    }
    // Before the unit line: "单位：万元" is the money unit, not a unit named 万元; "公开01表
    // 单位：万元" is both marks in one cell.
    let no = label_key(&form.table_no);
    if k == no
        || is_attachment_no(&k)
        || is_continuation_mark(&k)
        // The period of a template whose year was left blank ("    年度").
        || (k == "年度" && form.period.is_some())
        || k.starts_with("金额单位")
        || vocab.is_form_number_line(&k)
        // A line stating only the unit: "（单位：万元）" (a note, "注：……", is no line of the head).
        || !k.starts_with('注') && vocab.money_unit_noted(&k).is_some()
        || vocab.money_unit_in(&k).is_some_and(|_| {
            let before = &k[..k.rfind("单位:").unwrap_or(0)];
            let before = before.strip_suffix("金额").unwrap_or(before);
            before.is_empty() || before == no
        })
    {
        return Some(TopLine::Mark);
    }
    if let Some(shape) = table_no_shape(&k) {
        return Some(match table_no_shape(&no) == Some(shape) {
            true => TopLine::Mark,
            false => TopLine::OtherTableNo,
        });
    }
    // "编制单位：…", "填报单位：" with the name in the next cell — not a label that merely starts
    // the same way ("预算部门、单位名称" is perf-dept's first row label, "部门名称" and
    // "单位（项目）名称" are column headers).
    let unit_label = label_key(&form.unit_label);
    let labels = std::iter::once(unit_label.trim_end_matches(':'));
    if let Some((name, money)) = labelled_unit(vocab, labels, t, &k) {
        return Some(TopLine::Unit(name.to_string(), money.map(str::to_string)));
    }
    if is_date_line(&k) {
        return Some(TopLine::Dated);
    }
    if let Some(y) = year_only(&k) {
        return Some(TopLine::Year(y));
    }
    // Most lines name no organisation: asked before the line is split and keyed again.
    let names_one = || (vocab.organisation_endings.iter()).any(|e| k.contains(e.as_str()));
    if !names_one() {
        return None;
    }
    named_line(vocab, t)
        .or_else(|| attachment_heading(vocab, t, &k))
        .or_else(|| heading_unit(vocab, t))
        .map(TopLine::Organisation)
}

/// The unit's name a line gives after one of `labels` or the vocabulary's unit labels and a
/// colon ("编制单位：某某中心", "填报单位（盖章）：某某中心", a bracketed aside between label
/// and colon), with the money unit stated after it on the same line; the name is empty when
/// the line is the label alone (the name in the next cell). `k` is the line's key.
fn labelled_unit<'t, 'l>(
    vocab: &'l Vocabulary,
    labels: impl Iterator<Item = &'l str>,
    t: &'t str,
    k: &str,
) -> Option<(&'t str, Option<&'t str>)> {
    let mut labels = labels.chain(vocab.unit_labels.iter().map(String::as_str));
    let is_unit = labels.any(|u| {
        k.strip_prefix(u).map(without_aside).is_some_and(|rest| {
            rest.starts_with(':') || rest.is_empty() && t.trim_end().ends_with([':', '：'])
        })
    });
    if !is_unit {
        return None;
    }
    let name = t
        .trim()
        .split_once(['：', ':'])
        .map_or("", |(_, n)| n.trim());
    let (name, money) = split_money_unit(vocab, name);
    // "编制单位：（盖章）", "单位：万元": the label gives no name.
    let name = if vocab.may_be_labelled_name(&label_key(name)) {
        name
    } else {
        ""
    };
    Some((name, money))
}

/// A key without the bracketed aside it opens with: "(盖章):" of "填报单位(盖章):".
fn without_aside(k: &str) -> &str {
    k.strip_prefix('(')
        .and_then(|rest| rest.split_once(')'))
        .map_or(k, |(_, after)| after)
}

/// The unit an attachment line names in front of its report's year or words ("附件1：株洲市
/// 某某局2023年部门决算公开表"), with that year.
fn attachment_heading(vocab: &Vocabulary, t: &str, k: &str) -> Option<NamedLine> {
    let (number, _) = k.split_once(':')?;
    if !is_attachment_no(number) {
        return None;
    }
    let (_, rest) = t.split_once(['：', ':'])?;
    heading_unit(vocab, rest)
}

/// The unit a heading names (a document's, or a line over a table's title), before its year ("株洲市某某局2023年度部门决算") or
/// between the year and the report's words ("2023年度株洲市某某局部门决算"), or before the
/// report's words when it states no year, with the year.
fn heading_unit(vocab: &Vocabulary, t: &str) -> Option<NamedLine> {
    let k = label_key(t);
    // A sentence naming the unit and the year is a note, no heading.
    if k.contains(['。', ',', ';']) {
        return None;
    }
    let (before, from, year) = match year_span(&k) {
        Some((span, y)) => (Some(0..span.start), span.end, Some(y)),
        None => (None, 0, None),
    };
    let mut spans: Vec<std::ops::Range<usize>> = (vocab.report_words.iter())
        .filter_map(|w| k[from..].find(w.as_str()).map(|at| from..from + at))
        .collect();
    // The name before the year heads a report only when the report's words follow the year
    // ("…办公室 2024年9月10日印发" is who issued a paper and when).
    let before = before.filter(|_| !spans.is_empty());
    spans.sort_by_key(|span| span.end);
    // "关于株洲市某某局2023年度部门决算的说明": the unit is what follows 关于.
    let about = |span: std::ops::Range<usize>| match k[span.clone()].starts_with(ABOUT) {
        true => span.start + ABOUT.len()..span.end,
        false => span,
    };
    let span = before
        .into_iter()
        .chain(spans)
        .map(about)
        .map(|span| past_part_number(&k, span))
        .find(|span| vocab.is_organisation(&k[span.clone()]))?;
    Some(NamedLine::of(t, &k, span, year))
}

/// The span past a document's part number in front of the unit ("第二部分 某某局2024年度部门
/// 决算表", "第一章…"): the number is the document's, not the unit's name.
fn past_part_number(k: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let Some(rest) = k[span.clone()].strip_prefix('第') else {
        return span;
    };
    let numeral = |c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c);
    let digits: usize = rest
        .chars()
        .take_while(|&c| numeral(c))
        .map(char::len_utf8)
        .sum();
    let after = &rest[digits..];
    let marker = ["部分", "章", "篇"]
        .into_iter()
        .find(|m| after.starts_with(m));
    match marker {
        Some(m) if digits > 0 => span.start + '第'.len_utf8() + digits + m.len()..span.end,
        _ => span,
    }
}

/// The word a heading opens with before the unit it is about (关于…的说明).
const ABOUT: &str = "关于";

/// A line holding a unit's name and nothing else but the year after it and a money unit
/// stated after that (see [`NamedLine`]).
fn named_line(vocab: &Vocabulary, t: &str) -> Option<NamedLine> {
    // "株洲市财政局：" opens a letter to that unit: it addresses it, it does not name the
    // unit reporting.
    if t.trim_end().ends_with([':', '：']) {
        return None;
    }
    let (text, money) = split_money_unit(vocab, t.trim());
    let text = unbracketed(text);
    let k = label_key(text);
    let (name_key, year) = match year_at(&k) {
        Some((at, y)) if matches!(&k[at + y.len()..], "年" | "年度") => (&k[..at], Some(y)),
        Some(_) => return None,
        None => (k.as_str(), None),
    };
    vocab.is_organisation(name_key).then(|| NamedLine {
        name: text_of_key_span(text, &k, 0..name_key.len()),
        year,
        money: money.map(str::to_string),
    })
}

/// A text without the brackets around it: the name of `【株洲市某某局】`.
fn unbracketed(t: &str) -> &str {
    let t = t.trim();
    [
        ('【', '】'),
        ('〔', '〕'),
        ('[', ']'),
        ('（', '）'),
        ('(', ')'),
    ]
    .iter()
    .find_map(|&(open, close)| t.strip_prefix(open)?.strip_suffix(close))
    .map_or(t, str::trim)
}

/// The unit a title names in front of its year or of its words ("株洲市交通运输局2023年部门
/// 收支总表", "株洲市某某中心收入支出决算总表"), or between the two ("2023年度株洲市某某中心
/// 收入支出决算总表"), when what is there is a unit's name.
fn unit_in_title(lines: &FormLines, t: &str) -> Option<String> {
    let vocab = lines.vocab;
    let k = label_key(t);
    let words = (lines.title_keys.iter())
        .filter_map(|key| k.find(key.text.as_str()))
        .min();
    let year = year_span(&k).map(|(span, _)| (span.start, span.end));
    let between = year.zip(words).map(|((_, after), w)| after..w.max(after));
    let aside = words.and_then(|w| aside_span(&k, w));
    let spans = [
        year.map(|(at, _)| 0..at),
        between,
        words.map(|w| 0..w),
        aside,
    ];
    spans
        .into_iter()
        .flatten()
        .find(|span| vocab.is_organisation(&k[span.clone()]))
        .map(|span| text_of_key_span(t, &k, span))
}

/// The first "2023年" or "2023年度" of a key, as a span of it, and the year.
fn year_span(k: &str) -> Option<(std::ops::Range<usize>, String)> {
    let (at, y) = year_at(k)?;
    let after = at + y.len() + '年'.len_utf8();
    let after = after + usize::from(k[after..].starts_with('度')) * '度'.len_utf8();
    Some((at..after, y))
}

/// The inside of the brackets a key ends with, opened after `from`: the unit's name of
/// "收入支出决算总表(株洲市某某中心)".
fn aside_span(k: &str, from: usize) -> Option<std::ops::Range<usize>> {
    let (open, close) = [('(', ')'), ('【', '】')]
        .into_iter()
        .find(|&(_, close)| k.ends_with(close))?;
    let at = from + k[from..].rfind(open)?;
    Some(at + open.len_utf8()..k.len() - close.len_utf8())
}

/// The part of `text` whose label key is `key[span]` (`key` the text's key), as written.
fn text_of_key_span(text: &str, key: &str, span: std::ops::Range<usize>) -> String {
    // Keys fold one character into one, so the key's characters count the text's.
    let (from, to) = (
        key[..span.start].chars().count(),
        key[..span.end].chars().count(),
    );
    let keyed = key_with_offsets(text);
    let at = |i: usize| keyed.get(i).map_or(text.len(), |&(_, at)| at);
    text[at(from)..at(to)].trim().to_string()
}

/// A 表号 as the forms print theirs (公开05表, 部门公开表05, 公开5表 unpadded): its kind and
/// number.
fn table_no_shape(k: &str) -> Option<(&'static str, u32)> {
    let number = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let final_no = k
        .strip_prefix("公开")
        .and_then(|rest| rest.strip_suffix('表'));
    match final_no.and_then(number) {
        Some(n) => Some(("公开", n)),
        None => Some(("部门公开表", k.strip_prefix("部门公开表").and_then(number)?)),
    }
}

/// Whether `k` (a label key) dates the table to a month or a day: `(2024年4月编制)`,
/// `2024年4月10日`, `填报日期:2024年4月`.
fn is_date_line(k: &str) -> bool {
    let k = strip_parens_around(k);
    let k = ["编制日期:", "填报日期:", "制表日期:", "日期:"]
        .iter()
        .find_map(|p| k.strip_prefix(p))
        .unwrap_or(k);
    let k = ["编制", "填报", "制表", "制"]
        .iter()
        .find_map(|s| k.strip_suffix(s))
        .unwrap_or(k);
    let mut parts = k.split(['年', '月', '日']);
    let number = |p: Option<&str>, most: u32| {
        p.and_then(|p| p.parse::<u32>().ok())
            .is_some_and(|n| (1..=most).contains(&n))
    };
    let (year, month, day) = (parts.next(), parts.next(), parts.next());
    let ends = k.ends_with('月') || k.ends_with('日');
    year.is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && number(month, 12)
        && (k.ends_with('月') || number(day, 31))
        && ends
}

/// A unit's name and the money unit stated after it on the same line (`某某中心    单位：元`,
/// `某某中心 金额单位：万元`): the name, and the statement when there is one.
fn split_money_unit<'t>(vocab: &Vocabulary, name: &'t str) -> (&'t str, Option<&'t str>) {
    for (at, _) in name.match_indices("单位") {
        // The statement names a unit and nothing more (单位：元, not 单位：元江县第一中学).
        let statement = label_key(&name[at..]);
        let named = statement
            .strip_prefix("单位:")
            .map(|u| u.trim_end_matches([')', '）']));
        if !named.is_some_and(|u| vocab.money_units.iter().any(|m| m.name == u)) {
            continue;
        }
        let before = name[..at].trim_end();
        let (before, from) = match before.strip_suffix("金额") {
            Some(b) => (b, b.len()),
            None => (before, at),
        };
        // 某某中心（单位：元）: the bracket opening the statement is no part of the name.
        let unit = before.trim_end().trim_end_matches(['（', '(']).trim_end();
        return (unit, Some(&name[from..]));
    }
    (name, None)
}

/// `k` without one pair of brackets around it.
fn strip_parens_around(k: &str) -> &str {
    k.strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(k)
}

/// Title, attachment number, unit, year, 表号 and 金额单位 lines above the first block; returns the first row
/// after them.
fn read_top(rd: &mut Reader) -> u32 {
    let mut title_row = None;
    // A unit after the title ("收入支出决算总表（单位：元）") yields to a line stating one.
    let mut title_unit = None;
    // A year stated beside a unit's name over the title (a cover's 株洲市某局2023年度部门决算)
    // yields to the year in the title itself.
    let mut year_beside_name = false;
    let first = first_filled_row(rd.sheet);
    let mut last = first;
    for r in first..rd.sheet.height().min(first + 12) {
        // Past the title, a row holding anything but such lines is the table's, all of it:
        // a header band's word that reads as a title (上海's 项目 | 一般公共预算支出) is none.
        if title_row.is_some_and(|t| t < r) && holds_table_cells(rd, r) {
            note_money_marks(rd, r..first + 12);
            break;
        }
        // Past the title, the first row with anything else (a header, a grid row) ends the
        // lines above the table: a page further down repeating them is the table's.
        let mut other = false;
        let sheet = rd.sheet;
        // A label whose name is in the next cell ("填报单位：" | "某某中心").
        let mut label_alone = false;
        for (c, cell) in sheet.row(r) {
            let t = match cell {
                Cell::Text(t) => t.clone(),
                Cell::Empty => continue,
                _ => {
                    other = true;
                    continue;
                }
            };
            let line = top_line(&rd.lines, &t);
            if std::mem::take(&mut label_alone)
                && matches!(line, None | Some(TopLine::Organisation(_)))
            {
                let (name, money) = split_money_unit(rd.vocab, t.trim());
                if rd.vocab.may_be_labelled_name(&label_key(name)) {
                    note_labelled_unit(rd, name, money, r, c);
                    last = last.max(r);
                    rd.consume(r, c);
                    continue;
                }
            }
            match line {
                Some(TopLine::Title) => {
                    title_row.get_or_insert(r);
                    if let Some(y) = year_anywhere(&label_key(&t)) {
                        if std::mem::take(&mut year_beside_name) {
                            rd.data.year = None;
                        }
                        note_year(rd, y, r, c);
                    }
                    if let Some(name) = unit_in_title(&rd.lines, &t) {
                        note_unit_name(rd, name, r, c);
                    }
                    title_unit.get_or_insert((t.clone(), r, c));
                    last = last.max(r);
                }
                // A unit's name among other words is the table's row or field, not a line
                // above it.
                // Asked only of a row with a unit's name in it: it weighs every cell again.
                Some(TopLine::Organisation(_)) if top_lines_row(&rd.lines, sheet, r).is_none() => {
                    other = true;
                    continue;
                }
                Some(TopLine::Organisation(named)) => {
                    if let Some(statement) = named.money {
                        note_money_unit(rd, &statement, r, c);
                    }
                    if let Some(y) = named.year {
                        year_beside_name |= rd.data.year.is_none();
                        note_year(rd, y, r, c);
                    }
                    note_unit_name(rd, named.name, r, c);
                    last = last.max(r);
                }
                None => {
                    other |= !t.trim().is_empty();
                    continue;
                }
                Some(TopLine::Mark) => {
                    note_money_unit(rd, &t, r, c);
                    last = last.max(r);
                }
                Some(TopLine::Unit(name, money)) => {
                    label_alone = name.is_empty();
                    note_labelled_unit(rd, &name, money.as_deref(), r, c);
                    last = last.max(r);
                }
                Some(TopLine::Year(y)) => {
                    note_year(rd, y, r, c);
                    last = last.max(r);
                }
                Some(TopLine::Dated) => last = last.max(r),
                Some(TopLine::OtherTableNo) => {
                    let message = format!(
                        "表号“{}”与本表不符：按标题和表内栏目，本表是{}；请核对表号",
                        t.trim(),
                        rd.form.table_no
                    );
                    rd.notice(Severity::Warning, OTHER_TABLE_NO, r, c, message);
                    last = last.max(r);
                }
            }
            rd.consume(r, c);
        }
        if other && title_row.is_some_and(|t| t < r) {
            break;
        }
    }
    if let Some((t, r, c)) = title_unit {
        note_money_unit(rd, &t, r, c);
    }
    if title_row.is_none() {
        read_page_header_title(rd);
    }
    if title_row.is_some() {
        last + 1
    } else {
        first
    }
}

/// The year and the unit a title printed only in the page header states (`2023年度…表`), as a
/// title line above the table would; where, no cell tells.
fn read_page_header_title(rd: &mut Reader) {
    let sheet = rd.sheet;
    let Some(title) =
        (sheet.page_header.iter()).find(|t| matches!(top_line(&rd.lines, t), Some(TopLine::Title)))
    else {
        return;
    };
    if rd.data.year.is_none() {
        rd.data.year = year_anywhere(&label_key(title));
    }
    if rd.data.unit.is_none() {
        rd.data.unit = unit_in_title(&rd.lines, title);
    }
}

/// The money unit stated in the rows the table starts at, above its first figure
/// ("金额单位：元" printed beside a piece of a wrapped unit name, which reads as the table's
/// first cell): the table's unit all the same, wherever above the figures it is printed.
fn note_money_marks(rd: &mut Reader, rows: std::ops::Range<u32>) {
    let sheet = rd.sheet;
    let figure = |r: u32| {
        sheet
            .row(r)
            .any(|(_, cell)| matches!(cell, Cell::Number(_)))
    };
    for r in rows.take_while(|&r| r < sheet.height() && !figure(r)) {
        for (c, cell) in sheet.row(r) {
            let Cell::Text(t) = cell else { continue };
            let statement = match top_line(&rd.lines, t) {
                Some(TopLine::Mark) => Some(t.clone()),
                Some(TopLine::Unit(_, money)) => money,
                _ => None,
            };
            let Some(statement) = statement else { continue };
            if rd.vocab.money_unit_in(&label_key(&statement)).is_some() {
                note_money_unit(rd, &statement, r, c);
                rd.consume(r, c);
            }
        }
    }
}

/// Whether row `r` holds a cell that is no line printed above a table (a figure, a header
/// word), a unit's name in the cell after its label (部门： | 某某中心) aside.
fn holds_table_cells(rd: &Reader, r: u32) -> bool {
    let mut after_label = false;
    rd.sheet.row(r).any(|(_, cell)| {
        let Cell::Text(t) = cell else {
            return !matches!(cell, Cell::Empty);
        };
        let line = top_line(&rd.lines, t);
        let label = matches!(&line, Some(TopLine::Unit(name, _)) if name.is_empty());
        let named = std::mem::replace(&mut after_label, label);
        line.is_none() && !t.trim().is_empty() && !named
    })
}

/// A unit named after its label (部门：…, or the label's cell before it), with the money unit
/// stated after it: the table's unit, whatever other line names one.
fn note_labelled_unit(rd: &mut Reader, name: &str, money: Option<&str>, r: u32, c: u16) {
    if let Some(statement) = money {
        note_money_unit(rd, statement, r, c);
    }
    if !name.is_empty() {
        rd.data.unit = Some(name.to_string());
        rd.data.unit_at = Some(Place::at(r, c));
    }
}

/// A unit named without a label (a name alone on its line, or in front of the title): the
/// table's unit unless a line labelled as the unit's (部门：…) names it.
fn note_unit_name(rd: &mut Reader, name: String, r: u32, c: u16) {
    if rd.data.unit.is_none() {
        rd.data.unit = Some(name);
        rd.data.unit_at = Some(Place::at(r, c));
    }
}

/// The first year the lines above a table state, and where.
fn note_year(rd: &mut Reader, year: String, r: u32, c: u16) {
    if rd.data.year.is_none() {
        rd.data.year = Some(year);
        rd.data.year_at = Some(Place::at(r, c));
    }
}

/// A row inside a table that only repeats the lines above it (title, 部门名称, 表号, 金额单位):
/// the top of a page the table continues on.
pub(crate) fn is_page_top_row(rd: &Reader, r: u32) -> bool {
    top_lines_row(&rd.lines, rd.sheet, r).is_some() && !names_other_unit_only(rd, r)
}

/// Whether row `r`'s lines are all names without a label, none of them the table's unit: a
/// 科目 row named only (疾病预防控制中心, 综合医院), not the unit repeated on a page's top.
fn names_other_unit_only(rd: &Reader, r: u32) -> bool {
    let unit = rd.data.unit.as_deref().map(label_key);
    rd.sheet.row(r).all(|(_, cell)| match cell {
        Cell::Text(t) => match top_line(&rd.lines, t) {
            Some(TopLine::Organisation(named)) => unit != Some(label_key(&named.name)),
            _ => t.trim().is_empty(),
        },
        _ => true,
    })
}

/// Whether row `r` holds only lines printed above `form`'s table (title, 部门名称, 表号,
/// 金额单位): Some(true) when one of them is the title, None for any other row.
pub(crate) fn top_lines_row(lines: &FormLines, sheet: &Sheet, r: u32) -> Option<bool> {
    // A row holding anything but text (a 科目 row's amounts) is none: said before the texts
    // are weighed as title lines, which every row of a table would otherwise pay for.
    let uncovered = || sheet.row(r).filter(|&(c, _)| !sheet.is_covered(r, c));
    if uncovered().any(|(_, cell)| !matches!(cell, Cell::Empty | Cell::Text(_))) {
        return None;
    }
    let mut any = None;
    for (_, cell) in uncovered() {
        match cell {
            Cell::Text(t) if t.trim().is_empty() => {}
            Cell::Text(t) => match top_line(lines, t)? {
                TopLine::Title => any = Some(true),
                _ => {
                    any.get_or_insert(false);
                }
            },
            _ => {}
        }
    }
    any
}

fn year_in(k: &str) -> Option<String> {
    let digits: String = k.chars().take_while(char::is_ascii_digit).collect();
    (digits.len() == 4 && k[4..].starts_with('年')).then_some(digits)
}

/// The first "2023年" in a title ("附件1：2023年度…" too).
fn year_anywhere(k: &str) -> Option<String> {
    year_at(k).map(|(_, y)| y)
}

/// The first "2023年" in a key, with the byte offset of its digits.
fn year_at(k: &str) -> Option<(usize, String)> {
    let bytes = k.as_bytes();
    (0..bytes.len().saturating_sub(4)).find_map(|i| {
        let four = &bytes[i..i + 4];
        let starts = i == 0 || !bytes[i - 1].is_ascii_digit();
        (starts
            && four.iter().all(u8::is_ascii_digit)
            && k[i + 4..].starts_with('年')
            && matches!(four[0], b'1' | b'2'))
        .then(|| (i, k[i..i + 4].to_string()))
    })
}

/// "2023年度", "2023年" alone in a cell, bare or in brackets ("（2023年度）", "【2023年】").
fn year_only(k: &str) -> Option<String> {
    let k = ["()", "【】", "〔〕", "[]"]
        .iter()
        .find_map(|pair| {
            let (open, close) = pair.split_at(pair.chars().next()?.len_utf8());
            k.strip_prefix(open)?.strip_suffix(close)
        })
        .unwrap_or(k);
    let y = year_in(k)?;
    matches!(&k[4..], "年" | "年度").then_some(y)
}

/// Row `r`'s unread texts as one remark (a 注 line, kept and written back), when the row
/// holds no unread number.
pub(crate) fn keep_as_remark(rd: &mut Reader, r: u32) {
    let sheet = rd.sheet;
    let unread = || {
        sheet
            .row(r)
            .filter(|&(c, _)| !rd.consumed.contains(&(r, c)))
    };
    let texts: Vec<(u16, String)> = unread()
        .filter_map(|(c, cell)| match cell {
            Cell::Text(t) if !t.trim().is_empty() => Some((c, t.trim().to_string())),
            _ => None,
        })
        .collect();
    let numbers = unread().any(|(_, cell)| matches!(cell, Cell::Number(_)));
    if !texts.is_empty() && !numbers {
        let line = texts
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        rd.data.remarks.push(line);
        for (c, _) in texts {
            rd.consume(r, c);
        }
    }
}

/// Below the last block: 注 lines and other statements become remarks (kept and written
/// back); anything else left unread anywhere is reported as a stray.
fn read_rest(rd: &mut Reader, after: u32) {
    // A sentence on a row of its own below everything read is a note too, though the table's
    // rows were looked for there (a 空表说明 right under an empty table's 合计, not opened by 注,
    // maybe without its full stop); so is a sign-off line (单位负责人：… 制表人：…).
    let below = last_row_read(rd).map_or(after, |r| r + 1);
    // An empty table's 空表说明 written as a row of its body (本单位无此项支出。 between the
    // header and the 合计 row) is its note as well, not a figure out of place.
    for r in 0..below {
        if is_empty_note_row(rd, r) {
            keep_as_remark(rd, r);
        }
    }
    for r in below..after {
        if is_note_row(rd, r) || is_sign_off_row(rd, r) {
            keep_as_remark(rd, r);
        }
    }
    for r in after..rd.sheet.height() {
        keep_as_remark(rd, r);
    }
    if rd.form.empty_note.is_some() {
        rd.data.marked_nothing = marked_nothing(rd);
    }
    let mut strays = Vec::new();
    let sheet = rd.sheet;
    // A column added to compare runs down to the table's last row read: its figure beside a
    // total read below the body (公开06表's 人员经费合计) is one of it.
    let compared_columns: FastSet<u16> = rd.comparison_cells.iter().map(|&(_, c)| c).collect();
    let last_read = last_row_read(rd);
    let grid = sheet.cells().map(|(r, c, cell)| (r, c, cell, false));
    let set_aside = (sheet.set_aside().iter()).map(|(r, c, cell)| (*r, *c, cell, true));
    for (r, c, cell, aside) in grid.chain(set_aside) {
        if rd.consumed.contains(&(r, c)) {
            continue;
        }
        let Some(stray) = shown_value(sheet, r, c, cell) else {
            continue;
        };
        // A hidden twin's figures are last year's kept beside the form's own, as a column
        // the unit added to compare: none the reading failed to place.
        if aside || (compared_columns.contains(&c) && last_read.is_some_and(|l| r <= l)) {
            rd.comparison_cells.insert((r, c));
        }
        // "……" marks rows left out of a printed list: a word of the form, not a value; so is
        // the label of a field another province's form prints.
        if stray.text.trim() == "……"
            || is_other_field_label(rd.vocab, &stray.text)
            || (!aside && is_zero_in_unlabelled_row(sheet, r, cell))
        {
            rd.consumed.insert((r, c));
            continue;
        }
        strays.push(stray);
    }
    let listed = listed_names(&strays);
    for (i, s) in strays.into_iter().enumerate() {
        let local = s.cell.local();
        let remark = local.is_some_and(|at| rd.remark_cells.contains(&at));
        // Told at once with the part they belong to.
        if local.is_some_and(|at| rd.unheaded_cells.contains(&at)) {
            rd.data.strays.push(s);
            continue;
        }
        // A placeholder ("—", "-", "/", "无") outside the form says there is nothing: kept
        // and written back, but no value to check.
        if is_placeholder(&s.text) {
            rd.data.strays.push(s);
            continue;
        }
        let notice = if remark {
            remark_notice(rd.form, &s)
        } else if listed.contains(&i) {
            listed_name_notice(rd.form, &s)
        } else {
            let why = s
                .cell
                .local()
                .map(|(r, c)| unlabelled_row(rd, r, c))
                .unwrap_or_default();
            outside_notice(rd.form, &s, &why)
        };
        rd.notices.push(notice);
        rd.data.strays.push(s);
    }
}

/// Whether `cell` is a 0 on row `r`, a row showing no text (no code, no label): the spare
/// rows of a list the template offers, where a formula shows 0 for a row left empty
/// (`=F8+G8`, or `IF(…,"",…)` whose empty result LibreOffice saves to .xls as 0). Such a 0 is
/// no value to place: no row of the form to read it into, and nothing a total misses. A
/// figure other than 0 in such a row stays a value outside the form, reported.
fn is_zero_in_unlabelled_row(sheet: &Sheet, r: u32, cell: &Cell) -> bool {
    cell.as_number().is_some_and(|n| n.is_zero()) && !shows_text(sheet, r)
}

/// Whether row `r` shows a text anywhere (a label, a code typed as text, a note).
fn shows_text(sheet: &Sheet, r: u32) -> bool {
    sheet.shown_cols(r).into_iter().any(|c| {
        sheet
            .shown(r, c)
            .as_text()
            .is_some_and(|t| !t.trim().is_empty())
    })
}

/// Whether a text is the label of a field another province's form prints, numbered or not
/// ("2.项目实施内容及过程概述").
fn is_other_field_label(vocab: &Vocabulary, text: &str) -> bool {
    let key = table::strip_ordinal(&strip_parens(&label_key(text)));
    vocab.other_field_labels.contains(&key)
}

/// Whether a text is a placeholder saying "nothing" ("—", "-", "/", "无").
pub(crate) fn is_placeholder(text: &str) -> bool {
    parse_amount(&Cell::Text(text.to_string())) == Amount::Nothing
}

/// The value `cell` at (r, c) shows, as a stray, unless it shows nothing: blank, or hidden
/// under a merged region's first cell.
pub(super) fn shown_value(sheet: &Sheet, r: u32, c: u16, cell: &Cell) -> Option<Stray> {
    if cell.is_empty() || sheet.is_covered(r, c) {
        return None;
    }
    let text = cell.to_string();
    (!text.trim().is_empty()).then(|| Stray {
        cell: Place::at(r, c),
        text,
    })
}

/// The last sheet row a logical cell or a row of the form was read from.
/// Where the table's 合计 row writes 无 for its figures (in two cells or more, no number
/// beside them), whether or not the form has a column for each.
fn marked_nothing(rd: &Reader) -> Option<Place> {
    let r = *rd.data.row_at.get(crate::model::Key::Total.as_str())?;
    let mut marks = Vec::new();
    for (c, cell) in rd.sheet.row(r) {
        match cell {
            Cell::Number(_) => return None,
            Cell::Text(t) if t.trim() == "无" => marks.push(c),
            _ => {}
        }
    }
    (marks.len() >= 2).then(|| Place::at(r, marks[0]))
}

fn last_row_read(rd: &Reader) -> Option<u32> {
    let cells = rd
        .data
        .origin
        .values()
        .filter_map(Place::local)
        .map(|(r, _)| r);
    cells.chain(rd.data.row_at.values().copied()).max()
}

/// Whether row `r`'s first unread text opens with a sign-off label and its colon
/// (`单位负责人：张三    制表人：王五`).
pub(crate) fn is_sign_off_row(rd: &Reader, r: u32) -> bool {
    let Some((_, Cell::Text(t))) = unread_shown(rd, r).next() else {
        return false;
    };
    let key = crate::normalize::label_key(t);
    crate::form::opens_with_label(&rd.vocab.sign_off_labels, &key)
}

/// The cells of row `r` not read, that show something.
fn unread_shown<'r>(rd: &'r Reader, r: u32) -> impl Iterator<Item = (u16, &'r Cell)> + 'r {
    rd.sheet.row(r).filter(move |&(c, cell)| {
        !rd.consumed.contains(&(r, c)) && !cell.to_string().trim().is_empty()
    })
}

/// Whether row `r` holds, unread, one text only, a sentence (`…，故本表无数据。`).
fn is_sentence_row(rd: &Reader, r: u32) -> bool {
    let mut unread = unread_shown(rd, r);
    let sentence = |cell: &Cell| {
        cell.as_text().is_some_and(|t| {
            let t = t.trim();
            t.ends_with('。') && t.chars().count() >= 8
        })
    };
    matches!((unread.next(), unread.next()), (Some((_, cell)), None) if sentence(cell))
}

/// Whether row `r` is a note on a row of its own: a sentence, or the table's 空表说明 without
/// its full stop (本单位无国有资本经营预算财政拨款收支，故本表为空表) — printed above the header,
/// under the title, it is no header row.
pub(crate) fn is_note_row(rd: &Reader, r: u32) -> bool {
    is_sentence_row(rd, r) || is_empty_note_row(rd, r)
}

/// Whether row `r` holds, unread, one text only: the table's 空表说明.
fn is_empty_note_row(rd: &Reader, r: u32) -> bool {
    let mut unread = unread_shown(rd, r);
    let note = |cell: &Cell| cell.as_text().is_some_and(|t| rd.is_empty_table_note(t));
    matches!((unread.next(), unread.next()), (Some((_, cell)), None) if note(cell))
}

/// The warning for a value in no cell of `form`; `why` says why the form has no cell for it
/// when its row tells (see [`unlabelled_row`]).
fn outside_notice(form: &Form, s: &Stray, why: &str) -> Notice {
    Notice {
        severity: Severity::Warning,
        rule: "value-outside-form",
        cell: s.cell.clone(),
        message: format!(
            "{} 处有内容“{}”，但{why}{}没有对应的单元格，该数不参与任何核对；已保留，请核对是否填错位置",
            s.cell, s.text, form.table_no
        ),
    }
}

/// Why the form has no cell at (r, c), when its row says: a spare row of the form (its 行次
/// to the left names a row without label, 公开04表's 行61), or a row showing no label or code
/// at all (a spare row of a list). Empty otherwise.
fn unlabelled_row(rd: &Reader, r: u32, c: u16) -> String {
    let spare = rd
        .spare_lines
        .iter()
        .filter(|&(&(lr, lc), _)| lr == r && lc < c)
        .max_by_key(|&(&(_, lc), _)| lc);
    match spare {
        Some((_, line)) => format!("所在行（行次 {line}）是空行，没有行名，"),
        None if !shows_text(rd.sheet, r) => "所在行没有行名或科目代码，".to_string(),
        None => String::new(),
    }
}

/// The note for a text in a column of remarks the unit added: kept where it is, as any
/// value outside the form, but no defect.
fn remark_notice(form: &Form, s: &Stray) -> Notice {
    Notice {
        severity: Severity::Info,
        rule: "value-outside-form",
        cell: s.cell.clone(),
        message: format!(
            "{} 处的备注“{}”已保留；{}没有备注栏，备注不参与审核",
            s.cell, s.text, form.table_no
        ),
    }
}

/// The cells kept out of a part (a cover and a 目录 above a sheet's first form), values
/// outside the form read from it.
fn keep_outside(rec: &mut Recognized, lead: &[Stray]) {
    let listed = listed_names(lead);
    let notice = |(i, s)| match listed.contains(&i) {
        true => listed_name_notice(rec.form, s),
        false => outside_notice(rec.form, s, ""),
    };
    let notices: Vec<Notice> = lead.iter().enumerate().map(notice).collect();
    rec.notices.extend(notices);
    rec.data.strays.splice(0..0, lead.iter().cloned());
    rec.kept_apart += lead.len();
}

/// The comparison key of a cell's value (see [`Reader::text_key`]): a text's label key without
/// a column number, a number's digits; none for an empty cell or a blank text.
fn cell_key_text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Text(t) => Some(label_key(without_column_number(t))).filter(|k| !k.is_empty()),
        Cell::Number(n) => Some(decimal_text(*n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::cell_key;

    #[test]
    fn a_continuation_mark_is_a_line_above_the_table() {
        for mark in ["续表", "（续表）", "(续)", "接上页", "（接上页）", "续上表"]
        {
            assert!(is_continuation_mark(&label_key(mark)), "{mark}");
        }
        for other in ["续表说明", "继续", "收入决算表（续）", "表"] {
            assert!(!is_continuation_mark(&label_key(other)), "{other}");
        }
    }

    #[test]
    fn a_line_dating_the_table_is_no_year_it_reports_on() {
        for dated in [
            "（2024年4月编制）",
            "2024年4月10日",
            "填报日期：2024年4月",
            "2024年 4 月",
        ] {
            assert!(is_date_line(&label_key(dated)), "{dated}");
        }
        for other in [
            "2024年",
            "2024年度",
            "（2024年度）",
            "4月",
            "2024年13月",
            "2024年4月支出",
        ] {
            assert!(!is_date_line(&label_key(other)), "{other}");
        }
    }
    use crate::test_rng::Rng;

    /// Renaming a row's origins in place gives the map a rebuild gives, in order: over
    /// generated forms whose keys share prefixes (`?a`, `?a.b`), whose new keys may be taken
    /// already, renamed one row after another as names get their codes.
    #[test]
    fn origins_renamed_in_place_are_those_a_rebuild_gives() {
        let mut rng = Rng::new(0x0419_1175);
        let rows = ["?a", "?a.b", "?b", "201", "20101"];
        let cols = ["amount", "basic", "b.amount"];
        for case in 0..400 {
            let mut data = FormData::default();
            for _ in 0..rng.below(14) {
                let key = cell_key(rows[rng.below(5)], cols[rng.below(3)]);
                let place = Place::at(rng.below(50) as u32, rng.below(8) as u16);
                data.origin.insert(key, place);
            }
            let mut rebuilt = data.clone();
            let mut origins = OriginsByRow::default();
            for _ in 0..1 + rng.below(4) {
                let from = rows[rng.below(3)];
                let code = ["201", "20101", "30101"][rng.below(3)];
                rekey_row(&mut data, from, code, &mut origins);
                rename_rebuilding(&mut rebuilt, from, code);
                let pairs = |d: &FormData| d.origin.clone().into_iter().collect::<Vec<_>>();
                assert_eq!(
                    pairs(&data),
                    pairs(&rebuilt),
                    "case {case}: {from} → {code}"
                );
            }
        }
    }

    /// The title score as the alignment alone gives it, every key aligned.
    fn title_keys_of(keys: &[String]) -> Vec<TitleKey> {
        keys.iter().cloned().map(TitleKey::new).collect()
    }

    fn score_aligning_every_key(keys: &[String], text: &str) -> Option<i32> {
        keys.iter()
            .filter_map(|key| {
                let fit = title_fit(text, key);
                let len = key.chars().count() as i32;
                (fit * 4 >= len * 3).then_some(
                    fit * 4
                        + len.min(fit)
                        + super::whole_bonus(fit, len, TitleLine::new(text).words),
                )
            })
            .max()
    }

    #[test]
    fn title_fit_aligns_the_key_within_the_line() {
        let line = "一般公共预算财政拨款基本支出决算表";
        assert_eq!(
            title_fit(line, "一般公共预算财政拨款基本支出决算明细表"),
            15
        );
        assert_eq!(title_fit(line, "一般公共预算财政拨款支出决算表"), 13);
        assert_eq!(title_fit(line, "支出决算表"), 5);
    }

    /// Skipping keys whose characters the line lacks changes no score: over generated lines
    /// and keys from the forms' own title words, near misses and unrelated text.
    #[test]
    fn skipping_hopeless_keys_changes_no_title_score() {
        const WORDS: [&str; 12] = [
            "收入",
            "支出",
            "决算",
            "预算",
            "财政拨款",
            "一般公共",
            "基本",
            "项目",
            "明细",
            "表",
            "2024年",
            "单位：万元",
        ];
        let mut rng = Rng::new(0x0bad_5eed_1234_5678);
        let phrase = |rng: &mut Rng| -> String {
            (0..1 + rng.below(6))
                .map(|_| WORDS[rng.below(WORDS.len())])
                .collect()
        };
        let mut fits = 0;
        for case in 0..3000 {
            let keys: Vec<String> = (0..1 + rng.below(3)).map(|_| phrase(&mut rng)).collect();
            let text = if rng.below(2) == 0 {
                // A line holding a key, with words around it and a character dropped.
                let t = format!("{}{}{}", phrase(&mut rng), keys[0], phrase(&mut rng));
                let chars: Vec<char> = t.chars().collect();
                let cut = rng.below(chars.len());
                chars[..cut].iter().chain(&chars[cut + 1..]).collect()
            } else {
                phrase(&mut rng)
            };
            let want = score_aligning_every_key(&keys, &text);
            fits += usize::from(want.is_some());
            assert_eq!(
                title_score(&title_keys_of(&keys), &TitleLine::new(&text)),
                want,
                "case {case}: {keys:?} in {text}"
            );
        }
        assert!(fits > 500, "{fits}");
    }

    /// An empty 公开07表 whose 空表说明 stands right under its 合计 row, not opened by 注：
    /// the sentence is a note of the table (it was a value outside it, and the note missing);
    /// a figure or a second text on that row is no note.
    #[test]
    fn a_sentence_right_under_an_empty_table_is_its_note() {
        let catalog = Catalog::embedded().unwrap();
        let form = catalog.forms.iter().find(|f| f.id == "final-07").unwrap();
        let sheet = |last: &[&str]| {
            let mut rows: Vec<Vec<&str>> = vec![
                vec!["政府性基金预算财政拨款收入支出决算表"],
                vec!["部门：某中心", "", "", "", "单位：万元"],
                vec![
                    "项目",
                    "年初结转和结余",
                    "本年收入",
                    "本年支出",
                    "年末结转和结余",
                ],
                vec!["合计"],
            ];
            rows.push(last.to_vec());
            let cells = rows.into_iter().enumerate().flat_map(|(r, row)| {
                row.into_iter()
                    .enumerate()
                    .filter(|(_, t)| !t.is_empty())
                    .map(move |(c, t)| (r as u32, c as u16, Cell::Text(t.to_string())))
            });
            Sheet::from_cells("公开07表", cells.collect::<Vec<_>>(), vec![])
        };
        let note = "本单位无政府性基金预算财政拨款收支，故本表无数据。";
        let rec = recognize_sheet(form, &catalog.vocabulary, &sheet(&[note]), None);
        assert_eq!(rec.data.remarks, [note]);
        assert!(rec.data.strays.is_empty(), "{:?}", rec.data.strays);
        let rec = recognize_sheet(form, &catalog.vocabulary, &sheet(&[note, "", "12.5"]), None);
        assert!(rec.data.remarks.is_empty());
        assert_eq!(rec.data.strays.len(), 2);
    }

    /// An empty 公开07表 whose 空表说明 is written across the amount cells of its 合计 row: the
    /// table is empty and says why; any other text there is still a text where a figure belongs.
    #[test]
    fn a_note_across_an_empty_total_row_is_the_tables_note() {
        let catalog = Catalog::embedded().unwrap();
        let form = catalog.forms.iter().find(|f| f.id == "final-07").unwrap();
        let sheet = |in_total: &str| {
            let rows: [&[&str]; 4] = [
                &["政府性基金预算财政拨款收入支出决算表"],
                &["部门：某中心", "", "", "", "单位：万元"],
                &[
                    "项目",
                    "年初结转和结余",
                    "本年收入",
                    "本年支出",
                    "年末结转和结余",
                ],
                &["合计", in_total],
            ];
            let cells = rows.iter().enumerate().flat_map(|(r, row)| {
                row.iter()
                    .enumerate()
                    .map(move |(c, t)| (r as u32, c as u16, Cell::Text(t.to_string())))
            });
            Sheet::from_cells("公开07表", cells.collect::<Vec<_>>(), vec![])
        };
        let not_a_number = |rec: &Recognized| {
            rec.notices
                .iter()
                .filter(|n| n.rule == "not-a-number")
                .count()
        };
        let note = "本单位无政府性基金预算财政拨款收入支出，故本表无数据";
        let rec = recognize_sheet(form, &catalog.vocabulary, &sheet(note), None);
        assert_eq!(rec.data.remarks, [note]);
        assert!(rec.data.is_empty());
        assert_eq!(not_a_number(&rec), 0);
        // Merged across the row's amount cells, each of which shows it: still one note.
        let unmerged = sheet(note);
        let cells: Vec<(u32, u16, Cell)> = unmerged
            .cells()
            .map(|(r, c, x)| (r, c, x.clone()))
            .collect();
        let across = crate::read::Merge {
            first_row: 3,
            first_col: 1,
            last_row: 3,
            last_col: 4,
        };
        let merged = Sheet::from_cells("公开07表", cells, vec![across]);
        let rec = recognize_sheet(form, &catalog.vocabulary, &merged, None);
        assert_eq!(rec.data.remarks, [note]);
        assert_eq!(not_a_number(&rec), 0);
        for other in ["见情况说明第三部分", "无"] {
            let rec = recognize_sheet(form, &catalog.vocabulary, &sheet(other), None);
            assert!(rec.data.remarks.is_empty(), "{other}");
            assert_eq!(not_a_number(&rec), usize::from(other != "无"), "{other}");
        }
    }
}
