//! The command line: argument parsing and the commands, runnable in-process for tests. The
//! exit code is decided at the end from what happened: 0 clean, 1 findings of severity
//! error, 2 could not run.

use crate::calc::{blank_data, compute, Book, Mode};
use crate::form::{Catalog, Family, Form};
use crate::write::{build, save_atomic, WriteOptions};
use clap::{Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "fiscalform",
    version,
    about = "部门预算公开、部门决算公开与绩效自评报表：生成空白模板、审核、校正",
    long_about = "fiscalform — 湖南财政部门标准报表工具（部门预算公开、部门决算公开 公开01–09表、绩效自评）。\n生成空白官方模板，读取已填报的工作簿，重新计算所有合计、余额、执行率与得分，表内表间审核，并写回带公式的工作簿。"
)]
pub struct Cli {
    /// Read form definitions from this folder instead of the built-in ones.
    #[arg(long, global = true, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List every form: id, 表号, title, family.
    Forms,
    /// Write blank official templates with live formulas.
    Template {
        /// Form ids (e.g. final-01 budget-09); all forms of --family when omitted.
        ids: Vec<String>,
        #[arg(long, value_enum)]
        family: Option<FamilyArg>,
        /// Year shown in titles (e.g. 2023).
        #[arg(long)]
        year: Option<String>,
        /// Department or unit name (部门).
        #[arg(long)]
        unit: Option<String>,
        /// Output .xlsx file.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Audit filled workbooks (.xlsx, .xls, .ods) or published tables (.pdf, .docx): every derived cell, every check.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    /// Write a corrected workbook: template layout, every derived cell recomputed as a live
    /// formula, changes highlighted with notes, a first sheet 审核结果 listing every finding.
    Fix {
        input: PathBuf,
        /// Output .xlsx file (never the input itself).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Export every form's logical cells to JSON (one file) or CSV (one file per form).
    Export {
        input: PathBuf,
        #[arg(long, value_enum, default_value = "json")]
        format: ExportFormat,
        /// Output .json file, or the folder for the CSV files.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Build a workbook from an exported JSON file, as fix would.
    Import {
        input: PathBuf,
        /// Output .xlsx file.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Show how 评（扣）分标准 texts are understood: a quoted rule text, or a workbook
    /// (.xlsx, .xls, .ods, .pdf, .docx) for every indicator of its performance forms.
    Rules {
        /// A rule text ("90%（含）以上计10分；…") or workbook files.
        #[arg(required = true, value_name = "TEXT|FILE")]
        inputs: Vec<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Csv,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum FamilyArg {
    Final,
    Budget,
    Perf,
}

impl From<FamilyArg> for Family {
    fn from(f: FamilyArg) -> Family {
        match f {
            FamilyArg::Final => Family::Final,
            FamilyArg::Budget => Family::Budget,
            FamilyArg::Perf => Family::Perf,
        }
    }
}

/// Run the program with these arguments; returns the exit code.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = if e.use_stderr() {
                write!(err, "{e}")
            } else {
                write!(out, "{e}")
            };
            return code;
        }
    };
    let catalog = match &cli.templates {
        Some(dir) => Catalog::from_dir(dir),
        None => Catalog::embedded(),
    };
    let catalog = match catalog {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return 2;
        }
    };
    match cli.command {
        Command::Forms => {
            for f in &catalog.forms {
                let _ = writeln!(
                    out,
                    "{:<13} {:<10} {:<28} {}",
                    f.id,
                    f.table_no,
                    f.plain_title(),
                    f.family.as_str()
                );
            }
            0
        }
        Command::Template {
            ids,
            family,
            year,
            unit,
            output,
        } => {
            let forms = match select_forms(&catalog, &ids, family.map(Family::from)) {
                Ok(f) => f,
                Err(m) => {
                    let _ = writeln!(err, "{m}");
                    return 2;
                }
            };
            match write_template(&forms, year.as_deref(), unit.as_deref(), &output) {
                Ok(()) => {
                    let _ = writeln!(
                        out,
                        "已生成 {}：{} 张表（{}）",
                        output.display(),
                        forms.len(),
                        forms
                            .iter()
                            .map(|f| f.table_no.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    );
                    0
                }
                Err(m) => {
                    let _ = writeln!(err, "{m}");
                    2
                }
            }
        }
        Command::Check { files, format } => {
            let reports: Vec<_> = files
                .iter()
                .map(|f| crate::report::check_file(&catalog, f))
                .collect();
            let text = match format {
                OutputFormat::Text => crate::report::render_text(&reports),
                OutputFormat::Json => crate::report::render_json(&reports),
            };
            let _ = write!(out, "{text}");
            if format == OutputFormat::Json {
                let _ = writeln!(out);
            }
            for r in &reports {
                if let Some(e) = &r.error {
                    let _ = writeln!(err, "{e}");
                }
            }
            crate::report::exit_code(&reports)
        }
        Command::Rules { inputs, format } => rules(&catalog, &inputs, format, out, err),
        Command::Fix { input, output } => {
            let run = || -> Result<crate::fix::Fixed, String> {
                refuse_same(&input, &output)?;
                refuse_not_xlsx(&output)?;
                let content = crate::fix::load(&catalog, &input)?;
                write_fixed(content, &output)
            };
            finish_fixed(run(), &output, out, err)
        }
        Command::Import { input, output } => {
            let run = || -> Result<crate::fix::Fixed, String> {
                refuse_same(&input, &output)?;
                refuse_not_xlsx(&output)?;
                let text = std::fs::read_to_string(&input)
                    .map_err(|e| format!("无法读取 {}：{e}", input.display()))?;
                let content =
                    crate::interchange::from_json(&catalog, &text, &input.display().to_string())
                        .map_err(|e| format!("{} 不符合表的定义，未导入。{e}", input.display()))?;
                write_fixed(content, &output)
            };
            finish_fixed(run(), &output, out, err)
        }
        Command::Export {
            input,
            format,
            output,
        } => {
            let run = || -> Result<String, String> {
                refuse_same(&input, &output)?;
                let content = crate::fix::load(&catalog, &input)?;
                match format {
                    ExportFormat::Json => {
                        let text = crate::interchange::to_json(&content);
                        crate::write::write_atomic(&output, |f| f.write_all(text.as_bytes()))
                            .map_err(|e| e.to_string())?;
                        Ok(format!(
                            "已导出 {}：{} 张表",
                            output.display(),
                            content.forms.len()
                        ))
                    }
                    ExportFormat::Csv => {
                        std::fs::create_dir_all(&output)
                            .map_err(|e| format!("无法创建目录 {}：{e}", output.display()))?;
                        let files = crate::interchange::to_csv(&content);
                        for (name, text) in &files {
                            let path = output.join(name);
                            refuse_same(&input, &path)?;
                            crate::write::write_atomic(&path, |f| f.write_all(text.as_bytes()))
                                .map_err(|e| e.to_string())?;
                        }
                        Ok(format!(
                            "已导出到 {}：{} 个 CSV 文件（{}）",
                            output.display(),
                            files.len(),
                            files
                                .iter()
                                .map(|(n, _)| n.as_str())
                                .collect::<Vec<_>>()
                                .join("、")
                        ))
                    }
                }
            };
            match run() {
                Ok(msg) => {
                    let _ = writeln!(out, "{msg}");
                    0
                }
                Err(m) => {
                    let _ = writeln!(err, "{m}");
                    2
                }
            }
        }
    }
}

/// True when both paths name the same file (also through links or `..`).
pub fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let canon = |p: &std::path::Path| -> Option<PathBuf> {
        if let Ok(c) = p.canonicalize() {
            return Some(c);
        }
        let parent = p.parent().filter(|x| !x.as_os_str().is_empty());
        let dir = parent
            .unwrap_or(std::path::Path::new("."))
            .canonicalize()
            .ok()?;
        Some(dir.join(p.file_name()?))
    };
    match (canon(a), canon(b)) {
        (Some(x), Some(y)) if x == y => true,
        _ => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
                    return x.dev() == y.dev() && x.ino() == y.ino();
                }
            }
            false
        }
    }
}

fn refuse_same(input: &std::path::Path, output: &std::path::Path) -> Result<(), String> {
    if same_file(input, output) {
        return Err(format!(
            "输出文件 {} 就是输入文件：不会覆盖原表。请用 -o 指定另一个文件名，如 {}",
            output.display(),
            suggested_output(input).display()
        ));
    }
    Ok(())
}

fn suggested_output(input: &std::path::Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "工作簿".into());
    input.with_file_name(format!("{stem}-已校正.xlsx"))
}

fn refuse_not_xlsx(output: &std::path::Path) -> Result<(), String> {
    let ext = output
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ext != "xlsx" {
        return Err(format!(
            "输出文件 {} 应以 .xlsx 结尾（写出的是 Excel 2007 及以后的工作簿）",
            output.display()
        ));
    }
    Ok(())
}

fn write_fixed(
    content: crate::fix::Content,
    output: &std::path::Path,
) -> Result<crate::fix::Fixed, String> {
    let mut fixed = crate::fix::fix(content).map_err(|e| e.to_string())?;
    save_atomic(&mut fixed.workbook, output).map_err(|e| e.to_string())?;
    Ok(fixed)
}

/// Summary line of fix and import; exit 0 when nothing is left for a person, 1 when errors
/// remain that fix must not resolve by itself, 2 when nothing was written.
fn finish_fixed(
    result: Result<crate::fix::Fixed, String>,
    output: &std::path::Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    match result {
        Ok(fixed) => {
            let (e, w, i) = fixed.open_counts();
            let _ = writeln!(
                out,
                "已生成 {}：{} 张表（{}）；重新计算后改动 {} 个单元格；仍需人工核对：错误 {e} 条，警告 {w} 条，提示 {i} 条（见工作表“{}”）",
                output.display(),
                fixed.forms.len(),
                fixed.forms.join("、"),
                fixed.changes.len(),
                crate::fix::AUDIT_SHEET
            );
            for c in &fixed.changes {
                let _ = writeln!(out, "  校正  {}!{}  {}", c.at.0, c.at.1, c.note);
            }
            if e > 0 {
                1
            } else {
                0
            }
        }
        Err(m) => {
            let _ = writeln!(err, "{m}");
            2
        }
    }
}

/// A workbook path (existing, or named like one) rather than a rule text.
fn is_workbook_arg(s: &str) -> bool {
    let p = std::path::Path::new(s);
    let ext = p
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    p.is_file()
        || matches!(
            ext.as_str(),
            "xlsx" | "xlsm" | "xls" | "ods" | "pdf" | "docx"
        )
}

fn rules(
    catalog: &Catalog,
    inputs: &[String],
    format: OutputFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    use crate::score::describe;
    let (files, texts): (Vec<&String>, Vec<&String>) =
        inputs.iter().partition(|s| is_workbook_arg(s));
    if !files.is_empty() && !texts.is_empty() {
        let _ = writeln!(
            err,
            "请只给出评（扣）分标准文字，或只给出工作簿文件；不要混用（文字：{}）",
            texts
                .iter()
                .map(|t| format!("“{t}”"))
                .collect::<Vec<_>>()
                .join("、")
        );
        return 2;
    }
    if files.is_empty() {
        match format {
            OutputFormat::Text => {
                for t in texts {
                    let _ = write!(out, "{}", describe::describe_text(t));
                }
            }
            OutputFormat::Json => {
                let texts: Vec<&str> = texts.iter().map(|t| t.as_str()).collect();
                let _ = writeln!(out, "{}", describe::describe_texts_json(&texts));
            }
        }
        return 0;
    }
    let reports: Vec<_> = files
        .iter()
        .map(|f| describe::describe_file(catalog, std::path::Path::new(f.as_str())))
        .collect();
    let text = match format {
        OutputFormat::Text => describe::render_text(&reports, catalog),
        OutputFormat::Json => describe::render_json(&reports) + "\n",
    };
    let _ = write!(out, "{text}");
    let mut code = 0;
    for r in &reports {
        if let Some(e) = &r.error {
            let _ = writeln!(err, "{e}");
            code = 2;
        }
    }
    code
}

fn select_forms<'c>(
    catalog: &'c Catalog,
    ids: &[String],
    family: Option<Family>,
) -> Result<Vec<&'c Form>, String> {
    let mut forms: Vec<&Form> = Vec::new();
    for id in ids {
        match catalog.get(id) {
            Some(f) => forms.push(f),
            None => {
                return Err(format!(
                    "没有 id 为“{id}”的表。可用的表：{}（fiscalform forms 列出全部）",
                    catalog.ids()
                ))
            }
        }
    }
    if let Some(fam) = family {
        if ids.is_empty() {
            forms.extend(catalog.family(fam));
        } else {
            forms.retain(|f| f.family == fam);
        }
    }
    if forms.is_empty() {
        return Err(
            "请指定要生成的表：给出表 id（如 final-01），或用 --family final|budget|perf".into(),
        );
    }
    Ok(forms)
}

/// Blank workbook of the given forms.
pub fn write_template(
    forms: &[&Form],
    year: Option<&str>,
    unit: Option<&str>,
    output: &std::path::Path,
) -> Result<(), String> {
    let book = Book::new(
        forms
            .iter()
            .map(|f| (*f, blank_data(f, unit, year, true)))
            .collect(),
    );
    let calc = compute(&book, Mode::Fix, true);
    let mut wb = build(&book, &calc, &WriteOptions::default()).map_err(|e| e.to_string())?;
    save_atomic(&mut wb, output).map_err(|e| e.to_string())
}
