//! Joining an ingested vessel to the lists. An IMO number (or an MMSI, for lists that
//! record MMSIs) identifies a listed vessel; a name never does. A name is only a
//! *possible* match, and only when nothing the vessel broadcast contradicts it: it has
//! no valid IMO of its own, its AIS ship type agrees with the listed vessel's type, it
//! is not a small craft where the listed vessel is a merchant ship, and the names are
//! the same once normalised (numbers included). No I/O.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use chrono::NaiveDate;

use super::screen::{HullMatch, Query, Screen};
use crate::model::shiptype::ShipKind;

/// Below this length (metres, from the AIS dimensions) a vessel is a small craft, not a
/// listed tanker or cargo ship.
pub const SMALL_CRAFT_M: u16 = 60;

/// The score a name must reach to be a possible match: the same name once normalised
/// (accents, case, prefixes, word order and blanks aside; numbers equal), so `IONA` is not
/// `DIONA`, `JANET D` not `JANET` and `MISTRAL` not `MISTRAL 1`.
pub const POSSIBLE_MIN_SCORE: f64 = 1.0;

/// What an ingested vessel says about itself, as far as the join needs it.
#[derive(Debug, Clone, Default)]
pub struct VesselFacts<'v> {
    /// Its IMO number, when it broadcast (or was recorded with) a valid one.
    pub imo: Option<&'v str>,
    pub mmsis: Vec<u32>,
    /// Every name it bore, any source.
    pub names: Vec<&'v str>,
    /// Its AIS ship type as received (`52`, `Tanker`), the latest.
    pub ship_type: Option<&'v str>,
    /// Its length from the AIS dimensions, the latest.
    pub length_m: Option<u16>,
}

/// How sure a join is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// By IMO, or by MMSI on a list that records MMSIs.
    Identified,
    /// By name alone, with nothing in the data contradicting it.
    Possible,
}

impl Strength {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Identified => "identified",
            Self::Possible => "possible",
        }
    }
}

/// One listed hull an ingested vessel was joined to.
#[derive(Debug, Clone)]
pub struct VesselMatch<'a> {
    pub hull: HullMatch<'a>,
    pub strength: Strength,
    /// For a possible match: the name it rests on and what the data shows beside it.
    pub note: String,
}

impl<'a> Screen<'a> {
    /// The hulls an ingested vessel is listed as: identified by its IMO or MMSIs, and
    /// with `include_possible`, when none identifies it, the hulls a name it bore
    /// matches and nothing contradicts. Identified matches come first.
    pub fn join_vessel(&self, facts: &VesselFacts<'_>, include_possible: bool) -> Vec<VesselMatch<'a>> {
        let identified = self.identified(facts.imo, &facts.mmsis);
        if !identified.is_empty() || !include_possible {
            return identified
                .into_iter()
                .map(|hull| VesselMatch {
                    hull,
                    strength: Strength::Identified,
                    note: String::new(),
                })
                .collect();
        }
        self.possible(facts)
    }

    /// The lists that had a vessel (by IMO or MMSI: a name never makes a vessel listed)
    /// listed on `day`, each with its earliest listing date, sorted by list.
    pub fn listed_on(&self, imo: Option<&str>, mmsi: Option<u32>, day: NaiveDate) -> Vec<(String, NaiveDate)> {
        let mmsis: Vec<u32> = mmsi.into_iter().collect();
        let mut out: Vec<(String, NaiveDate)> = Vec::new();
        for hull in self.identified(imo, &mmsis) {
            for (l, e) in &hull.listings {
                let Some(on) = e.listed_on.filter(|on| *on <= day) else {
                    continue;
                };
                match out.iter_mut().find(|(s, _)| *s == l.source) {
                    Some(slot) => slot.1 = slot.1.min(on),
                    None => out.push((l.source.clone(), on)),
                }
            }
        }
        out.sort();
        out
    }

    /// The possible matches by name of a vessel that no identifier matched.
    fn possible(&self, facts: &VesselFacts<'_>) -> Vec<VesselMatch<'a>> {
        let mut out: Vec<VesselMatch<'a>> = Vec::new();
        for name in &facts.names {
            for hull in self.find(&Query::Name((*name).to_string()), POSSIBLE_MIN_SCORE) {
                if contradicted(facts, &hull) || out.iter().any(|m| same_hull(&m.hull, &hull)) {
                    continue;
                }
                let note = note(facts, name, &hull);
                out.push(VesselMatch {
                    hull,
                    strength: Strength::Possible,
                    note,
                });
            }
        }
        out
    }
}

/// The kinds of ship the hull's listings record (empty when none records a type).
fn listed_kinds(hull: &HullMatch<'_>) -> BTreeSet<ShipKind> {
    hull.listings
        .iter()
        .filter_map(|(_, e)| e.vessel_type.as_deref().and_then(ShipKind::from_list))
        .collect()
}

/// Whether the vessel's own data rules out that it is the listed hull: an IMO of its
/// own that is not the hull's, an AIS ship type of another kind than the listed
/// vessel's, or a small craft's length where the listed vessel is a merchant ship. A
/// list that records no type (EU Annex XLII) names seagoing tankers and cargo ships, so
/// its vessels are taken to be merchant ships.
fn contradicted(facts: &VesselFacts<'_>, hull: &HullMatch<'_>) -> bool {
    if facts.imo.is_some_and(|i| hull.imo != Some(i)) {
        return true;
    }
    let kinds = listed_kinds(hull);
    let merchant = kinds.is_empty() || kinds.iter().any(|k| k.is_merchant());
    let kind_disagrees = facts.ship_type.and_then(ShipKind::from_ais).is_some_and(|ais| {
        if kinds.is_empty() {
            !ais.is_merchant()
        } else {
            !kinds.iter().any(|k| ais.agrees_with(*k))
        }
    });
    kind_disagrees || (merchant && facts.length_m.is_some_and(|l| l < SMALL_CRAFT_M))
}

/// What a possible match rests on, for the reader to weigh.
fn note(facts: &VesselFacts<'_>, name: &str, hull: &HullMatch<'_>) -> String {
    let mut s = format!("name only: {name} = {}", hull.matched_name);
    if let Some(imo) = hull.imo {
        let _ = write!(s, " (IMO {imo})");
    }
    s.push_str("; no valid IMO broadcast");
    match facts.ship_type {
        Some(t) => match ShipKind::from_ais(t) {
            Some(k) => {
                let _ = write!(s, "; AIS type {t} ({k})");
            }
            None => {
                let _ = write!(s, "; AIS type {t} (not a kind)");
            }
        },
        None => s.push_str("; no AIS type"),
    }
    match facts.length_m {
        Some(l) => {
            let _ = write!(s, "; {l} m");
        }
        None => s.push_str("; no length"),
    }
    s
}

fn same_hull(a: &HullMatch<'_>, b: &HullMatch<'_>) -> bool {
    a.imo == b.imo
        && a.listings.len() == b.listings.len()
        && a.listings.iter().zip(&b.listings).all(|(x, y)| std::ptr::eq(x.1, y.1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ListFormat, ListVersion, Listing};

    fn list(entries: Vec<Listing>) -> Vec<ListVersion> {
        vec![ListVersion {
            source: "ofac".into(),
            version: chrono::NaiveDate::from_ymd_opt(2026, 3, 22).unwrap(),
            origin: "test".into(),
            format: ListFormat::Custom,
            entries,
        }]
    }

    fn entry(imo: &str, name: &str, vessel_type: Option<&str>) -> Listing {
        Listing {
            list: "ofac".into(),
            record: imo.into(),
            imo: Some(imo.into()),
            name: name.into(),
            vessel_type: vessel_type.map(str::to_string),
            ..Listing::default()
        }
    }

    fn facts<'v>(name: &'v str, ship_type: Option<&'v str>, length_m: Option<u16>) -> VesselFacts<'v> {
        VesselFacts {
            imo: None,
            mmsis: vec![367_000_001],
            names: vec![name],
            ship_type,
            length_m,
        }
    }

    fn joined(lists: &[ListVersion], f: &VesselFacts<'_>) -> Vec<(Option<String>, Strength)> {
        Screen::new(lists)
            .join_vessel(f, true)
            .into_iter()
            .map(|m| (m.hull.imo.map(str::to_string), m.strength))
            .collect()
    }

    #[test]
    fn a_name_alone_is_never_more_than_possible_and_only_when_asked_for() {
        let lists = list(vec![entry("9276028", "PEGASUS", Some("Chemical/Products Tanker"))]);
        let f = facts("PEGASUS", Some("80"), Some(180));
        assert_eq!(joined(&lists, &f), [(Some("9276028".into()), Strength::Possible)]);
        assert!(Screen::new(&lists).join_vessel(&f, false).is_empty());
    }

    #[test]
    fn a_tug_is_not_a_listed_tanker() {
        let lists = list(vec![entry("9276028", "PEGASUS", Some("Chemical/Products Tanker"))]);
        assert!(joined(&lists, &facts("PEGASUS", Some("52"), None)).is_empty());
        assert!(joined(&lists, &facts("PEGASUS", Some("Pleasure"), None)).is_empty());
        assert!(joined(&lists, &facts("PEGASUS", Some("60"), None)).is_empty());
        assert!(joined(&lists, &facts("PEGASUS", Some("30"), None)).is_empty());
    }

    #[test]
    fn a_small_craft_is_not_a_listed_merchant_ship_at_the_60_m_boundary() {
        let lists = list(vec![entry("9276028", "PEGASUS", None)]);
        assert!(joined(&lists, &facts("PEGASUS", None, Some(22))).is_empty());
        assert!(joined(&lists, &facts("PEGASUS", None, Some(59))).is_empty());
        assert_eq!(joined(&lists, &facts("PEGASUS", None, Some(60))).len(), 1);
        // A yacht on a list may be small.
        let yachts = list(vec![entry("1009584", "AMADEA", Some("Yacht"))]);
        assert_eq!(joined(&yachts, &facts("AMADEA", Some("37"), Some(45))).len(), 1);
    }

    #[test]
    fn a_list_without_types_is_taken_for_merchant_ships() {
        let lists = list(vec![entry("9276028", "DANA", None)]);
        assert!(joined(&lists, &facts("DANA", Some("90"), None)).is_empty());
        assert!(joined(&lists, &facts("DANA", Some("58"), None)).is_empty());
        assert_eq!(joined(&lists, &facts("DANA", Some("70"), None)).len(), 1);
        assert_eq!(joined(&lists, &facts("DANA", None, None)).len(), 1);
    }

    #[test]
    fn a_vessel_with_an_imo_of_its_own_has_no_possible_matches() {
        let lists = list(vec![entry("9276028", "PEGASUS", None)]);
        let mut f = facts("PEGASUS", Some("80"), Some(180));
        f.imo = Some("9074729");
        assert!(joined(&lists, &f).is_empty());
        f.imo = Some("9276028");
        assert_eq!(joined(&lists, &f), [(Some("9276028".into()), Strength::Identified)]);
    }

    #[test]
    fn names_must_be_the_same_numbers_included() {
        let lists = list(vec![
            entry("9276028", "DIONA", None),
            entry("9074729", "JANET", None),
            entry("9293002", "MISTRAL 1", None),
        ]);
        for name in ["IONA", "JANET D", "MISTRAL", "MISTRAL 2"] {
            assert!(joined(&lists, &facts(name, None, None)).is_empty(), "{name}");
        }
        assert_eq!(joined(&lists, &facts("M/T Mistral I", None, None)).len(), 1);
    }

    #[test]
    fn every_vessel_type_of_the_bundled_ofac_list_but_barges_has_a_kind() {
        let ofac = crate::lists::bundled::ofac();
        let types: std::collections::BTreeSet<&str> =
            ofac.entries.iter().filter_map(|e| e.vessel_type.as_deref()).collect();
        assert!(types.len() > 30, "{types:?}");
        let unread: Vec<&str> = types
            .iter()
            .copied()
            .filter(|t| ShipKind::from_list(t).is_none())
            .collect();
        assert_eq!(unread, ["Hopper Barge"]);
    }
}
