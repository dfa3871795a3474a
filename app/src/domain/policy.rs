//! Who may do what: the one place where authorization is decided. Services ask it before
//! acting; pages only hide what it would refuse anyway.
//!
//! Tenancy follows the scopes: an operator acts within their organisation, an akim (or akimat
//! staff) within their okrug, an entrepreneur on their own records, an admin everywhere.

use super::account::{Principal, Role, Scope};
use super::application::Party;
use super::location::KatoCode;

/// Something someone wants to do, with what the decision depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action<'a> {
    /// Search or read the public catalogue.
    ReadCatalogue,
    /// See and manage one's own account.
    ManageOwnAccount,
    /// Change a programme of `organisation` (create, edit, publish, close, delete).
    ManageProgramme {
        /// The programme's operator.
        organisation: i32,
    },
    /// Create an invitation to a role.
    Invite {
        /// The role offered.
        role: Role,
        /// Where it applies.
        scope: &'a Scope,
    },
    /// See the invitations and staff of a scope.
    ViewStaff {
        /// The okrug or organisation.
        scope: &'a Scope,
    },
    /// Revoke an invitation or remove a staff member of a role in a scope.
    RemoveStaff {
        /// Their role.
        role: Role,
        /// Their scope.
        scope: &'a Scope,
        /// Their account, when removing a person (nobody removes themselves).
        user_id: Option<i32>,
    },
    /// Read the security audit log.
    ViewAuditLog,
    /// Keep an entrepreneur's profile, see one's matches and save searches on them.
    KeepProfile,
    /// Read an application (the applications issue): by its applicant, the akim of the
    /// applicant's okrug, the programme's operator, or an admin.
    ViewApplication {
        /// The applicant.
        applicant: i32,
        /// The okrug the business is in (`None` until the applicant names their settlement:
        /// no akim reads it then).
        okrug: Option<&'a KatoCode>,
        /// The programme's operator.
        organisation: i32,
    },
    /// Give (or correct) the akimat's recommendation of an application from an okrug: the
    /// akim or akimat staff of that okrug, and nobody else (not even an admin: it is the
    /// akimat's own, accountable word).
    Recommend {
        /// The okrug the business is in.
        okrug: Option<&'a KatoCode>,
    },
    /// See an okrug's workspace (its unrounded figures, stuck applications, rejection
    /// reasons): the akim and akimat staff of that okrug, and admins.
    OkrugWorkspace {
        /// The okrug.
        okrug: &'a KatoCode,
    },
    /// Work the review queue of `organisation`: see it, export it, assign reviewers, score,
    /// keep private notes. Its own staff only: an admin supports operators but does not
    /// review for them.
    Review {
        /// The operator.
        organisation: i32,
    },
    /// Keep the loans of `organisation`: record repayments (by hand or from a file), see the
    /// portfolio and its arrears. Its own staff only, as the queue.
    KeepLoans {
        /// The lender.
        organisation: i32,
    },
    /// Create and revoke the API keys a lender's system uses: the organisation's
    /// administrator only (a key acts for the whole organisation).
    ManageApiKeys {
        /// The lender.
        organisation: i32,
    },
    /// See the message outbox (counts, costs, failures; recipients masked, never a text), put
    /// failed messages back in the queue and stop waiting ones: the platform admin only.
    ManageMessages,
}

/// Why an action is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// Nobody is signed in and the action needs someone.
    #[error("sign-in required")]
    SignInRequired,
    /// The person signed in may not do this.
    #[error("forbidden")]
    Forbidden,
}

/// Decides whether `who` (nobody when `None`) may do `action`.
pub fn allow(who: Option<&Principal>, action: &Action<'_>) -> Result<(), Denied> {
    if *action == Action::ReadCatalogue {
        return Ok(());
    }
    let Some(p) = who else {
        return Err(Denied::SignInRequired);
    };
    let ok = match action {
        Action::ReadCatalogue | Action::ManageOwnAccount => true,
        Action::ManageProgramme { organisation } => {
            p.role == Role::Admin
                || (matches!(p.role, Role::Operator | Role::OrgAdmin)
                    && p.scope == Scope::Organisation(*organisation))
        }
        Action::Invite { role, scope } => match p.role {
            // Entrepreneurs sign up themselves; every other role comes by invitation.
            Role::Admin => *role != Role::Entrepreneur,
            Role::OrgAdmin => matches!(role, Role::Operator | Role::OrgAdmin) && **scope == p.scope,
            Role::Akim => *role == Role::AkimatStaff && **scope == p.scope,
            _ => false,
        },
        Action::ViewStaff { scope } => match p.role {
            Role::Admin => true,
            Role::OrgAdmin | Role::Akim => **scope == p.scope,
            _ => false,
        },
        Action::RemoveStaff {
            role,
            scope,
            user_id,
        } => {
            let not_self = *user_id != Some(p.user_id);
            not_self
                && match p.role {
                    Role::Admin => true,
                    Role::OrgAdmin => {
                        matches!(role, Role::Operator | Role::OrgAdmin) && **scope == p.scope
                    }
                    Role::Akim => *role == Role::AkimatStaff && **scope == p.scope,
                    _ => false,
                }
        }
        Action::ViewAuditLog | Action::ManageMessages => p.role == Role::Admin,
        // A profile describes a person's own business: staff of funds and akimats act in a
        // role, not as applicants.
        Action::KeepProfile => p.role == Role::Entrepreneur,
        Action::ViewApplication {
            applicant,
            okrug,
            organisation,
        } => match (&p.role, &p.scope) {
            (Role::Admin, _) => true,
            (Role::Entrepreneur, _) => *applicant == p.user_id,
            (Role::Akim | Role::AkimatStaff, Scope::Okrug(own)) => *okrug == Some(own),
            (Role::Operator | Role::OrgAdmin, Scope::Organisation(own)) => own == organisation,
            _ => false,
        },
        Action::Recommend { okrug } => match (&p.role, &p.scope) {
            (Role::Akim | Role::AkimatStaff, Scope::Okrug(own)) => *okrug == Some(own),
            _ => false,
        },
        Action::OkrugWorkspace { okrug } => match (&p.role, &p.scope) {
            (Role::Admin, _) => true,
            (Role::Akim | Role::AkimatStaff, Scope::Okrug(own)) => *okrug == own,
            _ => false,
        },
        Action::Review { organisation } | Action::KeepLoans { organisation } => {
            matches!(p.role, Role::Operator | Role::OrgAdmin)
                && p.scope == Scope::Organisation(*organisation)
        }
        Action::ManageApiKeys { organisation } => {
            p.role == Role::OrgAdmin && p.scope == Scope::Organisation(*organisation)
        }
    };
    if ok { Ok(()) } else { Err(Denied::Forbidden) }
}

/// What a person's header links to: the parts of the site their role works in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Menu {
    /// Their matches and their applications (an entrepreneur).
    pub own_business: bool,
    /// The okrug's workspace (akim, akimat staff).
    pub akimat: bool,
    /// The review queue and the programme editor (an operator's staff).
    pub operator: bool,
    /// The organisation's API keys (its administrator).
    pub api_keys: bool,
    /// The notifications bell (anyone signed in).
    pub notifications: bool,
    /// Complaints: a resident's own, or those the reader answers.
    pub complaints: bool,
}

/// The header of `who` (nobody when `None`). Pages hide what [`allow`] would refuse anyway;
/// this says which workspaces to offer, so the header checks no role itself.
pub fn menu(who: Option<&Principal>) -> Menu {
    let Some(p) = who else {
        return Menu::default();
    };
    Menu {
        own_business: p.role == Role::Entrepreneur,
        akimat: matches!(p.role, Role::Akim | Role::AkimatStaff),
        operator: matches!(p.role, Role::Operator | Role::OrgAdmin),
        api_keys: p.role == Role::OrgAdmin,
        notifications: true,
        complaints: super::complaint::keeps_complaints(p),
    }
}

/// What decides how a person stands to an application.
#[derive(Clone, Copy, Debug)]
pub struct ApplicationParties<'a> {
    /// The applicant's user id.
    pub applicant: i32,
    /// The okrug of the applicant's settlement, if known.
    pub okrug: Option<&'a KatoCode>,
    /// The organisation operating the programme.
    pub organisation: i32,
    /// The okrug whose akimat filed it for the resident, if it was filed so.
    pub filed_by: Option<&'a KatoCode>,
    /// Whether it is still a draft (a draft is its applicant's alone).
    pub draft: bool,
}

/// How `p` stands to an application: as its applicant (or the akimat staff who filed it for
/// the resident, who act for the resident), for its operator, or only as a reader (`None`: an
/// akim of its okrug). `Denied` for anyone else, whom the edges answer "not found" so that ids
/// do not reveal which applications exist.
pub fn standing(p: &Principal, a: &ApplicationParties<'_>) -> Result<Option<Party>, Denied> {
    let assistant = matches!(p.role, Role::Akim | Role::AkimatStaff)
        && matches!((&p.scope, a.filed_by), (Scope::Okrug(own), Some(by)) if own == by);
    let action = Action::ViewApplication {
        applicant: a.applicant,
        okrug: a.okrug,
        organisation: a.organisation,
    };
    if !assistant {
        allow(Some(p), &action)?;
    }
    let mine = (p.role == Role::Entrepreneur && a.applicant == p.user_id) || assistant;
    if a.draft && !mine {
        return Err(Denied::Forbidden);
    }
    Ok(if mine {
        Some(Party::Applicant)
    } else if p.role == Role::Admin
        || (matches!(p.role, Role::Operator | Role::OrgAdmin)
            && p.scope == Scope::Organisation(a.organisation))
    {
        Some(Party::Operator)
    } else {
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(user_id: i32, role: Role, scope: Scope) -> Principal {
        Principal {
            user_id,
            role,
            scope,
            display_name: String::new(),
        }
    }

    fn okrug(code: &str) -> KatoCode {
        KatoCode::parse(code).expect("okrug")
    }

    /// Everyone the matrix considers, by name.
    fn people() -> Vec<(&'static str, Option<Principal>)> {
        vec![
            ("anonymous", None),
            (
                "entrepreneur",
                Some(who(1, Role::Entrepreneur, Scope::None)),
            ),
            (
                "other entrepreneur",
                Some(who(2, Role::Entrepreneur, Scope::None)),
            ),
            (
                "akim",
                Some(who(3, Role::Akim, Scope::Okrug(okrug("101033000")))),
            ),
            (
                "akimat staff",
                Some(who(4, Role::AkimatStaff, Scope::Okrug(okrug("101033000")))),
            ),
            (
                "other akim",
                Some(who(5, Role::Akim, Scope::Okrug(okrug("611633000")))),
            ),
            (
                "operator",
                Some(who(6, Role::Operator, Scope::Organisation(10))),
            ),
            (
                "org admin",
                Some(who(7, Role::OrgAdmin, Scope::Organisation(10))),
            ),
            (
                "other operator",
                Some(who(8, Role::OrgAdmin, Scope::Organisation(20))),
            ),
            ("admin", Some(who(9, Role::Admin, Scope::None))),
        ]
    }

    #[test]
    fn the_header_offers_each_role_its_own_workspace() {
        // (own business, akimat, operator, bell), one line per person.
        let expected = [
            ("anonymous", (false, false, false, false)),
            ("entrepreneur", (true, false, false, true)),
            ("other entrepreneur", (true, false, false, true)),
            ("akim", (false, true, false, true)),
            ("akimat staff", (false, true, false, true)),
            ("other akim", (false, true, false, true)),
            ("operator", (false, false, true, true)),
            ("org admin", (false, false, true, true)),
            ("other operator", (false, false, true, true)),
            ("admin", (false, false, false, true)),
        ];
        let people = people();
        assert_eq!(people.len(), expected.len(), "a line for everyone");
        for ((name, p), (want_name, want)) in people.iter().zip(expected) {
            assert_eq!(*name, want_name);
            let m = menu(p.as_ref());
            assert_eq!(
                (m.own_business, m.akimat, m.operator, m.notifications),
                want,
                "{name}"
            );
        }
    }

    #[test]
    fn an_application_is_seen_by_its_applicant_its_akim_its_operator_and_admins_only() {
        let home = okrug("101033000");
        let action = Action::ViewApplication {
            applicant: 1,
            okrug: Some(&home),
            organisation: 10,
        };
        let allowed: Vec<&str> = people()
            .iter()
            .filter(|(_, p)| allow(p.as_ref(), &action).is_ok())
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(
            allowed,
            [
                "entrepreneur",
                "akim",
                "akimat staff",
                "operator",
                "org admin",
                "admin"
            ]
        );
    }

    #[test]
    fn only_the_akimat_of_the_applicant_s_okrug_recommends() {
        let home = okrug("101033000");
        let allowed = |okrug: Option<&KatoCode>| -> Vec<&'static str> {
            people()
                .iter()
                .filter(|(_, p)| allow(p.as_ref(), &Action::Recommend { okrug }).is_ok())
                .map(|(n, _)| *n)
                .collect()
        };
        assert_eq!(allowed(Some(&home)), ["akim", "akimat staff"]);
        assert!(allowed(None).is_empty(), "no okrug, no akim");
    }

    #[test]
    fn an_okrug_s_workspace_is_its_akimat_s_and_the_admins() {
        let home = okrug("101033000");
        let other = okrug("101035000");
        let allowed = |okrug: &KatoCode| -> Vec<&'static str> {
            people()
                .iter()
                .filter(|(_, p)| allow(p.as_ref(), &Action::OkrugWorkspace { okrug }).is_ok())
                .map(|(n, _)| *n)
                .collect()
        };
        assert_eq!(allowed(&home), ["akim", "akimat staff", "admin"]);
        assert_eq!(allowed(&other), ["admin"]);
    }

    #[test]
    fn an_organisation_s_queue_is_its_own_staff_s_alone() {
        let allowed = |organisation: i32| -> Vec<&'static str> {
            people()
                .iter()
                .filter(|(_, p)| allow(p.as_ref(), &Action::Review { organisation }).is_ok())
                .map(|(n, _)| *n)
                .collect()
        };
        assert_eq!(allowed(10), ["operator", "org admin"]);
        assert_eq!(allowed(20), ["other operator"]);
        assert!(allowed(11).is_empty());
    }

    #[test]
    fn invitations_follow_the_inviter_s_scope() {
        let own_org = Scope::Organisation(10);
        let own_okrug = Scope::Okrug(okrug("101033000"));
        let cases: Vec<(Role, &Scope, Vec<&str>)> = vec![
            (Role::Operator, &own_org, vec!["org admin", "admin"]),
            (Role::OrgAdmin, &own_org, vec!["org admin", "admin"]),
            (Role::AkimatStaff, &own_okrug, vec!["akim", "admin"]),
            (Role::Akim, &own_okrug, vec!["admin"]),
            (Role::Admin, &Scope::None, vec!["admin"]),
            (Role::Entrepreneur, &Scope::None, vec![]),
        ];
        for (role, scope, expected) in cases {
            let action = Action::Invite { role, scope };
            let allowed: Vec<&str> = people()
                .iter()
                .filter(|(_, p)| allow(p.as_ref(), &action).is_ok())
                .map(|(n, _)| *n)
                .collect();
            assert_eq!(allowed, expected, "failed for inviting a {role:?}");
        }
    }

    #[test]
    fn programmes_are_managed_by_their_operator_and_admins() {
        let action = Action::ManageProgramme { organisation: 10 };
        let allowed: Vec<&str> = people()
            .iter()
            .filter(|(_, p)| allow(p.as_ref(), &action).is_ok())
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(allowed, ["operator", "org admin", "admin"]);
        assert_eq!(allow(None, &action), Err(Denied::SignInRequired));
        assert_eq!(
            allow(people()[1].1.as_ref(), &action),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn nobody_removes_themselves_and_scopes_do_not_cross() {
        let org = Scope::Organisation(10);
        let admin = who(9, Role::Admin, Scope::None);
        let org_admin = who(7, Role::OrgAdmin, org.clone());
        let remove = |user_id| Action::RemoveStaff {
            role: Role::Operator,
            scope: &org,
            user_id: Some(user_id),
        };
        assert!(allow(Some(&org_admin), &remove(6)).is_ok());
        assert_eq!(
            allow(
                Some(&org_admin),
                &Action::RemoveStaff {
                    role: Role::OrgAdmin,
                    scope: &org,
                    user_id: Some(7)
                }
            ),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            allow(
                Some(&who(8, Role::OrgAdmin, Scope::Organisation(20))),
                &remove(6)
            ),
            Err(Denied::Forbidden)
        );
        assert!(allow(Some(&admin), &remove(6)).is_ok());
        assert_eq!(
            allow(
                Some(&admin),
                &Action::RemoveStaff {
                    role: Role::Admin,
                    scope: &Scope::None,
                    user_id: Some(9)
                }
            ),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn the_catalogue_is_public_and_the_audit_log_is_for_admins() {
        for (name, p) in people() {
            assert!(allow(p.as_ref(), &Action::ReadCatalogue).is_ok(), "{name}");
            let audit = allow(p.as_ref(), &Action::ViewAuditLog).is_ok();
            assert_eq!(audit, name == "admin", "{name}");
        }
    }

    #[test]
    fn the_message_outbox_is_the_platform_admin_s_alone() {
        let allowed: Vec<&str> = people()
            .iter()
            .filter(|(_, p)| allow(p.as_ref(), &Action::ManageMessages).is_ok())
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(allowed, ["admin"]);
        assert_eq!(
            allow(None, &Action::ManageMessages),
            Err(Denied::SignInRequired)
        );
        for (name, p) in people()
            .iter()
            .filter(|(n, p)| p.is_some() && *n != "admin")
        {
            assert_eq!(
                allow(p.as_ref(), &Action::ManageMessages),
                Err(Denied::Forbidden),
                "{name}"
            );
        }
    }

    #[test]
    fn only_entrepreneurs_keep_a_profile() {
        for (name, p) in people() {
            let keeps = allow(p.as_ref(), &Action::KeepProfile);
            match name {
                "anonymous" => assert_eq!(keeps, Err(Denied::SignInRequired)),
                "entrepreneur" | "other entrepreneur" => assert!(keeps.is_ok()),
                _ => assert_eq!(keeps, Err(Denied::Forbidden), "{name}"),
            }
        }
    }
}
