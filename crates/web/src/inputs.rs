//! Turning submitted text into the store's inputs. Pages and the JSON API both go through
//! these functions, so a rule or a message is written once and reads the same everywhere.

use gonghui_domain::{
    AreaKind, Education, GrassrootsKind, IdNumber, IndustryCode, JoinMethod, NewEmploymentGroup,
    OrgKind, Ownership, Phone, RegionCode, Uscc,
};
use gonghui_store::{MemberInput, OrgInput, SearchScope, Store, UnitInput, Visibility};

use crate::forms::FormState;

pub fn org_input(f: &mut FormState) -> Option<OrgInput> {
    let name = f.required("name", "工会名称");
    let kind = f.parse_req("kind", "工会类型", |s| {
        OrgKind::from_label(s).ok_or("请从列表中选择工会类型")
    });
    let sub_kind = f.parse_opt("sub_kind", |s| {
        GrassrootsKind::from_label(s)
            .map(|g| g.code())
            .or_else(|| AreaKind::from_label(s).map(|a| a.code()))
            .map(str::to_owned)
            .ok_or("请从列表中选择细分类型")
    });
    let region = f.parse_opt("region_code", RegionCode::parse);
    let industry = f.parse_opt("industry_code", IndustryCode::parse);
    let founded_on = f.date_opt("founded_on");
    let uscc = f.parse_opt("uscc", Uscc::parse);
    if f.has_errors() {
        return None;
    }
    Some(OrgInput {
        kind: kind?,
        sub_kind,
        name: name?,
        short_name: f.text("short_name"),
        region,
        industry,
        founded_on,
        uscc,
        legal_person_cert: f.text("legal_person_cert"),
        independent_account: f.checked("independent_account"),
        address: f.text("address"),
        contact_person: f.text("contact_person"),
        contact_phone: f.text("contact_phone"),
    })
}

pub fn unit_input(f: &mut FormState) -> Option<UnitInput> {
    let uscc = f.parse_req("uscc", "统一社会信用代码", Uscc::parse);
    let name = f.required("name", "单位名称");
    let region = f.parse_req("region_code", "行政区划代码", RegionCode::parse);
    let industry = f.parse_opt("industry_code", IndustryCode::parse);
    let ownership = f.parse_req("ownership", "经济类型", |s| {
        Ownership::from_label(s).ok_or("请从列表中选择经济类型")
    });
    let employees = f.count_req("employees", "职工人数");
    let women = if f.text("women_employees").is_some() {
        f.count_req("women_employees", "女职工人数")
    } else {
        Some(0)
    };
    if f.has_errors() {
        return None;
    }
    Some(UnitInput {
        uscc: uscc?,
        name: name?,
        region: region?,
        industry,
        ownership: ownership?,
        employees: employees?,
        women_employees: women?,
        above_scale: f.checked("above_scale"),
        dispatch_agency: f.checked("dispatch_agency"),
        park: f.text("park"),
    })
}

pub fn member_input(f: &mut FormState) -> Option<MemberInput> {
    let name = f.required("name", "姓名");
    let id_number = f.parse_req("id_number", "身份证号码", IdNumber::parse);
    let phone = f.parse_opt("phone", Phone::parse);
    let join_date = f.date_req("join_date", "入会日期");
    let join_method = f.parse_req("join_method", "入会方式", |s| {
        JoinMethod::from_label(s).ok_or("请从列表中选择入会方式")
    });
    let education = f.parse_opt("education", |s| {
        Education::from_label(s).ok_or("请从列表中选择学历")
    });
    let group = f.parse_opt("new_employment_group", |s| {
        NewEmploymentGroup::from_label(s).ok_or("请从列表中选择新就业形态群体")
    });
    if f.has_errors() {
        return None;
    }
    Some(MemberInput {
        name: name?,
        id_number: id_number?,
        phone,
        ethnicity: f.text("ethnicity"),
        education,
        migrant_worker: f.checked("migrant_worker"),
        dispatched_worker: f.checked("dispatched_worker"),
        new_employment_group: group,
        join_date: join_date?,
        join_method: join_method?,
    })
}

/// Resolve what a picker field holds: "名称 #123" from a suggestion, a bare id, an exact
/// name, or a USCC. Records a Chinese error on the field when it cannot tell which org.
pub async fn org_ref(
    store: &Store,
    f: &mut FormState,
    field: &str,
    label: &str,
    visible: &Visibility,
) -> Result<Option<i64>, gonghui_store::Error> {
    let Some(raw) = f.text(field) else {
        f.error(field, format!("请选择{label}"));
        return Ok(None);
    };
    if let Some(id) = raw
        .rsplit_once('#')
        .and_then(|(_, d)| d.trim().parse::<i64>().ok())
        .or_else(|| raw.parse().ok())
    {
        return Ok(Some(id));
    }
    let found = store.search(&raw, SearchScope::ORGS, visible, 5).await?;
    let exact: Vec<_> = found
        .orgs
        .iter()
        .filter(|o| o.name == raw || o.uscc.as_deref() == Some(raw.as_str()))
        .collect();
    match (exact.as_slice(), found.orgs.as_slice()) {
        ([one], _) => Ok(Some(one.id)),
        ([], [one]) => Ok(Some(one.id)),
        ([], []) => {
            f.error(
                field,
                format!("没有找到名为“{raw}”的工会，请输入名称中的几个字后从建议中选择"),
            );
            Ok(None)
        }
        _ => {
            f.error(field, format!("“{raw}”对应多个工会，请从建议中选择一个"));
            Ok(None)
        }
    }
}

/// Sub-kinds of grassroots and area unions in one list (the form shows one select).
pub fn sub_kind_options() -> Vec<(&'static str, &'static str)> {
    let mut v = GrassrootsKind::options();
    v.extend(AreaKind::options());
    v
}
