//! Every (state, step, party) triple against the issue's description of the life of an
//! application, written out here a second time; the decision-time estimate with a paused clock.
use super::*;
use chrono::TimeZone;

use Party::{Applicant, Operator};
use State::*;
use Step::*;

/// The issue's words, as triples: draft → submitted → in review ⇄ information requested →
/// approved → disbursed; rejected (from review); withdrawn (by the applicant before a
/// decision).
const ALLOWED: &[(State, Step, Party, State)] = &[
    (Draft, Submit, Applicant, Submitted),
    (Submitted, StartReview, Operator, InReview),
    (InReview, RequestInfo, Operator, InfoRequested),
    (InfoRequested, Answer, Applicant, InReview),
    (InReview, Approve, Operator, Approved),
    (Approved, Disburse, Operator, Disbursed),
    (InReview, Reject, Operator, Rejected),
    (Draft, Withdraw, Applicant, Withdrawn),
    (Submitted, Withdraw, Applicant, Withdrawn),
    (InReview, Withdraw, Applicant, Withdrawn),
    (InfoRequested, Withdraw, Applicant, Withdrawn),
];

#[test]
fn every_state_step_and_party_follows_the_issue() {
    let mut checked = 0;
    for from in State::ALL {
        for step in Step::ALL {
            for by in [Applicant, Operator] {
                checked += 1;
                let got = next(from, step, by);
                match ALLOWED.iter().find(|(f, s, _, _)| *f == from && *s == step) {
                    Some((_, _, who, to)) if *who == by => {
                        assert_eq!(got, Ok(*to), "{from:?} {step:?} by {by:?}");
                    }
                    Some((_, _, who, _)) => assert_eq!(
                        got,
                        Err(StepError::NotYours { step, needed: *who }),
                        "{from:?} {step:?} by {by:?}"
                    ),
                    None => assert_eq!(
                        got,
                        Err(StepError::NotFromHere { from, step }),
                        "{from:?} {step:?} by {by:?}"
                    ),
                }
            }
        }
    }
    assert_eq!(checked, 8 * 8 * 2);
    assert_eq!(TABLE.len(), ALLOWED.len(), "the table says nothing more");
}

#[test]
fn decisions_and_payouts_are_final_and_every_state_is_reachable_from_a_draft() {
    for s in [Disbursed, Rejected, Withdrawn] {
        assert!(s.is_final(), "{s:?}");
    }
    for s in [Draft, Submitted, InReview, InfoRequested, Approved] {
        assert!(!s.is_final(), "{s:?}");
    }
    // Approved is a decision: it can no longer be withdrawn.
    assert!(next(Approved, Withdraw, Applicant).is_err());
    let mut seen = vec![Draft];
    let mut frontier = vec![Draft];
    while let Some(s) = frontier.pop() {
        for r in TABLE.iter().filter(|r| r.from == s) {
            if !seen.contains(&r.to) {
                seen.push(r.to);
                frontier.push(r.to);
            }
        }
    }
    assert_eq!(seen.len(), State::ALL.len());
}

#[test]
fn a_change_made_on_an_old_version_is_a_conflict() {
    assert_eq!(check_version(3, 3), Ok(()));
    assert_eq!(
        check_version(4, 3),
        Err(StepError::Conflict {
            current: 4,
            seen: 3
        })
    );
}

#[test]
fn codes_round_trip_and_every_state_has_words() {
    for s in State::ALL {
        assert_eq!(State::parse(s.as_str()), Some(s));
        for lang in Lang::ALL {
            assert!(!s.label(lang).is_empty());
        }
    }
    assert_eq!(State::parse("lost"), None);
    assert_eq!(InfoRequested.label(Lang::Ru), "Запрошены сведения");
    assert_eq!(InfoRequested.label(Lang::Kk), "Мәліметтер сұралды");
    assert!(InfoRequested.applicant_todo(Lang::Ru).is_some());
    assert!(InReview.applicant_todo(Lang::Ru).is_none());
}

fn day(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0)
        .single()
        .expect("time")
}

#[test]
fn the_clock_stops_while_the_applicant_is_asked_for_something() {
    // Submitted on the 2nd, asked on the 4th, answered on the 9th, approved on the 10th:
    // 8 days in all, 5 of them waiting for the applicant → 3 days.
    let life = [
        Moment {
            at: day(1, 9),
            to: Draft,
        },
        Moment {
            at: day(2, 9),
            to: Submitted,
        },
        Moment {
            at: day(3, 9),
            to: InReview,
        },
        Moment {
            at: day(4, 9),
            to: InfoRequested,
        },
        Moment {
            at: day(9, 9),
            to: InReview,
        },
        Moment {
            at: day(10, 9),
            to: Approved,
        },
        Moment {
            at: day(20, 9),
            to: Disbursed,
        },
    ];
    assert_eq!(decision_time(&life), Some(Duration::days(3)));
    // The order events are given in does not matter.
    let mut shuffled = life;
    shuffled.reverse();
    assert_eq!(decision_time(&shuffled), Some(Duration::days(3)));
    // No decision, no time.
    assert_eq!(decision_time(&life[..5]), None);
    // Withdrawn applications are not decisions.
    let withdrawn = [
        Moment {
            at: day(2, 9),
            to: Submitted,
        },
        Moment {
            at: day(3, 9),
            to: Withdrawn,
        },
    ];
    assert_eq!(decision_time(&withdrawn), None);
}

#[test]
fn an_estimate_needs_enough_decisions_and_uses_nearest_rank_percentiles() {
    let days = |n: i64| Duration::days(n);
    let nine: Vec<Duration> = (1..=9).map(days).collect();
    assert_eq!(
        estimate(&nine),
        None,
        "nine decisions are too few to promise anything"
    );
    let ten: Vec<Duration> = (1..=10).map(days).collect();
    let e = estimate(&ten).expect("ten are enough");
    assert_eq!(e.median_secs, days(5).num_seconds());
    assert_eq!(e.p90_secs, days(9).num_seconds());
    assert_eq!(e.decisions, 10);
    let mut skewed: Vec<Duration> = vec![days(2); 18];
    skewed.push(days(40));
    skewed.push(days(60));
    let e = estimate(&skewed).expect("enough");
    assert_eq!(e.median_secs, days(2).num_seconds());
    assert_eq!(e.p90_secs, days(2).num_seconds(), "18 of 20 took two days");
}

#[test]
fn every_done_code_reads_back_as_itself() {
    // The form's adapter writes the code into the address and the page reads it back: a code
    // that does not round-trip would leave the person without the confirmation.
    let all = [
        Done::Save,
        Done::Submit,
        Done::Answer,
        Done::Withdraw,
        Done::Step,
        Done::Asked,
        Done::Recommended,
        Done::Scored,
        Done::Noted,
        Done::Assigned,
        Done::Assisted,
        Done::Repaid,
        Done::Reported,
        Done::ReportDecided,
        Done::Confirmed,
        Done::Written,
        Done::Appealed,
        Done::AppealDecided,
        Done::AppealSupported,
        Done::ReplyDeleted,
    ];
    for done in all {
        assert_eq!(Done::parse(done.as_str()), Some(done), "{done:?}");
    }
    assert_eq!(Done::parse("saved"), None);
}
