//! The blank templates carry the published forms' own words: every title, header label, 栏次
//! mark, fixed row label and 行次 of seed 001's 公开01–09表 and seed 002's budget tables is
//! found on our template's sheet for that form (the 栏次 row's numbers as a whole) (科目 names of code-keyed rows, which a blank
//! template cannot know, excepted), and each fixed row keeps its 行次.

#[path = "support/grid.rs"]
mod grid;

use calamine::{open_workbook, Data, Reader, Xlsx};
use fiscalform::form::{Catalog, Family};
use fiscalform::normalize::label_key;
use fiscalform::read::read_workbook;
use fiscalform::recognize::identify;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

fn tmp(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("templates-vs-seeds");
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn is_code(s: &str) -> bool {
    matches!(s.len(), 2 | 3 | 5 | 7) && s.chars().all(|c| c.is_ascii_digit())
}

/// Label keys of a sheet (texts and small integers such as 行次/栏次), and per row the pairs
/// (label, 行次) where a label is followed by a 行次 number.
fn sheet_words(
    path: &std::path::Path,
    sheet: &str,
) -> (BTreeSet<String>, BTreeSet<(String, String)>) {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut words = BTreeSet::new();
    let mut pairs = BTreeSet::new();
    let mut rows: HashMap<u32, Vec<(u32, String)>> = HashMap::new();
    for (r, c, v) in range.used_cells() {
        let text = match v {
            Data::String(s) => label_key(s),
            Data::Float(f) if f.fract() == 0.0 && *f < 100.0 => format!("{f}"),
            Data::Int(i) if *i < 100 => i.to_string(),
            _ => continue,
        };
        if text.is_empty() {
            continue;
        }
        if text.parse::<u32>().is_err() {
            words.insert(text.clone());
        }
        rows.entry(r as u32 + r0)
            .or_default()
            .push((c as u32 + c0, text));
    }
    for cells in rows.values_mut() {
        cells.sort();
        // The 栏次 row's numbers, as one word: "栏次 1 2 3 …".
        if cells.iter().any(|(_, t)| t == "栏次" || t == "**") {
            let nums: Vec<&str> = cells
                .iter()
                .map(|(_, t)| t.as_str())
                .filter(|t| t.parse::<u32>().is_ok())
                .collect();
            words.insert(format!("栏次:{}", nums.join(",")));
        }
        for w in cells.windows(2) {
            if w[1].1.parse::<u32>().is_ok()
                && w[0].1.parse::<u32>().is_err()
                && w[1].0 == w[0].0 + 1
            {
                pairs.insert((w[0].1.clone(), w[1].1.clone()));
            }
        }
    }
    (words, pairs)
}

fn compare(fixture: &str, family: Family, skip_forms: &[&str]) {
    let catalog = Catalog::embedded().unwrap();
    let seed = tmp(&format!("{fixture}.xlsx"));
    grid::load(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture),
    )
    .write_xlsx(&seed);
    let forms: Vec<_> = catalog.family(family).collect();
    let ours = tmp(&format!("{}-template.xlsx", family.as_str()));
    fiscalform::cli::write_template(&forms, Some("2023"), None, &ours).unwrap();
    let read = read_workbook(&seed).unwrap();
    let mut compared = 0;
    for sheet in &read.sheets {
        let form = identify(&catalog, sheet)
            .unwrap_or_else(|| panic!("{fixture}: sheet {} is no form", sheet.name));
        if skip_forms.contains(&form.id.as_str()) {
            continue;
        }
        let (seed_words, seed_pairs) = sheet_words(&seed, &sheet.name);
        let (our_words, our_pairs) = sheet_words(&ours, &form.sheet_name);
        let coded = form.panels().any(|p| p.coded.is_some());
        // Texts that belong to the filled data, not to the form.
        let data_words: BTreeSet<String> = if coded {
            let mut names = BTreeSet::new();
            for r in 0..sheet.height() {
                let cells: Vec<String> = (0..sheet.width())
                    .filter_map(|c| {
                        sheet
                            .get(r, c)
                            .as_text()
                            .map(label_key)
                            .or_else(|| sheet.get(r, c).as_number().map(|n| n.to_string()))
                    })
                    .collect();
                if cells.iter().any(|t| is_code(t)) {
                    names.extend(cells);
                }
            }
            names
        } else {
            BTreeSet::new()
        };
        let missing: Vec<_> = seed_words
            .iter()
            .filter(|w| !our_words.contains(*w) && !data_words.contains(*w))
            .filter(|w| {
                !w.starts_with("部门")
                    && !w.starts_with("单位")
                    && w.parse::<f64>().map_or(true, |n| n < 100.0)
            })
            .filter(|w| !w.contains("本单位没有") && !w.contains("无数据"))
            .collect();
        assert!(
            missing.is_empty(),
            "{} ({}): seed words missing from our template: {missing:?}",
            form.id,
            sheet.name
        );
        let has_lines = form.panels().any(|p| {
            p.columns
                .iter()
                .any(|c| c.kind == fiscalform::form::ColKind::Line)
        });
        if has_lines {
            let lost: Vec<_> = seed_pairs
                .difference(&our_pairs)
                .filter(|(l, _)| !data_words.contains(l))
                .collect();
            assert!(
                lost.is_empty(),
                "{}: label/行次 pairs of the seed not in our template: {lost:?}",
                form.id
            );
            assert!(
                seed_pairs.len() >= 20,
                "{}: the seed's 行次 were read",
                form.id
            );
        }
        compared += 1;
    }
    assert!(compared >= 1);
}

#[test]
fn final_family_templates_carry_seed_001_words_and_line_numbers() {
    compare("seed001_final.grid", Family::Final, &[]);
}

#[test]
fn budget_family_templates_carry_seed_002_words() {
    // budget-07/09/10 are lists of units, projects and indicators: their rows are data.
    compare(
        "seed002_budget.grid",
        Family::Budget,
        &["budget-07", "budget-09", "budget-10"],
    );
}
