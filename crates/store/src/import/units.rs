//! 单位名录 import: one row per unit, identified by its 统一社会信用代码. A new code adds the
//! unit to the directory (uncovered); a known code updates the unit. Coverage is not changed
//! here: the 工会组织名册 import (or the unit page) records which union covers a unit.

use std::collections::HashMap;

use chrono::Utc;
use gonghui_domain::{IndustryCode, Ownership, RegionCode, Uscc, search_keys};
use sea_query::{Expr, ExprTrait, Query};

use super::columns::{self as c, msg};
use super::{ImportProgress, Line, Planned, RowStatus, Sheet, Touched, chunks, insert_rows, tick};
use crate::db::Tx;
use crate::schema::{Orgs, Units};
use crate::units::{Unit, UnitInput, select_units};
use crate::{Error, Result};

/// A row as read: `None` in an optional field means "keep what is stored" (or the default
/// for a new unit).
#[derive(Debug, Clone)]
pub struct UnitRow {
    uscc: Uscc,
    name: String,
    region: RegionCode,
    industry: Option<IndustryCode>,
    ownership: Ownership,
    employees: i64,
    women: Option<i64>,
    above_scale: Option<bool>,
    dispatch: Option<bool>,
    park: Option<String>,
}

#[derive(Debug)]
pub enum UnitAction {
    Insert(UnitInput),
    /// (id, the unit as stored, the new values)
    Update(i64, Box<Unit>, UnitInput),
}

pub(super) const OWNERSHIP_ALIASES: &[(&str, Ownership)] = &[
    ("国有企业", Ownership::State),
    ("国有控股", Ownership::State),
    ("国有独资", Ownership::State),
    ("集体企业", Ownership::Collective),
    ("私营企业", Ownership::Private),
    ("民营", Ownership::Private),
    ("民营企业", Ownership::Private),
    ("非公", Ownership::Private),
    ("外资", Ownership::Foreign),
    ("外资企业", Ownership::Foreign),
    ("外商投资企业", Ownership::Foreign),
    ("港澳台", Ownership::HkMacaoTaiwan),
    ("港澳台企业", Ownership::HkMacaoTaiwan),
    ("港澳台商投资", Ownership::HkMacaoTaiwan),
    ("港澳台商投资企业", Ownership::HkMacaoTaiwan),
    ("个体工商户", Ownership::Individual),
    ("个体户", Ownership::Individual),
];

pub(super) fn parse(sheet: &Sheet) -> Vec<Line<UnitRow>> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(sheet.table.rows.len());
    let l = |k| sheet.label(k);
    for row in &sheet.table.rows {
        let mut line = Line::new(row.line);
        let uscc = match c::code_text(sheet.cell(row, "uscc"), "统一社会信用代码") {
            Ok(Some(t)) => Uscc::parse(&t).map_err(msg),
            Ok(None) => Err("请填写统一社会信用代码（18位，见营业执照）".into()),
            Err(e) => Err(e),
        };
        let uscc = uscc.map_err(|e| line.error(l("uscc"), e)).ok();
        let name = match c::name_text(sheet.cell(row, "name")) {
            Ok(Some(n)) => Some(n),
            Ok(None) => {
                line.error(l("name"), "请填写单位名称（与营业执照一致）");
                None
            }
            Err(e) => {
                line.error(l("name"), e);
                None
            }
        };
        let region = match c::code_text(sheet.cell(row, "region"), "行政区划代码") {
            Ok(Some(t)) => RegionCode::parse(&t).map_err(msg),
            Ok(None) => Err("请填写行政区划代码（6位数字，如 421081）".into()),
            Err(e) => Err(e),
        }
        .map_err(|e| line.error(l("region"), e))
        .ok();
        let industry = match c::text(sheet.cell(row, "industry")) {
            Ok(Some(t)) => IndustryCode::parse(&t)
                .map(Some)
                .map_err(|e| line.error(l("industry"), msg(e)))
                .unwrap_or(None),
            Ok(None) => None,
            Err(e) => {
                line.error(l("industry"), e);
                None
            }
        };
        let ownership = match c::coded(
            sheet.cell(row, "ownership"),
            "经济类型",
            Ownership::from_label,
            OWNERSHIP_ALIASES,
            sheet.cols[4].choices,
        ) {
            Ok(Some(o)) => Some(o),
            Ok(None) => {
                line.error(
                    l("ownership"),
                    "请填写经济类型（国有、集体、私营、外商投资、港澳台投资、个体或其他）",
                );
                None
            }
            Err(e) => {
                line.error(l("ownership"), e);
                None
            }
        };
        let employees = match c::count(sheet.cell(row, "employees"), "职工人数") {
            Ok(Some(n)) => Some(n),
            Ok(None) => {
                line.error(l("employees"), "请填写职工人数");
                None
            }
            Err(e) => {
                line.error(l("employees"), e);
                None
            }
        };
        let women = c::count(sheet.cell(row, "women"), "女职工人数")
            .map_err(|e| line.error(l("women"), e))
            .unwrap_or(None);
        let above_scale = c::yes_no(sheet.cell(row, "above_scale"), "是否三上企业")
            .map_err(|e| line.error(l("above_scale"), e))
            .unwrap_or(None);
        let dispatch = c::yes_no(sheet.cell(row, "dispatch"), "是否劳务派遣单位")
            .map_err(|e| line.error(l("dispatch"), e))
            .unwrap_or(None);
        let park = c::name_text(sheet.cell(row, "park"))
            .map_err(|e| line.error(l("park"), e))
            .unwrap_or(None);
        if let Some(u) = &uscc {
            if let Some(first) = seen.get(u.as_str()) {
                line.error(
                    l("uscc"),
                    format!(
                        "与第{first}行的统一社会信用代码重复（同一单位在文件中出现两次），请删除重复行"
                    ),
                );
            } else {
                seen.insert(u.as_str().to_owned(), row.line);
            }
        }
        if line.errors.is_empty() {
            line.value = Some(UnitRow {
                uscc: uscc.expect("no errors"),
                name: name.expect("no errors"),
                region: region.expect("no errors"),
                industry,
                ownership: ownership.expect("no errors"),
                employees: employees.expect("no errors"),
                women,
                above_scale,
                dispatch,
                park,
            });
        }
        out.push(line);
    }
    out
}

/// The message for a unit this account may not write, whether or not it exists (so that the
/// answer says nothing about records out of scope).
pub(super) const OUT_OF_SCOPE: &str = "该单位不在您的管理范围内：单位名录由单位所在地区的工会登记和修改，已建会单位由覆盖它的工会修改";

fn field_label(field: Option<&'static str>) -> &'static str {
    match field {
        Some("uscc") => "统一社会信用代码",
        Some("employees") => "职工人数",
        Some("women_employees") => "女职工人数",
        _ => "单位名称",
    }
}

/// Units by code, in chunks.
pub(super) async fn units_by_uscc(tx: &mut Tx, codes: &[String]) -> Result<HashMap<String, Unit>> {
    let mut found = HashMap::new();
    for chunk in chunks(codes) {
        let rows: Vec<Unit> = tx
            .all(
                &select_units()
                    .and_where(Expr::col((Units::Table, Units::Uscc)).is_in(chunk))
                    .to_owned(),
            )
            .await?;
        for u in rows {
            found.insert(u.uscc.clone(), u);
        }
    }
    Ok(found)
}

/// Paths of the given orgs.
pub(super) async fn org_paths(tx: &mut Tx, ids: Vec<i64>) -> Result<HashMap<i64, String>> {
    let mut out = HashMap::new();
    for chunk in chunks(&ids) {
        let rows: Vec<(i64, String)> = tx
            .all(
                &Query::select()
                    .columns([Orgs::Id, Orgs::Path])
                    .from(Orgs::Table)
                    .and_where(Expr::col(Orgs::Id).is_in(chunk))
                    .to_owned(),
            )
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

fn input_of(r: UnitRow, old: Option<&Unit>) -> UnitInput {
    UnitInput {
        uscc: r.uscc,
        name: r.name,
        region: r.region,
        industry: r.industry.or_else(|| {
            old.and_then(|o| {
                o.industry_code
                    .as_deref()
                    .and_then(|i| IndustryCode::parse(i).ok())
            })
        }),
        ownership: r.ownership,
        employees: r.employees,
        women_employees: r.women.or(old.map(|o| o.women_employees)).unwrap_or(0),
        above_scale: r
            .above_scale
            .or(old.map(|o| o.above_scale))
            .unwrap_or(false),
        dispatch_agency: r
            .dispatch
            .or(old.map(|o| o.dispatch_agency))
            .unwrap_or(false),
        park: r.park.or_else(|| old.and_then(|o| o.park.clone())),
    }
}

fn same(i: &UnitInput, u: &Unit) -> bool {
    i.name.trim() == u.name
        && i.region.as_str() == u.region_code
        && i.industry.as_ref().map(|x| x.as_str()) == u.industry_code.as_deref()
        && i.ownership == u.ownership
        && i.employees == u.employees
        && i.women_employees == u.women_employees
        && i.above_scale == u.above_scale
        && i.dispatch_agency == u.dispatch_agency
        && i.park.as_deref().map(str::trim).filter(|p| !p.is_empty()) == u.park.as_deref()
}

pub(super) async fn plan(
    tx: &mut Tx,
    scope: &super::ImportScope,
    _sheet: &Sheet,
    rows: Vec<Line<UnitRow>>,
) -> Result<Vec<Planned<UnitAction>>> {
    let codes: Vec<String> = rows
        .iter()
        .filter_map(|l| l.value.as_ref().map(|v| v.uscc.as_str().to_owned()))
        .collect();
    let existing = units_by_uscc(tx, &codes).await?;
    let covering: Vec<i64> = existing
        .values()
        .filter_map(|u| u.covering_org_id)
        .collect();
    let paths = org_paths(tx, covering).await?;
    let writable = |u: &Unit| match u.covering_org_id {
        Some(o) => paths.get(&o).is_some_and(|p| scope.writes_path(p)),
        None => scope.writes_region(&u.region_code),
    };
    let mut out = Vec::with_capacity(rows.len());
    for line in rows {
        let Some(r) = line.value else {
            out.push(Planned::invalid(line.line, line.errors));
            continue;
        };
        let old = existing.get(r.uscc.as_str());
        let allowed = match old {
            Some(u) => {
                writable(u)
                    && (u.covering_org_id.is_some() || scope.writes_region(r.region.as_str()))
            }
            None => scope.writes_region(r.region.as_str()),
        };
        if !allowed {
            out.push(Planned::invalid(
                line.line,
                vec![("统一社会信用代码", OUT_OF_SCOPE.into())],
            ));
            continue;
        }
        let input = input_of(r, old);
        if let Err(e) = input.check() {
            let (field, message) = match e {
                Error::Invalid { field, message } => (field, message),
                e => return Err(e),
            };
            out.push(Planned::invalid(
                line.line,
                vec![(field_label(field), message)],
            ));
            continue;
        }
        out.push(match old {
            Some(u) if same(&input, u) => Planned::ok(line.line, RowStatus::Unchanged, None),
            Some(u) => Planned::ok(
                line.line,
                RowStatus::Changed,
                Some(UnitAction::Update(u.id, Box::new(u.clone()), input)),
            ),
            None => Planned::ok(line.line, RowStatus::New, Some(UnitAction::Insert(input))),
        });
    }
    Ok(out)
}

fn park_of(i: &UnitInput) -> Option<String> {
    i.park
        .as_ref()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
}

pub(super) async fn write(
    tx: &mut Tx,
    rows: Vec<Planned<UnitAction>>,
    progress: Option<&ImportProgress>,
) -> Result<Touched> {
    let now = Utc::now();
    let mut touched = Touched::default();
    let mut inserts = Vec::new();
    for p in rows {
        match p.action {
            Some(UnitAction::Insert(i)) => {
                touched.regions.push(i.region.as_str().to_owned());
                let keys = search_keys(i.name.trim());
                inserts.push(vec![
                    i.uscc.as_str().into(),
                    i.name.trim().into(),
                    keys.full.into(),
                    keys.initials.into(),
                    i.region.as_str().into(),
                    i.industry.as_ref().map(|x| x.as_str().to_owned()).into(),
                    i.ownership.code().into(),
                    i.employees.into(),
                    i.women_employees.into(),
                    i.above_scale.into(),
                    i.dispatch_agency.into(),
                    park_of(&i).into(),
                    "active".into(),
                    now.into(),
                    now.into(),
                ]);
            }
            Some(UnitAction::Update(id, old, i)) => {
                touched.regions.push(i.region.as_str().to_owned());
                touched.regions.push(old.region_code);
                touched.orgs.extend(old.covering_org_id);
                let keys = search_keys(i.name.trim());
                tx.execute(
                    &Query::update()
                        .table(Units::Table)
                        .values([
                            (Units::Name, i.name.trim().into()),
                            (Units::NamePinyin, keys.full.into()),
                            (Units::NameInitials, keys.initials.into()),
                            (Units::RegionCode, i.region.as_str().into()),
                            (
                                Units::IndustryCode,
                                i.industry.as_ref().map(|x| x.as_str().to_owned()).into(),
                            ),
                            (Units::Ownership, i.ownership.code().into()),
                            (Units::Employees, i.employees.into()),
                            (Units::WomenEmployees, i.women_employees.into()),
                            (Units::AboveScale, i.above_scale.into()),
                            (Units::DispatchAgency, i.dispatch_agency.into()),
                            (Units::Park, park_of(&i).into()),
                            (Units::UpdatedAt, now.into()),
                        ])
                        .and_where(Expr::col(Units::Id).eq(id))
                        .to_owned(),
                )
                .await?;
                tick(progress, 1);
            }
            None => {}
        }
    }
    insert_rows(
        tx,
        Units::Table,
        &[
            Units::Uscc,
            Units::Name,
            Units::NamePinyin,
            Units::NameInitials,
            Units::RegionCode,
            Units::IndustryCode,
            Units::Ownership,
            Units::Employees,
            Units::WomenEmployees,
            Units::AboveScale,
            Units::DispatchAgency,
            Units::Park,
            Units::Status,
            Units::CreatedAt,
            Units::UpdatedAt,
        ],
        inserts,
        progress,
    )
    .await?;
    Ok(touched)
}
