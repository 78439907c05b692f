//! The values of one filled (or blank) form, by logical cell, independent of any file format.

use crate::expr::Val;
use indexmap::IndexMap;
use rust_decimal::Decimal;

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

/// A money unit a workbook may state, with what one of it is in 万元.
#[derive(Debug, Clone, PartialEq)]
pub struct MoneyUnit {
    pub name: String,
    pub in_wan: Decimal,
}

/// The unit a sheet states its amounts in when it is not 万元. The amounts of [`FormData`]
/// are always in 万元; this says how they were shown.
#[derive(Debug, Clone, PartialEq)]
pub struct StatedUnit {
    pub unit: MoneyUnit,
    /// Where the sheet says so (`A3`).
    pub cell: String,
    /// The most decimals an amount of the sheet is shown with (0 for whole 元).
    pub decimals: u32,
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
    /// Set when the sheet states its amounts in 元 or 千元 (they were converted to 万元).
    pub stated_unit: Option<StatedUnit>,
    /// The sheets after `sheet` the table continues on, each with the row it starts at when
    /// the sheets are read one below the other (its cells' origins are `'name'!A1`).
    pub continued: Vec<(String, u32)>,
}

/// Half of the last digit a table in 万元 shows (two decimals): the 尾差 of one rounded term.
const HALF_CENT_OF_WAN: Decimal = Decimal::from_parts(5, 0, 0, false, 3);

impl FormData {
    /// The 尾差 one rounded amount may carry, in 万元: half of the last digit the sheet shows,
    /// in the unit it shows (0.005 万元; 0.005 元 for a table in 元 with two decimals, 0.5 元
    /// for one in whole 元).
    pub fn rounding_per_term(&self) -> Decimal {
        match &self.stated_unit {
            None => HALF_CENT_OF_WAN,
            Some(s) => Decimal::new(5, s.decimals + 1) * s.unit.in_wan,
        }
    }

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
