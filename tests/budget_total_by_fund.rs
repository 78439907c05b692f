//! The 财政拨款收支预算总表 as Shanghai prints it (部门公开表04 of other places): income rows
//! named by fund (一、一般公共预算 …) under 预算数, then 收入总计, with neither 一、本年收入 nor
//! 一、本年支出. Generated over the seed's and two published units' figures × wordings × alone
//! or beside a 政府性基金 table: read as budget-04, every figure in its cell, no error where
//! the figures balance, one where 收入总计 is changed. And a title saying 预算 is never
//! taken for a 决算 form, nor the reverse, for every form's title alone in a workbook.

#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;

use fiscalform::calc::{compute, Book, Mode};
use fiscalform::check::audit;
use fiscalform::expr::Val;
use fiscalform::findings::Finding;
use fiscalform::form::{Catalog, Family, Form, Severity};
use fiscalform::load::recognize_book;
use fiscalform::model::FormData;
use grid::{GridBook, GridCell, GridSheet};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::OnceLock;

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::embedded().unwrap())
}

/// One expenditure class row: its 类 code, name and its 一般公共预算, 政府性基金预算 and
/// 国有资本经营预算 figures (None: printed blank).
struct Class {
    code: &'static str,
    name: &'static str,
    funds: [Option<&'static str>; 3],
}

/// A unit's figures: the money unit, the three income figures by fund and the classes.
struct Figures {
    who: &'static str,
    unit: &'static str,
    income: [Option<&'static str>; 3],
    classes: Vec<Class>,
}

/// Three figures from "a b c", `-` for a blank.
fn three(spec: &'static str) -> [Option<&'static str>; 3] {
    let mut it = spec.split_whitespace().map(|v| (v != "-").then_some(v));
    [(); 3].map(|_| it.next().flatten())
}

/// Figures from "income: a b c" then one "code name a b c" per class, `;` between lines.
fn figures(who: &'static str, unit: &'static str, spec: &'static str) -> Figures {
    let mut lines = spec.split(';').map(str::trim);
    let income = three(lines.next().unwrap());
    let classes = lines
        .map(|line| {
            let mut words = line.splitn(3, ' ');
            let (code, name) = (words.next().unwrap(), words.next().unwrap());
            let funds = three(words.next().unwrap());
            Class { code, name, funds }
        })
        .collect();
    Figures {
        who,
        unit,
        income,
        classes,
    }
}

/// The seed's (长沙, 万元) and the two published Shanghai tables' (元).
fn figure_sets() -> Vec<Figures> {
    vec![
        figures("seed002", "万元", "938.91 - -; 201 一般公共服务支出 938.91 - -"),
        figures(
            "普陀区司法局",
            "元",
            "96282213.44 0 0; 204 公共安全支出 87267272.44 - -; 208 社会保障和就业支出 3343704 - -; \
             210 卫生健康支出 1149678 - -; 221 住房保障支出 4521559 - -",
        ),
        figures(
            "普陀区建设和管理委员会",
            "元",
            "493761082.2 2792857000 -; 208 社会保障和就业支出 16067196.24 0 0; \
             210 卫生健康支出 4484631.6 0 0; 212 城乡社区支出 389859265.16 2792857000 0; \
             213 农林水支出 15950000 0 0; 215 资源勘探工业信息等支出 62000000 0 0; \
             221 住房保障支出 5399989.2 0 0",
        ),
    ]
}

/// How the income rows are worded, by fund (万里街道's 2025 budget: 一般公共预算资金,
/// 政府性基金 without 预算).
const WORDINGS: [[&str; 3]; 4] = [
    [
        "一、一般公共预算",
        "二、政府性基金预算",
        "三、国有资本经营预算",
    ],
    [
        "一、一般公共预算资金",
        "二、政府性基金",
        "三、国有资本经营预算",
    ],
    [
        "一、一般公共预算拨款",
        "二、政府性基金预算拨款",
        "三、国有资本经营预算拨款",
    ],
    [
        "一般公共预算拨款收入",
        "政府性基金预算拨款收入",
        "国有资本经营预算拨款收入",
    ],
];

const TITLES: [&str; 2] = [
    "2026年部门财政拨款收支预算总表",
    "2026年财政拨款收支预算总表",
];

const ORDINALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn num(d: Decimal) -> GridCell {
    GridCell::num(&d.normalize().to_string())
}

fn cell(v: Option<&str>) -> GridCell {
    v.map_or(GridCell::Empty, |v| num(dec(v)))
}

fn text(t: &str) -> GridCell {
    GridCell::text(t)
}

/// The sum of what `figures` gives, blanks as 0.
fn sum<'a>(figures: impl Iterator<Item = &'a Option<&'a str>>) -> Decimal {
    figures.flatten().map(|v| dec(v)).sum()
}

/// The table in Shanghai's shape: title, 编制部门 and unit, 财政拨款收入/支出, the header,
/// income rows beside the classes, 收入总计 beside 支出总计. `bump` is added to 收入总计 (a
/// figure changed).
fn shanghai_04(f: &Figures, wording: &[&str; 3], title: &str, bump: Decimal) -> GridSheet {
    let mut s = GridSheet::new(title.trim_start_matches("2026年"));
    s.rows.push(vec![text(title)]);
    let mut unit_line = vec![text("编制部门：上海市某区某局")];
    unit_line.resize(6, GridCell::Empty);
    unit_line.push(text(&format!("单位：{}", f.unit)));
    s.rows.push(unit_line);
    s.rows.push(vec![
        text("财政拨款收入"),
        GridCell::Empty,
        text("财政拨款支出"),
    ]);
    let header = [
        "项目",
        "预算数",
        "项目",
        "合计",
        "一般公共预算",
        "政府性基金预算",
        "国有资本经营预算",
    ];
    s.rows.push(header.iter().map(|h| text(h)).collect());
    let lines = f.classes.len().max(3);
    for (i, ordinal) in ORDINALS.iter().enumerate().take(lines) {
        let mut row = match (wording.get(i), f.income.get(i)) {
            (Some(label), Some(v)) => vec![text(label), cell(*v)],
            _ => vec![GridCell::Empty, GridCell::Empty],
        };
        if let Some(c) = f.classes.get(i) {
            row.push(text(&format!("{ordinal}、{}", c.name)));
            row.push(num(sum(c.funds.iter())));
            row.extend(c.funds.iter().map(|v| cell(*v)));
        }
        s.rows.push(row);
    }
    let total = sum(f.income.iter());
    let mut last = vec![
        text("收入总计"),
        num(total + bump),
        text("支出总计"),
        num(total),
    ];
    last.extend((0..3).map(|k| num(sum(f.classes.iter().map(|c| &c.funds[k])))));
    s.rows.push(last);
    s
}

/// The 政府性基金预算支出功能分类预算表 beside it: each class with fund money and its 合计;
/// empty, with the note saying so.
fn shanghai_08(f: &Figures) -> GridSheet {
    let mut s = GridSheet::new("政府性基金预算支出功能分类预算表");
    s.rows
        .push(vec![text("2026年部门政府性基金预算支出功能分类预算表")]);
    s.rows.push(vec![
        text("编制部门：上海市某区某局"),
        GridCell::Empty,
        GridCell::Empty,
        GridCell::Empty,
        GridCell::Empty,
        GridCell::Empty,
        text(&format!("单位：{}", f.unit)),
    ]);
    s.rows.push(vec![
        text("项目"),
        GridCell::Empty,
        GridCell::Empty,
        GridCell::Empty,
        text("政府性基金预算支出"),
    ]);
    let header = [
        "功能分类科目编码",
        "",
        "",
        "功能分类科目名称",
        "合计",
        "基本支出",
        "项目支出",
    ];
    s.rows.push(header.iter().map(|h| text(h)).collect());
    s.rows.push(vec![text("类"), text("款"), text("项")]);
    let fund = |c: &Class| c.funds[1].map(dec).unwrap_or_default();
    for c in f.classes.iter().filter(|c| !fund(c).is_zero()) {
        let amount = num(fund(c));
        let row = [text(c.code), GridCell::Empty, GridCell::Empty, text(c.name)];
        s.rows.push(
            row.into_iter()
                .chain([amount.clone(), num(Decimal::ZERO), amount])
                .collect(),
        );
    }
    let total = num(sum(f.classes.iter().map(|c| &c.funds[1])));
    let row = [
        text("合计"),
        GridCell::Empty,
        GridCell::Empty,
        GridCell::Empty,
    ];
    s.rows.push(
        row.into_iter()
            .chain([total.clone(), num(Decimal::ZERO), total])
            .collect(),
    );
    if f.classes.iter().all(|c| fund(c).is_zero()) {
        s.rows
            .push(vec![text("注：此表如无数字则表示单位无该项支出。")]);
    }
    s
}

/// What checking `g` gives: the forms read and every finding.
fn checked(g: &GridBook) -> (Vec<(String, FormData)>, Vec<Finding>) {
    let wb = layout_gen::grid_workbook(g, PathBuf::from("shanghai.xlsx"));
    let rec = recognize_book(catalog(), &wb);
    let read = |(f, d): &(&Form, FormData)| (f.id.clone(), d.clone());
    let forms: Vec<(String, FormData)> = rec.forms.iter().map(read).collect();
    let book = Book::new(rec.forms);
    let findings = audit(&book, &compute(&book, Mode::Check, false));
    (forms, findings.into_iter().chain(rec.findings).collect())
}

/// A figure of the table in 万元, as read.
fn in_wan(f: &Figures, v: Option<&str>) -> Option<Decimal> {
    let v = dec(v?);
    Some(if f.unit == "元" { v / dec("10000") } else { v })
}

/// Whether budget-04 as read holds every figure of `f` in its cell: the income by fund, each
/// class by fund, 收入总计.
fn misread(f: &Figures, data: &FormData) -> Vec<String> {
    let value = |row: &str, col: &str| {
        let row = data.rows.iter().find(|r| &*r.key == row)?;
        match row.value(col)? {
            Val::Num(n) => Some(*n),
            _ => None,
        }
    };
    let mut wrong = Vec::new();
    let mut expect = |row: &str, col: &str, want: Option<Decimal>| {
        let got = value(row, col);
        if got.map(|d| d.normalize()) != want.map(|d| d.normalize()) {
            wrong.push(format!("{row}.{col}: {got:?} ≠ {want:?}"));
        }
    };
    for (id, v) in ["in_gpb", "in_gf", "in_soe"].iter().zip(f.income) {
        expect(id, "amount", in_wan(f, v));
    }
    for c in &f.classes {
        for (col, v) in ["gpb", "gf", "soe"].iter().zip(c.funds) {
            expect(&format!("ex_{}", c.code), col, in_wan(f, v));
        }
    }
    let total = sum(f.income.iter()).to_string();
    expect("in_total", "amount", in_wan(f, Some(&total)));
    wrong
}

/// The errors of `findings`, as "form rule: message".
fn errors(findings: &[Finding]) -> Vec<String> {
    (findings.iter())
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{} {}: {}", f.form, f.rule, f.message))
        .collect()
}

/// Passes when no case of `of` failed; else names each one that did.
fn none_failed(failed: &[String], of: usize) {
    let all = failed.join("\n");
    assert!(failed.is_empty(), "{} of {of} cases:\n{all}", failed.len());
}

/// Every case: the figure sets × wordings × titles × alone or beside the 08 table.
fn cases() -> Vec<(String, Figures, GridBook, GridBook)> {
    let mut out = Vec::new();
    for w in &WORDINGS {
        for title in TITLES {
            for beside in [false, true] {
                for f in figure_sets() {
                    let book = |bump: Decimal| {
                        let mut sheets = vec![shanghai_04(&f, w, title, bump)];
                        sheets.extend(beside.then(|| shanghai_08(&f)));
                        GridBook { sheets }
                    };
                    let name = format!("{} {} {title} beside 08: {beside}", f.who, w[0]);
                    let (good, bad) = (book(Decimal::ZERO), book(Decimal::ONE));
                    out.push((name, f, good, bad));
                }
            }
        }
    }
    out
}

#[test]
fn shanghai_budget_04_reads_by_fund_and_balances() {
    let mut failed = Vec::new();
    let cases = cases();
    for (name, f, good, _) in &cases {
        let (forms, findings) = checked(good);
        let Some((_, data)) = forms.iter().find(|(id, _)| id == "budget-04") else {
            let ids: Vec<&str> = forms.iter().map(|(id, _)| id.as_str()).collect();
            failed.push(format!("{name}: not read as budget-04 but {ids:?}"));
            continue;
        };
        let wrong = misread(f, data);
        let errors = errors(&findings);
        if !wrong.is_empty() || !errors.is_empty() {
            failed.push(format!("{name}: misread {wrong:?}; errors {errors:?}"));
        }
    }
    none_failed(&failed, cases.len());
}

#[test]
fn a_changed_income_total_is_one_error() {
    let mut failed = Vec::new();
    let cases = cases();
    for (name, _, _, bad) in &cases {
        let (_, findings) = checked(bad);
        let errors = errors(&findings);
        let one = errors.len() == 1 && errors[0].starts_with("budget-04 income-total");
        if !one {
            failed.push(format!("{name}: {errors:?}"));
        }
    }
    none_failed(&failed, cases.len());
}

/// Titles of a form worded for the other family: a 决算 title with 预算 in place of 决算, a
/// budget title ending in 预算表 or 预算总表 (Shanghai's) and in 决算表.
fn reworded(title: &str, family: Family) -> Vec<(String, Family)> {
    match family {
        Family::Final => vec![(title.replace("决算", "预算"), Family::Budget)],
        _ => {
            let stem = title
                .strip_suffix("情况表")
                .or_else(|| title.strip_suffix("表"));
            let stem = stem.unwrap_or(title);
            let stem = stem.strip_suffix("总体").unwrap_or(stem);
            vec![
                (format!("{stem}预算表"), Family::Budget),
                (format!("{stem}预算总表"), Family::Budget),
                (format!("{stem}决算表"), Family::Final),
            ]
        }
    }
}

/// The family of what a workbook holding only `title` (and a unit line) is read as.
fn families_read(title: &str) -> Vec<Family> {
    let mut s = GridSheet::new("Sheet1");
    s.rows.push(vec![text(&format!("2026年{title}"))]);
    s.rows.push(vec![
        text("单位名称：某单位"),
        GridCell::Empty,
        text("单位：万元"),
    ]);
    let wb = layout_gen::grid_workbook(&GridBook { sheets: vec![s] }, PathBuf::from("t.xlsx"));
    let rec = recognize_book(catalog(), &wb);
    rec.forms.iter().map(|(f, _)| f.family).collect()
}

#[test]
fn a_title_saying_budget_or_final_decides_the_family() {
    let mut failed = Vec::new();
    let mut tried = 0;
    for form in &catalog().forms {
        if !matches!(form.family, Family::Final | Family::Budget) {
            continue;
        }
        let titles = std::iter::once(&form.title).chain(&form.aliases);
        for title in titles.map(|t| t.replace("{year}年", "").replace("{year}", "")) {
            let own = families_read(&title);
            tried += 1;
            if own != [form.family] {
                failed.push(format!("{} “{title}”: read as {own:?}", form.id));
            }
            for (other, said) in reworded(&title, form.family) {
                tried += 1;
                let read = families_read(&other);
                let other_family =
                    |f: &Family| matches!(f, Family::Final | Family::Budget) && *f != said;
                if read.iter().any(other_family) {
                    failed.push(format!("{} “{other}”: read as {read:?}", form.id));
                }
            }
        }
    }
    none_failed(&failed, tried);
}
