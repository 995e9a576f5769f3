#![no_main]
//! The store_manifest reader (`fleetwatch::readers::Reader::StoreManifest`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::StoreManifest.read(data);
});
