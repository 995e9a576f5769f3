//! Vessel tracks for the reports that detect something in positions (port calls, gaps,
//! loitering, anomalies): the store's positions of a window, or positions read from
//! files for one report, grouped by vessel in bounded memory, then handed to a rule a
//! slice of whole vessels at a time (sorted by MMSI and time), on every core.

use anyhow::Context;

use crate::model::ais::{FixRow, Fixes};
use crate::pool;
use crate::settings::Filters;
use crate::spool::{DayRows, Staging, VesselSlice};
use crate::store::data::DataStore;
use crate::store::tables::Columns;
use crate::track::portcalls::{Call, Params, detect_vessels};
use crate::track::ports::Gazetteer;

/// Positions a detection holds in memory, in MiB; beyond it they wait in a temporary
/// directory, so a window of any number of days is read in bounded memory.
const DETECT_BUFFER_MIB: usize = 512;
/// Rows of vessels detected at a time (16 MiB of rows).
const DETECT_SLICE_ROWS: usize = 1 << 19;
/// Days read before a window (and after it, for port calls), so that events across its
/// edges are whole.
const MARGIN_MS: i64 = 86_400_000 * 2;

/// Positions grouped by vessel.
pub struct Tracks {
    rows: DayRows,
    /// Whether the rows came sorted by vessel (the store's) or as files gave them.
    by_vessel: bool,
    /// Keeps the staging directory until the report is done.
    _staging: Staging,
}

/// Which of the store's days a detection reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The window with two days on each side.
    Window,
    /// From two days before the window to the newest day stored: an event that starts
    /// in the window is seen to its end (a gap to the fix that closes it).
    WindowToEnd,
}

impl Tracks {
    /// The store's positions of the days in the filter window, for the MMSIs `keep`
    /// accepts; course and heading are not read.
    pub fn from_store(
        store: &DataStore,
        filters: &Filters,
        reach: Reach,
        keep: &(dyn Fn(u32) -> bool + Sync),
    ) -> anyhow::Result<Self> {
        let wanted = store.manifest.positions.keys().copied().filter(|day| {
            let day_ms = day.and_hms_opt(0, 0, 0).map_or(0, |d| d.and_utc().timestamp_millis());
            filters.since_ms.is_none_or(|s| day_ms + 86_400_000 + MARGIN_MS > s)
                && (reach == Reach::WindowToEnd || filters.until_ms.is_none_or(|u| day_ms - MARGIN_MS <= u))
        });
        let staging = detection_staging();
        let rows = store.positions_by_vessel(wanted, Columns::NoCourse, keep, &staging)?;
        Ok(Self {
            rows,
            by_vessel: true,
            _staging: staging,
        })
    }

    /// Positions as read from files (not sorted; a repeated (MMSI, time) counts once).
    pub fn from_rows(rows: DayRows, staging: Staging) -> Self {
        Self {
            rows,
            by_vessel: false,
            _staging: staging,
        }
    }

    /// `rule` over every vessel of the MMSIs `keep` accepts, a slice of whole vessels at
    /// a time (rows sorted by MMSI and time, a repeated time once), on every core; the
    /// results in MMSI order.
    pub fn each<T: Send>(
        &self,
        keep: &(dyn Fn(u32) -> bool + Sync),
        rule: &(dyn Fn(&[FixRow]) -> T + Sync),
    ) -> anyhow::Result<Vec<T>> {
        self.each_within(None, keep, rule)
    }

    /// [`Tracks::each`] over the vessels of `mmsis` (sorted) alone: the store's slices of
    /// vessels that hold none of them are not read.
    pub fn each_of<T: Send>(&self, mmsis: &[u32], rule: &(dyn Fn(&[FixRow]) -> T + Sync)) -> anyhow::Result<Vec<T>> {
        self.each_within(Some(mmsis), &|m| mmsis.binary_search(&m).is_ok(), rule)
    }

    fn each_within<T: Send>(
        &self,
        only: Option<&[u32]>,
        keep: &(dyn Fn(u32) -> bool + Sync),
        rule: &(dyn Fn(&[FixRow]) -> T + Sync),
    ) -> anyhow::Result<Vec<T>> {
        if self.by_vessel {
            let wanted = |m: u32| keep(m) && only.is_none_or(|o| o.binary_search(&m).is_ok());
            let slices = self.rows.vessel_slices(DETECT_SLICE_ROWS, &wanted);
            pool::each_with(
                &slices,
                <(Vec<Fixes>, Vec<FixRow>)>::default,
                |(sets, merged), slice| {
                    let rows = self
                        .rows
                        .vessel_rows(slice, only, sets, merged)
                        .context("cannot read the staged positions")?;
                    if matches!(slice, VesselSlice::Lying { .. }) {
                        return Ok(rule(rows));
                    }
                    // Gathered by MMSI range: it may hold vessels not wanted.
                    merged.retain(|r| wanted(r.mmsi));
                    Ok::<_, anyhow::Error>(rule(merged))
                },
            )
        } else {
            let slices = self
                .rows
                .slices(DETECT_SLICE_ROWS)
                .context("cannot read the staged positions")?;
            pool::each_with(&slices, <(Fixes, Vec<FixRow>)>::default, |(batch, scratch), slice| {
                self.rows
                    .gather_into(slice, &mut batch.rows)
                    .context("cannot read the staged positions")?;
                batch.rows.retain(|r| keep(r.mmsi));
                batch.sort_dedup_with(scratch);
                Ok::<_, anyhow::Error>(rule(&batch.rows))
            })
        }
    }

    /// The port calls of the vessels `keep` accepts.
    pub fn port_calls(
        &self,
        ports: &Gazetteer,
        params: &Params,
        keep: &(dyn Fn(u32) -> bool + Sync),
    ) -> anyhow::Result<Vec<Call>> {
        let found = self.each(keep, &|rows| detect_vessels(rows, ports, params))?;
        Ok(found.into_iter().flatten().collect())
    }
}

/// Where positions wait for detection: memory up to a budget, then a temporary
/// directory (all in memory when none can be made).
pub fn detection_staging() -> Staging {
    staging(DETECT_BUFFER_MIB)
}

/// Rows in memory up to `budget_mib`, then in a temporary directory.
pub fn staging(budget_mib: usize) -> Staging {
    // The staging removes its directory when dropped.
    let dir = tempfile::Builder::new().prefix("fleetwatch-").tempdir().ok();
    dir.and_then(|d| Staging::in_dir(&d.keep(), (budget_mib << 20) / FixRow::BYTES).ok())
        .unwrap_or_else(Staging::in_memory)
}
