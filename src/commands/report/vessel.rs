//! `fleetwatch report vessel QUERY`: one vessel's profile. A query that names several
//! vessels shows each; an IMO with no ingested data still shows its listings. Listings
//! are by IMO or MMSI; name matches are possible matches, shown apart when asked for.

use std::io::Write;

use super::behaviour::{ClassedGap, Events, Want, events};
use super::detect::{Reach, Tracks};
use super::{Loaded, facts, gazetteer, vessel_matches};
use crate::error::{Outcome, UserError};
use crate::matching::screen::DEFAULT_MIN_SCORE;
use crate::matching::{Query, Screen, Strength};
use crate::report::calls;
use crate::report::events::{Context, anomaly_rows, gap_rows, loiter_rows};
use crate::report::vessel::EventRows;
use crate::report::vessel::{CallLine, Possible, profile, to_json, write_table};
use crate::report::{Cell, Format, Rows};
use crate::settings::Filters;
use crate::settings::Settings;
use crate::store::data::DataStore;
use crate::track::behaviour::Params as Behaviour;
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
    let loaded = Loaded::open(settings)?;
    let screen = Screen::new(&loaded.lists);
    let vessels: Vec<_> = loaded.vessels.iter().filter(|v| vessel_matches(v, &q)).collect();
    let store = DataStore::open(&settings.data_dir)?;
    let ports = gazetteer::gazetteer(None, None)?;
    let (found, calls) = if vessels.is_empty() {
        (Events::default(), Vec::new())
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
        let mine: Vec<CallLine> = calls
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

/// The events of one vessel's MMSIs (an interference event naming one of them too).
fn behaviour_of(found: &Events, mmsis: &[u32], cx: &Context<'_>) -> EventRows {
    let mine = |m: &u32| mmsis.contains(m);
    let gaps = found
        .gaps
        .iter()
        .filter(|g| mine(&g.mmsi))
        .map(ClassedGap::line)
        .collect();
    EventRows {
        gaps: gap_rows(gaps, cx),
        loitering: loiter_rows(found.loiters.iter().filter(|l| mine(&l.mmsi)).cloned().collect(), cx),
        anomalies: anomaly_rows(
            found
                .anomalies
                .iter()
                .filter(|a| a.vessels.iter().any(mine))
                .cloned()
                .collect(),
            cx,
        ),
    }
}

/// The behaviour events of the store's positions (all vessels: the evidence of a gap is
/// the others'), and the port calls of the vessels' MMSIs, from one reading.
fn detected(
    store: &DataStore,
    loaded: &Loaded,
    mmsis: &[u32],
    ports: &crate::track::ports::Gazetteer,
) -> anyhow::Result<(Events, Vec<calls::CallRow>)> {
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
    let found = events(&tracks, &loaded.vessels, &want)?;
    let keep = |m: u32| mmsis.contains(&m);
    let detected = tracks.port_calls(ports, &Params::default(), &keep)?;
    let calls = calls::collect(detected, store.port_call_records()?, ports, &loaded.vessels);
    Ok((found, calls))
}
