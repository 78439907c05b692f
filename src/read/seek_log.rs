//! A reader that remembers the last place it was sent to: the zip reader seeks to an entry's
//! data just before inflating it, so after calamine opens a sheet the log names the entry it
//! opened, by where its data starts, whatever path calamine followed to find it.

use std::cell::Cell;
use std::io::{self, Read, Seek, SeekFrom};
use std::rc::Rc;

/// `inner`, remembering the place of its last absolute seek.
pub(crate) struct SeekLog<R> {
    inner: R,
    last_start: Rc<Cell<Option<u64>>>,
}

/// The log's reading end, kept by whoever lent the reader out.
#[derive(Clone)]
pub(crate) struct LastSeek(Rc<Cell<Option<u64>>>);

impl LastSeek {
    /// Forgets the seeks so far.
    pub(crate) fn clear(&self) {
        self.0.set(None);
    }

    /// The place of the last absolute seek since [`LastSeek::clear`].
    pub(crate) fn get(&self) -> Option<u64> {
        self.0.get()
    }
}

impl<R> SeekLog<R> {
    pub(crate) fn new(inner: R) -> (SeekLog<R>, LastSeek) {
        let last_start = Rc::new(Cell::new(None));
        let log = LastSeek(Rc::clone(&last_start));
        (SeekLog { inner, last_start }, log)
    }
}

impl<R: Read> Read for SeekLog<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}

impl<R: Seek> Seek for SeekLog<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        if let SeekFrom::Start(at) = pos {
            self.last_start.set(Some(at));
        }
        self.inner.seek(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_absolute_seek_is_remembered_until_cleared() {
        let (mut reader, last) = SeekLog::new(io::Cursor::new(vec![0u8; 100]));
        assert_eq!(last.get(), None);
        reader.seek(SeekFrom::Start(40)).unwrap();
        reader.seek(SeekFrom::Current(5)).unwrap();
        let mut byte = [0u8; 1];
        reader.read_exact(&mut byte).unwrap();
        assert_eq!(last.get(), Some(40));
        reader.seek(SeekFrom::Start(7)).unwrap();
        assert_eq!(last.get(), Some(7));
        last.clear();
        assert_eq!(last.get(), None);
    }

    /// What `read_xlsx` relies on: the zip reader's last absolute seek, when it opens an entry
    /// by name (as calamine does), is to where that entry's data starts. Were an upgrade of the
    /// zip crate to seek otherwise, this fails rather than sheets getting another part's merges.
    #[test]
    fn opening_an_entry_seeks_to_its_data_last() {
        use std::io::Write;
        let mut bytes = io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut bytes);
        for (name, method) in [
            ("a.xml", zip::CompressionMethod::Stored),
            ("b.xml", zip::CompressionMethod::Deflated),
            ("c/", zip::CompressionMethod::Stored),
        ] {
            let options = zip::write::SimpleFileOptions::default().compression_method(method);
            writer.start_file(name, options).unwrap();
            writer.write_all(name.repeat(50).as_bytes()).unwrap();
        }
        writer.finish().unwrap();
        let (reader, last) = SeekLog::new(io::Cursor::new(bytes.into_inner()));
        let mut zip = zip::ZipArchive::new(reader).unwrap();
        for name in ["b.xml", "a.xml", "c/", "b.xml"] {
            last.clear();
            let entry = zip.by_name(name).unwrap();
            assert_eq!(last.get(), entry.data_start(), "{name}");
            assert!(last.get().is_some());
        }
    }
}
