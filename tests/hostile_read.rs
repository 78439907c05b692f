//! Small hostile workbooks that used to hang, blow up memory or be read as sound: values at the
//! sheet's far corner, a merge over the whole sheet, thousands of rows in column XFD, zip bombs,
//! a wrong CRC, an impossible shared-strings count, NaN; and a seeded mutation of the XML
//! parts of real-shaped workbooks that must never panic or hang.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/xorshift.rs"]
mod xorshift;

use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;
use xorshift::Xorshift as Rng;

use fiscalform::read::{read_workbook, Cell};

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile_read");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Seed 001's nine tables as an xlsx, written once per test under `name`; with the zip entry
/// name of each sheet's XML.
fn seed001(name: &str) -> (PathBuf, Vec<(String, String)>) {
    let book = grid::load(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed001_final.grid"),
    );
    let path = dir().join(format!("{name}.xlsx"));
    book.write_xlsx(&path);
    let sheets = book
        .sheets
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), format!("xl/worksheets/sheet{}.xml", i + 1)))
        .collect();
    (path, sheets)
}

fn sheet_part(sheets: &[(String, String)], name: &str) -> String {
    sheets.iter().find(|(n, _)| n == name).unwrap().1.clone()
}

/// Every entry of the zip at `path`, in order.
fn entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut e = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            (e.name().unwrap().to_string(), bytes)
        })
        .collect()
}

/// Writes the entries as a zip, deflated unless `stored` names the entry.
fn write_zip(path: &Path, entries: &[(String, Vec<u8>)], stored: Option<&str>) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        let method = if Some(name.as_str()) == stored {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(bytes.len() > u32::MAX as usize / 2);
        w.start_file(name.as_str(), options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

/// A copy of `src` at `dst` with the XML of entry `part` changed by `edit`.
fn edit_part(src: &Path, dst: &Path, part: &str, edit: impl Fn(&str) -> String) {
    let mut all = entries(src);
    let entry = all.iter_mut().find(|(n, _)| n == part).expect(part);
    entry.1 = edit(std::str::from_utf8(&entry.1).unwrap()).into_bytes();
    write_zip(dst, &all, None);
}

/// Rows appended at the end of a worksheet's data.
fn append_rows(xml: &str, rows: &str) -> String {
    xml.replacen("</sheetData>", &format!("{rows}</sheetData>"), 1)
}

/// A merged region added to a worksheet.
fn add_merge(xml: &str, range: &str) -> String {
    let cell = format!(r#"<mergeCell ref="{range}"/>"#);
    match xml.find("<mergeCells") {
        Some(at) => {
            let end = at + xml[at..].find('>').unwrap() + 1;
            format!("{}{cell}{}", &xml[..end], &xml[end..])
        }
        None => xml.replacen(
            "</sheetData>",
            &format!(r#"</sheetData><mergeCells count="1">{cell}</mergeCells>"#),
            1,
        ),
    }
}

/// Findings of `check --format json` as (sheet!cell, rule), sorted.
fn findings(path: &Path) -> (i32, Vec<Value>) {
    let (code, report) = cli::check_json(path);
    assert!(report["files"][0]["error"].is_null(), "{report:#}");
    (code, cli::findings(&report))
}

fn places(findings: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = findings
        .iter()
        .map(|f| format!("{}!{} {}", f["sheet"], f["cell"], f["rule"]))
        .collect();
    v.sort();
    v
}

/// `check` refuses the file (exit 2) with a message holding every one of `words`.
fn assert_refused(path: &Path, words: &[&str]) {
    let (code, out, err) = cli::run(&["check", path.to_str().unwrap()]);
    let said = out + &err;
    assert_eq!(code, 2, "{said}");
    for w in words {
        assert!(said.contains(w), "{w}: {said}");
    }
}

/// Runs `f` on another thread and fails when it takes longer than a hang would.
fn within_a_minute<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("{what}: no answer within a minute (hang or crash)"))
}

#[test]
fn values_at_the_far_corner_are_strays_not_a_hang() {
    let (clean, sheets) = seed001("far-corner-base");
    let (_, base) = findings(&clean);
    let far = dir().join("far-corner.xlsx");
    edit_part(&clean, &far, &sheet_part(&sheets, "公开01表"), |x| {
        append_rows(
            x,
            r#"<row r="1048576"><c r="A1048576"><v>5</v></c><c r="XFD1048576"><v>7</v></c></row>"#,
        )
    });
    let (_, got) = within_a_minute("far corner", move || findings(&far));
    let strays: Vec<String> = got
        .iter()
        .filter(|f| f["rule"] == "value-outside-form")
        .map(|f| f["cell"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(strays, ["A1048576", "XFD1048576"]);
    let others: Vec<Value> = got
        .into_iter()
        .filter(|f| f["rule"] != "value-outside-form")
        .collect();
    assert_eq!(places(&others), places(&base), "the form reads as before");
}

#[test]
fn a_merge_over_the_whole_sheet_costs_what_the_sheet_holds() {
    let (clean, sheets) = seed001("whole-merge-base");
    let (_, base) = findings(&clean);
    // Below the form: the form reads as before.
    let below = dir().join("merge-below.xlsx");
    edit_part(&clean, &below, &sheet_part(&sheets, "公开09表"), |x| {
        add_merge(x, "A200:XFD1048576")
    });
    let (_, got) = within_a_minute("merge below", move || findings(&below));
    assert_eq!(places(&got), places(&base));
    // Over everything: whatever is read, it is answered at once, and fix keeps the file whole.
    let over = dir().join("merge-over.xlsx");
    edit_part(&clean, &over, &sheet_part(&sheets, "公开01表"), |x| {
        add_merge(x, "A1:XFD1048576")
    });
    let out = dir().join("merge-over-fixed.xlsx");
    let (a, b) = (over.clone(), out.clone());
    let (code, _, err) = within_a_minute("merge over", move || {
        cli::run(&["fix", a.to_str().unwrap(), "-o", b.to_str().unwrap()])
    });
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    assert!(out.exists());
}

#[test]
fn twenty_thousand_rows_in_column_xfd_are_kept_sparsely() {
    let (clean, sheets) = seed001("xfd-rows-base");
    let rows: String = (200..20_200)
        .map(|r| format!(r#"<row r="{r}"><c r="XFD{r}"><v>{r}</v></c></row>"#))
        .collect();
    let wide = dir().join("xfd-rows.xlsx");
    edit_part(&clean, &wide, &sheet_part(&sheets, "公开09表"), |x| {
        append_rows(x, &rows)
    });
    let w = wide.clone();
    let wb = within_a_minute("read", move || read_workbook(&w).unwrap());
    let s = wb.sheet("公开09表").unwrap();
    assert_eq!((s.height(), s.width()), (20_199, 16_384));
    assert_eq!(
        s.get(20_198, 16_383),
        &Cell::Number(20_199.into()),
        "XFD20199"
    );
    let (_, got) = within_a_minute("check", move || findings(&wide));
    let unplaced: Vec<&Value> = got
        .iter()
        .filter(|f| f["rule"] == "values-not-placed" && f["sheet"] == "公开09表")
        .collect();
    assert_eq!(unplaced.len(), 1, "{got:#?}");
    let message = unplaced[0]["message"].as_str().unwrap();
    assert!(
        message.contains("XFD200") && message.contains("20000"),
        "{message}"
    );
    // fix keeps every one of them.
    let out = dir().join("xfd-rows-fixed.xlsx");
    let (code, _, err) = cli::run(&[
        "fix",
        dir().join("xfd-rows.xlsx").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    let fixed = read_workbook(&out).unwrap();
    let s = fixed.sheet("公开09表").unwrap();
    let kept = s.cells().filter(|&(_, c, _)| c == 16_383).count();
    assert_eq!(kept, 20_000, "none dropped");
}

#[test]
fn a_shared_string_count_beyond_the_file_is_refused() {
    let (clean, _) = seed001("sst-count-base");
    let bad = dir().join("sst-count.xlsx");
    edit_part(&clean, &bad, "xl/sharedStrings.xml", |x| {
        let at = x.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
        let end = at + x[at..].find('"').unwrap();
        format!("{}4294967296{}", &x[..at], &x[end..])
    });
    assert_refused(&bad, &["sst-count.xlsx", "4294967296"]);
}

#[test]
fn an_entry_that_inflates_a_thousandfold_is_refused_as_a_bomb() {
    let (clean, _) = seed001("bomb-base");
    let mut all = entries(&clean);
    all.push(("xl/media/padding.xml".to_string(), vec![b' '; 64 << 20]));
    let bomb = dir().join("bomb.xlsx");
    write_zip(&bomb, &all, None);
    assert_refused(&bomb, &["xl/media/padding.xml", "压缩炸弹"]);
}

#[test]
fn an_entry_with_a_wrong_crc_is_refused() {
    let (clean, _) = seed001("crc-base");
    let part = "xl/sharedStrings.xml";
    let stored = dir().join("crc-stored.xlsx");
    write_zip(&stored, &entries(&clean), Some(part));
    assert_eq!(findings(&stored).1.len(), findings(&clean).1.len());
    let crc = {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&stored).unwrap()).unwrap();
        let crc = zip.by_name(part).unwrap().crc32();
        crc
    };
    let mut bytes = std::fs::read(&stored).unwrap();
    let (old, new) = (crc.to_le_bytes(), (crc ^ 1).to_le_bytes());
    let mut replaced = 0;
    for i in 0..bytes.len() - 3 {
        if bytes[i..i + 4] == old {
            bytes[i..i + 4].copy_from_slice(&new);
            replaced += 1;
        }
    }
    assert_eq!(replaced, 2, "the local header and the central directory");
    let bad = dir().join("crc.xlsx");
    std::fs::write(&bad, bytes).unwrap();
    assert_refused(&bad, &[part, "CRC"]);
}

#[test]
fn nan_in_a_cell_is_shown_as_the_file_holds_it() {
    let mut book = grid::load(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed001_final.grid"),
    );
    let sheet = book.sheet_mut("公开01表");
    let (r, _) = sheet.find("五、事业收入").unwrap();
    sheet.put(r, 2, grid::GridCell::num("777.77"));
    let marked = dir().join("nan-base.xlsx");
    book.write_xlsx(&marked);
    let part = format!(
        "xl/worksheets/sheet{}.xml",
        book.sheets
            .iter()
            .position(|s| s.name == "公开01表")
            .unwrap()
            + 1
    );
    let bad = dir().join("nan.xlsx");
    edit_part(&marked, &bad, &part, |x| {
        x.replacen("<v>777.77</v>", "<v>NaN</v>", 1)
    });
    let (_, got) = findings(&bad);
    let cell = grid::a1(r, 2);
    let at: Vec<&Value> = got
        .iter()
        .filter(|f| f["sheet"] == "公开01表" && f["cell"] == cell.as_str())
        .collect();
    assert!(!at.is_empty(), "{got:#?}");
    let message = at[0]["message"].as_str().unwrap();
    assert!(
        message.contains("NaN") && !message.contains("#NUM!"),
        "{message}"
    );
}

/// Pieces a mutation splices in: what real damage and real attacks put into sheet XML.
const TOKENS: &[&str] = &[
    "<",
    "\"",
    ">",
    "&#0;",
    "&amp",
    r#"r="XFD1048576""#,
    r#"r="A0""#,
    r#"<c r="XFD1048576"><v>1</v></c>"#,
    "<v>NaN</v>",
    "<v>1e308</v>",
    "<v>-4e28</v>",
    "<v>99999999999999999999999999999</v>",
    r#" t="s""#,
    "<v>4294967295</v>",
    r#"<mergeCell ref="A1:XFD1048576"/>"#,
    r#"<mergeCell ref="B3:A1"/>"#,
    r#" uniqueCount="18446744073709551615""#,
    "</row>",
    "<row>",
    "\u{feff}",
    "合计",
];

/// Values a sound XML part may hold where a number is expected.
const VALUES: &[&str] = &[
    "NaN",
    "-inf",
    "1e308",
    "-4e28",
    "99999999999999999999999999999",
    "1e-28",
    "0",
    "-0",
    "4294967295",
    "合计",
    "",
];

/// Sound fragments spliced in where an element ends.
const FRAGMENTS: &[&str] = &[
    r#"<c r="XFD1048576"><v>1</v></c>"#,
    r#"<c r="A1048576" t="s"><v>0</v></c>"#,
    r#"<c r="B3" t="s"><v>4294967295</v></c>"#,
    r#"<c r="C7" t="e"><v>#DIV/0!</v></c>"#,
    r#"<c r="C7" t="b"><v>1</v></c>"#,
    r#"<mergeCell ref="A1:XFD1048576"/>"#,
    r#"<mergeCell ref="B3:A1"/>"#,
];

/// One change: most keep the part well formed (a value, a fragment, a cell's address), so
/// that the damage reaches recognition and the audit; the rest break it anywhere.
fn mutate(xml: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = xml.to_vec();
    let at = rng.below(out.len());
    let find = |out: &[u8], from: usize, pat: &[u8]| {
        out[from..]
            .windows(pat.len())
            .position(|w| w == pat)
            .map(|i| i + from)
    };
    match rng.below(10) {
        0 => out[at] = rng.next() as u8,
        1 => {
            let end = (at + rng.below(64)).min(out.len());
            out.drain(at..end);
        }
        2 => {
            let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
            out.splice(at..at, token.iter().copied());
        }
        3..=5 => {
            if let Some(v) = find(&out, at, b"<v>").or_else(|| find(&out, 0, b"<v>")) {
                let end = find(&out, v, b"</v>").unwrap_or(v + 3);
                let value = VALUES[rng.below(VALUES.len())].as_bytes();
                out.splice(v + 3..end, value.iter().copied());
            }
        }
        6 | 7 => {
            if let Some(e) = find(&out, at, b"</c>").or_else(|| find(&out, 0, b"</c>")) {
                let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes();
                out.splice(e + 4..e + 4, fragment.iter().copied());
            }
        }
        _ => {
            if let Some(r) = find(&out, at, b" r=\"").or_else(|| find(&out, 0, b" r=\"")) {
                let end = find(&out, r + 4, b"\"").unwrap_or(r + 4);
                let far = ["XFD1048576", "A1048576", "ZZ999", "A1", "B0", "1"][rng.below(6)];
                out.splice(r + 4..end, far.bytes());
            }
        }
    }
    out
}

/// A few hundred damaged copies of two real-shaped workbooks go through read, recognition,
/// check and fix: every one is answered (0, 1 or 2) without a panic or a hang, and a refused
/// file leaves no output behind.
#[test]
fn mutated_workbooks_never_panic_or_hang() {
    let (seed, _) = seed001("mutation-base");
    let real = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let mut bases = vec![seed];
    bases.extend(
        std::fs::read_dir(&real)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "xlsx")),
    );
    let mut rng = Rng(0x5eed_f15c_a1f0_0001);
    let cases = 240;
    let mut answered = [0usize; 3];
    for case in 0..cases {
        let base = &bases[case % bases.len()];
        let mut all = entries(base);
        let xml: Vec<usize> = (0..all.len())
            .filter(|&i| all[i].0.ends_with(".xml") || all[i].0.ends_with(".rels"))
            .collect();
        let i = xml[rng.below(xml.len())];
        all[i].1 = mutate(&all[i].1, &mut rng);
        let input = dir().join(format!("mutant-{case}.xlsx"));
        let output = dir().join(format!("mutant-{case}-fixed.xlsx"));
        let _ = std::fs::remove_file(&output);
        write_zip(&input, &all, None);
        let what = format!("case {case}: {} in {}", all[i].0, base.display());
        let (a, b) = (input.clone(), output.clone());
        let (check, fix) = within_a_minute(&what, move || {
            let check = cli::run(&["check", "--format", "json", a.to_str().unwrap()]);
            let fix = cli::run(&["fix", a.to_str().unwrap(), "-o", b.to_str().unwrap()]);
            (check, fix)
        });
        assert!(
            matches!(check.0, 0..=2) && !check.1.contains("程序内部出错"),
            "{what}: check exit {}: {}{}",
            check.0,
            check.1,
            check.2
        );
        assert!(
            matches!(fix.0, 0..=2),
            "{what}: fix exit {}: {}",
            fix.0,
            fix.2
        );
        answered[check.0 as usize] += 1;
        if fix.0 == 2 {
            assert!(!output.exists(), "{what}: a refused file leaves no output");
        }
        let _ = std::fs::remove_file(&input);
        let _ = std::fs::remove_file(&output);
    }
    eprintln!("mutants by exit code 0/1/2: {answered:?}");
    // Most damage leaves a readable workbook: the mutants reach recognition and the audit,
    // not only the reader's refusal.
    assert!(answered[0] + answered[1] > cases / 3, "{answered:?}");
    assert!(answered[2] > 0, "{answered:?}");
}

/// Damage the parsers would pass over or blame elsewhere is named at its part: a mismatched
/// end tag in the shared strings (once blamed on the last sheet), a broken attribute in a row
/// (once read silently), a sheet cut short.
#[test]
fn malformed_xml_is_refused_at_its_part() {
    let (clean, sheets) = seed001("bad-xml-base");
    let sheet = sheet_part(&sheets, "公开01表");
    type Edit = Box<dyn Fn(&str) -> String>;
    let cases: [(&str, &str, Edit); 3] = [
        (
            "bad-sst",
            "xl/sharedStrings.xml",
            Box::new(|x: &str| x.replacen("</si>", "</sj>", 1)),
        ),
        (
            "bad-row",
            &sheet,
            Box::new(|x: &str| x.replacen("<row r=\"7\"", "<row r=\"7\" <<", 1)),
        ),
        (
            "cut-sheet",
            &sheet,
            Box::new(|x: &str| x[..x.find("</sheetData>").unwrap()].to_string()),
        ),
    ];
    for (name, part, edit) in cases {
        let bad = dir().join(format!("{name}.xlsx"));
        edit_part(&clean, &bad, part, edit);
        assert_refused(&bad, &[part, "XML", name]);
    }
}
