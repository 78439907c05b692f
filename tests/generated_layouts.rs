//! Every form of every fixture, rendered in hundreds of seeded layouts real units publish
//! (tests/support/layout_gen.rs), reads back to the logical values it was rendered from, and
//! every value drawn ends in a logical cell or a reported stray.
//!
//! Debugging one layout: `FISCALFORM_GEN_ONLY=final-01:stacked+no-table-no:42 cargo test
//! --release --test generated_layouts -- --nocapture` renders that form (of every fixture that
//! has it) with those variations and seed, prints the sheets and what reads differently.

#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;

use fiscalform::expr::Val;
use fiscalform::form::{Catalog, Form, Severity};
use fiscalform::load::{recognize_book, Recognized};
use fiscalform::model::FormData;
use layout_gen::{
    fixture_book, known_gaps, names, parse_names, pick, render, render_moved_columns,
    render_page_totals, PageTotals, Rendered, Variation,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::OnceLock;

const FIXTURES: &[&str] = &[
    "seed000_perf.grid",
    "seed001_final.grid",
    "seed001_perf.grid",
    "seed002_budget.grid",
    "seed003_report.grid",
    "seed004_perf.grid",
];

/// Seeds per (form, variation) alone.
const SINGLE_SEEDS: u64 = 4;
/// Seeds a listed gap is tried on until one fails (a gap may depend on the seed's choices).
const GAP_SEEDS: u64 = 200;
/// Seeded combinations of the variations that pass alone, per form of a fixture.
const COMBINED_SEEDS: u64 = 120;
/// At most this many variations combined in one layout.
const MOST_COMBINED: usize = 5;

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::embedded().unwrap())
}

/// One filled form of a fixture, as recognition reads the plain fixture: the truth.
struct Case {
    fixture: &'static str,
    form: &'static Form,
    data: FormData,
}

impl Case {
    fn name(&self) -> String {
        format!(
            "{}/{}",
            self.fixture.trim_end_matches(".grid"),
            self.form.id
        )
    }
}

fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let mut out = Vec::new();
        for f in FIXTURES {
            let rec = recognize_book(catalog(), &fixture_book(f));
            for (form, data) in rec.forms {
                out.push(Case {
                    fixture: f,
                    form,
                    data,
                });
            }
        }
        out
    })
}

/// Every non-blank logical value of a form, unit and year: key → shown value.
fn logical_values(data: &FormData) -> BTreeMap<String, String> {
    let shown = |v: &Val| match v {
        Val::Blank => None,
        Val::Num(d) => Some(d.normalize().to_string()),
        Val::Text(t) if t.trim().is_empty() => None,
        other => Some(format!("{other:?}")),
    };
    let mut m = BTreeMap::new();
    for row in &data.rows {
        for (col, v) in &row.values {
            if let Some(s) = shown(v) {
                m.insert(format!("{}.{col}", row.key), s);
            }
        }
    }
    for (k, v) in &data.grid {
        if let Some(s) = shown(v) {
            m.insert(k.clone(), s);
        }
    }
    for (k, v) in [("(unit)", &data.unit), ("(year)", &data.year)] {
        if let Some(v) = v {
            m.insert(k.to_string(), v.clone());
        }
    }
    m
}

/// What reads differently from the truth, one line per logical cell.
fn differences(want: &FormData, got: &FormData) -> Vec<String> {
    let (w, g) = (logical_values(want), logical_values(got));
    let keys: BTreeSet<&String> = w.keys().chain(g.keys()).collect();
    keys.into_iter()
        .filter(|k| w.get(*k) != g.get(*k))
        .map(|k| {
            let at = got
                .origin
                .get(k.as_str())
                .map_or(String::new(), |a| format!(" at {a}"));
            format!(
                "{k}: want {}, read {}{at}",
                w.get(k).map_or("(blank)", String::as_str),
                g.get(k).map_or("(blank)", String::as_str)
            )
        })
        .collect()
}

/// Conservation: every value cell drawn ends in a logical cell (its origin) or is reported
/// as a value outside the form. The one place to tighten when recognition explains where
/// labels, headers and notes went.
fn lost_cells(r: &Rendered, rec: &Recognized) -> Vec<String> {
    let mut found: BTreeSet<(String, String)> = BTreeSet::new();
    for (_, d) in &rec.forms {
        let home = d.sheet.clone().unwrap_or_default();
        let place = |a: &str| match a.split_once('!') {
            Some((s, cell)) => (s.trim_matches('\'').to_string(), cell.to_string()),
            None => (home.clone(), a.to_string()),
        };
        found.extend(d.origin.values().map(|a| place(&a.to_string())));
        found.extend(d.strays.iter().map(|s| place(&s.cell.to_string())));
    }
    for f in &rec.findings {
        if f.rule == "value-outside-form" {
            if let (Some(s), Some(c)) = (&f.sheet, &f.cell) {
                found.insert((s.clone(), c.clone()));
            }
        }
    }
    r.values
        .iter()
        .filter(|(s, a, _)| !found.contains(&(s.clone(), a.clone())))
        .map(|(s, a, k)| format!("{s}!{a} ({k}) is neither read nor reported"))
        .collect()
}

/// What reading says about a legitimate layout beyond 提示: never an error, and for a
/// variation alone not even a warning (a label, header or number left outside the form, a
/// row taken for a second printing of another).
fn false_alarms(r: &Rendered, rec: &Recognized) -> Vec<String> {
    let alone = r.variations.len() <= 1;
    rec.findings
        .iter()
        .filter(|f| f.severity == Severity::Error || (alone && f.severity == Severity::Warning))
        .map(|f| {
            let at = f.cell.as_deref().unwrap_or("");
            format!("false {:?} {} at {at}: {}", f.severity, f.rule, f.message)
        })
        .collect()
}

/// Render one layout of a case and read it back: what went wrong, if anything.
fn trial(case: &Case, variations: &[Variation], seed: u64) -> Result<(), Vec<String>> {
    let r = rendered(case, variations, seed);
    check_rendering(case, &r, &recognize_book(catalog(), &r.book))
}

/// A layout of a case, in its workbook: names printed without codes take their codes from the
/// workbook's other tables, so that layout comes with the fixture's other sheets as they are.
fn rendered(case: &Case, variations: &[Variation], seed: u64) -> Rendered {
    let mut r = render(case.form, &case.data, variations, seed);
    if variations.contains(&Variation::IndentedNames) {
        r.add_companions(&fixture_book(case.fixture), case.data.sheet.as_deref());
    }
    r
}

fn check_rendering(case: &Case, r: &Rendered, rec: &Recognized) -> Result<(), Vec<String>> {
    let mut problems = lost_cells(r, rec);
    problems.extend(false_alarms(r, rec));
    let read: Vec<&FormData> = rec
        .forms
        .iter()
        .filter(|(f, _)| f.id == case.form.id)
        .map(|(_, d)| d)
        .collect();
    let copies = if r.variations.contains(&Variation::SeveralInOneSheet) {
        2
    } else {
        1
    };
    match read.as_slice() {
        [one] if copies == 1 => problems.extend(differences(&case.data, one)),
        several if several.len() == copies => {
            for one in several {
                problems.extend(differences(&case.data, one));
            }
        }
        [] => {
            let seen: Vec<&str> = rec.forms.iter().map(|(f, _)| f.id.as_str()).collect();
            problems.push(format!("{} not recognised (found {seen:?})", case.form.id));
        }
        other => problems.push(format!(
            "{} read {} times, drawn {copies} times",
            case.form.id,
            other.len()
        )),
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// `FISCALFORM_GEN_ONLY=form:var+var:seed`: render and dump that layout only.
fn only() -> Option<(String, Vec<Variation>, u64)> {
    let spec = std::env::var("FISCALFORM_GEN_ONLY").ok()?;
    let mut parts = spec.split(':');
    let form = parts.next()?.to_string();
    let vars = parse_names(parts.next().unwrap_or("plain"));
    let seed = parts.next().map_or(0, |s| s.parse().unwrap());
    Some((form, vars, seed))
}

fn run_only(form: &str, vars: &[Variation], seed: u64) {
    let mut failed = false;
    for case in cases().iter().filter(|c| c.form.id == form) {
        let r = rendered(case, vars, seed);
        println!(
            "##### {} {} seed {seed}\n{}",
            case.name(),
            names(vars),
            r.dump()
        );
        let rec = recognize_book(catalog(), &r.book);
        for f in &rec.findings {
            println!(
                "finding: {} {} {:?} {}",
                f.severity, f.rule, f.cell, f.message
            );
        }
        if let Err(p) = check_rendering(case, &r, &rec) {
            failed = true;
            println!("DIFFERENCES:\n{}", p.join("\n"));
        } else {
            println!("reads back the same");
        }
        let xlsx = std::env::temp_dir().join(format!("gen-only-{form}-{seed}.xlsx"));
        r.write_xlsx(&xlsx);
        println!("written to {} (for `fiscalform explain`)", xlsx.display());
    }
    assert!(!failed, "see the differences above");
}

/// Per variation: the forms where it reads back and those where it does not.
#[derive(Default)]
struct Table {
    rows: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>,
}

impl Table {
    fn record(&mut self, variation: &str, form: &str, ok: bool) {
        let e = self.rows.entry(variation.to_string()).or_default();
        if ok {
            e.0.insert(form.to_string());
        } else {
            e.1.insert(form.to_string());
        }
    }
    fn failing(&self) -> BTreeSet<(String, String)> {
        self.rows
            .iter()
            .flat_map(|(v, (_, bad))| bad.iter().map(move |f| (f.clone(), v.clone())))
            .collect()
    }
    fn render(&self) -> String {
        let mut s = String::from("variation                  pass fail  failing forms\n");
        for (v, (good, bad)) in &self.rows {
            let good = good.difference(bad).count();
            let list: Vec<&str> = bad.iter().map(String::as_str).collect();
            s.push_str(&format!(
                "{v:<26} {good:>4} {:>4}  {}\n",
                bad.len(),
                list.join(" ")
            ));
        }
        s
    }
}

/// The first seed below `seeds` whose layout does not read back, with what went wrong.
fn first_failure(case: &Case, vs: &[Variation], seeds: u64) -> Option<String> {
    (0..seeds).find_map(|seed| {
        trial(case, vs, seed).err().map(|p| {
            let first: Vec<String> = p.into_iter().take(3).collect();
            format!("{}:{}:{seed}: {}", case.name(), names(vs), first.join("; "))
        })
    })
}

#[test]
fn generated_layouts_read_back_the_same_values() {
    if let Some((form, vars, seed)) = only() {
        return run_only(&form, &vars, seed);
    }
    let known = known_gaps();
    let mut table = Table::default();
    let mut detail: BTreeMap<(String, String), String> = BTreeMap::new();
    for case in cases() {
        let id = case.form.id.as_str();
        // Alone: the plain rendering and each variation not listed on a few seeds; a listed
        // gap on as many seeds as it takes to fail.
        let mut todo: Vec<(Vec<Variation>, u64)> = vec![(vec![], 1)];
        for v in Variation::ALL.into_iter().filter(|v| v.applies(case.form)) {
            if !known.contains(&(id.to_string(), v.name().to_string())) {
                todo.push((vec![v], SINGLE_SEEDS));
            }
        }
        for (_, spec) in known.iter().filter(|(f, _)| f == id) {
            todo.push((parse_names(spec), GAP_SEEDS));
        }
        for (vs, seeds) in todo {
            let failure = first_failure(case, &vs, seeds);
            table.record(&names(&vs), id, failure.is_none());
            if let Some(f) = failure {
                detail.entry((id.to_string(), names(&vs))).or_insert(f);
            }
        }
    }
    let failing = table.failing();
    let mut report = Vec::new();
    for gap in failing.difference(&known) {
        report.push(format!("NEW FAILURE {} {}: {}", gap.0, gap.1, detail[gap]));
    }
    for gap in known.difference(&failing) {
        report.push(format!(
            "FIXED (remove from KNOWN_GAPS) {} {}",
            gap.0, gap.1
        ));
    }
    report.extend(combined_failures(&known));
    assert!(
        report.is_empty(),
        "{}\n{}\nKNOWN_GAPS as found today:\n{}",
        table.render(),
        report.join("\n"),
        failing
            .iter()
            .map(|(f, v)| format!("    (\"{f}\", \"{v}\"),"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Seeded combinations of the variations that pass alone on each form, leaving out those
/// holding a combination listed as a gap: each must read back.
fn combined_failures(known: &BTreeSet<(String, String)>) -> Vec<String> {
    let mut out = Vec::new();
    for case in cases() {
        let id = &case.form.id;
        let listed = |v: &str| known.contains(&(id.clone(), v.to_string()));
        if listed("plain") {
            continue;
        }
        let pool: Vec<Variation> = Variation::ALL
            .into_iter()
            .filter(|v| !listed(v.name()))
            .collect();
        let gap_sets: Vec<Vec<Variation>> = known
            .iter()
            .filter(|(f, _)| f == id)
            .map(|(_, spec)| parse_names(spec))
            .collect();
        for seed in 0..COMBINED_SEEDS {
            let vs = pick(case.form, &pool, MOST_COMBINED, seed);
            if gap_sets.iter().any(|g| g.iter().all(|v| vs.contains(v))) {
                continue;
            }
            if let Err(p) = trial(case, &vs, seed) {
                out.push(format!(
                    "COMBINED {}:{}:{seed}: {}",
                    case.name(),
                    names(&vs),
                    p.into_iter().take(3).collect::<Vec<_>>().join("; ")
                ));
            }
        }
    }
    out
}

/// A sample of the layouts, written as .xlsx files and read through `read_workbook`: the file
/// path gives the same values as the sheets built in memory.
#[test]
fn a_sample_written_to_xlsx_reads_back_the_same_values() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("generated-layouts");
    std::fs::create_dir_all(&dir).unwrap();
    let mut problems = Vec::new();
    for (i, case) in cases().iter().enumerate().step_by(3) {
        let seed = 1000 + i as u64;
        let mut r = layout_gen::passing_layout(case.form, &case.data, MOST_COMBINED, seed);
        if r.variations.contains(&Variation::IndentedNames) {
            r.add_companions(&fixture_book(case.fixture), case.data.sheet.as_deref());
        }
        let path = dir.join(format!("{}-{seed}.xlsx", case.form.id));
        r.write_xlsx(&path);
        let book = fiscalform::read::read_workbook(&path).unwrap();
        if let Err(p) = check_rendering(case, &r, &recognize_book(catalog(), &book)) {
            problems.push(format!(
                "{}:{}:{seed} ({}): {}",
                case.name(),
                names(&r.variations),
                path.display(),
                p.join("; ")
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Conservation when a row is printed twice: the first data row of 公开01表 printed again under
/// the repeated header, with other numbers. Its logical cells keep the first row's values, and
/// every number of the second printing is reported as a value outside the form, never read
/// over the first.
#[test]
fn a_row_printed_again_after_a_repeated_header_is_reported_not_read_over_the_first() {
    use fiscalform::cellref::a1;
    use fiscalform::read::{Cell, Sheet};
    let case = cases()
        .iter()
        .find(|c| c.form.id == "final-01")
        .expect("a fixture with 公开01表");
    let mut r = rendered(case, &[Variation::RepeatedHeader], 0);
    let sheet = &r.book.sheets[0];
    // The header's 项目 row is printed twice: the first data row comes two rows below each.
    let headers: Vec<u32> = (0..sheet.height())
        .filter(|&row| sheet.get(row, 0).to_string().trim() == "项目")
        .collect();
    let [first_header, repeated] = headers[..] else {
        panic!("want the header printed twice, found it at rows {headers:?}");
    };
    let (original, copy) = (first_header + 2, repeated + 2);
    // The logical cells drawn on the first data row, as the generator placed them.
    let drawn: Vec<(u16, String)> = (0..sheet.width())
        .filter_map(|c| {
            let at = a1(original, c);
            let drawn = r
                .values
                .iter()
                .find(|(s, a, _)| *s == sheet.name && *a == at);
            drawn.map(|(_, _, key)| (c, key.clone()))
        })
        .collect();
    assert!(drawn.len() >= 2, "the first data row draws {drawn:?}");
    let cells = sheet
        .cells()
        .filter(|&(row, _, _)| row != copy)
        .map(|(row, c, cell)| (row, c, cell.clone()));
    // The copy, with other numbers in the cells drawn from logical values.
    let doubled = (0..sheet.width()).map(|c| {
        let cell = match sheet.get(original, c) {
            Cell::Number(d) if drawn.iter().any(|(at, _)| *at == c) => {
                Cell::Number(*d * rust_decimal::Decimal::TWO + rust_decimal::Decimal::ONE)
            }
            other => other.clone(),
        };
        (copy, c, cell)
    });
    let merges = sheet.merges().to_vec();
    r.book.sheets[0] = Sheet::from_cells(
        sheet.name.clone(),
        cells.chain(doubled).collect::<Vec<_>>(),
        merges,
    );
    let rec = recognize_book(catalog(), &r.book);
    let (_, got) = rec
        .forms
        .iter()
        .find(|(f, _)| f.id == "final-01")
        .expect("公开01表 recognised");
    let (want, read) = (logical_values(&case.data), logical_values(got));
    for (c, key) in &drawn {
        let at = a1(original, *c);
        assert_eq!(
            got.origin.get(key).map(ToString::to_string),
            Some(at.clone()),
            "{key} is not read from {at}"
        );
        assert_eq!(read.get(key), want.get(key), "{key} read from {at}");
        let again = a1(copy, *c);
        assert!(
            rec.findings.iter().any(
                |f| f.rule == "value-outside-form" && f.cell.as_deref() == Some(again.as_str())
            ),
            "the second printing's {again} is not reported"
        );
    }
}

/// Combinations that once raised false warnings, each for a reason of its own (combinations are
/// only held to raise no error): they must now raise none.
const ONCE_NOISY: &[(&str, &str, u64, &str)] = &[
    (
        "final-01",
        "two-sheets+continued-on-next-sheet+sheet-names",
        30,
        "收入 continued after 支出: 支出's 总计 (行次 62) was taken for 收入's (行次 31) by its \
         label, and 收入's own then reported as a second printing",
    ),
    (
        "budget-01",
        "two-sheets+spaced-labels+abbreviated-labels+continued-on-next-sheet+sheet-names",
        34,
        "支出's 三、事业单位经营 (事业单位经营支出 abbreviated) was taken for 收入's near \
         事业单位经营服务收入, which was then left outside the form",
    ),
];

#[test]
fn layouts_that_once_raised_false_warnings_raise_none() {
    let mut problems = Vec::new();
    for (form, spec, seed, why) in ONCE_NOISY {
        let case = cases()
            .iter()
            .find(|c| c.form.id == *form)
            .expect("a fixture with the form");
        let r = rendered(case, &parse_names(spec), *seed);
        let rec = recognize_book(catalog(), &r.book);
        let alarms: Vec<String> = rec
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Info)
            .map(|f| format!("{} {:?} {}", f.rule, f.cell, f.message))
            .chain(check_rendering(case, &r, &rec).err().into_iter().flatten())
            .collect();
        if !alarms.is_empty() {
            problems.push(format!("{form}:{spec}:{seed} ({why}):\n{alarms:#?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Seeds of the stacked workbooks per fixture.
const STACKED_SEEDS: u64 = 60;

/// Variations kept out of the stacked workbooks: those drawing more than one sheet or copy,
/// naming the sheets, or giving a table another money unit than its neighbours (a silent
/// table's unit is the workbook's, tested in `money_units`).
const NOT_STACKED: [Variation; 10] = [
    Variation::TwoSheets,
    Variation::ContinuedOnNextSheet,
    Variation::SeveralInOneSheet,
    Variation::SheetNames,
    Variation::SheetOrder,
    Variation::MoneyYuan,
    Variation::MoneyThousand,
    Variation::UnitInHeader,
    Variation::UnitInTitle,
    Variation::NoUnitLine,
];

/// A fixture's forms, each in a seeded layout of up to three variations, printed one below
/// the other in one sheet — the whole disclosure pasted into one sheet, or turned from its PDF
/// into one — or a few to a sheet, with 0–3 blank rows between: every form reads back the
/// values it was drawn from, nothing drawn is lost, and nothing is an error.
#[test]
fn forms_printed_one_below_another_read_back_each() {
    let pool: Vec<Variation> = Variation::ALL
        .into_iter()
        .filter(|v| !NOT_STACKED.contains(v))
        .collect();
    let mut problems = Vec::new();
    for fixture in FIXTURES {
        let cases: Vec<&Case> = cases().iter().filter(|c| c.fixture == *fixture).collect();
        if cases.len() < 2 {
            continue;
        }
        for seed in 0..STACKED_SEEDS {
            let drawn: Vec<Rendered> = cases
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let s = seed * 100 + i as u64;
                    render(c.form, &c.data, &pick(c.form, &pool, 3, s), s)
                })
                .collect();
            let r = stack(&drawn, seed);
            let rec = recognize_book(catalog(), &r.book);
            let mut found = lost_cells(&r, &rec);
            found.extend(false_alarms(&r, &rec));
            found.extend(each_read_back(&cases, &rec));
            let first: Vec<String> = found.into_iter().take(4).collect();
            if !first.is_empty() {
                problems.push(format!("{fixture}:{seed}: {}", first.join("; ")));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What reads differently from the cases drawn, each form read as often as it was drawn (a
/// fixture may hold several 项目支出绩效自评表), in the order drawn.
fn each_read_back(cases: &[&Case], rec: &Recognized) -> Vec<String> {
    let mut problems = Vec::new();
    let ids: BTreeSet<&str> = cases.iter().map(|c| c.form.id.as_str()).collect();
    for id in ids {
        let drawn: Vec<&&Case> = cases.iter().filter(|c| c.form.id == id).collect();
        let read: Vec<&FormData> = rec
            .forms
            .iter()
            .filter(|(f, _)| f.id == id)
            .map(|(_, d)| d)
            .collect();
        if read.len() != drawn.len() {
            problems.push(format!(
                "{id} read {} times, drawn {}",
                read.len(),
                drawn.len()
            ));
            continue;
        }
        for (case, data) in drawn.iter().zip(read) {
            problems.extend(differences(&case.data, data));
        }
    }
    problems
}

/// The renderings' sheets one below the other, a random number of forms to a sheet (all of
/// them on one in a third of the seeds), 0–3 blank rows between; the values drawn moved with
/// them.
fn stack(drawn: &[Rendered], seed: u64) -> Rendered {
    use fiscalform::cellref::{a1, parse_a1};
    use fiscalform::read::{Merge, Sheet};
    let mut rng = layout_gen::Rng::new(seed ^ 0x5eed);
    let per_sheet = if seed.is_multiple_of(3) {
        drawn.len()
    } else {
        2 + rng.below(drawn.len() - 1)
    };
    let mut sheets: Vec<Sheet> = Vec::new();
    let mut values = Vec::new();
    let mut variations: BTreeSet<Variation> = BTreeSet::new();
    for chunk in drawn.chunks(per_sheet) {
        let name = format!("Sheet{}", sheets.len() + 1);
        let (mut cells, mut merges, mut offset) = (Vec::new(), Vec::new(), 0u32);
        for r in chunk {
            variations.extend(r.variations.iter().copied());
            for s in &r.book.sheets {
                cells.extend(
                    s.cells()
                        .map(|(row, c, cell)| (row + offset, c, cell.clone())),
                );
                merges.extend(s.merges().iter().map(|m| Merge {
                    first_row: m.first_row + offset,
                    last_row: m.last_row + offset,
                    ..*m
                }));
                for (from, at, key) in r.values.iter().filter(|v| v.0 == s.name) {
                    let (row, col) = parse_a1(at).unwrap_or_else(|| panic!("{from}!{at}"));
                    values.push((name.clone(), a1(row + offset, col), key.clone()));
                }
                offset += s.height() + rng.below(4) as u32;
            }
        }
        sheets.push(Sheet::from_cells(name, cells, merges));
    }
    let mut book = drawn[0].book.clone();
    book.sheets = sheets;
    Rendered {
        book,
        values,
        variations: variations.into_iter().collect(),
        seed,
        ruled: Vec::new(),
    }
}

/// A disclosure turned from its PDF into one sheet: the cover's and the 目录's lines above
/// the tables — the 目录 naming every table, numbered in one cell (`7.政府性基金…`) or in a
/// cell of its own with its page — and every form below them, plain. Each form reads back
/// its values and nothing is an error (公开01表 was once taken for the 目录's 07 line).
#[test]
fn forms_below_a_cover_and_contents_in_one_sheet_read_back_each() {
    let mut problems = Vec::new();
    for fixture in ["seed001_final.grid", "seed002_budget.grid"] {
        let cases: Vec<&Case> = cases().iter().filter(|c| c.fixture == fixture).collect();
        for numbered_in_one_cell in [true, false] {
            let drawn: Vec<Rendered> = cases
                .iter()
                .map(|c| render(c.form, &c.data, &[], 0))
                .collect();
            let cover = cover_and_contents(&cases, numbered_in_one_cell, &drawn[0]);
            // Seed 0 stacks them all on one sheet, the cover first.
            let r = stack(&[&[cover], &drawn[..]].concat(), 0);
            let rec = recognize_book(catalog(), &r.book);
            let mut found = lost_cells(&r, &rec);
            found.extend(
                rec.findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .map(|f| format!("false error {}: {}", f.rule, f.message)),
            );
            found.extend(each_read_back(&cases, &rec));
            if !found.is_empty() {
                let first: Vec<String> = found.into_iter().take(4).collect();
                problems.push(format!(
                    "{fixture} (目录 numbered in one cell: {numbered_in_one_cell}): {}",
                    first.join("; ")
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A cover and a 目录 naming the cases' forms, numbered in one cell (`7.政府性基金…`) or as
/// `7、 | title | page`, as a rendering like `like` holding no value.
fn cover_and_contents(cases: &[&Case], numbered_in_one_cell: bool, like: &Rendered) -> Rendered {
    use fiscalform::read::{Cell, Sheet};
    let mut lines: Vec<Vec<Cell>> = vec![
        vec![Cell::Text("2023年度部门决算公开".into())],
        vec![Cell::Text("编制日期：2024年8月".into())],
        vec![Cell::Text("目录".into())],
    ];
    for (i, c) in cases.iter().enumerate() {
        let title = c.form.title.replace("{year}", "2023");
        lines.push(if numbered_in_one_cell {
            vec![Cell::Text(format!("{}.{title}", i + 1))]
        } else {
            vec![
                Cell::Text(format!("{}、", i + 1)),
                Cell::Text(title),
                Cell::Number((i as i64 + 3).into()),
            ]
        });
    }
    let cells = lines.into_iter().enumerate().flat_map(|(row, cs)| {
        cs.into_iter()
            .enumerate()
            .map(move |(col, cell)| (row as u32, col as u16, cell))
    });
    let mut book = like.book.clone();
    book.sheets = vec![Sheet::from_cells(
        "封面",
        cells.collect::<Vec<_>>(),
        Vec::new(),
    )];
    Rendered {
        book,
        values: Vec::new(),
        variations: Vec::new(),
        seed: 0,
        ruled: Vec::new(),
    }
}

/// Wordings units print for one thing of a form, drawn together: the texts of `at` (a cell's
/// whole text and which of its printings on the form's sheets, in reading order) become one
/// of `options`, each giving a text per place.
struct Wording {
    form: &'static str,
    at: &'static [(&'static str, usize)],
    options: &'static [&'static [&'static str]],
}

/// The wordings of 决算 tables without 行次 that once lost rows or columns. 收入合计 stands
/// for 本年收入合计 and, under a 本年收入合计, for 总计: the rows are told apart by their order.
const WORDINGS: &[Wording] = &[
    Wording {
        form: "final-01",
        at: &[("本年收入合计", 0), ("总计", 0)],
        options: &[
            &["收入合计", "总计"],
            &["本年收入", "总计"],
            &["本年收入合计", "收入总计"],
            &["收入合计", "收入总计"],
            &["本年收入", "收入总计"],
            &["本年收入合计", "收入合计"],
        ],
    },
    Wording {
        form: "final-01",
        at: &[("本年支出合计", 0), ("总计", 1)],
        options: &[
            &["支出合计", "总计"],
            &["本年支出", "总计"],
            &["本年支出合计", "支出总计"],
            &["支出合计", "支出总计"],
            &["本年支出合计", "支出合计"],
        ],
    },
    Wording {
        form: "final-01",
        at: &[("年初结转和结余", 0), ("年末结转和结余", 0)],
        options: &[
            &["年初结转结余", "年末结转结余"],
            &["上年结转和结余", "结转下年"],
        ],
    },
    Wording {
        form: "final-01",
        at: &[("一、一般公共预算财政拨款收入", 0)],
        options: &[&["一、财政拨款收入"]],
    },
    Wording {
        form: "final-01",
        at: &[("项目", 0), ("项目", 1)],
        options: &[
            &["科目名称", "科目名称"],
            &["科目", "科目"],
            &["名称", "名称"],
            &["内容", "内容"],
        ],
    },
    Wording {
        form: "final-04",
        at: &[
            ("本年收入合计", 0),
            ("本年支出合计", 0),
            ("总计", 0),
            ("总计", 1),
        ],
        options: &[
            &["收入合计", "支出合计", "总计", "总计"],
            &["本年收入", "本年支出", "收入总计", "支出总计"],
            &["本年收入合计", "本年支出合计", "收入合计", "支出合计"],
        ],
    },
    Wording {
        form: "final-04",
        at: &[("年初财政拨款结转和结余", 0), ("年末财政拨款结转和结余", 0)],
        options: &[
            &["年初结转和结余", "年末结转和结余"],
            &["年初结转结余", "年末结转结余"],
        ],
    },
    Wording {
        form: "final-04",
        at: &[
            ("一般公共预算财政拨款", 0),
            ("政府性基金预算财政拨款", 0),
            ("国有资本经营预算财政拨款", 0),
        ],
        options: &[&["一般公共预算", "政府性基金预算", "国有资本经营预算"]],
    },
    Wording {
        form: "final-04",
        at: &[("项目", 0), ("项目", 1)],
        options: &[
            &["科目名称", "科目名称"],
            &["名称", "名称"],
            &["内容", "内容"],
        ],
    },
    Wording {
        form: "final-07",
        at: &[("年初结转和结余", 0), ("年末结转和结余", 0)],
        options: &[&["年初结转结余", "年末结转结余"]],
    },
    Wording {
        form: "final-02",
        at: &[("本年收入合计", 0), ("财政拨款收入", 0)],
        options: &[
            &["收入合计", "财政拨款"],
            &["合计", "财政拨款收入"],
            &["本年收入合计", "财政拨款"],
        ],
    },
    Wording {
        form: "final-02",
        at: &[
            ("上级补助收入", 0),
            ("事业收入", 0),
            ("经营收入", 0),
            ("附属单位上缴收入", 0),
            ("其他收入", 0),
        ],
        options: &[&["上级补助", "事业", "经营", "附属单位上缴", "其他"]],
    },
];

/// `book` with `wordings` drawn by `rng` on the sheets of each form `rec` found there, each
/// wording left as it is or reworded: the changes made, as text.
fn reworded(
    book: &mut fiscalform::read::Workbook,
    rec: &Recognized,
    rng: &mut layout_gen::Rng,
    wordings: &[Wording],
) -> Vec<String> {
    let mut said = Vec::new();
    for w in wordings {
        let Some(sheet) = rec
            .forms
            .iter()
            .find(|(f, _)| f.id == w.form)
            .and_then(|(_, d)| d.sheet.clone())
        else {
            continue;
        };
        let pick = rng.below(w.options.len() + 1);
        let Some(option) = w.options.get(pick) else {
            continue;
        };
        // The later printings of a text first: rewording one shifts the count of those after it.
        for (&(from, nth), &to) in w.at.iter().zip(option.iter()).rev() {
            if let Some(s) = book.sheets.iter_mut().find(|s| s.name == sheet) {
                if retext(s, from, nth, to) {
                    said.push(format!("{}: {from}#{nth} → {to}", w.form));
                }
            }
        }
    }
    said
}

/// Sheet `s` with the `nth` cell (in reading order) whose whole text is `from` saying `to`.
fn retext(s: &mut fiscalform::read::Sheet, from: &str, nth: usize, to: &str) -> bool {
    use fiscalform::read::Cell;
    let hit = s
        .cells()
        .filter(|(_, _, c)| matches!(c, Cell::Text(t) if t.trim() == from))
        .map(|(r, c, _)| (r, c))
        .nth(nth);
    let Some(hit) = hit else {
        return false;
    };
    let cells: Vec<(u32, u16, Cell)> = s
        .cells()
        .map(|(r, c, cell)| {
            let cell = if (r, c) == hit {
                Cell::Text(to.into())
            } else {
                cell.clone()
            };
            (r, c, cell)
        })
        .collect();
    *s = rebuilt(s, cells, s.merges().to_vec());
    true
}

/// Sheet `s` holding `cells` and `merges` instead of its own, hidden as it is.
fn rebuilt(
    s: &fiscalform::read::Sheet,
    mut cells: Vec<(u32, u16, fiscalform::read::Cell)>,
    merges: Vec<fiscalform::read::Merge>,
) -> fiscalform::read::Sheet {
    cells.sort_by_key(|&(r, c, _)| (r, c));
    let mut out = fiscalform::read::Sheet::from_cells(s.name.clone(), cells, merges);
    out.hidden = s.hidden;
    out.hidden_lines = s.hidden_lines.clone();
    out
}

/// Each form's logical values, by form id.
type FormValues = BTreeMap<String, BTreeMap<String, String>>;

/// What a workbook reads as: each form's logical values, and every finding but its message
/// (severity, rule, form, sheet, and its cell `with_cells`), after the whole audit.
fn reading(
    book: &fiscalform::read::Workbook,
    with_cells: bool,
) -> (Recognized<'static>, FormValues, BTreeSet<String>) {
    use fiscalform::calc::{compute, Book, Mode};
    let rec = recognize_book(catalog(), book);
    let values = rec
        .forms
        .iter()
        .map(|(f, d)| (f.id.clone(), logical_values(d)))
        .collect();
    let forms = recognize_book(catalog(), book).forms;
    let audited = Book::new(forms);
    let calc = compute(&audited, Mode::Check, false);
    let (found, _) = fiscalform::check::audit_covered(&audited, &calc);
    let findings = rec
        .findings
        .iter()
        .chain(found.iter())
        .map(|f| {
            let cell = with_cells.then_some(&f.cell);
            format!(
                "{:?} {} {} {:?} {:?}",
                f.severity, f.rule, f.form, f.sheet, cell
            )
        })
        .collect();
    (rec, values, findings)
}

/// What `variant` reads otherwise than `want` (what the workbook it was made from reads as,
/// see [`reading`]): values of each form and findings, one line each.
fn read_otherwise(
    want: &(Recognized<'static>, FormValues, BTreeSet<String>),
    variant: &fiscalform::read::Workbook,
    with_cells: bool,
) -> Vec<String> {
    let (_, want, want_findings) = want;
    let (_, got, got_findings) = reading(variant, with_cells);
    let mut wrong: Vec<String> = Vec::new();
    for form in want.keys().chain(got.keys()).collect::<BTreeSet<_>>() {
        let w = want.get(form).cloned().unwrap_or_default();
        let g = got.get(form).cloned().unwrap_or_default();
        let keys: BTreeSet<&String> = w.keys().chain(g.keys()).collect();
        wrong.extend(
            keys.into_iter()
                .filter(|k| w.get(*k) != g.get(*k))
                .map(|k| format!("{form} {k}: want {:?}, read {:?}", w.get(k), g.get(k))),
        );
    }
    wrong.extend(
        got_findings
            .difference(want_findings)
            .map(|f| format!("new finding {f}")),
    );
    wrong.extend(
        want_findings
            .difference(&got_findings)
            .map(|f| format!("lost finding {f}")),
    );
    wrong
}

/// The layouts the wordings are drawn over: the real published workbook (no 行次) and seed
/// 001's forms as they are, and each of their 01/02/04/07 tables drawn alone in a layout of
/// up to three variations (no 行次 among them) picked by `seed`.
fn wording_layouts(seed: u64) -> Vec<(String, fiscalform::read::Workbook)> {
    use Variation::*;
    const POOL: &[Variation] = &[
        NoLineColumn,
        NoLineColumn,
        NoColumnNumbers,
        HeaderUnmergedDown,
        Offset,
        NoTableNo,
        ExtraEmpty,
        SheetNames,
    ];
    let books = [
        ("real", real_book()),
        ("seed001", fixture_book("seed001_final.grid")),
    ];
    let forms = ["final-01", "final-02", "final-04", "final-07"];
    layouts_of(&books, &forms, POOL, seed)
}

/// The real published 决算 workbook (2024, 上海普陀区财政局).
fn real_book() -> fiscalform::read::Workbook {
    let real = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/2024决算-上海普陀区财政局.xlsx");
    fiscalform::read::read_workbook(&real).unwrap()
}

/// `books` as they are, then each of their `forms` drawn alone in a layout of up to three
/// variations of `pool` picked by `seed`, named by book, form and variations.
fn layouts_of(
    books: &[(&str, fiscalform::read::Workbook)],
    forms: &[&str],
    pool: &[Variation],
    seed: u64,
) -> Vec<(String, fiscalform::read::Workbook)> {
    let mut out: Vec<(String, fiscalform::read::Workbook)> = books
        .iter()
        .map(|(name, book)| (name.to_string(), book.clone()))
        .collect();
    for (from, book) in books {
        for (form, data) in recognize_book(catalog(), book).forms {
            if !forms.contains(&form.id.as_str()) {
                continue;
            }
            let vs = pick(form, pool, 3, seed);
            let r = render(form, &data, &vs, seed);
            out.push((format!("{from}/{} {}", form.id, names(&vs)), r.book));
        }
    }
    out
}

/// The wordings real 决算 tables use for their totals, balances, fund columns, income columns
/// and label column, drawn at random over layouts of the real workbook and of seed 001 (with
/// and without 行次): every form reads the same values with the same findings as with the
/// template's wording.
#[test]
fn other_wordings_of_final_tables_read_as_the_template_wording() {
    let (tried, problems) = reworded_trials(wording_layouts, 12, 1, WORDINGS);
    assert_read_alike(tried, 60, &problems, "reworded");
}

/// The layouts `layouts` gives for seeds 1..=`seeds`, each reworded `tries` times by
/// `wordings` drawn at random: how many variants were reworded, and what each read otherwise.
fn reworded_trials(
    layouts: impl Fn(u64) -> Vec<(String, fiscalform::read::Workbook)>,
    seeds: u64,
    tries: usize,
    wordings: &[Wording],
) -> (usize, Vec<String>) {
    let mut problems = Vec::new();
    let mut tried = 0;
    for seed in 1..=seeds {
        for (name, book) in layouts(seed) {
            let want = reading(&book, true);
            let mut rng = layout_gen::Rng::new(seed * 7919 + name.len() as u64);
            for _ in 0..tries {
                let mut variant = book.clone();
                let said = reworded(&mut variant, &want.0, &mut rng, wordings);
                if said.is_empty() {
                    continue;
                }
                tried += 1;
                let mut wrong = read_otherwise(&want, &variant, true);
                if !wrong.is_empty() {
                    wrong.truncate(5);
                    problems.push(format!(
                        "{name} seed {seed} [{}]: {}",
                        said.join(", "),
                        wrong.join("; ")
                    ));
                }
            }
        }
    }
    (tried, problems)
}

/// At least `least` variants were tried (`what` was done to them), and none read otherwise.
fn assert_read_alike(tried: usize, least: usize, problems: &[String], what: &str) {
    assert!(tried >= least, "only {tried} layouts {what}");
    assert!(
        problems.is_empty(),
        "{} of {tried} layouts read otherwise:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The wordings of the 预算 收支总表 (部门公开表01, 04) for their totals, as the template and the
/// seed (spaced) print them: 收入合计 stands for 本年收入合计 and, under it, for 收入总计.
const BUDGET_WORDINGS: &[Wording] = &[
    Wording {
        form: "budget-01",
        at: &[("本年收入合计", 0), ("收入总计", 0)],
        options: &[
            &["收入合计", "收入总计"],
            &["本年收入合计", "收入合计"],
            &["收入合计", "总计"],
        ],
    },
    Wording {
        form: "budget-01",
        at: &[("本 年 收 入 合 计", 0), ("收 入 总 计", 0)],
        options: &[
            &["收入合计", "收 入 总 计"],
            &["本 年 收 入 合 计", "收入合计"],
            &["收入合计", "总计"],
        ],
    },
    Wording {
        form: "budget-01",
        at: &[("本年支出合计", 0), ("支出总计", 0)],
        options: &[&["支出合计", "支出总计"], &["本年支出合计", "支出合计"]],
    },
    Wording {
        form: "budget-01",
        at: &[("本 年 支 出 合 计", 0), ("支 出 总 计", 0)],
        options: &[
            &["支出合计", "支 出 总 计"],
            &["本 年 支 出 合 计", "支出合计"],
        ],
    },
    Wording {
        form: "budget-04",
        at: &[("一、本年收入", 0), ("收入总计", 0)],
        options: &[
            &["本年收入合计", "收入合计"],
            &["收入合计", "收入总计"],
            &["一、本年收入", "收入合计"],
        ],
    },
    Wording {
        form: "budget-04",
        at: &[("收 入 总 计", 0), ("支 出 总 计", 0)],
        options: &[&["收入合计", "支出合计"]],
    },
    Wording {
        form: "budget-04",
        at: &[("一、本年支出", 0), ("支出总计", 0)],
        options: &[&["本年支出合计", "支出合计"], &["一、本年支出", "支出合计"]],
    },
];

/// Seed 002's 预算 workbook as it is, and its `forms` drawn alone in layouts picked by `seed`
/// (panels side by side always: a column is added to a panel by the column its 项目 heads).
fn budget_layouts(forms: &[&str], seed: u64) -> Vec<(String, fiscalform::read::Workbook)> {
    use Variation::*;
    const POOL: &[Variation] = &[
        NoColumnNumbers,
        HeaderUnmergedDown,
        HeaderUnmergedAcross,
        Offset,
        NoTableNo,
        ExtraEmpty,
        SheetNames,
        OtherOrdinals,
        SpacedLabels,
    ];
    let books = [("seed002", fixture_book("seed002_budget.grid"))];
    layouts_of(&books, forms, POOL, seed)
}

/// The 预算 收支总表 with 收入合计/支出合计 for their totals — for 本年收入合计 or, under it, for
/// 收入总计 — over seed 002 and its 01/04 in other layouts: every form reads the same values
/// with the same findings as with the template's wording.
#[test]
fn other_wordings_of_budget_totals_read_as_the_template_wording() {
    let layouts = |seed| budget_layouts(&["budget-01", "budget-04"], seed);
    let (tried, problems) = reworded_trials(layouts, 10, 3, BUDGET_WORDINGS);
    assert_read_alike(tried, 40, &problems, "reworded");
}

/// Sheet `s` with a column put in before column `at`: `cells` (row, cell) in it, every cell and
/// merge right of it one column further, a merge across it one wider, and `merges` added.
fn with_column(
    s: &fiscalform::read::Sheet,
    at: u16,
    cells: Vec<(u32, fiscalform::read::Cell)>,
    merges: Vec<fiscalform::read::Merge>,
) -> fiscalform::read::Sheet {
    let moved = s
        .cells()
        .map(|(r, c, cell)| (r, c + u16::from(c >= at), cell.clone()));
    let all = moved.chain(cells.into_iter().map(|(r, cell)| (r, at, cell)));
    let mut ms: Vec<_> = s
        .merges()
        .iter()
        .map(|&m| {
            let mut m = m;
            if m.first_col >= at {
                m.first_col += 1;
            }
            if m.last_col >= at {
                m.last_col += 1;
            }
            m
        })
        .collect();
    ms.extend(merges);
    rebuilt(s, all.collect(), ms)
}

/// The sheet a form of `rec` was read from, and the rows its values came from there.
fn form_rows(rec: &Recognized, form: &str) -> Option<(String, std::ops::RangeInclusive<u32>)> {
    let (_, d) = rec.forms.iter().find(|(f, _)| f.id == form)?;
    let own = d
        .origin
        .values()
        .filter(|p| p.sheet.is_none())
        .map(|p| p.row);
    let (lo, hi) = own.fold((u32::MAX, 0), |(lo, hi), r| (lo.min(r), hi.max(r)));
    Some((d.sheet.clone()?, lo..=hi.max(lo)))
}

/// Whether a cell says `word` (its spaces aside: 项 目).
fn says(cell: &fiscalform::read::Cell, word: &str) -> bool {
    cell.as_text()
        .is_some_and(|t| t.split_whitespace().collect::<String>() == word)
}

/// How a 行次 column is added to each panel of a two-sided table: where, how numbered.
#[derive(Debug, Clone, Copy)]
struct LineColumn {
    /// Before the panel's 项目 column rather than after it.
    before: bool,
    /// Each panel numbered from 1 rather than on from the panel before.
    restart: bool,
    /// The numbers as text ("1") rather than typed.
    as_text: bool,
    /// Every row of the table numbered, empty lines too, rather than only labelled ones.
    every_row: bool,
    /// Only the first panel (0), only the last (1), or every panel (2).
    panels: usize,
}

/// `book` with a 行次 column added as `how` says to the panels of `form` (those headed 项目):
/// none when the form has no such sheet or column.
fn with_line_columns(
    book: &fiscalform::read::Workbook,
    rec: &Recognized,
    form: &str,
    how: LineColumn,
) -> Option<fiscalform::read::Workbook> {
    use fiscalform::read::{Cell, Merge};
    let (sheet, rows) = form_rows(rec, form)?;
    let si = book.sheets.iter().position(|s| s.name == sheet)?;
    let s = &book.sheets[si];
    // Each panel's 项目 header cell, left to right.
    let mut heads: Vec<(u32, u16)> = s
        .cells()
        .filter(|&(r, _, cell)| r < *rows.start() && says(cell, "项目"))
        .map(|(r, c, _)| (r, c))
        .collect();
    heads.sort_by_key(|&(r, c)| (c, r));
    heads.dedup_by_key(|h| h.1);
    match how.panels {
        0 => heads.truncate(1),
        1 => heads = heads.split_off(heads.len().saturating_sub(1)),
        _ => {}
    }
    if heads.is_empty() {
        return None;
    }
    let mut numbered: Vec<Vec<(u32, Cell)>> = Vec::new();
    let mut next = 1u32;
    for &(_, c) in &heads {
        next = if how.restart { 1 } else { next };
        let mut cells = Vec::new();
        for r in rows.clone() {
            if how.every_row || !s.get(r, c).is_empty() {
                let n = if how.as_text {
                    Cell::Text(next.to_string())
                } else {
                    Cell::Number(next.into())
                };
                cells.push((r, n));
                next += 1;
            }
        }
        numbered.push(cells);
    }
    let mut out = book.clone();
    let mut sheet = s.clone();
    // Right to left, so the columns found stay where they are.
    for (&(hr, c), mut cells) in heads.iter().zip(numbered).rev() {
        let at = if how.before { c } else { c + 1 };
        let down = s.merge_at(hr, c).map_or(hr, |m| m.last_row);
        cells.push((hr, Cell::Text("行次".into())));
        let merges = (down > hr)
            .then_some(Merge {
                first_row: hr,
                first_col: at,
                last_row: down,
                last_col: at,
            })
            .into_iter()
            .collect();
        sheet = with_column(&sheet, at, cells, merges);
    }
    out.sheets[si] = sheet;
    Some(out)
}

/// The 预算 收支总表 (部门公开表01, 04) printed with a 行次 column on either or both sides, as in
/// the 决算 layout — after or before 项目, numbered on or per side, typed or as text, over the
/// labelled rows or every row — over seed 002 and its 01/04 in other layouts: the numbers are
/// read as nothing, every form reads the same values with the same findings.
#[test]
fn a_line_column_in_budget_totals_tables_is_read_as_nothing() {
    let mut problems = Vec::new();
    let mut tried = 0;
    for seed in 1..=8u64 {
        for (name, book) in budget_layouts(&["budget-01", "budget-04"], seed) {
            let want = reading(&book, false);
            let mut rng = layout_gen::Rng::new(seed * 104_729 + name.len() as u64);
            for form in ["budget-01", "budget-04"] {
                for _ in 0..2 {
                    let how = LineColumn {
                        before: rng.below(3) == 0,
                        restart: rng.below(2) == 0,
                        as_text: rng.below(3) == 0,
                        every_row: rng.below(2) == 0,
                        panels: rng.below(4).min(2),
                    };
                    let Some(variant) = with_line_columns(&book, &want.0, form, how) else {
                        continue;
                    };
                    tried += 1;
                    let mut wrong = read_otherwise(&want, &variant, false);
                    if !wrong.is_empty() {
                        wrong.truncate(4);
                        problems.push(format!("{name} {form} {how:?}: {}", wrong.join("; ")));
                    }
                }
            }
        }
    }
    assert_read_alike(tried, 40, &problems, "given a 行次 column");
}

/// `book` with an empty column headed `word` added to `form`'s table, the word on header row
/// `nth` (counted from the unit line, 栏次 rows aside), the column right of the last value
/// column or (`first`) before the first: none when the table has no such header row.
fn with_added_column(
    book: &fiscalform::read::Workbook,
    rec: &Recognized,
    form: &str,
    word: &str,
    nth: usize,
    first: bool,
) -> Option<fiscalform::read::Workbook> {
    use fiscalform::read::Cell;
    let (_, d) = rec.forms.iter().find(|(f, _)| f.id == form)?;
    let (sheet, rows) = form_rows(rec, form)?;
    let si = book.sheets.iter().position(|s| s.name == sheet)?;
    let s = &book.sheets[si];
    let above = [
        d.unit_at.as_ref(),
        d.money_unit_named.as_ref().map(|(_, p)| p),
    ];
    let top = above
        .into_iter()
        .flatten()
        .filter(|p| p.sheet.is_none() && p.row < *rows.start())
        .map(|p| p.row + 1)
        .max()?;
    let column_numbers = |r: u32| {
        s.cells().filter(|&(rr, _, _)| rr == r).all(|(_, _, cell)| {
            cell.as_text().is_none_or(|t| {
                let t = t.trim();
                t == "栏次" || t.chars().all(|ch| ch == '*' || ch.is_ascii_digit())
            })
        })
    };
    let header_row = (top..*rows.start())
        .filter(|&r| !column_numbers(r))
        .nth(nth)?;
    let values = || {
        s.cells()
            .filter(|&(r, _, cell)| rows.contains(&r) && matches!(cell, Cell::Number(_)))
            .map(|(_, c, _)| c)
    };
    let at = if first {
        values().min()?
    } else {
        values().max()? + 1
    };
    let moved = with_column(
        s,
        at,
        vec![(header_row, Cell::Text(word.into()))],
        Vec::new(),
    );
    if moved.merge_at(header_row, at).is_some() {
        return None;
    }
    let mut out = book.clone();
    out.sheets[si] = moved;
    Some(out)
}

/// A 备注 (附注) column a unit adds to a 科目 table, its word on whichever header row (the
/// 支出功能分类/科目名称 row of the real 公开02表, a lower one), right of the table or before its
/// first value column, over the real workbook, seeds 001 and 002 and their 02/03 tables in
/// other layouts: every form reads the same values with the same findings.
#[test]
fn a_remark_column_headed_on_any_header_row_changes_nothing() {
    use Variation::*;
    const POOL: &[Variation] = &[
        NoLineColumn,
        NoColumnNumbers,
        HeaderUnmergedDown,
        HeaderUnmergedAcross,
        Offset,
        NoTableNo,
        ExtraEmpty,
        SplitCodes,
        SheetNames,
    ];
    const FORMS: [&str; 4] = ["final-02", "final-03", "budget-02", "budget-03"];
    let books = [
        ("real", real_book()),
        ("seed001", fixture_book("seed001_final.grid")),
        ("seed002", fixture_book("seed002_budget.grid")),
    ];
    let mut problems = Vec::new();
    let mut tried = 0;
    for seed in 1..=4u64 {
        for (name, book) in layouts_of(&books, &FORMS, POOL, seed) {
            let want = reading(&book, false);
            for form in FORMS {
                for (nth, first, word) in [
                    (0, false, "备注"),
                    (1, false, "备注"),
                    (1, true, "附注"),
                    (2, false, "附注"),
                ] {
                    let Some(variant) = with_added_column(&book, &want.0, form, word, nth, first)
                    else {
                        continue;
                    };
                    tried += 1;
                    let mut wrong = read_otherwise(&want, &variant, false);
                    if !wrong.is_empty() {
                        wrong.truncate(4);
                        problems.push(format!(
                            "{name} {form} {word} on header row {nth} (first {first}): {}",
                            wrong.join("; ")
                        ));
                    }
                }
            }
        }
    }
    assert_read_alike(tried, 40, &problems, "given a 备注 column");
}

/// Each 科目 table of the fixtures printed over pages inside one sheet: a page total row and a
/// running total at every page break, with and without the header repeated, in each wording.
/// The values read are the plain table's, and each such row is told (read as no row).
#[test]
fn page_total_rows_read_as_no_row_and_told() {
    const WORDINGS: [(&str, &str, bool); 4] = [
        ("本页小计", "承上页", false),
        ("本页合计", "过次页", true),
        ("本页小计", "累计", true),
        ("本页合计", "转下页", true),
    ];
    let (mut tried, mut problems) = (0, Vec::new());
    for case in cases() {
        for every in [3, 5, 8] {
            for header in [false, true] {
                for (total_word, carried_word, carried_below) in WORDINGS {
                    let pages = PageTotals {
                        every,
                        header,
                        total_word,
                        carried_word,
                        carried_below,
                    };
                    let Some((r, added)) = render_page_totals(case.form, &case.data, pages) else {
                        continue;
                    };
                    tried += 1;
                    let rec = recognize_book(catalog(), &r.book);
                    let mut wrong = check_rendering(case, &r, &rec).err().unwrap_or_default();
                    let told = rec.findings.iter().filter(|f| f.rule == "page-total-row");
                    if told.count() != added {
                        wrong.push(format!("{added} page total rows, told otherwise"));
                    }
                    if !wrong.is_empty() {
                        wrong.truncate(3);
                        problems.push(format!("{} {pages:?}: {}", case.name(), wrong.join("; ")));
                    }
                }
            }
        }
    }
    assert_read_alike(tried, 40, &problems, "printed with page totals");
}

/// Moved columns not read back yet: 公开09表 with 小计 moved among the columns under its
/// merged 公务用车 header (a figure left outside the form), one 公开07表 whose moved 项目支出
/// is taken for absent.
const MOVED_GAPS: &[(&str, u64)] = &[
    ("final-07", 9),
    ("final-09", 1),
    ("final-09", 4),
    ("final-09", 5),
    ("final-09", 12),
];

/// Every table that numbers its columns (栏次), its value columns moved about with their
/// header and 栏次 cells over many seeds: read like the plain table.
#[test]
fn columns_moved_with_their_numbers_read_alike() {
    let (mut tried, mut problems) = (0, Vec::new());
    for case in cases() {
        for seed in 1..=12u64 {
            let Some(r) = render_moved_columns(case.form, &case.data, seed) else {
                continue;
            };
            tried += 1;
            let gap = MOVED_GAPS.contains(&(case.form.id.as_str(), seed));
            match check_rendering(case, &r, &recognize_book(catalog(), &r.book)) {
                Err(mut wrong) if !gap => {
                    wrong.truncate(3);
                    problems.push(format!("{} seed {seed}: {}", case.name(), wrong.join("; ")));
                }
                Ok(()) if gap => problems.push(format!(
                    "{} seed {seed} reads alike now: remove it from MOVED_GAPS",
                    case.name()
                )),
                _ => {}
            }
        }
    }
    assert_read_alike(tried, 40, &problems, "with columns moved");
}
