//! 公开07表 and 公开08表 as Shanghai publishes them: the sub-headers of 本年支出 (合计 | 基本支出 |
//! 项目支出) printed in the 合计 row itself, beside the row's own figures. Generated tables, with
//! the sub-headers there or in a header row of their own (the control), read back to the
//! figures typed, and the only findings are the genuine ones (the 合计 row's 本年支出 left
//! blank); the real units' workbooks read so too.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;

use grid::{GridBook, GridCell, GridSheet};
use layout_gen::Rng;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;

/// How a generated table is printed.
#[derive(Clone, Copy, Debug)]
struct Shape {
    /// 公开08表 rather than 公开07表.
    capital: bool,
    /// 公开08表 printed with 公开07表's columns (年初结转和结余 | 本年收入 | 本年支出 | 年末…),
    /// as Shanghai prints it (read only when empty: the columns the form lacks hold strays).
    wide: bool,
    /// Rows of figures below the 合计 row (else an empty table, its 合计 row blank).
    filled: bool,
    /// The sub-headers in the 合计 row (else in a header row of their own).
    in_total_row: bool,
    /// The sub-header of the subtotal: 合计 or 小计.
    subtotal_word: &'static str,
    /// 项目 over 功能分类科目编码 | 科目名称 (else 科目代码 | 科目名称 down both header rows).
    item_over_codes: bool,
}

/// A 科目 row: its code, name and 基本支出 / 项目支出 in cents, and its 年初结转 and unspent
/// income in cents.
struct Subject {
    code: String,
    basic: i64,
    project: i64,
    opening: i64,
    unspent: i64,
}

/// The form's logical columns in the order of the sheet's amount columns, for `shape`:
/// 年初, 本年收入, 小计, 基本, 项目, 年末 (公开07表's c1–c6; 公开08表's c1–c3 where it has them).
fn column_ids(shape: Shape) -> [Option<&'static str>; 6] {
    match shape.capital {
        false => ["c1", "c2", "c3", "c4", "c5", "c6"].map(Some),
        true => [None, None, Some("c1"), Some("c2"), Some("c3"), None],
    }
}

/// Whether sheet amount column `i` (of the six above) is printed in `shape`.
fn printed(shape: Shape, i: usize) -> bool {
    !shape.capital || shape.wide || (2..5).contains(&i)
}

/// 1–3 类 of 1–2 款 of 1–2 项, with random figures; parents hold their children's sums.
fn subjects(rng: &mut Rng) -> Vec<Subject> {
    let mut out = Vec::new();
    let classes = ["207", "212", "221", "229"];
    for class in classes.iter().take(1 + rng.below(3)) {
        let at_class = out.len();
        out.push(leaf(class, 0, 0, 0, 0));
        for k in 1..=1 + rng.below(2) {
            let at_group = out.len();
            out.push(leaf(&format!("{class}{k:02}"), 0, 0, 0, 0));
            for x in 1..=1 + rng.below(2) {
                let code = format!("{class}{k:02}{x:02}");
                let basic = [0, rng.below(90_000) as i64][rng.below(2)];
                let project = 1 + rng.below(500_000) as i64;
                let opening = [0, rng.below(20_000) as i64][rng.below(2)];
                let unspent = [0, rng.below(9_000) as i64][rng.below(2)];
                out.push(leaf(&code, basic, project, opening, unspent));
                for p in [at_class, at_group] {
                    let (b, pr, o, u) = (basic, project, opening, unspent);
                    let parent = &mut out[p];
                    parent.basic += b;
                    parent.project += pr;
                    parent.opening += o;
                    parent.unspent += u;
                }
            }
        }
    }
    out
}

fn leaf(code: &str, basic: i64, project: i64, opening: i64, unspent: i64) -> Subject {
    Subject {
        code: code.to_string(),
        basic,
        project,
        opening,
        unspent,
    }
}

/// The six amounts of a row in cents: 年初, 本年收入, 小计, 基本, 项目, 年末.
fn amounts(s: &Subject) -> [i64; 6] {
    let spent = s.basic + s.project;
    let income = spent + s.unspent;
    [
        s.opening,
        income,
        spent,
        s.basic,
        s.project,
        s.opening + s.unspent,
    ]
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// The table drawn, with the figures typed: (row key, column id) → amount in cents.
fn draw(
    shape: Shape,
    rows: &[Subject],
    rng: &mut Rng,
) -> (GridSheet, BTreeMap<(String, String), i64>) {
    let title = match shape.capital {
        true if shape.wide => "国有资本经营预算财政拨款收入支出决算表",
        true => "国有资本经营预算财政拨款支出决算表",
        false => "政府性基金预算财政拨款收入支出决算表",
    };
    let mut t = GridSheet::new(title);
    let cols: Vec<usize> = (0..6).filter(|&i| printed(shape, i)).collect();
    let last = 1 + cols.len() as u16;
    t.put(0, 0, GridCell::text(title));
    t.merges.push((0, 0, 0, last));
    t.put(1, last, GridCell::text("单位：万元"));
    header(&mut t, shape, &cols);
    let mut typed = BTreeMap::new();
    let ids = column_ids(shape);
    let total = total_of(rows);
    t.put(4, 0, GridCell::text("合计"));
    for (at, &i) in cols.iter().enumerate() {
        let c = 2 + at as u16;
        let spending = (2..5).contains(&i);
        if spending && shape.in_total_row {
            let word = ["", "", shape.subtotal_word, "基本支出", "项目支出"][i];
            t.put(4, c, GridCell::text(word));
        } else {
            type_figure(&mut t, &mut typed, (4, c), ("total", ids[i]), total[i], rng);
        }
    }
    for (n, s) in rows.iter().enumerate() {
        let r = 5 + n as u32;
        t.put(r, 0, GridCell::text(&s.code));
        t.put(r, 1, GridCell::text(&format!("科目{}", s.code)));
        let figures = amounts(s);
        for (at, &i) in cols.iter().enumerate() {
            let c = 2 + at as u16;
            type_figure(
                &mut t,
                &mut typed,
                (r, c),
                (&s.code, ids[i]),
                figures[i],
                rng,
            );
        }
    }
    let end = 5 + rows.len() as u32;
    t.put(
        end,
        0,
        GridCell::text("注：本表反映部门本年度财政拨款收入支出情况。"),
    );
    (t, typed)
}

/// Types one figure: a zero left blank or typed 0 (always blank in a column the form lacks);
/// the cell remembered for the form's column.
fn type_figure(
    t: &mut GridSheet,
    typed: &mut BTreeMap<(String, String), i64>,
    (r, c): (u32, u16),
    (key, id): (&str, Option<&str>),
    cents: i64,
    rng: &mut Rng,
) {
    if cents == 0 && (id.is_none() || rng.below(2) == 0) {
        return;
    }
    t.put(r, c, GridCell::num(&money(cents)));
    if let Some(id) = id {
        typed.insert((key.to_string(), id.to_string()), cents);
    }
}

fn total_of(rows: &[Subject]) -> [i64; 6] {
    let mut sum = [0i64; 6];
    for s in rows.iter().filter(|s| s.code.len() == 3) {
        for (acc, v) in sum.iter_mut().zip(amounts(s)) {
            *acc += v;
        }
    }
    sum
}

/// Header rows 3 and 4 (0-based 2 and 3) over the printed amount columns `cols`.
fn header(t: &mut GridSheet, shape: Shape, cols: &[usize]) {
    let names = [
        "年初结转和结余",
        "本年收入",
        "本年支出",
        "",
        "",
        "年末结转和结余",
    ];
    if shape.item_over_codes {
        t.put(2, 0, GridCell::text("项目"));
        t.merges.push((2, 0, 2, 1));
        t.put(3, 0, GridCell::text("功能分类科目编码"));
    } else {
        t.put(2, 0, GridCell::text("科目代码"));
        t.merges.push((2, 0, 3, 0));
        t.put(2, 1, GridCell::text("科目名称"));
        t.merges.push((2, 1, 3, 1));
    }
    if shape.item_over_codes {
        t.put(3, 1, GridCell::text("科目名称"));
    }
    for (at, &i) in cols.iter().enumerate() {
        let c = 2 + at as u16;
        match i {
            2 => {
                t.put(2, c, GridCell::text("本年支出"));
                t.merges.push((2, c, 2, c + 2));
            }
            3 | 4 => {}
            _ => {
                t.put(2, c, GridCell::text(names[i]));
                t.merges.push((2, c, 3, c));
            }
        }
        if (2..5).contains(&i) && !shape.in_total_row {
            let word = ["", "", shape.subtotal_word, "基本支出", "项目支出"][i];
            t.put(3, c, GridCell::text(word));
        }
    }
}

fn scratch() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("total-row-headers");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// What reads differently from what was typed: figures lost, changed or added, strays, and
/// findings other than the 合计 row's 本年支出 left blank.
fn problems(shape: Shape, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let rows = match shape.filled {
        true => subjects(&mut rng),
        false => Vec::new(),
    };
    let (sheet, typed) = draw(shape, &rows, &mut rng);
    // The tests run at once: each its own files.
    let tag = ["empty", "filled"][usize::from(shape.filled)];
    let path = scratch().join(format!("{tag}-{seed}.xlsx"));
    GridBook {
        sheets: vec![sheet],
    }
    .write_xlsx(&path);
    let form = if shape.capital {
        "final-08"
    } else {
        "final-07"
    };
    let doc = export::exported(&path);
    let read = export::logical_cells(&doc, &[]);
    let mut out = Vec::new();
    for ((key, col), cents) in &typed {
        let got = read.get(&(form.to_string(), format!("{key}.{col}")));
        let got = got
            .and_then(Value::as_str)
            .and_then(|v| Decimal::from_str(v).ok());
        if got != Some(Decimal::new(*cents, 2)) {
            out.push(format!(
                "{key}.{col}: typed {}, read {got:?}",
                money(*cents)
            ));
        }
    }
    for ((f, cell), v) in &read {
        let key_col = cell
            .split_once('.')
            .map(|(k, c)| (k.to_string(), c.to_string()));
        if f == form && key_col.is_some_and(|kc| !typed.contains_key(&kc)) {
            out.push(format!("{cell}: not typed, read {v}"));
        }
    }
    for s in doc["forms"][0]["strays"].as_array().into_iter().flatten() {
        out.push(format!("stray {s}"));
    }
    out.extend(unexpected_findings(shape, &path));
    out
}

/// The findings (errors and warnings) other than the genuine ones: with the sub-headers in
/// the 合计 row, its 本年支出 cells are blank, each an error saying so (row 5, columns of
/// 本年支出).
fn unexpected_findings(shape: Shape, path: &std::path::Path) -> Vec<String> {
    let (_, report) = cli::check_json(path);
    let spending = match shape.capital && !shape.wide {
        true => ["C5", "D5", "E5"],
        false => ["E5", "F5", "G5"],
    };
    cli::findings(&report)
        .into_iter()
        .filter(|f| f["severity"] != "info")
        .filter(|f| {
            let genuine = shape.in_total_row
                && shape.filled
                && f["severity"] == "error"
                && spending.iter().any(|c| f["cell"] == *c)
                && f["message"].as_str().is_some_and(|m| m.contains("未填写"));
            !genuine
        })
        .map(|f| format!("finding {} {}", f["cell"], f["message"]))
        .collect()
}

/// Runs every shape `shapes` gives for `bits` over seeds; the failures, and the cases run.
fn run(shapes: impl Fn(u32, u64) -> Option<Shape>) -> (Vec<String>, usize) {
    let mut failed = Vec::new();
    let mut cases = 0;
    for seed in 1..=6u64 {
        for bits in 0..16u32 {
            let Some(shape) = shapes(bits, seed) else {
                continue;
            };
            cases += 1;
            let p = problems(shape, seed * 7919 + u64::from(bits));
            if !p.is_empty() {
                failed.push(format!("{shape:?} seed {seed}: {}", p.join("; ")));
            }
        }
    }
    (failed, cases)
}

fn assert_all_read((failed, cases): (Vec<String>, usize)) {
    assert!(
        failed.is_empty(),
        "{} of {cases} cases read wrong:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// 公开07表 and 公开08表 with figures, the sub-headers in the 合计 row or (the control) in a
/// header row: every figure typed is read where it was typed, nothing else; the only findings
/// are the 合计 row's 本年支出 left blank.
#[test]
fn sub_headers_in_the_total_row_head_their_columns() {
    assert_all_read(run(|bits, seed| {
        Some(Shape {
            capital: bits & 1 != 0,
            wide: false,
            filled: true,
            in_total_row: bits & 2 != 0,
            subtotal_word: ["合计", "小计"][(bits >> 2 & 1) as usize],
            item_over_codes: (seed + u64::from(bits >> 3)) % 2 == 0,
        })
    }));
}

/// Empty 公开07表 and 公开08表 (08 also with 07's columns, as Shanghai prints it) with their
/// 合计 row, the sub-headers in it or in a header row: read as empty, without any finding.
/// Not yet read: 08 with 07's columns, 科目代码 down both header rows and the sub-headers in
/// the lower one (its 合计 there is taken for the 合计 row's label; the header is lost).
#[test]
fn an_empty_table_with_its_total_row_reads_empty() {
    assert_all_read(run(|bits, seed| {
        let capital = bits & 1 != 0;
        let gap = capital && bits & 8 != 0 && bits & 2 == 0 && seed % 2 == 1;
        (bits & 4 == 0 && !gap).then_some(Shape {
            capital,
            wide: capital && bits & 8 != 0,
            filled: false,
            in_total_row: bits & 2 != 0,
            subtotal_word: "合计",
            item_over_codes: seed % 2 == 0,
        })
    }));
}

/// A copy of the fixture in the scratch folder (export writes its document beside it).
fn fixture(name: &str) -> PathBuf {
    let file = format!("{name}.xlsx");
    let from = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/shanghai2025")
        .join(&file);
    let to = scratch().join(file);
    std::fs::copy(from, &to).unwrap();
    to
}

/// The numbers of a sheet of the workbook, sorted.
fn sheet_numbers(path: &std::path::Path, sheet: &str) -> Vec<Decimal> {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    let mut out: Vec<Decimal> = range
        .cells()
        .filter_map(|(_, _, v)| match v {
            Data::Float(f) => Decimal::from_str(&f.to_string()).ok(),
            Data::Int(i) => Some(Decimal::from(*i)),
            _ => None,
        })
        .map(|d| d.normalize())
        .collect();
    out.sort();
    out
}

/// The figures read for `form`, sorted.
fn read_numbers(doc: &Value, form: &str) -> Vec<Decimal> {
    let mut out: Vec<Decimal> = export::logical_cells(doc, &[])
        .into_iter()
        .filter(|((f, _), _)| f == form)
        .filter_map(|(_, v)| v.as_str().and_then(|v| Decimal::from_str(v).ok()))
        .map(|d| d.normalize())
        .collect();
    out.sort();
    out
}

/// The three Shanghai 2025 部门决算 typed from their published tables: 文化和旅游局 prints the
/// sub-headers in 07's 合计 row beside its figures, 石泉路街道 in the 合计 rows of its empty 07
/// and 08, 宜川路街道 in a header row (the control). Every figure of 07 and 08 is read, and the
/// only findings on them are the 合计 rows' 本年支出 left blank where the rows hold figures.
#[test]
fn the_shanghai_tables_read_every_figure_of_07_and_08() {
    let sheets = [
        ("final-07", "政府性基金预算财政拨款收入支出决算表"),
        ("final-08", "国有资本经营预算财政拨款收入支出决算表"),
    ];
    let mut wrong = Vec::new();
    for (unit, filled) in [
        ("2025决算-普陀区文化和旅游局", true),
        ("2025决算-石泉路街道", false),
        ("2025决算-宜川路街道", true),
    ] {
        let path = fixture(unit);
        let doc = export::exported(&path);
        for (form, sheet) in sheets {
            let (typed, read) = (sheet_numbers(&path, sheet), read_numbers(&doc, form));
            if typed != read {
                wrong.push(format!("{unit} {form}: typed {typed:?}, read {read:?}"));
            }
        }
        let (_, report) = cli::check_json(&path);
        for f in cli::findings(&report) {
            let ours = ["final-07", "final-08"].iter().any(|id| f["form"] == *id);
            let genuine = filled
                && f["form"] == "final-07"
                && ["E5", "F5", "G5"].iter().any(|c| f["cell"] == *c)
                && f["message"].as_str().is_some_and(|m| m.contains("未填写"));
            if ours && f["severity"] != "info" && !genuine {
                wrong.push(format!("{unit}: {} {}", f["cell"], f["message"]));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
