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
