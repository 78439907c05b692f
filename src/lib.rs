//! fiscalform: blank templates, audit and correction of the Hunan finance bureaus' standard
//! budget, final-accounts and performance forms.
//!
//! The flow (see DESIGN.md): `form` definitions → `read` a workbook → `recognize` its forms →
//! `calc` derived cells → `check` → `write` a formatted workbook (`fix` writes the corrected one,
//! `interchange` the JSON/CSV); `cli` ties them together.

pub mod batch;
pub mod calc;
pub mod cellref;
pub mod check;
pub mod cli;
pub mod coverage;
pub mod definitions;
pub mod explain;
pub mod expr;
pub mod figures;
pub mod files;
pub mod findings;
pub mod fix;
pub mod form;
pub mod interchange;
pub mod layout;
pub mod load;
pub mod merge;
pub mod model;
pub mod normalize;
pub mod prior;
pub mod quantity;
pub mod read;
pub mod recognize;
pub mod report;
pub mod review;
pub mod score;
pub mod sheet_names;
pub mod spool;
pub mod statements;
#[cfg(test)]
mod test_rng;
pub mod write;
