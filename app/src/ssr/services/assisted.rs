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
use crate::domain::account::{Login, Principal, Role, Scope, parse_display_name};
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
use crate::ssr::mail::Mail;
use crate::ssr::security::{PasswordHasher, new_token, token_hash};

/// How long a consent code is valid.
pub const CODE_MINUTES: i64 = 15;
/// Wrong tries before a code is spent.
pub const CODE_ATTEMPTS: i32 = 5;
/// How long the claim link sent to the resident is valid.
pub const CLAIM_DAYS: i64 = 7;

/// The form's fields.
pub mod field {
    /// The resident's name.
    pub const NAME: &str = "name";
    /// The resident's phone.
    pub const PHONE: &str = "phone";
    /// The resident's settlement (KATO code).
    pub const SETTLEMENT: &str = "settlement";
    /// The programme's slug.
    pub const PROGRAM: &str = "program";
    /// `paper` or `phone_code`.
    pub const METHOD: &str = "method";
    /// The code the resident read back.
    pub const CODE: &str = "code";
    /// The scan of the signed consent.
    pub const SCAN: &str = "consent_scan";
}

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

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

fn phone(pairs: &[(String, String)]) -> Result<String, FieldError> {
    let raw = get(pairs, field::PHONE);
    if raw.is_empty() {
        return Err(FieldError::new(field::PHONE, Problem::Required));
    }
    match Login::parse(field::PHONE, raw)? {
        Login::Phone(p) => Ok(p),
        Login::Email(_) => Err(FieldError::new(field::PHONE, Problem::BadPhone)),
    }
}

fn six_digits() -> Result<String, ServiceError> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| ServiceError::Hashing(e.to_string()))?;
    Ok(format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000))
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
#[instrument(skip(db, notifier, who, pairs))]
pub async fn send_code(
    db: &DatabaseConnection,
    notifier: &Notifier<'_>,
    who: Option<&Principal>,
    pairs: &[(String, String)],
) -> Result<(), ServiceError> {
    let (p, _) = staff(who)?;
    let phone = phone(pairs)?;
    let code = six_digits()?;
    let now = Utc::now();
    db::assisted::insert_code(
        db,
        p.user_id,
        &phone,
        token_hash(&code),
        now + Duration::minutes(CODE_MINUTES),
        now,
    )
    .await?;
    // A resident with an account reads their own language; one without, Kazakh and Russian.
    let lang = match Login::parse("phone", &phone) {
        Ok(login) => db::accounts::user_by_login(db, &login)
            .await?
            .and_then(|u| u.lang.as_deref().and_then(Lang::parse)),
        Err(_) => None,
    };
    let minutes = CODE_MINUTES.to_string();
    let mail = Mail::in_language(
        phone,
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
    );
    notifier.mailer.send(mail).await?;
    Ok(())
}

/// Starts an application for a resident with their recorded consent; returns its id.
#[instrument(skip(db, h, who, pairs, scan))]
pub async fn start(
    db: &DatabaseConnection,
    h: &Helpers<'_>,
    who: Option<&Principal>,
    pairs: &[(String, String)],
    scan: Option<(&str, &[u8])>,
    today: NaiveDate,
) -> Result<i32, ServiceError> {
    let (p, okrug) = staff(who)?;
    let name = parse_display_name(field::NAME, get(pairs, field::NAME))?;
    let phone = phone(pairs)?;
    let settlement = settlement(db, pairs, okrug).await?;
    let (program, program_id) = open_program(db, pairs, today).await?;
    // The consent, before anything is written.
    let consent = consent(db, p, pairs, &phone, scan).await?;
    let (resident, created) = resident(db, h, &phone, &name).await?;
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
    let stored_scan = match &consent.scan {
        Some((_, _, bytes)) => Some(super::applications::store(h.uploads, bytes).await?),
        None => None,
    };
    let filing = Filing {
        staff: p,
        okrug,
        name: &name,
        phone: &phone,
        settlement: &settlement,
        program_id,
        consent: &consent,
        stored_scan: &stored_scan,
        resident,
        created,
        profile: &profile,
    };
    let (id, claim) = write(db, &filing).await?;
    tell_resident(db, h, &filing, id, claim, &program).await?;
    Ok(id)
}

/// The resident's settlement: one that exists, in the staff member's okrug.
async fn settlement(
    db: &DatabaseConnection,
    pairs: &[(String, String)],
    okrug: &KatoCode,
) -> Result<KatoCode, ServiceError> {
    let settlement = KatoCode::parse(get(pairs, field::SETTLEMENT))
        .map_err(|_| FieldError::new(field::SETTLEMENT, Problem::IdFormat))?;
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
    Ok(settlement)
}

/// The programme chosen, if it takes applications today, with its id.
async fn open_program(
    db: &DatabaseConnection,
    pairs: &[(String, String)],
    today: NaiveDate,
) -> Result<(ProgramView, i32), ServiceError> {
    let slug = get(pairs, field::PROGRAM);
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

/// The resident's consent, checked: the scan of the signed form, or the code they read back.
struct Consent<'a> {
    /// `paper` or `phone_code`.
    method: &'a str,
    /// The code read back; it is spent in the filing's transaction.
    code: Option<consent_codes::Model>,
    /// The scan: its cleaned file name, its type by content, its bytes.
    scan: Option<(String, &'static str, &'a [u8])>,
}

/// Checks the consent the form names. A wrong code counts as an attempt, so a code cannot be
/// guessed.
async fn consent<'a>(
    db: &DatabaseConnection,
    p: &Principal,
    pairs: &'a [(String, String)],
    phone: &str,
    scan: Option<(&str, &'a [u8])>,
) -> Result<Consent<'a>, ServiceError> {
    let method = get(pairs, field::METHOD);
    let mut code = None;
    let mut scan_view = None;
    match method {
        "paper" => {
            let (file_name, bytes) =
                scan.ok_or_else(|| FieldError::new(field::SCAN, Problem::Required))?;
            if bytes.len() > form::MAX_DOCUMENT {
                return Err(FieldError::new(
                    field::SCAN,
                    Problem::FileTooLarge {
                        max_mb: (form::MAX_DOCUMENT / (1024 * 1024)) as u64,
                    },
                )
                .into());
            }
            let content_type = form::sniff(bytes)
                .ok_or_else(|| FieldError::new(field::SCAN, Problem::FileType))?;
            scan_view = Some((form::clean_file_name(file_name), content_type, bytes));
        }
        "phone_code" => {
            let typed = get(pairs, field::CODE);
            if typed.is_empty() {
                return Err(FieldError::new(field::CODE, Problem::Required).into());
            }
            let row = db::assisted::latest_code(db, p.user_id, phone, Utc::now())
                .await?
                .filter(|c| c.attempts < CODE_ATTEMPTS)
                .ok_or_else(|| FieldError::new(field::CODE, Problem::WrongCode))?;
            if row.code_hash != token_hash(typed) {
                db::assisted::count_attempt(db, row.id).await?;
                return Err(FieldError::new(field::CODE, Problem::WrongCode).into());
            }
            code = Some(row);
        }
        "" => return Err(FieldError::new(field::METHOD, Problem::Required).into()),
        other => {
            return Err(
                FieldError::new(field::METHOD, Problem::UnknownChoice(other.to_owned())).into(),
            );
        }
    }
    Ok(Consent {
        method,
        code,
        scan: scan_view,
    })
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
    /// The consent scan's stored name, once stored.
    stored_scan: &'a Option<String>,
    resident: i32,
    /// The resident's account was made for this filing.
    created: bool,
    profile: &'a Profile,
}

/// Writes the filing in one transaction; returns the application's id and, for a new
/// account, the claim link's token.
async fn write(
    db: &DatabaseConnection,
    f: &Filing<'_>,
) -> Result<(i32, Option<String>), ServiceError> {
    let now = Utc::now();
    let draft = form::prefill(Some(f.profile));
    let data = serde_json::to_string(&draft)?;
    let txn = db::begin_write(db).await?;
    if let Some(row) = &f.consent.code
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
    let claim = record(&txn, f, id, now).await?;
    txn.commit().await?;
    Ok((id, claim))
}

/// The draft's opening event, the consent scan as a document, the filing record, the
/// resident's notification and, for a new account, its claim link (whose token is returned).
async fn record(
    txn: &DatabaseTransaction,
    f: &Filing<'_>,
    id: i32,
    now: DateTime<Utc>,
) -> Result<Option<String>, ServiceError> {
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
                "consent": f.consent.method,
                "items": [format!("{}: {name}, {phone}", field::NAME)],
            })
            .to_string(),
        },
        now,
    )
    .await?;
    if let (Some((file_name, content_type, bytes)), Some(sha)) = (&f.consent.scan, f.stored_scan) {
        db::applications::insert_document(
            txn,
            &NewDocument {
                application_id: id,
                slot: None,
                file_name,
                content_type,
                size: bytes.len() as i64,
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
            consent_method: f.consent.method.to_owned(),
            consent_sha256: f.stored_scan.clone(),
            consent_file_name: f.consent.scan.as_ref().map(|(n, _, _)| n.clone()),
            consented_at: now.fixed_offset(),
        },
    )
    .await?;
    db::applications::notify(txn, f.resident, f.program_id, id, event, now).await?;
    // A new account gets a link to claim it; an existing one signs in as usual.
    if f.created {
        let (token, hash) = new_token()?;
        db::accounts::insert_reset(txn, hash, f.resident, now + Duration::days(CLAIM_DAYS)).await?;
        Ok(Some(token))
    } else {
        Ok(None)
    }
}

/// Tells the resident on their phone what was filed for them and how to see it. A message
/// that cannot be sent is logged, not an error: the filing is already written.
async fn tell_resident(
    db: &DatabaseConnection,
    h: &Helpers<'_>,
    f: &Filing<'_>,
    id: i32,
    claim: Option<String>,
    program: &ProgramView,
) -> Result<(), ServiceError> {
    let url = h.notifier.public_url;
    // A resident who already had an account reads their own language; a new one both.
    let lang = if f.created {
        None
    } else {
        db::alerts::address_of(db, f.resident)
            .await?
            .and_then(|(_, lang)| lang)
    };
    let id_text = id.to_string();
    let days = CLAIM_DAYS.to_string();
    let how = |lang| match &claim {
        Some(token) => tf(
            lang,
            Msg::MailFiledClaim,
            &[("link", &format!("{url}/reset/{token}")), ("days", &days)],
        ),
        None => tf(
            lang,
            Msg::MailFiledLink,
            &[("link", &format!("{url}/applications/{id}"))],
        ),
    };
    let mail = Mail::in_language(
        f.phone,
        lang,
        |lang| tf(lang, Msg::MailFiledSubject, &[("id", &id_text)]),
        |lang| {
            tf(
                lang,
                Msg::MailFiledBody,
                &[
                    ("staff", &f.staff.display_name),
                    ("id", &id_text),
                    ("program", pick(lang, &program.title_ru, &program.title_kk)),
                    ("how", &how(lang)),
                ],
            )
        },
    );
    if let Err(e) = h.notifier.mailer.send(mail).await {
        tracing::warn!(error = %e, application = id, "assisted filing message not sent");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
