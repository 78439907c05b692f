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
    /// The 总分 row, when the sheet has one.
    total: Option<u32>,
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
        total: (end < s.rows.len() as u32).then_some(end),
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
    /// Merges along the row: first and last column.
    merges: Vec<(u16, u16)>,
    /// The column a warning names (the figure that is off).
    off_col: Option<u16>,
}

fn put_row(book: &mut GridBook, sheet: &str, row: &Inserted) {
    let s = book.sheet_mut(sheet);
    s.insert_row(row.at);
    for (c, cell) in &row.cells {
        s.put(row.at, *c, cell.clone());
    }
    for &(first, last) in &row.merges {
        s.merges.push((row.at, first, row.at, last));
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
        merges: Vec::new(),
        off_col: None,
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
                merges: Vec::new(),
                off_col: Some(b.weight),
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
            merges: Vec::new(),
            off_col: None,
        });
    }
    out.extend(b.total.into_iter().flat_map(|t| total_restated(s, b, t)));
    out
}

/// A 合计 row right above 总分 that restates it (the 预算执行率 row's 分值 and 得分 included, so
/// more than the indicators add up to): the word merged over the columns before 分值, only in
/// the first level column, or only in the first column (the side label's, 绩效指标, left of the
/// level columns); the 得分 merged over the columns after it, or not; the 得分 as 总分's (an
/// info) or one less (a warning: it differs from the 总分 below it).
fn total_restated(s: &GridSheet, b: &Block, total: u32) -> Vec<Inserted> {
    let label_span = (0, b.weight - 1);
    let score_span = (b.score < b.last_col).then_some((b.score, b.last_col));
    let mut shapes = Vec::new();
    let mut placements = vec![(true, 0), (false, b.level[0])];
    if b.level[0] > 0 {
        placements.push((false, 0));
    }
    for (label_merged, word_col) in placements {
        for score_merged in [true, false] {
            for same in [true, false] {
                shapes.push((label_merged, word_col, score_merged, same));
            }
        }
    }
    let shapes = shapes
        .into_iter()
        .map(|(label_merged, word_col, score_merged, same)| {
            let mut merges = Vec::new();
            merges.extend(Some(label_span).filter(|_| label_merged));
            merges.extend(score_span.filter(|_| score_merged));
            let score =
                num(s.cell(total, b.score)) - if same { Decimal::ZERO } else { Decimal::ONE };
            let figures = [
                (b.weight, s.cell(total, b.weight).clone()),
                (b.score, number(score)),
            ];
            Inserted {
                at: total,
                cells: [(word_col, GridCell::text("合计"))]
                    .into_iter()
                    .chain(figures)
                    .collect(),
                adds_up: Some(same),
                merges,
                off_col: Some(b.score),
            }
        });
    shapes.collect()
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
    let col = |f: &Value| {
        f["cell"]
            .as_str()
            .unwrap_or("")
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .to_string()
    };
    let off_col = row
        .off_col
        .filter(|_| row.adds_up == Some(false))
        .map(grid::col_name);
    let right = subtotals.len() == expected
        && subtotals.iter().all(|f| {
            f["severity"] == severity
                && f["sheet"] == sheet
                && off_col.as_ref().is_none_or(|c| col(f) == *c)
        });
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
        // Named for this test: the others write files of the same seeds and sheets at once.
        let (_, want) = mutation::check_book(&base, "perf-rows", &format!("unscored-{seed}"));
        for s in &base.sheets {
            let Some(b) = block_of(s) else { continue };
            let rows = mark_rows(&b).into_iter().chain(subtotal_rows(s, &b));
            for (i, row) in rows.enumerate() {
                cases += 1;
                let name = format!("unscored-{}-{}-{i}", seed.trim_end_matches(".grid"), s.name);
                if let Err(e) = run_case((&base, &want), &s.name, &row, &name) {
                    failed.push(e);
                }
            }
        }
    }
    mutation::assert_cases_passed(&failed, cases, 60);
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

/// The 附件1 project rows of seeds 000 and 004, each renamed (its number kept) to each of
/// `names`, against the same row renamed to a name of no row (the control, as a project's name
/// is matched with 附件3's): the failures, and how many cases were run. Projects without a
/// number are left out when `numbered_only`.
fn renamed_projects(names: &[&str], numbered_only: bool) -> (Vec<String>, usize) {
    let mut failed = Vec::new();
    let mut cases = 0;
    for seed in ["seed000_perf.grid", "seed004_perf.grid"] {
        let base = grid::fixture(seed);
        let (sheet, rows) = project_rows(&base).expect("附件1 projects");
        for &r in &rows {
            let old = base.sheet(&sheet).cell(r, 0).as_str().to_string();
            let ordinal: String = old
                .chars()
                .take_while(|c| !c.is_alphabetic() || c.is_ascii_digit() || "、.".contains(*c))
                .collect();
            if numbered_only && !ordinal.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            let renamed = |name: &str| {
                let mut book = base.clone();
                let s = book.sheet_mut(&sheet);
                s.put(r, 0, GridCell::text(&format!("{ordinal}{name}")));
                book
            };
            // Each test its own files: the tests run at once.
            let tag = format!("{}-{r}-{numbered_only}", seed.trim_end_matches(".grid"));
            let (_, want) = mutation::check_book(
                &renamed("专项工作经费"),
                "perf-rows",
                &format!("{tag}-plain"),
            );
            for (i, name) in names.iter().enumerate() {
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
    (failed, cases)
}

/// A project of 附件1 named as a row of the form below its list (办公费, 政府采购 …): it is a
/// project, its figures the project's.
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
    let (failed, cases) = renamed_projects(NAMES, false);
    mutation::assert_cases_passed(&failed, cases, 30);
}

/// A numbered project of 附件1 named 合计, 小计 or 总计 (`3、合计`) is an item of the list, no
/// subtotal row: it reads as a project of any other name.
#[test]
fn a_numbered_project_named_as_a_subtotal_is_a_project() {
    let (failed, cases) = renamed_projects(&["合计", "小计", "总计", "项目合计"], true);
    mutation::assert_cases_passed(&failed, cases, 20);
}

/// Whether a cell says something: a figure, or a text of two characters or more with a
/// letter or digit (not "——", "/", "无").
fn says_something(cell: &GridCell) -> bool {
    let text = cell.squeezed();
    text.chars().any(|c| c.is_ascii_digit())
        || (text.chars().count() > 1 && text.chars().any(char::is_alphanumeric))
}

/// The indicator rows of a block (0-based) with content after the 三级指标 (年度指标值,
/// 实际完成值): what a row says of itself beside its name.
fn indicators_with_content(s: &GridSheet, b: &Block) -> Vec<u32> {
    let (first, last) = (b.groups[0].0, b.groups.last().unwrap().1);
    let said = |r: u32| (b.level[2] + 1..b.weight).any(|c| says_something(s.cell(r, c)));
    (first..=last)
        .filter(|&r| !s.cell(r, b.level[2]).squeezed().is_empty() && said(r))
        .collect()
}

/// An indicator whose 三级指标 is named 小计 or 合计 but which says its 年度指标值 and 实际完成值
/// is an indicator, no subtotal row: each such row of each indicator sheet of the three seeds,
/// renamed so, reads as it does under a name of no row.
#[test]
fn an_indicator_named_as_a_subtotal_is_an_indicator() {
    const WORDS: &[&str] = &["小计", "合计", "总计", "指标合计"];
    let mut failed = Vec::new();
    let mut cases = 0;
    for seed in SEEDS {
        let base = grid::fixture(seed);
        for s in &base.sheets {
            let Some(b) = block_of(s) else { continue };
            for (i, r) in indicators_with_content(s, &b).into_iter().enumerate() {
                let renamed = |name: &str| {
                    let mut book = base.clone();
                    book.sheet_mut(&s.name)
                        .put(r, b.level[2], GridCell::text(name));
                    book
                };
                let tag = format!("{}-{}-{r}", seed.trim_end_matches(".grid"), s.name);
                let word = WORDS[i % WORDS.len()];
                let (_, want) = mutation::check_book(&renamed("专项考核指标"), "perf-rows", &tag);
                let (_, got) =
                    mutation::check_book(&renamed(word), "perf-rows", &format!("{tag}-{word}"));
                cases += 1;
                let subtotal = got.iter().any(|f| f["rule"] == "subtotal-row");
                if subtotal || signature(&got) != signature(&want) {
                    failed.push(format!(
                        "{tag} named {word}:\n  want {:?}\n  got  {:?}",
                        signature(&want),
                        signature(&got)
                    ));
                }
            }
        }
    }
    mutation::assert_cases_passed(&failed, cases, 30);
}

/// A 合计 above 总分 whose 分值 and 得分 both differ from the 总分 below and from the
/// indicators' sums: the one warning names both figures, at the 分值.
#[test]
fn a_total_off_in_both_figures_names_both() {
    let mut failed = Vec::new();
    let mut cases = 0;
    for seed in SEEDS {
        let base = grid::fixture(seed);
        for s in &base.sheets {
            let Some(b) = block_of(s) else { continue };
            let Some(total) = b.total else { continue };
            cases += 1;
            let mut row = total_restated(s, &b, total).remove(1);
            let weight = num(s.cell(total, b.weight)) - Decimal::ONE;
            row.cells.retain(|(c, _)| *c != b.weight);
            row.cells.push((b.weight, number(weight)));
            let mut book = base.clone();
            put_row(&mut book, &s.name, &row);
            let (_, got) = mutation::check_book(&book, "perf-rows", &format!("total-off-{seed}"));
            let warned: Vec<&Value> = got
                .iter()
                .filter(|f| f["rule"] == "subtotal-row" && f["severity"] == "warning")
                .collect();
            let message = warned.first().and_then(|f| f["message"].as_str());
            let both = message.is_some_and(|m| m.contains("分值") && m.contains("得分"));
            if warned.len() != 1 || !both {
                failed.push(format!("{seed} {}: {warned:?}", s.name));
            }
        }
    }
    mutation::assert_cases_passed(&failed, cases, 6);
}
