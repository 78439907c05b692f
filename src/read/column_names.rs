//! What the PDF reader asks of the forms before it joins a page of further columns beside the table before it: whether the page's header names columns that table's form has and the table lacks.

/// Knowledge of the forms' column names. The reader knows no form: the caller that does
/// passes this in (see [`super::read_workbook_with`]).
pub trait ColumnNames {
    /// Whether `part`, the header cells of a table opening a later page, names further
    /// columns of the form whose header cells `table` (the table before it) holds: columns of
    /// that form the table lacks, and no other form's.
    fn names_further_columns(&self, table: &[String], part: &[String]) -> bool;
}

/// No knowledge of the forms: a page is judged by how it is printed alone.
#[derive(Debug, Clone, Copy, Default)]
pub struct ByPrintAlone;

impl ColumnNames for ByPrintAlone {
    fn names_further_columns(&self, _table: &[String], _part: &[String]) -> bool {
        true
    }
}
