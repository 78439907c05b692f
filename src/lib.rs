//! fiscalform: blank templates, audit and correction of the Hunan finance bureaus' standard forms.

pub mod score;
