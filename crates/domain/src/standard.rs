//! 标准、达标创建、考核验收、荣誉 (规范化建设): the pure rules of standards as data.
//!
//! A [`StandardSpec`] is a checklist (七有、六有、四个到位、六好…) with items worth points, an
//! evidence rule and a veto flag (一票否决), and a [`Grading`] that turns a score into
//! 一类/二类/三类/三类以下 or 达标/不达标. Seed 000 warns against standards that reward signs on
//! walls over rights-protection work, so points are per item and set by staff; the built-in
//! weights are only a starting point.
//!
//! An [`AssessmentState`] is one org's place in a campaign's acceptance workflow; every move
//! goes through [`AssessmentState::after`], so an assessment cannot skip a step.

use chrono::{Datelike, NaiveDate};

use crate::Invalid;
use crate::coded_enum;
use crate::org::{AreaKind, GrassrootsKind, OrgKind};

/// Most points one item may carry; a standard's items together at most [`MAX_TOTAL_POINTS`].
pub const MAX_ITEM_POINTS: i64 = 100;
pub const MAX_TOTAL_POINTS: i64 = 1000;
/// Most items in one standard.
pub const MAX_ITEMS: usize = 200;
/// Most evidence files an item may require.
pub const MAX_EVIDENCE_COUNT: i64 = 10;
/// Days before a deadline from which the inbox and the dashboard remind.
pub const REMIND_DAYS: i64 = 14;

coded_enum! {
    /// What proof an item asks the union to upload.
    pub enum EvidenceKind {
        None = ("none", "无需上传"),
        Photo = ("photo", "照片"),
        Document = ("document", "文件资料（照片或PDF）"),
    }
}

coded_enum! {
    /// How a score becomes a result.
    pub enum GradingKind {
        Bands = ("bands", "分等级（一类/二类/三类/三类以下）"),
        PassFail = ("pass_fail", "达标/不达标"),
    }
}

coded_enum! {
    /// The graded result of an assessment (seed 001: 一类、二类、三类、三类以下).
    pub enum Grade {
        First = ("first", "一类"),
        Second = ("second", "二类"),
        Third = ("third", "三类"),
        BelowThird = ("below_third", "三类以下"),
        Pass = ("pass", "达标"),
        Fail = ("fail", "不达标"),
    }
}

impl Grade {
    /// Whether the grade counts as 验收通过 (三类 and above, or 达标).
    pub fn passed(self) -> bool {
        !matches!(self, Grade::BelowThird | Grade::Fail)
    }
}

/// Grade thresholds, as percentages of the points that apply to the assessed org (items may
/// apply to some kinds only, so the maximum differs between orgs of one campaign).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grading {
    Bands { first: i64, second: i64, third: i64 },
    PassFail { pass: i64 },
}

impl Grading {
    pub fn bands(first: i64, second: i64, third: i64) -> Result<Grading, Invalid> {
        if !(1..=100).contains(&first)
            || !(1..=100).contains(&second)
            || !(1..=100).contains(&third)
        {
            return Err(Invalid::new(
                "等级分数线按得分率填写，为 1 到 100 之间的整数，例如一类 90、二类 75、三类 60",
            ));
        }
        if !(first > second && second > third) {
            return Err(Invalid::new(format!(
                "等级分数线应依次降低：一类（{first}%）高于二类（{second}%），二类高于三类（{third}%）"
            )));
        }
        Ok(Grading::Bands {
            first,
            second,
            third,
        })
    }

    pub fn pass_fail(pass: i64) -> Result<Grading, Invalid> {
        if !(1..=100).contains(&pass) {
            return Err(Invalid::new(
                "达标分数线按得分率填写，为 1 到 100 之间的整数；每一项都必须做到时填 100",
            ));
        }
        Ok(Grading::PassFail { pass })
    }

    pub fn kind(self) -> GradingKind {
        match self {
            Grading::Bands { .. } => GradingKind::Bands,
            Grading::PassFail { .. } => GradingKind::PassFail,
        }
    }

    /// The grade of `total` out of `max` points. Integer arithmetic, so 89.99% is not 90%.
    pub fn grade(self, total: i64, max: i64) -> Grade {
        let reaches = |percent: i64| max > 0 && total * 100 >= percent * max;
        match self {
            Grading::Bands {
                first,
                second,
                third,
            } => {
                if reaches(first) {
                    Grade::First
                } else if reaches(second) {
                    Grade::Second
                } else if reaches(third) {
                    Grade::Third
                } else {
                    Grade::BelowThird
                }
            }
            Grading::PassFail { pass } => {
                if reaches(pass) {
                    Grade::Pass
                } else {
                    Grade::Fail
                }
            }
        }
    }

    /// The lowest grade, given when a veto item fails.
    pub fn lowest(self) -> Grade {
        match self {
            Grading::Bands { .. } => Grade::BelowThird,
            Grading::PassFail { .. } => Grade::Fail,
        }
    }

    /// "一类≥90%、二类≥75%、三类≥60%" or "得分率≥100%为达标".
    pub fn describe(self) -> String {
        match self {
            Grading::Bands {
                first,
                second,
                third,
            } => {
                format!("一类≥{first}%、二类≥{second}%、三类≥{third}%，以下为三类以下")
            }
            Grading::PassFail { pass: 100 } => "每一项都做到为达标".into(),
            Grading::PassFail { pass } => format!("得分率≥{pass}%为达标"),
        }
    }
}

/// A set of org kinds a standard or an item applies to: codes of [`OrgKind`], [`AreaKind`]
/// and [`GrassrootsKind`] (e.g. `grassroots` for every grassroots union, `enterprise` for
/// enterprise unions only). An empty set on an item means "every kind of the standard".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KindSet(Vec<&'static str>);

impl KindSet {
    /// Every code a set may hold, with its label, in the order forms list them.
    pub fn options() -> Vec<(&'static str, &'static str)> {
        let mut v: Vec<(&'static str, &'static str)> = OrgKind::options();
        v.extend(AreaKind::options());
        v.extend(GrassrootsKind::options());
        v
    }

    fn known(code: &str) -> Option<&'static str> {
        Self::options()
            .into_iter()
            .map(|(c, _)| c)
            .find(|c| *c == code)
    }

    /// Parses codes separated by commas (as stored) or a list of codes (as a form sends them).
    pub fn parse<'a>(codes: impl IntoIterator<Item = &'a str>) -> Result<KindSet, Invalid> {
        let mut out: Vec<&'static str> = Vec::new();
        for raw in codes {
            for code in raw.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                let Some(code) = Self::known(code) else {
                    return Err(Invalid::new(format!("不认识的工会类型“{code}”")));
                };
                if !out.contains(&code) {
                    out.push(code);
                }
            }
        }
        // Keep the options order, so equal sets store equal text.
        let order = Self::options();
        out.sort_by_key(|c| order.iter().position(|(o, _)| o == c));
        Ok(KindSet(out))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn codes(&self) -> &[&'static str] {
        &self.0
    }

    /// The stored form: codes joined by commas.
    pub fn to_stored(&self) -> String {
        self.0.join(",")
    }

    pub fn contains(&self, code: &str) -> bool {
        self.0.contains(&code)
    }

    /// Whether an org of `kind` (with its area or grassroots `sub_kind` code) is in the set.
    /// An empty set matches every org.
    pub fn matches(&self, kind: OrgKind, sub_kind: Option<&str>) -> bool {
        self.0.is_empty()
            || self.0.contains(&kind.code())
            || sub_kind.is_some_and(|s| self.0.contains(&s))
    }

    /// "企业工会、联合基层工会", or "各类工会" for the empty set.
    pub fn labels(&self) -> String {
        if self.0.is_empty() {
            return "各类工会".into();
        }
        let options = Self::options();
        self.0
            .iter()
            .filter_map(|c| options.iter().find(|(o, _)| o == c).map(|(_, l)| *l))
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// One item of a standard, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSpec {
    pub section: String,
    pub title: String,
    pub description: String,
    pub points: i64,
    pub evidence: EvidenceKind,
    pub evidence_count: i64,
    pub veto: bool,
    pub applies_to: KindSet,
}

impl ItemSpec {
    /// Checks one item; `n` is its 1-based position, named in every message.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        n: usize,
        section: &str,
        title: &str,
        description: &str,
        points: i64,
        evidence: EvidenceKind,
        evidence_count: i64,
        veto: bool,
        applies_to: KindSet,
    ) -> Result<ItemSpec, Invalid> {
        let title = title.trim();
        if title.is_empty() {
            return Err(Invalid::new(format!(
                "第{n}项：请填写项目名称，例如“有工会印章”"
            )));
        }
        if title.chars().count() > 100 {
            return Err(Invalid::new(format!("第{n}项：项目名称不能超过100个字")));
        }
        if description.chars().count() > 1000 {
            return Err(Invalid::new(format!("第{n}项：说明不能超过1000个字")));
        }
        if section.trim().chars().count() > 50 {
            return Err(Invalid::new(format!("第{n}项：所属部分不能超过50个字")));
        }
        if !(1..=MAX_ITEM_POINTS).contains(&points) {
            return Err(Invalid::new(format!(
                "第{n}项“{title}”：分值应为 1 到 {MAX_ITEM_POINTS} 之间的整数"
            )));
        }
        let evidence_count = match evidence {
            EvidenceKind::None => 0,
            _ if (1..=MAX_EVIDENCE_COUNT).contains(&evidence_count) => evidence_count,
            _ => {
                return Err(Invalid::new(format!(
                    "第{n}项“{title}”：要求上传{}时，份数应为 1 到 {MAX_EVIDENCE_COUNT}",
                    evidence.label()
                )));
            }
        };
        Ok(ItemSpec {
            section: section.trim().to_owned(),
            title: title.to_owned(),
            description: description.trim().to_owned(),
            points,
            evidence,
            evidence_count,
            veto,
            applies_to,
        })
    }

    /// "上传照片至少2张", or "" when no evidence is asked.
    pub fn evidence_text(&self) -> String {
        evidence_text(self.evidence, self.evidence_count)
    }
}

/// The evidence rule in words, for forms and checklists.
pub fn evidence_text(evidence: EvidenceKind, count: i64) -> String {
    match evidence {
        EvidenceKind::None => String::new(),
        EvidenceKind::Photo => format!("上传照片至少{count}张"),
        EvidenceKind::Document => format!("上传文件资料至少{count}份"),
    }
}

/// A whole standard as staff edit it, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardSpec {
    pub name: String,
    pub description: String,
    pub grading: Grading,
    pub applies_to: KindSet,
    pub items: Vec<ItemSpec>,
}

impl StandardSpec {
    pub fn new(
        name: &str,
        description: &str,
        grading: Grading,
        applies_to: KindSet,
        items: Vec<ItemSpec>,
    ) -> Result<StandardSpec, Invalid> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Invalid::new("请填写标准名称，例如“模范职工小家建设标准”"));
        }
        if name.chars().count() > 60 {
            return Err(Invalid::new("标准名称不能超过60个字"));
        }
        if applies_to.is_empty() {
            return Err(Invalid::new("请选择这项标准适用的工会类型"));
        }
        if items.is_empty() {
            return Err(Invalid::new("标准至少要有一个项目"));
        }
        if items.len() > MAX_ITEMS {
            return Err(Invalid::new(format!("一项标准最多{MAX_ITEMS}个项目")));
        }
        let total: i64 = items.iter().map(|i| i.points).sum();
        if total > MAX_TOTAL_POINTS {
            return Err(Invalid::new(format!(
                "各项目分值合计{total}分，超过了{MAX_TOTAL_POINTS}分的上限"
            )));
        }
        for (n, item) in items.iter().enumerate() {
            for code in item.applies_to.codes() {
                let covered = applies_to.contains(code) || narrows(&applies_to, code);
                if !covered {
                    return Err(Invalid::new(format!(
                        "第{}项“{}”适用的工会类型超出了标准本身的适用范围（{}）",
                        n + 1,
                        item.title,
                        applies_to.labels()
                    )));
                }
            }
        }
        Ok(StandardSpec {
            name: name.to_owned(),
            description: description.trim().to_owned(),
            grading,
            applies_to,
            items,
        })
    }

    /// Whether the standard is meant for an org of this kind.
    pub fn applies(&self, kind: OrgKind, sub_kind: Option<&str>) -> bool {
        self.applies_to.matches(kind, sub_kind)
    }

    /// The items an org of this kind is assessed on.
    pub fn items_for(&self, kind: OrgKind, sub_kind: Option<&str>) -> Vec<&ItemSpec> {
        self.items
            .iter()
            .filter(|i| i.applies_to.matches(kind, sub_kind))
            .collect()
    }

    pub fn total_points(&self) -> i64 {
        self.items.iter().map(|i| i.points).sum()
    }
}

/// Whether `code` is a sub-kind of a kind in `set` (an item for `enterprise` under a standard
/// for `grassroots`).
fn narrows(set: &KindSet, code: &str) -> bool {
    let grassroots = GrassrootsKind::from_code(code).is_some();
    let area = AreaKind::from_code(code).is_some();
    (grassroots && set.contains(OrgKind::Grassroots.code()))
        || (area && set.contains(OrgKind::AreaFederation.code()))
}

/// Checks a reviewer's (or the chair's own) score of one item. A veto item is met or not:
/// full points or none, because "partly" cannot decide a 一票否决.
pub fn check_score(title: &str, points: i64, veto: bool, score: i64) -> Result<(), Invalid> {
    if veto && score != 0 && score != points {
        return Err(Invalid::new(format!(
            "“{title}”是一票否决项，只能评为做到（{points}分）或未做到（0分）"
        )));
    }
    if !(0..=points).contains(&score) {
        return Err(Invalid::new(format!(
            "“{title}”的得分应在 0 到 {points} 分之间"
        )));
    }
    Ok(())
}

/// One scored item, as the grading sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scored {
    pub points: i64,
    pub veto: bool,
    pub score: i64,
}

/// The computed result of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub total: i64,
    pub max: i64,
    pub grade: Grade,
    /// A veto item was not met: the assessment fails whatever the total.
    pub veto_failed: bool,
}

impl Outcome {
    pub fn passed(self) -> bool {
        !self.veto_failed && self.grade.passed()
    }

    /// "86/100分（86%）".
    pub fn score_text(self) -> String {
        score_text(self.total, self.max)
    }
}

/// "86/100分（86%）".
pub fn score_text(total: i64, max: i64) -> String {
    if max <= 0 {
        return format!("{total}分");
    }
    format!("{total}/{max}分（{}%）", total * 100 / max)
}

/// Grades the scored items. A failed veto item gives the lowest grade (seed 001's
/// "一票否决"); otherwise the grade follows the share of the applicable points.
pub fn outcome(grading: Grading, items: &[Scored]) -> Outcome {
    let total = items.iter().map(|i| i.score).sum();
    let max = items.iter().map(|i| i.points).sum();
    let veto_failed = items.iter().any(|i| i.veto && i.score < i.points);
    let grade = if veto_failed {
        grading.lowest()
    } else {
        grading.grade(total, max)
    };
    Outcome {
        total,
        max,
        grade,
        veto_failed,
    }
}

coded_enum! {
    /// One org's place in a campaign's acceptance workflow (GLOSSARY: self_review → review →
    /// acceptance → announcement).
    pub enum AssessmentState {
        NotStarted = ("not_started", "未开始"),
        SelfReview = ("self_review", "自评中"),
        Submitted = ("submitted", "已提交"),
        InReview = ("in_review", "审核中"),
        Returned = ("returned", "已退回"),
        Passed = ("passed", "验收通过"),
        Failed = ("failed", "未通过"),
        Published = ("published", "公示中"),
        Titled = ("titled", "已授予称号"),
        Rewarded = ("rewarded", "奖励已发放"),
    }
}

coded_enum! {
    /// A move of an assessment, by whom it is made.
    pub enum AssessmentAction {
        /// The union saves its self-assessment (chair or the union's own staff).
        SaveSelfReview = ("save_self_review", "保存自评"),
        /// The union submits it for review.
        Submit = ("submit", "提交审核"),
        /// The reviewer opens the review (scores are saved).
        StartReview = ("start_review", "开始审核"),
        /// The reviewer sends it back with a reason.
        Return = ("return", "退回修改"),
        /// The reviewer finishes: 验收通过 or 未通过, computed from the scores.
        Decide = ("decide", "完成验收"),
        /// The campaign's org publishes the 公示.
        Publish = ("publish", "公示"),
        /// The campaign's org grants the title after the 公示.
        Grant = ("grant", "授予称号"),
        /// The reward is paid.
        Reward = ("reward", "发放奖励"),
    }
}

impl AssessmentState {
    /// The state after `action`, or why the action is not possible now.
    pub fn after(self, action: AssessmentAction) -> Result<AssessmentState, Invalid> {
        use AssessmentAction as A;
        use AssessmentState as S;
        let next = match (self, action) {
            (S::NotStarted | S::SelfReview | S::Returned, A::SaveSelfReview) => Some(match self {
                S::Returned => S::Returned,
                _ => S::SelfReview,
            }),
            (S::SelfReview | S::Returned, A::Submit) => Some(S::Submitted),
            (S::Submitted | S::InReview, A::StartReview) => Some(S::InReview),
            (S::Submitted | S::InReview, A::Return) => Some(S::Returned),
            (S::InReview, A::Decide) => Some(S::Passed),
            (S::Passed, A::Publish) => Some(S::Published),
            (S::Published, A::Grant) => Some(S::Titled),
            (S::Titled, A::Reward) => Some(S::Rewarded),
            (S::Passed, A::Reward) => Some(S::Rewarded),
            _ => None,
        };
        next.ok_or_else(|| Invalid::new(refusal(self, action)))
    }

    /// The result of [`AssessmentAction::Decide`]: 验收通过 when the outcome passed, else 未通过.
    pub fn decide(self, outcome: Outcome) -> Result<AssessmentState, Invalid> {
        self.after(AssessmentAction::Decide)?;
        Ok(if outcome.passed() {
            AssessmentState::Passed
        } else {
            AssessmentState::Failed
        })
    }

    /// Whether the union may still change its self-assessment and evidence.
    pub fn union_may_edit(self) -> bool {
        matches!(
            self,
            AssessmentState::NotStarted | AssessmentState::SelfReview | AssessmentState::Returned
        )
    }

    /// Whether the reviewer may score now.
    pub fn reviewer_may_score(self) -> bool {
        matches!(self, AssessmentState::Submitted | AssessmentState::InReview)
    }

    /// Past the review: the result stands.
    pub fn decided(self) -> bool {
        matches!(
            self,
            AssessmentState::Passed
                | AssessmentState::Failed
                | AssessmentState::Published
                | AssessmentState::Titled
                | AssessmentState::Rewarded
        )
    }

    /// Accepted (通过) and everything after it.
    pub fn accepted(self) -> bool {
        self.decided() && self != AssessmentState::Failed
    }
}

fn refusal(state: AssessmentState, action: AssessmentAction) -> String {
    use AssessmentAction as A;
    use AssessmentState as S;
    match (state, action) {
        (S::Submitted | S::InReview, A::SaveSelfReview | A::Submit) => {
            "自评已提交，正在等待审核，不能再修改；如需修改请联系审核人员退回".into()
        }
        (s, A::SaveSelfReview | A::Submit) if s.decided() => {
            format!("验收已经结束（{}），不能再修改自评", s.label())
        }
        (S::NotStarted, A::Submit) => "请先填写自评再提交".into(),
        (S::NotStarted | S::SelfReview | S::Returned, A::StartReview | A::Return | A::Decide) => {
            "该工会尚未提交自评，还不能审核".into()
        }
        (S::Submitted, A::Decide) => "请先逐项评分再完成验收".into(),
        (s, A::StartReview | A::Return | A::Decide) if s.decided() => {
            format!("验收已经结束（{}），不能再审核", s.label())
        }
        (S::Failed, _) => "未通过验收的工会不能公示、授予称号或发放奖励".into(),
        (_, A::Publish) => format!("只有验收通过的工会才能公示（现在：{}）", state.label()),
        (_, A::Grant) => format!("须先经过公示才能授予称号（现在：{}）", state.label()),
        (_, A::Reward) => format!("验收通过后才能发放奖励（现在：{}）", state.label()),
        (s, a) => format!("现在（{}）不能{}", s.label(), a.label()),
    }
}

coded_enum! {
    /// Who reviews a campaign's assessments.
    pub enum ReviewerKind {
        /// The staff of the affiliation parent (and above).
        Parent = ("parent", "上级工会审核"),
        /// Third-party assessors assigned to the campaign and to the org.
        Assessors = ("assessors", "第三方考核"),
    }
}

coded_enum! {
    /// The level of an honor; a campaign's honor has its organizing federation's level.
    pub enum HonorLevel {
        National = ("national", "全国"),
        Provincial = ("provincial", "省级"),
        City = ("city", "市级"),
        County = ("county", "县级"),
    }
}

impl HonorLevel {
    fn rank(self) -> u8 {
        match self {
            HonorLevel::National => 4,
            HonorLevel::Provincial => 3,
            HonorLevel::City => 2,
            HonorLevel::County => 1,
        }
    }

    /// Whether `self` is `min` or higher ("市级以上" includes 市级).
    pub fn at_least(self, min: HonorLevel) -> bool {
        self.rank() >= min.rank()
    }

    /// The level of an honor granted by an org of this kind (a city federation grants 市级).
    pub fn granted_by(kind: OrgKind) -> HonorLevel {
        match kind {
            OrgKind::CityFederation => HonorLevel::City,
            _ => HonorLevel::County,
        }
    }
}

coded_enum! {
    pub enum RecipientKind {
        Org = ("org", "集体"),
        Person = ("person", "个人"),
    }
}

coded_enum! {
    pub enum HonorSource {
        Campaign = ("campaign", "达标创建验收"),
        Nomination = ("nomination", "推荐评选"),
    }
}

coded_enum! {
    /// What an eligibility rule gates.
    pub enum RuleTarget {
        Honor = ("honor", "荣誉评选"),
        Subsidy = ("subsidy", "补助经费"),
    }
}

coded_enum! {
    /// The conditions an eligibility rule can test; rules themselves are rows staff edit.
    pub enum Condition {
        /// 双亮 done: 亮牌子、亮身份、亮作为 (seed 000).
        DualDisplay = ("dual_display", "已开展双亮"),
        /// All four of 四个到位 (seed 000).
        FourInPlace = ("four_in_place", "四个到位全部到位"),
        /// 职工入会率 of the union's covered units at least `parameter` percent.
        MembershipRate = ("membership_rate", "职工入会率达到规定比例"),
        /// Passed the acceptance of a standard (`parameter` = the standard's id).
        PassedStandard = ("passed_standard", "通过指定标准的验收"),
    }
}

impl Condition {
    /// Whether the condition needs a number (percent or standard).
    pub fn needs_parameter(self) -> bool {
        matches!(self, Condition::MembershipRate | Condition::PassedStandard)
    }
}

/// Checks the parameter of a rule's condition.
pub fn check_rule_parameter(
    condition: Condition,
    parameter: Option<i64>,
) -> Result<Option<i64>, Invalid> {
    match (condition, parameter) {
        (Condition::MembershipRate, Some(p)) if (1..=100).contains(&p) => Ok(Some(p)),
        (Condition::MembershipRate, _) => Err(Invalid::new(
            "请填写入会率要求，为 1 到 100 之间的整数，例如 80",
        )),
        (Condition::PassedStandard, Some(id)) if id > 0 => Ok(Some(id)),
        (Condition::PassedStandard, _) => Err(Invalid::new("请选择须通过验收的标准")),
        (_, _) => Ok(None),
    }
}

/// A free-text name or title (标题、称号、原因) that must be present and short.
pub fn check_text(value: &str, label: &str, max: usize) -> Result<String, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Invalid::new(format!("请填写{label}")));
    }
    if v.chars().count() > max {
        return Err(Invalid::new(format!("{label}不能超过{max}个字")));
    }
    Ok(v.to_owned())
}

/// A campaign's dates: start ≤ self-review deadline ≤ end.
pub fn check_campaign_dates(
    start: NaiveDate,
    self_review_due: NaiveDate,
    end: NaiveDate,
) -> Result<(), Invalid> {
    if end < start {
        return Err(Invalid::new("结束日期不能早于开始日期"));
    }
    if self_review_due < start || self_review_due > end {
        return Err(Invalid::new("自评截止日期应在活动开始和结束日期之间"));
    }
    if (end - start).num_days() > 366 * 5 {
        return Err(Invalid::new("一次创建活动最长五年，请检查结束日期"));
    }
    Ok(())
}

/// 选树 N 家: a positive quota, or none.
pub fn check_quota(quota: Option<i64>) -> Result<Option<i64>, Invalid> {
    match quota {
        Some(q) if !(1..=100_000).contains(&q) => Err(Invalid::new(
            "选树数量应为 1 到 100000 之间的整数；不限数量请留空",
        )),
        q => Ok(q),
    }
}

/// A 公示 period: at least 5 days (the usual minimum for 公示), at most 30.
pub fn check_notice_period(start: NaiveDate, end: NaiveDate) -> Result<(), Invalid> {
    let days = (end - start).num_days() + 1;
    if days < 5 {
        return Err(Invalid::new(format!(
            "公示期至少5天（现在只有{}天），请把结束日期往后推",
            days.max(0)
        )));
    }
    if days > 30 {
        return Err(Invalid::new("公示期最长30天"));
    }
    Ok(())
}

/// The year of an honor: from 1949 up to next year.
pub fn check_honor_year(year: i64, today: NaiveDate) -> Result<(), Invalid> {
    let max = i64::from(today.year()) + 1;
    if (1949..=max).contains(&year) {
        Ok(())
    } else {
        Err(Invalid::new(format!("年度应在1949到{max}之间")))
    }
}

/// A built-in standard, shipped with gonghui. Only lists the sources give (DOMAIN.md §2);
/// points and evidence rules are defaults staff are expected to adjust in their own copy.
pub struct BuiltinStandard {
    pub code: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub grading: Grading,
    pub applies_to: &'static [&'static str],
    /// (title, description, points, evidence, evidence count)
    pub items: &'static [(&'static str, &'static str, i64, EvidenceKind, i64)],
}

impl BuiltinStandard {
    pub fn spec(&self) -> StandardSpec {
        let applies =
            KindSet::parse(self.applies_to.iter().copied()).expect("built-in kind codes are valid");
        let items = self
            .items
            .iter()
            .enumerate()
            .map(|(n, (title, desc, points, ev, count))| {
                ItemSpec::new(
                    n + 1,
                    "",
                    title,
                    desc,
                    *points,
                    *ev,
                    *count,
                    false,
                    KindSet::default(),
                )
                .expect("built-in items are valid")
            })
            .collect();
        StandardSpec::new(self.name, self.description, self.grading, applies, items)
            .expect("built-in standards are valid")
    }
}

use EvidenceKind::{Document, None as NoEvidence, Photo};

/// The standards every deployment starts with.
pub const BUILTIN_STANDARDS: &[BuiltinStandard] = &[
    BuiltinStandard {
        code: "qiyou",
        name: "基层工会“七有”标准",
        description: "消除“影子工会”的最基本要求（枝江市总工会）：七项都做到为达标。",
        grading: Grading::PassFail { pass: 100 },
        applies_to: &["grassroots"],
        items: &[
            ("有工会匾牌", "工会牌子挂在醒目位置", 10, Photo, 1),
            ("有工会印章", "刻制并规范保管工会印章", 10, Photo, 1),
            (
                "有基层工会登记表和会员名册",
                "登记表、会员名册齐全并及时更新",
                10,
                Document,
                1,
            ),
            ("有工会组织网络图", "工会组织网络图上墙或成册", 10, Photo, 1),
            ("有场所", "有开展工会活动的场所", 10, Photo, 1),
            ("有制度", "工会工作制度健全", 10, Document, 1),
            ("有经费", "工会经费按规定拨缴、管理和使用", 10, Document, 1),
        ],
    },
    BuiltinStandard {
        code: "liuyou",
        name: "“六有”工会标准",
        description: "全总《关于新形势下加强基层工会建设的意见》（2014）。分值偏重履职和绩效，各地可在本单位副本中调整。",
        grading: Grading::Bands {
            first: 90,
            second: 75,
            third: 60,
        },
        applies_to: &["grassroots"],
        items: &[
            (
                "有依法选举的工会主席",
                "工会主席按规定民主选举产生并报上级工会批准",
                15,
                Document,
                1,
            ),
            (
                "有独立健全的组织机构",
                "工会委员会、经费审查委员会、女职工委员会健全",
                15,
                Document,
                1,
            ),
            (
                "有服务职工的活动载体",
                "有服务职工的阵地和经常性活动",
                15,
                Photo,
                2,
            ),
            (
                "有健全完善的制度机制",
                "会员代表大会、会务公开、职代会等制度落实",
                15,
                Document,
                1,
            ),
            (
                "有自主管理的工会经费",
                "工会经费独立建账、自主管理",
                15,
                Document,
                1,
            ),
            (
                "有会员满意的工作绩效",
                "维权服务实效，会员评家满意",
                25,
                Document,
                1,
            ),
        ],
    },
    BuiltinStandard {
        code: "sector_seven",
        name: "行业工会联合会规范化建设标准（七有）",
        description: "市总工会对行业工会的示范标准：有牌子、有章子、有办公场所、有组织机构、有工作制度、有工作经费、有活动资料。",
        grading: Grading::PassFail { pass: 100 },
        applies_to: &["sector_federation"],
        items: &[
            ("有牌子", "", 10, Photo, 1),
            ("有章子", "", 10, Photo, 1),
            ("有办公场所", "", 10, Photo, 1),
            (
                "有组织机构",
                "工会委员会、经审会、女职委同步建立",
                10,
                Document,
                1,
            ),
            ("有工作制度", "", 10, Document, 1),
            ("有工作经费", "", 10, Document, 1),
            ("有活动资料", "", 10, Document, 1),
        ],
    },
    BuiltinStandard {
        code: "four_in_place",
        name: "开发区（工业园区）工会“四个到位”",
        description: "四个基本要求不到位的，补助经费一律不予划拨。",
        grading: Grading::PassFail { pass: 100 },
        applies_to: &["development_zone"],
        items: &[
            ("机构设置到位", "", 25, Document, 1),
            ("办公设施到位", "", 25, Photo, 1),
            ("干部配备到位", "", 25, Document, 1),
            ("基本经费到位", "", 25, Document, 1),
        ],
    },
    BuiltinStandard {
        code: "liuhao_township",
        name: "“六好”乡镇（街道）工会",
        description: "党委政府支持好、组织网络健全好、履行基本职责好、指导帮助基层好、服务职工群众好、围绕中心开展工作好。",
        grading: Grading::Bands {
            first: 90,
            second: 75,
            third: 60,
        },
        applies_to: &["township", "street"],
        items: &[
            ("党委政府支持好", "", 15, Document, 1),
            ("组织网络健全好", "", 15, Document, 1),
            ("履行基本职责好", "", 20, Document, 1),
            ("指导帮助基层好", "", 15, Document, 1),
            ("服务职工群众好", "", 20, Photo, 1),
            ("围绕中心开展工作好", "", 15, NoEvidence, 0),
        ],
    },
    BuiltinStandard {
        code: "dual_display",
        name: "“双亮”",
        description: "工会组织亮牌子、工会主席亮身份、工会工作亮作为；未开展双亮的单位不得参加市级以上评比。",
        grading: Grading::PassFail { pass: 100 },
        applies_to: &["grassroots"],
        items: &[
            ("工会组织亮牌子", "", 10, Photo, 1),
            ("工会主席亮身份", "", 10, Photo, 1),
            ("工会工作亮作为", "", 10, Document, 1),
        ],
    },
];

/// The eligibility rules every deployment starts with (seed 000), as
/// (code, name, target, min level, condition, message).
pub const BUILTIN_RULES: &[(&str, &str, RuleTarget, Option<HonorLevel>, Condition, &str)] = &[
    (
        "dual_display_city",
        "未开展双亮的单位不得参加市级以上评比",
        RuleTarget::Honor,
        Some(HonorLevel::City),
        Condition::DualDisplay,
        "未开展双亮的单位不得参加市级以上模范职工之家、优秀工会组织、优秀工会干部评选",
    ),
    (
        "four_in_place_subsidy",
        "四个到位未全部到位的开发区工会不予划拨补助经费",
        RuleTarget::Subsidy,
        None,
        Condition::FourInPlace,
        "四个到位未全部到位的开发区工会不予划拨补助经费",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn s(points: i64, veto: bool, score: i64) -> Scored {
        Scored {
            points,
            veto,
            score,
        }
    }

    #[test]
    fn bands_follow_the_share_of_points() {
        let g = Grading::bands(90, 75, 60).unwrap();
        assert_eq!(g.grade(90, 100), Grade::First);
        assert_eq!(g.grade(89, 100), Grade::Second);
        assert_eq!(g.grade(75, 100), Grade::Second);
        assert_eq!(g.grade(74, 100), Grade::Third);
        assert_eq!(g.grade(60, 100), Grade::Third);
        assert_eq!(g.grade(59, 100), Grade::BelowThird);
        // 53.99 of 60 is 89.98%: not 一类.
        assert_eq!(g.grade(53, 59), Grade::Second);
        assert_eq!(g.grade(0, 0), Grade::BelowThird);
    }

    #[test]
    fn a_failed_veto_item_fails_whatever_the_total() {
        let g = Grading::bands(90, 75, 60).unwrap();
        let o = outcome(g, &[s(90, false, 90), s(10, true, 0)]);
        assert_eq!(o.total, 90);
        assert_eq!(o.max, 100);
        assert!(o.veto_failed);
        assert_eq!(o.grade, Grade::BelowThird);
        assert!(!o.passed());
        let ok = outcome(g, &[s(90, false, 80), s(10, true, 10)]);
        assert_eq!(ok.grade, Grade::First);
        assert!(ok.passed());
        let pf = outcome(
            Grading::pass_fail(100).unwrap(),
            &[s(10, false, 10), s(10, true, 0)],
        );
        assert_eq!(pf.grade, Grade::Fail);
    }

    #[test]
    fn veto_items_are_met_or_not() {
        assert!(check_score("有工会主席", 10, true, 5).is_err());
        assert!(check_score("有工会主席", 10, true, 10).is_ok());
        assert!(check_score("有工会主席", 10, true, 0).is_ok());
        assert!(check_score("有制度", 10, false, 11).is_err());
        assert!(check_score("有制度", 10, false, -1).is_err());
        assert!(check_score("有制度", 10, false, 7).is_ok());
    }

    #[test]
    fn grading_thresholds_are_checked() {
        assert!(Grading::bands(75, 90, 60).is_err());
        assert!(Grading::bands(90, 90, 60).is_err());
        assert!(Grading::bands(101, 90, 60).is_err());
        assert!(Grading::pass_fail(0).is_err());
        assert_eq!(Grading::pass_fail(100).unwrap().grade(69, 70), Grade::Fail);
        assert_eq!(Grading::pass_fail(100).unwrap().grade(70, 70), Grade::Pass);
    }

    #[test]
    fn kinds_match_org_kinds_and_sub_kinds() {
        let set = KindSet::parse(["enterprise,joint"]).unwrap();
        assert!(set.matches(OrgKind::Grassroots, Some("joint")));
        assert!(!set.matches(OrgKind::Grassroots, Some("public_institution")));
        let all = KindSet::parse(["grassroots"]).unwrap();
        assert!(all.matches(OrgKind::Grassroots, Some("public_institution")));
        assert!(!all.matches(OrgKind::AreaFederation, Some("township")));
        assert!(KindSet::default().matches(OrgKind::CityFederation, None));
        assert!(KindSet::parse(["factory"]).is_err());
        // Stored text is canonical whatever the order typed.
        assert_eq!(
            KindSet::parse(["joint", "enterprise"]).unwrap().to_stored(),
            "enterprise,joint"
        );
    }

    #[test]
    fn item_kinds_must_stay_within_the_standard() {
        let item = ItemSpec::new(
            1,
            "",
            "有乡镇工会办公室",
            "",
            10,
            EvidenceKind::None,
            0,
            false,
            KindSet::parse(["township"]).unwrap(),
        )
        .unwrap();
        let err = StandardSpec::new(
            "测试",
            "",
            Grading::pass_fail(100).unwrap(),
            KindSet::parse(["grassroots"]).unwrap(),
            vec![item.clone()],
        )
        .unwrap_err();
        assert!(err.0.contains("第1项"), "{err}");
        let narrower = ItemSpec {
            applies_to: KindSet::parse(["enterprise"]).unwrap(),
            ..item
        };
        assert!(
            StandardSpec::new(
                "测试",
                "",
                Grading::pass_fail(100).unwrap(),
                KindSet::parse(["grassroots"]).unwrap(),
                vec![narrower],
            )
            .is_ok()
        );
    }

    #[test]
    fn items_need_evidence_counts_and_points() {
        let kinds = KindSet::default();
        assert!(
            ItemSpec::new(3, "", "有场所", "", 0, NoEvidence, 0, false, kinds.clone()).is_err()
        );
        let e = ItemSpec::new(3, "", "有场所", "", 10, Photo, 0, false, kinds.clone()).unwrap_err();
        assert!(e.0.starts_with("第3项"), "{e}");
        let none = ItemSpec::new(3, "", "有场所", "", 10, NoEvidence, 5, false, kinds).unwrap();
        assert_eq!(none.evidence_count, 0, "no evidence means no count");
    }

    #[test]
    fn builtin_standards_are_valid_and_only_the_sources_lists() {
        for b in BUILTIN_STANDARDS {
            let spec = b.spec();
            assert!(!spec.items.is_empty(), "{}", b.code);
        }
        let titles = |code: &str| -> Vec<&str> {
            BUILTIN_STANDARDS
                .iter()
                .find(|b| b.code == code)
                .unwrap()
                .items
                .iter()
                .map(|i| i.0)
                .collect()
        };
        assert_eq!(titles("qiyou").len(), 7);
        assert_eq!(titles("liuyou").len(), 6);
        assert_eq!(titles("sector_seven").len(), 7);
        assert_eq!(titles("four_in_place").len(), 4);
        assert_eq!(titles("liuhao_township").len(), 6);
        assert_eq!(titles("dual_display").len(), 3);
    }

    #[test]
    fn workflow_moves_in_order() {
        use AssessmentAction as A;
        use AssessmentState as S;
        let mut s = S::NotStarted;
        for a in [A::SaveSelfReview, A::Submit, A::StartReview, A::Return] {
            s = s.after(a).unwrap();
        }
        assert_eq!(s, S::Returned);
        for a in [
            A::SaveSelfReview,
            A::Submit,
            A::StartReview,
            A::Decide,
            A::Publish,
            A::Grant,
            A::Reward,
        ] {
            s = s.after(a).unwrap();
        }
        assert_eq!(s, S::Rewarded);
        let e = S::Submitted.after(A::SaveSelfReview).unwrap_err();
        assert!(e.0.contains("等待审核"), "{e}");
        assert!(S::NotStarted.after(A::Submit).is_err());
        assert!(S::Passed.after(A::Grant).unwrap_err().0.contains("公示"));
        assert!(S::Failed.after(A::Publish).is_err());
        assert!(S::SelfReview.after(A::Decide).is_err());
    }

    #[test]
    fn honor_levels_rank() {
        assert!(HonorLevel::Provincial.at_least(HonorLevel::City));
        assert!(HonorLevel::City.at_least(HonorLevel::City));
        assert!(!HonorLevel::County.at_least(HonorLevel::City));
    }

    #[test]
    fn notice_period_and_campaign_dates() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(check_notice_period(d("2026-11-01"), d("2026-11-04")).is_err());
        assert!(check_notice_period(d("2026-11-01"), d("2026-11-05")).is_ok());
        assert!(check_campaign_dates(d("2026-01-01"), d("2027-01-01"), d("2026-12-31")).is_err());
        assert!(check_campaign_dates(d("2026-01-01"), d("2026-06-30"), d("2026-12-31")).is_ok());
        assert!(check_rule_parameter(Condition::MembershipRate, None).is_err());
        assert_eq!(
            check_rule_parameter(Condition::DualDisplay, Some(3)).unwrap(),
            None
        );
    }
}
