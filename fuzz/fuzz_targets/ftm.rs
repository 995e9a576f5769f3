#![no_main]
//! The ftm reader (`fleetwatch::readers::Reader::Ftm`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::Ftm.read(data);
});
