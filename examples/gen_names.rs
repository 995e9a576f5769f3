//! Writes vessel names to screen, one a line, for measuring `check --from`: one in ten
//! a name from the bundled lists with a typo, the rest made of ship-name words.
//!
//! `cargo run --release --example gen_names -- COUNT > names.txt`

use std::fmt::Write as _;

use fleetwatch::synth::Rng;

const WORDS: &[&str] = &[
    "OCEAN",
    "SEA",
    "STAR",
    "PRIDE",
    "SPIRIT",
    "GLORY",
    "NORDIC",
    "BALTIC",
    "ATLANTIC",
    "PACIFIC",
    "EXPRESS",
    "VOYAGER",
    "TRADER",
    "PIONEER",
    "FORTUNE",
    "HORIZON",
    "AURORA",
    "NEPTUNE",
    "POLARIS",
    "MARINER",
    "ARCTIC",
    "GOLDEN",
    "SILVER",
    "BLUE",
    "WIND",
    "WAVE",
    "CAPE",
    "BAY",
    "ISLAND",
    "QUEEN",
    "KING",
    "PRINCESS",
    "LADY",
    "MAERSK",
    "NAVIGATOR",
    "CHAMPION",
    "DIAMOND",
    "PEARL",
    "EAGLE",
    "FALCON",
    "LION",
    "TIGER",
    "DOLPHIN",
];

fn main() {
    let count: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let listed: Vec<String> = fleetwatch::lists::bundled::all()
        .into_iter()
        .flat_map(|l| l.entries.into_iter().map(|e| e.name))
        .filter(|n| !n.is_empty())
        .collect();
    let mut rng = Rng::new(2026);
    let mut out = String::with_capacity(count * 16);
    let pick = |rng: &mut Rng, n: usize| usize::try_from(rng.below(n as u64)).unwrap_or(0);
    for i in 0..count {
        if i % 10 == 0 {
            // A listed name with one letter changed.
            let mut name: Vec<char> = listed[pick(&mut rng, listed.len())].chars().collect();
            let at = pick(&mut rng, name.len());
            name[at] = char::from(b'A' + u8::try_from(pick(&mut rng, 26)).unwrap_or(0));
            out.extend(name);
        } else {
            let words = 1 + pick(&mut rng, 3);
            let name: Vec<&str> = (0..words).map(|_| WORDS[pick(&mut rng, WORDS.len())]).collect();
            out.push_str(&name.join(" "));
            if rng.below(4) == 0 {
                let _ = write!(out, " {}", 1 + rng.below(20));
            }
        }
        out.push('\n');
    }
    print!("{out}");
}
