#![no_main]
//! The dma reader (`fleetwatch::readers::Reader::Dma`) on any bytes.

use fleetwatch::readers::Reader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Reader::Dma.read(data);
});
