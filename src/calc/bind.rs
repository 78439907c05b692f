//! Binds rule expressions to the concrete cells of a workbook's forms: which row `L27` is,
//! which rows are a 科目's children, which columns `c2:c7` covers.

use super::Book;
use crate::expr::{parse, Bound, CellId, Expr, Func, Head, Name, ParseError, Ref, Template, Val};
use crate::form::{Form, RowFilter, Rule, Selector, Target};
use crate::model::{FastMap, FastSet, FormData, Key, RowData, RowKind, UnheadedPart};
use crate::normalize::decimal_text;
use indexmap::IndexMap;

/// Why a rule could not be bound.
#[derive(Debug, Clone, PartialEq)]
pub enum BindError {
    /// The rule reads a form the workbook does not contain.
    MissingForm(String),
    /// The rule reads a column its table was printed without and does not hold there
    /// (`公开03表 缺少“项目支出”列`): not a binding error, a rule that could not be judged.
    AbsentColumn(String),
    /// The rule sums the children of a row that a 科目 row read without a code may be one of
    /// (see [`FormData::uncoded`]): not a binding error, a rule that could not be judged.
    CodeUnknown(String),
    /// A reference a rule names by text (a score's `cells`) does not parse.
    Parse(ParseError),
    /// A reference by text that is an expression, not a cell.
    NotACell { reference: String },
    /// A row's panel the form does not define.
    RowPanel { panel: String },
    /// A panel the form does not define.
    UnknownPanel { panel: String },
    /// A column the panel does not have.
    NoColumn { panel: String, col: String },
    /// A row selector naming neither a row nor a panel of the form.
    UnknownRow { id: String },
    /// A reference naming nothing of the form.
    UnknownRef { reference: String, form: String },
    /// A reference to a row of several columns that names none, outside a per-column rule.
    RefNeedsColumn { reference: String },
    /// A reference to a column its row's panel lacks.
    RefNoColumn {
        reference: String,
        panel: String,
        col: String,
    },
    /// `@group` in a rule that is not per row.
    GroupOutsideRow,
    /// `@group` on a row of a list that is not grouped.
    NotGrouped { row: String },
    /// `sumif` over something that is not a column of cells.
    SumIfCells,
    /// `lookup` whose names and values are not columns.
    LookupColumns,
    /// `children` in a rule that is not per row.
    ChildrenOutsideRow,
    /// `children` in a rule that is not per column.
    ChildrenNeedColumn,
    /// A range whose ends are not both fixed rows.
    RangeEnds { from: String, to: String },
    /// A range from a row of one panel to a row of another.
    RangeAcrossPanels { from: String, to: String },
}

impl std::fmt::Display for BindError {
    /// What is wrong, in Chinese, as the rule-not-applied finding quotes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use BindError::*;
        match self {
            MissingForm(id) => write!(f, "工作簿中没有可审核的 {id}"),
            AbsentColumn(named) | CodeUnknown(named) => write!(f, "{named}"),
            Parse(e) => write!(f, "{e}"),
            NotACell { reference } => write!(f, "“{reference}”不是单元格引用"),
            RowPanel { panel } => write!(f, "栏目组 {panel}"),
            UnknownPanel { panel } => write!(f, "未知的栏目组“{panel}”"),
            NoColumn { panel, col } => write!(f, "栏目组“{panel}”没有列“{col}”"),
            UnknownRow { id } => write!(f, "未知的行或栏目组“{id}”"),
            UnknownRef { reference, form } => write!(f, "未知的引用“{reference}”（表 {form}）"),
            RefNeedsColumn { reference: r } => write!(f, "引用“{r}”需要指明列（如 {r}.c1）"),
            RefNoColumn {
                reference,
                panel,
                col,
            } => write!(f, "引用“{reference}”：栏目组“{panel}”没有列“{col}”"),
            GroupOutsideRow => write!(f, "@group 只能用于按行的规则"),
            NotGrouped { row } => write!(
                f,
                "@group 只能用于分组清单（list.group_by）的行，“{row}”不是"
            ),
            SumIfCells => write!(f, "sumif 的第一个参数应为一列单元格（如 @projects.fund）"),
            LookupColumns => write!(f, "lookup 的第 2、3 个参数须为 @栏目组.列"),
            ChildrenOutsideRow => write!(f, "children 只能用于按行的规则"),
            ChildrenNeedColumn => write!(f, "children 需要列"),
            RangeEnds { from, to } => write!(f, "区域“{from}:{to}”两端须为同一栏目组的固定行"),
            RangeAcrossPanels { from, to } => write!(f, "区域“{from}:{to}”跨越了栏目组"),
        }
    }
}

/// Per-form lookup tables, built once per workbook.
#[derive(Debug, Default, Clone)]
pub struct Index {
    pos: FastMap<Name, usize>,
    /// The same positions by the address of the row's own key text, which the cell ids bound
    /// to the row share: found without hashing the text. Only where `pos` gives that very row.
    at: FastMap<usize, usize>,
    line: FastMap<u32, usize>,
    /// Child row keys of every row that has children (the total's are the top-level rows).
    pub children: FastMap<Name, Vec<Name>>,
    /// Coded rows whose parent 科目 row is missing.
    pub orphans: Vec<Name>,
    /// List groups (`group_by`): the first row's key → the keys of the group's rows.
    pub groups: IndexMap<Name, Vec<Name>>,
    /// Each grouped list row's group (its first row's key).
    pub group_of: FastMap<Name, Name>,
    /// The form's column ids, each held once: the cell ids of a column share its text.
    columns: FastSet<Name>,
}

impl Index {
    pub fn new(form: &Form, data: &FormData) -> Index {
        let mut ix = Index::default();
        ix.pos.reserve(data.rows.len());
        for (i, r) in data.rows.iter().enumerate() {
            ix.pos.insert(r.key.clone(), i);
            if let Some(l) = r.line {
                ix.line.insert(l, i);
            }
        }
        ix.at.reserve(data.rows.len());
        for (i, r) in data.rows.iter().enumerate() {
            if ix.pos.get(&r.key) == Some(&i) {
                ix.at.insert(r.key.as_ptr() as usize, i);
            }
        }
        for p in form.panels() {
            ix.columns.extend(p.columns.iter().map(|c| c.id.clone()));
            for r in &p.rows {
                if let Some(parent) = &r.parent {
                    let (parent, child) = (ix.row_name(parent), ix.row_name(&r.id));
                    ix.children.entry(parent).or_default().push(child);
                }
            }
            // Fixed rows carrying codes (公开06表) form a hierarchy by code like 科目 rows.
            let coded_fixed: Vec<&RowData> = data
                .rows
                .iter()
                .filter(|r| r.panel == p.id && r.kind == RowKind::Fixed && r.code.is_some())
                .collect();
            if coded_fixed.len() > 1 {
                code_tree(&coded_fixed, None, &[3, 5, 7], &mut ix);
            }
            if let Some(coded) = &p.coded {
                let rows: Vec<&RowData> = data
                    .rows
                    .iter()
                    .filter(|r| r.panel == p.id && r.kind == RowKind::Coded)
                    .collect();
                code_tree(&rows, Some(Key::Total.as_str()), &coded.levels, &mut ix);
            }
            if let Some(col) = p.list.as_ref().and_then(|l| l.group_by.as_deref()) {
                for group in list_groups(data, &p.id, col) {
                    for k in &group {
                        ix.group_of.insert(k.clone(), group[0].clone());
                    }
                    ix.groups.insert(group[0].clone(), group);
                }
            }
        }
        ix
    }
    pub fn row_pos(&self, key: &str) -> Option<usize> {
        self.pos.get(key).copied()
    }
    /// [`Index::row_pos`] of the row whose own key is this very text (the same address), if
    /// the index holds it; the caller checks that the row there still has it.
    pub fn row_at(&self, key: &str) -> Option<usize> {
        self.at.get(&(key.as_ptr() as usize)).copied()
    }
    /// Row key `key` as the form's rows hold it, shared; new text for a row added since.
    pub fn row_name(&self, key: &str) -> Name {
        self.pos
            .get_key_value(key)
            .map_or_else(|| Name::from(key), |(k, _)| k.clone())
    }
    /// Column id `col` as the index holds it, shared; new text for a column the form lacks.
    pub fn column_name(&self, col: &str) -> Name {
        self.columns
            .get(col)
            .cloned()
            .unwrap_or_else(|| Name::from(col))
    }
    pub fn line_pos(&self, line: u32) -> Option<usize> {
        self.line.get(&line).copied()
    }
}

/// The groups of a list panel's rows by column `col`, in order. A row continues the group
/// above when its cell is blank (the rows under a merged 一级指标 or project name read from
/// an unmerged sheet), when it shows the same merged cell (same origin), or when it repeats
/// the group's text (spacing and full-width forms aside) and neither is a merged block;
/// otherwise it starts a group. So two units merged over consecutive blocks stay apart even
/// with the same 单位编码, and a name typed on every row of an unmerged sheet (or a template)
/// still makes one group.
fn list_groups(data: &FormData, panel: &str, col: &str) -> Vec<Vec<Name>> {
    let rows: Vec<&RowData> = data
        .rows
        .iter()
        .filter(|r| r.panel == panel && r.kind == RowKind::List)
        .collect();
    let origin = |i: usize| data.origin.get(&format!("{}.{col}", rows[i].key));
    let merged = |i: usize| {
        origin(i).is_some_and(|o| {
            (i > 0 && origin(i - 1) == Some(o)) || (i + 1 < rows.len() && origin(i + 1) == Some(o))
        })
    };
    let mut groups: Vec<Vec<Name>> = Vec::new();
    // The group's text and whether its cell is a merged block.
    let mut current: Option<(String, bool)> = None;
    for (i, r) in rows.iter().enumerate() {
        let v = r.get(col);
        let text = match &v {
            Val::Text(t) => crate::normalize::label_key(t),
            Val::Num(d) => decimal_text(*d),
            _ => String::new(),
        };
        let continues = match &current {
            None => false,
            Some(_) if v.is_blank() => true,
            Some(_) if origin(i).is_some() && origin(i) == origin(i - 1) => true,
            Some((group_text, block)) => *group_text == text && !*block && !merged(i),
        };
        if continues {
            if let Some(g) = groups.last_mut() {
                g.push(r.key.clone());
            }
        } else {
            groups.push(vec![r.key.clone()]);
            current = Some((text, merged(i)));
        }
    }
    groups
}

/// Parent of each coded row = the longest present code that is a proper prefix of it at a
/// hierarchy level; rows without one hang under `total` (and are orphans unless top-level).
fn code_tree(rows: &[&RowData], total: Option<&str>, levels: &[usize], ix: &mut Index) {
    let total = total.map(Name::from);
    let present: FastMap<&str, &Name> = rows
        .iter()
        .filter_map(|r| r.code.as_deref().map(|c| (c, &r.key)))
        .collect();
    let top = levels.first().copied().unwrap_or(3);
    for r in rows {
        let Some(code) = r.code.as_deref() else {
            continue;
        };
        let parent = levels
            .iter()
            .rev()
            .filter(|&&l| l < code.len())
            .find_map(|&l| code.get(..l).and_then(|p| present.get(p)));
        // A 项 whose 款 is missing is an orphan even when its 类 is there: it still counts
        // in the nearest ancestor's sum so totals stay right.
        let direct = levels.iter().rev().find(|&&l| l < code.len());
        if total.is_some() && code.len() > top {
            if let Some(&l) = direct {
                if code.get(..l).is_none_or(|p| !present.contains_key(p)) {
                    ix.orphans.push(r.key.clone());
                }
            }
        }
        match (parent, &total) {
            (Some(p), _) => ix
                .children
                .entry(Name::clone(p))
                .or_default()
                .push(r.key.clone()),
            (None, Some(t)) => {
                ix.children
                    .entry(t.clone())
                    .or_default()
                    .push(r.key.clone());
            }
            (None, None) => {}
        }
    }
}

/// The row and column a rule is being applied to.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub form: usize,
    pub row: Option<&'a RowData>,
    pub col: Option<&'a str>,
    /// Blank template: a coded total sums whatever top-level codes the clerk types.
    pub template: bool,
}

/// One application of a rule: the cell it defines (derive) or judges (check), and the bound
/// expression.
#[derive(Debug, Clone)]
pub struct Instance {
    pub target: Option<CellId>,
    pub bound: Bound,
    /// The rule's `where` condition, bound in the same scope as the expression (checks
    /// only): the rule applies only where it holds.
    pub condition: Option<Bound>,
}

impl Book<'_> {
    /// Every instance of a rule of form `fi`.
    /// The logical cell a reference of form `fi` names (`L27`, `data.c7`, `total_score`),
    /// as a rule's `cells` would target it.
    pub fn cell_named(&self, fi: usize, reference: &str) -> Result<CellId, BindError> {
        let Expr::Ref(r) = parse(reference).map_err(BindError::Parse)? else {
            return Err(BindError::NotACell {
                reference: reference.to_string(),
            });
        };
        let scope = Scope {
            form: fi,
            row: None,
            col: None,
            template: false,
        };
        self.resolve(&r, scope)
    }

    pub fn instances(
        &self,
        fi: usize,
        rule: &Rule,
        template: bool,
    ) -> Result<Vec<Instance>, BindError> {
        let whole = Scope {
            form: fi,
            row: None,
            col: None,
            template,
        };
        match &rule.target {
            Target::Cells(cells) if cells.is_empty() => Ok(vec![self.instance(rule, None, whole)?]),
            Target::Cells(cells) => cells
                .iter()
                .map(|r| {
                    let cell = self.resolve(r, whole)?;
                    let row = self.forms[fi].1.row(&cell.row);
                    let s = Scope {
                        row,
                        col: cell.column(),
                        ..whole
                    };
                    let mut inst = self.instance(rule, row, s)?;
                    inst.target = Some(cell);
                    Ok(inst)
                })
                .collect(),
            Target::Rows {
                selector,
                columns,
                only_coded,
            } => {
                let mut out = Vec::new();
                for row in self.select_rows(fi, selector)? {
                    if *only_coded && row.code.is_none() {
                        continue;
                    }
                    self.row_instances(fi, rule, row, columns, template, &mut out)?;
                }
                Ok(out)
            }
        }
    }

    /// The instances of a row rule on one row, one a column.
    fn row_instances(
        &self,
        fi: usize,
        rule: &Rule,
        row: &RowData,
        columns: &[String],
        template: bool,
        out: &mut Vec<Instance>,
    ) -> Result<(), BindError> {
        let form = self.forms[fi].0;
        let panel = form.panel(&row.panel).ok_or_else(|| BindError::RowPanel {
            panel: row.panel.clone(),
        })?;
        if form.fixed_row(&row.key).is_some_and(|(_, fr)| fr.blank) {
            return Ok(());
        }
        for col in columns {
            if panel.column(col).is_none() {
                return Err(BindError::NoColumn {
                    panel: panel.id.clone(),
                    col: col.clone(),
                });
            }
            let scope = Scope {
                form: fi,
                row: Some(row),
                col: Some(col.as_str()),
                template,
            };
            let mut inst = self.instance(rule, Some(row), scope)?;
            let col = self.index[fi].column_name(col);
            inst.target = Some(CellId::new(fi, row.key.clone(), col));
            out.push(inst);
        }
        Ok(())
    }

    /// The rule's expression and `where` condition bound in scope `s`, on `row`'s code and
    /// 行次; no target yet.
    fn instance(
        &self,
        rule: &Rule,
        row: Option<&RowData>,
        s: Scope,
    ) -> Result<Instance, BindError> {
        let bound = self.bind(&for_row(&rule.expr, row), s)?;
        let condition = match &rule.condition {
            None => None,
            Some(c) => Some(self.bind(&for_row(c, row), s)?),
        };
        Ok(Instance {
            target: None,
            bound,
            condition,
        })
    }

    fn select_rows(&self, fi: usize, selector: &Selector) -> Result<Vec<&RowData>, BindError> {
        let (form, data) = (self.forms[fi].0, &self.forms[fi].1);
        let ix = &self.index[fi];
        let (panel, filter) = match selector {
            Selector::Row(id) => {
                return match data.row(id) {
                    Some(r) => Ok(vec![r]),
                    None if form.fixed_row(id).is_some() => Ok(vec![]),
                    None => Err(BindError::UnknownRow { id: id.clone() }),
                }
            }
            Selector::Panel { panel, rows } => (panel, *rows),
        };
        let in_panel = data.rows.iter().filter(|r| &r.panel == panel);
        // A coded panel's total is always a parent: it sums the top-level rows, even none.
        let has_children = |r: &&RowData| {
            r.kind == RowKind::Total || ix.children.get(&r.key).is_some_and(|c| !c.is_empty())
        };
        Ok(match filter {
            RowFilter::All => in_panel.collect(),
            RowFilter::Parents => in_panel.filter(has_children).collect(),
            RowFilter::Leaves => in_panel
                .filter(|r| r.kind != RowKind::Total && !has_children(r))
                .collect(),
            RowFilter::Coded => in_panel.filter(|r| r.kind == RowKind::Coded).collect(),
            RowFilter::List => in_panel.filter(|r| r.kind == RowKind::List).collect(),
            RowFilter::Fixed => in_panel.filter(|r| r.kind == RowKind::Fixed).collect(),
            // The first row of each list group stands for the group.
            RowFilter::Groups => in_panel
                .filter(|r| ix.groups.contains_key(&r.key))
                .collect(),
        })
    }

    pub fn bind(&self, e: &Expr, s: Scope) -> Result<Bound, BindError> {
        Ok(match e {
            Expr::Num(d) => Bound::Num(*d),
            Expr::Str(t) => Bound::Str(t.clone()),
            Expr::Ref(r) => Bound::Cell(self.resolve(r, s)?),
            Expr::Range(a, b) => Bound::Cells(self.range(a, b, s)?),
            Expr::Children => self.children(s)?,
            Expr::All {
                form: None,
                panel,
                col,
            } if panel == "group" => self.group_cells(col, s)?,
            Expr::Call(Func::SumIf, args) => self.sumif(args, s)?,
            Expr::All {
                form: other,
                panel,
                col,
            } => Bound::Cells(self.all(other.as_deref(), panel, col, s)?),
            Expr::Call(Func::Lookup, args) => self.lookup(args, s)?,
            Expr::Neg(x) => Bound::Neg(Box::new(self.bind(x, s)?)),
            Expr::Not(x) => Bound::Not(Box::new(self.bind(x, s)?)),
            Expr::Bin(op, a, b) => {
                Bound::Bin(*op, Box::new(self.bind(a, s)?), Box::new(self.bind(b, s)?))
            }
            Expr::Cmp(op, a, b) => {
                Bound::Cmp(*op, Box::new(self.bind(a, s)?), Box::new(self.bind(b, s)?))
            }
            Expr::And(a, b) => Bound::And(Box::new(self.bind(a, s)?), Box::new(self.bind(b, s)?)),
            Expr::Or(a, b) => Bound::Or(Box::new(self.bind(a, s)?), Box::new(self.bind(b, s)?)),
            Expr::Call(f, args) => Bound::Call(
                *f,
                args.iter()
                    .map(|a| self.bind(a, s))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    /// `@group.col`: the column over the rows of the current row's list group.
    fn group_cells(&self, col: &str, s: Scope) -> Result<Bound, BindError> {
        let form = self.forms[s.form].0;
        let row = s.row.ok_or(BindError::GroupOutsideRow)?;
        if form
            .panel(&row.panel)
            .is_none_or(|p| p.column(col).is_none())
        {
            return Err(BindError::NoColumn {
                panel: row.panel.clone(),
                col: col.to_string(),
            });
        }
        let ix = &self.index[s.form];
        let members = ix
            .group_of
            .get(&row.key)
            .and_then(|head| ix.groups.get(head))
            .ok_or_else(|| BindError::NotGrouped {
                row: row.key.to_string(),
            })?;
        let col = ix.column_name(col);
        Ok(Bound::Cells(
            members
                .iter()
                .map(|k| CellId::new(s.form, k.clone(), col.clone()))
                .collect(),
        ))
    }

    /// `sumif(cells, condition)`: the condition bound once per cell, with its row current.
    fn sumif(&self, args: &[Expr], s: Scope) -> Result<Bound, BindError> {
        let cells = match self.bind(&args[0], s)? {
            Bound::Cells(cs) => cs,
            Bound::Cell(c) => vec![c],
            _ => return Err(BindError::SumIfCells),
        };
        let mut pairs = Vec::with_capacity(cells.len());
        for c in cells {
            let scope = Scope {
                form: c.form,
                row: self.forms[c.form].1.row(&c.row),
                col: c.column(),
                template: s.template,
            };
            let holds = self.bind(&args[1], scope)?;
            pairs.push((c, holds));
        }
        Ok(Bound::SumIf(pairs))
    }

    /// `@panel.col` (of form `other` when given): the column over the panel's variable rows.
    fn all(
        &self,
        other: Option<&str>,
        panel: &str,
        col: &str,
        s: Scope,
    ) -> Result<Vec<CellId>, BindError> {
        let fi = match other {
            None => s.form,
            Some(id) => self
                .forms
                .iter()
                .position(|(f, _)| f.id == id)
                .ok_or_else(|| BindError::MissingForm(id.to_string()))?,
        };
        let (form, data) = (self.forms[fi].0, &self.forms[fi].1);
        let p = form.panel(panel).ok_or_else(|| BindError::UnknownPanel {
            panel: panel.to_string(),
        })?;
        if p.column(col).is_none() {
            return Err(BindError::NoColumn {
                panel: panel.to_string(),
                col: col.to_string(),
            });
        }
        if let Some(e) = self.unheaded(fi, &UnheadedPart::Panel(panel.to_string())) {
            return Err(e);
        }
        let col = self.index[fi].column_name(col);
        Ok(data
            .rows
            .iter()
            .filter(|r| r.panel == panel && matches!(r.kind, RowKind::List | RowKind::Coded))
            .map(|r| CellId::new(fi, r.key.clone(), col.clone()))
            .collect())
    }

    /// `lookup(key, @p.names, @p.values)`, resolved now: the values cell of the one row whose
    /// name matches the key's text as filled (`names_match`), or a blank when no row or more
    /// than one matches. Names and keys are text, which no rule derives, so the input is final.
    fn lookup(&self, args: &[Expr], s: Scope) -> Result<Bound, BindError> {
        let key = self.bind(&args[0], s)?;
        let (Bound::Cells(names), Bound::Cells(values)) =
            (self.bind(&args[1], s)?, self.bind(&args[2], s)?)
        else {
            return Err(BindError::LookupColumns);
        };
        let text = |b: &Bound| match b {
            Bound::Cell(c) => match self.input(c) {
                crate::expr::Val::Text(t) => t,
                _ => String::new(),
            },
            Bound::Str(t) => t.clone(),
            _ => String::new(),
        };
        let key = text(&key);
        let name_of = |c: &CellId| text(&Bound::Cell(c.clone()));
        let pick = |exact: bool| -> Vec<usize> {
            names
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    let n = name_of(c);
                    if exact {
                        crate::normalize::strip_ordinal(&crate::normalize::label_key(&n))
                            == crate::normalize::strip_ordinal(&crate::normalize::label_key(&key))
                            && !key.trim().is_empty()
                    } else {
                        crate::normalize::names_match(&n, &key)
                    }
                })
                .map(|(i, _)| i)
                .collect()
        };
        let mut hits = pick(true);
        if hits.is_empty() {
            hits = pick(false);
        }
        Ok(match (hits.as_slice(), names.len() == values.len()) {
            ([i], true) => Bound::Cell(values[*i].clone()),
            _ => Bound::Str(String::new()),
        })
    }

    fn children(&self, s: Scope) -> Result<Bound, BindError> {
        let row = s.row.ok_or(BindError::ChildrenOutsideRow)?;
        let col = s.col.ok_or(BindError::ChildrenNeedColumn)?;
        if s.template && row.kind == RowKind::Total {
            return Ok(Bound::TopLevelSum {
                form: s.form,
                panel: row.panel.clone(),
                col: col.to_string(),
            });
        }
        if let Some(e) = self.child_uncoded(s.form, row) {
            return Err(e);
        }
        let ix = &self.index[s.form];
        let col = ix.column_name(col);
        let kids = ix.children.get(&row.key).map_or(&[][..], Vec::as_slice);
        Ok(Bound::Cells(
            kids.iter()
                .map(|k| CellId::new(s.form, k.clone(), col.clone()))
                .collect(),
        ))
    }

    /// Why the children of `row` of form `fi` cannot be summed: a 科目 row read without a code
    /// may be one of them.
    fn child_uncoded(&self, fi: usize, row: &RowData) -> Option<BindError> {
        let (form, data) = (self.forms[fi].0, &self.forms[fi].1);
        let u = data
            .uncoded
            .iter()
            .find(|u| u.may_be_under.iter().any(|k| **k == *row.key))?;
        let at = u.at.as_ref().map_or(String::new(), |p| format!("（{p}）"));
        Some(BindError::CodeUnknown(format!(
            "{} 的科目“{}”{at}没有科目代码，无法确定它是否为本行的下级科目",
            form.table_no, u.name
        )))
    }

    /// Why a rule reading 科目 `key` of form `fi` by its code is not judged: the form has no
    /// row of that code, and a row it read without a code may be that 科目 (one under a
    /// parent `key` has, or a 类 of its own).
    fn code_maybe_uncoded(&self, fi: usize, head: &Head, key: &str) -> Option<BindError> {
        let Head::Code(_) = head else { return None };
        let (form, data) = (self.forms[fi].0, &self.forms[fi].1);
        if data.row(key).is_some() || form.fixed_row(key).is_some() {
            return None;
        }
        let may_be = |under: &str| {
            let is_code = under.chars().all(|ch| ch.is_ascii_digit());
            !is_code || (key.starts_with(under) && key.len() > under.len())
        };
        let u = (data.uncoded.iter()).find(|u| u.may_be_under.iter().any(|p| may_be(p)))?;
        let at = u.at.as_ref().map_or(String::new(), |p| format!("（{p}）"));
        Some(BindError::CodeUnknown(format!(
            "{} 没有科目 {key}，其科目“{}”{at}没有科目代码，可能就是它",
            form.table_no, u.name
        )))
    }

    fn target_form(&self, r: &Ref, s: Scope) -> Result<usize, BindError> {
        match &r.form {
            None => Ok(s.form),
            Some(id) => self
                .forms
                .iter()
                .position(|(f, _)| f.id == *id)
                .ok_or_else(|| BindError::MissingForm(id.clone())),
        }
    }

    /// The row a head names in form `fi`: a row id, `Lnn`, or a code.
    fn row_key(&self, fi: usize, head: &Head) -> Option<String> {
        let (form, data) = (self.forms[fi].0, &self.forms[fi].1);
        match head {
            Head::Code(c) => Some(c.clone()),
            Head::Name(n) => {
                if data.row(n).is_some() || form.fixed_row(n).is_some() || *n == Key::Total {
                    return Some(n.clone());
                }
                let line: u32 = n.strip_prefix('L')?.parse().ok()?;
                form.line_row(line).map(|(_, r)| r.id.clone())
            }
        }
    }

    fn panel_of(&self, fi: usize, key: &str) -> Option<&crate::form::Panel> {
        let (form, data) = (self.forms[fi].0, &self.forms[fi].1);
        if let Some((p, _)) = form.fixed_row(key) {
            return Some(p);
        }
        data.row(key).and_then(|r| form.panel(&r.panel))
    }

    /// Grid cell `id` of form `fi`, unless the sheet printed it without its header.
    fn grid_cell(&self, fi: usize, id: &str) -> Result<CellId, BindError> {
        match self.unheaded(fi, &UnheadedPart::Grid(id.to_string())) {
            Some(e) => Err(e),
            None => Ok(CellId::grid(fi, id)),
        }
    }

    /// Why a rule reading `part` of form `fi` is not judged, when the sheet printed the part
    /// without the header that places its values.
    fn unheaded(&self, fi: usize, part: &UnheadedPart) -> Option<BindError> {
        let (form, data) = (self.forms[fi].0, &self.forms[fi].1);
        let u = data.unheaded.iter().find(|u| u.part == *part)?;
        Some(BindError::AbsentColumn(format!(
            "{} 无法识别“{}”的数值位置（表中没有其表头）",
            form.table_no, u.label
        )))
    }

    pub fn resolve(&self, r: &Ref, s: Scope) -> Result<CellId, BindError> {
        let fi = self.target_form(r, s)?;
        let form = self.forms[fi].0;
        let local = fi == s.form;
        if let (Head::Name(n), None, true) = (&r.head, &r.col, local) {
            // A bare name: a column of the current row, then a grid cell, then a row.
            if let Some(row) = s.row {
                if form
                    .panel(&row.panel)
                    .is_some_and(|p| p.column(n).is_some())
                {
                    return Ok(CellId::new(
                        fi,
                        row.key.clone(),
                        self.index[fi].column_name(n),
                    ));
                }
            }
            if form.grid_kind(n).is_some() {
                return self.grid_cell(fi, n);
            }
        }
        if let (Head::Name(n), None) = (&r.head, &r.col) {
            if !local && form.grid_kind(n).is_some() {
                return self.grid_cell(fi, n);
            }
        }
        let key = self
            .row_key(fi, &r.head)
            .ok_or_else(|| BindError::UnknownRef {
                reference: r.to_string(),
                form: form.id.clone(),
            })?;
        if let Some(e) = self.code_maybe_uncoded(fi, &r.head, &key) {
            return Err(e);
        }
        let col = match &r.col {
            Some(c) => c.clone(),
            None => {
                let panel_default = self
                    .panel_of(fi, &key)
                    .and_then(|p| p.default_column().map(str::to_string));
                let ctx_col = s.col;
                match (panel_default, ctx_col) {
                    (Some(c), _) if !local || ctx_col.is_none() => c,
                    (_, Some(c)) => c.to_string(),
                    (Some(c), None) => c,
                    (None, None) => {
                        return Err(BindError::RefNeedsColumn {
                            reference: r.to_string(),
                        })
                    }
                }
            }
        };
        if let Some(p) = self.panel_of(fi, &key) {
            if p.column(&col).is_none() {
                return Err(BindError::RefNoColumn {
                    reference: r.to_string(),
                    panel: p.id.clone(),
                    col,
                });
            }
        }
        let ix = &self.index[fi];
        Ok(CellId::new(fi, ix.row_name(&key), ix.column_name(&col)))
    }

    fn range(&self, a: &Ref, b: &Ref, s: Scope) -> Result<Vec<CellId>, BindError> {
        let fi = self.target_form(a, s)?;
        let (form, data) = (self.forms[fi].0, &self.forms[fi].1);
        // Columns of the current row: c2:c7.
        if let (Head::Name(x), Head::Name(y), None, None, Some(row)) =
            (&a.head, &b.head, &a.col, &b.col, s.row)
        {
            if let Some(p) = form.panel(&row.panel) {
                if let (Some(i), Some(j)) = (
                    p.columns.iter().position(|c| *c.id == **x),
                    p.columns.iter().position(|c| *c.id == **y),
                ) {
                    return Ok(p.columns[i.min(j)..=i.max(j)]
                        .iter()
                        .filter(|c| c.kind.is_numeric())
                        .map(|c| {
                            CellId::new(fi, row.key.clone(), self.index[fi].column_name(&c.id))
                        })
                        .collect());
                }
            }
        }
        // Rows of one panel between two row references, in the column given or the current one.
        let first = self.resolve(a, s)?;
        let last = self.resolve(b, s)?;
        let (Some(i), Some(j)) = (
            form.fixed_row_position(&first.row),
            form.fixed_row_position(&last.row),
        ) else {
            return Err(BindError::RangeEnds {
                from: a.to_string(),
                to: b.to_string(),
            });
        };
        if i.0 != j.0 {
            return Err(BindError::RangeAcrossPanels {
                from: a.to_string(),
                to: b.to_string(),
            });
        }
        let panel = form
            .panels()
            .nth(i.0)
            .expect("position came from this form");
        let _ = data;
        Ok(panel.rows[i.1.min(j.1)..=i.1.max(j.1)]
            .iter()
            .filter(|r| !r.blank)
            .map(|r| CellId {
                row: self.index[fi].row_name(&r.id),
                ..first.clone()
            })
            .collect())
    }
}

/// `expr` with `{code}` and `{line}` filled in from the row (empty when it has none).
fn for_row<'t>(expr: &'t Template, row: Option<&RowData>) -> std::borrow::Cow<'t, Expr> {
    if !expr.per_row() {
        return std::borrow::Cow::Borrowed(expr.expr());
    }
    let code = row.and_then(|r| r.code.as_deref()).unwrap_or_default();
    let line = row
        .and_then(|r| r.line)
        .map(|l| l.to_string())
        .unwrap_or_default();
    expr.for_row(code, &line)
}

impl Form {
    /// (panel index, row index) of a fixed row.
    pub fn fixed_row_position(&self, id: &str) -> Option<(usize, usize)> {
        self.panels()
            .enumerate()
            .find_map(|(pi, p)| p.rows.iter().position(|r| r.id == id).map(|ri| (pi, ri)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cellref::Place;

    /// List rows of panel "p" with a `name` cell each: (text, origin of the cell).
    fn list(cells: &[(&str, Option<&str>)]) -> FormData {
        let mut data = FormData::default();
        for (i, (text, at)) in cells.iter().enumerate() {
            let key = format!("#{}", i + 1);
            let mut row = RowData {
                panel: "p".into(),
                key: key.as_str().into(),
                kind: RowKind::List,
                code: None,
                label: None,
                line: None,
                values: Default::default(),
            };
            if !text.is_empty() {
                row.values
                    .insert("name".into(), Val::Text(text.to_string()));
            }
            if let Some(at) = at {
                let at = Place::from_a1(at).expect("an A1 address");
                data.origin.insert(format!("{key}.name"), at);
            }
            data.rows.push(row);
        }
        data
    }

    fn keys(groups: Vec<Vec<Name>>) -> Vec<Vec<usize>> {
        groups
            .into_iter()
            .map(|g| g.iter().map(|k| k[1..].parse().unwrap()).collect())
            .collect()
    }

    #[test]
    fn two_merged_blocks_with_the_same_text_are_two_groups() {
        // 部门公开表10: 单位编码 430001 merged over A6:A8 and again over A9:A10.
        let data = list(&[
            ("430001", Some("A6")),
            ("430001", Some("A6")),
            ("430001", Some("A6")),
            ("430001", Some("A9")),
            ("430001", Some("A9")),
        ]);
        assert_eq!(
            keys(list_groups(&data, "p", "name")),
            [vec![1, 2, 3], vec![4, 5]]
        );
    }

    #[test]
    fn a_new_text_starts_a_group_and_blanks_or_repeats_continue_it() {
        // Unmerged sheet: the name on the first row only, or typed on every row.
        let data = list(&[
            ("单位", Some("B6")),
            ("宣传经费", Some("B7")),
            ("", None),
            ("", None),
            ("改革经费", Some("B10")),
            ("改革经费", Some("B11")),
            ("南部片区", Some("B12")),
        ]);
        assert_eq!(
            keys(list_groups(&data, "p", "name")),
            [vec![1], vec![2, 3, 4], vec![5, 6], vec![7]]
        );
        // A merged block followed by a single cell with the same text: two groups.
        let data = list(&[("甲", Some("B6")), ("甲", Some("B6")), ("甲", Some("B8"))]);
        assert_eq!(keys(list_groups(&data, "p", "name")), [vec![1, 2], vec![3]]);
        // Without origins (a template, JSON): equal texts are one group.
        let data = list(&[("甲", None), ("甲", None), ("乙", None)]);
        assert_eq!(keys(list_groups(&data, "p", "name")), [vec![1, 2], vec![3]]);
        // A 一级指标 typed on each row, once with a line break and a full-width space: one group.
        let data = list(&[
            ("产出指标（50分）", Some("B14")),
            ("产出指标\n（50分）\u{3000}", Some("B15")),
            ("效益指标（30分）", Some("B16")),
        ]);
        assert_eq!(keys(list_groups(&data, "p", "name")), [vec![1, 2], vec![3]]);
    }
}
