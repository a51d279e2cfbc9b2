//! 审计: every write appends an audit entry inside the same transaction as the change, so a
//! change without its record (or a record without its change) cannot be committed. Logins,
//! logouts, denials, exports and reveals of personal data are recorded too.
//!
//! The entries form a hash chain: each entry's SHA-256 covers its own fields and the previous
//! entry's hash, and `seq` numbers them without gaps. Changing, deleting or inserting an entry
//! in the database breaks the chain at that entry, which [`Store::verify_audit`] reports.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::Tx;
use crate::schema::{AuditHead, AuditLog, Orgs};
use crate::{Engine, Result, Store};

/// Who is acting and from where. Services take it for every write.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Account name; `system` for the demo generator and command-line tools.
    pub name: String,
    pub account_id: Option<i64>,
    pub ip: Option<String>,
}

impl Actor {
    pub fn system() -> Actor {
        Actor {
            name: "system".into(),
            account_id: None,
            ip: None,
        }
    }
}

/// What an entry is about.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub kind: &'a str,
    pub id: Option<i64>,
    /// The org the object belongs to (for the audit administrator's scope and filters).
    pub org: Option<i64>,
}

impl<'a> Target<'a> {
    pub fn new(kind: &'a str, id: Option<i64>, org: Option<i64>) -> Target<'a> {
        Target { kind, id, org }
    }
}

/// Record a successful write in the writing transaction.
pub(crate) async fn record<B: Serialize, A: Serialize>(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    target: Target<'_>,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    let value = |v: Option<serde_json::Value>| v.map(|v| canonical_json(&v));
    let before = value(before.map(|b| serde_json::to_value(b).unwrap_or_default()));
    let after = value(after.map(|a| serde_json::to_value(a).unwrap_or_default()));
    append(tx, actor, action, target, before, after, true).await
}

/// Record a refused attempt (a failed login) in a transaction that also changes data (the
/// failure counter), so the count and its record commit together.
pub(crate) async fn record_failure<D: Serialize>(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    target: Target<'_>,
    detail: &D,
) -> Result<()> {
    let detail = canonical_json(&serde_json::to_value(detail).unwrap_or_default());
    append(tx, actor, action, target, None, Some(detail), false).await
}

impl Store {
    /// Record an event that is not a data change (login, logout, denial, export, reveal) in a
    /// transaction of its own.
    pub async fn audit_event<D: Serialize>(
        &self,
        actor: &Actor,
        action: &str,
        target: Target<'_>,
        success: bool,
        detail: Option<&D>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let detail = detail.map(|d| canonical_json(&serde_json::to_value(d).unwrap_or_default()));
        append(&mut tx, actor, action, target, None, detail, success).await?;
        tx.commit().await
    }
}

/// The fields an entry's hash covers, in a fixed order with a separator no field contains
/// unescaped (JSON escapes control characters; names and codes never hold U+001F).
struct Hashed<'a> {
    seq: i64,
    at: DateTime<Utc>,
    actor: &'a str,
    account_id: Option<i64>,
    ip: Option<&'a str>,
    action: &'a str,
    object_kind: &'a str,
    object_id: Option<i64>,
    org_id: Option<i64>,
    before: Option<&'a str>,
    after: Option<&'a str>,
    success: bool,
    prev_hash: &'a str,
}

impl Hashed<'_> {
    fn hash(&self) -> String {
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let text = [
            self.seq.to_string(),
            self.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            self.actor.to_owned(),
            opt(self.account_id),
            self.ip.unwrap_or("").to_owned(),
            self.action.to_owned(),
            self.object_kind.to_owned(),
            opt(self.object_id),
            opt(self.org_id),
            self.before.unwrap_or("").to_owned(),
            self.after.unwrap_or("").to_owned(),
            (self.success as u8).to_string(),
            self.prev_hash.to_owned(),
        ]
        .join("\u{1f}");
        let digest = Sha256::digest(text.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

async fn append(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    target: Target<'_>,
    before: Option<String>,
    after: Option<String>,
    success: bool,
) -> Result<()> {
    // Bump the head first: on PostgreSQL the row lock queues concurrent writers until commit;
    // on SQLite the transaction already holds the write lock.
    tx.execute(
        &Query::update()
            .table(AuditHead::Table)
            .value(AuditHead::Seq, Expr::col(AuditHead::Seq).add(1))
            .and_where(Expr::col(AuditHead::Id).eq(1))
            .to_owned(),
    )
    .await?;
    let (seq, prev): (i64, String) = tx
        .one(
            &Query::select()
                .columns([AuditHead::Seq, AuditHead::Hash])
                .from(AuditHead::Table)
                .and_where(Expr::col(AuditHead::Id).eq(1))
                .to_owned(),
        )
        .await?;
    // Both engines keep microseconds; the hash must be computed over what is stored.
    let at = Utc::now().trunc_subsecs(6);
    let hash = Hashed {
        seq,
        at,
        actor: &actor.name,
        account_id: actor.account_id,
        ip: actor.ip.as_deref(),
        action,
        object_kind: target.kind,
        object_id: target.id,
        org_id: target.org,
        before: before.as_deref(),
        after: after.as_deref(),
        success,
        prev_hash: &prev,
    }
    .hash();
    let engine = tx.engine();
    let stmt = Query::insert()
        .into_table(AuditLog::Table)
        .columns([
            AuditLog::Seq,
            AuditLog::At,
            AuditLog::Actor,
            AuditLog::AccountId,
            AuditLog::Ip,
            AuditLog::Action,
            AuditLog::ObjectKind,
            AuditLog::ObjectId,
            AuditLog::OrgId,
            AuditLog::Before,
            AuditLog::After,
            AuditLog::Success,
            AuditLog::PrevHash,
            AuditLog::Hash,
        ])
        .values_panic([
            seq.into(),
            at.into(),
            actor.name.clone().into(),
            actor.account_id.into(),
            actor.ip.clone().into(),
            action.into(),
            target.kind.into(),
            target.id.into(),
            target.org.into(),
            json_value(engine, before),
            json_value(engine, after),
            success.into(),
            prev.into(),
            hash.clone().into(),
        ])
        .to_owned();
    tx.execute(&stmt).await?;
    tx.execute(
        &Query::update()
            .table(AuditHead::Table)
            .value(AuditHead::Hash, hash)
            .and_where(Expr::col(AuditHead::Id).eq(1))
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// The PostgreSQL column is JSONB, SQLite's is TEXT; bind accordingly.
fn json_value(engine: Engine, text: Option<String>) -> Expr {
    match (engine, text) {
        // A typed NULL would be TEXT, which PostgreSQL refuses for a JSONB column.
        (_, None) => Expr::cust("NULL"),
        (Engine::Sqlite, Some(t)) => t.into(),
        (Engine::Postgres, Some(t)) => Expr::cust_with_values("CAST($1 AS JSONB)", [t]),
    }
}

/// JSON with object keys sorted, so the text hashed at write time can be rebuilt from what
/// either engine gives back (PostgreSQL's JSONB reorders keys and drops whitespace).
pub fn canonical_json(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical_json(&map[k])))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(canonical_json)
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => other.to_string(),
    }
}

/// One audit entry as the audit administrator reads it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub seq: Option<i64>,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub account_id: Option<i64>,
    pub ip: Option<String>,
    pub action: String,
    pub object_kind: String,
    pub object_id: Option<i64>,
    pub org_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub success: bool,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

/// Filters of the audit viewer.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub actor: Option<String>,
    /// Only entries about orgs in this subtree (materialized path).
    pub org_path: Option<String>,
    /// Action prefix, e.g. `member.` or `login`.
    pub action: Option<String>,
    pub failures_only: bool,
}

/// Where the chain breaks, if it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: i64,
    pub id: Option<i64>,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub checked: u64,
    pub broken: Option<ChainBreak>,
}

fn select_entries() -> sea_query::SelectStatement {
    Query::select()
        .columns([
            (AuditLog::Table, AuditLog::Id),
            (AuditLog::Table, AuditLog::Seq),
            (AuditLog::Table, AuditLog::At),
            (AuditLog::Table, AuditLog::Actor),
            (AuditLog::Table, AuditLog::AccountId),
            (AuditLog::Table, AuditLog::Ip),
            (AuditLog::Table, AuditLog::Action),
            (AuditLog::Table, AuditLog::ObjectKind),
            (AuditLog::Table, AuditLog::ObjectId),
            (AuditLog::Table, AuditLog::OrgId),
        ])
        .expr_as(Expr::cust("CAST(audit_log.before AS TEXT)"), "before")
        .expr_as(Expr::cust("CAST(audit_log.after AS TEXT)"), "after")
        .columns([
            (AuditLog::Table, AuditLog::Success),
            (AuditLog::Table, AuditLog::PrevHash),
            (AuditLog::Table, AuditLog::Hash),
        ])
        .from(AuditLog::Table)
        .to_owned()
}

impl Store {
    /// Entries matching `filter`, newest first.
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<AuditEntry>> {
        let mut q = select_entries();
        if let Some(from) = filter.from {
            q.and_where(
                Expr::col((AuditLog::Table, AuditLog::At))
                    .gte(from.and_hms_opt(0, 0, 0).unwrap().and_utc()),
            );
        }
        if let Some(to) = filter.to {
            let end = to
                .succ_opt()
                .unwrap_or(to)
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc();
            q.and_where(Expr::col((AuditLog::Table, AuditLog::At)).lt(end));
        }
        if let Some(a) = &filter.actor {
            q.and_where(Expr::col((AuditLog::Table, AuditLog::Actor)).eq(a.clone()));
        }
        if let Some(a) = &filter.action {
            q.and_where(
                Expr::col((AuditLog::Table, AuditLog::Action)).like(
                    sea_query::LikeExpr::new(format!("{}%", a.replace('%', ""))).escape('\\'),
                ),
            );
        }
        if filter.failures_only {
            q.and_where(Expr::col((AuditLog::Table, AuditLog::Success)).eq(false));
        }
        if let Some(path) = &filter.org_path {
            q.inner_join(
                Orgs::Table,
                Expr::col((Orgs::Table, Orgs::Id)).equals((AuditLog::Table, AuditLog::OrgId)),
            )
            .and_where(crate::orgs::in_subtree(
                Expr::col((Orgs::Table, Orgs::Path)),
                path,
            ));
        }
        q.order_by((AuditLog::Table, AuditLog::Id), Order::Desc)
            .limit(limit)
            .offset(offset);
        let mut tx = self.read().await?;
        tx.all(&q).await
    }

    /// Walk the whole chain in order and report the first entry that does not match.
    pub async fn verify_audit(&self) -> Result<VerifyReport> {
        const BATCH: u64 = 5000;
        let mut tx = self.read().await?;
        let (anchor,): (i64,) = tx
            .one(
                &Query::select()
                    .column(AuditHead::AnchorSeq)
                    .from(AuditHead::Table)
                    .and_where(Expr::col(AuditHead::Id).eq(1))
                    .to_owned(),
            )
            .await?;
        // The chain starts at the anchor: 1, or the first entry kept after pruning.
        let mut expected_seq: Option<i64> = Some(anchor);
        let mut prev: Option<String> = None;
        let mut checked = 0u64;
        loop {
            let mut q = select_entries();
            q.and_where(Expr::col((AuditLog::Table, AuditLog::Seq)).is_not_null())
                .order_by((AuditLog::Table, AuditLog::Seq), Order::Asc)
                .limit(BATCH);
            if let Some(s) = expected_seq {
                q.and_where(Expr::col((AuditLog::Table, AuditLog::Seq)).gte(s));
            }
            let rows: Vec<AuditEntry> = tx.all(&q).await?;
            let n = rows.len();
            for e in rows {
                let seq = e.seq.unwrap_or_default();
                let broken = |reason: String| {
                    Ok(VerifyReport {
                        checked,
                        broken: Some(ChainBreak {
                            seq,
                            id: Some(e.id),
                            reason,
                        }),
                    })
                };
                if let Some(want) = expected_seq {
                    if seq != want {
                        let reason = format!("第 {want} 条记录缺失（下一条是第 {seq} 条）");
                        return Ok(VerifyReport {
                            checked,
                            broken: Some(ChainBreak {
                                seq: want,
                                id: None,
                                reason,
                            }),
                        });
                    }
                }
                let stored_prev = e.prev_hash.clone().unwrap_or_default();
                if let Some(p) = &prev {
                    if &stored_prev != p {
                        return broken("记录中的前一条哈希与前一条记录不一致".into());
                    }
                }
                let canon = |t: &Option<String>| {
                    t.as_deref().map(|t| {
                        serde_json::from_str::<serde_json::Value>(t)
                            .map(|v| canonical_json(&v))
                            .unwrap_or_else(|_| t.to_owned())
                    })
                };
                let (before, after) = (canon(&e.before), canon(&e.after));
                let recomputed = Hashed {
                    seq,
                    at: e.at,
                    actor: &e.actor,
                    account_id: e.account_id,
                    ip: e.ip.as_deref(),
                    action: &e.action,
                    object_kind: &e.object_kind,
                    object_id: e.object_id,
                    org_id: e.org_id,
                    before: before.as_deref(),
                    after: after.as_deref(),
                    success: e.success,
                    prev_hash: &stored_prev,
                }
                .hash();
                if Some(&recomputed) != e.hash.as_ref() {
                    return broken("记录内容与其哈希不符，已被改动".into());
                }
                prev = e.hash.clone();
                expected_seq = Some(seq + 1);
                checked += 1;
            }
            if (n as u64) < BATCH {
                break;
            }
        }
        // A deleted tail leaves no gap; the head remembers how far the chain went.
        let (head_seq, head_hash): (i64, String) = tx
            .one(
                &Query::select()
                    .columns([AuditHead::Seq, AuditHead::Hash])
                    .from(AuditHead::Table)
                    .and_where(Expr::col(AuditHead::Id).eq(1))
                    .to_owned(),
            )
            .await?;
        let last = expected_seq.map(|s| s - 1).unwrap_or(0);
        if head_seq != last || (head_seq > 0 && prev.as_deref() != Some(head_hash.as_str())) {
            return Ok(VerifyReport {
                checked,
                broken: Some(ChainBreak {
                    seq: last + 1,
                    id: None,
                    reason: format!("链尾缺失：应有 {head_seq} 条记录，只找到 {last} 条"),
                }),
            });
        }
        Ok(VerifyReport {
            checked,
            broken: None,
        })
    }
}

/// The shortest retention the law allows (网络安全法 第二十一条: at least six months).
pub const MIN_RETENTION_DAYS: i64 = 180;

impl Store {
    /// Delete entries older than `keep_days` (at least [`MIN_RETENTION_DAYS`]). The chain stays
    /// verifiable: verification starts from the oldest remaining entry, whose stored previous
    /// hash anchors it. The pruning itself is recorded.
    pub async fn prune_audit(&self, actor: &Actor, keep_days: i64) -> Result<u64> {
        if keep_days < MIN_RETENTION_DAYS {
            return Err(crate::Error::rule(format!(
                "审计日志至少保存 {MIN_RETENTION_DAYS} 天，不能只保留 {keep_days} 天"
            )));
        }
        let cutoff = Utc::now() - chrono::Duration::days(keep_days);
        let mut tx = self.begin().await?;
        let n = tx
            .execute(
                &Query::delete()
                    .from_table(AuditLog::Table)
                    .and_where(Expr::col(AuditLog::At).lt(cutoff))
                    .to_owned(),
            )
            .await?;
        // The oldest remaining entry becomes the start of the chain.
        tx.execute(
            &Query::update()
                .table(AuditHead::Table)
                .value(
                    AuditHead::AnchorSeq,
                    Expr::cust("COALESCE((SELECT MIN(seq) FROM audit_log), audit_head.seq + 1)"),
                )
                .and_where(Expr::col(AuditHead::Id).eq(1))
                .to_owned(),
        )
        .await?;
        let detail = serde_json::json!({ "deleted": n, "before": cutoff.to_rfc3339() });
        append(
            &mut tx,
            actor,
            "audit.prune",
            Target::new("audit", None, None),
            None,
            Some(canonical_json(&detail)),
            true,
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }
}

/// Count audit entries (tests compare writes with records).
pub async fn count(store: &Store) -> Result<i64> {
    let mut tx = store.read().await?;
    let q = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(AuditLog::Table)
        .to_owned();
    tx.scalar(&q).await
}
