//! The demo city in memory. [`plan`] is a pure function of the sizes, the seed and the as-of
//! date: it builds every row the generator will write, with ids assigned in creation order
//! (the database is empty, so row `i` gets id `i + 1`). Writing is [`super::write`]'s job.
//!
//! Shape (DESIGN.md "Demo data", seed 000): 荆州市总工会 → the real county-level units of 4210
//! with their real townships, the 开发区 with its streets, six 市直产业工会, sector federations
//! from seed 000's list with guidance edges and member unions, and grassroots unions of the five
//! kinds covering units from a directory in which most small private firms have no union yet.

use std::collections::HashSet;

use chrono::{Datelike, Months, NaiveDate, TimeDelta};
use gonghui_domain::{
    AreaKind, CommitteeKind, Education, GrassrootsKind, JoinMethod, MemberStatus,
    NewEmploymentGroup, OfficerRole, OrgKind, Ownership, RegionCode, cities_of, counties_of,
    id_check_char, townships_of, uscc_check_char,
};
use rand::rngs::SmallRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};

use super::names::{self, weighted};

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub grassroots: usize,
    pub units: usize,
    pub members: usize,
}

pub struct OrgRow {
    pub id: i64,
    pub kind: OrgKind,
    pub sub_kind: Option<&'static str>,
    pub name: String,
    pub short_name: Option<String>,
    pub region_code: Option<&'static str>,
    pub industry_code: Option<&'static str>,
    pub founded_on: NaiveDate,
    pub uscc: Option<String>,
    pub legal_person_cert: Option<String>,
    pub independent_account: bool,
    pub address: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub parent_id: Option<i64>,
    pub path: String,
    pub depth: i64,
    pub closed_on: Option<NaiveDate>,
}

pub struct AffiliationRow {
    pub org_id: i64,
    pub parent_id: i64,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// A guidance edge (upper = guide) or a sector membership (upper = sector federation).
pub struct LinkRow {
    pub upper: i64,
    pub lower: i64,
    pub valid_from: NaiveDate,
}

pub struct CommitteeRow {
    pub org_id: i64,
    pub kind: CommitteeKind,
    pub established_on: NaiveDate,
}

pub struct OfficerRow {
    pub org_id: i64,
    pub committee: CommitteeKind,
    pub role: OfficerRole,
    pub name: String,
    pub full_time: bool,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    pub phone: Option<String>,
    pub left_on: Option<NaiveDate>,
}

/// What kind of employer a unit is; decides its code prefix and its members' profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Firm,
    /// 个体工商户 (USCC 92).
    Shop,
    School,
    Hospital,
    /// 机关 (USCC 11).
    Agency,
    /// 事业单位 other than schools and hospitals (USCC 12).
    Institution,
    Social,
    Coop,
}

impl Sort {
    fn is_public(self) -> bool {
        matches!(
            self,
            Sort::School | Sort::Hospital | Sort::Agency | Sort::Institution
        )
    }
}

pub struct UnitRow {
    pub id: i64,
    pub uscc: String,
    pub name: String,
    pub region_code: &'static str,
    pub industry_code: Option<&'static str>,
    pub ownership: Ownership,
    pub employees: i64,
    pub women_employees: i64,
    pub above_scale: bool,
    pub dispatch_agency: bool,
    pub park: Option<String>,
    pub closed: bool,
    pub covering_org_id: Option<i64>,
    // Generation only.
    pub sort: Sort,
    raw_employees: f64,
    theme: Option<&'static Theme>,
    area: Option<usize>,
}

pub struct CoverageRow {
    pub unit_id: i64,
    pub org_id: i64,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

pub struct MemberRow {
    pub id: i64,
    pub id_number: String,
    pub name: String,
    pub female: bool,
    pub birth_date: NaiveDate,
    pub phone: Option<String>,
    pub ethnicity: &'static str,
    pub education: Option<Education>,
    pub migrant_worker: bool,
    pub dispatched_worker: bool,
    pub new_employment_group: Option<NewEmploymentGroup>,
    pub join_date: NaiveDate,
    pub join_method: JoinMethod,
    pub status: MemberStatus,
    pub org_id: i64,
}

pub struct MembershipRow {
    pub member_id: i64,
    pub org_id: i64,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub end_reason: Option<String>,
}

/// Every row of the demo city, in id order.
pub struct Plan {
    pub orgs: Vec<OrgRow>,
    pub affiliations: Vec<AffiliationRow>,
    pub guidance: Vec<LinkRow>,
    pub sector_members: Vec<LinkRow>,
    pub committees: Vec<CommitteeRow>,
    pub officers: Vec<OfficerRow>,
    pub units: Vec<UnitRow>,
    pub coverages: Vec<CoverageRow>,
    pub members: Vec<MemberRow>,
    pub memberships: Vec<MembershipRow>,
}

// ---------------------------------------------------------------------------------------------
// Reference tables
// ---------------------------------------------------------------------------------------------

type Pool = &'static [(&'static str, u32)];

/// 市直产业工会: name, short name, GB/T 4754 门类.
#[rustfmt::skip]
const INDUSTRIAL: [(&str, &str, &str); 6] = [
    ("荆州市建设工会", "市建设工会", "E"),
    ("荆州市交通运输工会", "市交通运输工会", "G"),
    ("荆州市教育工会", "市教育工会", "P"),
    ("荆州市卫生健康工会", "市卫生健康工会", "Q"),
    ("荆州市财贸工会", "市财贸工会", "F"),
    ("荆州市机械冶金工会", "市机械冶金工会", "C"),
];
const CONSTRUCTION: usize = 0;
const TRANSPORT: usize = 1;
const EDUCATION: usize = 2;
const HEALTH: usize = 3;
const TRADE: usize = 4;
const MACHINERY: usize = 5;

/// The firms each 市直产业工会 leads directly.
#[rustfmt::skip]
const INDUSTRIAL_FIRMS: [Pool; 6] = [
    &[("47", 3), ("48", 2), ("50", 1), ("70", 1)],
    &[("54", 3), ("55", 1), ("59", 2), ("60", 1)],
    &[],
    &[],
    &[("51", 2), ("52", 3), ("69", 1), ("61", 1)],
    &[("31", 1), ("33", 2), ("34", 2), ("35", 2), ("36", 2), ("38", 1)],
];

/// Firms of a township or county: the 荆州 mix of light industry, food, trade and services.
#[rustfmt::skip]
const LOCAL_FIRMS: Pool = &[
    ("13", 8), ("14", 3), ("15", 2), ("17", 6), ("18", 5), ("26", 4), ("27", 3), ("29", 4),
    ("30", 4), ("33", 5), ("34", 5), ("35", 3), ("36", 5), ("38", 3), ("39", 3), ("47", 5),
    ("48", 2), ("50", 3), ("51", 6), ("52", 8), ("54", 4), ("59", 3), ("60", 2), ("61", 3),
    ("62", 5), ("65", 2), ("70", 3), ("72", 3), ("80", 2), ("81", 2), ("01", 2), ("04", 2),
    ("44", 1), ("46", 1),
];

/// Firms of the 开发区: manufacturing and logistics.
#[rustfmt::skip]
const ZONE_FIRMS: Pool = &[
    ("13", 2), ("26", 3), ("27", 3), ("29", 2), ("34", 3), ("35", 3), ("36", 4), ("38", 3),
    ("39", 3), ("59", 2), ("65", 2), ("72", 1),
];

/// Sector federations of seed 000: label, 门类, member industries, guiding 市直产业工会, and
/// where they are set up ("421000" = city level, under 市建设工会; seed 000 names it).
struct SectorDef {
    label: &'static str,
    section: &'static str,
    divisions: Pool,
    guide: Option<usize>,
    areas: &'static [&'static str],
}

#[rustfmt::skip]
static SECTORS: [SectorDef; 7] = [
    SectorDef { label: "纺织印染行业", section: "C", divisions: &[("17", 3), ("18", 2)], guide: None, areas: &["421081", "421002", "421022"] },
    SectorDef { label: "装备制造行业", section: "C", divisions: &[("34", 2), ("35", 2), ("36", 2), ("38", 1)], guide: Some(MACHINERY), areas: &["421071", "421003"] },
    SectorDef { label: "化工医药行业", section: "C", divisions: &[("26", 3), ("27", 2), ("29", 1)], guide: None, areas: &["421083", "421024"] },
    SectorDef { label: "餐饮酒店行业", section: "H", divisions: &[("61", 1), ("62", 2)], guide: Some(TRADE), areas: &["421002", "421003", "421087"] },
    SectorDef { label: "商贸零售行业", section: "F", divisions: &[("51", 1), ("52", 2)], guide: Some(TRADE), areas: &["421088", "421002"] },
    SectorDef { label: "物流运输行业", section: "G", divisions: &[("54", 2), ("59", 2), ("60", 1)], guide: Some(TRANSPORT), areas: &["421022", "421024"] },
    SectorDef { label: "建筑业", section: "E", divisions: &[("47", 2), ("48", 1), ("50", 1)], guide: Some(CONSTRUCTION), areas: &["421000", "421087", "421088"] },
];

/// Themes of 联合基层工会 and the small units they bring together.
pub struct Theme {
    label: &'static str,
    divisions: Pool,
    /// Share of member units that are 个体工商户.
    shops: f64,
    groups: &'static [NewEmploymentGroup],
    group_share: f64,
}

#[rustfmt::skip]
static THEMES: [Theme; 8] = [
    Theme { label: "小微企业", divisions: &[("13", 1), ("18", 1), ("29", 1), ("33", 1), ("51", 1), ("52", 2), ("62", 1), ("65", 1), ("72", 1), ("81", 1)], shops: 0.2, groups: &[NewEmploymentGroup::Security, NewEmploymentGroup::RideHailingDriver], group_share: 0.04 },
    Theme { label: "商贸", divisions: &[("51", 1), ("52", 3)], shops: 0.5, groups: &[NewEmploymentGroup::MallStaff], group_share: 0.08 },
    Theme { label: "餐饮服务", divisions: &[("62", 3), ("61", 1)], shops: 0.45, groups: &[NewEmploymentGroup::DeliveryRider], group_share: 0.1 },
    Theme { label: "快递物流", divisions: &[("60", 3), ("54", 2), ("59", 1)], shops: 0.3, groups: &[NewEmploymentGroup::Courier, NewEmploymentGroup::TruckDriver, NewEmploymentGroup::DeliveryRider], group_share: 0.6 },
    Theme { label: "家政服务", divisions: &[("80", 3)], shops: 0.4, groups: &[NewEmploymentGroup::Housekeeper, NewEmploymentGroup::Caregiver], group_share: 0.6 },
    Theme { label: "建材", divisions: &[("30", 2), ("51", 1)], shops: 0.35, groups: &[NewEmploymentGroup::TruckDriver], group_share: 0.1 },
    Theme { label: "汽车维修", divisions: &[("81", 3)], shops: 0.5, groups: &[NewEmploymentGroup::RideHailingDriver], group_share: 0.1 },
    Theme { label: "个体工商户", divisions: &[("52", 3), ("62", 2), ("80", 1), ("81", 1)], shops: 0.9, groups: &[NewEmploymentGroup::DeliveryRider], group_share: 0.05 },
];

/// Resident population (万人) of each county-level unit: grassroots unions follow it.
fn county_weight(code: &str) -> f64 {
    match code {
        "421002" => 62.0,
        "421003" => 60.0,
        "421022" => 80.0,
        "421024" => 29.0,
        "421081" => 50.0,
        "421083" => 74.0,
        "421087" => 62.0,
        "421088" => 92.0,
        _ => 50.0,
    }
}

const ZONE_CODE: &str = "421071";
const CITY_CODE: &str = "421000";
#[rustfmt::skip]
const ZONE_PARKS: &[&str] = &["荆州开发区智能制造产业园", "荆州开发区生物医药产业园", "荆州开发区化工产业园", "荆州开发区城南高新园", "荆州开发区滩桥工业园"];

#[rustfmt::skip]
const BUREAUS: &[(&str, &str)] = &[
    ("财政局", "92"), ("教育局", "92"), ("人力资源和社会保障局", "92"), ("自然资源和规划局", "92"),
    ("住房和城乡建设局", "92"), ("交通运输局", "92"), ("农业农村局", "92"), ("水利和湖泊局", "92"),
    ("市场监督管理局", "92"), ("卫生健康局", "92"), ("民政局", "92"), ("商务局", "92"),
    ("文化和旅游局", "92"), ("应急管理局", "92"), ("统计局", "92"), ("审计局", "92"),
    ("发展和改革局", "92"), ("经济和信息化局", "92"), ("医疗保障局", "92"), ("退役军人事务局", "92"),
    ("城市管理执法局", "92"), ("人民法院", "92"), ("人民检察院", "92"), ("司法局", "92"),
];
#[rustfmt::skip]
const INSTITUTIONS: &[(&str, &str)] = &[
    ("广播电视台", "87"), ("融媒体中心", "87"), ("图书馆", "88"), ("档案馆", "88"), ("文化馆", "88"),
    ("博物馆", "88"), ("农业技术推广中心", "05"), ("不动产登记中心", "92"), ("公共资源交易中心", "92"),
    ("政务服务中心", "92"), ("社会保险服务中心", "94"), ("园林绿化服务中心", "78"),
    ("城市排水管理处", "46"), ("水利工程管理处", "76"), ("住房公积金服务中心", "92"),
];
#[rustfmt::skip]
const TOWN_OFFICES: &[(&str, &str)] = &[
    ("农业服务中心", "05"), ("财政所", "92"), ("文化站", "88"), ("社会保障服务中心", "94"),
    ("水利站", "76"), ("畜牧兽医服务中心", "05"), ("综合执法中心", "92"),
];
#[rustfmt::skip]
const ASSOCIATIONS: &[&str] = &[
    "个体劳动者协会", "物流协会", "餐饮行业协会", "建筑业协会", "家政服务协会", "电子商务协会",
    "小龙虾产业协会", "纺织服装商会", "汽车零部件行业协会", "私营企业协会", "物业管理协会",
];
/// 民办非企业单位: type, industry.
#[rustfmt::skip]
const NON_PROFITS: &[(&str, &str)] = &[
    ("社会工作服务中心", "85"), ("职业培训学校", "83"), ("养老服务中心", "85"), ("康复中心", "84"),
    ("青少年活动中心", "83"), ("社区服务中心", "85"),
];
#[rustfmt::skip]
const COOP_PRODUCTS: &[(&str, &str)] = &[
    ("水稻种植", "01"), ("蔬菜种植", "01"), ("柑橘种植", "01"), ("小龙虾养殖", "04"), ("水产养殖", "04"),
    ("生猪养殖", "03"), ("莲藕种植", "01"), ("农机", "05"), ("植保", "05"), ("油菜种植", "01"),
];

/// Ownership of firms led by a county, the 开发区 or a 市直产业工会.
#[rustfmt::skip]
const LARGE_FIRM_OWNERSHIP: &[(Ownership, u32)] = &[(Ownership::Private, 65), (Ownership::State, 15), (Ownership::Foreign, 7), (Ownership::HkMacaoTaiwan, 5), (Ownership::Collective, 3), (Ownership::Other, 5)];

/// Ownership of township firms with a union.
#[rustfmt::skip]
const LOCAL_FIRM_OWNERSHIP: &[(Ownership, u32)] = &[(Ownership::Private, 80), (Ownership::Collective, 6), (Ownership::State, 3), (Ownership::Foreign, 2), (Ownership::HkMacaoTaiwan, 2), (Ownership::Other, 7)];

/// Ownership of the small firms in a joint union.
#[rustfmt::skip]
const SMALL_FIRM_OWNERSHIP: &[(Ownership, u32)] = &[(Ownership::Private, 88), (Ownership::Collective, 4), (Ownership::Other, 5), (Ownership::Foreign, 1), (Ownership::HkMacaoTaiwan, 2)];

/// Ownership of firms without a union: small private firms above all.
#[rustfmt::skip]
const UNCOVERED_FIRM_OWNERSHIP: &[(Ownership, u32)] = &[(Ownership::Private, 84), (Ownership::Collective, 3), (Ownership::State, 2), (Ownership::Foreign, 2), (Ownership::HkMacaoTaiwan, 2), (Ownership::Other, 7)];

/// How new-employment-group members joined: 上门登记 and online drives.
#[rustfmt::skip]
const OUTREACH_JOIN: &[(JoinMethod, u32)] = &[(JoinMethod::DoorToDoor, 40), (JoinMethod::Online, 30), (JoinMethod::Collective, 20), (JoinMethod::Individual, 10)];

/// How everyone else joined.
#[rustfmt::skip]
const USUAL_JOIN: &[(JoinMethod, u32)] = &[(JoinMethod::Individual, 55), (JoinMethod::Collective, 37), (JoinMethod::DoorToDoor, 4), (JoinMethod::Online, 4)];

/// Education in 机关事业单位.
#[rustfmt::skip]
const PUBLIC_EDUCATION: &[(Education, u32)] = &[(Education::Postgraduate, 12), (Education::Bachelor, 50), (Education::College, 25), (Education::Senior, 10), (Education::Junior, 3)];

/// Education in social organizations.
#[rustfmt::skip]
const SOCIAL_EDUCATION: &[(Education, u32)] = &[(Education::Postgraduate, 5), (Education::Bachelor, 40), (Education::College, 35), (Education::Senior, 20)];

/// Education in firms.
#[rustfmt::skip]
const FIRM_EDUCATION: &[(Education, u32)] = &[(Education::Primary, 2), (Education::Junior, 25), (Education::Senior, 35), (Education::College, 22), (Education::Bachelor, 15), (Education::Postgraduate, 1)];

/// Education in small units, shops and cooperatives.
#[rustfmt::skip]
const SMALL_UNIT_EDUCATION: &[(Education, u32)] = &[(Education::Primary, 8), (Education::Junior, 45), (Education::Senior, 32), (Education::College, 12), (Education::Bachelor, 3)];

const USCC_CHARSET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

// ---------------------------------------------------------------------------------------------
// Builder
// ---------------------------------------------------------------------------------------------

/// A county-level place: a county federation's county, or the 开发区.
struct Area {
    code: &'static str,
    name: &'static str,
    /// How units here prefix their names: 石首市…, or 荆州… for the city's districts.
    prefix: &'static str,
    org: usize,
    weight: f64,
    towns: Vec<usize>,
}

struct Town {
    org: usize,
    name: &'static str,
    area: usize,
    kind: AreaKind,
}

/// Where a unit is: the city level (`area` None), a county-level area, or a township in it.
#[derive(Clone, Copy)]
struct Place {
    area: Option<usize>,
    town: Option<usize>,
}

#[derive(Clone, Copy)]
enum Flavor {
    Firm(Pool, Size),
    Public(Sort),
    Social,
    Coop,
    Joint(&'static Theme),
}

#[derive(Clone, Copy)]
enum Size {
    Small,
    Local,
    Large,
}

struct Slot {
    parent: usize,
    place: Place,
    flavor: Flavor,
    joint_units: usize,
    sector: Option<usize>,
}

struct Builder {
    rng: SmallRng,
    as_of: NaiveDate,
    p: Plan,
    areas: Vec<Area>,
    towns: Vec<Town>,
    usccs: HashSet<String>,
    unit_names: HashSet<String>,
    org_names: HashSet<String>,
    id_numbers: HashSet<u64>,
    jingzhou_counties: Vec<&'static str>,
    hubei_counties: Vec<&'static str>,
    industrial: Vec<usize>,
    zone_area: usize,
    /// Active grassroots unions (org indexes), for transfer histories.
    grassroots: Vec<usize>,
    closed_union: Option<usize>,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn years_after(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_add_months(Months::new(12 * years))
        .expect("date in range")
}

/// Build the whole city. Deterministic in (`sizes`, `seed`, `as_of`).
pub fn plan(sizes: Sizes, seed: u64, as_of: NaiveDate) -> Plan {
    let mut b = Builder::new(seed, as_of);
    b.skeleton();
    b.history_of_townships();
    let slots = b.plan_slots(sizes);
    for slot in &slots {
        b.add_grassroots(slot);
    }
    b.add_closed_union();
    b.move_some_grassroots(sizes.grassroots);
    b.uncovered_units(sizes.units);
    b.finish_units(sizes.members);
    b.members(sizes.members);
    b.p
}

impl Builder {
    fn new(seed: u64, as_of: NaiveDate) -> Builder {
        let jingzhou_counties: Vec<&'static str> = counties_of("4210")
            .into_iter()
            .map(|(c, _)| c)
            .filter(|c| !is_functional_zone(c))
            .collect();
        let hubei_counties = cities_of("42")
            .into_iter()
            .flat_map(|(city, _)| counties_of(city))
            .map(|(c, _)| c)
            .filter(|c| !is_functional_zone(c))
            .collect();
        Builder {
            rng: SmallRng::seed_from_u64(seed),
            as_of,
            p: Plan {
                orgs: Vec::new(),
                affiliations: Vec::new(),
                guidance: Vec::new(),
                sector_members: Vec::new(),
                committees: Vec::new(),
                officers: Vec::new(),
                units: Vec::new(),
                coverages: Vec::new(),
                members: Vec::new(),
                memberships: Vec::new(),
            },
            areas: Vec::new(),
            towns: Vec::new(),
            usccs: HashSet::new(),
            unit_names: HashSet::new(),
            org_names: HashSet::new(),
            id_numbers: HashSet::new(),
            jingzhou_counties,
            hubei_counties,
            industrial: Vec::new(),
            zone_area: 0,
            grassroots: Vec::new(),
            closed_union: None,
        }
    }

    // ---- small helpers ----

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    /// A date in `[lo, hi]` (just `lo` when the range is empty).
    fn date_between(&mut self, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
        let span = (hi - lo).num_days();
        if span <= 0 {
            return lo;
        }
        lo + TimeDelta::days(self.rng.random_range(0..=span))
    }

    /// Latest founding date that still leaves the org some history before today.
    fn recent(&self) -> NaiveDate {
        self.as_of - TimeDelta::days(120)
    }

    fn founded(&mut self, from_year: i32, to_year: i32) -> NaiveDate {
        let hi = d(to_year, 12, 31).min(self.recent());
        self.date_between(d(from_year, 1, 1), hi)
    }

    /// Log-normal with the given median, clamped.
    fn lognormal(&mut self, median: f64, sigma: f64, lo: f64, hi: f64) -> f64 {
        // Box–Muller.
        let u1: f64 = self.rng.random_range(f64::EPSILON..1.0);
        let u2: f64 = self.rng.random();
        let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        (median * (sigma * z).exp()).clamp(lo, hi)
    }

    fn uscc(&mut self, prefix: &str, region: &str) -> String {
        loop {
            let mut body = String::with_capacity(9);
            if prefix == "91" && self.chance(0.6) {
                // Firms registered since 2015 mostly carry MA-series organization codes.
                body.push_str("MA4");
                for _ in 0..6 {
                    body.push(USCC_CHARSET[self.rng.random_range(0..USCC_CHARSET.len())] as char);
                }
            } else {
                for _ in 0..8 {
                    body.push((b'0' + self.rng.random_range(0..10u8)) as char);
                }
                body.push(USCC_CHARSET[self.rng.random_range(0..USCC_CHARSET.len())] as char);
            }
            let first17 = format!("{prefix}{region}{body}");
            let code = format!("{first17}{}", uscc_check_char(&first17).expect("charset"));
            if self.usccs.insert(code.clone()) {
                return code;
            }
        }
    }

    fn address(&mut self, place: Place) -> String {
        let road = names::ROADS.choose(&mut self.rng).expect("roads");
        let n = self.rng.random_range(1..300);
        let area = place
            .area
            .map(|a| self.areas[a].name)
            .unwrap_or("荆州市沙市区");
        let town = place.town.map(|t| self.towns[t].name).unwrap_or("");
        format!("{area}{town}{road}{n}号")
    }

    fn add_org(
        &mut self,
        parent: Option<usize>,
        kind: OrgKind,
        sub_kind: Option<&'static str>,
        name: String,
        founded: NaiveDate,
    ) -> usize {
        let idx = self.p.orgs.len();
        let id = idx as i64 + 1;
        let (parent_id, path, depth) = match parent {
            Some(pi) => {
                let p = &self.p.orgs[pi];
                (Some(p.id), format!("{}{}/", p.path, id), p.depth + 1)
            }
            None => (None, format!("/{id}/"), 0),
        };
        if let Some(pi) = parent {
            let from = founded.max(self.p.orgs[pi].founded_on);
            self.p.affiliations.push(AffiliationRow {
                org_id: id,
                parent_id: self.p.orgs[pi].id,
                valid_from: from,
                valid_to: None,
                reason: None,
            });
        }
        self.org_names.insert(name.clone());
        self.p.orgs.push(OrgRow {
            id,
            kind,
            sub_kind,
            name,
            short_name: None,
            region_code: None,
            industry_code: None,
            founded_on: founded,
            uscc: None,
            legal_person_cert: None,
            independent_account: false,
            address: None,
            contact_person: None,
            contact_phone: None,
            parent_id,
            path,
            depth,
            closed_on: None,
        });
        idx
    }

    /// The union's own 81 code and its 法人资格证 number.
    fn legal_person(&mut self, idx: usize, region: &str) {
        let code = self.uscc("81", region);
        let cert = format!(
            "鄂工法证字第{}{:05}号",
            &region[..4],
            self.rng.random_range(1..100_000)
        );
        let org = &mut self.p.orgs[idx];
        org.uscc = Some(code);
        org.legal_person_cert = Some(cert);
    }

    /// A term of office: mostly running, some ending within half a year, some overdue.
    fn term(&mut self, founded: NaiveDate) -> (NaiveDate, NaiveDate) {
        let years = if self.chance(0.7) { 5 } else { 3 };
        let r: f64 = self.rng.random();
        // Started one to six years ago: 8 % overdue for 换届, 12 % due within six months.
        let end = if r < 0.08 {
            self.as_of - TimeDelta::days(self.rng.random_range(1..=300))
        } else if r < 0.20 {
            self.as_of + TimeDelta::days(self.rng.random_range(0..=180))
        } else {
            self.as_of + TimeDelta::days(self.rng.random_range(181..=(years as i64 * 365 - 330)))
        };
        let start = end
            .checked_sub_months(Months::new(12 * years))
            .expect("date in range");
        if start < founded {
            (founded, years_after(founded, years))
        } else {
            (start, end)
        }
    }

    /// Officers and committees of one org; sets its contact person.
    fn staff(&mut self, idx: usize, federation: bool, headcount: i64) {
        let org_id = self.p.orgs[idx].id;
        let founded = self.p.orgs[idx].founded_on;
        let left_on = self.p.orgs[idx].closed_on;
        let (start, end) = self.term(founded);
        let committees: Vec<CommitteeKind> = if federation {
            CommitteeKind::THREE.to_vec()
        } else {
            let r: f64 = self.rng.random();
            if r < 0.90 {
                CommitteeKind::THREE.to_vec()
            } else if r < 0.95 {
                vec![]
            } else if self.chance(0.5) {
                vec![
                    CommitteeKind::UnionCommittee,
                    CommitteeKind::FundsReviewCommittee,
                ]
            } else {
                vec![
                    CommitteeKind::UnionCommittee,
                    CommitteeKind::WomenWorkersCommittee,
                ]
            }
        };
        for kind in &committees {
            let established_on = self.date_between(founded, start.max(founded));
            self.p.committees.push(CommitteeRow {
                org_id,
                kind: *kind,
                established_on,
            });
        }
        if federation && self.p.orgs[idx].kind == OrgKind::SectorFederation {
            for (kind, p) in [
                (CommitteeKind::DisputeMediation, 0.5),
                (CommitteeKind::LaborLawSupervision, 0.3),
            ] {
                if self.chance(p) {
                    let established_on = self.date_between(founded, start.max(founded));
                    self.p.committees.push(CommitteeRow {
                        org_id,
                        kind,
                        established_on,
                    });
                }
            }
        }
        let mut roles: Vec<(CommitteeKind, OfficerRole, bool)> = Vec::new();
        let uc = CommitteeKind::UnionCommittee;
        if federation {
            let upper = matches!(
                self.p.orgs[idx].kind,
                OrgKind::CityFederation | OrgKind::CountyFederation | OrgKind::IndustrialUnion
            );
            roles.push((uc, OfficerRole::Chair, upper || self.chance(0.4)));
            roles.push((uc, OfficerRole::ExecutiveViceChair, true));
            for _ in 0..self.rng.random_range(0..=2) {
                roles.push((uc, OfficerRole::ViceChair, false));
            }
            for _ in 0..self.rng.random_range(3..=5) {
                roles.push((uc, OfficerRole::Member, false));
            }
        } else {
            if self.chance(0.95) {
                roles.push((uc, OfficerRole::Chair, headcount > 1000 && self.chance(0.7)));
            }
            if self.chance(if headcount >= 50 { 0.75 } else { 0.45 }) {
                roles.push((uc, OfficerRole::ViceChair, false));
            }
            let members = if headcount >= 25 {
                self.rng.random_range(2..=4)
            } else {
                self.rng.random_range(0..=2)
            };
            for _ in 0..members {
                roles.push((uc, OfficerRole::Member, false));
            }
        }
        if committees.contains(&CommitteeKind::FundsReviewCommittee) {
            roles.push((
                CommitteeKind::FundsReviewCommittee,
                OfficerRole::Chair,
                false,
            ));
        }
        if committees.contains(&CommitteeKind::WomenWorkersCommittee) {
            roles.push((
                CommitteeKind::WomenWorkersCommittee,
                OfficerRole::Chair,
                false,
            ));
        }
        let mut contact: Option<(String, Option<String>)> = None;
        for (committee, role, full_time) in roles {
            let female = committee == CommitteeKind::WomenWorkersCommittee || self.chance(0.4);
            let name = names::person_name(&mut self.rng, female);
            let is_chair = role == OfficerRole::Chair && committee == uc;
            let phone = if self.chance(if is_chair { 0.9 } else { 0.6 }) {
                Some(names::mobile(&mut self.rng))
            } else {
                None
            };
            if is_chair {
                contact = Some((name.clone(), phone.clone()));
            }
            self.p.officers.push(OfficerRow {
                org_id,
                committee,
                role,
                name,
                full_time,
                term_start: start,
                term_end: end,
                phone,
                left_on,
            });
        }
        let (person, phone) = match contact {
            Some((n, Some(p))) => (n, p),
            Some((n, None)) => (n, names::landline(&mut self.rng)),
            None => {
                let female = self.chance(0.5);
                let n = names::person_name(&mut self.rng, female);
                (n, names::landline(&mut self.rng))
            }
        };
        let org = &mut self.p.orgs[idx];
        org.contact_person = Some(person);
        org.contact_phone = Some(phone);
    }

    // ---- the federation tree ----

    fn skeleton(&mut self) {
        let root = self.add_org(
            None,
            OrgKind::CityFederation,
            None,
            "荆州市总工会".into(),
            d(1950, 6, 1),
        );
        self.p.orgs[root].short_name = Some("荆州市总".into());
        self.p.orgs[root].region_code = Some(CITY_CODE);
        self.p.orgs[root].independent_account = true;
        self.p.orgs[root].address = Some(
            "荆州市沙市区北京中路".to_owned() + &format!("{}号", self.rng.random_range(100..400)),
        );
        self.legal_person(root, CITY_CODE);
        self.staff(root, true, 0);

        // County federations, one per real county-level unit (the functional zone apart).
        for (code, name) in counties_of("4210") {
            if is_functional_zone(code) {
                continue;
            }
            let founded = self.founded(1950, 1985);
            let idx = self.add_org(
                Some(root),
                OrgKind::CountyFederation,
                None,
                format!("{name}总工会"),
                founded,
            );
            self.p.orgs[idx].short_name = Some(format!("{name}总"));
            self.county_details(idx, code);
            let prefix = if name.ends_with('区') {
                "荆州"
            } else {
                name
            };
            self.areas.push(Area {
                code,
                name,
                prefix,
                org: idx,
                weight: county_weight(code),
                towns: Vec::new(),
            });
        }

        // 荆州经济技术开发区工会: an area federation directly under the city.
        let founded = self.date_between(d(1993, 1, 1), d(1994, 12, 31));
        let zone = self.add_org(
            Some(root),
            OrgKind::AreaFederation,
            Some(AreaKind::DevelopmentZone.code()),
            "荆州经济技术开发区工会".into(),
            founded,
        );
        self.p.orgs[zone].short_name = Some("荆州开发区工会".into());
        self.county_details(zone, ZONE_CODE);
        self.zone_area = self.areas.len();
        self.areas.push(Area {
            code: ZONE_CODE,
            name: "荆州开发区",
            prefix: "荆州",
            org: zone,
            weight: 0.0,
            towns: Vec::new(),
        });

        // 市直产业工会.
        for (name, short, section) in INDUSTRIAL {
            let founded = self.founded(1985, 2005);
            let idx = self.add_org(
                Some(root),
                OrgKind::IndustrialUnion,
                None,
                name.into(),
                founded,
            );
            let org = &mut self.p.orgs[idx];
            org.short_name = Some(short.into());
            org.region_code = Some(CITY_CODE);
            org.industry_code = Some(section);
            org.independent_account = true;
            org.address = Some(format!(
                "荆州市沙市区{}{}号",
                names::ROADS[idx % names::ROADS.len()],
                10 + idx
            ));
            self.legal_person(idx, CITY_CODE);
            self.staff(idx, true, 0);
            self.industrial.push(idx);
        }

        // Townships and streets, from the real list of each area.
        for a in 0..self.areas.len() {
            let code = self.areas[a].code;
            for (tcode, tname) in townships_of(code) {
                let Ok(suffix) = tcode[6..].parse::<u32>() else {
                    continue;
                };
                let kind = match suffix {
                    1..=99 => AreaKind::Street,
                    100..=399 => AreaKind::Township,
                    _ if tname.ends_with("开发区") => AreaKind::DevelopmentZone,
                    // 管理区、农场、监狱: not union areas of their own.
                    _ => continue,
                };
                let founded = self.founded(1985, 2003);
                let parent = self.areas[a].org;
                let idx = self.add_org(
                    Some(parent),
                    OrgKind::AreaFederation,
                    Some(kind.code()),
                    format!("{tname}工会"),
                    founded,
                );
                let org = &mut self.p.orgs[idx];
                org.region_code = Some(code);
                org.independent_account = true;
                let t = self.towns.len();
                self.towns.push(Town {
                    org: idx,
                    name: tname,
                    area: a,
                    kind,
                });
                self.areas[a].towns.push(t);
                let place = Place {
                    area: Some(a),
                    town: Some(t),
                };
                self.p.orgs[idx].address = Some(self.address(place));
                if self.chance(0.5) {
                    self.legal_person(idx, code);
                }
                self.staff(idx, true, 0);
            }
        }

        // Sector federations are added with their member unions in `plan_slots`.
    }

    fn county_details(&mut self, idx: usize, code: &'static str) {
        let org = &mut self.p.orgs[idx];
        org.region_code = Some(code);
        org.independent_account = true;
        let road = names::ROADS[self.rng.random_range(0..names::ROADS.len())];
        let n = self.rng.random_range(1..200);
        let area_name = gonghui_domain::region_name(code).unwrap_or("");
        self.p.orgs[idx].address = Some(format!("{area_name}{road}{n}号"));
        self.legal_person(idx, code);
        self.staff(idx, true, 0);
    }

    fn town_by_code(&self, code: &str) -> Option<usize> {
        let name = gonghui_domain::region_name(code)?;
        self.towns
            .iter()
            .position(|t| t.name == name && self.areas[t.area].code == &code[..6])
    }

    fn area_by_code(&self, code: &str) -> Option<usize> {
        self.areas.iter().position(|a| a.code == code)
    }

    /// Two townships changed county in 2022, so affiliation history pages have content.
    fn history_of_townships(&mut self) {
        let moves = [
            (
                "421071100",
                "421002",
                d(2022, 4, 1),
                "区划调整：滩桥镇由沙市区整建制划归荆州经济技术开发区管理",
            ),
            (
                "421003104",
                "421002",
                d(2022, 7, 1),
                "区划调整：李埠镇由沙市区划归荆州区管理",
            ),
        ];
        for (town, old_area, date, reason) in moves {
            let (Some(t), Some(a)) = (self.town_by_code(town), self.area_by_code(old_area)) else {
                continue;
            };
            if date >= self.as_of {
                continue;
            }
            let org = self.towns[t].org;
            let old_parent = self.areas[a].org;
            self.record_move(org, old_parent, date, reason.to_owned());
        }
    }

    /// Rewrite the open affiliation of `org` as: under `old_parent` until `date`, under its
    /// current parent since — what `Store::move_org` would have left behind.
    fn record_move(
        &mut self,
        org: usize,
        old_parent: usize,
        date: NaiveDate,
        reason: String,
    ) -> bool {
        let id = self.p.orgs[org].id;
        let Some(row) = self
            .p
            .affiliations
            .iter_mut()
            .rev()
            .find(|r| r.org_id == id && r.valid_to.is_none())
        else {
            return false;
        };
        if row.valid_from >= date {
            return false;
        }
        let current = row.parent_id;
        row.parent_id = self.p.orgs[old_parent].id;
        row.valid_to = Some(date);
        self.p.affiliations.push(AffiliationRow {
            org_id: id,
            parent_id: current,
            valid_from: date,
            valid_to: None,
            reason: Some(reason),
        });
        true
    }

    // ---- choosing places ----

    fn pick_area(&mut self) -> usize {
        let total: f64 = self.areas.iter().map(|a| a.weight).sum();
        let mut x = self.rng.random_range(0.0..total);
        for (i, a) in self.areas.iter().enumerate() {
            if x < a.weight {
                return i;
            }
            x -= a.weight;
        }
        0
    }

    fn pick_town(&mut self, area: usize, villages_only: bool) -> Option<usize> {
        let weights: Vec<(usize, f64)> = self.areas[area]
            .towns
            .iter()
            .map(|&t| {
                let w = match self.towns[t].kind {
                    AreaKind::Street if villages_only => 0.0,
                    AreaKind::Street => 1.6,
                    AreaKind::Township if self.towns[t].name.ends_with('乡') => 0.6,
                    AreaKind::DevelopmentZone => 1.2,
                    _ => 1.0,
                };
                (t, w)
            })
            .filter(|(_, w)| *w > 0.0)
            .collect();
        let total: f64 = weights.iter().map(|(_, w)| w).sum();
        if total <= 0.0 {
            return None;
        }
        let mut x = self.rng.random_range(0.0..total);
        for (t, w) in &weights {
            if x < *w {
                return Some(*t);
            }
            x -= w;
        }
        weights.last().map(|(t, _)| *t)
    }

    /// A township (weighted by county population) and its union.
    fn in_town(&mut self, villages_only: bool) -> (usize, Place) {
        let a = self.pick_area();
        match self.pick_town(a, villages_only) {
            Some(t) => (
                self.towns[t].org,
                Place {
                    area: Some(a),
                    town: Some(t),
                },
            ),
            None => (
                self.areas[a].org,
                Place {
                    area: Some(a),
                    town: None,
                },
            ),
        }
    }

    fn in_county(&mut self) -> (usize, Place) {
        let a = self.pick_area();
        (
            self.areas[a].org,
            Place {
                area: Some(a),
                town: None,
            },
        )
    }

    fn in_zone(&mut self) -> (usize, Place) {
        let a = self.zone_area;
        if self.chance(0.6)
            && let Some(t) = self.pick_town(a, false)
        {
            return (
                self.towns[t].org,
                Place {
                    area: Some(a),
                    town: Some(t),
                },
            );
        }
        (
            self.areas[a].org,
            Place {
                area: Some(a),
                town: None,
            },
        )
    }

    fn city_place() -> Place {
        Place {
            area: None,
            town: None,
        }
    }

    // ---- grassroots plan ----

    fn plan_slots(&mut self, sizes: Sizes) -> Vec<Slot> {
        let g = sizes.grassroots;
        let n_joint = (g as f64 * 0.20).round() as usize;
        let n_public = (g as f64 * 0.20).round() as usize;
        let n_social = (g as f64 * 0.05).round() as usize;
        let n_coop = (g as f64 * 0.05).round() as usize;
        let n_firm = g.saturating_sub(n_joint + n_public + n_social + n_coop);
        let mut slots = Vec::with_capacity(g);

        // Sector federations and their member firms (part of the firm quota).
        let areas_per_sector = if g >= 1000 {
            3
        } else if g >= 400 {
            2
        } else {
            1
        };
        let max_members = if g >= 1000 {
            10
        } else if g >= 400 {
            6
        } else {
            4
        };
        let mut sectors: Vec<(usize, &'static str, usize)> = Vec::new();
        for (s, def) in SECTORS.iter().enumerate() {
            for code in def.areas.iter().take(areas_per_sector) {
                let n = self.rng.random_range(3..=max_members);
                sectors.push((s, code, n));
            }
        }
        // Keep sector members to under half of the firms, dropping the last-listed sectors.
        while !sectors.is_empty() && sectors.iter().map(|s| s.2).sum::<usize>() > n_firm * 9 / 20 {
            sectors.pop();
        }
        let mut sector_firms = 0;
        for (s, code, n) in sectors {
            let def = &SECTORS[s];
            let (parent, place_name, region, area) = if code == CITY_CODE {
                (self.industrial[CONSTRUCTION], "荆州市", CITY_CODE, None)
            } else {
                let Some(a) = self.area_by_code(code) else {
                    continue;
                };
                (
                    self.areas[a].org,
                    self.areas[a].name,
                    self.areas[a].code,
                    Some(a),
                )
            };
            let founded = self.founded(2013, 2023);
            let name = format!("{place_name}{}工会联合会", def.label);
            let idx = self.add_org(Some(parent), OrgKind::SectorFederation, None, name, founded);
            let org = &mut self.p.orgs[idx];
            org.region_code = Some(region);
            org.industry_code = Some(def.section);
            org.independent_account = self.rng.random_bool(0.6);
            let place = Place { area, town: None };
            self.p.orgs[idx].address = Some(self.address(place));
            if self.chance(0.4) {
                self.legal_person(idx, region);
            }
            self.staff(idx, true, 0);
            if let Some(guide_ix) = def.guide {
                let guide = self.industrial[guide_ix];
                if guide != parent {
                    let (upper, lower) = (self.p.orgs[guide].id, self.p.orgs[idx].id);
                    self.p.guidance.push(LinkRow {
                        upper,
                        lower,
                        valid_from: founded,
                    });
                }
            }
            for _ in 0..n {
                let (member_parent, member_place) = match area {
                    None => (parent, Self::city_place()),
                    Some(a) => match self.pick_town(a, false) {
                        Some(t) if self.chance(0.8) => (
                            self.towns[t].org,
                            Place {
                                area: Some(a),
                                town: Some(t),
                            },
                        ),
                        _ => (
                            self.areas[a].org,
                            Place {
                                area: Some(a),
                                town: None,
                            },
                        ),
                    },
                };
                let size = if area.is_none() {
                    Size::Large
                } else {
                    Size::Local
                };
                slots.push(Slot {
                    parent: member_parent,
                    place: member_place,
                    flavor: Flavor::Firm(def.divisions, size),
                    joint_units: 0,
                    sector: Some(idx),
                });
                sector_firms += 1;
            }
        }

        for _ in 0..n_firm.saturating_sub(sector_firms) {
            let r: f64 = self.rng.random();
            let (parent, place, pool, size) = if r < 0.70 {
                let (p, pl) = self.in_town(false);
                (p, pl, LOCAL_FIRMS, Size::Local)
            } else if r < 0.80 {
                let (p, pl) = self.in_county();
                (p, pl, LOCAL_FIRMS, Size::Large)
            } else if r < 0.90 {
                let (p, pl) = self.in_zone();
                (p, pl, ZONE_FIRMS, Size::Large)
            } else {
                let which = weighted(
                    &mut self.rng,
                    &[
                        (CONSTRUCTION, 3),
                        (TRANSPORT, 3),
                        (TRADE, 2),
                        (MACHINERY, 3),
                    ],
                );
                (
                    self.industrial[which],
                    Self::city_place(),
                    INDUSTRIAL_FIRMS[which],
                    Size::Large,
                )
            };
            slots.push(Slot {
                parent,
                place,
                flavor: Flavor::Firm(pool, size),
                joint_units: 0,
                sector: None,
            });
        }

        for _ in 0..n_public {
            let r: f64 = self.rng.random();
            let (parent, place, sort) = if r < 0.30 {
                let which = if self.chance(0.55) { EDUCATION } else { HEALTH };
                let sort = if which == EDUCATION {
                    Sort::School
                } else {
                    Sort::Hospital
                };
                (self.industrial[which], Self::city_place(), sort)
            } else if r < 0.65 {
                let (p, pl) = self.in_county();
                let sort = weighted(
                    &mut self.rng,
                    &[
                        (Sort::School, 4),
                        (Sort::Hospital, 2),
                        (Sort::Agency, 3),
                        (Sort::Institution, 1),
                    ],
                );
                (p, pl, sort)
            } else if r < 0.95 {
                let (p, pl) = self.in_town(false);
                let sort = weighted(
                    &mut self.rng,
                    &[(Sort::School, 45), (Sort::Hospital, 20), (Sort::Agency, 35)],
                );
                (p, pl, sort)
            } else {
                (0, Self::city_place(), Sort::Agency)
            };
            slots.push(Slot {
                parent,
                place,
                flavor: Flavor::Public(sort),
                joint_units: 0,
                sector: None,
            });
        }

        for _ in 0..n_joint {
            let r: f64 = self.rng.random();
            let (parent, place) = if r < 0.85 {
                self.in_town(false)
            } else if r < 0.95 {
                self.in_zone()
            } else {
                self.in_county()
            };
            let theme = weighted(
                &mut self.rng,
                &[
                    (0usize, 6),
                    (1, 2),
                    (2, 2),
                    (3, 2),
                    (4, 1),
                    (5, 1),
                    (6, 1),
                    (7, 1),
                ],
            );
            let k = self.rng.random_range(10..=60);
            slots.push(Slot {
                parent,
                place,
                flavor: Flavor::Joint(&THEMES[theme]),
                joint_units: k,
                sector: None,
            });
        }

        for _ in 0..n_social {
            let r: f64 = self.rng.random();
            let (parent, place) = if r < 0.55 {
                self.in_county()
            } else if r < 0.75 {
                (0, Self::city_place())
            } else {
                self.in_town(false)
            };
            slots.push(Slot {
                parent,
                place,
                flavor: Flavor::Social,
                joint_units: 0,
                sector: None,
            });
        }

        for _ in 0..n_coop {
            let (parent, place) = self.in_town(true);
            slots.push(Slot {
                parent,
                place,
                flavor: Flavor::Coop,
                joint_units: 0,
                sector: None,
            });
        }

        // Fit the joint unions' units into the directory size: each other union covers one.
        let single = slots.iter().filter(|s| s.joint_units == 0).count() + 1; // + the closed union
        let budget = sizes.units.saturating_sub(single);
        let mut joint_total: usize = slots.iter().map(|s| s.joint_units).sum();
        while joint_total > budget {
            let mut shrunk = false;
            for s in slots.iter_mut().filter(|s| s.joint_units > 2) {
                if joint_total <= budget {
                    break;
                }
                s.joint_units -= 1;
                joint_total -= 1;
                shrunk = true;
            }
            if !shrunk {
                break;
            }
        }

        // Creation order decides ids; mix kinds so the first pages of a list are not all alike.
        slots.shuffle(&mut self.rng);
        slots
    }

    fn add_grassroots(&mut self, slot: &Slot) -> usize {
        let (kind, mut units, name, founded) = match slot.flavor {
            Flavor::Firm(pool, size) => {
                let u = self.firm_unit(slot.place, pool, size);
                let suffix = if self.chance(0.7) {
                    "工会委员会"
                } else {
                    "工会"
                };
                let name = format!("{}{suffix}", self.p.units[u].name);
                (
                    GrassrootsKind::Enterprise,
                    vec![u],
                    name,
                    self.founded(1998, 2025),
                )
            }
            Flavor::Public(sort) => {
                let u = self.public_unit(slot.place, sort);
                let unit = &self.p.units[u].name;
                let government = ["人民政府", "办事处", "局", "法院", "检察院"]
                    .iter()
                    .any(|s| unit.ends_with(s));
                let name = match sort {
                    Sort::Agency if government => format!("{unit}机关工会委员会"),
                    Sort::Hospital => format!("{unit}工会委员会"),
                    _ => format!("{unit}工会"),
                };
                (
                    GrassrootsKind::PublicInstitution,
                    vec![u],
                    name,
                    self.founded(1985, 2015),
                )
            }
            Flavor::Social => {
                let u = self.social_unit(slot.place);
                let name = format!("{}工会", self.p.units[u].name);
                (
                    GrassrootsKind::SocialOrganization,
                    vec![u],
                    name,
                    self.founded(2012, 2025),
                )
            }
            Flavor::Coop => {
                let u = self.coop_unit(slot.place);
                let name = format!("{}工会", self.p.units[u].name);
                (
                    GrassrootsKind::Cooperative,
                    vec![u],
                    name,
                    self.founded(2010, 2025),
                )
            }
            Flavor::Joint(theme) => {
                let place_name = match (slot.place.town, slot.place.area) {
                    (Some(t), _) => self.towns[t].name,
                    (None, Some(a)) => self.areas[a].name,
                    (None, None) => "荆州市",
                };
                let name = self.joint_name(place_name, theme);
                let units = (0..slot.joint_units)
                    .map(|_| self.small_unit(slot.place, theme))
                    .collect();
                (GrassrootsKind::Joint, units, name, self.founded(2010, 2025))
            }
        };
        let idx = self.add_org(
            Some(slot.parent),
            OrgKind::Grassroots,
            Some(kind.code()),
            name,
            founded,
        );
        let id = self.p.orgs[idx].id;
        let region = match slot.place.area {
            Some(a) => self.areas[a].code,
            None => self.p.units[units[0]].region_code,
        };
        let industry = match slot.flavor {
            Flavor::Joint(theme) => Some(theme.divisions[0].0),
            _ => self.p.units[units[0]].industry_code,
        };
        let uscc_region = if slot.place.area.is_none() {
            CITY_CODE
        } else {
            region
        };
        let public = matches!(slot.flavor, Flavor::Public(_));
        self.p.orgs[idx].region_code = Some(region);
        self.p.orgs[idx].industry_code = industry;
        self.p.orgs[idx].independent_account = self.chance(if public { 0.9 } else { 0.65 });
        self.p.orgs[idx].address = Some(self.address(slot.place));
        if self.chance(if public { 0.85 } else { 0.6 }) {
            self.legal_person(idx, uscc_region);
        }
        units.sort_unstable();
        let mut headcount = 0.0;
        for (i, &u) in units.iter().enumerate() {
            // The first unit founded the union; a joint union's others joined it later.
            let from = if i == 0 {
                founded
            } else {
                self.date_between(founded, self.recent())
            };
            self.p.units[u].covering_org_id = Some(id);
            let unit_id = self.p.units[u].id;
            self.p.coverages.push(CoverageRow {
                unit_id,
                org_id: id,
                valid_from: from,
                valid_to: None,
            });
            headcount += self.p.units[u].raw_employees;
        }
        self.staff(idx, false, headcount as i64);
        if let Some(sector) = slot.sector {
            let s = &self.p.orgs[sector];
            let from = s.founded_on.max(founded);
            self.p.sector_members.push(LinkRow {
                upper: s.id,
                lower: id,
                valid_from: from,
            });
        }
        self.grassroots.push(idx);
        idx
    }

    fn joint_name(&mut self, place_name: &str, theme: &Theme) -> String {
        let first = format!("{place_name}{}联合工会委员会", theme.label);
        if !self.org_names.contains(&first) {
            return first;
        }
        for t in &THEMES {
            let n = format!("{place_name}{}联合工会委员会", t.label);
            if !self.org_names.contains(&n) {
                return n;
            }
        }
        (2..)
            .map(|n| {
                format!(
                    "{place_name}{}第{}联合工会委员会",
                    theme.label,
                    names::cn_number(n)
                )
            })
            .find(|n| !self.org_names.contains(n))
            .expect("unbounded")
    }

    /// One extra enterprise union, 撤销 when its firm was deregistered: its unit is closed, its
    /// coverage and affiliation ended, its officers left, its members went elsewhere.
    fn add_closed_union(&mut self) {
        let (parent, place) = self.in_town(false);
        let u = self.firm_unit(place, LOCAL_FIRMS, Size::Local);
        let founded = self.founded(2008, 2014);
        let closed_on = self.date_between(
            self.as_of - TimeDelta::days(700),
            self.as_of - TimeDelta::days(200),
        );
        let name = format!("{}工会委员会", self.p.units[u].name);
        let idx = self.add_org(
            Some(parent),
            OrgKind::Grassroots,
            Some(GrassrootsKind::Enterprise.code()),
            name,
            founded,
        );
        let id = self.p.orgs[idx].id;
        let region = self.p.units[u].region_code;
        let org = &mut self.p.orgs[idx];
        org.region_code = Some(region);
        org.industry_code = self.p.units[u].industry_code;
        org.closed_on = Some(closed_on);
        self.p.orgs[idx].address = Some(self.address(place));
        self.staff(idx, false, self.p.units[u].raw_employees as i64);
        let aff = self
            .p
            .affiliations
            .iter_mut()
            .rev()
            .find(|r| r.org_id == id)
            .expect("just added");
        aff.valid_to = Some(closed_on);
        aff.reason = Some("撤销".into());
        let unit = &mut self.p.units[u];
        unit.closed = true;
        let unit_id = unit.id;
        self.p.coverages.push(CoverageRow {
            unit_id,
            org_id: id,
            valid_from: founded,
            valid_to: Some(closed_on),
        });
        self.closed_union = Some(idx);
    }

    /// A few unions moved between townships of one county (企业搬迁), for history pages.
    fn move_some_grassroots(&mut self, g: usize) {
        let want = (g / 600).max(2);
        let mut moved = 0;
        let candidates: Vec<usize> = self.grassroots.clone();
        for idx in candidates {
            if moved >= want {
                break;
            }
            let org = &self.p.orgs[idx];
            if org.sub_kind != Some(GrassrootsKind::Enterprise.code())
                || org.founded_on > d(2019, 12, 31)
            {
                continue;
            }
            let Some(parent_id) = org.parent_id else {
                continue;
            };
            let Some(t) = self
                .towns
                .iter()
                .position(|t| self.p.orgs[t.org].id == parent_id)
            else {
                continue;
            };
            let area = self.towns[t].area;
            let others: Vec<usize> = self.areas[area]
                .towns
                .iter()
                .copied()
                .filter(|&o| o != t)
                .collect();
            let Some(&old) = others.choose(&mut self.rng) else {
                continue;
            };
            let date = self.date_between(d(2023, 1, 1), self.as_of - TimeDelta::days(30));
            let reason = format!(
                "企业搬迁，隶属关系由{}工会调整至{}工会",
                self.towns[old].name, self.towns[t].name
            );
            if self.record_move(idx, self.towns[old].org, date, reason) {
                moved += 1;
            }
        }
    }

    // ---- units ----

    fn unit_prefix(&mut self, place: Place) -> &'static str {
        match place.area {
            Some(a) => {
                let prefix = self.areas[a].prefix;
                weighted(&mut self.rng, &[(prefix, 7), ("湖北", 2), ("荆州市", 1)])
            }
            None => weighted(&mut self.rng, &[("荆州市", 7), ("湖北", 2), ("荆州", 1)]),
        }
    }

    fn region_of(&mut self, place: Place) -> &'static str {
        match place.area {
            Some(a) => self.areas[a].code,
            // City-level units sit in the central districts.
            None => {
                if self.chance(0.55) {
                    "421002"
                } else {
                    "421003"
                }
            }
        }
    }

    fn uscc_region(&self, place: Place, region: &'static str) -> &'static str {
        if place.area.is_none() {
            CITY_CODE
        } else {
            region
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_unit(
        &mut self,
        name: String,
        prefix: &str,
        place: Place,
        region: &'static str,
        division: Option<&'static str>,
        ownership: Ownership,
        raw: f64,
        sort: Sort,
        theme: Option<&'static Theme>,
    ) -> usize {
        let uscc = self.uscc(prefix, self.uscc_region(place, region));
        self.unit_names.insert(name.clone());
        let idx = self.p.units.len();
        self.p.units.push(UnitRow {
            id: idx as i64 + 1,
            uscc,
            name,
            region_code: region,
            industry_code: division,
            ownership,
            employees: 0,
            women_employees: 0,
            above_scale: false,
            dispatch_agency: false,
            park: None,
            closed: false,
            covering_org_id: None,
            sort,
            raw_employees: raw,
            theme,
            area: place.area,
        });
        idx
    }

    fn firm_unit(&mut self, place: Place, pool: Pool, size: Size) -> usize {
        let division = weighted(&mut self.rng, pool);
        let raw = match size {
            Size::Small => self.lognormal(10.0, 0.8, 5.0, 200.0),
            Size::Local => self.lognormal(60.0, 1.0, 8.0, 3000.0),
            Size::Large => self.lognormal(200.0, 0.9, 20.0, 3000.0),
        };
        let ownership = match size {
            Size::Large => weighted(&mut self.rng, LARGE_FIRM_OWNERSHIP),
            Size::Local => weighted(&mut self.rng, LOCAL_FIRM_OWNERSHIP),
            Size::Small => weighted(&mut self.rng, SMALL_FIRM_OWNERSHIP),
        };
        let dispatch = division == "72" && self.chance(0.3);
        let name = self.firm_name(place, division, ownership, raw, dispatch);
        let region = self.region_of(place);
        let u = self.push_unit(
            name,
            "91",
            place,
            region,
            Some(division),
            ownership,
            raw,
            Sort::Firm,
            None,
        );
        self.p.units[u].dispatch_agency = dispatch;
        self.p.units[u].park = self.park(place, division);
        u
    }

    fn firm_name(
        &mut self,
        place: Place,
        division: &str,
        ownership: Ownership,
        raw: f64,
        dispatch: bool,
    ) -> String {
        let words = if dispatch {
            &["劳务派遣", "人力资源服务"][..]
        } else {
            names::industry_words(division)
        };
        for attempt in 0..40 {
            let word = words.choose(&mut self.rng).expect("words");
            let mut brand = names::brand(&mut self.rng);
            if attempt >= 20 {
                brand.push_str(&names::brand(&mut self.rng)[..3]);
            }
            let suffix = if raw >= 500.0 {
                weighted(
                    &mut self.rng,
                    &[("股份有限公司", 45), ("集团有限公司", 25), ("有限公司", 30)],
                )
            } else {
                weighted(&mut self.rng, &[("有限公司", 85), ("有限责任公司", 15)])
            };
            let name = match ownership {
                Ownership::Foreign | Ownership::HkMacaoTaiwan => {
                    format!("{brand}（荆州）{word}有限公司")
                }
                _ => {
                    let prefix = self.unit_prefix(place);
                    format!("{prefix}{brand}{word}{suffix}")
                }
            };
            if !self.unit_names.contains(&name) {
                return name;
            }
        }
        (2..)
            .map(|n| {
                format!(
                    "荆州{}{}第{}分公司",
                    names::brand(&mut self.rng),
                    words[0],
                    n
                )
            })
            .find(|n| !self.unit_names.contains(n))
            .expect("unbounded")
    }

    fn park(&mut self, place: Place, division: &str) -> Option<String> {
        let a = place.area?;
        let manufacturing = ("13"..="43").contains(&division);
        if a == self.zone_area {
            if self.chance(0.6) {
                return ZONE_PARKS.choose(&mut self.rng).map(|p| (*p).to_owned());
            }
            return None;
        }
        if manufacturing && self.chance(0.25) {
            let name = self.areas[a].name;
            let park = if name.ends_with('区') {
                format!("{name}工业园")
            } else {
                let short: String = name.chars().take(name.chars().count() - 1).collect();
                format!("{short}经济开发区")
            };
            return Some(park);
        }
        None
    }

    /// The name prefix of a place as institutions use it: 荆州市, 石首市, 笔架山街道.
    fn place_name(&self, place: Place, town_level: bool) -> &'static str {
        match (place.town, place.area) {
            (Some(t), _) if town_level => self.towns[t].name,
            (_, Some(a)) if a == self.zone_area => "荆州开发区",
            (_, Some(a)) => self.areas[a].name,
            _ => "荆州市",
        }
    }

    fn pick_name(&mut self, fixed: Vec<String>, fallback: impl Fn(usize) -> String) -> String {
        let free: Vec<&String> = fixed
            .iter()
            .filter(|n| !self.unit_names.contains(*n))
            .collect();
        if let Some(n) = free.choose(&mut self.rng) {
            return (*n).clone();
        }
        (1..)
            .map(fallback)
            .find(|n| !self.unit_names.contains(n))
            .expect("unbounded")
    }

    fn public_unit(&mut self, place: Place, sort: Sort) -> usize {
        let town_level = place.town.is_some();
        let p = self.place_name(place, town_level);
        let street = place
            .town
            .is_some_and(|t| self.towns[t].kind == AreaKind::Street);
        let (name, division, prefix) = match (sort, town_level) {
            (Sort::School, false) => {
                let fixed = [
                    "第一中学",
                    "第二中学",
                    "第三中学",
                    "第四中学",
                    "实验中学",
                    "实验小学",
                    "职业教育中心",
                    "特殊教育学校",
                    "第一小学",
                    "第二小学",
                    "城关中学",
                    "实验幼儿园",
                    "外国语学校",
                ]
                .iter()
                .map(|s| format!("{p}{s}"))
                .collect();
                let n = self.pick_name(fixed, |n| format!("{p}第{}小学", names::cn_number(n + 2)));
                (n, "83", "12")
            }
            (Sort::School, true) => {
                let fixed = ["中心学校", "初级中学", "中心小学", "中心幼儿园"]
                    .iter()
                    .map(|s| format!("{p}{s}"))
                    .collect();
                let n = self.pick_name(fixed, |n| format!("{p}第{}小学", names::cn_number(n)));
                (n, "83", "12")
            }
            (Sort::Hospital, false) => {
                let fixed: Vec<String> = if place.area.is_none() {
                    [
                        "第一人民医院",
                        "中心医院",
                        "中医医院",
                        "妇幼保健院",
                        "疾病预防控制中心",
                        "精神卫生中心",
                        "胸科医院",
                        "急救中心",
                        "中心血站",
                        "口腔医院",
                    ]
                    .iter()
                    .map(|s| format!("{p}{s}"))
                    .collect()
                } else {
                    [
                        "人民医院",
                        "中医医院",
                        "妇幼保健院",
                        "疾病预防控制中心",
                        "第二人民医院",
                        "精神卫生中心",
                        "急救中心",
                    ]
                    .iter()
                    .map(|s| format!("{p}{s}"))
                    .collect()
                };
                let n = self.pick_name(fixed, |n| {
                    format!("{p}第{}人民医院", names::cn_number(n + 2))
                });
                (n, "84", "12")
            }
            (Sort::Hospital, true) => {
                let fixed = if street {
                    vec![format!("{p}社区卫生服务中心")]
                } else {
                    vec![format!("{p}卫生院")]
                };
                let n = self.pick_name(fixed, |n| {
                    format!("{p}第{}社区卫生服务站", names::cn_number(n))
                });
                (n, "84", "12")
            }
            (Sort::Agency, false) => {
                let fixed = BUREAUS.iter().map(|(b, _)| format!("{p}{b}")).collect();
                let n = self.pick_name(fixed, |n| {
                    let (b, _) = BUREAUS[n % BUREAUS.len()];
                    format!("{p}{b}第{}分局", names::cn_number(n / BUREAUS.len() + 1))
                });
                (n, "92", "11")
            }
            (Sort::Agency, true) => {
                let office = if street {
                    format!("{p}办事处")
                } else {
                    format!("{p}人民政府")
                };
                let mut fixed = vec![office];
                fixed.extend(TOWN_OFFICES.iter().map(|(o, _)| format!("{p}{o}")));
                let n = self.pick_name(fixed, |n| {
                    format!("{p}第{}便民服务中心", names::cn_number(n))
                });
                let division = TOWN_OFFICES
                    .iter()
                    .find(|(o, _)| n.ends_with(o))
                    .map(|(_, d)| *d)
                    .unwrap_or("92");
                let prefix = if n.ends_with("人民政府") || n.ends_with("办事处") {
                    "11"
                } else {
                    "12"
                };
                (n, division, prefix)
            }
            (_, _) => {
                let fixed = INSTITUTIONS
                    .iter()
                    .map(|(i, _)| format!("{p}{i}"))
                    .collect();
                let n = self.pick_name(fixed, |n| {
                    format!("{p}第{}事业服务中心", names::cn_number(n))
                });
                let division = INSTITUTIONS
                    .iter()
                    .find(|(i, _)| n.ends_with(i))
                    .map(|(_, d)| *d)
                    .unwrap_or("92");
                (n, division, "12")
            }
        };
        let raw = match (sort, town_level, place.area.is_none()) {
            (Sort::Hospital, false, true) => self.lognormal(1200.0, 0.5, 200.0, 3000.0),
            (Sort::Hospital, false, false) => self.lognormal(500.0, 0.6, 60.0, 2500.0),
            (Sort::Hospital, true, _) => self.lognormal(50.0, 0.5, 10.0, 300.0),
            (Sort::School, false, _) => self.lognormal(150.0, 0.5, 30.0, 600.0),
            (Sort::School, true, _) => self.lognormal(45.0, 0.5, 8.0, 200.0),
            (Sort::Agency, false, _) => self.lognormal(70.0, 0.6, 15.0, 400.0),
            _ => self.lognormal(30.0, 0.6, 5.0, 200.0),
        };
        let region = self.region_of(place);
        self.push_unit(
            name,
            prefix,
            place,
            region,
            Some(division),
            Ownership::State,
            raw,
            sort,
            None,
        )
    }

    fn social_unit(&mut self, place: Place) -> usize {
        let p = self.place_name(place, false);
        let (name, division, prefix) = if self.chance(0.45) {
            let mut fixed: Vec<String> = ASSOCIATIONS.iter().map(|a| format!("{p}{a}")).collect();
            fixed.extend(
                names::PROVINCES_FOR_CHAMBERS
                    .iter()
                    .map(|prov| format!("{p}{prov}商会")),
            );
            let n = self.pick_name(fixed, |n| format!("{p}第{}商会", names::cn_number(n)));
            (n, "95", "51")
        } else {
            let (kind, division) = *NON_PROFITS.choose(&mut self.rng).expect("list");
            let mut n = format!("{p}{}{kind}", names::brand(&mut self.rng));
            while self.unit_names.contains(&n) {
                n = format!("{p}{}{kind}", names::brand(&mut self.rng));
            }
            (n, division, "52")
        };
        let raw = self.lognormal(15.0, 0.7, 5.0, 200.0);
        let region = self.region_of(place);
        self.push_unit(
            name,
            prefix,
            place,
            region,
            Some(division),
            Ownership::Other,
            raw,
            Sort::Social,
            None,
        )
    }

    fn coop_unit(&mut self, place: Place) -> usize {
        let (product, division) = *COOP_PRODUCTS.choose(&mut self.rng).expect("list");
        let mut name = String::new();
        for _ in 0..50 {
            let brand = names::brand(&mut self.rng);
            name = match place.town {
                Some(t) if self.towns[t].kind != AreaKind::Street && self.chance(0.6) => {
                    format!("{}{brand}{product}农民专业合作社", self.towns[t].name)
                }
                _ => format!(
                    "{}{brand}{product}专业合作社",
                    self.place_name(place, false)
                ),
            };
            if !self.unit_names.contains(&name) {
                break;
            }
        }
        let raw = self.lognormal(20.0, 0.7, 5.0, 300.0);
        let region = self.region_of(place);
        self.push_unit(
            name,
            "93",
            place,
            region,
            Some(division),
            Ownership::Collective,
            raw,
            Sort::Coop,
            None,
        )
    }

    fn shop_unit(
        &mut self,
        place: Place,
        division: &'static str,
        theme: Option<&'static Theme>,
    ) -> usize {
        let words = names::shop_words(division);
        let p = self.place_name(place, false);
        let mut name = String::new();
        for attempt in 0..60 {
            let mut brand = names::brand(&mut self.rng);
            if attempt >= 30 {
                brand.push_str(&names::brand(&mut self.rng)[..3]);
            }
            name = format!("{p}{brand}{}", words.choose(&mut self.rng).expect("words"));
            if !self.unit_names.contains(&name) {
                break;
            }
        }
        let raw = self.lognormal(5.0, 0.5, 3.0, 30.0);
        let region = self.region_of(place);
        self.push_unit(
            name,
            "92",
            place,
            region,
            Some(division),
            Ownership::Individual,
            raw,
            Sort::Shop,
            theme,
        )
    }

    /// A small unit of a joint union.
    fn small_unit(&mut self, place: Place, theme: &'static Theme) -> usize {
        if self.chance(theme.shops) {
            let division = weighted(&mut self.rng, theme.divisions);
            self.shop_unit(place, division, Some(theme))
        } else {
            let u = self.firm_unit(place, theme.divisions, Size::Small);
            self.p.units[u].theme = Some(theme);
            u
        }
    }

    /// The rest of the directory: units without a union, mostly small private firms (the
    /// 逐一摸底 worklist).
    fn uncovered_units(&mut self, total: usize) {
        let missing = total.saturating_sub(self.p.units.len());
        let mut firms = 0usize;
        for _ in 0..missing {
            let a = if self.chance(0.08) {
                self.zone_area
            } else {
                self.pick_area()
            };
            let town = self.pick_town(a, false);
            let place = Place {
                area: Some(a),
                town,
            };
            let r: f64 = self.rng.random();
            if r < 0.74 {
                firms += 1;
                let pool = if a == self.zone_area {
                    ZONE_FIRMS
                } else {
                    LOCAL_FIRMS
                };
                let division = weighted(&mut self.rng, pool);
                let dispatch = firms % 300 == 1;
                let division = if dispatch { "72" } else { division };
                let raw = self.lognormal(12.0, 1.1, 5.0, 800.0);
                let ownership = weighted(&mut self.rng, UNCOVERED_FIRM_OWNERSHIP);
                let name = self.firm_name(place, division, ownership, raw, dispatch);
                let region = self.region_of(place);
                let u = self.push_unit(
                    name,
                    "91",
                    place,
                    region,
                    Some(division),
                    ownership,
                    raw,
                    Sort::Firm,
                    None,
                );
                self.p.units[u].dispatch_agency = dispatch;
                self.p.units[u].park = self.park(place, division);
            } else if r < 0.88 {
                let division = weighted(
                    &mut self.rng,
                    &[("52", 5), ("62", 3), ("81", 1), ("80", 1), ("51", 1)],
                );
                self.shop_unit(place, division, None);
            } else if r < 0.95 {
                self.coop_unit(place);
            } else {
                self.social_unit(place);
            }
        }
    }

    /// Headcounts: covered units are scaled so that 70–95 % of their employees reach the
    /// members target; then women, 规上 and the like follow from the final headcount.
    fn finish_units(&mut self, members: usize) {
        let covered_raw: f64 = self
            .p
            .units
            .iter()
            .filter(|u| u.covering_org_id.is_some())
            .map(|u| u.raw_employees)
            .sum();
        let needed = members as f64 / 0.825;
        let factor = if covered_raw > 0.0 {
            needed / covered_raw
        } else {
            1.0
        };
        for i in 0..self.p.units.len() {
            let u = &self.p.units[i];
            let raw = if u.covering_org_id.is_some() {
                u.raw_employees * factor
            } else {
                u.raw_employees
            };
            let min = if u.sort == Sort::Shop { 3 } else { 5 };
            let employees = (raw.round() as i64).clamp(min, 20_000);
            let (lo, hi) = women_share(u.sort, u.industry_code.unwrap_or(""));
            let share = self.rng.random_range(lo..hi);
            let women = ((employees as f64) * share).round() as i64;
            let above = u.sort == Sort::Firm && {
                let p = match employees {
                    300.. => 0.95,
                    100..300 => 0.8,
                    50..100 => 0.5,
                    30..50 => 0.15,
                    _ => 0.01,
                };
                self.chance(p)
            };
            let u = &mut self.p.units[i];
            u.employees = employees;
            u.women_employees = women.min(employees);
            u.above_scale = above;
        }
    }

    // ---- members ----

    fn members(&mut self, target: usize) {
        let covered: Vec<usize> = (0..self.p.units.len())
            .filter(|&i| self.p.units[i].covering_org_id.is_some() && !self.p.units[i].closed)
            .collect();
        // 70–95 % of each unit's employees, then nudged so the total hits the target exactly.
        let mut counts: Vec<i64> = covered
            .iter()
            .map(|&i| {
                let e = self.p.units[i].employees as f64;
                (e * self.rng.random_range(0.70..0.95)).floor() as i64
            })
            .collect();
        let total: i64 = counts.iter().sum();
        if total > 0 && total != target as i64 {
            let k = target as f64 / total as f64;
            for (c, &i) in counts.iter_mut().zip(&covered) {
                *c = ((*c as f64 * k).floor() as i64).min(self.p.units[i].employees);
            }
            let mut rest = target as i64 - counts.iter().sum::<i64>();
            let mut order: Vec<usize> = (0..covered.len()).collect();
            order.shuffle(&mut self.rng);
            while rest != 0 {
                let mut progressed = false;
                for &j in &order {
                    if rest == 0 {
                        break;
                    }
                    let room = self.p.units[covered[j]].employees - counts[j];
                    if rest > 0 && room > 0 {
                        counts[j] += 1;
                        rest -= 1;
                        progressed = true;
                    } else if rest < 0 && counts[j] > 0 {
                        counts[j] -= 1;
                        rest += 1;
                        progressed = true;
                    }
                }
                if !progressed {
                    break;
                }
            }
        }
        let transfers = ((target as f64).sqrt() * 0.6).round() as usize;
        let p_transfer = if target > 0 {
            transfers as f64 / target as f64
        } else {
            0.0
        };
        // The 撤销 union's former members, spread over the roster.
        let quota = self.rng.random_range(12..=25usize).min(target);
        let from_closed: HashSet<usize> =
            rand::seq::index::sample(&mut self.rng, target.max(1), quota)
                .into_iter()
                .collect();
        self.p.members.reserve(target);
        self.p.memberships.reserve(target + transfers + quota);
        for (j, &u) in covered.iter().enumerate() {
            for _ in 0..counts[j] {
                let n = self.p.members.len();
                self.member(u, p_transfer, from_closed.contains(&n));
            }
        }
    }

    fn birth_date(&mut self) -> NaiveDate {
        // Triangular over 1964–2005, peaking in the mid-1980s.
        let lo = d(1964, 1, 1);
        let span = (d(2005, 12, 31) - lo).num_days() as f64;
        let t = (self.rng.random::<f64>() + self.rng.random::<f64>()) / 2.0;
        lo + TimeDelta::days((t * span) as i64)
    }

    fn id_number(&mut self, region: &str, birth: NaiveDate, female: bool) -> String {
        loop {
            let seq = self.rng.random_range(0..500u32) * 2 + u32::from(!female);
            let first17 = format!(
                "{region}{:04}{:02}{:02}{seq:03}",
                birth.year(),
                birth.month(),
                birth.day()
            );
            let key: u64 = first17.parse().expect("17 digits");
            if self.id_numbers.insert(key) {
                let check = id_check_char(&first17).expect("17 digits");
                return format!("{first17}{check}");
            }
        }
    }

    fn member(&mut self, u: usize, p_transfer: f64, from_closed: bool) {
        let unit = &self.p.units[u];
        let org_id = unit.covering_org_id.expect("covered");
        let (sort, theme, area, division, dispatch_agency) = (
            unit.sort,
            unit.theme,
            unit.area,
            unit.industry_code.unwrap_or(""),
            unit.dispatch_agency,
        );
        let female_share = if unit.employees > 0 {
            unit.women_employees as f64 / unit.employees as f64
        } else {
            0.4
        };
        let org_idx = (org_id - 1) as usize;
        let org_founded = self.p.orgs[org_idx].founded_on;
        let female = self.chance(female_share);
        let birth = self.birth_date();
        let local = area.map(|a| self.areas[a].code).filter(|c| *c != ZONE_CODE);
        let region = match (self.rng.random::<f64>(), local) {
            (r, Some(code)) if r < 0.70 => code,
            (r, _) if r < 0.88 => self
                .jingzhou_counties
                .choose(&mut self.rng)
                .copied()
                .expect("counties"),
            _ => self
                .hubei_counties
                .choose(&mut self.rng)
                .copied()
                .expect("counties"),
        };
        let id_number = self.id_number(region, birth, female);
        let name = names::person_name(&mut self.rng, female);
        let adult = years_after(birth, 18);
        let member_id = self.p.members.len() as i64 + 1;

        // Join date and membership history (a transfer for a few).
        let mut join_date = self.date_between(adult.max(org_founded), self.as_of);
        let mut history: Option<MembershipRow> = None;
        let mut current_from = join_date;
        if from_closed || self.chance(p_transfer) {
            let org_name = self.p.orgs[org_idx].name.clone();
            let closed = self.closed_union.map(|c| {
                (
                    c,
                    self.p.orgs[c].founded_on,
                    self.p.orgs[c].closed_on.expect("closed"),
                )
            });
            match closed {
                Some((c, c_founded, c_closed))
                    if from_closed
                        && org_founded <= c_closed
                        && adult.max(c_founded) + TimeDelta::days(30) < c_closed =>
                {
                    let joined =
                        self.date_between(adult.max(c_founded), c_closed - TimeDelta::days(30));
                    join_date = joined;
                    current_from = c_closed;
                    history = Some(MembershipRow {
                        member_id,
                        org_id: self.p.orgs[c].id,
                        valid_from: joined,
                        valid_to: Some(c_closed),
                        end_reason: Some(format!("原工会撤销，转入{org_name}")),
                    });
                }
                _ => {
                    let moved = self.date_between(
                        org_founded.max(years_after(adult, 1)),
                        self.as_of - TimeDelta::days(1),
                    );
                    if adult + TimeDelta::days(30) < moved {
                        let joined = self.date_between(adult, moved - TimeDelta::days(30));
                        for _ in 0..8 {
                            let prev = *self.grassroots.choose(&mut self.rng).expect("grassroots");
                            let prev_org = &self.p.orgs[prev];
                            if prev_org.id != org_id && prev_org.founded_on <= joined {
                                join_date = joined;
                                current_from = moved;
                                history = Some(MembershipRow {
                                    member_id,
                                    org_id: prev_org.id,
                                    valid_from: joined,
                                    valid_to: Some(moved),
                                    end_reason: Some(format!("转入{org_name}")),
                                });
                                break;
                            }
                        }
                    }
                }
            }
        }
        if let Some(h) = history {
            self.p.memberships.push(h);
        }
        self.p.memberships.push(MembershipRow {
            member_id,
            org_id,
            valid_from: current_from,
            valid_to: None,
            end_reason: None,
        });

        let enterprise = matches!(sort, Sort::Firm | Sort::Shop);
        let migrant_worker = self.chance(match sort {
            Sort::Firm | Sort::Shop if theme.is_some() => 0.45,
            Sort::Firm | Sort::Shop => 0.30,
            Sort::Coop => 0.08,
            _ => 0.03,
        });
        let dispatched_worker = self.chance(if dispatch_agency {
            0.8
        } else if enterprise {
            0.06
        } else if sort.is_public() {
            0.04
        } else {
            0.02
        });
        let mut group = None;
        if let Some(theme) = theme {
            if self.chance(theme.group_share) {
                group = theme.groups.choose(&mut self.rng).copied();
            }
        } else if division == "60" && self.chance(0.4) {
            group = Some(NewEmploymentGroup::Courier);
        } else if division == "54" && self.chance(0.25) {
            group = Some(NewEmploymentGroup::TruckDriver);
        }
        let join_method = if group.is_some() {
            weighted(&mut self.rng, OUTREACH_JOIN)
        } else {
            weighted(&mut self.rng, USUAL_JOIN)
        };
        let education = if self.chance(0.05) {
            None
        } else {
            Some(match sort {
                Sort::School | Sort::Hospital | Sort::Agency | Sort::Institution => {
                    weighted(&mut self.rng, PUBLIC_EDUCATION)
                }
                Sort::Social => weighted(&mut self.rng, SOCIAL_EDUCATION),
                Sort::Firm if theme.is_none() => weighted(&mut self.rng, FIRM_EDUCATION),
                _ => weighted(&mut self.rng, SMALL_UNIT_EDUCATION),
            })
        };
        let status = if self.chance(if birth.year() < 1970 { 0.08 } else { 0.01 }) {
            MemberStatus::Retained
        } else {
            MemberStatus::Active
        };
        let phone = if self.chance(0.6) {
            Some(names::mobile(&mut self.rng))
        } else {
            None
        };
        let ethnicity = names::ethnicity(&mut self.rng);
        self.p.members.push(MemberRow {
            id: member_id,
            id_number,
            name,
            female,
            birth_date: birth,
            phone,
            ethnicity,
            education,
            migrant_worker,
            dispatched_worker,
            new_employment_group: group,
            join_date,
            join_method,
            status,
            org_id,
        });
    }
}

fn is_functional_zone(code: &str) -> bool {
    RegionCode::parse(code)
        .map(|r| r.is_functional_zone())
        .unwrap_or(true)
}

/// Share of women among employees, by kind and industry (always within 30–60 %).
fn women_share(sort: Sort, division: &str) -> (f64, f64) {
    match sort {
        Sort::School | Sort::Hospital => (0.52, 0.60),
        Sort::Agency | Sort::Institution | Sort::Social => (0.38, 0.52),
        _ => match division {
            "13" | "14" | "17" | "18" | "27" | "39" | "52" | "61" | "62" | "69" | "80" | "83"
            | "84" | "85" => (0.45, 0.60),
            "01" | "04" | "05" | "51" | "65" | "70" | "72" | "95" => (0.35, 0.50),
            _ => (0.30, 0.40),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Plan {
        plan(
            Sizes {
                grassroots: 120,
                units: 1500,
                members: 8000,
            },
            42,
            d(2026, 11, 22),
        )
    }

    #[test]
    fn hits_the_sizes_and_keeps_the_rules() {
        let p = small();
        let grassroots = p
            .orgs
            .iter()
            .filter(|o| o.kind == OrgKind::Grassroots && o.closed_on.is_none())
            .count();
        assert_eq!(grassroots, 120);
        assert_eq!(p.units.len(), 1500);
        assert_eq!(p.members.len(), 8000);
        // One open affiliation per non-root active org; paths built from parents.
        for o in &p.orgs {
            let open = p
                .affiliations
                .iter()
                .filter(|a| a.org_id == o.id && a.valid_to.is_none())
                .count();
            let expected = usize::from(o.parent_id.is_some() && o.closed_on.is_none());
            assert_eq!(open, expected, "{}", o.name);
            if let Some(pid) = o.parent_id {
                let parent = &p.orgs[(pid - 1) as usize];
                assert_eq!(o.path, format!("{}{}/", parent.path, o.id));
                assert!(
                    o.kind.may_be_child_of(parent.kind),
                    "{} under {}",
                    o.name,
                    parent.name
                );
            }
            assert!(o.name.chars().count() <= 60, "{}", o.name);
        }
        for u in &p.units {
            assert!(u.women_employees <= u.employees);
            gonghui_domain::Uscc::parse(&u.uscc).unwrap();
            if let Some(i) = u.industry_code {
                gonghui_domain::IndustryCode::parse(i).unwrap();
            }
        }
        let names: HashSet<&str> = p.orgs.iter().map(|o| o.name.as_str()).collect();
        for expected in [
            "荆州市总工会",
            "石首市总工会",
            "江陵县总工会",
            "沙市区总工会",
            "荆州经济技术开发区工会",
            "荆州市教育工会",
            "笔架山街道工会",
        ] {
            assert!(names.contains(expected), "missing {expected}");
        }
        assert!(!p.guidance.is_empty() && !p.sector_members.is_empty());
        assert!(p.memberships.iter().any(|m| m.valid_to.is_some()));
        assert!(
            p.affiliations
                .iter()
                .any(|a| a.valid_to.is_some() && a.reason.is_none())
        );
    }

    #[test]
    fn same_seed_same_city() {
        let (a, b) = (small(), small());
        assert_eq!(
            a.orgs.iter().map(|o| &o.name).collect::<Vec<_>>(),
            b.orgs.iter().map(|o| &o.name).collect::<Vec<_>>()
        );
        assert_eq!(
            a.members.iter().map(|m| &m.id_number).collect::<Vec<_>>(),
            b.members.iter().map(|m| &m.id_number).collect::<Vec<_>>()
        );
        let c = plan(
            Sizes {
                grassroots: 120,
                units: 1500,
                members: 8000,
            },
            43,
            d(2026, 11, 22),
        );
        assert_ne!(a.members[0].id_number, c.members[0].id_number);
    }
}
