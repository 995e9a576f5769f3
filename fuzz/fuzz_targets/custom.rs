#![no_main]
//! The custom reader (`fleetwatch::readers::Reader::Custom`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::Custom.read(data);
});
