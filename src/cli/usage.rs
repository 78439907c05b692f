//! Command-line usage errors in Chinese: what clap found wrong, the suggestion it has, the usage line and where to read more.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// `e` told in Chinese, ending with a newline: what is wrong with the command line, clap's
/// suggestion when it has one, the usage of the command and how to see the help.
pub(super) fn in_chinese(e: &clap::Error) -> String {
    let mut text = what_is_wrong(e);
    if let Some(tip) = suggestion(e) {
        text.push_str(&format!("\n  提示：是否要用“{tip}”？"));
    }
    if let Some(usage) = context(e, ContextKind::Usage) {
        text.push_str(&format!(
            "\n\n{}",
            usage.trim().replacen("Usage: ", "用法：", 1)
        ));
    }
    text.push_str("\n\n运行 `fiscalform --help` 或 `fiscalform <命令> --help` 查看说明。\n");
    text
}

/// The first line: the error's kind, with the argument and value it names.
fn what_is_wrong(e: &clap::Error) -> String {
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    match e.kind() {
        ErrorKind::InvalidSubcommand => {
            let name = context(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("命令行有误：没有命令“{name}”")
        }
        ErrorKind::UnknownArgument => format!("命令行有误：无法识别的参数“{arg}”"),
        ErrorKind::MissingRequiredArgument => format!("命令行有误：缺少必需的参数 {arg}"),
        ErrorKind::MissingSubcommand => "命令行有误：缺少命令".to_string(),
        ErrorKind::InvalidValue if value.is_empty() => format!("命令行有误：参数 {arg} 缺少值"),
        ErrorKind::InvalidValue => {
            let valid = context(e, ContextKind::ValidValue)
                .filter(|v| !v.is_empty())
                .map(|v| format!("；可用的值：{v}"))
                .unwrap_or_default();
            format!("命令行有误：参数 {arg} 的值“{value}”无效{valid}")
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| format!("：{s}"))
                .unwrap_or_default();
            format!("命令行有误：参数 {arg} 的值“{value}”无效{why}")
        }
        ErrorKind::ArgumentConflict => {
            let other = context(e, ContextKind::PriorArg).unwrap_or_default();
            format!("命令行有误：参数 {arg} 不能与 {other} 同时使用")
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("命令行有误：参数 {arg} 的值的个数不对")
        }
        ErrorKind::NoEquals => {
            format!("命令行有误：参数 {arg} 的写法不对")
        }
        _ => format!("命令行有误：{}", clap_first_line(e)),
    }
}

/// clap's own suggestion: a near subcommand or argument.
fn suggestion(e: &clap::Error) -> Option<String> {
    [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg]
        .into_iter()
        .find_map(|kind| context(e, kind))
}

/// A context value of `e` as text (a list joined with 、).
fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(list) => Some(list.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(list) => Some(
            list.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// clap's message without its `error: ` prefix, first line only.
fn clap_first_line(e: &clap::Error) -> String {
    let text = e.to_string();
    let line = text.lines().next().unwrap_or_default();
    line.trim_start_matches("error: ").to_string()
}
