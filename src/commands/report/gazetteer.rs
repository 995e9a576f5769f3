//! The gazetteer a report detects calls with: the bundled one, or the file `--ports`
//! names (read here, parsed by `track::ports`), with `--enter-km` applied.

use std::path::Path;

use anyhow::Context;

use crate::track::ports::Gazetteer;

/// The bundled gazetteer, or the one `--ports` names (CSV, or `GeoJSON` polygons), with
/// every radius replaced by `--enter-km` when given.
pub fn gazetteer(path: Option<&Path>, enter_km: Option<f64>) -> anyhow::Result<Gazetteer> {
    let g = match path {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let parsed = if text.trim_start().starts_with('{') {
                Gazetteer::from_geojson(&text)
            } else {
                Gazetteer::from_csv(&text)
            };
            parsed.with_context(|| {
                format!(
                    "{} is not a port list (CSV locode,name,country,lat,lon,radius_km, or GeoJSON polygons)",
                    path.display()
                )
            })?
        }
        None => Gazetteer::bundled(),
    };
    Ok(match enter_km {
        Some(r) => g.with_radius(r),
        None => g,
    })
}
