//! `fleetwatch report changes`: what each list's successive versions added, removed or
//! modified, per vessel.

use std::io::Write;

use crate::error::{Outcome, UserError};
use crate::lists::diff::{Change, diff};
use crate::report::changes::change_rows;
use crate::settings::{Settings, parse_date_flag};
use crate::store::ListCatalog;

pub fn run(
    settings: &Settings,
    since: Option<&str>,
    list: Option<&str>,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let since = since.map(|s| parse_date_flag("--since", s)).transpose()?;
    let catalog = ListCatalog::open(&settings.data_dir)?;
    let mut sources: Vec<String> = catalog
        .effective()?
        .into_iter()
        .map(|l| l.source)
        .chain(catalog.versions().iter().map(|v| v.source.clone()))
        .collect();
    sources.sort();
    sources.dedup();
    if let Some(l) = list {
        if !sources.iter().any(|s| s == l) {
            return Err(UserError::new(format!("no list named '{l}'"))
                .hint(format!("lists: {}", sources.join(", ")))
                .into());
        }
        sources.retain(|s| s == l);
    }
    let mut changes: Vec<Change> = Vec::new();
    for source in &sources {
        let history = catalog.history(source)?;
        for pair in history.windows(2) {
            let (old, new) = (&pair[0], &pair[1]);
            if since.is_some_and(|d| new.list.version < d) {
                continue;
            }
            changes.extend(diff(&old.list, &new.list, &old.label, &new.label));
        }
    }
    change_rows(&changes).write(settings.format, out)?;
    out.flush()?;
    Ok(Outcome::Success)
}
