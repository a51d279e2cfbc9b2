//! 标准: the list of standards an account works with, one standard's items (by section, with
//! each item's share of the total, 一票否决 marked), its version history and the campaigns
//! using each version, the editor, copying and archiving.
//!
//! Who may do what is decided in `Auth` (see the standards block at the end of auth.rs): the
//! records roles read; staff create, copy to their own org and edit what their org owns;
//! built-in standards are copied, never edited.
//!
//! The editor works without JavaScript: "再加5行" is a submit that re-renders the form with
//! more empty rows and everything typed kept; standards.js only updates the shares as points
//! are typed.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use gonghui_domain::{
    EvidenceKind, Grading, GradingKind, ItemSpec, KindSet, MAX_EVIDENCE_COUNT, MAX_ITEM_POINTS,
    StandardSpec,
};
use gonghui_store::{
    CampaignUse, Error, StandardDetail, StandardItem, StandardSummary, StandardVersion,
};

use crate::auth::Auth;
use crate::forms::FormState;
use crate::nav::Nav;
use crate::pages::done;
use crate::pages::orgs::unprocessable;
use crate::{AppResult, AppState};

type Fields = HashMap<String, String>;

/// Empty rows a new standard starts with, and how many "再加5行" adds.
const NEW_ROWS: usize = 5;
/// Empty rows offered below the items of a standard being edited.
const SPARE_ROWS: usize = 2;
/// Most rows the editor shows (the domain allows at most 200 items).
const MAX_ROWS: usize = 200;

fn notice(q: &Fields) -> Option<String> {
    let text = match q.get("done").map(String::as_str) {
        Some("created") => "标准已建立。",
        Some("copied") => "已复制为本单位标准，可以按本地实际调整项目和分值。",
        Some("in_place") => "修改已保存。",
        Some("new_version") => {
            "修改已保存为新版本：原版本已用于创建活动，按原版本评分的工会不受影响。"
        }
        Some("archived") => "标准已归档，不再出现在列表中；使用它的创建活动不受影响。",
        _ => return super::notice(q),
    };
    Some(text.to_owned())
}

/// "20%" of the total; "—" when there is no total yet.
fn share(points: i64, total: i64) -> String {
    if total <= 0 {
        return "—".into();
    }
    let tenths = (points * 1000 + total / 2) / total;
    if tenths % 10 == 0 {
        format!("{}%", tenths / 10)
    } else {
        format!("{}.{}%", tenths / 10, tenths % 10)
    }
}

fn share_percent(points: i64, total: i64) -> i64 {
    if total <= 0 { 0 } else { points * 100 / total }
}

// ---------------------------------------------------------------------------------------------
// List
// ---------------------------------------------------------------------------------------------

pub struct ListRow {
    pub s: StandardSummary,
    pub applies: String,
    pub grading: String,
    pub origin: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "standards.html")]
pub struct ListPage {
    nav: Nav,
    notice: Option<String>,
    rows: Vec<ListRow>,
    archived: bool,
    can_create: bool,
    scope_name: String,
}

fn origin_text(auth: &Auth, s: &StandardSummary) -> String {
    match (&s.owner_name, s.owner_org_id) {
        _ if s.builtin => "内置".into(),
        (Some(name), Some(id)) if id == auth.scope.id => format!("本单位（{name}）"),
        (Some(name), Some(_)) => format!("上级（{name}）"),
        _ => "本单位".into(),
    }
}

/// 标准: the built-in standards and those of the account's org and the orgs above it.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<Fields>,
) -> AppResult<ListPage> {
    auth.require_records().await?;
    let archived = q.get("archived").is_some_and(|v| v == "1");
    let rows = st
        .store
        .standards_for(&auth.scope, archived)
        .await?
        .into_iter()
        .filter(|s| auth.reads_standard(s))
        .map(|s| ListRow {
            applies: s.applies_to.labels(),
            grading: s.grading.describe(),
            origin: origin_text(&auth, &s),
            s,
        })
        .collect();
    Ok(ListPage {
        nav: Nav::of(&auth),
        notice: notice(&q),
        rows,
        archived,
        can_create: auth.authors_standards(),
        scope_name: auth.scope.name.clone(),
    })
}

// ---------------------------------------------------------------------------------------------
// Detail and versions
// ---------------------------------------------------------------------------------------------

pub struct ItemView {
    pub position: i64,
    pub title: String,
    pub description: String,
    pub points: i64,
    pub share: String,
    pub share_percent: i64,
    pub evidence: String,
    pub veto: bool,
    pub applies: String,
}

pub struct SectionView {
    pub name: String,
    pub points: i64,
    pub share: String,
    pub items: Vec<ItemView>,
}

/// Items grouped by section, in order (a section that comes back later starts a new group, as
/// staff wrote it).
fn sections(v: &StandardVersion) -> Vec<SectionView> {
    let total = v.total_points();
    let mut out: Vec<SectionView> = Vec::new();
    for i in &v.items {
        let view = item_view(i, total);
        match out.last_mut() {
            Some(s) if s.name == i.section => {
                s.points += i.points;
                s.items.push(view);
            }
            _ => out.push(SectionView {
                name: i.section.clone(),
                points: i.points,
                share: String::new(),
                items: vec![view],
            }),
        }
    }
    for s in &mut out {
        s.share = share(s.points, total);
    }
    out
}

fn item_view(i: &StandardItem, total: i64) -> ItemView {
    ItemView {
        position: i.position,
        title: i.title.clone(),
        description: i.description.clone(),
        points: i.points,
        share: share(i.points, total),
        share_percent: share_percent(i.points, total),
        evidence: match i.evidence_text() {
            t if t.is_empty() => "无需上传".into(),
            t => t,
        },
        veto: i.veto,
        applies: if i.applies_to.is_empty() {
            String::new()
        } else {
            i.applies_to.labels()
        },
    }
}

pub struct VersionRow {
    pub version: i64,
    pub note: String,
    pub created: String,
    pub by: String,
    pub item_count: i64,
    pub total_points: i64,
    pub current: bool,
    pub campaigns: Vec<CampaignUse>,
    /// Campaigns outside the account's scope, counted but not named.
    pub hidden: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "standard.html")]
pub struct DetailPage {
    nav: Nav,
    notice: Option<String>,
    s: StandardSummary,
    description: String,
    applies: String,
    grading: String,
    total: i64,
    sections: Vec<SectionView>,
    versions: Vec<VersionRow>,
    copied_from: Option<(i64, String)>,
    origin: String,
    can_copy: bool,
    can_edit: bool,
    in_use: bool,
}

async fn readable(st: &AppState, auth: &Auth, id: i64) -> AppResult<StandardSummary> {
    let s = st.store.standard(id).await?;
    auth.read_standard(&s).await?;
    Ok(s)
}

fn version_rows(auth: &Auth, d: &StandardDetail) -> Vec<VersionRow> {
    d.versions
        .iter()
        .map(|v| {
            let (shown, hidden): (Vec<&CampaignUse>, Vec<&CampaignUse>) = v
                .campaigns
                .iter()
                .partition(|c| auth.may_name(c.org_id, &c.org_path));
            VersionRow {
                version: v.version,
                note: v.note.clone(),
                created: v.created_at.format("%Y-%m-%d").to_string(),
                by: v.created_by.clone().unwrap_or_else(|| "系统".into()),
                item_count: v.item_count,
                total_points: v.total_points,
                current: v.version == d.summary.version,
                campaigns: shown.into_iter().cloned().collect(),
                hidden: hidden.len(),
            }
        })
        .collect()
}

/// One standard: its current version's items, the version history, the campaigns using it.
pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<DetailPage> {
    readable(&st, &auth, id).await?;
    let d = st.store.standard_detail(id).await?;
    let versions = version_rows(&auth, &d);
    // Name the source only when the account may open it.
    let copied_from = match d.copied_from.clone() {
        Some((src, name)) => match st.store.standard(src).await {
            Ok(s) if auth.reads_standard(&s) => Some((src, name)),
            _ => None,
        },
        None => None,
    };
    let in_use = versions
        .iter()
        .any(|v| v.current && (!v.campaigns.is_empty() || v.hidden > 0));
    Ok(DetailPage {
        nav: Nav::of(&auth),
        notice: notice(&q),
        description: d.current.description.clone(),
        applies: d.current.applies_to.labels(),
        grading: d.current.grading.describe(),
        total: d.current.total_points(),
        sections: sections(&d.current),
        origin: origin_text(&auth, &d.summary),
        can_copy: auth.authors_standards() && !d.summary.archived,
        can_edit: auth.writes_standard(&d.summary) && !d.summary.builtin && !d.summary.archived,
        in_use,
        versions,
        copied_from,
        s: d.summary,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "standard_version.html")]
pub struct VersionPage {
    nav: Nav,
    s: StandardSummary,
    v: StandardVersion,
    applies: String,
    grading: String,
    total: i64,
    sections: Vec<SectionView>,
}

/// One version of a standard, as campaigns that use it see it.
pub async fn version(
    State(st): State<AppState>,
    auth: Auth,
    Path((id, version)): Path<(i64, i64)>,
) -> AppResult<VersionPage> {
    let s = readable(&st, &auth, id).await?;
    let v = st.store.standard_version_of(id, version).await?;
    Ok(VersionPage {
        nav: Nav::of(&auth),
        applies: v.applies_to.labels(),
        grading: v.grading.describe(),
        total: v.total_points(),
        sections: sections(&v),
        s,
        v,
    })
}

// ---------------------------------------------------------------------------------------------
// Editor
// ---------------------------------------------------------------------------------------------

/// One row of the editor, as typed.
#[derive(Debug, Clone, Default)]
pub struct EditRow {
    pub n: usize,
    pub section: String,
    pub title: String,
    pub description: String,
    pub points: String,
    pub evidence: String,
    pub count: String,
    pub veto: bool,
    pub applies: Vec<String>,
    pub share: String,
    pub error: String,
}

impl EditRow {
    fn blank(&self) -> bool {
        self.section.trim().is_empty()
            && self.title.trim().is_empty()
            && self.description.trim().is_empty()
            && self.points.trim().is_empty()
    }

    pub fn has(&self, code: &str) -> bool {
        self.applies.iter().any(|c| c == code)
    }

    fn from_item(n: usize, i: &StandardItem) -> EditRow {
        EditRow {
            n,
            section: i.section.clone(),
            title: i.title.clone(),
            description: i.description.clone(),
            points: i.points.to_string(),
            evidence: i.evidence.code().to_owned(),
            count: if i.evidence_count > 0 {
                i.evidence_count.to_string()
            } else {
                String::new()
            },
            veto: i.veto,
            applies: i
                .applies_to
                .codes()
                .iter()
                .map(|c| (*c).to_owned())
                .collect(),
            share: String::new(),
            error: String::new(),
        }
    }
}

/// The whole editor as typed: the single fields, the standard's kinds and the rows.
#[derive(Debug, Clone, Default)]
pub struct Editor {
    pub form: FormState,
    pub applies: Vec<String>,
    pub rows: Vec<EditRow>,
    pub total: String,
}

impl Editor {
    pub fn has(&self, code: &str) -> bool {
        self.applies.iter().any(|c| c == code)
    }

    /// Blank rows after the filled ones, numbered in order, with the shares filled in.
    fn arrange(&mut self, at_least: usize) {
        let mut rows: Vec<EditRow> = self.rows.drain(..).filter(|r| !r.blank()).collect();
        let want = at_least.max(rows.len()).min(MAX_ROWS);
        while rows.len() < want {
            rows.push(EditRow {
                evidence: EvidenceKind::Photo.code().to_owned(),
                count: "1".into(),
                ..Default::default()
            });
        }
        let points = |r: &EditRow| r.points.trim().parse::<i64>().ok().filter(|p| *p > 0);
        let total: i64 = rows.iter().filter_map(points).sum();
        for (i, r) in rows.iter_mut().enumerate() {
            r.n = i + 1;
            r.share = points(r)
                .map(|p| share(p, total))
                .unwrap_or_else(|| "—".into());
        }
        self.total = total.to_string();
        self.rows = rows;
    }

    /// Reads a posted editor (repeated keys: the kinds of the standard and of each item).
    fn read(pairs: Vec<(String, String)>) -> Editor {
        let mut e = Editor::default();
        let mut rows: std::collections::BTreeMap<usize, EditRow> = Default::default();
        for (k, v) in pairs {
            if k == "applies_to" {
                e.applies.push(v);
                continue;
            }
            if let Some(rest) = k.strip_prefix("item-")
                && let Some((n, field)) = rest.split_once('-')
                && let Ok(n) = n.parse::<usize>()
                && n >= 1
                && n <= MAX_ROWS
            {
                let r = rows.entry(n).or_default();
                match field {
                    "section" => r.section = v,
                    "title" => r.title = v,
                    "description" => r.description = v,
                    "points" => r.points = v,
                    "evidence" => r.evidence = v,
                    "count" => r.count = v,
                    "veto" => r.veto = matches!(v.as_str(), "on" | "1" | "true"),
                    "applies" => r.applies.push(v),
                    _ => {}
                }
                continue;
            }
            e.form.set(&k, v);
        }
        e.rows = rows.into_values().collect();
        e
    }

    fn from_version(name: &str, v: &StandardVersion) -> Editor {
        let mut e = Editor::default();
        e.form.set("name", name);
        e.form.set("description", v.description.clone());
        match v.grading {
            Grading::Bands {
                first,
                second,
                third,
            } => {
                e.form.set("grading", GradingKind::Bands.code());
                e.form.set("first", first.to_string());
                e.form.set("second", second.to_string());
                e.form.set("third", third.to_string());
                e.form.set("pass", "100");
            }
            Grading::PassFail { pass } => {
                e.form.set("grading", GradingKind::PassFail.code());
                e.form.set("pass", pass.to_string());
                e.form.set("first", "90");
                e.form.set("second", "75");
                e.form.set("third", "60");
            }
        }
        e.applies = v
            .applies_to
            .codes()
            .iter()
            .map(|c| (*c).to_owned())
            .collect();
        e.rows = v
            .items
            .iter()
            .enumerate()
            .map(|(n, i)| EditRow::from_item(n + 1, i))
            .collect();
        let n = e.rows.len() + SPARE_ROWS;
        e.arrange(n);
        e
    }

    fn blank() -> Editor {
        let mut e = Editor::default();
        e.form.set("grading", GradingKind::Bands.code());
        e.form.set("first", "90");
        e.form.set("second", "75");
        e.form.set("third", "60");
        e.form.set("pass", "100");
        e.arrange(NEW_ROWS);
        e
    }

    /// Checks everything through the domain; errors land beside their field or row.
    fn spec(&mut self) -> Option<StandardSpec> {
        let shown = self.rows.len();
        self.arrange(shown);
        let applies = match KindSet::parse(self.applies.iter().map(String::as_str)) {
            Ok(k) => Some(k),
            Err(e) => {
                self.form.error("applies_to", e.0);
                None
            }
        };
        let percent = |f: &mut FormState, name: &str, label: &str| -> Option<i64> {
            f.parse_req(name, label, |s| {
                s.trim()
                    .trim_end_matches(['%', '％'])
                    .parse::<i64>()
                    .map_err(|_| format!("{label}应为 1 到 100 之间的整数"))
            })
        };
        let grading = match GradingKind::from_code(self.form.v("grading")) {
            Some(GradingKind::Bands) => {
                let first = percent(&mut self.form, "first", "一类分数线");
                let second = percent(&mut self.form, "second", "二类分数线");
                let third = percent(&mut self.form, "third", "三类分数线");
                match (first, second, third) {
                    (Some(a), Some(b), Some(c)) => match Grading::bands(a, b, c) {
                        Ok(g) => Some(g),
                        Err(e) => {
                            self.form.error("grading", e.0);
                            None
                        }
                    },
                    _ => None,
                }
            }
            Some(GradingKind::PassFail) => percent(&mut self.form, "pass", "达标分数线").and_then(
                |p| match Grading::pass_fail(p) {
                    Ok(g) => Some(g),
                    Err(e) => {
                        self.form.error("pass", e.0);
                        None
                    }
                },
            ),
            None => {
                self.form.error("grading", "请选择评定方式");
                None
            }
        };
        let mut items = Vec::new();
        for r in &mut self.rows {
            if r.blank() {
                continue;
            }
            let points = match r.points.trim().parse::<i64>() {
                Ok(p) => p,
                Err(_) if r.points.trim().is_empty() => {
                    r.error = format!("第{}项：请填写分值（1 到 {MAX_ITEM_POINTS}）", r.n);
                    continue;
                }
                Err(_) => {
                    r.error = format!("第{}项：分值应为整数，例如 10", r.n);
                    continue;
                }
            };
            let Some(evidence) = EvidenceKind::from_code(&r.evidence) else {
                r.error = format!("第{}项：请选择佐证要求", r.n);
                continue;
            };
            let count = match (evidence, r.count.trim()) {
                (EvidenceKind::None, _) => 0,
                (_, "") => 0,
                (_, c) => match c.parse::<i64>() {
                    Ok(c) => c,
                    Err(_) => {
                        r.error =
                            format!("第{}项：份数应为 1 到 {MAX_EVIDENCE_COUNT} 之间的整数", r.n);
                        continue;
                    }
                },
            };
            let kinds = match KindSet::parse(r.applies.iter().map(String::as_str)) {
                Ok(k) => k,
                Err(e) => {
                    r.error = format!("第{}项：{}", r.n, e.0);
                    continue;
                }
            };
            match ItemSpec::new(
                r.n,
                &r.section,
                &r.title,
                &r.description,
                points,
                evidence,
                count,
                r.veto,
                kinds,
            ) {
                Ok(i) => items.push(i),
                Err(e) => r.error = e.0,
            }
        }
        let row_errors = self.rows.iter().any(|r| !r.error.is_empty());
        let (Some(applies), Some(grading), false, false) =
            (applies, grading, row_errors, self.form.has_errors())
        else {
            return None;
        };
        match StandardSpec::new(
            self.form.v("name"),
            self.form.v("description"),
            grading,
            applies,
            items,
        ) {
            Ok(spec) => Some(spec),
            Err(e) => {
                self.place(e.0);
                None
            }
        }
    }

    /// Puts a domain message where it belongs: "第N项…" beside row N, the name and the kinds
    /// beside their fields, anything else at the top.
    fn place(&mut self, message: String) {
        let row = message
            .strip_prefix('第')
            .and_then(|r| r.split_once('项'))
            .and_then(|(n, _)| n.parse::<usize>().ok());
        if let Some(n) = row
            && let Some(r) = self.rows.iter_mut().find(|r| r.n == n)
        {
            r.error = message;
        } else if message.contains("标准名称") {
            self.form.error("name", message);
        } else if message.contains("适用的工会类型") {
            self.form.error("applies_to", message);
        } else {
            self.form.general = Some(message);
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "standard_form.html")]
pub struct FormPage {
    nav: Nav,
    notice: Option<String>,
    /// None for a new standard.
    s: Option<StandardSummary>,
    e: Editor,
    action: String,
    kinds: Vec<(&'static str, &'static str)>,
    evidence_options: Vec<(&'static str, &'static str)>,
    /// A campaign uses the current version: saving makes a new version.
    in_use: bool,
    /// A built-in standard: not edited here; offered for copying.
    builtin: bool,
}

async fn form_page(
    st: &AppState,
    auth: &Auth,
    s: Option<StandardSummary>,
    e: Editor,
) -> AppResult<FormPage> {
    let (action, in_use, builtin) = match &s {
        Some(s) => {
            let d = st.store.standard_detail(s.id).await?;
            let in_use = d
                .versions
                .iter()
                .any(|v| v.version == s.version && !v.campaigns.is_empty());
            (format!("/standards/{}/edit", s.id), in_use, s.builtin)
        }
        None => ("/standards/new".to_owned(), false, false),
    };
    Ok(FormPage {
        nav: Nav::of(auth),
        notice: None,
        s,
        e,
        action,
        kinds: KindSet::options(),
        evidence_options: EvidenceKind::options(),
        in_use,
        builtin,
    })
}

/// 新建标准 (staff; owned by their org).
pub async fn new_form(State(st): State<AppState>, auth: Auth) -> AppResult<FormPage> {
    auth.require_standard_author().await?;
    form_page(&st, &auth, None, Editor::blank()).await
}

/// Whether the post asks for more rows rather than saving.
fn wants_more(e: &Editor) -> bool {
    e.form.text("more").is_some()
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    auth.require_standard_author().await?;
    let mut e = Editor::read(pairs);
    if wants_more(&e) {
        let n = e.rows.len() + NEW_ROWS;
        e.arrange(n);
        return Ok(form_page(&st, &auth, None, e).await?.into_response());
    }
    if let Some(spec) = e.spec() {
        match st
            .store
            .create_standard(&auth.actor(), auth.scope.id, &spec)
            .await
        {
            Ok(id) => return Ok(done(&format!("/standards/{id}"), "created").into_response()),
            Err(err) => absorb(&mut e, err)?,
        }
    }
    Ok(unprocessable(form_page(&st, &auth, None, e).await?))
}

fn absorb(e: &mut Editor, err: Error) -> Result<(), Error> {
    match err {
        Error::Invalid {
            field: Some("note"),
            message,
        } => {
            e.form.error("note", message);
            Ok(())
        }
        Error::Invalid {
            field: None,
            message,
        } => {
            e.place(message);
            Ok(())
        }
        other => e.form.absorb(other),
    }
}

/// 修改标准: staff of the owning org. A built-in standard shows why it is not edited here.
pub async fn edit_form(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<FormPage> {
    let s = readable(&st, &auth, id).await?;
    auth.write_standard(&s).await?;
    let v = st.store.standard_version(s.version_id).await?;
    let e = Editor::from_version(&s.name, &v);
    let mut page = form_page(&st, &auth, Some(s), e).await?;
    page.notice = notice(&q);
    Ok(page)
}

pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let s = readable(&st, &auth, id).await?;
    auth.write_standard(&s).await?;
    let mut e = Editor::read(pairs);
    if wants_more(&e) {
        let n = e.rows.len() + NEW_ROWS;
        e.arrange(n);
        return Ok(form_page(&st, &auth, Some(s), e).await?.into_response());
    }
    if s.builtin {
        // The store refuses it too; saying so here keeps what was typed on the page.
        let shown = e.rows.len();
        e.arrange(shown);
        e.form.general = Some(gonghui_store::BUILTIN_READ_ONLY.to_owned());
        return Ok(unprocessable(form_page(&st, &auth, Some(s), e).await?));
    }
    if let Some(spec) = e.spec() {
        let note = e.form.v("note").to_owned();
        match st
            .store
            .update_standard(&auth.actor(), id, &spec, &note)
            .await
        {
            Ok(edit) => {
                let code = if edit.new_version {
                    "new_version"
                } else {
                    "in_place"
                };
                return Ok(done(&format!("/standards/{id}"), code).into_response());
            }
            Err(err) => absorb(&mut e, err)?,
        }
    }
    Ok(unprocessable(form_page(&st, &auth, Some(s), e).await?))
}

/// 复制为本单位标准: staff copy any standard they may read into their own org.
pub async fn copy(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let s = readable(&st, &auth, id).await?;
    auth.require_standard_author().await?;
    let new = st
        .store
        .copy_standard(&auth.actor(), s.id, auth.scope.id)
        .await?;
    Ok(done(&format!("/standards/{new}/edit"), "copied").into_response())
}

/// 归档: staff of the owning org; built-in standards are refused with the reason.
pub async fn archive(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let s = readable(&st, &auth, id).await?;
    auth.write_standard(&s).await?;
    st.store.archive_standard(&auth.actor(), id).await?;
    Ok(done("/standards", "archived").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn shares_are_rounded_to_tenths() {
        assert_eq!(share(20, 100), "20%");
        assert_eq!(share(1, 3), "33.3%");
        assert_eq!(share(2, 3), "66.7%");
        assert_eq!(share(5, 0), "—");
    }

    #[test]
    fn rows_are_compacted_and_errors_land_on_their_row() {
        let mut e = Editor::read(pairs(&[
            ("name", "模范职工小家标准"),
            ("applies_to", "grassroots"),
            ("grading", "pass_fail"),
            ("pass", "100"),
            ("item-1-title", "有场所"),
            ("item-1-points", "10"),
            ("item-1-evidence", "photo"),
            ("item-1-count", "1"),
            // Row 2 left blank: row 3 becomes 第2项.
            ("item-3-title", "有制度"),
            ("item-3-points", "0"),
            ("item-3-evidence", "none"),
        ]));
        assert!(e.spec().is_none());
        assert_eq!(e.rows[1].title, "有制度");
        assert!(e.rows[1].error.starts_with("第2项"), "{}", e.rows[1].error);
        assert!(e.rows[0].error.is_empty());
    }

    #[test]
    fn item_kinds_outside_the_standard_are_shown_beside_the_row() {
        let mut e = Editor::read(pairs(&[
            ("name", "模范职工小家标准"),
            ("applies_to", "grassroots"),
            ("grading", "bands"),
            ("first", "90"),
            ("second", "75"),
            ("third", "60"),
            ("item-1-title", "有场所"),
            ("item-1-points", "10"),
            ("item-1-evidence", "none"),
            ("item-2-title", "乡镇工会办公室"),
            ("item-2-points", "10"),
            ("item-2-evidence", "none"),
            ("item-2-applies", "township"),
        ]));
        assert!(e.spec().is_none());
        assert!(e.rows[1].error.starts_with("第2项"), "{}", e.rows[1].error);
        let mut ok = Editor::read(pairs(&[
            ("name", "模范职工小家标准"),
            ("applies_to", "grassroots"),
            ("grading", "bands"),
            ("first", "90"),
            ("second", "75"),
            ("third", "60"),
            ("item-1-title", "有场所"),
            ("item-1-points", "30"),
            ("item-1-evidence", "photo"),
            ("item-1-count", "2"),
            ("item-1-veto", "on"),
            ("item-2-title", "企业职代会"),
            ("item-2-points", "10"),
            ("item-2-evidence", "none"),
            ("item-2-applies", "enterprise"),
        ]));
        let spec = ok.spec().expect("valid");
        assert_eq!(spec.total_points(), 40);
        assert!(spec.items[0].veto);
        assert_eq!(spec.items[0].evidence_count, 2);
        assert_eq!(ok.rows[0].share, "75%");
    }
}
