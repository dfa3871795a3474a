//! The server's Ed25519 keys for documents of record, and the signature a PDF carries.
//!
//! Keys live in `DATA_DIR/signing/`, one file per key (its 32-byte seed), named by when it was
//! made and its id; the newest signs. `server signing-key rotate` adds a new one: documents
//! signed before keep naming the old key, which stays listed at
//! `/.well-known/auyl-signing-keys.json` so that they still verify. A key's id is the first 16
//! hex digits of the SHA-256 of its public key.
//!
//! The signature is the PDF's last line, a comment PDF readers ignore:
//! `%AUYL-SIGNATURE Ed25519 <key id> <signature, base64>` over every byte before that line. A
//! bank checks a PDF offline: split off the last line, verify the rest with the listed key.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Where a signature line starts.
pub const MARK: &str = "%AUYL-SIGNATURE Ed25519 ";

/// The public keys' address.
pub const KEYS_PATH: &str = "/.well-known/auyl-signing-keys.json";

/// One key.
pub struct Key {
    /// Its id.
    pub id: String,
    /// When it was made (from its file's name).
    pub made: String,
    key: SigningKey,
}

/// A public key as listed.
#[derive(Clone, Debug, Serialize)]
pub struct PublicKey {
    /// The id documents name.
    pub id: String,
    /// Always `Ed25519`.
    pub algorithm: &'static str,
    /// The 32-byte public key, base64.
    pub public_key: String,
    /// When it was made; the newest signs new documents.
    pub made: String,
}

/// The id of a public key.
pub fn key_id(public: &VerifyingKey) -> String {
    Sha256::digest(public.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("signing")
}

/// Every key, oldest first; a first one is made when there is none.
pub fn load(data_dir: &Path) -> std::io::Result<Vec<Key>> {
    let mut keys = read(data_dir)?;
    if keys.is_empty() {
        rotate(data_dir)?;
        keys = read(data_dir)?;
    }
    Ok(keys)
}

fn read(data_dir: &Path) -> std::io::Result<Vec<Key>> {
    let dir = dir(data_dir);
    let mut keys = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(keys);
    };
    for entry in entries {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = name.strip_suffix(".key") else {
            continue;
        };
        let seed: [u8; 32] = std::fs::read(&path)?
            .try_into()
            .map_err(|_| std::io::Error::other(format!("{name}: not a 32-byte key")))?;
        let key = SigningKey::from_bytes(&seed);
        keys.push(Key {
            id: key_id(&key.verifying_key()),
            made: stem.split('_').next().unwrap_or(stem).to_owned(),
            key,
        });
    }
    keys.sort_by(|a, b| a.made.cmp(&b.made).then(a.id.cmp(&b.id)));
    Ok(keys)
}

/// Makes a new key, which signs from now on; its id.
pub fn rotate(data_dir: &Path) -> std::io::Result<String> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| std::io::Error::other(e.to_string()))?;
    let key = SigningKey::from_bytes(&seed);
    let id = key_id(&key.verifying_key());
    let dir = dir(data_dir);
    std::fs::create_dir_all(&dir)?;
    let made = chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ");
    let path = dir.join(format!("{made}_{id}.key"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(&path)?, &seed)?;
    Ok(id)
}

/// The listed public keys.
pub fn public(keys: &[Key]) -> Vec<PublicKey> {
    keys.iter()
        .map(|k| PublicKey {
            id: k.id.clone(),
            algorithm: "Ed25519",
            public_key: STANDARD.encode(k.key.verifying_key().as_bytes()),
            made: k.made.clone(),
        })
        .collect()
}

/// `pdf` with its signature line, by the newest key.
pub fn sign(mut pdf: Vec<u8>, keys: &[Key]) -> Option<Vec<u8>> {
    let key = keys.last()?;
    // The signature is a line of its own: the body ends with a line break (signed with it).
    if pdf.last() != Some(&b'\n') {
        pdf.push(b'\n');
    }
    let signature = key.key.sign(&pdf);
    let line = format!(
        "{MARK}{} {}\n",
        key.id,
        STANDARD.encode(signature.to_bytes())
    );
    pdf.extend_from_slice(line.as_bytes());
    Some(pdf)
}

/// The key id of a signed PDF whose signature holds with that key among `keys` (id, public key
/// in base64): what a bank does offline.
pub fn verify(signed: &[u8], keys: &[(String, String)]) -> Option<String> {
    let body_end = signed[..signed.len().checked_sub(1)?]
        .iter()
        .rposition(|b| *b == b'\n')?
        + 1;
    let line = std::str::from_utf8(&signed[body_end..]).ok()?.trim_end();
    let rest = line.strip_prefix(MARK)?;
    let (id, sig) = rest.split_once(' ')?;
    let public = &keys.iter().find(|(k, _)| k == id)?.1;
    let public: [u8; 32] = STANDARD.decode(public).ok()?.try_into().ok()?;
    let sig: [u8; 64] = STANDARD.decode(sig).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&public)
        .ok()?
        .verify(&signed[..body_end], &Signature::from_bytes(&sig))
        .ok()?;
    Some(id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_pdf_verifies_with_its_listed_key_and_fails_after_one_byte_changes() {
        let dir = tempfile::tempdir().expect("dir");
        let keys = load(dir.path()).expect("a first key");
        assert_eq!(keys.len(), 1);
        let pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n".to_vec();
        let signed = sign(pdf.clone(), &keys).expect("signed");
        let listed: Vec<(String, String)> = public(&keys)
            .into_iter()
            .map(|k| (k.id, k.public_key))
            .collect();
        assert_eq!(verify(&signed, &listed), Some(keys[0].id.clone()));
        let mut changed = signed.clone();
        changed[10] ^= 1;
        assert_eq!(verify(&changed, &listed), None);

        // After a rotation the new key signs; the old one still verifies what it signed.
        let new = rotate(dir.path()).expect("rotated");
        let keys = load(dir.path()).expect("keys");
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[1].id, new);
        let listed: Vec<(String, String)> = public(&keys)
            .into_iter()
            .map(|k| (k.id, k.public_key))
            .collect();
        assert_eq!(verify(&signed, &listed), Some(keys[0].id.clone()));
        let again = sign(pdf, &keys).expect("signed");
        assert_eq!(verify(&again, &listed), Some(new));
    }
}
