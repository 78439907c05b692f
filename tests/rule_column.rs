//! A 绩效自评表 whose indicator rows carry their own 评（扣）分标准 column (perf-dept, perf-project):
//! seed 000's tables with the rule texts moved out of 年度指标值 into such a column, generated at
//! every place units put it (before or after 年度指标值, after 实际完成值, last) under each of its
//! spellings (评（扣）分标准, 评分标准, 扣分标准, 评分规则). The column is the rows' rule: the
//! texts are not strays, the scores are computed from them as from a rule in 年度指标值, a wrong
//! 自评得分 is found at its cell; `fix`, `export` and `import` keep the texts; the blank
//! template stays as the seeds print it, without the column.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;

use grid::{GridBook, GridCell, GridSheet};
use serde_json::Value;
use std::path::{Path, PathBuf};

const HEADER: &str = "评（扣）分标准";
const SATISFACTION: &str =
    "90%（含）以上计10分；\n80%（含）-90%，计8分；\n70%（含）-80%，计6分；\n低于70%计0分。";

/// Where a layout puts the rule column, named by its neighbours in the seed's header row.
#[derive(Debug, Clone, Copy)]
enum Place {
    BeforeTarget,
    AfterTarget,
    AfterActual,
    Last,
}

impl Place {
    /// The column's heading in this layout: units spell it several ways.
    fn heading(self) -> &'static str {
        match self {
            Place::BeforeTarget => "评分标准",
            Place::AfterTarget => HEADER,
            Place::AfterActual => "扣分标准",
            Place::Last => "评分规则",
        }
    }
}

const PLACES: [Place; 4] = [
    Place::BeforeTarget,
    Place::AfterTarget,
    Place::AfterActual,
    Place::Last,
];

fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("rule-column");
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn seed000() -> GridBook {
    grid::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed000_perf.grid"))
}

/// The indicator header row of a sheet and the column of each of its words.
fn header_row(s: &GridSheet) -> u32 {
    s.find("一级指标").expect("indicator header").0
}

fn column_of(s: &GridSheet, row: u32, word: &str) -> u16 {
    (0..s.width())
        .find(|&c| s.cell(row, c).squeezed().starts_with(word))
        .unwrap_or_else(|| panic!("no {word} in row {}", row + 1))
}

/// The sheet column the rule column goes to in this layout.
fn insertion_point(s: &GridSheet, place: Place) -> u16 {
    let h = header_row(s);
    match place {
        Place::BeforeTarget => column_of(s, h, "年度指标值"),
        Place::AfterTarget => column_of(s, h, "年度指标值") + 1,
        Place::AfterActual => column_of(s, h, "实际完成值") + 1,
        Place::Last => s.width(),
    }
}

/// The row (0-based) of the indicator named `name` (三级指标).
fn indicator_row(s: &GridSheet, name: &str) -> u32 {
    s.find(name)
        .unwrap_or_else(|| panic!("no indicator {name}"))
        .0
}

/// Inserts the rule column at `place` and moves each listed indicator's rule into it (the
/// rule given, or the one its 年度指标值 holds), leaving `target` in 年度指标值.
fn add_rule_column(s: &mut GridSheet, place: Place, rules: &[(&str, &str, Option<&str>)]) -> u16 {
    let at = insertion_point(s, place);
    s.insert_col(at);
    let h = header_row(s);
    s.put(h, at, GridCell::text(place.heading()));
    let target_col = column_of(s, h, "年度指标值");
    for (name, target, rule) in rules {
        let r = indicator_row(s, name);
        let rule = rule.map_or_else(
            || s.cell(r, target_col).as_str().to_string(),
            str::to_string,
        );
        s.put(r, at, GridCell::text(&rule));
        s.put(r, target_col, GridCell::text(target));
    }
    at
}

/// Seed 000 with its rules in a column at `place` on 附件2 and 附件3-1 (附件3-1's satisfaction
/// row given a rule and a numeric 实际完成值); `satisfaction` is the rate both tables report
/// for it, each with its full 10 points.
fn layout(place: Place, satisfaction: &str) -> GridBook {
    let mut book = seed000();
    let dept = book.sheet_mut("附件2");
    add_rule_column(
        dept,
        place,
        &[
            ("在职人员控制率", "≤100%", None),
            ("公用经费控制率", "≤100%", None),
            ("“三公经费”控制率", "≤100%", None),
            ("社会公众或服务对象满意度", "≥90%", None),
        ],
    );
    set_actual(dept, "社会公众或服务对象满意度", satisfaction);
    let project = book.sheet_mut("附件3-1");
    add_rule_column(
        project,
        place,
        &[("满意度90%以上。", "≥90%", Some(SATISFACTION))],
    );
    set_actual(project, "满意度90%以上。", satisfaction);
    book
}

fn set_actual(s: &mut GridSheet, name: &str, value: &str) {
    let (h, r) = (header_row(s), indicator_row(s, name));
    let c = column_of(s, h, "实际完成值");
    s.put(r, c, GridCell::text(value));
}

fn score_cell(s: &GridSheet, name: &str) -> String {
    let h = header_row(s);
    let c = (0..s.width())
        .find(|&c| matches!(s.cell(h, c).squeezed().as_str(), "自评得分" | "得分"))
        .expect("score column");
    grid::a1(indicator_row(s, name), c)
}

fn check(book: &GridBook, name: &str) -> (PathBuf, Vec<Value>) {
    let path = scratch(&format!("{name}.xlsx"));
    book.write_xlsx(&path);
    let (code, report) = cli::check_json(&path);
    assert!(code < 2, "{name}: {report}");
    (path, cli::findings(&report))
}

fn of_rule<'f>(findings: &'f [Value], rule: &str) -> Vec<&'f Value> {
    findings.iter().filter(|f| f["rule"] == rule).collect()
}

/// Findings of values left outside the form (strays) on the perf tables.
fn strays(findings: &[Value]) -> Vec<&Value> {
    findings
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap_or("")
                .contains("没有对应的单元格")
        })
        .collect()
}

#[test]
fn a_rule_column_anywhere_scores_the_rows_and_finds_the_wrong_score() {
    for place in PLACES {
        let book = layout(place, "85%");
        let (_, findings) = check(&book, &format!("wrong-{place:?}"));
        assert!(
            strays(&findings).is_empty(),
            "{place:?}: {:#?}",
            strays(&findings)
        );
        let wrong = of_rule(&findings, "indicator-score");
        let mut cells: Vec<(String, String, String, String)> = wrong
            .iter()
            .map(|f| {
                let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
                (s("sheet"), s("cell"), s("expected"), s("found"))
            })
            .collect();
        cells.sort();
        let want = vec![
            (
                "附件2".into(),
                score_cell(book.sheet("附件2"), "社会公众或服务对象满意度"),
                "8".into(),
                "10".into(),
            ),
            (
                "附件3-1".into(),
                score_cell(book.sheet("附件3-1"), "满意度90%以上。"),
                "8".into(),
                "10".into(),
            ),
        ];
        assert_eq!(cells, want, "{place:?}: {wrong:#?}");
        for f in wrong {
            let msg = f["message"].as_str().unwrap();
            // The rule as understood from the column's text, and the values it was applied to.
            assert!(
                msg.contains("分档计分：≥90% 得10分；80%–90% 得8分"),
                "{place:?}: {msg}"
            );
            assert!(msg.contains("实际完成值 85%"), "{place:?}: {msg}");
        }
    }
}

#[test]
fn a_rule_column_with_right_scores_gives_the_seeds_findings_and_no_stray() {
    let (_, published) = check(&seed000(), "published");
    for place in PLACES {
        let book = layout(place, "92%");
        let (_, findings) = check(&book, &format!("right-{place:?}"));
        assert!(
            strays(&findings).is_empty(),
            "{place:?}: {:#?}",
            strays(&findings)
        );
        assert!(
            of_rule(&findings, "indicator-score").is_empty(),
            "{place:?}: {findings:#?}"
        );
        // The rules read from the column promise what they promised from 年度指标值.
        let promised = |fs: &[Value]| -> Vec<(String, String)> {
            of_rule(fs, "rule-full-points")
                .iter()
                .map(|f| (f["expected"].to_string(), f["found"].to_string()))
                .collect()
        };
        assert_eq!(promised(&findings), promised(&published), "{place:?}");
        assert_eq!(findings.len(), published.len(), "{place:?}: {findings:#?}");
    }
}

/// The text cells of a written workbook's sheet, read back as the library reads any workbook.
fn texts_of(path: &Path, sheet: &str) -> Vec<String> {
    let book = fiscalform::read::read_workbook(path).expect("readable");
    let s = book.sheets.iter().find(|s| s.name == sheet).expect("sheet");
    s.cells()
        .filter_map(|(_, _, c)| match c {
            fiscalform::read::Cell::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn fix_keeps_the_rule_column_and_its_texts() {
    for place in [Place::AfterTarget, Place::Last] {
        let (input, _) = check(&layout(place, "85%"), &format!("fix-{place:?}"));
        let out = scratch(&format!("fix-{place:?}-已校正.xlsx"));
        let (code, _, e) = cli::run(&["fix", input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        assert!(code < 2, "{e}");
        let texts = texts_of(&out, "附件2");
        assert!(texts.iter().any(|t| t == HEADER), "{place:?}: {texts:?}");
        assert!(
            texts.iter().any(|t| t.starts_with("90%（含）以上计10分")),
            "{place:?}"
        );
        assert!(
            texts.iter().any(|t| t.starts_with("100%以下（含）计满分")),
            "{place:?}"
        );
        let (code, report) = cli::check_json(&out);
        assert!(code < 2);
        let findings = cli::findings(&report);
        assert!(strays(&findings).is_empty(), "{place:?}: {findings:#?}");
        // Read back from the corrected workbook, the column still scores its rows: the
        // reported score is the clerk's to change, and is still found wrong.
        let wrong: Vec<(&Value, &Value)> = of_rule(&findings, "indicator-score")
            .iter()
            .map(|f| (&f["expected"], &f["found"]))
            .collect();
        assert_eq!(wrong.len(), 2, "{place:?}: {findings:#?}");
        assert!(
            wrong.iter().all(|(e, f)| *e == "8" && *f == "10"),
            "{wrong:?}"
        );
    }
}

#[test]
fn export_and_import_carry_the_rule_texts() {
    let (input, before) = check(&layout(Place::AfterActual, "85%"), "roundtrip");
    let json = scratch("roundtrip.json");
    let (code, _, e) = cli::run(&[
        "export",
        input.to_str().unwrap(),
        "-o",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{e}");
    let text = std::fs::read_to_string(&json).unwrap();
    assert!(text.contains("\"standard\""), "the column is exported");
    assert!(text.contains("低于70%计0分"), "its texts are exported");
    let back = scratch("roundtrip-imported.xlsx");
    let (code, _, e) = cli::run(&[
        "import",
        json.to_str().unwrap(),
        "-o",
        back.to_str().unwrap(),
    ]);
    assert!(code < 2, "{e}");
    let (_, report) = cli::check_json(&back);
    let after = cli::findings(&report);
    let scores = |fs: &[Value]| -> Vec<(String, String)> {
        of_rule(fs, "indicator-score")
            .iter()
            .map(|f| (f["expected"].to_string(), f["found"].to_string()))
            .collect()
    };
    assert_eq!(scores(&after), scores(&before));
    assert_eq!(scores(&after).len(), 2);
}

#[test]
fn the_blank_template_has_no_rule_column() {
    let out = scratch("template-perf.xlsx");
    let (code, _, e) = cli::run(&["template", "--family", "perf", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{e}");
    for sheet in ["附件2", "附件3"] {
        let texts = texts_of(&out, sheet);
        assert!(
            texts.iter().any(|t| t == "偏差原因分析及改进措施"),
            "{sheet}: {texts:?}"
        );
        assert!(!texts.iter().any(|t| t == HEADER), "{sheet}: {texts:?}");
    }
}

#[test]
fn rules_names_the_rule_columns_cell_and_the_target_rule_apart() {
    for place in PLACES {
        let book = layout(place, "85%");
        let (path, _) = check(&book, &format!("rules-{place:?}"));
        let (code, o, e) = cli::run(&["rules", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{e}");
        let dept = book.sheet("附件2");
        let r = indicator_row(dept, "社会公众或服务对象满意度");
        let at = insertion_point(seed000().sheet("附件2"), place);
        let column_cell = grid::a1(r, at);
        assert!(
            o.contains(&format!(
                "{column_cell} 社会公众或服务对象满意度：90%（含）以上计10分"
            )),
            "{place:?}: {o}"
        );
        assert!(o.contains("应得 8 分（填报 10）"), "{place:?}: {o}");
        // 管理制度健全性 keeps its rule in 年度指标值, and it is still read from there.
        assert!(
            o.contains("管理制度健全性（写在年度指标值中）"),
            "{place:?}: {o}"
        );
    }
}
