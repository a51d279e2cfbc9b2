//! Every write appends an audit entry inside the same transaction as the change, so a change
//! without its record (or a record without its change) cannot be committed.

use chrono::Utc;
use sea_query::Query;
use serde::Serialize;

use crate::db::Tx;
use crate::schema::AuditLog;
use crate::Result;

/// Who is acting and from where. Services take it for every write.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Account name; `system` for the demo generator and command-line tools.
    pub name: String,
    pub ip: Option<String>,
}

impl Actor {
    pub fn system() -> Actor {
        Actor { name: "system".into(), ip: None }
    }
}

pub(crate) async fn record<B: Serialize, A: Serialize>(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    object_kind: &str,
    object_id: Option<i64>,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    let json = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
    let before = json(before.map(|b| serde_json::to_value(b).unwrap_or_default()));
    let after = json(after.map(|a| serde_json::to_value(a).unwrap_or_default()));
    let stmt = Query::insert()
        .into_table(AuditLog::Table)
        .columns([
            AuditLog::At,
            AuditLog::Actor,
            AuditLog::Ip,
            AuditLog::Action,
            AuditLog::ObjectKind,
            AuditLog::ObjectId,
            AuditLog::Before,
            AuditLog::After,
            AuditLog::Success,
        ])
        .values_panic([
            Utc::now().into(),
            actor.name.clone().into(),
            actor.ip.clone().into(),
            action.into(),
            object_kind.into(),
            object_id.into(),
            json_value(tx, before),
            json_value(tx, after),
            true.into(),
        ])
        .to_owned();
    tx.execute(&stmt).await?;
    Ok(())
}

/// The PostgreSQL column is JSONB, SQLite's is TEXT; bind accordingly.
fn json_value(tx: &Tx, text: Option<String>) -> sea_query::SimpleExpr {
    match (tx.engine(), text) {
        // An untyped NULL: a NULL bound as TEXT is refused by PostgreSQL's JSONB column.
        (_, None) => sea_query::Expr::cust("NULL"),
        (crate::Engine::Sqlite, Some(t)) => t.into(),
        (crate::Engine::Postgres, Some(t)) => {
            sea_query::Expr::cust_with_values("CAST($1 AS JSONB)", [t])
        }
    }
}

/// Count audit entries (tests compare writes with records).
pub async fn count(store: &crate::Store) -> Result<i64> {
    let mut tx = store.begin().await?;
    let q = Query::select().expr(sea_query::Expr::cust("COUNT(*)")).from(AuditLog::Table).to_owned();
    tx.scalar(&q).await
}
