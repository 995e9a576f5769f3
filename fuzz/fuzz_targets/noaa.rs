#![no_main]
//! The noaa reader (`fleetwatch::readers::Reader::Noaa`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::Noaa.read(data);
});
