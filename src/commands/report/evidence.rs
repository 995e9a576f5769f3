//! What the store's positions show about vessels, for `report vessel` and
//! `report indicators`: the behaviour events, the encounters at sea and the port calls,
//! detected in one reading of the store and handed out to each vessel.

use rustc_hash::FxHashMap;

use super::Loaded;
use super::behaviour::{ClassedGap, Events, Want, events};
use super::detect::{Reach, Tracks};
use crate::error::UserError;
use crate::model::identity::IdentitySpan;
use crate::report::calls::{self, CallRow};
use crate::report::events::{
    Context, PartnerCall, anomaly_rows_of, anomaly_vessels, gap_rows, loiter_rows, partner_rows,
};
use crate::report::vessel::{CallLine, EventRows};
use crate::settings::Filters;
use crate::store::data::DataStore;
use crate::track::behaviour::{Loiter, Params as Behaviour};
use crate::track::encounters::{Encounter, Params as Encounters};
use crate::track::gaps::DEFAULT_NEIGHBOUR_KM;
use crate::track::land::LandMask;
use crate::track::portcalls::Params;
use crate::track::ports::Gazetteer;
use crate::track::timeline::{self, Vessel};

/// What the store's positions show: the behaviour events, the encounters at sea (in
/// port areas left out), and the port calls (detected and reported).
#[derive(Default)]
pub struct Detected {
    pub events: Events,
    pub encounters: Vec<Encounter>,
    pub calls: Vec<CallRow>,
    /// Each anomaly's `vessels` cell, joined when first wanted.
    joined: Vec<std::sync::OnceLock<String>>,
    /// The calls of each MMSI and of each IMO (indices into `calls`), for partners.
    calls_of: (FxHashMap<u32, Vec<usize>>, FxHashMap<String, Vec<usize>>),
}

/// The events of one vessel (by its MMSIs, and its IMO for reported calls).
#[derive(Default)]
pub struct Mine<'d> {
    pub gaps: Vec<&'d ClassedGap>,
    pub loiters: Vec<&'d Loiter>,
    /// Its own anomalies, and the interference areas that name it (by index).
    pub anomalies: Vec<usize>,
    pub encounters: Vec<&'d Encounter>,
    pub calls: Vec<&'d CallRow>,
}

/// Reads the store's positions once and detects everything a profile shows: the
/// behaviour events of every vessel (the evidence of a gap is the others'), the
/// encounters at sea, and the port calls. With `only`, the encounters and port calls are
/// those of these MMSIs (and of their partners'); without, of every vessel. The
/// positions and the land mask read for it come back too, for the dossier to draw.
pub(super) fn detect(
    store: &DataStore,
    loaded: &Loaded,
    ports: &Gazetteer,
    only: Option<&[u32]>,
) -> anyhow::Result<(Detected, Tracks, LandMask)> {
    // The land mask is read beside the positions (it takes a core for most of a second).
    let (land, tracks) = std::thread::scope(|scope| {
        let land = scope.spawn(LandMask::bundled);
        let tracks = Tracks::from_store(store, &Filters::default(), Reach::Window);
        (land.join().expect("reading the land mask does not panic"), tracks)
    });
    let (land, tracks) = (
        land.map_err(|e| UserError::new(format!("the bundled land mask: {e}")))?,
        tracks?,
    );
    let want = Want {
        gaps: true,
        params: Behaviour::DEFAULT,
        neighbour_km: DEFAULT_NEIGHBOUR_KM,
        ports,
        loitering: true,
        land: Some(&land),
        anomalies: true,
    };
    let events = events(&tracks, &loaded.vessels, &want)?;
    let asked = |m: u32| only.is_none_or(|o| o.contains(&m));
    let encounters: Vec<Encounter> = super::encounters::find(&tracks, &Encounters::DEFAULT, ports, false)?
        .into_iter()
        .filter(|e| e.port.is_none() && (asked(e.a) || asked(e.b)))
        .collect();
    let wanted: Option<Vec<u32>> = only.map(|o| {
        let mut w: Vec<u32> = o.to_vec();
        w.extend(encounters.iter().flat_map(|e| [e.a, e.b]));
        w.sort_unstable();
        w.dedup();
        w
    });
    let detected = match &wanted {
        Some(wanted) => tracks.port_calls_of(ports, &Params::default(), wanted)?,
        None => tracks.port_calls(ports, &Params::default(), &|_| true)?,
    };
    let calls = calls::collect(detected, store.port_call_records()?, ports, &loaded.vessels);
    let mut calls_of = (
        FxHashMap::<u32, Vec<usize>>::default(),
        FxHashMap::<String, Vec<usize>>::default(),
    );
    for (k, c) in calls.iter().enumerate() {
        if let Some(m) = c.mmsi {
            calls_of.0.entry(m).or_default().push(k);
        }
        if let Some(imo) = &c.imo {
            calls_of.1.entry(imo.clone()).or_default().push(k);
        }
    }
    let found = Detected {
        joined: (0..events.anomalies.len())
            .map(|_| std::sync::OnceLock::new())
            .collect(),
        calls_of,
        events,
        encounters,
        calls,
    };
    Ok((found, tracks, land))
}

impl Detected {
    /// Each vessel's events, in the order of `vessels`, those that start in the window of
    /// `window`: one pass over the events.
    pub fn by_vessel<'d>(&'d self, vessels: &[&Vessel], window: &Filters) -> Vec<Mine<'d>> {
        let mut of_mmsi: FxHashMap<u32, usize> = FxHashMap::default();
        let mut of_imo: FxHashMap<&str, usize> = FxHashMap::default();
        for (i, v) in vessels.iter().enumerate() {
            for m in v.mmsis() {
                of_mmsi.entry(m).or_insert(i);
            }
            if let Some(imo) = v.imo() {
                of_imo.entry(imo).or_insert(i);
            }
        }
        let mut out: Vec<Mine<'d>> = (0..vessels.len()).map(|_| Mine::default()).collect();
        let at = |m: &u32| of_mmsi.get(m).copied();
        for g in self.events.gaps.iter().filter(|g| window.in_window(g.gap.start.ts_ms)) {
            if let Some(i) = at(&g.mmsi) {
                out[i].gaps.push(g);
            }
        }
        for l in self.events.loiters.iter().filter(|l| window.in_window(l.start_ms)) {
            if let Some(i) = at(&l.mmsi) {
                out[i].loiters.push(l);
            }
        }
        for (k, a) in self.events.anomalies.iter().enumerate() {
            if !window.in_window(a.start_ms) {
                continue;
            }
            let mut named: Vec<usize> = a.vessels.iter().filter_map(at).collect();
            named.sort_unstable();
            named.dedup();
            for i in named {
                out[i].anomalies.push(k);
            }
        }
        for e in self.encounters.iter().filter(|e| window.in_window(e.start_ms)) {
            let (a, b) = (at(&e.a), at(&e.b));
            for i in [a, b.filter(|b| Some(*b) != a)].into_iter().flatten() {
                out[i].encounters.push(e);
            }
        }
        for c in self.calls.iter().filter(|c| window.in_window(c.arrival_ms)) {
            let i = c
                .imo
                .as_deref()
                .and_then(|imo| of_imo.get(imo).copied())
                .or_else(|| c.mmsi.as_ref().and_then(at));
            if let Some(i) = i {
                out[i].calls.push(c);
            }
        }
        out
    }

    /// The port calls of an encounter's partner (by its MMSI, or the IMO its vessel has).
    fn partner_calls(&self, partner: u32, cx: &Context<'_>) -> Vec<PartnerCall> {
        let (by_mmsi, by_imo) = &self.calls_of;
        let mut at: Vec<usize> = by_mmsi.get(&partner).cloned().unwrap_or_default();
        if let Some(more) = cx.imo(partner).and_then(|imo| by_imo.get(imo)) {
            at.extend(more);
        }
        at.sort_unstable();
        at.dedup();
        at.into_iter()
            .map(|k| &self.calls[k])
            .map(|c| PartnerCall {
                locode: c.locode.clone(),
                arrival_ms: c.arrival_ms,
                departure_ms: c.departure_ms,
            })
            .collect()
    }

    /// A vessel's events under the columns of their reports, its encounters from its side
    /// with each partner's port calls around it.
    pub fn rows(&self, mine: &Mine<'_>, mmsis: &[u32], cx: &Context<'_>) -> EventRows {
        let gaps = mine.gaps.iter().map(|g| g.line()).collect();
        let calls_of = |partner: u32| self.partner_calls(partner, cx);
        EventRows {
            gaps: gap_rows(gaps, cx),
            loitering: loiter_rows(mine.loiters.iter().map(|l| (*l).clone()).collect(), cx),
            anomalies: anomaly_rows_of(
                mine.anomalies
                    .iter()
                    .map(|&k| {
                        let a = &self.events.anomalies[k];
                        (a, self.joined[k].get_or_init(|| anomaly_vessels(a)).as_str())
                    })
                    .collect(),
                cx,
            ),
            encounters: partner_rows(
                mine.encounters.iter().map(|e| (*e).clone()).collect(),
                mmsis,
                &calls_of,
                cx,
            ),
        }
    }
}

/// A vessel's port calls as its profile lists them, with the lists that had it listed
/// on each arrival date.
pub fn call_lines(mine: &Mine<'_>, screen: &crate::matching::Screen<'_>) -> Vec<CallLine> {
    mine.calls
        .iter()
        .map(|c| CallLine {
            locode: c.locode.clone(),
            name: c.name.clone(),
            country: c.country.clone(),
            arrival_ms: c.arrival_ms,
            departure_ms: c.departure_ms,
            draught_change_m: c.draught_change_m(),
            source: c.source.clone(),
            listed: c.listed_at_arrival(screen),
        })
        .collect()
}

/// The transmitters heard that no identity record names (positions, no static report),
/// those with a ship's MMSI (not a coast station's, an aid to navigation's...): a vessel
/// each, known by its MMSI alone.
pub fn unnamed(known: &[Vessel], found: &Detected) -> Vec<Vessel> {
    let named: rustc_hash::FxHashSet<u32> = known.iter().flat_map(Vessel::mmsis).collect();
    let mut spans: Vec<IdentitySpan> = found
        .events
        .heard
        .iter()
        .filter(|(m, _)| !named.contains(m) && !crate::model::mmsi::not_a_ship(**m))
        .map(|(m, (first_ms, last_ms))| IdentitySpan {
            mmsi: Some(*m),
            imo: None,
            name: None,
            call_sign: None,
            ship_type: None,
            length_m: None,
            flag: None,
            source: "ais".to_string(),
            first_ms: *first_ms,
            last_ms: *last_ms,
            reports: 0,
        })
        .collect();
    spans.sort_by_key(|s| s.mmsi);
    timeline::vessels(&spans)
}
