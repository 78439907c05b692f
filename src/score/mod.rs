//! Scoring of performance indicators: reading target/actual quantities and the free-text
//! 评（扣）分标准 rules, scoring the indicator rows of a workbook, describing rules to people.
pub mod check;
pub mod describe;
pub mod quantity;
pub mod rules;
mod text;
