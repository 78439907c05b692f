//! Audits a workbook's forms: every derived cell against its recomputation (尾差 as info),
//! every check rule within and across tables, the 科目 hierarchy and names, empty tables'
//! 空表说明 — each finding naming its form, cell, rule, expected and found value.

mod money_scale;

use crate::calc::{compared, Agreement, BindError, Book, Calc, Derived, Settled};
use crate::cellref::Place;
use crate::coverage::Coverage;
use crate::expr::{Bound, CellId, CmpOp, Env, Func, Val};
use crate::findings::{
    cell_a1, place, Finding, BLANK_IS_ZERO, EMPTY_NOTE_OTHER_TABLE, NEGATIVE_AMOUNT, PRIOR_CARRY,
    PRIOR_CHANGE, PRIOR_FINAL, PRIOR_YEAR, RATE_OVER_100_MET, TEXT_CUT,
};
use crate::form::{show, ColKind, EmptyNoteDef, Form, Severity};
use crate::model::{FormData, RowKind};
use crate::normalize::label_key;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

struct Ctx<'b, 'a> {
    book: &'b Book<'a>,
    out: Vec<Finding>,
    /// Check rules judged, by (form index, rule id): how many times, and how many of those
    /// read a filled cell.
    judged: HashMap<(usize, &'a str), (usize, usize)>,
    /// Check rules that could not be bound, by (form index, rule id): why.
    not_bound: HashMap<(usize, &'a str), BindError>,
    /// The blank amounts of every amount equation that held (a derived sum, an `=` check):
    /// each is shown to be zero by the table's own sums.
    held_blanks: Vec<Vec<CellId>>,
}

impl Ctx<'_, '_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        severity: Severity,
        rule: &str,
        fi: usize,
        target: Option<&CellId>,
        related: &[CellId],
        expected: Option<String>,
        found: Option<String>,
        message: String,
        fixable: bool,
    ) {
        let (form, data) = (self.book.forms[fi].0, &self.book.forms[fi].1);
        let cell = target.and_then(|t| cell_a1(self.book, t, fi));
        let mut rel: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for a in related.iter().filter_map(|c| cell_a1(self.book, c, fi)) {
            if seen.insert(a.clone()) {
                rel.push(a);
            }
        }
        self.out.push(Finding {
            related: rel,
            expected,
            found,
            target: target.cloned(),
            fixable,
            ..Finding::new(severity, rule, &form.id, data.sheet.clone(), cell, message)
        });
    }

    /// "公开02表 C10（2010450 事业运行·本年收入合计）" — the form's own sheet cell.
    fn place(&self, c: &CellId) -> String {
        place(self.book, c)
    }
}

/// Every finding of the workbook's forms (reading notices are added by the caller).
pub fn audit(book: &Book, calc: &Calc) -> Vec<Finding> {
    audited(book, calc).out
}

/// [`audit`], with which rules ran and how they came out.
pub fn audit_covered(book: &Book, calc: &Calc) -> (Vec<Finding>, Coverage) {
    let ctx = audited(book, calc);
    let coverage = crate::coverage::of_rules(book, calc, &ctx.out, &ctx.judged, &ctx.not_bound);
    (ctx.out, coverage)
}

/// The audit, with what it noted of the check rules on the way.
fn audited<'b, 'a>(book: &'b Book<'a>, calc: &Calc) -> Ctx<'b, 'a> {
    let mut ctx = Ctx {
        book,
        out: Vec::new(),
        judged: HashMap::new(),
        not_bound: HashMap::new(),
        held_blanks: Vec::new(),
    };
    derived_findings(&mut ctx, calc);
    check_rules(&mut ctx, calc);
    superseded(book, &mut ctx.out);
    blanks_shown_zero(&mut ctx);
    for fi in 0..book.forms.len() {
        hierarchy(&mut ctx, fi);
        empty_note(&mut ctx, fi);
        placeholders(&mut ctx, fi);
        negatives(&mut ctx, calc, fi);
    }
    code_names(&mut ctx);
    unit_names(&mut ctx);
    ctx.out.extend(money_scale::yuan_likely(book));
    let mut missing: HashSet<(usize, String)> = HashSet::new();
    for (fi, rule, err) in &calc.unbound {
        unbound(&mut ctx, &mut missing, *fi, rule, err);
    }
    for f in crate::score::check::audit(book, calc) {
        let repeated = f.rule == "cross-table-skipped"
            && ctx
                .out
                .iter()
                .any(|o| o.rule == f.rule && o.form == f.form && o.message == f.message);
        if !repeated {
            ctx.out.push(f);
        }
    }
    ctx
}

fn unbound(
    ctx: &mut Ctx,
    missing: &mut HashSet<(usize, String)>,
    fi: usize,
    rule: &str,
    err: &BindError,
) {
    match err {
        BindError::MissingForm(id) => {
            if missing.insert((fi, id.clone())) {
                let other = id.clone();
                ctx.push(
                    Severity::Info,
                    "cross-table-skipped",
                    fi,
                    None,
                    &[],
                    None,
                    None,
                    format!(
                        "工作簿中没有可审核的 {other}，{}与它之间的表间核对已跳过",
                        ctx.book.forms[fi].0.table_no
                    ),
                    false,
                );
            }
        }
        // A part read without its header, a sum a row without code may belong to: its reading
        // notice said so, and coverage lists the rule as not judged.
        BindError::AbsentColumn(_) | BindError::CodeUnknown(_) => {}
        other => ctx.push(
            Severity::Warning,
            "rule-not-applied",
            fi,
            None,
            &[],
            None,
            None,
            format!("规则 {rule} 无法应用于本表：{other}"),
            false,
        ),
    }
}

fn derived_findings(ctx: &mut Ctx, calc: &Calc) {
    for d in calc.derived.values() {
        let fi = d.cell.form;
        let kind = ctx.book.kind(&d.cell);
        let held = matches!(d.agreement, Agreement::Exact | Agreement::Tail { .. });
        if held && kind == ColKind::Amount && !d.filled.is_blank() {
            let blanks = blank_inputs_of(ctx.book, calc, &d.bound);
            ctx.held_blanks.push(blanks);
        }
        if d.agreement == Agreement::Exact {
            continue;
        }
        let mut reads = Vec::new();
        if let Agreement::PartRepeats { part, .. } | Agreement::ReadsRepeated { part, .. } =
            &d.agreement
        {
            // The likely error first among the cells the finding relates.
            reads.push(part.clone());
        }
        d.bound.cells(&mut reads);
        let found = show(kind, &d.filled);
        let (severity, expected, message, fixable) =
            disagreement(ctx, calc, d, kind, &reads, &found);
        ctx.push(
            severity,
            &d.rule_id,
            fi,
            Some(&d.cell),
            &reads,
            expected,
            Some(found),
            message,
            fixable,
        );
    }
}

/// The message of a total (shown `found`, its parts adding to `exp`) one of whose parts,
/// `part`, repeats it while the others add up to it (`rest`).
fn repeat_message(
    ctx: &Ctx,
    place: &str,
    rule_name: &str,
    (exp, found): (&str, &str),
    part: &CellId,
    rest: Decimal,
) -> String {
    format!(
        "{place}：{rule_name}，按各项计算为 {exp}，填报 {found}；其中 {}填报 {found}，等于本合计，\
         其余各项之和 {} 与本合计相符，疑为该项误填了合计数，请核对（本合计按填报数参与其他核对）",
        ctx.place(part),
        show(ctx.book.kind(part), &Val::Num(rest))
    )
}

/// How derived cell `d`'s filled value (shown as `found`) disagrees with what its rule
/// computes: the finding's severity, the expected value, the message and whether fix resolves
/// it. Only these depend on how it disagrees; the finding is the derived cell's either way.
fn disagreement(
    ctx: &Ctx,
    calc: &Calc,
    d: &Derived,
    kind: ColKind,
    reads: &[CellId],
    found: &str,
) -> (Severity, Option<String>, String, bool) {
    let exp = show(kind, &d.expected);
    let place = ctx.place(&d.cell);
    let rule = ctx.book.forms[d.cell.form]
        .0
        .derive()
        .iter()
        .find(|r| *r.id == *d.rule_id);
    let severity = rule.map_or(Severity::Error, |r| r.severity);
    match &d.agreement {
        Agreement::PartsBlank => {
            let parts = reads
                .iter()
                .map(|c| ctx.book.describe(c))
                .collect::<Vec<_>>()
                .join("、");
            (
                rule.and_then(|r| r.blank_parts).unwrap_or(severity),
                None,
                format!(
                    "{place}：填报 {found}，但其组成项（{parts}）均未填写，无法核对“{}”；请填写各组成项",
                    d.rule_name
                ),
                false,
            )
        }
        Agreement::PartsAbsent => (
            Severity::Info,
            Some(exp.clone()),
            format!(
                "{place}：填报 {found}，按表中各项计算为 {exp}；{}，差额可能在该列，无法核对“{}”",
                ctx.book.absent_named(&d.bound),
                d.rule_name
            ),
            false,
        ),
        Agreement::PartRepeats { part, rest } => (
            severity,
            None,
            repeat_message(ctx, &place, &d.rule_name, (&exp, found), part, *rest),
            false,
        ),
        Agreement::ReadsRepeated { part, total } => (
            Severity::Info,
            None,
            format!(
                "{place}：{}，按各项计算为 {exp}，填报 {found}；其中 {}疑为误填了 {} 的合计数，\
                 不计该项则与填报数相符（本格按填报数参与其他核对）",
                d.rule_name,
                ctx.place(part),
                ctx.place(total)
            ),
            false,
        ),
        Agreement::Tail { diff, tolerance } => (
            Severity::Info,
            Some(exp.clone()),
            format!(
                "{place}：{}，按各项计算为 {exp}，填报 {found}，相差 {}（{} 项允许 ±{}），可能为尾差",
                d.rule_name,
                diff.normalize(),
                d.bound.term_count(),
                tolerance.normalize()
            ),
            true,
        ),
        _ if d.filled.is_blank() => (
            severity,
            Some(exp.clone()),
            format!("{place}：{}，应为 {exp}，但未填写", d.rule_name),
            true,
        ),
        _ => {
            let diff = match (&d.filled, &d.expected) {
                (Val::Num(a), Val::Num(b)) => format!("，相差 {}", show(kind, &Val::Num(*a - *b))),
                _ => String::new(),
            };
            let blanks = blank_note(ctx.book, calc, reads);
            (
                severity,
                Some(exp.clone()),
                format!(
                    "{place}：{}，应为 {exp}，填报 {found}{diff}{blanks}",
                    d.rule_name
                ),
                true,
            )
        }
    }
}

fn check_rules<'a>(ctx: &mut Ctx<'_, 'a>, calc: &Calc) {
    let book = ctx.book;
    let env = Settled { book, calc };
    let mut missing = HashSet::new();
    for (fi, &(form, _)) in book.forms.iter().enumerate() {
        for rule in form.check() {
            let insts = match book.instances(fi, rule, false) {
                Ok(i) => i,
                Err(e) => {
                    ctx.not_bound.insert((fi, &*rule.id), e.clone());
                    unbound(ctx, &mut missing, fi, &rule.id, &e);
                    continue;
                }
            };
            // Rows of a merged text (一级指标 over ten indicators) judge the same sheet cell:
            // report it once.
            let mut seen: HashSet<String> = HashSet::new();
            for inst in insts {
                if inst
                    .condition
                    .as_ref()
                    .is_some_and(|w| !w.eval(&env).truthy())
                {
                    continue;
                }
                let runs = ctx.judged.entry((fi, &*rule.id)).or_default();
                runs.0 += 1;
                runs.1 += usize::from(reads_filled(book, &inst.bound));
                let before = ctx.out.len();
                let j = Judged {
                    fi,
                    rule,
                    bound: &inst.bound,
                    target: inst.target.as_ref(),
                };
                judge(ctx, &env, j);
                if ctx.out.len() > before && book.reads_absent(&inst.bound) {
                    // The difference may be the figures of a column the table lacks.
                    ctx.out.truncate(before);
                    let why = BindError::AbsentColumn(book.absent_named(&inst.bound));
                    ctx.not_bound.insert((fi, &*rule.id), why);
                    continue;
                }
                if let Some(cell) = ctx.out.get(before).and_then(|f| f.cell.clone()) {
                    if !seen.insert(cell) {
                        ctx.out.truncate(before);
                    }
                }
            }
        }
    }
}

/// Whether `b` reads a figure (else the check ran on an empty table: blanks and zeros).
fn reads_filled(book: &Book, b: &Bound) -> bool {
    let mut cells = Vec::new();
    b.cells(&mut cells);
    cells.iter().any(|c| match book.input_ref(c) {
        Val::Blank => false,
        Val::Num(d) => !d.is_zero(),
        _ => true,
    })
}

/// The cell a check without target speaks about: the first cell of its left side that holds
/// something (of Σ 基本支出 over units, the amount actually filled in), else the first.
fn first_cell(b: &Bound, env: &dyn Env) -> Option<CellId> {
    let mut v = Vec::new();
    b.operands(env, &mut v);
    if v.is_empty() {
        b.cells(&mut v);
    }
    v.iter()
        .find(|c| !env.value(c).is_blank())
        .or(v.first())
        .cloned()
}

/// One instance of a check rule to judge: its form, rule, bound expression and target.
struct Judged<'j> {
    fi: usize,
    rule: &'j crate::form::Rule,
    bound: &'j Bound,
    target: Option<&'j CellId>,
}

fn judge(ctx: &mut Ctx, env: &Settled, j: Judged) {
    let Judged {
        fi,
        rule,
        bound,
        target,
    } = j;
    let mut reads = Vec::new();
    bound.cells(&mut reads);
    if let Bound::Cmp(op, l, r) = bound {
        let book = ctx.book;
        let subject = target.cloned().or_else(|| first_cell(l, env));
        let kind = subject.as_ref().map_or(ColKind::Amount, |c| book.kind(c));
        let Some((lv, rv, outcome)) = compared(book, env, bound, kind, &reads) else {
            return;
        };
        let outcome = match (outcome, &subject) {
            (Agreement::Differs, Some(s)) => repeated_in_check(env, s, &reads, &rv),
            (outcome, _) => outcome,
        };
        let held = matches!(outcome, Agreement::Exact | Agreement::Tail { .. });
        if held && *op == CmpOp::Eq && kind == ColKind::Amount && !(lv.is_blank() && rv.is_blank())
        {
            ctx.held_blanks
                .push(blank_inputs(ctx.book, env.calc, &reads));
        }
        // Nothing to say: the messages are built only for a finding.
        if matches!(outcome, Agreement::Exact | Agreement::PartsBlank) {
            return;
        }
        let compared = Compared {
            op: *op,
            right: r,
            values: (lv, rv),
            subject,
            kind,
            outcome,
        };
        compared_finding(ctx, env, fi, rule, &reads, compared);
    } else if !bound.eval(env).truthy() {
        failed_condition(ctx, env, &j, &reads);
    }
}

/// A check at parent cell `subject` of a repeated part row (see [`crate::calc::RowRepeat`])
/// that reads the part (上级科目小计 over its 项's 小计): the part is named, as the derived
/// totals of that row name it; else the check differs.
fn repeated_in_check(env: &Settled, subject: &CellId, reads: &[CellId], right: &Val) -> Agreement {
    let part = (env.calc.repeats.iter())
        .filter_map(|r| r.part_beside(subject))
        .find(|p| reads.contains(p));
    match (part, right) {
        (Some(part), Val::Num(sum)) => {
            let rest = *sum - env.value(&part).num();
            Agreement::PartRepeats { part, rest }
        }
        _ => Agreement::Differs,
    }
}

/// A comparison a check rule made that did not hold exactly.
struct Compared<'r> {
    op: CmpOp,
    right: &'r Bound,
    /// The left and right side's values.
    values: (Val, Val),
    subject: Option<CellId>,
    kind: ColKind,
    outcome: Agreement,
}

/// The finding of a comparison within 尾差 (info) or failed (the rule's severity).
fn compared_finding(
    ctx: &mut Ctx,
    env: &Settled,
    fi: usize,
    rule: &crate::form::Rule,
    reads: &[CellId],
    c: Compared,
) {
    let book = ctx.book;
    let subject = c.subject.as_ref();
    let mut related: Vec<CellId> = Vec::new();
    if let Agreement::PartRepeats { part, .. } = &c.outcome {
        // The likely error first among the cells the finding relates.
        related.push(part.clone());
    }
    related.extend(reads.iter().filter(|r| Some(*r) != subject).cloned());
    let place = subject
        .map(|s| ctx.place(s))
        .unwrap_or_else(|| book.forms[fi].0.table_no.clone());
    let right_desc = right_side(ctx, env, c.right);
    let right = |shown: &str| {
        if right_desc.is_empty() {
            shown.to_string()
        } else {
            format!("{right_desc} {shown}")
        }
    };
    let (ls, rs) = (show(c.kind, &c.values.0), show(c.kind, &c.values.1));
    let message = rule.message.clone().map(|m| {
        m.replace("{expected}", &rs)
            .replace("{found}", &ls)
            .replace("{place}", &place)
    });
    let op = c.op;
    let (severity, expected, message) = match &c.outcome {
        Agreement::PartRepeats { part, rest } => (
            rule.severity,
            None,
            repeat_message(ctx, &place, &rule.name, (&rs, &ls), part, *rest),
        ),
        Agreement::Tail { diff, tolerance } => (
            Severity::Info,
            Some(rs.clone()),
            message.unwrap_or_else(|| {
                format!(
                    "{place}：{}，{ls} 与 {} 相差 {}（允许 ±{}），可能为尾差",
                    rule.name,
                    right(&rs),
                    diff.normalize(),
                    tolerance.normalize()
                )
            }),
        ),
        _ => (
            rule.severity,
            Some(format!(
                "{}{rs}",
                if op == CmpOp::Eq { "" } else { op.symbol() }
            )),
            message.unwrap_or_else(|| {
                let rel = if op == CmpOp::Eq {
                    "≠".to_string()
                } else {
                    format!("不满足 {}", op.symbol())
                };
                format!("{place}：{}，{ls} {rel} {}", rule.name, right(&rs))
            }) + &blank_note(book, env.calc, reads),
        ),
    };
    let f = Some(ls);
    ctx.push(
        severity, &rule.id, fi, subject, &related, expected, f, message, false,
    );
}

/// The cells the right side of a comparison is made of, placed; of many, those that hold
/// something (a group's merged amount, not the empty cells under it).
fn right_side(ctx: &Ctx, env: &Settled, right: &Bound) -> String {
    let mut cs = Vec::new();
    right.operands(env, &mut cs);
    cs.dedup();
    if cs.len() > 1 {
        let filled: Vec<CellId> = cs
            .iter()
            .filter(|c| !env.value(c).is_blank())
            .cloned()
            .collect();
        if !filled.is_empty() {
            cs = filled;
        }
    }
    cs.iter()
        .map(|c| ctx.place(c))
        .collect::<Vec<_>>()
        .join("、")
}

/// The finding of a condition (`in`, `blank`, `and` …) that does not hold.
fn failed_condition(ctx: &mut Ctx, env: &Settled, j: &Judged, reads: &[CellId]) {
    let (fi, rule, bound, target) = (j.fi, j.rule, j.bound, j.target);
    let book = ctx.book;
    let subject = target.cloned().or_else(|| reads.first().cloned());
    let place = subject
        .as_ref()
        .map(|c| ctx.place(c))
        .unwrap_or_else(|| book.forms[fi].0.table_no.clone());
    let related: Vec<CellId> = reads
        .iter()
        .filter(|c| Some(*c) != subject.as_ref())
        .cloned()
        .collect();
    // What the judged cell holds, and for `in(x, …)` the texts it may hold.
    let found = target.map(|t| show(book.kind(t), &env.value(t)));
    let expected = match bound {
        Bound::Call(Func::In, args) => Some(
            args[1..]
                .iter()
                .map(|a| show(ColKind::Text, &a.eval(env)))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        _ => None,
    };
    let detail = match (&expected, &found) {
        (Some(e), Some(f)) => format!("，应为 {e} 之一，填报“{f}”"),
        (None, Some(f)) => format!("，填报“{f}”"),
        _ => String::new(),
    };
    let message = rule
        .message
        .clone()
        .map(|m| m.replace("{place}", &place))
        .unwrap_or_else(|| format!("{place}：不符合“{}”{detail}", rule.name));
    let subject = subject.as_ref();
    ctx.push(
        rule.severity,
        &rule.id,
        fi,
        subject,
        &related,
        expected,
        found,
        message,
        false,
    );
}

/// A failed check whose rule `supersedes` a derivation stands for that derivation's finding at
/// the same cell ("分值合计等于100分" at 总分·分值, where the derivation would ask for the sum
/// 96.5 to be written instead of the 100 the form requires): drop the derivation's.
fn superseded(book: &Book, out: &mut Vec<Finding>) {
    let mut gone: Vec<(String, Option<String>, Option<String>, String)> = Vec::new();
    for f in out.iter().filter(|f| f.severity != Severity::Info) {
        let Some(form) = book.forms.iter().map(|(f, _)| *f).find(|x| x.id == f.form) else {
            continue;
        };
        if let Some(s) = form
            .check()
            .iter()
            .find(|r| *r.id == *f.rule)
            .and_then(|r| r.supersedes.clone())
        {
            gone.push((f.form.clone(), f.sheet.clone(), f.cell.clone(), s));
        }
    }
    out.retain(|f| {
        !gone.iter().any(|(form, sheet, cell, rule)| {
            *form == f.form && *sheet == f.sheet && *cell == f.cell && *rule == f.rule
        })
    });
}

/// Coded rows whose parent 科目 is missing, and codes of a length the hierarchy has no level for.
fn hierarchy(ctx: &mut Ctx, fi: usize) {
    let (form, data) = (ctx.book.forms[fi].0, &ctx.book.forms[fi].1);
    let ix = &ctx.book.index[fi];
    for key in &ix.orphans {
        let Some(row) = data.row(key) else { continue };
        let code = row.code.clone().unwrap_or_default();
        let levels = form
            .panel(&row.panel)
            .and_then(|p| p.coded.as_ref())
            .map(|c| c.levels.clone())
            .unwrap_or_default();
        let parent_len = levels
            .iter()
            .rev()
            .find(|&&l| l < code.len())
            .copied()
            .unwrap_or(3);
        let parent = code.get(..parent_len).unwrap_or("").to_string();
        if data.may_follow_uncoded(key, &parent) {
            // The parent may be the row above printed without its code: its finding says so.
            continue;
        }
        let cell = CellId::whole_row(fi, key.clone());
        let at = data.origin.get(&**key).map(ToString::to_string);
        let message = format!(
            "科目 {code} {} 的上级科目 {parent} 不在表中；下级科目须列在其上级科目之下，上级科目金额为其下级之和",
            row.label.clone().unwrap_or_default()
        );
        ctx.out.push(Finding {
            expected: Some(parent.clone()),
            target: Some(cell),
            ..built_in(
                Severity::Error,
                "parent-code-missing",
                form,
                data,
                at,
                message,
            )
        });
    }
    for row in data.rows.iter().filter(|r| r.kind == RowKind::Coded) {
        let (Some(code), Some(panel)) = (&row.code, form.panel(&row.panel)) else {
            continue;
        };
        let levels = panel
            .coded
            .as_ref()
            .map(|c| c.levels.clone())
            .unwrap_or_default();
        if !levels.contains(&code.len()) {
            let at = data.origin.get(&*row.key).map(ToString::to_string);
            let message = format!(
                "科目代码 {code} 长度为 {} 位，应为类 3 位、款 5 位、项 7 位",
                code.len()
            );
            ctx.out.push(Finding {
                expected: Some(format!(
                    "{} 位",
                    levels
                        .iter()
                        .map(|l| l.to_string())
                        .collect::<Vec<_>>()
                        .join("、")
                )),
                found: Some(format!("{} 位", code.len())),
                ..built_in(Severity::Error, "code-length", form, data, at, message)
            });
        }
    }
}

/// The same 科目代码 carries the same 科目名称 in every table.
fn code_names(ctx: &mut Ctx) {
    let mut first: HashMap<String, (usize, String, String)> = HashMap::new();
    for (fi, (form, data)) in ctx.book.forms.iter().enumerate() {
        for row in &data.rows {
            let (Some(code), Some(name)) = (&row.code, &row.label) else {
                continue;
            };
            if row.kind != RowKind::Coded
                && !form.fixed_row(&row.key).is_some_and(|(_, f)| f.show_code)
            {
                continue;
            }
            if row.kind == RowKind::Fixed {
                continue;
            }
            let key = label_key(name);
            if key.is_empty() {
                continue;
            }
            match first.get(code) {
                None => {
                    first.insert(code.clone(), (fi, name.clone(), key));
                }
                Some((ofi, oname, okey)) if *okey != key => {
                    let at = data.origin.get(&*row.key).map(ToString::to_string);
                    let other = ctx.book.forms[*ofi].0.table_no.clone();
                    let message = format!("科目 {code} 名称为“{name}”，而{other}中同一科目名称为“{oname}”；同一科目代码在各表中的名称应一致");
                    ctx.out.push(Finding {
                        expected: Some(oname.clone()),
                        found: Some(name.clone()),
                        // A wording defect (a shortened name), not a wrong number.
                        ..built_in(Severity::Warning, "code-name", form, data, at, message)
                    });
                }
                _ => {}
            }
        }
    }
}

/// Every table of a workbook names the same unit, the same year and the same money unit: a
/// table that says otherwise than most of them (a 株州 among 株洲, last year's title, 元 among
/// 万元) is a warning at that line.
fn unit_names(ctx: &mut Ctx) {
    const UNIT: StatedAlike = StatedAlike {
        rule: "unit-name",
        noun: "单位名称",
        reference: most_common,
        aside: no_aside,
    };
    agree_across(ctx, UNIT, |d| {
        d.unit
            .as_deref()
            .map(|u| (u, d.unit_at.as_ref().map(ToString::to_string)))
    });
    const YEAR: StatedAlike = StatedAlike {
        rule: "year",
        noun: "年度",
        reference: year_of_book,
        aside: a_year_behind,
    };
    agree_across(ctx, YEAR, |d| {
        d.year
            .as_deref()
            .map(|y| (y, d.year_at.as_ref().map(ToString::to_string)))
    });
    const MONEY_UNIT: StatedAlike = StatedAlike {
        rule: "money-unit-consistent",
        noun: "金额单位",
        reference: most_common,
        aside: no_aside,
    };
    agree_across(ctx, MONEY_UNIT, |d| {
        d.money_unit_named
            .as_ref()
            .map(|(unit, at)| (unit.as_str(), Some(at.to_string())))
    });
}

/// What every table of a workbook must state alike, and how a table that differs is told.
struct StatedAlike {
    rule: &'static str,
    /// What is stated (单位名称).
    noun: &'static str,
    /// The value the tables should state, chosen among those stated.
    reference: for<'v> fn(&[&'v str]) -> Option<&'v str>,
    /// A remark on a differing value against the reference, or nothing.
    aside: fn(&str, &str) -> &'static str,
}

fn no_aside(_: &str, _: &str) -> &'static str {
    ""
}

/// A year one before the workbook's is likely last year's table copied without its title
/// updated.
fn a_year_behind(value: &str, right: &str) -> &'static str {
    match year_before(value, right) {
        true => "（早一年，疑为沿用上年的表未改年度）",
        false => "",
    }
}

/// The most common of the stated values, compared by their label key (on a tie, the first).
fn most_common<'v>(stated: &[&'v str]) -> Option<&'v str> {
    let keys: Vec<String> = stated.iter().map(|v| label_key(v)).collect();
    let key = crate::figures::usual::<String, _>(keys.iter().cloned())?;
    keys.iter().position(|k| *k == key).map(|i| stated[i])
}

/// The workbook's year (see [`crate::figures::workbook_year`]).
fn year_of_book<'v>(stated: &[&'v str]) -> Option<&'v str> {
    crate::figures::workbook_year(stated.iter().copied())
}

/// What `pick` reads from each table (a value and where it is) is the same on all of them;
/// each table that differs from the value the agreement's reference chooses is a warning of
/// its rule at its place.
fn agree_across(
    ctx: &mut Ctx,
    agreement: StatedAlike,
    pick: impl Fn(&crate::model::FormData) -> Option<(&str, Option<String>)>,
) {
    let StatedAlike {
        rule,
        noun,
        reference,
        aside,
    } = agreement;
    let stated: Vec<(usize, &str, Option<String>)> = ctx
        .book
        .forms
        .iter()
        .enumerate()
        .filter_map(|(fi, (_, d))| pick(d).map(|(v, at)| (fi, v, at)))
        .collect();
    let values: Vec<&str> = stated.iter().map(|(_, v, _)| *v).collect();
    let Some(right) = reference(&values) else {
        return;
    };
    let right_key = label_key(right);
    let agreeing: Vec<usize> = (stated.iter())
        .filter(|(_, v, _)| label_key(v) == right_key)
        .map(|(fi, _, _)| *fi)
        .collect();
    let others = match agreeing.as_slice() {
        [one] => ctx.book.forms[*one].0.table_no.clone(),
        many => format!("其他 {} 张表", many.len()),
    };
    for (fi, value, at) in stated {
        if label_key(value) == right_key {
            continue;
        }
        let (form, data) = (ctx.book.forms[fi].0, &ctx.book.forms[fi].1);
        let message = format!(
            "{noun}为“{value}”{}，而{others}为“{right}”；同一工作簿各表的{noun}应一致，请核对",
            aside(value, right)
        );
        ctx.out.push(Finding {
            expected: Some(right.to_string()),
            found: Some(value.to_string()),
            ..built_in(Severity::Warning, rule, form, data, at, message)
        });
    }
}

/// Whether year `a` is the year before `b` ("2023" and "2024年").
fn year_before(a: &str, b: &str) -> bool {
    use crate::figures::year_number;
    matches!((year_number(a), year_number(b)), (Some(a), Some(b)) if a + 1 == b)
}

/// Marks a template leaves for the clerk to replace: left in a filled form they are published
/// as they are (`XX单位`, `待补充`).
const PLACEHOLDERS: [&str; 6] = ["XX", "ＸＸ", "××", "xx", "待补充", "待填写"];

/// The placeholder a text still holds: one of [`PLACEHOLDERS`], or a year missing its last
/// digit (`202 年`).
fn placeholder_in(text: &str) -> Option<String> {
    if let Some(p) = PLACEHOLDERS.iter().find(|p| text.contains(*p)) {
        return Some(p.to_string());
    }
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    chars.windows(4).enumerate().find_map(|(i, w)| {
        let before_digit = i > 0 && chars[i - 1].is_ascii_digit();
        (w[..3] == ['2', '0', '2'] && w[3] == '年' && !before_digit).then(|| "202 年".to_string())
    })
}

/// Texts of a filled form that still hold a template's placeholder: a warning at each cell.
fn placeholders(ctx: &mut Ctx, fi: usize) {
    let (form, data) = (ctx.book.forms[fi].0, &ctx.book.forms[fi].1);
    if data.is_empty() {
        return;
    }
    let mut texts: Vec<(Option<String>, &str)> = Vec::new();
    for row in &data.rows {
        for (col, v) in &row.values {
            if let Val::Text(t) = v {
                texts.push((
                    data.origin
                        .get(&format!("{}.{col}", row.key))
                        .map(ToString::to_string),
                    t,
                ));
            }
        }
    }
    for (key, v) in &data.grid {
        if let Val::Text(t) = v {
            texts.push((data.origin.get(key).map(ToString::to_string), t));
        }
    }
    if let Some(unit) = &data.unit {
        texts.push((data.unit_at.as_ref().map(ToString::to_string), unit));
    }
    for (at, text) in texts {
        let Some(mark) = placeholder_in(text) else {
            continue;
        };
        let message = format!("“{text}”中仍有模板占位内容“{mark}”，请填写实际内容");
        ctx.out.push(Finding {
            found: Some(text.to_string()),
            ..built_in(Severity::Warning, "placeholder", form, data, at, message)
        });
    }
}

/// Amounts filled in negative where the form has no negative (all but the rows and columns
/// its definition names: 结余分配, 年初 and 年末 balances): an error at each cell. Derived cells
/// are left to their rules.
fn negatives(ctx: &mut Ctx, calc: &Calc, fi: usize) {
    let (form, data) = (ctx.book.forms[fi].0, &ctx.book.forms[fi].1);
    let mut found = Vec::new();
    for row in &data.rows {
        for (col, v) in &row.values {
            // Most amounts are not negative: the cell is named only for those that are.
            let Val::Num(d) = v else { continue };
            if !d.is_sign_negative() || d.is_zero() {
                continue;
            }
            let cell = CellId::new(fi, row.key.clone(), col.clone());
            let derived = calc.derived.contains_key(&cell);
            let amount = ctx.book.kind(&cell) == ColKind::Amount;
            if amount && !derived && !form.negative.allows(&row.key, col) {
                found.push(cell);
            }
        }
    }
    for cell in found {
        let shown = show(ColKind::Amount, &ctx.book.input(&cell));
        let message = format!(
            "{}：金额为 {shown}，本表此处不应为负数；请核对（冲减、退回等请按规定列支，并在说明中写明）",
            ctx.place(&cell)
        );
        ctx.push(
            Severity::Error,
            NEGATIVE_AMOUNT,
            fi,
            Some(&cell),
            &[],
            None,
            Some(shown),
            message,
            false,
        );
    }
}

/// The amounts among `cells` the clerk left blank (derived cells have findings of their own).
fn blank_inputs(book: &Book, calc: &Calc, cells: &[CellId]) -> Vec<CellId> {
    inputs_holding(book, calc, cells, |v| matches!(v, Val::Blank))
}

/// The input amounts among `cells` whose value `holds` says yes to, each once.
fn inputs_holding(
    book: &Book,
    calc: &Calc,
    cells: &[CellId],
    holds: fn(&Val) -> bool,
) -> Vec<CellId> {
    let mut found: Vec<CellId> = cells
        .iter()
        .filter(|c| is_amount_input_holding(book, calc, c, holds))
        .cloned()
        .collect();
    found.dedup();
    found
}

/// [`blank_inputs`] of the cells `bound` reads, copying only the blank ones.
fn blank_inputs_of(book: &Book, calc: &Calc, bound: &Bound) -> Vec<CellId> {
    let mut blank = Vec::new();
    bound.each_cell(&mut |c| {
        if is_blank_amount_input(book, calc, c) {
            blank.push(c.clone());
        }
    });
    blank.dedup();
    blank
}

/// An amount the clerk left blank, not a derived cell. A placeholder ("—", "-", "/", "无")
/// is no blank: the clerk wrote that there is nothing, which the sums count as 0.
fn is_blank_amount_input(book: &Book, calc: &Calc, c: &CellId) -> bool {
    is_amount_input_holding(book, calc, c, |v| matches!(v, Val::Blank))
}

/// An amount the clerk filled in (not a derived cell) whose value `holds` says yes to.
fn is_amount_input_holding(book: &Book, calc: &Calc, c: &CellId, holds: fn(&Val) -> bool) -> bool {
    // The test that settles most cells first: most cells read are filled (derived ones too).
    holds(book.input_ref(c)) && !calc.derived.contains_key(c) && book.kind(c) == ColKind::Amount
}

/// How many cells a message names one by one before it counts the rest: a sum over 27 rows
/// of which 22 are blank is read at a glance only so.
const NAMED_AT_MOST: usize = 5;

/// What a failing sum adds when it read blanks or placeholders, so that none is taken for
/// zero unsaid and the cell a missing figure may stand in is named: "；其中 C7（…）未填写，按
/// 0 计算", "；其中 E11（…）填的是表示无数额的符号（如“—”“/”），按 0 计算". (A placeholder
/// under a sum that holds is the form's way of saying zero, and is not told.)
fn blank_note(book: &Book, calc: &Calc, cells: &[CellId]) -> String {
    let named = |found: Vec<CellId>| {
        let places: Vec<String> = (found.iter().take(NAMED_AT_MOST))
            .map(|c| place(book, c))
            .collect();
        match found.len() {
            n if n > NAMED_AT_MOST => format!("{} 等 {n} 个单元格", places.join("、")),
            _ => places.join("、"),
        }
    };
    let mut note = String::new();
    let blank = blank_inputs(book, calc, cells);
    if !blank.is_empty() {
        note += &format!("；其中 {} 未填写，按 0 计算", named(blank));
    }
    let marks = inputs_holding(book, calc, cells, |v| matches!(v, Val::Nothing));
    if !marks.is_empty() {
        note += &format!(
            "；其中 {} 填的是表示无数额的符号（如“—”“/”），按 0 计算",
            named(marks)
        );
    }
    note
}

/// Whether another amount of `cell`'s row is filled with a figure other than zero: a blank in
/// a row of figures is a gap, a row left blank (or zero) throughout is the form's way of saying
/// it has nothing. A single cell (of a grid form) is in the sheet row it was read from; one
/// not read from the sheet at all is not a blank the clerk could fill.
fn row_has_figures(book: &Book, cell: &CellId) -> bool {
    let figure = |v: &Val| matches!(v, Val::Num(d) if !d.is_zero());
    let data = &book.forms[cell.form].1;
    let Some(at) = data.origin.get(&cell.key()) else {
        return false;
    };
    if let Some(own) = cell.column() {
        return book
            .row(cell.form, &cell.row)
            .is_some_and(|r| r.values.iter().any(|(col, v)| **col != *own && figure(v)));
    }
    let same_row = |o: &Place| o.sheet == at.sheet && o.row == at.row;
    data.grid
        .iter()
        .any(|(id, v)| **id != *cell.row && figure(v) && data.origin.get(id).is_some_and(same_row))
}

/// Blank amounts in rows of figures that sums which held read are zero by the table's own
/// sums: one info per table naming them and suggesting 0.00, so that no blank is read as zero
/// without a word (tables that print zero as blank get one line each, not one per cell).
fn blanks_shown_zero(ctx: &mut Ctx) {
    let mut by_form: Vec<Vec<CellId>> = vec![Vec::new(); ctx.book.forms.len()];
    let held_blanks = std::mem::take(&mut ctx.held_blanks);
    let mut seen = HashSet::new();
    for cell in held_blanks.into_iter().flatten() {
        if !seen.contains(&cell) && row_has_figures(ctx.book, &cell) {
            seen.insert(cell.clone());
            by_form[cell.form].push(cell);
        }
    }
    for cells in by_form.iter().filter(|c| !c.is_empty()) {
        let (first, rest) = (&cells[0], &cells[1..]);
        let fi = first.form;
        let brief = |c: &CellId| {
            let at = cell_a1(ctx.book, c, fi).unwrap_or_default();
            format!("{at}（{}）", ctx.book.describe(c))
        };
        let mut shown = vec![ctx.place(first)];
        shown.extend(rest.iter().take(BLANKS_NAMED - 1).map(brief));
        let more = match cells.len() {
            n if n > BLANKS_NAMED => format!("等 {n} 个单元格"),
            _ => String::new(),
        };
        let message = format!(
            "{}{more}未填写；本表合计显示其为 0，建议填 0.00",
            shown.join("、")
        );
        let zero = Some(show(ColKind::Amount, &Val::Num(Decimal::ZERO)));
        ctx.push(
            Severity::Info,
            BLANK_IS_ZERO,
            fi,
            Some(first),
            rest,
            zero,
            None,
            message,
            false,
        );
    }
}

/// How many blank cells a [`BLANK_IS_ZERO`] message names before it counts the rest.
const BLANKS_NAMED: usize = 3;

/// A finding of a built-in check at `at` of a form, its message led by the table and cell.
fn built_in(
    severity: Severity,
    rule: &str,
    form: &crate::form::Form,
    data: &crate::model::FormData,
    at: Option<String>,
    what: String,
) -> Finding {
    let place = at.as_ref().map(|a| format!(" {a}")).unwrap_or_default();
    let message = format!("{}{place}：{what}", form.table_no);
    Finding::new(severity, rule, &form.id, data.sheet.clone(), at, message)
}

/// Words that make a 空表说明 a condition ("此表如无数字则表示…"), true of a table with figures.
const CONDITIONAL: [&str; 3] = ["如无", "若无", "如果"];

/// An empty table must say why (空表说明); a table with figures must not say it has none.
fn empty_note(ctx: &mut Ctx, fi: usize) {
    let (form, data) = (ctx.book.forms[fi].0, &ctx.book.forms[fi].1);
    let Some(note) = &form.empty_note else { return };
    if !data.is_empty() {
        ctx.out.extend(claimed_empty(form, data, note));
        return;
    }
    // A workbook without a single figure is a blank template, not a set of empty tables.
    if ctx.book.forms.iter().all(|(_, d)| d.is_empty()) {
        return;
    }
    let said = data.remarks.iter().any(|r| note.said_by(r));
    ctx.out.extend(copied_note(form, data, note));
    if !said {
        ctx.out.push(missing_note(form, data, note));
    }
}

/// An empty table without its 空表说明: an error; a warning when its 合计 row writes 无 for
/// its figures, for the table then says it is empty, only not why.
fn missing_note(form: &Form, data: &FormData, note: &EmptyNoteDef) -> Finding {
    let (severity, what) = match data.marked_nothing {
        Some(_) => (Severity::Warning, "合计行填“无”，但没有说明原因的空表说明"),
        None => (Severity::Error, "但表下没有空表说明"),
    };
    Finding {
        expected: Some(note.text.clone()),
        fixable: true,
        ..Finding::new(
            severity,
            "empty-table-note",
            &form.id,
            data.sheet.clone(),
            data.marked_nothing.as_ref().map(ToString::to_string),
            format!(
                "{}为空表，{what}；请注明原因，如“{}”",
                form.table_no, note.text
            ),
        )
    }
}

/// A table with figures saying it has none ("如无数字则…" is a condition, not a claim).
fn claimed_empty(form: &Form, data: &FormData, note: &EmptyNoteDef) -> Option<Finding> {
    let claim = data
        .remarks
        .iter()
        .filter(|r| note.said_by(r))
        .find(|r| !CONDITIONAL.iter().any(|w| r.contains(w)))?;
    Some(Finding {
        found: Some(claim.clone()),
        ..Finding::new(
            Severity::Warning,
            "empty-note-with-figures",
            &form.id,
            data.sheet.clone(),
            None,
            format!(
                "{}填有数字，但表下说明“{claim}”称本表无数据；请删去该说明或核对数字",
                form.table_no
            ),
        )
    })
}

/// An empty table's 空表说明 copied from another table: it names another table's words and
/// not this one's fund.
fn copied_note(form: &Form, data: &FormData, note: &EmptyNoteDef) -> Option<Finding> {
    let (claim, word) = data
        .remarks
        .iter()
        .filter(|r| note.said_by(r))
        .find_map(|r| {
            let k = label_key(r);
            let own = note
                .fund
                .as_ref()
                .is_some_and(|f| k.contains(&label_key(f)));
            let word = note
                .other_words
                .iter()
                .find(|w| k.contains(&label_key(w)))?;
            (!own).then_some((r, word))
        })?;
    Some(Finding {
        found: Some(claim.clone()),
        expected: Some(note.text.clone()),
        ..Finding::new(
            Severity::Warning,
            EMPTY_NOTE_OTHER_TABLE,
            &form.id,
            data.sheet.clone(),
            None,
            format!(
                "{}的空表说明“{claim}”说的是“{word}”，不是本表的内容，像是从别的表抄来的；请改为如“{}”",
                form.table_no, note.text
            ),
        )
    })
}

/// The Chinese name of `rule`: the definition's own (of `form`), or a built-in rule's.
pub fn rule_name(form: Option<&crate::form::Form>, rule: &str) -> String {
    form.and_then(|f| f.derive().iter().chain(f.check()).find(|r| *r.id == *rule))
        .map(|r| r.name.to_string())
        .or_else(|| builtin_rule_name(rule).map(str::to_string))
        .unwrap_or_else(|| rule.to_string())
}

/// Names of the rules the program applies besides the definitions' own.
fn builtin_rule_name(rule: &str) -> Option<&'static str> {
    Some(match rule {
        "parent-code-missing" => "下级科目须列在其上级科目之下",
        "code-length" => "科目代码位数须为类、款、项之一",
        "code-name" => "同一科目代码在各表中名称一致",
        "unit-name" => "各表单位名称一致",
        "year" => "各表年度一致",
        "money-unit-consistent" => "各表金额单位一致",
        money_scale::RULE => "金额单位须注明（疑为以元填报）",
        "placeholder" => "不得留有模板占位内容",
        "empty-table-note" => "空表须有空表说明",
        "empty-note-with-figures" => "有数字的表不得注明无数据",
        "not-a-number" => "金额、比率栏须填数字",
        crate::recognize::TRIANGLE_MINUS => "负数以负号填写（“△”读作负号）",
        crate::recognize::TEXT_NUMBERS => "金额以数字填写，不存为文本",
        "value-outside-form" => "表外内容",
        "duplicate-code" => "同一科目代码只出现一次",
        crate::recognize::DUPLICATE_ROW => "同一行只出现一次",
        crate::recognize::UNLABELLED_GROUP_ROW => "行名须标明数值所属的表头分组",
        crate::recognize::LINE_MISMATCH => "行次与标准格式一致",
        crate::recognize::COLUMN_BY_MARK => "栏目名称与标准格式一致",
        crate::recognize::CUT_LABEL => "行名须完整印出",
        crate::recognize::SUBTOTAL_ROW => "小计行等于其上各行之和，不计入各行",
        crate::recognize::PAGE_TOTAL_ROW => "分页小计行不是表的行",
        crate::recognize::OTHER_TABLE_NO => "表号与表格一致",
        crate::load::SHOWN_ROUNDED => "存储的数值与显示的数值一致",
        crate::load::FORMULA_WITHOUT_VALUE => "公式须保存计算结果",
        crate::load::FORMULA_COMPUTED => "公式须保存计算结果（已代为计算）",
        crate::load::MAYBE_CUT_ROW => "跨页断开的行须完整读取",
        crate::load::UNPAIRED_COLUMNS => "后页的续列须与其行对应",
        "duplicate-form" => "同一张表只出现一次",
        "sheet-skipped" => "工作表未识别",
        crate::load::LEFT_OPEN => "校正后留待人工核对的须核对",
        crate::load::NO_FORM => "文件须含可审核的表",
        "duplicate-sheet-name" => "工作表名称不可重复",
        TEXT_CUT => "单元格文字不超过 32767 个字符",
        "cross-table-skipped" => "表间审核未能进行",
        NEGATIVE_AMOUNT => "金额不应为负数",
        BLANK_IS_ZERO => "为零的金额建议填 0.00",
        EMPTY_NOTE_OTHER_TABLE => "空表说明须说本表的内容",
        RATE_OVER_100_MET => "控制率超过100%不得评为达标（满分）",
        PRIOR_CARRY => "年初结转和结余等于上年年末结转和结余",
        PRIOR_CHANGE => "较上年变动较大须说明",
        PRIOR_YEAR => "上年文件须为上一年度",
        PRIOR_FINAL => "上年决算数等于上年决算公开数",
        "indicator-score" => "自评得分按评（扣）分标准计算",
        "rule-full-points" => "评（扣）分标准的满分等于分值",
        "rule-unreadable" => "评（扣）分标准须人工评分",
        "rule-not-applied" => "审核规则无法应用于本表",
        crate::findings::CODE_NAME_RULE => "汇总的各单位同一科目代码名称一致",
        crate::findings::MERGED_INPUT_RULE => "汇总表不与其下单位重复汇总",
        _ => return crate::statements::rule_name(rule),
    })
}
