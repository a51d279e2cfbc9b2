//! gonghui's storage: the schema and migrations for SQLite and PostgreSQL, and every SQL
//! statement of the application. Each public `Store` method is one service operation: it
//! checks the rules, writes inside one transaction and appends the audit entry in it.
//!
//! Where to find a concept (see GLOSSARY.md): 工会组织、隶属、业务指导、行业工会成员、
//! 三委会、任职 → [`orgs`]; 单位、覆盖 → [`units`]; 会员、会籍 → [`members`]; 搜索 → [`search`];
//! 审计 → [`audit`]; 演示数据 → [`demo`].

pub mod accounts;
pub mod audit;
mod db;
pub mod demo;
mod error;
pub mod members;
pub mod orgs;
mod schema;
pub mod search;
mod settings;
pub mod units;

pub use accounts::{Account, AccountListItem, LoginOutcome, NewAccount, SessionRow};
pub use audit::{Actor, AuditEntry, AuditFilter, ChainBreak, Target, VerifyReport};
pub use db::{Engine, Record, Store, Tx};
pub use error::{Error, Result};
pub use members::{MaskedMember, Member, MemberInput, MembershipPeriod};
pub use orgs::{
    Affiliation, Committee, Link, LinkKind, Officer, OfficerInput, Org, OrgChild, OrgInput, OrgRef,
    SubtreeTotals,
};
pub use search::{SearchResults, SearchScope, Visibility};
pub use units::{Coverage, Unit, UnitInput};
