//! 任期与换届 pages: an org's current term and its history, the 换届选举 procedure step by step
//! (the two approvals by the affiliation parent's staff), and 组织建设提醒 for a subtree with
//! their lists and Excel exports.
//!
//! Scope: reading needs `read_org`; the union's own steps need `write_org(org)`; 上级批复 and
//! 批复 need `write_org(parent)` (the city federation, which has no parent in the system,
//! records its provincial union's approvals itself).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use gonghui_domain::{
    CommitteeKind, ElectionKind, ElectionStatus, ElectionStep, OfficerRole, REMINDER_MONTHS,
    ReminderKind, ends_within, overdue, term_years_allowed,
};
use gonghui_store::{
    ElectionView, Error, OfficerInput, Org, OrgRef, ReminderItem, StepInput, StepOutcome, Target,
    Term, TermInput,
};

use super::orgs::unprocessable;
use super::{done, notice};
use crate::auth::Auth;
use crate::forms::FormState;
use crate::nav::Nav;
use crate::{AppError, AppResult, AppState};

type Fields = HashMap<String, String>;

/// A form's values with every field it renders present (an error on a field left out of the
/// request still lands beside that field).
fn form_of(fields: Fields, names: &[&str]) -> FormState {
    let mut form = FormState::from_values(fields);
    for n in names {
        form.values.entry((*n).to_owned()).or_default();
    }
    form
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// A term as a row of the page.
pub struct TermView {
    number: i64,
    start_on: NaiveDate,
    years: i64,
    end_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    /// 正常 / 6个月内届满 / 已届满N天 / 已换届
    state: String,
    /// CSS badge class: "ok", "" or "closed".
    badge: &'static str,
    election_id: Option<i64>,
}

impl TermView {
    fn of(t: &Term, today: NaiveDate) -> TermView {
        let (state, badge) = if !t.is_current() {
            ("已换届".to_owned(), "")
        } else if overdue(t.end_on, today) {
            (
                format!("已届满{}天，应尽快换届", (today - t.end_on).num_days()),
                "closed",
            )
        } else if t.end_on == today {
            ("今天届满，请按时换届".to_owned(), "")
        } else if ends_within(t.end_on, today, REMINDER_MONTHS) {
            (
                format!("{}天后届满，请做好换届准备", (t.end_on - today).num_days()),
                "",
            )
        } else {
            ("任期内".to_owned(), "ok")
        };
        TermView {
            number: t.number,
            start_on: t.start_on,
            years: t.years,
            end_on: t.end_on,
            ended_on: t.ended_on,
            state,
            badge,
            election_id: t.election_id,
        }
    }
}

/// One election in the history table.
pub struct ElectionLine {
    id: i64,
    kind: &'static str,
    status: &'static str,
    badge: &'static str,
    started_on: NaiveDate,
    term_number: i64,
    ended: String,
}

fn status_badge(s: ElectionStatus) -> &'static str {
    match s {
        ElectionStatus::InProgress => "",
        ElectionStatus::Completed => "ok",
        ElectionStatus::Cancelled => "closed",
    }
}

fn years_options(org: &Org) -> Vec<(&'static str, &'static str)> {
    term_years_allowed(org.kind)
        .iter()
        .map(|y| match y {
            3 => ("3", "3年"),
            _ => ("5", "5年"),
        })
        .collect()
}

/// Breadcrumbs: the org's visible ancestors and the org itself.
async fn crumbs(st: &AppState, auth: &Auth, org: &Org) -> AppResult<Vec<OrgRef>> {
    let lineage = st.store.lineage(org).await?;
    let mut c = auth.crumbs(org, lineage);
    c.push(OrgRef {
        id: org.id,
        name: org.name.clone(),
    });
    Ok(c)
}

// ---------------------------------------------------------------------------------------------
// 任期与换届
// ---------------------------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "terms_show.html")]
pub struct TermsPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    notice: Option<String>,
    can_write: bool,
    current: Option<TermView>,
    history: Vec<TermView>,
    /// The election in progress: (kind, started on, next step, steps done).
    in_progress: Option<(&'static str, NaiveDate, Option<&'static str>, usize)>,
    elections: Vec<ElectionLine>,
    term_form: FormState,
    election_form: FormState,
    years_options: Vec<(&'static str, &'static str)>,
    kind_options: Vec<(&'static str, &'static str)>,
    step_count: usize,
}

#[derive(Default)]
struct TermForms {
    term: FormState,
    election: FormState,
}

async fn terms_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    notice: Option<String>,
    forms: TermForms,
) -> AppResult<TermsPage> {
    let org = st.store.org(id).await?;
    auth.read_org(&org).await?;
    let o = st.store.term_overview(id).await?;
    let day = today();
    let mut term_form = forms.term;
    if term_form.values.is_empty() {
        let next = o.current.as_ref().map(|t| t.number + 1).unwrap_or(1);
        term_form.set("number", next.to_string());
        let years = o
            .current
            .as_ref()
            .map(|t| t.years.to_string())
            .unwrap_or_else(|| {
                term_years_allowed(org.kind)
                    .last()
                    .unwrap_or(&5)
                    .to_string()
            });
        term_form.set("years", years);
    }
    let mut election_form = forms.election;
    if election_form.values.is_empty() {
        let late = o.current.as_ref().is_some_and(|t| overdue(t.end_on, day));
        election_form.set(
            "kind",
            if late {
                ElectionKind::Late.code()
            } else {
                ElectionKind::Regular.code()
            },
        );
        election_form.set("started_on", day.to_string());
    }
    let in_progress = o.in_progress.as_ref().map(|v| {
        (
            v.election.kind.label(),
            v.election.started_on,
            v.next_step().map(|s| s.label()),
            v.steps.len(),
        )
    });
    let elections = o
        .elections
        .iter()
        .map(|e| ElectionLine {
            id: e.id,
            kind: e.kind.label(),
            status: e.status.label(),
            badge: status_badge(e.status),
            started_on: e.started_on,
            term_number: e.term_number,
            ended: match (e.completed_on, e.cancelled_on) {
                (Some(d), _) => format!("{d} 完成"),
                (_, Some(d)) => format!(
                    "{d} 撤销{}",
                    e.cancel_reason
                        .as_deref()
                        .map(|r| format!("：{r}"))
                        .unwrap_or_default()
                ),
                _ => "进行中".into(),
            },
        })
        .collect();
    Ok(TermsPage {
        nav: Nav::of(auth),
        crumbs: crumbs(st, auth, &org).await?,
        can_write: auth.writes(&org) && org.is_active(),
        current: o.current.as_ref().map(|t| TermView::of(t, day)),
        history: o.history.iter().map(|t| TermView::of(t, day)).collect(),
        in_progress,
        elections,
        term_form,
        election_form,
        years_options: years_options(&org),
        kind_options: ElectionKind::options(),
        step_count: ElectionStep::ALL.len(),
        org,
        notice,
    })
}

/// 任期与换届: the current term, history, the election in progress, past elections.
pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<TermsPage> {
    terms_page(&st, &auth, id, notice(&q), TermForms::default()).await
}

/// 登记任期: the first term the system knows of, or one elected outside the tracked procedure.
pub async fn record_term(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    let mut form = form_of(fields, &["number", "start_on", "years", "note"]);
    let number = form.count_req("number", "届次");
    let start_on = form.date_req("start_on", "任期开始日期");
    let years = form.parse_req("years", "任期年限", |s| {
        s.trim_end_matches('年')
            .parse::<u32>()
            .map_err(|_| "请选择任期年限")
    });
    if let (Some(number), Some(start_on), Some(years), false) =
        (number, start_on, years, form.has_errors())
    {
        let input = TermInput {
            number,
            start_on,
            years,
            note: form.text("note"),
        };
        match st.store.record_term(&auth.actor(), id, input).await {
            Ok(_) => return Ok(done(&format!("/orgs/{id}/terms"), "term").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let forms = TermForms {
        term: form,
        ..Default::default()
    };
    Ok(unprocessable(
        terms_page(&st, &auth, id, None, forms).await?,
    ))
}

/// 发起换届选举.
pub async fn start_election(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    let mut form = form_of(fields, &["kind", "started_on", "note"]);
    let kind = form.parse_req("kind", "换届类型", |s| {
        ElectionKind::from_label(s).ok_or("请选择按期、提前或延期换届")
    });
    let started_on = form.date_opt("started_on");
    if let (Some(kind), false) = (kind, form.has_errors()) {
        match st
            .store
            .start_election(&auth.actor(), id, kind, started_on, form.text("note"))
            .await
        {
            Ok(_) => {
                return Ok(done(&format!("/orgs/{id}/election"), "election").into_response());
            }
            Err(e) => form.absorb(e)?,
        }
    }
    let forms = TermForms {
        election: form,
        ..Default::default()
    };
    Ok(unprocessable(
        terms_page(&st, &auth, id, None, forms).await?,
    ))
}

// ---------------------------------------------------------------------------------------------
// 换届选举
// ---------------------------------------------------------------------------------------------

/// A step of the procedure as the page lists it.
pub struct StepLine {
    number: usize,
    label: &'static str,
    is_approval: bool,
    is_next: bool,
    done: Option<StepDone>,
}

pub struct StepDone {
    done_on: NaiveDate,
    person: String,
    documents: Option<String>,
    note: Option<String>,
    approver: Option<String>,
    recorded_by: String,
}

/// The next step's form.
pub struct NextStep {
    code: &'static str,
    label: &'static str,
    is_approval: bool,
    is_congress: bool,
    is_last: bool,
    needs_reason: bool,
    hint: &'static str,
    /// Where the form posts: the union's own steps or the parent's approvals.
    action: String,
}

pub struct ElectionShow {
    kind: &'static str,
    status: &'static str,
    badge: &'static str,
    in_progress: bool,
    completed: bool,
    started_on: NaiveDate,
    term_number: i64,
    term_end: NaiveDate,
    reason: Option<String>,
    new_years: Option<i64>,
    ended: Option<String>,
    note: Option<String>,
    steps: Vec<StepLine>,
    next: Option<NextStep>,
}

#[derive(Template, WebTemplate)]
#[template(path = "terms_election.html")]
pub struct ElectionPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    notice: Option<String>,
    election: Option<ElectionShow>,
    can_write: bool,
    may_approve: bool,
    /// Who approves: the affiliation parent's name as this account may see it.
    approver_name: String,
    step_form: FormState,
    cancel_form: FormState,
    officer_form: FormState,
    committee_form: FormState,
    years_options: Vec<(&'static str, &'static str)>,
    committee_options: Vec<(&'static str, &'static str)>,
    role_options: Vec<(&'static str, &'static str)>,
    /// After completion: the new term and the officers recorded for it.
    new_term: Option<TermView>,
    new_officers: Vec<(String, String, String)>,
    three: Vec<(&'static str, &'static str, bool)>,
    /// All three committees of the new term are recorded.
    three_done: bool,
}

#[derive(Default)]
struct ElectionForms {
    step: FormState,
    cancel: FormState,
    officer: FormState,
    committee: FormState,
}

/// The affiliation parent, when the org has one.
async fn parent_of(st: &AppState, org: &Org) -> AppResult<Option<Org>> {
    Ok(match org.parent_id {
        Some(p) => Some(st.store.org(p).await?),
        None => None,
    })
}

/// Whether this account may record the approvals of `org`'s election: staff of the
/// affiliation parent; for the city federation (no parent in the system) its own staff.
fn approves(auth: &Auth, org: &Org, parent: Option<&Org>) -> bool {
    match parent {
        Some(p) => auth.writes(p),
        None => auth.writes(org),
    }
}

async fn election_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    election_id: Option<i64>,
    notice: Option<String>,
    forms: ElectionForms,
) -> AppResult<ElectionPage> {
    let org = st.store.org(id).await?;
    auth.read_org(&org).await?;
    let parent = parent_of(st, &org).await?;
    let approver_name = match &parent {
        Some(p) => auth.show_org(p.id, &p.name, &p.path).1,
        None => "上级工会".to_owned(),
    };
    let can_write = auth.writes(&org) && org.is_active();
    let may_approve = approves(auth, &org, parent.as_ref()) && org.is_active();
    let view = st.store.election_view(id, election_id).await?;
    let mut step_form = forms.step;
    let mut new_term = None;
    let mut new_officers = vec![];
    let mut three = vec![];
    let election = match view {
        None => None,
        Some(v) => {
            let next = v.next_step();
            if let Some(n) = next
                && !step_form.values.contains_key("step")
            {
                step_form.set("step", n.code());
                step_form.set("done_on", today().to_string());
                if n == ElectionStep::Congress {
                    let years = st
                        .store
                        .current_term(id)
                        .await?
                        .map(|t| t.years)
                        .unwrap_or(5);
                    step_form.set("new_years", years.to_string());
                }
            }
            if v.election.status == ElectionStatus::Completed {
                let current = st.store.current_term(id).await?;
                if let Some(t) = current.filter(|t| Some(t.id) == v.election.new_term_id) {
                    let officers = st.store.officers(id).await?;
                    new_officers = officers
                        .iter()
                        .filter(|o| o.left_on.is_none() && o.term_start == Some(t.start_on))
                        .map(|o| {
                            (
                                o.committee.label().to_owned(),
                                o.role.label().to_owned(),
                                o.name.clone(),
                            )
                        })
                        .collect();
                    let committees = st.store.committees(id).await?;
                    three = CommitteeKind::THREE
                        .iter()
                        .map(|k| {
                            (
                                k.code(),
                                k.label(),
                                committees
                                    .iter()
                                    .any(|c| c.kind == *k && c.established_on == Some(t.start_on)),
                            )
                        })
                        .collect();
                    new_term = Some(TermView::of(&t, today()));
                }
            }
            Some(show_election(st, auth, id, &v).await?)
        }
    };
    let mut officer_form = forms.officer;
    if officer_form.values.is_empty() {
        officer_form.set("committee", CommitteeKind::UnionCommittee.code());
        officer_form.set("role", OfficerRole::Chair.code());
    }
    Ok(ElectionPage {
        nav: Nav::of(auth),
        crumbs: crumbs(st, auth, &org).await?,
        years_options: years_options(&org),
        org,
        notice,
        election,
        can_write,
        may_approve,
        approver_name,
        step_form,
        cancel_form: forms.cancel,
        officer_form,
        committee_form: forms.committee,
        committee_options: CommitteeKind::THREE
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        role_options: OfficerRole::options(),
        new_term,
        new_officers,
        three_done: !three.is_empty() && three.iter().all(|t| t.2),
        three,
    })
}

async fn show_election(
    st: &AppState,
    auth: &Auth,
    org_id: i64,
    v: &ElectionView,
) -> AppResult<ElectionShow> {
    let next = v.next_step();
    let mut steps = Vec::new();
    for s in ElectionStep::ALL {
        let done = match v.step(*s) {
            Some(r) => {
                let approver = match r.approver_org_id {
                    Some(a) => {
                        let o = st.store.org(a).await?;
                        Some(auth.show_org(o.id, &o.name, &o.path).1)
                    }
                    None if s.is_approval() => Some("上级工会".to_owned()),
                    None => None,
                };
                Some(StepDone {
                    done_on: r.done_on,
                    person: r.person.clone(),
                    documents: r.documents.clone(),
                    note: r.note.clone(),
                    approver,
                    recorded_by: r.recorded_by.clone(),
                })
            }
            None => None,
        };
        steps.push(StepLine {
            number: s.index() + 1,
            label: s.label(),
            is_approval: s.is_approval(),
            is_next: next == Some(*s),
            done,
        });
    }
    let e = &v.election;
    Ok(ElectionShow {
        kind: e.kind.label(),
        status: e.status.label(),
        badge: status_badge(e.status),
        in_progress: e.in_progress(),
        completed: e.status == ElectionStatus::Completed,
        started_on: e.started_on,
        term_number: e.term_number,
        term_end: e.term_end,
        reason: e.reason.clone(),
        new_years: e.new_years,
        ended: match (e.completed_on, e.cancelled_on) {
            (Some(d), _) => Some(format!("{d} 完成，第{}届任期已开始", e.term_number + 1)),
            (_, Some(d)) => Some(format!(
                "{d} 撤销：{}",
                e.cancel_reason.as_deref().unwrap_or("")
            )),
            _ => None,
        },
        note: e.note.clone(),
        steps,
        next: next.map(|n| NextStep {
            code: n.code(),
            label: n.label(),
            is_approval: n.is_approval(),
            is_congress: n == ElectionStep::Congress,
            is_last: n.is_last(),
            needs_reason: n == ElectionStep::ParentApproval && e.kind.needs_reason(),
            hint: n.documents_hint(),
            action: if n.is_approval() {
                format!("/orgs/{org_id}/election/approve")
            } else {
                format!("/orgs/{org_id}/election/step")
            },
        }),
    })
}

/// 换届选举: the election in progress (or the latest, or `?e=` one of the history).
pub async fn election(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<ElectionPage> {
    let eid = q.get("e").and_then(|e| e.parse::<i64>().ok());
    let page = election_page(&st, &auth, id, eid, notice(&q), ElectionForms::default()).await?;
    if eid.is_some() && page.election.is_none() {
        return Err(AppError::not_found("换届选举"));
    }
    Ok(page)
}

/// Refuse an approval to someone who is not the parent's staff: audited, with the reason.
async fn refuse_approval(auth: &Auth, org: &Org, approver_name: &str) -> Response {
    let _ = auth
        .forbid("approve", Target::new("election", None, Some(org.id)))
        .await;
    let page = DeniedPage {
        nav: Nav::of(auth),
        status: 403,
        title: "没有权限",
        message: format!(
            "“上级批复”和“批复”须由隶属上级工会（{approver_name}）的工作人员登记，本单位的工作人员和工会主席不能批复本单位的换届选举。"
        ),
    };
    (StatusCode::FORBIDDEN, page).into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct DeniedPage {
    nav: Nav,
    status: u16,
    title: &'static str,
    message: String,
}

/// Do one step. `via_approve`: the form of the parent's approvals. The union's own staff may
/// do the union's steps; the two approvals need the affiliation parent's staff.
async fn do_step(
    st: &AppState,
    auth: &Auth,
    id: i64,
    fields: Fields,
    via_approve: bool,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    let parent = parent_of(st, &org).await?;
    let requested = fields
        .get("step")
        .and_then(|s| ElectionStep::from_code(s.trim()));
    let approval = via_approve || requested.is_some_and(|s| s.is_approval());
    if approval {
        if !auth.sees(&org) {
            auth.read_org(&org).await?;
        }
        if !approves(auth, &org, parent.as_ref()) {
            let name = match &parent {
                Some(p) => auth.show_org(p.id, &p.name, &p.path).1,
                None => "上级工会".to_owned(),
            };
            return Ok(refuse_approval(auth, &org, &name).await);
        }
    } else {
        auth.write_org(&org).await?;
    }
    let mut form = form_of(
        fields,
        &[
            "step",
            "done_on",
            "person",
            "documents",
            "reason",
            "new_years",
            "note",
        ],
    );
    let step = form.parse_req("step", "步骤", |s| {
        ElectionStep::from_code(s).ok_or("请从页面上的按钮办理换届步骤")
    });
    if via_approve && step.is_some_and(|s| !s.is_approval()) {
        form.general =
            Some("这里只登记上级工会的批复，本单位办理的步骤请在本单位的表单中登记".into());
    }
    let done_on = form.date_req("done_on", "办理日期");
    let person = form.required("person", "负责人（经办人）");
    let new_years = form.parse_opt("new_years", |s| {
        s.trim_end_matches('年')
            .parse::<u32>()
            .map_err(|_| "请选择新一届任期年限")
    });
    if let (Some(step), Some(done_on), Some(person), false) =
        (step, done_on, person, form.has_errors())
    {
        let input = StepInput {
            step,
            done_on,
            person,
            documents: form.text("documents"),
            note: form.text("note"),
            reason: form.text("reason"),
            new_years,
            approver_org_id: if step.is_approval() {
                parent.as_ref().map(|p| p.id)
            } else {
                None
            },
        };
        match st.store.complete_step(&auth.actor(), id, input).await {
            Ok(StepOutcome::Recorded) => {
                return Ok(done(&format!("/orgs/{id}/election"), "step").into_response());
            }
            Ok(StepOutcome::Completed { .. }) => {
                return Ok(done(&format!("/orgs/{id}/election"), "elected").into_response());
            }
            Err(e) => form.absorb(e)?,
        }
    }
    let forms = ElectionForms {
        step: form,
        ..Default::default()
    };
    Ok(unprocessable(
        election_page(st, auth, id, None, None, forms).await?,
    ))
}

/// 办理下一步 (the union's own steps).
pub async fn step(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    do_step(&st, &auth, id, fields, false).await
}

/// 上级批复 / 批复, by the affiliation parent's staff.
pub async fn approve(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    do_step(&st, &auth, id, fields, true).await
}

/// 撤销本次换届选举.
pub async fn cancel(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    let mut form = form_of(fields, &["cancel_reason"]);
    match st
        .store
        .cancel_election(&auth.actor(), id, form.text("cancel_reason"))
        .await
    {
        Ok(()) => return Ok(done(&format!("/orgs/{id}/terms"), "cancelled").into_response()),
        Err(e) => form.absorb(e)?,
    }
    let forms = ElectionForms {
        cancel: form,
        ..Default::default()
    };
    Ok(unprocessable(
        election_page(&st, &auth, id, None, None, forms).await?,
    ))
}

/// 登记新一届领导班子: an officer elected by the congress, serving the new term.
pub async fn add_elected_officer(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    let mut form = form_of(fields, &["committee", "role", "name", "phone"]);
    let committee = form.parse_req("committee", "委员会", |s| {
        CommitteeKind::from_label(s).ok_or("请选择委员会")
    });
    let role = form.parse_req("role", "职务", |s| {
        OfficerRole::from_label(s).ok_or("请选择职务")
    });
    let name = form.required("name", "姓名");
    let term = st.store.current_term(id).await?;
    if term.is_none() {
        form.general = Some("还没有本届任期，请先完成换届选举或登记任期".into());
    }
    if let (Some(committee), Some(role), Some(name), Some(term), false) =
        (committee, role, name, term, form.has_errors())
    {
        let input = OfficerInput {
            full_time: form.checked("full_time"),
            term_start: Some(term.start_on),
            term_end: Some(term.end_on),
            phone: form.text("phone"),
            ..OfficerInput::plain(committee, role, name)
        };
        match st.store.add_officer(&auth.actor(), id, input).await {
            Ok(_) => return Ok(done(&format!("/orgs/{id}/election"), "officer").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let forms = ElectionForms {
        officer: form,
        ..Default::default()
    };
    Ok(unprocessable(
        election_page(&st, &auth, id, None, None, forms).await?,
    ))
}

/// 登记新一届三委会: the committees the congress elected, established on its date.
pub async fn set_elected_committees(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    let mut form = FormState::from_values(fields);
    let chosen: Vec<CommitteeKind> = CommitteeKind::THREE
        .iter()
        .copied()
        .filter(|k| form.checked(k.code()))
        .collect();
    let term = st.store.current_term(id).await?;
    match (&term, chosen.is_empty()) {
        (None, _) => form.general = Some("还没有本届任期，请先完成换届选举或登记任期".into()),
        (_, true) => form.general = Some("请勾选大会选举产生的委员会".into()),
        (Some(t), false) => {
            for k in chosen {
                if let Err(e) = st
                    .store
                    .set_committee(
                        &auth.actor(),
                        id,
                        k,
                        Some(t.start_on),
                        Some(format!("第{}届", t.number)),
                    )
                    .await
                {
                    form.absorb(e)?;
                    break;
                }
            }
            if !form.has_errors() {
                return Ok(done(&format!("/orgs/{id}/election"), "committee").into_response());
            }
        }
    }
    let forms = ElectionForms {
        committee: form,
        ..Default::default()
    };
    Ok(unprocessable(
        election_page(&st, &auth, id, None, None, forms).await?,
    ))
}

// ---------------------------------------------------------------------------------------------
// 组织建设提醒
// ---------------------------------------------------------------------------------------------

/// A number in the table with the list behind it.
pub struct Cell {
    label: &'static str,
    n: i64,
    href: String,
}

pub struct ReminderLine {
    org_id: i64,
    name: String,
    kind_label: &'static str,
    is_self: bool,
    orgs: i64,
    cells: Vec<Cell>,
}

#[derive(Template, WebTemplate)]
#[template(path = "terms_reminders.html")]
pub struct RemindersPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    as_of: NaiveDate,
    kinds: Vec<(&'static str, &'static str)>,
    lines: Vec<ReminderLine>,
    total: ReminderLine,
}

fn list_href(org_id: i64, kind: ReminderKind) -> String {
    format!("/orgs/{org_id}/reminders/list?kind={}", kind.code())
}

/// 组织建设提醒: counts per child org, each linking to its list.
pub async fn reminders(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<RemindersPage> {
    let org = st.store.org(id).await?;
    auth.read_org(&org).await?;
    let as_of = today();
    let table = st.store.reminders(&org, as_of).await?;
    let lines = table
        .rows
        .iter()
        .map(|r| ReminderLine {
            org_id: r.org_id,
            name: r.name.clone(),
            kind_label: r.kind_label,
            is_self: r.is_self,
            orgs: r.counts.orgs,
            cells: ReminderKind::ALL
                .iter()
                .map(|k| Cell {
                    label: k.label(),
                    n: r.counts.get(*k),
                    href: if r.is_self {
                        format!("/orgs/{}/terms", r.org_id)
                    } else {
                        list_href(r.org_id, *k)
                    },
                })
                .collect(),
        })
        .collect();
    let total = ReminderLine {
        org_id: org.id,
        name: "合计".into(),
        kind_label: "",
        is_self: false,
        orgs: table.total.orgs,
        cells: ReminderKind::ALL
            .iter()
            .map(|k| Cell {
                label: k.label(),
                n: table.total.get(*k),
                href: list_href(org.id, *k),
            })
            .collect(),
    };
    Ok(RemindersPage {
        nav: Nav::of(&auth),
        crumbs: crumbs(&st, &auth, &org).await?,
        org,
        as_of,
        kinds: ReminderKind::options(),
        lines,
        total,
    })
}

/// One org of a list, as shown and exported.
pub struct ItemLine {
    id: i64,
    name: String,
    kind_label: &'static str,
    parent_id: i64,
    parent_name: String,
    term: String,
    term_end: String,
    chair: &'static str,
    committees: String,
    election: String,
}

impl ItemLine {
    fn of(auth: &Auth, i: &ReminderItem, as_of: NaiveDate) -> ItemLine {
        let (parent_id, parent_name) = match (&i.parent_id, &i.parent_name, &i.parent_path) {
            (Some(id), Some(name), Some(path)) => auth.show_org(*id, name, path),
            _ => (0, "—".into()),
        };
        let term_end = match i.term_end {
            Some(end) if overdue(end, as_of) => {
                format!("{end}（已届满{}天）", (as_of - end).num_days())
            }
            Some(end) if end == as_of => format!("{end}（今天届满）"),
            Some(end) => format!("{end}（还有{}天）", (end - as_of).num_days()),
            None => "未登记".into(),
        };
        let committees = if i.missing_committees.is_empty() {
            "齐全".to_owned()
        } else {
            format!(
                "缺{}",
                i.missing_committees
                    .iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join("、")
            )
        };
        let election = match i.election {
            Some((kind, Some(next))) => format!("{}进行中，下一步：{}", kind.label(), next.label()),
            Some((kind, None)) => format!("{}进行中", kind.label()),
            None => "—".into(),
        };
        ItemLine {
            id: i.org_id,
            name: i.name.clone(),
            kind_label: i.kind_label,
            parent_id,
            parent_name,
            term: i
                .term_number
                .map(|n| format!("第{n}届"))
                .unwrap_or_else(|| "—".into()),
            term_end,
            chair: if i.has_chair { "有" } else { "无" },
            committees,
            election,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "terms_reminder_list.html")]
pub struct ReminderListPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    as_of: NaiveDate,
    kind_code: &'static str,
    kind_label: &'static str,
    tabs: Vec<(&'static str, &'static str, String, bool)>,
    items: Vec<ItemLine>,
}

fn reminder_kind(q: &Fields) -> AppResult<ReminderKind> {
    match q.get("kind") {
        None => Ok(ReminderKind::EndingSoon),
        Some(k) => ReminderKind::from_code(k).ok_or(AppError::not_found("提醒类别")),
    }
}

/// The orgs behind one number of the reminder table.
pub async fn reminder_list(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<ReminderListPage> {
    let org = st.store.org(id).await?;
    auth.read_org(&org).await?;
    let kind = reminder_kind(&q)?;
    let as_of = today();
    let items = st.store.reminder_list(&org, kind, as_of).await?;
    Ok(ReminderListPage {
        nav: Nav::of(&auth),
        crumbs: crumbs(&st, &auth, &org).await?,
        tabs: ReminderKind::ALL
            .iter()
            .map(|k| (k.code(), k.label(), list_href(id, *k), *k == kind))
            .collect(),
        items: items
            .iter()
            .map(|i| ItemLine::of(&auth, i, as_of))
            .collect(),
        org,
        as_of,
        kind_code: kind.code(),
        kind_label: kind.label(),
    })
}

/// A list as an .xlsx sheet (the export is audited).
pub async fn reminder_export(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.read_org(&org).await?;
    let kind = reminder_kind(&q)?;
    let as_of = today();
    let items = st.store.reminder_list(&org, kind, as_of).await?;
    let lines: Vec<ItemLine> = items
        .iter()
        .map(|i| ItemLine::of(&auth, i, as_of))
        .collect();
    let detail = serde_json::json!({ "kind": kind.code(), "rows": lines.len(), "as_of": as_of });
    st.store
        .audit_event(
            &auth.actor(),
            "reminders.export",
            Target::new("org", Some(org.id), Some(org.id)),
            true,
            Some(&detail),
        )
        .await?;
    let bytes =
        reminder_xlsx(&org, kind, as_of, &lines).map_err(|e| AppError::from(Error::Io(e)))?;
    let file = format!(
        "组织建设提醒-{}-{}.xlsx",
        kind.label(),
        as_of.format("%Y%m%d")
    );
    let disposition = format!(
        "attachment; filename=\"reminders-{}-{}.xlsx\"; filename*=UTF-8''{}",
        kind.code(),
        as_of.format("%Y%m%d"),
        percent(&file)
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

/// RFC 5987 encoding of a file name.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn reminder_xlsx(
    org: &Org,
    kind: ReminderKind,
    as_of: NaiveDate,
    lines: &[ItemLine],
) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(kind.label()).map_err(e)?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(
        0,
        0,
        format!(
            "{} 组织建设提醒：{}（截至 {as_of}）",
            org.name,
            kind.label()
        ),
        &bold,
    )
    .map_err(e)?;
    let headers = [
        "序号",
        "工会名称",
        "类型",
        "隶属上级",
        "届次",
        "任期届满",
        "工会主席",
        "三委会",
        "换届进展",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &bold)
            .map_err(e)?;
    }
    for (i, l) in lines.iter().enumerate() {
        let r = i as u32 + 3;
        ws.write_number(r, 0, (i + 1) as f64).map_err(e)?;
        let cells = [
            l.name.as_str(),
            l.kind_label,
            l.parent_name.as_str(),
            l.term.as_str(),
            l.term_end.as_str(),
            l.chair,
            l.committees.as_str(),
            l.election.as_str(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(r, c as u16 + 1, *v).map_err(e)?;
        }
    }
    ws.set_column_width(1, 36).map_err(e)?;
    ws.set_column_width(3, 24).map_err(e)?;
    ws.set_column_width(5, 24).map_err(e)?;
    ws.set_column_width(7, 30).map_err(e)?;
    ws.set_column_width(8, 30).map_err(e)?;
    ws.set_freeze_panes(3, 0).map_err(e)?;
    wb.save_to_buffer().map_err(e)
}
