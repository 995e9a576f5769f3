//! `FollowTheMoney` entities as JSON lines (`OpenSanctions` exports): one object a line with
//! `schema`, `properties` (`name`, `imoNumber`, `mmsi`, `flag`, `previousName`, `alias`,
//! `callSign`, `startDate`...) and `datasets`. Vessel entities only.

use serde_json::Value;

use super::{LoadError, Parsed, RowNote, list_imo};
use crate::columns::parse_date;
use crate::model::Listing;

pub fn parse(text: &str, source: &str) -> Result<Parsed, LoadError> {
    let mut parsed = Parsed::default();
    for (i, raw) in text.lines().enumerate() {
        let line = u64::try_from(i).unwrap_or(u64::MAX).saturating_add(1);
        if raw.trim().is_empty() {
            continue;
        }
        let entity: Value = match serde_json::from_str(raw) {
            Ok(v) => v,
            Err(e) => {
                parsed.notes.push(RowNote {
                    line,
                    skipped: true,
                    reason: format!("not a JSON object: {e}"),
                });
                continue;
            }
        };
        if entity.get("schema").and_then(Value::as_str) != Some("Vessel") {
            continue;
        }
        let props = entity.get("properties").cloned().unwrap_or(Value::Null);
        let all = |key: &str| -> Vec<String> {
            props
                .get(key)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|s| s.trim().to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        let first = |key: &str| all(key).into_iter().next();
        let Some(name) = first("name") else {
            parsed.notes.push(RowNote {
                line,
                skipped: true,
                reason: "vessel without a name".into(),
            });
            continue;
        };
        let mut names = all("name");
        names.remove(0);
        let datasets: Vec<String> = entity
            .get("datasets")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        let program = datasets.join(";");
        parsed.entries.push(Listing {
            list: source.to_string(),
            record: entity.get("id").and_then(Value::as_str).unwrap_or_default().to_string(),
            imo: list_imo(first("imoNumber"), line, &mut parsed.notes),
            name,
            former_names: all("previousName"),
            aliases: names.into_iter().chain(all("alias")).collect(),
            flag: first("flag").and_then(|f| super::opensanctions::flag_code(&f)),
            mmsi: first("mmsi"),
            call_sign: first("callSign"),
            vessel_type: first("type"),
            listed_on: first("startDate").and_then(|d| parse_date(&d, true)),
            legal_basis: if program.is_empty() {
                "OpenSanctions".to_string()
            } else {
                format!("OpenSanctions, sources {}", datasets.join(", "))
            },
            program,
            reason: all("topics").join(", "),
        });
    }
    Ok(parsed)
}
