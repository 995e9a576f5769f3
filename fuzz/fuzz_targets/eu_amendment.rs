#![no_main]
//! The eu_amendment reader (`fleetwatch::readers::Reader::EuAmendment`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::EuAmendment.read(data);
});
