//! `fleetwatch report vessel QUERY`: one vessel's profile. A query that names several
//! vessels shows each; an IMO with no ingested data still shows its listings. Listings
//! are by IMO or MMSI; name matches are possible matches, shown apart when asked for.
//! Its behaviour events and encounters come from the whole store's positions (the
//! evidence of a gap and the partner of an encounter are other vessels).

use std::io::Write;

use super::behaviour::{ClassedGap, Events, Want, events};
use super::detect::{Reach, Tracks};
use super::{Loaded, facts, gazetteer, vessel_matches};
use crate::error::{Outcome, UserError};
use crate::matching::screen::DEFAULT_MIN_SCORE;
use crate::matching::{Query, Screen, Strength};
use crate::report::calls;
use crate::report::events::{Context, PartnerCall, anomaly_rows, gap_rows, loiter_rows, partner_rows};
use crate::report::vessel::EventRows;
use crate::report::vessel::{CallLine, Possible, profile, to_json, write_table};
use crate::report::{Cell, Format, Rows};
use crate::settings::Filters;
use crate::settings::Settings;
use crate::store::data::DataStore;
use crate::track::behaviour::Params as Behaviour;
use crate::track::encounters::{Encounter, Params as Encounters};
use crate::track::gaps::DEFAULT_NEIGHBOUR_KM;
use crate::track::land::LandMask;
use crate::track::portcalls::Params;

const TIMELINE_COLUMNS: &[&str] = &[
    "imo",
    "attribute",
    "value",
    "first_seen_utc",
    "last_seen_utc",
    "source",
    "mmsi",
];

pub fn run(settings: &Settings, query: &str, include_possible: bool, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let q = Query::parse(query).map_err(|e| UserError::new(format!("query '{query}': {e}")))?;
    let store = DataStore::open(&settings.data_dir)?;
    let loaded = Loaded::with_spans(settings, &store.spans()?)?;
    let screen = Screen::new(&loaded.lists);
    let vessels: Vec<_> = loaded.vessels.iter().filter(|v| vessel_matches(v, &q)).collect();
    let ports = gazetteer::gazetteer(None, None)?;
    let found = if vessels.is_empty() {
        Detected::default()
    } else {
        let mmsis: Vec<u32> = vessels.iter().flat_map(|v| v.mmsis()).collect();
        detected(&store, &loaded, &mmsis, &ports)?
    };
    let cx = Context::new(&loaded.vessels, &screen, &ports);
    let mut profiles = Vec::new();
    for v in &vessels {
        let joined = screen.join_vessel(&facts(v), true);
        let (listings, possible): (Vec<_>, Vec<_>) =
            joined.into_iter().partition(|m| m.strength == Strength::Identified);
        let listings = listings.into_iter().map(|m| m.hull).collect();
        let possible = Possible {
            hidden: if include_possible { 0 } else { possible.len() },
            shown: if include_possible { possible } else { Vec::new() },
        };
        let mine: Vec<CallLine> = found
            .calls
            .iter()
            .filter(|c| c.vessel(&loaded.vessels).is_some_and(|cv| std::ptr::eq(cv, *v)))
            .map(|c| CallLine {
                locode: c.locode.clone(),
                name: c.name.clone(),
                country: c.country.clone(),
                arrival_ms: c.arrival_ms,
                departure_ms: c.departure_ms,
                draught_change_m: c.draught_change_m(),
                source: c.source.clone(),
                listed: c.listed_at_arrival(&screen),
            })
            .collect();
        let mut p = profile(Some(v), None, listings, possible, mine);
        p.behaviour = Some(behaviour_of(&found, &v.mmsis(), &cx));
        profiles.push(p);
    }
    if profiles.is_empty() {
        let Query::Imo(imo) = &q else {
            return Err(UserError::new(format!("no ingested vessel matches '{query}'"))
                .hint(
                    "`fleetwatch check` answers from the lists alone; `fleetwatch ingest` adds AIS and vessel records",
                )
                .into());
        };
        let listings = screen.find(&q, DEFAULT_MIN_SCORE);
        if listings.is_empty() {
            return Err(UserError::new(format!("IMO {imo} is neither ingested nor on a list in force")).into());
        }
        profiles.push(profile(
            None,
            Some(imo.as_str()),
            listings,
            Possible::default(),
            Vec::new(),
        ));
    }
    match settings.format {
        Format::Json => {
            let all: Vec<_> = profiles.iter().map(to_json).collect();
            serde_json::to_writer_pretty(&mut *out, &all)?;
            writeln!(out)?;
        }
        Format::Table => {
            for (i, p) in profiles.iter().enumerate() {
                if i > 0 {
                    writeln!(out, "\n----\n")?;
                }
                write_table(p, out)?;
            }
        }
        Format::Geojson => {
            return Err(UserError::new("report vessel has no GeoJSON").into());
        }
        Format::Csv => {
            let mut rows = Rows::new(TIMELINE_COLUMNS);
            for p in &profiles {
                for t in &p.timeline {
                    rows.push(vec![
                        Cell::opt(p.imo.clone()),
                        Cell::from(t.attribute),
                        Cell::from(t.value.as_str()),
                        Cell::from(crate::model::ais::rfc3339(t.first_ms)),
                        Cell::from(crate::model::ais::rfc3339(t.last_ms)),
                        Cell::from(t.source.as_str()),
                        crate::report::identity::mmsi_cell(t.mmsi),
                    ]);
                }
            }
            rows.write_csv(out)?;
        }
    }
    Ok(Outcome::Success)
}

/// What the store's positions show for a profile: the behaviour events, the encounters
/// at sea of the vessels asked for, and the port calls of those vessels and of their
/// partners.
#[derive(Default)]
struct Detected {
    events: Events,
    encounters: Vec<Encounter>,
    calls: Vec<calls::CallRow>,
}

/// The events of one vessel's MMSIs (an interference event naming one of them too), and
/// its encounters at sea with its partners' port calls.
fn behaviour_of(found: &Detected, mmsis: &[u32], cx: &Context<'_>) -> EventRows {
    let mine = |m: &u32| mmsis.contains(m);
    let events = &found.events;
    let gaps = events
        .gaps
        .iter()
        .filter(|g| mine(&g.mmsi))
        .map(ClassedGap::line)
        .collect();
    let calls_of = |partner: u32| {
        let imo = cx.imo(partner);
        found
            .calls
            .iter()
            .filter(|c| c.mmsi == Some(partner) || (imo.is_some() && c.imo.as_deref() == imo))
            .map(|c| PartnerCall {
                locode: c.locode.clone(),
                arrival_ms: c.arrival_ms,
                departure_ms: c.departure_ms,
            })
            .collect()
    };
    let encounters = found
        .encounters
        .iter()
        .filter(|e| mine(&e.a) || mine(&e.b))
        .cloned()
        .collect();
    EventRows {
        gaps: gap_rows(gaps, cx),
        loitering: loiter_rows(events.loiters.iter().filter(|l| mine(&l.mmsi)).cloned().collect(), cx),
        anomalies: anomaly_rows(
            events
                .anomalies
                .iter()
                .filter(|a| a.vessels.iter().any(mine))
                .cloned()
                .collect(),
            cx,
        ),
        encounters: partner_rows(encounters, mmsis, &calls_of, cx),
    }
}

/// The behaviour events and encounters of the store's positions (all vessels: the
/// evidence of a gap is the others', and so are the partners), and the port calls of
/// the vessels' MMSIs and their partners', from one reading.
fn detected(
    store: &DataStore,
    loaded: &Loaded,
    mmsis: &[u32],
    ports: &crate::track::ports::Gazetteer,
) -> anyhow::Result<Detected> {
    let tracks = Tracks::from_store(store, &Filters::default(), Reach::Window, &|_| true)?;
    let land = LandMask::bundled().map_err(|e| UserError::new(format!("the bundled land mask: {e}")))?;
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
    let encounters: Vec<Encounter> = super::encounters::find(&tracks, &Encounters::DEFAULT, ports, false)?
        .into_iter()
        .filter(|e| e.port.is_none() && (mmsis.contains(&e.a) || mmsis.contains(&e.b)))
        .collect();
    let mut wanted: Vec<u32> = mmsis.to_vec();
    wanted.extend(encounters.iter().flat_map(|e| [e.a, e.b]));
    wanted.sort_unstable();
    wanted.dedup();
    let keep = |m: u32| wanted.binary_search(&m).is_ok();
    let detected = tracks.port_calls(ports, &Params::default(), &keep)?;
    let calls = calls::collect(detected, store.port_call_records()?, ports, &loaded.vessels);
    Ok(Detected {
        events,
        encounters,
        calls,
    })
}
