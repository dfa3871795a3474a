//! Due dates, allocation, arrears and PAR on loans worked out by hand, and the properties every
//! allocation keeps.
use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

fn tenge(t: i64) -> Tiyn {
    Tiyn(t * 100)
}

fn instalment(number: i32, due_on: &str, principal: i64, interest: i64) -> Instalment {
    Instalment {
        number,
        due_on: day(due_on),
        principal: tenge(principal),
        interest: tenge(interest),
    }
}

fn paid(reference: &str, paid_on: &str, amount: i64) -> Repayment {
    Repayment {
        reference: reference.into(),
        paid_on: day(paid_on),
        amount: tenge(amount),
        reverses: None,
    }
}

fn reversal(reference: &str, paid_on: &str, of: &Repayment) -> Repayment {
    Repayment {
        reference: reference.into(),
        paid_on: day(paid_on),
        amount: of.amount,
        reverses: Some(of.reference.clone()),
    }
}

/// Loan A: three instalments of 10 000 ₸ principal and 1 000 ₸ interest from February; the
/// first paid on its day, the second five days late, the third never.
fn loan_a() -> (Vec<Instalment>, Vec<Repayment>) {
    (
        vec![
            instalment(1, "2026-02-15", 10_000, 1_000),
            instalment(2, "2026-03-15", 10_000, 1_000),
            instalment(3, "2026-04-15", 10_000, 1_000),
        ],
        vec![
            paid("A-1", "2026-02-15", 11_000),
            paid("A-2", "2026-03-20", 11_000),
        ],
    )
}

/// Loan B: 100 000 ₸ in two instalments from January; 30 000 ₸ paid early, nothing after.
fn loan_b() -> (Vec<Instalment>, Vec<Repayment>) {
    (
        vec![
            instalment(1, "2026-01-10", 50_000, 5_000),
            instalment(2, "2026-02-10", 50_000, 2_500),
        ],
        vec![paid("B-1", "2026-01-05", 30_000)],
    )
}

/// Loan C: one instalment of 40 000 ₸ due in June, nothing paid yet.
fn loan_c() -> (Vec<Instalment>, Vec<Repayment>) {
    (vec![instalment(1, "2026-06-01", 40_000, 0)], vec![])
}

fn arrears_of(loan: &(Vec<Instalment>, Vec<Repayment>), as_of: &str) -> Arrears {
    let as_of = day(as_of);
    Arrears::of(&allocate(&loan.0, &loan.1, Some(as_of)), as_of)
}

#[test]
fn instalments_fall_due_month_by_month_on_the_day_or_the_months_last() {
    let loan = crate::domain::loan::Loan {
        amount: tenge(300_000),
        rate_bps: 1_200,
        term_months: 3,
        grace_months: 0,
        grace: crate::domain::loan::Grace::InterestOnly,
        method: crate::domain::loan::Method::Differentiated,
        season: crate::domain::loan::Season::default(),
    };
    let due: Vec<(i32, NaiveDate, Tiyn, Tiyn)> = instalments(&loan.schedule(), day("2026-01-31"))
        .iter()
        .map(|i| (i.number, i.due_on, i.principal, i.interest))
        .collect();
    assert_eq!(
        due,
        [
            (1, day("2026-02-28"), tenge(100_000), tenge(3_000)),
            (2, day("2026-03-31"), tenge(100_000), tenge(2_000)),
            (3, day("2026-04-30"), tenge(100_000), tenge(1_000)),
        ]
    );
}

#[test]
fn a_full_grace_month_is_not_an_instalment() {
    let loan = crate::domain::loan::Loan {
        amount: tenge(100_000),
        rate_bps: 1_200,
        term_months: 3,
        grace_months: 1,
        grace: crate::domain::loan::Grace::Full,
        method: crate::domain::loan::Method::Balloon,
        season: crate::domain::loan::Season::default(),
    };
    let list = instalments(&loan.schedule(), day("2026-05-10"));
    let numbered: Vec<(i32, NaiveDate)> = list.iter().map(|i| (i.number, i.due_on)).collect();
    assert_eq!(numbered, [(1, day("2026-07-10")), (2, day("2026-08-10"))]);
    // The capitalised interest is repaid with the principal: 100 000 ₸ plus 1 000 ₸.
    assert_eq!(list[1].principal, tenge(101_000));
}

#[test]
fn a_payment_covers_the_oldest_instalment_interest_first() {
    let (due, _) = loan_b();
    let ledger = allocate(&due, &[paid("B-1", "2026-01-05", 30_000)], None);
    let first = ledger.standings[0];
    assert_eq!(
        (first.interest_paid, first.principal_paid, first.unpaid()),
        (tenge(5_000), tenge(25_000), tenge(25_000))
    );
    assert_eq!(ledger.standings[1].unpaid(), tenge(52_500));
    assert_eq!(ledger.standings[1].interest_paid, Tiyn(0));
}

#[test]
fn an_overpayment_pays_what_follows_and_the_rest_is_a_credit() {
    let (due, _) = loan_a();
    let ledger = allocate(&due, &[paid("A-all", "2026-02-01", 40_000)], None);
    assert!(ledger.standings.iter().all(|s| s.unpaid() == Tiyn(0)));
    assert!(ledger.standings.iter().all(Standing::on_time));
    assert_eq!(ledger.credit, tenge(7_000));
    assert_eq!(ledger.paid, tenge(40_000));
}

#[test]
fn arrears_as_of_chosen_days() {
    // Loan A the day after the second instalment fell due: one day late, 11 000 ₸ overdue.
    let a = arrears_of(&loan_a(), "2026-03-16");
    assert_eq!(
        (
            a.days_past_due,
            a.bucket,
            a.overdue,
            a.outstanding_principal
        ),
        (1, Bucket::Late1To30, tenge(11_000), tenge(20_000))
    );
    // On the day the late payment arrived: current again, the third instalment next.
    let a = arrears_of(&loan_a(), "2026-03-20");
    assert_eq!(
        (a.days_past_due, a.bucket, a.overdue, a.next),
        (
            0,
            Bucket::Current,
            Tiyn(0),
            Some((day("2026-04-15"), tenge(11_000)))
        )
    );
    // On its due date an instalment is not late yet.
    assert_eq!(arrears_of(&loan_a(), "2026-04-15").days_past_due, 0);
    // 35 days after the third fell due.
    let a = arrears_of(&loan_a(), "2026-05-20");
    assert_eq!(
        (a.days_past_due, a.bucket, a.outstanding_principal),
        (35, Bucket::Late31To60, tenge(10_000))
    );
    // Loan B: 25 000 ₸ of its first instalment unpaid, 130 days late by 20 May; both overdue.
    let b = arrears_of(&loan_b(), "2026-05-20");
    assert_eq!(
        (
            b.days_past_due,
            b.bucket,
            b.overdue,
            b.outstanding_principal
        ),
        (130, Bucket::Late90Plus, tenge(77_500), tenge(75_000))
    );
    // Loan C: nothing due yet.
    let c = arrears_of(&loan_c(), "2026-05-20");
    assert_eq!(
        (c.days_past_due, c.bucket, c.next),
        (0, Bucket::Current, Some((day("2026-06-01"), tenge(40_000))))
    );
    // A payment recorded after the day does not count on it.
    assert_eq!(arrears_of(&loan_a(), "2026-03-19").days_past_due, 4);
}

#[test]
fn par30_and_par90_of_the_three_loans() {
    let on = "2026-05-20";
    let loans = [
        arrears_of(&loan_a(), on),
        arrears_of(&loan_b(), on),
        arrears_of(&loan_c(), on),
    ];
    // PAR30: A (35 days, 10 000 ₸ outstanding) and B (130 days, 75 000 ₸) over 125 000 ₸.
    let par30 = AtRisk::of(30, &loans);
    assert_eq!(
        (par30.at_risk, par30.outstanding),
        (tenge(85_000), tenge(125_000))
    );
    assert_eq!(par30.bps(), Some(6_800));
    // PAR90: B alone.
    assert_eq!(AtRisk::of(90, &loans).bps(), Some(6_000));
    // On 16 March only A is late, by a day: no PAR30.
    let march = [
        arrears_of(&loan_a(), "2026-03-16"),
        arrears_of(&loan_b(), "2026-01-09"),
    ];
    assert_eq!(AtRisk::of(30, &march).bps(), Some(0));
    assert_eq!(AtRisk::of(30, &[]).bps(), None);
}

#[test]
fn on_time_means_every_instalment_due_so_far_settled_by_its_day() {
    let (due, paid_) = loan_a();
    let as_of = day("2026-03-10");
    assert!(repaid_on_time(&allocate(&due, &paid_, Some(as_of)), as_of));
    let as_of = day("2026-03-25");
    assert!(!repaid_on_time(&allocate(&due, &paid_, Some(as_of)), as_of));
}

#[test]
fn a_reversal_cancels_its_repayment_from_its_own_day() {
    let (due, mut records) = loan_a();
    let bounced = records[1].clone();
    records.push(reversal("A-2-rev", "2026-03-25", &bounced));
    // Before the reversal was recorded the payment counts; after, the second instalment is
    // unpaid again, late since 15 March.
    assert_eq!(
        arrears_of(&(due.clone(), records.clone()), "2026-03-24").days_past_due,
        0
    );
    let after = arrears_of(&(due, records), "2026-03-26");
    assert_eq!((after.days_past_due, after.overdue), (11, tenge(11_000)));
}

mod properties {
    use proptest::prelude::*;

    use super::super::*;

    fn start() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
    }

    fn instalments() -> impl Strategy<Value = Vec<Instalment>> {
        prop::collection::vec((0_i64..=1_000_000_000, 0_i64..=100_000_000), 1..40).prop_map(
            |parts| {
                parts
                    .into_iter()
                    .zip(1_u32..)
                    .map(|((principal, interest), k)| Instalment {
                        number: i32::try_from(k).unwrap_or(i32::MAX),
                        due_on: start()
                            .checked_add_months(Months::new(k))
                            .unwrap_or_default(),
                        principal: Tiyn(principal),
                        interest: Tiyn(interest),
                    })
                    .collect()
            },
        )
    }

    fn repayments() -> impl Strategy<Value = Vec<Repayment>> {
        prop::collection::vec((1_i64..=2_000_000_000, 0_u64..1_300), 0..30).prop_map(|list| {
            list.into_iter()
                .enumerate()
                .map(|(i, (amount, days))| Repayment {
                    reference: format!("R{i}"),
                    paid_on: start() + chrono::Days::new(days),
                    amount: Tiyn(amount),
                    reverses: None,
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn what_is_allocated_equals_what_was_paid(due in instalments(), records in repayments()) {
            let ledger = allocate(&due, &records, None);
            let allocated: i64 = ledger
                .standings
                .iter()
                .map(|s| s.interest_paid.0 + s.principal_paid.0)
                .sum();
            let brought: i64 = records.iter().map(|r| r.amount.0).sum();
            prop_assert_eq!(ledger.paid.0, brought);
            prop_assert_eq!(allocated + ledger.credit.0, brought);
            // A credit only once everything is paid.
            if ledger.credit.0 > 0 {
                prop_assert!(ledger.standings.iter().all(|s| s.unpaid().0 == 0));
            }
        }

        #[test]
        fn no_instalment_goes_below_zero_and_the_oldest_are_paid_first(
            due in instalments(),
            records in repayments(),
        ) {
            let ledger = allocate(&due, &records, None);
            for s in &ledger.standings {
                prop_assert!(s.interest_paid.0 >= 0 && s.interest_paid <= s.instalment.interest);
                prop_assert!(s.principal_paid.0 >= 0 && s.principal_paid <= s.instalment.principal);
                // Interest before principal.
                prop_assert!(s.principal_paid.0 == 0 || s.interest_paid == s.instalment.interest);
            }
            // Once an instalment is left unpaid, nothing after it received anything.
            if let Some(first_unpaid) = ledger.standings.iter().position(|s| s.unpaid().0 > 0) {
                for s in &ledger.standings[first_unpaid + 1..] {
                    prop_assert_eq!(s.interest_paid.0 + s.principal_paid.0, 0);
                }
            }
        }

        #[test]
        fn a_reversal_restores_the_state_without_the_repayment_exactly(
            due in instalments(),
            records in repayments(),
            pick in any::<prop::sample::Index>(),
            delay in 0_u64..400,
        ) {
            prop_assume!(!records.is_empty());
            let i = pick.index(records.len());
            let cancelled = records[i].clone();
            let mut with_reversal = records.clone();
            with_reversal.push(Repayment {
                reference: "reversal".into(),
                paid_on: cancelled.paid_on + chrono::Days::new(delay),
                amount: cancelled.amount,
                reverses: Some(cancelled.reference.clone()),
            });
            let mut without = records.clone();
            without.remove(i);
            // Once the reversal is recorded, the ledger is the one that never had the payment.
            prop_assert_eq!(allocate(&due, &with_reversal, None), allocate(&due, &without, None));
            let later = cancelled.paid_on + chrono::Days::new(delay);
            prop_assert_eq!(
                allocate(&due, &with_reversal, Some(later)),
                allocate(&due, &without, Some(later))
            );
        }

        #[test]
        fn paying_every_instalment_on_its_day_is_current_and_on_time(due in instalments()) {
            let records: Vec<Repayment> = due
                .iter()
                .map(|i| Repayment {
                    reference: format!("on-time-{}", i.number),
                    paid_on: i.due_on,
                    amount: i.amount(),
                    reverses: None,
                })
                .filter(|r| r.amount.0 > 0)
                .collect();
            let end = due.last().map(|i| i.due_on).unwrap_or_default() + chrono::Days::new(1);
            let ledger = allocate(&due, &records, Some(end));
            prop_assert!(repaid_on_time(&ledger, end));
            let arrears = Arrears::of(&ledger, end);
            prop_assert_eq!(arrears.days_past_due, 0);
            prop_assert_eq!(arrears.outstanding_principal.0, 0);
            prop_assert_eq!(ledger.credit.0, 0);
        }
    }
}
