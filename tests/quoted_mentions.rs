//! A table's name in book-title marks (`《部门财政拨款收支预算总表》`) is a mention of the table,
//! never its title: a reviewer's 公开情况检查表 listing the tables it checked, generated with
//! every form's title quoted in its rows in many arrangements, is no form (no 是/否 read as a
//! form's stray cells), and beside a unit's forms it leaves their reading as it was. A title
//! printed alone on its row in book-title marks (a table stacked under another) is still the
//! form's title.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;
#[path = "support/mutation.rs"]
mod mutation;

use grid::{GridBook, GridCell, GridSheet};
use layout_gen::Rng;

/// The forms' titles, as `fiscalform forms` lists them (its third column).
fn titles() -> Vec<String> {
    let (code, out, _) = cli::run(&["forms"]);
    assert_eq!(code, 0);
    let title = |line: &str| line.split_whitespace().nth(2).map(str::to_string);
    out.lines().filter_map(title).collect()
}

/// A checklist sheet: its title, the unit, a header, general items, then one row per quoted
/// table name (a unit's wording: with or without the year and 部门), each answered 是 or 否.
fn checklist(rng: &mut Rng, titles: &[String]) -> GridBook {
    let mut s = GridSheet::new("2026年部门预算");
    let family = ["预算", "决算"][rng.below(2)];
    s.set(
        "A1",
        GridCell::text(&format!("2026年度某区部门{family}公开情况检查表")),
    );
    s.set("A3", GridCell::text("部门名称：某区司法局"));
    let header = ["检查项目", "检查内容", "是否公开", "符合要求", "问题说明"];
    for (c, h) in header.iter().enumerate() {
        s.put(4, c as u16, GridCell::text(h));
    }
    let mut r = 5;
    for item in ["封面", "目录", "主要职能", "机构设置", "名词解释"] {
        s.put(r, 1, GridCell::text(item));
        s.put(r, 3, GridCell::text(["是", "否"][rng.below(2)]));
        r += 1;
    }
    let (first, count) = (rng.below(titles.len()), 1 + rng.below(5));
    for title in titles.iter().cycle().skip(first).take(count) {
        let year = ["", "2026年", "2026年度"][rng.below(3)];
        let name = format!("{year}{title}");
        s.put(
            r,
            1 + rng.below(2) as u16,
            GridCell::text(&format!("《{name}》")),
        );
        s.put(r, 3, GridCell::text(["是", "否"][rng.below(2)]));
        if rng.below(3) == 0 {
            s.put(r, 4, GridCell::text("表中数据与说明不一致，请核对"));
        }
        r += 1;
    }
    GridBook { sheets: vec![s] }
}

/// The findings on cells a form has no place for.
fn strays(findings: &[serde_json::Value]) -> usize {
    let outside = |f: &&serde_json::Value| f["rule"] == "value-outside-form";
    findings.iter().filter(outside).count()
}

/// Whether the report says the workbook holds no form.
fn no_form(findings: &[serde_json::Value]) -> bool {
    let says = |f: &serde_json::Value| {
        f["message"]
            .as_str()
            .unwrap_or("")
            .contains("没有识别出任何标准表格")
    };
    findings.iter().any(says)
}

#[test]
fn a_checklist_naming_tables_in_book_title_marks_is_no_form() {
    let titles = titles();
    let mut failed = Vec::new();
    let cases = 40;
    for seed in 1..=cases {
        let mut rng = Rng::new(seed as u64 * 7919);
        let book = checklist(&mut rng, &titles);
        let name = format!("quoted-{seed}");
        let (_, findings) = mutation::check_book(&book, "quoted-mentions", &name);
        if !no_form(&findings) || strays(&findings) > 0 {
            failed.push(format!("{name}: {findings:?}"));
        }
    }
    mutation::assert_cases_passed(&failed, cases, 40);
}

#[test]
fn a_checklist_sheet_beside_the_forms_leaves_their_reading_alone() {
    let titles = titles();
    let base = grid::fixture("seed001_final.grid");
    let (_, want) = mutation::check_book(&base, "quoted-mentions", "base");
    let mut failed = Vec::new();
    let cases = 8;
    for seed in 1..=cases {
        let mut book = base.clone();
        let mut rng = Rng::new(seed as u64 * 104_729);
        book.sheets.extend(checklist(&mut rng, &titles).sheets);
        let name = format!("beside-{seed}");
        let (_, got) = mutation::check_book(&book, "quoted-mentions", &name);
        let on_forms: Vec<_> = got
            .iter()
            .filter(|f| f["sheet"] != "2026年部门预算")
            .collect();
        let on_list: Vec<_> = got
            .iter()
            .filter(|f| f["sheet"] == "2026年部门预算")
            .collect();
        let list_skipped = on_list.iter().all(|f| f["severity"] == "info");
        if on_forms.len() != want.len() || !list_skipped {
            failed.push(format!("{name}: {on_list:?}"));
        }
    }
    mutation::assert_cases_passed(&failed, cases, 8);
}

/// The seed's sheets `upper` and `lower` stacked on one sheet, two blank rows between, the
/// lower one's title printed in book-title marks when `quote` (alone on its row, as before).
fn stacked(base: &GridBook, (upper, lower): (usize, usize), title: &str, quote: bool) -> GridBook {
    let mut book = base.clone();
    let mut low = book.sheets[lower].clone();
    if quote {
        let (r, c) = low.find(title).expect("the lower sheet's title");
        low.put(r, c, GridCell::text(&format!("《{title}》")));
    }
    let up = &mut book.sheets[upper];
    let offset = up.rows.len() as u32 + 2;
    for (r, row) in low.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate().filter(|(_, cell)| !cell.is_empty()) {
            up.put(offset + r as u32, c as u16, cell.clone());
        }
    }
    let moved = low
        .merges
        .iter()
        .map(|&(r1, c1, r2, c2)| (r1 + offset, c1, r2 + offset, c2));
    up.merges.extend(moved);
    book.sheets.remove(lower);
    book
}

#[test]
fn a_stacked_table_titled_in_book_title_marks_is_its_own_form() {
    let base = grid::fixture("seed001_final.grid");
    let at = |title: &str| (base.sheets.iter()).position(|s| s.find(title).is_some());
    let pairs = [
        (
            "一般公共预算财政拨款支出决算表",
            "一般公共预算财政拨款基本支出决算明细表",
        ),
        ("收入决算表", "支出决算表"),
    ];
    let mut failed = Vec::new();
    for (upper, lower) in pairs {
        let (Some(u), Some(l)) = (at(upper), at(lower)) else {
            panic!("seed001 has no sheet titled {upper} or {lower}");
        };
        let plain = stacked(&base, (u, l), lower, false);
        let (_, want) = mutation::check_book(&plain, "quoted-mentions", &format!("stack-{u}"));
        let quoted = stacked(&base, (u, l), lower, true);
        let (_, got) = mutation::check_book(&quoted, "quoted-mentions", &format!("stackq-{u}"));
        if got.len() != want.len() {
            failed.push(format!(
                "{lower} under {upper}: {} findings, {} unquoted",
                got.len(),
                want.len()
            ));
        }
    }
    mutation::assert_cases_passed(&failed, pairs.len(), 2);
}
