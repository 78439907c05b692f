//! Prints how each rule text read from stdin (texts separated by blank lines) is understood.
use fiscalform::score::rules::parse_rule;
fn main() {
    let stdin = std::io::read_to_string(std::io::stdin()).unwrap_or_default();
    for text in stdin.split("\n\n").map(str::trim).filter(|t| !t.is_empty()) {
        match parse_rule(text) {
            Some(r) => println!(
                "{text}\n  {:?} full={:?}\n  {}\n",
                r.shape(),
                r.stated_full_points(),
                r.explain()
            ),
            None => println!("{text}\n  NONE\n"),
        }
    }
}
