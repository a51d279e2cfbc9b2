//! 统计驾驶舱 (dashboard), the lists behind its numbers, the 逐一摸底 worklist and the 五个清
//! survey form. Every number is the store's live statistics (crates/store/src/stats.rs) for the
//! org's subtree, limited to what the account may see; every number links to its records.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use gonghui_domain::{
    GrassrootsKind, IndustryCode, NoUnionReason, Ownership, Period, SurveyInput,
    check_min_employees_filter, check_region_filter, mask_name, percent_text,
};
use gonghui_store::{
    Error, Org, OrgRef, OwnershipFilter, Stats, StatsFilter, StatsList, StatsListKind, StatsQuery,
    StatsRows, SurveyedFilter, Target, Unit, UnitSurvey, WorklistRow, YearCount,
};
use serde::Serialize;

use super::orgs::unprocessable;
use super::{industry_label, region_label};
use crate::auth::Auth;
use crate::forms::{FormState, parse_date};
use crate::nav::Nav;
use crate::{AppError, AppResult, AppState};

type Fields = HashMap<String, String>;

/// Rows per page of a list.
const PAGE: u64 = 50;
/// Most rows one export writes.
const EXPORT_MAX: u64 = 50_000;

// ---------------------------------------------------------------------------------------------
// The question, from query parameters (pages and API alike)
// ---------------------------------------------------------------------------------------------

/// The parameters that make up a statistics question, in the order links carry them.
pub(crate) const PARAMS: [&str; 11] = [
    "as_of",
    "year",
    "period_from",
    "period_to",
    "ownership",
    "min_employees",
    "above_scale",
    "park",
    "region",
    "industry",
    "grassroots_kind",
];

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Read a statistics question from query parameters. Wrong values are left out of the question
/// and reported beside their field in the returned form (which also keeps what was typed).
pub(crate) fn parse_query(q: &Fields) -> (StatsQuery, FormState) {
    let mut f = FormState::default();
    for p in PARAMS {
        if let Some(v) = q.get(p) {
            f.set(p, v.clone());
        }
    }
    let as_of = f.parse_opt("as_of", |s| {
        let d = parse_date(s)?;
        gonghui_domain::check_as_of(d, today()).map_err(|e| e.0)?;
        Ok::<_, String>(d)
    });
    let mut period = None;
    let from = f.date_opt("period_from");
    let to = f.date_opt("period_to");
    match (from, to, f.text("period_from"), f.text("period_to")) {
        (Some(a), Some(b), _, _) => match Period::new(a, b) {
            Ok(p) => period = Some(p),
            Err(e) => f.error("period_to", e.0),
        },
        (_, _, Some(_), None) => f.error("period_to", "请同时填写统计期间的截止日期"),
        (_, _, None, Some(_)) => f.error("period_from", "请同时填写统计期间的起始日期"),
        _ => {
            period = f
                .parse_opt("year", |s| {
                    s.trim()
                        .trim_end_matches('年')
                        .parse::<i32>()
                        .ok()
                        .filter(|y| (1950..=2100).contains(y))
                        .ok_or("年度应为四位数字，例如 2025")
                })
                .map(Period::year);
        }
    }
    let ownership = f.parse_opt("ownership", |s| {
        OwnershipFilter::parse(s).ok_or("请从列表中选择经济类型")
    });
    let min_employees = f.parse_opt("min_employees", |s| {
        let n = s
            .replace([',', '，'], "")
            .trim()
            .parse::<i64>()
            .map_err(|_| "职工人数下限应为整数，例如 25".to_owned())?;
        check_min_employees_filter(n).map_err(|e| e.0)?;
        Ok::<_, String>(n)
    });
    let region = f.parse_opt("region", |s| check_region_filter(s).map_err(|e| e.0));
    let industry = f.parse_opt("industry", IndustryCode::parse);
    let grassroots_kind = f.parse_opt("grassroots_kind", |s| {
        GrassrootsKind::from_label(s).ok_or("请从列表中选择基层工会类型")
    });
    let query = StatsQuery {
        as_of,
        period,
        filter: StatsFilter {
            ownership,
            min_employees,
            above_scale: f.checked("above_scale"),
            park: f.text("park"),
            region,
            industry,
            grassroots_kind,
        },
        force_computed: false,
    };
    (query, f)
}

/// `a=1&b=2` of the question's parameters as typed (valid or not), plus `extra`.
fn query_string(f: &FormState, extra: &[(&str, String)]) -> String {
    let mut pairs: Vec<(String, String)> = PARAMS
        .iter()
        .filter_map(|p| f.text(p).map(|v| ((*p).to_owned(), v)))
        .filter(|(p, _)| !extra.iter().any(|(e, _)| e == p))
        .collect();
    pairs.extend(
        extra
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| ((*k).to_owned(), v.clone())),
    );
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

fn with_qs(path: String, qs: &str) -> String {
    if qs.is_empty() {
        path
    } else {
        format!("{path}?{qs}")
    }
}

/// What a question asks, in a sentence (shown above every answer).
fn describe(q: &StatsQuery, s: &Stats) -> String {
    let mut parts = vec![];
    if s.live {
        parts.push(format!("截至 {} 的实时数（每一笔录入立即计入）", s.as_of));
    } else if q.as_of.is_some_and(|d| d < today()) {
        parts.push(format!("按 {} 当日的隶属关系、覆盖和会籍记录计算", s.as_of));
    } else {
        parts.push(format!("截至 {} 按筛选条件计算", s.as_of));
    }
    let f = &q.filter;
    let mut cond = vec![];
    if let Some(o) = f.ownership {
        cond.push(format!("经济类型：{}", o.label()));
    }
    if let Some(n) = f.min_employees {
        cond.push(format!("职工{n}人以上"));
    }
    if f.above_scale {
        cond.push("“三上”企业".to_owned());
    }
    if let Some(p) = &f.park {
        cond.push(format!("园区：{p}"));
    }
    if let Some(r) = &f.region {
        cond.push(format!("行政区划：{}", region_text(r)));
    }
    if let Some(i) = &f.industry {
        cond.push(format!("行业：{}", industry_label(Some(i.as_str()))));
    }
    if let Some(k) = f.grassroots_kind {
        cond.push(format!("工会类型：{}", k.label()));
    }
    if !cond.is_empty() {
        parts.push(format!("筛选条件：{}", cond.join("，")));
    }
    parts.join("；")
}

/// A region prefix as people read it: 荆州市（4210）.
fn region_text(prefix: &str) -> String {
    match gonghui_domain::region_name(prefix) {
        Some(name) => format!("{name}（{prefix}）"),
        None => prefix.to_owned(),
    }
}

fn period_label(s: &Stats) -> String {
    Period {
        from: s.period_from,
        to: s.period_to,
    }
    .label()
}

fn ownership_options() -> Vec<(&'static str, &'static str)> {
    let mut v = vec![("non_public", "非公有制（合计）")];
    v.extend(Ownership::options());
    v
}

fn year_options(as_of: NaiveDate) -> Vec<(String, String)> {
    (0..8)
        .map(|i| {
            let y = as_of.year() - i;
            (y.to_string(), format!("{y}年"))
        })
        .collect()
}

fn xlsx_response(bytes: Vec<u8>, ascii_name: &str, name: &str) -> Response {
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn audit_export(
    st: &AppState,
    auth: &Auth,
    org: &Org,
    what: &str,
    rows: usize,
) -> AppResult<()> {
    let detail = serde_json::json!({ "what": what, "rows": rows });
    st.store
        .audit_event(
            &auth.actor(),
            "stats.export",
            Target::new("org", Some(org.id), Some(org.id)),
            true,
            Some(&detail),
        )
        .await?;
    Ok(())
}

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
// 统计驾驶舱
// ---------------------------------------------------------------------------------------------

/// One number of the headline or of a table row.
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    /// The column's label (phones show it beside the value).
    pub label: &'static str,
}

/// A column of the children table: its key (for sorting), label, how to read it from a
/// row's stats, and the list behind it.
struct Column {
    key: &'static str,
    label: &'static str,
    value: fn(&Stats) -> f64,
    text: fn(&Stats) -> String,
    list: Option<StatsListKind>,
}

fn columns() -> Vec<Column> {
    fn n(v: i64) -> String {
        v.to_string()
    }
    vec![
        Column {
            key: "grassroots",
            label: "基层工会",
            value: |s| s.grassroots as f64,
            text: |s| n(s.grassroots),
            list: Some(StatsListKind::Grassroots),
        },
        Column {
            key: "directory",
            label: "名录内单位",
            value: |s| s.directory_units as f64,
            text: |s| n(s.directory_units),
            list: Some(StatsListKind::DirectoryUnits),
        },
        Column {
            key: "covered",
            label: "已建会单位",
            value: |s| s.covered_units as f64,
            text: |s| n(s.covered_units),
            list: Some(StatsListKind::CoveredUnits),
        },
        Column {
            key: "uncovered",
            label: "未建会单位",
            value: |s| s.uncovered_units as f64,
            text: |s| n(s.uncovered_units),
            list: Some(StatsListKind::UncoveredUnits),
        },
        Column {
            key: "rate",
            label: "企业建会率",
            value: |s| s.unionization_rate.unwrap_or(-1.0),
            text: |s| percent_text(s.covered_units, s.directory_units),
            list: None,
        },
        Column {
            key: "employees",
            label: "建会单位职工",
            value: |s| s.employees_in_covered_units as f64,
            text: |s| n(s.employees_in_covered_units),
            list: Some(StatsListKind::CoveredUnits),
        },
        Column {
            key: "members",
            label: "会员",
            value: |s| s.members as f64,
            text: |s| n(s.members),
            list: Some(StatsListKind::Members),
        },
        Column {
            key: "mrate",
            label: "职工入会率",
            value: |s| s.membership_rate.unwrap_or(-1.0),
            text: |s| percent_text(s.members, s.employees_of_counted_unions),
            list: None,
        },
        Column {
            key: "women",
            label: "女会员",
            value: |s| s.women_members as f64,
            text: |s| n(s.women_members),
            list: Some(StatsListKind::WomenMembers),
        },
        Column {
            key: "migrant",
            label: "农民工会员",
            value: |s| s.migrant_members as f64,
            text: |s| n(s.migrant_members),
            list: Some(StatsListKind::MigrantMembers),
        },
        Column {
            key: "dispatched",
            label: "劳务派遣工会员",
            value: |s| s.dispatched_members as f64,
            text: |s| n(s.dispatched_members),
            list: Some(StatsListKind::DispatchedMembers),
        },
        Column {
            key: "new_employment",
            label: "八大群体会员",
            value: |s| s.new_employment_members as f64,
            text: |s| n(s.new_employment_members),
            list: Some(StatsListKind::NewEmploymentMembers),
        },
        Column {
            key: "new_grassroots",
            label: "新建工会",
            value: |s| s.new_grassroots as f64,
            text: |s| n(s.new_grassroots),
            list: Some(StatsListKind::NewGrassroots),
        },
        Column {
            key: "new_members",
            label: "新入会会员",
            value: |s| s.new_members as f64,
            text: |s| n(s.new_members),
            list: Some(StatsListKind::NewMembers),
        },
    ]
}

fn list_href(org_id: i64, kind: StatsListKind, f: &FormState) -> String {
    with_qs(
        format!("/orgs/{org_id}/stats/list"),
        &query_string(f, &[("kind", kind.code().to_owned())]),
    )
}

/// A headline number: label, value, the list behind it, and a note.
pub struct Headline {
    pub label: &'static str,
    pub value: String,
    pub href: Option<String>,
    pub note: String,
}

fn headlines(s: &Stats, f: &FormState) -> Vec<Headline> {
    let href = |k: StatsListKind| Some(list_href(s.org_id, k, f));
    let non_public = format!("其中非公企业工会 {}", s.non_public_grassroots);
    vec![
        Headline {
            label: "基层工会",
            value: s.grassroots.to_string(),
            href: href(StatsListKind::Grassroots),
            note: non_public,
        },
        Headline {
            label: "企业建会率",
            value: percent_text(s.covered_units, s.directory_units),
            href: href(StatsListKind::DirectoryUnits),
            note: format!(
                "已建会 {} / 名录内 {} 个单位",
                s.covered_units, s.directory_units
            ),
        },
        Headline {
            label: "已建会单位",
            value: s.covered_units.to_string(),
            href: href(StatsListKind::CoveredUnits),
            note: format!("职工 {} 人", s.employees_in_covered_units),
        },
        Headline {
            label: "未建会单位",
            value: s.uncovered_units.to_string(),
            href: href(StatsListKind::UncoveredUnits),
            note: match &s.directory_region {
                Some(r) => format!(
                    "{}，职工 {} 人",
                    region_text(r),
                    s.employees_in_uncovered_units
                ),
                None => "本级不单独统计辖区名录".to_owned(),
            },
        },
        Headline {
            label: "会员",
            value: s.members.to_string(),
            href: href(StatsListKind::Members),
            note: format!("女会员 {}", s.women_members),
        },
        Headline {
            label: "职工入会率",
            value: percent_text(s.members, s.employees_of_counted_unions),
            href: href(StatsListKind::Members),
            note: format!(
                "会员 {} / 建会单位职工 {}",
                s.members, s.employees_of_counted_unions
            ),
        },
        Headline {
            label: "农民工会员",
            value: s.migrant_members.to_string(),
            href: href(StatsListKind::MigrantMembers),
            note: String::new(),
        },
        Headline {
            label: "劳务派遣工会员",
            value: s.dispatched_members.to_string(),
            href: href(StatsListKind::DispatchedMembers),
            note: String::new(),
        },
        Headline {
            label: "八大群体会员",
            value: s.new_employment_members.to_string(),
            href: href(StatsListKind::NewEmploymentMembers),
            note: "货车司机、快递员、外卖配送员等".to_owned(),
        },
        Headline {
            label: "新建基层工会",
            value: s.new_grassroots.to_string(),
            href: href(StatsListKind::NewGrassroots),
            note: period_label(s),
        },
        Headline {
            label: "新入会会员",
            value: s.new_members.to_string(),
            href: href(StatsListKind::NewMembers),
            note: period_label(s),
        },
    ]
}

/// A row of the children table.
pub struct Row {
    pub name: String,
    pub href: String,
    pub cells: Vec<Cell>,
}

fn row_of(s: &Stats, f: &FormState, dashboard: bool) -> Row {
    let qs = query_string(f, &[]);
    Row {
        name: s.org_name.clone(),
        href: if dashboard {
            with_qs(format!("/orgs/{}/dashboard", s.org_id), &qs)
        } else {
            format!("/orgs/{}", s.org_id)
        },
        cells: columns()
            .iter()
            .map(|c| Cell {
                text: (c.text)(s),
                href: c.list.map(|k| list_href(s.org_id, k, f)),
                label: c.label,
            })
            .collect(),
    }
}

/// A sortable column header.
pub struct Head {
    pub label: &'static str,
    pub href: String,
    pub mark: &'static str,
}

#[derive(Serialize)]
struct ChartData {
    coverage: CoverageChart,
    years: YearsChart,
    kinds: Vec<Slice>,
    members: MembersChart,
}

#[derive(Serialize)]
struct CoverageChart {
    ids: Vec<i64>,
    names: Vec<String>,
    covered: Vec<i64>,
    uncovered: Vec<i64>,
    rate: Vec<Option<f64>>,
    links: Vec<String>,
}

#[derive(Serialize)]
struct YearsChart {
    years: Vec<String>,
    joined: Vec<i64>,
    total: Vec<i64>,
}

#[derive(Serialize)]
struct Slice {
    name: String,
    value: i64,
}

#[derive(Serialize)]
struct MembersChart {
    names: Vec<&'static str>,
    values: Vec<i64>,
    members: i64,
}

fn chart_json(me: &Stats, kids: &[Stats], years: &[YearCount], f: &FormState) -> String {
    let qs = query_string(f, &[]);
    let data = ChartData {
        coverage: CoverageChart {
            ids: kids.iter().map(|k| k.org_id).collect(),
            names: kids.iter().map(|k| k.org_name.clone()).collect(),
            covered: kids.iter().map(|k| k.covered_units).collect(),
            uncovered: kids.iter().map(|k| k.uncovered_units).collect(),
            rate: kids
                .iter()
                .map(|k| k.unionization_rate.map(|r| (r * 1000.0).round() / 10.0))
                .collect(),
            links: kids
                .iter()
                .map(|k| with_qs(format!("/orgs/{}/dashboard", k.org_id), &qs))
                .collect(),
        },
        years: YearsChart {
            years: years.iter().map(|y| format!("{}年", y.year)).collect(),
            joined: years.iter().map(|y| y.joined).collect(),
            total: years.iter().map(|y| y.total).collect(),
        },
        kinds: me
            .grassroots_by_kind
            .iter()
            .filter(|k| k.count > 0)
            .map(|k| Slice {
                name: k.label.clone(),
                value: k.count,
            })
            .collect(),
        members: MembersChart {
            names: vec!["女会员", "农民工", "劳务派遣工", "八大群体"],
            values: vec![
                me.women_members,
                me.migrant_members,
                me.dispatched_members,
                me.new_employment_members,
            ],
            members: me.members,
        },
    };
    // Inside <script type="application/json">: nothing may close the element or start markup.
    serde_json::to_string(&data)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    form: FormState,
    description: String,
    existed: bool,
    headlines: Vec<Headline>,
    heads: Vec<Head>,
    name_head: Head,
    rows: Vec<Row>,
    total: Row,
    chart_json: String,
    has_children: bool,
    has_years: bool,
    export_href: String,
    worklist_href: String,
    clear_href: String,
    ownership_options: Vec<(&'static str, &'static str)>,
    kind_options: Vec<(&'static str, &'static str)>,
    year_options: Vec<(String, String)>,
    directory_note: Option<String>,
    /// 达标创建 covering this org (progress, grades, quota, deadlines coming up).
    campaigns: Vec<crate::pages::campaigns::CampaignLine>,
}

async fn load_org(st: &AppState, auth: &Auth, id: i64) -> AppResult<Org> {
    let org = st.store.org(id).await?;
    auth.read_org(&org).await?;
    Ok(org)
}

/// Sort children by `?sort=` (a column key or `name`), descending with `desc=1`.
fn sort_rows(kids: &mut [Stats], sort: Option<&str>, desc: bool) {
    let cols = columns();
    match sort.and_then(|k| cols.iter().find(|c| c.key == k)) {
        Some(c) => kids.sort_by(|a, b| {
            (c.value)(a)
                .partial_cmp(&(c.value)(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        }),
        None if sort == Some("name") => {}
        None => return,
    }
    if desc {
        kids.reverse();
    }
}

/// 统计驾驶舱: the org's headline numbers, its children, charts; as of a date, with filters.
pub async fn dashboard(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let org = load_org(&st, &auth, id).await?;
    let (query, form) = parse_query(&q);
    let vis = auth.visibility();
    let (me, mut kids) = st.store.children_stats(id, &query, &vis).await?;
    let years = if me.existed {
        st.store.members_by_year(id, &query, &vis).await?
    } else {
        vec![]
    };
    let sort = q.get("sort").map(String::as_str);
    let desc = q.get("desc").is_some_and(|d| d == "1");
    sort_rows(&mut kids, sort, desc);
    let head = |key: &'static str, label: &'static str| {
        let active = sort == Some(key);
        let next_desc = if active { !desc } else { key != "name" };
        Head {
            label,
            href: with_qs(
                format!("/orgs/{id}/dashboard"),
                &query_string(
                    &form,
                    &[
                        ("sort", key.to_owned()),
                        ("desc", if next_desc { "1".into() } else { String::new() }),
                    ],
                ),
            ),
            mark: match (active, desc) {
                (true, true) => "▼",
                (true, false) => "▲",
                _ => "",
            },
        }
    };
    let heads = columns().iter().map(|c| head(c.key, c.label)).collect();
    let name_head = head("name", "组织");
    let directory_note = match (&me.directory_region, gonghui_domain::is_area_level(org.kind)) {
        (None, true) if org.region_code.is_some() => Some(
            "本组织与上级使用同一行政区划代码，辖区内的未建会单位计入上级的名录，本级的名录内单位只含已建会单位。"
                .to_owned(),
        ),
        (None, false) => Some(
            "产业工会、行业工会联合会和基层工会不按地域统计未建会单位，名录内单位只含已建会单位。"
                .to_owned(),
        ),
        _ => None,
    };
    let page = DashboardPage {
        nav: Nav::of(&auth),
        crumbs: crumbs(&st, &auth, &org).await?,
        description: describe(&query, &me),
        existed: me.existed,
        headlines: headlines(&me, &form),
        heads,
        name_head,
        rows: kids.iter().map(|k| row_of(k, &form, true)).collect(),
        total: Row {
            name: "合计".into(),
            ..row_of(&me, &form, false)
        },
        chart_json: chart_json(&me, &kids, &years, &form),
        has_children: !kids.is_empty(),
        has_years: !years.is_empty(),
        export_href: with_qs(
            format!("/orgs/{id}/dashboard.xlsx"),
            &query_string(&form, &[]),
        ),
        worklist_href: format!("/orgs/{id}/worklist"),
        clear_href: format!("/orgs/{id}/dashboard"),
        ownership_options: ownership_options(),
        kind_options: GrassrootsKind::options(),
        year_options: year_options(me.as_of),
        directory_note,
        campaigns: crate::pages::campaigns::dashboard_lines(&st, &org).await?,
        org,
        form,
    };
    Ok(if page.form.has_errors() {
        unprocessable(page)
    } else {
        page.into_response()
    })
}

/// The children table of the dashboard as an .xlsx sheet (audited).
pub async fn dashboard_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let org = load_org(&st, &auth, id).await?;
    let (query, _) = parse_query(&q);
    let (me, mut kids) = st
        .store
        .children_stats(id, &query, &auth.visibility())
        .await?;
    sort_rows(
        &mut kids,
        q.get("sort").map(String::as_str),
        q.get("desc").is_some_and(|d| d == "1"),
    );
    let bytes = stats_xlsx(&org, &query, &me, &kids).map_err(|e| AppError::from(Error::Io(e)))?;
    audit_export(&st, &auth, &org, "dashboard", kids.len() + 1).await?;
    Ok(xlsx_response(
        bytes,
        &format!("dashboard-{}-{}.xlsx", org.id, me.as_of.format("%Y%m%d")),
        &format!("{}统计-{}.xlsx", org.name, me.as_of.format("%Y%m%d")),
    ))
}

fn stats_xlsx(org: &Org, q: &StatsQuery, me: &Stats, kids: &[Stats]) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("工会组织建设统计").map_err(e)?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, format!("{} 工会组织建设统计", org.name), &bold)
        .map_err(e)?;
    ws.write_string(1, 0, describe(q, me)).map_err(e)?;
    ws.write_string(
        2,
        0,
        format!("新建工会、新入会会员的统计期间：{}", period_label(me)),
    )
    .map_err(e)?;
    let cols = columns();
    ws.write_string_with_format(4, 0, "组织", &bold)
        .map_err(e)?;
    for (i, c) in cols.iter().enumerate() {
        ws.write_string_with_format(4, i as u16 + 1, c.label, &bold)
            .map_err(e)?;
    }
    for (r, s) in (5u32..).zip(kids.iter().chain(std::iter::once(me))) {
        let name = if s.org_id == me.org_id {
            "合计".to_owned()
        } else {
            s.org_name.clone()
        };
        ws.write_string(r, 0, name).map_err(e)?;
        for (i, c) in cols.iter().enumerate() {
            let col = i as u16 + 1;
            if c.key == "rate" || c.key == "mrate" {
                ws.write_string(r, col, (c.text)(s)).map_err(e)?;
            } else {
                ws.write_number(r, col, (c.value)(s)).map_err(e)?;
            }
        }
    }
    ws.set_column_width(0, 30).map_err(e)?;
    ws.set_freeze_panes(5, 1).map_err(e)?;
    wb.save_to_buffer().map_err(e)
}

// ---------------------------------------------------------------------------------------------
// The lists behind the numbers
// ---------------------------------------------------------------------------------------------

/// A list row as shown: cells of text with optional links.
pub struct ListRow {
    pub cells: Vec<Cell>,
}

#[derive(Template, WebTemplate)]
#[template(path = "stats_list.html")]
pub struct StatsListPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    label: &'static str,
    description: String,
    total: i64,
    from: u64,
    to: u64,
    headers: Vec<&'static str>,
    rows: Vec<ListRow>,
    prev_href: Option<String>,
    next_href: Option<String>,
    export_href: String,
    dashboard_href: String,
    tabs: Vec<(String, &'static str, bool)>,
    note: Option<String>,
}

fn list_kind(q: &Fields) -> AppResult<StatsListKind> {
    match q.get("kind") {
        None => Ok(StatsListKind::Members),
        Some(k) => StatsListKind::from_code(k).ok_or(AppError::not_found("统计名单")),
    }
}

const OUTSIDE: &str = "（管理范围外的组织）";

fn headers_of(rows: &StatsRows) -> Vec<&'static str> {
    match rows {
        StatsRows::Orgs(_) => vec!["工会名称", "类型", "行政区划", "成立日期", "隶属上级"],
        StatsRows::Units(_) => vec![
            "单位名称",
            "统一社会信用代码",
            "经济类型",
            "职工人数",
            "女职工",
            "“三上”",
            "所在园区",
            "覆盖工会",
        ],
        StatsRows::Members(_) => vec![
            "姓名",
            "身份证号码",
            "性别",
            "入会日期",
            "农民工",
            "劳务派遣工",
            "新就业形态群体",
            "所在工会",
        ],
    }
}

/// Rows as cells; records held (now) outside the account's scope are shown without names or
/// links (a list as of a past date can hold a union that has since moved away).
fn cells_of(auth: &Auth, rows: &StatsRows) -> Vec<ListRow> {
    let headers = headers_of(rows);
    let mut out = raw_cells(auth, rows);
    for r in &mut out {
        for (c, h) in r.cells.iter_mut().zip(&headers) {
            c.label = h;
        }
    }
    out
}

fn raw_cells(auth: &Auth, rows: &StatsRows) -> Vec<ListRow> {
    let yes = |b: bool| if b { "是" } else { "否" }.to_owned();
    let plain = |t: String| Cell {
        text: t,
        href: None,
        label: "",
    };
    match rows {
        StatsRows::Orgs(v) => v
            .iter()
            .map(|o| {
                let visible = auth.sees_path(&o.path);
                let parent = match (&o.parent_id, &o.parent_name, &o.parent_path) {
                    (Some(pid), Some(name), Some(path)) => {
                        let (pid, name) = auth.show_org(*pid, name, path);
                        Cell {
                            label: "",
                            href: (pid > 0).then(|| format!("/orgs/{pid}")),
                            text: name,
                        }
                    }
                    _ => plain("—".into()),
                };
                ListRow {
                    cells: vec![
                        Cell {
                            label: "",
                            text: if visible {
                                o.name.clone()
                            } else {
                                OUTSIDE.into()
                            },
                            href: visible.then(|| format!("/orgs/{}", o.id)),
                        },
                        plain(o.kind_label().into()),
                        plain(o.region_code.clone().unwrap_or_default()),
                        plain(o.founded_on.map(|d| d.to_string()).unwrap_or_default()),
                        if visible { parent } else { plain("—".into()) },
                    ],
                }
            })
            .collect(),
        StatsRows::Units(v) => v
            .iter()
            .map(|u| {
                let visible = u
                    .covering_org_path
                    .as_deref()
                    .is_none_or(|p| auth.sees_path(p));
                let covering = match (&u.covering_org_id, &u.covering_org_name) {
                    (Some(oid), Some(name)) if visible => Cell {
                        label: "",
                        text: name.clone(),
                        href: Some(format!("/orgs/{oid}")),
                    },
                    (Some(_), _) => plain(OUTSIDE.into()),
                    _ => plain("未建会".into()),
                };
                ListRow {
                    cells: vec![
                        Cell {
                            label: "",
                            text: if visible {
                                u.name.clone()
                            } else {
                                "（管理范围外的单位）".into()
                            },
                            href: visible.then(|| format!("/units/{}", u.id)),
                        },
                        plain(if visible {
                            u.uscc.clone()
                        } else {
                            String::new()
                        }),
                        plain(u.ownership_label().into()),
                        plain(u.employees.to_string()),
                        plain(u.women_employees.to_string()),
                        plain(yes(u.above_scale)),
                        plain(u.park.clone().unwrap_or_default()),
                        covering,
                    ],
                }
            })
            .collect(),
        StatsRows::Members(v) => v
            .iter()
            .map(|m| {
                let visible = auth.sees_path(&m.org_path);
                ListRow {
                    cells: vec![
                        Cell {
                            label: "",
                            text: if visible {
                                m.name.clone()
                            } else {
                                mask_name(&m.name)
                            },
                            href: visible.then(|| format!("/members/{}", m.id)),
                        },
                        plain(m.id_number.clone()),
                        plain(m.sex_label().into()),
                        plain(m.join_date.to_string()),
                        plain(yes(m.migrant_worker)),
                        plain(yes(m.dispatched_worker)),
                        plain(m.group_label().into()),
                        Cell {
                            label: "",
                            text: if visible {
                                m.org_name.clone()
                            } else {
                                OUTSIDE.into()
                            },
                            href: visible.then(|| format!("/orgs/{}", m.org_id)),
                        },
                    ],
                }
            })
            .collect(),
    }
}

fn rows_len(rows: &StatsRows) -> usize {
    match rows {
        StatsRows::Orgs(v) => v.len(),
        StatsRows::Units(v) => v.len(),
        StatsRows::Members(v) => v.len(),
    }
}

/// The records behind one number of the dashboard, a page at a time.
pub async fn stats_list(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let org = load_org(&st, &auth, id).await?;
    let kind = list_kind(&q)?;
    let (query, form) = parse_query(&q);
    let offset = q
        .get("offset")
        .and_then(|o| o.parse::<u64>().ok())
        .unwrap_or(0);
    let vis = auth.visibility();
    let list: StatsList = st
        .store
        .stats_list(id, kind, &query, &vis, offset, PAGE)
        .await?;
    let me = st.store.stats(id, &query, &vis).await?;
    let n = rows_len(&list.rows) as u64;
    let page_href = |o: u64| {
        with_qs(
            format!("/orgs/{id}/stats/list"),
            &query_string(
                &form,
                &[("kind", kind.code().into()), ("offset", o.to_string())],
            ),
        )
    };
    let tabs_of = |kinds: &[StatsListKind]| {
        kinds
            .iter()
            .map(|k| (list_href(id, *k, &form), k.label(), *k == kind))
            .collect::<Vec<_>>()
    };
    let tabs = if matches!(
        kind,
        StatsListKind::Grassroots
            | StatsListKind::NonPublicGrassroots
            | StatsListKind::NewGrassroots
    ) {
        tabs_of(&[
            StatsListKind::Grassroots,
            StatsListKind::NonPublicGrassroots,
            StatsListKind::NewGrassroots,
        ])
    } else if matches!(
        kind,
        StatsListKind::DirectoryUnits | StatsListKind::CoveredUnits | StatsListKind::UncoveredUnits
    ) {
        tabs_of(&[
            StatsListKind::DirectoryUnits,
            StatsListKind::CoveredUnits,
            StatsListKind::UncoveredUnits,
        ])
    } else {
        tabs_of(&[
            StatsListKind::Members,
            StatsListKind::WomenMembers,
            StatsListKind::MigrantMembers,
            StatsListKind::DispatchedMembers,
            StatsListKind::NewEmploymentMembers,
            StatsListKind::NewMembers,
        ])
    };
    let note = match kind {
        StatsListKind::NewGrassroots | StatsListKind::NewMembers => {
            Some(format!("统计期间：{}。", period_label(&me)))
        }
        StatsListKind::UncoveredUnits | StatsListKind::DirectoryUnits
            if me.directory_region.is_none() =>
        {
            Some("本组织不单独统计辖区内的未建会单位。".into())
        }
        _ => None,
    };
    let page = StatsListPage {
        nav: Nav::of(&auth),
        crumbs: crumbs(&st, &auth, &org).await?,
        label: kind.label(),
        description: describe(&query, &me),
        total: list.total,
        from: if n == 0 { 0 } else { offset + 1 },
        to: offset + n,
        headers: headers_of(&list.rows),
        rows: cells_of(&auth, &list.rows),
        prev_href: (offset > 0).then(|| page_href(offset.saturating_sub(PAGE))),
        next_href: ((offset + n) < list.total as u64).then(|| page_href(offset + PAGE)),
        export_href: with_qs(
            format!("/orgs/{id}/stats/list.xlsx"),
            &query_string(&form, &[("kind", kind.code().into())]),
        ),
        dashboard_href: with_qs(format!("/orgs/{id}/dashboard"), &query_string(&form, &[])),
        tabs,
        note,
        org,
    };
    Ok(if form.has_errors() {
        unprocessable(page)
    } else {
        page.into_response()
    })
}

/// A list as an .xlsx sheet (ID numbers masked; audited).
pub async fn stats_list_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let org = load_org(&st, &auth, id).await?;
    let kind = list_kind(&q)?;
    let (query, _) = parse_query(&q);
    let vis = auth.visibility();
    let list = st
        .store
        .stats_list(id, kind, &query, &vis, 0, EXPORT_MAX)
        .await?;
    let me = st.store.stats(id, &query, &vis).await?;
    let headers = headers_of(&list.rows);
    let rows = cells_of(&auth, &list.rows);
    let bytes = (|| -> Result<Vec<u8>, String> {
        use rust_xlsxwriter::{Format, Workbook};
        let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(kind.label()).map_err(e)?;
        let bold = Format::new().set_bold();
        ws.write_string_with_format(
            0,
            0,
            format!("{} {}（共 {} 条）", org.name, kind.label(), list.total),
            &bold,
        )
        .map_err(e)?;
        ws.write_string(1, 0, describe(&query, &me)).map_err(e)?;
        ws.write_string_with_format(3, 0, "序号", &bold)
            .map_err(e)?;
        for (i, h) in headers.iter().enumerate() {
            ws.write_string_with_format(3, i as u16 + 1, *h, &bold)
                .map_err(e)?;
        }
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 4;
            ws.write_number(r, 0, (r - 3) as f64).map_err(e)?;
            for (c, cell) in row.cells.iter().enumerate() {
                ws.write_string(r, c as u16 + 1, &cell.text).map_err(e)?;
            }
        }
        ws.set_column_width(1, 32).map_err(e)?;
        ws.set_freeze_panes(4, 0).map_err(e)?;
        wb.save_to_buffer().map_err(e)
    })()
    .map_err(|e| AppError::from(Error::Io(e)))?;
    audit_export(&st, &auth, &org, kind.code(), rows.len()).await?;
    Ok(xlsx_response(
        bytes,
        &format!("stats-{}-{}.xlsx", org.id, kind.code()),
        &format!("{}-{}.xlsx", org.name, kind.label()),
    ))
}

// ---------------------------------------------------------------------------------------------
// 逐一摸底
// ---------------------------------------------------------------------------------------------

pub struct WorkRow {
    pub row: WorklistRow,
    pub industry: String,
    pub can_survey: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "worklist.html")]
pub struct WorklistPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    form: FormState,
    region_name: Option<String>,
    shared: bool,
    total: i64,
    surveyed: i64,
    employees: i64,
    rows: Vec<WorkRow>,
    from: u64,
    to: u64,
    prev_href: Option<String>,
    next_href: Option<String>,
    export_href: String,
    dashboard_href: String,
    clear_href: String,
    ownership_options: Vec<(&'static str, &'static str)>,
    surveyed_options: Vec<(&'static str, &'static str)>,
}

fn surveyed_filter(f: &mut FormState) -> SurveyedFilter {
    match f.v("surveyed") {
        "yes" => SurveyedFilter::Surveyed,
        "no" => SurveyedFilter::NotSurveyed,
        "" => SurveyedFilter::Any,
        _ => {
            f.error("surveyed", "请从列表中选择摸底情况");
            SurveyedFilter::Any
        }
    }
}

fn worklist_params(q: &Fields) -> (StatsFilter, SurveyedFilter, FormState) {
    let (query, mut form) = parse_query(q);
    if let Some(s) = q.get("surveyed") {
        form.set("surveyed", s.clone());
    }
    let surveyed = surveyed_filter(&mut form);
    (query.filter, surveyed, form)
}

fn worklist_qs(form: &FormState, extra: &[(&str, String)]) -> String {
    let mut extra: Vec<(&str, String)> = extra.to_vec();
    if let Some(s) = form.text("surveyed") {
        extra.push(("surveyed", s));
    }
    query_string(form, &extra)
}

/// 逐一摸底: units without a union in the org's region, filterable, with the 五个清 survey of
/// each.
pub async fn worklist(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let org = load_org(&st, &auth, id).await?;
    let (filter, surveyed, form) = worklist_params(&q);
    let offset = q
        .get("offset")
        .and_then(|o| o.parse::<u64>().ok())
        .unwrap_or(0);
    let w = st
        .store
        .worklist(id, &filter, surveyed, &auth.visibility(), offset, PAGE)
        .await?;
    let n = w.rows.len() as u64;
    let page_href = |o: u64| {
        with_qs(
            format!("/orgs/{id}/worklist"),
            &worklist_qs(&form, &[("offset", o.to_string())]),
        )
    };
    let rows = w
        .rows
        .into_iter()
        .map(|row| WorkRow {
            industry: row
                .industry_code
                .as_deref()
                .map(|c| industry_label(Some(c)))
                .unwrap_or_default(),
            can_survey: auth.writes_directory(&row.region_code),
            row,
        })
        .collect();
    let page = WorklistPage {
        nav: Nav::of(&auth),
        crumbs: crumbs(&st, &auth, &org).await?,
        region_name: w.region.as_deref().map(region_text),
        shared: w.shared,
        total: w.total,
        surveyed: w.surveyed,
        employees: w.employees,
        rows,
        from: if n == 0 { 0 } else { offset + 1 },
        to: offset + n,
        prev_href: (offset > 0).then(|| page_href(offset.saturating_sub(PAGE))),
        next_href: ((offset + n) < w.total as u64).then(|| page_href(offset + PAGE)),
        export_href: with_qs(
            format!("/orgs/{id}/worklist.xlsx"),
            &worklist_qs(&form, &[]),
        ),
        dashboard_href: format!("/orgs/{id}/dashboard"),
        clear_href: format!("/orgs/{id}/worklist"),
        ownership_options: ownership_options(),
        surveyed_options: vec![("no", "尚未摸底"), ("yes", "已摸底")],
        org,
        form,
    };
    Ok(if page.form.has_errors() {
        unprocessable(page)
    } else {
        page.into_response()
    })
}

/// The worklist as an .xlsx sheet with the latest survey of each unit (audited).
pub async fn worklist_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let org = load_org(&st, &auth, id).await?;
    let (filter, surveyed, _) = worklist_params(&q);
    let w = st
        .store
        .worklist(id, &filter, surveyed, &auth.visibility(), 0, EXPORT_MAX)
        .await?;
    let bytes = (|| -> Result<Vec<u8>, String> {
        use rust_xlsxwriter::{Format, Workbook};
        let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("逐一摸底").map_err(e)?;
        let bold = Format::new().set_bold();
        ws.write_string_with_format(
            0,
            0,
            format!(
                "{} 未建会单位逐一摸底清单（共 {} 个，已摸底 {} 个）",
                org.name, w.total, w.surveyed
            ),
            &bold,
        )
        .map_err(e)?;
        let headers = [
            "序号",
            "单位名称",
            "统一社会信用代码",
            "行政区划代码",
            "行业",
            "经济类型",
            "职工人数",
            "女职工人数",
            "“三上”企业",
            "劳务派遣单位",
            "所在园区",
            "最近摸底日期",
            "未组建工会原因",
            "摸底次数",
        ];
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, *h, &bold)
                .map_err(e)?;
        }
        for (i, u) in w.rows.iter().enumerate() {
            let r = i as u32 + 3;
            ws.write_number(r, 0, (i + 1) as f64).map_err(e)?;
            ws.write_string(r, 1, &u.name).map_err(e)?;
            ws.write_string(r, 2, &u.uscc).map_err(e)?;
            ws.write_string(r, 3, &u.region_code).map_err(e)?;
            ws.write_string(r, 4, industry_label(u.industry_code.as_deref()))
                .map_err(e)?;
            ws.write_string(r, 5, u.ownership_label()).map_err(e)?;
            ws.write_number(r, 6, u.employees as f64).map_err(e)?;
            ws.write_number(r, 7, u.women_employees as f64).map_err(e)?;
            ws.write_string(r, 8, if u.above_scale { "是" } else { "否" })
                .map_err(e)?;
            ws.write_string(r, 9, if u.dispatch_agency { "是" } else { "否" })
                .map_err(e)?;
            ws.write_string(r, 10, u.park.as_deref().unwrap_or(""))
                .map_err(e)?;
            ws.write_string(
                r,
                11,
                u.surveyed_on.map(|d| d.to_string()).unwrap_or_default(),
            )
            .map_err(e)?;
            ws.write_string(r, 12, u.reason_label()).map_err(e)?;
            ws.write_number(r, 13, u.surveys as f64).map_err(e)?;
        }
        ws.set_column_width(1, 36).map_err(e)?;
        ws.set_column_width(2, 22).map_err(e)?;
        ws.set_column_width(12, 30).map_err(e)?;
        ws.set_freeze_panes(3, 2).map_err(e)?;
        wb.save_to_buffer().map_err(e)
    })()
    .map_err(|e| AppError::from(Error::Io(e)))?;
    audit_export(&st, &auth, &org, "worklist", w.rows.len()).await?;
    Ok(xlsx_response(
        bytes,
        &format!("worklist-{}.xlsx", org.id),
        &format!("{}-逐一摸底清单.xlsx", org.name),
    ))
}

// ---------------------------------------------------------------------------------------------
// 五个清 survey
// ---------------------------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "unit_survey.html")]
pub struct SurveyPage {
    nav: Nav,
    unit: Unit,
    region_name: String,
    industry_name: String,
    can_write: bool,
    covered: bool,
    notice: Option<String>,
    form: FormState,
    reason_options: Vec<(&'static str, &'static str)>,
    texts: Vec<(&'static str, &'static str, &'static str)>,
    surveys: Vec<UnitSurvey>,
    back_href: Option<String>,
}

async fn survey_page(
    st: &AppState,
    auth: &Auth,
    unit: Unit,
    form: FormState,
    notice: Option<String>,
    back: Option<i64>,
) -> AppResult<SurveyPage> {
    let surveys = st.store.unit_surveys(unit.id).await?;
    let can_write = unit.covering_org_id.is_none() && auth.may_write_unit(&unit).await?;
    let back_href = match back {
        Some(o) => match st.store.org(o).await {
            Ok(org) if auth.sees(&org) => Some(format!("/orgs/{o}/worklist")),
            _ => None,
        },
        None => None,
    };
    Ok(SurveyPage {
        nav: Nav::of(auth),
        region_name: region_label(Some(&unit.region_code)),
        industry_name: industry_label(unit.industry_code.as_deref()),
        covered: unit.covering_org_id.is_some(),
        can_write,
        notice,
        form,
        reason_options: NoUnionReason::options(),
        texts: vec![
            (
                "staff_distribution",
                "一、人员分布区域",
                "职工在哪些厂区、门店、工地，是否分散",
            ),
            (
                "operations",
                "二、经营运行情况",
                "生产经营是否正常、规模、有无停产欠薪",
            ),
            (
                "workforce",
                "三、职工队伍情况",
                "职工人数，其中农民工、劳务派遣工、女职工人数，流动情况",
            ),
            (
                "investor",
                "四、出资人（负责人）情况",
                "法定代表人或负责人是谁、对建会的态度",
            ),
        ],
        surveys,
        back_href,
        unit,
    })
}

fn back_of(q: &Fields) -> Option<i64> {
    q.get("from").and_then(|f| f.parse().ok())
}

/// 五个清摸底: the survey form of a unit without a union and its survey history.
pub async fn survey_form(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<SurveyPage> {
    let unit = st.store.unit(id).await?;
    auth.read_unit(&unit).await?;
    let mut form = FormState::default();
    form.set("surveyed_on", today().to_string());
    form.set("surveyed_by", auth.account.display_name.clone());
    // Start from the latest survey: a revisit usually changes a few lines.
    if let Some(last) = st.store.unit_surveys(id).await?.first() {
        form.set("staff_distribution", last.staff_distribution.clone());
        form.set("operations", last.operations.clone());
        form.set("workforce", last.workforce.clone());
        form.set("investor", last.investor.clone());
        form.set("reason", last.reason.clone());
        form.set("reason_text", last.reason_text.clone().unwrap_or_default());
    }
    let notice = (q.get("done").map(String::as_str) == Some("surveyed"))
        .then(|| "五个清摸底情况已登记。".to_owned());
    survey_page(&st, &auth, unit, form, notice, back_of(&q)).await
}

pub(crate) fn survey_input(f: &mut FormState) -> Option<SurveyInput> {
    let reason = f.parse_req("reason", "未组建工会原因", |s| {
        NoUnionReason::from_label(s).ok_or("请从列表中选择未组建工会原因")
    });
    let surveyed_on = f.date_req("surveyed_on", "摸底日期");
    let surveyed_by = f.required("surveyed_by", "摸底人");
    if f.has_errors() {
        return None;
    }
    Some(SurveyInput {
        staff_distribution: f.v("staff_distribution").to_owned(),
        operations: f.v("operations").to_owned(),
        workforce: f.v("workforce").to_owned(),
        investor: f.v("investor").to_owned(),
        reason: reason?,
        reason_text: f.text("reason_text"),
        surveyed_on: surveyed_on?,
        surveyed_by: surveyed_by?,
    })
}

/// Record a 五个清 survey (staff of the area whose directory holds the unit).
pub async fn survey(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let unit = st.store.unit(id).await?;
    auth.write_unit(&unit).await?;
    let mut form = FormState::from_values(fields);
    for name in [
        "staff_distribution",
        "operations",
        "workforce",
        "investor",
        "reason_text",
    ] {
        if !form.values.contains_key(name) {
            form.set(name, "");
        }
    }
    if let Some(input) = survey_input(&mut form) {
        match st.store.record_survey(&auth.actor(), id, input).await {
            Ok(_) => {
                let back = back_of(&q)
                    .map(|o| format!("&from={o}"))
                    .unwrap_or_default();
                return Ok(
                    Redirect::to(&format!("/units/{id}/survey?done=surveyed{back}"))
                        .into_response(),
                );
            }
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(
        survey_page(&st, &auth, unit, form, None, back_of(&q)).await?,
    ))
}
