//! Reads a PDF's text layer with positions and rebuilds its tables (placeholder until the crate is chosen).

use super::document::{Block, DocumentProblem};

pub(crate) fn read_blocks(_bytes: &[u8]) -> Result<Vec<Block>, DocumentProblem> {
    Err(DocumentProblem::PdfDamaged {
        detail: "todo".into(),
    })
}
