#![no_main]
//! The detect reader (`fleetwatch::readers::Reader::Detect`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::Detect.read(data);
});
