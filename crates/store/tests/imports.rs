//! 导入 (imports) on both engines, from files written by other programs: .xlsx by Python's
//! openpyxl (installed with pip when missing), a GB18030 CSV as Chinese Excel saves it, and
//! malformed files. Every refusal says what is wrong in Chinese and changes nothing; a commit
//! writes all valid rows in one transaction with one audit entry; re-importing changes nothing.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Once;

use common::*;
use gonghui_store::{Error, ImportKind, ImportScope, Preview, RowStatus, Store};

// ---------------------------------------------------------------------------------------------
// Files written by other programs
// ---------------------------------------------------------------------------------------------

static OPENPYXL: Once = Once::new();

fn ensure_openpyxl() {
    OPENPYXL.call_once(|| {
        let have = Command::new("python3")
            .args(["-c", "import openpyxl"])
            .status()
            .is_ok_and(|s| s.success());
        if !have {
            let ok = Command::new("python3")
                .args(["-m", "pip", "install", "--quiet", "openpyxl"])
                .status()
                .is_ok_and(|s| s.success())
                || Command::new("python3")
                    .args([
                        "-m",
                        "pip",
                        "install",
                        "--quiet",
                        "--break-system-packages",
                        "openpyxl",
                    ])
                    .status()
                    .is_ok_and(|s| s.success());
            assert!(ok, "openpyxl is needed: python3 -m pip install openpyxl");
        }
    });
}

/// Run a Python script that writes an .xlsx with openpyxl to `OUT`; returns the bytes.
/// `rows` is a Python expression: a list of rows (lists of cell values).
fn openpyxl(rows: &str, extra: &str) -> Vec<u8> {
    ensure_openpyxl();
    let dir = tempfile::tempdir().expect("tempdir");
    let out: PathBuf = dir.path().join("file.xlsx");
    let script = format!(
        "import openpyxl, datetime\nwb = openpyxl.Workbook()\nws = wb.active\nws.title = '名册'\nfor r in {rows}:\n    ws.append(r)\n{extra}\nwb.save({out:?})\n",
        out = out.to_str().unwrap()
    );
    let status = Command::new("python3")
        .args(["-c", &script])
        .status()
        .expect("run python3");
    assert!(status.success(), "openpyxl script failed:\n{script}");
    std::fs::read(out).expect("read the xlsx")
}

fn gb18030(text: &str) -> Vec<u8> {
    let (bytes, _, bad) = encoding_rs::GB18030.encode(text);
    assert!(!bad);
    bytes.into_owned()
}

fn preview_errors(p: &Preview) -> String {
    p.errors
        .iter()
        .map(|e| format!("{}行 {}：{}", e.line, e.column, e.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The error of `line` (any column containing `column`).
#[track_caller]
fn error_at(p: &Preview, line: usize, column: &str, needle: &str) {
    assert!(
        p.errors
            .iter()
            .any(|e| e.line == line && e.column.contains(column) && e.message.contains(needle)),
        "expected an error at row {line}, column {column}, mentioning “{needle}”; errors:\n{}",
        preview_errors(p)
    );
}

fn status_of(p: &Preview, line: usize) -> RowStatus {
    p.statuses
        .iter()
        .find(|(l, _)| *l == line)
        .map(|(_, s)| *s)
        .unwrap_or_else(|| panic!("no row {line} in {:?}", p.statuses))
}

async fn commit(store: &Store, kind: ImportKind, bytes: &[u8], name: &str) -> Preview {
    store
        .import_commit(&sys(), kind, bytes, name, &ImportScope::everything(), None)
        .await
        .unwrap_or_else(|e| panic!("commit {name}: {e:?}"))
}

async fn preview(store: &Store, kind: ImportKind, bytes: &[u8], name: &str) -> Preview {
    store
        .import_preview(kind, bytes, name, &ImportScope::everything())
        .await
        .unwrap_or_else(|e| panic!("preview {name}: {e:?}"))
}

/// A refused file: the message on the field `file`, and nothing written by preview or commit.
async fn refused(
    eng: &str,
    store: &Store,
    kind: ImportKind,
    bytes: &[u8],
    name: &str,
    needle: &str,
) -> String {
    let before = snapshot(store).await;
    let p = store
        .import_preview(kind, bytes, name, &ImportScope::everything())
        .await;
    let msg = expect_invalid(eng, p, Some("file"), needle);
    let c = store
        .import_commit(&sys(), kind, bytes, name, &ImportScope::everything(), None)
        .await;
    expect_invalid(eng, c, Some("file"), needle);
    assert_unchanged(eng, store, &before, name).await;
    msg
}

/// The statistics maintained in the writing transaction (stats::counts) match a recount.
async fn counts_in_step(eng: &str, store: &Store, what: &str) {
    let diff = gonghui_store::stats::check_maintained_counts(store)
        .await
        .expect("check the maintained counts");
    assert!(
        diff.is_empty(),
        "{eng}: after {what} the maintained counts differ: {diff:?}"
    );
}

fn uscc(region: &str, n: u32) -> String {
    enterprise_uscc(region, n).as_str().to_owned()
}

// ---------------------------------------------------------------------------------------------
// 单位名录
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn units_from_openpyxl_with_header_variants() {
    let (engines, _) = fixtures("units_from_openpyxl").await;
    let good1 = uscc("421081", 501);
    let good2 = uscc("421024", 502);
    let mut bad = uscc("421081", 503);
    let expected = bad.pop().unwrap();
    let wrong = if expected == '0' { '1' } else { '0' };
    bad.push(wrong);
    let spaced: String = good1
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 6 == 5 {
                format!("{c} ")
            } else {
                c.to_string()
            }
        })
        .collect();
    // Header variants, an extra column, full-width digits, a code typed with spaces.
    let rows = format!(
        r#"[["社会信用代码", "企业名称", "区划代码", "登记注册类型", "从业人员数", "其中女职工", "是否“三上”企业", "备注"],
            ["{spaced}", " 石首市华鑫纸业有限公司 ", "４２１０８１", "私营企业", "１２０", 30, "是", "新登记"],
            ["{good2}", "江陵县三湖米业有限公司", 421024, "民营", 45, None, "否", None],
            ["{bad}", "石首市错码商行", "421081", "个体", 3, 1, None, None]]"#
    );
    let file = openpyxl(&rows, "");
    for (eng, store) in engines.iter() {
        let before = audit_count(store).await;
        let p = preview(store, ImportKind::Units, &file, "单位.xlsx").await;
        assert_eq!(p.rows, 3, "{eng}");
        assert_eq!(
            (p.counts.new, p.counts.invalid),
            (2, 1),
            "{eng}: {}",
            preview_errors(&p)
        );
        assert_eq!(p.extra_columns, ["备注"], "{eng}");
        error_at(&p, 4, "统一社会信用代码", &format!("应为 {expected}"));
        assert_eq!(
            audit_count(store).await,
            before,
            "{eng}: a preview writes nothing"
        );

        let r = commit(store, ImportKind::Units, &file, "单位.xlsx").await;
        assert!(r.committed, "{eng}");
        assert_eq!((r.counts.new, r.counts.invalid), (2, 1), "{eng}");
        assert_eq!(
            audit_count(store).await,
            before + 1,
            "{eng}: one audit entry"
        );
        counts_in_step(eng, store, "a units import").await;
        let e = store
            .audit_entries(&Default::default(), 0, 1)
            .await
            .unwrap()
            .remove(0);
        assert_eq!(e.action, "import.units", "{eng}");
        let after: serde_json::Value = serde_json::from_str(e.after.as_deref().unwrap()).unwrap();
        assert_eq!(
            after["counts"]["new"], 2,
            "{eng}: the counts are audited: {e:?}"
        );
        let found = store
            .search(
                &good1,
                gonghui_store::search::SearchScope {
                    orgs: false,
                    units: true,
                    members: false,
                },
                &gonghui_store::Visibility::All,
                5,
            )
            .await
            .unwrap();
        let u = &found.units[0];
        assert_eq!(
            (
                u.name.as_str(),
                u.employees,
                u.women_employees,
                u.above_scale
            ),
            ("石首市华鑫纸业有限公司", 120, 30, true),
            "{eng}: full-width digits and spaces normalized"
        );

        // The same file again: nothing changes, nothing is written.
        let snap = snapshot(store).await;
        let again = commit(store, ImportKind::Units, &file, "单位.xlsx").await;
        assert_eq!(
            (
                again.counts.unchanged,
                again.counts.new,
                again.counts.changed
            ),
            (2, 0, 0),
            "{eng}"
        );
        assert!(!again.committed, "{eng}");
        assert_unchanged(eng, store, &snap, "re-import").await;
    }
}

// ---------------------------------------------------------------------------------------------
// 会员名册
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn members_from_a_gb18030_csv() {
    let (engines, fixtures) = fixtures("members_gb18030").await;
    let new1 = id_number("421081", "19900101", 701);
    let new2 = id_number("421081", "19920202", 702);
    let new3 = id_number("421081", "19930303", 703);
    // 孙强 is an active member of 江陵县荆江农业有限公司工会.
    let sun = id_number("421024", "19780515", 31);
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let csv = format!(
            "姓名,公民身份号码,工会名称,入会时间,手机号,是否农民工,新就业形态\r\n\
             王小明,{},石首市楚源纺织有限公司工会,2021年3月1日,13871234567,是,外卖员\r\n\
             李　红,{},#{},44256,,否,\r\n\
             孙强,{},石首市楚源纺织有限公司工会,2022-01-01,,,\r\n\
             赵六,4.21081E+17,石首市楚源纺织有限公司工会,,,,\r\n\
             周七,{},不存在的工会,,,,\r\n\
             王小明,{},石首市楚源纺织有限公司工会,,,,\r\n\
             吴八,{},石首市总工会,,,,\r\n",
            new1.as_str(),
            new2.as_str(),
            f.joint,
            sun.as_str(),
            new3.as_str(),
            new1.as_str(),
            id_number("421081", "19940404", 704).as_str(),
        );
        let file = gb18030(&csv);
        let before_totals = totals(store, f.enterprise).await;
        let p = preview(store, ImportKind::Members, &file, "会员.csv").await;
        assert!(p.format.contains("GB18030"), "{eng}: {}", p.format);
        assert_eq!(
            (p.counts.new, p.counts.invalid),
            (2, 5),
            "{eng}: {}",
            preview_errors(&p)
        );
        error_at(&p, 4, "身份证号码", "请办理会籍转接");
        error_at(&p, 5, "身份证号码", "科学计数法");
        error_at(&p, 6, "所在工会", "找不到名为“不存在的工会”");
        error_at(&p, 7, "身份证号码", "与第2行的身份证号码重复");
        error_at(&p, 8, "所在工会", "会员应登记在基层工会");

        let before = audit_count(store).await;
        let r = commit(store, ImportKind::Members, &file, "会员.csv").await;
        assert_eq!(r.counts.new, 2, "{eng}");
        assert_eq!(audit_count(store).await, before + 1, "{eng}");
        let after_totals = totals(store, f.enterprise).await;
        assert_eq!(
            after_totals.4,
            before_totals.4 + 1,
            "{eng}: members of the union"
        );
        counts_in_step(eng, store, "a members import").await;
        let m = store.member_by_id_number(&new1).await.unwrap().unwrap();
        assert_eq!(m.org_id, Some(f.enterprise), "{eng}");
        assert_eq!(m.join_date, date(2021, 3, 1), "{eng}");
        assert!(m.migrant_worker, "{eng}");
        assert_eq!(
            m.new_employment_group.as_deref(),
            Some("delivery_rider"),
            "{eng}"
        );
        let m2 = store.member_by_id_number(&new2).await.unwrap().unwrap();
        assert_eq!(
            (m2.name.as_str(), m2.org_id),
            ("李 红", Some(f.joint)),
            "{eng}"
        );
        assert_eq!(
            m2.join_date,
            date(2021, 3, 1),
            "{eng}: an Excel serial as text"
        );
        assert_eq!(
            store.memberships(m.id).await.unwrap().len(),
            1,
            "{eng}: a membership period"
        );

        let snap = snapshot(store).await;
        let again = commit(store, ImportKind::Members, &file, "会员.csv").await;
        assert_eq!((again.counts.unchanged, again.counts.new), (2, 0), "{eng}");
        assert_unchanged(eng, store, &snap, "re-import").await;

        // A changed phone is a change, written as one.
        let csv2 = format!(
            "\u{feff}姓名,身份证号码,所在工会,手机号码\n王小明,{},石首市楚源纺织有限公司工会,13971234567\n",
            new1.as_str()
        );
        let r = commit(store, ImportKind::Members, csv2.as_bytes(), "改.csv").await;
        assert_eq!(r.counts.changed, 1, "{eng}: {}", preview_errors(&r));
        let m = store.member_by_id_number(&new1).await.unwrap().unwrap();
        assert_eq!(m.phone.as_deref(), Some("13971234567"), "{eng}");
        assert_eq!(
            m.join_date,
            date(2021, 3, 1),
            "{eng}: empty cells keep stored values"
        );
    }
}

#[tokio::test]
async fn numbers_as_ids_and_excel_dates() {
    let (engines, _) = fixtures("numbers_as_ids").await;
    let good = id_number("421081", "19880808", 801);
    let rows = format!(
        r#"[["姓名", "身份证号码", "所在工会", "入会日期"],
            ["钱一", 421081198808088010, "石首市楚源纺织有限公司工会", datetime.date(2020, 5, 6)],
            ["孙二", "{}", "石首市楚源纺织有限公司工会", datetime.date(2020, 5, 6)]]"#,
        good.as_str()
    );
    let file = openpyxl(&rows, "");
    for (eng, store) in engines.iter() {
        let p = preview(store, ImportKind::Members, &file, "会员.xlsx").await;
        error_at(&p, 2, "身份证号码", "数字格式");
        error_at(&p, 2, "身份证号码", "文本");
        assert_eq!(status_of(&p, 3), RowStatus::New, "{eng}");
        commit(store, ImportKind::Members, &file, "会员.xlsx").await;
        let m = store.member_by_id_number(&good).await.unwrap().unwrap();
        assert_eq!(m.join_date, date(2020, 5, 6), "{eng}: an Excel date cell");
    }
}

// ---------------------------------------------------------------------------------------------
// 工会组织名册
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn orgs_with_parents_in_the_file_units_chair_and_term() {
    let (engines, fixtures) = fixtures("orgs_in_file").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let e_code = store.unit(f.unit_e).await.unwrap().uscc;
        let extra = uscc("421081", 601);
        // A third unit for the joint union, added first through the directory import.
        let units_csv = format!(
            "统一社会信用代码,单位名称,行政区划代码,经济类型,职工人数\n{extra},调关镇百货商店,421081,个体,6\n"
        );
        commit(store, ImportKind::Units, units_csv.as_bytes(), "u.csv").await;
        let rows = format!(
            r#"[["工会名称", "工会类型", "上级工会", "成立日期", "覆盖单位统一社会信用代码", "主席姓名", "本届任期届满日期"],
                ["石首市调关镇工会", "乡镇（街道）工会", "石首市总工会", "2018-06-01", None, "冯志刚", "2028-06-30"],
                ["调关镇小微企业联合工会", "联合基层工会", "石首市调关镇工会", datetime.date(2023, 3, 1), "{e_code}；{extra}", "何丽", None],
                ["调关镇错误工会", "基层工会", "石首市调关镇工会", None, None, None, None],
                ["调关镇某公司工会", "企业工会", "调关镇错误工会", None, None, None, None]]"#
        );
        let file = openpyxl(&rows, "");
        let p = preview(store, ImportKind::Orgs, &file, "组织.xlsx").await;
        assert_eq!(
            (p.counts.new, p.counts.invalid),
            (2, 2),
            "{eng}: {}",
            preview_errors(&p)
        );
        error_at(&p, 4, "工会类型", "写明类型");
        error_at(&p, 5, "上级工会", "第4行");
        let before_shishou = totals(store, f.shishou).await;
        let before = audit_count(store).await;
        let r = commit(store, ImportKind::Orgs, &file, "组织.xlsx").await;
        assert!(r.committed, "{eng}");
        assert_eq!(audit_count(store).await, before + 1, "{eng}");
        let after_shishou = totals(store, f.shishou).await;
        assert_eq!(after_shishou.0, before_shishou.0 + 2, "{eng}: two orgs");
        assert_eq!(
            after_shishou.2,
            before_shishou.2 + 2,
            "{eng}: two more covered units"
        );
        counts_in_step(eng, store, "an orgs import").await;
        let kids = store.children(f.shishou, false, 0, 100).await.unwrap();
        let town = kids
            .iter()
            .find(|k| k.name == "石首市调关镇工会")
            .expect("township");
        let town_org = store.org(town.id).await.unwrap();
        assert_eq!(
            town_org.region_code.as_deref(),
            Some("421081"),
            "{eng}: region from the parent"
        );
        let term = store.current_term(town.id).await.unwrap().expect("a term");
        assert_eq!(
            (term.end_on, term.years, term.number),
            (date(2028, 6, 30), 5, 1),
            "{eng}"
        );
        let chair = store.officers(town.id).await.unwrap();
        assert_eq!(chair[0].name, "冯志刚", "{eng}");
        let joint = store.children(town.id, false, 0, 10).await.unwrap();
        assert_eq!(
            joint[0].unit_count, 2,
            "{eng}: the joint union covers both units"
        );

        let snap = snapshot(store).await;
        let again = commit(store, ImportKind::Orgs, &file, "组织.xlsx").await;
        assert_eq!(
            (
                again.counts.unchanged,
                again.counts.new,
                again.counts.changed
            ),
            (2, 0, 0),
            "{eng}: {}",
            preview_errors(&again)
        );
        assert_unchanged(eng, store, &snap, "re-import").await;
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed files
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn malformed_files_are_refused_and_change_nothing() {
    let (engines, _) = fixtures("malformed_files").await;
    let not_zip = b"PK\x03\x04 this is not really a zip archive".to_vec();
    let merged = openpyxl(
        r#"[["姓名", "身份证号码", "所在工会", None], ["张三", "x", "y", None]]"#,
        "ws.merge_cells('C1:D1')",
    );
    let missing = openpyxl(r#"[["姓名", "电话"], ["张三", "13871234567"]]"#, "");
    let huge_declared = openpyxl(
        r#"[["姓名", "身份证号码", "所在工会"]]"#,
        "ws.cell(row=1000005, column=1, value='x')",
    );
    let mut huge_csv = String::from("姓名,身份证号码,所在工会\n");
    for _ in 0..1_000_001 {
        huge_csv.push_str("张三,1,x\n");
    }
    for (eng, store) in engines.iter() {
        let m = ImportKind::Members;
        refused(
            eng,
            store,
            m,
            &not_zip,
            "会员.xlsx",
            "不是有效的 Excel 文件",
        )
        .await;
        refused(
            eng,
            store,
            m,
            b"\x00\x01\x02binary",
            "会员.dat",
            "不是有效的 Excel 文件",
        )
        .await;
        refused(eng, store, m, &merged, "合并.xlsx", "合并单元格").await;
        let msg = refused(eng, store, m, &missing, "缺列.xlsx", "缺少必填的列").await;
        assert!(
            msg.contains("身份证号码、所在工会"),
            "{eng}: names the columns: {msg}"
        );
        refused(eng, store, m, &huge_declared, "大.xlsx", "1,000,000").await;
        refused(eng, store, m, huge_csv.as_bytes(), "大.csv", "1,000,000").await;
        refused(eng, store, m, b"", "empty.csv", "空").await;
    }
}

#[tokio::test]
async fn formulas_use_their_saved_results() {
    let (engines, _) = fixtures("formulas").await;
    let id = id_number("421081", "19870707", 901);
    // openpyxl writes formulas without results: the cell is refused.
    let no_result = openpyxl(
        &format!(
            r#"[["姓名", "身份证号码", "所在工会", "入会日期"], ["马九", "{}", "石首市楚源纺织有限公司工会", "=TODAY()"]]"#,
            id.as_str()
        ),
        "",
    );
    // rust_xlsxwriter writes a formula with its saved result: the result is used.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["姓名", "身份证号码", "所在工会", "入会日期"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "马九").unwrap();
    ws.write_string(1, 1, id.as_str()).unwrap();
    ws.write_formula(
        1,
        2,
        rust_xlsxwriter::Formula::new("=\"石首市楚源纺织有限公司\"&\"工会\"")
            .set_result("石首市楚源纺织有限公司工会"),
    )
    .unwrap();
    ws.write_string(1, 3, "2020-01-02").unwrap();
    let with_result = wb.save_to_buffer().unwrap();
    for (eng, store) in engines.iter() {
        let before = snapshot(store).await;
        let p = preview(store, ImportKind::Members, &no_result, "公式.xlsx").await;
        error_at(&p, 2, "入会日期", "公式");
        let r = commit(store, ImportKind::Members, &no_result, "公式.xlsx").await;
        assert!(!r.committed, "{eng}");
        assert_unchanged(eng, store, &before, "a row with an unsaved formula").await;
        let p = preview(store, ImportKind::Members, &with_result, "公式2.xlsx").await;
        assert_eq!(p.counts.new, 1, "{eng}: {}", preview_errors(&p));
    }
}

// ---------------------------------------------------------------------------------------------
// Scope, all-or-nothing, templates
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn scope_applies_without_naming_records_out_of_it() {
    let (engines, fixtures) = fixtures("import_scope").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let shishou = store.org(f.shishou).await.unwrap();
        let scope = ImportScope::within(&shishou.path, vec!["421081".into()], shishou.id);
        let sun = id_number("421024", "19780515", 31);
        let csv = format!(
            "姓名,身份证号码,所在工会\n甲乙,{},江陵县荆江农业有限公司工会\n孙强,{},石首市楚源纺织有限公司工会\n",
            id_number("421081", "19950505", 951).as_str(),
            sun.as_str()
        );
        let p = store
            .import_preview(ImportKind::Members, csv.as_bytes(), "m.csv", &scope)
            .await
            .unwrap();
        error_at(&p, 2, "所在工会", "在您的管理范围内找不到");
        error_at(&p, 3, "身份证号码", "请办理会籍转接");
        // The union holding 孙强 is out of scope: not named (what the file typed may be echoed).
        error_at(&p, 3, "身份证号码", "已是其他工会的在籍会员");
        assert!(!preview_errors(&p).contains("江陵县总工会"), "{eng}");
        let units = format!(
            "统一社会信用代码,单位名称,行政区划代码,经济类型,职工人数\n{},江陵县新开食品厂,421024,私营,10\n{},石首市新兴电子有限公司,421081,私营,55\n",
            uscc("421024", 961),
            store.unit(f.unit_f).await.unwrap().uscc,
        );
        let p = store
            .import_preview(ImportKind::Units, units.as_bytes(), "u.csv", &scope)
            .await
            .unwrap();
        error_at(&p, 2, "统一社会信用代码", "不在您的管理范围内");
        error_at(&p, 3, "统一社会信用代码", "不在您的管理范围内");
        assert!(!preview_errors(&p).contains("郝穴"), "{eng}");
    }
}

#[tokio::test]
async fn a_failed_commit_writes_nothing() {
    let (engines, _) = fixtures("all_or_nothing").await;
    for (eng, store) in engines.iter() {
        // A rule the planner does not know about, enforced by the database at write time.
        store
            .execute_raw("CREATE UNIQUE INDEX test_one_per_name ON members(name)")
            .await
            .unwrap();
        let csv = format!(
            "姓名,身份证号码,所在工会\n同名,{},石首市楚源纺织有限公司工会\n同名,{},石首市楚源纺织有限公司工会\n",
            id_number("421081", "19800101", 111).as_str(),
            id_number("421081", "19800102", 112).as_str(),
        );
        let before = snapshot(store).await;
        let r = store
            .import_commit(
                &sys(),
                ImportKind::Members,
                csv.as_bytes(),
                "m.csv",
                &ImportScope::everything(),
                None,
            )
            .await;
        assert!(matches!(r, Err(Error::Db(_))), "{eng}: {r:?}");
        assert_unchanged(eng, store, &before, "a commit that failed half-way").await;
        foreign_keys_on(eng, store).await;
    }
}

#[tokio::test]
async fn templates_come_back_in() {
    let (engines, _) = fixtures("templates").await;
    for kind in [ImportKind::Units, ImportKind::Orgs, ImportKind::Members] {
        let t = gonghui_store::import::template(kind).unwrap();
        assert!(t.starts_with(b"PK"), "an xlsx");
        // Read by another program: the note row, the header with `*`, the drop-down lists.
        ensure_openpyxl();
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("t.xlsx");
        std::fs::write(&f, &t).unwrap();
        let out = Command::new("python3")
            .args([
                "-c",
                "import openpyxl,sys\nws=openpyxl.load_workbook(sys.argv[1]).active\nprint(ws['A1'].value[:5]);print(ws['A2'].value);print(len(ws.data_validations.dataValidation))",
                f.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.first(), Some(&"填写说明："), "{kind:?}: {text}");
        assert!(
            lines[1].ends_with('*'),
            "{kind:?}: the first column is required: {text}"
        );
        assert!(
            lines[2].parse::<usize>().unwrap() >= 1,
            "{kind:?}: drop-down lists: {text}"
        );
        for (eng, store) in engines.iter() {
            // The untouched template holds only its example row, which is skipped.
            let r = store
                .import_preview(kind, &t, "模板.xlsx", &ImportScope::everything())
                .await;
            expect_invalid(eng, r, Some("file"), "没有数据行");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 会员名册 at scale: the commit's two roads (new people written at once, stored people planned)
// ---------------------------------------------------------------------------------------------

const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵"];
const GIVEN: [&str; 8] = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊"];

/// Foreign keys are enforced on every connection of the store, and each has its own page
/// cache size (a member import changes both on its connection while it writes, and must put
/// them back).
async fn foreign_keys_on(eng: &str, store: &Store) {
    let bad = store
        .execute_raw(
            "INSERT INTO memberships (member_id, org_id, valid_from) VALUES (987654321, 1, '2020-01-01')",
        )
        .await;
    assert!(bad.is_err(), "{eng}: a period of nobody is refused");
    if store.engine() != gonghui_store::Engine::Sqlite {
        return;
    }
    // Hold every connection of the pool and ask each.
    let mut held = Vec::new();
    for _ in 0..8 {
        let mut tx = store.read().await.expect("read");
        let (on,): (i64,) = tx
            .one(
                &sea_query::Query::select()
                    .expr(sea_query::Expr::cust("foreign_keys"))
                    .from_function(
                        sea_query::Func::cust(sea_query::Alias::new("pragma_foreign_keys")),
                        sea_query::Alias::new("p"),
                    )
                    .to_owned(),
            )
            .await
            .expect("pragma_foreign_keys");
        assert_eq!(on, 1, "{eng}: foreign keys on");
        let (cache,): (i64,) = tx
            .one(
                &sea_query::Query::select()
                    .expr(sea_query::Expr::cust("cache_size"))
                    .from_function(
                        sea_query::Func::cust(sea_query::Alias::new("pragma_cache_size")),
                        sea_query::Alias::new("p"),
                    )
                    .to_owned(),
            )
            .await
            .expect("pragma_cache_size");
        assert_eq!(cache, -65536, "{eng}: the store's page cache size");
        held.push(tx);
    }
}

/// The stored columns of one member as text (with each one's storage class on SQLite), so a
/// row written by the import can be compared with one written by `Store::create_member`.
async fn raw_member(store: &Store, id_number: &str) -> String {
    let sqlite = store.engine() == gonghui_store::Engine::Sqlite;
    let cols = [
        "name",
        "name_pinyin",
        "name_initials",
        "sex",
        "birth_date",
        "phone",
        "ethnicity",
        "education",
        "migrant_worker",
        "dispatched_worker",
        "new_employment_group",
        "join_date",
        "join_method",
        "status",
        "org_id",
        "created_at",
        "updated_at",
    ];
    let parts: Vec<String> = cols
        .iter()
        .map(|c| {
            if c.ends_with("_at") {
                // The times differ; their type and shape must not.
                if sqlite {
                    format!("typeof({c}) || substr({c}, 11, 1) || substr({c}, -6)")
                } else {
                    format!("CAST(({c} IS NOT NULL) AS TEXT)")
                }
            } else if sqlite {
                format!("typeof({c}) || ':' || COALESCE(CAST({c} AS TEXT), 'NULL')")
            } else {
                format!("COALESCE(CAST({c} AS TEXT), 'NULL')")
            }
        })
        .collect();
    let q = sea_query::Query::select()
        .expr(sea_query::Expr::cust(parts.join(" || '|' || ")))
        .from(sea_query::Alias::new("members"))
        .and_where(sea_query::ExprTrait::eq(
            sea_query::Expr::col(sea_query::Alias::new("id_number")),
            id_number,
        ))
        .to_owned();
    let mut tx = store.read().await.expect("read");
    let (row,): (String,) = tx.one(&q).await.expect("raw member");
    row
}

/// The outcome of a preview or commit, row by row, for comparing the two.
fn outcome(
    p: &Preview,
) -> (
    gonghui_store::import::Counts,
    Vec<(usize, RowStatus)>,
    String,
) {
    (p.counts, p.statuses.clone(), preview_errors(p))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_roster_writes_new_people_at_once_and_plans_the_stored_ones() {
    let (engines, fixtures) = fixtures("big_roster").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        // Two people who left their union: one comes back, one comes back "before" leaving.
        let leaver = |i: usize| f.joint_members[i];
        for i in 0..2 {
            store
                .set_member_status(
                    &sys(),
                    leaver(i),
                    gonghui_domain::MemberStatus::Left,
                    Some(date(2024, 1, 1)),
                )
                .await
                .expect("leave");
        }
        let liu = id_number("421081", "19900610", 21);
        let chen = id_number("421081", "19900611", 22);
        let zhang = id_number("421081", "19850310", 11);
        let li = id_number("421081", "19850311", 12);
        let sun = id_number("421024", "19780515", 31);
        // A person with every column filled, and the same person's twin made by the form.
        let full = id_number("421081", "19880808", 801);
        let twin = id_number("421081", "19880808", 803);

        let mut csv = String::from(
            "姓名,身份证号码,所在工会,入会日期,手机号码,是否农民工,是否劳务派遣工,新就业形态群体,入会方式,民族,学历\n",
        );
        csv.push_str(&format!(
            "全填,{},{ENTERPRISE_NAME},2020-05-06,13812345678,是,否,外卖配送员,集体入会,汉族,本科\n",
            full.as_str()
        ));
        let n = 3000;
        let mut new_ids = Vec::new();
        for i in 0..n {
            let birth = date(1980, 1, 1) + chrono::Days::new((i / 500) as u64);
            let id = id_number(
                "421081",
                &birth.format("%Y%m%d").to_string(),
                100 + (i % 500) as u32,
            );
            let name = format!("{}{}", SURNAMES[i % 8], GIVEN[(i / 8) % 8]);
            // Half by name, half by system number; some flags on.
            let org = if i < n / 2 {
                ENTERPRISE_NAME.to_owned()
            } else {
                format!("#{}", f.joint)
            };
            let migrant = if i % 3 == 0 { "是" } else { "" };
            csv.push_str(&format!(
                "{name},{},{org},2019-0{}-1{},,{migrant},,,,,\n",
                id.as_str(),
                1 + i % 9,
                i % 10
            ));
            new_ids.push(id);
            // Stored and refused rows in the middle of full statements and batches.
            match i {
                100 => csv.push_str(&format!(
                    "张伟,{},{ENTERPRISE_NAME},,,,,,,,\n",
                    zhang.as_str()
                )),
                101 => csv.push_str(&format!(
                    "李娜,{},{ENTERPRISE_NAME},,13900001111,,,,,,\n",
                    li.as_str()
                )),
                2100 => csv.push_str(&format!(
                    "孙强,{},{ENTERPRISE_NAME},,,,,,,,\n",
                    sun.as_str()
                )),
                2101 => csv.push_str(&format!(
                    "刘洋,{},{ENTERPRISE_NAME},2024-06-01,,,,,,,\n",
                    liu.as_str()
                )),
                2102 => csv.push_str(&format!(
                    "陈静,{},{ENTERPRISE_NAME},2023-06-01,,,,,,,\n",
                    chen.as_str()
                )),
                2103 => csv.push_str(&format!(
                    "早入,{},{ENTERPRISE_NAME},1970-01-01,,,,,,,\n",
                    id_number("421081", "19950101", 951).as_str()
                )),
                2104 => csv.push_str(&format!(
                    "重复,{},{ENTERPRISE_NAME},,,,,,,,\n",
                    new_ids[5].as_str()
                )),
                2999 => csv.push_str(&format!(
                    "无会,{},不存在的工会,,,,,,,,\n",
                    id_number("421081", "19950102", 952).as_str()
                )),
                _ => {}
            }
        }
        let members_before = table_count(store, "members").await;
        let periods_before = table_count(store, "memberships").await;
        let p = preview(store, ImportKind::Members, csv.as_bytes(), "名册.csv").await;
        let r = commit(store, ImportKind::Members, csv.as_bytes(), "名册.csv").await;
        assert!(r.committed, "{eng}");
        assert_eq!(
            outcome(&r),
            outcome(&p),
            "{eng}: the commit did what the preview said"
        );
        assert_eq!(
            (
                r.counts.new,
                r.counts.changed,
                r.counts.unchanged,
                r.counts.invalid
            ),
            (n + 2, 1, 1, 5),
            "{eng}: {}",
            preview_errors(&r)
        );
        assert_eq!(r.rows, n + 9, "{eng}");
        assert_eq!(r.statuses.len(), r.rows, "{eng}");
        assert!(
            r.statuses.windows(2).all(|w| w[0].0 < w[1].0),
            "{eng}: rows in order"
        );
        // Lines: the header, the full row, then new row i at 3 + i + the rows added before it.
        assert_eq!(status_of(&r, 104), RowStatus::Unchanged, "{eng}: 张伟");
        assert_eq!(status_of(&r, 106), RowStatus::Changed, "{eng}: 李娜");
        error_at(&r, 2106, "身份证号码", "请办理会籍转接");
        assert_eq!(status_of(&r, 2108), RowStatus::New, "{eng}: 刘洋 rejoined");
        error_at(&r, 2110, "入会日期", "上次会籍结束");
        error_at(&r, 2112, "入会日期", "出生日期");
        error_at(&r, 2114, "身份证号码", "与第8行的身份证号码重复");
        error_at(&r, 3010, "所在工会", "不存在的工会");

        assert_eq!(
            table_count(store, "members").await,
            members_before + n as i64 + 1,
            "{eng}: the rejoining person keeps their record"
        );
        assert_eq!(
            table_count(store, "memberships").await,
            periods_before + n as i64 + 2,
            "{eng}: one period per new member and one for the rejoining"
        );
        for id in [&new_ids[0], &new_ids[n - 1], &liu] {
            let m = store.member_by_id_number(id).await.unwrap().unwrap();
            let periods = store.memberships(m.id).await.unwrap();
            assert!(
                periods.iter().filter(|p| p.valid_to.is_none()).count() == 1,
                "{eng}: one open period: {periods:?}"
            );
        }
        let m = store
            .member_by_id_number(&new_ids[n - 1])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(m.org_id, Some(f.joint), "{eng}: by system number");
        let m = store.member_by_id_number(&li).await.unwrap().unwrap();
        assert_eq!(m.phone.as_deref(), Some("13900001111"), "{eng}");
        counts_in_step(eng, store, "a big members import").await;

        // The import's rows read back exactly like the form's.
        let mut input = member_input("全填", twin.clone(), date(2020, 5, 6));
        input.phone = Some(gonghui_domain::Phone::parse("13812345678").unwrap());
        input.migrant_worker = true;
        input.new_employment_group = Some(gonghui_domain::NewEmploymentGroup::DeliveryRider);
        input.join_method = gonghui_domain::JoinMethod::Collective;
        input.ethnicity = Some("汉族".into());
        input.education = Some(gonghui_domain::Education::Bachelor);
        store
            .create_member(&sys(), f.enterprise, input)
            .await
            .unwrap();
        assert_eq!(
            raw_member(store, full.as_str()).await,
            raw_member(store, twin.as_str()).await,
            "{eng}: stored alike"
        );

        foreign_keys_on(eng, store).await;
        let snap = snapshot(store).await;
        let again = commit(store, ImportKind::Members, csv.as_bytes(), "名册.csv").await;
        assert_eq!(
            (
                again.counts.new,
                again.counts.changed,
                again.counts.unchanged,
                again.counts.invalid
            ),
            (0, 0, n + 4, 5),
            "{eng}: {}",
            preview_errors(&again)
        );
        assert!(!again.committed, "{eng}: nothing to write");
        assert_unchanged(eng, store, &snap, "re-import of a big roster").await;
    }
}
