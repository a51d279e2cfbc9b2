//! 会员名册 import: one row per person, identified by the 身份证号码, registered in a grassroots
//! union of the importer's scope. The rules are those of `Store::create_member` and
//! `Store::update_member` (`members::check_input`, one active membership per person); the
//! writes are batched: new members in multi-row INSERTs, their membership periods likewise.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use gonghui_domain::{
    Education, IdNumber, JoinMethod, NewEmploymentGroup, OrgKind, Phone, search_keys,
};
use sea_query::{Expr, ExprTrait, Query};

use super::columns::{self as c, msg};
use super::orgs::OrgIndex;
use super::{
    ImportProgress, Line, Planned, RowStatus, Sheet, Touched, batch_size, chunks, insert_rows, tick,
};
use crate::db::Tx;
use crate::members::{Member, MemberInput, check_input, member_values, select_members};
use crate::schema::{Members, Memberships};
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

pub(super) fn parse(sheet: &Sheet) -> Vec<Line<MemberRow>> {
    let today = today();
    // Each row is read on its own (ID numbers, names, dates are pure CPU work): split the
    // rows over the cores, then find the duplicates in file order.
    let rows = &sheet.table.rows;
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let per = rows.len().div_ceil(threads).max(1);
    let mut out: Vec<Line<MemberRow>> = if rows.len() < 5_000 || threads == 1 {
        rows.iter().map(|r| parse_row(sheet, r, today)).collect()
    } else {
        std::thread::scope(|s| {
            let parts: Vec<_> = rows
                .chunks(per)
                .map(|chunk| {
                    s.spawn(move || {
                        chunk
                            .iter()
                            .map(|r| parse_row(sheet, r, today))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            parts
                .into_iter()
                .flat_map(|h| h.join().expect("a parsing thread"))
                .collect()
        })
    };
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(out.len());
    for line in &mut out {
        let Some(id) = line
            .value
            .as_ref()
            .map(|v| v.id_number.as_str().to_owned())
            .or_else(|| line.keys.first().cloned())
        else {
            continue;
        };
        if let Some(first) = seen.get(&id) {
            line.error(
                sheet.label("id_number"),
                format!("与第{first}行的身份证号码重复（同一人在文件中出现两次），请删除重复行"),
            );
            line.value = None;
        } else {
            seen.insert(id, line.line);
        }
    }
    out
}

fn parse_row(sheet: &Sheet, row: &super::sheet::Row, today: NaiveDate) -> Line<MemberRow> {
    let l = |k| sheet.label(k);
    {
        let mut line = Line::new(row.line);
        let name = match c::name_text(sheet.cell(row, "name")) {
            Ok(Some(n)) => gonghui_domain::check_person_name(&n).map_err(msg),
            Ok(None) => Err("请填写姓名".into()),
            Err(e) => Err(e),
        }
        .map_err(|e| line.error(l("name"), e))
        .ok();
        let id = match c::code_text(sheet.cell(row, "id_number"), "身份证号码") {
            Ok(Some(t)) => IdNumber::parse_at(&t, today).map_err(msg),
            Ok(None) => Err("请填写身份证号码（18位）".into()),
            Err(e) => Err(e),
        }
        .map_err(|e| line.error(l("id_number"), e))
        .ok();
        let org = match c::name_text(sheet.cell(row, "org")) {
            Ok(Some(o)) => Some(o),
            Ok(None) => {
                line.error(
                    l("org"),
                    "请填写所在工会（基层工会的名称或统一社会信用代码）",
                );
                None
            }
            Err(e) => {
                line.error(l("org"), e);
                None
            }
        };
        let join_date = c::date(sheet.cell(row, "join_date"))
            .map_err(|e| line.error(l("join_date"), e))
            .unwrap_or(None);
        let phone = match c::code_text(sheet.cell(row, "phone"), "手机号码") {
            Ok(Some(p)) => Phone::parse(&p)
                .map(Some)
                .map_err(|e| line.error(l("phone"), msg(e)))
                .unwrap_or(None),
            Ok(None) => None,
            Err(e) => {
                line.error(l("phone"), e);
                None
            }
        };
        let migrant = c::yes_no(sheet.cell(row, "migrant"), "是否农民工")
            .map_err(|e| line.error(l("migrant"), e))
            .unwrap_or(None);
        let dispatched = c::yes_no(sheet.cell(row, "dispatched"), "是否劳务派遣工")
            .map_err(|e| line.error(l("dispatched"), e))
            .unwrap_or(None);
        let group = match c::text(sheet.cell(row, "group")) {
            // 否/无 in this column means "not one of the groups".
            Ok(Some(t)) if matches!(t.as_str(), "否" | "无" | "不是" | "-") => None,
            _ => c::coded(
                sheet.cell(row, "group"),
                "新就业形态群体",
                NewEmploymentGroup::from_label,
                GROUP_ALIASES,
                GROUPS,
            )
            .map_err(|e| line.error(l("group"), e))
            .unwrap_or(None),
        };
        let method = c::coded(
            sheet.cell(row, "join_method"),
            "入会方式",
            JoinMethod::from_label,
            METHOD_ALIASES,
            &["个人申请", "集体入会", "上门登记入会", "网上入会"],
        )
        .map_err(|e| line.error(l("join_method"), e))
        .unwrap_or(None);
        let ethnicity = c::name_text(sheet.cell(row, "ethnicity"))
            .map_err(|e| line.error(l("ethnicity"), e))
            .unwrap_or(None);
        let education = c::coded(
            sheet.cell(row, "education"),
            "学历",
            Education::from_label,
            EDUCATION_ALIASES,
            &["小学及以下", "初中", "高中/中专", "大专", "本科", "研究生"],
        )
        .map_err(|e| line.error(l("education"), e))
        .unwrap_or(None);
        line.keys.extend(id.as_ref().map(|i| i.as_str().to_owned()));
        if line.errors.is_empty() {
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
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The row's values over what is stored (empty cells keep the stored value).
fn input_of(r: MemberRow, old: Option<&Member>, today: NaiveDate) -> MemberInput {
    MemberInput {
        name: r.name,
        phone: r
            .phone
            .or_else(|| old.and_then(|o| o.phone.as_deref().and_then(|p| Phone::parse(p).ok()))),
        ethnicity: r
            .ethnicity
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
        id_number: r.id_number,
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
    scope: &super::ImportScope,
    _sheet: &Sheet,
    rows: Vec<Line<MemberRow>>,
) -> Result<Vec<Planned<MemberAction>>> {
    let index = OrgIndex::load(tx, scope).await?;
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
            .or_insert_with(|| {
                let id = index.resolve(&r.org)?;
                let o = index.get(id);
                if o.kind != OrgKind::Grassroots {
                    return Err(format!(
                        "会员应登记在基层工会，“{}”是{}，请填写会员所在的基层工会",
                        o.name,
                        o.kind_label()
                    ));
                }
                Ok(id)
            })
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
        let input = input_of(r, current, today);
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
    .await?;
    touched.orgs.sort_unstable();
    touched.orgs.dedup();
    Ok(touched)
}
