//! Paste-ready citations of a listing: the name, the IMO, since when, under which act,
//! and which version of the list says so.

use chrono::NaiveDate;
use std::fmt::Write as _;

use crate::model::{ListVersion, Listing};

/// The long name of a list for prose.
pub fn list_title(source: &str) -> String {
    match source {
        "eu" => "EU".to_string(),
        "uk" => "UK".to_string(),
        "ofac" => "OFAC".to_string(),
        "opensanctions" => "OpenSanctions".to_string(),
        other => format!("'{other}'"),
    }
}

/// `21 May 2025`.
pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// One sentence citing a listing.
///
/// ```
/// use fleetwatch::lists::bundled;
/// use fleetwatch::report::citation::cite;
/// let eu = bundled::eu();
/// let argent = eu.entries.iter().find(|e| e.record == "215").unwrap();
/// assert_eq!(
///     cite(&eu, argent),
///     "Argent (IMO 9293002), formerly Jaguar: listed on 21 May 2025 under Council Regulation (EU) No 833/2014, \
///      Annex XLII, entry 215. Source: EU list, version of 2026-08-15."
/// );
/// ```
pub fn cite(list: &ListVersion, e: &Listing) -> String {
    let mut s = e.name.clone();
    if let Some(imo) = &e.imo {
        let _ = write!(s, " (IMO {imo})");
    }
    if !e.former_names.is_empty() {
        let _ = write!(s, ", formerly {}", e.former_names.join(", "));
    }
    match e.listed_on {
        Some(d) => {
            let _ = write!(s, ": listed on {} under {}.", long_date(d), e.legal_basis);
        }
        None => {
            let _ = write!(s, ": listed on the {}.", e.legal_basis);
        }
    }
    let _ = write!(
        s,
        " Source: {} list, version of {}.",
        list_title(&list.source),
        list.version
    );
    s
}
