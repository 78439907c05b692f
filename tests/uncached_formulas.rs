//! Workbooks holding formulas without their results (as scripts and some exporters write
//! them) read as the same workbook with its results saved: every fixture is written, fixed
//! (totals become live formulas with cached results: the twin), and then seeded variants drop
//! every result, reshape the totals' formulas (ROUND, IF, MIN, ABS, unary minus, absolute and
//! sheet-qualified references) and turn some figures into formulas of their own (arithmetic,
//! references to an equal figure of an earlier sheet). Each variant must read the same cells
//! and give the same findings as its twin, with one note saying the values were computed.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/xorshift.rs"]
mod xorshift;

use fiscalform::read::{read_workbook, Cell, CellNoteKind, Workbook};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use xorshift::Xorshift;

const FIXTURES: [&str; 3] = [
    "seed001_final.grid",
    "seed002_budget.grid",
    "seed001_perf.grid",
];

/// Seeded variants per fixture.
const SEEDS: u64 = 6;

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("fiscalform-uncached-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The fixture written and fixed: its totals are live formulas with their results stored.
fn twin(fixture: &str, dir: &Path) -> PathBuf {
    let plain = dir.join("plain.xlsx");
    grid::fixture(fixture).write_xlsx(&plain);
    let fixed = dir.join("twin").join("book.xlsx");
    std::fs::create_dir_all(fixed.parent().unwrap()).unwrap();
    let (code, _, err) = cli::run(&[
        "fix",
        plain.to_str().unwrap(),
        "-o",
        fixed.to_str().unwrap(),
    ]);
    assert!(code <= 1, "fix {fixture}: {err}");
    fixed
}

/// Copies the xlsx at `src` to `dst`, each worksheet part edited by `edit(sheet name, xml)`.
fn rewrite_sheets(src: &Path, dst: &Path, mut edit: impl FnMut(&str, String) -> String) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let names = sheet_names(&mut zin);
    let mut zout = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let part = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let index = part
            .strip_prefix("xl/worksheets/sheet")
            .and_then(|s| s.strip_suffix(".xml"))
            .and_then(|n| n.parse::<usize>().ok());
        if let Some(n) = index {
            data = edit(&names[n - 1], String::from_utf8(data).unwrap()).into_bytes();
        }
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zout.start_file(part, options).unwrap();
        zout.write_all(&data).unwrap();
    }
    zout.finish().unwrap();
}

/// The sheet names in workbook order (the writer numbers its sheet parts so).
fn sheet_names(zin: &mut zip::ZipArchive<std::fs::File>) -> Vec<String> {
    let mut book = String::new();
    zin.by_name("xl/workbook.xml")
        .unwrap()
        .read_to_string(&mut book)
        .unwrap();
    book.split("<sheet ")
        .skip(1)
        .map(|s| {
            let name = s.split("name=\"").nth(1).unwrap();
            let name = &name[..name.find('"').unwrap()];
            name.replace("&amp;", "&").replace("&apos;", "'")
        })
        .collect()
}

/// A cell's parts as written: `<c ATTRS>INNER</c>`.
struct CellXml<'x> {
    attrs: &'x str,
    inner: &'x str,
}

/// Applies `edit` to each cell of a worksheet part (cells written `<c …/>` are kept).
fn each_cell(xml: &str, mut edit: impl FnMut(CellXml) -> Option<String>) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(i) = rest.find("<c ") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let open_end = rest.find('>').unwrap();
        if rest[..open_end].ends_with('/') {
            out.push_str(&rest[..=open_end]);
            rest = &rest[open_end + 1..];
            continue;
        }
        let close = rest.find("</c>").unwrap();
        let cell = CellXml {
            attrs: &rest[3..open_end],
            inner: &rest[open_end + 1..close],
        };
        match edit(cell) {
            Some(new) => out.push_str(&new),
            None => out.push_str(&rest[..close + 4]),
        }
        rest = &rest[close + 4..];
    }
    out.push_str(rest);
    out
}

fn between<'x>(s: &'x str, open: &str, close: &str) -> Option<&'x str> {
    let from = s.find(open)? + open.len();
    let to = s[from..].find(close)? + from;
    Some(&s[from..to])
}

fn attr<'x>(attrs: &'x str, name: &str) -> Option<&'x str> {
    between(attrs, &format!("{name}=\""), "\"")
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The cell references of a formula (not function names, not sheet names), each edited.
fn map_refs(formula: &str, edit: impl Fn(&str, bool) -> String) -> String {
    let chars: Vec<char> = formula.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let prev = if i > 0 { chars[i - 1] } else { ' ' };
        let starts = chars[i].is_ascii_uppercase()
            && !prev.is_alphanumeric()
            && !matches!(prev, '!' | '\'' | '$');
        let mut j = i;
        while starts && j < chars.len() && chars[j].is_ascii_uppercase() {
            j += 1;
        }
        let letters = j - i;
        let digits_from = j;
        while starts && j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        let next = chars.get(j).copied().unwrap_or(' ');
        if starts
            && (1..=3).contains(&letters)
            && j > digits_from
            && !next.is_alphanumeric()
            && next != '('
        {
            let word: String = chars[i..j].iter().collect();
            out.push_str(&edit(&word, prev == ':'));
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// A total's formula in another shape that shows the same value.
fn reshape(formula: &str, sheet: &str, rng: &mut Xorshift) -> String {
    let f = formula;
    match rng.below(9) {
        0 => f.to_string(),
        1 => format!("ROUND({f},6)"),
        2 => format!("({f})*1"),
        3 => format!("-(-({f}))"),
        4 => format!("IF({f}>=0,{f},-ABS({f}))"),
        5 => format!("MIN({f},({f})+1)"),
        6 => map_refs(f, |r, _| {
            let split = r.find(|c: char| c.is_ascii_digit()).unwrap();
            format!("${}${}", &r[..split], &r[split..])
        }),
        7 => map_refs(f, |r, after_colon| {
            if after_colon {
                r.to_string()
            } else {
                format!("'{}'!{r}", sheet.replace('\'', "''"))
            }
        }),
        _ => format!("{f}*4/4+0"),
    }
}

/// A figure `v` as a formula showing it: arithmetic, or a reference to an equal figure of an
/// earlier sheet (the earlier sheet's cell may be a formula itself).
fn figure_formula(v: &str, earlier: Option<&(String, String)>, rng: &mut Xorshift) -> String {
    match (rng.below(6), earlier) {
        (0, _) => v.to_string(),
        (1, _) => format!("0+{v}"),
        (2, _) => format!("{v}*100/100"),
        (3, _) => format!("ROUND({v},4)"),
        (4, _) => format!("-(-{v})"),
        (_, Some((sheet, cell))) => format!("'{}'!{cell}", sheet.replace('\'', "''")),
        _ => format!("SUM({v})"),
    }
}

/// A variant of `twin` with every formula's result dropped, totals reshaped and some figures
/// turned into formulas, by `seed`.
fn uncached_variant(twin: &Path, out: &Path, seed: u64) {
    let mut rng = Xorshift(seed * 7919 + 17);
    // Figures of the sheets rewritten so far, by value: what later sheets may refer to.
    let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
    rewrite_sheets(twin, out, |sheet, xml| {
        let mut here = Vec::new();
        let edited = each_cell(&xml, |cell| {
            let at = attr(cell.attrs, "r")?.to_string();
            if let Some(f) = between(cell.inner, "<f>", "</f>") {
                let f = xml_escape(&reshape(&xml_unescape(f), sheet, &mut rng));
                return Some(format!("<c {}><f>{f}</f></c>", cell.attrs));
            }
            let v = between(cell.inner, "<v>", "</v>")?;
            if attr(cell.attrs, "t").is_some() || v.parse::<f64>().is_err() {
                return None;
            }
            here.push((v.to_string(), at.clone()));
            if rng.below(3) != 0 {
                return None;
            }
            let f = figure_formula(v, seen.get(v), &mut rng);
            Some(format!("<c {}><f>{}</f></c>", cell.attrs, xml_escape(&f)))
        });
        for (v, at) in here {
            seen.entry(v).or_insert((sheet.to_string(), at));
        }
        edited
    });
}

/// Every cell of every sheet, as read.
fn cells(wb: &Workbook) -> BTreeMap<(String, u32, u16), Cell> {
    wb.sheets
        .iter()
        .flat_map(|s| {
            s.cells()
                .map(move |(r, c, v)| ((s.name.clone(), r, c), v.clone()))
        })
        .collect()
}

/// The check's findings but the note on computed formulas: (rule, sheet, cell, message).
fn findings(path: &Path) -> Vec<(String, String, String, String)> {
    let (_, report) = cli::check_json(path);
    let text = |f: &Value, k: &str| f[k].as_str().unwrap_or_default().to_string();
    cli::findings(&report)
        .iter()
        .filter(|f| f["rule"] != "formula-computed")
        .map(|f| {
            (
                text(f, "rule"),
                text(f, "sheet"),
                text(f, "cell"),
                text(f, "message"),
            )
        })
        .collect()
}

/// What differs between reading a variant and its twin, if anything.
fn difference(twin: &Path, variant: &Path) -> Option<String> {
    let (a, b) = (
        read_workbook(twin).unwrap(),
        read_workbook(variant).unwrap(),
    );
    let (ca, cb) = (cells(&a), cells(&b));
    if let Some((k, v)) = ca.iter().find(|(k, v)| cb.get(*k) != Some(*v)) {
        return Some(format!("{k:?}: twin {v:?}, variant {:?}", cb.get(k)));
    }
    if let Some((k, v)) = cb.iter().find(|(k, _)| !ca.contains_key(*k)) {
        return Some(format!("{k:?}: only in the variant, {v:?}"));
    }
    let computed = b
        .cell_notes
        .iter()
        .filter(|n| matches!(n.kind, CellNoteKind::FormulaComputed { .. }))
        .count();
    if computed == 0 {
        return Some("no note on computed formulas".into());
    }
    let (fa, fb) = (findings(twin), findings(variant));
    (fa != fb).then(|| {
        let only_b: Vec<_> = fb.iter().filter(|f| !fa.contains(f)).take(3).collect();
        let only_a: Vec<_> = fa.iter().filter(|f| !fb.contains(f)).take(3).collect();
        format!("findings differ: variant adds {only_b:?}; loses {only_a:?}")
    })
}

#[test]
fn formulas_without_results_read_as_their_cached_twin() {
    let mut failed = Vec::new();
    let mut tried = 0;
    for fixture in FIXTURES {
        let dir = scratch(fixture.trim_end_matches(".grid"));
        let twin = twin(fixture, &dir);
        for seed in 1..=SEEDS {
            let variant = dir.join(format!("v{seed}")).join("book.xlsx");
            std::fs::create_dir_all(variant.parent().unwrap()).unwrap();
            uncached_variant(&twin, &variant, seed);
            tried += 1;
            if let Some(why) = difference(&twin, &variant) {
                failed.push(format!("{fixture} seed {seed}: {why}"));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {tried} variants read differently:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// The place (`B7`) of each formula cell of a worksheet part, in order.
fn formula_cells(xml: &str) -> Vec<String> {
    let mut found = Vec::new();
    each_cell(xml, |cell| {
        if cell.inner.contains("<f>") {
            found.extend(attr(cell.attrs, "r").map(str::to_string));
        }
        None
    });
    found
}

#[test]
fn formulas_that_cannot_be_computed_stay_blank_with_their_reason() {
    let dir = scratch("refused");
    let twin = twin("seed001_final.grid", &dir);
    let variant = dir.join("refused").join("book.xlsx");
    std::fs::create_dir_all(variant.parent().unwrap()).unwrap();
    // On the first form sheet with formulas: a division by zero, an unknown function, and two
    // totals referring to each other; every other formula loses its result only.
    let mut edited: Option<(String, Vec<String>)> = None;
    rewrite_sheets(&twin, &variant, |sheet, xml| {
        let places = formula_cells(&xml);
        let chosen = (sheet != "审核结果" && edited.is_none() && places.len() >= 4)
            .then(|| places[..4].to_vec());
        if let Some(p) = &chosen {
            edited = Some((sheet.to_string(), p.clone()));
        }
        each_cell(&xml, |cell| {
            let f = between(cell.inner, "<f>", "</f>")?;
            let at = attr(cell.attrs, "r")?;
            let new = match chosen.as_ref().and_then(|p| p.iter().position(|c| c == at)) {
                Some(0) => "1/0".to_string(),
                Some(1) => "FOO(1)".to_string(),
                Some(2) => chosen.as_ref().unwrap()[3].clone(),
                Some(_) => format!("{}+1", chosen.as_ref().unwrap()[2]),
                None => xml_unescape(f),
            };
            Some(format!("<c {}><f>{}</f></c>", cell.attrs, xml_escape(&new)))
        })
    });
    let (sheet, places) = edited.expect("a form sheet with four formulas");
    let wb = read_workbook(&variant).unwrap();
    let s = wb.sheet(&sheet).unwrap();
    let at = |p: &str| grid::parse_a1(p).unwrap();
    let get = |p: &str| s.get(at(p).0, at(p).1).clone();
    assert_eq!(
        get(&places[0]),
        Cell::Error("#DIV/0!".into()),
        "shown as a spreadsheet shows it"
    );
    for p in &places[1..] {
        assert_eq!(get(p), Cell::Empty, "{p} is not computed");
    }
    let refused: Vec<(String, String, String)> = wb
        .cell_notes
        .iter()
        .filter_map(|n| match &n.kind {
            CellNoteKind::FormulaWithoutValue { formula, why } => {
                Some((grid::a1(n.row, n.col), formula.clone(), why.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(refused.len(), 3, "{refused:?}");
    assert!(
        refused[0].0 == places[1] && refused[0].1 == "FOO(1)" && refused[0].2.contains("FOO"),
        "{refused:?}"
    );
    assert!(
        refused[1..].iter().all(|r| r.2.contains("循环")),
        "{refused:?}"
    );
    let computed = wb
        .cell_notes
        .iter()
        .filter(|n| matches!(n.kind, CellNoteKind::FormulaComputed { .. }))
        .count();
    assert!(computed > 10, "the other formulas are computed: {computed}");

    // The check warns once for the sheet, naming the first cell, its formula and why.
    let (code, report) = cli::check_json(&variant);
    assert!(code <= 1);
    let all = cli::findings(&report);
    let warned: Vec<&Value> = all
        .iter()
        .filter(|f| f["rule"] == "formula-without-value")
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    let message = warned[0]["message"].as_str().unwrap();
    assert_eq!(warned[0]["severity"], "warning");
    assert!(
        message.contains(&places[1]) && message.contains("=FOO(1)") && message.contains(&sheet),
        "{message}"
    );
    assert!(message.contains("等 3 个单元格"), "{message}");
    let noted: Vec<&Value> = all
        .iter()
        .filter(|f| f["rule"] == "formula-computed")
        .collect();
    assert!(
        !noted.is_empty() && noted.iter().all(|f| f["severity"] == "info"),
        "{noted:?}"
    );
    assert!(noted[0]["message"]
        .as_str()
        .unwrap()
        .contains("fiscalform 已按公式算出"));
}
