//! The words against the numbers: the statements of a disclosure's texts (情况说明, 自评报告)
//! checked against its tables and against themselves.
//!
//! The texts are cut into sentences ([`text`]), each read as statements ([`parse`]) with the
//! labels of `templates/statements.toml` ([`patterns`]); [`judge`] then checks each amount
//! against the table cell holding its figure, each share, completion and change rate
//! against the amounts it is computed from, and each list of parts against its total.

mod judge;
pub mod parse;
pub use crate::form::statement_patterns as patterns;
mod subjects;
pub mod text;

pub use judge::{check_sentences, Tally};
pub use patterns::{Patterns, FILE_NAME};
pub use text::{Piece, Sentence, SentenceAt};

use crate::calc::{Book, Calc};
use crate::findings::Finding;
use crate::read::Workbook;

/// Rule ids of the statement checks.
pub const AMOUNT: &str = "text-amount";
pub const SHARE: &str = "text-share";
pub const COMPLETION: &str = "text-completion";
pub const CHANGE: &str = "text-change";
pub const FLAT: &str = "text-flat";
pub const SUM: &str = "text-sum";

/// The display name of a statement rule.
pub fn rule_name(rule: &str) -> Option<&'static str> {
    Some(match rule {
        AMOUNT => "说明文字所述金额与表中数一致",
        SHARE => "说明文字所述占比按所述金额计算",
        COMPLETION => "说明文字所述完成预算比例按所述金额计算",
        CHANGE => "说明文字所述增减额与增减率一致",
        FLAT => "说明文字所述“持平”不得有增减",
        SUM => "说明文字所列分项之和等于总额",
        _ => return None,
    })
}

/// Checks the free text of a document (PDF, Word) and the text cells of its forms.
pub fn check(
    patterns: &Patterns,
    wb: &Workbook,
    book: &Book,
    calc: &Calc,
) -> (Vec<Finding>, Tally) {
    let mut sentences = Vec::new();
    for run in document_runs(wb) {
        sentences.extend(text::sentences(&run));
    }
    for run in cell_runs(book) {
        sentences.extend(text::sentences(&run));
    }
    check_sentences(patterns, &sentences, book, calc)
}

/// A document's passages as paragraphs: a Word paragraph each; a PDF's lines joined until a
/// heading, each line placed by its page and its number among the page's text lines. A
/// heading line that states no sentence (`（三）一般公共预算财政拨款支出决算具体情况`) is a
/// paragraph of its own.
pub fn document_runs(wb: &Workbook) -> Vec<Vec<Piece>> {
    let mut runs: Vec<Vec<Piece>> = Vec::new();
    let (mut page, mut line) = (0, 0);
    let mut after_title = false;
    for (n, p) in wb.text.iter().enumerate() {
        let place = match p.page {
            Some(pg) => {
                line = if pg == page { line + 1 } else { 1 };
                page = pg;
                SentenceAt::Page { page: pg, line }
            }
            None => SentenceAt::Paragraph(n + 1),
        };
        let heading = text::is_heading(&p.text);
        let new_run = p.page.is_none() || heading || after_title || runs.is_empty();
        after_title = heading && !p.text.contains(['。', '%', '％']) && !p.text.contains("万元");
        if new_run {
            runs.push(Vec::new());
        }
        if let Some(run) = runs.last_mut() {
            run.push(Piece {
                place,
                text: p.text.clone(),
            });
        }
    }
    runs
}

/// The text cells of the forms (a 绩效评价报告's 部门整体支出管理和使用基本情况 …), each a
/// paragraph placed at its sheet and cell.
fn cell_runs(book: &Book) -> Vec<Vec<Piece>> {
    let mut runs = Vec::new();
    for (form, data) in &book.forms {
        let sheet = data
            .sheet
            .clone()
            .unwrap_or_else(|| form.sheet_name.clone());
        for (key, value) in &data.grid {
            if let (crate::expr::Val::Text(t), Some(cell)) = (value, data.origin.get(key)) {
                runs.push(vec![Piece {
                    place: SentenceAt::Cell {
                        sheet: sheet.clone(),
                        cell: cell.to_string(),
                    },
                    text: t.clone(),
                }]);
            }
        }
    }
    runs
}
