use gonghui_domain::Invalid;

/// The store's one error type. `Invalid` and `Conflict` carry a Chinese message meant for the
/// person at the form; `Db` keeps the engine's error for the log and shows a plain message.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule; `field` names the form field when there is one.
    #[error("{message}")]
    Invalid {
        field: Option<&'static str>,
        message: String,
    },
    #[error("未找到该{0}")]
    NotFound(&'static str),
    /// The change collides with the current state (e.g. the person is already a member elsewhere).
    #[error("{0}")]
    Conflict(String),
    /// Outside the account's scope or beyond its role; the attempt is audited.
    #[error("没有权限：该记录不在您的管理范围内，或您的角色不能办理此项业务")]
    Forbidden,
    /// The person already holds an active membership in another union. The web layer names
    /// that union only when the viewer may see it.
    #[error(
        "身份证号码 {masked_id} 已是其他工会的在籍会员，一人只能有一个会籍；如工作单位已变动，请办理会籍转接"
    )]
    HeldElsewhere {
        holder_org_id: Option<i64>,
        masked_id: String,
    },
    /// A form posted without this session's CSRF token, or from another site.
    #[error("页面已过期或来源不明，请刷新页面后重新提交")]
    StaleForm,
    #[error("数据库出错，请稍后重试或联系系统管理员")]
    Db(#[from] sqlx::Error),
    #[error("数据库结构升级失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("文件读写出错：{0}")]
    Io(String),
}

impl Error {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Error {
        Error::Invalid {
            field: Some(field),
            message: message.into(),
        }
    }

    pub fn rule(message: impl Into<String>) -> Error {
        Error::Invalid {
            field: None,
            message: message.into(),
        }
    }

    /// Attach a domain validation failure to a form field.
    pub fn field(field: &'static str) -> impl FnOnce(Invalid) -> Error {
        move |e| Error::Invalid {
            field: Some(field),
            message: e.0,
        }
    }

    /// True when the database refused a row because a unique index already holds the value.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Error::Db(sqlx::Error::Database(d)) if d.is_unique_violation())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
