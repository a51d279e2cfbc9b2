//! 演示数据 for 任期与换届选举: every active org with officers gets its current term (from its
//! officers' term of office) and up to three past terms; some unions whose term ends within six
//! months or has ended are in the middle of a 换届选举 (a late one with the parent's reason when
//! the term has ended); some current terms came from an election tracked in the system, with
//! all seven steps. Deterministic: everything follows from the rows the generator wrote.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate, TimeDelta, Utc};
use gonghui_domain::{
    ElectionKind, ElectionStatus, ElectionStep, OrgKind, REMINDER_MONTHS, TermStatus, ends_within,
    overdue, term_end, term_years_allowed,
};
use sea_query::{Expr, ExprTrait, Order, Query};

use crate::Result;
use crate::db::Tx;
use crate::schema::{ElectionSteps, Elections, Officers, OrgTerms, Orgs};

const BATCH: usize = 500;
const PEOPLE: [&str; 8] = [
    "王建华",
    "李秀英",
    "张志强",
    "刘桂兰",
    "陈国平",
    "杨丽",
    "赵明",
    "周红梅",
];

/// A well-mixed number from an org id, so choices look random but are fixed.
fn mix(id: i64, salt: u64) -> u64 {
    let mut z = (id as u64) ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct PlannedTerm {
    org_id: i64,
    number: i64,
    start: NaiveDate,
    years: u32,
    current: bool,
    ended_on: Option<NaiveDate>,
}

struct PlannedElection {
    org_id: i64,
    /// 届次 of the term it ends.
    term_number: i64,
    kind: ElectionKind,
    started_on: NaiveDate,
    reason: Option<String>,
    new_years: Option<u32>,
    /// Completed: it opened the org's current term.
    completed_on: Option<NaiveDate>,
    steps: Vec<(ElectionStep, NaiveDate)>,
    parent_id: Option<i64>,
}

pub(crate) async fn fill(tx: &mut Tx, as_of: NaiveDate) -> Result<()> {
    type OrgRow = (i64, String, Option<NaiveDate>, Option<i64>);
    let orgs: Vec<OrgRow> = tx
        .all(
            &Query::select()
                .columns([Orgs::Id, Orgs::Kind, Orgs::FoundedOn, Orgs::ParentId])
                .from(Orgs::Table)
                .and_where(Expr::col(Orgs::Status).eq(crate::orgs::ACTIVE))
                .order_by(Orgs::Id, Order::Asc)
                .to_owned(),
        )
        .await?;
    // The officers' current term of office, as the generator planned it.
    let spans: Vec<(i64, Option<NaiveDate>, Option<NaiveDate>)> = tx
        .all(
            &Query::select()
                .column(Officers::OrgId)
                .expr(Expr::cust("MAX(term_start)"))
                .expr(Expr::cust("MAX(term_end)"))
                .from(Officers::Table)
                .and_where(Expr::col(Officers::LeftOn).is_null())
                .and_where(Expr::col(Officers::TermStart).is_not_null())
                .group_by_col(Officers::OrgId)
                .to_owned(),
        )
        .await?;
    let spans: HashMap<i64, (NaiveDate, NaiveDate)> = spans
        .into_iter()
        .filter_map(|(o, s, e)| Some((o, (s?, e?))))
        .collect();

    let mut terms = Vec::new();
    let mut elections = Vec::new();
    for (id, kind, founded, parent) in orgs {
        let Some(kind) = OrgKind::from_code(&kind) else {
            continue;
        };
        let Some(&(start, end)) = spans.get(&id) else {
            continue;
        };
        // A few unions whose term nobody has entered yet (未登记任期).
        if kind == OrgKind::Grassroots && mix(id, 6) % 100 < 4 {
            continue;
        }
        let allowed = term_years_allowed(kind);
        let planned = (end.year() - start.year()).clamp(1, 9) as u32;
        let years = if allowed.contains(&planned) {
            planned
        } else {
            *allowed.last().expect("a length")
        };
        // Keep the planned end (and so the reminders the generator aimed at).
        let start = end
            .checked_sub_months(Months::new(12 * years))
            .expect("date in range");
        let founded = Ord::min(founded.unwrap_or(start), start);
        let span_days = i64::from(years) * 365;
        let past = Ord::min((start - founded).num_days() / span_days, 3);
        let number = past + 1 + (mix(id, 1) % 3) as i64;
        for k in (1..=past).rev() {
            let s = start
                .checked_sub_months(Months::new(12 * years * k as u32))
                .expect("date in range");
            let next = start
                .checked_sub_months(Months::new(12 * years * (k as u32 - 1)))
                .expect("date in range");
            terms.push(PlannedTerm {
                org_id: id,
                number: number - k,
                start: s,
                years,
                current: false,
                ended_on: Some(next),
            });
        }
        terms.push(PlannedTerm {
            org_id: id,
            number,
            start,
            years,
            current: true,
            ended_on: None,
        });

        let roll = mix(id, 2) % 100;
        if ends_within(end, as_of, REMINDER_MONTHS) && roll < 45 {
            // Preparing the election of a term ending soon: one to four steps done.
            let done = 1 + (mix(id, 4) % 4) as usize;
            let first = as_of - TimeDelta::days(10 * done as i64 + 5);
            let steps = (0..done)
                .map(|i| (ElectionStep::ALL[i], first + TimeDelta::days(10 * i as i64)))
                .collect();
            elections.push(PlannedElection {
                org_id: id,
                term_number: number,
                kind: ElectionKind::Regular,
                started_on: first,
                reason: None,
                new_years: (done > 3).then_some(years),
                completed_on: None,
                steps,
                parent_id: parent,
            });
        } else if overdue(end, as_of) && roll < 35 && parent.is_some() {
            // Late: approved by the parent with its reason.
            let done = 1 + (mix(id, 5) % 3) as usize;
            let first = Ord::max(as_of - TimeDelta::days(8 * done as i64 + 3), end);
            let steps = (0..done)
                .map(|i| {
                    let d = first + TimeDelta::days(4 * i as i64);
                    (ElectionStep::ALL[i], Ord::min(d, as_of))
                })
                .collect();
            elections.push(PlannedElection {
                org_id: id,
                term_number: number,
                kind: ElectionKind::Late,
                started_on: first,
                reason: (done > 1).then(|| "企业生产经营调整，经批准延期换届".to_owned()),
                new_years: None,
                completed_on: None,
                steps,
                parent_id: parent,
            });
        }
        if past > 0 && (as_of - start).num_days() < 900 && roll.is_multiple_of(2) {
            // The current term came from an election done in the system.
            let congress = start;
            let offsets = [-75i64, -60, -30, 0, 5, 20, 35];
            let steps: Vec<(ElectionStep, NaiveDate)> = ElectionStep::ALL
                .iter()
                .zip(offsets)
                .map(|(s, o)| (*s, congress + TimeDelta::days(o)))
                .collect();
            let completed = Ord::min(steps.last().expect("seven steps").1, as_of);
            let steps = steps
                .into_iter()
                .map(|(s, d)| (s, Ord::min(d, completed)))
                .collect();
            elections.push(PlannedElection {
                org_id: id,
                term_number: number - 1,
                kind: ElectionKind::Regular,
                started_on: congress - TimeDelta::days(75),
                reason: None,
                new_years: Some(years),
                completed_on: Some(completed),
                steps,
                parent_id: parent,
            });
        }
    }

    // Terms, then their ids by (org, number).
    let now = Utc::now();
    for chunk in terms.chunks(BATCH) {
        let mut q = Query::insert();
        q.into_table(OrgTerms::Table).columns([
            OrgTerms::OrgId,
            OrgTerms::Number,
            OrgTerms::StartOn,
            OrgTerms::Years,
            OrgTerms::EndOn,
            OrgTerms::Status,
            OrgTerms::EndedOn,
            OrgTerms::CreatedAt,
        ]);
        for t in chunk {
            q.values_panic([
                t.org_id.into(),
                t.number.into(),
                t.start.into(),
                i64::from(t.years).into(),
                term_end(t.start, t.years).into(),
                if t.current {
                    TermStatus::Current.code()
                } else {
                    TermStatus::Ended.code()
                }
                .into(),
                t.ended_on.into(),
                now.into(),
            ]);
        }
        tx.execute(&q).await?;
    }
    let ids: Vec<(i64, i64, i64)> = tx
        .all(
            &Query::select()
                .columns([OrgTerms::Id, OrgTerms::OrgId, OrgTerms::Number])
                .from(OrgTerms::Table)
                .to_owned(),
        )
        .await?;
    let term_id: HashMap<(i64, i64), i64> = ids.into_iter().map(|(i, o, n)| ((o, n), i)).collect();

    for chunk in elections.chunks(BATCH) {
        let mut q = Query::insert();
        q.into_table(Elections::Table).columns([
            Elections::OrgId,
            Elections::TermId,
            Elections::Kind,
            Elections::Status,
            Elections::StartedOn,
            Elections::Reason,
            Elections::NewYears,
            Elections::CompletedOn,
            Elections::NewTermId,
            Elections::CreatedBy,
            Elections::CreatedAt,
        ]);
        for e in chunk {
            let status = if e.completed_on.is_some() {
                ElectionStatus::Completed
            } else {
                ElectionStatus::InProgress
            };
            let new_term = e
                .completed_on
                .and_then(|_| term_id.get(&(e.org_id, e.term_number + 1)).copied());
            q.values_panic([
                e.org_id.into(),
                term_id[&(e.org_id, e.term_number)].into(),
                e.kind.code().into(),
                status.code().into(),
                e.started_on.into(),
                e.reason.clone().into(),
                e.new_years.map(i64::from).into(),
                e.completed_on.into(),
                new_term.into(),
                "system".into(),
                now.into(),
            ]);
        }
        tx.execute(&q).await?;
    }
    let ids: Vec<(i64, i64, String)> = tx
        .all(
            &Query::select()
                .columns([Elections::Id, Elections::OrgId, Elections::Status])
                .from(Elections::Table)
                .to_owned(),
        )
        .await?;
    let election_id: HashMap<(i64, String), i64> =
        ids.into_iter().map(|(i, o, s)| ((o, s), i)).collect();

    let mut steps = Vec::new();
    for e in &elections {
        let status = if e.completed_on.is_some() {
            ElectionStatus::Completed
        } else {
            ElectionStatus::InProgress
        };
        let eid = election_id[&(e.org_id, status.code().to_owned())];
        for (i, (s, d)) in e.steps.iter().enumerate() {
            let person = PEOPLE[(mix(e.org_id, 10 + i as u64) % PEOPLE.len() as u64) as usize];
            steps.push((
                eid,
                *s,
                *d,
                person,
                s.is_approval().then_some(e.parent_id).flatten(),
            ));
        }
    }
    for chunk in steps.chunks(BATCH) {
        let mut q = Query::insert();
        q.into_table(ElectionSteps::Table).columns([
            ElectionSteps::ElectionId,
            ElectionSteps::Step,
            ElectionSteps::Seq,
            ElectionSteps::DoneOn,
            ElectionSteps::Person,
            ElectionSteps::Documents,
            ElectionSteps::ApproverOrgId,
            ElectionSteps::RecordedBy,
            ElectionSteps::RecordedAt,
        ]);
        for (eid, s, d, person, approver) in chunk {
            let documents = match s {
                ElectionStep::Request => Some(format!(
                    "关于召开会员代表大会进行换届选举的请示（{}年）",
                    d.year()
                )),
                ElectionStep::ParentApproval => Some(format!(
                    "关于同意换届选举的批复（{}年第{}号）",
                    d.year(),
                    1 + eid % 90
                )),
                ElectionStep::ReportResults => Some("关于换届选举结果的请示".to_owned()),
                ElectionStep::ResultApproval => Some(format!(
                    "关于同意选举结果的批复（{}年第{}号）",
                    d.year(),
                    1 + eid % 90
                )),
                _ => None,
            };
            q.values_panic([
                (*eid).into(),
                s.code().into(),
                (s.index() as i64).into(),
                (*d).into(),
                (*person).into(),
                documents.into(),
                (*approver).into(),
                "system".into(),
                now.into(),
            ]);
        }
        tx.execute(&q).await?;
    }
    // Current terms opened by a tracked election point back at it.
    tx.execute(
        &Query::update()
            .table(OrgTerms::Table)
            .value(
                OrgTerms::ElectionId,
                Expr::cust("(SELECT e.id FROM elections e WHERE e.new_term_id = org_terms.id)"),
            )
            .and_where(Expr::cust(
                "EXISTS (SELECT 1 FROM elections e WHERE e.new_term_id = org_terms.id)",
            ))
            .to_owned(),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use gonghui_domain::{ElectionStep, ReminderKind, check_term_years};

    use super::*;
    use crate::Store;
    use crate::demo::{Scale, generate_as_of};

    /// The demo's terms and elections follow the rules the services enforce, and every reminder
    /// has something to show.
    #[tokio::test]
    async fn demo_terms_follow_the_rules() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_sqlite_dir(dir.path()).await.unwrap();
        store.migrate().await.unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        generate_as_of(&store, Scale::Small, 42, as_of)
            .await
            .unwrap();
        let root = store.root().await.unwrap().unwrap();
        let table = store.reminders(&root, as_of).await.unwrap();
        for k in ReminderKind::ALL {
            assert!(table.total.get(*k) > 0, "{k}: {:?}", table.total);
        }
        assert!(
            table.total.no_term * 10 < table.total.orgs,
            "most orgs have a term: {:?}",
            table.total
        );
        let mut tx = store.read().await.unwrap();
        type Row = (i64, String, NaiveDate, i64, NaiveDate, String);
        let terms: Vec<Row> = tx
            .all(
                &Query::select()
                    .expr(Expr::cust("t.org_id"))
                    .expr(Expr::cust("o.kind"))
                    .expr(Expr::cust("t.start_on"))
                    .expr(Expr::cust("t.years"))
                    .expr(Expr::cust("t.end_on"))
                    .expr(Expr::cust("t.status"))
                    .from_as(OrgTerms::Table, "t")
                    .join_as(
                        sea_query::JoinType::InnerJoin,
                        Orgs::Table,
                        "o",
                        Expr::cust("o.id = t.org_id"),
                    )
                    .to_owned(),
            )
            .await
            .unwrap();
        let mut current = HashMap::new();
        for (org, kind, start, years, end, status) in &terms {
            let kind = OrgKind::from_code(kind).unwrap();
            check_term_years(kind, *years as u32).unwrap();
            assert_eq!(*end, term_end(*start, *years as u32));
            if status == "current" {
                *current.entry(*org).or_insert(0) += 1;
            }
        }
        assert!(current.values().all(|n| *n == 1), "one current term each");
        drop(tx);
        // Every election's steps are in order, dated in order, approvals by the parent.
        for (org, _) in current {
            let Some(v) = store.election_view(org, None).await.unwrap() else {
                continue;
            };
            let o = store.org(org).await.unwrap();
            let mut last = v.election.started_on;
            for (i, s) in v.steps.iter().enumerate() {
                assert_eq!(s.step, ElectionStep::ALL[i]);
                assert!(s.done_on >= last && s.done_on <= as_of, "{org}: {s:?}");
                last = s.done_on;
                if s.step.is_approval() {
                    assert_eq!(s.approver_org_id, o.parent_id);
                }
            }
            if v.election.kind.needs_reason() && v.steps.len() > 1 {
                assert!(v.election.reason.is_some());
            }
        }
    }
}
