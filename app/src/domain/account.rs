//! Accounts: how people sign in (a Kazakh mobile number or an e-mail address), what makes a
//! password acceptable, and the roles people act in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::i18n::{Lang, Msg, t};
use super::location::{KatoCode, Level};
use super::params::{FieldError, Problem};

/// What a person signs in with, normalised.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Login {
    /// A Kazakh mobile number as `+77xxxxxxxxx`.
    Phone(String),
    /// A lower-cased e-mail address.
    Email(String),
}

impl Login {
    /// Parses what a person typed: `+7 701 234 56 78`, `8 (701) 234-56-78`, `87012345678` or an
    /// e-mail address. The error names `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Login, FieldError> {
        let raw = raw.trim();
        let bad = || FieldError::new(field, Problem::BadLogin);
        if raw.contains('@') {
            let email = raw.to_lowercase();
            let (local, domain) = email.split_once('@').ok_or_else(bad)?;
            let ok = !local.is_empty()
                && local.len() <= 64
                && email.len() <= 254
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && !domain.contains('@')
                && email.chars().all(|c| !c.is_whitespace() && !c.is_control());
            return if ok {
                Ok(Login::Email(email))
            } else {
                Err(bad())
            };
        }
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let only_phone_chars = raw
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()".contains(c));
        // +7 7xx… (11 digits with the country code) or the domestic 8 7xx…
        let national = match (digits.len(), digits.chars().next()) {
            (11, Some('7' | '8')) => &digits[1..],
            _ => return Err(bad()),
        };
        if !only_phone_chars || !national.starts_with('7') {
            return Err(bad());
        }
        Ok(Login::Phone(format!("+7{national}")))
    }

    /// The normalised text, as stored.
    pub fn as_str(&self) -> &str {
        match self {
            Login::Phone(p) | Login::Email(p) => p,
        }
    }
}

/// Shortest and longest passwords accepted.
pub const PASSWORD_MIN: usize = 10;
/// Longer passwords are refused so hashing cost stays bounded.
pub const PASSWORD_MAX: usize = 128;

/// Checks a new password: long enough, not absurdly long, not one repeated character, not the
/// login itself. (NIST SP 800-63B: length over composition rules.)
pub fn check_password(field: &str, password: &str, login: &Login) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(FieldError::new(
            field,
            Problem::PasswordTooShort { min: PASSWORD_MIN },
        ));
    }
    if n > PASSWORD_MAX {
        return Err(FieldError::new(
            field,
            Problem::TooLong { max: PASSWORD_MAX },
        ));
    }
    let first = password.chars().next();
    // A phone number's ten digits inside the password; an e-mail's stray digits don't count.
    let digits_of_login: String = match login {
        Login::Phone(p) => p.chars().filter(char::is_ascii_digit).collect(),
        Login::Email(_) => String::new(),
    };
    if password.chars().all(|c| Some(c) == first)
        || password.eq_ignore_ascii_case(login.as_str())
        || (!digits_of_login.is_empty()
            && password.contains(&digits_of_login[digits_of_login.len().saturating_sub(10)..]))
    {
        return Err(FieldError::new(field, Problem::PasswordWeak));
    }
    Ok(())
}

/// A person's name as shown in the header and to operators: trimmed, 1–80 characters.
pub fn parse_display_name(field: &str, raw: &str) -> Result<String, FieldError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err(FieldError::new(field, Problem::Required)),
        1..=80 => Ok(name),
        _ => Err(FieldError::new(field, Problem::TooLong { max: 80 })),
    }
}

/// The role a person acts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Anyone who signs up: finds programmes and applies.
    Entrepreneur,
    /// The head of a rural okrug.
    Akim,
    /// Akimat staff, who may act for their okrug's akim.
    AkimatStaff,
    /// Staff of an operator (fund, lender, grant commission).
    Operator,
    /// An operator's staff member who invites and removes colleagues.
    OrgAdmin,
    /// Platform staff.
    Admin,
    /// Staff of a district akimat: answer residents' complaints about the okrug akimats of
    /// their district (invited by a platform admin).
    DistrictStaff,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 7] = [
        Role::Entrepreneur,
        Role::Akim,
        Role::AkimatStaff,
        Role::Operator,
        Role::OrgAdmin,
        Role::Admin,
        Role::DistrictStaff,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Entrepreneur => "entrepreneur",
            Role::Akim => "akim",
            Role::AkimatStaff => "akimat_staff",
            Role::Operator => "operator",
            Role::OrgAdmin => "org_admin",
            Role::Admin => "admin",
            Role::DistrictStaff => "district_staff",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The role's name in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Role::Entrepreneur => Msg::RoleEntrepreneur,
                Role::Akim => Msg::RoleAkim,
                Role::AkimatStaff => Msg::RoleAkimatStaff,
                Role::Operator => Msg::RoleOperator,
                Role::OrgAdmin => Msg::RoleOrgAdmin,
                Role::Admin => Msg::RoleAdmin,
                Role::DistrictStaff => Msg::RoleDistrictStaff,
            },
        )
    }

    /// Whether the role acts for an okrug.
    pub fn needs_okrug(self) -> bool {
        matches!(self, Role::Akim | Role::AkimatStaff)
    }

    /// Whether the role acts for a district.
    pub fn needs_district(self) -> bool {
        self == Role::DistrictStaff
    }

    /// Whether the role works for an organisation.
    pub fn needs_organisation(self) -> bool {
        matches!(self, Role::Operator | Role::OrgAdmin)
    }
}

/// Where a role applies: the okrug of an akim, the organisation of an operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Scope {
    /// Entrepreneurs and admins.
    None,
    /// An okrug (KATO level 3).
    Okrug(KatoCode),
    /// An organisation by id.
    Organisation(i32),
    /// A district (KATO level 2): district akimat staff.
    District(KatoCode),
}

impl Scope {
    /// The scope a role must have, from the values given; `None` when they do not fit the role.
    pub fn for_role(
        role: Role,
        okrug: Option<KatoCode>,
        organisation: Option<i32>,
    ) -> Option<Scope> {
        let level = okrug.as_ref().map(KatoCode::level);
        match (okrug, organisation) {
            (Some(o), None) if role.needs_okrug() && level == Some(Level::Okrug) => {
                Some(Scope::Okrug(o))
            }
            (Some(o), None) if role.needs_district() && level == Some(Level::District) => {
                Some(Scope::District(o))
            }
            (None, Some(org)) if role.needs_organisation() => Some(Scope::Organisation(org)),
            (None, None)
                if !role.needs_okrug() && !role.needs_district() && !role.needs_organisation() =>
            {
                Some(Scope::None)
            }
            _ => None,
        }
    }
}

/// Who is asking: a signed-in person and the role they act in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Principal {
    /// Their account.
    pub user_id: i32,
    /// Their role.
    pub role: Role,
    /// Where the role applies.
    pub scope: Scope,
    /// Their name, for the header.
    pub display_name: String,
}

/// What the account page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountView {
    /// Name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Phone or e-mail.
    pub login: String,
    /// The okrug or organisation, named.
    pub scope: Option<String>,
    /// The account signs in with a phone not proved by a code yet.
    #[serde(default)]
    pub phone_unverified: bool,
    /// Alerts about new programmes in the bell.
    #[serde(default)]
    pub alerts_in_app: bool,
    /// Alerts about new programmes by SMS or e-mail (whichever the login is).
    #[serde(default)]
    pub alerts_by_message: bool,
}

/// An invitation as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InvitationView {
    /// Id.
    pub id: i32,
    /// Role offered.
    pub role: Role,
    /// Where it applies, named.
    pub scope: Option<String>,
    /// The inviter's note.
    pub note: String,
    /// `pending`, `accepted`, `revoked` or `expired`.
    pub status: String,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// What the invitation page shows before it is accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InvitationOffer {
    /// Role offered.
    pub role: Role,
    /// Where it applies, named.
    pub scope: Option<String>,
}

/// A staff member as lists show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StaffView {
    /// Account.
    pub user_id: i32,
    /// Name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Phone or e-mail.
    pub login: String,
    /// Whether the viewer may remove them (the policy's answer, so the page offers only
    /// what would be allowed).
    pub removable: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_normalised_and_only_kazakh_mobiles_accepted() {
        let cases = [
            ("+7 701 234 56 78", Some("+77012345678")),
            ("8 (701) 234-56-78", Some("+77012345678")),
            ("87012345678", Some("+77012345678")),
            ("+77759998877", Some("+77759998877")),
            ("+7 495 123 45 67", None), // a Russian landline, not 7xx
            ("7012345678", None),       // no country or trunk code
            ("+7 701 234 56 7", None),
            ("+7 701 234 56 789", None),
            ("+7 701 234 56 7a", None),
            ("", None),
        ];
        for (raw, expected) in cases {
            let parsed = Login::parse("login", raw).ok();
            assert_eq!(
                parsed.as_ref().map(Login::as_str),
                expected,
                "failed for {raw:?}"
            );
        }
    }

    #[test]
    fn e_mail_addresses_are_lower_cased_and_checked() {
        assert_eq!(
            Login::parse("login", " Aigul@Example.KZ ").ok(),
            Some(Login::Email("aigul@example.kz".into()))
        );
        for bad in [
            "@example.kz",
            "aigul@",
            "aigul@kz",
            "a@b..kz",
            "a b@example.kz",
            "a@@b.kz",
            "a@.kz",
        ] {
            let err = Login::parse("login", bad).expect_err(bad);
            assert_eq!(
                (err.field.as_str(), err.code()),
                ("login", "bad_login"),
                "failed for {bad}"
            );
        }
    }

    #[test]
    fn passwords_need_length_not_tricks() {
        let login = Login::parse("login", "+77012345678").expect("valid");
        let cases = [
            ("correct horse battery", None),
            ("Дала-2026-ауыл", None),
            ("short", Some("password_too_short")),
            ("aaaaaaaaaaaa", Some("password_weak")),
            ("my7012345678pass", Some("password_weak")),
        ];
        for (pw, expected) in cases {
            let result = check_password("password", pw, &login)
                .err()
                .map(|e| e.code());
            assert_eq!(result, expected, "failed for {pw}");
        }
        assert_eq!(
            check_password("password", &"x".repeat(129), &login)
                .err()
                .map(|e| e.code()),
            Some("too_long")
        );
        let email = Login::parse("login", "aidar1990@mail.kz").expect("valid");
        assert_eq!(
            check_password("password", "1990-qoi-bagu", &email).err(),
            None,
            "an e-mail's digits do not make other passwords weak"
        );
        assert_eq!(
            check_password("password", "AIDAR1990@mail.kz", &email)
                .err()
                .map(|e| e.code()),
            Some("password_weak")
        );
    }

    #[test]
    fn a_role_gets_exactly_the_scope_it_needs() {
        let okrug = KatoCode::parse("101033000").expect("okrug");
        let district = KatoCode::parse("101000000").expect("district");
        assert_eq!(
            Scope::for_role(Role::Akim, Some(okrug.clone()), None),
            Some(Scope::Okrug(okrug.clone()))
        );
        assert_eq!(
            Scope::for_role(Role::Akim, Some(district), None),
            None,
            "an akim heads an okrug"
        );
        assert_eq!(Scope::for_role(Role::Akim, None, None), None);
        assert_eq!(
            Scope::for_role(Role::Operator, None, Some(3)),
            Some(Scope::Organisation(3))
        );
        assert_eq!(Scope::for_role(Role::Operator, Some(okrug), Some(3)), None);
        assert_eq!(Scope::for_role(Role::Admin, None, None), Some(Scope::None));
        assert_eq!(Scope::for_role(Role::Entrepreneur, None, Some(3)), None);
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(
            parse_display_name("name", "  Айгүл   Серікқызы ")
                .ok()
                .as_deref(),
            Some("Айгүл Серікқызы")
        );
        assert!(parse_display_name("name", "   ").is_err());
        assert!(parse_display_name("name", &"а".repeat(81)).is_err());
    }
}
