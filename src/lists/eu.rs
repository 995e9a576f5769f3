//! EU Official Journal transcriptions (`OpenSanctions` `journal_sanctions`): consolidated
//! regulations (`celex,recordId,...`) and amending regulations (`amendedCelex,
//! amendmentCelex,...`). Columns are found by header name, so the 11-column vessel
//! extract and the 45-column all-annex file read alike; only `schema=Vessel` rows count.

use super::{LoadError, Parsed, RowNote, list_imo, split_multi};
use crate::columns::{Columns, field, parse_date};
use crate::model::Listing;
use std::fmt::Write as _;

pub fn parse(text: &str, source: &str) -> Result<Parsed, LoadError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let lines = crate::columns::LineIndex::new(text);
    let cols = Columns::new(reader.headers()?);
    let c_celex = cols.find(&["celex", "amendedCelex"]);
    let c_amendment = cols.find(&["amendmentCelex"]);
    let c_record = cols.require(&["recordId"])?;
    let c_program = cols.find(&["programKey"]);
    let c_annex = cols.find(&["annex"]);
    let c_start = cols.find(&["startDate"]);
    let c_reason = cols.find(&["reason"]);
    let c_schema = cols.find(&["schema"]);
    let c_name = cols.require(&["name"])?;
    let c_previous = cols.find(&["previousName"]);
    let c_alias = cols.find(&["alias"]);
    let c_imo = cols.find(&["imoNumber", "imo"]);
    let c_mmsi = cols.find(&["mmsi"]);
    let c_flag = cols.find(&["flag"]);

    let mut parsed = Parsed::default();
    for row in reader.records() {
        let row = row?;
        let line = lines.line(&row);
        if let Some(schema) = field(&row, c_schema)
            && !schema.eq_ignore_ascii_case("vessel")
        {
            continue;
        }
        let Some(raw_name) = field(&row, Some(c_name)) else {
            parsed.notes.push(RowNote {
                line,
                skipped: true,
                reason: "no vessel name".into(),
            });
            continue;
        };
        let (name, mut former_names) = split_ex_names(&raw_name);
        if let Some(prev) = field(&row, c_previous) {
            for p in split_multi(&prev, false) {
                if !former_names.contains(&p) {
                    former_names.push(p);
                }
            }
        }
        let record = field(&row, Some(c_record)).unwrap_or_default();
        let celex = field(&row, c_celex).unwrap_or_default();
        let annex = field(&row, c_annex).unwrap_or_default();
        let mut legal_basis = regulation_title(&celex).unwrap_or(celex);
        if !annex.is_empty() {
            let _ = write!(legal_basis, ", Annex {annex}");
        }
        if !record.is_empty() {
            let _ = write!(legal_basis, ", entry {record}");
        }
        if let Some(amending) = field(&row, c_amendment).and_then(|c| regulation_title(&c)) {
            let _ = write!(legal_basis, ", as amended by {amending}");
        }
        let listed_on = field(&row, c_start).and_then(|d| parse_date(&d, true));
        let imo = list_imo(field(&row, c_imo), line, &mut parsed.notes);
        parsed.entries.push(Listing {
            list: source.to_string(),
            record,
            imo,
            name,
            former_names,
            aliases: field(&row, c_alias).map(|a| split_multi(&a, false)).unwrap_or_default(),
            flag: field(&row, c_flag)
                .and_then(|f| crate::model::flag::from_name(&f))
                .map(str::to_string),
            mmsi: field(&row, c_mmsi),
            call_sign: None,
            vessel_type: None,
            listed_on,
            legal_basis,
            program: field(&row, c_program).unwrap_or_default(),
            reason: field(&row, c_reason).unwrap_or_default(),
        });
    }
    Ok(parsed)
}

/// Splits `STORMBRINGER (ex KRITI VIGOR)` into the name and its former names
/// (several may follow: `A (ex B, ex C)` or `A (ex B) (ex C)`).
pub fn split_ex_names(raw: &str) -> (String, Vec<String>) {
    let mut name = raw.trim().to_string();
    let mut former = Vec::new();
    while let Some(open) = name.rfind('(') {
        let inner = name[open + 1..].trim_end_matches(')').trim().to_string();
        let lower = inner.to_lowercase();
        if !(lower.starts_with("ex ") || lower.starts_with("ex-") || lower.starts_with("ex.")) {
            break;
        }
        let mut found: Vec<String> = inner
            .split(',')
            .map(|p| {
                let p = p.trim();
                let lower = p.to_lowercase();
                if lower.starts_with("ex ") || lower.starts_with("ex-") || lower.starts_with("ex.") {
                    p[3..].trim().to_string()
                } else {
                    p.to_string()
                }
            })
            .filter(|p| !p.is_empty())
            .collect();
        found.append(&mut former);
        former = found;
        name = name[..open].trim().to_string();
    }
    (name, former)
}

/// The title of an EU regulation from its CELEX number: `32014R0833` ->
/// `Council Regulation (EU) No 833/2014`; from 2015 on the number follows the year:
/// `32026R1848` -> `Council Regulation (EU) 2026/1848`.
pub fn regulation_title(celex: &str) -> Option<String> {
    let c = celex.trim();
    if c.len() < 10 || !c.starts_with('3') || c.as_bytes()[5] != b'R' {
        return None;
    }
    let year: u32 = c[1..5].parse().ok()?;
    let number: u32 = c[6..].parse().ok()?;
    Some(if year < 2015 {
        format!("Council Regulation (EU) No {number}/{year}")
    } else {
        format!("Council Regulation (EU) {year}/{number}")
    })
}

/// Applies an amending regulation's entries to a consolidated version: an entry with
/// the same record number replaces the old one, new ones are added. Entries stay sorted
/// by record number.
pub fn apply_amendment(base: &[Listing], amendment: &[Listing]) -> Vec<Listing> {
    let mut out: Vec<Listing> = base
        .iter()
        .filter(|b| !amendment.iter().any(|a| a.record == b.record))
        .cloned()
        .collect();
    out.extend(amendment.iter().cloned());
    out.sort_by(|a, b| record_key(&a.record).cmp(&record_key(&b.record)));
    out
}

fn record_key(record: &str) -> (u64, &str) {
    (record.parse().unwrap_or(u64::MAX), record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ex_names_come_out_of_the_name() {
        assert_eq!(
            split_ex_names("STORMBRINGER (ex KRITI VIGOR)"),
            ("STORMBRINGER".to_string(), vec!["KRITI VIGOR".to_string()])
        );
        assert_eq!(
            split_ex_names("A (ex B, ex C)"),
            ("A".to_string(), vec!["B".to_string(), "C".to_string()])
        );
        assert_eq!(split_ex_names("Saam FSU"), ("Saam FSU".to_string(), vec![]));
        assert_eq!(split_ex_names("Foo (Bar)"), ("Foo (Bar)".to_string(), vec![]));
    }

    #[test]
    fn celex_numbers_become_titles() {
        assert_eq!(
            regulation_title("32014R0833").unwrap(),
            "Council Regulation (EU) No 833/2014"
        );
        assert_eq!(
            regulation_title("32026R1848").unwrap(),
            "Council Regulation (EU) 2026/1848"
        );
        assert_eq!(
            regulation_title("32017R1509").unwrap(),
            "Council Regulation (EU) 2017/1509"
        );
        assert_eq!(regulation_title("junk"), None);
    }

    #[test]
    fn the_argent_entry_reads_right() {
        let csv = "celex,recordId,programKey,annex,measure,startDate,reason,schema,name,previousName,imoNumber\n\
                   32014R0833,215,EU-RUS,XLII,Transportation restrictions,21.5.2025,\"Article 3s(2), point (b)\",Vessel,Argent,Jaguar,9293002\n";
        let p = parse(csv, "eu").unwrap();
        let e = &p.entries[0];
        assert_eq!(e.name, "Argent");
        assert_eq!(e.former_names, vec!["Jaguar"]);
        assert_eq!(e.imo.as_deref(), Some("9293002"));
        assert_eq!(e.listed_on.unwrap().to_string(), "2025-05-21");
        assert_eq!(
            e.legal_basis,
            "Council Regulation (EU) No 833/2014, Annex XLII, entry 215"
        );
        assert!(p.notes.is_empty());
    }

    #[test]
    fn non_vessel_rows_are_not_entries() {
        let csv = "celex,recordId,annex,startDate,schema,name,imoNumber\n\
                   32014R0833,25,IV,25.2.2022,LegalEntity,JSC Shipyard Zaliv,\n";
        assert!(parse(csv, "eu").unwrap().entries.is_empty());
    }
}
