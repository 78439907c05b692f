//! A list too long to hold in memory (every finding of a thousand files): each item is written
//! to an unnamed temporary file as it comes and read back, in order, when the list is written.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};
use std::marker::PhantomData;

/// Items of type `T`, one JSON line each in a temporary file the system removes on exit.
pub struct Spool<T> {
    file: Option<BufWriter<File>>,
    len: usize,
    /// The first failure to write: reported when the items are read back, so that no item is
    /// ever lost without a word.
    failed: Option<io::Error>,
    /// The file's position was moved by a reading (the handles share it): seek to its end
    /// before the next item.
    rewound: bool,
    items: PhantomData<T>,
}

impl<T: Serialize + DeserializeOwned> Spool<T> {
    /// An empty spool (its file is made with the first item).
    pub fn new() -> Spool<T> {
        Spool {
            file: None,
            len: 0,
            failed: None,
            rewound: false,
            items: PhantomData,
        }
    }

    /// How many items were pushed.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `item`. A failure (no temporary folder, a full disk) is kept and returned by
    /// [`Spool::items`].
    pub fn push(&mut self, item: &T) {
        self.len += 1;
        if self.failed.is_some() {
            return;
        }
        if let Err(e) = self.write(item) {
            self.failed = Some(e);
        }
    }

    fn write(&mut self, item: &T) -> io::Result<()> {
        if self.file.is_none() {
            self.file = Some(BufWriter::new(tempfile::tempfile()?));
        }
        let file = self.file.as_mut().expect("made above");
        if self.rewound {
            file.seek(io::SeekFrom::End(0))?;
            self.rewound = false;
        }
        serde_json::to_writer(&mut *file, item)?;
        file.write_all(b"\n")
    }

    /// Every item pushed, in order. Each call reads the file again from its start.
    pub fn items(&mut self) -> io::Result<impl Iterator<Item = io::Result<T>> + '_> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let lines = match self.file.as_mut() {
            Some(file) => {
                file.flush()?;
                let mut read = file.get_ref().try_clone()?;
                read.rewind()?;
                self.rewound = true;
                Some(BufReader::new(read).lines())
            }
            None => None,
        };
        let parsed = lines.into_iter().flatten().map(|line| {
            let line = line?;
            serde_json::from_str(&line).map_err(io::Error::other)
        });
        Ok(parsed.take(self.len))
    }
}

impl<T: Serialize + DeserializeOwned> Default for Spool<T> {
    fn default() -> Spool<T> {
        Spool::new()
    }
}

impl<T> std::fmt::Debug for Spool<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spool({} items)", self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_come_back_in_order_however_often_they_are_read() {
        let mut spool = Spool::new();
        assert_eq!(spool.items().unwrap().count(), 0);
        for i in 0..1000u32 {
            spool.push(&(i, format!("第{i}条\n含换行")));
        }
        for _ in 0..2 {
            let back: Vec<(u32, String)> = spool.items().unwrap().map(Result::unwrap).collect();
            assert_eq!(back.len(), 1000);
            assert_eq!(back[999], (999, "第999条\n含换行".to_string()));
        }
        let first = spool.items().unwrap().next().unwrap().unwrap();
        assert_eq!(first.0, 0, "a partial reading");
        spool.push(&(1000, String::new()));
        let back: Vec<(u32, String)> = spool.items().unwrap().map(Result::unwrap).collect();
        assert_eq!(back.len(), 1001);
        assert_eq!(back[500].0, 500);
        assert_eq!(back[1000].0, 1000);
    }
}
