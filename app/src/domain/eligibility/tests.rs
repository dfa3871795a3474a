//! Every criterion type's met / not met / unknown behaviour (as properties), the ranking, and
//! the explanation texts in Russian and Kazakh.
use proptest::prelude::*;

use super::*;

use chrono::NaiveDate;

use crate::domain::catalog::{Certificate, LegalForm, ProgramKind, Sector, Stage, TargetGroup};
use crate::domain::criteria::Criterion;
use crate::domain::i18n::Lang;
use crate::domain::identity::Sex;
use crate::domain::location::KatoCode;
use crate::domain::program::PlaceView;

/// The age up to which a person counts as young (the "youth" target group).
use crate::domain::money::{AmountUnit, MciRate, MciTable, Tiyn};

fn ctx() -> Context {
    Context {
        today: NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
        mci: MciTable::new(vec![MciRate {
            year: 2026,
            tiyn: Tiyn(432_500),
        }]),
    }
}

fn code(s: &str) -> KatoCode {
    KatoCode::parse(s).expect("valid code")
}

// Turkestan region, Baidibek district, Shayan okrug, the village of Shayan.
const SHAYAN: &str = "613630100";

fn turkestan_herder() -> Facts {
    Facts {
        age: Some(34),
        sex: Some(Sex::Male),
        groups: Some(vec![]),
        location: Some(code(SHAYAN)),
        sector: Some(Sector::Livestock),
        stage: Some(Stage::Y1To3),
        legal_form: Some(LegalForm::Farm),
        employees: Some(2),
        business_age_months: Some(20),
        amount_tenge: Some(5_000_000),
        collateral: Some(true),
        certificates: Some(vec![]),
    }
}

fn candidate(slug: &str, kind: ProgramKind, criteria: Vec<Criterion>) -> Candidate {
    Candidate {
        slug: slug.to_owned(),
        title_ru: slug.to_owned(),
        title_kk: slug.to_owned(),
        kind,
        deadline: None,
        sectors: vec![],
        criteria,
    }
}

fn places() -> Places {
    let mut p = Places::new();
    for (c, ru, kk) in [
        (SHAYAN, "с. Шаян", None),
        (
            "610000000",
            "Туркестанская область",
            Some("Түркістан облысы"),
        ),
        ("150000000", "Актюбинская область", Some("Ақтөбе облысы")),
    ] {
        p.insert(
            c.to_owned(),
            PlaceView {
                code: code(c),
                name_ru: ru.to_owned(),
                name_kk: kk.map(str::to_owned),
            },
        );
    }
    p
}

fn empty() -> Facts {
    Facts::default()
}

fn arb_sector() -> impl Strategy<Value = Sector> {
    proptest::sample::select(Sector::ALL.to_vec())
}

fn arb_form() -> impl Strategy<Value = LegalForm> {
    proptest::sample::select(LegalForm::ALL.to_vec())
}

fn arb_stage() -> impl Strategy<Value = Stage> {
    proptest::sample::select(Stage::ALL.to_vec())
}

fn arb_group() -> impl Strategy<Value = TargetGroup> {
    proptest::sample::select(TargetGroup::ALL.to_vec())
}

fn bounds() -> impl Strategy<Value = (Option<u32>, Option<u32>)> {
    (
        proptest::option::of(0u32..100),
        proptest::option::of(0u32..100),
    )
        .prop_filter("a range needs a bound", |(a, b)| a.is_some() || b.is_some())
        .prop_map(|(a, b)| match (a, b) {
            (Some(x), Some(y)) if x > y => (Some(y), Some(x)),
            other => other,
        })
}

proptest! {
    #[test]
    fn age_is_met_exactly_inside_its_bounds((min, max) in bounds(), age in 0u32..130) {
        let c = Criterion::Age { min: min.map(|m| m as u8), max: max.map(|m| m as u8) };
        let facts = Facts { age: Some(age), ..empty() };
        let inside = min.is_none_or(|m| age >= m) && max.is_none_or(|m| age <= m);
        prop_assert_eq!(assess(&c, &facts, &ctx()), if inside { Outcome::Met } else { Outcome::NotMet });
        prop_assert_eq!(assess(&c, &empty(), &ctx()), Outcome::Unknown);
    }

    #[test]
    fn employees_and_business_age_are_met_exactly_inside((min, max) in bounds(), n in 0u32..200) {
        let inside = min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
        let expected = if inside { Outcome::Met } else { Outcome::NotMet };
        let staff = Criterion::Employees { min, max };
        prop_assert_eq!(assess(&staff, &Facts { employees: Some(n), ..empty() }, &ctx()), expected);
        prop_assert_eq!(assess(&staff, &empty(), &ctx()), Outcome::Unknown);
        let months = Criterion::BusinessAgeMonths { min, max };
        prop_assert_eq!(assess(&months, &Facts { business_age_months: Some(n), ..empty() }, &ctx()), expected);
        prop_assert_eq!(assess(&months, &empty(), &ctx()), Outcome::Unknown);
    }

    #[test]
    fn sector_in_and_excluded_sectors_are_opposites(
        listed in proptest::collection::vec(arb_sector(), 1..5),
        mine in arb_sector(),
    ) {
        let facts = Facts { sector: Some(mine), ..empty() };
        let member = listed.contains(&mine);
        let sector_in = assess(&Criterion::SectorIn { sectors: listed.clone() }, &facts, &ctx());
        let excluded = assess(&Criterion::ExcludedSectors { sectors: listed.clone() }, &facts, &ctx());
        prop_assert_eq!(sector_in, if member { Outcome::Met } else { Outcome::NotMet });
        prop_assert_eq!(excluded, if member { Outcome::NotMet } else { Outcome::Met });
        prop_assert_eq!(assess(&Criterion::SectorIn { sectors: listed.clone() }, &empty(), &ctx()), Outcome::Unknown);
        prop_assert_eq!(assess(&Criterion::ExcludedSectors { sectors: listed }, &empty(), &ctx()), Outcome::Unknown);
    }

    #[test]
    fn stage_and_legal_form_are_met_when_listed(
        stages in proptest::collection::vec(arb_stage(), 1..4),
        stage in arb_stage(),
        forms in proptest::collection::vec(arb_form(), 1..5),
        form in arb_form(),
    ) {
        let facts = Facts { stage: Some(stage), legal_form: Some(form), ..empty() };
        prop_assert_eq!(assess(&Criterion::StageIn { stages: stages.clone() }, &facts, &ctx()) == Outcome::Met, stages.contains(&stage));
        prop_assert_eq!(assess(&Criterion::LegalFormIn { forms: forms.clone() }, &facts, &ctx()) == Outcome::Met, forms.contains(&form));
        prop_assert_eq!(assess(&Criterion::StageIn { stages }, &empty(), &ctx()), Outcome::Unknown);
        prop_assert_eq!(assess(&Criterion::LegalFormIn { forms }, &empty(), &ctx()), Outcome::Unknown);
        // Registered with the tax authority is every form but "not registered yet".
        let tax = assess(&Criterion::TaxRegistered, &facts, &ctx());
        prop_assert_eq!(tax, if form == LegalForm::None { Outcome::NotMet } else { Outcome::Met });
        prop_assert_eq!(assess(&Criterion::TaxRegistered, &empty(), &ctx()), Outcome::Unknown);
    }

    #[test]
    fn a_target_group_is_unknown_until_answered(
        wanted in proptest::collection::vec(arb_group(), 1..4),
        declared in proptest::collection::vec(arb_group(), 0..4),
    ) {
        let c = Criterion::TargetGroupAny { groups: wanted.clone() };
        // Age and sex given, so youth and women are decided by them, not by the ticks.
        let facts = Facts { age: Some(40), sex: Some(Sex::Male), groups: Some(declared.clone()), ..empty() };
        let declared_other = wanted.iter().any(|g| !matches!(g, TargetGroup::Youth | TargetGroup::Women) && declared.contains(g));
        prop_assert_eq!(assess(&c, &facts, &ctx()), if declared_other { Outcome::Met } else { Outcome::NotMet });
        let unanswered = Facts { age: Some(40), sex: Some(Sex::Male), ..empty() };
        let only_derived = wanted.iter().all(|g| matches!(g, TargetGroup::Youth | TargetGroup::Women));
        prop_assert_eq!(assess(&c, &unanswered, &ctx()), if only_derived { Outcome::NotMet } else { Outcome::Unknown });
    }

    #[test]
    fn an_amount_in_mci_is_judged_in_this_year_s_tenge(max_mci in 1i64..10_000, amount in 1i64..100_000_000) {
        let c = Criterion::AmountWithin { unit: AmountUnit::Mci, min: None, max: Some(max_mci) };
        let facts = Facts { amount_tenge: Some(amount), ..empty() };
        let cap = max_mci * 4_325;
        prop_assert_eq!(assess(&c, &facts, &ctx()), if amount <= cap { Outcome::Met } else { Outcome::NotMet });
        prop_assert_eq!(assess(&c, &empty(), &ctx()), Outcome::Unknown);
    }

    #[test]
    fn collateral_and_certificates_follow_the_answer(has in proptest::bool::ANY) {
        let facts = Facts {
            collateral: Some(has),
            certificates: Some(if has { vec![Certificate::BastauBusiness] } else { vec![] }),
            ..empty()
        };
        let expected = if has { Outcome::Met } else { Outcome::NotMet };
        prop_assert_eq!(assess(&Criterion::CollateralAvailable, &facts, &ctx()), expected);
        let cert = Criterion::Certificate { name: Certificate::BastauBusiness };
        prop_assert_eq!(assess(&cert, &facts, &ctx()), expected);
        prop_assert_eq!(assess(&Criterion::CollateralAvailable, &empty(), &ctx()), Outcome::Unknown);
        prop_assert_eq!(assess(&cert, &empty(), &ctx()), Outcome::Unknown);
    }

    #[test]
    fn a_place_is_within_the_area_that_contains_its_code(tail in 1u32..999) {
        // Any settlement of Shayan okrug is in Turkestan region, and not in Aktobe region.
        let village = code(&format!("613630{tail:03}"));
        let facts = Facts { location: Some(village), ..empty() };
        let turkestan = Criterion::LocationWithin { codes: vec![code("610000000")] };
        let aktobe = Criterion::LocationWithin { codes: vec![code("150000000")] };
        prop_assert_eq!(assess(&turkestan, &facts, &ctx()), Outcome::Met);
        prop_assert_eq!(assess(&aktobe, &facts, &ctx()), Outcome::NotMet);
        prop_assert_eq!(assess(&turkestan, &empty(), &ctx()), Outcome::Unknown);
    }

    #[test]
    fn nothing_known_never_makes_a_criterion_unmet(c in proptest::sample::select(all_kinds())) {
        prop_assert_eq!(assess(&c, &empty(), &ctx()), Outcome::Unknown);
    }
}

fn all_kinds() -> Vec<Criterion> {
    vec![
        Criterion::Age {
            min: Some(18),
            max: Some(29),
        },
        Criterion::LocationWithin {
            codes: vec![code("610000000")],
        },
        Criterion::SectorIn {
            sectors: vec![Sector::Crop],
        },
        Criterion::ExcludedSectors {
            sectors: vec![Sector::Trade],
        },
        Criterion::StageIn {
            stages: vec![Stage::Idea],
        },
        Criterion::LegalFormIn {
            forms: vec![LegalForm::Farm],
        },
        Criterion::TargetGroupAny {
            groups: vec![TargetGroup::Kandas],
        },
        Criterion::AmountWithin {
            unit: AmountUnit::Kzt,
            min: None,
            max: Some(5_000_000),
        },
        Criterion::CollateralAvailable,
        Criterion::Certificate {
            name: Certificate::BastauBusiness,
        },
        Criterion::BusinessAgeMonths {
            min: None,
            max: Some(12),
        },
        Criterion::Employees {
            min: None,
            max: Some(250),
        },
        Criterion::TaxRegistered,
    ]
}

#[test]
fn a_region_is_too_coarse_for_a_programme_of_two_districts() {
    let c = Criterion::LocationWithin {
        codes: vec![code("615400000"), code("614400000")],
    };
    let region_only = Facts {
        location: Some(code("610000000")),
        ..empty()
    };
    assert_eq!(assess(&c, &region_only, &ctx()), Outcome::Unknown);
    let line = explain(
        Lang::Ru,
        &c,
        Outcome::Unknown,
        &region_only,
        &ctx(),
        &places(),
    );
    assert!(
        line.text.contains("укажите населённый пункт"),
        "{}",
        line.text
    );
}

#[test]
fn youth_follows_age_and_women_follow_the_iin_s_sex() {
    let youth = Criterion::TargetGroupAny {
        groups: vec![TargetGroup::Youth],
    };
    let women = Criterion::TargetGroupAny {
        groups: vec![TargetGroup::Women],
    };
    let young_woman = Facts {
        age: Some(24),
        sex: Some(Sex::Female),
        ..empty()
    };
    assert_eq!(assess(&youth, &young_woman, &ctx()), Outcome::Met);
    assert_eq!(assess(&women, &young_woman, &ctx()), Outcome::Met);
    // Ticking "youth" at 34 does not make a person young.
    let ticked = Facts {
        age: Some(34),
        groups: Some(vec![TargetGroup::Youth]),
        ..empty()
    };
    assert_eq!(assess(&youth, &ticked, &ctx()), Outcome::NotMet);
    assert_eq!(assess(&youth, &empty(), &ctx()), Outcome::Unknown);
}

/// The integration case of the issue, in the domain: Auyl Amanaty fits a 34-year-old livestock
/// farmer in Turkestan region; a youth programme there is a near miss for the age alone, and it
/// points to the eligible microcredit.
#[test]
fn a_turkestan_herder_of_34_ranks_auyl_amanaty_first_and_a_youth_programme_as_a_near_miss() {
    let amanaty = candidate(
        "auyl-amanaty-microcredit",
        ProgramKind::Microcredit,
        vec![
            Criterion::TaxRegistered,
            Criterion::CollateralAvailable,
            Criterion::AmountWithin {
                unit: AmountUnit::Mci,
                min: None,
                max: Some(2500),
            },
        ],
    );
    let youth = candidate(
        "turkestan-youth-livestock",
        ProgramKind::Microcredit,
        vec![
            Criterion::LocationWithin {
                codes: vec![code("610000000")],
            },
            Criterion::Age {
                min: Some(18),
                max: Some(29),
            },
            Criterion::SectorIn {
                sectors: vec![Sector::Livestock],
            },
        ],
    );
    let aktobe = candidate(
        "aktobe-only",
        ProgramKind::Grant,
        vec![Criterion::LocationWithin {
            codes: vec![code("150000000")],
        }],
    );
    let list = vec![aktobe, youth, amanaty];
    let facts = turkestan_herder();
    let ranked = rank(&list, &facts, &ctx());
    let order: Vec<&str> = ranked.iter().map(|m| list[m.index].slug.as_str()).collect();
    assert_eq!(
        order,
        [
            "auyl-amanaty-microcredit",
            "turkestan-youth-livestock",
            "aktobe-only"
        ]
    );
    assert_eq!(ranked[0].standing, Standing::Eligible);
    let near = &ranked[1];
    assert_eq!((near.standing, near.unmet), (Standing::NearMiss, 1));
    assert_eq!(near.next_best, Some(2), "points to Auyl Amanaty");
    let lines = explain_all(Lang::Ru, &list[near.index], near, &facts, &ctx(), &places());
    assert_eq!(lines[0].outcome, Outcome::NotMet, "the reason comes first");
    assert_eq!(
        lines[0].text,
        "Возраст 34, а программа для возраста от 18 до 29 лет"
    );
    assert_eq!(lines[1].text, "с. Шаян входит в: Туркестанская область");
    // The what-if: at 25 the youth programme fits, and it is the more targeted of the two.
    let younger = facts.with(&WhatIf {
        age: Some(25),
        ..WhatIf::default()
    });
    let ranked = rank(&list, &younger, &ctx());
    assert_eq!(list[ranked[0].index].slug, "turkestan-youth-livestock");
    assert_eq!(ranked[0].standing, Standing::Eligible);
}

#[test]
fn near_misses_with_fewer_unmet_criteria_come_first_and_unknowns_before_them() {
    let one = candidate(
        "one-unmet",
        ProgramKind::Grant,
        vec![Criterion::StageIn {
            stages: vec![Stage::Idea],
        }],
    );
    let two = candidate(
        "two-unmet",
        ProgramKind::Grant,
        vec![
            Criterion::StageIn {
                stages: vec![Stage::Idea],
            },
            Criterion::CollateralAvailable,
        ],
    );
    let unknown = candidate(
        "needs-a-certificate",
        ProgramKind::Grant,
        vec![Criterion::Employees {
            min: Some(1),
            max: None,
        }],
    );
    let facts = Facts {
        stage: Some(Stage::Over3y),
        collateral: Some(false),
        ..empty()
    };
    let list = vec![two, one, unknown];
    let ranked = rank(&list, &facts, &ctx());
    let order: Vec<(&str, Standing)> = ranked
        .iter()
        .map(|m| (list[m.index].slug.as_str(), m.standing))
        .collect();
    assert_eq!(
        order,
        [
            ("needs-a-certificate", Standing::Possible),
            ("one-unmet", Standing::NearMiss),
            ("two-unmet", Standing::NearMiss),
        ]
    );
}

#[test]
fn eligible_programmes_aimed_at_the_person_come_before_general_ones_then_by_deadline() {
    let mut general = candidate("general", ProgramKind::Loan, vec![Criterion::TaxRegistered]);
    general.deadline = NaiveDate::from_ymd_opt(2026, 12, 1);
    let mut later = candidate("later", ProgramKind::Loan, vec![Criterion::TaxRegistered]);
    later.deadline = NaiveDate::from_ymd_opt(2027, 3, 1);
    let targeted = candidate(
        "for-livestock-in-turkestan",
        ProgramKind::Loan,
        vec![
            Criterion::TaxRegistered,
            Criterion::SectorIn {
                sectors: vec![Sector::Livestock],
            },
        ],
    );
    let list = vec![later, general, targeted];
    let ranked = rank(&list, &turkestan_herder(), &ctx());
    let order: Vec<&str> = ranked.iter().map(|m| list[m.index].slug.as_str()).collect();
    assert_eq!(order, ["for-livestock-in-turkestan", "general", "later"]);
}

/// The words, in Russian and Kazakh, for each kind of outcome.
#[test]
fn explanations_read_as_plain_russian_and_kazakh() {
    let facts = turkestan_herder();
    let say = |lang, c: Criterion, o| explain(lang, &c, o, &facts, &ctx(), &places());
    let age = || Criterion::Age {
        min: Some(18),
        max: Some(29),
    };
    let amount = || Criterion::AmountWithin {
        unit: AmountUnit::Mci,
        min: None,
        max: Some(400),
    };
    let cases: Vec<(Lang, Criterion, Outcome, &str, Option<&str>)> = vec![
        (
            Lang::Ru,
            age(),
            Outcome::NotMet,
            "Возраст 34, а программа для возраста от 18 до 29 лет",
            None,
        ),
        (
            Lang::Kk,
            age(),
            Outcome::NotMet,
            "Жасыңыз 34, ал бағдарлама 18 жастан 29 жасқа дейін адамдарға арналған",
            None,
        ),
        (
            Lang::Ru,
            age(),
            Outcome::Unknown,
            "Возраст не указан",
            Some("Укажите это в профиле"),
        ),
        (
            Lang::Kk,
            age(),
            Outcome::Unknown,
            "Жасыңыз көрсетілмеген",
            Some("Мұны профильде көрсетіңіз"),
        ),
        (
            Lang::Ru,
            Criterion::LocationWithin {
                codes: vec![code("610000000")],
            },
            Outcome::Met,
            "с. Шаян входит в: Туркестанская область",
            None,
        ),
        (
            Lang::Kk,
            Criterion::LocationWithin {
                codes: vec![code("150000000")],
            },
            Outcome::NotMet,
            "с. Шаян бағдарлама аумағына кірмейді: Ақтөбе облысы",
            None,
        ),
        (
            Lang::Ru,
            Criterion::CollateralAvailable,
            Outcome::Unknown,
            "Не указано, есть ли залог",
            Some("Укажите это в профиле"),
        ),
        (
            Lang::Kk,
            Criterion::CollateralAvailable,
            Outcome::Met,
            "Кепілге қоятын мүлкіңіз бар",
            None,
        ),
        (
            Lang::Ru,
            amount(),
            Outcome::NotMet,
            "Нужно 5\u{202f}000\u{202f}000\u{a0}₸, а программа даёт до 1\u{202f}730\u{202f}000\u{a0}₸",
            Some("Попросите не больше 1\u{202f}730\u{202f}000\u{a0}₸"),
        ),
        (
            Lang::Kk,
            amount(),
            Outcome::NotMet,
            "Сізге 5\u{202f}000\u{202f}000\u{a0}₸ керек, ал бағдарлама 1\u{202f}730\u{202f}000\u{a0}₸ дейін береді",
            Some("1\u{202f}730\u{202f}000\u{a0}₸ аспайтын сома сұраңыз"),
        ),
        (
            Lang::Ru,
            Criterion::Certificate {
                name: Certificate::BastauBusiness,
            },
            Outcome::NotMet,
            "Нет сертификата «Бастау Бизнес»",
            Some("Пройдите курс «Бастау Бизнес»"),
        ),
        (
            Lang::Kk,
            Criterion::SectorIn {
                sectors: vec![Sector::Crop],
            },
            Outcome::NotMet,
            "Салаңыз «Мал шаруашылығы», ал бағдарлама мыналарға арналған: Өсімдік шаруашылығы",
            None,
        ),
        (
            Lang::Ru,
            Criterion::TaxRegistered,
            Outcome::Met,
            "Бизнес зарегистрирован (КХ/ФХ)",
            None,
        ),
        (
            Lang::Kk,
            Criterion::TaxRegistered,
            Outcome::Met,
            "Бизнес тіркелген (ШҚ/ФҚ)",
            None,
        ),
        (
            Lang::Ru,
            Criterion::TargetGroupAny {
                groups: vec![TargetGroup::Kandas],
            },
            Outcome::NotMet,
            "Программа для групп: Кандасы — вы не относитесь ни к одной",
            None,
        ),
    ];
    for (lang, c, outcome, text, fix) in cases {
        let line = say(lang, c.clone(), outcome);
        assert_eq!(line.text, text, "{lang:?} {c:?} {outcome:?}");
        assert_eq!(line.fix.as_deref(), fix, "{lang:?} {c:?} {outcome:?}");
    }
}

#[test]
fn ages_and_months_count_whole_units() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
    assert_eq!(age_on(d(1992, 11, 28), d(2026, 11, 27)), Some(33));
    assert_eq!(age_on(d(1992, 11, 27), d(2026, 11, 27)), Some(34));
    assert_eq!(age_on(d(2030, 1, 1), d(2026, 11, 27)), None);
    assert_eq!(months_between(d(2025, 3, 1), d(2026, 11, 27)), Some(20));
    assert_eq!(months_between(d(2026, 11, 28), d(2026, 11, 27)), None);
}
