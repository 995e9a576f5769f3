//! Port calls detected from positions, for `report port-calls` and `report vessel`: the
//! store's positions of a window, or positions read from files for one report, grouped
//! by vessel in bounded memory, then detected a slice of vessels at a time on every core.

use anyhow::Context;

use crate::model::ais::{FixRow, Fixes};
use crate::pool;
use crate::settings::Filters;
use crate::spool::{DayRows, Staging};
use crate::store::data::DataStore;
use crate::store::tables::Columns;
use crate::track::portcalls::{Call, Params, detect_vessels};
use crate::track::ports::Gazetteer;

/// Positions a detection holds in memory, in MiB; beyond it they wait in a temporary
/// directory, so a window of any number of days is read in bounded memory.
const DETECT_BUFFER_MIB: usize = 512;
/// Rows of vessels detected at a time (16 MiB of rows).
const DETECT_SLICE_ROWS: usize = 1 << 19;

/// The calls detected in the stored positions of the days in the filter window (with a
/// margin of two days for calls across its edges), for the MMSIs `keep` accepts. The
/// positions are grouped by vessel, then detected a slice of vessels at a time on every
/// core.
pub fn detect(
    store: &DataStore,
    filters: &Filters,
    ports: &Gazetteer,
    params: &Params,
    keep: &(dyn Fn(u32) -> bool + Sync),
) -> anyhow::Result<Vec<Call>> {
    let margin = 86_400_000 * 2;
    let wanted = store.manifest.positions.keys().copied().filter(|day| {
        let day_ms = day.and_hms_opt(0, 0, 0).map_or(0, |d| d.and_utc().timestamp_millis());
        filters.since_ms.is_none_or(|s| day_ms + 86_400_000 + margin > s)
            && filters.until_ms.is_none_or(|u| day_ms - margin <= u)
    });
    let staging = detection_staging();
    // Detection reads neither course nor heading.
    let rows = store.positions_by_vessel(wanted, Columns::NoCourse, keep, &staging)?;
    let slices = rows.vessel_slices(DETECT_SLICE_ROWS);
    let found = pool::each_with(
        &slices,
        <(Vec<Fixes>, Vec<FixRow>)>::default,
        |(sets, merged), mmsis| {
            // Each block holds a run of one stored file, sorted: merged, not sorted again.
            let n = rows
                .gather_vessels(mmsis, sets)
                .context("cannot read the staged positions")?;
            Fixes::merge_sorted_into(&mut sets[..n], merged);
            Ok::<_, anyhow::Error>(detect_vessels(merged, ports, params))
        },
    )?;
    Ok(found.into_iter().flatten().collect())
}

/// Where positions wait for detection: memory up to a budget, then a temporary
/// directory (all in memory when none can be made).
pub fn detection_staging() -> Staging {
    // The staging removes its directory when dropped.
    let dir = tempfile::Builder::new().prefix("fleetwatch-").tempdir().ok();
    dir.and_then(|d| Staging::in_dir(&d.keep(), (DETECT_BUFFER_MIB << 20) / FixRow::BYTES).ok())
        .unwrap_or_else(Staging::in_memory)
}

/// The calls detected in positions as read from files (not sorted; a repeated (MMSI,
/// time) counts once), for the MMSIs `keep` accepts: a slice of vessels at a time, each
/// gathered and sorted, on every core.
pub fn detect_unsorted(
    rows: &DayRows,
    ports: &Gazetteer,
    params: &Params,
    keep: &(dyn Fn(u32) -> bool + Sync),
) -> anyhow::Result<Vec<Call>> {
    let slices = rows
        .slices(DETECT_SLICE_ROWS)
        .context("cannot read the staged positions")?;
    let found = pool::each_with(&slices, <(Fixes, Vec<FixRow>)>::default, |(batch, scratch), slice| {
        rows.gather_into(slice, &mut batch.rows)
            .context("cannot read the staged positions")?;
        batch.rows.retain(|r| keep(r.mmsi));
        batch.sort_dedup_with(scratch);
        Ok::<_, anyhow::Error>(detect_vessels(&batch.rows, ports, params))
    })?;
    Ok(found.into_iter().flatten().collect())
}
