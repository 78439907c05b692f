//! The values of one filled (or blank) form, by logical cell, independent of any file format.

use crate::expr::Val;
use indexmap::IndexMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A row the definition fixes (行次 rows, economic-code rows of 公开06表).
    Fixed,
    /// The 合计 row of a code-keyed panel.
    Total,
    /// A 科目 row found in the data.
    Coded,
    /// A row of a list panel (indicators, units, projects).
    List,
}

#[derive(Debug, Clone)]
pub struct RowData {
    pub panel: String,
    /// Unique in the form: the fixed row's id, `total`, the code, or `#n` for list rows.
    pub key: String,
    pub kind: RowKind,
    pub code: Option<String>,
    /// The label or 科目名称 as found (fixed rows: as defined).
    pub label: Option<String>,
    pub line: Option<u32>,
    /// Value and text cells by column id.
    pub values: IndexMap<String, Val>,
}

impl RowData {
    pub fn get(&self, col: &str) -> Val {
        self.values.get(col).cloned().unwrap_or(Val::Blank)
    }
}

/// A value found where the form has no cell: kept and reported, never dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Stray {
    pub cell: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct FormData {
    pub form_id: String,
    /// Sheet the form was read from.
    pub sheet: Option<String>,
    pub unit: Option<String>,
    pub year: Option<String>,
    pub rows: Vec<RowData>,
    pub grid: IndexMap<String, Val>,
    /// Statements found under the table (注, 空表说明, other remarks).
    pub remarks: Vec<String>,
    pub strays: Vec<Stray>,
    /// Where each logical cell was read from (`L27.amount` → `C30`).
    pub origin: IndexMap<String, String>,
}

impl FormData {
    pub fn row(&self, key: &str) -> Option<&RowData> {
        self.rows.iter().find(|r| r.key == key)
    }
    pub fn row_mut(&mut self, key: &str) -> Option<&mut RowData> {
        self.rows.iter_mut().find(|r| r.key == key)
    }
    /// True when no value cell holds a number other than zero or any text.
    pub fn is_empty(&self) -> bool {
        let busy = |v: &Val| match v {
            Val::Num(d) => !d.is_zero(),
            Val::Text(t) => !t.trim().is_empty(),
            _ => false,
        };
        !self.rows.iter().any(|r| r.values.values().any(busy)) && !self.grid.values().any(busy)
    }
}
