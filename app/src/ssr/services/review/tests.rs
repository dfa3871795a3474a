use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::*;
use crate::domain::account::Role;
use crate::domain::application::Step;
use crate::domain::application::form::field;
use crate::domain::location::KatoCode;
use crate::domain::queue::{Assigned, Recommended, States};
use crate::domain::review::DecisionFields;
use crate::ssr::services::applications::{self as apps, Notifier, StepInput};
use crate::ssr::services::seed;
use crate::ssr::testing::{TestDb, concurrent_db, decision, draft, pairs, person, test_db, today};

const PROGRAM: &str = "auyl-amanaty-microcredit";
/// A settlement of okrug 101033000, in region 100000000.
const SETTLEMENT: &str = "101033100";
const REGION: &str = "100000000";

struct Desk {
    t: TestDb,
    operator: Principal,
    colleague: Principal,
    other_operator: Principal,
    program_id: i32,
}

async fn desk_world(t: TestDb) -> Desk {
    seed::ensure_demo(&t.db).await.expect("demo");
    let orgs = db::catalog::organisation_ids(&t.db).await.expect("orgs");
    let org = Scope::Organisation(orgs["agrocredit"]);
    let operator = person(
        &t.db,
        "op@example.kz",
        "Динара",
        Role::Operator,
        org.clone(),
    )
    .await;
    let colleague = person(&t.db, "op3@example.kz", "Ержан", Role::Operator, org).await;
    let other_operator = person(
        &t.db,
        "op2@example.kz",
        "Асель",
        Role::Operator,
        Scope::Organisation(orgs["damu"]),
    )
    .await;
    let program_id = db::catalog::find_by_slug(&t.db, PROGRAM)
        .await
        .expect("find")
        .expect("the demo programme")
        .0;
    Desk {
        t,
        operator,
        colleague,
        other_operator,
        program_id,
    }
}

fn notifier() -> Notifier<'static> {
    Notifier {
        public_url: "http://127.0.0.1",
    }
}

async fn step(
    db: &DatabaseConnection,
    who: &Principal,
    id: i32,
    step: Step,
    fields: DecisionFields,
) -> Result<i32, ServiceError> {
    let version = db::applications::find(db, id)
        .await
        .expect("find")
        .expect("exists")
        .version;
    let input = StepInput {
        reason: (step == Step::Reject).then(|| "Нет расчёта".to_owned()),
        fields,
        ..StepInput::default()
    };
    apps::step(
        db,
        &notifier(),
        Some(who),
        id,
        version,
        step,
        &input,
        today(),
    )
    .await
}

impl Desk {
    /// An application of a new entrepreneur named `name`, submitted, for `amount` tenge, in
    /// `settlement`; taken up for review when `review`.
    async fn application(&self, name: &str, amount: i64, settlement: &str, review: bool) -> i32 {
        let db = &self.t.db;
        let login = format!("{}@example.kz", name.to_lowercase());
        let who = person(db, &login, name, Role::Entrepreneur, Scope::None).await;
        crate::ssr::services::profiles::save(
            db,
            Some(&who),
            &crate::ssr::testing::profile(&[
                ("amount".into(), amount.to_string()),
                ("settlement".into(), settlement.into()),
            ]),
        )
        .await
        .expect("profile");
        let id = apps::open(db, Some(&who), PROGRAM, today())
            .await
            .expect("opens");
        let form: Vec<(String, String)> = [
            (field::AMOUNT, amount.to_string()),
            (field::TERM, "36".into()),
            (field::PURPOSE, "Покупка нетелей".into()),
            (field::PLAN_ACTIVITY, "Молочная ферма".into()),
            (field::PLAN_COSTS, amount.to_string()),
            (field::PLAN_REVENUE, "2400000".into()),
            (field::PLAN_JOBS, "2".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        apps::save_draft(db, Some(&who), id, 1, &draft(&form))
            .await
            .expect("saves");
        step(db, &who, id, Step::Submit, DecisionFields::default())
            .await
            .expect("submits");
        if review {
            step(
                db,
                &self.operator,
                id,
                Step::StartReview,
                DecisionFields::default(),
            )
            .await
            .expect("review");
        }
        id
    }

    async fn envelope(&self, area: &str) -> budget_envelope::Model {
        db::reviews::envelopes(&self.t.db, self.program_id)
            .await
            .expect("envelopes")
            .into_iter()
            .find(|e| e.area == area)
            .expect("envelope")
    }

    async fn state(&self, id: i32) -> String {
        db::applications::find(&self.t.db, id)
            .await
            .expect("find")
            .expect("exists")
            .state
    }
}

use crate::ssr::db::entities::budget_envelopes as budget_envelope;

/// The scoring form's door: the posted fields read into the typed sheet, then the use case.
async fn score_posted(
    db: &DatabaseConnection,
    who: &Principal,
    id: i32,
    fields: &[(String, String)],
) -> Result<(), ServiceError> {
    let scoring = Scoring::from_pairs(fields)?;
    score(db, Some(who), id, &scoring).await
}

fn problem(e: &ServiceError) -> Option<(&str, &Problem)> {
    match e {
        ServiceError::Invalid(f) => Some((f.field.as_str(), &f.problem)),
        _ => None,
    }
}

/// Approves every one of `ids` for `amount` at once, each on its own task.
async fn approve_all(w: &Desk, ids: &[i32], amount: i64) -> Vec<Result<i32, ServiceError>> {
    let tasks: Vec<_> = ids
        .iter()
        .map(|id| {
            let db = w.t.db.clone();
            let who = w.operator.clone();
            let id = *id;
            tokio::spawn(async move {
                step(
                    &db,
                    &who,
                    id,
                    Step::Approve,
                    decision(Step::Approve, amount, today()),
                )
                .await
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_approvals_never_overspend_a_nearly_exhausted_budget() {
    let w = desk_world(concurrent_db().await).await;
    db::reviews::set_envelope(&w.t.db, w.program_id, WHOLE, 5_000_000, Utc::now())
        .await
        .expect("envelope");
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(
            w.application(&format!("Fermer{n}"), 2_000_000, SETTLEMENT, true)
                .await,
        );
    }
    let results = approve_all(&w, &ids, 2_000_000).await;
    let approved = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(approved, 2, "{results:?}");
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(
            problem(r),
            Some((
                "approved_amount",
                &Problem::BudgetExceeded {
                    area: String::new(),
                    remaining_kzt: 1_000_000,
                    requested_kzt: 2_000_000,
                }
            )),
            "refused with the figures"
        );
    }
    let e = w.envelope(WHOLE).await;
    assert_eq!((e.total_kzt, e.approved_kzt), (5_000_000, 4_000_000));
    let mut states = Vec::new();
    for id in &ids {
        states.push(w.state(*id).await);
    }
    assert_eq!(states.iter().filter(|s| *s == "approved").count(), 2);
    assert_eq!(states.iter().filter(|s| *s == "in_review").count(), 4);
    // What fits still passes: 1,000,000 is exactly what is left.
    let refused = ids
        .iter()
        .zip(&states)
        .find(|(_, s)| *s == "in_review")
        .map(|(id, _)| *id)
        .expect("a refused one");
    step(
        &w.t.db,
        &w.operator,
        refused,
        Step::Approve,
        decision(Step::Approve, 1_000_000, today()),
    )
    .await
    .expect("the last tenge");
    assert_eq!(w.envelope(WHOLE).await.approved_kzt, 5_000_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_region_s_envelope_holds_even_when_the_whole_budget_has_room() {
    let w = desk_world(concurrent_db().await).await;
    let now = Utc::now();
    db::reviews::set_envelope(&w.t.db, w.program_id, WHOLE, 100_000_000, now)
        .await
        .expect("whole");
    db::reviews::set_envelope(&w.t.db, w.program_id, REGION, 3_000_000, now)
        .await
        .expect("region");
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(
            w.application(&format!("Region{n}"), 2_000_000, SETTLEMENT, true)
                .await,
        );
    }
    let results = approve_all(&w, &ids, 2_000_000).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let e = results
        .iter()
        .find_map(|r| r.as_ref().err())
        .expect("refusals");
    match problem(e) {
        Some((
            "approved_amount",
            Problem::BudgetExceeded {
                area,
                remaining_kzt,
                ..
            },
        )) => {
            assert!(!area.is_empty(), "names the region");
            assert_eq!(*remaining_kzt, 1_000_000);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(w.envelope(REGION).await.approved_kzt, 2_000_000);
    assert_eq!(w.envelope(WHOLE).await.approved_kzt, 2_000_000);
    // The database itself refuses a row past its envelope, whatever the code does.
    let bypass =
        w.t.db
            .execute_unprepared("UPDATE budget_envelopes SET approved_kzt = total_kzt + 1")
            .await;
    assert!(bypass.is_err(), "the check constraint holds");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_decisions_on_one_application_at_once_one_wins_the_other_is_told() {
    let w = desk_world(concurrent_db().await).await;
    let id = w.application("Spor", 2_000_000, SETTLEMENT, true).await;
    let version = db::applications::find(&w.t.db, id)
        .await
        .expect("find")
        .expect("exists")
        .version;
    let decide = |who: Principal, s: Step| {
        let db = w.t.db.clone();
        tokio::spawn(async move {
            let input = StepInput {
                reason: Some("Нет расчёта".into()),
                fields: decision(s, 2_000_000, today()),
                ..StepInput::default()
            };
            apps::step(
                &db,
                &notifier(),
                Some(&who),
                id,
                version,
                s,
                &input,
                today(),
            )
            .await
        })
    };
    let a = decide(w.operator.clone(), Step::Approve);
    let b = decide(w.colleague.clone(), Step::Reject);
    let (a, b) = (a.await.expect("task"), b.await.expect("task"));
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    let loser = a.as_ref().err().or(b.as_ref().err()).expect("a loser");
    assert!(
        matches!(problem(loser), Some(("version", Problem::Conflict { .. }))),
        "{loser:?}"
    );
    let state = w.state(id).await;
    let events = db::applications::events(&w.t.db, id).await.expect("events");
    let decisions = events
        .iter()
        .filter(|(e, _)| matches!(e.step.as_str(), "approve" | "reject"))
        .count();
    assert_eq!(decisions, 1, "one decision recorded");
    assert!(state == "approved" || state == "rejected");
}

async fn set_rubric(db: &DatabaseConnection, program_id: i32) {
    let rubric = serde_json::json!([
        {"key": "plan", "ru": "План", "kk": "Жоспар", "weight": 50},
        {"key": "jobs", "ru": "Рабочие места", "kk": "Жұмыс орындары", "weight": 30},
        {"key": "local", "ru": "Местное сырьё", "kk": "Жергілікті шикізат", "weight": 20},
    ]);
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        db.get_database_backend(),
        match db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => "UPDATE programs SET rubric = $1 WHERE id = $2",
            _ => "UPDATE programs SET rubric = ? WHERE id = ?",
        },
        [rubric.to_string().into(), program_id.into()],
    ))
    .await
    .expect("rubric");
}

#[tokio::test]
async fn assigned_reviewers_score_or_abstain_and_the_desk_adds_them_up() {
    let w = desk_world(test_db().await).await;
    set_rubric(&w.t.db, w.program_id).await;
    let id = w.application("Baga", 2_000_000, SETTLEMENT, true).await;
    let db = &w.t.db;
    let scored = pairs(&[
        ("score_plan", "4"),
        ("score_jobs", "3"),
        ("score_local", "5"),
    ]);
    // Not assigned: no score.
    let e = score_posted(db, &w.operator, id, &scored)
        .await
        .expect_err("unassigned");
    assert!(
        matches!(e, ServiceError::Denied(Denied::Forbidden)),
        "{e:?}"
    );
    assign(db, Some(&w.operator), &[id], w.operator.user_id)
        .await
        .expect("assigns");
    assign(db, Some(&w.operator), &[id], w.colleague.user_id)
        .await
        .expect("assigns");
    // Another operator can neither assign nor score here, and cannot tell it exists.
    let e = assign(db, Some(&w.other_operator), &[id], w.other_operator.user_id)
        .await
        .expect_err("not theirs");
    assert!(matches!(e, ServiceError::NotFound), "{e:?}");
    // A stranger is not a reviewer.
    let e = assign(db, Some(&w.operator), &[id], w.other_operator.user_id)
        .await
        .expect_err("not a colleague");
    assert_eq!(problem(&e).map(|p| p.0), Some("reviewer"));

    let e = score_posted(
        db,
        &w.operator,
        id,
        &pairs(&[("score_plan", "4"), ("score_jobs", "9")]),
    )
    .await
    .expect_err("bad scores");
    assert_eq!(problem(&e).map(|p| p.0), Some("score_jobs"));
    score_posted(db, &w.operator, id, &scored)
        .await
        .expect("scores");
    let e = score_posted(db, &w.colleague, id, &pairs(&[("abstain", "1")]))
        .await
        .expect_err("an abstention says why");
    assert_eq!(problem(&e), Some(("conflict", &Problem::Required)));
    score_posted(
        db,
        &w.colleague,
        id,
        &pairs(&[
            ("abstain", "1"),
            ("conflict", "Заявитель — мой двоюродный брат"),
        ]),
    )
    .await
    .expect("abstains");

    let v = apps::view(db, Some(&w.operator), id, today())
        .await
        .expect("view");
    let desk = v.desk.expect("the operator's desk");
    assert_eq!(desk.panel.sheets.len(), 2);
    assert_eq!(desk.panel.mean, Some(390), "the abstention does not count");
    assert_eq!((desk.panel.scored, desk.panel.abstained), (1, 1));
    assert!(desk.assigned_to_me);
    assert!(matches!(desk.mine, Some(Verdict::Scored(_))));
    let abstained = desk
        .panel
        .sheets
        .iter()
        .find(|s| s.name == "Ержан")
        .expect("colleague's sheet");
    assert_eq!(
        abstained.verdict,
        Verdict::Abstained("Заявитель — мой двоюродный брат".into())
    );
    // Scoring again replaces one's own sheet.
    score_posted(
        db,
        &w.operator,
        id,
        &pairs(&[
            ("score_plan", "2"),
            ("score_jobs", "2"),
            ("score_local", "2"),
        ]),
    )
    .await
    .expect("rescores");
    let v = apps::view(db, Some(&w.operator), id, today())
        .await
        .expect("view");
    assert_eq!(v.desk.expect("desk").panel.mean, Some(200));

    // Notes are private to the operator.
    note(db, Some(&w.operator), id, "Позвонить в акимат")
        .await
        .expect("note");
    let e = note(db, Some(&w.operator), id, "   ")
        .await
        .expect_err("empty");
    assert_eq!(problem(&e), Some(("note", &Problem::Required)));
    let v = apps::view(db, Some(&w.operator), id, today())
        .await
        .expect("view");
    assert_eq!(v.desk.expect("desk").notes[0].body, "Позвонить в акимат");
    let applicant = db::applications::find(db, id)
        .await
        .expect("find")
        .expect("exists")
        .user_id;
    let who = crate::ssr::db::accounts::user(db, applicant)
        .await
        .expect("user")
        .and_then(|u| crate::ssr::db::accounts::principal(&u))
        .expect("applicant");
    let v = apps::view(db, Some(&who), id, today()).await.expect("view");
    assert!(
        v.desk.is_none(),
        "the applicant sees no desk, no notes, no scores"
    );

    // After the decision, scores are closed.
    step(
        db,
        &w.operator,
        id,
        Step::Approve,
        decision(Step::Approve, 2_000_000, today()),
    )
    .await
    .expect("approves");
    let e = score_posted(db, &w.operator, id, &scored)
        .await
        .expect_err("decided");
    assert!(
        matches!(problem(&e), Some(("score", Problem::NotNow { .. }))),
        "{e:?}"
    );
}

#[tokio::test]
async fn the_queue_filters_counts_and_exports_what_it_shows() {
    let w = desk_world(test_db().await).await;
    let db = &w.t.db;
    let a = w.application("Alpha", 1_000_000, SETTLEMENT, true).await;
    let b = w.application("Beta", 3_000_000, SETTLEMENT, false).await;
    // In another region (Turkestan), okrug 611633000.
    let c = w.application("Gamma", 2_000_000, "611633100", true).await;
    assign(db, Some(&w.operator), &[a, c], w.colleague.user_id)
        .await
        .expect("assigns");
    step(
        db,
        &w.operator,
        c,
        Step::RequestInfo,
        decision(Step::RequestInfo, 0, today()),
    )
    .await
    .expect_err("items go in StepInput::items (the decision's fields have none)");
    let version = db::applications::find(db, c)
        .await
        .expect("find")
        .expect("c")
        .version;
    apps::step(
        db,
        &notifier(),
        Some(&w.operator),
        c,
        version,
        Step::RequestInfo,
        &StepInput {
            items: vec!["Справка".into()],
            fields: decision(Step::RequestInfo, 0, today()),
            ..StepInput::default()
        },
        today(),
    )
    .await
    .expect("asks");

    let q = |f: &dyn Fn(&mut QueueQuery)| {
        let mut q = QueueQuery {
            page: 1,
            ..QueueQuery::default()
        };
        f(&mut q);
        q
    };
    let ids = |p: &QueuePage| p.rows.iter().map(|r| r.id).collect::<Vec<_>>();

    let all = queue(db, Some(&w.operator), &q(&|_| {}), today())
        .await
        .expect("queue");
    assert_eq!(all.total, 3);
    let count = |p: &QueuePage, s: State| {
        p.counts
            .iter()
            .find(|(st, _)| *st == s)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    assert_eq!(count(&all, State::Submitted), 1);
    assert_eq!(count(&all, State::InReview), 1);
    assert_eq!(count(&all, State::InfoRequested), 1);
    let c_row = all.rows.iter().find(|r| r.id == c).expect("c");
    assert_eq!(c_row.due_on, Some(today() + chrono::Duration::days(14)));
    assert_eq!(c_row.assignees, vec!["Ержан".to_owned()]);
    assert_eq!(c_row.settlement_code.as_deref(), Some("611633100"));
    assert!(all.reviewers.iter().any(|(_, n)| n == "Ержан"));

    let in_review = queue(
        db,
        Some(&w.operator),
        &q(&|q| q.states = States::One(State::InReview)),
        today(),
    )
    .await
    .expect("queue");
    assert_eq!(ids(&in_review), vec![a]);
    // The counts ignore the state chosen: they say what each state would show.
    assert_eq!(count(&in_review, State::Submitted), 1);

    let region = queue(
        db,
        Some(&w.operator),
        &q(&|q| q.area = Some(KatoCode::parse("610000000").expect("code"))),
        today(),
    )
    .await
    .expect("queue");
    assert_eq!(ids(&region), vec![c]);

    let unassigned = queue(
        db,
        Some(&w.operator),
        &q(&|q| q.assigned = Assigned::Nobody),
        today(),
    )
    .await
    .expect("queue");
    assert_eq!(ids(&unassigned), vec![b]);
    let colleagues = queue(
        db,
        Some(&w.colleague),
        &q(&|q| q.assigned = Assigned::Me),
        today(),
    )
    .await
    .expect("queue");
    let mut mine = ids(&colleagues);
    mine.sort_unstable();
    assert_eq!(mine, vec![a, c]);

    let by_amount = queue(
        db,
        Some(&w.operator),
        &q(&|q| q.sort = crate::domain::queue::Sort::Amount),
        today(),
    )
    .await
    .expect("queue");
    assert_eq!(ids(&by_amount), vec![b, c, a]);

    let unrecommended = queue(
        db,
        Some(&w.operator),
        &q(&|q| q.recommended = Some(Recommended::Yes)),
        today(),
    )
    .await
    .expect("queue");
    assert!(unrecommended.rows.is_empty(), "nobody recommended yet");

    // The other operator's queue does not hold these; an entrepreneur has none.
    let theirs = queue(db, Some(&w.other_operator), &q(&|_| {}), today())
        .await
        .expect("queue");
    assert!(theirs.rows.iter().all(|r| ![a, b, c].contains(&r.id)));
    let e = queue(db, None, &q(&|_| {}), today())
        .await
        .expect_err("anonymous");
    assert!(matches!(e, ServiceError::Denied(Denied::SignInRequired)));

    // The CSV holds the view's lines, with a header, by amount.
    let csv = queue_csv(
        db,
        Some(&w.operator),
        &q(&|q| q.sort = crate::domain::queue::Sort::Amount),
        today(),
    )
    .await
    .expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("id,submitted_at,applicant,settlement_code"));
    assert!(lines[1].starts_with(&format!("{b},2026-")), "{}", lines[1]);
    assert!(lines[1].contains(",Beta,101033100,"), "{}", lines[1]);
    assert!(lines[1].contains(",submitted,"), "{}", lines[1]);
    assert!(lines[1].contains(",3000000,"), "{}", lines[1]);
    assert!(lines[2].contains(",info_requested,"), "{}", lines[2]);
    assert!(lines[2].contains(",Ержан,"), "{}", lines[2]);
    assert!(lines[2].ends_with(&(today() + chrono::Duration::days(14)).to_string()));
    let region_csv = queue_csv(
        db,
        Some(&w.operator),
        &q(&|q| q.area = Some(KatoCode::parse("101033000").expect("okrug"))),
        today(),
    )
    .await
    .expect("csv");
    assert_eq!(region_csv.lines().count(), 3);
}

#[test]
fn csv_fields_are_quoted_and_formulas_defused() {
    assert_eq!(csv_field("Айгүл"), "Айгүл");
    assert_eq!(csv_field("a,b"), "\"a,b\"");
    assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    assert_eq!(csv_field("-2+3"), "'-2+3");
}

#[tokio::test]
async fn public_reports_count_the_approved_and_paid_amounts_not_those_asked_for() {
    use crate::domain::report::Shown;
    let w = desk_world(test_db().await).await;
    let db = &w.t.db;
    for n in 0..3 {
        let id = w
            .application(&format!("Money{n}"), 1_000_000, SETTLEMENT, true)
            .await;
        step(
            db,
            &w.operator,
            id,
            Step::Approve,
            decision(Step::Approve, 900_000, today()),
        )
        .await
        .expect("approves less than asked");
        step(
            db,
            &w.operator,
            id,
            Step::Disburse,
            decision(Step::Disburse, 800_000, today()),
        )
        .await
        .expect("pays less than approved");
    }
    let r = crate::ssr::services::reports::report(db, Some("101033000"), today())
        .await
        .expect("report");
    assert_eq!(r.figures.approved_kzt, Shown::Value(2_700_000));
    assert_eq!(r.figures.disbursed_kzt, Shown::Value(2_400_000));
    // And the budget kept the approvals and the payments apart.
    let e = w.envelope(WHOLE).await;
    assert_eq!((e.approved_kzt, e.disbursed_kzt), (2_700_000, 2_400_000));
}
