#![no_main]
//! The uk reader (`fleetwatch::readers::Reader::Uk`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::Uk.read(data);
});
