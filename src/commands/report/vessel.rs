//! `fleetwatch report vessel QUERY`: one vessel's profile. A query that names several
//! vessels shows each; an IMO with no ingested data still shows its listings. Listings
//! are by IMO or MMSI; name matches are possible matches, shown apart when asked for.
//! Its behaviour events and encounters come from the whole store's positions (the
//! evidence of a gap and the partner of an encounter are other vessels).

use std::io::Write;

use super::evidence::{self, Detected, Mine};
use super::{Loaded, facts, query_mmsis, vessel_matches};
use crate::error::{Outcome, UserError};
use crate::matching::screen::DEFAULT_MIN_SCORE;
use crate::matching::{Query, Screen, Strength};
use crate::model::ListVersion;
use crate::report::events::Context;
use crate::report::indicators::{Basis, indicators};
use crate::report::vessel::{Possible, Profile, profile, to_json, write_table};
use crate::report::{Cell, Format, Rows};
use crate::settings::{Filters, Settings};
use crate::store::data::DataStore;
use crate::track::land::LandMask;
use crate::track::timeline::Vessel;

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
    let mut loaded = Loaded::with_spans(settings, &store.spans()?)?;
    let ports = super::gazetteer::gazetteer(None, None)?;
    let mmsis = query_mmsis(&loaded.vessels, &q);
    // An MMSI that no identity record names may still have been heard.
    let named = loaded.vessels.iter().any(|v| vessel_matches(v, &q));
    let read = if named || (!mmsis.is_empty() && !store.manifest.positions.is_empty()) {
        Some(evidence::detect(&store, &loaded, &ports, Some(&mmsis))?)
    } else {
        None
    };
    let (found, read) = match read {
        Some((found, tracks, land)) => (found, Some((tracks, land))),
        None => (Detected::default(), None),
    };
    if !named {
        let heard = evidence::unnamed(&loaded.vessels, &found);
        loaded.vessels.extend(heard.into_iter().filter(|v| v.mmsis() == mmsis));
    }
    let screen = Screen::new(&loaded.lists);
    let vessels: Vec<&Vessel> = loaded.vessels.iter().filter(|v| vessel_matches(v, &q)).collect();
    let cx = Context::new(&loaded.vessels, &screen, &ports);
    let everything = Filters::default();
    let judge = Judge::new(&loaded, &found, &everything);
    let mine = found.by_vessel(&vessels, &everything);
    let mut profiles: Vec<Profile<'_>> = vessels
        .iter()
        .zip(&mine)
        .map(|(v, m)| profile_of(v, m, &found, &screen, &cx, include_possible, &judge))
        .collect();
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
        Format::Geojson | Format::Arrow => {
            return Err(UserError::new("report vessel has no GeoJSON or Arrow form").into());
        }
        Format::Html => {
            let (tracks, land) = match read {
                Some((tracks, land)) => (Some(tracks), land),
                None => (None, LandMask::bundled()?),
            };
            super::dossier::write(
                &store,
                &loaded,
                tracks.as_ref(),
                &land,
                &ports,
                &vessels,
                &profiles,
                out,
            )?;
        }
        Format::Csv => timeline_rows(&profiles).write_csv(out)?,
    }
    Ok(Outcome::Success)
}

/// The identity timelines of the profiles, a row per entry (`--format csv`).
fn timeline_rows(profiles: &[Profile<'_>]) -> Rows {
    let mut rows = Rows::new(TIMELINE_COLUMNS);
    for p in profiles {
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
    rows
}

/// What a profile's indicators are judged against: the lists in force, the window of
/// the events, and the end of the data (the newest fix or identity record of the store,
/// or the window's end before it).
pub(super) struct Judge<'a> {
    lists: &'a [ListVersion],
    window: &'a Filters,
    as_of_ms: i64,
}

impl<'a> Judge<'a> {
    pub(super) fn new(loaded: &'a Loaded, found: &Detected, window: &'a Filters) -> Self {
        let spans = loaded.vessels.iter().flat_map(|v| v.spans.iter()).map(|s| s.last_ms);
        let fixes = found.events.heard.values().map(|(_, last)| *last);
        let end = spans.chain(fixes).max().unwrap_or_default();
        Self {
            lists: &loaded.lists,
            window,
            as_of_ms: window.until_ms.map_or(end, |u| u.min(end)),
        }
    }

    /// Whether one of the vessel's transmitters was heard in the window.
    fn heard(&self, v: &Vessel, found: &Detected) -> bool {
        v.mmsis().iter().any(|m| {
            found.events.heard.get(m).is_some_and(|(first, last)| {
                self.window.since_ms.is_none_or(|t| *last >= t) && self.window.until_ms.is_none_or(|t| *first <= t)
            })
        })
    }
}

/// The profile of one ingested vessel: its listings (by IMO or MMSI), its possible
/// matches by name (shown with `include_possible`, else counted), its port calls, its
/// events and its indicators.
pub(super) fn profile_of<'a>(
    v: &Vessel,
    mine: &Mine<'_>,
    found: &Detected,
    screen: &'a Screen<'a>,
    cx: &Context<'_>,
    include_possible: bool,
    judge: &Judge<'_>,
) -> Profile<'a> {
    let joined = screen.join_vessel(&facts(v), true);
    let (listings, possible): (Vec<_>, Vec<_>) = joined.into_iter().partition(|m| m.strength == Strength::Identified);
    let listings = listings.into_iter().map(|m| m.hull).collect();
    let possible = Possible {
        hidden: if include_possible { 0 } else { possible.len() },
        shown: if include_possible { possible } else { Vec::new() },
    };
    let mut p = profile(Some(v), None, listings, possible, evidence::call_lines(mine, screen));
    p.behaviour = Some(found.rows(mine, &v.mmsis(), cx));
    let basis = Basis {
        lists: judge.lists,
        as_of_ms: judge.as_of_ms,
        heard: judge.heard(v, found),
    };
    p.indicators = indicators(&p, Some(v), &basis);
    p
}
