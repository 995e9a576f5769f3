//! The `report vessel` profile: identity timeline (name, flag, MMSI, call sign, AIS
//! ship type and length, each with first and last seen and source), listings with citations (by IMO or MMSI), the
//! possible matches by name apart, and findings — facts that disagree, each with its
//! sources. Findings state what the data shows, not guilt.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::citation::{cite, list_title};
use crate::matching::{HullMatch, VesselMatch, normalize};
use crate::model::ais::rfc3339;
use crate::model::{imo, listing::Listing};
use crate::track::timeline::{Vessel, mid_flag};

/// One line of the identity timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub attribute: &'static str,
    pub value: String,
    pub first_ms: i64,
    pub last_ms: i64,
    pub source: String,
    pub mmsi: Option<u32>,
}

/// A fact that disagrees with another, and where each comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: &'static str,
    pub text: String,
    pub sources: Vec<String>,
}

/// One port call of the vessel, detected or reported.
#[derive(Debug, Clone, PartialEq)]
pub struct CallLine {
    pub locode: String,
    pub name: String,
    pub country: String,
    pub arrival_ms: i64,
    pub departure_ms: Option<i64>,
    pub draught_change_m: Option<f32>,
    pub source: String,
    /// The lists that had the vessel listed on the arrival date, with their listing dates.
    pub listed: Vec<(String, chrono::NaiveDate)>,
}

/// Everything `report vessel` shows about one vessel.
#[derive(Debug)]
pub struct Profile<'a> {
    pub imo: Option<String>,
    pub name: Option<String>,
    pub mmsis: Vec<u32>,
    pub timeline: Vec<TimelineEntry>,
    /// The hulls the lists identify the vessel as, by IMO or MMSI.
    pub listings: Vec<HullMatch<'a>>,
    pub possible: Possible<'a>,
    pub calls: Vec<CallLine>,
    pub findings: Vec<Finding>,
    /// The vessel's gaps, loitering and anomalies, as their reports show them.
    pub behaviour: Option<EventRows>,
    /// The shadow-fleet indicators the data shows (`report indicators`).
    pub indicators: Vec<super::indicators::Indicator>,
}

/// A vessel's behaviour events, under the columns of `report gaps`, `report loitering`
/// and `report anomalies`, and its encounters from its side (`events::PARTNER_COLUMNS`).
#[derive(Debug, Clone)]
pub struct EventRows {
    pub gaps: super::Rows,
    pub loitering: super::Rows,
    pub anomalies: super::Rows,
    pub encounters: super::Rows,
}

/// Listed hulls that only a name of the vessel matches, nothing in its data
/// contradicting it: never listings of the vessel.
#[derive(Debug, Default)]
pub struct Possible<'a> {
    /// Shown (with `--include-possible`).
    pub shown: Vec<VesselMatch<'a>>,
    /// How many there are but are not shown.
    pub hidden: usize,
}

/// Builds the profile of an ingested vessel (or, with `vessel` absent, of a listed hull
/// fleetwatch has no data on).
pub fn profile<'a>(
    vessel: Option<&Vessel>,
    imo_asked: Option<&str>,
    listings: Vec<HullMatch<'a>>,
    possible: Possible<'a>,
    calls: Vec<CallLine>,
) -> Profile<'a> {
    let timeline = vessel.map(timeline).unwrap_or_default();
    let mut p = Profile {
        imo: vessel
            .and_then(Vessel::imo)
            .map(str::to_string)
            .or_else(|| imo_asked.map(str::to_string)),
        name: vessel.and_then(Vessel::latest_name).map(str::to_string).or_else(|| {
            listings
                .first()
                .and_then(|h| h.listings.first())
                .map(|(_, e)| e.name.clone())
        }),
        mmsis: vessel.map(Vessel::mmsis).unwrap_or_default(),
        timeline,
        listings,
        possible,
        calls,
        findings: Vec::new(),
        behaviour: None,
        indicators: Vec::new(),
    };
    if let Some(v) = vessel {
        p.findings = findings(v, &p.listings);
    }
    p.findings.extend(terminal_findings(&p.calls));
    p
}

/// The Russian oil ports whose calls after a listing are findings.
pub const RUSSIAN_OIL_PORTS: &[&str] = &["RUPRI", "RUULU", "RUNVS", "RUTUA", "RUKOZ", "RUVYS", "RULED"];

/// Calls at a Russian oil port on or after a date the vessel was listed.
fn terminal_findings(calls: &[CallLine]) -> Vec<Finding> {
    let mut out: Vec<(Finding, String, i64)> = Vec::new();
    for c in calls.iter().filter(|c| RUSSIAN_OIL_PORTS.contains(&c.locode.as_str())) {
        if c.listed.is_empty() {
            continue;
        }
        // The same call from two sources is one finding with both sources.
        if let Some(f) = out
            .iter_mut()
            .find(|f: &&mut (Finding, String, i64)| f.1 == c.locode && (f.2 - c.arrival_ms).abs() < 86_400_000)
        {
            f.0.sources.push(c.source.clone());
            continue;
        }
        let listings: Vec<String> = c
            .listed
            .iter()
            .map(|(l, on)| format!("{} since {on}", list_title(l)))
            .collect();
        out.push((
            Finding {
                kind: "russian_oil_port_call_after_listing",
                text: format!(
                    "called at {} ({}) on {}, while listed: {}",
                    c.name,
                    c.locode,
                    rfc3339(c.arrival_ms),
                    listings.join(", ")
                ),
                sources: vec![c.source.clone()],
            },
            c.locode.clone(),
            c.arrival_ms,
        ));
    }
    out.into_iter().map(|(f, _, _)| f).collect()
}

/// The route: the ports in call order, a port repeated by two sources once, with the
/// arrival date and the draught change (loading +, discharging -).
pub fn route(calls: &[CallLine]) -> String {
    let mut legs: Vec<String> = Vec::new();
    let mut last: Option<(&str, i64)> = None;
    for c in calls {
        if last.is_some_and(|(code, at)| code == c.locode && (c.arrival_ms - at).abs() < 86_400_000) {
            continue;
        }
        let day = rfc3339(c.arrival_ms).get(..10).unwrap_or("").to_string();
        let draught = c
            .draught_change_m
            .filter(|d| d.abs() >= 1.0)
            .map(|d| format!(", draught {d:+.1} m"))
            .unwrap_or_default();
        legs.push(format!("{} ({day}{draught})", c.name));
        last = Some((c.locode.as_str(), c.arrival_ms));
    }
    legs.join(" -> ")
}

fn timeline(v: &Vessel) -> Vec<TimelineEntry> {
    let mut out: Vec<TimelineEntry> = Vec::new();
    let mut push = |attribute: &'static str, value: Option<String>, s: &crate::model::identity::IdentitySpan| {
        let Some(value) = value else { return };
        if let Some(e) = out
            .iter_mut()
            .rev()
            .find(|e| e.attribute == attribute && e.source == s.source)
            && e.value == value
            && e.mmsi == s.mmsi.or(e.mmsi)
        {
            e.first_ms = e.first_ms.min(s.first_ms);
            e.last_ms = e.last_ms.max(s.last_ms);
            return;
        }
        out.push(TimelineEntry {
            attribute,
            value,
            first_ms: s.first_ms,
            last_ms: s.last_ms,
            source: s.source.clone(),
            mmsi: s.mmsi,
        });
    };
    for s in &v.spans {
        push("name", s.name.clone(), s);
        push("mmsi", s.mmsi.map(crate::model::mmsi::digits), s);
        let flag = if s.source == "ais" {
            s.mmsi.and_then(mid_flag)
        } else {
            s.flag.clone()
        };
        push("flag", flag, s);
        push("call_sign", s.call_sign.clone(), s);
        push("ship_type", s.ship_type.clone(), s);
        push("length_m", s.length_m.map(|l| l.to_string()), s);
        if let Some(i) = s.imo.as_ref().filter(|i| Some(i.as_str()) != v.imo()) {
            push("imo", Some(i.clone()), s);
        }
    }
    let order = |a: &str| {
        ["name", "flag", "mmsi", "call_sign", "ship_type", "length_m", "imo"]
            .iter()
            .position(|x| *x == a)
    };
    out.sort_by(|a, b| (order(a.attribute), a.first_ms, &a.source).cmp(&(order(b.attribute), b.first_ms, &b.source)));
    out
}

fn findings(v: &Vessel, listings: &[HullMatch<'_>]) -> Vec<Finding> {
    let mut out = name_findings(v, listings);
    out.extend(flag_findings(v, listings));
    out.extend(imo_findings(v));
    out
}

/// The names AIS broadcast against the names on the lists.
fn name_findings(v: &Vessel, listings: &[HullMatch<'_>]) -> Vec<Finding> {
    let mut out = Vec::new();
    // Each name AIS broadcast, with the first and last time it did.
    let mut ais_names: Vec<(&str, i64, i64)> = Vec::new();
    for s in v.spans.iter().filter(|s| s.source == "ais") {
        let Some(n) = s.name.as_deref() else { continue };
        match ais_names.iter_mut().find(|(name, _, _)| *name == n) {
            Some(e) => {
                e.1 = e.1.min(s.first_ms);
                e.2 = e.2.max(s.last_ms);
            }
            None => ais_names.push((n, s.first_ms, s.last_ms)),
        }
    }
    let mut said = BTreeSet::new();
    for hull in listings {
        for (list, e) in &hull.listings {
            let listed = normalize(&e.name).key();
            for (name, first, last) in &ais_names {
                if normalize(name).key() == listed
                    || !said.insert((name.to_string(), list.source.clone(), e.record.clone()))
                {
                    continue;
                }
                let former = e
                    .former_names
                    .iter()
                    .any(|f| normalize(f).key() == normalize(name).key());
                let mut text = format!(
                    "AIS broadcast the name {name} ({} to {}); the {} list names the vessel {} ({})",
                    rfc3339(*first),
                    rfc3339(*last),
                    list_title(&list.source),
                    e.name,
                    e.legal_basis
                );
                if former {
                    let _ = write!(text, " and gives {name} as a former name");
                }
                out.push(Finding {
                    kind: "name_differs_from_list",
                    text,
                    sources: vec!["ais".into(), format!("{} {}", list.source, list.version)],
                });
            }
        }
    }
    out
}

/// The flag an MMSI's MID implies against declared and listed flags; MMSIs without a MID.
fn flag_findings(v: &Vessel, listings: &[HullMatch<'_>]) -> Vec<Finding> {
    let mut out = Vec::new();
    for m in v.mmsis() {
        let Some(implied) = mid_flag(m) else {
            out.push(Finding {
                kind: "mmsi_without_valid_mid",
                text: format!(
                    "MMSI {m:09} has no valid MID: {} is allocated to no flag state",
                    m / 1_000_000
                ),
                sources: vec!["ais".into()],
            });
            continue;
        };
        let declared: BTreeSet<(&str, &str)> = v
            .spans
            .iter()
            .filter(|s| s.mmsi == Some(m) && s.source != "ais")
            .filter_map(|s| s.flag.as_deref().map(|f| (f, s.source.as_str())))
            .collect();
        for (flag, source) in declared {
            if flag != implied {
                out.push(Finding {
                    kind: "mid_flag_differs",
                    text: format!("MMSI {m:09} implies the flag {implied} by its MID; {source} declares {flag}"),
                    sources: vec!["ais".into(), source.to_string()],
                });
            }
        }
        for hull in listings {
            for (list, e) in &hull.listings {
                if let Some(flag) = e.flag.as_deref().filter(|f| *f != implied)
                    && v.spans.iter().any(|s| s.mmsi == Some(m) && s.source == "ais")
                {
                    out.push(Finding {
                        kind: "mid_flag_differs",
                        text: format!(
                            "MMSI {m:09} implies the flag {implied} by its MID; the {} list records the flag {flag}",
                            list_title(&list.source)
                        ),
                        sources: vec!["ais".into(), format!("{} {}", list.source, list.version)],
                    });
                }
            }
        }
    }
    out
}

/// Broadcast IMO numbers that fail their check digit.
fn imo_findings(v: &Vessel) -> Vec<Finding> {
    let mut out = Vec::new();
    let bad_imos: BTreeSet<&str> = v
        .spans
        .iter()
        .filter(|s| s.source == "ais")
        .filter_map(|s| s.imo.as_deref())
        .filter(|i| !imo::is_valid(i))
        .collect();
    for i in bad_imos {
        out.push(Finding {
            kind: "broadcast_imo_fails_check_digit",
            text: format!("AIS broadcast IMO {i}, which fails its check digit"),
            sources: vec!["ais".into()],
        });
    }
    out
}

fn listing_json(list: &crate::model::ListVersion, e: &Listing) -> Value {
    json!({
        "list": list.source,
        "list_record": e.record,
        "listed_on": e.listed_on.map(|d| d.to_string()),
        "legal_basis": e.legal_basis,
        "name_on_list": e.name,
        "former_names": e.former_names,
        "flag": e.flag,
        "source_version": list.version.to_string(),
        "citation": cite(list, e),
    })
}

pub fn to_json(p: &Profile<'_>) -> Value {
    json!({
        "imo": p.imo,
        "name": p.name,
        "mmsis": p.mmsis.iter().map(|m| crate::model::mmsi::digits(*m)).collect::<Vec<_>>(),
        "timeline": p.timeline.iter().map(|t| json!({
            "attribute": t.attribute,
            "value": t.value,
            "first_seen_utc": rfc3339(t.first_ms),
            "last_seen_utc": rfc3339(t.last_ms),
            "source": t.source,
            "mmsi": t.mmsi.map(crate::model::mmsi::digits),
        })).collect::<Vec<_>>(),
        "listings": p.listings.iter().flat_map(|h| h.listings.iter().map(|(l, e)| listing_json(l, e))).collect::<Vec<_>>(),
        "possible_matches": p.possible.shown.iter().flat_map(|m| m.hull.listings.iter().map(|(l, e)| json!({
            "imo": m.hull.imo,
            "matched_on": m.hull.matched_on.as_str(),
            "note": m.note,
            "listing": listing_json(l, e),
        }))).collect::<Vec<_>>(),
        "possible_matches_not_shown": p.possible.hidden,
        "port_calls": p.calls.iter().map(|c| json!({
            "port_locode": c.locode,
            "port_name": c.name,
            "port_country": c.country,
            "arrival_utc": rfc3339(c.arrival_ms),
            "departure_utc": c.departure_ms.map(rfc3339),
            "draught_change_m": c.draught_change_m,
            "listed_at_arrival": c.listed.iter().map(|(l, _)| l.clone()).collect::<Vec<_>>(),
            "source": c.source,
        })).collect::<Vec<_>>(),
        "route": route(&p.calls),
        "gaps": p.behaviour.as_ref().map(|b| b.gaps.json_objects()),
        "loitering": p.behaviour.as_ref().map(|b| b.loitering.json_objects()),
        "anomalies": p.behaviour.as_ref().map(|b| b.anomalies.json_objects()),
        "encounters": p.behaviour.as_ref().map(|b| b.encounters.json_objects()),
        "findings": p.findings.iter().map(|f| json!({"kind": f.kind, "text": f.text, "sources": f.sources})).collect::<Vec<_>>(),
        "indicators": p.indicators.iter().map(|i| json!({
            "family": i.family,
            "indicator": i.name,
            "status": i.status.as_str(),
            "detail": i.detail,
            "evidence": i.evidence,
            "source": i.source,
        })).collect::<Vec<_>>(),
    })
}

pub fn write_table(p: &Profile<'_>, out: &mut dyn Write) -> io::Result<()> {
    // Names and reasons come from lists and files nobody controls.
    let out = &mut super::Visible::new(out);
    let id = p
        .imo
        .as_deref()
        .map_or_else(|| "(no IMO)".to_string(), |i| format!("IMO {i}"));
    writeln!(out, "{id}  {}", p.name.as_deref().unwrap_or("(no name)"))?;
    if !p.mmsis.is_empty() {
        let m: Vec<String> = p.mmsis.iter().map(|m| crate::model::mmsi::digits(*m)).collect();
        writeln!(out, "MMSIs: {}", m.join(", "))?;
    }
    writeln!(out, "\nIdentity timeline")?;
    if p.timeline.is_empty() {
        writeln!(out, "  nothing ingested about this vessel")?;
    }
    for t in &p.timeline {
        writeln!(
            out,
            "  {:<10}{:<24}{}  {}  {}",
            t.attribute,
            t.value,
            rfc3339(t.first_ms),
            rfc3339(t.last_ms),
            t.source
        )?;
    }
    writeln!(out, "\nListings")?;
    let mut n = 0;
    for h in &p.listings {
        for (l, e) in &h.listings {
            n += 1;
            writeln!(out, "  [{n}] {}", cite(l, e))?;
        }
    }
    if n == 0 {
        writeln!(out, "  on none of the lists in force (by IMO or MMSI)")?;
    }
    if !p.possible.shown.is_empty() {
        writeln!(out, "\nPossible matches (by name only: not listings of this vessel)")?;
        for m in &p.possible.shown {
            writeln!(out, "  - {}", m.note)?;
            for (l, e) in &m.hull.listings {
                writeln!(out, "      {}", cite(l, e))?;
            }
        }
    }
    if p.possible.hidden > 0 {
        writeln!(
            out,
            "  possible matches by name only: {}, not shown (--include-possible shows them)",
            p.possible.hidden
        )?;
    }
    writeln!(out, "\nPort calls")?;
    if p.calls.is_empty() {
        writeln!(out, "  none known")?;
    }
    for c in &p.calls {
        let listed: Vec<&str> = c.listed.iter().map(|(l, _)| l.as_str()).collect();
        writeln!(
            out,
            "  {:<6} {:<22} {}  {}  {}{}",
            c.locode,
            c.name,
            rfc3339(c.arrival_ms),
            c.departure_ms.map_or_else(|| "-".repeat(20), rfc3339),
            c.source,
            if listed.is_empty() {
                String::new()
            } else {
                format!("  listed: {}", listed.join(";"))
            }
        )?;
    }
    if !p.calls.is_empty() {
        writeln!(out, "\nRoute\n  {}", route(&p.calls))?;
    }
    if let Some(b) = &p.behaviour {
        write_behaviour(b, out)?;
    }
    writeln!(out, "\nFindings")?;
    if p.findings.is_empty() {
        writeln!(out, "  none")?;
    }
    for f in &p.findings {
        writeln!(out, "  - {} [{}]", f.text, f.sources.join(", "))?;
    }
    if !p.indicators.is_empty() {
        writeln!(out, "\nIndicators")?;
        super::indicators::write_table(&p.indicators, out)?;
    }
    Ok(())
}

/// The gaps, loitering and anomalies of a profile, a line each.
fn write_behaviour(b: &EventRows, out: &mut dyn Write) -> io::Result<()> {
    let sections: [(&str, &super::Rows, &[&str], &str); 3] = [
        (
            "AIS gaps",
            &b.gaps,
            &[
                "start_utc",
                "end_utc",
                "duration_h",
                "class",
                "neighbours_at_start",
                "neighbours_at_end",
                "nearest_port",
            ],
            "none",
        ),
        (
            "Loitering",
            &b.loitering,
            &[
                "start_utc",
                "end_utc",
                "duration_h",
                "label",
                "lat",
                "lon",
                "nearest_port",
            ],
            "none",
        ),
        (
            "Anomalies",
            &b.anomalies,
            &["kind", "start_utc", "end_utc", "detail"],
            "none",
        ),
    ];
    for (title, rows, columns, empty) in sections {
        writeln!(out, "\n{title}")?;
        if rows.rows.is_empty() {
            writeln!(out, "  {empty}")?;
        }
        for i in 0..rows.rows.len() {
            let cells: Vec<String> = columns
                .iter()
                .map(|c| {
                    let v = rows.text(i, c);
                    match *c {
                        "end_utc" if v.is_empty() => "open".to_string(),
                        "duration_h" => format!("{v} h"),
                        "neighbours_at_start" => format!("neighbours {v}"),
                        "neighbours_at_end" if v.is_empty() => "-".to_string(),
                        "nearest_port" if !v.is_empty() => format!("near {v}"),
                        _ => v,
                    }
                })
                .filter(|v| !v.is_empty())
                .collect();
            writeln!(out, "  {}", cells.join("  "))?;
        }
    }
    write_encounters(&b.encounters, out)
}

/// The encounters of a profile, two lines each, and what they do not show.
fn write_encounters(rows: &super::Rows, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\nEncounters at sea")?;
    if rows.rows.is_empty() {
        writeln!(out, "  none")?;
        return Ok(());
    }
    for i in 0..rows.rows.len() {
        let v = |c: &str| rows.text(i, c);
        let partner_id = match (v("partner_imo"), v("partner_flag")) {
            (imo, flag) if imo.is_empty() && flag.is_empty() => String::new(),
            (imo, flag) if imo.is_empty() => format!(" (flag {flag})"),
            (imo, flag) if flag.is_empty() => format!(" (IMO {imo})"),
            (imo, flag) => format!(" (IMO {imo}, flag {flag})"),
        };
        let listed = match v("partner_listed") {
            l if l.is_empty() => "not listed".to_string(),
            l => format!("listed: {l}"),
        };
        writeln!(
            out,
            "  {}  {}  {} h  within {} m (median; {} m at the closest)  {}  {}  with {} {}{partner_id}, {listed}",
            v("start_utc"),
            v("end_utc"),
            v("duration_h"),
            v("median_distance_m"),
            v("min_distance_m"),
            v("class"),
            v("setting"),
            v("partner_mmsi"),
            v("partner_name"),
        )?;
        let change = |c: &str| match v(c) {
            d if d.is_empty() => "unknown".to_string(),
            d if d.starts_with('-') || d == "0.0" => format!("{d} m"),
            d => format!("+{d} m"),
        };
        let mut notes = vec![format!(
            "draught {} (partner {}){}",
            change("draught_change_m"),
            change("partner_draught_change_m"),
            if v("transfer_like") == "true" {
                ", transfer-like: one reported a deeper draught after, the other a shallower one"
            } else {
                ""
            }
        )];
        for (column, text) in [
            ("silent", "silent over an hour in it"),
            ("partner_silent", "partner silent over an hour in it"),
        ] {
            if v(column) == "true" {
                notes.push(text.to_string());
            }
        }
        match v("others_at_once").as_str() {
            "0" | "" => {}
            "1" => notes.push("one other vessel as close at the same time (a crowd, not a pair alone)".to_string()),
            n => notes.push(format!(
                "{n} other vessels as close at the same time (a crowd, not a pair alone)"
            )),
        }
        let before = v("partner_call_before");
        let after = v("partner_call_after");
        if !before.is_empty() || !after.is_empty() {
            notes.push(format!(
                "partner's port call before: {}, after: {}",
                if before.is_empty() {
                    "none known"
                } else {
                    before.as_str()
                },
                if after.is_empty() { "none known" } else { after.as_str() }
            ));
        }
        writeln!(out, "      {}", notes.join("; "))?;
    }
    writeln!(
        out,
        "  An encounter shows two vessels within that distance of each other, both slow, for those hours, and\n  \
         the draughts they reported before and after; it does not show that anything passed between them, nor what."
    )
}
