//! Screening a query against loaded lists: what the query is (IMO, MMSI or name), which
//! entries match it and how, and the hulls they belong to. Every hull that ever bore a
//! matching name is found, with all of its listings. No I/O.

use std::collections::BTreeMap;

use serde::Serialize;

use super::normalize::{NormName, normalize};
use super::score::{Prepared, allowed_edits, score_at_least};
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
    names: Vec<(usize, usize, NameKind, &'a str, Prepared, Signature)>,
    by_imo: rustc_hash::FxHashMap<&'a str, Vec<(usize, usize)>>,
    by_mmsi: rustc_hash::FxHashMap<&'a str, Vec<(usize, usize)>>,
}

/// A cheap summary of a normalised name that rules out most non-matches before the
/// edit distance is computed, without ever ruling out a real match: lengths, the set
/// of characters present, and how often each occurs.
#[derive(Debug, Clone, Copy)]
struct Signature {
    /// Letters and digits of the words (the "joined without blanks" form).
    letters: usize,
    /// The words joined by single blanks.
    plain: usize,
    chars: u64,
    /// Occurrences of each character, folded into 32 buckets (byte mod 32).
    counts: [u8; 32],
}

impl Signature {
    fn of(n: &NormName) -> Self {
        let mut chars = 0u64;
        let mut counts = [0u8; 32];
        let mut letters = 0;
        for w in &n.words {
            letters += w.len();
            for b in w.bytes() {
                chars |= 1 << (b % 64);
                counts[usize::from(b % 32)] = counts[usize::from(b % 32)].saturating_add(1);
            }
        }
        Self {
            letters,
            plain: letters + n.words.len().saturating_sub(1),
            chars,
            counts,
        }
    }

    /// Whether two names could score `min_score`. The score compares three forms of
    /// the words (as written, sorted, joined), each allowing at most (1 - s) x its
    /// longer length edits; an edit changes a length by at most one and the set of
    /// characters present by at most two, and the counts of characters by at most two
    /// in all (a transposition by none). The three forms hold the same characters, and
    /// the one as written is the longest, so its budget bounds them all.
    fn may_match(&self, o: &Self, budget: &EditBudget) -> bool {
        let edits = budget.edits(self.plain.max(o.plain));
        let length_ok = self.letters.abs_diff(o.letters) <= edits || self.plain.abs_diff(o.plain) <= edits;
        length_ok
            && ((self.chars ^ o.chars).count_ones() as usize) <= 2 * edits
            && self
                .counts
                .iter()
                .zip(&o.counts)
                .map(|(a, b)| usize::from(a.abs_diff(*b)))
                .sum::<usize>()
                <= 2 * edits
    }
}

/// The edits a score of at least `min` allows at each length, looked up rather than
/// computed for every pair.
struct EditBudget {
    min: f64,
    table: [u8; 128],
}

impl EditBudget {
    fn new(min: f64) -> Self {
        let mut table = [0u8; 128];
        for (len, t) in table.iter_mut().enumerate() {
            *t = u8::try_from(allowed_edits(min, len)).unwrap_or(u8::MAX);
        }
        Self { min, table }
    }

    fn edits(&self, len: usize) -> usize {
        self.table
            .get(len)
            .map_or_else(|| allowed_edits(self.min, len), |e| usize::from(*e))
    }
}

impl<'a> Screen<'a> {
    pub fn new(lists: &'a [ListVersion]) -> Self {
        let mut names = Vec::new();
        let mut by_imo: rustc_hash::FxHashMap<&'a str, Vec<(usize, usize)>> = rustc_hash::FxHashMap::default();
        let mut by_mmsi: rustc_hash::FxHashMap<&'a str, Vec<(usize, usize)>> = rustc_hash::FxHashMap::default();
        for (li, list) in lists.iter().enumerate() {
            for (ei, entry) in list.entries.iter().enumerate() {
                for (kind, name) in entry.names() {
                    let norm = normalize(name);
                    let sig = Signature::of(&norm);
                    names.push((li, ei, kind, name, Prepared::of(norm), sig));
                }
                if let Some(imo) = entry.imo.as_deref() {
                    by_imo.entry(imo).or_default().push((li, ei));
                }
                if let Some(mmsi) = entry.mmsi.as_deref() {
                    by_mmsi.entry(mmsi).or_default().push((li, ei));
                }
            }
        }
        Self {
            lists,
            names,
            by_imo,
            by_mmsi,
        }
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
                for &(li, ei) in self.by_imo.get(imo.as_str()).into_iter().flatten() {
                    consider(self.hull_key(li, ei), MatchedOn::Imo, 1.0, "");
                }
            }
            Query::Mmsi(mmsi) => {
                for &(li, ei) in self.by_mmsi.get(mmsi.as_str()).into_iter().flatten() {
                    consider(self.hull_key(li, ei), MatchedOn::Mmsi, 1.0, "");
                }
            }
            Query::Name(text) => {
                let q = Prepared::of(normalize(text));
                let qsig = Signature::of(&q.norm);
                let budget = EditBudget::new(min_score);
                for (li, ei, kind, name, norm, sig) in &self.names {
                    if !qsig.may_match(sig, &budget) {
                        continue;
                    }
                    if let Some(s) = score_at_least(&q, norm, min_score) {
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
                .by_imo
                .get(imo)
                .into_iter()
                .flatten()
                .map(|&(li, ei)| self.entry(li, ei))
                .collect(),
        }
    }

    /// The hulls an ingested vessel is listed as by its identifiers: its IMO first, else
    /// its MMSIs (for lists that record MMSIs). Names never make a vessel listed; see
    /// [`Screen::join_vessel`](super::vessel) for the possible matches by name.
    pub fn identified(&self, imo: Option<&str>, mmsis: &[u32]) -> Vec<HullMatch<'a>> {
        if let Some(i) = imo.and_then(|i| Imo::parse(i).ok()) {
            let hulls = self.find(&Query::Imo(i), 1.0);
            if !hulls.is_empty() {
                return hulls;
            }
        }
        for m in mmsis {
            let text = crate::model::mmsi::digits(*m);
            if let Ok(mmsi) = Mmsi::parse(&text) {
                let hulls = self.find(&Query::Mmsi(mmsi), 1.0);
                if !hulls.is_empty() {
                    return hulls;
                }
            }
        }
        Vec::new()
    }

    /// The listed IMO numbers one substitution or transposition away from a mistyped
    /// one, with a name each.
    pub fn imo_suggestions(&self, digits: &str) -> Vec<(String, &'a str)> {
        imo::near_misses(digits)
            .into_iter()
            .filter_map(|cand| {
                let &(li, ei) = self.by_imo.get(cand.as_str())?.first()?;
                Some((cand.clone(), self.entry(li, ei).1.name.as_str()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::score::score;

    /// The prefilter never drops a pair the score would keep.
    #[test]
    fn the_prefilter_keeps_every_real_match() {
        let names = [
            "JAGUAR",
            "JAUGAR",
            "JAGGER",
            "ARGENT",
            "MIKHAIL ULYANOV",
            "MICHAIL ULJANOV",
            "ULYANOV MIKHAIL",
            "SEA FORCE",
            "SEAFORCE",
            "AURA 1",
            "AURA",
            "OCEAN II",
            "ZALIV AMERIKA",
            "A B C D E F",
            "ABCDEF",
            "MARIA",
            "MARINA",
            "X",
        ];
        for a in names {
            for b in names {
                let (na, nb) = (normalize(a), normalize(b));
                for min in [0.5, 0.7, 0.8, 0.9, 1.0] {
                    if score(&na, &nb) >= min {
                        assert!(
                            Signature::of(&na).may_match(&Signature::of(&nb), &EditBudget::new(min)),
                            "{a} ~ {b} at {min}"
                        );
                    }
                }
            }
        }
    }

    /// The same on the bundled list names against mangled copies of each other.
    #[test]
    fn the_prefilter_keeps_every_match_among_list_names() {
        let eu = crate::lists::bundled::eu();
        let names: Vec<NormName> = eu.entries.iter().take(150).map(|e| normalize(&e.name)).collect();
        let mut rng = crate::synth::Rng::new(5);
        for a in &names {
            let mut mangled = a.key().into_bytes();
            if mangled.len() > 3 {
                let i = usize::try_from(rng.below(mangled.len() as u64 - 1)).unwrap();
                mangled.swap(i, i + 1);
                mangled.remove(usize::try_from(rng.below(mangled.len() as u64)).unwrap());
            }
            let q = normalize(&String::from_utf8_lossy(&mangled));
            for b in &names {
                let sc = score(&q, b);
                for min in [0.6, 0.8] {
                    if sc >= min {
                        assert!(
                            Signature::of(&q).may_match(&Signature::of(b), &EditBudget::new(min)),
                            "{} ~ {} at {min}",
                            q.key(),
                            b.key()
                        );
                    }
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum HullKey<'a> {
    Imo(&'a str),
    Entry(usize, usize),
}
