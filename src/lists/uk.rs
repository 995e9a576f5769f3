//! The UK Sanctions List CSV (FCDO): a first line `Report Date: DD-Mon-YYYY`, then a
//! header row; one row per name, the primary name and its aliases sharing a
//! `Unique ID`. Ships are the rows whose `Designation Type` is `Ship`.

use chrono::NaiveDate;
use std::fmt::Write as _;

use super::{LoadError, Parsed, RowNote, list_imo};
use crate::columns::{Columns, field, parse_date};
use crate::model::{Listing, flag};

pub fn parse(text: &str, source: &str) -> Result<Parsed, LoadError> {
    let mut parsed = Parsed::default();
    let (body, line_offset) = match text.split_once('\n') {
        Some((first, rest)) if first.starts_with("Report Date:") => {
            parsed.version_hint = report_date(first);
            (rest, 1)
        }
        _ => (text, 0),
    };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(body.as_bytes());
    let lines = crate::columns::LineIndex::new(body);
    let cols = Columns::new(reader.headers()?);
    let c_id = cols.require(&["Unique ID"])?;
    let c_type = cols.require(&["Designation Type"])?;
    let c_whole_name = cols.find(&["Name 6"]);
    let c_names: Vec<Option<usize>> = ["Name 1", "Name 2", "Name 3", "Name 4", "Name 5"]
        .iter()
        .map(|n| cols.find(&[n]))
        .collect();
    let c_name_type = cols.find(&["Name type"]);
    let c_regime = cols.find(&["Regime Name"]);
    let c_sanctions = cols.find(&["Sanctions Imposed"]);
    let c_reasons = cols.find(&["UK Statement of Reasons"]);
    let c_designated = cols.find(&["Date Designated"]);
    let c_imo = cols.find(&["IMO number"]);
    let c_flag = cols.find(&["Current believed flag of ship"]);
    let c_ship_type = cols.find(&["Type of ship"]);

    for row in reader.records() {
        let row = row?;
        let line = lines.line(&row) + line_offset;
        if !field(&row, Some(c_type)).is_some_and(|t| t.eq_ignore_ascii_case("ship")) {
            continue;
        }
        let Some(id) = field(&row, Some(c_id)) else {
            parsed.notes.push(RowNote {
                line,
                skipped: true,
                reason: "ship row without a Unique ID".into(),
            });
            continue;
        };
        let name = field(&row, c_whole_name).or_else(|| {
            let parts: Vec<String> = c_names.iter().filter_map(|c| field(&row, *c)).collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        });
        let Some(name) = name else {
            parsed.notes.push(RowNote {
                line,
                skipped: true,
                reason: format!("ship {id} row without a name"),
            });
            continue;
        };
        let is_primary = field(&row, c_name_type).is_none_or(|t| t.eq_ignore_ascii_case("Primary Name"));
        if let Some(existing) = parsed.entries.iter_mut().find(|e| e.record == id) {
            if is_primary && existing.aliases.contains(&existing.name) {
                // A primary-name row seen after an alias row: the alias row made the entry.
                existing.aliases.retain(|a| a != &name);
                existing.name = name;
            } else if name != existing.name && !existing.aliases.contains(&name) {
                existing.aliases.push(name);
            }
            continue;
        }
        let regime = field(&row, c_regime).unwrap_or_default();
        let mut legal_basis = format!("UK Sanctions List, {id}");
        if !regime.is_empty() {
            legal_basis = format!("UK Sanctions List, {regime} regime, {id}");
        }
        if let Some(s) = field(&row, c_sanctions) {
            let _ = write!(legal_basis, " ({s})");
        }
        parsed.entries.push(Listing {
            list: source.to_string(),
            record: id,
            imo: list_imo(field(&row, c_imo), line, &mut parsed.notes),
            aliases: if is_primary { vec![] } else { vec![name.clone()] },
            name,
            former_names: vec![],
            flag: field(&row, c_flag)
                .and_then(|f| flag::from_name(&f))
                .map(str::to_string),
            mmsi: None,
            call_sign: None,
            vessel_type: field(&row, c_ship_type),
            listed_on: field(&row, c_designated).and_then(|d| parse_date(&d, true)),
            legal_basis,
            program: regime,
            reason: field(&row, c_reasons).unwrap_or_default(),
        });
    }
    Ok(parsed)
}

/// `Report Date: 09-May-2025` -> 2025-05-09.
fn report_date(line: &str) -> Option<NaiveDate> {
    let d = line.trim_start_matches("Report Date:").trim().trim_matches(',').trim();
    NaiveDate::parse_from_str(d, "%d-%b-%Y").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_date_line_is_the_version() {
        assert_eq!(
            report_date("Report Date: 09-May-2025"),
            NaiveDate::from_ymd_opt(2025, 5, 9)
        );
    }
}
