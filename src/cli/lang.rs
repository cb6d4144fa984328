//! The one catalogue of words people read, in English and Chinese.
//!
//! The language is chosen once per run (`--lang`, `CLUBCTL_LANG`, else
//! `[club] lang` in club.toml, else English) and kept here; rendering code
//! asks for a message by key (`Msg`) or for the label of a column by its
//! stable English identifier (`heading`).
//!
//! What follows the language: table headings, the labels in the first
//! column of record views and reports, the chart's words, and the messages
//! the command line layer writes on standard error (summaries, dry-run
//! notes, the `error:` prefix and, in Chinese, a line naming the kind of
//! error). What does not: CSV column names and JSON keys (stable English
//! identifiers for scripts), values stored in the data files (statuses,
//! kinds, ids), `--help`, and the text of error and outcome messages made
//! below the command line layer, which stay English.

use std::fmt::Display;
use std::sync::OnceLock;

/// A language of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// `en` or `zh` (also `zh-CN`, `zh_CN`, `english`, `chinese`, `中文`).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "en" | "en-us" | "en-gb" | "english" => Some(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "chinese" | "中文" => Some(Lang::Zh),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// The value parser of `--lang` and `CLUBCTL_LANG`: takes `en` and `zh`
/// and their usual spellings (`zh-CN`, `english`, `中文`), and offers the two
/// codes to help and to shell completion.
#[derive(Debug, Clone, Copy)]
pub struct LangParser;

impl clap::builder::TypedValueParser for LangParser {
    type Value = Lang;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Lang, clap::Error> {
        let text = value.to_string_lossy();
        Lang::parse(&text).ok_or_else(|| {
            let mut err = clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd);
            use clap::error::{ContextKind, ContextValue};
            if let Some(arg) = arg {
                err.insert(
                    ContextKind::InvalidArg,
                    ContextValue::String(arg.to_string()),
                );
            }
            err.insert(
                ContextKind::InvalidValue,
                ContextValue::String(text.into_owned()),
            );
            err.insert(
                ContextKind::ValidValue,
                ContextValue::Strings(vec!["en".into(), "zh".into()]),
            );
            err
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            [("en", "English"), ("zh", "Chinese (简体中文)")]
                .into_iter()
                .map(|(code, name)| clap::builder::PossibleValue::new(code).help(name)),
        ))
    }
}

static CURRENT: OnceLock<Lang> = OnceLock::new();

/// Sets the language of this run (once; later calls change nothing).
pub fn set(lang: Lang) {
    let _ = CURRENT.set(lang);
}

/// The language of this run; English until `set`.
pub fn current() -> Lang {
    CURRENT.get().copied().unwrap_or(Lang::En)
}

macro_rules! catalogue {
    ($($(#[$doc:meta])* $key:ident => $en:literal, $zh:literal;)*) => {
        /// A message or label, with `{name}` placeholders filled by `fill`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($(#[$doc])* $key),* }

        impl Msg {
            /// Every key, for the test that each has both languages.
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            /// The English and the Chinese text.
            pub fn pair(self) -> (&'static str, &'static str) {
                match self { $(Msg::$key => ($en, $zh)),* }
            }
        }
    };
}

catalogue! {
    /// The first line of every error on standard error.
    Error => "error: {message}", "错误：{message}";
    /// After the error in Chinese: its kind, since the message is English.
    ErrorKind => "exit {code}: {kind}", "退出码 {code}：{kind}";
    Exit1 => "unexpected failure (a bug or an I/O error)", "意外故障（程序缺陷或读写错误）";
    Exit2 => "the command line is wrong", "命令行用法有误";
    Exit3 => "the data directory is invalid", "数据目录无效（缺失、损坏、格式更新或有残缺行）";
    Exit4 => "refused by a rule", "规则不允许这一步";
    Exit5 => "not found", "找不到该记录";
    Exit6 => "busy: another writer holds the lock", "忙：另一项写入正在进行";

    DryRunNotDone => "dry run, not carried out: {message}", "演练，未执行：{message}";
    DryRunWouldChange => "dry run: would change {files}; nothing was written",
        "演练：将修改 {files}；未写入任何内容";
    Total => "total", "合计";
    Yes => "yes", "是";
    No => "no", "否";

    InitDryRun => "dry run: would create {dir}; nothing was written",
        "演练：将创建 {dir}；未写入任何内容";
    InitDone => "created {dir}: edit {dir}/club.toml to set your rules",
        "已创建 {dir}：请编辑 {dir}/club.toml 设定会员规则";
    CheckPassed => "{dir}: data check passed", "{dir}：数据检查通过";
    CheckFailed => "data check found {n} problem{s} in {dir}", "数据检查在 {dir} 中发现 {n} 个问题";
    RepairNothing => "data repair: nothing to do", "数据修复：无需处理";
    ReindexNothing => "data reindex: every index agrees with its table; nothing to do",
        "重建索引：所有索引与数据表一致，无需处理";
    ReindexDone => "data reindex: rebuilt {n} index file{s}, from {first} on",
        "重建索引：已重建 {n} 个索引文件（自 {first} 起）";
    ReindexWould => "data reindex: would rebuild {n} index file{s}, from {first} on",
        "重建索引：将重建 {n} 个索引文件（自 {first} 起）";
    MigrateNothing => "data migrate: {dir} is already in the current data format",
        "数据迁移：{dir} 已是当前数据格式";
    MigrateTable => "data migrate: {file} → {dir}/ ({rows} rows in {shards} shard file{s})",
        "数据迁移：{file} → {dir}/（{rows} 行，{shards} 个分片文件）";
    MigrateWouldTable => "data migrate: would convert {file} → {dir}/ ({rows} rows in {shards} shard file{s})",
        "数据迁移：将转换 {file} → {dir}/（{rows} 行，{shards} 个分片文件）";
    MigrateBackup => "data migrate: the old files are kept in {backup}",
        "数据迁移：旧文件已备份在 {backup}";
    MigrateCleaned => "data migrate: removed {file}, left by an interrupted migration (the backup holds it)",
        "数据迁移：已删除中断的迁移留下的 {file}（备份中有此文件）";
    RepairMoved => "data repair: moved the torn line {file}:{line} into {file}.rejected",
        "数据修复：已将残缺行 {file}:{line} 移入 {file}.rejected";
    RepairWouldMove => "data repair: would move the torn line {file}:{line} into {file}.rejected",
        "数据修复：将把残缺行 {file}:{line} 移入 {file}.rejected";

    SalesHeading => "sales {period} ({start} to {end})", "销售业绩 {period}（{start} 至 {end}）";
    EventInvite => "{event}: {n} members may be invited to {title} on {date}",
        "{event}：{n} 位会员可受邀参加 {date} 的“{title}”";

    PeriodHeading => "{label} ({start} to {end})", "{label}（{start} 至 {end}）";
    PeriodFallback => "nothing recorded yet in {today}; reporting {label}, the last with activity (choose with --month, --quarter or --year)",
        "{today} 尚无记录；显示有记录的最近一期 {label}（可用 --month、--quarter 或 --year 指定）";
    Beside => "{this} beside {other}", "{this} 对比 {other}";
    Scorecard => "scorecard {period}", "考核记分卡 {period}";
    ChartWritten => "chart written to {path}", "图表已写入 {path}";
    EventsTotal => "{n} events", "共 {n} 场活动";

    ImportProblemAt => "line {line}, column {column} ({header}): {message}",
        "第 {line} 行，第 {column} 列（{header}）：{message}";
    ImportProblemLine => "line {line}: {message}", "第 {line} 行：{message}";
    ImportIgnored => "ignored columns: {columns} (name them in a mapping file to import them)",
        "未导入的列：{columns}（如需导入，请在映射文件中指定）";
    ImportSummary => "{file} ({encoding}): {rows} rows: {new} new, {present} already present, {problems} problem(s) on {lines} line(s); {points} opening points, {wallet} opening wallet",
        "{file}（{encoding}）：共 {rows} 行：新增 {new}，已存在 {present}，{lines} 行共 {problems} 个问题；期初积分 {points}，期初储值 {wallet}";
    ImportRefused => "nothing was imported: correct the {n} problem(s) listed above in {file}, then run the import again",
        "未导入任何内容：请改正 {file} 中上面列出的 {n} 个问题，再重新导入";
    ImportDone => "imported {n} members; changed {files}", "已导入 {n} 位会员；已修改 {files}";
    ImportNothing => "nothing to import: every row is already present", "无需导入：每一行都已在册";
    ImportDryRun => "dry run: nothing was written", "演练：未写入任何内容";
    ImportDryRunCommit => "dry run: nothing was written; add --commit to import",
        "演练：未写入任何内容；加上 --commit 才会导入";

    ChartTitle => "Last 12 months", "近12个月";
    ChartMembers => "Members in good standing (month end)", "月末有效会员数";
    ChartMembersAxis => "members", "会员数";
    ChartActivity => "Activity rate", "活跃率";
    ChartRateAxis => "% of members", "占会员%";
    ChartPoints => "Points earned and redeemed", "积分发放与兑换";
    ChartPointsAxis => "points", "积分";
    ChartEarned => "earned", "发放";
    ChartRedeemed => "redeemed", "兑换";
    ChartTiers => "Tier mix (month end)", "月末等级构成";
    ChartMonth => "month", "月份";

    RulesNoCases => "club.toml has no golden cases ([[case]]); add some to prove the rules (see docs/rules.md)",
        "club.toml 中没有规则用例（[[case]]）；请添加用例以验证规则（见 docs/rules.md）";
    RulesCasesHold => "all {n} golden cases hold", "全部 {n} 条规则用例通过";
    RulesDiffNone => "no change: the candidate gives every member, point, lead and event the same outcome today and over the next {days} days",
        "无变化：候选规则在今天及未来 {days} 天内对所有会员、积分、意向客户和活动的结果相同";
    RulesDiffCasesFail => "the candidate's own golden cases: {message}", "候选规则自带的用例：{message}";
    CronChanged => "{date} {job}: {n} changed ({detail})", "{date} {job}：{n} 项变更（{detail}）";
    CronWouldChange => "{date} {job}: dry run, {n} would change ({detail})",
        "{date} {job}：演练，将有 {n} 项变更（{detail}）";
    CronNothing => "{date} {job}: nothing to do", "{date} {job}：无需处理";
    ConfirmPrompt => "not yet carried out: {question}. Go ahead? [y/N]",
        "尚未执行：{question}。确认执行？[y/N]";
    ConfirmInvalid => "answer y (yes) or n (no)", "请回答 y（是）或 n（否）";
    ConfirmDeclined => "not done: you answered no; nothing was changed",
        "未执行：您选择了否；未做任何修改";
    ExportXlsxWritten => "wrote {n} members to {file}", "已将 {n} 位会员写入 {file}";
    PromptRequired => "required: type a value", "必填：请输入内容";
    PhoneInvalid => "not a mobile or landline number: type it again (spaces, dashes and +86 are fine)",
        "不是有效的手机或座机号码：请重新输入（可带空格、横线和 +86）";
}

impl Msg {
    /// The text in `lang`.
    pub fn text_in(self, lang: Lang) -> &'static str {
        let (en, zh) = self.pair();
        match lang {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// The text in this run's language.
    pub fn text(self) -> &'static str {
        self.text_in(current())
    }

    /// The text in this run's language with `{name}` placeholders filled.
    pub fn fill(self, args: &[(&str, &dyn Display)]) -> String {
        fill(self.text(), args)
    }
}

/// Replaces each `{name}` in `template` by its argument; a placeholder
/// without an argument stays as written.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(&v.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The kind of error for an exit code, in this run's language.
pub fn exit_kind(code: u8) -> &'static str {
    match code {
        2 => Msg::Exit2,
        3 => Msg::Exit3,
        4 => Msg::Exit4,
        5 => Msg::Exit5,
        6 => Msg::Exit6,
        _ => Msg::Exit1,
    }
    .text()
}

/// Chinese labels of column identifiers (the English label is the
/// identifier itself, as in CSV and JSON).
const HEADINGS: &[(&str, &str)] = &[
    ("action", "操作"),
    ("active", "在职"),
    ("actual", "实际"),
    ("applied", "申请日期"),
    ("at", "时间"),
    ("attainment_pct", "达成率%"),
    ("attendance_rate", "出席率"),
    ("attended", "出席"),
    ("available", "可用积分"),
    ("balance", "结余"),
    ("birthday", "生日"),
    ("budget", "预算"),
    ("capacity", "名额"),
    ("card", "会员卡号"),
    ("cards", "会员卡"),
    ("cents", "金额"),
    ("change", "变化"),
    ("changes", "变更内容"),
    ("claimed", "认领"),
    ("code", "代码"),
    ("comment", "评语"),
    ("commission", "提成"),
    ("company", "单位"),
    ("conversion_rate", "转化率"),
    ("converted", "成交"),
    ("cost", "费用"),
    ("date", "日期"),
    ("days_left", "剩余天数"),
    ("direct_deals", "直接成交"),
    ("discount", "抵扣"),
    ("dues", "会费"),
    ("email", "邮箱"),
    ("end", "结束"),
    ("entry", "流水号"),
    ("event", "活动"),
    ("expired", "到期"),
    ("expires", "到期日期"),
    ("fee", "报名费"),
    ("fees_net", "报名费净收"),
    ("field", "字段"),
    ("follow_ups", "跟进记录"),
    ("from", "变更前"),
    ("gender", "性别"),
    ("held", "已举办"),
    ("history", "历史记录"),
    ("id", "编号"),
    ("issued", "发卡日期"),
    ("joined", "入会日期"),
    ("kind", "类型"),
    ("lapsed", "已过期积分"),
    ("last_owner", "原负责人"),
    ("line", "行"),
    ("live", "跟进中"),
    ("location", "地点"),
    ("lost_on", "挂失日期"),
    ("measure", "指标"),
    ("member", "会员"),
    ("members", "会员数"),
    ("min_points", "最低积分"),
    ("min_spend", "最低消费"),
    ("min_tier", "最低等级"),
    ("min_visits", "最少消费次数"),
    ("multiplier", "积分倍率"),
    ("name", "姓名"),
    ("next", "下次跟进"),
    ("next_expiry", "最近到期日"),
    ("next_expiry_points", "最近到期积分"),
    ("nominee", "提名人"),
    ("note", "备注"),
    ("operator", "经办人"),
    ("other", "对方"),
    ("outcome", "结果"),
    ("over_budget", "超支"),
    ("owner", "负责人"),
    ("paid", "已付"),
    ("pay", "付款方式"),
    ("period", "期间"),
    ("phone", "手机"),
    ("points", "积分"),
    ("previous", "对比期"),
    ("public_since", "进入公海日期"),
    ("rank", "排名"),
    ("reason", "原因"),
    ("recharged", "累计充值"),
    ("reference", "关联单号"),
    ("referrer", "推荐人"),
    ("refund", "退款"),
    ("refunded", "已退款"),
    ("registered", "已报名"),
    ("registrations", "报名人次"),
    ("released", "释放"),
    ("replaced_by", "补发新卡"),
    ("role", "角色"),
    ("roster", "报名名单（按报名先后；候补按先到先得递补）"),
    ("sales", "销售"),
    ("satisfaction", "满意度"),
    ("score", "评分"),
    ("scores", "评分人数"),
    ("section", "类别"),
    ("seq", "序号"),
    ("shared_with", "共享给"),
    ("since", "状态起始日"),
    ("source", "来源"),
    ("status", "状态"),
    ("stock", "库存"),
    ("target", "目标"),
    ("tier", "等级"),
    ("title", "名称"),
    ("to", "变更后"),
    ("until", "保护期至"),
    ("value", "数值"),
    ("waitlisted", "候补"),
    ("walk_in", "现场报名"),
    ("walk_ins", "现场报名"),
    ("wallet", "储值余额"),
    ("was", "原状态"),
    ("weight", "权重"),
    ("zh", "中文名"),
    ("case", "用例"),
    ("expect", "预期"),
    ("got", "实际结果"),
    ("result", "结论"),
    ("topic", "项目"),
    ("setting", "规则设置"),
    ("when", "日期"),
    ("current", "现行规则"),
    ("candidate", "候选规则"),
    ("count", "数量"),
    ("amount", "金额"),
    ("conversion_rate_pct", "转化率%"),
    ("close_of", "月结截至"),
    ("month", "月份"),
];

/// Chinese labels of the period reports' sections and measures (the CSV's
/// `section` and `measure` identifiers), and of the KPI measures.
const MEASURES: &[(&str, &str)] = &[
    ("members", "会员"),
    ("activity", "活跃"),
    ("points", "积分与储值"),
    ("leads", "销售线索"),
    ("events", "活动"),
    ("members.at_start", "期初会员数"),
    ("members.at_end", "期末会员数"),
    ("members.applications", "入会申请"),
    ("members.approved", "批准入会"),
    ("members.rejected", "拒绝入会"),
    ("members.renewed", "续费"),
    ("members.exited", "退会"),
    ("members.expelled", "除名"),
    ("members.expired", "到期失效"),
    ("members.growth_rate_pct", "增长率%"),
    ("members.churn_rate_pct", "流失率%"),
    ("activity.active", "活跃会员数"),
    ("activity.activity_rate_pct", "活跃率%"),
    ("activity.spend", "消费金额"),
    ("activity.spend_per_active", "活跃会员人均消费"),
    ("activity.buyers", "消费会员数"),
    ("activity.repeat_buyers", "复购会员数"),
    ("activity.repurchase_rate_pct", "复购率%"),
    ("activity.repeat_spend_share_pct", "复购消费占比%"),
    ("points.earned", "消费积分"),
    ("points.granted", "赠送积分"),
    ("points.redeemed", "兑换积分"),
    ("points.expired", "过期积分"),
    ("points.forfeited", "作废积分"),
    ("points.outstanding", "未用积分"),
    ("points.due_next_month", "下月到期积分"),
    ("points.wallet_recharged", "储值充值"),
    ("points.wallet_bonus", "储值赠送"),
    ("points.wallet_paid", "储值消费"),
    ("points.wallet_outstanding", "储值余额"),
    ("points.dues", "会费收入"),
    ("leads.claimed", "认领线索"),
    ("leads.converted", "成交"),
    ("leads.expired", "到期转公海"),
    ("leads.conversion_rate_pct", "转化率%"),
    ("events.held", "举办场次"),
    ("events.registrations", "报名人次"),
    ("events.attendance_rate_pct", "出席率%"),
    ("events.satisfaction", "满意度"),
    ("events.budget", "预算"),
    ("events.cost", "费用"),
    ("events.over_budget", "超支"),
    ("kpi.member_growth", "会员增长"),
    ("kpi.satisfaction", "满意度"),
    ("kpi.events", "活动"),
    ("kpi.activity", "活跃度"),
    ("kpi.repurchase", "复购"),
];

/// Chinese words for the parts of measures made from a value: genders and
/// the unknown age band.
const VALUES: &[(&str, &str)] = &[
    ("male", "男"),
    ("female", "女"),
    ("other", "其他"),
    ("unknown", "未知"),
];

fn lookup(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, zh)| *zh)
}

/// The label of a column for people: the identifier in English, its
/// Chinese label in Chinese (the identifier when the catalogue has none).
pub fn heading(id: &str) -> String {
    match current() {
        Lang::En => id.to_string(),
        Lang::Zh => lookup(HEADINGS, id).unwrap_or(id).to_string(),
    }
}

/// A report section's label for people.
pub fn section(id: &str) -> String {
    match current() {
        Lang::En => id.to_string(),
        Lang::Zh => lookup(MEASURES, id).unwrap_or(id).to_string(),
    }
}

/// A report measure's label for people; `section` is `members`,
/// `activity`, ... for the period reports and `kpi` for the scorecard.
pub fn measure(section: &str, id: &str) -> String {
    match current() {
        Lang::En => id.to_string(),
        Lang::Zh => measure_zh(section, id),
    }
}

fn measure_zh(section: &str, id: &str) -> String {
    if let Some(zh) = lookup(MEASURES, &format!("{section}.{id}")) {
        return zh.to_string();
    }
    let value = |v: &str| lookup(VALUES, v).unwrap_or(v).to_string();
    if let Some(t) = id.strip_prefix("tier_") {
        return format!("等级：{t}");
    }
    if let Some(g) = id.strip_prefix("gender_") {
        return format!("性别：{}", value(g));
    }
    if let Some(a) = id.strip_prefix("age_") {
        return format!("年龄：{}", value(a));
    }
    if let Some(b) = id.strip_prefix("spend_") {
        return format!("消费 {b} 元人数");
    }
    id.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(s: &str) -> BTreeSet<&str> {
        s.split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_message_has_both_languages_with_the_same_placeholders() {
        assert!(Msg::ALL.len() > 40);
        for m in Msg::ALL {
            let (en, zh) = m.pair();
            assert!(!en.trim().is_empty(), "{m:?} has no English");
            assert!(!zh.trim().is_empty(), "{m:?} has no Chinese");
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{m:?}'s Chinese has no Chinese word: {zh}"
            );
            // English may name extra placeholders for plural endings.
            let (pe, pz) = (placeholders(en), placeholders(zh));
            assert!(pz.is_subset(&pe), "{m:?}: {pz:?} not all in {pe:?}");
            assert!(
                pe.iter().all(|p| pz.contains(p) || *p == "s"),
                "{m:?}: the Chinese leaves out one of {pe:?}"
            );
        }
    }

    #[test]
    fn every_heading_and_measure_has_one_chinese_label() {
        for table in [HEADINGS, MEASURES, VALUES] {
            for (i, (id, zh)) in table.iter().enumerate() {
                assert!(!id.is_empty() && !zh.trim().is_empty(), "{id}");
                assert!(
                    zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{id}: {zh}"
                );
                assert!(
                    !table[..i].iter().any(|(k, _)| k == id),
                    "{id} is listed twice"
                );
            }
        }
    }

    #[test]
    fn fill_replaces_named_placeholders_and_keeps_unknown_ones() {
        assert_eq!(
            fill("{n} of {m}, {x}", &[("n", &3), ("m", &"四")]),
            "3 of 四, {x}"
        );
        assert_eq!(fill("no braces", &[]), "no braces");
        assert_eq!(fill("open { only", &[]), "open { only");
        assert_eq!(
            fill(
                Msg::CheckFailed.text_in(Lang::Zh),
                &[("n", &2), ("dir", &"data")]
            ),
            "数据检查在 data 中发现 2 个问题"
        );
    }

    #[test]
    fn languages_parse_and_unknown_ones_are_refused() {
        assert_eq!(Lang::parse("zh"), Some(Lang::Zh));
        assert_eq!(Lang::parse(" ZH_cn "), Some(Lang::Zh));
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::parse(""), None);
        use clap::builder::TypedValueParser;
        let cmd = clap::Command::new("clubctl");
        let err = LangParser
            .parse_ref(&cmd, None, std::ffi::OsStr::new("fr"))
            .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
        assert_eq!(
            LangParser
                .parse_ref(&cmd, None, std::ffi::OsStr::new("zh-CN"))
                .ok(),
            Some(Lang::Zh)
        );
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
    }

    #[test]
    fn measures_made_from_values_read_in_chinese() {
        assert_eq!(measure_zh("members", "tier_gold"), "等级：gold");
        assert_eq!(measure_zh("members", "gender_female"), "性别：女");
        assert_eq!(measure_zh("members", "age_unknown"), "年龄：未知");
        assert_eq!(measure_zh("members", "age_18-25"), "年龄：18-25");
        assert_eq!(measure_zh("activity", "spend_0-100"), "消费 0-100 元人数");
        // The same identifier in two sections: two meanings.
        assert_eq!(measure_zh("members", "expired"), "到期失效");
        assert_eq!(measure_zh("points", "expired"), "过期积分");
        assert_eq!(measure_zh("kpi", "activity"), "活跃度");
        assert_eq!(measure_zh("members", "no_such"), "no_such");
    }
}
