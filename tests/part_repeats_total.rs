//! A detail row printed with its group's total (30299 其他商品和服务支出 = the 302 total while
//! the other 302xx rows add up to it): one error at the group naming that row, no error on
//! what is built from the group (公用经费合计, 公开05表's 合计·基本支出), and `fix` keeps the
//! published total for a person rather than writing the doubled sum. Generated from the real
//! 决算 workbook and seed 001's 决算: every 公开06表 group, several of its rows as the one that
//! repeats the total, in 万元, 元 and 千元, with and without 公开05表 in the workbook.

#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;

use fiscalform::calc::{compute, Book, Mode};
use fiscalform::expr::Val;
use fiscalform::findings::Finding;
use fiscalform::form::{Catalog, Form, Severity};
use fiscalform::load::recognize_book;
use fiscalform::model::FormData;
use fiscalform::read::Workbook;
use layout_gen::{render, Rendered, Variation};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::embedded().unwrap())
}

/// The source workbooks: name and workbook (the real one, the sample, seed 001's 决算).
fn sources() -> Vec<(&'static str, Workbook)> {
    let real = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/2024决算-上海普陀区财政局.xlsx");
    let sample =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample/2023决算-株洲.xlsx");
    vec![
        ("real", fiscalform::read::read_workbook(&real).unwrap()),
        ("sample", fiscalform::read::read_workbook(&sample).unwrap()),
        ("seed001", layout_gen::fixture_book("seed001_final.grid")),
    ]
}

/// The errors and warnings of a workbook's audit (reading notices included).
fn findings(book: &Workbook) -> Vec<Finding> {
    let rec = recognize_book(catalog(), book);
    let audited = Book::new(rec.forms);
    let calc = compute(&audited, Mode::Check, false);
    let (found, _) = fiscalform::check::audit_covered(&audited, &calc);
    rec.findings
        .into_iter()
        .chain(found)
        .filter(|f| f.severity != Severity::Info)
        .collect()
}

/// How many findings of each (severity, rule, form).
fn counted(fs: &[Finding]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for f in fs {
        *out.entry(format!("{:?} {} {}", f.severity, f.rule, f.form))
            .or_insert(0) += 1;
    }
    out
}

fn amount(data: &FormData, key: &str) -> Option<Decimal> {
    match data.row(key)?.get("amount") {
        Val::Num(d) => Some(d),
        _ => None,
    }
}

/// Each 类 group of 公开06表 (a three-digit code with a filled amount) and its 款 rows.
fn groups(data: &FormData) -> Vec<(String, Vec<String>)> {
    let keys: Vec<&str> = data.rows.iter().map(|r| &*r.key).collect();
    keys.iter()
        .filter(|k| k.len() == 3 && amount(data, k).is_some_and(|a| !a.is_zero()))
        .map(|g| {
            let children = keys
                .iter()
                .filter(|k| k.len() == 5 && k.starts_with(*g))
                .map(|k| k.to_string())
                .collect();
            (g.to_string(), children)
        })
        .collect()
}

/// `data` with row `culprit` of `group` printed with the group's total: its own amount moved
/// onto another filled row, so that the others still add up to the total — within the 尾差
/// they had, or `exact`ly (a table in 元 has no 尾差 of 0.01 万元). None when fewer than two
/// other rows are filled.
fn repeating(
    data: &FormData,
    group: &str,
    children: &[String],
    culprit: &str,
    exact: bool,
) -> Option<FormData> {
    let total = amount(data, group)?;
    let sum: Decimal = children.iter().filter_map(|k| amount(data, k)).sum();
    let tail = if exact { total - sum } else { Decimal::ZERO };
    let filled: Vec<&String> = children
        .iter()
        .filter(|k| *k != culprit && amount(data, k).is_some_and(|a| !a.is_zero()))
        .collect();
    if filled.len() < 2 {
        return None;
    }
    let own = amount(data, culprit).unwrap_or_default();
    let mut out = data.clone();
    let onto = filled[0];
    let moved = amount(data, onto).unwrap_or_default() + own + tail;
    out.set(onto, Some(&"amount".into()), Val::Num(moved));
    out.set(culprit, Some(&"amount".into()), Val::Num(total));
    Some(out)
}

/// The rows of `children` tried as the one repeating the total: the 其他 row (99), the first
/// and a filled and a blank one in between.
fn culprits(data: &FormData, children: &[String]) -> Vec<String> {
    let filled = |k: &&String| amount(data, k).is_some_and(|a| !a.is_zero());
    let picks = [
        children.iter().find(|k| k.ends_with("99")),
        children.first(),
        children.iter().filter(filled).nth(1),
        children.iter().find(|k| !filled(k)),
    ];
    let mut out: Vec<String> = Vec::new();
    for k in picks.into_iter().flatten() {
        if !out.contains(k) {
            out.push(k.clone());
        }
    }
    out
}

/// 公开06表 as rendered with `money`, the source's 公开05表 sheet after it when `with_05`.
fn laid_out(
    form: &Form,
    data: &FormData,
    money: &[Variation],
    companion: Option<&Workbook>,
) -> Rendered {
    let mut r = render(form, data, money, 7);
    if let Some(c) = companion {
        r.add_companions(c, None);
    }
    r
}

/// The A1 where `key` was drawn.
fn drawn_at(r: &Rendered, key: &str) -> String {
    r.values
        .iter()
        .find(|(_, _, k)| k == key)
        .map(|(_, a1, _)| a1.clone())
        .unwrap_or_default()
}

/// The cases: source, group, culprit, money variation, with 05; the 06 and its data.
struct Case<'c> {
    source: &'static str,
    name: String,
    form: &'c Form,
    data: FormData,
    group: String,
    culprit: String,
    money: Vec<Variation>,
    companion: Option<Workbook>,
}

fn cases() -> Vec<Case<'static>> {
    let mut out = Vec::new();
    for (name, book) in sources() {
        let rec = recognize_book(catalog(), &book);
        let find = |id: &str| rec.forms.iter().find(|(f, _)| f.id == id);
        let (form, data) = find("final-06").expect("公开06表");
        let sheet_05 = find("final-05").and_then(|(_, d)| d.sheet.clone());
        let only_05 = Workbook {
            sheets: (book.sheets.iter())
                .filter(|s| Some(&s.name) == sheet_05.as_ref())
                .cloned()
                .collect(),
            ..book.clone()
        };
        assert_eq!(only_05.sheets.len(), 1, "{name}: 公开05表");
        for (group, children) in groups(data) {
            for culprit in culprits(data, &children) {
                for money in [
                    vec![],
                    vec![Variation::MoneyYuan],
                    vec![Variation::MoneyThousand],
                ] {
                    let exact = !money.is_empty();
                    let Some(changed) = repeating(data, &group, &children, &culprit, exact) else {
                        continue;
                    };
                    for companion in [None, Some(only_05.clone())] {
                        out.push(Case {
                            source: name,
                            name: format!(
                                "{name} {group}/{culprit} {} {}",
                                layout_gen::names(&money),
                                if companion.is_some() { "+05" } else { "alone" }
                            ),
                            form,
                            data: changed.clone(),
                            group: group.clone(),
                            culprit: culprit.clone(),
                            money: money.clone(),
                            companion,
                        });
                    }
                }
            }
        }
    }
    out
}

/// What is wrong with the case's audit against the unchanged 公开06表 in the same layout: no
/// error at the group naming the culprit, more than that one finding there, or a finding
/// elsewhere the unchanged table does not have.
fn problems(case: &Case, unchanged: &FormData) -> Vec<String> {
    let companion = case.companion.as_ref();
    let before = laid_out(case.form, unchanged, &case.money, companion);
    let r = laid_out(case.form, &case.data, &case.money, companion);
    let (group_at, culprit_at) = (
        drawn_at(&r, &format!("{}.amount", case.group)),
        drawn_at(&r, &format!("{}.amount", case.culprit)),
    );
    let at_group = |f: &Finding| f.form == "final-06" && f.cell.as_deref() == Some(&group_at);
    let (here, elsewhere): (Vec<Finding>, Vec<Finding>) =
        findings(&r.book).into_iter().partition(at_group);
    let want = counted(
        &findings(&before.book)
            .into_iter()
            .filter(|f| !at_group(f))
            .collect::<Vec<_>>(),
    );
    let mut wrong = Vec::new();
    let names_culprit =
        |f: &Finding| f.severity == Severity::Error && f.related.first() == Some(&culprit_at);
    if here.len() != 1 || !here.iter().all(names_culprit) {
        let said: Vec<&str> = here.iter().map(|f| f.message.as_str()).collect();
        wrong.push(format!(
            "not one error at {group_at} naming {culprit_at}: {said:?}"
        ));
    }
    let mut extra = counted(&elsewhere);
    extra.retain(|k, n| want.get(k).copied().unwrap_or(0) < *n);
    if !extra.is_empty() {
        let said: Vec<&str> = elsewhere.iter().map(|f| f.message.as_str()).collect();
        wrong.push(format!("new findings {extra:?}: {said:?}"));
    }
    wrong
}

/// Each source's 公开06表 as read, by source name.
fn unchanged() -> BTreeMap<&'static str, FormData> {
    sources()
        .into_iter()
        .map(|(name, book)| {
            let rec = recognize_book(catalog(), &book);
            let (_, d) = rec
                .forms
                .into_iter()
                .find(|(f, _)| f.id == "final-06")
                .unwrap();
            (name, d)
        })
        .collect()
}

#[test]
fn a_row_repeating_its_groups_total_is_named_and_the_total_kept() {
    let all = cases();
    let unchanged = unchanged();
    let mut failed = Vec::new();
    for case in &all {
        let wrong = problems(case, &unchanged[case.source]);
        if !wrong.is_empty() {
            failed.push(format!("{}: {}", case.name, wrong.join("; ")));
        }
    }
    let groups: std::collections::BTreeSet<&str> = all.iter().map(|c| &*c.group).collect();
    assert!(groups.len() >= 3, "only groups {groups:?}");
    assert!(all.len() >= 100, "only {} cases", all.len());
    eprintln!("{} cases, groups {groups:?}", all.len());
    none_failed(&failed, all.len());
}

/// `fix`'s changes to 公开06表 on `data` laid out as the case: (A1, from, to, review, note).
fn fixed_06(
    case: &Case,
    data: &FormData,
    path: &std::path::Path,
) -> Vec<(String, Val, Val, bool, String)> {
    let r = laid_out(case.form, data, &case.money, case.companion.as_ref());
    r.write_xlsx(path);
    let content = fiscalform::load::load(catalog(), path).unwrap();
    let fixed = fiscalform::fix::fix(content).unwrap();
    (fixed.changes.into_iter())
        .filter(|c| fixed.forms[c.cell.form] == "final-06")
        .map(|c| (c.at.1, c.from, c.to, c.review, c.note))
        .collect()
}

/// What `fix` does wrong on the case: beside the changes it makes to the unchanged table, it
/// must only leave the group's total as published, for a person to confirm, naming the
/// culprit — neither write the doubled sum there nor carry it into 公用经费合计.
fn fix_problems(case: &Case, unchanged: &FormData, dir: &std::path::Path, n: usize) -> Vec<String> {
    let before = fixed_06(case, unchanged, &dir.join(format!("case{n}-before.xlsx")));
    let after = fixed_06(case, &case.data, &dir.join(format!("case{n}.xlsx")));
    let r = laid_out(case.form, &case.data, &case.money, case.companion.as_ref());
    let group_at = drawn_at(&r, &format!("{}.amount", case.group));
    let mut wrong = Vec::new();
    let mut kept = 0;
    for (at, from, to, review, note) in &after {
        let left =
            *at == group_at && *review && from == to && note.contains("疑为该项误填了合计数");
        let as_before = *at != group_at && before.iter().any(|b| b.0 == *at && b.2 == *to);
        kept += usize::from(left);
        if !left && !as_before {
            wrong.push(format!("{at} {from:?} → {to:?}: {note}"));
        }
    }
    if kept != 1 {
        wrong.push(format!("the total at {group_at} is not left to a person"));
    }
    wrong
}

#[test]
fn fix_keeps_the_total_a_row_repeats_for_a_person() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("part_repeats_total");
    std::fs::create_dir_all(&dir).unwrap();
    let all = cases();
    let unchanged = unchanged();
    let mut failed = Vec::new();
    let mut tried = 0;
    for (n, case) in all.iter().enumerate().step_by(7) {
        tried += 1;
        let wrong = fix_problems(case, &unchanged[case.source], &dir, n);
        if !wrong.is_empty() {
            failed.push(format!("{}: {}", case.name, wrong.join("; ")));
        }
    }
    assert!(tried >= 25, "only {tried} cases");
    none_failed(&failed, tried);
}

/// `data` with row `culprit` of `group` printed with the group's total and one other row
/// holding all but 0.01 of it, the rest zero: two rows each (nearly) the total, so which one
/// repeats it is unclear. None when the group has fewer than three rows.
fn two_near_the_total(
    data: &FormData,
    group: &str,
    children: &[String],
    culprit: &str,
) -> Option<FormData> {
    let total = amount(data, group)?;
    let others: Vec<&String> = children.iter().filter(|k| *k != culprit).collect();
    if others.len() < 2 {
        return None;
    }
    let mut out = data.clone();
    for k in &others {
        out.set(k, Some(&"amount".into()), Val::Num(Decimal::ZERO));
    }
    let near = total - Decimal::new(1, 2);
    out.set(others[0], Some(&"amount".into()), Val::Num(near));
    out.set(culprit, Some(&"amount".into()), Val::Num(total));
    Some(out)
}

/// Where two rows are (nearly) the total, neither is named: the group's error says what the
/// rows add up to, as for any wrong total.
#[test]
fn two_rows_near_the_total_name_neither() {
    let mut failed = Vec::new();
    let mut tried = 0;
    for case in cases()
        .iter()
        .filter(|c| c.money.is_empty() && c.companion.is_none())
    {
        let children: Vec<String> = (case.data.rows.iter())
            .filter(|r| r.key.len() == 5 && r.key.starts_with(case.group.as_str()))
            .map(|r| r.key.to_string())
            .collect();
        let Some(data) = two_near_the_total(&case.data, &case.group, &children, &case.culprit)
        else {
            continue;
        };
        tried += 1;
        let r = laid_out(case.form, &data, &case.money, None);
        let group_at = drawn_at(&r, &format!("{}.amount", case.group));
        let here: Vec<Finding> = (findings(&r.book).into_iter())
            .filter(|f| f.form == "final-06" && f.cell.as_deref() == Some(&group_at))
            .collect();
        if here.len() != 1 || !here[0].message.contains("应为") {
            let said: Vec<&str> = here.iter().map(|f| f.message.as_str()).collect();
            failed.push(format!("{}: {said:?}", case.name));
        }
    }
    assert!(tried >= 20, "only {tried} cases");
    none_failed(&failed, tried);
}

/// Fails listing the cases of `failed`, out of `tried`.
fn none_failed(failed: &[String], tried: usize) {
    let list = failed.join("\n");
    assert!(
        failed.is_empty(),
        "{} of {tried} cases:\n{list}",
        failed.len()
    );
}
