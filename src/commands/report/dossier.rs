//! `report vessel --format html`: what the dossier draws beyond the profile — the
//! vessel's cleaned track split by identity, its partners' tracks during each
//! encounter, where its ports are — and the provenance of the facts.

use std::io::Write;

use super::Loaded;
use super::detect::Tracks;
use super::track::{Segment, segments};
use crate::model::ais::from_rfc3339;
use crate::report::dossier::{self, Dossier, Fix, PartnerTrack, Provenance, Run};
use crate::report::vessel::Profile;
use crate::store::data::DataStore;
use crate::track::land::LandMask;
use crate::track::ports::Gazetteer;
use crate::track::timeline::Vessel;

/// Writes the dossiers of the profiles (of `vessels`, in order) as one HTML document,
/// their tracks from `tracks` (the positions the profiles were detected in; none for a
/// hull known from the lists alone) and the land of their maps from `land`.
#[allow(
    clippy::too_many_arguments,
    reason = "what one document draws, each from where it was read"
)]
pub fn write(
    store: &DataStore,
    loaded: &Loaded,
    tracks: Option<&Tracks>,
    land: &LandMask,
    ports: &Gazetteer,
    vessels: &[&Vessel],
    profiles: &[Profile<'_>],
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let met: Vec<Vec<Met>> = profiles.iter().map(met).collect();
    // One pass over the positions for every vessel and every partner.
    let mut mmsis: Vec<u32> = vessels.iter().flat_map(|v| v.mmsis()).collect();
    mmsis.extend(met.iter().flatten().map(|m| m.mmsi));
    mmsis.sort_unstable();
    mmsis.dedup();
    let fix = |f: &crate::model::ais::FixRow| Fix {
        lat: f.lat(),
        lon: f.lon(),
        ts_ms: f.ts_ms,
        sog_kn: f.sog_kn(),
        draught_m: f.draught_m(),
    };
    let mut segs = match tracks {
        Some(tracks) if !mmsis.is_empty() => segments(tracks, &mmsis, &fix)?,
        _ => Vec::new(),
    };
    segs.sort_by_key(|s| s.3.first().map(|f| f.ts_ms));
    let dossiers: Vec<Dossier<'_>> = profiles
        .iter()
        .zip(&met)
        .enumerate()
        .map(|(i, (p, met))| Dossier {
            profile: p,
            runs: vessels.get(i).map(|v| runs(&segs, v)).unwrap_or_default(),
            partners: partners(&segs, met),
            call_places: p
                .calls
                .iter()
                .map(|c| ports.get(&c.locode).map(|port| (port.lat, port.lon)))
                .collect(),
        })
        .collect();
    let provenance = Provenance {
        files: store
            .manifest
            .files
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    f.format.as_str().to_string(),
                    f.bytes,
                    f.rows,
                    f.blake3.clone(),
                )
            })
            .collect(),
        lists: loaded
            .lists
            .iter()
            .map(|l| {
                (
                    l.source.clone(),
                    l.version.to_string(),
                    l.origin.clone(),
                    l.entries.len(),
                )
            })
            .collect(),
        command: command_line(),
    };
    dossier::write(&dossiers, &provenance, land, out)?;
    Ok(())
}

/// The command line that made the document, each word quoted where a shell needs it.
fn command_line() -> String {
    let mut words: Vec<String> = std::env::args().collect();
    if let Some(first) = words.first_mut()
        && let Some(name) = std::path::Path::new(first.as_str()).file_name()
    {
        *first = name.to_string_lossy().into_owned();
    }
    words
        .iter()
        .map(|w| {
            if !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:@,+".contains(c)) {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The vessel's cleaned segments (of `segs`, in time order), each split where the name
/// it broadcast changes.
fn runs(segs: &[Segment<Fix>], v: &Vessel) -> Vec<Run> {
    let mmsis = v.mmsis();
    let mut out: Vec<Run> = Vec::new();
    for (mmsi, _, _, fixes) in segs.iter().filter(|s| mmsis.contains(&s.0)) {
        let mut current: Option<Run> = None;
        for f in fixes {
            let name = v.name_at(Some(*mmsi), f.ts_ms).map(str::to_string);
            match &mut current {
                Some(run) if run.name == name => run.fixes.push(*f),
                _ => {
                    // The new run starts at the last fix of the old one: no hole in the line.
                    let mut fixes = Vec::new();
                    if let Some(old) = current.take() {
                        fixes.extend(old.fixes.last().copied());
                        out.push(old);
                    }
                    fixes.push(*f);
                    current = Some(Run {
                        mmsi: *mmsi,
                        name,
                        fixes,
                    });
                }
            }
        }
        out.extend(current);
    }
    out
}

/// An encounter of a profile: its id, the partner and when.
struct Met {
    event_id: String,
    mmsi: u32,
    label: String,
    start_ms: i64,
    end_ms: i64,
}

/// The encounters of a profile, from its rows.
fn met(p: &Profile<'_>) -> Vec<Met> {
    let Some(b) = &p.behaviour else {
        return Vec::new();
    };
    let rows = &b.encounters;
    (0..rows.rows.len())
        .filter_map(|i| {
            Some(Met {
                event_id: rows.text(i, "event_id"),
                mmsi: rows.text(i, "partner_mmsi").parse().ok()?,
                label: format!("{} {}", rows.text(i, "partner_mmsi"), rows.text(i, "partner_name")),
                start_ms: from_rfc3339(&rows.text(i, "start_utc"))?,
                end_ms: from_rfc3339(&rows.text(i, "end_utc"))?,
            })
        })
        .collect()
}

/// Each encounter partner's accepted fixes (of `segs`) during the encounter.
fn partners(segs: &[Segment<Fix>], met: &[Met]) -> Vec<PartnerTrack> {
    met.iter()
        .map(|m| PartnerTrack {
            event_id: m.event_id.clone(),
            label: m.label.clone(),
            points: segs
                .iter()
                .filter(|s| s.0 == m.mmsi)
                .flat_map(|s| s.3.iter())
                .filter(|f| f.ts_ms >= m.start_ms && f.ts_ms <= m.end_ms)
                .map(|f| (f.lat, f.lon))
                .collect(),
        })
        .filter(|t| !t.points.is_empty())
        .collect()
}
