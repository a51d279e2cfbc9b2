//! The header every page shows: who is signed in, the menus their role has, and the CSRF
//! token that forms and htmx requests carry.

use gonghui_domain::Role;

use crate::auth::Auth;

#[derive(Clone, Debug, Default)]
pub struct Nav {
    pub signed_in: bool,
    pub username: String,
    pub display_name: String,
    pub role_label: &'static str,
    pub scope_name: String,
    pub csrf: String,
    /// 组织树 and 查询.
    pub records: bool,
    /// 账号管理.
    pub accounts: bool,
    /// 审计日志.
    pub audit: bool,
    /// 导入 (roles that write records).
    pub imports: bool,
    /// 标准 (the roles that work with records).
    pub standards: bool,
    /// 荣誉: the registry of the org where the account stands.
    pub honors_org: Option<i64>,
    /// 待办 (达标创建: what to fill in, review, publish, grant).
    pub inbox: bool,
}

impl Nav {
    pub fn anonymous() -> Nav {
        Nav::default()
    }

    pub fn of(auth: &Auth) -> Nav {
        let role = auth.role();
        Nav {
            signed_in: true,
            username: auth.account.username.clone(),
            display_name: auth.account.display_name.clone(),
            role_label: role.label(),
            scope_name: auth.scope.name.clone(),
            csrf: auth.session.csrf_token.clone(),
            records: role.reads_records(),
            accounts: matches!(role, Role::SystemAdmin | Role::SecurityAdmin),
            audit: role == Role::AuditAdmin,
            imports: role.writes_records(),
            standards: role.reads_records(),
            honors_org: auth.home_org().map(|o| o.id),
            inbox: role.reads_records(),
        }
    }
}
