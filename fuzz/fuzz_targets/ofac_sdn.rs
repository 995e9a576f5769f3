#![no_main]
//! The ofac_sdn reader (`fleetwatch::readers::Reader::OfacSdn`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::OfacSdn.read(data);
});
