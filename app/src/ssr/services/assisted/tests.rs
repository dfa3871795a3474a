//! Assisted filing: consent first, the resident's account, who typed what, the resident told
//! of every step, the claim by phone, and nobody else's okrug.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::*;
use crate::domain::application::Step;
use crate::ssr::db::accounts as q;
use crate::ssr::db::entities::{applications, notifications};
use crate::ssr::services::accounts::{self, Caller};
use crate::ssr::services::applications::{self as apps, StepInput};
use crate::ssr::services::seed;
use crate::ssr::testing::{TestDb, cheap_hasher, draft, okrug, pairs, person, test_db, today};

const OKRUG: &str = "101033000";
const VILLAGE: &str = "101033100";
const RESIDENT_PHONE: &str = "+77019998877";
const PROGRAM: &str = "auyl-amanaty-microcredit";

/// Keeps every message sent.
type Outbox = crate::ssr::testing::RecordingMailer;

impl Outbox {
    fn to(&self, phone: &str) -> Vec<String> {
        self.0
            .lock()
            .map(|m| {
                m.iter()
                    .filter(|x| x.to == phone)
                    .map(|x| x.body.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}

struct World {
    t: TestDb,
    hasher: PasswordHasher,
    outbox: Outbox,
    uploads: tempfile::TempDir,
    staff: Principal,
    other_akim: Principal,
    operator: Principal,
}

impl World {
    async fn new() -> World {
        let t = test_db().await;
        seed::ensure_demo(&t.db).await.expect("demo");
        let orgs = db::catalog::organisation_ids(&t.db).await.expect("orgs");
        World {
            staff: person(
                &t.db,
                "+77015550001",
                "Гүлнар Омарова",
                Role::AkimatStaff,
                okrug(OKRUG),
            )
            .await,
            other_akim: person(
                &t.db,
                "+77015550002",
                "Нұрлан",
                Role::Akim,
                okrug("611633000"),
            )
            .await,
            operator: person(
                &t.db,
                "op@example.kz",
                "Динара",
                Role::Operator,
                Scope::Organisation(orgs["agrocredit"]),
            )
            .await,
            t,
            hasher: cheap_hasher(),
            outbox: Outbox::default(),
            uploads: tempfile::tempdir().expect("uploads"),
        }
    }

    fn notifier(&self) -> Notifier<'_> {
        Notifier {
            public_url: "https://auyl.example",
        }
    }

    async fn start(
        &self,
        who: &Principal,
        extra: &[(&str, &str)],
        scan: Option<(&str, &[u8])>,
    ) -> Result<i32, ServiceError> {
        let mut fields = pairs(&[
            (field::NAME, "Сәуле Жұмабаева"),
            (field::PHONE, RESIDENT_PHONE),
            (field::SETTLEMENT, VILLAGE),
            (field::PROGRAM, PROGRAM),
        ]);
        fields.extend(pairs(extra));
        let notifier = self.notifier();
        let h = Helpers {
            hasher: &self.hasher,
            notifier: &notifier,
            uploads: self.uploads.path(),
        };
        // The form's door: the fields and the scan read into the typed command, then the use case.
        let command = StartAssisted::from_form(&fields, scan)?;
        start(&self.t.db, &h, Some(who), &command, today()).await
    }

    /// Sends a code to the resident's phone and returns it, read from the message.
    async fn code(&self) -> String {
        let command = SendConsentCode::from_pairs(&pairs(&[(field::PHONE, RESIDENT_PHONE)]))
            .expect("a phone number");
        send_code(&self.t.db, Some(&self.staff), &command)
            .await
            .expect("sends");
        crate::ssr::testing::deliver(&self.t.db, &self.outbox).await;
        let body = self.outbox.to(RESIDENT_PHONE).pop().expect("a message");
        body.split_whitespace()
            .find(|w| {
                w.trim_end_matches('.').len() == 6 && w.chars().take(6).all(|c| c.is_ascii_digit())
            })
            .map(|w| w.trim_end_matches('.').to_owned())
            .expect("the code is in the message")
    }

    async fn applications_of_resident(&self) -> u64 {
        let Some(u) = q::user_by_login(&self.t.db, &Login::Phone(RESIDENT_PHONE.into()))
            .await
            .expect("query")
        else {
            return 0;
        };
        applications::Entity::find()
            .filter(applications::Column::UserId.eq(u.id))
            .count(&self.t.db)
            .await
            .expect("count")
    }
}

fn problem(r: &Result<i32, ServiceError>) -> Option<(&str, &Problem)> {
    match r {
        Err(ServiceError::Invalid(f)) => Some((f.field.as_str(), &f.problem)),
        _ => None,
    }
}

/// Extra fields, a scan, and the field and problem it must be refused with.
type Refusal<'a> = (
    Vec<(&'a str, &'a str)>,
    Option<(&'a str, &'a [u8])>,
    &'a str,
    Problem,
);

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

#[tokio::test]
async fn nothing_is_filed_without_the_resident_s_consent() {
    let w = World::new().await;
    let cases: Vec<Refusal<'_>> = vec![
        (vec![], None, field::METHOD, Problem::Required),
        (
            vec![(field::METHOD, "verbal")],
            None,
            field::METHOD,
            Problem::UnknownChoice("verbal".into()),
        ),
        (
            vec![(field::METHOD, "paper")],
            None,
            field::SCAN,
            Problem::Required,
        ),
        (
            vec![(field::METHOD, "paper")],
            Some(("consent.txt", b"I agree".as_slice())),
            field::SCAN,
            Problem::FileType,
        ),
        (
            vec![(field::METHOD, "phone_code")],
            None,
            field::CODE,
            Problem::Required,
        ),
        (
            vec![(field::METHOD, "phone_code"), (field::CODE, "123456")],
            None,
            field::CODE,
            Problem::WrongCode,
        ),
    ];
    for (extra, scan, f, p) in cases {
        let r = w.start(&w.staff, &extra, scan).await;
        assert_eq!(problem(&r), Some((f, &p)), "{extra:?}");
    }
    // A code sent, and a wrong one typed five times: the code is spent.
    let code = w.code().await;
    for _ in 0..CODE_ATTEMPTS {
        let r = w
            .start(
                &w.staff,
                &[(field::METHOD, "phone_code"), (field::CODE, "000000")],
                None,
            )
            .await;
        assert_eq!(problem(&r), Some((field::CODE, &Problem::WrongCode)));
    }
    let r = w
        .start(
            &w.staff,
            &[(field::METHOD, "phone_code"), (field::CODE, &code)],
            None,
        )
        .await;
    assert_eq!(
        problem(&r),
        Some((field::CODE, &Problem::WrongCode)),
        "spent"
    );
    // Outside the okrug; a staff member's number; not akimat staff.
    let r = w
        .start(
            &w.staff,
            &[(field::SETTLEMENT, "611633100"), (field::METHOD, "paper")],
            Some(("c.pdf", PDF)),
        )
        .await;
    assert_eq!(
        problem(&r),
        Some((field::SETTLEMENT, &Problem::OutsideOkrug))
    );
    let r = w
        .start(
            &w.staff,
            &[(field::PHONE, "+77015550002"), (field::METHOD, "paper")],
            Some(("c.pdf", PDF)),
        )
        .await;
    assert_eq!(problem(&r), Some((field::PHONE, &Problem::StaffAccount)));
    for who in [&w.operator] {
        let r = w
            .start(who, &[(field::METHOD, "paper")], Some(("c.pdf", PDF)))
            .await;
        assert!(
            matches!(r, Err(ServiceError::Denied(Denied::Forbidden))),
            "{r:?}"
        );
    }
    assert_eq!(w.applications_of_resident().await, 0, "nothing was written");
}

#[tokio::test]
async fn staff_file_with_a_phone_code_and_the_resident_claims_it_and_sees_who_did_what() {
    let w = World::new().await;
    let code = w.code().await;
    let id = w
        .start(
            &w.staff,
            &[(field::METHOD, "phone_code"), (field::CODE, &code)],
            None,
        )
        .await
        .expect("starts");
    // The code is used once.
    let again = w
        .start(
            &w.staff,
            &[(field::METHOD, "phone_code"), (field::CODE, &code)],
            None,
        )
        .await;
    assert!(problem(&again).is_some(), "{again:?}");

    // Staff fill in the draft and submit it for the resident.
    let fields = pairs(&[
        ("amount", "1000000"),
        ("term", "24"),
        ("purpose", "Бычки на откорм"),
        ("plan_activity", "Откорм"),
        ("plan_costs", "1200000"),
        ("plan_revenue", "1800000"),
        ("plan_jobs", "2"),
    ]);
    let v = apps::save_draft(&w.t.db, Some(&w.staff), id, 1, &draft(&fields))
        .await
        .expect("staff type for the resident");
    apps::step(
        &w.t.db,
        &w.notifier(),
        Some(&w.staff),
        id,
        v,
        Step::Submit,
        &StepInput::default(),
        today(),
    )
    .await
    .expect("staff submit for the resident");
    // Another okrug's akim can neither read nor type.
    assert!(matches!(
        apps::view(&w.t.db, Some(&w.other_akim), id, today()).await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        apps::save_draft(&w.t.db, Some(&w.other_akim), id, v + 1, &draft(&fields)).await,
        Err(ServiceError::NotFound)
    ));
    // The operator takes it up: the resident hears of it.
    apps::step(
        &w.t.db,
        &w.notifier(),
        Some(&w.operator),
        id,
        v + 1,
        Step::StartReview,
        &StepInput::default(),
        today(),
    )
    .await
    .expect("review");

    // The resident was told on their phone: filed (with where to set a password), submitted,
    // in review.
    crate::ssr::testing::deliver(&w.t.db, &w.outbox).await;
    let messages = w.outbox.to(RESIDENT_PHONE);
    assert_eq!(
        messages.len(),
        4,
        "code, filed, submitted, in review: {messages:#?}"
    );
    let filed = &messages[1];
    assert!(filed.contains(&format!("№{id}")), "{filed}");
    assert!(filed.ends_with(": auyl.example/reset"), "{filed}");
    let resident = q::user_by_login(&w.t.db, &Login::Phone(RESIDENT_PHONE.into()))
        .await
        .expect("query")
        .expect("an account was made for the resident");
    assert_eq!(resident.display_name, "Сәуле Жұмабаева");
    let notices = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(resident.id))
        .count(&w.t.db)
        .await
        .expect("count");
    assert_eq!(notices, 3, "in the app too: filed, submitted, in review");

    // The resident sets a password through the reset page and signs in with their number.
    accounts::request_reset(
        &w.t.db,
        "https://auyl.example",
        RESIDENT_PHONE,
        &Caller::default(),
    )
    .await
    .expect("asks for a reset");
    crate::ssr::testing::deliver(&w.t.db, &w.outbox).await;
    let reset = w.outbox.to(RESIDENT_PHONE).pop().expect("the reset code");
    let code = reset
        .split(|c: char| !c.is_ascii_digit())
        .find(|d| d.len() == 6)
        .expect("a six-digit code")
        .to_owned();
    accounts::reset_with_code(
        &w.t.db,
        &w.hasher,
        RESIDENT_PHONE,
        &code,
        "мой-пароль-2026",
        &Caller::default(),
    )
    .await
    .expect("claims");
    let (_, me) = accounts::sign_in(
        &w.t.db,
        &w.hasher,
        RESIDENT_PHONE,
        "мой-пароль-2026",
        &Caller::default(),
    )
    .await
    .expect("signs in");
    let mine = apps::list(&w.t.db, Some(&me)).await.expect("list");
    assert_eq!(mine.len(), 1);
    let view = apps::view(&w.t.db, Some(&me), id, today())
        .await
        .expect("view");
    let assisted = view.assisted.expect("marked as filed with help");
    assert_eq!(
        (assisted.staff_name.as_str(), assisted.method.as_str()),
        ("Гүлнар Омарова", "phone_code")
    );
    // The audit: who did what, in order, with what was typed.
    let trail: Vec<(&str, &str)> = view
        .events
        .iter()
        .map(|e| (e.step.as_str(), e.actor_role.map_or("", Role::as_str)))
        .collect();
    assert_eq!(
        trail,
        [
            ("assist_open", "akimat_staff"),
            ("assist_edit", "akimat_staff"),
            ("submit", "akimat_staff"),
            ("start_review", "operator"),
        ]
    );
    assert!(
        view.events[1]
            .items
            .contains(&"purpose: Бычки на откорм".to_owned())
    );
}

#[tokio::test]
async fn a_paper_consent_is_kept_with_the_application_for_the_operator_to_see() {
    let w = World::new().await;
    let id = w
        .start(
            &w.staff,
            &[(field::METHOD, "paper")],
            Some(("согласие.pdf", PDF)),
        )
        .await
        .expect("starts");
    let view = apps::view(&w.t.db, Some(&w.staff), id, today())
        .await
        .expect("view");
    assert!(view.mine, "staff act for the resident");
    assert_eq!(view.assisted.map(|a| a.method), Some("paper".to_owned()));
    assert_eq!(view.documents.len(), 1);
    assert_eq!(view.documents[0].file_name, "согласие.pdf");
    let filing = db::assisted::filing(&w.t.db, id)
        .await
        .expect("q")
        .expect("filing");
    assert!(
        filing
            .consent_sha256
            .is_some_and(|s| w.uploads.path().join(s).exists())
    );
    // An existing entrepreneur's number: their own account, no claim link.
    let existing = w
        .start(
            &w.staff,
            &[
                (field::PROGRAM, "auyl-amanaty-leasing"),
                (field::METHOD, "paper"),
            ],
            Some(("c.pdf", PDF)),
        )
        .await;
    assert!(existing.is_ok(), "{existing:?}");
    crate::ssr::testing::deliver(&w.t.db, &w.outbox).await;
    let last = w.outbox.to(RESIDENT_PHONE).pop().expect("message");
    assert!(!last.contains("/reset"), "{last}");
    assert!(last.ends_with(": auyl.example"), "{last}");
}
