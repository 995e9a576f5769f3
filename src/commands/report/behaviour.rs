//! The behaviour events of the vessels in a set of tracks, for `report gaps`,
//! `report loitering`, `report anomalies` and `report vessel`: each vessel's own track
//! first (on every core), then what takes all of them: the end of the data (open gaps),
//! the neighbours heard around each gap (a second pass over the fixes), one IMO on two
//! transmitters, and interference areas.

use rustc_hash::{FxHashMap, FxHashSet};

use super::detect::Tracks;
use crate::report::events::GapLine;
use crate::track::anomalies::{imo_clashes, interference};
use crate::track::behaviour::{self, Anomaly, Gap, Loiter, Observed, Params, Scope};
use crate::track::gaps::{Class, Evidence, Heard, Index, Silence, classify};
use crate::track::land::LandMask;
use crate::track::ports::Gazetteer;
use crate::track::timeline::Vessel;

/// What to compute.
pub struct Want<'a> {
    pub params: Params,
    /// Gaps with their evidence (a second pass over every fix).
    pub gaps: bool,
    pub neighbour_km: f64,
    pub ports: &'a Gazetteer,
    pub loitering: bool,
    /// The land mask, for positions on land (anomalies).
    pub land: Option<&'a LandMask>,
    pub anomalies: bool,
}

/// A gap with its evidence and class.
#[derive(Debug, Clone)]
pub struct ClassedGap {
    pub mmsi: u32,
    pub gap: Gap,
    /// The end of the data, for an open gap.
    pub until_ms: i64,
    pub evidence: Evidence,
    pub class: Class,
}

impl ClassedGap {
    /// The gap as its report shows it.
    pub fn line(&self) -> GapLine {
        GapLine {
            mmsi: self.mmsi,
            start: self.gap.start,
            end: self.gap.end,
            until_ms: self.until_ms,
            class: self.class,
            neighbours_at_start: self.evidence.at_start,
            neighbours_at_end: self.gap.end.map(|_| self.evidence.at_end),
        }
    }
}

/// The events of a set of tracks.
#[derive(Debug, Default)]
pub struct Events {
    pub gaps: Vec<ClassedGap>,
    pub loiters: Vec<Loiter>,
    pub anomalies: Vec<Anomaly>,
    /// When each MMSI was first and last heard.
    pub heard: FxHashMap<u32, (i64, i64)>,
}

/// The transmitters of one IMO (vessels with more than one MMSI).
pub type Shared<'v> = Vec<(&'v str, Vec<u32>)>;

/// The transmitters that share an IMO, by IMO.
pub fn shared(vessels: &[Vessel]) -> Shared<'_> {
    vessels
        .iter()
        .filter_map(|v| Some((v.imo()?, v.mmsis())))
        .filter(|(_, m)| m.len() > 1)
        .collect()
}

/// The MMSIs whose hourly positions are kept (for clashes): those that share an IMO.
pub fn hourly_of(shared: &Shared<'_>) -> FxHashSet<u32> {
    shared.iter().flat_map(|(_, m)| m.iter().copied()).collect()
}

/// Where the neighbours of gaps are heard.
pub enum Hearing<'t> {
    /// In a second pass over every fix of these tracks.
    Tracks(&'t Tracks),
    /// What the workers of a distributed run heard ([`Index::hear`] of their fixes).
    Heard(Vec<(u32, Heard, u32)>),
}

/// The events of every vessel in `tracks`; `vessels` tell which MMSIs share an IMO.
pub fn events(tracks: &Tracks, vessels: &[Vessel], want: &Want<'_>) -> anyhow::Result<Events> {
    let shared = shared(vessels);
    let observed = observe_all(tracks, want, &hourly_of(&shared))?;
    complete(observed, &shared, want, Hearing::Tracks(tracks))
}

/// What each vessel's own track shows (on every core), in MMSI order; the hourly
/// positions of `hourly` kept when anomalies are wanted.
pub fn observe_all<S: std::hash::BuildHasher + Sync>(
    tracks: &Tracks,
    want: &Want<'_>,
    hourly: &std::collections::HashSet<u32, S>,
) -> anyhow::Result<Vec<Observed>> {
    let keep_hourly = |m: u32| want.anomalies && hourly.contains(&m);
    let scope = Scope {
        ports: want.ports,
        land: want.land,
        gaps: want.gaps,
        loitering: want.loitering,
        hourly: &keep_hourly,
    };
    Ok(tracks
        .each(&|_| true, &|rows| {
            rows.chunk_by(|a, b| a.mmsi == b.mmsi)
                .map(|fixes| behaviour::observe(fixes, &want.params, &scope))
                .collect::<Vec<_>>()
        })?
        .into_iter()
        .flatten()
        .collect())
}

/// The newest fix of the data: the end an open gap runs to.
fn data_end(observed: &[Observed]) -> Option<i64> {
    observed.iter().filter_map(|o| o.silences.last().copied()).max()
}

/// The gaps whose neighbours are to be heard (in the order [`Index::new`] numbers them).
pub fn gap_silences(observed: &[Observed], shared: &Shared<'_>, want: &Want<'_>) -> Vec<Silence> {
    match data_end(observed) {
        Some(end) if want.gaps => silences(observed, shared, end, want.params.min_gap_ms()).0,
        _ => Vec::new(),
    }
}

/// The events of what every vessel's own track showed (`observed`, in MMSI order): the
/// end of the data (open gaps), the neighbours heard around each gap, one IMO on two
/// transmitters, interference areas.
pub fn complete(
    observed: Vec<Observed>,
    shared: &Shared<'_>,
    want: &Want<'_>,
    hearing: Hearing<'_>,
) -> anyhow::Result<Events> {
    let Some(data_end) = data_end(&observed) else {
        return Ok(Events::default());
    };
    let spans: FxHashMap<u32, (i64, i64)> = observed.iter().map(|o| (o.mmsi, o.heard_ms)).collect();
    let (silences, silent_at) = if want.gaps {
        silences(&observed, shared, data_end, want.params.min_gap_ms())
    } else {
        (Vec::new(), FxHashMap::default())
    };
    let index = Index::new(&silences, want.neighbour_km);
    let heard = match hearing {
        _ if silences.is_empty() => Vec::new(),
        Hearing::Heard(heard) => heard,
        Hearing::Tracks(tracks) => tracks
            .each(&|_| true, &|rows| index.hear(rows))?
            .into_iter()
            .flatten()
            .collect(),
    };
    let evidence = index.evidence(heard, &silent_at);
    let gaps = silences
        .iter()
        .zip(evidence)
        .map(|(s, evidence)| ClassedGap {
            mmsi: s.mmsi,
            gap: s.gap,
            until_ms: s.until_ms,
            class: classify(&s.gap, &evidence, want.ports),
            evidence,
        })
        .collect();
    let (loiters, anomalies) = the_rest(observed, shared, want.anomalies);
    Ok(Events {
        gaps,
        loiters,
        anomalies,
        heard: spans,
    })
}

/// Every gap, open ones included (an MMSI whose last fix is a gap's length before the
/// end of the data, unless its vessel went on under another MMSI: a reflag), and when
/// each transmitter fell silent.
fn silences(
    observed: &[Observed],
    shared: &Shared<'_>,
    data_end: i64,
    min_gap: i64,
) -> (Vec<Silence>, FxHashMap<u32, Vec<i64>>) {
    let mut silences: Vec<Silence> = Vec::new();
    let mut silent_at: FxHashMap<u32, Vec<i64>> = FxHashMap::default();
    let last_of: FxHashMap<u32, i64> = observed
        .iter()
        .filter_map(|o| Some((o.mmsi, o.silences.last().copied()?)))
        .collect();
    let replaced = |mmsi: u32, last_ms: i64| {
        shared.iter().any(|(_, mmsis)| {
            mmsis.contains(&mmsi)
                && mmsis
                    .iter()
                    .any(|m| *m != mmsi && last_of.get(m).is_some_and(|t| *t > last_ms))
        })
    };
    for o in observed {
        for g in &o.gaps {
            silences.push(Silence {
                mmsi: o.mmsi,
                gap: *g,
                until_ms: g.end.map_or(data_end, |e| e.ts_ms),
            });
        }
        if let Some(last) = o.last
            && data_end - last.ts_ms >= o.gap_ms
            && !replaced(o.mmsi, last.ts_ms)
        {
            silences.push(Silence {
                mmsi: o.mmsi,
                gap: Gap { start: last, end: None },
                until_ms: data_end,
            });
        }
        let mut times = o.silences.clone();
        if times.last().is_some_and(|t| data_end - t < min_gap) {
            times.pop();
        }
        silent_at.insert(o.mmsi, times);
    }
    (silences, silent_at)
}

/// The loitering, and the anomalies with those that take two transmitters (one IMO on
/// two MMSIs) or several vessels (interference areas) when `anomalies` are wanted.
fn the_rest(observed: Vec<Observed>, shared: &Shared<'_>, anomalies_wanted: bool) -> (Vec<Loiter>, Vec<Anomaly>) {
    let mut anomalies: Vec<Anomaly> = Vec::new();
    let mut loiters: Vec<Loiter> = Vec::new();
    let mut hourly_fixes: FxHashMap<u32, Vec<crate::model::ais::FixRow>> = FxHashMap::default();
    for o in observed {
        anomalies.extend(o.anomalies);
        loiters.extend(o.loiters);
        if !o.hourly.is_empty() {
            hourly_fixes.insert(o.mmsi, o.hourly);
        }
    }
    if !anomalies_wanted {
        return (loiters, Vec::new());
    }
    for (imo, mmsis) in shared {
        for (k, a) in mmsis.iter().enumerate() {
            for b in &mmsis[k + 1..] {
                let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                if let (Some(fa), Some(fb)) = (hourly_fixes.get(lo), hourly_fixes.get(hi)) {
                    anomalies.extend(imo_clashes(imo, fa, fb));
                }
            }
        }
    }
    (loiters, interference(anomalies))
}
