//! Query decoding, and how field errors are coded and worded.
use super::*;

#[test]
fn query_strings_decode_plus_percent_and_utf8() {
    let pairs = decode_query("q=%D0%BA%D0%B5%D2%A3+%D0%B4%D0%B0%D0%BB%D0%B0&kind=grant&&page")
        .expect("decodes");
    assert_eq!(
        pairs,
        [
            ("q".into(), "кең дала".into()),
            ("kind".into(), "grant".into()),
            ("page".into(), String::new())
        ]
    );
}

#[test]
fn invalid_utf8_names_the_field() {
    let err = decode_query("kind=grant&q=%FF%FE").expect_err("not UTF-8");
    assert_eq!(err, FieldError::new("q", Problem::Encoding));
    assert_eq!(err.code(), "invalid_encoding");
    assert!(
        err.message(Lang::Ru).contains("«q»"),
        "{}",
        err.message(Lang::Ru)
    );
    let err = decode_query("%C3%28=1").expect_err("bad name");
    assert_eq!(err.field, "query");
}

#[test]
fn stray_percent_signs_are_kept() {
    let pairs = decode_query("q=100%&r=%zz&s=%4").expect("decodes");
    assert_eq!(pairs[0].1, "100%");
    assert_eq!(pairs[1].1, "%zz");
    assert_eq!(pairs[2].1, "%4");
}

#[test]
fn encoding_round_trips() {
    for s in ["кең дала", "a&b=c+d", "100%", "", "ü"] {
        let encoded = encode_component(s);
        let decoded = decode_query(&format!("x={encoded}")).expect("decodes");
        let value = decoded.first().map(|p| p.1.clone()).unwrap_or_default();
        assert_eq!(value, s, "failed for {s:?}");
    }
}

#[test]
fn long_values_are_not_echoed_whole() {
    let err = FieldError::new("kind", Problem::UnknownKind("x".repeat(5000)));
    assert!(err.message(Lang::Ru).chars().count() < 100);
}
