#![no_main]
//! The records reader (`fleetwatch::readers::Reader::Records`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::Records.read(data);
});
