//! Definitions read from files (`--templates DIR`) and validated as a set — references that
//! resolve, no cycle between derived cells, no derived input, no overlapping merges — which
//! takes the calculator and the layout, so it sits above them and the catalogue.

use crate::calc::{blank_data, BindError, Book, Instance, Scope};
use crate::expr::CellId;
use crate::form::{Catalog, DefError, Form, Rule, RulesAt, Selector, Target};
use std::collections::{HashMap, HashSet};
use std::path::Path;

impl Catalog {
    /// Every `*.toml` of a folder (replacing the built-in definitions).
    pub fn from_dir(dir: &Path) -> Result<Catalog, DefError> {
        let err = |m: String| DefError {
            file: dir.display().to_string(),
            form: "-".into(),
            field: "-".into(),
            message: m,
        };
        let rd = std::fs::read_dir(dir).map_err(|e| {
            err(format!(
                "无法读取模板目录：{e}（请检查 --templates 给出的路径）"
            ))
        })?;
        let mut files: Vec<_> = rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(err("目录中没有 .toml 表格定义文件".into()));
        }
        let mut sources = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f)
                .map_err(|e| err(format!("无法读取 {}：{e}", f.display())))?;
            sources.push((f.display().to_string(), text));
        }
        Catalog::from_sources(sources)
    }

    /// Definitions from their sources, validated as a set.
    pub fn from_sources(sources: Vec<(String, String)>) -> Result<Catalog, DefError> {
        let cat = Catalog::compiled(
            sources
                .iter()
                .map(|(name, text)| (name.clone(), crate::form::Source::Toml(text))),
            RulesAt::Load,
        )?;
        cat.validate()?;
        Ok(cat)
    }

    fn validate(&self) -> Result<(), DefError> {
        let book = Book::new(
            self.forms
                .iter()
                .map(|f| (f, blank_data(f, None, None, true)))
                .collect(),
        );
        let mut derived: HashMap<CellId, Vec<CellId>> = HashMap::new();
        for fi in 0..self.forms.len() {
            self.validate_form(&book, fi, &mut derived)?;
        }
        match find_cycle(&derived) {
            Some(cycle) => Err(self.cycle_error(&cycle)),
            None => Ok(()),
        }
    }

    /// One form's rules bound to a blank book, each derived cell claimed once (into
    /// `derived`, with the cells it reads), its merges and its `actual_from` expressions.
    fn validate_form(
        &self,
        book: &Book,
        fi: usize,
        derived: &mut HashMap<CellId, Vec<CellId>>,
    ) -> Result<(), DefError> {
        let form = &self.forms[fi];
        for (what, rules) in [("derive", form.derive()), ("check", form.check())] {
            for (i, rule) in rules.iter().enumerate() {
                let field = format!("{what}[{i}]（{}）", rule.id);
                self.validate_references(form, rule, &field)?;
                let insts = book
                    .instances(fi, rule, true)
                    .map_err(|e| bind_error(form, format!("{field}.expr"), e))?;
                if what == "derive" {
                    claim_targets(form, &field, insts, derived)?;
                }
            }
        }
        overlapping_merges(book, fi).map_err(|m| form_error(form, "blocks".into(), m))?;
        for (i, a) in form
            .scoring
            .iter()
            .flat_map(|s| s.actual_from.iter())
            .enumerate()
        {
            let scope = Scope {
                form: fi,
                row: None,
                col: None,
                template: true,
            };
            book.bind(&a.expr, scope).map_err(|e| {
                let field = format!("scoring.actual_from[{i}]（{}）.expr", a.id);
                bind_error(form, field, e)
            })?;
        }
        Ok(())
    }

    /// A rule's row selector names a row of its form, and its expressions name no repeatable
    /// form but its own (a workbook may hold several: which one would be unknown).
    fn validate_references(&self, form: &Form, rule: &Rule, field: &str) -> Result<(), DefError> {
        if let Target::Rows {
            selector: Selector::Row(id),
            ..
        } = &rule.target
        {
            if form.fixed_row(id.as_str()).is_none() {
                return Err(form_error(
                    form,
                    format!("{field}.rows"),
                    format!("未知的行或栏目组“{id}”"),
                ));
            }
        }
        for expr in std::iter::once(&rule.expr).chain(rule.condition.iter()) {
            let mut others: Vec<String> = Vec::new();
            expr.expr().forms(&mut others);
            if let Some(o) = others
                .iter()
                .find(|o| **o != form.id && self.get(o).is_some_and(|f| f.repeatable))
            {
                return Err(form_error(
                    form,
                    format!("{field}.expr"),
                    format!(
                        "引用了可重复的表“{o}”：一个工作簿可有多张该表，无法确定引用哪一张；请把规则写在“{o}”中"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The error of a cycle among derived cells, at the form of its first cell.
    fn cycle_error(&self, cycle: &[CellId]) -> DefError {
        let form = &self.forms[cycle[0].form];
        let path: Vec<String> = cycle
            .iter()
            .map(|c| format!("{}!{}", self.forms[c.form].id, c.key()))
            .collect();
        form_error(
            form,
            "derive".into(),
            format!("计算单元格之间存在循环引用：{}", path.join(" → ")),
        )
    }
}

fn form_error(form: &Form, field: String, message: String) -> DefError {
    DefError {
        file: form.file.clone(),
        form: form.id.clone(),
        field,
        message,
    }
}

fn bind_error(form: &Form, field: String, e: BindError) -> DefError {
    match e {
        BindError::MissingForm(id) => form_error(form, field, format!("引用了不存在的表“{id}”")),
        other => form_error(form, field, other.to_string()),
    }
}

/// Each cell a derive rule's instances compute: not also an input, not derived by another
/// rule; recorded with the cells it reads.
fn claim_targets(
    form: &Form,
    field: &str,
    insts: Vec<Instance>,
    derived: &mut HashMap<CellId, Vec<CellId>>,
) -> Result<(), DefError> {
    for inst in insts {
        let Some(t) = inst.target else { continue };
        if let Some((_, row)) = form.fixed_row(&t.row) {
            if row.declares_input(t.column()) {
                return Err(form_error(
                    form,
                    field.into(),
                    format!(
                        "单元格 {} 既是计算单元格又被声明为填报单元格（inputs）",
                        t.key()
                    ),
                ));
            }
        }
        if derived.contains_key(&t) {
            return Err(form_error(
                form,
                field.into(),
                format!("单元格 {} 被多条计算规则定义", t.key()),
            ));
        }
        let mut reads = Vec::new();
        inst.bound.cells(&mut reads);
        derived.insert(t, reads);
    }
    Ok(())
}

fn overlapping_merges(book: &Book, fi: usize) -> Result<(), String> {
    let (form, data) = (book.forms[fi].0, &book.forms[fi].1);
    let layout = crate::layout::layout(form, data, fi, &|_| true);
    let mut taken: HashMap<(u32, u16), usize> = HashMap::new();
    for (i, p) in layout.cells.iter().enumerate() {
        for r in p.row..p.row + p.rows {
            for c in p.col..p.col + p.cols {
                if let Some(&j) = taken.get(&(r, c)) {
                    let q = &layout.cells[j];
                    let span = |x: &crate::layout::Placed| {
                        format!(
                            "{}:{}",
                            crate::layout::a1(x.row, x.col),
                            crate::layout::a1(x.row + x.rows - 1, x.col + x.cols - 1)
                        )
                    };
                    return Err(format!(
                        "单元格区域重叠：{}（{:?}）与 {}（{:?}）",
                        span(q),
                        q.content,
                        span(p),
                        p.content
                    ));
                }
                taken.insert((r, c), i);
            }
        }
    }
    Ok(())
}

/// A cycle in the derived-cell graph, as the list of cells around it.
fn find_cycle(graph: &HashMap<CellId, Vec<CellId>>) -> Option<Vec<CellId>> {
    let mut done: HashSet<&CellId> = HashSet::new();
    let mut keys: Vec<&CellId> = graph.keys().collect();
    keys.sort();
    for start in keys {
        let mut stack: Vec<(&CellId, usize)> = vec![(start, 0)];
        let mut on_path: Vec<&CellId> = vec![start];
        if done.contains(start) {
            continue;
        }
        while let Some((node, i)) = stack.pop() {
            let next = graph.get(node).and_then(|v| v.get(i));
            match next {
                Some(n) => {
                    stack.push((node, i + 1));
                    if !graph.contains_key(n) || done.contains(n) {
                        continue;
                    }
                    if let Some(pos) = on_path.iter().position(|p| *p == n) {
                        let mut cycle: Vec<CellId> =
                            on_path[pos..].iter().map(|c| (*c).clone()).collect();
                        cycle.push(n.clone());
                        return Some(cycle);
                    }
                    on_path.push(n);
                    stack.push((n, 0));
                }
                None => {
                    done.insert(node);
                    on_path.pop();
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON the build embeds reads as the `templates/` folder it was made of.
    #[test]
    fn embedded_definitions_are_the_templates_folder() {
        let embedded = Catalog::embedded().unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut folder = Catalog::from_dir(&dir).unwrap();
        for f in &mut folder.forms {
            f.file = Path::new(&f.file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into();
        }
        assert_eq!(folder.forms.len(), embedded.forms.len());
        for (a, b) in folder.forms.iter().zip(&embedded.forms) {
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{}", a.file);
        }
        assert_eq!(folder.vocabulary, embedded.vocabulary);
        let shown = |c: &Catalog| format!("{:?}", c.statements);
        assert_eq!(shown(&folder), shown(&embedded));
    }

    /// The built-in definitions are loaded without their rules compiled and without the set's
    /// validation: both run here.
    #[test]
    fn embedded_definitions_validate() {
        let cat = Catalog::embedded().expect("the built-in definitions compile");
        assert_eq!(cat.forms.len(), 23);
        for f in &cat.forms {
            f.compile_rules().expect("the built-in rules compile");
        }
        cat.validate().expect("the built-in definitions validate");
    }

    /// Loading the built-in definitions compiles no rule; asking a form for its rules compiles
    /// that form's only. A folder's definitions are compiled at once.
    #[test]
    fn built_in_rules_compile_on_first_use() {
        let cat = Catalog::embedded().unwrap();
        assert!(cat.forms.iter().all(|f| !f.rules_compiled()));
        let form = cat.get("final-01").unwrap();
        assert!(!form.derive().is_empty());
        let compiled: Vec<&str> = cat
            .forms
            .iter()
            .filter(|f| f.rules_compiled())
            .map(|f| f.id.as_str())
            .collect();
        assert_eq!(compiled, ["final-01"]);
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let folder = Catalog::from_dir(&dir).unwrap();
        assert!(folder.forms.iter().all(|f| f.rules_compiled()));
    }
}
