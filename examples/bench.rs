//! Benchmark: how many workbooks a reviewer can audit per second. Prints figures for reading,
//! recognising, recomputing and checking the shipped sample (seed 001's nine tables), and for
//! writing a family of templates. Run: `cargo run --release --example bench [ROUNDS]`.

use fiscalform::calc::{compute, Book, Mode};
use fiscalform::check::audit;
use fiscalform::form::{Catalog, Family};
use fiscalform::read::read_workbook;
use fiscalform::recognize::{recognize_workbook, Outcome};
use std::path::Path;
use std::time::{Duration, Instant};

fn time<T>(rounds: u32, mut f: impl FnMut() -> T) -> Duration {
    let start = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(f());
    }
    start.elapsed() / rounds
}

fn main() {
    let rounds: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample/2023决算-株洲.xlsx");
    let catalog = Catalog::embedded().expect("built-in definitions");

    let load = time(rounds, || Catalog::embedded().unwrap());
    let read = time(rounds, || read_workbook(&sample).unwrap());
    let wb = read_workbook(&sample).unwrap();
    let recognize = time(rounds, || recognize_workbook(&catalog, &wb));
    let forms: Vec<_> = recognize_workbook(&catalog, &wb)
        .into_iter()
        .filter_map(|o| match o {
            Outcome::Form(r) => Some((r.form, r.data)),
            Outcome::Skipped { .. } => None,
        })
        .collect();
    let book = Book::new(forms.clone());
    let calc_t = time(rounds, || compute(&book, Mode::Check, false));
    let calc = compute(&book, Mode::Check, false);
    let audit_t = time(rounds, || audit(&book, &calc));
    let whole = time(rounds, || fiscalform::report::check_file(&catalog, &sample));
    let batch: Vec<&Path> = (0..200).map(|_| sample.as_path()).collect();
    let start = Instant::now();
    let mut reported = 0;
    fiscalform::report::check_each(&catalog, &batch, None, |_, _| reported += 1);
    let batch_t = start.elapsed();
    assert_eq!(reported, batch.len());
    let dir = std::env::temp_dir().join("fiscalform-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let final_forms: Vec<_> = catalog.family(Family::Final).collect();
    let template = time(rounds.min(50), || {
        fiscalform::cli::write_template(
            &final_forms,
            Some("2023"),
            Some("某某中心"),
            &dir.join("t.xlsx"),
        )
        .unwrap()
    });

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "fiscalform benchmark, {rounds} rounds, sample = seed 001 公开01–09表 ({} forms)",
        forms.len()
    );
    println!("  load and validate 23 definitions  {:>8.2} ms", ms(load));
    println!("  read workbook (calamine)          {:>8.2} ms", ms(read));
    println!(
        "  recognise 9 forms                 {:>8.2} ms",
        ms(recognize)
    );
    println!(
        "  recompute derived cells           {:>8.2} ms  ({} cells)",
        ms(calc_t),
        calc.derived.len()
    );
    println!(
        "  audit (checks)                    {:>8.2} ms",
        ms(audit_t)
    );
    println!(
        "  check one file end to end         {:>8.2} ms  → {:.0} workbooks/s on one core",
        ms(whole),
        1000.0 / ms(whole)
    );
    println!(
        "  check a batch of {} files          {:>8.2} ms  → {:.0} workbooks/s on all cores",
        batch.len(),
        ms(batch_t),
        batch.len() as f64 / batch_t.as_secs_f64()
    );
    println!(
        "  write final-family template       {:>8.2} ms",
        ms(template)
    );
}
