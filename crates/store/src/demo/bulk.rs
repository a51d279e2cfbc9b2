//! 基准数据: a streaming generator for the benchmark data sets of issue 4 (city: ≈3 k unions /
//! 30 k units / 300 k members; province: ≈200 k / 2 M / 20 M), for `bench/`.
//!
//! Unlike [`super::plan`], which builds every row of the demo city in memory (≈0.7 KB per
//! member), only the org tree is held in memory here (≈200 B per org). Units and members are
//! pure functions of their index, the shape and the seed: [`BulkData::units`] and
//! [`BulkData::members`] build any range of them on demand, so the caller streams a province in
//! chunks with bounded memory and the same rows come out however it chunks them.
//!
//! Shape: a root federation → the real county-level units of the root's region (every county of
//! every city for a province code such as `42`; the root then stands for the provincial
//! federation, which the org model keeps as the root kind) → their real townships and streets →
//! grassroots unions (every tenth a 联合基层工会 covering three units, the others one unit each).
//! Units beyond the covered ones are small firms without a union. Members belong to grassroots
//! unions in proportion to a random weight per union; ID numbers carry the county of the union
//! as birthplace and are unique by construction.
//!
//! Writing ([`insert_orgs`], [`insert_units`], [`insert_members`]) uses multi-row INSERTs, one
//! transaction per call, and fills the history tables (affiliations, coverages, memberships)
//! with one open row each, as the services would. [`finish`] records one audit entry.

use std::ops::Range;

use chrono::{Datelike, NaiveDate, TimeDelta, Utc};
use gonghui_domain::{
    AreaKind, GrassrootsKind, JoinMethod, MemberStatus, NewEmploymentGroup, OrgKind, Ownership,
    Sex, UnitStatus, cities_of, counties_of, id_check_char, region_name, search_keys, townships_of,
    uscc_check_char,
};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use sea_query::{Expr, InsertStatement, IntoIden, IntoTableRef, Query};
use serde::Serialize;

use super::names;
use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::orgs::ACTIVE;
use crate::schema::{Members, Memberships, OrgAffiliations, Orgs, UnitCoverages, Units};
use crate::{Engine, Error, Result, Store};

/// What to generate.
#[derive(Debug, Clone, Serialize)]
pub struct BulkShape {
    /// Region of the root: a prefecture (`4210`, the demo city) or a province (`42`).
    pub region: String,
    pub grassroots: usize,
    /// The whole directory, covered or not.
    pub units: usize,
    pub members: usize,
    pub seed: u64,
    /// Join dates and founding dates fall before this date.
    pub as_of: NaiveDate,
}

impl BulkShape {
    /// ≈ 3,000 unions, 30,000 units, 300,000 members in 荆州 (4210).
    pub fn city(seed: u64, as_of: NaiveDate) -> Self {
        BulkShape {
            region: "4210".into(),
            grassroots: 3_000,
            units: 30_000,
            members: 300_000,
            seed,
            as_of,
        }
    }

    /// ≈ 200,000 unions, 2,000,000 units, 20,000,000 members in 湖北 (42).
    pub fn province(seed: u64, as_of: NaiveDate) -> Self {
        BulkShape {
            region: "42".into(),
            grassroots: 200_000,
            units: 2_000_000,
            members: 20_000_000,
            seed,
            as_of,
        }
    }
}

/// One org of the tree, as written to the database and to `orgs.csv`.
#[derive(Debug, Clone)]
pub struct BulkOrg {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    pub depth: i64,
    pub kind: OrgKind,
    pub sub_kind: Option<&'static str>,
    pub name: String,
    pub uscc: String,
    pub region_code: &'static str,
    pub founded_on: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct BulkUnit {
    pub id: i64,
    pub uscc: String,
    pub name: String,
    /// Township code (nine digits).
    pub region_code: &'static str,
    pub ownership: Ownership,
    pub employees: i64,
    pub women_employees: i64,
    pub covering_org_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct BulkMember {
    pub id: i64,
    pub id_number: String,
    pub name: String,
    pub female: bool,
    pub birth_date: NaiveDate,
    pub phone: Option<String>,
    pub migrant_worker: bool,
    pub dispatched_worker: bool,
    pub new_employment_group: Option<NewEmploymentGroup>,
    pub join_date: NaiveDate,
    pub join_method: JoinMethod,
    pub org_id: i64,
}

/// The org tree in memory plus what is needed to build any unit or member from its index.
pub struct BulkData {
    pub shape: BulkShape,
    pub orgs: Vec<BulkOrg>,
    /// Index into `orgs` of each grassroots union, in tree order.
    grassroots: Vec<usize>,
    /// Index into `orgs` of each township union.
    towns: Vec<usize>,
    /// Township (index into `towns`) of each grassroots union.
    town_of: Vec<u32>,
    /// County (index into `counties`) of each township.
    county_of_town: Vec<u32>,
    /// Index into `orgs` of each county federation.
    counties: Vec<usize>,
    /// First member index of each grassroots union (`grassroots.len() + 1` entries).
    member_start: Vec<u64>,
    /// First member index of each county (`counties.len() + 1` entries).
    county_member_start: Vec<u64>,
    covered: usize,
}

/// Units covered by the unions of a block of ten: nine single-unit unions and one joint union
/// covering three units.
const BLOCK_UNIONS: usize = 10;
const BLOCK_UNITS: usize = 12;
const JOINT_UNITS: usize = 3;
/// Birth dates span this many days from 1966-01-01; with three sequence digits that is room for
/// 14.6 million people per county before an ID number would repeat.
const BIRTH_DAYS: u64 = 14_600;

fn rng_for(seed: u64, stream: u64, index: u64) -> SmallRng {
    SmallRng::seed_from_u64(
        seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03),
    )
}

fn uscc(prefix: &str, county: &str, serial: u64) -> String {
    let first17 = format!("{prefix}{}{serial:09}", &county[..6]);
    let check = uscc_check_char(&first17).expect("digits");
    format!("{first17}{check}")
}

fn is_joint(g: usize) -> bool {
    g % BLOCK_UNIONS == BLOCK_UNIONS - 1
}

impl BulkData {
    /// Builds the org tree and the member distribution. Refuses shapes the tree cannot hold.
    pub fn new(shape: BulkShape) -> Result<Self> {
        let covered =
            shape.grassroots / BLOCK_UNIONS * BLOCK_UNITS + shape.grassroots % BLOCK_UNIONS;
        if shape.grassroots == 0 || shape.units < covered {
            return Err(Error::rule(format!(
                "{}个基层工会至少需要{}个单位",
                shape.grassroots, covered
            )));
        }
        let counties: Vec<(&'static str, &'static str)> = match shape.region.len() {
            2 => cities_of(&shape.region)
                .into_iter()
                .flat_map(|(c, _)| counties_of(c))
                .collect(),
            4 | 6 => counties_of(&shape.region),
            _ => vec![],
        };
        let root_name = region_name(&shape.region)
            .ok_or_else(|| Error::rule(format!("未知的行政区划代码 {}", shape.region)))?;
        let root_code: &'static str = if shape.region.len() == 2 {
            gonghui_domain::provinces()
        } else {
            cities_of(&shape.region[..2])
        }
        .into_iter()
        .find(|(c, _)| c.starts_with(shape.region.as_str()))
        .map(|(c, _)| c)
        .ok_or_else(|| Error::rule(format!("未知的行政区划代码 {}", shape.region)))?;
        let mut rng = rng_for(shape.seed, 1, 0);
        let mut data = BulkData {
            orgs: vec![],
            grassroots: vec![],
            towns: vec![],
            town_of: vec![],
            county_of_town: vec![],
            counties: vec![],
            member_start: vec![],
            county_member_start: vec![],
            covered,
            shape,
        };
        let as_of = data.shape.as_of;
        let founded = |rng: &mut SmallRng, from: i32, to: i32| {
            let lo = NaiveDate::from_ymd_opt(from, 1, 1).expect("date");
            let hi = NaiveDate::from_ymd_opt(to, 12, 31)
                .expect("date")
                .min(as_of);
            lo + TimeDelta::days(rng.random_range(0..=(hi - lo).num_days().max(0)))
        };
        let root = data.push(
            None,
            OrgKind::CityFederation,
            None,
            format!("{root_name}总工会"),
            root_code,
            founded(&mut rng, 1950, 1955),
        );
        // Townships with their county; weights decide how many unions each gets.
        let mut town_weights = vec![];
        for (code, name) in &counties {
            let towns: Vec<_> = townships_of(code)
                .into_iter()
                .filter(|(t, _)| matches!(t[6..9].parse::<u32>().unwrap_or(999), 1..=399))
                .collect();
            if towns.is_empty() {
                continue;
            }
            let c = data.push(
                Some(root),
                OrgKind::CountyFederation,
                None,
                format!("{name}总工会"),
                code,
                founded(&mut rng, 1955, 1985),
            );
            let county = data.counties.len();
            data.counties.push(c);
            for (tcode, tname) in towns {
                let kind = if tcode[6..9].parse::<u32>().unwrap_or(0) < 100 {
                    AreaKind::Street
                } else {
                    AreaKind::Township
                };
                let t = data.push(
                    Some(c),
                    OrgKind::AreaFederation,
                    Some(kind.code()),
                    format!("{tname}工会"),
                    tcode,
                    founded(&mut rng, 1985, 2003),
                );
                data.towns.push(t);
                data.county_of_town.push(county as u32);
                town_weights.push(rng.random_range(0.3..1.7f64));
            }
        }
        if data.towns.is_empty() {
            return Err(Error::rule(format!(
                "行政区划 {} 下没有乡镇街道",
                data.shape.region
            )));
        }
        // Grassroots unions, township by township (so each county's unions are contiguous).
        let total_w: f64 = town_weights.iter().sum();
        let g_total = data.shape.grassroots;
        let mut acc = 0.0;
        let mut next = 0usize;
        for (t, w) in town_weights.iter().enumerate() {
            acc += w;
            let end = if t + 1 == town_weights.len() {
                g_total
            } else {
                ((acc / total_w) * g_total as f64).round() as usize
            };
            let town = data.towns[t];
            let tcode = data.orgs[town].region_code;
            let tname = data.orgs[town].name.trim_end_matches("工会").to_owned();
            let short: String = tname.chars().take(2).collect();
            while next < end {
                let g = next;
                let mut r = rng_for(data.shape.seed, 2, g as u64);
                let (sub, name) = if is_joint(g) {
                    (
                        GrassrootsKind::Joint,
                        format!("{tname}第{}联合工会", g / BLOCK_UNIONS + 1),
                    )
                } else if r.random_bool(0.12) {
                    (
                        GrassrootsKind::PublicInstitution,
                        format!("{short}{}中心工会{}号", names::brand(&mut r), g + 1),
                    )
                } else {
                    (
                        GrassrootsKind::Enterprise,
                        format!("{short}{}有限公司工会{}号", names::brand(&mut r), g + 1),
                    )
                };
                let f = founded(&mut r, 1995, as_of.year());
                let o = data.push(
                    Some(town),
                    OrgKind::Grassroots,
                    Some(sub.code()),
                    name,
                    tcode,
                    f,
                );
                data.grassroots.push(o);
                data.town_of.push(t as u32);
                next += 1;
            }
        }
        // Members per union: a lognormal weight, cut into contiguous index ranges.
        let weights: Vec<f64> = (0..g_total)
            .map(|g| {
                let mut r = rng_for(data.shape.seed, 3, g as u64);
                let u1: f64 = r.random_range(f64::EPSILON..1.0);
                let u2: f64 = r.random();
                let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
                let w = (0.9 * z).exp().clamp(0.05, 40.0);
                if is_joint(g) { w * 1.5 } else { w }
            })
            .collect();
        let total: f64 = weights.iter().sum();
        let m = data.shape.members as f64;
        let mut acc = 0.0;
        data.member_start.push(0);
        for w in &weights {
            acc += w;
            data.member_start
                .push(((acc / total) * m).round().min(m) as u64);
        }
        *data.member_start.last_mut().expect("one") = data.shape.members as u64;
        data.county_member_start = vec![0; data.counties.len() + 1];
        let mut g = 0;
        for c in 0..data.counties.len() {
            while g < g_total && data.county_of_town[data.town_of[g] as usize] as usize == c {
                g += 1;
            }
            data.county_member_start[c + 1] = data.member_start[g];
        }
        if data
            .county_member_start
            .windows(2)
            .any(|w| w[1] - w[0] > BIRTH_DAYS * 1000)
        {
            return Err(Error::rule("单个县的会员太多，身份证号码会重复"));
        }
        Ok(data)
    }

    fn push(
        &mut self,
        parent: Option<usize>,
        kind: OrgKind,
        sub_kind: Option<&'static str>,
        name: String,
        region_code: &'static str,
        founded_on: NaiveDate,
    ) -> usize {
        let idx = self.orgs.len();
        let id = idx as i64 + 1;
        let (path, depth, parent_id) = match parent {
            Some(p) => (
                format!("{}{id}/", self.orgs[p].path),
                self.orgs[p].depth + 1,
                Some(self.orgs[p].id),
            ),
            None => (format!("/{id}/"), 0, None),
        };
        let county = if region_code.len() >= 6 {
            &region_code[..6]
        } else {
            "420000"
        };
        self.orgs.push(BulkOrg {
            id,
            parent_id,
            path,
            depth,
            kind,
            sub_kind,
            name,
            uscc: uscc("81", county, id as u64),
            region_code,
            founded_on,
        });
        idx
    }

    pub fn grassroots_count(&self) -> usize {
        self.grassroots.len()
    }

    /// Units the unions cover (the first `covered` unit indexes).
    pub fn covered_units(&self) -> usize {
        self.covered
    }

    /// The org of a grassroots union by its index among grassroots unions.
    pub fn grassroots_org(&self, g: usize) -> &BulkOrg {
        &self.orgs[self.grassroots[g]]
    }

    /// County federations and township unions, as (org, members below it) pairs, for picking
    /// benchmark targets.
    pub fn county_orgs(&self) -> Vec<(&BulkOrg, u64)> {
        self.counties
            .iter()
            .enumerate()
            .map(|(c, &o)| {
                (
                    &self.orgs[o],
                    self.county_member_start[c + 1] - self.county_member_start[c],
                )
            })
            .collect()
    }

    /// Members of each township union (by org id).
    pub fn town_members(&self, town_org_id: i64) -> u64 {
        let Some(t) = self
            .towns
            .iter()
            .position(|&o| self.orgs[o].id == town_org_id)
        else {
            return 0;
        };
        (0..self.grassroots.len())
            .filter(|&g| self.town_of[g] as usize == t)
            .map(|g| self.member_start[g + 1] - self.member_start[g])
            .sum()
    }

    fn grassroots_of_unit(&self, i: usize) -> Option<usize> {
        if i >= self.covered {
            return None;
        }
        let block = i / BLOCK_UNITS;
        let within = i % BLOCK_UNITS;
        Some(block * BLOCK_UNIONS + within.min(BLOCK_UNIONS - 1))
    }

    /// Units `range` (0-based indexes; unit `i` gets id `i + 1`).
    pub fn units(&self, range: Range<usize>) -> Vec<BulkUnit> {
        let range = range.start..range.end.min(self.shape.units);
        range
            .map(|i| {
                let mut r = rng_for(self.shape.seed, 4, i as u64);
                let g = self.grassroots_of_unit(i);
                let town = match g {
                    Some(g) => self.town_of[g] as usize,
                    None => {
                        // Uncovered units sit where the unions are, weighted alike.
                        let g = r.random_range(0..self.grassroots.len());
                        self.town_of[g] as usize
                    }
                };
                let tcode = self.orgs[self.towns[town]].region_code;
                let (employees, ownership) = match g {
                    Some(g) => {
                        let members = self.member_start[g + 1] - self.member_start[g];
                        let per = if is_joint(g) {
                            members.div_ceil(JOINT_UNITS as u64)
                        } else {
                            members
                        };
                        let e = (per as f64 / r.random_range(0.75..0.98)).ceil() as i64 + 1;
                        let o = match r.random_range(0..100) {
                            0..12 => Ownership::State,
                            12..16 => Ownership::Collective,
                            16..22 => Ownership::Foreign,
                            _ => Ownership::Private,
                        };
                        (e, o)
                    }
                    None => (
                        r.random_range(3..60),
                        if r.random_bool(0.3) {
                            Ownership::Individual
                        } else {
                            Ownership::Private
                        },
                    ),
                };
                let women = (employees as f64 * r.random_range(0.2..0.6)) as i64;
                let short: String = self.orgs[self.towns[town]].name.chars().take(2).collect();
                BulkUnit {
                    id: i as i64 + 1,
                    uscc: uscc("91", tcode, i as u64 + 1),
                    name: format!("{short}{}实业有限公司{}号", names::brand(&mut r), i + 1),
                    region_code: tcode,
                    ownership,
                    employees,
                    women_employees: women,
                    covering_org_id: g.map(|g| self.orgs[self.grassroots[g]].id),
                }
            })
            .collect()
    }

    /// Members `range` (0-based indexes; member `j` gets id `j + 1`).
    pub fn members(&self, range: Range<usize>) -> Vec<BulkMember> {
        let range = range.start..range.end.min(self.shape.members);
        let mut out = Vec::with_capacity(range.len());
        let j0 = range.start as u64;
        let mut g = self.member_start.partition_point(|&s| s <= j0) - 1;
        let born0 = NaiveDate::from_ymd_opt(1966, 1, 1).expect("date");
        let floor = NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
        for j in range {
            let j = j as u64;
            while self.member_start[g + 1] <= j {
                g += 1;
            }
            let town = self.town_of[g] as usize;
            let county = self.county_of_town[town] as usize;
            let (c0, c1) = (
                self.county_member_start[county],
                self.county_member_start[county + 1],
            );
            // Position in the county's ID space: increasing with j, so unique and in order.
            let p = (j - c0) * (BIRTH_DAYS * 1000) / (c1 - c0);
            let birth = born0 + TimeDelta::days((p / 1000) as i64);
            let seq = p % 1000;
            let female = seq % 2 == 0;
            let region = &self.orgs[self.counties[county]].region_code[..6];
            let first17 = format!(
                "{region}{:04}{:02}{:02}{seq:03}",
                birth.year(),
                birth.month(),
                birth.day()
            );
            let check = id_check_char(&first17).expect("17 digits");
            let mut r = rng_for(self.shape.seed, 5, j);
            let adult = birth + TimeDelta::days(18 * 365 + 5);
            let lo = adult.max(floor);
            let hi = self.shape.as_of;
            let join_date = if lo >= hi {
                hi
            } else {
                lo + TimeDelta::days(r.random_range(0..(hi - lo).num_days()))
            };
            let group = if r.random_bool(0.02) {
                Some(NewEmploymentGroup::ALL[r.random_range(0..NewEmploymentGroup::ALL.len())])
            } else {
                None
            };
            out.push(BulkMember {
                id: j as i64 + 1,
                id_number: format!("{first17}{check}"),
                name: names::person_name(&mut r, female),
                female,
                birth_date: birth,
                phone: r.random_bool(0.7).then(|| names::mobile(&mut r)),
                migrant_worker: r.random_bool(0.2),
                dispatched_worker: r.random_bool(0.03),
                new_employment_group: group,
                join_date,
                join_method: if r.random_bool(0.6) {
                    JoinMethod::Collective
                } else {
                    JoinMethod::Individual
                },
                org_id: self.orgs[self.grassroots[g]].id,
            });
        }
        out
    }
}

/// SQLite allows 32,766 bound parameters per statement; stay well below.
const MAX_PARAMS: usize = 30_000;
const MAX_ROWS: usize = 500;

async fn insert_all<T, C>(
    tx: &mut Tx,
    table: T,
    cols: &[C],
    rows: impl IntoIterator<Item = Vec<Expr>>,
) -> Result<u64>
where
    T: IntoTableRef + Clone,
    C: IntoIden + Clone,
{
    let per = (MAX_PARAMS / cols.len()).clamp(1, MAX_ROWS);
    let fresh = || {
        Query::insert()
            .into_table(table.clone())
            .columns(cols.iter().cloned())
            .to_owned()
    };
    let mut stmt: InsertStatement = fresh();
    let (mut pending, mut written) = (0usize, 0u64);
    for row in rows {
        stmt.values_panic(row);
        pending += 1;
        if pending == per {
            written += tx.execute(&stmt).await?;
            stmt = fresh();
            pending = 0;
        }
    }
    if pending > 0 {
        written += tx.execute(&stmt).await?;
    }
    Ok(written)
}

async fn ensure_empty(tx: &mut Tx) -> Result<()> {
    let q = Query::select()
        .expr(Expr::cust("(SELECT COUNT(*) FROM orgs) + (SELECT COUNT(*) FROM units) + (SELECT COUNT(*) FROM members)"))
        .to_owned();
    if tx.scalar(&q).await? > 0 {
        return Err(Error::rule(
            "数据库中已有工会组织、单位或会员，基准数据只能生成到一个新建的空数据库中",
        ));
    }
    Ok(())
}

/// Write the org tree and its open affiliations into an EMPTY database, in one transaction.
pub async fn insert_orgs(store: &Store, data: &BulkData) -> Result<()> {
    let mut tx = store.begin().await?;
    ensure_empty(&mut tx).await?;
    let now = Utc::now();
    insert_all(
        &mut tx,
        Orgs::Table,
        &[
            Orgs::Id,
            Orgs::Kind,
            Orgs::SubKind,
            Orgs::Name,
            Orgs::NamePinyin,
            Orgs::NameInitials,
            Orgs::RegionCode,
            Orgs::FoundedOn,
            Orgs::Uscc,
            Orgs::ParentId,
            Orgs::Path,
            Orgs::Depth,
            Orgs::Status,
            Orgs::CreatedAt,
            Orgs::UpdatedAt,
        ],
        data.orgs.iter().map(|o| {
            let keys = search_keys(&o.name);
            vec![
                o.id.into(),
                o.kind.code().into(),
                o.sub_kind.map(str::to_owned).into(),
                o.name.clone().into(),
                keys.full.into(),
                keys.initials.into(),
                Some(o.region_code).map(str::to_owned).into(),
                Some(o.founded_on).into(),
                Some(o.uscc.clone()).into(),
                o.parent_id.into(),
                o.path.clone().into(),
                o.depth.into(),
                ACTIVE.into(),
                now.into(),
                now.into(),
            ]
        }),
    )
    .await?;
    insert_all(
        &mut tx,
        OrgAffiliations::Table,
        &[
            OrgAffiliations::OrgId,
            OrgAffiliations::ParentId,
            OrgAffiliations::ValidFrom,
        ],
        data.orgs.iter().filter_map(|o| {
            o.parent_id
                .map(|p| vec![o.id.into(), p.into(), o.founded_on.into()])
        }),
    )
    .await?;
    tx.commit().await
}

/// Write units (and the open coverage of each covered one) in one transaction.
pub async fn insert_units(store: &Store, data: &BulkData, units: &[BulkUnit]) -> Result<()> {
    let mut tx = store.begin().await?;
    let now = Utc::now();
    insert_all(
        &mut tx,
        Units::Table,
        &[
            Units::Id,
            Units::Uscc,
            Units::Name,
            Units::NamePinyin,
            Units::NameInitials,
            Units::RegionCode,
            Units::Ownership,
            Units::Employees,
            Units::WomenEmployees,
            Units::Status,
            Units::CoveringOrgId,
            Units::CreatedAt,
            Units::UpdatedAt,
        ],
        units.iter().map(|u| {
            let keys = search_keys(&u.name);
            vec![
                u.id.into(),
                u.uscc.clone().into(),
                u.name.clone().into(),
                keys.full.into(),
                keys.initials.into(),
                u.region_code.into(),
                u.ownership.code().into(),
                u.employees.into(),
                u.women_employees.into(),
                UnitStatus::Active.code().into(),
                u.covering_org_id.into(),
                now.into(),
                now.into(),
            ]
        }),
    )
    .await?;
    insert_all(
        &mut tx,
        UnitCoverages::Table,
        &[
            UnitCoverages::UnitId,
            UnitCoverages::OrgId,
            UnitCoverages::ValidFrom,
        ],
        units.iter().filter_map(|u| {
            u.covering_org_id.map(|o| {
                let founded = data.orgs[(o - 1) as usize].founded_on;
                vec![u.id.into(), o.into(), founded.into()]
            })
        }),
    )
    .await?;
    tx.commit().await
}

/// Write members (and each one's open membership) in one transaction.
pub async fn insert_members(store: &Store, members: &[BulkMember]) -> Result<()> {
    let mut tx = store.begin().await?;
    write_members(&mut tx, members).await?;
    tx.commit().await
}

async fn write_members(tx: &mut Tx, members: &[BulkMember]) -> Result<()> {
    let tx = &mut *tx;
    let now = Utc::now();
    insert_all(
        tx,
        Members::Table,
        &[
            Members::Id,
            Members::IdNumber,
            Members::Name,
            Members::NamePinyin,
            Members::NameInitials,
            Members::Sex,
            Members::BirthDate,
            Members::Phone,
            Members::MigrantWorker,
            Members::DispatchedWorker,
            Members::NewEmploymentGroup,
            Members::JoinDate,
            Members::JoinMethod,
            Members::Status,
            Members::OrgId,
            Members::CreatedAt,
            Members::UpdatedAt,
        ],
        members.iter().map(|m| {
            let keys = search_keys(&m.name);
            let sex = if m.female { Sex::Female } else { Sex::Male };
            vec![
                m.id.into(),
                m.id_number.clone().into(),
                m.name.clone().into(),
                keys.full.into(),
                keys.initials.into(),
                sex.code().into(),
                m.birth_date.into(),
                m.phone.clone().into(),
                m.migrant_worker.into(),
                m.dispatched_worker.into(),
                m.new_employment_group.map(|g| g.code().to_owned()).into(),
                m.join_date.into(),
                m.join_method.code().into(),
                MemberStatus::Active.code().into(),
                Some(m.org_id).into(),
                now.into(),
                now.into(),
            ]
        }),
    )
    .await?;
    insert_all(
        tx,
        Memberships::Table,
        &[
            Memberships::MemberId,
            Memberships::OrgId,
            Memberships::ValidFrom,
        ],
        members
            .iter()
            .map(|m| vec![m.id.into(), m.org_id.into(), m.join_date.into()]),
    )
    .await?;
    Ok(())
}

/// Counts written, for the audit entry and the caller's summary.
#[derive(Debug, Clone, Serialize)]
pub struct BulkSummary {
    pub orgs: usize,
    pub grassroots: usize,
    pub units: usize,
    pub covered_units: usize,
    pub members: usize,
}

/// Close a generation: move PostgreSQL's id sequences past the written ids and record one
/// audit entry `demo.bulk` with the shape and the counts.
pub async fn finish(store: &Store, data: &BulkData, members_written: usize) -> Result<BulkSummary> {
    let mut tx = store.begin().await?;
    if tx.engine() == Engine::Postgres {
        for table in ["orgs", "units", "members"] {
            let sql = format!(
                "setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            );
            tx.execute(&Query::select().expr(Expr::cust(sql)).to_owned())
                .await?;
        }
    }
    let summary = BulkSummary {
        orgs: data.orgs.len(),
        grassroots: data.grassroots.len(),
        units: data.shape.units,
        covered_units: data.covered,
        members: members_written,
    };
    #[derive(Serialize)]
    struct Entry<'a> {
        shape: &'a BulkShape,
        summary: &'a BulkSummary,
    }
    audit::record::<(), _>(
        &mut tx,
        &Actor::system(),
        "demo.bulk",
        Target::new("demo", None, None),
        None,
        Some(&Entry {
            shape: &data.shape,
            summary: &summary,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(summary)
}

/// One row of a member roster as read from the file, before any check (import column order:
/// 姓名, 身份证号码, 所在工会, 入会日期, 手机号码, 是否农民工, 是否劳务派遣工, 新就业形态群体, 入会方式).
#[derive(Debug, Clone, Default)]
pub struct RawMemberRow {
    pub name: String,
    pub id_number: String,
    pub org: String,
    pub join_date: String,
    pub phone: String,
    pub migrant_worker: String,
    pub dispatched_worker: String,
    pub new_employment_group: String,
    pub join_method: String,
}

/// What [`import_members_standin`] did.
#[derive(Debug, Clone, Serialize)]
pub struct StandinReport {
    pub rows: usize,
    pub written: usize,
    pub invalid: usize,
    /// The first few errors as `row: message`.
    pub errors: Vec<String>,
}

fn yes(s: &str) -> Result<bool, String> {
    match s.trim() {
        "" | "否" | "N" | "n" | "0" | "false" => Ok(false),
        "是" | "Y" | "y" | "1" | "true" => Ok(true),
        other => Err(format!("“{other}”应填“是”或“否”")),
    }
}

/// BENCHMARK STAND-IN for the member import (used by `bench/` only while the import engine of
/// `crate::import` is not usable): the same checks as [`Store::create_member`] — the person's
/// name, the ID number, the union resolved by USCC, gonghui code or name among active
/// grassroots unions, dates, phone, coded columns, duplicates in the file, and the rule that a
/// person holds one active membership — then all valid rows written with multi-row INSERTs, or
/// nothing if any row is invalid; one transaction and one audit entry.
pub async fn import_members_standin(
    store: &Store,
    actor: &Actor,
    rows: &[RawMemberRow],
) -> Result<StandinReport> {
    use gonghui_domain::{IdNumber, Phone, check_person_name};
    use sea_query::ExprTrait;
    use std::collections::{HashMap, HashSet};

    let mut tx = store.begin().await?;
    // Resolution table: every active grassroots union by USCC and by name (names that occur
    // twice are ambiguous and left out).
    let orgs: Vec<(i64, String, Option<String>)> = tx
        .all(
            &Query::select()
                .columns([Orgs::Id, Orgs::Name, Orgs::Uscc])
                .from(Orgs::Table)
                .and_where(Expr::col(Orgs::Status).eq(ACTIVE))
                .and_where(Expr::col(Orgs::Kind).eq(OrgKind::Grassroots.code()))
                .to_owned(),
        )
        .await?;
    let mut by_key: HashMap<String, Option<i64>> = HashMap::with_capacity(orgs.len() * 2);
    for (id, name, uscc) in orgs {
        if let Some(u) = uscc {
            by_key.insert(u, Some(id));
        }
        by_key
            .entry(name)
            .and_modify(|v| *v = None)
            .or_insert(Some(id));
    }
    let today = chrono::Local::now().date_naive();
    let mut errors = vec![];
    let mut invalid = 0usize;
    let mut seen: HashSet<String> = HashSet::with_capacity(rows.len());
    let mut valid: Vec<BulkMember> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let check = || -> std::result::Result<BulkMember, String> {
            let name = check_person_name(&r.name).map_err(|e| format!("姓名：{e}"))?;
            let id =
                IdNumber::parse_at(&r.id_number, today).map_err(|e| format!("身份证号码：{e}"))?;
            let key = gonghui_domain::to_half_width(r.org.trim());
            let org_id = match by_key.get(key.as_str()) {
                Some(Some(id)) => *id,
                Some(None) => {
                    return Err(format!(
                        "所在工会：有多个名为“{key}”的工会，请填写统一社会信用代码"
                    ));
                }
                None => {
                    return Err(format!(
                        "所在工会：找不到基层工会“{key}”，请填写系统中已有工会的名称或统一社会信用代码"
                    ));
                }
            };
            let join_date = NaiveDate::parse_from_str(r.join_date.trim(), "%Y-%m-%d")
                .map_err(|_| format!("入会日期：“{}”不是日期（例如 2024-03-01）", r.join_date))?;
            if join_date > today {
                return Err("入会日期：不能晚于今天".into());
            }
            if join_date < id.birth_date() {
                return Err("入会日期：不能早于出生日期，请核对".into());
            }
            let phone = match r.phone.trim() {
                "" => None,
                p => Some(
                    Phone::parse(p)
                        .map_err(|e| format!("手机号码：{e}"))?
                        .as_str()
                        .to_owned(),
                ),
            };
            let group = match r.new_employment_group.trim() {
                "" => None,
                g => Some(
                    NewEmploymentGroup::from_label(g)
                        .ok_or_else(|| format!("新就业形态群体：“{g}”不在可选范围内"))?,
                ),
            };
            let join_method = match r.join_method.trim() {
                "" => JoinMethod::Individual,
                m => JoinMethod::from_label(m)
                    .ok_or_else(|| format!("入会方式：“{m}”不在可选范围内"))?,
            };
            Ok(BulkMember {
                id: 0,
                female: id.sex() == Sex::Female,
                birth_date: id.birth_date(),
                id_number: id.as_str().to_owned(),
                name,
                phone,
                migrant_worker: yes(&r.migrant_worker).map_err(|e| format!("是否农民工：{e}"))?,
                dispatched_worker: yes(&r.dispatched_worker)
                    .map_err(|e| format!("是否劳务派遣工：{e}"))?,
                new_employment_group: group,
                join_date,
                join_method,
                org_id,
            })
        };
        match check() {
            Ok(m) if !seen.insert(m.id_number.clone()) => {
                invalid += 1;
                if errors.len() < 20 {
                    errors.push(format!("第{}行：身份证号码与上面的行重复", i + 2));
                }
            }
            Ok(m) => valid.push(m),
            Err(e) => {
                invalid += 1;
                if errors.len() < 20 {
                    errors.push(format!("第{}行：{e}", i + 2));
                }
            }
        }
    }
    // One active membership per person: look the ID numbers up in batches.
    for chunk in valid.chunks(500) {
        let held: Vec<(String,)> = tx
            .all(
                &Query::select()
                    .column(Members::IdNumber)
                    .from(Members::Table)
                    .and_where(
                        Expr::col(Members::IdNumber)
                            .is_in(chunk.iter().map(|m| m.id_number.clone())),
                    )
                    .to_owned(),
            )
            .await?;
        invalid += held.len();
        for (id,) in held.into_iter().take(20usize.saturating_sub(errors.len())) {
            let masked = gonghui_domain::IdNumber::parse(&id)
                .map(|i| i.masked())
                .unwrap_or_default();
            errors.push(format!("身份证号码 {masked} 已是会员，请办理转会"));
        }
    }
    let report = StandinReport {
        rows: rows.len(),
        written: if invalid == 0 { valid.len() } else { 0 },
        invalid,
        errors,
    };
    if invalid > 0 {
        return Ok(report);
    }
    let next: i64 = tx
        .scalar(
            &Query::select()
                .expr(Expr::cust("COALESCE(MAX(id), 0)"))
                .from(Members::Table)
                .to_owned(),
        )
        .await?;
    for (k, m) in valid.iter_mut().enumerate() {
        m.id = next + 1 + k as i64;
    }
    write_members(&mut tx, &valid).await?;
    audit::record::<(), _>(
        &mut tx,
        actor,
        "member.import",
        Target::new("member", None, None),
        None,
        Some(&report),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gonghui_domain::{IdNumber, Uscc};

    fn small() -> BulkShape {
        BulkShape {
            region: "4210".into(),
            grassroots: 95,
            units: 400,
            members: 5_000,
            seed: 3,
            as_of: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        }
    }

    #[test]
    fn rows_are_valid_and_independent_of_chunking() {
        let data = BulkData::new(small()).unwrap();
        assert_eq!(data.grassroots_count(), 95);
        assert_eq!(data.covered_units(), 9 * 12 + 5);
        let all = data.members(0..5_000);
        let mut ids: Vec<_> = all.iter().map(|m| m.id_number.clone()).collect();
        for id in &ids {
            IdNumber::parse(id).unwrap();
        }
        ids.dedup();
        assert_eq!(ids.len(), 5_000, "unique and increasing");
        let parts: Vec<_> = [0..1_234, 1_234..4_000, 4_000..5_000]
            .into_iter()
            .flat_map(|r| data.members(r))
            .collect();
        for (a, b) in all.iter().zip(&parts) {
            assert_eq!(
                (&a.id_number, &a.name, a.org_id),
                (&b.id_number, &b.name, b.org_id)
            );
        }
        let units = data.units(0..400);
        assert_eq!(
            units.iter().filter(|u| u.covering_org_id.is_some()).count(),
            113
        );
        for u in &units {
            assert!(!Uscc::parse(&u.uscc).unwrap().is_union());
        }
        for o in &data.orgs {
            assert!(Uscc::parse(&o.uscc).unwrap().is_union());
        }
        let again = BulkData::new(small()).unwrap();
        assert_eq!(again.members(10..20)[3].name, data.members(10..20)[3].name);
    }
}
