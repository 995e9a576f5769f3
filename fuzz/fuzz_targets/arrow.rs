#![no_main]
//! The arrow reader (`fleetwatch::readers::Reader::Arrow`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::Arrow.read(data);
});
