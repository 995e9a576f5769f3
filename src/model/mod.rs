//! Domain types with no I/O: validated identifiers, flags, sanctions listings.

pub mod ais;
pub mod flag;
pub mod identity;
pub mod imo;
pub mod input;
pub mod listing;
pub mod mmsi;
pub mod port;
pub mod portcall;
pub mod shiptype;

pub use imo::{Imo, ImoError};
pub use listing::{ListFormat, ListVersion, Listing, NameKind};
pub use mmsi::{Mmsi, MmsiError};
