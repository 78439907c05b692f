//! A refused definition ([`DefError`]: file, form, field, why) and the context the compilers
//! name it from.

use std::fmt;

/// A refused definition: which file, which form, which field, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct DefError {
    pub file: String,
    pub form: String,
    pub field: String,
    pub message: String,
}

impl fmt::Display for DefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "表格定义有误：文件 {}，表 {}，字段 {}：{}",
            self.file, self.form, self.field, self.message
        )
    }
}

impl std::error::Error for DefError {}

pub(super) struct Ctx<'a> {
    pub(super) file: &'a str,
    pub(super) form: String,
}

impl Ctx<'_> {
    pub(super) fn err(&self, field: impl Into<String>, message: impl Into<String>) -> DefError {
        DefError {
            file: self.file.to_string(),
            form: self.form.clone(),
            field: field.into(),
            message: message.into(),
        }
    }
}
