//! Command-line definitions (clap): raw flag values only. `settings` validates and
//! resolves them before any work starts.

#![allow(clippy::doc_markdown, reason = "doc comments here are --help text, shown as written")]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::ListFormat;
use crate::track::behaviour::Params as Behaviour;
use crate::track::encounters::Params as Encounters;
use crate::track::portcalls::Params;

const EXAMPLES: &str = "\
Examples:
  fleetwatch check Jaguar                  is a ship called Jaguar listed? (offline)
  fleetwatch check \"IMO 9293002\" --format json
  fleetwatch lists                         the list versions in force
  fleetwatch lists import UK-Sanctions-List.csv --source uk
  fleetwatch ingest aisdk-2025-05-15.csv   add a DMA AIS day to the store
  fleetwatch refresh --exit-code           fetch new list versions; exit 1 if any changed
  fleetwatch report port-calls --port RUPRI --since 2025-05-01
  fleetwatch completions bash > ~/.local/share/bash-completion/completions/fleetwatch

Exit codes: 0 success (check: something listed matched), 1 check: nothing listed matched,
or refresh --exit-code: a list changed, 2 usage or input error, 3 a source could not be
refreshed.";

/// Sanctions and shadow-fleet vessel tracking: check ships against the EU, UK, US and
/// other lists, and follow their names, flags and port calls.
#[derive(Debug, Parser)]
#[command(name = "fleetwatch", version, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The store directory [default: $FLEETWATCH_DATA_DIR, else the platform data directory]
    #[arg(long, global = true, value_name = "DIR", env = "FLEETWATCH_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Output format [default: table on a terminal, csv otherwise]; geojson (RFC 7946)
    /// for the reports of places: port-calls, gaps, loitering, anomalies, encounters, track;
    /// html for `report vessel` (a self-contained dossier with a map); arrow (an Arrow
    /// IPC stream, for an engine to read back) for the reports of places
    #[arg(long, global = true, value_enum)]
    pub format: Option<FormatArg>,
    /// No progress or summary messages on stderr
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Table,
    Csv,
    Json,
    Geojson,
    Html,
    Arrow,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Is this ship listed? QUERY is a name, an IMO number or an MMSI
    #[command(after_help = "\
Each QUERY is screened on its own: quote names with blanks (\"Mikhail Ulyanov\").
Names match after normalisation (case, accents, Cyrillic and Greek, MT/MV prefixes,
punctuation) with a typo-tolerant score; numbers must agree (AURA 1 is not AURA 2).
Every hull that ever bore a matching name is shown with all of its listings.

Examples:
  fleetwatch check Jaguar
  fleetwatch check \"MT JAGUAR\" 9354301 --format csv
  fleetwatch check \"IMO 9293002\" --format json
  fleetwatch check \"Michail Uljanov\" --min-score 0.85
  fleetwatch check --from fleet.txt --format csv > screened.csv

Exit codes: 0 at least one listed match, 1 nothing listed matched, 2 a bad query
(an IMO that fails its check digit suggests the listed IMOs one typo away).")]
    Check(CheckArgs),
    /// Add vessel records, AIS position files or port-call records to the store
    #[command(after_help = "\
Examples:
  fleetwatch ingest aisdk-2025-05-15.csv
  fleetwatch ingest AIS_2022_03_31.csv ais.nmea
  fleetwatch ingest registry.csv --source registry
  fleetwatch ingest --buffer 128 ais-2025-q1.csv

Each file is one transaction: a file already ingested adds nothing, and a bad row is
skipped and recorded in the store's rejects table (--strict: exit 2, nothing stored).
Positions beyond --buffer wait in a staging directory inside the store until their
day is written, so memory does not grow with the file.")]
    Ingest(IngestArgs),
    /// Show the sanctions lists in force, or import one
    Lists(ListsArgs),
    /// Fetch the configured sources, validate them, swap them in atomically
    #[command(after_help = "\
Sources and HTTP settings come from FLEETWATCH_CONFIG, else DATA_DIR/config.toml, over
defaults for the official EU, UK, OFAC and OpenSanctions publications
(`fleetwatch refresh --print-config` prints them). A download is parsed and checked
before it replaces anything; a 304 changes nothing; a list that shrank by more than
half is refused unless --force. What changed is written to stdout (the columns of
`report changes`), progress and a summary per source to stderr.

Examples:
  fleetwatch refresh                       every enabled source
  fleetwatch refresh ofac uk --exit-code   exit 1 when either changed
  fleetwatch refresh ofac --url http://mirror.example.org/sdn.csv
  fleetwatch refresh --print-config > config.toml

Exit codes: 0 done (nothing changed, or changes without --exit-code), 1 --exit-code and
a list changed, 2 usage error, 3 a source could not be refreshed (its previous version
stays in use; the other sources were still refreshed).")]
    Refresh(RefreshArgs),
    /// Reports: port calls, renames, flag changes, listed vessels, one vessel, list changes
    #[command(subcommand)]
    Report(ReportCommand),
    /// What the store holds
    Status,
    /// Print a shell completion script
    #[command(
        after_help = "Example:\n  fleetwatch completions bash > ~/.local/share/bash-completion/completions/fleetwatch"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Names, IMO numbers (`9293002`, `IMO 9293002`) or MMSIs
    #[arg(required_unless_present = "from", value_name = "QUERY")]
    pub queries: Vec<String>,
    /// Also screen every line of this file (`-`: standard input), one query a line
    #[arg(long, value_name = "FILE")]
    pub from: Option<std::path::PathBuf>,
    /// Lowest name-match score shown (0..1)
    #[arg(long, default_value_t = crate::matching::screen::DEFAULT_MIN_SCORE, value_name = "SCORE")]
    pub min_score: f64,
    /// Answer from the list versions in force on this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// AIS exports (DMA or NOAA CSV, NMEA), vessel records or port-call records
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The files' format, when detection from content is not wanted
    #[arg(long, value_enum)]
    pub input_format: Option<crate::ingest::InputFormat>,
    /// Stop at the first bad row (exit 2, nothing stored) instead of skipping it
    #[arg(long)]
    pub strict: bool,
    /// Source name for vessel and port-call records without a `source` column
    /// [default: the file name]
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Positions held in memory per file, in MiB; beyond it they wait in a staging
    /// directory of the store until their day is written (peak memory is about this
    /// plus 150-350 MiB)
    #[arg(long, value_name = "MIB", default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..))]
    pub buffer: u64,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ListsArgs {
    #[command(subcommand)]
    pub command: Option<ListsCommand>,
}

#[derive(Debug, Subcommand)]
pub enum ListsCommand {
    /// Load a list file (EU, UK, OFAC, OpenSanctions, custom CSV) as a new version
    #[command(after_help = "\
The format is recognised from the file's content; --input-format forces it.
An EU amending regulation (amendedCelex,amendmentCelex,...) is applied to the list
in force for the source and stored as a new version.

Examples:
  fleetwatch lists import sdn.csv --source ofac
  fleetwatch lists import UK-Sanctions-List.csv --source uk
  fleetwatch lists import 32026R1848.csv --source eu
  fleetwatch lists import watchlist.csv --source mylist --version-date 2026-11-01")]
    Import(ListsImportArgs),
    /// Every known version of one list, oldest first
    #[command(after_help = "Columns: list, version_id, version, imported_at, entries, origin\n\n\
Example:\n  fleetwatch lists history ofac")]
    History {
        /// The list (eu, uk, ofac, opensanctions, or a custom source)
        #[arg(value_name = "SOURCE")]
        source: String,
    },
    /// What changed between two versions of one list, per vessel
    #[command(after_help = "\
Columns: list, change, imo, name, field, old_value, new_value, version_from, version_to
A version is named by its id (`lists history SOURCE`), `bundled`, `latest`, or its
version date.
Vessels are matched by IMO (entries without one by their record); modified fields are
name, former_names, flag, mmsi and listed_on. Without versions, the two newest are compared.

Examples:
  fleetwatch lists diff ofac
  fleetwatch lists diff eu bundled latest")]
    Diff {
        /// The list (eu, uk, ofac, opensanctions, or a custom source)
        #[arg(value_name = "SOURCE")]
        source: String,
        /// The older version [default: the one before the newest]
        #[arg(value_name = "V1", requires = "to")]
        from: Option<String>,
        /// The newer version
        #[arg(value_name = "V2")]
        to: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ListsImportArgs {
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Short name of the list (eu, uk, ofac, opensanctions, or a name of your own)
    #[arg(long, value_name = "NAME")]
    pub source: String,
    /// The file's format, when detection from content is not wanted
    #[arg(long, value_enum)]
    pub input_format: Option<ListFormat>,
    /// The date this version describes [default: the date the file states, else today]
    #[arg(long, value_name = "DATE")]
    pub version_date: Option<String>,
}

#[derive(Debug, Args)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each is a switch of its own on the command line"
)]
pub struct RefreshArgs {
    /// Sources to fetch (eu, uk, ofac, opensanctions, or one of the config)
    /// [default: every enabled source]
    #[arg(value_name = "SOURCE")]
    pub sources: Vec<String>,
    /// Exit 1 when any list changed (for alerting)
    #[arg(long)]
    pub exit_code: bool,
    /// Fetch the one SOURCE named from this URL, for this run
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Accept a list that shrank to less than half of the version in force
    #[arg(long)]
    pub force: bool,
    /// Fetch plain http:// URLs of other machines too (unencrypted: anyone on the way
    /// can change the list); without it only https://, and http:// to this machine
    #[arg(long)]
    pub allow_http: bool,
    /// Print a commented example config (the defaults) and exit
    #[arg(long)]
    pub print_config: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Port calls detected from positions and ingested port-call records
    #[command(
        after_help = "Columns: imo, mmsi, vessel_name, flag, port_locode, port_name, port_country, arrival_utc,\n\
departure_utc, duration_h, draught_arrival_m, draught_departure_m, draught_change_m, positions,\n\
confidence, listed_at_arrival, source. Sorted by imo, mmsi, arrival_utc, source.\n\
A port is the union of circles around every point its sources give (3 km unless the gazetteer\n\
says); a fix leaves it beyond every circle by --leave-margin-km. A call includes a stop and lasts\n\
--min-duration-h. listed_at_arrival counts IMO and MMSI matches only.\n\n\
Examples:\n  fleetwatch report port-calls --port RUPRI --since 2025-05-01\n  fleetwatch report port-calls --vessel 9293002 --listed-only\n  fleetwatch report port-calls --input aisdk-2025-05-15.csv registry.csv --format csv > calls.csv"
    )]
    PortCalls(PortCallArgs),
    /// AIS gaps: silences of a transmitter, with the evidence that tells a receiver outage from a vessel gone dark
    #[command(after_help = "\
Columns: event_id, imo, mmsi, vessel_name, flag, start_utc, end_utc, duration_h, open,
start_lat, start_lon, end_lat, end_lon, distance_km, implied_speed_kn, class,
neighbours_at_start, neighbours_at_end, draught_start_m, draught_end_m, nearest_port,
listed_at_start. Sorted by imo, mmsi, start_utc.

A gap is a silence of at least --min-gap-h between two accepted fixes of one track (bad
fixes left out; a vessel whose usual interval is over 10 minutes needs 6 intervals too).
A transmitter whose last fix is that long before the end of the data ends in an open gap
(open=true, no end; duration_h runs to the end of the data). class, the first that holds:
  in_port      it starts and ends in the same port area
  unknown      fewer than 3 other vessels heard within --neighbour-km of its start in the
               6 hours before it: too little traffic to tell
  coverage     no other vessel heard near its start during it, or none near its end, or
               most of those heard near it in the hour before fell silent within 10
               minutes of its start (a receiver or feed outage)
  unexplained  other vessels were heard near both ends during the silence
A gap is a fact; that a vessel switched its AIS off is an inference the class does not make.

Examples:
  fleetwatch report gaps --listed-only --since 2025-05-01
  fleetwatch report gaps --vessel 9293002 --format json
  fleetwatch report gaps --input aisdk-2025-05-15.csv --min-gap-h 6")]
    Gaps(GapArgs),
    /// A vessel idling at sea, away from ports
    #[command(after_help = "\
Columns: event_id, imo, mmsi, vessel_name, flag, start_utc, end_utc, duration_h, lat, lon,
radius_km, mean_speed_kn, label, nearest_port, distance_to_port_km, draught_start_m,
draught_end_m, listed_at_start. Sorted by imo, mmsi, start_utc.

Loitering is a run of at least --min-duration-h in which the vessel's displacement over
the hour ending at each fix (not its reported speed: a missing speed is not a stop) stays
below --max-speed-kn, farther than --min-port-distance-km from the edge of every port
area. A silence of over 2 hours ends it. label: at_anchor when the vessel reported
\"at anchor\" for most of its fixes, else drifting. lat, lon: the mean position.

Examples:
  fleetwatch report loitering --listed-only
  fleetwatch report loitering --input aisdk-2025-05-15.csv --min-duration-h 6")]
    Loitering(LoiterArgs),
    /// Position and identity anomalies: bad fixes, teleports, one MMSI in two places, positions on land, one IMO on two transmitters, GNSS interference
    #[command(after_help = "\
Columns: event_id, kind, imo, mmsi, vessel_name, start_utc, end_utc, lat, lon, other_mmsi,
other_lat, other_lon, distance_km, vessels, detail. Sorted by imo, mmsi, start_utc, kind.

kind:
  bad_fix                  a fix impossible to reach and to leave (beyond the vessel's own
                           top speed) while the fixes around it agree: left out of every event
  teleport                 a jump the track goes on from
  impossible_reappearance  after a silence, farther than the vessel could have sailed
  shared_mmsi              two tracks of one MMSI at once, an hour or more, 10 nm or more apart
  on_land                  3 fixes or 10 minutes more than 500 m inland (port areas and the
                           waterways of the land mask's waterways file count as water)
  imo_clash                one IMO from two MMSIs heard at the same hour 50 nm or more apart
  interference             3 or more vessels within 30 nm with bad fixes, teleports or fixes
                           on land in one hour: one area event naming them all (vessels);
                           their own anomalies of that hour are in it, not reported as theirs
A reflag (new MMSI and name under one IMO, the old MMSI silent from then on) is a rename
and a flag change, never an anomaly.

Examples:
  fleetwatch report anomalies --since 2025-05-01 --format csv > anomalies.csv
  fleetwatch report anomalies --vessel 273279840
  fleetwatch report anomalies --input aisdk-2025-05-15.csv")]
    Anomalies(AnomalyArgs),
    /// Ship-to-ship encounters: two vessels together, slow, for hours, with the draughts that say whether cargo may have moved
    #[command(after_help = "\
Columns: event_id, mmsi_a, imo_a, name_a, mmsi_b, imo_b, name_b, start_utc, end_utc,
duration_h, lat, lon, median_distance_m, min_distance_m, median_speed_kn, class, setting,
nearest_port, distance_to_port_km, silent_a, silent_b, draught_change_a_m,
draught_change_b_m, transfer_like, listed_a, listed_b. Sorted by start_utc, mmsi_a, mmsi_b;
a is the vessel with the lower MMSI.

Both tracks are put on a 10-minute grid (interpolated across silences of up to an hour,
never beyond a fix). Two vessels are together at a grid time when they are within
--max-distance-m, both at or below --max-speed-kn (their displacement over the grid, not
the speed they report) and moving at most 1 kn relative to each other. An encounter is a
run of such times lasting --min-duration-h; runs of one pair less than 4 hours apart are
one encounter, and silent_a/silent_b say that a vessel fell silent for over an hour inside
it. class: alongside when the median distance is at most 150 m, else close. setting: port
when the median position lies in a port area (adjacent berths: left out unless
--include-port; without it, times inside port areas are not paired at all), else sea. draught_change_*_m: each vessel's last draught before to its
first after; transfer_like: one rose and the other fell by 0.3 m or more. listed_*: the
lists that had the vessel listed (by IMO or MMSI) on the day it began.
An encounter shows two vessels were close for hours; it does not show what, if anything,
passed between them.

Examples:
  fleetwatch report encounters --listed-only --since 2025-05-01
  fleetwatch report encounters --vessel 9293002 --format json
  fleetwatch report encounters --input aisdk-2025-05-15.csv --max-distance-m 300")]
    Encounters(EncounterArgs),
    /// Per vessel, the shadow-fleet indicators the data shows, each with its evidence and source; no score
    #[command(after_help = "\
Columns: imo, mmsi, vessel_name, family, indicator, status, detail, evidence, source.
A row per indicator of each vessel (mmsi: its MMSIs, ;-joined; a transmitter heard without
any identity record is a vessel known by its MMSI alone), sorted by imo, mmsi, then
the indicators' fixed order. status: observed, not_observed, or unknown when the data
cannot tell (no IMO to look up, no position of the vessel, too little traffic around a
gap): missing data never counts against a vessel. evidence: event ids (of report gaps,
anomalies, encounters, loitering), list records and dates, calls; source: the list and
version, the ITF list of flags of convenience, the report the events come from.

indicator (family):
  listed_<list>                            (listing)     on each list in force, by IMO or MMSI
  renamed_12_months, reflagged_12_months   (identity)    in the 12 months to the end of the data
  flag_of_convenience                      (flag_state)  the current flag is on the ITF list
  mid_flag_differs                         (flag_state)  an MMSI's MID against declared or listed flags
  mmsi_without_valid_mid                   (flag_state)
  unexplained_gaps, anomalies              (ais)
  encounters_at_sea, encounters_with_listed_vessel, loitering_offshore  (behaviour)
  russian_oil_terminal_calls, russian_oil_terminal_calls_while_listed   (port_calls)

--summary: a row per vessel, columns imo, mmsi, vessel_name, then the observed indicators
per family (listing, identity, flag_state, ais, behaviour, port_calls), then how many are
observed, not_observed and unknown. There is no score and no weighting.
--since and --until keep the events that start in the window; \"recent\" is the 12 months
before --until (or the end of the data).

Examples:
  fleetwatch report indicators --vessel 9293002
  fleetwatch report indicators --summary --format csv > indicators.csv
  fleetwatch report indicators --listed-only --since 2025-01-01 --format json")]
    Indicators(IndicatorArgs),
    /// A vessel's track: its segments after cleaning, as lines with times (for a map: --format geojson)
    #[command(after_help = "\
Columns: mmsi, segment, started_by, start_utc, end_utc, fixes, start_lat, start_lon,
end_lat, end_lon. Sorted by mmsi, start_utc.

A segment is a run of the vessel's consistent fixes (bad fixes left out); a new one is
started by a teleport or an impossible reappearance (started_by), as `report anomalies`
tells. With --format geojson each segment is a LineString (a Point for a single fix) of
its fixes in longitude, latitude order, and the property `times` holds the time of each
(RFC 3339). --since and --until keep the segments that overlap the window, whole.

Examples:
  fleetwatch report track 9293002 --format geojson > argent.geojson
  fleetwatch report track 273279840 --since 2025-05-01 --until 2025-05-31
  fleetwatch report track JAGUAR --input aisdk-2025-05-15.csv --format geojson")]
    Track(TrackArgs),
    /// Name changes per vessel
    #[command(
        after_help = "Columns: imo, mmsi, old_name, new_name, last_seen_old_utc, first_seen_new_utc, source\n\
Sorted by imo, first_seen_new_utc, mmsi, source. Names compare upper-case with AIS @ padding\n\
and blanks removed, so JAGUAR@@@ and Jaguar are not a rename. Each source is read on its own.\n\n\
Example:\n  fleetwatch report renames --since 2025-01-01 --listed-only"
    )]
    Renames(ReportFilters),
    /// Flag changes per vessel (declared flag, or the flag implied by the MMSI's MID)
    #[command(
        after_help = "Columns: imo, old_flag, new_flag, old_mmsi, new_mmsi, last_seen_old_utc, first_seen_new_utc, source\n\
Sorted by imo, first_seen_new_utc, source. From AIS, an MMSI change to another MID is a flag change.\n\n\
Example:\n  fleetwatch report flags --vessel 9293002"
    )]
    Flags(ReportFilters),
    /// Every ingested vessel that a list identifies, with how it matched
    #[command(after_help = "\
Columns: imo, mmsi, name, list, list_record, listed_on, matched_on, match_score, match_status,
match_note. Sorted by imo, mmsi, list, list_record.

A vessel is listed when its IMO number (or an MMSI, on lists that record MMSIs) is on the
list: match_status=identified. A name alone never makes a vessel listed. With
--include-possible, a vessel no identifier matched is shown against the listed hulls
that bear one of its names, as match_status=possible, when nothing in its own data
contradicts it: it broadcast no valid IMO, its AIS ship type agrees with the listed
vessel's type (a tug, pleasure craft, passenger ship or fishing vessel is no listed
tanker), it is not under 60 m long where the listed vessel is a merchant ship, and the
names are the same once normalised, numbers included. match_note says what it rests on.

Examples:
  fleetwatch report listed --format csv > listed.csv
  fleetwatch report listed --include-possible --since 2025-05-01")]
    Listed(ListedArgs),
    /// One vessel's profile: identity timeline, listings, events, findings, indicators; --format html the dossier
    #[command(after_help = "\
Listings are the lists' entries for the vessel's IMO number or MMSI. With
--include-possible, the listed hulls that only a name of the vessel matches (nothing in
its data contradicting it) are shown apart, as possible matches.

With --format html, the dossier: one self-contained HTML file (no network, prints on A4)
with the profile, a map of the track and its events, a time line, the reported speed and
draught, the indicators, what the data does not show, and where each fact came from.

Examples:
  fleetwatch report vessel 9293002
  fleetwatch report vessel JAGUAR --format json
  fleetwatch report vessel JAGUAR --include-possible
  fleetwatch report vessel 9293002 --format html > argent.html")]
    Vessel {
        /// A name, an IMO number or an MMSI
        #[arg(value_name = "QUERY")]
        query: String,
        /// Also show listed hulls that only a name matches, as possible matches
        #[arg(long)]
        include_possible: bool,
    },
    /// What list refreshes added, removed or changed, per vessel
    #[command(after_help = "\
Columns: list, change, imo, name, field, old_value, new_value, version_from, version_to
Each list's versions are compared in turn (bundled, imported and refreshed, by version
date). Sorted by list, version_to, then vessel. --since and --until with a date compare
the newer version's date; with a time (RFC 3339, UTC) they compare the moment it was
stored (imported or refreshed), so two refreshes of one day are told apart.

Examples:
  fleetwatch report changes --since 2026-11-01
  fleetwatch report changes --since 2026-12-01T08:00:00Z --list ofac
  fleetwatch report changes --vessel 9293002 --format csv > argent-changes.csv")]
    Changes {
        #[command(flatten)]
        filters: ReportFilters,
        /// Only this list
        #[arg(long, value_name = "SOURCE")]
        list: Option<String>,
    },
}

/// `report indicators`: the filters, and whether a row per vessel is wanted.
#[derive(Debug, Args, Clone)]
pub struct IndicatorArgs {
    #[command(flatten)]
    pub filters: ReportFilters,
    /// A row per vessel: the observed indicators counted per family
    #[arg(long)]
    pub summary: bool,
    /// Ports to use instead of the bundled gazetteer (as for `report port-calls`)
    #[arg(long, value_name = "FILE")]
    pub ports: Option<PathBuf>,
}

/// `report listed`: the filters, and whether possible matches by name are shown.
#[derive(Debug, Args, Clone)]
pub struct ListedArgs {
    #[command(flatten)]
    pub filters: ReportFilters,
    /// Also show vessels that only a name matches, nothing contradicting it, as
    /// match_status=possible (never counted by --listed-only)
    #[arg(long)]
    pub include_possible: bool,
}

/// `report port-calls`: the filters, the gazetteer and the detection parameters.
#[derive(Debug, Args, Clone)]
pub struct PortCallArgs {
    #[command(flatten)]
    pub filters: ReportFilters,
    #[command(flatten)]
    pub sources: Sources,
    /// One radius for every circle of every port instead of each point's own (polygons keep theirs)
    #[arg(long, value_name = "KM")]
    pub enter_km: Option<f64>,
    /// Added to a port's radius to leave it
    #[arg(long, default_value_t = Params::DEFAULT.leave_margin_km, value_name = "KM")]
    pub leave_margin_km: f64,
    /// Below this speed a vessel is stopped
    #[arg(long, default_value_t = Params::DEFAULT.stop_kn, value_name = "KN")]
    pub stop_kn: f32,
    /// Above this speed it moves again
    #[arg(long, default_value_t = Params::DEFAULT.move_kn, value_name = "KN")]
    pub move_kn: f32,
    /// Shortest call
    #[arg(long, default_value_t = Params::DEFAULT.min_duration_h, value_name = "HOURS")]
    pub min_duration_h: f64,
    /// A silence longer than this ends a call
    #[arg(long, default_value_t = Params::DEFAULT.max_gap_h, value_name = "HOURS")]
    pub max_gap_h: f64,
}

/// Where a detecting report reads its positions and ports.
#[derive(Debug, Args, Clone)]
pub struct Sources {
    /// Read positions, identities and port-call records from these files (any format
    /// ingest reads) instead of the store, for this report only: nothing is stored;
    /// `-` reads an Arrow IPC stream of positions from standard input (its vessels
    /// then come from the store of --data-dir, when there is one)
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub input: Vec<PathBuf>,
    /// The --input files' format, when detection from content is not wanted
    #[arg(long, value_enum, value_name = "FORMAT", requires = "input")]
    pub input_format: Option<crate::ingest::InputFormat>,
    /// Ports to use instead of the bundled gazetteer: CSV (locode,name,country,lat,lon,radius_km;
    /// rows that share a LOCODE are one port) or GeoJSON polygons with locode and name properties
    #[arg(long, value_name = "FILE")]
    pub ports: Option<PathBuf>,
    /// One stage of a distributed run (spark/fleetwatch_job.py) instead of the whole
    /// report; it writes partial results (Arrow IPC) for the next, finish the report
    #[arg(long, value_enum, value_name = "STAGE", help_heading = "Distributed runs")]
    pub stage: Option<Stage>,
    /// The partial results earlier stages wrote (Arrow IPC streams; `-` standard input)
    #[arg(long, value_name = "FILE", num_args = 1.., help_heading = "Distributed runs")]
    pub partials: Vec<PathBuf>,
}

/// The stages of a distributed run, in order (each report takes those it needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Stage {
    /// The store's vessels that share an IMO, for observe (anomalies)
    Plan,
    /// What each vessel of --input shows on its own (every report)
    Observe,
    /// The gaps whose neighbours are heard (gaps: from observe's partials)
    Silences,
    /// The fixes of --input heard near those gaps (gaps)
    Hear,
    /// The vessels together among the grid points of --partials - (encounters)
    Pair,
    /// The encounters of the times together of --partials - (encounters)
    Runs,
    /// The report from the partial results (every report)
    Finish,
}

/// What every behaviour report reads.
#[derive(Debug, Args, Clone)]
pub struct EventArgs {
    #[command(flatten)]
    pub filters: ReportFilters,
    #[command(flatten)]
    pub sources: Sources,
    /// A silence of at least this long is a gap (and tells a teleport from a reappearance)
    #[arg(long, default_value_t = Behaviour::DEFAULT.min_gap_h, value_name = "HOURS")]
    pub min_gap_h: f64,
}

#[derive(Debug, Args, Clone)]
pub struct GapArgs {
    #[command(flatten)]
    pub events: EventArgs,
    /// Other vessels heard within this distance of a gap's ends are its neighbours
    #[arg(long, default_value_t = crate::track::gaps::DEFAULT_NEIGHBOUR_KM, value_name = "KM")]
    pub neighbour_km: f64,
}

#[derive(Debug, Args, Clone)]
pub struct LoiterArgs {
    #[command(flatten)]
    pub events: EventArgs,
    /// Shortest loitering
    #[arg(long, default_value_t = Behaviour::DEFAULT.loiter_min_h, value_name = "HOURS")]
    pub min_duration_h: f64,
    /// Displacement speed below which a vessel idles
    #[arg(long, default_value_t = Behaviour::DEFAULT.loiter_max_kn, value_name = "KN")]
    pub max_speed_kn: f64,
    /// Loitering is farther than this from the edge of every port area
    #[arg(long, default_value_t = Behaviour::DEFAULT.loiter_port_km, value_name = "KM")]
    pub min_port_distance_km: f64,
}

#[derive(Debug, Args, Clone)]
pub struct AnomalyArgs {
    #[command(flatten)]
    pub events: EventArgs,
    /// A land mask to use instead of the bundled one (GSHHG full resolution), in
    /// fleetwatch's format: tools/build_landmask.py makes one from WKB polygons
    #[arg(long, value_name = "FILE")]
    pub land: Option<PathBuf>,
    /// Waterways to count as water instead of the bundled ones (CSV
    /// name,half_width_km,path with the path as "lon lat;lon lat;...")
    #[arg(long, value_name = "FILE")]
    pub waterways: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct TrackArgs {
    /// A name, an IMO number or an MMSI
    #[arg(value_name = "QUERY")]
    pub query: String,
    /// From this date or time (UTC; 2025-05-01 or 2025-05-01T12:00:00Z)
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Up to this date (inclusive) or time (UTC)
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Read positions and identities from these files (any format ingest reads)
    /// instead of the store, for this report only: nothing is stored
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub input: Vec<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct EncounterArgs {
    #[command(flatten)]
    pub filters: ReportFilters,
    #[command(flatten)]
    pub sources: Sources,
    /// Together within this distance
    #[arg(long, default_value_t = Encounters::DEFAULT.max_distance_m, value_name = "METRES")]
    pub max_distance_m: f64,
    /// Both at or below this speed
    #[arg(long, default_value_t = Encounters::DEFAULT.max_speed_kn, value_name = "KN")]
    pub max_speed_kn: f64,
    /// Shortest run together
    #[arg(long, default_value_t = Encounters::DEFAULT.min_duration_h, value_name = "HOURS")]
    pub min_duration_h: f64,
    /// Also report encounters in port areas (vessels at adjacent berths)
    #[arg(long)]
    pub include_port: bool,
}

/// Filters every report takes.
#[derive(Debug, Args, Default, Clone)]
pub struct ReportFilters {
    /// Only this vessel (name, IMO number or MMSI)
    #[arg(long, value_name = "QUERY")]
    pub vessel: Option<String>,
    /// From this date or time (UTC; 2025-05-01 or 2025-05-01T12:00:00Z)
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Up to this date (inclusive) or time (UTC)
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only calls at this port (UN/LOCODE, e.g. RUPRI)
    #[arg(long, value_name = "LOCODE")]
    pub port: Option<String>,
    /// Only calls in this country (ISO 3166-1 alpha-2)
    #[arg(long, value_name = "ISO2")]
    pub country: Option<String>,
    /// Only vessels a list in force identifies by IMO or MMSI (a name match never counts)
    #[arg(long)]
    pub listed_only: bool,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_consistent() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
