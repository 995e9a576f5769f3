//! The `check` report: one row per (hull, listing) under the contract's columns, and the
//! table view grouped by hull with a citation block and the list versions checked.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::citation::{cite, list_title};
use super::{Cell, Rows};
use crate::matching::{HullMatch, MatchedOn};
use crate::model::{ListVersion, Listing};

pub const COLUMNS: &[&str] = &[
    "query",
    "imo",
    "name",
    "matched_on",
    "match_score",
    "listed",
    "list",
    "list_record",
    "listed_on",
    "legal_basis",
    "reason",
    "name_on_list",
    "former_names",
    "flag",
    "source_version",
];

/// What one query found.
#[derive(Debug)]
pub struct QueryResult<'a> {
    pub query: String,
    /// The IMO number asked for, when the query was one.
    pub imo_asked: Option<String>,
    pub hulls: Vec<HullMatch<'a>>,
}

impl QueryResult<'_> {
    pub fn any_listed(&self) -> bool {
        self.hulls.iter().any(|h| !h.listings.is_empty())
    }
}

/// The name a hull goes by: the one on the most recent list version that records it.
pub fn hull_name<'a>(hull: &HullMatch<'a>) -> &'a str {
    hull.listings
        .iter()
        .max_by(|(a, _), (b, _)| a.version.cmp(&b.version).then(b.source.cmp(&a.source)))
        .map_or("", |(_, e)| e.name.as_str())
}

/// The rows, in query order, hulls best match first, listings by list then record.
pub fn rows(results: &[QueryResult<'_>]) -> Rows {
    let mut rows = Rows::new(COLUMNS);
    for r in results {
        if r.hulls.is_empty() {
            let mut row = vec![Cell::Null; COLUMNS.len()];
            row[0] = Cell::from(r.query.as_str());
            row[1] = Cell::opt(r.imo_asked.clone());
            row[5] = Cell::Bool(false);
            rows.push(row);
        }
        for hull in &r.hulls {
            let name = hull_name(hull);
            for (list, e) in &hull.listings {
                rows.push(vec![
                    Cell::from(r.query.as_str()),
                    Cell::opt(hull.imo),
                    Cell::from(name),
                    Cell::from(hull.matched_on.as_str()),
                    Cell::Num(hull.score, 2),
                    Cell::Bool(true),
                    Cell::from(list.source.as_str()),
                    Cell::from(e.record.as_str()),
                    Cell::opt(e.listed_on.map(|d| d.to_string())),
                    Cell::from(e.legal_basis.as_str()),
                    Cell::from(e.reason.as_str()),
                    Cell::from(e.name.as_str()),
                    Cell::from(e.former_names.join(";")),
                    Cell::opt(e.flag.clone()),
                    Cell::from(list.version.to_string()),
                ]);
            }
        }
    }
    rows
}

/// The view for a person: hulls grouped, each listing with its act, then numbered
/// citations and the list versions checked.
pub fn write_table(results: &[QueryResult<'_>], lists: &[ListVersion], out: &mut dyn Write) -> io::Result<()> {
    // Names and reasons come from lists nobody controls.
    let out = &mut super::Visible::new(out);
    let mut citations: Vec<String> = Vec::new();
    for r in results {
        let listed = r.hulls.len();
        match listed {
            0 => match &r.imo_asked {
                Some(imo) => writeln!(out, "{}: IMO {imo} is on none of the lists checked.", r.query)?,
                None => writeln!(out, "{}: no listed vessel matches.", r.query)?,
            },
            1 => writeln!(out, "{}: 1 listed hull", r.query)?,
            n => writeln!(out, "{}: {n} listed hulls", r.query)?,
        }
        for hull in &r.hulls {
            writeln!(out)?;
            let name = hull_name(hull);
            match hull.imo {
                Some(imo) => writeln!(out, "  IMO {imo}  {name}")?,
                None => writeln!(out, "  (no IMO)  {name}")?,
            }
            writeln!(out, "  matched on {}", matched_text(hull))?;
            for (list, e) in &hull.listings {
                citations.push(cite(list, e));
                write_listing(out, list, e, citations.len())?;
            }
        }
        writeln!(out)?;
    }
    if !citations.is_empty() {
        writeln!(out, "Citations")?;
        for (i, c) in citations.iter().enumerate() {
            writeln!(out, "  [{}] {c}", i + 1)?;
        }
        writeln!(out)?;
    }
    let checked: Vec<String> = lists
        .iter()
        .map(|l| format!("{} {} ({} entries)", l.source, l.version, l.entries.len()))
        .collect();
    writeln!(out, "Lists checked: {}", checked.join(", "))
}

fn matched_text(hull: &HullMatch<'_>) -> String {
    match hull.matched_on {
        MatchedOn::Imo => "IMO number".to_string(),
        MatchedOn::Mmsi => "MMSI".to_string(),
        on => format!(
            "{} \"{}\" (score {:.2})",
            on.as_str().replace('_', " "),
            hull.matched_name,
            hull.score
        ),
    }
}

fn write_listing(out: &mut dyn Write, list: &ListVersion, e: &Listing, n: usize) -> io::Result<()> {
    let since = e
        .listed_on
        .map_or_else(|| "listing date not given".to_string(), |d| format!("listed {d}"));
    writeln!(out, "    {:<5} {since}  [{n}]", list_title(&list.source))?;
    writeln!(out, "          {}", e.legal_basis)?;
    let mut as_named = format!("as {}", e.name);
    if !e.former_names.is_empty() {
        let _ = write!(as_named, ", formerly {}", e.former_names.join(", "));
    }
    if !e.aliases.is_empty() {
        let _ = write!(as_named, ", also {}", e.aliases.join(", "));
    }
    if let Some(flag) = &e.flag {
        let _ = write!(as_named, "; flag {flag}");
    }
    writeln!(out, "          {as_named}")?;
    if !e.reason.is_empty() {
        writeln!(out, "          reason: {}", e.reason)?;
    }
    Ok(())
}
