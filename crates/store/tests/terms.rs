//! 任期与换届选举 and 组织建设提醒: term arithmetic and lengths per kind, the election procedure
//! in order with the parent's approvals, a whole election producing the new term and ending the
//! old officers, every refusal (message, field, nothing written), and the reminders at their
//! boundaries (six months exactly, overdue by one day), counted once along affiliation. Every
//! test runs on every engine.

mod common;

use chrono::NaiveDate;
use common::*;
use gonghui_domain::{
    CommitteeKind, ElectionKind, ElectionStatus, ElectionStep, OfficerRole, OfficerSource,
    ReminderKind, TermStatus,
};
use gonghui_store::{OfficerInput, StepInput, StepOutcome, Store, TermInput};
use sea_query::{Alias, Order, Query};

type TermRow = (i64, i64, i64, String, Option<NaiveDate>, NaiveDate);
type ElectionRow = (i64, String, Option<String>, Option<i64>, Option<i64>);
type StepRow = (i64, String, NaiveDate, Option<i64>);

/// The common snapshot plus every row of this area's tables.
#[derive(Debug, PartialEq)]
struct State {
    common: Snapshot,
    terms: Vec<TermRow>,
    elections: Vec<ElectionRow>,
    steps: Vec<StepRow>,
    officers: Vec<(i64, Option<NaiveDate>)>,
}

async fn state(store: &Store) -> State {
    let common = snapshot(store).await;
    let mut tx = store.begin().await.expect("begin");
    let terms = tx
        .all(
            &Query::select()
                .columns(["org_id", "number", "years", "status", "ended_on", "end_on"])
                .from(Alias::new("org_terms"))
                .order_by("id", Order::Asc)
                .to_owned(),
        )
        .await
        .expect("terms");
    let elections = tx
        .all(
            &Query::select()
                .columns(["org_id", "status", "reason", "new_years", "new_term_id"])
                .from(Alias::new("elections"))
                .order_by("id", Order::Asc)
                .to_owned(),
        )
        .await
        .expect("elections");
    let steps = tx
        .all(
            &Query::select()
                .columns(["election_id", "step", "done_on", "approver_org_id"])
                .from(Alias::new("election_steps"))
                .order_by("id", Order::Asc)
                .to_owned(),
        )
        .await
        .expect("steps");
    let officers = tx
        .all(
            &Query::select()
                .columns(["id", "left_on"])
                .from(Alias::new("officers"))
                .order_by("id", Order::Asc)
                .to_owned(),
        )
        .await
        .expect("officers");
    State {
        common,
        terms,
        elections,
        steps,
        officers,
    }
}

async fn unchanged(eng: &str, store: &Store, before: &State, what: &str) {
    let after = state(store).await;
    assert_eq!(
        before.common.counts, after.common.counts,
        "{eng}: {what} changed row counts (audit included)"
    );
    assert_eq!(
        before, &after,
        "{eng}: {what} changed data although refused"
    );
}

fn term(number: i64, start: NaiveDate, years: u32) -> TermInput {
    TermInput {
        number,
        start_on: start,
        years,
        note: None,
    }
}

fn officer(committee: CommitteeKind, role: OfficerRole, name: &str) -> OfficerInput {
    OfficerInput::plain(committee, role, name)
}

/// A step as the union (or, for approvals, the parent `approver`) records it.
fn step(s: ElectionStep, on: NaiveDate, approver: Option<i64>) -> StepInput {
    let mut i = StepInput::new(s, on, "王建华");
    if s.is_approval() {
        i.documents = Some(format!(
            "关于{}的批复（石工发〔2025〕{}号）",
            s.label(),
            s.index()
        ));
        i.approver_org_id = approver;
    }
    i
}

// ---------------------------------------------------------------------------------------------
// Terms
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn terms_by_kind_and_their_end_dates() {
    let (engines, fixtures) = fixtures("terms_by_kind").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let a = sys();
        let start = state(store).await;
        // Lengths: 3 or 5 for a grassroots union, 5 for a county federation and a sector one.
        let msg = expect_invalid(
            eng,
            store
                .record_term(&a, f.enterprise, term(2, date(2021, 3, 1), 4))
                .await,
            Some("years"),
            "三年或五年",
        );
        assert!(msg.contains("不能定为4年"), "{eng}: {msg}");
        expect_invalid(
            eng,
            store
                .record_term(&a, f.shishou, term(8, date(2021, 3, 1), 3))
                .await,
            Some("years"),
            "县(市、区)总工会每届任期为5年",
        );
        expect_invalid(
            eng,
            store
                .record_term(&a, f.sector, term(1, date(2021, 3, 1), 3))
                .await,
            Some("years"),
            "行业工会联合会每届任期为5年",
        );
        expect_invalid(
            eng,
            store
                .record_term(&a, f.enterprise, term(0, date(2021, 3, 1), 5))
                .await,
            Some("number"),
            "1至99",
        );
        let tomorrow = chrono::Local::now().date_naive() + chrono::TimeDelta::days(1);
        expect_invalid(
            eng,
            store
                .record_term(&a, f.enterprise, term(2, tomorrow, 5))
                .await,
            Some("start_on"),
            "晚于今天",
        );
        unchanged(eng, store, &start, "refused terms").await;

        // 29 February: a three-year term ends on 28 February.
        let id = store
            .record_term(&a, f.enterprise, term(2, date(2020, 2, 29), 3))
            .await
            .unwrap();
        let t = store.current_term(f.enterprise).await.unwrap().unwrap();
        assert_eq!(
            (t.id, t.number, t.start_on, t.years, t.end_on, t.status),
            (
                id,
                2,
                date(2020, 2, 29),
                3,
                date(2023, 2, 28),
                TermStatus::Current
            ),
            "{eng}"
        );
        assert_eq!(audit_count(store).await, f.writes + 1, "{eng}: one audit");
        let county = store
            .record_term(&a, f.shishou, term(8, date(2021, 12, 31), 5))
            .await
            .unwrap();
        let c = store.current_term(f.shishou).await.unwrap().unwrap();
        assert_eq!((c.id, c.end_on), (county, date(2026, 12, 31)), "{eng}");

        // The next term recorded by hand: its number and start must come after the current.
        let one = state(store).await;
        expect_invalid(
            eng,
            store
                .record_term(&a, f.enterprise, term(2, date(2023, 3, 1), 5))
                .await,
            Some("number"),
            "届次应大于2",
        );
        expect_invalid(
            eng,
            store
                .record_term(&a, f.enterprise, term(3, date(2020, 2, 29), 5))
                .await,
            Some("start_on"),
            "应晚于本届（第2届）的开始日期 2020-02-29",
        );
        unchanged(eng, store, &one, "a next term out of order").await;
        store
            .record_term(&a, f.enterprise, term(3, date(2023, 3, 1), 5))
            .await
            .unwrap();
        let o = store.term_overview(f.enterprise).await.unwrap();
        let cur = o.current.expect("current term");
        assert_eq!((cur.number, cur.end_on), (3, date(2028, 3, 1)), "{eng}");
        assert_eq!(o.history.len(), 1, "{eng}");
        assert_eq!(
            (
                o.history[0].number,
                o.history[0].status,
                o.history[0].ended_on
            ),
            (2, TermStatus::Ended, Some(date(2023, 3, 1))),
            "{eng}: the old term ended when the new one began"
        );
        assert!(o.elections.is_empty() && o.in_progress.is_none(), "{eng}");
    }
}

// ---------------------------------------------------------------------------------------------
// The election procedure
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_whole_election_opens_the_next_term_and_ends_the_old_officers() {
    let (engines, fixtures) = fixtures("whole_election").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let a = sys();
        let u = f.enterprise;
        let parent = f.township;
        store
            .record_term(&a, u, term(2, date(2020, 3, 10), 5))
            .await
            .unwrap();
        let mut old = vec![];
        for (c, r, n) in [
            (CommitteeKind::UnionCommittee, OfficerRole::Chair, "陈国强"),
            (
                CommitteeKind::UnionCommittee,
                OfficerRole::ViceChair,
                "李秀英",
            ),
            (
                CommitteeKind::FundsReviewCommittee,
                OfficerRole::Chair,
                "王磊",
            ),
            (
                CommitteeKind::WomenWorkersCommittee,
                OfficerRole::Chair,
                "刘芳",
            ),
        ] {
            old.push(store.add_officer(&a, u, officer(c, r, n)).await.unwrap());
        }
        // Not elected by the congress: a lawyer and a member of another committee stay.
        let mut lawyer = officer(
            CommitteeKind::UnionCommittee,
            OfficerRole::ViceChair,
            "周律师",
        );
        lawyer.source = OfficerSource::Lawyer;
        let lawyer = store.add_officer(&a, u, lawyer).await.unwrap();
        let mediator = store
            .add_officer(
                &a,
                u,
                officer(
                    CommitteeKind::DisputeMediation,
                    OfficerRole::Member,
                    "赵调解",
                ),
            )
            .await
            .unwrap();
        let writes = audit_count(store).await;

        let eid = store
            .start_election(&a, u, ElectionKind::Regular, Some(date(2025, 1, 6)), None)
            .await
            .unwrap();
        let dates = [
            date(2025, 1, 6),
            date(2025, 1, 20),
            date(2025, 2, 10),
            date(2025, 3, 1),
            date(2025, 3, 5),
            date(2025, 3, 20),
            date(2025, 4, 2),
        ];
        for (i, s) in ElectionStep::ALL.iter().enumerate() {
            let v = store.election_view(u, None).await.unwrap().unwrap();
            assert_eq!(v.next_step(), Some(*s), "{eng}: next step before step {i}");
            let mut input = step(*s, dates[i], Some(parent));
            if *s == ElectionStep::Congress {
                input.new_years = Some(3);
            }
            let out = store.complete_step(&a, u, input).await.unwrap();
            if s.is_last() {
                assert!(matches!(out, StepOutcome::Completed { .. }), "{eng}");
            } else {
                assert_eq!(out, StepOutcome::Recorded, "{eng}: {s}");
            }
        }
        assert_eq!(
            audit_count(store).await,
            writes + 1 + 7,
            "{eng}: one audit entry per operation"
        );

        let o = store.term_overview(u).await.unwrap();
        let new = o.current.expect("the new term");
        assert_eq!(
            (
                new.number,
                new.start_on,
                new.years,
                new.end_on,
                new.election_id
            ),
            (3, date(2025, 3, 1), 3, date(2028, 3, 1), Some(eid)),
            "{eng}: 届次+1 from the congress date, the length chosen there"
        );
        let ended = &o.history[0];
        assert_eq!(
            (ended.number, ended.status, ended.ended_on),
            (2, TermStatus::Ended, Some(date(2025, 3, 1))),
            "{eng}: the old term ended on the congress date"
        );
        assert!(o.in_progress.is_none(), "{eng}");
        let e = &o.elections[0];
        assert_eq!(
            (e.id, e.status, e.completed_on, e.new_term_id, e.new_years),
            (
                eid,
                ElectionStatus::Completed,
                Some(date(2025, 4, 2)),
                Some(new.id),
                Some(3)
            ),
            "{eng}"
        );
        let v = store.election_view(u, Some(eid)).await.unwrap().unwrap();
        assert_eq!(v.steps.len(), 7, "{eng}");
        assert_eq!(v.next_step(), None, "{eng}");
        let approvers: Vec<_> = v
            .steps
            .iter()
            .map(|s| (s.step, s.approver_org_id))
            .filter(|(_, a)| a.is_some())
            .collect();
        assert_eq!(
            approvers,
            [
                (ElectionStep::ParentApproval, Some(parent)),
                (ElectionStep::ResultApproval, Some(parent))
            ],
            "{eng}: the two approvals name the parent"
        );

        let officers = store.officers(u).await.unwrap();
        let left = |id: i64| officers.iter().find(|o| o.id == id).unwrap().left_on;
        for id in &old {
            assert_eq!(left(*id), Some(date(2025, 3, 1)), "{eng}: old officer {id}");
        }
        assert_eq!(left(lawyer), None, "{eng}: the lawyer stays");
        assert_eq!(left(mediator), None, "{eng}: other committees stay");

        // The newly elected chair and the three committees, with the existing operations.
        let mut chair = officer(CommitteeKind::UnionCommittee, OfficerRole::Chair, "孙丽华");
        chair.term_start = Some(new.start_on);
        chair.term_end = Some(new.end_on);
        store.add_officer(&a, u, chair).await.unwrap();
        for k in CommitteeKind::THREE {
            store
                .set_committee(&a, u, k, Some(new.start_on), Some("第3届".into()))
                .await
                .unwrap();
        }
        let org = store.org(u).await.unwrap();
        let list = store
            .reminder_list(&org, ReminderKind::NoChair, date(2025, 4, 3))
            .await
            .unwrap();
        assert!(list.is_empty(), "{eng}: the union has a chair again");
        let table = store.reminders(&org, date(2025, 4, 3)).await.unwrap();
        assert_eq!(table.total.orgs, 1, "{eng}");
        assert_eq!(
            (
                table.total.ending,
                table.total.overdue,
                table.total.missing_committees
            ),
            (0, 0, 0),
            "{eng}"
        );

        // A new election may start for the new term.
        store
            .start_election(&a, u, ElectionKind::Early, None, Some("企业重组".into()))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn election_refusals_change_nothing() {
    let (engines, fixtures) = fixtures("election_refusals").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let a = sys();
        let u = f.enterprise;
        let parent = f.township;

        // No term, no election.
        let s0 = state(store).await;
        expect_invalid(
            eng,
            store
                .start_election(&a, u, ElectionKind::Regular, None, None)
                .await,
            None,
            "请先在“任期与换届”中登记本届任期",
        );
        expect_invalid(
            eng,
            store
                .complete_step(&a, u, step(ElectionStep::Request, date(2025, 1, 1), None))
                .await,
            None,
            "没有进行中的换届选举",
        );
        expect_invalid(
            eng,
            store.cancel_election(&a, u, Some("误操作".into())).await,
            None,
            "没有进行中的换届选举",
        );
        unchanged(eng, store, &s0, "an election without a term").await;

        store
            .record_term(&a, u, term(2, date(2020, 6, 30), 5))
            .await
            .unwrap();
        // The term ended on 2025-06-30: from 2025-07-01 only a late election may start.
        let s1 = state(store).await;
        for kind in [ElectionKind::Regular, ElectionKind::Early] {
            expect_invalid(
                eng,
                store
                    .start_election(&a, u, kind, Some(date(2025, 7, 1)), None)
                    .await,
                Some("kind"),
                "已于2025-06-30届满",
            );
        }
        let tomorrow = chrono::Local::now().date_naive() + chrono::TimeDelta::days(1);
        expect_invalid(
            eng,
            store
                .start_election(&a, u, ElectionKind::Late, Some(tomorrow), None)
                .await,
            Some("started_on"),
            "晚于今天",
        );
        expect_invalid(
            eng,
            store
                .start_election(&a, u, ElectionKind::Late, Some(date(2020, 6, 29)), None)
                .await,
            Some("started_on"),
            "不能早于本届（第2届）任期的开始日期",
        );
        unchanged(eng, store, &s1, "refused starts").await;

        // On the end date itself a regular election may still start.
        store
            .start_election(&a, u, ElectionKind::Late, Some(date(2025, 7, 1)), None)
            .await
            .unwrap();
        let s2 = state(store).await;
        expect_invalid(
            eng,
            store
                .start_election(&a, u, ElectionKind::Late, None, None)
                .await,
            None,
            "已有进行中的换届选举（延期换届，2025-07-01发起）",
        );
        expect_invalid(
            eng,
            store.record_term(&a, u, term(3, date(2025, 7, 2), 5)).await,
            None,
            "有进行中的换届选举",
        );
        // Out of order: skipping ahead names the step that is next.
        expect_invalid(
            eng,
            store
                .complete_step(
                    &a,
                    u,
                    step(ElectionStep::ElectDelegates, date(2025, 7, 2), None),
                )
                .await,
            None,
            "下一步应为“提出请示”",
        );
        expect_invalid(
            eng,
            store
                .complete_step(
                    &a,
                    u,
                    step(ElectionStep::ParentApproval, date(2025, 7, 2), Some(parent)),
                )
                .await,
            None,
            "下一步应为“提出请示”，办完后才能办理“上级批复”",
        );
        // The first step not before the term began; no step in the future; a named person.
        expect_invalid(
            eng,
            store
                .complete_step(&a, u, step(ElectionStep::Request, date(2020, 6, 1), None))
                .await,
            Some("done_on"),
            "不能早于本届（第2届）任期的开始日期 2020-06-30",
        );
        expect_invalid(
            eng,
            store
                .complete_step(&a, u, step(ElectionStep::Request, tomorrow, None))
                .await,
            Some("done_on"),
            "晚于今天",
        );
        let mut nobody = step(ElectionStep::Request, date(2025, 7, 2), None);
        nobody.person = " ".into();
        expect_invalid(
            eng,
            store.complete_step(&a, u, nobody).await,
            Some("person"),
            "负责人",
        );
        expect_invalid(
            eng,
            store.cancel_election(&a, u, Some(" ".into())).await,
            Some("cancel_reason"),
            "撤销本次换届选举的原因",
        );
        unchanged(eng, store, &s2, "refused steps").await;

        store
            .complete_step(&a, u, step(ElectionStep::Request, date(2025, 7, 2), None))
            .await
            .unwrap();
        let s3 = state(store).await;
        expect_invalid(
            eng,
            store
                .complete_step(&a, u, step(ElectionStep::Request, date(2025, 7, 3), None))
                .await,
            None,
            "“提出请示”已经办理，不能重复办理；下一步应为“上级批复”",
        );
        // Approvals: by the affiliation parent, with its document, and for a late election
        // with the reason the parent agreed to it.
        let mut reasoned = step(
            ElectionStep::ParentApproval,
            date(2025, 7, 10),
            Some(parent),
        );
        reasoned.reason = Some("企业搬迁，经批准延期".into());
        let mut own = reasoned.clone();
        own.approver_org_id = Some(u);
        let mut grandparent = reasoned.clone();
        grandparent.approver_org_id = Some(f.shishou);
        let mut nobody = reasoned.clone();
        nobody.approver_org_id = None;
        for (what, input) in [("own", own), ("grandparent", grandparent), ("none", nobody)] {
            let msg = expect_invalid(
                eng,
                store.complete_step(&a, u, input).await,
                None,
                "“上级批复”应由隶属上级工会办理",
            );
            assert!(!msg.is_empty(), "{eng}: {what}");
        }
        let mut undocumented = reasoned.clone();
        undocumented.documents = Some("  ".into());
        expect_invalid(
            eng,
            store.complete_step(&a, u, undocumented).await,
            Some("documents"),
            "请填写上级批复文件的文号或标题",
        );
        let mut unreasoned = reasoned.clone();
        unreasoned.reason = None;
        expect_invalid(
            eng,
            store.complete_step(&a, u, unreasoned).await,
            Some("reason"),
            "延期换届须经上级工会批准",
        );
        let mut early_date = reasoned.clone();
        early_date.done_on = date(2025, 7, 1);
        expect_invalid(
            eng,
            store.complete_step(&a, u, early_date).await,
            Some("done_on"),
            "不能早于上一步“提出请示”的日期 2025-07-02",
        );
        unchanged(eng, store, &s3, "refused approvals").await;

        store.complete_step(&a, u, reasoned).await.unwrap();
        store
            .complete_step(
                &a,
                u,
                step(ElectionStep::ElectDelegates, date(2025, 7, 15), None),
            )
            .await
            .unwrap();
        let s4 = state(store).await;
        let mut four = step(ElectionStep::Congress, date(2025, 7, 20), None);
        four.new_years = Some(4);
        expect_invalid(
            eng,
            store.complete_step(&a, u, four).await,
            Some("new_years"),
            "三年或五年",
        );
        unchanged(eng, store, &s4, "a four-year term").await;
        let v = store.election_view(u, None).await.unwrap().unwrap();
        assert_eq!(
            v.election.reason.as_deref(),
            Some("企业搬迁，经批准延期"),
            "{eng}: the approved reason is recorded"
        );

        // Cancelled: the steps stay as history, the term is unchanged, a new one may start.
        store
            .cancel_election(&a, u, Some("改为下月统一换届".into()))
            .await
            .unwrap();
        let o = store.term_overview(u).await.unwrap();
        assert!(o.in_progress.is_none(), "{eng}");
        assert_eq!(o.elections[0].status, ElectionStatus::Cancelled, "{eng}");
        assert_eq!(
            o.current.map(|t| t.number),
            Some(2),
            "{eng}: the term is unchanged"
        );
        store
            .start_election(&a, u, ElectionKind::Late, None, None)
            .await
            .unwrap();

        // A county federation serves five years: the congress cannot choose three.
        store
            .record_term(&a, f.shishou, term(8, date(2021, 1, 5), 5))
            .await
            .unwrap();
        store
            .start_election(&a, f.shishou, ElectionKind::Late, None, None)
            .await
            .unwrap();
        let s = step(ElectionStep::Request, date(2025, 7, 1), None);
        store.complete_step(&a, f.shishou, s.clone()).await.unwrap();
        let mut ok = step(ElectionStep::ParentApproval, s.done_on, Some(f.root));
        ok.reason = Some("市委统一安排".into());
        store.complete_step(&a, f.shishou, ok).await.unwrap();
        store
            .complete_step(
                &a,
                f.shishou,
                step(ElectionStep::ElectDelegates, s.done_on, None),
            )
            .await
            .unwrap();
        let s5 = state(store).await;
        let mut three = step(ElectionStep::Congress, s.done_on, None);
        three.new_years = Some(3);
        expect_invalid(
            eng,
            store.complete_step(&a, f.shishou, three).await,
            Some("new_years"),
            "县(市、区)总工会每届任期为5年",
        );
        unchanged(eng, store, &s5, "a three-year county term").await;
    }
}

/// The city federation has no parent in the system: its own staff record the provincial
/// union's approvals, and no approver is named.
#[tokio::test]
async fn the_root_records_the_upper_unions_approvals() {
    let (engines, fixtures) = fixtures("root_election").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let a = sys();
        store
            .record_term(&a, f.root, term(15, date(2021, 5, 1), 5))
            .await
            .unwrap();
        store
            .start_election(
                &a,
                f.root,
                ElectionKind::Regular,
                Some(date(2025, 1, 2)),
                None,
            )
            .await
            .unwrap();
        let on = date(2025, 1, 2);
        for s in ElectionStep::ALL {
            store
                .complete_step(&a, f.root, step(*s, on, None))
                .await
                .unwrap_or_else(|e| panic!("{eng}: {s}: {e:?}"));
        }
        let t = store.current_term(f.root).await.unwrap().unwrap();
        assert_eq!(
            (t.number, t.start_on, t.years),
            (16, on, 5),
            "{eng}: same length by default"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Reminders
// ---------------------------------------------------------------------------------------------

/// Terms around the fixed day 2025-06-30:
/// enterprise ends 2025-12-30 (six months exactly: ending), joint 2025-12-31 (a day beyond),
/// construction 2025-06-30 (ends today: ending, not yet overdue), jl_union 2025-06-29 (overdue
/// by one day). Chairs: enterprise has one; the joint union's left; jl_union has only a
/// vice-chair; construction's "chair" chairs the funds committee. Committees: the enterprise
/// union has all three, the joint union two.
async fn reminder_world(store: &Store, f: &Fixture) {
    let a = sys();
    for (org, start, years) in [
        (f.enterprise, date(2020, 12, 30), 5),
        (f.joint, date(2022, 12, 31), 3),
        (f.construction, date(2022, 6, 30), 3),
        (f.jl_union, date(2020, 6, 29), 5),
    ] {
        store
            .record_term(&a, org, term(1, start, years))
            .await
            .unwrap();
    }
    store
        .add_officer(
            &a,
            f.enterprise,
            officer(CommitteeKind::UnionCommittee, OfficerRole::Chair, "陈国强"),
        )
        .await
        .unwrap();
    let gone = store
        .add_officer(
            &a,
            f.joint,
            officer(CommitteeKind::UnionCommittee, OfficerRole::Chair, "林海"),
        )
        .await
        .unwrap();
    store
        .end_officer(&a, gone, Some(date(2025, 5, 1)))
        .await
        .unwrap();
    store
        .add_officer(
            &a,
            f.jl_union,
            officer(
                CommitteeKind::UnionCommittee,
                OfficerRole::ViceChair,
                "何平",
            ),
        )
        .await
        .unwrap();
    store
        .add_officer(
            &a,
            f.construction,
            officer(
                CommitteeKind::FundsReviewCommittee,
                OfficerRole::Chair,
                "吴江",
            ),
        )
        .await
        .unwrap();
    for k in CommitteeKind::THREE {
        store
            .set_committee(&a, f.enterprise, k, None, None)
            .await
            .unwrap();
    }
    for k in [
        CommitteeKind::UnionCommittee,
        CommitteeKind::WomenWorkersCommittee,
    ] {
        store
            .set_committee(&a, f.joint, k, None, None)
            .await
            .unwrap();
    }
}

fn ids(items: &[gonghui_store::ReminderItem]) -> Vec<i64> {
    let mut v: Vec<i64> = items.iter().map(|i| i.org_id).collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort();
    v
}

#[tokio::test]
async fn reminders_at_the_boundaries() {
    let (engines, fixtures) = fixtures("reminders_boundaries").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        reminder_world(store, f).await;
        let root = store.org(f.root).await.unwrap();
        let day = date(2025, 6, 30);
        let list = |k: ReminderKind, d: NaiveDate| {
            let root = root.clone();
            async move { ids(&store.reminder_list(&root, k, d).await.unwrap()) }
        };
        assert_eq!(
            list(ReminderKind::EndingSoon, day).await,
            sorted(vec![f.enterprise, f.construction]),
            "{eng}: six months exactly and the end date itself are 'ending'"
        );
        assert_eq!(
            list(ReminderKind::Overdue, day).await,
            vec![f.jl_union],
            "{eng}: overdue by one day"
        );
        // One day later: the construction union is overdue by one day; the joint union's end
        // is now exactly six months away.
        let next = date(2025, 7, 1);
        assert_eq!(
            list(ReminderKind::EndingSoon, next).await,
            sorted(vec![f.enterprise, f.joint]),
            "{eng}"
        );
        assert_eq!(
            list(ReminderKind::Overdue, next).await,
            sorted(vec![f.construction, f.jl_union]),
            "{eng}"
        );
        // The day before: the enterprise union's end is six months and a day away, and
        // jl_union is on its end date (still ending, not yet overdue).
        assert_eq!(
            list(ReminderKind::EndingSoon, date(2025, 6, 29)).await,
            sorted(vec![f.construction, f.jl_union]),
            "{eng}"
        );
        assert_eq!(
            list(ReminderKind::Overdue, date(2025, 6, 29)).await,
            Vec::<i64>::new(),
            "{eng}: jl_union's end date itself is not overdue"
        );
        let mut without_chair = vec![
            f.root,
            f.shishou,
            f.jiangling,
            f.township,
            f.joint,
            f.sector,
            f.jl_union,
            f.industrial,
            f.construction,
        ];
        without_chair.sort();
        assert_eq!(
            list(ReminderKind::NoChair, day).await,
            without_chair,
            "{eng}"
        );
        // Before the joint union's chair left, it had one.
        assert!(
            !list(ReminderKind::NoChair, date(2025, 4, 30))
                .await
                .contains(&f.joint),
            "{eng}"
        );
        let mut incomplete: Vec<i64> = without_chair.iter().copied().chain([f.joint]).collect();
        incomplete.sort();
        incomplete.dedup();
        assert_eq!(
            list(ReminderKind::MissingCommittees, day).await,
            incomplete,
            "{eng}"
        );
        let items = store
            .reminder_list(&root, ReminderKind::MissingCommittees, day)
            .await
            .unwrap();
        let joint = items.iter().find(|i| i.org_id == f.joint).unwrap();
        assert_eq!(
            joint.missing_committees,
            [CommitteeKind::FundsReviewCommittee],
            "{eng}"
        );
        assert_eq!(
            joint.parent_name.as_deref(),
            Some("石首市新厂镇工会"),
            "{eng}"
        );
        assert_eq!(
            list(ReminderKind::NoTerm, day).await,
            sorted(vec![
                f.root,
                f.shishou,
                f.jiangling,
                f.township,
                f.sector,
                f.industrial
            ]),
            "{eng}"
        );

        // Counts per child of the city federation, each org once along affiliation.
        let t = store.reminders(&root, day).await.unwrap();
        let row = |id: i64| t.rows.iter().find(|r| r.org_id == id).unwrap().counts;
        let names: Vec<&str> = t.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [ROOT_NAME, "江陵县总工会", SHISHOU_NAME, "荆州市建设工会"],
            "{eng}: the city itself, then its children in the order of the tree"
        );
        assert!(t.rows[0].is_self, "{eng}");
        let c = |orgs, ending, overdue, no_chair, missing, no_term| gonghui_store::ReminderCounts {
            orgs,
            ending,
            overdue,
            no_chair,
            missing_committees: missing,
            no_term,
        };
        assert_eq!(row(f.root), c(1, 0, 0, 1, 1, 1), "{eng}: 本级");
        // 石首: itself, the township, the enterprise and joint unions, the sector federation.
        assert_eq!(row(f.shishou), c(5, 1, 0, 4, 4, 3), "{eng}: 石首");
        assert_eq!(row(f.jiangling), c(2, 0, 1, 2, 2, 1), "{eng}: 江陵");
        assert_eq!(row(f.industrial), c(2, 1, 0, 2, 2, 1), "{eng}: 建设工会");
        assert_eq!(t.total, c(10, 2, 1, 9, 9, 6), "{eng}: total");
        let sum = t.rows.iter().fold(c(0, 0, 0, 0, 0, 0), |mut s, r| {
            s.orgs += r.counts.orgs;
            s.ending += r.counts.ending;
            s.overdue += r.counts.overdue;
            s.no_chair += r.counts.no_chair;
            s.missing_committees += r.counts.missing_committees;
            s.no_term += r.counts.no_term;
            s
        });
        assert_eq!(sum, t.total, "{eng}: the rows add up to the total");

        // A county's view holds only its subtree; its list leaves the rest of the city out.
        let shishou = store.org(f.shishou).await.unwrap();
        let st = store.reminders(&shishou, day).await.unwrap();
        assert_eq!(st.total, row(f.shishou), "{eng}");
        let names: Vec<&str> = st.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [SHISHOU_NAME, "石首市餐饮行业工会联合会", "石首市新厂镇工会"],
            "{eng}"
        );
        let ending = store
            .reminder_list(&shishou, ReminderKind::EndingSoon, day)
            .await
            .unwrap();
        assert_eq!(ids(&ending), vec![f.enterprise], "{eng}");
        assert_eq!(ending[0].term_end, Some(date(2025, 12, 30)), "{eng}");

        // A closed org is not reminded of anything.
        let before = store.reminders(&root, day).await.unwrap().total;
        store
            .close_org(&sys(), f.sector, Some(date(2025, 1, 1)))
            .await
            .unwrap();
        let after = store.reminders(&root, day).await.unwrap().total;
        assert_eq!(after.orgs, before.orgs - 1, "{eng}");
        assert_eq!(after.no_term, before.no_term - 1, "{eng}");
    }
}

/// An election in progress shows in the lists with its next step.
#[tokio::test]
async fn lists_show_the_election_in_progress() {
    let (engines, fixtures) = fixtures("reminders_election").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        reminder_world(store, f).await;
        store
            .start_election(
                &sys(),
                f.jl_union,
                ElectionKind::Late,
                Some(date(2025, 7, 1)),
                None,
            )
            .await
            .unwrap();
        store
            .complete_step(
                &sys(),
                f.jl_union,
                step(ElectionStep::Request, date(2025, 7, 2), None),
            )
            .await
            .unwrap();
        let root = store.org(f.root).await.unwrap();
        let items = store
            .reminder_list(&root, ReminderKind::Overdue, date(2025, 7, 3))
            .await
            .unwrap();
        let jl = items.iter().find(|i| i.org_id == f.jl_union).unwrap();
        assert_eq!(
            jl.election,
            Some((ElectionKind::Late, Some(ElectionStep::ParentApproval))),
            "{eng}: still overdue until the election completes, with its next step"
        );
    }
}
