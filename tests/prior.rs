//! `check --prior LAST.xlsx`: seed 001 as this year against a made last year — an opening
//! balance that is not last year's closing one is an error naming both cells, per fund in
//! 公开04表 too; a “三公” item or a 类 that moved beyond 10% and 1 万元, or appeared from zero,
//! is a warning with both values; within the threshold, nothing. Seed 004's perf-base
//! 上年决算数 against a 决算 made from seed 001 with its figures: equal, nothing; off, an error
//! at the perf-base cell naming last year's; within 尾差, info; blank, an error saying so.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;

use cli::run;
use fiscalform::calc::Book;
use fiscalform::expr::Val;
use fiscalform::form::Catalog;
use fiscalform::load::recognize_book;
use grid::{fixture, GridBook, GridCell};
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn out(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("prior");
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// Where a form's cell (named as the definitions name cells) sits in seed 001's 决算, and its
/// value: (sheet, A1, value).
fn locate(form: &str, reference: &str) -> (String, String, Decimal) {
    locate_in(&fixture("seed001_final.grid"), form, reference)
}

/// Where a form's cell sits in `grid`, and its value: (sheet, A1, value).
fn locate_in(grid: &GridBook, form: &str, reference: &str) -> (String, String, Decimal) {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let catalog = Catalog::embedded().unwrap();
    // Tests run in parallel: each reading its own copy.
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = out(&format!("locate-{}-{n}.xlsx", std::process::id()));
    grid.write_xlsx(&path);
    let wb = fiscalform::read::read_workbook(&path).unwrap();
    let book = Book::new(recognize_book(&catalog, &wb).forms);
    let fi = book.form_index(form).unwrap();
    let cell = book.cell_named(fi, reference).unwrap();
    let data = &book.forms[fi].1;
    let at = data.origin.get(&cell.key()).unwrap().clone();
    let value = match book.input(&cell) {
        Val::Num(d) => d,
        _ => Decimal::ZERO,
    };
    (data.sheet.clone().unwrap(), at.to_string(), value)
}

fn set(book: &mut GridBook, (sheet, at, _): &(String, String, Decimal), v: Decimal) {
    book.sheet_mut(sheet)
        .set(at, GridCell::num(&format!("{:.2}", v.round_dp(2))));
}

/// Last year as seed 001 itself, its closing balances made this year's opening ones.
fn last_year() -> GridBook {
    let mut last = fixture("seed001_final.grid");
    for (form, this, then) in [
        ("final-01", "L29", "L60"),
        ("final-04", "L29", "L60.gpb"),
        ("final-04", "L30", "L60.gf"),
        ("final-04", "L31", "L60.soe"),
    ] {
        let opening = locate(form, this).2;
        set(&mut last, &locate(form, then), opening);
    }
    last
}

/// The prior-year findings of `check --prior` of seed 001 against `last`.
fn prior_findings(tag: &str, last: &GridBook) -> Vec<Value> {
    prior_findings_of(tag, &fixture("seed001_final.grid"), last)
}

/// The prior-year findings of `check --prior` of `this_year` against `last`.
fn prior_findings_of(tag: &str, this_year: &GridBook, last: &GridBook) -> Vec<Value> {
    let this = out(&format!("{tag}-2023.xlsx"));
    this_year.write_xlsx(&this);
    let last_path = out(&format!("{tag}-2022.xlsx"));
    last.write_xlsx(&last_path);
    let (code, text, err) = run(&[
        "check",
        "--format",
        "json",
        "--prior",
        last_path.to_str().unwrap(),
        this.to_str().unwrap(),
    ]);
    assert!(code <= 1, "{err}");
    let json: Value = serde_json::from_str(&text).unwrap();
    json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("prior-"))
        .cloned()
        .collect()
}

#[test]
fn last_years_closing_balances_as_this_years_opening_give_nothing() {
    assert_eq!(prior_findings("same", &last_year()), Vec::<Value>::new());
}

#[test]
fn a_closing_balance_that_is_not_this_years_opening_is_an_error_at_both_cells() {
    let mut last = last_year();
    let closing = locate("final-01", "L60");
    set(&mut last, &closing, closing.2 + Decimal::new(5, 0));
    let found = prior_findings("carry", &last);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (sheet, at, _) = locate("final-01", "L29");
    let f = &found[0];
    assert_eq!(
        (f["rule"].as_str(), f["severity"].as_str()),
        (Some("prior-carry"), Some("error"))
    );
    assert_eq!(
        (f["sheet"].as_str().unwrap(), f["cell"].as_str().unwrap()),
        (sheet.as_str(), at.as_str())
    );
    let last_cell = format!("carry-2022.xlsx {}!{}", closing.0, closing.1);
    assert_eq!(f["related"], serde_json::json!([last_cell]));
    assert!(
        f["message"].as_str().unwrap().contains("相差 -5.00"),
        "{f:#}"
    );
}

#[test]
fn each_fund_of_final_04_carries_over_on_its_own() {
    let mut last = last_year();
    let gf = locate("final-04", "L60.gf");
    set(&mut last, &gf, gf.2 + Decimal::new(3, 0));
    let found = prior_findings("fund", &last);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["cell"], locate("final-04", "L30").1.as_str());
    assert!(found[0]["message"].as_str().unwrap().contains("政府性基金"));
}

#[test]
fn a_sangong_item_up_thirty_percent_is_a_warning_and_five_percent_is_nothing() {
    // The largest 三公 item of seed 001, so that 30% of it is over 1 万元.
    let items = ["data.c8", "data.c10", "data.c11", "data.c12"].map(|c| locate("final-09", c));
    let item = items.iter().max_by_key(|i| i.2).unwrap().clone();
    assert!(item.2 > Decimal::new(4, 0), "{item:?}");

    let mut last = last_year();
    set(&mut last, &item, item.2 / Decimal::new(13, 1));
    let found = prior_findings("up30", &last);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(
        (f["rule"].as_str(), f["severity"].as_str()),
        (Some("prior-change"), Some("warning"))
    );
    assert_eq!(f["cell"], item.1.as_str());
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("增加") && message.contains("（30%）"),
        "{message}"
    );
    assert_eq!(f["found"], format!("{:.2}", item.2).as_str());

    let mut last = last_year();
    set(&mut last, &item, item.2 / Decimal::new(105, 2));
    assert_eq!(prior_findings("up5", &last), Vec::<Value>::new());
}

#[test]
fn a_class_that_appears_from_zero_is_a_warning() {
    let class = locate("final-03", "[201].c1");
    assert!(class.2 > Decimal::ONE, "{class:?}");
    let mut last = last_year();
    set(&mut last, &class, Decimal::ZERO);
    let found = prior_findings("new-class", &last);
    let hit: Vec<&Value> = found
        .iter()
        .filter(|f| f["cell"] == class.1.as_str())
        .collect();
    assert_eq!(hit.len(), 1, "{found:#?}");
    assert!(hit[0]["message"]
        .as_str()
        .unwrap()
        .contains("上年为 0，本年新增"));
}

#[test]
fn an_unreadable_prior_file_cannot_run() {
    let this = out("alone.xlsx");
    fixture("seed001_final.grid").write_xlsx(&this);
    let (code, text, err) = run(&["check", "--prior", "不存在.xlsx", this.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(text.is_empty());
    assert!(err.contains("无法读取上年的工作簿"), "{err}");
}

#[test]
fn every_prior_and_figure_reference_of_the_definitions_names_a_cell() {
    let catalog = Catalog::embedded().unwrap();
    for form in &catalog.forms {
        let path = out(&format!("template-{}.xlsx", form.id));
        run(&["template", &form.id, "-o", path.to_str().unwrap()]);
        let wb = fiscalform::read::read_workbook(Path::new(&path)).unwrap();
        let book = Book::new(recognize_book(&catalog, &wb).forms);
        let fi = book.form_index(&form.id).unwrap();
        let refs = form
            .prior
            .carry
            .iter()
            .flat_map(|c| [&c.this, &c.last])
            .chain(form.prior.published.iter().map(|p| &p.this))
            .chain(form.figures.iter().map(|f| &f.cell));
        for r in refs {
            assert!(book.cell_named(fi, r).is_ok(), "{}: {r}", form.id);
        }
        for p in &form.prior.published {
            let path = out(&format!("template-{}-of-{}.xlsx", p.form, form.id));
            run(&["template", &p.form, "-o", path.to_str().unwrap()]);
            let wb = fiscalform::read::read_workbook(Path::new(&path)).unwrap();
            let last = Book::new(recognize_book(&catalog, &wb).forms);
            let li = last.form_index(&p.form).expect(&p.form);
            assert!(
                last.cell_named(li, &p.last).is_ok(),
                "{}: {}",
                p.form,
                p.last
            );
        }
    }
}

#[test]
fn a_prior_file_of_another_year_than_the_one_before_is_a_warning() {
    let year_file = |y: &str| {
        let p = out(&format!("template-{y}.xlsx"));
        run(&[
            "template",
            "--family",
            "final",
            "--year",
            y,
            "-o",
            p.to_str().unwrap(),
        ]);
        p
    };
    let this = year_file("2023");
    let rules = |last: &Path| -> Vec<String> {
        rules_against(&this, last)
            .into_iter()
            .filter(|r| r.starts_with("prior-"))
            .collect()
    };
    assert_eq!(rules(&year_file("2022")), Vec::<String>::new());
    assert_eq!(rules(&year_file("2021")), ["prior-year"]);
}

/// perf-base 上年决算数 and the 决算 cells they restate (三公 of 公开09表, 项目支出 of 公开03表,
/// 302 商品和服务支出 of 公开06表, which perf-base's note says its 公用经费 is).
const RESTATED: [(&str, &str, &str); 8] = [
    ("sangong.prev", "final-09", "data.c7"),
    ("car.prev", "final-09", "data.c9"),
    ("car_buy.prev", "final-09", "data.c10"),
    ("car_run.prev", "final-09", "data.c11"),
    ("abroad.prev", "final-09", "data.c8"),
    ("reception.prev", "final-09", "data.c12"),
    ("project.prev", "final-03", "total.c3"),
    ("public.prev", "final-06", "[302].amount"),
];

/// Last year's 决算: seed 001 with the figures seed 004's perf-base states as 上年决算数.
fn last_final_of_seed004() -> GridBook {
    let perf = fixture("seed004_perf.grid");
    let mut last = fixture("seed001_final.grid");
    for (this, form, then) in RESTATED {
        let stated = locate_in(&perf, "perf-base", this).2;
        set(&mut last, &locate(form, then), stated);
    }
    last
}

/// The prior findings of seed 004 (after `edit`) against `last`.
fn perf_findings(tag: &str, last: &GridBook, edit: impl FnOnce(&mut GridBook)) -> Vec<Value> {
    let mut perf = fixture("seed004_perf.grid");
    edit(&mut perf);
    prior_findings_of(tag, &perf, last)
}

#[test]
fn perf_base_prior_year_figures_as_last_years_final_give_nothing() {
    let found = perf_findings("perf-same", &last_final_of_seed004(), |_| {});
    assert_eq!(found, Vec::<Value>::new());
}

#[test]
fn a_perf_base_prior_year_figure_off_last_years_final_is_an_error_at_its_cell() {
    let mut last = last_final_of_seed004();
    let public = locate_in(&last, "final-06", "[302].amount");
    set(&mut last, &public, public.2 + Decimal::new(3, 0));
    let found = perf_findings("perf-off", &last, |_| {});
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    let (sheet, at, stated) = locate_in(&fixture("seed004_perf.grid"), "perf-base", "public.prev");
    assert_eq!(
        (f["rule"].as_str(), f["severity"].as_str()),
        (Some("prior-final"), Some("error"))
    );
    assert_eq!(
        (f["sheet"].as_str().unwrap(), f["cell"].as_str().unwrap()),
        (sheet.as_str(), at.as_str())
    );
    assert_eq!(
        f["expected"],
        format!("{:.2}", stated + Decimal::new(3, 0)).as_str()
    );
    assert_eq!(f["found"], format!("{stated:.2}").as_str());
    let last_cell = format!("perf-off-2022.xlsx {}!{}", public.0, public.1);
    assert_eq!(f["related"], serde_json::json!([last_cell]));
    assert!(
        f["message"].as_str().unwrap().contains("相差 -3.00"),
        "{f:#}"
    );
}

#[test]
fn a_perf_base_prior_year_figure_within_rounding_is_info() {
    let mut last = last_final_of_seed004();
    let project = locate_in(&last, "final-03", "total.c3");
    set(&mut last, &project, project.2 + Decimal::new(1, 2));
    let found = perf_findings("perf-tail", &last, |_| {});
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0]["rule"].as_str(), found[0]["severity"].as_str()),
        (Some("prior-final"), Some("info"))
    );
    assert!(found[0]["message"].as_str().unwrap().contains("尾差"));
}

#[test]
fn a_blank_perf_base_prior_year_figure_is_an_error_saying_it_is_blank() {
    let public = locate_in(&fixture("seed004_perf.grid"), "perf-base", "public.prev");
    let found = perf_findings("perf-blank", &last_final_of_seed004(), |perf| {
        perf.sheet_mut(&public.0).set(&public.1, GridCell::Empty)
    });
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["cell"], public.1.as_str());
    assert_eq!(found[0]["severity"], "error");
    assert!(found[0]["message"].as_str().unwrap().contains("未填写"));
}

#[test]
fn a_final_of_another_year_than_the_one_before_the_perf_is_a_warning() {
    let rules = |year: &str| -> Vec<String> {
        let last = out(&format!("perf-final-{year}.xlsx"));
        run(&[
            "template",
            "--family",
            "final",
            "--year",
            year,
            "-o",
            last.to_str().unwrap(),
        ]);
        let this = out(&format!("perf-year-{year}.xlsx"));
        fixture("seed004_perf.grid").write_xlsx(&this);
        rules_against(&this, &last)
            .into_iter()
            .filter(|r| r == "prior-year")
            .collect()
    };
    assert_eq!(rules("2022"), Vec::<String>::new());
    assert_eq!(rules("2021"), ["prior-year"]);
}

/// The rule of every finding of `check --prior last this`.
fn rules_against(this: &Path, last: &Path) -> Vec<String> {
    let (_, text, err) = run(&[
        "check",
        "--format",
        "json",
        "--prior",
        last.to_str().unwrap(),
        this.to_str().unwrap(),
    ]);
    let json: Value = serde_json::from_str(&text).expect(&err);
    json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}
