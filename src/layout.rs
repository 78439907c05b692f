//! Places a form's title, header, rows and notes on sheet cells: the one layout shared by
//! `template`, `fix` and `import`, and the addresses formulas refer to.

use crate::expr::{CellId, Name, Val};
use crate::form::{grid_cols, grid_rows};
use crate::form::{Block, ColKind, ColumnDef, FixedRow, Form, GridCellDef, HeaderCellDef, Panel};
use crate::model::{one_text, position_of_text, FastMap, FormData, RowData, RowKind};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    Title,
    InfoLeft,
    InfoCenter,
    InfoRight,
    Header,
    ColumnNumber,
    SideLabel,
    Label {
        indent: u8,
        bold: bool,
    },
    Line,
    Code,
    /// A code, name or label the clerk types (科目 rows, list rows): unlocked.
    Entry,
    /// A value cell of the given kind, unlocked unless only a formula fills it.
    Value {
        kind: ColKind,
        source: ValueSource,
    },
    Note,
}

/// What fills a value cell, which decides whether the protected sheet lets the clerk type in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueSource {
    /// The clerk types it: unlocked, with its data validation.
    Typed,
    /// A formula: locked.
    Computed,
    /// A formula in a row the clerk types (a 科目 or list row, such as its row total): unlocked,
    /// because a row inserted below copies its protection, and the clerk must be able to
    /// fill the formula down into the new row.
    ComputedInTypedRow,
}

impl ValueSource {
    fn of(input: bool, typed_row: bool) -> ValueSource {
        match (input, typed_row) {
            (true, _) => ValueSource::Typed,
            (false, true) => ValueSource::ComputedInTypedRow,
            (false, false) => ValueSource::Computed,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Empty,
    Text(String),
    Number(u32),
    /// A logical cell: the writer puts its value or its formula here.
    Cell(CellId),
}

#[derive(Debug, Clone)]
pub struct Placed {
    pub row: u32,
    pub col: u16,
    pub rows: u32,
    pub cols: u16,
    pub content: Content,
    pub style: Style,
}

/// Where a written form has its title, which states the year (row, column; zero-based).
pub const TITLE_CELL: (u32, u16) = (0, 0);

/// Where a written form states its unit's name (row, column; zero-based): the line under the
/// title.
pub const UNIT_CELL: (u32, u16) = (2, 0);

#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub cells: Vec<Placed>,
    /// Where each logical cell (`L27.amount`, `fund_rate`) is: (row, col).
    pub addr: CellAddresses,
    /// First and last header rows of the first table (repeated when printing).
    pub header_rows: Option<(u32, u32)>,
    /// First row under the first table's header.
    pub freeze_row: Option<u32>,
    pub widths: Vec<f64>,
    pub width: u16,
    /// Rows of each coded panel: panel id → (code column(s), first row, last row).
    pub coded_ranges: HashMap<String, (Vec<u16>, u32, u32)>,
    /// Rows of each block, first and after-last (a block's labels are looked for in it).
    pub block_rows: Vec<(u32, u32)>,
    /// Rows of the signature line, first and after-last.
    pub signature_rows: Option<(u32, u32)>,
    pub last_row: u32,
}

/// Where each logical cell of a layout is placed (row, column), found by its row's key and
/// then its column: placing a cell makes no key text, and finding one (every reference of
/// every formula written) hashes the row's key alone.
#[derive(Debug, Clone, Default)]
pub struct CellAddresses {
    /// Each row key (or grid cell id) with its cells, in the order placed: (column, None for
    /// a grid cell; place).
    rows: Vec<(Name, PlacedCells)>,
    /// Row key → its index in `rows`.
    index: FastMap<Name, usize>,
    /// The same by the address of the key text `rows` holds, which the cell ids of the row
    /// share: a row is found without hashing its key.
    by_address: FastMap<usize, usize>,
    len: usize,
    /// Room made for a new row's cells: the table's width (a row grown cell by cell would
    /// take twice the room it needs).
    row_room: usize,
}

/// The cells of one row key: (column, None for a grid cell; place).
type PlacedCells = Vec<(Option<Name>, (u32, u16))>;

impl CellAddresses {
    /// Addresses for about `rows` rows of `width` cells.
    pub fn with_room(rows: usize, width: usize) -> Self {
        CellAddresses {
            rows: Vec::with_capacity(rows),
            index: FastMap::with_capacity_and_hasher(rows, Default::default()),
            by_address: FastMap::with_capacity_and_hasher(rows, Default::default()),
            len: 0,
            row_room: width,
        }
    }
    /// Places `cell` at `at`, where it was placed before if it was.
    pub fn insert(&mut self, cell: &CellId, at: (u32, u16)) {
        let i = self.row_for(&cell.row);
        let cells = &mut self.rows[i].1;
        match column_in(cells, cell.column()) {
            Some(c) => cells[c].1 = at,
            None => {
                cells.push((cell.col.clone(), at));
                self.len += 1;
            }
        }
    }
    /// The index of row `row`, added if new. A layout places a row's cells one after the
    /// other: the last row is tried before the index.
    fn row_for(&mut self, row: &Name) -> usize {
        if let Some(last) = self.rows.len().checked_sub(1) {
            if one_text(&self.rows[last].0, row) {
                return last;
            }
        }
        if let Some(&i) = self.index.get(&**row) {
            return i;
        }
        self.index.insert(row.clone(), self.rows.len());
        self.by_address
            .insert(row.as_ptr() as usize, self.rows.len());
        self.rows
            .push((row.clone(), Vec::with_capacity(self.row_room)));
        self.rows.len() - 1
    }
    /// Where `cell` is.
    pub fn get(&self, cell: &CellId) -> Option<(u32, u16)> {
        self.at(&cell.row, cell.column())
    }
    /// Where the cell of logical name `key` is: `L27.amount`, or a grid cell's `fund_rate`. A
    /// row key or a column id may hold a `.` itself (a 科目 name, a definition's `w.t`): each
    /// split of `key` into row and column is tried, the last `.` first, then the grid cell.
    pub fn get_key(&self, key: &str) -> Option<(u32, u16)> {
        key.rmatch_indices('.')
            .find_map(|(i, _)| self.at(&key[..i], Some(&key[i + 1..])))
            .or_else(|| self.at(key, None))
    }
    fn cells_of(&self, row: &str) -> Option<&PlacedCells> {
        let shared = (self.by_address.get(&(row.as_ptr() as usize)))
            .filter(|&&i| one_text(&self.rows[i].0, row));
        shared
            .or_else(|| self.index.get(row))
            .map(|&i| &self.rows[i].1)
    }
    fn at(&self, row: &str, col: Option<&str>) -> Option<(u32, u16)> {
        let cells = self.cells_of(row)?;
        column_in(cells, col).map(|i| cells[i].1)
    }
    /// The first sheet row of logical row `row`'s value cells.
    pub fn first_row(&self, row: &str) -> Option<u32> {
        let cells = self.cells_of(row)?;
        cells
            .iter()
            .filter(|(col, _)| col.is_some())
            .map(|&(_, (r, _))| r)
            .min()
    }
    /// How many cells are placed.
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Every placed cell in the order placed: its row key, its column (None for a grid cell)
    /// and its place.
    pub fn iter(&self) -> impl Iterator<Item = (&Name, Option<&Name>, (u32, u16))> + '_ {
        self.rows
            .iter()
            .flat_map(|(row, cells)| cells.iter().map(move |(col, at)| (row, col.as_ref(), *at)))
    }
}

/// Where column `col` (None: the grid cell) is among a row's placed cells.
fn column_in(cells: &[(Option<Name>, (u32, u16))], col: Option<&str>) -> Option<usize> {
    match col {
        Some(col) => position_of_text(cells, col, |(c, _)| c.as_deref()),
        None => cells.iter().position(|(c, _)| c.is_none()),
    }
}

impl Layout {
    fn put(&mut self, row: u32, col: u16, rows: u32, cols: u16, content: Content, style: Style) {
        if let Content::Cell(c) = &content {
            self.addr.insert(c, (row, col));
        }
        self.cells.push(Placed {
            row,
            col,
            rows: rows.max(1),
            cols: cols.max(1),
            content,
            style,
        });
    }
}

/// Lay out form number `fi` of a book with the rows its data has.
pub fn layout(form: &Form, data: &FormData, fi: usize, inputs: &dyn Fn(&CellId) -> bool) -> Layout {
    let printed = form.printed(|panel, col| fills_column(data, panel, col));
    let form = printed.as_deref().unwrap_or(form);
    let width = form.width.max(3);
    // Room for the rows the data has, each as wide as the form, and for the form's own lines.
    let rows = data.rows.len() + 32;
    let mut l = Layout {
        width,
        widths: column_widths(form),
        cells: Vec::with_capacity(rows * usize::from(width)),
        addr: CellAddresses::with_room(rows, usize::from(width)),
        ..Layout::default()
    };
    put_heading(&mut l, form, data);
    let mut r = 3;
    for block in &form.blocks {
        let start = r;
        r = if block.is_table() {
            table_block(&mut l, form, block, data, fi, r, inputs)
        } else {
            grid_rows_at(&mut l, &block.grid, fi, r, 0, inputs)
        };
        l.block_rows.push((start, r));
    }
    r = put_notes(&mut l, form, data, r);
    if !form.signature.is_empty() {
        l.signature_rows = Some((r, r + 1));
        r = grid_rows_at(
            &mut l,
            std::slice::from_ref(&form.signature),
            fi,
            r,
            0,
            inputs,
        );
    }
    l.last_row = r.saturating_sub(1);
    l
}

/// Whether a row of the panel has something in the column (an optional column is printed then).
fn fills_column(data: &FormData, panel: &str, col: &str) -> bool {
    data.rows
        .iter()
        .filter(|d| d.panel == panel)
        .any(|d| d.value(col).is_some_and(|v| !v.is_blank()))
}

/// The lines above the blocks: title, 表号, the unit's name, the period and the money unit.
fn put_heading(l: &mut Layout, form: &Form, data: &FormData) {
    let width = l.width;
    let year = data.year.as_deref();
    l.put(
        TITLE_CELL.0,
        TITLE_CELL.1,
        1,
        width,
        Content::Text(form.title_for(year)),
        Style::Title,
    );
    let right_cols = (width / 3).max(1);
    l.put(
        1,
        width - right_cols,
        1,
        right_cols,
        Content::Text(form.table_no.clone()),
        Style::InfoRight,
    );
    // The unit name takes the left half when a period is centred on the line, else everything
    // left of the money unit: a merged cell does not overflow, and forms whose first columns are
    // narrow (类/款/项 of the budget tables) would cut the department's name.
    let left_cols = if form.period.is_some() {
        (width / 2).max(1)
    } else if form.money_unit.is_empty() {
        width
    } else {
        (width - right_cols).max(1)
    };
    let unit = format!("{}{}", form.unit_label, data.unit.as_deref().unwrap_or(""));
    l.put(
        UNIT_CELL.0,
        UNIT_CELL.1,
        1,
        left_cols,
        Content::Text(unit),
        Style::InfoLeft,
    );
    if let Some(p) = form.period_for(year) {
        if left_cols < width - right_cols {
            l.put(
                2,
                left_cols,
                1,
                width - right_cols - left_cols,
                Content::Text(p),
                Style::InfoCenter,
            );
        }
    }
    if !form.money_unit.is_empty() {
        l.put(
            2,
            width - right_cols,
            1,
            right_cols,
            Content::Text(form.money_unit.clone()),
            Style::InfoRight,
        );
    }
}

/// The notes (the form's own, then the data's other remarks), one line each from row `r`;
/// the row after them.
fn put_notes(l: &mut Layout, form: &Form, data: &FormData, mut r: u32) -> u32 {
    let width = l.width;
    for note in notes_and_remarks(form, data) {
        l.put(r, 0, 1, width, Content::Text(note), Style::Note);
        r += 1;
    }
    r
}

/// The form's notes, each in the unit's own words where the unit's remarks hold it worded a
/// little differently (a year or a word added, other punctuation: written once, as the unit
/// wrote it, so nothing it wrote is lost), then the data's other remarks (空表说明,
/// explanations).
fn notes_and_remarks(form: &Form, data: &FormData) -> Vec<String> {
    let mut left: Vec<&String> = data.remarks.iter().collect();
    let mut unit_copy = |note: &str| {
        let i = (left.iter()).position(|r| crate::normalize::same_wording(note, r))?;
        Some(left.remove(i).clone())
    };
    // All the form's notes typed as one line.
    let all_notes = form.notes.concat();
    let mut rows = match (form.notes.len() > 1).then(|| unit_copy(&all_notes)) {
        Some(Some(one)) => vec![one],
        _ => (form.notes.iter())
            .map(|n| unit_copy(n).unwrap_or_else(|| n.clone()))
            .collect(),
    };
    let others: Vec<String> = left.into_iter().cloned().collect();
    rows.extend(with_empty_note(form, data, others));
    rows
}

/// `remarks`, and the form's 空表说明 after them when the table is empty and neither they nor
/// the form's notes say why.
fn with_empty_note(form: &Form, data: &FormData, mut out: Vec<String>) -> Vec<String> {
    if let Some(empty) = &form.empty_note {
        let has = out
            .iter()
            .chain(form.notes.iter())
            .any(|r| empty.said_by(r));
        if !has
            && !data.form_id.is_empty()
            && data.is_empty()
            && !data.rows.is_empty()
            && data.sheet.is_some()
        {
            out.push(empty.text.clone());
        }
    }
    out
}

fn column_widths(form: &Form) -> Vec<f64> {
    let mut widths: Vec<f64> = vec![0.0; usize::from(form.width.max(3))];
    for block in &form.blocks {
        let mut col = usize::from(block.side_label.is_some());
        if block.side_label.is_some() {
            widths[0] = widths[0].max(6.0);
        }
        for p in &block.panels {
            for c in &p.columns {
                let w = c.width.unwrap_or(match c.kind {
                    ColKind::Label => 32.0,
                    ColKind::Name => 30.0,
                    ColKind::Line => 6.0,
                    ColKind::Code => 11.0,
                    ColKind::CodeLei | ColKind::CodeKuan | ColKind::CodeXiang => 5.0,
                    ColKind::Text => 24.0,
                    ColKind::Rate | ColKind::Score | ColKind::Number => 10.0,
                    ColKind::Amount => 14.0,
                });
                let per = w / f64::from(c.span);
                for k in 0..usize::from(c.span) {
                    if let Some(slot) = widths.get_mut(col + k) {
                        *slot = slot.max(per);
                    }
                }
                col += usize::from(c.span);
            }
        }
    }
    for w in &mut widths {
        if *w == 0.0 {
            *w = 12.0;
        }
    }
    widths
}

/// A header cell of a table block, placed relative to the block's first header row.
#[derive(Debug, Clone)]
pub struct HeaderPlace {
    pub row: u32,
    pub col: u16,
    pub rows: u32,
    pub cols: u16,
    pub text: String,
}

/// The header cells of a table block where the layout puts them (side label included).
pub fn header_cells(block: &Block) -> Vec<HeaderPlace> {
    let mut out = Vec::new();
    place_rows(
        &block.header,
        0,
        u16::from(block.side_label.is_some()),
        |cell: &HeaderCellDef, row, col, rows, cols| {
            out.push(HeaderPlace {
                row,
                col,
                rows,
                cols,
                text: cell.text().to_string(),
            })
        },
        |cell| (cell.rows(), cell.cols()),
    );
    out
}

/// Place header-like rows (cells left to right, skipping columns covered from above).
fn place_rows<T>(
    rows: &[Vec<T>],
    start_row: u32,
    start_col: u16,
    mut each: impl FnMut(&T, u32, u16, u32, u16),
    spans: impl Fn(&T) -> (u32, u16),
) {
    let mut covered: Vec<(u32, u16, u16)> = Vec::new(); // (until row exclusive, col, cols)
    for (ri, row) in rows.iter().enumerate() {
        let r = start_row + ri as u32;
        let mut c = start_col;
        for cell in row {
            while let Some(&(_, cc, w)) = covered
                .iter()
                .find(|(until, cc, w)| *until > r && c >= *cc && c < cc + w)
            {
                c = cc + w;
            }
            let (rs, cs) = spans(cell);
            each(cell, r, c, rs, cs);
            if rs > 1 {
                covered.push((r + rs, c, cs));
            }
            c += cs;
        }
    }
}

fn grid_rows_at(
    l: &mut Layout,
    rows: &[Vec<GridCellDef>],
    fi: usize,
    start: u32,
    col0: u16,
    inputs: &dyn Fn(&CellId) -> bool,
) -> u32 {
    let mut placed = Vec::new();
    place_rows(
        rows,
        start,
        col0,
        |cell, r, c, rs, cs| placed.push((cell.clone(), r, c, rs, cs)),
        |cell| (grid_rows(cell), grid_cols(cell)),
    );
    let mut end = start + rows.len() as u32;
    for (cell, r, c, rs, cs) in placed {
        end = end.max(r + rs);
        match cell {
            GridCellDef::Text(t) => l.put(
                r,
                c,
                rs,
                cs,
                Content::Text(t),
                Style::Label {
                    indent: 0,
                    bold: false,
                },
            ),
            GridCellDef::Cell {
                id: Some(id), kind, ..
            } => {
                let id = CellId::grid(fi, id);
                let input = inputs(&id);
                l.put(
                    r,
                    c,
                    rs,
                    cs,
                    Content::Cell(id),
                    Style::Value {
                        kind: kind.unwrap_or(ColKind::Amount),
                        source: ValueSource::of(input, false),
                    },
                )
            }
            GridCellDef::Cell { text, .. } => l.put(
                r,
                c,
                rs,
                cs,
                text.map_or(Content::Empty, Content::Text),
                Style::Label {
                    indent: 0,
                    bold: false,
                },
            ),
        }
    }
    end
}

fn table_block(
    l: &mut Layout,
    form: &Form,
    block: &Block,
    data: &FormData,
    fi: usize,
    start: u32,
    inputs: &dyn Fn(&CellId) -> bool,
) -> u32 {
    let first_data = place_header(l, block, start);
    let mut height = 0u32;
    for (pi, panel) in block.panels.iter().enumerate() {
        let at = PanelAt {
            form,
            panel,
            fi,
            offset: block.panel_offset(pi),
            first_data,
        };
        height = height.max(place_panel(l, &at, data, inputs));
    }
    let r = first_data + height;
    // The side label covers header and rows; footer rows (totals) run the full width below it.
    if let Some(label) = &block.side_label {
        l.put(
            start,
            0,
            r - start,
            1,
            Content::Text(label.clone()),
            Style::SideLabel,
        );
    }
    grid_rows_at(l, &block.footer, fi, r, 0, inputs)
}

/// A block's header rows and its 栏次 row from `start`; gives the first row of data.
fn place_header(l: &mut Layout, block: &Block, start: u32) -> u32 {
    let side = u16::from(block.side_label.is_some());
    let mut r = start;
    place_rows(
        &block.header,
        r,
        side,
        |cell: &HeaderCellDef, row, col, rs, cs| {
            l.put(
                row,
                col,
                rs,
                cs,
                Content::Text(cell.text().to_string()),
                Style::Header,
            )
        },
        |cell| (cell.rows(), cell.cols()),
    );
    r += block.header.len() as u32;
    if l.header_rows.is_none() && !block.header.is_empty() {
        l.header_rows = Some((start, r - 1 + u32::from(block.column_numbers)));
        l.freeze_row = Some(r + u32::from(block.column_numbers));
    }
    if block.column_numbers {
        for (pi, p) in block.panels.iter().enumerate() {
            let mut c = block.panel_offset(pi);
            for col in &p.columns {
                let text = col.no.clone().unwrap_or_default();
                l.put(r, c, 1, col.span, Content::Text(text), Style::ColumnNumber);
                c += col.span;
            }
        }
        r += 1;
    }
    r
}

/// Where a panel's rows go: its form and panel, its first column and first data row.
struct PanelAt<'a> {
    form: &'a Form,
    panel: &'a Panel,
    fi: usize,
    offset: u16,
    first_data: u32,
}

/// Places every row of one panel; gives how many rows it took.
fn place_panel(
    l: &mut Layout,
    at: &PanelAt,
    data: &FormData,
    inputs: &dyn Fn(&CellId) -> bool,
) -> u32 {
    let p = at.panel;
    let rows: Vec<_> = data.rows.iter().filter(|d| d.panel == p.id).collect();
    if p.coded.is_some() {
        let code_cols: Vec<u16> = p
            .columns
            .iter()
            .filter(|c| c.kind.is_code())
            .filter_map(|c| p.column_offset(&c.id).map(|o| at.offset + o))
            .collect();
        let coded_rows: Vec<u32> = rows
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind == RowKind::Coded)
            .map(|(i, _)| at.first_data + i as u32)
            .collect();
        if let (Some(a), Some(b)) = (coded_rows.first(), coded_rows.last()) {
            l.coded_ranges.insert(p.id.clone(), (code_cols, *a, *b));
        }
    }
    let mut merge_runs: HashMap<&str, (String, u32)> = HashMap::new();
    for (i, d) in rows.iter().enumerate() {
        place_row(l, at, i, d, &mut merge_runs, inputs);
    }
    rows.len() as u32
}

/// Places the `i`th row of a panel, column by column (a label or 合计 may span several).
fn place_row<'p>(
    l: &mut Layout,
    at: &PanelAt<'p>,
    i: usize,
    d: &RowData,
    merge_runs: &mut HashMap<&'p str, (String, u32)>,
    inputs: &dyn Fn(&CellId) -> bool,
) {
    let (p, off) = (at.panel, at.offset);
    let row = at.first_data + i as u32;
    let fixed = at.form.fixed_row(&d.key).map(|(_, f)| f);
    let is_total = d.kind == RowKind::Total;
    let mut c = off;
    let mut skip_until = 0u16;
    for col in &p.columns {
        let here = c;
        c += col.span;
        if here < skip_until {
            continue;
        }
        let span = col.span;
        match col.kind {
            ColKind::Label => {
                let span = fixed.and_then(|f| f.label_span).unwrap_or(span);
                skip_until = here + span;
                let style = label_style(fixed, is_total);
                l.put(row, here, 1, span, label_of(d), style);
            }
            ColKind::Line => {
                let content = d.line.map_or(Content::Empty, Content::Number);
                l.put(row, here, 1, span, content, Style::Line);
            }
            k if k.is_code() && is_total => {
                // 合计 spans the code and name columns.
                let name_end = name_end(p, off).unwrap_or(here + span);
                skip_until = name_end;
                l.put(row, here, 1, name_end - here, label_of(d), TOTAL_LABEL);
            }
            ColKind::Code | ColKind::CodeLei | ColKind::CodeKuan | ColKind::CodeXiang => {
                let text = code_text(d, fixed, col.kind);
                let style = typed_by_clerk(d, Style::Code);
                l.put(row, here, 1, span, Content::Text(text), style);
            }
            ColKind::Name => {
                let style = typed_by_clerk(d, NAME_LABEL);
                l.put(row, here, 1, span, label_of(d), style);
            }
            kind if fixed.is_some_and(|f| f.blank) => {
                let style = Style::Value {
                    kind,
                    source: ValueSource::Computed,
                };
                l.put(row, here, 1, span, Content::Empty, style);
            }
            kind => {
                let id = CellId::new(at.fi, d.key.clone(), col.id.clone());
                let input = inputs(&id);
                let merged_down = p
                    .list
                    .as_ref()
                    .is_some_and(|li| li.merge_down.iter().any(|m| *m == *col.id));
                if merged_down && extends_merge_above(l, merge_runs, col, d, i, row, here, &id) {
                    continue;
                }
                l.put(
                    row,
                    here,
                    1,
                    span,
                    Content::Cell(id),
                    Style::Value {
                        kind,
                        source: ValueSource::of(input, is_typed_row(d)),
                    },
                );
            }
        }
    }
}

/// The label of a total spanning the code and name columns.
const TOTAL_LABEL: Style = Style::Label {
    indent: 0,
    bold: true,
};

/// A 科目 name.
const NAME_LABEL: Style = Style::Label {
    indent: 0,
    bold: false,
};

/// The style of a fixed row's label: bold for a total and for a top row of its own (no
/// indent, parent, 行次 or code shown).
fn label_style(fixed: Option<&FixedRow>, is_total: bool) -> Style {
    let bold = is_total
        || fixed.is_some_and(|f| {
            f.indent == 0 && f.parent.is_none() && f.line.is_none() && !f.show_code
        });
    Style::Label {
        indent: fixed.map_or(0, |f| f.indent),
        bold,
    }
}

/// Where a panel placed at column `off` has its name column end, if it has one.
fn name_end(p: &Panel, off: u16) -> Option<u16> {
    p.columns
        .iter()
        .position(|x| x.kind == ColKind::Name)
        .map(|ni| off + p.columns[..=ni].iter().map(|x| x.span).sum::<u16>())
}

/// What a code column of kind `kind` shows on row `d`: the whole code, or its 类/款/项 part
/// in a split code column.
fn code_text(d: &RowData, fixed: Option<&FixedRow>, kind: ColKind) -> String {
    let show = d.kind == RowKind::Coded || fixed.is_some_and(|f| f.show_code);
    match kind {
        ColKind::Code if show => d.code.clone().unwrap_or_default(),
        ColKind::Code => String::new(),
        part => split_code(d.code.as_deref(), part),
    }
}

fn label_of(d: &RowData) -> Content {
    Content::Text(d.label.clone().unwrap_or_default())
}

/// A list column merged down (`merge_down`): the same text as the row above extends that
/// row's cell down over this one (true); otherwise this row starts a new run (false).
#[allow(clippy::too_many_arguments)]
fn extends_merge_above<'p>(
    l: &mut Layout,
    merge_runs: &mut HashMap<&'p str, (String, u32)>,
    col: &'p ColumnDef,
    d: &RowData,
    i: usize,
    row: u32,
    here: u16,
    id: &CellId,
) -> bool {
    let text = match d.get(&col.id) {
        Val::Text(t) => t,
        _ => String::new(),
    };
    let run = merge_runs.entry(&*col.id).or_insert((String::new(), row));
    if !text.is_empty() && text == run.0 && i > 0 {
        if let Some(prev) = l
            .cells
            .iter_mut()
            .rev()
            .find(|pc| pc.col == here && pc.row == run.1)
        {
            prev.rows = row - run.1 + 1;
        }
        l.addr.insert(id, (run.1, here));
        return true;
    }
    *run = (text, row);
    false
}

/// Codes and names of 科目 rows and list rows are the clerk's to type: unlocked.
fn typed_by_clerk(d: &RowData, fixed_style: Style) -> Style {
    if is_typed_row(d) {
        Style::Entry
    } else {
        fixed_style
    }
}

/// Whether the clerk types the row (a 科目 or list row), rather than the form fixing it.
fn is_typed_row(d: &RowData) -> bool {
    matches!(d.kind, RowKind::Coded | RowKind::List)
}

/// The part of a 科目 code a split column shows, as the Changsha tables print it: a 类 row
/// shows 类 only, a 款 row 款 only, a 项 row all three.
fn split_code(code: Option<&str>, kind: ColKind) -> String {
    let Some(code) = code else {
        return String::new();
    };
    let part = |a: usize, b: usize| code.get(a..b).unwrap_or("").to_string();
    match (code.len(), kind) {
        (3, ColKind::CodeLei) => part(0, 3),
        (5, ColKind::CodeKuan) => part(3, 5),
        (7, ColKind::CodeLei) => part(0, 3),
        (7, ColKind::CodeKuan) => part(3, 5),
        (7, ColKind::CodeXiang) => part(5, 7),
        _ => String::new(),
    }
}

pub use crate::normalize::{a1, col_name};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_codes_like_the_changsha_tables() {
        assert_eq!(split_code(Some("201"), ColKind::CodeLei), "201");
        assert_eq!(split_code(Some("20104"), ColKind::CodeLei), "");
        assert_eq!(split_code(Some("20104"), ColKind::CodeKuan), "04");
        assert_eq!(split_code(Some("2010450"), ColKind::CodeXiang), "50");
    }

    /// Generated cells, some placed twice, row keys and column ids with and without a `.`,
    /// grid cells among them: each is found where it was placed last, by its id (shared texts
    /// or copies) and by its logical name, as a map from `row.col` texts finds it; the first row
    /// of a row is its value cells' top one; every cell is listed once.
    #[test]
    fn cell_addresses_find_each_cell_as_a_map_of_its_name_does() {
        let mut rng = crate::test_rng::Rng::new(0x5eed_ce11_add5);
        let rows = ["2010101", "L27", "#3", "一.工资", "total", "fund_rate"];
        let cols = ["c1", "c2", "amount", "w.t", "a.b.c"];
        for case in 0..300 {
            let mut addr = CellAddresses::with_room(2, 3);
            let mut by_name: std::collections::HashMap<String, (u32, u16)> = Default::default();
            let mut placed: Vec<CellId> = Vec::new();
            for step in 0..rng.below(40) {
                let row = rows[rng.below(rows.len())];
                let cell = match rng.below(5) {
                    0 => CellId::grid(0, row),
                    _ => CellId::new(0, row, cols[rng.below(cols.len())]),
                };
                let at = (step as u32, rng.below(9) as u16);
                addr.insert(&cell, at);
                by_name.insert(cell.key(), at);
                placed.retain(|c| *c != cell);
                placed.push(cell);
            }
            for cell in &placed {
                let expected = by_name.get(&cell.key()).copied();
                assert!(expected.is_some());
                let copy = CellId {
                    form: 0,
                    row: Name::from(cell.row.to_string()),
                    col: cell.col.as_deref().map(Name::from),
                };
                assert_eq!(addr.get(cell), expected, "case {case}: {}", cell.key());
                assert_eq!(
                    addr.get(&copy),
                    expected,
                    "case {case}: copy of {}",
                    cell.key()
                );
                // A name two cells share (grid `a.b` and row `a`'s column `b`) is no case here.
                let shared = placed.iter().filter(|c| c.key() == cell.key()).count();
                if shared == 1 {
                    assert_eq!(addr.get_key(&cell.key()), expected, "case {case}");
                }
            }
            for row in rows {
                let top = placed
                    .iter()
                    .filter(|c| *c.row == *row && c.col.is_some())
                    .map(|c| by_name[&c.key()].0)
                    .min();
                assert_eq!(addr.first_row(row), top, "case {case}: first row of {row}");
            }
            assert_eq!(addr.len(), placed.len(), "case {case}");
            let mut listed: Vec<String> = addr
                .iter()
                .map(|(row, col, _)| col.map_or_else(|| row.to_string(), |c| format!("{row}.{c}")))
                .collect();
            let mut names: Vec<String> = placed.iter().map(CellId::key).collect();
            listed.sort();
            names.sort();
            assert_eq!(listed, names, "case {case}");
            assert_eq!(addr.get_key("absent.c1"), None);
        }
    }
}
