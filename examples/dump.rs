//! Debug helper: prints the non-empty cells and merges of one sheet of a workbook.
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let wb = fiscalform::read::read_workbook(std::path::Path::new(&a[1])).unwrap();
    let s = wb.sheet(&a[2]).unwrap();
    let max: u32 = a.get(3).and_then(|x| x.parse().ok()).unwrap_or(40);
    for r in 0..s.height().min(max) {
        let row: Vec<String> = (0..s.width())
            .filter(|&c| !s.get(r, c).is_empty())
            .map(|c| format!("{}={}", fiscalform::normalize::a1(r, c), s.get(r, c)))
            .collect();
        if !row.is_empty() {
            println!("{}", row.join(" | "));
        }
    }
    println!(
        "{:?}",
        s.merges.iter().map(|m| m.to_string()).collect::<Vec<_>>()
    );
}
