//! The forms' column names, for the PDF reader to tell a page of further columns of a table from a page of another form standing as high.

use crate::form::{Catalog, Family, Form, Vocabulary};
use crate::normalize::label_key;
use crate::read::ColumnNames;
use std::collections::{HashMap, HashSet};

/// One form's words, as comparison keys.
struct FormWords {
    /// Its header texts, its columns' labels and aliases, and the vocabulary's synonyms.
    names: HashSet<String>,
    /// How many cells of its header show each text (公开01表's 金额 twice).
    cells: HashMap<String, usize>,
}

impl FormWords {
    /// Whether `table`'s header is this form's, most of its words, and `part`'s words all
    /// name columns of it `table` lacks — no more cells of a word between them than the
    /// form's header shows (公开01表's 金额 twice) —.
    fn takes(&self, table: &[String], part: &[String]) -> bool {
        let shown = table.iter().filter(|k| self.names.contains(*k)).count();
        let count = |words: &[String], k: &String| words.iter().filter(|w| *w == k).count();
        let lacked = |k: &String| {
            let room = self.cells.get(k).copied().unwrap_or(0).max(1);
            self.names.contains(k) && count(table, k) + count(part, k) <= room
        };
        shown > 0 && 2 * shown >= table.len() && part.iter().all(lacked)
    }
}

/// Every form's words and title.
pub struct FormColumnNames<'c> {
    vocab: &'c Vocabulary,
    forms: Vec<FormWords>,
    titles: Vec<String>,
}

/// A form's title this long at least is looked for inside a header cell.
const MIN_TITLE_CHARS: usize = 4;

impl<'c> FormColumnNames<'c> {
    pub fn new(catalog: &'c Catalog) -> Self {
        let vocab = &catalog.vocabulary;
        let forms = catalog.forms.iter().map(|f| form_words(f, vocab)).collect();
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

    /// Words any form may carry beside its own columns' (科目代码, 栏次, 序号, 备注), and a
    /// field a sheet ruled whole prints in its table (单位：万元): they tell no form from
    /// another.
    fn is_neutral(&self, key: &str) -> bool {
        self.vocab.is_code_header(key) || self.vocab.heads_added_column(key) || key.contains(':')
    }

    fn names_a_title(&self, key: &str) -> bool {
        self.titles.iter().any(|t| key.contains(t.as_str()))
    }
}

impl ColumnNames for FormColumnNames<'_> {
    /// Some form takes `part` beside `table` (see [`FormWords::takes`]); no word of `part`
    /// names a form.
    fn names_further_columns(&self, table: &[String], part: &[String]) -> bool {
        let keys = |words: &[String]| -> Vec<String> {
            let keys = words.iter().map(|w| label_key(w));
            keys.filter(|k| !self.is_neutral(k)).collect()
        };
        let (table, part) = (keys(table), keys(part));
        !part.is_empty()
            && !part.iter().any(|k| self.names_a_title(k))
            && self.forms.iter().any(|f| f.takes(&table, &part))
    }
}

fn form_words(form: &Form, vocab: &Vocabulary) -> FormWords {
    let headers: Vec<String> = (form.blocks.iter())
        .flat_map(|b| b.header.iter().flatten().map(|h| label_key(h.text())))
        .collect();
    let columns = (form.blocks.iter())
        .flat_map(|b| b.panels.iter().flat_map(|p| p.columns.iter()))
        .flat_map(|c| c.label.iter().chain(&c.aliases).map(|t| label_key(t)));
    let own: Vec<String> = headers.iter().cloned().chain(columns).collect();
    // A 决算 form's 金额 is its 决算数, never a 预算数, and the other way round.
    let other_family = match form.family {
        Family::Final => Some("预算"),
        Family::Budget => Some("决算"),
        Family::Perf => None,
    };
    let synonyms = (own.iter())
        .flat_map(|k| vocab.synonyms_of(k).iter().cloned())
        .filter(|w| other_family.is_none_or(|other| !w.contains(other)));
    let mut cells = HashMap::new();
    for k in headers {
        *cells.entry(k).or_default() += 1;
    }
    FormWords {
        names: synonyms.chain(own.iter().cloned()).collect(),
        cells,
    }
}

/// A title without its year's placeholder (`{year}年部门收支总体情况表` → `年部门收支总体情况表`).
fn undated(title: &str) -> String {
    let mut out = String::new();
    let mut rest = title;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        rest = rest[open..]
            .find('}')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|t| t.to_string()).collect()
    }

    fn judge(table: &[&str], part: &[&str]) -> bool {
        let catalog = Catalog::embedded().unwrap();
        FormColumnNames::new(&catalog).names_further_columns(&words(table), &words(part))
    }

    #[test]
    fn the_missing_columns_of_the_tables_form_are_further_columns() {
        let left = [
            "项目",
            "科目编码",
            "科目名称",
            "本年收入合计",
            "财政拨款收入",
            "上级补助收入",
        ];
        let right = ["事业收入", "经营收入", "附属单位上缴收入", "其他收入"];
        assert!(judge(&left, &right));
    }

    #[test]
    fn another_forms_header_or_title_is_no_further_columns() {
        let fund = [
            "科目代码",
            "科目名称",
            "年初结转和结余",
            "本年收入",
            "基本支出",
            "项目支出",
            "本年支出",
            "小计",
        ];
        assert!(!judge(&fund, &["预算数", "决算数"]));
        assert!(
            !judge(&fund, &["基本支出", "项目支出"]),
            "columns the table holds"
        );
        let left = [
            "项目",
            "科目编码",
            "科目名称",
            "本年收入合计",
            "财政拨款收入",
        ];
        assert!(!judge(&left, &["支出决算表", "其他收入"]));
    }

    #[test]
    fn a_column_the_form_names_twice_may_come_once_more() {
        let left = ["收入", "支出", "项目", "行次", "金额", "项目", "行次"];
        assert!(judge(&left, &["金额"]));
        let both = [
            "收入", "支出", "项目", "行次", "金额", "项目", "行次", "金额",
        ];
        assert!(!judge(&both, &["金额"]), "no third 金额");
    }
}
