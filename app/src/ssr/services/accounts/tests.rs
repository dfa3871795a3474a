//! Sign-in and sign-up limits as a village meets them: a whole mobile network or an akimat's
//! Wi-Fi behind one address signs in and up freely; guessing from one address, or at one
//! account, is refused; the owner's known device still signs in during an attack on the account.

use sea_orm::EntityTrait;

use super::*;
use crate::ssr::db::entities::rate_limits;
use crate::ssr::testing::{TestDb, cheap_hasher, test_db};

const PASSWORD: &str = "qurt-jane-irimshik";
/// One address for a whole mobile network (carrier-grade NAT) or an akimat's Wi-Fi.
const VILLAGE: &str = "203.0.113.7";

/// What a sign-in came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    SignedIn,
    Wrong,
    Refused,
}

fn outcome<T>(result: &Result<T, ServiceError>) -> Outcome {
    match result {
        Ok(_) => Outcome::SignedIn,
        Err(ServiceError::Invalid(FieldError { field, problem })) if field == "login" => {
            match problem {
                Problem::WrongCredentials => Outcome::Wrong,
                Problem::TooManyAttempts { .. } => Outcome::Refused,
                other => panic!("unexpected problem: {other:?}"),
            }
        }
        Err(e) => panic!("unexpected error: {e}"),
    }
}

/// A request from `ip` on a device that has never signed in here.
fn stranger(ip: &str) -> Caller {
    Caller {
        ip: Some(ip.into()),
        ..Caller::default()
    }
}

/// A request from `ip` on the device whose cookie is `device`.
fn on(device: &str, ip: &str) -> Caller {
    Caller {
        ip: Some(ip.into()),
        device: Some(token_hash(device)),
        ..Caller::default()
    }
}

struct World {
    t: TestDb,
    hasher: PasswordHasher,
}

impl World {
    async fn new() -> World {
        World {
            t: test_db().await,
            hasher: cheap_hasher(),
        }
    }

    /// `n` entrepreneurs' accounts (phones `+7702000nnnn`), all with [`PASSWORD`].
    async fn accounts(&self, n: u32) -> Vec<String> {
        let hash = self.hasher.hash(PASSWORD).await.expect("hashes");
        let mut logins = Vec::new();
        for i in 0..n {
            let phone = format!("+7702000{i:04}");
            let login = Login::parse("login", &phone).expect("a phone");
            q::insert_user(
                &self.t.db,
                q::NewUser {
                    login: &login,
                    password_hash: hash.clone(),
                    display_name: &format!("Фермер {i}"),
                    role: Role::Entrepreneur,
                    scope: &Scope::None,
                    demo: false,
                },
            )
            .await
            .expect("user");
            logins.push(phone);
        }
        logins
    }

    async fn sign_in(
        &self,
        login: &str,
        password: &str,
        caller: &Caller,
    ) -> Result<(NewSession, Principal), ServiceError> {
        sign_in(&self.t.db, &self.hasher, login, password, caller).await
    }

    /// Signs in with the right password, expecting success; the device cookie it gets.
    async fn signs_in(&self, login: &str, caller: &Caller) -> String {
        let (session, _) = self
            .sign_in(login, PASSWORD, caller)
            .await
            .expect("signs in");
        session.device.expect("a device cookie at every sign-in")
    }

    async fn hits(&self, bucket: &str) -> i32 {
        rate_limits::Entity::find_by_id(bucket.to_owned())
            .one(&self.t.db)
            .await
            .expect("reads")
            .map_or(0, |r| r.hits)
    }

    async fn known(&self, device: &str, login: &str) -> bool {
        let login = Login::parse("login", login).expect("login");
        let user = q::user_by_login(&self.t.db, &login)
            .await
            .expect("reads")
            .expect("exists");
        q::known_device(
            &self.t.db,
            &token_hash(device),
            user.id,
            Utc::now() - DEVICE_REMEMBERED,
        )
        .await
        .expect("reads")
    }
}

#[tokio::test]
async fn two_hundred_people_sign_in_from_one_address_and_only_their_typos_count() {
    let w = World::new().await;
    let farmers = w.accounts(200).await;
    for (i, login) in farmers.iter().enumerate() {
        // Every fifth one mistypes first.
        if i % 5 == 0 {
            let typo = w
                .sign_in(login, "qurt-jane-irimshi", &stranger(VILLAGE))
                .await;
            assert_eq!(outcome(&typo), Outcome::Wrong, "{login}");
        }
        let right = w.sign_in(login, PASSWORD, &stranger(VILLAGE)).await;
        assert_eq!(outcome(&right), Outcome::SignedIn, "{login}");
    }
    assert_eq!(
        w.hits(&format!("sign_in:ip:{VILLAGE}")).await,
        40,
        "the address is charged with the 40 typos, not the 200 sign-ins"
    );
}

#[tokio::test]
async fn sixty_people_sign_up_from_one_address() {
    let w = World::new().await;
    for i in 0..60 {
        let input = SignUp {
            name: format!("Фермер {i}"),
            login: format!("+7702555{i:04}"),
            password: PASSWORD.into(),
        };
        let session = sign_up(&w.t.db, &w.hasher, &input, &stranger(VILLAGE))
            .await
            .unwrap_or_else(|e| panic!("sign-up {i}: {e}"));
        let device = session.device.expect("the new account knows its device");
        assert!(w.known(&device, &input.login).await, "sign-up {i}");
    }
}

#[tokio::test]
async fn guessing_from_one_address_is_refused_but_a_known_device_there_still_signs_in() {
    let w = World::new().await;
    let farmers = w.accounts(2).await;
    let akim_phone = w.signs_in(&farmers[0], &stranger(VILLAGE)).await;

    // Someone on the same network guesses across accounts (no account twice, so no account's
    // own limit is reached).
    for n in 0..SIGN_IN_FAILURES_PER_IP.attempts {
        let login = format!("+7707{:07}", 1_000_000 + n);
        let guess = w
            .sign_in(&login, "password-guess", &stranger(VILLAGE))
            .await;
        assert_eq!(outcome(&guess), Outcome::Wrong, "guess {n}");
    }
    let refused = w.sign_in(&farmers[1], PASSWORD, &stranger(VILLAGE)).await;
    assert_eq!(
        outcome(&refused),
        Outcome::Refused,
        "a new device on that address waits, even with the right password"
    );
    let Err(ServiceError::Invalid(e)) = refused else {
        panic!("refused with the field's error");
    };
    assert!(
        matches!(e.problem, Problem::TooManyAttempts { minutes } if (1..=15).contains(&minutes)),
        "{e:?}"
    );
    let again = w.signs_in(&farmers[0], &on(&akim_phone, VILLAGE)).await;
    assert_ne!(
        again, akim_phone,
        "the device cookie changes at each sign-in"
    );
}

#[tokio::test]
async fn guessing_at_one_account_is_refused_and_its_owner_still_signs_in_on_a_known_device() {
    let w = World::new().await;
    let people = w.accounts(2).await;
    let (akim, neighbour) = (&people[0], &people[1]);
    let akim_phone = w.signs_in(akim, &stranger(VILLAGE)).await;
    let neighbours_phone = w.signs_in(neighbour, &stranger(VILLAGE)).await;

    // The guesser comes from a new address and a new device each time.
    let attacker = |n: i32| stranger(&format!("198.51.100.{n}"));
    for n in 0..SIGN_IN_FAILURES_PER_ACCOUNT.attempts {
        let guess = w.sign_in(akim, "password-guess", &attacker(n)).await;
        assert_eq!(outcome(&guess), Outcome::Wrong, "guess {n}");
    }
    let guess = w.sign_in(akim, "password-guess", &attacker(50)).await;
    assert_eq!(outcome(&guess), Outcome::Refused);
    let right = w.sign_in(akim, PASSWORD, &attacker(51)).await;
    assert_eq!(
        outcome(&right),
        Outcome::Refused,
        "a device the account has not seen waits, even with the right password"
    );
    // A device known to another account is a stranger to this one.
    let borrowed = w
        .sign_in(akim, PASSWORD, &on(&neighbours_phone, VILLAGE))
        .await;
    assert_eq!(outcome(&borrowed), Outcome::Refused);

    let akim_phone = w.signs_in(akim, &on(&akim_phone, VILLAGE)).await;
    let guess = w.sign_in(akim, "password-guess", &attacker(52)).await;
    assert_eq!(
        outcome(&guess),
        Outcome::Refused,
        "the owner signing in does not give the guesser a fresh count"
    );
    w.signs_in(akim, &on(&akim_phone, "192.0.2.1")).await;
}

#[tokio::test]
async fn a_known_device_is_judged_by_its_own_failures() {
    let w = World::new().await;
    let people = w.accounts(1).await;
    let akim = &people[0];
    let phone = w.signs_in(akim, &stranger(VILLAGE)).await;
    let laptop = w.signs_in(akim, &stranger(VILLAGE)).await;

    for n in 0..SIGN_IN_FAILURES_PER_DEVICE.attempts {
        let typo = w
            .sign_in(akim, "password-guess", &on(&phone, VILLAGE))
            .await;
        assert_eq!(outcome(&typo), Outcome::Wrong, "typo {n}");
    }
    let phone_again = w.sign_in(akim, PASSWORD, &on(&phone, VILLAGE)).await;
    assert_eq!(outcome(&phone_again), Outcome::Refused, "the phone waits");
    // Its failures are its own: the laptop and a new device are not held up by them.
    w.signs_in(akim, &on(&laptop, VILLAGE)).await;
    w.signs_in(akim, &stranger(VILLAGE)).await;
}

#[tokio::test]
async fn a_refusal_says_nothing_about_whether_the_account_exists() {
    let w = World::new().await;
    let people = w.accounts(1).await;
    let mut answers = Vec::new();
    for login in [people[0].as_str(), "+77079999999"] {
        let mut seen = Vec::new();
        for n in 0..=SIGN_IN_FAILURES_PER_ACCOUNT.attempts {
            let caller = stranger(&format!("198.51.100.{n}"));
            seen.push(outcome(&w.sign_in(login, "password-guess", &caller).await));
        }
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].last(), Some(&Outcome::Refused));
}

#[tokio::test]
async fn a_device_cookie_changes_at_each_sign_in_and_an_account_keeps_its_latest_devices() {
    let w = World::new().await;
    let people = w.accounts(2).await;
    let (a, b) = (&people[0], &people[1]);

    let first = w.signs_in(a, &stranger(VILLAGE)).await;
    assert!(w.known(&first, a).await);
    // A shared computer in the akimat: the next person signs in on it.
    let shared = w.signs_in(b, &on(&first, VILLAGE)).await;
    assert!(!w.known(&first, a).await, "the old cookie is worthless");
    assert!(w.known(&shared, a).await && w.known(&shared, b).await);

    // A planted cookie nobody signed in with is replaced, not adopted.
    let planted = "planted-by-someone-else";
    let issued = w.signs_in(a, &on(planted, VILLAGE)).await;
    assert_ne!(issued, planted);
    assert!(!w.known(planted, a).await && w.known(&issued, a).await);

    for _ in 0..DEVICES_KEPT + 5 {
        w.signs_in(a, &stranger(VILLAGE)).await;
    }
    let user = q::user_by_login(&w.t.db, &Login::parse("login", a).expect("login"))
        .await
        .expect("reads")
        .expect("exists");
    let kept = q::known_devices_of(&w.t.db, user.id).await.expect("reads");
    assert_eq!(kept.len() as u64, DEVICES_KEPT, "only the latest are kept");
    assert!(!w.known(&shared, a).await, "the oldest went first");
    assert!(w.known(&shared, b).await, "the other account keeps it");
}
