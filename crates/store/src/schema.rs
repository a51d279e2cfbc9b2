//! Table and column names, so statements are checked by the compiler rather than by typos.
use sea_query::Iden;

#[derive(Iden, Clone, Copy)]
pub enum Orgs {
    Table,
    Id,
    Kind,
    SubKind,
    Name,
    ShortName,
    NamePinyin,
    NameInitials,
    RegionCode,
    IndustryCode,
    FoundedOn,
    Uscc,
    LegalPersonCert,
    IndependentAccount,
    Address,
    ContactPerson,
    ContactPhone,
    ParentId,
    Path,
    Depth,
    Status,
    ClosedOn,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum OrgAffiliations {
    Table,
    Id,
    OrgId,
    ParentId,
    ValidFrom,
    ValidTo,
    Reason,
}

#[derive(Iden, Clone, Copy)]
pub enum OrgGuidance {
    Table,
    Id,
    GuideId,
    OrgId,
    ValidFrom,
    ValidTo,
}

#[derive(Iden, Clone, Copy)]
pub enum SectorMemberships {
    Table,
    Id,
    SectorId,
    MemberId,
    ValidFrom,
    ValidTo,
}

#[derive(Iden, Clone, Copy)]
pub enum Committees {
    Table,
    Id,
    OrgId,
    Kind,
    EstablishedOn,
    Note,
}

#[derive(Iden, Clone, Copy)]
pub enum Officers {
    Table,
    Id,
    OrgId,
    Committee,
    Role,
    Name,
    FullTime,
    TermStart,
    TermEnd,
    Phone,
    LeftOn,
    Source,
    RepresentsOrgId,
    IsAssociationLeader,
    IsEnterpriseHead,
}

#[derive(Iden, Clone, Copy)]
pub enum Units {
    Table,
    Id,
    Uscc,
    Name,
    NamePinyin,
    NameInitials,
    RegionCode,
    IndustryCode,
    Ownership,
    Employees,
    WomenEmployees,
    AboveScale,
    DispatchAgency,
    Park,
    Status,
    CoveringOrgId,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum UnitCoverages {
    Table,
    Id,
    UnitId,
    OrgId,
    ValidFrom,
    ValidTo,
}

#[derive(Iden, Clone, Copy)]
pub enum Members {
    Table,
    Id,
    IdNumber,
    Name,
    NamePinyin,
    NameInitials,
    Sex,
    BirthDate,
    Phone,
    Ethnicity,
    Education,
    MigrantWorker,
    DispatchedWorker,
    NewEmploymentGroup,
    JoinDate,
    JoinMethod,
    Status,
    OrgId,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Memberships {
    Table,
    Id,
    MemberId,
    OrgId,
    ValidFrom,
    ValidTo,
    EndReason,
}

#[derive(Iden, Clone, Copy)]
pub enum AuditLog {
    Table,
    Id,
    Seq,
    AccountId,
    OrgId,
    PrevHash,
    Hash,
    At,
    Actor,
    Ip,
    Action,
    ObjectKind,
    ObjectId,
    Before,
    After,
    Success,
}

#[derive(Iden, Clone, Copy)]
pub enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
    AnchorSeq,
}

#[derive(Iden, Clone, Copy)]
pub enum Accounts {
    Table,
    Id,
    Username,
    DisplayName,
    PasswordHash,
    Role,
    ScopeOrgId,
    MustChangePassword,
    FailedLogins,
    LockedUntil,
    Disabled,
    TotpSecret,
    TotpEnabled,
    PasswordChangedAt,
    LastLoginAt,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum AssessorAssignments {
    Table,
    Id,
    AccountId,
    OrgId,
    AssignedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Sessions {
    Table,
    Id,
    TokenHash,
    AccountId,
    CsrfToken,
    SecondFactorPending,
    CreatedAt,
    LastSeenAt,
    Ip,
}

#[derive(Iden, Clone, Copy)]
pub enum Settings {
    Table,
    Key,
    Value,
}

// ---- 任期与换届选举 (terms, elections) ----

#[derive(Iden, Clone, Copy)]
pub enum OrgTerms {
    Table,
    Id,
    OrgId,
    Number,
    StartOn,
    Years,
    EndOn,
    Status,
    EndedOn,
    ElectionId,
    Note,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Elections {
    Table,
    Id,
    OrgId,
    TermId,
    Kind,
    Status,
    StartedOn,
    Reason,
    NewYears,
    CompletedOn,
    NewTermId,
    CancelledOn,
    CancelReason,
    Note,
    CreatedBy,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum ElectionSteps {
    Table,
    Id,
    ElectionId,
    Step,
    Seq,
    DoneOn,
    Person,
    Documents,
    Note,
    ApproverOrgId,
    RecordedBy,
    RecordedAt,
}

// ---- city instruments (0007): 主席协议、律师副主席、四个到位、双亮 ----

#[derive(Iden, Clone, Copy)]
pub enum ChairAgreements {
    Table,
    Id,
    OrgId,
    ChairName,
    Selection,
    StartOn,
    EndOn,
    MonthlyAllowanceFen,
    Note,
    EndedOn,
    EndReason,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum ChairAssessments {
    Table,
    Id,
    AgreementId,
    Year,
    Result,
    Note,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum LawyerAppointments {
    Table,
    Id,
    OrgId,
    OfficerId,
    Name,
    LawFirm,
    CertNo,
    DocumentNo,
    AppointedOn,
    TermEnd,
    Phone,
    EndedOn,
    EndReason,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum ParkFourItems {
    Table,
    OrgId,
    Item,
    InPlace,
    Evidence,
    CheckedOn,
    CheckedBy,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum ParkSubsidies {
    Table,
    Id,
    OrgId,
    Year,
    AmountFen,
    DecidedOn,
    DocumentNo,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum DualDisplays {
    Table,
    OrgId,
    Sign,
    Identity,
    Deeds,
    CheckedOn,
    CheckedBy,
    Note,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum SectorFederations {
    Table,
    OrgId,
    Sector,
    FormedOn,
    TermYears,
    CharterTitle,
    CharterAdoptedOn,
    LegalRegisteredOn,
    CreatedAt,
}

// ---- 统计、驾驶舱、逐一摸底 (migration 0009) ----

#[derive(Iden, Clone, Copy)]
pub enum OrgCounts {
    Table,
    OrgId,
}

#[derive(Iden, Clone, Copy)]
pub enum OrgYearCounts {
    Table,
    OrgId,
    Year,
    Joined,
    Founded,
    SubJoined,
    SubFounded,
}

#[derive(Iden, Clone, Copy)]
pub enum RegionUnitCounts {
    Table,
    RegionCode,
    UncoveredUnits,
    UncoveredEmployees,
}

#[derive(Iden, Clone, Copy)]
pub enum UnitSurveys {
    Table,
    Id,
    UnitId,
    SurveyedOn,
    SurveyedBy,
    StaffDistribution,
    Operations,
    Workforce,
    Investor,
    Reason,
    ReasonText,
    RecordedBy,
    CreatedAt,
}

// Standards, campaigns, assessments, attachments, notices, honors, eligibility rules (0010).

#[derive(Iden, Clone, Copy)]
pub enum Standards {
    Table,
    Id,
    Code,
    Name,
    OwnerOrgId,
    CopiedFrom,
    Builtin,
    Archived,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum StandardVersions {
    Table,
    Id,
    StandardId,
    Version,
    Description,
    Grading,
    FirstPercent,
    SecondPercent,
    ThirdPercent,
    PassPercent,
    AppliesTo,
    Note,
    CreatedBy,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum StandardItems {
    Table,
    Id,
    VersionId,
    Position,
    Section,
    Title,
    Description,
    Points,
    Evidence,
    EvidenceCount,
    Veto,
    AppliesTo,
}

#[derive(Iden, Clone, Copy)]
pub enum Campaigns {
    Table,
    Id,
    Name,
    OrgId,
    VersionId,
    Kinds,
    StartOn,
    EndOn,
    SelfReviewDue,
    Quota,
    RewardFen,
    HonorTitle,
    HonorLevel,
    Reviewer,
    DocumentNo,
    CreatedBy,
    CreatedAt,
    ClosedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum CampaignAssessors {
    Table,
    Id,
    CampaignId,
    AccountId,
}

#[derive(Iden, Clone, Copy)]
pub enum Assessments {
    Table,
    Id,
    CampaignId,
    OrgId,
    State,
    SelfTotal,
    Total,
    MaxPoints,
    Grade,
    VetoFailed,
    SubmittedAt,
    ReviewedBy,
    DecidedAt,
    SiteVisitOn,
    SiteVisitNote,
    NoticeId,
    HonorId,
    RewardFen,
    RewardOn,
    RewardDocumentNo,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum AssessmentItems {
    Table,
    Id,
    AssessmentId,
    ItemId,
    SelfScore,
    SelfNote,
    Score,
    Comment,
}

#[derive(Iden, Clone, Copy)]
pub enum AssessmentEvents {
    Table,
    Id,
    AssessmentId,
    FromState,
    ToState,
    AccountId,
    Reason,
    At,
}

#[derive(Iden, Clone, Copy)]
pub enum Attachments {
    Table,
    Id,
    OrgId,
    FileName,
    MediaType,
    ByteSize,
    Sha256,
    Content,
    Thumbnail,
    Width,
    Height,
    CreatedBy,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum AssessmentEvidence {
    Table,
    Id,
    AssessmentId,
    ItemId,
    AttachmentId,
    RemovedAt,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Notices {
    Table,
    Id,
    CampaignId,
    Title,
    StartOn,
    EndOn,
    Contact,
    CreatedBy,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum Honors {
    Table,
    Id,
    Title,
    Level,
    Year,
    RecipientKind,
    OrgId,
    PersonName,
    Source,
    CampaignId,
    DocumentNo,
    GrantedByOrg,
    RevokedOn,
    RevokeReason,
    CreatedBy,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum EligibilityRules {
    Table,
    Id,
    Code,
    Name,
    AppliesTo,
    MinLevel,
    HonorTitle,
    Condition,
    Parameter,
    Message,
    Active,
    Builtin,
    CreatedAt,
}
