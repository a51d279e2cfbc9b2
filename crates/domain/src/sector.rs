//! 行业工会联合会 (`SectorFederation`): the sector catalogue and the rules of forming one.
//!
//! The catalogue is seed 000's list of trades (纺织印染、装备制造、化工医药、餐饮酒店、商贸零售、
//! 物流运输、建筑业) plus the trades where federations are commonly formed for small employers
//! and new kinds of work (家政服务、快递、汽车维修、物业服务 …). Each trade is mapped to the
//! GB/T 4754-2017 大类 that its units carry in the unit directory, so the 一行一会 plan can
//! count the units of a trade. A 大类 may belong to more than one trade (60 邮政业 is both
//! 物流运输 and 快递): the plan is a view per trade, never a total.
//!
//! The formation rules come from seed 000 (行业工会联合会建设的意见) and seed 002
//! (《关于加强产业（行业）工会建设的意见》): 联合制 (two or more member unions), 代表制 (the
//! committee is made of member unions' chairs or representatives they elect), chair and
//! vice-chairs elected from the committee, no 行业协会 president or vice-president and no
//! enterprise administrative head on it, 经审 and 女职工 committees set up at the same time,
//! a term as the union law sets it for the kind (`crate::term`). [`check_formation`] reports every broken rule at once, each with
//! the field it belongs to, so a form can show them all beside their fields.

use chrono::NaiveDate;
use serde::Serialize;

use crate::coded_enum;
use crate::error::Invalid;
use crate::industry::all_divisions;
use crate::member::check_person_name;
use crate::officer::{OfficerRole, OfficerSource};
use crate::org::OrgKind;
use crate::term::check_term_years;

coded_enum! {
    /// A trade (行业) in which a 行业工会联合会 is formed.
    pub enum Sector {
        Textile = ("textile", "纺织印染"),
        Equipment = ("equipment", "装备制造"),
        ChemPharma = ("chem_pharma", "化工医药"),
        CateringHotel = ("catering_hotel", "餐饮酒店"),
        Retail = ("retail", "商贸零售"),
        Logistics = ("logistics", "物流运输"),
        Construction = ("construction", "建筑业"),
        Decoration = ("decoration", "装饰装修"),
        Food = ("food", "食品加工"),
        Housekeeping = ("housekeeping", "家政服务"),
        Express = ("express", "快递"),
        AutoRepair = ("auto_repair", "汽车维修"),
        Property = ("property", "物业服务"),
        Finance = ("finance", "金融保险"),
    }
}

/// One row of the catalogue: the trade, its 大类, whether seed 000 names it, and the 门类 of
/// the upper industrial union (产业工会) that usually guides it (业务指导).
struct SectorDef {
    sector: Sector,
    divisions: &'static [&'static str],
    in_seed_000: bool,
    guide_sections: &'static [char],
}

#[rustfmt::skip]
static CATALOGUE: [SectorDef; 14] = [
    SectorDef { sector: Sector::Textile, divisions: &["17", "18"], in_seed_000: true, guide_sections: &['C'] },
    SectorDef { sector: Sector::Equipment, divisions: &["33", "34", "35", "36", "37", "38", "39", "40"], in_seed_000: true, guide_sections: &['C'] },
    SectorDef { sector: Sector::ChemPharma, divisions: &["26", "27"], in_seed_000: true, guide_sections: &['C'] },
    // Seed 000: 服务类 trades are led by the 商贸服务业 industrial union (批发和零售 F).
    SectorDef { sector: Sector::CateringHotel, divisions: &["61", "62"], in_seed_000: true, guide_sections: &['H', 'F'] },
    SectorDef { sector: Sector::Retail, divisions: &["51", "52"], in_seed_000: true, guide_sections: &['F'] },
    SectorDef { sector: Sector::Logistics, divisions: &["53", "54", "55", "56", "57", "58", "59", "60"], in_seed_000: true, guide_sections: &['G'] },
    SectorDef { sector: Sector::Construction, divisions: &["47", "48", "49", "50"], in_seed_000: true, guide_sections: &['E'] },
    // Seed 000: 市建设工会要组建装饰装修行业工会.
    SectorDef { sector: Sector::Decoration, divisions: &["50"], in_seed_000: true, guide_sections: &['E'] },
    SectorDef { sector: Sector::Food, divisions: &["13", "14", "15"], in_seed_000: false, guide_sections: &['C'] },
    SectorDef { sector: Sector::Housekeeping, divisions: &["80"], in_seed_000: false, guide_sections: &['O', 'F'] },
    SectorDef { sector: Sector::Express, divisions: &["60"], in_seed_000: false, guide_sections: &['G'] },
    SectorDef { sector: Sector::AutoRepair, divisions: &["81"], in_seed_000: false, guide_sections: &['O', 'G', 'F'] },
    // Seed 000: 市房管工会要完成物业管理行业工会组建.
    SectorDef { sector: Sector::Property, divisions: &["70"], in_seed_000: true, guide_sections: &['K'] },
    SectorDef { sector: Sector::Finance, divisions: &["66", "67", "68", "69"], in_seed_000: true, guide_sections: &['J', 'F'] },
];

impl Sector {
    fn def(self) -> &'static SectorDef {
        CATALOGUE
            .iter()
            .find(|d| d.sector == self)
            .expect("every sector is in the catalogue")
    }

    /// The GB/T 4754-2017 大类 (two digits) whose units belong to this trade.
    pub fn divisions(self) -> &'static [&'static str] {
        self.def().divisions
    }

    /// The 大类 with their names from the vendored GB/T 4754-2017 table.
    pub fn division_names(self) -> Vec<(&'static str, &'static str)> {
        self.divisions()
            .iter()
            .filter_map(|code| {
                all_divisions()
                    .iter()
                    .find(|d| d.0 == *code)
                    .map(|d| (d.0, d.1))
            })
            .collect()
    }

    /// "17 纺织业、18 纺织服装、服饰业", for a page.
    pub fn divisions_text(self) -> String {
        self.division_names()
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect::<Vec<_>>()
            .join("、")
    }

    /// Whether seed 000 names this trade among those to organize.
    pub fn in_seed_000(self) -> bool {
        self.def().in_seed_000
    }

    /// 门类 letters of the industrial unions that usually guide this trade, most likely first.
    pub fn guide_sections(self) -> &'static [char] {
        self.def().guide_sections
    }

    /// Whether a unit's industry code (大类 or longer, as stored: "62", "6210") is of this
    /// trade. A bare 门类 letter says too little and matches nothing.
    pub fn covers(self, industry_code: &str) -> bool {
        let code = industry_code.trim();
        let digits = code.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        digits.len() >= 2 && self.divisions().contains(&&digits[..2])
    }

    /// The trades a unit's industry code belongs to.
    pub fn of_industry(industry_code: &str) -> Vec<Sector> {
        Self::ALL
            .iter()
            .copied()
            .filter(|s| s.covers(industry_code))
            .collect()
    }

    /// The stem of a federation's name: 餐饮酒店行业, but 建筑业 as it is.
    pub fn name_stem(self) -> String {
        let label = self.label();
        if label.ends_with('业') {
            label.to_owned()
        } else {
            format!("{label}行业")
        }
    }

    /// The name a federation of this trade usually takes: 石首市汽车维修行业工会联合会.
    pub fn federation_name(self, place: &str) -> String {
        format!("{place}{}工会联合会", self.name_stem())
    }

    /// Words by which people name the trade (the label first): 餐饮行业 is 餐饮酒店.
    pub fn keywords(self) -> &'static [&'static str] {
        use Sector::*;
        match self {
            Textile => &["纺织印染", "纺织", "印染", "服装"],
            Equipment => &["装备制造", "装备", "机械制造"],
            ChemPharma => &["化工医药", "化工", "医药"],
            CateringHotel => &["餐饮酒店", "餐饮", "酒店", "住宿"],
            Retail => &["商贸零售", "商贸", "零售"],
            Logistics => &["物流运输", "物流", "货运"],
            Construction => &["建筑业", "建筑"],
            Decoration => &["装饰装修", "装饰", "装修"],
            Food => &["食品加工", "食品"],
            Housekeeping => &["家政服务", "家政"],
            Express => &["快递"],
            AutoRepair => &["汽车维修", "汽修", "机动车维修"],
            Property => &["物业服务", "物业"],
            Finance => &["金融保险", "金融", "保险"],
        }
    }

    /// The trade named in an existing federation's name, if any: the longest matching word
    /// wins (建筑装饰装修 is 装饰装修, not 建筑业), ties go to the catalogue's order.
    pub fn detect(name: &str) -> Option<Sector> {
        let mut best: Option<(usize, Sector)> = None;
        for s in Self::ALL {
            for k in s.keywords() {
                let n = k.chars().count();
                if name.contains(k) && best.is_none_or(|(m, _)| n > m) {
                    best = Some((n, *s));
                }
            }
        }
        best.map(|b| b.1)
    }
}

/// The place part of a union's name, for naming a federation under it: 石首市总工会 → 石首市,
/// 石首市新厂镇工会 → 石首市新厂镇.
pub fn place_of(union_name: &str) -> &str {
    let name = union_name.trim();
    for suffix in ["总工会", "工会联合会", "工会委员会", "工会"] {
        if let Some(p) = name.strip_suffix(suffix)
            && !p.is_empty()
        {
            return p;
        }
    }
    name
}

/// Fewest member unions of a federation (联合制: "两个以上单位的工会委员会").
pub const MIN_MEMBER_UNIONS: usize = 2;

/// Refuses a parent that is not a local (属地) federation: a sector federation is led by the
/// county federation or an area (township, street, development zone) union where it is.
pub fn check_sector_parent(kind: OrgKind) -> Result<(), Invalid> {
    match kind {
        OrgKind::CountyFederation | OrgKind::AreaFederation => Ok(()),
        other => Err(Invalid(format!(
            "行业工会联合会按属地管理，应隶属于县（市、区）总工会或乡镇（街道）、开发区工会，不能隶属于{}",
            other.label()
        ))),
    }
}

/// Refuses a guiding org that is not an industrial union (上级对应产业工会).
pub fn check_guide(kind: OrgKind) -> Result<(), Invalid> {
    if kind == OrgKind::IndustrialUnion {
        Ok(())
    } else {
        Err(Invalid(format!(
            "业务指导单位应为上级对应的产业工会（如市直产业工会），不能是{}",
            kind.label()
        )))
    }
}

/// What the form names for one field of a formation; pages map it to their input names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum FormationField {
    Name,
    Sector,
    Parent,
    Members,
    FoundedOn,
    TermYears,
    /// The committee as a whole (no chair, two chairs…).
    Officers,
    /// One seat of the committee, by its position in [`FormationPlan::seats`].
    Seat(usize),
    FundsReview,
    WomenWorkers,
    Charter,
    Guide,
    LegalPerson,
}

impl FormationField {
    /// The form field name (a seat's problems belong to the committee as a whole here).
    pub fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Sector => "sector",
            Self::Parent => "parent_id",
            Self::Members => "members",
            Self::FoundedOn => "founded_on",
            Self::TermYears => "term_years",
            Self::Officers | Self::Seat(_) => "officers",
            Self::FundsReview => "funds_review_head",
            Self::WomenWorkers => "women_workers_head",
            Self::Charter => "charter_title",
            Self::Guide => "guide_id",
            Self::LegalPerson => "legal_person_cert",
        }
    }
}

/// One broken formation rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: FormationField,
    pub message: String,
}

impl Problem {
    pub fn new(field: FormationField, message: impl Into<String>) -> Problem {
        Problem {
            field,
            message: message.into(),
        }
    }
}

/// A seat on the federation's committee (工会委员会): a member union's chair, or a
/// representative its members elected, representing that member union.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Seat {
    pub name: String,
    pub role: OfficerRole,
    pub source: OfficerSource,
    /// The member union the person represents.
    pub represents: Option<i64>,
    /// 行业协会（商会）会长或副会长.
    pub is_association_leader: bool,
    /// 企业（单位）行政负责人.
    pub is_enterprise_head: bool,
}

/// Why a person may not sit on the committee because of the other office they hold (seed 002:
/// 行业协会（商会）会长、副会长及企业（单位）行政负责人不应担任产业（行业）工会主席、副主席、委员职务).
pub fn ineligibility(
    name: &str,
    role: OfficerRole,
    is_association_leader: bool,
    is_enterprise_head: bool,
) -> Option<String> {
    let what = if is_association_leader {
        "行业协会（商会）会长或副会长"
    } else if is_enterprise_head {
        "企业（单位）行政负责人"
    } else {
        return None;
    };
    let role = match role {
        OfficerRole::Member => "委员",
        other => other.label(),
    };
    Some(format!(
        "{name}是{what}，不能担任联合会{role}：行业协会会长、副会长和企业行政负责人不得担任行业工会联合会主席、副主席或委员（《关于加强产业（行业）工会建设的意见》），请由成员工会另行推选代表"
    ))
}

/// The rules every seat obeys, when it is formed and when it is filled again (替补) or added
/// with a joining member union: a valid name, a member union's chair or elected
/// representative, representing one of `members`, and eligible.
pub fn check_seat(seat: &Seat, members: &[i64]) -> Result<String, Invalid> {
    let name = check_person_name(&seat.name)?;
    if !matches!(
        seat.source,
        OfficerSource::MemberChair | OfficerSource::ElectedRep
    ) {
        return Err(Invalid::new(
            "联合会委员应由成员工会主席或成员工会推选的代表担任（代表制），来源请选“本会主席”（成员单位工会主席）或“推选代表”",
        ));
    }
    match seat.represents {
        Some(m) if members.contains(&m) => {}
        _ => {
            return Err(Invalid::new(
                "请选择该委员所代表的成员工会：委员必须代表本联合会的一个成员工会（代表制）",
            ));
        }
    }
    if let Some(msg) = ineligibility(
        &name,
        seat.role,
        seat.is_association_leader,
        seat.is_enterprise_head,
    ) {
        return Err(Invalid(msg));
    }
    Ok(name)
}

/// Everything about a new federation that can be checked without the database.
#[derive(Debug, Clone)]
pub struct FormationPlan<'a> {
    pub name: &'a str,
    pub members: &'a [i64],
    pub seats: &'a [Seat],
    /// 经费审查委员会主任: `None` when the committee is not set up.
    pub funds_review_head: Option<&'a str>,
    /// 女职工委员会主任: `None` when the committee is not set up.
    pub women_workers_head: Option<&'a str>,
    pub term_years: u32,
    pub founded_on: NaiveDate,
    pub today: NaiveDate,
    pub charter_title: &'a str,
}

/// Every rule of seeds 000 and 002 the plan breaks, in the order of the form; empty when it
/// may be formed (the store adds the rules that need data).
pub fn check_formation(plan: &FormationPlan<'_>) -> Vec<Problem> {
    use FormationField as F;
    let mut out = Vec::new();
    let name = plan.name.trim();
    if name.chars().count() < 2 || name.chars().count() > 60 {
        out.push(Problem::new(
            F::Name,
            "名称应为2至60个字，例如“石首市汽车维修行业工会联合会”",
        ));
    } else if !name.contains("工会") {
        out.push(Problem::new(
            F::Name,
            "名称中应有“工会”二字，一般为“××行业工会联合会”",
        ));
    }
    if plan.founded_on > plan.today {
        out.push(Problem::new(
            F::FoundedOn,
            "成立（选举）日期不能晚于今天，请核对",
        ));
    }
    // The term length follows the one rule for every kind of union (crate::term).
    if let Err(e) = check_term_years(OrgKind::SectorFederation, plan.term_years) {
        out.push(Problem::new(F::TermYears, e.0));
    }
    let mut distinct: Vec<i64> = plan.members.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() != plan.members.len() {
        out.push(Problem::new(
            F::Members,
            "同一个基层工会只能选择一次，请核对成员工会",
        ));
    } else if distinct.len() < MIN_MEMBER_UNIONS {
        out.push(Problem::new(
            F::Members,
            format!(
                "行业工会联合会由两个以上单位的工会联合组成（联合制），现在只选了{}个，请至少选择两个成员工会",
                distinct.len()
            ),
        ));
    }

    let mut names: Vec<String> = Vec::new();
    for (i, seat) in plan.seats.iter().enumerate() {
        match check_seat(seat, plan.members) {
            Ok(n) => {
                if names.contains(&n) {
                    out.push(Problem::new(
                        F::Seat(i),
                        format!("{n}已登记为委员，同一人只能占一个委员席位"),
                    ));
                }
                names.push(n);
            }
            Err(e) => out.push(Problem::new(F::Seat(i), e.0)),
        }
    }
    let chairs = plan
        .seats
        .iter()
        .filter(|s| s.role == OfficerRole::Chair)
        .count();
    if plan.seats.is_empty() {
        out.push(Problem::new(
            F::Officers,
            "请登记联合会委员会委员：由成员工会主席或成员工会推选的代表担任，并从中选举主席",
        ));
    } else if chairs == 0 {
        out.push(Problem::new(
            F::Officers,
            "请从委员中选举一名主席（主席、副主席由全体委员选举产生）",
        ));
    } else if chairs > 1 {
        out.push(Problem::new(
            F::Officers,
            format!("主席只能有一名，现在有{chairs}名，请核对职务"),
        ));
    }

    for (field, head, committee) in [
        (F::FundsReview, plan.funds_review_head, "经费审查委员会"),
        (F::WomenWorkers, plan.women_workers_head, "女职工委员会"),
    ] {
        match head {
            None => out.push(Problem::new(
                field,
                format!(
                    "建立行业工会联合会时应同步建立{committee}（《关于加强产业（行业）工会建设的意见》），请勾选并填写{committee}主任"
                ),
            )),
            Some(h) => {
                if let Err(e) = check_person_name(h) {
                    out.push(Problem::new(field, format!("{committee}主任：{}", e.0)));
                }
            }
        }
    }

    let charter = plan.charter_title.trim();
    if charter.is_empty() {
        out.push(Problem::new(
            F::Charter,
            "请填写联合会章程的名称（章程由联合会委员会全体会议讨论通过），如“石首市汽车维修行业工会联合会章程”",
        ));
    } else if charter.chars().count() > 80 {
        out.push(Problem::new(F::Charter, "章程名称最多80个字"));
    }
    out
}

/// Leaving must keep the federation a 联合制 one: at least two member unions remain.
pub fn check_leaving(members_now: usize) -> Result<(), Invalid> {
    if members_now <= MIN_MEMBER_UNIONS {
        Err(Invalid(format!(
            "联合会现有{members_now}个成员工会，退出后将少于两个，不再符合联合制的要求；请先吸收新的成员工会，或按程序撤销联合会"
        )))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn seat(name: &str, role: OfficerRole, represents: i64) -> Seat {
        Seat {
            name: name.into(),
            role,
            source: OfficerSource::MemberChair,
            represents: Some(represents),
            is_association_leader: false,
            is_enterprise_head: false,
        }
    }

    fn good_seats() -> Vec<Seat> {
        vec![
            seat("王建国", OfficerRole::Chair, 1),
            seat("李秀英", OfficerRole::ViceChair, 2),
        ]
    }

    fn plan<'a>(members: &'a [i64], seats: &'a [Seat]) -> FormationPlan<'a> {
        FormationPlan {
            name: "石首市汽车维修行业工会联合会",
            members,
            seats,
            funds_review_head: Some("张红梅"),
            women_workers_head: Some("刘芳"),
            term_years: 5,
            founded_on: d(2026, 3, 1),
            today: d(2026, 11, 22),
            charter_title: "石首市汽车维修行业工会联合会章程",
        }
    }

    fn fields(problems: &[Problem]) -> Vec<FormationField> {
        problems.iter().map(|p| p.field).collect()
    }

    #[test]
    fn catalogue_uses_real_divisions() {
        let all: Vec<&str> = all_divisions().iter().map(|d| d.0).collect();
        for s in Sector::ALL {
            assert!(!s.divisions().is_empty(), "{s}");
            for code in s.divisions() {
                assert!(all.contains(code), "{s}: {code} is not a 大类");
            }
            assert_eq!(s.division_names().len(), s.divisions().len(), "{s}");
            assert!(!s.guide_sections().is_empty(), "{s}");
        }
        assert_eq!(CATALOGUE.len(), Sector::ALL.len());
        assert_eq!(Sector::Textile.divisions(), ["17", "18"]);
        assert_eq!(Sector::CateringHotel.divisions(), ["61", "62"]);
        assert_eq!(Sector::Construction.divisions(), ["47", "48", "49", "50"]);
        assert_eq!(
            Sector::Textile.divisions_text(),
            "17 纺织业、18 纺织服装、服饰业"
        );
        assert_eq!(Sector::AutoRepair.divisions(), ["81"]);
        // Seed 000's list is all in the catalogue.
        for label in [
            "纺织印染",
            "装备制造",
            "化工医药",
            "餐饮酒店",
            "商贸零售",
            "物流运输",
            "建筑业",
        ] {
            let s = Sector::from_label(label).unwrap_or_else(|| panic!("{label}"));
            assert!(s.in_seed_000(), "{label}");
        }
    }

    #[test]
    fn industries_map_to_trades() {
        assert!(Sector::CateringHotel.covers("62"));
        assert!(Sector::CateringHotel.covers("6210"));
        assert!(Sector::CateringHotel.covers("H62"));
        assert!(!Sector::CateringHotel.covers("H"));
        assert!(!Sector::CateringHotel.covers("63"));
        assert_eq!(Sector::of_industry("81"), [Sector::AutoRepair]);
        assert_eq!(
            Sector::of_industry("60"),
            [Sector::Logistics, Sector::Express]
        );
        assert_eq!(
            Sector::of_industry("50"),
            [Sector::Construction, Sector::Decoration]
        );
        assert!(Sector::of_industry("01").is_empty());
        assert!(Sector::of_industry("").is_empty());
    }

    #[test]
    fn names() {
        assert_eq!(
            Sector::AutoRepair.federation_name("石首市"),
            "石首市汽车维修行业工会联合会"
        );
        assert_eq!(
            Sector::Construction.federation_name("荆州市"),
            "荆州市建筑业工会联合会"
        );
        assert_eq!(
            Sector::detect("石首市纺织印染行业工会联合会"),
            Some(Sector::Textile)
        );
        assert_eq!(
            Sector::detect("荆州市建筑业工会联合会"),
            Some(Sector::Construction)
        );
        assert_eq!(Sector::detect("石首市总工会"), None);
        assert_eq!(
            Sector::detect("石首市餐饮行业工会联合会"),
            Some(Sector::CateringHotel)
        );
        assert_eq!(
            Sector::detect("荆州市建筑装饰装修行业工会联合会"),
            Some(Sector::Decoration)
        );
        for s in Sector::ALL {
            assert_eq!(s.keywords()[0], s.label(), "{s}");
            assert_eq!(Sector::detect(&s.federation_name("某县")), Some(*s), "{s}");
        }
        assert_eq!(place_of("石首市总工会"), "石首市");
        assert_eq!(place_of("石首市新厂镇工会"), "石首市新厂镇");
        assert_eq!(place_of("工会"), "工会");
    }

    #[test]
    fn parents_and_guides() {
        assert!(check_sector_parent(OrgKind::CountyFederation).is_ok());
        assert!(check_sector_parent(OrgKind::AreaFederation).is_ok());
        for k in [
            OrgKind::CityFederation,
            OrgKind::IndustrialUnion,
            OrgKind::SectorFederation,
            OrgKind::Grassroots,
        ] {
            assert!(
                check_sector_parent(k).unwrap_err().0.contains("属地"),
                "{k}"
            );
        }
        assert!(check_guide(OrgKind::IndustrialUnion).is_ok());
        assert!(
            check_guide(OrgKind::CountyFederation)
                .unwrap_err()
                .0
                .contains("产业工会")
        );
    }

    #[test]
    fn a_good_plan_passes() {
        let seats = good_seats();
        assert_eq!(check_formation(&plan(&[1, 2], &seats)), vec![]);
    }

    #[test]
    fn one_member_union_is_not_a_federation() {
        let seats = vec![seat("王建国", OfficerRole::Chair, 1)];
        let p = check_formation(&plan(&[1], &seats));
        assert_eq!(fields(&p), [FormationField::Members]);
        assert!(p[0].message.contains("联合制"), "{}", p[0].message);
        assert!(p[0].message.contains("只选了1个"));
        let p = check_formation(&plan(&[1, 1], &seats));
        assert!(p[0].message.contains("只能选择一次"));
    }

    #[test]
    fn association_leaders_and_heads_may_not_sit() {
        for role in OfficerRole::ALL {
            let mut seats = good_seats();
            let i = if *role == OfficerRole::Chair { 0 } else { 1 };
            seats[i].role = *role;
            seats[i].is_association_leader = true;
            if *role == OfficerRole::Chair {
                seats[1].role = OfficerRole::ViceChair;
            }
            let p = check_formation(&plan(&[1, 2], &seats));
            assert_eq!(fields(&p), [FormationField::Seat(i)], "{role}");
            assert!(
                p[0].message
                    .contains("行业协会会长、副会长和企业行政负责人不得担任")
            );
            assert!(p[0].message.contains("行业协会（商会）会长或副会长"));
        }
        let mut seats = good_seats();
        seats[1].is_enterprise_head = true;
        let p = check_formation(&plan(&[1, 2], &seats));
        assert!(p[0].message.contains("企业（单位）行政负责人"));
        assert!(p[0].message.contains("副主席"));
    }

    #[test]
    fn seats_represent_member_unions() {
        let mut seats = good_seats();
        seats[1].represents = Some(9);
        let p = check_formation(&plan(&[1, 2], &seats));
        assert_eq!(fields(&p), [FormationField::Seat(1)]);
        assert!(p[0].message.contains("代表制"));
        seats[1].represents = None;
        assert_eq!(
            fields(&check_formation(&plan(&[1, 2], &seats))),
            [FormationField::Seat(1)]
        );
        let mut seats = good_seats();
        seats[0].source = OfficerSource::Other;
        let p = check_formation(&plan(&[1, 2], &seats));
        assert!(p[0].message.contains("成员工会主席或成员工会推选的代表"));
        let mut seats = good_seats();
        seats[0].source = OfficerSource::ElectedRep;
        assert!(check_formation(&plan(&[1, 2], &seats)).is_empty());
        let mut seats = good_seats();
        seats[1].name = "王建国".into();
        let p = check_formation(&plan(&[1, 2], &seats));
        assert!(p[0].message.contains("同一人"), "{p:?}");
        let mut seats = good_seats();
        seats[1].name = "李".into();
        assert!(
            check_formation(&plan(&[1, 2], &seats))[0]
                .message
                .contains("1个字")
        );
    }

    #[test]
    fn one_chair_elected_from_the_committee() {
        let mut seats = good_seats();
        seats[0].role = OfficerRole::Member;
        let p = check_formation(&plan(&[1, 2], &seats));
        assert_eq!(fields(&p), [FormationField::Officers]);
        assert!(p[0].message.contains("选举一名主席"));
        seats[0].role = OfficerRole::Chair;
        seats[1].role = OfficerRole::Chair;
        assert!(
            check_formation(&plan(&[1, 2], &seats))[0]
                .message
                .contains("2名")
        );
        let p = check_formation(&plan(&[1, 2], &[]));
        assert_eq!(fields(&p), [FormationField::Officers]);
    }

    #[test]
    fn funds_review_and_women_committees_at_the_same_time() {
        let seats = good_seats();
        let mut pl = plan(&[1, 2], &seats);
        pl.funds_review_head = None;
        pl.women_workers_head = None;
        let p = check_formation(&pl);
        assert_eq!(
            fields(&p),
            [FormationField::FundsReview, FormationField::WomenWorkers]
        );
        assert!(p[0].message.contains("同步建立经费审查委员会"));
        assert!(p[1].message.contains("同步建立女职工委员会"));
        pl.funds_review_head = Some("");
        pl.women_workers_head = Some("刘芳");
        let p = check_formation(&pl);
        assert_eq!(fields(&p), [FormationField::FundsReview]);
        assert!(p[0].message.contains("请填写姓名"));
    }

    #[test]
    fn name_term_date_and_charter() {
        let seats = good_seats();
        let mut pl = plan(&[1, 2], &seats);
        pl.name = "汽";
        pl.term_years = 4;
        pl.founded_on = d(2026, 11, 23);
        pl.charter_title = " ";
        assert_eq!(
            fields(&check_formation(&pl)),
            [
                FormationField::Name,
                FormationField::FoundedOn,
                FormationField::TermYears,
                FormationField::Charter
            ]
        );
        pl.name = "汽车维修行业联合会";
        assert!(check_formation(&pl)[0].message.contains("工会"));
        pl.term_years = 5;
        pl.founded_on = pl.today;
        pl.name = "石首市汽车维修行业工会联合会";
        pl.charter_title = "章程";
        assert!(check_formation(&pl).is_empty());
    }

    #[test]
    fn leaving_keeps_two() {
        assert!(check_leaving(3).is_ok());
        assert!(check_leaving(2).unwrap_err().0.contains("少于两个"));
        assert!(check_leaving(1).is_err());
    }

    fn any_role() -> impl Strategy<Value = OfficerRole> {
        prop::sample::select(OfficerRole::ALL.to_vec())
    }

    proptest! {
        /// Whatever else the plan holds, an association leader or enterprise head on the
        /// committee is refused at that seat.
        #[test]
        fn an_ineligible_person_is_always_refused(
            n in 1usize..8, at in 0usize..8, role in any_role(), leader in any::<bool>(),
        ) {
            let members: Vec<i64> = (1..=n as i64 + 1).collect();
            let mut seats: Vec<Seat> = (0..n)
                .map(|i| seat(&format!("委员{}", "甲乙丙丁戊己庚辛".chars().nth(i).unwrap()), OfficerRole::Member, members[i]))
                .collect();
            seats[0].role = OfficerRole::Chair;
            let at = at % n;
            seats[at].role = if at == 0 { OfficerRole::Chair } else { role };
            if leader { seats[at].is_association_leader = true } else { seats[at].is_enterprise_head = true }
            let p = check_formation(&plan(&members, &seats));
            prop_assert!(p.iter().any(|p| p.field == FormationField::Seat(at)), "{:?}", p);
        }

        /// Fewer than two distinct member unions is always refused on the members field.
        #[test]
        fn fewer_than_two_members_always_refused(ids in prop::collection::vec(1i64..4, 0..4)) {
            let seats = good_seats();
            let p = check_formation(&plan(&ids, &seats));
            let mut distinct = ids.clone();
            distinct.sort_unstable();
            distinct.dedup();
            let refused = p.iter().any(|p| p.field == FormationField::Members);
            prop_assert_eq!(refused, distinct.len() < 2 || distinct.len() != ids.len());
        }
    }
}
