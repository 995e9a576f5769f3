//! Flags as ISO 3166-1 alpha-2 codes: country names from lists resolved to codes,
//! the ITU Maritime Identification Digits (MID) table mapped to codes, and the ITF's
//! list of flags of convenience.
//!
//! The tables are bundled (`data/countries.csv`, `data/mid.csv`, `data/itf_foc.csv`)
//! and parsed once on first use. Nothing here reads files at run time.

use std::collections::HashMap;
use std::sync::OnceLock;

const COUNTRIES_CSV: &str = include_str!("../../data/countries.csv");
const MID_CSV: &str = include_str!("../../data/mid.csv");
const FOC_CSV: &str = include_str!("../../data/itf_foc.csv");

/// A register on the ITF's list of flags of convenience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Convenience {
    /// The register as the list names it (`Panama`, `German International Ship Register (GIS)`).
    pub register: &'static str,
    /// Since when the list has it, as the compiled source says (`2013-01-30`, `2021 addition`).
    pub listed_as_of: &'static str,
    /// The list names a second register of the flag state, not the flag itself (the
    /// French and German international registers): a flag alone does not tell.
    pub second_register: bool,
}

/// The ITF register of flags of convenience that an ISO2 flag belongs to.
///
/// ```
/// use fleetwatch::model::flag::flag_of_convenience;
/// assert_eq!(flag_of_convenience("PA").map(|c| c.register), Some("Panama"));
/// assert!(flag_of_convenience("DE").is_some_and(|c| c.second_register));
/// assert_eq!(flag_of_convenience("NO"), None);
/// ```
pub fn flag_of_convenience(iso2: &str) -> Option<Convenience> {
    static FOC: OnceLock<HashMap<&'static str, Convenience>> = OnceLock::new();
    FOC.get_or_init(|| {
        let mut m = HashMap::new();
        for line in FOC_CSV.lines().skip(1) {
            if let [register, iso2, since, ..] = split_csv_line(line).as_slice() {
                let second_register = register.contains("International Ship Register");
                m.entry(*iso2).or_insert(Convenience {
                    register,
                    listed_as_of: since,
                    second_register,
                });
            }
        }
        m
    })
    .get(iso2)
    .copied()
}

/// How many registers the bundled ITF list holds.
pub fn convenience_registers() -> usize {
    FOC_CSV.lines().skip(1).filter(|l| !l.is_empty()).count()
}

struct Tables {
    /// normalised country name or alias -> ISO2
    by_name: HashMap<String, &'static str>,
    /// ISO2 -> short English name
    names: HashMap<&'static str, &'static str>,
    /// MID -> ISO2 (the first allocation where a MID is shared, e.g. 306)
    by_mid: HashMap<u16, &'static str>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut by_name = HashMap::new();
        let mut names = HashMap::new();
        for line in COUNTRIES_CSV.lines().skip(1) {
            let fields = split_csv_line(line);
            let [iso2, name, aliases] = fields.as_slice() else {
                continue;
            };
            names.insert(*iso2, *name);
            by_name.insert(name_key(iso2), *iso2);
            by_name.insert(name_key(name), *iso2);
            for alias in aliases.split(';').filter(|a| !a.is_empty()) {
                by_name.insert(name_key(alias), *iso2);
            }
        }
        let mut by_mid = HashMap::new();
        for line in MID_CSV.lines().skip(1) {
            let fields = split_csv_line(line);
            if let [mid, iso2, ..] = fields.as_slice()
                && let Ok(mid) = mid.parse::<u16>()
            {
                by_mid.entry(mid).or_insert(*iso2);
            }
        }
        Tables { by_name, names, by_mid }
    })
}

/// Splits one line of the bundled tables, honouring double quotes (no escaped quotes occur).
fn split_csv_line(line: &'static str) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        if let Some(stripped) = rest.strip_prefix('"') {
            let end = stripped.find('"').unwrap_or(stripped.len());
            out.push(&stripped[..end]);
            rest = stripped.get(end + 1..).unwrap_or("");
            rest = rest.strip_prefix(',').unwrap_or(rest);
            if rest.is_empty() {
                break;
            }
        } else if let Some(i) = rest.find(',') {
            out.push(&rest[..i]);
            rest = &rest[i + 1..];
        } else {
            out.push(rest);
            break;
        }
    }
    if line.ends_with(',') {
        out.push("");
    }
    out
}

/// The comparison key for a country name: lower case letters only, `&` read as `and`,
/// `St.` as `Saint`, a leading `The` dropped, parenthesised qualifiers ignored.
fn name_key(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let lower = lower.strip_prefix("the ").unwrap_or(&lower).to_string();
    let lower = lower
        .replace('&', " and ")
        .replace("st.", "saint ")
        .replace("st ", "saint ");
    lower.chars().filter(char::is_ascii_lowercase).collect()
}

/// Resolves a country name or code as lists write it (`Gabon`, `Russian Federation`,
/// `St. Kitts & Nevis`, `GA`, `ga`) to its ISO 3166-1 alpha-2 code.
/// `Unknown`, `None Identified` and the empty string resolve to `None`.
///
/// ```
/// use fleetwatch::model::flag;
/// assert_eq!(flag::from_name("Gabon"), Some("GA"));
/// assert_eq!(flag::from_name("russian federation"), Some("RU"));
/// assert_eq!(flag::from_name("Unknown"), None);
/// ```
pub fn from_name(name: &str) -> Option<&'static str> {
    let t = tables();
    let key = name_key(name);
    if key.is_empty() {
        return None;
    }
    t.by_name.get(&key).copied().or_else(|| {
        // "Cameroon (Republic of)" and similar: try without the parenthesis.
        let base = name.split('(').next().unwrap_or(name);
        t.by_name.get(&name_key(base)).copied()
    })
}

/// The short English name of an ISO2 flag code.
pub fn name(iso2: &str) -> Option<&'static str> {
    tables().names.get(iso2).copied()
}

/// The flag (ISO2) of a Maritime Identification Digits allocation, per the ITU table.
/// MID 306 is shared by Bonaire, Curaçao and Sint Maarten; it resolves to `CW`.
pub fn from_mid(mid: u16) -> Option<&'static str> {
    tables().by_mid.get(&mid).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_spellings_resolve() {
        assert_eq!(from_name("St. Kitts & Nevis"), Some("KN"));
        assert_eq!(from_name("Republic of Palau"), Some("PW"));
        assert_eq!(from_name("Democratic People's Republic of Korea"), Some("KP"));
        assert_eq!(from_name("Cameroon (Republic of)"), Some("CM"));
        assert_eq!(from_name("None Identified"), None);
        assert_eq!(from_name("GA"), Some("GA"));
        assert_eq!(from_name("ru"), Some("RU"));
        assert_eq!(from_name(""), None);
    }

    #[test]
    fn mids_resolve_to_iso_codes() {
        assert_eq!(from_mid(626), Some("GA"));
        assert_eq!(from_mid(273), Some("RU"));
        assert_eq!(from_mid(306), Some("CW"));
        assert_eq!(from_mid(204), Some("PT"));
        assert_eq!(from_mid(100), None);
    }

    #[test]
    fn names_come_back() {
        assert_eq!(name("GA"), Some("Gabon"));
    }
}
