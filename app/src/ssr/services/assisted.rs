//! Assisted filing: akimat staff start an application for a resident of their okrug who has no
//! account or no device. The resident's consent is recorded first (a signed paper form,
//! scanned, or a code sent to the resident's phone and read back); the application then belongs
//! to the resident's account (made for them if they have none), which they claim by setting a
//! password through the link sent to their phone. Staff act for the resident from then on, and
//! every act is an event with the staff member's name: who typed what.

use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use tracing::instrument;

use super::ServiceError;
use super::applications::Notifier;
use crate::domain::account::{Login, Principal, Role, Scope};
use crate::domain::application::assisted::{Consent, SendConsentCode, StartAssisted};
use crate::domain::application::form::{self, AssistOptions};
use crate::domain::application::{EventKind, State};
use crate::domain::i18n::{Lang, Msg, pick, t, tf};
use crate::domain::location::KatoCode;
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::Denied;
use crate::domain::profile::Profile;
use crate::domain::program::ProgramView;
use crate::ssr::db;
use crate::ssr::db::applications::{NewDocument, NewEvent};
use crate::ssr::db::entities::{assisted_filings, consent_codes};
use crate::ssr::db::messages::{NewMessage, Urgency};
use crate::ssr::mail::Mail;
use crate::ssr::security::{PasswordHasher, new_token, six_digits, token_hash};
use crate::ssr::services::messages;

/// How long a consent code is valid.
pub const CODE_MINUTES: i64 = 15;
/// Wrong tries before a code is spent.
pub const CODE_ATTEMPTS: i32 = 5;

/// The form's fields (the typed commands and their fields are the domain's).
pub use crate::domain::application::assisted::field;

/// What the staff member and the resident's phone need besides the database.
pub struct Helpers<'a> {
    /// Makes the resident's account's unusable first password.
    pub hasher: &'a PasswordHasher,
    /// Sends the resident's messages.
    pub notifier: &'a Notifier<'a>,
    /// Where the consent scan is stored.
    pub uploads: &'a Path,
}

fn staff(who: Option<&Principal>) -> Result<(&Principal, &KatoCode), ServiceError> {
    let p = who.ok_or(ServiceError::Denied(Denied::SignInRequired))?;
    match (&p.role, &p.scope) {
        (Role::Akim | Role::AkimatStaff, Scope::Okrug(okrug)) => Ok((p, okrug)),
        _ => Err(Denied::Forbidden.into()),
    }
}

/// The okrug's settlements and the open programmes, for the form.
pub async fn options(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    today: NaiveDate,
) -> Result<AssistOptions, ServiceError> {
    let (_, okrug) = staff(who)?;
    let places = db::reports::areas(db, &[okrug.to_string()]).await?;
    let settlements = db::locations::within(db, okrug).await?;
    let mut programs: Vec<(String, String, String)> = db::catalog::open_candidates(db, today)
        .await?
        .into_iter()
        .map(|c| (c.slug, c.title_ru, c.title_kk))
        .collect();
    programs.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(AssistOptions {
        okrug: places
            .first()
            .map(|l| l.name_ru.clone())
            .unwrap_or_default(),
        settlements,
        programs,
    })
}

/// Sends the resident a consent code; the staff member asks them to read it back.
#[instrument(skip(db, who, command))]
pub async fn send_code(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    command: &SendConsentCode,
) -> Result<(), ServiceError> {
    let (p, _) = staff(who)?;
    let phone = command.phone.clone();
    let code = six_digits()?;
    let now = Utc::now();
    // A resident with an account reads their own language; one without, Kazakh.
    let lang = match Login::parse("phone", &phone) {
        Ok(login) => db::accounts::user_by_login(db, &login)
            .await?
            .and_then(|u| u.lang.as_deref().and_then(Lang::parse)),
        Err(_) => None,
    };
    let minutes = CODE_MINUTES.to_string();
    let message = messages::letter(
        messages::Letter {
            to: &phone,
            lang,
            user_id: None,
            application_id: None,
            fallback_user_id: None,
            template: "consent_code",
            params: messages::params(&[("minutes", &minutes)]),
            urgency: Urgency::Urgent,
            secret: true,
        },
        || {
            Mail::in_language(
                phone.clone(),
                lang,
                |lang| t(lang, Msg::MailConsentSubject).to_owned(),
                |lang| {
                    tf(
                        lang,
                        Msg::MailConsentBody,
                        &[
                            ("code", &code),
                            ("name", &p.display_name),
                            ("minutes", &minutes),
                        ],
                    )
                },
            )
        },
        |lang| messages::texts::consent_code(lang, &code, &minutes),
        now,
    );
    // The code and its message are written together: a code exists only if it will be sent.
    let txn = db::begin_write(db).await?;
    db::assisted::insert_code(
        &txn,
        p.user_id,
        &phone,
        token_hash(&code),
        now + Duration::minutes(CODE_MINUTES),
        now,
    )
    .await?;
    messages::enqueue(&txn, message).await?;
    txn.commit().await?;
    messages::wake();
    Ok(())
}

/// Starts an application for a resident with their recorded consent; returns its id.
#[instrument(skip(db, h, who, command))]
pub async fn start(
    db: &DatabaseConnection,
    h: &Helpers<'_>,
    who: Option<&Principal>,
    command: &StartAssisted<'_>,
    today: NaiveDate,
) -> Result<i32, ServiceError> {
    let (p, okrug) = staff(who)?;
    let StartAssisted {
        name,
        phone,
        settlement,
        ..
    } = command;
    in_okrug(db, settlement, okrug).await?;
    let (program, program_id) = open_program(db, &command.program, today).await?;
    // The consent, before anything is written.
    let code = consent_code(db, p, &command.consent, phone).await?;
    let (resident, created) = resident(db, h, phone, name).await?;
    if db::applications::find_open(db, resident, program_id)
        .await?
        .is_some()
    {
        return Err(FieldError::new(field::PROGRAM, Problem::Taken).into());
    }
    let profile = match db::profiles::find(db, resident).await? {
        Some(pr) => pr,
        None => Profile {
            settlement: Some(settlement.clone()),
            ..Profile::default()
        },
    };
    let stored_scan = match &command.consent {
        Consent::Paper(scan) => Some(super::applications::store(h.uploads, scan.bytes).await?),
        Consent::PhoneCode(_) => None,
    };
    let filing = Filing {
        staff: p,
        okrug,
        name,
        phone,
        settlement,
        program_id,
        consent: &command.consent,
        code,
        stored_scan: &stored_scan,
        resident,
        created,
        profile: &profile,
    };
    let id = write(db, h, &filing, &program).await?;
    messages::wake();
    Ok(id)
}

/// Checks the resident's settlement: one that exists, in the staff member's okrug.
async fn in_okrug(
    db: &DatabaseConnection,
    settlement: &KatoCode,
    okrug: &KatoCode,
) -> Result<(), ServiceError> {
    if db::locations::existing(db, &[settlement.to_string()])
        .await?
        .is_empty()
    {
        return Err(FieldError::new(
            field::SETTLEMENT,
            Problem::UnknownReference(settlement.to_string()),
        )
        .into());
    }
    if settlement.okrug().as_ref() != Some(okrug) {
        return Err(FieldError::new(field::SETTLEMENT, Problem::OutsideOkrug).into());
    }
    Ok(())
}

/// The programme chosen, if it takes applications today, with its id.
async fn open_program(
    db: &DatabaseConnection,
    slug: &str,
    today: NaiveDate,
) -> Result<(ProgramView, i32), ServiceError> {
    let program = match super::catalog::program(db, slug, today).await {
        Ok(p) => p,
        Err(ServiceError::NotFound) => {
            let problem = if slug.is_empty() {
                Problem::Required
            } else {
                Problem::UnknownReference(slug.to_owned())
            };
            return Err(FieldError::new(field::PROGRAM, problem).into());
        }
        Err(e) => return Err(e),
    };
    if !super::applications::takes_applications(&program, today) {
        return Err(FieldError::new(field::PROGRAM, Problem::ProgramClosed).into());
    }
    let program_id = i32::try_from(program.id).map_err(|_| ServiceError::NotFound)?;
    Ok((program, program_id))
}

/// The code the resident read back, checked against the last one sent to `phone` by `p` (it is
/// spent in the filing's transaction); nothing for a paper consent, whose scan was checked as
/// it was read. A wrong code counts as an attempt, so a code cannot be guessed.
async fn consent_code(
    db: &DatabaseConnection,
    p: &Principal,
    consent: &Consent<'_>,
    phone: &str,
) -> Result<Option<consent_codes::Model>, ServiceError> {
    let Consent::PhoneCode(typed) = consent else {
        return Ok(None);
    };
    let row = db::assisted::latest_code(db, p.user_id, phone, Utc::now())
        .await?
        .filter(|c| c.attempts < CODE_ATTEMPTS)
        .ok_or_else(|| FieldError::new(field::CODE, Problem::WrongCode))?;
    if row.code_hash != token_hash(typed) {
        db::assisted::count_attempt(db, row.id).await?;
        return Err(FieldError::new(field::CODE, Problem::WrongCode).into());
    }
    Ok(Some(row))
}

/// The resident's account: theirs if they have one, else one made for them to claim. Returns
/// its id and whether it was made now.
async fn resident(
    db: &DatabaseConnection,
    h: &Helpers<'_>,
    phone: &str,
    name: &str,
) -> Result<(i32, bool), ServiceError> {
    let login = Login::Phone(phone.to_owned());
    let existing = db::accounts::user_by_login(db, &login).await?;
    match existing {
        Some(u) if u.role == Role::Entrepreneur.as_str() => Ok((u.id, false)),
        Some(_) => Err(FieldError::new(field::PHONE, Problem::StaffAccount).into()),
        None => {
            // Nobody knows this password: the resident sets their own through the claim link.
            let (secret, _) = new_token()?;
            let hash = h.hasher.hash(&secret).await?;
            let id = db::accounts::insert_user(
                db,
                db::accounts::NewUser {
                    login: &login,
                    password_hash: hash,
                    display_name: name,
                    role: Role::Entrepreneur,
                    scope: &Scope::None,
                    demo: false,
                },
            )
            .await?;
            Ok((id, true))
        }
    }
}

/// Everything checked and prepared for one assisted filing, before it is written.
struct Filing<'a> {
    staff: &'a Principal,
    okrug: &'a KatoCode,
    name: &'a str,
    phone: &'a str,
    settlement: &'a KatoCode,
    program_id: i32,
    consent: &'a Consent<'a>,
    /// The code read back, checked; it is spent in the filing's transaction.
    code: Option<consent_codes::Model>,
    /// The consent scan's stored name, once stored.
    stored_scan: &'a Option<String>,
    resident: i32,
    /// The resident's account was made for this filing.
    created: bool,
    profile: &'a Profile,
}

/// Writes the filing in one transaction, with the message that tells the resident; returns
/// the application's id.
async fn write(
    db: &DatabaseConnection,
    h: &Helpers<'_>,
    f: &Filing<'_>,
    program: &ProgramView,
) -> Result<i32, ServiceError> {
    let now = Utc::now();
    let draft = form::prefill(Some(f.profile));
    let data = serde_json::to_string(&draft)?;
    let txn = db::begin_write(db).await?;
    if let Some(row) = &f.code
        && !db::assisted::use_code(&txn, row.id, now).await?
    {
        txn.rollback().await?;
        return Err(FieldError::new(field::CODE, Problem::WrongCode).into());
    }
    if f.profile.settlement.as_ref() == Some(f.settlement)
        && db::profiles::find(&txn, f.resident).await?.is_none()
    {
        db::profiles::save(&txn, f.resident, f.profile).await?;
        db::reports::touch(&txn, f.okrug).await?;
    }
    let Some(id) = db::applications::insert_draft(
        &txn,
        f.resident,
        f.program_id,
        &data,
        Some(f.settlement.as_str()),
        now,
    )
    .await?
    else {
        txn.rollback().await?;
        return Err(FieldError::new(field::PROGRAM, Problem::Taken).into());
    };
    record(&txn, f, id, now).await?;
    let message = resident_message(&txn, h, f, id, program).await?;
    messages::enqueue(&txn, message).await?;
    txn.commit().await?;
    Ok(id)
}

/// The draft's opening event, the consent scan as a document, the filing record and the
/// resident's notification.
async fn record(
    txn: &DatabaseTransaction,
    f: &Filing<'_>,
    id: i32,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let (p, name, phone) = (f.staff, f.name, f.phone);
    let event = db::applications::append_event(
        txn,
        &NewEvent {
            application_id: id,
            version: 1,
            kind: EventKind::AssistOpen,
            from: None,
            to: State::Draft,
            actor: Some(p.user_id),
            role: p.role,
            reason: None,
            data: &serde_json::json!({
                "consent": f.consent.method(),
                "items": [format!("{}: {name}, {phone}", field::NAME)],
            })
            .to_string(),
        },
        now,
    )
    .await?;
    let scan = match f.consent {
        Consent::Paper(scan) => Some(scan),
        Consent::PhoneCode(_) => None,
    };
    if let (Some(scan), Some(sha)) = (scan, f.stored_scan) {
        db::applications::insert_document(
            txn,
            &NewDocument {
                application_id: id,
                slot: None,
                file_name: &scan.file_name,
                content_type: scan.content_type,
                size: scan.bytes.len() as i64,
                sha256: sha,
                uploaded_by: p.user_id,
            },
            now,
        )
        .await?;
    }
    db::assisted::insert(
        txn,
        assisted_filings::Model {
            application_id: id,
            okrug_code: f.okrug.to_string(),
            staff_user_id: p.user_id,
            resident_user_id: f.resident,
            consent_method: f.consent.method().to_owned(),
            consent_sha256: f.stored_scan.clone(),
            consent_file_name: scan.map(|s| s.file_name.clone()),
            consented_at: now.fixed_offset(),
        },
    )
    .await?;
    db::applications::notify(txn, f.resident, f.program_id, id, event, now).await?;
    // The number is proved: by the code read back, or by the resident in person before the
    // staff member, who made the account with it.
    if f.created || matches!(f.consent, Consent::PhoneCode(_)) {
        db::phone_codes::mark_verified(txn, f.resident, now).await?;
    }
    Ok(())
}

/// The message that tells the resident on their phone what was filed for them and where to
/// see it. A new account has no password the resident knows: its message points to the page
/// where a code by SMS sets one. If it cannot be delivered, the staff member who filed is told
/// in the bell, so the akimat calls.
async fn resident_message(
    txn: &DatabaseTransaction,
    h: &Helpers<'_>,
    f: &Filing<'_>,
    id: i32,
    program: &ProgramView,
) -> Result<NewMessage, ServiceError> {
    let url = h.notifier.public_url.trim_end_matches('/');
    // A resident who already had an account reads their own language; a new one Kazakh (and
    // Russian too, in an e-mail).
    let lang = if f.created {
        None
    } else {
        db::alerts::address_of(txn, f.resident)
            .await?
            .and_then(|(_, lang)| lang)
    };
    let id_text = id.to_string();
    let site = messages::site(url);
    let (where_to, link) = if f.created {
        (format!("{site}/reset"), format!("{url}/reset"))
    } else {
        (site.to_owned(), format!("{url}/applications/{id}"))
    };
    let mail = || {
        Mail::in_language(
            f.phone,
            lang,
            |lang| tf(lang, Msg::MailFiledSubject, &[("id", &id_text)]),
            |lang| {
                let how = tf(lang, Msg::MailFiledLink, &[("link", &link)]);
                tf(
                    lang,
                    Msg::MailFiledBody,
                    &[
                        ("staff", &f.staff.display_name),
                        ("id", &id_text),
                        ("program", pick(lang, &program.title_ru, &program.title_kk)),
                        ("how", &how),
                    ],
                )
            },
        )
    };
    Ok(messages::letter(
        messages::Letter {
            to: f.phone,
            lang,
            user_id: Some(f.resident),
            application_id: Some(id),
            fallback_user_id: Some(f.staff.user_id),
            template: "filed",
            params: messages::params(&[("id", &id_text), ("new_account", &f.created.to_string())]),
            urgency: Urgency::Urgent,
            secret: false,
        },
        mail,
        |lang| messages::texts::filed(lang, &id_text, &where_to),
        Utc::now(),
    ))
}

#[cfg(test)]
mod tests;
