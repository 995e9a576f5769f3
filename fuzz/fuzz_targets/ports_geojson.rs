#![no_main]
//! The ports_geojson reader (`fleetwatch::readers::Reader::PortsGeojson`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::PortsGeojson.read(data);
});
