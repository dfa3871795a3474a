//! Accountability figures of an okrug, a district, a region or the country.
//!
//! [`Figures`] are an okrug's raw counts, kept computed per okrug and summed for larger areas:
//! every field adds up (time per stage is a histogram of whole days, so medians of a region are
//! exact, not a median of medians). What the public sees is [`PublicFigures`]: the same counts
//! with every count from 1 to 2 replaced by "fewer than 3", and every sum, share or median that
//! rests on fewer than 3 applications left out, so that no figure points at a person.

pub mod figures;
pub mod loans;
pub mod shown;
pub mod view;

pub use figures::*;
pub use loans::*;
pub use shown::*;
pub use view::*;

#[cfg(test)]
mod tests {
    use super::*;

    fn okrug(applied: u64, approved: u64, review_days: &[u32]) -> Figures {
        let mut f = Figures {
            applied,
            approved,
            ..Figures::default()
        };
        for d in review_days {
            f.add_stage(Stage::Review, *d);
        }
        f
    }

    #[test]
    fn counts_of_one_and_two_are_published_as_fewer_than_three() {
        assert_eq!(Shown::count(0), Shown::Value(0));
        assert_eq!(Shown::count(1), Shown::FewerThan3);
        assert_eq!(Shown::count(2), Shown::FewerThan3);
        assert_eq!(Shown::count(3), Shown::Value(3));
        assert_eq!(
            serde_json::to_string(&Shown::FewerThan3).expect("test value"),
            "\"<3\""
        );
        assert_eq!(
            serde_json::from_str::<Shown>("\"<3\"").expect("test value"),
            Shown::FewerThan3
        );
    }

    #[test]
    fn a_sum_over_fewer_than_three_applications_is_not_published() {
        let f = Figures {
            approved: 2,
            approved_kzt: 5_000_000,
            jobs_planned: 4,
            ..Figures::default()
        };
        let p = f.public();
        assert_eq!(p.approved_kzt, Shown::FewerThan3);
        assert_eq!(p.jobs_planned, Shown::FewerThan3);
        assert_eq!(p.approval_rate, None);
    }

    #[test]
    fn a_region_median_is_the_median_of_all_its_applications() {
        // A median of the okrugs' medians would say 5; the applications' median is 2.
        let mut region = Figures::default();
        region.add(&okrug(3, 0, &[1, 1, 2]));
        region.add(&okrug(3, 0, &[2, 2, 9]));
        region.add(&okrug(1, 0, &[5]));
        let review = region.stage(Stage::Review);
        assert_eq!(review.count, 7);
        assert_eq!(review.median_days, Some(2));
        assert_eq!(review.p90_days, Some(9));
        assert_eq!(region.applied, 7);
    }

    #[test]
    fn a_median_over_fewer_than_three_applications_is_not_published() {
        let p = okrug(2, 0, &[4, 6]).public();
        let review = p
            .stages
            .iter()
            .find(|s| s.stage == Stage::Review)
            .expect("test value");
        assert_eq!(review.median_days, None);
        assert_eq!(review.count, Shown::FewerThan3);
    }

    #[test]
    fn shares_need_three_on_each_side() {
        assert_eq!(rate(3, 4), Some(75));
        assert_eq!(rate(0, 4), Some(0));
        assert_eq!(rate(1, 40), None);
        assert_eq!(rate(2, 2), None);
    }

    #[test]
    fn the_trend_covers_twelve_months_across_the_new_year() {
        let m = last_months(
            chrono::NaiveDate::from_ymd_opt(2026, 2, 10).expect("test value"),
            12,
        );
        assert_eq!(m.first().expect("test value"), "2025-03");
        assert_eq!(m.last().expect("test value"), "2026-02");
        assert_eq!(m.len(), 12);
    }
}
