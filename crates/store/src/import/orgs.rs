//! 工会组织名册 import: one row per union. A row names its 上级工会 by name, 统一社会信用代码 or
//! system number (#123) of an org in the importer's scope, or of a row above it in the same
//! file, so a whole township (the township union, then its grassroots unions) comes in one
//! file. A row matches a stored union by its code, or by its name under the same parent; a
//! match is updated (region, founding date, code, covered units, chair, term), never moved or
//! re-kinded: those have their own procedures on the org page.
//!
//! The rules are the org services' own: `OrgInput::check`, `OrgKind::check_parent`,
//! `orgs::create_org_in` (which checks the parent and the code's uniqueness), `units::cover_in`
//! (only grassroots unions cover units, one unit unless 联合基层工会), `check_person_name`,
//! `check_term_years`.

use std::collections::HashMap;

use foldhash::HashMap as FastMap;

use chrono::{Months, NaiveDate, Utc};
use gonghui_domain::{
    CommitteeKind, OfficerRole, OfficerSource, OrgKind, RegionCode, Uscc, check_term_number,
    parse_org_kind, search_keys, term_years_allowed, to_half_width,
};
use sea_query::{Expr, ExprTrait, Query};

use super::columns::{self as c, msg};
use super::units::{org_paths, units_by_uscc};
use super::{ImportProgress, ImportScope, Line, Planned, RowStatus, Sheet, Touched, tick};
use crate::db::Tx;
use crate::orgs::{ACTIVE, Org, OrgInput, in_subtree, select_orgs};
use crate::schema::{Officers, OrgTerms, Orgs, Units};
use crate::terms::{current_term_in, insert_term};
use crate::{Error, Result};

/// A name as compared: half-width, without spaces.
pub(super) fn norm_name(s: &str) -> String {
    // Most names need nothing done: copied as they are (a province indexes 200,000).
    let plain =
        |c: char| !c.is_whitespace() && c != '\u{3000}' && !('\u{FF01}'..='\u{FF5E}').contains(&c);
    if s.chars().all(plain) {
        return s.to_owned();
    }
    to_half_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The active orgs of the importer's scope, found by id, name or code. Nothing outside the
/// scope is loaded, so a reference to an org out of scope reads exactly like an unknown one.
pub(crate) struct OrgIndex {
    orgs: Vec<Org>,
    // foldhash: a province loads 200,000 unions into these while the import waits.
    by_id: FastMap<i64, usize>,
    by_name: FastMap<String, Vec<usize>>,
    by_uscc: FastMap<String, usize>,
}

impl OrgIndex {
    pub async fn load(tx: &mut Tx, scope: &ImportScope) -> Result<OrgIndex> {
        let orgs: Vec<Org> = tx.all(&OrgIndex::query(scope)).await?;
        Ok(OrgIndex::from_orgs(orgs))
    }

    /// The query [`OrgIndex::load`] runs: the active orgs of the scope.
    pub fn query(scope: &ImportScope) -> sea_query::SelectStatement {
        let mut q = select_orgs()
            .and_where(Expr::col((Orgs::Table, Orgs::Status)).eq(ACTIVE))
            .to_owned();
        if !scope.all {
            q.and_where(in_subtree(
                Expr::col((Orgs::Table, Orgs::Path)),
                &scope.subtree,
            ));
        }
        q
    }

    pub fn from_orgs(orgs: Vec<Org>) -> OrgIndex {
        let mut index = OrgIndex {
            by_id: FastMap::with_capacity_and_hasher(orgs.len(), Default::default()),
            by_name: FastMap::with_capacity_and_hasher(orgs.len(), Default::default()),
            by_uscc: FastMap::default(),
            orgs: vec![],
        };
        for (i, o) in orgs.iter().enumerate() {
            index.by_id.insert(o.id, i);
            index.by_name.entry(norm_name(&o.name)).or_default().push(i);
            if let Some(u) = &o.uscc {
                index.by_uscc.insert(u.clone(), i);
            }
        }
        index.orgs = orgs;
        index
    }

    pub fn find(&self, id: i64) -> Option<&Org> {
        self.by_id.get(&id).map(|i| &self.orgs[*i])
    }

    pub fn get(&self, id: i64) -> &Org {
        self.find(id).expect("an id from this index")
    }

    fn named(&self, name: &str) -> Vec<&Org> {
        self.by_name
            .get(&norm_name(name))
            .map(|v| v.iter().map(|i| &self.orgs[*i]).collect())
            .unwrap_or_default()
    }

    /// An org by system number (`#123` or `123`), 统一社会信用代码 or exact name.
    pub fn resolve(&self, raw: &str) -> std::result::Result<i64, String> {
        let t = norm_name(raw);
        let number = t
            .strip_prefix('#')
            .or_else(|| t.rsplit_once('#').map(|(_, n)| n))
            .unwrap_or(&t);
        if !number.is_empty() && number.len() <= 12 && number.bytes().all(|b| b.is_ascii_digit()) {
            let id: i64 = number.parse().unwrap_or(-1);
            return match self.find(id) {
                Some(o) => Ok(o.id),
                None => Err(format!(
                    "在您的管理范围内找不到系统编号为 {number} 的工会，请核对"
                )),
            };
        }
        if t.len() == 18
            && let Ok(u) = Uscc::parse(&t)
        {
            return match self.by_uscc.get(u.as_str()) {
                Some(i) => Ok(self.orgs[*i].id),
                None => Err(format!(
                    "在您的管理范围内找不到统一社会信用代码为 {} 的工会，请核对",
                    u.as_str()
                )),
            };
        }
        match self.named(raw).as_slice() {
            [one] => Ok(one.id),
            [] => Err(format!(
                "在您的管理范围内找不到名为“{}”的工会，请核对名称（须与系统中的全称一致），或改填工会的统一社会信用代码",
                raw.trim()
            )),
            many => Err(format!(
                "有{}个工会名为“{}”，无法确定是哪一个，请改填工会的统一社会信用代码或系统编号（如 #{}）",
                many.len(),
                raw.trim(),
                many[0].id
            )),
        }
    }
}

#[derive(Debug, Clone)]
pub struct OrgRow {
    input: OrgInput,
    parent: String,
    units: Vec<Uscc>,
    chair: Option<String>,
    term_end: Option<NaiveDate>,
    term_number: Option<i64>,
}

/// Where a new org goes: under a stored org, or under an org created by an earlier row.
#[derive(Debug, Clone, Copy)]
pub enum ParentRef {
    Stored(i64),
    Row(usize),
}

#[derive(Debug)]
pub struct OrgAction {
    /// Index of this row among the file's rows (new orgs are referred to by it).
    index: usize,
    /// The stored org the row describes.
    matched: Option<i64>,
    create: Option<(ParentRef, OrgInput)>,
    update: Option<(i64, OrgInput)>,
    /// (unit id, its region code)
    cover: Vec<(i64, String)>,
    chair: Option<String>,
    /// (届次, start, years)
    term: Option<(i64, NaiveDate, u32)>,
    term_end: Option<NaiveDate>,
}

fn split_codes(t: &str) -> Vec<String> {
    t.split([';', '；', ',', '，', '、', '\n', ' ', '/'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(super) fn parse(sheet: &Sheet) -> Vec<Line<OrgRow>> {
    let mut out = Vec::with_capacity(sheet.table.rows.len());
    let l = |k| sheet.label(k);
    let mut seen_uscc: HashMap<String, usize> = HashMap::new();
    let mut seen_name: HashMap<(String, String), usize> = HashMap::new();
    let mut seen_unit: HashMap<String, usize> = HashMap::new();
    for row in &sheet.table.rows {
        let mut line = Line::new(row.line);
        let name = match c::name_text(sheet.cell(row, "name")) {
            Ok(Some(n)) => Some(n),
            Ok(None) => {
                line.error(l("name"), "请填写工会名称（全称）");
                None
            }
            Err(e) => {
                line.error(l("name"), e);
                None
            }
        };
        let kind = match c::text(sheet.cell(row, "kind")) {
            Ok(t) => parse_org_kind(t.as_deref().unwrap_or(""), name.as_deref().unwrap_or(""))
                .map_err(|e| line.error(l("kind"), msg(e)))
                .ok(),
            Err(e) => {
                line.error(l("kind"), e);
                None
            }
        };
        let parent = match c::name_text(sheet.cell(row, "parent")) {
            Ok(Some(p)) => Some(p),
            Ok(None) => {
                line.error(
                    l("parent"),
                    "请填写上级工会（名称、统一社会信用代码或系统编号）",
                );
                None
            }
            Err(e) => {
                line.error(l("parent"), e);
                None
            }
        };
        let uscc = match c::code_text(sheet.cell(row, "uscc"), "工会统一社会信用代码") {
            Ok(Some(t)) => Uscc::parse(&t)
                .map(Some)
                .map_err(|e| line.error(l("uscc"), msg(e)))
                .unwrap_or(None),
            Ok(None) => None,
            Err(e) => {
                line.error(l("uscc"), e);
                None
            }
        };
        let region = match c::code_text(sheet.cell(row, "region"), "行政区划代码") {
            Ok(Some(t)) => RegionCode::parse(&t)
                .map(Some)
                .map_err(|e| line.error(l("region"), msg(e)))
                .unwrap_or(None),
            Ok(None) => None,
            Err(e) => {
                line.error(l("region"), e);
                None
            }
        };
        let founded = c::date(sheet.cell(row, "founded"))
            .map_err(|e| line.error(l("founded"), e))
            .unwrap_or(None);
        let mut units = Vec::new();
        match c::code_text(sheet.cell(row, "units"), "覆盖单位统一社会信用代码") {
            Ok(Some(t)) => {
                for code in split_codes(&t) {
                    match Uscc::parse(&code) {
                        Ok(u) => {
                            if let Some(first) = seen_unit.get(u.as_str()) {
                                line.error(
                                    l("units"),
                                    format!(
                                        "单位 {} 已在第{first}行列为覆盖单位，一个单位只能由一个工会覆盖",
                                        u.as_str()
                                    ),
                                );
                            } else {
                                seen_unit.insert(u.as_str().to_owned(), row.line);
                                units.push(u);
                            }
                        }
                        Err(e) => line.error(l("units"), format!("“{code}”：{}", e.0)),
                    }
                }
            }
            Ok(None) => {}
            Err(e) => line.error(l("units"), e),
        }
        let chair = match c::name_text(sheet.cell(row, "chair")) {
            Ok(Some(n)) => gonghui_domain::check_person_name(&n)
                .map(Some)
                .map_err(|e| line.error(l("chair"), msg(e)))
                .unwrap_or(None),
            Ok(None) => None,
            Err(e) => {
                line.error(l("chair"), e);
                None
            }
        };
        let term_end = c::date(sheet.cell(row, "term_end"))
            .map_err(|e| line.error(l("term_end"), e))
            .unwrap_or(None);
        let term_number = match c::count(sheet.cell(row, "term_number"), "届次") {
            Ok(Some(n)) => check_term_number(n)
                .map(|_| Some(n))
                .map_err(|e| line.error(l("term_number"), msg(e)))
                .unwrap_or(None),
            Ok(None) => None,
            Err(e) => {
                line.error(l("term_number"), e);
                None
            }
        };
        line.keys.extend(name.as_deref().map(norm_name));
        line.keys
            .extend(uscc.as_ref().map(|u| u.as_str().to_owned()));
        if let (Some(n), Some(p)) = (&name, &parent) {
            let key = (norm_name(n), norm_name(p));
            if let Some(first) = seen_name.get(&key) {
                line.error(
                    l("name"),
                    format!("与第{first}行重复（同一上级工会下的同名工会），请删除重复行"),
                );
            } else {
                seen_name.insert(key, row.line);
            }
        }
        if let Some(u) = &uscc {
            if let Some(first) = seen_uscc.get(u.as_str()) {
                line.error(
                    l("uscc"),
                    format!("与第{first}行的工会统一社会信用代码重复，请删除重复行"),
                );
            } else {
                seen_uscc.insert(u.as_str().to_owned(), row.line);
            }
        }
        if let (Some(name), Some((kind, sub_kind))) = (&name, kind) {
            let input = OrgInput {
                kind,
                sub_kind: sub_kind.map(str::to_owned),
                name: name.clone(),
                short_name: None,
                region,
                industry: None,
                founded_on: founded,
                uscc,
                legal_person_cert: None,
                independent_account: false,
                address: None,
                contact_person: None,
                contact_phone: None,
            };
            if let Err(Error::Invalid { field, message }) = input.check() {
                let col = match field {
                    Some("uscc") => l("uscc"),
                    Some("sub_kind") | Some("kind") => l("kind"),
                    _ => l("name"),
                };
                line.error(col, message);
            } else if line.errors.is_empty() {
                line.value = Some(OrgRow {
                    input,
                    parent: parent.expect("no errors"),
                    units,
                    chair,
                    term_end,
                    term_number,
                });
            }
        }
        out.push(line);
    }
    out
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// What a row planned earlier in the file stands for, when later rows name it as parent.
#[derive(Clone, Copy)]
enum Earlier {
    /// A stored org the row matched.
    Stored(i64),
    /// An org the row creates: (row index, kind, region).
    New(usize, OrgKind),
    /// The row has errors.
    Failed(usize),
}

/// The years of a term ending on `end` that began on or before `today`: the longest length
/// the law allows for the kind.
fn term_from_end(
    kind: OrgKind,
    end: NaiveDate,
    today: NaiveDate,
) -> std::result::Result<(NaiveDate, u32), String> {
    let mut allowed = term_years_allowed(kind).to_vec();
    allowed.sort_unstable_by(|a, b| b.cmp(a));
    for y in &allowed {
        if let Some(start) = end.checked_sub_months(Months::new(12 * y))
            && start <= today
        {
            return Ok((start, *y));
        }
    }
    Err(format!(
        "本届任期届满日期 {end} 距今超过{}年，不是本届任期的届满日期，请核对",
        allowed.first().copied().unwrap_or(5)
    ))
}

async fn current_chair(tx: &mut Tx, org_id: i64) -> Result<Option<String>> {
    let row: Option<(String,)> = tx
        .optional(
            &Query::select()
                .column(Officers::Name)
                .from(Officers::Table)
                .and_where(Expr::col(Officers::OrgId).eq(org_id))
                .and_where(Expr::col(Officers::Committee).eq(CommitteeKind::UnionCommittee.code()))
                .and_where(Expr::col(Officers::Role).eq(OfficerRole::Chair.code()))
                .and_where(Expr::col(Officers::LeftOn).is_null())
                .limit(1)
                .to_owned(),
        )
        .await?;
    Ok(row.map(|r| r.0))
}

async fn max_term_number(tx: &mut Tx, org_id: i64) -> Result<i64> {
    let row: (Option<i64>,) = tx
        .one(
            &Query::select()
                .expr(Expr::col(OrgTerms::Number).max())
                .from(OrgTerms::Table)
                .and_where(Expr::col(OrgTerms::OrgId).eq(org_id))
                .to_owned(),
        )
        .await?;
    Ok(row.0.unwrap_or(0))
}

async fn covered_count(tx: &mut Tx, org_id: i64) -> Result<usize> {
    Ok(tx
        .scalar(
            &Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from(Units::Table)
                .and_where(Expr::col(Units::CoveringOrgId).eq(org_id))
                .to_owned(),
        )
        .await? as usize)
}

/// Orgs holding each of these codes, anywhere: (id, path).
async fn orgs_by_uscc(tx: &mut Tx, codes: Vec<String>) -> Result<HashMap<String, (i64, String)>> {
    let mut out = HashMap::new();
    for chunk in super::chunks(&codes) {
        let rows: Vec<(i64, Option<String>, String)> = tx
            .all(
                &Query::select()
                    .columns([Orgs::Id, Orgs::Uscc, Orgs::Path])
                    .from(Orgs::Table)
                    .and_where(Expr::col(Orgs::Uscc).is_in(chunk))
                    .to_owned(),
            )
            .await?;
        for (id, u, path) in rows {
            if let Some(u) = u {
                out.insert(u, (id, path));
            }
        }
    }
    Ok(out)
}

pub(super) async fn plan(
    tx: &mut Tx,
    scope: &ImportScope,
    sheet: &Sheet,
    rows: Vec<Line<OrgRow>>,
) -> Result<Vec<Planned<OrgAction>>> {
    let index = OrgIndex::load(tx, scope).await?;
    let l = |k| sheet.label(k);
    let codes: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            r.value
                .as_ref()?
                .input
                .uscc
                .as_ref()
                .map(|u| u.as_str().to_owned())
        })
        .collect();
    let holders = orgs_by_uscc(tx, codes).await?;
    let unit_codes: Vec<String> = rows
        .iter()
        .filter_map(|r| r.value.as_ref())
        .flat_map(|v| v.units.iter().map(|u| u.as_str().to_owned()))
        .collect();
    let units = units_by_uscc(tx, &unit_codes).await?;
    let unit_paths = org_paths(
        tx,
        units.values().filter_map(|u| u.covering_org_id).collect(),
    )
    .await?;
    let today = today();
    // Names and codes of the rows planned so far, for later rows' 上级工会.
    let mut earlier: HashMap<String, Earlier> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for (index_in_file, line) in rows.into_iter().enumerate() {
        let keys = line.keys;
        let Some(r) = line.value else {
            earlier_failed(&mut earlier, &keys, line.line);
            out.push(Planned::invalid(line.line, line.errors));
            continue;
        };
        let mut errors: Vec<(&'static str, String)> = vec![];
        // 上级工会: a row above, else a stored org in scope.
        let parent = match earlier.get(&norm_name(&r.parent)).copied() {
            Some(Earlier::Failed(row)) => Err(format!(
                "上级工会“{}”是文件第{row}行的工会，该行有错误未能导入，请先改正第{row}行",
                r.parent.trim()
            )),
            Some(Earlier::New(i, kind)) => Ok((ParentRef::Row(i), kind, None)),
            Some(Earlier::Stored(id)) => {
                let p = index.get(id);
                Ok((ParentRef::Stored(id), p.kind, p.region_code.clone()))
            }
            None => index.resolve(&r.parent).map(|id| {
                let p = index.get(id);
                (ParentRef::Stored(id), p.kind, p.region_code.clone())
            }),
        };
        let (parent, parent_kind, parent_region) = match parent {
            Ok(p) => p,
            Err(e) => {
                errors.push((l("parent"), e));
                earlier_failed(&mut earlier, &keys, line.line);
                out.push(Planned::invalid(line.line, errors));
                continue;
            }
        };
        let mut input = r.input;
        if let Err(e) = input.kind.check_parent(parent_kind) {
            errors.push((l("kind"), e.0));
        }
        // The stored org this row describes, if any.
        let mut matched: Option<&Org> = None;
        if let Some(u) = &input.uscc
            && let Some((id, path)) = holders.get(u.as_str())
        {
            if scope.writes_path(path) && index.find(*id).is_some() {
                matched = index.find(*id);
            } else {
                errors.push((
                    l("uscc"),
                    format!(
                        "工会统一社会信用代码 {} 已被另一个工会组织登记，请核对",
                        u.as_str()
                    ),
                ));
            }
        }
        if matched.is_none()
            && let ParentRef::Stored(pid) = parent
        {
            matched = index
                .named(&input.name)
                .into_iter()
                .find(|o| o.parent_id == Some(pid));
        }
        if let Some(m) = matched {
            if matches!(parent, ParentRef::Row(_))
                || m.parent_id
                    != Some(match parent {
                        ParentRef::Stored(p) => p,
                        ParentRef::Row(_) => -1,
                    })
            {
                errors.push((
                    l("parent"),
                    "该工会已在系统中，其上级工会与文件中填写的不同；调整隶属关系请在组织页面办理“调整隶属关系”".into(),
                ));
            }
            if m.kind != input.kind || m.sub_kind != input.sub_kind {
                errors.push((
                    l("kind"),
                    format!(
                        "该工会在系统中登记为{}，与文件中的工会类型不同；修改类型请在组织页面办理",
                        m.kind_label()
                    ),
                ));
            }
        }
        if input.region.is_none() {
            input.region = match matched {
                Some(m) => m
                    .region_code
                    .as_deref()
                    .and_then(|r| RegionCode::parse(r).ok()),
                None => parent_region
                    .as_deref()
                    .and_then(|r| RegionCode::parse(r).ok()),
            };
        }
        if let Some(m) = matched {
            input.founded_on = input.founded_on.or(m.founded_on);
            if input.uscc.is_none() {
                input.uscc = m.uscc.as_deref().and_then(|u| Uscc::parse(u).ok());
            }
            input.short_name = m.short_name.clone();
            input.industry = m
                .industry_code
                .as_deref()
                .and_then(|i| gonghui_domain::IndustryCode::parse(i).ok());
            input.legal_person_cert = m.legal_person_cert.clone();
            input.independent_account = m.independent_account;
            input.address = m.address.clone();
            input.contact_person = m.contact_person.clone();
            input.contact_phone = m.contact_phone.clone();
        }
        // 覆盖单位
        let mut cover = Vec::new();
        if !r.units.is_empty() {
            if input.kind != OrgKind::Grassroots {
                errors.push((
                    l("units"),
                    format!(
                        "只有基层工会可以覆盖单位，{}不能填写覆盖单位",
                        input.kind.label()
                    ),
                ));
            } else {
                let mut already = match matched {
                    Some(m) => covered_count(tx, m.id).await?,
                    None => 0,
                };
                for code in &r.units {
                    let unit = units
                        .get(code.as_str())
                        .filter(|u| match u.covering_org_id {
                            Some(o) => unit_paths.get(&o).is_some_and(|p| scope.writes_path(p)),
                            None => scope.writes_region(&u.region_code),
                        });
                    match unit {
                        None => errors.push((
                            l("units"),
                            format!(
                                "单位名录中没有统一社会信用代码为 {} 的单位，或该单位不在您的管理范围内；请先导入单位名录",
                                code.as_str()
                            ),
                        )),
                        Some(u) if matched.is_some_and(|m| u.covering_org_id == Some(m.id)) => {}
                        Some(u) if u.covering_org_id.is_some() => errors.push((
                            l("units"),
                            format!(
                                "{}已由其他工会覆盖；如需改由本工会覆盖，请先在单位页面解除原覆盖关系",
                                u.name
                            ),
                        )),
                        Some(u) => {
                            cover.push((u.id, u.region_code.clone()));
                            already += 1;
                        }
                    }
                }
                let max = input
                    .sub_kind
                    .as_deref()
                    .and_then(gonghui_domain::GrassrootsKind::from_code)
                    .and_then(|g| g.max_units());
                if let Some(max) = max
                    && already > max
                {
                    errors.push((
                        l("units"),
                        format!(
                            "{}只能覆盖{max}个单位；多个小微单位共建请使用联合基层工会",
                            input
                                .sub_kind
                                .as_deref()
                                .and_then(gonghui_domain::GrassrootsKind::from_code)
                                .map(|g| g.label())
                                .unwrap_or("该工会")
                        ),
                    ));
                }
            }
        }
        // 主席
        let mut chair = None;
        if let Some(name) = &r.chair {
            let current = match matched {
                Some(m) => current_chair(tx, m.id).await?,
                None => None,
            };
            match current {
                Some(c) if c == *name => {}
                Some(c) => errors.push((
                    l("chair"),
                    format!(
                        "系统中本会主席为“{c}”，与文件中的“{name}”不同；更换主席请在组织页面（领导班子）或换届选举中办理"
                    ),
                )),
                None => chair = Some(name.clone()),
            }
        }
        // 本届任期
        let mut term = None;
        if let Some(end) = r.term_end {
            let current = match matched {
                Some(m) => current_term_in(tx, m.id).await?,
                None => None,
            };
            match current {
                Some(t) if t.end_on == end => {}
                Some(t) => errors.push((
                    l("term_end"),
                    format!(
                        "系统中本届（第{}届）任期届满日期为 {}，与文件中的 {end} 不同；换届请在“任期与换届”页面办理",
                        t.number, t.end_on
                    ),
                )),
                None => match term_from_end(input.kind, end, today) {
                    Ok((start, years)) => {
                        let number = match (r.term_number, matched) {
                            (Some(n), _) => n,
                            (None, Some(m)) => max_term_number(tx, m.id).await? + 1,
                            (None, None) => 1,
                        };
                        term = Some((number, start, years));
                    }
                    Err(e) => errors.push((l("term_end"), e)),
                },
            }
        }
        if !errors.is_empty() {
            earlier_failed(&mut earlier, &keys, line.line);
            out.push(Planned::invalid(line.line, errors));
            continue;
        }
        let (status, create, update) = match matched {
            None => (RowStatus::New, Some((parent, input.clone())), None),
            Some(m) => {
                let fields_changed = input.name.trim() != m.name
                    || input.region.as_ref().map(|r| r.as_str()) != m.region_code.as_deref()
                    || input.founded_on != m.founded_on
                    || input.uscc.as_ref().map(|u| u.as_str()) != m.uscc.as_deref();
                let changed =
                    fields_changed || !cover.is_empty() || chair.is_some() || term.is_some();
                (
                    if changed {
                        RowStatus::Changed
                    } else {
                        RowStatus::Unchanged
                    },
                    None,
                    fields_changed.then(|| (m.id, input.clone())),
                )
            }
        };
        let stands_for = match matched {
            Some(m) => Earlier::Stored(m.id),
            None => Earlier::New(index_in_file, input.kind),
        };
        for k in &keys {
            earlier.insert(k.clone(), stands_for);
        }
        let action = OrgAction {
            index: index_in_file,
            matched: matched.map(|m| m.id),
            create,
            update,
            cover,
            chair,
            term,
            term_end: r.term_end,
        };
        let action = (status != RowStatus::Unchanged).then_some(action);
        // An unchanged row still stands for its org in later rows (kept in `earlier`).
        out.push(Planned::ok(line.line, status, action));
    }
    Ok(out)
}

fn earlier_failed(earlier: &mut HashMap<String, Earlier>, keys: &[String], line: usize) {
    for k in keys {
        earlier.entry(k.clone()).or_insert(Earlier::Failed(line));
    }
}

pub(super) async fn write(
    tx: &mut Tx,
    rows: Vec<Planned<OrgAction>>,
    progress: Option<&ImportProgress>,
) -> Result<Touched> {
    let today = today();
    let mut touched = Touched::default();
    let mut created: HashMap<usize, i64> = HashMap::new();
    for p in rows {
        let Some(a) = p.action else { continue };
        let org_id = if let Some((parent, input)) = &a.create {
            let parent_id = match parent {
                ParentRef::Stored(id) => *id,
                ParentRef::Row(i) => *created
                    .get(i)
                    .ok_or_else(|| Error::rule("上级工会未能建立"))?,
            };
            let from = input.founded_on.filter(|d| *d <= today).unwrap_or(today);
            let id = crate::orgs::create_org_in(tx, parent_id, input, from).await?;
            created.insert(a.index, id);
            id
        } else if let Some((id, input)) = &a.update {
            let keys = search_keys(input.name.trim());
            tx.execute(
                &Query::update()
                    .table(Orgs::Table)
                    .values([
                        (Orgs::Name, input.name.trim().into()),
                        (Orgs::NamePinyin, keys.full.into()),
                        (Orgs::NameInitials, keys.initials.into()),
                        (
                            Orgs::RegionCode,
                            input.region.as_ref().map(|r| r.as_str().to_owned()).into(),
                        ),
                        (Orgs::FoundedOn, input.founded_on.into()),
                        (
                            Orgs::Uscc,
                            input.uscc.as_ref().map(|u| u.as_str().to_owned()).into(),
                        ),
                        (Orgs::UpdatedAt, Utc::now().into()),
                    ])
                    .and_where(Expr::col(Orgs::Id).eq(*id))
                    .to_owned(),
            )
            .await?;
            *id
        } else {
            a.matched.ok_or_else(|| Error::rule("找不到要修改的工会"))?
        };
        if !a.cover.is_empty() {
            let org = crate::orgs::load(tx, org_id).await?;
            for (unit, region) in &a.cover {
                touched.regions.push(region.clone());
                crate::units::cover_in(tx, *unit, &org, today, false).await?;
            }
        }
        if let Some((number, start, years)) = a.term {
            insert_term(
                tx,
                org_id,
                number,
                start,
                years,
                None,
                Some("由工会组织名册导入登记".into()),
            )
            .await?;
        }
        if let Some(name) = &a.chair {
            let start = a.term.map(|(_, s, _)| s);
            tx.execute(
                &Query::insert()
                    .into_table(Officers::Table)
                    .columns([
                        Officers::OrgId,
                        Officers::Committee,
                        Officers::Role,
                        Officers::Name,
                        Officers::FullTime,
                        Officers::TermStart,
                        Officers::TermEnd,
                        Officers::Source,
                        Officers::IsAssociationLeader,
                        Officers::IsEnterpriseHead,
                    ])
                    .values_panic([
                        org_id.into(),
                        CommitteeKind::UnionCommittee.code().into(),
                        OfficerRole::Chair.code().into(),
                        name.clone().into(),
                        false.into(),
                        start.into(),
                        start.and(a.term_end).into(),
                        OfficerSource::Other.code().into(),
                        false.into(),
                        false.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        }
        touched.orgs.push(org_id);
        tick(progress, 1);
    }
    Ok(touched)
}
