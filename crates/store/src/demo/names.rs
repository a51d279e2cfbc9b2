//! Word pools for synthetic but plausible names: people, firms, institutions, places. Every
//! pick goes through the caller's seeded generator, and every pool is a slice in a fixed order,
//! so the same seed always yields the same names.

use std::sync::LazyLock;

use rand::Rng;
use rand::rngs::SmallRng;
use rand::seq::IndexedRandom;

/// Common surnames with a rough weight (per mille of the population, Hubei leaning).
#[rustfmt::skip]
const SURNAMES: &[(&str, u32)] = &[
    ("王", 72), ("李", 72), ("张", 68), ("刘", 55), ("陈", 48), ("杨", 33), ("黄", 24), ("赵", 22),
    ("吴", 20), ("周", 20), ("徐", 17), ("孙", 15), ("马", 14), ("朱", 13), ("胡", 18), ("郭", 12),
    ("何", 12), ("高", 11), ("林", 11), ("罗", 11), ("郑", 10), ("梁", 9), ("谢", 9), ("宋", 8),
    ("唐", 8), ("许", 7), ("韩", 7), ("冯", 7), ("邓", 8), ("曹", 7), ("彭", 8), ("曾", 7),
    ("肖", 7), ("田", 7), ("董", 6), ("袁", 6), ("潘", 5), ("于", 5), ("蒋", 5), ("蔡", 5),
    ("余", 7), ("杜", 5), ("叶", 5), ("程", 6), ("苏", 4), ("魏", 4), ("吕", 4), ("丁", 4),
    ("任", 4), ("沈", 4), ("姚", 4), ("卢", 4), ("姜", 4), ("崔", 3), ("钟", 3), ("谭", 4),
    ("陆", 3), ("汪", 5), ("范", 3), ("金", 3), ("石", 3), ("廖", 3), ("贾", 3), ("夏", 4),
    ("付", 4), ("方", 3), ("邹", 3), ("熊", 6), ("孟", 2), ("秦", 2), ("邱", 2), ("江", 3),
    ("尹", 2), ("段", 2), ("雷", 3), ("侯", 2), ("龙", 2), ("史", 2), ("陶", 2), ("黎", 2),
    ("贺", 2), ("顾", 2), ("毛", 3), ("郝", 2), ("龚", 4), ("邵", 2), ("万", 5), ("严", 2),
    ("覃", 3), ("向", 4), ("汤", 2), ("戴", 2), ("文", 2), ("易", 3), ("聂", 2), ("欧阳", 1),
];

static SURNAME_CUMULATIVE: LazyLock<(Vec<u32>, u32)> = LazyLock::new(|| {
    let mut acc = 0;
    let cum = SURNAMES
        .iter()
        .map(|(_, w)| {
            acc += w;
            acc
        })
        .collect();
    (cum, acc)
});

#[rustfmt::skip]
const MALE_GIVEN: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞",
    "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "洋", "文", "国", "建",
    "志", "海", "峰", "兵", "亮", "成", "新", "春", "东", "晨", "阳", "博", "睿", "晓", "德", "明",
    "立", "荣", "庆", "松", "江", "汉", "楚", "武", "俊", "豪", "泽", "昊", "航", "佳", "子", "晋",
];

#[rustfmt::skip]
const FEMALE_GIVEN: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "燕", "红", "梅", "琳", "婷", "雪",
    "慧", "丹", "颖", "倩", "洁", "萍", "莉", "琴", "蓉", "英", "华", "欣", "怡", "佳", "璐", "瑶",
    "玉", "兰", "晶", "薇", "悦", "冰", "月", "露", "晓", "春", "翠", "凤", "巧", "媛", "思", "雨",
];

/// A person's name: a weighted common surname and one or two given-name characters.
pub fn person_name(rng: &mut SmallRng, female: bool) -> String {
    let (cum, total) = &*SURNAME_CUMULATIVE;
    let pick = rng.random_range(0..*total);
    let idx = cum.partition_point(|&c| c <= pick);
    let mut name = String::from(SURNAMES[idx].0);
    let pool = if female { FEMALE_GIVEN } else { MALE_GIVEN };
    let first = *pool.choose(rng).expect("pool");
    name.push_str(first);
    if rng.random_bool(0.72) {
        // Doubled characters (婷婷) are a girls' pattern; otherwise two different ones.
        let second = loop {
            let c = *pool.choose(rng).expect("pool");
            if c != first || (female && rng.random_bool(0.3)) {
                break c;
            }
        };
        name.push_str(second);
    }
    name
}

#[rustfmt::skip]
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "185", "186",
    "187", "188", "189", "191", "199",
];

/// A valid mainland mobile number.
pub fn mobile(rng: &mut SmallRng) -> String {
    format!(
        "{}{:08}",
        MOBILE_PREFIXES.choose(rng).expect("prefixes"),
        rng.random_range(0..100_000_000u32)
    )
}

/// A 荆州 (0716) office landline, as `Phone::parse` normalizes it.
pub fn landline(rng: &mut SmallRng) -> String {
    format!("0716-8{:06}", rng.random_range(0..1_000_000u32))
}

#[rustfmt::skip]
const ETHNICITIES: &[(&str, u32)] = &[("汉族", 960), ("土家族", 20), ("回族", 8), ("苗族", 6), ("满族", 3), ("蒙古族", 3)];

pub fn ethnicity(rng: &mut SmallRng) -> &'static str {
    weighted(rng, ETHNICITIES)
}

/// Picks from `(item, weight)` pairs.
pub fn weighted<T: Copy>(rng: &mut SmallRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total);
    for (item, w) in items {
        if pick < *w {
            return *item;
        }
        pick -= w;
    }
    items[items.len() - 1].0
}

/// First and second characters of firm brands (字号): 华泰, 鑫源, 楚天…
#[rustfmt::skip]
const BRAND_A: &[&str] = &[
    "华", "鑫", "恒", "宏", "金", "荆", "楚", "江", "汉", "长", "天", "新", "泰", "瑞", "丰", "盛",
    "德", "嘉", "兴", "隆", "永", "宇", "利", "源", "达", "通", "顺", "力", "正", "诚", "信", "博",
    "卓", "创", "凯", "昌", "聚", "汇", "晨", "龙", "鸿", "祥", "福", "安", "康", "美", "佳", "万",
    "中", "国", "三", "东", "南", "洪", "湘", "鄂", "明", "辰", "锦", "富", "旺", "吉", "众", "亿",
];
#[rustfmt::skip]
const BRAND_B: &[&str] = &[
    "华", "鑫", "恒", "宏", "达", "源", "泰", "通", "盛", "兴", "丰", "瑞", "翔", "业", "发", "诚",
    "信", "远", "昌", "茂", "祥", "和", "润", "利", "安", "宇", "辉", "星", "川", "江", "湖", "阳",
    "创", "力", "成", "德", "隆", "嘉", "凯", "峰", "光", "腾", "邦", "顺", "洲", "科", "晟", "拓",
];

pub fn brand(rng: &mut SmallRng) -> String {
    loop {
        let a = BRAND_A.choose(rng).expect("pool");
        let b = BRAND_B.choose(rng).expect("pool");
        if a != b {
            return format!("{a}{b}");
        }
    }
}

/// Business words by GB/T 4754 大类, as they appear in firm names.
pub fn industry_words(division: &str) -> &'static [&'static str] {
    match division {
        "01" => &["农业发展", "生态农业", "种植"],
        "03" => &["畜牧", "生猪养殖", "养殖"],
        "04" => &["水产", "渔业", "水产养殖"],
        "05" => &["农业科技", "农机服务"],
        "13" => &["粮油", "米业", "水产食品", "饲料", "农产品加工"],
        "14" => &["食品", "调味品", "食品科技"],
        "15" => &["酒业", "饮品", "茶业"],
        "17" => &["纺织", "棉纺", "印染", "纺织科技"],
        "18" => &["服饰", "服装", "制衣"],
        "26" => &["化工", "精细化工", "化学", "新材料"],
        "27" => &["药业", "医药", "生物医药", "制药"],
        "29" => &["塑业", "塑料制品", "橡胶", "包装材料"],
        "30" => &["建材", "新型建材", "水泥制品", "玻璃"],
        "31" => &["钢铁", "特钢"],
        "33" => &["金属制品", "钢结构", "五金"],
        "34" => &["机械", "机械制造", "泵业", "阀门"],
        "35" => &["石油机械", "专用设备", "环保设备", "农业机械"],
        "36" => &["汽车零部件", "汽车部件", "汽车配件", "汽车电子"],
        "38" => &["电气", "电器", "电缆", "电机"],
        "39" => &["电子", "光电科技", "电子科技"],
        "44" => &["电力", "新能源", "热电"],
        "46" => &["水务", "供水"],
        "47" => &["建筑工程", "建设工程", "建工"],
        "48" => &["路桥工程", "水利水电工程", "市政工程"],
        "50" => &["装饰工程", "建筑装饰", "防水工程"],
        "51" => &["商贸", "贸易", "农资", "粮食贸易"],
        "52" => &["超市", "百货", "商业", "连锁超市"],
        "54" => &["运输", "客运", "货运", "汽车运输"],
        "55" => &["港务", "航运"],
        "59" => &["仓储物流", "物流", "冷链物流"],
        "60" => &["快递", "速递"],
        "61" => &["大酒店", "酒店管理", "宾馆"],
        "62" => &["餐饮管理", "餐饮", "酒楼", "美食"],
        "64" => &["网络科技", "电子商务"],
        "65" => &["信息技术", "软件", "网络科技", "数据科技"],
        "69" => &["融资担保", "小额贷款"],
        "70" => &["物业服务", "房地产开发", "置业"],
        "72" => &["企业管理", "保安服务", "人力资源", "商务咨询"],
        "80" => &["家政服务", "居民服务", "保洁服务"],
        "81" => &["汽车维修", "汽车服务"],
        _ => &["实业", "发展"],
    }
}

/// Shop words for 个体工商户 by 大类.
pub fn shop_words(division: &str) -> &'static [&'static str] {
    match division {
        "52" => &[
            "五金店",
            "副食店",
            "超市",
            "服装店",
            "家电商行",
            "建材经营部",
            "日杂店",
        ],
        "51" => &["农资经营部", "建材经营部", "粮油批发部"],
        "62" => &["餐馆", "小吃店", "农家乐", "饭庄"],
        "61" => &["旅社", "宾馆"],
        "81" => &["汽车修理部", "家电维修部", "摩托车修理店"],
        "80" => &["理发店", "洗衣店", "家政服务部"],
        "60" => &["快递服务站"],
        "30" => &["建材经营部"],
        _ => &["经营部", "商行"],
    }
}

#[rustfmt::skip]
pub const ROADS: &[&str] = &[
    "人民路", "建设路", "解放路", "中山路", "江汉路", "楚都大道", "长江路", "荆江大道", "民主路",
    "东门路", "团结路", "北京路", "江津路", "荆州大道", "红门路", "园林路", "胜利街", "新华路",
    "学苑路", "滨江路", "工业大道", "创业路", "发展大道", "兴业路", "金山路", "育才路",
];

#[rustfmt::skip]
pub const PROVINCES_FOR_CHAMBERS: &[&str] = &["浙江", "福建", "湖南", "江西", "河南", "广东", "四川", "温州", "安徽", "江苏"];

const CN_DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// 1 → 一, 12 → 十二, 20 → 二十, 35 → 三十五 (for 第N中学).
pub fn cn_number(n: usize) -> String {
    match n {
        0..=9 => CN_DIGITS[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", CN_DIGITS[n % 10]),
        20..=99 => {
            let tail = if n.is_multiple_of(10) {
                ""
            } else {
                CN_DIGITS[n % 10]
            };
            format!("{}十{tail}", CN_DIGITS[n / 10])
        }
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn numbers() {
        assert_eq!(cn_number(1), "一");
        assert_eq!(cn_number(10), "十");
        assert_eq!(cn_number(12), "十二");
        assert_eq!(cn_number(20), "二十");
        assert_eq!(cn_number(35), "三十五");
    }

    #[test]
    fn people_and_phones_are_valid() {
        let mut rng = SmallRng::seed_from_u64(7);
        for _ in 0..500 {
            let female = rng.random_bool(0.5);
            let name = person_name(&mut rng, female);
            assert!(gonghui_domain::check_person_name(&name).is_ok(), "{name}");
            let m = mobile(&mut rng);
            assert_eq!(gonghui_domain::Phone::parse(&m).unwrap().as_str(), m);
            let l = landline(&mut rng);
            assert_eq!(gonghui_domain::Phone::parse(&l).unwrap().as_str(), l);
        }
    }
}
