//! 达标创建、考核验收、公示、授予称号 (issue 5): the whole path of one union from 自评 with a
//! photo to 奖励发放, grading with a veto item, the quota, the 公示 period, the eligibility
//! rules at the grant, progress counted once along affiliation, and the demo's campaign. Every
//! refusal is shown to write nothing (row counts, states and the audit trail). Every test runs
//! on every engine.

mod common;

use std::io::Cursor;

use chrono::{Datelike, NaiveDate, TimeDelta};
use common::*;
use gonghui_domain::{
    AssessmentState, DualDisplay, EvidenceKind, Grade, Grading, HonorLevel, ItemSpec, KindSet,
    ReviewerKind, Role, StandardSpec,
};
use gonghui_store::{
    Actor, CampaignInput, DualDisplayInput, Error, InboxQuery, NewAccount, NoticeInput,
    PreparedAttachment, ReviewInput, ReviewScore, RewardInput, SelfAnswer, Store,
    prepare_attachment,
};
use sea_query::{Alias, Expr, ExprTrait, Order, Query};

const MY_TABLES: [&str; 10] = [
    "campaigns",
    "campaign_assessors",
    "assessments",
    "assessment_items",
    "assessment_events",
    "attachments",
    "assessment_evidence",
    "notices",
    "honors",
    "audit_log",
];

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

/// Row counts of this area's tables and the audit trail, and every assessment's state and
/// result: a refusal changes none of it.
async fn state(store: &Store) -> (Vec<(&'static str, i64)>, Vec<String>) {
    let mut counts = Vec::new();
    for t in MY_TABLES {
        counts.push((t, table_count(store, t).await));
    }
    let mut tx = store.begin().await.unwrap();
    type Row = (i64, String, Option<i64>, Option<String>, Option<i64>);
    let rows: Vec<Row> = tx
        .all(
            &Query::select()
                .columns(["id", "state", "total", "grade", "honor_id"].map(Alias::new))
                .from(Alias::new("assessments"))
                .order_by(Alias::new("id"), Order::Asc)
                .to_owned(),
        )
        .await
        .unwrap();
    let items: Vec<(i64, i64, Option<i64>, Option<i64>)> = tx
        .all(
            &Query::select()
                .columns(["assessment_id", "item_id", "self_score", "score"].map(Alias::new))
                .from(Alias::new("assessment_items"))
                .order_by(Alias::new("id"), Order::Asc)
                .to_owned(),
        )
        .await
        .unwrap();
    let mut fp: Vec<String> = rows.iter().map(|r| format!("{r:?}")).collect();
    fp.extend(items.iter().map(|r| format!("{r:?}")));
    (counts, fp)
}

async fn assert_unchanged(
    eng: &str,
    store: &Store,
    before: &(Vec<(&'static str, i64)>, Vec<String>),
    what: &str,
) {
    assert_eq!(
        before,
        &state(store).await,
        "{eng}: refused {what} wrote something"
    );
}

fn message(e: Error) -> String {
    match e {
        Error::Invalid { message, .. } => message,
        other => panic!("expected a refusal with a message, got {other:?}"),
    }
}

fn field_of(e: &Error) -> Option<&'static str> {
    match e {
        Error::Invalid { field, .. } => *field,
        _ => None,
    }
}

/// A real photo, made here: an 80×60 PNG with a coloured band.
fn photo(name: &str) -> PreparedAttachment {
    let img = image::RgbImage::from_fn(80, 60, |x, y| {
        if y < 20 {
            image::Rgb([200, 30, 30])
        } else {
            image::Rgb([(x * 3) as u8, (y * 4) as u8, 120])
        }
    });
    let mut png = Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    prepare_attachment(name, png.into_inner()).expect("a valid PNG")
}

fn pdf() -> PreparedAttachment {
    prepare_attachment(
        "选举批复.pdf",
        b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n".to_vec(),
    )
    .expect("a complete PDF")
}

/// The test standard: a photo item, a veto item needing a document, two items without
/// evidence; bands 90/75/60 of 100 points.
fn spec() -> StandardSpec {
    let k = KindSet::default();
    let items = vec![
        ItemSpec::new(
            1,
            "",
            "有工会印章",
            "规范保管",
            10,
            EvidenceKind::Photo,
            1,
            false,
            k.clone(),
        )
        .unwrap(),
        ItemSpec::new(
            2,
            "",
            "有依法选举的工会主席",
            "",
            20,
            EvidenceKind::Document,
            1,
            true,
            k.clone(),
        )
        .unwrap(),
        ItemSpec::new(
            3,
            "",
            "有制度",
            "",
            20,
            EvidenceKind::None,
            0,
            false,
            k.clone(),
        )
        .unwrap(),
        ItemSpec::new(
            4,
            "",
            "有会员满意的工作绩效",
            "",
            50,
            EvidenceKind::None,
            0,
            false,
            k,
        )
        .unwrap(),
    ];
    StandardSpec::new(
        "基层工会规范化建设测试标准",
        "",
        Grading::bands(90, 75, 60).unwrap(),
        KindSet::parse(["grassroots"]).unwrap(),
        items,
    )
    .unwrap()
}

struct Setup {
    version_id: i64,
    /// Item ids in the order of [`spec`].
    items: Vec<i64>,
}

async fn standard(store: &Store, owner: i64) -> Setup {
    let id = store.create_standard(&sys(), owner, &spec()).await.unwrap();
    let v = store.standard_version_of(id, 1).await.unwrap();
    Setup {
        version_id: v.id,
        items: v.items.iter().map(|i| i.id).collect(),
    }
}

fn input(version_id: i64, quota: Option<i64>) -> CampaignInput {
    CampaignInput {
        name: "2026年度基层工会规范化建设达标创建".into(),
        version_id,
        kinds: vec!["grassroots".into()],
        start_on: today() - days(60),
        self_review_due: today() + days(10),
        end_on: today() + days(200),
        quota,
        reward_fen: 200_000,
        honor_title: Some("示范工会".into()),
        honor_level: None,
        reviewer: ReviewerKind::Parent,
        document_no: Some("荆工发〔2026〕3号".into()),
    }
}

fn answers(items: &[i64], scores: [i64; 4]) -> Vec<SelfAnswer> {
    items
        .iter()
        .zip(scores)
        .map(|(i, s)| SelfAnswer {
            item_id: *i,
            score: Some(s),
            note: Some("已按要求落实".into()),
        })
        .collect()
}

fn review(items: &[i64], scores: [i64; 4]) -> ReviewInput {
    ReviewInput {
        scores: items
            .iter()
            .zip(scores)
            .map(|(i, s)| ReviewScore {
                item_id: *i,
                score: Some(s),
                comment: Some("经查属实".into()),
            })
            .collect(),
        site_visit_on: Some(today() - days(1)),
        site_visit_note: Some("到会查看了印章和制度上墙".into()),
    }
}

async fn dual(store: &Store, org: i64, all: bool) {
    store
        .record_dual_display(
            &sys(),
            org,
            DualDisplayInput {
                status: DualDisplay {
                    sign: true,
                    identity: true,
                    deeds: all,
                },
                checked_on: today() - days(3),
                checked_by: "石首市总工会组织部 李华".into(),
                note: None,
            },
        )
        .await
        .unwrap();
}

async fn assessment_of(store: &Store, campaign: i64, org: i64) -> i64 {
    store
        .assessment_of(campaign, org)
        .await
        .unwrap()
        .expect("the org is assessed")
        .id
}

async fn state_of(store: &Store, id: i64) -> AssessmentState {
    store.assessment_view(id).await.unwrap().assessment.state
}

/// Takes an assessment from nothing to 验收通过 with the given reviewer scores.
async fn accept(store: &Store, s: &Setup, id: i64, scores: [i64; 4]) {
    let a = sys();
    store
        .save_self_review(&a, id, &answers(&s.items, [10, 20, 20, 45]))
        .await
        .unwrap();
    store
        .add_evidence(&a, id, s.items[0], &photo("印章.png"), &[])
        .await
        .unwrap();
    store
        .add_evidence(&a, id, s.items[1], &pdf(), &[])
        .await
        .unwrap();
    store.submit_assessment(&a, id).await.unwrap();
    store
        .decide_assessment(&a, id, Some(&review(&s.items, scores)))
        .await
        .unwrap();
}

fn notice(ids: Vec<i64>, start: NaiveDate, end: NaiveDate) -> NoticeInput {
    NoticeInput {
        title: "2026年度示范工会验收结果公示".into(),
        start_on: start,
        end_on: end,
        contact: "市总工会组织部 0716-8888888".into(),
        assessment_ids: ids,
    }
}

#[tokio::test]
async fn the_whole_path_from_a_photo_to_the_reward() {
    let (engines, fixtures) = fixtures("campaign_path").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let a = sys();
        let s = standard(store, f.root).await;
        let cid = store
            .create_campaign(&a, f.root, input(s.version_id, Some(5)))
            .await
            .unwrap();
        let c = store.campaign(cid).await.unwrap();
        assert_eq!(
            c.honor_level,
            Some(HonorLevel::City),
            "{eng}: 市总 grants 市级"
        );
        // One assessment per grassroots union, none for the federations.
        let root = store.org(f.root).await.unwrap();
        let all = store.campaign_assessments(cid, &root, &[]).await.unwrap();
        let mut assessed: Vec<i64> = all.iter().map(|(x, _, _)| x.org_id).collect();
        assessed.sort_unstable();
        let mut expected = vec![f.enterprise, f.joint, f.jl_union, f.construction];
        expected.sort_unstable();
        assert_eq!(assessed, expected, "{eng}");
        assert!(
            all.iter()
                .all(|(x, _, _)| x.state == AssessmentState::NotStarted)
        );

        let id = assessment_of(store, cid, f.enterprise).await;
        // 自评 with a photo made in the test.
        store
            .save_self_review(&a, id, &answers(&s.items, [10, 20, 20, 45]))
            .await
            .unwrap();
        assert_eq!(state_of(store, id).await, AssessmentState::SelfReview);
        // Saving the same answers again writes nothing, not even an audit entry.
        let before = state(store).await;
        assert!(
            !store
                .save_self_review(&a, id, &answers(&s.items, [10, 20, 20, 45]))
                .await
                .unwrap()
        );
        assert_unchanged(eng, store, &before, "an unchanged save").await;
        store
            .add_evidence(&a, id, s.items[0], &photo("工会印章.png"), &[])
            .await
            .unwrap();
        // A PDF for a photo item is refused.
        let before = state(store).await;
        let e = store
            .add_evidence(
                &a,
                id,
                s.items[0],
                &pdf(),
                &answers(&s.items, [5, 20, 5, 5]),
            )
            .await
            .unwrap_err();
        assert!(message(e).contains("要求上传照片"), "{eng}");
        assert_unchanged(eng, store, &before, "a PDF for a photo item, with answers").await;
        // Submitting without the veto item's document is refused, naming what is missing.
        let e = store.submit_assessment(&a, id).await.unwrap_err();
        let m = message(e);
        assert!(
            m.contains("「有依法选举的工会主席」还需上传文件资料1份"),
            "{eng}: {m}"
        );
        assert!(!m.contains("有工会印章"), "{eng}: the photo is there: {m}");
        assert_unchanged(eng, store, &before, "an incomplete submission").await;
        let ev = store
            .add_evidence(&a, id, s.items[1], &photo("批复.png"), &[])
            .await
            .unwrap();
        let view = store.assessment_view(id).await.unwrap();
        assert!(view.missing.is_empty(), "{eng}: {:?}", view.missing);
        let file = &view.items[0].evidence[0].attachment;
        assert_eq!(
            file.org_id, f.enterprise,
            "{eng}: files belong to the union"
        );
        assert!(file.has_thumbnail);
        // A removed file no longer counts.
        store.remove_evidence(&a, id, ev, &[]).await.unwrap();
        assert!(
            store.submit_assessment(&a, id).await.is_err(),
            "{eng}: the removed document no longer counts"
        );
        store
            .add_evidence(&a, id, s.items[1], &pdf(), &[])
            .await
            .unwrap();
        store.submit_assessment(&a, id).await.unwrap();
        assert_eq!(state_of(store, id).await, AssessmentState::Submitted);
        // The union cannot change it now.
        let before = state(store).await;
        let e = store
            .save_self_review(&a, id, &answers(&s.items, [0, 0, 0, 0]))
            .await
            .unwrap_err();
        assert!(message(e).contains("等待审核"), "{eng}");
        assert!(
            store
                .add_evidence(&a, id, s.items[0], &photo("迟到.png"), &[])
                .await
                .is_err()
        );
        // 退回 needs a reason.
        let e = store.return_assessment(&a, id, "  ").await.unwrap_err();
        assert_eq!(field_of(&e), Some("reason"));
        assert_unchanged(
            eng,
            store,
            &before,
            "locked edits and a return without reason",
        )
        .await;
        let reason = "印章照片看不清，请重新拍摄";
        store.return_assessment(&a, id, reason).await.unwrap();
        let view = store.assessment_view(id).await.unwrap();
        assert_eq!(view.assessment.state, AssessmentState::Returned);
        assert_eq!(view.return_reason(), Some(reason), "{eng}");
        // The chair fixes it: a new photo, the old one removed, and submits again.
        let old = view.items[0].evidence[0].id;
        store
            .add_evidence(&a, id, s.items[0], &photo("印章-清晰.png"), &[])
            .await
            .unwrap();
        store.remove_evidence(&a, id, old, &[]).await.unwrap();
        store
            .save_self_review(&a, id, &answers(&s.items, [10, 20, 20, 48]))
            .await
            .unwrap();
        assert_eq!(
            state_of(store, id).await,
            AssessmentState::Returned,
            "{eng}: saving keeps 已退回 until submitted"
        );
        store.submit_assessment(&a, id).await.unwrap();
        // Review: a partial score starts the review; deciding needs every item scored.
        store
            .save_review(
                &a,
                id,
                &ReviewInput {
                    scores: vec![ReviewScore {
                        item_id: s.items[0],
                        score: Some(10),
                        comment: None,
                    }],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(state_of(store, id).await, AssessmentState::InReview);
        let before = state(store).await;
        let e = store.decide_assessment(&a, id, None).await.unwrap_err();
        assert!(message(e).contains("还有3项没有评分"), "{eng}");
        // A veto item is met or not.
        let mut half = review(&s.items, [10, 10, 20, 45]);
        half.site_visit_on = None;
        let e = store
            .decide_assessment(&a, id, Some(&half))
            .await
            .unwrap_err();
        assert!(message(e).contains("一票否决项"), "{eng}");
        // A site visit in the future is refused beside its field.
        let mut later = review(&s.items, [10, 20, 20, 45]);
        later.site_visit_on = Some(today() + days(2));
        let e = store
            .decide_assessment(&a, id, Some(&later))
            .await
            .unwrap_err();
        assert_eq!(field_of(&e), Some("site_visit_on"));
        assert_unchanged(eng, store, &before, "decisions without every score").await;
        let o = store
            .decide_assessment(&a, id, Some(&review(&s.items, [10, 20, 20, 45])))
            .await
            .unwrap();
        assert_eq!((o.total, o.max, o.grade), (95, 100, Grade::First), "{eng}");
        let view = store.assessment_view(id).await.unwrap();
        assert_eq!(view.assessment.state, AssessmentState::Passed);
        assert_eq!(view.assessment.grade(), Some(Grade::First));
        assert_eq!(view.assessment.score_text(), "95/100分（95%）");
        assert_eq!(
            view.assessment.site_visit_note.as_deref(),
            Some("到会查看了印章和制度上墙")
        );
        let moves: Vec<(AssessmentState, AssessmentState)> =
            view.events.iter().map(|e| (e.from, e.to)).collect();
        use AssessmentState as S;
        assert_eq!(
            moves,
            vec![
                (S::NotStarted, S::SelfReview),
                (S::SelfReview, S::Submitted),
                (S::Submitted, S::Returned),
                (S::Returned, S::Submitted),
                (S::Submitted, S::InReview),
                (S::InReview, S::Passed),
            ],
            "{eng}: every move is in the history"
        );
        assert_eq!(view.events[2].reason.as_deref(), Some(reason));

        // 公示 (one already posted: it began ten days ago) and the title after it.
        let before = state(store).await;
        let e = store
            .publish_notice(&a, cid, notice(vec![id], today(), today() + days(2)))
            .await
            .unwrap_err();
        assert_eq!(field_of(&e), Some("end_on"), "{eng}: at least 5 days");
        let e = store
            .publish_notice(
                &a,
                cid,
                notice(vec![id], today() + days(40), today() + days(50)),
            )
            .await
            .unwrap_err();
        assert_eq!(field_of(&e), Some("start_on"), "{eng}: not 40 days ahead");
        let other = assessment_of(store, cid, f.joint).await;
        let e = store
            .publish_notice(
                &a,
                cid,
                notice(vec![id, other], today() - days(10), today() - days(2)),
            )
            .await
            .unwrap_err();
        assert!(
            message(e).contains("新厂镇小微企业联合工会：只有验收通过的工会才能公示"),
            "{eng}"
        );
        assert_unchanged(eng, store, &before, "wrong 公示").await;
        let nid = store
            .publish_notice(
                &a,
                cid,
                notice(vec![id], today() - days(10), today() - days(2)),
            )
            .await
            .unwrap();
        let nv = store.notice(nid).await.unwrap();
        assert_eq!(nv.lines.len(), 1);
        assert_eq!(nv.lines[0].grade_text(), "一类");
        assert_eq!(state_of(store, id).await, AssessmentState::Published);
        dual(store, f.enterprise, true).await;
        let granted = store
            .grant_titles(&a, nid, &[], Some("荆工发〔2026〕9号"))
            .await
            .unwrap();
        assert_eq!(granted, 1);
        let view = store.assessment_view(id).await.unwrap();
        assert_eq!(view.assessment.state, AssessmentState::Titled);
        let honor_id = view.assessment.honor_id.expect("the honor is linked");
        let mut tx = store.begin().await.unwrap();
        let honor: (String, String, i64, i64, String, Option<i64>) = tx
            .one(
                &Query::select()
                    .columns(
                        ["title", "level", "year", "org_id", "source", "campaign_id"]
                            .map(Alias::new),
                    )
                    .from(Alias::new("honors"))
                    .and_where(Expr::col(Alias::new("id")).eq(honor_id))
                    .to_owned(),
            )
            .await
            .unwrap();
        drop(tx);
        assert_eq!(
            honor,
            (
                "示范工会".to_owned(),
                "city".to_owned(),
                i64::from(today().year()),
                f.enterprise,
                "campaign".to_owned(),
                Some(cid)
            ),
            "{eng}"
        );
        // Nothing is left to grant on this 公示.
        assert!(store.grant_titles(&a, nid, &[], None).await.is_err());

        // 奖励发放 in 元, recorded in 分.
        let before = state(store).await;
        let e = store
            .record_reward(
                &a,
                id,
                RewardInput {
                    amount_fen: 0,
                    paid_on: today(),
                    document_no: None,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(field_of(&e), Some("amount"));
        assert_unchanged(eng, store, &before, "a reward of 0").await;
        store
            .record_reward(
                &a,
                id,
                RewardInput {
                    amount_fen: gonghui_domain::parse_yuan("2,000", "金额").unwrap(),
                    paid_on: today(),
                    document_no: Some("荆工财〔2026〕5号".into()),
                },
            )
            .await
            .unwrap();
        let view = store.assessment_view(id).await.unwrap();
        assert_eq!(view.assessment.state, AssessmentState::Rewarded);
        assert_eq!(view.assessment.reward_fen, Some(200_000));
        assert_eq!(view.assessment.reward_text(), "2000元");
        // Every operation left its audit entry.
        for action in [
            "campaign.create",
            "assessment.self_review",
            "assessment.evidence_add",
            "attachment.upload",
            "assessment.evidence_remove",
            "assessment.submit",
            "assessment.return",
            "assessment.review",
            "assessment.decide",
            "notice.publish",
            "notice.grant",
            "honor.grant",
            "assessment.reward",
        ] {
            let n = store
                .audit_entries(
                    &gonghui_store::AuditFilter {
                        action: Some(action.into()),
                        ..Default::default()
                    },
                    0,
                    100,
                )
                .await
                .unwrap()
                .len();
            assert!(n >= 1, "{eng}: no {action} entry");
        }
    }
}

#[tokio::test]
async fn a_failed_veto_item_fails_whatever_the_total() {
    let (engines, fixtures) = fixtures("campaign_veto").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let s = standard(store, f.root).await;
        let cid = store
            .create_campaign(&sys(), f.root, input(s.version_id, None))
            .await
            .unwrap();
        let id = assessment_of(store, cid, f.enterprise).await;
        // The preview shows the grade before deciding.
        store
            .save_self_review(&sys(), id, &answers(&s.items, [10, 20, 20, 45]))
            .await
            .unwrap();
        store
            .add_evidence(&sys(), id, s.items[0], &photo("印章.png"), &[])
            .await
            .unwrap();
        store
            .add_evidence(&sys(), id, s.items[1], &pdf(), &[])
            .await
            .unwrap();
        store.submit_assessment(&sys(), id).await.unwrap();
        store
            .save_review(&sys(), id, &review(&s.items, [10, 0, 20, 50]))
            .await
            .unwrap();
        let view = store.assessment_view(id).await.unwrap();
        let p = view.preview.expect("every item scored");
        assert!(p.veto_failed && !p.passed(), "{eng}");
        let o = store.decide_assessment(&sys(), id, None).await.unwrap();
        assert_eq!(o.total, 80, "{eng}: the total is high");
        assert!(o.veto_failed);
        assert_eq!(o.grade, Grade::BelowThird);
        let view = store.assessment_view(id).await.unwrap();
        assert_eq!(view.assessment.state, AssessmentState::Failed, "{eng}");
        assert!(view.assessment.grade_text().contains("一票否决"));
        // A failed union is neither published nor rewarded.
        let before = state(store).await;
        let e = store
            .publish_notice(
                &sys(),
                cid,
                notice(vec![id], today() - days(10), today() - days(2)),
            )
            .await
            .unwrap_err();
        assert!(message(e).contains("未通过验收"), "{eng}");
        let e = store
            .record_reward(
                &sys(),
                id,
                RewardInput {
                    amount_fen: 100,
                    paid_on: today(),
                    document_no: None,
                },
            )
            .await
            .unwrap_err();
        assert!(message(e).contains("未通过验收"), "{eng}");
        assert_unchanged(eng, store, &before, "publishing a failed union").await;
        // Below the third band without a veto: 三类以下, also 未通过.
        let id2 = assessment_of(store, cid, f.joint).await;
        accept(store, &s, id2, [5, 20, 10, 20]).await;
        let v2 = store.assessment_view(id2).await.unwrap();
        assert_eq!(v2.assessment.state, AssessmentState::Failed, "{eng}: 55%");
        assert_eq!(v2.assessment.grade(), Some(Grade::BelowThird));
    }
}

#[tokio::test]
async fn grants_respect_the_quota_the_notice_period_and_the_eligibility_rules() {
    let (engines, fixtures) = fixtures("campaign_grant").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let a = sys();
        let s = standard(store, f.root).await;
        let cid = store
            .create_campaign(&a, f.root, input(s.version_id, Some(1)))
            .await
            .unwrap();
        let ent = assessment_of(store, cid, f.enterprise).await;
        let joint = assessment_of(store, cid, f.joint).await;
        let jl = assessment_of(store, cid, f.jl_union).await;
        for id in [ent, joint, jl] {
            accept(store, &s, id, [10, 20, 15, 40]).await;
        }
        // A 公示 still running: no title before it ends.
        let running = store
            .publish_notice(
                &a,
                cid,
                notice(vec![jl], today() - days(2), today() + days(3)),
            )
            .await
            .unwrap();
        let before = state(store).await;
        let e = store
            .grant_titles(&a, running, &[], None)
            .await
            .unwrap_err();
        let m = message(e);
        let end = today() + days(3);
        assert!(
            m.contains(&format!("公示期到{end}结束")) && m.contains(&(end + days(1)).to_string()),
            "{eng}: {m}"
        );
        assert_unchanged(eng, store, &before, "a grant during the 公示").await;

        let ended = store
            .publish_notice(
                &a,
                cid,
                notice(vec![ent, joint], today() - days(12), today() - days(5)),
            )
            .await
            .unwrap();
        // Quota 1: two at once is refused.
        dual(store, f.enterprise, true).await;
        dual(store, f.joint, true).await;
        let before = state(store).await;
        let e = store.grant_titles(&a, ended, &[], None).await.unwrap_err();
        assert!(message(e).contains("选树名额为1家"), "{eng}");
        assert_unchanged(eng, store, &before, "a grant beyond the quota").await;
        // One of them fits.
        assert_eq!(
            store.grant_titles(&a, ended, &[ent], None).await.unwrap(),
            1
        );
        let e = store
            .grant_titles(&a, ended, &[joint], None)
            .await
            .unwrap_err();
        assert!(message(e).contains("已授予1家"), "{eng}");
    }
}

#[tokio::test]
async fn a_union_without_dual_display_gets_no_city_title() {
    let (engines, fixtures) = fixtures("campaign_eligible").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let a = sys();
        let s = standard(store, f.root).await;
        let cid = store
            .create_campaign(&a, f.root, input(s.version_id, None))
            .await
            .unwrap();
        let ent = assessment_of(store, cid, f.enterprise).await;
        let joint = assessment_of(store, cid, f.joint).await;
        accept(store, &s, ent, [10, 20, 20, 50]).await;
        accept(store, &s, joint, [10, 20, 20, 50]).await;
        let nid = store
            .publish_notice(
                &a,
                cid,
                notice(vec![ent, joint], today() - days(9), today() - days(3)),
            )
            .await
            .unwrap();
        // The enterprise union shows its sign and identity but not its deeds; the joint
        // union has no 双亮 check at all.
        dual(store, f.enterprise, false).await;
        let before = state(store).await;
        let e = store.grant_titles(&a, nid, &[], None).await.unwrap_err();
        let m = message(e);
        assert!(
            m.contains("以下2家工会不符合市级“示范工会”的评选条件"),
            "{eng}: {m}"
        );
        assert!(
            m.contains(&format!("{ENTERPRISE_NAME}：未开展双亮")) && m.contains("亮作为"),
            "{eng}: {m}"
        );
        assert!(
            m.contains("新厂镇小微企业联合工会：") && m.contains("尚未登记双亮情况"),
            "{eng}: {m}"
        );
        assert_unchanged(eng, store, &before, "an ineligible grant").await;
        // Once both have 双亮, the grant goes through.
        dual(store, f.enterprise, true).await;
        dual(store, f.joint, true).await;
        assert_eq!(store.grant_titles(&a, nid, &[], None).await.unwrap(), 2);
    }
}

#[tokio::test]
async fn campaigns_are_checked_before_anything_is_written() {
    let (engines, fixtures) = fixtures("campaign_create").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let a = sys();
        let s = standard(store, f.root).await;
        let before = state(store).await;
        let mut bad = input(s.version_id, None);
        bad.name = " ".into();
        let e = store.create_campaign(&a, f.root, bad).await.unwrap_err();
        assert_eq!(field_of(&e), Some("name"), "{eng}");
        let mut bad = input(s.version_id, None);
        bad.self_review_due = bad.end_on + days(1);
        let e = store.create_campaign(&a, f.root, bad).await.unwrap_err();
        assert_eq!(field_of(&e), Some("self_review_due"), "{eng}");
        let mut bad = input(s.version_id, Some(0));
        bad.quota = Some(0);
        let e = store.create_campaign(&a, f.root, bad).await.unwrap_err();
        assert_eq!(field_of(&e), Some("quota"), "{eng}");
        // Kinds outside the standard.
        let mut bad = input(s.version_id, None);
        bad.kinds = vec!["township".into()];
        let e = store.create_campaign(&a, f.root, bad).await.unwrap_err();
        assert_eq!(field_of(&e), Some("kinds"), "{eng}");
        assert!(message(e).contains("超出了标准的适用范围"));
        // No org of the kinds below 江陵: refused.
        let mut none = input(s.version_id, None);
        none.kinds = vec!["joint".into()];
        let e = store
            .create_campaign(&a, f.jiangling, none)
            .await
            .unwrap_err();
        assert!(message(e).contains("没有在册的联合基层工会"), "{eng}");
        // A grassroots union runs no campaign.
        assert!(
            store
                .create_campaign(&a, f.enterprise, input(s.version_id, None))
                .await
                .is_err()
        );
        // 江陵's own standard is not 石首's to use.
        let theirs = standard(store, f.jiangling).await;
        let before_theirs = state(store).await;
        let e = store
            .create_campaign(&a, f.shishou, input(theirs.version_id, None))
            .await
            .unwrap_err();
        assert_eq!(field_of(&e), Some("version_id"), "{eng}");
        assert_unchanged(eng, store, &before_theirs, "another org's standard").await;
        // An archived standard is not offered and not accepted.
        let sid = store
            .standard_version(s.version_id)
            .await
            .unwrap()
            .standard_id;
        store.archive_standard(&a, sid).await.unwrap();
        let after_archive = state(store).await;
        let e = store
            .create_campaign(&a, f.root, input(s.version_id, None))
            .await
            .unwrap_err();
        assert!(message(e).contains("已停用"), "{eng}");
        let root = store.org(f.root).await.unwrap();
        assert!(
            !store
                .campaign_standard_options(&root)
                .await
                .unwrap()
                .iter()
                .any(|o| o.version_id == s.version_id)
        );
        assert_unchanged(
            eng,
            store,
            &after_archive,
            "a campaign on an archived standard",
        )
        .await;
        assert_eq!(
            before.0[0], after_archive.0[0],
            "{eng}: no campaign was made"
        );
    }
}

#[tokio::test]
async fn progress_counts_each_union_once_along_affiliation() {
    let (engines, fixtures) = fixtures("campaign_progress").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let s = standard(store, f.root).await;
        let cid = store
            .create_campaign(&sys(), f.root, input(s.version_id, Some(2)))
            .await
            .unwrap();
        let c = store.campaign(cid).await.unwrap();
        let ent = assessment_of(store, cid, f.enterprise).await;
        accept(store, &s, ent, [10, 20, 20, 40]).await; // 90% → 一类
        let jl = assessment_of(store, cid, f.jl_union).await;
        store
            .save_self_review(&sys(), jl, &answers(&s.items, [5, 0, 0, 0]))
            .await
            .unwrap();
        let root = store.org(f.root).await.unwrap();
        let p = store.campaign_progress(&c, &root).await.unwrap();
        assert_eq!(p.total.total, 4, "{eng}");
        assert_eq!(p.total.accepted(), 1);
        assert_eq!(p.total.first, 1);
        assert_eq!(p.total.self_review, 1);
        assert_eq!(p.total.not_started, 2);
        assert_eq!(p.quota_reached(), Some(false));
        let row = |name: &str| {
            p.children
                .iter()
                .find(|r| r.name == name)
                .unwrap_or_else(|| panic!("{eng}: no row {name}"))
                .counts
        };
        assert_eq!(row(SHISHOU_NAME).total, 2, "{eng}: enterprise and joint");
        assert_eq!(row(SHISHOU_NAME).accepted(), 1);
        assert_eq!(row("江陵县总工会").self_review, 1);
        assert_eq!(row("荆州市建设工会").not_started, 1);
        let sum: i64 = p.children.iter().map(|r| r.counts.total).sum();
        assert_eq!(sum, p.total.total, "{eng}: children add up to the total");
        // One level down, the township holds both unions; the sector federation none.
        let shishou = store.org(f.shishou).await.unwrap();
        let p = store.campaign_progress(&c, &shishou).await.unwrap();
        assert_eq!(p.total.total, 2);
        let t = p.children.iter().find(|r| r.org_id == f.township).unwrap();
        assert_eq!(t.counts.total, 2, "{eng}");
        assert_eq!(
            p.children
                .iter()
                .find(|r| r.org_id == f.sector)
                .unwrap()
                .counts
                .total,
            0
        );
        // At the township, each union is its own row with its assessment.
        let town = store.org(f.township).await.unwrap();
        let p = store.campaign_progress(&c, &town).await.unwrap();
        let e = p
            .children
            .iter()
            .find(|r| r.org_id == f.enterprise)
            .unwrap();
        assert_eq!(e.own.as_ref().map(|o| o.id), Some(ent));
        assert_eq!(e.own.as_ref().map(|o| o.grade), Some(Some(Grade::First)));
        // The enterprise union's own view: its assessment, nothing else.
        let own = store.org(f.enterprise).await.unwrap();
        let p = store.campaign_progress(&c, &own).await.unwrap();
        assert_eq!(p.total.total, 1);
        assert_eq!(p.own.as_ref().map(|o| o.id), Some(ent));
        // The campaign is listed for the union, its ancestors and the campaign org, not for
        // an org it does not reach.
        for org in [f.enterprise, f.township, f.shishou, f.root] {
            let o = store.org(org).await.unwrap();
            let list = store.campaign_summaries(&o).await.unwrap();
            assert_eq!(list.len(), 1, "{eng}: org {org}");
        }
        let sector = store.org(f.sector).await.unwrap();
        assert!(store.campaigns_for_org(&sector).await.unwrap().is_empty());
        let list = store.campaign_summaries(&shishou).await.unwrap();
        assert_eq!(list[0].counts.total, 2);
        assert_eq!(list[0].campaign_total.total, 4);
        // Reminders: the self-review deadline is ten days away with unions left.
        let r = list[0].reminders(today());
        assert!(
            r.iter()
                .any(|l| l.contains("还有10天") && l.contains("还有1家没有提交")),
            "{eng}: {r:?}"
        );
    }
}

#[tokio::test]
async fn inbox_candidates_follow_the_roles() {
    let (engines, fixtures) = fixtures("campaign_inbox").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let s = standard(store, f.root).await;
        let cid = store
            .create_campaign(&sys(), f.root, input(s.version_id, None))
            .await
            .unwrap();
        let ent = assessment_of(store, cid, f.enterprise).await;
        let joint = assessment_of(store, cid, f.joint).await;
        // The joint union's chair submits through their own account.
        let chair = store
            .create_account(
                &sys(),
                NewAccount {
                    username: "chair.joint".into(),
                    display_name: "联合工会主席".into(),
                    role: Role::Chair,
                    scope_org_id: f.joint,
                    password: "Gonghui@2026".into(),
                    must_change_password: false,
                },
            )
            .await
            .unwrap();
        let as_chair = Actor {
            name: "chair.joint".into(),
            account_id: Some(chair),
            ip: None,
        };
        store
            .save_self_review(&as_chair, joint, &answers(&s.items, [10, 20, 20, 40]))
            .await
            .unwrap();
        store
            .add_evidence(&as_chair, joint, s.items[0], &photo("a.png"), &[])
            .await
            .unwrap();
        store
            .add_evidence(&as_chair, joint, s.items[1], &pdf(), &[])
            .await
            .unwrap();
        store.submit_assessment(&as_chair, joint).await.unwrap();
        let q = |role: Role, org: i64, path: String, account: i64| InboxQuery {
            account_id: account,
            role,
            scope_org_id: org,
            scope_path: path,
            assigned_paths: vec![],
        };
        let joint_org = store.org(f.joint).await.unwrap();
        let mine = store
            .inbox_candidates(&q(Role::Chair, f.joint, joint_org.path.clone(), chair))
            .await
            .unwrap();
        assert!(mine.is_empty(), "{eng}: submitted, nothing to do: {mine:?}");
        let ent_org = store.org(f.enterprise).await.unwrap();
        let theirs = store
            .inbox_candidates(&q(Role::Chair, f.enterprise, ent_org.path.clone(), 0))
            .await
            .unwrap();
        assert_eq!(
            theirs
                .iter()
                .map(|c| c.access.assessment_id)
                .collect::<Vec<_>>(),
            vec![ent],
            "{eng}"
        );
        let shishou = store.org(f.shishou).await.unwrap();
        let review = store
            .inbox_candidates(&q(Role::Staff, f.shishou, shishou.path.clone(), 0))
            .await
            .unwrap();
        let c = review
            .iter()
            .find(|c| c.access.assessment_id == joint)
            .expect("石首 reviews the joint union");
        assert_eq!(c.access.submitted_by, Some(chair), "{eng}");
        assert_eq!(c.access.org_parent_id, Some(f.township));
        let jiangling = store.org(f.jiangling).await.unwrap();
        assert!(
            store
                .inbox_candidates(&q(Role::Staff, f.jiangling, jiangling.path.clone(), 0))
                .await
                .unwrap()
                .is_empty(),
            "{eng}: 江陵 has nothing of 石首's"
        );
        let viewer = store
            .inbox_candidates(&q(Role::Viewer, f.root, "/".into(), 0))
            .await
            .unwrap();
        assert!(viewer.is_empty());
    }
}

/// The demo city runs one campaign with assessments in every state, and the demo chair's union
/// can start from the beginning, reviewed by 石首市总工会.
#[tokio::test]
async fn the_demo_campaign_leaves_the_chair_at_the_start() {
    let engines = engines("campaign_demo").await;
    for (eng, store) in engines.iter() {
        let as_of = today();
        gonghui_store::demo::generate_as_of(store, gonghui_store::demo::Scale::Small, 2026, as_of)
            .await
            .unwrap();
        let accounts = gonghui_store::demo::create_demo_accounts(store)
            .await
            .unwrap();
        assert!(accounts.iter().any(|a| a.username == "chair"));
        let root = store.root().await.unwrap().unwrap();
        let list = store.campaign_summaries(&root).await.unwrap();
        assert_eq!(list.len(), 1, "{eng}: one demo campaign");
        let c = &list[0].campaign;
        assert_eq!(c.name, "2026年度基层工会规范化建设达标创建");
        assert_eq!(c.honor_title.as_deref(), Some("示范工会"));
        assert_eq!(c.honor_level, Some(HonorLevel::City));
        let counts = list[0].counts;
        for (st, n) in counts.by_state() {
            assert!(n > 0, "{eng}: no demo assessment is {}", st.label());
        }
        assert!(list[0].quota_reached().is_some());
        // The chair's union: not started, under 石首.
        let mut tx = store.begin().await.unwrap();
        let (scope,): (i64,) = tx
            .one(
                &Query::select()
                    .column(Alias::new("scope_org_id"))
                    .from(Alias::new("accounts"))
                    .and_where(Expr::col(Alias::new("username")).eq("chair"))
                    .to_owned(),
            )
            .await
            .unwrap();
        drop(tx);
        let union = store.org(scope).await.unwrap();
        let lineage = store.lineage(&union).await.unwrap();
        assert!(
            lineage.iter().any(|o| o.name == "石首市总工会"),
            "{eng}: the chair's union is under 石首"
        );
        let a = store
            .assessment_of(c.id, union.id)
            .await
            .unwrap()
            .expect("the chair's union is assessed");
        assert!(
            matches!(
                a.state,
                AssessmentState::NotStarted | AssessmentState::SelfReview
            ),
            "{eng}: the chair's union is {:?}",
            a.state
        );
        // Its 双亮 is complete, so the title can be granted at the end of the path.
        let view = store.assessment_view(a.id).await.unwrap();
        assert!(!view.items.is_empty());
        // Decided demo assessments carry results consistent with their scores.
        let all = store.campaign_assessments(c.id, &root, &[]).await.unwrap();
        for (x, _, _) in all.iter().filter(|(x, _, _)| x.state.decided()) {
            let v = store.assessment_view(x.id).await.unwrap();
            let p = v.preview.expect("decided assessments are fully scored");
            assert_eq!(Some(p.total), x.total, "{eng}");
            assert_eq!(x.grade(), Some(p.grade), "{eng}");
            assert_eq!(p.passed(), x.state.accepted(), "{eng}");
        }
    }
}
