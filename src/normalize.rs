//! Placeholder until the reader branch lands: label comparison key.

/// Label comparison key: whitespace removed, full-width forms folded.
pub fn label_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            c => c,
        })
        .collect()
}
