//! The gonghui binary: `demo` (build the demo city if absent, then serve), `serve`, `migrate`.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use gonghui_store::Store;
use gonghui_store::demo::{self, Scale};

#[derive(Parser)]
#[command(name = "gonghui", version, about = "工会组织建设管理平台")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the demo city in the data directory if it is empty, then serve it.
    Demo {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Demo size: `city` (≈3,000 unions, 300,000 members) or `small` (for tests).
        #[arg(long, default_value = "city")]
        scale: String,
        /// Seed of the deterministic generator.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Serve an existing database.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
    },
    /// Write a consistent copy of the SQLite database to FILE (safe while serving).
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file to create, e.g. backups/gonghui-2026-11-22.sqlite3
        file: PathBuf,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Args)]
struct DbArgs {
    /// Data directory holding the SQLite database (and uploads).
    #[arg(long, default_value = "./gonghui-data", env = "GONGHUI_DATA")]
    data: PathBuf,
    /// Use PostgreSQL instead, e.g. postgres://user@host/db.
    #[arg(long, env = "GONGHUI_DATABASE_URL")]
    database_url: Option<String>,
}

impl DbArgs {
    async fn open(&self) -> anyhow::Result<Store> {
        let store = match &self.database_url {
            Some(url) => Store::open_url(url).await.context("无法连接数据库")?,
            None => Store::open_sqlite_dir(&self.data)
                .await
                .with_context(|| format!("无法打开数据目录 {}", self.data.display()))?,
        };
        store.migrate().await.context("数据库结构升级失败")?;
        Ok(store)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .init();
    match Cli::parse().command {
        Command::Demo { db, bind, scale, seed } => {
            let store = db.open().await?;
            if store.root().await?.is_none() {
                let scale = Scale::parse(&scale).with_context(|| format!("--scale 应为 city 或 small，而不是 {scale}"))?;
                println!("正在生成演示数据（荆州市，确定性随机种子 {seed}）…");
                let s = demo::generate(&store, scale, seed).await?;
                println!(
                    "已生成：工会组织 {} 个（基层工会 {} 个），单位 {} 个（已覆盖 {} 个），会员 {} 人，用时 {:.1} 秒",
                    s.orgs,
                    s.grassroots,
                    s.units,
                    s.covered_units,
                    s.members,
                    s.elapsed.as_secs_f64()
                );
            } else {
                println!("数据目录中已有数据，直接启动。");
            }
            serve(store, bind).await
        }
        Command::Serve { db, bind } => serve(db.open().await?, bind).await,
        Command::Backup { db, file } => {
            let store = db.open().await?;
            if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
            }
            store.backup_sqlite(&file).await?;
            println!("已备份到 {}", file.display());
            Ok(())
        }
        Command::Migrate { db } => {
            db.open().await?;
            println!("数据库结构已是最新。");
            Ok(())
        }
    }
}

async fn serve(store: Store, bind: SocketAddr) -> anyhow::Result<()> {
    let app = gonghui_web::router(gonghui_web::AppState::new(store.clone()));
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("无法监听 {bind}"))?;
    println!("gonghui 已启动：请用浏览器打开 http://{bind}/  （按 Ctrl+C 停止）");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    store.close().await;
    Ok(())
}
