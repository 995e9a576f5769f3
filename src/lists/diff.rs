//! What changed between two versions of one list, per vessel: vessels added, removed,
//! and fields modified (name, former names, flag, MMSI, listing date). A vessel is its
//! IMO number; an entry without one is its record on the list. Entries of one vessel
//! (the EU lists some hulls twice) are compared together.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{ListVersion, Listing};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Modified,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Modified => "modified",
        }
    }
}

/// One row of a change report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub list: String,
    pub change: ChangeKind,
    pub imo: Option<String>,
    /// The vessel's name on the newer version (on the older one when removed).
    pub name: String,
    /// For `modified`: which field; empty otherwise.
    pub field: &'static str,
    pub old_value: String,
    pub new_value: String,
    pub version_from: String,
    pub version_to: String,
}

/// How a compared field reads as text.
type FieldText = fn(&Listing) -> String;

/// The fields compared.
const FIELDS: [(&str, FieldText); 5] = [
    ("name", |l| l.name.clone()),
    ("former_names", |l| l.former_names.join("; ")),
    ("flag", |l| l.flag.clone().unwrap_or_default()),
    ("mmsi", |l| l.mmsi.clone().unwrap_or_default()),
    ("listed_on", |l| l.listed_on.map(|d| d.to_string()).unwrap_or_default()),
];

/// The changes from `old` to `new` (versions of one list), labelled `from` and `to`;
/// sorted by vessel (IMO, else record), then change and field.
pub fn diff(old: &ListVersion, new: &ListVersion, from: &str, to: &str) -> Vec<Change> {
    let (before, after) = (by_vessel(old), by_vessel(new));
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        let row = |change, entries: &[&Listing], field, old_value, new_value| Change {
            list: new.source.clone(),
            change,
            imo: entries.first().and_then(|e| e.imo.clone()),
            name: joined(entries, |l| l.name.clone()),
            field,
            old_value,
            new_value,
            version_from: from.to_string(),
            version_to: to.to_string(),
        };
        match (before.get(key), after.get(key)) {
            (None, Some(n)) => out.push(row(ChangeKind::Added, n, "", String::new(), String::new())),
            (Some(o), None) => out.push(row(ChangeKind::Removed, o, "", String::new(), String::new())),
            (Some(o), Some(n)) => {
                for (field, get) in FIELDS {
                    let (was, is) = (joined(o, get), joined(n, get));
                    if was != is {
                        out.push(row(ChangeKind::Modified, n, field, was, is));
                    }
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// Entries by vessel key, each vessel's entries in record order.
fn by_vessel(list: &ListVersion) -> BTreeMap<String, Vec<&Listing>> {
    let mut map: BTreeMap<String, Vec<&Listing>> = BTreeMap::new();
    for e in &list.entries {
        let key = e
            .imo
            .as_ref()
            .map_or_else(|| format!("record {}", e.record), |imo| format!("IMO {imo}"));
        map.entry(key).or_default().push(e);
    }
    for entries in map.values_mut() {
        entries.sort_by(|a, b| a.record.cmp(&b.record));
    }
    map
}

/// A field over a vessel's entries: the distinct values, `; `-joined.
fn joined(entries: &[&Listing], get: impl Fn(&Listing) -> String) -> String {
    let mut values: Vec<String> = entries.iter().map(|e| get(e)).filter(|v| !v.is_empty()).collect();
    values.dedup();
    values.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ListFormat;

    fn entry(record: &str, imo: Option<&str>, name: &str, flag: Option<&str>) -> Listing {
        Listing {
            list: "ofac".into(),
            record: record.into(),
            imo: imo.map(Into::into),
            name: name.into(),
            flag: flag.map(Into::into),
            ..Listing::default()
        }
    }

    fn version(entries: Vec<Listing>) -> ListVersion {
        ListVersion {
            source: "ofac".into(),
            version: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            origin: "test".into(),
            format: ListFormat::Custom,
            entries,
        }
    }

    #[test]
    fn added_removed_and_modified_per_vessel() {
        let old = version(vec![
            entry("1", Some("9293002"), "JAGUAR", Some("GA")),
            entry("2", Some("9354301"), "ZALIV AMERIKA", None),
            entry("3", None, "NO IMO", None),
        ]);
        let mut renamed = entry("1", Some("9293002"), "ARGENT", Some("GA"));
        renamed.former_names = vec!["JAGUAR".into()];
        let new = version(vec![
            renamed,
            entry("4", Some("9333670"), "MICHAIL ULJANOV", Some("RU")),
        ]);
        let got: Vec<(ChangeKind, Option<String>, &str, String, String)> = diff(&old, &new, "a", "b")
            .into_iter()
            .map(|c| (c.change, c.imo, c.field, c.old_value, c.new_value))
            .collect();
        let s = |v: &str| v.to_string();
        assert_eq!(
            got,
            vec![
                (
                    ChangeKind::Modified,
                    Some(s("9293002")),
                    "name",
                    s("JAGUAR"),
                    s("ARGENT")
                ),
                (
                    ChangeKind::Modified,
                    Some(s("9293002")),
                    "former_names",
                    s(""),
                    s("JAGUAR")
                ),
                (ChangeKind::Added, Some(s("9333670")), "", s(""), s("")),
                (ChangeKind::Removed, Some(s("9354301")), "", s(""), s("")),
                (ChangeKind::Removed, None, "", s(""), s("")),
            ]
        );
        assert!(diff(&new, &new, "b", "b").is_empty());
    }
}
