//! Our own template's spare rows, saved by a real client: the rows of its lists show 0 where
//! their formulas compute nothing (plain `=F8+G8` formulas, or the template's `IF(…,"",…)`
//! whose empty result LibreOffice saves to .xls as 0), which is no value to place: no error, no
//! warning. A real figure typed in a spare row — of a list, or a fixed form's row with a 行次
//! and no label (公开04表 行61) — is reported at its cell and kept by fix.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/lo.rs"]
mod lo;
#[path = "support/xorshift.rs"]
mod xorshift;

use fiscalform::read::{read_workbook, Cell};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use xorshift::Xorshift as Rng;

fn dir(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("spare-rows")
        .join(tag);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn template(family: &str, out: &Path) {
    let (code, o, e) = cli::run(&["template", "--family", family, "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{o}{e}");
}

/// The xlsx at `input` with each worksheet part passed through `edit` (part name, its XML).
fn rewrite(input: &Path, out: &Path, mut edit: impl FnMut(&str, String) -> String) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(input).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for i in 0..zin.len() {
        let mut e = zin.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        if name.starts_with("xl/worksheets/sheet") {
            data = edit(&name, String::from_utf8(data).unwrap()).into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zout.write_all(&data).unwrap();
    }
    zout.finish().unwrap();
}

const GUARD: &str = "t=\"str\"><f>IF(COUNT(";
const EMPTY_RESULT: &str = ")=0,\"\",";

/// The template's guarded row formulas (`IF(COUNT(F8,G8)=0,"",SUM(F8,G8))`, showing nothing)
/// of the rows `pick` chooses turned into the plain sums many units' own templates hold,
/// which show 0 for an empty row (`SUM(F8,G8)` with its result 0 stored).
fn plain_sums(xml: String, mut pick: impl FnMut() -> bool) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml.as_str();
    while let Some(at) = rest.find(GUARD) {
        let tail = &rest[at + GUARD.len()..];
        let (Some(mid), Some(end)) = (tail.find(EMPTY_RESULT), tail.find(")</f><v></v></c>"))
        else {
            break;
        };
        out.push_str(&rest[..at]);
        if pick() {
            let sum = &tail[mid + EMPTY_RESULT.len()..end];
            out.push_str(&format!("><f>{sum}</f><v>0</v></c>"));
        } else {
            out.push_str(&rest[at..at + GUARD.len() + end + ")</f><v></v></c>".len()]);
        }
        rest = &tail[end + ")</f><v></v></c>".len()..];
    }
    out.push_str(rest);
    out
}

/// The findings a reviewer must act on (errors and warnings).
fn defects(report: &Value) -> Vec<Value> {
    cli::findings(report)
        .into_iter()
        .filter(|f| f["severity"] != "info")
        .collect()
}

#[test]
fn spare_rows_showing_zero_raise_nothing_in_xlsx_and_xls_saves() {
    let d = dir("generated");
    let mut failed = Vec::new();
    for seed in 1..=8u64 {
        let family = ["final", "budget"][(seed % 2) as usize];
        let format = ["xlsx", "xls"][((seed / 2) % 2) as usize];
        let case = d.join(format!("case{seed}"));
        std::fs::create_dir_all(&case).unwrap();
        let blank = case.join("blank.xlsx");
        template(family, &blank);
        let mut rng = Rng(seed * 0x9E37_79B9_7F4A_7C15);
        let edited = case.join(format!("{family}.xlsx"));
        // Which sheets hold plain sums, and in which of their spare rows, varies by seed;
        // seeds 1 and 2 keep the template's formulas everywhere.
        rewrite(&blank, &edited, |_, xml| {
            let sheet_plain = seed > 2 && rng.coin();
            plain_sums(xml, || sheet_plain && rng.coin())
        });
        let saved = lo::convert(&edited, format, &case.join("saved"));
        let (code, report) = cli::check_json(&saved);
        let defects = defects(&report);
        if code != 0 || !defects.is_empty() {
            failed.push(format!(
                "seed {seed} {family} .{format}: exit {code}, {defects:#?}"
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of 8 failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn a_figure_typed_in_a_spare_row_is_still_reported() {
    let d = dir("figure");
    let blank = d.join("blank.xlsx");
    template("final", &blank);
    let typed = d.join("typed.xlsx");
    // 公开07表 (the seventh sheet): 5 typed into D15, a spare row with no code and no name.
    rewrite(&blank, &typed, |name, xml| {
        if name != "xl/worksheets/sheet7.xml" {
            return xml;
        }
        xml.replacen(
            r#"<c r="D15" s="8"/>"#,
            r#"<c r="D15" s="8"><v>5</v></c>"#,
            1,
        )
    });
    for format in ["xlsx", "xls"] {
        let saved = lo::convert(&typed, format, &d.join(format));
        let (_, report) = cli::check_json(&saved);
        let defects = defects(&report);
        let at_d15: Vec<&Value> = defects
            .iter()
            .filter(|f| f["sheet"] == "公开07表" && f["cell"] == "D15")
            .collect();
        assert_eq!(at_d15.len(), 1, ".{format}: {defects:#?}");
        assert!(
            at_d15[0]["message"].as_str().unwrap().contains("“5”"),
            "{at_d15:#?}"
        );
        assert!(
            !defects.iter().any(|f| f["rule"] == "values-not-placed"),
            ".{format}: {defects:#?}"
        );
    }
}

/// The cells of the spare rows of a fixed-row form in the blank template at `path`: on sheet
/// `sheet` (its worksheet part `part`), the cells right of a 行次 whose label cell is empty, up
/// to the next panel's label column, empty in the template. (sheet, part, address)
fn spare_cells(path: &Path, sheet: &str) -> Vec<(String, String, String)> {
    let wb = read_workbook(path).unwrap();
    let index = wb.sheets.iter().position(|s| s.name == sheet).unwrap();
    let s = &wb.sheets[index];
    let part = format!("xl/worksheets/sheet{}.xml", index + 1);
    let header = |c: u16| s.get(4, c).as_text().unwrap_or_default().to_string();
    let mut cells = Vec::new();
    for r in 6..s.height() {
        for c in (1..s.width()).filter(|&c| header(c) == "行次") {
            let spare = matches!(s.get(r, c), Cell::Number(_)) && s.get(r, c - 1).is_empty();
            let amounts = (c + 1..s.width()).take_while(|&a| header(a) != "项目");
            for a in amounts.filter(|&a| spare && s.get(r, a).is_empty()) {
                cells.push((sheet.to_string(), part.clone(), grid_a1(r, a)));
            }
        }
    }
    cells
}

fn grid_a1(r: u32, c: u16) -> String {
    format!("{}{}", (b'A' + c as u8) as char, r + 1)
}

/// The xlsx at `input` with `figure` typed into the empty cell `at` of worksheet part `part`.
fn type_figure(input: &Path, out: &Path, part: &str, at: &str, figure: u32) {
    rewrite(input, out, |name, xml| {
        if name != part {
            return xml;
        }
        let key = format!("<c r=\"{at}\" ");
        let start = xml.find(&key).unwrap_or_else(|| panic!("no cell {at}"));
        let len = xml[start..].find('>').unwrap() + 1;
        let empty = &xml[start..start + len];
        assert!(empty.ends_with("/>"), "{at} is not empty: {empty}");
        let typed = format!("{}><v>{figure}</v></c>", empty.trim_end_matches("/>"));
        format!("{}{typed}{}", &xml[..start], &xml[start + len..])
    });
}

#[test]
fn a_figure_in_a_fixed_forms_spare_row_is_reported_and_kept() {
    let d = dir("fixed-spare");
    let blank = d.join("blank.xlsx");
    template("final", &blank);
    let mut spare = spare_cells(&blank, "公开01表");
    spare.extend(spare_cells(&blank, "公开04表"));
    assert!(spare.len() > 20, "{spare:?}");
    let mut rng = Rng(0x5EED_2024);
    let mut failed = Vec::new();
    for seed in 0..6 {
        let (sheet, part, at) = &spare[rng.below(spare.len())];
        // Not a 行次 nor any other number of the blank template.
        let figure = 1000 + rng.below(8999) as u32;
        let format = ["xlsx", "xls"][seed % 2];
        let case = d.join(format!("case{seed}"));
        let typed = case.join("typed.xlsx");
        std::fs::create_dir_all(&case).unwrap();
        type_figure(&blank, &typed, part, at, figure);
        let saved = lo::convert(&typed, format, &case.join("saved"));
        let (_, report) = cli::check_json(&saved);
        let here: Vec<Value> = defects(&report)
            .into_iter()
            .filter(|f| f["sheet"] == sheet.as_str() && f["cell"] == at.as_str())
            .collect();
        let said = here.len() == 1 && {
            let m = here[0]["message"].as_str().unwrap();
            m.contains(&format!("“{figure}”")) && m.contains("行次")
        };
        let fixed = case.join("fixed.xlsx");
        let (code, o, e) = cli::run(&[
            "fix",
            saved.to_str().unwrap(),
            "-o",
            fixed.to_str().unwrap(),
        ]);
        assert!(code <= 1, "{o}{e}");
        // fix keeps it beside the form, at its address.
        let (r, c) = fiscalform::cellref::parse_a1(at).unwrap();
        let beside = format!("{sheet}（表外内容）");
        let kept = read_workbook(&fixed)
            .unwrap()
            .sheet(&beside)
            .is_some_and(|s| *s.get(r, c) == Cell::Number(figure.into()));
        if !said || !kept {
            failed.push(format!(
                "{sheet}!{at} = {figure} (.{format}): kept {kept}, {here:#?}"
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of 6 failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
