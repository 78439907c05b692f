//! `fix`, `export` and `import` over every fixture and layout variant: nothing is lost, the
//! round trips hold, fix is idempotent and leaves nothing a recomputation could resolve; and
//! the user-facing promises (OUT ≠ IN, no half-written file, the 审核结果 sheet, highlighted
//! disagreements, CSV safe for Excel, import refusing with the path of the bad field).

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;

use grid::fixture;
#[path = "support/layout_gen.rs"]
mod layout_gen;

use cli::run;
use fiscalform::form::Severity;

use export::logical_cells;
use fiscalform::calc::{compute, Book, Mode};
use fiscalform::form::Catalog;
use fiscalform::normalize::{label_key, parse_amount, parse_rate, Amount};
use fiscalform::read::{read_workbook, Cell, Sheet, Workbook};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const FIXTURES: [&str; 6] = [
    "seed001_final.grid",
    "seed001_perf.grid",
    "seed002_budget.grid",
    "seed000_perf.grid",
    "seed004_perf.grid",
    "seed003_report.grid",
];

fn dir(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("fix-io")
        .join(tag);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The layout variants of the check issue (as in tests/fixtures_build.rs).
fn variants(b: &grid::GridBook) -> Vec<(&'static str, grid::GridBook)> {
    vec![
        ("asis", b.clone()),
        ("shift_down", b.shift_down(3)),
        ("commas", b.amounts_as_text_with_commas()),
        ("no_line_numbers", b.drop_line_number_column()),
        ("renamed", b.rename_and_reorder_sheets()),
        ("split_codes", b.split_codes()),
        ("extra_empty", b.extra_empty_rows_and_cols()),
    ]
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn try_fix(input: &Path, output: &Path) -> Result<String, String> {
    try_fix_as(input, output, &[])
}

/// `fix` with `options`: what it printed, when it wrote the output.
fn try_fix_as(input: &Path, output: &Path, options: &[&str]) -> Result<String, String> {
    let mut args = vec!["fix", s(input), "-o", s(output)];
    args.extend(options);
    let (code, out, err) = run(&args);
    if (code == 0 || code == 1) && output.exists() {
        Ok(out)
    } else {
        Err(format!("fix {}: {code} {err}", input.display()))
    }
}

fn fix(input: &Path, output: &Path) -> String {
    try_fix(input, output).unwrap()
}

fn try_export(input: &Path, output: &Path) -> Result<Value, String> {
    let (code, _, err) = run(&["export", s(input), "-o", s(output)]);
    if code != 0 {
        return Err(format!("export {}: {code} {err}", input.display()));
    }
    serde_json::from_str(&std::fs::read_to_string(output).unwrap()).map_err(|e| e.to_string())
}

fn export(input: &Path, output: &Path) -> Value {
    try_export(input, output).unwrap()
}

/// Everything one input gives: the input, fix(x), fix(fix(x)), export(x), export(fix(x)),
/// import(export(x)).
struct Case {
    name: String,
    x: PathBuf,
    f1: PathBuf,
    f2: PathBuf,
    i1: PathBuf,
    /// `fix --clean` of x: the copy to submit, and what fix printed for it.
    clean: PathBuf,
    clean_said: String,
    json_x: Value,
    json_f1: Value,
    /// (form id, logical cell) of every cell of x that fix computes.
    derived: HashSet<(String, String)>,
    /// Forms whose own written layout recognition does not read back in full yet (see
    /// `KNOWN_GAPS`): the round trips are not judged on them.
    gaps: BTreeSet<String>,
    /// Their sheets in the outputs (the form's and the one keeping its outside values).
    gap_sheets: BTreeSet<String>,
}

/// An input workbook: a fixture in a layout variant, or a generated layout of one form.
enum Source {
    Grid(grid::GridBook),
    Generated(Box<layout_gen::Rendered>),
}

impl Source {
    fn write_xlsx(&self, path: &Path) {
        match self {
            Source::Grid(b) => b.write_xlsx(path),
            Source::Generated(r) => r.write_xlsx(path),
        }
    }
}

/// Generated layouts of these forms (fixture, form id), in combinations of variations
/// recognition reads today, join the round trips.
const GENERATED: [(&str, &str); 5] = [
    ("seed001_final.grid", "final-01"),
    ("seed001_final.grid", "final-03"),
    ("seed001_final.grid", "final-06"),
    ("seed002_budget.grid", "budget-04"),
    ("seed000_perf.grid", "perf-project"),
];

fn generated_sources() -> Vec<(String, Source)> {
    let catalog = Catalog::embedded().unwrap();
    let mut out = Vec::new();
    for (seed, (fixture, id)) in GENERATED.into_iter().enumerate() {
        let rec = fiscalform::load::recognize_book(&catalog, &layout_gen::fixture_book(fixture));
        let (form, data) = rec.forms.iter().find(|(f, _)| f.id == id).unwrap();
        let r = layout_gen::passing_layout(form, data, 5, 7 + seed as u64);
        // fix writes the unit line in the form's own words (部门：…), the unit's name kept: a
        // layout naming it 编制单位 would not find its label text verbatim in the output. It
        // writes the standard form in 万元, so amounts stated in 元 or 千元 come back converted
        // (said once per table by the `money-unit` info), not verbatim.
        use layout_gen::Variation::{MoneyThousand, MoneyYuan, UnitLabel};
        let kept: Vec<_> = r
            .variations
            .iter()
            .copied()
            .filter(|v| ![UnitLabel, MoneyYuan, MoneyThousand].contains(v))
            .collect();
        let r = layout_gen::render(form, data, &kept, 7 + seed as u64);
        let name = format!(
            "gen_{}-{id}_{}",
            fixture.trim_end_matches(".grid"),
            layout_gen::names(&r.variations)
        );
        out.push((name, Source::Generated(Box::new(r))));
    }
    out
}

fn make_case(name: String, book: &Source) -> Result<Case, String> {
    let d = dir("cases");
    let p = |ext: &str| d.join(format!("{name}.{ext}"));
    let x = p("x.xlsx");
    book.write_xlsx(&x);
    let (f1, f2, i1) = (p("f1.xlsx"), p("f2.xlsx"), p("i1.xlsx"));
    try_fix(&x, &f1)?;
    try_fix(&f1, &f2)?;
    let clean = p("clean.xlsx");
    let clean_said = try_fix_as(&x, &clean, &["--clean"])?;
    let json_x = try_export(&x, &p("x.json"))?;
    let json_f1 = try_export(&f1, &p("f1.json"))?;
    let (code, _, err) = run(&["import", s(&p("x.json")), "-o", s(&i1)]);
    if code != 0 && code != 1 {
        return Err(format!("import {name}: {err}"));
    }
    let catalog = Catalog::embedded().unwrap();
    let content = fiscalform::load::load(&catalog, &x).map_err(|e| e.to_string())?;
    let b = Book::new(content.forms);
    let calc = compute(&b, Mode::Fix, false);
    // Form names as logical_cells() gives them: the id, then id#2, id#3 for more of one.
    let names: Vec<String> = b
        .forms
        .iter()
        .enumerate()
        .map(|(i, (f, _))| {
            let n = b.forms[..=i].iter().filter(|(g, _)| g.id == f.id).count();
            if n == 1 {
                f.id.clone()
            } else {
                format!("{}#{n}", f.id)
            }
        })
        .collect();
    let mut derived: HashSet<(String, String)> = calc
        .derived
        .keys()
        .map(|c| (names[c.form].clone(), c.key()))
        .collect();
    // Empty 自评得分 cells fix scores from their 评（扣）分标准 are computed too.
    derived.extend(
        fiscalform::score::check::score_fills(&b)
            .iter()
            .map(|f| (names[f.cell.form].clone(), f.cell.key())),
    );
    let (gaps, gap_sheets) = layout_gaps(&catalog, &i1);
    Ok(Case {
        name,
        x,
        f1,
        f2,
        i1,
        clean,
        clean_said,
        json_x,
        json_f1,
        derived,
        gaps,
        gap_sheets,
    })
}

/// Forms of a workbook we wrote whose cells recognition leaves unread (values outside the
/// form on the form's own sheet): the one thing fix relies on that is not fix's own.
fn layout_gaps(catalog: &Catalog, written: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let r = fiscalform::report::check_file(catalog, written);
    let gaps: BTreeSet<String> = r
        .findings
        .iter()
        .filter(|f| f.rule == "value-outside-form")
        .filter(|f| {
            !f.sheet
                .as_deref()
                .is_some_and(|s| s.ends_with(fiscalform::load::own::STRAY_SUFFIX))
        })
        .map(|f| f.form.clone())
        .collect();
    let sheets = gaps
        .iter()
        .filter_map(|id| catalog.get(id))
        .flat_map(|f| {
            [
                f.sheet_name.clone(),
                format!("{}{}", f.sheet_name, fiscalform::load::own::STRAY_SUFFIX),
            ]
        })
        .collect();
    (gaps, sheets)
}

/// Forms whose layout, as fix writes it, recognition does not read back in full yet, per
/// fixture (any variant). Recognition of these families is being improved elsewhere; when it
/// reads a form back, `known_layout_gaps_are_exactly_these` fails until it is removed here, and
/// every round trip then covers it.
const KNOWN_GAPS: &[(&str, &[&str])] = &[];

#[test]
fn known_layout_gaps_are_exactly_these() {
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in cases() {
        let fixture = c.name.split('-').next().unwrap().to_string();
        found
            .entry(fixture)
            .or_default()
            .extend(c.gaps.iter().cloned());
    }
    found.retain(|_, v| !v.is_empty());
    let known: BTreeMap<String, BTreeSet<String>> = KNOWN_GAPS
        .iter()
        .map(|(f, ids)| (f.to_string(), ids.iter().map(|s| s.to_string()).collect()))
        .collect();
    assert_eq!(found, known, "update KNOWN_GAPS");
}

/// Run `check` on every case, collecting the failures of all cases into one report.
fn each_case(what: &str, check: impl Fn(&Case) + std::panic::RefUnwindSafe) {
    let mut failed = Vec::new();
    for c in cases() {
        if let Err(e) = std::panic::catch_unwind(|| check(c)) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failed.push(format!(
                "{}: {}",
                c.name,
                msg.chars().take(1500).collect::<String>()
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{what}: {} of {} cases fail:\n{}",
        failed.len(),
        cases().len(),
        failed.join("\n\n")
    );
}

/// Every fixture in every layout variant, built once for all the tests of this file; a case
/// that could not be built fails every test with its reason.
fn cases() -> Vec<&'static Case> {
    static BUILT: OnceLock<Vec<Result<Case, String>>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let mut todo: Vec<(String, Source)> = Vec::new();
        for f in FIXTURES {
            let b = fixture(f);
            for (tag, v) in variants(&b) {
                todo.push((
                    format!("{}-{tag}", f.trim_end_matches(".grid")),
                    Source::Grid(v),
                ));
            }
        }
        todo.extend(generated_sources());
        let mut chunks: Vec<Vec<(String, Source)>> = vec![Vec::new(), Vec::new()];
        for (i, t) in todo.into_iter().enumerate() {
            chunks[i % 2].push(t);
        }
        std::thread::scope(|sc| {
            let hs: Vec<_> = chunks
                .into_iter()
                .map(|chunk| {
                    sc.spawn(move || {
                        chunk
                            .into_iter()
                            .map(|(n, b)| make_case(n, &b))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
        })
    });
    let errors: Vec<&String> = built.iter().filter_map(|c| c.as_ref().err()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    built.iter().filter_map(|c| c.as_ref().ok()).collect()
}

/// A value compared as the audit sees it: amounts by decimal value ("526.360" = "526.36").
fn same_value(a: &Value, b: &Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(x), Some(y)) => match (x.parse::<Decimal>(), y.parse::<Decimal>()) {
            (Ok(p), Ok(q)) => p == q,
            _ => x == y,
        },
        _ => a == b,
    }
}

fn form_field<'a>(doc: &'a Value, id: &str, field: &str) -> &'a Value {
    doc["forms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .map(|f| &f[field])
        .unwrap_or(&Value::Null)
}

#[test]
fn export_of_fix_equals_export_of_the_input_on_every_input_cell() {
    each_case("property", |c| {
        let (a, b) = (
            logical_cells(&c.json_x, &[]),
            logical_cells(&c.json_f1, &[]),
        );
        let mut inputs = 0;
        for (k, v) in &a {
            if c.derived.contains(k) || c.gaps.contains(k.0.split('#').next().unwrap()) {
                continue;
            }
            inputs += 1;
            let w = b.get(k).unwrap_or(&Value::Null);
            assert!(
                same_value(v, w),
                "{}: {} {} was {v}, after fix {w}",
                c.name,
                k.0,
                k.1
            );
        }
        // Input cells fix did not have before cannot appear either.
        for (k, w) in &b {
            if !c.derived.contains(k)
                && !a.contains_key(k)
                && !c.gaps.contains(k.0.split('#').next().unwrap())
            {
                panic!("{}: {} {} appeared after fix as {w}", c.name, k.0, k.1);
            }
        }
        let judged = c.json_x["forms"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| !c.gaps.contains(f["id"].as_str().unwrap()))
            .count();
        assert!(
            judged == 0 || inputs > 0,
            "{}: only {inputs} input cells",
            c.name
        );
        let forms_x: Vec<_> = c.json_x["forms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].clone())
            .collect();
        let forms_f: Vec<_> = c.json_f1["forms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].clone())
            .collect();
        assert_eq!(forms_x, forms_f, "{}", c.name);
        for f in &forms_x {
            let id = f.as_str().unwrap();
            if c.gaps.contains(id) {
                continue;
            }
            for field in ["unit", "year"] {
                assert_eq!(
                    form_field(&c.json_x, id, field),
                    form_field(&c.json_f1, id, field),
                    "{} {id} {field}",
                    c.name
                );
            }
            // Remarks stay (fix may add an empty table's 空表说明).
            let rx: Vec<_> = form_field(&c.json_x, id, "remarks")
                .as_array()
                .unwrap()
                .clone();
            let rf: Vec<_> = form_field(&c.json_f1, id, "remarks")
                .as_array()
                .unwrap()
                .clone();
            for r in &rx {
                let k = label_key(r.as_str().unwrap());
                assert!(
                    rf.iter().any(|q| label_key(q.as_str().unwrap()) == k),
                    "{} {id}: remark {r} lost",
                    c.name
                );
            }
            // Values outside the form stay, at the address they had.
            let sx: BTreeSet<String> = form_field(&c.json_x, id, "strays")
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.to_string())
                .collect();
            let sf: BTreeSet<String> = form_field(&c.json_f1, id, "strays")
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.to_string())
                .collect();
            assert!(sx.is_subset(&sf), "{} {id}: strays {sx:?} → {sf:?}", c.name);
        }
    });
}

/// The content of a workbook as read back: every sheet but 审核结果, by name.
/// A sheet's non-empty cells at their places, and its merges in A1 notation.
type SheetContent = (Vec<(u32, u16, Cell)>, Vec<String>);

fn content(path: &Path) -> BTreeMap<String, SheetContent> {
    let wb = read_workbook(path).unwrap();
    wb.sheets
        .iter()
        .filter(|s| s.name != "审核结果")
        .map(|s| {
            let cells = s.cells().map(|(r, c, v)| (r, c, v.clone())).collect();
            (
                s.name.clone(),
                (cells, s.merges().iter().map(|m| m.to_string()).collect()),
            )
        })
        .collect()
}

fn assert_same_content(a: &Path, b: &Path, what: &str, skip: &BTreeSet<String>) {
    let (mut ca, mut cb) = (content(a), content(b));
    ca.retain(|k, _| !skip.contains(k));
    cb.retain(|k, _| !skip.contains(k));
    assert_eq!(
        ca.keys().collect::<Vec<_>>(),
        cb.keys().collect::<Vec<_>>(),
        "{what}: sheets"
    );
    for (name, (rows, merges)) in &ca {
        let (rows2, merges2) = &cb[name];
        assert_eq!(merges, merges2, "{what}: merges of {name}");
        let (x, y): (BTreeMap<_, _>, BTreeMap<_, _>) = (
            rows.iter().map(|(r, c, v)| ((*r, *c), v)).collect(),
            rows2.iter().map(|(r, c, v)| ((*r, *c), v)).collect(),
        );
        for (r, c) in x.keys().chain(y.keys()) {
            let p = x.get(&(*r, *c)).copied().unwrap_or(&Cell::Empty);
            let q = y.get(&(*r, *c)).copied().unwrap_or(&Cell::Empty);
            assert_eq!(p, q, "{what}: {name}!{}", grid::a1(*r, *c));
        }
    }
}

#[test]
fn fix_of_fix_is_fix() {
    each_case("property", |c| {
        assert_same_content(
            &c.f1,
            &c.f2,
            &format!("{}: fix(fix(x)) vs fix(x)", c.name),
            &c.gap_sheets,
        );
    });
}

/// The copy to submit is the corrected workbook without its audit: every form sheet and
/// other sheet with the same cells and merges as `fix` writes, no 审核结果, no sheet of
/// values outside the forms (their count said instead), no note and no mark's fill.
#[test]
fn a_clean_copy_is_the_fix_without_its_audit() {
    each_case("clean copy", |c| {
        let outside = |name: &String| name.ends_with("（表外内容）");
        let reviewed = content(&c.f1);
        let left_out: usize = (reviewed.iter())
            .filter(|(name, _)| outside(name))
            .map(|(_, (cells, _))| cells.len())
            .sum();
        let mut skip: BTreeSet<String> = reviewed.keys().filter(|n| outside(n)).cloned().collect();
        skip.extend(c.gap_sheets.iter().cloned());
        assert_same_content(&c.f1, &c.clean, "clean vs fix", &skip);
        let sheets = read_workbook(&c.clean).unwrap().sheets;
        assert!(
            !sheets
                .iter()
                .any(|s| s.name == "审核结果" || outside(&s.name)),
            "{:?}",
            sheets.iter().map(|s| &s.name).collect::<Vec<_>>()
        );
        let parts = xlsx_parts(&c.clean);
        assert!(!parts.iter().any(|p| p.contains("comments")), "{parts:?}");
        let styles = xlsx_part(&c.clean, "xl/styles.xml");
        assert!(!styles.contains("FFF2A8") && !styles.contains("F8C9C4"));
        let said = format!("表外内容 {left_out} 处未写入报送版");
        assert_eq!(
            c.clean_said.contains(&said),
            left_out > 0,
            "{}",
            c.clean_said
        );
        assert!(c.clean_said.starts_with("已生成报送版"), "{}", c.clean_said);
    });
}

#[test]
fn import_of_export_is_fix() {
    each_case("property", |c| {
        assert_same_content(
            &c.i1,
            &c.f1,
            &format!("{}: import(export(x)) vs fix(x)", c.name),
            &BTreeSet::new(),
        );
    });
}

#[test]
fn check_of_fix_has_no_error_fix_could_resolve() {
    let catalog = Catalog::embedded().unwrap();
    each_case("property", |c| {
        let r = fiscalform::report::check_file(&catalog, &c.f1);
        assert!(r.error.is_none(), "{}: {:?}", c.name, r.error);
        let left: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error && f.fixable && !c.gaps.contains(&f.form))
            .collect();
        assert!(left.is_empty(), "{}: {left:#?}", c.name);
        // And the same forms are found in the output as in the input.
        let r0 = fiscalform::report::check_file(&catalog, &c.x);
        let ids = |r: &fiscalform::report::FileReport| {
            r.forms.iter().map(|f| f.id.clone()).collect::<Vec<_>>()
        };
        assert_eq!(ids(&r0), ids(&r), "{}", c.name);
    });
}

/// A label without years, numbers, bracketed asides and the words that date it.
fn furniture_key(k: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for ch in k.chars() {
        match ch {
            '(' | '（' => depth += 1,
            ')' | '）' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            c if c.is_ascii_digit() || "-一二三四五六七八九十".contains(c) => {}
            c => out.push(c),
        }
    }
    for w in [
        "上年", "本年", "年度", "年", "附件", "省级", "市级", "县级", "单位", ":", "、", ",",
    ] {
        out = out.replace(w, "");
    }
    out
}

/// Numbers and texts of an output sheet, for looking values up.
struct Found {
    numbers: Vec<Decimal>,
    texts: Vec<String>,
}

impl Found {
    fn of(sheets: &[&Sheet]) -> Found {
        let mut f = Found {
            numbers: Vec::new(),
            texts: Vec::new(),
        };
        for s in sheets {
            for (_, _, c) in s.cells() {
                match c {
                    Cell::Number(d) => f.numbers.push(*d),
                    Cell::Text(t) => f.texts.push(label_key(t)),
                    other => f.texts.push(label_key(&other.to_string())),
                }
            }
        }
        f
    }
    fn number(&self, d: Decimal) -> bool {
        let shown = [
            format!("{:.2}", d),
            d.normalize().to_string(),
            format!("{}%", (d * Decimal::ONE_HUNDRED).normalize()),
        ];
        // At the precision it was typed with: a rate typed 67.71% is the recomputed
        // 0.677093… shown the same.
        let dp = d.normalize().scale();
        self.numbers.iter().any(|n| *n == d || n.round_dp(dp) == d)
            || self
                .texts
                .iter()
                .any(|t| shown.iter().any(|s| t.contains(s.as_str())))
    }
    fn cell(&self, c: &Cell) -> bool {
        match c {
            Cell::Empty => true,
            Cell::Number(d) => self.number(*d),
            Cell::Text(t) => {
                let k = label_key(t);
                if k.is_empty() || self.texts.iter().any(|x| x.contains(&k)) {
                    return true;
                }
                // A title with decorations around the form's own ("附件 1：2023 年度…自评表").
                if self
                    .texts
                    .iter()
                    .any(|x| x.chars().count() >= 8 && k.contains(x.as_str()))
                {
                    return true;
                }
                // The form's own wording in another spelling, which the template's replaces:
                // a dated header ("2022年决算数" for 上年决算数), an aside in brackets
                // ("部门（单位）"), an attachment number ("附件3-2", "附件三").
                let plain = furniture_key(&k);
                if plain.is_empty() && k.starts_with("附件") {
                    return true;
                }
                if plain.chars().count() >= 2
                    && self.texts.iter().any(|x| {
                        let y = furniture_key(x);
                        y.chars().count() >= 2 && (y.contains(&plain) || plain.contains(&y))
                    })
                {
                    return true;
                }
                // A label with its value in one cell ("其中：一般公共预算：526.36"), which
                // the form keeps as label and value cell.
                if let Some((label, value)) = k.rsplit_once(':') {
                    // The unit line carries the template's own label (部门： for 部门名称：).
                    let unit_line = [
                        "部门名称",
                        "部门",
                        "单位名称",
                        "单位",
                        "预算部门",
                        "填报单位",
                    ]
                    .contains(&label);
                    if !label.is_empty()
                        && (unit_line || self.texts.iter().any(|x| x.contains(label)))
                        && self.cell(&Cell::Text(value.to_string()))
                    {
                        return true;
                    }
                }
                let as_number = |a: Amount| match a {
                    Amount::Value(d) => self.number(d),
                    Amount::Nothing => self.texts.iter().any(|x| x == "——"),
                    _ => false,
                };
                as_number(parse_amount(c)) || as_number(parse_rate(c))
            }
            other => self.texts.contains(&label_key(&other.to_string())),
        }
    }
}

#[test]
fn every_non_empty_input_cell_is_found_in_the_output() {
    let catalog = Catalog::embedded().unwrap();
    each_case("property", |c| {
        let input: Workbook = read_workbook(&c.x).unwrap();
        let output: Workbook = read_workbook(&c.f1).unwrap();
        let content = fiscalform::load::load(&catalog, &c.x).unwrap();
        let audit = output.sheet("审核结果").expect("审核结果 sheet");
        assert_eq!(output.sheets[0].name, "审核结果", "{}", c.name);
        let mut missing = Vec::new();
        for sheet in &input.sheets {
            // The form read from this sheet (or continued on it): its output sheet, the sheet
            // of values kept beside it, and the audit (where a corrected value's original is
            // quoted).
            let form = content
                .forms
                .iter()
                .find(|(_, d)| {
                    d.sheet.as_deref() == Some(sheet.name.as_str())
                        || d.continued.iter().any(|(n, _)| *n == sheet.name)
                })
                .map(|(f, d)| (*f, d));
            let targets: Vec<&Sheet> = match form {
                Some((f, d)) => output
                    .sheets
                    .iter()
                    .filter(|o| {
                        // A repeatable form (附件3 per project) keeps the name of the sheet
                        // it starts on.
                        let base = if f.repeatable {
                            d.sheet.as_deref().unwrap_or(sheet.name.as_str())
                        } else {
                            f.sheet_name.as_str()
                        };
                        o.name == base || o.name == format!("{base}（表外内容）")
                    })
                    .chain([audit])
                    .collect(),
                None => output
                    .sheets
                    .iter()
                    .filter(|o| o.name == sheet.name)
                    .collect(),
            };
            assert!(
                !targets.is_empty(),
                "{}: no output sheet for {}",
                c.name,
                sheet.name
            );
            let found = Found::of(&targets);
            if form.is_some_and(|(f, _)| c.gaps.contains(&f.id)) {
                continue;
            }
            for (r, col, cell) in sheet.cells() {
                // "……" marks rows left out of a printed list; it holds no value.
                if matches!(cell, Cell::Text(t) if t.trim().trim_matches('…').is_empty()) {
                    continue;
                }
                if !found.cell(cell) {
                    missing.push(format!("{}!{} {cell:?}", sheet.name, grid::a1(r, col)));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "{}: not in the output: {missing:#?}",
            c.name
        );
    });
}

// ------------------------------------------------------------------ the sample workbook

const SAMPLE: &str = "tests/fixtures/sample/2023决算-株洲.xlsx";

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(SAMPLE)
}

/// The text of a part of the xlsx (zip) file whose name contains `part`, all such parts joined.
/// The names of an xlsx's parts.
fn xlsx_parts(path: &Path) -> Vec<String> {
    let f = std::fs::File::open(path).unwrap();
    let z = zip::ZipArchive::new(f).unwrap();
    z.file_names().map(|n| n.unwrap().to_string()).collect()
}

fn xlsx_part(path: &Path, part: &str) -> String {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut out = String::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        if e.name().is_ok_and(|n| n.contains(part)) {
            e.read_to_string(&mut out).unwrap();
        }
    }
    out
}

/// The sample's 本年收入合计 is published as 562.36 where its rows add up to 526.36: a
/// difference of 36 万元 (6%) may be a wrong part as well as a wrong total, so fix writes the
/// formula, marks the cell for a person with both figures and exits 1.
#[test]
fn fixing_the_sample_writes_the_formula_and_leaves_its_large_difference_to_a_person() {
    let out = dir("sample").join("已校正.xlsx");
    let (code, stdout, err) = run(&["fix", s(&sample()), "-o", s(&out)]);
    assert_eq!(code, 1, "{stdout}{err}");
    assert!(
        stdout.contains(
            "核对  公开01表!C33  需人工核对：填报数 562.36，按各项计算为 526.36，相差 36.00"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("仍需人工核对：错误 1 条"), "{stdout}");
    let wb = read_workbook(&out).unwrap();
    assert_eq!(wb.sheets[0].name, "审核结果");
    let s01 = wb.sheet("公开01表").unwrap();
    let (r, c) = fiscalform::normalize::parse_a1("C33").unwrap();
    assert_eq!(s01.get(r, c), &Cell::Number("526.36".parse().unwrap()));
    // The 尾差 of line 58 is kept as published (info, not a change).
    let (r, c) = fiscalform::normalize::parse_a1("F33").unwrap();
    assert_eq!(s01.get(r, c), &Cell::Number("526.36".parse().unwrap()));
    // The note on the cell gives both figures.
    let notes = xlsx_part(&out, "comments");
    assert!(
        notes.contains("需人工核对：填报数 562.36，按各项计算为 526.36"),
        "{notes}"
    );
    // The finding is listed with its Chinese rule name, a link to the output cell and what
    // fix did.
    let audit = wb.sheet("审核结果").unwrap();
    let row = (0..audit.height())
        .find(|&r| matches!(audit.get(r, 5), Cell::Text(t) if t.contains("562.36")))
        .expect("the error is listed");
    assert_eq!(audit.get(row, 1), &Cell::Text("错误".into()));
    assert_eq!(audit.get(row, 3), &Cell::Text("公开01表!C33".into()));
    assert_eq!(
        audit.get(row, 4),
        &Cell::Text("本年收入合计等于第1至8行之和".into())
    );
    assert!(matches!(audit.get(row, 6), Cell::Text(t) if t.starts_with("需人工核对")));
    let links = xlsx_part(&out, "xl/worksheets/sheet1.xml");
    assert!(
        links.contains("location=\"'公开01表'!C33\""),
        "internal link"
    );
    // The live formula of the cell and the kept 尾差 as an explicit term.
    let sheet2 = xlsx_part(&out, "xl/worksheets/sheet2.xml");
    assert!(sheet2.contains("<f>SUM(C7:C14)</f>"), "{sheet2}");
    assert!(sheet2.contains("+0.01</f>"), "尾差 kept as a visible term");
}

/// Seed 001 with its 本年收入合计 (526.36, the sum of its lines) published as `total`.
fn income_total_published_as(total: &str) -> grid::GridBook {
    let mut book = fixture("seed001_final.grid");
    let sheet = book.sheet_mut("公开01表");
    let (r, c) = sheet.find("本年收入合计").expect("本年收入合计 row");
    assert_eq!(sheet.cell(r, c + 2).as_str(), "526.36");
    sheet.put(r, c + 2, grid::GridCell::num(total));
    book
}

/// Writes `book` into `d` and fixes it there: exit code, standard output and error.
fn fix_book(d: &Path, book: &grid::GridBook) -> (i32, String, String) {
    let x = d.join("x.xlsx");
    book.write_xlsx(&x);
    let out = d.join("f.xlsx");
    run(&["fix", s(&x), "-o", s(&out)])
}

/// A difference within the definition's limits (1% and 1 万元 by default) beyond 尾差 is
/// corrected as certain: 526.86 for 526.36 is changed, yellow, exit 0.
#[test]
fn a_small_difference_is_corrected_without_a_person() {
    let book = income_total_published_as("526.86");
    let (code, stdout, err) = fix_book(&dir("small-difference"), &book);
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(
        stdout.contains("校正  公开01表!C33  原值 526.86 → 526.36"),
        "{stdout}"
    );
    assert!(!stdout.contains("核对  "), "{stdout}");
}

/// A total whose parts hold a figure that is not a number ("0,5": a decimal comma) is not
/// corrected by a sum counting it as 0, however small the difference: the same 526.86 that is
/// corrected above is left to a person, naming the unreadable cell.
#[test]
fn a_total_over_an_unreadable_part_is_left_to_a_person() {
    let mut book = income_total_published_as("526.86");
    let sheet = book.sheet_mut("公开01表");
    let (p, pc) = sheet
        .find("二、政府性基金预算财政拨款收入")
        .expect("line 2");
    sheet.put(p, pc + 2, grid::GridCell::text("0,5"));
    let (code, stdout, err) = fix_book(&dir("unreadable-part"), &book);
    assert_eq!(code, 1, "{stdout}{err}");
    assert!(
        stdout.contains("核对  公开01表!C33  需人工核对：C8 不是可识别的数字，按 0 计算为 526.36"),
        "{stdout}"
    );
    assert!(!stdout.contains("校正  公开01表!C33"), "{stdout}");
}

/// `wb` as a plain workbook (values and merges; formulas by their stored results), with
/// `edit` applied: what a clerk's save of a corrected workbook gives a reader.
fn resaved(wb: &Workbook, edit: impl Fn(&mut grid::GridBook)) -> grid::GridBook {
    let mut book = grid::GridBook::from_workbook(wb);
    edit(&mut book);
    book
}

/// The findings of checking `book` (written into `d` as `name`), with the exit code.
fn check_book(d: &Path, name: &str, book: &grid::GridBook) -> (i32, Vec<Value>) {
    let x = d.join(name);
    book.write_xlsx(&x);
    let (code, report) = cli::check_json(&x);
    let findings = report["files"][0]["findings"].as_array().cloned().unwrap();
    (code, findings)
}

fn of_rule<'a>(findings: &'a [Value], rule: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["rule"] == rule).collect()
}

/// A corrected workbook whose 审核结果 still lists an error for a person (a large difference
/// fix wrote the formula for, whichever side is wrong) does not check clean: each such line
/// is an error at its cell, said once, until the clerk marks it 已核对 or deletes the sheet.
/// Over totals published too high and too low, with and without a cross-table disagreement
/// (which the check tells itself, so the carried line is not repeated).
#[test]
fn a_corrected_workbook_with_items_left_for_a_person_does_not_check_clean() {
    for (i, total) in ["562.36", "626.36", "1526.36", "26.36"].iter().enumerate() {
        for across in [false, true] {
            let d = dir(&format!("left-open-{i}-{across}"));
            let mut book = income_total_published_as(total);
            if across {
                // A 公开05表 row raised by 10 (小计 and 基本支出): 05 and 06 then disagree, an
                // error fix leaves open at both tables.
                let s05 = book.sheet_mut("公开05表");
                let (r, _) = s05.find("2010450").expect("row 2010450");
                for col in [2, 3] {
                    let v: Decimal = s05.cell(r, col).as_str().parse().unwrap();
                    let raised = format!("{:.2}", v + Decimal::from(10));
                    s05.set(&grid::a1(r, col), grid::GridCell::num(&raised));
                }
            }
            let (code, stdout, err) = fix_book(&d, &book);
            assert_eq!(code, 1, "{total}: {stdout}{err}");
            let out = read_workbook(&d.join("f.xlsx")).unwrap();
            let audit = out.sheet("审核结果").unwrap();
            let open: Vec<u32> = (0..audit.height())
                .filter(|&r| {
                    audit.get(r, 1) == &Cell::Text("错误".into())
                        && matches!(audit.get(r, 6), Cell::Text(t) if t.starts_with("需人工核对"))
                })
                .collect();
            assert!(!open.is_empty(), "{total}: {stdout}");
            // As fix wrote it: every open line is an error again, at its cell, and no cell is
            // told twice.
            let (code, findings) = check_book(&d, "asis.xlsx", &resaved(&out, |_| {}));
            assert_eq!(code, 1, "{total} {across}: {findings:#?}");
            let carried = of_rule(&findings, fiscalform::load::LEFT_OPEN);
            assert!(
                carried.iter().any(|f| f["cell"] == "C33"
                    && f["message"]
                        .as_str()
                        .unwrap()
                        .contains(&format!("填报 {total}"))),
                "{total} {across}: {findings:#?}"
            );
            for f in &carried {
                let retold = findings.iter().filter(|g| {
                    g["rule"] != fiscalform::load::LEFT_OPEN
                        && g["severity"] == "error"
                        && g["sheet"] == f["sheet"]
                        && g["cell"] == f["cell"]
                });
                assert_eq!(retold.count(), 0, "{total} {across}: {f:#?}");
            }
            // Each open line marked 已核对: the carried errors are gone.
            let marked = resaved(&out, |b| {
                for &r in &open {
                    b.sheet_mut("审核结果")
                        .put(r, 6, grid::GridCell::text("已核对：合计填错"));
                }
            });
            let (_, findings) = check_book(&d, "marked.xlsx", &marked);
            assert!(of_rule(&findings, fiscalform::load::LEFT_OPEN).is_empty());
            // The sheet deleted: the same.
            let deleted = resaved(&out, |b| b.sheets.retain(|s| s.name != "审核结果"));
            let (code, findings) = check_book(&d, "deleted.xlsx", &deleted);
            assert!(of_rule(&findings, fiscalform::load::LEFT_OPEN).is_empty());
            assert_eq!(code, i32::from(across), "{total} {across}: {findings:#?}");
        }
    }
}

#[test]
fn output_equal_to_input_is_refused_and_the_input_is_untouched() {
    let d = dir("same");
    let x = d.join("x.xlsx");
    std::fs::copy(sample(), &x).unwrap();
    let before = std::fs::read(&x).unwrap();
    for other in [
        x.clone(),
        d.join(".").join("x.xlsx"),
        d.join("sub").join("..").join("x.xlsx"),
    ] {
        std::fs::create_dir_all(d.join("sub")).unwrap();
        let (code, _, err) = run(&["fix", s(&x), "-o", s(&other)]);
        assert_eq!(code, 2);
        assert!(err.contains("就是输入文件"), "{err}");
        let (code, _, _) = run(&["export", s(&x), "-o", s(&other)]);
        assert_eq!(code, 2);
    }
    // A hard link is the same file too.
    let link = d.join("link.xlsx");
    let _ = std::fs::remove_file(&link);
    std::fs::hard_link(&x, &link).unwrap();
    let (code, _, err) = run(&["fix", s(&x), "-o", s(&link)]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read(&x).unwrap(), before);
}

fn leftovers(d: &Path) -> Vec<String> {
    std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect()
}

#[test]
fn a_failure_mid_write_leaves_no_output_and_no_temporary_file() {
    let d = dir("atomic");
    for e in leftovers(&d) {
        std::fs::remove_file(d.join(e)).unwrap();
    }
    let out = d.join("out.xlsx");
    let r = fiscalform::write::write_atomic(&out, |f| {
        use std::io::Write;
        f.write_all(b"PK\x03\x04 half a workbook")?;
        Err(std::io::Error::other("disk full"))
    });
    assert!(r.is_err());
    assert!(!out.exists());
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
    // An existing output is left as it was.
    std::fs::write(&out, b"previous").unwrap();
    let r = fiscalform::write::write_atomic(&out, |_| Err(std::io::Error::other("killed")));
    assert!(r.is_err());
    assert_eq!(std::fs::read(&out).unwrap(), b"previous");
    assert_eq!(leftovers(&d), vec!["out.xlsx".to_string()]);
    // Through the command: a folder that does not exist.
    let bad = d.join("missing-folder").join("out.xlsx");
    let (code, _, err) = run(&["fix", s(&sample()), "-o", s(&bad)]);
    assert_eq!(code, 2);
    assert!(err.contains("无法写入文件"), "{err}");
    assert!(!bad.exists());
}

// ------------------------------------------------------------------ disagreements, strays, other sheets

/// Where a written sheet shows 科目 code `code`, as text or as a number.
fn code_at(sheet: &Sheet, code: &str) -> (u32, u16) {
    let number = Cell::Number(code.parse().expect("a code of digits"));
    (0..sheet.height())
        .flat_map(|r| (0..sheet.width()).map(move |c| (r, c)))
        .find(|&(r, c)| {
            let cell = sheet.get(r, c);
            *cell == Cell::Text(code.into()) || *cell == number
        })
        .unwrap_or_else(|| panic!("{code} in the output"))
}

/// Seed 001 with 公开05表 2010450 基本支出 raised by 10: 公开05表's totals follow, and 合计
/// 基本支出 no longer equals 公开06表 人员经费合计 + 公用经费合计 — two input-based figures that
/// disagree, which fix must not settle by guessing.
#[test]
fn a_disagreement_between_tables_is_highlighted_at_both_and_left_to_a_person() {
    let mut book = fixture("seed001_final.grid");
    let s05 = book.sheet_mut("公开05表");
    let (r, _) = s05.find("2010450").expect("row 2010450");
    let old = s05.cell(r, 3).clone();
    let raised = old.as_str().parse::<Decimal>().unwrap() + Decimal::from(10);
    s05.set(
        &grid::a1(r, 3),
        grid::GridCell::num(&format!("{raised:.2}")),
    );
    // Keep the row itself consistent (小计 = 基本 + 项目), so only the cross-table check fails.
    let sub = s05.cell(r, 2).as_str().parse::<Decimal>().unwrap() + Decimal::from(10);
    s05.set(&grid::a1(r, 2), grid::GridCell::num(&format!("{sub:.2}")));
    let d = dir("conflict");
    let x = d.join("x.xlsx");
    book.write_xlsx(&x);
    let out = d.join("out.xlsx");
    let (code, stdout, err) = run(&["fix", s(&x), "-o", s(&out)]);
    assert_eq!(code, 1, "an error is left for a person: {stdout}{err}");
    let wb = read_workbook(&out).unwrap();
    // The input cell is not "fixed".
    let s05 = wb.sheet("公开05表").unwrap();
    let (rr, _) = code_at(s05, "2010450");
    assert_eq!(s05.get(rr, 3), &Cell::Number(raised));
    // Listed, open, naming both tables.
    let audit = wb.sheet("审核结果").unwrap();
    let line = (0..audit.height())
        .find(|&r| {
            matches!(audit.get(r, 5), Cell::Text(t) if t.contains("公开05表") && t.contains("公开06表") && t.contains("人员经费合计"))
        })
        .expect("the cross-table finding is listed");
    assert_eq!(audit.get(line, 1), &Cell::Text("错误".into()));
    assert!(matches!(audit.get(line, 6), Cell::Text(t) if t.contains("需人工核对")));
    // Highlighted with a note at both ends: 公开05表 合计·基本支出 and 公开06表's totals.
    let notes05 = xlsx_part(&out, "comments2.xml") + &xlsx_part(&out, "comments");
    assert!(notes05.contains("公开06表"), "notes name the other table");
    let sheet_of = |name: &str| {
        let i = wb.sheets.iter().position(|s| s.name == name).unwrap() + 1;
        xlsx_part(&out, &format!("xl/worksheets/sheet{i}.xml"))
    };
    let s06 = wb.sheet("公开06表").unwrap();
    let staff = (0..s06.height())
        .flat_map(|r| (0..s06.width()).map(move |c| (r, c)))
        .find(|&(r, c)| matches!(s06.get(r, c), Cell::Text(t) if label_key(t) == "人员经费合计"))
        .unwrap();
    let staff_value = grid::a1(staff.0, staff.1 + 1);
    let xml06 = sheet_of("公开06表");
    let style_of = |xml: &str, cell: &str| -> Option<String> {
        let at = xml.find(&format!("r=\"{cell}\""))?;
        let rest = &xml[at..];
        let end = rest.find('>')?;
        rest[..end]
            .split("s=\"")
            .nth(1)
            .map(|x| x.split('"').next().unwrap().to_string())
    };
    let styles = xlsx_part(&out, "xl/styles.xml");
    let red_fills = styles.matches("F8C9C4").count();
    assert!(red_fills > 0, "a conflict fill exists");
    assert!(
        style_of(&xml06, &staff_value).is_some(),
        "人员经费合计 value at {staff_value}"
    );
    let vml = xlsx_part(&out, "vmlDrawing");
    assert!(vml.contains("<x:Row>"), "notes are anchored");
    let comments: Vec<String> = (1..=wb.sheets.len())
        .map(|i| xlsx_part(&out, &format!("xl/comments{i}.xml")))
        .collect();
    assert!(
        comments
            .iter()
            .filter(|c| c.contains("合计基本支出等于公开06表"))
            .count()
            >= 2
            || comments.iter().filter(|c| c.contains("公开06表")).count() >= 2,
        "the disagreement is noted on both sheets"
    );
}

#[test]
fn values_outside_the_form_and_other_sheets_are_kept_and_survive_a_second_fix() {
    let mut book = fixture("seed001_final.grid");
    let s01 = book.sheet_mut("公开01表");
    s01.put(9, 8, grid::GridCell::text("备查：含代管资金"));
    s01.put(11, 9, grid::GridCell::num("12.34"));
    let mut other = grid::GridSheet::new("封面");
    other.put(0, 0, grid::GridCell::text("2023年度部门决算公开"));
    other.put(2, 1, grid::GridCell::num("3"));
    other.merges.push((0, 0, 0, 4));
    book.sheets.push(other);
    let d = dir("strays");
    let x = d.join("x.xlsx");
    book.write_xlsx(&x);
    let (f1, f2) = (d.join("f1.xlsx"), d.join("f2.xlsx"));
    fix(&x, &f1);
    let wb = read_workbook(&f1).unwrap();
    let kept = wb
        .sheet("公开01表（表外内容）")
        .expect("strays kept beside the form");
    assert_eq!(kept.get(9, 8), &Cell::Text("备查：含代管资金".into()));
    assert_eq!(kept.get(11, 9), &Cell::Number("12.34".parse().unwrap()));
    let cover = wb.sheet("封面").expect("other sheet copied");
    assert_eq!(cover.get(0, 0), &Cell::Text("2023年度部门决算公开".into()));
    assert_eq!(cover.get(2, 1), &Cell::Number(3.into()));
    assert_eq!(
        cover
            .merges()
            .iter()
            .map(|m| m.to_string())
            .collect::<Vec<_>>(),
        vec!["A1:E1"]
    );
    // Reported in the audit, with a link to where they are now.
    let audit = wb.sheet("审核结果").unwrap();
    let listed = (0..audit.height()).any(|r| {
        audit.get(r, 4) == &Cell::Text("表外内容".into())
            && matches!(audit.get(r, 3), Cell::Text(t) if t.starts_with("公开01表（表外内容）!I10"))
    });
    assert!(listed);
    // The copy to submit keeps the cover, not the strays, and says how many it left out.
    let clean = d.join("clean.xlsx");
    let said = try_fix_as(&x, &clean, &["--clean"]).unwrap();
    assert!(said.contains("表外内容 2 处未写入报送版"), "{said}");
    let names: Vec<String> = (read_workbook(&clean).unwrap().sheets.iter())
        .map(|s| s.name.clone())
        .collect();
    assert!(names.contains(&"封面".to_string()), "{names:?}");
    assert!(!names
        .iter()
        .any(|n| n.contains("表外内容") || n == "审核结果"));
    fix(&f1, &f2);
    assert_same_content(&f1, &f2, "strays after a second fix", &BTreeSet::new());
    let wb2 = read_workbook(&f2).unwrap();
    let audit2 = wb2.sheet("审核结果").unwrap();
    assert!((0..audit2.height()).any(|r| audit2.get(r, 4) == &Cell::Text("表外内容".into())));
    assert_eq!(
        wb2.sheets
            .iter()
            .filter(|s| s.name.starts_with("审核结果"))
            .count(),
        1
    );
}

// ------------------------------------------------------------------ JSON and CSV

#[test]
fn the_json_export_follows_the_documented_schema() {
    let d = dir("json");
    let j = export(&sample(), &d.join("sample.json"));
    assert_eq!(j["format"], "fiscalform");
    assert_eq!(j["version"], 1);
    let f01 = j["forms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "final-01")
        .unwrap();
    assert_eq!(f01["table_no"], "公开01表");
    assert_eq!(f01["unit"], "株洲市长株潭一体化发展事务中心");
    let l27 = f01["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "L27")
        .unwrap();
    assert_eq!(l27["kind"], "fixed");
    assert_eq!(l27["line"], 27);
    assert_eq!(
        l27["values"]["amount"], "562.36",
        "amounts are decimal strings, as filled"
    );
    let f02 = j["forms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "final-02")
        .unwrap();
    let row = f02["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "2010450")
        .unwrap();
    assert_eq!(row["kind"], "coded");
    assert_eq!(row["code"], "2010450");
    assert_eq!(row["label"], "事业运行");
    let f07 = j["forms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "final-07")
        .unwrap();
    assert!(f07["remarks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.as_str().unwrap().contains("无数据")));
    // Text cells travel as text.
    let perf = dir("json").join("perf.xlsx");
    fixture("seed001_perf.grid").write_xlsx(&perf);
    let jp = export(&perf, &d.join("perf.json"));
    let texts = logical_cells(&jp, &[])
        .into_values()
        .filter(|v| {
            v.as_str()
                .is_some_and(|s| s.parse::<Decimal>().is_err() && s != "——")
        })
        .count();
    assert!(
        texts > 5,
        "indicator names, targets and reasons are exported"
    );
}

fn write_json(name: &str, v: &Value) -> PathBuf {
    let p = dir("import").join(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p
}

#[test]
fn import_refuses_what_does_not_fit_a_form_with_the_path_of_the_bad_field() {
    let d = dir("import");
    let good = export(&sample(), &d.join("good.json"));
    let i = good["forms"]
        .as_array()
        .unwrap()
        .iter()
        .position(|f| f["id"] == "final-01")
        .unwrap();
    let row = good["forms"][i]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .position(|r| r["key"] == "L27")
        .unwrap();
    type Breakage = (Box<dyn Fn(&mut Value)>, String, &'static str);
    let cases: Vec<Breakage> = vec![
        (
            Box::new(move |v: &mut Value| {
                v["forms"][i]["rows"][row]["values"]["amount"] = "5a6.36".into()
            }),
            format!("$.forms[{i}].rows[{row}].values.amount"),
            "不是数字",
        ),
        (
            Box::new(move |v: &mut Value| {
                v["forms"][i]["rows"][row]["values"]["amount2"] = "1".into()
            }),
            format!("$.forms[{i}].rows[{row}].values.amount2"),
            "没有数值栏",
        ),
        (
            Box::new(move |v: &mut Value| v["forms"][i]["rows"][row]["key"] = "L99".into()),
            format!("$.forms[{i}].rows[{row}].key"),
            "没有行",
        ),
        (
            Box::new(move |v: &mut Value| v["forms"][i]["id"] = "final-99".into()),
            format!("$.forms[{i}].id"),
            "没有 id",
        ),
        (
            Box::new(move |v: &mut Value| v["forms"][i]["vales"] = Value::Null),
            format!("$.forms[{i}].vales"),
            "未知字段",
        ),
        (
            Box::new(move |v: &mut Value| {
                let again = v["forms"][i]["rows"][row].clone();
                v["forms"][i]["rows"].as_array_mut().unwrap().push(again);
            }),
            format!(
                "$.forms[{i}].rows[{}].key",
                good["forms"][i]["rows"].as_array().unwrap().len()
            ),
            "出现两次",
        ),
        (
            Box::new(|v: &mut Value| v["version"] = 7.into()),
            "$.version".to_string(),
            "不支持的版本",
        ),
    ];
    for (n, (break_it, path, what)) in cases.into_iter().enumerate() {
        let mut v = good.clone();
        break_it(&mut v);
        let p = write_json(&format!("bad{n}.json"), &v);
        let out = d.join(format!("bad{n}.xlsx"));
        let (code, _, err) = run(&["import", s(&p), "-o", s(&out)]);
        assert_eq!(code, 2, "{path}");
        assert!(err.contains(&path), "{path}: {err}");
        assert!(err.contains(what), "{what}: {err}");
        assert!(!out.exists());
    }
    // A hand-written document with only some values is fine.
    let small = serde_json::json!({"forms": [{"id": "final-09", "unit": "某某中心", "year": "2023",
        "rows": [{"panel": "main", "key": "data", "values": {"c8": "1.00", "c10": "2.50", "c11": "3", "c12": "0.5"}}]}]});
    let p = write_json("small.json", &small);
    let out = d.join("small.xlsx");
    let (code, stdout, err) = run(&["import", s(&p), "-o", s(&out)]);
    assert!(code == 0 || code == 1, "{stdout}{err}");
    let wb = read_workbook(&out).unwrap();
    let nums: Vec<Decimal> = wb
        .sheet("公开09表")
        .unwrap()
        .cells()
        .filter_map(|(_, _, c)| match c {
            Cell::Number(d) => Some(*d),
            _ => None,
        })
        .collect();
    assert!(
        nums.contains(&"5.5".parse().unwrap()),
        "小计 = 2.50 + 3 computed: {nums:?}"
    );
}

#[test]
fn csv_export_is_one_file_per_form_excel_safe() {
    let mut book = fixture("seed001_perf.grid");
    // A reason typed as a formula must not run when the CSV is opened.
    let sheet = &mut book.sheets[0];
    let (r, c) = sheet
        .find("偏差原因分析及改进措施")
        .or_else(|| sheet.find("偏差原因"))
        .expect("reason column");
    sheet.put(
        r + 2,
        c,
        grid::GridCell::text("=HYPERLINK(\"http://x\",\"点此\")"),
    );
    let d = dir("csv");
    let x = d.join("perf.xlsx");
    book.write_xlsx(&x);
    let out = d.join("perf-csv");
    let _ = std::fs::remove_dir_all(&out);
    let (code, stdout, err) = run(&["export", s(&x), "--format", "csv", "-o", s(&out)]);
    assert_eq!(code, 0, "{stdout}{err}");
    let files = leftovers(&out);
    assert!(!files.is_empty());
    let mut all = String::new();
    for f in &files {
        let bytes = std::fs::read(out.join(f)).unwrap();
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "{f}: UTF-8 BOM");
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.lines().next().unwrap().contains("单位,年度,表,表号"),
            "{f}"
        );
        all.push_str(&text);
    }
    assert!(
        all.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"点此\"\")\""),
        "escaped formula"
    );
    assert!(!all
        .lines()
        .any(|l| l.split(',').any(|f| f.starts_with('='))));
    // One file per form of the workbook.
    let catalog = Catalog::embedded().unwrap();
    let n = fiscalform::load::load(&catalog, &x).unwrap().forms.len();
    assert_eq!(files.len(), n);
    // Fields: escaping is for text, not for numbers.
    assert_eq!(fiscalform::interchange::csv_field("-12.50"), "-12.50");
    assert_eq!(fiscalform::interchange::csv_field("-x"), "'-x");
    assert_eq!(fiscalform::interchange::csv_field("+1"), "'+1");
    assert_eq!(fiscalform::interchange::csv_field("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(fiscalform::interchange::csv_field("a,b"), "\"a,b\"");
}

#[path = "support/lo.rs"]
mod lo;

/// One sheet of fix's output, as we stored it and as LibreOffice recalculates it.
struct Fixed {
    values: calamine::Range<calamine::Data>,
    formulas: calamine::Range<String>,
    recalculated: calamine::Range<calamine::Data>,
}

impl Fixed {
    /// Run `fix` on `input` into `d`, have LibreOffice recalculate the output, read `sheet`.
    fn run(d: &Path, input: &Path, sheet: &str) -> Fixed {
        use calamine::{open_workbook, Reader, Xlsx};
        let out = d.join("fixed.xlsx");
        let (code, stdout, err) = run(&["fix", s(input), "-o", s(&out)]);
        assert!(code == 0 || code == 1, "{stdout}{err}");
        let lo_out = lo::convert(&out, "xlsx", &d.join("lo"));
        let mut ours: Xlsx<_> = open_workbook(&out).unwrap();
        let mut theirs: Xlsx<_> = open_workbook(&lo_out).unwrap();
        Fixed {
            values: ours.worksheet_range(sheet).unwrap(),
            formulas: ours.worksheet_formula(sheet).unwrap(),
            recalculated: theirs.worksheet_range(sheet).unwrap(),
        }
    }
    /// Absolute position of the first cell whose label is `label`.
    fn label(&self, label: &str) -> (u32, u32) {
        use calamine::Data;
        let (r0, c0) = self.values.start().unwrap();
        self.values
            .cells()
            .find(|(_, _, v)| matches!(v, Data::String(s) if label_key(s) == label_key(label)))
            .map(|(r, c, _)| (r as u32 + r0, c as u32 + c0))
            .unwrap_or_else(|| panic!("{label}"))
    }
    fn formula(&self, at: (u32, u32)) -> String {
        self.formulas.get_value(at).cloned().unwrap_or_default()
    }
}

fn number_at(range: &calamine::Range<calamine::Data>, at: (u32, u32)) -> Option<f64> {
    match range.get_value(at) {
        Some(calamine::Data::Float(f)) => Some(*f),
        Some(calamine::Data::Int(i)) => Some(*i as f64),
        _ => None,
    }
}

/// The numbers right of a label in its row, with their columns.
fn numbers_right_of(
    range: &calamine::Range<calamine::Data>,
    (r, c): (u32, u32),
) -> Vec<(u32, f64)> {
    (c + 1..c + 12)
        .filter_map(|cc| number_at(range, (r, cc)).map(|v| (cc, v)))
        .collect()
}

/// Seed 000 附件3-1 fills 年度资金总额·全年执行数 (186.99) but leaves its 其中 rows blank: fix must
/// keep the published figure (not recompute it to 0 and wreck 执行率 and the score) and write a
/// formula that shows it until the parts are filled, which LibreOffice evaluates the same way.
#[test]
fn a_total_whose_parts_are_blank_keeps_its_figure_and_stays_live() {
    let d = dir("blank-parts");
    let input = d.join("seed000.xlsx");
    fixture("seed000_perf.grid").write_xlsx(&input);
    let sheet = Fixed::run(&d, &input, "附件3-1");
    let fund = sheet.label("年度资金总额");
    // 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 自评得分 follow the label.
    let numbers = numbers_right_of(&sheet.values, fund);
    let (exec_col, exec) = numbers[2];
    assert!((exec - 186.99).abs() < 1e-9, "全年执行数 kept: {numbers:?}");
    let f = sheet.formula((fund.0, exec_col));
    assert!(
        f.starts_with("IF(COUNT(") && f.contains("186.99"),
        "live formula that shows the figure: {f}"
    );
    let lo_exec = number_at(&sheet.recalculated, (fund.0, exec_col)).expect("LibreOffice value");
    assert!(
        (lo_exec - 186.99).abs() < 0.005,
        "LibreOffice computes {lo_exec}"
    );
    let (_, rate) = numbers[4];
    assert!(
        (rate - 0.6063).abs() < 0.0001,
        "执行率 from the kept figure: {rate}"
    );
    let (_, score) = numbers[5];
    assert!(
        (score - 6.06).abs() < 1e-9,
        "execution score 10 × 60.63% = 6.06: {score}"
    );
}

/// Seed 000 附件2 scores the execution rate 79.68% as 8 (10 × 79.68% = 7.97 at the integer
/// precision the form shows): fix keeps 8 with a formula rounded to that precision, so 总分
/// stays 97, and LibreOffice computes the same.
#[test]
fn a_score_right_at_its_shown_precision_is_kept_rounded() {
    let d = dir("shown-precision");
    let input = d.join("seed000.xlsx");
    fixture("seed000_perf.grid").write_xlsx(&input);
    let sheet = Fixed::run(&d, &input, "附件2");
    let last = |range, at| *numbers_right_of(range, at).last().unwrap();
    let fund = sheet.label("年度资金总额");
    let (score_col, score) = last(&sheet.values, fund);
    assert_eq!(score, 8.0);
    let f = sheet.formula((fund.0, score_col));
    assert!(f.starts_with("ROUND(") && f.ends_with(",0)"), "{f}");
    assert_eq!(
        last(&sheet.recalculated, fund).1,
        8.0,
        "LibreOffice rounds the same way"
    );
    let total = sheet.label("总分");
    assert_eq!(last(&sheet.values, total).1, 97.0);
    assert_eq!(last(&sheet.recalculated, total).1, 97.0);
}

/// `fiscalform fix` on seed 000 with the quantitative 自评得分 of 附件2 left empty: fix fills
/// each from its 评（扣）分标准 as a formula (在职人员控制率 75% → 8, 公用经费控制率 79.85% → 6,
/// “三公经费”控制率 18.09% → 6, 满意度 90% → 10), leaves the judged ones alone, recomputes 总分,
/// and LibreOffice's recalculation gives the same numbers.
#[test]
fn fix_fills_empty_quantitative_scores_and_libreoffice_agrees() {
    let d = dir("fill-scores");
    let mut book = fixture("seed000_perf.grid");
    let names = [
        "在职人员控制率",
        "公用经费控制率",
        "“三公经费”控制率",
        "社会公众或服务对象满意度",
    ];
    {
        let sheet = book.sheet_mut("附件2");
        for n in names {
            let (r, c) = sheet.find(n).unwrap_or_else(|| panic!("{n}"));
            // 三级指标, 年度指标值, 实际完成值, 分值, 自评得分
            sheet.set(&grid::a1(r, c + 4), grid::GridCell::Empty);
        }
    }
    let input = d.join("seed000-empty-scores.xlsx");
    book.write_xlsx(&input);
    let sheet = Fixed::run(&d, &input, "附件2");
    let num = |range, at: (u32, u32)| number_at(range, at).unwrap_or_else(|| panic!("{at:?}"));
    for (name, want) in names.iter().zip([8.0, 6.0, 6.0, 10.0]) {
        let (r, c) = sheet.label(name);
        let at = (r, c + 4);
        assert_eq!(num(&sheet.values, at), want, "{name} filled");
        assert!(!sheet.formula(at).is_empty(), "{name} is a formula");
        assert!(
            (num(&sheet.recalculated, at) - want).abs() < 0.005,
            "{name}: LibreOffice computes {}",
            num(&sheet.recalculated, at)
        );
    }
    // A judged score (管理制度健全性 10) is left as typed.
    let (r, c) = sheet.label("管理制度健全性");
    assert_eq!(num(&sheet.values, (r, c + 4)), 10.0);
    assert!(sheet.formula((r, c + 4)).is_empty());
    // 总分 adds the filled scores: 8 + 8 + 10 + 10 + 6 + 6 + 10 + 9 + 10 + 10 + 10 = 97.
    let total = *numbers_right_of(&sheet.values, sheet.label("总分"))
        .last()
        .unwrap();
    assert_eq!(total.1, 97.0);
    assert_eq!(
        num(&sheet.recalculated, (sheet.label("总分").0, total.0)),
        97.0
    );
}

#[test]
fn a_text_in_an_amount_cell_is_listed_and_noted_at_its_cell_in_the_output() {
    let mut book = fixture("seed001_final.grid");
    let s05 = book.sheet_mut("公开05表");
    let (r, _) = s05.find("2010450").expect("row 2010450");
    let input_cell = grid::a1(r, 3);
    s05.set(&input_cell, grid::GridCell::text("见附件"));
    let d = dir("text-in-amount");
    let x = d.join("x.xlsx");
    book.write_xlsx(&x);
    let out = d.join("out.xlsx");
    let (code, stdout, err) = run(&["fix", s(&x), "-o", s(&out)]);
    assert_eq!(code, 1, "left for a person: {stdout}{err}");
    let wb = read_workbook(&out).unwrap();
    // The same logical cell in the output: row 2010450, the same amount column.
    let s05 = wb.sheet("公开05表").unwrap();
    let (rr, cc) = code_at(s05, "2010450");
    let output_cell = grid::a1(rr, cc + 3);
    let audit = wb.sheet("审核结果").unwrap();
    let line = (0..audit.height())
        .find(|&r| matches!(audit.get(r, 5), Cell::Text(t) if t.contains("见附件")))
        .expect("the text is listed");
    let Cell::Text(place) = audit.get(line, 3) else {
        panic!("the line names a place");
    };
    assert!(
        place.starts_with(&format!("公开05表!{output_cell}")),
        "listed at {place}, the output cell is {output_cell} (input {input_cell})"
    );
    let comments: String = (1..=wb.sheets.len())
        .map(|i| xlsx_part(&out, &format!("xl/comments{i}.xml")))
        .collect();
    assert!(
        comments.contains("见附件"),
        "the cell carries the finding's note"
    );
}
