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
use export::logical_cells;
use fiscalform::calc::Book;
use fiscalform::expr::{CellId, Val};
use fiscalform::form::{Catalog, ColKind};
use fiscalform::report::recognize_book;
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

/// The document `fiscalform export` writes for `path`.
fn exported(path: &Path) -> Value {
    let json = path.with_extension("json");
    let (code, out, err) = run(&["export", s(path), "-o", s(&json)]);
    assert_eq!(code, 0, "{out}{err}");
    serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap()
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
    for name in ["seed001_final.grid", "seed004_perf.grid"] {
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
                .map(|(c, v)| (CellId::new(fi, r.key.as_str(), c.as_str()), v))
        });
        let grid_cells = data
            .grid
            .iter()
            .map(|(id, v)| (CellId::new(fi, id.as_str(), ""), v));
        for (cell, v) in row_cells.chain(grid_cells) {
            let (Val::Num(d), ColKind::Amount) = (v, book.kind(&cell)) else {
                continue;
            };
            if let Some(at) = data.origin.get(&cell.key()) {
                found.push((sheet.clone(), at.clone(), *d));
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
