//! Benchmark of a reviewer's batch: `check` and `review` of 10, 100 and 1,000 workbooks (copies
//! of the shipped sample, seed 001's nine tables), each size in a fresh process, printing files
//! per second and the process's peak memory — which must stay flat in the number of files.
//! Run: `cargo run --release --example batch_bench [SIZES…]` (Linux: memory from /proc).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample/2023决算-株洲.xlsx")
}

/// A folder of `n` copies of the sample, made once.
fn folder(n: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fiscalform-batch-bench-{n}"));
    if dir.join(format!("单位{:04}.xlsx", n - 1)).exists() {
        return dir;
    }
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..n {
        std::fs::copy(sample(), dir.join(format!("单位{i:04}.xlsx"))).unwrap();
    }
    dir
}

/// The child: one `check` or `review` of `n` files in this process, then its wall time and
/// peak resident memory.
pub fn child(command: &str, n: usize) {
    let dir = folder(n);
    let out = std::env::temp_dir().join(format!("fiscalform-batch-bench-{n}.xlsx"));
    let start = Instant::now();
    let (mut o, mut e) = (std::io::sink(), Vec::new());
    let mut args = vec!["fiscalform", command, dir.to_str().unwrap()];
    if command == "review" {
        args.extend(["-o", out.to_str().unwrap()]);
    }
    let code = fiscalform::cli::run(args, &mut o, &mut e);
    assert!(code <= 1, "{}", String::from_utf8_lossy(&e));
    let secs = start.elapsed().as_secs_f64();
    println!("{n} {secs} {}", peak_kib());
}

/// VmHWM of /proc/self/status, in KiB (0 where there is no /proc).
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Runs each command over each size in a child process of this program and prints a line each.
pub fn table(commands: &[&str], sizes: &[usize]) {
    println!("batches: copies of the sample (9 tables each), one process per command and size");
    println!(
        "{:>7}  {:>7}  {:>9}  {:>9}  {:>11}",
        "command", "files", "seconds", "files/s", "peak memory"
    );
    for command in commands {
        for &n in sizes {
            folder(n);
            let me = std::env::current_exe().unwrap();
            let output = Command::new(me)
                .args(["--child", command, &n.to_string()])
                .output()
                .unwrap();
            let line = String::from_utf8_lossy(&output.stdout);
            let parts: Vec<f64> = line
                .split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect();
            let [_, secs, kib] = parts[..] else {
                panic!("child failed: {}", String::from_utf8_lossy(&output.stderr));
            };
            println!(
                "{command:>7}  {n:>7}  {secs:>9.2}  {:>9.0}  {:>8.1} MB",
                n as f64 / secs,
                kib / 1024.0
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        return child(&args[2], args[3].parse().unwrap());
    }
    let sizes: Vec<usize> = if args.len() > 1 {
        args[1..].iter().map(|a| a.parse().unwrap()).collect()
    } else {
        vec![10, 100, 1000]
    };
    table(&["check", "review"], &sizes);
}
