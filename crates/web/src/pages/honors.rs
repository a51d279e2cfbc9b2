//! 荣誉 and 评选条件: the honors registry of an org's subtree (filters, Excel), recording an
//! honor (checked against the eligibility rules: a refusal lists every failing rule beside the
//! form and writes nothing), revoking one, and the eligibility rules themselves.
//!
//! Who may do what is decided in `Auth` (the standards block at the end of auth.rs): honors are
//! read like their org and recorded or revoked by staff who write it; rules are read by every
//! records role and changed by the staff of the deployment root only.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use gonghui_domain::{Condition, HonorLevel, HonorSource, RecipientKind, RuleTarget};
use gonghui_store::{
    ELIGIBILITY_FIELD, EligibilityRule, Error, Honor, HonorFilter, HonorInput, Org, OrgRef,
    RuleInput, Target,
};
use rust_xlsxwriter::{Format, Workbook};

use crate::auth::Auth;
use crate::forms::FormState;
use crate::inputs::org_ref;
use crate::nav::Nav;
use crate::pages::done;
use crate::pages::orgs::unprocessable;
use crate::{AppError, AppResult, AppState};

type Fields = HashMap<String, String>;

/// Titles offered as suggestions (seed 000's and the usual ones); any title may be typed.
pub const TITLE_SUGGESTIONS: &[&str] = &[
    "示范工会",
    "模范职工之家",
    "模范职工小家",
    "工人先锋号",
    "五一劳动奖章",
    "优秀工会主席",
    "优秀工会干部",
];

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn notice(q: &Fields) -> Option<String> {
    let text = match q.get("done").map(String::as_str) {
        Some("honor") => "荣誉已登记。",
        Some("revoked") => "荣誉已撤销，记录保留并注明原因。",
        Some("rule") => "评选条件已添加，即时生效。",
        Some("rule_on") => "评选条件已启用。",
        Some("rule_off") => "评选条件已停用，今后评选和拨款不再按它审查。",
        _ => return super::notice(q),
    };
    Some(text.to_owned())
}

async fn crumbs(st: &AppState, auth: &Auth, org: &Org) -> AppResult<Vec<OrgRef>> {
    let lineage = st.store.lineage(org).await?;
    Ok(auth.crumbs(org, lineage))
}

fn level_text(l: HonorLevel) -> &'static str {
    l.label()
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

pub struct HonorRow {
    pub h: Honor,
    /// The recipient as the account may see it.
    pub recipient: String,
    pub org_link: i64,
    pub granted_by: String,
    pub can_revoke: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "honors.html")]
pub struct RegistryPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    notice: Option<String>,
    error: Option<String>,
    filter: FormState,
    rows: Vec<HonorRow>,
    revoked: usize,
    can_record: bool,
    export_query: String,
    levels: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
    titles: &'static [&'static str],
}

/// The registry's filters from the query string; unknown values are ignored.
fn filter_of(q: &Fields) -> (HonorFilter, FormState) {
    let mut f = FormState::default();
    for k in ["year", "level", "title", "source"] {
        if let Some(v) = q.get(k) {
            f.set(k, v.clone());
        }
    }
    let year = f
        .text("year")
        .and_then(|y| y.trim_end_matches(['年', '度']).parse::<i64>().ok());
    let filter = HonorFilter {
        year,
        level: f.text("level").and_then(|l| HonorLevel::from_code(&l)),
        title: f.text("title"),
        source: f.text("source").and_then(|s| HonorSource::from_code(&s)),
    };
    (filter, f)
}

async fn registry(
    st: &AppState,
    auth: &Auth,
    org: Org,
    q: &Fields,
    error: Option<String>,
) -> AppResult<RegistryPage> {
    let (filter, form) = filter_of(q);
    let honors = st.store.honors_in(&org, &filter).await?;
    let mut rows = Vec::with_capacity(honors.len());
    for h in honors {
        let (org_link, org_name) = auth.show_org(h.org_id, &h.org_name, &h.org_path);
        let recipient = match (h.recipient_kind, &h.person_name) {
            (RecipientKind::Person, Some(p)) => format!("{p}（{org_name}）"),
            _ => org_name,
        };
        let (_, granted_by) =
            auth.show_org(h.granted_by_org, &h.granted_by_name, &h.granted_by_path);
        let can_revoke = !h.revoked() && auth.records_honors_at(&h.org_path);
        rows.push(HonorRow {
            recipient,
            org_link,
            granted_by,
            can_revoke,
            h,
        });
    }
    let export_query = serde_urlencoded::to_string(
        form.values
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    Ok(RegistryPage {
        nav: Nav::of(auth),
        crumbs: crumbs(st, auth, &org).await?,
        notice: notice(q),
        error,
        revoked: rows.iter().filter(|r| r.h.revoked()).count(),
        rows,
        can_record: auth.records_honors(&org) && org.is_active(),
        filter: form,
        export_query,
        levels: HonorLevel::options(),
        sources: HonorSource::options(),
        titles: TITLE_SUGGESTIONS,
        org,
    })
}

async fn readable(st: &AppState, auth: &Auth, id: i64) -> AppResult<Org> {
    let org = st.store.org(id).await?;
    auth.read_org(&org).await?;
    Ok(org)
}

/// 荣誉: honors of the org's subtree.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<RegistryPage> {
    let org = readable(&st, &auth, id).await?;
    registry(&st, &auth, org, &q, None).await
}

fn xlsx(org: &Org, rows: &[HonorRow]) -> Result<Vec<u8>, String> {
    let e = |err: rust_xlsxwriter::XlsxError| err.to_string();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("荣誉").map_err(e)?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, format!("{}荣誉登记表", org.name), &bold)
        .map_err(e)?;
    let headers = [
        "年度",
        "荣誉称号",
        "级别",
        "集体/个人",
        "获奖单位或个人",
        "来源",
        "文号",
        "授予单位",
        "状态",
        "撤销原因",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &bold)
            .map_err(e)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 3;
        ws.write_number(row, 0, r.h.year as f64).map_err(e)?;
        let cells = [
            r.h.title.clone(),
            level_text(r.h.level).to_owned(),
            r.h.recipient_kind.label().to_owned(),
            r.recipient.clone(),
            r.h.source.label().to_owned(),
            r.h.document_no.clone().unwrap_or_default(),
            r.granted_by.clone(),
            match r.h.revoked_on {
                Some(d) => format!("已于{d}撤销"),
                None => "有效".into(),
            },
            r.h.revoke_reason.clone().unwrap_or_default(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(row, c as u16 + 1, v).map_err(e)?;
        }
    }
    ws.set_column_width(1, 18).map_err(e)?;
    ws.set_column_width(4, 36).map_err(e)?;
    ws.set_column_width(7, 24).map_err(e)?;
    ws.set_freeze_panes(3, 0).map_err(e)?;
    wb.save_to_buffer().map_err(e)
}

/// The registry as an .xlsx file (the same filters; audited).
pub async fn list_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let org = readable(&st, &auth, id).await?;
    let page = registry(&st, &auth, org, &q, None).await?;
    let bytes = xlsx(&page.org, &page.rows).map_err(|e| AppError::from(Error::Io(e)))?;
    st.store
        .audit_event(
            &auth.actor(),
            "honor.export",
            Target::new("org", Some(page.org.id), Some(page.org.id)),
            true,
            Some(&serde_json::json!({ "rows": page.rows.len() })),
        )
        .await?;
    let disposition = format!(
        "attachment; filename=\"honors-{}.xlsx\"",
        chrono::Local::now().format("%Y%m%d")
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// Recording an honor
// ---------------------------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "honor_form.html")]
pub struct HonorFormPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    form: FormState,
    /// Every failing eligibility rule, when the store refused.
    refusals: Vec<String>,
    rules: Vec<EligibilityRule>,
    levels: Vec<(&'static str, &'static str)>,
    titles: &'static [&'static str],
}

async fn honor_form_page(
    st: &AppState,
    auth: &Auth,
    org: Org,
    form: FormState,
    refusals: Vec<String>,
) -> AppResult<HonorFormPage> {
    let rules = st
        .store
        .eligibility_rules()
        .await?
        .into_iter()
        .filter(|r| r.active && r.applies_to == RuleTarget::Honor)
        .collect();
    Ok(HonorFormPage {
        nav: Nav::of(auth),
        crumbs: crumbs(st, auth, &org).await?,
        form,
        refusals,
        rules,
        levels: HonorLevel::options(),
        titles: TITLE_SUGGESTIONS,
        org,
    })
}

/// 登记荣誉 for the org (or a union below it, or a person in one).
pub async fn new_form(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<HonorFormPage> {
    let org = st.store.org(id).await?;
    auth.record_honors_of(&org).await?;
    let mut form = FormState::default();
    form.set("recipient_org", format!("{} #{}", org.name, org.id));
    form.set("recipient", RecipientKind::Org.code());
    form.set("level", HonorLevel::granted_by(auth.scope.kind).code());
    form.set("year", today().year().to_string());
    honor_form_page(&st, &auth, org, form, vec![]).await
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.record_honors_of(&org).await?;
    let mut form = FormState::from_values(fields);
    let title = form.required("title", "荣誉称号");
    let level = form.parse_req("level", "级别", |s| {
        HonorLevel::from_code(s).ok_or("请选择级别")
    });
    let year = form.parse_req("year", "年度", |s| {
        s.trim()
            .trim_end_matches(['年', '度'])
            .parse::<i64>()
            .map_err(|_| "请填写四位数的年度，例如 2025")
    });
    let recipient = form.parse_req("recipient", "获奖对象", |s| {
        RecipientKind::from_code(s).ok_or("请选择集体或个人")
    });
    let target = org_ref(
        &st.store,
        &mut form,
        "recipient_org",
        "获奖单位",
        &auth.visibility(),
    )
    .await?;
    // The union honored (or the person's union) must be one this account records for.
    let target = match target {
        Some(t) if t == org.id => Some(org.clone()),
        Some(t) => match st.store.org(t).await {
            Ok(o) if auth.records_honors(&o) => Some(o),
            Ok(o) if auth.sees(&o) => {
                form.error("recipient_org", format!("您不能为{}登记荣誉", o.name));
                None
            }
            _ => {
                form.error("recipient_org", "找不到所选的工会组织，请从建议中选择");
                None
            }
        },
        None => None,
    };
    let mut refusals = vec![];
    if let (Some(title), Some(level), Some(year), Some(recipient), Some(target), false) =
        (title, level, year, recipient, target, form.has_errors())
    {
        let input = HonorInput {
            title,
            level,
            year,
            recipient,
            person_name: match recipient {
                RecipientKind::Person => Some(form.v("person_name").to_owned()),
                RecipientKind::Org => None,
            },
            document_no: form.text("document_no"),
        };
        match st
            .store
            .record_honor(&auth.actor(), target.id, auth.scope.id, input)
            .await
        {
            Ok(_) => {
                return Ok(done(&format!("/orgs/{}/honors", org.id), "honor").into_response());
            }
            Err(Error::Invalid {
                field: Some(f),
                message,
            }) if f == ELIGIBILITY_FIELD => {
                refusals = message.lines().map(str::to_owned).collect();
            }
            // The recipient union (closed, not found) is what the picker chose.
            Err(Error::Invalid {
                field: Some("org_id"),
                message,
            }) => form.error("recipient_org", message),
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(
        honor_form_page(&st, &auth, org, form, refusals).await?,
    ))
}

/// 撤销荣誉, with the reason (staff who write the recipient org).
pub async fn revoke(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let honor = st.store.honor(id).await?;
    let org = st.store.org(honor.org_id).await?;
    auth.record_honors_of(&org).await?;
    let reason = fields.get("reason").cloned().unwrap_or_default();
    // Back to the registry the button was on, when the account may read it.
    let back = match fields.get("back").and_then(|b| b.parse::<i64>().ok()) {
        Some(b) => match st.store.org(b).await {
            Ok(o) if auth.sees(&o) && org.path.starts_with(&o.path) => o,
            _ => org.clone(),
        },
        None => org.clone(),
    };
    match st.store.revoke_honor(&auth.actor(), id, &reason).await {
        Ok(()) => Ok(done(&format!("/orgs/{}/honors", back.id), "revoked").into_response()),
        Err(Error::Invalid { message, .. }) => Ok(unprocessable(
            registry(&st, &auth, back, &Fields::new(), Some(message)).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Eligibility rules
// ---------------------------------------------------------------------------------------------

pub struct RuleRow {
    pub r: EligibilityRule,
    pub condition: String,
    pub level: String,
    pub title: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "rules.html")]
pub struct RulesPage {
    nav: Nav,
    notice: Option<String>,
    error: Option<String>,
    rows: Vec<RuleRow>,
    can_edit: bool,
}

/// "职工入会率不低于80%", "通过“模范职工小家标准”的验收".
async fn condition_text(st: &AppState, r: &EligibilityRule) -> String {
    match (r.condition, r.parameter) {
        (Condition::MembershipRate, Some(p)) => format!("职工入会率不低于{p}%"),
        (Condition::PassedStandard, Some(id)) => match st.store.standard(id).await {
            Ok(s) => format!("通过“{}”的验收", s.name),
            Err(_) => "通过指定标准的验收".into(),
        },
        (c, _) => c.label().to_owned(),
    }
}

async fn rules_page(
    st: &AppState,
    auth: &Auth,
    q: &Fields,
    error: Option<String>,
) -> AppResult<RulesPage> {
    let mut rows = vec![];
    for r in st.store.eligibility_rules().await? {
        rows.push(RuleRow {
            condition: condition_text(st, &r).await,
            level: match r.applies_to {
                RuleTarget::Subsidy => "—".into(),
                RuleTarget::Honor => r.level_text(),
            },
            title: match (&r.applies_to, &r.honor_title) {
                (RuleTarget::Subsidy, _) => "—".into(),
                (_, Some(t)) => t.clone(),
                (_, None) => "各类称号".into(),
            },
            r,
        });
    }
    Ok(RulesPage {
        nav: Nav::of(auth),
        notice: notice(q),
        error,
        rows,
        can_edit: auth.edits_rules(),
    })
}

/// 评选条件: every rule, active or not.
pub async fn rules(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<Fields>,
) -> AppResult<RulesPage> {
    auth.require_records().await?;
    rules_page(&st, &auth, &q, None).await
}

#[derive(Template, WebTemplate)]
#[template(path = "rule_form.html")]
pub struct RuleFormPage {
    nav: Nav,
    form: FormState,
    targets: Vec<(&'static str, &'static str)>,
    conditions: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    standards: Vec<(String, String)>,
    titles: &'static [&'static str],
}

async fn rule_form_page(st: &AppState, auth: &Auth, form: FormState) -> AppResult<RuleFormPage> {
    let standards = st
        .store
        .standards_for(&auth.scope, false)
        .await?
        .into_iter()
        .map(|s| (s.id.to_string(), s.name))
        .collect();
    Ok(RuleFormPage {
        nav: Nav::of(auth),
        form,
        targets: RuleTarget::options(),
        conditions: Condition::options(),
        levels: HonorLevel::options(),
        standards,
        titles: TITLE_SUGGESTIONS,
    })
}

/// 添加评选条件 (staff of the deployment root).
pub async fn new_rule_form(State(st): State<AppState>, auth: Auth) -> AppResult<RuleFormPage> {
    auth.require_rule_editor().await?;
    let mut form = FormState::default();
    form.set("target", RuleTarget::Honor.code());
    form.set("min_level", HonorLevel::City.code());
    rule_form_page(&st, &auth, form).await
}

pub async fn create_rule(
    State(st): State<AppState>,
    auth: Auth,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    auth.require_rule_editor().await?;
    let mut form = FormState::from_values(fields);
    let target = form.parse_req("target", "适用于", |s| {
        RuleTarget::from_code(s).ok_or("请选择评选条件适用于荣誉评选还是补助经费")
    });
    let condition = form.parse_req("condition", "条件", |s| {
        Condition::from_code(s).ok_or("请选择条件")
    });
    let parameter = match condition {
        Some(Condition::MembershipRate) => form.parse_opt("rate", |s| {
            s.trim()
                .trim_end_matches(['%', '％'])
                .parse::<i64>()
                .map_err(|_| "入会率要求应为 1 到 100 之间的整数，例如 80")
        }),
        Some(Condition::PassedStandard) => form.parse_opt("standard_id", |s| {
            s.parse::<i64>().map_err(|_| "请选择须通过验收的标准")
        }),
        _ => None,
    };
    let min_level = form.parse_opt("min_level", |s| {
        HonorLevel::from_code(s).ok_or("请选择级别")
    });
    if let (Some(target), Some(condition), false) = (target, condition, form.has_errors()) {
        let input = RuleInput {
            target,
            condition,
            parameter,
            min_level,
            honor_title: form.text("honor_title"),
            message: form.v("message").to_owned(),
        };
        match st.store.create_rule(&auth.actor(), input).await {
            Ok(_) => return Ok(done("/eligibility-rules", "rule").into_response()),
            Err(Error::Invalid {
                field: Some("parameter"),
                message,
            }) => {
                let f = if condition == Condition::PassedStandard {
                    "standard_id"
                } else {
                    "rate"
                };
                form.error(f, message);
            }
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(rule_form_page(&st, &auth, form).await?))
}

/// 启用/停用 a rule (`active` = 1 or 0; staff of the deployment root).
pub async fn toggle_rule(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    auth.require_rule_editor().await?;
    let active = match fields.get("active").map(String::as_str) {
        Some("1") => true,
        Some("0") => false,
        _ => {
            return Ok(unprocessable(
                rules_page(
                    &st,
                    &auth,
                    &Fields::new(),
                    Some("请选择启用或停用该条件".into()),
                )
                .await?,
            ));
        }
    };
    match st.store.set_rule_active(&auth.actor(), id, active).await {
        Ok(()) => Ok(done(
            "/eligibility-rules",
            if active { "rule_on" } else { "rule_off" },
        )
        .into_response()),
        Err(Error::Invalid { message, .. }) => Ok(unprocessable(
            rules_page(&st, &auth, &Fields::new(), Some(message)).await?,
        )),
        Err(e) => Err(e.into()),
    }
}
