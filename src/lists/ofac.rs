//! OFAC's legacy `sdn.csv`: no header, twelve columns (`ent_num, SDN_Name, SDN_Type,
//! Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks`),
//! `-0-` for empty. Only rows of type `vessel` are vessels: an entity's remarks can hold a
//! *company* IMO number (`Identification Number IMO 6085922`), which is not a ship.

use super::{LoadError, Parsed, RowNote, list_imo};
use crate::model::{Listing, flag};

const ENT_NUM: usize = 0;
const NAME: usize = 1;
const TYPE: usize = 2;
const PROGRAM: usize = 3;
const CALL_SIGN: usize = 5;
const VESSEL_TYPE: usize = 6;
const FLAG: usize = 9;
const REMARKS: usize = 11;

/// True when the text reads like `sdn.csv`: a numeric first field and an SDN type third,
/// or the `ID,Name,Type,...` header that some re-saved copies carry.
pub fn looks_like_sdn(head: &str) -> bool {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(head.as_bytes());
    let Some(Ok(first)) = reader.records().next() else {
        return false;
    };
    let f = |i: usize| first.get(i).map_or("", str::trim);
    if f(0).eq_ignore_ascii_case("ID") && f(2).eq_ignore_ascii_case("Type") {
        return true;
    }
    first.len() >= 12
        && f(0).bytes().all(|b| b.is_ascii_digit())
        && ["vessel", "individual", "entity", "aircraft", "-0-"].contains(&f(2).to_lowercase().as_str())
}

pub fn parse_sdn(text: &str, source: &str) -> Result<Parsed, LoadError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let lines = crate::columns::LineIndex::new(text);
    let mut parsed = Parsed::default();
    for row in reader.records() {
        let row = row?;
        let line = lines.line(&row);
        let get = |i: usize| row.get(i).map(str::trim).filter(|v| !v.is_empty() && *v != "-0-");
        if line == 1 && get(ENT_NUM).is_some_and(|v| v.eq_ignore_ascii_case("ID")) {
            continue;
        }
        if !get(TYPE).is_some_and(|t| t.eq_ignore_ascii_case("vessel")) {
            continue;
        }
        if row.len() < 12 {
            parsed.notes.push(RowNote {
                line,
                skipped: true,
                reason: format!("{} fields, sdn.csv has 12", row.len()),
            });
            continue;
        }
        let Some(name) = get(NAME) else {
            parsed.notes.push(RowNote {
                line,
                skipped: true,
                reason: "vessel row without a name".into(),
            });
            continue;
        };
        let remarks = Remarks::parse(get(REMARKS).unwrap_or(""));
        let program = programs(get(PROGRAM).unwrap_or(""));
        parsed.entries.push(Listing {
            list: source.to_string(),
            record: get(ENT_NUM).unwrap_or_default().to_string(),
            imo: list_imo(remarks.imo.clone(), line, &mut parsed.notes),
            name: name.to_string(),
            former_names: remarks.former_names,
            aliases: remarks.aliases,
            flag: get(FLAG).and_then(flag::from_name).map(str::to_string),
            mmsi: remarks.mmsi,
            call_sign: get(CALL_SIGN).map(str::to_string),
            vessel_type: get(VESSEL_TYPE).map(str::to_string),
            listed_on: None,
            legal_basis: legal_basis(&program),
            program,
            reason: remarks.linked_to.join("; "),
        });
    }
    Ok(parsed)
}

/// `UKRAINE-EO13662] [RUSSIA-EO14024` -> `RUSSIA-EO14024;UKRAINE-EO13662` (sorted).
pub fn programs(raw: &str) -> String {
    let mut p: Vec<&str> = raw
        .split("] [")
        .map(|s| s.trim_matches(['[', ']', ' ']))
        .filter(|s| !s.is_empty())
        .collect();
    p.sort_unstable();
    p.dedup();
    p.join(";")
}

/// The citation of an SDN entry: the list and the programmes it was designated under.
pub fn legal_basis(program: &str) -> String {
    if program.is_empty() {
        "US Treasury OFAC Specially Designated Nationals (SDN) List".to_string()
    } else {
        format!(
            "US Treasury OFAC Specially Designated Nationals (SDN) List, programs {}",
            program.replace(';', ", ")
        )
    }
}

/// What the `Remarks` field says about a vessel.
#[derive(Debug, Default, PartialEq)]
struct Remarks {
    imo: Option<String>,
    mmsi: Option<String>,
    former_names: Vec<String>,
    aliases: Vec<String>,
    linked_to: Vec<String>,
}

impl Remarks {
    fn parse(text: &str) -> Self {
        let mut r = Self::default();
        for item in text.split(';').map(|s| s.trim().trim_end_matches('.').trim()) {
            if let Some(rest) = item.strip_prefix("Vessel Registration Identification IMO") {
                // Sometimes followed by a note: `IMO 9256860 (Russia)`.
                r.imo = rest.split_whitespace().next().map(str::to_string);
            } else if let Some(rest) = item.strip_prefix("MMSI") {
                r.mmsi = rest.split_whitespace().next().map(str::to_string);
            } else if let Some(rest) = item.strip_prefix("f.k.a.") {
                r.former_names.push(unquote(rest));
            } else if let Some(rest) = item.strip_prefix("a.k.a.") {
                r.aliases.push(unquote(rest));
            } else if let Some(rest) = item.strip_prefix("Linked To:") {
                r.linked_to.push(format!("Linked to {}", rest.trim()));
            }
        }
        r
    }
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('\'').trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remarks_give_imo_mmsi_and_former_names() {
        let r = Remarks::parse(
            "Vessel Registration Identification IMO 7406784; MMSI 352002488; f.k.a. 'ANA I'; a.k.a. 'SAND SWAN'; Linked To: X LTD.",
        );
        assert_eq!(r.imo.as_deref(), Some("7406784"));
        assert_eq!(r.mmsi.as_deref(), Some("352002488"));
        assert_eq!(r.former_names, vec!["ANA I"]);
        assert_eq!(r.aliases, vec!["SAND SWAN"]);
        assert_eq!(r.linked_to, vec!["Linked to X LTD"]);
    }

    #[test]
    fn a_company_imo_in_an_entity_row_is_not_a_vessel() {
        let text = "51607,\"SINO SHIP MANAGEMENT COMPANY LIMITED\",-0- ,\"RUSSIA-EO14024\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"Identification Number IMO 6085922.\"\n";
        assert!(parse_sdn(text, "ofac").unwrap().entries.is_empty());
    }

    #[test]
    fn programs_are_split_and_sorted() {
        assert_eq!(
            programs("UKRAINE-EO13662] [RUSSIA-EO14024"),
            "RUSSIA-EO14024;UKRAINE-EO13662"
        );
        assert_eq!(programs("CUBA"), "CUBA");
    }
}
