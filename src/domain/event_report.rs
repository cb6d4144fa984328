//! The events report (活动报告): per event and in total, events held,
//! registrations, attendance rate, satisfaction, cost against budget. A pure
//! function of the events, their registrations, the period and today.

use super::event::{Event, EventStatus, RegStatus, Registration};
use super::money::Cents;
use super::period::Period;
use chrono::NaiveDate;

/// One event's figures (or, for the total, the sum over the events).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventFigures {
    /// Events in the row (1 for an event row).
    pub events: u32,
    /// Events that took place: not cancelled and begun by today.
    pub held: u32,
    /// Members who held a place: registered, or checked in (walk-ins too).
    pub registrations: u32,
    /// Registrations of events already held: what attendance is measured
    /// against, so an event still to come does not lower the rate.
    pub expected: u32,
    /// Members still waiting for a place.
    pub waitlisted: u32,
    pub attended: u32,
    pub walk_ins: u32,
    /// Feedback scores given, and their sum.
    pub scores: u32,
    pub score_sum: u32,
    pub budget: Cents,
    /// Actual cost of closed events.
    pub cost: Cents,
    /// Fees taken, net of refunds.
    pub fees: Cents,
}

impl EventFigures {
    /// Attendance rate of held events in tenths of a percent (750 is
    /// 75.0%), rounded half up; `None` with nothing held or registered.
    pub fn attendance_permille(&self) -> Option<i64> {
        ratio(i64::from(self.attended) * 1000, i64::from(self.expected))
    }

    /// Average satisfaction in hundredths (450 is 4.50); `None` unscored.
    pub fn satisfaction_hundredths(&self) -> Option<i64> {
        ratio(i64::from(self.score_sum) * 100, i64::from(self.scores))
    }

    /// Cost over budget (negative: under budget).
    pub fn variance(&self) -> Cents {
        Cents(self.cost.0 - self.budget.0)
    }

    fn add(&mut self, o: &EventFigures) {
        self.events += o.events;
        self.held += o.held;
        self.registrations += o.registrations;
        self.expected += o.expected;
        self.waitlisted += o.waitlisted;
        self.attended += o.attended;
        self.walk_ins += o.walk_ins;
        self.scores += o.scores;
        self.score_sum += o.score_sum;
        self.budget = Cents(self.budget.0 + o.budget.0);
        self.cost = Cents(self.cost.0 + o.cost.0);
        self.fees = Cents(self.fees.0 + o.fees.0);
    }
}

fn ratio(num: i64, den: i64) -> Option<i64> {
    (den > 0).then(|| (2 * num + den) / (2 * den))
}

/// `750` as `75.0`.
pub fn tenths(v: i64) -> String {
    format!("{}.{}", v / 10, v % 10)
}

/// `450` as `4.50`.
pub fn hundredths(v: i64) -> String {
    format!("{}.{:02}", v / 100, v % 100)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub id: String,
    pub date: NaiveDate,
    pub title: String,
    pub status: EventStatus,
    pub capacity: Option<u32>,
    pub figures: EventFigures,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventsReport {
    pub month: Option<Period>,
    pub rows: Vec<EventRow>,
    pub total: EventFigures,
}

/// The figures of one event from its registrations.
pub fn figures(e: &Event, regs: &[Registration], today: NaiveDate) -> EventFigures {
    let mut f = EventFigures {
        events: 1,
        held: u32::from(e.status != EventStatus::Cancelled && e.date <= today),
        budget: e.budget,
        cost: e.cost.unwrap_or(Cents::ZERO),
        ..EventFigures::default()
    };
    for r in regs.iter().filter(|r| r.event == e.id) {
        f.fees = Cents(f.fees.0 + r.paid.0 - r.refunded.0);
        match r.status {
            RegStatus::Registered => f.registrations += 1,
            RegStatus::Attended => {
                f.registrations += 1;
                f.attended += 1;
                f.walk_ins += u32::from(r.walk_in);
            }
            RegStatus::Waitlisted => f.waitlisted += 1,
            RegStatus::Cancelled => {}
        }
        if let Some(s) = r.score {
            f.scores += 1;
            f.score_sum += u32::from(s);
        }
    }
    if f.held > 0 {
        f.expected = f.registrations;
    }
    f
}

/// Every event touching `month` (all events without one), by date, with a
/// total. Cancelled events are listed, and count in no total but `events`.
pub fn report(
    events: &[Event],
    regs: &[Registration],
    month: Option<Period>,
    today: NaiveDate,
) -> EventsReport {
    let mut chosen: Vec<&Event> = events
        .iter()
        .filter(|e| {
            month
                .as_ref()
                .is_none_or(|m| m.overlaps(e.date, e.last_day()))
        })
        .collect();
    chosen.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    let mut total = EventFigures::default();
    let rows = chosen
        .into_iter()
        .map(|e| {
            let f = figures(e, regs, today);
            if e.status == EventStatus::Cancelled {
                total.events += 1;
                total.fees = Cents(total.fees.0 + f.fees.0);
            } else {
                total.add(&f);
            }
            EventRow {
                id: e.id.clone(),
                date: e.date,
                title: e.title.clone(),
                status: e.status,
                capacity: e.capacity,
                figures: f,
            }
        })
        .collect();
    EventsReport { month, rows, total }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{EventKind, Pay};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn ev(id: &str, date: &str, status: EventStatus, cost: Option<i64>) -> Event {
        Event {
            id: id.into(),
            title: format!("event {id}"),
            kind: EventKind::Social,
            date: d(date),
            end: None,
            location: String::new(),
            capacity: Some(10),
            budget: Cents(100000),
            fee: Cents::ZERO,
            min_tier: String::new(),
            points: 0,
            status,
            cost: cost.map(Cents),
            reason: String::new(),
        }
    }

    fn reg(event: &str, member: &str, status: RegStatus, score: Option<u8>) -> Registration {
        Registration {
            id: format!("{event}/{member}"),
            event: event.into(),
            member: member.into(),
            status,
            seq: 1,
            registered: d("2026-11-01"),
            paid: Cents::ZERO,
            pay: Pay::None,
            payment: String::new(),
            refunded: Cents::ZERO,
            attended: None,
            walk_in: false,
            score,
            comment: String::new(),
        }
    }

    fn sample() -> (Vec<Event>, Vec<Registration>) {
        let events = vec![
            ev("E0001", "2026-11-30", EventStatus::Closed, Some(120000)),
            ev("E0002", "2026-12-01", EventStatus::Planned, None),
            ev("E0003", "2026-11-10", EventStatus::Cancelled, None),
        ];
        let regs = vec![
            reg("E0001", "M1", RegStatus::Attended, Some(5)),
            reg("E0001", "M2", RegStatus::Attended, Some(4)),
            reg("E0001", "M3", RegStatus::Attended, None),
            reg("E0001", "M4", RegStatus::Registered, None),
            reg("E0001", "M5", RegStatus::Cancelled, None),
            reg("E0002", "M1", RegStatus::Registered, None),
            reg("E0003", "M1", RegStatus::Cancelled, None),
        ];
        (events, regs)
    }

    #[test]
    fn per_event_rates_and_cost_against_budget() {
        let (events, regs) = sample();
        let r = report(&events, &regs, None, d("2026-12-31"));
        assert_eq!(
            r.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["E0003", "E0001", "E0002"]
        );
        let f = &r.rows[1].figures;
        assert_eq!((f.registrations, f.attended), (4, 3));
        assert_eq!(f.attendance_permille(), Some(750));
        assert_eq!(f.satisfaction_hundredths(), Some(450));
        assert_eq!(f.variance(), Cents(20000));
        assert_eq!(r.total.events, 3);
        assert_eq!(r.total.held, 2);
        assert_eq!(r.total.registrations, 5);
        assert_eq!(r.total.attendance_permille(), Some(600));
        // On 30 November E0002 is still to come: its registration does not
        // lower the rate.
        let r = report(&events, &regs, None, d("2026-11-30"));
        assert_eq!(r.rows[2].figures.attendance_permille(), None);
        assert_eq!(r.total.attendance_permille(), Some(750));
        assert_eq!(r.total.budget, Cents(200000));
    }

    #[test]
    fn month_filter_keeps_month_end_events_in_their_month() {
        let (events, regs) = sample();
        let nov = report(
            &events,
            &regs,
            Some("2026-11".parse().unwrap()),
            d("2026-12-31"),
        );
        assert_eq!(
            nov.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["E0003", "E0001"]
        );
        let dec = report(
            &events,
            &regs,
            Some("2026-12".parse().unwrap()),
            d("2026-12-31"),
        );
        assert_eq!(dec.rows.len(), 1);
        assert_eq!(dec.rows[0].id, "E0002");
        // Not yet held on the day before.
        let early = report(
            &events,
            &regs,
            Some("2026-12".parse().unwrap()),
            d("2026-11-30"),
        );
        assert_eq!(early.total.held, 0);
    }

    #[test]
    fn rates_round_half_up_and_are_blank_without_data() {
        assert_eq!(ratio(2000, 3), Some(667));
        assert_eq!(ratio(1, 0), None);
        assert_eq!(tenths(667), "66.7");
        assert_eq!(hundredths(405), "4.05");
    }
}
