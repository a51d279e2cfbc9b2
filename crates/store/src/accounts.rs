//! 账号与会话: accounts with argon2id password hashes, lockout after repeated failures, the
//! TOTP second factor, and server-side sessions (only a hash of the token is stored).
//! Who may do what is decided in the web layer's one authorization module; this module keeps
//! the data and the rules that need it (policy, lockout, uniqueness).

use chrono::{DateTime, Duration, Utc};
use gonghui_domain::{Role, check_password, check_username, verify_totp};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::orgs::{in_subtree, load_active};
use crate::schema::{Accounts, AssessorAssignments, Orgs, Sessions};
use crate::{Error, Result, Store};

/// Failed logins before the account locks, and for how long.
pub const LOCK_AFTER_FAILURES: i64 = 5;
pub const LOCK_MINUTES: i64 = 15;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub scope_org_id: i64,
    pub must_change_password: bool,
    pub failed_logins: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled: bool,
    pub totp_enabled: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Account {
    pub fn locked_now(&self) -> bool {
        self.locked_until.is_some_and(|t| t > Utc::now())
    }
}

/// An account row with the name of its scope org, for the accounts list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AccountListItem {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub account: Account,
    pub scope_name: String,
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope_org_id: i64,
    pub password: String,
    /// Initial passwords must be changed at first login; only the demo data set skips this.
    pub must_change_password: bool,
}

#[derive(Debug)]
pub enum LoginOutcome {
    /// Logged in; `second_factor` when a TOTP code is still needed before anything else.
    Ok {
        account: Account,
        token: String,
        csrf: String,
        second_factor: bool,
    },
    /// Refused, with the Chinese reason shown on the login page.
    Refused(String),
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub account_id: i64,
    pub csrf_token: String,
    pub second_factor_pending: bool,
    pub last_seen_at: DateTime<Utc>,
}

fn select_accounts() -> sea_query::SelectStatement {
    Query::select()
        .columns([
            (Accounts::Table, Accounts::Id),
            (Accounts::Table, Accounts::Username),
            (Accounts::Table, Accounts::DisplayName),
            (Accounts::Table, Accounts::Role),
            (Accounts::Table, Accounts::ScopeOrgId),
            (Accounts::Table, Accounts::MustChangePassword),
            (Accounts::Table, Accounts::FailedLogins),
            (Accounts::Table, Accounts::LockedUntil),
            (Accounts::Table, Accounts::Disabled),
            (Accounts::Table, Accounts::TotpEnabled),
            (Accounts::Table, Accounts::LastLoginAt),
            (Accounts::Table, Accounts::CreatedAt),
        ])
        .from(Accounts::Table)
        .to_owned()
}

async fn load(tx: &mut Tx, id: i64) -> Result<Account> {
    tx.optional(
        &select_accounts()
            .and_where(Expr::col((Accounts::Table, Accounts::Id)).eq(id))
            .to_owned(),
    )
    .await?
    .ok_or(Error::NotFound("账号"))
}

/// Hash a password with argon2id off the async threads (it is slow on purpose).
async fn hash_password(password: &str) -> Result<String> {
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::PasswordHasher;
        argon2::Argon2::default()
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| Error::Io(e.to_string()))?
    .map_err(|e| Error::Io(format!("密码处理失败：{e}")))
}

async fn verify_password(hash: String, password: &str) -> bool {
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordVerifier, phc::PasswordHash};
        PasswordHash::new(&hash).is_ok_and(|h| {
            argon2::Argon2::default()
                .verify_password(pw.as_bytes(), &h)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// A real hash of a random password, so an unknown username costs the same time as a known one.
async fn dummy_hash() -> String {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_init(|| async { hash_password(&random_token()).await.unwrap_or_default() })
        .await
        .clone()
}

/// 32 random bytes as hex: session tokens and CSRF tokens.
pub fn random_token() -> String {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).expect("the operating system's random source works");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn now() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6)
}

impl Store {
    /// Create an account. The password must meet the policy; the username must be new.
    pub async fn create_account(&self, actor: &Actor, input: NewAccount) -> Result<i64> {
        let username = check_username(&input.username).map_err(Error::field("username"))?;
        let display = input.display_name.trim().to_owned();
        if display.is_empty() || display.chars().count() > 30 {
            return Err(Error::invalid("display_name", "请填写姓名（30字以内）"));
        }
        check_password(&username, &input.password).map_err(Error::field("password"))?;
        let hash = hash_password(&input.password).await?;
        let mut tx = self.begin().await?;
        let org = load_active(&mut tx, input.scope_org_id, "scope_org_id").await?;
        let taken: Option<(i64,)> = tx
            .optional(
                &Query::select()
                    .column(Accounts::Id)
                    .from(Accounts::Table)
                    .and_where(Expr::col(Accounts::Username).eq(username.clone()))
                    .to_owned(),
            )
            .await?;
        if taken.is_some() {
            return Err(Error::invalid(
                "username",
                format!("用户名 {username} 已被使用，请换一个"),
            ));
        }
        if input.role == Role::Chair && org.kind != gonghui_domain::OrgKind::Grassroots {
            return Err(Error::invalid(
                "scope_org_id",
                "基层工会主席的账号应绑定到一个基层工会",
            ));
        }
        let t = now();
        let id = tx
            .insert_id(
                Query::insert()
                    .into_table(Accounts::Table)
                    .columns([
                        Accounts::Username,
                        Accounts::DisplayName,
                        Accounts::PasswordHash,
                        Accounts::Role,
                        Accounts::ScopeOrgId,
                        Accounts::MustChangePassword,
                        Accounts::PasswordChangedAt,
                        Accounts::CreatedAt,
                    ])
                    .values_panic([
                        username.clone().into(),
                        display.clone().into(),
                        hash.into(),
                        input.role.code().into(),
                        input.scope_org_id.into(),
                        input.must_change_password.into(),
                        t.into(),
                        t.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        let after = load(&mut tx, id).await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "account.create",
            Target::new("account", Some(id), Some(input.scope_org_id)),
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn account(&self, id: i64) -> Result<Account> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }

    /// Accounts whose scope org lies in the subtree at `path`.
    pub async fn accounts_within(&self, path: &str) -> Result<Vec<AccountListItem>> {
        let mut tx = self.read().await?;
        let q = select_accounts()
            .expr_as(Expr::col((Orgs::Table, Orgs::Name)), "scope_name")
            .inner_join(
                Orgs::Table,
                Expr::col((Orgs::Table, Orgs::Id)).equals((Accounts::Table, Accounts::ScopeOrgId)),
            )
            .and_where(in_subtree(Expr::col((Orgs::Table, Orgs::Path)), path))
            .order_by((Accounts::Table, Accounts::Username), Order::Asc)
            .to_owned();
        tx.all(&q).await
    }

    /// Check a username and password. Failures count towards the lockout and are audited in
    /// the same transaction; success opens a session.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        ip: Option<String>,
    ) -> Result<LoginOutcome> {
        let username = username.trim().to_lowercase();
        let actor = Actor {
            name: username.clone(),
            account_id: None,
            ip: ip.clone(),
        };
        let row: Option<(i64, String)> = {
            let mut tx = self.read().await?;
            tx.optional(
                &Query::select()
                    .columns([Accounts::Id, Accounts::PasswordHash])
                    .from(Accounts::Table)
                    .and_where(Expr::col(Accounts::Username).eq(username.clone()))
                    .to_owned(),
            )
            .await?
        };
        let Some((id, hash)) = row else {
            verify_password(dummy_hash().await, password).await;
            self.audit_event(
                &actor,
                "login.failure",
                Target::new("account", None, None),
                false,
                Some(&"无此用户名"),
            )
            .await?;
            return Ok(LoginOutcome::Refused("用户名或密码错误".into()));
        };
        let actor = Actor {
            account_id: Some(id),
            ..actor
        };
        let account = self.account(id).await?;
        if account.disabled {
            self.audit_event(
                &actor,
                "login.failure",
                Target::new("account", Some(id), Some(account.scope_org_id)),
                false,
                Some(&"账号已停用"),
            )
            .await?;
            return Ok(LoginOutcome::Refused(
                "该账号已停用，请联系系统管理员".into(),
            ));
        }
        if let Some(until) = account.locked_until.filter(|t| *t > Utc::now()) {
            self.audit_event(
                &actor,
                "login.failure",
                Target::new("account", Some(id), Some(account.scope_org_id)),
                false,
                Some(&"账号锁定中"),
            )
            .await?;
            let local = until.with_timezone(&chrono::Local).format("%H:%M");
            return Ok(LoginOutcome::Refused(format!(
                "连续输错密码次数过多，账号已锁定，请于 {local} 后再试，或请系统管理员解锁"
            )));
        }
        if !verify_password(hash, password).await {
            return self.count_failure(&actor, &account, "login.failure").await;
        }
        let mut tx = self.begin().await?;
        tx.execute(
            &Query::update()
                .table(Accounts::Table)
                .values([
                    (Accounts::FailedLogins, 0i64.into()),
                    (Accounts::LockedUntil, Option::<DateTime<Utc>>::None.into()),
                    (Accounts::LastLoginAt, now().into()),
                ])
                .and_where(Expr::col(Accounts::Id).eq(id))
                .to_owned(),
        )
        .await?;
        let (token, csrf) = insert_session(&mut tx, id, ip, account.totp_enabled).await?;
        audit::record::<(), ()>(
            &mut tx,
            &actor,
            "login.success",
            Target::new("account", Some(id), Some(account.scope_org_id)),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(LoginOutcome::Ok {
            second_factor: account.totp_enabled,
            account,
            token,
            csrf,
        })
    }

    /// Count a wrong password or TOTP code towards the lockout. The counter is incremented in
    /// the database, not from a value read earlier, so guesses sent in parallel all count.
    async fn count_failure(
        &self,
        actor: &Actor,
        account: &Account,
        action: &str,
    ) -> Result<LoginOutcome> {
        let mut tx = self.begin().await?;
        let failures = tx
            .scalar(
                &Query::update()
                    .table(Accounts::Table)
                    .value(
                        Accounts::FailedLogins,
                        Expr::col(Accounts::FailedLogins).add(1),
                    )
                    .and_where(Expr::col(Accounts::Id).eq(account.id))
                    .returning_col(Accounts::FailedLogins)
                    .to_owned(),
            )
            .await?;
        let lock = failures >= LOCK_AFTER_FAILURES;
        if lock {
            tx.execute(
                &Query::update()
                    .table(Accounts::Table)
                    .values([
                        (Accounts::FailedLogins, 0i64.into()),
                        (
                            Accounts::LockedUntil,
                            (now() + Duration::minutes(LOCK_MINUTES)).into(),
                        ),
                    ])
                    .and_where(Expr::col(Accounts::Id).eq(account.id))
                    .to_owned(),
            )
            .await?;
            // A locked account keeps no half-open session waiting for its second factor.
            tx.execute(
                &Query::delete()
                    .from_table(Sessions::Table)
                    .and_where(Expr::col(Sessions::AccountId).eq(account.id))
                    .to_owned(),
            )
            .await?;
        }
        let detail = serde_json::json!({ "failures": failures });
        let action = if lock { "login.locked" } else { action };
        audit::record_failure(
            &mut tx,
            actor,
            action,
            Target::new("account", Some(account.id), Some(account.scope_org_id)),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(LoginOutcome::Refused(if lock {
            format!("连续输错{LOCK_AFTER_FAILURES}次，账号已锁定{LOCK_MINUTES}分钟")
        } else {
            format!(
                "用户名、密码或验证码错误（再错{}次账号将锁定{LOCK_MINUTES}分钟）",
                LOCK_AFTER_FAILURES - failures
            )
        }))
    }

    /// Second login step: check the TOTP code of a session waiting for it.
    pub async fn complete_second_factor(
        &self,
        session: &SessionRow,
        code: &str,
        ip: Option<String>,
    ) -> Result<bool> {
        let account = self.account(session.account_id).await?;
        let secret = self.totp_secret(account.id).await?;
        let actor = Actor {
            name: account.username.clone(),
            account_id: Some(account.id),
            ip,
        };
        let target = Target::new("account", Some(account.id), Some(account.scope_org_id));
        let ok = secret.is_some_and(|s| verify_totp(&s, code, Utc::now().timestamp() as u64));
        if !ok {
            // Wrong codes count towards the same lockout as wrong passwords.
            self.count_failure(&actor, &account, "login.totp_failure")
                .await?;
            return Ok(false);
        }
        let mut tx = self.begin().await?;
        tx.execute(
            &Query::update()
                .table(Sessions::Table)
                .value(Sessions::SecondFactorPending, false)
                .and_where(Expr::col(Sessions::Id).eq(session.id))
                .to_owned(),
        )
        .await?;
        audit::record::<(), ()>(&mut tx, &actor, "login.totp", target, None, None).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The secret of an enrolment in progress (shown again after a mistyped code).
    pub async fn pending_totp_secret(&self, id: i64) -> Result<Option<Vec<u8>>> {
        let acc = self.account(id).await?;
        if acc.totp_enabled {
            Ok(None)
        } else {
            self.totp_secret(id).await
        }
    }

    async fn totp_secret(&self, id: i64) -> Result<Option<Vec<u8>>> {
        let mut tx = self.read().await?;
        let row: (Option<String>,) = tx
            .one(
                &Query::select()
                    .column(Accounts::TotpSecret)
                    .from(Accounts::Table)
                    .and_where(Expr::col(Accounts::Id).eq(id))
                    .to_owned(),
            )
            .await?;
        Ok(row.0.and_then(|hex| {
            (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                .collect()
        }))
    }

    /// Start TOTP enrolment: store a new secret (not yet required) and return it. Replacing
    /// an active second factor (a new phone) needs a current code, so a borrowed session
    /// cannot switch it off.
    pub async fn begin_totp(
        &self,
        actor: &Actor,
        account_id: i64,
        current_code: Option<&str>,
    ) -> Result<Vec<u8>> {
        let acc = self.account(account_id).await?;
        if acc.totp_enabled {
            let secret = self.totp_secret(account_id).await?;
            let ok = match (secret, current_code) {
                (Some(s), Some(c)) => verify_totp(&s, c, Utc::now().timestamp() as u64),
                _ => false,
            };
            if !ok {
                return Err(Error::invalid(
                    "code",
                    "更换手机前请输入原手机验证器当前显示的6位数字",
                ));
            }
        }
        let mut secret = vec![0u8; 20];
        getrandom::fill(&mut secret).expect("the operating system's random source works");
        let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        self.update_account(
            actor,
            account_id,
            vec![
                (Accounts::TotpSecret, hex.into()),
                (Accounts::TotpEnabled, false.into()),
            ],
            "account.totp_begin",
        )
        .await?;
        Ok(secret)
    }

    /// Finish enrolment: the first correct code turns the second factor on.
    pub async fn enable_totp(&self, actor: &Actor, account_id: i64, code: &str) -> Result<()> {
        let secret = self
            .totp_secret(account_id)
            .await?
            .ok_or_else(|| Error::rule("请先生成密钥"))?;
        if !verify_totp(&secret, code, Utc::now().timestamp() as u64) {
            return Err(Error::invalid(
                "code",
                "验证码不正确，请核对手机上显示的6位数字（注意手机时间要准确）",
            ));
        }
        self.update_account(
            actor,
            account_id,
            vec![(Accounts::TotpEnabled, true.into())],
            "account.totp_enable",
        )
        .await
    }

    /// Set some columns of one account and record the action, in one transaction.
    async fn update_account(
        &self,
        actor: &Actor,
        account_id: i64,
        values: Vec<(Accounts, Expr)>,
        action: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let acc = load(&mut tx, account_id).await?;
        tx.execute(
            &Query::update()
                .table(Accounts::Table)
                .values(values)
                .and_where(Expr::col(Accounts::Id).eq(account_id))
                .to_owned(),
        )
        .await?;
        let target = Target::new("account", Some(account_id), Some(acc.scope_org_id));
        audit::record::<(), ()>(&mut tx, actor, action, target, None, None).await?;
        tx.commit().await
    }

    /// Change one's own password: the old one must be right, the new one must meet the policy
    /// and differ from the old. Every other session of the account ends, so whoever else was
    /// signed in with the old password is signed out.
    pub async fn change_password(
        &self,
        actor: &Actor,
        account_id: i64,
        old: &str,
        new: &str,
        keep_session: Option<i64>,
    ) -> Result<()> {
        let acc = self.account(account_id).await?;
        let hash: (String,) = {
            let mut tx = self.read().await?;
            tx.one(
                &Query::select()
                    .column(Accounts::PasswordHash)
                    .from(Accounts::Table)
                    .and_where(Expr::col(Accounts::Id).eq(account_id))
                    .to_owned(),
            )
            .await?
        };
        if !verify_password(hash.0.clone(), old).await {
            return Err(Error::invalid("old_password", "原密码不正确"));
        }
        check_password(&acc.username, new).map_err(Error::field("new_password"))?;
        if verify_password(hash.0, new).await {
            return Err(Error::invalid("new_password", "新密码不能与原密码相同"));
        }
        self.set_password(actor, &acc, new, false, "account.password_change")
            .await?;
        let mut tx = self.begin().await?;
        let mut q = Query::delete();
        q.from_table(Sessions::Table)
            .and_where(Expr::col(Sessions::AccountId).eq(account_id));
        if let Some(keep) = keep_session {
            q.and_where(Expr::col(Sessions::Id).ne(keep));
        }
        tx.execute(&q).await?;
        tx.commit().await
    }

    /// An administrator sets a temporary password; the holder must change it at next login,
    /// and every open session of the account ends.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        account_id: i64,
        temporary: &str,
    ) -> Result<()> {
        let acc = self.account(account_id).await?;
        check_password(&acc.username, temporary).map_err(Error::field("password"))?;
        self.set_password(actor, &acc, temporary, true, "account.password_reset")
            .await
    }

    async fn set_password(
        &self,
        actor: &Actor,
        acc: &Account,
        password: &str,
        must_change: bool,
        action: &str,
    ) -> Result<()> {
        let hash = hash_password(password).await?;
        let mut tx = self.begin().await?;
        tx.execute(
            &Query::update()
                .table(Accounts::Table)
                .values([
                    (Accounts::PasswordHash, hash.into()),
                    (Accounts::MustChangePassword, must_change.into()),
                    (Accounts::PasswordChangedAt, now().into()),
                ])
                .and_where(Expr::col(Accounts::Id).eq(acc.id))
                .to_owned(),
        )
        .await?;
        if must_change {
            tx.execute(
                &Query::delete()
                    .from_table(Sessions::Table)
                    .and_where(Expr::col(Sessions::AccountId).eq(acc.id))
                    .to_owned(),
            )
            .await?;
        }
        audit::record::<(), ()>(
            &mut tx,
            actor,
            action,
            Target::new("account", Some(acc.id), Some(acc.scope_org_id)),
            None,
            None,
        )
        .await?;
        tx.commit().await
    }

    /// 停用/启用 an account, or lift a lockout. Disabling ends its sessions.
    pub async fn set_account_disabled(
        &self,
        actor: &Actor,
        account_id: i64,
        disabled: bool,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let before = load(&mut tx, account_id).await?;
        tx.execute(
            &Query::update()
                .table(Accounts::Table)
                .values([
                    (Accounts::Disabled, disabled.into()),
                    (Accounts::FailedLogins, 0i64.into()),
                    (Accounts::LockedUntil, Option::<DateTime<Utc>>::None.into()),
                ])
                .and_where(Expr::col(Accounts::Id).eq(account_id))
                .to_owned(),
        )
        .await?;
        if disabled {
            tx.execute(
                &Query::delete()
                    .from_table(Sessions::Table)
                    .and_where(Expr::col(Sessions::AccountId).eq(account_id))
                    .to_owned(),
            )
            .await?;
        }
        let after = load(&mut tx, account_id).await?;
        let action = if disabled {
            "account.disable"
        } else {
            "account.enable"
        };
        audit::record(
            &mut tx,
            actor,
            action,
            Target::new("account", Some(account_id), Some(before.scope_org_id)),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await
    }

    /// Change an account's role and scope. Its sessions end so the new rights apply at once.
    pub async fn set_account_role(
        &self,
        actor: &Actor,
        account_id: i64,
        role: Role,
        scope_org_id: i64,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let before = load(&mut tx, account_id).await?;
        let org = load_active(&mut tx, scope_org_id, "scope_org_id").await?;
        if role == Role::Chair && org.kind != gonghui_domain::OrgKind::Grassroots {
            return Err(Error::invalid(
                "scope_org_id",
                "基层工会主席的账号应绑定到一个基层工会",
            ));
        }
        tx.execute(
            &Query::update()
                .table(Accounts::Table)
                .values([
                    (Accounts::Role, role.code().into()),
                    (Accounts::ScopeOrgId, scope_org_id.into()),
                ])
                .and_where(Expr::col(Accounts::Id).eq(account_id))
                .to_owned(),
        )
        .await?;
        tx.execute(
            &Query::delete()
                .from_table(Sessions::Table)
                .and_where(Expr::col(Sessions::AccountId).eq(account_id))
                .to_owned(),
        )
        .await?;
        let after = load(&mut tx, account_id).await?;
        audit::record(
            &mut tx,
            actor,
            "account.role",
            Target::new("account", Some(account_id), Some(scope_org_id)),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await
    }

    /// Assign an org to a third-party assessor.
    pub async fn assign_to_assessor(
        &self,
        actor: &Actor,
        account_id: i64,
        org_id: i64,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let acc = load(&mut tx, account_id).await?;
        if acc.role != Role::Assessor {
            return Err(Error::rule("只有第三方考核人员需要指定考核对象"));
        }
        load_active(&mut tx, org_id, "org_id").await?;
        let exists: Option<(i64,)> = tx
            .optional(
                &Query::select()
                    .column(AssessorAssignments::Id)
                    .from(AssessorAssignments::Table)
                    .and_where(Expr::col(AssessorAssignments::AccountId).eq(account_id))
                    .and_where(Expr::col(AssessorAssignments::OrgId).eq(org_id))
                    .to_owned(),
            )
            .await?;
        if exists.is_some() {
            return Err(Error::invalid("org_id", "该组织已指定给此考核人员"));
        }
        tx.execute(
            &Query::insert()
                .into_table(AssessorAssignments::Table)
                .columns([
                    AssessorAssignments::AccountId,
                    AssessorAssignments::OrgId,
                    AssessorAssignments::AssignedAt,
                ])
                .values_panic([account_id.into(), org_id.into(), now().into()])
                .to_owned(),
        )
        .await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "account.assign",
            Target::new("account", Some(account_id), Some(org_id)),
            None,
            Some(&org_id),
        )
        .await?;
        tx.commit().await
    }

    /// Orgs assigned to an assessor.
    pub async fn assessor_orgs(&self, account_id: i64) -> Result<Vec<crate::Org>> {
        let mut tx = self.read().await?;
        let q = crate::orgs::select_orgs()
            .inner_join(
                AssessorAssignments::Table,
                Expr::col((AssessorAssignments::Table, AssessorAssignments::OrgId))
                    .equals((Orgs::Table, Orgs::Id)),
            )
            .and_where(
                Expr::col((AssessorAssignments::Table, AssessorAssignments::AccountId))
                    .eq(account_id),
            )
            .order_by((Orgs::Table, Orgs::Name), Order::Asc)
            .to_owned();
        tx.all(&q).await
    }

    // ---- sessions ----

    /// The live session of a token, if any. Idle sessions are ended here.
    pub async fn session(&self, token: &str, idle: Duration) -> Result<Option<SessionRow>> {
        let mut tx = self.read().await?;
        let row: Option<SessionRow> = tx
            .optional(
                &Query::select()
                    .columns([
                        Sessions::Id,
                        Sessions::AccountId,
                        Sessions::CsrfToken,
                        Sessions::SecondFactorPending,
                        Sessions::LastSeenAt,
                    ])
                    .from(Sessions::Table)
                    .and_where(Expr::col(Sessions::TokenHash).eq(token_hash(token)))
                    .to_owned(),
            )
            .await?;
        drop(tx);
        match row {
            Some(s) if Utc::now() - s.last_seen_at > idle => {
                let mut tx = self.begin().await?;
                tx.execute(
                    &Query::delete()
                        .from_table(Sessions::Table)
                        .and_where(Expr::col(Sessions::Id).eq(s.id))
                        .to_owned(),
                )
                .await?;
                tx.commit().await?;
                Ok(None)
            }
            other => Ok(other),
        }
    }

    /// Note activity on a session (at most once a minute, to keep writes rare).
    pub async fn touch_session(&self, session: &SessionRow) -> Result<()> {
        if Utc::now() - session.last_seen_at < Duration::seconds(60) {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        tx.execute(
            &Query::update()
                .table(Sessions::Table)
                .value(Sessions::LastSeenAt, now())
                .and_where(Expr::col(Sessions::Id).eq(session.id))
                .to_owned(),
        )
        .await?;
        tx.commit().await
    }

    /// Log out: end the session and audit it.
    pub async fn logout(&self, session: &SessionRow, ip: Option<String>) -> Result<()> {
        let acc = self.account(session.account_id).await?;
        let actor = Actor {
            name: acc.username.clone(),
            account_id: Some(acc.id),
            ip,
        };
        let mut tx = self.begin().await?;
        tx.execute(
            &Query::delete()
                .from_table(Sessions::Table)
                .and_where(Expr::col(Sessions::Id).eq(session.id))
                .to_owned(),
        )
        .await?;
        audit::record::<(), ()>(
            &mut tx,
            &actor,
            "logout",
            Target::new("account", Some(acc.id), Some(acc.scope_org_id)),
            None,
            None,
        )
        .await?;
        tx.commit().await
    }

    /// Make an idle session look old (tests of the idle timeout use this instead of waiting).
    pub async fn age_session_for_test(&self, session_id: i64, by: Duration) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.execute(
            &Query::update()
                .table(Sessions::Table)
                .value(Sessions::LastSeenAt, now() - by)
                .and_where(Expr::col(Sessions::Id).eq(session_id))
                .to_owned(),
        )
        .await?;
        tx.commit().await
    }
}

async fn insert_session(
    tx: &mut Tx,
    account_id: i64,
    ip: Option<String>,
    pending: bool,
) -> Result<(String, String)> {
    let token = random_token();
    let csrf = random_token();
    let t = now();
    tx.execute(
        &Query::insert()
            .into_table(Sessions::Table)
            .columns([
                Sessions::TokenHash,
                Sessions::AccountId,
                Sessions::CsrfToken,
                Sessions::SecondFactorPending,
                Sessions::CreatedAt,
                Sessions::LastSeenAt,
                Sessions::Ip,
            ])
            .values_panic([
                token_hash(&token).into(),
                account_id.into(),
                csrf.clone().into(),
                pending.into(),
                t.into(),
                t.into(),
                ip.into(),
            ])
            .to_owned(),
    )
    .await?;
    Ok((token, csrf))
}
