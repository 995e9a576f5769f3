#![no_main]
//! The eu_journal reader (`fleetwatch::readers::Reader::EuJournal`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::EuJournal.read(data);
});
