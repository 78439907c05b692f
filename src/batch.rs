//! Many files at once: the paths a command is given (files, folders searched recursively, glob
//! patterns expanded here so they work from Windows' cmd too), worked on every core with the
//! results handed back in the order given, and a progress bar on a terminal.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Which files a folder contributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Every workbook or document the readers take.
    Forms,
    /// Those, without the `-已校正.xlsx` and `-报送版.xlsx` files a previous fix wrote beside
    /// its inputs (fixing a folder twice must not fix its own copies again).
    FormsToFix,
}

/// The suffix fix gives the workbook it writes beside its input.
pub const FIXED_SUFFIX: &str = "-已校正";

/// The suffix `fix --clean` gives the copy to submit: another name than the reviewed copy's,
/// so that writing one never replaces the other.
pub const CLEAN_SUFFIX: &str = "-报送版";

/// The name `stem` had before fix named its copy (`决算-已校正` → `决算`), or `None` for a
/// name fix did not write.
pub fn original_stem(stem: &str) -> Option<&str> {
    [FIXED_SUFFIX, CLEAN_SUFFIX]
        .iter()
        .find_map(|suffix| stem.strip_suffix(suffix))
}

/// The files named by `args`, in order: a folder gives its forms (recursively, sorted by path,
/// hidden files and Excel's `~$` lock files left out), a pattern the files it matches, and
/// anything else (a file, `-`, a path that does not exist) itself, so that the reader reports
/// it. A file named twice is read twice, as asked.
pub fn expand(args: &[PathBuf], found: Found) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for arg in args {
        if arg.is_dir() {
            let before = files.len();
            walk(arg, found, &mut files).map_err(|e| folder_unreadable(arg, &e))?;
            if files.len() == before {
                return Err(no_forms_in(arg));
            }
        } else if !arg.exists() && is_pattern(arg) {
            let before = files.len();
            for p in matches(arg)? {
                if p.is_dir() {
                    walk(&p, found, &mut files).map_err(|e| folder_unreadable(&p, &e))?;
                } else if is_form_file(&p, found) {
                    files.push(p);
                }
            }
            if files.len() == before {
                return Err(format!(
                    "没有文件与“{}”匹配：请检查文件夹和文件名（可用 * 代表任意字符，如 批次/*.xlsx）",
                    arg.display()
                ));
            }
        } else {
            files.push(arg.clone());
        }
    }
    Ok(files)
}

/// `files` split into those to review and the `-已校正` / `-报送版` copies whose original (the
/// same name without the suffix — or without the unit's name too, for the copy of one unit
/// of several — any extension) is among them in the same folder: a folder
/// fixed in place and then reviewed holds each unit twice, and the unit is its original. A
/// corrected copy alone stays (the unit sent only that).
pub fn without_fixed_copies(files: Vec<PathBuf>) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().into_owned());
    let present: std::collections::HashSet<(Option<&Path>, String)> = (files.iter())
        .filter_map(|p| Some((p.parent(), stem(p)?)))
        .collect();
    let original_beside = |p: &Path| {
        let name = stem(p)?;
        let original = original_stem(&name)?;
        let beside =
            unit_free_stems(original).any(|o| present.contains(&(p.parent(), o.to_string())));
        Some(beside)
    };
    let (copies, kept): (Vec<PathBuf>, Vec<PathBuf>) =
        (files.iter().cloned()).partition(|p| original_beside(p) == Some(true));
    (kept, copies)
}

/// The names a fixed copy's original may have had: the copy's own (`决算-已校正` of `决算`),
/// and, for the copy of one unit of a workbook holding several (`决算-甲单位-已校正`), each
/// name before one of its dashes, since the unit's name may itself hold one.
fn unit_free_stems(stem: &str) -> impl Iterator<Item = &str> {
    let cuts = stem.match_indices('-').map(|(i, _)| &stem[..i]);
    std::iter::once(stem).chain(cuts)
}

/// Whether `args` name one file (existing or not, as [`expand`] would pass it through), not
/// a folder, a pattern or several: a command then writes where `-o` says, as for one file.
pub fn one_file(args: &[PathBuf]) -> bool {
    match args {
        [arg] => !arg.is_dir() && (arg.exists() || !is_pattern(arg)),
        _ => false,
    }
}

/// Whether `p` holds a wildcard (`*`, `?`, `[…]`) for [`expand`] to match.
pub fn is_pattern(p: &Path) -> bool {
    p.to_string_lossy().contains(['*', '?', '['])
}

fn matches(pattern: &Path) -> Result<Vec<PathBuf>, String> {
    let text = pattern.to_string_lossy();
    let options = glob::MatchOptions {
        case_sensitive: !cfg!(windows),
        require_literal_separator: true,
        require_literal_leading_dot: true,
    };
    let paths = glob::glob_with(&text, options)
        .map_err(|e| format!("“{text}”不是有效的文件名模式（{}）", e.msg))?;
    // An entry the pattern reaches but cannot list is left out, as a shell would.
    let mut found: Vec<PathBuf> = paths.filter_map(Result::ok).collect();
    found.sort();
    Ok(found)
}

fn walk(dir: &Path, found: Found, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if is_hidden(&path) {
            continue;
        }
        // A link to a folder is not followed: it could lead back up the tree.
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&path, found, files)?;
        } else if is_form_file(&path, found) {
            files.push(path);
        }
    }
    Ok(())
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(['.', '~']))
}

fn is_form_file(p: &Path, found: Found) -> bool {
    let ext = p
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let fixed_copy = p
        .file_stem()
        .is_some_and(|s| original_stem(&s.to_string_lossy()).is_some());
    !is_hidden(p)
        && crate::read::is_supported_extension(&ext)
        && !(found == Found::FormsToFix && fixed_copy)
}

fn folder_unreadable(dir: &Path, e: &std::io::Error) -> String {
    format!(
        "无法读取文件夹 {}：{}",
        dir.display(),
        crate::files::describe_io(e)
    )
}

fn no_forms_in(dir: &Path) -> String {
    format!(
        "文件夹 {} 中没有可读取的表格（{}）",
        dir.display(),
        crate::read::SUPPORTED_EXTENSIONS
            .map(|e| format!(".{e}"))
            .join("、")
    )
}

/// Runs `work` on every item on every core and hands each result to `emit` in the order of
/// `items`, as soon as it and the ones before it are ready: a batch of thousands holds only the
/// results still waiting for a slower one before them.
pub fn each_in_order<I: Sync, T: Send>(
    items: &[I],
    work: impl Fn(&I) -> T + Sync,
    mut emit: impl FnMut(usize, T),
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, T)>();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, work) = (&next, &work);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                if tx.send((i, work(item))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut waiting = std::collections::BTreeMap::new();
        let mut due = 0;
        for (i, result) in rx {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&due) {
                emit(due, result);
                due += 1;
            }
        }
    });
}

/// `work` on the file at `path`, with a failure of ours (a panic: a bug) turned into that
/// file's "could not run" message, so the other files of a batch keep theirs.
pub fn guarded<T>(path: &Path, work: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    let run = std::panic::AssertUnwindSafe(work);
    std::panic::catch_unwind(run).unwrap_or_else(|panic| {
        let detail = crate::read::panic_message(panic.as_ref());
        Err(format!(
            "处理此文件时程序内部出错（{detail}），未能完成；其他文件不受影响。请将此文件反馈给维护者。\n\
             Internal error while processing {}: {detail}",
            path.display()
        ))
    })
}

/// A batch's progress bar on stderr: drawn only on a terminal, and only once the batch has
/// run for a second (a short batch shows nothing). Output printed through [`Progress::print`]
/// does not tear the bar.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    started: Instant,
    shown: bool,
}

/// How long a batch runs before its bar appears.
const QUIET_FOR: Duration = Duration::from_secs(1);

impl Progress {
    /// A bar for `total` files; `wanted` false (tests, a pipe) gives one that never draws.
    pub fn new(total: usize, wanted: bool) -> Progress {
        use std::io::IsTerminal;
        let bar = (wanted && total > 1 && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(total as u64),
                indicatif::ProgressDrawTarget::hidden(),
            );
            let style = indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} 个文件  已用 {elapsed}  约剩 {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
            shown: false,
        }
    }

    /// Runs `print` (which writes a finished file's report) with the bar out of the way, then
    /// counts the file.
    pub fn print(&mut self, print: impl FnOnce()) {
        let Some(bar) = &self.bar else {
            return print();
        };
        if !self.shown && self.started.elapsed() >= QUIET_FOR {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.shown = true;
        }
        bar.suspend(print);
        bar.inc(1);
    }

    /// Removes the bar before the closing lines.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
