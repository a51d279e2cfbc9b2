//! 会员名册 import: one row per person, identified by the 身份证号码, registered in a grassroots
//! union of the importer's scope. The rules are those of `Store::create_member` and
//! `Store::update_member` (`members::check_input`, one active membership per person).
//!
//! The preview parses every row, then plans it against what is stored ([`plan`]). A commit
//! streams instead, because a county's roster is hundreds of thousands of rows and the import
//! must keep up with the database ([`commit`], docs/benchmarks.md):
//!
//! ```text
//! reading thread:  file ─▶ rows ─▶ parse_row ─▶ duplicates ─▶ union ─▶ Sorted ─┐ batches
//! the commit:      ┌──────────────────────────────────────────────────────────┘
//!                  ├─ Sorted::New     inserted at once (multi-row INSERT … ON CONFLICT (id_number)
//!                  │                  DO NOTHING); a row the database already holds falls through
//!                  │                  to the stored rows below
//!                  ├─ Sorted::Stored  planned with the stored record (plan) and written (write)
//!                  └─ Sorted::Invalid listed
//! ```
//!
//! The two roads end in the same outcome as planning every row first: a row goes the short
//! way only when the file alone decides it (a person not stored yet, whose data pass
//! `check_input` as a new member), and the database's unique ID number decides "not stored".

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, SubsecRound, Utc};
use gonghui_domain::{
    Education, IdNumber, JoinMethod, NewEmploymentGroup, OrgKind, Phone, SearchKeys, Sex,
    search_keys,
};
use sea_query::{Expr, ExprTrait, OnConflict, Query};

use super::columns::{self as c, Mapping, msg};
use super::orgs::OrgIndex;
use super::sheet::{self, CellRef, Source};
use super::sqlite_bulk;
use super::{
    Counts as RowCounts, ImportKind, ImportProgress, ImportScope, Line, Planned, Preview, RowError,
    RowStatus, Sheet, Touched, batch_size, chunks, header_test, insert_rows, is_example,
    missing_columns, no_data_rows, tick,
};
use crate::db::{Engine, Tx};
use crate::members::{
    Member, MemberInput, check_input, check_input_at, member_fields, member_values, select_members,
};
use crate::schema::{Members, Memberships};
use crate::stats::counts::{self, Counts, F};
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct MemberRow {
    name: String,
    id_number: IdNumber,
    org: String,
    join_date: Option<NaiveDate>,
    phone: Option<Phone>,
    migrant: Option<bool>,
    dispatched: Option<bool>,
    group: Option<NewEmploymentGroup>,
    method: Option<JoinMethod>,
    ethnicity: Option<String>,
    education: Option<Education>,
}

#[derive(Debug)]
pub enum MemberAction {
    /// A person new to the system.
    Insert { org_id: i64, input: MemberInput },
    /// A person who left earlier joins again on their old record.
    Rejoin {
        id: i64,
        org_id: i64,
        input: MemberInput,
    },
    /// A member of the same union whose own data changed.
    Update {
        id: i64,
        org_id: i64,
        input: MemberInput,
    },
}

const GROUPS: &[&str] = &[
    "货车司机",
    "快递员",
    "外卖配送员",
    "网约车司机",
    "护工护理员",
    "家政服务员",
    "商场信息员",
    "保安员",
];

const GROUP_ALIASES: &[(&str, NewEmploymentGroup)] = &[
    ("外卖员", NewEmploymentGroup::DeliveryRider),
    ("外卖骑手", NewEmploymentGroup::DeliveryRider),
    ("骑手", NewEmploymentGroup::DeliveryRider),
    ("快递小哥", NewEmploymentGroup::Courier),
    ("快递员(快递小哥)", NewEmploymentGroup::Courier),
    ("网约车驾驶员", NewEmploymentGroup::RideHailingDriver),
    ("护工", NewEmploymentGroup::Caregiver),
    ("护理员", NewEmploymentGroup::Caregiver),
    ("家政员", NewEmploymentGroup::Housekeeper),
    ("保安", NewEmploymentGroup::Security),
];

const METHOD_ALIASES: &[(&str, JoinMethod)] = &[
    ("个人", JoinMethod::Individual),
    ("本人申请", JoinMethod::Individual),
    ("集体", JoinMethod::Collective),
    ("集中入会", JoinMethod::Collective),
    ("上门登记", JoinMethod::DoorToDoor),
    ("网上", JoinMethod::Online),
    ("线上入会", JoinMethod::Online),
    ("网上申请", JoinMethod::Online),
];

const EDUCATION_ALIASES: &[(&str, Education)] = &[
    ("小学", Education::Primary),
    ("高中", Education::Senior),
    ("中专", Education::Senior),
    ("中职", Education::Senior),
    ("专科", Education::College),
    ("大学本科", Education::Bachelor),
    ("硕士", Education::Postgraduate),
    ("博士", Education::Postgraduate),
    ("硕士研究生", Education::Postgraduate),
];

// Positions of the columns in `columns::MEMBER_COLS` (a test holds them in step).
const NAME: usize = 0;
const ID_NUMBER: usize = 1;
const ORG: usize = 2;
const JOIN_DATE: usize = 3;
const PHONE: usize = 4;
const MIGRANT: usize = 5;
const DISPATCHED: usize = 6;
const GROUP: usize = 7;
const JOIN_METHOD: usize = 8;
const ETHNICITY: usize = 9;
const EDUCATION: usize = 10;

/// Where the member columns are in one file, and the vocabularies' labels, found once
/// instead of for every cell.
pub(super) struct Layout {
    at: Vec<Option<usize>>,
    groups: c::Labels<NewEmploymentGroup>,
    methods: c::Labels<JoinMethod>,
    educations: c::Labels<Education>,
}

impl Layout {
    fn of(map: &Mapping) -> Layout {
        Layout {
            at: map.at.clone(),
            groups: c::Labels::new(NewEmploymentGroup::ALL, |v| v.label(), |v| v.code()),
            methods: c::Labels::new(JoinMethod::ALL, |v| v.label(), |v| v.code()),
            educations: c::Labels::new(Education::ALL, |v| v.label(), |v| v.code()),
        }
    }

    fn cell<'a>(&self, cells: &[CellRef<'a>], col: usize) -> CellRef<'a> {
        self.at[col]
            .and_then(|i| cells.get(i).copied())
            .unwrap_or(CellRef::Empty)
    }

    fn label(col: usize) -> &'static str {
        c::MEMBER_COLS[col].label
    }
}

pub(super) fn parse(sheet: &Sheet) -> Vec<Line<MemberRow>> {
    let today = today();
    let layout = Layout::of(&sheet.map);
    // Each row is read on its own (ID numbers, names, dates are pure CPU work): split the
    // rows over the cores, then find the duplicates in file order.
    let rows = &sheet.table.rows;
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let per = rows.len().div_ceil(threads).max(1);
    let parse_rows = |chunk: &[sheet::Row]| -> Vec<Line<MemberRow>> {
        let mut cells = Vec::new();
        chunk
            .iter()
            .map(|r| {
                cells.clear();
                cells.extend(r.cells.iter().map(sheet::Cell::view));
                parse_row(&layout, r.line, &cells, today)
            })
            .collect()
    };
    let mut out: Vec<Line<MemberRow>> = if rows.len() < 5_000 || threads == 1 {
        parse_rows(rows)
    } else {
        std::thread::scope(|s| {
            let parts: Vec<_> = rows
                .chunks(per)
                .map(|chunk| s.spawn(move || parse_rows(chunk)))
                .collect();
            parts
                .into_iter()
                .flat_map(|h| h.join().expect("a parsing thread"))
                .collect()
        })
    };
    let mut seen = Duplicates::default();
    for line in &mut out {
        seen.check(line);
    }
    out
}

/// The second and later rows of one person (the same ID number) in the file, in file order.
#[derive(Default)]
struct Duplicates {
    /// By the first 17 digits of a checked ID number (the 18th is their check character).
    first: foldhash::HashMap<u64, usize>,
}

impl Duplicates {
    fn reserve(&mut self, rows: usize) {
        self.first.reserve(rows.saturating_sub(self.first.len()));
    }

    fn check(&mut self, line: &mut Line<MemberRow>) {
        let id = match (&line.value, line.keys.first()) {
            (Some(v), _) => v.id_number.as_str(),
            (None, Some(k)) => k.as_str(),
            (None, None) => return,
        };
        let Some(key) = id.get(..17).and_then(|d| {
            d.bytes().try_fold(0u64, |n, b| {
                b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
            })
        }) else {
            return;
        };
        if let Some(first) = self.first.get(&key) {
            line.error(
                Layout::label(ID_NUMBER),
                format!("与第{first}行的身份证号码重复（同一人在文件中出现两次），请删除重复行"),
            );
            line.value = None;
        } else {
            self.first.insert(key, line.line);
        }
    }
}

fn parse_row(
    layout: &Layout,
    line_no: usize,
    cells: &[CellRef<'_>],
    today: NaiveDate,
) -> Line<MemberRow> {
    let l = Layout::label;
    let cell = |col| layout.cell(cells, col);
    let mut line = Line::new(line_no);
    let name = match c::name_cow(cell(NAME)) {
        Ok(Some(n)) => gonghui_domain::check_person_name(&n).map_err(msg),
        Ok(None) => Err("请填写姓名".into()),
        Err(e) => Err(e),
    }
    .map_err(|e| line.error(l(NAME), e))
    .ok();
    let id = match c::code_cow(cell(ID_NUMBER), "身份证号码") {
        Ok(Some(t)) => IdNumber::parse_at(&t, today).map_err(msg),
        Ok(None) => Err("请填写身份证号码（18位）".into()),
        Err(e) => Err(e),
    }
    .map_err(|e| line.error(l(ID_NUMBER), e))
    .ok();
    let org = match c::name_text(cell(ORG)) {
        Ok(Some(o)) => Some(o),
        Ok(None) => {
            line.error(l(ORG), "请填写所在工会（基层工会的名称或统一社会信用代码）");
            None
        }
        Err(e) => {
            line.error(l(ORG), e);
            None
        }
    };
    let join_date = c::date(cell(JOIN_DATE))
        .map_err(|e| line.error(l(JOIN_DATE), e))
        .unwrap_or(None);
    let phone = match c::code_cow(cell(PHONE), "手机号码") {
        Ok(Some(p)) => Phone::parse(&p)
            .map(Some)
            .map_err(|e| line.error(l(PHONE), msg(e)))
            .unwrap_or(None),
        Ok(None) => None,
        Err(e) => {
            line.error(l(PHONE), e);
            None
        }
    };
    let migrant = c::yes_no(cell(MIGRANT), "是否农民工")
        .map_err(|e| line.error(l(MIGRANT), e))
        .unwrap_or(None);
    let dispatched = c::yes_no(cell(DISPATCHED), "是否劳务派遣工")
        .map_err(|e| line.error(l(DISPATCHED), e))
        .unwrap_or(None);
    let group = match cell(GROUP) {
        CellRef::Empty => None,
        g => match c::text(g) {
            // 否/无 in this column means "not one of the groups".
            Ok(Some(t)) if matches!(t.as_str(), "否" | "无" | "不是" | "-") => None,
            _ => c::coded(
                g,
                "新就业形态群体",
                |t| layout.groups.find(t),
                GROUP_ALIASES,
                GROUPS,
            )
            .map_err(|e| line.error(l(GROUP), e))
            .unwrap_or(None),
        },
    };
    let method = c::coded(
        cell(JOIN_METHOD),
        "入会方式",
        |t| layout.methods.find(t),
        METHOD_ALIASES,
        &["个人申请", "集体入会", "上门登记入会", "网上入会"],
    )
    .map_err(|e| line.error(l(JOIN_METHOD), e))
    .unwrap_or(None);
    let ethnicity = c::name_text(cell(ETHNICITY))
        .map_err(|e| line.error(l(ETHNICITY), e))
        .unwrap_or(None);
    let education = c::coded(
        cell(EDUCATION),
        "学历",
        |t| layout.educations.find(t),
        EDUCATION_ALIASES,
        &["小学及以下", "初中", "高中/中专", "大专", "本科", "研究生"],
    )
    .map_err(|e| line.error(l(EDUCATION), e))
    .unwrap_or(None);
    if !line.errors.is_empty() {
        // A refused row still counts for finding the person twice in the file.
        line.keys.extend(id.as_ref().map(|i| i.as_str().to_owned()));
    } else {
        line.value = Some(MemberRow {
            name: name.expect("no errors"),
            id_number: id.expect("no errors"),
            org: org.expect("no errors"),
            join_date,
            phone,
            migrant,
            dispatched,
            group,
            method,
            ethnicity,
            education,
        });
    }
    line
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The row's values over what is stored (empty cells keep the stored value).
fn input_of(r: &MemberRow, old: Option<&Member>, today: NaiveDate) -> MemberInput {
    MemberInput {
        name: r.name.clone(),
        phone: r
            .phone
            .clone()
            .or_else(|| old.and_then(|o| o.phone.as_deref().and_then(|p| Phone::parse(p).ok()))),
        ethnicity: r
            .ethnicity
            .clone()
            .or_else(|| old.and_then(|o| o.ethnicity.clone())),
        education: r.education.or_else(|| old.and_then(|o| o.education())),
        migrant_worker: r.migrant.or(old.map(|o| o.migrant_worker)).unwrap_or(false),
        dispatched_worker: r
            .dispatched
            .or(old.map(|o| o.dispatched_worker))
            .unwrap_or(false),
        new_employment_group: r
            .group
            .or_else(|| old.and_then(|o| o.new_employment_group())),
        join_date: r.join_date.or(old.map(|o| o.join_date)).unwrap_or(today),
        join_method: r
            .method
            .or(old.map(|o| o.join_method))
            .unwrap_or(JoinMethod::Individual),
        id_number: r.id_number.clone(),
    }
}

fn same(i: &MemberInput, name: &str, m: &Member) -> bool {
    name == m.name
        && i.phone.as_ref().map(|p| p.as_str()) == m.phone.as_deref()
        && i.ethnicity
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            == m.ethnicity.as_deref()
        && i.education == m.education()
        && i.migrant_worker == m.migrant_worker
        && i.dispatched_worker == m.dispatched_worker
        && i.new_employment_group == m.new_employment_group()
        && i.join_date == m.join_date
        && i.join_method == m.join_method
}

/// The grassroots union a row names, or the row's message.
fn resolve_org(index: &OrgIndex, raw: &str) -> std::result::Result<i64, String> {
    let id = index.resolve(raw)?;
    let o = index.get(id);
    if o.kind != OrgKind::Grassroots {
        return Err(format!(
            "会员应登记在基层工会，“{}”是{}，请填写会员所在的基层工会",
            o.name,
            o.kind_label()
        ));
    }
    Ok(id)
}

async fn members_by_id(tx: &mut Tx, ids: &[String]) -> Result<HashMap<String, Member>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in chunks(ids) {
        let rows: Vec<Member> = tx
            .all(
                &select_members()
                    .and_where(Expr::col((Members::Table, Members::IdNumber)).is_in(chunk))
                    .to_owned(),
            )
            .await?;
        for m in rows {
            out.insert(m.id_number.clone(), m);
        }
    }
    Ok(out)
}

/// The end of each person's latest closed membership period.
async fn last_ends(tx: &mut Tx, ids: Vec<i64>) -> Result<HashMap<i64, NaiveDate>> {
    let mut out = HashMap::new();
    for chunk in chunks(&ids) {
        let rows: Vec<(i64, Option<NaiveDate>)> = tx
            .all(
                &Query::select()
                    .column(Memberships::MemberId)
                    .expr(Expr::col(Memberships::ValidTo).max())
                    .from(Memberships::Table)
                    .and_where(Expr::col(Memberships::MemberId).is_in(chunk))
                    .group_by_col(Memberships::MemberId)
                    .to_owned(),
            )
            .await?;
        out.extend(rows.into_iter().filter_map(|(m, d)| d.map(|d| (m, d))));
    }
    Ok(out)
}

fn field_label(field: Option<&'static str>) -> &'static str {
    match field {
        Some("join_date") => "入会日期",
        Some("id_number") => "身份证号码",
        _ => "姓名",
    }
}

pub(super) async fn plan(
    tx: &mut Tx,
    scope: &ImportScope,
    rows: Vec<Line<MemberRow>>,
) -> Result<Vec<Planned<MemberAction>>> {
    let index = OrgIndex::load(tx, scope).await?;
    plan_with(tx, &index, rows).await
}

/// Plan rows against the stored records: new, rejoining, changed, unchanged or refused.
async fn plan_with(
    tx: &mut Tx,
    index: &OrgIndex,
    rows: Vec<Line<MemberRow>>,
) -> Result<Vec<Planned<MemberAction>>> {
    let ids: Vec<String> = rows
        .iter()
        .filter_map(|l| l.value.as_ref().map(|v| v.id_number.as_str().to_owned()))
        .collect();
    let existing = members_by_id(tx, &ids).await?;
    let returning: Vec<i64> = existing
        .values()
        .filter(|m| !m.status.is_active())
        .map(|m| m.id)
        .collect();
    let ends = last_ends(tx, returning).await?;
    let today = today();
    let mut resolved: HashMap<String, std::result::Result<i64, String>> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for line in rows {
        let Some(r) = line.value else {
            out.push(Planned::invalid(line.line, line.errors));
            continue;
        };
        let org = resolved
            .entry(r.org.clone())
            .or_insert_with(|| resolve_org(index, &r.org))
            .clone();
        let org_id = match org {
            Ok(id) => id,
            Err(e) => {
                out.push(Planned::invalid(line.line, vec![("所在工会", e)]));
                continue;
            }
        };
        let old = existing.get(r.id_number.as_str());
        if let Some(m) = old
            && m.status.is_active()
            && m.org_id != Some(org_id)
        {
            let masked = r.id_number.masked();
            let holder = m.org_id.and_then(|h| index.find(h));
            let message = match holder {
                Some(h) => format!(
                    "身份证号码 {masked} 已是“{}”的在籍会员，一人只能有一个会籍；如工作单位已变动，请办理会籍转接",
                    h.name
                ),
                None => Error::HeldElsewhere {
                    holder_org_id: m.org_id,
                    masked_id: masked,
                }
                .to_string(),
            };
            out.push(Planned::invalid(line.line, vec![("身份证号码", message)]));
            continue;
        }
        let current = old.filter(|m| m.status.is_active());
        let input = input_of(&r, current, today);
        let name = match check_input(&input) {
            Ok(n) => n,
            Err(Error::Invalid { field, message }) => {
                out.push(Planned::invalid(
                    line.line,
                    vec![(field_label(field), message)],
                ));
                continue;
            }
            Err(e) => return Err(e),
        };
        out.push(match old {
            Some(m) if m.status.is_active() => {
                if same(&input, &name, m) {
                    Planned::ok(line.line, RowStatus::Unchanged, None)
                } else {
                    Planned::ok(
                        line.line,
                        RowStatus::Changed,
                        Some(MemberAction::Update {
                            id: m.id,
                            org_id,
                            input,
                        }),
                    )
                }
            }
            Some(m) => {
                if let Some(end) = ends.get(&m.id)
                    && input.join_date < *end
                {
                    out.push(Planned::invalid(
                        line.line,
                        vec![(
                            "入会日期",
                            format!("入会日期不能早于上次会籍结束的日期 {end}，请核对"),
                        )],
                    ));
                    continue;
                }
                Planned::ok(
                    line.line,
                    RowStatus::New,
                    Some(MemberAction::Rejoin {
                        id: m.id,
                        org_id,
                        input,
                    }),
                )
            }
            None => Planned::ok(
                line.line,
                RowStatus::New,
                Some(MemberAction::Insert { org_id, input }),
            ),
        });
    }
    Ok(out)
}

pub(super) async fn write(
    tx: &mut Tx,
    rows: Vec<Planned<MemberAction>>,
    progress: Option<&ImportProgress>,
) -> Result<Touched> {
    let now = Utc::now();
    let mut touched = Touched::default();
    let mut new_rows: Vec<(i64, MemberInput)> = Vec::new();
    // (member id, org, from) of the membership periods to open.
    let mut periods: Vec<(i64, i64, NaiveDate)> = Vec::new();
    for p in rows {
        match p.action {
            Some(MemberAction::Insert { org_id, input }) => {
                touched.orgs.push(org_id);
                new_rows.push((org_id, input))
            }
            Some(MemberAction::Rejoin { id, org_id, input }) => {
                touched.orgs.push(org_id);
                let name = input.name.trim().to_owned();
                let keys = search_keys(&name);
                tx.execute(
                    &Query::update()
                        .table(Members::Table)
                        .values(member_values(&input, &name, &keys, org_id))
                        .value(Members::UpdatedAt, now)
                        .and_where(Expr::col(Members::Id).eq(id))
                        .to_owned(),
                )
                .await?;
                periods.push((id, org_id, input.join_date));
                tick(progress, 1);
            }
            Some(MemberAction::Update { id, org_id, input }) => {
                touched.orgs.push(org_id);
                let name = input.name.trim().to_owned();
                let keys = search_keys(&name);
                let mut values = member_values(&input, &name, &keys, 0);
                // Editing personal data never changes where the membership is held.
                values.retain(|(c, _)| !matches!(c, Members::OrgId | Members::Status));
                tx.execute(
                    &Query::update()
                        .table(Members::Table)
                        .values(values)
                        .value(Members::UpdatedAt, now)
                        .and_where(Expr::col(Members::Id).eq(id))
                        .to_owned(),
                )
                .await?;
                tick(progress, 1);
            }
            None => {}
        }
    }
    // New people: multi-row INSERTs that return the new ids with the ID numbers, so the
    // membership periods can follow in multi-row INSERTs too.
    let mut cols = vec![Members::IdNumber, Members::CreatedAt, Members::UpdatedAt];
    if let Some((_, first)) = new_rows.first() {
        let keys = search_keys(&first.name);
        cols.extend(
            member_values(first, &first.name, &keys, 0)
                .into_iter()
                .map(|(c, _)| c),
        );
    }
    let per = batch_size(cols.len());
    for batch in new_rows.chunks(per) {
        let mut stmt = Query::insert()
            .into_table(Members::Table)
            .columns(cols.clone())
            .returning(Query::returning().columns([Members::Id, Members::IdNumber]))
            .to_owned();
        let mut org_of: HashMap<&str, (i64, NaiveDate)> = HashMap::with_capacity(batch.len());
        for (org_id, input) in batch {
            let name = input.name.trim();
            let keys = search_keys(name);
            let mut vals: Vec<Expr> = vec![input.id_number.as_str().into(), now.into(), now.into()];
            vals.extend(
                member_values(input, name, &keys, *org_id)
                    .into_iter()
                    .map(|(_, v)| v),
            );
            stmt.values_panic(vals);
            org_of.insert(input.id_number.as_str(), (*org_id, input.join_date));
        }
        let ids: Vec<(i64, String)> = tx.all(&stmt).await?;
        for (id, number) in ids {
            let (org, from) = org_of[number.as_str()];
            periods.push((id, org, from));
        }
        tick(progress, batch.len());
    }
    insert_periods(tx, periods).await?;
    touched.orgs.sort_unstable();
    touched.orgs.dedup();
    Ok(touched)
}

/// The insert of new members (values added by the caller): a person whose ID number is stored
/// already is skipped, and then planned against the stored record.
fn insert_new(cols: Vec<Members>) -> sea_query::InsertStatement {
    Query::insert()
        .into_table(Members::Table)
        .columns(cols)
        .on_conflict(
            OnConflict::column(Members::IdNumber)
                .do_nothing()
                .to_owned(),
        )
        .to_owned()
}

/// The open membership periods (member, union, from) of members just written.
async fn insert_periods(tx: &mut Tx, periods: Vec<(i64, i64, NaiveDate)>) -> Result<()> {
    insert_rows(
        tx,
        Memberships::Table,
        &[
            Memberships::MemberId,
            Memberships::OrgId,
            Memberships::ValidFrom,
        ],
        periods
            .into_iter()
            .map(|(m, o, d)| vec![m.into(), o.into(), d.into()])
            .collect(),
        None,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// The commit: read, sort and write at the same time
// ---------------------------------------------------------------------------------------------

/// Rows handed from the reading thread to the writer at a time.
const BATCH: usize = 2048;
/// Batch vectors in circulation (the channel holds 4).
const VECTORS: usize = 7;
/// Rows per INSERT statement on SQLite: enough to spread the statement's own cost, few enough
/// that a statement stays in the CPU caches.
const SQLITE_ROWS: usize = 64;

/// What the file alone says about a row. (`New` is the big variant and the common one: boxing
/// it would cost an allocation per person.)
#[allow(clippy::large_enum_variant)]
pub(super) enum Sorted {
    /// Refused without looking at what is stored.
    Invalid(usize, Vec<(&'static str, String)>),
    /// A person registered for the first time, unless the database already holds the ID
    /// number (then the row is planned as `Stored`).
    New(NewMember),
    /// A row that must be read against the stored record.
    Stored(Line<MemberRow>),
}

pub(super) struct NewMember {
    line: usize,
    org_id: i64,
    /// Kept to plan the row with the stored record if the ID number turns out to be stored.
    row: MemberRow,
    /// The member's own columns (`members::member_fields` of the row as a new member).
    cols: NewCols,
    counted: Counted,
}

impl NewMember {
    /// The row as the planner takes it.
    fn line_of(&self) -> Line<MemberRow> {
        Line {
            line: self.line,
            value: Some(self.row.clone()),
            errors: vec![],
            keys: vec![],
        }
    }
}

enum NewCols {
    /// Packed into one buffer by the reading thread, ready to bind (nothing left to format
    /// on the writing side, which is the slower one).
    Sqlite(sqlite_bulk::Packed),
    Postgres {
        input: MemberInput,
        name: String,
        keys: SearchKeys,
    },
}

/// What one new member adds to the maintained counts (the quantities `stats::counts` counts
/// for members).
#[derive(Clone, Copy)]
struct Counted {
    female: bool,
    migrant: bool,
    dispatched: bool,
    new_employment: bool,
    join_date: NaiveDate,
}

/// A union's counts so far, and by join year.
type Current = (i64, Counts, Vec<(i64, i64)>);

/// Counts of new members by union, and by union and join year.
#[derive(Default)]
struct Added {
    own: BTreeMap<i64, Counts>,
    joined: BTreeMap<(i64, i64), i64>,
    /// The union of the rows counted last, with its counts so far and by join year (a roster
    /// lists a union's members together), moved into the maps when another union comes.
    current: Option<Current>,
}

impl Added {
    fn add(&mut self, m: &NewMember) {
        if !matches!(&self.current, Some((org, _, _)) if *org == m.org_id) {
            self.settle();
        }
        let (_, c, years) = self
            .current
            .get_or_insert_with(|| (m.org_id, Counts::default(), Vec::new()));
        c[F::Members] += 1;
        c[F::WomenMembers] += i64::from(m.counted.female);
        c[F::MigrantMembers] += i64::from(m.counted.migrant);
        c[F::DispatchedMembers] += i64::from(m.counted.dispatched);
        c[F::NewEmploymentMembers] += i64::from(m.counted.new_employment);
        let year = i64::from(m.counted.join_date.year());
        match years.iter_mut().find(|(y, _)| *y == year) {
            Some((_, n)) => *n += 1,
            None => years.push((year, 1)),
        }
    }

    fn settle(&mut self) {
        if let Some((org, c, years)) = self.current.take() {
            self.own.entry(org).or_default().add(&c);
            for (y, n) in years {
                *self.joined.entry((org, y)).or_default() += n;
            }
        }
    }

    /// The sums, as `stats::counts::add_own` takes them.
    fn totals(mut self) -> (BTreeMap<i64, Counts>, BTreeMap<(i64, i64), i64>) {
        self.settle();
        (self.own, self.joined)
    }
}

/// The columns of a new member's row: the ID number, the timestamps, then those of
/// `members::member_values` in its order.
fn new_columns() -> Vec<Members> {
    // Any valid input gives the column list.
    let sample = MemberInput {
        name: "张三".into(),
        id_number: IdNumber::parse("11010519491231002X").expect("a valid sample number"),
        phone: None,
        ethnicity: None,
        education: None,
        migrant_worker: false,
        dispatched_worker: false,
        new_employment_group: None,
        join_date: NaiveDate::MIN,
        join_method: JoinMethod::Individual,
    };
    let keys = search_keys(&sample.name);
    let mut cols = vec![Members::IdNumber, Members::CreatedAt, Members::UpdatedAt];
    cols.extend(
        member_values(&sample, &sample.name, &keys, 0)
            .into_iter()
            .map(|(c, _)| c),
    );
    cols
}

/// Decides each row as far as the file and the unions of the scope can.
struct Sorter {
    index: Arc<OrgIndex>,
    resolved: foldhash::HashMap<String, std::result::Result<i64, String>>,
    last: Option<(String, std::result::Result<i64, String>)>,
    today: NaiveDate,
    engine: Engine,
}

impl Sorter {
    fn sort(&mut self, line: Line<MemberRow>) -> Sorted {
        let Some(r) = line.value.as_ref() else {
            return Sorted::Invalid(line.line, line.errors);
        };
        // Rosters list a union's members together: most rows name the union of the row before.
        let org = match &self.last {
            Some((name, o)) if *name == r.org => o.clone(),
            _ => {
                let o = match self.resolved.get(r.org.as_str()) {
                    Some(o) => o.clone(),
                    None => {
                        let o = resolve_org(&self.index, &r.org);
                        self.resolved.insert(r.org.clone(), o.clone());
                        o
                    }
                };
                self.last = Some((r.org.clone(), o.clone()));
                o
            }
        };
        let org_id = match org {
            Ok(id) => id,
            Err(e) => return Sorted::Invalid(line.line, vec![("所在工会", e)]),
        };
        let at = line.line;
        let row = line.value.expect("checked above");
        // As a new member: the input `plan` builds when nothing is stored.
        let (input, kept) = new_input(row, self.today);
        let Ok(name) = check_input_at(&input, self.today) else {
            return Sorted::Stored(Line {
                line: at,
                value: Some(kept.row(input)),
                errors: vec![],
                keys: vec![],
            });
        };
        let keys = search_keys(&name);
        let counted = Counted {
            female: input.id_number.sex() == Sex::Female,
            migrant: input.migrant_worker,
            dispatched: input.dispatched_worker,
            new_employment: input.new_employment_group.is_some(),
            join_date: input.join_date,
        };
        let (row, cols) = match self.engine {
            Engine::Sqlite => {
                let packed = sqlite_bulk::Packed::of(member_fields(&input, &name, &keys, org_id));
                (kept.row(input), NewCols::Sqlite(packed))
            }
            Engine::Postgres => (
                kept.row(input.clone()),
                NewCols::Postgres { input, name, keys },
            ),
        };
        Sorted::New(NewMember {
            line: at,
            org_id,
            row,
            cols,
            counted,
        })
    }
}

/// What a row says that its input as a new member does not hold, to give the row back.
struct Kept {
    org: String,
    join_date: Option<NaiveDate>,
    migrant: Option<bool>,
    dispatched: Option<bool>,
    method: Option<JoinMethod>,
}

impl Kept {
    fn row(self, i: MemberInput) -> MemberRow {
        MemberRow {
            name: i.name,
            id_number: i.id_number,
            org: self.org,
            join_date: self.join_date,
            phone: i.phone,
            migrant: self.migrant,
            dispatched: self.dispatched,
            group: i.new_employment_group,
            method: self.method,
            ethnicity: i.ethnicity,
            education: i.education,
        }
    }
}

/// `input_of(&r, None, today)`, moving the row's values instead of copying them (a test holds
/// the two equal).
fn new_input(r: MemberRow, today: NaiveDate) -> (MemberInput, Kept) {
    let input = MemberInput {
        name: r.name,
        phone: r.phone,
        ethnicity: r.ethnicity,
        education: r.education,
        migrant_worker: r.migrant.unwrap_or(false),
        dispatched_worker: r.dispatched.unwrap_or(false),
        new_employment_group: r.group,
        join_date: r.join_date.unwrap_or(today),
        join_method: r.method.unwrap_or(JoinMethod::Individual),
        id_number: r.id_number,
    };
    let kept = Kept {
        org: r.org,
        join_date: r.join_date,
        migrant: r.migrant,
        dispatched: r.dispatched,
        method: r.method,
    };
    (input, kept)
}

enum Msg {
    /// About how many rows the file has (before they are read).
    Total(usize),
    /// Rows in file order within each list: new members (a multiple of `SQLITE_ROWS` except in
    /// the last message) and the others.
    Rows {
        new: Vec<NewMember>,
        other: Vec<Sorted>,
    },
    /// After the last rows: what all the new members add to the counts.
    Counts(Box<ReadCounts>),
}

/// What the new members the reading thread sent add to the maintained counts, and (on SQLite)
/// the rows to upsert, computed while the writer finishes: the reading thread is idle by then.
struct ReadCounts {
    own: BTreeMap<i64, Counts>,
    joined: BTreeMap<(i64, i64), i64>,
    rows: Option<counts::Additions>,
}

/// The two ends of the channel back from the writer: batches of new members it is done with,
/// freed and refilled by the reading thread (which allocated them: freeing on the thread that
/// allocates keeps the allocator off its slow, locking path).
type Recycle = (
    std::sync::mpsc::Sender<Vec<NewMember>>,
    std::sync::mpsc::Receiver<Vec<NewMember>>,
);

/// What the reading thread learned about the whole file.
struct Read {
    format: String,
    rows: usize,
    notes: Vec<String>,
    extra_columns: Vec<String>,
}

fn stopped() -> Error {
    Error::rule("导入被中断，请重新上传")
}

/// Sorted rows gathered into the batches sent to the writer.
struct Batches {
    new: Vec<NewMember>,
    other: Vec<Sorted>,
    /// What the new members add to the counts.
    added: Added,
    /// Batch vectors made so far (see `fresh`).
    vectors: usize,
    recycled: std::sync::mpsc::Receiver<Vec<NewMember>>,
    total_sent: bool,
}

impl Batches {
    fn push(
        &mut self,
        row: Sorted,
        send: &mut dyn FnMut(Msg) -> bool,
        source: &Source,
        dups: &mut Duplicates,
    ) -> Result<()> {
        match row {
            Sorted::New(m) => {
                self.added.add(&m);
                self.new.push(m);
            }
            o => self.other.push(o),
        }
        if self.new.len() < BATCH && self.other.len() < BATCH {
            return Ok(());
        }
        let full = self.new.len() - self.new.len() % SQLITE_ROWS;
        let rest: Vec<NewMember> = self.new.drain(full..).collect();
        let mut next = self.fresh();
        next.extend(rest);
        let msg = Msg::Rows {
            new: std::mem::replace(&mut self.new, next),
            other: std::mem::take(&mut self.other),
        };
        if !send(msg) {
            return Err(stopped());
        }
        // The first rows are on their way: now the (rough) total for the progress bar.
        if !self.total_sent {
            self.total_sent = true;
            let hint = source.rows_hint();
            dups.reserve(hint);
            send(Msg::Total(hint));
        }
        Ok(())
    }

    /// An empty batch vector. A few go round between this thread and the writer; once they
    /// are all out, the next one is waited for (memory stays bounded, and no big block is
    /// allocated again, which would make the allocator sweep all the small ones freed
    /// meanwhile).
    fn fresh(&mut self) -> Vec<NewMember> {
        let got = if self.vectors < VECTORS {
            self.recycled.try_recv().ok()
        } else {
            self.recycled.recv().ok()
        };
        match got {
            Some(mut v) => {
                v.clear();
                v
            }
            None => {
                self.vectors += 1;
                Vec::with_capacity(BATCH)
            }
        }
    }
}

/// The reading thread: open the file, parse, check and sort every row, and hand them on in
/// batches through `send` (false once the commit stopped listening).
fn read_rows(
    bytes: Vec<u8>,
    filename: &str,
    index: std::sync::mpsc::Receiver<Arc<OrgIndex>>,
    mut sorter: impl FnMut(Arc<OrgIndex>) -> Sorter,
    recycled: std::sync::mpsc::Receiver<Vec<NewMember>>,
    send: &mut dyn FnMut(Msg) -> bool,
) -> Result<Read> {
    let kind = ImportKind::Members;
    let cols = kind.columns();
    let source = Source::open(bytes, filename)?;
    let today = today();
    let mut layout: Option<(Mapping, Layout, Option<Error>)> = None;
    let mut dups = Duplicates::default();
    let mut sort: Option<Sorter> = None;
    // Rows parsed before the unions are loaded (a province's take the writer half a second):
    // sorted, in order, as soon as they are.
    let mut waiting: Vec<Line<MemberRow>> = Vec::new();
    let mut out = Batches {
        new: Vec::with_capacity(BATCH),
        other: Vec::new(),
        added: Added::default(),
        vectors: 1,
        recycled,
        total_sent: false,
    };
    let mut rows = 0usize;
    let mut example = false;
    let header = source.scan(&header_test(cols), &mut |h, line, cells| {
        let (map, lay, missing) = layout.get_or_insert_with(|| {
            let map = Mapping::of(cols, &h.headers);
            let missing = missing_columns(kind, h, &map);
            let lay = Layout::of(&map);
            (map, lay, missing)
        });
        // A file without the required columns is refused once it has been read through
        // (a broken or oversized file is refused as such first, as the preview does).
        if missing.is_some() {
            return Ok(());
        }
        if is_example(cols, map, cells) {
            example = true;
            return Ok(());
        }
        rows += 1;
        let mut l = parse_row(lay, line, cells, today);
        dups.check(&mut l);
        if sort.is_none() {
            match index.try_recv() {
                Ok(i) => sort = Some(sorter(i)),
                Err(std::sync::mpsc::TryRecvError::Empty) => {
                    waiting.push(l);
                    return Ok(());
                }
                Err(std::sync::mpsc::TryRecvError::Disconnected) => return Err(stopped()),
            }
        }
        let s = sort.as_mut().expect("set above");
        for w in waiting.drain(..) {
            out.push(s.sort(w), send, &source, &mut dups)?;
        }
        out.push(s.sort(l), send, &source, &mut dups)
    })?;
    let (map, missing) = match layout {
        Some((map, _, missing)) => (map, missing),
        None => {
            let map = Mapping::of(cols, &header.headers);
            let missing = missing_columns(kind, &header, &map);
            (map, missing)
        }
    };
    if let Some(e) = missing {
        return Err(e);
    }
    if rows == 0 {
        return Err(no_data_rows(header.line));
    }
    if !waiting.is_empty() {
        let s = match &mut sort {
            Some(s) => s,
            None => sort.insert(sorter(index.recv().map_err(|_| stopped())?)),
        };
        for w in waiting.drain(..) {
            out.push(s.sort(w), send, &source, &mut dups)?;
        }
    }
    let Batches {
        new, other, added, ..
    } = out;
    if (!new.is_empty() || !other.is_empty()) && !send(Msg::Rows { new, other }) {
        return Err(stopped());
    }
    let (own, joined) = added.totals();
    let ready = match &sort {
        Some(s) if s.engine == Engine::Sqlite => {
            Some(counts::Additions::new(&own, &joined, |o| {
                s.index.find(o).map(|org| &org.path)
            })?)
        }
        _ => None,
    };
    let counted = ReadCounts {
        own,
        joined,
        rows: ready,
    };
    if !send(Msg::Counts(Box::new(counted))) {
        return Err(stopped());
    }
    let mut notes = vec![];
    if example {
        notes.push(super::EXAMPLE_SKIPPED.into());
    }
    Ok(Read {
        format: header.format,
        rows,
        notes,
        extra_columns: map.extra,
    })
}

/// The outcome of every row as the commit goes, and what the new members add to the counts.
struct Collect<'p> {
    progress: Option<&'p ImportProgress>,
    statuses: Vec<(usize, RowStatus)>,
    errors: Vec<(usize, &'static str, String)>,
    counts: RowCounts,
    stored: Vec<Line<MemberRow>>,
    /// What the reading thread says the new members add to the counts.
    read_counts: Option<Box<ReadCounts>>,
    /// New members found stored already: not added after all.
    not_added: Added,
}

impl<'p> Collect<'p> {
    fn new(progress: Option<&'p ImportProgress>) -> Collect<'p> {
        Collect {
            progress,
            statuses: Vec::new(),
            errors: Vec::new(),
            counts: RowCounts::default(),
            stored: Vec::new(),
            read_counts: None,
            not_added: Added::default(),
        }
    }

    /// File what a message decided already; hand back the new members to insert.
    fn message(&mut self, msg: Msg) -> Vec<NewMember> {
        match msg {
            Msg::Total(n) => {
                if let Some(p) = self.progress {
                    p.start(n);
                }
                self.statuses.reserve(n);
                vec![]
            }
            Msg::Rows { new, other } => {
                tick(self.progress, other.len());
                for r in other {
                    match r {
                        // (The reading thread sends new members in `new`; one here would
                        // simply be planned with whatever is stored.)
                        Sorted::New(m) => self.stored.push(m.line_of()),
                        Sorted::Stored(l) => self.stored.push(l),
                        Sorted::Invalid(line, errors) => self.invalid(line, errors),
                    }
                }
                new
            }
            Msg::Counts(c) => {
                self.read_counts = Some(c);
                vec![]
            }
        }
    }

    fn invalid(&mut self, line: usize, errors: Vec<(&'static str, String)>) {
        self.counts.invalid += 1;
        self.statuses.push((line, RowStatus::Invalid));
        self.errors
            .extend(errors.into_iter().map(|(c, m)| (line, c, m)));
    }

    fn inserted(&mut self, m: &NewMember) {
        self.counts.new += 1;
        self.statuses.push((m.line, RowStatus::New));
    }

    /// The database holds this ID number already: the row is planned with the stored record.
    fn already_stored(&mut self, m: &NewMember) {
        self.not_added.add(m);
        self.stored.push(m.line_of());
    }

    /// What the members inserted add to the counts: the reading thread's sums, less the rows
    /// found stored. The ready rows only when nothing was taken off.
    fn added(&mut self) -> Result<ReadCounts> {
        let ReadCounts {
            mut own,
            mut joined,
            mut rows,
        } = *self
            .read_counts
            .take()
            .ok_or_else(|| Error::Io("读取线程没有给出统计数".into()))?;
        let (less_own, less_joined) = std::mem::take(&mut self.not_added).totals();
        if !less_own.is_empty() {
            rows = None;
        }
        for (o, c) in less_own {
            own.entry(o).or_default().sub(&c);
        }
        for (k, n) in less_joined {
            *joined.entry(k).or_default() -= n;
        }
        Ok(ReadCounts { own, joined, rows })
    }

    fn planned(&mut self, rows: &[Planned<MemberAction>]) {
        for p in rows {
            match p.status {
                RowStatus::New => self.counts.new += 1,
                RowStatus::Changed => self.counts.changed += 1,
                RowStatus::Unchanged => self.counts.unchanged += 1,
                RowStatus::Invalid => self.counts.invalid += 1,
            }
            self.statuses.push((p.line, p.status));
            self.errors
                .extend(p.errors.iter().map(|(c, m)| (p.line, *c, m.clone())));
        }
    }
}

/// Write every valid row of a 会员名册 in the caller's transaction, streaming: see the module
/// documentation. Returns the report (not yet marked committed); the maintained counts are
/// brought up to date before it returns.
pub(super) async fn commit(
    tx: &mut Tx,
    scope: &ImportScope,
    bytes: Vec<u8>,
    filename: &str,
    progress: Option<&ImportProgress>,
) -> Result<Preview> {
    let started = std::time::Instant::now();
    let engine = tx.engine();
    // Whole seconds: the row's timestamps take 25 characters instead of 35 (a roster's worth
    // of them is megabytes to write), and nothing reads them finer.
    let now = Utc::now().trunc_subsecs(0);
    let today = today();
    let sorter = move |index| Sorter {
        index,
        resolved: Default::default(),
        last: None,
        today,
        engine,
    };
    let (index_tx, index_rx) = std::sync::mpsc::channel();
    let (recycle, recycled): Recycle = std::sync::mpsc::channel();
    let name = filename.to_owned();
    let mut collect = Collect::new(progress);

    // The file is read on its own thread while the unions are loaded and rows are written.
    let (reader, index) = match engine {
        Engine::Sqlite => {
            let (send, recv) = std::sync::mpsc::sync_channel::<Msg>(4);
            let reader = spawn_reader(move || {
                read_rows(bytes, &name, index_rx, sorter, recycled, &mut |m| {
                    send.send(m).is_ok()
                })
            })?;
            let index = sqlite_write(tx, scope, index_tx, recv, recycle, now, &mut collect).await?;
            (reader, index)
        }
        Engine::Postgres => {
            let (send, mut recv) = tokio::sync::mpsc::channel::<Msg>(4);
            let reader = spawn_reader(move || {
                read_rows(bytes, &name, index_rx, sorter, recycled, &mut |m| {
                    send.blocking_send(m).is_ok()
                })
            })?;
            let index = Arc::new(OrgIndex::load(tx, scope).await?);
            let _ = index_tx.send(index.clone());
            while let Some(msg) = recv.recv().await {
                let new = collect.message(msg);
                postgres_insert(tx, &new, now, &mut collect).await?;
                let _ = recycle.send(new);
            }
            (reader, index)
        }
    };
    let read = match reader.join() {
        Ok(r) => r?,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    tracing::debug!(elapsed = ?started.elapsed(), new = collect.counts.new, "import: new members written");

    // Rows that need the stored record: planned and written as the preview plans them.
    let stored = std::mem::take(&mut collect.stored);
    let planned = plan_with(tx, &index, stored).await?;
    collect.planned(&planned);
    let touched = write(tx, planned, None).await?;
    tracing::debug!(elapsed = ?started.elapsed(), "import: stored members written");
    if engine == Engine::Postgres {
        // (The reading thread finished: its error would have been returned above.)
        let ReadCounts { own, joined, .. } = collect.added()?;
        let paths: HashMap<i64, String> = own
            .keys()
            .filter_map(|o| index.find(*o).map(|org| (*o, org.path.clone())))
            .collect();
        counts::add_own(tx, &own, &joined, &paths).await?;
    }
    counts::refresh_orgs(tx, &touched.orgs).await?;
    tracing::debug!(elapsed = ?started.elapsed(), "import: stored members planned, counts updated");

    collect.statuses.sort_by_key(|(line, _)| *line);
    collect.errors.sort_by_key(|(line, _, _)| *line);
    Ok(Preview {
        kind: ImportKind::Members,
        filename: filename.to_owned(),
        format: read.format,
        rows: read.rows,
        counts: collect.counts,
        errors: collect
            .errors
            .into_iter()
            .map(|(line, column, message)| RowError {
                line,
                column: column.to_owned(),
                message,
            })
            .collect(),
        extra_columns: read.extra_columns,
        notes: read.notes,
        statuses: collect.statuses,
        committed: false,
        elapsed: std::time::Duration::ZERO,
    })
}

fn spawn_reader(
    f: impl FnOnce() -> Result<Read> + Send + 'static,
) -> Result<std::thread::JoinHandle<Result<Read>>> {
    std::thread::Builder::new()
        .name("import-reader".into())
        .spawn(f)
        .map_err(|e| Error::Io(e.to_string()))
}

/// PostgreSQL: multi-row INSERTs that skip stored ID numbers and return the new ids, then the
/// membership periods of the new members.
async fn postgres_insert(
    tx: &mut Tx,
    rows: &[NewMember],
    now: DateTime<Utc>,
    c: &mut Collect<'_>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let cols = new_columns();
    let mut periods: Vec<(i64, i64, NaiveDate)> = Vec::with_capacity(rows.len());
    for batch in rows.chunks(batch_size(cols.len())) {
        let mut stmt = insert_new(cols.clone())
            .returning(Query::returning().columns([Members::Id, Members::IdNumber]))
            .to_owned();
        for m in batch {
            let NewCols::Postgres { input, name, keys } = &m.cols else {
                return Err(Error::Io("导入的会员数据不是为 PostgreSQL 准备的".into()));
            };
            let mut values: Vec<Expr> =
                vec![m.row.id_number.as_str().into(), now.into(), now.into()];
            values.extend(
                member_values(input, name, keys, m.org_id)
                    .into_iter()
                    .map(|(_, v)| v),
            );
            stmt.values_panic(values);
        }
        let ids: HashMap<String, i64> = tx
            .all::<(i64, String), _>(&stmt)
            .await?
            .into_iter()
            .map(|(id, number)| (number, id))
            .collect();
        for m in batch {
            match ids.get(m.row.id_number.as_str()) {
                Some(id) => {
                    periods.push((*id, m.org_id, m.counted.join_date));
                    c.inserted(m);
                }
                None => c.already_stored(m),
            }
        }
        tick(c.progress, batch.len());
    }
    insert_periods(tx, periods).await
}

/// SQLite: the scope's unions are read and the inserts run on the transaction's connection
/// directly (`sqlite_bulk`), with ids given in order after the largest stored one (the
/// transaction holds the write lock, so they are the ids SQLite would give), so the membership
/// periods need no round trip. Returns the unions (for the rows planned afterwards).
async fn sqlite_write(
    tx: &mut Tx,
    scope: &ImportScope,
    index_tx: std::sync::mpsc::Sender<Arc<OrgIndex>>,
    recv: std::sync::mpsc::Receiver<Msg>,
    recycle: std::sync::mpsc::Sender<Vec<NewMember>>,
    now: DateTime<Utc>,
    c: &mut Collect<'_>,
) -> Result<Arc<OrgIndex>> {
    let Tx::Sqlite(t) = tx else {
        return Err(Error::Io("不是 SQLite 数据库".into()));
    };
    let mut handle = t.lock_handle().await?;
    let db = handle.as_raw_handle();
    // SAFETY: the handle stays locked (no other user) until `handle` is dropped below, after
    // every statement prepared on it has been finalized (they live inside `load`).
    let conn = unsafe { sqlite_bulk::Conn::new(db) };
    let now = sqlite_bulk::time_text(now);
    let load = move || -> Result<Arc<OrgIndex>> {
        let t = std::time::Instant::now();
        let index = Arc::new(sqlite_unions(conn, scope)?);
        tracing::debug!(elapsed = ?t.elapsed(), "import: unions loaded");
        let _ = index_tx.send(index.clone());
        let mut last = 0;
        conn.prepare(
            &Query::select()
                .expr(Expr::col(Members::Id).max())
                .from(Members::Table)
                .to_owned()
                .to_string(sea_query::SqliteQueryBuilder),
        )?
        .run(&[], |id| last = id)?;
        sqlite_load(conn, &index, recv, recycle, last + 1, &now, c)?;
        Ok(index)
    };
    // Seconds of CPU work on a runtime thread: tell the runtime so other tasks move away.
    let multi = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    let r = if multi {
        tokio::task::block_in_place(load)
    } else {
        load()
    };
    drop(handle);
    r
}

/// [`OrgIndex::load`] on the locked connection: a province has hundreds of thousands of
/// unions, which sqlx would copy and hand over one row at a time. Only the columns the member
/// import reads are loaded (which union a row names, whether it is a grassroots union, its
/// name for messages and its path for the counts); the other fields of these `Org`s are empty,
/// so this index serves the member import only.
fn sqlite_unions(conn: sqlite_bulk::Conn, scope: &ImportScope) -> Result<OrgIndex> {
    use crate::schema::Orgs;
    use sqlite_bulk::Param;
    let cols = [
        Orgs::Id,
        Orgs::Kind,
        Orgs::SubKind,
        Orgs::Name,
        Orgs::Uscc,
        Orgs::ParentId,
        Orgs::Path,
        Orgs::Depth,
        Orgs::Status,
    ];
    let mut q = OrgIndex::query(scope);
    q.clear_selects();
    q.columns(cols.map(|c| (Orgs::Table, c)));
    let (sql, values) = q.build(sea_query::SqliteQueryBuilder);
    let params = Param::all(values)?;
    let args: Vec<sqlite_bulk::Arg<'_>> = params.iter().map(Param::arg).collect();
    let owned = |v: Option<&str>| v.map(str::to_owned);
    let mut orgs = Vec::new();
    conn.prepare(&sql)?.rows(&args, |r| {
        let kind = r.text(1)?.unwrap_or_default();
        orgs.push(crate::orgs::Org {
            id: r.int(0),
            kind: OrgKind::try_from(kind.to_owned()).map_err(|e| Error::Io(e.0))?,
            sub_kind: owned(r.text(2)?),
            name: r.text(3)?.unwrap_or_default().to_owned(),
            short_name: None,
            region_code: None,
            industry_code: None,
            founded_on: None,
            uscc: owned(r.text(4)?),
            legal_person_cert: None,
            independent_account: false,
            address: None,
            contact_person: None,
            contact_phone: None,
            parent_id: (!r.is_null(5)).then(|| r.int(5)),
            path: r.text(6)?.unwrap_or_default().to_owned(),
            depth: r.int(7),
            status: r.text(8)?.unwrap_or_default().to_owned(),
            closed_on: None,
        });
        Ok(())
    })?;
    Ok(OrgIndex::from_orgs(orgs))
}

fn sqlite_load(
    conn: sqlite_bulk::Conn,
    index: &OrgIndex,
    recv: std::sync::mpsc::Receiver<Msg>,
    recycle: std::sync::mpsc::Sender<Vec<NewMember>>,
    next_id: i64,
    now: &str,
    c: &mut Collect<'_>,
) -> Result<()> {
    use sea_query::SqliteQueryBuilder;

    // Every reference written here is known to hold: the unions come from the scope's unions
    // read in this transaction (which holds the write lock), and a period is only written for
    // a member id whose insert SQLite has just confirmed. Checking each again costs SQLite
    // three lookups per person, an eighth of the import.
    let _fk = conn.without_foreign_keys()?;
    // A smaller page cache while loading: SQLite then writes pages out as the rows go in (while
    // the reading thread keeps the other core busy) rather than all at the commit, which
    // nothing overlaps.
    let _cache = conn.with_cache_size(-16 * 1024)?;

    // The given id, then the new member's columns (id number, timestamps, member_fields).
    let mut cols = vec![Members::Id];
    cols.extend(new_columns());
    let insert = |n: usize| {
        let mut q = insert_new(cols.clone());
        for _ in 0..n {
            q.values_panic(cols.iter().map(|_| Expr::val(0)));
        }
        conn.prepare(&or_fail(q.build(SqliteQueryBuilder).0))
    };
    let periods = |n: usize| {
        let mut q = Query::insert()
            .into_table(Memberships::Table)
            .columns([
                Memberships::MemberId,
                Memberships::OrgId,
                Memberships::ValidFrom,
            ])
            .to_owned();
        for _ in 0..n {
            q.values_panic([Expr::val(0), Expr::val(0), Expr::val(0)]);
        }
        conn.prepare(&or_fail(q.build(SqliteQueryBuilder).0))
    };
    let mut w = SqliteWriter {
        conn,
        width: cols.len(),
        join_at: cols[4..]
            .iter()
            .position(|c| matches!(c, Members::JoinDate))
            .expect("the join date is a member column"),
        next_id,
        now,
        ins_many: insert(SQLITE_ROWS)?,
        ins_one: insert(1)?,
        per_many: periods(SQLITE_ROWS)?,
        per_one: periods(1)?,
        ids_in: conn.prepare(
            &Query::select()
                .column(Members::Id)
                .from(Members::Table)
                .and_where(Expr::col(Members::Id).between(0, 0))
                .to_owned()
                .build(SqliteQueryBuilder)
                .0,
        )?,
    };
    while let Ok(msg) = recv.recv() {
        let new = c.message(msg);
        // Whole statements' worth, then (in the last message only) the few left.
        let whole = new.len() - new.len() % SQLITE_ROWS;
        for rows in new[..whole].chunks(SQLITE_ROWS) {
            w.write(rows, c)?;
        }
        if whole < new.len() {
            w.write(&new[whole..], c)?;
        }
        let _ = recycle.send(new);
    }
    // What the new members add to the maintained counts, on this connection too (a province's
    // import adds to hundreds of thousands of rows).
    if c.read_counts.is_none() {
        // The reading thread stopped on an error, which the commit reports (and rolls back).
        return Ok(());
    }
    let rows = match c.added()? {
        ReadCounts {
            rows: Some(rows), ..
        } => rows,
        ReadCounts { own, joined, .. } => {
            counts::Additions::new(&own, &joined, |o| index.find(o).map(|org| &org.path))?
        }
    };
    counts::add_own_sqlite(conn, &rows)
}

/// `INSERT OR FAIL`: a constraint the statement breaks still fails it (and the import), but
/// SQLite need not keep a copy of every page the statement touches to undo its earlier rows
/// (the statement journal, a tenth of the work): the whole transaction is rolled back on any
/// error anyway. (sea-query writes no `OR FAIL`; this SQL only ever goes to SQLite.)
fn or_fail(sql: String) -> String {
    match sql.strip_prefix("INSERT INTO ") {
        Some(rest) => format!("INSERT OR FAIL INTO {rest}"),
        None => sql,
    }
}

struct SqliteWriter<'a> {
    conn: sqlite_bulk::Conn,
    width: usize,
    /// Position of the join date among the packed member columns.
    join_at: usize,
    next_id: i64,
    now: &'a str,
    ins_many: sqlite_bulk::Stmt,
    ins_one: sqlite_bulk::Stmt,
    per_many: sqlite_bulk::Stmt,
    per_one: sqlite_bulk::Stmt,
    ids_in: sqlite_bulk::Stmt,
}

impl SqliteWriter<'_> {
    /// Insert these new members (a statement's worth, or the last few) and their periods.
    fn write(&mut self, rows: &[NewMember], c: &mut Collect<'_>) -> Result<()> {
        use sqlite_bulk::Arg;
        let n = rows.len();
        let first = self.next_id;
        self.next_id += n as i64;
        let mut args = Vec::with_capacity(n * self.width);
        let mut valid_from = Vec::with_capacity(n);
        for (i, m) in rows.iter().enumerate() {
            let NewCols::Sqlite(packed) = &m.cols else {
                return Err(Error::Io("导入的会员数据不是为 SQLite 准备的".into()));
            };
            args.extend([
                Arg::Int(first + i as i64),
                Arg::Text(m.row.id_number.as_str()),
                Arg::Text(self.now),
                Arg::Text(self.now),
            ]);
            args.extend(packed.args());
            valid_from.push(packed.arg(self.join_at));
        }
        let all_in = if n == SQLITE_ROWS {
            self.ins_many.run(&args, |_| ())?;
            self.conn.changes() == n as i64
        } else {
            for row in args.chunks(self.width) {
                self.ins_one.run(row, |_| ())?;
            }
            false
        };
        let inserted: Vec<bool> = if all_in {
            vec![true; n]
        } else {
            // Some ID numbers may be stored already: which of the given ids exist now?
            let mut got = vec![false; n];
            self.ids_in
                .run(&[Arg::Int(first), Arg::Int(first + n as i64 - 1)], |id| {
                    got[(id - first) as usize] = true;
                })?;
            got
        };
        let mut period_args = Vec::with_capacity(n * 3);
        for (i, m) in rows.iter().enumerate() {
            if inserted[i] {
                period_args.extend([
                    Arg::Int(first + i as i64),
                    Arg::Int(m.org_id),
                    valid_from[i],
                ]);
            }
        }
        if period_args.len() == SQLITE_ROWS * 3 {
            self.per_many.run(&period_args, |_| ())?;
        } else {
            for row in period_args.chunks(3) {
                self.per_one.run(row, |_| ())?;
            }
        }
        for (m, ok) in rows.iter().zip(inserted) {
            if ok {
                c.inserted(m);
            } else {
                c.already_stored(m);
            }
        }
        tick(c.progress, n);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_positions_match_the_member_columns() {
        let keys: Vec<&str> = c::MEMBER_COLS.iter().map(|c| c.key).collect();
        for (at, key) in [
            (NAME, "name"),
            (ID_NUMBER, "id_number"),
            (ORG, "org"),
            (JOIN_DATE, "join_date"),
            (PHONE, "phone"),
            (MIGRANT, "migrant"),
            (DISPATCHED, "dispatched"),
            (GROUP, "group"),
            (JOIN_METHOD, "join_method"),
            (ETHNICITY, "ethnicity"),
            (EDUCATION, "education"),
        ] {
            assert_eq!(keys[at], key);
        }
        assert_eq!(keys.len(), 11);
    }

    #[test]
    fn a_new_members_input_is_the_planners() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let id = IdNumber::parse("11010519491231002X").unwrap();
        let full = MemberRow {
            name: "张三".into(),
            id_number: id.clone(),
            org: "#12".into(),
            join_date: NaiveDate::from_ymd_opt(2020, 5, 6),
            phone: Some(Phone::parse("13812345678").unwrap()),
            migrant: Some(true),
            dispatched: Some(false),
            group: Some(NewEmploymentGroup::Courier),
            method: Some(JoinMethod::Online),
            ethnicity: Some("汉族".into()),
            education: Some(Education::Bachelor),
        };
        let empty = MemberRow {
            name: "李四".into(),
            id_number: id,
            org: "某工会".into(),
            join_date: None,
            phone: None,
            migrant: None,
            dispatched: None,
            group: None,
            method: None,
            ethnicity: None,
            education: None,
        };
        for r in [full, empty] {
            let planned = format!("{:?}", input_of(&r, None, today));
            let (input, kept) = new_input(r.clone(), today);
            assert_eq!(format!("{input:?}"), planned);
            assert_eq!(format!("{:?}", kept.row(input)), format!("{r:?}"));
        }
    }
}
