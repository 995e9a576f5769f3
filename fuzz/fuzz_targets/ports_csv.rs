#![no_main]
//! The ports_csv reader (`fleetwatch::readers::Reader::PortsCsv`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::PortsCsv.read(data);
});
