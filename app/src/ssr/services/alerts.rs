//! Saved searches and alerts. A saved search remembers the programmes it matched when it was
//! saved; each check finds the programmes that match now, records the new ones (once: the
//! hit's primary key decides, even between two workers) and tells the owner in the app and by
//! e-mail, with a one-click unsubscribe link.
//!
//! Catalogue searches are matched with the database engine, which reads committed rows, so a
//! check right after a programme change sees it whatever the search indexes' lag.

use std::collections::BTreeSet;

use chrono::{NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use tracing::instrument;

use super::ServiceError;
use crate::domain::account::Principal;
use crate::domain::alerts::{NotificationView, SavedKind, SavedSearchView};
use crate::domain::eligibility::{Standing, rank};
use crate::domain::i18n::{Lang, Msg, t, tf};
use crate::domain::params::{FieldError, Problem};
use crate::domain::policy::{Action, allow};
use crate::domain::search::{MAX_PER_PAGE, SearchQuery};
use crate::ssr::db;
use crate::ssr::db::entities::saved_searches;
use crate::ssr::db::messages::Urgency;
use crate::ssr::mail::Mail;
use crate::ssr::search::SearchIndex;
use crate::ssr::search::database::DatabaseSearch;
use crate::ssr::services::messages;

/// The most programmes one catalogue search follows (the first pages of its results).
const FOLLOW_MAX: u32 = 1_000;

fn signed_in(who: Option<&Principal>) -> Result<&Principal, ServiceError> {
    allow(who, &Action::ManageOwnAccount)?;
    who.ok_or(ServiceError::Denied(
        crate::domain::policy::Denied::SignInRequired,
    ))
}

/// The ids and slugs of the programmes `saved` matches now.
async fn matching(
    db: &DatabaseConnection,
    open: &super::profiles::OpenProgrammes,
    kind: SavedKind,
    user_id: i32,
    query: &str,
    today: NaiveDate,
) -> Result<Vec<(i32, String)>, ServiceError> {
    let slugs: Vec<String> = match kind {
        SavedKind::Search => {
            let mut q = SearchQuery::from_query_string(query)?;
            q.per_page = MAX_PER_PAGE;
            let engine = DatabaseSearch::new(db.clone());
            let mut slugs = Vec::new();
            for page in 1..=FOLLOW_MAX / MAX_PER_PAGE {
                q.page = page;
                let results = engine.search(&q, today).await?;
                let done = results.hits.len() < MAX_PER_PAGE as usize;
                slugs.extend(results.hits.into_iter().map(|h| h.slug));
                if done {
                    break;
                }
            }
            slugs
        }
        SavedKind::Matches => {
            let Some(profile) = db::profiles::find(db, user_id).await? else {
                return Ok(Vec::new());
            };
            let facts = profile.facts(today);
            let extra: Vec<&crate::domain::location::KatoCode> = facts.location.iter().collect();
            let data = super::profiles::ranking_data(db, open, today, &extra).await?;
            rank(&data.candidates, &facts, &data.ctx)
                .into_iter()
                .filter(|m| m.standing == Standing::Eligible)
                .map(|m| data.candidates[m.index].slug.clone())
                .collect()
        }
    };
    Ok(db::alerts::program_ids(db, &slugs).await?)
}

/// Saves a catalogue search (`query` is its address query) or "my matches" for the signed-in
/// person. What matches today is remembered, not announced. Saving the same twice keeps one.
#[instrument(skip(db, who))]
pub async fn save(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    kind: &str,
    query: &str,
    today: NaiveDate,
) -> Result<i32, ServiceError> {
    let p = signed_in(who)?;
    let kind = SavedKind::parse(kind)
        .ok_or_else(|| FieldError::new("kind", Problem::UnknownChoice(kind.to_owned())))?;
    let query = match kind {
        SavedKind::Search => {
            let mut q = SearchQuery::from_query_string(query)?;
            // A saved search follows everything the query finds, not one page of it.
            q.page = 1;
            q.per_page = crate::domain::search::DEFAULT_PER_PAGE;
            q.to_query_string()
        }
        SavedKind::Matches => {
            allow(who, &Action::KeepProfile)?;
            String::new()
        }
    };
    if let Some(existing) = db::alerts::find_saved(db, p.user_id, kind.as_str(), &query).await? {
        return Ok(existing.id);
    }
    let (token, _) = crate::ssr::security::new_token()?;
    let now = matching(db, &Default::default(), kind, p.user_id, &query, today).await?;
    let txn = db::begin_write(db).await?;
    let id = db::alerts::insert_saved(&txn, p.user_id, kind.as_str(), &query, &token).await?;
    for (program, _) in now {
        db::alerts::record_hit(&txn, id, program).await?;
    }
    txn.commit().await?;
    Ok(id)
}

/// The signed-in person's saved searches.
pub async fn saved(
    db: &DatabaseConnection,
    who: Option<&Principal>,
) -> Result<Vec<SavedSearchView>, ServiceError> {
    let p = signed_in(who)?;
    Ok(db::alerts::saved_of(db, p.user_id)
        .await?
        .into_iter()
        .filter_map(|s| {
            Some(SavedSearchView {
                id: s.id,
                kind: SavedKind::parse(&s.kind)?,
                query: s.query,
                created_at: s.created_at.with_timezone(&Utc),
            })
        })
        .collect())
}

/// Deletes one of the signed-in person's saved searches; another's is not found.
pub async fn unsubscribe(
    db: &DatabaseConnection,
    who: Option<&Principal>,
    id: i32,
) -> Result<(), ServiceError> {
    let p = signed_in(who)?;
    if db::alerts::delete_saved(db, p.user_id, id).await? {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// Deletes the saved search of an e-mail's unsubscribe link; needs no sign-in.
pub async fn unsubscribe_by_token(
    db: &DatabaseConnection,
    token: &str,
) -> Result<(), ServiceError> {
    if token.len() > 64 || !db::alerts::delete_by_token(db, token).await? {
        return Err(FieldError::new("token", Problem::LinkInvalid).into());
    }
    Ok(())
}

/// The signed-in person's latest notifications.
pub async fn notifications(
    db: &DatabaseConnection,
    who: Option<&Principal>,
) -> Result<Vec<NotificationView>, ServiceError> {
    let p = signed_in(who)?;
    let saved = db::alerts::saved_of(db, p.user_id).await?;
    let rows = db::alerts::notifications_of(db, p.user_id, 100).await?;
    let events: Vec<i32> = rows.iter().filter_map(|(n, _)| n.event_id).collect();
    let states = db::alerts::event_states(db, &events).await?;
    Ok(rows
        .into_iter()
        .map(|(n, program)| NotificationView {
            id: n.id,
            slug: program.slug,
            title_ru: program.title_ru,
            title_kk: program.title_kk,
            via: n
                .saved_search_id
                .and_then(|id| saved.iter().find(|s| s.id == id))
                .and_then(|s| SavedKind::parse(&s.kind)),
            application: n.application_id.zip(
                n.event_id
                    .and_then(|e| states.get(&e))
                    .and_then(|s| crate::domain::application::State::parse(s)),
            ),
            created_at: n.created_at.with_timezone(&Utc),
            read: n.read_at.is_some(),
        })
        .collect())
}

/// Marks the signed-in person's notifications read.
pub async fn mark_read(
    db: &DatabaseConnection,
    who: Option<&Principal>,
) -> Result<(), ServiceError> {
    let p = signed_in(who)?;
    Ok(db::alerts::mark_read(db, p.user_id).await?)
}

/// How many unread notifications `user_id` has (the bell).
pub async fn unread(db: &DatabaseConnection, user_id: i32) -> Result<u64, ServiceError> {
    Ok(db::alerts::unread(db, user_id).await?)
}

/// Checks every saved search; returns how many notifications it created.
#[instrument(skip_all)]
pub async fn check(
    db: &DatabaseConnection,
    public_url: &str,
    today: NaiveDate,
) -> Result<usize, ServiceError> {
    let mut created = 0;
    let mut wrote = false;
    // The open programmes read once for every saved "my matches" of this round, not per person.
    let open = super::profiles::OpenProgrammes::default();
    for s in db::alerts::all_saved(db).await? {
        let n = check_one(db, &open, public_url, &s, today).await?;
        created += n;
        wrote |= n > 0;
    }
    if wrote {
        messages::wake();
    }
    Ok(created)
}

async fn check_one(
    db: &DatabaseConnection,
    open: &super::profiles::OpenProgrammes,
    public_url: &str,
    s: &saved_searches::Model,
    today: NaiveDate,
) -> Result<usize, ServiceError> {
    let Some(kind) = SavedKind::parse(&s.kind) else {
        return Ok(0);
    };
    let known = db::alerts::hits(db, s.id).await?;
    let fresh: Vec<(i32, String)> = matching(db, open, kind, s.user_id, &s.query, today)
        .await?
        .into_iter()
        .filter(|(id, _)| !known.contains(id))
        .collect();
    if fresh.is_empty() {
        return Ok(0);
    }
    let (in_app, by_message) = db::alerts::alert_choices(db, s.user_id).await?;
    let txn = db::begin_write(db).await?;
    let mut announced = Vec::new();
    for (program, slug) in fresh {
        // A programme is recorded as announced either way, so turning alerts back on does
        // not bring back old news.
        if db::alerts::record_hit(&txn, s.id, program).await? {
            if in_app {
                db::alerts::notify(&txn, s.user_id, program, s.id).await?;
            }
            announced.push(slug);
        }
    }
    // The message is written with the notifications it announces: both exist, or neither.
    if !announced.is_empty()
        && by_message
        && let Some((to, lang)) = db::alerts::address_of(&txn, s.user_id).await?
    {
        let count = announced.len().to_string();
        let message = messages::letter(
            messages::Letter {
                to: &to,
                lang,
                user_id: Some(s.user_id),
                application_id: None,
                fallback_user_id: None,
                template: "alert",
                params: messages::params(&[("count", &count), ("saved_search", &s.id.to_string())]),
                urgency: Urgency::Bulk,
                secret: false,
            },
            || alert_mail(&to, lang, public_url, &s.unsubscribe_token, &announced),
            |lang| messages::texts::alert(lang, messages::site(public_url)),
            Utc::now(),
        );
        messages::enqueue(&txn, message).await?;
    }
    txn.commit().await?;
    Ok(announced.len())
}

/// The e-mail of new programmes: their links and the one-click unsubscribe link, in the
/// reader's language (see [`Mail::in_language`]).
fn alert_mail(
    to: &str,
    lang: Option<Lang>,
    public_url: &str,
    token: &str,
    slugs: &[String],
) -> Mail {
    let base = public_url.trim_end_matches('/');
    let links: BTreeSet<String> = slugs
        .iter()
        .map(|s| format!("{base}/programs/{s}"))
        .collect();
    let links = links.into_iter().collect::<Vec<_>>().join("\n");
    let unsubscribe = format!("{base}/unsubscribe/{token}");
    let body = |lang| {
        tf(
            lang,
            Msg::AlertMailBody,
            &[("links", &links), ("unsubscribe", &unsubscribe)],
        )
    };
    let mut mail = Mail::in_language(
        to,
        lang,
        |lang| t(lang, Msg::AlertMailSubject).to_owned(),
        body,
    );
    mail.unsubscribe = Some(unsubscribe);
    mail
}
