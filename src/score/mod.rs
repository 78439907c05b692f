//! Scoring of performance indicators: the free-text 评（扣）分标准 rules (over the quantities
//! `crate::quantity` reads), scoring the indicator rows of a workbook, describing rules to
//! people.
pub mod check;
pub mod describe;
pub mod rules;
