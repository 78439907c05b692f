//! Published forms (决算 公开01–04表, 预算 部门公开表01/04, 绩效自评 附件1–3) painted as a PDF the way other producers store them — a landscape page kept portrait under /Rotate 90, 180 or 270 (on the page or inherited from the page tree), a grey text watermark slanted across the page over or under the table — read back exactly as the same page painted upright and unmarked.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/word_pdf.rs"]
mod word_pdf;
#[path = "support/xorshift.rs"]
mod xorshift;

use grid::{GridCell, GridSheet};
use std::path::{Path, PathBuf};
use word_pdf::{text_width, Cell, Item, Print, RotateOn, Table};
use xorshift::Xorshift;

fn scratch(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("pdf-turned-pages")
        .join(tag);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// (fixture, sheet) of the forms painted.
const FORMS: [(&str, &str); 8] = [
    ("seed001_final", "公开01表"),
    ("seed001_final", "公开02表"),
    ("seed001_final", "公开03表"),
    ("seed002_budget", "部门收支总体情况表"),
    ("seed002_budget", "财政拨款收支总体情况表"),
    ("seed000_perf", "附件1"),
    ("seed000_perf", "附件2"),
    ("seed000_perf", "附件3-1"),
];

/// Text size inside the tables, as the writer paints it.
const CELL_SIZE: f64 = 9.0;
/// Widest a table may be on the landscape page.
const MAX_TABLE_WIDTH: f64 = 740.0;
/// A wrapped cell's line pitch, and a row's padding.
const LEAD: f64 = 11.0;
const PAD: f64 = 3.0;

/// Whether a sheet row belongs to the ruled table: it fills three or more cells.
fn is_table_row(row: &[GridCell]) -> bool {
    row.iter().filter(|c| !c.is_empty()).count() >= 3
}

/// `text` broken into lines no wider than `width` (its own breaks kept).
fn wrap(text: &str, width: f64) -> Vec<String> {
    let mut lines = Vec::new();
    for part in text.split('\n') {
        let mut line = String::new();
        for c in part.chars() {
            if !line.is_empty() && text_width(&format!("{line}{c}"), CELL_SIZE) > width - 2.0 * PAD
            {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
        lines.push(line);
    }
    lines
}

/// Column widths for the sheet's table rows, each column jittered a little by `rng`, cut to
/// fit the page.
fn widths(sheet: &GridSheet, rows: &[usize], rng: &mut Xorshift) -> Vec<f64> {
    let cols = sheet.width() as usize;
    let merged = |r: usize, c: usize| {
        sheet.merges.iter().any(|m| {
            (m.0 as usize..=m.2 as usize).contains(&r) && m.1 as usize == c && m.3 as usize > c
        })
    };
    let mut w: Vec<f64> = (0..cols)
        .map(|c| {
            let widest = rows
                .iter()
                .filter(|&&r| !merged(r, c))
                .flat_map(|&r| sheet.cell(r as u32, c as u16).as_str().split('\n'))
                .map(|t| text_width(t, CELL_SIZE))
                .fold(0.0, f64::max);
            (widest + 2.0 * PAD + rng.below(12) as f64).max(36.0)
        })
        .collect();
    let total: f64 = w.iter().sum();
    if total > MAX_TABLE_WIDTH {
        w.iter_mut().for_each(|x| *x *= MAX_TABLE_WIDTH / total);
    }
    w
}

/// The span (rows, cols) of the merge starting at (r, c), if one does.
fn span_at(sheet: &GridSheet, r: usize, c: usize) -> Option<(usize, usize)> {
    let m = sheet
        .merges
        .iter()
        .find(|m| m.0 as usize == r && m.1 as usize == c)?;
    Some((m.2 as usize - r + 1, m.3 as usize - c + 1))
}

fn covered(sheet: &GridSheet, r: usize, c: usize) -> bool {
    sheet.merges.iter().any(|m| {
        (m.0 as usize..=m.2 as usize).contains(&r)
            && (m.1 as usize..=m.3 as usize).contains(&c)
            && (m.0 as usize, m.1 as usize) != (r, c)
    })
}

/// The sheet's table rows as a ruled table, each row as high as its most wrapped cell.
fn table(sheet: &GridSheet, rows: &[usize], rng: &mut Xorshift) -> Table {
    let widths = widths(sheet, rows, rng);
    let mut cells = Vec::new();
    let mut heights = vec![0.0f64; rows.len()];
    for (i, &r) in rows.iter().enumerate() {
        for c in 0..widths.len() {
            let text = sheet.cell(r as u32, c as u16).as_str();
            if covered(sheet, r, c) || text.is_empty() {
                continue;
            }
            let (down, across) = span_at(sheet, r, c).unwrap_or((1, 1));
            let (down, across) = (down.min(rows.len() - i), across.min(widths.len() - c));
            let width: f64 = widths[c..c + across].iter().sum();
            let lines = wrap(text, width);
            let high = lines.len() as f64 * LEAD + 2.0 * PAD;
            heights[i] = heights[i].max(high / down as f64);
            let cell = Cell::new(i, c, &lines.join("\n")).span(down, across);
            let amount = matches!(sheet.cell(r as u32, c as u16), GridCell::Number(_));
            cells.push(if amount { cell.right() } else { cell });
        }
    }
    heights
        .iter_mut()
        .for_each(|h| *h = h.max(LEAD + 2.0 * PAD));
    Table {
        widths,
        heights,
        cells,
        border: 0.75,
    }
}

/// A sheet row outside the table as one printed line.
fn line(sheet: &GridSheet, r: usize, size: f64) -> Item {
    let texts: Vec<&str> = (0..sheet.width())
        .map(|c| sheet.cell(r as u32, c).as_str())
        .filter(|t| !t.is_empty())
        .collect();
    Item::Line {
        x: 50.0,
        size,
        text: texts.join("    "),
    }
}

/// The sheet as one page: the lines above its table (the first, its title, larger), the
/// table, the lines under it.
fn page(sheet: &GridSheet, rng: &mut Xorshift) -> Vec<Item> {
    let all: Vec<usize> = (0..sheet.rows.len()).collect();
    let first = all
        .iter()
        .position(|&r| is_table_row(&sheet.rows[r]))
        .unwrap();
    let last = all
        .iter()
        .rposition(|&r| is_table_row(&sheet.rows[r]))
        .unwrap();
    let filled = |r: &usize| sheet.rows[*r].iter().any(|c| !c.is_empty());
    let mut items: Vec<Item> = (0..first)
        .filter(filled)
        .enumerate()
        .map(|(k, r)| line(sheet, r, if k == 0 { 14.0 } else { CELL_SIZE }))
        .collect();
    items.push(Item::Table(table(sheet, &all[first..=last], rng)));
    items.extend(
        (last + 1..sheet.rows.len())
            .filter(filled)
            .map(|r| line(sheet, r, CELL_SIZE)),
    );
    items
}

/// The ways of storing and marking the page tried on every form.
fn prints() -> Vec<Print> {
    let turned = |rotate, on| Print {
        rotate,
        rotate_on: Some(on),
        watermark: None,
    };
    let marked = |under| Print {
        watermark: Some(under),
        ..Print::default()
    };
    vec![
        turned(90, RotateOn::Page),
        turned(270, RotateOn::Page),
        turned(180, RotateOn::Page),
        turned(90, RotateOn::Tree),
        turned(-90, RotateOn::Tree),
        marked(false),
        marked(true),
        Print {
            rotate: 90,
            rotate_on: Some(RotateOn::Page),
            watermark: Some(false),
        },
    ]
}

/// What a reading gives that must not change with how the page is stored: the export's
/// figures and texts, and the check's findings (rule, cell, message).
fn reading(path: &Path) -> (String, Vec<(String, String)>) {
    let doc = export::exported(path);
    let cells = export::logical_cells(&doc, &["unit", "year"]);
    let (code, report) = cli::check_json(path);
    assert!(
        code == 0 || code == 1,
        "check {}: exit {code}",
        path.display()
    );
    let findings = cli::findings(&report)
        .iter()
        .map(|f| (f["rule"].to_string(), f["message"].to_string()))
        .collect();
    (format!("{cells:?}"), findings)
}

/// Every form, stored every way, reads as the upright unmarked page; prints the ways that
/// did not (for the count of cases a change fixes).
#[test]
fn turned_and_watermarked_pages_read_as_the_upright_page() {
    let mut failed = Vec::new();
    let mut tried = 0;
    for (k, (fixture, name)) in FORMS.iter().enumerate() {
        let book = grid::fixture(&format!("{fixture}.grid"));
        let sheet = book.sheets.iter().find(|s| s.name == *name).unwrap();
        let mut rng = Xorshift(0x5EED_0046 + k as u64);
        let pages = [page(sheet, &mut rng)];
        let dir = scratch(&format!("{k}"));
        let upright = dir.join("upright.pdf");
        word_pdf::write_pdf(&pages, &upright);
        let want = reading(&upright);
        let figures = export::figures(&export::exported(&upright)).len();
        assert!(
            figures >= 5,
            "{name}: the upright page reads {figures} figures"
        );
        for (i, print) in prints().into_iter().enumerate() {
            let path = dir.join(format!("print{i}.pdf"));
            word_pdf::write_pdf_printed(&pages, &path, print);
            tried += 1;
            let json = path.with_extension("json");
            let (input, output) = (path.to_str().unwrap(), json.to_str().unwrap());
            let (code, out, err) = cli::run(&["export", input, "-o", output]);
            if code != 0 {
                failed.push(format!("{name} {print:?}: export exit {code} {out}{err}"));
                continue;
            }
            if reading(&path) != want {
                failed.push(format!("{name} {print:?}: reads otherwise than upright"));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {tried} stored pages misread:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
