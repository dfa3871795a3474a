//! Schedules with independently computed figures, the calculator's inputs, the CSV, and
//! properties every schedule keeps.
use super::*;

fn loan(amount_tenge: i64, rate_bps: i32, term: i32, method: Method) -> Loan {
    Loan {
        amount: Tiyn(amount_tenge * 100),
        rate_bps,
        term_months: term,
        grace_months: 0,
        grace: Grace::InterestOnly,
        method,
        season: Season::default(),
    }
}

#[test]
fn a_balloon_pays_interest_monthly_and_the_principal_at_the_end() {
    // 1 200 000 ₸ at 12 % for 6 months: 12 000 ₸ of interest a month.
    let s = loan(1_200_000, 1_200, 6, Method::Balloon).schedule();
    let principal: Vec<i64> = s.rows.iter().map(|r| r.principal.0).collect();
    assert_eq!(principal, [0, 0, 0, 0, 0, 120_000_000]);
    assert!(s.rows.iter().all(|r| r.interest == Tiyn(1_200_000)));
    assert_eq!(s.rows[5].payment, Tiyn(121_200_000));
    assert_eq!(s.total_interest, Tiyn(7_200_000));
}

#[test]
fn a_seasonal_loan_repays_principal_after_the_harvest_only() {
    // 1 000 000 ₸ at 6 % over 12 months from January, principal in October and November:
    // 5 000 ₸ of interest a month until October, 500 000 ₸ of principal in each of the two,
    // and 2 500 ₸ of interest in November on what is left; December pays nothing.
    let mut l = loan(1_000_000, 600, 12, Method::Seasonal);
    l.season = Season {
        months: Season::month(10) | Season::month(11),
        first_month: 1,
    };
    let s = l.schedule();
    let principal: Vec<i64> = s.rows.iter().map(|r| r.principal.0 / 100).collect();
    assert_eq!(principal, [0, 0, 0, 0, 0, 0, 0, 0, 0, 500_000, 500_000, 0]);
    let interest: Vec<i64> = s.rows.iter().map(|r| r.interest.0 / 100).collect();
    assert_eq!(
        interest,
        [
            5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 2_500, 0
        ]
    );
    assert_eq!(s.rows[11].balance, Tiyn(0));
}

#[test]
fn a_seasonal_loan_over_two_harvests_starting_in_the_autumn() {
    // First payment in September, 18 months, principal each October: two parts, in payments
    // 2 (October) and 14 (the next October); 1 000 001 tiyn split as 500 001 + 500 000.
    let mut l = loan(0, 0, 18, Method::Seasonal);
    l.amount = Tiyn(1_000_001);
    l.season = Season {
        months: Season::month(10),
        first_month: 9,
    };
    let s = l.schedule();
    let repaid: Vec<(i32, i64)> = s
        .rows
        .iter()
        .filter(|r| r.principal.0 != 0)
        .map(|r| (r.month, r.principal.0))
        .collect();
    assert_eq!(repaid, [(2, 500_001), (14, 500_000)]);
}

#[test]
fn a_seasonal_loan_whose_months_fall_outside_the_term_repays_at_the_end() {
    // Three months from January with principal in October: the last payment takes it all.
    let mut l = loan(300_000, 1_200, 3, Method::Seasonal);
    l.season = Season {
        months: Season::month(10),
        first_month: 1,
    };
    let s = l.schedule();
    assert_eq!(s.rows[2].principal, Tiyn(30_000_000));
    assert_eq!(s.rows[2].balance, Tiyn(0));
}

#[test]
fn a_seasonal_loan_without_months_is_refused_naming_the_season() {
    let mut l = loan(300_000, 1_200, 12, Method::Seasonal);
    l.season.months = 0;
    assert_eq!(
        l.check(&Limits::default()).map_err(|e| e.field),
        Err("season".to_owned())
    );
    l.season = Season::default();
    assert_eq!(l.check(&Limits::default()), Ok(()));
}

#[test]
fn an_annuity_matches_the_textbook_figure() {
    // 1 000 000 ₸ at 12 % for 12 months: 88 848.786… ₸ exactly, so 88 848.79 ₸.
    let s = loan(1_000_000, 1_200, 12, Method::Annuity).schedule();
    assert_eq!(s.rows.len(), 12);
    assert_eq!(s.rows[0].payment, Tiyn(8_884_879));
    assert_eq!(s.rows[0].interest, Tiyn(1_000_000));
    assert_eq!(s.rows[11].balance, Tiyn(0));
    // 12 % nominal, monthly: 12.68 % effective.
    assert_eq!(s.effective_rate_bps, 1_268);
}

#[test]
fn auyl_amanaty_at_two_and_a_half_percent() {
    // 5 000 000 ₸ at 2.5 % for 60 months: 88 736.808… ₸ exactly, so 88 736.81 ₸.
    let s = loan(5_000_000, 250, 60, Method::Annuity).schedule();
    assert_eq!(s.rows[0].payment, Tiyn(8_873_681));
    assert_eq!(s.total_paid.0 - s.total_interest.0, 500_000_000);
}

#[test]
fn a_differentiated_schedule_repays_equal_parts() {
    let s = loan(1_200_000, 1_200, 12, Method::Differentiated).schedule();
    assert_eq!(s.rows[0].principal, Tiyn(10_000_000));
    assert_eq!(s.rows[0].interest, Tiyn(1_200_000));
    assert_eq!(s.rows[11].interest, Tiyn(100_000));
    assert_eq!(s.total_interest, Tiyn(7_800_000));
}

#[test]
fn a_zero_rate_loan_costs_nothing() {
    let s = loan(1_000, 0, 3, Method::Annuity).schedule();
    assert_eq!(s.total_interest, Tiyn(0));
    assert_eq!(s.effective_rate_bps, 0);
    let paid: Vec<i64> = s.rows.iter().map(|r| r.payment.0).collect();
    // 100 000 tiyn over 3: 33 334, 33 334, and the last takes what is left.
    assert_eq!(paid, [33_334, 33_334, 33_332]);
}

#[test]
fn interest_only_grace_pays_interest_then_repays() {
    let mut l = loan(1_200_000, 1_200, 12, Method::Differentiated);
    l.grace_months = 3;
    let s = l.schedule();
    assert_eq!(s.rows[0].payment, Tiyn(1_200_000));
    assert_eq!(s.rows[2].principal, Tiyn(0));
    assert_eq!(s.rows[3].principal, Tiyn(120_000_000 / 9 + 1));
    assert_eq!(s.rows[11].balance, Tiyn(0));
}

#[test]
fn full_grace_adds_the_interest_to_the_debt() {
    let mut l = loan(1_000_000, 1_200, 12, Method::Annuity);
    l.grace_months = 2;
    l.grace = Grace::Full;
    let s = l.schedule();
    assert_eq!(s.rows[0].payment, Tiyn(0));
    assert_eq!(s.rows[0].balance, Tiyn(101_000_000));
    assert_eq!(s.rows[1].balance, Tiyn(102_010_000));
    assert_eq!(s.rows[11].balance, Tiyn(0));
    let principal: i64 = s.rows.iter().map(|r| r.principal.0).sum();
    assert_eq!(principal, 100_000_000);
}

#[test]
fn bad_loans_name_their_field() {
    let limits = Limits {
        amount_min: None,
        amount_max: Some(Tiyn(1_081_250_000)),
        term_months_max: Some(60),
        grace_months_max: Some(6),
    };
    let ok = loan(5_000_000, 250, 60, Method::Annuity);
    assert_eq!(ok.check(&limits), Ok(()));
    let cases = [
        (
            Loan {
                amount: Tiyn(0),
                ..ok
            },
            "amount",
        ),
        (
            Loan {
                amount: Tiyn(-5),
                ..ok
            },
            "amount",
        ),
        (
            Loan {
                amount: Tiyn(1_081_250_001),
                ..ok
            },
            "amount",
        ),
        (Loan { rate_bps: -1, ..ok }, "rate"),
        (
            Loan {
                rate_bps: 5_001,
                ..ok
            },
            "rate",
        ),
        (
            Loan {
                term_months: 0,
                ..ok
            },
            "term",
        ),
        (
            Loan {
                term_months: 61,
                ..ok
            },
            "term",
        ),
        (
            Loan {
                grace_months: 7,
                ..ok
            },
            "grace",
        ),
        (
            Loan {
                grace_months: -1,
                ..ok
            },
            "grace",
        ),
    ];
    for (bad, field) in cases {
        let e = bad.check(&limits).expect_err("refused");
        assert_eq!(e.field, field, "{bad:?}");
    }
    let short = Loan {
        term_months: 3,
        grace_months: 3,
        ..ok
    };
    assert_eq!(
        short.check(&limits).map_err(|e| e.field),
        Err("grace".into())
    );
}

#[test]
fn the_csv_opens_in_a_spreadsheet_in_the_readers_language() {
    let s = loan(1_000, 1_200, 2, Method::Differentiated).schedule();
    let ru = s.to_csv(Lang::Ru);
    let lines: Vec<&str> = ru.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert!(ru.starts_with('\u{feff}'));
    assert_eq!(
        lines[0],
        "Месяц;Платёж;Основной долг;Проценты;Остаток долга"
    );
    assert_eq!(lines[1], "1;510,00;500,00;10,00;500,00");
    assert_eq!(lines[2], "2;505,00;500,00;5,00;0,00");
    let en = s.to_csv(Lang::En);
    assert!(en.contains("\r\n1,510.00,500.00,10.00,500.00\r\n"), "{en}");
}

#[test]
fn typed_inputs_become_a_loan_or_a_named_error() {
    let defaults = LoanInput::defaults(
        &Limits {
            amount_max: Some(Tiyn(1_081_250_000)),
            term_months_max: Some(60),
            ..Limits::default()
        },
        Some(250),
    );
    assert_eq!(defaults.amount, "10812500");
    assert_eq!(defaults.rate, "2,5");
    let q = |pairs: &[(&str, &str)]| {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        let (input, error) = LoanInput::from_query(&pairs, defaults.clone());
        error.map_or(Ok(input), Err)
    };
    let input = q(&[
        ("amount", "1 500 000 ₸"),
        ("rate", "6.75"),
        ("term", "36"),
        ("method", "differentiated"),
    ])
    .expect("valid");
    let loan = input.to_loan().expect("a loan");
    assert_eq!(loan.amount, Tiyn(150_000_000));
    assert_eq!(loan.rate_bps, 675);
    assert_eq!(loan.term_months, 36);
    assert_eq!(loan.method, Method::Differentiated);
    for (pairs, field) in [
        (vec![("amount", "много")], "amount"),
        (vec![("amount", "")], "amount"),
        (vec![("amount", "1.5")], "amount"),
        (vec![("rate", "2,555")], "rate"),
        (vec![("rate", "abc")], "rate"),
        (vec![("term", "99999999999999")], "term"),
    ] {
        let e = q(&pairs)
            .expect("known keys")
            .to_loan()
            .expect_err("refused");
        assert_eq!(e.field, field, "{pairs:?}");
    }
    let e = q(&[("method", "balloon")]).expect_err("unknown method");
    assert_eq!(e.field, "method");
    // A huge amount is out of range, not garbage.
    let e = q(&[("amount", "99999999999999999999")])
        .expect("parsed")
        .to_loan()
        .and_then(|l| l.check(&Limits::default()).map(|()| l))
        .expect_err("too large");
    assert_eq!((e.field.as_str(), e.code()), ("amount", "above_cap"));
}

mod properties {
    use proptest::prelude::*;

    use super::super::*;

    fn loans() -> impl Strategy<Value = Loan> {
        (
            1_000_i64..=AMOUNT_MAX.0,
            // Half of the cases near zero, where a tiyn of rounding is what decides.
            prop_oneof![0..=10, 0..=RATE_MAX_BPS],
            1..=TERM_MAX_MONTHS,
            0..=TERM_MAX_MONTHS,
            prop_oneof![Just(Grace::InterestOnly), Just(Grace::Full)],
            prop_oneof![
                Just(Method::Annuity),
                Just(Method::Differentiated),
                Just(Method::Seasonal),
                Just(Method::Balloon)
            ],
            (1_u16..0x1000, 1_u8..=12),
        )
            .prop_map(
                |(amount, rate_bps, term, grace, grace_kind, method, (months, first_month))| Loan {
                    amount: Tiyn(amount),
                    rate_bps,
                    term_months: term,
                    grace_months: grace.min(term - 1),
                    grace: grace_kind,
                    method,
                    season: Season {
                        months,
                        first_month,
                    },
                },
            )
    }

    proptest! {
        #[test]
        fn the_principal_adds_up_to_the_amount_and_the_debt_to_zero(loan in loans()) {
            prop_assert!(loan.check(&Limits::default()).is_ok());
            let s = loan.schedule();
            prop_assert_eq!(s.rows.len(), usize::try_from(loan.term_months).unwrap_or_default());
            let principal: i64 = s.rows.iter().map(|r| r.principal.0).sum();
            prop_assert_eq!(principal, loan.amount.0);
            prop_assert_eq!(s.rows.last().map(|r| r.balance), Some(Tiyn(0)));
            prop_assert_eq!(s.total_paid.0, loan.amount.0 + s.total_interest.0);
            for r in &s.rows {
                prop_assert!(r.balance.0 >= 0 && r.interest.0 >= 0 && r.payment.0 >= 0, "{:?}", r);
                prop_assert_eq!(r.payment.0, r.principal.0 + r.interest.0);
            }
        }

        #[test]
        fn differentiated_payments_never_increase_after_the_grace(mut loan in loans()) {
            loan.method = Method::Differentiated;
            let s = loan.schedule();
            let after: Vec<i64> = s.rows[usize::try_from(loan.grace_months).unwrap_or_default()..]
                .iter()
                .map(|r| r.payment.0)
                .collect();
            prop_assert!(after.windows(2).all(|w| w[1] <= w[0]), "{:?}", after);
        }

        #[test]
        fn annuity_payments_are_equal_but_the_last(mut loan in loans()) {
            loan.method = Method::Annuity;
            let s = loan.schedule();
            let after = &s.rows[usize::try_from(loan.grace_months).unwrap_or_default()..];
            if let Some((_, body)) = after.split_last() {
                prop_assert!(body.windows(2).all(|w| w[0].payment == w[1].payment));
            }
        }

        #[test]
        fn the_effective_rate_is_never_below_the_nominal_one(
            mut loan in loans(),
            rate_bps in 100..=RATE_MAX_BPS,
            amount in 1_000_000_i64..=AMOUNT_MAX.0,
        ) {
            // From 1 % and 10 000 ₸: below that, rounding to the tiyn outweighs the
            // difference monthly compounding makes.
            loan.rate_bps = rate_bps;
            loan.amount = Tiyn(amount);
            let s = loan.schedule();
            prop_assert!(s.effective_rate_bps >= loan.rate_bps, "{} < {}", s.effective_rate_bps, loan.rate_bps);
        }
    }
}
