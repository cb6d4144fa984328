//! The sales report (per salesperson: leads, follow-ups, deals, dues and
//! commission) as a pure function of a period and the records.

use super::lead::{EventKind, FollowUp, Lead, LeadEvent, LeadStatus};
use super::ledger::{EntryKind, LedgerEntry};
use super::member::Member;
use super::money::Cents;
use super::rules::ClubRules;
use super::staff::{Role, Staff};

use std::collections::{BTreeMap, HashMap, HashSet};

pub use super::period::Period;

/// Everything the report reads.
pub struct SalesData<'a> {
    pub staff: &'a [Staff],
    pub leads: &'a [Lead],
    pub events: &'a [LeadEvent],
    pub log: &'a [FollowUp],
    pub members: &'a [Member],
    pub ledger: &'a [LedgerEntry],
}

/// One salesperson's figures for the period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SalesRow {
    pub sales: String,
    pub name: String,
    /// Live leads held at the end of the period.
    pub live: u32,
    pub claimed: u32,
    pub follow_ups: u32,
    /// Leads converted into members.
    pub converted: u32,
    pub released: u32,
    pub expired: u32,
    /// Members signed with no lead on record (full commission).
    pub direct: u32,
    /// First-year dues of the deals credited.
    pub dues: Cents,
    pub commission: Cents,
}

impl SalesRow {
    /// Leads closed in the period: converted, released or expired.
    pub fn closed(&self) -> u32 {
        self.converted + self.released + self.expired
    }

    /// Converted / closed, in tenths of a percent; `None` when none closed.
    pub fn conversion_permille(&self) -> Option<u32> {
        let closed = self.closed();
        (closed > 0).then(|| self.converted * 1000 / closed)
    }
}

/// First-year dues of a member: the first dues entry in the ledger (the one
/// recorded at approval).
fn first_dues(ledger: &[LedgerEntry]) -> HashMap<&str, Cents> {
    let mut out = HashMap::new();
    for e in ledger.iter().filter(|e| e.kind == EntryKind::Dues) {
        out.entry(e.member.as_str()).or_insert(e.cents);
    }
    out
}

/// The sales report for `period`. Lead events after the period's end are
/// ignored, so a past period reads the same later on.
pub fn report(period: &Period, data: &SalesData, rules: &ClubRules) -> Vec<SalesRow> {
    let mut rows: BTreeMap<String, SalesRow> = BTreeMap::new();
    for s in data.staff.iter().filter(|s| s.role == Role::Sales) {
        rows.insert(s.id.clone(), SalesRow::default());
    }
    fn row<'r>(rows: &'r mut BTreeMap<String, SalesRow>, id: &str) -> &'r mut SalesRow {
        rows.entry(id.to_string()).or_default()
    }

    // Replay the owner history up to the end of the period.
    let mut events: Vec<&LeadEvent> = data
        .events
        .iter()
        .filter(|e| e.date <= period.end)
        .collect();
    events.sort_by_key(|e| e.date);
    let mut state: HashMap<&str, (&str, LeadStatus)> = HashMap::new();
    for e in &events {
        let s = state
            .entry(e.lead.as_str())
            .or_insert((e.sales.as_str(), LeadStatus::Live));
        match e.kind {
            EventKind::Claim => *s = (e.sales.as_str(), LeadStatus::Live),
            EventKind::Release | EventKind::Expire => s.1 = LeadStatus::Public,
            EventKind::Convert => s.1 = LeadStatus::Converted,
            EventKind::Arbitrate => s.0 = e.sales.as_str(),
            EventKind::Dispute => {}
        }
    }
    for (owner, status) in state.values() {
        if *status == LeadStatus::Live {
            row(&mut rows, owner).live += 1;
        }
    }

    let dues = first_dues(data.ledger);
    let leads: HashMap<&str, &Lead> = data.leads.iter().map(|l| (l.id.as_str(), l)).collect();
    let credit = |rows: &mut BTreeMap<String, SalesRow>, owner: &str, shared: &str, d: Cents| {
        let total = d.percent(rules.commission.rate);
        if shared.is_empty() {
            row(rows, owner).commission.0 += total.0;
        } else {
            let kept = total.percent(rules.commission.split);
            row(rows, owner).commission.0 += kept.0;
            row(rows, shared).commission.0 += total.0 - kept.0;
        }
        row(rows, owner).dues.0 += d.0;
    };
    for e in events.iter().filter(|e| period.contains(e.date)) {
        match e.kind {
            EventKind::Claim => row(&mut rows, &e.sales).claimed += 1,
            EventKind::Release => row(&mut rows, &e.sales).released += 1,
            EventKind::Expire => row(&mut rows, &e.sales).expired += 1,
            EventKind::Convert => {
                // The deal is the lead's owner's as the records stand now:
                // an arbitration after signing decides who that is.
                let (owner, shared) = leads
                    .get(e.lead.as_str())
                    .map_or((e.sales.as_str(), ""), |l| {
                        (l.owner.as_str(), l.shared_with.as_str())
                    });
                row(&mut rows, owner).converted += 1;
                let d = dues.get(e.other.as_str()).copied().unwrap_or_default();
                credit(&mut rows, owner, shared, d);
            }
            EventKind::Dispute | EventKind::Arbitrate => {}
        }
    }
    for f in data.log.iter().filter(|f| period.contains(f.date)) {
        row(&mut rows, &f.sales).follow_ups += 1;
    }

    // Deals closed without a lead on record: full commission.
    let from_leads: HashSet<&str> = data
        .leads
        .iter()
        .filter(|l| !l.member.is_empty())
        .map(|l| l.member.as_str())
        .collect();
    for m in data.members.iter().filter(|m| {
        !m.sales.is_empty()
            && m.joined.is_some_and(|j| period.contains(j))
            && !from_leads.contains(m.id.as_str())
    }) {
        row(&mut rows, &m.sales).direct += 1;
        let d = dues.get(m.id.as_str()).copied().unwrap_or_default();
        credit(&mut rows, &m.sales, "", d);
    }

    let names: HashMap<&str, &str> = data
        .staff
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    rows.into_iter()
        .map(|(id, mut r)| {
            r.name = names.get(id.as_str()).unwrap_or(&"").to_string();
            r.sales = id;
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::member::{Kind, Status};
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn staff(id: &str) -> Staff {
        Staff {
            id: id.into(),
            name: format!("name {id}"),
            role: Role::Sales,
            active: true,
        }
    }

    fn ev(lead: &str, date: &str, kind: EventKind, sales: &str, other: &str) -> LeadEvent {
        LeadEvent {
            lead: lead.into(),
            date: d(date),
            kind,
            sales: sales.into(),
            other: other.into(),
            note: String::new(),
            operator: String::new(),
        }
    }

    fn lead(id: &str, owner: &str, member: &str, shared: &str) -> Lead {
        Lead {
            id: id.into(),
            name: "x".into(),
            phone: "13800000000".into(),
            company: String::new(),
            nominee: String::new(),
            owner: owner.into(),
            status: LeadStatus::Converted,
            claimed: d("2026-11-01"),
            until: d("2026-12-10"),
            since: d("2026-11-05"),
            member: member.into(),
            shared_with: shared.into(),
            note: String::new(),
        }
    }

    fn member(id: &str, sales: &str, joined: &str) -> Member {
        Member {
            id: id.into(),
            name: "m".into(),
            phone: "13900000000".into(),
            email: String::new(),
            gender: None,
            birthday: None,
            kind: Kind::Individual,
            nominee: String::new(),
            referrer: String::new(),
            source: String::new(),
            sales: sales.into(),
            status: Status::Active,
            tier: "basic".into(),
            card: String::new(),
            applied: d(joined),
            joined: Some(d(joined)),
            expires: None,
            since: d(joined),
            reason: String::new(),
            note: String::new(),
        }
    }

    fn dues(member: &str, date: &str, yuan: i64) -> LedgerEntry {
        LedgerEntry {
            id: format!("T{member}"),
            date: d(date),
            kind: EntryKind::Dues,
            member: member.into(),
            cents: Cents(yuan * 100),
            points: 0,
            reference: String::new(),
            operator: String::new(),
            note: String::new(),
        }
    }

    #[test]
    fn deals_split_commission_and_count_in_their_period() {
        let staff = [staff("S01"), staff("S02"), staff("S03")];
        let leads = [
            lead("L000001", "S01", "M000001", ""),
            lead("L000002", "S02", "M000002", "S01"),
            lead("L000003", "S01", "", ""),
        ];
        let events = [
            ev("L000001", "2026-11-01", EventKind::Claim, "S01", ""),
            ev(
                "L000001",
                "2026-11-05",
                EventKind::Convert,
                "S01",
                "M000001",
            ),
            ev("L000002", "2026-11-01", EventKind::Claim, "S01", ""),
            ev(
                "L000002",
                "2026-11-30",
                EventKind::Convert,
                "S01",
                "M000002",
            ),
            ev("L000002", "2026-12-02", EventKind::Arbitrate, "S02", "S01"),
            ev("L000003", "2026-10-20", EventKind::Claim, "S01", ""),
            ev("L000003", "2026-11-29", EventKind::Expire, "S01", ""),
            ev("L000003", "2026-12-01", EventKind::Claim, "S02", ""),
        ];
        let members = [
            member("M000001", "S01", "2026-11-05"),
            member("M000002", "S01", "2026-11-30"),
            member("M000003", "S03", "2026-12-01"),
            member("M000004", "S03", "2026-11-01"),
        ];
        let ledger = [
            dues("M000001", "2026-11-05", 10000),
            dues("M000002", "2026-11-30", 20000),
            dues("M000003", "2026-12-01", 8000),
            dues("M000004", "2026-11-01", 6000),
        ];
        let data = SalesData {
            staff: &staff,
            leads: &leads,
            events: &events,
            log: &[],
            members: &members,
            ledger: &ledger,
        };
        let rules = ClubRules::default(); // rate 5 %, split 50 %
        let nov = report(&Period::month("2026-11").unwrap(), &data, &rules);
        let s1 = &nov[0];
        assert_eq!(
            (s1.claimed, s1.converted, s1.expired, s1.live),
            (2, 1, 1, 0)
        );
        assert_eq!(s1.dues, Cents(1_000_000));
        // 5 % of 10,000 plus half of 5 % of 20,000 (S02 won the arbitration).
        assert_eq!(s1.commission, Cents(50_000 + 50_000));
        assert_eq!(s1.conversion_permille(), Some(500));
        let s2 = &nov[1];
        assert_eq!(
            (s2.converted, s2.dues, s2.commission),
            (1, Cents(2_000_000), Cents(50_000))
        );
        let s3 = &nov[2];
        assert_eq!(
            (s3.direct, s3.commission, s3.conversion_permille()),
            (1, Cents(30_000), None)
        );

        let dec = report(&Period::day(d("2026-12-01")), &data, &rules);
        assert_eq!(dec[1].claimed, 1);
        assert_eq!(dec[1].live, 1);
        assert_eq!((dec[2].direct, dec[2].commission), (1, Cents(40_000)));
        assert_eq!(dec[0].claimed, 0);
    }
}
