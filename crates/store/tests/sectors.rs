//! 组建行业工会联合会: forming a sector federation by the rules of seeds 000 and 002 in one
//! transaction, each rule refused with its Chinese message on its field and nothing written;
//! member unions keep their affiliation and are never counted twice; 委员替补 keeps history;
//! joining and leaving; the sector view and the 一行一会 plan. Every test runs on every engine.

mod common;

use common::*;
use gonghui_domain::{
    CommitteeKind, FormationField, IndustryCode, OfficerRole, OfficerSource, OrgKind, Seat, Sector,
};
use gonghui_store::{OfficerInput, Refusal, SectorFormation, Store, Substitution};

const NAME: &str = "石首市汽车维修行业工会联合会";

fn seat(name: &str, role: OfficerRole, represents: i64) -> Seat {
    Seat {
        name: name.into(),
        role,
        source: OfficerSource::ElectedRep,
        represents: Some(represents),
        is_association_leader: false,
        is_enterprise_head: false,
    }
}

fn formed_on() -> chrono::NaiveDate {
    date(2025, 6, 1)
}

/// A formation that breaks no rule: the enterprise union and the joint union of 新厂镇 under
/// 石首市总工会, guided by 荆州市建设工会.
fn formation(f: &Fixture) -> SectorFormation {
    SectorFormation {
        name: NAME.into(),
        sector: Sector::AutoRepair,
        parent_id: f.shishou,
        region: None,
        founded_on: formed_on(),
        term_years: 5,
        members: vec![f.enterprise, f.joint],
        seats: vec![
            seat("王建国", OfficerRole::Chair, f.enterprise),
            seat("李秀英", OfficerRole::ViceChair, f.joint),
        ],
        funds_review_head: Some("张红梅".into()),
        women_workers_head: Some("刘芳".into()),
        optional_committees: vec![CommitteeKind::DisputeMediation],
        guide_id: Some(f.industrial),
        legal_person_cert: None,
        uscc: None,
        legal_registered_on: None,
        charter_title: format!("{NAME}章程"),
        charter_adopted_on: None,
    }
}

/// Everything a refused formation could have touched, including this feature's table.
async fn state(store: &Store) -> (Snapshot, i64) {
    (
        snapshot(store).await,
        table_count(store, "sector_federations").await,
    )
}

async fn assert_same(eng: &str, store: &Store, before: &(Snapshot, i64), what: &str) {
    assert_unchanged(eng, store, &before.0, what).await;
    assert_eq!(
        before.1,
        table_count(store, "sector_federations").await,
        "{eng}: {what} wrote a sector_federations row"
    );
}

#[track_caller]
fn expect_rule(eng: &str, r: Result<i64, Refusal>, field: FormationField, needle: &str) -> String {
    match r {
        Err(Refusal::Rule(p)) => {
            assert_eq!(p.field, field, "{eng}: wrong field for “{}”", p.message);
            assert!(
                p.message.contains(needle),
                "{eng}: message “{}” should mention “{needle}”",
                p.message
            );
            assert!(
                p.message
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{eng}: message should be Chinese: {}",
                p.message
            );
            p.message
        }
        other => {
            panic!("{eng}: expected a refusal on {field:?} mentioning “{needle}”, got {other:?}")
        }
    }
}

#[tokio::test]
async fn forming_writes_the_federation_in_one_go_and_counts_nothing_twice() {
    let (engines, fixtures) = fixtures("sector_forming").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let root_before = totals(store, f.root).await;
        let shishou_before = totals(store, f.shishou).await;
        let township_before = totals(store, f.township).await;
        let audits = audit_count(store).await;
        let parents_before = (
            store.org(f.enterprise).await.unwrap().parent_id,
            store.org(f.joint).await.unwrap().parent_id,
        );
        let affiliations_before = store.affiliations(f.enterprise).await.unwrap();

        let id = store
            .form_sector_federation(&sys(), formation(f))
            .await
            .unwrap_or_else(|e| panic!("{eng}: {e:?}"));
        assert_eq!(
            audit_count(store).await,
            audits + 1,
            "{eng}: one audit entry"
        );

        let org = store.org(id).await.unwrap();
        assert_eq!(org.kind, OrgKind::SectorFederation, "{eng}");
        assert_eq!(org.name, NAME, "{eng}");
        assert_eq!(
            org.parent_id,
            Some(f.shishou),
            "{eng}: 属地 under the county"
        );
        assert_eq!(
            org.region_code.as_deref(),
            Some("421081"),
            "{eng}: region of the parent"
        );
        assert_eq!(org.industry_code.as_deref(), Some("O"), "{eng}: 门类 of 81");
        assert_eq!(org.founded_on, Some(formed_on()), "{eng}");

        let info = store.sector_federation(id).await.unwrap().expect("profile");
        assert_eq!(info.sector, Sector::AutoRepair, "{eng}");
        assert_eq!(info.term_years, 5, "{eng}");
        assert_eq!(
            info.charter_adopted_on,
            Some(formed_on()),
            "{eng}: defaults to formation"
        );
        assert_eq!(info.term_ends_on(), date(2030, 6, 1), "{eng}");

        // Member unions are sector members, never children; their affiliation is unchanged.
        let (_, members) = store.sector_links(id).await.unwrap();
        let mut ids: Vec<i64> = members.iter().map(|l| l.other_id).collect();
        ids.sort();
        let mut want = vec![f.enterprise, f.joint];
        want.sort();
        assert_eq!(ids, want, "{eng}");
        assert_eq!(
            store.child_count(id).await.unwrap(),
            0,
            "{eng}: no children"
        );
        assert_eq!(
            (
                store.org(f.enterprise).await.unwrap().parent_id,
                store.org(f.joint).await.unwrap().parent_id,
            ),
            parents_before,
            "{eng}: member unions keep their parent"
        );
        assert_eq!(
            store.affiliations(f.enterprise).await.unwrap().len(),
            affiliations_before.len(),
            "{eng}: no new affiliation period for a member union"
        );

        // Count once: the tree totals gain the federation as an org, nothing else.
        for (top, before) in [
            (f.root, root_before),
            (f.shishou, shishou_before),
            (f.township, township_before),
        ] {
            let after = totals(store, top).await;
            let orgs_added = if top == f.township { 0 } else { 1 };
            assert_eq!(after.0, before.0 + orgs_added, "{eng}: orgs of {top}");
            assert_eq!(
                (after.1, after.2, after.3, after.4),
                (before.1, before.2, before.3, before.4),
                "{eng}: grassroots, units, employees and members of {top} unchanged"
            );
        }
        assert_eq!(
            totals(store, id).await,
            (1, 0, 0, 0, 0),
            "{eng}: the federation's own subtree counts none of its members' members"
        );
        // The sector view is where the members' numbers are seen.
        let fed = store.org(id).await.unwrap();
        let view = store.sector_view(&fed).await.unwrap();
        let ent = view
            .members
            .iter()
            .find(|m| m.member_id == f.enterprise)
            .unwrap();
        assert_eq!(
            (ent.unit_count, ent.member_count, ent.employees),
            (1, 3, 120),
            "{eng}"
        );
        assert_eq!(ent.parent_id, Some(f.township), "{eng}");
        let joint = view
            .members
            .iter()
            .find(|m| m.member_id == f.joint)
            .unwrap();
        assert_eq!((joint.unit_count, joint.member_count), (2, 2), "{eng}");
        assert_eq!(view.units.len(), 3, "{eng}: the members' covered units");

        // Guidance, committees and officers.
        let (guided_by, _) = store.guidance(id).await.unwrap();
        assert_eq!(guided_by.len(), 1, "{eng}");
        assert_eq!(guided_by[0].other_id, f.industrial, "{eng}");
        assert_eq!(view.guided_by.len(), 1, "{eng}");
        let kinds: Vec<CommitteeKind> = store
            .committees(id)
            .await
            .unwrap()
            .iter()
            .map(|c| c.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                CommitteeKind::UnionCommittee,
                CommitteeKind::FundsReviewCommittee,
                CommitteeKind::WomenWorkersCommittee,
                CommitteeKind::DisputeMediation
            ],
            "{eng}: 三委会 set up at the same time, plus the optional one"
        );
        let officers = store.officers(id).await.unwrap();
        assert_eq!(officers.len(), 4, "{eng}");
        let chair = &officers[0];
        assert_eq!(
            (
                chair.role,
                chair.name.as_str(),
                chair.represents_org_id,
                chair.source
            ),
            (
                OfficerRole::Chair,
                "王建国",
                Some(f.enterprise),
                OfficerSource::ElectedRep
            ),
            "{eng}"
        );
        assert_eq!(chair.term_end, Some(date(2030, 6, 1)), "{eng}");
        assert!(
            officers
                .iter()
                .any(|o| o.committee == CommitteeKind::FundsReviewCommittee && o.name == "张红梅"),
            "{eng}"
        );
        assert!(
            officers
                .iter()
                .any(|o| o.committee == CommitteeKind::WomenWorkersCommittee && o.name == "刘芳"),
            "{eng}"
        );
        assert_eq!(view.officers.len(), 4, "{eng}");
    }
}

#[tokio::test]
async fn every_formation_rule_is_refused_and_writes_nothing() {
    let (engines, fixtures) = fixtures("sector_refusals").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let mut before = state(store).await;
        let actor = sys();
        let try_form = |input: SectorFormation| store.form_sector_federation(&actor, input);
        macro_rules! refused {
            ($before:expr, $input:expr, $field:expr, $needle:expr, $what:expr) => {{
                let msg = expect_rule(eng, try_form($input).await, $field, $needle);
                assert_same(eng, store, &$before, $what).await;
                msg
            }};
        }

        // 联合制: two or more member unions.
        let mut i = formation(f);
        i.members = vec![f.enterprise];
        i.seats.truncate(1);
        refused!(
            before,
            i,
            FormationField::Members,
            "联合制",
            "one member union"
        );

        // An association president as vice-chair (seed 002).
        let mut i = formation(f);
        i.seats[1].is_association_leader = true;
        let msg = refused!(
            before,
            i,
            FormationField::Seat(1),
            "行业协会会长、副会长和企业行政负责人不得担任",
            "an association president as vice-chair"
        );
        assert!(
            msg.contains("李秀英") && msg.contains("副主席"),
            "{eng}: {msg}"
        );

        // An enterprise's administrative head as a plain member.
        let mut i = formation(f);
        i.seats[1].role = OfficerRole::Member;
        i.seats[1].is_enterprise_head = true;
        refused!(
            before,
            i,
            FormationField::Seat(1),
            "企业（单位）行政负责人",
            "an enterprise head"
        );

        // 代表制: a seat represents a member union, and comes from it.
        let mut i = formation(f);
        i.seats[1].represents = Some(f.jl_union);
        refused!(
            before,
            i,
            FormationField::Seat(1),
            "代表制",
            "a seat for a non-member"
        );
        let mut i = formation(f);
        i.seats[0].source = OfficerSource::Other;
        refused!(
            before,
            i,
            FormationField::Seat(0),
            "成员工会主席或成员工会推选的代表",
            "a seat from elsewhere"
        );

        // Chair elected from the committee.
        let mut i = formation(f);
        i.seats[0].role = OfficerRole::ViceChair;
        refused!(
            before,
            i,
            FormationField::Officers,
            "选举一名主席",
            "no chair"
        );

        // 经审 and 女职工 committees at the same time.
        let mut i = formation(f);
        i.funds_review_head = None;
        refused!(
            before,
            i,
            FormationField::FundsReview,
            "同步建立经费审查委员会",
            "no funds review committee"
        );
        let mut i = formation(f);
        i.women_workers_head = None;
        refused!(
            before,
            i,
            FormationField::WomenWorkers,
            "同步建立女职工委员会",
            "no women workers committee"
        );

        // Term, date, charter.
        let mut i = formation(f);
        i.term_years = 3;
        refused!(
            before,
            i,
            FormationField::TermYears,
            "5年",
            "a three-year term"
        );
        let mut i = formation(f);
        i.founded_on = date(2999, 1, 1);
        refused!(
            before,
            i,
            FormationField::FoundedOn,
            "晚于今天",
            "a date in the future"
        );
        let mut i = formation(f);
        i.charter_title = "  ".into();
        refused!(before, i, FormationField::Charter, "章程", "no charter");

        // 属地: the parent is a county or area union.
        let mut i = formation(f);
        i.parent_id = f.industrial;
        refused!(
            before,
            i,
            FormationField::Parent,
            "属地",
            "an industrial union as parent"
        );
        let mut i = formation(f);
        i.parent_id = f.root;
        refused!(
            before,
            i,
            FormationField::Parent,
            "属地",
            "the city federation as parent"
        );

        // Members: grassroots unions of the same place.
        let mut i = formation(f);
        i.members = vec![f.enterprise, f.township];
        i.seats[1].represents = Some(f.township);
        refused!(
            before,
            i,
            FormationField::Members,
            "基层工会",
            "a township union as member"
        );
        let mut i = formation(f);
        i.members = vec![f.enterprise, f.jl_union];
        i.seats[1].represents = Some(f.jl_union);
        refused!(
            before,
            i,
            FormationField::Members,
            "不在石首市总工会范围内",
            "a member of another county"
        );
        let mut i = formation(f);
        i.parent_id = f.township;
        i.members = vec![f.enterprise, f.jl_union];
        i.seats[1].represents = Some(f.jl_union);
        refused!(
            before,
            i,
            FormationField::Members,
            "范围内",
            "a member of another county, under a township"
        );

        // The guide is an industrial union.
        let mut i = formation(f);
        i.guide_id = Some(f.jiangling);
        refused!(
            before,
            i,
            FormationField::Guide,
            "产业工会",
            "a county federation as guide"
        );

        // A union's own code starts with 81.
        let mut i = formation(f);
        i.uscc = Some(enterprise_uscc("421081", 555));
        refused!(
            before,
            i,
            FormationField::LegalPerson,
            "81",
            "an enterprise's USCC"
        );

        // One federation per trade: the enterprise union is already in 石首市餐饮行业工会联合会.
        let mut i = formation(f);
        i.sector = Sector::CateringHotel;
        i.name = "石首市新厂镇餐饮酒店行业工会联合会".into();
        i.parent_id = f.township;
        let msg = refused!(
            before,
            i,
            FormationField::Members,
            "已是石首市餐饮行业工会联合会的成员工会",
            "a member in a federation of the same trade"
        );
        assert!(msg.contains("退出"), "{eng}: {msg}");

        // A member chair's name is the member union's chair on record.
        store
            .add_officer(
                &sys(),
                f.enterprise,
                OfficerInput::plain(CommitteeKind::UnionCommittee, OfficerRole::Chair, "周建华"),
            )
            .await
            .unwrap();
        before = state(store).await;
        let mut i = formation(f);
        i.seats[0].source = OfficerSource::MemberChair;
        let msg = expect_rule(
            eng,
            try_form(i).await,
            FormationField::Seat(0),
            "现任工会主席是周建华",
        );
        assert!(msg.contains("推选代表"), "{eng}: {msg}");
        assert_same(eng, store, &before, "a member chair with another name").await;
        let mut i = formation(f);
        i.seats[0].source = OfficerSource::MemberChair;
        i.seats[0].name = "周建华".into();
        let first = try_form(i).await.unwrap_or_else(|e| panic!("{eng}: {e:?}"));

        // ... and 一行一会: a second federation of the trade under the same parent.
        before = state(store).await;
        let mut i = formation(f);
        i.name = "石首市第二汽车维修行业工会联合会".into();
        let msg = refused!(
            before,
            i,
            FormationField::Sector,
            "一行一会",
            "a second federation of the trade"
        );
        assert!(msg.contains(NAME), "{eng}: names the existing one: {msg}");
        let _ = first;

        // The refusal converts to a store error with the field name for the API.
        let mut i = formation(f);
        i.members = vec![];
        let e: gonghui_store::Error = try_form(i).await.unwrap_err().into();
        assert!(
            matches!(
                e,
                gonghui_store::Error::Invalid {
                    field: Some("members"),
                    ..
                }
            ),
            "{eng}: {e:?}"
        );
    }
}

#[tokio::test]
async fn substitution_keeps_history() {
    let (engines, fixtures) = fixtures("sector_substitution").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let id = store
            .form_sector_federation(&sys(), formation(f))
            .await
            .unwrap();
        let officers = store.officers(id).await.unwrap();
        let vice = officers
            .iter()
            .find(|o| o.role == OfficerRole::ViceChair)
            .unwrap()
            .clone();
        // The joint union elects a new chair, who takes the seat.
        store
            .add_officer(
                &sys(),
                f.joint,
                OfficerInput::plain(CommitteeKind::UnionCommittee, OfficerRole::Chair, "赵志刚"),
            )
            .await
            .unwrap();
        let sub = |name: &str| Substitution {
            name: name.into(),
            source: OfficerSource::MemberChair,
            is_association_leader: false,
            is_enterprise_head: false,
            date: date(2026, 1, 15),
        };

        let before = state(store).await;
        // Refusals first: nothing written.
        let mut s = sub("赵志刚");
        s.is_association_leader = true;
        expect_invalid(
            eng,
            store.substitute_sector_officer(&sys(), vice.id, s).await,
            Some("name"),
            "不得担任",
        );
        expect_invalid(
            eng,
            store
                .substitute_sector_officer(&sys(), vice.id, sub("钱多多"))
                .await,
            Some("name"),
            "现任工会主席是赵志刚",
        );
        expect_invalid(
            eng,
            store
                .substitute_sector_officer(&sys(), vice.id, sub("李秀英"))
                .await,
            Some("name"),
            "现任委员",
        );
        let mut s = sub("赵志刚");
        s.date = date(2025, 1, 1);
        expect_invalid(
            eng,
            store.substitute_sector_officer(&sys(), vice.id, s).await,
            Some("date"),
            "不能早于",
        );
        // Officers of other unions are not substituted.
        let plain = store
            .add_officer(
                &sys(),
                f.township,
                OfficerInput::plain(CommitteeKind::UnionCommittee, OfficerRole::Chair, "马晓东"),
            )
            .await
            .unwrap();
        let before = (snapshot(store).await, before.1);
        expect_invalid(
            eng,
            store
                .substitute_sector_officer(&sys(), plain, sub("赵志刚"))
                .await,
            None,
            "只适用于行业工会联合会",
        );
        assert_same(eng, store, &before, "refused substitutions").await;

        let audits = audit_count(store).await;
        let new_id = store
            .substitute_sector_officer(&sys(), vice.id, sub("赵志刚"))
            .await
            .unwrap_or_else(|e| panic!("{eng}: {e:?}"));
        assert_eq!(audit_count(store).await, audits + 1, "{eng}");
        let officers = store.officers(id).await.unwrap();
        let old = officers.iter().find(|o| o.id == vice.id).unwrap();
        assert_eq!(
            old.left_on,
            Some(date(2026, 1, 15)),
            "{eng}: the old row ends"
        );
        assert_eq!(old.name, "李秀英", "{eng}: and stays as history");
        let new = officers.iter().find(|o| o.id == new_id).unwrap();
        assert_eq!(
            (
                new.role,
                new.committee,
                new.represents_org_id,
                new.source,
                new.term_start,
                new.term_end,
                new.left_on
            ),
            (
                OfficerRole::ViceChair,
                CommitteeKind::UnionCommittee,
                Some(f.joint),
                OfficerSource::MemberChair,
                Some(date(2026, 1, 15)),
                vice.term_end,
                None
            ),
            "{eng}: same role for the same member union, to the end of the term"
        );
        // A left officer cannot be substituted again.
        let before = state(store).await;
        expect_invalid(
            eng,
            store
                .substitute_sector_officer(&sys(), vice.id, sub("赵志刚"))
                .await,
            None,
            "已于2026-01-15离任",
        );
        assert_same(eng, store, &before, "substituting a former member").await;
    }
}

#[tokio::test]
async fn members_join_and_leave() {
    let (engines, fixtures) = fixtures("sector_join_leave").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let id = store
            .form_sector_federation(&sys(), formation(f))
            .await
            .unwrap();
        let third = store
            .create_org(
                &sys(),
                f.shishou,
                grassroots(
                    gonghui_domain::GrassrootsKind::Enterprise,
                    "石首市顺达汽修有限公司工会",
                    "421081",
                ),
                Some(founded()),
            )
            .await
            .unwrap();
        let day = date(2026, 2, 1);

        let before = state(store).await;
        // Leaving would leave one member union.
        expect_invalid(
            eng,
            store.leave_sector(&sys(), id, f.joint, day).await,
            Some("member_id"),
            "少于两个",
        );
        // Out of the place, already a member, a chair as a joining representative.
        expect_invalid(
            eng,
            store.join_sector(&sys(), id, f.jl_union, None, day).await,
            Some("member_id"),
            "范围内",
        );
        expect_invalid(
            eng,
            store.join_sector(&sys(), id, f.joint, None, day).await,
            Some("member_id"),
            "已是",
        );
        expect_invalid(
            eng,
            store
                .join_sector(
                    &sys(),
                    id,
                    third,
                    Some(seat("孙立新", OfficerRole::Chair, third)),
                    day,
                )
                .await,
            Some("rep_role"),
            "已有主席",
        );
        let mut s = seat("孙立新", OfficerRole::Member, third);
        s.is_enterprise_head = true;
        expect_invalid(
            eng,
            store.join_sector(&sys(), id, third, Some(s), day).await,
            Some("rep_name"),
            "企业（单位）行政负责人",
        );
        assert_same(eng, store, &before, "refused joins and leaves").await;

        store
            .join_sector(
                &sys(),
                id,
                third,
                Some(seat("孙立新", OfficerRole::Member, third)),
                day,
            )
            .await
            .unwrap_or_else(|e| panic!("{eng}: {e:?}"));
        assert_eq!(store.sector_member_count(id).await.unwrap(), 3, "{eng}");
        let rep = store
            .officers(id)
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.name == "孙立新")
            .unwrap();
        assert_eq!(rep.represents_org_id, Some(third), "{eng}");
        assert_eq!(
            rep.term_end,
            Some(date(2030, 6, 1)),
            "{eng}: to the end of the term"
        );
        assert_eq!(
            store.org(third).await.unwrap().parent_id,
            Some(f.shishou),
            "{eng}: joining changes no affiliation"
        );

        // The chair's union may not leave before a new chair is elected.
        let before = state(store).await;
        expect_invalid(
            eng,
            store.leave_sector(&sys(), id, f.enterprise, day).await,
            Some("member_id"),
            "是联合会主席",
        );
        assert_same(eng, store, &before, "the chair's union leaving").await;

        // The joint union leaves: its membership and its representative's seat end.
        store.leave_sector(&sys(), id, f.joint, day).await.unwrap();
        assert_eq!(store.sector_member_count(id).await.unwrap(), 2, "{eng}");
        let (_, links) = store.sector_links(id).await.unwrap();
        let gone = links.iter().find(|l| l.other_id == f.joint).unwrap();
        assert_eq!(gone.valid_to, Some(day), "{eng}: kept as history");
        let vice = store
            .officers(id)
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.name == "李秀英")
            .unwrap();
        assert_eq!(
            vice.left_on,
            Some(day),
            "{eng}: its representative leaves too"
        );
        let fed = store.org(id).await.unwrap();
        let view = store.sector_view(&fed).await.unwrap();
        assert!(view.members[0].is_current(), "{eng}: current members first");
        assert!(!view.members.last().unwrap().is_current(), "{eng}");
    }
}

#[tokio::test]
async fn profile_of_a_federation_set_up_before() {
    let (engines, fixtures) = fixtures("sector_profile").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        assert!(
            store.sector_federation(f.sector).await.unwrap().is_none(),
            "{eng}"
        );
        let before = state(store).await;
        expect_invalid(
            eng,
            store
                .set_sector_profile(
                    &sys(),
                    f.sector,
                    Sector::CateringHotel,
                    date(2022, 1, 1),
                    "章程".into(),
                    None,
                    None,
                    None,
                    Some(date(2022, 3, 1)),
                )
                .await,
            Some("legal_person_cert"),
            "证书编号",
        );
        expect_invalid(
            eng,
            store
                .set_sector_profile(
                    &sys(),
                    f.sector,
                    Sector::CateringHotel,
                    date(2022, 1, 1),
                    "章程".into(),
                    None,
                    None,
                    Some(enterprise_uscc("421081", 9)),
                    None,
                )
                .await,
            Some("uscc"),
            "81",
        );
        expect_invalid(
            eng,
            store
                .set_sector_profile(
                    &sys(),
                    f.enterprise,
                    Sector::CateringHotel,
                    date(2022, 1, 1),
                    "章程".into(),
                    None,
                    None,
                    None,
                    None,
                )
                .await,
            None,
            "不是行业工会联合会",
        );
        assert_same(eng, store, &before, "refused profiles").await;

        let audits = audit_count(store).await;
        store
            .set_sector_profile(
                &sys(),
                f.sector,
                Sector::CateringHotel,
                date(2022, 1, 1),
                "石首市餐饮行业工会联合会章程".into(),
                Some(date(2022, 1, 1)),
                Some("工法证字第0001号".into()),
                Some(union_uscc("421081", 77)),
                Some(date(2022, 3, 1)),
            )
            .await
            .unwrap();
        assert_eq!(audit_count(store).await, audits + 1, "{eng}");
        let info = store.sector_federation(f.sector).await.unwrap().unwrap();
        assert_eq!(info.sector, Sector::CateringHotel, "{eng}");
        assert_eq!(info.legal_registered_on, Some(date(2022, 3, 1)), "{eng}");
        let org = store.org(f.sector).await.unwrap();
        assert_eq!(
            org.legal_person_cert.as_deref(),
            Some("工法证字第0001号"),
            "{eng}"
        );
        // A USCC already held elsewhere is refused without naming the holder.
        let before = state(store).await;
        expect_invalid(
            eng,
            store
                .set_sector_profile(
                    &sys(),
                    f.sector,
                    Sector::CateringHotel,
                    date(2022, 1, 1),
                    "章程".into(),
                    None,
                    Some("x".into()),
                    Some(union_uscc("421000", 1)),
                    None,
                )
                .await,
            Some("uscc"),
            "已被另一个工会组织登记",
        );
        assert_same(eng, store, &before, "a taken USCC").await;
    }
}

#[tokio::test]
async fn candidates_options_and_the_plan() {
    let (engines, fixtures) = fixtures("sector_plan").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        // Two 汽车维修 (大类 81) units in 石首: one covered by the joint union, one not.
        let mut covered = unit_input(
            enterprise_uscc("421081", 301),
            "石首市快修汽车服务部",
            "421081",
            6,
            1,
        );
        covered.industry = Some(IndustryCode::parse("81").unwrap());
        store
            .create_unit(&sys(), covered, Some(f.joint))
            .await
            .unwrap();
        let mut free = unit_input(
            enterprise_uscc("421081", 302),
            "石首市车友汽车维修厂",
            "421081",
            12,
            2,
        );
        free.industry = Some(IndustryCode::parse("O8111").unwrap());
        store.create_unit(&sys(), free, None).await.unwrap();

        let shishou = store.org(f.shishou).await.unwrap();
        let cands = store
            .sector_candidates(&shishou, Some(Sector::AutoRepair), 50)
            .await
            .unwrap();
        let names: Vec<&str> = cands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names[0], "新厂镇小微企业联合工会",
            "{eng}: the trade's unions first: {names:?}"
        );
        assert_eq!(cands[0].sector_units, 1, "{eng}");
        assert_eq!(cands[0].unit_count, 3, "{eng}");
        assert!(names.contains(&ENTERPRISE_NAME), "{eng}");
        assert!(
            !names.contains(&"江陵县荆江农业有限公司工会"),
            "{eng}: only its own subtree"
        );
        assert_eq!(cands.len(), 2, "{eng}: grassroots unions only");

        let parents: Vec<i64> = store
            .sector_parent_options(&shishou)
            .await
            .unwrap()
            .iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(parents, [f.shishou, f.township], "{eng}");
        let guides: Vec<i64> = store
            .sector_guide_options(&shishou)
            .await
            .unwrap()
            .iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(guides, [f.industrial], "{eng}: the city's industrial union");

        let plan = store.sector_plan(&shishou).await.unwrap();
        assert_eq!(plan.area.rows.len(), Sector::ALL.len(), "{eng}");
        assert!(plan.children.is_empty(), "{eng}");
        let row = |p: &gonghui_store::PlanArea, s: Sector| {
            p.rows.iter().find(|r| r.sector == s).unwrap().clone()
        };
        let auto = row(&plan.area, Sector::AutoRepair);
        assert_eq!(
            (auto.units, auto.covered, auto.uncovered()),
            (2, 1, 1),
            "{eng}"
        );
        assert!(auto.lacking(), "{eng}");
        let catering = row(&plan.area, Sector::CateringHotel);
        assert_eq!(
            catering
                .federations
                .iter()
                .map(|f| f.1.as_str())
                .collect::<Vec<_>>(),
            ["石首市餐饮行业工会联合会"],
            "{eng}: a federation set up before is recognised by its name"
        );
        assert!(plan.area.lacking().contains(&Sector::AutoRepair), "{eng}");

        store
            .form_sector_federation(&sys(), formation(f))
            .await
            .unwrap();
        let plan = store.sector_plan(&shishou).await.unwrap();
        let auto = row(&plan.area, Sector::AutoRepair);
        assert!(auto.has_federation() && !auto.lacking(), "{eng}");
        assert_eq!(auto.federations[0].1, NAME, "{eng}");

        // The city sees each county.
        let root = store.org(f.root).await.unwrap();
        let plan = store.sector_plan(&root).await.unwrap();
        let counties: Vec<&str> = plan.children.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            counties,
            ["江陵县总工会", SHISHOU_NAME],
            "{eng}: by region code"
        );
        assert_eq!(row(&plan.area, Sector::AutoRepair).units, 2, "{eng}");
        assert_eq!(plan.children[1].with_federation(), 2, "{eng}");
        assert_eq!(row(&plan.children[0], Sector::AutoRepair).units, 0, "{eng}");
    }
}
