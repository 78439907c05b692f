//! The 科目 of a document's coded tables as figures a sentence may state: each row's name
//! (`社会保障和就业支出47.76万元`, `一般公共服务（类）支出…`) and each 项 by its path
//! `类（类）款（款）项（项）`, heading the sentences that follow it (`支出决算为418.68万元`).

use super::patterns::{CellRef, Pattern, Patterns};
use crate::calc::Book;
use crate::form::Family;
use crate::model::RowKind;
use std::collections::HashMap;

/// The patterns with one more per 科目 of the coded tables `patterns.subjects` name, and the
/// 项 by (款 name, 项 name).
pub struct WithSubjects {
    pub patterns: Patterns,
    pub items: HashMap<(String, String), usize>,
}

/// Adds the 科目 of the tables the document holds: a name found in several rows of one table
/// is left out (a 行政运行 of which 款?), a 项 is still known by its path.
pub fn with_subjects(patterns: &Patterns, book: &Book) -> WithSubjects {
    let mut out = patterns.clone();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut items = HashMap::new();
    for source in &patterns.subjects {
        let Some(fi) = book.form_index(&source.form) else {
            continue;
        };
        let budget = book.forms[fi].0.family == Family::Budget;
        let rows: Vec<(&str, &str)> = book.forms[fi]
            .1
            .rows
            .iter()
            .filter(|r| r.kind == RowKind::Coded)
            .filter_map(|r| Some((r.code.as_deref()?, r.label.as_deref()?.trim())))
            .collect();
        let names: HashMap<&str, &str> = rows.iter().copied().collect();
        let mut named: HashMap<&str, usize> = HashMap::new();
        for &(_, name) in &rows {
            *named.entry(name).or_default() += 1;
        }
        for &(code, name) in &rows {
            let cell = CellRef {
                form: source.form.clone(),
                cell: format!("[{code}].{}", source.column),
            };
            let unique = named[name] == 1;
            let at = *by_name.entry(format!("{code}:{name}")).or_insert_with(|| {
                out.statement.push(subject(code, name, unique));
                out.statement.len() - 1
            });
            let own = &mut out.statement[at];
            add_cell(own, cell, budget);
            for (of, column) in &source.parts {
                let cell = CellRef {
                    form: source.form.clone(),
                    cell: format!("[{code}].{column}"),
                };
                add_cell(part_of(own, of), cell, budget);
            }
            if let Some(kuan) = code
                .get(..5)
                .filter(|_| code.len() == 7)
                .and_then(|k| names.get(k))
            {
                items
                    .entry((kuan.to_string(), name.to_string()))
                    .or_insert(at);
            }
        }
    }
    WithSubjects {
        patterns: out,
        items,
    }
}

/// The figure `own` is as a part of the figure `of`, made on first use.
fn part_of<'p>(own: &'p mut Pattern, of: &str) -> &'p mut Pattern {
    let at = match own.as_part_of.iter().position(|(o, _)| o == of) {
        Some(i) => i,
        None => {
            // The same 科目, named alike, with none of the cells of its total.
            let shape = Pattern {
                actual: vec![],
                budget: vec![],
                initial: vec![],
                as_part_of: vec![],
                ..own.clone()
            };
            own.as_part_of.push((of.to_string(), shape));
            own.as_part_of.len() - 1
        }
    };
    &mut own.as_part_of[at].1
}

/// A table's cell of a figure: a 预算 table's on the budget basis.
fn add_cell(pattern: &mut Pattern, cell: CellRef, budget: bool) {
    if budget {
        pattern.budget.push(cell);
    } else {
        pattern.actual.push(cell);
    }
}

/// The pattern of one 科目: labelled by its name when the name is its own.
fn subject(code: &str, name: &str, unique: bool) -> Pattern {
    Pattern {
        id: format!("subject-{code}"),
        labels: if unique {
            vec![name.to_string()]
        } else {
            vec![]
        },
        unit: Default::default(),
        part: false,
        actual: vec![],
        budget: vec![],
        initial: vec![],
        examples: vec![],
        shown: Some(format!("{code} {name}")),
        as_part_of: vec![],
    }
}

/// The 款 and 项 of a path `类（类）款（款）项（项）` in `text`, spaces dropped.
pub fn item_path(text: &str) -> Option<(String, String)> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .replace(['(', '（'], "（")
        .replace([')', '）'], "）");
    let item_end = t.find("（项）")?;
    let kuan_end = t[..item_end].rfind("（款）")?;
    let class_end = t[..kuan_end].rfind("（类）")?;
    let kuan = &t[class_end + "（类）".len()..kuan_end];
    let item = &t[kuan_end + "（款）".len()..item_end];
    Some((kuan.to_string(), item.to_string()))
}
