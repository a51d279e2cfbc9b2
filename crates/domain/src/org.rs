//! Kinds of union organization and the rules of the affiliation (隶属) tree.

use crate::coded_enum;
use crate::error::Invalid;

coded_enum! {
    /// Kind of a union organization; decides where it may sit in the affiliation tree.
    pub enum OrgKind {
        CityFederation = ("city_federation", "市总工会"),
        CountyFederation = ("county_federation", "县(市、区)总工会"),
        IndustrialUnion = ("industrial_union", "产业工会"),
        SectorFederation = ("sector_federation", "行业工会联合会"),
        AreaFederation = ("area_federation", "乡镇(街道)、开发区工会"),
        Grassroots = ("grassroots", "基层工会"),
    }
}

impl OrgKind {
    /// The kinds that may be the affiliation parent (隶属上级) of `self`, following the seeds'
    /// hierarchy: 市总 → 县总 / 市直产业工会 → 行业工会联合会、乡镇(街道)/开发区工会 → 基层工会.
    pub fn allowed_parents(self) -> &'static [OrgKind] {
        use OrgKind::*;
        match self {
            // The city federation is the root of a deployment.
            CityFederation => &[],
            CountyFederation => &[CityFederation],
            IndustrialUnion => &[CityFederation, CountyFederation],
            // A sector federation is led where it is (属地); guidance from an industrial union
            // is a separate edge, but a city-level sector federation may also hang under one.
            SectorFederation => &[
                CityFederation,
                CountyFederation,
                AreaFederation,
                IndustrialUnion,
            ],
            // 社区/村工会联合会 sit under a 乡镇(街道) union, hence Area under Area.
            AreaFederation => &[CityFederation, CountyFederation, AreaFederation],
            Grassroots => &[
                CityFederation,
                CountyFederation,
                IndustrialUnion,
                SectorFederation,
                AreaFederation,
            ],
        }
    }

    pub fn may_be_child_of(self, parent: OrgKind) -> bool {
        self.allowed_parents().contains(&parent)
    }

    /// Why `self` may not hang under `parent`, and where it may.
    pub fn parent_rule_message(self, parent: OrgKind) -> Invalid {
        let allowed = self.allowed_parents();
        if allowed.is_empty() {
            return Invalid(format!(
                "{}是最上一级工会，不能隶属于其他工会",
                self.label()
            ));
        }
        let names: Vec<&str> = allowed.iter().map(|k| k.label()).collect();
        Invalid(format!(
            "{}不能隶属于{}：它的上级工会只能是{}",
            self.label(),
            parent.label(),
            names.join("、")
        ))
    }

    /// `Ok` if `self` may hang under `parent`, otherwise the explanation.
    pub fn check_parent(self, parent: OrgKind) -> Result<(), Invalid> {
        if self.may_be_child_of(parent) {
            Ok(())
        } else {
            Err(self.parent_rule_message(parent))
        }
    }

    /// Only grassroots unions cover units (涵盖单位); federations count them through their
    /// subtree.
    pub fn may_cover_units(self) -> bool {
        self == Self::Grassroots
    }
}

coded_enum! {
    /// Sub-kind of [`OrgKind::AreaFederation`].
    pub enum AreaKind {
        Township = ("township", "乡镇工会"),
        Street = ("street", "街道工会"),
        DevelopmentZone = ("development_zone", "开发区/工业园区工会"),
        Community = ("community", "社区工会联合会"),
        Village = ("village", "村工会联合会"),
    }
}

coded_enum! {
    /// Sub-kind of [`OrgKind::Grassroots`]; each has its own standard (seed 000).
    pub enum GrassrootsKind {
        Enterprise = ("enterprise", "企业工会"),
        PublicInstitution = ("public_institution", "机关事业单位工会"),
        SocialOrganization = ("social_organization", "社会组织工会"),
        /// 联合基层工会: one union for several small units.
        Joint = ("joint", "联合基层工会"),
        Cooperative = ("cooperative", "农民专业合作社工会"),
    }
}

impl GrassrootsKind {
    /// How many units a union of this kind may cover: `None` means no limit (联合基层工会).
    pub fn max_units(self) -> Option<usize> {
        match self {
            Self::Joint => None,
            _ => Some(1),
        }
    }
}

/// Refuses a move that would make the tree a cycle: `moving` may not go under itself or
/// under one of its own descendants. `new_parent_ancestors_and_self` is the new parent's
/// ancestor chain including the new parent, in any order.
pub fn check_no_cycle(moving: i64, new_parent_ancestors_and_self: &[i64]) -> Result<(), Invalid> {
    if new_parent_ancestors_and_self.contains(&moving) {
        Err(Invalid::new(
            "不能把工会移到它自己的下级工会之下（也不能设为自己的上级），请选择其他上级工会",
        ))
    } else {
        Ok(())
    }
}

/// Reads a 工会类型 as rosters write it into the kind and the sub-kind code: the labels of
/// [`OrgKind`], [`AreaKind`] and [`GrassrootsKind`] and their everyday variants (县总工会,
/// 乡镇(街道)工会, 机关工会, 联合工会…). A bare 基层工会 is refused because the standard each
/// union is held to depends on its kind; 乡镇(街道)工会 is a street union when the name says
/// 街道 and a township union otherwise.
pub fn parse_org_kind(label: &str, name: &str) -> Result<(OrgKind, Option<&'static str>), Invalid> {
    let t: String = crate::to_half_width(label)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if t.is_empty() {
        return Err(Invalid::new(
            "请填写工会类型，例如 企业工会、联合基层工会、乡镇(街道)工会、行业工会联合会",
        ));
    }
    if let Some(g) = GrassrootsKind::from_label(&t) {
        return Ok((OrgKind::Grassroots, Some(g.code())));
    }
    if let Some(a) = AreaKind::from_label(&t) {
        return Ok((OrgKind::AreaFederation, Some(a.code())));
    }
    let area = |a: AreaKind| Ok((OrgKind::AreaFederation, Some(a.code())));
    let grassroots = |g: GrassrootsKind| Ok((OrgKind::Grassroots, Some(g.code())));
    match t.as_str() {
        "乡镇(街道)工会" | "乡镇(街道)、开发区工会" | "乡镇街道工会" => {
            if name.contains("街道") {
                area(AreaKind::Street)
            } else {
                area(AreaKind::Township)
            }
        }
        "乡镇工会联合会" | "镇工会" | "乡工会" => area(AreaKind::Township),
        "街道工会联合会" => area(AreaKind::Street),
        "开发区工会" | "工业园区工会" | "园区工会" | "开发区(工业园区)工会" => {
            area(AreaKind::DevelopmentZone)
        }
        "社区工会" => area(AreaKind::Community),
        "村工会" => area(AreaKind::Village),
        "县总工会" | "区总工会" | "县级市总工会" | "县(市)总工会" | "县(区)总工会" => {
            Ok((OrgKind::CountyFederation, None))
        }
        "市直产业工会" | "产业工会委员会" => Ok((OrgKind::IndustrialUnion, None)),
        "行业工会" | "行业工会联合会(行业工会)" => {
            Ok((OrgKind::SectorFederation, None))
        }
        "机关工会" | "事业单位工会" | "机关事业工会" => {
            grassroots(GrassrootsKind::PublicInstitution)
        }
        "联合工会" | "联合工会委员会" | "区域联合工会" => {
            grassroots(GrassrootsKind::Joint)
        }
        "合作社工会" | "专业合作社工会" => grassroots(GrassrootsKind::Cooperative),
        "非公企业工会" | "公司工会" => grassroots(GrassrootsKind::Enterprise),
        "社会团体工会" | "民办非企业单位工会" => {
            grassroots(GrassrootsKind::SocialOrganization)
        }
        _ => match OrgKind::from_label(&t) {
            Some(OrgKind::Grassroots) => Err(Invalid::new(
                "基层工会请写明类型：企业工会、机关事业单位工会、社会组织工会、联合基层工会或农民专业合作社工会",
            )),
            Some(OrgKind::AreaFederation) => {
                if name.contains("街道") {
                    area(AreaKind::Street)
                } else if name.contains("开发区") || name.contains("园区") {
                    area(AreaKind::DevelopmentZone)
                } else {
                    area(AreaKind::Township)
                }
            }
            Some(k) => Ok((k, None)),
            None => Err(Invalid(format!(
                "工会类型“{}”无法识别，请填写：市总工会、县(市、区)总工会、产业工会、行业工会联合会、乡镇(街道)工会、开发区/工业园区工会、社区工会联合会、村工会联合会、企业工会、机关事业单位工会、社会组织工会、联合基层工会或农民专业合作社工会",
                label.trim()
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::OrgKind::*;
    use super::*;

    #[test]
    fn hierarchy_rules() {
        for parent in OrgKind::ALL {
            assert!(!CityFederation.may_be_child_of(*parent));
            assert_eq!(Grassroots.may_be_child_of(*parent), *parent != Grassroots);
            assert!(
                !parent.may_be_child_of(Grassroots),
                "nothing hangs under a grassroots union"
            );
        }
        assert!(CountyFederation.may_be_child_of(CityFederation));
        assert!(!CountyFederation.may_be_child_of(CountyFederation));
        assert!(IndustrialUnion.may_be_child_of(CountyFederation));
        assert!(!IndustrialUnion.may_be_child_of(AreaFederation));
        assert!(SectorFederation.may_be_child_of(IndustrialUnion));
        assert!(SectorFederation.may_be_child_of(AreaFederation));
        assert!(!SectorFederation.may_be_child_of(SectorFederation));
        assert!(AreaFederation.may_be_child_of(AreaFederation));
        assert!(!AreaFederation.may_be_child_of(IndustrialUnion));
    }

    #[test]
    fn messages_explain() {
        let msg = CountyFederation.parent_rule_message(Grassroots).0;
        assert_eq!(
            msg,
            "县(市、区)总工会不能隶属于基层工会：它的上级工会只能是市总工会"
        );
        assert!(
            CityFederation
                .parent_rule_message(CountyFederation)
                .0
                .contains("最上一级")
        );
        assert!(Grassroots.check_parent(AreaFederation).is_ok());
        assert!(Grassroots.check_parent(Grassroots).is_err());
    }

    #[test]
    fn coverage() {
        assert!(Grassroots.may_cover_units());
        assert!(!SectorFederation.may_cover_units());
        assert_eq!(GrassrootsKind::Joint.max_units(), None);
        assert_eq!(GrassrootsKind::Enterprise.max_units(), Some(1));
    }

    #[test]
    fn kinds_as_rosters_write_them() {
        let p = |l: &str, n: &str| parse_org_kind(l, n).unwrap();
        assert_eq!(p("企业工会", "x"), (Grassroots, Some("enterprise")));
        assert_eq!(p(" 联合基层工会 ", "x"), (Grassroots, Some("joint")));
        assert_eq!(p("联合工会", "x"), (Grassroots, Some("joint")));
        assert_eq!(p("县(市、区)总工会", "x"), (CountyFederation, None));
        assert_eq!(p("县（市、区）总工会", "x"), (CountyFederation, None));
        assert_eq!(p("行业工会联合会", "x"), (SectorFederation, None));
        assert_eq!(
            p("乡镇(街道)工会", "新厂镇工会"),
            (AreaFederation, Some("township"))
        );
        assert_eq!(
            p("乡镇（街道）工会", "东城街道工会"),
            (AreaFederation, Some("street"))
        );
        assert_eq!(
            p("开发区/工业园区工会", "x"),
            (AreaFederation, Some("development_zone"))
        );
        assert!(
            parse_org_kind("基层工会", "x")
                .unwrap_err()
                .0
                .contains("写明类型")
        );
        assert!(
            parse_org_kind("工会", "x")
                .unwrap_err()
                .0
                .contains("无法识别")
        );
        assert!(parse_org_kind("", "x").unwrap_err().0.contains("请填写"));
    }

    #[test]
    fn cycles() {
        assert!(check_no_cycle(5, &[1, 2, 3]).is_ok());
        assert!(
            check_no_cycle(2, &[1, 2, 3])
                .unwrap_err()
                .0
                .contains("不能把工会移到它自己的下级工会之下")
        );
        assert!(check_no_cycle(3, &[3]).is_err());
        assert!(check_no_cycle(3, &[]).is_ok());
    }
}
