//! JSON and CSV: every form's logical cells (values and text, amounts as decimal strings),
//! unit, year, remarks, the values outside the forms and the other sheets — exported for
//! scripts and analysis, and imported back (JSON), refusing anything that does not fit a form
//! with the path of the offending field.

use crate::calc::blank_data;
use crate::cellref::Place;
use crate::expr::Val;
use crate::form::{Catalog, ColKind, Form, Panel};
use crate::load::{Content, KeptCell, OtherSheet};
use crate::model::{FormData, Key, RowData, RowKind, RowValues};
use crate::normalize::parse_a1_range;
use crate::read::{Cell, Merge};
use crate::recognize::UNCODED;
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

/// `format` of the JSON document.
pub const FORMAT: &str = "fiscalform";
/// Version of the JSON schema (README, "JSON").
pub const VERSION: u64 = 1;

#[derive(Serialize)]
struct DocOut<'a> {
    format: &'static str,
    version: u64,
    source: &'a str,
    forms: Vec<FormOut>,
    other_sheets: Vec<SheetOut>,
}

#[derive(Serialize)]
struct FormOut {
    id: String,
    table_no: String,
    sheet: Option<String>,
    unit: Option<String>,
    /// The unit whose set the form is of, in a workbook holding several units' sets.
    #[serde(skip_serializing_if = "Option::is_none")]
    unit_set: Option<String>,
    year: Option<String>,
    rows: Vec<RowOut>,
    cells: IndexMap<String, Value>,
    remarks: Vec<String>,
    strays: Vec<Value>,
}

#[derive(Serialize)]
struct RowOut {
    panel: String,
    key: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    values: IndexMap<String, Value>,
}

#[derive(Serialize)]
struct SheetOut {
    name: String,
    cells: Vec<Value>,
    merges: Vec<String>,
}

fn kind_name(k: RowKind) -> &'static str {
    match k {
        RowKind::Fixed => "fixed",
        RowKind::Total => "total",
        RowKind::Coded => "coded",
        RowKind::List => "list",
    }
}

/// A logical cell's value in JSON: numbers as decimal strings ("526.36", rates as fractions
/// "0.7968"), "——" for explicitly nothing, text as a string in a text cell and as
/// `{"text": …}` in a numeric one (a value that is not a number, kept as typed).
pub fn value_json(kind: ColKind, v: &Val) -> Option<Value> {
    match v {
        Val::Blank => None,
        Val::Nothing => Some(Value::String("——".into())),
        Val::Num(d) => Some(Value::String(d.to_string())),
        Val::Text(t) if kind.is_numeric() => Some(json!({ "text": t })),
        Val::Text(t) => Some(Value::String(t.clone())),
        Val::Bool(b) => Some(Value::Bool(*b)),
    }
}

fn raw_json(k: &KeptCell) -> Value {
    let mut m = Map::new();
    m.insert("cell".into(), Value::String(k.cell.to_string()));
    match &k.value {
        Cell::Number(d) => m.insert("number".into(), Value::String(d.to_string())),
        Cell::Text(t) => m.insert("text".into(), Value::String(t.clone())),
        Cell::Bool(b) => m.insert("bool".into(), Value::Bool(*b)),
        Cell::Error(e) => m.insert("error".into(), Value::String(e.clone())),
        Cell::Empty => None,
    };
    if let Some(mg) = k.merge {
        m.insert("merge".into(), Value::String(mg.to_string()));
    }
    Value::Object(m)
}

fn column_kind(form: &Form, panel: &str, col: &str) -> Option<ColKind> {
    form.panel(panel)?.column(col).map(|c| c.kind)
}

/// The JSON document of a workbook's content (README, "JSON").
pub fn to_json(content: &Content) -> String {
    to_json_units(std::slice::from_ref(content))
}

/// [`to_json`] of a workbook holding several units' sets: their forms one set after another,
/// each naming its unit in `unit_set`; the sheets of no unit's set once.
pub fn to_json_units(units: &[Content]) -> String {
    let forms = units.iter().flat_map(forms_out).collect();
    let mut other_sheets: Vec<SheetOut> = Vec::new();
    for sheet in units.iter().flat_map(others_out) {
        if !other_sheets.iter().any(|o| o.name == sheet.name) {
            other_sheets.push(sheet);
        }
    }
    let doc = DocOut {
        format: FORMAT,
        version: VERSION,
        source: units.first().map_or("", |c| c.source.as_str()),
        forms,
        other_sheets,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The forms of one content as exported.
fn forms_out(content: &Content) -> Vec<FormOut> {
    content
        .forms
        .iter()
        .zip(content.strays.iter())
        .map(|((form, data), strays)| FormOut {
            id: form.id.clone(),
            table_no: form.table_no.clone(),
            sheet: data.sheet.clone(),
            unit: data.unit.clone(),
            unit_set: content.unit.as_ref().map(|u| u.name.clone()),
            year: data.year.clone(),
            rows: data
                .rows
                .iter()
                .map(|r| RowOut {
                    panel: r.panel.clone(),
                    key: r.key.to_string(),
                    kind: kind_name(r.kind),
                    code: r.code.clone().filter(|_| r.kind == RowKind::Coded),
                    label: r.label.clone(),
                    line: r.line,
                    values: r
                        .values
                        .iter()
                        .filter_map(|(c, v)| {
                            let kind = column_kind(form, &r.panel, c).unwrap_or(ColKind::Amount);
                            value_json(kind, v).map(|j| (c.to_string(), j))
                        })
                        .collect(),
                })
                .collect(),
            cells: data
                .grid
                .iter()
                .filter_map(|(id, v)| {
                    let kind = form.grid_kind(id).unwrap_or(ColKind::Amount);
                    value_json(kind, v).map(|j| (id.clone(), j))
                })
                .collect(),
            remarks: data.remarks.clone(),
            strays: strays.iter().map(raw_json).collect(),
        })
        .collect()
}

/// The other sheets of one content as exported.
fn others_out(content: &Content) -> Vec<SheetOut> {
    content
        .others
        .iter()
        .map(|o| SheetOut {
            name: o.name.clone(),
            cells: o.cells.iter().map(raw_json).collect(),
            merges: o.merges.iter().map(|m| m.to_string()).collect(),
        })
        .collect()
}

/// Why a JSON document was refused: the path of the bad field and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}：{}", self.path, self.message)
        }
    }
}

impl std::error::Error for ImportError {}

fn bad<T>(path: &str, message: impl Into<String>) -> Result<T, ImportError> {
    Err(ImportError {
        path: path.to_string(),
        message: message.into(),
    })
}

fn object<'v>(
    v: &'v Value,
    path: &str,
    allowed: &[&str],
) -> Result<&'v Map<String, Value>, ImportError> {
    let Some(m) = v.as_object() else {
        return bad(path, format!("应为对象 {{…}}，实为 {}", type_name(v)));
    };
    for k in m.keys() {
        if !allowed.contains(&k.as_str()) {
            return bad(
                &format!("{path}.{k}"),
                format!("未知字段（此处可用的字段：{}）", allowed.join(", ")),
            );
        }
    }
    Ok(m)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "布尔值",
        Value::Number(_) => "数字",
        Value::String(_) => "字符串",
        Value::Array(_) => "数组",
        Value::Object(_) => "对象",
    }
}

fn opt_string(
    m: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<String>, ImportError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => bad(
            &format!("{path}.{key}"),
            format!("应为字符串，实为 {}", type_name(v)),
        ),
    }
}

fn array<'v>(m: &'v Map<String, Value>, key: &str, path: &str) -> Result<&'v [Value], ImportError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(v) => bad(
            &format!("{path}.{key}"),
            format!("应为数组 […]，实为 {}", type_name(v)),
        ),
    }
}

/// A decimal number in the range of real figures ([`crate::normalize::in_input_range`]).
fn decimal(s: &str) -> Option<Decimal> {
    let t = s.trim();
    Decimal::from_str(t)
        .ok()
        .or_else(|| Decimal::from_scientific(t).ok())
        .filter(|d| crate::normalize::in_input_range(*d))
}

/// A logical cell's value from JSON, for a cell of `kind` (inverse of [`value_json`]).
fn parse_value(kind: ColKind, v: &Value, path: &str) -> Result<Val, ImportError> {
    match (v, kind.is_numeric()) {
        (Value::Null, _) => Ok(Val::Blank),
        (Value::Bool(_), true) => bad(
            path,
            "应为数字（写成十进制字符串，如 \"526.36\"），实为 true/false",
        ),
        (Value::Bool(b), false) => Ok(Val::Bool(*b)),
        (Value::String(s), true) => {
            let t = s.trim();
            if t.is_empty() {
                Ok(Val::Blank)
            } else if t == "——" {
                Ok(Val::Nothing)
            } else {
                match decimal(t) {
                    Some(d) => Ok(Val::Num(d)),
                    None => bad(
                        path,
                        format!(
                            "“{s}”不是数字或超出范围（绝对值应在 1e-10 与 1e15 之间）；金额、比率、分值写成十进制字符串（如 \"526.36\"、比率 \"0.7968\"），没有数据写 \"——\" 或省略，确需保留的文字写成 {{\"text\": \"…\"}}"
                        ),
                    ),
                }
            }
        }
        (Value::Number(n), true) => match decimal(&n.to_string()) {
            Some(d) => Ok(Val::Num(d)),
            None => bad(
                path,
                format!("数字 {n} 超出范围（绝对值应在 1e-10 与 1e15 之间）"),
            ),
        },
        (Value::Object(_), true) => {
            let m = object(v, path, &["text"])?;
            match m.get("text") {
                Some(Value::String(t)) => Ok(Val::Text(t.clone())),
                _ => bad(&format!("{path}.text"), "应为字符串"),
            }
        }
        (Value::String(s), false) => Ok(if s.trim().is_empty() {
            Val::Blank
        } else {
            Val::Text(s.clone())
        }),
        (other, false) => bad(
            path,
            format!("这是文字栏，应为字符串，实为 {}", type_name(other)),
        ),
        (other, true) => bad(
            path,
            format!("应为数字字符串（如 \"526.36\"），实为 {}", type_name(other)),
        ),
    }
}

fn parse_raw(v: &Value, path: &str, with_merge: bool) -> Result<KeptCell, ImportError> {
    let allowed: &[&str] = if with_merge {
        &["cell", "number", "text", "bool", "error", "merge"]
    } else {
        &["cell", "number", "text", "bool", "error"]
    };
    let m = object(v, path, allowed)?;
    let cell = match m.get("cell") {
        None => return bad(path, "缺少 cell（单元格地址，如 \"C40\"）"),
        Some(v) => match v.as_str().and_then(Place::from_a1) {
            Some(cell) => cell,
            None => return bad(&format!("{path}.cell"), "应为单元格地址，如 \"C40\""),
        },
    };
    let kinds: Vec<&str> = ["number", "text", "bool", "error"]
        .into_iter()
        .filter(|k| m.contains_key(*k))
        .collect();
    if kinds.len() != 1 {
        return bad(path, "应恰有 number、text、bool、error 之一");
    }
    let p = format!("{path}.{}", kinds[0]);
    let value = match (kinds[0], &m[kinds[0]]) {
        ("number", Value::String(s)) => match decimal(s) {
            Some(d) => Cell::Number(d),
            None => return bad(&p, format!("“{s}”不是数字")),
        },
        ("number", Value::Number(n)) => match decimal(&n.to_string()) {
            Some(d) => Cell::Number(d),
            None => return bad(&p, format!("数字 {n} 超出范围")),
        },
        ("text", Value::String(s)) if !s.is_empty() => Cell::Text(s.clone()),
        ("bool", Value::Bool(b)) => Cell::Bool(*b),
        ("error", Value::String(s)) if s.starts_with('#') => Cell::Error(s.clone()),
        (_, other) => return bad(&p, format!("类型不符：{}", type_name(other))),
    };
    let merge = match m.get("merge") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(parse_merge(s, &format!("{path}.merge"))?),
        Some(_) => return bad(&format!("{path}.merge"), "应为区域，如 \"C40:E40\""),
    };
    if let Some(mg) = merge {
        if (mg.first_row, mg.first_col) != (cell.row, cell.col) {
            return bad(
                &format!("{path}.merge"),
                format!("合并区域应从 {cell} 开始"),
            );
        }
    }
    Ok(KeptCell { cell, value, merge })
}

fn parse_merge(s: &str, path: &str) -> Result<Merge, ImportError> {
    match parse_a1_range(s) {
        Some(((r1, c1), (r2, c2))) if r1 <= r2 && c1 <= c2 => Ok(Merge {
            first_row: r1,
            first_col: c1,
            last_row: r2,
            last_col: c2,
        }),
        _ => bad(path, format!("“{s}”不是区域，应如 \"A1:C1\"")),
    }
}

/// Refuse two merged regions that share a cell, naming both (the path is the later one's).
///
/// A sweep down the rows in O(n log n): the regions that span the current row are disjoint
/// as long as no overlap has been found, so they are kept in a map by first column, and a new
/// region can only overlap the one starting last at or before its own last column.
fn check_overlaps(merges: &[Merge], path: &str) -> Result<(), ImportError> {
    use std::cmp::Reverse;
    use std::collections::{BTreeMap, BinaryHeap};
    let mut order: Vec<usize> = (0..merges.len()).collect();
    order.sort_by_key(|&i| (merges[i].first_row, merges[i].first_col));
    // Spanning regions by first column; and by last row, to drop them once passed.
    let mut active: BTreeMap<u16, usize> = BTreeMap::new();
    let mut ends: BinaryHeap<Reverse<(u32, usize)>> = BinaryHeap::new();
    for i in order {
        let a = &merges[i];
        while let Some(&Reverse((last_row, j))) = ends.peek() {
            if last_row >= a.first_row {
                break;
            }
            ends.pop();
            active.remove(&merges[j].first_col);
        }
        if let Some((_, &j)) = active.range(..=a.last_col).next_back() {
            let b = &merges[j];
            if b.last_col >= a.first_col {
                let (first, second) = if j < i { (b, a) } else { (a, b) };
                return bad(
                    &format!("{path}[{}]", i.max(j)),
                    format!("合并区域 {second} 与 {first} 重叠"),
                );
            }
        }
        active.insert(a.first_col, i);
        ends.push(Reverse((a.last_row, i)));
    }
    Ok(())
}

/// Read a JSON document back into forms (the inverse of [`to_json`]); anything that does not
/// fit a form definition is refused with the path of the field.
pub fn from_json<'c>(
    catalog: &'c Catalog,
    text: &str,
    source: &str,
) -> Result<Content<'c>, ImportError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| ImportError {
        path: String::new(),
        message: format!(
            "不是有效的 JSON（第 {} 行第 {} 列）：{e}",
            e.line(),
            e.column()
        ),
    })?;
    let top = object(
        &doc,
        "$",
        &["format", "version", "source", "forms", "other_sheets"],
    )?;
    check_format_version(top)?;
    if !top.contains_key("forms") {
        return bad("$", "缺少 forms（表的数组）");
    }
    refuse_several_units(top)?;
    let (mut forms, strays) = parse_forms(catalog, top)?;
    // 科目 rows exported by their names (their codes unknown): the sums they may belong to
    // are not judged, as when the file was read.
    crate::recognize::resolve_uncoded(&mut forms, &catalog.vocabulary);
    let mut others: Vec<OtherSheet> = Vec::new();
    let mut other_names = HashSet::new();
    for (i, sv) in array(top, "other_sheets", "$")?.iter().enumerate() {
        let path = format!("$.other_sheets[{i}]");
        others.push(parse_other_sheet(sv, &path, &mut other_names)?);
    }
    Ok(Content {
        source: source.to_string(),
        forms,
        strays,
        others,
        reading: Vec::new(),
        pages: Vec::new(),
        catalog,
        unit: None,
    })
}

/// A document of several units' sets (exported from a workbook holding them) is not made
/// into one workbook: the units are named, none is taken for the others.
fn refuse_several_units(top: &Map<String, Value>) -> Result<(), ImportError> {
    let mut units: Vec<&str> = Vec::new();
    let forms = top.get("forms").and_then(Value::as_array);
    for set in forms
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("unit_set")?.as_str())
    {
        if !units.contains(&set) {
            units.push(set);
        }
    }
    if units.len() < 2 {
        return Ok(());
    }
    bad(
        "$.forms",
        format!(
            "含 {} 个单位的表（{}），不能合成一个工作簿，未导入；请按 unit_set 把各单位的表分成单独的 JSON 文件逐个导入，\
             或对原工作簿运行 fiscalform fix（每个单位写出一个校正后的工作簿）",
            units.len(),
            units.join("、")
        ),
    )
}

/// `format` and `version`, when given, must be this program's.
fn check_format_version(top: &Map<String, Value>) -> Result<(), ImportError> {
    match top.get("format") {
        None => {}
        Some(Value::String(s)) if s == FORMAT => {}
        Some(_) => return bad("$.format", format!("应为 \"{FORMAT}\"")),
    }
    match top.get("version") {
        None => {}
        Some(Value::Number(n)) if n.as_u64() == Some(VERSION) => {}
        Some(v) => {
            return bad(
                "$.version",
                format!("不支持的版本 {v}；本程序读取版本 {VERSION}"),
            )
        }
    }
    Ok(())
}

/// The forms read from a document and, in the same order, each one's values outside it.
type FormsRead<'c> = (Vec<(&'c Form, FormData)>, Vec<Vec<KeptCell>>);

/// The forms of the document with, beside each, its values outside the form; a form that is
/// not repeatable may appear once.
fn parse_forms<'c>(
    catalog: &'c Catalog,
    top: &Map<String, Value>,
) -> Result<FormsRead<'c>, ImportError> {
    let mut forms: Vec<(&Form, FormData)> = Vec::new();
    let mut form_ids = HashSet::new();
    let mut strays = Vec::new();
    for (i, fv) in array(top, "forms", "$")?.iter().enumerate() {
        let path = format!("$.forms[{i}]");
        let (form, data, kept) = parse_form(catalog, fv, &path)?;
        if !form_ids.insert(form.id.as_str()) && !form.repeatable {
            return bad(
                &format!("{path}.id"),
                format!(
                    "{} 出现两次（只有可重复的表，如附件3，可以有多张）",
                    form.id
                ),
            );
        }
        forms.push((form, data));
        strays.push(kept);
    }
    Ok((forms, strays))
}

/// One entry of `other_sheets`: a sheet name not yet used (case-insensitively, as Excel
/// compares them), its cells and its merges, which must not overlap.
fn parse_other_sheet(
    sv: &Value,
    path: &str,
    names: &mut HashSet<String>,
) -> Result<OtherSheet, ImportError> {
    let m = object(sv, path, &["name", "cells", "merges"])?;
    let name = match opt_string(m, "name", path)? {
        Some(n) if crate::cellref::valid_sheet_name(&n) => n,
        Some(n) => {
            return bad(
                &format!("{path}.name"),
                format!("“{n}”不能作工作表名（1–31 个字符，不含 []:*?/\\）"),
            )
        }
        None => return bad(path, "缺少 name（工作表名）"),
    };
    if !names.insert(name.to_lowercase()) {
        return bad(&format!("{path}.name"), format!("工作表“{name}”出现两次"));
    }
    let cells = kept_cells(m, "cells", path, false)?;
    let mut merges = Vec::new();
    for (j, mv) in array(m, "merges", path)?.iter().enumerate() {
        let p = format!("{path}.merges[{j}]");
        match mv {
            Value::String(s) => merges.push(parse_merge(s, &p)?),
            _ => return bad(&p, "应为区域，如 \"A1:C1\""),
        }
    }
    check_overlaps(&merges, &format!("{path}.merges"))?;
    Ok(OtherSheet {
        name,
        cells,
        merges,
    })
}

/// The raw cells listed under `field` (a form's `strays`, another sheet's `cells`), each cell
/// at most once; `with_merge` when a cell may carry its merged area.
fn kept_cells(
    m: &Map<String, Value>,
    field: &str,
    path: &str,
    with_merge: bool,
) -> Result<Vec<KeptCell>, ImportError> {
    let mut kept: Vec<KeptCell> = Vec::new();
    let mut at = HashSet::new();
    for (j, v) in array(m, field, path)?.iter().enumerate() {
        let p = format!("{path}.{field}[{j}]");
        let k = parse_raw(v, &p, with_merge)?;
        if !at.insert(k.cell.clone()) {
            return bad(&format!("{p}.cell"), format!("单元格 {} 出现两次", k.cell));
        }
        kept.push(k);
    }
    Ok(kept)
}

/// One entry of `forms`: the form its id names, unit and year, rows, grid cells, remarks and
/// the values kept outside the form.
fn parse_form<'c>(
    catalog: &'c Catalog,
    fv: &Value,
    path: &str,
) -> Result<(&'c Form, FormData, Vec<KeptCell>), ImportError> {
    let m = object(
        fv,
        path,
        &[
            "id", "table_no", "sheet", "unit", "unit_set", "year", "rows", "cells", "remarks",
            "strays",
        ],
    )?;
    let id = opt_string(m, "id", path)?.ok_or_else(|| ImportError {
        path: path.to_string(),
        message: "缺少 id（表的编号，如 \"final-01\"）".into(),
    })?;
    let Some(form) = catalog.get(&id) else {
        return bad(
            &format!("{path}.id"),
            format!("没有 id 为“{id}”的表；可用：{}", catalog.ids()),
        );
    };
    let unit = opt_string(m, "unit", path)?;
    let year = opt_string(m, "year", path)?;
    let mut data = blank_data(form, unit.as_deref(), year.as_deref(), false);
    data.sheet = opt_string(m, "sheet", path)?;
    let mut seen = RowsSeen::new(&data);
    for (j, rv) in array(m, "rows", path)?.iter().enumerate() {
        let p = format!("{path}.rows[{j}]");
        parse_row(form, &mut data, &mut seen, rv, &p)?;
    }
    parse_grid_cells(form, &mut data, m, path)?;
    parse_remarks(&mut data, m, path)?;
    let kept = kept_cells(m, "strays", path, true)?;
    let merges: Vec<Merge> = kept.iter().filter_map(|k| k.merge).collect();
    check_overlaps(&merges, &format!("{path}.strays"))?;
    Ok((form, data, kept))
}

/// A form's `cells`: each a cell of its fixed grid, blanks left out.
fn parse_grid_cells(
    form: &Form,
    data: &mut FormData,
    m: &Map<String, Value>,
    path: &str,
) -> Result<(), ImportError> {
    match m.get("cells") {
        None | Some(Value::Null) => {}
        Some(Value::Object(cells)) => {
            for (id, v) in cells {
                let p = format!("{path}.cells.{id}");
                let Some(kind) = form.grid_kind(id) else {
                    return bad(
                        &p,
                        format!(
                            "{}没有此单元格；可用：{}",
                            form.table_no,
                            form.grid_cells()
                                .map(|(i, _, _)| i)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                };
                let val = parse_value(kind, v, &p)?;
                if val != Val::Blank {
                    data.grid.insert(id.clone(), val);
                }
            }
        }
        Some(v) => {
            return bad(
                &format!("{path}.cells"),
                format!("应为对象 {{\"单元格 id\": 值}}，实为 {}", type_name(v)),
            )
        }
    }
    Ok(())
}

/// A form's `remarks`: strings, in order.
fn parse_remarks(
    data: &mut FormData,
    m: &Map<String, Value>,
    path: &str,
) -> Result<(), ImportError> {
    for (j, r) in array(m, "remarks", path)?.iter().enumerate() {
        match r {
            Value::String(s) => data.remarks.push(s.clone()),
            other => {
                return bad(
                    &format!("{path}.remarks[{j}]"),
                    format!("应为字符串，实为 {}", type_name(other)),
                )
            }
        }
    }
    Ok(())
}

/// What the rows read so far hold, so that each row is placed without a search through them.
struct RowsSeen {
    /// Keys given in the document.
    keys: HashSet<String>,
    /// Rows per panel, for the key of a list row given without one.
    per_panel: HashMap<String, usize>,
}

impl RowsSeen {
    fn new(data: &FormData) -> RowsSeen {
        let mut per_panel: HashMap<String, usize> = HashMap::new();
        for r in data.rows.iter() {
            *per_panel.entry(r.panel.clone()).or_default() += 1;
        }
        RowsSeen {
            keys: HashSet::new(),
            per_panel,
        }
    }
}

/// One entry of a form's `rows`: its panel, key and kind checked against the form, its values
/// read, then stored (a fixed or total row filled in, a coded or list row added).
fn parse_row(
    form: &Form,
    data: &mut FormData,
    seen: &mut RowsSeen,
    rv: &Value,
    p: &str,
) -> Result<(), ImportError> {
    let m = object(
        rv,
        p,
        &["panel", "key", "kind", "code", "label", "line", "values"],
    )?;
    let key = opt_string(m, "key", p)?;
    let code = opt_string(m, "code", p)?;
    let panel = row_panel(form, m, key.as_deref(), p)?;
    let kind = opt_string(m, "kind", p)?;
    let key = if panel.coded.is_some() {
        coded_row_key(key.as_deref(), code.as_deref(), p)?
    } else if panel.list.is_some() {
        list_row_key(panel, key, seen, p)?
    } else {
        fixed_row_key(form, panel, key, p)?
    };
    check_row_kind(panel, &key, kind, p)?;
    let label = opt_string(m, "label", p)?;
    let values = row_values(panel, m, p)?;
    if !seen.keys.insert(key.clone()) {
        return bad(&format!("{p}.key"), format!("行“{key}”出现两次"));
    }
    let row = ImportedRow { key, label, values };
    store_row(data, seen, panel, row, p)
}

/// A row of an imported form, checked against its panel.
struct ImportedRow {
    key: String,
    label: Option<String>,
    values: RowValues,
}

/// The panel a row belongs to: as given, or for a fixed row given without one, the panel
/// that holds its key.
fn row_panel<'f>(
    form: &'f Form,
    m: &Map<String, Value>,
    key: Option<&str>,
    p: &str,
) -> Result<&'f Panel, ImportError> {
    let panel_id = match opt_string(m, "panel", p)? {
        Some(pid) => pid,
        None => match key.and_then(|k| form.fixed_row(k)) {
            Some((panel, _)) => panel.id.clone(),
            None => return bad(p, "缺少 panel（行所在的栏组）"),
        },
    };
    let Some(panel) = form.panel(&panel_id) else {
        return bad(
            &format!("{p}.panel"),
            format!(
                "{}没有栏组“{panel_id}”；可用：{}",
                form.table_no,
                form.panels()
                    .map(|x| x.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    };
    Ok(panel)
}

/// The key of a row in a code-keyed panel: the 合计 key, or the subject code (given as `code`
/// or `key`, all digits; both given must agree), or for a 科目 read without its code, its
/// name key as exported ([`UNCODED`] + name, no code).
fn coded_row_key(key: Option<&str>, code: Option<&str>, p: &str) -> Result<String, ImportError> {
    match (key, code) {
        (Some(k), _) if *k == Key::Total => Ok(k.to_string()),
        // A 科目 row whose code could not be read, exported by its name.
        (Some(k), None) if k.len() > UNCODED.len() && k.starts_with(UNCODED) => Ok(k.to_string()),
        (k, c) => {
            let code = c.or(k).unwrap_or("");
            if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
                return bad(
                    &format!("{p}.code"),
                    format!("科目代码应为数字，如 \"2010450\"，实为“{code}”"),
                );
            }
            if let (Some(k), Some(c)) = (k, c) {
                if k != c {
                    return bad(
                        &format!("{p}.key"),
                        format!("科目行的 key 应等于 code（{c}）"),
                    );
                }
            }
            Ok(code.to_string())
        }
    }
}

/// The key of a row in a list panel: "#n" as given, or the next number in its panel.
fn list_row_key(
    panel: &Panel,
    key: Option<String>,
    seen: &RowsSeen,
    p: &str,
) -> Result<String, ImportError> {
    match key {
        Some(k) if k.starts_with('#') && k[1..].parse::<u32>().is_ok() => Ok(k),
        Some(k) => bad(
            &format!("{p}.key"),
            format!("列表行的 key 应为 \"#1\"、\"#2\" …，实为“{k}”"),
        ),
        None => Ok(format!(
            "#{}",
            seen.per_panel.get(&panel.id).copied().unwrap_or(0) + 1
        )),
    }
}

/// The key of a fixed row: required, and one of its panel's rows.
fn fixed_row_key(
    form: &Form,
    panel: &Panel,
    key: Option<String>,
    p: &str,
) -> Result<String, ImportError> {
    let Some(k) = key else {
        return bad(p, "缺少 key（行的编号，如 \"L27\"）");
    };
    if !panel.rows.iter().any(|r| r.id == k) {
        return bad(
            &format!("{p}.key"),
            format!(
                "{}的栏组“{}”没有行“{k}”；可用：{}",
                form.table_no,
                panel.id,
                panel
                    .rows
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    Ok(k)
}

/// A `kind` given for a row must be the one its panel and key make it.
fn check_row_kind(
    panel: &Panel,
    key: &str,
    kind: Option<String>,
    p: &str,
) -> Result<(), ImportError> {
    let expected_kind = if panel.coded.is_some() && *key == Key::Total {
        "total"
    } else if panel.coded.is_some() {
        "coded"
    } else if panel.list.is_some() {
        "list"
    } else {
        "fixed"
    };
    if let Some(k) = kind {
        if k != expected_kind {
            return bad(
                &format!("{p}.kind"),
                format!("应为 \"{expected_kind}\"，实为“{k}”"),
            );
        }
    }
    Ok(())
}

/// A row's `values`: each a value column of its panel, blanks left out.
fn row_values(panel: &Panel, m: &Map<String, Value>, p: &str) -> Result<RowValues, ImportError> {
    let mut values = RowValues::default();
    match m.get("values") {
        None | Some(Value::Null) => {}
        Some(Value::Object(vals)) => {
            for (col, v) in vals {
                let vp = format!("{p}.values.{col}");
                let Some(c) = panel.column(col).filter(|c| c.kind.is_value()) else {
                    return bad(
                        &vp,
                        format!(
                            "栏组“{}”没有数值栏“{col}”；可用：{}",
                            panel.id,
                            panel
                                .value_columns()
                                .map(|c| &*c.id)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                };
                let val = parse_value(c.kind, v, &vp)?;
                if val != Val::Blank {
                    values.insert(c.id.clone(), val);
                }
            }
        }
        Some(v) => {
            return bad(
                &format!("{p}.values"),
                format!("应为对象 {{\"栏 id\": 值}}，实为 {}", type_name(v)),
            )
        }
    }
    Ok(values)
}

/// Puts a checked row into the form: a fixed or total row (already there, blank) gets its
/// values; a coded or list row is added, a list row labelled from its label column.
fn store_row(
    data: &mut FormData,
    seen: &mut RowsSeen,
    panel: &Panel,
    row: ImportedRow,
    p: &str,
) -> Result<(), ImportError> {
    let ImportedRow { key, label, values } = row;
    match data.rows.by_key_mut(&key) {
        Some(row) if row.kind == RowKind::Fixed || row.kind == RowKind::Total => {
            if row.panel != panel.id {
                return bad(
                    &format!("{p}.panel"),
                    format!("行“{key}”属于栏组“{}”", row.panel),
                );
            }
            row.values = values;
        }
        Some(_) => return bad(&format!("{p}.key"), format!("行“{key}”出现两次")),
        None => {
            let coded = panel.coded.is_some();
            let label = if coded {
                label
            } else {
                panel
                    .list
                    .as_ref()
                    .and_then(|l| l.label_column.as_ref())
                    .and_then(|c| match values.get(c.as_str()) {
                        Some(Val::Text(t)) => Some(t.clone()),
                        _ => None,
                    })
            };
            *seen.per_panel.entry(panel.id.clone()).or_default() += 1;
            data.rows.push(RowData {
                panel: panel.id.clone(),
                key: key.as_str().into(),
                kind: if coded { RowKind::Coded } else { RowKind::List },
                code: (coded && !key.starts_with(UNCODED)).then(|| key.clone()),
                label,
                line: None,
                values,
            });
        }
    }
    Ok(())
}

/// A CSV field: quoted when needed, and a text that a spreadsheet would take for a formula
/// (starting with = + - @, TAB or CR) prefixed with ' — plain decimal numbers excepted.
pub fn csv_field(s: &str) -> String {
    let is_number = {
        let t = s.strip_prefix('-').unwrap_or(s);
        !t.is_empty()
            && t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && t.bytes().filter(|&b| b == b'.').count() <= 1
            && !t.starts_with('.')
            && !t.ends_with('.')
    };
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_number;
    let s = if risky {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Header of every CSV file.
pub const CSV_HEADER: [&str; 12] = [
    "单位",
    "年度",
    "表",
    "表号",
    "栏组",
    "行",
    "科目代码",
    "项目",
    "行次",
    "栏",
    "栏目",
    "值",
];

fn csv_value(v: &Val) -> String {
    match v {
        Val::Blank => String::new(),
        Val::Nothing => "——".into(),
        Val::Num(d) => d.to_string(),
        Val::Text(t) => t.clone(),
        Val::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
    }
}

/// One CSV per form (file name, content): every filled logical cell one line, then remarks
/// and values outside the form; UTF-8 with BOM and CRLF, as Excel expects.
pub fn to_csv(content: &Content) -> Vec<(String, String)> {
    content
        .forms
        .iter()
        .zip(content.strays.iter())
        .map(|((form, data), strays)| {
            // A unit's forms of a workbook holding several units' are named for the unit.
            let unit = content.unit.as_ref().map(|u| format!("{}-", u.name));
            let name = unit.unwrap_or_default() + &csv_file_name(form);
            (name, form_csv(form, data, strays))
        })
        .collect()
}

/// A CSV file being written: UTF-8 with BOM, CRLF line ends.
struct CsvOut(String);

impl CsvOut {
    fn new() -> CsvOut {
        CsvOut(String::from("\u{feff}"))
    }

    fn line(&mut self, fields: &[&str]) {
        self.0.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        self.0.push_str("\r\n");
    }

    /// A line for a value not in a panel row (`section` is cells, remarks or strays): only
    /// the form's columns, the section, where in it and the value are filled.
    fn outside_line(&mut self, head: &[&str; 4], section: &str, at: &str, value: &str) {
        let mut f: Vec<&str> = head.to_vec();
        f.extend([section, at, "", "", "", "", "", value]);
        self.line(&f);
    }
}

/// The CSV of one form: header, panel rows, grid cells, remarks, values outside the form.
fn form_csv(form: &Form, data: &FormData, strays: &[KeptCell]) -> String {
    let mut out = CsvOut::new();
    out.line(&CSV_HEADER);
    let unit = data.unit.clone().unwrap_or_default();
    let year = data.year.clone().unwrap_or_default();
    let head = [
        unit.as_str(),
        year.as_str(),
        form.id.as_str(),
        form.table_no.as_str(),
    ];
    for r in &data.rows {
        row_csv_lines(&mut out, &head, form, r);
    }
    for (id, v) in &data.grid {
        out.outside_line(&head, "cells", id, &csv_value(v));
    }
    for (i, r) in data.remarks.iter().enumerate() {
        out.outside_line(&head, "remarks", &(i + 1).to_string(), r);
    }
    for k in strays {
        out.outside_line(&head, "strays", &k.cell.to_string(), &k.value.to_string());
    }
    out.0
}

/// One line per filled value of a panel row, with the row's key, code, label and line
/// number and the column's label.
fn row_csv_lines(out: &mut CsvOut, head: &[&str; 4], form: &Form, r: &RowData) {
    let panel = form.panel(&r.panel);
    for (col, v) in &r.values {
        let col_label = panel
            .and_then(|p| p.column(col))
            .and_then(|c| c.label.clone())
            .unwrap_or_default();
        let line_no = r.line.map(|l| l.to_string()).unwrap_or_default();
        let value = csv_value(v);
        let mut f: Vec<&str> = head.to_vec();
        f.extend([
            r.panel.as_str(),
            &*r.key,
            r.code.as_deref().unwrap_or(""),
            r.label.as_deref().unwrap_or(""),
            line_no.as_str(),
            &**col,
            col_label.as_str(),
            value.as_str(),
        ]);
        out.line(&f);
    }
}

/// "<form id>_<table number>.csv", without the characters a file name cannot hold.
fn csv_file_name(form: &Form) -> String {
    let safe: String = form
        .table_no
        .chars()
        .filter(|c| !"\\/:*?\"<>|".contains(*c))
        .collect();
    format!("{}_{safe}.csv", form.id)
}
