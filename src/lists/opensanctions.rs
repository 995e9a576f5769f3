//! `OpenSanctions` `maritime.csv`: `type,caption,imo,risk,countries,flag,mmsi,id,url,
//! datasets,aliases`. Vessel rows only; the datasets that list a vessel become its
//! programme, the risk tags its reason.

use super::{LoadError, Parsed, list_imo, split_multi};
use crate::columns::{Columns, field};
use crate::model::{Listing, flag};

pub fn parse(text: &str, source: &str) -> Result<Parsed, LoadError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let lines = crate::columns::LineIndex::new(text);
    let cols = Columns::new(reader.headers()?);
    let c_type = cols.find(&["type"]);
    let c_caption = cols.require(&["caption"])?;
    let c_imo = cols.require(&["imo"])?;
    let c_risk = cols.find(&["risk"]);
    let c_flag = cols.find(&["flag"]);
    let c_mmsi = cols.find(&["mmsi"]);
    let c_id = cols.find(&["id"]);
    let c_datasets = cols.find(&["datasets"]);
    let c_aliases = cols.find(&["aliases"]);
    let mut parsed = Parsed::default();
    for row in reader.records() {
        let row = row?;
        let line = lines.line(&row);
        if field(&row, c_type).is_some_and(|t| !t.eq_ignore_ascii_case("vessel")) {
            continue;
        }
        let Some(name) = field(&row, Some(c_caption)) else {
            continue;
        };
        let datasets = field(&row, c_datasets)
            .map(|d| split_multi(&d, false))
            .unwrap_or_default();
        let program = datasets.join(";");
        parsed.entries.push(Listing {
            list: source.to_string(),
            record: field(&row, c_id).unwrap_or_default(),
            imo: list_imo(field(&row, Some(c_imo)), line, &mut parsed.notes),
            aliases: field(&row, c_aliases)
                .map(|a| split_multi(&a, false))
                .unwrap_or_default()
                .into_iter()
                .filter(|a| a != &name)
                .collect(),
            name,
            former_names: vec![],
            flag: field(&row, c_flag).and_then(|f| flag_code(&f)),
            mmsi: field(&row, c_mmsi).and_then(|m| split_multi(&m, false).into_iter().next()),
            call_sign: None,
            vessel_type: None,
            listed_on: None,
            legal_basis: if program.is_empty() {
                "OpenSanctions maritime dataset".to_string()
            } else {
                format!("OpenSanctions maritime dataset, sources {}", datasets.join(", "))
            },
            program,
            reason: field(&row, c_risk).unwrap_or_default().replace(';', ", "),
        });
    }
    Ok(parsed)
}

/// `OpenSanctions` writes flags as lower-case ISO codes (`ga`), sometimes several.
pub(crate) fn flag_code(v: &str) -> Option<String> {
    let first = split_multi(v, false).into_iter().next()?;
    flag::from_name(&first).map(str::to_string)
}
