//! Reads a definition value that is either a text or a table of fields (a header or grid
//! cell: `"合计"` or `{ text = "合计", cols = 2 }`) as `#[serde(untagged)]` would — the same
//! values accepted, the same error refused — without buffering each value first and without
//! building, for every table, the error of not being a text (a fifth of reading the built-in
//! definitions).

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A text made `T` by `text`, or a table read as `F` and made `T` by `table`; `name` is the
/// enum's, as the untagged error names it.
pub(super) fn text_or_table<'de, D, T, F>(
    d: D,
    name: &'static str,
    text: fn(String) -> T,
    table: fn(F) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: Deserialize<'de>,
{
    d.deserialize_any(TextOrTable {
        name,
        text,
        table,
        fields: PhantomData,
    })
}

struct TextOrTable<T, F> {
    name: &'static str,
    text: fn(String) -> T,
    table: fn(F) -> T,
    fields: PhantomData<F>,
}

impl<T, F> TextOrTable<T, F> {
    /// What `#[serde(untagged)]` says of a value no variant reads.
    fn mismatch<E: de::Error>(&self) -> E {
        E::custom(format!(
            "data did not match any variant of untagged enum {}",
            self.name
        ))
    }
}

impl<'de, T, F: Deserialize<'de>> Visitor<'de> for TextOrTable<T, F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a text or a table ({})", self.name)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.text)(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        Ok((self.text)(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        match F::deserialize(de::value::MapAccessDeserializer::new(map)) {
            Ok(fields) => Ok((self.table)(fields)),
            Err(_) => Err(self.mismatch()),
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<T, E> {
        Err(self.mismatch())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<T, E> {
        Err(self.mismatch())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<T, E> {
        Err(self.mismatch())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<T, E> {
        Err(self.mismatch())
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Err(self.mismatch())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<T, A::Error> {
        Err(self.mismatch())
    }
}

#[cfg(test)]
mod tests {
    use super::super::def::{GridCellDef, HeaderCellDef};
    use serde::Deserialize;
    use std::fmt;

    /// [`HeaderCellDef`] as `#[serde(untagged)]` reads it: the reference.
    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum UntaggedHeader {
        Text(String),
        Cell {
            text: String,
            #[serde(default = "one")]
            cols: u16,
            #[serde(default = "one_u32")]
            rows: u32,
        },
    }

    fn one() -> u16 {
        1
    }
    fn one_u32() -> u32 {
        1
    }

    #[derive(Deserialize)]
    struct Doc<T> {
        v: T,
    }

    /// What a value reads as (or its error), in TOML and in the JSON the build makes of it
    /// (whose errors are shown without their column: built-in definitions have none).
    fn read<T: for<'de> Deserialize<'de> + fmt::Debug>(toml_value: &str) -> [String; 2] {
        let text = format!("v = {toml_value}\n");
        let shown = |r: Result<Doc<T>, String>| {
            let s = match r {
                Ok(d) => format!("{:?}", d.v),
                Err(e) => e,
            };
            s.replace("UntaggedHeader", "HeaderCellDef")
        };
        let table: toml::Table = toml::from_str(&text).unwrap();
        let json = serde_json::to_string(&table).unwrap();
        let json_error =
            |e: serde_json::Error| e.to_string().split(" at line").next().unwrap().to_string();
        [
            shown(toml::from_str(&text).map_err(|e| e.to_string())),
            shown(serde_json::from_str(&json).map_err(json_error)),
        ]
    }

    /// Header cells made of every text and field combination, and every other kind of value:
    /// accepted and refused as the untagged enum does, with its message.
    #[test]
    fn header_cells_read_as_untagged_would() {
        let texts = ["text = \"合计\"", "text = ''", "text = 1", ""];
        let fields = [
            "",
            "cols = 2",
            "rows = 3",
            "cols = 2, rows = 2",
            "colz = 1",
            "cols = 'x'",
        ];
        let mut values: Vec<String> = [
            "\"合计\"",
            "''",
            "3",
            "1.5",
            "true",
            "[\"a\"]",
            "1979-05-27",
        ]
        .map(String::from)
        .to_vec();
        for t in texts {
            for f in fields {
                let parts: Vec<&str> = [t, f].into_iter().filter(|p| !p.is_empty()).collect();
                values.push(format!("{{ {} }}", parts.join(", ")));
            }
        }
        for v in &values {
            assert_eq!(read::<HeaderCellDef>(v), read::<UntaggedHeader>(v), "{v}");
        }
        assert!(read::<GridCellDef>("3")[0].contains("untagged enum GridCellDef"));
    }
}
