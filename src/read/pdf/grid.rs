//! Rebuilds one PDF page's ruled tables and text lines from its glyphs and ruling lines, in reading order.

use super::super::blocks::{is_continuation_mark, Block, LastLine, Line, TableGrid};
use super::super::document::is_unit_line;
use super::furniture::{Placed, PlacedPage};
use super::{header_rest, split_rows};
use super::{merge, squeezed, Page};
use crate::read::{is_code_text, Merge, MIN_CODE_DIGITS};

/// Positions closer than this (points) are one line position of a grid.
pub(super) const SNAP: f64 = 2.0;
/// A text whose centre stands closer than this many text sizes to a rule has glyphs across it.
const CROSSING: f64 = 0.5;
/// A rectangle thinner than this (points) is a ruling line.
const THIN: f64 = 2.5;
/// How far inside its clip (points) a run whose middle falls outside the clip is placed.
const CLIP_INSET: f64 = 1.0;

/// Text on one baseline without a wide gap; page coordinates, y growing down.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    pub x0: f64,
    pub x1: f64,
    pub baseline: f64,
    pub size: f64,
    pub text: String,
    /// Goes on from the run before it across a vertical rule, glyph against glyph: the end
    /// of a text too long for its cell, printed over the cell to its right.
    pub spills: bool,
    /// The first and last text-showing operations of the page that printed the run, when
    /// known: a spreadsheet prints a wrapped cell's lines one operation after another.
    pub ops: Option<(usize, usize)>,
    /// The clip the run was printed in, when known: a spreadsheet clips a cell's text to the
    /// cell, so a line of a wrapped text printed over the cell's top or bottom rule, mostly
    /// cut away, is still that cell's, and so is a centred text cut at both its sides.
    pub clip: Option<Clip>,
}

/// A clip's box, page coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Clip {
    pub top: f64,
    pub bottom: f64,
    pub left: f64,
    pub right: f64,
}

/// `v` kept inside `lo`..`hi`, [`CLIP_INSET`] or half the span from each end.
fn inside(v: f64, lo: f64, hi: f64) -> f64 {
    if hi <= lo {
        return v;
    }
    let inset = ((hi - lo) / 2.0).min(CLIP_INSET);
    v.clamp(lo + inset, hi - inset)
}

impl Run {
    pub(crate) fn glyph(x0: f64, x1: f64, baseline: f64, size: f64, text: &str) -> Run {
        Run {
            x0,
            x1: x1.max(x0),
            baseline,
            size: if size > 0.1 { size } else { 10.0 },
            text: text.to_string(),
            spills: false,
            ops: None,
            clip: None,
        }
    }

    /// The glyph as printed by text-showing operation `op` of its page.
    pub(crate) fn shown_by(mut self, op: usize) -> Run {
        self.ops = Some((op, op));
        self
    }

    /// Takes in the operations of `other`, printed as part of this run.
    fn take_ops(&mut self, other: &Run) {
        self.ops = match (self.ops, other.ops) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (a, b) => a.or(b),
        };
    }

    /// The middle of the run's text, kept inside its clip: a line whose glyphs stand mostly
    /// over the clip's edge (a wrapped label's first line printed over its row's top rule,
    /// a centred text cut at both sides and joined to what it runs over) is read where it
    /// shows, in the clip's cell.
    fn centre(&self) -> (f64, f64) {
        let (x, y) = ((self.x0 + self.x1) / 2.0, self.baseline - self.size * 0.3);
        match self.clip {
            Some(c) => (inside(x, c.left, c.right), inside(y, c.top, c.bottom)),
            None => (x, y),
        }
    }
}

/// A horizontal or vertical ruling line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Rule {
    H { y: f64, x0: f64, x1: f64 },
    V { x: f64, y0: f64, y1: f64 },
}

impl Rule {
    /// The rule along a segment, if it is horizontal or vertical.
    pub(crate) fn between(a: (f64, f64), b: (f64, f64)) -> Option<Rule> {
        let (dx, dy) = ((a.0 - b.0).abs(), (a.1 - b.1).abs());
        if dy < 0.8 && dx > SNAP {
            Some(Rule::H {
                y: (a.1 + b.1) / 2.0,
                x0: a.0.min(b.0),
                x1: a.0.max(b.0),
            })
        } else if dx < 0.8 && dy > SNAP {
            Some(Rule::V {
                x: (a.0 + b.0) / 2.0,
                y0: a.1.min(b.1),
                y1: a.1.max(b.1),
            })
        } else {
            None
        }
    }

    /// A thin rectangle is one rule; a cell-sized one is its four edges.
    pub(crate) fn from_rect(a: (f64, f64), b: (f64, f64)) -> Vec<Rule> {
        let (x0, x1, y0, y1) = (a.0.min(b.0), a.0.max(b.0), a.1.min(b.1), a.1.max(b.1));
        let (w, h) = (x1 - x0, y1 - y0);
        let (my, mx) = ((y0 + y1) / 2.0, (x0 + x1) / 2.0);
        if h < THIN && w > SNAP {
            vec![Rule::H { y: my, x0, x1 }]
        } else if w < THIN && h > SNAP {
            vec![Rule::V { x: mx, y0, y1 }]
        } else if w > SNAP && h > SNAP {
            vec![
                Rule::H { y: y0, x0, x1 },
                Rule::H { y: y1, x0, x1 },
                Rule::V { x: x0, y0, y1 },
                Rule::V { x: x1, y0, y1 },
            ]
        } else {
            vec![]
        }
    }

    fn touches(&self, other: &Rule) -> bool {
        let near = |v: f64, lo: f64, hi: f64| v >= lo - SNAP && v <= hi + SNAP;
        match (*self, *other) {
            (Rule::H { y, x0, x1 }, Rule::V { x, y0, y1 })
            | (Rule::V { x, y0, y1 }, Rule::H { y, x0, x1 }) => near(x, x0, x1) && near(y, y0, y1),
            (
                Rule::H { y: a, x0, x1 },
                Rule::H {
                    y: b,
                    x0: u0,
                    x1: u1,
                },
            ) => {
                (a - b).abs() < SNAP && near(u0, x0, x1) || (a - b).abs() < SNAP && near(x0, u0, u1)
            }
            (
                Rule::V { x: a, y0, y1 },
                Rule::V {
                    x: b,
                    y0: u0,
                    y1: u1,
                },
            ) => (a - b).abs() < SNAP && (near(u0, y0, y1) || near(y0, u0, u1)),
        }
    }
}

/// The grid lines of one ruled table.
struct Ruled {
    xs: Vec<f64>,
    ys: Vec<f64>,
    rules: Vec<Rule>,
}

impl Ruled {
    /// Whether the centre `(x, y)` of a text of `size` stands in the table: within its outer
    /// rules, or just outside them where the text's glyphs still cross the rule (its centre
    /// closer to it than half the text's size): a line printed right above a page shrunk to
    /// fit (a 部门名称 line over a wide table) stands nearer the top rule than [`SNAP`].
    fn contains(&self, (x, y): (f64, f64), size: f64) -> bool {
        let (Some(&x0), Some(&x1)) = (self.xs.first(), self.xs.last()) else {
            return false;
        };
        let (y0, y1) = (self.ys[0], self.ys[self.ys.len() - 1]);
        let slack = SNAP.min(size * CROSSING);
        x > x0 - SNAP && x < x1 + SNAP && y > y0 - slack && y < y1 + slack
    }

    /// Whether the point lies between the table's top and bottom rules.
    fn holds_strictly(&self, (_, y): (f64, f64)) -> bool {
        y > self.ys[0] && y < self.ys[self.ys.len() - 1]
    }

    /// Whether a vertical rule at `x` runs through the middle of `y0..y1`.
    fn has_v(&self, x: f64, y0: f64, y1: f64) -> bool {
        runs_through(self.segments(true, x), (y0 + y1) / 2.0)
    }

    /// Whether a horizontal rule at `y` runs through the middle of `x0..x1`.
    fn has_h(&self, y: f64, x0: f64, x1: f64) -> bool {
        runs_through(self.segments(false, y), (x0 + x1) / 2.0)
    }

    /// The extents of the vertical (or horizontal) rules at `at`.
    fn segments(&self, vertical: bool, at: f64) -> Vec<(f64, f64)> {
        let along = |r: &Rule| match (*r, vertical) {
            (Rule::V { x, y0, y1 }, true)
            | (
                Rule::H {
                    y: x,
                    x0: y0,
                    x1: y1,
                },
                false,
            ) => Some((x, y0, y1)),
            _ => None,
        };
        let on_line = self.rules.iter().filter_map(along);
        on_line
            .filter(|(x, _, _)| (x - at).abs() < SNAP)
            .map(|(_, a, b)| (a, b))
            .collect()
    }

    /// For each grid slot (row by row), the first slot of the merged region covering it.
    fn owners(&self) -> Vec<usize> {
        let (rows, cols) = (self.ys.len() - 1, self.xs.len() - 1);
        let mut owner: Vec<usize> = (0..rows * cols).collect();
        for r in 0..rows {
            for c in 0..cols {
                let me = owner[r * cols + c];
                if c + 1 < cols && !self.has_v(self.xs[c + 1], self.ys[r], self.ys[r + 1]) {
                    owner[r * cols + c + 1] = me;
                }
                if r + 1 < rows && !self.has_h(self.ys[r + 1], self.xs[c], self.xs[c + 1]) {
                    owner[(r + 1) * cols + c] = me;
                }
            }
        }
        owner
    }

    /// The cell (its first slot, by `owner` of [`Ruled::owners`]) holding the point.
    fn cell_at(&self, owner: &[usize], (x, y): (f64, f64)) -> usize {
        let cols = self.xs.len() - 1;
        owner[Ruled::slot(&self.ys, y) * cols + Ruled::slot(&self.xs, x)]
    }

    fn slot(edges: &[f64], v: f64) -> usize {
        let i = edges.partition_point(|e| *e < v);
        i.saturating_sub(1).min(edges.len() - 2)
    }
}

/// Whether segments of one line (`from`, `to`), joined where a gap narrower than [`SNAP`]
/// parts them, pass `mid`. Word paints a cell's border per row it spans, leaving a corner's
/// width between the pieces, also where no rule crosses (rows merged all across): such a
/// gap is no break in the line.
fn runs_through(mut pieces: Vec<(f64, f64)>, mid: f64) -> bool {
    pieces.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut joined: Option<(f64, f64)> = None;
    for (a, b) in pieces {
        joined = match joined {
            Some((s, e)) if a - e < SNAP => Some((s, e.max(b))),
            Some((s, e)) if s <= mid && e >= mid => return true,
            _ => Some((a, b)),
        };
    }
    joined.is_some_and(|(s, e)| s <= mid && e >= mid)
}

/// The page's tables and lines, top to bottom, with where each was printed.
pub(crate) fn placed_items(page: &Page) -> PlacedPage {
    let tables = find_tables(&page.rules);
    let runs = group_runs(&page.runs, &page.rules);
    let mut in_table: Vec<Vec<&Run>> = vec![Vec::new(); tables.len()];
    let mut outside = Vec::new();
    for (run, (at, wrapped)) in runs.iter().zip(placing_centres(&runs, &tables)) {
        let inside = |t: &Ruled| t.contains(at, run.size) && (!wrapped || t.holds_strictly(at));
        match tables.iter().position(inside) {
            Some(i) => in_table[i].push(run),
            None => outside.push(run),
        }
    }
    let joined: Vec<Vec<Run>> = tables
        .iter()
        .zip(&in_table)
        .map(|(t, runs)| join_spills(t, runs))
        .collect();
    let mut items: Vec<Placed> = Vec::new();
    for (t, runs) in tables.iter().zip(&joined) {
        let runs: Vec<&Run> = runs.iter().collect();
        let (table, unit_lines) = build_table(t, &runs, page.number);
        items.push(Placed {
            top: t.ys[0],
            block: Block::Table(table),
        });
        outside.extend(unit_lines);
    }
    let outside = joined_wrapped(&outside, &tables);
    let outside: Vec<&Run> = outside.iter().collect();
    for (top, mut line) in lines(&outside) {
        if !is_page_furniture(&line.text) {
            line.page = Some(page.number);
            items.push(Placed {
                top,
                block: Block::Line(line),
            });
        }
    }
    items.sort_by(|a, b| a.top.total_cmp(&b.top));
    PlacedPage {
        height: page.height,
        items,
    }
}

/// The point that tells whether each run stands in a table: its centre, or for the lines of
/// one wrapped text the middle of them all: a note under a table wrapped in a row too low for
/// it runs up over the table's last row.
/// The middle of wrapped lines must lie within the table's outer rules, not only near them.
fn placing_centres(runs: &[Run], tables: &[Ruled]) -> Vec<((f64, f64), bool)> {
    let refs: Vec<&Run> = runs.iter().collect();
    let mut at: Vec<((f64, f64), bool)> = runs.iter().map(|r| (r.centre(), false)).collect();
    let chains = wrapped_chains(&refs).into_iter();
    let chains = chains.flat_map(|c| parted_at_table_foot(&refs, c, tables));
    for chain in chains.filter(|c| c.len() > 1) {
        let mid = (at[chain[0]].0 .1 + at[chain[chain.len() - 1]].0 .1) / 2.0;
        for &i in &chain {
            at[i] = ((at[i].0 .0, mid), true);
        }
    }
    at
}

/// `chain` (lines of one text, by [`wrapped_chains`]) parted where it crosses a table's
/// bottom rule after a line ending short of the line below it (by more than that line's first
/// unbreakable piece): the text of the table's last row (`合计`) printed right over a note
/// under the table, not a note wrapped up over the table's last row, whose lines above the
/// last fill its width.
fn parted_at_table_foot(runs: &[&Run], chain: Vec<usize>, tables: &[Ruled]) -> Vec<Vec<usize>> {
    let line_of = |k: usize| {
        let baseline = runs[chain[k]].baseline;
        let on = |&&i: &&usize| (runs[i].baseline - baseline).abs() < runs[i].size * SAME_BASELINE;
        let line: Vec<&Run> = chain.iter().filter(on).map(|&i| runs[i]).collect();
        let x0 = line.iter().map(|r| r.x0).fold(f64::MAX, f64::min);
        let x1 = line.iter().map(|r| r.x1).fold(f64::MIN, f64::max);
        (
            x1 - x0,
            line.iter().map(|r| r.text.as_str()).collect::<String>(),
        )
    };
    let crosses = |k: usize| {
        let (above, below) = (runs[chain[k - 1]], runs[chain[k]]);
        tables.iter().any(|t| {
            let foot = t.ys[t.ys.len() - 1];
            t.holds_strictly(above.centre()) && below.centre().1 > foot
        })
    };
    let part = (1..chain.len()).find(|&k| {
        crosses(k) && {
            let ((upper, _), (lower, text)) = (line_of(k - 1), line_of(k));
            lower - upper > (first_piece_width(&text) + FULL_LINE_SLACK) * runs[chain[k]].size
        }
    });
    match part {
        Some(k) => vec![chain[..k].to_vec(), chain[k..].to_vec()],
        None => vec![chain],
    }
}

/// The runs outside the tables with the lines of each wrapped text joined into its first
/// line: a 部门 name wrapped in its cell over the table is one line, not three lines around
/// the unit line beside it. Only a text wrapped in a cell is joined: one whose lines have
/// another text between them, or one printed over a table; the lines of a paragraph (a
/// title over its table's number, a statement's lines) stay lines.
fn joined_wrapped(runs: &[&Run], tables: &[Ruled]) -> Vec<Run> {
    let chains = wrapped_chains(runs);
    let mut out: Vec<Run> = Vec::new();
    let mut taken = vec![false; runs.len()];
    for chain in chains.iter().filter(|c| in_a_cell(runs, c, tables)) {
        let mut first = runs[chain[0]].clone();
        for &i in &chain[1..] {
            first.text = join_text([first.text, runs[i].text.clone()]);
            first.x0 = first.x0.min(runs[i].x0);
            first.x1 = first.x1.max(runs[i].x1);
            first.take_ops(runs[i]);
        }
        chain.iter().for_each(|&i| taken[i] = true);
        out.push(first);
    }
    let single = runs.iter().zip(&taken).filter(|(_, t)| !**t);
    out.extend(single.map(|(r, _)| (*r).clone()));
    out
}

/// Whether the wrapped lines `chain` of `runs` were printed in a cell: a run of another
/// text stands between their first and last lines, or one of them over a table, or they are
/// shaped as one text wrapped in a column narrower than a third of the page's widest table
/// (each line as wide as any after it, give or take a character).
fn in_a_cell(runs: &[&Run], chain: &[usize], tables: &[Ruled]) -> bool {
    let (first, last) = (runs[chain[0]], runs[chain[chain.len() - 1]]);
    let margin = first.size * SAME_BASELINE;
    let between =
        |r: &&Run| r.baseline > first.baseline + margin && r.baseline < last.baseline - margin;
    let crowded = runs
        .iter()
        .enumerate()
        .any(|(i, r)| !chain.contains(&i) && between(r));
    let over_table = chain.iter().any(|&i| {
        tables
            .iter()
            .any(|t| t.contains(runs[i].centre(), runs[i].size))
    });
    crowded || over_table || wrapped_narrow(runs, chain, tables)
}

/// Whether the lines `chain` of `runs` read as one text wrapped in a narrow column: each line
/// at least as wide as the lines after it, less a character, and all of them narrower than a
/// third of the widest table of the page.
fn wrapped_narrow(runs: &[&Run], chain: &[usize], tables: &[Ruled]) -> bool {
    let mut widths: Vec<(f64, f64)> = Vec::new();
    for &i in chain {
        let r = runs[i];
        match widths.last_mut() {
            Some(w) if (r.baseline - w.0).abs() < r.size * SAME_BASELINE => w.1 += r.x1 - r.x0,
            _ => widths.push((r.baseline, r.x1 - r.x0)),
        }
    }
    let size = runs[chain[0]].size;
    let shaped = widths
        .iter()
        .enumerate()
        .all(|(i, w)| widths[i + 1..].iter().all(|later| w.1 + size >= later.1));
    let x0 = chain.iter().map(|&i| runs[i].x0).fold(f64::MAX, f64::min);
    let x1 = chain.iter().map(|&i| runs[i].x1).fold(f64::MIN, f64::max);
    let widest = tables
        .iter()
        .map(|t| t.xs[t.xs.len() - 1] - t.xs[0])
        .fold(0.0, f64::max);
    shaped && (x1 - x0) * 3.0 < widest
}

/// The page's tables and lines, top to bottom.
#[cfg(test)]
fn page_items(page: &Page) -> Vec<Block> {
    placed_items(page)
        .items
        .into_iter()
        .map(|p| p.block)
        .collect()
}

/// A page number or running footer such as `5`, `- 5 -`, `第 5 页`, `5/25`.
fn is_page_furniture(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let rest = t
        .trim_matches(|c: char| matches!(c, '-' | '—' | '–' | '第' | '页' | '共'))
        .replace('/', "");
    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit())
}

fn snap(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    for v in values {
        match out.last() {
            Some(last) if v - last < SNAP => {}
            _ => out.push(v),
        }
    }
    out
}

/// Groups of touching rules that span at least two rows and two columns.
fn find_tables(rules: &[Rule]) -> Vec<Ruled> {
    let mut group: Vec<usize> = (0..rules.len()).collect();
    fn root(g: &mut [usize], mut i: usize) -> usize {
        while g[i] != i {
            g[i] = g[g[i]];
            i = g[i];
        }
        i
    }
    for i in 0..rules.len() {
        for j in i + 1..rules.len() {
            if rules[i].touches(&rules[j]) {
                let (a, b) = (root(&mut group, i), root(&mut group, j));
                group[a] = b;
            }
        }
    }
    let mut by_root: std::collections::BTreeMap<usize, Vec<Rule>> = Default::default();
    for (i, rule) in rules.iter().enumerate() {
        let r = root(&mut group, i);
        by_root.entry(r).or_default().push(*rule);
    }
    by_root
        .into_values()
        .filter_map(|rules| {
            let xs = snap(
                rules
                    .iter()
                    .filter_map(|r| match r {
                        Rule::V { x, .. } => Some(*x),
                        _ => None,
                    })
                    .collect(),
            );
            let ys = snap(
                rules
                    .iter()
                    .filter_map(|r| match r {
                        Rule::H { y, .. } => Some(*y),
                        _ => None,
                    })
                    .collect(),
            );
            (xs.len() >= 2 && ys.len() >= 2).then_some(Ruled { xs, ys, rules })
        })
        .collect()
}

/// The table's cells (a merged region is one cell), each holding the text of its runs.
/// The table of `t` with the runs inside it; and the unit lines (`单位：万元`) printed in a
/// box above its text (the top box's rules drawn around the unit line too), which are the
/// lines above the table, not part of its header word.
fn build_table<'r>(t: &Ruled, runs: &[&'r Run], page: u32) -> (TableGrid, Vec<&'r Run>) {
    let (rows, cols) = (t.ys.len() - 1, t.xs.len() - 1);
    let owner = t.owners();
    let mut texts: Vec<Vec<&Run>> = vec![Vec::new(); rows * cols];
    for (run, at) in runs.iter().zip(anchors(t, &owner, runs)) {
        texts[t.cell_at(&owner, at)].push(run);
    }
    let unit_lines: Vec<&Run> = texts.iter_mut().flat_map(take_unit_line).collect();
    let mut grid = TableGrid {
        rows: vec![vec![String::new(); cols]; rows],
        merges: Vec::new(),
        pages: vec![page; rows],
        columns: t.xs.clone(),
        last_lines: (0..cols)
            .map(|c| {
                let cell = owner[(rows - 1) * cols + c];
                let last_col = (0..cols).rfind(|&k| owner[(rows - 1) * cols + k] == cell);
                let right = t.xs[last_col.unwrap_or(c) + 1];
                room_at_foot(&texts[cell], t.ys[rows], right - t.xs[cell % cols])
            })
            .collect(),
        maybe_cut: Vec::new(),
        column_pages: Vec::new(),
        columns_of: Vec::new(),
        row_spans: t.ys.windows(2).map(|w| (w[0], w[1])).collect(),
    };
    for cell in 0..rows * cols {
        if owner[cell] != cell {
            continue;
        }
        let (r, c) = (cell / cols, cell % cols);
        grid.rows[r][c] = join_runs(&texts[cell]);
        let covered = (0..rows * cols).filter(|&k| owner[k] == cell);
        let (last_r, last_c) =
            covered.fold((r, c), |(lr, lc), k| (lr.max(k / cols), lc.max(k % cols)));
        if (last_r, last_c) != (r, c) {
            grid.merges
                .push(merge(r as u32, c as u16, last_r as u32, last_c as u16));
        }
    }
    split_rows::join_split_rows(&mut grid);
    (grid, unit_lines)
}

/// The next line of a wrapped text stands this many text sizes (at least, at most) below
/// the line before: closer than the rows of single lines a sheet's default row height gives.
const LINE_PITCH: (f64, f64) = (1.0, 1.22);

/// The point that places each run in the table: its centre; but the lines of one wrapped
/// cell whose text runs over its row's height, above and below (the row kept its height),
/// all go to the row in the middle of them. Such lines are told by their printing, one
/// operation after the other, a line's pitch apart in one column, and by running into a
/// row that holds another cell's text; the middle of them must be the middle of a row.
fn anchors(t: &Ruled, owner: &[usize], runs: &[&Run]) -> Vec<(f64, f64)> {
    let mut at: Vec<(f64, f64)> = runs.iter().map(|r| r.centre()).collect();
    for chain in wrapped_chains(runs) {
        let (top, bottom) = (at[chain[0]].1, at[chain[chain.len() - 1]].1);
        let mid = (top + bottom) / 2.0;
        let row = Ruled::slot(&t.ys, mid);
        let (y0, y1) = (t.ys[row], t.ys[row + 1]);
        let centred = (mid - (y0 + y1) / 2.0).abs() < (y1 - y0) / 4.0;
        let cells: Vec<usize> = chain.iter().map(|&i| t.cell_at(owner, at[i])).collect();
        let crowded = (0..runs.len())
            .filter(|i| !chain.contains(i))
            .any(|i| cells.contains(&t.cell_at(owner, at[i])));
        if centred && crowded && cells.iter().any(|c| *c != cells[0]) {
            for &i in &chain {
                at[i].1 = mid;
            }
        }
    }
    at
}

/// Runs (by index) printed one operation after the other, each a line's pitch below the
/// one before and over it: the lines of one wrapped text, line by line, each line's pieces
/// (a line cut by the vertical rules it crosses) left to right. A `续表` line is a paragraph
/// of its own, never a wrapped text's line: printed right over the first cell of the table
/// it continues, it is no part of that cell.
fn wrapped_chains(runs: &[&Run]) -> Vec<Vec<usize>> {
    let mut lines: std::collections::BTreeMap<(usize, usize), Vec<usize>> = Default::default();
    for (i, r) in runs.iter().enumerate() {
        if let Some(ops) = r.ops {
            lines.entry(ops).or_default().push(i);
        }
    }
    for line in lines.values_mut() {
        line.sort_by(|&a, &b| runs[a].x0.total_cmp(&runs[b].x0));
    }
    let by_first: std::collections::HashMap<usize, (usize, usize)> =
        lines.keys().map(|&k| (k.0, k)).collect();
    let extent = |line: &[usize]| {
        let x0 = line.iter().map(|&i| runs[i].x0).fold(f64::MAX, f64::min);
        let x1 = line.iter().map(|&i| runs[i].x1).fold(f64::MIN, f64::max);
        (x0, x1, runs[line[0]])
    };
    let marks = |key: &(usize, usize)| {
        is_continuation_mark(
            &lines[key]
                .iter()
                .map(|&i| runs[i].text.as_str())
                .collect::<String>(),
        )
    };
    let next_of = |key: (usize, usize)| -> Option<(usize, usize)> {
        let next = *by_first.get(&(key.1 + 1))?;
        if marks(&key) || marks(&next) {
            return None;
        }
        let ((a0, a1, a), (b0, b1, b)) = (extent(&lines[&key]), extent(&lines[&next]));
        let pitch = (b.baseline - a.baseline) / a.size;
        let over = b0 < a1 && b1 > a0;
        (pitch >= LINE_PITCH.0 && pitch <= LINE_PITCH.1 && over).then_some(next)
    };
    let has_before: std::collections::HashSet<(usize, usize)> =
        lines.keys().filter_map(|&k| next_of(k)).collect();
    let mut chains = Vec::new();
    for &start in lines.keys().filter(|k| !has_before.contains(k)) {
        let mut keys = vec![start];
        while let Some(n) = next_of(keys[keys.len() - 1]) {
            keys.push(n);
        }
        if keys.len() > 1 {
            chains.push(keys.iter().flat_map(|k| lines[k].clone()).collect());
        }
    }
    chains
}

/// A text line ending this close to its box's bottom rule (in text sizes) is the box's last.
const FOOT_GAP: f64 = 0.8;
/// A line whose width falls short of its box's by at most this many text sizes, plus the
/// box's inner margins, fills the box: the next character would not have fitted.
const FULL_LINE_SLACK: f64 = 1.2;
/// The inner margins of a box on both sides together (Word's default is 0.19 cm each), points.
const BOX_MARGINS: f64 = 12.0;

/// Where a box's last line of text (of `runs`) stands: its gap to the box's bottom (at
/// `bottom`) and the room it leaves in the box's width (`width`, less its margins).
fn room_at_foot(runs: &[&Run], bottom: f64, width: f64) -> Option<LastLine> {
    let last = runs
        .iter()
        .max_by(|a, b| a.baseline.total_cmp(&b.baseline))?;
    let on_last = runs
        .iter()
        .filter(|r| (r.baseline - last.baseline).abs() < last.size * 0.4);
    let (x0, x1) = on_last.fold((f64::MAX, f64::MIN), |(a, b), r| (a.min(r.x0), b.max(r.x1)));
    let above = runs
        .iter()
        .any(|r| last.baseline - r.baseline >= last.size * 0.4);
    Some(LastLine {
        wrapped: above,
        gap: (bottom - last.baseline) / last.size,
        room: ((width - (x1 - x0) - BOX_MARGINS) / last.size).max(0.0),
    })
}

/// Whether column `col` of the last row of `t` holds text filling its box to the foot and
/// its last line to the width: the next character would not have fitted.
fn fills_to_foot(t: &TableGrid, col: usize) -> bool {
    matches!(t.last_lines.get(col), Some(Some(l)) if l.gap < FOOT_GAP && l.room <= FULL_LINE_SLACK)
}

/// Whether column `col` of the last row of `t` holds text filling its box to the foot, too
/// full for the first piece of `lower` (the text going on below a page break) to have
/// fitted on its last line: Chinese and Japanese line breaking keeps a character with the
/// punctuation after it (`策，`) and does not break a Latin word or number (`10%`). Its
/// last line may stand a line above the bottom: a paragraph leaves no single line of its
/// own alone at the top of a page (widow control), so one more goes down with it. Only a
/// paragraph wrapped over lines going on in words is so judged: a one-line label short of
/// its box's width (`九、卫生健康支出` over `十、节能环保支出`) ends there, and so does a
/// header word over a figure of its own (`预算数` over `31.47`).
fn cut_before(t: &TableGrid, col: usize, lower: &str) -> bool {
    let Some(Some(last)) = t.last_lines.get(col) else {
        return false;
    };
    let figure = is_figure(lower);
    let fits = first_piece_width(lower).max(1.0) + FULL_LINE_SLACK - 1.0;
    let wrapped = last.wrapped && !figure;
    fills_to_foot(t, col) || (wrapped && last.gap < FOOT_GAP + WIDOW_LINE && last.room <= fits)
}

/// Whether column `col` of the last row of `t` holds text over more than one line: a single
/// line filling its box (`时效指标` in a column four characters wide) may be a label whole.
fn wrapped_at_foot(t: &TableGrid, col: usize) -> bool {
    matches!(t.last_lines.get(col), Some(Some(l)) if l.wrapped)
}

/// The height of a line of text, in text sizes (Word's single spacing).
const WIDOW_LINE: f64 = 1.2;

/// Punctuation a line may not start with: it goes down with the character before it.
const NO_LINE_START: &str = "，。、；：？！）》」』”’%％…·";
/// The width of a Latin letter or digit, in text sizes (a Chinese character is 1).
const LATIN_WIDTH: f64 = 0.75;

/// Punctuation a line may not end with: it goes down with what follows it.
const NO_LINE_END: &str = "（《「『“‘【〔";

/// The width, in text sizes, of the first piece of `text` a line break may not split: a
/// Latin word or number, or a character with the punctuation that may not start a line,
/// after the opening brackets that may not end one (`（1-` goes down whole).
fn first_piece_width(text: &str) -> f64 {
    let text = text.trim_start();
    let rest = text.trim_start_matches(|c| NO_LINE_END.contains(c));
    let opening = text[..text.len() - rest.len()].chars().count() as f64;
    opening + piece_width(rest)
}

/// The width, in text sizes, of the first Latin word or character of `text` with the
/// punctuation after it that may not start a line.
fn piece_width(text: &str) -> f64 {
    let latin = text.chars().take_while(char::is_ascii_graphic).count();
    let (start, width) = match latin {
        0 => (text.chars().count().min(1), 1.0),
        n => (n, n as f64 * LATIN_WIDTH),
    };
    let marks = text.chars().skip(start);
    width + marks.take_while(|c| NO_LINE_START.contains(*c)).count() as f64
}

/// The unit line (`单位：万元`) a box holds above other text, taken out of the box.
fn take_unit_line<'r>(runs: &mut Vec<&'r Run>) -> Option<&'r Run> {
    let top = runs
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.baseline.total_cmp(&b.1.baseline))?;
    let (i, unit) = (top.0, *top.1);
    let below = |r: &&Run| r.baseline - unit.baseline >= unit.size.min(r.size) * 0.4;
    if !is_unit_line(&unit.text) || !runs.iter().any(below) {
        return None;
    }
    Some(runs.remove(i))
}

fn is_wide(c: char) -> bool {
    !c.is_ascii()
}

/// Joins pieces of text in reading order: no space next to Chinese, one space between
/// Latin words or numbers.
fn join_text(pieces: impl IntoIterator<Item = String>) -> String {
    let mut out = String::new();
    for piece in pieces {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let glue = match (out.chars().last(), piece.chars().next()) {
            (Some(a), Some(b)) => !(is_wide(a) || is_wide(b)),
            _ => false,
        };
        if glue {
            out.push(' ');
        }
        out.push_str(piece);
    }
    out
}

/// A box's runs as its text, in reading order. A line holding only a number under text (a
/// header word over its column's number, `本年收入合计` over `1`) stays a line of its own, as
/// a cell typed with a line break holds it.
fn join_runs(runs: &[&Run]) -> String {
    let same_line = |a: &Run, b: &Run| (a.baseline - b.baseline).abs() < a.size.min(b.size) * 0.4;
    let mut sorted: Vec<&&Run> = runs.iter().collect();
    // A total order (baseline, then x0 within a line once lines are formed): a comparator
    // that calls two runs equal within a tolerance is no order, and the sort may panic.
    sorted.sort_by(|a, b| a.baseline.total_cmp(&b.baseline));
    let mut lines: Vec<Vec<&Run>> = Vec::new();
    for r in sorted {
        match lines.last_mut() {
            Some(line) if same_line(line[0], r) => line.push(r),
            _ => lines.push(vec![r]),
        }
    }
    for line in &mut lines {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    }
    let mut out = String::new();
    for line in lines {
        let text = join_text(line.iter().map(|r| r.text.clone()));
        let number = !text.is_empty() && text.chars().all(|c| c.is_ascii_digit());
        // A number (or a code) wrapped in a narrow box goes on without a space: `2946.`
        // over `25`.
        let numeric = |c: char| c.is_ascii_digit() || c == '.' || c == ',';
        let wraps_number = out.chars().last().is_some_and(numeric)
            && text.chars().next().is_some_and(numeric)
            && out.chars().all(|c| numeric(c) || c == '-');
        if number && out.chars().last().is_some_and(is_wide) {
            out.push('\n');
            out.push_str(&text);
        } else if wraps_number {
            out.push_str(&text);
        } else {
            out = join_text([out, text]);
        }
    }
    out
}

/// Glyphs grouped into runs: same baseline, no gap wider than half a character, no ruling
/// line between them.
fn group_runs(glyphs: &[Run], rules: &[Rule]) -> Vec<Run> {
    let mut runs = Vec::new();
    for mut line in glyph_lines(glyphs).into_iter().flat_map(by_clip) {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut current: Option<Run> = None;
        let mut last_mid = f64::NEG_INFINITY;
        for (i, &g) in line.iter().enumerate() {
            let crosses = current.is_some() && rule_between(rules, last_mid, g);
            last_mid = (g.x0 + g.x1) / 2.0;
            let split = crosses
                || current.as_ref().is_some_and(|run| {
                    g.x0 - run.x1 > g.size * 0.5
                        || (g.baseline - run.baseline).abs() >= g.size * SAME_BASELINE
                });
            let mut spills = false;
            if split {
                spills = crosses && current.as_ref().is_some_and(|run| runs_on(run, &line[i..]));
                runs.extend(current.take());
            }
            match current.as_mut() {
                Some(run) => {
                    run.text.push_str(&g.text);
                    run.x1 = run.x1.max(g.x1);
                    run.take_ops(g);
                    if run.clip != g.clip {
                        run.clip = None;
                    }
                }
                None => {
                    current = Some(Run {
                        spills,
                        ..g.clone()
                    })
                }
            }
        }
        runs.extend(current);
    }
    runs.retain(|r| !r.text.trim().is_empty());
    for r in &mut runs {
        r.text = r.text.trim().to_string();
    }
    runs
}

/// A line's glyphs parted by the clip each was printed in, when glyphs of two clips overlap:
/// two cells' lines printed on one baseline over each other (a wrapped label's last line
/// over the next row's first) stay two texts; side by side they are one line, as printed.
fn by_clip(line: Vec<&Run>) -> Vec<Vec<&Run>> {
    let clashes = line
        .iter()
        .any(|g| line.iter().any(|h| g.clip != h.clip && overlap(g, h)));
    if !clashes {
        return vec![line];
    }
    let mut parts: Vec<Vec<&Run>> = Vec::new();
    for g in line {
        match parts.iter_mut().find(|p| p[0].clip == g.clip) {
            Some(p) => p.push(g),
            None => parts.push(vec![g]),
        }
    }
    parts
}

/// Baselines closer than this many text sizes are one printed line.
const SAME_BASELINE: f64 = 0.05;
/// Baselines closer than this many text sizes are one line of text when their glyphs do not
/// overlap (a sign or a Latin word set a little off the line).
const NEAR_BASELINE: f64 = 0.3;

/// The glyphs as text lines, top to bottom: glyphs on one baseline, and the lines of nearly
/// the same baseline whose glyphs stand side by side. Two lines a little apart whose glyphs
/// overlap stay apart: a wrapped cell whose lines run over its row's height is printed over
/// the next row's text, a point or two off its lines.
fn glyph_lines(glyphs: &[Run]) -> Vec<Vec<&Run>> {
    let mut sorted: Vec<&Run> = glyphs.iter().collect();
    sorted.sort_by(|a, b| a.baseline.total_cmp(&b.baseline));
    let mut exact: Vec<Vec<&Run>> = Vec::new();
    for g in sorted {
        match exact.last_mut() {
            Some(line) if (g.baseline - line[0].baseline).abs() < g.size * SAME_BASELINE => {
                line.push(g)
            }
            _ => exact.push(vec![g]),
        }
    }
    let mut lines: Vec<Vec<&Run>> = Vec::new();
    for line in exact {
        let joins = |l: &Vec<&Run>| {
            (line[0].baseline - l[0].baseline).abs() < line[0].size * NEAR_BASELINE
                && !line.iter().any(|g| l.iter().any(|h| overlap(g, h)))
        };
        match lines.iter_mut().rev().take(2).find(|l| joins(l)) {
            Some(l) => l.extend(line),
            None => lines.push(line),
        }
    }
    lines
}

/// Whether two glyphs overlap across more than a fifth of a text size.
fn overlap(g: &Run, h: &Run) -> bool {
    g.x1.min(h.x1) - g.x0.max(h.x0) > g.size.min(h.size) * 0.2
}

/// A gap narrower than this many text sizes between glyphs is no gap: the glyphs touch.
const TOUCHING: f64 = 0.1;

/// Whether the glyphs of `rest` (the first past a vertical rule) go on with the text of
/// `run`: glyph against glyph, as one text printed across the rule, and `run` no amount (a
/// spreadsheet never lets a number run over its cell; a number set against its cell's right
/// edge keeps a margin from the next cell's text) unless it is a label's list number.
fn runs_on(run: &Run, rest: &[&Run]) -> bool {
    let g = rest[0];
    let numeric = |c: char| c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '%');
    g.x0 - run.x1 <= g.size * TOUCHING
        && (!run.text.trim().chars().all(numeric) || numbers_a_list(run, rest))
}

/// Most digits of a list number at the start of a label (`24、住房保障支出`).
const LIST_NUMBER_DIGITS: usize = 2;

/// Whether `run` is the first digits of a list number whose digits and `、` go on, glyph
/// against glyph, in `rest`: a centred or right-aligned label too long for its cell printed over the
/// cell to its left (`1` | `0、节能环保支出`), whose number is no figure of that cell.
fn numbers_a_list(run: &Run, rest: &[&Run]) -> bool {
    let lead = run.text.trim();
    if !is_list_number(lead) {
        return false;
    }
    let mut digits = lead.len();
    let mut end = run.x1;
    for g in rest {
        if g.x0 - end > g.size * TOUCHING {
            return false;
        }
        match g.text.trim() {
            t if t.chars().all(|c| c.is_ascii_digit()) && !t.is_empty() => digits += t.len(),
            "、" => return (1..=LIST_NUMBER_DIGITS).contains(&digits),
            _ => return false,
        }
        end = g.x1;
    }
    false
}

/// The table's runs with each run that spills over a vertical rule joined to the text it goes
/// on from: a label longer than its column is one text, in the cell it is anchored in — the
/// cell it starts at the left edge of (left-aligned, running on over the cell to its right,
/// clipped or not), else the cell it ends in (right-aligned, running back over the cell to
/// its left).
fn join_spills(t: &Ruled, runs: &[&Run]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut end = f64::NEG_INFINITY;
    // Whether the text being joined is anchored further right than it starts: its first
    // piece starts at no cell's left edge. Then it is in its second piece's cell (centred,
    // or right-aligned), or in a further piece's ending at its cell's right rule (a
    // right-aligned text printed back over two cells or more).
    let mut backwards = false;
    for run in runs {
        match out.last_mut() {
            Some(last) if run.spills && goes_on(last, end, run) => {
                let second = !starts_its_cell(t, last);
                if second || backwards && ends_its_cell(t, run) {
                    last.x0 = t.xs[Ruled::slot(&t.xs, run.centre().0)];
                    last.x1 = run.x1;
                }
                last.text.push_str(&run.text);
                last.take_ops(run);
                if last.clip != run.clip {
                    last.clip = None;
                }
            }
            _ => {
                backwards = !starts_its_cell(t, run);
                out.push(Run {
                    spills: false,
                    ..(*run).clone()
                })
            }
        }
        end = run.x1;
    }
    out
}

/// Whether `text` may be a list number alone (`10`, of `10、节能环保支出`).
fn is_list_number(text: &str) -> bool {
    (1..=LIST_NUMBER_DIGITS).contains(&text.len()) && text.chars().all(|c| c.is_ascii_digit())
}

/// Whether `run` starts at the left edge of its cell (within a text size of the rule), as a
/// left-aligned text does.
fn starts_its_cell(t: &Ruled, run: &Run) -> bool {
    let left = t.xs[Ruled::slot(&t.xs, run.x0 + 0.5)];
    run.x0 - left <= run.size
}

/// Whether `run` ends at the right edge of its cell (within half a text size of the rule),
/// as a right-aligned text does.
fn ends_its_cell(t: &Ruled, run: &Run) -> bool {
    let right = t.xs[Ruled::slot(&t.xs, run.x1 - 0.5) + 1];
    (right - run.x1).abs() <= run.size * CROSSING
}

/// Whether `run` goes on from `last` (whose text ends at `end`): same line, glyph against glyph.
fn goes_on(last: &Run, end: f64, run: &Run) -> bool {
    (run.baseline - last.baseline).abs() < run.size * 0.3 && run.x0 - end <= run.size * TOUCHING
}

/// Whether a vertical rule runs between the middle of the glyph before (at `from`) and the
/// middle of glyph `g`: a glyph printed astride a rule is on the side of its middle.
fn rule_between(rules: &[Rule], from: f64, g: &Run) -> bool {
    let b = (g.x0 + g.x1) / 2.0;
    let y = g.baseline - g.size * 0.3;
    rules
        .iter()
        .any(|r| matches!(*r, Rule::V { x, y0, y1 } if x > from && x < b && y0 <= y && y1 >= y))
}

/// Runs outside tables as lines, top to bottom, with the top of each.
fn lines(runs: &[&Run]) -> Vec<(f64, Line)> {
    let mut sorted: Vec<&&Run> = runs.iter().collect();
    sorted.sort_by(|a, b| a.baseline.total_cmp(&b.baseline));
    let mut lines: Vec<Vec<&Run>> = Vec::new();
    for r in sorted {
        match lines.last_mut() {
            Some(line) if (r.baseline - line[0].baseline).abs() < r.size * 0.4 => line.push(r),
            _ => lines.push(vec![r]),
        }
    }
    lines
        .into_iter()
        .map(|mut line| {
            line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            let top = line[0].baseline - line[0].size;
            let text = line
                .iter()
                .map(|r| r.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let mut l = Line::new(text, None);
            l.pieces = pieces(&line);
            (top, l)
        })
        .collect()
}

/// A gap wider than this many characters separates two pieces of a line.
const PIECE_GAP: f64 = 1.5;

/// The line's runs joined into pieces where the gap between them is narrow.
fn pieces(line: &[&Run]) -> Vec<(f64, String)> {
    let mut out: Vec<(f64, String)> = Vec::new();
    let mut end = f64::NEG_INFINITY;
    for r in line {
        match out.last_mut() {
            Some((_, text)) if r.x0 - end < r.size * PIECE_GAP => {
                *text = join_text([text.clone(), r.text.clone()]);
            }
            _ => out.push((r.x0, r.text.clone())),
        }
        end = r.x1;
    }
    out
}

/// Whether `next` (opening a page) has the columns of `prev` (closing the previous page).
pub(crate) fn same_columns(prev: &TableGrid, next: &TableGrid) -> bool {
    let width = |t: &TableGrid| t.rows.iter().map(Vec::len).max().unwrap_or(0);
    width(prev) == width(next)
}

/// Two tables printed on consecutive pages from one sheet, laid on the union of their column
/// lines, when they stand between the same outer edges: a page break falls where a section
/// drawing other inner lines begins (a 绩效 table's indicator rows under its budget rows), or
/// where a panel's blank rows are drawn without their inner lines.
pub(crate) fn on_shared_columns(
    prev: &TableGrid,
    next: &TableGrid,
) -> Option<(TableGrid, TableGrid)> {
    let edges = |lines: &[f64]| Some((*lines.first()?, *lines.last()?));
    let ((left, right), (next_left, next_right)) = (edges(&prev.columns)?, edges(&next.columns)?);
    if (left - next_left).abs() >= SNAP || (right - next_right).abs() >= SNAP {
        return None;
    }
    let mut union = prev.columns.clone();
    union.extend(
        next.columns
            .iter()
            .filter(|&&x| !prev.columns.iter().any(|l| (l - x).abs() < SNAP)),
    );
    let union = snap(union);
    Some((on_columns(prev, &union)?, on_columns(next, &union)?))
}

/// `next` laid on the column lines of the table it may continue (`lines`, edges included),
/// when its own lines are all among them with the same outer edges: a page where a panel's
/// blank rows are drawn without their inner lines has fewer columns than the page before.
/// Each of its columns goes under the column starting at the same line, merged across the
/// columns it spans.
fn on_columns(next: &TableGrid, lines: &[f64]) -> Option<TableGrid> {
    let at = |x: f64| lines.iter().position(|l| (l - x).abs() < SNAP);
    let map: Vec<usize> = next.columns.iter().map(|&x| at(x)).collect::<Option<_>>()?;
    if map.len() < 2 || map[0] != 0 || map[map.len() - 1] != lines.len() - 1 {
        return None;
    }
    let mut rows = vec![vec![String::new(); lines.len() - 1]; next.rows.len()];
    for (r, row) in next.rows.iter().enumerate() {
        for (j, text) in row.iter().enumerate().take(map.len() - 1) {
            rows[r][map[j]].clone_from(text);
        }
    }
    let cols = |first: u16, last: u16| {
        (
            map[first as usize] as u16,
            map[last as usize + 1] as u16 - 1,
        )
    };
    let mut merges: Vec<_> = next
        .merges
        .iter()
        .map(|m| {
            let (first, last) = cols(m.first_col, m.last_col);
            merge(m.first_row, first, m.last_row, last)
        })
        .collect();
    for j in 0..map.len() - 1 {
        if map[j + 1] - map[j] < 2 {
            continue;
        }
        for r in 0..rows.len() as u32 {
            if !next.merges.iter().any(|m| m.contains(r, j as u16)) {
                let (first, last) = cols(j as u16, j as u16);
                merges.push(merge(r, first, r, last));
            }
        }
    }
    let mut last_lines = vec![None; lines.len() - 1];
    for (j, room) in next.last_lines.iter().enumerate().take(map.len() - 1) {
        last_lines[map[j]] = *room;
    }
    Some(TableGrid {
        rows,
        merges,
        pages: next.pages.clone(),
        columns: lines.to_vec(),
        last_lines: match next.last_lines.is_empty() {
            true => Vec::new(),
            false => last_lines,
        },
        maybe_cut: next.maybe_cut.clone(),
        column_pages: next.column_pages.clone(),
        columns_of: next.columns_of.clone(),
        row_spans: next.row_spans.clone(),
    })
}

/// Whether the program that printed a document lets a table's row break across pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowBreaks {
    /// A word processor's table (Word's default): a row may go on over the page break.
    Allowed,
    /// A spreadsheet's print: a page breaks between rows, never inside one.
    Never,
    /// A table a document types in two by hand (续表): rows whole, a merged cell the cut
    /// splits typed once, where it starts — blank below the cut, never the rest of a cell above.
    Typed,
}

/// Appends a table continued on the next page, without its repeated header rows; a row the
/// page break cut in two (Word lets a row break across pages) is one row again. Where rows
/// never break (`breaks`), the rows on both sides of the break are rows of their own: a
/// spreadsheet's label printed to its box's foot, as its cells align text, is not cut.
pub(crate) fn append_continued(prev: &mut TableGrid, mut next: TableGrid, breaks: RowBreaks) {
    drop_leading_blank_rows(&mut next);
    let (repeated, header_rests) = match breaks {
        // A 栏次 row of column numbers typed again is no row of figures: the table's own top
        // rows met again on top of `next` are its header too.
        RowBreaks::Typed => {
            let top = repeated_top(prev, &next).unwrap_or(0);
            (typed_header(&prev.rows, &next.rows).max(top), Vec::new())
        }
        _ => {
            let repeated = repeated_header(prev, &next);
            (repeated, drop_header_rests(prev, &mut next, repeated))
        }
    };
    let boundary = prev.rows.len();
    let (mut tall, mut reaching) = (Vec::new(), None);
    let cut = match (cut_row(prev, &next, repeated), breaks) {
        (Cut::Split(_) | Cut::Unsure, RowBreaks::Never | RowBreaks::Typed) => Cut::Whole,
        (cut, _) => cut,
    };
    if let (Cut::Whole, RowBreaks::Never) = (&cut, breaks) {
        let reprinted = reprinted_cells(prev, &next, repeated);
        tall = tall_cells(prev, &mut next, repeated, &reprinted);
    }
    match cut {
        Cut::Whole => {}
        Cut::Split(parts) => {
            join_cut_row(prev, &next, repeated, &parts);
            reaching = Some(boxes_reaching_below(&next, repeated));
            drop_row(&mut next, repeated);
        }
        Cut::Tall(parts) => {
            join_cut_row(prev, &next, repeated, &parts);
            tall = tall_cells(prev, &mut next, repeated, &parts);
        }
        Cut::Unsure => prev.maybe_cut.push(boundary),
    }
    let running = match breaks {
        RowBreaks::Allowed => running_on(prev, &next, repeated),
        _ => Vec::new(),
    };
    prev.last_lines = std::mem::take(&mut next.last_lines);
    append_rows(prev, next, repeated);
    prev.merges.extend(tall);
    // After a row cut by the break (`reaching` known): its merged cells go on below.
    if let Some(cols) = &reaching {
        join_boxes_over_cut(prev, boundary, cols);
    }
    // Nothing to join where the page below held only the repeated header; nor under a row
    // the break cut, whose boxes going on below it are joined already: a box starting below
    // it has a rule of its own over it on that page (a new cell, not the rest of one).
    if boundary > 0 && boundary < prev.rows.len() && reaching.is_none() {
        join_cut_cells(prev, boundary, &header_rests, &running, breaks);
    }
}

/// The columns whose text at the foot of `prev` runs on into the first row of `next` under
/// its `first` repeated rows: a box over the same columns on both sides of the break, its
/// last line above too full for the first piece of the text below to have fitted on it (a
/// merged cell's words laid out over the break, `效益指标（30` | `分）`).
fn running_on(prev: &TableGrid, next: &TableGrid, first: usize) -> Vec<usize> {
    let (Some(last), Some(row)) = (prev.rows.len().checked_sub(1), next.rows.get(first)) else {
        return Vec::new();
    };
    let runs_on = |col: usize| {
        let (above, below) = (region_at(prev, last, col), region_at(next, first, col));
        let (upper, lower) = (
            anchor_text(prev, &above, col),
            anchor_text(next, &below, col),
        );
        let texts = !upper.is_empty() && !lower.is_empty() && !never_one_text(upper, lower);
        let boxes = above.cols == below.cols && below.rows.0 == first;
        texts && boxes && wrapped_at_foot(prev, col) && cut_before(prev, col, lower)
    };
    (0..row.len()).filter(|&col| runs_on(col)).collect()
}

/// How the first row under a page break goes with the last row above it.
#[derive(Debug, PartialEq)]
enum Cut {
    /// Rows of their own.
    Whole,
    /// One row the break cut: the columns whose text goes on below the break.
    Split(Vec<usize>),
    /// A header's tall cells the break cut, going on in a header row of its own: the
    /// columns whose text goes on in it.
    Tall(Vec<usize>),
    /// Perhaps one row the break cut: left as two, and said so.
    Unsure,
}

/// Whether row `first` of `next` (opening a page) is the rest of the last row of `prev`
/// (closing the page before). The rest of a cut row has text only in cells the row above
/// the break filled, not in all of them (what fitted above the break ends there), repeats
/// no 行次 or code, and goes on in boxes whose text above the break fills them to the
/// bottom and to the width, leaving no room for the first piece of the text below (cut
/// text, not a cell's own end). Where some of its boxes are
/// so filled and some not, or their filling is unknown, or it fills every cell the row
/// above filled (all to the foot), it cannot be told — unless a 科目代码 or a figure is cut
/// in it (`20899` | `99`: no code of its own below; `200.` | `35`; `430` | `001`). Two figures making no number, or a list
/// item's label below, are texts of their own. A header row whose other cells hold
/// words of their own goes on with the rest of the tall cells above.
fn cut_row(prev: &TableGrid, next: &TableGrid, first: usize) -> Cut {
    let (Some(last), true) = (prev.rows.len().checked_sub(1), first < next.rows.len()) else {
        return Cut::Whole;
    };
    let width = usize::from(prev.width().max(next.width()));
    let (mut goes_on, mut own, mut left_above) = (Vec::new(), 0, false);
    let mut surely_cut = false;
    for col in 0..width {
        let (above, below) = (region_at(prev, last, col), region_at(next, first, col));
        let upper = anchor_text(prev, &above, col);
        let lower = match below.rows.0 == first {
            true => anchor_text(next, &below, col),
            false => "",
        };
        if is_bare_integer(upper) && is_bare_integer(lower) && !may_go_on(prev, col, upper, lower) {
            return Cut::Whole;
        }
        if never_one_text(upper, lower) {
            return Cut::Whole;
        }
        surely_cut |= is_cut_code(upper, lower) || is_cut_figure(upper, lower);
        // A bare number under words (a 栏次 or 行次 under the header's last line) is a row of
        // its own: the rest of a cut number goes on under figures only.
        let figures = |t: &str| t.chars().all(|c| c.is_ascii_digit() || ".,-".contains(c));
        if is_bare_integer(lower) && !upper.is_empty() && !figures(upper) {
            return Cut::Whole;
        }
        match (upper.is_empty(), lower.is_empty()) {
            (_, true) => left_above |= !upper.is_empty(),
            (false, false) if above.cols == below.cols => {
                goes_on.push((col, lower, below.rows.1 > below.rows.0))
            }
            _ => own += 1,
        }
    }
    if own > 0 {
        let full = goes_on
            .iter()
            .map(|(c, _, _)| *c)
            .filter(|&c| fills_to_foot(prev, c));
        let full: Vec<usize> = full.collect();
        let words = |t: &TableGrid, r: usize| !holds_figures(&rows_of(t, r));
        return match !full.is_empty() && words(prev, last) && words(next, first) {
            true => Cut::Tall(full),
            false => Cut::Whole,
        };
    }
    let mut filled: Vec<usize> = goes_on
        .iter()
        .filter(|(c, lower, _)| cut_before(prev, *c, lower))
        .map(|(c, _, _)| *c)
        .collect();
    // A merged cell going on below the break lays its text out over all its rows: its last
    // line above may end short of the foot. It goes with the row's other cut boxes.
    if !filled.is_empty() {
        let flowing = goes_on
            .iter()
            .filter(|(c, _, tall)| *tall && !filled.contains(c));
        let flowing: Vec<usize> = flowing.map(|(c, _, _)| *c).collect();
        filled.extend(flowing);
        filled.sort_unstable();
    }
    let unknown = prev.last_lines.is_empty();
    match filled.len() {
        _ if goes_on.is_empty() || (unknown && !left_above) => Cut::Whole,
        _ if unknown => Cut::Unsure,
        0 => Cut::Whole,
        n if n == goes_on.len() && (left_above || surely_cut) => Cut::Split(filled),
        n if n == goes_on.len() || left_above => Cut::Unsure,
        _ => Cut::Whole,
    }
}

/// Whether a bare integer `upper` filling its box (column `col` of `prev`'s last row) may
/// go on in the bare integer `lower` below the break: a code wrapped in its box
/// (`201045` | `0`), or an amount (`12` | `34`) — not the next 行次 (`28` | `29`), nor the
/// next code of the same level (`2080505` | `2080506`), nor a code of its own under a
/// shorter one (`21111` | `2111101`): a cut code's rest is shorter than what fitted above it
/// — unless it opens with a 0 (`430` | `001`, a 单位编码 cut).
fn may_go_on(prev: &TableGrid, col: usize, upper: &str, lower: &str) -> bool {
    let filled = fills_to_foot(prev, col);
    let next_number = match (upper.parse::<u64>(), lower.parse::<u64>()) {
        (Ok(u), Ok(l)) => u.checked_add(1) == Some(l),
        _ => false,
    };
    let codes_alike = upper.len() >= MIN_CODE_DIGITS && lower.len() >= upper.len();
    let own = codes_alike || (upper.len() < MIN_CODE_DIGITS && next_number);
    is_cut_figure(upper, lower) || (filled && !own)
}

/// Whether `upper` (above a page break) and `lower` (below it) cannot be one text the break
/// cut: two figures that make no number joined (`275.00` | `150.00`), or a text below
/// opening a list item of its own (`十四、资源勘探工业信息等支出` | `十五、商业服务业等支出`)
/// under one not ending in a numeral (`二十` | `一、…` may be `二十一、` cut).
fn never_one_text(upper: &str, lower: &str) -> bool {
    let figures = is_figure(upper) && is_figure(lower);
    if figures && !is_figure(&join_cut_text(upper, lower)) {
        return true;
    }
    let ends_in_numeral = upper.chars().last().is_some_and(is_list_numeral);
    !upper.is_empty() && opens_a_list_item(lower) && !ends_in_numeral
}

/// A digit or Chinese numeral of a list number (`十五、`, `24、`, `（三）`).
fn is_list_numeral(c: char) -> bool {
    c.is_ascii_digit() || "一二三四五六七八九十".contains(c)
}

/// Whether `text` opens with a list number: numerals then `、`, or numerals in brackets.
fn opens_a_list_item(text: &str) -> bool {
    let text = text.trim_start();
    let (bracketed, rest) = match text.strip_prefix(['（', '(']) {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let digits = rest.chars().take_while(|&c| is_list_numeral(c)).count();
    let mut after = rest.chars().skip(digits);
    let closing: &[char] = match bracketed {
        true => &['）', ')'],
        false => &['、'],
    };
    digits > 0 && after.next().is_some_and(|c| closing.contains(&c))
}

/// Whether `upper` and `lower` can only be one 科目代码 the break cut: a code's digits above
/// (a 类's or more), too few digits below for a code of their own, together a 款's or a
/// 项's code (`20899` | `99`).
fn is_cut_code(upper: &str, lower: &str) -> bool {
    let code = is_code_text(upper);
    let rest = is_bare_integer(lower) && lower.len() < MIN_CODE_DIGITS;
    code && rest && CUT_CODE_DIGITS.contains(&(upper.len() + lower.len()))
}

/// Whether `upper` and `lower` can only be one figure the break cut: digits up to a decimal
/// point above (`200.`), the decimals below (`35`); or digits below opening with a 0 no code
/// or amount of its own opens with (`430` | `001`, a 单位编码 cut).
fn is_cut_figure(upper: &str, lower: &str) -> bool {
    let decimals = upper
        .strip_suffix('.')
        .is_some_and(|whole| is_figure(whole) && whole.ends_with(|c: char| c.is_ascii_digit()));
    let zero_led = is_bare_integer(upper) && lower.len() > 1 && lower.starts_with('0');
    is_bare_integer(lower) && (decimals || zero_led)
}

/// The digits of a 款's and a 项's code: what a 科目代码 cut by a page break makes again.
const CUT_CODE_DIGITS: [usize; 2] = [5, 7];

/// Row `row` of `t` alone, as a table.
fn rows_of(t: &TableGrid, row: usize) -> TableGrid {
    TableGrid {
        rows: vec![t.rows[row].clone()],
        ..TableGrid::default()
    }
}

/// The text of a cell's region at its first column; nothing for the other columns it spans.
fn anchor_text<'t>(t: &'t TableGrid, region: &Region, col: usize) -> &'t str {
    match region.cols.0 == col {
        true => t.rows[region.rows.0].get(col).map_or("", |s| s.trim()),
        false => "",
    }
}

/// Whether a cell's text reads as a number, as the document reader takes it.
pub(super) fn is_figure(text: &str) -> bool {
    matches!(
        crate::read::document::cell_value(text),
        crate::read::Cell::Number(_)
    )
}

/// A 行次, code or 栏次: digits only.
fn is_bare_integer(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit())
}

/// Adds to the last row of `prev` the text its cells `parts` go on with in row `first` of
/// `next`, each in reading order.
fn join_cut_row(prev: &mut TableGrid, next: &TableGrid, first: usize, parts: &[usize]) {
    let last = prev.rows.len() - 1;
    for &col in parts {
        let anchor = region_at(prev, last, col).rows.0;
        let lower = next.rows[first][col].trim().to_string();
        let upper = std::mem::take(&mut prev.rows[anchor][col]);
        prev.rows[anchor][col] = join_cut_text(&upper, &lower);
    }
}

/// A cell's text above a page break and its rest below it: a number goes on without a space
/// (`160.7` and `5` are `160.75`), words as wrapped lines join.
fn join_cut_text(upper: &str, lower: &str) -> String {
    let numeric = |c: char| c.is_ascii_digit() || c == '.' || c == ',';
    let number = !upper.is_empty()
        && upper.chars().all(|c| numeric(c) || c == '-')
        && lower.chars().next().is_some_and(numeric);
    match number {
        true => format!("{upper}{lower}"),
        false => join_text([upper.to_string(), lower.to_string()]),
    }
}

/// The tall cells of the last row of `prev` that go on in row `first` of `next` (their
/// text already joined above), as merges reaching down over their boxes in that row once
/// it is appended; the boxes below, emptied, lose their own merges.
fn tall_cells(
    prev: &mut TableGrid,
    next: &mut TableGrid,
    first: usize,
    parts: &[usize],
) -> Vec<Merge> {
    let (last, boundary) = (prev.rows.len() - 1, prev.rows.len());
    let mut merges = Vec::new();
    for &col in parts {
        let (above, below) = (region_at(prev, last, col), region_at(next, first, col));
        next.rows[first][col].clear();
        let starts = |m: &Merge, r: usize| (m.first_row as usize, m.first_col as usize) == (r, col);
        prev.merges.retain(|m| !starts(m, above.rows.0));
        next.merges.retain(|m| !starts(m, first));
        let bottom = boundary + below.rows.1 - first;
        merges.push(merge(
            above.rows.0 as u32,
            col as u16,
            bottom as u32,
            above.cols.1 as u16,
        ));
    }
    merges
}

/// The cells of row `first` of `next` (opening a page of a spreadsheet's print) that are a
/// merged cell of the last row of `prev` going on over the break: a spreadsheet prints such a
/// cell on both pages, each clipped to its page, so the text below repeats the text above
/// or a line of it (`效益指标（30 分）` | `（30 分）`). Words only, and never in a row
/// with a 科目代码 of its own: two 科目 of one name (`其他教育支出` 款 and 项) are two rows.
fn reprinted_cells(prev: &TableGrid, next: &TableGrid, first: usize) -> Vec<usize> {
    let (Some(last), Some(row)) = (prev.rows.len().checked_sub(1), next.rows.get(first)) else {
        return Vec::new();
    };
    let coded = row.iter().any(|c| is_code_text(c.trim()));
    let reprints = |col: usize| {
        let (above, below) = (region_at(prev, last, col), region_at(next, first, col));
        let (upper, lower) = (
            anchor_text(prev, &above, col),
            anchor_text(next, &below, col),
        );
        let (upper, lower) = (squeezed(upper), squeezed(lower));
        above.cols == below.cols
            && below.rows.0 == first
            && lower.chars().count() >= 2
            && !is_figure(&lower)
            && upper.contains(&lower)
    };
    match coded {
        true => Vec::new(),
        false => (0..row.len()).filter(|&c| reprints(c)).collect(),
    }
}

/// The columns (first, last) of the boxes of `next` that start at row `first`, the rest of a
/// row cut by the page break, and reach below it: merged cells going on over the break.
fn boxes_reaching_below(next: &TableGrid, first: usize) -> Vec<(u16, u16)> {
    let first = first as u32;
    next.merges
        .iter()
        .filter(|m| m.first_row == first && m.last_row > first)
        .map(|m| (m.first_col, m.last_col))
        .collect()
}

/// Makes one box of each merged cell that a page break cut inside a row: the box the page
/// below starts at `boundary` (the rest of the cut row dropped, its text joined above) in
/// the columns `reaching` is the box over the cut row above going on — the merged cell
/// starts where that box starts (a unit's 单位编码 cell spans its rows over the break).
fn join_boxes_over_cut(prev: &mut TableGrid, boundary: usize, reaching: &[(u16, u16)]) {
    let Some(last) = boundary.checked_sub(1) else {
        return;
    };
    for &(first_col, last_col) in reaching {
        let above = region_at(prev, last, usize::from(first_col));
        if above.cols != (usize::from(first_col), usize::from(last_col)) {
            continue;
        }
        let top = above.rows.0 as u32;
        let starts_at = |m: &Merge, row: u32| (m.first_row, m.first_col) == (row, first_col);
        let Some(lower) = prev
            .merges
            .iter()
            .position(|m| starts_at(m, boundary as u32))
        else {
            continue;
        };
        prev.merges[lower].first_row = top;
        let lower = prev.merges[lower];
        prev.merges
            .retain(|m| !starts_at(m, top) || m.last_row == lower.last_row);
    }
}

/// Removes row `row` of `table`; a merge starting on it starts on the row below.
fn drop_row(table: &mut TableGrid, row: usize) {
    table.rows.remove(row);
    table.pages.remove(row);
    if row < table.row_spans.len() {
        table.row_spans.remove(row);
    }
    let row = row as u32;
    table
        .merges
        .retain(|m| !(m.first_row == row && m.last_row == row));
    for m in &mut table.merges {
        if m.first_row > row {
            m.first_row -= 1;
        }
        if m.last_row >= row {
            m.last_row -= 1;
        }
    }
}

/// Appends the rows of `next` after its first `skip` under those of `prev`, with its merges.
fn append_rows(prev: &mut TableGrid, next: TableGrid, skip: usize) {
    let offset = prev.rows.len() as u32 - skip as u32;
    // A merge reaching from the rows skipped (a repeated header) keeps its part below them.
    prev.merges.extend(
        next.merges
            .iter()
            .filter(|m| m.last_row as usize >= skip)
            .map(|m| {
                merge(
                    m.first_row.max(skip as u32) + offset,
                    m.first_col,
                    m.last_row + offset,
                    m.last_col,
                )
            }),
    );
    prev.maybe_cut.extend(
        next.maybe_cut
            .iter()
            .filter(|&&r| r >= skip)
            .map(|r| r + prev.rows.len() - skip),
    );
    let spans_known =
        prev.row_spans.len() == prev.rows.len() && next.row_spans.len() == next.rows.len();
    prev.rows.extend(next.rows.into_iter().skip(skip));
    prev.pages.extend(next.pages.into_iter().skip(skip));
    match spans_known {
        true => prev.row_spans.extend(next.row_spans.into_iter().skip(skip)),
        false => prev.row_spans.clear(),
    }
}

/// The largest number a header row shows (its 栏次).
const MOST_COLUMN_NUMBER: i64 = 60;

/// Whether `table` holds a figure: a number other than a header's 栏次 (1, 2, … 60).
pub(crate) fn holds_figures(table: &TableGrid) -> bool {
    table.rows.iter().flatten().any(|c| {
        matches!(
            crate::read::document::cell_value(c.trim()),
            crate::read::Cell::Number(n)
                if !n.fract().is_zero() || n > rust_decimal::Decimal::from(MOST_COLUMN_NUMBER)
        )
    })
}

/// Appends a table printed right below `prev` on the same page, as it is.
pub(crate) fn append_below(prev: &mut TableGrid, next: TableGrid) {
    append_rows(prev, next, 0);
}

/// Most rows a repeated header has.
const MAX_HEADER_ROWS: usize = 6;

/// How many rows at the top of `next` repeat a header of `prev`: its top rows, or (rows set
/// to print on every page) a block of wordy rows further down, a merged cell's text shown
/// only on its first page or cut — the longer of the two.
pub(super) fn repeated_header(prev: &TableGrid, next: &TableGrid) -> usize {
    let most = next.rows.len().min(prev.rows.len()).min(MAX_HEADER_ROWS);
    let top = repeated_top(prev, next);
    let shown = (1..=most)
        .rev()
        .find(|&k| wordy(&next.rows[..k]) && shown_block(prev, &next.rows[..k]).is_some());
    top.max(shown).unwrap_or(0)
}

/// How many rows at the top of `below` are header rows of `above` typed again: a block of
/// rows of `above` cell for cell, one of them naming at least half the columns, none a figure.
/// (A row of words alone met twice, `社会成本指标`, is no header.)
pub(super) fn typed_header(above: &[Vec<String>], below: &[Vec<String>]) -> usize {
    let width = above.iter().chain(below).map(Vec::len).max().unwrap_or(0);
    let names_columns = |row: &Vec<String>| {
        let filled: Vec<&String> = row.iter().filter(|c| !c.trim().is_empty()).collect();
        filled.len() >= width.div_ceil(2).max(2) && !filled.iter().any(|c| is_figure(c.trim()))
    };
    let most = below.len().min(above.len()).min(MAX_HEADER_ROWS);
    (1..=most)
        .rev()
        .find(|&k| {
            let head = &below[..k];
            head.iter().any(names_columns)
                && !head.iter().flatten().any(|c| is_figure(c.trim()))
                && above.windows(k).any(|block| block == head)
        })
        .unwrap_or(0)
}

/// Where in `prev` the rows `head` show stand (see [`shows_row`]): the first of them.
fn shown_block(prev: &TableGrid, head: &[Vec<String>]) -> Option<usize> {
    prev.rows
        .windows(head.len())
        .position(|block| head.iter().zip(block).all(|(n, p)| shows_row(n, p)))
}

/// Takes out of the first row under the `repeated` header rows of `next` the rest of each
/// header cell those rows show cut (a tall merged cell starting in a repeated row), or the
/// whole of one they show blank; the columns it was taken from, whose boxes there go on from
/// the header, not from the rows above the break.
fn drop_header_rests(prev: &TableGrid, next: &mut TableGrid, repeated: usize) -> Vec<usize> {
    let mut columns = Vec::new();
    if repeated == 0 || repeated >= next.rows.len() {
        return columns;
    }
    let (head, body) = next.rows.split_at_mut(repeated);
    let Some(start) = shown_block(prev, head) else {
        return columns;
    };
    let tall = |row: usize, col: usize| region_at(prev, row, col).rows.1 >= start + repeated;
    for (i, (shown, full)) in head.iter().zip(&prev.rows[start..]).enumerate() {
        let cells = body[0].iter_mut().zip(shown.iter().zip(full));
        for (col, (cell, (s, f))) in cells.enumerate() {
            let rest = match s.is_empty() && tall(start + i, col) {
                true => header_rest::whole_rest(f, cell),
                false => header_rest::rest_after(s, f),
            };
            if let Some(kept) = rest.and_then(|r| header_rest::without_rest(cell, &r)) {
                *cell = kept;
                columns.push(col);
            }
        }
    }
    columns
}

/// How many first rows of `next` (some filled) are the first rows of `prev`, as a
/// spreadsheet's print titles repeat a table's header rows on every page; None when its
/// first row is none of them.
pub(crate) fn repeated_top(prev: &TableGrid, next: &TableGrid) -> Option<usize> {
    let most = next.rows.len().min(prev.rows.len()).min(MAX_HEADER_ROWS);
    let filled = |rows: &[Vec<String>]| rows.iter().any(|r| r.iter().any(|c| !c.is_empty()));
    (1..=most)
        .rev()
        .find(|&k| next.rows[..k] == prev.rows[..k] && filled(&next.rows[..k]))
}

/// Whether `shown` shows the row `row`: at least two cells as in `row`, none otherwise, and
/// at most one cell blank in one of them only (a merged cell's text is printed on one page)
/// or showing only the beginning of its text (a tall cell the page cuts).
fn shows_row(shown: &[String], row: &[String]) -> bool {
    let filled = |r: &[String], c: usize| r.get(c).filter(|t| !t.is_empty()).cloned();
    let (mut same, mut odd) = (0, 0);
    for c in 0..shown.len().max(row.len()) {
        match (filled(shown, c), filled(row, c)) {
            (Some(a), Some(b)) if a == b => same += 1,
            (Some(a), Some(b)) if header_rest::rest_after(&a, &b).is_some() => odd += 1,
            (Some(_), Some(_)) => return false,
            (None, None) => {}
            _ => odd += 1,
        }
    }
    same >= 2 && odd <= 1
}

/// More cells of words than of numbers: a header, not data.
fn wordy(rows: &[Vec<String>]) -> bool {
    let cells = rows.iter().flatten().filter(|c| !c.is_empty());
    let (words, numbers) = cells.fold((0, 0), |(w, n), c| {
        match c.replace(',', "").parse::<f64>().is_ok() {
            true => (w, n + 1),
            false => (w + 1, n),
        }
    });
    words > numbers
}

/// A cell's rows and columns (a merged region, or one cell), inclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Region {
    rows: (usize, usize),
    cols: (usize, usize),
}

fn region_at(t: &TableGrid, row: usize, col: usize) -> Region {
    t.merges
        .iter()
        .find(|m| m.contains(row as u32, col as u16))
        .map_or(
            Region {
                rows: (row, row),
                cols: (col, col),
            },
            |m| Region {
                rows: (m.first_row as usize, m.last_row as usize),
                cols: (m.first_col as usize, m.last_col as usize),
            },
        )
}

/// The text of a cell shown in two parts: the whole of it, when one part is blank or a part
/// of the other.
fn one_text(upper: String, lower: String) -> Option<String> {
    let (u, l) = (squeezed(&upper), squeezed(&lower));
    if u.is_empty() {
        (!l.is_empty()).then_some(lower)
    } else if l.is_empty() || u.contains(&l) {
        Some(upper)
    } else {
        l.contains(&u).then_some(lower)
    }
}

/// Joins the merged cells a page break cut in two (rows `..boundary` from one page, the rest
/// from the next): a cell above the break and one below it over the same columns, one of
/// them several rows tall, where the lower one is blank or shows a part of the upper one's
/// text (a printed merged cell shows its text, or what of it fits, on every page it spans).
/// Not in the columns `own`, whose boxes below go on from a repeated header. A word
/// processor (`breaks` allowed) prints a merged cell's text once, what does not fit going on
/// below: the whole text again below the break is a cell of its own (the next unit's 单位编码
/// `430001` under the last one's); in the columns `running`, whose text ran to the foot of
/// its box above, the text below is the rest of the one above.
fn join_cut_cells(
    t: &mut TableGrid,
    boundary: usize,
    own: &[usize],
    running: &[usize],
    breaks: RowBreaks,
) {
    let width = t.rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut col = 0;
    while col < width {
        let (above, below) = (region_at(t, boundary - 1, col), region_at(t, boundary, col));
        col = above.cols.1.max(col) + 1;
        let tall = above.rows.0 < above.rows.1 || below.rows.0 < below.rows.1;
        let from_header = own.contains(&below.cols.0);
        if above.cols != below.cols || below.rows.0 != boundary || !tall || from_header {
            continue;
        }
        let text = |r: &Region| {
            let row = t.rows.get(r.rows.0);
            row.and_then(|row| row.get(r.cols.0))
                .cloned()
                .unwrap_or_default()
        };
        let (upper, lower) = (squeezed(&text(&above)), squeezed(&text(&below)));
        if !lower.is_empty() && upper == lower && breaks == RowBreaks::Allowed {
            continue;
        }
        if breaks == RowBreaks::Typed && !lower.is_empty() {
            continue;
        }
        let rest = running.contains(&above.cols.0);
        let joined = match one_text(text(&above), text(&below)) {
            None if rest => Some(join_cut_text(&text(&above), &text(&below))),
            kept => kept,
        };
        let Some(kept) = joined else {
            continue;
        };
        t.merges.retain(|m| {
            let r = (m.first_row as usize, m.first_col as usize);
            r != (above.rows.0, above.cols.0) && r != (below.rows.0, below.cols.0)
        });
        // A row of the page below may end before this column (its last boxes empty).
        if let Some(text) = t.rows[below.rows.0].get_mut(below.cols.0) {
            text.clear();
        }
        set_text(&mut t.rows[above.rows.0], above.cols.0, kept);
        t.merges.push(merge(
            above.rows.0 as u32,
            above.cols.0 as u16,
            below.rows.1 as u32,
            above.cols.1 as u16,
        ));
    }
}

/// Sets column `col` of `row` to `text`, lengthening a row that ends before it.
fn set_text(row: &mut Vec<String>, col: usize, text: String) {
    if row.len() <= col {
        row.resize(col + 1, String::new());
    }
    row[col] = text;
}

/// Removes empty rows (a double rule at the top of a continued table) that no merge touches.
fn drop_leading_blank_rows(table: &mut TableGrid) {
    let blank = table
        .rows
        .iter()
        .enumerate()
        .take_while(|(r, row)| {
            row.iter().all(String::is_empty)
                && !table
                    .merges
                    .iter()
                    .any(|m| m.last_row as usize >= *r && m.first_row as usize <= *r)
        })
        .count();
    if blank == 0 {
        return;
    }
    table.rows.drain(..blank);
    table.pages.drain(..blank);
    table.row_spans.drain(..blank.min(table.row_spans.len()));
    for m in &mut table.merges {
        m.first_row -= blank as u32;
        m.last_row -= blank as u32;
    }
}

/// A table of `rows` with `merges` (first row, first column, last row, last column), every
/// row on `page`: the tests' way to write a grid.
#[cfg(test)]
pub(super) fn test_grid(rows: &[&[&str]], merges: &[(u32, u16, u32, u16)], page: u32) -> TableGrid {
    TableGrid {
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect(),
        merges: merges.iter().map(|m| merge(m.0, m.1, m.2, m.3)).collect(),
        pages: vec![page; rows.len()],
        columns: Vec::new(),
        ..TableGrid::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]], merges: &[(u32, u16, u32, u16)], page: u32) -> TableGrid {
        test_grid(rows, merges, page)
    }

    /// A page with one ruled table of `cols` columns and `rows` rows, 20 points each, from
    /// (100, 100); and these runs (x, baseline, text), 10 points high.
    fn ruled_page(rows: usize, cols: usize, runs: &[(f64, f64, &str)]) -> Page {
        let (x0, y0, step) = (100.0, 100.0, 20.0);
        let (x1, y1) = (x0 + step * cols as f64, y0 + step * rows as f64);
        let mut rules = Vec::new();
        for r in 0..=rows {
            let y = y0 + step * r as f64;
            rules.push(Rule::H { y, x0, x1 });
        }
        for c in 0..=cols {
            let x = x0 + step * c as f64;
            rules.push(Rule::V { x, y0, y1 });
        }
        let runs = runs
            .iter()
            .map(|&(x, baseline, text)| {
                let width = 10.0 * text.chars().count() as f64;
                Run::glyph(x, x + width.min(18.0), baseline, 10.0, text)
            })
            .collect();
        Page {
            number: 1,
            height: 842.0,
            runs,
            rules,
        }
    }

    fn table_of(items: &[Block]) -> &TableGrid {
        items
            .iter()
            .find_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .expect("a table")
    }

    /// A 合计 printed in the table's last row right over a note under the table, one text
    /// operation after the other and a line's pitch apart, as a spreadsheet prints the two
    /// cells: the 合计 ends short of the note's first line, so it is the last row's text and
    /// the note a line of its own (not `合计注：…`, a note the 空表说明 check cannot find).
    #[test]
    fn a_total_printed_over_a_note_under_the_table_is_no_line_of_the_note() {
        let (x0, x1) = (100.0, 400.0);
        let mut rules: Vec<Rule> = [100.0, 120.0, 140.0]
            .map(|y| Rule::H { y, x0, x1 })
            .to_vec();
        rules.extend([x0, 200.0, x1].map(|x| Rule::V {
            x,
            y0: 100.0,
            y1: 140.0,
        }));
        let note = "注：本单位没有政府性基金收入，故本表无数据。";
        let runs = vec![
            Run::glyph(105.0, 125.0, 136.0, 10.0, "合计").shown_by(0),
            Run::glyph(105.0, 325.0, 148.0, 10.0, note).shown_by(1),
        ];
        let page = Page {
            number: 1,
            height: 842.0,
            runs,
            rules,
        };
        let items = page_items(&page);
        assert_eq!(table_of(&items).rows[1], ["合计", ""]);
        let lines: Vec<&str> = items
            .iter()
            .filter_map(|b| match b {
                Block::Line(l) => Some(l.text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(lines, [note]);
    }

    /// A label printed glyph against glyph from its cell over the rule: into an empty cell it
    /// runs on whole, under a filled one only what the clip shows (a glyph astride the rule
    /// included) is there, and it is the left cell's text either way; a number set against
    /// the rule, or a text a margin apart from it, stays in its own cell. Generated over label
    /// lengths, where the label starts, and whether the next cell is filled.
    #[test]
    fn a_label_over_the_rule_is_its_own_cells_text() {
        let glyphs = |x: f64, text: &str| -> Vec<Run> {
            text.chars()
                .enumerate()
                .map(|(i, ch)| {
                    let x = x + 10.0 * i as f64;
                    Run::glyph(x, x + 10.0, 114.0, 10.0, &ch.to_string())
                })
                .collect()
        };
        // Up to six characters: the label ends inside the table's three boxes.
        let label = "十五、商业服";
        for n in 1..=label.chars().count() {
            for start in [100.5, 101.0, 102.0, 104.0] {
                for filled in [false, true] {
                    let shown: String = label.chars().take(n).collect();
                    let mut page = ruled_page(2, 3, &[]);
                    // The clip of a cell whose neighbour is filled hides glyphs centred past it.
                    page.runs = glyphs(start, &shown)
                        .into_iter()
                        .filter(|g| !filled || (g.x0 + g.x1) / 2.0 <= 121.0)
                        .collect();
                    let visible: String = page.runs.iter().map(|g| g.text.as_str()).collect();
                    if filled {
                        page.runs.extend(glyphs(131.0, "5"));
                    }
                    let items = page_items(&page);
                    let row = &table_of(&items).rows[0];
                    let next = if filled { "5" } else { "" };
                    let case = format!("{n} chars from {start}, filled {filled}");
                    assert_eq!(row[0], visible, "{case}");
                    assert_eq!(row[1], next, "{case}");
                    assert_eq!(row[2], "", "{case}");
                }
            }
        }
        for (number, text_at) in [(100.0, 120.0), (99.5, 121.0), (98.0, 122.0)] {
            let mut page = ruled_page(2, 3, &[]);
            page.runs = glyphs(number, "25");
            page.runs.extend(glyphs(text_at, "一二"));
            let items = page_items(&page);
            let row = &table_of(&items).rows[0];
            assert_eq!(
                (row[0].as_str(), row[1].as_str()),
                ("25", "一二"),
                "{number} {text_at}"
            );
        }
    }

    /// A header word over its column's number in one box (`本年收入合计` over `1`) keeps the
    /// number on a line of its own, as the cell typed in Excel holds it; a wrapped word is one
    /// word again.
    #[test]
    fn a_number_wrapped_in_a_narrow_box_is_one_number() {
        let runs = [
            Run::glyph(100.0, 130.0, 110.0, 10.0, "2946."),
            Run::glyph(100.0, 112.0, 122.0, 10.0, "25"),
        ];
        assert_eq!(join_runs(&runs.iter().collect::<Vec<_>>()), "2946.25");
        let code = [
            Run::glyph(100.0, 130.0, 110.0, 10.0, "20106"),
            Run::glyph(100.0, 112.0, 122.0, 10.0, "01"),
        ];
        assert_eq!(join_runs(&code.iter().collect::<Vec<_>>()), "2010601");
        let words = [
            Run::glyph(100.0, 130.0, 110.0, 10.0, "Total"),
            Run::glyph(100.0, 112.0, 122.0, 10.0, "25"),
        ];
        assert_eq!(join_runs(&words.iter().collect::<Vec<_>>()), "Total 25");
    }

    /// Runs whose baselines step by less than "the same line" apart (glyphs of a turned or
    /// shaky print) make "same line" no equivalence; joining them must not panic (a sort
    /// with a comparator that is no total order may) and keeps every run's text.
    #[test]
    fn runs_on_creeping_baselines_join_without_panic() {
        for seed in 1..=20u64 {
            let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let mut next = |n: u64| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state % n
            };
            let runs: Vec<Run> = (0..80)
                .map(|i| {
                    let x = next(400) as f64;
                    let base = 100.0 + i as f64 * 2.5 + next(10) as f64 / 10.0;
                    Run::glyph(x, x + 8.0, base, 10.0, &format!("{}", i % 10))
                })
                .collect();
            let text = join_runs(&runs.iter().collect::<Vec<_>>());
            let digits = text.chars().filter(char::is_ascii_digit).count();
            assert_eq!(digits, runs.len(), "seed {seed}: {text}");
        }
    }

    #[test]
    fn a_column_number_under_a_header_word_stays_on_its_own_line() {
        let page = ruled_page(
            2,
            2,
            &[
                (101.0, 108.0, "本年收"),
                (101.0, 113.0, "入合计"),
                (121.0, 108.0, "财政拨"),
                (121.0, 113.0, "款收入"),
                (121.0, 118.0, "2"),
                (101.0, 135.0, "12.50"),
            ],
        );
        let t = table_of(&page_items(&page)).clone();
        assert_eq!(t.rows[0], ["本年收入合计", "财政拨款收入\n2"]);
        assert_eq!(t.rows[1][0], "12.50");
    }

    /// `单位：万元` printed inside the table's top box, above a header word: a line above the
    /// table, not part of the word (`单位：万元其他收入` left 公开02表's last column unread).
    #[test]
    fn a_unit_line_in_a_header_box_is_a_line_above_the_table() {
        let page = ruled_page(
            2,
            2,
            &[
                (121.0, 106.0, "单位：万元"),
                (121.0, 116.0, "其他收入"),
                (101.0, 116.0, "合计"),
                (121.0, 135.0, "6.20"),
            ],
        );
        let items = page_items(&page);
        let t = table_of(&items);
        assert_eq!(t.rows[0], ["合计", "其他收入"]);
        let lines: Vec<&str> = items
            .iter()
            .filter_map(|b| match b {
                Block::Line(l) => Some(l.text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(lines, ["单位：万元"]);
        assert!(
            matches!(items[0], Block::Line(_)),
            "the unit line comes first"
        );
    }

    /// 公开06表 going on over a page where the 人员经费 panel, ended, is drawn without its
    /// inner lines: the page's two columns go under the first page's three and its last, the
    /// blank one merged across the three.
    #[test]
    fn a_page_drawing_fewer_column_lines_is_laid_on_the_columns_above() {
        let mut prev = grid(
            &[
                &["科目代码", "科目名称", "决算数", "决算数"],
                &["30101", "基本工资", "85.62", "18.52"],
            ],
            &[],
            1,
        );
        prev.columns = vec![0.0, 40.0, 120.0, 160.0, 200.0];
        let mut next = grid(&[&["", "16.67"], &["", "58.75"]], &[], 2);
        next.columns = vec![0.0, 160.5, 200.0];
        let (laid_prev, fitted) = on_shared_columns(&prev, &next).expect("one frame");
        assert_eq!(
            (&laid_prev.rows, &laid_prev.merges),
            (&prev.rows, &prev.merges)
        );
        append_continued(&mut prev, fitted, RowBreaks::Allowed);
        assert_eq!(prev.rows[2], ["", "", "", "16.67"]);
        assert_eq!(prev.rows[3], ["", "", "", "58.75"]);
        assert!(prev.merges.contains(&merge(2, 0, 2, 2)));
        assert_eq!(prev.pages, [1, 1, 2, 2]);
        // Other outer edges: another table.
        next.columns = vec![10.0, 160.0, 200.0];
        assert!(on_shared_columns(&prev, &next).is_none());
        next.columns = vec![0.0, 160.0, 230.0];
        assert!(on_shared_columns(&prev, &next).is_none());
    }

    /// A 绩效 table's budget rows (label | three amounts, each over two columns) closing a
    /// page, its 楼堂馆所 rows drawing every column opening the next: both on one set of
    /// columns, each amount in the column its box starts at.
    #[test]
    fn a_page_drawing_more_column_lines_lays_the_page_above_on_them() {
        let mut prev = grid(&[&["政府采购金额", "——", "549.47", "549.47"]], &[], 1);
        prev.columns = vec![0.0, 100.0, 200.0, 300.0, 400.0];
        let mut next = grid(
            &[
                &[
                    "部门基本支出预算调整",
                    "——",
                    "",
                    "1250.42",
                    "",
                    "1123.57",
                    "",
                ],
                &[
                    "楼堂馆所",
                    "批复规模",
                    "实际规模",
                    "控制率",
                    "预算投资",
                    "实际投资",
                    "概算控制率",
                ],
            ],
            &[(0, 1, 0, 2), (0, 3, 0, 4), (0, 5, 0, 6)],
            2,
        );
        next.columns = vec![0.0, 100.0, 150.0, 200.0, 250.0, 300.0, 350.0, 400.0];
        let (mut joined, laid_next) = on_shared_columns(&prev, &next).expect("one frame");
        append_continued(&mut joined, laid_next, RowBreaks::Allowed);
        assert_eq!(
            joined.rows[0],
            ["政府采购金额", "——", "", "549.47", "", "549.47", ""]
        );
        assert_eq!(joined.rows[1][3], "1250.42");
        assert!(joined.merges.contains(&merge(0, 3, 0, 4)));
        assert!(joined.merges.contains(&merge(1, 5, 1, 6)));
        // Lines on both sides the other lacks: their union.
        next.columns = vec![0.0, 100.0, 150.0, 250.0, 350.0, 400.0];
        next.rows.iter_mut().for_each(|r| r.truncate(5));
        next.merges.clear();
        let (laid_prev, laid_next) = on_shared_columns(&prev, &next).expect("one frame");
        assert_eq!(laid_prev.columns.len(), 8);
        assert_eq!(laid_prev.rows[0][3], "549.47");
        assert_eq!(laid_next.rows[1][4], "控制率");
    }

    #[test]
    fn a_merged_cell_cut_by_the_page_break_is_one_cell_again() {
        let mut prev = grid(
            &[
                &["一级指标", "三级指标", "分值"],
                &["效益指标（30分）", "促进招商", "10"],
                &["", "宣传", "10"],
            ],
            &[(1, 0, 2, 0)],
            3,
        );
        // Page 4 repeats the header and shows what fits of the merged cell's text.
        let next = grid(
            &[
                &["一级指标", "三级指标", "分值"],
                &["（30分）", "生态绿心", "10"],
                &["", "引导", "10"],
                &["满意度指标", "满意度", "10"],
            ],
            &[(1, 0, 2, 0)],
            4,
        );
        append_continued(&mut prev, next, RowBreaks::Allowed);
        assert_eq!(prev.rows.len(), 6);
        assert_eq!(prev.rows[1][0], "效益指标（30分）");
        assert_eq!(prev.rows[3][0], "");
        assert_eq!(prev.rows[5][0], "满意度指标");
        assert!(
            prev.merges.contains(&merge(1, 0, 4, 0)),
            "{:?}",
            prev.merges
        );
        assert_eq!(prev.pages, [3, 3, 3, 4, 4, 4]);
    }

    /// A page whose rows end before the last column (its boxes there empty, as LibreOffice
    /// prints a table whose last column is blank on that page) continues a table whose last
    /// column is a tall merged cell: the rows are appended, nothing is indexed past a row.
    #[test]
    fn a_shorter_row_under_the_break_beside_a_tall_cell_is_appended() {
        let mut prev = grid(
            &[&["科目", "金额", "备注"], &["201", "12.00", ""]],
            &[(0, 2, 1, 2)],
            1,
        );
        let next = grid(&[&["205", "3.00"], &["208", "4.00"]], &[], 2);
        append_continued(&mut prev, next, RowBreaks::Allowed);
        assert_eq!(prev.rows.len(), 4);
        assert_eq!(prev.rows[0][2], "备注");
        assert_eq!(prev.rows[2][..2], ["205", "3.00"]);
        assert_eq!(prev.rows[3], ["208", "4.00"]);
        assert_eq!(prev.pages, [1, 1, 2, 2]);
    }

    /// A page holding only the repeated header of a table whose last row above the break has
    /// a tall merged cell: nothing is appended, nothing is indexed past the last row.
    #[test]
    fn a_page_of_the_repeated_header_alone_adds_nothing() {
        let header: &[&str] = &["科目", "金额", "备注"];
        let mut prev = grid(
            &[header, &["201", "12.00", "说明"], &["", "", ""]],
            &[(1, 2, 2, 2)],
            1,
        );
        append_continued(&mut prev, grid(&[header], &[], 2), RowBreaks::Allowed);
        assert_eq!(prev.rows.len(), 3);
        assert_eq!(prev.rows[1], ["201", "12.00", "说明"]);
        assert_eq!(prev.pages, [1, 1, 1]);
    }

    /// `rows` closing a page, the boxes of the last row whose text fills them to the foot
    /// marked `filled`.
    fn closing(rows: &[&[&str]], filled: &[bool]) -> TableGrid {
        let mut t = grid(rows, &[], 5);
        let full = LastLine {
            wrapped: false,
            gap: 0.0,
            room: 0.0,
        };
        t.last_lines = filled.iter().map(|&f| f.then_some(full)).collect();
        t
    }

    /// 公开04表's row 二十、粮油物资储备支出 cut after its first line, and 公开03表's amounts
    /// wrapped in narrow boxes cut inside a number: one row, the number whole.
    #[test]
    fn a_row_cut_by_a_page_break_is_one_row_again() {
        let mut prev = closing(
            &[&["19", "二十、粮", "52", "0", "160.7"]],
            &[false, true, false, false, true],
        );
        let next = grid(
            &[
                &["", "油物资储备", "", "", "5"],
                &["21", "二十一、", "53", "0", "1.00"],
            ],
            &[],
            6,
        );
        append_continued(&mut prev, next, RowBreaks::Allowed);
        assert_eq!(prev.rows.len(), 2);
        assert_eq!(
            prev.rows[0],
            ["19", "二十、粮油物资储备", "52", "0", "160.75"]
        );
        assert_eq!(prev.rows[1][0], "21");
        assert_eq!(prev.pages, [5, 6]);
        assert!(prev.maybe_cut.is_empty());
        // A code wrapped in its box goes on too: 201045 | 0 is 2010450.
        let mut prev = closing(&[&["201045", "事业运行", "418"]], &[true, false, true]);
        append_continued(
            &mut prev,
            grid(&[&["0", "", ".68"]], &[], 6),
            RowBreaks::Allowed,
        );
        assert_eq!(prev.rows, [["2010450", "事业运行", "418.68"]]);
    }

    /// A unit's 单位编码 and 一级指标 merged over its indicator rows, one row cut by the break
    /// (`配合筹` | `备联席会`): the boxes going on below the cut row are the same merged cells,
    /// up to the next unit's row, which starts cells of its own.
    #[test]
    fn merged_cells_over_a_cut_row_go_on_below_it() {
        let mut prev = closing(
            &[
                &["单位编码", "一级指标", "三级指标", "分值"],
                &["430001", "产出指标", "宣传活动", "4"],
                &["", "", "配合筹", "4"],
            ],
            &[false, false, true, false],
        );
        prev.merges = vec![merge(1, 0, 2, 0), merge(1, 1, 2, 1)];
        let next = grid(
            &[
                &["", "", "备联席会", ""],
                &["", "", "片区宣传", "4"],
                &["430001", "满意度指标", "满意度", "10"],
            ],
            &[(0, 0, 1, 0), (0, 1, 1, 1)],
            6,
        );
        append_continued(&mut prev, next, RowBreaks::Allowed);
        assert_eq!(prev.rows.len(), 5);
        assert_eq!(prev.rows[2][2], "配合筹备联席会");
        let mut merges = prev.merges.clone();
        merges.sort();
        assert_eq!(merges, [merge(1, 0, 3, 0), merge(1, 1, 3, 1)]);
        assert_eq!(prev.rows[4][..2], ["430001", "满意度指标"]);
    }

    /// A word processor's print, the next unit opening the page under the last one's merged
    /// cells with the same 单位编码: a cell of its own, not the one above shown again.
    #[test]
    fn a_text_opening_the_page_under_a_merged_cell_of_a_word_table_is_a_new_cell() {
        let mut prev = grid(
            &[
                &["单位编码", "三级指标", "分值"],
                &["430001", "宣传活动", "4"],
                &["", "满意度", "10"],
            ],
            &[(1, 0, 2, 0)],
            5,
        );
        let next = grid(
            &[&["430001", "宣传活动", "4"], &["", "满意度", "10"]],
            &[(0, 0, 1, 0)],
            6,
        );
        append_continued(&mut prev, next, RowBreaks::Allowed);
        assert_eq!(prev.rows.len(), 5);
        assert_eq!(prev.rows[3][0], "430001");
        let mut merges = prev.merges.clone();
        merges.sort();
        assert_eq!(merges, [merge(1, 0, 2, 0), merge(3, 0, 4, 0)]);
    }

    /// An integer amount filling its narrow box cut by the break (`12` | `34`): one number,
    /// as a decimal one is; two integers of their own, or the next 行次, stay two rows.
    #[test]
    fn an_integer_amount_cut_by_the_break_is_one_number() {
        let mut prev = closing(&[&["其他支出", "12"]], &[false, true]);
        append_continued(&mut prev, grid(&[&["", "34"]], &[], 6), RowBreaks::Allowed);
        assert_eq!(prev.rows, [["其他支出", "1234"]]);
        for (lower, filled) in [("34", false), ("13", true)] {
            let mut prev = closing(&[&["其他支出", "12"]], &[false, filled]);
            append_continued(&mut prev, grid(&[&["", lower]], &[], 6), RowBreaks::Allowed);
            assert_eq!(prev.rows.len(), 2, "12 over {lower}, filled {filled}");
        }
    }

    /// 公开02表's row 2089999 cut in every cell it fills (`20899` | `99`, `其他社` | `会保障…`,
    /// `2288.9` | `0`): the digits below are no code of their own, so it is one row again.
    #[test]
    fn a_row_cut_in_every_cell_inside_its_code_is_one_row() {
        let mut prev = closing(
            &[&["20899", "其他社", "2288.9", "2288.9", ""]],
            &[true, true, true, true, false],
        );
        let next = grid(
            &[
                &["99", "会保障和就业支出", "0", "0", ""],
                &["210", "卫生健康支出", "907.34", "907.34", ""],
            ],
            &[],
            6,
        );
        append_continued(&mut prev, next, RowBreaks::Allowed);
        assert_eq!(prev.rows.len(), 2);
        let whole = [
            "2089999",
            "其他社会保障和就业支出",
            "2288.90",
            "2288.90",
            "",
        ];
        assert_eq!(prev.rows[0], whole);
        assert!(prev.maybe_cut.is_empty());
    }

    /// Rows of their own whose boxes above the break are full: a code under a shorter one
    /// (`21111` | `2111101`), figures that make no number joined (`275.00` | `150.00`), a
    /// list item's label (`十四、…支出` | `十五、…支出`).
    #[test]
    fn full_boxes_over_texts_of_their_own_stay_two_rows() {
        let cases: [(&[&str], &[&str]); 3] = [
            (
                &["21111", "污染减排", "275.00", "0.00"],
                &["2111101", "减排专项支出", "150.00", ""],
            ),
            (
                &["", "污染减排", "275.00", "0.00"],
                &["", "减排专项支出", "150.00", ""],
            ),
            (
                &["", "十四、资源勘探工业信息等支出", "4948.72", "4948.72"],
                &["", "十五、商业服务业等支出", "", ""],
            ),
        ];
        for (upper, lower) in cases {
            let mut prev = closing(&[upper], &[true, true, true, true]);
            append_continued(&mut prev, grid(&[lower], &[], 6), RowBreaks::Allowed);
            assert_eq!(prev.rows.len(), 2, "{upper:?} over {lower:?}");
            assert_eq!(prev.rows[1], lower, "{upper:?} over {lower:?}");
        }
    }

    /// Whether a text opens a list item of its own: numerals then `、`, or in brackets.
    #[test]
    fn list_items_open_with_their_numbers() {
        for text in [
            "十五、商业服务业等支出",
            "24、住房保障支出",
            "（三）机关",
            "(1)差旅",
        ] {
            assert!(opens_a_list_item(text), "{text}");
        }
        for text in [
            "油物资储备",
            "2.5",
            "一般公共服务支出",
            "、支出",
            "（万元）",
        ] {
            assert!(!opens_a_list_item(text), "{text}");
        }
        assert!(!never_one_text("二十", "一、国有资本经营预算支出"));
        assert!(never_one_text(
            "十九、住房保障支出",
            "二十、粮油物资储备支出"
        ));
    }

    /// Two rows of their own: the row below repeats a 行次; its text goes on in a box the row
    /// above left short of the foot; it fills every cell the row above filled; it holds the
    /// next code of the same level.
    #[test]
    fn rows_of_their_own_across_a_page_break_stay_two_rows() {
        let all = [true, true, true];
        for (upper, lower, filled) in [
            (
                ["年初结转和结余", "28", "0"],
                ["一般公共预算", "29", "0"],
                all,
            ),
            (
                ["合计", "526.36", "0"],
                ["其中：事业运行", "12.00", ""],
                [false, false, true],
            ),
            (
                ["一般公共服务支出", "428.48", "9.80"],
                ["发展与改革事务", "428.48", "9.80"],
                [false, true, true],
            ),
        ] {
            let mut prev = closing(&[&upper], &filled);
            append_continued(&mut prev, grid(&[&lower], &[], 6), RowBreaks::Allowed);
            assert_eq!(prev.rows.len(), 2, "{upper:?} over {lower:?}");
            assert!(prev.maybe_cut.is_empty(), "{upper:?} over {lower:?}");
        }
        // The next code of the same level, every box above filled to the foot (a wrapped name
        // clipped in a spreadsheet's row, its 项目支出 left blank below): its own row.
        let upper = [
            "2080505",
            "机关事业单位基本养老保险缴费支出",
            "1763.84",
            "41.46",
        ];
        let mut prev = closing(&[&upper], &[true; 4]);
        let lower = ["2080506", "机关事业单位职业年金缴费支出", "876.63", ""];
        append_continued(&mut prev, grid(&[&lower], &[], 6), RowBreaks::Allowed);
        assert_eq!(prev.rows.len(), 2, "{:?}", prev.rows);
        assert!(prev.maybe_cut.is_empty());
    }

    /// A spreadsheet's print: labels filling their boxes to the foot over the next page's
    /// first labels, which Word's table would have cut, are two rows, none marked maybe cut.
    #[test]
    fn a_spreadsheet_row_is_never_cut_by_the_page_break() {
        let upper = ["本年收入合计", "19044.27", "本年支出合计", "19044.27"];
        let lower = ["使用非财政拨款结余", "", "结余分配", ""];
        for (breaks, rows) in [(RowBreaks::Allowed, 1), (RowBreaks::Never, 2)] {
            let mut prev = closing(&[&upper], &[true, false, true, false]);
            append_continued(&mut prev, grid(&[&lower], &[], 6), breaks);
            assert_eq!(prev.rows.len(), rows, "{breaks:?}: {:?}", prev.rows);
            assert!(prev.maybe_cut.is_empty(), "{breaks:?}");
        }
    }

    /// A spreadsheet prints a merged cell going on over a page break on both pages, each part
    /// clipped to its page: the text below, the same or a line of it, is that cell, one merged
    /// region over the break; the row below keeps its own cells. Two 科目 of one name, coded,
    /// are two rows with their names.
    #[test]
    fn a_merged_cell_printed_again_below_a_spreadsheet_page_break_is_one_cell() {
        let mut prev = grid(
            &[
                &["效益指标（30 分）", "社会效益指标", "促进社会发展", "10"],
                &["", "生态效益指标", "是否符合环保要求", "10"],
            ],
            &[],
            5,
        );
        prev.merges.push(merge(0, 0, 1, 0));
        let next = grid(&[&["（30 分）", "生态效益指标", "", ""]], &[], 6);
        append_continued(&mut prev, next, RowBreaks::Never);
        assert_eq!(prev.rows[2], ["", "", "", ""]);
        assert!(
            prev.merges.contains(&merge(0, 0, 2, 0)),
            "{:?}",
            prev.merges
        );
        assert!(
            prev.merges.contains(&merge(1, 1, 2, 1)),
            "{:?}",
            prev.merges
        );
        let mut prev = grid(&[&["20599", "其他教育支出", "16.24"]], &[], 5);
        let next = grid(&[&["2059999", "其他教育支出", "16.24"]], &[], 6);
        append_continued(&mut prev, next, RowBreaks::Never);
        assert_eq!(prev.rows[1], ["2059999", "其他教育支出", "16.24"]);
        assert!(prev.merges.is_empty());
    }

    /// The rest of a row whose boxes above the break are filled to the foot only in part, or
    /// not known: left as two rows, the lower one marked as maybe cut.
    #[test]
    fn a_row_maybe_cut_is_left_as_two_rows_and_marked() {
        let mut prev = closing(&[&["项目", "二十、粮", "160.7"]], &[false, true, false]);
        append_continued(
            &mut prev,
            grid(&[&["", "油物资储备", "5"]], &[], 6),
            RowBreaks::Allowed,
        );
        assert_eq!(prev.rows[0][2], "160.7");
        assert_eq!(prev.maybe_cut, [1]);
        let mut prev = closing(&[&["项目", "二十、粮", "160.7"]], &[]);
        append_continued(
            &mut prev,
            grid(&[&["", "", "5"]], &[], 6),
            RowBreaks::Allowed,
        );
        assert_eq!(prev.maybe_cut, [1]);
    }

    /// 公开03表's header cut under its first row: the tall cells (本年支出合计 over two rows)
    /// go on in the header row of 科目代码 and 科目名称, merged down over it again.
    #[test]
    fn a_header_cut_under_its_first_row_keeps_its_tall_cells() {
        let mut prev = closing(
            &[&["项目", "", "本年支出合", "基本支出"]],
            &[false, false, true, false],
        );
        prev.merges.push(merge(0, 0, 0, 1));
        let next = grid(
            &[&["科目代码", "科目名称", "计", ""], &["栏次", "", "1", "2"]],
            &[],
            6,
        );
        append_continued(&mut prev, next, RowBreaks::Allowed);
        assert_eq!(prev.rows[0], ["项目", "", "本年支出合计", "基本支出"]);
        assert_eq!(prev.rows[1], ["科目代码", "科目名称", "", ""]);
        assert!(
            prev.merges.contains(&merge(0, 2, 1, 2)),
            "{:?}",
            prev.merges
        );
    }

    /// A header whose last line fills a box to the foot (对附属单位补助支 | 出), the 栏次 row
    /// opening the next page: the 栏次 stay a row of their own, none taken into the header.
    #[test]
    fn a_column_number_row_opening_a_page_is_not_the_headers_rest() {
        let mut prev = closing(
            &[&["科目代码", "科目名称", "基本支出", "对附属单位补助支出"]],
            &[false, false, false, true],
        );
        let mut next = grid(&[&["栏次", "", "1", "6"], &["合计", "", "5", "0"]], &[], 6);
        next.merges.push(merge(0, 0, 0, 1));
        append_continued(&mut prev, next, RowBreaks::Allowed);
        assert_eq!(prev.rows.len(), 3);
        assert_eq!(prev.rows[0][3], "对附属单位补助支出");
        assert_eq!(prev.rows[1], ["栏次", "", "1", "6"]);
    }

    #[test]
    fn a_header_repeated_from_further_down_is_dropped_and_data_rows_are_kept() {
        let mut prev = grid(
            &[
                &["单位名称", "某中心", ""],
                &["", "一级指标", "分值"],
                &["", "产出指标", "10"],
            ],
            &[],
            3,
        );
        // The merged cell 绩效指标 shows its text on the page where its middle is printed.
        let next = grid(
            &[&["绩效指标", "一级指标", "分值"], &["", "效益指标", "10"]],
            &[],
            4,
        );
        append_continued(&mut prev, next, RowBreaks::Allowed);
        assert_eq!(prev.rows.len(), 4);
        assert_eq!(prev.rows[3][1], "效益指标");
        // A data row equal to one above is data, not a header.
        let mut prev = grid(&[&["项目", "金额"], &["其他", "1"]], &[], 1);
        append_continued(
            &mut prev,
            grid(&[&["其他", "1"]], &[], 2),
            RowBreaks::Allowed,
        );
        assert_eq!(prev.rows.len(), 3);
    }

    /// A page as a spreadsheet prints a narrow label column whose wrapped labels run over
    /// rows kept at their height: each label's lines, vertically centred on its row, one
    /// text-showing operation after the other, column by column; the figures after. Returns
    /// the page and the labels and figures of its rows (after a header row).
    fn overflowing_page(rng: &mut crate::test_rng::Rng) -> (Page, Vec<(String, String)>) {
        const POOL: &str =
            "一般公共服务支出财政事务行政运行社会保障和就业养老离退休机关单位基本险缴费";
        let pool: Vec<char> = POOL.chars().collect();
        let size = [9.0, 10.0, 11.0][rng.below(3)];
        let pitch = size * [1.05, 1.1, 1.17][rng.below(3)];
        let height = size * [1.25, 1.3, 1.4][rng.below(3)];
        let (x0, mid, x1, y0) = (100.0, 160.0, 220.0, 100.0);
        let right = rng.below(2) == 0;
        let n = 5 + rng.below(5);
        let ys: Vec<f64> = (0..=n + 1).map(|r| y0 + height * r as f64).collect();
        let mut rules: Vec<Rule> = ys.iter().map(|&y| Rule::H { y, x0, x1 }).collect();
        let (top, bottom) = (ys[0], ys[n + 1]);
        rules.extend([x0, mid, x1].map(|x| Rule::V {
            x,
            y0: top,
            y1: bottom,
        }));
        let mut runs = Vec::new();
        let mut op = 0;
        let mut line = |runs: &mut Vec<Run>, x: f64, baseline: f64, text: &str| {
            for (i, ch) in text.chars().enumerate() {
                let w = if ch.is_ascii() { size * 0.55 } else { size };
                let gx = x + w * i as f64;
                runs.push(Run::glyph(gx, gx + w, baseline, size, &ch.to_string()).shown_by(op));
            }
            op += 1;
        };
        let centre = |r: usize| (ys[r] + ys[r + 1]) / 2.0 + size * 0.3;
        line(&mut runs, x0 + 2.0, centre(0), "项目");
        let mut rows = Vec::new();
        for r in 1..=n {
            let lines = 1 + rng.below(3);
            let texts: Vec<String> = (0..lines)
                .map(|_| {
                    (0..3 + rng.below(3))
                        .map(|_| pool[rng.below(pool.len())])
                        .collect()
                })
                .collect();
            for (i, text) in texts.iter().enumerate() {
                let offset = (i as f64 - (lines - 1) as f64 / 2.0) * pitch;
                let width = size * text.chars().count() as f64;
                let x = if right { mid - 2.0 - width } else { x0 + 2.0 };
                line(&mut runs, x, centre(r) + offset, text);
            }
            rows.push((
                texts.concat(),
                format!("{}.{:02}", rng.below(900), rng.below(100)),
            ));
        }
        for (r, (_, amount)) in rows.iter().enumerate() {
            let width = size * 0.55 * amount.len() as f64;
            line(&mut runs, x1 - 2.0 - width, centre(r + 1), amount);
        }
        let page = Page {
            number: 1,
            height: 842.0,
            runs,
            rules,
        };
        (page, rows)
    }

    /// Wrapped labels printed over rows too low for them (lines of neighbouring cells a
    /// point apart, a label's first and last line over the rows around it) are read whole,
    /// each in its own row, beside its own figure. Generated over text sizes, line pitches,
    /// row heights, alignments and label lengths.
    #[test]
    fn wrapped_labels_running_over_their_rows_stay_in_their_rows() {
        let mut rng = crate::test_rng::Rng::new(23);
        for case in 0..60 {
            let (page, rows) = overflowing_page(&mut rng);
            let items = page_items(&page);
            let table = table_of(&items);
            assert_eq!(
                table.rows.len(),
                rows.len() + 1,
                "case {case}: {:?}",
                table.rows
            );
            for (r, (label, amount)) in rows.iter().enumerate() {
                let got = &table.rows[r + 1];
                assert_eq!((&got[0], &got[1]), (label, amount), "case {case} row {r}");
            }
        }
    }

    /// A note under a table, wrapped in a row too low for it, runs up over the table's last
    /// row: it is a line under the table, whole, and the last row keeps its own text.
    #[test]
    fn a_note_wrapped_over_the_last_row_is_a_line_under_the_table() {
        for size in [9.0, 10.0, 11.0] {
            let mut page = ruled_page(2, 3, &[]);
            let mut op = 0;
            let mut shown = |x: f64, baseline: f64, text: &str| {
                op += 1;
                text.chars()
                    .enumerate()
                    .map(|(i, ch)| {
                        let gx = x + size * i as f64;
                        Run::glyph(gx, gx + size, baseline, size, &ch.to_string()).shown_by(op)
                    })
                    .collect::<Vec<_>>()
            };
            // The last row is 120..140; its 合计 sits on the bottom rule's margin.
            page.runs.extend(shown(101.0, 137.0, "合计"));
            page.runs
                .extend(shown(101.0, 139.0, "注：本单位无此项支出"));
            page.runs
                .extend(shown(101.0, 139.0 + size * 1.05, "，故本表无数据。"));
            let items = page_items(&page);
            assert_eq!(table_of(&items).rows[1][0], "合计", "size {size}");
            let note = items.iter().find_map(|b| match b {
                Block::Line(l) => Some(l.text.clone()),
                _ => None,
            });
            assert_eq!(
                note.as_deref(),
                Some("注：本单位无此项支出，故本表无数据。"),
                "size {size}"
            );
        }
    }

    /// Word's repeated header rows holding the top of a tall merged cell (年度预算申请（万元）,
    /// merged down the budget rows): the repeated row shows its text cut, the rest standing in
    /// the first row under it — in an empty box, or printed over that row's label. The rows
    /// repeated are dropped, the rest with them; the rows below are kept whole.
    #[test]
    fn a_repeated_header_showing_a_tall_cell_cut_is_dropped_with_the_rest() {
        let cases = [
            ("年度预算申请（万元）", "年度预算申请", "（万元）", ""),
            (
                "财政供养人员情况（人）",
                "财政供养人",
                "员3情、况公务（接人待）",
                "3、公务接待",
            ),
        ];
        for (full, shown, printed, kept) in cases {
            let mut prev = grid(
                &[
                    &["名称", "", "某中心", ""],
                    &[full, "", "年初预算数", "得分"],
                    &["", "年度资金总额", "635.78", "8.3"],
                ],
                &[(1, 0, 2, 0)],
                1,
            );
            let next = grid(
                &[
                    &["名称", "", "某中心", ""],
                    &[shown, "", "年初预算数", "得分"],
                    &[printed, "其他资金", "1", "2"],
                ],
                &[],
                2,
            );
            append_continued(&mut prev, next, RowBreaks::Allowed);
            assert_eq!(prev.rows.len(), 4, "{:?}", prev.rows);
            assert_eq!(
                prev.rows[3],
                [kept, "其他资金", "1", "2"],
                "{:?}",
                prev.rows
            );
        }
    }
}
