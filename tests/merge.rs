//! `merge`: one unit merges to itself (as fix writes it), a unit merged with itself doubles every
//! amount and nothing else, random splits of a unit's amounts merge back to the unit, two units
//! with overlapping and disjoint 科目 codes give the union of their rows with the sums per code
//! (a code named differently is a warning naming both files), 汇总明细 shows each unit's share,
//! and inputs that cannot be merged leave no output.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;

use calamine::{open_workbook, Data, Reader, Xlsx};
use cli::run;
use export::{exported, logical_cells};
use fiscalform::calc::Book;
use fiscalform::expr::{CellId, Val};
use fiscalform::form::{Catalog, ColKind};
use fiscalform::load::recognize_book;
use grid::{fixture, GridCell};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn dir(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("merge")
        .join(tag);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The fixture written as a workbook in `d`.
fn workbook(d: &Path, fixture_name: &str) -> PathBuf {
    let path = d.join(fixture_name.replace(".grid", ".xlsx"));
    fixture(fixture_name).write_xlsx(&path);
    path
}

/// `fiscalform merge INPUTS… -o OUT [extra…]`: exit code, stdout, stderr.
fn merge(inputs: &[&Path], out: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["merge"];
    args.extend(inputs.iter().map(|p| s(p)));
    args.extend(["-o", s(out)]);
    args.extend_from_slice(extra);
    run(&args)
}

/// The workbook fix writes for `input`.
fn fixed(input: &Path) -> PathBuf {
    let out = input.with_file_name(format!(
        "{}-fixed.xlsx",
        input.file_stem().unwrap().to_string_lossy()
    ));
    let (code, o, e) = run(&["fix", s(input), "-o", s(&out)]);
    assert!(code < 2, "{o}{e}");
    out
}

/// Every logical cell of an export, with the unit, year and remarks of each form.
fn cells(doc: &Value) -> BTreeMap<(String, String), Value> {
    logical_cells(doc, &["unit", "year", "remarks"])
}

/// The kind of each logical cell of an export (`key.col` of rows, grid ids), by form.
fn kinds(doc: &Value) -> BTreeMap<(String, String), ColKind> {
    let catalog = Catalog::embedded().unwrap();
    let mut m = BTreeMap::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for f in doc["forms"].as_array().unwrap() {
        let id = f["id"].as_str().unwrap();
        let form = catalog.get(id).unwrap();
        let n = seen.entry(id.to_string()).or_default();
        *n += 1;
        let name = if *n == 1 {
            id.to_string()
        } else {
            format!("{id}#{n}")
        };
        for r in f["rows"].as_array().unwrap() {
            let panel = form.panel(r["panel"].as_str().unwrap()).unwrap();
            for col in r["values"].as_object().unwrap().keys() {
                let kind = panel.column(col).unwrap().kind;
                m.insert(
                    (
                        name.clone(),
                        format!("{}.{col}", r["key"].as_str().unwrap()),
                    ),
                    kind,
                );
            }
        }
        for cid in f["cells"].as_object().unwrap().keys() {
            m.insert((name.clone(), cid.clone()), form.grid_kind(cid).unwrap());
        }
    }
    m
}

fn dec(v: &Value) -> Option<Decimal> {
    Decimal::from_str(v.as_str()?).ok()
}

/// (rule, place) of every error `check` reports for `path`.
fn errors(path: &Path) -> BTreeSet<(String, String)> {
    let (_, report) = cli::check_json(path);
    cli::findings(&report)
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                format!("{}!{}", f["sheet"], f["cell"]),
            )
        })
        .collect()
}

const FIXTURES: [&str; 4] = [
    "seed001_final.grid",
    "seed002_budget.grid",
    "seed004_perf.grid",
    "seed000_perf.grid",
];

#[test]
fn one_unit_merges_to_that_unit_as_fix_writes_it() {
    let d = dir("one");
    for name in FIXTURES {
        let unit = workbook(&d, name);
        let out = d.join(format!("merged-{}", name.replace(".grid", ".xlsx")));
        let (code, o, e) = merge(&[&unit], &out, &[]);
        assert!(code < 2, "{name}: {o}{e}");
        assert!(o.contains("已汇总 1 个文件"), "{o}");
        assert_eq!(
            cells(&exported(&out)),
            cells(&exported(&fixed(&unit))),
            "{name}: merging one unit gives that unit"
        );
    }
}

#[test]
fn a_unit_merged_with_itself_doubles_every_amount_and_nothing_else() {
    let d = dir("twice");
    for name in [
        "seed001_final.grid",
        "seed004_perf.grid",
        "seed000_perf.grid",
        "seed002_budget.grid",
    ] {
        let unit = workbook(&d, name);
        let out = d.join(format!("twice-{}", name.replace(".grid", ".xlsx")));
        let (code, o, e) = merge(&[&unit, &unit], &out, &[]);
        assert!(code < 2, "{name}: {o}{e}");
        let one_file = fixed(&unit);
        let one_doc = exported(&one_file);
        let one = cells(&one_doc);
        let two = cells(&exported(&out));
        let kinds = kinds(&one_doc);
        assert_eq!(
            one.keys().collect::<Vec<_>>(),
            two.keys().collect::<Vec<_>>(),
            "{name}: the same cells"
        );
        let mut doubled = 0;
        for (cell, v) in &one {
            let w = &two[cell];
            match (kinds.get(cell), dec(v), dec(w)) {
                (Some(ColKind::Amount | ColKind::Number), Some(a), Some(b)) => {
                    assert_eq!(b, a + a, "{name} {cell:?}: amounts are doubled");
                    doubled += usize::from(!a.is_zero());
                }
                _ => assert_eq!(
                    w, v,
                    "{name} {cell:?}: rates, scores and texts are not added"
                ),
            }
        }
        assert!(doubled > 10, "{name}: {doubled} amounts");
        let new: Vec<_> = errors(&out)
            .difference(&errors(&one_file))
            .cloned()
            .collect();
        assert!(new.is_empty(), "{name}: no new errors: {new:?}");
    }
}

/// The amount cells of a fixture as read: (sheet, A1, value).
fn amount_cells(path: &Path) -> Vec<(String, String, Decimal)> {
    let catalog = Catalog::embedded().unwrap();
    let wb = fiscalform::read::read_workbook(path).unwrap();
    let book = Book::new(recognize_book(&catalog, &wb).forms);
    let mut found = Vec::new();
    for (fi, (_, data)) in book.forms.iter().enumerate() {
        let sheet = data.sheet.clone().unwrap();
        let row_cells = data.rows.iter().flat_map(|r| {
            r.values
                .iter()
                .map(|(c, v)| (CellId::new(fi, r.key.clone(), c.clone()), v))
        });
        let grid_cells = data
            .grid
            .iter()
            .map(|(id, v)| (CellId::grid(fi, id.as_str()), v));
        for (cell, v) in row_cells.chain(grid_cells) {
            let (Val::Num(d), ColKind::Amount) = (v, book.kind(&cell)) else {
                continue;
            };
            if let Some(at) = data.origin.get(&cell.key()) {
                found.push((sheet.clone(), at.to_string(), *d));
            }
        }
    }
    found
}

/// `v` cut into `k` parts of whole cents (each of the sign of `v`) adding up to it exactly.
fn split(v: Decimal, k: usize, state: &mut u64) -> Vec<Decimal> {
    let cents = (v * Decimal::ONE_HUNDRED).trunc();
    assert_eq!(cents / Decimal::ONE_HUNDRED, v, "two decimals: {v}");
    let total = cents.abs().to_string().parse::<u64>().unwrap();
    let mut cuts: Vec<u64> = (1..k)
        .map(|_| {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            *state % (total + 1)
        })
        .collect();
    cuts.push(0);
    cuts.push(total);
    cuts.sort_unstable();
    let sign = if v.is_sign_negative() {
        -Decimal::ONE
    } else {
        Decimal::ONE
    };
    cuts.windows(2)
        .map(|w| Decimal::new((w[1] - w[0]) as i64, 2) * sign)
        .collect()
}

#[test]
fn random_splits_of_a_unit_merge_back_to_the_unit() {
    let d = dir("splits");
    let name = "seed001_final.grid";
    let whole = workbook(&d, name);
    let expected = cells(&exported(&fixed(&whole)));
    let amounts = amount_cells(&whole);
    assert!(amounts.len() > 100, "{}", amounts.len());
    for (seed, k) in [
        (0x9E37_79B9_7F4A_7C15_u64, 2),
        (0x2545_F491_4F6C_DD1D, 3),
        (0xD1B5_4A32_D192_ED03, 5),
    ] {
        let mut state = seed;
        let mut parts: Vec<_> = (0..k).map(|_| fixture(name)).collect();
        for (sheet, at, v) in &amounts {
            for (book, share) in parts.iter_mut().zip(split(*v, k, &mut state)) {
                book.sheet_mut(sheet)
                    .set(at, GridCell::num(&format!("{share:.2}")));
            }
        }
        let files: Vec<PathBuf> = parts
            .iter()
            .enumerate()
            .map(|(i, book)| {
                let p = d.join(format!("seed{seed:x}-part{i}.xlsx"));
                book.write_xlsx(&p);
                p
            })
            .collect();
        let inputs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        let out = d.join(format!("seed{seed:x}-merged.xlsx"));
        let (code, o, e) = merge(&inputs, &out, &[]);
        assert!(code < 2, "{o}{e}");
        assert_eq!(
            cells(&exported(&out)),
            expected,
            "seed {seed:x}: {k} parts merge back to the unit"
        );
    }
}

/// The rows of form `id` in an exported document.
fn rows_mut<'d>(doc: &'d mut Value, id: &str) -> &'d mut Vec<Value> {
    let forms = doc["forms"].as_array_mut().unwrap();
    let form = forms.iter_mut().find(|f| f["id"] == id).unwrap();
    form["rows"].as_array_mut().unwrap()
}

fn coded(key: &str, label: &str, amount: &str) -> Value {
    serde_json::json!({
        "panel": "main", "key": key, "kind": "coded", "code": key, "label": label,
        "values": { "c1": amount, "c2": amount }
    })
}

/// Unit B: seed 001's 公开03表 without class 221, with a class 213 of its own, another amount
/// for 2080505, and (when `rename`) another name for 2101199. Written by import, which
/// recomputes its totals.
fn unit_b(d: &Path, a: &Path, rename: bool) -> PathBuf {
    let mut doc = exported(&fixed(a));
    let rows = rows_mut(&mut doc, "final-03");
    rows.retain(|r| !r["key"].as_str().unwrap().starts_with("221"));
    for r in rows.iter_mut() {
        match r["key"].as_str().unwrap() {
            "2080505" => r["values"] = serde_json::json!({ "c1": "10.00", "c2": "10.00" }),
            "2101199" if rename => r["label"] = "其他行政事业单位医疗支出（含补充）".into(),
            _ => {}
        }
    }
    let at = rows
        .iter()
        .position(|r| r["key"] == "221")
        .unwrap_or(rows.len());
    rows.splice(
        at..at,
        [
            coded("213", "农林水支出", "5.00"),
            coded("21301", "农业农村", "5.00"),
            coded("2130101", "行政运行", "5.00"),
        ],
    );
    let name = if rename {
        "单位乙-改名.json"
    } else {
        "单位乙.json"
    };
    let json = d.join(name);
    std::fs::write(&json, serde_json::to_string(&doc).unwrap()).unwrap();
    let out = json.with_extension("xlsx");
    let (code, o, e) = run(&["import", s(&json), "-o", s(&out)]);
    assert!(code < 2, "{o}{e}");
    out
}

/// (key, label, values) of each row of form `id`.
fn rows_of(doc: &Value, id: &str) -> Vec<(String, Value, BTreeMap<String, Decimal>)> {
    let form = doc["forms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap();
    form["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let values = r["values"]
                .as_object()
                .unwrap()
                .iter()
                .filter_map(|(c, v)| Some((c.clone(), dec(v)?)))
                .collect();
            (
                r["key"].as_str().unwrap().to_string(),
                r["label"].clone(),
                values,
            )
        })
        .collect()
}

#[test]
fn two_units_give_the_union_of_their_codes_with_the_sums_per_code() {
    let d = dir("codes");
    let a = workbook(&d, "seed001_final.grid");
    let b = unit_b(&d, &a, false);
    let out = d.join("部门汇总.xlsx");
    let (code, o, e) = merge(&[&a, &b], &out, &[]);
    assert!(code < 2, "{o}{e}");
    assert!(!o.contains("科目 "), "the same names: no finding: {o}");
    assert!(!o.contains("是汇总表"), "units, not merged workbooks: {o}");
    let merged = rows_of(&exported(&out), "final-03");
    let ra = rows_of(&exported(&fixed(&a)), "final-03");
    let rb = rows_of(&exported(&b), "final-03");
    let keys = |rows: &[(String, Value, BTreeMap<String, Decimal>)]| -> BTreeSet<String> {
        rows.iter().map(|r| r.0.clone()).collect()
    };
    let union: BTreeSet<String> = keys(&ra).union(&keys(&rb)).cloned().collect();
    assert_eq!(keys(&merged), union);
    for code in ["221", "2210201", "213", "2130101", "2080505"] {
        assert!(
            union.contains(code),
            "{code}: overlapping and disjoint codes"
        );
    }
    let codes: Vec<&String> = merged
        .iter()
        .map(|r| &r.0)
        .filter(|k| *k != "total")
        .collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "each code under its 类 and 款");
    let of = |rows: &[(String, Value, BTreeMap<String, Decimal>)], key: &str, col: &str| {
        rows.iter()
            .find(|r| r.0 == key)
            .and_then(|r| r.2.get(col).copied())
            .unwrap_or_default()
    };
    for (key, _, values) in &merged {
        for (col, v) in values {
            assert_eq!(*v, of(&ra, key, col) + of(&rb, key, col), "{key}.{col}");
        }
    }
    assert_eq!(of(&merged, "2080505", "c1"), Decimal::new(3944, 2));
    assert_eq!(of(&merged, "213", "c1"), Decimal::new(500, 2));
}

#[test]
fn a_code_two_units_name_differently_is_a_warning_naming_both_files() {
    let d = dir("names");
    let a = workbook(&d, "seed001_final.grid");
    let b = unit_b(&d, &a, true);
    let out = d.join("部门汇总.xlsx");
    let (code, o, e) = merge(&[&a, &b], &out, &[]);
    assert!(code < 2, "{o}{e}");
    let line = o
        .lines()
        .find(|l| l.contains("科目 2101199"))
        .unwrap_or_else(|| panic!("no finding: {o}"));
    for part in [
        "警告",
        s(&a),
        s(&b),
        "“其他行政事业单位医疗支出”",
        "“其他行政事业单位医疗支出（含补充）”",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
    let audit = sheet_rows(&out, fiscalform::load::own::AUDIT_SHEET);
    assert!(
        audit.iter().flatten().any(|c| c.contains("科目 2101199")),
        "listed in 审核结果"
    );
    let merged = rows_of(&exported(&out), "final-03");
    let row = merged.iter().find(|r| r.0 == "2101199").unwrap();
    assert_eq!(row.1, "其他行政事业单位医疗支出", "the first unit's name");
}

fn sheet_rows(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_detail_sheet_shows_each_units_share_of_each_total() {
    let d = dir("detail");
    let a = workbook(&d, "seed001_final.grid");
    let b = unit_b(&d, &a, false);
    let out = d.join("部门汇总.xlsx");
    let (code, o, e) = merge(&[&a, &b], &out, &[]);
    assert!(code < 2, "{o}{e}");
    let rows = sheet_rows(&out, fiscalform::load::own::DETAIL_SHEET);
    let header = &rows[fiscalform::load::own::DETAIL_HEADER_ROW as usize];
    assert_eq!(header.len(), 4 + 2 + 1, "{header:?}");
    assert!(header[4].contains("seed001_final.xlsx") && header[5].contains("单位乙.xlsx"));
    let line = |table: &str, item: &str| -> &Vec<String> {
        rows.iter()
            .find(|r| r[0] == table && r[2] == item)
            .unwrap_or_else(|| panic!("{table} {item}: {rows:?}"))
    };
    let total = line("公开03表", "合计·本年支出合计");
    let num = |t: &str| Decimal::from_str(t).unwrap_or_default();
    assert_eq!(total[3], "各单位相加");
    assert_eq!(num(&total[6]), num(&total[4]) + num(&total[5]));
    assert_eq!(num(&total[4]), Decimal::new(52636, 2));
    let new_class = line("公开03表", "213 农林水支出·本年支出合计");
    assert_eq!(
        (new_class[4].as_str(), num(&new_class[5])),
        ("", Decimal::new(5, 0))
    );
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let formulas = wb
        .worksheet_formula(fiscalform::load::own::DETAIL_SHEET)
        .unwrap();
    assert!(
        formulas.rows().flatten().any(|f| f.starts_with("SUM(E")),
        "the department's figure is a live sum of the units'"
    );
    let (_, report) = cli::check_json(&out);
    assert!(
        !cli::findings(&report)
            .iter()
            .any(|f| f["sheet"] == fiscalform::load::own::DETAIL_SHEET),
        "checking the merged workbook does not take 汇总明细 for a form"
    );
}

#[test]
fn perf_scores_are_listed_not_added_and_the_unit_can_be_named() {
    let d = dir("perf");
    let unit = workbook(&d, "seed004_perf.grid");
    let out = d.join("部门汇总.xlsx");
    let (code, o, e) = merge(&[&unit, &unit], &out, &["--unit", "某某局"]);
    assert!(code < 2, "{o}{e}");
    let rows = sheet_rows(&out, fiscalform::load::own::DETAIL_SHEET);
    let scores: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[3] == "不相加，取第一个单位")
        .collect();
    assert!(!scores.is_empty(), "{rows:?}");
    for r in scores {
        assert_eq!(
            (&r[4], &r[6]),
            (&r[5], &r[4]),
            "listed per unit, not added: {r:?}"
        );
    }
    let doc = exported(&out);
    for f in doc["forms"].as_array().unwrap() {
        assert_eq!(f["unit"], "某某局", "{}", f["id"]);
    }
    let (code, o, e) = merge(&[&unit], &d.join("未改名.xlsx"), &[]);
    assert!(code < 2, "{o}{e}");
    let before = exported(&unit);
    let after = exported(&d.join("未改名.xlsx"));
    assert_eq!(
        before["forms"][0]["unit"], after["forms"][0]["unit"],
        "the first unit's name"
    );
}

#[test]
fn inputs_that_cannot_be_merged_leave_no_output() {
    let d = dir("refused");
    let final_ = workbook(&d, "seed001_final.grid");
    let budget = workbook(&d, "seed002_budget.grid");
    let out = d.join("部门汇总.xlsx");
    let (code, _, e) = merge(&[&final_, &budget], &out, &[]);
    assert_eq!(code, 2, "{e}");
    assert!(
        e.contains("不同类别") && e.contains("seed002_budget.xlsx"),
        "{e}"
    );
    assert!(!out.exists(), "nothing written");

    let of_year = |year: &str| {
        let mut doc = exported(&final_);
        for f in doc["forms"].as_array_mut().unwrap() {
            f["year"] = year.into();
        }
        let json = d.join(format!("{year}.json"));
        std::fs::write(&json, serde_json::to_string(&doc).unwrap()).unwrap();
        let xlsx = json.with_extension("xlsx");
        assert!(run(&["import", s(&json), "-o", s(&xlsx)]).0 < 2);
        xlsx
    };
    let (this_year, last_year) = (of_year("2023"), of_year("2022"));
    let (code, _, e) = merge(&[&this_year, &last_year], &out, &[]);
    assert_eq!(code, 2, "{e}");
    assert!(e.contains("不同年度"), "{e}");
    assert!(!out.exists(), "nothing written");

    let broken = d.join("坏文件.xlsx");
    std::fs::write(&broken, b"not a workbook").unwrap();
    let (code, _, e) = merge(&[&final_, &broken], &out, &[]);
    assert_eq!(code, 2, "{e}");
    assert!(e.contains("坏文件.xlsx"), "{e}");
    assert!(!out.exists(), "nothing written");

    let before = std::fs::read(&final_).unwrap();
    let (code, _, e) = merge(&[&budget, &final_], &final_, &[]);
    assert_eq!(code, 2, "{e}");
    assert!(e.contains("不会覆盖"), "{e}");
    assert_eq!(
        std::fs::read(&final_).unwrap(),
        before,
        "the input is untouched"
    );

    let (code, o, e) = merge(&[&final_, &final_], &out, &[]);
    assert!(
        code < 2 && out.exists(),
        "the same family and year merge: {o}{e}"
    );
}

/// Tables that state no year (seed 001 prints `    年度`) take it from the file's name, as
/// `review` does: 2023 and 2022 files are refused, two 2023 files merge.
#[test]
fn a_year_only_in_the_file_names_still_keeps_years_apart() {
    let d = dir("year-in-name");
    let final_ = workbook(&d, "seed001_final.grid");
    let named = |name: &str| {
        let p = d.join(name);
        std::fs::copy(&final_, &p).unwrap();
        p
    };
    let (a, b, c) = (
        named("2023决算-甲.xlsx"),
        named("2022决算-乙.xlsx"),
        named("2023决算-丙.xlsx"),
    );
    let out = d.join("部门汇总.xlsx");
    let (code, _, e) = merge(&[&a, &b], &out, &[]);
    assert_eq!(code, 2, "{e}");
    assert!(e.contains("不同年度") && e.contains("2022"), "{e}");
    assert!(!out.exists(), "nothing written");
    let (code, o, e) = merge(&[&a, &c], &out, &[]);
    assert!(code < 2 && out.exists(), "{o}{e}");
}

#[test]
fn a_self_evaluations_indicators_stay_the_first_units_while_project_lists_are_united() {
    let d = dir("evaluation");
    let first = workbook(&d, "seed000_perf.grid");
    let second = workbook(&d, "seed004_perf.grid");
    let out = d.join("部门汇总.xlsx");
    let (code, o, e) = merge(&[&first, &second], &out, &[]);
    assert!(code < 2, "{o}{e}");
    let merged = exported(&out);
    let list = |doc: &Value, form: &str, panel: &str| -> Vec<Value> {
        let f = doc["forms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == form)
            .unwrap();
        f["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == "list" && r["panel"] == panel)
            .map(|r| r["label"].clone())
            .collect()
    };
    let (a, b) = (exported(&fixed(&first)), exported(&second));
    let indicators = list(&merged, "perf-dept", "ind");
    assert!(!indicators.is_empty());
    assert_eq!(
        indicators,
        list(&a, "perf-dept", "ind"),
        "the first unit's indicators"
    );
    let projects = list(&merged, "perf-base", "projects");
    let mut both = list(&a, "perf-base", "projects");
    both.extend(list(&b, "perf-base", "projects"));
    assert_eq!(projects, both, "the projects of both units");
}

#[test]
fn a_merged_workbook_given_as_a_unit_is_counted_once_with_a_warning() {
    let d = dir("merged-input");
    let unit = workbook(&d, "seed001_final.grid");
    let department = d.join("部门汇总.xlsx");
    assert!(merge(&[&unit], &department, &[]).0 < 2);
    let city = d.join("市汇总.xlsx");
    let (code, o, e) = merge(&[&department, &unit], &city, &[]);
    assert!(code < 2, "{o}{e}");
    let warning = o
        .lines()
        .find(|l| l.contains("是汇总表"))
        .unwrap_or_else(|| panic!("{o}"));
    assert!(
        warning.contains("警告") && warning.contains(s(&department)),
        "{warning}"
    );
    let twice = d.join("两次.xlsx");
    assert!(merge(&[&unit, &unit], &twice, &[]).0 < 2);
    assert_eq!(
        cells(&exported(&city)),
        cells(&exported(&twice)),
        "a merged workbook counts as the sum it holds"
    );
}
