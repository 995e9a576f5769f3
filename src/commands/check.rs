//! `fleetwatch check QUERY...`: is this ship listed? Screens each query against the
//! lists in force (bundled, or newer versions in the store), or those of a past date,
//! and writes the matches.

use std::io::Write;

use crate::cli::CheckArgs;
use crate::error::{Outcome, UserError};
use crate::matching::{Query, QueryError, Screen};
use crate::model::ImoError;
use crate::report::Format;
use crate::report::check::{self, QueryResult};
use crate::settings::{Settings, check_score, parse_date_flag};
use crate::store::ListCatalog;

pub fn run(settings: &Settings, args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Outcome> {
    let min_score = check_score("--min-score", args.min_score)?;
    let as_of = args
        .as_of
        .as_deref()
        .map(|d| parse_date_flag("--as-of", d))
        .transpose()?;
    let catalog = ListCatalog::open(&settings.data_dir)?;
    let lists = match as_of {
        None => catalog.effective()?,
        Some(date) => {
            let (lists, notes) = catalog.as_of(date)?;
            if !settings.quiet {
                for n in notes {
                    writeln!(err, "{n}")?;
                }
            }
            lists
        }
    };
    let screen = Screen::new(&lists);
    let queries = queries(args)?;
    let mut parsed = Vec::with_capacity(queries.len());
    let mut skipped = 0;
    for (text, line) in &queries {
        let query = match (Query::parse(text), line) {
            (Ok(q), _) => q,
            (Err(e), None) => return Err(query_error(&screen, text, &e).into()),
            // A bad line of a --from file is reported and skipped; the others are screened.
            (Err(e), Some(line)) => {
                skipped += 1;
                if !settings.quiet {
                    let e = query_error(&screen, text, &e);
                    writeln!(
                        err,
                        "{}:{line}: {} ({}); skipped",
                        args.from.as_ref().map_or_else(String::new, |p| p.display().to_string()),
                        e.message,
                        e.hint.unwrap_or_default()
                    )?;
                }
                continue;
            }
        };
        parsed.push((text, query));
    }
    // Screened in parallel, kept in the order asked.
    let results: Vec<QueryResult<'_>> = crate::pool::each(&parsed, |(text, query)| {
        Ok::<_, std::convert::Infallible>(QueryResult {
            query: (*text).clone(),
            imo_asked: match query {
                Query::Imo(imo) => Some(imo.to_string()),
                _ => None,
            },
            hulls: screen.find(query, min_score),
        })
    })?;
    if skipped > 0 && !settings.quiet {
        writeln!(err, "{skipped} queries skipped, {} screened", results.len())?;
    }
    match settings.format {
        Format::Table => check::write_table(&results, &lists, out)?,
        format => check::rows(&results).write(format, out)?,
    }
    out.flush()?;
    Ok(if results.iter().any(QueryResult::any_listed) {
        Outcome::Success
    } else {
        Outcome::NothingListed
    })
}

/// The queries: the arguments, then the lines of `--from` with their line numbers
/// (blank lines skipped).
fn queries(args: &CheckArgs) -> anyhow::Result<Vec<(String, Option<usize>)>> {
    use anyhow::Context;
    let mut all: Vec<(String, Option<usize>)> = args.queries.iter().map(|q| (q.clone(), None)).collect();
    if let Some(path) = &args.from {
        let text = if path.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin()).context("cannot read the queries from standard input")?
        } else {
            std::fs::read_to_string(path).with_context(|| format!("cannot read the queries in {}", path.display()))?
        };
        all.extend(
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| (l.trim().to_string(), Some(i + 1))),
        );
    }
    Ok(all)
}

/// A query that cannot be screened; a mistyped IMO gets the listed IMOs one typo away.
fn query_error(screen: &Screen<'_>, text: &str, err: &QueryError) -> UserError {
    let message = format!("query '{text}': {err}");
    let hint = match err {
        QueryError::Imo(ImoError::CheckDigit { digits, .. }) => {
            let near = screen.imo_suggestions(digits);
            if near.is_empty() {
                "no listed IMO is one digit or one swap away; check the number at its source".to_string()
            } else {
                let list: Vec<String> = near.iter().map(|(imo, name)| format!("IMO {imo} ({name})")).collect();
                format!("did you mean {}?", list.join(" or "))
            }
        }
        QueryError::Imo(ImoError::NotSevenDigits(_)) | QueryError::Digits(_) => {
            "an IMO number has 7 digits (IMO 9293002), an MMSI 9 (626313000)".to_string()
        }
        QueryError::Mmsi(_) => "ship MMSIs start with a flag state's MID, 201 to 775".to_string(),
        QueryError::Empty => "give a vessel name, an IMO number or an MMSI".to_string(),
    };
    UserError::new(message).hint(hint)
}
