//! After the money: a disbursed loan's terms and standing, its instalments, the repayments a
//! lender records against it (from a CSV, by hand or from the lender's system through the API),
//! and the organisations' API keys with the answers kept for their `Idempotency-Key`s.
//!
//! Repayments are append-only: a reversal is a row of its own that names the reference it
//! cancels. A loan's standing (what is paid, the principal still out, the oldest instalment not
//! paid in full) is recomputed from its instalments and repayments in the transaction that adds
//! a repayment, so that the portfolio, PAR30 and the public reports read one row per loan and
//! work out days past due for any day from a date, never walking the instalments.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_loans(manager).await?;
        create_tallies(manager).await?;
        create_instalments(manager).await?;
        create_repayments(manager).await?;
        create_reminders(manager).await?;
        create_followups(manager).await?;
        create_api_keys(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "api_idempotency",
            "api_keys",
            "followup_confirmations",
            "followup_reports",
            "program_followups",
            "reminders",
            "repayments",
            "instalments",
            "loan_tallies",
            "loans",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: &str,
    cols: &[&str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(Alias::new(table));
    for col in cols {
        index.col(Alias::new(*col));
    }
    if unique {
        index.unique();
    }
    manager.create_index(index.to_owned()).await
}

async fn create_loans(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("loans")
                .col(integer("application_id").primary_key())
                .col(integer("organisation_id"))
                .col(integer("program_id"))
                // Where the borrower lives: the okrug's KATO code (its first digits name the
                // district and the region), for the reports by area.
                .col(string_len_null("okrug_code", 9))
                .col(date("disbursed_on"))
                .col(big_integer("principal_tiyn"))
                .col(integer("rate_bps"))
                .col(integer("term_months"))
                .col(integer("grace_months"))
                // "interest_only" or "full"; "annuity", "differentiated", "seasonal", "balloon".
                .col(string("grace"))
                .col(string("method"))
                // A seasonal loan's calendar months (bit 0 January).
                .col(integer("season_months").default(0))
                // What the repayments brought, net of reversals.
                .col(big_integer("paid_tiyn").default(0))
                .col(big_integer("outstanding_principal_tiyn"))
                // The due date of the oldest instalment not paid in full; none when repaid.
                // Days past due on any day is that day minus this one.
                .col(date_null("first_unpaid_due_on"))
                // Whether some instalment was paid in full only after its due date.
                .col(boolean("paid_late").default(false))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("loans", "application_id")
                        .to("applications", "id"),
                )
                .to_owned(),
        )
        .await?;
    // The operator's portfolio and PAR per area: by organisation, and by okrug (a prefix of
    // which is a district or a region).
    //
    // The organisation's two hold every column a view's count and totals read, so that those
    // read an index alone: SQLite, without statistics, takes an index on `organisation_id` for
    // any lender and went from each entry to its row, 250,000 random reads and 500 ms per page
    // for one lender's loans (a scan of the table took 60). The first also holds the
    // portfolio's order (oldest unpaid instalment, then the loan); the second serves a view of
    // one area (equality and a range, which SQLite prefers to the first's equality alone: the
    // largest region's page went from 45 to 16 ms, an okrug's CSV from 112 to 58).
    index(
        manager,
        "idx_loans_organisation_due",
        "loans",
        &[
            "organisation_id",
            "first_unpaid_due_on",
            "application_id",
            "paid_late",
            "principal_tiyn",
            "outstanding_principal_tiyn",
            "program_id",
        ],
        false,
    )
    .await?;
    index(
        manager,
        "idx_loans_organisation_okrug",
        "loans",
        &[
            "organisation_id",
            "okrug_code",
            "first_unpaid_due_on",
            "paid_late",
            "principal_tiyn",
            "outstanding_principal_tiyn",
            "program_id",
        ],
        false,
    )
    .await?;
    index(
        manager,
        "idx_loans_okrug",
        "loans",
        &["okrug_code", "first_unpaid_due_on"],
        false,
    )
    .await
}

/// The loans' standing summed per lender, programme, oldest unpaid due date and whether some
/// instalment was paid late: what a whole book's totals (PAR30, the buckets, loans on time) are
/// read from. Kept in the transaction that writes a loan's standing (a loan leaves its old
/// group and joins its new one), so that a view of a lender's 250,000 loans sums a few
/// thousand rows, not its loans (60 ms on SQLite, most of a page's time). A loan repaid in full
/// is kept under `9999-12-31`: a key's columns cannot be NULL and compare equal.
async fn create_tallies(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("loan_tallies")
                .col(integer("organisation_id"))
                .col(integer("program_id"))
                .col(date("due_on"))
                .col(boolean("paid_late"))
                .col(big_integer("loans").default(0))
                .col(big_integer("principal_tiyn").default(0))
                .col(big_integer("outstanding_tiyn").default(0))
                .primary_key(
                    Index::create()
                        .col("organisation_id")
                        .col("program_id")
                        .col("due_on")
                        .col("paid_late"),
                )
                .to_owned(),
        )
        .await
        .map(|_| ())
}

async fn create_instalments(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("instalments")
                .col(integer("application_id"))
                .col(integer("number"))
                .col(date("due_on"))
                .col(big_integer("principal_tiyn"))
                .col(big_integer("interest_tiyn"))
                .primary_key(
                    Index::create()
                        .col(Alias::new("application_id"))
                        .col(Alias::new("number")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("instalments", "application_id")
                        .to("loans", "application_id"),
                )
                .to_owned(),
        )
        .await?;
    // Reminders: the instalments falling due on a day.
    index(
        manager,
        "idx_instalments_due",
        "instalments",
        &["due_on"],
        false,
    )
    .await
}

async fn create_repayments(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("repayments")
                .col(pk_auto("id"))
                .col(integer("application_id"))
                .col(integer("organisation_id"))
                // The lender's reference: recording the same one again adds nothing.
                .col(string_len("reference", 64))
                .col(date("paid_on"))
                .col(big_integer("amount_tiyn"))
                // A reversal names the reference it cancels.
                .col(string_len_null("reverses", 64))
                // "csv", "form" or "api", and who: a person or an API key.
                .col(string_len("source", 8))
                .col(integer_null("recorded_by"))
                .col(integer_null("api_key_id"))
                .col(timestamp_with_time_zone("recorded_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("repayments", "application_id")
                        .to("loans", "application_id"),
                )
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_repayments_reference",
        "repayments",
        &["application_id", "reference"],
        true,
    )
    .await
}

/// The reminders sent about an application after its payment: one of each kind about each
/// instalment (`before`: three days before its due date; `late`: the first day it is late) or
/// each required report (`report`: a week before it is due, `number` its kind), whatever the
/// instances and the restarts.
async fn create_reminders(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("reminders")
                .col(integer("application_id"))
                .col(integer("number"))
                .col(string_len("kind", 8))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(
                    Index::create()
                        .col(Alias::new("application_id"))
                        .col(Alias::new("number"))
                        .col(Alias::new("kind")),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("reminders", "application_id")
                        .to("applications", "id"),
                )
                .to_owned(),
        )
        .await
}

/// What a programme asks of those it paid, and what they file: the use of the funds (what
/// was bought, with receipts and photos) within some days of the payment, and the results
/// (jobs created, of them for young people and women, revenue) some months after. The lender
/// accepts or returns a report with a reason; the akimat may record that it saw the result on
/// site, in its own name, append-only.
async fn create_followups(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("program_followups")
                .col(integer("program_id").primary_key())
                // None: the programme asks for no such report.
                .col(integer_null("use_of_funds_days"))
                .col(integer_null("results_months"))
                .foreign_key(
                    ForeignKey::create()
                        .from("program_followups", "program_id")
                        .to("programs", "id"),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table("followup_reports")
                .col(pk_auto("id"))
                .col(integer("application_id"))
                // "use_of_funds" or "results".
                .col(string_len("kind", 16))
                // The filing's number: a returned report is filed again as a new row.
                .col(integer("version"))
                .col(date("due_on"))
                // "submitted", "accepted" or "returned".
                .col(string_len("state", 16))
                .col(text("data"))
                .col(timestamp_with_time_zone("submitted_at"))
                .col(integer_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(text_null("reason"))
                .foreign_key(
                    ForeignKey::create()
                        .from("followup_reports", "application_id")
                        .to("applications", "id"),
                )
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_followup_reports_application",
        "followup_reports",
        &["application_id", "kind", "version"],
        true,
    )
    .await?;
    manager
        .create_table(
            Table::create()
                .table("followup_confirmations")
                .col(pk_auto("id"))
                .col(integer("application_id"))
                .col(integer("author_user_id"))
                .col(string_len("author_role", 16))
                .col(string_len("okrug_code", 9))
                .col(text("text"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("followup_confirmations", "application_id")
                        .to("applications", "id"),
                )
                .to_owned(),
        )
        .await
        .map(|_| ())
}

async fn create_api_keys(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("api_keys")
                .col(pk_auto("id"))
                .col(integer("organisation_id"))
                .col(string("name"))
                // What the key may do: "repayments".
                .col(string_len("scope", 32))
                // The key's first characters, shown to tell keys apart, and SHA-256 of the
                // whole key: the key itself is shown once and never stored.
                .col(string_len("prefix", 16).unique_key())
                .col(string_len("secret_hash", 64))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("api_keys", "organisation_id")
                        .to("organisations", "id"),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table("api_idempotency")
                .col(integer("api_key_id"))
                .col(string_len("key", 128))
                // SHA-256 of the request body: the same key with another body is refused.
                .col(string_len("request_hash", 64))
                .col(integer("status"))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(
                    Index::create()
                        .col(Alias::new("api_key_id"))
                        .col(Alias::new("key")),
                )
                .to_owned(),
        )
        .await
        .map(|_| ())
}
