//! A year of made-up application history for the demo, so that `make run` shows okrug reports,
//! the akim's workspace and the timelines with something in them.
//!
//! Residents (demo accounts that cannot sign in) of the okrugs of two districts — Семей Г.А.,
//! where the demo akim of 101033000 works, and Арысь Г.А., where the other demo akim works —
//! apply over the last twelve months to the demo programmes; the operator's steps follow at
//! plausible intervals, and the two demo akimats recommend some. The microcredit programme the
//! walkthrough uses is left alone, so that its page still says it has too few decisions to
//! estimate a time. Written straight to the tables with backdated times (the use cases would
//! stamp everything "now"), then every okrug is marked for its report to be computed.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
};

use super::ServiceError;
use crate::domain::account::{Login, Role, Scope};
use crate::domain::location::{KatoCode, Level};
use crate::domain::profile::Profile;
use crate::domain::record::Kind;
use crate::domain::synthetic::Rng;
use crate::ssr::db;
use crate::ssr::db::entities::{
    application_events, applications, locations, programs, recommendation_requests,
    recommendations, users,
};

/// The districts whose okrugs get history.
const DISTRICTS: [&str; 2] = ["1010", "6116"];
/// Residents (one application each).
const RESIDENTS: usize = 360;
/// Programmes the walkthrough and the tests start fresh applications to: no history there.
const UNTOUCHED: [&str; 4] = [
    "auyl-amanaty-microcredit",
    "auyl-amanaty-leasing",
    "auyl-amanaty-repeat-loan",
    "auyl-amanaty-coop-processing",
];
/// The phone numbers of the made-up residents start here.
const FIRST_PHONE: u64 = 77_020_000_000;

struct Step {
    step: &'static str,
    from: Option<&'static str>,
    to: &'static str,
    operator: bool,
    at: DateTime<Utc>,
}

/// Adds the history once (a second call finds the residents and does nothing); returns how many
/// applications it wrote.
pub async fn ensure(
    db: &DatabaseConnection,
    hasher: &crate::ssr::security::PasswordHasher,
    today: NaiveDate,
) -> Result<usize, ServiceError> {
    let first = Login::Phone(format!("+{FIRST_PHONE}"));
    if db::accounts::user_by_login(db, &first).await?.is_some() {
        return Ok(0);
    }
    let Some(cast) = cast(db, today).await? else {
        return Ok(0);
    };

    // Made-up residents cannot sign in: their password is one nobody knows.
    let (secret, _) = crate::ssr::security::new_token()?;
    let hash = hasher.hash(&secret).await?;
    // A fixed seed: every run makes the same history, relative to now.
    let mut rng = Rng::new(20_261_128);
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let mut written = 0;
    for i in 0..RESIDENTS {
        if resident(&txn, &cast, &mut rng, i, &hash, now, today).await? {
            written += 1;
        }
    }
    db::reports::touch_all(&txn).await?;
    txn.commit().await?;
    tracing::info!(applications = written, "added the demo application history");
    Ok(written)
}

/// Who and what the history is made of: the demo operator and akimat, the programmes applied
/// to and the settlements the residents live in.
struct Cast {
    operator: users::Model,
    akimat: Vec<users::Model>,
    program_ids: Vec<i32>,
    /// The programmes that lend: their operator and their rate.
    lenders: std::collections::HashMap<i32, (i32, i32)>,
    settlements: Vec<String>,
}

/// The cast, or `None` when the demo data it needs is not there (nothing to add history to).
async fn cast(db: &DatabaseConnection, today: NaiveDate) -> Result<Option<Cast>, ServiceError> {
    let organisations = db::catalog::organisation_ids(db).await?;
    let operator = users::Entity::find()
        .filter(users::Column::Demo.eq(true))
        .filter(users::Column::Role.eq(Role::Operator.as_str()))
        .one(db)
        .await?;
    let Some(operator) = operator else {
        return Ok(None);
    };
    let akimat: Vec<users::Model> = users::Entity::find()
        .filter(users::Column::Demo.eq(true))
        .filter(users::Column::Role.is_in([Role::Akim.as_str(), Role::AkimatStaff.as_str()]))
        .all(db)
        .await?;
    let mut program_ids = Vec::new();
    for c in db::catalog::open_candidates(db, today).await? {
        if UNTOUCHED.contains(&c.slug.as_str()) {
            continue;
        }
        if let Some(p) = db::catalog::find_by_slug(db, &c.slug).await? {
            program_ids.push(p.0);
        }
    }
    if program_ids.is_empty() || organisations.is_empty() {
        return Ok(None);
    }
    let lenders = programs::Entity::find()
        .filter(programs::Column::Id.is_in(program_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| p.term_months_max.is_some())
        .map(|p| {
            (
                p.id,
                (
                    p.organisation_id,
                    p.rate_min_bps.or(p.rate_max_bps).unwrap_or(600),
                ),
            )
        })
        .collect();
    let mut settlements: Vec<String> = Vec::new();
    for d in DISTRICTS {
        let codes: Vec<String> = locations::Entity::find()
            .select_only()
            .column(locations::Column::Code)
            .filter(locations::Column::Level.eq(Level::Settlement.as_i16()))
            .filter(locations::Column::Code.between(format!("{d}00000"), format!("{d}99999")))
            .into_tuple()
            .all(db)
            .await?;
        settlements.extend(codes);
    }
    if settlements.is_empty() {
        return Ok(None);
    }
    Ok(Some(Cast {
        operator,
        akimat,
        program_ids,
        lenders,
        settlements,
    }))
}

/// One application as made up, before it is written.
struct Filed {
    resident: i32,
    program: i32,
    settlement: String,
    amount: i64,
    jobs: i64,
    purpose: &'static str,
    submitted: DateTime<Utc>,
}

/// The `i`th made-up resident: their account and profile and, for most, an application with
/// its history. Returns whether an application was written.
async fn resident(
    txn: &DatabaseTransaction,
    cast: &Cast,
    rng: &mut Rng,
    i: usize,
    hash: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<bool, ServiceError> {
    let settlement = rng.pick(&cast.settlements).clone();
    let Ok(code) = KatoCode::parse(&settlement) else {
        return Ok(false);
    };
    let Some(okrug) = code.okrug() else {
        return Ok(false);
    };
    let login = Login::Phone(format!("+{}", FIRST_PHONE + i as u64));
    let resident = db::accounts::insert_user(
        txn,
        db::accounts::NewUser {
            login: &login,
            password_hash: hash.to_owned(),
            display_name: NAMES[i % NAMES.len()],
            role: Role::Entrepreneur,
            scope: &Scope::None,
            demo: true,
        },
    )
    .await?;
    let profile = Profile {
        settlement: Some(code.clone()),
        ..Profile::default()
    };
    db::profiles::save(txn, resident, &profile).await?;
    // One in five registered residents has not applied yet.
    if rng.chance(20) {
        return Ok(false);
    }
    let program = *rng.pick(&cast.program_ids);
    let amount = 500_000 + 100_000 * rng.below(60) as i64;
    let jobs = 1 + rng.below(4) as i64;
    let submitted =
        now - Duration::days(rng.below(360) as i64 + 5) - Duration::hours(rng.below(10) as i64);
    let path = path(rng, submitted);
    // Nothing lies in the future.
    if path.at > now {
        return Ok(false);
    }
    let filed = Filed {
        resident,
        program,
        settlement,
        amount,
        jobs,
        purpose: PURPOSES[i % PURPOSES.len()],
        submitted,
    };
    let id = insert_application(txn, &filed, &path).await?;
    insert_events(txn, cast, rng, &filed, id, &path.steps).await?;
    recommend(txn, cast, rng, &okrug, id, submitted).await?;
    if path.state == "disbursed" {
        let paid_out = (path.at + Duration::hours(5)).date_naive().min(today);
        demo_reports(txn, id, filed.amount, paid_out, today).await?;
    }
    if path.state == "disbursed"
        && let Some(&(organisation, rate_bps)) = cast.lenders.get(&program)
    {
        let paid_out = (path.at + Duration::hours(5)).date_naive().min(today);
        demo_loan(
            txn,
            (id, organisation, program),
            &okrug,
            filed.amount,
            rate_bps,
            paid_out,
            today,
            now,
        )
        .await?;
    }
    Ok(true)
}

/// The reports a paid made-up resident filed after the payment (the usual requirements: the
/// use of funds within 90 days, the results after a year): most on time and accepted, some
/// late, some not filed though due, a few returned with a reason; results from those paid
/// long enough ago. From the application's own random stream.
async fn demo_reports(
    txn: &DatabaseTransaction,
    id: i32,
    amount_kzt: i64,
    paid_out: NaiveDate,
    today: NaiveDate,
) -> Result<(), ServiceError> {
    use crate::domain::followup::{Purchase, ReportData, ReportKind, ReportState, Requirements};
    use crate::ssr::db::entities::followup_reports;
    let mut rng = Rng::new(u64::try_from(id).unwrap_or(0) * 104_729 + 3);
    let at = |d: NaiveDate| {
        d.and_hms_opt(6 + rng_hour(id), 0, 0)
            .unwrap_or_default()
            .and_utc()
            .fixed_offset()
    };
    for (kind, due) in Requirements::default().due(paid_out) {
        // Filed some days before or after the due date, or (one in ten) not at all.
        if rng.chance(10) {
            continue;
        }
        let offset = rng.below(40) as i64 - 30;
        let filed_on = (due + Duration::days(offset)).max(paid_out + Duration::days(5));
        if filed_on > today {
            continue;
        }
        let data = match kind {
            ReportKind::UseOfFunds => ReportData {
                items: vec![
                    Purchase {
                        what: PURCHASES[rng.below(PURCHASES.len())].to_owned(),
                        amount_kzt: amount_kzt * 9 / 10,
                    },
                    Purchase {
                        what: PURCHASES[rng.below(PURCHASES.len())].to_owned(),
                        amount_kzt: amount_kzt / 10,
                    },
                ],
                ..ReportData::default()
            },
            ReportKind::Results => {
                let jobs = 1 + rng.below(4) as u32;
                ReportData {
                    jobs_created: Some(jobs),
                    jobs_young: Some(rng.below(jobs as usize + 1) as u32),
                    jobs_women: Some(rng.below(jobs as usize + 1) as u32),
                    revenue_kzt: Some(amount_kzt * (8 + rng.below(10) as i64) / 10),
                    ..ReportData::default()
                }
            }
        };
        let returned = kind == ReportKind::UseOfFunds && rng.chance(8);
        let decided = filed_on + Duration::days(3);
        let (state, reason) = if decided > today {
            (ReportState::Submitted, None)
        } else if returned {
            (
                ReportState::Returned,
                Some("Нет накладной на вторую покупку: приложите её, пожалуйста.".to_owned()),
            )
        } else {
            (ReportState::Accepted, None)
        };
        followup_reports::Entity::insert(followup_reports::ActiveModel {
            id: NotSet,
            application_id: Set(id),
            kind: Set(kind.as_str().to_owned()),
            version: Set(1),
            due_on: Set(due),
            state: Set(state.as_str().to_owned()),
            data: Set(serde_json::to_string(&data)?),
            submitted_at: Set(at(filed_on)),
            decided_by: Set(None),
            decided_at: Set((state != ReportState::Submitted).then(|| at(decided))),
            reason: Set(reason),
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

/// An hour of the working day for application `id`'s made-up filings.
fn rng_hour(id: i32) -> u32 {
    u32::try_from(id.rem_euclid(8)).unwrap_or(0)
}

/// What the made-up residents bought.
const PURCHASES: [&str; 6] = [
    "Нетели, 3 головы",
    "Корма на зиму",
    "Доильный аппарат",
    "Семена пшеницы",
    "Теплица, каркас и плёнка",
    "Ремонт трактора МТЗ-82",
];

/// How a made-up borrower repays: most on time, some late, some who stopped.
#[derive(Clone, Copy)]
enum Borrower {
    OnTime,
    /// Pays each instalment this many days late.
    Late(i64),
    /// Paid the first instalments, then stopped.
    Stopped(usize),
    /// Pays half of each instalment.
    Partly,
}

/// A disbursed demo application's loan: 24 months at its programme's rate, and the repayments
/// its made-up borrower made up to `today` (from its own random stream, so that the rest of the
/// history is the same with or without loans).
#[expect(clippy::too_many_arguments, reason = "the loan's parts, one by one")]
async fn demo_loan(
    txn: &DatabaseTransaction,
    (id, organisation, program): (i32, i32, i32),
    okrug: &KatoCode,
    amount_kzt: i64,
    rate_bps: i32,
    paid_out: NaiveDate,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    use crate::domain::loan::{Grace, Loan, Method, Season};
    use crate::domain::money::Tiyn;
    use crate::domain::repayment::{Repayment, instalments};
    let mut rng = Rng::new(u64::try_from(id).unwrap_or(0) * 7919 + 17);
    let loan = Loan {
        amount: Tiyn(amount_kzt * 100),
        rate_bps,
        term_months: 24,
        grace_months: if rng.chance(30) { 3 } else { 0 },
        grace: Grace::InterestOnly,
        method: if rng.chance(25) {
            Method::Differentiated
        } else {
            Method::Annuity
        },
        season: Season::default(),
    };
    let schedule = instalments(&loan.schedule(), paid_out);
    db::loans::create(
        txn,
        &db::loans::NewLoan {
            application_id: id,
            organisation_id: organisation,
            program_id: program,
            okrug_code: Some(okrug.as_str()),
            disbursed_on: paid_out,
            loan,
        },
        &schedule,
        now,
    )
    .await?;
    let borrower = match rng.below(100) {
        0..=69 => Borrower::OnTime,
        70..=81 => Borrower::Late(3 + rng.below(40) as i64),
        82..=93 => Borrower::Stopped(rng.below(6)),
        _ => Borrower::Partly,
    };
    for (n, i) in schedule.iter().enumerate() {
        let (paid_on, amount) = match borrower {
            Borrower::OnTime => (i.due_on - Duration::days(rng.below(4) as i64), i.amount()),
            Borrower::Late(days) => (i.due_on + Duration::days(days), i.amount()),
            Borrower::Stopped(k) if n < k => (i.due_on, i.amount()),
            Borrower::Stopped(_) => break,
            Borrower::Partly => (i.due_on, Tiyn(i.amount().0 / 2)),
        };
        if paid_on > today || amount.0 <= 0 {
            break;
        }
        let reference = format!("DEMO-{id}-{}", i.number);
        let repayment = Repayment {
            reference,
            paid_on,
            amount,
            reverses: None,
        };
        db::loans::insert_repayment(
            txn,
            &db::loans::NewRepayment {
                application_id: id,
                organisation_id: organisation,
                repayment,
                source: "csv",
                recorded_by: None,
                api_key_id: None,
            },
            now,
        )
        .await?;
    }
    let mut moves = db::loans::Moves::default();
    db::loans::restand(txn, id, now, &mut moves).await?;
    moves.write(txn).await.map_err(ServiceError::from)
}

/// The steps an application took after it was submitted, and where they left it.
struct Path {
    steps: Vec<Step>,
    /// The state after the last step.
    state: &'static str,
    decided: Option<DateTime<Utc>>,
    /// When the last step was taken.
    at: DateTime<Utc>,
}

/// Of a hundred applications about 8 are withdrawn, 7 still wait, 10 are in review and 75 are
/// decided, 72 % of those approved and three in four of the approved paid out.
fn path(rng: &mut Rng, submitted: DateTime<Utc>) -> Path {
    let mut steps = vec![Step {
        step: "submit",
        from: Some("draft"),
        to: "submitted",
        operator: false,
        at: submitted,
    }];
    let mut at = submitted;
    let mut state = "submitted";
    let mut decided = None;
    let roll = rng.below(100);
    if roll < 8 {
        at += Duration::days(1 + rng.below(10) as i64);
        steps.push(Step {
            step: "withdraw",
            from: Some(state),
            to: "withdrawn",
            operator: false,
            at,
        });
        state = "withdrawn";
    } else if roll >= 15 {
        at += Duration::days(1 + rng.below(12) as i64);
        steps.push(Step {
            step: "start_review",
            from: Some(state),
            to: "in_review",
            operator: true,
            at,
        });
        state = "in_review";
        if roll >= 25 {
            at += Duration::days(3 + rng.below(40) as i64);
            let approve = rng.chance(72);
            let (step, to) = if approve {
                ("approve", "approved")
            } else {
                ("reject", "rejected")
            };
            steps.push(Step {
                step,
                from: Some(state),
                to,
                operator: true,
                at,
            });
            state = to;
            decided = Some(at);
            if approve && rng.chance(75) {
                at += Duration::days(2 + rng.below(25) as i64);
                steps.push(Step {
                    step: "disburse",
                    from: Some(state),
                    to: "disbursed",
                    operator: true,
                    at,
                });
                state = "disbursed";
            }
        }
    }
    Path {
        steps,
        state,
        decided,
        at,
    }
}

/// The application row, in the state its path left it; returns its id.
async fn insert_application(
    txn: &DatabaseTransaction,
    filed: &Filed,
    path: &Path,
) -> Result<i32, ServiceError> {
    let (amount, submitted, state, at) = (filed.amount, filed.submitted, path.state, path.at);
    let data = serde_json::json!({
        "amount_kzt": amount,
        "term_months": 36,
        "purpose": filed.purpose,
        "plan": {"activity": filed.purpose, "costs_kzt": amount + 200_000, "revenue_kzt": amount, "jobs": filed.jobs},
        "collateral": null,
    });
    let row = applications::ActiveModel {
        id: NotSet,
        user_id: Set(filed.resident),
        program_id: Set(filed.program),
        state: Set(state.to_owned()),
        version: Set(path.steps.len() as i32 + 1),
        data: Set(data.to_string()),
        amount_kzt: Set(Some(amount)),
        settlement_code: Set(Some(filed.settlement.clone())),
        open_key: Set(None),
        created_at: Set((submitted - Duration::hours(1)).fixed_offset()),
        updated_at: Set(at.fixed_offset()),
        submitted_at: Set(Some(submitted.fixed_offset())),
        decided_at: Set(path.decided.map(|d| d.fixed_offset())),
        approved_kzt: Set(matches!(state, "approved" | "disbursed").then_some(amount)),
        disbursed_kzt: Set((state == "disbursed").then_some(amount)),
        state_at: Set(Some(at.fixed_offset())),
        info_due_on: Set(None),
    };
    Ok(applications::Entity::insert(row)
        .exec(txn)
        .await?
        .last_insert_id)
}

/// The application's events: made an hour before it was submitted, then each step of its path,
/// by the resident or the operator.
async fn insert_events(
    txn: &DatabaseTransaction,
    cast: &Cast,
    rng: &mut Rng,
    filed: &Filed,
    id: i32,
    steps: &[Step],
) -> Result<(), ServiceError> {
    let (resident, operator) = (filed.resident, &cast.operator);
    let mut events = vec![event(
        id,
        1,
        "create",
        None,
        "draft",
        resident,
        "entrepreneur",
        filed.submitted - Duration::hours(1),
        None,
    )];
    for (n, s) in steps.iter().enumerate() {
        let (actor, role) = if s.operator {
            (operator.id, operator.role.as_str())
        } else {
            (resident, "entrepreneur")
        };
        let reason = (s.step == "reject").then_some(REJECTIONS[rng.below(REJECTIONS.len())]);
        events.push(event(
            id,
            n as i32 + 2,
            s.step,
            s.from,
            s.to,
            actor,
            role,
            s.at,
            reason,
        ));
    }
    application_events::Entity::insert_many(events)
        .exec_without_returning(txn)
        .await?;
    // Each step on record has its document, as a live one would.
    for s in steps {
        let (kind, amount) = match s.step {
            "submit" => (Kind::Receipt, Some(filed.amount)),
            "approve" => (Kind::Approved, Some(filed.amount)),
            "reject" => (Kind::Rejected, None),
            "disburse" => (Kind::Disbursed, Some(filed.amount)),
            _ => continue,
        };
        let issue = crate::ssr::services::records::Issue {
            application_id: id,
            program_id: filed.program,
            user_id: resident,
            kind,
            amount_kzt: amount,
        };
        crate::ssr::services::records::issue(txn, &issue, s.at).await?;
    }
    Ok(())
}

/// The akimats of the two demo okrugs were asked about some and answered.
async fn recommend(
    txn: &DatabaseTransaction,
    cast: &Cast,
    rng: &mut Rng,
    okrug: &KatoCode,
    id: i32,
    submitted: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let author = cast
        .akimat
        .iter()
        .find(|u| u.okrug_code.as_deref() == Some(okrug.as_str()));
    if let Some(author) = author
        && rng.chance(60)
    {
        let asked = submitted + Duration::hours(2);
        recommendation_requests::Entity::insert(recommendation_requests::ActiveModel {
            application_id: Set(id),
            okrug_code: Set(okrug.to_string()),
            created_at: Set(asked.fixed_offset()),
        })
        .exec_without_returning(txn)
        .await?;
        let yes = rng.chance(80);
        recommendations::Entity::insert(recommendations::ActiveModel {
            id: NotSet,
            application_id: Set(id),
            version: Set(1),
            author_user_id: Set(author.id),
            author_role: Set(author.role.clone()),
            okrug_code: Set(okrug.to_string()),
            verdict: Set(if yes { "recommend" } else { "do_not_recommend" }.to_owned()),
            reasons: Set(if yes {
                r#"["known_to_akimat","local_demand"]"#
            } else {
                r#"["known_to_akimat"]"#
            }
            .to_owned()),
            text: Set(None),
            relationship: Set("none".to_owned()),
            relationship_note: Set(None),
            created_at: Set((asked + Duration::hours(20)).fixed_offset()),
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

#[expect(clippy::too_many_arguments, reason = "one event row, column by column")]
fn event(
    application: i32,
    version: i32,
    step: &str,
    from: Option<&str>,
    to: &str,
    actor: i32,
    role: &str,
    at: DateTime<Utc>,
    reason: Option<&str>,
) -> application_events::ActiveModel {
    application_events::ActiveModel {
        id: NotSet,
        application_id: Set(application),
        version: Set(version),
        step: Set(step.to_owned()),
        from_state: Set(from.map(str::to_owned)),
        to_state: Set(to.to_owned()),
        actor_user_id: Set(Some(actor)),
        actor_role: Set(role.to_owned()),
        reason: Set(reason.map(str::to_owned)),
        data: Set("{}".to_owned()),
        at: Set(at.fixed_offset()),
    }
}

const NAMES: [&str; 8] = [
    "Асхат Нұрланұлы",
    "Гүлмира Сәрсенова",
    "Ерболат Қасымов",
    "Жанар Әлиева",
    "Мейрам Төлеуов",
    "Назгүл Бекова",
    "Серік Омаров",
    "Айнұр Жұмабаева",
];

const PURPOSES: [&str; 6] = [
    "Покупка молодняка КРС",
    "Теплица на 0,1 га",
    "Пасека на 40 ульев",
    "Мини-цех по переработке молока",
    "Покупка трактора МТЗ",
    "Откорм бычков",
];

const REJECTIONS: [&str; 4] = [
    "Недостаточный залог",
    "Бизнес-план не окупается в срок займа",
    "Не представлены документы на землю",
    "Просроченная задолженность по другому кредиту",
];
