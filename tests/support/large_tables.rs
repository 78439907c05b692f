//! Generated 公开02表 and 公开03表 of any size, for the large-table benchmark
//! (`examples/scale_bench.rs`) and the tests of wide totals: 类 rows (codes 201, 202, …) with
//! 款 rows of ten 项 each, every 类 and 款 the sum of its rows, 合计 the sum of the 类, 收入
//! all 财政拨款 and 支出 split into 基本 and 项目 — a clean pair of tables, amounts in 万元 —
//! and the same tables in other shapes ([`Shape`]).

#![allow(dead_code)]

use rust_xlsxwriter::{Format, Workbook, Worksheet};
use std::path::Path;

/// Writes both tables with `classes` 类 of `groups` 款 each to `path`.
pub fn write(path: &Path, classes: u32, groups: u32) {
    write_shaped(path, classes, groups, Shape::Coded);
}

/// How the generated tables are printed, beside the clean pair: the shapes that take other
/// paths through reading, fixing and merging.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Shape {
    /// Both tables with their codes.
    Coded,
    /// 公开03表 printed without its code column: each 科目 row by its name alone, which
    /// 公开02表 gives the code of.
    Uncoded,
    /// A text (见附件) in 公开02表's 上级补助收入 column of every 项 row: a reading finding per
    /// row, its sums unchanged.
    TextInEveryRow,
    /// Every 项 code moved by 50 (2010101 → 2010151): a unit whose 项 the others lack.
    OtherItems,
}

/// [`write`] in shape `shape`.
pub fn write_shaped(path: &Path, classes: u32, groups: u32, shape: Shape) {
    let mut rows = subjects(classes, groups);
    if shape == Shape::OtherItems {
        for s in rows.iter_mut().filter(|s| s.code.len() == 7) {
            let item: u32 = s.code[5..].parse().expect("a 项 number");
            s.code = format!("{}{:02}", &s.code[..5], (item + 50) % 100);
        }
    }
    let mut book = Workbook::new();
    for income in [true, false] {
        let sheet = book.add_worksheet();
        let name = if income { "公开02表" } else { "公开03表" };
        sheet.set_name(name).expect("a valid sheet name");
        table(sheet, income, &rows, shape);
    }
    book.save(path).expect("the generated workbook written");
}

/// 项 under each 款.
const ITEMS_PER_GROUP: u32 = 10;

/// A 科目 row: its code and its 基本 and 项目 amounts in cents.
pub struct Subject {
    pub code: String,
    pub basic: i64,
    pub project: i64,
}

/// The 科目 rows of a table with `classes` 类 of `groups` 款 each, 类 and 款 rows the sums of
/// the rows under them (a 类 without 款 has an amount of its own).
pub fn subjects(classes: u32, groups: u32) -> Vec<Subject> {
    let mut rows = Vec::new();
    for l in 0..classes {
        let class_at = rows.len();
        let own = if groups == 0 { amount(l, 0, 0) } else { (0, 0) };
        rows.push(Subject {
            code: format!("{}", 201 + l),
            basic: own.0,
            project: own.1,
        });
        for k in 0..groups {
            let group_at = rows.len();
            rows.push(Subject {
                code: format!("{}{:02}", 201 + l, k + 1),
                basic: 0,
                project: 0,
            });
            for p in 0..ITEMS_PER_GROUP {
                let (basic, project) = amount(l, k, p);
                rows.push(Subject {
                    code: format!("{}{:02}{:02}", 201 + l, k + 1, p + 1),
                    basic,
                    project,
                });
                for at in [class_at, group_at] {
                    rows[at].basic += basic;
                    rows[at].project += project;
                }
            }
        }
    }
    rows
}

/// The 合计 of the rows: the sums of the 类 rows' 基本 and 项目, in cents.
pub fn total(rows: &[Subject]) -> (i64, i64) {
    let top = rows.iter().filter(|s| s.code.len() == 3);
    top.fold((0, 0), |(b, p), s| (b + s.basic, p + s.project))
}

/// Some 基本 and 项目 amounts in cents for the row at 类 `l`, 款 `k`, 项 `p`.
fn amount(l: u32, k: u32, p: u32) -> (i64, i64) {
    let seed = i64::from(l * 7919 + k * 104_729 + p * 31);
    (seed % 99_991 + 100, seed % 9_973)
}

/// One table: title, 表号, unit, the two header rows, 栏次, 合计 and the 科目 rows.
fn table(sheet: &mut Worksheet, income: bool, rows: &[Subject], shape: Shape) {
    let (title, no, heads): (&str, &str, &[&str]) = if income {
        let heads = &[
            "本年收入合计",
            "财政拨款收入",
            "上级补助收入",
            "事业收入",
            "经营收入",
            "附属单位上缴收入",
            "其他收入",
        ];
        ("收入决算表", "公开02表", heads)
    } else {
        let heads = &[
            "本年支出合计",
            "基本支出",
            "项目支出",
            "上缴上级支出",
            "经营支出",
            "对附属单位补助支出",
        ];
        ("支出决算表", "公开03表", heads)
    };
    let last = 1 + heads.len() as u16;
    let f = Format::new();
    let ok = "a cell within the sheet";
    sheet.merge_range(0, 0, 0, last, title, &f).expect(ok);
    sheet.write_string(1, last, no).expect(ok);
    sheet.write_string(2, 0, "部门：某某事务中心").expect(ok);
    sheet.write_string(2, last, "金额单位：万元").expect(ok);
    sheet.merge_range(3, 0, 3, 1, "项目", &f).expect(ok);
    for (i, h) in heads.iter().enumerate() {
        let c = 2 + i as u16;
        sheet.merge_range(3, c, 4, c, h, &f).expect(ok);
        sheet.write_number(5, c, (i + 1) as f64).expect(ok);
    }
    let coded = income || shape != Shape::Uncoded;
    if coded {
        sheet.write_string(4, 0, "科目代码").expect(ok);
    }
    sheet.write_string(4, 1, "科目名称").expect(ok);
    sheet.merge_range(5, 0, 5, 1, "栏次", &f).expect(ok);
    sheet.merge_range(6, 0, 6, 1, "合计", &f).expect(ok);
    amounts(sheet, 6, income, total(rows), heads.len());
    for (i, s) in rows.iter().enumerate() {
        let r = 7 + i as u32;
        if coded {
            sheet.write_string(r, 0, &s.code).expect(ok);
        }
        sheet
            .write_string(r, 1, format!("科目{}", s.code))
            .expect(ok);
        amounts(sheet, r, income, (s.basic, s.project), heads.len());
        if income && shape == Shape::TextInEveryRow && s.code.len() == 7 {
            // 上级补助收入, 0 in these tables.
            sheet.write_string(r, 4, "见附件").expect(ok);
        }
    }
}

/// The amounts of one row in 万元: 收入 all 财政拨款, 支出 split 基本/项目.
fn amounts(sheet: &mut Worksheet, r: u32, income: bool, (basic, project): (i64, i64), n: usize) {
    let wan = |cents: i64| cents as f64 / 100.0;
    let mut cells = vec![0; n];
    cells[0] = basic + project;
    if income {
        cells[1] = basic + project;
    } else {
        (cells[1], cells[2]) = (basic, project);
    }
    for (i, v) in cells.into_iter().enumerate() {
        let c = 2 + i as u16;
        sheet
            .write_number(r, c, wan(v))
            .expect("a cell within the sheet");
    }
}
