//! Deployment settings that staff may change (thresholds the seeds leave as "*人以上").

use sea_query::{Expr, ExprTrait, Query};

use crate::audit::{self, Actor, Target};
use crate::schema::Settings;
use crate::{Result, Store};

impl Store {
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let mut tx = self.read().await?;
        let row: Option<(String,)> = tx
            .optional(
                &Query::select()
                    .column(Settings::Value)
                    .from(Settings::Table)
                    .and_where(Expr::col(Settings::Key).eq(key))
                    .to_owned(),
            )
            .await?;
        Ok(row.map(|r| r.0))
    }

    /// A numeric setting, or `default` when unset or unreadable.
    pub async fn setting_i64(&self, key: &str, default: i64) -> Result<i64> {
        Ok(self
            .setting(key)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(default))
    }

    pub async fn set_setting(&self, actor: &Actor, key: &str, value: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let before: Option<(String,)> = tx
            .optional(
                &Query::select()
                    .column(Settings::Value)
                    .from(Settings::Table)
                    .and_where(Expr::col(Settings::Key).eq(key))
                    .to_owned(),
            )
            .await?;
        if before.is_some() {
            tx.execute(
                &Query::update()
                    .table(Settings::Table)
                    .value(Settings::Value, value)
                    .and_where(Expr::col(Settings::Key).eq(key))
                    .to_owned(),
            )
            .await?;
        } else {
            tx.execute(
                &Query::insert()
                    .into_table(Settings::Table)
                    .columns([Settings::Key, Settings::Value])
                    .values_panic([key.into(), value.into()])
                    .to_owned(),
            )
            .await?;
        }
        let b = before.map(|b| serde_json::json!({ key: b.0 }));
        let a = serde_json::json!({ key: value });
        audit::record(
            &mut tx,
            actor,
            "setting.set",
            Target::new("setting", None, None),
            b.as_ref(),
            Some(&a),
        )
        .await?;
        tx.commit().await
    }
}
