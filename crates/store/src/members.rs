//! 会员 (`Member`) and 会籍: one row per person (the ID number is unique), so a person can hold
//! only one active membership in the whole system; every join, transfer and exit is a row in
//! `memberships`, which is the history.

use chrono::{NaiveDate, Utc};
use gonghui_domain::{
    Education, IdNumber, JoinMethod, MemberStatus, NewEmploymentGroup, Phone, Sex, mask_name,
    search_keys,
};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::Serialize;

use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::orgs::{Org, load_active};
use crate::schema::{Members, Memberships, Orgs};
use crate::{Error, Result, Store};

/// A member as stored. `id_number` and `phone` hold full values: callers show
/// [`Member::id_masked`] / [`Member::phone_masked`] unless the viewer may see more.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Member {
    pub id: i64,
    pub id_number: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub phone: Option<String>,
    pub ethnicity: Option<String>,
    pub education: Option<String>,
    pub migrant_worker: bool,
    pub dispatched_worker: bool,
    pub new_employment_group: Option<String>,
    pub join_date: NaiveDate,
    #[sqlx(try_from = "String")]
    pub join_method: JoinMethod,
    #[sqlx(try_from = "String")]
    pub status: MemberStatus,
    pub org_id: Option<i64>,
}

impl Member {
    pub fn id_masked(&self) -> String {
        IdNumber::parse(&self.id_number)
            .map(|i| i.masked())
            .unwrap_or_else(|_| "******".into())
    }

    pub fn phone_masked(&self) -> Option<String> {
        self.phone.as_deref().map(|p| {
            Phone::parse(p)
                .map(|p| p.masked())
                .unwrap_or_else(|_| "****".into())
        })
    }

    pub fn education(&self) -> Option<Education> {
        self.education.as_deref().and_then(Education::from_code)
    }

    pub fn new_employment_group(&self) -> Option<NewEmploymentGroup> {
        self.new_employment_group
            .as_deref()
            .and_then(NewEmploymentGroup::from_code)
    }

    /// The record with personal data masked, as lists, exports and the audit trail carry it.
    pub fn masked(&self) -> MaskedMember {
        MaskedMember {
            id: self.id,
            name: self.name.clone(),
            id_number: self.id_masked(),
            sex: self.sex,
            birth_date: self.birth_date,
            phone: self.phone_masked(),
            ethnicity: self.ethnicity.clone(),
            education: self.education(),
            migrant_worker: self.migrant_worker,
            dispatched_worker: self.dispatched_worker,
            new_employment_group: self.new_employment_group(),
            join_date: self.join_date,
            join_method: self.join_method,
            status: self.status,
            org_id: self.org_id,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MaskedMember {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    #[schema(value_type = String)]
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub phone: Option<String>,
    pub ethnicity: Option<String>,
    #[schema(value_type = Option<String>)]
    pub education: Option<Education>,
    pub migrant_worker: bool,
    pub dispatched_worker: bool,
    #[schema(value_type = Option<String>)]
    pub new_employment_group: Option<NewEmploymentGroup>,
    pub join_date: NaiveDate,
    #[schema(value_type = String)]
    pub join_method: JoinMethod,
    #[schema(value_type = String)]
    pub status: MemberStatus,
    pub org_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct MemberInput {
    pub name: String,
    pub id_number: IdNumber,
    pub phone: Option<Phone>,
    pub ethnicity: Option<String>,
    pub education: Option<Education>,
    pub migrant_worker: bool,
    pub dispatched_worker: bool,
    pub new_employment_group: Option<NewEmploymentGroup>,
    pub join_date: NaiveDate,
    pub join_method: JoinMethod,
}

/// The audit trail never stores full ID numbers or phones.
#[derive(Serialize)]
struct AuditMember<'a> {
    name: String,
    id_number: String,
    org_id: Option<i64>,
    status: &'a str,
}

fn audit_view(m: &Member) -> AuditMember<'_> {
    AuditMember {
        name: mask_name(&m.name),
        id_number: m.id_masked(),
        org_id: m.org_id,
        status: m.status.code(),
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct MembershipPeriod {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub end_reason: Option<String>,
}

pub(crate) fn select_members() -> SelectStatement {
    Query::select()
        .columns([
            (Members::Table, Members::Id),
            (Members::Table, Members::IdNumber),
            (Members::Table, Members::Name),
            (Members::Table, Members::Sex),
            (Members::Table, Members::BirthDate),
            (Members::Table, Members::Phone),
            (Members::Table, Members::Ethnicity),
            (Members::Table, Members::Education),
            (Members::Table, Members::MigrantWorker),
            (Members::Table, Members::DispatchedWorker),
            (Members::Table, Members::NewEmploymentGroup),
            (Members::Table, Members::JoinDate),
            (Members::Table, Members::JoinMethod),
            (Members::Table, Members::Status),
            (Members::Table, Members::OrgId),
        ])
        .from(Members::Table)
        .to_owned()
}

async fn load(tx: &mut Tx, id: i64) -> Result<Member> {
    tx.optional(
        &select_members()
            .and_where(Expr::col((Members::Table, Members::Id)).eq(id))
            .to_owned(),
    )
    .await?
    .ok_or(Error::NotFound("会员"))
}

pub(crate) async fn by_id_number(tx: &mut Tx, id_number: &str) -> Result<Option<Member>> {
    tx.optional(
        &select_members()
            .and_where(Expr::col((Members::Table, Members::IdNumber)).eq(id_number))
            .to_owned(),
    )
    .await
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

pub(crate) fn check_input(input: &MemberInput) -> Result<String> {
    check_input_at(input, today())
}

/// The birth date of a checked ID number, read off its digits (`IdNumber::birth_date` parses
/// them with a format string, which a big import would do twice for each of its rows).
fn birth_date(id: &IdNumber) -> NaiveDate {
    let digits = id.as_str().as_bytes();
    let num = |from: usize, to: usize| {
        digits.get(from..to).and_then(|d| {
            d.iter().try_fold(0u32, |n, b| {
                b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
            })
        })
    };
    match (num(6, 10), num(10, 12), num(12, 14)) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
        _ => None,
    }
    .unwrap_or_else(|| id.birth_date())
}

/// [`check_input`] on a given day (an import checks many rows against one today).
pub(crate) fn check_input_at(input: &MemberInput, today: NaiveDate) -> Result<String> {
    let name = gonghui_domain::check_person_name(&input.name).map_err(Error::field("name"))?;
    if input.join_date > today {
        return Err(Error::invalid("join_date", "入会日期不能晚于今天"));
    }
    if input.join_date < birth_date(&input.id_number) {
        return Err(Error::invalid(
            "join_date",
            "入会日期不能早于出生日期，请核对",
        ));
    }
    Ok(name)
}

async fn open_membership(tx: &mut Tx, member_id: i64, org_id: i64, from: NaiveDate) -> Result<()> {
    tx.execute(
        &Query::insert()
            .into_table(Memberships::Table)
            .columns([
                Memberships::MemberId,
                Memberships::OrgId,
                Memberships::ValidFrom,
            ])
            .values_panic([member_id.into(), org_id.into(), from.into()])
            .to_owned(),
    )
    .await?;
    Ok(())
}

async fn close_membership(
    tx: &mut Tx,
    member_id: i64,
    date: NaiveDate,
    reason: &str,
) -> Result<()> {
    // A back-dated change would leave a history row that ends before it begins.
    if let Some((from,)) = period_bound(tx, member_id, Memberships::ValidFrom, true).await?
        && date < from
    {
        return Err(Error::invalid(
            "date",
            format!("日期不能早于现会籍的开始日期 {from}"),
        ));
    }
    tx.execute(
        &Query::update()
            .table(Memberships::Table)
            .values([
                (Memberships::ValidTo, date.into()),
                (Memberships::EndReason, reason.into()),
            ])
            .and_where(Expr::col(Memberships::MemberId).eq(member_id))
            .and_where(Expr::col(Memberships::ValidTo).is_null())
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// The start of the open period (`open`), or the latest end of a closed one.
async fn period_bound(
    tx: &mut Tx,
    member_id: i64,
    col: Memberships,
    open: bool,
) -> Result<Option<(NaiveDate,)>> {
    let mut q = Query::select()
        .column(col)
        .from(Memberships::Table)
        .and_where(Expr::col(Memberships::MemberId).eq(member_id))
        .order_by(col, Order::Desc)
        .limit(1)
        .to_owned();
    q.and_where(if open {
        Expr::col(Memberships::ValidTo).is_null()
    } else {
        Expr::col(Memberships::ValidTo).is_not_null()
    });
    tx.optional(&q).await
}

/// Move every member of `from` to `into` (used when unions merge).
pub(crate) async fn transfer_all_in(
    tx: &mut Tx,
    from: i64,
    into: i64,
    date: NaiveDate,
) -> Result<()> {
    let ids: Vec<(i64,)> = tx
        .all(
            &Query::select()
                .column(Members::Id)
                .from(Members::Table)
                .and_where(Expr::col(Members::OrgId).eq(from))
                .to_owned(),
        )
        .await?;
    for (id,) in ids {
        close_membership(tx, id, date, "工会合并").await?;
        open_membership(tx, id, into, date).await?;
    }
    tx.execute(
        &Query::update()
            .table(Members::Table)
            .values([
                (Members::OrgId, into.into()),
                (Members::UpdatedAt, Utc::now().into()),
            ])
            .and_where(Expr::col(Members::OrgId).eq(from))
            .to_owned(),
    )
    .await?;
    crate::stats::counts::refresh_orgs(tx, &[from, into]).await?;
    Ok(())
}

fn ensure_grassroots(org: &Org) -> Result<()> {
    if org.kind != gonghui_domain::OrgKind::Grassroots {
        return Err(Error::invalid(
            "org_id",
            format!("会员应登记在基层工会，{}是{}", org.name, org.kind_label()),
        ));
    }
    Ok(())
}

impl Store {
    /// Register a member in grassroots union `org_id`. A person who left earlier rejoins on
    /// their old record; a person who is an active member elsewhere is refused with the union
    /// that holds them, so the clerk can arrange a transfer instead.
    pub async fn create_member(
        &self,
        actor: &Actor,
        org_id: i64,
        input: MemberInput,
    ) -> Result<i64> {
        let name = check_input(&input)?;
        let mut tx = self.begin().await?;
        let org = load_active(&mut tx, org_id, "org_id").await?;
        ensure_grassroots(&org)?;
        let keys = search_keys(&name);
        let now = Utc::now();
        let existing = by_id_number(&mut tx, input.id_number.as_str()).await?;
        let id = match existing {
            Some(m) if m.status.is_active() => {
                return Err(Error::HeldElsewhere {
                    holder_org_id: m.org_id,
                    masked_id: input.id_number.masked(),
                });
            }
            Some(m) => {
                if let Some((ended,)) =
                    period_bound(&mut tx, m.id, Memberships::ValidTo, false).await?
                    && input.join_date < ended
                {
                    return Err(Error::invalid(
                        "join_date",
                        format!("入会日期不能早于上次会籍结束的日期 {ended}，请核对"),
                    ));
                }
                tx.execute(
                    &Query::update()
                        .table(Members::Table)
                        .values(member_values(&input, &name, &keys, org_id))
                        .value(Members::UpdatedAt, now)
                        .and_where(Expr::col(Members::Id).eq(m.id))
                        .to_owned(),
                )
                .await?;
                m.id
            }
            None => {
                let mut cols = vec![Members::IdNumber, Members::CreatedAt, Members::UpdatedAt];
                let mut vals: Vec<Expr> =
                    vec![input.id_number.as_str().into(), now.into(), now.into()];
                for (c, v) in member_values(&input, &name, &keys, org_id) {
                    cols.push(c);
                    vals.push(v);
                }
                tx.insert_id(
                    Query::insert()
                        .into_table(Members::Table)
                        .columns(cols)
                        .values_panic(vals)
                        .to_owned(),
                )
                .await?
            }
        };
        open_membership(&mut tx, id, org_id, input.join_date).await?;
        crate::stats::counts::refresh_orgs(&mut tx, &[org_id]).await?;
        let m = load(&mut tx, id).await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "member.join",
            Target::new("member", Some(id), m.org_id),
            None,
            Some(&audit_view(&m)),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Edit a member's own data. The ID number identifies the person and cannot be edited
    /// here: a wrong number is corrected by the issuing union's administrator.
    pub async fn update_member(&self, actor: &Actor, id: i64, input: MemberInput) -> Result<()> {
        let name = check_input(&input)?;
        let mut tx = self.begin().await?;
        let before = load(&mut tx, id).await?;
        if before.id_number != input.id_number.as_str() {
            return Err(Error::invalid(
                "id_number",
                "身份证号码是会员的唯一标识，不能在此修改",
            ));
        }
        let keys = search_keys(&name);
        let org_id = before.org_id.unwrap_or_default();
        let mut values = member_values(&input, &name, &keys, org_id);
        // Editing personal data never changes where the membership is held.
        values.retain(|(c, _)| !matches!(c, Members::OrgId | Members::Status));
        tx.execute(
            &Query::update()
                .table(Members::Table)
                .values(values)
                .value(Members::UpdatedAt, Utc::now())
                .and_where(Expr::col(Members::Id).eq(id))
                .to_owned(),
        )
        .await?;
        let after = load(&mut tx, id).await?;
        let orgs: Vec<i64> = before.org_id.into_iter().collect();
        crate::stats::counts::refresh_orgs(&mut tx, &orgs).await?;
        audit::record(
            &mut tx,
            actor,
            "member.update",
            Target::new("member", Some(id), after.org_id),
            Some(&audit_view(&before)),
            Some(&audit_view(&after)),
        )
        .await?;
        tx.commit().await
    }

    /// 会籍转接: move an active membership to another grassroots union from `date`.
    pub async fn transfer_member(
        &self,
        actor: &Actor,
        id: i64,
        to_org: i64,
        date: Option<NaiveDate>,
    ) -> Result<()> {
        let date = date.unwrap_or_else(today);
        let mut tx = self.begin().await?;
        let before = load(&mut tx, id).await?;
        if !before.status.is_active() {
            return Err(Error::rule(format!(
                "{}目前不在籍（{}），请重新办理入会",
                mask_name(&before.name),
                before.status.label()
            )));
        }
        if before.org_id == Some(to_org) {
            return Err(Error::invalid("to_org", "转入工会与现在所在工会相同"));
        }
        let org = load_active(&mut tx, to_org, "to_org").await?;
        ensure_grassroots(&org).map_err(|e| match e {
            Error::Invalid { message, .. } => Error::invalid("to_org", message),
            e => e,
        })?;
        // The reason names no union: the next period says where the membership went, and its
        // name is shown only to those who may see that union.
        close_membership(&mut tx, id, date, "会籍转接").await?;
        open_membership(&mut tx, id, to_org, date).await?;
        tx.execute(
            &Query::update()
                .table(Members::Table)
                .values([
                    (Members::OrgId, to_org.into()),
                    (Members::Status, MemberStatus::Active.code().into()),
                    (Members::UpdatedAt, Utc::now().into()),
                ])
                .and_where(Expr::col(Members::Id).eq(id))
                .to_owned(),
        )
        .await?;
        let after = load(&mut tx, id).await?;
        let orgs: Vec<i64> = before.org_id.into_iter().chain([to_org]).collect();
        crate::stats::counts::refresh_orgs(&mut tx, &orgs).await?;
        audit::record(
            &mut tx,
            actor,
            "member.transfer",
            Target::new("member", Some(id), after.org_id),
            Some(&audit_view(&before)),
            Some(&audit_view(&after)),
        )
        .await?;
        tx.commit().await
    }

    /// Change membership status: 保留会籍 keeps the union; 退会 ends the membership.
    pub async fn set_member_status(
        &self,
        actor: &Actor,
        id: i64,
        status: MemberStatus,
        date: Option<NaiveDate>,
    ) -> Result<()> {
        let date = date.unwrap_or_else(today);
        let mut tx = self.begin().await?;
        let before = load(&mut tx, id).await?;
        if before.status == status {
            return Err(Error::invalid(
                "status",
                format!("会籍状态已是“{}”", status.label()),
            ));
        }
        match status {
            MemberStatus::Active | MemberStatus::Retained => {
                if !before.status.is_active() {
                    return Err(Error::invalid("status", "已退会或转出的人员请重新办理入会"));
                }
            }
            MemberStatus::Left | MemberStatus::TransferredOut => {
                if !before.status.is_active() {
                    return Err(Error::invalid("status", "该人员目前不在籍"));
                }
                close_membership(&mut tx, id, date, status.label()).await?;
            }
        }
        let org: Option<i64> = if status.is_active() {
            before.org_id
        } else {
            None
        };
        tx.execute(
            &Query::update()
                .table(Members::Table)
                .values([
                    (Members::Status, status.code().into()),
                    (Members::OrgId, org.into()),
                    (Members::UpdatedAt, Utc::now().into()),
                ])
                .and_where(Expr::col(Members::Id).eq(id))
                .to_owned(),
        )
        .await?;
        let after = load(&mut tx, id).await?;
        let orgs: Vec<i64> = before.org_id.into_iter().collect();
        crate::stats::counts::refresh_orgs(&mut tx, &orgs).await?;
        audit::record(
            &mut tx,
            actor,
            "member.status",
            Target::new("member", Some(id), before.org_id),
            Some(&audit_view(&before)),
            Some(&audit_view(&after)),
        )
        .await?;
        tx.commit().await
    }

    pub async fn member(&self, id: i64) -> Result<Member> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }

    pub async fn member_by_id_number(&self, id_number: &IdNumber) -> Result<Option<Member>> {
        let mut tx = self.read().await?;
        by_id_number(&mut tx, id_number.as_str()).await
    }

    /// The roster (会员名册) of one grassroots union.
    pub async fn members_of(&self, org_id: i64, offset: u64, limit: u64) -> Result<Vec<Member>> {
        let mut tx = self.read().await?;
        tx.all(
            &select_members()
                .and_where(Expr::col((Members::Table, Members::OrgId)).eq(org_id))
                .order_by((Members::Table, Members::NamePinyin), Order::Asc)
                .order_by((Members::Table, Members::Id), Order::Asc)
                .limit(limit)
                .offset(offset)
                .to_owned(),
        )
        .await
    }

    pub async fn member_count_of(&self, org_id: i64) -> Result<i64> {
        let mut tx = self.read().await?;
        tx.scalar(
            &Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from(Members::Table)
                .and_where(Expr::col(Members::OrgId).eq(org_id))
                .to_owned(),
        )
        .await
    }

    /// Membership history of a person, newest first.
    pub async fn memberships(&self, member_id: i64) -> Result<Vec<MembershipPeriod>> {
        let mut tx = self.read().await?;
        tx.all(
            &Query::select()
                .columns([
                    (Memberships::Table, Memberships::Id),
                    (Memberships::Table, Memberships::OrgId),
                    (Memberships::Table, Memberships::ValidFrom),
                    (Memberships::Table, Memberships::ValidTo),
                    (Memberships::Table, Memberships::EndReason),
                ])
                .expr_as(Expr::col((Orgs::Table, Orgs::Name)), "org_name")
                .expr_as(Expr::col((Orgs::Table, Orgs::Path)), "org_path")
                .from(Memberships::Table)
                .inner_join(
                    Orgs::Table,
                    Expr::col((Orgs::Table, Orgs::Id))
                        .equals((Memberships::Table, Memberships::OrgId)),
                )
                .and_where(Expr::col((Memberships::Table, Memberships::MemberId)).eq(member_id))
                .order_by((Memberships::Table, Memberships::ValidFrom), Order::Desc)
                .order_by((Memberships::Table, Memberships::Id), Order::Desc)
                .to_owned(),
        )
        .await
    }
}

/// One stored column of a member, borrowed from the input (the member import binds these
/// without copying them; [`member_values`] turns them into statement values).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Field<'a> {
    Text(Option<&'a str>),
    Bool(bool),
    Int(i64),
    Date(NaiveDate),
}

impl Field<'_> {
    fn expr(self) -> Expr {
        match self {
            Field::Text(t) => t.map(str::to_owned).into(),
            Field::Bool(b) => b.into(),
            Field::Int(i) => i.into(),
            Field::Date(d) => d.into(),
        }
    }
}

/// The columns a member's own data fills, in the order [`member_values`] gives them.
pub(crate) fn member_fields<'a>(
    input: &'a MemberInput,
    name: &'a str,
    keys: &'a gonghui_domain::SearchKeys,
    org_id: i64,
) -> [(Members, Field<'a>); 15] {
    [
        (Members::Name, Field::Text(Some(name))),
        (Members::NamePinyin, Field::Text(Some(&keys.full))),
        (Members::NameInitials, Field::Text(Some(&keys.initials))),
        (
            Members::Sex,
            Field::Text(Some(input.id_number.sex().code())),
        ),
        (
            Members::BirthDate,
            Field::Date(birth_date(&input.id_number)),
        ),
        (
            Members::Phone,
            Field::Text(input.phone.as_ref().map(|p| p.as_str())),
        ),
        (
            Members::Ethnicity,
            Field::Text(
                input
                    .ethnicity
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty()),
            ),
        ),
        (
            Members::Education,
            Field::Text(input.education.map(|e| e.code())),
        ),
        (Members::MigrantWorker, Field::Bool(input.migrant_worker)),
        (
            Members::DispatchedWorker,
            Field::Bool(input.dispatched_worker),
        ),
        (
            Members::NewEmploymentGroup,
            Field::Text(input.new_employment_group.map(|g| g.code())),
        ),
        (Members::JoinDate, Field::Date(input.join_date)),
        (
            Members::JoinMethod,
            Field::Text(Some(input.join_method.code())),
        ),
        (
            Members::Status,
            Field::Text(Some(MemberStatus::Active.code())),
        ),
        (Members::OrgId, Field::Int(org_id)),
    ]
}

pub(crate) fn member_values(
    input: &MemberInput,
    name: &str,
    keys: &gonghui_domain::SearchKeys,
    org_id: i64,
) -> Vec<(Members, Expr)> {
    member_fields(input, name, keys, org_id)
        .into_iter()
        .map(|(c, f)| (c, f.expr()))
        .collect()
}
