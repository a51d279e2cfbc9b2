//! Search by name, pinyin initials (“sssz” finds 石首市总工会), full pinyin, or exact code.
//!
//! Names are short and the tables are at most a few million rows, so LIKE over the stored
//! pinyin columns is both portable and fast enough; FTS5's trigram tokenizer would miss the
//! two-character Chinese queries (工会) people type most.

use gonghui_domain::{IdNumber, Uscc, normalize_query};
use sea_query::{Cond, Expr, ExprTrait, Order};
use serde::Serialize;

use crate::members::{Member, select_members};
use crate::orgs::{Org, select_orgs};
use crate::schema::{Members, Orgs, Units};
use crate::units::{Unit, select_units};
use crate::{Result, Store};

#[derive(Debug, Default)]
pub struct SearchResults {
    pub orgs: Vec<Org>,
    pub units: Vec<Unit>,
    pub members: Vec<Member>,
}

impl SearchResults {
    pub fn is_empty(&self) -> bool {
        self.orgs.is_empty() && self.units.is_empty() && self.members.is_empty()
    }
}

/// Which record kinds a search looks at (autocomplete asks for orgs only).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SearchScope {
    pub orgs: bool,
    pub units: bool,
    pub members: bool,
}

/// What the person searching may see. Built by the web layer from the account's role and
/// scope; the store only applies it, so a search can never return a record out of scope.
#[derive(Debug, Clone)]
pub enum Visibility {
    /// Everything (command-line tools, tests).
    All,
    /// Orgs in these subtrees (materialized paths), their units and members, plus units not yet
    /// covered whose region code starts with one of `unit_regions` (the 逐一摸底 directory of
    /// an area federation).
    Within {
        subtrees: Vec<String>,
        unit_regions: Vec<String>,
    },
}

impl Visibility {
    fn orgs_cond(&self) -> Option<Cond> {
        match self {
            Visibility::All => None,
            Visibility::Within { subtrees, .. } => Some(
                subtrees
                    .iter()
                    .fold(Cond::any(), |c, p| {
                        c.add(crate::orgs::in_subtree(
                            Expr::col((Orgs::Table, Orgs::Path)),
                            p,
                        ))
                    })
                    // An empty list must match nothing, not everything.
                    .add(Expr::cust("1 = 0")),
            ),
        }
    }
}

fn scoped_orgs(visible: &Visibility) -> sea_query::SelectStatement {
    let mut q = select_orgs();
    if let Some(c) = visible.orgs_cond() {
        q.cond_where(c);
    }
    q
}

fn scoped_units(visible: &Visibility) -> sea_query::SelectStatement {
    let mut q = select_units();
    if let (Some(c), Visibility::Within { unit_regions, .. }) = (visible.orgs_cond(), visible) {
        q.left_join(
            Orgs::Table,
            Expr::col((Orgs::Table, Orgs::Id)).equals((Units::Table, Units::CoveringOrgId)),
        );
        let uncovered = unit_regions
            .iter()
            .fold(Cond::any().add(Expr::cust("1 = 0")), |acc, r| {
                acc.add(
                    Expr::col((Units::Table, Units::RegionCode))
                        .like(sea_query::LikeExpr::new(format!("{r}%"))),
                )
            });
        q.cond_where(
            Cond::any().add(c).add(
                Cond::all()
                    .add(Expr::col((Units::Table, Units::CoveringOrgId)).is_null())
                    .add(uncovered),
            ),
        );
    }
    q
}

fn scoped_members(visible: &Visibility) -> sea_query::SelectStatement {
    let mut q = select_members();
    if let Some(c) = visible.orgs_cond() {
        q.inner_join(
            Orgs::Table,
            Expr::col((Orgs::Table, Orgs::Id)).equals((Members::Table, Members::OrgId)),
        )
        .cond_where(c);
    }
    q
}

impl SearchScope {
    pub const ALL: SearchScope = SearchScope {
        orgs: true,
        units: true,
        members: true,
    };
    pub const ORGS: SearchScope = SearchScope {
        orgs: true,
        units: false,
        members: false,
    };
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn like(col: Expr, pattern: String) -> Expr {
    col.like(sea_query::LikeExpr::new(pattern).escape('\\'))
}

/// A name column folded to lower case like the query is: PostgreSQL's LIKE is case-sensitive
/// where SQLite's is not, so "abc科技" must find "ABC科技" on both.
fn lower_col<T: sea_query::IntoColumnRef>(col: T) -> Expr {
    sea_query::Func::lower(Expr::col(col)).into()
}

impl Store {
    pub async fn search(
        &self,
        query: &str,
        scope: SearchScope,
        visible: &Visibility,
        limit: u64,
    ) -> Result<SearchResults> {
        let q = normalize_query(query);
        let mut out = SearchResults::default();
        if q.is_empty() {
            return Ok(out);
        }
        let mut tx = self.read().await?;

        // An exact code wins outright: people paste codes from licences and ID cards.
        if let Ok(uscc) = Uscc::parse(&q) {
            if scope.orgs {
                out.orgs = tx
                    .all(
                        &scoped_orgs(visible)
                            .and_where(Expr::col((Orgs::Table, Orgs::Uscc)).eq(uscc.as_str()))
                            .to_owned(),
                    )
                    .await?;
            }
            if scope.units {
                out.units = tx
                    .all(
                        &scoped_units(visible)
                            .and_where(Expr::col((Units::Table, Units::Uscc)).eq(uscc.as_str()))
                            .to_owned(),
                    )
                    .await?;
            }
            if !out.is_empty() {
                return Ok(out);
            }
        }
        if let Ok(id) = IdNumber::parse(&q) {
            if scope.members {
                out.members = tx
                    .all(
                        &scoped_members(visible)
                            .and_where(
                                Expr::col((Members::Table, Members::IdNumber)).eq(id.as_str()),
                            )
                            .to_owned(),
                    )
                    .await?;
            }
            return Ok(out);
        }

        let esc = escape_like(&q);
        let contains = format!("%{esc}%");
        let prefix = format!("{esc}%");
        let ascii = q.chars().all(|c| c.is_ascii_alphanumeric());

        if scope.orgs {
            let cond = name_cond(
                Orgs::Name,
                Orgs::NameInitials,
                Orgs::NamePinyin,
                Orgs::Uscc,
                &contains,
                &prefix,
                ascii,
                Orgs::Table,
            );
            let q = scoped_orgs(visible)
                .cond_where(cond)
                .order_by_expr(
                    Expr::cust("CASE WHEN orgs.status = 'active' THEN 0 ELSE 1 END"),
                    Order::Asc,
                )
                .order_by_expr(
                    rank(Orgs::Table, Orgs::Name, Orgs::NameInitials, &q, &prefix),
                    Order::Asc,
                )
                .order_by((Orgs::Table, Orgs::Depth), Order::Asc)
                .order_by((Orgs::Table, Orgs::NamePinyin), Order::Asc)
                .limit(limit)
                .to_owned();
            out.orgs = tx.all(&q).await?;
        }
        if scope.units {
            let cond = name_cond(
                Units::Name,
                Units::NameInitials,
                Units::NamePinyin,
                Units::Uscc,
                &contains,
                &prefix,
                ascii,
                Units::Table,
            );
            let q = scoped_units(visible)
                .cond_where(cond)
                .order_by_expr(
                    rank(Units::Table, Units::Name, Units::NameInitials, &q, &prefix),
                    Order::Asc,
                )
                .order_by((Units::Table, Units::NamePinyin), Order::Asc)
                .limit(limit)
                .to_owned();
            out.units = tx.all(&q).await?;
        }
        if scope.members {
            // People are found by the start of their name (or its initials): a substring
            // search over hundreds of thousands of names mostly returns noise.
            let mut cond = Cond::any().add(like(
                lower_col((Members::Table, Members::Name)),
                prefix.clone(),
            ));
            if ascii {
                cond = cond
                    .add(like(
                        Expr::col((Members::Table, Members::NameInitials)),
                        prefix.clone(),
                    ))
                    .add(like(
                        Expr::col((Members::Table, Members::NamePinyin)),
                        prefix.clone(),
                    ));
            }
            let q = scoped_members(visible)
                .cond_where(cond)
                .order_by_expr(
                    rank(
                        Members::Table,
                        Members::Name,
                        Members::NameInitials,
                        &q,
                        &prefix,
                    ),
                    Order::Asc,
                )
                .order_by((Members::Table, Members::NamePinyin), Order::Asc)
                .limit(limit)
                .to_owned();
            out.members = tx.all(&q).await?;
        }
        Ok(out)
    }
}

#[allow(clippy::too_many_arguments)]
fn name_cond<T: sea_query::Iden + Copy + 'static, C: sea_query::Iden + Copy + 'static>(
    name: C,
    initials: C,
    pinyin: C,
    code: C,
    contains: &str,
    prefix: &str,
    ascii: bool,
    table: T,
) -> Cond {
    let mut cond = Cond::any().add(like(lower_col((table, name)), contains.to_owned()));
    if ascii {
        cond = cond
            .add(like(Expr::col((table, initials)), contains.to_owned()))
            .add(like(Expr::col((table, pinyin)), contains.to_owned()))
            .add(like(Expr::col((table, code)), prefix.to_uppercase()));
    }
    cond
}

/// 0 for an exact name, 1 for a name or initials starting with the query, 2 otherwise.
fn rank<T: sea_query::Iden + Copy + 'static, C: sea_query::Iden + Copy + 'static>(
    table: T,
    name: C,
    initials: C,
    exact: &str,
    prefix: &str,
) -> Expr {
    Expr::case(lower_col((table, name)).eq(exact.to_owned()), 0)
        .case(like(lower_col((table, name)), prefix.to_owned()), 1)
        .case(like(Expr::col((table, initials)), prefix.to_owned()), 1)
        .finally(2)
        .into()
}
