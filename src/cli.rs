//! The command line: argument parsing and the commands, runnable in-process for tests. The
//! exit code is decided at the end from what happened: 0 clean, 1 findings of severity
//! error, 2 could not run.

mod usage;

use crate::calc::{blank_data, compute, Book, Mode};
use crate::files::describe_io;
use crate::fix::FixedCopy;
use crate::form::{Catalog, Family, Form, Severity};
use crate::write::{build, save_atomic, WriteOptions};
use clap::{Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

/// Help layout with Chinese headings (clap's own are English).
const HELP_TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

#[derive(Parser, Debug)]
#[command(
    name = "fiscalform",
    version,
    about = "部门预算公开、部门决算公开与绩效自评报表：生成空白模板、审核、校正",
    long_about = "fiscalform — 湖南财政部门标准报表工具（部门预算公开、部门决算公开 公开01–09表、绩效自评）。\n生成空白官方模板，读取已填报的工作簿，重新计算所有合计、余额、执行率与得分，表内表间审核，并写回带公式的工作簿。",
    help_template = HELP_TEMPLATE,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = "常用流程：\n  fiscalform template --family final -o 2024决算.xlsx     生成空白模板\n  fiscalform check 2024决算.xlsx                          审核\n  fiscalform fix 2024决算.xlsx                            校正，写出 2024决算-已校正.xlsx\n\n退出码：0 无错误；1 有错误级别的审核结果（或校正后仍需人工核对）；2 无法运行（文件无法读取、参数有误等）。"
)]
pub struct Cli {
    /// 从此目录读取表格定义，代替内置定义
    #[arg(long, global = true, value_name = "目录")]
    pub templates: Option<PathBuf>,
    /// 显示帮助
    #[arg(short = 'h', long, global = true, action = clap::ArgAction::Help)]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long, action = clap::ArgAction::Version)]
    version: Option<bool>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 列出所有表：id、表号、标题、类别
    #[command(after_help = "示例：\n  fiscalform forms\n\n退出码：0 成功；2 表格定义有误。")]
    Forms,
    /// 生成空白官方模板：每张表一个工作表，公式实时计算，派生单元格锁定
    #[command(
        after_help = "示例：\n  fiscalform template --family final --year 2024 --unit 某某局 -o 2024决算.xlsx\n  fiscalform template final-01 final-02 -o 收支表.xlsx\n\n退出码：0 已生成；2 未生成（表 id 有误、无法写入等）。"
    )]
    Template {
        /// 表 id（如 final-01 budget-09）；省略时生成 --family 的全部表
        #[arg(value_name = "表ID")]
        ids: Vec<String>,
        /// 表的类别：final 决算公开，budget 预算公开，perf 绩效自评
        #[arg(long, value_enum, value_name = "类别")]
        family: Option<FamilyArg>,
        /// 标题中的年度（如 2024）
        #[arg(long, value_name = "年度", value_parser = template_year)]
        year: Option<String>,
        /// 部门或单位名称
        #[arg(long, value_name = "单位")]
        unit: Option<String>,
        /// 输出的 .xlsx 文件
        #[arg(short, long, value_name = "输出文件")]
        output: PathBuf,
    },
    /// 审核已填报的工作簿（.xlsx、.xls、.ods）或公开的表格（.pdf、.docx）：逐个派生单元格、逐条规则
    #[command(
        after_help = "示例：\n  fiscalform check 2024决算.xlsx\n  fiscalform check 单位甲.xlsx 单位乙.xlsx --format json > 审核.json\n  fiscalform check 收到的报表/ --min-severity error     文件夹（含子文件夹）中的全部报表，只列错误\n  fiscalform check \"收到的报表/*.xlsx\"                   文件名模式由本工具展开（Windows cmd 亦可）\n  cat 2024决算.xlsx | fiscalform check -\n\n退出码：0 无错误；1 有错误级别的审核结果；2 有文件无法读取。"
    )]
    Check {
        /// 要审核的工作簿；也可给出文件夹（含子文件夹）或文件名模式（如 批次/*.xlsx）；- 表示从标准输入读取
        #[arg(required = true, value_name = "文件")]
        files: Vec<PathBuf>,
        /// 输出格式：text 文字，json 供程序读取
        #[arg(long, value_enum, default_value = "text", value_name = "格式")]
        format: OutputFormat,
        /// 上年的工作簿：核对本年年初结转和结余等于上年年末，并列出变动较大（超过 10% 且 1 万元，或从无到有）的类级科目和“三公”经费
        #[arg(long, value_name = "上年文件")]
        prior: Option<PathBuf>,
        /// 文字报告只列出此级别及以上的审核结果：error 只列错误，warning 列错误和警告，info 全部列出（小结与 JSON 始终计入全部）
        #[arg(long, value_enum, default_value = "info", value_name = "级别")]
        min_severity: SeverityArg,
    },
    /// 批量审核并写出审核汇总：汇总（每个文件一行：单位、年度、识别与缺少的表、错误警告提示条数、主要金额、文件链接）、问题清单（每条审核结果）、未检查（未能核对的规则）
    #[command(
        after_help = "示例：\n  fiscalform review 收到的报表/ -o 审核汇总.xlsx\n  fiscalform review \"收到的报表/*.xlsx\" --format csv -o 审核汇总目录\n  fiscalform review 收到的报表/ --format json -o 审核汇总.json\n\n退出码：0 已写出，无错误；1 已写出，有错误级别的审核结果；2 有文件无法读取（已列入汇总），或未写出。"
    )]
    Review {
        /// 要审核的工作簿、文件夹（含子文件夹）或文件名模式（如 收到的报表/*.xlsx）
        #[arg(required = true, value_name = "文件")]
        inputs: Vec<PathBuf>,
        /// 输出：xlsx 为一个 .xlsx 文件，csv 为存放三个 CSV 文件的文件夹，json 为一个 .json 文件（- 表示标准输出）
        #[arg(short, long, value_name = "输出")]
        output: PathBuf,
        /// 输出格式：xlsx 工作簿，csv 每张表一个文件，json 供程序读取
        #[arg(long, value_enum, default_value = "xlsx", value_name = "格式")]
        format: ReviewFormat,
    },
    /// 汇总：把各单位的报表加成部门的报表——金额逐格相加，科目按代码合并，得分与文字取第一个单位；写法与 fix 相同（实时公式、“审核结果”），另有工作表“汇总明细”列出各单位对各合计数的贡献
    #[command(
        after_help = "示例：\n  fiscalform merge 单位甲.xlsx 单位乙.xlsx -o 部门汇总.xlsx\n  fiscalform merge 各单位报表/ -o 部门汇总.xlsx --unit 某某局     文件夹中的全部报表，汇总表的单位名称为“某某局”\n\n退出码：0 已写出，无需人工核对的错误；1 已写出，仍有错误需人工核对；2 未写出（有文件无法读取、类别或年度不同等）。"
    )]
    Merge {
        /// 各单位的工作簿；也可给出文件夹（含子文件夹）或文件名模式（如 各单位/*.xlsx）
        #[arg(required = true, value_name = "文件")]
        inputs: Vec<PathBuf>,
        /// 输出的 .xlsx 文件（不能是输入文件之一）
        #[arg(short, long, value_name = "输出文件")]
        output: PathBuf,
        /// 汇总表的单位（部门）名称；省略时沿用第一个单位的名称
        #[arg(long, value_name = "单位")]
        unit: Option<String>,
    },
    /// 说明工作簿是如何读取的：每个工作表认定为哪张表及依据，每个数值读自哪个单元格，哪些内容在表外
    #[command(
        after_help = "示例：\n  fiscalform explain 2024决算.xlsx\n  fiscalform explain 2024决算.xlsx --format json\n\n退出码：0 已读取；2 有文件无法读取。"
    )]
    Explain {
        /// 要说明的工作簿；也可给出文件夹（含子文件夹）或文件名模式（如 批次/*.xlsx）
        #[arg(required = true, value_name = "文件")]
        files: Vec<PathBuf>,
        /// 输出格式：text 文字，json 供程序读取
        #[arg(long, value_enum, default_value = "text", value_name = "格式")]
        format: OutputFormat,
    },
    /// 写出校正后的工作簿：模板版式，派生单元格为实时公式，改动处标黄并加批注，首个工作表“审核结果”列出全部审核结果
    #[command(
        after_help = "示例：\n  fiscalform fix 2024决算.xlsx                      写出 2024决算-已校正.xlsx（与原表同目录）\n  fiscalform fix 2024决算.xlsx -o 校正后.xlsx\n  fiscalform fix 收到的报表/ -o 校正结果/               文件夹中的每个报表，写到文件夹“校正结果”\n  fiscalform fix 2024决算-已校正.xlsx --clean         核对完毕后写出报送版 2024决算-报送版.xlsx\n\n退出码：0 已写出，无需人工核对的错误；1 已写出，仍有错误需人工核对（如合计与各项相差较大）；2 未写出。"
    )]
    Fix {
        /// 已填报的工作簿；也可给出文件夹（含子文件夹）或文件名模式（如 批次/*.xlsx），逐个校正
        #[arg(required = true, value_name = "输入文件")]
        inputs: Vec<PathBuf>,
        /// 一个输入时：输出的 .xlsx 文件（不能是输入文件本身）；多个输入时：存放校正结果的文件夹。省略时写在输入文件旁，文件名加“-已校正”（报送版加“-报送版”）
        #[arg(short, long, value_name = "输出")]
        output: Option<PathBuf>,
        /// 写出报送版：只含各表（数值与公式）和原有的其他工作表，不含“审核结果”表、标色、批注与表外内容；仍需人工核对的错误列在屏幕上
        #[arg(long)]
        clean: bool,
    },
    /// 导出每张表的单元格：JSON（一个文件）或 CSV（每张表一个文件）
    #[command(
        after_help = "示例：\n  fiscalform export 2024决算.xlsx -o 2024决算.json\n  fiscalform export 2024决算.xlsx -o -               JSON 写到标准输出\n  fiscalform export 2024决算.xlsx --format csv -o 导出目录\n  fiscalform export 收到的报表/ -o 导出目录              文件夹中的每个报表，各写一个 .json 文件\n\n退出码：0 已导出；2 未导出。"
    )]
    Export {
        /// 已填报的工作簿；也可给出文件夹（含子文件夹）或文件名模式（如 批次/*.xlsx），逐个导出
        #[arg(required = true, value_name = "输入文件")]
        inputs: Vec<PathBuf>,
        /// 导出格式：json 或 csv
        #[arg(long, value_enum, default_value = "json", value_name = "格式")]
        format: ExportFormat,
        /// 一个输入时：输出的 .json 文件（- 表示标准输出），或存放 CSV 文件的目录；多个输入时：存放导出结果的文件夹（每个输入一个 .json 文件，或一个 CSV 子文件夹）
        #[arg(short, long, value_name = "输出")]
        output: PathBuf,
    },
    /// 由导出的 JSON 生成工作簿，与 fix 的写法相同
    #[command(
        after_help = "示例：\n  fiscalform import 2024决算.json -o 2024决算.xlsx\n  fiscalform export 旧.xlsx -o - | fiscalform import - -o 新.xlsx\n\n退出码：0 已生成；1 已生成，仍有错误需人工核对；2 未生成（JSON 不符合表的定义等）。"
    )]
    Import {
        /// 导出的 JSON 文件；- 表示从标准输入读取
        #[arg(value_name = "输入文件")]
        input: PathBuf,
        /// 输出的 .xlsx 文件
        #[arg(short, long, value_name = "输出文件")]
        output: PathBuf,
    },
    /// 说明评（扣）分标准如何理解：给出评分标准文字，或工作簿（.xlsx、.xls、.ods、.pdf、.docx，列出其绩效表的每个指标）
    #[command(
        after_help = "示例：\n  fiscalform rules \"90%（含）以上计10分；每降低1%扣0.5分\"\n  fiscalform rules 2024绩效自评.xlsx\n\n退出码：0 成功；2 有文件无法读取。"
    )]
    Rules {
        /// 评（扣）分标准文字（如 "90%（含）以上计10分；…"），或工作簿文件、文件夹
        #[arg(required = true, value_name = "文字或文件")]
        inputs: Vec<String>,
        /// 输出格式：text 文字，json 供程序读取
        #[arg(long, value_enum, default_value = "text", value_name = "格式")]
        format: OutputFormat,
    },
    /// 生成命令行补全脚本（bash、zsh、fish、powershell）
    #[command(
        after_help = "示例：\n  fiscalform completions bash > ~/.local/share/bash-completion/completions/fiscalform\n  fiscalform completions zsh > ~/.zfunc/_fiscalform\n\n退出码：0 成功。"
    )]
    Completions {
        /// 外壳：bash、zsh、fish、powershell
        #[arg(value_enum, value_name = "外壳")]
        shell: clap_complete::Shell,
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

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum ReviewFormat {
    Xlsx,
    Csv,
    Json,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum SeverityArg {
    Error,
    Warning,
    Info,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Error => Severity::Error,
            SeverityArg::Warning => Severity::Warning,
            SeverityArg::Info => Severity::Info,
        }
    }
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
    run_with_progress(args, out, err, false)
}

/// [`run`], with a progress bar on stderr for long batches when `progress` is set and stderr is
/// a terminal (the program itself; tests and embedding callers pass false).
pub fn run_with_progress<I, T>(
    args: I,
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: bool,
) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match parse_args(args, out, err) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let catalog = match load_catalog(&cli, err) {
        Ok(c) => c,
        Err(code) => return code,
    };
    match cli.command {
        Command::Forms => list_forms(&catalog, out),
        Command::Template {
            ids,
            family,
            year,
            unit,
            output,
        } => match select_forms(&catalog, &ids, family.map(Family::from)) {
            Ok(forms) => template(&forms, year.as_deref(), unit.as_deref(), &output, out, err),
            Err(m) => {
                let _ = writeln!(err, "{m}");
                2
            }
        },
        Command::Check {
            files,
            format,
            min_severity,
            prior,
        } => {
            let shown = Shown {
                format,
                min: min_severity.into(),
                progress,
            };
            check(&catalog, &files, prior.as_deref(), shown, out, err)
        }
        Command::Review {
            inputs,
            output,
            format,
        } => review(&catalog, &inputs, &output, format, progress, out, err),
        Command::Merge {
            inputs,
            output,
            unit,
        } => merge(
            &catalog,
            &inputs,
            &output,
            unit.as_deref(),
            progress,
            out,
            err,
        ),
        Command::Explain { files, format } => explain(&catalog, &files, format, out, err),
        Command::Rules { inputs, format } => rules(&catalog, &inputs, format, out, err),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut command(), "fiscalform", out);
            0
        }
        Command::Fix {
            inputs,
            output,
            clean,
        } => {
            let copy = match clean {
                true => FixedCopy::Clean,
                false => FixedCopy::Reviewed,
            };
            fix_files(&catalog, &inputs, output, copy, progress, out, err)
        }
        Command::Import { input, output } => import(&catalog, &input, &output, out, err),
        Command::Export {
            inputs,
            format,
            output,
        } => export_files(&catalog, &inputs, format, &output, out, err),
    }
}

/// The command line read by clap; on `--help`/`--version` clap's text is written and 0
/// returned, on a usage error its Chinese telling (to stderr) and 2.
fn parse_args<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> Result<Cli, i32>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let parsed = command()
        .try_get_matches_from(args)
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    parsed.map_err(|e| {
        let help_shown =
            e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand;
        let _ = match (e.use_stderr(), help_shown) {
            (false, _) => write!(out, "{e}"),
            (true, true) => write!(err, "{e}"),
            (true, false) => write!(err, "{}", usage::in_chinese(&e)),
        };
        if e.use_stderr() {
            2
        } else {
            0
        }
    })
}

/// The form definitions: from `--templates` when given, else the embedded ones; a definition
/// that does not compile is reported and exits with 2.
fn load_catalog(cli: &Cli, err: &mut dyn Write) -> Result<Catalog, i32> {
    let catalog = match &cli.templates {
        Some(dir) => Catalog::from_dir(dir),
        None => Catalog::embedded(),
    };
    catalog.map_err(|e| {
        let _ = writeln!(err, "{e}");
        2
    })
}

/// `forms`: one aligned line per form (id, table number, title, family).
fn list_forms(catalog: &Catalog, out: &mut dyn Write) -> i32 {
    let rows: Vec<[String; 4]> = catalog
        .forms
        .iter()
        .map(|f| {
            [
                f.id.clone(),
                f.table_no.clone(),
                f.plain_title(),
                f.family.as_str().to_string(),
            ]
        })
        .collect();
    let _ = write!(out, "{}", aligned(&rows));
    0
}

/// A template's year as the titles print it: four digits (`2024`; `2024年` and full-width
/// digits taken too), else the message to exit 2 with.
fn template_year(text: &str) -> Result<String, String> {
    let folded = crate::normalize::fold_text(text);
    let digits = folded.trim_end_matches('年');
    match digits.parse::<u32>() {
        Ok(year) if digits.len() == 4 && (1990..=2100).contains(&year) => Ok(digits.to_string()),
        _ => Err(format!("年度“{text}”应为四位数字的年份，如 2024")),
    }
}

/// `template`: the blank workbook of the chosen forms.
fn template(
    forms: &[&Form],
    year: Option<&str>,
    unit: Option<&str>,
    output: &std::path::Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    match write_template(forms, year, unit, output) {
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

/// `import`: a JSON document (a file or stdin) written as a workbook.
fn import(
    catalog: &Catalog,
    input: &std::path::Path,
    output: &std::path::Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let run = || -> Result<crate::fix::Fixed, String> {
        refuse_same(input, output)?;
        refuse_not_xlsx(output)?;
        let (text, shown) = if is_std(input) {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| format!("无法读取{STDIN_NAME}：{}", describe_io(&e)))?;
            (text, STDIN_NAME.to_string())
        } else {
            let text = std::fs::read_to_string(input)
                .map_err(|e| format!("无法读取 {}：{}", input.display(), describe_io(&e)))?;
            (text, input.display().to_string())
        };
        let content = crate::interchange::from_json(catalog, &text, &shown)
            .map_err(|e| format!("{shown} 不符合表的定义，未导入。{e}"))?;
        write_fixed(content, output, FixedCopy::Reviewed)
    };
    finish_fixed(run(), output, out, err)
}

/// `export`: one input to `-o` (a .json file, `-`, or a folder of CSV files), or many
/// (folders, patterns, several files) each into the folder `-o`: `名称.json`, or a folder
/// `名称/` of CSV files.
fn export_files(
    catalog: &Catalog,
    args: &[PathBuf],
    format: ExportFormat,
    output: &std::path::Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    if crate::batch::one_file(args) {
        return match export_one(catalog, &args[0], format, output, out) {
            // Export to standard output prints nothing but the document.
            Ok(msg) if msg.is_empty() => 0,
            Ok(msg) => print_to(0, &format!("{msg}\n"), out, err),
            Err(m) => print_to(2, &format!("{m}\n"), out, err),
        };
    }
    if is_std(output) {
        let _ = writeln!(
            err,
            "多个输入时 -o 应是存放导出结果的文件夹，不能是标准输出"
        );
        return 2;
    }
    let Some(files) = expanded(args, crate::batch::Found::Forms, err) else {
        return 2;
    };
    let name = |input: &std::path::Path| {
        let stem = input
            .file_stem()
            .map_or("工作簿".into(), |s| s.to_string_lossy().to_string());
        match format {
            ExportFormat::Json => format!("{stem}.json"),
            ExportFormat::Csv => stem,
        }
    };
    let planned = match plan_into(files, output, name) {
        Ok(p) => p,
        Err(m) => return print_to(2, &format!("{m}\n"), out, err),
    };
    let (mut code, mut written) = (0, 0);
    for (input, target) in &planned {
        let mut sink = std::io::sink();
        let export = || export_one(catalog, input, format, target, &mut sink);
        let msg = match crate::batch::guarded(input, export) {
            Ok(m) => {
                written += 1;
                m
            }
            Err(m) => {
                code = 2;
                m
            }
        };
        let _ = writeln!(out, "== {}\n{msg}", input.display());
    }
    let _ = writeln!(
        out,
        "合计：{} 个文件，导出 {written} 个，{} 个未导出（见各文件的说明）",
        planned.len(),
        planned.len() - written
    );
    code
}

/// Exports one workbook to `output`; the line to print (empty when the document itself went
/// to standard output).
fn export_one(
    catalog: &Catalog,
    input: &std::path::Path,
    format: ExportFormat,
    output: &std::path::Path,
    out: &mut dyn Write,
) -> Result<String, String> {
    refuse_same(input, output)?;
    let units = crate::load::load_units(catalog, input).map_err(|e| e.to_string())?;
    let forms: usize = units.iter().map(|c| c.forms.len()).sum();
    let of_units = units_said(&units);
    match format {
        ExportFormat::Json if is_std(output) => {
            let text = crate::interchange::to_json_units(&units);
            out.write_all(text.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .map_err(|e| format!("无法写到标准输出：{}", describe_io(&e)))?;
            Ok(String::new())
        }
        ExportFormat::Json => {
            let text = crate::interchange::to_json_units(&units);
            crate::write::write_atomic(output, |f| f.write_all(text.as_bytes()))
                .map_err(|e| e.to_string())?;
            Ok(format!(
                "已导出 {}：{forms} 张表{of_units}",
                output.display()
            ))
        }
        ExportFormat::Csv => {
            if is_std(output) {
                return Err("CSV 每张表一个文件，不能写到标准输出：请用 -o 指定目录".into());
            }
            let files: Vec<(String, String)> =
                units.iter().flat_map(crate::interchange::to_csv).collect();
            for (name, _) in &files {
                refuse_same(input, &output.join(name))?;
            }
            // The set is written whole or not at all: a failure at one form leaves no CSV of
            // the others behind.
            let set: Vec<(String, crate::write::WriteFile)> = files
                .iter()
                .map(|(n, t)| {
                    let fill: crate::write::WriteFile = Box::new(|w| w.write_all(t.as_bytes()));
                    (n.clone(), fill)
                })
                .collect();
            crate::write::write_file_set(output, set).map_err(|e| e.to_string())?;
            let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
            Ok(format!(
                "已导出到 {}：{} 个 CSV 文件（{}）{of_units}",
                output.display(),
                files.len(),
                names.join("、")
            ))
        }
    }
}

/// How a line names the units of a workbook holding several units' sets (nothing for one).
fn units_said(units: &[crate::load::Content]) -> String {
    let names: Vec<&str> = (units.iter())
        .filter_map(|c| c.unit.as_ref().map(|u| u.name.as_str()))
        .collect();
    match names.len() {
        0 | 1 => String::new(),
        n => format!("，共 {n} 个单位（{}）", names.join("、")),
    }
}

/// The files `args` name (folders and patterns expanded), or none when that fails, said on
/// `err`.
fn expanded(
    args: &[PathBuf],
    found: crate::batch::Found,
    err: &mut dyn Write,
) -> Option<Vec<PathBuf>> {
    crate::batch::expand(args, found)
        .map_err(|m| writeln!(err, "{m}"))
        .ok()
}

/// How `check` prints: the format, the least severity listed, and whether a progress bar may
/// be drawn.
#[derive(Debug, Clone, Copy)]
struct Shown {
    format: OutputFormat,
    min: Severity,
    progress: bool,
}

/// `check`: every file (folders and patterns expanded) audited on every core, each file's
/// report printed as soon as it is ready, in the order given; a batch ends with its totals.
fn check(
    catalog: &Catalog,
    args: &[PathBuf],
    prior: Option<&std::path::Path>,
    shown: Shown,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let Some(files) = expanded(args, crate::batch::Found::Forms, err) else {
        return 2;
    };
    let prior = match prior
        .map(|p| crate::prior::Prior::load(catalog, p))
        .transpose()
    {
        Ok(p) => p,
        Err(m) => {
            let _ = writeln!(err, "{m}");
            return 2;
        }
    };
    let Shown {
        format,
        min: shown,
        progress,
    } = shown;
    let stdin = match files.iter().any(|f| is_std(f)).then(stdin_to_file) {
        Some(Err(m)) => {
            let _ = writeln!(err, "{m}");
            return 2;
        }
        Some(Ok(t)) => Some(t),
        None => None,
    };
    let paths: Vec<&std::path::Path> = files
        .iter()
        .map(|f| match (&stdin, is_std(f)) {
            (Some(t), true) => t.path(),
            _ => f.as_path(),
        })
        .collect();
    let json = format == OutputFormat::Json;
    if json {
        let _ = write!(out, "{{\n  \"files\": [");
    }
    let mut totals = crate::report::Totals::default();
    let mut code = 0;
    let mut bar = crate::batch::Progress::new(paths.len(), progress);
    let mut first = true;
    crate::report::check_each(catalog, &paths, prior.as_ref(), |i, reports| {
        let (mut text, mut said) = (String::new(), String::new());
        for mut report in reports {
            if is_std(&files[i]) {
                report.path = STDIN_NAME.into();
            }
            totals.add(&report);
            code = code.max(crate::report::file_exit_code(&report));
            if json {
                let sep = if std::mem::take(&mut first) {
                    "\n"
                } else {
                    ",\n"
                };
                text += &format!("{sep}{}", crate::report::render_file_json(&report));
                // The text report says why a file could not be read; JSON says it on stderr.
                if let Some(e) = &report.error {
                    said += &format!("{e}\n");
                }
            } else {
                text += &crate::report::render_file_text(&report, shown);
            }
        }
        bar.print(|| {
            let _ = write!(out, "{text}");
            let _ = write!(err, "{said}");
            let _ = out.flush();
        });
    });
    bar.finish();
    if json {
        let totals = serde_json::to_string(&totals).unwrap_or_default();
        let _ = writeln!(out, "\n  ],\n  \"totals\": {totals}\n}}");
    } else if files.len() > 1 {
        let _ = write!(out, "{}", totals.line());
    }
    code
}

/// `review`: every file checked on every core, gathered into the review tables and written
/// whole (or not at all) as a workbook, three CSV files or one JSON document.
fn review(
    catalog: &Catalog,
    args: &[PathBuf],
    output: &std::path::Path,
    format: ReviewFormat,
    progress: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let Some(files) = expanded(args, crate::batch::Found::Forms, err) else {
        return 2;
    };
    let (files, copies) = crate::batch::without_fixed_copies(files);
    if !copies.is_empty() {
        let names: Vec<String> = copies.iter().map(|p| p.display().to_string()).collect();
        let _ = writeln!(
            out,
            "未审核 {} 个校正稿（fix 写出的“{}”文件，其原表在同一文件夹，按原表审核）：{}",
            copies.len(),
            crate::batch::FIXED_SUFFIX,
            names.join("、")
        );
    }
    if let Some(input) = files.iter().find(|f| same_file(f, output)) {
        let _ = writeln!(
            err,
            "输出 {} 就是输入文件 {}：不会覆盖原表，请换一个输出文件名",
            output.display(),
            input.display()
        );
        return 2;
    }
    if format == ReviewFormat::Xlsx {
        if let Err(m) = refuse_not_xlsx(output) {
            let _ = writeln!(err, "{m}");
            return 2;
        }
    }
    let paths: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
    let mut gathered = crate::review::Review::new(catalog);
    let mut code = 0;
    let mut bar = crate::batch::Progress::new(paths.len(), progress);
    crate::report::check_each(catalog, &paths, None, |_, reports| {
        for report in reports {
            code = code.max(crate::report::file_exit_code(&report));
            gathered.add(catalog, report);
        }
        bar.print(|| {});
    });
    bar.finish();
    code = code.max(gathered.compare_years(catalog));
    gathered.sort();
    match write_review(&mut gathered, output, format, out) {
        Ok(()) => {
            if !is_std(output) {
                let _ = writeln!(out, "已生成 {}", output.display());
                let _ = write!(out, "{}", gathered.totals.line());
            }
            code
        }
        Err(m) => {
            let _ = writeln!(err, "{m}");
            2
        }
    }
}

/// `merge`: the units read one after another into a running sum, then written as fix writes
/// with 汇总明细 added — whole, or not at all when any input cannot be read or does not fit.
fn merge(
    catalog: &Catalog,
    args: &[PathBuf],
    output: &std::path::Path,
    unit: Option<&str>,
    progress: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let Some(files) = expanded(args, crate::batch::Found::Forms, err) else {
        return 2;
    };
    // What the merge itself found (科目 names that differ, units' unreadable values).
    let mut notes = String::new();
    let mut run = || -> Result<crate::fix::Fixed, String> {
        refuse_not_xlsx(output)?;
        for input in &files {
            refuse_same(input, output)?;
        }
        let mut merger = crate::merge::Merger::new(catalog);
        let mut bar = crate::batch::Progress::new(files.len(), progress);
        for input in &files {
            merger.add(input).map_err(|e| e.to_string())?;
            bar.print(|| {});
        }
        bar.finish();
        let (content, detail) = merger.finish(unit);
        for f in &content.reading {
            notes.push_str(&format!("  {}  {}\n", f.severity.chinese(), f.message));
        }
        let mut fixed = crate::fix::fix(content).map_err(|e| e.to_string())?;
        let sheet = crate::write::merge::detail_sheet(&detail).map_err(|e| e.to_string())?;
        fixed.workbook.push_worksheet(sheet);
        save_atomic(&mut fixed.workbook, output).map_err(|e| e.to_string())?;
        Ok(fixed)
    };
    let result = run();
    if result.is_ok() {
        let _ = write!(
            out,
            "已汇总 {} 个文件（各单位的贡献见工作表“{}”）\n{notes}",
            files.len(),
            crate::load::own::DETAIL_SHEET
        );
    }
    finish_fixed(result, output, out, err)
}

fn write_review(
    review: &mut crate::review::Review,
    output: &std::path::Path,
    format: ReviewFormat,
    out: &mut dyn Write,
) -> Result<(), String> {
    let spool_error = |e: std::io::Error| {
        format!(
            "无法读回临时文件中的审核结果：{}（请检查临时目录的磁盘空间；未写出 {}）",
            describe_io(&e),
            output.display()
        )
    };
    match format {
        ReviewFormat::Xlsx => {
            let tables = review.tables().map_err(spool_error)?;
            crate::write::review::save(tables, output).map_err(|e| e.to_string())
        }
        ReviewFormat::Csv => {
            let set: Vec<(String, crate::write::WriteFile)> = review
                .tables()
                .map_err(spool_error)?
                .into_iter()
                .map(|t| {
                    let name = format!("{}.csv", t.name);
                    let fill: crate::write::WriteFile =
                        Box::new(move |w| crate::review::write_csv(t, w));
                    (name, fill)
                })
                .collect();
            crate::write::write_file_set(output, set).map_err(|e| e.to_string())
        }
        ReviewFormat::Json if is_std(output) => review
            .write_json(out)
            .map_err(|e| format!("无法写到标准输出：{}", describe_io(&e))),
        ReviewFormat::Json => crate::write::write_atomic(output, |f| {
            let mut w = std::io::BufWriter::new(f);
            review.write_json(&mut w)?;
            w.flush()
        })
        .map_err(|e| e.to_string()),
    }
}

/// The command line definition with Chinese headings on every command's help (clap does not
/// pass a help template or headings down to subcommands).
fn command() -> clap::Command {
    let chinese = |c: clap::Command| {
        c.help_template(HELP_TEMPLATE).mut_args(|a| {
            let heading = if a.is_positional() {
                "参数"
            } else {
                "选项"
            };
            a.help_heading(heading)
        })
    };
    chinese(<Cli as clap::CommandFactory>::command()).mut_subcommands(chinese)
}

/// Shown for `-` in messages and reports.
const STDIN_NAME: &str = "标准输入";

/// `-`: standard input or output.
fn is_std(p: &std::path::Path) -> bool {
    p.as_os_str() == "-"
}

/// Standard input saved to a temporary file (the readers need a file to sniff and seek).
fn stdin_to_file() -> Result<tempfile::NamedTempFile, String> {
    let failed = |e: std::io::Error| format!("无法读取{STDIN_NAME}：{}", describe_io(&e));
    let mut file = tempfile::Builder::new()
        .prefix("fiscalform-stdin-")
        .suffix(".xlsx")
        .tempfile()
        .map_err(failed)?;
    std::io::copy(&mut std::io::stdin().lock(), &mut file).map_err(failed)?;
    Ok(file)
}

/// Columns padded to the widest cell by display width (a Chinese character takes two).
fn aligned(rows: &[[String; 4]]) -> String {
    use unicode_width::UnicodeWidthStr;
    let widths: Vec<usize> = (0..4)
        .map(|c| rows.iter().map(|r| r[c].width()).max().unwrap_or(0))
        .collect();
    let mut text = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < r.len() {
                line.push_str(&" ".repeat(widths[c] - cell.width() + 2));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
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
        // Hard links and other aliases: the file identity the OS gives (device and inode,
        // or Windows' volume serial and file index).
        _ => same_file::is_same_file(a, b).unwrap_or(false),
    }
}

fn refuse_same(input: &std::path::Path, output: &std::path::Path) -> Result<(), String> {
    if same_file(input, output) {
        return Err(format!(
            "输出文件 {} 就是输入文件：不会覆盖原表。请用 -o 指定另一个文件名，如 {}",
            output.display(),
            suggested_output(input, FixedCopy::Reviewed).display()
        ));
    }
    Ok(())
}

fn suggested_output(input: &std::path::Path, copy: FixedCopy) -> PathBuf {
    input.with_file_name(fixed_name(input, copy))
}

/// `名称-已校正.xlsx` for input `名称.xxx`; the clean copy `名称-报送版.xlsx`, also for an input
/// that is itself fix's `名称-已校正.xlsx`.
fn fixed_name(input: &std::path::Path, copy: FixedCopy) -> String {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "工作簿".into());
    match copy {
        FixedCopy::Reviewed => format!("{stem}{}.xlsx", crate::batch::FIXED_SUFFIX),
        FixedCopy::Clean => {
            let unit = crate::batch::original_stem(&stem).unwrap_or(&stem);
            format!("{unit}{}.xlsx", crate::batch::CLEAN_SUFFIX)
        }
    }
}

/// `fix`: one input to `-o FILE` (or beside it), or many (folders, patterns, several files)
/// each beside its input or into the folder `-o DIR`; fixed on every core, each file's summary
/// printed in the order given, a batch closed by its totals.
fn fix_files(
    catalog: &Catalog,
    args: &[PathBuf],
    output: Option<PathBuf>,
    copy: FixedCopy,
    progress: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    if crate::batch::one_file(args) {
        let input = &args[0];
        let output = output.unwrap_or_else(|| suggested_output(input, copy));
        let (text, code) = fix_one(catalog, input, &output, copy);
        return print_to(code, &text, out, err);
    }
    let planned = crate::batch::expand(args, crate::batch::Found::FormsToFix)
        .and_then(|files| plan_outputs(files, output.as_deref(), copy));
    let planned = match planned {
        Ok(p) => p,
        Err(m) => {
            let _ = writeln!(err, "{m}");
            return 2;
        }
    };
    let mut bar = crate::batch::Progress::new(planned.len(), progress);
    let (mut code, mut written) = (0, 0);
    let work = |(input, output): &(PathBuf, PathBuf)| {
        crate::batch::guarded(input, || Ok(fix_one(catalog, input, output, copy)))
            .unwrap_or_else(|e| (format!("{e}\n"), 2))
    };
    crate::batch::each_in_order(&planned, work, |i, (text, file_code)| {
        code = code.max(file_code);
        written += usize::from(file_code != 2);
        bar.print(|| {
            let _ = write!(out, "== {}\n{text}", planned[i].0.display());
            let _ = out.flush();
        });
    });
    bar.finish();
    let _ = writeln!(
        out,
        "合计：{} 个文件，写出 {written} 个校正后的工作簿，{} 个未写出",
        planned.len(),
        planned.len() - written
    );
    code
}

/// Each input with the workbook fix writes for it: beside it, or in folder `dir`.
fn plan_outputs(
    inputs: Vec<PathBuf>,
    dir: Option<&std::path::Path>,
    copy: FixedCopy,
) -> Result<Vec<(PathBuf, PathBuf)>, String> {
    match dir {
        Some(dir) => plan_into(inputs, dir, |i| fixed_name(i, copy)),
        None => Ok(inputs
            .into_iter()
            .map(|i| {
                let o = suggested_output(&i, copy);
                (i, o)
            })
            .collect()),
    }
}

/// Each input with what is written for it in folder `dir` (created when missing), named by
/// `name`; two inputs of the same name get `(2)`, `(3)`… rather than one overwriting the
/// other.
fn plan_into(
    inputs: Vec<PathBuf>,
    dir: &std::path::Path,
    name: impl Fn(&std::path::Path) -> String,
) -> Result<Vec<(PathBuf, PathBuf)>, String> {
    let looks_like_file = dir.extension().is_some_and(|e| {
        ["xlsx", "json", "csv"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    });
    if dir.is_file() || looks_like_file {
        return Err(format!(
            "给出了多个输入，-o 应是存放结果的文件夹，而不是一个文件（{}）",
            dir.display()
        ));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("无法创建文件夹 {}：{}", dir.display(), describe_io(&e)))?;
    let mut taken = std::collections::HashSet::new();
    Ok(inputs
        .into_iter()
        .map(|input| {
            let name = name(&input);
            let mut out = dir.join(&name);
            let mut n = 2;
            while !taken.insert(out.clone()) {
                out = dir.join(numbered(&name, n));
                n += 1;
            }
            (input, out)
        })
        .collect())
}

/// `名称(2).xlsx` for `名称.xlsx`, `名称(2)` for `名称`.
fn numbered(name: &str, n: usize) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}({n}).{ext}"),
        None => format!("{name}({n})"),
    }
}

/// Fixes one file: the summary to print and the file's exit code.
fn fix_one(
    catalog: &Catalog,
    input: &std::path::Path,
    output: &std::path::Path,
    copy: FixedCopy,
) -> (String, i32) {
    let load = || -> Result<Vec<crate::load::Content>, String> {
        refuse_same(input, output)?;
        refuse_not_xlsx(output)?;
        crate::load::load_units(catalog, input).map_err(|e| e.to_string())
    };
    let mut units = match load() {
        Ok(units) => units,
        Err(e) => return fixed_summary(Err(e), output),
    };
    if units.len() == 1 {
        return fixed_summary(write_fixed(units.remove(0), output, copy), output);
    }
    fix_units(units, output, copy)
}

/// Fixes a workbook holding several units' sets: one corrected workbook per unit, named for
/// it beside `output` — all of them, or none when one cannot be made or written.
fn fix_units(
    units: Vec<crate::load::Content>,
    output: &std::path::Path,
    copy: FixedCopy,
) -> (String, i32) {
    let named: Vec<(PathBuf, crate::load::Content)> = (units.into_iter())
        .map(|c| (unit_output(output, c.unit.as_ref()), c))
        .collect();
    let mut fixed = Vec::new();
    for (path, content) in named {
        match crate::fix::fix_copy(content, copy) {
            Ok(f) => fixed.push((path, f)),
            Err(e) => return fixed_summary(Err(e.to_string()), &path),
        }
    }
    let mut saved: Vec<&std::path::Path> = Vec::new();
    for (path, f) in &mut fixed {
        if let Err(e) = save_atomic(&mut f.workbook, path) {
            saved.iter().for_each(|p| drop(std::fs::remove_file(p)));
            return fixed_summary(Err(e.to_string()), path);
        }
        saved.push(path);
    }
    let mut text = format!(
        "工作簿中有 {} 个单位的报表，每个单位写出一个校正后的工作簿：\n",
        fixed.len()
    );
    let mut code = 0;
    for (path, f) in fixed {
        let (said, c) = fixed_summary(Ok(f), &path);
        text.push_str(&said);
        code = code.max(c);
    }
    (text, code)
}

/// The workbook fix writes for `unit` of a workbook holding several units' sets: `output`
/// with the unit's name before its 已校正/报送版 mark (`2024决算-甲-已校正.xlsx`).
fn unit_output(output: &std::path::Path, unit: Option<&crate::load::Unit>) -> PathBuf {
    let stem = output
        .file_stem()
        .map_or(String::new(), |s| s.to_string_lossy().to_string());
    let name: String = unit
        .map_or("", |u| u.name.as_str())
        .chars()
        .map(|c| if r#"/\:*?"<>|"#.contains(c) { '_' } else { c })
        .collect();
    let marks = [crate::batch::FIXED_SUFFIX, crate::batch::CLEAN_SUFFIX];
    let file = match marks.iter().find_map(|m| Some((stem.strip_suffix(m)?, m))) {
        Some((base, mark)) => format!("{base}-{name}{mark}.xlsx"),
        None => format!("{stem}-{name}.xlsx"),
    };
    output.with_file_name(file)
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
    content: crate::load::Content,
    output: &std::path::Path,
    copy: FixedCopy,
) -> Result<crate::fix::Fixed, String> {
    let mut fixed = crate::fix::fix_copy(content, copy).map_err(|e| e.to_string())?;
    save_atomic(&mut fixed.workbook, output).map_err(|e| e.to_string())?;
    Ok(fixed)
}

/// Summary line of fix and import, printed on stdout, or the reason nothing was written, on
/// stderr; exit 0 when nothing is left for a person, 1 when errors remain that fix must not
/// resolve by itself, 2 when nothing was written.
fn finish_fixed(
    result: Result<crate::fix::Fixed, String>,
    output: &std::path::Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let (text, code) = fixed_summary(result, output);
    print_to(code, &text, out, err)
}

/// `text` on stderr when the command could not run (`code` 2), else on stdout; gives `code`.
fn print_to(code: i32, text: &str, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let _ = if code == 2 {
        write!(err, "{text}")
    } else {
        write!(out, "{text}")
    };
    code
}

/// What [`finish_fixed`] prints, and the exit code.
fn fixed_summary(
    result: Result<crate::fix::Fixed, String>,
    output: &std::path::Path,
) -> (String, i32) {
    use std::fmt::Write;
    let mut out = String::new();
    match result {
        Ok(fixed) => {
            let (e, w, i) = fixed.open_counts();
            let _ = writeln!(
                out,
                "已生成{} {}：{} 张表（{}）；重新计算后改动 {} 个单元格；仍需人工核对：错误 {e} 条，警告 {w} 条，提示 {i} 条{}",
                if fixed.copy == FixedCopy::Clean { "报送版" } else { "" },
                output.display(),
                fixed.forms.len(),
                fixed.forms.join("、"),
                fixed.changes.iter().filter(|c| c.from != c.to).count(),
                where_told(&fixed),
            );
            for c in &fixed.changes {
                let what = if c.review { "核对" } else { "校正" };
                let _ = writeln!(out, "  {what}  {}!{}  {}", c.at.0, c.at.1, c.note);
            }
            if fixed.copy == FixedCopy::Clean {
                clean_copy_lines(&fixed, &mut out);
            }
            // A total left to a person (a column to fill in) is work left, as an error is.
            let left = fixed.changes.iter().any(|c| c.review);
            (out, i32::from(e > 0 || left))
        }
        Err(m) => (format!("{m}\n"), 2),
    }
}

/// Where the summary of fix sends the clerk for what is left: the 审核结果 sheet, or (a
/// clean copy has none) the lines printed under it.
fn where_told(fixed: &crate::fix::Fixed) -> String {
    match fixed.copy {
        FixedCopy::Reviewed => format!("（见工作表“{}”）", crate::load::own::AUDIT_SHEET),
        FixedCopy::Clean => "（报送版不含审核结果，错误列在下面）".to_string(),
    }
}

/// What a clean copy leaves out, said under its summary: each error still open, and the values
/// found outside the forms (kept only by a fix without --clean).
fn clean_copy_lines(fixed: &crate::fix::Fixed, out: &mut String) {
    use std::fmt::Write;
    let open_errors = (fixed.lines.iter())
        .filter(|l| l.severity == Severity::Error)
        .filter(|l| matches!(l.status, crate::fix::Status::Open(_)));
    for l in open_errors {
        let at =
            l.at.as_ref()
                .map_or(String::new(), |(s, c)| format!("{s}!{c}  "));
        let _ = writeln!(out, "  错误  {at}{}", l.message);
    }
    if fixed.left_out > 0 {
        let _ = writeln!(
            out,
            "  提示  表外内容 {} 处未写入报送版；不加 --clean 运行 fix 时，保留在各表旁的“…{}”工作表",
            fixed.left_out,
            crate::load::own::STRAY_SUFFIX
        );
    }
}

/// A workbook path (existing, or named like one), a folder or a file name pattern, rather than
/// a rule text.
fn is_workbook_arg(s: &str) -> bool {
    let p = std::path::Path::new(s);
    // A rule text may hold brackets (`[90%,100%]计10分`): a pattern counts when it names files.
    let names_files = p.file_name().is_some_and(|n| n == "*" || n == "**");
    if p.is_dir() || (crate::batch::is_pattern(p) && names_files) {
        return true;
    }
    let ext = p
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    p.is_file() || crate::read::is_supported_extension(&ext)
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
    let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    let Some(files) = expanded(&files, crate::batch::Found::Forms, err) else {
        return 2;
    };
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
        .flat_map(|f| describe::describe_file(catalog, f))
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

/// `explain`: exit 0 when every file was read, 2 when one could not be.
fn explain(
    catalog: &Catalog,
    args: &[PathBuf],
    format: OutputFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let Some(files) = expanded(args, crate::batch::Found::Forms, err) else {
        return 2;
    };
    let explained: Vec<_> = files
        .iter()
        .map(|f| crate::explain::explain_file(catalog, f))
        .collect();
    let text = match format {
        OutputFormat::Text => crate::explain::render_text(&explained),
        OutputFormat::Json => {
            serde_json::to_string_pretty(&serde_json::json!({ "files": explained }))
                .unwrap_or_default()
                + "\n"
        }
    };
    let _ = write!(out, "{text}");
    if explained.iter().any(|f| f.error.is_some()) {
        2
    } else {
        0
    }
}
