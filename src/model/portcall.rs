//! Port calls as other providers report them, kept as they are beside the calls
//! fleetwatch detects, and how records read twice are merged. No I/O.

/// One port call as another provider reported it.
#[derive(Debug, Clone, PartialEq)]
pub struct PortCallRecord {
    pub imo: Option<String>,
    pub mmsi: Option<u32>,
    pub port: String,
    pub arrival_ms: i64,
    pub departure_ms: Option<i64>,
    pub source: String,
}

/// Adds the records of `more` that `into` does not hold yet: a record read twice (from
/// one file ingested again, or given twice) counts once.
pub fn add_new(into: &mut Vec<PortCallRecord>, more: Vec<PortCallRecord>) {
    for c in more {
        if !into.contains(&c) {
            into.push(c);
        }
    }
}
