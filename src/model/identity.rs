//! Identity spans: runs of time during which a transmitter (or a record source) gave
//! the same identity (IMO, name, call sign, ship type, declared flag). Readers fold
//! static reports into spans as they go, so a day of AIS rows that repeat the same name
//! becomes a handful of spans. No I/O.

use std::collections::HashMap;

use super::ais::StaticReport;

/// One identity held from `first_ms` to `last_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentitySpan {
    pub mmsi: Option<u32>,
    pub imo: Option<String>,
    /// The name normalised for identity (see [`identity_name`]).
    pub name: Option<String>,
    pub call_sign: Option<String>,
    pub ship_type: Option<String>,
    /// Length overall in metres, from the AIS dimensions.
    pub length_m: Option<u16>,
    pub flag: Option<String>,
    pub source: String,
    pub first_ms: i64,
    pub last_ms: i64,
    pub reports: u64,
}

/// A name as an identity: upper case, AIS `@` padding and surrounding blanks removed,
/// inner blanks collapsed. `JAGUAR@@@` and ` Jaguar ` are the same name.
///
/// ```
/// use fleetwatch::model::identity::identity_name;
/// assert_eq!(identity_name("jaguar@@@@@@").as_deref(), Some("JAGUAR"));
/// assert_eq!(identity_name("@@@@"), None);
/// ```
pub fn identity_name(raw: &str) -> Option<String> {
    let cleaned: String = raw.replace('@', " ").to_uppercase();
    let joined = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

impl IdentitySpan {
    fn from_report(r: StaticReport) -> Self {
        Self {
            mmsi: r.mmsi,
            imo: r.imo,
            name: r.name.as_deref().and_then(identity_name),
            call_sign: r.call_sign.map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty()),
            ship_type: r.ship_type.filter(|t| !t.is_empty()),
            length_m: r.length_m,
            flag: r.flag,
            source: r.source,
            first_ms: r.ts_ms,
            last_ms: r.ts_ms,
            reports: 1,
        }
    }

    /// Same identity, a missing field agreeing with anything.
    fn agrees(&self, other: &Self) -> bool {
        fn same(a: Option<&String>, b: Option<&String>) -> bool {
            a.is_none() || b.is_none() || a == b
        }
        self.mmsi == other.mmsi
            && self.source == other.source
            && same(self.imo.as_ref(), other.imo.as_ref())
            && same(self.name.as_ref(), other.name.as_ref())
            && same(self.call_sign.as_ref(), other.call_sign.as_ref())
            && same(self.flag.as_ref(), other.flag.as_ref())
    }

    fn absorb(&mut self, other: Self) {
        self.first_ms = self.first_ms.min(other.first_ms);
        self.last_ms = self.last_ms.max(other.last_ms);
        self.reports += other.reports;
        if self.imo.is_none() {
            self.imo = other.imo;
        }
        if self.name.is_none() {
            self.name = other.name;
        }
        if self.call_sign.is_none() {
            self.call_sign = other.call_sign;
        }
        if self.ship_type.is_none() {
            self.ship_type = other.ship_type;
        }
        if self.length_m.is_none() {
            self.length_m = other.length_m;
        }
        if self.flag.is_none() {
            self.flag = other.flag;
        }
    }

    /// Carries nothing worth keeping: no IMO, name, call sign or flag.
    fn is_blank(&self) -> bool {
        self.imo.is_none() && self.name.is_none() && self.call_sign.is_none() && self.flag.is_none()
    }
}

/// Repeated sightings of one unchanged identity, gathered by a reader and folded into
/// the open span at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sightings {
    pub first_ms: i64,
    pub last_ms: i64,
    pub count: u64,
}

impl Sightings {
    pub const NONE: Self = Self {
        first_ms: i64::MAX,
        last_ms: i64::MIN,
        count: 0,
    };

    pub fn add(&mut self, ts_ms: i64) {
        self.first_ms = self.first_ms.min(ts_ms);
        self.last_ms = self.last_ms.max(ts_ms);
        self.count += 1;
    }
}

/// Folds static reports into spans, per transmitter (or per IMO for records without an
/// MMSI). AIS transmitters have a map of their own, so that the hot path of a reader
/// (the same identity again) is one lookup by MMSI.
#[derive(Debug, Default)]
pub struct SpanSet {
    ais: rustc_hash::FxHashMap<u32, IdentitySpan>,
    open: HashMap<(Option<u32>, Option<String>, String), IdentitySpan>,
    closed: Vec<IdentitySpan>,
}

impl SpanSet {
    /// Folds one report in; returns false when it carried nothing worth keeping.
    pub fn observe(&mut self, report: StaticReport) -> bool {
        let span = IdentitySpan::from_report(report);
        if span.is_blank() {
            return false;
        }
        let slot = match span.mmsi {
            Some(m) if span.source == "ais" => self.ais.entry(m),
            _ => {
                let key = (
                    span.mmsi,
                    if span.mmsi.is_none() { span.imo.clone() } else { None },
                    span.source.clone(),
                );
                match self.open.get_mut(&key) {
                    Some(open) if open.agrees(&span) => open.absorb(span),
                    Some(open) => self.closed.push(std::mem::replace(open, span)),
                    None => {
                        self.open.insert(key, span);
                    }
                }
                return true;
            }
        };
        match slot {
            std::collections::hash_map::Entry::Occupied(mut o) => {
                if o.get().agrees(&span) {
                    o.get_mut().absorb(span);
                } else {
                    self.closed.push(std::mem::replace(o.get_mut(), span));
                }
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(span);
            }
        }
        true
    }

    /// The identity last observed for an AIS transmitter, seen again: extends its open
    /// span (if it has one) by the sightings.
    pub fn touch(&mut self, mmsi: u32, seen: &Sightings) {
        if let Some(span) = self.ais.get_mut(&mmsi) {
            span.first_ms = span.first_ms.min(seen.first_ms);
            span.last_ms = span.last_ms.max(seen.last_ms);
            span.reports += seen.count;
        }
    }

    /// Every span, coalesced (see [`coalesce`]).
    pub fn finish(mut self) -> Vec<IdentitySpan> {
        self.closed.extend(self.open.into_values());
        self.closed.extend(self.ais.into_values());
        coalesce(self.closed)
    }
}

/// Sorts spans by transmitter and time and merges neighbours that agree: spans cut by
/// a chunk boundary or by ingesting a file in parts come back together.
pub fn coalesce(mut spans: Vec<IdentitySpan>) -> Vec<IdentitySpan> {
    // By transmitter (records without one: by IMO), source, then time.
    spans.sort_by(|a, b| {
        let key = |s: &IdentitySpan| {
            (
                s.mmsi,
                if s.mmsi.is_none() { s.imo.clone() } else { None },
                s.source.clone(),
                s.first_ms,
            )
        };
        key(a).cmp(&key(b))
    });
    let mut out: Vec<IdentitySpan> = Vec::with_capacity(spans.len());
    for s in spans {
        if let Some(last) = out.last_mut()
            && last.agrees(&s)
            && (last.mmsi.is_some() || last.imo == s.imo)
        {
            last.absorb(s);
            continue;
        }
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(ts: i64, name: &str) -> StaticReport {
        StaticReport {
            mmsi: Some(626_313_000),
            ts_ms: ts,
            imo: Some("9293002".into()),
            name: Some(name.into()),
            call_sign: None,
            ship_type: None,
            length_m: None,
            flag: None,
            source: "ais".into(),
        }
    }

    #[test]
    fn padding_and_case_do_not_open_a_new_span() {
        let mut set = SpanSet::default();
        set.observe(report(1, "JAGUAR@@@@"));
        set.observe(report(2, "jaguar"));
        set.observe(report(3, "  JAGUAR "));
        let spans = set.finish();
        assert_eq!(spans.len(), 1);
        assert_eq!((spans[0].first_ms, spans[0].last_ms, spans[0].reports), (1, 3, 3));
    }

    #[test]
    fn a_new_name_opens_a_new_span() {
        let mut set = SpanSet::default();
        set.observe(report(1, "JAGUAR"));
        set.observe(report(5, "ARGENT"));
        let spans = set.finish();
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[1].name.as_deref(), Some("ARGENT"));
    }

    #[test]
    fn spans_split_by_a_chunk_boundary_come_together() {
        let mut a = SpanSet::default();
        a.observe(report(1, "JAGUAR"));
        let mut b = SpanSet::default();
        b.observe(report(9, "JAGUAR"));
        let mut all = a.finish();
        all.extend(b.finish());
        let merged = coalesce(all);
        assert_eq!(merged.len(), 1);
        assert_eq!((merged[0].first_ms, merged[0].last_ms), (1, 9));
    }
}
