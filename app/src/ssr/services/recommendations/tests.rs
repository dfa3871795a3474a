use super::*;
use crate::domain::account::{Role, Scope};
use crate::domain::application::Step;
use crate::ssr::services::applications::{self as apps, Notifier, StepInput};
use crate::ssr::services::{profiles, seed};
use crate::ssr::testing::{TestDb, draft, okrug, pairs, profile, test_db, today};

/// The form's door: the posted fields read into the typed input, then the use case.
async fn posted(
    db: &DatabaseConnection,
    who: &Principal,
    id: i32,
    fields: &[(String, String)],
) -> Result<i32, ServiceError> {
    let input = crate::domain::recommendation::parse(fields)?;
    recommend(db, Some(who), id, &input).await
}

async fn person(db: &DatabaseConnection, login: &str, role: Role, scope: Scope) -> Principal {
    crate::ssr::testing::person(db, login, "Тест", role, scope).await
}

/// A submitted application of a new entrepreneur in okrug 101033000, and its applicant.
async fn submitted(t: &TestDb, login: &str) -> (i32, Principal) {
    let p = person(&t.db, login, Role::Entrepreneur, Scope::None).await;
    profiles::save(
        &t.db,
        Some(&p),
        &profile(&pairs(&[("settlement", "101033100")])),
    )
    .await
    .expect("profile");
    let id = apps::open(&t.db, Some(&p), "auyl-amanaty-microcredit", today())
        .await
        .expect("opens");
    let fields = pairs(&[
        ("amount", "1000000"),
        ("term", "24"),
        ("purpose", "Скот"),
        ("plan_activity", "Откорм"),
        ("plan_costs", "1200000"),
        ("plan_revenue", "1800000"),
        ("plan_jobs", "1"),
    ]);
    let v = apps::save_draft(&t.db, Some(&p), id, 1, &draft(&fields))
        .await
        .expect("fills in");
    let notifier = Notifier {
        public_url: "http://127.0.0.1",
    };
    apps::step(
        &t.db,
        &notifier,
        Some(&p),
        id,
        v,
        Step::Submit,
        &StepInput::default(),
        today(),
    )
    .await
    .expect("submits");
    (id, p)
}

#[tokio::test]
async fn an_akim_recommends_declares_a_relationship_and_corrects_in_visible_versions() {
    let t = test_db().await;
    seed::ensure_demo(&t.db).await.expect("demo");
    let akim = person(&t.db, "akim@example.kz", Role::Akim, okrug("101033000")).await;
    let staff = person(
        &t.db,
        "staff@example.kz",
        Role::AkimatStaff,
        okrug("101033000"),
    )
    .await;
    let other_akim = person(&t.db, "akim2@example.kz", Role::Akim, okrug("611633000")).await;
    let (id, applicant) = submitted(&t, "a@example.kz").await;

    // Not requested yet: nothing to recommend, and the queue is empty.
    let verdict = pairs(&[
        ("verdict", "recommend"),
        ("reasons", "verified_on_site"),
        ("reasons", "jobs_for_village"),
        ("text", "Хозяйство проверено, коровник готов"),
        ("relationship", "family"),
        ("relationship_note", "Двоюродный брат"),
    ]);
    assert!(posted(&t.db, &akim, id, &verdict).await.is_err());
    assert!(queue(&t.db, Some(&akim)).await.expect("queue").is_empty());

    request(&t.db, Some(&applicant), id).await.expect("asks");
    request(&t.db, Some(&applicant), id)
        .await
        .expect("asking twice is one request");
    let q = queue(&t.db, Some(&akim)).await.expect("queue");
    assert_eq!(q.len(), 1);
    assert_eq!((q[0].application_id, q[0].latest), (id, None));
    assert!(
        queue(&t.db, Some(&other_akim))
            .await
            .expect("queue")
            .is_empty()
    );

    let r = posted(&t.db, &other_akim, id, &verdict).await;
    assert!(
        matches!(r, Err(ServiceError::NotFound)),
        "another okrug's akim: {r:?}"
    );
    let r = posted(&t.db, &applicant, id, &verdict).await;
    assert!(matches!(r, Err(ServiceError::NotFound)), "{r:?}");

    assert_eq!(posted(&t.db, &akim, id, &verdict).await.expect("gives"), 1);
    let correction = pairs(&[
        ("verdict", "do_not_recommend"),
        ("text", "Земля в споре"),
        ("relationship", "family"),
        ("relationship_note", "Двоюродный брат"),
    ]);
    assert_eq!(
        posted(&t.db, &staff, id, &correction)
            .await
            .expect("corrects"),
        2
    );

    // The applicant sees both versions, the declared relationship and who gave each.
    let seen = of_application(&t.db, Some(&applicant), id)
        .await
        .expect("visible");
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].input.verdict, Verdict::Recommend);
    assert_eq!(
        seen[0].input.reasons,
        [Reason::VerifiedOnSite, Reason::JobsForVillage]
    );
    assert_eq!(seen[0].input.relationship, Relationship::Family);
    assert_eq!(
        seen[0].input.relationship_note.as_deref(),
        Some("Двоюродный брат")
    );
    assert_eq!(
        (seen[1].input.verdict, seen[1].author_role.as_str()),
        (Verdict::DoNotRecommend, "akimat_staff")
    );
    let q = queue(&t.db, Some(&akim)).await.expect("queue");
    assert_eq!(q[0].latest, Some(Verdict::DoNotRecommend));

    // On the timeline, and the applicant was told of each version.
    let view = apps::view(&t.db, Some(&applicant), id, today())
        .await
        .expect("view");
    let steps: Vec<&str> = view.events.iter().map(|e| e.step.as_str()).collect();
    assert_eq!(
        steps,
        [
            "create",
            "submit",
            "ask_recommendation",
            "recommend",
            "recommend"
        ]
    );
    assert_eq!(
        view.summary.state,
        State::Submitted,
        "a recommendation is not a step"
    );
    assert_eq!(
        db::alerts::unread(&t.db, applicant.user_id)
            .await
            .expect("unread"),
        2
    );

    // A bad form names its field; the record keeps what was given.
    let e = posted(&t.db, &akim, id, &pairs(&[("verdict", "recommend")]))
        .await
        .expect_err("no declaration");
    assert!(
        matches!(e, ServiceError::Invalid(ref f) if f.field == "relationship"),
        "{e:?}"
    );
    assert_eq!(
        of_application(&t.db, Some(&akim), id)
            .await
            .expect("visible")
            .len(),
        2
    );
}

#[tokio::test]
async fn asking_needs_a_submitted_application_with_a_settlement() {
    let t = test_db().await;
    seed::ensure_demo(&t.db).await.expect("demo");
    let p = person(&t.db, "b@example.kz", Role::Entrepreneur, Scope::None).await;
    let id = apps::open(&t.db, Some(&p), "auyl-amanaty-microcredit", today())
        .await
        .expect("opens");
    let e = request(&t.db, Some(&p), id).await.expect_err("a draft");
    assert!(
        matches!(e, ServiceError::Invalid(ref f) if f.field == "step"),
        "{e:?}"
    );
    let (submitted_id, _) = submitted(&t, "c@example.kz").await;
    let r = request(&t.db, Some(&p), submitted_id).await;
    assert!(
        matches!(r, Err(ServiceError::NotFound)),
        "only one's own: {r:?}"
    );
}

#[tokio::test]
async fn the_akimat_asked_to_recommend_hears_of_an_information_request() {
    let t = test_db().await;
    seed::ensure_demo(&t.db).await.expect("demo");
    let orgs = db::catalog::organisation_ids(&t.db).await.expect("orgs");
    let akim = person(&t.db, "akim@example.kz", Role::Akim, okrug("101033000")).await;
    let other_akim = person(&t.db, "akim2@example.kz", Role::Akim, okrug("611633000")).await;
    let operator = person(
        &t.db,
        "op@example.kz",
        Role::Operator,
        Scope::Organisation(orgs["agrocredit"]),
    )
    .await;
    let notifier = Notifier {
        public_url: "http://127.0.0.1",
    };
    let step = |who: Principal, id: i32, step: Step, items: Vec<String>| {
        let db = t.db.clone();
        let notifier = &notifier;
        async move {
            let v = db::applications::find(&db, id)
                .await
                .expect("find")
                .expect("exists")
                .version;
            let input = StepInput {
                items,
                fields: crate::ssr::testing::decision(step, 0, today()),
                ..StepInput::default()
            };
            apps::step(&db, notifier, Some(&who), id, v, step, &input, today()).await
        }
    };
    // Without a request, the akimat is not bothered.
    let (quiet, _) = submitted(&t, "q@example.kz").await;
    step(operator.clone(), quiet, Step::StartReview, vec![])
        .await
        .expect("review");
    step(
        operator.clone(),
        quiet,
        Step::RequestInfo,
        vec!["Справка".into()],
    )
    .await
    .expect("asks");
    assert_eq!(
        db::alerts::unread(&t.db, akim.user_id)
            .await
            .expect("unread"),
        0
    );

    let (id, applicant) = submitted(&t, "r@example.kz").await;
    request(&t.db, Some(&applicant), id)
        .await
        .expect("asks the akimat");
    step(operator.clone(), id, Step::StartReview, vec![])
        .await
        .expect("review");
    assert_eq!(
        db::alerts::unread(&t.db, akim.user_id)
            .await
            .expect("unread"),
        0
    );
    step(
        operator,
        id,
        Step::RequestInfo,
        vec!["Справка о составе семьи".into()],
    )
    .await
    .expect("asks");
    assert_eq!(
        db::alerts::unread(&t.db, akim.user_id)
            .await
            .expect("unread"),
        1
    );
    assert_eq!(
        db::alerts::unread(&t.db, other_akim.user_id)
            .await
            .expect("unread"),
        0
    );
}
