#![no_main]
//! The opensanctions reader (`fleetwatch::readers::Reader::Opensanctions`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::Opensanctions.read(data);
});
