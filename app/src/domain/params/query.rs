//! Query strings: decoding a form's or an address's pairs as browsers write them, and encoding
//! a value back.

use super::{FieldError, Problem};

/// Decodes an `application/x-www-form-urlencoded` string (a URL's query) into pairs, in order.
/// `+` is a space, `%XX` a byte; a `%` not followed by two hex digits is kept as written, as
/// browsers do. Decoded bytes that are not UTF-8 give [`Problem::Encoding`] for that field.
pub fn decode_query(raw: &str) -> Result<Vec<(String, String)>, FieldError> {
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = String::from_utf8(percent_decode(name))
                .map_err(|_| FieldError::new("query", Problem::Encoding))?;
            let value = String::from_utf8(percent_decode(value))
                .map_err(|_| FieldError::new(name.clone(), Problem::Encoding))?;
            Ok((name, value))
        })
        .collect()
}

fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Encodes a value for a URL query (the inverse of [`decode_query`] for one value).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
