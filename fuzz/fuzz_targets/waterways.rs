#![no_main]
//! The waterways reader (`fleetwatch::readers::Reader::Waterways`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::Waterways.read(data);
});
