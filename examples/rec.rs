//! Debug helper: prints what recognition reads from one sheet.
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let cat = fiscalform::form::Catalog::embedded().unwrap();
    let wb = fiscalform::read::read_workbook(std::path::Path::new(&a[1])).unwrap();
    let s = wb.sheet(&a[2]).unwrap();
    let f = fiscalform::recognize::identify(&cat, s).unwrap();
    let r = fiscalform::recognize::recognize_sheet(f, s);
    println!(
        "{:?}\n{:?}\n{:?}",
        r.data.grid,
        r.data.origin,
        r.data.strays.len()
    );
}
