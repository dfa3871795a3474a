use serde::Deserialize;

use super::*;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "only decoded")]
struct Body {
    version: i32,
    #[serde(default)]
    fields: Inner,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "only decoded")]
struct Inner {
    #[serde(default)]
    amount: Option<i64>,
    #[serde(default)]
    items: Vec<String>,
}

fn amount_is_a_number(field: &str) -> Option<Problem> {
    (field == "amount").then_some(Problem::NotANumber)
}

fn refusal(json: &str) -> FieldError {
    parse_json_as::<Body>(json.as_bytes(), amount_is_a_number).expect_err("refused")
}

#[test]
fn a_json_body_is_refused_by_the_field_at_fault() {
    let named = |json: &str| {
        let e = refusal(json);
        (e.field, e.problem)
    };
    // A value of the wrong type, however deep: its own key, worded for it when the body says.
    assert_eq!(
        named(r#"{"version": 1, "fields": {"amount": "abc"}}"#),
        ("amount".into(), Problem::NotANumber)
    );
    assert_eq!(
        named(r#"{"version": 1, "fields": {"items": ["a", 2]}}"#),
        ("items".into(), Problem::NotAccepted)
    );
    assert_eq!(
        named(r#"{"version": "one"}"#),
        ("version".into(), Problem::NotAccepted)
    );
    // A name that is not there is refused as such, even one a level down knows.
    assert_eq!(
        named(r#"{"version": 1, "amount": 5}"#),
        ("amount".into(), Problem::NotAccepted)
    );
    assert_eq!(
        named(r#"{"version": 1, "fields": {"amout": 5}}"#),
        ("amout".into(), Problem::NotAccepted)
    );
    assert_eq!(
        named(r#"{"fields": {}}"#),
        ("version".into(), Problem::NotAccepted)
    );
    assert_eq!(
        named(r#"{"version": 1, "version": 2}"#),
        ("version".into(), Problem::NotAccepted)
    );
    // Broken JSON, or a key no field could have, names the body.
    assert_eq!(named("{"), ("body".into(), Problem::NotAccepted));
    assert_eq!(named("5"), ("body".into(), Problem::NotAccepted));
    assert_eq!(
        named(r#"{"version": 1, "fields": {"a b": 5}}"#),
        ("body".into(), Problem::NotAccepted)
    );
    // Without words of its own, a body's wrong value is not accepted.
    assert_eq!(
        parse_json::<Body>(br#"{"version": 1, "fields": {"amount": "abc"}}"#).expect_err("refused"),
        FieldError::new("amount", Problem::NotAccepted)
    );
}
