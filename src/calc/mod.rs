//! Recomputes every derived cell of a workbook's forms in exact Decimal.
//!
//! In `Check` mode a filled derived value that agrees with the recomputation within the
//! rounding tolerance (尾差) is kept for what depends on it, so one rounded total does not
//! ripple into a dozen findings; so is the filled value of a rule that only warns (a score
//! the clerk judged: the totals add what is printed), and a total whose parts were all left
//! blank (`blank_parts`). In `Fix` mode every derived cell takes its recomputed value, except a
//! total whose parts are all blank (kept: it is the only information) and a filled amount
//! within 尾差 of it: a published total is the rounded total of unrounded parts,
//! and replacing it by the sum of rounded parts would break the agreement with the other
//! tables (the writer keeps it with the difference as an explicit term).

mod bind;
mod repeat;

pub use bind::{BindError, Index, Instance, Scope};
pub use repeat::{compared, RowRepeat};

use crate::expr::{round_dp, Bound, CellId, Env, Name, Val};
use crate::form::{ColKind, Form, GridCellDef, Rule};
use crate::model::{one_text, same_text, FastMap, FormData, Key, RowData, RowKind};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

/// The forms of one workbook with their values.
pub struct Book<'a> {
    pub forms: Vec<(&'a Form, FormData)>,
    pub index: Vec<Index>,
    /// The row the index last found, form and position packed (see [`found_at`]): the cells
    /// read one after another (a row's sum, a written row, a rule's inputs) mostly lie in one
    /// row. Atomic only so that a book can be read from several threads (a prior year's).
    last_found: AtomicU64,
}

impl<'a> Book<'a> {
    pub fn new(forms: Vec<(&'a Form, FormData)>) -> Book<'a> {
        let index = forms.iter().map(|(f, d)| Index::new(f, d)).collect();
        Book {
            forms,
            index,
            last_found: AtomicU64::new(u64::MAX),
        }
    }
    /// The 尾差 of one rounded term among `cells`: of their tables, the coarsest one's
    /// (a table in 万元 beside one in 元 rounds at 0.005 万元).
    pub fn rounding_per_term(&self, cells: &[CellId]) -> Decimal {
        // Each run of cells of one form asks its form once, without a list made for it.
        let mut last = None;
        (cells.iter().map(|c| c.form))
            .filter(|&f| last.replace(f) != Some(f))
            .filter_map(|f| self.forms.get(f))
            .map(|(_, d)| d.rounding_per_term())
            .max()
            .unwrap_or(Decimal::new(5, 3))
    }
    pub fn form_index(&self, id: &str) -> Option<usize> {
        self.forms.iter().position(|(f, _)| f.id == id)
    }
    /// The value as filled in the workbook.
    pub fn input(&self, c: &CellId) -> Val {
        self.input_ref(c).clone()
    }
    /// [`Book::input`] without a copy, for a reader that only looks at it.
    pub fn input_ref(&self, c: &CellId) -> &Val {
        static BLANK: Val = Val::Blank;
        let Some(col) = c.column() else {
            let data = &self.forms[c.form].1;
            return data.grid.get(&*c.row).unwrap_or(&BLANK);
        };
        self.row(c.form, &c.row)
            .and_then(|r| r.value(col))
            .unwrap_or(&BLANK)
    }
    /// Row `key` of form `fi`, found through the index built with the book (every cell read
    /// of an evaluation goes through here, so no scan of the form's rows); rows added to the
    /// data after the book was built are still found by a scan.
    /// Whether `c` lies in a column its table was printed without (see
    /// [`FormData::absent_columns`]).
    pub fn is_absent(&self, c: &CellId) -> bool {
        let absent = &self.forms[c.form].1.absent_columns;
        if absent.is_empty() {
            return false;
        }
        let (Some(col), Some(row)) = (c.column(), self.row(c.form, &c.row)) else {
            return false;
        };
        absent
            .iter()
            .any(|a| *a.col == *col && a.panel == row.panel)
    }
    /// Whether `c` lies in a subtotal row its table was printed without (see
    /// [`FormData::absent_rows`]): what its parts add to, unlike a cell left blank.
    pub fn in_absent_row(&self, c: &CellId) -> bool {
        let rows = &self.forms[c.form].1.absent_rows;
        rows.iter().any(|id| **id == *c.row)
    }
    /// The columns `bound` reads that their tables were printed without:
    /// "公开03表 缺少“项目支出”列" (未读到 where its figures may be there, unread).
    pub fn absent_named(&self, bound: &Bound) -> String {
        let mut cells = Vec::new();
        bound.cells(&mut cells);
        let mut named: Vec<String> = Vec::new();
        for c in cells.iter().filter(|c| self.is_absent(c)) {
            let (form, data) = &self.forms[c.form];
            let column = data
                .absent_columns
                .iter()
                .find(|a| Some(&*a.col) == c.column());
            let said = match column.is_some_and(|a| a.unread) {
                true => "未读到",
                false => "缺少",
            };
            let text = format!(
                "{} {said}“{}”列",
                form.table_no,
                column.map_or("", |a| a.label.as_str())
            );
            if !named.contains(&text) {
                named.push(text);
            }
        }
        named.join("、")
    }
    /// Whether `bound` reads a cell of a column its table was printed without.
    pub fn reads_absent(&self, bound: &Bound) -> bool {
        if self.forms.iter().all(|(_, d)| d.absent_columns.is_empty()) {
            return false;
        }
        let mut reads = Vec::new();
        bound.cells(&mut reads);
        reads.iter().any(|c| self.is_absent(c))
    }
    pub fn row(&self, fi: usize, key: &str) -> Option<&RowData> {
        let data = &self.forms[fi].1;
        // The row found last, when `key` is its very key (the same text in memory): what the
        // index gave for that key then, without hashing it again.
        let last = self.last_found.load(Ordering::Relaxed);
        if let Some(r) = position_in(last, fi)
            .and_then(|i| data.rows.get(i))
            .filter(|r| one_text(&r.key, key))
        {
            return Some(r);
        }
        let holds = |i: &usize, same: fn(&str, &str) -> bool| {
            data.rows.get(*i).is_some_and(|r| same(&r.key, key))
        };
        let ix = &self.index[fi];
        let indexed = (ix.row_at(key).filter(|i| holds(i, one_text)))
            .or_else(|| ix.row_pos(key).filter(|i| holds(i, same_text)));
        match indexed {
            Some(i) => {
                self.last_found.store(found_at(fi, i), Ordering::Relaxed);
                data.rows.get(i)
            }
            None => data.row(key),
        }
    }
    /// Kind of the column (or grid cell) a logical cell belongs to.
    pub fn kind(&self, c: &CellId) -> ColKind {
        let form = self.forms[c.form].0;
        let Some(col) = c.column() else {
            return form.grid_kind(&c.row).unwrap_or(ColKind::Amount);
        };
        let panel = form
            .fixed_row(&c.row)
            .map(|(p, _)| p)
            .or_else(|| self.row(c.form, &c.row).and_then(|r| form.panel(&r.panel)));
        panel
            .and_then(|p| p.column(col))
            .map_or(ColKind::Amount, |col| col.kind)
    }
    /// Human label of a logical cell: "本年收入合计", "2010450 事业运行 · 本年收入合计".
    pub fn describe(&self, c: &CellId) -> String {
        let form = self.forms[c.form].0;
        let Some(col) = c.column() else {
            return grid_label(form, &c.row).unwrap_or_else(|| c.row.to_string());
        };
        let row = self.row(c.form, &c.row);
        let row_label = match row {
            // The group's text on one line: "产出指标\n（50分）" is named 产出指标（50分）.
            Some(r) if self.group_level(c) => {
                let group = match r.get(&self.group_column(c).unwrap_or_default()) {
                    Val::Text(t) => t.split_whitespace().collect::<String>(),
                    other => crate::form::show(ColKind::Text, &other),
                };
                match r.line {
                    Some(line) => format!("{group}（行{line}）"),
                    None => group,
                }
            }
            Some(r) => r.shown_name(),
            None => c.row.to_string(),
        };
        let panel = row.and_then(|r| form.panel(&r.panel));
        let multi = panel.is_some_and(|p| p.value_columns().count() > 1);
        match panel.and_then(|p| p.column(col)) {
            Some(col) if multi => {
                let name = col.label.clone().unwrap_or_else(|| col.id.to_string());
                format!("{row_label}·{name}")
            }
            _ => row_label,
        }
    }
}

impl Book<'_> {
    /// The `group_by` column of the list a cell's row belongs to.
    fn group_column(&self, c: &CellId) -> Option<String> {
        let form = self.forms[c.form].0;
        let row = self.row(c.form, &c.row)?;
        form.panel(&row.panel)?.list.as_ref()?.group_by.clone()
    }

    /// A cell that speaks for its whole list group: the group's own column, or a column
    /// filled on the group's first row only (资金总额 merged down the group). Its row is named
    /// by the group ("长株潭一体化发展宣传经费"), not by the first indicator; an empty cell of
    /// the first row (a missing 偏差原因) is that indicator's.
    fn group_level(&self, c: &CellId) -> bool {
        let Some(col) = self.group_column(c) else {
            return false;
        };
        let ix = &self.index[c.form];
        let Some(members) = ix.groups.get(&*c.row) else {
            return false;
        };
        if self
            .row(c.form, &c.row)
            .is_none_or(|r| r.get(&col).is_blank())
        {
            return false;
        }
        let Some(own) = c.column() else {
            return false;
        };
        own == col
            || members.len() > 1
                && self
                    .row(c.form, &c.row)
                    .is_some_and(|r| !r.get(own).is_blank())
                && members[1..]
                    .iter()
                    .all(|k| self.row(c.form, k).is_none_or(|r| r.get(own).is_blank()))
    }
}

fn grid_label(form: &Form, id: &str) -> Option<String> {
    for b in &form.blocks {
        for row in b.grid.iter().chain(b.footer.iter()) {
            let mut last_text: Option<&str> = None;
            for c in row {
                match c {
                    GridCellDef::Text(t) => last_text = Some(t),
                    GridCellDef::Cell {
                        id: Some(i),
                        aliases,
                        ..
                    } if i == id => {
                        return aliases
                            .first()
                            .map(String::as_str)
                            .or(last_text)
                            .map(str::to_string)
                    }
                    GridCellDef::Cell { text: Some(t), .. } => last_text = Some(t),
                    _ => {}
                }
            }
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    Fix,
}

/// How a filled value compares with the value a rule gives.
#[derive(Debug, Clone, PartialEq)]
pub enum Agreement {
    Exact,
    /// Within the rounding tolerance of n rounded terms.
    Tail {
        diff: Decimal,
        tolerance: Decimal,
    },
    /// Filled while every cell the rule reads is blank: the breakdown is missing, the value
    /// cannot be checked (rules with `blank_parts`).
    PartsBlank,
    /// Differs while the rule reads a column the table was printed without: the difference
    /// may be that column's figures, the value cannot be checked.
    PartsAbsent,
    /// Differs because one part repeats the total: `part` holds the filled total while the
    /// other parts (`rest`) add up to it, its row repeating the total's row (see
    /// [`RowRepeat`]). The part is the likely error, so the total is kept for what depends on it.
    PartRepeats {
        part: CellId,
        rest: Decimal,
    },
    /// Differs because the rule reads a `part` that repeats its parent's `total` (see
    /// [`RowRepeat`]), and agrees when that part is read as 0 (its row's 合计 over the doubled
    /// 项目支出): kept as filled, so that the doubled figure does not flow on.
    ReadsRepeated {
        part: CellId,
        total: CellId,
    },
    Differs,
}

/// Compare at the precision the kind is shown with; amounts get the 尾差 tolerance
/// `per_term` × (n + 1) for n rounded terms (0.005 万元 for a table shown in 万元 with two
/// decimals: [`FormData::rounding_per_term`]).
pub fn agree(
    kind: ColKind,
    filled: &Val,
    expected: &Val,
    terms: usize,
    per_term: Decimal,
) -> Agreement {
    let zeroish = |v: &Val| v.is_blank() || matches!(v, Val::Num(d) if d.is_zero());
    match (filled, expected) {
        (f, e) if zeroish(f) && zeroish(e) => return Agreement::Exact,
        (Val::Text(a), Val::Text(b)) => {
            return if a.trim() == b.trim() {
                Agreement::Exact
            } else {
                Agreement::Differs
            }
        }
        (Val::Num(_), Val::Num(_)) => {}
        _ => return Agreement::Differs,
    }
    let (f, e) = (filled.num(), expected.num());
    match kind {
        ColKind::Amount => {
            let diff = (f - e).abs();
            let tolerance = per_term * Decimal::from(terms as u64 + 1);
            if diff.is_zero() {
                Agreement::Exact
            } else if diff <= tolerance {
                Agreement::Tail { diff, tolerance }
            } else {
                Agreement::Differs
            }
        }
        ColKind::Rate | ColKind::Score | ColKind::Number => {
            // A value stored with more digits than shown (a formula's cached 0.796843454005513)
            // is compared at six decimals, like a typed one at its own precision.
            let dp = f.normalize().scale().min(6);
            if round_dp(e, dp) == round_dp(f, dp).normalize() || f == e {
                Agreement::Exact
            } else {
                Agreement::Differs
            }
        }
        _ => {
            if f == e {
                Agreement::Exact
            } else {
                Agreement::Differs
            }
        }
    }
}

/// One derived cell after recomputation.
#[derive(Debug, Clone)]
pub struct Derived {
    pub cell: CellId,
    /// The rule's id and name, shared by every cell it derives.
    pub rule_id: Name,
    pub rule_name: Name,
    pub bound: Bound,
    pub expected: Val,
    pub filled: Val,
    pub agreement: Agreement,
    /// The value used downstream: `expected`, or `filled` where the mode keeps it (a filled
    /// value within tolerance in Check mode, a published amount within 尾差 in Fix mode).
    pub resolved: Val,
}

#[derive(Debug, Default)]
pub struct Calc {
    pub derived: IndexMap<CellId, Derived, foldhash::fast::RandomState>,
    /// Rules that could not be bound (a form they read is absent, …): (form index, rule, why).
    pub unbound: Vec<(usize, String, BindError)>,
    /// The part rows read as repeating their parent rows.
    pub repeats: Vec<RowRepeat>,
}

struct Evaluator<'b, 'a> {
    book: &'b Book<'a>,
    /// Every derived cell and where its evaluation stands (one lookup tells a cell read as
    /// filled from one to evaluate or already evaluated).
    derived: RefCell<FastMap<CellId, Slot<'b>>>,
    mode: Mode,
    out: RefCell<IndexMap<CellId, Derived, foldhash::fast::RandomState>>,
    /// Totals in doubt (filled above the sum of parts some of which are blank; see
    /// `blank_parts_may_explain`), resolved as filled, with the sum of their parts: what
    /// depends on one agrees if it agrees with either reading.
    other_reading: RefCell<FastMap<CellId, Val>>,
    /// The part rows that repeat their parent rows, decided or known.
    repeats: repeat::Repeats,
}

/// The evaluator reading each total in doubt as the sum of its parts rather than as filled.
struct OtherReading<'e, 'b, 'a>(&'e Evaluator<'b, 'a>);

impl Env for OtherReading<'_, '_, '_> {
    fn value(&self, c: &CellId) -> Val {
        let other = self.0.other_reading.borrow().get(c).cloned();
        other.unwrap_or_else(|| self.0.value(c))
    }
    fn top_level_sum(&self, form: usize, panel: &str, col: &str) -> Decimal {
        self.0.top_level_sum(form, panel, col)
    }
}

/// Where the evaluation of a derived cell stands.
enum Slot<'b> {
    /// Not evaluated yet: its definition.
    Pending(Bound, &'b Rule),
    /// Being evaluated: reached again before it ends, it is a cycle.
    Started,
    /// Evaluated: the value it resolved to.
    Done(Val),
}

impl<'b> Slot<'b> {
    /// The definition of a pending cell, marking it started; None for a started cell.
    fn start(&mut self) -> Option<(Bound, &'b Rule)> {
        match std::mem::replace(self, Slot::Started) {
            Slot::Pending(bound, rule) => Some((bound, rule)),
            other => {
                *self = other;
                None
            }
        }
    }
}

impl Evaluator<'_, '_> {
    /// Whether `bound` reads a total in doubt (see `other_reading`).
    fn reads_total_in_doubt(&self, bound: &Bound) -> bool {
        let doubts = self.other_reading.borrow();
        if doubts.is_empty() {
            return false;
        }
        let mut reads = Vec::new();
        bound.cells(&mut reads);
        reads.iter().any(|r| doubts.contains_key(r))
    }
}

impl Env for Evaluator<'_, '_> {
    fn value(&self, c: &CellId) -> Val {
        let definition = match self.derived.borrow_mut().get_mut(c) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(slot) => slot.start(),
            None => None,
        };
        // Not derived, or a cycle the compiler could not see (data-dependent): the filled value.
        let Some((bound, rule)) = definition else {
            return self.book.input(c);
        };
        let mut expected = bound.eval(self);
        let kind = self.book.kind(c);
        if kind == ColKind::Amount {
            if let Val::Num(d) = expected {
                expected = Val::Num(round_dp(d, 10));
            }
        }
        let filled = self.book.input(c);
        let terms = bound.term_count_in(self).max(1);
        let per_term = self.book.rounding_per_term(std::slice::from_ref(c));
        let mut agreement = agree(kind, &filled, &expected, terms, per_term);
        if let (Some(t), Val::Num(f), Val::Num(e)) = (rule.tolerance, &filled, &expected) {
            if (*f - *e).abs() <= t {
                agreement = Agreement::Exact;
            }
        }
        if agreement == Agreement::Differs && self.reads_total_in_doubt(&bound) {
            let other = bound.eval(&OtherReading(self));
            let under_other = agree(kind, &filled, &other, terms, per_term);
            if under_other != Agreement::Differs {
                agreement = under_other;
            }
        }
        // Whether each part the total reads was left blank: asked only of a total that differs.
        let parts_blank = || {
            let mut reads = Vec::new();
            bound.cells(&mut reads);
            reads
                .iter()
                .map(|r| self.value(r).is_blank())
                .collect::<Vec<_>>()
        };
        // A total over parts nobody filled in (附件3's 其中 rows left blank under a filled
        // 年度资金总额) has nothing to be recomputed from: its filled value is the only
        // information, and what depends on it (执行率, its score) is judged against that. A rule
        // with `blank_parts` reports it at that severity rather than as a wrong total.
        let nothing_to_compute_from = || {
            let blank = parts_blank();
            !blank.is_empty() && blank.iter().all(|&b| b)
        };
        // A total above the sum of its parts where some part was left blank (附件3's 当年财政
        // 拨款 row empty): the blank may be what is missing, or the total may be mistyped. The
        // total is reported as differing; what depends on it (执行率, its score) agrees if it
        // agrees with either, the total as filled or the sum (see `other_reading`).
        let blank_parts_may_explain = || {
            rule.blank_parts.is_some()
                && matches!((&filled, &expected), (Val::Num(f), Val::Num(e)) if f > e)
                && parts_blank().contains(&true)
        };
        if agreement == Agreement::Differs
            && rule.blank_parts.is_some()
            && !filled.is_blank()
            && nothing_to_compute_from()
        {
            agreement = Agreement::PartsBlank;
        }
        // A column or subtotal row the table was printed without: a total in it was not
        // published, so there is nothing to judge (its parts give it); a total beside an
        // absent column cannot be judged.
        let unprinted = || self.book.is_absent(c) || self.book.in_absent_row(c);
        if agreement == Agreement::Differs && filled.is_blank() && unprinted() {
            agreement = Agreement::Exact;
        } else if agreement == Agreement::Differs
            && !filled.is_blank()
            && self.book.reads_absent(&bound)
        {
            agreement = Agreement::PartsAbsent;
        }
        if agreement == Agreement::Differs && kind == ColKind::Amount {
            let repeat = self.repeat_agreement(c, &bound, &filled, per_term);
            agreement = repeat.unwrap_or(agreement);
        }
        let in_doubt = agreement == Agreement::Differs && blank_parts_may_explain();
        let keep_filled = match &agreement {
            Agreement::Exact
            | Agreement::Tail { .. }
            | Agreement::PartsBlank
            | Agreement::PartsAbsent
            | Agreement::PartRepeats { .. }
            | Agreement::ReadsRepeated { .. } => true,
            // A rule that only warns (a score the clerk judged): totals add what is printed.
            Agreement::Differs => {
                rule.severity != crate::form::Severity::Error
                    || nothing_to_compute_from()
                    || in_doubt
            }
        };
        // Fix keeps a published amount within 尾差, and a total whose parts nobody filled in:
        // wiping 186.99 to 0 because its breakdown is blank would ruin 执行率 and the scores.
        // …and a rate or score that is right at the precision it is shown with (8 for 7.97):
        // the writer rounds the formula to that precision, so 总分 still adds what is printed.
        let shown_precision = agreement == Agreement::Exact
            && matches!(kind, ColKind::Rate | ColKind::Score)
            && matches!((&filled, &expected), (Val::Num(f), Val::Num(e)) if f != e);
        let fix_keeps_tail = (matches!(agreement, Agreement::Tail { .. })
            && kind == ColKind::Amount)
            || matches!(
                agreement,
                Agreement::PartsBlank
                    | Agreement::PartsAbsent
                    | Agreement::PartRepeats { .. }
                    | Agreement::ReadsRepeated { .. }
            )
            || shown_precision;
        let resolved = if (self.mode == Mode::Check && keep_filled && !filled.is_blank())
            || (self.mode == Mode::Fix && fix_keeps_tail)
        {
            filled.clone()
        } else {
            expected.clone()
        };
        if let Some(slot) = self.derived.borrow_mut().get_mut(c) {
            *slot = Slot::Done(resolved.clone());
        }
        if in_doubt && self.mode == Mode::Check {
            (self.other_reading.borrow_mut()).insert(c.clone(), expected.clone());
        }
        self.out.borrow_mut().insert(
            c.clone(),
            Derived {
                cell: c.clone(),
                rule_id: rule.id.clone(),
                rule_name: rule.name.clone(),
                bound,
                expected,
                filled,
                agreement,
                resolved: resolved.clone(),
            },
        );
        resolved
    }
    fn top_level_sum(&self, form: usize, panel: &str, col: &str) -> Decimal {
        let ix = &self.book.index[form];
        let col = ix.column_name(col);
        ix.children
            .get(Key::Total.as_str())
            .into_iter()
            .flatten()
            .filter(|k| {
                self.book.forms[form]
                    .1
                    .row(k)
                    .is_some_and(|r| r.panel == panel)
            })
            .map(|k| self.value(&CellId::new(form, k.clone(), col.clone())).num())
            .sum()
    }
}

/// Recompute every derived cell of every form of the book.
pub fn compute(book: &Book, mode: Mode, template: bool) -> Calc {
    repeat::compute_deciding(book, mode, template)
}

/// Recompute every derived cell of every form of the book, knowing or deciding the repeated
/// part rows as `repeats` says.
fn evaluate(book: &Book, mode: Mode, template: bool, repeats: repeat::Repeats) -> Calc {
    let mut defs = FastMap::default();
    let mut unbound = Vec::new();
    let mut order = Vec::new();
    for (fi, (form, _)) in book.forms.iter().enumerate() {
        for rule in form.derive() {
            match book.instances(fi, rule, template) {
                Ok(insts) => {
                    for inst in insts {
                        if let Some(t) = inst.target {
                            order.push(t.clone());
                            defs.insert(t, Slot::Pending(inst.bound, rule));
                        }
                    }
                }
                Err(e) => unbound.push((fi, rule.id.to_string(), e)),
            }
        }
    }
    let ev = Evaluator {
        book,
        derived: RefCell::new(defs),
        mode,
        // Every derived cell is evaluated once: room for all (growing would double it).
        out: RefCell::new(IndexMap::with_capacity_and_hasher(
            order.len(),
            Default::default(),
        )),
        other_reading: RefCell::default(),
        repeats,
    };
    for c in &order {
        ev.value(c);
    }
    // Every evaluated cell is in `out`, with the value it resolved to: the evaluation's own
    // state is no longer needed (at 10,000 rows it is a tenth of a check's memory).
    drop(ev.derived);
    let mut derived = ev.out.into_inner();
    // Keep definition order (rules, then rows) rather than evaluation order.
    let rank: FastMap<&CellId, usize> = order
        .iter()
        .enumerate()
        .rev()
        .map(|(i, c)| (c, i))
        .collect();
    derived.sort_by_cached_key(|k, _| rank.get(k).copied().unwrap_or(usize::MAX));
    let repeats = ev.repeats.into_list();
    Calc {
        derived,
        unbound,
        repeats,
    }
}

impl Calc {
    /// The value the rules settle on for a cell: resolved if derived, else as filled.
    pub fn value(&self, book: &Book, c: &CellId) -> Val {
        self.resolved(c).cloned().unwrap_or_else(|| book.input(c))
    }
    /// The value a derived cell resolved to (filled within tolerance in Check mode); None for a
    /// cell no rule derives.
    pub fn resolved(&self, c: &CellId) -> Option<&Val> {
        self.derived.get(c).map(|d| &d.resolved)
    }
}

/// Form `fi`'s row `pos`, packed in one word (form in the high half); a form or position too
/// large to pack is never remembered.
fn found_at(fi: usize, pos: usize) -> u64 {
    match (u32::try_from(fi), u32::try_from(pos)) {
        (Ok(f), Ok(p)) if f != u32::MAX => (u64::from(f) << 32) | u64::from(p),
        _ => u64::MAX,
    }
}

/// The position packed in `packed` when it is a row of form `fi`.
fn position_in(packed: u64, fi: usize) -> Option<usize> {
    let (form, pos) = (packed >> 32, packed & u64::from(u32::MAX));
    (packed != u64::MAX && usize::try_from(form).ok() == Some(fi)).then_some(pos as usize)
}

/// An Env that reads settled values, for checks.
pub struct Settled<'c, 'b, 'a> {
    pub book: &'b Book<'a>,
    pub calc: &'c Calc,
}

impl Env for Settled<'_, '_, '_> {
    fn value(&self, c: &CellId) -> Val {
        self.calc.value(self.book, c)
    }
}

/// A form's rows and cells with nothing filled in: fixed rows, the total of a coded panel, and
/// for blank templates the empty rows a clerk fills.
pub fn blank_data(form: &Form, unit: Option<&str>, year: Option<&str>, template: bool) -> FormData {
    let mut data = FormData {
        form_id: form.id.clone(),
        unit: unit.map(str::to_string),
        year: year.map(str::to_string),
        ..FormData::default()
    };
    for panel in form.panels() {
        if let Some(coded) = &panel.coded {
            let total = RowData {
                panel: panel.id.clone(),
                key: Key::Total.as_str().into(),
                kind: RowKind::Total,
                code: None,
                label: Some(coded.total.clone()),
                line: None,
                values: Default::default(),
            };
            if !coded.total_last {
                data.rows.push(total.clone());
            }
            if template {
                for i in 0..coded.blank_rows {
                    data.rows.push(RowData {
                        panel: panel.id.clone(),
                        key: format!("#{}", i + 1).into(),
                        kind: RowKind::Coded,
                        code: None,
                        label: None,
                        line: None,
                        values: Default::default(),
                    });
                }
            }
            if coded.total_last {
                data.rows.push(total);
            }
        }
        for r in &panel.rows {
            data.rows.push(RowData {
                panel: panel.id.clone(),
                key: r.id.as_str().into(),
                kind: RowKind::Fixed,
                code: r.code.clone(),
                label: r.label.clone(),
                line: r.line,
                values: Default::default(),
            });
        }
        if let (Some(list), true) = (&panel.list, template) {
            let mut n = 0;
            let groups: Vec<_> = if list.groups.is_empty() {
                vec![(IndexMap::new(), list.blank_rows)]
            } else {
                list.groups
                    .iter()
                    .map(|g| (g.values.clone(), g.rows))
                    .collect()
            };
            for (values, rows) in groups {
                for _ in 0..rows {
                    n += 1;
                    data.rows.push(RowData {
                        panel: panel.id.clone(),
                        key: format!("#{n}").into(),
                        kind: RowKind::List,
                        code: None,
                        label: None,
                        line: None,
                        values: values
                            .iter()
                            .map(|(k, v)| (Name::from(k.as_str()), Val::Text(v.clone())))
                            .collect(),
                    });
                }
            }
        }
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{Catalog, Family};
    use std::path::Path;
    use std::sync::Arc;

    /// The cells of `book`'s computation that do not share their row's key and column's id
    /// (a column id is held once per form: two panels may both have an `amount`), and how
    /// many cells were looked at.
    fn copied_names(book: &Book) -> (Vec<CellId>, usize) {
        let calc = compute(book, Mode::Check, false);
        let shares = |c: &CellId, row: &RowData| {
            let column = c.col.as_ref().is_none_or(|col| {
                Arc::ptr_eq(col, &book.index[c.form].column_name(col))
                    && book.forms[c.form]
                        .0
                        .panels()
                        .any(|p| p.columns.iter().any(|pc| Arc::ptr_eq(col, &pc.id)))
            });
            Arc::ptr_eq(&c.row, &row.key) && column
        };
        let (mut copied, mut looked_at) = (Vec::new(), 0);
        for d in calc.derived.values() {
            let mut reads = Vec::new();
            d.bound.cells(&mut reads);
            for c in std::iter::once(&d.cell).chain(&reads) {
                if let Some(row) = book.row(c.form, &c.row) {
                    looked_at += 1;
                    if !shares(c, row) {
                        copied.push(c.clone());
                    }
                }
            }
        }
        (copied, looked_at)
    }

    /// The cells a computation names hold their row's key and their column's id, not copies:
    /// at 10,000 rows a copy per cell read was a third of the memory of a check. On the sample
    /// (coded 科目 rows) and on every family's forms with one value in each cell (fixed rows
    /// summing their children, as the budget forms do).
    #[test]
    fn cell_ids_share_their_rows_keys_and_their_columns_ids() {
        let catalog = Catalog::embedded().unwrap();
        let sample =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample/2023决算-株洲.xlsx");
        let content = crate::load::load(&catalog, &sample).unwrap();
        let (copied, looked_at) = copied_names(&Book::new(content.forms));
        assert_eq!(copied, [], "copies its names");
        assert!(looked_at > 500, "only {looked_at} cells looked at");
        for family in [Family::Final, Family::Budget, Family::Perf] {
            let forms = catalog
                .family(family)
                .map(|f| {
                    let mut data = blank_data(f, None, None, false);
                    for row in data.rows.iter_mut() {
                        for col in f
                            .panel(&row.panel)
                            .into_iter()
                            .flat_map(|p| p.value_columns())
                        {
                            row.values.insert(col.id.clone(), Val::Num(Decimal::ONE));
                        }
                    }
                    (f, data)
                })
                .collect();
            let (copied, looked_at) = copied_names(&Book::new(forms));
            assert_eq!(copied, [], "{family:?} copies its names");
            assert!(
                looked_at > 10,
                "{family:?}: only {looked_at} cells looked at"
            );
        }
    }

    /// A row found through the remembered last row is the row the index finds: over random
    /// lookups of keys held by several rows, keys shared with their row and copies of them,
    /// keys of no row and keys of another form.
    #[test]
    fn the_remembered_row_is_the_row_the_index_finds() {
        let catalog = Catalog::embedded().unwrap();
        let forms: Vec<&Form> = catalog.family(Family::Final).take(2).collect();
        let mut rng = crate::test_rng::Rng::new(7);
        let mut datas: Vec<FormData> = forms
            .iter()
            .map(|f| blank_data(f, None, None, false))
            .collect();
        for data in &mut datas {
            let panel = data
                .rows
                .first()
                .map(|r| r.panel.clone())
                .unwrap_or_default();
            for _ in 0..60 {
                let key: Name = format!("k{}", rng.below(25)).into();
                data.rows.push(RowData {
                    panel: panel.clone(),
                    key,
                    kind: RowKind::Coded,
                    code: None,
                    label: None,
                    line: None,
                    values: Default::default(),
                });
            }
        }
        let asked: Vec<(usize, Name)> = (0..2000)
            .map(|_| {
                let fi = rng.below(2);
                let rows = &datas[fi].rows;
                let key: Name = match rng.below(3) {
                    0 => rows[rng.below(rows.len())].key.clone(),
                    1 => Name::from(&*rows[rng.below(rows.len())].key),
                    _ => format!("k{}", rng.below(30)).into(),
                };
                (fi, key)
            })
            .collect();
        let book = Book::new(forms.iter().copied().zip(datas).collect());
        let by_index = |fi: usize, key: &str| {
            let data = &book.forms[fi].1;
            book.index[fi]
                .row_pos(key)
                .and_then(|i| data.rows.get(i))
                .filter(|r| same_text(&r.key, key))
                .or_else(|| data.row(key))
                .map(|r| r as *const RowData)
        };
        for (fi, key) in &asked {
            let found = book.row(*fi, key).map(|r| r as *const RowData);
            assert_eq!(found, by_index(*fi, key), "form {fi}, row {key}");
        }
    }
}
