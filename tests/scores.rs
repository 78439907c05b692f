//! Performance self-evaluation scores: indicator rows scored from their 评（扣）分标准, the
//! budget-execution score, actual values checked against perf-base, `fix`'s filled scores and
//! their formulas (recalculated by LibreOffice), and `fiscalform rules`.
//!
//! Workbooks are written from our own perf templates filled with seed 000's numbers (so they do
//! not depend on recognising the seed's layout); the seed-000 fixture gives the acceptance cases.

#[path = "support/grid.rs"]
mod grid;
#[path = "support/lo.rs"]
mod lo;

#[path = "support/cli.rs"]
mod cli;
use cli::run;
use fiscalform::calc::{blank_data, compute, Book, Mode};
use fiscalform::expr::Val;
use fiscalform::form::Severity;
use fiscalform::form::{Catalog, Form};
use fiscalform::model::{FormData, RowData, RowKind};
use fiscalform::score::check::{fill_empty_scores, fill_formulas};
use fiscalform::write::{build, place, save_atomic, WriteOptions};
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn out(dir: &str, name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(dir);
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn check_json(path: &Path) -> Vec<Value> {
    let (code, o, e) = run(&["check", "--format", "json", path.to_str().unwrap()]);
    assert!(code < 2, "check could not run: {e}");
    let v: Value = serde_json::from_str(&o).expect("json");
    v["files"][0]["findings"].as_array().unwrap().clone()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn num(s: &str) -> Val {
    Val::Num(d(s))
}

fn text(s: &str) -> Val {
    Val::Text(s.to_string())
}

// ---------------------------------------------------------------------------------------------
// Seed 000's numbers in our templates
// ---------------------------------------------------------------------------------------------

const STAFF_RULE: &str =
    "以100%为标准。在职人员控制率≦100%，计5分；每超过一个百分点扣0.5分，扣完为止。";
const CHECKLIST_RULE: &str = "①有内部财务管理制度、会计核算制度等管理制度，2分；\n②有本部门厉行节约制度，2分；\n③相关管理制度合法、合规、完整，2分；④相关管理制度得到有效执行，2分。";
const CONTROL_RULE: &str = "100%以下（含）计满分，每超出1%扣1分，扣完为止。";
const SATISFACTION_RULE: &str =
    "90%（含）以上计10分；\n80%（含）-90%，计8分；\n70%（含）-80%，计6分；\n低于70%计0分。";

/// One indicator row of seed 000 附件2: (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 自评得分).
type Ind = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const SEED000_DEPT: [Ind; 10] = [
    ("产出指标(50分)", "数量指标", "在职人员控制率", STAFF_RULE, "75%", "8", "8"),
    ("产出指标(50分)", "质量指标", "管理制度健全性", CHECKLIST_RULE, "有内部财务管理制度、会计核算制度等管理制度、厉行节约制度，相关管理制度合法、合规、完整，且得到有效执行。", "10", "10"),
    ("产出指标(50分)", "时效指标", "完成时间", "2023年底以前。", "已完成。", "10", "10"),
    ("产出指标(50分)", "成本指标", "公用经费控制率", CONTROL_RULE, "79.85%", "6", "6"),
    ("产出指标(50分)", "成本指标", "“三公经费”控制率", CONTROL_RULE, "18.09%", "6", "6"),
    ("效益指标（30分）", "经济效益指标", "促进招商", "搭建招商平台。", "已完成。", "10", "10"),
    ("效益指标（30分）", "社会效益指标", "长株潭一体化", "都市圈四大片区建设规划编制成果。", "完成3个片区建设规划编制。", "10", "9"),
    ("效益指标（30分）", "生态效益指标", "生态绿心保护", "绿心保护绿心生态环境。", "已完成。", "10", "10"),
    ("效益指标（30分）", "可持续影响指标", "建设宣传引导", "战略宣传深入人心。", "已完成。", "10", "10"),
    ("满意度指标（10分）", "服务对象满意度指标", "社会公众或服务对象满意度", SATISFACTION_RULE, "90%", "10", "10"),
];

fn list_row(key: usize, values: &[(&str, Val)]) -> RowData {
    let v = values
        .iter()
        .map(|(k, x)| ((*k).into(), x.clone()))
        .collect();
    RowData {
        panel: "ind".into(),
        key: format!("#{key}").into(),
        kind: RowKind::List,
        code: None,
        label: None,
        line: None,
        values: v,
    }
}

fn set_indicators(data: &mut FormData, rows: &[Ind]) {
    data.rows.retain(|r| r.panel != "ind");
    for (i, (l1, l2, l3, t, a, w, s)) in rows.iter().enumerate() {
        let reason = if s != w {
            "因工作任务调整。"
        } else {
            ""
        };
        let opt = |x: &str| if x.is_empty() { Val::Blank } else { text(x) };
        let score = if s.is_empty() { Val::Blank } else { num(s) };
        data.rows.push(list_row(
            i + 1,
            &[
                ("level1", text(l1)),
                ("level2", text(l2)),
                ("level3", text(l3)),
                ("target", opt(t)),
                ("actual", opt(a)),
                ("weight", num(w)),
                ("score", score),
                ("reason", opt(reason)),
            ],
        ));
    }
}

fn set_row(data: &mut FormData, key: &str, cols: &[(&str, &str)]) {
    let row = data.row_mut(key).unwrap_or_else(|| panic!("row {key}"));
    for (c, v) in cols {
        row.values.insert((*c).into(), num(v));
    }
}

/// 附件1 of seed 000: staff 44/33; 三公经费 and 公用经费 with their parts.
fn perf_base(form: &Form) -> FormData {
    let mut data = blank_data(
        form,
        Some("湖南省长株潭一体化发展事务中心"),
        Some("2023"),
        true,
    );
    data.grid.insert("staff_quota".into(), num("44"));
    data.grid.insert("staff_actual".into(), num("33"));
    for (key, prev, budget, fin) in [
        ("car_buy", "16.28", "0.00", "0.00"),
        ("car_run", "21.32", "22.00", "10.73"),
        ("abroad", "0.00", "30.00", "0.00"),
        ("reception", "0.49", "15.00", "1.39"),
        ("public", "176.30", "184.83", "147.58"),
        ("office", "155.89", "123.88", "105.10"),
        ("utilities", "11.75", "9.20", "7.29"),
        ("meetings", "2.64", "6.00", "1.75"),
    ] {
        set_row(
            &mut data,
            key,
            &[("prev", prev), ("budget", budget), ("final", fin)],
        );
    }
    data
}

/// 附件2 of seed 000 (fund rows and the ten indicators), `rows` replacing the indicators.
fn perf_dept(form: &Form, rows: &[Ind]) -> FormData {
    let mut data = blank_data(
        form,
        Some("湖南省长株潭一体化发展事务中心"),
        Some("2023"),
        true,
    );
    for (k, v) in [
        ("fund_start", "2051.69"),
        ("fund_plan", "3660.33"),
        ("fund_exec", "2916.71"),
        ("fund_weight", "10"),
        ("in_gpb", "3660.33"),
        ("out_basic", "1008.83"),
        ("out_project", "1907.88"),
    ] {
        data.grid.insert(k.into(), num(v));
    }
    data.grid
        .insert("unit_name".into(), text("湖南省长株潭一体化发展事务中心"));
    set_indicators(&mut data, rows);
    data
}

/// Write forms with our writer (derived cells as formulas), optionally filling empty scores
/// as `fix` does; returns the path and the filled cells' formulas.
fn write_book(
    catalog: &Catalog,
    forms: Vec<(&str, FormData)>,
    path: &Path,
    fill: bool,
) -> Vec<(String, String, Decimal)> {
    let mut book = Book::new(
        forms
            .into_iter()
            .map(|(id, data)| (catalog.get(id).unwrap(), data))
            .collect(),
    );
    let fills = if fill {
        fill_empty_scores(&mut book)
    } else {
        vec![]
    };
    let calc = compute(&book, Mode::Fix, false);
    let placement = place(&book, &calc);
    let formulas = fill_formulas(&fills, &placement);
    let filled = fills
        .iter()
        .map(|f| {
            let a1 = fiscalform::expr::Addresses::a1(&placement, &f.cell, f.cell.form).unwrap();
            (
                a1,
                formulas.get(&f.cell).cloned().unwrap_or_default(),
                f.value,
            )
        })
        .collect();
    let opts = WriteOptions {
        formulas,
        ..WriteOptions::default()
    };
    let mut wb = build(&book, &calc, &opts).unwrap();
    save_atomic(&mut wb, path).unwrap();
    filled
}

fn seed000_book(name: &str, rows: &[Ind]) -> PathBuf {
    let catalog = Catalog::embedded().unwrap();
    let path = out("scores", name);
    write_book(
        &catalog,
        vec![
            ("perf-base", perf_base(catalog.get("perf-base").unwrap())),
            (
                "perf-dept",
                perf_dept(catalog.get("perf-dept").unwrap(), rows),
            ),
        ],
        &path,
        false,
    );
    path
}

fn of_rule<'a>(findings: &'a [Value], rule: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["rule"] == rule).collect()
}

/// The sheet cell of a column of the indicator row whose 三级指标 is `name`, found by reading
/// the written workbook (not through our layout).
fn cell_of(path: &Path, sheet: &str, name: &str, header: &str) -> String {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    let (r0, c0) = range.start().unwrap();
    let text = |d: &Data| match d {
        Data::String(s) => s.split_whitespace().collect::<String>(),
        _ => String::new(),
    };
    let mut headers = Vec::new();
    let mut row = None;
    for (r, c, v) in range.used_cells() {
        let t = text(v);
        if t == header {
            headers.push((r as u32 + r0, c as u32 + c0));
        }
        if t == name && row.is_none() {
            row = Some(r as u32 + r0);
        }
    }
    let row = row.unwrap_or_else(|| panic!("{name} in {sheet}"));
    // The header over the indicator rows: the last one above the row.
    let col = headers
        .iter()
        .filter(|(hr, _)| *hr < row)
        .max()
        .unwrap_or_else(|| panic!("{header} above {name} in {sheet}"))
        .1;
    grid::a1(row, col as u16)
}

// ---------------------------------------------------------------------------------------------
// Indicator scores and stated full marks
// ---------------------------------------------------------------------------------------------

#[test]
fn seed000_indicators_score_as_reported_with_the_stated_five_points_warned() {
    let path = seed000_book("seed000-dept.xlsx", &SEED000_DEPT);
    let all = check_json(&path);
    // 在职人员控制率 75% → 8 of 8, 公用经费 79.85% → 6, 三公 18.09% → 6, 满意度 90% → 10:
    // as reported, so no score finding.
    assert!(of_rule(&all, "indicator-score").is_empty(), "{all:#?}");
    // The stated 计5分 against the row's 分值 8, at the 分值 cell, naming the rule cell.
    let full = of_rule(&all, "rule-full-points");
    let staff = full
        .iter()
        .find(|f| f["expected"] == "5")
        .unwrap_or_else(|| panic!("{full:#?}"));
    assert_eq!(staff["severity"], "warning");
    assert_eq!(staff["found"], "8");
    assert_eq!(
        staff["cell"],
        cell_of(&path, "附件2", "在职人员控制率", "分值")
    );
    assert!(staff["related"]
        .as_array()
        .unwrap()
        .contains(&Value::from(cell_of(
            &path,
            "附件2",
            "在职人员控制率",
            "年度指标值"
        ))));
    assert!(staff["message"]
        .as_str()
        .unwrap()
        .contains("在职人员控制率"));
    // The checklist's items add to 8 while its row is worth 10: also worth saying.
    assert!(
        full.iter()
            .any(|f| f["expected"] == "8" && f["found"] == "10"),
        "{full:#?}"
    );
    assert_eq!(full.len(), 2, "{full:#?}");
    // Rows whose 年度指标值 is a target text are left to the person: nothing said.
    assert!(of_rule(&all, "rule-unreadable").is_empty());
    assert!(of_rule(&all, "staff-rate-vs-base").is_empty(), "{all:#?}");
}

/// Seed 000's 附件1 and 附件2 as a clerk fills them (执行率, 得分 and 总分 typed as published),
/// audited in memory: the values by logical cell, no workbook layout involved.
fn audit_in_memory(rows: &[Ind]) -> Vec<fiscalform::findings::Finding> {
    let catalog = Catalog::embedded().unwrap();
    let mut dept = perf_dept(catalog.get("perf-dept").unwrap(), rows);
    for (k, v) in [
        ("fund_rate", "0.7968"),
        ("fund_score", "8"),
        ("total_weight", "100"),
        ("total_score", "97"),
    ] {
        dept.grid.insert(k.into(), num(v));
    }
    let mut base = perf_base(catalog.get("perf-base").unwrap());
    base.grid.insert("staff_rate".into(), num("0.75"));
    for (key, prev, budget, fin) in [
        ("sangong", "38.09", "67.00", "12.12"),
        ("car", "37.60", "22.00", "10.73"),
    ] {
        set_row(
            &mut base,
            key,
            &[("prev", prev), ("budget", budget), ("final", fin)],
        );
    }
    let book = Book::new(vec![
        (catalog.get("perf-base").unwrap(), base),
        (catalog.get("perf-dept").unwrap(), dept),
    ]);
    let calc = compute(&book, Mode::Check, false);
    fiscalform::check::audit(&book, &calc)
}

fn row_of(f: &fiscalform::findings::Finding) -> String {
    f.target.as_ref().map(|t| t.key()).unwrap_or_default()
}

#[test]
fn seed000_numbers_give_no_error_and_their_actuals_agree_with_the_base_data() {
    let all = audit_in_memory(&SEED000_DEPT);
    assert!(
        all.iter().all(|f| f.severity != Severity::Error),
        "{all:#?}"
    );
    // 33 / 44 = 75%, 147.58 / 184.83 = 79.85%, 12.12 / 67.00 = 18.09%: as reported.
    for rule in [
        "staff-rate-vs-base",
        "public-rate-vs-base",
        "sangong-rate-vs-base",
    ] {
        assert!(all.iter().all(|f| f.rule != rule), "{rule}: {all:#?}");
    }
    // Besides the two 一级指标 labels whose points are not their rows' (产出 50 over 40, 效益 30
    // over 40: tests/check_perf.rs), only the two stated-full-points warnings (5 vs 8, the
    // checklist's 8 vs 10).
    let labels = all.iter().filter(|f| f.rule == "level1-weight").count();
    assert_eq!(labels, 2, "{all:#?}");
    let warnings: Vec<_> = all
        .iter()
        .filter(|f| f.severity == Severity::Warning && f.rule != "level1-weight")
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(warnings.iter().all(|f| f.rule == "rule-full-points"));
    assert_eq!(row_of(warnings[0]), "#1.weight");
}

#[test]
fn a_score_the_rule_does_not_give_is_a_warning_with_the_rules_explanation() {
    let mut rows = SEED000_DEPT;
    rows[3].6 = "4"; // 公用经费控制率 79.85% within 100%: 6, not 4
    rows[9].4 = "85%"; // 满意度 85% → the 80%–90% tier: 8, while 10 is reported
    let path = seed000_book("seed000-dept-wrong-scores.xlsx", &rows);
    let all = check_json(&path);
    let scores = of_rule(&all, "indicator-score");
    assert_eq!(scores.len(), 2, "{scores:#?}");
    let public = scores
        .iter()
        .find(|f| f["cell"] == cell_of(&path, "附件2", "公用经费控制率", "自评得分"))
        .expect("公用经费控制率");
    assert_eq!(public["severity"], "warning");
    assert_eq!(public["expected"], "6");
    assert_eq!(public["found"], "4");
    let m = public["message"].as_str().unwrap();
    assert!(m.contains("超限扣分") && m.contains("79.85%"), "{m}");
    let sat = scores
        .iter()
        .find(|f| f["cell"] == cell_of(&path, "附件2", "社会公众或服务对象满意度", "自评得分"))
        .expect("满意度");
    assert_eq!(sat["expected"], "8");
    assert_eq!(sat["found"], "10");
    assert!(sat["message"].as_str().unwrap().contains("分档计分"));
}

#[test]
fn a_reported_score_is_compared_at_the_precision_it_is_shown_with() {
    // 满意度 with the proportional rule: 10 × 87.5% = 8.75.
    let mut rows = SEED000_DEPT;
    rows[9].3 = "全部完成得满分，未完成按比例计分";
    rows[9].4 = "87.5%";
    for (reported, flagged) in [
        ("8.75", false),
        ("8.8", false),
        ("9", false),
        ("8.7", true),
        ("8", true),
    ] {
        rows[9].6 = reported;
        let path = seed000_book(&format!("precision-{reported}.xlsx"), &rows);
        let all = check_json(&path);
        let got = of_rule(&all, "indicator-score");
        assert_eq!(!got.is_empty(), flagged, "{reported}: {got:#?}");
    }
}

#[test]
fn an_empty_score_a_rule_can_give_is_reported_as_info() {
    let mut rows = SEED000_DEPT;
    rows[4].6 = ""; // 三公经费控制率 18.09% → 6
    let path = seed000_book("seed000-dept-empty.xlsx", &rows);
    let all = check_json(&path);
    let f = of_rule(&all, "indicator-score");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["severity"], "info");
    assert_eq!(f[0]["expected"], "6");
    assert_eq!(
        f[0]["cell"],
        cell_of(&path, "附件2", "“三公经费”控制率", "自评得分")
    );
}

// ---------------------------------------------------------------------------------------------
// Actual values that perf-base gives
// ---------------------------------------------------------------------------------------------

#[test]
fn actual_values_are_checked_against_perf_base() {
    let mut rows = SEED000_DEPT;
    rows[0].4 = "80%"; // 33 / 44 is 75%
    rows[3].4 = "79.84%"; // 147.58 / 184.83 is 79.85%
    rows[4].4 = "0.1809"; // a bare fraction, as a percent cell read as text gives it: agrees
    let all = audit_in_memory(&rows);
    let of = |rule: &str| all.iter().filter(|f| f.rule == rule).collect::<Vec<_>>();
    let staff = of("staff-rate-vs-base");
    assert_eq!(staff.len(), 1, "{all:#?}");
    assert_eq!(staff[0].severity, Severity::Warning);
    assert_eq!(staff[0].expected.as_deref(), Some("75.00%"));
    assert_eq!(staff[0].found.as_deref(), Some("80%"));
    assert_eq!(row_of(staff[0]), "#1.actual");
    let public = of("public-rate-vs-base");
    assert_eq!(public.len(), 1, "{all:#?}");
    assert_eq!(public[0].expected.as_deref(), Some("79.85%"));
    assert_eq!(row_of(public[0]), "#4.actual");
    assert!(of("sangong-rate-vs-base").is_empty(), "{all:#?}");
    // 三公: 12.12 / 67.00 = 18.09%, reported 20%.
    let mut rows = SEED000_DEPT;
    rows[4].4 = "20%";
    let all = audit_in_memory(&rows);
    let sangong: Vec<_> = all
        .iter()
        .filter(|f| f.rule == "sangong-rate-vs-base")
        .collect();
    assert_eq!(sangong.len(), 1, "{all:#?}");
    assert_eq!(sangong[0].expected.as_deref(), Some("18.09%"));
    assert!(
        sangong[0].message.contains("“三公经费”控制率"),
        "{}",
        sangong[0].message
    );
}

#[test]
fn the_staff_rate_link_names_the_cells_of_both_forms() {
    let mut rows = SEED000_DEPT;
    rows[0].4 = "80%";
    let path = seed000_book("seed000-dept-base.xlsx", &rows);
    let all = check_json(&path);
    let staff = of_rule(&all, "staff-rate-vs-base");
    assert_eq!(staff.len(), 1, "{all:#?}");
    assert_eq!(
        staff[0]["cell"],
        cell_of(&path, "附件2", "在职人员控制率", "实际完成值")
    );
    let related = staff[0]["related"].as_array().unwrap();
    assert!(!related.is_empty());
    assert!(
        related
            .iter()
            .all(|r| r.as_str().unwrap().starts_with("'附件1'!")),
        "{related:?}"
    );
}

#[test]
fn without_perf_base_the_link_is_skipped_once_with_an_info() {
    let catalog = Catalog::embedded().unwrap();
    let path = out("scores", "dept-alone.xlsx");
    write_book(
        &catalog,
        vec![(
            "perf-dept",
            perf_dept(catalog.get("perf-dept").unwrap(), &SEED000_DEPT),
        )],
        &path,
        false,
    );
    let all = check_json(&path);
    let skipped = of_rule(&all, "cross-table-skipped");
    assert_eq!(skipped.len(), 1, "{skipped:#?}");
    assert_eq!(skipped[0]["severity"], "info");
    assert!(skipped[0]["message"]
        .as_str()
        .unwrap()
        .contains("perf-base"));
}

// ---------------------------------------------------------------------------------------------
// fix: empty scores filled with formulas LibreOffice agrees with
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_quantitative_scores_are_filled_with_formulas_libreoffice_recalculates_to_our_values() {
    let catalog = Catalog::embedded().unwrap();
    let mut rows = SEED000_DEPT;
    rows[0].4 = "103.5%"; // 3 whole points over → 8 − 1.5 = 6.5
    rows[3].4 = "112.4%"; // 12 points over → 6 − 12 < 0 → 0
    rows[9].4 = "78.5%"; // 70%–80% tier: 6
    for i in [0, 1, 3, 4, 9] {
        rows[i].6 = ""; // quantitative scores and the checklist left empty
    }
    // A target/actual pair with a rule of its own in the 年度指标值 would need a rule column;
    // a proportional rule over the row's own numbers: 3 of 4 → 10 × 75% = 7.5.
    rows[6] = (
        "效益指标（30分）",
        "社会效益指标",
        "规划编制完成率",
        "全部完成得满分，未完成按比例计分",
        "75%",
        "10",
        "",
    );
    let path = out("scores", "fix-filled.xlsx");
    let filled = write_book(
        &catalog,
        vec![
            ("perf-base", perf_base(catalog.get("perf-base").unwrap())),
            (
                "perf-dept",
                perf_dept(catalog.get("perf-dept").unwrap(), &rows),
            ),
        ],
        &path,
        true,
    );
    let at = |name: &str| cell_of(&path, "附件2", name, "自评得分");
    let value_at = |a1: &str| {
        filled
            .iter()
            .find(|(c, _, _)| c == a1)
            .map(|(_, f, v)| (f.clone(), *v))
    };
    // Hand-computed expectations.
    for (name, want) in [
        ("在职人员控制率", "6.5"),
        ("公用经费控制率", "0"),
        ("“三公经费”控制率", "6"),
        ("规划编制完成率", "7.5"),
        ("社会公众或服务对象满意度", "6"),
    ] {
        let (formula, value) =
            value_at(&at(name)).unwrap_or_else(|| panic!("{name} filled: {filled:#?}"));
        assert_eq!(value, d(want), "{name}");
        assert!(formula.starts_with("ROUND("), "{name}: {formula}");
        assert!(
            formula.contains("IF(") || formula.contains("MIN("),
            "{name}: {formula}"
        );
    }
    // The checklist is judged by a person: left empty.
    assert!(value_at(&at("管理制度健全性")).is_none(), "{filled:#?}");
    assert_eq!(filled.len(), 5);

    // LibreOffice recalculates every formula (ours and the derived 总分) to what we stored.
    let lo_out = lo::convert(&path, "xlsx", &out("scores", "lo-fix"));
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut ours: Xlsx<_> = open_workbook(&path).unwrap();
    let mut theirs: Xlsx<_> = open_workbook(&lo_out).unwrap();
    let a = ours.worksheet_range("附件2").unwrap();
    let b = theirs.worksheet_range("附件2").unwrap();
    let float = |d: Option<&Data>| match d {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("not a number: {other:?}"),
    };
    for (a1, _, value) in &filled {
        let pos = grid::parse_a1(a1).unwrap();
        let pos = (pos.0, pos.1 as u32);
        let mine = float(a.get_value(pos));
        let lo = float(b.get_value(pos));
        assert!(
            (mine - lo).abs() < 1e-9,
            "{a1}: ours {mine}, LibreOffice {lo}"
        );
        assert!(
            (lo - value.to_string().parse::<f64>().unwrap()).abs() < 1e-9,
            "{a1}: LibreOffice {lo}, expected {value}"
        );
    }
    // 总分 follows the filled scores: 7.97 + 6.5 + 10(check… empty → 0) …
    let (tr, tc) = {
        let (r, c) = grid::parse_a1(&cell_of(&path, "附件2", "总分", "自评得分")).unwrap();
        (r, c as u32)
    };
    let total_ours = float(a.get_value((tr, tc)));
    let total_lo = float(b.get_value((tr, tc)));
    // fund 7.97 + 6.5 + 0 (checklist) + 10 + 0 + 6 + 10 + 7.5 + 10 + 10 + 6
    assert!((total_ours - 73.97).abs() < 1e-9, "总分 {total_ours}");
    assert!(
        (total_lo - 73.97).abs() < 1e-9,
        "LibreOffice 总分 {total_lo}"
    );
}

#[test]
fn filled_scores_are_left_alone() {
    let catalog = Catalog::embedded().unwrap();
    let mut book = Book::new(vec![(
        catalog.get("perf-dept").unwrap(),
        perf_dept(catalog.get("perf-dept").unwrap(), &SEED000_DEPT),
    )]);
    // Every score is filled (even where a rule would give another): nothing to fill.
    assert!(fill_empty_scores(&mut book).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Budget-execution score
// ---------------------------------------------------------------------------------------------

fn seed000_fixture() -> grid::GridBook {
    grid::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed000_perf.grid"))
}

#[test]
fn execution_score_60_63_percent_scored_7_is_reported_79_68_scored_8_is_not() {
    let path = out("scores", "seed000-fixture.xlsx");
    seed000_fixture().write_xlsx(&path);
    let all = check_json(&path);
    let fund: Vec<_> = of_rule(&all, "fund-score");
    // 附件3-1: 10 × 60.63% = 6.06, reported 7.
    let p31 = fund
        .iter()
        .find(|f| f["sheet"] == "附件3-1")
        .unwrap_or_else(|| panic!("{fund:#?}"));
    assert_eq!(p31["severity"], "warning");
    assert_eq!(p31["cell"], "H6");
    assert_eq!(p31["expected"], "6.06");
    assert_eq!(p31["found"], "7");
    assert!(p31["message"].as_str().unwrap().contains("分值 × 执行率"));
    // 附件2: 10 × 79.68% = 7.97, shown as 8.
    assert!(fund.iter().all(|f| f["sheet"] != "附件2"), "{fund:#?}");
}

#[test]
fn execution_score_reported_wrong_on_the_department_form_is_reported() {
    let mut book = seed000_fixture();
    book.sheet_mut("附件2").set("H5", grid::GridCell::num("7"));
    book.sheet_mut("附件3-1")
        .set("H6", grid::GridCell::num("6.06"));
    let path = out("scores", "seed000-fixture-fund.xlsx");
    book.write_xlsx(&path);
    let all = check_json(&path);
    let fund = of_rule(&all, "fund-score");
    assert_eq!(fund.len(), 1, "{fund:#?}");
    assert_eq!(fund[0]["sheet"], "附件2");
    assert_eq!(fund[0]["cell"], "H5");
    assert_eq!(fund[0]["expected"], "7.97");
}

#[test]
fn a_definition_may_score_execution_by_tiers() {
    // A region's tier table instead of the default 分值 × 执行率.
    let dir = out("scores-tier-templates", "x")
        .parent()
        .unwrap()
        .to_path_buf();
    for f in std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates")).unwrap()
    {
        let f = f.unwrap().path();
        let mut t = std::fs::read_to_string(&f).unwrap();
        if f.file_name().unwrap() == "perf-project.toml" {
            let default =
                "expr = \"round(if(fund_rate > 1, fund_weight, fund_weight * fund_rate), 2)\"";
            assert!(t.contains(default));
            t = t.replace(
                default,
                "expr = \"if(fund_rate >= 0.9, fund_weight, if(fund_rate >= 0.8, fund_weight * 0.8, if(fund_rate >= 0.6, fund_weight * 0.6, 0)))\"",
            );
        }
        std::fs::write(dir.join(f.file_name().unwrap()), t).unwrap();
    }
    let path = out("scores", "seed000-fixture-tiers.xlsx");
    seed000_fixture().write_xlsx(&path);
    let (_, o, e) = run(&[
        "--templates",
        dir.to_str().unwrap(),
        "check",
        "--format",
        "json",
        path.to_str().unwrap(),
    ]);
    let v: Value = serde_json::from_str(&o).unwrap_or_else(|_| panic!("{e}"));
    let all = v["files"][0]["findings"].as_array().unwrap().clone();
    let p31 = of_rule(&all, "fund-score")
        .into_iter()
        .find(|f| f["sheet"] == "附件3-1")
        .cloned()
        .expect("60.63% is in the 60% tier: 6, reported 7");
    assert_eq!(p31["expected"], "6");
}

// ---------------------------------------------------------------------------------------------
// A form with its own 评（扣）分标准 column
// ---------------------------------------------------------------------------------------------

#[test]
fn a_rule_column_scores_target_against_actual_and_says_when_a_rule_is_unreadable() {
    // perf-project's optional 评（扣）分标准 column, filled: the workbook prints it.
    let catalog = Catalog::embedded().unwrap();
    let form = catalog.get("perf-project").unwrap();
    let mut data = blank_data(form, Some("测试单位"), Some("2023"), true);
    for (k, v) in [
        ("cur_plan", "100"),
        ("cur_exec", "100"),
        ("fund_weight", "10"),
    ] {
        data.grid.insert(k.into(), num(v));
    }
    data.grid.insert("project_name".into(), text("宣传经费"));
    data.rows.retain(|r| r.panel != "ind");
    let rows: [(&str, &str, &str, &str, &str, &str); 4] = [
        // name, target, actual, rule, weight, score
        ("宣传活动次数", "≥6次", "3次", "全部完成得满分，未完成按比例计分", "20", "20"),
        ("成本控制", "≤79.73万元", "95万元", "偏离目标40%及以上不得分；偏离30%及以上得5分；偏离20%及以上得10分；偏离10%及以上得15分，偏离10%以内得20分。", "20", "10"),
        ("规划编制", "4个", "3个", "搭建招商平台。", "10", "9"),
        ("覆盖人次", "10万人次", "12万人次", "无", "10", "10"),
    ];
    for (i, (n, t, a, r, w, s)) in rows.iter().enumerate() {
        data.rows.push(list_row(
            i + 1,
            &[
                ("level1", text("产出指标（50分）")),
                ("level2", text("数量指标")),
                ("level3", text(n)),
                ("target", text(t)),
                ("actual", text(a)),
                ("standard", text(r)),
                ("weight", num(w)),
                ("score", num(s)),
                ("reason", text("说明")),
            ],
        ));
    }
    let path = out("scores", "rule-column.xlsx");
    write_book(&catalog, vec![("perf-project", data)], &path, false);
    let (_, o, e) = run(&["check", "--format", "json", path.to_str().unwrap()]);
    let v: Value = serde_json::from_str(&o).unwrap_or_else(|_| panic!("{e}"));
    let all = v["files"][0]["findings"].as_array().unwrap().clone();
    let scores = of_rule(&all, "indicator-score");
    // 3 of 6 times: 20 × 50% = 10, reported 20.
    let times = scores
        .iter()
        .find(|f| f["cell"] == cell_of(&path, "附件3", "宣传活动次数", "自评得分"))
        .unwrap_or_else(|| panic!("{all:#?}"));
    assert_eq!(times["expected"], "10");
    assert_eq!(times["found"], "20");
    // 95 against 79.73: a deviation of 19.15% → 15 points, reported 10.
    let cost = scores
        .iter()
        .find(|f| f["cell"] == cell_of(&path, "附件3", "成本控制", "自评得分"))
        .unwrap_or_else(|| panic!("{all:#?}"));
    assert_eq!(cost["expected"], "15");
    assert_eq!(scores.len(), 2, "{scores:#?}");
    // A text in the rule column that is not a rule: info at the rule cell; "无" says nothing.
    let unreadable = of_rule(&all, "rule-unreadable");
    assert_eq!(unreadable.len(), 1, "{unreadable:#?}");
    assert_eq!(unreadable[0]["severity"], "info");
    assert_eq!(
        unreadable[0]["cell"],
        cell_of(&path, "附件3", "规划编制", "评（扣）分标准")
    );
}

// ---------------------------------------------------------------------------------------------
// fiscalform rules
// ---------------------------------------------------------------------------------------------

#[test]
fn rules_text_prints_shape_thresholds_and_points() {
    let (code, o, _) = run(&["rules", SATISFACTION_RULE]);
    assert_eq!(code, 0);
    assert!(o.contains("类型：分档计分"), "{o}");
    assert!(
        o.contains("≥90% 得10分；80%–90% 得8分；70%–80% 得6分；<70% 得0分"),
        "{o}"
    );
    assert!(o.contains("文本写明满分：10 分"), "{o}");
    let (_, o, _) = run(&["rules", STAFF_RULE]);
    assert!(
        o.contains("类型：超限扣分") && o.contains("每超过1个百分点扣0.5分"),
        "{o}"
    );
    let (_, o, _) = run(&["rules", CHECKLIST_RULE]);
    assert!(o.contains("逐项计分") && o.contains("自动计分：否"), "{o}");
    let (_, o, _) = run(&["rules", "--format", "json", CONTROL_RULE, "2023年底以前。"]);
    let v: Value = serde_json::from_str(&o).unwrap();
    assert_eq!(v["rules"][0]["understood"]["shape"], "超限扣分");
    assert_eq!(v["rules"][0]["understood"]["scorable"], true);
    assert_eq!(v["rules"][1]["understood"], Value::Null);
    let (code, o, _) = run(&["rules", "搭建招商平台。"]);
    assert_eq!(code, 0);
    assert!(o.contains("不是可识别的计分规则"), "{o}");
    assert!(!o.contains("类型："), "{o}");
}

#[test]
fn rules_file_describes_every_indicator_of_a_perf_workbook() {
    let path = seed000_book("rules-dept.xlsx", &SEED000_DEPT);
    let (code, o, e) = run(&["rules", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{e}");
    let staff_cell = cell_of(&path, "附件2", "在职人员控制率", "年度指标值");
    assert!(
        o.contains(&format!("{staff_cell} 在职人员控制率（写在年度指标值中）")),
        "{o}"
    );
    assert!(o.contains("文本写明满分 5 分，而本行分值为 8 分"), "{o}");
    assert!(o.contains("应得 8 分（填报 8）"), "{o}");
    assert!(
        o.contains("完成时间：年度指标值是目标，不是计分规则"),
        "{o}"
    );
    // JSON: one entry per indicator, with the shape of each rule.
    let (_, o, _) = run(&["rules", "--format", "json", path.to_str().unwrap()]);
    let v: Value = serde_json::from_str(&o).unwrap();
    let rules = v["files"][0]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 10);
    let shapes: Vec<&str> = rules
        .iter()
        .filter_map(|r| r["understood"]["shape"].as_str())
        .collect();
    assert_eq!(
        shapes,
        ["超限扣分", "逐项计分", "超限扣分", "超限扣分", "分档计分"]
    );
    let sat = rules
        .iter()
        .find(|r| r["indicator"] == "社会公众或服务对象满意度")
        .unwrap();
    assert_eq!(sat["expected"], "10");
    assert_eq!(sat["source"], "target");
}

#[test]
fn rules_file_on_the_budget_targets_tables_shows_which_rules_a_machine_can_score() {
    let path = out("scores", "seed002.xlsx");
    grid::load(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed002_budget.grid"),
    )
    .write_xlsx(&path);
    let (code, o, e) = run(&["rules", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{e}");
    let v: Value = serde_json::from_str(&o).unwrap();
    let rules = v["files"][0]["rules"].as_array().unwrap();
    let shape_of = |fragment: &str| {
        rules
            .iter()
            .find(|r| r["text"].as_str().unwrap().contains(fragment))
            .unwrap_or_else(|| panic!("{fragment}: {rules:#?}"))["understood"]["shape"]
            .clone()
    };
    assert_eq!(shape_of("偏离目标40%及以上不得分"), "偏离度分档计分");
    assert_eq!(shape_of("得分=（完成率-60%）"), "线性计分");
    assert_eq!(shape_of("未完成按比例计分"), "按比例计分");
    assert_eq!(shape_of("满意度小于90%且大于等于80%"), "分档计分");
    assert_eq!(shape_of("符合要求得满分"), "达标计分");
    assert!(
        rules.iter().all(|r| r["source"] != "target"),
        "budget tables have a rule column"
    );
    assert!(rules.iter().any(|r| r["form"] == "budget-10"));
}

#[test]
fn rules_of_a_project_targets_table() {
    let catalog = Catalog::embedded().unwrap();
    let form = catalog.get("budget-09").unwrap();
    let mut data = blank_data(form, Some("测试单位"), Some("2023"), true);
    let texts = [
        ("宣传活动次数", "6", "次", "全部完成得满分，未完成按比例计分", "20"),
        ("成本控制在预算范围内", "≤79.73", "万元", "偏离目标40%及以上不得分；偏离30%及以上得5分；偏离20%及以上得10分；偏离10%及以上得15分，偏离10%以内得20分。", "20"),
        ("宣传活动覆盖", "是", "", "无", "10"),
        ("招商平台", "1", "个", "搭建招商平台。", "10"),
    ];
    let rows: Vec<String> = data
        .rows
        .iter()
        .filter(|r| r.panel == "projects")
        .map(|r| r.key.to_string())
        .skip(1)
        .take(texts.len())
        .collect();
    for (key, (name, value, unit, standard, weight)) in rows.iter().zip(texts) {
        let row = data.row_mut(key).unwrap();
        for (c, v) in [
            ("level3", name),
            ("value", value),
            ("measure", unit),
            ("standard", standard),
        ] {
            row.values
                .insert(c.into(), if v.is_empty() { Val::Blank } else { text(v) });
        }
        row.values.insert("weight".into(), num(weight));
    }
    let first = data.row_mut(&rows[0]).unwrap();
    first.values.insert("name".into(), text("宣传经费"));
    first.values.insert("fund".into(), num("100"));
    let book = Book::new(vec![(form, data)]);
    let rules = fiscalform::score::describe::describe_book(&book);
    let files = [fiscalform::score::describe::FileRules {
        path: "目标表.xlsx".into(),
        unit: None,
        rules,
        error: None,
    }];
    let o = fiscalform::score::describe::render_text(&files, &catalog);
    assert!(
        o.contains("宣传活动次数：全部完成得满分，未完成按比例计分"),
        "{o}"
    );
    assert!(o.contains("类型：按比例计分"), "{o}");
    assert!(o.contains("类型：偏离度分档计分"), "{o}");
    assert!(
        o.contains("招商平台：评（扣）分标准“搭建招商平台。”不是可识别的计分规则"),
        "{o}"
    );
    assert!(o.contains("宣传活动覆盖：没有评（扣）分标准"), "{o}");
    assert!(
        o.contains("小结：4 个指标，2 条可识别的评分标准（其中可自动计分 2 条），2 个由人工评分"),
        "{o}"
    );
    // A targets table has nothing to score: check says nothing about its rules.
    let calc = compute(&book, Mode::Check, false);
    let all = fiscalform::check::audit(&book, &calc);
    assert!(
        all.iter().all(
            |f| !["rule-unreadable", "indicator-score", "rule-full-points"]
                .contains(&f.rule.as_str())
        ),
        "{all:#?}"
    );
}

#[test]
fn rules_file_on_seed002_project_targets() {
    let path = out("scores", "seed002-09.xlsx");
    grid::load(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed002_budget.grid"),
    )
    .write_xlsx(&path);
    let (_, o, _) = run(&["rules", "--format", "json", path.to_str().unwrap()]);
    let v: Value = serde_json::from_str(&o).unwrap();
    let rules = v["files"][0]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["form"] == "budget-09"), "{rules:#?}");
}

#[test]
fn rules_on_a_missing_file_says_so_and_exits_2() {
    let (code, _, e) = run(&["rules", "/nonexistent/目标表.xlsx"]);
    assert_eq!(code, 2);
    assert!(!e.is_empty());
}

#[test]
fn a_scoring_section_naming_an_unknown_column_is_refused() {
    let t = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates/perf-dept.toml"),
    )
    .unwrap()
    .replace("actual = \"actual\"\n", "actual = \"actuals\"\n");
    let e = fiscalform::form::compile_form("perf-dept.toml", &t).unwrap_err();
    assert_eq!(e.field, "scoring.actual");
    assert!(e.message.contains("actuals"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Seed 000 as published
// ---------------------------------------------------------------------------------------------

#[test]
fn seed000_dept_indicators_as_published() {
    let path = out("scores", "seed000-fixture-ind.xlsx");
    seed000_fixture().write_xlsx(&path);
    let all = check_json(&path);
    let of_sheet = |rule: &str| -> Vec<Value> {
        of_rule(&all, rule)
            .into_iter()
            .filter(|f| f["sheet"] == "附件2")
            .cloned()
            .collect()
    };
    // 在职人员控制率 F14 75% → 8 of 8; 公用经费 F17, 三公 F18 → 6 of 6; 满意度 F23 → 10 of 10.
    assert!(of_sheet("indicator-score").is_empty(), "{all:#?}");
    let full = of_sheet("rule-full-points");
    let staff = full
        .iter()
        .find(|f| f["cell"] == "G14")
        .expect("G14: 计5分 vs 8");
    assert_eq!(staff["expected"], "5");
    assert_eq!(staff["found"], "8");
    assert!(staff["related"]
        .as_array()
        .unwrap()
        .contains(&Value::from("E14")));
}

#[test]
fn seed000_dept_actuals_agree_with_its_base_data() {
    let path = out("scores", "seed000-fixture-base.xlsx");
    seed000_fixture().write_xlsx(&path);
    let all = check_json(&path);
    for rule in [
        "staff-rate-vs-base",
        "public-rate-vs-base",
        "sangong-rate-vs-base",
    ] {
        assert!(of_rule(&all, rule).is_empty(), "{rule}: {all:#?}");
    }
    // And a changed one is caught: 在职人员控制率 80% against 33 / 44.
    let mut book = seed000_fixture();
    book.sheet_mut("附件2")
        .set("F14", grid::GridCell::text("80%"));
    let path = out("scores", "seed000-fixture-base-80.xlsx");
    book.write_xlsx(&path);
    let all = check_json(&path);
    let staff = of_rule(&all, "staff-rate-vs-base");
    assert_eq!(staff.len(), 1, "{all:#?}");
    assert_eq!(staff[0]["cell"], "F14");
    assert_eq!(staff[0]["expected"], "75.00%");
}
