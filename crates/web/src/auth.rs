//! Who is asking, and what they may see and change. Every page and API handler takes an
//! [`Auth`]; every record it touches goes through [`Auth::read_org`] / [`Auth::write_org`]
//! (or the unit and member variants), and every search through [`Auth::visibility`]. This is
//! the one place scope is decided (DESIGN decision 6).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use gonghui_domain::{OrgKind, Role};
use gonghui_store::{
    Account, Actor, Error, Member, Org, SessionRow, Store, Target, Unit, Visibility,
};

use crate::AppError;

/// The signed-in account with its scope, put in the request by the session middleware.
#[derive(Clone)]
pub struct Auth {
    pub account: Account,
    pub session: SessionRow,
    /// The org whose subtree the account acts in.
    pub scope: Org,
    /// Ids from the deployment root down to the scope org.
    pub scope_lineage: Vec<i64>,
    /// A third-party assessor's assigned orgs (their subtrees are all they see).
    pub assigned: Vec<Org>,
    pub ip: Option<String>,
    pub(crate) store: Store,
    pub(crate) api: bool,
}

/// What a request without a usable session gets instead of an `Auth`.
pub enum AuthRejection {
    Login { next: String },
    Api,
    ChangePassword,
    SecondFactor,
    EnrolSecondFactor,
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::Login { next } => {
                let next: String = url_escape(&next);
                Redirect::to(&format!("/login?next={next}")).into_response()
            }
            AuthRejection::Api => {
                let body = crate::error::ApiError {
                    error: "unauthenticated",
                    field: None,
                    message: "请先登录".into(),
                    errors: Default::default(),
                };
                (axum::http::StatusCode::UNAUTHORIZED, axum::Json(body)).into_response()
            }
            AuthRejection::ChangePassword => Redirect::to("/account/password").into_response(),
            AuthRejection::SecondFactor => Redirect::to("/login/totp").into_response(),
            AuthRejection::EnrolSecondFactor => Redirect::to("/account/totp").into_response(),
        }
    }
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Set by the session middleware when the account must do something before anything else.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    Open,
    ChangePassword,
    SecondFactor,
    EnrolSecondFactor,
}

/// Paths an account may reach while a gate is closed.
fn gate_allows(gate: Gate, path: &str) -> bool {
    match gate {
        Gate::Open => true,
        Gate::ChangePassword => path == "/account/password" || path == "/logout",
        Gate::SecondFactor => path == "/login/totp" || path == "/logout",
        Gate::EnrolSecondFactor => {
            path == "/account/totp" || path == "/account/totp/enable" || path == "/logout"
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path().to_owned();
        let api = path.starts_with("/api/");
        let Some((mut auth, gate)) = parts.extensions.get::<(Auth, Gate)>().cloned() else {
            if api {
                return Err(AuthRejection::Api);
            }
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/".into());
            return Err(AuthRejection::Login { next });
        };
        if !gate_allows(gate, &path) {
            return Err(match gate {
                _ if api => AuthRejection::Api,
                Gate::ChangePassword => AuthRejection::ChangePassword,
                Gate::SecondFactor => AuthRejection::SecondFactor,
                Gate::EnrolSecondFactor => AuthRejection::EnrolSecondFactor,
                Gate::Open => unreachable!("an open gate allows every path"),
            });
        }
        auth.api = api;
        Ok(auth)
    }
}

/// Capabilities outside the record tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capability {
    /// Create accounts, reset passwords, lock and unlock (系统管理员).
    ManageAccounts,
    /// Change roles and scopes, assign assessors (安全管理员).
    ManageRoles,
    /// Read and export the audit trail (审计管理员).
    ReadAudit,
}

impl Auth {
    pub fn role(&self) -> Role {
        self.account.role
    }

    pub fn actor(&self) -> Actor {
        Actor {
            name: self.account.username.clone(),
            account_id: Some(self.account.id),
            ip: self.ip.clone(),
        }
    }

    /// Whether the account may see this org's record (and everything counted in its subtree).
    pub fn sees(&self, org: &Org) -> bool {
        match self.role() {
            r if r.is_admin() => false,
            Role::Assessor => self.assigned.iter().any(|a| org.path.starts_with(&a.path)),
            _ => org.path.starts_with(&self.scope.path),
        }
    }

    /// Whether an org id/path seen in a history row or relation may be shown by name.
    pub fn may_name(&self, id: i64, path: &str) -> bool {
        self.scope_lineage.contains(&id) || self.sees_path(path)
    }

    pub fn sees_path(&self, path: &str) -> bool {
        match self.role() {
            r if r.is_admin() => false,
            Role::Assessor => self.assigned.iter().any(|a| path.starts_with(&a.path)),
            _ => path.starts_with(&self.scope.path),
        }
    }

    /// Whether the account may change this org's records (its profile, officers, units, members).
    pub fn writes(&self, org: &Org) -> bool {
        self.role().writes_records() && org.path.starts_with(&self.scope.path)
    }

    /// Name the union holding a person's membership, when this account may see it.
    pub async fn explain(&self, err: Error) -> Error {
        match err {
            Error::HeldElsewhere {
                holder_org_id: Some(id),
                masked_id,
            } => match self.store.org(id).await {
                Ok(o) if self.sees(&o) => Error::Conflict(format!(
                    "身份证号码 {masked_id} 已是“{}”的在籍会员，一人只能有一个会籍；如工作单位已变动，请办理会籍转接",
                    o.name
                )),
                _ => Error::HeldElsewhere {
                    holder_org_id: Some(id),
                    masked_id,
                },
            },
            e => e,
        }
    }

    /// Refuse, recording the attempt (every denial is audited, DESIGN decision 7).
    pub async fn forbid(&self, what: &str, target: Target<'_>) -> AppError {
        self.deny(what, target).await
    }

    /// Only the working roles read records; administrators are refused, audited.
    pub async fn require_records(&self) -> Result<(), AppError> {
        if self.role().reads_records() {
            Ok(())
        } else {
            Err(self
                .deny("read", Target::new("records", None, Some(self.scope.id)))
                .await)
        }
    }

    /// Whether a unit may be changed, without recording anything (to show or hide buttons).
    pub async fn may_write_unit(&self, unit: &Unit) -> Result<bool, AppError> {
        Ok(match unit.covering_org_id {
            Some(o) => self.writes(&self.store.org(o).await?),
            None => self.writes_directory(&unit.region_code),
        })
    }

    /// Whether a member may be changed, without recording anything.
    pub async fn may_write_member(&self, m: &Member) -> Result<bool, AppError> {
        Ok(self.member_org(m).await?.is_some_and(|o| self.writes(&o)))
    }

    /// Units not yet covered belong to the directory of an area: staff of an area-level
    /// scope may add and edit those whose region lies in their area.
    pub fn writes_directory(&self, region_code: &str) -> bool {
        self.role().writes_records()
            && self
                .unit_regions()
                .iter()
                .any(|r| region_code.starts_with(r.as_str()))
    }

    /// Add an uncovered unit with this region to the directory, or be refused (audited).
    pub async fn write_directory(&self, region_code: &str) -> Result<(), AppError> {
        if self.writes_directory(region_code) {
            Ok(())
        } else {
            Err(self
                .deny("write", Target::new("unit", None, Some(self.scope.id)))
                .await)
        }
    }

    fn deny(
        &self,
        what: &str,
        target: Target<'_>,
    ) -> impl std::future::Future<Output = AppError> + '_ {
        let store = self.store.clone();
        let actor = self.actor();
        let action = format!("denied.{what}");
        let (kind, id, org) = (target.kind.to_owned(), target.id, target.org);
        let api = self.api;
        async move {
            let target = Target::new(&kind, id, org);
            if let Err(e) = store
                .audit_event(&actor, &action, target, false, None::<&()>)
                .await
            {
                tracing::error!(error = ?e, "could not audit a denial");
            }
            AppError {
                error: Error::Forbidden,
                json: api,
            }
        }
    }

    pub async fn read_org(&self, org: &Org) -> Result<(), AppError> {
        if self.sees(org) {
            Ok(())
        } else {
            Err(self
                .deny("read", Target::new("org", Some(org.id), Some(org.id)))
                .await)
        }
    }

    pub async fn write_org(&self, org: &Org) -> Result<(), AppError> {
        if self.writes(org) {
            Ok(())
        } else {
            Err(self
                .deny("write", Target::new("org", Some(org.id), Some(org.id)))
                .await)
        }
    }

    /// The org a unit belongs to for access: its covering union; an uncovered unit belongs to
    /// the area whose region contains it.
    async fn unit_access(&self, unit: &Unit, write: bool) -> Result<(), AppError> {
        let ok = match unit.covering_org_id {
            Some(o) => {
                let org = self.store.org(o).await?;
                if write {
                    self.writes(&org)
                } else {
                    self.sees(&org)
                }
            }
            None if write => self.writes_directory(&unit.region_code),
            None => self
                .unit_regions()
                .iter()
                .any(|r| unit.region_code.starts_with(r.as_str())),
        };
        if ok {
            Ok(())
        } else {
            Err(self
                .deny(
                    if write { "write" } else { "read" },
                    Target::new("unit", Some(unit.id), unit.covering_org_id),
                )
                .await)
        }
    }

    pub async fn read_unit(&self, unit: &Unit) -> Result<(), AppError> {
        self.unit_access(unit, false).await
    }

    pub async fn write_unit(&self, unit: &Unit) -> Result<(), AppError> {
        self.unit_access(unit, true).await
    }

    /// The org that answers for a member: the current union, or the last one for a person who
    /// has left.
    async fn member_org(&self, m: &Member) -> Result<Option<Org>, AppError> {
        let id = match m.org_id {
            Some(id) => Some(id),
            None => self
                .store
                .memberships(m.id)
                .await?
                .first()
                .map(|p| p.org_id),
        };
        Ok(match id {
            Some(id) => Some(self.store.org(id).await?),
            None => None,
        })
    }

    pub async fn read_member(&self, m: &Member) -> Result<(), AppError> {
        let org = self.member_org(m).await?;
        if org.as_ref().is_some_and(|o| self.sees(o)) {
            Ok(())
        } else {
            Err(self
                .deny("read", Target::new("member", Some(m.id), m.org_id))
                .await)
        }
    }

    pub async fn write_member(&self, m: &Member) -> Result<(), AppError> {
        let org = self.member_org(m).await?;
        if org.as_ref().is_some_and(|o| self.writes(o)) {
            Ok(())
        } else {
            Err(self
                .deny("write", Target::new("member", Some(m.id), m.org_id))
                .await)
        }
    }

    /// Whether this account may see full ID numbers and phones (on request, audited).
    pub fn may_reveal(&self) -> bool {
        self.role().writes_records()
    }

    pub async fn require(&self, cap: Capability) -> Result<(), AppError> {
        let ok = match cap {
            Capability::ManageAccounts => {
                matches!(self.role(), Role::SystemAdmin | Role::SecurityAdmin)
            }
            Capability::ManageRoles => self.role() == Role::SecurityAdmin,
            Capability::ReadAudit => self.role() == Role::AuditAdmin,
        };
        if ok {
            Ok(())
        } else {
            Err(self
                .deny(
                    &format!("{cap:?}").to_lowercase(),
                    Target::new("capability", None, Some(self.scope.id)),
                )
                .await)
        }
    }

    /// Region prefixes of the unit directory this account works on (uncovered units).
    fn unit_regions(&self) -> Vec<String> {
        directory_regions(self.role(), &self.scope)
    }

    /// The search filter for this account.
    pub fn visibility(&self) -> Visibility {
        let subtrees = match self.role() {
            r if r.is_admin() => vec![],
            Role::Assessor => self.assigned.iter().map(|a| a.path.clone()).collect(),
            _ => vec![self.scope.path.clone()],
        };
        Visibility::Within {
            subtrees,
            unit_regions: self.unit_regions(),
        }
    }

    /// Org names for pickers: administrators choose scopes by name within their own subtree.
    pub fn picker_visibility(&self) -> Visibility {
        if self.role().is_admin() {
            Visibility::Within {
                subtrees: vec![self.scope.path.clone()],
                unit_regions: vec![],
            }
        } else {
            self.visibility()
        }
    }

    /// Where this account starts: the scope org, or the first assigned org of an assessor.
    pub fn home_org(&self) -> Option<&Org> {
        match self.role() {
            r if r.is_admin() => None,
            Role::Assessor => self.assigned.first(),
            _ => Some(&self.scope),
        }
    }
}

impl Auth {
    /// How a related org (in a history row or relation) is shown: `(id, name)` with id 0 when
    /// it must not be a link, and the name hidden when the org is outside the scope altogether
    /// (an ancestor of the scope root keeps its name: people know whom they report to).
    pub fn show_org(&self, id: i64, name: &str, path: &str) -> (i64, String) {
        if self.sees_path(path) {
            (id, name.to_owned())
        } else if self.scope_lineage.contains(&id) && self.role() != Role::Assessor {
            (0, name.to_owned())
        } else {
            (0, "（管理范围外的组织）".to_owned())
        }
    }

    /// Breadcrumbs of an org: its ancestors the account may open (paths are rebuilt from the
    /// org's own path, so no extra query is needed).
    pub fn crumbs(
        &self,
        org: &Org,
        lineage: Vec<gonghui_store::OrgRef>,
    ) -> Vec<gonghui_store::OrgRef> {
        let ids = org.lineage();
        lineage
            .into_iter()
            .filter(|r| r.id != org.id)
            .filter(|r| {
                let upto = ids
                    .iter()
                    .position(|i| *i == r.id)
                    .map(|p| &ids[..=p])
                    .unwrap_or(&[]);
                let path = format!(
                    "/{}/",
                    upto.iter()
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                        .join("/")
                );
                self.sees_path(&path)
            })
            .collect()
    }
}

/// The prefix shared by every region code inside a region ("421000" → "4210"); the rule
/// lives in the domain because the statistics use it too.
pub use gonghui_domain::region_prefix;

/// Region prefixes of the unit directory (uncovered units) an account of `role` scoped at
/// `scope` works on: staff and viewers of an area-level union, by the union's region.
pub fn directory_regions(role: Role, scope: &Org) -> Vec<String> {
    if !role.reads_records() || role == Role::Assessor || scope.kind == OrgKind::Grassroots {
        return vec![];
    }
    match &scope.region_code {
        Some(r) => vec![region_prefix(r)],
        None => vec![],
    }
}

// ---- 导入 (imports) ----

/// What an account may write through an import: its subtree, and the unit directory of its
/// area. The command line's `--as USERNAME` uses this too, so a file imported there meets the
/// same scope as in the browser.
pub fn import_scope_of(role: Role, scope: &Org) -> gonghui_store::ImportScope {
    let regions = if role.writes_records() {
        directory_regions(role, scope)
    } else {
        vec![]
    };
    gonghui_store::ImportScope::within(&scope.path, regions, scope.id)
}

impl Auth {
    /// Imports write records: the roles that write them only (refusals are audited).
    pub async fn require_import(&self) -> Result<(), AppError> {
        if self.role().writes_records() {
            Ok(())
        } else {
            Err(self
                .deny("import", Target::new("import", None, Some(self.scope.id)))
                .await)
        }
    }

    pub fn import_scope(&self) -> gonghui_store::ImportScope {
        import_scope_of(self.role(), &self.scope)
    }
}

// ---- 标准、荣誉、评选条件 (standards, honors, eligibility rules) ----
//
// Standards: every records role reads the built-in ones and those owned by an org above or at
// its scope (and, for staff above, those of the orgs they see); only staff write, and only
// standards owned by their own scope org (built-in ones reach the store, which refuses them
// with "copy first"). Eligibility rules are deployment-wide: read by every records role,
// changed by the staff of the deployment root only. Honors are recorded and revoked by staff
// who write the recipient org; read like the org.
impl Auth {
    /// Whether the account may open a standard (no audit entry: for links and lists).
    pub fn reads_standard(&self, s: &gonghui_store::StandardSummary) -> bool {
        if !self.role().reads_records() {
            return false;
        }
        match (s.owner_org_id, s.owner_path.as_deref()) {
            (None, _) => s.builtin,
            (Some(owner), path) => {
                self.scope_lineage.contains(&owner) || path.is_some_and(|p| self.sees_path(p))
            }
        }
    }

    pub async fn read_standard(&self, s: &gonghui_store::StandardSummary) -> Result<(), AppError> {
        if self.reads_standard(s) {
            Ok(())
        } else {
            Err(self
                .deny("read", Target::new("standard", Some(s.id), s.owner_org_id))
                .await)
        }
    }

    /// Staff create standards (owned by their scope org) and copy them there.
    pub fn authors_standards(&self) -> bool {
        self.role() == Role::Staff
    }

    pub async fn require_standard_author(&self) -> Result<(), AppError> {
        if self.authors_standards() {
            Ok(())
        } else {
            Err(self
                .deny("write", Target::new("standard", None, Some(self.scope.id)))
                .await)
        }
    }

    /// Whether the account may change this standard: staff, on a standard of their own scope
    /// org, or on a built-in one (which the store refuses with the reason, so the person
    /// learns to copy it rather than meeting a bare refusal).
    pub fn writes_standard(&self, s: &gonghui_store::StandardSummary) -> bool {
        self.authors_standards() && (s.builtin || s.owner_org_id == Some(self.scope.id))
    }

    pub async fn write_standard(&self, s: &gonghui_store::StandardSummary) -> Result<(), AppError> {
        if self.writes_standard(s) {
            Ok(())
        } else {
            Err(self
                .deny("write", Target::new("standard", Some(s.id), s.owner_org_id))
                .await)
        }
    }

    /// Staff of the deployment root change the eligibility rules.
    pub fn edits_rules(&self) -> bool {
        self.role() == Role::Staff && self.scope.depth == 0
    }

    pub async fn require_rule_editor(&self) -> Result<(), AppError> {
        if self.edits_rules() {
            Ok(())
        } else {
            Err(self
                .deny(
                    "write",
                    Target::new("eligibility_rule", None, Some(self.scope.id)),
                )
                .await)
        }
    }

    /// Whether the account records (and revokes) honors of this org: staff who write it.
    pub fn records_honors(&self, org: &Org) -> bool {
        self.records_honors_at(&org.path)
    }

    /// [`Auth::records_honors`] by the org's path (registry rows carry the path, not the org).
    pub fn records_honors_at(&self, path: &str) -> bool {
        self.role() == Role::Staff && path.starts_with(&self.scope.path)
    }

    pub async fn record_honors_of(&self, org: &Org) -> Result<(), AppError> {
        if self.records_honors(org) {
            Ok(())
        } else {
            Err(self
                .deny("write", Target::new("honor", None, Some(org.id)))
                .await)
        }
    }
}

// ---- 达标创建、考核验收、公示、待办 (campaigns, assessments, notices, inbox) ----
//
// A campaign is run by the staff of its org and of the orgs above it (create, third-party
// assessors, 公示, titles, rewards). The self-assessment of a union is filled in by its chair,
// or by the staff of the union itself or of its affiliation parent (a township clerk helping a
// chair). The review goes, when the campaign is reviewed by the upper unions, to staff whose
// scope is strictly above the union and within the campaign's reach; when reviewed by third
// parties, to the assessors listed for the campaign and assigned the union (or an org above
// it). Nobody reviews a submission they made themselves. An assessment is read by whoever
// reads its union, and by its reviewers.
impl Auth {
    /// Whether the account runs this campaign (no audit entry: for buttons and lists).
    pub fn manages_campaign_at(&self, campaign_org_path: &str) -> bool {
        self.role() == Role::Staff && campaign_org_path.starts_with(&self.scope.path)
    }

    pub fn manages_campaign(&self, c: &gonghui_store::Campaign) -> bool {
        self.manages_campaign_at(&c.org_path)
    }

    pub async fn require_campaign_staff(
        &self,
        c: &gonghui_store::Campaign,
    ) -> Result<(), AppError> {
        if self.manages_campaign(c) {
            Ok(())
        } else {
            Err(self
                .deny("write", Target::new("campaign", Some(c.id), Some(c.org_id)))
                .await)
        }
    }

    /// Whether the account may start a campaign over this org's subtree: its staff.
    pub fn creates_campaign_at(&self, org: &Org) -> bool {
        self.role() == Role::Staff && self.writes(org)
    }

    pub async fn require_campaign_creator(&self, org: &Org) -> Result<(), AppError> {
        if self.creates_campaign_at(org) {
            Ok(())
        } else {
            Err(self
                .deny("write", Target::new("campaign", None, Some(org.id)))
                .await)
        }
    }

    /// Whether the account may open a campaign's page: it sees the campaign's org, or it
    /// stands inside the campaign's subtree (a county under a city campaign, a chair).
    pub fn reads_campaign(&self, c: &gonghui_store::Campaign) -> bool {
        match self.role() {
            r if !r.reads_records() => false,
            Role::Assessor => self
                .assigned
                .iter()
                .any(|o| o.path.starts_with(&c.org_path) || c.org_path.starts_with(&o.path)),
            _ => self.sees_path(&c.org_path) || self.scope.path.starts_with(&c.org_path),
        }
    }

    pub async fn read_campaign(&self, c: &gonghui_store::Campaign) -> Result<(), AppError> {
        if self.reads_campaign(c) {
            Ok(())
        } else {
            Err(self
                .deny("read", Target::new("campaign", Some(c.id), Some(c.org_id)))
                .await)
        }
    }

    /// Whether the account fills in this union's self-assessment.
    pub fn self_reviews(&self, a: &gonghui_store::AssessmentAccess) -> bool {
        match self.role() {
            Role::Chair => self.scope.id == a.org_id,
            Role::Staff => self.scope.id == a.org_id || Some(self.scope.id) == a.org_parent_id,
            _ => false,
        }
    }

    /// Whether the account is a reviewer of this assessment by role and scope (whoever
    /// submitted it included).
    pub fn reviewer_of(&self, a: &gonghui_store::AssessmentAccess) -> bool {
        match (a.reviewer, self.role()) {
            (gonghui_domain::ReviewerKind::Parent, Role::Staff) => {
                a.org_path.starts_with(&self.scope.path)
                    && self.scope.id != a.org_id
                    && (self.scope.path.starts_with(&a.campaign_org_path)
                        || a.campaign_org_path.starts_with(&self.scope.path))
            }
            (gonghui_domain::ReviewerKind::Assessors, Role::Assessor) => {
                a.assessors.contains(&self.account.id)
                    && self
                        .assigned
                        .iter()
                        .any(|o| a.org_path.starts_with(&o.path))
            }
            _ => false,
        }
    }

    /// Whether the account may score, return and decide this assessment: a reviewer who did
    /// not submit it.
    pub fn reviews(&self, a: &gonghui_store::AssessmentAccess) -> bool {
        self.reviewer_of(a) && a.submitted_by != Some(self.account.id)
    }

    pub fn reads_assessment(&self, a: &gonghui_store::AssessmentAccess) -> bool {
        self.role().reads_records() && (self.sees_path(&a.org_path) || self.reviewer_of(a))
    }

    fn assessment_target(a: &gonghui_store::AssessmentAccess) -> Target<'static> {
        Target::new("assessment", Some(a.assessment_id), Some(a.org_id))
    }

    pub async fn read_assessment(
        &self,
        a: &gonghui_store::AssessmentAccess,
    ) -> Result<(), AppError> {
        if self.reads_assessment(a) {
            Ok(())
        } else {
            Err(self.deny("read", Self::assessment_target(a)).await)
        }
    }

    pub async fn require_self_review(
        &self,
        a: &gonghui_store::AssessmentAccess,
    ) -> Result<(), AppError> {
        if self.self_reviews(a) {
            Ok(())
        } else {
            Err(self.deny("self_review", Self::assessment_target(a)).await)
        }
    }

    pub async fn require_review(
        &self,
        a: &gonghui_store::AssessmentAccess,
    ) -> Result<(), AppError> {
        if self.reviews(a) {
            Ok(())
        } else {
            Err(self.deny("review", Self::assessment_target(a)).await)
        }
    }

    /// Rewards are recorded by the campaign's staff.
    pub async fn require_campaign_staff_of(
        &self,
        a: &gonghui_store::AssessmentAccess,
    ) -> Result<(), AppError> {
        if self.manages_campaign_at(&a.campaign_org_path) {
            Ok(())
        } else {
            Err(self.deny("write", Self::assessment_target(a)).await)
        }
    }

    /// The inbox query of this account.
    pub fn inbox_query(&self) -> gonghui_store::InboxQuery {
        gonghui_store::InboxQuery {
            account_id: self.account.id,
            role: self.role(),
            scope_org_id: self.scope.id,
            scope_path: self.scope.path.clone(),
            assigned_paths: self.assigned.iter().map(|o| o.path.clone()).collect(),
        }
    }
}
