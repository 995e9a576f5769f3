//! One module per subcommand, and the one dispatch over them. Commands are the only
//! code that writes to stdout and stderr.

pub mod check;
pub mod ingest;
pub mod input;
pub mod lists;
pub mod refresh;
pub mod report;
pub mod status;

use std::io::Write;

use crate::cli::{Cli, Command, ListsCommand, ReportCommand};
use crate::error::{Outcome, UserError};
use crate::report::Format;
use crate::settings::Settings;

/// Whether a command's rows have places (and can be written as `GeoJSON`).
fn has_places(command: &Command) -> bool {
    matches!(
        command,
        Command::Report(
            ReportCommand::PortCalls(_)
                | ReportCommand::Gaps(_)
                | ReportCommand::Loitering(_)
                | ReportCommand::Anomalies(_)
                | ReportCommand::Encounters(_)
                | ReportCommand::Track(_)
        )
    )
}

/// Runs a parsed command line.
pub fn run(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Outcome> {
    if let Command::Completions { shell } = &cli.command {
        let mut cmd = <Cli as clap::CommandFactory>::command();
        clap_complete::generate(*shell, &mut cmd, "fleetwatch", out);
        return Ok(Outcome::Success);
    }
    let settings = Settings::resolve(&cli.global)?;
    if matches!(settings.format, Format::Geojson | Format::Arrow) && !has_places(&cli.command) {
        let name = if settings.format == Format::Arrow {
            "arrow"
        } else {
            "geojson"
        };
        return Err(UserError::new(format!("--format {name} is for the reports of places"))
            .hint(format!(
                "report port-calls, gaps, loitering, anomalies, encounters and track write --format {name}"
            ))
            .into());
    }
    if settings.format == Format::Html && !matches!(&cli.command, Command::Report(ReportCommand::Vessel { .. })) {
        return Err(UserError::new("--format html is for report vessel")
            .hint("fleetwatch report vessel 9293002 --format html > dossier.html")
            .into());
    }
    match &cli.command {
        Command::Check(args) => check::run(&settings, args, out, err),
        Command::Lists(args) => match &args.command {
            None => lists::show(&settings, out),
            Some(ListsCommand::Import(a)) => lists::import(&settings, a, err),
            Some(ListsCommand::History { source }) => lists::history(&settings, source, out),
            Some(ListsCommand::Diff { source, from, to }) => {
                lists::diff(&settings, source, from.as_deref().zip(to.as_deref()), out)
            }
        },
        Command::Ingest(args) => ingest::run(&settings, args, err),
        Command::Refresh(args) => refresh::run(&settings, args, out, err),
        Command::Report(r) => report::run(&settings, r, out, err),
        Command::Status => status::run(&settings, out),
        Command::Completions { .. } => unreachable!("handled above"),
    }
}
