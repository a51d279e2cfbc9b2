//! The gonghui binary: `demo` (build the demo city if absent, then serve), `serve`, `import`,
//! `migrate`.

// The same allocator as the benchmarks measure (Cargo.toml says why).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        #[command(flatten)]
        security: SecurityArgs,
    },
    /// Serve an existing database.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        #[command(flatten)]
        security: SecurityArgs,
    },
    /// Set up a new deployment: the city federation and its first accounts (the three
    /// administrators and one staff account), each with a one-time password to change at
    /// first login.
    Init {
        #[command(flatten)]
        db: DbArgs,
        /// Name of the city federation, e.g. 荆州市总工会.
        #[arg(long)]
        name: String,
        /// Its six-digit region code, e.g. 421000.
        #[arg(long)]
        region: String,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write a consistent copy of the SQLite database to FILE (safe while serving).
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file to create, e.g. backups/gonghui-2026-11-22.sqlite3
        file: PathBuf,
    },
    /// Import a 单位名录 (units), 工会组织名册 (orgs) or 会员名册 (members) from .xlsx, .xls or
    /// .csv: prints the preview; writes every valid row in one transaction unless --dry-run.
    Import {
        #[command(flatten)]
        db: DbArgs,
        /// What the file holds: units, orgs or members.
        kind: String,
        /// The file to import.
        file: PathBuf,
        /// Only check the file and show what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import as this account: its scope applies (default: the system, everything).
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: Option<String>,
        /// Also write the result (every row with 导入结果 and 问题说明) to this .xlsx file.
        #[arg(long, value_name = "FILE")]
        result: Option<PathBuf>,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain of the whole audit trail; exit status 1 at the first broken link.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Delete entries older than the retention period (at least 180 days; the default).
    Prune {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value_t = 180)]
        keep_days: i64,
    },
}

#[derive(Args)]
struct SecurityArgs {
    /// The three administrator roles must use a TOTP second factor.
    #[arg(long, env = "GONGHUI_REQUIRE_ADMIN_TOTP")]
    require_admin_totp: bool,
    /// Mark the session cookie Secure (set when serving behind HTTPS).
    #[arg(long, env = "GONGHUI_SECURE_COOKIE")]
    secure_cookie: bool,
    /// Behind a reverse proxy: record the client address from X-Forwarded-For.
    #[arg(long, env = "GONGHUI_TRUST_PROXY")]
    trust_proxy: bool,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, default_value_t = 30, env = "GONGHUI_IDLE_MINUTES")]
    idle_minutes: i64,
}

impl SecurityArgs {
    fn config(&self) -> gonghui_web::SecurityConfig {
        gonghui_web::SecurityConfig {
            idle_timeout: chrono::Duration::minutes(self.idle_minutes.clamp(1, 30)),
            require_admin_totp: self.require_admin_totp,
            secure_cookie: self.secure_cookie,
            trust_forwarded_for: self.trust_proxy,
            ..Default::default()
        }
    }
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
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .init();
    match Cli::parse().command {
        Command::Demo {
            db,
            bind,
            scale,
            seed,
            security,
        } => {
            let store = db.open().await?;
            if store.root().await?.is_none() {
                let scale = Scale::parse(&scale)
                    .with_context(|| format!("--scale 应为 city 或 small，而不是 {scale}"))?;
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
                let accounts = demo::create_demo_accounts(&store).await?;
                println!("演示账号（密码均为 {}）：", demo::DEMO_PASSWORD);
                for a in accounts {
                    println!("  {:<10} {}（{}）", a.username, a.role.label(), a.scope);
                }
            } else {
                println!(
                    "数据目录中已有数据，直接启动。演示账号的密码为 {}",
                    demo::DEMO_PASSWORD
                );
            }
            serve(store, bind, security.config(), &db.data).await
        }
        Command::Serve { db, bind, security } => {
            serve(db.open().await?, bind, security.config(), &db.data).await
        }
        Command::Import {
            db,
            kind,
            file,
            dry_run,
            as_user,
            result,
        } => {
            let store = db.open().await?;
            import(
                &store,
                &kind,
                &file,
                dry_run,
                as_user.as_deref(),
                result.as_deref(),
            )
            .await
        }
        Command::Audit {
            command: AuditCommand::Prune { db, keep_days },
        } => {
            let store = db.open().await?;
            let n = store
                .prune_audit(&gonghui_store::Actor::system(), keep_days)
                .await?;
            println!("已删除 {n} 条 {keep_days} 天以前的审计记录（删除操作本身已记入审计日志）。");
            Ok(())
        }
        Command::Init { db, name, region } => init(&db.open().await?, &name, &region).await,
        Command::Audit {
            command: AuditCommand::Verify { db },
        } => {
            let store = db.open().await?;
            let report = store.verify_audit().await?;
            match report.broken {
                None => {
                    println!(
                        "审计日志完整：已核对 {} 条记录，哈希链没有断开。",
                        report.checked
                    );
                    Ok(())
                }
                Some(b) => {
                    let id =
                        b.id.map(|i| format!("（记录编号 {i}）"))
                            .unwrap_or_default();
                    eprintln!(
                        "审计日志被改动：第 {} 条记录{}处断开：{}。此前 {} 条记录完好。",
                        b.seq, id, b.reason, report.checked
                    );
                    std::process::exit(1);
                }
            }
        }
        Command::Backup { db, file } => {
            let store = db.open().await?;
            if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("无法创建目录 {}", dir.display()))?;
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

/// Create the city federation and the first four accounts of a new deployment.
async fn init(store: &Store, name: &str, region: &str) -> anyhow::Result<()> {
    use gonghui_domain::{OrgKind, RegionCode, Role};
    use gonghui_store::{Actor, NewAccount, OrgInput};
    let region = RegionCode::parse(region).map_err(|e| anyhow::anyhow!("行政区划代码有误：{e}"))?;
    let actor = Actor::system();
    let root = store
        .create_root(
            &actor,
            OrgInput {
                kind: OrgKind::CityFederation,
                sub_kind: None,
                name: name.into(),
                short_name: None,
                region: Some(region),
                industry: None,
                founded_on: None,
                uscc: None,
                legal_person_cert: None,
                independent_account: false,
                address: None,
                contact_person: None,
                contact_phone: None,
            },
        )
        .await?;
    println!("已建立 {name}。首批账号（初始密码只显示这一次，首次登录必须修改）：");
    for (username, display, role) in [
        ("admin", "系统管理员", Role::SystemAdmin),
        ("security", "安全管理员", Role::SecurityAdmin),
        ("auditor", "审计管理员", Role::AuditAdmin),
        ("staff", "组织部", Role::Staff),
    ] {
        let password = format!("Gh-{}", &gonghui_store::accounts::random_token()[..12]);
        store
            .create_account(
                &actor,
                NewAccount {
                    username: username.into(),
                    display_name: display.into(),
                    role,
                    scope_org_id: root,
                    password: password.clone(),
                    must_change_password: true,
                },
            )
            .await?;
        println!("  {username:<10} {:<8} 初始密码 {password}", role.label());
    }
    Ok(())
}

async fn serve(
    store: Store,
    bind: SocketAddr,
    security: gonghui_web::SecurityConfig,
    data: &std::path::Path,
) -> anyhow::Result<()> {
    let app = gonghui_web::router(
        gonghui_web::AppState::new(store.clone(), security).with_data_dir(data),
    );
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("无法监听 {bind}"))?;
    println!("gonghui 已启动：请用浏览器打开 http://{bind}/  （按 Ctrl+C 停止）");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    store.close().await;
    Ok(())
}

/// `gonghui import KIND FILE`: the preview, then (unless `dry_run`) the commit.
async fn import(
    store: &Store,
    kind: &str,
    file: &std::path::Path,
    dry_run: bool,
    as_user: Option<&str>,
    result: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use gonghui_store::{Actor, ImportKind, ImportScope};
    let kind = ImportKind::from_label(kind)
        .with_context(|| format!("名册种类应为 units、orgs 或 members，而不是 {kind}"))?;
    let bytes = std::fs::read(file).with_context(|| format!("无法读取 {}", file.display()))?;
    let filename = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (actor, scope) = match as_user {
        None => (Actor::system(), ImportScope::everything()),
        Some(name) => {
            let root = store.root().await?.context("数据库中还没有工会组织")?;
            let account = store
                .accounts_within(&root.path)
                .await?
                .into_iter()
                .map(|a| a.account)
                .find(|a| a.username == name)
                .with_context(|| format!("没有用户名为 {name} 的账号"))?;
            if account.disabled || !account.role.writes_records() {
                anyhow::bail!(
                    "账号 {name}（{}）不能导入：只有工会工作人员和基层工会主席可以导入名册",
                    account.role.label()
                );
            }
            let scope_org = store.org(account.scope_org_id).await?;
            let scope = gonghui_web::auth::import_scope_of(account.role, &scope_org);
            (
                Actor {
                    name: account.username.clone(),
                    account_id: Some(account.id),
                    ip: None,
                },
                scope,
            )
        }
    };
    let report = if dry_run {
        store.import_preview(kind, &bytes, &filename, &scope).await
    } else {
        store
            .import_commit(&actor, kind, &bytes[..], &filename, &scope, None)
            .await
    };
    let report = match report {
        Ok(r) => r,
        Err(gonghui_store::Error::Invalid { message, .. }) => {
            eprintln!("{}：{message}", file.display());
            std::process::exit(2);
        }
        Err(e) => return Err(e.into()),
    };
    for e in &report.errors {
        println!("第{}行 {}：{}", e.line, e.column, e.message);
    }
    if !report.extra_columns.is_empty() {
        println!("忽略的列：{}", report.extra_columns.join("、"));
    }
    for n in &report.notes {
        println!("{n}");
    }
    let c = report.counts;
    let verb = if dry_run {
        "预览（未写入）"
    } else if report.committed {
        "已导入"
    } else {
        "没有需要写入的内容"
    };
    println!(
        "{}《{}》{} 行：新增 {}，修改 {}，无变化 {}，有错误 {}；{verb}，用时 {:.1} 秒",
        kind.label(),
        filename,
        report.rows,
        c.new,
        c.changed,
        c.unchanged,
        c.invalid,
        report.elapsed.as_secs_f64()
    );
    if let Some(out) = result {
        let xlsx = gonghui_store::import::result_xlsx(kind, &bytes, &filename, &report)?;
        std::fs::write(out, xlsx).with_context(|| format!("无法写入 {}", out.display()))?;
        println!("结果已写入 {}", out.display());
    }
    Ok(())
}
