//! The integration suite: the real server on a random port with a fresh database and index.
//! One binary (this file only declares modules) so that linking happens once.

mod accounts;
mod alerts;
mod applications;
mod authorization;
mod bad_input;
mod calculator;
mod catalog_api;
mod eligibility;
mod health;
mod helpers;
mod instances;
mod invitations;
mod meili_real;
mod messages_admin;
mod openapi;
mod page_cache;
mod pages;
mod queue_counts;
mod sabotage;
mod search_faults;
mod security;
mod startup;
