//! `explain`: how a workbook was read — per sheet the form it was taken for and why, every
//! logical cell with the address it was read from, the cells read as the form's own words,
//! and the values left outside the form — so a clerk whose workbook is misread sees where.

use crate::cellref::Place;
use crate::expr::Val;
use crate::form::{Catalog, Form};
use crate::layout::header_cells;
use crate::load::FormColumnNames;
use crate::model::FormData;
use crate::normalize::{a1, decimal_text};
use crate::read::{read_workbook_with, Workbook};
use crate::recognize::{recognize_workbook, Outcome, Recognized};
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Serialize)]
pub struct FileExplained {
    pub path: String,
    pub sheets: Vec<SheetExplained>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The units of a workbook holding several units' sets, each audited on its own sheets.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<crate::load::Unit>,
}

#[derive(Debug, Serialize)]
pub struct SheetExplained {
    pub sheet: String,
    /// The form id, or null for a sheet no form was recognised in.
    pub form: Option<String>,
    pub table_no: Option<String>,
    /// Why the sheet was taken for the form, or why it was skipped.
    pub why: String,
    pub cells: Vec<CellExplained>,
    /// Cells read as the form's own words (title, unit line, header, labels, codes, notes).
    pub words: Vec<String>,
    pub strays: Vec<StrayExplained>,
}

#[derive(Debug, Serialize)]
pub struct CellExplained {
    /// The logical cell (`L27.amount`, `201.c1`, `fund_rate`).
    pub key: String,
    /// The row's label or 科目名称 and the column's label, as people name the cell.
    pub name: String,
    pub address: String,
    /// The page the cell was printed on, for a form read from a PDF.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    pub value: String,
}

#[derive(Debug, Serialize)]
pub struct StrayExplained {
    pub address: String,
    pub text: String,
}

/// Read a file and say how every sheet was read.
pub fn explain_file(catalog: &Catalog, path: &Path) -> FileExplained {
    let shown = path.display().to_string();
    let wb = match read_workbook_with(path, &FormColumnNames::new(catalog)) {
        Ok(wb) => wb,
        Err(e) => {
            return FileExplained {
                path: shown,
                sheets: vec![],
                error: Some(e.to_string()),
                units: vec![],
            }
        }
    };
    let own = |name: &str| {
        wb.sheet(name)
            .is_some_and(crate::load::own::is_own_audit_sheet)
    };
    let detail = |name: &str| {
        wb.sheet(name)
            .is_some_and(crate::load::own::is_own_detail_sheet)
    };
    let outcomes = recognize_workbook(catalog, &wb);
    let sheet_of = |rec: &Recognized| rec.data.sheet.clone().unwrap_or_default();
    let sheets = outcomes
        .iter()
        .map(|o| match o {
            Outcome::Form(rec) if rec.data.sheet.as_deref().is_some_and(own) => {
                skipped(sheet_of(rec), OWN_AUDIT_SHEET.into())
            }
            Outcome::Form(rec) if rec.data.sheet.as_deref().is_some_and(detail) => {
                skipped(sheet_of(rec), OWN_DETAIL_SHEET.into())
            }
            Outcome::Form(rec) => explain_form(rec, &wb),
            Outcome::Skipped { sheet, reason } => skipped(sheet.clone(), reason.clone()),
        })
        .collect();
    let units = crate::load::units_of(catalog, &wb, outcomes);
    FileExplained {
        path: shown,
        sheets,
        error: None,
        units: units.into_iter().filter_map(|u| u.unit).collect(),
    }
}

/// Why a sheet fix wrote is not read as a form.
const OWN_AUDIT_SHEET: &str =
    "这是 fiscalform 校正时写的审核结果，不是报表，不作报表读取；其中“处理”仍为“需人工核对”的错误，审核时照样报告";
const OWN_DETAIL_SHEET: &str = "这是 fiscalform 汇总时写的汇总明细，不是报表，不读取";

fn skipped(sheet: String, why: String) -> SheetExplained {
    SheetExplained {
        sheet,
        form: None,
        table_no: None,
        why,
        cells: vec![],
        words: vec![],
        strays: vec![],
    }
}

fn explain_form(rec: &Recognized, wb: &Workbook) -> SheetExplained {
    SheetExplained {
        sheet: rec.data.sheet.clone().unwrap_or_default(),
        form: Some(rec.form.id.clone()),
        table_no: Some(rec.form.table_no.clone()),
        why: match crate::recognize::unplaced_numbers(rec) {
            Some(cells) => format!(
                "{}；但有 {} 处数值对应不到表中的单元格，无法识别数值位置，本表未审核",
                rec.why,
                cells.len()
            ),
            None => rec.why.clone(),
        },
        cells: read_cells(rec, wb),
        words: rec.words.iter().map(|&(r, c)| a1(r, c)).collect(),
        strays: rec
            .data
            .strays
            .iter()
            .map(|s| StrayExplained {
                address: s.cell.to_string(),
                text: s.text.clone(),
            })
            .collect(),
    }
}

/// Every logical cell that holds a value, with where it was read from, in reading order.
fn read_cells(rec: &Recognized, wb: &Workbook) -> Vec<CellExplained> {
    let data = &rec.data;
    let page = |address: &Place| {
        let (r, c) = address.local()?;
        wb.page_at(data.sheet.as_deref()?, r, c)
    };
    data.origin
        .iter()
        .filter_map(|(key, address)| {
            let (value, name) = value_of(rec, data, key)?;
            (value != Val::Blank).then(|| CellExplained {
                key: key.clone(),
                name,
                address: address.to_string(),
                page: page(address),
                value: shown(&value),
            })
        })
        .collect()
}

/// The value of a logical cell and how people name it; None for an origin that is a row's.
fn value_of(rec: &Recognized, data: &FormData, key: &str) -> Option<(Val, String)> {
    if let Some(v) = data.grid.get(key) {
        return Some((v.clone(), key.to_string()));
    }
    let (row_key, col) = key.rsplit_once('.')?;
    let row = data.row(row_key)?;
    let col_label = column_name(rec.form, &row.panel, col).unwrap_or_else(|| col.to_string());
    let row_label = row.label.clone().unwrap_or_else(|| row_key.to_string());
    Some((row.get(col), format!("{row_label}·{col_label}")))
}

/// How people name column `col` of panel `panel`: its label, after the top header cell over
/// it when another column of the panel has the same label (公开09表's 预算数·合计 and 决算数·合计).
fn column_name(form: &Form, panel: &str, col: &str) -> Option<String> {
    let (block, pi) = form.blocks.iter().find_map(|b| {
        let pi = b.panels.iter().position(|p| p.id == panel)?;
        Some((b, pi))
    })?;
    let p = &block.panels[pi];
    let label = p.columns.iter().find(|c| *c.id == *col)?.label.clone()?;
    let twice = p
        .columns
        .iter()
        .filter(|c| c.label.as_ref() == Some(&label))
        .count()
        > 1;
    let pos = block.panel_offset(pi) + p.column_offset(col)?;
    let top = header_cells(block)
        .into_iter()
        .find(|h| h.row == 0 && h.cols > 1 && h.col <= pos && pos < h.col + h.cols)
        .filter(|_| twice);
    Some(match top {
        Some(h) => format!("{}·{label}", h.text),
        None => label,
    })
}

/// The explanation as text for people.
pub fn render_text(files: &[FileExplained]) -> String {
    let mut out = String::new();
    for f in files {
        out.push_str(&format!("== {}\n", f.path));
        if let Some(e) = &f.error {
            out.push_str(&format!("  无法读取：{e}\n"));
            continue;
        }
        if !f.units.is_empty() {
            out.push_str(&format!(
                "工作簿中有 {} 个单位的报表，各自审核：\n",
                f.units.len()
            ));
        }
        for u in &f.units {
            out.push_str(&format!(
                "  单位“{}”：工作表 {}\n",
                u.name,
                u.sheets.join("、")
            ));
        }
        for s in &f.sheets {
            render_sheet(&mut out, s);
        }
    }
    out
}

fn render_sheet(out: &mut String, s: &SheetExplained) {
    let Some(no) = &s.table_no else {
        out.push_str(&format!(
            "工作表“{}”：未识别为任何表格（{}）\n",
            s.sheet, s.why
        ));
        return;
    };
    out.push_str(&format!("工作表“{}”：认定为{no}（{}）\n", s.sheet, s.why));
    out.push_str(&format!("  读到的数值 {} 个：\n", s.cells.len()));
    for c in &s.cells {
        let at = match c.page {
            Some(p) => format!("第{p}页 {}", c.address),
            None => c.address.clone(),
        };
        out.push_str(&format!("    {at:<6} {}  = {}\n", c.name, c.value));
    }
    out.push_str(&format!(
        "  作为标题、表头、行名、代码或注释读取的单元格 {} 个\n",
        s.words.len()
    ));
    if s.strays.is_empty() {
        out.push_str("  表外内容：无\n");
    } else {
        out.push_str(&format!(
            "  表外内容 {} 处（已保留，未参与审核）：\n",
            s.strays.len()
        ));
        for st in &s.strays {
            out.push_str(&format!("    {:<6} “{}”\n", st.address, st.text));
        }
    }
}

/// A value as the sheet showed it.
fn shown(v: &Val) -> String {
    match v {
        Val::Blank => String::new(),
        Val::Nothing => "——".into(),
        Val::Num(d) => decimal_text(*d),
        Val::Text(t) => t.clone(),
        Val::Bool(b) => if *b { "是" } else { "否" }.into(),
    }
}
