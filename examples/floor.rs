//! The floor a `fix` is measured against: reads a workbook with calamine and writes the same
//! cells and merges with rust_xlsxwriter, nothing else (no recognition, sums or audit).
//! Run: `cargo run --release --example floor IN.xlsx OUT.xlsx`.

use calamine::{open_workbook, Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = &args[..] else {
        eprintln!("usage: floor IN.xlsx OUT.xlsx");
        std::process::exit(2);
    };
    let mut book: Xlsx<_> = open_workbook(input).expect("a readable .xlsx");
    let mut out = Workbook::new();
    let plain = Format::new();
    for name in book.sheet_names() {
        let sheet = out.add_worksheet();
        sheet.set_name(&name).expect("a valid sheet name");
        for m in book
            .merge_cells_by_sheet_name(&name)
            .expect("merged regions")
        {
            let (r1, c1, r2, c2) = (m.start.0, m.start.1 as u16, m.end.0, m.end.1 as u16);
            if (r1, c1) != (r2, c2) {
                sheet
                    .merge_range(r1, c1, r2, c2, "", &plain)
                    .expect("merge");
            }
        }
        let range = book.worksheet_range(&name).expect("a worksheet");
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, v) in range.used_cells() {
            let (r, c) = (r0 + r as u32, (c0 + c as u32) as u16);
            match v {
                Data::Float(f) => sheet.write_number(r, c, *f).map(|_| ()),
                Data::Int(i) => sheet.write_number(r, c, *i as f64).map(|_| ()),
                Data::String(s) => sheet.write_string(r, c, s).map(|_| ()),
                Data::Bool(b) => sheet.write_boolean(r, c, *b).map(|_| ()),
                _ => Ok(()),
            }
            .expect("a cell within the sheet");
        }
    }
    out.save(output).expect("the output written");
}
