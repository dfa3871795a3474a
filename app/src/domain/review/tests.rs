use super::*;

fn criterion(key: &str, weight: u32) -> RubricCriterion {
    RubricCriterion {
        key: key.to_owned(),
        ru: key.to_owned(),
        kk: key.to_owned(),
        weight,
        levels: Vec::new(),
    }
}

fn rubric() -> Rubric {
    vec![
        criterion("plan", 50),
        criterion("jobs", 30),
        criterion("local", 20),
    ]
}

fn scores(v: &[(&str, u8)]) -> Scores {
    v.iter().map(|(k, s)| ((*k).to_owned(), *s)).collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(k, s)| ((*k).to_owned(), (*s).to_owned()))
        .collect()
}

/// A sheet read as its door reads it, then checked on `rubric` as the use case checks it.
fn scored(rubric: &[RubricCriterion], fields: &[(String, String)]) -> Result<Scores, FieldError> {
    match Scoring::from_pairs(fields)? {
        Scoring::Scored { scores, .. } => on_rubric(rubric, &scores),
        Scoring::Abstained { conflict } => panic!("not an abstention: {conflict}"),
    }
}

/// A decision's fields as a form posts them, read as its door reads them, then checked.
fn parse_approval(
    pairs: &[(String, String)],
    limits: ApprovalLimits,
) -> Result<Approval, FieldError> {
    DecisionFields::from_pairs(pairs)?.approval(limits)
}

fn parse_rejection(pairs: &[(String, String)]) -> Result<Rejection, FieldError> {
    let reason = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "reason")
        .map(|(_, v)| v.as_str());
    DecisionFields::from_pairs(pairs)?.rejection(reason)
}

fn parse_disbursement(
    pairs: &[(String, String)],
    approved_kzt: i64,
    approved_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Disbursement, FieldError> {
    DecisionFields::from_pairs(pairs)?.disbursement(approved_kzt, approved_on, today)
}

fn parse_due(pairs: &[(String, String)], today: NaiveDate) -> Result<NaiveDate, FieldError> {
    DecisionFields::from_pairs(pairs)?.due(today)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("accepted")
}

#[test]
fn the_weighted_total_is_the_weights_average_rounded_half_up() {
    // (4·50 + 3·30 + 5·20) / 100 = 3.90
    assert_eq!(
        weighted(
            &rubric(),
            &scores(&[("plan", 4), ("jobs", 3), ("local", 5)])
        ),
        Some(390)
    );
    // (1·1 + 2·2) / 3 = 1.6666… → 1.67
    let r = vec![criterion("a", 1), criterion("b", 2)];
    assert_eq!(weighted(&r, &scores(&[("a", 1), ("b", 2)])), Some(167));
    assert_eq!(weighted(&r, &scores(&[("a", 0), ("b", 0)])), Some(0));
    assert_eq!(weighted(&r, &scores(&[("a", 5), ("b", 5)])), Some(500));
    assert_eq!(weighted(&[], &Scores::new()), None);
}

#[test]
fn a_criterion_added_after_scoring_is_left_out_rather_than_counted_as_zero() {
    let mut r = rubric();
    let s = scores(&[("plan", 4), ("jobs", 3), ("local", 5)]);
    r.push(criterion("new", 100));
    assert_eq!(weighted(&r, &s), Some(390));
}

#[test]
fn abstentions_do_not_count_in_the_mean() {
    let p = panel(
        &rubric(),
        vec![
            (
                1,
                "A".into(),
                Verdict::Scored(scores(&[("plan", 4), ("jobs", 3), ("local", 5)])),
            ),
            (
                2,
                "B".into(),
                Verdict::Scored(scores(&[("plan", 2), ("jobs", 2), ("local", 2)])),
            ),
            (3, "C".into(), Verdict::Abstained("my cousin".into())),
        ],
    );
    assert_eq!(p.sheets[0].total, Some(390));
    assert_eq!(p.sheets[1].total, Some(200));
    assert_eq!(p.sheets[2].total, None);
    // (3.90 + 2.00) / 2 = 2.95
    assert_eq!(p.mean, Some(295));
    assert_eq!((p.scored, p.abstained), (2, 1));
    assert_eq!(
        p.criteria,
        vec![
            ("plan".to_owned(), Some(300)),
            ("jobs".to_owned(), Some(250)),
            ("local".to_owned(), Some(350)),
        ]
    );
    let nobody = panel(
        &rubric(),
        vec![(3, "C".into(), Verdict::Abstained("x".into()))],
    );
    assert_eq!(nobody.mean, None);
    assert_eq!(nobody.criteria[0].1, None);
}

#[test]
fn hundredths_read_as_scores() {
    assert_eq!(hundredths(Lang::Ru, 295), "2,95");
    assert_eq!(hundredths(Lang::En, 405), "4.05");
    assert_eq!(hundredths(Lang::Kk, 500), "5,00");
}

#[test]
fn every_criterion_must_be_scored_from_0_to_5() {
    let r = rubric();
    let ok = scored(
        &r,
        &pairs(&[
            ("score_plan", "4"),
            ("score_jobs", "0"),
            ("score_local", " 5 "),
        ]),
    )
    .expect("accepted");
    assert_eq!(ok, scores(&[("plan", 4), ("jobs", 0), ("local", 5)]));
    let missing = scored(&r, &pairs(&[("score_plan", "4"), ("score_jobs", "0")]));
    assert_eq!(
        missing.expect_err("refused"),
        FieldError::new("score_local", Problem::Required)
    );
    for bad in ["6", "-1", "3.5", "x"] {
        let e = scored(
            &r,
            &pairs(&[
                ("score_plan", bad),
                ("score_jobs", "0"),
                ("score_local", "1"),
            ]),
        )
        .expect_err("refused");
        assert_eq!(e.field, "score_plan", "{bad}");
    }
}

#[test]
fn a_sheet_is_read_without_its_rubric_and_each_bad_field_is_named() {
    let long = "ы".repeat(MAX_TEXT + 1);
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, Problem);
    let cases: [Case<'_>; 5] = [
        (&[("abstain", "1")], "conflict", Problem::Required),
        (
            &[("abstain", "1"), ("conflict", "  ")],
            "conflict",
            Problem::Required,
        ),
        (
            &[("abstain", "1"), ("conflict", long.as_str())],
            "conflict",
            Problem::TooLong { max: MAX_TEXT },
        ),
        (
            &[("score_plan", "4"), ("score_jobs", "9")],
            "score_jobs",
            Problem::OutOfRange { min: 0, max: 5 },
        ),
        (
            &[("score_plan", "4"), ("comment", long.as_str())],
            "comment",
            Problem::TooLong { max: MAX_TEXT },
        ),
    ];
    for (fields, field, problem) in cases {
        let e = Scoring::from_pairs(&pairs(fields)).expect_err("refused");
        assert_eq!(
            (e.field.as_str(), e.problem),
            (field, problem),
            "{fields:?}"
        );
    }
    // The post's own controls are not read; the last value of a field counts; an empty score is
    // no score (the rubric, later, names it missing).
    let sheet = Scoring::from_pairs(&pairs(&[
        ("action", "score"),
        ("version", "3"),
        ("score_plan", "x"),
        ("score_plan", " 4 "),
        ("score_jobs", ""),
        ("comment", " Хороший план "),
    ]))
    .expect("read");
    assert_eq!(
        sheet,
        Scoring::Scored {
            scores: scores(&[("plan", 4)]),
            comment: Some("Хороший план".into()),
        }
    );
    let Scoring::Scored { scores: posted, .. } = sheet else {
        panic!("scored");
    };
    assert_eq!(
        on_rubric(&rubric(), &posted).expect_err("refused"),
        FieldError::new("score_jobs", Problem::Required)
    );
    assert_eq!(
        Scoring::from_pairs(&pairs(&[
            ("abstain", "on"),
            ("conflict", " Родственник "),
            ("score_plan", "9"),
        ])),
        Ok(Scoring::Abstained {
            conflict: "Родственник".into()
        }),
        "an abstention reads no scores"
    );
}

#[test]
fn a_score_for_a_criterion_the_rubric_lacks_is_left_out() {
    let posted = scores(&[("plan", 4), ("jobs", 0), ("local", 5), ("gone", 1)]);
    assert_eq!(
        on_rubric(&rubric(), &posted),
        Ok(scores(&[("plan", 4), ("jobs", 0), ("local", 5)]))
    );
}

#[test]
fn rubrics_are_checked() {
    assert!(validate_rubric(&rubric()).is_ok());
    assert!(validate_rubric(&[]).is_ok());
    assert!(validate_rubric(&[criterion("a", 0)]).is_err());
    assert!(validate_rubric(&[criterion("a", 101)]).is_err());
    assert!(validate_rubric(&[criterion("Bad Key", 1)]).is_err());
    assert_eq!(
        validate_rubric(&[criterion("a", 1), criterion("a", 2)])
            .expect_err("refused")
            .problem,
        Problem::Taken
    );
    let mut five_levels = criterion("a", 1);
    five_levels.levels = vec![
        LocalText {
            ru: "x".into(),
            kk: "x".into(),
        };
        5
    ];
    assert!(validate_rubric(&[five_levels]).is_err());
}

#[test]
fn an_approval_names_amount_term_and_rate_for_a_loan() {
    let limits = ApprovalLimits {
        amount_max_kzt: Some(5_000_000),
        term_months_max: Some(60),
        lends: true,
    };
    let a = parse_approval(
        &pairs(&[
            ("approved_amount", "4 500 000"),
            ("approved_term", "36"),
            ("approved_rate", "2,5"),
            ("conditions", "Страхование скота"),
        ]),
        limits,
    )
    .expect("accepted");
    assert_eq!(
        a,
        Approval {
            amount_kzt: 4_500_000,
            term_months: Some(36),
            rate_bps: Some(250),
            conditions: Some("Страхование скота".into()),
            grace_months: Some(0),
            method: Some(crate::domain::loan::Method::Annuity),
            season_months: None,
        }
    );
    let field = |v: &[(&str, &str)]| {
        parse_approval(&pairs(v), limits)
            .expect_err("refused")
            .field
    };
    assert_eq!(
        field(&[("approved_term", "36"), ("approved_rate", "2")]),
        "approved_amount"
    );
    assert_eq!(
        parse_approval(
            &pairs(&[
                ("approved_amount", "6000000"),
                ("approved_term", "36"),
                ("approved_rate", "2")
            ]),
            limits
        )
        .expect_err("refused")
        .problem,
        Problem::AmountAboveCap {
            max_tenge: 5_000_000
        }
    );
    assert_eq!(field(&[("approved_amount", "0")]), "approved_amount");
    assert_eq!(
        field(&[("approved_amount", "100"), ("approved_rate", "2")]),
        "approved_term"
    );
    assert_eq!(
        field(&[
            ("approved_amount", "100"),
            ("approved_term", "61"),
            ("approved_rate", "2")
        ]),
        "approved_term"
    );
    assert_eq!(
        field(&[
            ("approved_amount", "100"),
            ("approved_term", "6"),
            ("approved_rate", "abc")
        ]),
        "approved_rate"
    );
    // A grant has no term or rate: whatever is there is not asked for (even what a loan would
    // refuse). Text that is no number at all is refused by the form's reader, which does not
    // know the programme.
    let grant = parse_approval(
        &pairs(&[
            ("approved_amount", "100"),
            ("approved_term", "999"),
            ("approved_rate", "250"),
        ]),
        ApprovalLimits::default(),
    )
    .expect("accepted");
    assert_eq!((grant.term_months, grant.rate_bps), (None, None));
    assert_eq!(
        parse_approval(
            &pairs(&[("approved_amount", "100"), ("approved_term", "xx")]),
            ApprovalLimits::default(),
        )
        .expect_err("refused"),
        FieldError::new("approved_term", Problem::NotANumber)
    );
}

#[test]
fn a_rejection_needs_a_listed_reason_and_words_for_the_applicant() {
    let r = parse_rejection(&pairs(&[
        ("reject_reason", "weak_plan"),
        ("reason", "Нет расчёта кормов"),
    ]))
    .expect("accepted");
    assert_eq!(r.reason, RejectReason::WeakPlan);
    assert_eq!(
        parse_rejection(&pairs(&[("reason", "x")]))
            .expect_err("refused")
            .field,
        "reject_reason"
    );
    assert_eq!(
        parse_rejection(&pairs(&[("reject_reason", "bribe"), ("reason", "x")]))
            .expect_err("refused")
            .problem,
        Problem::UnknownChoice("bribe".into())
    );
    assert_eq!(
        parse_rejection(&pairs(&[("reject_reason", "other")]))
            .expect_err("refused")
            .field,
        "reason"
    );
}

#[test]
fn a_disbursement_is_dated_between_approval_and_today_and_at_most_the_approved_amount() {
    let today = day("2026-11-27");
    let approved = Some(day("2026-11-01"));
    let ok = parse_disbursement(
        &pairs(&[
            ("disbursed_on", "2026-11-20"),
            ("disbursed_amount", "1000000"),
            ("reference", "ПП-118"),
        ]),
        1_000_000,
        approved,
        today,
    )
    .expect("accepted");
    assert_eq!(ok.amount_kzt, 1_000_000);
    let field = |v: &[(&str, &str)]| {
        parse_disbursement(&pairs(v), 1_000_000, approved, today)
            .expect_err("refused")
            .field
    };
    let base = [("disbursed_amount", "1000"), ("reference", "x")];
    for bad in ["2026-11-28", "2026-10-31", "27.11.2026", ""] {
        let mut v = base.to_vec();
        v.push(("disbursed_on", bad));
        assert_eq!(field(&v), "disbursed_on", "{bad}");
    }
    assert_eq!(
        field(&[
            ("disbursed_on", "2026-11-20"),
            ("disbursed_amount", "1000001"),
            ("reference", "x")
        ]),
        "disbursed_amount"
    );
    assert_eq!(
        field(&[("disbursed_on", "2026-11-20"), ("disbursed_amount", "10")]),
        "reference"
    );
}

#[test]
fn an_information_request_is_due_within_ninety_days() {
    let today = day("2026-11-27");
    assert_eq!(
        parse_due(&pairs(&[("due_on", "2026-12-11")]), today).expect("accepted"),
        day("2026-12-11")
    );
    for bad in ["2026-11-27", "2027-02-26", "soon"] {
        assert_eq!(
            parse_due(&pairs(&[("due_on", bad)]), today)
                .expect_err("refused")
                .field,
            "due_on"
        );
    }
    assert_eq!(
        parse_due(&[], today).expect_err("refused").problem,
        Problem::Required
    );
}

#[test]
fn json_sends_a_decision_typed_and_reads_as_the_form_does() {
    let json: DecisionFields = serde_json::from_str(
        r#"{"due_on": "2026-12-11", "approved_amount": 2000000, "approved_term": 36,
            "approved_rate": 2.5, "conditions": "Страхование", "reject_reason": "other",
            "disbursed_on": "2026-11-20", "disbursed_amount": 10, "reference": "ПП-1"}"#,
    )
    .expect("typed");
    let form = DecisionFields::from_pairs(&pairs(&[
        ("due_on", "2026-12-11"),
        ("approved_amount", "2 000 000 ₸"),
        ("approved_term", "36"),
        ("approved_rate", "2,5"),
        ("conditions", "Страхование"),
        ("reject_reason", "other"),
        ("disbursed_on", "2026-11-20"),
        ("disbursed_amount", "10"),
        ("reference", "ПП-1"),
        ("reason", "not a decision field: the caller's"),
    ]))
    .expect("read");
    assert_eq!(json, form);
    assert_eq!(
        (json.approved_amount, json.approved_rate_bps),
        (Some(2_000_000), Some(250))
    );
    assert_eq!(
        DecisionFields::from_pairs(&pairs(&[("approved_amount", " "), ("due_on", "")])),
        Ok(DecisionFields::default()),
        "blank is absent"
    );
    // The rate in percent, two decimals at most, as on the form.
    let rate = |v: &str| {
        serde_json::from_str::<DecisionFields>(&format!(r#"{{"approved_rate": {v}}}"#))
            .map(|f| f.approved_rate_bps)
            .map_err(|e| e.to_string())
    };
    for (v, bps) in [
        ("2", Some(200)),
        ("2.55", Some(255)),
        ("0", Some(0)),
        ("100", Some(10_000)),
        ("null", None),
    ] {
        assert_eq!(rate(v), Ok(bps), "{v}");
    }
    for bad in ["2.555", "-1", r#""2,5""#, "true"] {
        assert!(rate(bad).is_err(), "{bad}");
    }
    // A name that is not a decision's field is refused by name.
    let unknown = serde_json::from_str::<DecisionFields>(r#"{"approved_amout": 1}"#)
        .expect_err("refused")
        .to_string();
    assert!(
        unknown.starts_with("unknown field `approved_amout`"),
        "{unknown}"
    );
}

#[test]
fn a_value_of_the_wrong_type_is_refused_as_the_form_refuses_text_of_the_wrong_kind() {
    for (field, problem) in [
        ("due_on", Some(Problem::NotADate)),
        ("disbursed_on", Some(Problem::NotADate)),
        ("approved_amount", Some(Problem::NotANumber)),
        ("approved_term", Some(Problem::NotANumber)),
        ("disbursed_amount", Some(Problem::NotANumber)),
        ("approved_rate", Some(Problem::NotAPercent)),
        ("reference", None),
        ("version", None),
    ] {
        assert_eq!(DecisionFields::mistyped(field), problem, "{field}");
    }
    // The form's reader says the same of text that is not of its field's kind.
    for (field, raw, problem) in [
        ("due_on", "soon", Problem::NotADate),
        ("disbursed_on", "27.11.2026", Problem::NotADate),
        ("approved_amount", "abc", Problem::NotANumber),
        ("approved_term", "36 months", Problem::NotANumber),
        ("disbursed_amount", "1,5", Problem::NotANumber),
        ("approved_rate", "2,555", Problem::NotAPercent),
    ] {
        assert_eq!(
            DecisionFields::from_pairs(&pairs(&[(field, raw)])),
            Err(FieldError::new(field, problem)),
            "{field}={raw}"
        );
    }
}

#[test]
fn an_approval_is_charged_to_the_whole_envelope_and_its_regions() {
    let e = |area: &str, total, approved| Envelope {
        area: area.to_owned(),
        area_name: String::new(),
        total_kzt: total,
        approved_kzt: approved,
        disbursed_kzt: 0,
    };
    let envelopes = vec![
        e(WHOLE, 10_000, 9_000),
        e("100000000", 500, 400),
        e("610000000", 2000, 0),
    ];
    assert_eq!(charged(&envelopes, Some("100000000")).len(), 2);
    assert_eq!(charged(&envelopes, Some("470000000")).len(), 1);
    // 100 fits the region's 100 left and the whole's 1,000.
    assert_eq!(overspent(&envelopes, Some("100000000"), 100), None);
    assert_eq!(
        overspent(&envelopes, Some("100000000"), 101).map(|e| e.area.as_str()),
        Some("100000000")
    );
    // The region has 2,000, but the whole programme only 1,000.
    assert_eq!(
        overspent(&envelopes, Some("610000000"), 1001).map(|e| e.area.as_str()),
        Some(WHOLE)
    );
    assert_eq!(overspent(&[], None, i64::MAX), None);
}

#[test]
fn an_approval_sets_the_schedule_of_a_loan_grace_method_and_season() {
    let limits = ApprovalLimits {
        amount_max_kzt: Some(5_000_000),
        term_months_max: Some(60),
        lends: true,
    };
    let base = [
        ("approved_amount", "1000000"),
        ("approved_term", "24"),
        ("approved_rate", "2,5"),
    ];
    let with = |extra: &[(&str, &str)]| {
        let mut v = base.to_vec();
        v.extend_from_slice(extra);
        parse_approval(&pairs(&v), limits)
    };
    let a = with(&[
        ("approved_grace", "6"),
        ("approved_method", "seasonal"),
        ("approved_season", "10"),
        ("approved_season", "11"),
    ])
    .expect("accepted");
    assert_eq!(a.grace_months, Some(6));
    assert_eq!(a.method, Some(crate::domain::loan::Method::Seasonal));
    assert_eq!(a.season_months, Some((1 << 9) | (1 << 10)));
    let refused = |extra: &[(&str, &str)]| with(extra).expect_err("refused");
    let e = refused(&[("approved_method", "seasonal")]);
    assert_eq!(
        (e.field.as_str(), e.problem),
        ("approved_season", Problem::Required)
    );
    let e = refused(&[("approved_method", "seasonal"), ("approved_season", "13")]);
    assert_eq!(e.field, "approved_season");
    let e = refused(&[("approved_grace", "24")]);
    assert_eq!(
        (e.field.as_str(), e.problem),
        ("approved_grace", Problem::OutOfRange { min: 0, max: 23 })
    );
    let e = refused(&[("approved_method", "weekly")]);
    assert_eq!(e.field, "approved_method");
    // A balloon keeps no season; the loan made from it repays everything at the end.
    let a = with(&[("approved_method", "balloon")]).expect("accepted");
    assert_eq!(a.season_months, None);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 15).expect("date");
    let loan = a.loan(1_000_000, day).expect("a loan");
    let schedule = loan.schedule();
    let last = schedule.rows.last().expect("rows");
    assert_eq!(last.principal.0, 100_000_000);
}
