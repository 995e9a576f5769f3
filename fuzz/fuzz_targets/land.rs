#![no_main]
//! The land reader (`fleetwatch::readers::Reader::Land`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::Land.read(data);
});
