//! 达标创建 (campaigns): the campaigns of an org, creating one, its progress page (by child
//! org, counts per state, grades, quota, chart, Excel), its third-party assessors; the
//! assessment page and its forms ([`assessment`]); the 公示 and the titles ([`notices`]); the
//! inbox (待办) and the summaries on the dashboard and the home page.
//!
//! Who may do what is decided in `crate::auth` (the block headed 达标创建); every page here
//! asks it before reading or writing.

pub mod assessment;
pub mod notices;
mod xlsx;

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, TimeDelta};
use gonghui_domain::{
    AssessmentState, Grade, GradingKind, HonorLevel, KindSet, OrgKind, REMIND_DAYS, ReviewerKind,
    parse_yuan,
};
use gonghui_store::{
    Campaign, CampaignInput, CampaignSummary, Error, InboxCandidate, Notice, Org, OrgRef, Progress,
    ProgressCounts, StandardOption, Target,
};
use serde::Serialize;

use crate::auth::Auth;
use crate::forms::FormState;
use crate::nav::Nav;
use crate::pages::done;
use crate::pages::orgs::unprocessable;
use crate::{AppError, AppResult, AppState};

pub(crate) type Fields = HashMap<String, String>;

pub(crate) fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The notices of this area's `done=` codes, then the common ones.
pub(crate) fn notice(q: &Fields) -> Option<String> {
    let text = match q.get("done").map(String::as_str) {
        Some("campaign") => "达标创建活动已创建，范围内每个工会都已生成验收记录。",
        Some("saved") => "自评已保存。",
        Some("uploaded") => "已上传。",
        Some("removed") => "已删除这份资料。",
        Some("submitted") => "已提交审核，请等待上级工会审核验收。",
        Some("reviewed") => "评分已保存。",
        Some("returned") => "已退回，工会修改后可重新提交。",
        Some("decided") => "验收已完成。",
        Some("rewarded") => "奖励发放已登记。",
        Some("published") => "公示已发布。",
        Some("granted") => "称号已授予，已记入荣誉名录。",
        Some("assessor") => "考核人员已更新。",
        _ => return super::notice(q),
    };
    Some(text.to_owned())
}

/// Put a store refusal beside the field it names (when the form shows that field), else at
/// the top of the form.
pub(crate) fn put(form: &mut FormState, e: Error, fields: &[&str]) -> Result<(), AppError> {
    match e {
        Error::Invalid {
            field: Some(f),
            message,
        } if fields.contains(&f) => {
            form.error(f, message);
            Ok(())
        }
        e => form.absorb(e).map_err(AppError::from),
    }
}

/// A badge class per state: green once accepted, red when refused or returned.
pub(crate) fn state_class(s: AssessmentState) -> &'static str {
    match s {
        AssessmentState::Failed | AssessmentState::Returned => "closed",
        s if s.accepted() => "ok",
        _ => "",
    }
}

// ---------------------------------------------------------------------------------------------
// The campaigns of an org
// ---------------------------------------------------------------------------------------------

/// One campaign as a list shows it.
pub struct CampaignLine {
    pub id: i64,
    pub name: String,
    pub href: String,
    pub org_name: String,
    pub standard: String,
    pub period: String,
    pub due: NaiveDate,
    pub total: i64,
    pub submitted: i64,
    pub under_review: i64,
    pub accepted: i64,
    pub failed: i64,
    pub grades: String,
    pub quota: String,
    pub quota_reached: Option<bool>,
    pub reminders: Vec<String>,
}

fn grades_text(c: &ProgressCounts) -> String {
    let parts: Vec<String> = c
        .by_grade()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(g, n)| format!("{}{n}家", g.label()))
        .collect();
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join("、")
    }
}

fn line_of(s: &CampaignSummary, org: &Org) -> CampaignLine {
    let c = &s.campaign;
    CampaignLine {
        id: c.id,
        name: c.name.clone(),
        href: format!("/campaigns/{}?org={}", c.id, org.id),
        org_name: c.org_name.clone(),
        standard: format!("{}（第{}版）", c.standard_name, c.version),
        period: format!("{} 至 {}", c.start_on, c.end_on),
        due: c.self_review_due,
        total: s.counts.total,
        submitted: s.counts.submitted_or_later(),
        under_review: s.counts.under_review(),
        accepted: s.counts.accepted(),
        failed: s.counts.failed,
        grades: grades_text(&s.counts),
        quota: match c.quota {
            Some(q) => format!("{}/{q}家", s.campaign_total.accepted()),
            None => "不限".into(),
        },
        quota_reached: s.quota_reached(),
        reminders: s.reminders(today()),
    }
}

/// The 达标创建 section of an org's dashboard: the campaigns covering it with their counts
/// under it, grades, quota and the deadlines coming up.
pub(crate) async fn dashboard_lines(st: &AppState, org: &Org) -> AppResult<Vec<CampaignLine>> {
    Ok(st
        .store
        .campaign_summaries(org)
        .await?
        .iter()
        .map(|s| line_of(s, org))
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "campaigns.html")]
pub struct ListPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    notice: Option<String>,
    lines: Vec<CampaignLine>,
    may_create: bool,
}

async fn crumbs(st: &AppState, auth: &Auth, org: &Org) -> AppResult<Vec<OrgRef>> {
    let lineage = st.store.lineage(org).await?;
    Ok(auth.crumbs(org, lineage))
}

/// 达标创建 of an org: the campaigns it runs or takes part in.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.read_org(&org).await?;
    let lines = dashboard_lines(&st, &org).await?;
    Ok(ListPage {
        nav: Nav::of(&auth),
        crumbs: crumbs(&st, &auth, &org).await?,
        notice: notice(&q),
        lines,
        may_create: auth.creates_campaign_at(&org)
            && org.is_active()
            && org.kind != OrgKind::Grassroots,
        org,
    }
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// Creating a campaign
// ---------------------------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "campaign_new.html")]
pub struct NewPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    form: FormState,
    standards: Vec<(String, String)>,
    standards_empty: bool,
    kinds: Vec<(&'static str, &'static str, bool)>,
    levels: Vec<(&'static str, &'static str)>,
    reviewers: Vec<(&'static str, &'static str)>,
}

const CAMPAIGN_FIELDS: &[&str] = &[
    "name",
    "version_id",
    "kinds",
    "start_on",
    "self_review_due",
    "end_on",
    "quota",
    "reward",
    "honor_title",
    "honor_level",
    "reviewer",
    "document_no",
];

async fn new_page(
    st: &AppState,
    auth: &Auth,
    org: Org,
    mut form: FormState,
    chosen: &[String],
) -> AppResult<NewPage> {
    let options: Vec<StandardOption> = st.store.campaign_standard_options(&org).await?;
    if form.values.is_empty() {
        let t = today();
        form.set("start_on", t.to_string());
        form.set("self_review_due", (t + TimeDelta::days(60)).to_string());
        form.set("end_on", (t + TimeDelta::days(180)).to_string());
        form.set("reviewer", ReviewerKind::Parent.code());
        form.set("honor_level", HonorLevel::granted_by(org.kind).code());
        if let Some(o) = options.iter().find(|o| o.builtin) {
            form.set("version_id", o.version_id.to_string());
        }
    }
    Ok(NewPage {
        nav: Nav::of(auth),
        crumbs: {
            let mut c = crumbs(st, auth, &org).await?;
            c.push(OrgRef {
                id: org.id,
                name: org.name.clone(),
            });
            c
        },
        standards_empty: options.is_empty(),
        standards: options
            .iter()
            .map(|o| (o.version_id.to_string(), o.label()))
            .collect(),
        kinds: KindSet::options()
            .into_iter()
            .filter(|(c, _)| {
                !matches!(
                    *c,
                    "city_federation" | "county_federation" | "industrial_union"
                )
            })
            .map(|(c, l)| (c, l, chosen.iter().any(|x| x == c)))
            .collect(),
        levels: HonorLevel::options(),
        reviewers: ReviewerKind::options(),
        form,
        org,
    })
}

/// 创建达标创建活动 (form).
pub async fn new_form(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.require_campaign_creator(&org).await?;
    Ok(new_page(&st, &auth, org, FormState::default(), &[])
        .await?
        .into_response())
}

/// 创建达标创建活动.
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.require_campaign_creator(&org).await?;
    let kinds: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "kinds")
        .map(|(_, v)| v.clone())
        .collect();
    let mut form =
        FormState::from_values(pairs.into_iter().filter(|(k, _)| k != "kinds").collect());
    let name = form.required("name", "活动名称");
    let version_id = form.parse_req("version_id", "标准", |s| {
        s.parse::<i64>()
            .map_err(|_| "请选择活动所用的标准".to_owned())
    });
    let start = form.date_req("start_on", "开始日期");
    let due = form.date_req("self_review_due", "自评截止日期");
    let end = form.date_req("end_on", "结束日期");
    let quota = form.parse_opt("quota", |s| {
        s.trim_end_matches('家')
            .parse::<i64>()
            .map_err(|_| "选树数量应为整数，例如 50；不限数量请留空".to_owned())
    });
    let reward = match form.text("reward") {
        Some(r) => match parse_yuan(&r, "每家奖励金额") {
            Ok(f) => f,
            Err(e) => {
                form.error("reward", e.0);
                0
            }
        },
        None => 0,
    };
    let reviewer = form.parse_req("reviewer", "审核方式", |s| {
        ReviewerKind::from_code(s).ok_or_else(|| "请选择审核方式".to_owned())
    });
    let honor_level = form.parse_opt("honor_level", |s| {
        HonorLevel::from_code(s).ok_or_else(|| "请选择荣誉级别".to_owned())
    });
    if let (
        Some(name),
        Some(version_id),
        Some(start),
        Some(due),
        Some(end),
        Some(reviewer),
        false,
    ) = (
        name,
        version_id,
        start,
        due,
        end,
        reviewer,
        form.has_errors(),
    ) {
        let input = CampaignInput {
            name,
            version_id,
            kinds: kinds.clone(),
            start_on: start,
            self_review_due: due,
            end_on: end,
            quota,
            reward_fen: reward,
            honor_title: form.text("honor_title"),
            honor_level,
            reviewer,
            document_no: form.text("document_no"),
        };
        match st.store.create_campaign(&auth.actor(), org.id, input).await {
            Ok(cid) => return Ok(done(&format!("/campaigns/{cid}"), "campaign").into_response()),
            Err(e) => put(&mut form, e, CAMPAIGN_FIELDS)?,
        }
    }
    Ok(unprocessable(
        new_page(&st, &auth, org, form, &kinds).await?,
    ))
}

// ---------------------------------------------------------------------------------------------
// The campaign page
// ---------------------------------------------------------------------------------------------

/// One row of the progress table.
pub struct ProgressLine {
    pub name: String,
    pub kind_label: &'static str,
    /// Drill down (a federation) or open the assessment (an assessed union).
    pub href: Option<String>,
    pub own_state: Option<(String, &'static str)>,
    pub own_grade: String,
    pub counts: ProgressCounts,
    pub grades: String,
}

#[derive(Serialize)]
struct ChartData {
    names: Vec<String>,
    links: Vec<Option<String>>,
    series: Vec<ChartSeries>,
    grades: Vec<Slice>,
}

#[derive(Serialize)]
struct ChartSeries {
    name: &'static str,
    data: Vec<i64>,
}

#[derive(Serialize)]
struct Slice {
    name: &'static str,
    value: i64,
}

/// State groups of the chart, in workflow order.
fn chart_groups(c: &ProgressCounts) -> [(&'static str, i64); 5] {
    [
        ("未提交", c.not_started + c.self_review),
        ("已退回", c.returned),
        ("待审核", c.under_review()),
        ("验收通过", c.accepted()),
        ("未通过", c.failed),
    ]
}

fn chart_json(p: &Progress, lines: &[ProgressLine]) -> String {
    let rows: Vec<&ProgressLine> = lines.iter().filter(|l| l.counts.total > 0).collect();
    let names = ["未提交", "已退回", "待审核", "验收通过", "未通过"];
    let data = ChartData {
        names: rows.iter().map(|l| l.name.clone()).collect(),
        links: rows.iter().map(|l| l.href.clone()).collect(),
        series: names
            .iter()
            .enumerate()
            .map(|(i, n)| ChartSeries {
                name: n,
                data: rows.iter().map(|l| chart_groups(&l.counts)[i].1).collect(),
            })
            .collect(),
        grades: p
            .total
            .by_grade()
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(g, n)| Slice {
                name: g.label(),
                value: n,
            })
            .collect(),
    };
    // Inside <script type="application/json">: nothing may close the element or start markup.
    serde_json::to_string(&data)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[derive(Template, WebTemplate)]
#[template(path = "campaign.html")]
pub struct CampaignPage {
    nav: Nav,
    notice: Option<String>,
    c: Campaign,
    org: Org,
    /// The campaign's orgs from its own org down to the one shown, those the account may open.
    path: Vec<(i64, String)>,
    progress: Progress,
    lines: Vec<ProgressLine>,
    own_href: Option<String>,
    own_state: String,
    grades: Vec<(&'static str, i64)>,
    bands: bool,
    quota_reached: Option<bool>,
    overdue: bool,
    chart_json: String,
    notices: Vec<Notice>,
    manages: bool,
    awaiting_notice: i64,
    export_href: String,
    today: NaiveDate,
}

/// The org whose progress a campaign page shows: `?org=` (read and inside the campaign), or
/// the campaign's org when the account sees it, or where the account stands inside it.
pub(crate) async fn progress_org(
    st: &AppState,
    auth: &Auth,
    c: &Campaign,
    q: &Fields,
) -> AppResult<Org> {
    if let Some(id) = q.get("org").and_then(|s| s.parse::<i64>().ok()) {
        let org = st.store.org(id).await?;
        auth.read_org(&org).await?;
        if !org.path.starts_with(&c.org_path) {
            return Err(AppError::not_found("本活动范围内的工会组织"));
        }
        return Ok(org);
    }
    if auth.sees_path(&c.org_path) {
        return Ok(st.store.org(c.org_id).await?);
    }
    let home = match auth.role() {
        gonghui_domain::Role::Assessor => auth
            .assigned
            .iter()
            .find(|o| o.path.starts_with(&c.org_path))
            .cloned(),
        _ => Some(auth.scope.clone()).filter(|o| o.path.starts_with(&c.org_path)),
    };
    home.ok_or_else(|| AppError::not_found("本活动范围内的工会组织"))
}

async fn campaign_for_reading(st: &AppState, auth: &Auth, id: i64) -> AppResult<Campaign> {
    let c = st.store.campaign(id).await?;
    auth.read_campaign(&c).await?;
    Ok(c)
}

fn progress_lines(c: &Campaign, p: &Progress) -> Vec<ProgressLine> {
    p.children
        .iter()
        .map(|r| ProgressLine {
            name: r.name.clone(),
            kind_label: r.kind_label,
            href: match &r.own {
                Some(o) => Some(format!("/assessments/{}", o.id)),
                None if r.counts.total > 0 => Some(format!("/campaigns/{}?org={}", c.id, r.org_id)),
                None => None,
            },
            own_state: r
                .own
                .as_ref()
                .map(|o| (o.state.label().to_owned(), state_class(o.state))),
            own_grade: r
                .own
                .as_ref()
                .and_then(|o| o.grade.filter(|_| o.state.decided()))
                .map(|g: Grade| g.label().to_owned())
                .unwrap_or_default(),
            counts: r.counts,
            grades: grades_text(&r.counts),
        })
        .collect()
}

/// A campaign: what it is, and its progress under one org (by child).
pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let c = campaign_for_reading(&st, &auth, id).await?;
    let org = progress_org(&st, &auth, &c, &q).await?;
    let progress = st.store.campaign_progress(&c, &org).await?;
    let lines = progress_lines(&c, &progress);
    let lineage = st.store.lineage(&org).await?;
    let path = lineage
        .into_iter()
        .filter(|r| r.id != org.id)
        .filter_map(|r| {
            let o_path = org
                .lineage()
                .iter()
                .take_while(|i| **i != r.id)
                .chain(std::iter::once(&r.id))
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join("/");
            let o_path = format!("/{o_path}/");
            (o_path.starts_with(&c.org_path) && auth.sees_path(&o_path)).then_some((r.id, r.name))
        })
        .collect();
    let manages = auth.manages_campaign(&c);
    let notices = st.store.notices_of(c.id).await?;
    let bands = st
        .store
        .standard_version(c.version_id)
        .await?
        .grading
        .kind()
        == GradingKind::Bands;
    let grades = progress
        .total
        .by_grade()
        .into_iter()
        .filter(|(g, _)| bands == !matches!(g, Grade::Pass | Grade::Fail))
        .map(|(g, n)| (g.label(), n))
        .collect();
    let t = today();
    Ok(CampaignPage {
        nav: Nav::of(&auth),
        notice: notice(&q),
        path,
        own_href: progress
            .own
            .as_ref()
            .map(|o| format!("/assessments/{}", o.id)),
        own_state: progress
            .own
            .as_ref()
            .map(|o| o.state.label().to_owned())
            .unwrap_or_default(),
        chart_json: chart_json(&progress, &lines),
        quota_reached: progress.quota_reached(),
        overdue: t > c.self_review_due && progress.total.unsubmitted() > 0,
        awaiting_notice: if manages {
            progress.campaign_total.passed
        } else {
            0
        },
        export_href: format!("/campaigns/{}/progress.xlsx?org={}", c.id, org.id),
        grades,
        bands,
        lines,
        progress,
        notices,
        manages,
        today: t,
        org,
        c,
    }
    .into_response())
}

/// The progress table as an .xlsx sheet (audited).
pub async fn progress_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let c = campaign_for_reading(&st, &auth, id).await?;
    let org = progress_org(&st, &auth, &c, &q).await?;
    let progress = st.store.campaign_progress(&c, &org).await?;
    let bytes =
        xlsx::progress(&c, &org, &progress, today()).map_err(|e| AppError::from(Error::Io(e)))?;
    st.store
        .audit_event(
            &auth.actor(),
            "campaign.export",
            Target::new("campaign", Some(c.id), Some(org.id)),
            true,
            Some(&serde_json::json!({ "org_id": org.id, "rows": progress.children.len() + 1 })),
        )
        .await?;
    Ok(xlsx::response(
        bytes,
        &format!("campaign-{}-{}.xlsx", c.id, org.id),
        &format!("{}-{}进度.xlsx", c.name, org.name),
    ))
}

// ---------------------------------------------------------------------------------------------
// Third-party assessors
// ---------------------------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "campaign_assessors.html")]
pub struct AssessorsPage {
    nav: Nav,
    notice: Option<String>,
    c: Campaign,
    listed: Vec<gonghui_store::CampaignAssessor>,
    candidates: Vec<(String, String)>,
    form: FormState,
}

async fn assessors_page(
    st: &AppState,
    auth: &Auth,
    c: Campaign,
    form: FormState,
    notice: Option<String>,
) -> AppResult<AssessorsPage> {
    let listed = st.store.campaign_assessors(c.id).await?;
    let candidates = st
        .store
        .campaign_assessor_candidates(&c)
        .await?
        .into_iter()
        .filter(|a| !listed.iter().any(|l| l.account_id == a.account_id))
        .map(|a| {
            (
                a.account_id.to_string(),
                format!("{}（{}）", a.display_name, a.username),
            )
        })
        .collect();
    Ok(AssessorsPage {
        nav: Nav::of(auth),
        notice,
        c,
        listed,
        candidates,
        form,
    })
}

/// 第三方考核人员 of a campaign (its staff only).
pub async fn assessors(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let c = st.store.campaign(id).await?;
    auth.require_campaign_staff(&c).await?;
    Ok(
        assessors_page(&st, &auth, c, FormState::default(), notice(&q))
            .await?
            .into_response(),
    )
}

/// Add (`account_id`) or take off (`remove`) a third-party assessor.
pub async fn change_assessors(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let c = st.store.campaign(id).await?;
    auth.require_campaign_staff(&c).await?;
    let mut form = FormState::from_values(fields);
    let result = if let Some(r) = form.text("remove") {
        match r.parse::<i64>() {
            Ok(acc) => Some(
                st.store
                    .remove_campaign_assessor(&auth.actor(), c.id, acc)
                    .await,
            ),
            Err(_) => {
                form.error("account_id", "请选择考核人员");
                None
            }
        }
    } else {
        match form.parse_req("account_id", "考核人员", |s| {
            s.parse::<i64>().map_err(|_| "请选择考核人员".to_owned())
        }) {
            Some(acc) => Some(
                st.store
                    .add_campaign_assessor(&auth.actor(), c.id, acc)
                    .await,
            ),
            None => None,
        }
    };
    match result {
        Some(Ok(())) => {
            return Ok(done(&format!("/campaigns/{}/assessors", c.id), "assessor").into_response());
        }
        Some(Err(e)) => put(&mut form, e, &["account_id"])?,
        None => {}
    }
    Ok(unprocessable(
        assessors_page(&st, &auth, c, form, None).await?,
    ))
}

// ---------------------------------------------------------------------------------------------
// 待办 (inbox)
// ---------------------------------------------------------------------------------------------

/// One thing waiting for the account.
pub struct InboxLine {
    pub group: &'static str,
    pub title: String,
    pub campaign: String,
    pub state: String,
    pub state_class: &'static str,
    pub when: String,
    pub urgent: bool,
    pub href: String,
    pub action: &'static str,
    due: NaiveDate,
}

/// The groups of the inbox, in the order they are shown.
const GROUPS: [&str; 5] = [
    "需要填写的自评",
    "等待我审核验收",
    "等待公示",
    "公示期满，等待授予称号",
    "等待登记奖励发放",
];

/// What waits for the account, by the same rules as the permission checks.
pub(crate) async fn inbox_lines(st: &AppState, auth: &Auth) -> AppResult<Vec<InboxLine>> {
    if !auth.role().reads_records() {
        return Ok(vec![]);
    }
    let t = today();
    let candidates: Vec<InboxCandidate> = st.store.inbox_candidates(&auth.inbox_query()).await?;
    let mut out = Vec::new();
    // Campaign-level tasks are grouped: one line per campaign (公示) or per 公示 (titles).
    let mut publish: HashMap<i64, (String, i64, NaiveDate)> = HashMap::new();
    let mut grant: HashMap<i64, (String, i64, NaiveDate)> = HashMap::new();
    for c in &candidates {
        let a = &c.access;
        let s = a.state;
        if s.union_may_edit() && auth.self_reviews(a) {
            let (when, urgent) = if t > c.self_review_due {
                (
                    format!(
                        "已逾期{}天（{}截止）",
                        (t - c.self_review_due).num_days(),
                        c.self_review_due
                    ),
                    true,
                )
            } else {
                let left = (c.self_review_due - t).num_days();
                (
                    format!("{}截止，还有{left}天", c.self_review_due),
                    left <= REMIND_DAYS || s == AssessmentState::Returned,
                )
            };
            out.push(InboxLine {
                group: GROUPS[0],
                title: c.org_name.clone(),
                campaign: c.campaign_name.clone(),
                state: s.label().to_owned(),
                state_class: state_class(s),
                when,
                urgent,
                href: format!("/assessments/{}", a.assessment_id),
                action: if s == AssessmentState::Returned {
                    "修改后重新提交"
                } else {
                    "填写自评"
                },
                due: c.self_review_due,
            });
        } else if s.reviewer_may_score() && auth.reviews(a) {
            out.push(InboxLine {
                group: GROUPS[1],
                title: c.org_name.clone(),
                campaign: c.campaign_name.clone(),
                state: s.label().to_owned(),
                state_class: state_class(s),
                when: format!("活动{}结束", c.end_on),
                urgent: c.end_on - t <= TimeDelta::days(REMIND_DAYS),
                href: format!("/assessments/{}", a.assessment_id),
                action: "审核验收",
                due: c.end_on,
            });
        } else if auth.manages_campaign_at(&a.campaign_org_path) {
            match s {
                AssessmentState::Passed => {
                    let e = publish.entry(a.campaign_id).or_insert((
                        c.campaign_name.clone(),
                        0,
                        c.end_on,
                    ));
                    e.1 += 1;
                    if c.honor_title.is_none() && c.reward_fen > 0 {
                        out.push(reward_line(c));
                    }
                }
                AssessmentState::Published
                    if c.honor_title.is_some() && c.notice_end.is_some_and(|e| t > e) =>
                {
                    if let Some(n) = c.notice_id {
                        let e = grant.entry(n).or_insert((
                            c.campaign_name.clone(),
                            0,
                            c.notice_end.unwrap_or(t),
                        ));
                        e.1 += 1;
                    }
                }
                AssessmentState::Titled if c.reward_fen > 0 => out.push(reward_line(c)),
                _ => {}
            }
        }
    }
    for (cid, (name, n, end)) in publish {
        out.push(InboxLine {
            group: GROUPS[2],
            title: format!("{n}家工会验收通过，尚未公示"),
            campaign: name,
            state: AssessmentState::Passed.label().to_owned(),
            state_class: "ok",
            when: format!("活动{end}结束"),
            urgent: false,
            href: format!("/campaigns/{cid}/notices/new"),
            action: "发布公示",
            due: end,
        });
    }
    for (nid, (name, n, end)) in grant {
        out.push(InboxLine {
            group: GROUPS[3],
            title: format!("{n}家工会公示期满"),
            campaign: name,
            state: AssessmentState::Published.label().to_owned(),
            state_class: "ok",
            when: format!("公示{end}结束"),
            urgent: true,
            href: format!("/notices/{nid}"),
            action: "授予称号",
            due: end,
        });
    }
    out.sort_by(|a, b| {
        let g = |l: &InboxLine| GROUPS.iter().position(|x| *x == l.group);
        g(a).cmp(&g(b))
            .then(b.urgent.cmp(&a.urgent))
            .then(a.due.cmp(&b.due))
            .then(a.title.cmp(&b.title))
    });
    Ok(out)
}

fn reward_line(c: &InboxCandidate) -> InboxLine {
    InboxLine {
        group: GROUPS[4],
        title: c.org_name.clone(),
        campaign: c.campaign_name.clone(),
        state: c.access.state.label().to_owned(),
        state_class: "ok",
        when: format!("每家{}元", gonghui_domain::format_yuan(c.reward_fen)),
        urgent: false,
        href: format!("/assessments/{}#reward", c.access.assessment_id),
        action: "登记奖励",
        due: c.end_on,
    }
}

/// Counts of the inbox per group, for the home page.
pub struct InboxSummary {
    pub groups: Vec<(&'static str, usize, usize)>,
    pub total: usize,
}

pub(crate) async fn inbox_summary(st: &AppState, auth: &Auth) -> AppResult<InboxSummary> {
    let lines = inbox_lines(st, auth).await?;
    let groups = GROUPS
        .iter()
        .map(|g| {
            let of: Vec<&InboxLine> = lines.iter().filter(|l| l.group == *g).collect();
            (*g, of.len(), of.iter().filter(|l| l.urgent).count())
        })
        .filter(|(_, n, _)| *n > 0)
        .collect();
    Ok(InboxSummary {
        groups,
        total: lines.len(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "inbox.html")]
pub struct InboxPage {
    nav: Nav,
    groups: Vec<(&'static str, Vec<InboxLine>)>,
    today: NaiveDate,
    empty_hint: &'static str,
}

/// 待办: what is due, overdue, returned, waiting for my review, my 公示 and titles.
pub async fn inbox(State(st): State<AppState>, auth: Auth) -> AppResult<Response> {
    auth.require_records().await?;
    let mut lines = inbox_lines(&st, &auth).await?;
    let mut groups = Vec::new();
    for g in GROUPS {
        let (of, rest): (Vec<InboxLine>, Vec<InboxLine>) =
            lines.into_iter().partition(|l| l.group == g);
        lines = rest;
        if !of.is_empty() {
            groups.push((g, of));
        }
    }
    Ok(InboxPage {
        nav: Nav::of(&auth),
        groups,
        today: today(),
        empty_hint: match auth.role() {
            gonghui_domain::Role::Chair => {
                "本会没有需要填写的自评。上级工会发起达标创建活动后，这里会提示您填写。"
            }
            gonghui_domain::Role::Viewer => "查看人员没有需要办理的事项。",
            _ => "目前没有需要您办理的事项。",
        },
    }
    .into_response())
}
