//! Saved searches and the notifications they raise: what the pages and server functions
//! exchange.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a saved search follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SavedKind {
    /// A catalogue query (text and filters).
    Search,
    /// The owner's eligible programmes, by their profile at the time of each check.
    Matches,
}

impl SavedKind {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            SavedKind::Search => "search",
            SavedKind::Matches => "matches",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<SavedKind> {
        match s {
            "search" => Some(SavedKind::Search),
            "matches" => Some(SavedKind::Matches),
            _ => None,
        }
    }
}

/// A saved search as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SavedSearchView {
    /// Id.
    pub id: i32,
    /// What it follows.
    pub kind: SavedKind,
    /// The catalogue query string (empty for matches).
    pub query: String,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
}

/// One notification: a programme that newly matches a saved search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationView {
    /// Id.
    pub id: i32,
    /// The programme's slug.
    pub slug: String,
    /// Its Russian title.
    pub title_ru: String,
    /// Its Kazakh title.
    pub title_kk: String,
    /// Which kind of saved search raised it, if the search still exists.
    pub via: Option<SavedKind>,
    /// The application it is about, and the state it entered (a transition's notice).
    pub application: Option<(i32, crate::domain::application::State)>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Whether it was read.
    pub read: bool,
}
