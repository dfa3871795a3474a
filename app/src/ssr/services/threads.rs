//! The conversation on an application: what a participant sees (and, by seeing it, has read),
//! and a message written with its files. Who takes part is `domain::thread::seat`'s rule.
//!
//! A new message tells the people on the other sides through the message outbox (SMS or
//! e-mail, whichever their login is): the applicant, or the operator's reviewers assigned to
//! the application. Only the first message of an unread stretch does: someone who has not read
//! the last one is not told again.

use std::path::Path;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::domain::account::Principal;
use crate::domain::application::form;
use crate::domain::application::{Party, State};
use crate::domain::i18n::{Lang, Msg, t, tf};
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::Denied;
use crate::domain::thread::{self, MAX_FILES, MessageView, Seat, Side, ThreadView};
use crate::ssr::db;
use crate::ssr::db::entities::applications;
use crate::ssr::db::messages::Urgency;
use crate::ssr::http::Upload;
use crate::ssr::mail::Mail;
use crate::ssr::services::applications::okrug_of;
use crate::ssr::services::{ServiceError, messages, signed_in};

/// Where `p` sits in the thread of `a`.
fn seat_of(
    p: &Principal,
    a: &applications::Model,
    party: Option<Party>,
    asked: bool,
) -> Option<(Side, bool)> {
    let okrug = okrug_of(a);
    thread::seat(
        p,
        &Seat {
            party,
            okrug: okrug.as_ref(),
            akimat_asked: asked,
            draft: State::parse(&a.state) == Some(State::Draft),
        },
    )
}

/// The thread of `a` as `p` sees it (`None` when it is not theirs to read). A participant who
/// may write has now read it all.
pub async fn seen(
    db: &DatabaseConnection,
    p: &Principal,
    a: &applications::Model,
    party: Option<Party>,
    asked: bool,
) -> Result<Option<ThreadView>, ServiceError> {
    let Some((side, can_write)) = seat_of(p, a, party, asked) else {
        return Ok(None);
    };
    let rows = db::threads::messages(db, a.id).await?;
    let reads = db::threads::reads(db, a.id).await?;
    let my_last = reads
        .iter()
        .find(|(u, _)| *u == p.user_id)
        .map_or(0, |(_, r)| *r);
    let messages: Vec<MessageView> = rows
        .into_iter()
        .map(|(m, author, files)| {
            let mine = m.author_id == p.user_id;
            MessageView {
                id: m.id,
                side: Side::parse(&m.side).unwrap_or(Side::Applicant),
                author,
                at: m.created_at.with_timezone(&Utc),
                files,
                new: !mine && m.id > my_last,
                read: mine && reads.iter().any(|(u, r)| *u != m.author_id && *r >= m.id),
                mine,
                body: m.body,
            }
        })
        .collect();
    let unread = messages.iter().filter(|m| m.new).count();
    if let Some(last) = messages.last()
        && can_write
        && last.id > my_last
    {
        db::threads::mark_read(db, a.id, p.user_id, last.id, Utc::now()).await?;
    }
    Ok(Some(ThreadView {
        messages,
        unread,
        can_write,
        side: Some(side),
    }))
}

/// Writes `who`'s message (field `message`) with its files (fields `attachment`) on
/// application `id`. Every file is checked before anything is written; nothing is kept of a
/// refused message.
pub async fn write(
    db: &DatabaseConnection,
    uploads: &Path,
    public_url: &str,
    who: Option<&Principal>,
    id: i32,
    text: &str,
    files: &[Upload],
) -> Result<(), ServiceError> {
    let p = signed_in(who)?;
    let (a, _, party) = crate::ssr::services::applications::access(db, p, id).await?;
    let asked = db::recommendations::request_of(db, id).await?.is_some();
    let (side, can_write) = seat_of(p, &a, party, asked).ok_or(ServiceError::NotFound)?;
    if !can_write {
        return Err(Denied::Forbidden.into());
    }
    let body = thread::body(text)?;
    let attached: Vec<&Upload> = files.iter().filter(|f| f.field == "attachment").collect();
    if attached.len() > MAX_FILES {
        return Err(FieldError::new(
            "attachment",
            Problem::OutOfRange {
                min: 0,
                max: MAX_FILES as i64,
            },
        )
        .into());
    }
    let mut checked = Vec::new();
    for f in attached {
        let (name, bytes) = f
            .checked()
            .map_err(|e| FieldError::new("attachment", e.problem))?;
        let content_type =
            form::sniff(bytes).ok_or_else(|| FieldError::new("attachment", Problem::FileType))?;
        checked.push((form::clean_file_name(name), content_type, bytes));
    }
    let mut stored = Vec::new();
    for (name, content_type, bytes) in &checked {
        let sha = crate::ssr::services::applications::store(uploads, bytes).await?;
        stored.push((name.clone(), *content_type, bytes.len(), sha));
    }
    let before = db::threads::messages(db, id).await?;
    let reads = db::threads::reads(db, id).await?;
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let mut documents = Vec::new();
    for (name, content_type, size, sha) in &stored {
        let doc = db::applications::NewDocument {
            application_id: id,
            slot: None,
            file_name: name,
            content_type,
            size: i64::try_from(*size).unwrap_or(i64::MAX),
            sha256: sha,
            uploaded_by: p.user_id,
        };
        documents.push(db::applications::insert_document(&*txn, &doc, now).await?);
    }
    let message = db::threads::NewMessage {
        application_id: id,
        author_id: p.user_id,
        side: side.as_str(),
        body: &body,
    };
    let written = db::threads::insert(&*txn, &message, &documents, now).await?;
    // The author has read their own thread up to what they wrote.
    db::threads::mark_read(&*txn, id, p.user_id, written, now).await?;
    let last = before.last().map_or(0, |(m, _, _)| m.id);
    for user in recipients(db, &a, side).await? {
        let read_up_to = reads
            .iter()
            .find(|(u, _)| *u == user)
            .map_or(0, |(_, r)| *r);
        // Told once per unread stretch: only if they had read everything before this one.
        if user != p.user_id
            && read_up_to >= last
            && let Some(m) = notice(db, user, &a, side, public_url, now).await?
        {
            messages::enqueue(&*txn, m).await?;
        }
    }
    txn.commit().await?;
    messages::wake();
    Ok(())
}

/// Who hears of a message written for `side`: the applicant hears of the others'; the
/// operator's assigned reviewers of the applicant's and the akimat's.
async fn recipients(
    db: &DatabaseConnection,
    a: &applications::Model,
    side: Side,
) -> Result<Vec<i32>, ServiceError> {
    Ok(match side {
        Side::Applicant => db::reviews::assignees(db, &[a.id])
            .await?
            .into_iter()
            .map(|(_, user, _)| user)
            .collect(),
        Side::Operator | Side::Akimat => {
            let mut to = vec![a.user_id];
            if side == Side::Akimat {
                to.extend(
                    db::reviews::assignees(db, &[a.id])
                        .await?
                        .into_iter()
                        .map(|(_, user, _)| user),
                );
            }
            to
        }
    })
}

/// The notice of a new message to `user`, by SMS or e-mail; `None` without an address.
async fn notice(
    db: &DatabaseConnection,
    user: i32,
    a: &applications::Model,
    from: Side,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Option<db::messages::NewMessage>, ServiceError> {
    let Some((address, lang)) = db::alerts::address_of(db, user).await? else {
        return Ok(None);
    };
    let id = a.id.to_string();
    let link = format!("{}/applications/{id}", public_url.trim_end_matches('/'));
    Ok(Some(messages::letter(
        messages::Letter {
            to: &address,
            lang,
            user_id: Some(user),
            application_id: Some(a.id),
            fallback_user_id: None,
            template: "thread",
            params: messages::params(&[("id", &id)]),
            urgency: Urgency::Normal,
            secret: false,
        },
        || {
            Mail::in_language(
                &address,
                lang,
                |l| tf(l, Msg::ThrMailSubject, &[("id", &id)]),
                |l| {
                    tf(
                        l,
                        Msg::ThrMailBody,
                        &[("id", &id), ("from", side_label(l, from)), ("link", &link)],
                    )
                },
            )
        },
        |l| messages::texts::thread(l, &id, messages::site(public_url)),
        now,
    )))
}

/// A side in words.
pub fn side_label(lang: Lang, side: Side) -> &'static str {
    t(
        lang,
        match side {
            Side::Applicant => Msg::ThrSideApplicant,
            Side::Operator => Msg::ThrSideOperator,
            Side::Akimat => Msg::ThrSideAkimat,
        },
    )
}
