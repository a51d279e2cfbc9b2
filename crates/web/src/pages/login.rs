//! 登录、两步验证、退出、修改密码: the pages every account passes through.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gonghui_store::LoginOutcome;

use super::orgs::unprocessable;
use crate::auth::Auth;
use crate::forms::FormState;
use crate::nav::Nav;
use crate::security::{clear_cookie, client_ip, session_cookie};
use crate::{AppResult, AppState};

type Fields = HashMap<String, String>;

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    nav: Nav,
    message: Option<String>,
    username: String,
    next: String,
}

/// Only same-site paths are followed after login (no open redirect).
fn safe_next(next: Option<&String>) -> String {
    match next {
        // Printable ASCII only: browsers drop tabs and newlines, so "/\t/host" would become
        // "//host", another site.
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'\\') =>
        {
            n.clone()
        }
        _ => "/".into(),
    }
}

pub async fn form(Query(q): Query<Fields>) -> LoginPage {
    let message = q
        .contains_key("timeout")
        .then(|| "长时间未操作，已自动退出，请重新登录".to_owned());
    LoginPage {
        nav: Nav::anonymous(),
        message,
        username: String::new(),
        next: safe_next(q.get("next")),
    }
}

pub async fn login(State(st): State<AppState>, req: Request) -> AppResult<Response> {
    let ip = client_ip(&req, &st.security);
    let body = axum::body::to_bytes(req.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let fields: Fields = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let username = fields.get("username").cloned().unwrap_or_default();
    let next = safe_next(fields.get("next"));
    let page = |message: String, status: StatusCode| {
        (
            status,
            LoginPage {
                nav: Nav::anonymous(),
                message: Some(message),
                username: username.clone(),
                next: next.clone(),
            },
        )
            .into_response()
    };
    if st
        .limiter
        .blocked(ip, st.security.login_attempts_per_minute)
    {
        let actor = gonghui_store::Actor {
            name: username.clone(),
            account_id: None,
            ip: ip.map(|i| i.to_string()),
        };
        st.store
            .audit_event(
                &actor,
                "login.rate_limited",
                gonghui_store::Target::new("account", None, None),
                false,
                None::<&()>,
            )
            .await?;
        return Ok(page(
            "登录尝试过于频繁，请一分钟后再试".into(),
            StatusCode::TOO_MANY_REQUESTS,
        ));
    }
    let password = fields.get("password").cloned().unwrap_or_default();
    if username.trim().is_empty() || password.is_empty() {
        return Ok(page(
            "请输入用户名和密码".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    match st
        .store
        .login(&username, &password, ip.map(|i| i.to_string()))
        .await?
    {
        LoginOutcome::Refused(message) => {
            st.limiter.failed(ip);
            Ok(page(message, StatusCode::UNAUTHORIZED))
        }
        LoginOutcome::Ok {
            token,
            second_factor,
            ..
        } => {
            let to = if second_factor {
                "/login/totp".to_owned()
            } else {
                next
            };
            let mut resp = Redirect::to(&to).into_response();
            resp.headers_mut()
                .insert(header::SET_COOKIE, session_cookie(&token, &st.security));
            Ok(resp)
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "login_totp.html")]
pub struct TotpPage {
    nav: Nav,
    message: Option<String>,
}

pub async fn totp_form(auth: Auth) -> TotpPage {
    TotpPage {
        nav: Nav::of(&auth),
        message: None,
    }
}

pub async fn totp(
    State(st): State<AppState>,
    auth: Auth,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let code = f.get("code").cloned().unwrap_or_default();
    if st
        .store
        .complete_second_factor(&auth.session, &code, auth.ip.clone())
        .await?
    {
        return Ok(Redirect::to("/").into_response());
    }
    Ok(unprocessable(TotpPage {
        nav: Nav::of(&auth),
        message: Some("验证码不正确，请输入手机验证器当前显示的6位数字".into()),
    }))
}

pub async fn logout(State(st): State<AppState>, auth: Auth) -> AppResult<Response> {
    st.store.logout(&auth.session, auth.ip.clone()).await?;
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, clear_cookie());
    Ok(resp)
}

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
pub struct PasswordPage {
    nav: Nav,
    forced: bool,
    notice: Option<String>,
    form: FormState,
}

pub async fn password_form(auth: Auth, Query(q): Query<Fields>) -> PasswordPage {
    let notice = q.contains_key("done").then(|| "密码已修改。".to_owned());
    PasswordPage {
        forced: auth.account.must_change_password,
        nav: Nav::of(&auth),
        notice,
        form: FormState::default(),
    }
}

pub async fn change_password(
    State(st): State<AppState>,
    auth: Auth,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let mut form = FormState::from_values(f);
    let old = form.v("old_password").to_owned();
    let new = form.v("new_password").to_owned();
    if new != form.v("confirm") {
        form.error("confirm", "两次输入的新密码不一致");
    } else {
        match st
            .store
            .change_password(
                &auth.actor(),
                auth.account.id,
                &old,
                &new,
                Some(auth.session.id),
            )
            .await
        {
            Ok(()) => return Ok(Redirect::to("/account/password?done=1").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    // Passwords are never echoed back into the form.
    form.values.clear();
    Ok(unprocessable(PasswordPage {
        forced: auth.account.must_change_password,
        nav: Nav::of(&auth),
        notice: None,
        form,
    }))
}

#[derive(Template, WebTemplate)]
#[template(path = "totp_enrol.html")]
pub struct TotpEnrolPage {
    nav: Nav,
    required: bool,
    enabled: bool,
    secret: Option<String>,
    uri: String,
    message: Option<String>,
}

fn enrol_page(
    st: &AppState,
    auth: &Auth,
    secret: Option<Vec<u8>>,
    message: Option<String>,
) -> TotpEnrolPage {
    let secret = secret.map(|s| gonghui_domain::base32(&s));
    let uri = secret
        .as_ref()
        .map(|s| {
            format!(
                "otpauth://totp/gonghui:{}?secret={s}&issuer=gonghui",
                auth.account.username
            )
        })
        .unwrap_or_default();
    TotpEnrolPage {
        nav: Nav::of(auth),
        required: auth.role().is_admin()
            && st.security.require_admin_totp
            && !auth.account.totp_enabled,
        enabled: auth.account.totp_enabled,
        secret,
        uri,
        message,
    }
}

pub async fn totp_enrol_form(State(st): State<AppState>, auth: Auth) -> TotpEnrolPage {
    enrol_page(&st, &auth, None, None)
}

/// Generate a new secret and show it once.
pub async fn totp_begin(
    State(st): State<AppState>,
    auth: Auth,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let code = f.get("code").cloned();
    let secret = match st
        .store
        .begin_totp(&auth.actor(), auth.account.id, code.as_deref())
        .await
    {
        Ok(s) => s,
        Err(gonghui_store::Error::Invalid { message, .. }) => {
            return Ok(unprocessable(enrol_page(&st, &auth, None, Some(message))));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(enrol_page(&st, &auth, Some(secret), None).into_response())
}

pub async fn totp_enable(
    State(st): State<AppState>,
    auth: Auth,
    Form(f): Form<Fields>,
) -> AppResult<Response> {
    let code = f.get("code").cloned().unwrap_or_default();
    match st
        .store
        .enable_totp(&auth.actor(), auth.account.id, &code)
        .await
    {
        Ok(()) => Ok(Redirect::to("/account/totp").into_response()),
        Err(gonghui_store::Error::Invalid { message, .. }) => {
            // Show the same secret again so the person can retry without re-scanning.
            let secret = st.store.pending_totp_secret(auth.account.id).await?;
            Ok(unprocessable(enrol_page(&st, &auth, secret, Some(message))))
        }
        Err(e) => Err(e.into()),
    }
}
