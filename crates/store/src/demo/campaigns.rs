//! 演示数据 for 达标创建: one city campaign, "N年度基层工会规范化建设达标创建", on the built-in
//! 六有 standard over every grassroots union of the city, reviewed by each union's upper
//! unions, with 选树 quota, reward and the city's 示范工会 title. Its assessments are spread over
//! every state of the workflow (with their scores, files, history, two 公示 and the titles
//! granted after the first), so the progress pages, the dashboard and every inbox have
//! something to show. The demo chair's union is left 未开始, so a visitor (or the browser
//! test) can walk the path from the start, reviewed by 石首市总工会.
//!
//! Deterministic: every choice follows from the org ids and `as_of`. Rows are written with
//! multi-row INSERTs (a city has about 3,000 unions).

use std::collections::HashMap;
use std::io::Cursor;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use gonghui_domain::{AssessmentState, EvidenceKind, Scored, outcome};
use sea_query::{Expr, ExprTrait, InsertStatement, IntoIden, IntoTableRef, Order, Query};

use crate::Result;
use crate::attachments::{PreparedAttachment, prepare_attachment};
use crate::db::Tx;
use crate::schema::{
    AssessmentEvents, AssessmentEvidence, AssessmentItems, Assessments, Attachments, Campaigns,
    DualDisplays, Honors, Notices, Orgs, StandardVersions, Standards,
};
use crate::standards::{StandardItem, load_version};

const KIND_ORDER: &str = "CASE orgs.kind WHEN 'county_federation' THEN 1 WHEN 'industrial_union' THEN 2 WHEN 'sector_federation' THEN 3 WHEN 'area_federation' THEN 4 ELSE 5 END";
const ROWS: usize = 300;
const TITLE: &str = "示范工会";
const RETURN_REASON: &str =
    "「有服务职工的活动载体」的照片看不清活动内容，请补充职工书屋或活动现场的照片后重新提交";

/// Insert `rows` into `table`, a few hundred per statement.
async fn insert_all<T, C>(
    tx: &mut Tx,
    table: T,
    cols: &[C],
    rows: impl IntoIterator<Item = Vec<Expr>>,
) -> Result<()>
where
    T: IntoTableRef + Clone,
    C: IntoIden + Clone,
{
    let fresh = || {
        Query::insert()
            .into_table(table.clone())
            .columns(cols.iter().cloned())
            .to_owned()
    };
    let mut stmt: InsertStatement = fresh();
    let mut pending = 0;
    for row in rows {
        stmt.values_panic(row);
        pending += 1;
        if pending == ROWS {
            tx.execute(&stmt).await?;
            stmt = fresh();
            pending = 0;
        }
    }
    if pending > 0 {
        tx.execute(&stmt).await?;
    }
    Ok(())
}

/// A small demo photo (the same picture for every file; only the names differ).
fn demo_photo() -> PreparedAttachment {
    let img = image::RgbImage::from_fn(48, 36, |x, y| {
        if y < 10 {
            image::Rgb([183, 28, 28])
        } else if (x / 6 + y / 6) % 2 == 0 {
            image::Rgb([240, 236, 228])
        } else {
            image::Rgb([205, 198, 186])
        }
    });
    let mut png = Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png)
        .expect("an in-memory PNG encodes");
    prepare_attachment("演示照片.png", png.into_inner()).expect("the demo photo is valid")
}

/// Spreads the unions over the workflow: a stable pseudo-random bucket per org.
fn bucket(org_id: i64) -> u64 {
    (org_id as u64).wrapping_mul(2_654_435_761) % 100
}

fn planned(org_id: i64) -> AssessmentState {
    use AssessmentState as S;
    match bucket(org_id) {
        0..22 => S::NotStarted,
        22..38 => S::SelfReview,
        38..48 => S::Submitted,
        48..55 => S::InReview,
        55..59 => S::Returned,
        59..72 => S::Passed,
        72..79 => S::Failed,
        79..88 => S::Published,
        88..95 => S::Titled,
        _ => S::Rewarded,
    }
}

fn at(d: NaiveDate, hour: u32) -> DateTime<Utc> {
    d.and_hms_opt(hour, 0, 0).expect("valid time").and_utc()
}

/// The union the demo `chair` account is created for (`super::create_demo_accounts`): the
/// first township of 石首 with grassroots unions, and its union with most members.
async fn chair_union(tx: &mut Tx, shishou: i64) -> Result<Option<i64>> {
    #[derive(sqlx::FromRow)]
    struct Child {
        id: i64,
        kind: String,
        child_count: i64,
        member_count: i64,
    }
    let children = |parent: i64| {
        Query::select()
            .columns([(Orgs::Table, Orgs::Id), (Orgs::Table, Orgs::Kind)])
            .expr_as(
                Expr::cust("(SELECT COUNT(*) FROM orgs c WHERE c.parent_id = orgs.id AND c.status = 'active')"),
                "child_count",
            )
            .expr_as(
                Expr::cust("(SELECT COUNT(*) FROM members m WHERE m.org_id = orgs.id)"),
                "member_count",
            )
            .from(Orgs::Table)
            .and_where(Expr::col((Orgs::Table, Orgs::ParentId)).eq(parent))
            .and_where(Expr::col((Orgs::Table, Orgs::Status)).eq(crate::orgs::ACTIVE))
            .order_by_expr(Expr::cust(KIND_ORDER), Order::Asc)
            .order_by((Orgs::Table, Orgs::NamePinyin), Order::Asc)
            .limit(500)
            .to_owned()
    };
    let towns: Vec<Child> = tx.all(&children(shishou)).await?;
    let Some(town) = towns
        .iter()
        .find(|c| c.kind == "area_federation" && c.child_count > 0)
    else {
        return Ok(None);
    };
    let mut unions: Vec<Child> = tx
        .all(&children(town.id))
        .await?
        .into_iter()
        .filter(|c: &Child| c.kind == "grassroots")
        .collect();
    unions.sort_by_key(|c| std::cmp::Reverse(c.member_count));
    Ok(unions.first().map(|c| c.id))
}

/// One assessment as planned.
struct Plan {
    org_id: i64,
    state: AssessmentState,
    /// (item, self score, reviewer score)
    scores: Vec<(i64, Option<i64>, Option<i64>)>,
    outcome: Option<gonghui_domain::Outcome>,
    /// Files per item: how many.
    files: Vec<(i64, i64)>,
}

/// The scores of an item at `percent` of its points (rounded down).
fn share(item: &StandardItem, percent: i64) -> i64 {
    item.points * percent.clamp(0, 100) / 100
}

fn plan_one(
    org_id: i64,
    state: AssessmentState,
    items: &[StandardItem],
    grading: gonghui_domain::Grading,
) -> Plan {
    use AssessmentState as S;
    let h = bucket(org_id.wrapping_mul(7) + 3) as i64;
    let self_pct = 70 + h % 31;
    // Accepted unions score 66–100% (each item rounded down stays at or above 60%), failed
    // ones 25–54%.
    let review_pct = match state {
        S::Failed => 25 + h % 30,
        _ => 66 + h % 35,
    };
    let mut scores = Vec::new();
    let mut files = Vec::new();
    let answered_all = !matches!(state, S::NotStarted | S::SelfReview);
    for (n, item) in items.iter().enumerate() {
        let self_score = match state {
            S::NotStarted => None,
            S::SelfReview if n >= 3 => None,
            _ => Some(share(item, self_pct)),
        };
        let score = match state {
            S::InReview if n < 3 => Some(share(item, review_pct)),
            s if s.decided() => Some(share(item, review_pct)),
            _ => None,
        };
        scores.push((item.id, self_score, score));
        let wanted = match item.evidence {
            EvidenceKind::None => 0,
            _ => item.evidence_count,
        };
        // A union still filling in has uploaded for its first item only.
        let have = if answered_all || (state == S::SelfReview && n == 0) {
            wanted
        } else {
            0
        };
        if have > 0 {
            files.push((item.id, have));
        }
    }
    let mut state = state;
    let outcome = state.decided().then(|| {
        let scored: Vec<Scored> = items
            .iter()
            .zip(&scores)
            .map(|(i, s)| Scored {
                points: i.points,
                veto: i.veto,
                score: s.2.unwrap_or(0),
            })
            .collect();
        outcome(grading, &scored)
    });
    // The grade decides: a planned acceptance the scores do not carry becomes 未通过.
    if let Some(o) = outcome
        && state.accepted() != o.passed()
    {
        state = if o.passed() { S::Passed } else { S::Failed };
    }
    Plan {
        org_id,
        state,
        scores,
        outcome,
        files,
    }
}

pub(crate) async fn fill(tx: &mut Tx, as_of: NaiveDate) -> Result<()> {
    let root: Option<(i64, String)> = tx
        .optional(
            &Query::select()
                .columns([Orgs::Id, Orgs::Path])
                .from(Orgs::Table)
                .and_where(Expr::col(Orgs::ParentId).is_null())
                .to_owned(),
        )
        .await?;
    let Some((root_id, root_path)) = root else {
        return Ok(());
    };
    let version_id: Option<(i64,)> = tx
        .optional(
            &Query::select()
                .column((StandardVersions::Table, StandardVersions::Id))
                .from(StandardVersions::Table)
                .inner_join(
                    Standards::Table,
                    Expr::col((Standards::Table, Standards::Id))
                        .equals((StandardVersions::Table, StandardVersions::StandardId)),
                )
                .and_where(Expr::col((Standards::Table, Standards::Code)).eq("liuyou"))
                .order_by(
                    (StandardVersions::Table, StandardVersions::Version),
                    Order::Desc,
                )
                .limit(1)
                .to_owned(),
        )
        .await?;
    let Some((version_id,)) = version_id else {
        return Ok(());
    };
    let version = load_version(tx, version_id).await?;
    let unions: Vec<(i64,)> = tx
        .all(
            &Query::select()
                .column(Orgs::Id)
                .from(Orgs::Table)
                .and_where(crate::orgs::in_subtree(Expr::col(Orgs::Path), &root_path))
                .and_where(Expr::col(Orgs::Kind).eq("grassroots"))
                .and_where(Expr::col(Orgs::Status).eq(crate::orgs::ACTIVE))
                .order_by(Orgs::Path, Order::Asc)
                .to_owned(),
        )
        .await?;
    if unions.is_empty() {
        return Ok(());
    }
    let shishou: Option<(i64,)> = tx
        .optional(
            &Query::select()
                .column(Orgs::Id)
                .from(Orgs::Table)
                .and_where(Expr::col(Orgs::Name).eq("石首市总工会"))
                .to_owned(),
        )
        .await?;
    let chair = match shishou {
        Some((id,)) => chair_union(tx, id).await?,
        None => None,
    };
    let dual_done: Vec<(i64,)> = tx
        .all(
            &Query::select()
                .column(DualDisplays::OrgId)
                .from(DualDisplays::Table)
                .and_where(Expr::col(DualDisplays::Sign).eq(true))
                .and_where(Expr::col(DualDisplays::Identity).eq(true))
                .and_where(Expr::col(DualDisplays::Deeds).eq(true))
                .to_owned(),
        )
        .await?;
    let dual_done: std::collections::HashSet<i64> = dual_done.into_iter().map(|r| r.0).collect();

    let year = as_of.year();
    let start = as_of - TimeDelta::days(120);
    let due = as_of + TimeDelta::days(10);
    let end = as_of + TimeDelta::days(240);
    let quota = std::cmp::max((unions.len() / 25) as i64, 10);
    let reward_fen: i64 = 200_000;
    let now = at(as_of, 8);

    let campaign_id = tx
        .insert_id(
            Query::insert()
                .into_table(Campaigns::Table)
                .columns([
                    Campaigns::Name,
                    Campaigns::OrgId,
                    Campaigns::VersionId,
                    Campaigns::Kinds,
                    Campaigns::StartOn,
                    Campaigns::EndOn,
                    Campaigns::SelfReviewDue,
                    Campaigns::Quota,
                    Campaigns::RewardFen,
                    Campaigns::HonorTitle,
                    Campaigns::HonorLevel,
                    Campaigns::Reviewer,
                    Campaigns::DocumentNo,
                    Campaigns::CreatedAt,
                ])
                .values_panic([
                    format!("{year}年度基层工会规范化建设达标创建").into(),
                    root_id.into(),
                    version_id.into(),
                    "grassroots".into(),
                    start.into(),
                    end.into(),
                    due.into(),
                    quota.into(),
                    reward_fen.into(),
                    TITLE.into(),
                    "city".into(),
                    "parent".into(),
                    format!("荆工发〔{year}〕8号").into(),
                    at(start, 9).into(),
                ])
                .to_owned(),
        )
        .await?;

    // Plan every assessment. Titles go only to unions that show all of 双亮 (the rule the
    // grant applies), at most half the quota; the unions planned for a title that have no
    // 双亮 stay on the running 公示.
    let items = version.items_for(gonghui_domain::OrgKind::Grassroots, None);
    let items: Vec<StandardItem> = items.into_iter().cloned().collect();
    let mut states: Vec<(i64, AssessmentState)> = unions
        .iter()
        .map(|(o,)| {
            let s = if Some(*o) == chair {
                AssessmentState::NotStarted
            } else {
                planned(*o)
            };
            let s = match s {
                AssessmentState::Titled | AssessmentState::Rewarded => AssessmentState::Published,
                s => s,
            };
            (*o, s)
        })
        .collect();
    let mut candidates: Vec<usize> = states
        .iter()
        .enumerate()
        .filter(|(_, (o, _))| dual_done.contains(o) && Some(*o) != chair)
        .map(|(i, _)| i)
        .collect();
    candidates.sort_by_key(|i| (std::cmp::Reverse(bucket(states[*i].0)), states[*i].0));
    for (n, i) in candidates
        .into_iter()
        .take((quota / 2) as usize)
        .enumerate()
    {
        states[i].1 = if n % 2 == 1 {
            AssessmentState::Rewarded
        } else {
            AssessmentState::Titled
        };
    }
    let plans: Vec<Plan> = states
        .into_iter()
        .map(|(o, s)| plan_one(o, s, &items, version.grading))
        .collect();

    // Two 公示: the first ended weeks ago (its unions have their titles), the second runs now.
    let notice = |title: String, s: NaiveDate, e: NaiveDate| {
        Query::insert()
            .into_table(Notices::Table)
            .columns([
                Notices::CampaignId,
                Notices::Title,
                Notices::StartOn,
                Notices::EndOn,
                Notices::Contact,
                Notices::CreatedAt,
            ])
            .values_panic([
                campaign_id.into(),
                title.into(),
                s.into(),
                e.into(),
                "市总工会组织部 0716-8467000".into(),
                at(s, 9).into(),
            ])
            .to_owned()
    };
    let first_notice = tx
        .insert_id(notice(
            format!("{year}年度示范工会第一批验收结果公示"),
            as_of - TimeDelta::days(30),
            as_of - TimeDelta::days(24),
        ))
        .await?;
    let second_notice = tx
        .insert_id(notice(
            format!("{year}年度示范工会第二批验收结果公示"),
            as_of - TimeDelta::days(3),
            as_of + TimeDelta::days(3),
        ))
        .await?;

    let mut honors: HashMap<i64, i64> = HashMap::new();
    for p in plans
        .iter()
        .filter(|p| matches!(p.state, AssessmentState::Titled | AssessmentState::Rewarded))
    {
        let id = tx
            .insert_id(
                Query::insert()
                    .into_table(Honors::Table)
                    .columns([
                        Honors::Title,
                        Honors::Level,
                        Honors::Year,
                        Honors::RecipientKind,
                        Honors::OrgId,
                        Honors::Source,
                        Honors::CampaignId,
                        Honors::DocumentNo,
                        Honors::GrantedByOrg,
                        Honors::CreatedAt,
                    ])
                    .values_panic([
                        TITLE.into(),
                        "city".into(),
                        i64::from(year).into(),
                        "org".into(),
                        p.org_id.into(),
                        "campaign".into(),
                        campaign_id.into(),
                        format!("荆工发〔{year}〕21号").into(),
                        root_id.into(),
                        at(as_of - TimeDelta::days(20), 10).into(),
                    ])
                    .to_owned(),
            )
            .await?;
        honors.insert(p.org_id, id);
    }

    // The assessments with their final columns.
    use AssessmentState as S;
    let submitted_on = |p: &Plan| as_of - TimeDelta::days(20 + (p.org_id % 40));
    insert_all(
        tx,
        Assessments::Table,
        &[
            Assessments::CampaignId,
            Assessments::OrgId,
            Assessments::State,
            Assessments::SelfTotal,
            Assessments::Total,
            Assessments::MaxPoints,
            Assessments::Grade,
            Assessments::VetoFailed,
            Assessments::SubmittedAt,
            Assessments::DecidedAt,
            Assessments::NoticeId,
            Assessments::HonorId,
            Assessments::RewardFen,
            Assessments::RewardOn,
            Assessments::RewardDocumentNo,
            Assessments::UpdatedAt,
        ],
        plans.iter().map(|p| {
            let self_scores: Vec<i64> = p.scores.iter().filter_map(|s| s.1).collect();
            let self_total = (!self_scores.is_empty()).then(|| self_scores.iter().sum::<i64>());
            let submitted = !matches!(p.state, S::NotStarted | S::SelfReview);
            let notice = match p.state {
                S::Published => Some(second_notice),
                S::Titled | S::Rewarded => Some(first_notice),
                _ => None,
            };
            let rewarded = p.state == S::Rewarded;
            vec![
                campaign_id.into(),
                p.org_id.into(),
                p.state.code().into(),
                self_total.into(),
                p.outcome.map(|o| o.total).into(),
                p.outcome.map(|o| o.max).into(),
                p.outcome.map(|o| o.grade.code()).into(),
                p.outcome.is_some_and(|o| o.veto_failed).into(),
                submitted.then(|| at(submitted_on(p), 15)).into(),
                p.outcome
                    .map(|_| at(submitted_on(p) + TimeDelta::days(7), 16))
                    .into(),
                notice.into(),
                honors.get(&p.org_id).copied().into(),
                rewarded.then_some(reward_fen).into(),
                rewarded.then(|| as_of - TimeDelta::days(10)).into(),
                rewarded.then(|| format!("荆工财〔{year}〕12号")).into(),
                now.into(),
            ]
        }),
    )
    .await?;
    let ids: Vec<(i64, i64)> = tx
        .all(
            &Query::select()
                .columns([Assessments::OrgId, Assessments::Id])
                .from(Assessments::Table)
                .and_where(Expr::col(Assessments::CampaignId).eq(campaign_id))
                .to_owned(),
        )
        .await?;
    let ids: HashMap<i64, i64> = ids.into_iter().collect();

    insert_all(
        tx,
        AssessmentItems::Table,
        &[
            AssessmentItems::AssessmentId,
            AssessmentItems::ItemId,
            AssessmentItems::SelfScore,
            AssessmentItems::SelfNote,
            AssessmentItems::Score,
            AssessmentItems::Comment,
        ],
        plans.iter().flat_map(|p| {
            let aid = ids[&p.org_id];
            p.scores
                .iter()
                .filter(|s| s.1.is_some() || s.2.is_some())
                .map(move |(item, own, score)| {
                    vec![
                        aid.into(),
                        (*item).into(),
                        (*own).into(),
                        own.map(|_| "已按要求落实，资料见附件".to_owned()).into(),
                        (*score).into(),
                        score.map(|_| "经审核属实".to_owned()).into(),
                    ]
                })
                .collect::<Vec<_>>()
        }),
    )
    .await?;

    // History: the moves each state went through.
    let mut events: Vec<Vec<Expr>> = Vec::new();
    for p in &plans {
        let aid = ids[&p.org_id];
        let sub = submitted_on(p);
        let mut push = |from: S, to: S, day: NaiveDate, reason: Option<&str>| {
            events.push(vec![
                aid.into(),
                from.code().into(),
                to.code().into(),
                reason.map(str::to_owned).into(),
                at(day, 10).into(),
            ]);
        };
        if p.state == S::NotStarted {
            continue;
        }
        push(
            S::NotStarted,
            S::SelfReview,
            sub - TimeDelta::days(10),
            None,
        );
        if p.state == S::SelfReview {
            continue;
        }
        push(S::SelfReview, S::Submitted, sub, None);
        if p.state == S::Submitted {
            continue;
        }
        if p.state == S::Returned {
            push(
                S::Submitted,
                S::Returned,
                sub + TimeDelta::days(3),
                Some(RETURN_REASON),
            );
            continue;
        }
        push(S::Submitted, S::InReview, sub + TimeDelta::days(2), None);
        if p.state == S::InReview {
            continue;
        }
        let decided = if p.state == S::Failed {
            S::Failed
        } else {
            S::Passed
        };
        push(S::InReview, decided, sub + TimeDelta::days(7), None);
        match p.state {
            S::Published => push(S::Passed, S::Published, as_of - TimeDelta::days(3), None),
            S::Titled | S::Rewarded => {
                push(S::Passed, S::Published, as_of - TimeDelta::days(30), None);
                push(S::Published, S::Titled, as_of - TimeDelta::days(20), None);
                if p.state == S::Rewarded {
                    push(S::Titled, S::Rewarded, as_of - TimeDelta::days(10), None);
                }
            }
            _ => {}
        }
    }
    insert_all(
        tx,
        AssessmentEvents::Table,
        &[
            AssessmentEvents::AssessmentId,
            AssessmentEvents::FromState,
            AssessmentEvents::ToState,
            AssessmentEvents::Reason,
            AssessmentEvents::At,
        ],
        events,
    )
    .await?;

    // Evidence: one small photo per required file, kept for the assessed union.
    let photo = demo_photo();
    let position: HashMap<i64, i64> = items.iter().map(|i| (i.id, i.position)).collect();
    let name = |item: i64, n: i64| format!("第{}项-资料{n}.png", position[&item]);
    insert_all(
        tx,
        Attachments::Table,
        &[
            Attachments::OrgId,
            Attachments::FileName,
            Attachments::MediaType,
            Attachments::ByteSize,
            Attachments::Sha256,
            Attachments::Content,
            Attachments::Thumbnail,
            Attachments::Width,
            Attachments::Height,
            Attachments::CreatedAt,
        ],
        plans.iter().flat_map(|p| {
            let mut rows = Vec::new();
            for (item, count) in &p.files {
                for n in 1..=*count {
                    rows.push(vec![
                        p.org_id.into(),
                        name(*item, n).into(),
                        photo.media_type().code().into(),
                        (photo.byte_size() as i64).into(),
                        photo.sha256().to_owned().into(),
                        photo.content().to_vec().into(),
                        photo.thumbnail().map(<[u8]>::to_vec).into(),
                        photo.dimensions().map(|d| i64::from(d.0)).into(),
                        photo.dimensions().map(|d| i64::from(d.1)).into(),
                        at(submitted_on(p) - TimeDelta::days(1), 11).into(),
                    ]);
                }
            }
            rows
        }),
    )
    .await?;
    let stored: Vec<(i64, i64, String)> = tx
        .all(
            &Query::select()
                .columns([Attachments::Id, Attachments::OrgId, Attachments::FileName])
                .from(Attachments::Table)
                .to_owned(),
        )
        .await?;
    let stored: HashMap<(i64, String), i64> =
        stored.into_iter().map(|(id, o, n)| ((o, n), id)).collect();
    insert_all(
        tx,
        AssessmentEvidence::Table,
        &[
            AssessmentEvidence::AssessmentId,
            AssessmentEvidence::ItemId,
            AssessmentEvidence::AttachmentId,
            AssessmentEvidence::CreatedAt,
        ],
        plans.iter().flat_map(|p| {
            let mut rows = Vec::new();
            for (item, count) in &p.files {
                for n in 1..=*count {
                    if let Some(att) = stored.get(&(p.org_id, name(*item, n))) {
                        rows.push(vec![
                            ids[&p.org_id].into(),
                            (*item).into(),
                            (*att).into(),
                            at(submitted_on(p) - TimeDelta::days(1), 11).into(),
                        ]);
                    }
                }
            }
            rows
        }),
    )
    .await?;

    // The chair's union shows all three of 双亮, so its title can be granted at the end of
    // a walk through the workflow.
    if let Some(c) = chair
        && !dual_done.contains(&c)
    {
        tx.execute(
            &Query::delete()
                .from_table(DualDisplays::Table)
                .and_where(Expr::col(DualDisplays::OrgId).eq(c))
                .to_owned(),
        )
        .await?;
        tx.execute(
            &Query::insert()
                .into_table(DualDisplays::Table)
                .columns([
                    DualDisplays::OrgId,
                    DualDisplays::Sign,
                    DualDisplays::Identity,
                    DualDisplays::Deeds,
                    DualDisplays::CheckedOn,
                    DualDisplays::CheckedBy,
                    DualDisplays::UpdatedAt,
                ])
                .values_panic([
                    c.into(),
                    true.into(),
                    true.into(),
                    true.into(),
                    (as_of - TimeDelta::days(40)).into(),
                    "石首市总工会组织部".into(),
                    now.into(),
                ])
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}
