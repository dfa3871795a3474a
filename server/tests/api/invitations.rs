//! Invitations as the people involved meet them: an org admin or an akim invites, the newcomer
//! joins in that role and scope, nobody sees another tenant's invitations, and a revoked
//! invitation or a removed colleague loses access at once.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Browser, TestApp, spawn_app};

/// Creates an invitation through the form and returns the link's path (`/invite/…`), read
/// from the page it is shown on once.
async fn invite(inviter: &Browser, role: &str, note: &str) -> String {
    let (status, location) = inviter
        .post_form(
            "/invitations",
            "create_invitation",
            &[
                ("role", role),
                ("okrug", ""),
                ("organisation", ""),
                ("note", note),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(location.as_deref(), Some("/invitations"), "no error");
    let (status, page) = inviter.get_html("/invitations").await;
    assert_eq!(status, StatusCode::OK);
    let start = page.find("/invite/").expect("the page shows the link");
    let end = page[start..].find('<').map_or(page.len(), |n| start + n);
    page[start..end].to_owned()
}

/// Accepts an invitation through the form in a new browser; the new account's browser and
/// where the form sent it.
async fn accept(app: &TestApp, link: &str, name: &str, login: &str) -> (Browser, String) {
    let newcomer = app.browser();
    let token = link.trim_start_matches("/invite/");
    let (status, location) = newcomer
        .post_form(
            link,
            "accept_invitation",
            &[
                ("token", token),
                ("name", name),
                ("login", login),
                ("password", "новый-сотрудник-2026"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    (newcomer, location.unwrap_or_default())
}

/// The notes of the invitations `browser` is shown.
async fn visible_notes(browser: &Browser) -> Vec<String> {
    let (status, body) = browser.call("list_invitations", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body[0]
        .as_array()
        .expect("invitations")
        .iter()
        .filter_map(|i| i["note"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_colleague_invited_by_an_org_admin_joins_that_organisation_as_an_operator() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin@agrocredit.demo").await;
    let link = invite(&admin, "operator", "Новый кредитный специалист").await;
    // The link is shown once: the page after that no longer has it.
    let (_, again) = admin.get_html("/invitations").await;
    assert!(!again.contains(&link), "the link is shown only once");

    // The newcomer sees what they are invited to before accepting.
    let (status, offer) = app.browser().get_html(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(offer.contains("Сотрудник оператора"), "the role is named");

    let (newcomer, location) = accept(&app, &link, "Мадина Оспанова", "+77051112233").await;
    assert_eq!(location, "/account");
    let (_, account) = newcomer.get_html("/account").await;
    assert!(account.contains("Мадина Оспанова"));
    assert!(
        account.contains("Сотрудник оператора"),
        "in the invited role"
    );
    assert!(
        account.contains("Аграрная кредитная корпорация"),
        "of the inviter's organisation, by its name"
    );
    let (_, in_kazakh) = newcomer.get_html("/account?lang=kk").await;
    assert!(
        in_kazakh.contains("Аграрлық несие корпорациясы"),
        "named in Kazakh"
    );
    let (_, body) = newcomer.call("current_account", &[]).await;
    assert_eq!(body["role"], "operator", "{body}");

    // The invitation is spent: a second person cannot use it.
    let (_, location) = accept(&app, &link, "Кто-то Другой", "+77051112244").await;
    assert!(location.contains("__err="), "refused: {location}");
    let (status, _) = app.browser().get_html(&link).await;
    assert_eq!(status, StatusCode::GONE);
}

#[tokio::test]
async fn an_org_admin_sees_only_their_own_organisations_invitations_and_staff() {
    let app = spawn_app().await;
    let agrocredit = app.signed_in("admin@agrocredit.demo").await;
    let damu = app.signed_in("operator@damu.demo").await;
    invite(&agrocredit, "operator", "Для Аграрной").await;
    invite(&damu, "operator", "Для Даму").await;

    assert_eq!(visible_notes(&agrocredit).await, ["Для Аграрной"]);
    assert_eq!(visible_notes(&damu).await, ["Для Даму"]);
    let (_, damu_page) = damu.get_html("/invitations").await;
    assert!(!damu_page.contains("Для Аграрной"));
    assert!(
        !damu_page.contains("operator@agrocredit.demo"),
        "nor the other organisation's staff"
    );

    // Revoking the other organisation's invitation is refused as if it did not exist.
    let (_, body) = agrocredit.call("list_invitations", &[]).await;
    let theirs = body[0][0]["id"].as_i64().expect("id").to_string();
    let (status, _) = damu.call("revoke_invitation", &[("id", &theirs)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(visible_notes(&agrocredit).await, ["Для Аграрной"]);
    let (_, body) = agrocredit.call("list_invitations", &[]).await;
    assert_eq!(body[0][0]["status"], "pending", "still pending");
}

#[tokio::test]
async fn a_revoked_invitation_cannot_be_accepted() {
    let app = spawn_app().await;
    let akim = app.signed_in("+77010000003").await;
    let link = invite(&akim, "akimat_staff", "Специалист по предпринимательству").await;
    let (_, body) = akim.call("list_invitations", &[]).await;
    let invitation: &Value = body[0]
        .as_array()
        .expect("invitations")
        .iter()
        .find(|i| i["note"] == "Специалист по предпринимательству")
        .expect("listed");
    let id = invitation["id"].as_i64().expect("id").to_string();

    let (status, _) = akim.call("revoke_invitation", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK);

    let (_, location) = accept(&app, &link, "Асель Нурланова", "+77053334455").await;
    assert!(location.contains("__err="), "refused: {location}");
    let (_, page) = app.browser().get_html(&location).await;
    assert!(
        page.contains("Ссылка недействительна или устарела"),
        "{location}"
    );
    // And the phone number is still free to sign up with.
    let (status, body) = app
        .browser()
        .call(
            "sign_up",
            &[
                ("name", "Асель Нурланова"),
                ("login", "+77053334455"),
                ("password", "новый-сотрудник-2026"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_removed_staff_member_is_signed_out_and_cannot_sign_back_in() {
    let app = spawn_app().await;
    let akim = app.signed_in("+77010000003").await;
    let staff = app.signed_in("+77010000004").await;
    let (status, _) = staff.get("/account").await;
    assert_eq!(status, StatusCode::OK, "signed in before");

    let (_, body) = akim.call("list_invitations", &[]).await;
    let member = body[1]
        .as_array()
        .expect("staff")
        .iter()
        .find(|s| s["login"] == "+77010000004")
        .expect("the akimat's staff are listed");
    let user_id = member["user_id"].as_i64().expect("id").to_string();
    // The page offers removing the akimat's staff member, not the akim themselves.
    assert_eq!(member["removable"], true);
    let (_, page) = akim.get_html("/invitations").await;
    assert_eq!(
        page.matches("action=\"/api/remove_staff\"").count(),
        1,
        "one remove button"
    );
    // An akim of another okrug cannot remove them.
    let other_akim = app.signed_in("+77010000005").await;
    let (status, _) = other_akim
        .call("remove_staff", &[("user_id", &user_id)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = staff.get("/account").await;
    assert_eq!(status, StatusCode::OK, "still signed in");

    let (status, _) = akim.call("remove_staff", &[("user_id", &user_id)]).await;
    assert_eq!(status, StatusCode::OK);

    let response = staff.get_with("/account", &[("accept", "text/html")]).await;
    assert_eq!(response.status(), StatusCode::FOUND, "the session ended");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok());
    assert_eq!(
        location,
        Some("/sign-in?next=%2Faccount"),
        "sent to sign in"
    );
    let (_, body) = app
        .browser()
        .call(
            "sign_in",
            &[
                ("login", "+77010000004"),
                ("password", app::ssr::services::accounts::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(body["Invalid"]["code"], "wrong_credentials", "{body}");
}
