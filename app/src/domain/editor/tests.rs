use super::command::EditProgramme;
use super::*;
use crate::domain::program::{RateInput, Slug};

/// The form read as its door reads it, then completed as the use case completes it.
fn parse(
    pairs: &[(String, String)],
    organisation: &Slug,
    base: Option<&ProgramInput>,
    status: ProgramStatus,
) -> Result<Programme, FieldError> {
    EditProgramme::from_pairs(pairs).programme(organisation, base, status)
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(k, s)| ((*k).to_owned(), (*s).to_owned()))
        .collect()
}

fn org() -> Slug {
    Slug::parse("agrocredit").expect("slug")
}

fn form() -> Vec<(String, String)> {
    pairs(&[
        ("slug", "zhas-fermer-2027"),
        ("kind", "microcredit"),
        ("title_ru", "Жас фермер"),
        ("title_kk", "Жас фермер"),
        ("summary_ru", "Кредит молодым фермерам"),
        ("summary_kk", "Жас фермерлерге несие"),
        ("description_ru", "Для молодёжи до 35 лет."),
        ("description_kk", "35 жасқа дейінгі жастарға."),
        ("amount_unit", "kzt"),
        ("amount_min", "500 000"),
        ("amount_max", "5 000 000"),
        ("rate_min", "2,5"),
        ("rate_max", "2,5"),
        ("term_months_max", "60"),
        ("grace_months_max", "6"),
        ("collateral", "required"),
        ("locations", "100000000, 610000000"),
        ("sectors", "livestock"),
        ("sectors", "crop"),
        ("target_groups", "youth"),
        ("intake_opens", "2027-01-01"),
        ("deadline", "2027-12-31"),
        ("how_to_apply_ru", "Подайте заявку здесь."),
        ("how_to_apply_kk", "Өтінімді осында беріңіз."),
        (
            "required_documents",
            "Удостоверение личности | Жеке куәлік\nБизнес-план",
        ),
        ("source_url", "https://example.kz/zhas-fermer"),
        ("source_name", "Аграрная кредитная корпорация"),
        ("c_age", "on"),
        ("c_age_min", "18"),
        ("c_age_max", "35"),
        ("c_sector_in", "on"),
        ("c_sector_in_values", "livestock"),
        ("rubric_0_key", "plan"),
        ("rubric_0_weight", "60"),
        ("rubric_0_ru", "Бизнес-план"),
        ("rubric_0_kk", "Бизнес-жоспар"),
        ("rubric_1_key", "jobs"),
        ("rubric_1_weight", "40"),
        ("rubric_1_ru", "Рабочие места"),
        ("rubric_1_kk", "Жұмыс орындары"),
        ("rubric_1_levels_ru", "нет\n1\n2\n3\n4\n5 и больше"),
        ("rubric_1_levels_kk", "жоқ\n1\n2\n3\n4\n5 және одан көп"),
        ("budget_total", "1 000 000 000"),
        ("budget_0_region", "100000000"),
        ("budget_0_total", "200000000"),
        ("target_days", "15"),
    ])
}

fn with(mut f: Vec<(String, String)>, key: &str, value: &str) -> Vec<(String, String)> {
    f.retain(|(k, _)| k != key);
    f.push((key.to_owned(), value.to_owned()));
    f
}

fn field(f: &[(String, String)]) -> String {
    parse(f, &org(), None, ProgramStatus::Draft)
        .expect_err("refused")
        .field
}

#[test]
fn the_whole_form_reads_into_a_programme() {
    let p = parse(&form(), &org(), None, ProgramStatus::Draft).expect("valid");
    let i = &p.input;
    assert_eq!(i.slug.as_str(), "zhas-fermer-2027");
    assert_eq!(i.organisation, org());
    assert_eq!(i.amount.min, Some(500_000));
    assert_eq!(
        i.rate_bps,
        Some(RateInput {
            min: Some(250),
            max: Some(250)
        })
    );
    assert_eq!(i.sectors, vec![Sector::Livestock, Sector::Crop]);
    assert_eq!(i.locations.len(), 2);
    assert_eq!(
        i.required_documents[1].kk, "Бизнес-план",
        "one language serves both"
    );
    assert_eq!(
        i.criteria,
        vec![
            Criterion::Age {
                min: Some(18),
                max: Some(35)
            },
            Criterion::SectorIn {
                sectors: vec![Sector::Livestock]
            },
        ]
    );
    assert_eq!(p.rubric.len(), 2);
    assert_eq!(p.rubric[1].levels.len(), 6);
    assert_eq!(p.rubric[1].levels[5].kk, "5 және одан көп");
    assert_eq!(p.budget.get(WHOLE), Some(&1_000_000_000));
    assert_eq!(p.budget.get("100000000"), Some(&200_000_000));
    assert_eq!(p.target_days, Some(15));
}

#[test]
fn every_bad_field_is_named() {
    let f = form();
    assert_eq!(field(&with(f.clone(), "title_kk", "")), "title_kk");
    assert_eq!(field(&with(f.clone(), "kind", "lottery")), "kind");
    assert_eq!(
        field(&with(f.clone(), "amount_min", "9 000 000")),
        "amount_max"
    );
    assert_eq!(field(&with(f.clone(), "rate_min", "abc")), "rate_min");
    assert_eq!(
        field(&with(f.clone(), "deadline", "2026-12-31")),
        "deadline"
    );
    assert_eq!(field(&with(f.clone(), "locations", "12")), "locations");
    assert_eq!(
        field(&with(f.clone(), "source_url", "http://x")),
        "source_url"
    );
    assert_eq!(field(&with(f.clone(), "slug", "Жас")), "slug");
    assert_eq!(field(&with(f.clone(), "c_age_min", "40")), "c_age");
    assert_eq!(
        field(&with(f.clone(), "c_sector_in_values", "magic")),
        "c_sector_in_values"
    );
    let no_sector: Vec<_> = f
        .iter()
        .filter(|(k, _)| k != "c_sector_in_values")
        .cloned()
        .collect();
    assert_eq!(
        field(&no_sector),
        "c_sector_in",
        "a switched-on list must name something"
    );
    assert_eq!(
        field(&with(f.clone(), "rubric_1_weight", "0")),
        "rubric_1_key"
    );
    assert_eq!(
        field(&with(f.clone(), "rubric_1_key", "plan")),
        "rubric_0_key"
    );
    assert_eq!(
        field(&with(f.clone(), "rubric_1_levels_kk", "бір")),
        "rubric_1_levels_ru"
    );
    assert_eq!(
        field(&with(f.clone(), "budget_0_region", "101033000")),
        "budget_0_region"
    );
    assert_eq!(
        field(&with(f.clone(), "budget_0_total", "")),
        "budget_0_total"
    );
    assert_eq!(field(&with(f, "target_days", "400")), "target_days");
}

#[test]
fn a_criterion_switched_off_is_gone_whatever_its_inputs_say() {
    let f: Vec<_> = form().into_iter().filter(|(k, _)| k != "c_age").collect();
    let p = parse(&f, &org(), None, ProgramStatus::Draft).expect("valid");
    assert_eq!(p.input.criteria.len(), 1);
}

#[test]
fn editing_keeps_the_slug_and_what_the_form_does_not_show() {
    let mut base = parse(&form(), &org(), None, ProgramStatus::Open)
        .expect("valid")
        .input;
    base.uncertain = vec!["amount".into()];
    let p = parse(
        &with(form(), "slug", "something-else"),
        &org(),
        Some(&base),
        ProgramStatus::Open,
    )
    .expect("valid");
    assert_eq!(p.input.slug.as_str(), "zhas-fermer-2027");
    assert_eq!(p.input.uncertain, vec!["amount".to_owned()]);
}

#[test]
fn versions_say_which_fields_changed() {
    let a = parse(&form(), &org(), None, ProgramStatus::Draft).expect("valid");
    let b = parse(
        &with(form(), "amount_max", "6000000"),
        &org(),
        None,
        ProgramStatus::Draft,
    )
    .expect("valid");
    assert_eq!(b.changed_fields(&a), vec!["amount".to_owned()]);
    let c = parse(
        &with(form(), "budget_total", "5"),
        &org(),
        None,
        ProgramStatus::Open,
    )
    .expect("valid");
    assert_eq!(
        c.changed_fields(&a),
        vec!["status".to_owned(), "budget".to_owned()]
    );
    assert!(a.changed_fields(&a).is_empty());
}

#[test]
fn the_form_of_a_programme_reads_back_into_the_same_programme() {
    let mut f = form();
    for (k, v) in [
        ("fee", "0,75"),
        ("c_location_within", "on"),
        ("c_location_within_values", "100000000 610000000"),
        ("c_amount_within", "on"),
        ("c_amount_within_unit", "mci"),
        ("c_amount_within_max", "8000"),
        ("c_employees", "on"),
        ("c_employees_max", "250"),
        ("c_certificate", "on"),
        ("c_certificate_values", "bastau_business"),
        ("c_tax_registered", "on"),
        ("c_legal_form_in", "on"),
        ("c_legal_form_in_values", "ie"),
        ("c_legal_form_in_values", "farm"),
    ] {
        f.push((k.to_owned(), v.to_owned()));
    }
    let p = parse(&f, &org(), None, ProgramStatus::Open).expect("valid");
    assert_eq!(p.input.criteria.len(), 8);
    let again = parse(&to_pairs(&p), &org(), None, ProgramStatus::Open).expect("valid again");
    assert_eq!(again, p);
}

#[test]
fn the_save_command_names_the_first_bad_field_in_the_order_of_the_form() {
    let both = EditProgramme::from_pairs(&with(with(form(), "fee", "abc"), "kind", ""));
    let e = both
        .programme(&org(), None, ProgramStatus::Draft)
        .expect_err("refused");
    assert_eq!(
        (e.field.as_str(), e.code()),
        ("kind", "required"),
        "the kind comes before the fee"
    );
    let bad_slug = with(with(form(), "slug", "Жас"), "kind", "");
    let e = EditProgramme::from_pairs(&bad_slug)
        .programme(&org(), None, ProgramStatus::Draft)
        .expect_err("a new programme's slug first");
    assert_eq!(e.field, "slug");
    let base = parse(&form(), &org(), None, ProgramStatus::Open)
        .expect("valid")
        .input;
    let edit = EditProgramme::from_pairs(&with(form(), "slug", "Жас"));
    let kept = edit
        .programme(&org(), Some(&base), ProgramStatus::Open)
        .expect("an edit does not read the form's slug");
    assert_eq!(kept.input.slug, base.slug);
}
