//! HTML pages, one module per area and one template struct per page.

pub(crate) mod admin;
mod attachments;
pub(crate) mod campaigns;
mod home;
mod honors;
mod imports;
mod instruments;
mod login;
mod members;
pub(crate) mod orgs;
mod search;
mod sectors;
mod standards;
pub(crate) mod stats;
mod terms;
mod tree;
mod units;

use std::collections::HashMap;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::Redirect;
use axum::routing::{get, post};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/orgs", get(tree::show))
        .route("/orgs/{id}/children", get(tree::children))
        .route("/orgs/new", get(orgs::new_form).post(orgs::create))
        .route("/orgs/{id}", get(orgs::show))
        .route("/orgs/{id}/edit", get(orgs::edit_form).post(orgs::update))
        .route("/orgs/{id}/move", get(orgs::move_form).post(orgs::move_org))
        .route("/orgs/{id}/merge", post(orgs::merge))
        .route("/orgs/{id}/close", post(orgs::close))
        .route("/orgs/{id}/members", get(orgs::roster))
        .route("/orgs/{id}/officers", post(orgs::add_officer))
        .route("/officers/{id}/end", post(orgs::end_officer))
        .route("/orgs/{id}/committees", post(orgs::set_committee))
        .route("/orgs/{id}/guidance", post(orgs::add_guidance))
        .route("/units/new", get(units::new_form).post(units::create))
        .route("/units/{id}", get(units::show))
        .route(
            "/units/{id}/edit",
            get(units::edit_form).post(units::update),
        )
        .route("/units/{id}/cover", post(units::cover))
        .route("/units/{id}/uncover", post(units::uncover))
        .route("/members/new", get(members::new_form).post(members::create))
        .route("/members/{id}", get(members::show))
        .route(
            "/members/{id}/edit",
            get(members::edit_form).post(members::update),
        )
        .route(
            "/members/{id}/transfer",
            get(members::transfer_form).post(members::transfer),
        )
        .route("/members/{id}/status", post(members::set_status))
        .route("/search", get(search::show))
        .route("/search/suggest", get(search::suggest))
        .route("/members/{id}/reveal", post(members::reveal))
        .route("/login", get(login::form).post(login::login))
        .route("/login/totp", get(login::totp_form).post(login::totp))
        .route("/logout", post(login::logout))
        .route(
            "/account/password",
            get(login::password_form).post(login::change_password),
        )
        .route(
            "/account/totp",
            get(login::totp_enrol_form).post(login::totp_begin),
        )
        .route("/account/totp/enable", post(login::totp_enable))
        .route(
            "/admin/accounts",
            get(admin::accounts).post(admin::create_account),
        )
        .route("/admin/accounts/{id}", get(admin::account))
        .route("/admin/accounts/{id}/password", post(admin::reset_password))
        .route("/admin/accounts/{id}/disable", post(admin::disable))
        .route("/admin/accounts/{id}/enable", post(admin::enable))
        .route("/admin/accounts/{id}/role", post(admin::set_role))
        .route("/admin/accounts/{id}/assign", post(admin::assign))
        .route("/admin/audit", get(admin::audit))
        // 组建行业工会联合会、行业视图、一行一会 (sector federations)
        .route(
            "/orgs/{id}/sector-federations/new",
            get(sectors::new_form).post(sectors::create),
        )
        .route("/orgs/{id}/sector", get(sectors::show))
        .route("/orgs/{id}/sector/join", post(sectors::join))
        .route("/orgs/{id}/sector/leave", post(sectors::leave))
        .route("/orgs/{id}/sector/profile", post(sectors::profile))
        .route("/officers/{id}/substitute", post(sectors::substitute))
        .route("/orgs/{id}/sector-plan", get(sectors::plan))
        .route("/orgs/{id}/sector-plan.xlsx", get(sectors::plan_xlsx))
        // 任期与换届、组织建设提醒
        .route(
            "/orgs/{id}/terms",
            get(terms::show).post(terms::record_term),
        )
        .route("/orgs/{id}/elections", post(terms::start_election))
        .route("/orgs/{id}/election", get(terms::election))
        .route("/orgs/{id}/election/step", post(terms::step))
        .route("/orgs/{id}/election/approve", post(terms::approve))
        .route("/orgs/{id}/election/cancel", post(terms::cancel))
        .route(
            "/orgs/{id}/election/officers",
            post(terms::add_elected_officer),
        )
        .route(
            "/orgs/{id}/election/committees",
            post(terms::set_elected_committees),
        )
        .route("/orgs/{id}/reminders", get(terms::reminders))
        .route("/orgs/{id}/reminders/list", get(terms::reminder_list))
        .route("/orgs/{id}/reminders/export", get(terms::reminder_export))
        // 主席协议、律师副主席、四个到位、双亮 (city instruments)
        .route(
            "/orgs/{id}/chair-agreements",
            get(instruments::chair::show).post(instruments::chair::create),
        )
        .route(
            "/orgs/{id}/chair-agreements/settings",
            post(instruments::chair::settings),
        )
        .route(
            "/orgs/{id}/chair-agreements/assess",
            post(instruments::chair::assess),
        )
        .route(
            "/orgs/{id}/chair-agreements/end",
            post(instruments::chair::end),
        )
        .route(
            "/orgs/{id}/lawyers",
            get(instruments::lawyers::show).post(instruments::lawyers::appoint),
        )
        .route("/orgs/{id}/lawyers/end", post(instruments::lawyers::end))
        .route(
            "/orgs/{id}/four-in-place",
            get(instruments::parks::show).post(instruments::parks::check),
        )
        .route(
            "/orgs/{id}/four-in-place/subsidy",
            post(instruments::parks::subsidy),
        )
        .route("/orgs/{id}/parks", get(instruments::parks::list))
        .route(
            "/orgs/{id}/dual-display",
            get(instruments::dual::show).post(instruments::dual::record),
        )
        .route(
            "/orgs/{id}/dual-display/settings",
            post(instruments::dual::settings),
        )
        // 导入 (imports): only the upload takes large bodies
        .route(
            "/imports",
            get(imports::index)
                .post(imports::upload)
                .layer(DefaultBodyLimit::max(imports::UPLOAD_LIMIT)),
        )
        .route("/imports/template/{file}", get(imports::template))
        .route("/imports/{id}", get(imports::preview))
        .route("/imports/{id}/commit", post(imports::commit))
        .route("/imports/{id}/progress", get(imports::progress))
        .route("/imports/{id}/result", get(imports::result))
        .route("/imports/{id}/result.xlsx", get(imports::result_xlsx))
        // 统计驾驶舱、统计名单、逐一摸底、五个清摸底
        .route("/orgs/{id}/dashboard", get(stats::dashboard))
        .route("/orgs/{id}/dashboard.xlsx", get(stats::dashboard_xlsx))
        .route("/orgs/{id}/stats/list", get(stats::stats_list))
        .route("/orgs/{id}/stats/list.xlsx", get(stats::stats_list_xlsx))
        .route("/orgs/{id}/worklist", get(stats::worklist))
        .route("/orgs/{id}/worklist.xlsx", get(stats::worklist_xlsx))
        .route(
            "/units/{id}/survey",
            get(stats::survey_form).post(stats::survey),
        )
        // ---- 附件 (attachments) ----
        // The upload routes belong to the records the files are evidence for (they carry
        // `crate::uploads::upload_body_limit()`); these serve what was stored.
        .route("/attachments/{id}", get(attachments::show))
        .route("/attachments/{id}/thumb", get(attachments::thumb))
        // ---- 标准、荣誉、评选条件 (standards, honors, eligibility rules) ----
        .route("/standards", get(standards::list))
        .route(
            "/standards/new",
            get(standards::new_form).post(standards::create),
        )
        .route("/standards/{id}", get(standards::show))
        .route(
            "/standards/{id}/edit",
            get(standards::edit_form).post(standards::update),
        )
        .route("/standards/{id}/copy", post(standards::copy))
        .route("/standards/{id}/archive", post(standards::archive))
        .route(
            "/standards/{id}/versions/{version}",
            get(standards::version),
        )
        .route("/eligibility-rules", get(honors::rules))
        .route(
            "/eligibility-rules/new",
            get(honors::new_rule_form).post(honors::create_rule),
        )
        .route("/eligibility-rules/{id}/toggle", post(honors::toggle_rule))
        .route("/orgs/{id}/honors", get(honors::list))
        .route("/orgs/{id}/honors.xlsx", get(honors::list_xlsx))
        .route(
            "/orgs/{id}/honors/new",
            get(honors::new_form).post(honors::create),
        )
        .route("/honors/{id}/revoke", post(honors::revoke))
        // ---- 达标创建、考核验收、公示、待办 (campaigns, assessments, notices, inbox) ----
        .route("/orgs/{id}/campaigns", get(campaigns::list))
        .route(
            "/orgs/{id}/campaigns/new",
            get(campaigns::new_form).post(campaigns::create),
        )
        .route("/campaigns/{id}", get(campaigns::show))
        .route(
            "/campaigns/{id}/progress.xlsx",
            get(campaigns::progress_xlsx),
        )
        .route(
            "/campaigns/{id}/assessors",
            get(campaigns::assessors).post(campaigns::change_assessors),
        )
        .route(
            "/campaigns/{id}/notices/new",
            get(campaigns::notices::new_form).post(campaigns::notices::create),
        )
        .route("/notices/{id}", get(campaigns::notices::show))
        .route("/notices/{id}/grant", post(campaigns::notices::grant))
        .route("/assessments/{id}", get(campaigns::assessment::show))
        .route(
            "/assessments/{id}/self-review",
            post(campaigns::assessment::save).layer(crate::uploads::upload_body_limit()),
        )
        .route(
            "/assessments/{id}/evidence",
            post(campaigns::assessment::upload).layer(crate::uploads::upload_body_limit()),
        )
        .route(
            "/assessments/{id}/evidence/{eid}/remove",
            post(campaigns::assessment::remove).layer(crate::uploads::upload_body_limit()),
        )
        .route(
            "/assessments/{id}/submit",
            post(campaigns::assessment::submit).layer(crate::uploads::upload_body_limit()),
        )
        .route(
            "/assessments/{id}/review",
            post(campaigns::assessment::review),
        )
        .route(
            "/assessments/{id}/return",
            post(campaigns::assessment::return_it),
        )
        .route(
            "/assessments/{id}/decide",
            post(campaigns::assessment::decide),
        )
        .route(
            "/assessments/{id}/reward",
            post(campaigns::assessment::reward),
        )
        .route("/inbox", get(campaigns::inbox))
}

/// After a successful write, go to the record's page with a one-line notice.
pub(crate) fn done(path: &str, notice: &str) -> Redirect {
    let sep = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{sep}done={notice}"))
}

/// The notice texts a `done=` code stands for; unknown codes show nothing.
pub(crate) fn notice(q: &HashMap<String, String>) -> Option<String> {
    let text = match q.get("done")?.as_str() {
        "created" => "已保存。",
        "updated" => "修改已保存。",
        "moved" => "隶属关系已调整，原关系已作为历史保留。",
        "merged" => "已合并，原组织已撤销。",
        "closed" => "该工会已撤销。",
        "officer" => "任职信息已保存。",
        "committee" => "委员会信息已保存。",
        "linked" => "关系已登记。",
        "covered" => "覆盖关系已登记。",
        "uncovered" => "已解除覆盖。",
        "joined" => "会员已登记。",
        "transferred" => "会籍转接已办理。",
        "status" => "会籍状态已更新。",
        "term" => "任期已登记。",
        "election" => "换届选举已发起，请按步骤逐步办理。",
        "step" => "已登记，请继续办理下一步。",
        "elected" => {
            "换届选举已完成：新一届任期已开始，上一届三委会成员已于大会之日离任。请登记新一届领导班子和三委会。"
        }
        "cancelled" => "本次换届选举已撤销，办理记录保留为历史。",
        _ => return None,
    };
    Some(text.to_owned())
}

/// Region and industry codes as people read them.
pub(crate) fn region_label(code: Option<&str>) -> String {
    match code {
        Some(c) => match gonghui_domain::RegionCode::parse(c) {
            Ok(r) => format!("{}（{}）", r.full_name(), c),
            Err(_) => c.to_owned(),
        },
        None => "未填写".into(),
    }
}

pub(crate) fn industry_label(code: Option<&str>) -> String {
    match code {
        Some(c) => match gonghui_domain::IndustryCode::parse(c) {
            Ok(i) => format!("{} {}", c, i.name()),
            Err(_) => c.to_owned(),
        },
        None => "未填写".into(),
    }
}
