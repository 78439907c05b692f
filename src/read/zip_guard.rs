//! Checks a zip container (xlsx, ods, docx) before any parser inflates it: bounded sizes and
//! ratios against zip bombs, the CRC of every entry, and a shared-strings count the file can hold.
//!
//! The parsers trust what a zip claims: calamine reserves memory for as many shared strings as
//! `uniqueCount` says, and reads an entry whole whatever it inflates to. Every entry is
//! therefore inflated here once, into nothing, under the limits below; a file that passes holds
//! at most [`TOTAL_LIMIT`] bytes of XML, which bounds what reading it can cost.

use std::io::{self, Read, Seek};

use quick_xml::events::Event;
use zip::ZipArchive;

const MIB: u64 = 1024 * 1024;
/// Largest size one entry may inflate to. A department's real workbook of 50,000 科目 rows has
/// sheets of about 30 MB.
pub(crate) const ENTRY_LIMIT: u64 = 256 * MIB;
/// Largest size all entries together may inflate to.
pub(crate) const TOTAL_LIMIT: u64 = 512 * MIB;
/// Largest inflation ratio of an entry bigger than [`RATIO_FLOOR`]: spreadsheet XML deflates
/// about 10:1 to 30:1; whitespace or one repeated string deflates about 1000:1.
pub(crate) const RATIO_LIMIT: u64 = 200;
const RATIO_FLOOR: u64 = 8 * MIB;
/// How far into the shared-strings part its `uniqueCount` is looked for.
const HEAD: usize = 4096;

/// Why a zip container is refused; its `Display` gives the words of the 损坏 message
/// (Chinese / English).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Refusal {
    /// Entry `n` (1-based) of the directory cannot be read.
    Unreadable { n: usize, detail: String },
    /// An entry declares more than [`ENTRY_LIMIT`] bytes.
    EntryTooLarge { name: String, declared: u64 },
    /// A large entry inflates more than [`RATIO_LIMIT`]-fold.
    RatioTooHigh { name: String, ratio: u64 },
    /// All entries together declare more than [`TOTAL_LIMIT`] bytes.
    TotalTooLarge,
    /// An entry fails its CRC.
    Checksum { name: String },
    /// An entry cannot be inflated.
    Inflate { name: String, detail: String },
    /// An XML part is malformed at byte `at`.
    MalformedXml {
        name: String,
        at: u64,
        detail: String,
    },
    /// An entry inflates past the size it declares.
    PastDeclared { name: String, declared: u64 },
    /// A shared-strings part claims more strings than its bytes can hold.
    StringsClaimed {
        name: String,
        claimed: u64,
        declared: u64,
    },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Unreadable { n, detail } => {
                write!(f, "压缩包第 {n} 个条目无法读取 / zip entry {n}: {detail}")
            }
            Refusal::EntryTooLarge { name, declared } => write!(
                f,
                "条目 {name} 解压后为 {}，超过单个条目上限 {}（疑似压缩炸弹）/ entry {name} inflates \
                 to {}, over the limit of {}",
                size(*declared),
                size(ENTRY_LIMIT),
                size(*declared),
                size(ENTRY_LIMIT)
            ),
            Refusal::RatioTooHigh { name, ratio } => write!(
                f,
                "条目 {name} 的压缩比为 {ratio}:1，超过上限 {RATIO_LIMIT}:1（疑似压缩炸弹）/ entry \
                 {name} inflates {ratio}-fold, over the limit of {RATIO_LIMIT}"
            ),
            Refusal::TotalTooLarge => write!(
                f,
                "压缩包解压后超过 {} / the archive inflates to more than {}",
                size(TOTAL_LIMIT),
                size(TOTAL_LIMIT)
            ),
            Refusal::Checksum { name } => write!(
                f,
                "条目 {name} 的校验和（CRC）不符，文件内容已损坏 / entry {name} fails its CRC check"
            ),
            Refusal::Inflate { name, detail } => write!(
                f,
                "条目 {name} 无法解压 / entry {name} cannot be inflated: {detail}"
            ),
            Refusal::MalformedXml { name, at, detail } => write!(
                f,
                "条目 {name} 的 XML 在第 {at} 字节处有误（{detail}）/ entry {name} is malformed XML \
                 at byte {at}: {detail}"
            ),
            Refusal::PastDeclared { name, declared } => write!(
                f,
                "条目 {name} 解压后比声明的 {declared} 字节更大 / entry {name} inflates past its \
                 declared size"
            ),
            Refusal::StringsClaimed {
                name,
                claimed,
                declared,
            } => write!(
                f,
                "共享字符串表 {name} 声称有 {claimed} 个字符串，而它只有 {declared} 字节 / {name} \
                 claims {claimed} strings in {declared} bytes"
            ),
        }
    }
}

/// Inflates every entry of a zip container once, into nothing, under the limits above.
pub(crate) fn inspect<R: Read + Seek>(zip: &mut ZipArchive<R>) -> Result<(), Refusal> {
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| Refusal::Unreadable {
            n: i + 1,
            detail: e.to_string(),
        })?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("#{}", i + 1));
        let declared = entry.size();
        judge(&name, declared, entry.compressed_size())?;
        total = total.saturating_add(declared);
        if total > TOTAL_LIMIT {
            return Err(Refusal::TotalTooLarge);
        }
        let lower = name.to_ascii_lowercase();
        let shared_strings = lower.ends_with("sharedstrings.xml");
        let xml = lower.ends_with(".xml") || lower.ends_with(".rels");
        let inflated =
            inflate_into_nothing(&mut entry, declared, shared_strings, xml).map_err(|damage| {
                match damage {
                    Damage::Io(e) if e.to_string().contains("checksum") => {
                        Refusal::Checksum { name: name.clone() }
                    }
                    Damage::Io(e) => Refusal::Inflate {
                        name: name.clone(),
                        detail: e.to_string(),
                    },
                    Damage::Xml { at, detail } => Refusal::MalformedXml {
                        name: name.clone(),
                        at,
                        detail,
                    },
                }
            })?;
        if inflated.size > declared {
            return Err(Refusal::PastDeclared { name, declared });
        }
        if let Some(claimed) = inflated.unique_count {
            let room = declared / 4 + 16;
            if claimed > room {
                return Err(Refusal::StringsClaimed {
                    name,
                    claimed,
                    declared,
                });
            }
        }
    }
    Ok(())
}

/// Refuses an entry by its declared sizes alone.
pub(crate) fn judge(name: &str, declared: u64, compressed: u64) -> Result<(), Refusal> {
    if declared > ENTRY_LIMIT {
        return Err(Refusal::EntryTooLarge {
            name: name.to_string(),
            declared,
        });
    }
    let ratio = declared / compressed.max(1);
    if declared > RATIO_FLOOR && ratio > RATIO_LIMIT {
        return Err(Refusal::RatioTooHigh {
            name: name.to_string(),
            ratio,
        });
    }
    Ok(())
}

struct Inflated {
    size: u64,
    unique_count: Option<u64>,
}

/// Reads an entry to its end (which makes the zip reader verify its CRC), at most one byte past
/// its declared size; an XML part is parsed on the way, so that damage the parsers would pass
/// over (a mismatched end tag, a broken attribute, a part cut short) is found here, named by
/// its part. The head of the shared-strings part is kept for its `uniqueCount`.
fn inflate_into_nothing(
    entry: &mut impl Read,
    declared: u64,
    shared_strings: bool,
    xml: bool,
) -> Result<Inflated, Damage> {
    let mut limited = entry.take(declared.saturating_add(1));
    let mut head = Vec::new();
    if shared_strings {
        (&mut limited)
            .take(HEAD as u64)
            .read_to_end(&mut head)
            .map_err(Damage::Io)?;
    }
    let mut counted = Counted {
        inner: io::Cursor::new(&head).chain(limited),
        count: 0,
    };
    if xml {
        well_formed(&mut counted)?;
    }
    io::copy(&mut counted, &mut io::sink()).map_err(Damage::Io)?;
    // `take` stops before the end when the entry is longer than declared: the CRC was not
    // reached, but the size already condemns the entry.
    Ok(Inflated {
        size: counted.count,
        unique_count: shared_strings.then(|| unique_count(&head)).flatten(),
    })
}

/// What reading an entry found wrong.
enum Damage {
    Io(io::Error),
    Xml { at: u64, detail: String },
}

/// A reader that counts the bytes read through it.
struct Counted<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

/// Parses an XML part to its end: tags closed in order, attributes well formed.
fn well_formed(part: &mut impl Read) -> Result<(), Damage> {
    let mut reader = quick_xml::Reader::from_reader(io::BufReader::new(part));
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let bad = |reader: &quick_xml::Reader<_>, detail: String| Damage::Xml {
        at: reader.buffer_position(),
        detail,
    };
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                depth += 1;
                attributes_sound(&e).map_err(|d| bad(&reader, d))?;
            }
            Ok(Event::Empty(e)) => attributes_sound(&e).map_err(|d| bad(&reader, d))?,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) if depth > 0 => {
                return Err(bad(&reader, "XML 在元素结束前中断 / cut short".to_string()))
            }
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(quick_xml::Error::Io(e)) => {
                return Err(Damage::Io(io::Error::new(e.kind(), e.to_string())))
            }
            Err(e) => return Err(bad(&reader, e.to_string())),
        }
    }
}

fn attributes_sound(e: &quick_xml::events::BytesStart) -> Result<(), String> {
    for attribute in e.attributes() {
        attribute.map_err(|err| err.to_string())?;
    }
    Ok(())
}

/// The `uniqueCount` attribute of a shared-strings part's head.
fn unique_count(head: &[u8]) -> Option<u64> {
    let key = b"uniqueCount=";
    let at = head.windows(key.len()).position(|w| w == key)? + key.len();
    let quoted = head.get(at + 1..)?;
    let digits: Vec<u8> = quoted
        .iter()
        .copied()
        .take_while(u8::is_ascii_digit)
        .collect();
    if digits.is_empty() {
        return None;
    }
    std::str::from_utf8(&digits)
        .ok()?
        .parse()
        .ok()
        .or(Some(u64::MAX))
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * MIB {
        format!("{:.1} GB", bytes as f64 / (1024 * MIB) as f64)
    } else {
        format!("{} MB", bytes / MIB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_ratios_are_judged_before_inflating() {
        assert!(judge("xl/worksheets/sheet1.xml", 30 * MIB, 3 * MIB).is_ok());
        assert!(
            judge("small", 4 * MIB, 1).is_ok(),
            "small entries may be repetitive"
        );
        let bomb = judge("xl/worksheets/sheet1.xml", 3 * 1024 * MIB, 3 * MIB)
            .unwrap_err()
            .to_string();
        assert!(bomb.contains("3.0 GB") && bomb.contains("256 MB"), "{bomb}");
        let ratio = judge("xl/sharedStrings.xml", 100 * MIB, 100 * 1024)
            .unwrap_err()
            .to_string();
        assert!(ratio.contains("1024:1"), "{ratio}");
    }

    #[test]
    fn unique_count_is_read_from_the_head() {
        let head = br#"<?xml version="1.0"?><sst xmlns="x" count="3" uniqueCount="4294967296">"#;
        assert_eq!(unique_count(head), Some(4_294_967_296));
        assert_eq!(unique_count(b"<sst count=\"3\">"), None);
        assert_eq!(
            unique_count(b"<sst uniqueCount=\"99999999999999999999999\">"),
            Some(u64::MAX),
            "a count beyond any integer is too many"
        );
    }
}
