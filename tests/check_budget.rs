//! The budget family (部门公开表01–10) on seed 002's workbook: as published it gives exactly
//! its real inconsistencies; corrected as a clerk would, nothing; every rule fires at the
//! cell it names when one cell is broken; and layout variants read to the same values.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/lo.rs"]
mod lo;
#[path = "support/mutation.rs"]
mod mutation;
#[path = "support/xorshift.rs"]
mod xorshift;

use fiscalform::expr::Val;
use fiscalform::form::Catalog;
use fiscalform::load::recognize_file;
use fiscalform::normalize::parse_amount;
use fiscalform::read::Cell;
use grid::{GridBook, GridCell, GridSheet};
use mutation::{Expected, Quiet, RuleOf, Scope};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const S01: &str = "部门收支总体情况表";
const S02: &str = "部门收入总体情况表";
const S03: &str = "部门支出总体情况表";
const S04: &str = "财政拨款收支总体情况表";
const S05: &str = "一般公共预算支出情况表";
const S06: &str = "一般公共预算基本支出情况表";
const S07: &str = "一般公共预算“三公”经费支出情况表";
const S08: &str = "政府性基金预算支出情况表";
const S09: &str = "项目支出绩效目标表";
const S10: &str = "部门整体支出绩效目标表";

// The two units of 部门公开表10 and the projects of 部门公开表09, as printed.
const CENTRE: &str = "长沙市长株潭一体化发展事务中心";
const OFFICE: &str = "长沙市“两型社会”建设综合配套改革办公室";

fn seed() -> GridBook {
    grid::load(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed002_budget.grid"),
    )
}

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("check-budget");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn check(book: &GridBook, name: &str) -> (i32, Vec<Value>) {
    let path = dir().join(format!("{name}.xlsx"));
    book.write_xlsx(&path);
    let (code, json) = cli::check_json(&path);
    assert_eq!(
        json["files"][0]["forms"].as_array().map(Vec::len),
        Some(10),
        "{name}: all ten tables recognised: {json:#}"
    );
    (code, cli::findings(&json))
}

/// A cell of the seed workbook: the `nth` cell whose text is `label`, moved `dx` columns.
#[derive(Clone, Copy)]
struct At {
    sheet: &'static str,
    label: &'static str,
    nth: usize,
    dx: i32,
}

const fn at(sheet: &'static str, label: &'static str, dx: i32) -> At {
    At {
        sheet,
        label,
        nth: 0,
        dx,
    }
}

impl At {
    const fn nth(mut self, n: usize) -> At {
        self.nth = n;
        self
    }
    fn pos(&self, book: &GridBook) -> (u32, u16) {
        let hits = book.sheet(self.sheet).find_all(self.label);
        let (r, c) = *hits
            .get(self.nth)
            .unwrap_or_else(|| panic!("{} has no “{}” #{}", self.sheet, self.label, self.nth));
        (r, (c as i32 + self.dx) as u16)
    }
    fn a1(&self, book: &GridBook) -> String {
        let (r, c) = self.pos(book);
        grid::a1(r, c)
    }
}

fn num(s: &str) -> GridCell {
    GridCell::num(s)
}
fn text(s: &str) -> GridCell {
    GridCell::text(s)
}

fn put(book: &mut GridBook, at: At, cell: GridCell) {
    let (r, c) = at.pos(book);
    book.sheet_mut(at.sheet).put(r, c, cell);
}

/// Seed 002 corrected as a careful clerk would, after the findings of the published workbook
/// (see `seed_002_as_published_gives_exactly_its_real_inconsistencies`):
/// - 部门公开表09: each project's weights (备注) made to add to 100 — 宣传经费 60 → its 成本指标
///   20 → 60; 改革经费 30 → its 社会效益 20 → 90; 南部片区 90 → 提升群众幸福感 10 → 20;
/// - 部门公开表10: each unit's weights 90 → 100 (满意度 10 → 20); the second unit's 效益指标
///   label written over its four 效益 rows (K31:K34); the 成本指标 ceilings made the units'
///   资金总额 (3398.91 → 598.49 and 340.42万元); the by-expenditure amounts put where
///   部门公开表01/03 have them (598.49 基本支出 for the centre, 340.42 项目支出 for the office).
fn corrected() -> GridBook {
    let mut b = seed();
    put(&mut b, at(S09, "成本控制在预算范围内", 6), num("60"));
    put(&mut b, at(S09, "工作水平和效率提高", 6), num("90"));
    put(&mut b, at(S09, "提升群众幸福感", 6), num("20"));
    put(&mut b, at(S10, "相关服务对象满意度", 6), num("20"));
    put(&mut b, at(S10, "相关服务对象满意度", 2).nth(2), num("20"));
    let (r, c) = at(S10, "中心各项工作有序开展", -2).nth(2).pos(&b);
    let s10 = b.sheet_mut(S10);
    s10.put(r, c, text("效益指标"));
    s10.merges.push((r, c, r + 3, c));
    put(&mut b, at(S10, "成本控制在预算范围内", 2), num("598.49"));
    put(
        &mut b,
        at(S10, "成本控制在预算范围内", 3).nth(1),
        text("340.42万元"),
    );
    put(&mut b, at(S10, CENTRE, 6), num("598.49"));
    put(&mut b, at(S10, CENTRE, 7), GridCell::Empty);
    put(&mut b, at(S10, OFFICE, 6), GridCell::Empty);
    put(&mut b, at(S10, OFFICE, 7), num("340.42"));
    b
}

/// The one unit of seed 002's “三公” table, whose 因公出国（境）费 is printed blank.
const S07_UNIT: &str = "长沙市“两型社会”建设综合配套改革办公室";

fn corrected_findings() -> &'static Vec<Value> {
    static F: OnceLock<Vec<Value>> = OnceLock::new();
    F.get_or_init(|| check(&corrected(), "corrected").1)
}

// ----- seed 002 as published and corrected -----

#[test]
fn seed_002_as_published_gives_exactly_its_real_inconsistencies() {
    let book = seed();
    let (code, all) = check(&book, "published");
    assert_eq!(code, 1, "errors give exit code 1");
    // form, rule, severity, cell, expected, found
    let f = |form: &str, rule: &str, sev: &str, cell: String, exp: &str, found: &str| {
        [form, rule, sev, &cell, exp, found].map(str::to_string)
    };
    let blank_zero =
        |form: &str, cell: &str| f(form, "blank-is-zero", "info", cell.into(), "0.00", "");
    let want = vec![
        // The seed prints its zeros blank in rows of figures (2010406's income columns other
        // than 本级财政拨款, 因公出国（境）费, …): one suggestion per table, at its first blank.
        blank_zero("budget-02", "H9"),
        blank_zero("budget-03", "F9"),
        blank_zero("budget-04", "F6"),
        blank_zero("budget-05", "G9"),
        blank_zero("budget-06", "E7"),
        blank_zero("budget-07", &at(S07, S07_UNIT, 3).a1(&book)),
        // Each project's indicator weights add to 60, 30 and 90, not 100 (FORMS.md: warning).
        f(
            "budget-09",
            "project-weights-100",
            "warning",
            at(S09, "长株潭一体化发展宣传经费", 0).a1(&book),
            "100",
            "60",
        ),
        f(
            "budget-09",
            "project-weights-100",
            "warning",
            at(S09, "长株潭一体化改革经费", 0).a1(&book),
            "100",
            "30",
        ),
        f(
            "budget-09",
            "project-weights-100",
            "warning",
            at(S09, "南部片区建设工作经费", 0).a1(&book),
            "100",
            "90",
        ),
        // Each unit's weights add to 90: 4×5 + 5×3 + 5 + 20 + 10 + 10 + 10.
        f(
            "budget-10",
            "unit-weights-100",
            "error",
            at(S10, CENTRE, 0).a1(&book),
            "100",
            "90",
        ),
        f(
            "budget-10",
            "unit-weights-100",
            "error",
            at(S10, OFFICE, 0).a1(&book),
            "100",
            "90",
        ),
        // The second unit prints no 一级指标 for its 经济/社会效益 indicators.
        f(
            "budget-10",
            "level1-known",
            "error",
            at(S10, "中心各项工作有序开展", -2).nth(2).a1(&book),
            "产出指标、效益指标、成本指标、满意度指标",
            "空",
        ),
        f(
            "budget-10",
            "level1-known",
            "error",
            at(S10, "工作水平和效率提高", -2).nth(1).a1(&book),
            "产出指标、效益指标、成本指标、满意度指标",
            "空",
        ),
        // 成本控制在预算范围内 ≤ 3398.91万元 against the units' 598.49 and 340.42 (the second
        // unit prints the amount in 计量单位, its 指标值 empty).
        f(
            "budget-10",
            "cost-ceiling-is-fund",
            "warning",
            at(S10, "成本控制在预算范围内", 2).a1(&book),
            "598.49",
            "3398.91",
        ),
        f(
            "budget-10",
            "cost-ceiling-is-fund",
            "warning",
            at(S10, "成本控制在预算范围内", 2).nth(1).a1(&book),
            "340.42",
            "3398.91",
        ),
        // By expenditure nature the amounts stand swapped against 部门公开表01/03 (基本支出
        // 598.49, 项目支出 340.42): 340.42 under the office's 基本支出, 598.49 under the
        // centre's 项目支出.
        f(
            "budget-10",
            "basic-vs-budget-03",
            "warning",
            at(S10, OFFICE, 6).a1(&book),
            "598.49",
            "340.42",
        ),
        f(
            "budget-10",
            "project-vs-budget-03",
            "warning",
            at(S10, CENTRE, 7).a1(&book),
            "340.42",
            "598.49",
        ),
        blank_zero("budget-10", "E6"),
    ];
    let got: Vec<[String; 6]> = all
        .iter()
        .map(|x| {
            ["form", "rule", "severity", "cell", "expected", "found"]
                .map(|k| x[k].as_str().unwrap_or("").to_string())
        })
        .collect();
    assert_eq!(got, want, "{all:#?}");
    // A group's finding names the group, not its first indicator.
    let first_of = |rule: &str| {
        let f = all.iter().find(|f| f["rule"] == rule).unwrap();
        f["message"].as_str().unwrap()
    };
    let m = first_of("project-weights-100");
    assert!(m.contains("（长株潭一体化发展宣传经费·"), "{m}");
    let m = first_of("cost-ceiling-is-fund");
    assert!(
        m.contains("（成本控制在预算范围内·指标值）") && m.contains(CENTRE),
        "{m}"
    );
    for f in &all {
        let m = f["message"].as_str().unwrap();
        assert!(
            m.contains(f["cell"].as_str().unwrap()),
            "the message names the cell: {m}"
        );
        assert!(
            m.starts_with("部门公开表"),
            "the message names the table: {m}"
        );
    }
}

#[test]
fn seed_002_corrected_gives_no_finding_at_all() {
    // Only the suggestions to write as 0.00 the zeros the seed prints blank remain.
    let findings = corrected_findings();
    assert!(
        findings.iter().all(|f| f["rule"] == "blank-is-zero"),
        "{findings:#?}"
    );
}

#[test]
fn seed_002_reads_every_table_to_its_logical_cells() {
    let catalog = Catalog::embedded().unwrap();
    let path = dir().join("read-plain.xlsx");
    seed().write_xlsx(&path);
    let rec = recognize_file(&catalog, &path).unwrap();
    let form = |id: &str| &rec.forms.iter().find(|(f, _)| f.id == id).unwrap().1;
    let d = |s: &str| Val::Num(s.parse().unwrap());
    for (_, data) in &rec.forms {
        assert_eq!(data.unit.as_deref(), Some(CENTRE), "{}", data.form_id);
        assert!(
            data.strays.is_empty(),
            "{}: {:?}",
            data.form_id,
            data.strays
        );
    }
    // 其中：经费拨款 under 本级财政拨款 (two header rows).
    let b02 = form("budget-02");
    assert_eq!(b02.row("total").unwrap().get("c3"), d("938.91"));
    assert_eq!(b02.origin["total.c3"].to_string(), "G6");
    assert_eq!(b02.row("2010406").unwrap().get("c3"), d("340.42"));
    // 合计 and the unit row under one header.
    let b07 = form("budget-07");
    assert_eq!(b07.row("total").unwrap().get("c1"), d("42.34"));
    let unit = b07.rows.iter().find(|r| r.panel == "units").unwrap();
    assert_eq!(unit.get("name"), Val::Text(OFFICE.into()));
    assert_eq!(unit.get("c5"), d("37.34"));
    assert_eq!(b07.origin[&format!("{}.c5", unit.key)].to_string(), "F6");
    // 部门公开表09: 合计, the unit row and 22 indicator rows of three projects; texts merged
    // down are read on every row (and name the merged cell), amounts on the first only.
    let b09 = form("budget-09");
    assert_eq!(b09.row("total").unwrap().get("fund"), d("340.42"));
    let list: Vec<_> = b09.rows.iter().filter(|r| r.panel == "projects").collect();
    assert_eq!(list.len(), 23);
    let south: Vec<_> = list
        .iter()
        .filter(|r| r.get("name") == Val::Text("南部片区建设工作经费".into()))
        .collect();
    assert_eq!(south.len(), 12);
    assert_eq!(south[0].get("fund"), d("200.35"));
    assert!(south[1..].iter().all(|r| r.get("fund") == Val::Blank));
    assert_eq!(
        b09.origin[&format!("{}.name", south[5].key)].to_string(),
        "B17"
    );
    // 部门公开表10: two units of 15 rows each.
    let b10 = form("budget-10");
    let rows: Vec<_> = b10.rows.iter().filter(|r| r.panel == "main").collect();
    assert_eq!(rows.len(), 30);
    assert_eq!(rows[15].get("unit_name"), Val::Text(OFFICE.into()));
    assert_eq!(rows[15].get("fund"), d("340.42"));
    assert_eq!(rows[14].get("level1"), Val::Text("满意度指标".into()));
    assert_eq!(rows[9].get("value"), Val::Text("3398.91".into()));
}

// ----- every rule, passing and failing -----

struct Case {
    name: &'static str,
    /// Changes to the corrected workbook before the cells are broken (an extra table part).
    prepare: Option<fn(&mut GridBook)>,
    edits: Vec<(At, GridCell)>,
    form: &'static str,
    rule: &'static str,
    severity: &'static str,
    /// The cell the finding must name.
    cell: At,
}

fn case(
    name: &'static str,
    edits: Vec<(At, GridCell)>,
    form: &'static str,
    rule: &'static str,
    severity: &'static str,
    cell: At,
) -> Case {
    Case {
        name,
        prepare: None,
        edits,
        form,
        rule,
        severity,
        cell,
    }
}

fn run(case: Case) {
    let mut book = corrected();
    let rule = RuleOf {
        name: case.name,
        rule: case.rule,
        scope: Scope::Form(case.form),
    };
    let quiet =
        |good: &[Value], what: &str| mutation::assert_quiet(&rule, good, Quiet::Silent, what);
    quiet(corrected_findings(), "the corrected seed");
    if let Some(prepare) = case.prepare {
        prepare(&mut book);
        let (_, before) = check(&book, &format!("{}-prepared", case.name));
        quiet(&before, "the prepared workbook");
    }
    for (at, cell) in &case.edits {
        put(&mut book, *at, cell.clone());
    }
    let (code, after) = check(&book, case.name);
    let cell = case.cell.a1(&book);
    let expected = Expected {
        of: rule,
        sheet: Some(case.cell.sheet),
        cell: &cell,
        severity: case.severity,
    };
    mutation::assert_fires(&expected, code, &after);
}

#[test]
fn budget_01_totals_balance_and_cross_tables() {
    let c = |name, label: &'static str, value: &'static str, rule| {
        case(
            name,
            vec![(at(S01, label, 1), num(value))],
            "budget-01",
            rule,
            "error",
            at(S01, label, 1),
        )
    };
    for k in [
        c(
            "b01-income-year",
            "本年收入合计",
            "900",
            "income-year-total",
        ),
        c("b01-income-grand", "收入总计", "900", "income-grand-total"),
        c(
            "b01-exp-year",
            "本年支出合计",
            "900",
            "expenditure-year-total",
        ),
        c(
            "b01-exp-grand",
            "支出总计",
            "900",
            "expenditure-grand-total",
        ),
        c(
            "b01-fiscal-04",
            "一、本级财政拨款收入",
            "900",
            "appropriation-vs-budget-04",
        ),
        c(
            "b01-fiscal-02",
            "一、本级财政拨款收入",
            "900",
            "appropriation-vs-budget-02",
        ),
        c(
            "b01-special",
            "二、财政专户管理事业收入",
            "5",
            "special-vs-budget-02",
        ),
        c(
            "b01-operating",
            "三、事业单位经营服务收入",
            "5",
            "operating-vs-budget-02",
        ),
        c(
            "b01-superior",
            "四、上级补助收入",
            "5",
            "superior-vs-budget-02",
        ),
        c("b01-other", "五、其它收入", "5", "other-vs-budget-02"),
        c("b01-business", "六、事业收入", "5", "business-vs-budget-02"),
        c("b01-carry", "七、上年结转", "5", "carry-vs-budget-02"),
        c("b01-basic", "一、基本支出", "500", "basic-vs-budget-03"),
        c("b01-project", "二、项目支出", "300", "project-vs-budget-03"),
        c(
            "b01-exp-operating",
            "三、事业单位经营支出",
            "5",
            "operating-vs-budget-03",
        ),
        c(
            "b01-subsidiary",
            "四、对附属单位补助支出",
            "5",
            "subsidiary-vs-budget-03",
        ),
        c("b01-remit", "五、上缴上级支出", "5", "remit-vs-budget-03"),
    ] {
        run(k);
    }
    // Both totals right for their parts, but they differ.
    run(case(
        "b01-balance",
        vec![
            (at(S01, "七、上年结转", 1), num("10")),
            (at(S01, "收入总计", 1), num("948.91")),
        ],
        "budget-01",
        "balance",
        "error",
        at(S01, "收入总计", 1),
    ));
}

#[test]
fn budget_02_03_05_rows_hierarchy_and_cross_tables() {
    let plan = "社会事业发展规划";
    let kuan = "发展与改革事务";
    for (sheet, form) in [(S02, "budget-02"), (S03, "budget-03"), (S05, "budget-05")] {
        run(case(
            "row-total",
            vec![(at(sheet, plan, 1), num("350"))],
            form,
            "row-total",
            "error",
            at(sheet, plan, 1),
        ));
        run(case(
            "hierarchy",
            vec![(at(sheet, kuan, 2), num("500"))],
            form,
            "hierarchy",
            "error",
            at(sheet, kuan, 2),
        ));
        // Column 1 is derived from the row's other columns, and those from the children: it
        // can only stray from its children's column 1 by what the 尾差 lets through. The 项
        // row 0.01 higher in column 1 and its amount column: the 款's amount column is kept
        // (尾差), and its column 1 is 0.01 off its children's — reported as info.
        let amount_col = if form == "budget-02" { 2 } else { 3 };
        run(case(
            "hierarchy-c1",
            vec![
                (at(sheet, plan, 1), num("340.43")),
                (at(sheet, plan, amount_col), num("340.43")),
            ],
            form,
            "hierarchy-c1",
            "info",
            at(sheet, kuan, 1),
        ));
    }
    // 其中：经费拨款 above 本级财政拨款.
    run(case(
        "b02-funding",
        vec![(at(S02, plan, 3), num("400"))],
        "budget-02",
        "funding-within-appropriation",
        "error",
        at(S02, plan, 3),
    ));
    // 事业运行's 基本支出 changed: the 合计's 基本支出 no longer 部门公开表06's 总计.
    run(case(
        "b05-basic-06",
        vec![(at(S05, "事业运行", 2), num("590"))],
        "budget-05",
        "basic-vs-budget-06",
        "error",
        at(S05, "合计", 2),
    ));
}

#[test]
fn budget_04_totals_balance_and_cross_tables() {
    let c = |name, edit: At, value: &'static str, rule, cell: At| {
        case(
            name,
            vec![(edit, num(value))],
            "budget-04",
            rule,
            "error",
            cell,
        )
    };
    let year_in = at(S04, "一、本年收入", 1);
    let total_in = at(S04, "收入总计", 1);
    let class_total = at(S04, "1、一般公共服务支出", 1);
    let class_gpb = at(S04, "1、一般公共服务支出", 2);
    let class_gf = at(S04, "1、一般公共服务支出", 3);
    for k in [
        c("b04-income-year", year_in, "900", "income-year", year_in),
        c(
            "b04-income-total",
            total_in,
            "900",
            "income-total",
            total_in,
        ),
        c(
            "b04-row-total",
            class_total,
            "900",
            "row-total",
            class_total,
        ),
        c(
            "b04-exp-year",
            at(S04, "一、本年支出", 2),
            "900",
            "expenditure-year",
            at(S04, "一、本年支出", 2),
        ),
        c(
            "b04-exp-total",
            at(S04, "支出总计", 2),
            "900",
            "expenditure-total",
            at(S04, "支出总计", 2),
        ),
        // 一般公共服务支出's 一般公共预算 changed: 本年支出 and the class against 部门公开表05.
        c(
            "b04-gpb-05",
            class_gpb,
            "900",
            "gpb-vs-budget-05",
            at(S04, "一、本年支出", 2),
        ),
        c(
            "b04-gpb-class-05",
            class_gpb,
            "900",
            "gpb-class-vs-budget-05",
            class_gpb,
        ),
        // A 政府性基金预算 amount where 部门公开表08 has none.
        c(
            "b04-gf-08",
            class_gf,
            "10",
            "gf-vs-budget-08",
            at(S04, "一、本年支出", 3),
        ),
        c(
            "b04-gf-class-08",
            class_gf,
            "10",
            "gf-class-vs-budget-08",
            class_gf,
        ),
    ] {
        run(k);
    }
    run(case(
        "b04-balance",
        vec![
            (at(S04, "二、上年结转", 1), num("10")),
            (total_in, num("948.91")),
        ],
        "budget-04",
        "balance",
        "error",
        total_in,
    ));
}

#[test]
fn budget_06_rows_and_hierarchy() {
    run(case(
        "b06-row-total",
        vec![(at(S06, "30101", 2), num("90"))],
        "budget-06",
        "row-total",
        "error",
        at(S06, "30101", 2),
    ));
    run(case(
        "b06-hierarchy",
        vec![(at(S06, "301", 3), num("500"))],
        "budget-06",
        "hierarchy",
        "error",
        at(S06, "301", 3),
    ));
    // 尾差 only, as for 部门公开表02 (see there).
    run(case(
        "b06-hierarchy-c1",
        vec![
            (at(S06, "30101", 2), num("85.64")),
            (at(S06, "30101", 3), num("85.64")),
        ],
        "budget-06",
        "hierarchy-c1",
        "info",
        at(S06, "301", 2),
    ));
}

/// 部门公开表06 with 310 资本性支出 / 31013 公务用车购置 30.00 (基本支出 公用经费), its totals
/// raised to match.
fn with_vehicle_purchase(book: &mut GridBook) {
    let s = book.sheet_mut(S06);
    let (r, _) = s.find("30399").unwrap();
    for (i, (code, name)) in [("310", "资本性支出"), ("31013", "公务用车购置")]
        .iter()
        .enumerate()
    {
        let row = r + 1 + i as u32;
        s.insert_row(row);
        s.put(row, 0, num(code));
        s.put(row, 1, text(name));
        s.put(row, 2, num("30.00"));
        s.put(row, 4, num("30.00"));
    }
    let (t, _) = s.find("合计").unwrap();
    s.put(t, 2, num("628.49"));
    s.put(t, 4, num("92.69"));
}

#[test]
fn budget_07_totals_units_and_budget_06() {
    let total = |dx| at(S07, "合计", dx);
    let unit = |dx| at(S07, OFFICE, dx);
    let c = |name, edit: At, value: &'static str, rule| {
        case(
            name,
            vec![(edit, num(value))],
            "budget-07",
            rule,
            "error",
            edit,
        )
    };
    for k in [
        c("b07-total-subtotal", total(1), "40", "total-subtotal"),
        c("b07-total-vehicle", total(4), "40", "total-vehicle"),
        c("b07-total-reception", total(2), "2", "total-reception"),
        c("b07-total-abroad", total(3), "1", "total-abroad"),
        c(
            "b07-total-purchase",
            total(5),
            "30",
            "total-vehicle-purchase",
        ),
        c("b07-total-running", total(6), "5", "total-vehicle-running"),
        c("b07-unit-subtotal", unit(1), "40", "unit-subtotal"),
        c("b07-unit-vehicle", unit(4), "40", "unit-vehicle"),
    ] {
        run(k);
    }
    // The 三公 amounts lowered below the basic-expenditure codes of 部门公开表06 (consistently,
    // so that only the comparison with 06 breaks); the finding names 06's cell.
    let both = |dx, v: &'static str| vec![(total(dx), num(v)), (unit(dx), num(v))];
    run(case(
        "b07-reception-06",
        [both(2, "0.5"), both(1, "41.84")].concat(),
        "budget-07",
        "reception-vs-budget-06",
        "warning",
        at(S06, "30217", 2),
    ));
    run(case(
        "b07-running-06",
        [both(6, "3"), both(4, "40.34"), both(1, "41.34")].concat(),
        "budget-07",
        "vehicle-running-vs-budget-06",
        "warning",
        at(S06, "30231", 2),
    ));
    run(Case {
        name: "b07-purchase-06",
        prepare: Some(with_vehicle_purchase),
        edits: vec![
            (at(S06, "31013", 2), num("40")),
            (at(S06, "31013", 4), num("40")),
        ],
        form: "budget-07",
        rule: "vehicle-purchase-vs-budget-06",
        severity: "warning",
        cell: at(S06, "31013", 2),
    });
}

/// 部门公开表08 filled: 合计, 212 城乡社区支出, 21208, 2120801 with 10.00 of 项目支出 (split codes
/// as the seed prints them).
fn with_fund_rows(book: &mut GridBook) {
    let s = book.sheet_mut(S08);
    let (r, _) = s.find_all("**").last().copied().unwrap();
    let rows: [[&str; 4]; 4] = [
        ["", "", "", "合计"],
        ["212", "", "", "城乡社区支出"],
        ["", "08", "", "国有土地使用权出让收入安排的支出"],
        ["212", "08", "01", "征地和拆迁补偿支出"],
    ];
    for (i, cells) in rows.iter().enumerate() {
        let row = r + 1 + i as u32;
        s.insert_row(row);
        for (c, t) in cells.iter().enumerate() {
            if !t.is_empty() {
                s.put(row, c as u16, text(t));
            }
        }
        s.put(row, 4, num("10.00"));
        s.put(row, 6, num("10.00"));
    }
}

#[test]
fn budget_08_rows_and_hierarchy_once_filled() {
    let leaf = "征地和拆迁补偿支出";
    let kuan = "国有土地使用权出让收入安排的支出";
    let c = |name, edits, rule, cell| Case {
        name,
        prepare: Some(with_fund_rows),
        edits,
        form: "budget-08",
        rule,
        severity: "error",
        cell,
    };
    run(c(
        "b08-row-total",
        vec![(at(S08, leaf, 1), num("12"))],
        "row-total",
        at(S08, leaf, 1),
    ));
    run(c(
        "b08-hierarchy",
        vec![(at(S08, kuan, 3), num("8"))],
        "hierarchy",
        at(S08, kuan, 3),
    ));
    // 尾差 only, as for 部门公开表02 (see there).
    run(Case {
        severity: "info",
        ..c(
            "b08-hierarchy-c1",
            vec![
                (at(S08, leaf, 1), num("10.01")),
                (at(S08, leaf, 3), num("10.01")),
            ],
            "hierarchy-c1",
            at(S08, kuan, 1),
        )
    });
}

#[test]
fn budget_09_total_weights_and_cost_targets() {
    let total = at(S09, "合计", 2);
    run(case(
        "b09-fund-03",
        vec![(total, num("300"))],
        "budget-09",
        "fund-vs-budget-03",
        "warning",
        total,
    ));
    // One project's 资金总额 changed: the 合计 is no longer the projects' sum (the unit row
    // 长沙市两型社会建设服务中心 340.42 is not a project and is not added).
    run(case(
        "b09-fund-total",
        vec![(at(S09, "长株潭一体化改革经费", 1), num("70"))],
        "budget-09",
        "fund-total",
        "error",
        total,
    ));
    run(case(
        "b09-weights",
        vec![(at(S09, "宣传活动次数", 6), num("25"))],
        "budget-09",
        "project-weights-100",
        "warning",
        at(S09, "长株潭一体化发展宣传经费", 0),
    ));
    let cost = at(S09, "成本控制在预算范围内", 1);
    run(case(
        "b09-cost",
        vec![(cost, text("89.73万元"))],
        "budget-09",
        "cost-within-fund",
        "warning",
        cost,
    ));
}

#[test]
fn budget_10_units_weights_levels_costs_and_cross_tables() {
    let centre = |dx| at(S10, CENTRE, dx);
    let c = |name, edit: At, cell: GridCell, rule, severity, at_: At| {
        case(name, vec![(edit, cell)], "budget-10", rule, severity, at_)
    };
    for k in [
        c(
            "b10-income",
            centre(2),
            num("590"),
            "fund-by-income",
            "error",
            centre(1),
        ),
        c(
            "b10-expenditure",
            centre(6),
            num("590"),
            "fund-by-expenditure",
            "error",
            centre(1),
        ),
        c(
            "b10-weights",
            at(S10, "宣传活动次数", 6),
            num("5"),
            "unit-weights-100",
            "error",
            centre(0),
        ),
        c(
            "b10-cost",
            at(S10, "成本控制在预算范围内", 2),
            num("600"),
            "cost-ceiling-is-fund",
            "warning",
            at(S10, "成本控制在预算范围内", 2),
        ),
        c(
            "b10-basic-03",
            centre(6),
            num("590"),
            "basic-vs-budget-03",
            "warning",
            centre(6),
        ),
        c(
            "b10-project-03",
            at(S10, OFFICE, 7),
            num("300"),
            "project-vs-budget-03",
            "warning",
            at(S10, OFFICE, 7),
        ),
        c(
            "b10-fund-03",
            centre(1),
            num("600"),
            "fund-vs-budget-03",
            "warning",
            centre(1),
        ),
        // A 一级指标 merged over ten rows, misspelt: one finding at the merged cell.
        c(
            "b10-level1",
            at(S10, "宣传活动次数", -2),
            text("产出"),
            "level1-known",
            "error",
            at(S10, "宣传活动次数", -2),
        ),
    ] {
        run(k);
    }
}

// ----- layout variants read to the same values -----

/// Every recognised value: (form, logical cell) → value, with unit, year and row labels.
/// Reading must notice nothing (no stray, no text in an amount cell) but amounts stored as text.
fn values(path: &Path) -> BTreeMap<(String, String), String> {
    let catalog = Catalog::embedded().unwrap();
    let rec = recognize_file(&catalog, path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // Amounts stored as text are read as shown and told once a table (tests/typed_numbers.rs):
    // the variants here are about where values are, not how they are stored.
    let noticed: Vec<_> = (rec.findings.iter())
        .filter(|f| f.rule != "text-numbers")
        .collect();
    assert!(
        noticed.is_empty(),
        "{}: reading found {noticed:#?}",
        path.display()
    );
    let mut out = BTreeMap::new();
    for (form, data) in &rec.forms {
        let id = form.id.clone();
        out.insert(
            (id.clone(), "unit".into()),
            data.unit.clone().unwrap_or_default(),
        );
        out.insert(
            (id.clone(), "year".into()),
            data.year.clone().unwrap_or_default(),
        );
        for row in &data.rows {
            if let Some(label) = &row.label {
                out.insert((id.clone(), format!("{}#label", row.key)), label.clone());
            }
            for (col, v) in &row.values {
                // A number in a text column (指标值 3398.91) is kept as typed: "3,398.91" in
                // the variant with thousands separators is the same number.
                let number = match v {
                    Val::Num(d) => Some(*d),
                    Val::Text(t) => parse_amount(&Cell::Text(t.clone())).value(),
                    _ => None,
                };
                let shown = match number {
                    Some(d) => d.normalize().to_string(),
                    None => format!("{v:?}"),
                };
                out.insert((id.clone(), format!("{}.{col}", row.key)), shown);
            }
        }
    }
    out
}

fn plain_values() -> &'static BTreeMap<(String, String), String> {
    static V: OnceLock<BTreeMap<(String, String), String>> = OnceLock::new();
    V.get_or_init(|| {
        let path = dir().join("plain.xlsx");
        seed().write_xlsx(&path);
        let v = values(&path);
        assert!(v.len() > 600, "the plain workbook reads {} values", v.len());
        v
    })
}

fn same_as_plain(name: &str, book: &GridBook) {
    let path = dir().join(format!("variant-{name}.xlsx"));
    book.write_xlsx(&path);
    let got = values(&path);
    let want = plain_values();
    let diff: Vec<_> = want
        .iter()
        .filter(|(k, v)| got.get(*k) != Some(*v))
        .map(|(k, v)| format!("{k:?}: plain {v:?}, variant {:?}", got.get(k)))
        .chain(
            got.keys()
                .filter(|k| !want.contains_key(*k))
                .map(|k| format!("{k:?}: only in the variant {:?}", got[k])),
        )
        .collect();
    assert!(
        diff.is_empty(),
        "variant {name} reads differently:\n{}",
        diff.join("\n")
    );
}

/// The table continues on another page before row `at` (0-based): the rows above the data
/// (`0..head`: title, 部门名称 line, header rows, 栏次 row) are printed again there, merges
/// included, as the seed's PDF pages do.
fn page_break(sheet: &mut GridSheet, at: u32, head: u32) {
    let top: Vec<_> = (0..head).map(|r| sheet.rows[r as usize].clone()).collect();
    let merges: Vec<_> = sheet
        .merges
        .iter()
        .filter(|m| m.2 < head)
        .copied()
        .collect();
    for (i, row) in top.into_iter().enumerate() {
        let r = at + i as u32;
        sheet.insert_row(r);
        for (c, cell) in row.into_iter().enumerate() {
            if !cell.is_empty() {
                sheet.put(r, c as u16, cell);
            }
        }
    }
    for m in merges {
        sheet.merges.push((m.0 + at, m.1, m.2 + at, m.3));
    }
}

#[test]
fn amounts_as_text_with_thousands_separators() {
    same_as_plain("commas", &seed().amounts_as_text_with_commas());
}

#[test]
fn header_lower_renamed_reordered_sheets_and_extra_empty_rows_and_columns() {
    same_as_plain("lower", &seed().shift_down(2));
    same_as_plain("renamed", &seed().rename_and_reorder_sheets());
    same_as_plain("extra", &seed().extra_empty_rows_and_cols());
    same_as_plain(
        "all-at-once",
        &seed()
            .shift_down(3)
            .extra_empty_rows_and_cols()
            .amounts_as_text_with_commas()
            .rename_and_reorder_sheets(),
    );
}

#[test]
fn tables_continued_on_another_page_with_title_and_header_repeated() {
    let mut book = seed();
    let row = |b: &GridBook, sheet, label| b.sheet(sheet).find(label).unwrap().0;
    // Two header rows with merges, between two 项 rows.
    let r = row(&book, S02, "社会事业发展规划");
    page_break(book.sheet_mut(S02), r, 5);
    // Income and expenditure side by side, inside the list of classes (as the seed's page 2).
    let r = row(&book, S04, "12、农林水支出");
    page_break(book.sheet_mut(S04), r, 4);
    // Economic codes, before 30216 培训费 (as the seed's page 2).
    let r = row(&book, S06, "30216");
    page_break(book.sheet_mut(S06), r, 4);
    // Between two projects, and between the two units.
    let r = row(&book, S09, "南部片区建设工作经费");
    page_break(book.sheet_mut(S09), r, 4);
    let r = row(&book, S10, OFFICE);
    page_break(book.sheet_mut(S10), r, 5);
    same_as_plain("pages", &book);
}

#[test]
fn xls_and_ods_copies_read_like_the_xlsx() {
    let plain = dir().join("plain-for-lo.xlsx");
    seed().write_xlsx(&plain);
    for fmt in ["xls", "ods"] {
        let copy = lo::convert(&plain, fmt, &dir().join(format!("lo-{fmt}")));
        let got = values(&copy);
        assert_eq!(&got, plain_values(), "{fmt} copy reads differently");
    }
}

// ----- the definition language refuses what would silently misjudge -----

const MINIMAL: &str = r#"
id = "t-01"
table_no = "测试表"
title = "测试"
family = "budget"
[[blocks]]
id = "main"
header = [["名称", "金额", "层级", "分值"]]
[[blocks.panels]]
id = "items"
columns = [
  { id = "name", kind = "text", label = "名称" },
  { id = "amount", kind = "amount", label = "金额" },
  { id = "level1", kind = "text", label = "层级" },
  { id = "weight", kind = "score", label = "分值" },
]
list = { group_by = "name" }
"#;

fn compiled(extra: &str) -> Result<Catalog, String> {
    Catalog::from_sources(vec![("t-01.toml".into(), format!("{MINIMAL}{extra}"))])
        .map_err(|e| e.to_string())
}

#[test]
fn group_rules_compile_and_mistakes_are_refused_with_the_field() {
    compiled(
        r#"
[[check]]
id = "w"
name = "分值合计100"
rows = "items:groups"
columns = ["name"]
where = "not blank(first(@group.weight))"
expr = "sum(@group.weight) == 100 and in(level1, \"产出指标\", \"效益指标\")"
"#,
    )
    .unwrap();
    // Comparing a text with == compares 0 with 0.
    let m = compiled(
        "[[check]]\nid = \"x\"\nname = \"x\"\nrows = \"items\"\ncolumns = [\"level1\"]\nexpr = \"level1 == \\\"成本指标\\\"\"\n",
    )
    .unwrap_err();
    assert!(m.contains("check[0]（x）.expr") && m.contains("in("), "{m}");
    // A condition on a derived cell.
    let m = compiled(
        "[[derive]]\nid = \"d\"\nname = \"d\"\nrows = \"items\"\ncolumns = [\"amount\"]\nwhere = \"not blank(name)\"\nexpr = \"1\"\n",
    )
    .unwrap_err();
    assert!(m.contains("derive[0]（d）.where"), "{m}");
    // groups of a list without group_by, and group_by naming no column.
    let m = Catalog::from_sources(vec![(
        "t-01.toml".into(),
        format!(
            "{}[[check]]\nid = \"g\"\nname = \"g\"\nrows = \"items:groups\"\ncolumns = [\"name\"]\nexpr = \"1 == 1\"\n",
            MINIMAL.replace("list = { group_by = \"name\" }", "list = {}")
        ),
    )])
    .unwrap_err()
    .to_string();
    assert!(m.contains("group_by"), "{m}");
    let m = Catalog::from_sources(vec![(
        "t-01.toml".into(),
        MINIMAL.replace("group_by = \"name\"", "group_by = \"nom\""),
    )])
    .unwrap_err()
    .to_string();
    assert!(m.contains("list.group_by") && m.contains("nom"), "{m}");
}

/// The seed with the titles of the tables `updated` (by sheet index) brought to 2024, the
/// others left at the seed's 2023: last year's workbook copied and only partly updated.
fn partly_updated(updated: &[usize], to: &str) -> GridBook {
    let mut book = seed();
    for i in updated {
        let sheet = &mut book.sheets[*i];
        let (r, c) = (0..sheet.rows.len() as u32)
            .flat_map(|r| (0..sheet.width()).map(move |c| (r, c)))
            .find(|&(r, c)| sheet.cell(r, c).as_str().starts_with("2023年"))
            .expect("a title");
        let title = sheet.cell(r, c).as_str().replacen("2023", to, 1);
        sheet.put(r, c, GridCell::text(&title));
    }
    book
}

/// A workbook copied from last year's with only some titles brought to the new year is the
/// new year's, whichever tables and however many (1 to 9 of 10): a copied year is left a year
/// behind, none is set a year ahead. Each table left at the old year is a warning at its title
/// saying so; review files the unit under the new year. A year two ahead is a typo instead:
/// the usual year stands and the odd table is warned.
#[test]
fn a_workbook_copied_from_last_years_is_the_later_years() {
    let mut rng = xorshift::Xorshift(0x5eed_2024);
    for case in 0..12 {
        let count = 1 + rng.below(9);
        let mut sheets: Vec<usize> = (0..10).collect();
        let updated: Vec<usize> = (0..count)
            .map(|_| sheets.remove(rng.below(sheets.len())))
            .collect();
        let book = partly_updated(&updated, "2024");
        let path = dir().join(format!("copied-year-{case}.xlsx"));
        book.write_xlsx(&path);
        let (_, json) = cli::check_json(&path);
        assert_eq!(
            json["files"][0]["glance"]["year"], "2024",
            "{case} {updated:?}"
        );
        let findings = cli::findings(&json);
        let warned: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "year").collect();
        let stale: Vec<&str> = sheets
            .iter()
            .map(|i| book.sheets[*i].name.as_str())
            .collect();
        assert_eq!(warned.len(), stale.len(), "{case} {updated:?}: {warned:#?}");
        for w in warned {
            assert!(stale.contains(&w["sheet"].as_str().unwrap()), "{w:#?}");
            assert_eq!(
                (&w["found"], &w["expected"]),
                (&Value::from("2023"), &Value::from("2024"))
            );
            assert!(w["message"].as_str().unwrap().contains("早一年"), "{w:#?}");
        }
    }
    let typo = partly_updated(&[3], "2025");
    let (_, findings) = check(&typo, "year-typo");
    let warned: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "year").collect();
    assert_eq!(warned.len(), 1, "{warned:#?}");
    assert_eq!(
        (&warned[0]["found"], &warned[0]["expected"]),
        (&Value::from("2025"), &Value::from("2023"))
    );
}

/// Every table states the same year: a title left at last year's is a warning at the title,
/// naming the year the other tables state.
#[test]
fn one_year_on_every_table() {
    let (_, published) = check(&seed(), "year-published");
    assert!(
        !published.iter().any(|f| f["rule"] == "year"),
        "{published:#?}"
    );
    let mut book = seed();
    let sheet = book.sheet_mut("部门收入总体情况表");
    let (r, c) = sheet.find("2023年部门收入总体情况表").unwrap();
    sheet.put(r, c, GridCell::text("2022年部门收入总体情况表"));
    let (_, findings) = check(&book, "year-last-year");
    let hits: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "year").collect();
    assert_eq!(hits.len(), 1, "{findings:#?}");
    assert_eq!(hits[0]["severity"], "warning");
    assert_eq!(hits[0]["sheet"], "部门收入总体情况表");
    assert_eq!(hits[0]["cell"], grid::a1(r, c).as_str());
    assert_eq!(
        (&hits[0]["found"], &hits[0]["expected"]),
        (&Value::from("2022"), &Value::from("2023"))
    );
}
