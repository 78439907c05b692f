//! The 汇总明细 sheet of a merged workbook: one line per total (or score) of each form, one
//! column per unit with its share, and the department's figure — for added cells a live
//! `SUM` over the units' columns — printable, filterable, its header frozen.

use super::{clip, wrapped_lines, MAX_CELL_TEXT};
use crate::expr::Val;
use crate::form::ColKind;
use crate::load::own::{DETAIL_HEADER_ROW as HEADER_ROW, DETAIL_LEAD, DETAIL_SHEET};
use crate::merge::{Detail, DetailRow, Way};
use crate::normalize::a1;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Worksheet, XlsxError};

/// Width of each column before the units' ([`DETAIL_LEAD`]).
const LEAD_WIDTHS: [f64; 4] = [9.0, 22.0, 34.0, 12.0];
/// Width of a unit's column and of the department's.
const UNIT_WIDTH: f64 = 14.0;

struct Formats {
    text: Format,
    head: Format,
    amount: Format,
    rate: Format,
    score: Format,
    total: Format,
}

impl Formats {
    fn new() -> Formats {
        let text = Format::new()
            .set_font_name("宋体")
            .set_font_size(10)
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        let amount = text.clone().set_num_format("#,##0.00");
        Formats {
            head: text
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color("#D9E1F2"),
            rate: text.clone().set_num_format("0.00%"),
            score: text.clone().set_num_format("0.##"),
            total: amount.clone().set_bold().set_background_color("#FFF2CC"),
            amount,
            text,
        }
    }

    fn of(&self, kind: ColKind) -> &Format {
        match kind {
            ColKind::Amount => &self.amount,
            ColKind::Rate => &self.rate,
            ColKind::Score | ColKind::Number => &self.score,
            _ => &self.text,
        }
    }
}

/// The 汇总明细 sheet of `detail`.
pub fn detail_sheet(detail: &Detail) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(DETAIL_SHEET)?;
    let f = Formats::new();
    let title = Format::new()
        .set_font_name("黑体")
        .set_font_size(14)
        .set_bold();
    ws.write_string_with_format(0, 0, "汇总明细：各单位对各合计数的贡献", &title)?;
    let note = format!(
        "共 {} 个单位。各单位相加的，汇总数为对各单位列求和的公式；比率按汇总后的金额重新计算；得分与文字不相加，取第一个填报的单位。汇总表经审核校正后的数见各表与“审核结果”。",
        detail.units.len()
    );
    let plain = Format::new().set_font_name("宋体").set_font_size(10);
    ws.write_string_with_format(1, 0, note, &plain)?;
    let units = detail.units.len() as u16;
    let lead = DETAIL_LEAD.len() as u16;
    for (c, (name, width)) in DETAIL_LEAD.iter().zip(LEAD_WIDTHS).enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, *name, &f.head)?;
        ws.set_column_width(c as u16, width)?;
    }
    for (u, (name, file)) in detail.units.iter().enumerate() {
        let c = lead + u as u16;
        let file = std::path::Path::new(file)
            .file_name()
            .map_or_else(|| file.clone(), |n| n.to_string_lossy().to_string());
        ws.write_string_with_format(HEADER_ROW, c, format!("{name}\n{file}"), &f.head)?;
        ws.set_column_width(c, UNIT_WIDTH)?;
    }
    ws.write_string_with_format(HEADER_ROW, lead + units, "汇总数", &f.head)?;
    ws.set_column_width(lead + units, UNIT_WIDTH)?;
    let head_lines = detail
        .units
        .iter()
        .map(|(n, file)| wrapped_lines(&format!("{n}\n{file}"), UNIT_WIDTH))
        .max()
        .unwrap_or(1);
    ws.set_row_height(HEADER_ROW, super::wrapped_row_height(head_lines))?;
    for (i, row) in detail.rows.iter().enumerate() {
        write_line(&mut ws, HEADER_ROW + 1 + i as u32, row, &f)?;
    }
    let last_row = HEADER_ROW + detail.rows.len() as u32;
    super::set_up_list(&mut ws, HEADER_ROW, last_row, lead + units)?;
    ws.set_freeze_panes(HEADER_ROW + 1, lead)?;
    Ok(ws)
}

/// One line: the cell's names, each unit's share and the department's figure.
fn write_line(ws: &mut Worksheet, r: u32, row: &DetailRow, f: &Formats) -> Result<(), XlsxError> {
    let names = [
        row.table_no.as_str(),
        row.title.as_str(),
        row.item.as_str(),
        row.way.chinese(),
    ];
    for (c, text) in names.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, clip(text, MAX_CELL_TEXT), &f.text)?;
    }
    let lead = DETAIL_LEAD.len() as u16;
    for (u, v) in row.shares.iter().enumerate() {
        write_value(ws, r, lead + u as u16, row.kind, v, f)?;
    }
    let c = lead + row.shares.len() as u16;
    match (row.way, &row.merged) {
        (Way::Add, Val::Num(d)) if !row.shares.is_empty() => {
            let range = format!("{}:{}", a1(r, lead), a1(r, c - 1));
            let formula = Formula::new(format!("=SUM({range})")).set_result(d.to_string());
            let format = if row.kind == ColKind::Amount {
                &f.total
            } else {
                f.of(row.kind)
            };
            ws.write_formula_with_format(r, c, formula, format)?;
        }
        (_, v) => write_value(ws, r, c, row.kind, v, f)?,
    }
    let lines =
        wrapped_lines(&row.item, LEAD_WIDTHS[2]).max(wrapped_lines(&row.title, LEAD_WIDTHS[1]));
    ws.set_row_height(r, super::wrapped_row_height(lines))?;
    Ok(())
}

fn write_value(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    kind: ColKind,
    v: &Val,
    f: &Formats,
) -> Result<(), XlsxError> {
    match v {
        Val::Num(d) => {
            ws.write_number_with_format(r, c, d.to_f64().unwrap_or_default(), f.of(kind))?
        }
        Val::Blank => ws.write_blank(r, c, f.of(kind))?,
        other => ws.write_string_with_format(
            r,
            c,
            clip(&crate::form::show(kind, other), MAX_CELL_TEXT),
            &f.text,
        )?,
    };
    Ok(())
}
