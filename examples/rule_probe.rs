use fiscalform::score::rules::parse_rule;
fn main() {
    let stdin = std::io::read_to_string(std::io::stdin()).unwrap_or_default();
    for line in stdin.lines().filter(|l| !l.trim().is_empty()) {
        match parse_rule(line) {
            Some(r) => println!(
                "{line}\n  {:?} full={:?}\n  {}\n",
                r.shape(),
                r.stated_full_points(),
                r.explain()
            ),
            None => println!("{line}\n  NONE\n"),
        }
    }
}
