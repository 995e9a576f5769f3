//! `report vessel --format html`: a vessel's dossier as one self-contained HTML file
//! (styles, script, map and charts inline; nothing fetched; prints on A4). Who the
//! vessel is and was, its listings with citations, a map of its track by identity with
//! its events, a time line, its reported speed and draught, its indicators and
//! findings, what the data does not show, and where every fact came from. Every text
//! from the data is escaped.

pub mod chart;
pub mod map;

use std::fmt::Write as _;
use std::io::{self, Write};

use super::Rows;
use super::citation::cite;
use super::vessel::{Profile, route};
use crate::model::ais::{from_rfc3339, rfc3339};
use crate::model::mmsi;
use crate::track::land::LandMask;

/// Colours of the identities on the map, in order of first appearance.
const PALETTE: &[&str] = &[
    "#c0392b", "#1f5fa8", "#1e8449", "#7d3c98", "#ca6f1e", "#117a65", "#5d6d7e", "#9a7d0a",
];

/// Escapes text for HTML and SVG, in content and in attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// One accepted fix of the track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    pub lat: f64,
    pub lon: f64,
    pub ts_ms: i64,
    pub sog_kn: Option<f32>,
    pub draught_m: Option<f32>,
}

/// A stretch of one segment of the track under one identity (MMSI and name).
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub mmsi: u32,
    pub name: Option<String>,
    pub fixes: Vec<Fix>,
}

/// An encounter partner's positions during the encounter.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerTrack {
    pub event_id: String,
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

/// Everything one vessel's dossier draws.
pub struct Dossier<'a> {
    pub profile: &'a Profile<'a>,
    pub runs: Vec<Run>,
    pub partners: Vec<PartnerTrack>,
    /// Where each of the profile's port calls was (its port's point), in their order.
    pub call_places: Vec<Option<(f64, f64)>>,
}

/// Where the facts came from.
pub struct Provenance {
    /// (name, format, bytes, rows, BLAKE3) of each ingested file.
    pub files: Vec<(String, String, u64, u64, String)>,
    /// (list, version date, origin, entries) of each list in force.
    pub lists: Vec<(String, String, String, usize)>,
    pub command: String,
}

/// One event of the time line and the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `call`, `gap`, `encounter`, `loitering`, `anomaly`.
    pub kind: &'static str,
    pub id: String,
    pub start_ms: i64,
    pub end_ms: Option<i64>,
    pub lat: f64,
    pub lon: f64,
    /// Where a gap ended.
    pub end: Option<(f64, f64)>,
    pub text: String,
    /// The name written beside its marker (a port's).
    pub label: Option<String>,
    /// A gap's class.
    pub class: Option<String>,
}

impl Event {
    pub fn title(&self) -> String {
        let end = self.end_ms.map_or_else(|| "open".to_string(), rfc3339);
        format!("{}: {} to {end}. {}", self.kind, rfc3339(self.start_ms), self.text)
    }
}

/// A kind of event row: its kind, its rows, the columns of its position, and what it says.
type Kind<'a> = (
    &'static str,
    &'a Rows,
    &'a str,
    &'a str,
    &'a dyn Fn(&Rows, usize) -> String,
);

/// The events of a profile (its calls at their ports, and its behaviour rows), by start.
pub fn events(d: &Dossier<'_>) -> Vec<Event> {
    let p = d.profile;
    let mut out: Vec<Event> = Vec::new();
    for (c, place) in p.calls.iter().zip(&d.call_places) {
        let Some((lat, lon)) = place else { continue };
        out.push(Event {
            kind: "call",
            id: format!("call-{}-{}", c.locode, rfc3339(c.arrival_ms)),
            start_ms: c.arrival_ms,
            end_ms: c.departure_ms,
            lat: *lat,
            lon: *lon,
            end: None,
            text: format!("{} ({}), {}", c.name, c.locode, c.source),
            label: Some(c.name.clone()),
            class: None,
        });
    }
    if let Some(b) = &p.behaviour {
        let kinds: [Kind<'_>; 4] = [
            ("gap", &b.gaps, "start_lat", "start_lon", &|r, i| {
                format!("{} h, class {}", r.text(i, "duration_h"), r.text(i, "class"))
            }),
            ("encounter", &b.encounters, "lat", "lon", &|r, i| {
                format!(
                    "{} h with {} {}, {}",
                    r.text(i, "duration_h"),
                    r.text(i, "partner_mmsi"),
                    r.text(i, "partner_name"),
                    r.text(i, "class")
                )
            }),
            ("loitering", &b.loitering, "lat", "lon", &|r, i| {
                format!("{} h, {}", r.text(i, "duration_h"), r.text(i, "label"))
            }),
            ("anomaly", &b.anomalies, "lat", "lon", &|r, i| {
                format!("{}: {}", r.text(i, "kind"), r.text(i, "detail"))
            }),
        ];
        for (kind, rows, lat, lon, text) in kinds {
            for i in 0..rows.rows.len() {
                let (Some(start_ms), Ok(la), Ok(lo)) = (
                    from_rfc3339(&rows.text(i, "start_utc")),
                    rows.text(i, lat).parse::<f64>(),
                    rows.text(i, lon).parse::<f64>(),
                ) else {
                    continue;
                };
                let end = (kind == "gap")
                    .then(|| {
                        Some((
                            rows.text(i, "end_lat").parse().ok()?,
                            rows.text(i, "end_lon").parse().ok()?,
                        ))
                    })
                    .flatten();
                out.push(Event {
                    kind,
                    id: rows.text(i, "event_id"),
                    start_ms,
                    end_ms: from_rfc3339(&rows.text(i, "end_utc")),
                    lat: la,
                    lon: lo,
                    end,
                    text: text(rows, i),
                    label: None,
                    class: (kind == "gap").then(|| rows.text(i, "class")),
                });
            }
        }
    }
    out.sort_by(|a, b| (a.start_ms, a.kind).cmp(&(b.start_ms, b.kind)));
    out
}

const STYLE: &str = r"
:root { --ink: #1b2631; --muted: #5d6d7e; --rule: #d5dbe1; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1060px; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 18px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; margin-top: 28px; }
.ids, .caption, .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { text-align: left; vertical-align: top; padding: 3px 6px; border-bottom: 1px solid var(--rule); }
th { font-weight: 600; }
td.observed { color: #922b21; font-weight: 600; } td.unknown { color: var(--muted); }
ol.citations li { margin-bottom: 6px; }
svg { width: 100%; height: auto; display: block; }
svg text { font: 11px system-ui, sans-serif; fill: #34495e; }
.map .sea { fill: #eaf2f8; } .map .land { fill: #e5e0d5; stroke: #b3a995; stroke-width: 0.6; }
.map .grid line { stroke: #b9c9d6; stroke-width: 0.5; } .map .grid text { fill: #6c7a89; }
.map polyline { fill: none; stroke-linejoin: round; stroke-linecap: round; }
.map .track { stroke-width: 2; } .map .gap { stroke: #922b21; stroke-width: 1.6; stroke-dasharray: 6 4; }
.map .partner { stroke: #000; stroke-width: 1.2; stroke-dasharray: 2 2; }
.map .marker circle { stroke: #fff; stroke-width: 1.5; } .map .marker text { font-weight: 600; }
.marker.call circle { fill: #1b2631; } .marker.gap circle { fill: #922b21; } .marker.encounter circle { fill: #d68910; }
.marker.loitering circle { fill: #1e8449; } .marker.anomaly circle { fill: #7d3c98; }
.marker.lit circle, .bar.lit { stroke: #f1c40f; stroke-width: 4; }
.map .scale rect { fill: #fff; opacity: 0.85; } .map .scale line { stroke: #1b2631; stroke-width: 3; }
.timeline .lane, .series .lane { stroke: var(--rule); } .bar.call { fill: #1b2631; } .bar.gap { fill: #922b21; }
.bar.encounter { fill: #d68910; } .bar.loitering { fill: #1e8449; } .bar.anomaly { fill: #7d3c98; }
.series polyline { fill: none; stroke-width: 1.2; } .series.speed polyline { stroke: #1f5fa8; } .series.draught polyline { stroke: #117a65; }
.legend span.swatch { display: inline-block; width: 14px; height: 4px; margin-right: 6px; vertical-align: middle; }
.legend li { list-style: none; } .legend { padding-left: 0; }
tr[data-id] { cursor: pointer; }
code { font-size: 12px; word-break: break-all; }
@page { size: A4; margin: 14mm; }
@media print { body { max-width: none; padding: 0; font-size: 11px; } section { break-inside: avoid-page; } #events, #indicators, #provenance { break-inside: auto; } h2 { break-after: avoid; } }
";

const SCRIPT: &str = r"
(function () {
  var rows = document.querySelectorAll('tr[data-id]');
  rows.forEach(function (row) {
    row.addEventListener('click', function () {
      var id = row.getAttribute('data-id');
      document.querySelectorAll('.lit').forEach(function (e) { e.classList.remove('lit'); });
      document.querySelectorAll('[data-id]').forEach(function (e) {
        if (e.getAttribute('data-id') === id && e.tagName.toLowerCase() !== 'tr') { e.classList.add('lit'); }
      });
    });
  });
})();
";

/// Writes the dossiers of one or more vessels as one HTML document.
pub fn write(
    dossiers: &[Dossier<'_>],
    provenance: &Provenance,
    land: &LandMask,
    out: &mut dyn Write,
) -> io::Result<()> {
    let title = dossiers
        .iter()
        .map(|d| heading(d.profile))
        .collect::<Vec<_>>()
        .join(", ");
    let mut s = String::with_capacity(1 << 20);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"generator\" content=\"fleetwatch {}\"><title>{} · fleetwatch dossier</title><style>{STYLE}</style></head><body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&title)
    );
    for d in dossiers {
        article(&mut s, d, land);
    }
    provenance_section(&mut s, provenance);
    let _ = writeln!(s, "<script>{SCRIPT}</script></body></html>");
    out.write_all(s.as_bytes())
}

fn heading(p: &Profile<'_>) -> String {
    let name = p.name.as_deref().unwrap_or("(no name)");
    match &p.imo {
        Some(imo) => format!("{name} (IMO {imo})"),
        None => name.to_string(),
    }
}

/// An identity the track was under (MMSI and name), its colour, and when and how often.
struct Identity {
    key: (u32, Option<String>),
    colour: &'static str,
    first_ms: i64,
    last_ms: i64,
    fixes: usize,
}

/// The identities of the runs, each with its colour, in order of first appearance.
fn identities(runs: &[Run]) -> Vec<Identity> {
    let mut out: Vec<Identity> = Vec::new();
    for r in runs {
        let (Some(first), Some(last)) = (r.fixes.first(), r.fixes.last()) else {
            continue;
        };
        let key = (r.mmsi, r.name.clone());
        if let Some(e) = out.iter_mut().find(|e| e.key == key) {
            e.first_ms = e.first_ms.min(first.ts_ms);
            e.last_ms = e.last_ms.max(last.ts_ms);
            e.fixes += r.fixes.len();
        } else {
            out.push(Identity {
                key,
                colour: PALETTE[out.len() % PALETTE.len()],
                first_ms: first.ts_ms,
                last_ms: last.ts_ms,
                fixes: r.fixes.len(),
            });
        }
    }
    out
}

fn article(s: &mut String, d: &Dossier<'_>, land: &LandMask) {
    let p = d.profile;
    let mmsis: Vec<String> = p.mmsis.iter().map(|m| mmsi::digits(*m)).collect();
    let _ = writeln!(
        s,
        "<article><header><h1>{}</h1><p class=\"ids\">{} · MMSI {}</p><p>This dossier states what the data shows, with the source of each fact; it is not a finding of guilt.</p></header>",
        esc(p.name.as_deref().unwrap_or("(no name)")),
        esc(&p
            .imo
            .as_deref()
            .map_or_else(|| "no IMO known".to_string(), |i| format!("IMO {i}"))),
        esc(&if mmsis.is_empty() {
            "none known".to_string()
        } else {
            mmsis.join(", ")
        })
    );
    identity_section(s, p);
    listings_section(s, p);
    let events = events(d);
    map_section(s, d, &events, land);
    timeline_section(s, d, &events);
    indicators_section(s, p);
    limits_section(s, d, &events);
    s.push_str("</article>\n");
}

fn identity_section(s: &mut String, p: &Profile<'_>) {
    s.push_str("<section id=\"identity\"><h2>Who the vessel is and was</h2><table><tr><th>attribute</th><th>value</th><th>first seen (UTC)</th><th>last seen (UTC)</th><th>source</th></tr>");
    for t in &p.timeline {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            t.attribute,
            esc(&t.value),
            rfc3339(t.first_ms),
            rfc3339(t.last_ms),
            esc(&t.source)
        );
    }
    if p.timeline.is_empty() {
        s.push_str("<tr><td colspan=\"5\">nothing ingested about this vessel</td></tr>");
    }
    s.push_str("</table></section>\n");
}

fn listings_section(s: &mut String, p: &Profile<'_>) {
    s.push_str("<section id=\"listings\"><h2>Listings</h2>");
    let citations: Vec<String> = p
        .listings
        .iter()
        .flat_map(|h| h.listings.iter().map(|(l, e)| cite(l, e)))
        .collect();
    if citations.is_empty() {
        s.push_str("<p>On none of the lists in force, by IMO or MMSI.</p>");
    } else {
        s.push_str("<p>The lists in force that name this vessel by its IMO number or MMSI; each line can be pasted as a citation.</p><ol class=\"citations\">");
        for c in citations {
            let _ = write!(s, "<li class=\"citation\">{}</li>", esc(&c));
        }
        s.push_str("</ol>");
    }
    let possible = p.possible.hidden + p.possible.shown.len();
    if possible > 0 {
        let _ = write!(
            s,
            "<p class=\"muted\">{}: possible matches by name, not listings of this vessel.</p>",
            if possible == 1 {
                "One listed hull bears one of its names without an identifier in common".to_string()
            } else {
                format!("{possible} listed hulls bear one of its names without an identifier in common")
            }
        );
    }
    if !p.findings.is_empty() {
        s.push_str("<h3>Findings: facts that disagree</h3><ul>");
        for f in &p.findings {
            let _ = write!(
                s,
                "<li>{} <span class=\"muted\">[{}]</span></li>",
                esc(&f.text),
                esc(&f.sources.join(", "))
            );
        }
        s.push_str("</ul>");
    }
    s.push_str("</section>\n");
}

fn map_section(s: &mut String, d: &Dossier<'_>, events: &[Event], land: &LandMask) {
    let colours = identities(&d.runs);
    let mut points: Vec<(f64, f64)> = d
        .runs
        .iter()
        .flat_map(|r| r.fixes.iter().map(|f| (f.lat, f.lon)))
        .collect();
    points.extend(events.iter().map(|e| (e.lat, e.lon)));
    let view = map::View::fit(points);
    let land = land.rings_within(view.bounds());
    let mut lines: Vec<map::Line> = Vec::new();
    for r in &d.runs {
        let key = (r.mmsi, r.name.clone());
        let colour = colours.iter().find(|c| c.key == key).map_or(PALETTE[0], |c| c.colour);
        lines.push(map::Line {
            class: "track",
            colour: colour.to_string(),
            points: r.fixes.iter().map(|f| (f.lat, f.lon)).collect(),
            title: format!(
                "{} · MMSI {}",
                r.name.as_deref().unwrap_or("(no name)"),
                mmsi::digits(r.mmsi)
            ),
        });
    }
    for e in events.iter().filter(|e| e.kind == "gap") {
        if let Some(end) = e.end {
            lines.push(map::Line {
                class: "gap",
                colour: "#922b21".into(),
                points: vec![(e.lat, e.lon), end],
                title: e.title(),
            });
        }
    }
    for t in &d.partners {
        lines.push(map::Line {
            class: "partner",
            colour: "#000".into(),
            points: t.points.clone(),
            title: format!("partner {} during encounter {}", t.label, t.event_id),
        });
    }
    let markers: Vec<map::Marker> = events
        .iter()
        .map(|e| map::Marker {
            kind: e.kind,
            id: e.id.clone(),
            lat: e.lat,
            lon: e.lon,
            label: e.label.clone(),
            title: e.title(),
        })
        .collect();
    let (svg, drawn) = map::svg(&view, &land, &lines, &markers);
    let fixes: usize = d.runs.iter().map(|r| r.fixes.len()).sum();
    let _ = write!(s, "<section id=\"map\"><h2>Map</h2>{svg}<ul class=\"legend\">");
    for c in &colours {
        let _ = write!(
            s,
            "<li><span class=\"swatch\" style=\"background:{}\"></span>{} · MMSI {}: {} to {}, {} fixes</li>",
            c.colour,
            esc(c.key.1.as_deref().unwrap_or("(no name)")),
            mmsi::digits(c.key.0),
            rfc3339(c.first_ms),
            rfc3339(c.last_ms),
            c.fixes
        );
    }
    let _ = writeln!(
        s,
        "</ul><p class=\"caption\">The track after cleaning (bad fixes left out), coloured by the name and MMSI the vessel broadcast; dashed red: an AIS gap from where the vessel fell silent to where it was heard again; dotted black: an encounter partner's track during the encounter; markers: port calls (dark, labelled), gaps (red), encounters (amber), loitering (green), anomalies (purple). Web Mercator; the scale holds at the latitude it names. The line is simplified (Ramer-Douglas-Peucker) to {} px, about {:.0} m: {} of {fixes} fixes drawn. Land: GSHHG full resolution, simplified to 0.002 degree (LGPL-3.0), {} points drawn.</p></section>",
        map::TOLERANCE_PX,
        map::TOLERANCE_PX * view.metres_per_px(),
        drawn.track_points,
        drawn.land_points
    );
}

fn timeline_section(s: &mut String, d: &Dossier<'_>, events: &[Event]) {
    let times = d
        .runs
        .iter()
        .flat_map(|r| r.fixes.iter().map(|f| f.ts_ms))
        .chain(events.iter().flat_map(|e| [Some(e.start_ms), e.end_ms]).flatten());
    let (start_ms, end_ms) = times.fold((i64::MAX, i64::MIN), |(a, b), t| (a.min(t), b.max(t)));
    if start_ms > end_ms {
        return;
    }
    let span = chart::Span { start_ms, end_ms };
    let _ = write!(
        s,
        "<section id=\"events\"><h2>Time line</h2>{}",
        chart::timeline(events, span)
    );
    let route = route(&d.profile.calls);
    if !route.is_empty() {
        let _ = write!(s, "<p><strong>Route:</strong> {}</p>", esc(&route));
    }
    s.push_str("<table><tr><th>kind</th><th>start (UTC)</th><th>end (UTC)</th><th>what</th><th>event id</th></tr>");
    for e in events {
        let _ = write!(
            s,
            "<tr data-id=\"{id}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{id}</code></td></tr>",
            e.kind,
            rfc3339(e.start_ms),
            e.end_ms.map_or_else(|| "open".to_string(), rfc3339),
            esc(&e.text),
            id = esc(&e.id)
        );
    }
    if events.is_empty() {
        s.push_str("<tr><td colspan=\"5\">no event in the data</td></tr>");
    }
    s.push_str("</table>");
    let fixes: Vec<&Fix> = d.runs.iter().flat_map(|r| r.fixes.iter()).collect();
    let speed: Vec<(i64, f32)> = fixes.iter().filter_map(|f| Some((f.ts_ms, f.sog_kn?))).collect();
    let draught: Vec<(i64, f32)> = fixes.iter().filter_map(|f| Some((f.ts_ms, f.draught_m?))).collect();
    s.push_str("<h3>Reported speed and draught</h3>");
    for (label, unit, series, class) in [("speed", "kn", &speed, "speed"), ("draught", "m", &draught, "draught")] {
        match chart::series(label, unit, series, span, class) {
            Some(svg) => s.push_str(&svg),
            None => {
                let _ = write!(s, "<p class=\"muted\">No {label} reported.</p>");
            }
        }
    }
    s.push_str("<p class=\"caption\">As the vessel reported them over AIS (the lowest and highest value of each column); a draught is entered by the crew and may lag the cargo.</p></section>\n");
}

fn indicators_section(s: &mut String, p: &Profile<'_>) {
    s.push_str("<section id=\"indicators\"><h2>Indicators</h2><p>The shadow-fleet indicators the data can show (IMO resolution A.1192(33), the 2020 US maritime advisory): observed, not observed, or unknown when the data cannot tell. There is no score.</p><table><tr><th>status</th><th>indicator</th><th>what the data shows</th><th>evidence</th><th>source</th></tr>");
    for i in &p.indicators {
        let _ = write!(
            s,
            "<tr class=\"indicator\"><td class=\"{st}\">{st}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&i.name),
            esc(&i.detail),
            esc(&i.evidence.join("; ")),
            esc(&i.source),
            st = i.status.as_str()
        );
    }
    s.push_str("</table></section>\n");
}

fn limits_section(s: &mut String, d: &Dossier<'_>, events: &[Event]) {
    let fixes: Vec<&Fix> = d.runs.iter().flat_map(|r| r.fixes.iter()).collect();
    let mut days: Vec<i64> = fixes.iter().map(|f| f.ts_ms.div_euclid(86_400_000)).collect();
    days.sort_unstable();
    days.dedup();
    s.push_str("<section id=\"limits\"><h2>What the data shows and does not show</h2><ul>");
    match (fixes.first(), fixes.iter().map(|f| f.ts_ms).max()) {
        (Some(first), Some(last)) => {
            let _ = write!(
                s,
                "<li>{} AIS positions of the vessel, on {} days between {} and {}. Where the vessel was at other times, the data does not say.</li>",
                fixes.len(),
                days.len(),
                rfc3339(fixes.iter().map(|f| f.ts_ms).min().unwrap_or(first.ts_ms)),
                rfc3339(last)
            );
        }
        _ => s.push_str("<li>No AIS position of the vessel in the data: nothing about where it went.</li>"),
    }
    let gaps = events.iter().filter(|e| e.kind == "gap").count();
    let unexplained = events
        .iter()
        .filter(|e| e.class.as_deref() == Some("unexplained"))
        .count();
    let counted = match (gaps, unexplained) {
        (0, _) => "No AIS gap of 2 hours or more.".to_string(),
        (1, 1) => "One AIS gap of 2 hours or more, unexplained (other vessels were heard near both ends).".to_string(),
        (1, _) => "One AIS gap of 2 hours or more, not unexplained.".to_string(),
        (n, u) => format!(
            "{n} AIS gaps of 2 hours or more, {u} of them unexplained (other vessels were heard near both ends)."
        ),
    };
    let _ = write!(
        s,
        "<li>{counted} A gap is a silence in the data; that the transmitter was switched off is an inference the data does not make.</li>"
    );
    s.push_str("<li>An encounter shows two vessels within the stated distance of each other, both slow, for the stated hours, and the draughts they reported before and after; it does not show that anything passed between them, nor what.</li>");
    s.push_str("<li>A port call shows the vessel slow inside a port's area; it does not show a berth, a cargo or a buyer.</li>");
    s.push_str("<li>A listing is matched by IMO number or MMSI; a name alone never makes a vessel listed. The lists are those in force in this store (below).</li>");
    s.push_str("</ul></section>\n");
}

fn provenance_section(s: &mut String, p: &Provenance) {
    let _ = write!(
        s,
        "<section id=\"provenance\"><h2>Provenance</h2><p>Made by fleetwatch {} with <code>{}</code>, from these files and lists.</p><table><tr><th>file ingested</th><th>format</th><th>bytes</th><th>rows</th><th>BLAKE3</th></tr>",
        env!("CARGO_PKG_VERSION"),
        esc(&p.command)
    );
    for (name, format, bytes, rows, hash) in &p.files {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{bytes}</td><td>{rows}</td><td><code>{}</code></td></tr>",
            esc(name),
            esc(format),
            esc(hash)
        );
    }
    s.push_str("</table><table><tr><th>list</th><th>version</th><th>entries</th><th>from</th></tr>");
    for (list, version, origin, entries) in &p.lists {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{entries}</td><td>{}</td></tr>",
            esc(list),
            esc(version),
            esc(origin)
        );
    }
    s.push_str("</table></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_the_data_is_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("a\u{0}b"), "a\u{fffd}b");
    }
}
