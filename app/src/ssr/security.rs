//! Secrets: password hashing (argon2id, with a bound on concurrent hashes) and the random tokens
//! of sessions, reset links and invitations (only their SHA-256 is stored).

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use super::config::Hashing;
use super::services::ServiceError;

/// Hashes and verifies passwords. At most `concurrent` hashes run at once (each takes
/// `memory_kib` of memory); further requests wait their turn instead of exhausting memory.
pub struct PasswordHasher {
    params: Hashing,
    permits: Arc<Semaphore>,
    /// A hash of a random password, verified against when an account does not exist, so that
    /// a failed sign-in takes as long whether or not the account exists.
    decoy: String,
}

fn argon2(h: Hashing) -> Result<Argon2<'static>, ServiceError> {
    let params = Params::new(h.memory_kib, h.iterations, 1, None)
        .map_err(|e| ServiceError::Hashing(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn salt() -> Result<SaltString, ServiceError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| ServiceError::Hashing(e.to_string()))?;
    SaltString::encode_b64(&bytes).map_err(|e| ServiceError::Hashing(e.to_string()))
}

fn hash_blocking(h: Hashing, password: &str) -> Result<String, ServiceError> {
    Ok(argon2(h)?
        .hash_password(password.as_bytes(), &salt()?)
        .map_err(|e| ServiceError::Hashing(e.to_string()))?
        .to_string())
}

impl PasswordHasher {
    /// A hasher with these costs.
    pub fn new(params: Hashing) -> Result<PasswordHasher, ServiceError> {
        let (decoy_password, _) = new_token()?;
        let decoy = hash_blocking(params, &decoy_password)?;
        Ok(PasswordHasher {
            params,
            permits: Arc::new(Semaphore::new(params.concurrent.max(1))),
            decoy,
        })
    }

    /// The argon2id PHC string of `password`.
    pub async fn hash(&self, password: &str) -> Result<String, ServiceError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ServiceError::Hashing(e.to_string()))?;
        let (params, password) = (self.params, password.to_owned());
        tokio::task::spawn_blocking(move || hash_blocking(params, &password))
            .await
            .map_err(|e| ServiceError::Hashing(e.to_string()))?
    }

    /// Whether `password` matches `hash` (the decoy when `hash` is `None`, which never matches).
    /// The parameters come from the hash itself, so old hashes keep verifying after a change.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, ServiceError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ServiceError::Hashing(e.to_string()))?;
        let real = hash.is_some();
        let (stored, password) = (hash.unwrap_or(&self.decoy).to_owned(), password.to_owned());
        let matches = tokio::task::spawn_blocking(move || {
            let parsed =
                PasswordHash::new(&stored).map_err(|e| ServiceError::Hashing(e.to_string()))?;
            Ok::<_, ServiceError>(
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok(),
            )
        })
        .await
        .map_err(|e| ServiceError::Hashing(e.to_string()))??;
        Ok(real && matches)
    }
}

/// A new random token (256 bits, URL-safe) and the hash to store for it.
pub fn new_token() -> Result<(String, String), ServiceError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ServiceError::Hashing(e.to_string()))?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    Ok((token, hash))
}

/// Six random digits: a code a person reads from an SMS.
pub fn six_digits() -> Result<String, ServiceError> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| ServiceError::Hashing(e.to_string()))?;
    Ok(format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000))
}

/// The stored form of a code sent to `phone` for `purpose`. A six-digit code's hash can be
/// reversed by trying a million codes; it is stored hashed all the same so that a copy of the
/// database does not hand out live codes at a glance, and it lives ten minutes.
pub fn code_hash(phone: &str, purpose: &str, code: &str) -> String {
    token_hash(&format!("{phone}:{purpose}:{code}"))
}

/// Hex SHA-256 of `bytes`: what names an uploaded file and a request's body.
pub fn bytes_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The stored form of a token: hex SHA-256. A token is random and long, so a fast hash is
/// enough; the point is that a leaked table cannot be replayed as cookies or links.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: Hashing = Hashing {
        memory_kib: 256,
        iterations: 1,
        concurrent: 2,
    };

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let hasher = PasswordHasher::new(CHEAP).expect("hasher");
        let hash = hasher.hash("correct horse battery").await.expect("hashes");
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        assert!(
            hasher
                .verify("correct horse battery", Some(&hash))
                .await
                .expect("verifies")
        );
        assert!(
            !hasher
                .verify("correct horse batterY", Some(&hash))
                .await
                .expect("verifies")
        );
        assert!(
            !hasher.verify("anything", None).await.expect("verifies"),
            "no account never matches"
        );
        assert_ne!(
            hash,
            hasher.hash("correct horse battery").await.expect("hashes"),
            "salted"
        );
    }

    #[test]
    fn owasp_parameters_are_the_service_default() {
        assert_eq!(
            (Hashing::OWASP.memory_kib, Hashing::OWASP.iterations),
            (19_456, 2)
        );
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, hash) = new_token().expect("token");
        let (b, _) = new_token().expect("token");
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash, token_hash(&a));
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&a));
    }
}
