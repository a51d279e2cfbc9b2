//! 行政区划代码: the NBS 2023 statistical division codes vendored in `data/regions/`
//! (see its README): 31 provinces, 342 prefecture-level units, 2,978 county-level units and
//! 41,352 townships, compiled into the binary and indexed once on first use.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use crate::coded_enum;
use crate::error::Invalid;
use crate::text::{compact, csv_fields};

const PROVINCES_CSV: &str = include_str!("../../../data/regions/provinces.csv");
const CITIES_CSV: &str = include_str!("../../../data/regions/cities.csv");
const AREAS_CSV: &str = include_str!("../../../data/regions/areas.csv");
const STREETS_CSV: &str = include_str!("../../../data/regions/streets.csv");

coded_enum! {
    /// Level of a six-digit region code.
    pub enum RegionLevel {
        Province = ("province", "省级"),
        City = ("city", "地级"),
        County = ("county", "县级"),
    }
}

/// Prefecture-level rows that only group counties (直辖市的“市辖区”“县”, 省直辖县级行政区划):
/// they are left out of a county's full name, as people never write them.
const PLACEHOLDER_CITIES: [&str; 4] = [
    "市辖区",
    "县",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
];

struct Place {
    name: &'static str,
    level: RegionLevel,
    /// Six-digit code of the prefecture-level unit (itself for a city), `None` for a province.
    city: Option<&'static str>,
}

struct Regions {
    /// Every province, city and county by its six-digit code.
    places: HashMap<&'static str, Place>,
    provinces: Vec<(&'static str, &'static str)>,
    cities_by_province: HashMap<&'static str, Vec<(&'static str, &'static str)>>,
    counties_by_city: HashMap<&'static str, Vec<(&'static str, &'static str)>>,
    townships_by_county: HashMap<&'static str, Vec<(&'static str, &'static str)>>,
    township_names: HashMap<&'static str, &'static str>,
}

/// Rows of one vendored file after its header, checked against the expected columns so a
/// re-vendored file with a changed layout fails loudly instead of mis-indexing.
fn rows(csv: &'static str, header: &str) -> impl Iterator<Item = Vec<&'static str>> {
    let mut lines = csv.lines();
    let first = lines.next().unwrap_or_default().trim_end_matches('\r');
    assert_eq!(first, header, "unexpected header in data/regions");
    let width = header.split(',').count();
    lines.filter(|l| !l.trim().is_empty()).map(move |line| {
        let fields = csv_fields(line);
        assert_eq!(fields.len(), width, "malformed row in data/regions: {line}");
        fields
    })
}

/// Pads a 2- or 4-digit code to six digits; leaked once per province/city at start-up so the
/// index can hand out `&'static str` like the rest of the data.
fn pad6(code: &str) -> &'static str {
    Box::leak(format!("{code:0<6}").into_boxed_str())
}

static REGIONS: LazyLock<Regions> = LazyLock::new(|| {
    let mut r = Regions {
        places: HashMap::new(),
        provinces: Vec::new(),
        cities_by_province: HashMap::new(),
        counties_by_city: HashMap::new(),
        townships_by_county: HashMap::new(),
        township_names: HashMap::new(),
    };
    for f in rows(PROVINCES_CSV, "code,name") {
        let code = pad6(f[0]);
        r.provinces.push((code, f[1]));
        r.places.insert(
            code,
            Place {
                name: f[1],
                level: RegionLevel::Province,
                city: None,
            },
        );
    }
    for f in rows(CITIES_CSV, "code,name,provinceCode") {
        let code = pad6(f[0]);
        let province = r.key(&format!("{}0000", f[2]));
        r.cities_by_province
            .entry(province)
            .or_default()
            .push((code, f[1]));
        r.places.insert(
            code,
            Place {
                name: f[1],
                level: RegionLevel::City,
                city: Some(code),
            },
        );
    }
    for f in rows(AREAS_CSV, "code,name,cityCode,provinceCode") {
        let (code, city) = (f[0], r.key(&format!("{}00", f[2])));
        r.counties_by_city
            .entry(city)
            .or_default()
            .push((code, f[1]));
        // 东莞、中山、儋州 have no counties; NBS lists each once more as "city code + 00" to
        // hang townships on. That code is already the city, so keep the city entry.
        r.places.entry(code).or_insert(Place {
            name: f[1],
            level: RegionLevel::County,
            city: Some(city),
        });
    }
    for f in rows(STREETS_CSV, "code,name,areaCode,provinceCode,cityCode") {
        r.townships_by_county
            .entry(f[2])
            .or_default()
            .push((f[0], f[1]));
        r.township_names.insert(f[0], f[1]);
    }
    // The files are sorted already; sort anyway so pickers never depend on that.
    r.provinces.sort_unstable();
    for list in r.cities_by_province.values_mut() {
        list.sort_unstable();
    }
    for list in r.counties_by_city.values_mut() {
        list.sort_unstable();
    }
    for list in r.townships_by_county.values_mut() {
        list.sort_unstable();
    }
    r
});

impl Regions {
    /// The stored six-digit key of a province or city already indexed: rows refer to their
    /// parent, which the files list first.
    fn key(&self, code: &str) -> &'static str {
        match self.places.get_key_value(code) {
            Some((k, _)) => k,
            None => panic!("data/regions refers to missing parent {code}"),
        }
    }
}

fn place(code: &str) -> Option<&'static Place> {
    REGIONS.places.get(code)
}

/// Whether `code` (two digits) is a province-level code a resident ID may start with: the
/// mainland provinces in the vendored list plus 71 台湾, 81 香港, 82 澳门, and 83, which the
/// residence permits of Taiwan residents use.
pub(crate) fn is_known_province(code: &str) -> bool {
    // Every ID number is checked against this (a million per import), so the answer is a
    // table of the hundred two-digit codes built once from the list.
    static PROVINCES: LazyLock<[bool; 100]> = LazyLock::new(|| {
        let mut known = [false; 100];
        for (i, k) in known.iter_mut().enumerate() {
            *k = matches!(i, 71 | 81 | 82 | 83) || place(&format!("{i:02}0000")).is_some();
        }
        known
    });
    match code.as_bytes() {
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => PROVINCES[usize::from((a - b'0') * 10 + (b - b'0'))],
        _ => false,
    }
}

/// A six-digit region code present in the vendored NBS 2023 list: a province (`420000`), a
/// prefecture-level unit (`421000`) or a county-level unit (`421081`), including NBS
/// functional zones such as `421071`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

impl RegionCode {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = compact(input);
        if code.is_empty() {
            return Err(Invalid::new("请填写行政区划代码（6位数字，如 421081）"));
        }
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid(format!("行政区划代码 {code} 应为6位数字")));
        }
        if place(&code).is_none() {
            return Err(Invalid(format!(
                "行政区划代码 {code} 不存在（依据国家统计局2023年区划代码）"
            )));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn place(&self) -> &'static Place {
        place(&self.0).expect("a RegionCode is always in the list")
    }

    /// The unit's own name, e.g. 石首市.
    pub fn name(&self) -> &'static str {
        self.place().name
    }

    /// Province, prefecture and county names joined, e.g. 湖北省荆州市石首市. Grouping rows
    /// (市辖区, 省直辖县级行政区划) and a county named like its prefecture are skipped:
    /// 北京市朝阳区, 湖北省仙桃市, 甘肃省嘉峪关市.
    pub fn full_name(&self) -> String {
        let p = self.place();
        let province = self.province();
        match p.level {
            RegionLevel::Province => p.name.to_owned(),
            RegionLevel::City => format!("{}{}", province.name(), p.name),
            RegionLevel::County => {
                let city = p.city.and_then(place).map_or("", |c| c.name);
                let city = if PLACEHOLDER_CITIES.contains(&city) || city == p.name {
                    ""
                } else {
                    city
                };
                format!("{}{city}{}", province.name(), p.name)
            }
        }
    }

    pub fn level(&self) -> RegionLevel {
        self.place().level
    }

    /// A county-level code whose last two digits are 71–80: NBS gives 开发区, 新区 and similar
    /// zones such codes, but they are not GB/T 2260 administrative divisions.
    pub fn is_functional_zone(&self) -> bool {
        self.level() == RegionLevel::County && matches!(self.0[4..].parse::<u8>(), Ok(71..=80))
    }

    /// The province-level code, e.g. 420000 for 421081.
    pub fn province(&self) -> RegionCode {
        Self(format!("{}0000", &self.0[..2]))
    }

    /// The prefecture-level code (itself for a prefecture), `None` for a province.
    pub fn city(&self) -> Option<RegionCode> {
        self.place().city.map(|c| Self(c.to_owned()))
    }

    /// Whether `other` lies within this region; a region contains itself.
    pub fn contains(&self, other: &RegionCode) -> bool {
        match self.level() {
            RegionLevel::Province => other.0[..2] == self.0[..2],
            RegionLevel::City => other.city().as_ref() == Some(self),
            RegionLevel::County => other == self,
        }
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for RegionCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for RegionCode {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::parse(s)
    }
}

impl serde::Serialize for RegionCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for RegionCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Accepts a code in its short NBS form (`42`, `4210`) or padded to six digits.
fn six(code: &str) -> String {
    format!("{:0<6}", code.trim())
}

/// All provinces as (six-digit code, name), in code order, for pickers.
pub fn provinces() -> Vec<(&'static str, &'static str)> {
    REGIONS.provinces.clone()
}

/// Prefecture-level units of a province (`42` or `420000`) as (six-digit code, name).
pub fn cities_of(province: &str) -> Vec<(&'static str, &'static str)> {
    REGIONS
        .cities_by_province
        .get(six(province).as_str())
        .cloned()
        .unwrap_or_default()
}

/// County-level units of a prefecture (`4210` or `421000`) as (six-digit code, name), in
/// code order. For 东莞、中山、儋州 this is the single pseudo-county that holds their townships.
pub fn counties_of(city: &str) -> Vec<(&'static str, &'static str)> {
    REGIONS
        .counties_by_city
        .get(six(city).as_str())
        .cloned()
        .unwrap_or_default()
}

/// Townships (乡镇、街道) of a county-level unit as (nine-digit code, name), in code order.
pub fn townships_of(county: &str) -> Vec<(&'static str, &'static str)> {
    REGIONS
        .townships_by_county
        .get(county.trim())
        .cloned()
        .unwrap_or_default()
}

/// Name of a province, prefecture or county (2, 4 or 6 digits) or township (9 digits).
pub fn region_name(code: &str) -> Option<&'static str> {
    let code = code.trim();
    match code.len() {
        2 | 4 | 6 => place(&six(code)).map(|p| p.name),
        9 => REGIONS.township_names.get(code).copied(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rc(code: &str) -> RegionCode {
        RegionCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"))
    }

    #[test]
    fn vendored_counts() {
        assert_eq!(provinces().len(), 31);
        assert_eq!(
            REGIONS
                .cities_by_province
                .values()
                .map(Vec::len)
                .sum::<usize>(),
            342
        );
        assert_eq!(
            REGIONS
                .counties_by_city
                .values()
                .map(Vec::len)
                .sum::<usize>(),
            2978
        );
        assert_eq!(REGIONS.township_names.len(), 41352);
    }

    #[test]
    fn codes_nest_by_prefix() {
        // contains() on provinces and the township index both rely on this.
        for (city_code, counties) in &REGIONS.counties_by_city {
            for (code, _) in counties {
                assert_eq!(&code[..4], &city_code[..4], "{code}");
                for (t, _) in townships_of(code) {
                    assert_eq!(&t[..6], *code);
                }
            }
        }
    }

    #[test]
    fn seed_localities() {
        let shishou = rc("421081");
        assert_eq!(shishou.name(), "石首市");
        assert_eq!(shishou.full_name(), "湖北省荆州市石首市");
        assert_eq!(shishou.level(), RegionLevel::County);
        assert!(!shishou.is_functional_zone());
        assert_eq!(shishou.province().as_str(), "420000");
        assert_eq!(shishou.city().unwrap().as_str(), "421000");

        assert_eq!(rc("421024").full_name(), "湖北省荆州市江陵县");
        let zone = rc("421071");
        assert_eq!(zone.name(), "荆州经济技术开发区");
        assert!(zone.is_functional_zone());
        assert_eq!(rc("420583").full_name(), "湖北省宜昌市枝江市");
        assert_eq!(rc("430722").full_name(), "湖南省常德市汉寿县");
        assert!(townships_of("430722").contains(&("430722101", "蒋家嘴镇")));
        assert_eq!(region_name("430722101"), Some("蒋家嘴镇"));
    }

    #[test]
    fn levels_and_names() {
        let hubei = rc("420000");
        assert_eq!(hubei.level(), RegionLevel::Province);
        assert_eq!(hubei.full_name(), "湖北省");
        assert_eq!(hubei.city(), None);
        let jingzhou = rc("421000");
        assert_eq!(jingzhou.level(), RegionLevel::City);
        assert_eq!(jingzhou.full_name(), "湖北省荆州市");
        assert_eq!(jingzhou.city(), Some(jingzhou.clone()));
        assert_eq!(rc("110105").full_name(), "北京市朝阳区");
        assert_eq!(rc("429004").full_name(), "湖北省仙桃市");
        assert_eq!(rc("620201").full_name(), "甘肃省嘉峪关市");
        let dongguan = rc("441900");
        assert_eq!(dongguan.level(), RegionLevel::City);
        assert_eq!(dongguan.full_name(), "广东省东莞市");
        assert!(!townships_of("441900").is_empty());
    }

    #[test]
    fn containment() {
        let (hubei, jingzhou, shishou, yichang) =
            (rc("420000"), rc("421000"), rc("421081"), rc("420500"));
        assert!(hubei.contains(&shishou) && hubei.contains(&jingzhou) && hubei.contains(&hubei));
        assert!(jingzhou.contains(&shishou) && jingzhou.contains(&jingzhou));
        assert!(!jingzhou.contains(&hubei) && !yichang.contains(&shishou));
        assert!(shishou.contains(&shishou) && !shishou.contains(&jingzhou));
        assert!(!hubei.contains(&rc("430722")));
    }

    #[test]
    fn pickers() {
        let counties = counties_of("4210");
        assert_eq!(counties.len(), 9);
        assert_eq!(counties_of("421000"), counties);
        assert!(counties.contains(&("421071", "荆州经济技术开发区")));
        assert!(cities_of("42").contains(&("421000", "荆州市")));
        assert_eq!(cities_of("420000"), cities_of("42"));
        assert_eq!(region_name("42"), Some("湖北省"));
        assert_eq!(region_name("4210"), Some("荆州市"));
        assert_eq!(region_name("999999"), None);
        assert!(counties_of("9999").is_empty() && townships_of("x").is_empty());
    }

    #[test]
    fn rejections_are_chinese_and_specific() {
        assert_eq!(
            RegionCode::parse("420000X").unwrap_err().0,
            "行政区划代码 420000X 应为6位数字"
        );
        assert_eq!(
            RegionCode::parse("999999").unwrap_err().0,
            "行政区划代码 999999 不存在（依据国家统计局2023年区划代码）"
        );
        assert_eq!(rc(" ４２１０８１ ").as_str(), "421081");
    }

    #[test]
    fn serde_as_string_and_validated() {
        assert_eq!(serde_json::to_string(&rc("421081")).unwrap(), r#""421081""#);
        assert_eq!(
            serde_json::from_str::<RegionCode>(r#""421081""#).unwrap(),
            rc("421081")
        );
        assert!(serde_json::from_str::<RegionCode>(r#""999999""#).is_err());
    }

    #[test]
    fn id_provinces() {
        for p in ["11", "42", "65", "71", "81", "82", "83"] {
            assert!(is_known_province(p), "{p}");
        }
        for p in ["10", "16", "20", "66", "70", "84", "99", "4", "420"] {
            assert!(!is_known_province(p), "{p}");
        }
    }
}
