use super::*;
use crate::domain::account::Role;
use crate::ssr::services::seed;
use crate::ssr::testing::{pairs, person, test_db, today};

/// The editor's form as its door reads it.
fn form(amount_max: &str, budget: &str) -> EditProgramme {
    EditProgramme::from_pairs(&pairs(&[
        ("slug", "zhas-fermer-2027"),
        ("kind", "microcredit"),
        ("title_ru", "Жас фермер"),
        ("title_kk", "Жас фермер"),
        ("summary_ru", "Кредит молодым фермерам"),
        ("summary_kk", "Жас фермерлерге несие"),
        ("description_ru", "Для молодёжи до 35 лет."),
        ("description_kk", "35 жасқа дейінгі жастарға."),
        ("amount_unit", "kzt"),
        ("amount_max", amount_max),
        ("rate_max", "2,5"),
        ("term_months_max", "60"),
        ("collateral", "required"),
        ("how_to_apply_ru", "Подайте заявку здесь."),
        ("how_to_apply_kk", "Өтінімді осында беріңіз."),
        ("source_url", "https://example.kz/zhas-fermer"),
        ("source_name", "Аграрная кредитная корпорация"),
        ("c_age", "on"),
        ("c_age_min", "18"),
        ("c_age_max", "35"),
        ("rubric_0_key", "plan"),
        ("rubric_0_weight", "100"),
        ("rubric_0_ru", "Бизнес-план"),
        ("rubric_0_kk", "Бизнес-жоспар"),
        ("budget_total", budget),
        ("target_days", "15"),
    ]))
}

/// The count for the criteria of a form, read as the live preview's server function reads them.
async fn preview_form(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    pairs: &[(String, String)],
    today: NaiveDate,
) -> Result<Preview, ServiceError> {
    let criteria = crate::domain::editor::parse_criteria(pairs)?;
    preview(db, who, &criteria, today).await
}

/// A valid IIN starting with `first10` (the first serial digit that gives a check digit).
fn iin(first10: &str) -> String {
    (0..10u8)
        .find_map(|d| {
            let mut digits = [0u8; 11];
            for (i, c) in first10.bytes().enumerate() {
                digits[i] = c - b'0';
            }
            digits[10] = d;
            crate::domain::identity::check_digit(&digits).map(|c| format!("{first10}{d}{c}"))
        })
        .expect("an IIN")
}

async fn outbox_rows(db: &DatabaseConnection, slug: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let (id, _) = db::catalog::find_by_slug(db, slug)
        .await
        .expect("find")
        .expect("exists");
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM search_outbox WHERE program_id = {id}"),
        ))
        .await
        .expect("count")
        .expect("row");
    row.try_get::<i64>("", "n").expect("n")
}

#[tokio::test]
async fn an_operator_creates_publishes_edits_and_pauses_a_programme_every_change_versioned() {
    let t = test_db().await;
    seed::ensure_demo(&t.db).await.expect("demo");
    let orgs = db::catalog::organisation_ids(&t.db).await.expect("orgs");
    let db = &t.db;
    let wake = Wake::default();
    let op = person(
        db,
        "op@example.kz",
        "Динара",
        Role::Operator,
        Scope::Organisation(orgs["agrocredit"]),
    )
    .await;
    let other = person(
        db,
        "op2@example.kz",
        "Асель",
        Role::Operator,
        Scope::Organisation(orgs["damu"]),
    )
    .await;
    let farmer = person(db, "f@example.kz", "Ерлан", Role::Entrepreneur, Scope::None).await;

    let incomplete = EditProgramme::from_pairs(&pairs(&[("slug", "x")]));
    let e = save(db, &wake, Some(&op), None, &incomplete)
        .await
        .expect_err("incomplete");
    assert!(matches!(e, ServiceError::Invalid(_)), "{e:?}");
    // Whoever may not edit hears that first, not what the form lacks.
    let e = save(db, &wake, Some(&farmer), None, &incomplete)
        .await
        .expect_err("not staff");
    assert!(
        matches!(e, ServiceError::Denied(Denied::Forbidden)),
        "{e:?}"
    );
    let e = save(db, &wake, None, None, &incomplete)
        .await
        .expect_err("not signed in");
    assert!(
        matches!(e, ServiceError::Denied(Denied::SignInRequired)),
        "{e:?}"
    );
    let slug = save(db, &wake, Some(&op), None, &form("5000000", "100000000"))
        .await
        .expect("creates");
    assert_eq!(slug, "zhas-fermer-2027");
    let v = editor(db, Some(&op), Some(&slug)).await.expect("editor");
    let p = v.programme.expect("stored");
    assert_eq!(
        p.input.status,
        ProgramStatus::Draft,
        "new programmes start as drafts"
    );
    assert_eq!(p.input.amount.max, Some(5_000_000));
    assert_eq!(p.rubric.len(), 1);
    assert_eq!(p.target_days, Some(15));
    assert_eq!(p.budget.get(WHOLE), Some(&100_000_000));
    assert_eq!(v.versions.len(), 1);
    assert_eq!(v.versions[0].author, "Динара");
    assert!(outbox_rows(db, &slug).await >= 1, "search hears of it");

    set_status(db, &wake, Some(&op), &slug, "open")
        .await
        .expect("publishes");
    let e = set_status(db, &wake, Some(&op), &slug, "draft")
        .await
        .expect_err("no way back to draft");
    assert!(matches!(e, ServiceError::Invalid(_)));
    save(
        db,
        &wake,
        Some(&op),
        Some(&slug),
        &form("6000000", "100000000"),
    )
    .await
    .expect("edits");
    set_status(db, &wake, Some(&op), &slug, "paused")
        .await
        .expect("pauses");
    let v = editor(db, Some(&op), Some(&slug)).await.expect("editor");
    let p = v.programme.expect("stored");
    assert_eq!(
        p.input.status,
        ProgramStatus::Paused,
        "the edit kept the status"
    );
    assert_eq!(p.input.amount.max, Some(6_000_000));
    let history: Vec<(&str, Vec<String>)> = v
        .versions
        .iter()
        .map(|v| (v.change.as_str(), v.fields.clone()))
        .collect();
    assert_eq!(
        history,
        vec![
            ("paused", vec!["status".to_owned()]),
            ("edit", vec!["amount".to_owned()]),
            ("open", vec!["status".to_owned()]),
            ("create", vec![]),
        ]
    );
    assert!(
        outbox_rows(db, &slug).await >= 4,
        "every change reaches search"
    );
    // A paused programme takes no applications.
    let e = crate::ssr::services::applications::open(db, Some(&farmer), &slug, today())
        .await
        .expect_err("paused");
    assert!(matches!(e, ServiceError::Invalid(_)), "{e:?}");

    // Another operator cannot see or change it; an entrepreneur has no editor.
    let e = editor(db, Some(&other), Some(&slug))
        .await
        .expect_err("not theirs");
    assert!(matches!(e, ServiceError::NotFound));
    let e = save(db, &wake, Some(&other), Some(&slug), &form("1", "1"))
        .await
        .expect_err("not theirs");
    assert!(matches!(e, ServiceError::NotFound));
    let e = programmes(db, Some(&farmer)).await.expect_err("not staff");
    assert!(matches!(e, ServiceError::Denied(Denied::Forbidden)));
    let mine = programmes(db, Some(&op)).await.expect("list");
    assert!(
        mine.iter()
            .any(|l| l.slug == slug && l.status == ProgramStatus::Paused)
    );
    assert!(
        !programmes(db, Some(&other))
            .await
            .expect("list")
            .iter()
            .any(|l| l.slug == slug)
    );
}

#[tokio::test]
async fn a_budget_cannot_drop_below_what_is_approved_from_it() {
    let t = test_db().await;
    seed::ensure_demo(&t.db).await.expect("demo");
    let orgs = db::catalog::organisation_ids(&t.db).await.expect("orgs");
    let db = &t.db;
    let wake = Wake::default();
    let op = person(
        db,
        "op@example.kz",
        "Динара",
        Role::Operator,
        Scope::Organisation(orgs["agrocredit"]),
    )
    .await;
    let slug = save(db, &wake, Some(&op), None, &form("5000000", "10000000"))
        .await
        .expect("creates");
    let (id, _) = db::catalog::find_by_slug(db, &slug)
        .await
        .expect("find")
        .expect("exists");
    assert!(
        db::reviews::charge(db, id, WHOLE, 7_000_000, Utc::now())
            .await
            .expect("charge")
    );
    let e = save(
        db,
        &wake,
        Some(&op),
        Some(&slug),
        &form("5000000", "6000000"),
    )
    .await
    .expect_err("below approved");
    match e {
        ServiceError::Invalid(f) => {
            assert_eq!(f.field, "budget_total");
            assert_eq!(
                f.problem,
                Problem::BelowApproved {
                    approved_kzt: 7_000_000
                }
            );
        }
        other => panic!("{other:?}"),
    }
    save(
        db,
        &wake,
        Some(&op),
        Some(&slug),
        &form("5000000", "7000000"),
    )
    .await
    .expect("exactly what is approved is fine");
}

#[tokio::test]
async fn the_preview_counts_the_profiles_the_criteria_admit() {
    let t = test_db().await;
    seed::ensure_demo(&t.db).await.expect("demo");
    let orgs = db::catalog::organisation_ids(&t.db).await.expect("orgs");
    let db = &t.db;
    let op = person(
        db,
        "op@example.kz",
        "Динара",
        Role::Operator,
        Scope::Organisation(orgs["agrocredit"]),
    )
    .await;
    // Three entrepreneurs: 25, 50, and one who gave no IIN (age unknown).
    let (young_iin, old_iin) = (iin("0101015000"), iin("7601013000"));
    for (login, iin) in [
        ("a@x.kz", Some(young_iin.as_str())),
        ("b@x.kz", Some(old_iin.as_str())),
        ("c@x.kz", None),
    ] {
        let who = person(db, login, "X", Role::Entrepreneur, Scope::None).await;
        let mut fields = vec![("settlement".to_owned(), "101033100".to_owned())];
        if let Some(iin) = iin {
            fields.push(("iin".to_owned(), iin.to_owned()));
        }
        let fields = crate::ssr::testing::profile(&fields);
        crate::ssr::services::profiles::save(db, Some(&who), &fields)
            .await
            .expect("profile");
    }
    let young = pairs(&[("c_age", "on"), ("c_age_min", "18"), ("c_age_max", "35")]);
    let p = preview_form(db, Some(&op), &young, today())
        .await
        .expect("preview");
    assert_eq!(p.profiles, 3);
    assert_eq!((p.eligible, p.possible), (1, 1), "{p:?}");
    let nobody_filter = preview_form(db, Some(&op), &[], today())
        .await
        .expect("preview");
    assert_eq!(nobody_filter.eligible, 3, "no criteria admit everyone");
    let e = preview_form(db, Some(&op), &pairs(&[("c_age", "on")]), today())
        .await
        .expect_err("a range needs a bound");
    assert!(
        matches!(e, ServiceError::Invalid(ref f) if f.field == "c_age"),
        "{e:?}"
    );
}
