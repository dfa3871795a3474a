//! The site's own static files under `/pkg`: the stylesheet, the JavaScript and the wasm.
//!
//! A release build (`cargo leptos build --release --precompress`, see the Makefile) writes them
//! with a content hash in their names (`auyl.<hash>.wasm`, listed in `hash.txt` beside the server
//! binary) and beside each a brotli and a gzip copy compressed once at the highest level. They
//! are served as they are (no compression per request) and cached for a year: a new build has new
//! names, so a returning villager downloads only what changed. A build without hashes (tests, a
//! plain `cargo build`) gets the same files with `no-cache`, so a stale copy is never used.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use tower_http::services::ServeDir;

/// The cache lifetime of hashed files: a year, never revalidated.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Files without a hash in their name are revalidated on every use.
pub const REVALIDATE: &str = "no-cache";

/// `hash.txt`, where cargo-leptos writes the hashes of the file names, beside `exe`.
pub fn hash_file(exe: &Path) -> Option<PathBuf> {
    let file = exe.parent()?.join("hash.txt");
    file.is_file().then_some(file)
}

/// Whether this server's files have hashed names (a `hash.txt` beside the running binary).
pub fn hashed() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| hash_file(&exe))
        .is_some()
}

/// The router under `/pkg`: the precompressed copy the browser accepts, with the cache lifetime
/// the names allow. Only a file found gets a lifetime (a miss must not be kept for a year by a
/// proxy), and every answer varies by `Accept-Encoding`, since the same address gives brotli,
/// gzip or the plain file.
pub fn pkg(site_root: &str, pkg_dir: &str, hashed: bool) -> Router {
    let dir = Path::new(site_root).join(pkg_dir);
    let found = HeaderValue::from_static(if hashed { IMMUTABLE } else { REVALIDATE });
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(axum::middleware::map_response(
            move |mut response: Response| {
                let found = found.clone();
                async move {
                    let cache = if response.status().is_success()
                        || response.status() == StatusCode::NOT_MODIFIED
                    {
                        found
                    } else {
                        HeaderValue::from_static("no-store")
                    };
                    let headers = response.headers_mut();
                    headers.insert(header::CACHE_CONTROL, cache);
                    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
                    response
                }
            },
        ))
}

#[cfg(test)]
mod tests {
    use axum::body::{Body, to_bytes};
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    /// A site with one hashed stylesheet and its two precompressed copies.
    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let pkg = dir.path().join("pkg");
        std::fs::create_dir_all(&pkg).expect("pkg");
        std::fs::write(pkg.join("auyl.abc123.css"), "body{}").expect("css");
        std::fs::write(pkg.join("auyl.abc123.css.br"), "BROTLI").expect("br");
        std::fs::write(pkg.join("auyl.abc123.css.gz"), "GZIP").expect("gz");
        dir
    }

    async fn get(
        router: Router,
        accept: Option<&str>,
    ) -> (StatusCode, Vec<(String, String)>, String) {
        fetch(router, "/auyl.abc123.css", accept).await
    }

    async fn fetch(
        router: Router,
        path: &str,
        accept: Option<&str>,
    ) -> (StatusCode, Vec<(String, String)>, String) {
        let mut request = Request::get(path);
        if let Some(accept) = accept {
            request = request.header(header::ACCEPT_ENCODING, accept);
        }
        let response = router
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("answers");
        let status = response.status();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        let body = to_bytes(response.into_body(), 1 << 20).await.expect("body");
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    #[tokio::test]
    async fn hashed_files_go_out_precompressed_and_cached_for_a_year() {
        let dir = site();
        let root = dir.path().to_str().expect("utf-8");

        let (status, headers, body) = get(pkg(root, "pkg", true), Some("gzip, deflate, br")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, "BROTLI", "the copy compressed at build time");
        assert_eq!(header(&headers, "content-encoding"), Some("br"));
        assert_eq!(header(&headers, "content-type"), Some("text/css"));
        assert_eq!(header(&headers, "cache-control"), Some(IMMUTABLE));
        assert_eq!(
            header(&headers, "vary"),
            Some("accept-encoding"),
            "for shared caches"
        );

        let (_, headers, body) = get(pkg(root, "pkg", true), Some("gzip")).await;
        assert_eq!(
            (body.as_str(), header(&headers, "content-encoding")),
            ("GZIP", Some("gzip"))
        );

        let (_, headers, body) = get(pkg(root, "pkg", true), None).await;
        assert_eq!(
            body, "body{}",
            "a client that accepts no compression gets the file itself"
        );
        assert_eq!(header(&headers, "content-encoding"), None);

        let (status, headers, _) = fetch(pkg(root, "pkg", true), "/auyl.ffffff.css", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            header(&headers, "cache-control"),
            Some("no-store"),
            "a miss (a half-deployed build) is never kept"
        );

        let (_, headers, _) = get(pkg(root, "pkg", false), Some("br")).await;
        assert_eq!(
            header(&headers, "cache-control"),
            Some(REVALIDATE),
            "names without a hash may change content: never cached blindly"
        );
    }

    #[test]
    fn the_hash_file_is_looked_for_beside_the_binary() {
        let dir = tempfile::tempdir().expect("temp dir");
        let exe = dir.path().join("server");
        assert_eq!(hash_file(&exe), None);
        std::fs::write(dir.path().join("hash.txt"), "js: a\nwasm: b\ncss: c\n").expect("write");
        assert_eq!(hash_file(&exe), Some(dir.path().join("hash.txt")));
    }
}
