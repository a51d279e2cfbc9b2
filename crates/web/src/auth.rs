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
