//! 公开01表 printed by LibreOffice with its unit's name wrapped in its cell over the rows around it, "金额单位：元" on the printed line of one of the name's pieces: the amounts are read in 元 and converted to 万元, as the form says.
//!
//! A clerk's 部门 line (`部门：某某中心` in column A, `金额单位：元` in the last column of the
//! same row) keeps its row's height when the name is longer than column A: LibreOffice prints
//! the name's lines centred (or set to the bottom) on that row, so the line holding the money
//! unit also holds a piece of the name, and a piece may fall into the table's first row. The
//! set: the seed 001 决算's 公开01表 in 元, names of seeded lengths, column widths and
//! alignments, each printed once and compared with the same table read from its workbook.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/lo.rs"]
mod lo;
#[path = "support/xorshift.rs"]
mod xorshift;

use grid::{GridBook, GridCell, GridSheet};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
use serde_json::Value;
use std::path::{Path, PathBuf};
use xorshift::Xorshift;

/// How many seeded prints are made.
const CASES: u64 = 8;

/// Pieces the unit names are made of (a 区/县 unit's name is often two or three of them).
const NAME_PARTS: [&str; 6] = [
    "株洲市长株潭一体化发展事务中心",
    "机关后勤服务保障所",
    "城乡社区综合治理服务站",
    "湘江新区规划建设协调办公室",
    "国有资产经营管理事务所",
    "社会保险基金征缴稽核中心",
];

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pdf-unit-lines");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The fixture's 公开01表 alone, as published (in 万元).
fn published() -> GridSheet {
    grid::fixture("seed001_final.grid")
        .sheet("公开01表")
        .clone()
}

/// The sheet in 元: every amount (columns C and F under the 栏次 row) times 10000, the unit line saying 元, the unit named `name`.
fn in_yuan(mut sheet: GridSheet, name: &str) -> GridSheet {
    let (r, c) = sheet.find("金额单位：万元").expect("a unit line");
    sheet.put(r, c, GridCell::text("金额单位：元"));
    let (r, c) = sheet
        .find("部门：株洲市长株潭一体化发展事务中心")
        .expect("a 部门 line");
    sheet.put(r, c, GridCell::text(&format!("部门：{name}")));
    let body = sheet.find("栏次").expect("the column numbers' row").0 as usize + 1;
    for row in sheet.rows.iter_mut().skip(body) {
        for cell in row.iter_mut().skip(2).step_by(3) {
            if let GridCell::Number(n) = cell {
                let yuan = n.parse::<Decimal>().unwrap() * Decimal::from(10000);
                *cell = GridCell::Number(yuan.normalize().to_string());
            }
        }
    }
    sheet
}

/// The layout a seed draws: the unit's name, column A's width and the cells' vertical alignment.
struct Drawn {
    name: String,
    label_width: f64,
    align: FormatAlign,
}

fn draw(seed: u64) -> Drawn {
    let mut rng = Xorshift(seed * 7919 + 17);
    let parts = 2 + rng.below(2);
    let name: String = (0..parts)
        .map(|_| NAME_PARTS[rng.below(NAME_PARTS.len())])
        .collect();
    let widths = [34.0, 36.0, 38.0, 42.0];
    let aligns = [FormatAlign::VerticalCenter, FormatAlign::Bottom];
    Drawn {
        name,
        label_width: widths[rng.below(widths.len())],
        align: aligns[rng.below(aligns.len())],
    }
}

/// The sheet as a clerk's printable workbook: the table (from the 收入/支出 row down) ruled,
/// every text wrapped, rows at their default height, column A `label_width` wide.
fn write_printable(sheet: &GridSheet, drawn: &Drawn, path: &Path) {
    let table_top = sheet.find("收入").expect("the header's first row").0;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(&sheet.name).unwrap();
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_column_width(0, drawn.label_width).unwrap();
    ws.set_column_width(3, drawn.label_width).unwrap();
    for c in [1, 4] {
        ws.set_column_width(c, 6.0).unwrap();
    }
    for c in [2, 5] {
        ws.set_column_width(c, 14.0).unwrap();
    }
    let format = |r: u32| {
        let f = Format::new().set_text_wrap().set_align(drawn.align);
        match r >= table_top {
            true => f.set_border(FormatBorder::Thin),
            false => f,
        }
    };
    let width = sheet.width();
    for r in table_top..sheet.rows.len() as u32 {
        for c in 0..width {
            ws.write_blank(r, c, &format(r)).unwrap();
        }
    }
    for &(r1, c1, r2, c2) in &sheet.merges {
        let text = sheet.cell(r1, c1).as_str().to_string();
        ws.merge_range(r1, c1, r2, c2, &text, &format(r1)).unwrap();
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            if sheet.merges.iter().any(|m| (m.0, m.1) == (r, c)) {
                continue;
            }
            match cell {
                GridCell::Empty => continue,
                GridCell::Number(n) => {
                    ws.write_number_with_format(r, c, n.parse::<f64>().unwrap(), &format(r))
                }
                GridCell::Text(t) => ws.write_string_with_format(r, c, t, &format(r)),
            }
            .unwrap();
        }
    }
    wb.save(path).unwrap();
}

/// 公开01表's values as read from `path`'s export, in 万元.
fn values(path: &Path) -> Vec<(String, Decimal)> {
    let cells = export::logical_cells(&export::exported(path), &[]);
    cells
        .into_iter()
        .filter(|((form, _), _)| form == "final-01")
        .filter_map(|((_, key), v): ((String, String), Value)| {
            let d = v
                .as_str()
                .map(str::to_string)
                .or_else(|| Some(v.to_string()))?;
            Some((key, d.parse::<Decimal>().ok()?.normalize()))
        })
        .collect()
}

#[test]
fn the_money_unit_beside_a_wrapped_unit_name_is_the_tables() {
    lo::require_chinese_font();
    let d = dir();
    let reference = d.join("published.xlsx");
    GridBook {
        sheets: vec![published()],
    }
    .write_xlsx(&reference);
    let expected = values(&reference);
    assert!(expected.len() > 30, "the fixture's 公开01表 is read whole");
    let mut failed = Vec::new();
    for seed in 1..=CASES {
        let drawn = draw(seed);
        let xlsx = d.join(format!("yuan-{seed}.xlsx"));
        write_printable(&in_yuan(published(), &drawn.name), &drawn, &xlsx);
        let pdf = lo::convert(&xlsx, "pdf", &d);
        let (_, report) = cli::check_json(&pdf);
        let no_unit = cli::findings(&report)
            .iter()
            .any(|f| f["form"] == "final-01" && f["rule"] == "money-unit-missing");
        let read = values(&pdf);
        if no_unit || read != expected {
            let wrong: Vec<_> = read
                .iter()
                .filter(|v| !expected.contains(v))
                .take(3)
                .collect();
            failed.push(format!(
                "seed {seed} ({} characters, width {}): 未注明金额单位 {no_unit}, {} of {} values read, e.g. wrong {wrong:?}",
                drawn.name.chars().count(),
                drawn.label_width,
                read.iter().filter(|v| expected.contains(v)).count(),
                expected.len()
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {CASES} prints:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
