//! 演示数据 for the honors registry: a city-level 模范职工之家 for a union that shows all of
//! 双亮, a few county-level 模范职工小家 and 工人先锋号, an 优秀工会主席 and a revoked title.
//! Every honor passes the eligibility rules in force (the demo is what staff could record).
//! Deterministic: candidates are taken in id order.

use chrono::{Datelike, NaiveDate};
use gonghui_domain::{HonorLevel, HonorSource, OfficerRole, OrgKind, RecipientKind, RuleTarget};
use sea_query::{Expr, ExprTrait, Order, Query};

use crate::Result;
use crate::audit::Actor;
use crate::db::Tx;
use crate::honors::{NewHonor, eligibility_refusals, insert_honor};
use crate::orgs::{Org, load};
use crate::schema::{DualDisplays, Honors, Officers, Orgs};

/// The county federation above a grassroots union (second id of its path), or the root.
fn county_of(org: &Org) -> i64 {
    let ids = org.lineage();
    ids.get(1).or(ids.first()).copied().unwrap_or(org.id)
}

pub(crate) async fn fill(tx: &mut Tx, as_of: NaiveDate) -> Result<()> {
    let root: Option<(i64,)> = tx
        .optional(
            &Query::select()
                .column(Orgs::Id)
                .from(Orgs::Table)
                .and_where(Expr::col(Orgs::ParentId).is_null())
                .to_owned(),
        )
        .await?;
    let Some((root,)) = root else {
        return Ok(());
    };
    let year = i64::from(as_of.year()) - 1;
    let sys = Actor::system();
    // Grassroots unions checked for 双亮, in id order, and whether they show all three.
    let checked: Vec<(i64, bool)> = tx
        .all(
            &Query::select()
                .column((DualDisplays::Table, DualDisplays::OrgId))
                .expr(Expr::cust(
                    "dual_displays.sign AND dual_displays.identity AND dual_displays.deeds",
                ))
                .from(DualDisplays::Table)
                .inner_join(
                    Orgs::Table,
                    Expr::col((Orgs::Table, Orgs::Id))
                        .equals((DualDisplays::Table, DualDisplays::OrgId)),
                )
                .and_where(Expr::col((Orgs::Table, Orgs::Kind)).eq(OrgKind::Grassroots.code()))
                .and_where(Expr::col((Orgs::Table, Orgs::Status)).eq(crate::orgs::ACTIVE))
                .order_by((DualDisplays::Table, DualDisplays::OrgId), Order::Asc)
                .to_owned(),
        )
        .await?;
    let full: Vec<i64> = checked.iter().filter(|c| c.1).map(|c| c.0).collect();
    let partial: Vec<i64> = checked.iter().filter(|c| !c.1).map(|c| c.0).collect();
    // The demo's county account works in 石首: a few of its unions hold county titles, so its
    // registry shows something (county titles are not gated by 双亮).
    let shishou: Option<(String,)> = tx
        .optional(
            &Query::select()
                .column(Orgs::Path)
                .from(Orgs::Table)
                .and_where(Expr::col(Orgs::Name).eq("石首市总工会"))
                .to_owned(),
        )
        .await?;
    let local: Vec<(i64,)> = match &shishou {
        Some((path,)) => {
            tx.all(
                &Query::select()
                    .column(Orgs::Id)
                    .from(Orgs::Table)
                    .and_where(crate::orgs::in_subtree(Expr::col(Orgs::Path), path))
                    .and_where(Expr::col(Orgs::Kind).eq(OrgKind::Grassroots.code()))
                    .and_where(Expr::col(Orgs::Status).eq(crate::orgs::ACTIVE))
                    .order_by(Orgs::Id, Order::Asc)
                    .limit(3)
                    .to_owned(),
            )
            .await?
        }
        None => vec![],
    };
    let mut planned: Vec<NewHonor> = Vec::new();
    let honor =
        |org: &Org, title: &str, level: HonorLevel, by: i64, person: Option<String>, n: usize| {
            NewHonor {
                title: title.into(),
                level,
                year,
                recipient: if person.is_some() {
                    RecipientKind::Person
                } else {
                    RecipientKind::Org
                },
                org_id: org.id,
                person_name: person,
                source: HonorSource::Nomination,
                campaign_id: None,
                document_no: Some(match level {
                    HonorLevel::County => format!("县工发〔{year}〕{}号", 10 + n),
                    _ => format!("荆工发〔{year}〕{}号", 20 + n),
                }),
                granted_by_org: by,
            }
        };
    // The city's 模范职工之家: the first union that shows all of 双亮.
    if let Some(id) = full.first() {
        let org = load(tx, *id).await?;
        planned.push(honor(&org, "模范职工之家", HonorLevel::City, root, None, 1));
    }
    // County-level titles: unions of 石首, and one elsewhere whose 双亮 is incomplete.
    let county: Vec<i64> = local
        .iter()
        .map(|l| l.0)
        .chain(partial.iter().take(1).copied())
        .collect();
    for (n, id) in county.iter().enumerate() {
        let org = load(tx, *id).await?;
        let title = if n % 2 == 0 {
            "模范职工小家"
        } else {
            "工人先锋号"
        };
        planned.push(honor(
            &org,
            title,
            HonorLevel::County,
            county_of(&org),
            None,
            n + 2,
        ));
    }
    // 优秀工会主席: the chair of another union with all of 双亮, by name only.
    if let Some(id) = full.get(1) {
        let chair: Option<(String,)> = tx
            .optional(
                &Query::select()
                    .column(Officers::Name)
                    .from(Officers::Table)
                    .and_where(Expr::col(Officers::OrgId).eq(*id))
                    .and_where(Expr::col(Officers::Role).eq(OfficerRole::Chair.code()))
                    .and_where(Expr::col(Officers::LeftOn).is_null())
                    .order_by(Officers::Id, Order::Asc)
                    .limit(1)
                    .to_owned(),
            )
            .await?;
        if let Some((name,)) = chair {
            let org = load(tx, *id).await?;
            planned.push(honor(
                &org,
                "优秀工会主席",
                HonorLevel::City,
                root,
                Some(name),
                7,
            ));
        }
    }
    let mut ids = Vec::new();
    for h in &planned {
        let org = load(tx, h.org_id).await?;
        let refusals =
            eligibility_refusals(tx, &org, RuleTarget::Honor, Some(h.level), Some(&h.title))
                .await?;
        if refusals.is_empty() {
            ids.push(insert_honor(tx, &sys, h).await?);
        }
    }
    // One title revoked after a review, so the registry shows what that looks like.
    if let Some(last) = ids.get(3).or(ids.last()) {
        tx.execute(
            &Query::update()
                .table(Honors::Table)
                .value(Honors::RevokedOn, as_of)
                .value(Honors::RevokeReason, "复查发现申报材料与实际不符")
                .and_where(Expr::col(Honors::Id).eq(*last))
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::Store;
    use crate::demo::{Scale, generate_as_of};
    use gonghui_domain::{HonorLevel, RecipientKind, RuleTarget};

    /// The registry has a city-level 模范职工之家 for a union that did 双亮, and every demo
    /// honor passes the rules.
    #[tokio::test]
    async fn demo_honors_follow_the_rules() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_sqlite_dir(dir.path()).await.unwrap();
        store.migrate().await.unwrap();
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        generate_as_of(&store, Scale::Small, 7, as_of)
            .await
            .unwrap();
        let root = store.root().await.unwrap().unwrap();
        let honors = store
            .honors_in(&root, &crate::HonorFilter::default())
            .await
            .unwrap();
        assert!(honors.len() >= 4, "{honors:?}");
        let home = honors
            .iter()
            .find(|h| h.title == "模范职工之家" && h.level == HonorLevel::City)
            .expect("a city-level 模范职工之家");
        let dual = store.dual_display(home.org_id).await.unwrap().unwrap();
        assert!(dual.sign && dual.identity && dual.deeds);
        assert!(honors.iter().any(|h| h.revoked()));
        for h in &honors {
            if h.recipient_kind == RecipientKind::Person {
                assert!(h.person_name.is_some());
            }
            let r = store
                .eligibility_check(h.org_id, RuleTarget::Honor, Some(h.level), Some(&h.title))
                .await
                .unwrap();
            assert!(r.is_empty(), "{}: {r:?}", h.title);
        }
        // The same city gives the same honors.
        let dir2 = tempfile::tempdir().unwrap();
        let again = Store::open_sqlite_dir(dir2.path()).await.unwrap();
        again.migrate().await.unwrap();
        generate_as_of(&again, Scale::Small, 7, as_of)
            .await
            .unwrap();
        let root2 = again.root().await.unwrap().unwrap();
        let honors2 = again
            .honors_in(&root2, &crate::HonorFilter::default())
            .await
            .unwrap();
        let key = |v: &[crate::Honor]| -> Vec<(String, i64, String)> {
            v.iter()
                .map(|h| (h.title.clone(), h.org_id, h.level.code().to_owned()))
                .collect()
        };
        assert_eq!(key(&honors), key(&honors2));
    }
}
