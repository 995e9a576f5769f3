//! The anomalies that take more than one transmitter to see: one IMO broadcast by two
//! MMSIs whose tracks overlap in time far apart (`imo_clash`), and areas where several
//! vessels' positions went wrong within the same hour (`interference`: GNSS jamming or
//! spoofing), which take in those vessels' own anomalies. No I/O.

use super::behaviour::{Anomaly, Kind};
use super::clean::KM_PER_NM;
use crate::model::ais::FixRow;
use crate::model::port::{distance_km, within_km};

const H: i64 = 3_600_000;
/// `imo_clash`: this far apart at the same hour.
pub const CLASH_KM: f64 = 50.0 * KM_PER_NM;
/// Hours of clash less than this apart are one clash.
const CLASH_JOIN_MS: i64 = 6 * H;
/// `interference`: this many vessels within this distance of each other in one hour.
pub const INTERFERENCE_VESSELS: usize = 3;
pub const INTERFERENCE_KM: f64 = 30.0 * KM_PER_NM;

/// The clashes between two transmitters of one IMO: hours at which both were heard
/// at least 50 nm apart (their first fix of the hour), runs of them less than 6 hours
/// apart being one clash. `a` and `b` are the hourly fixes of each, in time order.
pub fn imo_clashes(imo: &str, a: &[FixRow], b: &[FixRow]) -> Vec<Anomaly> {
    let mut out: Vec<Anomaly> = Vec::new();
    let mut j = 0;
    for fa in a {
        let hour = fa.ts_ms.div_euclid(H);
        while j < b.len() && b[j].ts_ms.div_euclid(H) < hour {
            j += 1;
        }
        let Some(fb) = b.get(j).filter(|f| f.ts_ms.div_euclid(H) == hour) else {
            continue;
        };
        let km = distance_km(fa.lat(), fa.lon(), fb.lat(), fb.lon());
        if km < CLASH_KM {
            continue;
        }
        let at = fa.ts_ms.max(fb.ts_ms);
        if let Some(last) = out.last_mut()
            && at - last.end_ms < CLASH_JOIN_MS
        {
            last.end_ms = at;
            continue;
        }
        out.push(Anomaly {
            kind: Kind::ImoClash,
            mmsi: fa.mmsi,
            start_ms: fa.ts_ms.min(fb.ts_ms),
            end_ms: at,
            lat: fa.lat(),
            lon: fa.lon(),
            other_mmsi: Some(fb.mmsi),
            other: Some((fb.lat(), fb.lon())),
            distance_km: Some(km),
            vessels: vec![fa.mmsi, fb.mmsi],
            detail: format!("IMO {imo} heard from both MMSIs {km:.0} km apart in the same hour"),
        });
    }
    out
}

/// Replaces the bad fixes, teleports and positions on land of at least 3 vessels
/// within 30 nm of each other (linked one to the next) in the same hour by one
/// interference event naming them all; the rest are left as they are.
pub fn interference(anomalies: Vec<Anomaly>) -> Vec<Anomaly> {
    let (mut affected, mut kept): (Vec<Anomaly>, Vec<Anomaly>) = anomalies
        .into_iter()
        .partition(|a| matches!(a.kind, Kind::BadFix | Kind::Teleport | Kind::OnLand));
    affected.sort_by_key(|a| (a.start_ms.div_euclid(H), a.mmsi, a.start_ms));
    let mut start = 0;
    while start < affected.len() {
        let hour = affected[start].start_ms.div_euclid(H);
        let end = start
            + affected[start..]
                .iter()
                .take_while(|a| a.start_ms.div_euclid(H) == hour)
                .count();
        let hour_events = &affected[start..end];
        let group = linked(hour_events);
        // The members of each group, in the order of the events, the groups in the
        // order of their first event.
        let mut by_group: Vec<(usize, usize)> = group.iter().copied().zip(0..).collect();
        by_group.sort_unstable();
        for run in by_group.chunk_by(|a, b| a.0 == b.0) {
            let members: Vec<&Anomaly> = run.iter().map(|&(_, m)| &hour_events[m]).collect();
            let mut vessels: Vec<u32> = members.iter().map(|a| a.mmsi).collect();
            vessels.sort_unstable();
            vessels.dedup();
            if vessels.len() < INTERFERENCE_VESSELS {
                kept.extend(members.into_iter().cloned());
                continue;
            }
            kept.push(area_event(&members, vessels));
        }
        start = end;
    }
    kept.sort_by_key(|a| (a.mmsi, a.start_ms, a.kind));
    kept
}

/// The group of each event: events within 30 nm of each other are linked, and a group
/// is all the events linked one to the next, named by its first event. An event's links
/// are looked for among the events of its band of latitude alone (the difference in
/// latitude is a lower bound of the distance), in order of latitude.
fn linked(events: &[Anomaly]) -> Vec<usize> {
    // Degrees of latitude 30 nm span at the most (a little more: the bound is loose).
    let band = INTERFERENCE_KM / 111.0;
    let mut by_lat: Vec<usize> = (0..events.len()).collect();
    by_lat.sort_by(|&a, &b| events[a].lat.total_cmp(&events[b].lat).then(a.cmp(&b)));
    let mut rank = vec![0usize; events.len()];
    for (r, &e) in by_lat.iter().enumerate() {
        rank[e] = r;
    }
    let mut group = vec![usize::MAX; events.len()];
    let mut stack = Vec::new();
    for g in 0..events.len() {
        if group[g] != usize::MAX {
            continue;
        }
        group[g] = g;
        stack.push(g);
        while let Some(k) = stack.pop() {
            let a = &events[k];
            let near = |r: &usize| (events[by_lat[*r]].lat - a.lat).abs() <= band;
            let below = (0..rank[k]).rev().take_while(near);
            let above = (rank[k] + 1..by_lat.len()).take_while(near);
            for r in below.chain(above) {
                let m = by_lat[r];
                let b = &events[m];
                if group[m] == usize::MAX && within_km(a.lat, a.lon, b.lat, b.lon, INTERFERENCE_KM).is_some() {
                    group[m] = g;
                    stack.push(m);
                }
            }
        }
    }
    group
}

fn area_event(members: &[&Anomaly], vessels: Vec<u32>) -> Anomaly {
    #[allow(clippy::cast_precision_loss, reason = "anomalies of an hour")]
    let n = members.len() as f64;
    let lat = members.iter().map(|a| a.lat).sum::<f64>() / n;
    let lon = members.iter().map(|a| a.lon).sum::<f64>() / n;
    let count = |k: Kind| members.iter().filter(|a| a.kind == k).count();
    let parts: Vec<String> = [Kind::BadFix, Kind::Teleport, Kind::OnLand]
        .into_iter()
        .filter(|k| count(*k) > 0)
        .map(|k| format!("{} {}", k.as_str(), count(k)))
        .collect();
    Anomaly {
        kind: Kind::Interference,
        mmsi: vessels[0],
        start_ms: members.iter().map(|a| a.start_ms).min().unwrap_or(0),
        end_ms: members.iter().map(|a| a.end_ms).max().unwrap_or(0),
        lat,
        lon,
        other_mmsi: None,
        other: None,
        distance_km: None,
        detail: format!(
            "{} vessels' positions went wrong within 30 nm in one hour ({}): GNSS interference, not their own",
            vessels.len(),
            parts.join(", ")
        ),
        vessels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ais::Fix;
    use crate::model::port::KM_PER_DEG;

    fn fix(mmsi: u32, minute: i64, north_km: f64) -> FixRow {
        FixRow::from(Fix {
            mmsi,
            ts_ms: minute * 60_000,
            lat: 56.0 + north_km / KM_PER_DEG,
            lon: 18.0,
            sog_kn: None,
            cog_deg: None,
            heading_deg: None,
            nav_status: None,
            draught_m: None,
        })
    }

    #[test]
    fn one_imo_heard_fifty_nm_apart_in_one_hour_is_a_clash() {
        let a: Vec<FixRow> = (0..5).map(|h| fix(1, h * 60, 0.0)).collect();
        let far: Vec<FixRow> = (0..5).map(|h| fix(2, h * 60 + 5, CLASH_KM + 0.1)).collect();
        let clashes = imo_clashes("9293002", &a, &far);
        assert_eq!(clashes.len(), 1, "the hours run together");
        assert_eq!((clashes[0].start_ms, clashes[0].end_ms), (0, (4 * 60 + 5) * 60_000));
        let near: Vec<FixRow> = (0..5).map(|h| fix(2, h * 60 + 5, CLASH_KM - 0.1)).collect();
        assert!(imo_clashes("9293002", &a, &near).is_empty());
        // A reflag: the new MMSI heard only after the old one fell silent.
        let later: Vec<FixRow> = (5..9).map(|h| fix(2, h * 60, CLASH_KM + 10.0)).collect();
        assert!(imo_clashes("9293002", &a, &later).is_empty());
    }

    fn bad(mmsi: u32, minute: i64, north_km: f64) -> Anomaly {
        Anomaly::at(Kind::BadFix, &fix(mmsi, minute, north_km), String::new())
    }

    #[test]
    fn three_vessels_within_thirty_nm_in_an_hour_are_one_interference_event() {
        let three = interference(vec![bad(1, 0, 0.0), bad(2, 10, 30.0), bad(3, 59, 55.0)]);
        assert_eq!(three.len(), 1);
        assert_eq!(
            (three[0].kind, three[0].vessels.clone()),
            (Kind::Interference, vec![1, 2, 3])
        );
        // Linked one to the next: the third is 30 nm from the second, not from the first.
        let two = interference(vec![bad(1, 0, 0.0), bad(2, 10, 0.0)]);
        assert_eq!(two.len(), 2, "two vessels are their own anomalies");
        let apart = interference(vec![
            bad(1, 0, 0.0),
            bad(2, 10, 30.0),
            bad(3, 20, 30.0 + INTERFERENCE_KM + 0.1),
        ]);
        assert_eq!(apart.iter().filter(|a| a.kind == Kind::BadFix).count(), 3);
        let next_hour = interference(vec![bad(1, 0, 0.0), bad(2, 10, 0.0), bad(3, 60, 0.0)]);
        assert!(next_hour.iter().all(|a| a.kind == Kind::BadFix));
        // One vessel's three bad fixes are not three vessels.
        let one = interference(vec![bad(1, 0, 0.0), bad(1, 10, 0.0), bad(1, 20, 0.0)]);
        assert_eq!(one.len(), 3);
    }
}
