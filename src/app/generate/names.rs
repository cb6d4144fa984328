//! Word lists for synthetic people and organizations: common Chinese
//! surnames (with pinyin, for e-mail addresses), given-name characters,
//! English names, and the parts of company names.

/// Surnames, most common first, each with its pinyin. The generator favours
/// the front of the list, as real name frequencies do.
pub const SURNAMES: &[(&str, &str)] = &[
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("高", "gao"),
    ("林", "lin"),
    ("罗", "luo"),
    ("郑", "zheng"),
    ("梁", "liang"),
    ("谢", "xie"),
    ("宋", "song"),
    ("唐", "tang"),
    ("许", "xu"),
    ("韩", "han"),
    ("冯", "feng"),
    ("邓", "deng"),
    ("曹", "cao"),
    ("彭", "peng"),
    ("曾", "zeng"),
    ("肖", "xiao"),
    ("田", "tian"),
    ("董", "dong"),
    ("袁", "yuan"),
    ("潘", "pan"),
    ("于", "yu"),
    ("蒋", "jiang"),
    ("蔡", "cai"),
    ("余", "yu"),
    ("杜", "du"),
    ("叶", "ye"),
    ("程", "cheng"),
    ("苏", "su"),
    ("魏", "wei"),
    ("吕", "lv"),
    ("丁", "ding"),
    ("任", "ren"),
    ("沈", "shen"),
    ("姚", "yao"),
    ("卢", "lu"),
    ("姜", "jiang"),
    ("崔", "cui"),
    ("钟", "zhong"),
    ("谭", "tan"),
    ("陆", "lu"),
    ("汪", "wang"),
    ("范", "fan"),
    ("金", "jin"),
    ("石", "shi"),
    ("廖", "liao"),
    ("贾", "jia"),
    ("夏", "xia"),
    ("韦", "wei"),
    ("方", "fang"),
    ("白", "bai"),
    ("邹", "zou"),
    ("孟", "meng"),
    ("熊", "xiong"),
    ("秦", "qin"),
    ("邱", "qiu"),
    ("江", "jiang"),
    ("尹", "yin"),
    ("薛", "xue"),
    ("段", "duan"),
    ("雷", "lei"),
    ("侯", "hou"),
    ("龙", "long"),
    ("史", "shi"),
    ("陶", "tao"),
    ("黎", "li"),
    ("贺", "he"),
    ("顾", "gu"),
    ("毛", "mao"),
    ("郝", "hao"),
    ("龚", "gong"),
    ("邵", "shao"),
    ("万", "wan"),
    ("钱", "qian"),
    ("严", "yan"),
    ("武", "wu"),
    ("戴", "dai"),
    ("孔", "kong"),
    ("欧阳", "ouyang"),
    ("司马", "sima"),
    ("上官", "shangguan"),
];

/// Characters of given names more often chosen for boys.
pub const GIVEN_MALE: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞",
    "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "阳", "建", "国",
    "志", "文", "博", "晨", "睿", "轩", "昊", "然",
];

/// Characters of given names more often chosen for girls.
pub const GIVEN_FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "慧", "琳", "晶", "颖",
    "倩", "欣", "洁", "梅", "萍", "红", "月", "佳", "怡", "璐", "瑶", "菲", "悦", "彤", "琪", "梦",
    "雨", "涵", "诗", "思", "晓", "秀", "兰", "薇",
];

pub const ENGLISH_MALE: &[&str] = &[
    "James", "John", "Robert", "Michael", "David", "William", "Richard", "Thomas", "Daniel",
    "Matthew", "Andrew", "Peter", "Mark", "Paul", "Kevin", "Brian", "Oliver", "Henry", "Lucas",
    "Samuel",
];

pub const ENGLISH_FEMALE: &[&str] = &[
    "Mary",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Emily",
    "Emma",
    "Olivia",
    "Sophia",
    "Grace",
    "Chloe",
    "Hannah",
    "Alice",
    "Laura",
    "Rachel",
    "Anna",
    "Claire",
];

pub const ENGLISH_SURNAMES: &[&str] = &[
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Walker", "Wright", "Robinson", "Thompson",
    "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Martin", "Clarke", "Jackson",
    "Turner", "Chen", "Wong", "Lee", "Ng", "Tan",
];

pub const CITIES: &[&str] = &[
    "上海", "北京", "深圳", "广州", "杭州", "苏州", "南京", "成都", "武汉", "宁波",
];

pub const COMPANY_WORDS: &[&str] = &[
    "恒信", "华泰", "鼎盛", "远航", "新元", "嘉禾", "宏达", "瑞丰", "金桥", "天成", "润华", "博远",
    "星河", "永安", "中联",
];

pub const COMPANY_TRADES: &[&str] = &[
    "贸易",
    "科技",
    "物流",
    "投资",
    "置业",
    "医药",
    "文化传媒",
    "建设工程",
    "餐饮管理",
    "咨询",
];

pub const ENGLISH_COMPANIES: &[&str] = &[
    "Harbour Logistics Ltd",
    "Blue Ridge Consulting Ltd",
    "Pacific Trading Co.",
    "Northgate Capital Ltd",
    "Silverline Engineering Ltd",
    "Evergreen Foods Co.",
];

pub const MAIL_DOMAINS: &[&str] = &["163.com", "126.com", "sina.com", "gmail.com", "outlook.com"];

/// Mobile number prefixes of the Chinese carriers.
pub const MOBILE_PREFIXES: &[u64] = &[
    130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159, 166,
    176, 177, 180, 181, 182, 183, 185, 186, 187, 188, 189, 198, 199,
];

/// Area codes for organizations' landlines.
pub const AREA_CODES: &[u64] = &[10, 20, 21, 22, 23, 25, 27, 28, 571, 755];

pub const SOURCES: &[&str] = &["walk-in", "phone", "website", "wechat", "event", "partner"];

pub const NOTES: &[&str] = &[
    "prefers calls after 18:00",
    "asks for the Chinese newsletter",
    "interested in the spring events",
    "parking permit requested",
    "corporate invoice needed",
    "wants to join the tennis group",
];

pub const REJECT_REASONS: &[&str] = &[
    "incomplete documents",
    "identity could not be verified",
    "referrer did not confirm",
    "outside the membership area",
];

pub const FREEZE_REASONS: &[&str] = &[
    "dues in arrears",
    "billing dispute",
    "member request: working abroad",
    "medical leave",
];

pub const EXIT_REASONS: &[&str] = &[
    "moved to another city",
    "no longer uses the club",
    "financial reasons",
    "",
];

pub const EXPEL_REASONS: &[&str] = &[
    "lent the card to a non-member",
    "abusive conduct towards staff",
    "fraudulent dues payment",
];

/// Staff names: the director, manager and secretary first, then salespeople.
pub const STAFF_NAMES: &[&str] = &[
    "周建国",
    "林晓燕",
    "陈静",
    "王磊",
    "李娜",
    "张伟",
    "刘洋",
    "赵敏",
    "孙浩",
    "吴婷",
];
