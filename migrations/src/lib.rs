//! Database schema history. Each migration is frozen once applied: change the schema by adding a
//! new one. Migrations never import entity types (entities follow the schema, not the reverse)
//! and never seed data (see `app::ssr::services::seed`).

#![expect(
    elided_lifetimes_in_paths,
    reason = "sea-orm-migration's async-trait methods elide SchemaManager's lifetime; naming it breaks the match with the trait"
)]

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_locations;
mod m20261127_000002_create_organisations;
mod m20261127_000003_create_programs;
mod m20261127_000004_create_search_outbox;
mod m20261128_000005_create_accounts;
mod m20261128_000006_create_profiles;
mod m20261128_000007_create_alerts;
mod m20261128_000008_create_applications;
mod m20261128_000009_index_staff;
mod m20261128_000010_append_only_events;
mod m20261128_000011_create_recommendations;
mod m20261128_000012_create_reports;
mod m20261128_000013_create_assisted_filings;
mod m20261128_000014_create_reviews;
mod m20261128_000015_create_program_versions;
mod m20261128_000016_index_queue;
mod m20261128_000017_user_language;
mod m20261206_000018_create_messages;
mod m20261206_000019_known_devices;
mod m20261207_000020_sms_spend;
mod m20261207_000021_create_loans;
mod m20261207_000022_create_threads;
mod m20261207_000023_create_appeals;
mod m20261207_000024_create_canned_replies;
mod m20261207_000025_create_records;
mod m20261207_000026_create_webhooks;
mod m20261207_000027_create_complaints;
mod m20261207_000028_index_report_signature;
mod m20261207_000029_queue_counts;

/// Every migration of the application, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_locations::Migration),
            Box::new(m20261127_000002_create_organisations::Migration),
            Box::new(m20261127_000003_create_programs::Migration),
            Box::new(m20261127_000004_create_search_outbox::Migration),
            Box::new(m20261128_000005_create_accounts::Migration),
            Box::new(m20261128_000006_create_profiles::Migration),
            Box::new(m20261128_000007_create_alerts::Migration),
            Box::new(m20261128_000008_create_applications::Migration),
            Box::new(m20261128_000009_index_staff::Migration),
            Box::new(m20261128_000010_append_only_events::Migration),
            Box::new(m20261128_000011_create_recommendations::Migration),
            Box::new(m20261128_000012_create_reports::Migration),
            Box::new(m20261128_000013_create_assisted_filings::Migration),
            Box::new(m20261128_000014_create_reviews::Migration),
            Box::new(m20261128_000015_create_program_versions::Migration),
            Box::new(m20261128_000016_index_queue::Migration),
            Box::new(m20261128_000017_user_language::Migration),
            Box::new(m20261206_000018_create_messages::Migration),
            Box::new(m20261206_000019_known_devices::Migration),
            Box::new(m20261207_000020_sms_spend::Migration),
            Box::new(m20261207_000021_create_loans::Migration),
            Box::new(m20261207_000022_create_threads::Migration),
            Box::new(m20261207_000023_create_appeals::Migration),
            Box::new(m20261207_000024_create_canned_replies::Migration),
            Box::new(m20261207_000025_create_records::Migration),
            Box::new(m20261207_000026_create_webhooks::Migration),
            Box::new(m20261207_000027_create_complaints::Migration),
            Box::new(m20261207_000028_index_report_signature::Migration),
            Box::new(m20261207_000029_queue_counts::Migration),
        ]
    }
}
