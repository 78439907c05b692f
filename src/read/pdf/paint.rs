//! Walks a page's content streams for what is painted where: the clip of every text-showing operation, and the strokes and thin fills that rule its tables.
//!
//! pdf-extract reports every glyph but ignores clips, and hands a path over only when it is
//! stroked or filled with `S`/`f`/`F` (a path filled with `f*` stays and is stroked with the
//! next line). Spreadsheet programs print a cell's text inside a clip of the cell: text wider
//! than its cell runs on under the next cell, and a merged cell cut by a page break has its
//! text drawn again, out of sight, on the next page; and they fill a highlighted cell's
//! background with `f*` row band by row band. So this walks the content streams once more,
//! counting the text-showing operations in the order pdf-extract shows them (each `Tj`, each
//! string of a `TJ`, form XObjects in place, each from a fresh state as pdf-extract does),
//! recording the clip's bounding box for each, and collecting the painted lines: stroked
//! segments and rectangles, and filled rectangles thin enough to be a rule (a filled
//! background is no border). Everything painted is cut to its clip.

use pdf_extract::content::Content;
use pdf_extract::{Dictionary, Document, Object, ObjectId};

/// A rectangle in PDF user space (y growing up), as pdf-extract reports positions.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Area {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// Slack (points) around a clip: a glyph or line on the clip's edge is printed.
const EDGE: f64 = 1.0;

impl Area {
    fn point(x: f64, y: f64) -> Area {
        Area {
            x0: x,
            y0: y,
            x1: x,
            y1: y,
        }
    }

    fn grow(self, x: f64, y: f64) -> Area {
        Area {
            x0: self.x0.min(x),
            y0: self.y0.min(y),
            x1: self.x1.max(x),
            y1: self.y1.max(y),
        }
    }

    fn intersect(self, o: Area) -> Area {
        Area {
            x0: self.x0.max(o.x0),
            y0: self.y0.max(o.y0),
            x1: self.x1.min(o.x1),
            y1: self.y1.min(o.y1),
        }
    }

    /// Whether the point (user space) is inside, edges included.
    pub(crate) fn holds(&self, x: f64, y: f64) -> bool {
        x >= self.x0 - EDGE && x <= self.x1 + EDGE && y >= self.y0 - EDGE && y <= self.y1 + EDGE
    }

    /// Whether the point (user space) stands within the area's width, over or under it by
    /// at most `reach`: a glyph of a wrapped text the area cuts through at its top or bottom.
    pub(crate) fn cuts_off(&self, x: f64, y: f64, reach: f64) -> bool {
        x >= self.x0 - EDGE && x <= self.x1 + EDGE && y >= self.y0 - reach && y <= self.y1 + reach
    }

    /// The part of `self` inside `clip` (with the edge slack), if any.
    fn within(self, clip: &Area) -> Option<Area> {
        let slack = Area {
            x0: clip.x0 - EDGE,
            y0: clip.y0 - EDGE,
            x1: clip.x1 + EDGE,
            y1: clip.y1 + EDGE,
        };
        let cut = self.intersect(slack);
        let clamp = |v: f64, lo: f64, hi: f64| v.max(lo).min(hi);
        (cut.x0 <= cut.x1 && cut.y0 <= cut.y1).then_some(Area {
            x0: clamp(cut.x0, clip.x0, clip.x1),
            y0: clamp(cut.y0, clip.y0, clip.y1),
            x1: clamp(cut.x1, clip.x0, clip.x1),
            y1: clamp(cut.y1, clip.y0, clip.y1),
        })
    }
}

/// Something painted that may rule a table, in user space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Mark {
    /// A stroked segment.
    Line((f64, f64), (f64, f64)),
    /// A stroked rectangle: its four edges.
    Frame(Area),
    /// A filled area: a rule when thin, a background otherwise.
    Fill(Area),
}

impl Mark {
    /// The mark cut to the clip; an axis-parallel line or a rectangle outside it is gone.
    fn clipped(self, clip: Option<Area>) -> Option<Mark> {
        let Some(clip) = clip else {
            return Some(self);
        };
        match self {
            Mark::Line(a, b) if a.0 == b.0 || a.1 == b.1 => {
                let cut = Area::point(a.0, a.1).grow(b.0, b.1).within(&clip)?;
                Some(if a.1 == b.1 {
                    Mark::Line((cut.x0, a.1), (cut.x1, a.1))
                } else {
                    Mark::Line((a.0, cut.y0), (a.0, cut.y1))
                })
            }
            Mark::Line(..) => Some(self),
            Mark::Frame(r) => r.within(&clip).map(Mark::Frame),
            Mark::Fill(r) => r.within(&clip).map(Mark::Fill),
        }
    }
}

/// What one page paints, as far as reading its tables goes.
#[derive(Debug, Default)]
pub(crate) struct Painted {
    /// The clip of each text-showing operation, in pdf-extract's order.
    pub shows: Vec<Option<Area>>,
    pub marks: Vec<Mark>,
}

/// `[a b c d e f]`, the PDF's row-vector convention.
type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n`: first `m`, then `n`.
fn multiply(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

#[derive(Debug, Clone, Copy)]
struct State {
    ctm: Matrix,
    clip: Option<Area>,
}

/// Form XObjects inside form XObjects deeper than this are not followed.
const MAX_DEPTH: usize = 8;

/// What each page paints, in page order; `None` for a page that could not be walked.
pub(crate) fn pages(doc: &Document) -> Vec<Option<Painted>> {
    doc.get_pages()
        .values()
        .map(|&id| {
            let content = doc.get_page_content(id).ok()?;
            let mut walker = Walker {
                doc,
                painted: Painted::default(),
            };
            walker.walk(&content, page_resources(doc, id), 0)?;
            Some(walker.painted)
        })
        .collect()
}

fn page_resources(doc: &Document, page: ObjectId) -> Option<&Dictionary> {
    let (own, inherited) = doc.get_page_resources(page).ok()?;
    own.or_else(|| inherited.iter().find_map(|id| doc.get_dictionary(*id).ok()))
}

struct Walker<'a> {
    doc: &'a Document,
    painted: Painted,
}

/// The path being built (device points: the current matrix applied), its rectangles and
/// segments, and whether it will clip once it is painted (or ended with `n`).
#[derive(Default)]
struct Path {
    segments: Vec<((f64, f64), (f64, f64))>,
    rects: Vec<Area>,
    /// Points of the open subpath, to fill it as its bounding box.
    subpaths: Vec<Area>,
    start: Option<(f64, f64)>,
    current: Option<(f64, f64)>,
    clips: bool,
}

impl Path {
    fn bounds(&self) -> Option<Area> {
        let segs = self
            .segments
            .iter()
            .map(|(a, b)| Area::point(a.0, a.1).grow(b.0, b.1));
        segs.chain(self.rects.iter().copied())
            .chain(self.subpaths.iter().copied())
            .reduce(|a, b| a.grow(b.x0, b.y0).grow(b.x1, b.y1))
    }

    fn move_to(&mut self, p: (f64, f64)) {
        self.start = Some(p);
        self.current = Some(p);
        self.subpaths.push(Area::point(p.0, p.1));
    }

    fn line_to(&mut self, p: (f64, f64)) {
        if let Some(c) = self.current {
            self.segments.push((c, p));
        }
        if let Some(s) = self.subpaths.last_mut() {
            *s = s.grow(p.0, p.1);
        }
        self.current = Some(p);
    }

    fn close(&mut self) {
        if let (Some(c), Some(s)) = (self.current, self.start) {
            self.segments.push((c, s));
            self.current = Some(s);
        }
    }

    /// Ends the path, painting it; a clipping path narrows the state's clip afterwards.
    fn end(&mut self, state: &mut State, stroke: bool, fill: bool, out: &mut Vec<Mark>) {
        let mut marks = Vec::new();
        if stroke {
            marks.extend(self.segments.iter().map(|(a, b)| Mark::Line(*a, *b)));
            marks.extend(self.rects.iter().map(|r| Mark::Frame(*r)));
        }
        if fill {
            marks.extend(
                self.rects
                    .iter()
                    .chain(&self.subpaths)
                    .map(|r| Mark::Fill(*r)),
            );
        }
        out.extend(marks.into_iter().filter_map(|m| m.clipped(state.clip)));
        if let (true, Some(area)) = (self.clips, self.bounds()) {
            state.clip = Some(state.clip.map_or(area, |c| c.intersect(area)));
        }
        *self = Path::default();
    }
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r as f64),
        _ => None,
    }
}

impl Walker<'_> {
    /// Walks one content stream from a fresh graphics state, as pdf-extract does.
    fn walk(&mut self, content: &[u8], resources: Option<&Dictionary>, depth: usize) -> Option<()> {
        let ops = Content::decode(content).ok()?.operations;
        let mut state = State {
            ctm: IDENTITY,
            clip: None,
        };
        let mut saved = Vec::new();
        let mut path = Path::default();
        for op in &ops {
            let n: Vec<f64> = op.operands.iter().filter_map(num).collect();
            let at = |i: usize| apply(&state.ctm, n[i], n[i + 1]);
            match (op.operator.as_str(), n.len()) {
                ("q", _) => saved.push(state),
                ("Q", _) => state = saved.pop().unwrap_or(state),
                ("cm", 6) => {
                    let m = [n[0], n[1], n[2], n[3], n[4], n[5]];
                    state.ctm = multiply(&m, &state.ctm);
                }
                ("re", 4) => {
                    let ((x0, y0), (x1, y1)) = (at(0), apply(&state.ctm, n[0] + n[2], n[1] + n[3]));
                    path.rects.push(Area::point(x0, y0).grow(x1, y1));
                    path.move_to((x0, y0));
                    path.subpaths.pop();
                }
                ("m", 2) => path.move_to(at(0)),
                ("l", 2) => path.line_to(at(0)),
                ("c", 6) => path.current = Some(at(4)),
                ("v" | "y", 4) => path.current = Some(at(2)),
                ("h", _) => path.close(),
                ("W" | "W*", _) => path.clips = true,
                ("n", _) => path.end(&mut state, false, false, &mut self.painted.marks),
                ("S", _) => path.end(&mut state, true, false, &mut self.painted.marks),
                ("s", _) => {
                    path.close();
                    path.end(&mut state, true, false, &mut self.painted.marks)
                }
                ("f" | "F" | "f*", _) => path.end(&mut state, false, true, &mut self.painted.marks),
                ("B" | "B*", _) => path.end(&mut state, true, true, &mut self.painted.marks),
                ("b" | "b*", _) => {
                    path.close();
                    path.end(&mut state, true, true, &mut self.painted.marks)
                }
                ("Tj", _) => self.painted.shows.push(state.clip),
                ("TJ", _) => {
                    let strings = op.operands.first().and_then(|a| a.as_array().ok());
                    for s in strings.into_iter().flatten() {
                        if matches!(s, Object::String(..)) {
                            self.painted.shows.push(state.clip);
                        }
                    }
                }
                ("Do", _) => self.form(&op.operands, resources, depth)?,
                _ => {}
            }
        }
        Some(())
    }

    /// A form XObject is walked in place, as pdf-extract does (from a fresh state).
    fn form(
        &mut self,
        operands: &[Object],
        resources: Option<&Dictionary>,
        depth: usize,
    ) -> Option<()> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let doc = self.doc;
        let name = operands.first()?.as_name().ok()?;
        let xobjects = resources?.get_deref(b"XObject", doc).ok()?.as_dict().ok()?;
        let stream = xobjects.get_deref(name, doc).ok()?.as_stream().ok()?;
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
            return Some(());
        }
        let content = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        let inner = stream
            .dict
            .get_deref(b"Resources", doc)
            .ok()
            .and_then(|r| r.as_dict().ok())
            .or(resources);
        self.walk(&content, inner, depth + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(content: &[u8]) -> Painted {
        let doc = Document::with_version("1.5");
        let mut w = Walker {
            doc: &doc,
            painted: Painted::default(),
        };
        w.walk(content, None, 0).unwrap();
        w.painted
    }

    fn area(x0: f64, y0: f64, x1: f64, y1: f64) -> Area {
        Area { x0, y0, x1, y1 }
    }

    #[test]
    fn a_cells_clip_holds_for_the_text_shown_in_it() {
        let p = walk(
            b"q 10 10 50 20 re W* n BT /F1 8 Tf 12 14 Td (a) Tj [(b) -20 (c)] TJ ET Q \
              BT (d) Tj ET q 2 0 0 2 0 0 cm 0 0 10 10 re W n (e) Tj Q",
        );
        let cell = area(10.0, 10.0, 60.0, 30.0);
        let scaled = area(0.0, 0.0, 20.0, 20.0);
        assert_eq!(
            p.shows,
            vec![Some(cell), Some(cell), Some(cell), None, Some(scaled)]
        );
        assert!(cell.holds(60.5, 30.5));
        assert!(!cell.holds(70.0, 20.0));
    }

    #[test]
    fn strokes_and_fills_are_kept_apart_and_cut_to_their_clip() {
        let p = walk(
            b"1 0 0 rg 10 10 50 20 re f* 0 0 0 RG 10 10 m 60 10 l S 0 0 50 0.5 re f \
              q 0 0 30 100 re W n 0 50 m 100 50 l S Q 5 5 20 20 re S",
        );
        assert_eq!(
            p.marks,
            vec![
                Mark::Fill(area(10.0, 10.0, 60.0, 30.0)),
                Mark::Line((10.0, 10.0), (60.0, 10.0)),
                Mark::Fill(area(0.0, 0.0, 50.0, 0.5)),
                Mark::Line((0.0, 50.0), (30.0, 50.0)),
                Mark::Frame(area(5.0, 5.0, 25.0, 25.0)),
            ]
        );
    }
}
