//! How a page displays: its /Rotate (inherited down the page tree) and media box turn user-space points into the displayed page's coordinates, y growing down, so a landscape table stored on a portrait page reads as it shows.

use pdf_extract::{Dictionary, Document, Object, ObjectId, Transform};

use super::grid::Clip;
use super::paint::Area;

/// How far a page is turned clockwise for display, in quarter turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Turn {
    #[default]
    None,
    Quarter,
    Half,
    ThreeQuarters,
}

impl Turn {
    /// The turn of a /Rotate value (degrees clockwise, any multiple of 90, negative too).
    fn of_degrees(degrees: i64) -> Turn {
        match degrees.rem_euclid(360) {
            90 => Turn::Quarter,
            180 => Turn::Half,
            270 => Turn::ThreeQuarters,
            _ => Turn::None,
        }
    }

    /// A direction (user space, y up) as it points on the displayed page (y up).
    fn vector(self, (a, b): (f64, f64)) -> (f64, f64) {
        match self {
            Turn::None => (a, b),
            Turn::Quarter => (b, -a),
            Turn::Half => (-a, -b),
            Turn::ThreeQuarters => (-b, a),
        }
    }
}

/// The media box and turn of one page.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Frame {
    pub turn: Turn,
    /// The media box: lower left and upper right corners, user space.
    pub media: Area,
}

/// Most steps up the page tree looked at for an inherited /Rotate.
const MAX_TREE_DEPTH: usize = 32;

/// Off a multiple of a right angle by at most this (as a sine), a glyph reads upright.
const UPRIGHT_SLACK: f64 = 0.05;

impl Frame {
    /// The frame of a page: its /Rotate and its media box (as pdf-extract read it).
    pub(crate) fn new(turn: Turn, media: Area) -> Frame {
        Frame { turn, media }
    }

    fn media_size(&self) -> (f64, f64) {
        (self.media.x1 - self.media.x0, self.media.y1 - self.media.y0)
    }

    /// The displayed page's height.
    pub(crate) fn height(&self) -> f64 {
        let (w, h) = self.media_size();
        match self.turn {
            Turn::None | Turn::Half => h,
            Turn::Quarter | Turn::ThreeQuarters => w,
        }
    }

    /// A user-space point on the displayed page, y growing up from its lower left corner.
    fn shown(&self, x: f64, y: f64) -> (f64, f64) {
        let (w, h) = self.media_size();
        let (u, v) = (x - self.media.x0, y - self.media.y0);
        match self.turn {
            Turn::None => (u, v),
            Turn::Quarter => (v, w - u),
            Turn::Half => (w - u, h - v),
            Turn::ThreeQuarters => (h - v, u),
        }
    }

    /// The user-space point shown at (`x`, `y`), y growing up on the displayed page.
    pub(crate) fn user(&self, x: f64, y: f64) -> (f64, f64) {
        let (w, h) = self.media_size();
        let (u, v) = match self.turn {
            Turn::None => (x, y),
            Turn::Quarter => (w - y, x),
            Turn::Half => (w - x, h - y),
            Turn::ThreeQuarters => (y, h - x),
        };
        (u + self.media.x0, v + self.media.y0)
    }

    /// A user-space point on the displayed page, y growing down.
    pub(crate) fn place(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let (sx, sy) = self.shown(x, y);
        (sx, self.height() - sy)
    }

    /// A user-space area as it stands on the displayed page, y growing down.
    pub(crate) fn clip(&self, area: Area) -> Clip {
        let (ax, ay) = self.place((area.x0, area.y0));
        let (bx, by) = self.place((area.x1, area.y1));
        Clip {
            top: ay.min(by),
            bottom: ay.max(by),
            left: ax.min(bx),
            right: ax.max(bx),
        }
    }

    /// A glyph's text matrix as it shows on the displayed page: the origin (y up), the
    /// writing direction and the glyph's up direction.
    pub(crate) fn glyph(&self, trm: &Transform) -> ShownGlyph {
        ShownGlyph {
            origin: self.shown(trm.m31, trm.m32),
            along: self.turn.vector((trm.m11, trm.m12)),
            up: self.turn.vector((trm.m21, trm.m22)),
        }
    }
}

/// A glyph's matrix on the displayed page (y up).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ShownGlyph {
    pub origin: (f64, f64),
    pub along: (f64, f64),
    pub up: (f64, f64),
}

impl ShownGlyph {
    /// Whether the glyph is written along a side of the page (left to right, top to bottom,
    /// …), not slanted across it as a watermark is: a slanted glyph is no cell's text. Only
    /// the writing direction counts: a synthetic italic leans its glyphs' up direction.
    pub(crate) fn square_to_page(&self) -> bool {
        let (a, b) = self.along;
        let len = a.hypot(b);
        len > 0.0 && a.abs().min(b.abs()) <= len * UPRIGHT_SLACK
    }
}

/// The turn of every page, in page order.
pub(crate) fn turns(doc: &Document) -> Vec<Turn> {
    let pages = doc.get_pages();
    pages.values().map(|&id| rotation(doc, id)).collect()
}

/// A page's /Rotate, from the page or the nearest page-tree node above it that sets it.
fn rotation(doc: &Document, page: ObjectId) -> Turn {
    let degrees = inherited(doc, page, b"Rotate").and_then(|o| match o {
        Object::Integer(i) => Some(*i),
        Object::Real(r) => Some(*r as i64),
        _ => None,
    });
    Turn::of_degrees(degrees.unwrap_or(0))
}

/// A key's value on a page or the nearest node above it holding the key.
fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node: &Dictionary = doc.get_dictionary(page).ok()?;
    for _ in 0..MAX_TREE_DEPTH {
        if let Ok(value) = node.get(key) {
            return doc.dereference(value).ok().map(|(_, o)| o);
        }
        let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a4() -> Area {
        Area {
            x0: 0.0,
            y0: 0.0,
            x1: 595.0,
            y1: 842.0,
        }
    }

    /// Each turn takes a stored corner to the displayed corner a reader shows it at, and
    /// `user` undoes `shown`.
    #[test]
    fn a_turned_page_places_its_corners_where_they_show() {
        let top_left = (0.0, 842.0);
        let cases = [
            (Turn::None, (0.0, 0.0)),
            (Turn::Quarter, (842.0, 0.0)),
            (Turn::Half, (595.0, 842.0)),
            (Turn::ThreeQuarters, (0.0, 595.0)),
        ];
        for (turn, want) in cases {
            let frame = Frame::new(turn, a4());
            assert_eq!(frame.place(top_left), want, "{turn:?}");
            let (x, y) = frame.shown(100.0, 200.0);
            assert_eq!(frame.user(x, y), (100.0, 200.0), "{turn:?}");
        }
        assert_eq!(Frame::new(Turn::Quarter, a4()).height(), 595.0);
        assert_eq!(Turn::of_degrees(-90), Turn::ThreeQuarters);
    }

    /// Text written along a turned page reads upright; text slanted 35° does not.
    #[test]
    fn slanted_glyphs_are_not_square_to_the_page() {
        let frame = Frame::new(Turn::Quarter, a4());
        let turned = Transform::row_major(0.0, 1.0, -1.0, 0.0, 300.0, 100.0);
        assert!(frame.glyph(&turned).square_to_page());
        let (s, c) = 35f64.to_radians().sin_cos();
        let slanted = Transform::row_major(c, s, -s, c, 300.0, 100.0);
        assert!(!Frame::new(Turn::None, a4())
            .glyph(&slanted)
            .square_to_page());
        let italic = Transform::row_major(1.0, 0.0, 0.2, 1.0, 300.0, 100.0);
        assert!(Frame::new(Turn::None, a4()).glyph(&italic).square_to_page());
    }
}
