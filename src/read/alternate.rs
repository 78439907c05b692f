//! Markup compatibility (`mc:AlternateContent`): of each set of alternatives only one branch is read — the first `mc:Choice` the reader follows, else the `mc:Fallback`.
//!
//! Word and LibreOffice store a text box twice, as a DrawingML shape (`wps:txbx`) in the
//! Choice and as a VML shape (`v:textbox`) in the Fallback, each holding the box's tables and
//! paragraphs: reading both would give every table in a text box twice.

use quick_xml::events::BytesStart;

/// The namespaces (by the prefixes Word writes) whose content holds WordprocessingML text the
/// reader follows: shapes, groups, canvases and the text extensions of Word 2010 and later.
const FOLLOWED: [&str; 8] = ["wps", "wpg", "wpc", "wpi", "wp14", "w14", "w15", "w16se"];

/// Which alternatives are open and whether the events being read are in a branch not taken.
#[derive(Default)]
pub(crate) struct Alternates {
    /// For each `mc:AlternateContent` open, the innermost last: whether a branch was taken.
    taken: Vec<bool>,
    /// How deep the events being skipped are inside a branch not taken (0: reading).
    skipping: u32,
}

impl Alternates {
    /// Whether the events read now belong to the document (not to a branch left aside).
    pub(crate) fn reading(&self) -> bool {
        self.skipping == 0
    }

    /// An element starts (`empty`: it closes at once): whether the reader is to see it.
    pub(crate) fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> bool {
        if self.skipping > 0 {
            self.skipping += u32::from(!empty);
            return false;
        }
        let name = e.name();
        match name.as_ref() {
            "mc:AlternateContent" if !empty => self.taken.push(false),
            "mc:AlternateContent" => {}
            "mc:Choice" | "mc:Fallback" => {
                let take = match name.as_ref() {
                    "mc:Choice" => followed(e),
                    _ => true,
                };
                match self.taken.last_mut() {
                    Some(taken) if !*taken && take => *taken = true,
                    _ => self.skipping = u32::from(!empty),
                }
            }
            _ => return true,
        }
        false
    }

    /// An element ends: whether the reader is to see it.
    pub(crate) fn end(&mut self, name: &str) -> bool {
        if self.skipping > 0 {
            self.skipping -= 1;
            return false;
        }
        match name {
            "mc:AlternateContent" => {
                self.taken.pop();
                false
            }
            "mc:Choice" | "mc:Fallback" => false,
            _ => true,
        }
    }
}

/// Whether every namespace a Choice requires is one the reader follows.
fn followed(e: &BytesStart<'_>) -> bool {
    let requires = e
        .try_get_attribute("Requires")
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
        .unwrap_or_default();
    let mut prefixes = requires.split_whitespace().peekable();
    prefixes.peek().is_some() && prefixes.all(|p| FOLLOWED.contains(&p))
}
