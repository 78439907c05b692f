//! Benchmark of large tables against the floor (`examples/floor.rs`: read with calamine, write
//! the same cells and merges with rust_xlsxwriter, nothing else). Generates, once, workbooks of
//! 公开02表 and 公开03表 with about 100, 1,000, 10,000 and 50,000 科目 rows each, then runs the
//! floor, `check`, `fix`, `export` and `import` on each in turn (paired runs: one round runs all
//! of them back to back, so a busy moment of a shared machine hits them alike) and prints
//! medians of CPU seconds (of the whole process), their ratios to the floor, the growth from one
//! size to the next; then the growth from 1,000 to 10,000 rows of the tables in the shapes that
//! take other paths (no codes, a finding on every row, a second unit to merge), and the batch
//! benchmark (`examples/batch_bench.rs`).
//! Run: `cargo build --release --examples && target/release/examples/scale_bench [ROUNDS]`.

#[path = "batch_bench.rs"]
#[allow(dead_code)]
mod batch_bench;
#[path = "../tests/support/large_tables.rs"]
mod large_tables;

use large_tables::Shape;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// 科目 rows in target: the tables hold 类 × (1 + 款 × (1 + 10 项)) rows.
const SIZES: [(u32, u32); 4] = [(1, 9), (10, 9), (100, 9), (100, 45)];

/// The workbook of one size, made once in the temporary folder; with its 科目 rows per table.
fn workbook(dir: &Path, size: (u32, u32)) -> (PathBuf, usize) {
    shaped(dir, size, Shape::Coded)
}

/// [`workbook`] in another shape.
fn shaped(dir: &Path, (classes, groups): (u32, u32), shape: Shape) -> (PathBuf, usize) {
    let rows = large_tables::subjects(classes, groups).len();
    let name = match shape {
        Shape::Coded => format!("公开02-03表-{rows}行.xlsx"),
        other => format!("公开02-03表-{rows}行-{other:?}.xlsx"),
    };
    let path = dir.join(name);
    if !path.exists() {
        large_tables::write_shaped(&path, classes, groups, shape);
    }
    (path, rows)
}

/// Shapes of the tables that take other paths than the clean pair, each with the command
/// timed on it: growth from 1,000 to 10,000 rows shows a path that is not linear.
const SHAPES: [(&str, Shape, &str); 3] = [
    ("公开03表 without codes", Shape::Uncoded, "check"),
    ("a text in every 项 row", Shape::TextInEveryRow, "fix"),
    ("a unit with other 项", Shape::OtherItems, "merge"),
];

/// The median CPU seconds of `command` on the tables in `shape` at each of `sizes`.
fn shape_times(bin: &Path, dir: &Path, shape: Shape, command: &str, n: u32) -> Vec<f64> {
    let out = dir.join("out.xlsx");
    [SIZES[1], SIZES[2]]
        .into_iter()
        .map(|size| {
            let (input, _) = shaped(dir, size, shape);
            let (clean, _) = workbook(dir, size);
            let cmd = Path::new(command);
            let args: Vec<&Path> = match command {
                "check" => vec![cmd, &input],
                "merge" => vec![cmd, &clean, &input, Path::new("-o"), &out],
                _ => vec![cmd, &input, Path::new("-o"), &out],
            };
            let times = (0..n)
                .map(|_| {
                    let _ = std::fs::remove_file(&out);
                    run(bin, &args).0
                })
                .collect();
            median(times)
        })
        .collect()
}

/// CPU seconds (user and system) of the waited-for children so far, to the microsecond.
fn children_cpu() -> f64 {
    // SAFETY: getrusage only writes the zeroed struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// Runs `program args`, returning (CPU seconds, wall seconds).
fn run(program: &Path, args: &[&Path]) -> (f64, f64) {
    let (cpu, start) = (children_cpu(), Instant::now());
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the program runs");
    assert!(
        status.code().is_some_and(|c| c <= 1),
        "{program:?} {args:?} failed"
    );
    (children_cpu() - cpu, start.elapsed().as_secs_f64())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

const WORKS: [&str; 5] = ["floor", "check", "fix", "export", "import"];

/// The timings of every work at one size, round after round: `[work][round] = (cpu, wall)`.
fn rounds(bin: &Path, floor: &Path, input: &Path, dir: &Path, n: u32) -> Vec<Vec<(f64, f64)>> {
    let out = dir.join("out.xlsx");
    let json = dir.join("out.json");
    let mut t = vec![Vec::new(); WORKS.len()];
    for _ in 0..n {
        let _ = std::fs::remove_file(&out);
        t[0].push(run(floor, &[input, &out]));
        t[1].push(run(bin, &[Path::new("check"), input]));
        let _ = std::fs::remove_file(&out);
        t[2].push(run(bin, &[Path::new("fix"), input, Path::new("-o"), &out]));
        t[3].push(run(
            bin,
            &[Path::new("export"), input, Path::new("-o"), &json],
        ));
        let _ = std::fs::remove_file(&out);
        t[4].push(run(
            bin,
            &[Path::new("import"), &json, Path::new("-o"), &out],
        ));
    }
    t
}

/// The median over the rounds of work `w`'s CPU seconds divided by the floor's of the round.
fn paired_ratio(t: &[Vec<(f64, f64)>], w: usize) -> f64 {
    let r = t[w].iter().zip(&t[0]).map(|(a, f)| a.0 / f.0.max(1e-6));
    median(r.collect())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        return batch_bench::child(&args[2], args[3].parse().unwrap());
    }
    let rounds_asked: Option<u32> = args.get(1).and_then(|a| a.parse().ok());
    let me = std::env::current_exe().unwrap();
    let examples = me.parent().unwrap();
    let floor = examples.join("floor");
    let bin = examples.parent().unwrap().join("fiscalform");
    assert!(
        floor.exists() && bin.exists(),
        "build first: cargo build --release --examples"
    );
    let dir = std::env::temp_dir().join("fiscalform-scale-bench");
    std::fs::create_dir_all(&dir).unwrap();
    println!(
        "CPU seconds of the whole process, medians of paired rounds; × = paired ratio to the floor"
    );
    println!(
        "{:>7} {:>6}  {:>7} {:>7} {:>6}  {:>7} {:>6}  {:>7} {:>7}  {:>10}",
        "rows", "rounds", "floor", "check", "×", "fix", "×", "export", "import", "fix wall"
    );
    let mut medians: Vec<(usize, Vec<f64>)> = Vec::new();
    for size in SIZES {
        let (input, rows) = workbook(&dir, size);
        let n = rounds_asked.unwrap_or(if rows > 20_000 { 3 } else { 7 });
        let t = rounds(&bin, &floor, &input, &dir, n);
        let cpu: Vec<f64> = t
            .iter()
            .map(|w| median(w.iter().map(|x| x.0).collect()))
            .collect();
        let fix_wall = median(t[2].iter().map(|x| x.1).collect());
        println!(
            "{rows:>7} {n:>6}  {:>7.4} {:>7.4} {:>5.1}×  {:>7.4} {:>5.1}×  {:>7.4} {:>7.4}  {fix_wall:>9.3}s",
            cpu[0],
            cpu[1],
            paired_ratio(&t, 1),
            cpu[2],
            paired_ratio(&t, 2),
            cpu[3],
            cpu[4]
        );
        medians.push((rows, cpu));
    }
    println!("growth from one size to the next (time ratio for the rows ratio):");
    for w in medians.windows(2) {
        let ((a, ta), (b, tb)) = (&w[0], &w[1]);
        let grow = |i: usize| tb[i] / ta[i].max(1e-6);
        let line: Vec<String> = (0..WORKS.len())
            .map(|i| format!("{} {:.1}×", WORKS[i], grow(i)))
            .collect();
        println!(
            "  {a} → {b} rows ({:.0}×): {}",
            *b as f64 / *a as f64,
            line.join(", ")
        );
    }
    println!();
    println!("other shapes of the tables: CPU seconds at 1,000 and 10,000 科目 rows, growth");
    for (what, shape, command) in SHAPES {
        let t = shape_times(&bin, &dir, shape, command, rounds_asked.unwrap_or(5));
        println!(
            "  {command:<6} {what:<24} {:>7.4} {:>7.4} {:>6.1}×",
            t[0],
            t[1],
            t[1] / t[0].max(1e-6)
        );
    }
    println!();
    batch_bench::table(&["check", "review"], &[10, 100, 1000]);
}
