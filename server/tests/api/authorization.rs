//! The authorization matrix: every server function, API route and page, called by every kind
//! of person, against what they may do. An endpoint the router serves without an entry here
//! fails the test, so nothing new ships without someone deciding who may use it.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use app::domain::account::{Login, Principal, Role, Scope};
use app::domain::location::KatoCode;
use app::ssr::db::accounts as q;
use app::ssr::security::new_token;
use app::ssr::services::accounts::{Caller, DEMO_PASSWORD};
use app::ssr::services::invitations;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};

use crate::helpers::{Browser, TestApp, spawn_app_with};

/// Everyone the matrix tries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Entrepreneur,
    OtherEntrepreneur,
    /// Akim of okrug 101033000 (Akmola region).
    Akim,
    /// Akimat staff of the same okrug.
    AkimatStaff,
    /// Akim of okrug 611633000 (Turkistan region).
    OtherAkim,
    /// An operator of Agrarian Credit Corporation.
    Operator,
    /// The organisation admin of Agrarian Credit Corporation.
    OrgAdmin,
    /// The organisation admin of Damu: an operator of another organisation.
    OtherOperator,
    Admin,
}

use Who::*;

const EVERYONE: [Who; 10] = [
    Anonymous,
    Entrepreneur,
    OtherEntrepreneur,
    Akim,
    AkimatStaff,
    OtherAkim,
    Operator,
    OrgAdmin,
    OtherOperator,
    Admin,
];

impl Who {
    /// The demo account of this person.
    fn login(self) -> Option<&'static str> {
        Some(match self {
            Anonymous => return None,
            Entrepreneur => "+77010000001",
            OtherEntrepreneur => "+77010000002",
            Akim => "+77010000003",
            AkimatStaff => "+77010000004",
            OtherAkim => "+77010000005",
            Operator => "operator@agrocredit.demo",
            OrgAdmin => "admin@agrocredit.demo",
            OtherOperator => "operator@damu.demo",
            Admin => "admin@auyl.demo",
        })
    }
}

/// What happened, as the person sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// It worked (2xx, or a redirect other than to the sign-in page).
    Allowed,
    /// Asked to sign in (401, or redirected to the sign-in page).
    SignIn,
    /// Refused (403), or told it does not exist (404) where saying more would leak.
    Refused,
    /// The input was refused (400) or the link is gone (410): reachable, not authorized away.
    Invalid,
}

use Outcome::*;

/// How an endpoint is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A server function: POST from the page's JavaScript.
    ServerFn,
    /// A route of the JSON API or health: GET.
    Route,
    /// A page: GET wanting HTML.
    Page,
}

/// What a call needs made fresh for it (a one-use link, a person to remove).
#[derive(Clone, Copy, Debug)]
enum Fresh {
    Nothing,
    /// A new invitation link (operator of Agrarian Credit).
    Invitation,
    /// A new reset link for the second entrepreneur.
    ResetLink,
    /// A new operator of Agrarian Credit.
    OperatorOfAgrocredit,
    /// A new akimat staff member of okrug 101033000.
    StaffOfOkrug,
    /// An empty draft of the first entrepreneur (to Auyl Amanaty leasing).
    Draft,
    /// A complete draft of the first entrepreneur (to the Auyl Amanaty repeat loan).
    Filled,
    /// A submitted application of the first entrepreneur (to Auyl Amanaty cooperatives).
    Submitted,
}

/// The values a call's fields are made from.
struct Ctx {
    who: Who,
    n: u32,
    /// A pending invitation to Agrarian Credit (which the matrix revokes).
    pending_id: i32,
    /// The link of another pending invitation (which nobody revokes).
    open_token: String,
    /// A pending invitation to okrug 101033000's akimat.
    okrug_pending_id: i32,
    /// What `Fresh` made: a token or a user id.
    fresh_token: String,
    fresh_user: i32,
    program_slug: String,
    /// A submitted application of the first entrepreneur, and a document of it.
    application: i32,
    document: i32,
}

impl Ctx {
    /// The version of a fresh application (carried as the fresh token).
    fn version(&self) -> &str {
        &self.fresh_token
    }
}

struct Case {
    kind: Kind,
    /// The endpoint as the router knows it (`/api/sign_in`, `/programs/{slug}`).
    endpoint: &'static str,
    /// What the case does, for failure messages.
    what: &'static str,
    fresh: Fresh,
    /// The fields (server functions) or the concrete path (routes and pages).
    args: fn(&Ctx) -> Vec<(&'static str, String)>,
    expect: fn(Who) -> Outcome,
}

fn none(_: &Ctx) -> Vec<(&'static str, String)> {
    Vec::new()
}

fn everyone(_: Who) -> Outcome {
    Allowed
}

fn signed_in(who: Who) -> Outcome {
    if who == Anonymous { SignIn } else { Allowed }
}

/// Entrepreneurs only: a profile is about one's own business.
fn entrepreneurs(who: Who) -> Outcome {
    only(who, &[Entrepreneur, OtherEntrepreneur])
}

/// Signed in and one of `allowed`; refused for others.
fn only(who: Who, allowed: &[Who]) -> Outcome {
    match who {
        Anonymous => SignIn,
        w if allowed.contains(&w) => Allowed,
        _ => Refused,
    }
}

/// Who may read an application of the first entrepreneur (okrug 101033000, a programme of
/// Agrarian Credit): its applicant, that okrug's akimat, the operator's staff, an admin.
fn readers(who: Who) -> Outcome {
    only(
        who,
        &[Entrepreneur, Akim, AkimatStaff, Operator, OrgAdmin, Admin],
    )
}

/// A JSON body for a server function that takes JSON.
fn json_body(v: serde_json::Value) -> Vec<(&'static str, String)> {
    vec![("json", v.to_string())]
}

fn path(p: &str) -> Vec<(&'static str, String)> {
    vec![("", p.to_owned())]
}

fn cases() -> Vec<Case> {
    use Kind::*;
    vec![
        // --- Server functions ---
        Case {
            kind: ServerFn,
            endpoint: "/api/search_programs",
            what: "search the catalogue",
            fresh: Fresh::Nothing,
            args: |_| vec![("query", "q=кредит".into())],
            expect: everyone,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/get_program",
            what: "read a programme",
            fresh: Fresh::Nothing,
            args: |c| vec![("slug", c.program_slug.clone())],
            expect: everyone,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/sign_up",
            what: "create an entrepreneur's account",
            fresh: Fresh::Nothing,
            args: |c| {
                vec![
                    ("name", "Тест Тестов".into()),
                    ("login", format!("matrix{}@example.kz", c.n)),
                    ("password", "matrix-password-1".into()),
                ]
            },
            expect: everyone,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/sign_in",
            what: "sign in",
            fresh: Fresh::Nothing,
            args: |c| {
                vec![
                    ("login", c.who.login().unwrap_or("+77010000002").into()),
                    ("password", DEMO_PASSWORD.into()),
                ]
            },
            expect: everyone,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/sign_out",
            what: "sign out",
            fresh: Fresh::Nothing,
            args: none,
            expect: everyone,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/change_password",
            what: "change one's password",
            fresh: Fresh::Nothing,
            args: |_| {
                vec![
                    ("current", DEMO_PASSWORD.into()),
                    ("password", DEMO_PASSWORD.into()),
                ]
            },
            expect: signed_in,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/request_reset",
            what: "ask for a reset link",
            fresh: Fresh::Nothing,
            args: |c| vec![("login", c.who.login().unwrap_or("+77010000001").into())],
            expect: everyone,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/reset_password",
            what: "use a reset link (whoever holds it)",
            fresh: Fresh::ResetLink,
            args: |c| {
                vec![
                    ("token", c.fresh_token.clone()),
                    ("password", DEMO_PASSWORD.into()),
                ]
            },
            expect: everyone,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/current_account",
            what: "read one's account",
            fresh: Fresh::Nothing,
            args: none,
            expect: signed_in,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/create_invitation",
            what: "invite an operator to Agrarian Credit",
            fresh: Fresh::Nothing,
            args: |_| invite("operator", "", "agrocredit"),
            expect: |w| only(w, &[OrgAdmin, Admin]),
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/create_invitation",
            what: "invite an organisation admin to Agrarian Credit",
            fresh: Fresh::Nothing,
            args: |_| invite("org_admin", "", "agrocredit"),
            expect: |w| only(w, &[OrgAdmin, Admin]),
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/create_invitation",
            what: "invite akimat staff to okrug 101033000",
            fresh: Fresh::Nothing,
            args: |_| invite("akimat_staff", "101033000", ""),
            expect: |w| only(w, &[Akim, Admin]),
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/create_invitation",
            what: "invite the akim of okrug 101033000",
            fresh: Fresh::Nothing,
            args: |_| invite("akim", "101033000", ""),
            expect: |w| only(w, &[Admin]),
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/create_invitation",
            what: "invite a platform admin",
            fresh: Fresh::Nothing,
            args: |_| invite("admin", "", ""),
            expect: |w| only(w, &[Admin]),
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/create_invitation",
            what: "invite an entrepreneur (they sign up themselves)",
            fresh: Fresh::Nothing,
            args: |_| invite("entrepreneur", "", ""),
            expect: |w| only(w, &[]),
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/revoke_invitation",
            what: "revoke an invitation to Agrarian Credit",
            fresh: Fresh::Nothing,
            args: |c| vec![("id", c.pending_id.to_string())],
            expect: |w| only(w, &[OrgAdmin, Admin]),
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/revoke_invitation",
            what: "revoke an invitation to okrug 101033000's akimat",
            fresh: Fresh::Nothing,
            args: |c| vec![("id", c.okrug_pending_id.to_string())],
            expect: |w| only(w, &[Akim, Admin]),
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/remove_staff",
            what: "remove an operator of Agrarian Credit",
            fresh: Fresh::OperatorOfAgrocredit,
            args: |c| vec![("user_id", c.fresh_user.to_string())],
            expect: |w| only(w, &[OrgAdmin, Admin]),
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/remove_staff",
            what: "remove akimat staff of okrug 101033000",
            fresh: Fresh::StaffOfOkrug,
            args: |c| vec![("user_id", c.fresh_user.to_string())],
            expect: |w| only(w, &[Akim, Admin]),
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/list_invitations",
            what: "list the invitations and staff of one's own scope",
            fresh: Fresh::Nothing,
            args: none,
            expect: |w| only(w, &[Akim, OtherAkim, OrgAdmin, OtherOperator, Admin]),
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/open_invitation",
            what: "see what an invitation link offers (whoever holds it)",
            fresh: Fresh::Nothing,
            args: |c| vec![("token", c.open_token.clone())],
            expect: everyone,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/accept_invitation",
            what: "accept an invitation link (whoever holds it)",
            fresh: Fresh::Invitation,
            args: |c| {
                vec![
                    ("token", c.fresh_token.clone()),
                    ("name", "Приглашённый".into()),
                    ("login", format!("invited{}@example.kz", c.n)),
                    ("password", "invited-password-1".into()),
                ]
            },
            expect: everyone,
        },
        // --- JSON API and health ---
        Case {
            kind: Route,
            endpoint: "/healthz",
            what: "health",
            fresh: Fresh::Nothing,
            args: |_| path("/healthz"),
            expect: everyone,
        },
        Case {
            kind: Route,
            endpoint: "/metrics",
            what: "metrics",
            fresh: Fresh::Nothing,
            args: |_| path("/metrics"),
            expect: everyone,
        },
        Case {
            kind: Route,
            endpoint: "/api/v1/openapi.json",
            what: "read the API's description",
            fresh: Fresh::Nothing,
            args: |_| path("/api/v1/openapi.json"),
            expect: everyone,
        },
        Case {
            kind: Route,
            endpoint: "/api/v1/programs",
            what: "search through the API",
            fresh: Fresh::Nothing,
            args: |_| path("/api/v1/programs?q=кредит"),
            expect: everyone,
        },
        Case {
            kind: Route,
            endpoint: "/api/v1/programs/{slug}",
            what: "read a programme through the API",
            fresh: Fresh::Nothing,
            args: |c| path(&format!("/api/v1/programs/{}", c.program_slug)),
            expect: everyone,
        },
        Case {
            kind: Route,
            endpoint: "/programs/{slug}/schedule.csv",
            what: "download a loan schedule",
            fresh: Fresh::Nothing,
            args: |_| {
                path("/programs/auyl-amanaty-microcredit/schedule.csv?amount=1000000&term=12")
            },
            expect: everyone,
        },
        Case {
            kind: Route,
            endpoint: "/api/v1/{*rest}",
            what: "an unknown API path",
            fresh: Fresh::Nothing,
            args: |_| path("/api/v1/nothing-here"),
            expect: |_| Refused,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/save_search",
            what: "follow a catalogue search",
            fresh: Fresh::Nothing,
            args: |_| vec![("kind", "search".into()), ("query", "sector=crop".into())],
            expect: signed_in,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/save_search",
            what: "follow one's matches",
            fresh: Fresh::Nothing,
            args: |_| vec![("kind", "matches".into()), ("query", String::new())],
            expect: entrepreneurs,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/unsubscribe",
            what: "unsubscribe from a saved search that is not one's own",
            fresh: Fresh::Nothing,
            args: |_| vec![("id", "999999".into())],
            expect: |w| if w == Anonymous { SignIn } else { Refused },
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/unsubscribe_link",
            what: "use an unsubscribe link (whoever holds it)",
            fresh: Fresh::Nothing,
            args: |_| vec![("token", "no-such-token".into())],
            expect: |_| Invalid,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/mark_notifications_read",
            what: "mark one's notifications read",
            fresh: Fresh::Nothing,
            args: none,
            expect: signed_in,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/my_alerts",
            what: "read one's notifications and subscriptions",
            fresh: Fresh::Nothing,
            args: none,
            expect: signed_in,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/keep_what_if",
            what: "keep a what-if's amount and sector in one's profile",
            fresh: Fresh::Nothing,
            args: |_| vec![("amount", "1000000".into()), ("sector", "crop".into())],
            expect: entrepreneurs,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/my_matches",
            what: "rank the programmes for one's profile",
            fresh: Fresh::Nothing,
            args: none,
            expect: entrepreneurs,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/profile_page",
            what: "read one's profile and search settlements",
            fresh: Fresh::Nothing,
            args: |_| vec![("place_q", "Шаян".into())],
            expect: entrepreneurs,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/my_fit",
            what: "see whether a programme fits (nothing for non-entrepreneurs)",
            fresh: Fresh::Nothing,
            args: |c| vec![("slug", c.program_slug.clone())],
            expect: everyone,
        },
        Case {
            kind: Route,
            endpoint: "/profile",
            what: "save one's profile (form post)",
            fresh: Fresh::Nothing,
            args: |_| {
                vec![
                    ("path", "/profile".into()),
                    ("form", "full_name=Test&sector=livestock".into()),
                ]
            },
            expect: entrepreneurs,
        },
        Case {
            kind: Route,
            endpoint: "/api/v1/eligibility",
            what: "rank programmes for a posted profile",
            fresh: Fresh::Nothing,
            args: |_| {
                vec![
                    ("path", "/api/v1/eligibility".into()),
                    ("json", r#"{"age": 34, "sector": "livestock"}"#.into()),
                ]
            },
            expect: everyone,
        },
        // --- Pages ---
        page("/", "the home page", |_| path("/"), everyone),
        page(
            "/programs",
            "the catalogue",
            |_| path("/programs"),
            everyone,
        ),
        page(
            "/programs/{slug}",
            "a programme",
            |c| path(&format!("/programs/{}", c.program_slug)),
            everyone,
        ),
        page("/sign-in", "sign-in", |_| path("/sign-in"), everyone),
        page("/sign-up", "sign-up", |_| path("/sign-up"), everyone),
        page(
            "/reset",
            "ask for a reset link",
            |_| path("/reset"),
            everyone,
        ),
        page(
            "/reset/{token}",
            "set a new password",
            |_| path("/reset/some-token"),
            everyone,
        ),
        page("/account", "one's account", |_| path("/account"), signed_in),
        page(
            "/notifications",
            "one's notifications",
            |_| path("/notifications"),
            signed_in,
        ),
        page(
            "/unsubscribe/{token}",
            "an e-mail's unsubscribe link",
            |_| path("/unsubscribe/some-token"),
            everyone,
        ),
        page(
            "/profile",
            "one's profile",
            |_| path("/profile"),
            entrepreneurs,
        ),
        page(
            "/matches",
            "one's matches",
            |_| path("/matches"),
            entrepreneurs,
        ),
        page(
            "/invitations",
            "invitations and staff",
            |_| path("/invitations"),
            |w| only(w, &[Akim, OtherAkim, OrgAdmin, OtherOperator, Admin]),
        ),
        page(
            "/invite/{token}",
            "an invitation link",
            |c| path(&format!("/invite/{}", c.open_token)),
            everyone,
        ),
        // --- Applications ---
        Case {
            kind: ServerFn,
            endpoint: "/api/application_page",
            what: "read an entrepreneur's submitted application",
            fresh: Fresh::Nothing,
            args: |c| vec![("id", c.application.to_string())],
            expect: readers,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/my_applications",
            what: "list one's applications",
            fresh: Fresh::Nothing,
            args: none,
            expect: signed_in,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/autosave_draft",
            what: "autosave the entrepreneur's draft",
            fresh: Fresh::Draft,
            args: |c| {
                json_body(serde_json::json!({
                    "id": c.fresh_user,
                    "version": c.version().parse::<i32>().unwrap_or_default(),
                    "fields": { "purpose": "Теплица" }
                }))
            },
            expect: |w| only(w, &[Entrepreneur]),
        },
        Case {
            kind: Route,
            endpoint: "/api/v1/applications",
            what: "list one's applications through the API",
            fresh: Fresh::Nothing,
            args: |_| path("/api/v1/applications"),
            expect: signed_in,
        },
        Case {
            kind: Route,
            endpoint: "/api/v1/applications",
            what: "open an application through the API",
            fresh: Fresh::Nothing,
            args: |_| {
                let mut a = path("/api/v1/applications");
                a.push(("json", r#"{"program":"auyl-amanaty-leasing"}"#.into()));
                a
            },
            expect: entrepreneurs,
        },
        Case {
            kind: Route,
            endpoint: "/api/v1/applications/{id}",
            what: "read an application through the API",
            fresh: Fresh::Nothing,
            args: |c| path(&format!("/api/v1/applications/{}", c.application)),
            expect: readers,
        },
        Case {
            kind: Route,
            endpoint: "/api/v1/applications/{id}",
            what: "update the entrepreneur's draft through the API",
            fresh: Fresh::Draft,
            args: |c| {
                let mut a = path(&format!("/api/v1/applications/{}", c.fresh_user));
                a.push((
                    "put",
                    format!(
                        r#"{{"version":{},"fields":{{"purpose":"Теплица"}}}}"#,
                        c.version()
                    ),
                ));
                a
            },
            expect: |w| only(w, &[Entrepreneur]),
        },
        Case {
            kind: Route,
            endpoint: "/api/v1/applications/{id}/documents",
            what: "attach a document to the entrepreneur's draft",
            fresh: Fresh::Draft,
            args: |c| {
                let mut a = path(&format!("/api/v1/applications/{}/documents", c.fresh_user));
                a.push(("multipart", String::new()));
                a
            },
            expect: |w| only(w, &[Entrepreneur]),
        },
        Case {
            kind: Route,
            endpoint: "/api/v1/applications/{id}/{verb}",
            what: "submit the entrepreneur's completed draft",
            fresh: Fresh::Filled,
            args: |c| {
                let mut a = path(&format!("/api/v1/applications/{}/submit", c.fresh_user));
                a.push(("json", format!(r#"{{"version":{}}}"#, c.version())));
                a
            },
            expect: |w| only(w, &[Entrepreneur]),
        },
        Case {
            kind: Route,
            endpoint: "/api/v1/applications/{id}/{verb}",
            what: "start reviewing a submitted application (Agrarian Credit's)",
            fresh: Fresh::Submitted,
            args: |c| {
                let mut a = path(&format!("/api/v1/applications/{}/steps", c.fresh_user));
                a.push((
                    "json",
                    format!(r#"{{"version":{},"step":"start_review"}}"#, c.version()),
                ));
                a
            },
            // The applicant reaches it but the step is not theirs: refused as input.
            expect: |w| match w {
                Entrepreneur => Invalid,
                w => only(w, &[Operator, OrgAdmin, Admin]),
            },
        },
        Case {
            kind: Route,
            endpoint: "/applications",
            what: "apply from a programme page (form)",
            fresh: Fresh::Nothing,
            args: |_| {
                let mut a = path("/applications");
                a.push(("form", "program=auyl-amanaty-leasing".into()));
                a
            },
            expect: entrepreneurs,
        },
        Case {
            kind: Route,
            endpoint: "/applications/{id}",
            what: "save the entrepreneur's draft (form)",
            fresh: Fresh::Draft,
            args: |c| {
                let mut a = path(&format!("/applications/{}", c.fresh_user));
                a.push((
                    "form",
                    format!(
                        "action=save&version={}&purpose=%D0%A2%D0%B5%D0%BF%D0%BB%D0%B8%D1%86%D0%B0",
                        c.version()
                    ),
                ));
                a
            },
            expect: |w| only(w, &[Entrepreneur]),
        },
        Case {
            kind: Route,
            endpoint: "/applications/{id}/documents/{doc}",
            what: "download a document of a submitted application",
            fresh: Fresh::Nothing,
            args: |c| {
                path(&format!(
                    "/applications/{}/documents/{}",
                    c.application, c.document
                ))
            },
            expect: readers,
        },
        page(
            "/applications",
            "one's applications",
            |_| path("/applications"),
            signed_in,
        ),
        page(
            "/applications/{id}",
            "an entrepreneur's submitted application",
            |c| path(&format!("/applications/{}", c.application)),
            readers,
        ),
        Case {
            kind: ServerFn,
            endpoint: "/api/akimat_queue",
            what: "the requests for a recommendation made to one's akimat",
            fresh: Fresh::Nothing,
            args: none,
            expect: |w| only(w, &[Akim, AkimatStaff, OtherAkim]),
        },
        page(
            "/akimat",
            "the akimat's workspace and queue of recommendation requests",
            |_| path("/akimat"),
            |w| only(w, &[Akim, AkimatStaff, OtherAkim]),
        ),
        // --- The operators' back office: each organisation's own staff ---
        Case {
            kind: ServerFn,
            endpoint: "/api/review_queue",
            what: "one's organisation's review queue",
            fresh: Fresh::Nothing,
            args: |_| vec![("query", "state=all".into())],
            expect: |w| only(w, &[Operator, OrgAdmin, OtherOperator]),
        },
        page(
            "/operator",
            "the review queue",
            |_| path("/operator"),
            |w| only(w, &[Operator, OrgAdmin, OtherOperator]),
        ),
        Case {
            kind: Route,
            endpoint: "/operator/queue.csv",
            what: "the review queue as CSV",
            fresh: Fresh::Nothing,
            args: |_| path("/operator/queue.csv?state=all"),
            expect: |w| only(w, &[Operator, OrgAdmin, OtherOperator]),
        },
        Case {
            kind: Route,
            endpoint: "/operator/assign",
            what: "assign a reviewer to an entrepreneur's submitted application",
            fresh: Fresh::Nothing,
            args: |c| {
                let mut a = path("/operator/assign");
                a.push(("form", format!("id={}&reviewer=0", c.application)));
                a
            },
            expect: |w| only(w, &[Operator, OrgAdmin]),
        },
        Case {
            kind: Route,
            endpoint: "/applications/{id}",
            what: "a private note on an entrepreneur's submitted application (form)",
            fresh: Fresh::Nothing,
            args: |c| {
                let mut a = path(&format!("/applications/{}", c.application));
                a.push(("form", "action=note&version=0&note=%D0%9F%D0%BE%D0%B7%D0%B2%D0%BE%D0%BD%D0%B8%D1%82%D1%8C".into()));
                a
            },
            expect: |w| only(w, &[Operator, OrgAdmin]),
        },
        // --- The programme editor: an organisation's staff for its programmes; admins too ---
        Case {
            kind: ServerFn,
            endpoint: "/api/my_programmes",
            what: "one's organisation's programmes",
            fresh: Fresh::Nothing,
            args: none,
            expect: |w| only(w, &[Operator, OrgAdmin, OtherOperator]),
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/programme_editor",
            what: "the editor of an Agrarian Credit programme",
            fresh: Fresh::Nothing,
            args: |_| vec![("slug", "auyl-amanaty-microcredit".into())],
            expect: |w| only(w, &[Operator, OrgAdmin, Admin]),
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/criteria_preview",
            what: "count the profiles some criteria admit (a count, no one's data)",
            fresh: Fresh::Nothing,
            args: |_| vec![("query", "c_age=on&c_age_min=18".into())],
            expect: |w| only(w, &[Operator, OrgAdmin, OtherOperator, Admin]),
        },
        page(
            "/operator/programs",
            "one's organisation's programmes",
            |_| path("/operator/programs"),
            |w| only(w, &[Operator, OrgAdmin, OtherOperator]),
        ),
        page(
            "/operator/programs/{slug}",
            "the editor of an Agrarian Credit programme",
            |_| path("/operator/programs/auyl-amanaty-microcredit"),
            |w| only(w, &[Operator, OrgAdmin, Admin]),
        ),
        Case {
            kind: Route,
            endpoint: "/operator/programs",
            what: "create a programme (an incomplete form: refused by field)",
            fresh: Fresh::Nothing,
            args: |_| {
                let mut a = path("/operator/programs");
                a.push(("form", "action=save&slug=novaya".into()));
                a
            },
            expect: |w| only(w, &[Operator, OrgAdmin, OtherOperator]),
        },
        Case {
            kind: Route,
            endpoint: "/operator/programs/{slug}",
            what: "change an Agrarian Credit programme's status (to an unknown one: refused by field)",
            fresh: Fresh::Nothing,
            args: |_| {
                let mut a = path("/operator/programs/auyl-amanaty-microcredit");
                a.push(("form", "action=status&status=bogus".into()));
                a
            },
            expect: |w| only(w, &[Operator, OrgAdmin, Admin]),
        },
        // --- Assisted filing: akimat staff, for residents of their own okrug ---
        Case {
            kind: ServerFn,
            endpoint: "/api/assist_options",
            what: "the settlements and programmes of the assisted-filing form",
            fresh: Fresh::Nothing,
            args: none,
            expect: |w| only(w, &[Akim, AkimatStaff, OtherAkim]),
        },
        Case {
            kind: Route,
            endpoint: "/akimat/assist",
            what: "send a resident a consent code (the assisted-filing form)",
            fresh: Fresh::Nothing,
            args: |_| {
                let mut a = path("/akimat/assist");
                a.push(("form", "action=send_code&phone=%2B77019998877".into()));
                a
            },
            expect: |w| only(w, &[Akim, AkimatStaff, OtherAkim]),
        },
        page(
            "/akimat/assist",
            "the assisted-filing form",
            |_| path("/akimat/assist"),
            |w| only(w, &[Akim, AkimatStaff, OtherAkim]),
        ),
        // --- Okrug reports: public; the workspace is the akimat's own okrug only ---
        Case {
            kind: ServerFn,
            endpoint: "/api/okrug_workspace",
            what: "the workspace of one's own okrug (another okrug's akim gets their own)",
            fresh: Fresh::Nothing,
            args: none,
            expect: |w| only(w, &[Akim, AkimatStaff, OtherAkim]),
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/area_report",
            what: "an okrug's public report",
            fresh: Fresh::Nothing,
            args: |_| vec![("area", "101033000".into())],
            expect: everyone,
        },
        Case {
            kind: ServerFn,
            endpoint: "/api/find_areas",
            what: "find an okrug by name",
            fresh: Fresh::Nothing,
            args: |_| vec![("q", "Абралы".into())],
            expect: everyone,
        },
        Case {
            kind: Route,
            endpoint: "/okrugs/{area}/{file}",
            what: "an okrug report's open data",
            fresh: Fresh::Nothing,
            args: |_| path("/okrugs/101033000/data.csv"),
            expect: everyone,
        },
        Case {
            kind: Route,
            endpoint: "/api/v1/reports/{area}",
            what: "a region's report through the API",
            fresh: Fresh::Nothing,
            args: |_| path("/api/v1/reports/100000000"),
            expect: everyone,
        },
        page(
            "/okrugs",
            "the country's report and the okrug picker",
            |_| path("/okrugs?q=Абралы"),
            everyone,
        ),
        page(
            "/okrugs/{kato}",
            "an okrug's public report",
            |_| path("/okrugs/101033000"),
            everyone,
        ),
        page(
            "/okrugs/open-data",
            "the open data schema",
            |_| path("/okrugs/open-data"),
            everyone,
        ),
    ]
}

fn invite(role: &str, okrug: &str, organisation: &str) -> Vec<(&'static str, String)> {
    vec![
        ("role", role.into()),
        ("okrug", okrug.into()),
        ("organisation", organisation.into()),
        ("note", String::new()),
    ]
}

fn page(
    endpoint: &'static str,
    what: &'static str,
    args: fn(&Ctx) -> Vec<(&'static str, String)>,
    expect: fn(Who) -> Outcome,
) -> Case {
    Case {
        kind: Kind::Page,
        endpoint,
        what,
        fresh: Fresh::Nothing,
        args,
        expect,
    }
}

/// What the router serves: server functions, routes and pages.
fn served() -> BTreeSet<(Kind, String)> {
    let mut all = BTreeSet::new();
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        all.insert((Kind::ServerFn, path.to_owned()));
    }
    for (path, _) in server::routes() {
        all.insert((Kind::Route, path.to_owned()));
    }
    for route in leptos_axum::generate_route_list(app::App) {
        all.insert((Kind::Page, route.path().to_owned()));
    }
    all
}

/// A browser of `who` with a session of its own (made directly, so that the matrix does not
/// spend sign-in attempts) and its own client address (so that rate limits do not interfere).
async fn browser_of(app: &TestApp, who: Who, n: u32) -> Browser {
    let mut headers = HeaderMap::new();
    let ip = format!("10.{}.{}.{}", n / 65536 % 256, n / 256 % 256, n % 256);
    headers.insert(
        "x-forwarded-for",
        HeaderValue::from_str(&ip).expect("header"),
    );
    let jar = Arc::new(reqwest::cookie::Jar::default());
    if let Some(login) = who.login() {
        let user = user(app, login).await;
        let (token, hash) = new_token().expect("token");
        q::insert_session(
            &app.state.db,
            hash,
            user.user_id,
            Utc::now() + Duration::hours(1),
        )
        .await
        .expect("session");
        let url = app.address.parse().expect("url");
        jar.add_cookie_str(&format!("auyl_session={token}; Path=/"), &url);
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_provider(jar)
        .default_headers(headers)
        .build()
        .expect("client");
    Browser {
        address: app.address.clone(),
        client,
    }
}

async fn user(app: &TestApp, login: &str) -> Principal {
    let login = Login::parse("login", login).expect("login");
    let model = q::user_by_login(&app.state.db, &login)
        .await
        .expect("query")
        .expect("demo account exists");
    q::principal(&model).expect("active")
}

async fn caller(app: &TestApp, who: Who) -> Caller {
    Caller {
        principal: Some(user(app, who.login().expect("signed in")).await),
        ..Caller::default()
    }
}

/// Makes what a call needs fresh: (token, user id).
async fn make_fresh(app: &TestApp, fresh: Fresh, n: u32) -> (String, i32) {
    let db = &app.state.db;
    match fresh {
        Fresh::Nothing => (String::new(), 0),
        Fresh::Invitation => {
            let admin = caller(app, Admin).await;
            let (token, _) = invitations::create(db, &admin, "operator", "", "agrocredit", "")
                .await
                .expect("invitation");
            (token, 0)
        }
        Fresh::ResetLink => {
            let target = user(app, "+77010000002").await;
            let (token, hash) = new_token().expect("token");
            q::insert_reset(db, hash, target.user_id, Utc::now() + Duration::hours(1))
                .await
                .expect("reset link");
            (token, 0)
        }
        Fresh::Draft | Fresh::Filled | Fresh::Submitted => {
            let slug = match fresh {
                Fresh::Draft => "auyl-amanaty-leasing",
                Fresh::Filled => "auyl-amanaty-repeat-loan",
                _ => "auyl-amanaty-coop-processing",
            };
            let (id, version) = fresh_application(app, slug, fresh).await;
            (version.to_string(), id)
        }
        Fresh::OperatorOfAgrocredit | Fresh::StaffOfOkrug => {
            let (role, scope) = match fresh {
                Fresh::OperatorOfAgrocredit => {
                    let org = user(app, "operator@agrocredit.demo").await.scope;
                    (Role::Operator, org)
                }
                _ => (
                    Role::AkimatStaff,
                    Scope::Okrug(KatoCode::parse("101033000").expect("okrug")),
                ),
            };
            let login = Login::parse("login", &format!("staff{n}@example.kz")).expect("login");
            let id = q::insert_user(
                db,
                q::NewUser {
                    login: &login,
                    password_hash: "not-a-hash".into(),
                    display_name: "Сотрудник",
                    role,
                    scope: &scope,
                    demo: false,
                },
            )
            .await
            .expect("staff member");
            (String::new(), id)
        }
    }
}

/// The fields of a complete application.
fn complete_fields() -> Vec<(String, String)> {
    [
        ("amount", "1000000"),
        ("term", "24"),
        ("purpose", "Покупка скота"),
        ("plan_activity", "Откорм бычков"),
        ("plan_costs", "1200000"),
        ("plan_revenue", "1800000"),
        ("plan_jobs", "1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// A new application of the first entrepreneur to `slug` (an earlier open one is withdrawn),
/// as `fresh` asks: (id, version).
async fn fresh_application(app: &TestApp, slug: &str, fresh: Fresh) -> (i32, i32) {
    use app::domain::application::Step;
    use app::ssr::services::applications::{self as service, Notifier, StepInput};
    let db = &app.state.db;
    let who = user(app, "+77010000001").await;
    let today = app.state.config.today();
    let notifier = Notifier {
        mailer: &app::ssr::mail::LogMailer,
        public_url: "http://127.0.0.1",
    };
    let id = service::open(db, Some(&who), slug, today)
        .await
        .expect("opens");
    let view = service::view(db, Some(&who), id, today)
        .await
        .expect("view");
    if view.summary.state != app::domain::application::State::Draft {
        service::step(
            db,
            &notifier,
            Some(&who),
            id,
            view.summary.version,
            Step::Withdraw,
            &StepInput::default(),
            today,
        )
        .await
        .expect("withdraws the earlier one");
        return Box::pin(fresh_application(app, slug, fresh)).await;
    }
    let mut version = view.summary.version;
    if matches!(fresh, Fresh::Filled | Fresh::Submitted) {
        version = service::save_draft(db, Some(&who), id, version, &complete_fields())
            .await
            .expect("fills in");
    }
    if matches!(fresh, Fresh::Submitted) {
        version = service::step(
            db,
            &notifier,
            Some(&who),
            id,
            version,
            Step::Submit,
            &StepInput::default(),
            today,
        )
        .await
        .expect("submits");
    }
    (id, version)
}

fn outcome_of(kind: Kind, status: StatusCode, location: Option<&str>) -> Option<Outcome> {
    let to_sign_in = location.is_some_and(|l| l.starts_with("/sign-in"));
    Some(match status.as_u16() {
        401 => SignIn,
        302 | 303 if kind != Kind::ServerFn && to_sign_in => SignIn,
        200..=399 => Allowed,
        403 | 404 => Refused,
        400 | 410 => Invalid,
        _ => return None,
    })
}

#[tokio::test]
async fn every_endpoint_answers_every_kind_of_person_as_the_policy_says() {
    // Each call comes from its own address; only this test trusts X-Forwarded-For.
    let app = spawn_app_with(|c| c.trust_proxy = true).await;
    let cases = cases();

    let covered: BTreeSet<(Kind, String)> = cases
        .iter()
        .map(|c| (c.kind, c.endpoint.to_owned()))
        .collect();
    let served = served();
    let missing: Vec<_> = served.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "endpoints without a matrix entry (decide who may use them): {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "matrix entries for nothing served: {stale:?}"
    );

    let admin = caller(&app, Admin).await;
    let db = &app.state.db;
    let (_, pending_id) = invitations::create(db, &admin, "operator", "", "agrocredit", "matrix")
        .await
        .expect("invitation");
    let (open_token, _) = invitations::create(db, &admin, "operator", "", "damu", "matrix")
        .await
        .expect("invitation");
    let (_, okrug_pending_id) =
        invitations::create(db, &admin, "akimat_staff", "101033000", "", "matrix")
            .await
            .expect("invitation");
    let (_, programs) = app.get_json("/api/v1/programs").await;
    let program_slug = programs["hits"][0]["slug"]
        .as_str()
        .expect("a programme")
        .to_owned();

    // A submitted application of the first entrepreneur, whose settlement is in okrug
    // 101033000, to a programme of Agrarian Credit, with a document.
    let applicant = user(&app, "+77010000001").await;
    app::ssr::services::profiles::save(
        db,
        Some(&applicant),
        &[("settlement".into(), "101033100".into())],
        app.state.config.today(),
    )
    .await
    .expect("profile");
    let (application, version) =
        fresh_application(&app, "auyl-amanaty-microcredit", Fresh::Filled).await;
    let document = app::ssr::services::applications::attach(
        db,
        &app.state.config.uploads_dir(),
        Some(&applicant),
        application,
        Some(0),
        "pasport.pdf",
        b"%PDF-1.4\n%%EOF\n",
        app.state.config.today(),
    )
    .await
    .expect("document")
    .id;
    app::ssr::services::applications::step(
        db,
        &app::ssr::services::applications::Notifier {
            mailer: &app::ssr::mail::LogMailer,
            public_url: "http://127.0.0.1",
        },
        Some(&applicant),
        application,
        version,
        app::domain::application::Step::Submit,
        &app::ssr::services::applications::StepInput::default(),
        app.state.config.today(),
    )
    .await
    .expect("submits");

    let counter = AtomicU32::new(1);
    let mut failures = Vec::new();
    let mut calls = 0;
    for case in &cases {
        for who in EVERYONE {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let (fresh_token, fresh_user) = make_fresh(&app, case.fresh, n).await;
            let ctx = Ctx {
                who,
                n,
                pending_id,
                open_token: open_token.clone(),
                okrug_pending_id,
                fresh_token,
                fresh_user,
                program_slug: program_slug.clone(),
                application,
                document,
            };
            let args = (case.args)(&ctx);
            let browser = browser_of(&app, who, n).await;
            let response = match case.kind {
                Kind::ServerFn => {
                    let request = browser
                        .client
                        .post(format!("{}{}", app.address, case.endpoint))
                        .header("origin", &app.address);
                    match args.first() {
                        Some(("json", body)) => {
                            request
                                .header("content-type", "application/json")
                                .body(body.clone())
                                .send()
                                .await
                        }
                        _ => request.form(&args).send().await,
                    }
                }
                Kind::Route | Kind::Page => {
                    let at = args
                        .first()
                        .map_or(case.endpoint.to_owned(), |(_, p)| p.clone());
                    // A second argument makes it a POST: a form body or a JSON body.
                    let url = format!("{}{at}", app.address);
                    let mut request = match args.get(1) {
                        Some(("put", body)) => browser
                            .client
                            .put(url)
                            .header("origin", &app.address)
                            .header("content-type", "application/json")
                            .body(body.clone()),
                        Some(("multipart", _)) => browser
                            .client
                            .post(url)
                            .header("origin", &app.address)
                            .multipart(
                                reqwest::multipart::Form::new().text("slot", "0").part(
                                    "document",
                                    reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec())
                                        .file_name("doc.pdf"),
                                ),
                            ),
                        Some(("form", body)) => browser
                            .client
                            .post(url)
                            .header("origin", &app.address)
                            .header("content-type", "application/x-www-form-urlencoded")
                            .body(body.clone()),
                        Some((_, body)) => browser
                            .client
                            .post(url)
                            .header("origin", &app.address)
                            .header("content-type", "application/json")
                            .body(body.clone()),
                        None => browser.client.get(url),
                    };
                    if case.kind == Kind::Page {
                        request = request.header("accept", "text/html");
                    }
                    request.send().await
                }
            }
            .expect("request is sent");
            calls += 1;
            let status = response.status();
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let got = outcome_of(case.kind, status, location.as_deref());
            let expected = (case.expect)(who);
            if got != Some(expected) {
                let body = response.text().await.unwrap_or_default();
                failures.push(format!(
                    "{} ({}) as {who:?}: expected {expected:?}, got {status} {:?} {}",
                    case.endpoint,
                    case.what,
                    location,
                    body.chars().take(200).collect::<String>()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {calls} calls went against the policy:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
