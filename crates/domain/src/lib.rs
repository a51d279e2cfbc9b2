//! Pure domain types and rules of gonghui (工会组织建设管理平台).
//!
//! Everything here is "parse, don't validate": a [`Uscc`], [`IdNumber`], [`RegionCode`],
//! [`IndustryCode`] or [`Phone`] can only exist in a valid, normalized form, and every
//! rejection is an [`Invalid`] carrying a Chinese message a user can act on. No I/O, no
//! async: the reference data (regions, industries) is compiled in from `data/`.
//!
//! Names follow `GLOSSARY.md`.

mod account;
mod attachment;
mod coded;
mod date;
mod error;
mod id_number;
mod industry;
mod instruments;
mod member;
mod officer;
mod org;
mod region;
mod search;
mod sector;
mod standard;
mod stats;
mod term;
mod text;
mod unit;
mod uscc;

pub use account::{Role, base32, check_password, check_username, totp, verify_totp};
pub use attachment::{AttachmentType, MAX_ATTACHMENT_BYTES, clean_file_name, sniff};
pub use date::{excel_serial_date, parse_date};
pub use error::Invalid;
pub use id_number::{IdNumber, id_check_char};
pub use industry::{IndustryCode, all_divisions, sections};
pub use instruments::{
    AssessmentResult, CHAIR_AGREEMENT_MIN_EMPLOYEES, ChairSelection, DUAL_DISPLAY_MIN_EMPLOYEES,
    DUAL_DISPLAY_TARGET_PERCENT, DualDisplay, FourItem, check_agreement_term,
    check_appointment_term, check_assessment_year, check_document_no, check_lawyer_cert,
    check_min_employees, check_subsidy_allowed, check_target_percent, dual_display_eligible,
    format_yuan, four_missing, parse_yuan, percent_text, periods_overlap, reaches_target,
};
pub use member::{
    Education, JoinMethod, MemberStatus, NewEmploymentGroup, Phone, Sex, check_person_name,
    mask_name,
};
pub use officer::{CommitteeKind, OfficerRole, OfficerSource, check_term};
pub use org::{AreaKind, GrassrootsKind, OrgKind, check_no_cycle, parse_org_kind};
pub use region::{
    RegionCode, RegionLevel, cities_of, counties_of, provinces, region_name, townships_of,
};
pub use search::{SearchKeys, normalize_query, search_keys};
pub use sector::{
    FormationField, FormationPlan, MIN_MEMBER_UNIONS, Problem, Seat, Sector, check_formation,
    check_guide, check_leaving, check_seat, check_sector_parent, ineligibility, place_of,
};
pub use standard::{
    AssessmentAction, AssessmentState, BUILTIN_RULES, BUILTIN_STANDARDS, BuiltinStandard,
    Condition, EvidenceKind, Grade, Grading, GradingKind, HonorLevel, HonorSource, ItemSpec,
    KindSet, MAX_EVIDENCE_COUNT, MAX_ITEM_POINTS, MAX_ITEMS, MAX_TOTAL_POINTS, Outcome,
    REMIND_DAYS, RecipientKind, ReviewerKind, RuleTarget, Scored, StandardSpec,
    check_campaign_dates, check_honor_year, check_notice_period, check_quota, check_rule_parameter,
    check_score, check_text, evidence_text, outcome, score_text,
};
pub use stats::{
    MAX_MIN_EMPLOYEES, NoUnionReason, Period, SURVEY_TEXT_MAX, SurveyInput, check_as_of,
    check_min_employees_filter, check_region_filter, check_survey, directory_prefix,
    industry_codes_in, is_area_level, region_prefix,
};
pub use term::{
    ElectionKind, ElectionStatus, ElectionStep, REMINDER_MONTHS, ReminderKind, TermStatus,
    add_months, check_approval_reason, check_election_kind, check_step_date, check_step_order,
    check_term_number, check_term_years, ends_within, overdue, reminders_for, term_end,
    term_years_allowed,
};
pub use text::to_half_width;
pub use unit::{Ownership, UnitStatus, check_headcount};
pub use uscc::{Uscc, uscc_check_char};

/// Lets `coded_enum!` expand in other crates without them depending on serde directly.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}
