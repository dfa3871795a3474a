//! The KATO directory's CSV, as loaded at first start: any text is rows or a line error.
#![no_main]

use app::domain::location::parse_kato_csv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_kato_csv(text);
    }
});
