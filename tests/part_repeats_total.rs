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
        .filter(|f| f.severity != Severity::Info && !against_03(f))
        .collect()
}

/// A finding of 公开05表's checks against the same 科目 on 公开03表. The cases change 05 alone,
/// so a part made to repeat its parent rightly spends more than 03 says; those checks have
/// tests of their own (check_final), and here they would only repeat the error in other words.
fn against_03(f: &Finding) -> bool {
    f.form == "final-05" && f.rule.ends_with("within-final-03")
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

/// A change `fix` makes: (A1, from, to, review, note).
type Changed = (String, Val, Val, bool, String);

/// `fix`'s changes to form `id` of `r` written to `path`.
fn fixed(r: &Rendered, id: &str, path: &std::path::Path) -> Vec<Changed> {
    r.write_xlsx(path);
    let content = fiscalform::load::load(catalog(), path).unwrap();
    let fixed = fiscalform::fix::fix(content).unwrap();
    (fixed.changes.into_iter())
        .filter(|c| fixed.forms[c.cell.form] == id)
        .map(|c| (c.at.1, c.from, c.to, c.review, c.note))
        .collect()
}

/// `fix`'s changes to 公开06表 on `data` laid out as the case.
fn fixed_06(case: &Case, data: &FormData, path: &std::path::Path) -> Vec<Changed> {
    let r = laid_out(case.form, data, &case.money, case.companion.as_ref());
    fixed(&r, "final-06", path)
}

/// What `fix` does wrong on the case: beside the changes it makes to the unchanged table, it
/// must only leave the group's total as published, for a person to confirm, naming the
/// culprit — neither write the doubled sum there nor carry it into 公用经费合计.
fn fix_problems(case: &Case, unchanged: &FormData, dir: &std::path::Path, n: usize) -> Vec<String> {
    let before = fixed_06(case, unchanged, &dir.join(format!("case{n}-before.xlsx")));
    let after = fixed_06(case, &case.data, &dir.join(format!("case{n}.xlsx")));
    let r = laid_out(case.form, &case.data, &case.money, case.companion.as_ref());
    let group_at = drawn_at(&r, &format!("{}.amount", case.group));
    unexpected_changes(&before, &after, &[group_at])
}

/// What is wrong with `after`, fix's changes on a table with a repeated part, beside `before`,
/// its changes on the unchanged table: each total at `left_at` must be left as published for
/// a person, naming the part; any other change must be one made on the unchanged table too.
fn unexpected_changes(before: &[Changed], after: &[Changed], left_at: &[String]) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut kept = Vec::new();
    for (at, from, to, review, note) in after {
        let total = left_at.contains(at);
        let left = total && *review && from == to && note.contains("疑为该项误填了合计数");
        let as_before = !total && before.iter().any(|b| b.0 == *at && b.2 == *to);
        if left {
            kept.push(at.clone());
        }
        if !left && !as_before {
            wrong.push(format!("{at} {from:?} → {to:?}: {note}"));
        }
    }
    for at in left_at.iter().filter(|at| !kept.contains(at)) {
        wrong.push(format!("the total at {at} is not left to a person"));
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

/// `data` with `group`'s total printed as half of itself, row `culprit` holding that half and
/// the other rows the rest (so that they add up to the half too): the total, not the row, is
/// wrong — what depends on it (公用经费合计, 公开05表's 基本支出) still holds the whole. None
/// when the group's rows do not add up to it, fewer than two others are filled, or the rest
/// cannot be moved onto the largest of them.
fn halved(data: &FormData, group: &str, children: &[String], culprit: &str) -> Option<FormData> {
    let total = amount(data, group)?;
    let sum: Decimal = children.iter().filter_map(|k| amount(data, k)).sum();
    let mut filled: Vec<&String> = (children.iter())
        .filter(|k| *k != culprit && amount(data, k).is_some_and(|a| a > Decimal::ZERO))
        .collect();
    if sum != total || filled.len() < 2 {
        return None;
    }
    filled.sort_by_key(|k| std::cmp::Reverse(amount(data, k)));
    let half = (total / Decimal::TWO).round_dp(2);
    let own = amount(data, culprit).unwrap_or_default();
    let moved = amount(data, filled[0]).unwrap_or_default() + own - half;
    if moved <= Decimal::ZERO {
        return None;
    }
    let mut out = data.clone();
    out.set(filled[0], Some(&"amount".into()), Val::Num(moved));
    for k in [culprit, group] {
        out.set(k, Some(&"amount".into()), Val::Num(half));
    }
    Some(out)
}

/// Where a group's total is half of what its rows and what depends on it say, and one row
/// happens to equal that half while the others add up to it too, the total is wrong: one
/// plain error at it naming no row, and nothing new elsewhere (公用经费合计 and 公开05表 agree
/// with the rows' sum, not with the half).
#[test]
fn a_total_what_depends_on_it_contradicts_names_no_part() {
    let unchanged = unchanged();
    let mut failed = Vec::new();
    let mut tried = 0;
    for case in cases().iter().filter(|c| c.money.is_empty()) {
        let data = &unchanged[case.source];
        let children: Vec<String> = (data.rows.iter())
            .filter(|r| r.key.len() == 5 && r.key.starts_with(case.group.as_str()))
            .map(|r| r.key.to_string())
            .collect();
        let Some(changed) = halved(data, &case.group, &children, &case.culprit) else {
            continue;
        };
        tried += 1;
        let companion = case.companion.as_ref();
        let before = laid_out(case.form, data, &case.money, companion);
        let r = laid_out(case.form, &changed, &case.money, companion);
        let group_at = drawn_at(&r, &format!("{}.amount", case.group));
        let at_group = |f: &Finding| f.form == "final-06" && f.cell.as_deref() == Some(&group_at);
        let (here, elsewhere): (Vec<Finding>, Vec<Finding>) =
            findings(&r.book).into_iter().partition(at_group);
        let want = counted(&findings(&before.book));
        let mut extra = counted(&elsewhere);
        extra.retain(|k, n| want.get(k).copied().unwrap_or(0) < *n);
        let plain = |f: &Finding| f.message.contains("应为") && !f.message.contains("疑为");
        if here.len() != 1 || !here.iter().all(plain) || !extra.is_empty() {
            let said: Vec<&str> = (here.iter().chain(&elsewhere))
                .map(|f| f.message.as_str())
                .collect();
            failed.push(format!("{}: new {extra:?}: {said:?}", case.name));
        }
    }
    assert!(tried >= 10, "only {tried} cases");
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

// A part row of 公开05表 repeating its parent row (a 项 row printed with its 款 row's figures,
// a 款 row with its 类 row's): decided per row, so that a row is read one way in every column.

/// The value of row `key`'s column `col` (0 when blank).
fn cell(data: &FormData, key: &str, col: &str) -> Decimal {
    data.row(key).map(|r| r.get(col).num()).unwrap_or_default()
}

/// The 科目 rows under `key`: its children, or every descendant.
fn under(data: &FormData, key: &str, children_only: bool) -> Vec<String> {
    let deeper = |k: &str| {
        k.len() > key.len() && k.starts_with(key) && k.bytes().all(|b| b.is_ascii_digit())
    };
    (data.rows.iter())
        .map(|r| r.key.to_string())
        .filter(|k| deeper(k) && (!children_only || k.len() == key.len() + 2))
        .collect()
}

/// Sets row `key`'s 基本支出 and 项目支出, and its 小计 as their sum unless `own_total` is given.
fn put(
    data: &mut FormData,
    key: &str,
    (basic, project): (Decimal, Decimal),
    own_total: Option<Decimal>,
) {
    let total = own_total.unwrap_or(basic + project);
    for (col, v) in [("c1", total), ("c2", basic), ("c3", project)] {
        data.set(key, Some(&col.into()), Val::Num(v));
    }
}

/// `data` with two new zero rows under `parent` (each with a 项 of its own under a 类), placed
/// after its last row: the parts the generated figures are moved onto. Their keys.
fn with_new_parts(data: &FormData, parent: &str) -> (FormData, Vec<String>) {
    let mut out = data.clone();
    let mut added = Vec::new();
    let last = under(data, parent, false)
        .last()
        .cloned()
        .unwrap_or(parent.to_string());
    let mut at = out.rows.iter().position(|r| *r.key == *last).unwrap() + 1;
    let model = out.rows[at - 1].clone();
    for (n, label) in [("97", "专项业务支出"), ("98", "其他事务支出")] {
        let mut keys = vec![format!("{parent}{n}")];
        if parent.len() == 3 {
            keys.push(format!("{parent}{n}01"));
        }
        for key in keys {
            let mut row = model.clone();
            (row.key, row.code, row.label) =
                (key.as_str().into(), Some(key.clone()), Some(label.into()));
            row.values = Default::default();
            out.rows.insert(at, row);
            at += 1;
            put(&mut out, &key, (Decimal::ZERO, Decimal::ZERO), None);
        }
        added.push(format!("{parent}{n}"));
    }
    (out, added)
}

/// How the part row repeats its parent: all of it, or only a figure in 项目支出 (its 小计 as
/// printed without it, as a misread PDF gives).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Copied {
    Row,
    Stray,
}

/// The part's own rows (a 款's 项): none, adding up to its repeated figures, or zero.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Own {
    Leaf,
    Backed,
    Zero,
}

/// What the audit should say.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Want {
    /// The parent's totals kept, each naming the part, and nothing else.
    Kept,
    /// The parent's totals differ as for any wrong total, no part named.
    Plain,
    /// The part's own totals are wrong (its rows are zero), nothing at the parent.
    PartOnly,
}

struct RowCase {
    name: String,
    form: &'static Form,
    base: FormData,
    data: FormData,
    parent: String,
    part: String,
    copied: Copied,
    want: Want,
    money: Vec<Variation>,
    companion: Option<Workbook>,
}

/// Moves `total` onto `parts` (the first `spread` of them; the last one a quarter of it) in
/// column `col`, zeroing `cleared` in that column first (the parent's other rows, with their
/// own rows).
fn spread_over(data: &mut FormData, col: &str, total: Decimal, parts: &[String], spread: usize) {
    let quarter = (total / Decimal::from(4)).round_dp(2);
    let shares = match spread {
        0 => vec![],
        1 => vec![total],
        _ => vec![total - quarter, quarter],
    };
    for (key, share) in parts.iter().zip(shares) {
        let mut keys = vec![key.clone()];
        keys.extend(under(data, key, false).into_iter().take(1));
        for k in keys {
            data.set(&k, Some(&col.into()), Val::Num(share));
        }
    }
}

/// Every row's 小计 as the sum of its 基本支出 and 项目支出, but `except`'s.
fn row_totals(data: &mut FormData, rows: &[String], except: Option<&str>) {
    for k in rows.iter().filter(|k| Some(k.as_str()) != except) {
        let (basic, project) = (cell(data, k, "c2"), cell(data, k, "c3"));
        data.set(k, Some(&"c1".into()), Val::Num(basic + project));
    }
}

/// `base` with `part` under `parent` repeating it (`copied`), the parent's other rows — the two
/// new ones carrying it, `spread` (基本支出, 项目支出) of them non-zero — adding up to it.
fn repeating_row(
    base: &FormData,
    (parent, part, fresh): (&str, &str, &[String]),
    copied: Copied,
    own: Own,
    spread: (usize, usize),
) -> FormData {
    let mut data = base.clone();
    let (p2, p3) = (cell(base, parent, "c2"), cell(base, parent, "c3"));
    let cols: &[(&str, Decimal, usize)] = match copied {
        Copied::Row => &[("c2", p2, spread.0), ("c3", p3, spread.1)],
        Copied::Stray => &[("c3", p3, spread.1)],
    };
    let rows = under(base, parent, false);
    let part_rows = under(base, part, false);
    for &(col, total, n) in cols {
        for k in rows
            .iter()
            .filter(|k| **k != part && !part_rows.contains(k))
        {
            data.set(k, Some(&col.into()), Val::Num(Decimal::ZERO));
        }
        spread_over(&mut data, col, total, fresh, n);
    }
    let part_total = cell(base, part, "c2");
    match copied {
        Copied::Row => put(&mut data, part, (p2, p3), None),
        Copied::Stray => put(&mut data, part, (part_total, p3), Some(part_total)),
    }
    for k in &part_rows {
        put(&mut data, k, (Decimal::ZERO, Decimal::ZERO), None);
    }
    if own == Own::Backed {
        put(&mut data, &part_rows[0], (p2, p3), None);
    }
    let stray = (copied == Copied::Stray).then_some(part);
    row_totals(&mut data, &rows, stray);
    data
}

/// The parents tried: 款 rows with 项 (those with 项目支出 first) and 类 rows, whose 小计 is
/// their 基本支出 and 项目支出, all positive.
fn parents(data: &FormData) -> Vec<String> {
    let fits = |k: &String| {
        let (p1, p2, p3) = (
            cell(data, k, "c1"),
            cell(data, k, "c2"),
            cell(data, k, "c3"),
        );
        p1 == p2 + p3
            && p2 > Decimal::ZERO
            && p3 >= Decimal::ZERO
            && !under(data, k, true).is_empty()
    };
    let of_len = |n: usize| -> Vec<String> {
        let mut ks: Vec<String> = (data.rows.iter())
            .map(|r| r.key.to_string())
            .filter(|k| k.len() == n && k.bytes().all(|b| b.is_ascii_digit()))
            .filter(fits)
            .collect();
        ks.sort_by_key(|k| cell(data, k, "c3").is_zero());
        ks
    };
    let mut out: Vec<String> = of_len(5).into_iter().take(2).collect();
    out.extend(of_len(3).into_iter().take(1));
    out
}

/// What the audit should say of `data`, where `part` repeats `parent`: kept where some column
/// has two non-zero other parts (the second new row holds a figure), unless the part's own
/// rows add up to it (a coincidence) or are zero (the part alone is wrong).
fn wanted(data: &FormData, fresh: &[String], own: Own) -> Want {
    match own {
        Own::Backed => Want::Plain,
        Own::Zero => Want::PartOnly,
        Own::Leaf if cell(data, &fresh[1], "c1").is_zero() => Want::Plain,
        Own::Leaf => Want::Kept,
    }
}

/// The 公开05表 cases: every source, parent, part (its first row), how it repeats, its own rows,
/// how the others carry the total, 万元 or 元, alone or with the workbook's other tables.
fn row_cases() -> Vec<RowCase> {
    let mut out = Vec::new();
    for (name, book) in sources() {
        let rec = recognize_book(catalog(), &book);
        let (form, data) = rec
            .forms
            .iter()
            .find(|(f, _)| f.id == "final-05")
            .expect("公开05表");
        let sheet = data.sheet.clone();
        let others = Workbook {
            sheets: (book.sheets.iter())
                .filter(|s| Some(&s.name) != sheet.as_ref())
                .cloned()
                .collect(),
            ..book.clone()
        };
        for parent in parents(data) {
            let (base, fresh) = with_new_parts(data, &parent);
            let part = under(data, &parent, true)[0].clone();
            let owns: &[Own] = match part.len() {
                7 => &[Own::Leaf],
                _ => &[Own::Backed, Own::Zero],
            };
            let mut ways = vec![
                (Copied::Row, (2, 2)),
                (Copied::Row, (2, 1)),
                (Copied::Row, (1, 2)),
                (Copied::Row, (1, 1)),
            ];
            if part.len() == 7 && !cell(data, &parent, "c3").is_zero() {
                ways.extend([(Copied::Stray, (1, 2)), (Copied::Stray, (1, 1))]);
                // The part the only 项目支出 of its parent: its 小计 equals the parent's while
                // the others' 小计 add up to the 基本支出 alone.
                ways.extend([(Copied::Row, (2, 0)), (Copied::Row, (1, 0))]);
            }
            for &own in owns {
                for &(copied, spread) in &ways {
                    let changed =
                        repeating_row(&base, (&parent, &part, &fresh), copied, own, spread);
                    let want = wanted(&changed, &fresh, own);
                    for money in [vec![], vec![Variation::MoneyYuan]] {
                        for companion in [None, Some(others.clone())] {
                            out.push(RowCase {
                                name: format!(
                                    "{name} {parent}/{part} {copied:?} {own:?} {spread:?} {} {}",
                                    layout_gen::names(&money),
                                    if companion.is_some() {
                                        "+others"
                                    } else {
                                        "alone"
                                    }
                                ),
                                form,
                                base: base.clone(),
                                data: changed.clone(),
                                parent: parent.clone(),
                                part: part.clone(),
                                copied,
                                want,
                                money: money.clone(),
                                companion,
                            });
                        }
                    }
                }
            }
        }
    }
    out
}

/// The columns where the case's part repeats its parent (a figure there) and the others add up
/// to it: not 项目支出 and 小计 where the part is the parent's only 项目支出.
fn repeated_columns(case: &RowCase) -> Vec<&'static str> {
    let others_in_c3 = (under(&case.data, &case.parent, false).iter())
        .any(|k| *k != case.part && !cell(&case.data, k, "c3").is_zero());
    let only_c3 = !others_in_c3 && !cell(&case.data, &case.parent, "c3").is_zero();
    let cols: &[&'static str] = match case.copied {
        Copied::Row if only_c3 => &["c2"],
        Copied::Row => &["c1", "c2", "c3"],
        Copied::Stray => &["c3"],
    };
    (cols.iter().copied())
        .filter(|c| !cell(&case.data, &case.parent, c).is_zero())
        .collect()
}

/// What is wrong with the audit of a 公开05表 case.
fn row_problems(case: &RowCase) -> Vec<String> {
    let companion = case.companion.as_ref();
    let before = laid_out(case.form, &case.base, &case.money, companion);
    let r = laid_out(case.form, &case.data, &case.money, companion);
    let at = |key: &str, col: &str| drawn_at(&r, &format!("{key}.{col}"));
    let found = findings(&r.book);
    let named = |f: &Finding| f.message.contains("疑为该项误填了合计数");
    let in_05 = |f: &&Finding| f.form == "final-05";
    let mut wrong = Vec::new();
    let mut say = |what: String, fs: &[&Finding]| {
        let said: Vec<&str> = fs.iter().map(|f| f.message.as_str()).collect();
        wrong.push(format!("{what}: {said:?}"));
    };
    match case.want {
        Want::Kept => {
            let cols = repeated_columns(case);
            let totals: Vec<String> = cols.iter().map(|c| at(&case.parent, c)).collect();
            let parts: Vec<String> = cols.iter().map(|c| at(&case.part, c)).collect();
            // The parent's 小计, not repeated when the part holds its only 项目支出: its sum
            // over the parts is wrong by the repeated 基本支出, as plainly.
            let parent_total = at(&case.parent, "c1");
            let (here, elsewhere): (Vec<Finding>, Vec<Finding>) =
                (found.into_iter()).partition(|f| {
                    let at_total = |t: &String| f.cell.as_deref() == Some(t);
                    f.form == "final-05" && (totals.iter().any(at_total) || at_total(&parent_total))
                });
            for (t, p) in totals.iter().zip(&parts) {
                let at_t: Vec<&Finding> = here
                    .iter()
                    .filter(|f| f.cell.as_deref() == Some(t))
                    .collect();
                let names_part = |f: &&Finding| {
                    f.severity == Severity::Error
                        && f.related.first() == Some(p)
                        && named(f)
                        && !f.message.contains("应为")
                };
                if at_t.len() != 1 || !at_t.iter().all(names_part) {
                    say(format!("not one error at {t} naming {p}"), &at_t);
                }
            }
            let want = counted(
                &findings(&before.book)
                    .into_iter()
                    .filter(|f| {
                        !totals
                            .iter()
                            .any(|t| f.form == "final-05" && f.cell.as_deref() == Some(t))
                    })
                    .collect::<Vec<_>>(),
            );
            let mut extra = counted(&elsewhere);
            extra.retain(|k, n| want.get(k).copied().unwrap_or(0) < *n);
            if !extra.is_empty() {
                say(
                    format!("new findings {extra:?}"),
                    &elsewhere.iter().collect::<Vec<_>>(),
                );
            }
        }
        Want::Plain | Want::PartOnly => {
            let fs: Vec<&Finding> = found.iter().filter(in_05).collect();
            if fs.iter().any(|f| named(f)) {
                say("a part named".into(), &fs);
            }
            let (row, figure) = match case.want {
                Want::Plain => (&case.parent, "应为"),
                _ => (&case.part, "应为 0"),
            };
            let cols = match case.want {
                Want::Plain => repeated_columns(case),
                _ => vec!["c2", "c3"],
            };
            let cells: Vec<String> = (cols.into_iter())
                .filter(|c| *c != "c1" && !cell(&case.data, row, c).is_zero())
                .map(|c| at(row, c))
                .collect();
            for c in &cells {
                if !fs
                    .iter()
                    .any(|f| f.cell.as_deref() == Some(c) && f.message.contains(figure))
                {
                    say(format!("no “{figure}” at {c}"), &fs);
                }
            }
            if case.want == Want::PartOnly {
                let parent: Vec<String> = ["c1", "c2", "c3"]
                    .iter()
                    .map(|c| at(&case.parent, c))
                    .collect();
                let at_parent: Vec<&Finding> = fs
                    .iter()
                    .copied()
                    .filter(|f| parent.iter().any(|p| f.cell.as_deref() == Some(p)))
                    .collect();
                if !at_parent.is_empty() {
                    say("findings at the parent".into(), &at_parent);
                }
            }
        }
    }
    wrong
}

/// A 项 row repeating its 款 row (or a 款 its 类): read one way in every column — the parent's
/// totals kept and each naming the part where some column has two other non-zero parts adding
/// up to it, with no “应为” figure mixing kept and recomputed totals; plain wrong totals where
/// the part's own rows back it (a coincidence); the part's error alone where its rows are zero.
#[test]
fn a_part_row_repeating_its_parent_row_is_read_one_way_in_every_column() {
    let all = row_cases();
    let mut failed = Vec::new();
    for case in &all {
        let wrong = row_problems(case);
        if !wrong.is_empty() {
            failed.push(format!("{}: {}", case.name, wrong.join("; ")));
        }
    }
    let wants: Vec<Want> = all.iter().map(|c| c.want).collect();
    for w in [Want::Kept, Want::Plain, Want::PartOnly] {
        let n = wants.iter().filter(|x| **x == w).count();
        assert!(n >= 8, "only {n} {w:?} cases");
    }
    assert!(all
        .iter()
        .any(|c| c.copied == Copied::Stray && c.want == Want::Kept));
    eprintln!("{} cases", all.len());
    none_failed(&failed, all.len());
}

/// `fix` on a kept case leaves each derived total of the parent row as published for a person
/// and changes nothing else the unchanged table does not: no recomputed total beside a kept
/// one, no part's 小计 recomputed over the repeated figure.
#[test]
fn fix_keeps_a_repeated_parent_row_whole() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("part_repeats_row");
    std::fs::create_dir_all(&dir).unwrap();
    let all = row_cases();
    let kept: Vec<&RowCase> = all.iter().filter(|c| c.want == Want::Kept).collect();
    let mut failed = Vec::new();
    let mut tried = 0;
    for (n, case) in kept.iter().enumerate().step_by(3) {
        tried += 1;
        let companion = case.companion.as_ref();
        let before = laid_out(case.form, &case.base, &case.money, companion);
        let r = laid_out(case.form, &case.data, &case.money, companion);
        let left: Vec<String> = (repeated_columns(case).into_iter())
            .filter(|c| *c != "c1")
            .map(|c| drawn_at(&r, &format!("{}.{c}", case.parent)))
            .collect();
        let changes_before = fixed(
            &before,
            "final-05",
            &dir.join(format!("case{n}-before.xlsx")),
        );
        let changes = fixed(&r, "final-05", &dir.join(format!("case{n}.xlsx")));
        let wrong = unexpected_changes(&changes_before, &changes, &left);
        if !wrong.is_empty() {
            failed.push(format!("{}: {}", case.name, wrong.join("; ")));
        }
    }
    assert!(tried >= 10, "only {tried} cases");
    none_failed(&failed, tried);
}
