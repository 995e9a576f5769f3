//! The shadow-fleet indicators of a vessel profile (those of IMO resolution A.1192(33)
//! and the 2020 US maritime advisory that AIS and the lists can show): each
//! `observed`, `not_observed` or `unknown` (missing data never counts against a vessel),
//! with its evidence (event ids, list records, dates) and its source. No score, no
//! weights: `--summary` counts the observed indicators per family.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::citation::{cite, list_title};
use super::vessel::{Profile, RUSSIAN_OIL_PORTS};
use super::{Cell, Rows};
use crate::model::ListVersion;
use crate::model::ais::rfc3339;
use crate::model::flag;
use crate::track::timeline::{self, Vessel};

/// The families, in the order of `--summary`'s columns.
pub const FAMILIES: &[&str] = &["listing", "identity", "flag_state", "ais", "behaviour", "port_calls"];

pub const COLUMNS: &[&str] = &[
    "imo",
    "mmsi",
    "vessel_name",
    "family",
    "indicator",
    "status",
    "detail",
    "evidence",
    "source",
];

pub const SUMMARY_COLUMNS: &[&str] = &[
    "imo",
    "mmsi",
    "vessel_name",
    "listing",
    "identity",
    "flag_state",
    "ais",
    "behaviour",
    "port_calls",
    "observed",
    "not_observed",
    "unknown",
];

/// How far back "recently renamed or reflagged" looks from the end of the data.
pub const RECENT_MS: i64 = 365 * 86_400_000;

/// What the data says of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Observed,
    NotObserved,
    /// The data cannot tell (no IMO to look up, no positions, too little traffic).
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Observed => "observed",
            Self::NotObserved => "not_observed",
            Self::Unknown => "unknown",
        }
    }
}

/// One indicator of one vessel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    pub family: &'static str,
    pub name: String,
    pub status: Status,
    /// What the data shows, in a sentence.
    pub detail: String,
    /// Event ids, list records, calls and dates.
    pub evidence: Vec<String>,
    pub source: String,
}

/// What the indicators of a vessel are judged against.
pub struct Basis<'a> {
    /// The lists in force: one `listed_<source>` indicator each.
    pub lists: &'a [ListVersion],
    /// The end of the data: "recent" is the 12 months before it.
    pub as_of_ms: i64,
    /// The vessel's transmitters were heard in the data (else its events are unknown).
    pub heard: bool,
}

/// `1 gap`, `2 gaps`; `an interference area` alone.
fn counted(n: usize, (one, many): (&str, &str)) -> String {
    match n {
        1 if one.starts_with("an ") => one.to_string(),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

fn indicator(family: &'static str, name: impl Into<String>, status: Status, detail: String, source: &str) -> Indicator {
    Indicator {
        family,
        name: name.into(),
        status,
        detail,
        evidence: Vec::new(),
        source: source.to_string(),
    }
}

/// Every indicator of a profile, in a fixed order: the lists, identity, flag, AIS,
/// behaviour at sea, port calls.
pub fn indicators(p: &Profile<'_>, vessel: Option<&Vessel>, basis: &Basis<'_>) -> Vec<Indicator> {
    let mut out = listing(p, basis);
    out.extend(identity(vessel, basis));
    out.extend(flag_state(p));
    out.extend(events(p, basis.heard));
    out.extend(port_calls(p, basis.heard));
    out
}

fn listing(p: &Profile<'_>, basis: &Basis<'_>) -> Vec<Indicator> {
    let mut sources: Vec<&ListVersion> = basis.lists.iter().collect();
    sources.sort_by(|a, b| a.source.cmp(&b.source));
    sources
        .into_iter()
        .map(|list| {
            let name = format!("listed_{}", list.source);
            let source = format!("{} list, version of {}", list_title(&list.source), list.version);
            let entries: Vec<_> = p
                .listings
                .iter()
                .flat_map(|h| h.listings.iter())
                .filter(|(l, _)| l.source == list.source)
                .collect();
            if entries.is_empty() {
                let (status, detail) = if p.imo.is_some() {
                    (
                        Status::NotObserved,
                        format!("IMO {} is not on the list", p.imo.as_deref().unwrap_or("")),
                    )
                } else {
                    let possible = p.possible.shown.len() + p.possible.hidden;
                    let mut d = "no IMO known, and no MMSI of the vessel is on the list: the lists name hulls by IMO"
                        .to_string();
                    if possible > 0 {
                        let _ = write!(
                            d,
                            "; {} by name only, which are not listings",
                            counted(possible, ("possible match", "possible matches"))
                        );
                    }
                    (Status::Unknown, d)
                };
                return indicator("listing", name, status, detail, &source);
            }
            let mut i = indicator(
                "listing",
                name,
                Status::Observed,
                entries.iter().map(|(l, e)| cite(l, e)).collect::<Vec<_>>().join(" "),
                &source,
            );
            i.evidence = entries
                .iter()
                .map(|(l, e)| match e.listed_on {
                    Some(d) => format!("{} record {}, listed on {d}", l.source, e.record),
                    None => format!("{} record {}", l.source, e.record),
                })
                .collect();
            i
        })
        .collect()
}

/// Renamed and reflagged in the 12 months before the end of the data.
fn identity(vessel: Option<&Vessel>, basis: &Basis<'_>) -> Vec<Indicator> {
    let recent = |t: i64| t > basis.as_of_ms - RECENT_MS && t <= basis.as_of_ms;
    let window = format!("the 12 months to {}", rfc3339(basis.as_of_ms));
    let Some(v) = vessel else {
        return ["renamed_12_months", "reflagged_12_months"]
            .into_iter()
            .map(|name| {
                let none = "nothing ingested about the vessel".to_string();
                indicator("identity", name, Status::Unknown, none, "identity timeline")
            })
            .collect();
    };
    let one = std::slice::from_ref(v);
    let seen = |first_ms: i64, source: &str| format!("first seen {} ({source})", rfc3339(first_ms));
    let renames: Vec<String> = timeline::renames(one)
        .into_iter()
        .filter(|r| recent(r.first_seen_new_ms))
        .map(|r| {
            format!(
                "{} -> {} {}",
                r.old_name,
                r.new_name,
                seen(r.first_seen_new_ms, &r.source)
            )
        })
        .collect();
    let flag_text = |f: &Option<String>| f.clone().unwrap_or_else(|| "no flag".to_string());
    let reflags: Vec<String> = timeline::flag_changes(one)
        .into_iter()
        .filter(|c| recent(c.first_seen_new_ms))
        .map(|c| {
            let (old, new) = (flag_text(&c.old_flag), flag_text(&c.new_flag));
            format!("{old} -> {new} {}", seen(c.first_seen_new_ms, &c.source))
        })
        .collect();
    let named = v.spans.iter().any(|s| s.name.is_some());
    let flagged = v
        .spans
        .iter()
        .any(|s| s.flag.is_some() || s.mmsi.and_then(timeline::mid_flag).is_some());
    vec![
        changed(
            "renamed_12_months",
            ("name", "name change", "name changes"),
            named,
            &window,
            renames,
        ),
        changed(
            "reflagged_12_months",
            ("flag", "flag change", "flag changes"),
            flagged,
            &window,
            reflags,
        ),
    ]
}

/// An identity change in the window: the changes (a line each, and whether AIS or
/// records show it), or none while the attribute is `known`, or unknown.
fn changed(
    name: &str,
    (attribute, one, many): (&str, &str, &str),
    known: bool,
    window: &str,
    changes: Vec<String>,
) -> Indicator {
    let source =
        "identity timeline (AIS: names broadcast, and the flag of each MMSI's MID; records: declared names and flags)";
    if changes.is_empty() {
        return if known {
            indicator(
                "identity",
                name,
                Status::NotObserved,
                format!("no {one} in {window}"),
                source,
            )
        } else {
            let detail = format!("no {attribute} of the vessel is known");
            indicator("identity", name, Status::Unknown, detail, source)
        };
    }
    let detail = format!("{} in {window}", counted(changes.len(), (one, many)));
    let mut i = indicator("identity", name, Status::Observed, detail, source);
    i.evidence = changes;
    i
}

/// The flag the vessel flies now: the latest of its identity timeline (a declared flag,
/// or its MMSI's MID), else the one a list records.
fn current_flag(p: &Profile<'_>) -> Option<(String, String)> {
    p.timeline
        .iter()
        .filter(|t| t.attribute == "flag")
        .max_by_key(|t| (t.last_ms, t.source != "ais"))
        .map(|t| {
            (
                t.value.clone(),
                format!("{}, last seen {}", t.source, rfc3339(t.last_ms)),
            )
        })
        .or_else(|| {
            p.listings.iter().flat_map(|h| h.listings.iter()).find_map(|(l, e)| {
                e.flag
                    .clone()
                    .map(|f| (f, format!("the {} list", list_title(&l.source))))
            })
        })
}

fn flag_state(p: &Profile<'_>) -> Vec<Indicator> {
    let compared = p.timeline.iter().any(|t| t.attribute == "flag" && t.source != "ais")
        || p.listings
            .iter()
            .flat_map(|h| h.listings.iter())
            .any(|(_, e)| e.flag.is_some());
    let valid_mid = p.mmsis.iter().any(|m| timeline::mid_flag(*m).is_some());
    vec![
        convenience(p),
        from_findings(
            p,
            "mid_flag_differs",
            "ITU Maritime Identification Digits, against declared and listed flags",
            valid_mid && compared,
            (
                "every MMSI's MID agrees with the declared and listed flags",
                "no MMSI with a valid MID and a declared or listed flag to compare",
            ),
        ),
        from_findings(
            p,
            "mmsi_without_valid_mid",
            "ITU Maritime Identification Digits",
            !p.mmsis.is_empty(),
            (
                "every MMSI has a MID allocated to a flag state",
                "no MMSI of the vessel is known",
            ),
        ),
    ]
}

/// The current flag against the ITF list of flags of convenience.
fn convenience(p: &Profile<'_>) -> Indicator {
    let itf = format!(
        "ITF list of flags of convenience ({} registers as bundled)",
        flag::convenience_registers()
    );
    let Some((f, from)) = current_flag(p) else {
        let detail = "no flag of the vessel is known".to_string();
        return indicator("flag_state", "flag_of_convenience", Status::Unknown, detail, &itf);
    };
    let name = flag::name(&f).unwrap_or(f.as_str()).to_string();
    let (status, detail) = match flag::flag_of_convenience(&f) {
        Some(c) if c.second_register => (
            Status::Unknown,
            format!(
                "flag {f} ({name}): the ITF list names the {}, not the flag, and the data does not say which register",
                c.register
            ),
        ),
        Some(c) => (
            Status::Observed,
            format!(
                "flag {f} ({name}), a flag of convenience on the ITF list ({}: {})",
                c.register, c.listed_as_of
            ),
        ),
        None => (Status::NotObserved, format!("flag {f} ({name}) is not on the ITF list")),
    };
    let mut i = indicator("flag_state", "flag_of_convenience", status, detail, &itf);
    i.evidence = vec![format!("flag {f} from {from}")];
    i
}

/// The indicator the profile's findings of the same name show (their texts, their
/// sources as evidence); without one, not observed when the data could show it
/// (`checked`), else unknown, with the words of `(clear, untold)`.
fn from_findings(p: &Profile<'_>, name: &str, source: &str, checked: bool, (clear, untold): (&str, &str)) -> Indicator {
    let found: Vec<_> = p.findings.iter().filter(|f| f.kind == name).collect();
    if found.is_empty() {
        let (status, detail) = if checked {
            (Status::NotObserved, clear)
        } else {
            (Status::Unknown, untold)
        };
        return indicator("flag_state", name, status, detail.to_string(), source);
    }
    let detail = found.iter().map(|f| f.text.as_str()).collect::<Vec<_>>().join("; ");
    let mut i = indicator("flag_state", name, Status::Observed, detail, source);
    i.evidence = found.iter().flat_map(|f| f.sources.iter().cloned()).collect();
    i.evidence.dedup();
    i
}

/// The event ids of the rows `keep` keeps, each with what `what` says of it.
fn ids(rows: &Rows, keep: &dyn Fn(usize) -> bool, what: &dyn Fn(usize) -> String) -> Vec<String> {
    (0..rows.rows.len())
        .filter(|i| keep(*i))
        .map(|i| format!("{} ({})", rows.text(i, "event_id"), what(i)))
        .collect()
}

/// An indicator of events: observed with the events `found`, else not observed when
/// the vessel was heard, else unknown. `what` names one event and several.
fn judged(
    (family, name, source): (&'static str, &str, &str),
    found: Vec<String>,
    what: (&str, &str),
    heard: bool,
) -> Indicator {
    let mut i = if !found.is_empty() {
        indicator(family, name, Status::Observed, counted(found.len(), what), source)
    } else if heard {
        let detail = format!("no {} in the data", what.0);
        indicator(family, name, Status::NotObserved, detail, source)
    } else {
        let detail = "no position of the vessel in the data".to_string();
        indicator(family, name, Status::Unknown, detail, source)
    };
    i.evidence = found;
    i
}

/// `2025-03-01T04:00:00Z, 4.0 h`.
fn span(rows: &Rows, i: usize) -> String {
    format!("{}, {} h", rows.text(i, "start_utc"), rows.text(i, "duration_h"))
}

/// Gaps, anomalies, encounters and loitering, from the profile's event rows.
fn events(p: &Profile<'_>, heard: bool) -> Vec<Indicator> {
    let empty = Rows::new(&[]);
    let b = p.behaviour.as_ref();
    let (gaps, anomalies, encounters, loitering) = b.map_or((&empty, &empty, &empty, &empty), |b| {
        (&b.gaps, &b.anomalies, &b.encounters, &b.loitering)
    });
    let mut out = vec![gap_indicator(gaps, heard), anomaly_indicator(anomalies, heard)];
    out.extend(encounter_indicators(encounters, heard));
    out.push(judged(
        (
            "behaviour",
            "loitering_offshore",
            "report loitering (away from port areas)",
        ),
        ids(loitering, &|_| true, &|i| {
            format!("{} {}", span(loitering, i), loitering.text(i, "label"))
        }),
        ("loitering at sea", "loiterings at sea"),
        heard,
    ));
    out
}

/// Unexplained gaps; a gap the traffic around it cannot class leaves it unknown.
fn gap_indicator(gaps: &Rows, heard: bool) -> Indicator {
    let source = "report gaps, class unexplained: other vessels heard near both ends during the silence";
    let unexplained = ids(gaps, &|i| gaps.text(i, "class") == "unexplained", &|i| span(gaps, i));
    let untold = (0..gaps.rows.len())
        .filter(|i| gaps.text(*i, "class") == "unknown")
        .count();
    let mut gap = judged(
        ("ais", "unexplained_gaps", source),
        unexplained,
        ("unexplained gap", "unexplained gaps"),
        heard,
    );
    if gap.status == Status::NotObserved && untold > 0 {
        gap.status = Status::Unknown;
        gap.detail = format!(
            "no unexplained gap, but {} with too little traffic around to tell",
            counted(untold, ("gap", "gaps"))
        );
    }
    gap
}

/// The vessel's own anomalies (an interference area that names it is not one).
fn anomaly_indicator(anomalies: &Rows, heard: bool) -> Indicator {
    let own = |i: usize| anomalies.text(i, "kind") != "interference";
    let mut anomaly = judged(
        (
            "ais",
            "anomalies",
            "report anomalies (the vessel's own; an interference area is not)",
        ),
        ids(anomalies, &own, &|i| {
            format!("{} {}", anomalies.text(i, "kind"), anomalies.text(i, "start_utc"))
        }),
        ("anomaly", "anomalies"),
        heard,
    );
    let areas = (0..anomalies.rows.len()).filter(|i| !own(*i)).count();
    if areas > 0 {
        let _ = write!(
            anomaly.detail,
            "; named in {}, whose anomalies are the area's, not the vessel's",
            counted(areas, ("an interference area", "interference areas"))
        );
    }
    anomaly
}

/// Encounters at sea, and those with a partner listed on the encounter's first day.
fn encounter_indicators(encounters: &Rows, heard: bool) -> [Indicator; 2] {
    let at_sea = "report encounters, at sea (in port areas left out)";
    let meeting = |i: usize| {
        format!(
            "{} with {} {}",
            span(encounters, i),
            encounters.text(i, "partner_mmsi"),
            encounters.text(i, "partner_name")
        )
    };
    let listed = ids(
        encounters,
        &|i| !encounters.text(i, "partner_listed").is_empty(),
        &|i| {
            format!(
                "{}, partner listed: {}",
                meeting(i),
                encounters.text(i, "partner_listed")
            )
        },
    );
    [
        judged(
            ("behaviour", "encounters_at_sea", at_sea),
            ids(encounters, &|_| true, &meeting),
            ("encounter at sea", "encounters at sea"),
            heard,
        ),
        judged(
            (
                "behaviour",
                "encounters_with_listed_vessel",
                &format!("{at_sea}; partner listed by IMO or MMSI on the encounter's first day"),
            ),
            listed,
            (
                "encounter with a vessel listed on its day",
                "encounters with a vessel listed on its day",
            ),
            heard,
        ),
    ]
}

/// Calls at the Russian oil terminals, and those made while listed.
fn port_calls(p: &Profile<'_>, heard: bool) -> Vec<Indicator> {
    let at_terminal: Vec<_> = p
        .calls
        .iter()
        .filter(|c| RUSSIAN_OIL_PORTS.contains(&c.locode.as_str()))
        .collect();
    let line = |c: &&super::vessel::CallLine| {
        format!(
            "{} {} arrival {} ({})",
            c.locode,
            c.name,
            rfc3339(c.arrival_ms),
            c.source
        )
    };
    let source = "report port-calls (detected from positions, and port-call records) at Primorsk, Ust-Luga, Novorossiysk, Tuapse, Kozmino, Vysotsk, St Petersburg";
    let mk = |name: &str,
              calls: Vec<&&super::vessel::CallLine>,
              what: (&str, &str),
              extra: &dyn Fn(&&super::vessel::CallLine) -> String| {
        let mut i = if calls.is_empty() {
            if heard || !p.calls.is_empty() {
                indicator(
                    "port_calls",
                    name,
                    Status::NotObserved,
                    format!("no {} in the data", what.0),
                    source,
                )
            } else {
                indicator(
                    "port_calls",
                    name,
                    Status::Unknown,
                    "no position and no port call of the vessel in the data".into(),
                    source,
                )
            }
        } else {
            indicator("port_calls", name, Status::Observed, counted(calls.len(), what), source)
        };
        i.evidence = calls.iter().map(|c| format!("{}{}", line(c), extra(c))).collect();
        i
    };
    let listed: Vec<_> = at_terminal.iter().filter(|c| !c.listed.is_empty()).collect();
    vec![
        mk(
            "russian_oil_terminal_calls",
            at_terminal.iter().collect(),
            ("call at a Russian oil terminal", "calls at a Russian oil terminal"),
            &|_| String::new(),
        ),
        mk(
            "russian_oil_terminal_calls_while_listed",
            listed,
            (
                "call at a Russian oil terminal while listed",
                "calls at a Russian oil terminal while listed",
            ),
            &|c| {
                let on: Vec<String> = c.listed.iter().map(|(l, d)| format!("{l} since {d}")).collect();
                format!(", listed: {}", on.join(", "))
            },
        ),
    ]
}

/// The identity columns of a vessel's rows: IMO, its MMSIs (`;`-joined), its name.
fn who(p: &Profile<'_>) -> [Cell; 3] {
    let mmsis: Vec<String> = p.mmsis.iter().map(|m| crate::model::mmsi::digits(*m)).collect();
    [
        Cell::opt(p.imo.clone()),
        Cell::Str(mmsis.join(";")),
        Cell::opt(p.name.clone()),
    ]
}

/// The indicators of each vessel, a row each.
pub fn rows(all: &[(&Profile<'_>, Vec<Indicator>)]) -> Rows {
    let mut rows = Rows::new(COLUMNS);
    for (p, list) in all {
        for i in list {
            let mut r = who(p).to_vec();
            r.extend([
                Cell::from(i.family),
                Cell::from(i.name.as_str()),
                Cell::from(i.status.as_str()),
                Cell::from(i.detail.as_str()),
                Cell::Str(i.evidence.join("; ")),
                Cell::from(i.source.as_str()),
            ]);
            rows.push(r);
        }
    }
    rows
}

/// A row per vessel: the observed indicators per family, and the totals per status.
pub fn summary_rows(all: &[(&Profile<'_>, Vec<Indicator>)]) -> Rows {
    let mut rows = Rows::new(SUMMARY_COLUMNS);
    let count = |list: &[Indicator], keep: &dyn Fn(&Indicator) -> bool| {
        Cell::Int(i64::try_from(list.iter().filter(|i| keep(i)).count()).unwrap_or(i64::MAX))
    };
    for (p, list) in all {
        let mut r = who(p).to_vec();
        for family in FAMILIES {
            r.push(count(list, &|i| i.family == *family && i.status == Status::Observed));
        }
        for status in [Status::Observed, Status::NotObserved, Status::Unknown] {
            r.push(count(list, &|i| i.status == status));
        }
        rows.push(r);
    }
    rows
}

/// The indicators as a table section: a line each, the evidence below.
pub fn write_table(list: &[Indicator], out: &mut dyn Write) -> io::Result<()> {
    // Names and reasons come from lists and files nobody controls.
    let out = &mut super::Visible::new(out);
    for i in list {
        writeln!(out, "  {:<13}{:<40}{}", i.status.as_str(), i.name, i.detail)?;
        let evidence = if i.evidence.is_empty() {
            String::new()
        } else {
            format!("{}; ", i.evidence.join("; "))
        };
        writeln!(out, "  {:<13}{:<40}[{evidence}source: {}]", "", "", i.source)?;
    }
    writeln!(
        out,
        "  Each indicator is what the data shows; unknown means the data cannot tell. There is no score."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::identity::IdentitySpan;
    use crate::report::vessel::{Possible, profile};

    const DAY: i64 = 86_400_000;

    fn span(mmsi: u32, name: &str, flag: Option<&str>, first_ms: i64, last_ms: i64) -> IdentitySpan {
        IdentitySpan {
            mmsi: Some(mmsi),
            imo: Some("9293002".into()),
            name: Some(name.into()),
            call_sign: None,
            ship_type: None,
            length_m: None,
            flag: flag.map(str::to_string),
            source: "registry".into(),
            first_ms,
            last_ms,
            reports: 1,
        }
    }

    fn judge(spans: &[IdentitySpan], as_of_ms: i64) -> Vec<Indicator> {
        let vessels = timeline::vessels(spans);
        let v = &vessels[0];
        let p = profile(Some(v), None, Vec::new(), Possible::default(), Vec::new());
        let basis = Basis {
            lists: &[],
            as_of_ms,
            heard: false,
        };
        indicators(&p, Some(v), &basis)
    }

    fn status(list: &[Indicator], name: &str) -> Status {
        list.iter()
            .find(|i| i.name == name)
            .map(|i| i.status)
            .expect("indicator")
    }

    #[test]
    fn a_rename_counts_for_twelve_months_to_the_day() {
        let renamed_at = 100 * DAY;
        let spans = vec![
            span(273_279_840, "JAGUAR", Some("RU"), 0, renamed_at - DAY),
            span(273_279_840, "ARGENT", Some("RU"), renamed_at, renamed_at + DAY),
        ];
        let inside = judge(&spans, renamed_at + RECENT_MS - 1);
        assert_eq!(status(&inside, "renamed_12_months"), Status::Observed);
        let edge = judge(&spans, renamed_at + RECENT_MS);
        assert_eq!(status(&edge, "renamed_12_months"), Status::NotObserved);
        assert_eq!(status(&edge, "reflagged_12_months"), Status::NotObserved);
        // Nothing about a later vessel: a rename after the end of the data is not seen.
        let before = judge(&spans, renamed_at - 1);
        assert_eq!(status(&before, "renamed_12_months"), Status::NotObserved);
    }

    #[test]
    fn a_flag_of_convenience_is_read_from_the_itf_list() {
        // Panama (a MID of Panama too), Norway, the German second register, no flag.
        let foc = |mmsi: u32, flag: Option<&str>| {
            let list = judge(&[span(mmsi, "X", flag, 0, DAY)], DAY);
            let i = list.into_iter().find(|i| i.name == "flag_of_convenience").unwrap();
            (i.status, i.detail)
        };
        assert_eq!(foc(352_000_001, Some("PA")).0, Status::Observed);
        assert_eq!(foc(257_000_001, Some("NO")).0, Status::NotObserved);
        let (de, why) = foc(211_000_001, Some("DE"));
        assert_eq!(de, Status::Unknown, "{why}");
        assert!(why.contains("German International Ship Register"), "{why}");
        // A MID allocated to nobody and no declared flag: no flag is known.
        assert_eq!(foc(111_000_001, None).0, Status::Unknown);
        assert_eq!(
            status(
                &judge(&[span(111_000_001, "X", None, 0, DAY)], DAY),
                "mmsi_without_valid_mid"
            ),
            Status::Observed
        );
    }

    #[test]
    fn no_positions_leave_the_events_unknown() {
        let list = judge(&[span(273_279_840, "ARGENT", Some("RU"), 0, DAY)], DAY);
        for name in [
            "unexplained_gaps",
            "anomalies",
            "encounters_at_sea",
            "loitering_offshore",
        ] {
            assert_eq!(status(&list, name), Status::Unknown, "{name}");
        }
        assert_eq!(status(&list, "russian_oil_terminal_calls"), Status::Unknown);
    }

    #[test]
    fn without_an_imo_a_listing_is_unknown_not_absent() {
        let eu = crate::lists::bundled::eu();
        let mut s = span(273_279_840, "ARGENT", Some("RU"), 0, DAY);
        s.imo = None;
        let vessels = timeline::vessels(std::slice::from_ref(&s));
        let p = profile(Some(&vessels[0]), None, Vec::new(), Possible::default(), Vec::new());
        let basis = Basis {
            lists: std::slice::from_ref(&eu),
            as_of_ms: DAY,
            heard: true,
        };
        let list = indicators(&p, Some(&vessels[0]), &basis);
        assert_eq!(status(&list, "listed_eu"), Status::Unknown);
        // Heard, with no event: each event indicator is not observed.
        assert_eq!(status(&list, "unexplained_gaps"), Status::NotObserved);
    }

    #[test]
    fn counts_read_as_english() {
        assert_eq!(counted(1, ("gap", "gaps")), "1 gap");
        assert_eq!(counted(3, ("gap", "gaps")), "3 gaps");
        assert_eq!(
            counted(1, ("an interference area", "interference areas")),
            "an interference area"
        );
        assert_eq!(counted(1, ("anomaly", "anomalies")), "1 anomaly");
    }
}
