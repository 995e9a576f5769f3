//! The lists compiled into the binary, so that `check` and `lists` answer offline on a
//! fresh machine: EU Annex XLII (consolidated, with amending Regulation 2026/1848
//! applied) and the OFAC SDN vessels. Sources and licences: `data/README.md`.

use chrono::NaiveDate;

use super::{custom, eu, ofac};
use crate::model::{ListFormat, ListVersion};

const EU_CONSOLIDATED: &str = include_str!("../../data/lists/eu_833_2014_annex_xlii.csv");
const EU_AMENDMENT_2026_1848: &str = include_str!("../../data/lists/eu_amendment_32026R1848.csv");
const OFAC_VESSELS: &str = include_str!("../../data/lists/ofac_sdn_vessels.csv");

/// Snapshot date of the EU transcription bundled (the amendment's commit date).
pub const EU_VERSION: (i32, u32, u32) = (2026, 8, 15);
/// `generated_at` of the OFAC vessel extract bundled.
pub const OFAC_VERSION: (i32, u32, u32) = (2026, 3, 22);

fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid constant date")
}

/// The bundled EU Annex XLII list, amendment applied.
///
/// # Panics
/// Never on the bundled files; a test parses them.
pub fn eu() -> ListVersion {
    let base = eu::parse(EU_CONSOLIDATED, "eu").expect("bundled EU list parses");
    let amendment = eu::parse(EU_AMENDMENT_2026_1848, "eu").expect("bundled EU amendment parses");
    ListVersion {
        source: "eu".into(),
        version: date(EU_VERSION),
        origin:
            "bundled: EU Annex XLII (OpenSanctions transcription of the Official Journal) + Regulation (EU) 2026/1848"
                .into(),
        format: ListFormat::EuJournal,
        entries: eu::apply_amendment(&base.entries, &amendment.entries),
    }
}

/// The bundled OFAC SDN vessel list. Its `designation_date` column holds the list's
/// publication date for every row, not the designation date, so no listing date is
/// taken from it.
///
/// # Panics
/// Never on the bundled file; a test parses it.
pub fn ofac() -> ListVersion {
    let mut entries = custom::parse(OFAC_VESSELS, "ofac")
        .expect("bundled OFAC list parses")
        .entries;
    for e in &mut entries {
        e.listed_on = None;
        e.program = ofac::programs(&e.program.replace(';', "] ["));
        e.legal_basis = ofac::legal_basis(&e.program);
    }
    ListVersion {
        source: "ofac".into(),
        version: date(OFAC_VERSION),
        origin: "bundled: OFAC SDN list, vessel entries (from sdn.xml)".into(),
        format: ListFormat::Custom,
        entries,
    }
}

/// Every bundled list.
pub fn all() -> Vec<ListVersion> {
    vec![eu(), ofac()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eu_has_the_consolidated_entries_plus_the_amendment() {
        let eu = eu();
        // 633 consolidated + 41 new records of 2026/1848 (record 629 is replaced).
        assert_eq!(eu.entries.len(), 674);
        let stormbringer = eu.entries.iter().find(|e| e.record == "629").unwrap();
        assert_eq!(stormbringer.name, "STORMBRINGER");
        assert_eq!(stormbringer.former_names, vec!["KRITI VIGOR"]);
        assert!(
            stormbringer
                .legal_basis
                .ends_with("as amended by Council Regulation (EU) 2026/1848")
        );
    }

    #[test]
    fn ofac_has_every_vessel_with_a_valid_imo() {
        let ofac = ofac();
        assert_eq!(ofac.entries.len(), 1450);
        assert_eq!(ofac.with_imo(), 1450);
        let z = ofac
            .entries
            .iter()
            .find(|e| e.imo.as_deref() == Some("9354301"))
            .unwrap();
        assert_eq!(z.name, "ZALIV AMERIKA");
        assert_eq!(z.flag.as_deref(), Some("PA"));
        assert_eq!(z.program, "RUSSIA-EO14024;UKRAINE-EO13662");
        assert_eq!(z.listed_on, None);
    }
}
