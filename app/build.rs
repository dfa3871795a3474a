//! Gathers the interface's messages, one file per feature under `src/domain/i18n/messages/`,
//! into the single `Msg` enum that `domain::i18n` declares with its `messages!` macro. One enum
//! keeps every lookup a compile-time match (right for three fixed languages and the wasm
//! budget); the files keep each feature's texts where a translator finds them.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let dir = Path::new("src/domain/i18n/messages");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(dir)
        .expect("src/domain/i18n/messages is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "msg"))
        .collect();
    // Sorted, so the enum is the same on every machine.
    files.sort();
    let mut out = String::from("messages! {\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(path).expect("a message file is UTF-8 text");
        let _ = writeln!(out, "// {}\n{text}", path.display());
    }
    out.push_str("}\n");
    let target = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("messages.rs");
    fs::write(target, out).expect("OUT_DIR is writable");
}
