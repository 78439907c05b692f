//! Long tables typed in Word and printed to PDF by LibreOffice, running over many pages: 部门公开表10's unit blocks (group cells merged down across page breaks, indicator rows repeating another unit's) and 公开02/03表 with hundreds of 科目 rows; header rows repeated on each page or not, rows kept whole or broken by the page: every row of every page reads back as the Word document's.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/docx.rs"]
mod docx;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/large_tables.rs"]
mod large_tables;
#[path = "support/lo.rs"]
mod lo;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use docx::WordLayout;
use grid::{GridBook, GridCell};
use serde_json::Value;

fn scratch(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("pdf-long-tables")
        .join(tag);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Every logical cell and row label of what `path` reads as, whitespace squeezed out (a
/// printed cell wraps its text): (form, cell) → text.
fn readings(path: &Path) -> BTreeMap<(String, String), String> {
    let copy = path.with_file_name(format!(
        "{}-export.{}",
        path.file_stem().unwrap().to_str().unwrap(),
        path.extension().unwrap().to_str().unwrap()
    ));
    std::fs::copy(path, &copy).unwrap();
    let doc: Value = export::exported(&copy);
    let squeezed = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut out: BTreeMap<(String, String), String> = export::logical_cells(&doc, &[])
        .into_iter()
        .filter_map(|(k, v)| Some((k, squeezed(v.as_str()?))))
        .collect();
    for f in doc["forms"].as_array().unwrap() {
        for r in f["rows"].as_array().unwrap() {
            let key = format!("{}.label", r["key"].as_str().unwrap());
            let label = squeezed(r["label"].as_str().unwrap_or(""));
            out.insert((f["id"].as_str().unwrap().to_string(), key), label);
        }
    }
    out
}

/// The first few cells two readings differ in, and how many.
fn differences(
    word: &BTreeMap<(String, String), String>,
    pdf: &BTreeMap<(String, String), String>,
) -> Option<String> {
    let keys: BTreeSet<_> = word.keys().chain(pdf.keys()).collect();
    let differ: Vec<String> = keys
        .into_iter()
        .filter(|k| word.get(*k) != pdf.get(*k))
        .map(|k| {
            format!(
                "{} {}: Word {:?}, PDF {:?}",
                k.0,
                k.1,
                word.get(k),
                pdf.get(k)
            )
        })
        .collect();
    (!differ.is_empty()).then(|| {
        format!(
            "{} cells differ:\n  {}",
            differ.len(),
            differ[..differ.len().min(12)].join("\n  ")
        )
    })
}

/// The values of `word` (form, column, number) that `pdf` lacks, and how many.
fn lost_values(
    word: &BTreeMap<(String, String), String>,
    pdf: &BTreeMap<(String, String), String>,
) -> Option<String> {
    let numbers = |r: &BTreeMap<(String, String), String>| {
        let mut out: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for ((form, cell), v) in r {
            let column = cell.rsplit('.').next().unwrap_or("");
            if v.parse::<rust_decimal::Decimal>().is_ok() && column != "label" {
                *out.entry((form.clone(), column.to_string(), v.clone()))
                    .or_default() += 1;
            }
        }
        out
    };
    let have = numbers(pdf);
    let lost: Vec<String> = numbers(word)
        .into_iter()
        .filter(|(k, n)| have.get(k).copied().unwrap_or(0) < *n)
        .map(|(k, n)| format!("{k:?} ×{n}, PDF ×{}", have.get(&k).copied().unwrap_or(0)))
        .collect();
    (!lost.is_empty()).then(|| format!("{} values lost:\n  {}", lost.len(), lost.join("\n  ")))
}

/// What `check --format json` finds in `path`: (form, rule, severity, expected, found).
fn findings(path: &Path) -> BTreeSet<String> {
    let (_, out, _) = cli::run(&["check", path.to_str().unwrap(), "--format", "json"]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let empty = Vec::new();
    let found = doc["files"][0]["findings"].as_array().unwrap_or(&empty);
    found
        .iter()
        .map(|f| {
            let field = |k: &str| f[k].as_str().unwrap_or("").to_string();
            ["form", "rule", "severity", "expected", "found"]
                .map(field)
                .join(" ")
        })
        .collect()
}

/// The rule a row left as two (its cut not certain) is reported under.
const MAYBE_CUT: &str = "row-cut-by-page";

/// Each layout of `sheets` typed in Word and printed to PDF: the PDF read as the Word
/// document, no finding beyond the Word document's (a row said to be perhaps cut, with the
/// reading as two rows, excepted: the reader says what it cannot tell).
fn read_back(tag: &str, sheets: &[fiscalform::read::Sheet], layouts: &[WordLayout]) -> Vec<String> {
    lo::require_chinese_font();
    let d = scratch(tag);
    let mut problems = Vec::new();
    for (i, layout) in layouts.iter().enumerate() {
        let docx = d.join(format!("{tag}-{i}.docx"));
        docx::ruled_form_docx(sheets, layout, &docx);
        let pdf = lo::convert(&docx, "pdf", &d);
        let (word, printed) = (readings(&docx), readings(&pdf));
        let got = findings(&pdf);
        // Rows left as two where a cut could not be told: the values still all there.
        let unsure = got.iter().any(|f| f.contains(MAYBE_CUT));
        let diff = match unsure {
            true => lost_values(&word, &printed),
            false => differences(&word, &printed),
        };
        if let Some(diff) = diff {
            problems.push(format!("{} ({layout:?}): {diff}", pdf.display()));
        }
        let want = findings(&docx);
        let extra: Vec<String> = got
            .into_iter()
            .filter(|f| !want.contains(f) && !f.contains(MAYBE_CUT))
            .collect();
        if !extra.is_empty() {
            problems.push(format!(
                "{}: findings beyond the Word document's {extra:#?}",
                pdf.display()
            ));
        }
    }
    problems
}

/// A small xorshift generator: the same seed, the same layouts.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// `n` layouts drawn from `seed`: the page breaks moved by leading lines, header rows
/// repeated on each page or not, rows as tall as their text (broken by a page) or kept
/// whole and taller, portrait or landscape.
fn layouts(seed: u64, n: usize, landscape_only: bool) -> Vec<WordLayout> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| WordLayout {
            lead: rng.below(14) as usize,
            repeat_header: rng.below(3) > 0,
            row_height: [0, 0, 900, 1600][rng.below(4) as usize],
            landscape: landscape_only || rng.below(2) == 0,
            ..WordLayout::default()
        })
        .collect()
}

/// The seed's first 部门整体支出绩效目标表 unit block (15 indicator rows under merged 单位,
/// 资金总额, 整体绩效目标 and 指标 cells) and `units - 1` copies of it for other units: their
/// indicator rows word for word the first unit's, as units' often are.
fn long_perf_target(dir: &Path, units: usize) -> fiscalform::read::Sheet {
    let name = "部门整体支出绩效目标表";
    let mut sheet = grid::fixture("seed002_budget.grid").sheet(name).clone();
    sheet.rows.truncate(20);
    sheet.merges.retain(|m| m.0 < 20 && m.1 != 0);
    sheet.set("J6", GridCell::text("促进全面绿色转型"));
    let block = sheet.rows[5..20].to_vec();
    let merges: Vec<_> = sheet.merges.iter().filter(|m| m.0 >= 5).copied().collect();
    for k in 1..units {
        let at = sheet.rows.len() as u32;
        let mut rows = block.clone();
        let amount = GridCell::num(&format!("{}.{:02}", 100 + 7 * k, k));
        rows[0][0] = GridCell::text(&(430001 + k).to_string());
        rows[0][1] = GridCell::text(&format!("长沙市第{k}事务中心"));
        for c in [2, 3, 8] {
            rows[0][c] = amount.clone();
        }
        sheet.rows.extend(rows);
        sheet.merges.extend(
            merges
                .iter()
                .map(|m| (m.0 - 5 + at, m.1, m.2 - 5 + at, m.3)),
        );
    }
    let path = dir.join("long-perf-target.xlsx");
    GridBook {
        sheets: vec![sheet],
    }
    .write_xlsx(&path);
    fiscalform::read::read_workbook(&path)
        .unwrap()
        .sheets
        .remove(0)
}

fn check(problems: Vec<String>) {
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Eight units of 部门公开表10 over 25–35 pages: no page of rows dropped as a header
/// repeated (a unit's indicator rows are the unit's before), no unit's 整体绩效目标 taken for
/// the one above it, a unit's name cut by the break joined again.
#[test]
fn every_page_of_a_long_perf_target_table_is_read() {
    let d = scratch("perf-target");
    let sheet = long_perf_target(&d, 8);
    // The two prints a whole page of rows was first seen dropped from.
    let seen = [(0, true), (5, false)].map(|(lead, repeat_header)| WordLayout {
        lead,
        repeat_header,
        landscape: true,
        ..WordLayout::default()
    });
    let layouts: Vec<WordLayout> = seen.into_iter().chain(layouts(19, 6, true)).collect();
    check(read_back(
        "perf-target",
        std::slice::from_ref(&sheet),
        &layouts,
    ));
}

/// 公开02表 and 公开03表 of three 类 with six 款 of ten 项 each (over 200 科目 rows each),
/// running over many pages: every row read, none twice.
#[test]
fn every_page_of_long_final_tables_is_read() {
    let d = scratch("final");
    let xlsx = d.join("final-long.xlsx");
    large_tables::write(&xlsx, 3, 6);
    let sheets = fiscalform::read::read_workbook(&xlsx).unwrap().sheets;
    check(read_back("final", &sheets, &layouts(23, 4, false)));
}
