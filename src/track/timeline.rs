//! Identity timelines: identity spans grouped into vessels (by IMO, else by MMSI), and
//! the renames and flag changes they show. Names compare in their identity form, so
//! `JAGUAR@@@` and `Jaguar` are one name; an MMSI change to another MID is a flag
//! change. No I/O.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::flag;
use crate::model::identity::IdentitySpan;
use crate::model::imo;

/// What a vessel is keyed by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VesselKey {
    Imo(String),
    Mmsi(u32),
}

/// All that is known of one vessel's identity, spans in time order.
#[derive(Debug, Clone)]
pub struct Vessel {
    pub key: VesselKey,
    pub spans: Vec<IdentitySpan>,
}

impl Vessel {
    pub fn imo(&self) -> Option<&str> {
        match &self.key {
            VesselKey::Imo(i) => Some(i),
            VesselKey::Mmsi(_) => None,
        }
    }

    /// The MMSIs it used, in order of first use.
    pub fn mmsis(&self) -> Vec<u32> {
        let mut seen = Vec::new();
        for s in &self.spans {
            if let Some(m) = s.mmsi
                && !seen.contains(&m)
            {
                seen.push(m);
            }
        }
        seen
    }

    /// Of the spans that give a value, the value of the one seen last.
    fn latest<'a, T>(&'a self, value: impl Fn(&'a IdentitySpan) -> Option<T>) -> Option<T> {
        self.spans
            .iter()
            .filter_map(|s| value(s).map(|v| (s.last_ms, v)))
            .max_by_key(|(last_ms, _)| *last_ms)
            .map(|(_, v)| v)
    }

    /// The most recent name (by last seen), any source.
    pub fn latest_name(&self) -> Option<&str> {
        self.latest(|s| s.name.as_deref())
    }

    /// The name it went by at a time: an AIS name of that MMSI (if given) around the
    /// time, else any name seen last before it, else its latest name.
    pub fn name_at(&self, mmsi: Option<u32>, ts_ms: i64) -> Option<&str> {
        let covering = self
            .spans
            .iter()
            .filter(|s| {
                s.name.is_some() && (mmsi.is_none() || s.mmsi == mmsi) && s.first_ms <= ts_ms && ts_ms <= s.last_ms
            })
            .max_by_key(|s| s.last_ms);
        let before = || {
            self.spans
                .iter()
                .filter(|s| s.name.is_some() && s.first_ms <= ts_ms)
                .max_by_key(|s| s.first_ms)
        };
        covering
            .or_else(before)
            .and_then(|s| s.name.as_deref())
            .or_else(|| self.latest_name())
    }

    /// Every name it bore, any source, in order of first use.
    pub fn names(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for s in &self.spans {
            if let Some(n) = s.name.as_deref()
                && !seen.contains(&n)
            {
                seen.push(n);
            }
        }
        seen
    }

    /// The AIS ship type it broadcast last (by last seen).
    pub fn ship_type(&self) -> Option<&str> {
        self.latest(|s| s.ship_type.as_deref())
    }

    /// The length its AIS dimensions gave last (by last seen).
    pub fn length_m(&self) -> Option<u16> {
        self.latest(|s| s.length_m)
    }

    pub fn first_seen(&self) -> i64 {
        self.spans.iter().map(|s| s.first_ms).min().unwrap_or_default()
    }

    pub fn last_seen(&self) -> i64 {
        self.spans.iter().map(|s| s.last_ms).max().unwrap_or_default()
    }
}

/// Groups spans into vessels. A span with a valid IMO belongs to that IMO; a span
/// without one joins the IMO its MMSI carried, when that MMSI carried exactly one;
/// otherwise it stands for its MMSI. Vessels come sorted by key.
///
/// # Panics
/// Never: a set of exactly one IMO has a first element.
pub fn vessels(spans: &[IdentitySpan]) -> Vec<Vessel> {
    let valid = |s: &IdentitySpan| s.imo.as_deref().filter(|i| imo::is_valid(i)).map(str::to_string);
    let mut imos_of_mmsi: HashMap<u32, HashSet<String>> = HashMap::new();
    for s in spans {
        if let (Some(m), Some(i)) = (s.mmsi, valid(s)) {
            imos_of_mmsi.entry(m).or_default().insert(i);
        }
    }
    let mut groups: BTreeMap<VesselKey, Vec<IdentitySpan>> = BTreeMap::new();
    for s in spans {
        let key = match (valid(s), s.mmsi) {
            (Some(i), _) => VesselKey::Imo(i),
            (None, Some(m)) => match imos_of_mmsi.get(&m) {
                Some(set) if set.len() == 1 => VesselKey::Imo(set.iter().next().expect("one").clone()),
                _ => VesselKey::Mmsi(m),
            },
            (None, None) => continue,
        };
        groups.entry(key).or_default().push(s.clone());
    }
    groups
        .into_iter()
        .map(|(key, mut spans)| {
            spans.sort_by(|a, b| (a.first_ms, a.last_ms, &a.source).cmp(&(b.first_ms, b.last_ms, &b.source)));
            Vessel { key, spans }
        })
        .collect()
}

/// One name change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    pub imo: Option<String>,
    pub mmsi: Option<u32>,
    pub old_name: String,
    pub new_name: String,
    pub last_seen_old_ms: i64,
    pub first_seen_new_ms: i64,
    pub source: String,
}

/// One flag change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagChange {
    pub imo: Option<String>,
    pub old_flag: Option<String>,
    pub new_flag: Option<String>,
    pub old_mmsi: Option<u32>,
    pub new_mmsi: Option<u32>,
    pub last_seen_old_ms: i64,
    pub first_seen_new_ms: i64,
    pub source: String,
}

/// Runs of equal values over a vessel's spans of one source: (value, first, last,
/// MMSI of the run's first span).
fn runs<T: Clone + PartialEq>(
    spans: &[&IdentitySpan],
    value: impl Fn(&IdentitySpan) -> Option<T>,
) -> Vec<(T, i64, i64, Option<u32>)> {
    let mut out: Vec<(T, i64, i64, Option<u32>)> = Vec::new();
    for s in spans {
        let Some(v) = value(s) else { continue };
        match out.last_mut() {
            Some(last) if last.0 == v => {
                last.1 = last.1.min(s.first_ms);
                last.2 = last.2.max(s.last_ms);
            }
            _ => out.push((v, s.first_ms, s.last_ms, s.mmsi)),
        }
    }
    out
}

fn by_source(v: &Vessel) -> BTreeMap<&str, Vec<&IdentitySpan>> {
    let mut m: BTreeMap<&str, Vec<&IdentitySpan>> = BTreeMap::new();
    for s in &v.spans {
        m.entry(s.source.as_str()).or_default().push(s);
    }
    m
}

/// Name changes of every vessel, per source (AIS and each records source are read on
/// their own, so that a registry name and a broadcast name do not alternate). Sorted by
/// IMO, time of the new name, MMSI, source.
pub fn renames(vessels: &[Vessel]) -> Vec<Rename> {
    let mut out = Vec::new();
    for v in vessels {
        for (source, spans) in by_source(v) {
            let r = runs(&spans, |s| s.name.clone());
            for w in r.windows(2) {
                out.push(Rename {
                    imo: v.imo().map(str::to_string),
                    mmsi: w[1].3,
                    old_name: w[0].0.clone(),
                    new_name: w[1].0.clone(),
                    last_seen_old_ms: w[0].2,
                    first_seen_new_ms: w[1].1,
                    source: source.to_string(),
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (&a.imo, a.first_seen_new_ms, a.mmsi, &a.source).cmp(&(&b.imo, b.first_seen_new_ms, b.mmsi, &b.source))
    });
    out
}

/// Flag changes: from AIS, an MMSI change to another MID's flag; from records, a
/// change of the declared flag. Sorted by IMO, time of the new flag, source.
pub fn flag_changes(vessels: &[Vessel]) -> Vec<FlagChange> {
    let mut out = Vec::new();
    for v in vessels {
        for (source, spans) in by_source(v) {
            if source == "ais" {
                let r = runs(&spans, |s| s.mmsi);
                for w in r.windows(2) {
                    let (old, new) = (mid_flag(w[0].0), mid_flag(w[1].0));
                    if old != new {
                        out.push(FlagChange {
                            imo: v.imo().map(str::to_string),
                            old_flag: old,
                            new_flag: new,
                            old_mmsi: Some(w[0].0),
                            new_mmsi: Some(w[1].0),
                            last_seen_old_ms: w[0].2,
                            first_seen_new_ms: w[1].1,
                            source: source.to_string(),
                        });
                    }
                }
            } else {
                let r = runs(&spans, |s| s.flag.clone());
                for w in r.windows(2) {
                    out.push(FlagChange {
                        imo: v.imo().map(str::to_string),
                        old_flag: Some(w[0].0.clone()),
                        new_flag: Some(w[1].0.clone()),
                        old_mmsi: w[0].3,
                        new_mmsi: w[1].3,
                        last_seen_old_ms: w[0].2,
                        first_seen_new_ms: w[1].1,
                        source: source.to_string(),
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| (&a.imo, a.first_seen_new_ms, &a.source).cmp(&(&b.imo, b.first_seen_new_ms, &b.source)));
    out
}

/// The flag a ship-station MMSI's MID implies.
pub fn mid_flag(mmsi: u32) -> Option<String> {
    let mid = u16::try_from(mmsi / 1_000_000).ok()?;
    (100_000_000..1_000_000_000)
        .contains(&mmsi)
        .then(|| flag::from_mid(mid))
        .flatten()
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(mmsi: u32, imo: Option<&str>, name: &str, first: i64, last: i64) -> IdentitySpan {
        IdentitySpan {
            mmsi: Some(mmsi),
            imo: imo.map(str::to_string),
            name: Some(name.to_string()),
            call_sign: None,
            ship_type: None,
            length_m: None,
            flag: None,
            source: "ais".into(),
            first_ms: first,
            last_ms: last,
            reports: 1,
        }
    }

    #[test]
    fn the_jaguar_becomes_nasledie_under_the_russian_flag() {
        let spans = vec![
            span(626_313_000, Some("9293002"), "JAGUAR", 10, 20),
            span(626_313_000, None, "JAGUAR", 21, 30),
            span(273_279_840, Some("9293002"), "NASLEDIE", 40, 50),
        ];
        let v = vessels(&spans);
        assert_eq!(v.len(), 1, "the span without IMO joins its MMSI's IMO");
        let r = renames(&v);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].old_name.as_str(), r[0].new_name.as_str()), ("JAGUAR", "NASLEDIE"));
        assert_eq!((r[0].last_seen_old_ms, r[0].first_seen_new_ms), (30, 40));
        let f = flag_changes(&v);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].old_flag.as_deref(), f[0].new_flag.as_deref()),
            (Some("GA"), Some("RU"))
        );
    }

    #[test]
    fn a_new_mmsi_with_the_same_mid_is_no_flag_change() {
        let spans = vec![
            span(273_000_001, Some("9293002"), "A", 1, 2),
            span(273_000_002, Some("9293002"), "A", 3, 4),
        ];
        assert!(flag_changes(&vessels(&spans)).is_empty());
    }
}
