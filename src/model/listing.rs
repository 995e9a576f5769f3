//! One normalised listing model for every sanctions source, and the list versions that
//! hold them. Loaders in `lists` produce these; matching and reports consume them.

use chrono::NaiveDate;
use serde::Serialize;

/// One entry of a sanctions list: a vessel as that list describes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Listing {
    /// Short name of the list (`eu`, `uk`, `ofac`, `opensanctions`, or a custom source).
    pub list: String,
    /// The record's identifier on its list (EU entry number, OFAC `ent_num`, UK Unique ID).
    pub record: String,
    /// Seven-digit IMO number as the list gives it (check digit verified by the loader).
    pub imo: Option<String>,
    /// The name under which the list records the vessel.
    pub name: String,
    /// Names the list says the vessel bore before (`previousName`, `f.k.a.`, `(ex ...)`).
    pub former_names: Vec<String>,
    /// Other names the list gives (`a.k.a.`, UK aliases).
    pub aliases: Vec<String>,
    /// Flag the list records, ISO 3166-1 alpha-2.
    pub flag: Option<String>,
    pub mmsi: Option<String>,
    pub call_sign: Option<String>,
    pub vessel_type: Option<String>,
    /// The date the vessel was put on this list, when the list says.
    pub listed_on: Option<NaiveDate>,
    /// The act and entry, e.g. `Council Regulation (EU) No 833/2014, Annex XLII, entry 215`.
    pub legal_basis: String,
    /// Sanctions programme(s), `;`-joined (`EU-RUS`, `RUSSIA-EO14024;UKRAINE-EO13662`).
    pub program: String,
    /// The reason the list gives.
    pub reason: String,
}

impl Listing {
    /// Every name this entry records: the listed name, former names, aliases, with what
    /// kind each is.
    pub fn names(&self) -> impl Iterator<Item = (NameKind, &str)> {
        std::iter::once((NameKind::Name, self.name.as_str()))
            .chain(self.former_names.iter().map(|n| (NameKind::FormerName, n.as_str())))
            .chain(self.aliases.iter().map(|n| (NameKind::Alias, n.as_str())))
    }
}

/// Which of an entry's names a query matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    Name,
    FormerName,
    Alias,
}

/// The file formats fleetwatch reads sanctions lists from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ListFormat {
    /// EU Official Journal transcription (`celex,recordId,...`), consolidated.
    EuJournal,
    /// An EU amending regulation (`amendedCelex,amendmentCelex,...`), applied to the current version.
    EuAmendment,
    /// OFAC legacy `sdn.csv` (no header; IMO in the remarks).
    OfacSdn,
    /// UK Sanctions List CSV (`Report Date:` line, then a header).
    Uk,
    /// `OpenSanctions` `maritime.csv`.
    OpensanctionsCsv,
    /// `FollowTheMoney` entities, one JSON object a line (`OpenSanctions` exports).
    Ftm,
    /// A plain CSV with at least `imo` and `name` columns.
    Custom,
}

impl ListFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EuJournal => "eu-journal",
            Self::EuAmendment => "eu-amendment",
            Self::OfacSdn => "ofac-sdn",
            Self::Uk => "uk",
            Self::OpensanctionsCsv => "opensanctions-csv",
            Self::Ftm => "ftm",
            Self::Custom => "custom",
        }
    }
}

/// One version of one list: what `check` and the reports consult.
#[derive(Debug, Clone)]
pub struct ListVersion {
    /// Short name of the list.
    pub source: String,
    /// The date the version describes (publication or snapshot date).
    pub version: NaiveDate,
    /// Where it came from: `bundled`, a file name, or a URL.
    pub origin: String,
    pub format: ListFormat,
    pub entries: Vec<Listing>,
}

impl ListVersion {
    /// Entries carrying an IMO number.
    pub fn with_imo(&self) -> usize {
        self.entries.iter().filter(|e| e.imo.is_some()).count()
    }
}
