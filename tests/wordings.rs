//! Other wordings of the forms' column headers and row names, as other provinces and the
//! MoF's forms print them: generated from the seeds' 绩效 and 预算 workbooks, each word put in
//! place of the standard one in every layout variant, must read exactly as the standard word
//! does (same findings at the same cells); a header word no form knows is said, not read as
//! a column of blanks.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/mutation.rs"]
mod mutation;

use grid::{GridBook, GridCell};
use serde_json::Value;

/// A finding without its message: (sheet, cell, form, rule, severity, expected, found).
type Said = (String, String, String, String, String, String, String);

fn said(f: &Value) -> Said {
    let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
    (
        s("sheet"),
        s("cell"),
        s("form"),
        s("rule"),
        s("severity"),
        s("expected"),
        s("found"),
    )
}

fn findings(book: &GridBook, name: &str) -> Vec<Said> {
    let (_, all) = mutation::check_book(book, "wordings", name);
    let mut out: Vec<Said> = all.iter().map(said).collect();
    out.sort();
    out
}

/// The layouts every wording is tried in: as published, moved down and right (a title block
/// and a margin column added), and with the sheets renamed and reordered.
fn layouts(book: &GridBook) -> Vec<(&'static str, GridBook)> {
    let mut moved = book.shift_down(3);
    for s in &mut moved.sheets {
        s.insert_col(0);
    }
    vec![
        ("published", book.clone()),
        ("moved", moved),
        ("renamed", book.rename_and_reorder_sheets()),
    ]
}

/// `book` with every cell reading `old` (whitespace aside) reading `new`; None when no cell
/// reads `old`.
fn reworded(book: &GridBook, old: &str, new: &str) -> Option<GridBook> {
    let mut out = book.clone();
    let mut n = 0;
    for s in &mut out.sheets {
        for (r, c) in s.find_all(old) {
            s.put(r, c, GridCell::text(new));
            n += 1;
        }
    }
    (n > 0).then_some(out)
}

/// Each (standard word, other wording) pair tried on each seed in each layout: the findings
/// must be those of the standard word (files named after `tag`, one per test). Returns how many cases were tried, and the failures.
fn try_wordings(tag: &str, seeds: &[&str], pairs: &[(&str, &str)]) -> (usize, Vec<String>) {
    let mut tried = 0;
    let mut failed = Vec::new();
    for seed in seeds {
        let book = grid::fixture(&format!("{seed}.grid"));
        for (layout, base) in layouts(&book) {
            let want = findings(&base, &format!("{tag}-{seed}-{layout}"));
            for (i, (old, new)) in pairs.iter().enumerate() {
                let Some(variant) = reworded(&base, old, new) else {
                    continue;
                };
                tried += 1;
                let got = findings(&variant, &format!("{tag}-{seed}-{layout}-{i}"));
                if got != want {
                    let extra: Vec<_> = got.iter().filter(|f| !want.contains(f)).collect();
                    let lost: Vec<_> = want.iter().filter(|f| !got.contains(f)).collect();
                    failed.push(format!(
                        "{seed} {layout} {old}→{new}: extra {extra:?}, lost {lost:?}"
                    ));
                }
            }
        }
    }
    (tried, failed)
}

/// [`try_wordings`] with at least `least` cases tried, none failed.
fn assert_read_alike(tag: &str, seeds: &[&str], pairs: &[(&str, &str)], least: usize) {
    let (tried, failed) = try_wordings(tag, seeds, pairs);
    assert!(tried >= least, "only {tried} cases tried");
    assert!(
        failed.is_empty(),
        "{} of {tried}:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

const PERF_SEEDS: [&str; 3] = ["seed000_perf", "seed001_perf", "seed004_perf"];

const INDICATOR_WORDS: [(&str, &str); 26] = [
    ("分值", "权重"),
    ("分值", "权重（%）"),
    ("分值", "标准分"),
    ("分值", "分数"),
    ("分值", "指标分值"),
    ("分值", "满分"),
    ("自评得分", "评分"),
    ("自评得分", "自评分"),
    ("自评得分", "自评分数"),
    ("自评得分", "实际得分"),
    ("自评得分", "评价得分"),
    ("得分", "评分"),
    ("年度指标值", "指标值"),
    ("年度指标值", "目标值"),
    ("年度指标值", "年度目标值"),
    ("年度指标值", "预期指标值"),
    ("年度指标值", "年初目标值"),
    ("实际完成值", "实际值"),
    ("实际完成值", "完成值"),
    ("实际完成值", "全年完成值"),
    ("实际完成值", "实际完成情况"),
    ("实际完成值", "全年实际完成值"),
    ("偏差原因分析及改进措施", "偏差原因及改进措施"),
    ("偏差原因分析及改进措施", "偏差原因"),
    ("偏差原因分析及改进措施", "未完成原因分析"),
    ("三级指标", "指标名称"),
];

#[test]
fn indicator_header_synonyms_read_as_the_standard_words() {
    assert_read_alike("indicator", &PERF_SEEDS, &INDICATOR_WORDS, 50);
}

const FUND_WORDS: [(&str, &str); 4] = [
    ("年初预算数", "年初预算"),
    ("全年预算数", "全年预算"),
    ("全年执行数", "全年执行"),
    ("全年执行数", "实际支出数"),
];

#[test]
fn fund_panel_header_synonyms_read_as_the_standard_words() {
    assert_read_alike("fund", &PERF_SEEDS, &FUND_WORDS, 30);
}

/// The 资金 rows of 附件3 as other provinces and the MoF's form name them, with or without
/// their 其中：.
const FUND_ROW_WORDS: [(&str, &str); 7] = [
    ("其中：当年财政拨款", "其中：本年财政拨款"),
    ("其中：当年财政拨款", "其中：财政拨款"),
    ("其中：当年财政拨款", "当年财政拨款"),
    ("其中：当年财政拨款", "本年财政拨款"),
    ("其中：当年财政拨款", "其中：财政拨款资金"),
    ("上年结转资金", "上年结余结转资金"),
    ("上年结转资金", "上年结转结余资金"),
];

#[test]
fn fund_row_names_read_as_the_standard_ones() {
    assert_read_alike("fund-rows", &PERF_SEEDS, &FUND_ROW_WORDS, 30);
}

/// A total named 总计 instead of 合计, in a row (部门公开表07/09's total over the units) or a
/// column header (公开09表's 合计 of 预算数 and of 决算数, 公开04表's, 公开08表's): as real units
/// print it, read as 合计.
#[test]
fn a_total_named_zongji_reads_as_heji() {
    assert_read_alike(
        "zongji",
        &["seed001_final", "seed002_budget"],
        &[("合计", "总计")],
        6,
    );
}

/// A placeholder ("-", "—", "/", "无") written in the empty cells of 附件3's 资金 rows, where
/// the form has no cell (their 分值 and 得分), says there is nothing: the same findings.
#[test]
fn a_placeholder_where_the_form_has_no_cell_changes_nothing() {
    let marks = ["-", "—", "/", "无"];
    let mut tried = 0;
    for seed in PERF_SEEDS {
        let book = grid::fixture(&format!("{seed}.grid"));
        let want = findings(&book, &format!("placeholder-{seed}"));
        for (m, mark) in marks.iter().enumerate() {
            let mut variant = book.clone();
            let mut n = 0;
            for s in &mut variant.sheets {
                for label in ["上年结转资金", "其他资金"] {
                    for (r, c) in s.find_all(label) {
                        for col in c + 1..s.width() {
                            let covered = s.merges.iter().any(|&(r1, c1, r2, c2)| {
                                (r1..=r2).contains(&r) && (c1..=c2).contains(&col)
                            });
                            if s.cell(r, col).is_empty() && !covered {
                                s.put(r, col, GridCell::text(mark));
                                n += 1;
                            }
                        }
                    }
                }
            }
            if n == 0 {
                continue; // No 附件3 in this seed.
            }
            tried += 1;
            let got = findings(&variant, &format!("placeholder-{seed}-{m}"));
            assert_eq!(got, want, "{seed} with {mark}");
        }
    }
    assert!(tried >= 8);
}

/// A 绩效指标 column under a header no form knows ("权重分值") is said to be missing, naming
/// the form, instead of every row's 分值 being read as blank and each row failing its rules.
#[test]
fn an_unknown_indicator_header_is_said_not_read_as_blanks() {
    let unknown = [
        ("分值", "权重分值"),
        ("自评得分", "考评分"),
        ("得分", "考评分"),
    ];
    let mut tried = 0;
    for seed in PERF_SEEDS {
        let book = grid::fixture(&format!("{seed}.grid"));
        for (layout, base) in layouts(&book) {
            for (i, (old, new)) in unknown.iter().enumerate() {
                let Some(variant) = reworded(&base, old, new) else {
                    continue;
                };
                tried += 1;
                let name = format!("{seed}-{layout}-unknown-{i}");
                let (_, all) = mutation::check_book(&variant, "wordings", &name);
                let absent = all.iter().filter(|f| f["rule"] == "column-absent");
                assert!(
                    absent.clone().any(|f| f["form"]
                        .as_str()
                        .is_some_and(|form| form.starts_with("perf-"))),
                    "{name}: no column-absent finding"
                );
                let per_row = all
                    .iter()
                    .filter(|f| f["rule"] == "score-le-weight")
                    .count();
                assert_eq!(per_row, 0, "{name}: rows checked against a missing column");
            }
        }
    }
    assert!(tried >= 9, "only {tried} cases tried");
}

/// 附件1 基础数据表's rows under the names the 决算/预算 tables give them (因公出国（境）费 for
/// 出国经费): read as the form's rows, not taken for projects of the 项目支出 list above.
#[test]
fn perf_base_row_names_read_as_the_standard_ones() {
    let pairs = [
        ("2、出国经费", "2、因公出国（境）费"),
        ("2、出国经费", "因公出国（境）经费"),
        ("1、公务用车购置和维护经费", "1.公务用车购置及运行维护费"),
        ("1、公务用车购置和维护经费", "1、公务用车购置及运行费"),
        ("3、公务接待", "3、公务接待费"),
        ("其中：公车购置", "其中：公务用车购置费"),
        ("公车运行维护", "公务用车运行维护费"),
        ("公车运行维护", "公务用车运行费"),
        ("其中：办公经费", "其中：办公费"),
        ("政府采购金额", "政府采购"),
    ];
    assert_read_alike("base-rows", &["seed000_perf", "seed004_perf"], &pairs, 40);
}

/// 部门预算公开表04's 本年收入 as 本年财政拨款收入, 表07's 因公出国（境）费 column as 因公出国
/// （境）经费 or 费用.
#[test]
fn budget_row_and_column_names_read_as_the_standard_ones() {
    let pairs = [
        ("一、本年收入", "一、本年财政拨款收入"),
        ("因公出国（境）费", "因公出国（境）经费"),
        ("因公出国（境）费", "因公出国（境）费用"),
    ];
    assert_read_alike("budget", &["seed002_budget"], &pairs, 9);
}
