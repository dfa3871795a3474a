//! The closed vocabularies of the catalogue: kinds of support, sectors, target groups,
//! collateral, statuses, organisation kinds. Each has a stable code (stored, sent in URLs and in
//! the API) and a label in every language.

use serde::{Deserialize, Serialize};

use super::i18n::{Lang, Msg, t};

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal => $msg:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant),*
        }

        // By hand: the derive does not see the codes through the macro's fragments and would
        // describe the variants' Rust names.
        #[cfg(feature = "ssr")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),*]))
                    .into()
            }
        }

        #[cfg(feature = "ssr")]
        impl utoipa::ToSchema for $name {}

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable code.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            /// Parses a code; `None` when unknown.
            pub fn parse(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }

            /// The label in `lang`.
            pub fn label(self, lang: Lang) -> &'static str {
                t(lang, self.msg())
            }

            /// The message holding the label.
            pub fn msg(self) -> Msg {
                match self { $($name::$variant => Msg::$msg),* }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use code_enum;

code_enum! {
    /// What a programme gives.
    ProgramKind {
        /// Small loans, e.g. Auyl Amanaty.
        Microcredit = "microcredit" => KindMicrocredit,
        /// Larger loans.
        Loan = "loan" => KindLoan,
        /// Part of a bank loan's interest paid by the state.
        RateSubsidy = "rate_subsidy" => KindRateSubsidy,
        /// A fund guarantees part of a loan in place of collateral.
        Guarantee = "guarantee" => KindGuarantee,
        /// Machinery or equipment on lease.
        Leasing = "leasing" => KindLeasing,
        /// Money that is not repaid.
        Grant = "grant" => KindGrant,
        /// Courses, e.g. Bastau Business.
        Training = "training" => KindTraining,
    }
}

code_enum! {
    /// The line of business a programme supports.
    Sector {
        /// Crop farming.
        Crop = "crop" => SectorCrop,
        /// Livestock.
        Livestock = "livestock" => SectorLivestock,
        /// Processing of farm produce.
        AgriProcessing = "agri_processing" => SectorAgriProcessing,
        /// Fish farming.
        Fishery = "fishery" => SectorFishery,
        /// Beekeeping.
        Beekeeping = "beekeeping" => SectorBeekeeping,
        /// Manufacturing.
        Manufacturing = "manufacturing" => SectorManufacturing,
        /// Crafts.
        Crafts = "crafts" => SectorCrafts,
        /// Trade.
        Trade = "trade" => SectorTrade,
        /// Tourism.
        Tourism = "tourism" => SectorTourism,
        /// Services.
        Services = "services" => SectorServices,
        /// Transport.
        Transport = "transport" => SectorTransport,
        /// Construction.
        Construction = "construction" => SectorConstruction,
    }
}

code_enum! {
    /// Groups of people a programme gives priority to.
    TargetGroup {
        /// Young people up to 29.
        Youth = "youth" => GroupYouth,
        /// Women.
        Women = "women" => GroupWomen,
        /// People with disabilities.
        Disabled = "disabled" => GroupDisabled,
        /// Large families.
        LargeFamilies = "large_families" => GroupLargeFamilies,
        /// Ethnic Kazakh returnees.
        Kandas = "kandas" => GroupKandas,
        /// Recipients of targeted social assistance.
        SocialAssistance = "social_assistance" => GroupSocialAssistance,
        /// Laid-off workers.
        LaidOff = "laid_off" => GroupLaidOff,
    }
}

code_enum! {
    /// What a programme asks as security.
    Collateral {
        /// Collateral is required.
        Required = "required" => CollateralRequired,
        /// No collateral.
        NotRequired = "not_required" => CollateralNotRequired,
        /// Part of the amount must be secured.
        Partial = "partial" => CollateralPartial,
        /// Collateral, or a fund's guarantee where it falls short.
        GuaranteeAccepted = "guarantee_accepted" => CollateralGuaranteeAccepted,
    }
}

code_enum! {
    /// Whether a programme takes applications.
    ProgramStatus {
        /// Being prepared by its operator; not public.
        Draft = "draft" => StatusDraft,
        /// Taking applications.
        Open = "open" => StatusOpen,
        /// Paused by its operator: not taking applications for now, not in search; the page
        /// stays.
        Paused = "paused" => StatusPaused,
        /// Not taking applications; the page stays for reference.
        Closed = "closed" => FactClosed,
    }
}

code_enum! {
    /// What kind of body an operator is.
    OrganisationKind {
        /// A state lender (e.g. Agrarian Credit Corporation).
        StateLender = "state_lender" => OrgStateLender,
        /// A development fund (e.g. Damu).
        Fund = "fund" => OrgFund,
        /// A regional social-entrepreneurial corporation.
        Spk = "spk" => OrgSpk,
        /// A microfinance organisation.
        Mfo = "mfo" => OrgMfo,
        /// A bank.
        Bank = "bank" => OrgBank,
        /// A grant commission (akimat, employment centre).
        GrantCommission = "grant_commission" => OrgGrantCommission,
        /// The chamber of entrepreneurs «Атамекен».
        Chamber = "chamber" => OrgChamber,
    }
}

code_enum! {
    /// How far along a business is.
    Stage {
        /// Only an idea.
        Idea = "idea" => StageIdea,
        /// Under one year.
        Under1y = "under_1y" => StageUnder1y,
        /// One to three years.
        Y1To3 = "y1_3" => StageY1To3,
        /// Over three years.
        Over3y = "over_3y" => StageOver3y,
    }
}

code_enum! {
    /// The legal form of a business.
    LegalForm {
        /// Not registered yet.
        None = "none" => FormNone,
        /// Individual entrepreneur.
        Ie = "ie" => FormIe,
        /// Peasant or farm enterprise.
        Farm = "farm" => FormFarm,
        /// Limited liability partnership.
        Llp = "llp" => FormLlp,
        /// Agricultural co-operative.
        Coop = "coop" => FormCoop,
    }
}

code_enum! {
    /// Certificates a programme may require.
    Certificate {
        /// The «Бастау Бизнес» course certificate.
        BastauBusiness = "bastau_business" => CertBastauBusiness,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for kind in ProgramKind::ALL {
            assert_eq!(ProgramKind::parse(kind.as_str()), Some(*kind));
            let json = serde_json::to_string(kind).expect("serialises");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        for sector in Sector::ALL {
            assert_eq!(Sector::parse(sector.as_str()), Some(*sector));
        }
        assert_eq!(
            ProgramKind::parse("Microcredit"),
            None,
            "codes are case-sensitive"
        );
        assert_eq!(Sector::parse(""), None);
    }

    #[test]
    fn labels_exist_in_every_language() {
        assert_eq!(ProgramKind::Grant.label(Lang::Ru), "Грант");
        assert_eq!(Sector::Livestock.label(Lang::Kk), "Мал шаруашылығы");
        assert_eq!(
            TargetGroup::Kandas.label(Lang::En),
            "Kandas (ethnic Kazakh returnees)"
        );
    }
}
