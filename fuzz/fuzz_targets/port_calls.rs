#![no_main]
//! The port_calls reader (`fleetwatch::readers::Reader::PortCalls`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::PortCalls.read(data);
});
