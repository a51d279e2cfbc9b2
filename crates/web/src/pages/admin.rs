//! 账号管理 (system and security administrators) and 审计日志 (audit administrator).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use gonghui_domain::Role;
use gonghui_store::{
    Account, AccountListItem, AuditEntry, AuditFilter, Error, NewAccount, Org, Target,
};

use super::orgs::unprocessable;
use crate::auth::{Auth, Capability};
use crate::forms::FormState;
use crate::inputs::org_ref;
use crate::nav::Nav;
use crate::{AppError, AppResult, AppState};

type Fields = HashMap<String, String>;

#[derive(Template, WebTemplate)]
#[template(path = "accounts.html")]
pub struct AccountsPage {
    nav: Nav,
    notice: Option<String>,
    accounts: Vec<AccountListItem>,
    form: FormState,
    role_options: Vec<(&'static str, &'static str)>,
}

fn grantable(auth: &Auth) -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .iter()
        .filter(|r| auth.role().may_grant(**r))
        .map(|r| (r.code(), r.label()))
        .collect()
}

async fn accounts_page(
    st: &AppState,
    auth: &Auth,
    notice: Option<String>,
    form: FormState,
) -> AppResult<AccountsPage> {
    Ok(AccountsPage {
        nav: Nav::of(auth),
        notice,
        accounts: st.store.accounts_within(&auth.scope.path).await?,
        form,
        role_options: grantable(auth),
    })
}

pub async fn accounts(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<Fields>,
) -> AppResult<AccountsPage> {
    auth.require(Capability::ManageAccounts).await?;
    let notice = q.get("done").map(|_| "已保存。".to_owned());
    accounts_page(&st, &auth, notice, FormState::default()).await
}

/// The scope org chosen in a picker, which must lie in the administrator's own subtree.
async fn scope_in_reach(
    st: &AppState,
    auth: &Auth,
    form: &mut FormState,
    field: &str,
) -> AppResult<Option<Org>> {
    let Some(id) = org_ref(
        &st.store,
        form,
        field,
        "所属范围",
        &auth.picker_visibility(),
    )
    .await?
    else {
        return Ok(None);
    };
    let org = match st.store.org(id).await {
        Ok(o) => o,
        Err(Error::NotFound(_)) => {
            form.error(field, "找不到所选的工会组织");
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    if !org.path.starts_with(&auth.scope.path) {
        form.error(field, "只能在您自己的管理范围内建立或调整账号");
        return Ok(None);
    }
    Ok(Some(org))
}

pub async fn create_account(
    State(st): State<AppState>,
    auth: Auth,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    auth.require(Capability::ManageAccounts).await?;
    let mut form = FormState::from_values(f);
    let role = form.parse_req("role", "角色", |s| {
        Role::from_label(s).ok_or("请选择角色")
    });
    if let Some(r) = role {
        if !auth.role().may_grant(r) {
            form.error(
                "role",
                format!("{}不能授予“{}”角色", auth.role().label(), r.label()),
            );
        }
    }
    let scope = scope_in_reach(&st, &auth, &mut form, "scope_org_id").await?;
    let username = form.required("username", "用户名");
    let display = form.required("display_name", "姓名");
    let password = form.required("password", "初始密码");
    if let (Some(role), Some(scope), Some(username), Some(display_name), Some(password), false) =
        (role, scope, username, display, password, form.has_errors())
    {
        let input = NewAccount {
            username,
            display_name,
            role,
            scope_org_id: scope.id,
            password,
            must_change_password: true,
        };
        match st.store.create_account(&auth.actor(), input).await {
            Ok(id) => {
                return Ok(
                    Redirect::to(&format!("/admin/accounts/{id}?done=created")).into_response()
                );
            }
            Err(e) => form.absorb(e)?,
        }
    }
    form.values.remove("password");
    Ok(unprocessable(accounts_page(&st, &auth, None, form).await?))
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
pub struct AccountPage {
    nav: Nav,
    notice: Option<String>,
    account: Account,
    scope_name: String,
    assigned: Vec<Org>,
    can_manage: bool,
    can_roles: bool,
    password_form: FormState,
    role_form: FormState,
    assign_form: FormState,
    role_options: Vec<(&'static str, &'static str)>,
}

/// The account, if it lies in the administrator's subtree (otherwise a denial, audited).
async fn account_in_reach(st: &AppState, auth: &Auth, id: i64) -> AppResult<(Account, Org)> {
    let account = st.store.account(id).await?;
    let scope = st.store.org(account.scope_org_id).await?;
    if !scope.path.starts_with(&auth.scope.path) {
        st.store
            .audit_event(
                &auth.actor(),
                "denied.account",
                Target::new("account", Some(id), Some(scope.id)),
                false,
                None::<&()>,
            )
            .await?;
        return Err(AppError {
            error: Error::Forbidden,
            json: false,
        });
    }
    Ok((account, scope))
}

#[derive(Default)]
struct AccountForms {
    password: FormState,
    role: FormState,
    assign: FormState,
}

async fn account_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    notice: Option<String>,
    forms: AccountForms,
) -> AppResult<AccountPage> {
    let (account, scope) = account_in_reach(st, auth, id).await?;
    let assigned = if account.role == Role::Assessor {
        st.store.assessor_orgs(id).await?
    } else {
        vec![]
    };
    let own = account.id == auth.account.id;
    let mut role_form = forms.role;
    if role_form.values.is_empty() {
        role_form.set("role", account.role.code());
        role_form.set("scope_org_id", format!("{} #{}", scope.name, scope.id));
    }
    Ok(AccountPage {
        nav: Nav::of(auth),
        notice,
        // Administrators manage others; their own password is changed on 修改密码.
        can_manage: !own
            && auth.role() == Role::SystemAdmin
            && (!account.role.is_admin() || auth.role().may_grant(account.role)),
        can_roles: !own && auth.role() == Role::SecurityAdmin,
        scope_name: scope.name,
        account,
        assigned,
        password_form: forms.password,
        role_form,
        assign_form: forms.assign,
        role_options: grantable(auth),
    })
}

pub async fn account(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<AccountPage> {
    auth.require(Capability::ManageAccounts).await?;
    let notice = q.get("done").map(|_| "已保存。".to_owned());
    account_page(&st, &auth, id, notice, AccountForms::default()).await
}

pub async fn reset_password(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    auth.require(Capability::ManageAccounts).await?;
    let page = account_page(&st, &auth, id, None, AccountForms::default()).await?;
    if !page.can_manage {
        return Err(auth
            .forbid(
                "account",
                Target::new("account", Some(id), Some(page.account.scope_org_id)),
            )
            .await);
    }
    let mut form = FormState::from_values(f);
    if let Some(pw) = form.required("password", "临时密码") {
        match st.store.reset_password(&auth.actor(), id, &pw).await {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/admin/accounts/{id}?done=1")).into_response());
            }
            Err(e) => form.absorb(e)?,
        }
    }
    form.values.clear();
    Ok(unprocessable(
        account_page(
            &st,
            &auth,
            id,
            None,
            AccountForms {
                password: form,
                ..Default::default()
            },
        )
        .await?,
    ))
}

async fn set_disabled(st: &AppState, auth: &Auth, id: i64, disabled: bool) -> AppResult<Response> {
    auth.require(Capability::ManageAccounts).await?;
    let page = account_page(st, auth, id, None, AccountForms::default()).await?;
    if !page.can_manage {
        return Err(auth
            .forbid(
                "account",
                Target::new("account", Some(id), Some(page.account.scope_org_id)),
            )
            .await);
    }
    st.store
        .set_account_disabled(&auth.actor(), id, disabled)
        .await?;
    Ok(Redirect::to(&format!("/admin/accounts/{id}?done=1")).into_response())
}

pub async fn disable(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_disabled(&st, &auth, id, true).await
}

pub async fn enable(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_disabled(&st, &auth, id, false).await
}

pub async fn set_role(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    auth.require(Capability::ManageRoles).await?;
    let page = account_page(&st, &auth, id, None, AccountForms::default()).await?;
    if !page.can_roles {
        return Err(auth
            .forbid(
                "account",
                Target::new("account", Some(id), Some(page.account.scope_org_id)),
            )
            .await);
    }
    let mut form = FormState::from_values(f);
    let role = form.parse_req("role", "角色", |s| {
        Role::from_label(s).ok_or("请选择角色")
    });
    let scope = scope_in_reach(&st, &auth, &mut form, "scope_org_id").await?;
    if let (Some(role), Some(scope), false) = (role, scope, form.has_errors()) {
        match st
            .store
            .set_account_role(&auth.actor(), id, role, scope.id)
            .await
        {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/admin/accounts/{id}?done=1")).into_response());
            }
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(
        account_page(
            &st,
            &auth,
            id,
            None,
            AccountForms {
                role: form,
                ..Default::default()
            },
        )
        .await?,
    ))
}

pub async fn assign(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    auth.require(Capability::ManageRoles).await?;
    account_in_reach(&st, &auth, id).await?;
    let mut form = FormState::from_values(f);
    if let Some(org) = scope_in_reach(&st, &auth, &mut form, "org_id").await? {
        match st.store.assign_to_assessor(&auth.actor(), id, org.id).await {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/admin/accounts/{id}?done=1")).into_response());
            }
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(
        account_page(
            &st,
            &auth,
            id,
            None,
            AccountForms {
                assign: form,
                ..Default::default()
            },
        )
        .await?,
    ))
}

// ---- audit trail ----

const AUDIT_PAGE: u64 = 100;

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub struct AuditPage {
    nav: Nav,
    form: FormState,
    entries: Vec<AuditEntry>,
    page: u64,
    more: bool,
    query: Vec<(String, String)>,
}

/// Chinese names of audit actions and object kinds, for the viewer and the export.
pub fn action_label(action: &str) -> String {
    let known = [
        ("login.success", "登录成功"),
        ("login.failure", "登录失败"),
        ("login.locked", "登录失败并锁定账号"),
        ("login.rate_limited", "登录过于频繁被拒绝"),
        ("login.totp", "两步验证通过"),
        ("login.totp_failure", "两步验证失败"),
        ("logout", "退出"),
        ("denied.read", "越权查看被拒绝"),
        ("denied.write", "越权修改被拒绝"),
        ("denied.csrf", "来源不明的提交被拒绝"),
        ("denied.account", "越权管理账号被拒绝"),
        ("audit.export", "导出审计日志"),
        ("member.reveal", "查看会员完整信息"),
        ("member.join", "登记会员"),
        ("member.update", "修改会员"),
        ("member.transfer", "会籍转接"),
        ("member.status", "变更会籍状态"),
        ("org.create", "新建工会组织"),
        ("org.update", "修改工会组织"),
        ("org.move", "调整隶属关系"),
        ("org.close", "撤销工会组织"),
        ("org.merge", "合并工会组织"),
        ("unit.create", "登记单位"),
        ("unit.update", "修改单位"),
        ("unit.cover", "登记覆盖"),
        ("unit.uncover", "解除覆盖"),
        ("officer.add", "登记任职"),
        ("officer.end", "离任"),
        ("committee.set", "登记委员会"),
        ("guidance.add", "登记业务指导"),
        ("guidance.end", "结束业务指导"),
        ("sector.join", "加入行业工会联合会"),
        ("sector.leave", "退出行业工会联合会"),
        ("sector.form", "组建行业工会联合会"),
        ("sector.substitute", "行业工会联合会委员替补"),
        ("sector.profile", "登记行业工会联合会章程与法人资格"),
        ("sector.plan_export", "导出一行一会规划"),
        ("account.create", "建立账号"),
        ("account.role", "变更角色"),
        ("account.disable", "停用账号"),
        ("account.enable", "启用或解锁账号"),
        ("account.password_change", "修改密码"),
        ("account.password_reset", "重置密码"),
        ("account.assign", "指定考核对象"),
        ("account.totp_begin", "生成两步验证密钥"),
        ("account.totp_enable", "开启两步验证"),
        ("demo.generate", "生成演示数据"),
        ("term.record", "登记任期"),
        ("election.start", "发起换届选举"),
        ("election.step", "办理换届选举步骤"),
        ("election.complete", "完成换届选举"),
        ("election.cancel", "撤销换届选举"),
        ("denied.approve", "越权批复换届被拒绝"),
        ("reminders.export", "导出组织建设提醒"),
        ("chair_agreement.create", "签订工会主席协议"),
        ("chair_agreement.assess", "登记工会主席年度考核"),
        ("chair_agreement.end", "终止工会主席协议"),
        ("chair_agreement.export", "导出工会主席协议覆盖情况"),
        ("lawyer.appoint", "聘任律师兼职副主席"),
        ("lawyer.end", "律师兼职副主席离任"),
        ("four_in_place.check", "登记四个到位检查结果"),
        ("park_subsidy.decide", "登记开发区工会补助经费"),
        ("dual_display.check", "登记双亮检查结果"),
        ("dual_display.export", "导出双亮覆盖情况"),
        ("setting.set", "修改系统设置"),
    ];
    match known.iter().find(|(k, _)| *k == action) {
        Some((_, v)) => format!("{v}（{action}）"),
        None if action.starts_with("denied.") => format!("越权操作被拒绝（{action}）"),
        None => action.to_owned(),
    }
}

pub fn object_label(kind: &str) -> &str {
    match kind {
        "org" => "工会组织",
        "unit" => "单位",
        "member" => "会员",
        "account" => "账号",
        "officer" => "任职",
        "link" => "关系",
        "audit" => "审计日志",
        "capability" => "管理功能",
        "request" => "请求",
        "demo" => "演示数据",
        "term" => "任期",
        "election" => "换届选举",
        "chair_agreement" => "工会主席协议",
        "lawyer" => "律师兼职副主席",
        "setting" => "设置",
        other => other,
    }
}

impl AuditPage {
    fn page_href(&self, page: u64) -> String {
        let mut q = self.query.clone();
        q.retain(|(k, _)| k != "page" && k != "export");
        q.push(("page".into(), page.to_string()));
        format!(
            "/admin/audit?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    }
}

async fn audit_filter(st: &AppState, auth: &Auth, form: &mut FormState) -> AppResult<AuditFilter> {
    let org_path = match form.text("org") {
        Some(_) => scope_in_reach(st, auth, form, "org").await?.map(|o| o.path),
        // An auditor below the root sees only entries about their own subtree.
        None => (auth.scope.parent_id.is_some()).then(|| auth.scope.path.clone()),
    };
    Ok(AuditFilter {
        from: form.date_opt("from"),
        to: form.date_opt("to"),
        actor: form.text("actor").map(|a| a.to_lowercase()),
        org_path,
        action: form.text("action"),
        failures_only: form.checked("failures"),
    })
}

/// 审计日志: filter, page, and export to Excel (the export itself is audited).
pub async fn audit(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    auth.require(Capability::ReadAudit).await?;
    let mut form = FormState::from_values(q.iter().cloned().collect());
    let filter = audit_filter(&st, &auth, &mut form).await?;
    if form.v("export") == "xlsx" && !form.has_errors() {
        let entries = st.store.audit_entries(&filter, 0, 100_000).await?;
        let detail = serde_json::json!({ "rows": entries.len() });
        st.store
            .audit_event(
                &auth.actor(),
                "audit.export",
                Target::new("audit", None, Some(auth.scope.id)),
                true,
                Some(&detail),
            )
            .await?;
        let bytes =
            crate::export::audit_xlsx(&entries).map_err(|e| AppError::from(Error::Io(e)))?;
        let name = format!(
            "attachment; filename=\"audit-{}.xlsx\"",
            chrono::Local::now().format("%Y%m%d-%H%M")
        );
        return Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
                ),
                (header::CONTENT_DISPOSITION, name),
            ],
            bytes,
        )
            .into_response());
    }
    let page = form.v("page").parse::<u64>().unwrap_or(1).max(1);
    let mut entries = if form.has_errors() {
        vec![]
    } else {
        st.store
            .audit_entries(&filter, (page - 1) * AUDIT_PAGE, AUDIT_PAGE + 1)
            .await?
    };
    let more = entries.len() as u64 > AUDIT_PAGE;
    entries.truncate(AUDIT_PAGE as usize);
    Ok(AuditPage {
        nav: Nav::of(&auth),
        form,
        entries,
        page,
        more,
        query: q,
    }
    .into_response())
}
