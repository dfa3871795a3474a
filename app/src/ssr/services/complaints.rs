//! Residents' complaints about an operator's handling of an application or about an okrug's
//! akimat. Filing routes each to whoever answers for it (the rules are
//! `domain::complaint::may_answer`), names an owner and a due date 15 working days on; the
//! answer reaches the resident through the message outbox; a sweep escalates what is late to
//! the platform's staff. The okrug report counts them without their text or author.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::DatabaseConnection;

use super::{ServiceError, messages, signed_in};
use crate::domain::account::{Principal, Role, Scope};
use crate::domain::application::State;
use crate::domain::calendar;
use crate::domain::complaint::{
    self, About, Addressee, ComplaintView, ComplaintsPage, DUE_WORKING_DAYS, Reason, Standing,
    Subject,
};
use crate::domain::i18n::{Lang, Msg, format_date, tf};
use crate::domain::location::KatoCode;
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::Denied;
use crate::ssr::db;
use crate::ssr::db::complaints::Kept;
use crate::ssr::db::entities::{applications, complaints, users};
use crate::ssr::db::messages::Urgency;
use crate::ssr::mail::Mail;
use crate::ssr::services::applications::okrug_of;

/// The form's fields.
const ABOUT: &str = "complaint_about";
const APPLICATION: &str = "complaint_application";
const REASON: &str = "complaint_reason";
const TEXT: &str = "complaint_text";
/// The answer's field.
pub const ANSWER: &str = "complaint_answer";

/// The day in Kazakhstan (UTC+5 all year) of `at`.
fn day_of(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(5)).date_naive()
}

fn addressee(c: &complaints::Model) -> (About, Option<KatoCode>) {
    (
        About::parse(&c.about).unwrap_or(About::Operator),
        c.district_code
            .as_deref()
            .and_then(|d| KatoCode::parse(d).ok()),
    )
}

/// Whether `p` may answer `c` now.
fn answers(p: &Principal, c: &complaints::Model) -> bool {
    let (about, district) = addressee(c);
    complaint::may_answer(
        p,
        &Addressee {
            author: c.author_id,
            about,
            organisation: c.organisation_id,
            district: district.as_ref(),
            escalated: c.escalated_at.is_some(),
        },
    )
}

/// Whether `p` may read `c`.
fn reads(p: &Principal, c: &complaints::Model) -> bool {
    let (about, district) = addressee(c);
    complaint::may_read(
        p,
        &Addressee {
            author: c.author_id,
            about,
            organisation: c.organisation_id,
            district: district.as_ref(),
            escalated: c.escalated_at.is_some(),
        },
    )
}

/// The place `code`, named in `lang`.
async fn place_name(
    db: &DatabaseConnection,
    code: &str,
    lang: Lang,
) -> Result<String, ServiceError> {
    let places = db::locations::places(db, &[code.to_owned()]).await?;
    Ok(places.get(code).map_or_else(
        || code.to_owned(),
        |p| match (&p.name_kk, lang) {
            (Some(kk), Lang::Kk) => kk.clone(),
            _ => p.name_ru.clone(),
        },
    ))
}

/// Organisation `id`, named in `lang`.
async fn organisation_name(
    db: &DatabaseConnection,
    id: i32,
    lang: Lang,
) -> Result<String, ServiceError> {
    Ok(db::catalog::organisation(db, id).await?.map_or_else(
        || id.to_string(),
        |o| match lang {
            Lang::Kk if !o.name_kk.is_empty() => o.name_kk,
            _ => o.name_ru,
        },
    ))
}

/// Who answers a complaint in `scope` in role `role`: its longest-serving active member
/// (`None` while nobody holds the role there).
async fn first_of(
    db: &DatabaseConnection,
    scope: &Scope,
    role: Role,
) -> Result<Option<users::Model>, ServiceError> {
    Ok(db::accounts::staff(db, scope)
        .await?
        .into_iter()
        .find(|u| u.role == role.as_str()))
}

/// The page's complaint `c` as `p` sees it.
async fn view_of(
    db: &DatabaseConnection,
    p: &Principal,
    c: complaints::Model,
    lang: Lang,
    today: NaiveDate,
) -> Result<ComplaintView, ServiceError> {
    let (about, _) = addressee(&c);
    let subject = match (about, c.organisation_id, c.okrug_code.as_deref()) {
        (About::Operator, Some(org), _) => organisation_name(db, org, lang).await?,
        (About::Akimat, _, Some(okrug)) => place_name(db, okrug, lang).await?,
        _ => String::new(),
    };
    let name_of = async |id: Option<i32>| -> Result<Option<String>, ServiceError> {
        Ok(match id {
            Some(id) => db::accounts::user(db, id).await?.map(|u| u.display_name),
            None => None,
        })
    };
    let author = if p.user_id == c.author_id {
        None
    } else {
        name_of(Some(c.author_id)).await?
    };
    let answered_at = c.answered_at.map(|a| a.with_timezone(&Utc));
    let standing = Standing::of(
        c.due_on,
        c.escalated_at.is_some(),
        answered_at.map(day_of),
        today,
    );
    Ok(ComplaintView {
        id: c.id,
        about,
        reason: Reason::parse(&c.reason).unwrap_or(Reason::Other),
        subject,
        application_id: c.application_id,
        author,
        filed_at: c.filed_at.with_timezone(&Utc),
        due_on: c.due_on,
        standing,
        owner: name_of(c.owner_id).await?,
        can_answer: standing.waiting() && answers(p, &c),
        answered_at,
        answer: c.answer,
        text: c.text,
    })
}

/// `/complaints`: a resident's own complaints and what they may complain about, or the
/// complaints the reader answers.
pub async fn page(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    lang: Lang,
    today: NaiveDate,
) -> Result<ComplaintsPage, ServiceError> {
    let p = signed_in(who)?;
    if !complaint::keeps_complaints(p) {
        return Err(Denied::Forbidden.into());
    }
    let kept = match (&p.role, &p.scope) {
        (Role::Entrepreneur, _) => Kept::Author(p.user_id),
        (Role::OrgAdmin, Scope::Organisation(org)) => Kept::Organisation(*org),
        (Role::DistrictStaff, Scope::District(d)) => Kept::District(d.as_str()),
        (Role::Admin, _) => Kept::All,
        _ => return Err(Denied::Forbidden.into()),
    };
    let mut out = ComplaintsPage::default();
    for c in db::complaints::list(db, kept).await? {
        out.complaints.push(view_of(db, p, c, lang, today).await?);
    }
    if p.role == Role::Entrepreneur {
        out.can_file = true;
        for (a, program) in db::applications::of_user(db, p.user_id, 100).await? {
            if a.state == State::Draft.as_str() {
                continue;
            }
            out.subjects.push(Subject {
                application_id: a.id,
                program: match lang {
                    Lang::Kk if !program.title_kk.is_empty() => program.title_kk,
                    _ => program.title_ru,
                },
                organisation: organisation_name(db, program.organisation_id, lang).await?,
                has_okrug: okrug_of(&a).is_some(),
            });
        }
        if let Some(okrug) = own_okrug(db, p.user_id).await? {
            out.own_akimat = Some(place_name(db, okrug.as_str(), lang).await?);
        }
    }
    Ok(out)
}

/// The okrug of the resident's settlement, from their profile.
async fn own_okrug(db: &DatabaseConnection, user: i32) -> Result<Option<KatoCode>, ServiceError> {
    Ok(db::profiles::find(db, user)
        .await?
        .and_then(|p| p.settlement)
        .and_then(|s| s.okrug()))
}

/// Complaint `id` as `p` sees it; not found for anyone who may not read it (ids do not tell
/// which complaints exist).
pub async fn view(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
    lang: Lang,
    today: NaiveDate,
) -> Result<ComplaintView, ServiceError> {
    let p = signed_in(who)?;
    let c = db::complaints::find(db, id)
        .await?
        .filter(|c| reads(p, c))
        .ok_or(ServiceError::NotFound)?;
    view_of(db, p, c, lang, today).await
}

/// What a resident posts.
#[derive(Clone, Copy, Debug, Default)]
pub struct Filing<'a> {
    /// `operator` or `akimat` (field `complaint_about`).
    pub about: Option<&'a str>,
    /// The application's id, or empty (field `complaint_application`).
    pub application: Option<&'a str>,
    /// What went wrong (field `complaint_reason`).
    pub reason: Option<&'a str>,
    /// Their words (field `complaint_text`).
    pub text: Option<&'a str>,
}

/// A resident files a complaint; its id. Its owner hears of it through the message outbox.
pub async fn file(
    db: &DatabaseConnection,
    public_url: &str,
    who: Option<&Principal>,
    f: Filing<'_>,
    today: NaiveDate,
) -> Result<i32, ServiceError> {
    let p = signed_in(who)?;
    if p.role != Role::Entrepreneur {
        return Err(Denied::Forbidden.into());
    }
    let raw_about = f.about.unwrap_or_default().trim();
    let about = About::parse(raw_about).ok_or_else(|| {
        FieldError::new(
            ABOUT,
            if raw_about.is_empty() {
                Problem::Required
            } else {
                Problem::UnknownChoice(raw_about.to_owned())
            },
        )
    })?;
    let raw_reason = f.reason.unwrap_or_default().trim();
    let reason = Reason::parse(raw_reason).ok_or_else(|| {
        FieldError::new(
            REASON,
            if raw_reason.is_empty() {
                Problem::Required
            } else {
                Problem::UnknownChoice(raw_reason.to_owned())
            },
        )
    })?;
    // The application must be the resident's own and past its draft: a made-up or foreign
    // id is refused by its field like a mistyped one, never answered "not yours".
    let raw_app = f.application.unwrap_or_default().trim();
    let application = if raw_app.is_empty() {
        None
    } else {
        let id = raw_app
            .parse::<i32>()
            .map_err(|_| FieldError::new(APPLICATION, Problem::NotANumber))?;
        let a = db::applications::find(db, id)
            .await?
            .filter(|a| a.user_id == p.user_id && a.state != State::Draft.as_str())
            .ok_or_else(|| {
                FieldError::new(APPLICATION, Problem::UnknownReference(raw_app.to_owned()))
            })?;
        Some(a)
    };
    let text = complaint::text(TEXT, f.text)?;
    let Route {
        organisation,
        okrug,
        district,
        owner,
    } = route(db, p, about, application.as_ref(), raw_app).await?;
    let due_on = calendar::add_working_days(today, DUE_WORKING_DAYS);
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let id = db::complaints::insert(
        &*txn,
        db::complaints::NewComplaint {
            author_id: p.user_id,
            about: about.as_str(),
            reason: reason.as_str(),
            text: &text,
            application_id: application.as_ref().map(|a| a.id),
            organisation_id: organisation,
            okrug_code: okrug.as_ref().map(ToString::to_string),
            district_code: district.as_ref().map(ToString::to_string),
            owner_id: owner.as_ref().map(|o| o.id),
            due_on,
        },
        now,
    )
    .await?;
    if let Some(o) = &owner
        && let Some(m) = letter(db, o.id, id, Notice::New(due_on), public_url, now).await?
    {
        messages::enqueue(&*txn, m).await?;
    }
    if let Some(okrug) = &okrug {
        db::reports::touch(&*txn, okrug).await?;
    }
    txn.commit().await?;
    messages::wake();
    Ok(id)
}

/// Where a complaint goes.
struct Route {
    /// The operator complained about.
    organisation: Option<i32>,
    /// The okrug whose report counts it.
    okrug: Option<KatoCode>,
    /// The district that answers for an okrug akimat.
    district: Option<KatoCode>,
    /// Who answers for it.
    owner: Option<users::Model>,
}

/// Routes a complaint `about` an operator or an akimat, on `application` (if one was named, as
/// `raw_app`): to the operator's administrator, or to the district akimat of the application's
/// okrug (or the resident's own). A field error when what it is about cannot be known.
async fn route(
    db: &DatabaseConnection,
    p: &Principal,
    about: About,
    application: Option<&applications::Model>,
    raw_app: &str,
) -> Result<Route, ServiceError> {
    let (organisation, okrug) = match (about, application) {
        (About::Operator, None) => {
            return Err(FieldError::new(APPLICATION, Problem::Required).into());
        }
        (About::Operator, Some(a)) => (
            db::catalog::organisation_of(db, a.program_id).await?,
            okrug_of(a),
        ),
        (About::Akimat, Some(a)) => (None, okrug_of(a)),
        (About::Akimat, None) => (None, own_okrug(db, p.user_id).await?),
    };
    if about == About::Operator && organisation.is_none() {
        return Err(
            FieldError::new(APPLICATION, Problem::UnknownReference(raw_app.to_owned())).into(),
        );
    }
    // An akimat is known by its okrug: the application's, or the profile's.
    let district = match (about, &okrug) {
        (About::Akimat, Some(o)) => o.district(),
        (About::Akimat, None) => {
            return Err(FieldError::new(APPLICATION, Problem::AkimatUnknown).into());
        }
        (About::Operator, _) => None,
    };
    let owner = match (about, organisation, &district) {
        (About::Operator, Some(org), _) => {
            first_of(db, &Scope::Organisation(org), Role::OrgAdmin).await?
        }
        (About::Akimat, _, Some(d)) => {
            first_of(db, &Scope::District(d.clone()), Role::DistrictStaff).await?
        }
        _ => None,
    };
    // Nobody holds the role there yet: the platform's staff answer for it from the start.
    let owner = match owner {
        Some(o) => Some(o),
        None => first_of(db, &Scope::None, Role::Admin).await?,
    };
    Ok(Route {
        organisation,
        okrug,
        district,
        owner,
    })
}

/// Whoever answers complaint `id` answers it (field `complaint_answer`), once; the resident
/// hears of it.
pub async fn answer(
    db: &DatabaseConnection,
    public_url: &str,
    who: Option<&Principal>,
    id: i32,
    text: Option<&str>,
) -> Result<(), ServiceError> {
    let p = signed_in(who)?;
    let c = db::complaints::find(db, id)
        .await?
        .filter(|c| reads(p, c))
        .ok_or(ServiceError::NotFound)?;
    if !answers(p, &c) {
        return Err(Denied::Forbidden.into());
    }
    let answered = || FieldError::new(ANSWER, Problem::AlreadyAnswered);
    if c.answered_at.is_some() {
        return Err(answered().into());
    }
    let text = complaint::text(ANSWER, text)?;
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    if !db::complaints::answer(&*txn, id, &text, p.user_id, now).await? {
        txn.rollback().await?;
        return Err(answered().into());
    }
    if let Some(m) = letter(
        db,
        c.author_id,
        id,
        Notice::Answered(&text),
        public_url,
        now,
    )
    .await?
    {
        messages::enqueue(&*txn, m).await?;
    }
    if let Some(okrug) = c
        .okrug_code
        .as_deref()
        .and_then(|o| KatoCode::parse(o).ok())
    {
        db::reports::touch(&*txn, &okrug).await?;
    }
    txn.commit().await?;
    messages::wake();
    Ok(())
}

/// Escalates every complaint unanswered past its due date to the platform's staff: a new
/// owner, who hears of it, and the resident, who hears that it went higher. How many.
pub async fn escalate_late(
    db: &DatabaseConnection,
    public_url: &str,
    today: NaiveDate,
) -> Result<usize, ServiceError> {
    let late = db::complaints::overdue(db, today, 200).await?;
    if late.is_empty() {
        return Ok(0);
    }
    let admin = first_of(db, &Scope::None, Role::Admin).await?;
    let mut done = 0;
    for c in late {
        let now = Utc::now();
        let txn = db::begin_write(db).await?;
        let owner = admin.as_ref().map(|a| a.id).or(c.owner_id);
        if !db::complaints::escalate(&*txn, c.id, owner, now).await? {
            txn.rollback().await?;
            continue;
        }
        for to in owner.into_iter().chain([c.author_id]) {
            if let Some(m) = letter(db, to, c.id, Notice::Escalated, public_url, now).await? {
                messages::enqueue(&*txn, m).await?;
            }
        }
        if let Some(okrug) = c
            .okrug_code
            .as_deref()
            .and_then(|o| KatoCode::parse(o).ok())
        {
            db::reports::touch(&*txn, &okrug).await?;
        }
        txn.commit().await?;
        done += 1;
    }
    if done > 0 {
        messages::wake();
    }
    Ok(done)
}

/// What a complaint's notice says.
#[derive(Clone, Copy, Debug)]
enum Notice<'a> {
    /// A new complaint, due on the day (to its owner).
    New(NaiveDate),
    /// The answer (to the resident).
    Answered(&'a str),
    /// Late and escalated (to the new owner and the resident).
    Escalated,
}

/// The notice to `user` about complaint `id`, by e-mail or SMS; `None` without an address.
async fn letter(
    db: &DatabaseConnection,
    user: i32,
    id: i32,
    notice: Notice<'_>,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Option<db::messages::NewMessage>, ServiceError> {
    let Some((address, lang)) = db::alerts::address_of(db, user).await? else {
        return Ok(None);
    };
    let number = id.to_string();
    let link = format!("{}/complaints/{id}", public_url.trim_end_matches('/'));
    let template = match notice {
        Notice::New(_) => "complaint",
        Notice::Answered(_) => "complaint_answer",
        Notice::Escalated => "complaint_escalated",
    };
    Ok(Some(messages::letter(
        messages::Letter {
            to: &address,
            lang,
            user_id: Some(user),
            application_id: None,
            fallback_user_id: None,
            template,
            params: messages::params(&[("id", &number)]),
            urgency: Urgency::Normal,
            secret: false,
        },
        || {
            Mail::in_language(
                &address,
                lang,
                |l| tf(l, Msg::CmMailSubject, &[("id", &number)]),
                |l| match notice {
                    Notice::New(due) => tf(
                        l,
                        Msg::CmMailNew,
                        &[
                            ("id", &number),
                            ("date", &format_date(l, due)),
                            ("link", &link),
                        ],
                    ),
                    Notice::Answered(text) => tf(
                        l,
                        Msg::CmMailAnswered,
                        &[("id", &number), ("answer", text), ("link", &link)],
                    ),
                    Notice::Escalated => {
                        tf(l, Msg::CmMailEscalated, &[("id", &number), ("link", &link)])
                    }
                },
            )
        },
        |l| messages::texts::complaint(l, &number, messages::site(public_url)),
        now,
    )))
}
