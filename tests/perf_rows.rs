//! Rows inside a 绩效指标 block that are no indicators (a 栏次 row under the header, a 小计
//! under an 一级指标, a 合计 under the indicators), generated over every indicator sheet of the
//! three 绩效 seeds at every group: the workbook reads as the seed does (the same findings, with
//! the same figures), and each subtotal gets one finding of its own — an info where it adds up
//! to the rows above it (summed here from the grid), a warning at its figure where it does not.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/mutation.rs"]
mod mutation;

use grid::{GridBook, GridCell, GridSheet};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::str::FromStr;

const SEEDS: &[&str] = &[
    "seed000_perf.grid",
    "seed001_perf.grid",
    "seed004_perf.grid",
];

/// The indicator block of a sheet: its header row, columns and groups (rows, 0-based).
struct Block {
    header: u32,
    /// 一级指标, 二级指标, 三级指标, 分值, 得分 columns.
    level: [u16; 3],
    weight: u16,
    score: u16,
    /// Each 一级指标's rows, first..=last.
    groups: Vec<(u32, u32)>,
    /// The last header column.
    last_col: u16,
}

fn col_of(s: &GridSheet, r: u32, words: &[&str]) -> u16 {
    (0..s.width())
        .find(|&c| words.contains(&s.cell(r, c).squeezed().as_str()))
        .unwrap_or_else(|| panic!("{}: none of {words:?} in row {}", s.name, r + 1))
}

fn block_of(s: &GridSheet) -> Option<Block> {
    let (header, _) = s.find("三级指标")?;
    let level = [
        col_of(s, header, &["一级指标"]),
        col_of(s, header, &["二级指标"]),
        col_of(s, header, &["三级指标"]),
    ];
    let weight = col_of(s, header, &["分值"]);
    let score = col_of(s, header, &["自评得分", "得分"]);
    let last_col = (0..s.width())
        .filter(|&c| !s.cell(header, c).is_empty())
        .max()
        .unwrap();
    let end = (header + 1..s.rows.len() as u32)
        .find(|&r| {
            let first = (0..s.width()).find(|&c| !s.cell(r, c).is_empty());
            first.is_some_and(|c| s.cell(r, c).squeezed() == "总分")
        })
        .unwrap_or(s.rows.len() as u32);
    let mut groups: Vec<(u32, u32)> = Vec::new();
    for r in header + 1..end {
        match groups.last_mut() {
            Some(g) if s.cell(r, level[0]).is_empty() => g.1 = r,
            _ => groups.push((r, r)),
        }
    }
    Some(Block {
        header,
        level,
        weight,
        score,
        groups,
        last_col,
    })
}

fn num(cell: &GridCell) -> Decimal {
    match cell {
        GridCell::Number(n) => Decimal::from_str(n).unwrap(),
        _ => Decimal::ZERO,
    }
}

/// The sums of 分值 and 得分 over rows `rows`, as the grid has them.
fn sums(s: &GridSheet, b: &Block, rows: std::ops::RangeInclusive<u32>) -> (Decimal, Decimal) {
    rows.fold((Decimal::ZERO, Decimal::ZERO), |(w, g), r| {
        (w + num(s.cell(r, b.weight)), g + num(s.cell(r, b.score)))
    })
}

/// (rule, severity, expected, found) of each finding, counted: what a reading gives, wherever
/// its cells stand.
fn signature(findings: &[Value]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for f in findings.iter().filter(|f| f["rule"] != "subtotal-row") {
        let key = format!(
            "{} {} {} {} {}",
            f["sheet"], f["rule"], f["severity"], f["expected"], f["found"]
        );
        *out.entry(key).or_insert(0) += 1;
    }
    out
}

/// A row inserted into the block: where, and its cells.
struct Inserted {
    at: u32,
    cells: Vec<(u16, GridCell)>,
    /// The subtotal's finding: Some(true) an info, Some(false) a warning at the 分值 cell.
    adds_up: Option<bool>,
}

fn put_row(book: &mut GridBook, sheet: &str, row: &Inserted) {
    let s = book.sheet_mut(sheet);
    s.insert_row(row.at);
    for (c, cell) in &row.cells {
        s.put(row.at, *c, cell.clone());
    }
}

fn number(d: Decimal) -> GridCell {
    GridCell::num(&d.normalize().to_string())
}

/// The 栏次 rows: the header's columns numbered from 1, as numbers or as text.
fn mark_rows(b: &Block) -> Vec<Inserted> {
    let cols: Vec<u16> = (b.level[0]..=b.last_col).collect();
    let marks = |f: &dyn Fn(usize) -> GridCell| Inserted {
        at: b.header + 1,
        cells: cols
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, f(i + 1)))
            .collect(),
        adds_up: None,
    };
    vec![
        marks(&|i| GridCell::num(&i.to_string())),
        marks(&|i| GridCell::text(&i.to_string())),
        marks(&|i| GridCell::text(&format!("({i})"))),
    ]
}

/// The subtotal rows: under each group, its word in each level column, adding up or not; a
/// 合计 of every indicator under the last.
fn subtotal_rows(s: &GridSheet, b: &Block) -> Vec<Inserted> {
    let mut out = Vec::new();
    for (gi, &(first, last)) in b.groups.iter().enumerate() {
        let (w, g) = sums(s, b, first..=last);
        for (li, word) in [(0usize, "小计"), (1, "小 计"), (2, "小计")] {
            let off = gi + li;
            let wrong = off % 3 == 2;
            let shown_w = if wrong { w + Decimal::ONE } else { w };
            out.push(Inserted {
                at: last + 1,
                cells: vec![
                    (b.level[li], GridCell::text(word)),
                    (b.weight, number(shown_w)),
                    (b.score, number(g)),
                ],
                adds_up: Some(!wrong),
            });
        }
    }
    let (first, last) = (b.groups[0].0, b.groups.last().unwrap().1);
    let (w, g) = sums(s, b, first..=last);
    for word in ["合计", "指标合计"] {
        out.push(Inserted {
            at: last + 1,
            cells: vec![
                (b.level[0], GridCell::text(word)),
                (b.weight, number(w)),
                (b.score, number(g)),
            ],
            adds_up: Some(true),
        });
    }
    out
}

/// One generated case: the seed's findings, and the subtotal finding where one is inserted.
fn run_case(
    (base, want): (&GridBook, &[Value]),
    sheet: &str,
    row: &Inserted,
    name: &str,
) -> Result<(), String> {
    let mut book = base.clone();
    put_row(&mut book, sheet, row);
    let (_, got) = mutation::check_book(&book, "perf-rows", name);
    if signature(&got) != signature(want) {
        return Err(format!(
            "{name}: findings differ from the seed's:\n  want {:?}\n  got  {:?}",
            signature(want),
            signature(&got)
        ));
    }
    let subtotals: Vec<&Value> = got.iter().filter(|f| f["rule"] == "subtotal-row").collect();
    let expected = row.adds_up.map_or(0, |_| 1);
    let severity = if row.adds_up == Some(false) {
        "warning"
    } else {
        "info"
    };
    let right = subtotals.len() == expected
        && subtotals
            .iter()
            .all(|f| f["severity"] == severity && f["sheet"] == sheet);
    if !right {
        return Err(format!("{name}: subtotal findings {subtotals:?}"));
    }
    Ok(())
}

#[test]
fn rows_that_are_no_indicators_are_not_scored() {
    let mut failed = Vec::new();
    let mut cases = 0;
    for seed in SEEDS {
        let base = grid::fixture(seed);
        let (_, want) = mutation::check_book(&base, "perf-rows", seed);
        for s in &base.sheets {
            let Some(b) = block_of(s) else { continue };
            let rows = mark_rows(&b).into_iter().chain(subtotal_rows(s, &b));
            for (i, row) in rows.enumerate() {
                cases += 1;
                let name = format!("{}-{}-{i}", seed.trim_end_matches(".grid"), s.name);
                if let Err(e) = run_case((&base, &want), &s.name, &row, &name) {
                    failed.push(e);
                }
            }
        }
    }
    assert!(cases >= 60, "only {cases} cases");
    assert!(
        failed.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// The 附件1 sheet of a seed and its project rows (0-based), those between 项目支出 and 公用经费.
fn project_rows(book: &GridBook) -> Option<(String, Vec<u32>)> {
    let s = book
        .sheets
        .iter()
        .find(|s| s.find("公用经费").is_some() && s.find("项目支出：").is_some())?;
    let (from, _) = s.find("项目支出：")?;
    let (to, _) = s.find("公用经费")?;
    let named = |r: &u32| s.cell(*r, 0).as_str().chars().any(char::is_alphabetic);
    Some((s.name.clone(), (from + 1..to).filter(named).collect()))
}

/// A project of 附件1 named as a row of the form below its list (办公费, 政府采购 …): it is a
/// project, its figures the project's. Each project of each seed, renamed to each such name,
/// gives the findings it gives renamed to a name of no row (the control, as a project's name
/// is matched with 附件3's).
#[test]
fn a_project_named_as_a_control_row_is_a_project() {
    const NAMES: &[&str] = &[
        "办公费",
        "办公经费",
        "其中：办公费",
        "政府采购",
        "政府采购金额",
        "会议费、培训费",
        "部门基本支出预算调整",
    ];
    let mut failed = Vec::new();
    let mut cases = 0;
    for seed in ["seed000_perf.grid", "seed004_perf.grid"] {
        let base = grid::fixture(seed);
        let (sheet, rows) = project_rows(&base).expect("附件1 projects");
        for &r in &rows {
            let renamed = |name: &str| {
                let mut book = base.clone();
                let s = book.sheet_mut(&sheet);
                let old = s.cell(r, 0).as_str().to_string();
                let ordinal: String = old
                    .chars()
                    .take_while(|c| !c.is_alphabetic() || c.is_ascii_digit() || "、.".contains(*c))
                    .collect();
                s.put(r, 0, GridCell::text(&format!("{ordinal}{name}")));
                book
            };
            let tag = format!("{}-{r}", seed.trim_end_matches(".grid"));
            let (_, want) = mutation::check_book(
                &renamed("专项工作经费"),
                "perf-rows",
                &format!("{tag}-plain"),
            );
            for (i, name) in NAMES.iter().enumerate() {
                cases += 1;
                let (_, got) =
                    mutation::check_book(&renamed(name), "perf-rows", &format!("{tag}-{i}"));
                if signature(&got) != signature(&want) {
                    failed.push(format!(
                        "{tag} named {name}:\n  want {:?}\n  got  {:?}",
                        signature(&want),
                        signature(&got)
                    ));
                }
            }
        }
    }
    assert!(cases >= 30, "only {cases} cases");
    assert!(
        failed.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
