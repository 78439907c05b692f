//! Amounts a sheet states in 元 or 千元 are read in 万元, the conversion is said, and the 尾差
//! tolerance follows the digits the sheet shows: seed 001's 公开01表 lines that add to 526.35
//! against 526.36 are rounding in 万元 and in 千元, but 100 元 off in a table of whole 元.

#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;

use fiscalform::findings::Finding;
use fiscalform::form::Severity;
use fiscalform::form::{Catalog, Form};
use fiscalform::load::recognize_book;
use fiscalform::model::FormData;
use layout_gen::{fixture_book, render, Rendered, Rng, Variation};
use std::collections::BTreeSet;

fn final_01(catalog: &Catalog) -> (&Form, FormData) {
    recognize_book(catalog, &fixture_book("seed001_final.grid"))
        .forms
        .into_iter()
        .find(|(f, _)| f.id == "final-01")
        .expect("seed 001 has 公开01表")
}

/// The findings of `check` on 公开01表 drawn with `variations`.
fn check_drawn(name: &str, variations: &[Variation]) -> Vec<Finding> {
    let catalog = Catalog::embedded().unwrap();
    let (form, data) = final_01(&catalog);
    let drawn = render(form, &data, variations, 1);
    check_written(&catalog, name, &drawn)
}

/// `check`'s findings on `drawn`, written as `name`.xlsx.
fn check_written(catalog: &Catalog, name: &str, drawn: &Rendered) -> Vec<Finding> {
    drawn.check_written(catalog, "money_units", name)
}

fn cells(findings: &[Finding], severity: &str, rule_other_than: &str) -> BTreeSet<String> {
    findings
        .iter()
        .filter(|f| f.severity.as_str() == severity && f.rule != rule_other_than)
        .filter_map(|f| f.cell.clone())
        .collect()
}

#[test]
fn tail_differences_follow_the_unit_the_sheet_shows() {
    let wan = check_drawn("wan", &[]);
    let tails = cells(&wan, "info", "money-unit");
    assert!(!tails.is_empty(), "seed 001 公开01表 has 尾差: {wan:#?}");
    assert!(cells(&wan, "error", "").is_empty(), "{wan:#?}");
    assert!(wan.iter().all(|f| f.rule != "money-unit"));

    // 千元 with one decimal: 5263.5 against 5263.6 is still rounding.
    let thousand = check_drawn("thousand", &[Variation::MoneyThousand]);
    assert_eq!(
        cells(&thousand, "info", "money-unit"),
        tails,
        "{thousand:#?}"
    );
    assert!(cells(&thousand, "error", "").is_empty(), "{thousand:#?}");

    // Whole 元: 5263500 against 5263600 is a difference of 100 元, not rounding.
    let yuan = check_drawn("yuan", &[Variation::MoneyYuan]);
    // (the totals computed from it then differ too: 总计 on both sides.)
    let errors = cells(&yuan, "error", "");
    assert!(tails.is_subset(&errors), "{yuan:#?}");
    assert!(cells(&yuan, "info", "money-unit").is_empty(), "{yuan:#?}");
}

#[test]
fn the_conversion_is_said_once_at_the_unit_line() {
    let yuan = check_drawn("yuan-said", &[Variation::MoneyYuan]);
    let said: Vec<&Finding> = yuan.iter().filter(|f| f.rule == "money-unit").collect();
    assert_eq!(said.len(), 1, "{yuan:#?}");
    let cell = said[0].cell.as_deref().expect("the unit line's cell");
    assert!(said[0].message.contains(cell), "{}", said[0].message);
    assert!(said[0].message.contains("元") && said[0].message.contains("万元"));
    assert_eq!(said[0].severity, Severity::Info);
}

/// Seed 001's nine 决算 tables in one workbook, each in 元 and drawn with the variations
/// `said` gives it (where the unit is said); `check`'s findings on it.
fn check_book_in_yuan(name: &str, said: impl Fn(usize) -> Vec<Variation>) -> Vec<Finding> {
    check_book(name, |i, _| {
        let mut variations = said(i);
        variations.push(Variation::MoneyYuan);
        variations
    })
}

/// Seed 001's nine 决算 tables in one workbook, each drawn with the variations `drawn_with`
/// gives it (by its place and form id); `check`'s findings on it.
fn check_book(name: &str, drawn_with: impl Fn(usize, &str) -> Vec<Variation>) -> Vec<Finding> {
    let catalog = Catalog::embedded().unwrap();
    let forms = recognize_book(&catalog, &fixture_book("seed001_final.grid")).forms;
    assert_eq!(forms.len(), 9);
    let mut book: Option<Rendered> = None;
    for (i, (form, data)) in forms.iter().enumerate() {
        let drawn = render(form, data, &drawn_with(i, &form.id), 1);
        match &mut book {
            Some(b) => b.book.sheets.extend(drawn.book.sheets),
            None => book = Some(drawn),
        }
    }
    check_written(&catalog, name, &book.unwrap())
}

/// The errors and warnings of `findings`, by rule and cell.
fn judged(findings: &[Finding]) -> BTreeSet<(String, String, Option<String>)> {
    findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| (f.form.clone(), f.rule.clone(), f.cell.clone()))
        .collect()
}

/// A workbook in 元 is audited alike wherever its tables say so: on the line above the table,
/// in the header words over the amounts (`决算数（元）`), after the title, or on some tables
/// only, the others in the workbook's unit.
#[test]
fn a_workbook_in_yuan_is_audited_alike_wherever_it_says_so() {
    use Variation::{NoUnitLine, UnitInHeader, UnitInTitle};
    let stated = check_book_in_yuan("book-stated", |_| vec![]);
    let want = judged(&stated);
    // Seed 001's figures are rounded to 0.01 万元: shown in whole 元, its 尾差 are errors.
    assert!(!want.is_empty(), "{stated:#?}");
    let ways = [
        vec![],
        vec![UnitInHeader],
        vec![UnitInTitle],
        vec![NoUnitLine],
    ];
    for seed in 1..=6u64 {
        let mut rng = Rng::new(seed);
        let mut picked: Vec<usize> = (0..9).map(|_| rng.below(ways.len())).collect();
        // At least one table says the unit, at least one does not.
        picked[(seed % 9) as usize] = 3;
        picked[((seed + 4) % 9) as usize] = 1 + (seed % 2) as usize;
        let got = check_book_in_yuan(&format!("book-{seed}"), |i| ways[picked[i]].clone());
        assert_eq!(judged(&got), want, "seed {seed}, ways {picked:?}");
        let inherited = got.iter().filter(|f| f.rule == "money-unit-book").count();
        assert!(inherited >= 1, "seed {seed}: {got:#?}");
    }
}

/// A table naming no unit in a workbook whose tables name different ones (万元 here, 元
/// there) is in 万元: nothing says otherwise.
#[test]
fn a_table_naming_no_unit_among_tables_that_disagree_is_in_wan() {
    let catalog = Catalog::embedded().unwrap();
    let forms = recognize_book(&catalog, &fixture_book("seed001_final.grid")).forms;
    let (form, data) = &forms[0];
    let mut book = render(form, data, &[Variation::MoneyYuan], 1);
    for (i, (form, data)) in forms.iter().enumerate().skip(1) {
        let said = if i == 1 {
            vec![Variation::NoUnitLine]
        } else {
            vec![]
        };
        book.book
            .sheets
            .extend(render(form, data, &said, 1).book.sheets);
    }
    let findings = check_written(&catalog, "book-disagreeing", &book);
    assert!(
        findings.iter().all(|f| f.rule != "money-unit-book"),
        "{findings:#?}"
    );
    // 公开02表 in 万元 agrees with 公开01表 converted from 元, and is warned that it names no
    // unit where others name 万元 and 元.
    let cross: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error && f.form == "final-02")
        .collect();
    assert!(cross.is_empty(), "{cross:#?}");
    let missing: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "money-unit-missing")
        .collect();
    assert_eq!(missing.len(), 1, "{findings:#?}");
    assert_eq!(missing[0].form, "final-02");
    assert!(
        missing[0].message.contains("万元、元"),
        "{}",
        missing[0].message
    );
}

/// A few tables do not say a workbook's unit: 公开07/08表 (zeros, or nothing) under 单位：元, or one
/// 公开01表 in 元, among tables in 万元 that say nothing, leave those in 万元, each warned that
/// it names no unit while another table names 元.
#[test]
fn a_few_tables_do_not_set_the_unit_of_the_silent_others() {
    use Variation::{MoneyYuan, NoUnitLine};
    let without = |findings: &[Finding], rule: &str| -> BTreeSet<_> {
        judged(findings)
            .into_iter()
            .filter(|(_, r, _)| r != rule)
            .collect()
    };
    let missing = |findings: &[Finding]| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f.rule == "money-unit-missing")
            .map(|f| f.form.clone())
            .collect()
    };
    let stated = judged(&check_book("book-wan", |_, _| vec![]));
    let some_yuan = |name: &str, yuan: &[&str]| {
        check_book(name, |_, id| {
            vec![if yuan.contains(&id) {
                MoneyYuan
            } else {
                NoUnitLine
            }]
        })
    };
    let empty_say_yuan = some_yuan("book-empty-yuan", &["final-07", "final-08"]);
    assert!(empty_say_yuan.iter().all(|f| f.rule != "money-unit-book"));
    assert_eq!(without(&empty_say_yuan, "money-unit-missing"), stated);
    assert_eq!(missing(&empty_say_yuan).len(), 7, "{empty_say_yuan:#?}");

    let one_says_yuan = some_yuan("book-one-yuan", &["final-01"]);
    assert!(one_says_yuan.iter().all(|f| f.rule != "money-unit-book"));
    // The seven others holding figures (公开07表 holds none).
    let warned = missing(&one_says_yuan);
    assert_eq!(warned.len(), 7, "{one_says_yuan:#?}");
    assert!(!warned.contains(&"final-07".to_string()), "{warned:?}");
    assert!(!warned.contains(&"final-01".to_string()));
    // Otherwise as when the others say 万元 (公开01表's 元 the odd one out): 公开01表's own
    // 尾差 in whole 元, nothing across tables.
    let others_say_wan = check_book("book-one-yuan-others-wan", |i, _| {
        if i == 0 {
            vec![MoneyYuan]
        } else {
            vec![]
        }
    });
    assert_eq!(
        without(&one_says_yuan, "money-unit-missing"),
        without(&others_say_wan, "money-unit-consistent"),
    );
}

/// 公开01表 drawn with `variations`, each text `rewrite` answers for rewritten; checked as
/// `name`. Returns the findings, those naming two units, and the cells rewritten.
fn check_rewritten(
    name: &str,
    variations: &[Variation],
    rewrite: impl Fn(&str) -> Option<String>,
) -> (Vec<Finding>, Vec<Finding>, Vec<String>) {
    use fiscalform::read::{Cell, Sheet};
    let catalog = Catalog::embedded().unwrap();
    let (form, data) = final_01(&catalog);
    let mut drawn = render(form, &data, variations, 1);
    let sheet = &drawn.book.sheets[0];
    let mut rewritten = Vec::new();
    let cells: Vec<_> = sheet
        .cells()
        .map(|(r, c, cell)| match cell {
            Cell::Text(t) => match rewrite(t.trim()) {
                Some(new) => {
                    rewritten.push(fiscalform::normalize::a1(r, c));
                    (r, c, Cell::Text(new))
                }
                None => (r, c, cell.clone()),
            },
            other => (r, c, other.clone()),
        })
        .collect();
    drawn.book.sheets[0] = Sheet::from_cells(sheet.name.clone(), cells, sheet.merges().to_vec());
    let findings = check_written(&catalog, name, &drawn);
    let conflicts = findings
        .iter()
        .filter(|f| f.rule == "money-unit-conflict")
        .cloned()
        .collect();
    (findings, conflicts, rewritten)
}

/// `findings` judged, but for the warning of two units.
fn judged_but_conflict(findings: &[Finding]) -> BTreeSet<(String, String, Option<String>)> {
    judged(findings)
        .into_iter()
        .filter(|(_, rule, _)| rule != "money-unit-conflict")
        .collect()
}

/// A table that names two money units (单位：元 above it, 金额（万元）in its header) is read in
/// the first, with a warning at the second.
#[test]
fn a_table_naming_two_units_is_warned_of() {
    let (findings, conflicts, headed) =
        check_rewritten("two-units", &[Variation::MoneyYuan], |t| {
            ["决算数", "金额"]
                .contains(&t)
                .then(|| format!("{t}（万元）"))
        });
    assert!(!headed.is_empty(), "公开01表 has 金额 columns");
    assert_eq!(conflicts.len(), 1, "{findings:#?}");
    assert_eq!(conflicts[0].severity, Severity::Warning);
    assert!(
        headed.contains(conflicts[0].cell.as_ref().unwrap()),
        "{conflicts:#?}"
    );
    // Read in 元 as the line above says: the same judgement as without the header's aside.
    let plain = check_drawn("two-units-plain", &[Variation::MoneyYuan]);
    assert_eq!(judged_but_conflict(&findings), judged(&plain));
}

/// A line stating the unit outweighs a unit after the title: `收入支出决算总表（单位：元）` over a
/// table of 万元 whose line says `单位：万元` is read in 万元, with a warning at the title.
#[test]
fn a_unit_line_outweighs_the_titles_aside() {
    let (findings, conflicts, titled) = check_rewritten("title-yuan-line-wan", &[], |t| {
        (t == "收入支出决算总表").then(|| format!("{t}（单位：元）"))
    });
    assert_eq!(titled.len(), 1, "公开01表 has its title once");
    assert_eq!(conflicts.len(), 1, "{findings:#?}");
    assert_eq!(conflicts[0].cell, Some(titled[0].clone()));
    assert!(
        findings.iter().all(|f| f.rule != "money-unit"),
        "not converted"
    );
    let plain = check_drawn("title-yuan-line-wan-plain", &[]);
    assert_eq!(judged_but_conflict(&findings), judged(&plain));
}

/// A workbook in 元 that names its unit nowhere is read in 万元, 10,000 times too large, and
/// its sums all hold: one warning says the amounts look like 元, at the largest. In 万元, or
/// in 元 with the unit said on a table or several, there is no such warning.
#[test]
fn amounts_in_yuan_named_nowhere_are_warned_of() {
    use Variation::{MoneyYuan, NoUnitLine};
    const RULE: &str = "money-unit-yuan-likely";
    let warned = |findings: &[Finding]| -> Vec<Finding> {
        findings
            .iter()
            .filter(|f| f.rule == RULE)
            .cloned()
            .collect()
    };
    let silent = check_book("yuan-silent", |_, _| vec![MoneyYuan, NoUnitLine]);
    let said = warned(&silent);
    assert_eq!(said.len(), 1, "{silent:#?}");
    assert_eq!(said[0].severity, Severity::Warning);
    assert!(said[0].message.contains("5263600"), "{}", said[0].message);
    let in_wan = check_book("wan-silent", |_, _| vec![NoUnitLine]);
    assert!(warned(&in_wan).is_empty(), "{in_wan:#?}");
    for seed in 1..=4u64 {
        let mut rng = Rng::new(seed);
        let stating = rng.below(9);
        let got = check_book(&format!("yuan-one-says-{seed}"), |i, _| {
            match i == stating {
                true => vec![MoneyYuan],
                false => vec![MoneyYuan, NoUnitLine],
            }
        });
        assert!(warned(&got).is_empty(), "seed {seed}: {got:#?}");
    }
}
