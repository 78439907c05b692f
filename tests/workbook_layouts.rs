//! Published workbook layouts read as the standard one: generated variants of tables as units
//! print them — 公开04表's income rows shortened to the budgets' names, Shanghai's 公开07表 with
//! a 序号 column or its 合计 row at the bottom, a blank row under 公开02表's header, a hidden
//! column numbering 公开09表's 栏次 row on — must give the findings of the plain layout, with
//! no value lost or refused.

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
use serde_json::Value;

use cli::Said;

/// The exit code and findings of `book`; without their cells when `cells` is false (a
/// variant whose rows moved).
fn findings(book: &GridBook, name: &str, cells: bool) -> (i32, Vec<Said>) {
    let (code, all) = mutation::check_book(book, "workbook_layouts", name);
    let mut out: Vec<Said> = (all.iter())
        .map(cli::said)
        .map(|(sheet, cell, form, rule, severity)| {
            let cell = if cells { cell } else { String::new() };
            (sheet, cell, form, rule, severity)
        })
        .collect();
    out.sort();
    (code, out)
}

/// Each variant's findings against the seed's: the cases that differ, described.
fn differing(
    tag: &str,
    base: &GridBook,
    variants: &[(String, GridBook)],
    cells: bool,
) -> Vec<String> {
    let want = findings(base, &format!("{tag}-base"), cells);
    let mut failed = Vec::new();
    for (i, (what, book)) in variants.iter().enumerate() {
        let got = findings(book, &format!("{tag}-{i}"), cells);
        if got != want {
            let extra: Vec<_> = got.1.iter().filter(|f| !want.1.contains(f)).collect();
            let lost: Vec<_> = want.1.iter().filter(|f| !got.1.contains(f)).collect();
            failed.push(format!(
                "{what}: exit {} (want {}), extra {extra:?}, lost {lost:?}",
                got.0, want.0
            ));
        }
    }
    failed
}

fn assert_none_differ(tag: &str, base: &GridBook, variants: &[(String, GridBook)], cells: bool) {
    let failed = differing(tag, base, variants, cells);
    assert!(
        failed.is_empty(),
        "{} of {}:\n{}",
        failed.len(),
        variants.len(),
        failed.join("\n")
    );
}

/// How units number the three appropriations of 公开04表 (一、, 1., （一）, or not at all).
fn ordinal(style: usize, i: usize) -> String {
    const CJK: [&str; 3] = ["一", "二", "三"];
    match style {
        0 => String::new(),
        1 => format!("{}、", CJK[i]),
        2 => format!("{}.", i + 1),
        _ => format!("（{}）", CJK[i]),
    }
}

/// 公开04表's income rows 1–3 written with the budgets' names only (一般公共预算,
/// 政府性基金预算拨款, …), as the real 2024 disclosure prints them: read as rows 1–3, never
/// as the rows of the same names under 年初财政拨款结转和结余, nor left outside the form.
#[test]
fn shortened_appropriation_rows_of_04_are_its_rows_1_to_3() {
    const STEMS: [&str; 3] = ["一般公共预算", "政府性基金预算", "国有资本经营预算"];
    const FULL: [&str; 3] = [
        "一、一般公共预算财政拨款",
        "二、政府性基金预算财政拨款",
        "三、国有资本经营预算财政拨款",
    ];
    // Without the 行次 column, as the real disclosure prints it: rows are known by label.
    let base = grid::fixture("seed001_final.grid").drop_line_number_column();
    let variants: Vec<(String, GridBook)> = (0..16u64)
        .map(|seed| {
            let mut rng = Rng::new(0x04_5407 + seed);
            let mut book = base.clone();
            let style = rng.below(4);
            let ending = *rng.choose(&["", "拨款"]);
            let sheet = book.sheet_mut("公开04表");
            let mut labels = Vec::new();
            for (i, (full, stem)) in FULL.iter().zip(STEMS).enumerate() {
                let at = sheet.find(full).expect("公开04表 row");
                // A bare 国有资本经营预算 is 行53 (二十一、国有资本经营预算支出) abbreviated.
                let ending = if i == 2 { "拨款" } else { ending };
                let label = format!("{}{stem}{ending}", ordinal(style, i));
                sheet.put(at.0, at.1, GridCell::text(&label));
                labels.push(label);
            }
            (labels.join("/"), book)
        })
        .collect();
    assert_none_differ("short04", &base, &variants, true);
}

/// A two-decimal amount under 10,000.
fn amount(rng: &mut Rng) -> String {
    format!("{}.{:02}", 1 + rng.below(9_999), rng.below(100))
}

/// 公开07表 as Shanghai publishes it: the sub-headers 合计 | 基本支出 | 项目支出 of 本年支出
/// printed in the 合计 row, 1 to 3 classes of 项目支出 only (类, 款, 项 rows of one figure).
/// With a 序号 column (`serial`) and with the 合计 row at the bottom (`bottom`).
fn shanghai_07(rng: &mut Rng, serial: bool, bottom: bool) -> GridBook {
    const CODES: [(&str, &str); 3] = [
        ("207", "文化旅游体育与传媒支出"),
        ("212", "城乡社区支出"),
        ("229", "其他支出"),
    ];
    let mut rows: Vec<String> = Vec::new();
    let mut total = rust_decimal::Decimal::ZERO;
    for (code, name) in &CODES[..1 + rng.below(3)] {
        let x = amount(rng);
        total += x.parse::<rust_decimal::Decimal>().unwrap();
        for (c, n) in [
            (code.to_string(), name.to_string()),
            (format!("{code}01"), format!("{name}款")),
            (format!("{code}0101"), format!("{name}项")),
        ] {
            rows.push(format!("'{c}\t{n}\t0\t{x}\t{x}\t\t{x}\t0"));
        }
    }
    let total_row = format!("合计\t\t0\t{total}\t合计\t基本支出\t项目支出\t0");
    match bottom {
        true => rows.push(total_row),
        false => rows.insert(0, total_row),
    }
    let lead = if serial { "\t" } else { "" };
    let (a, c, d, e, g, h) = match serial {
        true => ("B", "D", "E", "F", "H", "I"),
        false => ("A", "C", "D", "E", "G", "H"),
    };
    let mut text = format!(
        "=== sheet 政府性基金预算财政拨款收入支出决算表\n# merge {a}1:{h}1\n# merge {a}3:{}3\n\
         # merge {c}3:{c}4\n# merge {d}3:{d}4\n# merge {e}3:{g}3\n# merge {h}3:{h}4\n\
         {lead}政府性基金预算财政拨款收入支出决算表\n{lead}\t\t\t\t\t\t\t单位：万元\n\
         {lead}项目\t\t年初结转和结余\t本年收入\t本年支出\t\t\t年末结转和结余\n",
        if serial { "C" } else { "B" },
    );
    text += &format!(
        "{}功能分类科目编码\t科目名称\n",
        if serial { "序号\t" } else { "" }
    );
    for (i, row) in rows.iter().enumerate() {
        let number = if serial {
            format!("{}\t", i + 1)
        } else {
            String::new()
        };
        text += &format!("{number}{row}\n");
    }
    text +=
        &format!("{lead}注：本表反映部门本年度政府性基金预算财政拨款收入支出及结转和结余情况。\n");
    grid::parse(&text, "shanghai_07")
}

/// 公开07表 in the Shanghai layout with a 序号 column, or with 合计 at the bottom, or both:
/// the sub-headers in the 合计 row are read as headers wherever that row stands, so no
/// 合计 is taken for a figure and no figure of 项目支出 is left outside the form.
#[test]
fn shanghai_07_with_serial_or_total_at_bottom_reads_as_published() {
    let mut failed = Vec::new();
    let mut tried = 0;
    for seed in 0..8u64 {
        for (serial, bottom) in [(true, false), (false, true), (true, true)] {
            let base = shanghai_07(&mut Rng::new(0x07_5400 + seed), false, false);
            let variant = shanghai_07(&mut Rng::new(0x07_5400 + seed), serial, bottom);
            let what = format!("seed {seed} 序号 {serial} 合计在下 {bottom}");
            tried += 1;
            failed.extend(differing(
                &format!("sh07-{seed}-{serial}-{bottom}"),
                &base,
                &[(what, variant)],
                false,
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {tried}:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// An amount of `n` cents as the sheets print it.
fn cents(n: i64) -> String {
    format!("{}.{:02}", n / 100, n % 100)
}

/// 公开02表 as Shanghai publishes it (real 2024 disclosure): codes split into 类 | 款 | 项, no
/// 栏次 row, the 合计 row printing `类 | 款 | 项 | 合计` under the header; `blank` empty rows
/// between the header and that row.
fn shanghai_02(rng: &mut Rng, blank: usize) -> GridBook {
    const CLASSES: [(&str, &str, &str, &str); 3] = [
        ("201", "一般公共服务支出", "06", "财政事务"),
        ("208", "社会保障和就业支出", "05", "行政事业单位养老支出"),
        ("221", "住房保障支出", "02", "住房改革支出"),
    ];
    let mut rows = Vec::new();
    let (mut total, mut fiscal, mut other) = (0i64, 0i64, 0i64);
    for (code, name, kuan, kuan_name) in &CLASSES[..1 + rng.below(3)] {
        let (f, o) = (1 + rng.below(999_999) as i64, rng.below(99_999) as i64);
        let t = f + o;
        (total, fiscal, other) = (total + t, fiscal + f, other + o);
        let figures = format!("{}\t{}\t\t\t\t\t{}", cents(t), cents(f), cents(o));
        rows.push(format!("'{code}\t\t\t{name}\t{figures}"));
        rows.push(format!("'{code}\t'{kuan}\t\t{kuan_name}\t{figures}"));
        rows.push(format!("'{code}\t'{kuan}\t'01\t行政运行\t{figures}"));
    }
    let mut text = String::from(
        "=== sheet 收入决算表\n# merge A1:K1\n# merge A3:D3\n# merge A4:C4\n# merge A5:C5\n\
         # merge D4:D5\n# merge E3:E5\n# merge F3:F5\n# merge G3:G5\n# merge H3:H5\n\
         # merge I3:I5\n# merge J3:J5\n# merge K3:K5\n收入决算表\n\t\t\t\t\t\t\t\t\t\t单位：万元\n\
         项目\t\t\t\t本年收入合计\t财政拨款收入\t上级补助收入\t事业收入\t经营收入\t附属单位上缴收入\t其他收入\n\
         支出功能分类\t\t\t科目名称\n科目编码\n",
    );
    text += &"\n".repeat(blank);
    text += &format!(
        "类\t款\t项\t合计\t{}\t{}\t\t\t\t\t{}\n",
        cents(total),
        cents(fiscal),
        cents(other)
    );
    for row in rows {
        text += &format!("{row}\n");
    }
    grid::parse(&text, "shanghai_02")
}

/// One or two blank rows left between 公开02表's header and its `类 | 款 | 项 | 合计` row (the
/// Shanghai layout): the table reads as without them, not refused.
#[test]
fn a_blank_row_under_the_header_is_spacing() {
    let mut failed = Vec::new();
    for seed in 0..12u64 {
        let base = shanghai_02(&mut Rng::new(0xb1a2_0000 + seed), 0);
        let blank = 1 + seed as usize % 2;
        let variant = shanghai_02(&mut Rng::new(0xb1a2_0000 + seed), blank);
        let (_, said) = findings(&base, &format!("blank02-{seed}-alone"), false);
        let errors: Vec<_> = said.iter().filter(|f| f.4 == "error").collect();
        assert!(
            errors.is_empty(),
            "seed {seed}: the layout itself misread: {errors:?}"
        );
        let what = format!("seed {seed}, {blank} blank rows");
        failed.extend(differing(
            &format!("blank02-{seed}"),
            &base,
            &[(what, variant)],
            false,
        ));
    }
    assert!(
        failed.is_empty(),
        "{} of 12:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// A hidden column right of 公开09表 holding last year's figures, with a figure (or the next
/// 栏次 number) in the 栏次 row too: the table is read as shown, its 栏次 row still a 栏次 row.
/// The hidden figures are warned about; no other finding changes.
#[test]
fn a_hidden_column_with_a_mark_in_the_09_marks_row_leaves_09_read() {
    const NOISE: [&str; 2] = ["hidden-cells", "value-outside-form"];
    let base = grid::fixture("seed001_final.grid");
    let quiet = |b: &GridBook, name: &str| {
        let (code, all) = findings(b, name, true);
        let kept = all.into_iter().filter(|f| !NOISE.contains(&f.3.as_str()));
        (code, kept.collect::<Vec<_>>())
    };
    let want = quiet(&base, "hidden09-base");
    let mut failed = Vec::new();
    for seed in 0..8u64 {
        let mut rng = Rng::new(0x09_41dd + seed);
        let mut book = base.clone();
        let sheet = book.sheet_mut("公开09表");
        let marks = sheet.find("12").expect("公开09表 栏次 row").0;
        let at = sheet.width() + rng.below(2) as u16;
        let mark = match rng.below(2) {
            0 => "13".to_string(),
            _ => amount(&mut rng),
        };
        sheet.put(marks, at, GridCell::num(&mark));
        sheet.put(marks + 1, at, GridCell::num(&amount(&mut rng)));
        sheet.hidden_cols.push(at);
        let got = quiet(&book, &format!("hidden09-{seed}"));
        if got != want {
            let extra: Vec<_> = got.1.iter().filter(|f| !want.1.contains(f)).collect();
            let lost: Vec<_> = want.1.iter().filter(|f| !got.1.contains(f)).collect();
            failed.push(format!(
                "seed {seed} mark {mark}: extra {extra:?}, lost {lost:?}"
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of 8:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// How a workbook holds several units' tables: sheets named `甲-名称`, sheets named
/// `名称（甲）`, or one sheet per unit (`甲单位`) holding its tables one under the other.
#[derive(Clone, Copy, Debug)]
enum UnitsLaid {
    Prefixed,
    Suffixed,
    SheetEach,
}

/// `unit`'s tables of `base` (those at `kept`, in order), the amounts of the tables at
/// `cleared` removed (a table the unit left empty), laid out as `laid` asks.
fn unit_copy(
    base: &GridBook,
    unit: &str,
    laid: UnitsLaid,
    kept: &[usize],
    cleared: &[usize],
) -> GridBook {
    let mut sheets: Vec<GridSheet> = Vec::new();
    for &i in kept {
        let mut sheet = base.sheets[i].clone();
        sheet.name = match laid {
            UnitsLaid::Suffixed => format!("{}（{unit}）", sheet.name),
            _ => format!("{unit}-{}", sheet.name),
        };
        sheet.name = sheet.name.chars().take(31).collect();
        if cleared.contains(&i) {
            for cell in sheet.rows.iter_mut().flatten() {
                if matches!(cell, GridCell::Number(t) if t.contains('.')) {
                    *cell = GridCell::Empty;
                }
            }
        }
        sheets.push(sheet);
    }
    match laid {
        UnitsLaid::SheetEach => GridBook {
            sheets: vec![stacked(&format!("{unit}单位"), &sheets)],
        },
        _ => GridBook { sheets },
    }
}

/// `sheets` one under the other in one sheet named `name`, a blank row between them.
fn stacked(name: &str, sheets: &[GridSheet]) -> GridSheet {
    let mut out = GridSheet::new(name);
    for sheet in sheets {
        let at = out.rows.len() as u32 + u32::from(!out.rows.is_empty());
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                out.put(at + r as u32, c as u16, cell.clone());
            }
        }
        let moved = sheet
            .merges
            .iter()
            .map(|&(r0, c0, r1, c1)| (r0 + at, c0, r1 + at, c1));
        out.merges.extend(moved);
        out.bold
            .extend(sheet.bold.iter().map(|&(r, c)| (r + at, c)));
        for &(c, w) in &sheet.widths {
            if !out.widths.iter().any(|&(o, _)| o == c) {
                out.widths.push((c, w));
            }
        }
    }
    out
}

/// `book` with an amount of one of its tables (`nth` of the amounts, counted over them all)
/// raised by 1.00: the error a clerk made in this unit only.
fn planted(book: &GridBook, nth: usize) -> (GridBook, String) {
    let mut book = book.clone();
    let amounts: Vec<(usize, u32, u16, String)> = (book.sheets.iter().enumerate())
        .flat_map(|(i, s)| s.numbers().into_iter().map(move |(r, c, n)| (i, r, c, n)))
        .filter(|(.., n)| n.contains('.') && n.parse::<f64>().is_ok_and(|v| v > 1.0))
        .collect();
    let (i, r, c, n) = amounts[nth % amounts.len()].clone();
    let (whole, cents) = n.split_once('.').unwrap();
    let raised = format!("{}.{cents}", whole.parse::<i64>().unwrap() + 1);
    book.sheets[i].put(r, c, GridCell::num(&raised));
    let at = format!("{}!{}", book.sheets[i].name, grid::a1(r, c));
    (book, at)
}

/// `book` with an amount raised whose change its own audit catches (a new error), and the
/// cell raised.
fn plant_caught(book: &GridBook, rng: &mut Rng, tag: &str) -> (GridBook, String) {
    let clean = unit_findings(book, &format!("unit-clean-{tag}"))
        .1
        .remove(0)
        .1;
    for attempt in 0..8 {
        let (wrong, cell) = planted(book, rng.below(400));
        let alone = unit_findings(&wrong, &format!("unit-planted-{tag}-{attempt}"));
        if alone.1[0]
            .1
            .iter()
            .any(|f| f.4 == "error" && !clean.contains(f))
        {
            return (wrong, cell);
        }
    }
    panic!("{tag}: no amount of the book is checked");
}

/// The exit code and, per unit the file's check names (its report's `unit`, "" for a file of
/// one unit), its findings; every finding of a unit's report names that unit.
fn unit_findings(book: &GridBook, name: &str) -> (i32, Vec<(String, Vec<Said>)>) {
    let folder = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("workbook_layouts");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join(format!("{name}.xlsx"));
    book.write_xlsx(&path);
    let (code, json) = cli::check_json(&path);
    let s = |f: &Value, k: &str| f[k].as_str().unwrap_or_default().to_string();
    let units = (json["files"].as_array().unwrap().iter())
        .map(|file| {
            let unit = s(file, "unit");
            let all = file["findings"].as_array().unwrap();
            let mut said: Vec<Said> = (all.iter())
                .inspect(|f| assert_eq!(s(f, "unit"), unit, "{name}: {f}"))
                .map(cli::said)
                .collect();
            said.sort();
            (unit, said)
        })
        .collect();
    (code, units)
}

/// A workbook of two or three units' tables (named before or after the table's name, or
/// each unit's on one sheet), the later units giving some of the tables only, one of their
/// amounts wrong: each unit is audited as its own workbook would be — the same findings at
/// the same cells, the wrong amount caught in its unit and named for it, nothing judged
/// against another unit's tables — and the exit code is the worst unit's.
#[test]
fn every_unit_of_a_workbook_is_audited_as_its_own() {
    let base = grid::fixture("seed001_final.grid");
    let tables = base.sheets.len();
    let names = ["甲", "乙", "丙"];
    let mut failed = Vec::new();
    let cases = 9;
    for seed in 1..=cases {
        let mut rng = Rng::new(0x2_0417 + seed as u64);
        let laid = [
            UnitsLaid::Prefixed,
            UnitsLaid::Suffixed,
            UnitsLaid::SheetEach,
        ][seed % 3];
        let count = 2 + rng.below(2);
        let mut units: Vec<GridBook> = Vec::new();
        for (u, name) in names.iter().enumerate().take(count) {
            // The first unit gives every table; a later one may leave some out.
            let kept: Vec<usize> = (0..tables)
                .filter(|&i| u == 0 || i < 4 || rng.below(3) > 0)
                .collect();
            let cleared = [rng.below(tables)];
            units.push(unit_copy(&base, name, laid, &kept, &cleared));
        }
        // The error is in the second unit only.
        let at;
        (units[1], at) = plant_caught(&units[1], &mut rng, &format!("{seed}"));
        let mut want: Vec<(i32, Vec<Said>)> = Vec::new();
        for (u, book) in units.iter().enumerate() {
            let (code, mut alone) = unit_findings(book, &format!("unit-alone-{seed}-{u}"));
            want.push((code, alone.remove(0).1));
        }
        let mut all = GridBook { sheets: vec![] };
        units
            .iter()
            .for_each(|b| all.sheets.extend(b.sheets.iter().cloned()));
        let (code, got) = unit_findings(&all, &format!("units-{seed}"));
        let worst = want.iter().map(|w| w.0).max().unwrap();
        let named: Vec<&str> = got.iter().map(|(u, _)| u.as_str()).collect();
        let expected_names: Vec<String> = match laid {
            UnitsLaid::SheetEach => names[..count].iter().map(|n| format!("{n}单位")).collect(),
            _ => names[..count].iter().map(|n| n.to_string()).collect(),
        };
        let same = got.len() == count && (got.iter().zip(&want)).all(|((_, g), (_, w))| g == w);
        if !same || code != worst || named != expected_names {
            let per_unit: Vec<String> = (got.iter().zip(&want))
                .map(|((u, g), (_, w))| {
                    let extra: Vec<_> = g.iter().filter(|f| !w.contains(f)).collect();
                    let lost: Vec<_> = w.iter().filter(|f| !g.contains(f)).collect();
                    format!("unit {u:?}: extra {extra:?}, lost {lost:?}")
                })
                .collect();
            failed.push(format!(
                "seed {seed} ({laid:?}, {count} units, {at} raised): {} reports named {named:?}, exit {code} (want {worst}); {}",
                got.len(),
                per_unit.join("; ")
            ));
        }
    }
    mutation::assert_cases_passed(&failed, cases, cases);
}

/// One unit's tables with a few of them there twice, the copies on sheets named by no unit
/// (as a misread print gives them: a page taken for another copy): nothing tells units
/// apart, so the workbook is one unit's, audited once, with a warning on each copy — not
/// split into 第1套 and 第2套.
#[test]
fn copies_no_name_tells_apart_are_one_units_tables() {
    let base = grid::fixture("seed001_final.grid");
    let mut failed = Vec::new();
    for seed in 1..=4u64 {
        let mut rng = Rng::new(0x0c0_91e5 + seed);
        let mut book = base.clone();
        let copies = 2 + rng.below(3);
        let mut picked: Vec<usize> = (0..base.sheets.len()).collect();
        rng.shuffle(&mut picked);
        for (n, &i) in picked.iter().take(copies).enumerate() {
            let mut copy = base.sheets[i].clone();
            copy.name = format!("Sheet{}", 20 + n);
            book.sheets.push(copy);
        }
        let (_, units) = unit_findings(&book, &format!("unnamed-copies-{seed}"));
        let said = || units.iter().flat_map(|(_, said)| said);
        let warned = (20..20 + copies)
            .filter(|n| said().any(|f| f.0 == format!("Sheet{n}") && f.4 == "warning"))
            .count();
        if units.len() != 1 || !units[0].0.is_empty() || warned < copies {
            let named: Vec<&str> = units.iter().map(|(u, _)| u.as_str()).collect();
            failed.push(format!(
                "seed {seed}: {copies} copies, reports {named:?}, {warned} warned"
            ));
        }
    }
    mutation::assert_cases_passed(&failed, 4, 4);
}

/// `sheet` with some of its rows holding figures made two rows high: an empty row under each,
/// every cell of the record merged over both rows (a record a clerk drew taller).
fn records_two_rows_high(sheet: &GridSheet, rng: &mut Rng) -> GridSheet {
    let holds_figure = |row: &Vec<GridCell>| row.iter().any(|c| matches!(c, GridCell::Number(_)));
    let doubled: Vec<bool> = (sheet.rows.iter())
        .map(|row| holds_figure(row) && rng.below(2) == 0)
        .collect();
    let mut at = Vec::with_capacity(doubled.len());
    let mut next = 0u32;
    for &d in &doubled {
        at.push(next);
        next += 1 + u32::from(d);
    }
    let last = |r: u32| at[r as usize] + u32::from(doubled[r as usize]);
    let mut out = sheet.clone();
    out.rows = Vec::new();
    for (row, &d) in sheet.rows.iter().zip(&doubled) {
        out.rows.push(row.clone());
        if d {
            out.rows.push(vec![GridCell::Empty; row.len()]);
        }
    }
    out.merges = (sheet.merges.iter())
        .map(|&(r0, c0, r1, c1)| (at[r0 as usize], c0, last(r1), c1))
        .collect();
    let width = sheet.rows.iter().map(Vec::len).max().unwrap_or(0) as u16;
    for (r, _) in doubled.iter().enumerate().filter(|(_, &d)| d) {
        let r = r as u32;
        let merged =
            |c: u16| (sheet.merges.iter()).any(|m| m.0 <= r && r <= m.2 && m.1 <= c && c <= m.3);
        for c in (0..width).filter(|&c| !merged(c)) {
            out.merges.push((at[r as usize], c, at[r as usize] + 1, c));
        }
    }
    rows_moved(sheet, &mut out, &at);
    out
}

/// Records drawn two rows high, each cell merged over both (公开04表's 一般公共预算财政拨款 of
/// 行29 under a two-row 年初财政拨款结转和结余, after 行1 of the same name two rows high): read
/// as the records they are, with the findings of the plain layout.
#[test]
fn records_two_rows_high_read_as_one_row_each() {
    read_as_plain("tall", 0x2_4011, records_two_rows_high);
}

/// `sheet` with some long labels of rows holding figures (rows of the form's own labels, no
/// 科目 code) typed over two rows, as a table converted from a PDF keeps a wrapped label: the
/// label's beginning alone on a row inserted above, the rest beside the figures.
fn labels_typed_over_two_rows(sheet: &GridSheet, rng: &mut Rng) -> GridSheet {
    labels_split(sheet, rng, false)
}

/// `sheet` with some long labels typed over two rows the other way round: the beginning beside
/// the figures, the rest alone on a row inserted below.
fn labels_ending_below(sheet: &GridSheet, rng: &mut Rng) -> GridSheet {
    labels_split(sheet, rng, true)
}

/// `sheet` with some long labels of rows holding figures (no 科目 code, no merge) typed over
/// two rows: the figures beside the label's rest, or beside its beginning when `figures_first`.
fn labels_split(sheet: &GridSheet, rng: &mut Rng, figures_first: bool) -> GridSheet {
    // A 科目 row: a code of its own or before its name (201, 2010101 行政运行).
    let is_code = |c: &GridCell| c.as_str().chars().take_while(char::is_ascii_digit).count() >= 3;
    let in_merge = |r: u32| (sheet.merges.iter()).any(|m| m.0 <= r && r <= m.2);
    let mut out = sheet.clone();
    out.rows = Vec::new();
    let mut at = Vec::with_capacity(sheet.rows.len());
    for (r, row) in sheet.rows.iter().enumerate() {
        let figures = row.iter().any(|c| matches!(c, GridCell::Number(_)));
        let mut head = vec![GridCell::Empty; row.len()];
        let mut rest = row.clone();
        if figures && !row.iter().any(is_code) && !in_merge(r as u32) {
            for (c, cell) in row.iter().enumerate() {
                let GridCell::Text(t) = cell else { continue };
                let chars: Vec<char> = t.chars().collect();
                if chars.len() < 8 || rng.below(3) != 0 {
                    continue;
                }
                let cut = 2 + rng.below(chars.len() - 3);
                head[c] = GridCell::text(&chars[..cut].iter().collect::<String>());
                rest[c] = GridCell::text(&chars[cut..].iter().collect::<String>());
            }
        }
        let split = head.iter().any(|c| !c.is_empty());
        if split && figures_first {
            // The beginning beside the figures, the rest alone on a row below.
            let mut alone = vec![GridCell::Empty; row.len()];
            for (c, h) in head.iter().enumerate().filter(|(_, h)| !h.is_empty()) {
                alone[c] = std::mem::replace(&mut rest[c], h.clone());
            }
            at.push(out.rows.len() as u32);
            out.rows.extend([rest, alone]);
            continue;
        }
        if split {
            out.rows.push(head);
        }
        at.push(out.rows.len() as u32);
        out.rows.push(rest);
    }
    out.merges = (sheet.merges.iter())
        .map(|&(r0, c0, r1, c1)| (at[r0 as usize], c0, at[r1 as usize], c1))
        .collect();
    rows_moved(sheet, &mut out, &at);
    out
}

/// Long labels typed over two rows without a merge (`九、卫生` | `健康支出  60.99`), as a PDF
/// converted to a workbook keeps its wrapped labels: read as the rows they name, with the
/// findings of the plain layout and nothing left outside the form.
#[test]
fn labels_typed_over_two_rows_read_as_their_rows() {
    read_as_plain("split-labels", 0x5_1ab1, labels_typed_over_two_rows);
}

/// Long labels typed over two rows with the figures beside their beginning (`一、一般公共预
/// 2940.05` | `算财政拨款收入`): read as the rows they name, with the findings of the plain layout.
#[test]
fn labels_ending_on_a_row_below_read_as_their_rows() {
    read_as_plain("split-labels-below", 0x5_1ab2, labels_ending_below);
}

/// `sheet`'s bold cells, hidden rows and number formats moved to `out`, its row `r` being
/// `out`'s row `at[r]`.
fn rows_moved(sheet: &GridSheet, out: &mut GridSheet, at: &[u32]) {
    let moved = |&(r, c): &(u32, u16)| (at[r as usize], c);
    out.bold = sheet.bold.iter().map(moved).collect();
    out.hidden_rows = sheet.hidden_rows.iter().map(|&r| at[r as usize]).collect();
    out.number_formats = (sheet.number_formats.iter())
        .map(|(k, v)| (moved(k), v.clone()))
        .collect();
}

/// Seed 001's 决算 and seed 002's budget forms without the 行次 column (as the real disclosure
/// prints them: rows are known by label), each sheet redrawn by `redraw` in six seeded layouts:
/// each layout gives the findings of the plain book.
fn read_as_plain(tag: &str, seed: u64, redraw: fn(&GridSheet, &mut Rng) -> GridSheet) {
    for fixture in ["seed001_final.grid", "seed002_budget.grid"] {
        let base = grid::fixture(fixture).drop_line_number_column();
        let variants: Vec<(String, GridBook)> = (0..6u64)
            .map(|i| {
                let mut rng = Rng::new(seed + i);
                let mut book = base.clone();
                for sheet in &mut book.sheets {
                    *sheet = redraw(sheet, &mut rng);
                }
                (format!("{fixture} seed {i}"), book)
            })
            .collect();
        let tag = format!("{tag}-{}", fixture.trim_end_matches(".grid"));
        assert_none_differ(&tag, &base, &variants, false);
    }
}

/// The other commands on a workbook of two units (甲 clean, 乙 with an error): `review` gives
/// a row per unit, named, the error on 乙's; `export` gives both units' tables, each naming
/// its unit, 乙's as its own workbook's; `fix` writes one corrected workbook per unit, named
/// for it, and `import` refuses the two units' JSON, naming them.
#[test]
fn review_export_and_fix_take_every_unit_of_a_workbook() {
    let base = grid::fixture("seed001_final.grid");
    let all: Vec<usize> = (0..base.sheets.len()).collect();
    let first = unit_copy(&base, "甲", UnitsLaid::Prefixed, &all, &[]);
    let second = unit_copy(&base, "乙", UnitsLaid::Prefixed, &all, &[]);
    let (second, _) = plant_caught(&second, &mut Rng::new(0x43), "commands");
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("several_units");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (both, alone) = (dir.join("两个单位.xlsx"), dir.join("乙.xlsx"));
    let mut book = first.clone();
    book.sheets.extend(second.sheets.iter().cloned());
    book.write_xlsx(&both);
    second.write_xlsx(&alone);
    let p = |x: &std::path::Path| x.to_str().unwrap().to_string();
    let read = |x: &std::path::Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(x).unwrap()).unwrap()
    };

    let review = dir.join("review.json");
    let (code, _, err) = cli::run(&["review", &p(&both), "--format", "json", "-o", &p(&review)]);
    assert_eq!(code, 1, "{err}");
    let r = read(&review);
    let rows: Vec<(String, u64)> = (r["files"].as_array().unwrap().iter())
        .map(|f| {
            (
                f["unit"].as_str().unwrap().to_string(),
                f["errors"].as_u64().unwrap(),
            )
        })
        .collect();
    let errors_of = |u: &str| rows.iter().find(|(n, _)| n == u).map(|r| r.1);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(errors_of("乙") > errors_of("甲"), "{rows:?}");

    let (json, json_alone) = (dir.join("两个单位.json"), dir.join("乙.json"));
    for (input, output) in [(&both, &json), (&alone, &json_alone)] {
        let (code, _, err) = cli::run(&["export", &p(input), "-o", &p(output)]);
        assert_eq!(code, 0, "{err}");
    }
    let (doc, doc_alone) = (read(&json), read(&json_alone));
    let forms = doc["forms"].as_array().unwrap();
    let sets: Vec<&str> = forms
        .iter()
        .map(|f| f["unit_set"].as_str().unwrap())
        .collect();
    assert_eq!(
        sets,
        [vec!["甲"; all.len()], vec!["乙"; all.len()]].concat()
    );
    let rows_of = |f: &Value| f["rows"].clone();
    let of_second: Vec<Value> = forms[all.len()..].iter().map(rows_of).collect();
    let own: Vec<Value> = doc_alone["forms"]
        .as_array()
        .unwrap()
        .iter()
        .map(rows_of)
        .collect();
    assert!(
        of_second == own,
        "乙's exported tables differ from its own workbook's"
    );

    let (code, out, err) = cli::run(&["fix", &p(&both)]);
    assert_eq!(code, 1, "{out}{err}");
    for unit in ["甲", "乙"] {
        let fixed = dir.join(format!("两个单位-{unit}-已校正.xlsx"));
        assert!(fixed.exists(), "no {}: {out}", fixed.display());
        let (_, report) = cli::check_json(&fixed);
        assert!(
            report["files"].as_array().unwrap().len() == 1,
            "{unit}: several units"
        );
    }
    assert!(!dir.join("两个单位-已校正.xlsx").exists());

    let (code, _, err) = cli::run(&["import", &p(&json), "-o", &p(&dir.join("导入.xlsx"))]);
    assert_eq!(code, 2);
    assert!(err.contains("甲、乙"), "{err}");
    assert!(!dir.join("导入.xlsx").exists());
}

/// `rules` on a workbook of two units' sets — seed 001's tables and self-evaluation table,
/// sheets named for each unit either way: one report per unit, named, each giving that unit's
/// rows as its own workbook would — in text and in JSON.
#[test]
fn rules_cover_every_unit_of_a_workbook() {
    let mut base = grid::fixture("seed001_final.grid");
    base.sheets
        .extend(grid::fixture("seed001_perf.grid").sheets);
    let all: Vec<usize> = (0..base.sheets.len()).collect();
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("rules_units");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let alone = dir.join("一个单位.xlsx");
    base.write_xlsx(&alone);
    let rules_json = |p: &std::path::Path| -> Value {
        let (code, out, err) = cli::run(&["rules", "--format", "json", p.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&out).unwrap()
    };
    let own = rules_json(&alone)["files"][0]["rules"].clone();
    assert!(!own.as_array().unwrap().is_empty());
    let mut failed = Vec::new();
    for laid in [UnitsLaid::Prefixed, UnitsLaid::Suffixed] {
        let mut book = unit_copy(&base, "甲", laid, &all, &[]);
        book.sheets
            .extend(unit_copy(&base, "乙", laid, &all, &[]).sheets);
        let both = dir.join(format!("两个单位-{laid:?}.xlsx"));
        book.write_xlsx(&both);
        let files = rules_json(&both)["files"].as_array().unwrap().clone();
        let units: Vec<&str> = files.iter().filter_map(|f| f["unit"].as_str()).collect();
        let same = files
            .iter()
            .all(|f| f["rules"].as_array().map(Vec::len) == own.as_array().map(Vec::len));
        let (_, text, _) = cli::run(&["rules", both.to_str().unwrap()]);
        let sections = ["甲", "乙"].map(|u| text.contains(&format!("（单位：{u}）\n")));
        if units != ["甲", "乙"] || !same || sections != [true, true] {
            failed.push(format!(
                "{laid:?}: units {units:?}, same rows {same}, text sections {sections:?}"
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of 2:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// Where a workbook of several units' tables names each unit: in the sheets' names only (the
/// heads all alike, as copies of one template), in the tables' heads only (`部门：…`, sheets
/// named 表1, 表2 …), or in both.
#[derive(Clone, Copy, Debug)]
enum UnitNamedIn {
    Sheets,
    Heads,
    Both,
}

/// How the units' sheets follow each other: each unit's together, taking turns table by table
/// (甲01, 乙01, 甲02, 乙02 …), or in no order.
#[derive(Clone, Copy, Debug)]
enum SheetOrder {
    Blocked,
    Interleaved,
    Shuffled,
}

/// The seed unit's name in its tables' heads, and the names the units' heads give: units
/// named apart, or sibling units a number apart (第一中学, 第二中学: no typo of one another).
const SEED_UNIT: &str = "长株潭一体化发展事务中心";
const UNIT_NAMES: [[&str; 3]; 2] = [
    [SEED_UNIT, "湘江新区建设服务中心", "城乡规划研究所"],
    ["第一中学", "第二中学", "第三中学"],
];

/// `sheet` of unit `u` with its head naming that unit of `names` (the seed's 株州 typo kept).
fn headed_for(sheet: &GridSheet, names: &[&str; 3], u: usize) -> GridSheet {
    let mut sheet = sheet.clone();
    for cell in sheet.rows.iter_mut().flatten() {
        if let GridCell::Text(t) = cell {
            *t = t.replace(SEED_UNIT, names[u]);
        }
    }
    sheet
}

/// The (unit, table) of each sheet of a workbook of `units` units' `tables` tables, in `order`.
fn sheet_order(
    order: SheetOrder,
    units: usize,
    tables: usize,
    rng: &mut Rng,
) -> Vec<(usize, usize)> {
    let mut all: Vec<(usize, usize)> = match order {
        SheetOrder::Interleaved => (0..tables)
            .flat_map(|t| (0..units).map(move |u| (u, t)))
            .collect(),
        _ => (0..units)
            .flat_map(|u| (0..tables).map(move |t| (u, t)))
            .collect(),
    };
    if let SheetOrder::Shuffled = order {
        rng.shuffle(&mut all);
    }
    all
}

/// Two or three units' copies of the seed 决算 tables in one workbook, the units named in the
/// sheets' names or the tables' heads or both, their sheets blocked, taking turns or shuffled,
/// one amount of the second unit wrong: each unit's check is the check of its tables alone in
/// a workbook of their own (the same sheets, in the same order) — no unit lost, none mixed
/// into another, nothing judged against another unit's tables.
#[test]
fn units_in_any_sheet_order_are_each_audited_as_their_own() {
    let base = grid::fixture("seed001_final.grid");
    let tables = base.sheets.len();
    let prefixes = ["甲", "乙", "丙"];
    let (mut failed, mut cases) = (Vec::new(), 0);
    let orders = [
        SheetOrder::Blocked,
        SheetOrder::Interleaved,
        SheetOrder::Shuffled,
    ];
    let mut layouts = Vec::new();
    for order in orders {
        for named in [UnitNamedIn::Sheets, UnitNamedIn::Heads, UnitNamedIn::Both] {
            layouts.push((&UNIT_NAMES[0], named, order));
        }
    }
    // Sibling units a number apart, named in their heads.
    for order in orders {
        for named in [UnitNamedIn::Heads, UnitNamedIn::Both] {
            layouts.push((&UNIT_NAMES[1], named, order));
        }
    }
    for (seed, &(names, named, order)) in layouts.iter().enumerate() {
        let seed = seed as u64;
        let mut rng = Rng::new(0x51_0e0d + seed);
        let count = 2 + rng.below(2);
        let laid = sheet_order(order, count, tables, &mut rng);
        let mut sheets: Vec<(usize, GridSheet)> = Vec::new();
        for (at, &(u, t)) in laid.iter().enumerate() {
            let mut sheet = match named {
                UnitNamedIn::Sheets => base.sheets[t].clone(),
                _ => headed_for(&base.sheets[t], names, u),
            };
            sheet.name = match named {
                UnitNamedIn::Heads => format!("表{}", at + 1),
                _ => format!("{}-{}", prefixes[u], sheet.name),
            };
            sheets.push((u, sheet));
        }
        let of = |u: usize, sheets: &[(usize, GridSheet)]| GridBook {
            sheets: (sheets.iter().filter(|(o, _)| *o == u))
                .map(|(_, s)| s.clone())
                .collect(),
        };
        // The error is in the second unit only.
        let (wrong, at) = plant_caught(&of(1, &sheets), &mut rng, &format!("order-{seed}"));
        let mut second = wrong.sheets.into_iter();
        for (u, sheet) in sheets.iter_mut() {
            if *u == 1 {
                *sheet = second.next().unwrap();
            }
        }
        // Each unit's report is named for the unit its heads name, else its sheets' prefix.
        let name = |u: usize| match named {
            UnitNamedIn::Sheets => prefixes[u].to_string(),
            _ => format!("株洲市{}", names[u]),
        };
        let want: Vec<(String, i32, Vec<Said>)> = (0..count)
            .map(|u| {
                let (code, mut alone) =
                    unit_findings(&of(u, &sheets), &format!("order-alone-{seed}-{u}"));
                (name(u), code, alone.remove(0).1)
            })
            .collect();
        let all = GridBook {
            sheets: sheets.into_iter().map(|(_, s)| s).collect(),
        };
        let (code, got) = unit_findings(&all, &format!("order-units-{seed}"));
        cases += 1;
        let worst = want.iter().map(|w| w.1).max().unwrap();
        let of_unit = |u: &str| got.iter().find(|(n, _)| n == u).map(|(_, g)| g);
        let same = got.len() == count && want.iter().all(|(u, _, w)| of_unit(u) == Some(w));
        if !same || code != worst {
            let per_unit: Vec<String> = (want.iter())
                .map(|(u, _, w)| {
                    let none = Vec::new();
                    let g = of_unit(u).unwrap_or(&none);
                    let extra: Vec<_> = g.iter().filter(|f| !w.contains(f)).take(4).collect();
                    let lost: Vec<_> = w.iter().filter(|f| !g.contains(f)).take(4).collect();
                    format!("unit {u:?}: extra {extra:?}, lost {lost:?}")
                })
                .collect();
            let reports: Vec<&str> = got.iter().map(|(u, _)| u.as_str()).collect();
            failed.push(format!(
                "seed {seed} ({}, {named:?}, {order:?}, {count} units, {at} raised): reports {reports:?}, exit {code} (want {worst}); {}",
                names[1],
                per_unit.join("; ")
            ));
        }
    }
    mutation::assert_cases_passed(&failed, cases, layouts.len());
}
