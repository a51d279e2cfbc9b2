//! The audit trail: one entry per write, a chain that shows tampering, and pruning that keeps
//! the rest verifiable. On both engines.

mod common;

use common::*;
use gonghui_store::{AuditFilter, Store};

async fn verify_ok(engine: &str, store: &Store) -> u64 {
    let report = store.verify_audit().await.unwrap();
    assert!(
        report.broken.is_none(),
        "[{engine}] chain should be intact: {:?}",
        report.broken
    );
    report.checked
}

#[tokio::test]
async fn the_chain_covers_every_write_and_reveals_tampering() {
    let (engines, fixtures) = fixtures("audit_chain").await;
    for ((engine, store), _fx) in engines.iter().zip(fixtures) {
        let n = verify_ok(engine, store).await;
        assert_eq!(
            n as i64,
            audit_count(store).await,
            "[{engine}] every entry is in the chain"
        );
        assert!(n > 10, "[{engine}] the fixture's writes were recorded");

        // Changing any field of an entry breaks the chain exactly there.
        store
            .execute_raw("UPDATE audit_log SET actor = 'mallory' WHERE seq = 5")
            .await
            .unwrap();
        let b = store
            .verify_audit()
            .await
            .unwrap()
            .broken
            .expect("tampering detected");
        assert_eq!(b.seq, 5, "[{engine}] {b:?}");
        assert!(b.reason.contains("改动"), "[{engine}] {}", b.reason);
        store
            .execute_raw("UPDATE audit_log SET actor = 'system' WHERE seq = 5")
            .await
            .unwrap();
        verify_ok(engine, store).await;

        // Removing an entry in the middle leaves a gap; removing the last one shortens the
        // chain behind the head's back. Both are found.
        store
            .execute_raw("DELETE FROM audit_log WHERE seq = 7")
            .await
            .unwrap();
        let b = store
            .verify_audit()
            .await
            .unwrap()
            .broken
            .expect("deletion detected");
        assert_eq!(b.seq, 7, "[{engine}] {b:?}");
        assert!(b.reason.contains("缺失"), "[{engine}] {}", b.reason);
    }
}

#[tokio::test]
async fn a_deleted_tail_is_detected() {
    let (engines, _fx) = fixtures("audit_tail").await;
    for (engine, store) in engines.iter() {
        let last = audit_count(store).await;
        store
            .execute_raw(&format!("DELETE FROM audit_log WHERE seq = {last}"))
            .await
            .unwrap();
        let b = store
            .verify_audit()
            .await
            .unwrap()
            .broken
            .expect("missing tail detected");
        assert!(b.reason.contains("链尾"), "[{engine}] {}", b.reason);
    }
}

#[tokio::test]
async fn pruning_keeps_at_least_180_days_and_the_rest_stays_verifiable() {
    let (engines, _fx) = fixtures("audit_prune").await;
    for (engine, store) in engines.iter() {
        let err = store.prune_audit(&sys(), 30).await.unwrap_err();
        assert!(err.to_string().contains("180"), "[{engine}] {err}");
        let before = audit_count(store).await;
        assert_eq!(
            store.prune_audit(&sys(), 180).await.unwrap(),
            0,
            "[{engine}] nothing is that old yet"
        );
        // Age the first three entries; pruning removes exactly them (plus records itself).
        store
            .execute_raw("UPDATE audit_log SET at = '2020-01-01T00:00:00+00:00' WHERE seq <= 3")
            .await
            .unwrap();
        assert_eq!(
            store.prune_audit(&sys(), 180).await.unwrap(),
            3,
            "[{engine}]"
        );
        assert_eq!(
            audit_count(store).await,
            before + 2 - 3,
            "[{engine}] two prune records, three entries gone"
        );
        verify_ok(engine, store).await;
        let pruned = store
            .audit_entries(
                &AuditFilter {
                    action: Some("audit.prune".into()),
                    ..Default::default()
                },
                0,
                10,
            )
            .await
            .unwrap();
        assert_eq!(pruned.len(), 2, "[{engine}] each prune is recorded");
    }
}
