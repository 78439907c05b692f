//! Disclosure tables painted as Word saves them to PDF (each border its own filled rectangle, painted per row, a corner's width apart), generated in many shapes: 公开03表 with a header whose rows no rule parts, empty 公开07/08表 with several note lines under them — read back figure by figure, without false findings.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;
#[path = "support/word_pdf.rs"]
mod word_pdf;

use layout_gen::Rng;
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::PathBuf;
use word_pdf::{text_width, Cell, Item, Table};

fn scratch(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("pdf-word-tables")
        .join(tag);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A 科目's code and name.
type Subject = (&'static str, &'static str);

/// 功能分类 类 with their 款 and 项 (code, name).
const CHART: [(&str, &str, &[Subject]); 4] = [
    (
        "208",
        "社会保障和就业支出",
        &[
            ("20805", "行政事业单位养老支出"),
            ("2080501", "行政单位离退休"),
            ("2080502", "事业单位离退休"),
            ("2080505", "机关事业单位基本养老保险缴费支出"),
            ("2080506", "机关事业单位职业年金缴费支出"),
        ],
    ),
    (
        "210",
        "卫生健康支出",
        &[
            ("21011", "行政事业单位医疗"),
            ("2101101", "行政单位医疗"),
            ("2101102", "事业单位医疗"),
        ],
    ),
    (
        "212",
        "城乡社区支出",
        &[
            ("21201", "城乡社区管理事务"),
            ("2120101", "行政运行"),
            ("2120104", "城管执法"),
        ],
    ),
    (
        "221",
        "住房保障支出",
        &[("22102", "住房改革支出"), ("2210201", "住房公积金")],
    ),
];

/// `text` cut into lines no wider than `width` at the table's text size.
fn wrap(text: &str, width: f64) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for c in text.chars() {
        let line = lines.last_mut().unwrap();
        if !line.is_empty() && text_width(&format!("{line}{c}"), 9.0) > width - 6.0 {
            lines.push(c.to_string());
        } else {
            line.push(c);
        }
    }
    lines.join("\n")
}

/// An amount as printed: two decimals, in 元 maybe with thousands separators.
fn printed(v: Decimal, separators: bool) -> String {
    let plain = format!("{:.2}", v);
    if !separators {
        return plain;
    }
    let (int, frac) = plain.split_once('.').unwrap();
    let groups: Vec<&str> = (int.as_bytes().rchunks(3).rev())
        .map(|g| std::str::from_utf8(g).unwrap())
        .collect();
    format!("{}.{frac}", groups.join(","))
}

/// A table's shape: column widths, the header's rows (the first holding `项目`, then rows
/// no rule parts under `功能分类科目编码`), its data rows' height.
struct Shape {
    widths: Vec<f64>,
    header_rows: usize,
    header_height: f64,
    border: f64,
}

fn shape(rng: &mut Rng, amount_cols: usize) -> Shape {
    let mut widths = vec![45.0 + rng.below(45) as f64, 100.0 + rng.below(70) as f64];
    widths.extend((0..amount_cols).map(|_| 55.0 + rng.below(30) as f64));
    Shape {
        widths,
        header_rows: 2 + rng.below(3),
        header_height: 16.0 + rng.below(10) as f64,
        border: *rng.choose(&[0.5, 0.75, 0.96]),
    }
}

/// The header of a 科目 table: `项目` over code and name, then `tops` (a name over the
/// columns it spans, or spanning the header rows alone) and under a spanning name its parts.
fn header(s: &Shape, tops: &[(&str, &[&str])]) -> Table {
    let k = s.header_rows;
    let mut cells = vec![
        Cell::new(0, 0, "项目").span(1, 2),
        Cell::new(1, 0, &wrap("功能分类科目编码", s.widths[0])).span(k, 1),
        Cell::new(1, 1, "科目名称").span(k, 1),
    ];
    let mut col = 2;
    for (name, parts) in tops {
        let span = parts.len().max(1);
        let width: f64 = s.widths[col..col + span].iter().sum();
        match parts.is_empty() {
            true => cells.push(Cell::new(0, col, &wrap(name, width)).span(k + 1, 1)),
            false => {
                cells.push(Cell::new(0, col, &wrap(name, width)).span(1, span));
                for (i, p) in parts.iter().enumerate() {
                    let w = s.widths[col + i];
                    cells.push(Cell::new(1, col + i, &wrap(p, w)).span(k, 1));
                }
            }
        }
        col += span;
    }
    Table {
        widths: s.widths.clone(),
        heights: vec![s.header_height; k + 1],
        cells,
        border: s.border,
    }
}

/// Adds a row of texts (code, name, amounts right-aligned) under the table's rows.
fn add_row(t: &mut Table, texts: &[String]) {
    let row = t.heights.len();
    let mut lines = 1;
    for (col, text) in texts.iter().enumerate() {
        if text.is_empty() {
            continue;
        }
        let cell = match col {
            0 | 1 => Cell::new(row, col, &wrap(text, t.widths[col])),
            _ => Cell::new(row, col, &wrap(text, t.widths[col])).right(),
        };
        lines = lines.max(cell.lines.len());
        t.cells.push(cell);
    }
    t.heights.push(18.0 + 11.7 * (lines - 1) as f64);
}

/// A 公开03表 page and the figures printed on it: (row key, column, value).
fn form_03(rng: &mut Rng, yuan: bool) -> (Vec<Item>, Vec<(String, String, Decimal)>) {
    let s = shape(rng, 6);
    let tops: [(&str, &[&str]); 6] = [
        ("本年支出合计", &[]),
        ("基本支出", &[]),
        ("项目支出", &[]),
        ("上缴上级支出", &[]),
        ("经营支出", &[]),
        ("对附属单位补助支出", &[]),
    ];
    let mut table = header(&s, &tops);
    let scale = if yuan { 10_000 } else { 1 };
    let amount = |rng: &mut Rng| Decimal::new((rng.below(99_999) as i64 + 1) * scale, 2);
    let mut rows: Vec<(String, String, [Decimal; 2])> = Vec::new();
    let kinds = 1 + rng.below(CHART.len());
    for (code, name, below) in CHART.iter().take(kinds) {
        let items = 1 + rng.below(below.len() - 1);
        let mut kuan = (below[0].0, below[0].1, [Decimal::ZERO; 2]);
        let mut leaves = Vec::new();
        for (c, n) in &below[1..=items] {
            let v = [amount(rng), [Decimal::ZERO, amount(rng)][rng.below(2)]];
            kuan.2 = [kuan.2[0] + v[0], kuan.2[1] + v[1]];
            leaves.push((c.to_string(), n.to_string(), v));
        }
        rows.push((code.to_string(), name.to_string(), kuan.2));
        rows.push((kuan.0.to_string(), kuan.1.to_string(), kuan.2));
        rows.extend(leaves);
    }
    let total = rows
        .iter()
        .filter(|r| r.0.len() == 3)
        .fold([Decimal::ZERO; 2], |a, r| [a[0] + r.2[0], a[1] + r.2[1]]);
    rows.insert(0, ("total".into(), "合计".into(), total));
    let mut figures = Vec::new();
    for (key, name, [basic, project]) in &rows {
        let values = [*basic + *project, *basic, *project];
        let mut texts = match key.as_str() {
            "total" => vec![name.clone(), String::new()],
            _ => vec![key.clone(), name.clone()],
        };
        texts.extend(
            values
                .iter()
                .map(|v| printed(*v, yuan && rng.below(2) == 0)),
        );
        add_row(&mut table, &texts);
        // The reader states amounts in 万元.
        for (i, v) in values.iter().enumerate() {
            figures.push((
                key.clone(),
                format!("c{}", i + 1),
                *v / Decimal::from(scale),
            ));
        }
    }
    if let Some(c) = table.cells.iter_mut().find(|c| c.lines == ["合计"]) {
        c.cols = 2;
    }
    (heading("支出决算表", unit_line(yuan), table), figures)
}

fn unit_line(yuan: bool) -> &'static str {
    if yuan {
        "单位：元"
    } else {
        "单位：万元"
    }
}

/// A title, its unit line and its table.
fn heading(title: &str, unit: &str, table: Table) -> Vec<Item> {
    let right: f64 = 50.0 + table.widths.iter().sum::<f64>() - text_width(unit, 9.0);
    vec![
        Item::Line {
            x: 250.0,
            size: 16.0,
            text: title.into(),
        },
        Item::Line {
            x: right,
            size: 9.0,
            text: unit.into(),
        },
        Item::Table(table),
    ]
}

/// An empty 公开07表-shaped table (also 公开08表's, as Shanghai prints it) titled `title`,
/// with a 合计 row.
fn empty_fund_table(rng: &mut Rng, title: &str, unit: &str) -> Vec<Item> {
    let s = shape(rng, 6);
    let tops: [(&str, &[&str]); 4] = [
        ("年初结转和结余", &[]),
        ("本年收入", &[]),
        ("本年支出", &["合计", "基本支出", "项目支出"]),
        ("年末结转和结余", &[]),
    ];
    let mut table = header(&s, &tops);
    add_row(&mut table, &["".into(), "合计".into()]);
    heading(title, unit, table)
}

/// The lines printed under an empty table of the fund `fund`, in one of the ways units print
/// them; each ends up in the table's remarks, the 空表说明 among them.
fn notes(rng: &mut Rng, fund: &str) -> Vec<String> {
    let what = format!("注：本表反映部门本年度{fund}预算财政拨款收入支出及结转和结余情况。");
    let keep = format!("无{fund}预算财政拨款收入支出的，仍保留该表格式，并在本表下方作下述说明：");
    let why =
        format!("说明：某某区委社会工作部本年度没有{fund}预算财政拨款收入和支出，故本表无数据。");
    let bare = format!("某某区委社会工作部本年度没有{fund}预算财政拨款收入和支出，故本表无数据。");
    match rng.below(4) {
        0 => vec![what, keep, why],
        1 => vec![what, why, keep],
        2 => vec![what, keep, bare],
        _ => vec![what, bare],
    }
}

/// The note lines as printed, each wrapped after `width` characters.
fn note_items(lines: &[String], width: usize) -> Vec<Item> {
    let chars = |l: &String| l.chars().collect::<Vec<char>>();
    lines
        .iter()
        .flat_map(|l| {
            chars(l)
                .chunks(width)
                .map(|piece| piece.iter().collect::<String>())
                .collect::<Vec<_>>()
        })
        .map(|text| Item::Line {
            x: 50.0,
            size: 10.5,
            text,
        })
        .collect()
}

/// What went wrong reading the document of `seed`, by form: figures not in their cells,
/// notes not kept, errors and warnings (none are true: every figure adds up).
fn problems(tag: &str, seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed);
    let yuan = rng.below(3) == 0;
    let (page_03, figures) = form_03(&mut rng, yuan);
    let mut page_07 = empty_fund_table(
        &mut rng,
        "政府性基金预算财政拨款收入支出决算表",
        unit_line(yuan),
    );
    let notes_07 = notes(&mut rng, "政府性基金");
    let width = *rng.choose(&[32, 40, 70]);
    page_07.extend(note_items(&notes_07, width));
    // 公开08表 on a page of its own, or right under 07's notes with a long title (the unit's
    // name before it) and a long unit line, which are no notes of 07.
    let together = rng.below(2) == 0;
    let (title_08, unit_08) = if together {
        let unit = format!(
            "编制单位：上海市某某区委社会工作部机关（本级）    金额{}",
            unit_line(yuan)
        );
        (
            "上海市某某区委社会工作部2024年度国有资本经营预算财政拨款收入支出决算表",
            unit,
        )
    } else {
        (
            "国有资本经营预算财政拨款收入支出决算表",
            unit_line(yuan).to_string(),
        )
    };
    let mut page_08 = empty_fund_table(&mut rng, title_08, &unit_08);
    if together {
        // The long lines start at the left margin, the title in a smaller size.
        for (item, size) in page_08.iter_mut().zip([12.0, 10.5]) {
            if let Item::Line { x, size: s, .. } = item {
                (*x, *s) = (60.0, size);
            }
        }
    }
    let notes_08 = notes(&mut rng, "国有资本经营");
    page_08.extend(note_items(&notes_08, width));
    let path = scratch(tag).join(format!("case{seed}.pdf"));
    let pages = if together {
        page_07.extend(page_08);
        vec![page_03, page_07]
    } else {
        vec![page_03, page_07, page_08]
    };
    word_pdf::write_pdf(&pages, &path);
    let doc = export::exported(&path);
    let cells = export::logical_cells(&doc, &["remarks"]);
    let problem = |form: &str, what: String| (form.to_string(), format!("case {seed}: {what}"));
    let mut out: Vec<(String, String)> = figures
        .iter()
        .filter(|(key, col, v)| {
            let read = cells.get(&("final-03".into(), format!("{key}.{col}")));
            read.and_then(Value::as_str)
                .and_then(|s| s.parse::<Decimal>().ok())
                != Some(*v)
        })
        .map(|(key, col, v)| problem("final-03", format!("{key}.{col} {v} not read")))
        .collect();
    for (form, lines) in [("final-07", &notes_07), ("final-08", &notes_08)] {
        let remarks = cells.get(&(form.into(), "remarks".into()));
        let kept = remarks.map(|r| r.to_string()).unwrap_or_default();
        for line in lines.iter().filter(|l| !kept.contains(l.as_str())) {
            out.push(problem(form, format!("note {line} not kept")));
        }
    }
    let (_, report) = cli::check_json(&path);
    for f in report["files"][0]["findings"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if f["severity"] != "info" {
            let form = f["form"].as_str().unwrap_or("-");
            out.push(problem(form, f["message"].to_string()));
        }
    }
    out
}

/// Generated documents (written under `tag`) whose problems `of_interest` picks, each of them shown (30 at most).
fn misread(tag: &str, of_interest: impl Fn(&str) -> bool) {
    let cases = 40;
    let failed: Vec<Vec<String>> = (0..cases)
        .map(|seed| {
            let p = problems(tag, seed).into_iter();
            p.filter(|(form, _)| of_interest(form))
                .map(|(_, what)| what)
                .collect()
        })
        .filter(|p: &Vec<String>| !p.is_empty())
        .collect();
    let shown: Vec<&String> = failed.iter().flatten().take(30).collect();
    assert!(
        failed.is_empty(),
        "{} of {cases} generated documents misread:\n{shown:#?}",
        failed.len()
    );
}

/// Generated 公开03表 pages: column widths, header rows no rule parts (2–4), border widths,
/// 1–4 类 with their 款 and 项 (3/5/7-digit codes, names and amounts wrapped in narrow
/// columns), 万元 or 元 with or without thousands separators: every figure read in its cell,
/// no finding but 提示.
#[test]
fn a_word_pdf_03_with_an_unruled_header_row_reads_whole() {
    misread("03", |form| form != "final-07" && form != "final-08");
}

/// Generated empty 公开07/08表 with two or three notes under them (a line leading into the
/// 空表说明 with `：`, the 空表说明 with or without `说明：`), wrapped over lines or not, 08 on a
/// page of its own or right under 07's notes with a long title: every note kept, both tables
/// read, no 没有空表说明 error.
#[test]
fn every_note_line_under_an_empty_word_pdf_07_08_is_kept() {
    misread("07-08", |form| form == "final-07" || form == "final-08");
}
