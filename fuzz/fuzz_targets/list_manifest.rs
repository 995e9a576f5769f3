#![no_main]
//! The list_manifest reader (`fleetwatch::readers::Reader::ListManifest`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::ListManifest.read(data);
});
