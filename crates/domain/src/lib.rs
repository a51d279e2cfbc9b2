//! Pure domain types and rules of gonghui (工会组织建设管理平台).
//!
//! Everything here is "parse, don't validate": a [`Uscc`], [`IdNumber`], [`RegionCode`],
//! [`IndustryCode`] or [`Phone`] can only exist in a valid, normalized form, and every
//! rejection is an [`Invalid`] carrying a Chinese message a user can act on. No I/O, no
//! async: the reference data (regions, industries) is compiled in from `data/`.
//!
//! Names follow `GLOSSARY.md`.

mod account;
mod coded;
mod error;
mod id_number;
mod industry;
mod member;
mod officer;
mod org;
mod region;
mod search;
mod text;
mod unit;
mod uscc;

pub use account::{Role, base32, check_password, check_username, totp, verify_totp};
pub use error::Invalid;
pub use id_number::{IdNumber, id_check_char};
pub use industry::{IndustryCode, all_divisions, sections};
pub use member::{
    Education, JoinMethod, MemberStatus, NewEmploymentGroup, Phone, Sex, check_person_name,
    mask_name,
};
pub use officer::{CommitteeKind, OfficerRole, OfficerSource, check_term};
pub use org::{AreaKind, GrassrootsKind, OrgKind, check_no_cycle};
pub use region::{
    RegionCode, RegionLevel, cities_of, counties_of, provinces, region_name, townships_of,
};
pub use search::{SearchKeys, normalize_query, search_keys};
pub use text::to_half_width;
pub use unit::{Ownership, UnitStatus, check_headcount};
pub use uscc::{Uscc, uscc_check_char};

/// Lets `coded_enum!` expand in other crates without them depending on serde directly.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}
