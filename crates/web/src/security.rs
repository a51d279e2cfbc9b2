//! Request plumbing for the security baseline: the session cookie (resolved into an [`Auth`]
//! for the handlers), CSRF checks on every unsafe request, login rate limiting per address,
//! and the security headers on every response.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use gonghui_store::{SessionRow, Target};

use crate::AppState;
use crate::auth::{Auth, Gate};

pub const SESSION_COOKIE: &str = "gh_session";
/// Largest form body read for the CSRF check (forms are small; uploads come as multipart).
const FORM_LIMIT: usize = 4 * 1024 * 1024;

/// Security settings of a deployment.
#[derive(Clone, Debug)]
pub struct SecurityConfig {
    /// Sessions idle longer than this end (等保三级: 30 minutes).
    pub idle_timeout: chrono::Duration,
    /// The three administrator roles must use a TOTP second factor.
    pub require_admin_totp: bool,
    /// Mark the session cookie Secure (behind HTTPS).
    pub secure_cookie: bool,
    /// Failed login attempts allowed per address per minute.
    pub login_attempts_per_minute: u32,
    /// Take the client address from the last `X-Forwarded-For` entry (set only behind a
    /// reverse proxy that appends it, such as nginx with `proxy_add_x_forwarded_for`).
    pub trust_forwarded_for: bool,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        SecurityConfig {
            idle_timeout: chrono::Duration::minutes(30),
            require_admin_totp: false,
            secure_cookie: false,
            login_attempts_per_minute: 10,
            trust_forwarded_for: false,
        }
    }
}

/// Counts failed login attempts per address in a sliding minute. Only failures count: a
/// county office behind one NAT address has dozens of clerks signing in at nine o'clock.
#[derive(Default)]
pub struct LoginLimiter {
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl LoginLimiter {
    /// True when the address has used up its allowance of failures for this minute.
    pub fn blocked(&self, ip: Option<IpAddr>, per_minute: u32) -> bool {
        let Some(ip) = ip else { return false };
        let mut seen = self.seen.lock().expect("limiter lock");
        let now = Instant::now();
        seen.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        seen.get(&ip).is_some_and(|(_, n)| *n >= per_minute)
    }

    /// Record a failed attempt from the address.
    pub fn failed(&self, ip: Option<IpAddr>) {
        let Some(ip) = ip else { return };
        let mut seen = self.seen.lock().expect("limiter lock");
        seen.entry(ip).or_insert((Instant::now(), 0)).1 += 1;
    }
}

/// The client's address: the socket peer, or behind a trusted proxy the address it recorded.
pub fn client_ip(req: &Request, config: &SecurityConfig) -> Option<IpAddr> {
    if config.trust_forwarded_for {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        if let Some(ip) = forwarded
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
        {
            return Some(ip);
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

pub fn session_cookie(token: &str, config: &SecurityConfig) -> HeaderValue {
    let secure = if config.secure_cookie { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}"
    ))
    .expect("a hex token is a valid header")
}

pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("gh_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

async fn build_auth(
    st: &AppState,
    session: SessionRow,
    ip: Option<IpAddr>,
) -> gonghui_store::Result<Option<(Auth, Gate)>> {
    let account = st.store.account(session.account_id).await?;
    if account.disabled {
        return Ok(None);
    }
    let scope = st.store.org(account.scope_org_id).await?;
    let assigned = if account.role == gonghui_domain::Role::Assessor {
        st.store.assessor_orgs(account.id).await?
    } else {
        vec![]
    };
    let gate = if session.second_factor_pending {
        Gate::SecondFactor
    } else if account.must_change_password {
        Gate::ChangePassword
    } else if account.role.is_admin() && st.security.require_admin_totp && !account.totp_enabled {
        Gate::EnrolSecondFactor
    } else {
        Gate::Open
    };
    st.store.touch_session(&session).await?;
    let auth = Auth {
        scope_lineage: scope.lineage(),
        account,
        session,
        scope,
        assigned,
        ip: ip.map(|i| i.to_string()),
        store: st.store.clone(),
        api: false,
    };
    Ok(Some((auth, gate)))
}

/// Resolve the session, check CSRF on unsafe methods, then run the handler.
pub async fn session_layer(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let ip = client_ip(&req, &st.security);
    if let Some(token) = cookie(req.headers(), SESSION_COOKIE).map(str::to_owned) {
        match st.store.session(&token, st.security.idle_timeout).await {
            Ok(Some(session)) => match build_auth(&st, session, ip).await {
                Ok(Some(found)) => {
                    req.extensions_mut().insert(found);
                }
                Ok(None) => {}
                Err(e) => tracing::error!(error = ?e, "loading the session failed"),
            },
            Ok(None) => {}
            Err(e) => tracing::error!(error = ?e, "reading the session failed"),
        }
    }
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        if !same_origin(&req) {
            return reject_csrf(&st, csrf_context(&req, &st.security), "来源不符").await;
        }
        // The login form is posted before there is a session to carry a token.
        let expected = if req.uri().path() == "/login" {
            None
        } else {
            req.extensions()
                .get::<(Auth, Gate)>()
                .map(|(a, _)| a.session.csrf_token.clone())
        };
        if let Some(expected) = expected {
            let from_header = req
                .headers()
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let ok = match from_header {
                Some(t) => t == expected,
                None if is_form(&req) => {
                    let (parts, body) = req.into_parts();
                    let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
                        return (StatusCode::PAYLOAD_TOO_LARGE, "提交的内容过大").into_response();
                    };
                    let token = form_field(&bytes, "_csrf");
                    req = Request::from_parts(parts, Body::from(bytes));
                    token.as_deref() == Some(expected.as_str())
                }
                None if is_multipart(&req) => {
                    // An upload: the form puts `_csrf` first, so the token is in the first
                    // bytes. Only those are read here; the file streams on to the handler.
                    let (parts, body) = req.into_parts();
                    let mut stream = body.into_data_stream();
                    let mut head: Vec<u8> = Vec::new();
                    while head.len() < MULTIPART_HEAD {
                        match stream.next().await {
                            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
                            Some(Err(_)) => {
                                return (StatusCode::BAD_REQUEST, "上传中断，请重新上传")
                                    .into_response();
                            }
                            None => break,
                        }
                    }
                    let token = multipart_field(&head, "_csrf");
                    let first = futures_util::stream::once(async move {
                        Ok::<_, axum::Error>(axum::body::Bytes::from(head))
                    });
                    req = Request::from_parts(parts, Body::from_stream(first.chain(stream)));
                    token.as_deref() == Some(expected.as_str())
                }
                None => false,
            };
            if !ok {
                return reject_csrf(&st, csrf_context(&req, &st.security), "令牌不符").await;
            }
        }
    }
    next.run(req).await
}

fn is_form(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// How much of a multipart body is read to find the CSRF token.
const MULTIPART_HEAD: usize = 16 * 1024;

fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// The value of the text part `name` of a multipart body (its first bytes suffice).
fn multipart_field(head: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(head);
    let marker = format!("name=\"{name}\"");
    let at = text.find(&marker)?;
    let rest = &text[at + marker.len()..];
    let start = rest.find("\r\n\r\n")? + 4;
    let value = &rest[start..];
    let end = value.find("\r\n")?;
    Some(value[..end].to_owned())
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A browser always sends Origin on cross-site posts; when present it must name this host.
fn same_origin(req: &Request) -> bool {
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return true;
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin.split_once("://").map(|(_, rest)| rest) == Some(host)
}

/// What a CSRF rejection records: who, and which path.
fn csrf_context(req: &Request, config: &SecurityConfig) -> (gonghui_store::Actor, String) {
    let actor = match req.extensions().get::<(Auth, Gate)>() {
        Some((a, _)) => a.actor(),
        None => gonghui_store::Actor {
            name: "anonymous".into(),
            account_id: None,
            ip: client_ip(req, config).map(|i| i.to_string()),
        },
    };
    (actor, req.uri().path().to_owned())
}

async fn reject_csrf(
    st: &AppState,
    (actor, path): (gonghui_store::Actor, String),
    why: &str,
) -> Response {
    let detail = serde_json::json!({ "path": path, "reason": why });
    if let Err(e) = st
        .store
        .audit_event(
            &actor,
            "denied.csrf",
            Target::new("request", None, None),
            false,
            Some(&detail),
        )
        .await
    {
        tracing::error!(error = ?e, "could not audit a CSRF rejection");
    }
    let api = path.starts_with("/api/");
    let error = crate::AppError {
        error: gonghui_store::Error::StaleForm,
        json: api,
    };
    error.into_response()
}

/// Headers every response carries: no framing, no sniffing, scripts and styles from this
/// server only.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let docs = req.uri().path().starts_with("/api/docs");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    // Swagger UI's page carries an inline bootstrap script; everything else has none.
    let csp = if docs {
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
    } else {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
    };
    // A handler that set its own policy knows its content better (a served PDF gets
    // `sandbox`); every other response gets the site's.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
    }
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        // Pages hold personal data: never keep them in shared caches.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}
