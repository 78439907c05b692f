//! The fixtures (`tests/fixtures/*.grid`) and their builder (`tests/support/grid.rs`):
//! every fixture loads, writes to .xlsx and reads back unchanged; spot values and sums prove the
//! transcription faithful to the seeds (known inconsistencies included); the layout variants keep
//! every value; the corrections fix exactly the known inconsistencies.

#[path = "support/grid.rs"]
mod grid;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use calamine::{open_workbook, Data, Reader, Xlsx};
use grid::{GridBook, GridCell, GridSheet};
use rust_decimal::Decimal;

const FIXTURES: [&str; 6] = [
    "seed001_final.grid",
    "seed001_perf.grid",
    "seed002_budget.grid",
    "seed000_perf.grid",
    "seed004_perf.grid",
    "seed003_report.grid",
];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn book(name: &str) -> GridBook {
    grid::load(&fixture(name))
}

/// A fresh output directory for this test run.
fn out_dir(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("fixtures_{tag}"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

/// The amount in a cell: a number, or text like "2,051.69". None for anything else.
fn amount(cell: &GridCell) -> Option<Decimal> {
    match cell {
        GridCell::Number(n) => Some(d(n)),
        GridCell::Text(t) => {
            let t = t.trim().replace(',', "");
            if grid::is_number_text(&t) {
                Some(d(&t))
            } else {
                None
            }
        }
        GridCell::Empty => None,
    }
}

/// Amount or zero (blank cells of the printed forms are zero).
fn amt(s: &GridSheet, r: u32, c: u16) -> Decimal {
    amount(s.cell(r, c)).unwrap_or(Decimal::ZERO)
}

fn find(s: &GridSheet, text: &str) -> (u32, u16) {
    s.find(text)
        .unwrap_or_else(|| panic!("{}: no cell {text:?}", s.name))
}

/// The first non-empty cell right of (r, c).
fn right_of(s: &GridSheet, r: u32, c: u16) -> &GridCell {
    (c + 1..s.width())
        .map(|k| s.cell(r, k))
        .find(|x| !x.is_empty())
        .unwrap_or_else(|| panic!("{}: nothing right of {}", s.name, grid::a1(r, c)))
}

// ---------------------------------------------------------------- loading and writing

#[test]
fn every_fixture_loads_with_its_sheets() {
    let expect: [(&str, &[&str]); 6] = [
        (
            "seed001_final.grid",
            &[
                "公开01表",
                "公开02表",
                "公开03表",
                "公开04表",
                "公开05表",
                "公开06表",
                "公开07表",
                "公开08表",
                "公开09表",
            ],
        ),
        ("seed001_perf.grid", &["部门整体支出绩效自评表"]),
        (
            "seed002_budget.grid",
            &[
                "部门收支总体情况表",
                "部门收入总体情况表",
                "部门支出总体情况表",
                "财政拨款收支总体情况表",
                "一般公共预算支出情况表",
                "一般公共预算基本支出情况表",
                "一般公共预算“三公”经费支出情况表",
                "政府性基金预算支出情况表",
                "项目支出绩效目标表",
                "部门整体支出绩效目标表",
            ],
        ),
        (
            "seed000_perf.grid",
            &["附件1", "附件2", "附件3-1", "附件3-2"],
        ),
        ("seed004_perf.grid", &["附件一", "附件二", "附件三"]),
        ("seed003_report.grid", &["部门整体支出绩效评价报告"]),
    ];
    for (file, sheets) in expect {
        let b = book(file);
        let names: Vec<&str> = b.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, sheets, "{file}");
        for s in &b.sheets {
            assert!(s.rows.len() >= 3, "{file} {}: too few rows", s.name);
            assert!(
                s.notes.iter().any(|n| n.starts_with("source:")),
                "{file} {}: no `# source:` line",
                s.name
            );
        }
    }
}

#[test]
fn grid_text_round_trips() {
    for f in FIXTURES {
        let b = book(f);
        let again = grid::parse(&b.to_grid_text(), f);
        assert_eq!(again, b, "{f}");
    }
}

/// Read a written workbook back and compare every cell and every merge with the grid.
fn assert_xlsx_matches(b: &GridBook, path: &Path, what: &str) {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{what}: {e}"));
    let names = wb.sheet_names();
    let want: Vec<String> = b.sheets.iter().map(|s| s.name.clone()).collect();
    assert_eq!(names, want, "{what}: sheet names");
    for s in &b.sheets {
        let range = wb.worksheet_range(&s.name).unwrap();
        let (h, w) = (s.rows.len() as u32, s.width() as u32);
        // nothing outside the grid
        for (r, c, v) in range.used_cells() {
            let (r, c) = (
                r as u32 + range.start().unwrap().0,
                c as u32 + range.start().unwrap().1,
            );
            assert!(
                r < h && c < w || matches!(v, Data::Empty),
                "{what} {}: extra cell {}",
                s.name,
                grid::a1(r, c as u16)
            );
        }
        for r in 0..h {
            for c in 0..s.width() {
                let got = range.get_value((r, c as u32)).unwrap_or(&Data::Empty);
                let at = format!("{what} {}!{}", s.name, grid::a1(r, c));
                match s.cell(r, c) {
                    GridCell::Empty => assert!(
                        matches!(got, Data::Empty) || *got == Data::String(String::new()),
                        "{at}: expected empty, got {got:?}"
                    ),
                    GridCell::Number(n) => {
                        let v = match got {
                            Data::Float(f) => *f,
                            Data::Int(i) => *i as f64,
                            other => panic!("{at}: expected number {n}, got {other:?}"),
                        };
                        // the shortest text that reads back as this f64
                        let back = d(&format!("{v}"));
                        assert_eq!(back, d(n), "{at}");
                    }
                    GridCell::Text(t) => {
                        assert_eq!(got, &Data::String(t.clone()), "{at}");
                    }
                }
            }
        }
        let merges: BTreeSet<(u32, u32, u32, u32)> = wb
            .merge_cells_by_sheet_name(&s.name)
            .unwrap()
            .into_iter()
            .map(|m| (m.start.0, m.start.1, m.end.0, m.end.1))
            .collect();
        let want: BTreeSet<(u32, u32, u32, u32)> = s
            .merges
            .iter()
            .map(|&(a, b, c, d)| (a, b as u32, c, d as u32))
            .collect();
        assert_eq!(merges, want, "{what} {}: merges", s.name);
    }
}

#[test]
fn every_sheet_writes_to_xlsx_and_reads_back_the_same() {
    let dir = out_dir("roundtrip");
    for f in FIXTURES {
        let b = book(f);
        let path = dir.join(f.replace(".grid", ".xlsx"));
        b.write_xlsx(&path);
        assert_xlsx_matches(&b, &path, f);
    }
}

#[test]
fn every_variant_writes_to_xlsx_and_reads_back_the_same() {
    let dir = out_dir("variants");
    for f in FIXTURES {
        let b = book(f);
        for (tag, v) in variants(&b) {
            let path = dir.join(format!("{}_{tag}.xlsx", f.trim_end_matches(".grid")));
            v.write_xlsx(&path);
            assert_xlsx_matches(&v, &path, &format!("{f} {tag}"));
        }
    }
}

// ---------------------------------------------------------------- malformed fixtures

#[test]
#[should_panic(expected = "bad.grid:4: merge B1:C1 in sheet S covers the non-empty cell C1")]
fn a_merge_over_a_value_is_reported_with_its_line() {
    grid::parse("=== sheet S\na\tb\tc\n\n# merge B1:C1\n", "bad.grid");
}

#[test]
#[should_panic(expected = "bad.grid:2: unknown directive")]
fn an_unknown_directive_is_reported_with_its_line() {
    grid::parse("=== sheet S\n# merg A1:B1\nx\n", "bad.grid");
}

#[test]
#[should_panic(expected = "bad.grid:1: row before the first `=== sheet` line")]
fn a_row_before_any_sheet_is_reported() {
    grid::parse("x\ty\n=== sheet S\n", "bad.grid");
}

#[test]
#[should_panic(expected = "bad.grid:3: bad escape")]
fn a_bad_escape_is_reported_with_its_line() {
    grid::parse("=== sheet S\nok\nbad\\q\n", "bad.grid");
}

#[test]
fn cells_parse_as_documented() {
    use GridCell::*;
    let p = |s: &str| grid::parse_cell(s, "t");
    assert_eq!(p("526.36"), Number("526.36".into()));
    assert_eq!(p("0.00"), Number("0.00".into()));
    assert_eq!(p("2010450"), Number("2010450".into()));
    assert_eq!(p("-1.5"), Number("-1.5".into()));
    assert_eq!(p("04"), Text("04".into()));
    assert_eq!(p("'201"), Text("201".into()));
    assert_eq!(p("''x"), Text("'x".into()));
    assert_eq!(p("2,051.69"), Text("2,051.69".into()));
    assert_eq!(p("79.68%"), Text("79.68%".into()));
    assert_eq!(p("年度预\\n算申请"), Text("年度预\n算申请".into()));
    assert_eq!(p(""), Empty);
    assert_eq!(p("　"), Text("　".into()));
    for cell in [
        Text("201".into()),
        Text("'q".into()),
        Text("a\tb\\c\nd".into()),
        Number("0.00".into()),
    ] {
        assert_eq!(p(&grid::format_cell(&cell)), cell);
    }
    assert_eq!(grid::parse_a1("B3"), Some((2, 1)));
    assert_eq!(grid::parse_a1("AA10"), Some((9, 26)));
    assert_eq!(grid::a1(9, 26), "AA10");
    assert_eq!(grid::with_commas("1643.36"), "1,643.36");
    assert_eq!(grid::with_commas("2536.76"), "2,536.76");
    assert_eq!(grid::with_commas("1234567.00"), "1,234,567.00");
    assert_eq!(grid::with_commas("526.36"), "526.36");
}

#[test]
fn set_and_find() {
    let mut b = book("seed001_final.grid");
    let s = b.sheet_mut("公开01表");
    assert_eq!(s.find("本 年 收 入 合 计"), s.find("本年收入合计"));
    let (r, c) = find(s, "本年收入合计");
    assert_eq!(grid::a1(r, c), "A33");
    s.set("C33", GridCell::num("999.99"));
    assert_eq!(s.cell(32, 2), &GridCell::num("999.99"));
    s.set("H50", GridCell::text("x"));
    assert_eq!(s.cell(49, 7), &GridCell::text("x"));
}

// ---------------------------------------------------------------- spot checks

/// final-01/04: the amount of 行次 `line` (the first amount column right of it).
fn line_amount(s: &GridSheet, line: u32) -> Decimal {
    let heads: BTreeSet<u16> = s.find_all("行次").into_iter().map(|(_, c)| c).collect();
    for r in 0..s.rows.len() as u32 {
        for &c in &heads {
            if s.cell(r, c) == &GridCell::Number(line.to_string()) {
                return amt(s, r, c + 1);
            }
        }
    }
    panic!("{}: no 行次 {line}", s.name)
}

/// The row whose first cells carry this 科目代码 (one column or split 类/款/项).
fn code_row(s: &GridSheet, code: &str) -> u32 {
    find(s, code).0
}

#[test]
fn seed001_final_spot_values() {
    let b = book("seed001_final.grid");
    let s01 = b.sheet("公开01表");
    assert_eq!(line_amount(s01, 58), d("526.36"));
    assert_eq!(line_amount(s01, 39), d("47.76"));
    assert_eq!(line_amount(s01, 1), d("526.36"));
    assert_eq!(line_amount(s01, 32), d("428.48"));
    assert_eq!(line_amount(s01, 62), d("526.36"));
    // lines 9-26 of the income side are 行次-only rows
    for line in 9..=26 {
        let (r, c) = s01
            .find_all(&line.to_string())
            .into_iter()
            .find(|&(_, c)| c == 1)
            .unwrap();
        assert!(s01.cell(r, 0).is_empty() && s01.cell(r, c + 1).is_empty());
    }
    let s02 = b.sheet("公开02表");
    let r = code_row(s02, "2080505");
    assert_eq!(
        s02.cell(r, 1),
        &GridCell::text("机关事业单位基本养老保险缴费支出")
    );
    assert_eq!(s02.cell(r, 2), &GridCell::num("29.44"));
    let s06 = b.sheet("公开06表");
    let (r, c) = find(s06, "30231");
    assert_eq!(s06.cell(r, c + 1), &GridCell::text("公务用车运行维护费"));
    assert_eq!(s06.cell(r, c + 2), &GridCell::num("12.00"));
    let (r, c) = find(s06, "人员经费合计");
    assert_eq!(right_of(s06, r, c), &GridCell::num("299.85"));
    let (r, c) = find(s06, "公用经费合计");
    assert_eq!(right_of(s06, r, c), &GridCell::num("216.71"));
    assert_eq!(
        b.sheet("公开04表").cell(2, 0).as_str(),
        "部门：株州市长株潭一体化发展事务中心"
    );
    for (sheet, text) in [
        (
            "公开07表",
            "本单位没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。",
        ),
        (
            "公开08表",
            "本单位没有使用国有资本经营预算安排的支出，故本表无数据。",
        ),
    ] {
        assert!(b.sheet(sheet).find(text).is_some(), "{sheet} 空表说明");
    }
    let s09 = b.sheet("公开09表");
    let data: Vec<&str> = s09.rows[7].iter().map(|c| c.as_str()).collect();
    assert_eq!(
        data,
        [
            "13.35", "0.00", "12.00", "0.00", "12.00", "1.35", "13.35", "0.00", "12.00", "0.00",
            "12.00", "1.35"
        ]
    );
    assert_eq!(s09.rows[6].len(), 12, "栏次 1-12");
}

#[test]
fn seed001_perf_spot_values() {
    let b = book("seed001_perf.grid");
    let s = &b.sheets[0];
    let (r, c) = find(s, "年度资金总额");
    let vals: Vec<&str> = (c + 1..c + 7).map(|k| s.cell(r, k).as_str()).collect();
    assert_eq!(vals, ["635.78", "526.36", "526.36", "10", "82.79%", "8.3"]);
    assert!(s.find("其中：一般公共预算：526.36").is_some());
    let (r, c) = find(s, "社会公众满意度");
    assert_eq!(s.cell(r, c + 1).as_str(), "95%");
    assert_eq!(s.cell(r, c + 2).as_str(), "98%");
    let (r, c) = find(s, "完成工作任务所需资金");
    assert_eq!(s.cell(r, c + 1).as_str(), "≤ 635.78 万元");
    assert_eq!(s.cell(r, c + 3), &GridCell::num("20"));
    let (r, c) = find(s, "总分");
    assert_eq!(right_of(s, r, c), &GridCell::num("100"));
    assert_eq!(s.cell(r, 7), &GridCell::num("98.3"));
}

#[test]
fn seed002_budget_spot_values() {
    let b = book("seed002_budget.grid");
    let s = b.sheet("部门收入总体情况表");
    let r = (0..s.rows.len() as u32)
        .find(|&r| {
            [s.cell(r, 0), s.cell(r, 1), s.cell(r, 2)].map(|c| c.as_str().to_string())
                == ["201", "04", "50"]
        })
        .expect("201/04/50 row");
    assert_eq!(s.cell(r, 3).as_str(), "事业运行");
    assert_eq!(s.cell(r, 4), &GridCell::num("598.49"));
    // the 款 row has only "04", codes are text, "**" markers kept
    let r = find(s, "发展与改革事务").0;
    assert_eq!(s.cell(r, 0), &GridCell::Empty);
    assert_eq!(s.cell(r, 1), &GridCell::text("04"));
    assert_eq!(find(s, "**"), (4, 0));
    let s1 = b.sheet("部门收支总体情况表");
    let (r, c) = find(s1, "本年收入合计");
    assert_eq!(s1.cell(r, c).as_str(), "本 年 收 入 合 计");
    assert_eq!(s1.cell(r, c + 1), &GridCell::num("938.91"));
    // page 2 merged in: 七、结转下年 and the totals follow 六、结余分配 directly
    let (r6, _) = find(s1, "六、结余分配");
    assert_eq!(find(s1, "七、结转下年").0, r6 + 1);
    assert_eq!(find(s1, "收入总计").0, r6 + 2);
    let s4 = b.sheet("财政拨款收支总体情况表");
    assert_eq!(
        find(s4, "22、其他支出").0,
        find(s4, "21、灾害防治及应急管理支出").0 + 1
    );
    assert_eq!(
        s4.find_all("项目").len(),
        2,
        "the page-2 header is not repeated"
    );
    let s6 = b.sheet("一般公共预算基本支出情况表");
    assert_eq!(find(s6, "30216").0, find(s6, "30215").0 + 1);
    let s7 = b.sheet("一般公共预算“三公”经费支出情况表");
    let (r, _) = find(s7, "合计");
    let vals: Vec<&str> = (1..7).map(|c| s7.cell(r, c).as_str()).collect();
    assert_eq!(vals, ["42.34", "1.00", "", "41.34", "37.34", "4.00"]);
    let s10 = b.sheet("部门整体支出绩效目标表");
    let (r, c) = find(s10, "成本控制在预算范围内");
    assert_eq!(s10.cell(r, c + 2), &GridCell::num("3398.91"));
    assert_eq!(s10.cell(r, c + 3).as_str(), "万元");
}

#[test]
fn seed000_spot_values() {
    let b = book("seed000_perf.grid");
    let s = b.sheet("附件2");
    let (r, c) = find(s, "年度资金总额");
    let vals: Vec<&str> = (c + 1..c + 7).map(|k| s.cell(r, k).as_str()).collect();
    assert_eq!(
        vals,
        ["2,051.69", "3,660.33", "2,916.71", "10", "79.68%", "8"]
    );
    assert_eq!(s.cell(r, c + 3), &GridCell::text("2,916.71"));
    assert_eq!(s.cell(3, 0).as_str(), "年度预\n算申请\n（万元）");
    assert!(s.find("产出指标(50分)").is_some());
    assert_eq!(
        s.cell(find(s, "产出指标(50分)").0, 1).as_str(),
        "产出指标\n(50分)"
    );
    let (r, c) = find(s, "在职人员控制率");
    assert_eq!(s.cell(r, c + 2).as_str(), "75%");
    assert_eq!(
        s.cell(r, c + 5).as_str(),
        "　",
        "偏差原因 holds a full-width space"
    );
    let s1 = b.sheet("附件1");
    let (r, _) = find(s1, "项目支出：");
    let vals: Vec<&str> = [1, 3, 5].map(|c| s1.cell(r, c).as_str()).to_vec();
    assert_eq!(vals, ["182.51", "2,536.76", "1,907.88"]);
    assert!(s1
        .find("填表人：彭紫叶 填报日期：2024年5月25日 联系电话：85063995 单位负责人签字：")
        .is_some());
    let s31 = b.sheet("附件3-1");
    let (r, c) = find(s31, "上年结转资金");
    assert_eq!(s31.cell(r, c + 2), &GridCell::num("99.48"));
}

#[test]
fn seed004_spot_values() {
    let b = book("seed004_perf.grid");
    let s = b.sheet("附件一");
    let (hr, _) = find(s, "经费控制情况（万元）");
    let col = s.rows[hr as usize]
        .iter()
        .position(|c| c.squeezed() == "2023年预算数")
        .unwrap() as u16;
    let (r, _) = find(s, "项目支出：");
    assert_eq!(s.cell(r, col), &GridCell::num("7.5"));
    let s2 = b.sheet("附件二");
    assert!(s2.find("其他资金：11.06").is_some());
    let (r, c) = find(s2, "总分");
    assert_eq!(right_of(s2, r, c), &GridCell::num("100"));
    assert_eq!(s2.cell(r, 7), &GridCell::num("95"));
}

#[test]
fn seed003_report_blocks_are_intact() {
    let b = book("seed003_report.grid");
    let s = &b.sheets[0];
    let src = std::fs::read_to_string("/work/shared/seeds/003_9e087fc9cf005b89.txt").ok();
    let (r, c) = find(s, "年度预算金额");
    assert_eq!(s.cell(r, c + 1).as_str(), "358.65万元");
    for label in [
        "单位基本职能及规划",
        "部门整体支出管理和使用基本情况",
        "绩效目标完成情况",
        "存在的问题",
        "改进措施",
    ] {
        let (r, c) = find(s, label);
        let text = right_of(s, r, c).as_str();
        assert!(text.chars().count() > 50, "{label}");
        if let Some(src) = &src {
            assert!(
                src.contains(&format!("{text} |")),
                "{label}: not the seed's block"
            );
        }
    }
    let (r, c) = find(s, "绩效目标完成情况");
    assert!(right_of(s, r, c).as_str().chars().count() > 4_000);
}

// ---------------------------------------------------------------- sums

/// Rows of a code table: (code, row) for every cell of column `col` that is a 3/5/7-digit code.
fn coded_rows(s: &GridSheet, col: u16) -> Vec<(String, u32)> {
    (0..s.rows.len() as u32)
        .filter_map(|r| {
            let t = s.cell(r, col).as_str();
            (matches!(t.len(), 3 | 5 | 7) && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| (t.to_string(), r))
        })
        .collect()
}

/// 类 = Σ its 款 and 款 = Σ its 项 exactly, in every amount column; returns 合计 − Σ 类 per
/// column (the published 尾差 shows there).
fn assert_code_hierarchy(
    s: &GridSheet,
    total_row: u32,
    cols: std::ops::Range<u16>,
) -> Vec<Decimal> {
    let mut diffs = Vec::new();
    let rows = coded_rows(s, 0);
    assert!(!rows.is_empty(), "{}", s.name);
    for c in cols {
        let lei: Decimal = rows
            .iter()
            .filter(|(k, _)| k.len() == 3)
            .map(|&(_, r)| amt(s, r, c))
            .sum();
        diffs.push(amt(s, total_row, c) - lei);
        for (code, r) in &rows {
            let kids: Vec<u32> = rows
                .iter()
                .filter(|(k, _)| k.len() == code.len() + 2 && k.starts_with(code.as_str()))
                .map(|&(_, r)| r)
                .collect();
            if code.len() < 7 {
                assert!(!kids.is_empty(), "{} {code}: no children", s.name);
                let sum: Decimal = kids.iter().map(|&k| amt(s, k, c)).sum();
                assert_eq!(amt(s, *r, c), sum, "{} {code} col {c}", s.name);
            }
        }
    }
    diffs
}

#[test]
fn seed001_final_sums_hold_as_published() {
    let b = book("seed001_final.grid");
    // 类 = Σ 款 = Σ 项 exactly; 合计 is 0.01 above Σ 类 (526.36 vs 526.35, 516.56 vs 516.55):
    // the same published 尾差 as 公开01表's lines 32-57
    let t = d("0.01");
    let z = Decimal::ZERO;
    for (name, cols, tail) in [
        ("公开02表", 2..9, vec![t, t, z, z, z, z, z]),
        ("公开03表", 2..8, vec![t, t, z, z, z, z]),
        ("公开05表", 2..5, vec![t, t, z]),
    ] {
        let s = b.sheet(name);
        assert_eq!(
            assert_code_hierarchy(s, find(s, "合计").0, cols),
            tail,
            "{name}"
        );
    }
    // per row: col1 = Σ the others
    for (name, last) in [("公开02表", 8u16), ("公开03表", 7), ("公开05表", 4)] {
        let s = b.sheet(name);
        for (_, r) in coded_rows(s, 0) {
            let parts: Decimal = (3..=last).map(|c| amt(s, r, c)).sum();
            assert_eq!(amt(s, r, 2), parts, "{name} row {}", r + 1);
        }
    }
    // 公开01表: income side adds up; expenditure side carries the published 尾差
    let s01 = b.sheet("公开01表");
    let income: Decimal = (1..=8).map(|l| line_amount(s01, l)).sum();
    assert_eq!(line_amount(s01, 27), income);
    assert_eq!(
        line_amount(s01, 31),
        income + line_amount(s01, 28) + line_amount(s01, 29)
    );
    let spend: Decimal = (32..=57).map(|l| line_amount(s01, l)).sum();
    assert_eq!(spend, d("526.35"), "the published lines 32-57");
    assert_eq!(line_amount(s01, 58), d("526.36"), "尾差 0.01 kept");
    // 公开01 lines 32-57 = 公开03表 类 rows
    let s03 = b.sheet("公开03表");
    for (code, line) in [("201", 32), ("208", 39), ("210", 40), ("221", 50)] {
        assert_eq!(
            amt(s03, code_row(s03, code), 2),
            line_amount(s01, line),
            "{code}"
        );
    }
    // 公开04表: each expenditure column adds up to line 59
    let s04 = b.sheet("公开04表");
    let r59 = find(s04, "本年支出合计").0;
    for c in 5..9u16 {
        let sum: Decimal = (33..=58u32)
            .map(|l| {
                let r = s04
                    .find_all(&l.to_string())
                    .into_iter()
                    .find(|&(_, k)| k == 4)
                    .unwrap()
                    .0;
                amt(s04, r, c)
            })
            .sum();
        // 尾差 again: 526.36 against 526.35 in 合计 and 一般公共预算
        let tail = if c <= 6 { d("0.01") } else { Decimal::ZERO };
        assert_eq!(amt(s04, r59, c) - sum, tail, "公开04表 col {c}");
    }
    // 公开06表: groups = Σ their codes; 合计 rows
    let s06 = b.sheet("公开06表");
    let mut group = std::collections::BTreeMap::<String, (Decimal, Decimal)>::new();
    for block in [0u16, 3, 6] {
        for (code, r) in coded_rows(s06, block) {
            let v = amt(s06, r, block + 2);
            let e = group.entry(code[..3].to_string()).or_default();
            if code.len() == 3 {
                e.0 += v;
            } else {
                e.1 += v;
            }
        }
    }
    assert_eq!(group.len(), 6, "301 302 303 307 310 399");
    // each group = Σ its codes, except 301: published 294.67 against Σ 301xx = 294.68, a
    // rounding difference (尾差) of the published table, kept
    let diffs: Vec<(&str, Decimal)> = group
        .iter()
        .map(|(g, (total, parts))| (g.as_str(), total - parts))
        .collect();
    let z = Decimal::ZERO;
    assert_eq!(
        diffs,
        [
            ("301", d("-0.01")),
            ("302", z),
            ("303", z),
            ("307", z),
            ("310", z),
            ("399", z)
        ]
    );
    let (r, _) = find(s06, "人员经费合计");
    assert_eq!(amt(s06, r, 2), group["301"].0 + group["303"].0);
    assert_eq!(
        amt(s06, r, 8),
        group["302"].0 + group["307"].0 + group["310"].0 + group["399"].0
    );
    // 公开05 基本支出 = 人员经费合计 + 公用经费合计
    let s05 = b.sheet("公开05表");
    assert_eq!(
        amt(s05, find(s05, "合计").0, 3),
        amt(s06, r, 2) + amt(s06, r, 8)
    );
    // 公开09表: 合计 = 出国 + 公车小计 + 接待, 小计 = 购置 + 运行, both halves
    let s09 = b.sheet("公开09表");
    for h in [0u16, 6] {
        assert_eq!(amt(s09, 7, h + 2), amt(s09, 7, h + 3) + amt(s09, 7, h + 4));
        assert_eq!(
            amt(s09, 7, h),
            amt(s09, 7, h + 1) + amt(s09, 7, h + 2) + amt(s09, 7, h + 5)
        );
    }
    // 公开06 ≤ 公开09 决算
    assert!(group.contains_key("302"));
}

#[test]
fn seed002_budget_sums_hold_as_published() {
    let b = book("seed002_budget.grid");
    let s1 = b.sheet("部门收支总体情况表");
    assert_eq!(amt(s1, find(s1, "收入总计").0, 1), d("938.91"));
    assert_eq!(
        amt(s1, find(s1, "一、基本支出").0, 3) + amt(s1, find(s1, "二、项目支出").0, 3),
        amt(s1, find(s1, "本年支出合计").0, 3)
    );
    // 类/款/项 split codes: rebuild the full codes, then check the hierarchy
    for name in [
        "部门收入总体情况表",
        "部门支出总体情况表",
        "一般公共预算支出情况表",
    ] {
        let s = b.sheet(name);
        let total = s.find_all("合计").last().unwrap().0; // the data row, not the header
        let mut full: Vec<(String, u32)> = Vec::new();
        let mut lei = String::new();
        for r in total + 1..s.rows.len() as u32 {
            let p: Vec<&str> = (0..3).map(|c| s.cell(r, c).as_str()).collect();
            if !p.iter().all(|x| x.bytes().all(|b| b.is_ascii_digit())) {
                continue;
            }
            let code = match (p[0], p[1], p[2]) {
                (a, "", "") if !a.is_empty() => {
                    lei = a.to_string();
                    a.to_string()
                }
                ("", k, "") if !k.is_empty() => format!("{lei}{k}"),
                (a, k, x) if !x.is_empty() => format!("{a}{k}{x}"),
                _ => continue,
            };
            full.push((code, r));
        }
        assert_eq!(full.len(), 4, "{name}");
        let width = s.width();
        for c in 4..width {
            let lei: Decimal = full
                .iter()
                .filter(|(k, _)| k.len() == 3)
                .map(|&(_, r)| amt(s, r, c))
                .sum();
            assert_eq!(amt(s, total, c), lei, "{name} col {c}");
            let kuan = full.iter().find(|(k, _)| k == "20104").unwrap().1;
            let xiang: Decimal = full
                .iter()
                .filter(|(k, _)| k.len() == 7)
                .map(|&(_, r)| amt(s, r, c))
                .sum();
            assert_eq!(amt(s, kuan, c), xiang, "{name} col {c}");
        }
    }
    let s6 = b.sheet("一般公共预算基本支出情况表");
    let rows = coded_rows(s6, 0);
    for c in 2..5u16 {
        let groups: Decimal = rows
            .iter()
            .filter(|(k, _)| k.len() == 3)
            .map(|&(_, r)| amt(s6, r, c))
            .sum();
        assert_eq!(amt(s6, find(s6, "合计").0, c), groups, "col {c}");
        for (g, r) in rows.iter().filter(|(k, _)| k.len() == 3) {
            let parts: Decimal = rows
                .iter()
                .filter(|(k, _)| k.len() == 5 && k.starts_with(g.as_str()))
                .map(|&(_, r)| amt(s6, r, c))
                .sum();
            assert_eq!(amt(s6, *r, c), parts, "{g} col {c}");
        }
    }
    let s9 = b.sheet("项目支出绩效目标表");
    let projects: Decimal = [
        "长株潭一体化发展宣传经费",
        "长株潭一体化改革经费",
        "南部片区建设工作经费",
    ]
    .iter()
    .map(|p| {
        let (r, c) = find(s9, p);
        amt(s9, r, c + 1)
    })
    .sum();
    assert_eq!(amt(s9, find(s9, "合计").0, 2), projects);
    assert_eq!(projects, d("340.42"));
    // budget-10: each block's 资金总额 = Σ by income = Σ by expenditure; weights add to 90
    let s10 = b.sheet("部门整体支出绩效目标表");
    let blocks: Vec<u32> = (0..s10.rows.len() as u32)
        .filter(|&r| s10.cell(r, 0).as_str() == "430001")
        .collect();
    assert_eq!(blocks.len(), 2);
    for (i, &r) in blocks.iter().enumerate() {
        let total = amt(s10, r, 2);
        assert_eq!(total, (3..7).map(|c| amt(s10, r, c)).sum::<Decimal>());
        assert_eq!(total, (7..9).map(|c| amt(s10, r, c)).sum::<Decimal>());
        let end = blocks.get(i + 1).copied().unwrap_or(s10.rows.len() as u32);
        let weights: Decimal = (r..end).map(|k| amt(s10, k, 18)).sum();
        assert_eq!(weights, d("90"), "block {}", i + 1);
    }
}

/// Σ 分值 and Σ 得分 of a self-evaluation sheet (budget execution row + indicator rows), and
/// the published 总分 pair.
fn score_sums(s: &GridSheet) -> ((Decimal, Decimal), (Decimal, Decimal)) {
    let hr = (0..s.rows.len() as u32)
        .find(|&r| {
            s.rows[r as usize]
                .iter()
                .any(|c| c.squeezed().starts_with("偏差原因分析"))
        })
        .expect("indicator header");
    let col = |label: &str| {
        s.rows[hr as usize]
            .iter()
            .position(|c| c.squeezed() == label)
            .unwrap_or_else(|| panic!("{}: no {label}", s.name)) as u16
    };
    let (sc, gc) = (
        col("分值"),
        s.rows[hr as usize]
            .iter()
            .position(|c| c.squeezed() == "得分" || c.squeezed() == "自评得分")
            .unwrap() as u16,
    );
    let (tr, _) = find(s, "总分");
    let mut score: Decimal = (hr + 1..tr).map(|r| amt(s, r, sc)).sum();
    let mut got: Decimal = (hr + 1..tr).map(|r| amt(s, r, gc)).sum();
    // the budget-execution row: 分值 and the last value of the 年度资金总额 row
    let (fr, fc) = find(s, "年度资金总额");
    let vals: Vec<Decimal> = (fc + 1..s.width())
        .filter_map(|c| amount(s.cell(fr, c)))
        .collect();
    score += vals[3];
    got += *vals.last().unwrap();
    ((score, got), (amt(s, tr, sc), amt(s, tr, gc)))
}

#[test]
fn perf_scores_add_up_except_the_known_inconsistency() {
    for (file, sheet) in [
        ("seed000_perf.grid", "附件2"),
        ("seed000_perf.grid", "附件3-1"),
        ("seed000_perf.grid", "附件3-2"),
        ("seed004_perf.grid", "附件二"),
        ("seed004_perf.grid", "附件三"),
    ] {
        let b = book(file);
        let (sums, total) = score_sums(b.sheet(sheet));
        assert_eq!(sums.0, d("100"), "{file} {sheet} Σ 分值");
        assert_eq!(sums, total, "{file} {sheet} 总分");
    }
    let b = book("seed001_perf.grid");
    let (sums, total) = score_sums(&b.sheets[0]);
    assert_eq!(sums, (d("96.5"), d("94.8")), "seed 001 as published");
    assert_eq!(total, (d("100"), d("98.3")), "seed 001 总分 as published");
}

/// 项目支出 and its numbered rows in a 基础数据表: (published total, Σ rows) per column.
fn project_block(s: &GridSheet) -> Vec<(Decimal, Decimal)> {
    let (r, _) = find(s, "项目支出：");
    let end = find(s, "公用经费").0;
    [1u16, 3, 5]
        .iter()
        .map(|&c| (amt(s, r, c), (r + 1..end).map(|k| amt(s, k, c)).sum()))
        .collect()
}

#[test]
fn base_tables_keep_their_known_inconsistencies() {
    let b = book("seed000_perf.grid");
    let p = project_block(b.sheet("附件1"));
    assert_eq!(
        p[0],
        (d("182.51"), d("2810.04")),
        "2022年决算数 is not the sum"
    );
    assert_eq!(p[1], (d("2536.76"), d("2536.76")));
    assert_eq!(p[2], (d("1907.88"), d("1907.88")));
    let b = book("seed004_perf.grid");
    let p = project_block(b.sheet("附件一"));
    assert_eq!(p[0], (d("1262.58"), d("1262.58")));
    assert_eq!(p[1], (d("7.5"), d("71.5")), "2023年预算数 is not the sum");
    assert_eq!(p[2], (d("1149.02"), d("1149.02")));
    // the 三公经费 block adds up in both
    for (f, sheet) in [
        ("seed000_perf.grid", "附件1"),
        ("seed004_perf.grid", "附件一"),
    ] {
        let b = book(f);
        let s = b.sheet(sheet);
        let top = s.find("三公经费：").or(s.find("三公经费:")).unwrap().0;
        let car = top + 1;
        for c in [1u16, 3, 5] {
            assert_eq!(
                amt(s, top, c),
                amt(s, car, c) + amt(s, car + 3, c) + amt(s, car + 4, c),
                "{f} col {c}"
            );
        }
    }
}

// ---------------------------------------------------------------- corrections

#[test]
fn corrections_fix_exactly_the_known_inconsistencies() {
    let mut b = book("seed001_perf.grid");
    let before = b.clone();
    grid::corrected_seed001(&mut b);
    let (sums, total) = score_sums(&b.sheets[0]);
    assert_eq!(sums, (d("100"), d("100")));
    assert_eq!(sums, total);
    // 完成时间 分值 and 得分, 执行率, its 得分, 总分·得分
    assert_eq!(changed_cells(&before, &b), 5);

    let mut f = book("seed001_final.grid");
    let before = f.clone();
    grid::corrected_seed001(&mut f);
    assert_eq!(f, before, "尾差 is left as published");

    let mut b = book("seed000_perf.grid");
    let before = b.clone();
    grid::corrected_seed000(&mut b);
    let p = project_block(b.sheet("附件1"));
    assert_eq!(p[0].0, p[0].1);
    assert_eq!(changed_cells(&before, &b), 1);

    let mut b = book("seed004_perf.grid");
    let before = b.clone();
    grid::corrected_seed004(&mut b);
    let p = project_block(b.sheet("附件一"));
    assert_eq!(p[1], (d("71.5"), d("71.5")));
    // = 附件三 年初预算数
    let s3 = b.sheet("附件三");
    let (r, c) = find(s3, "年度资金总额");
    assert_eq!(amt(s3, r, c + 1), d("71.5"));
    assert_eq!(changed_cells(&before, &b), 1);

    // the corrected books still write and read back
    let dir = out_dir("corrected");
    let path = dir.join("seed004_corrected.xlsx");
    b.write_xlsx(&path);
    assert_xlsx_matches(&b, &path, "seed004 corrected");
}

fn changed_cells(a: &GridBook, b: &GridBook) -> usize {
    let mut n = 0;
    for (x, y) in a.sheets.iter().zip(&b.sheets) {
        for r in 0..x.rows.len().max(y.rows.len()) as u32 {
            for c in 0..x.width().max(y.width()) {
                if x.cell(r, c) != y.cell(r, c) {
                    n += 1;
                }
            }
        }
    }
    n
}

// ---------------------------------------------------------------- variants

fn variants(b: &GridBook) -> Vec<(&'static str, GridBook)> {
    vec![
        ("shift_down", b.shift_down(3)),
        ("commas", b.amounts_as_text_with_commas()),
        ("no_line_numbers", b.drop_line_number_column()),
        ("renamed", b.rename_and_reorder_sheets()),
        ("split_codes", b.split_codes()),
        ("extra_empty", b.extra_empty_rows_and_cols()),
    ]
}

/// A value as the audit recognises it: amounts compare as decimals, text as text.
fn norm(c: &GridCell) -> String {
    match amount(c) {
        Some(v) if !matches!(c, GridCell::Text(t) if t.bytes().all(|b| b.is_ascii_digit())) => {
            format!("#{}", v.normalize())
        }
        _ => c.as_str().to_string(),
    }
}

/// Every non-empty row as its list of non-empty values, in order.
fn values(s: &GridSheet) -> Vec<Vec<String>> {
    s.rows
        .iter()
        .map(|r| {
            r.iter()
                .filter(|c| !c.is_empty())
                .map(norm)
                .collect::<Vec<_>>()
        })
        .filter(|r| !r.is_empty())
        .collect()
}

#[test]
fn shift_down_and_extra_empty_keep_every_value_in_place() {
    for f in FIXTURES {
        let b = book(f);
        let v = b.shift_down(3);
        let e = b.extra_empty_rows_and_cols();
        for ((s, sv), se) in b.sheets.iter().zip(&v.sheets).zip(&e.sheets) {
            assert_eq!(values(s), values(sv), "{f} {}", s.name);
            assert_eq!(values(s), values(se), "{f} {}", s.name);
            for (r, row) in s.rows.iter().enumerate() {
                let r = r as u32;
                for (c, cell) in row.iter().enumerate() {
                    let c = c as u16;
                    assert_eq!(sv.cell(r + 3, c), cell);
                    assert_eq!(se.cell(if r >= 1 { r + 1 } else { r }, c + 1), cell);
                }
            }
            assert!(sv.rows[..3].iter().all(|r| r.is_empty()));
            assert_eq!(sv.merges.len(), s.merges.len());
            assert_eq!(se.merges.len(), s.merges.len());
        }
    }
}

#[test]
fn amounts_as_text_keeps_every_value() {
    for f in FIXTURES {
        let b = book(f);
        let v = b.amounts_as_text_with_commas();
        for (s, sv) in b.sheets.iter().zip(&v.sheets) {
            assert_eq!(values(s), values(sv), "{f} {}", s.name);
            for row in &sv.rows {
                assert!(!row
                    .iter()
                    .any(|c| matches!(c, GridCell::Number(n) if n.contains('.'))));
            }
        }
    }
    let v = book("seed002_budget.grid").amounts_as_text_with_commas();
    let s = v.sheet("部门整体支出绩效目标表");
    assert!(s.find("3,398.91").is_some());
    let v = book("seed001_final.grid").amounts_as_text_with_commas();
    let s = v.sheet("公开02表");
    assert_eq!(s.cell(code_row(s, "2080505"), 2), &GridCell::text("29.44"));
    assert_eq!(
        s.cell(code_row(s, "2080505"), 0),
        &GridCell::num("2080505"),
        "codes stay"
    );
}

#[test]
fn rename_and_reorder_keeps_every_sheet() {
    for f in FIXTURES {
        let b = book(f);
        let v = b.rename_and_reorder_sheets();
        let n = b.sheets.len();
        for (i, sv) in v.sheets.iter().enumerate() {
            assert_eq!(sv.name, format!("Sheet{}", i + 1));
            let s = &b.sheets[n - 1 - i];
            assert_eq!(
                (&sv.rows, &sv.merges),
                (&s.rows, &s.merges),
                "{f} {}",
                s.name
            );
        }
    }
}

#[test]
fn drop_line_number_column_removes_only_the_line_numbers() {
    for f in FIXTURES {
        let b = book(f);
        let v = b.drop_line_number_column();
        for (s, sv) in b.sheets.iter().zip(&v.sheets) {
            let cols: BTreeSet<u16> = s.find_all("行次").into_iter().map(|(_, c)| c).collect();
            let mut expect = s.clone();
            for &c in cols.iter().rev() {
                expect.remove_col(c);
            }
            assert_eq!(values(&expect), values(sv), "{f} {}", s.name);
            assert!(sv.find("行次").is_none());
            if ["公开01表", "公开04表"].contains(&s.name.as_str()) {
                assert_eq!(cols.len(), 2, "{}", s.name);
                assert_eq!(sv.width(), s.width() - 2);
                // the amounts are all there, the line numbers are gone
                let amounts = |x: &GridSheet| -> Vec<String> {
                    x.rows
                        .iter()
                        .flatten()
                        .filter(|c| matches!(c, GridCell::Number(n) if n.contains('.')))
                        .map(norm)
                        .collect()
                };
                assert_eq!(amounts(s), amounts(sv));
            } else {
                assert_eq!(sv, s);
            }
        }
    }
    let v = book("seed001_final.grid").drop_line_number_column();
    let s = v.sheet("公开01表");
    let (r, c) = find(s, "本年支出合计");
    assert_eq!(s.cell(r, c + 1), &GridCell::num("526.36"));
    assert!(s.merges.contains(&(3, 0, 3, 1)), "收入 over 项目+金额");
}

#[test]
fn split_codes_keeps_every_code_and_value() {
    let b = book("seed001_final.grid");
    let v = b.split_codes();
    for (s, sv) in b.sheets.iter().zip(&v.sheets) {
        let split =
            ["公开02表", "公开03表", "公开05表", "公开07表", "公开08表"].contains(&s.name.as_str());
        if !split {
            assert_eq!(s, sv, "{} unchanged", s.name);
            continue;
        }
        let (hr, hc) = find(s, "科目代码");
        assert_eq!(
            [sv.cell(hr, hc), sv.cell(hr, hc + 1), sv.cell(hr, hc + 2)],
            [
                &GridCell::text("类"),
                &GridCell::text("款"),
                &GridCell::text("项")
            ]
        );
        let mut lei = String::new();
        for r in 0..s.rows.len() as u32 {
            for c in 0..s.width() {
                if c != hc {
                    let vc = if c < hc { c } else { c + 2 };
                    assert_eq!(
                        sv.cell(r, vc),
                        s.cell(r, c),
                        "{} {}",
                        s.name,
                        grid::a1(r, c)
                    );
                }
            }
            let orig = s.cell(r, hc);
            let parts: Vec<&str> = (0..3).map(|k| sv.cell(r, hc + k).as_str()).collect();
            if r > hr
                && orig.as_str().len() >= 3
                && orig.as_str().bytes().all(|b| b.is_ascii_digit())
            {
                let code = match (parts[0], parts[1], parts[2]) {
                    (a, "", "") => {
                        lei = a.to_string();
                        a.to_string()
                    }
                    ("", k, "") => format!("{lei}{k}"),
                    (a, k, x) => format!("{a}{k}{x}"),
                };
                assert_eq!(code, orig.as_str(), "{} row {}", s.name, r + 1);
                assert!((0..3).all(|k| !matches!(sv.cell(r, hc + k), GridCell::Number(_))));
            } else if r != hr {
                assert_eq!(sv.cell(r, hc), orig);
                assert!(parts[1].is_empty() && parts[2].is_empty());
            }
        }
    }
    // the seed-002 shape: 项 row 201 | 04 | 50, 款 row _ | 04 | _
    let s = v.sheet("公开02表");
    let r = find(s, "事业运行").0;
    assert_eq!(
        [0, 1, 2].map(|c| s.cell(r, c).as_str().to_string()),
        ["201", "04", "50"]
    );
    let r = find(s, "发展与改革事务").0;
    assert_eq!(
        [0, 1, 2].map(|c| s.cell(r, c).as_str().to_string()),
        ["", "04", ""]
    );
    // books without a single 科目代码 column are unchanged
    for f in [
        "seed002_budget.grid",
        "seed000_perf.grid",
        "seed004_perf.grid",
        "seed003_report.grid",
    ] {
        let b = book(f);
        assert_eq!(b.split_codes(), b, "{f}");
    }
}
