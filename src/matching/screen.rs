//! Screening a query against loaded lists: what the query is (IMO, MMSI or name), which
//! entries match it and how, and the hulls they belong to. Every hull that ever bore a
//! matching name is found, with all of its listings. No I/O.

use std::collections::BTreeMap;

use serde::Serialize;

use super::normalize::{NormName, normalize};
use super::score::score;
use crate::model::imo::{self, ImoError};
use crate::model::mmsi::{self, MmsiError};
use crate::model::{Imo, ListVersion, Listing, Mmsi, NameKind};

/// Default minimum score for a name match.
pub const DEFAULT_MIN_SCORE: f64 = 0.8;

/// What a query asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    Imo(Imo),
    Mmsi(Mmsi),
    Name(String),
}

/// A query that cannot be screened, with what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error(transparent)]
    Imo(ImoError),
    #[error(transparent)]
    Mmsi(MmsiError),
    #[error("'{0}' is only digits but neither an IMO number (7 digits) nor an MMSI (9 digits)")]
    Digits(String),
    #[error("the query is empty once punctuation and vessel prefixes are removed")]
    Empty,
}

impl Query {
    /// Reads a query: `IMO 9293002` or seven digits is an IMO number, nine digits an
    /// MMSI, anything else a name.
    pub fn parse(text: &str) -> Result<Self, QueryError> {
        let t = text.trim();
        if imo::looks_like_imo(t) {
            return Imo::parse(t).map(Query::Imo).map_err(QueryError::Imo);
        }
        if mmsi::looks_like_mmsi(t) {
            return Mmsi::parse(t).map(Query::Mmsi).map_err(QueryError::Mmsi);
        }
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(QueryError::Digits(t.to_string()));
        }
        if normalize(t).is_empty() {
            return Err(QueryError::Empty);
        }
        Ok(Query::Name(t.to_string()))
    }
}

/// How a query found a hull.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedOn {
    Imo,
    Mmsi,
    Name,
    FormerName,
    Alias,
}

impl MatchedOn {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Imo => "imo",
            Self::Mmsi => "mmsi",
            Self::Name => "name",
            Self::FormerName => "former_name",
            Self::Alias => "alias",
        }
    }
}

impl From<NameKind> for MatchedOn {
    fn from(k: NameKind) -> Self {
        match k {
            NameKind::Name => Self::Name,
            NameKind::FormerName => Self::FormerName,
            NameKind::Alias => Self::Alias,
        }
    }
}

/// One hull a query found: its listings on every list, and the best way it matched.
#[derive(Debug, Clone)]
pub struct HullMatch<'a> {
    /// The hull's IMO number; `None` for an entry that carries none (it is its own hull).
    pub imo: Option<&'a str>,
    pub matched_on: MatchedOn,
    pub score: f64,
    /// The name on a list that matched (empty for IMO and MMSI matches).
    pub matched_name: &'a str,
    /// Every listing of the hull, in list order then record order.
    pub listings: Vec<(&'a ListVersion, &'a Listing)>,
}

/// Lists prepared for screening: normalised names computed once.
pub struct Screen<'a> {
    lists: &'a [ListVersion],
    names: Vec<(usize, usize, NameKind, &'a str, NormName)>,
}

impl<'a> Screen<'a> {
    pub fn new(lists: &'a [ListVersion]) -> Self {
        let mut names = Vec::new();
        for (li, list) in lists.iter().enumerate() {
            for (ei, entry) in list.entries.iter().enumerate() {
                for (kind, name) in entry.names() {
                    names.push((li, ei, kind, name, normalize(name)));
                }
            }
        }
        Self { lists, names }
    }

    fn entry(&self, li: usize, ei: usize) -> (&'a ListVersion, &'a Listing) {
        let list = &self.lists[li];
        (list, &list.entries[ei])
    }

    /// The hulls a query finds, best first (score, then listed names, then IMO).
    pub fn find(&self, query: &Query, min_score: f64) -> Vec<HullMatch<'a>> {
        // hull key -> (matched_on, score, matched name)
        let mut best: BTreeMap<HullKey<'a>, (MatchedOn, f64, &'a str)> = BTreeMap::new();
        let mut consider = |key: HullKey<'a>, on: MatchedOn, score: f64, name: &'a str| {
            let slot = best.entry(key).or_insert((on, score, name));
            if score.total_cmp(&slot.1).then(slot.0.cmp(&on)).is_gt() {
                *slot = (on, score, name);
            }
        };
        match query {
            Query::Imo(imo) => {
                for (li, list) in self.lists.iter().enumerate() {
                    for (ei, e) in list.entries.iter().enumerate() {
                        if e.imo.as_deref() == Some(imo.as_str()) {
                            consider(self.hull_key(li, ei), MatchedOn::Imo, 1.0, "");
                        }
                    }
                }
            }
            Query::Mmsi(mmsi) => {
                for (li, list) in self.lists.iter().enumerate() {
                    for (ei, e) in list.entries.iter().enumerate() {
                        if e.mmsi.as_deref() == Some(mmsi.as_str()) {
                            consider(self.hull_key(li, ei), MatchedOn::Mmsi, 1.0, "");
                        }
                    }
                }
            }
            Query::Name(text) => {
                let q = normalize(text);
                for (li, ei, kind, name, norm) in &self.names {
                    let s = score(&q, norm);
                    if s >= min_score {
                        consider(self.hull_key(*li, *ei), (*kind).into(), s, name);
                    }
                }
            }
        }
        let mut hulls: Vec<HullMatch<'a>> = best
            .into_iter()
            .map(|(key, (matched_on, score, matched_name))| HullMatch {
                imo: match key {
                    HullKey::Imo(imo) => Some(imo),
                    HullKey::Entry(..) => None,
                },
                matched_on,
                score,
                matched_name,
                listings: self.listings_of(key),
            })
            .collect();
        hulls.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.matched_on.cmp(&b.matched_on))
                .then(a.imo.cmp(&b.imo))
        });
        hulls
    }

    fn hull_key(&self, li: usize, ei: usize) -> HullKey<'a> {
        let (_, e) = self.entry(li, ei);
        match e.imo.as_deref() {
            Some(imo) => HullKey::Imo(imo),
            None => HullKey::Entry(li, ei),
        }
    }

    fn listings_of(&self, key: HullKey<'a>) -> Vec<(&'a ListVersion, &'a Listing)> {
        match key {
            HullKey::Entry(li, ei) => vec![self.entry(li, ei)],
            HullKey::Imo(imo) => self
                .lists
                .iter()
                .flat_map(|l| l.entries.iter().map(move |e| (l, e)))
                .filter(|(_, e)| e.imo.as_deref() == Some(imo))
                .collect(),
        }
    }

    /// The listings of an ingested vessel: by its IMO first, else by its MMSIs, else by
    /// the names it bore. A name match against an entry with another IMO is not a
    /// match when the vessel has an IMO of its own.
    pub fn vessel_listings(
        &self,
        imo: Option<&str>,
        mmsis: &[u32],
        names: &[&str],
        min_score: f64,
    ) -> Vec<HullMatch<'a>> {
        if let Some(i) = imo.and_then(|i| Imo::parse(i).ok()) {
            let hulls = self.find(&Query::Imo(i), min_score);
            if !hulls.is_empty() {
                return hulls;
            }
        }
        for m in mmsis {
            let text = format!("{m:09}");
            if let Ok(mmsi) = Mmsi::parse(&text) {
                let hulls = self.find(&Query::Mmsi(mmsi), min_score);
                if !hulls.is_empty() {
                    return hulls;
                }
            }
        }
        let mut best: Vec<HullMatch<'a>> = Vec::new();
        for name in names {
            for hull in self.find(&Query::Name((*name).to_string()), min_score) {
                if imo.is_some() && hull.imo.is_some() && hull.imo != imo {
                    continue;
                }
                match best
                    .iter_mut()
                    .find(|b| b.imo == hull.imo && same_entries(&b.listings, &hull.listings))
                {
                    Some(b) if b.score >= hull.score => {}
                    Some(b) => *b = hull,
                    None => best.push(hull),
                }
            }
        }
        best
    }

    /// The listed IMO numbers one substitution or transposition away from a mistyped
    /// one, with a name each.
    pub fn imo_suggestions(&self, digits: &str) -> Vec<(String, &'a str)> {
        imo::near_misses(digits)
            .into_iter()
            .filter_map(|cand| {
                self.lists
                    .iter()
                    .flat_map(|l| l.entries.iter())
                    .find(|e| e.imo.as_deref() == Some(cand.as_str()))
                    .map(|e| (cand, e.name.as_str()))
            })
            .collect()
    }
}

/// The same listings (by identity, not by value).
fn same_entries(a: &[(&ListVersion, &Listing)], b: &[(&ListVersion, &Listing)]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| std::ptr::eq(x.1, y.1))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum HullKey<'a> {
    Imo(&'a str),
    Entry(usize, usize),
}
