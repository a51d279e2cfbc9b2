//! gonghui's storage: the schema and migrations for SQLite and PostgreSQL, and every SQL
//! statement of the application. Each public `Store` method is one service operation: it
//! checks the rules, writes inside one transaction and appends the audit entry in it.
//!
//! Where to find a concept (see GLOSSARY.md): 工会组织、隶属、业务指导、行业工会成员、
//! 三委会、任职 → [`orgs`]; 单位、覆盖 → [`units`]; 会员、会籍 → [`members`]; 搜索 → [`search`];
//! 任期、换届选举、组织建设提醒 → [`terms`]; 标准、一票否决 → [`standards`]; 达标创建、考核验收、
//! 公示、待办 → [`campaigns`]; 荣誉、评选条件 → [`honors`]; 附件 → [`attachments`];
//! 审计 → [`audit`]; 演示数据 → [`demo`].

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod campaigns;
mod db;
pub mod demo;
mod error;
pub mod honors;
pub mod import;
pub mod instruments;
pub mod members;
pub mod orgs;
mod schema;
pub mod search;
pub mod sectors;
mod settings;
pub mod standards;
pub mod stats;
pub mod terms;
pub mod units;

pub use accounts::{Account, AccountListItem, LoginOutcome, NewAccount, SessionRow};
pub use attachments::{Attachment, PreparedAttachment, prepare_attachment};
pub use audit::{Actor, AuditEntry, AuditFilter, ChainBreak, Target, VerifyReport};
pub use campaigns::{
    Assessment, AssessmentAccess, AssessmentView, Campaign, CampaignAssessor, CampaignInput,
    CampaignSummary, EventView, EvidenceView, InboxCandidate, InboxQuery, ItemView, Notice,
    NoticeInput, NoticeLine, NoticeView, Progress, ProgressCounts, ProgressRow, ReviewInput,
    ReviewScore, RewardInput, SelfAnswer, StandardOption,
};
pub use db::{Engine, Record, Store, Tx};
pub use error::{Error, Result};
pub use honors::{ELIGIBILITY_FIELD, EligibilityRule, Honor, HonorFilter, HonorInput, RuleInput};
pub use import::{
    ImportKind, ImportProgress, ImportReport, ImportScope, Preview, RowError, RowStatus,
};
pub use instruments::{
    AgreementRecord, ChairAgreement, ChairAgreementInput, ChairAssessment, ChairEligibleUnit,
    CountyLawyers, CoverageRow, DualDisplayInput, DualDisplayRecord, DualEligibleUnit,
    FourInPlaceInput, FourItemStatus, InstrumentCoverage, InstrumentSetting, InstrumentSettings,
    LawyerAppointment, LawyerInput, ParkStatus, ParkSubsidy,
};
pub use members::{MaskedMember, Member, MemberInput, MembershipPeriod};
pub use orgs::{
    Affiliation, Committee, Link, LinkKind, Officer, OfficerInput, Org, OrgChild, OrgInput, OrgRef,
    SubtreeTotals,
};
pub use search::{SearchResults, SearchScope, Visibility};
pub use sectors::{
    PlanArea, PlanRow, Refusal, SectorCandidate, SectorFederation, SectorFormation, SectorMember,
    SectorPlan, SectorView, Substitution,
};
pub use standards::{
    BUILTIN_READ_ONLY, CampaignUse, StandardDetail, StandardEdit, StandardItem, StandardSummary,
    StandardVersion, VersionInfo,
};
pub use stats::{
    KindCount, MemberLine, OrgLine, OwnershipFilter, Stats, StatsFilter, StatsList, StatsListKind,
    StatsQuery, StatsRows, SurveyedFilter, UnitLine, UnitSurvey, Worklist, WorklistRow, YearCount,
};
pub use terms::{
    Election, ElectionView, ReminderCounts, ReminderItem, ReminderRow, ReminderTable, StepInput,
    StepOutcome, StepRecord, Term, TermInput, TermOverview,
};
pub use units::{Coverage, Unit, UnitInput};
