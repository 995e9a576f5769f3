//! The `fleetwatch` binary: parse the command line, run it, map the outcome to an exit
//! code. A closed stdout ends the program quietly.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use fleetwatch::cli::Cli;
use fleetwatch::{commands, error};

/// mimalloc keeps the memory it freed for the next allocation: the readers allocate and
/// free a slice of rows at a time, which the system allocator hands back to the kernel
/// and faults in again. It is built without transparent huge pages (`no_thp`): a huge
/// page the kernel must first assemble and clear 2 MiB at a time cost the reports and
/// the ingest a second of system time on a virtual machine, whenever the memory had not
/// just been freed by the process before (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    // Messages quote names and fields of files nobody controls: no escape sequence of
    // theirs reaches the terminal.
    let mut err = fleetwatch::report::Visible::new(io::stderr());
    let result = commands::run(&cli, &mut out, &mut err).and_then(|o| out.flush().map(|()| o).map_err(Into::into));
    match result {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) if error::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(err, "{}", error::render(&e));
            ExitCode::from(error::exit_code(&e))
        }
    }
}
