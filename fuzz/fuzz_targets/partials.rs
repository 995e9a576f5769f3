#![no_main]
//! The partials reader (`fleetwatch::readers::Reader::Partials`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::Partials.read(data);
});
