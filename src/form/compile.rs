//! Turns a form file into a checked `Form`: ids unique, header rows as wide as the table,
//! rule expressions parsed, inputs not derived. Cross-form checks (references, cycles,
//! overlapping merges) are done by the catalog once every form is known.

use super::compile_rule::{RuleSources, SelectablePanel};
use super::compiled::*;
use super::def::*;
use super::error::{Ctx, DefError};
use super::printed::cell_index_at;
use super::rules_once::{Rules, RulesAt};
use super::source::Source;
use crate::expr::parse;
use crate::model::Key;
use std::collections::HashSet;

/// Parse and structurally check one form file (TOML), its rules compiled.
pub fn compile_form(file: &str, text: &str) -> Result<Form, DefError> {
    compile_form_from(file, Source::Toml(text), RulesAt::Load)
}

/// [`compile_form`] of a definition in either of its texts, its rules compiled when `at`
/// says.
pub(crate) fn compile_form_from(file: &str, source: Source, at: RulesAt) -> Result<Form, DefError> {
    let def = parse_definition(file, source)?;
    let ctx = Ctx {
        file,
        form: def.id.clone(),
    };
    let sheet_name = checked_names(&ctx, &def)?;
    let mut ids = Ids::default();
    let mut blocks = Vec::new();
    for (bi, b) in def.blocks.iter().enumerate() {
        blocks.push(compile_block(&ctx, bi, b, &mut ids)?);
    }
    for c in &def.signature {
        if let GridCellDef::Cell { id: Some(id), .. } = c {
            if !ids.grid.insert(id.clone()) {
                return Err(ctx.err("signature", format!("单元格 id“{id}”重复")));
            }
        }
    }
    if let Some(id) = def.unit_field.as_ref().filter(|id| !ids.grid.contains(*id)) {
        return Err(ctx.err("unit_field", format!("未知的单元格 id“{id}”")));
    }
    let rule_sources = RuleSources {
        file: file.to_string(),
        form: def.id.clone(),
        derive: def.derive,
        check: def.check,
        panels: blocks
            .iter()
            .flat_map(|b| &b.panels)
            .map(|p| SelectablePanel {
                id: p.id.clone(),
                grouped: p.list.as_ref().is_some_and(|l| l.group_by.is_some()),
            })
            .collect(),
    };
    let rules = Rules::new(rule_sources, at)?;
    let scoring = match &def.scoring {
        Some(sd) => Some(compile_scoring(&ctx, sd, &blocks)?),
        None => None,
    };
    let width = blocks.iter().map(|b| b.width).max().unwrap_or(0);
    Ok(Form {
        file: file.to_string(),
        id: def.id,
        table_no: def.table_no,
        title: def.title,
        family: def.family,
        sheet_name,
        aliases: def.aliases,
        unit_label: def.unit_label,
        unit_field: def.unit_field,
        period: def.period,
        money_unit: def.money_unit,
        landscape: def.landscape,
        repeatable: def.repeatable,
        notes: def.notes,
        empty_note: def.empty_note,
        signature: def.signature,
        blocks,
        rules,
        scoring,
        review: def.review,
        figures: def.figures,
        prior: def.prior,
        negative: def.negative,
        width,
        without_optional: Default::default(),
    })
}

/// A form file's definition (TOML, or the build's JSON of it), or where it cannot be read
/// (by line).
fn parse_definition(file: &str, source: Source) -> Result<FormFile, DefError> {
    source.parse().map_err(|e| DefError {
        file: file.to_string(),
        form: "?".into(),
        field: e
            .line
            .map(|l| format!("第 {l} 行"))
            .unwrap_or_else(|| "?".into()),
        message: e.brief,
    })
}

/// The form's id checked (it names files) and its sheet name (checked against Excel's rules).
fn checked_names(ctx: &Ctx, def: &FormFile) -> Result<String, DefError> {
    if def.id.trim().is_empty() {
        return Err(ctx.err("id", "表的 id 不能为空"));
    }
    // The id names files (`export --format csv` writes ID.csv): letters, digits, - and _
    // only, so no id reaches outside the folder it is written to.
    let safe = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if def.id.len() > 64 || !def.id.chars().all(safe) {
        return Err(ctx.err(
            "id",
            format!(
                "表的 id“{}”只能由英文字母、数字、- 和 _ 组成（至多 64 个字符）",
                def.id
            ),
        ));
    }
    let sheet_name = def
        .sheet_name
        .clone()
        .unwrap_or_else(|| def.table_no.clone());
    if sheet_name.chars().count() > 31 || sheet_name.contains(['[', ']', ':', '*', '?', '/', '\\'])
    {
        return Err(ctx.err(
            "sheet_name",
            format!("工作表名“{sheet_name}”超过 31 个字符或含有 Excel 不允许的字符"),
        ));
    }
    Ok(sheet_name)
}

/// The ids seen so far in a form: each must be unique within it.
#[derive(Default)]
struct Ids {
    rows: HashSet<String>,
    blocks: HashSet<String>,
    panels: HashSet<String>,
    lines: HashSet<u32>,
    grid: HashSet<String>,
}

fn compile_block(ctx: &Ctx, bi: usize, b: &BlockDef, ids: &mut Ids) -> Result<Block, DefError> {
    let bfield = format!("blocks[{bi}]（{}）", b.id);
    if !ids.blocks.insert(b.id.clone()) {
        return Err(ctx.err(bfield, format!("区块 id“{}”重复", b.id)));
    }
    let mut panels = Vec::new();
    for (pi, p) in b.panels.iter().enumerate() {
        panels.push(compile_panel(
            ctx,
            &format!("{bfield}.panels[{pi}]（{}）", p.id),
            p,
            ids,
        )?);
    }
    check_parents(ctx, &bfield, &panels)?;
    let table_width = checked_header_width(ctx, &bfield, b, &panels)?;
    let width = table_width.max(checked_grid_width(ctx, &bfield, b, ids)?);
    Ok(Block {
        id: b.id.clone(),
        header: header_with_optional_columns(ctx, &bfield, b, &panels)?,
        column_numbers: b.column_numbers,
        side_label: b.side_label.clone(),
        panels,
        grid: b.grid.clone(),
        footer: b.footer.clone(),
        width,
    })
}

fn compile_panel(ctx: &Ctx, pfield: &str, p: &PanelDef, ids: &mut Ids) -> Result<Panel, DefError> {
    if !ids.panels.insert(p.id.clone()) {
        return Err(ctx.err(pfield, format!("栏目组 id“{}”重复", p.id)));
    }
    check_columns(ctx, pfield, p)?;
    let mut rows = Vec::new();
    for (ri, r) in p.rows.iter().enumerate() {
        let rfield = || format!("{pfield}.rows[{ri}]");
        rows.push(compile_row(ctx, &rfield, r, p, ids)?);
    }
    if p.coded.is_some() && !ids.rows.insert(Key::Total.as_str().into()) {
        return Err(ctx.err(pfield, "一张表只能有一个科目行栏目组（合计行 id 为 total）"));
    }
    Ok(Panel {
        id: p.id.clone(),
        columns: p.columns.clone(),
        rows,
        coded: p.coded.clone(),
        list: p.list.clone(),
    })
}

/// A panel's columns: ids unique, spans not zero, the list's grouping column known, and not
/// both coded and list rows.
fn check_columns(ctx: &Ctx, pfield: &str, p: &PanelDef) -> Result<(), DefError> {
    let mut col_ids = HashSet::new();
    for c in &p.columns {
        if !col_ids.insert(&*c.id) {
            return Err(ctx.err(format!("{pfield}.columns"), format!("列 id“{}”重复", c.id)));
        }
        if c.span == 0 {
            return Err(ctx.err(format!("{pfield}.columns.{}", c.id), "span 不能为 0"));
        }
    }
    if let Some(g) = p.list.as_ref().and_then(|l| l.group_by.as_ref()) {
        if !p.columns.iter().any(|c| *c.id == **g) {
            return Err(ctx.err(format!("{pfield}.list.group_by"), format!("未知的列“{g}”")));
        }
    }
    if p.coded.is_some() && p.list.is_some() {
        return Err(ctx.err(
            pfield,
            "一个栏目组不能同时是科目行（coded）和清单行（list）",
        ));
    }
    Ok(())
}

/// A fixed row of a panel, checked; `rfield` names it in an error (made only then: a form
/// has hundreds of rows).
fn compile_row(
    ctx: &Ctx,
    rfield: &dyn Fn() -> String,
    r: &RowDef,
    p: &PanelDef,
    ids: &mut Ids,
) -> Result<FixedRow, DefError> {
    let id = match (&r.id, r.line, &r.code) {
        (Some(id), _, _) => id.clone(),
        (None, Some(l), _) => format!("L{l}"),
        (None, None, Some(c)) => c.clone(),
        (None, None, None) => {
            return Err(ctx.err(rfield(), "固定行需要 id、line（行次）或 code 之一"))
        }
    };
    if !ids.rows.insert(id.clone()) {
        return Err(ctx.err(rfield(), format!("行 id“{id}”重复")));
    }
    if let Some(l) = r.line {
        if !ids.lines.insert(l) {
            return Err(ctx.err(rfield(), format!("行次 {l} 重复")));
        }
    }
    for i in r.inputs.iter().flatten() {
        if !p.columns.iter().any(|c| *c.id == **i) {
            return Err(ctx.err(format!("{}.inputs", rfield()), format!("未知的列“{i}”")));
        }
    }
    if let Some(span) = r.label_span {
        let width: u16 = p.columns.iter().map(|c| c.span).sum();
        let at: u16 = p
            .columns
            .iter()
            .take_while(|c| c.kind != ColKind::Label)
            .map(|c| c.span)
            .sum();
        if at + span > width {
            return Err(ctx.err(
                format!("{}.label_span", rfield()),
                format!(
                    "标签跨 {span} 列，超出栏目组“{}”的宽度（{width} 列），会与相邻单元格重叠",
                    p.id
                ),
            ));
        }
    }
    Ok(FixedRow {
        id,
        line: r.line,
        label: r.label.clone(),
        aliases: r.aliases.clone(),
        code: r.code.clone(),
        show_code: r.show_code,
        inputs: r.inputs.clone(),
        blank: r.blank,
        indent: r.indent,
        parent: r.parent.clone(),
        label_span: r.label_span,
    })
}

/// Every row's `parent` names a row of the block.
fn check_parents(ctx: &Ctx, bfield: &str, panels: &[Panel]) -> Result<(), DefError> {
    for (pi, p) in panels.iter().enumerate() {
        for r in &p.rows {
            let Some(parent) = &r.parent else { continue };
            if !panels
                .iter()
                .any(|q| q.rows.iter().any(|x| &x.id == parent))
            {
                return Err(ctx.err(
                    format!("{bfield}.panels[{pi}].rows（{}）.parent", r.id),
                    format!("未知的上级行“{parent}”"),
                ));
            }
        }
    }
    Ok(())
}

/// The block's table width (its side label and panels); each header row must cover the panels.
fn checked_header_width(
    ctx: &Ctx,
    bfield: &str,
    b: &BlockDef,
    panels: &[Panel],
) -> Result<u16, DefError> {
    let side = u16::from(b.side_label.is_some());
    let printed_width: u16 = panels.iter().map(Panel::printed_width).sum();
    for ri in 0..b.header.len() {
        let covered = header_row_width(&b.header, ri);
        if !panels.is_empty() && covered != printed_width {
            return Err(ctx.err(
                format!("{bfield}.header[{ri}]"),
                format!(
                    "表头第 {} 行宽 {covered} 列，而表格有 {printed_width} 列（不计可选列）",
                    ri + 1
                ),
            ));
        }
    }
    Ok(side + panels.iter().map(Panel::width).sum::<u16>())
}

/// The block's header with a cell for each optional column, its `label` spanning every header
/// row: the definition's header is the printed form's, which has no such column. An optional
/// column must fall between two cells of the first header row.
fn header_with_optional_columns(
    ctx: &Ctx,
    bfield: &str,
    b: &BlockDef,
    panels: &[Panel],
) -> Result<Vec<Vec<HeaderCellDef>>, DefError> {
    let mut header = b.header.clone();
    if header.is_empty() {
        return Ok(header);
    }
    let rows = header.len() as u32;
    let mut panel_start = 0u16;
    for p in panels {
        for c in p.columns.iter().filter(|c| c.optional) {
            let field = format!("{bfield}.panels（{}）.columns.{}", p.id, c.id);
            let Some(label) = &c.label else {
                return Err(ctx.err(field, "可选列须有 label（表头文字）"));
            };
            let pos = panel_start + p.column_offset(&c.id).unwrap_or(0);
            let Some(at) = cell_index_at(&header[0], pos) else {
                return Err(ctx.err(field, "可选列须位于表头第 1 行两格之间"));
            };
            let cell = HeaderCellDef::Cell {
                text: label.clone(),
                cols: c.span,
                rows,
            };
            header[0].insert(at, cell);
        }
        panel_start += p.width();
    }
    Ok(header)
}

/// The widest row of the block's grid and footer; their cell ids must be unique in the form.
fn checked_grid_width(
    ctx: &Ctx,
    bfield: &str,
    b: &BlockDef,
    ids: &mut Ids,
) -> Result<u16, DefError> {
    let mut grid_width = 0u16;
    for (gi, row) in b.grid.iter().chain(b.footer.iter()).enumerate() {
        for c in row {
            if let GridCellDef::Cell { id: Some(id), .. } = c {
                if !ids.grid.insert(id.clone()) || ids.rows.contains(id) {
                    return Err(ctx.err(
                        format!("{bfield}.grid[{gi}]"),
                        format!("单元格 id“{id}”重复"),
                    ));
                }
            }
        }
        grid_width = grid_width.max(row.iter().map(grid_cols).sum());
    }
    Ok(grid_width)
}

fn compile_scoring(ctx: &Ctx, sd: &ScoringDef, blocks: &[Block]) -> Result<Scoring, DefError> {
    let panel = blocks
        .iter()
        .flat_map(|b| b.panels.iter())
        .find(|p| p.id == sd.panel)
        .ok_or_else(|| ctx.err("scoring.panel", format!("未知的栏目组“{}”", sd.panel)))?;
    if panel.list.is_none() {
        return Err(ctx.err(
            "scoring.panel",
            format!("栏目组“{}”不是清单行（list），不能作为指标行", sd.panel),
        ));
    }
    check_scoring_columns(ctx, sd, panel)?;
    let score_cells = score_cells(ctx, sd, blocks)?;
    let actual_from = compile_actual_from(ctx, sd)?;
    if !sd.met_at_most_100.is_empty() && (sd.actual.is_none() || sd.score.is_none()) {
        return Err(ctx.err(
            "scoring.met_at_most_100",
            "没有实际完成值列或自评得分列（scoring.actual、scoring.score），无从核对",
        ));
    }
    Ok(Scoring {
        panel: sd.panel.clone(),
        name: sd.name.clone(),
        rule: sd.rule.clone(),
        target: sd.target.clone(),
        actual: sd.actual.clone(),
        unit: sd.unit.clone(),
        weight: sd.weight.clone(),
        score: sd.score.clone(),
        score_cells,
        actual_from,
        met_at_most_100: sd.met_at_most_100.clone(),
    })
}

/// Each column `[scoring]` names is a column of its panel, numeric for 分值 and 得分 and text
/// for the others.
fn check_scoring_columns(ctx: &Ctx, sd: &ScoringDef, panel: &Panel) -> Result<(), DefError> {
    let named: [(&str, Option<&String>); 7] = [
        ("name", Some(&sd.name)),
        ("rule", sd.rule.as_ref()),
        ("target", Some(&sd.target)),
        ("actual", sd.actual.as_ref()),
        ("unit", sd.unit.as_ref()),
        ("weight", Some(&sd.weight)),
        ("score", sd.score.as_ref()),
    ];
    for (field, col) in named {
        let Some(col) = col else { continue };
        let Some(c) = panel.column(col) else {
            return Err(ctx.err(
                format!("scoring.{field}"),
                format!("栏目组“{}”没有列“{col}”", sd.panel),
            ));
        };
        let numeric = matches!(field, "weight" | "score");
        if numeric != c.kind.is_numeric() {
            return Err(ctx.err(
                format!("scoring.{field}"),
                format!(
                    "列“{col}”的类型为 {:?}，{}",
                    c.kind,
                    if numeric {
                        "分值、得分列应为数字列（score）"
                    } else {
                        "指标名称、评分标准、指标值、实际完成值、计量单位列应为文字列（text）"
                    }
                ),
            ));
        }
    }
    Ok(())
}

/// `actual_from`: each needs the 实际完成值 column and at least one indicator name, and its
/// expression must parse.
fn compile_actual_from(ctx: &Ctx, sd: &ScoringDef) -> Result<Vec<ActualFrom>, DefError> {
    let mut actual_from = Vec::new();
    for (i, a) in sd.actual_from.iter().enumerate() {
        let field = format!("scoring.actual_from[{i}]（{}）", a.id);
        if sd.actual.is_none() {
            return Err(ctx.err(field, "没有实际完成值列（scoring.actual），无从核对"));
        }
        if a.indicators.is_empty() {
            return Err(ctx.err(format!("{field}.indicators"), "至少给出一个指标名称"));
        }
        let expr = parse(&a.expr).map_err(|e| ctx.err(format!("{field}.expr"), e.to_string()))?;
        actual_from.push(ActualFrom {
            id: a.id.clone(),
            name: a.name.clone(),
            indicators: a.indicators.clone(),
            expr,
        });
    }
    Ok(actual_from)
}

/// `score_cells`: each a grid score cell with the grid score cell of its 分值.
fn score_cells(
    ctx: &Ctx,
    sd: &ScoringDef,
    blocks: &[Block],
) -> Result<Vec<(String, String)>, DefError> {
    let is_score_cell = |id: &str| {
        blocks
            .iter()
            .flat_map(|b| b.grid.iter().chain(b.footer.iter()))
            .flatten()
            .any(|c| matches!(c, GridCellDef::Cell { id: Some(i), kind: Some(ColKind::Score), .. } if i == id))
    };
    for id in sd.score_cells.iter().flat_map(|(s, w)| [s, w]) {
        if !is_score_cell(id) {
            return Err(ctx.err(
                "scoring.score_cells",
                format!("“{id}”不是本表分数类型（score）的单元格"),
            ));
        }
    }
    Ok(sd
        .score_cells
        .iter()
        .map(|(s, w)| (s.clone(), w.clone()))
        .collect())
}

/// Columns covered in header row `ri`, counting cells spanning down from rows above.
fn header_row_width(header: &[Vec<HeaderCellDef>], ri: usize) -> u16 {
    let own: u16 = header[ri].iter().map(HeaderCellDef::cols).sum();
    let from_above: u16 = header[..ri]
        .iter()
        .enumerate()
        .flat_map(|(r, row)| row.iter().map(move |c| (r, c)))
        .filter(|(r, c)| (*r as u32) + c.rows() > ri as u32)
        .map(|(_, c)| c.cols())
        .sum();
    own + from_above
}
