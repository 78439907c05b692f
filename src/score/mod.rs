//! Scoring of performance indicators: reading target/actual quantities and the free-text 评（扣）分标准 rules.
pub mod quantity;
pub mod rules;
mod text;
