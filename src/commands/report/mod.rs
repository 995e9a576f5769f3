//! `fleetwatch report ...`: one module per report, and what they share — the store's
//! vessels, the lists in force, and the filters.

pub mod behaviour;
pub mod changes;
pub mod detect;
pub mod dossier;
pub mod encounters;
pub mod events;
pub mod evidence;
pub mod flags;
pub mod gazetteer;
pub mod indicators;
pub mod inputs;
pub mod listed;
pub mod port_calls;
pub mod renames;
pub mod stage;
pub mod track;
pub mod vessel;

use std::io::Write;

use crate::cli::ReportCommand;
use crate::error::Outcome;
use crate::matching::screen::DEFAULT_MIN_SCORE;
use crate::matching::{Query, Screen, VesselFacts, normalize, score};
use crate::model::ListVersion;
use crate::model::identity::IdentitySpan;
use crate::settings::{Filters, Settings};
use crate::store::ListCatalog;
use crate::store::data::DataStore;
use crate::track::timeline::{self, Vessel};

pub fn run(
    settings: &Settings,
    command: &ReportCommand,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    match command {
        ReportCommand::Renames(f) => renames::run(settings, &Filters::resolve(f)?, out),
        ReportCommand::Flags(f) => flags::run(settings, &Filters::resolve(f)?, out),
        ReportCommand::Listed(args) => {
            listed::run(settings, &Filters::resolve(&args.filters)?, args.include_possible, out)
        }
        ReportCommand::Vessel {
            query,
            include_possible,
        } => vessel::run(settings, query, *include_possible, out),
        ReportCommand::PortCalls(args) => port_calls::run(settings, args, out, err),
        ReportCommand::Gaps(args) => events::gaps(settings, args, out, err),
        ReportCommand::Loitering(args) => events::loitering(settings, args, out, err),
        ReportCommand::Anomalies(args) => events::anomalies(settings, args, out, err),
        ReportCommand::Encounters(args) => encounters::run(settings, args, out, err),
        ReportCommand::Indicators(args) => indicators::run(settings, args, out),
        ReportCommand::Track(args) => track::run(settings, args, out, err),
        ReportCommand::Changes { filters, list } => changes::run(settings, filters, list.as_deref(), out),
    }
}

/// The store's vessels and the lists in force, loaded once for a report.
pub struct Loaded {
    pub vessels: Vec<Vessel>,
    pub lists: Vec<ListVersion>,
}

impl Loaded {
    pub fn open(settings: &Settings) -> anyhow::Result<Self> {
        let store = DataStore::open(&settings.data_dir)?;
        Self::with_spans(settings, &store.spans()?)
    }

    /// The vessels of these identity spans (not the store's), and the lists in force.
    pub fn with_spans(settings: &Settings, spans: &[IdentitySpan]) -> anyhow::Result<Self> {
        Ok(Self {
            vessels: timeline::vessels(spans),
            lists: ListCatalog::open(&settings.data_dir)?.effective()?,
        })
    }
}

/// Whether a vessel is the one a query names: its IMO, one of its MMSIs, or a name it
/// bore scoring at least the default match threshold.
pub fn vessel_matches(v: &Vessel, q: &Query) -> bool {
    match q {
        Query::Imo(i) => v.imo() == Some(i.as_str()),
        Query::Mmsi(m) => v.mmsis().iter().any(|x| crate::model::mmsi::digits(*x) == m.as_str()),
        Query::Name(n) => {
            let q = normalize(n);
            v.names()
                .iter()
                .any(|name| score(&q, &normalize(name)) >= DEFAULT_MIN_SCORE)
        }
    }
}

/// The MMSIs a query names: those of the vessels it matches, and the MMSI it is (named
/// by an identity record or not), sorted.
pub fn query_mmsis(vessels: &[Vessel], q: &Query) -> Vec<u32> {
    let mut mmsis: Vec<u32> = vessels
        .iter()
        .filter(|v| vessel_matches(v, q))
        .flat_map(Vessel::mmsis)
        .collect();
    if let Query::Mmsi(m) = q
        && let Ok(m) = m.as_str().parse::<u32>()
    {
        mmsis.push(m);
    }
    mmsis.sort_unstable();
    mmsis.dedup();
    mmsis
}

/// The vessels the filters keep (vessel query and `--listed-only`).
pub fn selected<'v>(loaded: &'v Loaded, screen: &Screen<'_>, filters: &Filters) -> Vec<&'v Vessel> {
    loaded
        .vessels
        .iter()
        .filter(|v| filters.vessel.as_ref().is_none_or(|q| vessel_matches(v, q)))
        .filter(|v| !filters.listed_only || is_listed(screen, v))
        .collect()
}

/// Listed by IMO or MMSI: a name never makes a vessel listed.
pub fn is_listed(screen: &Screen<'_>, v: &Vessel) -> bool {
    !screen.identified(v.imo(), &v.mmsis()).is_empty()
}

/// What an ingested vessel says about itself, for its join to the lists.
pub fn facts(v: &Vessel) -> VesselFacts<'_> {
    VesselFacts {
        imo: v.imo(),
        mmsis: v.mmsis(),
        names: v.names(),
        ship_type: v.ship_type(),
        length_m: v.length_m(),
    }
}
