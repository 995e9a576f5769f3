//! `report vessel --format html`: what the dossier draws beyond the profile — the
//! vessel's cleaned track split by identity, its partners' tracks during each
//! encounter, where its ports are — and the provenance of the facts.

use std::io::Write;

use super::Loaded;
use super::evidence::Detected;
use super::track::segments;
use crate::report::dossier::{self, Dossier, Fix, PartnerTrack, Provenance, Run};
use crate::report::vessel::Profile;
use crate::store::data::DataStore;
use crate::track::ports::Gazetteer;
use crate::track::timeline::Vessel;

/// Writes the dossiers of the profiles (of `vessels`, in order) as one HTML document.
pub fn write(
    store: &DataStore,
    loaded: &Loaded,
    found: &Detected,
    ports: &Gazetteer,
    vessels: &[&Vessel],
    profiles: &[Profile<'_>],
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut dossiers = Vec::new();
    for (i, p) in profiles.iter().enumerate() {
        let vessel = vessels.get(i).copied();
        let runs = match (&found.tracks, vessel) {
            (Some(tracks), Some(v)) => runs(tracks, v)?,
            _ => Vec::new(),
        };
        let partners = match &found.tracks {
            Some(tracks) => partners(tracks, p)?,
            None => Vec::new(),
        };
        let call_places = p
            .calls
            .iter()
            .map(|c| ports.get(&c.locode).map(|port| (port.lat, port.lon)))
            .collect();
        dossiers.push(Dossier {
            profile: p,
            runs,
            partners,
            call_places,
        });
    }
    let provenance = Provenance {
        files: store
            .manifest
            .files
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    format!("{:?}", f.format).to_lowercase(),
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
    dossier::write(&dossiers, &provenance, out)?;
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

/// The vessel's cleaned segments, each split where the name it broadcast changes.
fn runs(tracks: &super::detect::Tracks, v: &Vessel) -> anyhow::Result<Vec<Run>> {
    let mut mmsis = v.mmsis();
    mmsis.sort_unstable();
    let fix = |f: &crate::model::ais::FixRow| Fix {
        lat: f.lat(),
        lon: f.lon(),
        ts_ms: f.ts_ms,
        sog_kn: f.sog_kn(),
        draught_m: f.draught_m(),
    };
    let mut out: Vec<Run> = Vec::new();
    let mut segs = segments(tracks, &mmsis, &fix)?;
    segs.sort_by_key(|s| s.3.first().map(|f| f.ts_ms));
    for (mmsi, _, _, fixes) in segs {
        let mut current: Option<Run> = None;
        for f in fixes {
            let name = v.name_at(Some(mmsi), f.ts_ms).map(str::to_string);
            match &mut current {
                Some(run) if run.name == name => run.fixes.push(f),
                _ => {
                    // The new run starts at the last fix of the old one: no hole in the line.
                    let mut fixes = Vec::new();
                    if let Some(old) = current.take() {
                        fixes.extend(old.fixes.last().copied());
                        out.push(old);
                    }
                    fixes.push(f);
                    current = Some(Run { mmsi, name, fixes });
                }
            }
        }
        out.extend(current);
    }
    Ok(out)
}

/// Each encounter partner's accepted fixes during the encounter.
fn partners(tracks: &super::detect::Tracks, p: &Profile<'_>) -> anyhow::Result<Vec<PartnerTrack>> {
    let Some(b) = &p.behaviour else {
        return Ok(Vec::new());
    };
    let rows = &b.encounters;
    let ms = |t: String| {
        chrono::DateTime::parse_from_rfc3339(&t)
            .ok()
            .map(|t| t.timestamp_millis())
    };
    let mut wanted: Vec<(String, u32, String, i64, i64)> = Vec::new();
    for i in 0..rows.rows.len() {
        let (Ok(mmsi), Some(start), Some(end)) = (
            rows.text(i, "partner_mmsi").parse::<u32>(),
            ms(rows.text(i, "start_utc")),
            ms(rows.text(i, "end_utc")),
        ) else {
            continue;
        };
        let label = format!("{} {}", rows.text(i, "partner_mmsi"), rows.text(i, "partner_name"));
        wanted.push((rows.text(i, "event_id"), mmsi, label, start, end));
    }
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut mmsis: Vec<u32> = wanted.iter().map(|w| w.1).collect();
    mmsis.sort_unstable();
    mmsis.dedup();
    let segs = segments(tracks, &mmsis, &|f| (f.lat(), f.lon(), f.ts_ms))?;
    Ok(wanted
        .into_iter()
        .map(|(event_id, mmsi, label, start, end)| PartnerTrack {
            event_id,
            label,
            points: segs
                .iter()
                .filter(|s| s.0 == mmsi)
                .flat_map(|s| s.3.iter())
                .filter(|(_, _, t)| *t >= start && *t <= end)
                .map(|(lat, lon, _)| (*lat, *lon))
                .collect(),
        })
        .filter(|t| !t.points.is_empty())
        .collect())
}
