//! The forms' column names, for the PDF reader to tell a page of further columns of a table from a page of another form standing as high.

use crate::form::{Catalog, Form, Vocabulary};
use crate::normalize::label_key;
use crate::read::ColumnNames;
use std::collections::HashSet;

/// Each form's header words (its header texts, its columns' labels and aliases, and the
/// vocabulary's synonyms of these) and every form's title, as comparison keys.
pub struct FormColumnNames<'c> {
    vocab: &'c Vocabulary,
    forms: Vec<HashSet<String>>,
    titles: Vec<String>,
}

/// A form's title this long at least is looked for inside a header cell.
const MIN_TITLE_CHARS: usize = 4;

impl<'c> FormColumnNames<'c> {
    pub fn new(catalog: &'c Catalog) -> Self {
        let vocab = &catalog.vocabulary;
        let forms = catalog.forms.iter().map(|f| header_words(f, vocab)).collect();
        let titles = (catalog.forms.iter())
            .flat_map(|f| std::iter::once(&f.title).chain(&f.aliases))
            .map(|t| label_key(&undated(t)))
            .filter(|t| t.chars().count() >= MIN_TITLE_CHARS)
            .collect();
        FormColumnNames {
            vocab,
            forms,
            titles,
        }
    }

    /// Words any form may carry beside its own columns' (科目代码, 栏次, 序号, 备注): they
    /// tell no form from another.
    fn is_neutral(&self, key: &str) -> bool {
        self.vocab.is_code_header(key) || self.vocab.heads_added_column(key) || key == "栏次"
    }

    fn names_a_title(&self, key: &str) -> bool {
        self.titles.iter().any(|t| key.contains(t.as_str()))
    }
}

impl ColumnNames for FormColumnNames<'_> {
    /// Some form whose header words `table`'s header shows, most of them, names every word
    /// of `part`'s header, one at least that `table` lacks; no part's word names a form.
    fn names_further_columns(&self, table: &[String], part: &[String]) -> bool {
        let keys = |words: &[String]| -> Vec<String> {
            let keys = words.iter().map(|w| label_key(w));
            keys.filter(|k| !self.is_neutral(k)).collect()
        };
        let (table, part) = (keys(table), keys(part));
        if part.is_empty() || part.iter().any(|k| self.names_a_title(k)) {
            return false;
        }
        let lacked = part.iter().any(|k| !table.contains(k));
        lacked
            && self.forms.iter().any(|form| {
                let shown = table.iter().filter(|k| form.contains(*k)).count();
                2 * shown >= table.len().max(1)
                    && shown > 0
                    && part.iter().all(|k| form.contains(k))
            })
    }
}

/// A form's header words as comparison keys, with the vocabulary's synonyms.
fn header_words(form: &Form, vocab: &Vocabulary) -> HashSet<String> {
    let headers = (form.blocks.iter()).flat_map(|b| b.header.iter().flatten().map(|h| h.text()));
    let columns = (form.blocks.iter())
        .flat_map(|b| b.panels.iter().flat_map(|p| p.columns.iter()))
        .flat_map(|c| c.label.iter().chain(&c.aliases).map(String::as_str));
    let own: Vec<String> = headers.chain(columns).map(label_key).collect();
    let synonyms = own.iter().flat_map(|k| vocab.synonyms_of(k).iter().cloned());
    synonyms.chain(own.iter().cloned()).collect()
}

/// A title without its year's placeholder (`{year}年部门收支总体情况表` → `年部门收支总体情况表`).
fn undated(title: &str) -> String {
    let mut out = String::new();
    let mut rest = title;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        rest = rest[open..].find('}').map_or("", |close| &rest[open + close + 1..]);
    }
    out.push_str(rest);
    out
}
