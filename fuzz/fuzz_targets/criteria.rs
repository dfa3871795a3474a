//! A programme's stored eligibility criteria (JSON): any text decodes to valid criteria or is
//! refused; what decodes is written back the same way (the editor saves what it reads).
#![no_main]

use app::domain::criteria::decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(criteria) = decode(json) {
        let written = serde_json::to_string(&criteria).expect("criteria serialize");
        let again = decode(&written).expect("written criteria decode");
        assert_eq!(again, criteria, "{json}");
    }
});
