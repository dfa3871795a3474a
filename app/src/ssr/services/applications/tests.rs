use chrono::{Duration, Utc};

use super::*;
use crate::domain::account::{Principal, Role, Scope};
use crate::domain::application::form::{self, field};
use crate::domain::application::{EventKind, State, Step};
use crate::domain::location::KatoCode;
use crate::domain::params::Problem;
use crate::domain::policy::Denied;
use crate::ssr::db;
use crate::ssr::db::applications::{Changes, NewEvent};
use crate::ssr::services::ServiceError;
use crate::ssr::services::seed;
use crate::ssr::testing::{decision, draft, person, test_db, today};

const PROGRAM: &str = "auyl-amanaty-microcredit";
/// A settlement of okrug 101033000.
const SETTLEMENT: &str = "101033100";

/// Keeps every message sent.
type Recorder = crate::ssr::testing::RecordingMailer;

struct World {
    t: crate::ssr::testing::TestDb,
    applicant: Principal,
    other: Principal,
    operator: Principal,
    other_operator: Principal,
    akim: Principal,
    other_akim: Principal,
    mail: Recorder,
}

async fn world() -> World {
    let t = test_db().await;
    seed::ensure_demo(&t.db).await.expect("demo");
    let orgs = db::catalog::organisation_ids(&t.db).await.expect("orgs");
    let okrug = |c: &str| Scope::Okrug(KatoCode::parse(c).expect("okrug"));
    let applicant = person(
        &t.db,
        "a@example.kz",
        "Айгүл",
        Role::Entrepreneur,
        Scope::None,
    )
    .await;
    let other = person(
        &t.db,
        "b@example.kz",
        "Ерлан",
        Role::Entrepreneur,
        Scope::None,
    )
    .await;
    let operator = person(
        &t.db,
        "op@example.kz",
        "Динара",
        Role::Operator,
        Scope::Organisation(orgs["agrocredit"]),
    )
    .await;
    let other_operator = person(
        &t.db,
        "op2@example.kz",
        "Асель",
        Role::Operator,
        Scope::Organisation(orgs["damu"]),
    )
    .await;
    let akim = person(
        &t.db,
        "akim@example.kz",
        "Бауыржан",
        Role::Akim,
        okrug("101033000"),
    )
    .await;
    let other_akim = person(
        &t.db,
        "akim2@example.kz",
        "Нұрлан",
        Role::Akim,
        okrug("611633000"),
    )
    .await;
    crate::ssr::services::profiles::save(
        &t.db,
        Some(&applicant),
        &crate::ssr::testing::profile(&[
            ("amount".into(), "3000000".into()),
            ("revenue".into(), "1200000".into()),
            ("settlement".into(), SETTLEMENT.into()),
        ]),
    )
    .await
    .expect("profile");
    World {
        t,
        applicant,
        other,
        operator,
        other_operator,
        akim,
        other_akim,
        mail: Recorder::default(),
    }
}

fn complete() -> Vec<(String, String)> {
    [
        (field::AMOUNT, "2 500 000"),
        (field::TERM, "36"),
        (field::PURPOSE, "Покупка пяти нетелей"),
        (field::PLAN_ACTIVITY, "Молочная ферма на 5 коров"),
        (field::PLAN_COSTS, "3000000"),
        (field::PLAN_REVENUE, "2400000"),
        (field::PLAN_JOBS, "2"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

impl World {
    fn notifier(&self) -> Notifier<'_> {
        Notifier {
            public_url: "https://auyl.example",
        }
    }

    async fn step(
        &self,
        who: &Principal,
        id: i32,
        step: Step,
        input: StepInput,
    ) -> Result<i32, ServiceError> {
        let version = db::applications::find(&self.t.db, id)
            .await
            .expect("find")
            .expect("exists")
            .version;
        super::step(
            &self.t.db,
            &self.notifier(),
            Some(who),
            id,
            version,
            step,
            &input,
            today(),
        )
        .await
    }

    /// A submitted application of the applicant.
    async fn submitted(&self) -> i32 {
        let id = open(&self.t.db, Some(&self.applicant), PROGRAM, today())
            .await
            .expect("opens");
        save_draft(
            &self.t.db,
            Some(&self.applicant),
            id,
            1,
            &draft(&complete()),
        )
        .await
        .expect("saves");
        self.step(&self.applicant, id, Step::Submit, StepInput::default())
            .await
            .expect("submits");
        id
    }
}

fn field_of(e: &ServiceError) -> Option<(&str, &Problem)> {
    match e {
        ServiceError::Invalid(f) => Some((f.field.as_str(), &f.problem)),
        _ => None,
    }
}

#[tokio::test]
async fn applying_twice_opens_the_same_draft_filled_in_from_the_profile() {
    let w = world().await;
    let first = open(&w.t.db, Some(&w.applicant), PROGRAM, today())
        .await
        .expect("opens");
    let second = open(&w.t.db, Some(&w.applicant), PROGRAM, today())
        .await
        .expect("opens");
    assert_eq!(first, second);
    let v = view(&w.t.db, Some(&w.applicant), first, today())
        .await
        .expect("view");
    assert_eq!(v.summary.state, State::Draft);
    assert_eq!(
        v.fields.get(field::AMOUNT).map(String::as_str),
        Some("3000000")
    );
    assert_eq!(
        v.fields.get(field::PLAN_REVENUE).map(String::as_str),
        Some("1200000")
    );
    assert_eq!(v.required.len(), 4, "the programme's documents are slots");
    assert!(v.mine && !v.operator);
    // Staff do not apply.
    let refused = open(&w.t.db, Some(&w.operator), PROGRAM, today()).await;
    assert!(
        matches!(refused, Err(ServiceError::Denied(Denied::Forbidden))),
        "{refused:?}"
    );
}

#[tokio::test]
async fn two_saves_on_the_same_version_one_wins_the_other_is_told_of_the_conflict() {
    let w = world().await;
    let id = open(&w.t.db, Some(&w.applicant), PROGRAM, today())
        .await
        .expect("opens");
    let a = vec![(field::PURPOSE.to_owned(), "Трактор".to_owned())];
    let b = vec![(field::PURPOSE.to_owned(), "Теплица".to_owned())];
    let (a, b) = (draft(&a), draft(&b));
    let (ra, rb) = tokio::join!(
        save_draft(&w.t.db, Some(&w.applicant), id, 1, &a),
        save_draft(&w.t.db, Some(&w.applicant), id, 1, &b),
    );
    let wins = [&ra, &rb].iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{ra:?} {rb:?}");
    let loser = if ra.is_ok() { rb } else { ra };
    let e = loser.expect_err("conflict");
    assert_eq!(
        field_of(&e),
        Some(("version", &Problem::Conflict { current: 2 }))
    );
    assert!(e.to_string().contains("version") || matches!(e, ServiceError::Invalid(_)));
    // Saving again what is already saved (an autosave raced the form's own post) is no
    // conflict: there is nothing to lose.
    let v = view(&w.t.db, Some(&w.applicant), id, today())
        .await
        .expect("view");
    let same = vec![(field::PURPOSE.to_owned(), v.fields[field::PURPOSE].clone())];
    assert_eq!(
        save_draft(&w.t.db, Some(&w.applicant), id, 1, &draft(&same))
            .await
            .expect("same"),
        2
    );
}

#[tokio::test]
async fn submitting_checks_every_field_against_the_programme_and_keeps_what_was_typed() {
    let w = world().await;
    let id = open(&w.t.db, Some(&w.applicant), PROGRAM, today())
        .await
        .expect("opens");
    let mut fields = complete();
    fields[0].1 = "99 000 000".into();
    let v = save_draft(&w.t.db, Some(&w.applicant), id, 1, &draft(&fields))
        .await
        .expect("a draft keeps anything");
    let e = w
        .step(&w.applicant, id, Step::Submit, StepInput::default())
        .await
        .expect_err("too much");
    assert!(
        matches!(
            field_of(&e),
            Some(("amount", Problem::AmountAboveCap { .. }))
        ),
        "{e:?}"
    );
    let kept = view(&w.t.db, Some(&w.applicant), id, today())
        .await
        .expect("view");
    assert_eq!(kept.summary.state, State::Draft);
    assert_eq!(
        kept.summary.version, v,
        "a refused submission changes nothing"
    );
    assert_eq!(kept.fields[field::AMOUNT], "99 000 000");
    assert_eq!(kept.fields[field::PURPOSE], "Покупка пяти нетелей");

    let mut fields = complete();
    fields.retain(|(k, _)| k != field::PLAN_JOBS);
    fields.push((field::PLAN_JOBS.into(), String::new()));
    save_draft(&w.t.db, Some(&w.applicant), id, v, &draft(&fields))
        .await
        .expect("saves");
    let e = w
        .step(&w.applicant, id, Step::Submit, StepInput::default())
        .await
        .expect_err("missing");
    assert_eq!(field_of(&e), Some(("plan_jobs", &Problem::Required)));
}

#[tokio::test]
async fn the_whole_loop_is_recorded_event_by_event_and_tells_the_right_people() {
    let w = world().await;
    let id = w.submitted().await;
    // The operator's staff hear of the submission; the applicant of the operator's steps.
    assert_eq!(
        db::alerts::unread(&w.t.db, w.operator.user_id)
            .await
            .expect("unread"),
        1
    );
    w.step(&w.operator, id, Step::StartReview, StepInput::default())
        .await
        .expect("review");
    let e = w
        .step(&w.operator, id, Step::RequestInfo, StepInput::default())
        .await
        .expect_err("a request names what it asks for");
    assert_eq!(field_of(&e), Some(("items", &Problem::Required)));
    let e = w
        .step(
            &w.operator,
            id,
            Step::RequestInfo,
            StepInput {
                items: vec!["Справка".into()],
                ..StepInput::default()
            },
        )
        .await
        .expect_err("a request says by when");
    assert_eq!(field_of(&e), Some(("due_on", &Problem::Required)));
    let ask = StepInput {
        items: vec!["Справка о составе семьи\nФото фермы".into()],
        fields: decision(Step::RequestInfo, 0, today()),
        ..StepInput::default()
    };
    w.step(&w.operator, id, Step::RequestInfo, ask)
        .await
        .expect("asks");
    let v = view(&w.t.db, Some(&w.applicant), id, today())
        .await
        .expect("view");
    assert_eq!(v.summary.state, State::InfoRequested);
    assert_eq!(
        v.open_request,
        vec!["Справка о составе семьи", "Фото фермы"]
    );

    let uploads = tempfile::tempdir().expect("dir");
    let png = [
        &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..],
        b"picture",
    ]
    .concat();
    attach(
        &w.t.db,
        uploads.path(),
        Some(&w.applicant),
        id,
        None,
        "ferma.png",
        &png,
        today(),
    )
    .await
    .expect("attaches to an answer");
    let answer = StepInput {
        answer: Some("Прилагаю фото и справку".into()),
        ..StepInput::default()
    };
    w.step(&w.applicant, id, Step::Answer, answer)
        .await
        .expect("answers");
    let e = w
        .step(&w.applicant, id, Step::Approve, StepInput::default())
        .await
        .expect_err("an applicant does not approve");
    assert!(
        matches!(field_of(&e), Some(("step", Problem::NotNow { .. }))),
        "{e:?}"
    );
    let e = w
        .step(&w.operator, id, Step::Approve, StepInput::default())
        .await
        .expect_err("an approval names its amount");
    assert_eq!(field_of(&e), Some(("approved_amount", &Problem::Required)));
    let approve = StepInput {
        fields: decision(Step::Approve, 2_000_000, today()),
        ..StepInput::default()
    };
    w.step(&w.operator, id, Step::Approve, approve)
        .await
        .expect("approves");
    let pay = StepInput {
        fields: decision(Step::Disburse, 2_000_000, today()),
        ..StepInput::default()
    };
    w.step(&w.operator, id, Step::Disburse, pay)
        .await
        .expect("pays");

    let v = view(&w.t.db, Some(&w.applicant), id, today())
        .await
        .expect("view");
    assert_eq!(v.summary.state, State::Disbursed);
    let steps: Vec<&str> = v.events.iter().map(|e| e.step.as_str()).collect();
    assert_eq!(
        steps,
        [
            "create",
            "submit",
            "start_review",
            "request_info",
            "answer",
            "approve",
            "disburse"
        ]
    );
    assert_eq!(v.events[3].actor_role.map(Role::as_str), Some("operator"));
    assert!(v.events[3].actor_name.is_none(), "staff appear by role");
    assert_eq!(v.documents.len(), 1);
    // Four operator steps: four notices and four e-mails (Kazakh and Russian) for the applicant.
    assert_eq!(
        db::alerts::unread(&w.t.db, w.applicant.user_id)
            .await
            .expect("unread"),
        4
    );
    crate::ssr::testing::deliver(&w.t.db, &w.mail).await;
    let mails = w.mail.0.lock().map(|m| m.clone()).unwrap_or_default();
    assert_eq!(mails.len(), 4);
    assert!(
        mails[1].body.contains("Запрошены сведения")
            && mails[1].body.contains("Мәліметтер сұралды"),
        "{}",
        mails[1].body
    );
    assert!(
        mails[1]
            .body
            .contains(&format!("https://auyl.example/applications/{id}"))
    );
    // Once final, the person may apply to the programme again.
    let again = open(&w.t.db, Some(&w.applicant), PROGRAM, today())
        .await
        .expect("opens");
    assert_ne!(again, id);
}

#[tokio::test]
async fn e_mails_go_out_in_the_language_the_applicant_reads() {
    let w = world().await;
    let id = w.submitted().await;
    w.step(&w.operator, id, Step::StartReview, StepInput::default())
        .await
        .expect("review");
    db::accounts::set_lang(&w.t.db, w.applicant.user_id, crate::domain::i18n::Lang::En)
        .await
        .expect("remembers English");
    let ask = StepInput {
        items: vec!["Family certificate".into()],
        fields: decision(Step::RequestInfo, 0, today()),
        ..StepInput::default()
    };
    w.step(&w.operator, id, Step::RequestInfo, ask)
        .await
        .expect("asks");

    crate::ssr::testing::deliver(&w.t.db, &w.mail).await;
    let mails = w.mail.0.lock().map(|m| m.clone()).unwrap_or_default();
    assert_eq!(mails.len(), 2);
    // No language on record yet: Kazakh, then Russian.
    assert!(
        mails[0].subject.starts_with(&format!("№{id} өтінім"))
            && mails[0].subject.contains(&format!(" / Заявка №{id}")),
        "{}",
        mails[0].subject
    );
    // English on record: English alone.
    assert_eq!(
        mails[1].subject,
        format!("Application No. {id}: Information requested")
    );
    assert!(
        mails[1]
            .body
            .starts_with(&format!("Your application No. {id}"))
            && !mails[1].body.contains("Ваша заявка")
            && !mails[1].body.contains("өтініміңіз"),
        "{}",
        mails[1].body
    );
}

#[tokio::test]
async fn a_double_submit_makes_one_submission() {
    let w = world().await;
    let id = open(&w.t.db, Some(&w.applicant), PROGRAM, today())
        .await
        .expect("opens");
    let v = save_draft(&w.t.db, Some(&w.applicant), id, 1, &draft(&complete()))
        .await
        .expect("saves");
    let notifier = w.notifier();
    let input = StepInput::default();
    let submit = || {
        super::step(
            &w.t.db,
            &notifier,
            Some(&w.applicant),
            id,
            v,
            Step::Submit,
            &input,
            today(),
        )
    };
    let (a, b) = tokio::join!(submit(), submit());
    assert!(
        a.is_ok() && b.is_ok(),
        "both clicks are answered as done: {a:?} {b:?}"
    );
    let events = db::applications::events(&w.t.db, id).await.expect("events");
    assert_eq!(events.iter().filter(|(e, _)| e.step == "submit").count(), 1);
    // A submission sent again long after is still the same one.
    assert!(submit().await.is_ok());
    assert_eq!(
        db::applications::events(&w.t.db, id)
            .await
            .expect("events")
            .len(),
        2
    );
}

#[tokio::test]
async fn only_the_people_concerned_see_an_application_and_only_the_right_party_acts() {
    let w = world().await;
    let draft = open(&w.t.db, Some(&w.applicant), PROGRAM, today())
        .await
        .expect("opens");
    for who in [&w.operator, &w.akim, &w.other] {
        let r = view(&w.t.db, Some(who), draft, today()).await;
        assert!(
            matches!(r, Err(ServiceError::NotFound)),
            "a draft is its author's: {r:?}"
        );
    }
    let id = w.submitted().await;
    for who in [&w.applicant, &w.operator, &w.akim] {
        view(&w.t.db, Some(who), id, today())
            .await
            .expect("may read");
    }
    for who in [&w.other, &w.other_operator, &w.other_akim] {
        let r = view(&w.t.db, Some(who), id, today()).await;
        assert!(matches!(r, Err(ServiceError::NotFound)), "{r:?}");
    }
    let r = w
        .step(&w.akim, id, Step::StartReview, StepInput::default())
        .await;
    assert!(
        matches!(r, Err(ServiceError::Denied(Denied::Forbidden))),
        "an akim reads, does not decide: {r:?}"
    );
    let r = w
        .step(
            &w.other_operator,
            id,
            Step::StartReview,
            StepInput::default(),
        )
        .await;
    assert!(matches!(r, Err(ServiceError::NotFound)), "{r:?}");
    let r = w
        .step(&w.applicant, id, Step::StartReview, StepInput::default())
        .await;
    assert!(matches!(
        field_of(r.as_ref().expect_err("refused")),
        Some(("step", _))
    ));
}

#[tokio::test]
async fn documents_are_recognised_by_content_and_bounded_in_size() {
    let w = world().await;
    let id = open(&w.t.db, Some(&w.applicant), PROGRAM, today())
        .await
        .expect("opens");
    let dir = tempfile::tempdir().expect("dir");
    let up = |name: &'static str, bytes: Vec<u8>| {
        let dir = dir.path().to_path_buf();
        let db = w.t.db.clone();
        let who = w.applicant.clone();
        async move { attach(&db, &dir, Some(&who), id, Some(0), name, &bytes, today()).await }
    };
    let e = up("pasport.pdf", b"MZ\x90\x00 not a pdf at all".to_vec())
        .await
        .expect_err("an exe named .pdf");
    assert_eq!(field_of(&e), Some(("document", &Problem::FileType)));
    let big = [b"%PDF-1.7\n".to_vec(), vec![b'0'; form::MAX_DOCUMENT]].concat();
    let e = up("big.pdf", big).await.expect_err("too large");
    assert_eq!(
        field_of(&e),
        Some(("document", &Problem::FileTooLarge { max_mb: 10 }))
    );
    let pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
    let d = up("../../etc/Паспорт.pdf", pdf.clone())
        .await
        .expect("a PDF");
    assert_eq!(d.content_type, "application/pdf");
    assert_eq!(
        d.file_name, "Паспорт.pdf",
        "only the last part of a path is kept"
    );
    let stored = std::fs::read_dir(dir.path()).expect("dir").count();
    assert_eq!(stored, 1);
    let (_, path) = document(&w.t.db, dir.path(), Some(&w.applicant), id, d.id)
        .await
        .expect("readable");
    assert_eq!(std::fs::read(&path).expect("bytes"), pdf);
    assert_eq!(
        path.file_name().and_then(|n| n.to_str()).map(str::len),
        Some(64)
    );
    let r = document(&w.t.db, dir.path(), Some(&w.other), id, d.id).await;
    assert!(
        matches!(r, Err(ServiceError::NotFound)),
        "another person cannot fetch it: {r:?}"
    );
    // A new file for the same slot replaces the old one on the page.
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], b"jfif"].concat();
    up("scan.jpg", jpeg).await.expect("a JPEG");
    let v = view(&w.t.db, Some(&w.applicant), id, today())
        .await
        .expect("view");
    assert_eq!(v.documents.len(), 1);
    assert_eq!(
        v.required[0]
            .attached
            .as_ref()
            .map(|d| d.content_type.as_str()),
        Some("image/jpeg")
    );
}

#[tokio::test]
async fn the_decision_time_comes_from_past_decisions_with_the_waiting_left_out() {
    let w = world().await;
    let program_id = db::catalog::find_by_slug(&w.t.db, PROGRAM)
        .await
        .expect("query")
        .expect("programme")
        .0;
    assert_eq!(
        decision_estimate(&w.t.db, program_id)
            .await
            .expect("estimate"),
        None
    );
    // Ten past decisions: submitted, then decided `days` later, with a 2-day wait for the
    // applicant in each. Written the way the service writes (state change + event), with the
    // times chosen: events are append-only, so they are made right, not corrected.
    let start = Utc::now() - Duration::days(60);
    let at = |d: i64| start + Duration::days(d);
    for days in 1..=10i64 {
        let id = open(&w.t.db, Some(&w.applicant), PROGRAM, today())
            .await
            .expect("opens");
        let txn = sea_orm::TransactionTrait::begin(&w.t.db)
            .await
            .expect("txn");
        let history = [
            ("submit", State::Draft, State::Submitted, at(0)),
            (
                "request_info",
                State::Submitted,
                State::InfoRequested,
                at(0) + Duration::hours(1),
            ),
            (
                "answer",
                State::InfoRequested,
                State::InReview,
                at(2) + Duration::hours(1),
            ),
            ("approve", State::InReview, State::Approved, at(days + 2)),
        ];
        for (n, (step, from, to, when)) in (1..).zip(history) {
            let changes = Changes {
                decided: to == State::Approved,
                close: to == State::Approved,
                ..Changes::default()
            };
            let moved = db::applications::transition(
                &txn,
                id,
                n,
                from.as_str(),
                to.as_str(),
                &changes,
                when,
            )
            .await
            .expect("moves");
            assert!(moved, "{step}");
            db::applications::append_event(
                &txn,
                &NewEvent {
                    application_id: id,
                    version: n + 1,
                    kind: EventKind::parse(step).expect("a step"),
                    from: Some(from),
                    to,
                    actor: None,
                    role: Role::Operator,
                    reason: None,
                    data: "{}",
                },
                when,
            )
            .await
            .expect("event");
        }
        txn.commit().await.expect("commit");
    }
    let e = decision_estimate(&w.t.db, program_id)
        .await
        .expect("estimate")
        .expect("enough data");
    assert_eq!(e.decisions, 10);
    assert_eq!(e.median_secs, Duration::days(5).num_seconds());
    assert_eq!(e.p90_secs, Duration::days(9).num_seconds());
}

#[tokio::test]
async fn the_events_are_append_only_in_the_database_itself() {
    use sea_orm::ConnectionTrait;
    let w = world().await;
    let id = w.submitted().await;
    for sql in [
        format!("UPDATE application_events SET reason = 'rewritten' WHERE application_id = {id}"),
        format!("DELETE FROM application_events WHERE application_id = {id}"),
    ] {
        let refused = w.t.db.execute_unprepared(&sql).await;
        assert!(refused.is_err(), "{sql} must be refused");
    }
    let events = db::applications::events(&w.t.db, id).await.expect("events");
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|(e, _)| e.reason.is_none()));
}
