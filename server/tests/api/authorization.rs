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
    /// An SMS the outbox gave up on (its id as the fresh token).
    FailedMessage,
    /// An SMS waiting until tomorrow (its id as the fresh token).
    WaitingMessage,
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
    /// The code of its filing receipt.
    receipt: String,
    /// The first entrepreneur's complaint about Agrarian Credit's handling of it.
    complaint: i32,
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

/// The matrix: one line per endpoint and call — kind, endpoint, what it does, what it needs
/// made fresh, its arguments, and who may.
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use Fresh::*;
    use Kind::*;
    vec![
        // --- Server functions ---
        case(ServerFn, "/api/search_programs", "search the catalogue", Nothing, |_| vec![("query", "q=кредит".into())], everyone),
        case(ServerFn, "/api/get_program", "read a programme", Nothing, |c| vec![("slug", c.program_slug.clone())], everyone),
        case(ServerFn, "/api/sign_up", "create an entrepreneur's account", Nothing, |c| vec![("name", "Тест Тестов".into()), ("login", format!("matrix{}@example.kz", c.n)), ("password", "matrix-password-1".into())], everyone),
        case(ServerFn, "/api/sign_in", "sign in", Nothing, |c| vec![("login", c.who.login().unwrap_or("+77010000002").into()), ("password", DEMO_PASSWORD.into())], everyone),
        case(ServerFn, "/api/sign_out", "sign out", Nothing, none, everyone),
        case(ServerFn, "/api/change_password", "change one's password", Nothing, |_| vec![("current", DEMO_PASSWORD.into()), ("password", DEMO_PASSWORD.into())], signed_in),
        case(ServerFn, "/api/request_reset", "ask for a reset link", Nothing, |c| vec![("login", c.who.login().unwrap_or("+77010000001").into())], everyone),
        case(ServerFn, "/api/reset_password", "use a reset link (whoever holds it)", ResetLink, |c| vec![("token", c.fresh_token.clone()), ("password", DEMO_PASSWORD.into())], everyone),
        case(ServerFn, "/api/reset_with_code", "set a password with a code from an SMS (whoever holds it)", Nothing, |_| vec![("login", "+77010000001".into()), ("code", "000000".into()), ("password", DEMO_PASSWORD.into())], |_| Invalid),
        case(ServerFn, "/api/verify_phone", "prove one's phone with a code", Nothing, |_| vec![("code", "000000".into())], signed_in),
        case(ServerFn, "/api/resend_phone_code", "ask for another code for one's phone", Nothing, none, signed_in),
        case(ServerFn, "/api/choose_alerts", "choose which alerts reach one, per channel", Nothing, |_| vec![("in_app", "on".into()), ("by_message", "on".into())], signed_in),
        case(ServerFn, "/api/current_account", "read one's account", Nothing, none, signed_in),
        case(ServerFn, "/api/create_invitation", "invite an operator to Agrarian Credit", Nothing, |_| invite("operator", "", "agrocredit"), |w| only(w, &[OrgAdmin, Admin])),
        case(ServerFn, "/api/create_invitation", "invite an organisation admin to Agrarian Credit", Nothing, |_| invite("org_admin", "", "agrocredit"), |w| only(w, &[OrgAdmin, Admin])),
        case(ServerFn, "/api/create_invitation", "invite akimat staff to okrug 101033000", Nothing, |_| invite("akimat_staff", "101033000", ""), |w| only(w, &[Akim, Admin])),
        case(ServerFn, "/api/create_invitation", "invite the akim of okrug 101033000", Nothing, |_| invite("akim", "101033000", ""), |w| only(w, &[Admin])),
        case(ServerFn, "/api/create_invitation", "invite a platform admin", Nothing, |_| invite("admin", "", ""), |w| only(w, &[Admin])),
        case(ServerFn, "/api/create_invitation", "invite an entrepreneur (they sign up themselves)", Nothing, |_| invite("entrepreneur", "", ""), |w| only(w, &[])),
        case(ServerFn, "/api/revoke_invitation", "revoke an invitation to Agrarian Credit", Nothing, |c| vec![("id", c.pending_id.to_string())], |w| only(w, &[OrgAdmin, Admin])),
        case(ServerFn, "/api/revoke_invitation", "revoke an invitation to okrug 101033000's akimat", Nothing, |c| vec![("id", c.okrug_pending_id.to_string())], |w| only(w, &[Akim, Admin])),
        case(ServerFn, "/api/remove_staff", "remove an operator of Agrarian Credit", OperatorOfAgrocredit, |c| vec![("user_id", c.fresh_user.to_string())], |w| only(w, &[OrgAdmin, Admin])),
        case(ServerFn, "/api/remove_staff", "remove akimat staff of okrug 101033000", StaffOfOkrug, |c| vec![("user_id", c.fresh_user.to_string())], |w| only(w, &[Akim, Admin])),
        case(ServerFn, "/api/list_invitations", "list the invitations and staff of one's own scope", Nothing, none, |w| only(w, &[Akim, OtherAkim, OrgAdmin, OtherOperator, Admin])),
        case(ServerFn, "/api/open_invitation", "see what an invitation link offers (whoever holds it)", Nothing, |c| vec![("token", c.open_token.clone())], everyone),
        case(ServerFn, "/api/accept_invitation", "accept an invitation link (whoever holds it)", Invitation, |c| vec![("token", c.fresh_token.clone()), ("name", "Приглашённый".into()), ("login", format!("invited{}@example.kz", c.n)), ("password", "invited-password-1".into())], everyone),
        // --- JSON API and health ---
        case(Route, "/healthz", "health", Nothing, |_| path("/healthz"), everyone),
        case(Route, "/metrics", "metrics", Nothing, |_| path("/metrics"), everyone),
        case(Route, "/api/v1/openapi.json", "read the API's description", Nothing, |_| path("/api/v1/openapi.json"), everyone),
        case(Route, "/api/v1/programs", "search through the API", Nothing, |_| path("/api/v1/programs?q=кредит"), everyone),
        case(Route, "/api/v1/programs/{slug}", "read a programme through the API", Nothing, |c| path(&format!("/api/v1/programs/{}", c.program_slug)), everyone),
        case(Route, "/programs/{slug}/schedule.csv", "download a loan schedule", Nothing, |_| { path("/programs/auyl-amanaty-microcredit/schedule.csv?amount=1000000&term=12") }, everyone),
        case(Route, "/api/v1/{*rest}", "an unknown API path", Nothing, |_| path("/api/v1/nothing-here"), |_| Refused),
        case(ServerFn, "/api/save_search", "follow a catalogue search", Nothing, |_| vec![("kind", "search".into()), ("query", "sector=crop".into())], signed_in),
        case(ServerFn, "/api/save_search", "follow one's matches", Nothing, |_| vec![("kind", "matches".into()), ("query", String::new())], entrepreneurs),
        case(ServerFn, "/api/unsubscribe", "unsubscribe from a saved search that is not one's own", Nothing, |_| vec![("id", "999999".into())], |w| if w == Anonymous { SignIn } else { Refused }),
        case(ServerFn, "/api/unsubscribe_link", "use an unsubscribe link (whoever holds it)", Nothing, |_| vec![("token", "no-such-token".into())], |_| Invalid),
        case(ServerFn, "/api/mark_notifications_read", "mark one's notifications read", Nothing, none, signed_in),
        case(ServerFn, "/api/my_alerts", "read one's notifications and subscriptions", Nothing, none, signed_in),
        case(ServerFn, "/api/keep_what_if", "keep a what-if's amount and sector in one's profile", Nothing, |_| vec![("amount", "1000000".into()), ("sector", "crop".into())], entrepreneurs),
        case(ServerFn, "/api/my_matches", "rank the programmes for one's profile", Nothing, none, entrepreneurs),
        case(ServerFn, "/api/profile_page", "read one's profile and search settlements", Nothing, |_| vec![("place_q", "Шаян".into())], entrepreneurs),
        case(ServerFn, "/api/my_fit", "see whether a programme fits (nothing for non-entrepreneurs)", Nothing, |c| vec![("slug", c.program_slug.clone())], everyone),
        case(Route, "/profile", "save one's profile (form post)", Nothing, |_| vec![("path", "/profile".into()), ("form", "full_name=Test&sector=livestock".into())], entrepreneurs),
        case(Route, "/unsubscribe/{token}", "one-click unsubscribe from a mail client (RFC 8058; an unknown token)", Nothing, |_| { let mut a = path("/unsubscribe/no-such-token"); a.push(("form", "List-Unsubscribe=One-Click".into())); a }, |_| Invalid),
        case(Route, "/api/v1/eligibility", "rank programmes for a posted profile", Nothing, |_| { vec![("path", "/api/v1/eligibility".into()), ("json", r#"{"age": 34, "sector": "livestock"}"#.into())] }, everyone),
        // --- Pages ---
        page("/", "the home page", |_| path("/"), everyone),
        page("/programs", "the catalogue", |_| path("/programs"), everyone),
        page("/programs/{slug}", "a programme", |c| path(&format!("/programs/{}", c.program_slug)), everyone),
        page("/sign-in", "sign-in", |_| path("/sign-in"), everyone),
        page("/sign-up", "sign-up", |_| path("/sign-up"), everyone),
        page("/reset", "ask for a reset link", |_| path("/reset"), everyone),
        page("/reset/{token}", "set a new password", |_| path("/reset/some-token"), everyone),
        page("/account", "one's account", |_| path("/account"), signed_in),
        page("/notifications", "one's notifications", |_| path("/notifications"), signed_in),
        page("/unsubscribe/{token}", "an e-mail's unsubscribe link", |_| path("/unsubscribe/some-token"), everyone),
        page("/profile", "one's profile", |_| path("/profile"), entrepreneurs),
        page("/matches", "one's matches", |_| path("/matches"), entrepreneurs),
        page("/invitations", "invitations and staff", |_| path("/invitations"), |w| only(w, &[Akim, OtherAkim, OrgAdmin, OtherOperator, Admin])),
        page("/invite/{token}", "an invitation link", |c| path(&format!("/invite/{}", c.open_token)), everyone),
        // --- Applications ---
        case(ServerFn, "/api/application_page", "read an entrepreneur's submitted application", Nothing, |c| vec![("id", c.application.to_string())], readers),
        // The thread's new messages: whoever sits in it (the akimat only once asked, which this one was not; an admin reads).
        case(ServerFn, "/api/thread_since", "the new messages of an entrepreneur's submitted application", Nothing, |c| vec![("id", c.application.to_string()), ("after", "0".into())], |w| only(w, &[Entrepreneur, Operator, OrgAdmin, Admin])),
        case(Route, "/applications/{id}", "remove a ready answer of the programme (an unknown one: refused by field)", Nothing, |c| { let mut a = path(&format!("/applications/{}", c.application)); a.push(("form", "action=delete_reply&version=0&reply_id=999999".into())); a }, |w| only(w, &[Operator, OrgAdmin])),
        case(ServerFn, "/api/my_applications", "list one's applications", Nothing, none, signed_in),
        case(ServerFn, "/api/autosave_draft", "autosave the entrepreneur's draft", Draft, |c| { json_body(serde_json::json!({ "id": c.fresh_user, "version": c.version().parse::<i32>().unwrap_or_default(), "fields": { "purpose": "Теплица" } })) }, |w| only(w, &[Entrepreneur])),
        case(Route, "/api/v1/applications", "list one's applications through the API", Nothing, |_| path("/api/v1/applications"), signed_in),
        case(Route, "/api/v1/applications", "open an application through the API", Nothing, |_| { let mut a = path("/api/v1/applications"); a.push(("json", r#"{"program":"auyl-amanaty-leasing"}"#.into())); a }, entrepreneurs),
        case(Route, "/api/v1/applications/{id}", "read an application through the API", Nothing, |c| path(&format!("/api/v1/applications/{}", c.application)), readers),
        case(Route, "/api/v1/applications/{id}", "update the entrepreneur's draft through the API", Draft, |c| { let mut a = path(&format!("/api/v1/applications/{}", c.fresh_user)); a.push(("put", format!(r#"{{"version":{},"fields":{{"purpose":"Теплица"}}}}"#, c.version()))); a }, |w| only(w, &[Entrepreneur])),
        case(Route, "/api/v1/applications/{id}/documents", "attach a document to the entrepreneur's draft", Draft, |c| { let mut a = path(&format!("/api/v1/applications/{}/documents", c.fresh_user)); a.push(("multipart", String::new())); a }, |w| only(w, &[Entrepreneur])),
        case(Route, "/api/v1/applications/{id}/{verb}", "submit the entrepreneur's completed draft", Filled, |c| { let mut a = path(&format!("/api/v1/applications/{}/submit", c.fresh_user)); a.push(("json", format!(r#"{{"version":{}}}"#, c.version()))); a }, |w| only(w, &[Entrepreneur])),
        // The applicant reaches it but the step is not theirs: refused as input.
        case(Route, "/api/v1/applications/{id}/{verb}", "start reviewing a submitted application (Agrarian Credit's)", Submitted, |c| { let mut a = path(&format!("/api/v1/applications/{}/steps", c.fresh_user)); a.push(("json", format!(r#"{{"version":{},"step":"start_review"}}"#, c.version()))); a }, |w| match w { Entrepreneur => Invalid, w => only(w, &[Operator, OrgAdmin, Admin]), }),
        case(Route, "/applications", "apply from a programme page (form)", Nothing, |_| { let mut a = path("/applications"); a.push(("form", "program=auyl-amanaty-leasing".into())); a }, entrepreneurs),
        case(Route, "/applications/{id}", "save the entrepreneur's draft (form)", Draft, |c| { let mut a = path(&format!("/applications/{}", c.fresh_user)); a.push(("form", format!("action=save&version={}&purpose=%D0%A2%D0%B5%D0%BF%D0%BB%D0%B8%D1%86%D0%B0", c.version()))); a }, |w| only(w, &[Entrepreneur])),
        // The thread: its applicant and the operator's staff (the akimat once asked, which this one was not); an admin reads and does not write.
        case(Route, "/applications/{id}", "write in the thread of an entrepreneur's submitted application (form)", Nothing, |c| { let mut a = path(&format!("/applications/{}", c.application)); a.push(("form", "action=write_message&version=0&message=%D0%92%D0%BE%D0%BF%D1%80%D0%BE%D1%81".into())); a }, |w| only(w, &[Entrepreneur, Operator, OrgAdmin])),
        // Appeals: the applicant files (this one is not refused: refused by field), the operator's staff decide (none open: refused by field), the akimat supports only what it recommended (this one it did not).
        case(Route, "/applications/{id}", "appeal an entrepreneur's application (not refused)", Nothing, |c| { let mut a = path(&format!("/applications/{}", c.application)); a.push(("form", "action=appeal&version=0&appeal_reasons=%D0%9D%D0%B5%D1%81%D0%BE%D0%B3%D0%BB%D0%B0%D1%81%D0%B5%D0%BD".into())); a }, |w| only(w, &[Entrepreneur])),
        case(Route, "/applications/{id}", "decide an appeal on an entrepreneur's application (none open)", Nothing, |c| { let mut a = path(&format!("/applications/{}", c.application)); a.push(("form", "action=decide_appeal&version=0&appeal_outcome=upheld&appeal_answer=%D0%9D%D0%B5%D1%82".into())); a }, |w| only(w, &[Operator, OrgAdmin])),
        case(Route, "/applications/{id}", "support an appeal of an application the akimat did not recommend", Nothing, |c| { let mut a = path(&format!("/applications/{}", c.application)); a.push(("form", "action=support_appeal&version=0&appeal_support=%D0%94%D0%B0".into())); a }, |w| only(w, &[])),
        case(Route, "/applications/{id}/documents/{doc}", "download a document of a submitted application", Nothing, |c| { path(&format!("/applications/{}/documents/{}", c.application, c.document)) }, readers),
        page("/applications", "one's applications", |_| path("/applications"), signed_in),
        // Documents of record: printed and downloaded by those who read the application; checked by anyone (rate limited).
        page("/records/{code}", "the printable receipt of an entrepreneur's submitted application", |c| path(&format!("/records/{}", c.receipt)), readers),
        case(ServerFn, "/api/record_sheet", "the receipt of an entrepreneur's submitted application", Nothing, |c| vec![("code", c.receipt.clone())], readers),
        case(Route, "/records/{code}/pdf", "the receipt of an entrepreneur's submitted application as a signed PDF", Nothing, |c| path(&format!("/records/{}/pdf", c.receipt)), readers),
        case(Route, "/.well-known/auyl-signing-keys.json", "the public keys documents are signed with", Nothing, |_| path("/.well-known/auyl-signing-keys.json"), everyone),
        page("/verify", "the form to check a document by its code", |_| path("/verify"), everyone),
        page("/verify/{code}", "check a document by its code", |c| path(&format!("/verify/{}", c.receipt)), everyone),
        case(ServerFn, "/api/verify_record", "check a document by its code", Nothing, |c| vec![("code", c.receipt.clone())], everyone),
        page("/applications/{id}", "an entrepreneur's submitted application", |c| path(&format!("/applications/{}", c.application)), readers),
        case(ServerFn, "/api/akimat_queue", "the requests for a recommendation made to one's akimat", Nothing, none, |w| only(w, &[Akim, AkimatStaff, OtherAkim])),
        page("/akimat", "the akimat's workspace and queue of recommendation requests", |_| path("/akimat"), |w| only(w, &[Akim, AkimatStaff, OtherAkim])),
        // --- The operators' back office: each organisation's own staff ---
        case(ServerFn, "/api/review_queue", "one's organisation's review queue", Nothing, |_| vec![("query", "state=all".into())], |w| only(w, &[Operator, OrgAdmin, OtherOperator])),
        page("/operator", "the review queue", |_| path("/operator"), |w| only(w, &[Operator, OrgAdmin, OtherOperator])),
        case(Route, "/operator/queue.csv", "the review queue as CSV", Nothing, |_| path("/operator/queue.csv?state=all"), |w| only(w, &[Operator, OrgAdmin, OtherOperator])),
        case(Route, "/operator/assign", "assign a reviewer to an entrepreneur's submitted application", Nothing, |c| { let mut a = path("/operator/assign"); a.push(("form", format!("id={}&reviewer=0", c.application))); a }, |w| only(w, &[Operator, OrgAdmin])),
        case(Route, "/applications/{id}", "a private note on an entrepreneur's submitted application (form)", Nothing, |c| { let mut a = path(&format!("/applications/{}", c.application)); a.push(("form", "action=note&version=0&note=%D0%9F%D0%BE%D0%B7%D0%B2%D0%BE%D0%BD%D0%B8%D1%82%D1%8C".into())); a }, |w| only(w, &[Operator, OrgAdmin])),
        // --- The programme editor: an organisation's staff for its programmes; admins too ---
        case(ServerFn, "/api/my_programmes", "one's organisation's programmes", Nothing, none, |w| only(w, &[Operator, OrgAdmin, OtherOperator])),
        case(ServerFn, "/api/programme_editor", "the editor of an Agrarian Credit programme", Nothing, |_| vec![("slug", "auyl-amanaty-microcredit".into())], |w| only(w, &[Operator, OrgAdmin, Admin])),
        case(ServerFn, "/api/criteria_preview", "count the profiles some criteria admit (a count, no one's data)", Nothing, |_| vec![("query", "c_age=on&c_age_min=18".into())], |w| only(w, &[Operator, OrgAdmin, OtherOperator, Admin])),
        page("/operator/programs", "one's organisation's programmes", |_| path("/operator/programs"), |w| only(w, &[Operator, OrgAdmin, OtherOperator])),
        page("/operator/programs/{slug}", "the editor of an Agrarian Credit programme", |_| path("/operator/programs/auyl-amanaty-microcredit"), |w| only(w, &[Operator, OrgAdmin, Admin])),
        case(Route, "/operator/programs", "create a programme (an incomplete form: refused by field)", Nothing, |_| { let mut a = path("/operator/programs"); a.push(("form", "action=save&slug=novaya".into())); a }, |w| only(w, &[Operator, OrgAdmin, OtherOperator])),
        case(Route, "/operator/programs/{slug}", "change an Agrarian Credit programme's status (to an unknown one: refused by field)", Nothing, |_| { let mut a = path("/operator/programs/auyl-amanaty-microcredit"); a.push(("form", "action=status&status=bogus".into())); a }, |w| only(w, &[Operator, OrgAdmin, Admin])),
        // --- Assisted filing: akimat staff, for residents of their own okrug ---
        case(ServerFn, "/api/assist_options", "the settlements and programmes of the assisted-filing form", Nothing, none, |w| only(w, &[Akim, AkimatStaff, OtherAkim])),
        case(Route, "/akimat/assist", "send a resident a consent code (the assisted-filing form)", Nothing, |_| { let mut a = path("/akimat/assist"); a.push(("form", "action=send_code&phone=%2B77019998877".into())); a }, |w| only(w, &[Akim, AkimatStaff, OtherAkim])),
        page("/akimat/assist", "the assisted-filing form", |_| path("/akimat/assist"), |w| only(w, &[Akim, AkimatStaff, OtherAkim])),
        // --- Okrug reports: public; the workspace is the akimat's own okrug only ---
        case(ServerFn, "/api/okrug_workspace", "the workspace of one's own okrug (another okrug's akim gets their own)", Nothing, none, |w| only(w, &[Akim, AkimatStaff, OtherAkim])),
        case(ServerFn, "/api/area_report", "an okrug's public report", Nothing, |_| vec![("area", "101033000".into())], everyone),
        case(ServerFn, "/api/find_areas", "find an okrug by name", Nothing, |_| vec![("q", "Абралы".into())], everyone),
        case(Route, "/okrugs/{area}/{file}", "an okrug report's open data", Nothing, |_| path("/okrugs/101033000/data.csv"), everyone),
        case(Route, "/api/v1/reports/{area}", "a region's report through the API", Nothing, |_| path("/api/v1/reports/100000000"), everyone),
        page("/okrugs", "the country's report and the okrug picker", |_| path("/okrugs?q=Абралы"), everyone),
        page("/okrugs/{kato}", "an okrug's public report", |_| path("/okrugs/101033000"), everyone),
        page("/okrugs/open-data", "the open data schema", |_| path("/okrugs/open-data"), everyone),
        // --- After the money: a lender's staff for its own loans; keys for its administrator ---
        case(ServerFn, "/api/loan_portfolio", "one's organisation's loan portfolio", Nothing, |_| vec![("query", "bucket=1-30".into())], |w| only(w, &[Operator, OrgAdmin, OtherOperator])),
        case(ServerFn, "/api/repayments_page", "the repayments import page (a file no longer there: upload it again)", Nothing, |_| vec![("digest", "0".repeat(64))], |w| match w { Operator | OrgAdmin | OtherOperator => Invalid, w => only(w, &[]) }),
        case(ServerFn, "/api/api_keys_page", "one's organisation's API keys", Nothing, none, |w| only(w, &[OrgAdmin, OtherOperator])),
        page("/operator/portfolio", "the loan portfolio", |_| path("/operator/portfolio"), |w| only(w, &[Operator, OrgAdmin, OtherOperator])),
        page("/operator/repayments", "the repayments import page", |_| path("/operator/repayments"), |w| only(w, &[Operator, OrgAdmin, OtherOperator])),
        page("/operator/api-keys", "the API keys page", |_| path("/operator/api-keys"), |w| only(w, &[OrgAdmin, OtherOperator])),
        // Webhooks: the organisation's administrator, as its API keys.
        case(ServerFn, "/api/webhooks_page", "one's organisation's webhook endpoints and their deliveries", Nothing, none, |w| only(w, &[OrgAdmin, OtherOperator])),
        page("/operator/webhooks", "the webhooks page", |_| path("/operator/webhooks"), |w| only(w, &[OrgAdmin, OtherOperator])),
        case(Route, "/operator/webhooks", "register a webhook endpoint (an address not accepted: back to the form)", Nothing, |_| { let mut a = path("/operator/webhooks"); a.push(("form", "action=create&url=ftp%3A%2F%2Fx".into())); a }, |w| only(w, &[OrgAdmin, OtherOperator])),
        case(Route, "/operator/portfolio.csv", "the loan portfolio as CSV", Nothing, |_| path("/operator/portfolio.csv"), |w| only(w, &[Operator, OrgAdmin, OtherOperator])),
        case(Route, "/operator/repayments", "import a file of repayments (one no longer there: back to the form)", Nothing, |_| { let mut a = path("/operator/repayments"); a.push(("form", "action=import&digest=abc".into())); a }, |w| only(w, &[Operator, OrgAdmin, OtherOperator])),
        case(Route, "/operator/api-keys", "create an API key (without a name: back to the form)", Nothing, |_| { let mut a = path("/operator/api-keys"); a.push(("form", "action=create&name=".into())); a }, |w| only(w, &[OrgAdmin, OtherOperator])),
        case(Route, "/api/v1/repayments", "record a repayment (an API key, never the session)", Nothing, |c| vec![("path", "/api/v1/repayments".into()), ("json", format!(r#"{{"application_id":{},"reference":"M-1","paid_on":"2026-11-27","amount_tiyn":100}}"#, c.application))], |_| SignIn),
        // --- Complaints: a resident's own; those about an operator, its administrator's; the platform reads all ---
        case(ServerFn, "/api/complaints_page", "one's complaints (a resident's own, or those one answers)", Nothing, none, |w| only(w, &[Entrepreneur, OtherEntrepreneur, OrgAdmin, OtherOperator, Admin])),
        page("/complaints", "the complaints page", |_| path("/complaints"), |w| only(w, &[Entrepreneur, OtherEntrepreneur, OrgAdmin, OtherOperator, Admin])),
        case(ServerFn, "/api/complaint_page", "an entrepreneur's complaint about Agrarian Credit", Nothing, |c| vec![("id", c.complaint.to_string())], |w| only(w, &[Entrepreneur, OrgAdmin, Admin])),
        page("/complaints/{id}", "an entrepreneur's complaint about Agrarian Credit", |c| path(&format!("/complaints/{}", c.complaint)), |w| only(w, &[Entrepreneur, OrgAdmin, Admin])),
        case(Route, "/complaints", "file a complaint (without its text: back to the form)", Nothing, |_| { let mut a = path("/complaints"); a.push(("form", "complaint_about=akimat&complaint_reason=other&complaint_text=".into())); a }, |w| only(w, &[Entrepreneur, OtherEntrepreneur])),
        case(Route, "/complaints/{id}", "answer an entrepreneur's complaint about Agrarian Credit (empty: back to the form)", Nothing, |c| { let mut a = path(&format!("/complaints/{}", c.complaint)); a.push(("form", "complaint_answer=".into())); a }, |w| only(w, &[OrgAdmin])),
        // --- The message outbox: the platform admin's alone ---
        case(ServerFn, "/api/message_overview", "the message outbox's counts, failures and waiting messages", Nothing, none, |w| only(w, &[Admin])),
        case(ServerFn, "/api/retry_message", "put a failed SMS back in the queue", FailedMessage, |c| vec![("id", c.fresh_token.clone())], |w| only(w, &[Admin])),
        case(ServerFn, "/api/cancel_message", "stop a waiting SMS", WaitingMessage, |c| vec![("id", c.fresh_token.clone())], |w| only(w, &[Admin])),
        page("/admin/messages", "the message outbox", |_| path("/admin/messages"), |w| only(w, &[Admin])),
        case(Route, "/admin/messages.csv", "the latest messages as CSV", Nothing, |_| path("/admin/messages.csv"), |w| only(w, &[Admin])),
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

fn case(
    kind: Kind,
    endpoint: &'static str,
    what: &'static str,
    fresh: Fresh,
    args: fn(&Ctx) -> Vec<(&'static str, String)>,
    expect: fn(Who) -> Outcome,
) -> Case {
    Case {
        kind,
        endpoint,
        what,
        fresh,
        args,
        expect,
    }
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
        Fresh::FailedMessage | Fresh::WaitingMessage => {
            let to = format!("+7702{n:07}");
            let failed = matches!(fresh, Fresh::FailedMessage);
            let id = crate::messages_admin::stuck_message(app, &to, "Матрица", failed).await;
            (id.to_string(), 0)
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
fn draft(pairs: &[(String, String)]) -> app::domain::application::form::SaveDraft {
    app::domain::application::form::SaveDraft::from_pairs(pairs).expect("the draft's own fields")
}

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
        version = service::save_draft(db, Some(&who), id, version, &draft(&complete_fields()))
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
    let profile = app::domain::profile::SaveProfile::from_pairs(
        &[("settlement".into(), "101033100".into())],
        app.state.config.today(),
    )
    .expect("a valid profile");
    app::ssr::services::profiles::save(db, Some(&applicant), &profile)
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
    let receipt = app::ssr::db::records::of_application(db, application)
        .await
        .expect("records")
        .first()
        .expect("a filing receipt")
        .code
        .clone();
    let complaint = app::ssr::services::complaints::file(
        db,
        "http://127.0.0.1",
        Some(&applicant),
        app::ssr::services::complaints::Filing {
            about: Some("operator"),
            application: Some(&application.to_string()),
            reason: Some("no_answer"),
            text: Some("Не отвечают"),
        },
        app.state.config.today(),
    )
    .await
    .expect("a complaint");

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
                receipt: receipt.clone(),
                complaint,
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
