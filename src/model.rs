//! The values of one filled (or blank) form, by logical cell, independent of any file format.

use crate::cellref::Place;
use crate::expr::{Name, Val};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use std::collections::hash_map::Entry;

/// A hash map for the keys the program looks up for every cell (row keys, logical cells):
/// a fast hash seeded per process instead of SipHash.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A set with the same fast hash: the sheet cells recognition has read.
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// An insertion-ordered map with the same fast hash: a row's values by column, a form's
/// single cells, where each logical cell was read.
pub type FastIndexMap<K, V> = IndexMap<K, V, foldhash::fast::RandomState>;

/// Row keys the program gives, not the definition's fixed rows nor the data's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The 合计 row of a code-keyed panel, `total` in rules (`total.c1`).
    Total,
}

impl Key {
    pub const fn as_str(self) -> &'static str {
        match self {
            Key::Total => "total",
        }
    }
}

impl PartialEq<Key> for str {
    fn eq(&self, k: &Key) -> bool {
        self == k.as_str()
    }
}

impl PartialEq<Key> for String {
    fn eq(&self, k: &Key) -> bool {
        self == k.as_str()
    }
}

impl PartialEq<Key> for Name {
    fn eq(&self, k: &Key) -> bool {
        **self == *k.as_str()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A row the definition fixes (行次 rows, economic-code rows of 公开06表).
    Fixed,
    /// The 合计 row of a code-keyed panel.
    Total,
    /// A 科目 row found in the data.
    Coded,
    /// A row of a list panel (indicators, units, projects).
    List,
}

#[derive(Debug, Clone)]
pub struct RowData {
    pub panel: String,
    /// Unique in the form: the fixed row's id, `total`, the code, or `#n` for list rows.
    pub key: Name,
    pub kind: RowKind,
    pub code: Option<String>,
    /// The label or 科目名称 as found (fixed rows: as defined).
    pub label: Option<String>,
    pub line: Option<u32>,
    /// Value and text cells by column id.
    pub values: RowValues,
}

impl RowData {
    pub fn get(&self, col: &str) -> Val {
        self.value(col).cloned().unwrap_or(Val::Blank)
    }
    /// The value of column `col`, if read.
    #[inline]
    pub fn value(&self, col: &str) -> Option<&Val> {
        self.values.get(col)
    }

    /// The row as a message names it: a 科目 row by its code and name, another by its label
    /// (without the printed form's colon), with its 行次; a spacer row as 空行; its key when it
    /// has no label.
    pub fn shown_name(&self) -> String {
        // A label wrapped in its cell ("社会保障\n和就业支出") is named on one line.
        let label = self
            .label
            .as_deref()
            .map(|l| l.lines().map(str::trim).collect::<String>());
        let name = match self.kind {
            RowKind::Coded => format!(
                "{} {}",
                self.code.as_deref().unwrap_or(""),
                label.as_deref().unwrap_or("")
            )
            .trim()
            .to_string(),
            // "项目支出：" names the row 项目支出; the colon is the printed form's punctuation.
            _ => match label {
                Some(l) => l.trim_end_matches([':', '：']).to_string(),
                // A spacer row of the form (行次 9–26 of 公开01表).
                None if self.kind == RowKind::Fixed && self.line.is_some() => "空行".to_string(),
                None => self.key.to_string(),
            },
        };
        match self.line {
            Some(line) => format!("{name}（行{line}）"),
            None => name,
        }
    }
}

/// A row's values by column id, in the order they were set. A row has a handful (as many as
/// its panel has value columns), so they are kept in a list and looked along rather than
/// hashed: setting one allocates nothing beyond the list, and finding one, most often asked
/// with the very column id the value was set with, settles on its address.
#[derive(Debug, Clone, Default)]
pub struct RowValues(Vec<(Name, Val)>);

impl RowValues {
    /// Values with room for `n`.
    pub fn with_capacity(n: usize) -> Self {
        RowValues(Vec::with_capacity(n))
    }
    fn position(&self, col: &str) -> Option<usize> {
        position_of_text(&self.0, col, |(k, _)| Some(k))
    }
    /// The value of column `col`.
    #[inline]
    pub fn get(&self, col: &str) -> Option<&Val> {
        self.position(col).map(|i| &self.0[i].1)
    }
    /// Sets column `col` to `v`, where it was if it was set: the value it had.
    pub fn insert(&mut self, col: Name, v: Val) -> Option<Val> {
        match self.position(&col) {
            Some(i) => Some(std::mem::replace(&mut self.0[i].1, v)),
            None => {
                self.0.push((col, v));
                None
            }
        }
    }
    /// The value of column `col`, set to `make()` first if it has none.
    pub fn get_or_insert_with(&mut self, col: &Name, make: impl FnOnce() -> Val) -> &mut Val {
        let i = match self.position(col) {
            Some(i) => i,
            None => {
                self.0.push((col.clone(), make()));
                self.0.len() - 1
            }
        };
        &mut self.0[i].1
    }
    /// Removes column `col`, keeping the others in order: the value it had.
    pub fn shift_remove(&mut self, col: &str) -> Option<Val> {
        self.position(col).map(|i| self.0.remove(i).1)
    }
    pub fn retain(&mut self, mut keep: impl FnMut(&Name, &mut Val) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v));
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&Name, &Val)> + '_ {
        self.0.iter().map(|(k, v)| (k, v))
    }
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&Name, &mut Val)> + '_ {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }
    pub fn values(&self) -> impl Iterator<Item = &Val> + '_ {
        self.0.iter().map(|(_, v)| v)
    }
}

impl FromIterator<(Name, Val)> for RowValues {
    /// As a map collects: a column given twice keeps its first place and its last value.
    fn from_iter<I: IntoIterator<Item = (Name, Val)>>(pairs: I) -> Self {
        let mut values = RowValues::default();
        for (k, v) in pairs {
            values.insert(k, v);
        }
        values
    }
}

impl<'a> IntoIterator for &'a RowValues {
    type Item = (&'a Name, &'a Val);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Name, Val)>,
        fn(&'a (Name, Val)) -> (&'a Name, &'a Val),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

/// Whether two texts are equal, settled by their address when they are one shared text (a
/// row key or column id taken from the row or the form's definition).
#[inline]
pub fn same_text(a: &str, b: &str) -> bool {
    one_text(a, b) || a == b
}

/// Where text `text` (a column id) is among `items`, whose texts `text_of` gives: looked along
/// for that very text by its address first (ids are shared with the form's definition), then
/// by its bytes.
#[inline]
pub fn position_of_text<T>(
    items: &[T],
    text: &str,
    text_of: impl Fn(&T) -> Option<&str>,
) -> Option<usize> {
    let found = |same: fn(&str, &str) -> bool| {
        items
            .iter()
            .position(|item| text_of(item).is_some_and(|t| same(t, text)))
    };
    found(one_text).or_else(|| found(short_eq))
}

/// Whether two short texts (column ids, row keys) are equal, compared byte by byte here: a
/// call to compare memory costs more than the few bytes do.
#[inline]
fn short_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// Whether two texts are one text in memory: the same address and length.
#[inline]
pub fn one_text(a: &str, b: &str) -> bool {
    a.as_ptr() == b.as_ptr() && a.len() == b.len()
}

/// A value found where the form has no cell: kept and reported, never dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Stray {
    pub cell: Place,
    pub text: String,
}

/// A money unit a workbook may state, with what one of it is in 万元.
#[derive(Debug, Clone, PartialEq)]
pub struct MoneyUnit {
    pub name: String,
    pub in_wan: Decimal,
}

/// The unit a sheet states its amounts in when it is not 万元. The amounts of [`FormData`]
/// are always in 万元; this says how they were shown.
#[derive(Debug, Clone, PartialEq)]
pub struct StatedUnit {
    pub unit: MoneyUnit,
    /// Where the sheet says so (`A3`).
    pub cell: String,
    /// The most decimals an amount of the sheet is shown with (0 for whole 元).
    pub decimals: u32,
}

#[derive(Debug, Clone, Default)]
pub struct FormData {
    pub form_id: String,
    /// Sheet the form was read from.
    pub sheet: Option<String>,
    pub unit: Option<String>,
    /// Where the unit's name was read.
    pub unit_at: Option<Place>,
    /// Where the year was read: the title or a line of its own.
    pub year_at: Option<Place>,
    pub year: Option<String>,
    pub rows: Rows,
    pub grid: FastIndexMap<String, Val>,
    /// Statements found under the table (注, 空表说明, other remarks).
    pub remarks: Vec<String>,
    /// Where the 合计 row writes 无 for its figures: an empty table saying so in its body.
    pub marked_nothing: Option<Place>,
    pub strays: Vec<Stray>,
    /// Where each logical cell was read from (`L27.amount` → C30); a 科目 or list row's own
    /// key names the cell its row starts at.
    pub origin: FastIndexMap<String, Place>,
    /// The sheet row (zero-based) each row was read from: a row printed again is told apart.
    /// For a table continued on other sheets, the row of the sheets read one below the other.
    pub row_at: FastIndexMap<Name, u32>,
    /// Set when the sheet states its amounts in 元 or 千元 (they were converted to 万元).
    pub stated_unit: Option<StatedUnit>,
    /// The money unit the sheet names in its top lines (万元 too), with where: every table
    /// of a workbook should name the same one.
    pub money_unit_named: Option<(String, Place)>,
    /// The sheets after `sheet` the table continues on, each with the row it starts at when
    /// the sheets are read one below the other (its cells' origins are `'name'!A1`).
    pub continued: Vec<(String, u32)>,
    /// Set when `sheet` holds several copies of a repeatable form one below the other (a
    /// 项目支出绩效自评表 per project): which one this is and the rows it was read from.
    pub copy: Option<SheetCopy>,
    /// The form's amount columns the table was printed without (see
    /// [`crate::recognize::absent_columns`]): their cells hold no published figure.
    pub absent_columns: Vec<AbsentColumn>,
    /// The ids of the form's subtotal rows the table was printed without (see
    /// [`crate::recognize::absent_rows`]): their parts give them.
    pub absent_rows: Vec<String>,
    /// The parts of the form whose values the sheet prints without the header that places
    /// them (see `crate::recognize::unheaded`): their figures stay where they are, and no
    /// rule reading them is judged.
    pub unheaded: Vec<Unheaded>,
    /// The 科目 rows read without a code that no table or rule gives one (see
    /// `crate::recognize::resolve_uncoded`): kept with their values under their names; the
    /// sums they may belong to are not judged.
    pub uncoded: Vec<UncodedRow>,
}

/// A 科目 row whose code could not be read nor found: kept by its name, its values read.
#[derive(Debug, Clone, PartialEq)]
pub struct UncodedRow {
    /// The row's key ([`crate::recognize::UNCODED`] + its name key).
    pub key: Name,
    /// The name as printed.
    pub name: String,
    /// Where the row starts.
    pub at: Option<Place>,
    /// The rows (a 科目 row's key, or the total's) whose sum of children it may belong to:
    /// every place its code may have, in the order of the codes read around it.
    pub may_be_under: Vec<Name>,
}

/// A part of the form whose values could not be placed: the sheet does not print the
/// header naming its columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Unheaded {
    pub part: UnheadedPart,
    /// How the form heads it (年初预算数, 绩效指标).
    pub label: String,
}

/// Which part of the form [`Unheaded`] is.
#[derive(Debug, Clone, PartialEq)]
pub enum UnheadedPart {
    /// A grid cell, by id (`fund_start`).
    Grid(String),
    /// Every column of a panel, by id (`ind`).
    Panel(String),
}

/// An amount column of the standard form that a table was printed without.
#[derive(Debug, Clone, PartialEq)]
pub struct AbsentColumn {
    /// The panel of the definition the column belongs to.
    pub panel: String,
    pub col: Name,
    /// How the form heads it (项目支出), with its 栏次 where the form numbers its columns.
    pub label: String,
    pub no: Option<String>,
    /// Where the table shows the column before it (or after it, for a first column) in its
    /// first row: where the missing column belongs.
    pub near: Option<Place>,
    /// Numbers were left outside the form in the rows the column's panel was read from: the
    /// column is perhaps there, under a header not known for it.
    pub unread: bool,
}

/// One of several copies of a form printed one below the other in one sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetCopy {
    /// 1 for the topmost copy, 2 for the next, …
    pub n: u32,
    /// The rows of the sheet the copy was read from (0-based, inclusive).
    pub first_row: u32,
    pub last_row: u32,
}

impl SheetCopy {
    /// Whether a finding at `cell` (A1 of the copy's sheet) is about this copy: its row lies in
    /// the copy's rows; a finding at no cell is the first copy's.
    pub fn holds(&self, cell: Option<&str>) -> bool {
        match cell.and_then(crate::cellref::parse_a1) {
            Some((r, _)) => (self.first_row..=self.last_row).contains(&r),
            None => self.n == 1,
        }
    }

    /// How people tell the copy from the others of its sheet: "第2张，第30–55行".
    pub fn name(&self) -> String {
        format!(
            "第{}张，第{}–{}行",
            self.n,
            self.first_row + 1,
            self.last_row + 1
        )
    }
}

/// Half of the last digit a table in 万元 shows (two decimals): the 尾差 of one rounded term.
const HALF_CENT_OF_WAN: Decimal = Decimal::from_parts(5, 0, 0, false, 3);

impl FormData {
    /// The 尾差 one rounded amount may carry, in 万元: half of the last digit the sheet shows,
    /// in the unit it shows (0.005 万元; 0.005 元 for a table in 元 with two decimals, 0.5 元
    /// for one in whole 元).
    pub fn rounding_per_term(&self) -> Decimal {
        match &self.stated_unit {
            None => HALF_CENT_OF_WAN,
            Some(s) => Decimal::new(5, s.decimals + 1) * s.unit.in_wan,
        }
    }

    pub fn row(&self, key: &str) -> Option<&RowData> {
        self.rows.by_key(key)
    }
    /// Whether row `key`, whose parent code `parent` the table lacks, may be under a 科目 row
    /// read without a code: the row above its run of rows under `parent` is one.
    pub fn may_follow_uncoded(&self, key: &str, parent: &str) -> bool {
        let Some(pos) = self.rows.position(key) else {
            return false;
        };
        let under = |r: &&RowData| r.code.as_deref().is_some_and(|c| c.starts_with(parent));
        self.rows[..pos]
            .iter()
            .rev()
            .find(|r| !under(r))
            .is_some_and(|r| self.uncoded.iter().any(|u| u.key == r.key))
    }
    pub fn row_mut(&mut self, key: &str) -> Option<&mut RowData> {
        self.rows.by_key_mut(key)
    }
    /// Set the value of logical cell `col` of row `row` (no `col`: grid cell `row`); a blank
    /// value removes it. A row the form lacks is left alone.
    pub fn set(&mut self, row: &str, col: Option<&Name>, v: Val) {
        let Some(col) = col else {
            if v == Val::Blank {
                self.grid.shift_remove(row);
            } else {
                self.grid.insert(row.to_string(), v);
            }
            return;
        };
        if let Some(data) = self.row_mut(row) {
            if v == Val::Blank {
                data.values.shift_remove(col);
            } else {
                data.values.insert(col.clone(), v);
            }
        }
    }
    /// True when no value cell holds a number other than zero or any text.
    pub fn is_empty(&self) -> bool {
        let busy = |v: &Val| match v {
            Val::Num(d) => !d.is_zero(),
            Val::Text(t) => !t.trim().is_empty(),
            _ => false,
        };
        !self.rows.iter().any(|r| r.values.values().any(busy)) && !self.grid.values().any(busy)
    }
}

/// A form's rows in reading order, found by key at once (a department's 公开02表 has thousands
/// of 科目 rows, and every value cell is looked up by its row's key). Read it as a slice; change
/// it through its methods, which keep the index, and never change a row's `key` in place
/// ([`Rows::rekey`] does).
#[derive(Debug, Clone, Default)]
pub struct Rows {
    list: Vec<RowData>,
    /// Key → position of the first row with that key.
    at: FastMap<Name, usize>,
    /// Keys that may be held by more than one row (every key that is, perhaps a few that no
    /// longer are): a key not here is its row's alone, so renaming that row needs no search
    /// for another row with the key.
    shared: FastSet<Name>,
}

impl Rows {
    pub fn push(&mut self, row: RowData) {
        let at = self.list.len();
        self.index_first(&row.key, at);
        self.list.push(row);
    }

    /// Records that a row keyed `key` is at `at`: its key's first row unless one before it
    /// has the key.
    fn index_first(&mut self, key: &Name, at: usize) {
        match self.at.entry(key.clone()) {
            Entry::Occupied(mut first) => {
                self.shared.insert(key.clone());
                let first = first.get_mut();
                *first = (*first).min(at);
            }
            Entry::Vacant(none) => {
                none.insert(at);
            }
        }
    }

    /// Puts `row` at `index`, the rows from there on moving down one.
    pub fn insert(&mut self, index: usize, row: RowData) {
        // Shifting the positions keeps the index without hashing every key again (a merge
        // inserts rows one by one into lists of thousands).
        for at in self.at.values_mut().filter(|at| **at >= index) {
            *at += 1;
        }
        self.index_first(&row.key, index);
        self.list.insert(index, row);
    }

    /// Removes and returns the row at `index`.
    pub fn remove(&mut self, index: usize) -> RowData {
        let row = self.list.remove(index);
        self.reindex();
        row
    }

    /// The first row with `key`.
    pub fn by_key(&self, key: &str) -> Option<&RowData> {
        self.at.get(key).map(|&i| &self.list[i])
    }

    pub fn by_key_mut(&mut self, key: &str) -> Option<&mut RowData> {
        self.at.get(key).map(|&i| &mut self.list[i])
    }

    /// The row at `index` (see [`Rows::position`]), to change.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut RowData> {
        self.list.get_mut(index)
    }

    /// Where the first row with `key` is.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.at.get(key).copied()
    }

    /// Gives the first row keyed `from` the key `to`.
    pub fn rekey(&mut self, from: &str, to: &str) -> Option<&mut RowData> {
        let i = self.position(from)?;
        let to = Name::from(to);
        self.list[i].key = to.clone();
        // Only two keys' first rows can change (a table of thousands of names is rekeyed row
        // by row, so the index is not rebuilt, nor the rows after searched unless another may
        // hold the key): `from`'s is now the next row keyed so, if any, and `to`'s this row,
        // unless one before it has that key.
        let next = if self.shared.contains(from) {
            self.list[i + 1..].iter().position(|r| *r.key == *from)
        } else {
            None
        };
        match next {
            Some(next) => {
                if let Some(first) = self.at.get_mut(from) {
                    *first = i + 1 + next;
                }
            }
            None => {
                self.at.remove(from);
            }
        }
        self.index_first(&to, i);
        Some(&mut self.list[i])
    }

    /// Removes and returns the rows from `at` on, in order.
    pub fn split_off(&mut self, at: usize) -> Vec<RowData> {
        let tail = self.list.split_off(at);
        self.reindex();
        tail
    }

    /// Puts the rows in the order of `order`, positions of the rows as they are now, each
    /// once.
    pub fn reorder(&mut self, order: &[usize]) {
        debug_assert_eq!(order.len(), self.list.len());
        let mut rows: Vec<Option<RowData>> = std::mem::take(&mut self.list)
            .into_iter()
            .map(Some)
            .collect();
        self.list = order
            .iter()
            .map(|&i| rows[i].take().expect("each row once"))
            .collect();
        self.reindex();
    }

    /// Keeps only the rows `keep` says yes to.
    pub fn retain(&mut self, keep: impl FnMut(&RowData) -> bool) {
        self.list.retain(keep);
        self.reindex();
    }

    /// Every row, to change values (not keys: see [`Rows::rekey`]).
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, RowData> {
        self.list.iter_mut()
    }

    fn reindex(&mut self) {
        self.at.clear();
        self.shared.clear();
        for i in 0..self.list.len() {
            let key = self.list[i].key.clone();
            self.index_first(&key, i);
        }
    }
}

impl std::ops::Deref for Rows {
    type Target = [RowData];
    fn deref(&self) -> &[RowData] {
        &self.list
    }
}

impl FromIterator<RowData> for Rows {
    fn from_iter<I: IntoIterator<Item = RowData>>(rows: I) -> Rows {
        let mut all = Rows::default();
        rows.into_iter().for_each(|r| all.push(r));
        all
    }
}

impl<'a> IntoIterator for &'a Rows {
    type Item = &'a RowData;
    type IntoIter = std::slice::Iter<'a, RowData>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, panel: &str) -> RowData {
        RowData {
            panel: panel.into(),
            key: key.into(),
            kind: RowKind::Coded,
            code: Some(key.into()),
            label: None,
            line: None,
            values: Default::default(),
        }
    }

    #[test]
    fn a_row_is_named_on_one_line_by_its_code_name_or_label_and_line() {
        let mut coded = row("2080505", "main");
        coded.label = Some("机关事业单位基本养老\n保险缴费支出".into());
        assert_eq!(
            coded.shown_name(),
            "2080505 机关事业单位基本养老保险缴费支出"
        );
        let mut fixed = row("L39", "expenditure");
        fixed.kind = RowKind::Fixed;
        fixed.code = None;
        fixed.label = Some(" 项目支出：".into());
        fixed.line = Some(39);
        assert_eq!(fixed.shown_name(), "项目支出（行39）");
        fixed.label = None;
        assert_eq!(fixed.shown_name(), "空行（行39）");
        fixed.line = None;
        assert_eq!(fixed.shown_name(), "L39");
    }

    /// A row's values behave as an ordered map (IndexMap's insert and shift_remove) under
    /// random changes, and a value is found whether the column id asked with is the shared
    /// text it was set with or a copy of it: checked against a plain list of (text, value).
    #[test]
    fn row_values_are_an_ordered_map_found_by_shared_id_or_copy() {
        let mut rng = crate::test_rng::Rng::new(0x2545_f491_4f6c_dd1d);
        for case in 0..500 {
            // Ids of one length (c10..c29) and of others: the comparison is not settled by it.
            let ids: Vec<Name> = (0..1 + rng.below(24))
                .map(|i| Name::from(format!("c{}", [i + 10, i][i % 2])))
                .collect();
            let mut r = row("2010101", "p");
            let mut model: Vec<(String, Val)> = Vec::new();
            for step in 0..rng.below(40) {
                let id = &ids[rng.below(ids.len())];
                let asked: Name = match rng.below(2) {
                    0 => id.clone(),
                    _ => Name::from(id.to_string()),
                };
                let at = model.iter().position(|(k, _)| **k == **id);
                match rng.below(4) {
                    0 => {
                        let gone = r.values.shift_remove(&asked);
                        assert_eq!(gone, at.map(|i| model.remove(i).1), "case {case}.{step}");
                    }
                    1 => {
                        let v = r.values.get_or_insert_with(&asked, || Val::Blank);
                        match at {
                            Some(i) => assert_eq!(*v, model[i].1, "case {case}.{step}"),
                            None => model.push((id.to_string(), Val::Blank)),
                        }
                    }
                    _ => {
                        let v = Val::Num(Decimal::from(step));
                        let old = r.values.insert(asked, v.clone());
                        match at {
                            Some(i) => {
                                assert_eq!(old, Some(std::mem::replace(&mut model[i].1, v)))
                            }
                            None => {
                                assert_eq!(old, None);
                                model.push((id.to_string(), v));
                            }
                        }
                    }
                }
            }
            let listed: Vec<(String, Val)> = r
                .values
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect();
            assert_eq!(listed, model, "case {case}: order and values");
            for id in &ids {
                let expected = model.iter().find(|(k, _)| **k == **id).map(|(_, v)| v);
                assert_eq!(r.value(id), expected, "case {case}, shared {id}");
                let copy: String = id.to_string();
                assert_eq!(r.value(&copy), expected, "case {case}, copy {id}");
            }
            assert_eq!(r.value("absent"), None);
            assert_eq!(r.values.len(), model.len());
        }
    }

    #[test]
    fn rows_are_found_by_key_after_every_change() {
        let mut rows: Rows = ["201", "20101", "?工资", "201"]
            .iter()
            .map(|k| row(k, "main"))
            .collect();
        assert_eq!(rows.position("201"), Some(0), "the first of two alike keys");
        assert_eq!(rows.by_key("?工资").map(|r| &*r.key), Some("?工资"));
        rows.rekey("?工资", "30101").unwrap().code = Some("30101".into());
        assert!(rows.by_key("?工资").is_none());
        assert_eq!(rows.position("30101"), Some(2));
        assert_eq!(&*rows.remove(0).key, "201");
        assert_eq!(rows.position("201"), Some(2), "the second one now");
        assert_eq!(rows.position("30101"), Some(1));
        rows.push(row("other", "side"));
        rows.retain(|r| r.panel == "side" || &*r.key != "20101");
        let keys: Vec<&str> = rows.iter().map(|r| &*r.key).collect();
        assert_eq!(keys, ["30101", "201", "other"]);
        assert_eq!(rows.position("other"), Some(2));
        assert!(rows.by_key("20101").is_none());
    }

    /// Rekeying keeps the index of every key on its first row, over generated tables of few
    /// keys (many alike) rekeyed at random, to a key of their own, another's or a new one,
    /// with rows pushed, inserted, removed and dropped in between.
    #[test]
    fn a_rekey_finds_every_key_where_a_scan_does() {
        let mut rng = crate::test_rng::Rng::new(0x0dd_5eed_1234);
        let pool = ["?a", "?b", "201", "20101", "?a.b", "30101"];
        for case in 0..1000 {
            let n = 1 + rng.below(12);
            let mut rows: Rows = (0..n).map(|_| row(pool[rng.below(6)], "main")).collect();
            for _ in 0..1 + rng.below(10) {
                // Renames mostly, between the other changes that keep the index.
                match rng.below(8) {
                    0 => rows.push(row(pool[rng.below(6)], "main")),
                    1 => rows.insert(rng.below(rows.len() + 1), row(pool[rng.below(6)], "main")),
                    2 if !rows.is_empty() => {
                        rows.remove(rng.below(rows.len()));
                    }
                    3 => {
                        let drop = pool[rng.below(6)];
                        rows.retain(|r| *r.key != *drop);
                    }
                    _ => {
                        let (from, to) = (pool[rng.below(6)], pool[rng.below(6)]);
                        let first = rows.iter().position(|r| *r.key == *from);
                        let rekeyed = rows.rekey(from, to).map(|_| ());
                        assert_eq!(rekeyed.is_some(), first.is_some(), "case {case}");
                    }
                }
                for key in pool {
                    let scanned = rows.iter().position(|r| *r.key == *key);
                    assert_eq!(rows.position(key), scanned, "case {case}: {key}");
                }
            }
        }
    }
}
