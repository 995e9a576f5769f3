//! The dossier's map, an SVG: Web Mercator zoomed to the track, the land polygons
//! clipped to the view, a latitude/longitude grid and a scale bar, lines (the track by
//! identity, gaps dashed, partners' tracks) and a marker per event. Every line and ring
//! is simplified (Ramer-Douglas-Peucker through `geo`) to [`TOLERANCE_PX`] of the map,
//! so that a year of fixes draws as a few thousand points.

use std::fmt::Write as _;

use geo::{Coord, LineString, Simplify};

use super::esc;
use crate::model::port::KM_PER_DEG;

/// The map's width in SVG units (pixels at 100%).
pub const WIDTH: f64 = 1000.0;
/// How far a drawn line may stray from the data, in pixels of the map.
pub const TOLERANCE_PX: f64 = 0.5;
const MAX_HEIGHT: f64 = 760.0;
const MIN_HEIGHT: f64 = 420.0;
/// How far beyond the view rings are kept when clipped, in pixels.
const CLIP_MARGIN_PX: f64 = 8.0;

fn merc(lat: f64) -> f64 {
    let lat = lat.clamp(-85.0, 85.0).to_radians();
    (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln()
}

fn unmerc(y: f64) -> f64 {
    (2.0 * y.exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees()
}

/// What the map shows, and how a position becomes a point of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub lon0: f64,
    pub lon1: f64,
    /// Mercator ordinates of the top and the bottom.
    top: f64,
    bottom: f64,
    pub height: f64,
}

impl View {
    /// The view around the positions (lat, lon) with a margin, at least 0.2 degree
    /// across, its height between the map's bounds (the wider side widened to fit).
    pub fn fit(points: impl IntoIterator<Item = (f64, f64)>) -> Self {
        let (mut lat0, mut lat1, mut lon0, mut lon1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (lat, lon) in points {
            lat0 = lat0.min(lat);
            lat1 = lat1.max(lat);
            lon0 = lon0.min(lon);
            lon1 = lon1.max(lon);
        }
        if lat0 > lat1 {
            (lat0, lat1, lon0, lon1) = (-60.0, 75.0, -180.0, 180.0);
        }
        let (mid_lon, mid_y) = (f64::midpoint(lon0, lon1), f64::midpoint(merc(lat0), merc(lat1)));
        // Spans in radians of Mercator: longitude radians and ordinate units agree.
        let mut w = ((lon1 - lon0).to_radians() * 1.16).max(0.2f64.to_radians());
        let mut h = ((merc(lat1) - merc(lat0)) * 1.16).max(0.2f64.to_radians());
        if h / w * WIDTH > MAX_HEIGHT {
            w = h * WIDTH / MAX_HEIGHT;
        } else if h / w * WIDTH < MIN_HEIGHT {
            h = w * MIN_HEIGHT / WIDTH;
        }
        let w_deg = w.to_degrees().min(360.0);
        let w = w_deg.to_radians();
        Self {
            lon0: mid_lon - w_deg / 2.0,
            lon1: mid_lon + w_deg / 2.0,
            top: mid_y + h / 2.0,
            bottom: mid_y - h / 2.0,
            height: (h / w * WIDTH).round(),
        }
    }

    pub fn x(&self, lon: f64) -> f64 {
        (lon - self.lon0) / (self.lon1 - self.lon0) * WIDTH
    }

    pub fn y(&self, lat: f64) -> f64 {
        (self.top - merc(lat)) / (self.top - self.bottom) * self.height
    }

    pub fn lat_top(&self) -> f64 {
        unmerc(self.top)
    }

    pub fn lat_bottom(&self) -> f64 {
        unmerc(self.bottom)
    }

    /// The view as a longitude/latitude box, for the land rings to draw.
    pub fn bounds(&self) -> geo::Rect<f64> {
        geo::Rect::new(
            Coord {
                x: self.lon0,
                y: self.lat_bottom(),
            },
            Coord {
                x: self.lon1,
                y: self.lat_top(),
            },
        )
    }

    /// Metres a pixel spans east-west at the view's middle latitude.
    pub fn metres_per_px(&self) -> f64 {
        let lat = unmerc(f64::midpoint(self.top, self.bottom));
        KM_PER_DEG * 1000.0 * lat.to_radians().cos() * (self.lon1 - self.lon0) / WIDTH
    }

    pub fn middle_lat(&self) -> f64 {
        unmerc(f64::midpoint(self.top, self.bottom))
    }
}

/// A line on the map.
#[derive(Debug, Clone)]
pub struct Line {
    /// Its CSS class (`track`, `gap`, `partner`).
    pub class: &'static str,
    pub colour: String,
    /// (lat, lon) in order.
    pub points: Vec<(f64, f64)>,
    pub title: String,
}

/// A marker of an event.
#[derive(Debug, Clone)]
pub struct Marker {
    /// `call`, `gap`, `encounter`, `loitering`, `anomaly`.
    pub kind: &'static str,
    pub id: String,
    pub lat: f64,
    pub lon: f64,
    /// A label written beside it (port names).
    pub label: Option<String>,
    pub title: String,
}

/// One side of a clipping rectangle: which points are inside, and where an edge crosses it.
type Side<'a> = (
    &'a dyn Fn(Coord<f64>) -> bool,
    &'a dyn Fn(Coord<f64>, Coord<f64>) -> Coord<f64>,
);

/// Clips a closed ring (in pixels) to a rectangle, one side after the other
/// (Sutherland-Hodgman). `geo`'s boolean operations are exact for any polygons but
/// cost a continent's ring for every map; a rectangle needs one linear pass a side,
/// and the edges it leaves along the frame are drawn outside the view.
fn clip_ring(ring: &[Coord<f64>], (x0, y0, x1, y1): (f64, f64, f64, f64)) -> Vec<Coord<f64>> {
    let mut out: Vec<Coord<f64>> = ring.to_vec();
    let sides: [Side<'_>; 4] = [
        (&|c| c.x >= x0, &|a, b| at_x(a, b, x0)),
        (&|c| c.x <= x1, &|a, b| at_x(a, b, x1)),
        (&|c| c.y >= y0, &|a, b| at_y(a, b, y0)),
        (&|c| c.y <= y1, &|a, b| at_y(a, b, y1)),
    ];
    for (inside, cross) in sides {
        if out.is_empty() {
            break;
        }
        let input = std::mem::take(&mut out);
        let mut prev = input[input.len() - 1];
        for &c in &input {
            match (inside(c), inside(prev)) {
                (true, true) => out.push(c),
                (true, false) => {
                    out.push(cross(prev, c));
                    out.push(c);
                }
                (false, true) => out.push(cross(prev, c)),
                (false, false) => {}
            }
            prev = c;
        }
    }
    out
}

fn at_x(a: Coord<f64>, b: Coord<f64>, x: f64) -> Coord<f64> {
    let t = (x - a.x) / (b.x - a.x);
    Coord {
        x,
        y: a.y + t * (b.y - a.y),
    }
}

fn at_y(a: Coord<f64>, b: Coord<f64>, y: f64) -> Coord<f64> {
    let t = (y - a.y) / (b.y - a.y);
    Coord {
        x: a.x + t * (b.x - a.x),
        y,
    }
}

/// A polyline's points simplified to the tolerance, as `x,y x,y ...`; and how many.
fn simplified(points: Vec<Coord<f64>>) -> (String, usize) {
    let line = LineString::new(points).simplify(TOLERANCE_PX);
    let mut s = String::new();
    for c in &line.0 {
        let _ = write!(s, "{:.1},{:.1} ", c.x, c.y);
    }
    (s.trim_end().to_string(), line.0.len())
}

/// A step of the grid that gives a handful of lines across `span` degrees.
fn grid_step(span: f64) -> f64 {
    [0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0]
        .into_iter()
        .find(|s| span / s <= 8.0)
        .unwrap_or(90.0)
}

fn degrees(v: f64, (pos, neg): (char, char)) -> String {
    let side = if v < 0.0 { neg } else { pos };
    let text = format!("{:.2}", v.abs());
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}°{side}")
}

/// How many points the map drew, for the dossier to say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drawn {
    pub track_points: usize,
    pub land_points: usize,
}

/// The map as an SVG element: land, grid, lines, markers, scale.
pub fn svg(view: &View, land: &[&[Coord<f64>]], lines: &[Line], markers: &[Marker]) -> (String, Drawn) {
    let (width, height) = (WIDTH, view.height);
    let mut drawn = Drawn::default();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0} {height:.0}" role="img" aria-label="map of the track"><rect class="sea" width="{width:.0}" height="{height:.0}"/>"#
    );
    let frame = (
        -CLIP_MARGIN_PX,
        -CLIP_MARGIN_PX,
        width + CLIP_MARGIN_PX,
        height + CLIP_MARGIN_PX,
    );
    let mut path = String::new();
    for ring in land {
        let px: Vec<Coord<f64>> = ring
            .iter()
            .map(|c| Coord {
                x: view.x(c.x),
                y: view.y(c.y),
            })
            .collect();
        let clipped = clip_ring(&px, frame);
        if clipped.len() < 3 {
            continue;
        }
        let (points, n) = simplified(clipped);
        if n >= 3 {
            drawn.land_points += n;
            let _ = write!(path, "M{}Z", points.replace(' ', "L"));
        }
    }
    let _ = write!(s, r#"<path class="land" fill-rule="evenodd" d="{path}"/>"#);
    grid(&mut s, view);
    for l in lines {
        let px: Vec<Coord<f64>> = l
            .points
            .iter()
            .map(|(lat, lon)| Coord {
                x: view.x(*lon),
                y: view.y(*lat),
            })
            .collect();
        let (points, n) = simplified(px);
        if l.class == "track" {
            drawn.track_points += n;
        }
        let _ = write!(
            s,
            r#"<polyline class="{}" stroke="{}" points="{points}"><title>{}</title></polyline>"#,
            l.class,
            l.colour,
            esc(&l.title)
        );
    }
    for m in markers {
        let (x, y) = (view.x(m.lon), view.y(m.lat));
        let _ = write!(
            s,
            r#"<g class="marker {kind}" data-kind="{kind}" data-id="{id}"><circle cx="{x:.1}" cy="{y:.1}" r="5"/><title>{title}</title>"#,
            kind = m.kind,
            id = esc(&m.id),
            title = esc(&m.title)
        );
        if let Some(label) = &m.label {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
                x + 7.0,
                y - 6.0,
                esc(label)
            );
        }
        s.push_str("</g>");
    }
    scale_bar(&mut s, view);
    s.push_str("</svg>");
    (s, drawn)
}

/// Meridians and parallels at a round step, labelled at the frame.
fn grid(s: &mut String, view: &View) {
    let (w, h) = (WIDTH, view.height);
    let (lat0, lat1) = (view.lat_bottom(), view.lat_top());
    let step = grid_step((view.lon1 - view.lon0).max(lat1 - lat0));
    s.push_str(r#"<g class="grid">"#);
    let mut lon = (view.lon0 / step).ceil() * step;
    while lon <= view.lon1 {
        let x = view.x(lon);
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" y1="0" x2="{x:.1}" y2="{h:.0}"/><text x="{:.1}" y="{:.0}">{}</text>"#,
            x + 3.0,
            h - 5.0,
            degrees(lon, ('E', 'W'))
        );
        lon += step;
    }
    let mut lat = (lat0 / step).ceil() * step;
    while lat <= lat1 {
        let y = view.y(lat);
        let _ = write!(
            s,
            r#"<line x1="0" y1="{y:.1}" x2="{w:.0}" y2="{y:.1}"/><text x="3" y="{:.1}">{}</text>"#,
            y - 3.0,
            degrees(lat, ('N', 'S'))
        );
        lat += step;
    }
    s.push_str("</g>");
}

/// A bar of a round length near a fifth of the width, true at the middle latitude.
fn scale_bar(s: &mut String, view: &View) {
    let m_per_px = view.metres_per_px();
    let target_km = m_per_px * WIDTH / 5.0 / 1000.0;
    let km = [
        0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0,
    ]
    .into_iter()
    .min_by(|a, b| (a - target_km).abs().total_cmp(&(b - target_km).abs()))
    .unwrap_or(100.0);
    let px = km * 1000.0 / m_per_px;
    let (x, y) = (WIDTH - px - 30.0, view.height - 30.0);
    let _ = write!(
        s,
        r#"<g class="scale"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="26"/><line x1="{x:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}"/><text x="{x:.1}" y="{:.1}">{} km (at {})</text></g>"#,
        x - 8.0,
        y - 18.0,
        px + 16.0,
        x + px,
        y - 5.0,
        if km < 1.0 {
            format!("{km:.1}")
        } else {
            format!("{km:.0}")
        },
        degrees(view.middle_lat(), ('N', 'S'))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_holds_every_point_with_a_margin() {
        let points = [(59.68, 28.40), (22.40, 69.80), (60.35, 28.70)];
        let v = View::fit(points);
        for (lat, lon) in points {
            let (x, y) = (v.x(lon), v.y(lat));
            assert!(x > 10.0 && x < WIDTH - 10.0, "{x}");
            assert!(y > 10.0 && y < v.height - 10.0, "{y}");
        }
        assert!(v.height >= MIN_HEIGHT && v.height <= MAX_HEIGHT, "{}", v.height);
    }

    #[test]
    fn a_ring_is_clipped_to_the_frame() {
        let square = |a: f64, b: f64| {
            vec![
                Coord { x: a, y: a },
                Coord { x: b, y: a },
                Coord { x: b, y: b },
                Coord { x: a, y: b },
            ]
        };
        let clipped = clip_ring(&square(-50.0, 50.0), (0.0, 0.0, 100.0, 100.0));
        assert!(
            clipped
                .iter()
                .all(|c| (0.0..=100.0).contains(&c.x) && (0.0..=100.0).contains(&c.y))
        );
        let area: f64 = geo::Area::unsigned_area(&geo::Polygon::new(LineString::new(clipped), vec![]));
        assert!((area - 2500.0).abs() < 1e-9, "{area}");
        assert!(clip_ring(&square(200.0, 300.0), (0.0, 0.0, 100.0, 100.0)).is_empty());
    }

    #[test]
    fn a_straight_run_of_fixes_draws_as_two_points() {
        let points: Vec<Coord<f64>> = (0..1000)
            .map(|i| Coord {
                x: f64::from(i),
                y: 5.0,
            })
            .collect();
        assert_eq!(simplified(points).1, 2);
    }

    #[test]
    fn the_scale_bar_is_a_round_length() {
        let v = View::fit([(55.0, 10.0), (56.0, 12.0)]);
        let mut s = String::new();
        scale_bar(&mut s, &v);
        assert!(s.contains(" km (at 55.5°N)") || s.contains(" km (at 55."), "{s}");
    }
}
