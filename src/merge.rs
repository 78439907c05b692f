//! `merge` (汇总): a department's forms as the sum of its units' — read one unit at a time and
//! folded into a running sum, so that memory holds the sum and each unit's share of the totals
//! (for 汇总明细), never all the workbooks at once.
//!
//! How a cell is consolidated follows its kind ([`Way`]): amounts and counts are added; rates
//! that rules derive are recomputed from the added amounts; scores and texts are the first
//! unit's that fills them (a department's self-evaluation score is not the sum of its units').
//! Rows are united: fixed rows by their id, 科目 rows by code (a code named differently by two
//! units is a warning naming both), list rows (projects, indicators, units) by the texts that
//! name them; a row only some units have is taken in, 科目 rows in code order — except the
//! scored indicators of a self-evaluation, which stay the first unit's ([`is_evaluation`]).
//! A form a workbook may hold several of (附件3, one per project) is matched by the name it
//! gives itself, so different projects stay different forms.

use crate::calc::{compute, Book, Mode};
use crate::expr::{CellId, Name, Val};
use crate::findings::{Finding, CODE_NAME_RULE, MERGED_INPUT_RULE};
use crate::form::{Catalog, ColKind, Family, Form, Panel, Severity};
use crate::load::own::DETAIL_SHEET;
use crate::load::{Content, OpenError};
use crate::model::{FormData, RowData, RowKind};
use crate::normalize::label_key;
use indexmap::IndexMap;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

/// Joins the parts of a key that are texts read from workbooks (a character no label holds).
const SEP: char = '\u{1f}';

/// How the units' values of one cell become the department's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// Amounts and counts (people, ㎡): added.
    Add,
    /// Rates the rules derive (执行率, 控制率): recomputed from the added amounts.
    Recompute,
    /// Scores and texts: the first unit's that fills the cell, never added.
    First,
}

impl Way {
    pub fn of(kind: ColKind, derived: bool) -> Way {
        match kind {
            ColKind::Amount | ColKind::Number => Way::Add,
            ColKind::Rate if derived => Way::Recompute,
            _ => Way::First,
        }
    }

    /// What 汇总明细 says of it.
    pub fn chinese(self) -> &'static str {
        match self {
            Way::Add => "各单位相加",
            Way::Recompute => "按汇总数重新计算",
            Way::First => "不相加，取第一个单位",
        }
    }
}

/// Why a unit's workbook is not added to the sum.
#[derive(Debug)]
pub enum Refusal {
    /// The file could not be read.
    Open(OpenError),
    /// No form was recognised in it.
    NoForm { file: String },
    /// Its forms are of another family than the first unit's.
    OtherFamily {
        file: String,
        family: Family,
        first: String,
        first_family: Family,
    },
    /// Its year is another than the first unit's.
    OtherYear {
        file: String,
        year: String,
        first: String,
        first_year: String,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Open(e) => write!(f, "{e}"),
            Refusal::NoForm { file } => write!(
                f,
                "{file} 中没有识别出任何表，无法汇总（fiscalform explain {file} 可说明读取情况）"
            ),
            Refusal::OtherFamily {
                file,
                family,
                first,
                first_family,
            } => write!(
                f,
                "{file} 是{}报表，而 {first} 是{}报表：不同类别的报表不能汇总，未写出汇总表",
                family.chinese(),
                first_family.chinese()
            ),
            Refusal::OtherYear {
                file,
                year,
                first,
                first_year,
            } => write!(
                f,
                "{file} 是 {year} 年度的报表，而 {first} 是 {first_year} 年度的：不同年度的报表不能汇总，未写出汇总表"
            ),
        }
    }
}

impl std::error::Error for Refusal {}

/// One line of 汇总明细: a total (or a score) of a form, each unit's value and the department's.
#[derive(Debug, Clone)]
pub struct DetailRow {
    pub table_no: String,
    pub title: String,
    /// The cell as people name it ("本年收入合计（行27）", "201 一般公共服务支出·本年支出合计").
    pub item: String,
    pub kind: ColKind,
    pub way: Way,
    /// One per unit, in the order merged (blank where the unit has no such value).
    pub shares: Vec<Val>,
    /// The value in the merged workbook, before fix recomputes anything.
    pub merged: Val,
}

/// What 汇总明细 shows.
#[derive(Debug, Clone, Default)]
pub struct Detail {
    /// Each unit as merged: its name and its file.
    pub units: Vec<(String, String)>,
    pub rows: Vec<DetailRow>,
}

/// The units' values of one cell 汇总明细 shows, and how they are consolidated.
struct Shares {
    way: Way,
    by_unit: Vec<(usize, Val)>,
}

/// Where a 科目 code was first named, for the finding when a later unit names it otherwise.
struct Named {
    name: String,
    unit: usize,
    at: Option<String>,
}

/// One merged form: its values so far and how its rows are found.
struct Merged<'c> {
    form: &'c Form,
    data: FormData,
    /// Row identity → the keys of the merged rows with it (more than one for list rows that
    /// repeat, such as two blank indicator rows).
    rows: HashMap<String, Vec<Name>>,
    /// Number of the next list row taken in (`#n`).
    next_list: u32,
}

/// The running sum of the units read so far.
pub struct Merger<'c> {
    catalog: &'c Catalog,
    forms: Vec<Merged<'c>>,
    /// Each unit's name and file.
    units: Vec<(String, String)>,
    family: Option<Family>,
    year: Option<String>,
    names: HashMap<(usize, Name), Named>,
    /// By cell of the merged forms (its `form` is the merged form's instance).
    shares: IndexMap<CellId, Shares>,
    findings: Vec<Finding>,
}

impl<'c> Merger<'c> {
    pub fn new(catalog: &'c Catalog) -> Merger<'c> {
        Merger {
            catalog,
            forms: Vec::new(),
            units: Vec::new(),
            family: None,
            year: None,
            names: HashMap::new(),
            shares: IndexMap::new(),
            findings: Vec::new(),
        }
    }

    /// Reads one unit's workbook and adds it to the sum (each unit of a workbook holding
    /// several units' sets); refuses a workbook with no form, or of another family or year
    /// than the first.
    pub fn add(&mut self, path: &Path) -> Result<(), Refusal> {
        let units = crate::load::load_units(self.catalog, path).map_err(Refusal::Open)?;
        units.into_iter().try_for_each(|c| self.add_unit(path, c))
    }

    /// Adds one unit's set of forms read from `path`.
    fn add_unit(&mut self, path: &Path, content: crate::load::Content<'c>) -> Result<(), Refusal> {
        let file = path.display().to_string();
        if content.forms.is_empty() {
            return Err(Refusal::NoForm { file });
        }
        let book = Book::new(content.forms);
        let calc = compute(&book, Mode::Check, false);
        let glance = crate::figures::glance(&book, &calc);
        let year = glance.year.or_else(|| crate::figures::year_in_name(path));
        self.same_kind(&file, glance.family, year.as_deref())?;
        let unit = self.units.len();
        let set = content.unit.map(|u| u.name);
        let name = (glance.unit.or(set)).unwrap_or_else(|| file_stem(path));
        self.units.push((name, file));
        self.note_reading(unit, &content.reading);
        if content.others.iter().any(|o| o.name == DETAIL_SHEET) {
            self.note_merged_input(unit, &book.forms[0].0.id);
        }
        let derived: HashSet<CellId> = calc.derived.into_keys().collect();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (fi, (form, data)) in book.forms.into_iter().enumerate() {
            let key = instance_key(form, &data);
            let nth = bump(&mut seen, &key);
            match self.instance_of(&key, nth) {
                Some(i) => {
                    self.record_shares(unit, i, fi, form, &data, &derived);
                    self.fold(unit, i, form, data);
                }
                None => {
                    self.record_shares(unit, self.forms.len(), fi, form, &data, &derived);
                    self.adopt(unit, form, data);
                }
            }
        }
        Ok(())
    }

    /// The first unit fixes the family and year; a later one must agree.
    fn same_kind(
        &mut self,
        file: &str,
        family: Option<Family>,
        year: Option<&str>,
    ) -> Result<(), Refusal> {
        let first = self.units.first().map(|(_, f)| f.clone());
        let Some(first) = first else {
            self.family = family;
            self.year = year.map(str::to_string);
            return Ok(());
        };
        if let (Some(a), Some(b)) = (self.family, family) {
            if a != b {
                return Err(Refusal::OtherFamily {
                    file: file.to_string(),
                    family: b,
                    first,
                    first_family: a,
                });
            }
        }
        if let (Some(a), Some(b)) = (self.year.as_deref(), year) {
            if a != b {
                return Err(Refusal::OtherYear {
                    file: file.to_string(),
                    year: b.to_string(),
                    first,
                    first_year: a.to_string(),
                });
            }
        }
        if self.family.is_none() {
            self.family = family;
        }
        if self.year.is_none() {
            self.year = year.map(str::to_string);
        }
        Ok(())
    }

    /// A unit's reading problems (a value that is not a number adds nothing) go to 审核结果,
    /// naming the unit's file and cell.
    fn note_reading(&mut self, unit: usize, reading: &[Finding]) {
        let file = &self.units[unit].1;
        for f in reading.iter().filter(|f| f.severity <= Severity::Warning) {
            let place = f.place().map(|p| format!("{p} ")).unwrap_or_default();
            self.findings.push(Finding::new(
                f.severity,
                &f.rule,
                &f.form,
                None,
                None,
                format!("{file}：{place}{}", f.message),
            ));
        }
    }

    /// A workbook a merge wrote counts as one unit (a city's 汇总 of its departments' 汇总), but
    /// given beside the units it sums, its amounts would count twice: a warning says so.
    fn note_merged_input(&mut self, unit: usize, form: &str) {
        let file = &self.units[unit].1;
        self.findings.push(Finding::new(
            Severity::Warning,
            MERGED_INPUT_RULE,
            form,
            None,
            None,
            format!(
                "{file} 是汇总表（有工作表“{DETAIL_SHEET}”），已作为一个单位计入；如果它所汇总的单位也在输入中，金额会重复计算"
            ),
        ));
    }

    /// The merged form a unit's `nth` form with instance key `key` adds to.
    fn instance_of(&self, key: &str, nth: usize) -> Option<usize> {
        self.forms
            .iter()
            .enumerate()
            .filter(|(_, m)| instance_key(m.form, &m.data) == key)
            .map(|(i, _)| i)
            .nth(nth)
    }

    /// A form no earlier unit had: taken as it is (its rows in its own order).
    fn adopt(&mut self, unit: usize, form: &'c Form, data: FormData) {
        let identities = row_identities(form, &data);
        let mut rows: HashMap<String, Vec<Name>> = HashMap::new();
        for (row, id) in data.rows.iter().zip(identities) {
            rows.entry(id).or_default().push(row.key.clone());
            if row.kind == RowKind::Coded {
                self.name_first(self.forms.len(), unit, &data, row);
            }
        }
        let next_list = data.rows.iter().filter_map(list_number).max().unwrap_or(0) + 1;
        self.forms.push(Merged {
            form,
            data: FormData {
                form_id: data.form_id,
                unit: data.unit,
                year: data.year,
                rows: data.rows,
                grid: data.grid,
                remarks: data.remarks,
                stated_unit: data.stated_unit,
                ..FormData::default()
            },
            rows,
            next_list,
        });
    }

    /// Remembers where a 科目 code was first named.
    fn name_first(&mut self, instance: usize, unit: usize, data: &FormData, row: &RowData) {
        let Some(name) = row.label.clone().filter(|n| !label_key(n).is_empty()) else {
            return;
        };
        self.names
            .entry((instance, row.key.clone()))
            .or_insert(Named {
                name,
                unit,
                at: cell_place(data, &row.key),
            });
    }

    /// Adds a unit's form into merged form `instance`.
    fn fold(&mut self, unit: usize, instance: usize, form: &Form, data: FormData) {
        let merged = &mut self.forms[instance];
        if merged.data.stated_unit != data.stated_unit {
            // Units stating different money units: the department's table is in 万元.
            merged.data.stated_unit = None;
        }
        for (id, v) in data.grid.iter() {
            let kind = form.grid_kind(id).unwrap_or(ColKind::Amount);
            let acc = merged.data.grid.entry(id.clone()).or_insert(Val::Blank);
            combine(kind, acc, v);
        }
        merged.data.grid.retain(|_, v| *v != Val::Blank);
        let identities = row_identities(form, &data);
        let mut seen: HashMap<String, usize> = HashMap::new();
        let first_taken = self.forms[instance].data.rows.len();
        for (row, id) in data.rows.iter().zip(&identities) {
            let nth = match row.kind {
                RowKind::List => bump(&mut seen, id),
                // A code a unit lists twice is added into one row, so that no amount is lost.
                _ => 0,
            };
            let found = self.forms[instance]
                .rows
                .get(id)
                .and_then(|keys| keys.get(nth))
                .cloned();
            match found {
                Some(key) => self.fold_row(unit, instance, form, &data, row, &key),
                None if row.kind == RowKind::List && is_evaluation(form, &row.panel) => {}
                None => self.take_row(unit, instance, &data, row.clone(), id),
            }
        }
        place_taken_rows(&mut self.forms[instance], first_taken);
    }

    /// Adds a unit's row into the merged row `key`.
    fn fold_row(
        &mut self,
        unit: usize,
        instance: usize,
        form: &Form,
        data: &FormData,
        row: &RowData,
        key: &str,
    ) {
        if row.kind == RowKind::Coded {
            self.compare_names(unit, instance, data, row);
        }
        let panel = form.panel(&row.panel);
        let Some(acc) = self.forms[instance].data.row_mut(key) else {
            return;
        };
        for (col, v) in &row.values {
            let kind = panel
                .and_then(|p| p.column(col))
                .map_or(ColKind::Amount, |c| c.kind);
            let cell = acc.values.get_or_insert_with(col, || Val::Blank);
            combine(kind, cell, v);
        }
        acc.values.retain(|_, v| *v != Val::Blank);
        if acc.label.as_deref().is_none_or(|l| label_key(l).is_empty()) {
            acc.label = row.label.clone();
        }
    }

    /// A finding when a unit names a 科目 code otherwise than the unit that named it first.
    fn compare_names(&mut self, unit: usize, instance: usize, data: &FormData, row: &RowData) {
        let Some(name) = row.label.as_deref().filter(|n| !label_key(n).is_empty()) else {
            return;
        };
        let Some(first) = self.names.get(&(instance, row.key.clone())) else {
            self.name_first(instance, unit, data, row);
            return;
        };
        if label_key(&first.name) == label_key(name) {
            return;
        }
        let form = self.forms[instance].form;
        let at = |u: usize, place: &Option<String>| match place {
            Some(p) => format!("{}（{p}）", self.units[u].1),
            None => self.units[u].1.clone(),
        };
        let message = format!(
            "{}科目 {} 在 {} 中名称为“{}”，在 {} 中为“{name}”；汇总表采用前者，请核对科目名称",
            form.table_no,
            row.key,
            at(first.unit, &first.at),
            first.name,
            at(unit, &cell_place(data, &row.key)),
        );
        let mut finding = Finding::new(
            Severity::Warning,
            CODE_NAME_RULE,
            &form.id,
            None,
            None,
            message,
        );
        finding.expected = Some(first.name.clone());
        finding.found = Some(name.to_string());
        self.findings.push(finding);
    }

    /// A row no earlier unit had, taken into merged form `instance`: added after the merged
    /// rows, and put in place with the unit's other new rows ([`place_taken_rows`]).
    fn take_row(
        &mut self,
        unit: usize,
        instance: usize,
        data: &FormData,
        mut row: RowData,
        identity: &str,
    ) {
        let merged = &mut self.forms[instance];
        if row.kind == RowKind::List {
            row.key = format!("#{}", merged.next_list).into();
            merged.next_list += 1;
        }
        merged
            .rows
            .entry(identity.to_string())
            .or_default()
            .push(row.key.clone());
        if row.kind == RowKind::Coded {
            self.name_first(instance, unit, data, &row);
        }
        self.forms[instance].data.rows.push(row);
    }

    /// Keeps a unit's value of each cell 汇总明细 shows: the totals the rules derive (not of
    /// list rows, nor of 科目 rows below 类 level) and the scores of the form's own cells.
    fn record_shares(
        &mut self,
        unit: usize,
        instance: usize,
        fi: usize,
        form: &Form,
        data: &FormData,
        derived: &HashSet<CellId>,
    ) {
        for row in data.rows.iter().filter(|r| shown_in_detail(form, r)) {
            let panel = form.panel(&row.panel);
            for (col, v) in &row.values {
                if !derived.contains(&CellId::new(fi, row.key.clone(), col.clone())) {
                    continue;
                }
                let cell = CellId::new(instance, row.key.clone(), col.clone());
                let kind = panel
                    .and_then(|p| p.column(col))
                    .map_or(ColKind::Amount, |c| c.kind);
                self.share(cell, Way::of(kind, true), unit, v);
            }
        }
        for (id, v) in &data.grid {
            let kind = form.grid_kind(id).unwrap_or(ColKind::Amount);
            let is_derived = derived.contains(&CellId::grid(fi, id.as_str()));
            if is_derived || kind == ColKind::Score {
                let cell = CellId::grid(instance, id.as_str());
                self.share(cell, Way::of(kind, is_derived), unit, v);
            }
        }
    }

    fn share(&mut self, cell: CellId, way: Way, unit: usize, v: &Val) {
        self.shares
            .entry(cell)
            .or_insert_with(|| Shares {
                way,
                by_unit: Vec::new(),
            })
            .by_unit
            .push((unit, v.clone()));
    }

    /// The merged content, written as fix writes, and 汇总明细. `unit` names the department
    /// (every form's 单位, and every cell that held the first unit's name); otherwise the first
    /// unit's name stays.
    pub fn finish(self, unit: Option<&str>) -> (Content<'c>, Detail) {
        let Merger {
            catalog,
            forms,
            units,
            shares,
            findings,
            ..
        } = self;
        let mut forms: Vec<(&Form, FormData)> =
            forms.into_iter().map(|m| (m.form, m.data)).collect();
        if let Some(name) = unit {
            rename_unit(&mut forms, name);
        }
        let book = recompute_rates(Book::new(forms));
        let detail = Detail {
            rows: detail_rows(&book, shares, units.len()),
            units,
        };
        let n = book.forms.len();
        let content = Content {
            source: format!("{} 个单位的汇总", detail.units.len()),
            forms: book.forms,
            strays: vec![Vec::new(); n],
            others: Vec::new(),
            reading: findings,
            pages: Vec::new(),
            catalog,
            unit: None,
        };
        (content, detail)
    }
}

/// Adds `v` into `acc` as cells of `kind` are consolidated: amounts and counts added (blank
/// plus blank stays blank; a text in an amount cell, already reported, adds nothing), any
/// other value the first one filled.
fn combine(kind: ColKind, acc: &mut Val, v: &Val) {
    match (Way::of(kind, false), &*acc, v) {
        (_, _, Val::Blank) => {}
        (Way::Add, Val::Num(a), Val::Num(b)) => *acc = Val::Num(a + b),
        (Way::Add, Val::Num(_), _) => {}
        (Way::Add, _, Val::Num(b)) => *acc = Val::Num(*b),
        (_, Val::Blank, _) => *acc = v.clone(),
        _ => {}
    }
}

/// Which of a book's forms a form is: its id, and for a form a workbook may hold several times
/// (附件3, one per project) the first text it names itself by (项目支出名称).
fn instance_key(form: &Form, data: &FormData) -> String {
    if !form.repeatable {
        return form.id.clone();
    }
    let name = form
        .grid_cells()
        .find(|(_, kind, _)| *kind == ColKind::Text)
        .and_then(|(id, _, _)| match data.grid.get(id) {
            Some(Val::Text(t)) => Some(label_key(t)),
            _ => None,
        })
        .unwrap_or_default();
    format!("{}{SEP}{name}", form.id)
}

/// Counts one more `key` and says how many came before it.
fn bump(seen: &mut HashMap<String, usize>, key: &str) -> usize {
    let n = seen.entry(key.to_string()).or_insert(0);
    *n += 1;
    *n - 1
}

/// What identifies each row across units: a fixed row its id, a 科目 row its code, a list row
/// the texts that name it — the list's label, group and merged-down columns (or all its text
/// columns), a blank one continuing the text above it as a merged cell does.
fn row_identities(form: &Form, data: &FormData) -> Vec<String> {
    let mut above: HashMap<&str, HashMap<String, String>> = HashMap::new();
    data.rows
        .iter()
        .map(|row| {
            let panel = form.panel(&row.panel);
            let (Some(panel), RowKind::List) = (panel, row.kind) else {
                return format!("{}{SEP}{}", row.panel, row.key);
            };
            let last = above.entry(row.panel.as_str()).or_default();
            let mut id = row.panel.clone();
            for col in naming_columns(panel) {
                let text = match row.get(&col) {
                    Val::Text(t) if !label_key(&t).is_empty() => label_key(&t),
                    _ => last.get(&col).cloned().unwrap_or_default(),
                };
                id.push(SEP);
                id.push_str(&text);
                last.insert(col, text);
            }
            id
        })
        .collect()
}

/// The columns whose texts name a list row.
fn naming_columns(panel: &Panel) -> Vec<String> {
    let list = panel.list.as_ref();
    let mut cols: Vec<String> = list
        .into_iter()
        .flat_map(|l| {
            l.merge_down
                .iter()
                .chain(&l.group_by)
                .chain(&l.label_column)
        })
        .cloned()
        .collect();
    if cols.is_empty() {
        cols = panel
            .columns
            .iter()
            .filter(|c| c.kind == ColKind::Text)
            .map(|c| c.id.to_string())
            .collect();
    }
    let mut seen = HashSet::new();
    cols.retain(|c| seen.insert(c.clone()));
    cols
}

/// Whether a list is the scored indicators of a self-evaluation (perf-dept, perf-project): the
/// department's is the first unit's, since its 分值 must add to 100; the units' scores are
/// listed in 汇总明细, not added, and indicators only later units have are not taken in.
/// (The indicator lists of the budget's target tables are blocks per unit or project, and are
/// united like any list.)
fn is_evaluation(form: &Form, panel: &str) -> bool {
    form.family == Family::Perf
        && form
            .panel(panel)
            .is_some_and(|p| p.columns.iter().any(|c| c.kind == ColKind::Score))
}

/// `n` of a list row keyed `#n`.
fn list_number(row: &RowData) -> Option<u32> {
    (row.kind == RowKind::List)
        .then(|| row.key.strip_prefix('#')?.parse().ok())
        .flatten()
}

/// Puts the rows a unit brought (pushed after the merged rows, from `first_taken` on) where
/// taking them in one at a time puts them ([`insert_position`]): a 科目 row before the first
/// merged code above it, any other row after its panel's last row (before a closing 合计).
/// Done in one pass where each panel's rows allow it ([`placed_at_once`]); else one at a
/// time, which costs the rows of the form for each row placed.
fn place_taken_rows(merged: &mut Merged, first_taken: usize) {
    let rows = &merged.data.rows;
    if first_taken >= rows.len() {
        return;
    }
    if let Some(order) = placed_at_once(merged.form, rows, first_taken) {
        merged.data.rows.reorder(&order);
        return;
    }
    for row in merged.data.rows.split_off(first_taken) {
        let at = insert_position(&merged.data, merged.form.panel(&row.panel), &row);
        merged.data.rows.insert(at, row);
    }
}

/// Where a taken row goes, among the merged rows as they were before the unit.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Anchor {
    Before(usize),
    After(usize),
    /// After every merged row: the `n`th panel the merged form had no row of.
    End(usize),
}

/// The order of `rows` with the taken rows (from `first` on) in place, as taking them in one
/// at a time would give, when every panel they belong to is one of two kinds: its taken rows
/// are all 科目 rows and its merged 科目 rows are in order of code, none after its closing
/// 合计 (then each goes before the first merged code above it, those before the same code in
/// order of code, and those above every code at the panel's end, in order of code too); or
/// none of them is a 科目 or 合计 row (then all go at the panel's end as they came). `None`
/// for any other panel.
fn placed_at_once(form: &Form, rows: &[RowData], first: usize) -> Option<Vec<usize>> {
    let mut groups: HashMap<Anchor, Vec<usize>> = HashMap::new();
    let mut new_panels: Vec<&str> = Vec::new();
    let mut by_panel: IndexMap<&str, Vec<usize>> = IndexMap::new();
    for (i, row) in rows.iter().enumerate().skip(first) {
        by_panel.entry(&row.panel).or_default().push(i);
    }
    for (panel, taken) in by_panel {
        let merged: Vec<usize> = (0..first).filter(|&i| rows[i].panel == panel).collect();
        let coded = |i: &usize| rows[*i].kind == RowKind::Coded;
        let all_coded = taken.iter().all(coded);
        if !all_coded
            && taken
                .iter()
                .any(|i| coded(i) || rows[*i].kind == RowKind::Total)
        {
            return None;
        }
        let total_last = closes_with_total(form.panel(panel));
        let closing = merged
            .iter()
            .find(|&&i| total_last && rows[i].kind == RowKind::Total);
        let at_end = match (closing, merged.last()) {
            (Some(&t), _) => Anchor::Before(t),
            (None, Some(&last)) => Anchor::After(last),
            (None, None) => {
                new_panels.push(panel);
                Anchor::End(new_panels.len() - 1)
            }
        };
        if !all_coded {
            groups.entry(at_end).or_default().extend(taken);
            continue;
        }
        let codes: Vec<usize> = merged.iter().copied().filter(coded).collect();
        let in_order = codes.windows(2).all(|w| rows[w[0]].key <= rows[w[1]].key);
        let before_closing = match (closing, codes.last()) {
            (Some(&t), Some(&c)) => c < t,
            _ => true,
        };
        if !in_order || !before_closing {
            return None;
        }
        for i in taken {
            let above = codes.partition_point(|&c| rows[c].key <= rows[i].key);
            let anchor = codes.get(above).map_or(at_end, |&c| Anchor::Before(c));
            groups.entry(anchor).or_default().push(i);
        }
    }
    // A group is one panel's: 科目 rows in order of code, others as they came.
    for group in groups.values_mut() {
        if group.iter().all(|&i| rows[i].kind == RowKind::Coded) {
            group.sort_by(|&a, &b| rows[a].key.cmp(&rows[b].key));
        }
    }
    let mut order = Vec::with_capacity(rows.len());
    for i in 0..first {
        order.extend(groups.remove(&Anchor::Before(i)).unwrap_or_default());
        order.push(i);
        order.extend(groups.remove(&Anchor::After(i)).unwrap_or_default());
    }
    for n in 0..new_panels.len() {
        order.extend(groups.remove(&Anchor::End(n)).unwrap_or_default());
    }
    Some(order)
}

/// Where a row new to the merged form goes: a 科目 row before the panel's first higher code
/// (so codes keep their order, each under its 类 and 款), else before a closing total row,
/// else after the panel's last row.
fn insert_position(data: &FormData, panel: Option<&Panel>, row: &RowData) -> usize {
    let in_panel: Vec<usize> = (0..data.rows.len())
        .filter(|&i| data.rows[i].panel == row.panel)
        .collect();
    let total_last = closes_with_total(panel);
    let higher = |i: &usize| {
        let r = &data.rows[*i];
        row.kind == RowKind::Coded && r.kind == RowKind::Coded && r.key > row.key
    };
    let closing = |i: &usize| total_last && data.rows[*i].kind == RowKind::Total;
    in_panel
        .iter()
        .find(|i| higher(i))
        .or_else(|| in_panel.iter().find(|i| closing(i)))
        .copied()
        .or_else(|| in_panel.last().map(|i| i + 1))
        .unwrap_or(data.rows.len())
}

/// Whether the panel's 合计 row closes it (comes after its 科目 rows): new rows go before it.
fn closes_with_total(panel: Option<&Panel>) -> bool {
    panel
        .and_then(|p| p.coded.as_ref())
        .is_some_and(|c| c.total_last)
}

/// `sheet!A1` of a row in the unit's workbook.
fn cell_place(data: &FormData, key: &str) -> Option<String> {
    let at = data.origin.get(key)?;
    Some(match &data.sheet {
        Some(sheet) => format!("{sheet}!{at}"),
        None => at.to_string(),
    })
}

/// 汇总明细 shows the totals of fixed and total rows, and of 科目 rows those of 类 level.
fn shown_in_detail(form: &Form, row: &RowData) -> bool {
    match row.kind {
        RowKind::Fixed | RowKind::Total => true,
        RowKind::List => false,
        RowKind::Coded => {
            let top = form
                .panel(&row.panel)
                .and_then(|p| p.coded.as_ref())
                .and_then(|c| c.levels.first().copied());
            top == Some(row.key.chars().count())
        }
    }
}

/// The department's name in every form, and in place of the first unit's name wherever a cell
/// held it whole (perf-dept's 单位名称).
fn rename_unit(forms: &mut [(&Form, FormData)], name: &str) {
    let first = forms.iter().find_map(|(_, d)| d.unit.clone());
    for (_, data) in forms.iter_mut() {
        data.unit = Some(name.to_string());
        let Some(first) = &first else { continue };
        for v in data.grid.values_mut() {
            if matches!(v, Val::Text(t) if t.trim() == first.trim()) {
                *v = Val::Text(name.to_string());
            }
        }
    }
}

/// The book with every derived rate recomputed from the merged amounts (a sum of the units'
/// rates would mean nothing).
fn recompute_rates(book: Book) -> Book {
    let calc = compute(&book, Mode::Fix, false);
    let rates: Vec<(CellId, Val)> = calc
        .derived
        .keys()
        .filter(|c| Way::of(book.kind(c), true) == Way::Recompute)
        .map(|c| (c.clone(), calc.value(&book, c)))
        .collect();
    let mut forms = book.forms;
    for (cell, v) in rates {
        forms[cell.form].1.set(&cell.row, cell.col.as_ref(), v);
    }
    Book::new(forms)
}

/// 汇总明细's lines in the merged forms' order: form, row, column.
fn detail_rows(book: &Book, shares: IndexMap<CellId, Shares>, units: usize) -> Vec<DetailRow> {
    let order = |s: &CellId| {
        let (form, data) = &book.forms[s.form];
        let row = match s.column() {
            None => data.rows.len() + data.grid.get_index_of(&*s.row).unwrap_or(0),
            Some(_) => data.rows.position(&s.row).unwrap_or(usize::MAX),
        };
        let col = data
            .row(&s.row)
            .and_then(|r| form.panel(&r.panel))
            .and_then(|p| p.columns.iter().position(|c| Some(&*c.id) == s.column()))
            .unwrap_or(0);
        (s.form, row, col)
    };
    let mut spots: Vec<(CellId, Shares)> = shares.into_iter().collect();
    spots.sort_by_cached_key(|(s, _)| order(s));
    spots
        .into_iter()
        // A total every unit leaves at zero tells a reviewer nothing.
        .filter(|(_, shares)| shares.by_unit.iter().any(|(_, v)| !is_nil(v)))
        .map(|(cell, Shares { way, by_unit })| {
            let (form, _) = &book.forms[cell.form];
            let mut shares = vec![Val::Blank; units];
            for (u, v) in by_unit {
                shares[u] = v;
            }
            DetailRow {
                table_no: form.table_no.clone(),
                title: form.plain_title(),
                item: book.describe(&cell),
                kind: book.kind(&cell),
                way,
                shares,
                merged: book.input(&cell),
            }
        })
        .collect()
}

/// Blank or zero.
fn is_nil(v: &Val) -> bool {
    match v {
        Val::Blank | Val::Nothing => true,
        Val::Num(d) => d.is_zero(),
        _ => false,
    }
}

/// A file's name without its extension, for a unit whose forms name none.
fn file_stem(path: &Path) -> String {
    path.file_stem().map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    fn row(panel: &str, key: &str, kind: RowKind) -> RowData {
        RowData {
            panel: panel.to_string(),
            key: key.into(),
            kind,
            code: None,
            label: None,
            line: None,
            values: Default::default(),
        }
    }

    /// Merged rows of 公开03表's coded panel `main` and of a list panel `x` the form does not
    /// have: 科目 codes in order (mostly) or not, the 合计 first, last or absent.
    fn merged_rows(rng: &mut Rng, codes: &[&str]) -> Vec<RowData> {
        let mut keys: Vec<&str> = codes
            .iter()
            .copied()
            .filter(|_| rng.below(2) == 0)
            .collect();
        if rng.below(4) == 0 {
            keys.reverse();
            let turn = rng.below(keys.len().max(1));
            keys.rotate_left(turn);
        }
        let mut rows: Vec<RowData> = keys
            .iter()
            .map(|k| row("main", k, RowKind::Coded))
            .collect();
        match rng.below(3) {
            0 => rows.insert(0, row("main", "total", RowKind::Total)),
            1 => rows.push(row("main", "total", RowKind::Total)),
            _ => {}
        }
        for n in 0..rng.below(3) {
            let at = rng.below(rows.len() + 1);
            rows.insert(at, row("x", &format!("#{n}"), RowKind::List));
        }
        rows
    }

    /// New rows of a unit: codes the merged rows lack, now and then a list row of `x`, of a
    /// panel `y` no merged row has, or of the coded panel itself, or the 合计 the merged rows
    /// lack.
    fn taken_rows(rng: &mut Rng, codes: &[&str], merged: &[RowData]) -> Vec<RowData> {
        let mut rows = Vec::new();
        for n in 0..1 + rng.below(8) {
            let new = match rng.below(10) {
                0 => row("x", &format!("#x{n}"), RowKind::List),
                1 => row("y", &format!("#y{n}"), RowKind::List),
                2 if rng.below(3) == 0 => row("main", &format!("#m{n}"), RowKind::List),
                3 if rng.below(2) == 0 => {
                    let total = |r: &RowData| r.kind == RowKind::Total;
                    if merged.iter().any(total) || rows.iter().any(total) {
                        continue;
                    }
                    row("main", "total", RowKind::Total)
                }
                _ => {
                    let code = codes[rng.below(codes.len())];
                    let taken = |r: &RowData| *r.key == *code;
                    if merged.iter().any(taken) || rows.iter().any(taken) {
                        continue;
                    }
                    row("main", code, RowKind::Coded)
                }
            };
            rows.push(new);
        }
        rows
    }

    /// Taking a unit's new rows in at once puts every row where taking them in one at a
    /// time puts it, over generated merged and new rows, with the 合计 closing the panel or
    /// not; and the cases the one-pass placing takes are most of them.
    #[test]
    fn rows_taken_at_once_go_where_taking_them_one_at_a_time_puts_them() {
        let catalog = crate::form::Catalog::embedded().unwrap();
        let mut closing = catalog.get("final-03").unwrap().clone();
        for block in &mut closing.blocks {
            for panel in &mut block.panels {
                if let Some(coded) = &mut panel.coded {
                    coded.total_last = true;
                }
            }
        }
        let forms = [catalog.get("final-03").unwrap(), &closing];
        let codes = [
            "201", "20101", "2010101", "2010150", "20105", "205", "20501", "208", "2080199",
        ];
        let mut rng = Rng::new(0x6d65_7267_6521);
        let mut at_once = 0;
        for case in 0..2000 {
            let form = forms[rng.below(2)];
            let merged = merged_rows(&mut rng, &codes);
            let taken = taken_rows(&mut rng, &codes, &merged);
            let mut one_by_one = FormData {
                rows: merged.iter().cloned().collect(),
                ..FormData::default()
            };
            for r in &taken {
                let at = insert_position(&one_by_one, form.panel(&r.panel), r);
                one_by_one.rows.insert(at, r.clone());
            }
            let all: Vec<RowData> = merged.iter().chain(&taken).cloned().collect();
            if placed_at_once(form, &all, merged.len()).is_some() {
                at_once += 1;
            }
            let mut m = Merged {
                form,
                data: FormData {
                    rows: all.into_iter().collect(),
                    ..FormData::default()
                },
                rows: HashMap::new(),
                next_list: 0,
            };
            place_taken_rows(&mut m, merged.len());
            let keys = |d: &FormData| d.rows.iter().map(|r| r.key.to_string()).collect::<Vec<_>>();
            assert_eq!(
                keys(&m.data),
                keys(&one_by_one),
                "case {case}: {merged:?} + {taken:?}"
            );
        }
        assert!(
            at_once > 1000,
            "the one-pass placing took {at_once} of 2000 cases"
        );
    }
}
