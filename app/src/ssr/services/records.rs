//! Documents of record: issued with the steps they record (a receipt at submission, a letter at
//! approval, refusal and payment), listed on the application's page, printed or downloaded as
//! a signed PDF by those who may read the application, and checked by anyone holding the code
//! at `/verify/{code}` (rate limited: a guesser learns nothing but "no such document").

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};

use crate::domain::account::Principal;
use crate::domain::i18n::{Lang, Msg, t, tf};
use crate::domain::record::{self, Facts, Kind, RecordView};
use crate::ssr::db;
use crate::ssr::db::entities::{programs, records, users};
use crate::ssr::pdf::{Line, Page};
use crate::ssr::services::accounts::{Limit, limit};
use crate::ssr::services::{ServiceError, signed_in};

/// Checks one address may make at `/verify` in an hour.
pub const VERIFY_LIMIT: Limit = Limit {
    attempts: 30,
    window: Duration::hours(1),
};

/// A document to issue.
pub struct Issue {
    /// The application.
    pub application_id: i32,
    /// Its programme.
    pub program_id: i32,
    /// Its applicant.
    pub user_id: i32,
    /// What it records.
    pub kind: Kind,
    /// The amount asked, approved or paid, whole tenge.
    pub amount_kzt: Option<i64>,
}

/// Issues a document as of `now`, in the transaction of the step it records.
pub async fn issue(
    txn: &impl ConnectionTrait,
    i: &Issue,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let (kind, amount_kzt) = (i.kind, i.amount_kzt);
    let program = programs::Entity::find_by_id(i.program_id).one(txn).await?;
    let name = users::Entity::find_by_id(i.user_id)
        .one(txn)
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default();
    let facts = Facts {
        number: i.application_id,
        program_ru: program
            .as_ref()
            .map(|p| p.title_ru.clone())
            .unwrap_or_default(),
        program_kk: program.map(|p| p.title_kk).unwrap_or_default(),
        kind,
        date: (now + Duration::hours(5)).date_naive(),
        amount_kzt,
        initials: record::initials(&name),
    };
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|e| ServiceError::Hashing(e.to_string()))?;
    let code = record::code(u64::from_le_bytes(random));
    db::records::insert(
        txn,
        &code,
        i.application_id,
        kind.as_str(),
        &serde_json::to_string(&facts)?,
        now,
    )
    .await?;
    Ok(())
}

fn view_of(r: records::Model) -> Option<RecordView> {
    Some(RecordView {
        code: record::printed(&r.code),
        facts: serde_json::from_str(&r.facts).ok()?,
        issued_at: r.issued_at.with_timezone(&Utc),
        superseded_at: r.superseded_at.map(|d| d.with_timezone(&Utc)),
    })
}

/// The documents of application `id` (the caller has checked access), oldest first.
pub async fn of_application(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Vec<RecordView>, ServiceError> {
    Ok(db::records::of_application(db, id)
        .await?
        .into_iter()
        .filter_map(view_of)
        .collect())
}

/// What the document with code `typed` proves, for anyone holding it; `None` for no such
/// document (or what cannot be a code). Each check counts against the address's hourly limit.
pub async fn verify(
    db: &DatabaseConnection,
    ip: Option<&str>,
    typed: &str,
) -> Result<Option<RecordView>, ServiceError> {
    limit(
        db,
        &format!("verify:{}", ip.unwrap_or("unknown")),
        VERIFY_LIMIT,
        "code",
    )
    .await?;
    let Some(code) = record::normalize(typed) else {
        return Ok(None);
    };
    Ok(db::records::by_code(db, &code).await?.and_then(view_of))
}

/// The document with code `typed`, for someone who may read its application.
pub async fn readable(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    typed: &str,
) -> Result<RecordView, ServiceError> {
    let p = signed_in(who)?;
    let code = record::normalize(typed).ok_or(ServiceError::NotFound)?;
    let r = db::records::by_code(db, &code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    crate::ssr::services::applications::access(db, p, r.application_id).await?;
    view_of(r).ok_or(ServiceError::NotFound)
}

/// The address that checks the document.
pub fn verify_url(public_url: &str, code: &str) -> String {
    format!(
        "{}/verify/{}",
        public_url.trim_end_matches('/'),
        code.replace('-', "")
    )
}

/// The signed PDF of the document with code `typed`, in `lang`, for someone who may read its
/// application: (bytes, file name).
pub async fn pdf(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    typed: &str,
    lang: Lang,
    public_url: &str,
    data_dir: &Path,
) -> Result<(Vec<u8>, String), ServiceError> {
    let v = readable(db, who, typed).await?;
    let keys = crate::ssr::signing::load(data_dir)?;
    let key = keys.last().map(|k| k.id.clone()).unwrap_or_default();
    let url = verify_url(public_url, &v.code);
    let keys_url = format!(
        "{}{}",
        public_url.trim_end_matches('/'),
        crate::ssr::signing::KEYS_PATH
    );
    let mut page_lines = vec![
        Line::Small("Auyl Business".to_owned()),
        Line::Title(v.facts.kind.title(lang).to_owned()),
    ];
    page_lines.extend(
        record::lines(lang, &v)
            .into_iter()
            .map(|(k, v)| Line::Field(k, v)),
    );
    page_lines.push(Line::Gap);
    page_lines.push(Line::Field(
        t(lang, Msg::DocCode).to_owned(),
        v.code.clone(),
    ));
    page_lines.push(Line::Text(record::standing(lang, &v)));
    page_lines.push(Line::Text(tf(lang, Msg::DocCheckAt, &[("url", &url)])));
    page_lines.push(Line::Gap);
    page_lines.push(Line::Small(tf(
        lang,
        Msg::DocSigned,
        &[("key", &key), ("keys", &keys_url)],
    )));
    let page = Page {
        title: format!("{} №{}", v.facts.kind.title(lang), v.facts.number),
        lines: page_lines,
        qr: url,
        lang: lang.code(),
    };
    let bytes = crate::ssr::pdf::render(&page).map_err(|e| {
        tracing::error!(error = %e, "a document of record could not be written");
        ServiceError::Wiring("the PDF writer failed")
    })?;
    let signed =
        crate::ssr::signing::sign(bytes, &keys).ok_or(ServiceError::Wiring("no signing key"))?;
    let name = format!(
        "auyl-{}-{}-{}.pdf",
        v.facts.number,
        v.facts.kind.as_str(),
        v.code.replace('-', "")
    );
    Ok((signed, name))
}

/// The QR code of `data` as an SVG (black squares on white), for the printable page.
pub fn qr_svg(data: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(data.as_bytes()) else {
        return String::new();
    };
    let n = code.width();
    let mut path = String::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % n + 4, i / n + 4));
        }
    }
    let size = n + 8;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" role=\"img\" \
         aria-label=\"QR\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>"
    )
}
