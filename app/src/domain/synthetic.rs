//! Plausible synthetic programmes for benchmarks and load tests (`server seed --synthetic N`).
//!
//! Deterministic: the same `n` always gives the same programmes, so benchmark runs compare.

use chrono::NaiveDate;

use super::catalog::{
    Collateral, OrganisationKind, ProgramKind, ProgramStatus, Sector, TargetGroup,
};
use super::criteria::Criterion;
use super::location::{KatoCode, REGIONS, Region};
use super::money::AmountUnit;
use super::program::{AmountInput, LocalText, OrganisationInput, ProgramInput, RateInput, Slug};

/// A small, fast, deterministic generator (SplitMix64); not for anything secret.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// What a programme finances, in Russian and Kazakh, and the sector it belongs to.
const PURPOSES: &[(&str, &str, Sector)] = &[
    ("покупку КРС", "ірі қара мал сатып алуға", Sector::Livestock),
    (
        "откорм бычков",
        "бұқашықтарды бордақылауға",
        Sector::Livestock,
    ),
    ("овцеводство", "қой шаруашылығына", Sector::Livestock),
    ("молочную ферму", "сүт фермасына", Sector::Livestock),
    (
        "весенне-полевые работы",
        "көктемгі егіс жұмыстарына",
        Sector::Crop,
    ),
    ("семена и удобрения", "тұқым мен тыңайтқышқа", Sector::Crop),
    ("теплицу", "жылыжайға", Sector::Crop),
    (
        "сад и капельное орошение",
        "бақ пен тамшылатып суаруға",
        Sector::Crop,
    ),
    ("переработку молока", "сүт өңдеуге", Sector::AgriProcessing),
    (
        "мини-цех по переработке мяса",
        "ет өңдейтін шағын цехқа",
        Sector::AgriProcessing,
    ),
    ("переработку шерсти", "жүн өңдеуге", Sector::AgriProcessing),
    ("пасеку", "омартаға", Sector::Beekeeping),
    (
        "рыбоводческий пруд",
        "балық өсіретін тоғанға",
        Sector::Fishery,
    ),
    ("швейный цех", "тігін цехына", Sector::Manufacturing),
    (
        "ремесленную мастерскую",
        "қолөнер шеберханасына",
        Sector::Crafts,
    ),
    ("сельский магазин", "ауыл дүкеніне", Sector::Trade),
    ("гостевой дом", "қонақ үйге", Sector::Tourism),
    (
        "сервис по ремонту техники",
        "техника жөндеу қызметіне",
        Sector::Services,
    ),
    (
        "перевозку продукции",
        "өнім тасымалдауға",
        Sector::Transport,
    ),
    (
        "строительство хранилища",
        "қойма салуға",
        Sector::Construction,
    ),
];

const OPERATORS: &[(&str, &str, &str, OrganisationKind)] = &[
    (
        "synthetic-spk",
        "Региональная СПК (синтетические данные)",
        "Өңірлік ӘКК (синтетикалық деректер)",
        OrganisationKind::Spk,
    ),
    (
        "synthetic-mfo",
        "Сельская МФО (синтетические данные)",
        "Ауылдық МҚҰ (синтетикалық деректер)",
        OrganisationKind::Mfo,
    ),
    (
        "synthetic-fund",
        "Фонд развития (синтетические данные)",
        "Даму қоры (синтетикалық деректер)",
        OrganisationKind::Fund,
    ),
    (
        "synthetic-akimat",
        "Грантовая комиссия акимата (синтетические данные)",
        "Әкімдік гранттық комиссиясы (синтетикалық деректер)",
        OrganisationKind::GrantCommission,
    ),
];

/// The operators synthetic programmes belong to.
pub fn organisations() -> Vec<OrganisationInput> {
    OPERATORS
        .iter()
        .filter_map(|(slug, ru, kk, kind)| {
            Some(OrganisationInput {
                slug: Slug::parse(slug)?,
                kind: *kind,
                name_ru: (*ru).into(),
                name_kk: (*kk).into(),
                website: None,
            })
        })
        .collect()
}

/// `n` synthetic programmes, numbered from 1, with slugs `synthetic-000001`…
pub fn programs(n: usize) -> Vec<ProgramInput> {
    let mut rng = Rng::new(0x5EED_A0A1);
    (1..=n).filter_map(|i| program(i, &mut rng)).collect()
}

fn program(i: usize, rng: &mut Rng) -> Option<ProgramInput> {
    // The draws from `rng` keep their order (the helpers below included): the same `n` must
    // give the same programmes.
    let kind = *rng.pick(ProgramKind::ALL);
    let (purpose_ru, purpose_kk, sector) = *rng.pick(PURPOSES);
    let region = rng.pick(&REGIONS[..17]);
    let nationwide = rng.chance(15);
    let (title_ru, title_kk) = titles(kind, purpose_ru, purpose_kk, region, nationwide);
    let (amount, rate, term) = terms(kind, rng);
    let deadline = deadline(rng);
    let group = *rng.pick(TargetGroup::ALL);
    let criteria = criteria(sector, region, nationwide, group)?;
    let organisation = rng.pick(OPERATORS).0;
    Some(ProgramInput {
        slug: Slug::parse(&format!("synthetic-{i:06}"))?,
        organisation: Slug::parse(organisation)?,
        kind,
        status: ProgramStatus::Open,
        summary_ru: format!(
            "Синтетическая программа для нагрузочных тестов: {} на {purpose_ru}.",
            kind.label(super::i18n::Lang::Ru).to_lowercase()
        ),
        summary_kk: format!("Жүктеме сынақтарына арналған синтетикалық бағдарлама: {purpose_kk}."),
        description_ru: format!(
            "{title_ru}. Поддержка сельских предпринимателей: {purpose_ru}. Данные сгенерированы и не описывают реальную программу."
        ),
        description_kk: format!(
            "{title_kk}. Ауыл кәсіпкерлерін қолдау: {purpose_kk}. Деректер жасанды, нақты бағдарламаны сипаттамайды."
        ),
        title_ru,
        title_kk,
        amount,
        rate_bps: rate.map(|r| RateInput {
            min: None,
            max: Some(r),
        }),
        fee_bps: (kind == ProgramKind::Guarantee).then_some(150),
        term_months_max: term,
        grace_months_max: None,
        collateral: *rng.pick(Collateral::ALL),
        collateral_note_ru: None,
        collateral_note_kk: None,
        locations: if nationwide {
            vec![]
        } else {
            vec![KatoCode::parse(region.code).ok()?]
        },
        sectors: vec![sector],
        target_groups: if rng.chance(40) { vec![group] } else { vec![] },
        intake_opens: None,
        deadline,
        how_to_apply_ru: "1. Подготовьте документы.\n2. Подайте заявку оператору.".into(),
        how_to_apply_kk: "1. Құжаттарды дайындаңыз.\n2. Операторға өтінім беріңіз.".into(),
        required_documents: vec![LocalText {
            ru: "Удостоверение личности".into(),
            kk: "Жеке куәлік".into(),
        }],
        criteria,
        source_url: "https://example.invalid/synthetic".into(),
        source_name: "synthetic".into(),
        uncertain: vec![],
        uncertain_note_ru: None,
        uncertain_note_kk: None,
        demo_variant: false,
        variant_of: None,
    })
}

/// The Russian and Kazakh titles: a regional programme names its region.
fn titles(
    kind: ProgramKind,
    purpose_ru: &str,
    purpose_kk: &str,
    region: &Region,
    nationwide: bool,
) -> (String, String) {
    if nationwide {
        (
            format!("{} на {purpose_ru}", kind.label(super::i18n::Lang::Ru)),
            format!(
                "{purpose_kk} {}",
                kind.label(super::i18n::Lang::Kk).to_lowercase()
            ),
        )
    } else {
        (
            format!(
                "{} на {purpose_ru} — {}",
                kind.label(super::i18n::Lang::Ru),
                region.ru
            ),
            format!(
                "{}: {purpose_kk} {}",
                region.kk,
                kind.label(super::i18n::Lang::Kk).to_lowercase()
            ),
        )
    }
}

/// The amount limits, the rate (basis points) and the longest term (months), in the ranges
/// usual for the kind of programme.
fn terms(kind: ProgramKind, rng: &mut Rng) -> (AmountInput, Option<i32>, Option<i32>) {
    match kind {
        ProgramKind::Microcredit => (
            AmountInput {
                unit: AmountUnit::Mci,
                min: None,
                max: Some(*rng.pick(&[1000, 2500, 5000, 8000])),
            },
            Some(*rng.pick(&[250, 400, 600])),
            Some(*rng.pick(&[36, 60, 84])),
        ),
        ProgramKind::Loan => (
            AmountInput {
                unit: AmountUnit::Kzt,
                min: Some(1_000_000),
                max: Some(*rng.pick(&[20_000_000, 50_000_000, 150_000_000])),
            },
            Some(*rng.pick(&[500, 600, 700, 1200])),
            Some(*rng.pick(&[60, 84, 120])),
        ),
        ProgramKind::RateSubsidy => (
            AmountInput {
                unit: AmountUnit::Kzt,
                min: None,
                max: Some(*rng.pick(&[5_000_000, 20_000_000])),
            },
            Some(*rng.pick(&[700, 800])),
            Some(*rng.pick(&[24, 36])),
        ),
        ProgramKind::Guarantee => (
            AmountInput {
                unit: AmountUnit::Kzt,
                min: None,
                max: Some(*rng.pick(&[50_000_000, 500_000_000])),
            },
            None,
            Some(60),
        ),
        ProgramKind::Leasing => (
            AmountInput {
                unit: AmountUnit::Mci,
                min: None,
                max: Some(*rng.pick(&[5000, 8000])),
            },
            Some(*rng.pick(&[250, 600])),
            Some(*rng.pick(&[60, 84])),
        ),
        ProgramKind::Grant => (
            AmountInput {
                unit: AmountUnit::Mci,
                min: None,
                max: Some(*rng.pick(&[200, 400, 1150])),
            },
            None,
            None,
        ),
        ProgramKind::Training => (
            AmountInput {
                unit: AmountUnit::Kzt,
                min: None,
                max: None,
            },
            None,
            None,
        ),
    }
}

/// No deadline for 30 % of programmes; otherwise a day in 2027.
fn deadline(rng: &mut Rng) -> Option<NaiveDate> {
    if rng.chance(30) {
        None
    } else {
        NaiveDate::from_ymd_opt(2027, 1, 1)
            .and_then(|d| d.checked_add_days(chrono::Days::new(rng.below(360) as u64)))
    }
}

/// The sector always; the region unless nationwide; the age band for youth programmes.
fn criteria(
    sector: Sector,
    region: &Region,
    nationwide: bool,
    group: TargetGroup,
) -> Option<Vec<Criterion>> {
    let mut criteria = vec![Criterion::SectorIn {
        sectors: vec![sector],
    }];
    if !nationwide {
        criteria.push(Criterion::LocationWithin {
            codes: vec![KatoCode::parse(region.code).ok()?],
        });
    }
    if group == TargetGroup::Youth {
        criteria.push(Criterion::Age {
            min: Some(18),
            max: Some(29),
        });
    }
    Some(criteria)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_programmes_are_valid_deterministic_and_uniquely_named() {
        let a = programs(500);
        assert_eq!(a.len(), 500);
        assert_eq!(a, programs(500), "the same n gives the same programmes");
        for p in &a {
            assert_eq!(p.validate(), Ok(()), "{}", p.slug.as_str());
        }
        let mut slugs: Vec<&str> = a.iter().map(|p| p.slug.as_str()).collect();
        slugs.dedup();
        assert_eq!(slugs.len(), 500);
        let kinds: std::collections::BTreeSet<_> = a.iter().map(|p| p.kind).collect();
        assert_eq!(kinds.len(), ProgramKind::ALL.len(), "every kind appears");
    }
}
