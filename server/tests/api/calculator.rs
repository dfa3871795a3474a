//! The loan calculator on programme pages and its CSV export, as a borrower meets them.

use app::domain::i18n::Lang;
use app::domain::money::{Tiyn, format_kzt};
use reqwest::StatusCode;

use crate::helpers::spawn_app;

const AUYL_AMANATY: &str = "/programs/auyl-amanaty-microcredit";

#[tokio::test]
async fn a_loan_programme_page_has_a_calculator_with_the_programmes_own_terms() {
    let app = spawn_app().await;
    let (status, page) = app.get_html(AUYL_AMANATY).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"calculator\""));
    // 2 500 MCI in 2026, 2.5 %, 84 months: filled in from the programme.
    assert!(page.contains("value=\"10812500\""), "the largest amount");
    assert!(page.contains("value=\"2,5\""), "the programme's rate");
    assert!(page.contains("value=\"84\""), "the longest term");
    assert!(
        page.contains("data-testid=\"calc-payment\""),
        "an answer straight away"
    );

    let (_, grant) = app.get_html("/programs/business-idea-grant").await;
    assert!(
        !grant.contains("id=\"calculator\""),
        "a grant is not repaid"
    );
}

#[tokio::test]
async fn the_form_without_javascript_shows_the_payment_and_the_schedule() {
    let app = spawn_app().await;
    let (status, page) = app
        .get_html(&format!(
            "{AUYL_AMANATY}?amount=1+000+000&rate=12&term=12&grace=0&grace_kind=interest_only&method=annuity"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    // 1 000 000 ₸ at 12 % over 12 months: 88 848,79 ₸ a month; 66 185,45 ₸ of interest (the
    // textbook's 66 185,44 plus a tiyn from rounding each month's interest to the tiyn).
    assert!(
        page.contains(&format_kzt(Lang::Ru, Tiyn(8_884_879))),
        "the payment"
    );
    assert!(
        page.contains(&format_kzt(Lang::Ru, Tiyn(6_618_545))),
        "the interest"
    );
    assert_eq!(page.matches("<tr>").count(), 13, "a header and 12 months");
    assert!(page.contains("value=\"1 000 000\""), "the amount as typed");
    assert!(
        page.contains("schedule.csv?amount=1+000+000&amp;rate=12&amp;term=12"),
        "a CSV link for the same figures"
    );
}

#[tokio::test]
async fn a_bad_figure_is_named_by_its_field_and_the_rest_is_kept() {
    let app = spawn_app().await;
    let cap = format!(
        "Программа даёт не больше {}.",
        format_kzt(Lang::Ru, Tiyn(1_081_250_000))
    );
    let cases = [
        ("amount=20000000", "amount", cap.as_str()),
        ("amount=-5", "amount", "Введите сумму больше нуля."),
        ("amount=много", "amount", "Здесь нужно целое число."),
        ("rate=два", "rate", "Введите ставку числом, например 2,5."),
        ("term=120", "term", "Введите число от 1 до 84."),
        ("rate=80", "rate", "Введите число от 0 до 50."),
        ("term=12&grace=12", "grace", "Введите число от 0 до 11."),
        (
            "method=balloon",
            "method",
            "Поле «method» не может иметь такое значение.",
        ),
    ];
    for (query, field, message) in cases {
        let (status, page) = app.get_html(&format!("{AUYL_AMANATY}?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        // A number's error sits by its field; the method's (no text field) above the form.
        let by_field = format!("id=\"{field}-error\"");
        let where_ = if field == "method" {
            "role=\"alert\""
        } else {
            by_field.as_str()
        };
        assert!(
            page.contains(where_),
            "{query}: the error is where it belongs"
        );
        if field != "method" {
            assert!(
                !page.contains("role=\"alert\""),
                "{query}: said once, by the field"
            );
        }
        assert!(page.contains(message), "{query}: {message}");
        assert!(
            !page.contains("data-testid=\"calc-payment\""),
            "{query}: no answer"
        );
        assert!(
            page.contains("Условия"),
            "{query}: the rest of the page is there"
        );
    }
}

#[tokio::test]
async fn the_schedule_downloads_as_a_spreadsheet() {
    let app = spawn_app().await;
    let response = app
        .get_with(
            &format!(
                "{AUYL_AMANATY}/schedule.csv?amount=1000000&rate=12&term=12&method=differentiated"
            ),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        disposition.contains("auyl-amanaty-microcredit-schedule.csv"),
        "{disposition}"
    );
    let body = response.text().await.expect("body");
    let lines: Vec<&str> = body
        .trim_start_matches('\u{feff}')
        .trim_end()
        .split("\r\n")
        .collect();
    assert_eq!(lines.len(), 13, "{body}");
    // 1 000 000 ₸ over 12: the 4 tiyn left over go one each to the first four months.
    assert_eq!(lines[1], "1;93333,34;83333,34;10000,00;916666,66");
    assert!(lines[12].ends_with(";0,00"), "repaid: {}", lines[12]);

    let (status, body) = app
        .get_json(&format!("{AUYL_AMANATY}/schedule.csv?amount=20000000"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["field"], "amount", "{body}");
    let (status, _) = app
        .get_json("/programs/business-idea-grant/schedule.csv")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
