//! Random sequences of member and card commands, run through the library against a
//! temporary data directory: whatever the order, and whatever each step's
//! rules refuse, `data check` keeps passing and no phone number is held by
//! two members (live or expelled).

use chrono::NaiveDate;
use clubctl::app::{self, member, Ctx};
use clubctl::domain::member::{Application, Member, Status, Update};
use clubctl::domain::staff::Role;
use clubctl::domain::Cents;
use clubctl::error::Error;
use proptest::prelude::*;
use std::collections::HashMap;
use std::time::Duration;

/// Few numbers, several spellings each, so that clashes are common.
const PHONES: &[&str] = &[
    "13800000001",
    "+86 138 0000 0001",
    "13800000002",
    "138-0000-0002",
    "0086 13800000002",
    "13800000003",
    "13800000004",
];

#[derive(Debug, Clone)]
enum Op {
    Add(usize),
    Approve(usize, bool),
    Reject(usize),
    Renew(usize, bool),
    Freeze(usize),
    Unfreeze(usize),
    Exit(usize),
    Expel(usize),
    Restore(usize),
    UpdatePhone(usize, usize),
    CardLost(usize),
    CardReissue(usize),
    /// Moves the business day on by this many days, then sweeps.
    Sweep(u16),
}

/// Member commands, with sweeps that let terms run out.
fn member_op() -> impl Strategy<Value = Op> {
    let m = 0..32usize;
    let phone = 0..PHONES.len();
    prop_oneof![
        3 => phone.clone().prop_map(Op::Add),
        3 => (m.clone(), any::<bool>()).prop_map(|(i, p)| Op::Approve(i, p)),
        1 => m.clone().prop_map(Op::Reject),
        2 => (m.clone(), any::<bool>()).prop_map(|(i, p)| Op::Renew(i, p)),
        1 => m.clone().prop_map(Op::Freeze),
        1 => m.clone().prop_map(Op::Unfreeze),
        1 => m.clone().prop_map(Op::Exit),
        1 => m.clone().prop_map(Op::Expel),
        2 => m.clone().prop_map(Op::Restore),
        1 => (m, phone).prop_map(|(i, p)| Op::UpdatePhone(i, p)),
        2 => (0..400u16).prop_map(Op::Sweep),
    ]
}

/// Member and card commands, with short steps in time so that lost cards
/// are often replaced within the window.
fn card_op() -> impl Strategy<Value = Op> {
    let m = 0..32usize;
    prop_oneof![
        4 => member_op(),
        2 => m.clone().prop_map(Op::CardLost),
        2 => m.prop_map(Op::CardReissue),
        2 => (0..15u16).prop_map(Op::Sweep),
    ]
}

/// The statuses in which `op` can go through: half the picks are made
/// among members in them, so that every step is reached often; the other
/// half among everyone, so that refusals are tried too.
fn fits(op: &Op) -> &'static [Status] {
    use Status::*;
    match op {
        Op::Approve(..) | Op::Reject(_) => &[Pending],
        Op::Renew(..) => &[Active, Grace, Expired],
        Op::Freeze(_) => &[Active, Grace],
        Op::Unfreeze(_) => &[Frozen],
        Op::Exit(_) => &[Pending, Active, Grace, Expired, Frozen],
        Op::Expel(_) => &[Pending, Active, Grace, Expired, Frozen, Exited],
        Op::Restore(_) => &[Exited, Expelled],
        Op::CardLost(_) => &[Active, Grace, Expired, Frozen],
        Op::CardReissue(_) => &[Active, Grace, Frozen],
        Op::Add(_) | Op::UpdatePhone(..) | Op::Sweep(_) => &[],
    }
}

fn step(ctx: &mut Ctx, op: &Op, members: &[Member]) -> Result<(), Error> {
    let fit: Vec<&Member> = members
        .iter()
        .filter(|m| fits(op).contains(&m.status))
        .collect();
    let pick = |i: usize| -> String {
        let from: Vec<&Member> = if i.is_multiple_of(2) && !fit.is_empty() {
            fit.clone()
        } else {
            members.iter().collect()
        };
        match from.get((i / 2) % from.len().max(1)) {
            Some(m) => m.id.clone(),
            None => "M000001".to_string(),
        }
    };
    let paid = |p: bool| p.then_some(Cents(30_000));
    match op {
        Op::Add(p) => member::add(
            ctx,
            Application {
                name: format!("Applicant {}", members.len() + 1),
                phone: PHONES[*p].to_string(),
                ..Default::default()
            },
        )
        .map(drop),
        Op::Approve(i, p) => member::approve(ctx, &pick(*i), None, paid(*p)).map(drop),
        Op::Reject(i) => member::reject(ctx, &pick(*i), "incomplete").map(drop),
        Op::Renew(i, p) => member::renew(ctx, &pick(*i), None, paid(*p)).map(drop),
        Op::Freeze(i) => member::freeze(ctx, &pick(*i), "dispute").map(drop),
        Op::Unfreeze(i) => member::unfreeze(ctx, &pick(*i)).map(drop),
        Op::Exit(i) => member::exit(ctx, &pick(*i), "moved").map(drop),
        Op::Expel(i) => member::expel(ctx, &pick(*i), "violation").map(drop),
        Op::Restore(i) => member::restore(ctx, &pick(*i), "appeal upheld").map(drop),
        Op::UpdatePhone(i, p) => member::update(
            ctx,
            &pick(*i),
            Update {
                phone: Some(PHONES[*p].to_string()),
                ..Default::default()
            },
        )
        .map(drop),
        Op::CardLost(i) => app::card::lost(ctx, &pick(*i)).map(drop),
        Op::CardReissue(i) => app::card::reissue(ctx, &pick(*i), None).map(drop),
        Op::Sweep(days) => {
            ctx.today += chrono::TimeDelta::days(i64::from(*days));
            member::sweep(ctx).map(drop)
        }
    }
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let tmp = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
    let dir = tmp.path().join("club");
    app::data::init(&dir, None).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut ctx = Ctx {
        data: dir,
        today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        now: "2026-11-25T09:00:00Z".into(),
        // The manager added below, so that restore may go through.
        operator: "S01".into(),
        command: "clubctl property test".into(),
        dry_run: false,
        wait: Duration::from_secs(10),
    };
    app::staff::add(&ctx, "Wang", Role::Manager).map_err(|e| TestCaseError::fail(e.to_string()))?;

    for (n, op) in ops.iter().enumerate() {
        let members = member::list(&ctx, &member::Filter::default())
            .map_err(|e| TestCaseError::fail(format!("step {n}: list: {e}")))?;
        match step(&mut ctx, op, &members) {
            Ok(()) | Err(Error::Refused(_) | Error::NotFound(_) | Error::Usage(_)) => {}
            Err(e) => return Err(TestCaseError::fail(format!("step {n} {op:?}: {e}"))),
        }

        let problems = app::data::check(&ctx)
            .map_err(|e| TestCaseError::fail(format!("step {n} {op:?}: check: {e}")))?;
        prop_assert!(
            problems.is_empty(),
            "after step {} {:?}: {:?}",
            n,
            op,
            problems.iter().map(|p| p.to_string()).collect::<Vec<_>>()
        );

        let members: Vec<Member> = member::list(&ctx, &member::Filter::default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut holder: HashMap<&str, &str> = HashMap::new();
        for m in members.iter().filter(|m| m.status.holds_phone()) {
            if let Some(other) = holder.insert(m.phone.as_str(), m.id.as_str()) {
                prop_assert!(
                    false,
                    "after step {} {:?}: phone {} is held by {} and {} ({:?})",
                    n,
                    op,
                    m.phone,
                    other,
                    m.id,
                    members
                        .iter()
                        .map(|m| (m.id.as_str(), m.status.as_str(), m.phone.as_str()))
                        .collect::<Vec<_>>()
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 40,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn member_commands_keep_the_data_sound_and_phones_unique(
        ops in proptest::collection::vec(member_op(), 10..=25)
    ) {
        run(&ops)?;
    }

    #[test]
    fn card_commands_keep_the_data_sound(
        ops in proptest::collection::vec(card_op(), 10..=25)
    ) {
        run(&ops)?;
    }
}
