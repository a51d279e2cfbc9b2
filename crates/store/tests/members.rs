//! 会员与会籍: one active membership per person in the whole system, transfers and exits kept
//! as history, rejoining on the same record, and the rules on where and when one can join.

mod common;

use common::*;
use gonghui_domain::{IdNumber, MemberStatus, Phone};
use sea_query::{Alias, Expr, Query};

/// The first fixture member of the enterprise union (张伟).
fn zhang_wei_id() -> IdNumber {
    id_number("421081", "19850310", 11)
}

#[tokio::test]
async fn one_active_membership_per_id_number() {
    let (engines, fixtures) = fixtures("one_active_membership_per_id_number").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let before = snapshot(store).await;
        let id = zhang_wei_id();
        let again = member_input("张伟", id.clone(), date(2024, 1, 1));
        match store
            .create_member(
                &sys(),
                f.joint,
                member_input("张伟", id.clone(), date(2024, 1, 1)),
            )
            .await
        {
            Err(gonghui_store::Error::HeldElsewhere { holder_org_id, .. }) => {
                assert_eq!(
                    holder_org_id,
                    Some(f.enterprise),
                    "{eng}: the holding union is carried for the web layer"
                )
            }
            other => panic!("{eng}: expected HeldElsewhere, got {other:?}"),
        }
        let msg = expect_conflict(
            eng,
            store.create_member(&sys(), f.joint, again).await,
            "其他工会的在籍会员",
        );
        assert!(
            msg.contains("会籍转接"),
            "{eng}: tells the clerk to transfer: {msg}"
        );
        assert!(
            !msg.contains(id.as_str()),
            "{eng}: the full ID number is not shown: {msg}"
        );
        assert!(
            msg.contains(&id.masked()),
            "{eng}: the masked number is: {msg}"
        );
        // Same person under another name, in the same union, or in another county: all refused.
        let renamed = member_input("张小伟", id.clone(), date(2024, 1, 1));
        expect_conflict(
            eng,
            store.create_member(&sys(), f.enterprise, renamed).await,
            "会籍转接",
        );
        let elsewhere = member_input("张伟", id.clone(), date(2024, 1, 1));
        expect_conflict(
            eng,
            store.create_member(&sys(), f.jl_union, elsewhere).await,
            "其他工会的在籍会员",
        );
        // The old 15-digit number of the same person is the same person.
        let old = IdNumber::parse("421081850310011").unwrap();
        assert_eq!(
            old, id,
            "{eng}: 15-digit form converts to the 18-digit number"
        );
        expect_conflict(
            eng,
            store
                .create_member(
                    &sys(),
                    f.jl_union,
                    member_input("张伟", old, date(2024, 1, 1)),
                )
                .await,
            "会籍转接",
        );
        assert_unchanged(eng, store, &before, "a second membership").await;

        // 保留会籍 is still a membership.
        store
            .set_member_status(&sys(), f.ent_members[0], MemberStatus::Retained, None)
            .await
            .unwrap();
        let retained = snapshot(store).await;
        expect_conflict(
            eng,
            store
                .create_member(&sys(), f.joint, member_input("张伟", id, date(2024, 1, 1)))
                .await,
            "其他工会的在籍会员",
        );
        assert_unchanged(
            eng,
            store,
            &retained,
            "joining while membership is retained",
        )
        .await;
        assert_eq!(
            totals(store, f.enterprise).await.4,
            3,
            "{eng}: a retained member is still counted"
        );
    }
}

#[tokio::test]
async fn transfer_keeps_history() {
    let (engines, fixtures) = fixtures("transfer_keeps_history").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let li_na = f.ent_members[1];
        let before = snapshot(store).await;
        expect_invalid(
            eng,
            store.transfer_member(&sys(), li_na, f.township, None).await,
            Some("to_org"),
            "基层工会",
        );
        expect_invalid(
            eng,
            store.transfer_member(&sys(), li_na, f.sector, None).await,
            Some("to_org"),
            "基层工会",
        );
        expect_invalid(
            eng,
            store
                .transfer_member(&sys(), li_na, f.enterprise, None)
                .await,
            Some("to_org"),
            "相同",
        );
        expect_invalid(
            eng,
            store.transfer_member(&sys(), li_na, 999_999, None).await,
            Some("to_org"),
            "找不到",
        );
        // The membership began on 2021-03-01: it cannot be transferred away before that.
        expect_invalid(
            eng,
            store
                .transfer_member(&sys(), li_na, f.jl_union, Some(date(2021, 2, 28)))
                .await,
            Some("date"),
            "不能早于",
        );
        assert_unchanged(eng, store, &before, "refused transfers").await;

        let audits = audit_count(store).await;
        let on = date(2024, 5, 1);
        store
            .transfer_member(&sys(), li_na, f.jl_union, Some(on))
            .await
            .unwrap();
        assert_eq!(
            audit_count(store).await,
            audits + 1,
            "{eng}: a transfer is one audit record"
        );
        assert_eq!(
            table_count(store, "members").await,
            before.counts.iter().find(|c| c.0 == "members").unwrap().1,
            "{eng}: no new person row"
        );

        let m = store.member(li_na).await.unwrap();
        assert_eq!(
            (m.org_id, m.status),
            (Some(f.jl_union), MemberStatus::Active),
            "{eng}"
        );
        let periods = store.memberships(li_na).await.unwrap();
        assert_eq!(periods.len(), 2, "{eng}: two membership periods");
        assert_eq!(
            (
                periods[0].org_id,
                periods[0].valid_from,
                periods[0].valid_to
            ),
            (f.jl_union, on, None),
            "{eng}: open period"
        );
        assert_eq!(periods[0].end_reason, None, "{eng}");
        assert_eq!(
            (
                periods[1].org_id,
                periods[1].valid_from,
                periods[1].valid_to
            ),
            (f.enterprise, join_date(), Some(on)),
            "{eng}: closed"
        );
        let reason = periods[1].end_reason.as_deref().unwrap_or_default();
        assert!(reason == "会籍转接", "{eng}: reason “{reason}”");

        assert_eq!(
            store.member_count_of(f.enterprise).await.unwrap(),
            2,
            "{eng}"
        );
        assert_eq!(store.member_count_of(f.jl_union).await.unwrap(), 2, "{eng}");
        assert_eq!(totals(store, f.shishou).await.4, 4, "{eng}: 石首 lost one");
        assert_eq!(
            totals(store, f.jiangling).await.4,
            2,
            "{eng}: 江陵 gained one"
        );
        assert_eq!(
            totals(store, f.root).await.4,
            7,
            "{eng}: the city counts the person once"
        );
        let roster: Vec<i64> = store
            .members_of(f.jl_union, 0, 50)
            .await
            .unwrap()
            .iter()
            .map(|m| m.id)
            .collect();
        assert!(roster.contains(&li_na), "{eng}: on the new roster");
    }
}

#[tokio::test]
async fn rejoining_after_leaving_keeps_one_record() {
    let (engines, fixtures) = fixtures("rejoining_after_leaving").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let liu_yang = f.joint_members[0];
        let person = store.member(liu_yang).await.unwrap();
        let id = IdNumber::parse(&person.id_number).unwrap();
        store
            .transfer_member(&sys(), liu_yang, f.enterprise, Some(date(2023, 1, 1)))
            .await
            .unwrap();

        let audits = audit_count(store).await;
        let left_on = date(2024, 1, 1);
        store
            .set_member_status(&sys(), liu_yang, MemberStatus::Left, Some(left_on))
            .await
            .unwrap();
        assert_eq!(
            audit_count(store).await,
            audits + 1,
            "{eng}: 退会 is one audit record"
        );
        let m = store.member(liu_yang).await.unwrap();
        assert_eq!(
            (m.status, m.org_id),
            (MemberStatus::Left, None),
            "{eng}: no union holds a person who left"
        );
        let periods = store.memberships(liu_yang).await.unwrap();
        assert_eq!(periods.len(), 2, "{eng}");
        assert!(
            periods.iter().all(|p| p.valid_to.is_some()),
            "{eng}: every period closed"
        );
        assert_eq!(
            (periods[0].valid_to, periods[0].end_reason.as_deref()),
            (Some(left_on), Some("退会")),
            "{eng}"
        );
        assert_eq!(
            totals(store, f.shishou).await.4,
            4,
            "{eng}: the person is no longer counted"
        );

        // What a person who left cannot do without joining again.
        let left = snapshot(store).await;
        expect_invalid(
            eng,
            store
                .transfer_member(&sys(), liu_yang, f.jl_union, None)
                .await,
            None,
            "重新办理入会",
        );
        expect_invalid(
            eng,
            store
                .set_member_status(&sys(), liu_yang, MemberStatus::Left, None)
                .await,
            Some("status"),
            "已是",
        );
        expect_invalid(
            eng,
            store
                .set_member_status(&sys(), liu_yang, MemberStatus::Active, None)
                .await,
            Some("status"),
            "重新办理入会",
        );
        // Rejoining cannot start before the last membership ended.
        let early = member_input("刘洋", id.clone(), date(2023, 12, 1));
        expect_invalid(
            eng,
            store.create_member(&sys(), f.jl_union, early).await,
            Some("join_date"),
            "2024-01-01",
        );
        assert_unchanged(eng, store, &left, "refused changes to a person who left").await;

        let people = table_count(store, "members").await;
        let rejoin_on = date(2024, 6, 1);
        let again = store
            .create_member(&sys(), f.jl_union, member_input("刘洋", id, rejoin_on))
            .await
            .unwrap();
        assert_eq!(again, liu_yang, "{eng}: the same record is reused");
        assert_eq!(
            table_count(store, "members").await,
            people,
            "{eng}: one row per person"
        );
        assert_eq!(
            audit_count(store).await,
            audits + 2,
            "{eng}: rejoining is one audit record"
        );
        let m = store.member(liu_yang).await.unwrap();
        assert_eq!(
            (m.status, m.org_id, m.join_date),
            (MemberStatus::Active, Some(f.jl_union), rejoin_on),
            "{eng}"
        );
        let periods = store.memberships(liu_yang).await.unwrap();
        assert_eq!(periods.len(), 3, "{eng}: three history rows");
        assert_eq!(
            (
                periods[0].org_id,
                periods[0].valid_from,
                periods[0].valid_to
            ),
            (f.jl_union, rejoin_on, None),
            "{eng}"
        );
        assert_eq!(periods[1].org_id, f.enterprise, "{eng}");
        assert_eq!(periods[2].org_id, f.joint, "{eng}");
        assert_eq!(totals(store, f.jiangling).await.4, 2, "{eng}");
        assert_eq!(totals(store, f.root).await.4, 7, "{eng}");
    }
}

#[tokio::test]
async fn members_are_registered_in_grassroots_unions_only() {
    let (engines, fixtures) = fixtures("members_in_grassroots_only").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let before = snapshot(store).await;
        for (i, org) in [f.root, f.shishou, f.township, f.sector, f.industrial]
            .into_iter()
            .enumerate()
        {
            let m = member_input(
                "马骏",
                id_number("421081", "19890101", 90 + i as u32),
                join_date(),
            );
            expect_invalid(
                eng,
                store.create_member(&sys(), org, m).await,
                Some("org_id"),
                "会员应登记在基层工会",
            );
        }
        let m = member_input("马骏", id_number("421081", "19890101", 99), join_date());
        expect_invalid(
            eng,
            store.create_member(&sys(), 999_999, m).await,
            Some("org_id"),
            "找不到",
        );
        assert_unchanged(eng, store, &before, "members outside grassroots unions").await;
    }
}

#[tokio::test]
async fn join_date_and_name_are_checked() {
    let (engines, fixtures) = fixtures("join_date_and_name_are_checked").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let before = snapshot(store).await;
        let id = id_number("421081", "19850312", 77);
        let m = |name: &str, joined| member_input(name, id.clone(), joined);
        expect_invalid(
            eng,
            store
                .create_member(&sys(), f.joint, m("黄蓉", date(1985, 3, 11)))
                .await,
            Some("join_date"),
            "出生日期",
        );
        let tomorrow = chrono::Local::now().date_naive().succ_opt().unwrap();
        expect_invalid(
            eng,
            store
                .create_member(&sys(), f.joint, m("黄蓉", tomorrow))
                .await,
            Some("join_date"),
            "晚于今天",
        );
        expect_invalid(
            eng,
            store
                .create_member(&sys(), f.joint, m("黄蓉2", join_date()))
                .await,
            Some("name"),
            "数字",
        );
        expect_invalid(
            eng,
            store
                .create_member(&sys(), f.joint, m("黄", join_date()))
                .await,
            Some("name"),
            "完整的姓名",
        );
        assert_unchanged(eng, store, &before, "bad join date or name").await;

        // The day of birth itself is the earliest possible date (e.g. a record migrated as is).
        let audits = audit_count(store).await;
        store
            .create_member(&sys(), f.joint, m("黄蓉", date(1985, 3, 12)))
            .await
            .unwrap();
        assert_eq!(audit_count(store).await, audits + 1, "{eng}");
    }
}

#[tokio::test]
async fn update_member_keeps_the_id_number_and_the_union() {
    let (engines, fixtures) = fixtures("update_member_keeps_the_id_number").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let zhang = f.ent_members[0];
        let before = snapshot(store).await;
        let other_id = id_number("421081", "19850310", 12);
        expect_invalid(
            eng,
            store
                .update_member(&sys(), zhang, member_input("张伟", other_id, join_date()))
                .await,
            Some("id_number"),
            "不能在此修改",
        );
        // Even to a number nobody holds, or the number of another member.
        let other_member = store.member(f.ent_members[1]).await.unwrap();
        let taken = IdNumber::parse(&other_member.id_number).unwrap();
        expect_invalid(
            eng,
            store
                .update_member(&sys(), zhang, member_input("张伟", taken, join_date()))
                .await,
            Some("id_number"),
            "唯一标识",
        );
        expect_invalid(
            eng,
            store
                .update_member(
                    &sys(),
                    zhang,
                    member_input("张伟", zhang_wei_id(), date(1980, 1, 1)),
                )
                .await,
            Some("join_date"),
            "出生日期",
        );
        assert!(matches!(
            store
                .update_member(
                    &sys(),
                    999_999,
                    member_input("张伟", zhang_wei_id(), join_date())
                )
                .await,
            Err(gonghui_store::Error::NotFound(_))
        ));
        assert_unchanged(eng, store, &before, "refused member edits").await;

        // A retained member's edit keeps the status and the union.
        store
            .set_member_status(&sys(), zhang, MemberStatus::Retained, None)
            .await
            .unwrap();
        let audits = audit_count(store).await;
        let mut edit = member_input("张卫", zhang_wei_id(), date(2021, 4, 1));
        edit.phone = Some(Phone::parse("13872345678").unwrap());
        store.update_member(&sys(), zhang, edit).await.unwrap();
        assert_eq!(
            audit_count(store).await,
            audits + 1,
            "{eng}: an edit is one audit record"
        );
        let m = store.member(zhang).await.unwrap();
        assert_eq!(m.name, "张卫", "{eng}");
        assert_eq!(m.phone.as_deref(), Some("13872345678"), "{eng}");
        assert_eq!(m.id_number, zhang_wei_id().as_str(), "{eng}");
        assert_eq!(
            (m.org_id, m.status),
            (Some(f.enterprise), MemberStatus::Retained),
            "{eng}: union and status kept"
        );
        assert_eq!(
            store.memberships(zhang).await.unwrap().len(),
            1,
            "{eng}: an edit is not a membership change"
        );

        // The audit trail carries masked personal data only.
        let mut tx = store.begin().await.unwrap();
        let rows: Vec<(Option<String>, Option<String>)> = tx
            .all(
                &Query::select()
                    .expr(Expr::cust("CAST(before AS TEXT)"))
                    .expr(Expr::cust("CAST(after AS TEXT)"))
                    .from(Alias::new("audit_log"))
                    .to_owned(),
            )
            .await
            .unwrap();
        drop(tx);
        let text: String = rows
            .into_iter()
            .flat_map(|(b, a)| [b, a])
            .flatten()
            .collect();
        assert!(
            text.contains("张*"),
            "{eng}: the audit trail records member changes (masked)"
        );
        for secret in [zhang_wei_id().as_str(), EXAMPLE_ID, "13872345678"] {
            assert!(
                !text.contains(secret),
                "{eng}: the audit trail holds the full value {secret}"
            );
        }
    }
}

/// Below the services, the database itself refuses a second open membership period for a
/// person (one unique index on (member_id, 0 for the open period)), while any number of closed
/// periods, even with the same dates, are history.
#[tokio::test]
async fn the_database_holds_one_open_period_per_person() {
    let (engines, fixtures) = fixtures("the_database_holds_one_open_period_per_person").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let member = f.ent_members[0];
        let org = f.enterprise;
        let before = snapshot(store).await;
        let open = format!(
            "INSERT INTO memberships (member_id, org_id, valid_from) VALUES ({member}, {org}, '2025-01-01')"
        );
        assert!(
            store.execute_raw(&open).await.is_err(),
            "{eng}: a second open period is refused"
        );
        assert_unchanged(eng, store, &before, "a second open period").await;
        let closed = format!(
            "INSERT INTO memberships (member_id, org_id, valid_from, valid_to, end_reason) \
             VALUES ({member}, {org}, '2010-01-01', '2011-01-01', 'left')"
        );
        store.execute_raw(&closed).await.unwrap();
        store.execute_raw(&closed).await.unwrap();
        let history = store.memberships(member).await.unwrap();
        assert_eq!(
            history.iter().filter(|p| p.valid_to.is_some()).count(),
            2,
            "{eng}: both closed periods are kept"
        );
    }
}
