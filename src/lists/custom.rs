//! A plain CSV list: at least `imo` and `name` columns, any order, common spellings of
//! the other columns accepted (`former_names`, `flag`, `mmsi`, `call_sign`, `listed_on`,
//! `legal_basis`, `reason`, `program(s)`, `record`). Multi-valued cells use `;`.

use super::{LoadError, Parsed, RowNote, list_imo, split_multi};
use crate::columns::{Columns, field, parse_date};
use crate::model::{Listing, flag};

pub fn parse(text: &str, source: &str) -> Result<Parsed, LoadError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let lines = crate::columns::LineIndex::new(text);
    let cols = Columns::new(reader.headers()?);
    let c_imo = cols.require(&["imo", "imo_number", "imoNumber"])?;
    let c_name = cols.require(&["name", "vessel_name", "ship_name", "vessel"])?;
    let c_former = cols.find(&["former_names", "previous_names", "previousName", "former_name"]);
    let c_aliases = cols.find(&["aliases", "alias"]);
    let c_flag = cols.find(&["flag", "flag_state"]);
    let c_mmsi = cols.find(&["mmsi"]);
    let c_call = cols.find(&["call_sign", "callsign"]);
    let c_type = cols.find(&["vessel_type", "ship_type", "type"]);
    let c_date = cols.find(&[
        "listed_on",
        "listing_date",
        "date_listed",
        "designation_date",
        "start_date",
    ]);
    let c_basis = cols.find(&["legal_basis"]);
    let c_reason = cols.find(&["reason"]);
    let c_program = cols.find(&["program", "programs", "programme"]);
    let c_record = cols.find(&["record", "record_id", "id"]);
    let mut parsed = Parsed::default();
    for row in reader.records() {
        let row = row?;
        let line = lines.line(&row);
        let Some(name) = field(&row, Some(c_name)) else {
            parsed.notes.push(RowNote {
                line,
                skipped: true,
                reason: "no name".into(),
            });
            continue;
        };
        let imo = list_imo(field(&row, Some(c_imo)), line, &mut parsed.notes);
        let program = field(&row, c_program).unwrap_or_default();
        parsed.entries.push(Listing {
            list: source.to_string(),
            record: field(&row, c_record)
                .or_else(|| imo.clone())
                .unwrap_or_else(|| format!("line {line}")),
            imo,
            name,
            former_names: field(&row, c_former).map(|v| split_multi(&v, true)).unwrap_or_default(),
            aliases: field(&row, c_aliases)
                .map(|v| split_multi(&v, false))
                .unwrap_or_default(),
            flag: field(&row, c_flag)
                .and_then(|f| flag::from_name(&f))
                .map(str::to_string),
            mmsi: field(&row, c_mmsi),
            call_sign: field(&row, c_call),
            vessel_type: field(&row, c_type),
            listed_on: field(&row, c_date).and_then(|d| parse_date(&d, true)),
            legal_basis: field(&row, c_basis).unwrap_or_else(|| format!("{source} list")),
            program,
            reason: field(&row, c_reason).unwrap_or_default(),
        });
    }
    Ok(parsed)
}
