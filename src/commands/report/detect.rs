//! Vessel tracks for the reports that detect something in positions (port calls, gaps,
//! loitering, anomalies, encounters): the store's positions of a window, read by each
//! pass a row group at a time on every core, or positions read from files for one
//! report; handed to a rule a slice of whole vessels at a time (sorted by MMSI and
//! time), in bounded memory.
//!
//! A stored file is sorted by vessel, and a row group's statistics give its first and
//! last MMSI: a vessel that no other row group of the window can hold goes to the rule
//! straight from its group as it is read. Only the vessels that several groups may hold
//! (one across two groups, or seen on several days) are staged and merged first.

use std::ops::RangeInclusive;

use anyhow::Context;

use crate::model::ais::{FixRow, Fixes};
use crate::pool;
use crate::settings::Filters;
use crate::spool::{DayRows, Positions, Staging, VesselSlice};
use crate::store::data::DataStore;
use crate::store::tables::{self, Columns, RowGroup};
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
    source: Source,
}

enum Source {
    /// The store's row groups of a window, read again by every pass. The rows of a
    /// vessel that one row group alone holds go to the rule as they are read (the
    /// groups on every core); the vessels that several groups may hold (the MMSIs of
    /// `shared`, sorted: a vessel across two groups or days) are gathered first.
    Store {
        groups: Vec<RowGroup>,
        shared: Vec<RangeInclusive<u32>>,
    },
    /// Positions as read from files, not sorted.
    Rows {
        rows: DayRows,
        /// Keeps the staging directory until the report is done.
        _staging: Staging,
    },
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
    /// The store's positions of the days in the filter window (their files' footers
    /// are read here, their rows by each pass); course and heading are not read.
    pub fn from_store(store: &DataStore, filters: &Filters, reach: Reach) -> anyhow::Result<Self> {
        let wanted = store.manifest.positions.keys().copied().filter(|day| {
            let day_ms = day.and_hms_opt(0, 0, 0).map_or(0, |d| d.and_utc().timestamp_millis());
            filters.since_ms.is_none_or(|s| day_ms + 86_400_000 + MARGIN_MS > s)
                && (reach == Reach::WindowToEnd || filters.until_ms.is_none_or(|u| day_ms - MARGIN_MS <= u))
        });
        let groups = store.position_groups(wanted)?;
        let shared = shared_mmsis(&groups.iter().map(|g| g.mmsis.clone()).collect::<Vec<_>>());
        Ok(Self {
            source: Source::Store { groups, shared },
        })
    }

    /// Positions as read from files (not sorted; a repeated (MMSI, time) counts once).
    pub fn from_rows(rows: DayRows, staging: Staging) -> Self {
        Self {
            source: Source::Rows {
                rows,
                _staging: staging,
            },
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

    /// [`Tracks::each`] over the vessels of `mmsis` (sorted) alone: the store's row
    /// groups that hold none of them are not read.
    pub fn each_of<T: Send>(&self, mmsis: &[u32], rule: &(dyn Fn(&[FixRow]) -> T + Sync)) -> anyhow::Result<Vec<T>> {
        self.each_within(Some(mmsis), &|m| mmsis.binary_search(&m).is_ok(), rule)
    }

    fn each_within<T: Send>(
        &self,
        only: Option<&[u32]>,
        keep: &(dyn Fn(u32) -> bool + Sync),
        rule: &(dyn Fn(&[FixRow]) -> T + Sync),
    ) -> anyhow::Result<Vec<T>> {
        match &self.source {
            Source::Store { groups, shared } => {
                let wanted = |m: u32| keep(m) && only.is_none_or(|o| o.binary_search(&m).is_ok());
                each_stored(groups, shared, only, &wanted, rule)
            }
            Source::Rows { rows, .. } => {
                let slices = rows
                    .slices(DETECT_SLICE_ROWS)
                    .context("cannot read the staged positions")?;
                pool::each_with(&slices, <(Fixes, Vec<FixRow>)>::default, |(batch, scratch), slice| {
                    rows.gather_into(slice, &mut batch.rows)
                        .context("cannot read the staged positions")?;
                    batch.rows.retain(|r| keep(r.mmsi));
                    batch.sort_dedup_with(scratch);
                    Ok::<_, anyhow::Error>(rule(&batch.rows))
                })
            }
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

    /// The port calls of the vessels of `mmsis` (sorted): the store's row groups that
    /// hold none of them are not read.
    pub fn port_calls_of(&self, ports: &Gazetteer, params: &Params, mmsis: &[u32]) -> anyhow::Result<Vec<Call>> {
        let found = self.each_of(mmsis, &|rows| detect_vessels(rows, ports, params))?;
        Ok(found.into_iter().flatten().collect())
    }
}

/// One pass of `rule` over the store's row groups `groups` (those that may hold a
/// vessel of `only`, when given), for the vessels `wanted` accepts; the results in MMSI
/// order. Each group is read on a core of its own; its runs of vessels that no other
/// group holds go to the rule where they lie, and the rows of the others are staged,
/// then merged by vessel and handed on.
fn each_stored<T: Send>(
    groups: &[RowGroup],
    shared: &[RangeInclusive<u32>],
    only: Option<&[u32]>,
    wanted: &(dyn Fn(u32) -> bool + Sync),
    rule: &(dyn Fn(&[FixRow]) -> T + Sync),
) -> anyhow::Result<Vec<T>> {
    // Of an MMSI: the shared ranges from its own down (so two lone vessels with the same
    // count have no shared vessel between them), and whether it is in one of them.
    let place = |m: u32| {
        let k = shared.partition_point(|r| *r.start() <= m);
        (k, k > 0 && shared[k - 1].contains(&m))
    };
    let read: Vec<&RowGroup> = groups
        .iter()
        .filter(|g| only.is_none_or(|o| holds_any(o, &g.mmsis)))
        .collect();
    let staging = detection_staging();
    let passed = pool::each_with(&read, Vec::<FixRow>::new, |rows, group| {
        tables::read_row_group(group, Columns::NoCourse, rows)?;
        if !Fixes::sorted_unique(rows) {
            // A file out of order: its vessels' rows are still this group's alone.
            let mut fixes = Fixes {
                rows: std::mem::take(rows),
            };
            fixes.sort_dedup();
            *rows = fixes.rows;
        }
        let mut found: Vec<(u32, T)> = Vec::new();
        let mut gathered: Vec<FixRow> = Vec::new();
        // The run of lone vessels wanted so far: its first row, and its vessels' place.
        // A run ends where a vessel is not wanted or is shared, or where shared vessels
        // (of other groups) lie between two of its own: it is handed on in MMSI order.
        let mut run: Option<(usize, usize)> = None;
        let mut at = 0;
        for fixes in rows.chunk_by(|a, b| a.mmsi == b.mmsi) {
            let mmsi = fixes[0].mmsi;
            let (want, (k, shared)) = (wanted(mmsi), place(mmsi));
            if run.is_some_and(|(_, in_run)| !want || shared || in_run != k)
                && let Some((from, _)) = run.take()
            {
                found.push((rows[from].mmsi, rule(&rows[from..at])));
            }
            if want && !shared {
                run.get_or_insert((at, k));
            } else if want {
                gathered.extend_from_slice(fixes);
            }
            at += fixes.len();
        }
        if let Some((from, _)) = run {
            found.push((rows[from].mmsi, rule(&rows[from..])));
        }
        let mut spool = staging.spool();
        spool.push_sorted(0, gathered);
        let staged = spool.finish().context("cannot stage positions")?;
        Ok::<_, anyhow::Error>((found, staged))
    })?;
    let mut found = Vec::new();
    let mut staged = Positions::default();
    for (part, rows) in passed {
        found.extend(part);
        staged.append(rows);
    }
    // The vessels several groups hold: merged from every group's rows of them, a slice
    // within one shared range at a time (between two ranges lie vessels handed on
    // already, so a slice across them would come out of MMSI order).
    let staged = staged.into_rows();
    let slices: Vec<VesselSlice> = if staged.is_empty() {
        Vec::new()
    } else {
        shared
            .iter()
            .flat_map(|r| staged.vessel_slices(DETECT_SLICE_ROWS, &|m| r.contains(&m)))
            .collect()
    };
    let merged = pool::each_with(
        &slices,
        <(Vec<Fixes>, Vec<FixRow>)>::default,
        |(sets, merged), slice| {
            let rows = staged
                .vessel_rows(slice, sets, merged)
                .context("cannot read the staged positions")?;
            Ok::<_, anyhow::Error>(rows.first().map(|r| (r.mmsi, rule(rows))))
        },
    )?;
    found.extend(merged.into_iter().flatten());
    found.sort_by_key(|(mmsi, _)| *mmsi);
    Ok(found.into_iter().map(|(_, t)| t).collect())
}

/// Whether any MMSI of `mmsis` (sorted) lies in `range`.
fn holds_any(mmsis: &[u32], range: &RangeInclusive<u32>) -> bool {
    let k = mmsis.partition_point(|m| m < range.start());
    mmsis.get(k).is_some_and(|m| m <= range.end())
}

/// The MMSIs that two or more of `ranges` (of row groups) hold, as sorted ranges that
/// neither overlap nor touch.
fn shared_mmsis(ranges: &[RangeInclusive<u32>]) -> Vec<RangeInclusive<u32>> {
    // +1 where a range starts, -1 one past where it ends.
    let mut edges: Vec<(u64, i32)> = ranges
        .iter()
        .flat_map(|r| [(u64::from(*r.start()), 1), (u64::from(*r.end()) + 1, -1)])
        .collect();
    edges.sort_unstable();
    let mut shared: Vec<RangeInclusive<u32>> = Vec::new();
    let (mut depth, mut from) = (0, 0u64);
    for (at, step) in edges {
        let before = depth;
        depth += step;
        if before < 2 && depth >= 2 {
            from = at;
        } else if before >= 2 && depth < 2 && at > from {
            // Both ends are MMSIs: `at - 1` is the last one of a range (at most u32::MAX).
            let (lo, hi) = (
                u32::try_from(from).unwrap_or(u32::MAX),
                u32::try_from(at - 1).unwrap_or(u32::MAX),
            );
            match shared.last_mut() {
                Some(last) if u64::from(*last.end()) + 1 >= from => *last = *last.start()..=hi,
                _ => shared.push(lo..=hi),
            }
        }
    }
    shared
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ais::Fix;

    const DAY_MS: i64 = 86_400_000;
    const MMSI: u32 = 211_000_000;

    fn fix(mmsi: u32, ts_ms: i64) -> FixRow {
        FixRow::from(Fix {
            mmsi,
            ts_ms,
            lat: 55.0,
            lon: 11.0,
            sog_kn: Some(0.5),
            cog_deg: None,
            heading_deg: None,
            nav_status: None,
            draught_m: None,
        })
    }

    fn group(lo: u32, hi: u32) -> RangeInclusive<u32> {
        lo..=hi
    }

    #[test]
    fn the_mmsis_several_groups_may_hold_are_where_their_ranges_overlap() {
        let groups = [group(1, 5), group(5, 9), group(20, 30), group(25, 26), group(31, 40)];
        assert_eq!(shared_mmsis(&groups), vec![5..=5, 25..=26]);
        // Ranges of overlap that touch are one; a group of every MMSI shares them all.
        let groups = [group(1, 10), group(3, 5), group(6, 8)];
        assert_eq!(shared_mmsis(&groups), vec![3..=8]);
        let groups = [group(0, u32::MAX), group(7, 7)];
        assert_eq!(shared_mmsis(&groups), vec![7..=7]);
        assert_eq!(
            shared_mmsis(&[group(0, u32::MAX), group(0, u32::MAX)]),
            vec![0..=u32::MAX]
        );
        assert!(shared_mmsis(&[group(1, 4), group(5, 9)]).is_empty());
        assert!(holds_any(&[3, 9, 12], &(9..=11)));
        assert!(!holds_any(&[3, 8, 12], &(9..=11)));
    }

    /// Two days of a store: the first 300 vessels of 1,000 fixes (a row group of
    /// 262,144 rows cuts vessel 262 in two), the second ten of those vessels again.
    fn two_days(dir: &std::path::Path) -> (Tracks, Vec<FixRow>) {
        let first: Vec<FixRow> = (0..300u32)
            .flat_map(|v| (0..1000i64).map(move |i| fix(MMSI + v, i * 60_000)))
            .collect();
        let second: Vec<FixRow> = (250..260u32)
            .flat_map(|v| (0..10i64).map(move |i| fix(MMSI + v, DAY_MS + i * 60_000)))
            .collect();
        let mut groups = Vec::new();
        for (name, rows) in [("a.parquet", &first), ("b.parquet", &second)] {
            let path = dir.join(name);
            let mut once = Some(rows.clone());
            tables::write_positions_from(&path, |batch| {
                once.take().is_some_and(|rows| {
                    batch.rows = rows;
                    true
                })
            })
            .unwrap();
            groups.extend(tables::row_groups(&path).unwrap());
        }
        assert_eq!(groups.len(), 3, "the first day in two row groups");
        let shared = shared_mmsis(&groups.iter().map(|g| g.mmsis.clone()).collect::<Vec<_>>());
        let mut all = [first, second].concat();
        all.sort_by_key(|r| (r.mmsi, r.ts_ms));
        (
            Tracks {
                source: Source::Store { groups, shared },
            },
            all,
        )
    }

    #[test]
    fn stored_vessels_reach_the_rule_whole_and_sorted_whichever_groups_hold_them() {
        let dir = tempfile::tempdir().unwrap();
        let (tracks, all) = two_days(dir.path());
        let keys = |rows: &[FixRow]| rows.iter().map(|r| (r.mmsi, r.ts_ms)).collect::<Vec<_>>();
        let calls = tracks.each(&|_| true, &|rows| keys(rows)).unwrap();
        // Every row once, in MMSI and time order, each vessel in one call.
        // (Vessels 260 and 261 lie in the first group alone, between the shared 250-259
        // and 262: they are handed on between them.)
        let (got, want) = (calls.concat(), keys(&all));
        let first = got.iter().zip(&want).position(|(a, b)| a != b);
        assert!(got == want, "apart from row {first:?}");
        let mut seen: Vec<u32> = calls
            .iter()
            .flat_map(|c| {
                let mut m: Vec<u32> = c.iter().map(|k| k.0).collect();
                m.dedup();
                m
            })
            .collect();
        assert_eq!(seen.len(), 300);
        seen.dedup();
        assert_eq!(seen.len(), 300, "no vessel split between calls");
        // The vessels the second day shares and the one cut by a row group went
        // through the gathered path; the others where they lay.
        assert!(calls.len() >= 4);

        // Kept vessels alone, lone and shared alike.
        let keep = |m: u32| m.is_multiple_of(3);
        let kept = tracks.each(&keep, &|rows| keys(rows)).unwrap().concat();
        let expected: Vec<FixRow> = all.iter().copied().filter(|r| keep(r.mmsi)).collect();
        assert!(!expected.is_empty());
        assert_eq!(kept, keys(&expected));

        // A few vessels: a lone one, the cut one, a shared one.
        let only = [MMSI + 3, MMSI + 255, MMSI + 262];
        let got = tracks.each_of(&only, &|rows| keys(rows)).unwrap().concat();
        let expected: Vec<FixRow> = all.iter().copied().filter(|r| only.contains(&r.mmsi)).collect();
        assert_eq!(expected.len(), 1000 + 1010 + 1000);
        assert_eq!(got, keys(&expected));
    }
}
