#![no_main]
//! The config reader (`fleetwatch::readers::Reader::Config`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::Config.read(data);
});
