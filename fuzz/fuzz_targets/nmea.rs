#![no_main]
//! The nmea reader (`fleetwatch::readers::Reader::Nmea`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::Nmea.read(data);
});
