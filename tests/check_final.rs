//! Every rule of the final-accounts family (公开01–09表), on seed 001's workbook: the
//! published numbers never trigger it beyond a 尾差 info, and one broken cell makes it fire at
//! the cell it names.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/mutation.rs"]
mod mutation;
#[path = "support/xorshift.rs"]
mod xorshift;

use grid::{GridBook, GridCell};
use mutation::{Expected, Quiet, RuleOf, Scope};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

fn seed() -> GridBook {
    grid::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed001_final.grid"))
}

fn check(book: &GridBook, name: &str) -> (i32, Vec<Value>) {
    mutation::check_book(book, "check-final", name)
}

/// The published seed's findings, checked once for all the cases.
fn published_findings() -> &'static [Value] {
    static FINDINGS: OnceLock<Vec<Value>> = OnceLock::new();
    FINDINGS.get_or_init(|| check(&seed(), "published").1)
}

/// A cell of the seed workbook: the `nth` cell whose text is `label`, moved `right` columns.
struct At {
    sheet: &'static str,
    label: &'static str,
    nth: usize,
    right: u16,
}

const fn at(sheet: &'static str, label: &'static str, right: u16) -> At {
    At {
        sheet,
        label,
        nth: 0,
        right,
    }
}

impl At {
    fn nth(mut self, n: usize) -> At {
        self.nth = n;
        self
    }
    fn a1(&self, book: &GridBook) -> String {
        if self.label.is_empty() {
            return grid::a1(self.nth as u32, self.right);
        }
        let hits = book.sheet(self.sheet).find_all(self.label);
        let (r, c) = *hits
            .get(self.nth)
            .unwrap_or_else(|| panic!("{} has no “{}” #{}", self.sheet, self.label, self.nth));
        grid::a1(r, c + self.right)
    }
}

struct Case {
    name: &'static str,
    /// Cells to set, with their new numbers.
    edits: Vec<(At, &'static str)>,
    form: &'static str,
    rule: &'static str,
    severity: &'static str,
    /// The cell the finding must name.
    cell: At,
}

fn run(case: Case) {
    let mut book = seed();
    for (where_, value) in &case.edits {
        let a1 = where_.a1(&book);
        book.sheet_mut(where_.sheet).set(&a1, GridCell::num(value));
    }
    let (code, after) = check(&book, case.name);
    let cell = case.cell.a1(&book);
    let expected = Expected {
        of: RuleOf {
            name: case.name,
            rule: case.rule,
            scope: Scope::Form(case.form),
        },
        sheet: None,
        cell: &cell,
        severity: case.severity,
    };
    mutation::assert_quiet(
        &expected.of,
        published_findings(),
        Quiet::InfosOnly,
        "the published seed",
    );
    mutation::assert_fires(&expected, code, &after);
}

const F01: &str = "公开01表";
const F02: &str = "公开02表";
const F03: &str = "公开03表";
const F04: &str = "公开04表";
const F05: &str = "公开05表";
const F06: &str = "公开06表";
const F07: &str = "公开07表";
const F08: &str = "公开08表";
const F09: &str = "公开09表";

#[test]
fn final_01_totals() {
    run(Case {
        name: "f01-income-total",
        edits: vec![(at(F01, "本年收入合计", 2), "600")],
        form: "final-01",
        rule: "income-total",
        severity: "error",
        cell: at(F01, "本年收入合计", 2),
    });
    run(Case {
        name: "f01-income-grand",
        edits: vec![(at(F01, "总计", 2), "600")],
        form: "final-01",
        rule: "income-grand-total",
        severity: "error",
        cell: at(F01, "总计", 2),
    });
    run(Case {
        name: "f01-exp-total",
        edits: vec![(at(F01, "本年支出合计", 2), "600")],
        form: "final-01",
        rule: "expenditure-total",
        severity: "error",
        cell: at(F01, "本年支出合计", 2),
    });
    run(Case {
        name: "f01-exp-grand",
        edits: vec![(at(F01, "总计", 2).nth(1), "600")],
        form: "final-01",
        rule: "expenditure-grand-total",
        severity: "error",
        cell: at(F01, "总计", 2).nth(1),
    });
}

#[test]
fn final_01_balance_and_cross_table_checks() {
    // 年初结转和结余 10 carried into 收入总计, the expenditure side unchanged.
    run(Case {
        name: "f01-balance",
        edits: vec![
            (at(F01, "年初结转和结余", 2), "10"),
            (at(F01, "总计", 2), "536.36"),
        ],
        form: "final-01",
        rule: "balance",
        severity: "error",
        cell: at(F01, "总计", 2),
    });
    // 其他收入 10 with its totals: no longer what 公开02表 shows.
    run(Case {
        name: "f01-vs-02",
        edits: vec![
            (at(F01, "八、其他收入", 2), "10"),
            (at(F01, "本年收入合计", 2), "536.36"),
            (at(F01, "总计", 2), "536.36"),
        ],
        form: "final-01",
        rule: "income-vs-final-02",
        severity: "error",
        cell: at(F01, "本年收入合计", 2),
    });
    run(Case {
        name: "f01-vs-04",
        edits: vec![(at(F01, "二、政府性基金预算财政拨款收入", 2), "5")],
        form: "final-01",
        rule: "appropriation-vs-final-04",
        severity: "error",
        cell: at(F01, "一、一般公共预算财政拨款收入", 2),
    });
    run(Case {
        name: "f01-vs-03",
        edits: vec![(at(F01, "二、外交支出", 2), "5")],
        form: "final-01",
        rule: "expenditure-vs-final-03",
        severity: "error",
        cell: at(F01, "本年支出合计", 2),
    });
    run(Case {
        name: "f01-class-vs-03",
        edits: vec![(at(F01, "八、社会保障和就业支出", 2), "40.00")],
        form: "final-01",
        rule: "class-vs-final-03",
        severity: "error",
        cell: at(F01, "八、社会保障和就业支出", 2),
    });
}

/// Each of 公开01表's other income lines is 公开02表's 合计 of its column: 10 put on one line
/// (its totals carried) fires that line's rule at its cell.
#[test]
fn final_01_income_lines_against_final_02_columns() {
    for (label, rule) in [
        ("四、上级补助收入", "superior-income-vs-final-02"),
        ("五、事业收入", "business-income-vs-final-02"),
        ("六、经营收入", "operating-income-vs-final-02"),
        ("七、附属单位上缴收入", "affiliated-income-vs-final-02"),
        ("八、其他收入", "other-income-vs-final-02"),
    ] {
        run(Case {
            name: rule,
            edits: vec![
                (at(F01, label, 2), "10"),
                (at(F01, "本年收入合计", 2), "536.36"),
                (at(F01, "总计", 2), "536.36"),
            ],
            form: "final-01",
            rule,
            severity: "error",
            cell: at(F01, label, 2),
        });
    }
}

#[test]
fn code_keyed_tables_rows_and_hierarchy() {
    run(Case {
        name: "f02-row",
        edits: vec![(at(F02, "2010499", 2), "19.80")],
        form: "final-02",
        rule: "row-total",
        severity: "error",
        cell: at(F02, "2010499", 2),
    });
    run(Case {
        name: "f02-hier",
        edits: vec![(at(F02, "20805", 3), "40.00")],
        form: "final-02",
        rule: "hierarchy",
        severity: "error",
        cell: at(F02, "20805", 3),
    });
    run(Case {
        name: "f02-vs-01",
        edits: vec![(at(F02, "2101102", 3), "20.00")],
        form: "final-02",
        rule: "appropriation-vs-final-01",
        severity: "error",
        cell: at(F02, "合计", 3),
    });
    run(Case {
        name: "f03-row",
        edits: vec![(at(F03, "2080505", 3), "30.00")],
        form: "final-03",
        rule: "row-total",
        severity: "error",
        cell: at(F03, "2080505", 2),
    });
    run(Case {
        name: "f03-hier",
        edits: vec![(at(F03, "2080505", 3), "30.00")],
        form: "final-03",
        rule: "hierarchy",
        severity: "error",
        cell: at(F03, "20805", 3),
    });
    run(Case {
        name: "f05-row",
        edits: vec![(at(F05, "2210201", 3), "20.00")],
        form: "final-05",
        rule: "row-total",
        severity: "error",
        cell: at(F05, "2210201", 2),
    });
    run(Case {
        name: "f05-hier",
        edits: vec![(at(F05, "2210201", 3), "20.00")],
        form: "final-05",
        rule: "hierarchy",
        severity: "error",
        cell: at(F05, "22102", 3),
    });
}

#[test]
fn hierarchy_of_column_one_reports_the_published_rounding_as_info() {
    // 公开02表's 类 rows add to 526.35 under a 合计 of 526.36: the rule reads column 1 too.
    let (_, found) = check(&seed(), "f02-hier-c1");
    let book = seed();
    let total = at(F02, "合计", 2).a1(&book);
    assert!(
        found.iter().any(|f| f["form"] == "final-02"
            && f["rule"] == "hierarchy-c1"
            && f["cell"] == total.as_str()
            && f["severity"] == "info"),
        "{found:#?}"
    );
}

#[test]
fn final_04_totals_balance_and_appropriation_columns() {
    run(Case {
        name: "f04-income",
        edits: vec![(at(F04, "本年收入合计", 2), "600")],
        form: "final-04",
        rule: "income-total",
        severity: "error",
        cell: at(F04, "本年收入合计", 2),
    });
    run(Case {
        name: "f04-carry",
        edits: vec![(at(F04, "年初财政拨款结转和结余", 2), "5")],
        form: "final-04",
        rule: "carry-over",
        severity: "error",
        cell: at(F04, "年初财政拨款结转和结余", 2),
    });
    run(Case {
        name: "f04-grand",
        edits: vec![(at(F04, "总计", 2), "600")],
        form: "final-04",
        rule: "income-grand-total",
        severity: "error",
        cell: at(F04, "总计", 2),
    });
    run(Case {
        name: "f04-row",
        edits: vec![(at(F04, "九、卫生健康支出", 2), "30.00")],
        form: "final-04",
        rule: "row-total",
        severity: "error",
        cell: at(F04, "九、卫生健康支出", 2),
    });
    run(Case {
        name: "f04-exp",
        edits: vec![(at(F04, "本年支出合计", 3), "600")],
        form: "final-04",
        rule: "expenditure-total",
        severity: "error",
        cell: at(F04, "本年支出合计", 3),
    });
    run(Case {
        name: "f04-exp-grand",
        edits: vec![(at(F04, "总计", 3).nth(1), "600")],
        form: "final-04",
        rule: "expenditure-grand-total",
        severity: "error",
        cell: at(F04, "总计", 3).nth(1),
    });
    run(Case {
        name: "f04-balance",
        edits: vec![
            (at(F04, "一般公共预算财政拨款", 2).nth(1), "10"),
            (at(F04, "年初财政拨款结转和结余", 2), "10"),
            (at(F04, "总计", 2), "536.36"),
        ],
        form: "final-04",
        rule: "balance",
        severity: "error",
        cell: at(F04, "总计", 2),
    });
    // Each fund balances on its own: 年末 of one fund wrong, or a fund's income without its
    // spending.
    run(Case {
        name: "f04-gpb-balance",
        edits: vec![(at(F04, "年末财政拨款结转和结余", 3), "5")],
        form: "final-04",
        rule: "gpb-balance",
        severity: "error",
        cell: at(F04, "一般公共预算财政拨款", 2).nth(1),
    });
    run(Case {
        name: "f04-gf-balance",
        edits: vec![(at(F04, "二、政府性基金预算财政拨款", 2), "5")],
        form: "final-04",
        rule: "gf-balance",
        severity: "error",
        // The check names its first cell, 年初 of the fund (行30, C36).
        cell: at(F04, "", 2).nth(35),
    });
    run(Case {
        name: "f04-soe-balance",
        edits: vec![(at(F04, "年末财政拨款结转和结余", 5), "2.5")],
        form: "final-04",
        rule: "soe-balance",
        severity: "error",
        cell: at(F04, "", 2).nth(36),
    });
    run(Case {
        name: "f04-gpb-05",
        edits: vec![(at(F04, "五、教育支出", 3), "5")],
        form: "final-04",
        rule: "gpb-vs-final-05",
        severity: "error",
        cell: at(F04, "本年支出合计", 3),
    });
    run(Case {
        name: "f04-gpb-class-05",
        edits: vec![(at(F04, "五、教育支出", 3), "5")],
        form: "final-04",
        rule: "gpb-class-vs-final-05",
        severity: "error",
        cell: at(F04, "五、教育支出", 3),
    });
    run(Case {
        name: "f04-gf-07",
        edits: vec![(at(F04, "十一、城乡社区支出", 4), "5")],
        form: "final-04",
        rule: "gf-vs-final-07",
        severity: "error",
        cell: at(F04, "本年支出合计", 4),
    });
    run(Case {
        name: "f04-gf-class-07",
        edits: vec![(at(F04, "十一、城乡社区支出", 4), "5")],
        form: "final-04",
        rule: "gf-class-vs-final-07",
        severity: "error",
        cell: at(F04, "十一、城乡社区支出", 4),
    });
    run(Case {
        name: "f04-soe-08",
        edits: vec![(at(F04, "二十一、国有资本经营预算支出", 5), "5")],
        form: "final-04",
        rule: "soe-vs-final-08",
        severity: "error",
        cell: at(F04, "本年支出合计", 5),
    });
    run(Case {
        name: "f04-soe-class-08",
        edits: vec![(at(F04, "二十一、国有资本经营预算支出", 5), "5")],
        form: "final-04",
        rule: "soe-class-vs-final-08",
        severity: "error",
        cell: at(F04, "二十一、国有资本经营预算支出", 5),
    });
}

/// 公开05表 is the 一般公共预算 part of 公开03表's spending: a 科目 of 05 above the same 科目 on
/// 03 (03's row lowered under it, its 合计 with it) fires at 05's cell, in each of the three
/// columns.
#[test]
fn final_05_within_final_03() {
    for (code, right, rule) in [
        ("2010450", 2, "within-final-03"),
        ("2010450", 3, "basic-within-final-03"),
        ("2010499", 4, "project-within-final-03"),
    ] {
        let part = if right == 2 { 3 } else { right };
        run(Case {
            name: rule,
            edits: vec![(at(F03, code, 2), "0.80"), (at(F03, code, part), "0.80")],
            form: "final-05",
            rule,
            severity: "error",
            cell: at(F05, code, right),
        });
    }
}

#[test]
fn final_05_against_final_06() {
    run(Case {
        name: "f05-vs-06",
        edits: vec![(at(F06, "30101", 2), "95.62")],
        form: "final-05",
        rule: "basic-vs-final-06",
        severity: "error",
        cell: at(F05, "合计", 2),
    });
}

#[test]
fn final_06_groups_totals_and_three_public_expenses() {
    run(Case {
        name: "f06-staff",
        edits: vec![(at(F06, "30102", 2), "41.48")],
        form: "final-06",
        rule: "staff-groups",
        severity: "error",
        cell: at(F06, "301", 2),
    });
    run(Case {
        name: "f06-goods",
        edits: vec![(at(F06, "30201", 2), "28.52")],
        form: "final-06",
        rule: "goods-groups",
        severity: "error",
        cell: at(F06, "302", 2),
    });
    run(Case {
        name: "f06-capital",
        edits: vec![(at(F06, "31002", 2), "14.19")],
        form: "final-06",
        rule: "capital-groups",
        severity: "error",
        cell: at(F06, "310", 2),
    });
    run(Case {
        name: "f06-staff-total",
        edits: vec![(at(F06, "人员经费合计", 2), "300")],
        form: "final-06",
        rule: "staff-total",
        severity: "error",
        cell: at(F06, "人员经费合计", 2),
    });
    run(Case {
        name: "f06-public-total",
        edits: vec![(at(F06, "公用经费合计", 5), "200")],
        form: "final-06",
        rule: "public-total",
        severity: "error",
        cell: at(F06, "公用经费合计", 5),
    });
    run(Case {
        name: "f06-abroad",
        edits: vec![(at(F06, "30212", 2), "3.00")],
        form: "final-06",
        rule: "abroad-vs-final-09",
        severity: "warning",
        cell: at(F06, "30212", 2),
    });
    run(Case {
        name: "f06-car-run",
        edits: vec![(at(F06, "30231", 2), "15.00")],
        form: "final-06",
        rule: "car-running-vs-final-09",
        severity: "warning",
        cell: at(F06, "30231", 2),
    });
    run(Case {
        name: "f06-car-buy",
        edits: vec![(at(F06, "31013", 2), "20.00")],
        form: "final-06",
        rule: "car-purchase-vs-final-09",
        severity: "warning",
        cell: at(F06, "31013", 2),
    });
    run(Case {
        name: "f06-reception",
        edits: vec![(at(F06, "30217", 2), "2.35")],
        form: "final-06",
        rule: "reception-vs-final-09",
        severity: "warning",
        cell: at(F06, "30217", 2),
    });
}

#[test]
fn final_07_and_08_columns_and_hierarchy() {
    // The empty tables get amounts in their 合计 rows that the columns do not support.
    // 合计 sits in column B; columns 1–6 follow in C–H.
    run(Case {
        name: "f07-sub",
        edits: vec![(at(F07, "合计", 3), "5")],
        form: "final-07",
        rule: "expenditure-subtotal",
        severity: "error",
        cell: at(F07, "合计", 3),
    });
    run(Case {
        name: "f07-close",
        edits: vec![(at(F07, "合计", 6), "5")],
        form: "final-07",
        rule: "closing-balance",
        severity: "error",
        cell: at(F07, "合计", 6),
    });
    run(Case {
        name: "f07-hier",
        edits: vec![(at(F07, "合计", 2), "5")],
        form: "final-07",
        rule: "hierarchy",
        severity: "error",
        cell: at(F07, "合计", 2),
    });
    // In 公开08表 the column header 合计 comes first; the 合计 row is the second “合计”.
    run(Case {
        name: "f08-row",
        edits: vec![(at(F08, "合计", 1).nth(1), "5")],
        form: "final-08",
        rule: "row-total",
        severity: "error",
        cell: at(F08, "合计", 1).nth(1),
    });
    run(Case {
        name: "f08-hier",
        edits: vec![(at(F08, "合计", 2).nth(1), "5")],
        form: "final-08",
        rule: "hierarchy",
        severity: "error",
        cell: at(F08, "合计", 2).nth(1),
    });
}

#[test]
fn final_09_totals_of_both_halves() {
    // The one data row is row 8 (A8:L8): 预算数 合计 … 公务接待费, then 决算数 likewise.
    let data_row = |col: u16| At {
        sheet: F09,
        label: "",
        nth: 7,
        right: col,
    };
    run(Case {
        name: "f09-budget",
        edits: vec![(data_row(0), "20")],
        form: "final-09",
        rule: "budget-total",
        severity: "error",
        cell: data_row(0),
    });
    run(Case {
        name: "f09-budget-car",
        edits: vec![(data_row(2), "20")],
        form: "final-09",
        rule: "budget-car",
        severity: "error",
        cell: data_row(2),
    });
    run(Case {
        name: "f09-actual",
        edits: vec![(data_row(6), "20")],
        form: "final-09",
        rule: "actual-total",
        severity: "error",
        cell: data_row(6),
    });
    run(Case {
        name: "f09-actual-car",
        edits: vec![(data_row(8), "20")],
        form: "final-09",
        rule: "actual-car",
        severity: "error",
        cell: data_row(8),
    });
}

#[test]
fn empty_table_without_its_note_is_an_error() {
    let mut book = seed();
    let sheet = book.sheet_mut(F07);
    let (r, c) = sheet
        .find("本单位没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。")
        .expect("空表说明");
    sheet.set(&grid::a1(r, c), GridCell::Empty);
    let (code, found) = check(&book, "f07-no-note");
    assert_eq!(code, 1);
    assert!(
        found.iter().any(|f| f["form"] == "final-07"
            && f["rule"] == "empty-table-note"
            && f["severity"] == "error"),
        "{found:#?}"
    );
}

#[test]
fn a_child_without_its_parent_and_a_renamed_code_are_errors() {
    let mut book = seed();
    let sheet = book.sheet_mut(F03);
    let (r, c) = sheet.find("20805").unwrap();
    sheet.set(&grid::a1(r, c), GridCell::text("20806"));
    let (r2, c2) = sheet.find("2101102").unwrap();
    sheet.set(&grid::a1(r2, c2 + 1), GridCell::text("行政单位医疗"));
    let (_, found) = check(&book, "f03-orphan");
    let orphan = found
        .iter()
        .find(|f| f["form"] == "final-03" && f["rule"] == "parent-code-missing")
        .expect("orphan");
    assert!(
        orphan["message"].as_str().unwrap().contains("20805"),
        "{orphan:#?}"
    );
    let renamed = found
        .iter()
        .find(|f| f["form"] == "final-03" && f["rule"] == "code-name")
        .expect("code-name");
    assert_eq!(renamed["found"], "行政单位医疗");
    assert_eq!(renamed["expected"], "事业单位医疗");
    assert_eq!(
        renamed["severity"], "warning",
        "a wording defect, not a wrong number"
    );
}

/// Every table names the same unit: seed 001 as published prints 株州市… on 公开04表 and
/// 株洲市… on the other eight, a warning at 公开04表's unit line; corrected, nothing.
#[test]
fn one_unit_name_on_every_table() {
    let published = seed();
    let (r, c) = published
        .sheet(F04)
        .find("部门：株州市长株潭一体化发展事务中心")
        .unwrap();
    let (_, findings) = check(&published, "unit-name-published");
    let hits: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "unit-name")
        .collect();
    assert_eq!(hits.len(), 1, "{findings:#?}");
    assert_eq!(hits[0]["form"], "final-04");
    assert_eq!(hits[0]["severity"], "warning");
    assert_eq!(hits[0]["cell"], grid::a1(r, c).as_str());
    assert_eq!(hits[0]["found"], "株州市长株潭一体化发展事务中心");
    assert_eq!(hits[0]["expected"], "株洲市长株潭一体化发展事务中心");
    let mut corrected = seed();
    corrected
        .sheet_mut(F04)
        .put(r, c, GridCell::text("部门：株洲市长株潭一体化发展事务中心"));
    let (_, findings) = check(&corrected, "unit-name-corrected");
    assert!(
        !findings.iter().any(|f| f["rule"] == "unit-name"),
        "{findings:#?}"
    );
}

/// Every table states the same 金额单位: seed 001 says 万元 on all nine (nothing to report);
/// 公开07表 turned to 元 is a warning at its unit line, naming the usual unit.
#[test]
fn one_money_unit_on_every_table() {
    let rule = "money-unit-consistent";
    let (_, published) = check(&seed(), "money-unit-published");
    assert!(
        !published.iter().any(|f| f["rule"] == rule),
        "{published:#?}"
    );
    let mut book = seed();
    let sheet = book.sheet(F07);
    let (r, c) = ["金额单位：万元", "金额单位: 万元"]
        .iter()
        .find_map(|t| sheet.find(t))
        .unwrap();
    book.sheet_mut(F07)
        .put(r, c, GridCell::text("金额单位：元"));
    let (_, findings) = check(&book, "money-unit-yuan");
    let hits: Vec<&Value> = findings.iter().filter(|f| f["rule"] == rule).collect();
    assert_eq!(hits.len(), 1, "{findings:#?}");
    assert_eq!(hits[0]["form"], "final-07");
    assert_eq!(hits[0]["severity"], "warning");
    assert_eq!(hits[0]["cell"], grid::a1(r, c).as_str());
    assert_eq!(hits[0]["found"], "元");
    assert_eq!(hits[0]["expected"], "万元");
}

/// A blank amount in a row of figures that the table's sums show to be zero is an info
/// suggesting 0.00 at that cell; the published seed, which writes its zeros, has none.
#[test]
fn a_blank_the_sums_show_to_be_zero_is_an_info() {
    let rule = "blank-is-zero";
    let (_, published) = check(&seed(), "blank-zero-published");
    assert!(
        !published.iter().any(|f| f["rule"] == rule),
        "{published:#?}"
    );
    let mut book = seed();
    let project = at(F03, "事业运行", 3).a1(&book);
    book.sheet_mut(F03).set(&project, GridCell::Empty);
    let (code, findings) = check(&book, "blank-zero-project");
    let hits: Vec<&Value> = findings.iter().filter(|f| f["rule"] == rule).collect();
    assert_eq!(hits.len(), 1, "{findings:#?}");
    assert_eq!(hits[0]["form"], "final-03");
    assert_eq!(hits[0]["severity"], "info");
    assert_eq!(hits[0]["cell"], project.as_str());
    assert_eq!(hits[0]["expected"], "0.00");
    assert!(hits[0]["message"].as_str().unwrap().contains("建议填 0.00"));
    assert_eq!(code, 0, "a blank zero is no error: {findings:#?}");
}

/// A dash, slash or 无 written for a zero is the clerk's way of printing "nothing", not a
/// blank: no info suggests 0.00 there, and a failing sum does not call it 未填写.
#[test]
fn a_placeholder_written_for_a_zero_is_not_a_blank() {
    for (i, mark) in ["-", "—", "——", "/", "无", "－"].into_iter().enumerate() {
        let mut book = seed();
        let project = at(F03, "事业运行", 3).a1(&book);
        book.sheet_mut(F03).set(&project, GridCell::text(mark));
        let (code, findings) = check(&book, &format!("placeholder-zero-{i}"));
        assert!(
            !findings.iter().any(|f| f["rule"] == "blank-is-zero"),
            "{mark}: {findings:#?}"
        );
        assert_eq!(code, 0, "{mark}: {findings:#?}");
        let basic = at(F03, "事业运行", 2).a1(&book);
        book.sheet_mut(F03).set(&basic, GridCell::text(mark));
        let (code, findings) = check(&book, &format!("placeholder-in-sum-{i}"));
        assert_eq!(code, 1, "{mark}: {findings:#?}");
        let total = at(F03, "事业运行", 1).a1(&book);
        let hit = findings
            .iter()
            .find(|f| f["cell"] == total.as_str() && f["severity"] == "error")
            .unwrap_or_else(|| panic!("{mark}: no error at {total}: {findings:#?}"));
        assert!(
            !hit["message"].as_str().unwrap().contains("未填写"),
            "{mark}: {hit:#?}"
        );
    }
}

/// The input amounts of the 项-level (seven-digit code) rows of `sheet` that are not zero,
/// past the row's first figure right of its code (its total): the parts the row's sum adds up.
fn nonzero_parts(book: &GridBook, sheet: &str) -> Vec<(u32, u16)> {
    let s = book.sheet(sheet);
    let leaf = |r: u32| {
        let code = s.cell(r, 0).squeezed();
        code.len() == 7 && code.chars().all(|c| c.is_ascii_digit())
    };
    let numbers = s.numbers();
    let first_of = |r: u32| numbers.iter().find(|n| n.0 == r && n.1 > 0).map(|n| n.1);
    numbers
        .iter()
        .filter(|(r, c, _)| leaf(*r) && *c > 0 && Some(*c) != first_of(*r))
        .filter(|(_, _, n)| n.chars().any(|d| ("123456789").contains(d)))
        .map(|(r, c, _)| (*r, *c))
        .collect()
}

/// A placeholder written for a figure of a sum that then fails is the likely culprit: the
/// failing sum names its cell as holding a placeholder counted as 0 (not as 未填写). Every
/// non-zero part of every 项 row of 公开03表 and 公开05表, each mark in turn.
#[test]
fn a_failing_sum_names_the_placeholder_it_counted_as_zero() {
    const MARKS: [&str; 5] = ["—", "/", "-", "——", "无"];
    let mut failed = Vec::new();
    let mut cases = 0;
    for sheet in [F03, F05] {
        for (i, (r, c)) in nonzero_parts(&seed(), sheet).into_iter().enumerate() {
            cases += 1;
            let mut book = seed();
            let mark = MARKS[(cases + i) % MARKS.len()];
            book.sheet_mut(sheet).put(r, c, GridCell::text(mark));
            let a1 = grid::a1(r, c);
            let (code, findings) = check(&book, &format!("placeholder-culprit-{sheet}-{a1}"));
            let messages: Vec<&str> = findings
                .iter()
                .filter(|f| f["severity"] == "error")
                .filter_map(|f| f["message"].as_str())
                .collect();
            let cell = format!("{sheet} {a1}（");
            let named = |m: &&str| m.contains(&cell) && m.contains("填的是表示无数额的符号");
            let blank = |m: &&str| m.contains(&cell) && m.contains("未填写");
            if code != 1 || !messages.iter().any(named) || messages.iter().any(blank) {
                failed.push(format!("{sheet} {a1} “{mark}”: {messages:#?}"));
            }
        }
    }
    mutation::assert_cases_passed(&failed, cases, 15);
}

/// A failing sum over many blank parts names five of them and counts the rest, so a message
/// over 公开06表's 27 商品和服务支出 rows is read at a glance: 1 to 10 of its zero rows left
/// blank, in a seeded order, with its total raised by 5.
#[test]
fn a_failing_sum_names_five_blank_parts_and_counts_the_rest() {
    let zeros = [
        "30204", "30208", "30209", "30212", "30214", "30215", "30218", "30224", "30225", "30240",
    ];
    let mut rng = xorshift::Xorshift(0xb1a4c);
    for blanks in 1..=zeros.len() {
        let mut book = seed();
        let mut left: Vec<&'static str> = zeros.to_vec();
        for _ in 0..blanks {
            let code = left.remove(rng.below(left.len()));
            let cell = at(F06, code, 2).a1(&book);
            book.sheet_mut(F06).set(&cell, GridCell::Empty);
        }
        let total = at(F06, "302", 2).a1(&book);
        book.sheet_mut(F06).set(&total, GridCell::num("208.40"));
        let (_, findings) = check(&book, &format!("many-blank-parts-{blanks}"));
        let hit = (findings.iter())
            .find(|f| f["cell"] == total.as_str() && f["severity"] == "error")
            .unwrap_or_else(|| panic!("{blanks}: no error at {total}: {findings:#?}"));
        let message = hit["message"].as_str().unwrap();
        let clause = message.split("；其中 ").nth(1).expect("the blank parts");
        let named = clause.matches("公开06表 ").count();
        assert_eq!(named, blanks.min(5), "{blanks}: {message}");
        let counted = format!("等 {blanks} 个单元格");
        assert_eq!(clause.contains(&counted), blanks > 5, "{blanks}: {message}");
    }
}

/// A blank that a failing sum reads is not taken for zero unsaid: the sum's finding names it
/// as blank, counted as 0.
#[test]
fn a_failing_sum_says_which_of_its_parts_were_blank() {
    let mut book = seed();
    let basic = at(F03, "事业运行", 2).a1(&book);
    book.sheet_mut(F03).set(&basic, GridCell::Empty);
    let (code, findings) = check(&book, "blank-part-of-sum");
    assert_eq!(code, 1, "{findings:#?}");
    let total = at(F03, "事业运行", 1).a1(&book);
    let hit = findings
        .iter()
        .find(|f| {
            f["form"] == "final-03" && f["cell"] == total.as_str() && f["severity"] == "error"
        })
        .unwrap_or_else(|| panic!("no error at {total}: {findings:#?}"));
    let message = hit["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("{basic}（")) && message.contains("未填写，按 0 计算"),
        "{hit:#?}"
    );
    assert!(
        !findings.iter().any(|f| f["rule"] == "blank-is-zero"),
        "a blank a failing sum needs is not shown to be zero: {findings:#?}"
    );
}

/// A table with figures must not say it has none: 公开07表 keeps its 无数据 note under a
/// filled 合计 (warning); empty, as published, the note is what it must say.
#[test]
fn a_note_saying_no_data_under_figures_is_a_warning() {
    let rule = "empty-note-with-figures";
    let (_, published) = check(&seed(), "no-data-note-published");
    assert!(
        !published.iter().any(|f| f["rule"] == rule),
        "{published:#?}"
    );
    let mut book = seed();
    let sheet = book.sheet_mut(F07);
    let (r, c) = sheet.find("合计").unwrap();
    sheet.put(r, c + 3, GridCell::num("12.00"));
    let (_, findings) = check(&book, "no-data-note-with-figures");
    let hits: Vec<&Value> = findings.iter().filter(|f| f["rule"] == rule).collect();
    assert_eq!(hits.len(), 1, "{findings:#?}");
    assert_eq!(hits[0]["form"], "final-07");
    assert_eq!(hits[0]["severity"], "warning");
    assert!(hits[0]["found"].as_str().unwrap().contains("故本表无数据"));
}

/// An amount entered negative is an error at its cell, except where the definition allows it
/// (年初 and 年末 balances, 结余分配): there it passes.
#[test]
fn a_negative_amount_is_an_error_where_the_form_has_none() {
    run(Case {
        name: "f02-negative-item",
        edits: vec![(at(F02, "事业运行", 3), "-5.00")],
        form: "final-02",
        rule: "negative-amount",
        severity: "error",
        cell: at(F02, "事业运行", 3),
    });
    let mut book = seed();
    let opening = at(F01, "年初结转和结余", 2).a1(&book);
    let closing = at(F01, "年末结转和结余", 2).a1(&book);
    for a1 in [&opening, &closing] {
        book.sheet_mut(F01).set(a1, GridCell::num("-3.00"));
    }
    let (_, after) = check(&book, "f01-negative-balances");
    let negative: Vec<&Value> = after
        .iter()
        .filter(|f| f["rule"] == "negative-amount")
        .collect();
    assert!(negative.is_empty(), "{negative:#?}");
}

/// An empty table's note copied from the other fund's table (公开08表's words under 公开07表)
/// is a warning; the published notes, and one naming both funds, are not.
#[test]
fn an_empty_tables_note_copied_from_another_table_is_a_warning() {
    let copied = |text: &str, name: &str| -> Vec<Value> {
        let mut book = seed();
        let sheet = book.sheet_mut(F07);
        let (r, c) = sheet
            .find("本单位没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。")
            .expect("公开07表's note");
        sheet.put(r, c, GridCell::text(text));
        let (_, found) = check(&book, name);
        found
            .into_iter()
            .filter(|f| f["rule"] == "empty-note-other-table")
            .collect()
    };
    let (_, published) = check(&seed(), "notes-published");
    assert!(!published
        .iter()
        .any(|f| f["rule"] == "empty-note-other-table"));
    let hit = copied(
        "本单位没有使用国有资本经营预算安排的支出，故本表无数据。",
        "note-from-08",
    );
    assert_eq!(hit.len(), 1, "{hit:#?}");
    assert_eq!(
        (hit[0]["form"].as_str(), hit[0]["severity"].as_str()),
        (Some("final-07"), Some("warning"))
    );
    assert!(hit[0]["message"].as_str().unwrap().contains("国有资本经营"));
    let both = copied(
        "本单位无政府性基金及国有资本经营预算收支，故本表无数据。",
        "note-both-funds",
    );
    assert!(both.is_empty(), "{both:#?}");
}

/// A 支出 row of 公开01表 labelled as its 收入 counterpart (the label copied across: 收入合计
/// on 行58, 收入总计 on 行62, 年初结转和结余 on 行60), one or several at once: its 行次 says which
/// row it is, and the findings are the published seed's.
#[test]
fn a_label_copied_from_the_other_side_yields_to_its_line_number() {
    let slips = [
        ("本年支出合计", "收入合计"),
        ("本年支出合计", "本年收入合计"),
        ("年末结转和结余", "年初结转和结余"),
        ("总计", "收入总计"),
        ("总计", "收入合计"),
    ];
    let key = |f: &Value| (f["cell"].clone(), f["rule"].clone(), f["severity"].clone());
    let published: Vec<_> = published_findings().iter().map(key).collect();
    for pick in 1..(1u32 << slips.len()) {
        // One slip per row: 总计 is copied one way at a time.
        if pick & 0b11 == 0b11 || pick & 0b11000 == 0b11000 {
            continue;
        }
        let mut book = seed();
        let sheet = book.sheet_mut("公开01表");
        for (i, (label, copied)) in slips.iter().enumerate() {
            if pick & (1 << i) == 0 {
                continue;
            }
            // The 支出 side's cell with that label: the last in the sheet (总计 is on both).
            let (r, c) = (0..sheet.rows.len() as u32)
                .flat_map(|r| (0..sheet.width()).map(move |c| (r, c)))
                .rfind(|&(r, c)| c > 1 && sheet.cell(r, c).as_str() == *label)
                .expect("the label on the 支出 side");
            sheet.put(r, c, GridCell::text(copied));
        }
        let (_, after) = check(&book, &format!("copied-label-{pick}"));
        let after: Vec<_> = after.iter().map(key).collect();
        assert_eq!(after, published, "slips {pick:05b}");
    }
}
