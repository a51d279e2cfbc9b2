//! One assessment on one page (`/assessments/{id}`): the union's checklist (自评, 上传照片,
//! 提交审核) while it may edit, the reviewer's scoring form (评分, 实地检查, 退回, 完成验收),
//! the reward form for the campaign's staff, or the record as it stands; with the history.
//!
//! The union's checklist is one form (multipart, `_csrf` first): every button of it (保存,
//! 上传 of an item, 删除 of a file, 提交审核) posts everything typed, so nothing typed is lost
//! when a photo is uploaded or a file removed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use gonghui_domain::{AssessmentState, EvidenceKind, REMIND_DAYS, check_score, parse_yuan};
use gonghui_store::{
    AssessmentAccess, AssessmentView, Error, ReviewInput, ReviewScore, RewardInput, SelfAnswer,
};

use super::{Fields, notice, put, state_class, today};
use crate::auth::Auth;
use crate::forms::FormState;
use crate::nav::Nav;
use crate::pages::orgs::unprocessable;
use crate::{AppError, AppResult, AppState};

// ---------------------------------------------------------------------------------------------
// Reading a posted form (urlencoded or multipart)
// ---------------------------------------------------------------------------------------------

/// One chosen file of a multipart form.
pub(crate) struct PostedFile {
    pub field: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

fn refuse(message: &str) -> AppError {
    Error::rule(message).into()
}

/// The text fields of a posted form and its chosen files. File inputs left empty are skipped.
pub(crate) async fn read_posted(
    st: &AppState,
    req: Request,
) -> AppResult<(Fields, Vec<PostedFile>)> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let mut fields = Fields::new();
    let mut files = Vec::new();
    if multipart {
        let mut mp = Multipart::from_request(req, st)
            .await
            .map_err(|_| refuse("上传的内容不完整，请刷新页面后重新提交"))?;
        loop {
            let field = match mp.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(refuse(&format!(
                        "上传的文件超过了单个附件 {} MB 的上限；请把照片压缩（如用微信发送后保存）后再上传，一次上传一个文件",
                        gonghui_domain::MAX_ATTACHMENT_BYTES / 1024 / 1024
                    )));
                }
                Err(_) => return Err(refuse("上传中断，请检查网络后重新提交")),
            };
            let name = field.name().unwrap_or("").to_owned();
            match field.file_name() {
                Some(f) if !f.trim().is_empty() => {
                    let (file_name, bytes) = crate::uploads::read_file_field(field).await?;
                    files.push(PostedFile {
                        field: name,
                        file_name,
                        bytes,
                    });
                }
                Some(_) => {
                    // A file input with nothing chosen: read past it.
                    let _ = field.bytes().await;
                }
                None => {
                    let text = field
                        .text()
                        .await
                        .map_err(|_| refuse("提交的内容不完整，请刷新页面后重新提交"))?;
                    fields.insert(name, text);
                }
            }
        }
    } else {
        let axum::extract::Form(f): axum::extract::Form<Fields> =
            axum::extract::Form::from_request(req, st)
                .await
                .map_err(|_| refuse("提交的内容无法识别，请刷新页面后重新提交"))?;
        fields = f;
    }
    Ok((fields, files))
}

// ---------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------

pub struct FileLine {
    pub evidence_id: i64,
    pub attachment_id: i64,
    pub file_name: String,
    pub is_image: bool,
    pub size: String,
}

pub struct ItemLine {
    pub id: i64,
    pub position: i64,
    pub section: String,
    pub title: String,
    pub description: String,
    pub points: i64,
    pub veto: bool,
    pub evidence_text: String,
    pub needs_files: bool,
    pub accept: &'static str,
    pub upload_label: &'static str,
    pub missing: String,
    pub files: Vec<FileLine>,
    pub file_field: String,
    pub file_error: String,
    pub self_field: String,
    pub self_value: String,
    pub self_error: String,
    /// 做到/未做到 for a veto item (value, label, selected).
    pub self_options: Vec<(String, String, bool)>,
    pub note_field: String,
    pub note_value: String,
    pub self_text: String,
    pub self_note: String,
    pub score_field: String,
    pub score_value: String,
    pub score_error: String,
    pub score_options: Vec<(String, String, bool)>,
    pub comment_field: String,
    pub comment_value: String,
    pub score_text: String,
    pub comment: String,
}

pub struct EventLine {
    pub at: String,
    pub from: &'static str,
    pub to: &'static str,
    pub to_class: &'static str,
    pub who: String,
    pub reason: String,
}

/// The steps of the workflow, as the page's progress line shows them.
pub struct Step {
    pub label: &'static str,
    pub done: bool,
    pub current: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "assessment.html")]
pub struct AssessmentPage {
    nav: Nav,
    notice: Option<String>,
    id: i64,
    org_name: String,
    org_href: Option<String>,
    campaign_id: i64,
    campaign_name: String,
    campaign_org: String,
    standard: String,
    grading_text: String,
    state: String,
    state_class: &'static str,
    steps: Vec<Step>,
    due: NaiveDate,
    due_note: String,
    overdue: bool,
    items: Vec<ItemLine>,
    form: FormState,
    can_self: bool,
    can_review: bool,
    /// A reviewer who submitted it themselves.
    own_submission: bool,
    can_reward: bool,
    missing: Vec<String>,
    return_reason: Option<String>,
    result: Option<String>,
    veto_failed: bool,
    self_total: String,
    self_preview: String,
    preview: String,
    scored: usize,
    site_visit: String,
    notice_line: Option<(i64, String)>,
    honor: String,
    reward: String,
    reward_default: String,
    events: Vec<EventLine>,
    max_points: i64,
}

fn steps(state: AssessmentState) -> Vec<Step> {
    use AssessmentState as S;
    let labels = [
        "自评",
        "提交",
        "审核",
        "验收",
        "公示",
        "授予称号",
        "奖励发放",
    ];
    let at = match state {
        S::NotStarted | S::SelfReview | S::Returned => 0,
        S::Submitted => 1,
        S::InReview => 2,
        S::Passed | S::Failed => 3,
        S::Published => 4,
        S::Titled => 5,
        S::Rewarded => 6,
    };
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| Step {
            label: l,
            done: i < at || (i == at && state == S::Rewarded),
            current: i == at,
        })
        .collect()
}

fn field(prefix: &str, id: i64) -> String {
    format!("{prefix}_{id}")
}

fn veto_options(points: i64, value: &str) -> Vec<(String, String, bool)> {
    vec![
        (
            points.to_string(),
            format!("做到（{points}分）"),
            value == points.to_string(),
        ),
        ("0".into(), "未做到（0分）".into(), value == "0"),
    ]
}

fn opt_num(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// The form's values: what is stored, then what was typed (kept on a refusal).
fn values(v: &AssessmentView, typed: Option<&Fields>) -> FormState {
    let mut f = FormState::default();
    for i in &v.items {
        f.set(&field("score", i.item.id), opt_num(i.self_score));
        f.set(
            &field("note", i.item.id),
            i.self_note.clone().unwrap_or_default(),
        );
        f.set(&field("rscore", i.item.id), opt_num(i.score));
        f.set(
            &field("comment", i.item.id),
            i.comment.clone().unwrap_or_default(),
        );
    }
    f.set(
        "site_visit_on",
        v.assessment
            .site_visit_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    f.set(
        "site_visit_note",
        v.assessment.site_visit_note.clone().unwrap_or_default(),
    );
    f.set("paid_on", today().to_string());
    if v.campaign.reward_fen > 0 {
        f.set("amount", gonghui_domain::format_yuan(v.campaign.reward_fen));
    }
    if let Some(t) = typed {
        for (k, val) in t {
            if k != "_csrf" {
                f.set(k, val.clone());
            }
        }
    }
    f
}

async fn page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    form: Option<FormState>,
    notice: Option<String>,
) -> AppResult<AssessmentPage> {
    let v = st.store.assessment_view(id).await?;
    let a = &v.assessment;
    let access = &v.access;
    let can_self = a.state.union_may_edit() && auth.self_reviews(access);
    let reviewer = a.state.reviewer_may_score() && auth.reviewer_of(access);
    let can_review = reviewer && auth.reviews(access);
    let can_reward = auth.manages_campaign(&v.campaign)
        && (a.state == AssessmentState::Titled
            || (a.state == AssessmentState::Passed && v.campaign.honor_title.is_none()));
    let form = form.unwrap_or_else(|| values(&v, None));
    let items = v
        .items
        .iter()
        .map(|i| {
            let it = &i.item;
            let (sf, rf) = (field("score", it.id), field("rscore", it.id));
            ItemLine {
                id: it.id,
                position: it.position,
                section: it.section.clone(),
                title: it.title.clone(),
                description: it.description.clone(),
                points: it.points,
                veto: it.veto,
                evidence_text: it.evidence_text(),
                needs_files: it.evidence != EvidenceKind::None,
                accept: match it.evidence {
                    EvidenceKind::Photo => "image/*",
                    _ => "image/*,application/pdf",
                },
                upload_label: match it.evidence {
                    EvidenceKind::Photo => "上传照片",
                    _ => "上传照片或PDF",
                },
                missing: i.missing.clone().unwrap_or_default(),
                files: i
                    .evidence
                    .iter()
                    .map(|e| FileLine {
                        evidence_id: e.id,
                        attachment_id: e.attachment.id,
                        file_name: e.attachment.file_name.clone(),
                        is_image: e.attachment.has_thumbnail,
                        size: e.attachment.size_text(),
                    })
                    .collect(),
                file_field: field("file", it.id),
                file_error: form.e(&field("file", it.id)).to_owned(),
                self_value: form.v(&sf).to_owned(),
                self_error: form.e(&sf).to_owned(),
                self_options: veto_options(it.points, form.v(&sf)),
                self_field: sf,
                note_field: field("note", it.id),
                note_value: form.v(&field("note", it.id)).to_owned(),
                self_text: i
                    .self_score
                    .map(|s| format!("{s}分"))
                    .unwrap_or_else(|| "未填".into()),
                self_note: i.self_note.clone().unwrap_or_default(),
                score_value: form.v(&rf).to_owned(),
                score_error: form.e(&rf).to_owned(),
                score_options: veto_options(it.points, form.v(&rf)),
                score_field: rf,
                comment_field: field("comment", it.id),
                comment_value: form.v(&field("comment", it.id)).to_owned(),
                score_text: i
                    .score
                    .map(|s| format!("{s}分"))
                    .unwrap_or_else(|| "未评".into()),
                comment: i.comment.clone().unwrap_or_default(),
            }
        })
        .collect();
    let t = today();
    let due = v.campaign.self_review_due;
    let (due_note, overdue) = if !a.state.union_may_edit() {
        (String::new(), false)
    } else if t > due {
        (format!("已逾期{}天", (t - due).num_days()), true)
    } else {
        let left = (due - t).num_days();
        (format!("还有{left}天"), left <= REMIND_DAYS)
    };
    let events = v
        .events
        .iter()
        .map(|e| EventLine {
            at: e
                .at
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            from: e.from.label(),
            to: e.to.label(),
            to_class: state_class(e.to),
            who: e.account_name.clone().unwrap_or_else(|| "—".into()),
            reason: e.reason.clone().unwrap_or_default(),
        })
        .collect();
    let outcome_text = |o: &gonghui_domain::Outcome| {
        format!(
            "{}，{}{}",
            o.score_text(),
            o.grade.label(),
            if o.veto_failed {
                "（一票否决项未达到）"
            } else {
                ""
            }
        )
    };
    let org_href = auth
        .sees_path(&access.org_path)
        .then(|| format!("/orgs/{}", v.org.id));
    Ok(AssessmentPage {
        nav: Nav::of(auth),
        notice,
        id,
        org_name: v.org.name.clone(),
        org_href,
        campaign_id: v.campaign.id,
        campaign_name: v.campaign.name.clone(),
        campaign_org: v.campaign.org_name.clone(),
        standard: format!("{}（第{}版）", v.campaign.standard_name, v.campaign.version),
        grading_text: v.grading_text.clone(),
        state: a.state.label().to_owned(),
        state_class: state_class(a.state),
        steps: steps(a.state),
        due,
        due_note,
        overdue,
        items,
        can_self,
        can_review,
        own_submission: reviewer && !can_review,
        can_reward,
        missing: v.missing.clone(),
        return_reason: v.return_reason().map(str::to_owned),
        result: a
            .state
            .decided()
            .then(|| format!("{}，{}", a.score_text(), a.grade_text())),
        veto_failed: a.veto_failed,
        self_total: a.self_total.map(|t| format!("{t}分")).unwrap_or_default(),
        self_preview: v
            .self_outcome
            .as_ref()
            .map(outcome_text)
            .unwrap_or_default(),
        preview: v.preview.as_ref().map(outcome_text).unwrap_or_default(),
        scored: v.scored,
        site_visit: match (&a.site_visit_on, &a.site_visit_note) {
            (Some(d), Some(n)) => format!("{d}：{n}"),
            (Some(d), None) => d.to_string(),
            (None, Some(n)) => n.clone(),
            (None, None) => String::new(),
        },
        notice_line: v.notice.as_ref().map(|n| {
            (
                n.id,
                format!("{}（{} 至 {}）", n.title, n.start_on, n.end_on),
            )
        }),
        honor: match (&v.campaign.honor_title, a.honor_id) {
            (Some(t), Some(_)) => format!(
                "已授予{}“{t}”称号",
                v.campaign.honor_level.map(|l| l.label()).unwrap_or("")
            ),
            _ => String::new(),
        },
        reward: match (a.reward_fen, a.reward_on) {
            (Some(_), Some(d)) => format!(
                "{}，{d}发放{}",
                a.reward_text(),
                a.reward_document_no
                    .as_deref()
                    .map(|n| format!("（{n}）"))
                    .unwrap_or_default()
            ),
            _ => String::new(),
        },
        reward_default: v.campaign.reward_text(),
        max_points: v.items.iter().map(|i| i.item.points).sum(),
        events,
        form,
    })
}

/// The assessment page: what the account may do with it now, and its record.
pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let access = st.store.assessment_access(id).await?;
    auth.read_assessment(&access).await?;
    Ok(page(&st, &auth, id, None, notice(&q))
        .await?
        .into_response())
}

async fn refused(st: &AppState, auth: &Auth, id: i64, form: FormState) -> AppResult<Response> {
    Ok(unprocessable(page(st, auth, id, Some(form), None).await?))
}

/// The form state of a posted checklist: stored values overlaid with what was typed.
async fn posted_form(st: &AppState, id: i64, fields: &Fields) -> AppResult<FormState> {
    let v = st.store.assessment_view(id).await?;
    Ok(values(&v, Some(fields)))
}

/// A score as typed: "8", "8分".
fn parse_score(s: &str) -> Result<i64, String> {
    let t = gonghui_domain::to_half_width(s);
    t.trim()
        .trim_end_matches('分')
        .trim()
        .parse::<i64>()
        .map_err(|_| "请填写整数分数，例如 8".to_owned())
}

/// The union's answers among the posted fields (only items whose fields were posted), each
/// checked beside its field.
async fn self_answers(
    st: &AppState,
    id: i64,
    fields: &Fields,
    form: &mut FormState,
) -> AppResult<Vec<SelfAnswer>> {
    let v = st.store.assessment_view(id).await?;
    let mut out = Vec::new();
    for i in &v.items {
        let it = &i.item;
        let sf = field("score", it.id);
        let nf = field("note", it.id);
        if !fields.contains_key(&sf) && !fields.contains_key(&nf) {
            continue;
        }
        let raw = fields.get(&sf).map(|s| s.trim()).unwrap_or("");
        let score = if raw.is_empty() {
            None
        } else {
            match parse_score(raw) {
                Ok(n) => match check_score(&it.title, it.points, it.veto, n) {
                    Ok(()) => Some(n),
                    Err(e) => {
                        form.error(&sf, e.0);
                        None
                    }
                },
                Err(e) => {
                    form.error(&sf, e);
                    None
                }
            }
        };
        out.push(SelfAnswer {
            item_id: it.id,
            score,
            note: fields
                .get(&nf)
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty()),
        });
    }
    Ok(out)
}

fn anchor(id: i64, done_code: &str, item: Option<i64>) -> Response {
    // The page opens at the item the person was working on.
    let to = match item {
        Some(i) => format!("/assessments/{id}?done={done_code}#item-{i}"),
        None => format!("/assessments/{id}?done={done_code}"),
    };
    axum::response::Redirect::to(&to).into_response()
}

async fn access_for_self(st: &AppState, auth: &Auth, id: i64) -> AppResult<AssessmentAccess> {
    let access = st.store.assessment_access(id).await?;
    auth.require_self_review(&access).await?;
    Ok(access)
}

/// 保存自评.
pub async fn save(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Response> {
    access_for_self(&st, &auth, id).await?;
    let (fields, _) = read_posted(&st, req).await?;
    let mut form = posted_form(&st, id, &fields).await?;
    let answers = self_answers(&st, id, &fields, &mut form).await?;
    if form.has_errors() {
        return refused(&st, &auth, id, form).await;
    }
    match st.store.save_self_review(&auth.actor(), id, &answers).await {
        Ok(_) => Ok(anchor(id, "saved", None)),
        Err(e) => {
            put(&mut form, e, &[])?;
            refused(&st, &auth, id, form).await
        }
    }
}

/// 上传佐证材料 for the item whose 上传 button was pressed (what was typed is saved with it).
pub async fn upload(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Response> {
    access_for_self(&st, &auth, id).await?;
    let posted = read_posted(&st, req).await;
    let (fields, mut files) = match posted {
        Ok(p) => p,
        Err(AppError {
            error: Error::Invalid { message, .. },
            ..
        }) => {
            // The file could not be read (too large, cut off): say so on the page, keep nothing.
            let mut form = posted_form(&st, id, &Fields::new()).await?;
            form.general = Some(message);
            return refused(&st, &auth, id, form).await;
        }
        Err(e) => return Err(e),
    };
    let mut form = posted_form(&st, id, &fields).await?;
    let item = fields.get("upload").and_then(|s| s.parse::<i64>().ok());
    let Some(item) = item else {
        form.general = Some("请在要上传的项目下选择文件，再点该项目的“上传”按钮".into());
        return refused(&st, &auth, id, form).await;
    };
    let file_field = field("file", item);
    let Some(pos) = files.iter().position(|f| f.field == file_field) else {
        form.error(&file_field, "请先点“选择文件”选好照片或PDF，再点“上传”");
        return refused(&st, &auth, id, form).await;
    };
    let file = files.swap_remove(pos);
    let prepared = match crate::uploads::prepare(file.file_name, file.bytes).await {
        Ok(p) => p,
        Err(AppError {
            error: Error::Invalid { message, .. },
            ..
        }) => {
            form.error(&file_field, message);
            return refused(&st, &auth, id, form).await;
        }
        Err(e) => return Err(e),
    };
    let answers = self_answers(&st, id, &fields, &mut form).await?;
    if form.has_errors() {
        return refused(&st, &auth, id, form).await;
    }
    match st
        .store
        .add_evidence(&auth.actor(), id, item, &prepared, &answers)
        .await
    {
        Ok(_) => Ok(anchor(id, "uploaded", Some(item))),
        Err(Error::Invalid { message, .. }) => {
            form.error(&file_field, message);
            refused(&st, &auth, id, form).await
        }
        Err(e) => Err(e.into()),
    }
}

/// 删除一份佐证材料 (what was typed is saved with it).
pub async fn remove(
    State(st): State<AppState>,
    auth: Auth,
    Path((id, evidence_id)): Path<(i64, i64)>,
    req: Request,
) -> AppResult<Response> {
    access_for_self(&st, &auth, id).await?;
    let (fields, _) = read_posted(&st, req).await?;
    let mut form = posted_form(&st, id, &fields).await?;
    let answers = self_answers(&st, id, &fields, &mut form).await?;
    if form.has_errors() {
        return refused(&st, &auth, id, form).await;
    }
    let actor = auth.actor();
    let item = st
        .store
        .assessment_view(id)
        .await?
        .items
        .iter()
        .find(|i| i.evidence.iter().any(|e| e.id == evidence_id))
        .map(|i| i.item.id);
    match st
        .store
        .remove_evidence(&actor, id, evidence_id, &answers)
        .await
    {
        Ok(()) => Ok(anchor(id, "removed", item)),
        Err(Error::NotFound(w)) => Err(AppError::not_found(w)),
        Err(e) => {
            put(&mut form, e, &[])?;
            refused(&st, &auth, id, form).await
        }
    }
}

/// 提交审核 (what was typed is saved first; a refusal lists what is still missing).
pub async fn submit(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Response> {
    access_for_self(&st, &auth, id).await?;
    let (fields, _) = read_posted(&st, req).await?;
    let mut form = posted_form(&st, id, &fields).await?;
    let answers = self_answers(&st, id, &fields, &mut form).await?;
    if form.has_errors() {
        return refused(&st, &auth, id, form).await;
    }
    let actor = auth.actor();
    let result = match st.store.save_self_review(&actor, id, &answers).await {
        Ok(_) => st.store.submit_assessment(&actor, id).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(anchor(id, "submitted", None)),
        Err(e) => {
            put(&mut form, e, &[])?;
            refused(&st, &auth, id, form).await
        }
    }
}

async fn access_for_review(st: &AppState, auth: &Auth, id: i64) -> AppResult<AssessmentAccess> {
    let access = st.store.assessment_access(id).await?;
    auth.require_review(&access).await?;
    Ok(access)
}

/// The reviewer's scores among the posted fields, each checked beside its field.
async fn review_input(
    st: &AppState,
    id: i64,
    fields: &Fields,
    form: &mut FormState,
) -> AppResult<ReviewInput> {
    let v = st.store.assessment_view(id).await?;
    let mut scores = Vec::new();
    for i in &v.items {
        let it = &i.item;
        let rf = field("rscore", it.id);
        let cf = field("comment", it.id);
        if !fields.contains_key(&rf) && !fields.contains_key(&cf) {
            continue;
        }
        let raw = fields.get(&rf).map(|s| s.trim()).unwrap_or("");
        let score = if raw.is_empty() {
            None
        } else {
            match parse_score(raw).and_then(|n| {
                check_score(&it.title, it.points, it.veto, n)
                    .map(|_| n)
                    .map_err(|e| e.0)
            }) {
                Ok(n) => Some(n),
                Err(e) => {
                    form.error(&rf, e);
                    None
                }
            }
        };
        scores.push(ReviewScore {
            item_id: it.id,
            score,
            comment: fields
                .get(&cf)
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty()),
        });
    }
    let site_visit_on = form.date_opt("site_visit_on");
    Ok(ReviewInput {
        scores,
        site_visit_on,
        site_visit_note: form.text("site_visit_note"),
    })
}

/// 保存评分 (and the on-site check).
pub async fn review(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Response> {
    access_for_review(&st, &auth, id).await?;
    let (fields, _) = read_posted(&st, req).await?;
    let mut form = posted_form(&st, id, &fields).await?;
    let input = review_input(&st, id, &fields, &mut form).await?;
    if form.has_errors() {
        return refused(&st, &auth, id, form).await;
    }
    match st.store.save_review(&auth.actor(), id, &input).await {
        Ok(_) => Ok(anchor(id, "reviewed", None)),
        Err(e) => {
            put(&mut form, e, &["site_visit_on", "site_visit_note"])?;
            refused(&st, &auth, id, form).await
        }
    }
}

/// 完成验收: the scores as posted are saved and the grade computed.
pub async fn decide(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Response> {
    access_for_review(&st, &auth, id).await?;
    let (fields, _) = read_posted(&st, req).await?;
    let mut form = posted_form(&st, id, &fields).await?;
    let input = review_input(&st, id, &fields, &mut form).await?;
    if form.has_errors() {
        return refused(&st, &auth, id, form).await;
    }
    match st
        .store
        .decide_assessment(&auth.actor(), id, Some(&input))
        .await
    {
        Ok(_) => Ok(anchor(id, "decided", None)),
        Err(e) => {
            put(&mut form, e, &["site_visit_on", "site_visit_note"])?;
            refused(&st, &auth, id, form).await
        }
    }
}

/// 退回修改 with a reason.
pub async fn return_it(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Response> {
    access_for_review(&st, &auth, id).await?;
    let (fields, _) = read_posted(&st, req).await?;
    let mut form = posted_form(&st, id, &fields).await?;
    let reason = fields.get("reason").cloned().unwrap_or_default();
    match st.store.return_assessment(&auth.actor(), id, &reason).await {
        Ok(()) => Ok(anchor(id, "returned", None)),
        Err(e) => {
            put(&mut form, e, &["reason"])?;
            refused(&st, &auth, id, form).await
        }
    }
}

/// 登记奖励发放 (the campaign's staff).
pub async fn reward(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Response> {
    let access = st.store.assessment_access(id).await?;
    auth.require_campaign_staff_of(&access).await?;
    let (fields, _) = read_posted(&st, req).await?;
    let mut form = posted_form(&st, id, &fields).await?;
    let amount = form.parse_req("amount", "发放金额", |s| {
        parse_yuan(s, "发放金额").map_err(|e| e.0)
    });
    let paid_on = form.date_req("paid_on", "发放日期");
    if let (Some(amount_fen), Some(paid_on), false) = (amount, paid_on, form.has_errors()) {
        let input = RewardInput {
            amount_fen,
            paid_on,
            document_no: form.text("document_no"),
        };
        match st.store.record_reward(&auth.actor(), id, input).await {
            Ok(()) => return Ok(anchor(id, "rewarded", None)),
            Err(e) => put(&mut form, e, &["amount", "paid_on", "document_no"])?,
        }
    }
    refused(&st, &auth, id, form).await
}
