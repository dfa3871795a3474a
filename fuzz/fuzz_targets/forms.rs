//! Every form the site reads, fed the same decoded body: the profile, the what-if, the
//! application, the programme editor and its criteria, the operator's queue filters and
//! assignment, the akimat's recommendation, the reviewer's sheet, the assisted filing's forms
//! (the body's bytes as the consent scan) and the operator's decisions (a step's fields). Each answers with a
//! value or a field error; none panics, whatever the body.
#![no_main]

use app::domain::application::assisted::{SendConsentCode, StartAssisted};
use app::domain::application::form::{Draft, Limits, validate};
use app::domain::catalog::ProgramStatus;
use app::domain::eligibility::WhatIfInput;
use app::domain::params::decode_query;
use app::domain::program::Slug;
use app::domain::application::command::StepInput;
use app::domain::review::{self, ApprovalLimits, DecisionFields};
use app::domain::{editor, profile, queue, recommendation};
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(pairs) = decode_query(raw) else {
        return;
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date");
    let _ = profile::SaveProfile::from_pairs(&pairs, today);
    let _ = WhatIfInput::from_pairs(&pairs).parse();
    let draft: Draft = pairs.iter().cloned().collect();
    let limits = Limits {
        amount_min_kzt: Some(100_000),
        amount_max_kzt: Some(10_812_500),
        term_months_max: Some(60),
    };
    let _ = validate(&draft, &limits);
    let _ = validate(&draft, &Limits::default());
    if let Some(org) = Slug::parse("akk") {
        let edit = editor::command::EditProgramme::from_pairs(&pairs);
        let _ = edit.programme(&org, None, ProgramStatus::Draft);
    }
    let _ = editor::parse_criteria(&pairs);
    let _ = queue::QueueQuery::parse(&pairs);
    let _ = queue::Assignment::from_pairs(&pairs);
    let _ = recommendation::parse(&pairs);
    let _ = review::Scoring::from_pairs(&pairs);
    let _ = SendConsentCode::from_pairs(&pairs);
    let _ = StartAssisted::from_form(&pairs, Some(("consent.pdf", data)));
    let approval = ApprovalLimits {
        amount_max_kzt: Some(10_812_500),
        term_months_max: Some(60),
        lends: true,
    };
    // A decision's fields as the form post reads them (`StepInput::from_pairs`), then each
    // decision's rules on them.
    let _ = StepInput::from_pairs(&pairs);
    if let Ok(fields) = DecisionFields::from_pairs(&pairs) {
        let _ = fields.approval(approval);
        let _ = fields.rejection(Some(raw));
        let _ = fields.disbursement(5_000_000, Some(today), today);
        let _ = fields.due(today);
    }
});
