//! A part row printed with its parent row's figures (a 项 row copying its 款 row, 30299 holding
//! the 302 total): decided per row across the table's amount columns, so that one row is read
//! one way in every column, and kept only where it explains more than it breaks.

use super::{agree, evaluate, Agreement, Book, Calc, Evaluator, Mode, Settled};
use crate::expr::{Bound, CellId, CmpOp, Env, Name, Val};
use crate::form::ColKind;
use crate::model::FastMap;
use rust_decimal::Decimal;
use std::cell::RefCell;

/// A part row that repeats its parent row: in `columns` — the amount columns where the parent
/// is filled, the part holds the same figure and the other parts add up to it — the parent's
/// published total is kept and the part named as the likely error.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RowRepeat {
    pub form: usize,
    pub parent: Name,
    pub part: Name,
    pub columns: Vec<Name>,
}

impl RowRepeat {
    fn in_row(&self, c: &CellId, row: &str) -> bool {
        c.form == self.form
            && *c.row == *row
            && c.col.as_ref().is_some_and(|k| self.columns.contains(k))
    }
    /// The part's cell beside parent cell `c`, when the part repeats the parent in its column.
    pub fn part_beside(&self, c: &CellId) -> Option<CellId> {
        let col = c.column().filter(|_| self.in_row(c, &self.parent))?;
        Some(CellId::new(self.form, self.part.clone(), col))
    }
    /// The parent's cell above part cell `c`, when `c` repeats it.
    fn parent_above(&self, c: &CellId) -> Option<CellId> {
        let col = c.column().filter(|_| self.in_row(c, &self.part))?;
        Some(CellId::new(self.form, self.parent.clone(), col))
    }
}

/// Row pairs (form, parent, part) and what was decided of them.
type Decided = FastMap<(usize, Name, Name), Option<Vec<Name>>>;

/// How an evaluation knows the repeated rows: decided as their totals are met, or given.
pub(super) enum Repeats {
    Decide(RefCell<Decided>),
    Known(Vec<RowRepeat>),
}

impl Repeats {
    /// The repeated rows the evaluation used, in a stable order.
    pub(super) fn into_list(self) -> Vec<RowRepeat> {
        let mut list: Vec<RowRepeat> = match self {
            Repeats::Known(list) => list,
            Repeats::Decide(cache) => (cache.into_inner().into_iter())
                .filter_map(|((form, parent, part), cols)| {
                    let columns = cols?;
                    Some(RowRepeat {
                        form,
                        parent,
                        part,
                        columns,
                    })
                })
                .collect(),
        };
        list.sort();
        list
    }
}

/// The most repeated rows each tried without (a book rarely has one; each try is a
/// recomputation of the book).
const MAX_TRIED: usize = 8;

/// Recompute the book, deciding the repeated rows: those met as their totals are evaluated,
/// less each whose reading breaks more than it explains — what depends on the parent total
/// (公用经费合计, 公开05表's 基本支出 against 公开06表) agreeing with the sum of the parts
/// and not with the published total says the total, not the part, is wrong.
pub(super) fn compute_deciding(book: &Book, mode: Mode, template: bool) -> Calc {
    let met = Repeats::Decide(RefCell::default());
    let first = evaluate(book, mode, template, met);
    if first.repeats.is_empty() {
        return first;
    }
    let found = first.repeats;
    let failing = |known: Vec<RowRepeat>| {
        let calc = evaluate(book, Mode::Check, template, Repeats::Known(known));
        failures(book, &calc)
    };
    let with_all = failing(found.clone());
    let without = |i: usize| {
        let mut rest = found.clone();
        rest.remove(i);
        rest
    };
    let kept = (0..found.len())
        .filter(|&i| i >= MAX_TRIED || failing(without(i)) >= with_all)
        .map(|i| found[i].clone())
        .collect();
    evaluate(book, mode, template, Repeats::Known(kept))
}

/// How many derived cells and check rules of the computation fail.
fn failures(book: &Book, calc: &Calc) -> usize {
    let derived = (calc.derived.values())
        .filter(|d| {
            matches!(
                d.agreement,
                Agreement::Differs | Agreement::PartRepeats { .. }
            )
        })
        .count();
    let env = Settled { book, calc };
    let mut checks = 0;
    for (fi, (form, _)) in book.forms.iter().enumerate() {
        for rule in form.check() {
            let insts = book.instances(fi, rule, false).unwrap_or_default();
            checks += (insts.iter())
                .filter(|i| i.condition.as_ref().is_none_or(|w| w.eval(&env).truthy()))
                .filter(|i| !holds(book, &env, &i.bound, i.target.as_ref()))
                .count();
        }
    }
    derived + checks
}

/// Whether a check's expression holds: a comparison within 尾差, a condition true.
fn holds(book: &Book, env: &dyn Env, bound: &Bound, target: Option<&CellId>) -> bool {
    let kind = target.map_or(ColKind::Amount, |t| book.kind(t));
    let mut reads = Vec::new();
    bound.cells(&mut reads);
    match compared(book, env, bound, kind, &reads) {
        Some((_, _, outcome)) => matches!(outcome, Agreement::Exact | Agreement::Tail { .. }),
        None => bound.eval(env).truthy(),
    }
}

/// A check's comparison `l op r` of values of `kind` over cells `reads`: both sides' values and
/// how they agree (an equality within 尾差 of its terms is a Tail). None for an expression
/// that compares nothing (a condition).
pub fn compared(
    book: &Book,
    env: &dyn Env,
    bound: &Bound,
    kind: ColKind,
    reads: &[CellId],
) -> Option<(Val, Val, Agreement)> {
    let Bound::Cmp(op, l, r) = bound else {
        return None;
    };
    let (lv, rv) = (l.eval(env), r.eval(env));
    let outcome = match op {
        CmpOp::Eq => agree(
            kind,
            &lv,
            &rv,
            l.term_count_in(env).max(r.term_count_in(env)).max(1),
            book.rounding_per_term(reads),
        ),
        _ if bound.eval(env).truthy() => Agreement::Exact,
        _ => Agreement::Differs,
    };
    Some((lv, rv, outcome))
}

/// The count of figures (non-zero values) among `values`, and their sum.
fn figures(values: impl Iterator<Item = Val>) -> (usize, Decimal) {
    let figure = |v: &Val| !v.is_blank() && !v.num().is_zero();
    (values.filter(figure)).fold((0, Decimal::ZERO), |(n, s), v| (n + 1, s + v.num()))
}

/// Whether `rest`, the sum of `count` rounded figures, is `total` within their 尾差.
fn adds_up(total: Decimal, rest: Decimal, count: usize, per_term: Decimal) -> bool {
    let (t, r) = (Val::Num(total), Val::Num(rest));
    matches!(
        agree(ColKind::Amount, &t, &r, count, per_term),
        Agreement::Exact | Agreement::Tail { .. }
    )
}

/// A part of a sum that equals the sum's filled total: parent cell `parent`, summed over
/// `rows`, of which `rows[at]` is the part; `per_term` the 尾差 of one term.
struct Candidate<'r> {
    parent: &'r CellId,
    rows: &'r [&'r Name],
    at: usize,
    per_term: Decimal,
}

/// Reads each of `parts` as 0 (what the other parts leave for a repeated part), the rest as
/// the evaluation does.
struct WithoutParts<'e, 'b, 'a> {
    ev: &'e Evaluator<'b, 'a>,
    parts: &'e [CellId],
}

impl Env for WithoutParts<'_, '_, '_> {
    fn value(&self, c: &CellId) -> Val {
        match self.parts.contains(c) {
            true => Val::Num(Decimal::ZERO),
            false => self.ev.value(c),
        }
    }
    fn top_level_sum(&self, form: usize, panel: &str, col: &str) -> Decimal {
        self.ev.top_level_sum(form, panel, col)
    }
}

impl Evaluator<'_, '_> {
    /// The agreement of amount cell `c`, which differs from what its rule computes, when a
    /// repeated part row explains it: `c` is its parent's total (kept, the part named), or `c`
    /// reads the repeated part and agrees when the part is read as 0.
    pub(super) fn repeat_agreement(
        &self,
        c: &CellId,
        bound: &Bound,
        filled: &Val,
        per_term: Decimal,
    ) -> Option<Agreement> {
        if let Some((part, rest)) = self.repeated_part(c, bound, filled, per_term) {
            return Some(Agreement::PartRepeats { part, rest });
        }
        self.reads_repeated(bound, filled, per_term)
    }

    /// The part of sum `bound` at `c` that repeats its filled total, with the sum of the
    /// other parts: the part whose row repeats `c`'s row (see [`RowRepeat`]).
    fn repeated_part(
        &self,
        c: &CellId,
        bound: &Bound,
        filled: &Val,
        per_term: Decimal,
    ) -> Option<(CellId, Decimal)> {
        let (Val::Num(t), Some(col)) = (filled, c.column()) else {
            return None;
        };
        let mut parts = Vec::new();
        if t.is_zero() || !bound.summands(&mut parts) {
            return None;
        }
        if (parts.iter()).any(|p| p.form != c.form || p.column() != Some(col)) {
            return None;
        }
        let values: Vec<Val> = parts.iter().map(|p| self.value(p)).collect();
        let at = match &self.repeats {
            Repeats::Known(list) => (parts.iter())
                .position(|p| list.iter().any(|r| r.part_beside(c).as_ref() == Some(p)))?,
            Repeats::Decide(_) => {
                let mut equal = (0..parts.len()).filter(|&i| values[i] == Val::Num(*t));
                let (Some(at), None) = (equal.next(), equal.next()) else {
                    return None;
                };
                let rows: Vec<&Name> = parts.iter().map(|p| &p.row).collect();
                let candidate = Candidate {
                    parent: c,
                    rows: &rows,
                    at,
                    per_term,
                };
                self.decided(&candidate)?
                    .contains(&Name::from(col))
                    .then_some(at)?
            }
        };
        let (_, rest) =
            figures((values.into_iter().enumerate()).filter_map(|(i, v)| (i != at).then_some(v)));
        Some((parts[at].clone(), rest))
    }

    /// What is decided of a candidate's rows (decided once per pair).
    fn decided(&self, candidate: &Candidate) -> Option<Vec<Name>> {
        let Repeats::Decide(cache) = &self.repeats else {
            return None;
        };
        let (c, part) = (candidate.parent, candidate.rows[candidate.at]);
        let key = (c.form, c.row.clone(), part.clone());
        if let Some(known) = cache.borrow().get(&key) {
            return known.clone();
        }
        let cols = self.decide_row(candidate);
        cache.borrow_mut().insert(key, cols.clone());
        cols
    }

    /// The columns where the candidate's part row repeats its parent's row, when it does:
    /// across the amount columns where the parent is filled, the part holds the parent's
    /// figure and the others — at least two of them non-zero in some column — add up to it,
    /// or the part is the column's only figure; no column where the part holds the parent's
    /// figure while the others add to something else (but its row total, see
    /// [`Evaluator::row_total`]); and the part is not backed by parts of its own (a 款 whose 项
    /// add up to it is a 款 that happens to equal its 类).
    fn decide_row(&self, candidate: &Candidate) -> Option<Vec<Name>> {
        let Candidate {
            parent: c,
            rows,
            at,
            per_term,
        } = *candidate;
        let (form, _) = self.book.forms[c.form];
        let panel = form.panel(&self.book.row(c.form, &c.row)?.panel)?;
        let (mut cols, mut strong) = (Vec::new(), false);
        for k in panel.value_columns().filter(|k| k.kind == ColKind::Amount) {
            let cell = |r: &Name| CellId::new(c.form, r.clone(), k.id.clone());
            let Val::Num(p) = self.book.input(&cell(&c.row)) else {
                continue;
            };
            if p.is_zero() || self.book.input(&cell(rows[at])) != Val::Num(p) {
                continue;
            }
            let others = (rows.iter().enumerate()).filter(|&(i, _)| i != at);
            let (count, rest) = figures(others.map(|(_, r)| self.value(&cell(r))));
            if count == 0 {
                continue;
            }
            if !adds_up(p, rest, count, per_term) && self.row_total(&cell(rows[at])) {
                continue;
            }
            if !adds_up(p, rest, count, per_term) || self.backed(&cell(rows[at])) {
                return None;
            }
            strong |= count >= 2;
            cols.push(k.id.clone());
        }
        strong.then_some(cols)
    }

    /// Whether cell `q` is derived from its own row alone (its 小计 = 基本支出 + 项目支出): it
    /// repeats the parent's only through the row's other columns, so where the others do not
    /// add up to it (a 项 copying its 款's 基本支出 beside its own 项目支出, which the 款 counts
    /// too) it contradicts nothing.
    fn row_total(&self, q: &CellId) -> bool {
        let own_row = |r: &CellId| r.form == q.form && r.row == q.row;
        (self.rule_of(q)).is_some_and(|(_, reads)| !reads.is_empty() && reads.iter().all(own_row))
    }

    /// Whether derived cell `q` agrees with a rule reading other rows (its own parts).
    fn backed(&self, q: &CellId) -> bool {
        let other_row = |r: &CellId| r.form != q.form || r.row != q.row;
        (self.rule_of(q)).is_some_and(|(agrees, reads)| agrees && reads.iter().any(other_row))
    }

    /// Of derived cell `q`, evaluated: whether it agrees with its rule, and the cells the rule
    /// reads. None for a cell no rule derives.
    fn rule_of(&self, q: &CellId) -> Option<(bool, Vec<CellId>)> {
        if !self.derived.borrow().contains_key(q) {
            return None;
        }
        self.value(q);
        let out = self.out.borrow();
        let d = out.get(q)?;
        let mut reads = Vec::new();
        d.bound.cells(&mut reads);
        let agrees = matches!(d.agreement, Agreement::Exact | Agreement::Tail { .. });
        Some((agrees, reads))
    }

    /// A cell whose rule reads a repeated part (its row's 合计 over the part's 项目支出) and
    /// agrees with its filled value when the part is read as 0: kept as filled, so that the
    /// doubled figure does not flow on.
    fn reads_repeated(&self, bound: &Bound, filled: &Val, per_term: Decimal) -> Option<Agreement> {
        let Repeats::Known(list) = &self.repeats else {
            return None;
        };
        let mut reads = Vec::new();
        bound.cells(&mut reads);
        let repeated: Vec<(CellId, CellId)> = (reads.into_iter())
            .filter_map(|x| {
                let total = list.iter().find_map(|r| r.parent_above(&x))?;
                Some((x, total))
            })
            .collect();
        let (part, total) = repeated.first()?.clone();
        let parts: Vec<CellId> = repeated.into_iter().map(|(p, _)| p).collect();
        let without = bound.eval(&WithoutParts {
            ev: self,
            parts: &parts,
        });
        let terms = bound.term_count_in(self).max(1);
        let agreement = agree(ColKind::Amount, filled, &without, terms, per_term);
        matches!(agreement, Agreement::Exact | Agreement::Tail { .. })
            .then_some(Agreement::ReadsRepeated { part, total })
    }
}
