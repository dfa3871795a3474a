//! The conversation on an application: what a participant sees (and, by seeing it, has read),
//! and a message written with its files. Who takes part is `domain::thread::seat`'s rule.
//!
//! A new message tells the people on the other sides through the message outbox (SMS or
//! e-mail, whichever their login is): the applicant, the operator's reviewers assigned to the
//! application, and the okrug's akimat when the applicant asked it for a recommendation. Only
//! the first message of an unread stretch does: someone who has not read the last one is not
//! told again.

use std::path::Path;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::domain::account::Principal;
use crate::domain::application::{Party, State};
use crate::domain::i18n::{Lang, Msg, t, tf};
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::Denied;
use crate::domain::thread::{
    self, CannedReply, MAX_FILES, MAX_REPLIES, MessageView, Seat, Side, ThreadView,
};
use crate::ssr::db;
use crate::ssr::db::entities::applications;
use crate::ssr::db::messages::Urgency;
use crate::ssr::http::Upload;
use crate::ssr::mail::Mail;
use crate::ssr::services::applications::documents::Loose;
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
    let documents = if rows.iter().any(|(_, _, f)| !f.is_empty()) {
        db::applications::documents(db, a.id).await?
    } else {
        Vec::new()
    };
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
                file_names: files
                    .iter()
                    .map(|f| {
                        documents
                            .iter()
                            .find(|d| d.id == *f)
                            .map(|d| d.file_name.clone())
                            .unwrap_or_default()
                    })
                    .collect(),
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
    let replies = if side == Side::Operator && can_write {
        db::threads::replies(db, a.program_id)
            .await?
            .into_iter()
            .map(|r| CannedReply {
                id: r.id,
                body: r.body,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(ThreadView {
        messages,
        unread,
        can_write,
        side: Some(side),
        replies,
    }))
}

/// The messages of application `id`'s thread after message `after`, as `who` sees them (and
/// so has read them): what a page open in the browser adds without a reload.
pub async fn since(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
    after: i32,
) -> Result<Vec<MessageView>, ServiceError> {
    let p = signed_in(who)?;
    let (a, _, party) = crate::ssr::services::applications::access(db, p, id).await?;
    let asked = db::recommendations::request_of(db, id).await?.is_some();
    let v = seen(db, p, &a, party, asked)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(v.messages.into_iter().filter(|m| m.id > after).collect())
}

/// Removes ready answer `reply` of application `id`'s programme: its operator's staff who
/// write in the thread.
pub async fn delete_reply(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
    reply: Option<&str>,
) -> Result<(), ServiceError> {
    let p = signed_in(who)?;
    let (a, _, party) = crate::ssr::services::applications::access(db, p, id).await?;
    let asked = db::recommendations::request_of(db, id).await?.is_some();
    match seat_of(p, &a, party, asked) {
        Some((Side::Operator, true)) => {}
        Some(_) => return Err(Denied::Forbidden.into()),
        None => return Err(ServiceError::NotFound),
    }
    let raw = reply.unwrap_or_default();
    let reply: i32 = raw
        .trim()
        .parse()
        .map_err(|_| FieldError::new("reply_id", Problem::NotANumber))?;
    if !db::threads::delete_reply(db, reply, a.program_id).await? {
        return Err(FieldError::new("reply_id", Problem::UnknownReference(raw.to_owned())).into());
    }
    Ok(())
}

/// A message as posted.
#[derive(Clone, Copy)]
pub struct Message<'a> {
    /// The text (field `message`).
    pub text: &'a str,
    /// The files posted (fields `attachment`).
    pub files: &'a [Upload],
    /// Keep it as a ready answer of the programme (an operator's only).
    pub save_reply: bool,
}

/// Writes `who`'s message (field `message`) with its files (fields `attachment`) on
/// application `id`; an operator's, with `save_reply`, is kept as a ready answer of the
/// programme too. Every file is checked before anything is written; nothing is kept of a
/// refused message.
pub async fn write(
    db: &DatabaseConnection,
    uploads: &Path,
    public_url: &str,
    who: Option<&Principal>,
    id: i32,
    m: &Message<'_>,
) -> Result<(), ServiceError> {
    let Message {
        text,
        files,
        save_reply,
    } = *m;
    let p = signed_in(who)?;
    let (a, _, party) = crate::ssr::services::applications::access(db, p, id).await?;
    let asked = db::recommendations::request_of(db, id).await?.is_some();
    let (side, can_write) = seat_of(p, &a, party, asked).ok_or(ServiceError::NotFound)?;
    if !can_write {
        return Err(Denied::Forbidden.into());
    }
    let body = thread::body(text)?;
    let save_reply = save_reply && side == Side::Operator;
    if save_reply && db::threads::replies(db, a.program_id).await?.len() >= MAX_REPLIES {
        return Err(FieldError::new(
            "save_reply",
            Problem::OutOfRange {
                min: 0,
                max: MAX_REPLIES as i64,
            },
        )
        .into());
    }
    let files = Loose::store(uploads, files, "attachment", MAX_FILES).await?;
    let before = db::threads::messages(db, id).await?;
    let reads = db::threads::reads(db, id).await?;
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let documents = files.record(&*txn, id, p.user_id, now).await?;
    let message = db::threads::NewMessage {
        application_id: id,
        author_id: p.user_id,
        side: side.as_str(),
        body: &body,
    };
    let written = db::threads::insert(&*txn, &message, &documents, now).await?;
    if save_reply {
        db::threads::add_reply(&*txn, a.program_id, &body, p.user_id, now).await?;
    }
    // The author has read their own thread up to what they wrote.
    db::threads::mark_read(&*txn, id, p.user_id, written, now).await?;
    let last = before.last().map_or(0, |(m, _, _)| m.id);
    for user in recipients(db, &a, side, asked).await? {
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

/// Who hears of a message written for `side`: the applicant of the others'; the operator's
/// assigned reviewers of the applicant's and the akimat's; the okrug's akim and akimat staff,
/// when the applicant asked them for a recommendation, of the applicant's and the operator's.
async fn recipients(
    db: &DatabaseConnection,
    a: &applications::Model,
    side: Side,
    asked: bool,
) -> Result<Vec<i32>, ServiceError> {
    let mut to = Vec::new();
    if side != Side::Applicant {
        to.push(a.user_id);
    }
    if side != Side::Operator {
        to.extend(
            db::reviews::assignees(db, &[a.id])
                .await?
                .into_iter()
                .map(|(_, user, _)| user),
        );
    }
    if asked
        && side != Side::Akimat
        && let Some(okrug) = okrug_of(a)
    {
        to.extend(
            db::applications::akimat_of(db, okrug.as_str())
                .await?
                .into_iter()
                .map(|u| u.id),
        );
    }
    to.sort_unstable();
    to.dedup();
    Ok(to)
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
