//! Public report pages and the catalogue page served like files. A report changes only when an
//! okrug's figures are recomputed or a programme changes, the catalogue only when a programme
//! changes, yet each visitor used to get them rendered and compressed anew; a report's link
//! shared in a village's chat group brings many visitors at once. So, for a visitor who is not
//! signed in:
//!
//! - the page carries an `ETag` made from what it is made of (a report: every okrug's computed
//!   figures and the search outbox's position, for programme names; the catalogue: the position
//!   the embedded index has applied), the date, the build, the address and the language, and a
//!   phone that already has it gets `304 Not Modified` without anything being rendered;
//! - the first visitor's page is kept, compressed once (brotli and gzip), and later visitors get
//!   those bytes as long as the `ETag` holds.
//!
//! What is kept is never personal: a request with any cookie other than the language's (a
//! session above all) goes straight to the app, and so does an answer that sets a cookie or is
//! not a plain 200 page, or a search answered by a fallback. While an okrug waits for its
//! figures to be recomputed, or the index for a programme's change, nothing is kept: the page
//! then answers as it is. With Meilisearch the catalogue is not kept (this instance does not know
//! what Meilisearch has applied).
//!
//! A kept page cannot carry a fresh script nonce per answer, so its Content-Security-Policy
//! allows its inline scripts by their SHA-256 hashes instead (computed when it is kept): only
//! those exact scripts run, as with a nonce, and nothing injected does.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

use app::ssr::state::AppState;

/// The largest page kept; a report is about 20 KiB, a catalogue page about 60.
const MAX_PAGE: usize = 1024 * 1024;
/// Pages kept at most (addresses × languages), and their bytes at most (each page plain, in
/// brotli and in gzip): any search address can be asked for, so past either bound every page is
/// dropped and the pages asked for again are kept anew.
const MAX_PAGES: usize = 4096;
const MAX_BYTES: usize = 64 * 1024 * 1024;

/// The pages kept by one app instance.
#[derive(Clone)]
pub struct PageCache {
    app: AppState,
    pages: Arc<Mutex<Store>>,
    /// Changes with every build: a new build's pages name new script and style files.
    build: u64,
}

impl PageCache {
    pub fn new(app: AppState, build: &str) -> PageCache {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (env!("CARGO_PKG_VERSION"), build).hash(&mut h);
        PageCache {
            app,
            pages: Arc::new(Mutex::new(Store::default())),
            build: h.finish(),
        }
    }
}

/// The kept pages and their size.
#[derive(Default)]
struct Store {
    pages: HashMap<String, Arc<Kept>>,
    bytes: usize,
}

impl Store {
    fn keep(&mut self, key: String, page: Arc<Kept>) {
        if let Some(old) = self.pages.remove(&key) {
            self.bytes -= old.size();
        }
        if self.pages.len() >= MAX_PAGES || self.bytes + page.size() > MAX_BYTES {
            self.pages.clear();
            self.bytes = 0;
        }
        self.bytes += page.size();
        self.pages.insert(key, page);
    }
}

/// One kept page.
struct Kept {
    etag: String,
    content_type: HeaderValue,
    csp: HeaderValue,
    plain: Bytes,
    br: Bytes,
    gzip: Bytes,
}

#[derive(Clone, Copy)]
enum Encoding {
    Br,
    Gzip,
    Identity,
}

impl Encoding {
    fn of(headers: &HeaderMap) -> Encoding {
        let accepted = |name: &str| {
            headers
                .get_all(header::ACCEPT_ENCODING)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .any(|e| {
                    let mut parts = e.split(';').map(str::trim);
                    parts.next() == Some(name) && !parts.any(|p| p.replace(' ', "") == "q=0")
                })
        };
        if accepted("br") {
            Encoding::Br
        } else if accepted("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
}

/// The pages kept, by what they are made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `/okrugs`, `/okrugs/{area}`, `/okrugs/open-data`: the okrugs' figures.
    Report,
    /// `/programs` (with any search in its address): the catalogue as indexed.
    Catalogue,
}

fn kind(path: &str) -> Option<Kind> {
    if path == "/programs" {
        return Some(Kind::Catalogue);
    }
    let report = match path.strip_prefix("/okrugs") {
        Some("") => true,
        Some(rest) => rest
            .strip_prefix('/')
            .is_some_and(|area| !area.is_empty() && !area.contains('/')),
        None => false,
    };
    report.then_some(Kind::Report)
}

/// What the pages of `kind` are made of now; `None`: do not keep or validate them now.
async fn version(cache: &PageCache, kind: Kind) -> Option<String> {
    let app = &cache.app;
    let version = match kind {
        Kind::Report => app::ssr::services::reports::version(&app.db).await,
        Kind::Catalogue => {
            app::ssr::services::catalog::version(
                &app.db,
                &*app.indexes.embedded,
                app.indexes.meili.is_some(),
            )
            .await
        }
    };
    version.ok().flatten()
}

/// Whether the request carries nothing personal: no cookie but the language's.
fn anonymous(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .all(|v| match v.to_str() {
            Ok(cookies) => cookies
                .split(';')
                .map(str::trim)
                .all(|c| c.is_empty() || c.starts_with("lang=")),
            Err(_) => false,
        })
}

/// The middleware (see the top of the file).
pub async fn reports(State(cache): State<PageCache>, req: Request, next: Next) -> Response {
    let kind = kind(req.uri().path());
    let Some(kind) = kind.filter(|_| req.method() == Method::GET && anonymous(req.headers()))
    else {
        return next.run(req).await;
    };
    // Figures or an index on their way, or the database unreachable: the app answers as it
    // would.
    let Some(version) = version(&cache, kind).await else {
        return next.run(req).await;
    };
    let lang = app::ssr::lang_of(req.headers(), req.uri().query());
    let key = format!("{}|{}", lang.code(), req.uri());
    let etag = {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&version, cache.app.config.today(), cache.build, &key).hash(&mut h);
        format!("\"r{:016x}\"", h.finish())
    };
    let encoding = Encoding::of(req.headers());
    // A 304 carries the kept page's policy: the browser puts a 304's headers on the copy it
    // has, and a 304 without one would get the policy that allows nothing (`guard::headers`),
    // leaving the page without its styles and scripts. So only a kept page answers 304; without
    // one the page is made and kept first.
    let revalidating = matches(req.headers(), &etag);
    let kept = cache
        .pages
        .lock()
        .ok()
        .and_then(|store| store.pages.get(&key).cloned())
        .filter(|k| k.etag == etag);
    if let Some(kept) = kept {
        return kept.answer(encoding, revalidating);
    }
    let res = next.run(req).await;
    let plain = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && !res
            .headers()
            .contains_key(app::ssr::search::DEGRADED_HEADER)
        && !res.headers().contains_key(header::CONTENT_ENCODING)
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    if !plain {
        return res;
    }
    let (parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_PAGE).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "a report page could not be read to be kept");
            return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
        }
    };
    let Some(kept) = Kept::new(etag, &parts.headers, bytes.clone()) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let kept = Arc::new(kept);
    if let Ok(mut store) = cache.pages.lock() {
        store.keep(key, kept.clone());
    }
    kept.answer(encoding, revalidating)
}

/// Whether `If-None-Match` names `etag` (or `*`).
fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

/// Every visitor asks again (`no-cache`) and gets a 304 while the page holds; the same address
/// differs by language (cookie or `Accept-Language`) and encoding.
fn validators(h: &mut HeaderMap, etag: &str) {
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::VARY,
        HeaderValue::from_static("accept-encoding, accept-language, cookie"),
    );
}

impl Kept {
    fn new(etag: String, headers: &HeaderMap, plain: Bytes) -> Option<Kept> {
        let html = std::str::from_utf8(&plain).ok()?;
        let csp = headers
            .get(header::CONTENT_SECURITY_POLICY)?
            .to_str()
            .ok()?;
        let csp = HeaderValue::from_str(&hashed_policy(csp, html)?).ok()?;
        let br = {
            let mut out = Vec::new();
            {
                let mut w = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
                w.write_all(&plain).ok()?;
            }
            out
        };
        let gzip = {
            let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            w.write_all(&plain).ok()?;
            w.finish().ok()?
        };
        Some(Kept {
            etag,
            content_type: headers.get(header::CONTENT_TYPE)?.clone(),
            csp,
            plain,
            br: br.into(),
            gzip: gzip.into(),
        })
    }

    fn size(&self) -> usize {
        self.plain.len() + self.br.len() + self.gzip.len()
    }

    /// The page, or `304 Not Modified` with the page's headers when the browser has it.
    fn answer(&self, encoding: Encoding, revalidating: bool) -> Response {
        if !revalidating {
            return self.respond(encoding);
        }
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        let h = res.headers_mut();
        h.insert(header::CONTENT_SECURITY_POLICY, self.csp.clone());
        validators(h, &self.etag);
        res
    }

    fn respond(&self, encoding: Encoding) -> Response {
        let (body, coding) = match encoding {
            Encoding::Br => (self.br.clone(), Some("br")),
            Encoding::Gzip => (self.gzip.clone(), Some("gzip")),
            Encoding::Identity => (self.plain.clone(), None),
        };
        let mut res = Response::new(Body::from(body));
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, self.content_type.clone());
        h.insert(header::CONTENT_SECURITY_POLICY, self.csp.clone());
        if let Some(c) = coding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
        }
        validators(h, &self.etag);
        res
    }
}

/// `policy` with its script nonce replaced by the hashes of the page's inline scripts; `None`
/// if the policy has no nonce to replace (then the page is not kept).
fn hashed_policy(policy: &str, html: &str) -> Option<String> {
    let nonce = policy
        .split_whitespace()
        .find(|s| s.starts_with("'nonce-"))?
        .to_owned();
    let hashes: Vec<String> = inline_scripts(html)
        .map(|s| {
            let digest = Sha256::digest(s.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    Some(policy.replace(&nonce, &hashes.join(" ")))
}

/// The text of each `<script>` without a `src`, as the browser hashes it.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices("<script").filter_map(move |(at, _)| {
        let rest = &html[at..];
        let open_end = rest.find('>')?;
        if rest[..open_end].contains(" src=") {
            return None;
        }
        let body = &rest[open_end + 1..];
        let end = body.find("</script>")?;
        Some(&body[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_report_and_catalogue_pages_are_kept() {
        for path in [
            "/okrugs",
            "/okrugs/kz",
            "/okrugs/101033000",
            "/okrugs/open-data",
        ] {
            assert_eq!(kind(path), Some(Kind::Report), "{path}");
        }
        assert_eq!(kind("/programs"), Some(Kind::Catalogue));
        for path in [
            "/okrugs/101033000/figures.csv",
            "/okrugsx",
            "/okrugs/",
            "/programs/auyl-amanaty",
            "/",
        ] {
            assert_eq!(kind(path), None, "{path}");
        }
    }

    #[test]
    fn the_kept_pages_stay_within_their_bytes() {
        let page = |n: usize| {
            Arc::new(Kept {
                etag: String::new(),
                content_type: HeaderValue::from_static("text/html"),
                csp: HeaderValue::from_static("default-src 'none'"),
                plain: Bytes::from(vec![b'x'; n]),
                br: Bytes::new(),
                gzip: Bytes::new(),
            })
        };
        let mut store = Store::default();
        store.keep("a".into(), page(MAX_BYTES / 2));
        store.keep("a".into(), page(MAX_BYTES / 2));
        assert_eq!(
            (store.pages.len(), store.bytes),
            (1, MAX_BYTES / 2),
            "replaced, not added"
        );
        store.keep("b".into(), page(MAX_BYTES / 2));
        assert_eq!(store.pages.len(), 2);
        store.keep("c".into(), page(1));
        assert_eq!(
            (store.pages.len(), store.bytes),
            (1, 1),
            "past the bound, all dropped"
        );
    }

    #[test]
    fn a_session_or_any_other_cookie_is_personal() {
        let with = |cookie: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                header::COOKIE,
                HeaderValue::from_str(cookie).expect("header"),
            );
            anonymous(&h)
        };
        assert!(anonymous(&HeaderMap::new()));
        assert!(with("lang=kk"));
        assert!(!with("lang=kk; auyl_session=abc"));
        assert!(!with("auyl_session=abc"));
        assert!(!with("invite=xyz"));
    }

    #[test]
    fn the_policy_names_each_inline_script_by_its_hash() {
        let html = "<script type=\"module\" nonce=\"n1\">run()</script><script src=\"/pkg/a.js\" nonce=\"n1\"></script><script nonce=\"n1\">x=1;</script>";
        let policy = hashed_policy("script-src 'self' 'nonce-n1' 'wasm-unsafe-eval'", html)
            .expect("a nonce to replace");
        let hash = |s: &str| {
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
            )
        };
        assert_eq!(
            policy,
            format!(
                "script-src 'self' {} {} 'wasm-unsafe-eval'",
                hash("run()"),
                hash("x=1;")
            )
        );
        assert_eq!(hashed_policy("script-src 'self'", html), None);
    }

    #[test]
    fn the_encoding_is_the_best_one_accepted() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(v).expect("header"),
            );
            Encoding::of(&h)
        };
        assert!(matches!(with("gzip, deflate, br"), Encoding::Br));
        assert!(matches!(with("gzip"), Encoding::Gzip));
        assert!(matches!(with("br;q=0, gzip"), Encoding::Gzip));
        assert!(matches!(with("identity"), Encoding::Identity));
        assert!(matches!(
            Encoding::of(&HeaderMap::new()),
            Encoding::Identity
        ));
    }
}
