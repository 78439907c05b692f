//! Compiles a form's rule definitions into [`Rule`]s: ids unique, targets and row selectors
//! read against the form's panels, expressions parsed once.

use super::def::RuleDef;
use super::error::{Ctx, DefError};
use super::rule::*;
use crate::expr::{parse, Expr, Ref, Template};
use std::collections::HashSet;

/// What compiling a form's rules reads: their definitions, and of the form its file, its id
/// and the panels a row selector may name.
#[derive(Debug)]
pub(super) struct RuleSources {
    pub(super) file: String,
    pub(super) form: String,
    pub(super) derive: Vec<RuleDef>,
    pub(super) check: Vec<RuleDef>,
    pub(super) panels: Vec<SelectablePanel>,
}

/// A panel as a row selector names it: its id, and whether its list is grouped (`:groups`).
#[derive(Debug)]
pub(super) struct SelectablePanel {
    pub(super) id: String,
    pub(super) grouped: bool,
}

/// The form's derive and check rules; a check may supersede only a derive rule of the form.
pub(super) fn compile_form_rules(src: &RuleSources) -> Result<CompiledRules, DefError> {
    let ctx = &Ctx {
        file: &src.file,
        form: src.form.clone(),
    };
    let mut rule_ids = HashSet::new();
    let panels = &src.panels;
    let derive = compile_rules(ctx, &src.derive, RuleSet::Derive, panels, &mut rule_ids)?;
    let check = compile_rules(ctx, &src.check, RuleSet::Check, panels, &mut rule_ids)?;
    for (i, c) in check.iter().enumerate() {
        let Some(s) = &c.supersedes else { continue };
        if !derive.iter().any(|d| *d.id == **s) {
            return Err(ctx.err(
                format!("check[{i}]（{}）.supersedes", c.id),
                format!("没有 id 为“{s}”的计算规则"),
            ));
        }
    }
    Ok(CompiledRules { derive, check })
}

/// Compiles one list of rule definitions; `ids` holds the ids seen so far in the form.
fn compile_rules(
    ctx: &Ctx,
    defs: &[RuleDef],
    set: RuleSet,
    panels: &[SelectablePanel],
    ids: &mut HashSet<String>,
) -> Result<Vec<Rule>, DefError> {
    let mut out = Vec::new();
    for (i, r) in defs.iter().enumerate() {
        let field = format!("{}[{i}]（{}）", set.field(), r.id);
        if !ids.insert(r.id.clone()) {
            return Err(ctx.err(field, format!("规则 id“{}”重复", r.id)));
        }
        out.push(compile_rule(ctx, r, set, panels, &field)?);
    }
    Ok(out)
}

fn compile_rule(
    ctx: &Ctx,
    r: &RuleDef,
    set: RuleSet,
    panels: &[SelectablePanel],
    field: &str,
) -> Result<Rule, DefError> {
    // `where = "code"` selects the rows that have a code; anything else is a condition.
    let (only_coded, condition) = match r.r#where.as_deref() {
        None => (false, None),
        Some("code") => (true, None),
        Some(_) if set != RuleSet::Check => {
            return Err(ctx.err(
                format!("{field}.where"),
                "条件 where 只能用于核对规则（check）：计算单元格须在每一行都有公式",
            ))
        }
        Some(src) => (false, Some(template(ctx, src, &format!("{field}.where"))?)),
    };
    let target = match (&r.rows, r.cells.is_empty()) {
        (Some(sel), true) => {
            if r.columns.is_empty() {
                return Err(ctx.err(field, "按行的规则需要 columns"));
            }
            Target::Rows {
                selector: selector(ctx, sel, panels, &format!("{field}.rows"))?,
                columns: r.columns.clone(),
                only_coded,
            }
        }
        (None, false) => Target::Cells(cells(ctx, &r.cells, &format!("{field}.cells"))?),
        (None, true) if set == RuleSet::Check => Target::Cells(Vec::new()),
        _ => return Err(ctx.err(field, "cells 与 rows 须且只须给出一个")),
    };
    let expr = template(ctx, &r.expr, &format!("{field}.expr"))?;
    let severity = match r.severity.as_deref() {
        None => Severity::Error,
        Some(s) => severity_field(ctx, s, &format!("{field}.severity"))?,
    };
    let blank_parts = match r.blank_parts.as_deref() {
        None => None,
        Some(_) if set != RuleSet::Derive => {
            return Err(ctx.err(
                format!("{field}.blank_parts"),
                "blank_parts 只用于计算规则（derive）",
            ))
        }
        Some(s) => Some(severity_field(ctx, s, &format!("{field}.blank_parts"))?),
    };
    let tolerance = tolerance(ctx, r, set, field)?;
    if r.supersedes.is_some() && set != RuleSet::Check {
        return Err(ctx.err(
            format!("{field}.supersedes"),
            "supersedes 只用于核对规则（check）",
        ));
    }
    Ok(Rule {
        id: r.id.as_str().into(),
        name: r.name.as_str().into(),
        target,
        expr,
        severity,
        message: r.message.clone(),
        supersedes: r.supersedes.clone(),
        condition,
        tolerance,
        blank_parts,
    })
}

/// An expression or condition: parsed, and refused when it compares texts with `==`, `<` ….
fn template(ctx: &Ctx, src: &str, field: &str) -> Result<Template, DefError> {
    let t = Template::parse(src).map_err(|e| ctx.err(field, e.to_string()))?;
    text_comparisons(t.expr()).map_err(|m| ctx.err(field, m))?;
    Ok(t)
}

fn severity_field(ctx: &Ctx, s: &str, field: &str) -> Result<Severity, DefError> {
    severity_of(s).ok_or_else(|| {
        ctx.err(
            field,
            format!("未知的级别“{s}”（应为 error、warning 或 info）"),
        )
    })
}

fn tolerance(
    ctx: &Ctx,
    r: &RuleDef,
    set: RuleSet,
    field: &str,
) -> Result<Option<rust_decimal::Decimal>, DefError> {
    let Some(t) = r.tolerance.as_deref() else {
        return Ok(None);
    };
    if set != RuleSet::Derive {
        return Err(ctx.err(
            format!("{field}.tolerance"),
            "tolerance 只用于计算规则（derive）",
        ));
    }
    t.trim()
        .parse::<rust_decimal::Decimal>()
        .ok()
        .filter(|d| !d.is_sign_negative())
        .map(Some)
        .ok_or_else(|| {
            ctx.err(
                format!("{field}.tolerance"),
                format!("“{t}”不是非负数（如 \"0.5\"）"),
            )
        })
}

/// Reads `rows = "…"`: a panel of the form with an optional `:filter`, else one row id.
fn selector(
    ctx: &Ctx,
    sel: &str,
    panels: &[SelectablePanel],
    field: &str,
) -> Result<Selector, DefError> {
    let (panel, filter) = sel.split_once(':').unwrap_or((sel, ""));
    let Some(p) = panels.iter().find(|p| p.id == panel) else {
        return Ok(Selector::Row(sel.to_string()));
    };
    let rows = match filter {
        "" => RowFilter::All,
        "parents" => RowFilter::Parents,
        "leaves" => RowFilter::Leaves,
        "coded" => RowFilter::Coded,
        "list" => RowFilter::List,
        "fixed" => RowFilter::Fixed,
        "groups" if p.grouped => RowFilter::Groups,
        "groups" => {
            return Err(ctx.err(
                field,
                format!("栏目组“{panel}”没有分组（list.group_by），不能用 {panel}:groups"),
            ))
        }
        other => {
            return Err(ctx.err(
                field,
                format!(
                    "未知的行选择“{other}”（可用 parents、leaves、coded、list、fixed、groups）"
                ),
            ))
        }
    };
    Ok(Selector::Panel {
        panel: panel.to_string(),
        rows,
    })
}

/// Reads `cells = […]`: each a cell reference.
fn cells(ctx: &Ctx, cells: &[String], field: &str) -> Result<Vec<Ref>, DefError> {
    cells
        .iter()
        .map(|c| match parse(c) {
            Ok(Expr::Ref(r)) => Ok(r),
            Ok(_) => Err(ctx.err(field, format!("“{c}”不是单元格引用"))),
            Err(e) => Err(ctx.err(field, e.to_string())),
        })
        .collect()
}

/// `==`, `<` … compare numbers: a text operand (`level1 == "成本指标"`) would compare 0 with 0
/// and always hold, so it is refused in favour of `in(level1, "成本指标")`.
fn text_comparisons(e: &Expr) -> Result<(), String> {
    match e {
        Expr::Cmp(_, a, b) => {
            if matches!(**a, Expr::Str(_)) || matches!(**b, Expr::Str(_)) {
                return Err(
                    "比较运算（==、<= 等）只比较数值；比较文字请用 in(列, \"文字\", …)".into(),
                );
            }
            text_comparisons(a)?;
            text_comparisons(b)
        }
        Expr::Neg(x) | Expr::Not(x) => text_comparisons(x),
        Expr::Bin(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => {
            text_comparisons(a)?;
            text_comparisons(b)
        }
        Expr::Call(_, args) => args.iter().try_for_each(text_comparisons),
        _ => Ok(()),
    }
}
