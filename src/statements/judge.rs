//! Judges the statements of sentences: amounts against the table cells of their figures,
//! shares, completions and change rates against the amounts they are computed from, lists of
//! parts against their totals.

use super::parse::{contains, read, Direction, Kind, Statement};
use super::patterns::{Basis, CellRef, Pattern, Patterns, Unit};
use super::text::{NumUnit, Sentence, SentenceAt};
use crate::calc::{Book, Calc};
use crate::expr::{round_dp, CellId, Val};
use crate::findings::Finding;
use crate::form::{Family, Severity};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;

/// How the statements of a document's texts came out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Statements judged against a table or against the other amounts of their sentence.
    pub agreed: usize,
    /// Statements found wrong (an error or a warning).
    pub differed: usize,
    /// Statements of a known figure, share or change that no table or amount could confirm.
    pub untied: usize,
}

impl Tally {
    /// Whether any statement was found (a workbook of tables only has none).
    pub fn is_empty(&self) -> bool {
        self.agreed + self.differed + self.untied == 0
    }

    /// "说明文字语句 12 条：一致 9，不一致 1，无法对应表格 2"
    pub fn summary(&self) -> String {
        format!(
            "说明文字语句 {} 条：一致 {}，不一致 {}，无法对应表格 {}",
            self.agreed + self.differed + self.untied,
            self.agreed,
            self.differed,
            self.untied
        )
    }
}

/// A table's value of a figure: the cell and its value in 万元 (or points).
struct Tied {
    cell: CellId,
    value: Decimal,
}

struct Judge<'p, 'b, 'a> {
    patterns: &'p Patterns,
    book: &'b Book<'a>,
    calc: &'b Calc,
    out: Vec<Finding>,
    tally: Tally,
    /// The last amount the text stated of each figure (its actual basis): what a change in a
    /// later sentence is a change of.
    stated: HashMap<usize, Decimal>,
    /// The last amount stated before: what `与上年相比，减少…` in the next sentence is about.
    last: Option<Decimal>,
    /// The 项 the last heading named.
    subject: Option<usize>,
    /// The year the tables are of: an amount of an earlier year is in none of them.
    year: Option<u32>,
    /// Where the sentence judged starts among the characters read (the sentence before it
    /// comes first when it opens with 其中).
    offset: usize,
}

/// Checks `sentences` against the tables of `book`; findings and the tally of statements.
pub fn check_sentences(
    patterns: &Patterns,
    sentences: &[Sentence],
    book: &Book,
    calc: &Calc,
) -> (Vec<Finding>, Tally) {
    // Nothing to read: no need for the patterns of a table's thousands of 科目.
    if sentences.is_empty() {
        return (Vec::new(), Tally::default());
    }
    let known = super::subjects::with_subjects(patterns, book);
    let mut j = Judge {
        patterns: &known.patterns,
        book,
        calc,
        out: Vec::new(),
        tally: Tally::default(),
        stated: HashMap::new(),
        last: None,
        subject: None,
        offset: 0,
        year: book
            .forms
            .iter()
            .find_map(|(_, data)| data.year.as_deref()?.parse().ok()),
    };
    for (i, s) in sentences.iter().enumerate() {
        // A heading `类（类）款（款）项（项）` names the 项 the sentences after it state; another
        // heading ends it.
        if let Some(path) = super::subjects::item_path(&s.text) {
            j.subject = known.items.get(&path).copied();
        } else if super::text::is_heading(&s.text) {
            j.subject = None;
        }
        // A sentence opening with 其中 lists the parts of the sentence before.
        let before = (i > 0 && s.continues && s.chars.starts_with(&['其', '中']))
            .then(|| &sentences[i - 1].chars);
        let chars: Vec<char> = before
            .into_iter()
            .flatten()
            .chain(&s.chars)
            .copied()
            .collect();
        let from = before.map_or(0, Vec::len);
        j.sentence(s, &chars, from);
    }
    (j.out, j.tally)
}

impl Judge<'_, '_, '_> {
    fn sentence(&mut self, s: &Sentence, chars: &[char], from: usize) {
        let all = read(self.patterns, chars, self.subject);
        self.offset = from;
        for (i, st) in all
            .iter()
            .enumerate()
            .filter(|(_, st)| st.number.start >= from)
        {
            match &st.kind {
                Kind::Amount { label: Some(_), .. }
                    if states_an_earlier_year(chars, st.number.start, self.year) =>
                {
                    self.tally.untied += 1;
                }
                Kind::Amount {
                    label: Some(p),
                    basis,
                    parent,
                    ..
                } => {
                    let of = parent.map(|t| label(&all[t]));
                    self.amount(s, st, *p, *basis, of);
                }
                Kind::Share { base } => self.share(s, &all, i, *base),
                Kind::Completion => self.completion(s, &all, i),
                Kind::Change { rate: false, .. } => {
                    let flat = contains(clause_at(chars, st.number.start), "持平");
                    self.change(s, &all, i, flat)
                }
                Kind::Change { rate: true, .. } if !after_change_amount(&all, i) => {
                    self.tally.untied += 1;
                }
                _ => {}
            }
        }
        let mut lists: Vec<usize> = all.iter().filter_map(list).collect();
        lists.dedup();
        for l in lists {
            let parts: Vec<&Statement> = all.iter().filter(|s| list(s) == Some(l)).collect();
            let total = parts.first().and_then(|p| parent(p));
            if let (Some(t), true) = (total, parts.len() >= 2) {
                if parts.iter().any(|p| p.number.start >= from) {
                    self.sum(s, &all[t], &parts);
                }
            }
        }
        if let Some(a) = amount_before(&all, all.len(), |b| b == Basis::Actual) {
            self.last = Some(all[a].number.value);
        }
    }

    /// An amount of a named figure against the table cell holding it; `of`: the label of the
    /// amount it is stated a part of, if it is one.
    fn amount(
        &mut self,
        s: &Sentence,
        st: &Statement,
        p: usize,
        basis: Basis,
        of: Option<Option<usize>>,
    ) {
        let is_part = of.is_some();
        let pattern = &self.patterns.statement[p];
        let pattern = of
            .flatten()
            .and_then(|t| pattern.as_part_of(&self.patterns.statement[t].id))
            .unwrap_or(pattern);
        if !same_unit(pattern, st.number.unit) {
            return;
        }
        if basis == Basis::Actual {
            self.stated.insert(p, st.number.value);
        }
        let tied = (is_part || !pattern.part)
            .then(|| self.tie(pattern, basis))
            .flatten();
        let Some(tied) = tied else {
            self.tally.untied += 1;
            return;
        };
        let stated = st.number.value;
        if round_dp(tied.value, st.number.dp) == stated {
            self.tally.agreed += 1;
            return;
        }
        let rounding = (tied.value - stated).abs() <= Decimal::new(2, 2);
        let severity = if rounding {
            Severity::Info
        } else {
            Severity::Error
        };
        let what = if rounding {
            "，相差在尾差以内"
        } else {
            ""
        };
        let message = format!(
            "所述{}{}与{}不一致{what}",
            pattern.name(),
            shown(stated, st.number.unit),
            self.cell_text(&tied.cell, tied.value, st.number.unit)
        );
        let mut f = self.finding(severity, super::AMOUNT, s, st, message);
        f.related.push(self.cell_name(&tied.cell));
        f.expected = Some(plain(tied.value));
        f.found = Some(plain(stated));
        f.target = Some(tied.cell);
        if !rounding {
            self.tally.differed += 1;
        } else {
            self.tally.agreed += 1;
        }
        self.out.push(f);
    }

    /// The table cell a statement restates: the first of its basis's cells the document
    /// holds. A 预算 document's tables hold only budgets, which its sentences state with or
    /// without the word 预算: an actual-basis statement there ties to a budget table's cell.
    fn tie(&self, pattern: &Pattern, basis: Basis) -> Option<Tied> {
        let also: &[CellRef] = match basis {
            Basis::Actual => &pattern.budget,
            _ => &[],
        };
        let budget_tables = also.iter().filter(|c| {
            self.book
                .form_index(&c.form)
                .is_some_and(|fi| self.book.forms[fi].0.family == Family::Budget)
        });
        pattern
            .cells(basis)
            .iter()
            .chain(budget_tables)
            .find_map(|c| {
                let fi = self.book.form_index(&c.form)?;
                let cell = self.book.cell_named(fi, &c.cell).ok()?;
                let value = match crate::figures::value_at(self.book, self.calc, &cell) {
                    Val::Num(d) => d,
                    Val::Blank => Decimal::ZERO,
                    _ => return None,
                };
                Some(Tied { cell, value })
            })
    }

    /// 占…%: the amount before it over its base — the figure named (占基本支出的), else the
    /// amount it is a part of.
    fn share(&mut self, s: &Sentence, all: &[Statement], i: usize, base: Option<usize>) {
        let own = amount_before(all, i, |_| true);
        let base_value = match (base, own) {
            (Some(b), _) => self.value_of(all, b),
            (None, Some(o)) => parent(&all[o]).map(|p| all[p].number.value),
            (None, None) => None,
        };
        match (own, base_value) {
            (Some(o), Some(b)) => {
                let what = "占比";
                self.rate(s, &all[i], all[o].number.value, b, what, super::SHARE);
            }
            _ => self.tally.untied += 1,
        }
    }

    /// 完成…预算的…%: the executed amount before it over the budget stated before that.
    fn completion(&mut self, s: &Sentence, all: &[Statement], i: usize) {
        let actual = amount_before(all, i, |b| b == Basis::Actual);
        let budget = actual.and_then(|a| {
            amount_before(all, a, |b| matches!(b, Basis::Budget | Basis::Initial))
                .filter(|&b| label(&all[b]) == label(&all[a]) || label(&all[b]).is_none())
        });
        match (actual, budget) {
            (Some(a), Some(b)) => {
                let (own, base) = (all[a].number.value, all[b].number.value);
                self.rate(s, &all[i], own, base, "完成预算比例", super::COMPLETION);
            }
            _ => self.tally.untied += 1,
        }
    }

    /// A change by an amount: none where 持平 is said; its rate (the next statement) is the
    /// change over last year's figure, in the same direction.
    fn change(&mut self, s: &Sentence, all: &[Statement], i: usize, flat: bool) {
        let st = &all[i];
        let Kind::Change {
            direction, label, ..
        } = st.kind
        else {
            return;
        };
        if flat && !st.number.value.is_zero() {
            let message = format!(
                "既称“持平”又称变动{}",
                shown(st.number.value, st.number.unit)
            );
            self.differ(self.finding(Severity::Error, super::FLAT, s, st, message));
            return;
        }
        let rate = all
            .get(i + 1)
            .filter(|r| matches!(r.kind, Kind::Change { rate: true, .. }));
        let Some(rate) = rate else {
            self.tally.untied += 1;
            return;
        };
        if let Kind::Change { direction: d, .. } = rate.kind {
            if d != direction {
                let message = format!(
                    "增减方向前后矛盾：金额{}，比率{}",
                    direction.chinese(),
                    d.chinese()
                );
                self.differ(self.finding(Severity::Error, super::CHANGE, s, rate, message));
                return;
            }
        }
        let current = label
            .and_then(|l| self.value_of(all, l))
            .or_else(|| amount_before(all, i, |b| b == Basis::Actual).map(|a| all[a].number.value))
            .or(self.last);
        let Some(current) = current else {
            self.tally.untied += 1;
            return;
        };
        let change = st.number.value;
        let last = match direction {
            Direction::Up => current - change,
            Direction::Down => current + change,
        };
        self.rate(s, rate, change, last, "增减率", super::CHANGE);
    }

    /// A stated rate against `own ÷ base`, within one unit of its last written digit; a rate
    /// of a zero base is no percentage.
    fn rate(
        &mut self,
        s: &Sentence,
        r: &Statement,
        own: Decimal,
        base: Decimal,
        what: &str,
        rule: &str,
    ) {
        let stated = r.number.value;
        if base <= Decimal::ZERO {
            if own.is_zero() && stated.is_zero() {
                self.tally.agreed += 1;
                return;
            }
            let message = format!(
                "{what}{}%的基数为{}：从零起算的变动或比例不能用百分比表示",
                plain(stated),
                plain(base)
            );
            self.differ(self.finding(Severity::Warning, rule, s, r, message));
            return;
        }
        let exact = own / base * Decimal::ONE_HUNDRED;
        let unit = Decimal::new(1, r.number.dp);
        if (exact - stated).abs() <= unit {
            self.tally.agreed += 1;
            return;
        }
        let message = format!(
            "所述{what}{}%与按所述金额计算的{}%（{} ÷ {}）不符",
            plain(stated),
            plain(round_dp(exact, r.number.dp.max(2))),
            plain(own),
            plain(base)
        );
        let mut f = self.finding(Severity::Warning, rule, s, r, message);
        f.expected = Some(format!("{}%", plain(round_dp(exact, r.number.dp))));
        f.found = Some(format!("{}%", plain(stated)));
        self.differ(f);
    }

    /// A total and its listed parts: they add up within 尾差; parts introduced by 主要… may
    /// leave some out, but not exceed the total.
    fn sum(&mut self, s: &Sentence, total: &Statement, parts: &[&Statement]) {
        let sum: Decimal = parts.iter().map(|p| p.number.value).sum();
        let tolerance = Decimal::new(5, 3) * Decimal::from(parts.len() + 1);
        let diff = sum - total.number.value;
        let partial = parts
            .iter()
            .any(|p| matches!(p.kind, Kind::Amount { partial: true, .. }));
        if diff.abs() <= tolerance || (partial && diff < Decimal::ZERO) {
            self.tally.agreed += 1;
            return;
        }
        let listed: Vec<String> = parts.iter().map(|p| plain(p.number.value)).collect();
        let message = format!(
            "所列分项之和{}（{}）与总额{}不符，相差{}",
            shown(sum, total.number.unit),
            listed.join(" + "),
            shown(total.number.value, total.number.unit),
            plain(diff)
        );
        let mut f = self.finding(Severity::Error, super::SUM, s, total, message);
        f.expected = Some(plain(sum));
        f.found = Some(plain(total.number.value));
        self.differ(f);
    }

    /// The value of figure `p`: as this sentence states it, else as the text stated it
    /// before, else as the tables hold it.
    fn value_of(&self, all: &[Statement], p: usize) -> Option<Decimal> {
        all.iter()
            .find(|s| label(s) == Some(p) && basis(s) == Some(Basis::Actual))
            .map(|s| s.number.value)
            .or_else(|| self.stated.get(&p).copied())
            .or_else(|| {
                self.tie(&self.patterns.statement[p], Basis::Actual)
                    .map(|t| t.value)
            })
    }

    fn differ(&mut self, f: Finding) {
        self.tally.differed += 1;
        self.out.push(f);
    }

    /// A finding at the sentence, quoting it.
    fn finding(
        &self,
        severity: Severity,
        rule: &str,
        s: &Sentence,
        st: &Statement,
        what: String,
    ) -> Finding {
        let at = st.number.start.saturating_sub(self.offset);
        let message = format!(
            "{}说明文字“{}”：{what}",
            s.place.shown(),
            quote(s, at, st.number.end - st.number.start)
        );
        let mut f = Finding::new(severity, rule, "", None, None, message);
        match &s.place {
            SentenceAt::Page { page, line } => {
                f.page = Some(*page);
                f.cell = Some(format!("第{line}行"));
            }
            SentenceAt::Paragraph(n) => f.cell = Some(format!("第{n}段")),
            SentenceAt::Cell { sheet, cell } => {
                f.sheet = Some(sheet.clone());
                f.cell = Some(cell.clone());
            }
        }
        f
    }

    /// 公开09表 财政拨款“三公”经费 · 公务接待费（'公开09表'!L8）的 1.35万元
    fn cell_text(&self, cell: &CellId, value: Decimal, unit: NumUnit) -> String {
        format!("{}的{}", self.cell_name(cell), shown(value, unit))
    }

    fn cell_name(&self, cell: &CellId) -> String {
        let form = self.book.forms[cell.form].0;
        let at = crate::findings::cell_a1(self.book, cell, usize::MAX)
            .map_or_else(String::new, |a| format!("（{a}）"));
        let what = self.book.describe(cell);
        let gap = if what.starts_with(|c: char| c.is_ascii_digit()) {
            " "
        } else {
            ""
        };
        format!("{}{gap}{what}{at}", form.table_no)
    }
}

impl Direction {
    fn chinese(self) -> &'static str {
        match self {
            Direction::Up => "增加",
            Direction::Down => "减少",
        }
    }
}

fn same_unit(pattern: &Pattern, unit: NumUnit) -> bool {
    matches!(
        (pattern.unit, unit),
        (Unit::Wan, NumUnit::Wan) | (Unit::Points, NumUnit::Points)
    )
}

fn label(s: &Statement) -> Option<usize> {
    match s.kind {
        Kind::Amount { label, .. } => label,
        _ => None,
    }
}

fn basis(s: &Statement) -> Option<Basis> {
    match s.kind {
        Kind::Amount { basis, .. } => Some(basis),
        _ => None,
    }
}

fn parent(s: &Statement) -> Option<usize> {
    match s.kind {
        Kind::Amount { parent, .. } => parent,
        _ => None,
    }
}

fn list(s: &Statement) -> Option<usize> {
    match s.kind {
        Kind::Amount { list, .. } => list,
        _ => None,
    }
}

/// The last amount before statement `i` whose basis passes `keep`.
fn amount_before(all: &[Statement], i: usize, keep: impl Fn(Basis) -> bool) -> Option<usize> {
    all[..i].iter().rposition(|s| basis(s).is_some_and(&keep))
}

/// Whether statement `i` (a change rate) follows a change by an amount.
fn after_change_amount(all: &[Statement], i: usize) -> bool {
    i > 0 && matches!(all[i - 1].kind, Kind::Change { rate: false, .. })
}

/// 12.3万元, 58.0%, 98.3分
fn shown(value: Decimal, unit: NumUnit) -> String {
    let unit = match unit {
        NumUnit::Wan => "万元",
        NumUnit::Percent => "%",
        NumUnit::Points => "分",
    };
    format!("{}{unit}", plain(value))
}

fn plain(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The sentence as written, or for a long one the words around the number at `at` (`len`
/// characters with its unit).
fn quote(s: &Sentence, at: usize, len: usize) -> String {
    const LONG: usize = 160;
    if s.text.chars().count() <= LONG {
        return s.text.clone();
    }
    let from = at.saturating_sub(60);
    let to = (at + len + 30).min(s.chars.len());
    let words: String = s.chars.get(from..to).unwrap_or_default().iter().collect();
    format!("…{words}…")
}

/// The clause of `chars` around position `at`: from the ；, 。 or list opening (：, 其中)
/// before it to the one after. `…增加793.14万元；政府性基金…0万元，与上年持平` and
/// `…减少0.15万元，其中：因公出国（境）费支出与上年持平` say 持平 of another clause.
fn clause_at(chars: &[char], at: usize) -> &[char] {
    let at = at.min(chars.len());
    let ends_at = |i: usize| {
        matches!(chars[i], '；' | ';' | '。' | '：' | ':') || chars[i..].starts_with(&['其', '中'])
    };
    let start = (0..at).rev().find(|&i| ends_at(i)).map_or(0, |p| p + 1);
    let end = (at..chars.len())
        .find(|&i| ends_at(i))
        .unwrap_or(chars.len());
    &chars[start..end]
}

/// Whether the words before the amount at `at`, in its clause, name a year before `year`
/// (`2023年当年预算执行数为348.52万元` in a 2024 budget): last year's figure, in no table.
fn states_an_earlier_year(chars: &[char], at: usize, year: Option<u32>) -> bool {
    let Some(year) = year else {
        return false;
    };
    let lead = super::parse::lead(&chars[..at.min(chars.len())]);
    lead.windows(5).any(|w| {
        w[4] == '年'
            && w[..4].iter().all(char::is_ascii_digit)
            && w[..4]
                .iter()
                .collect::<String>()
                .parse::<u32>()
                .is_ok_and(|y| y < year)
    })
}
