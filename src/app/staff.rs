//! Staff commands: the people who sign members and own leads.

use super::Ctx;
use crate::domain::member::next_id;
use crate::domain::staff::{Role, Staff};
use crate::domain::DomainError;
use crate::error::Result;
use crate::store::Txn;

pub fn add(ctx: &Ctx, name: &str, role: Role) -> Result<(Staff, Vec<String>)> {
    let name = name.trim();
    if name.is_empty() {
        return Err(DomainError::Invalid("the name must not be empty".into()).into());
    }
    let mut store = ctx.write()?;
    let mut staff: Vec<Staff> = store.load()?;
    let s = Staff {
        id: next_id("S", 2, staff.iter().map(|s| s.id.as_str())),
        name: name.to_string(),
        role,
        active: true,
    };
    let mut txn = Txn::new();
    txn.append(&[ctx.audit("staff add", None, &s)]);
    staff.push(s.clone());
    txn.put_table(&mut staff);
    let files = ctx.finish(&mut store, txn)?;
    Ok((s, files))
}

pub fn list(ctx: &Ctx) -> Result<Vec<Staff>> {
    Ok(ctx.read()?.load()?)
}

pub fn deactivate(ctx: &Ctx, id: &str) -> Result<(Staff, Vec<String>)> {
    let mut store = ctx.write()?;
    let mut staff: Vec<Staff> = store.load()?;
    let s = staff.iter_mut().find(|s| s.id == id).ok_or_else(|| {
        DomainError::NotFound(format!("no staff member {id}; see `clubctl staff list`"))
    })?;
    if !s.active {
        return Err(DomainError::Refused(format!(
            "staff member {id} ({}) is already inactive",
            s.name
        ))
        .into());
    }
    let before = s.clone();
    s.active = false;
    let after = s.clone();
    let mut txn = Txn::new();
    txn.append(&[ctx.audit("staff deactivate", Some(&before), &after)]);
    txn.put_table(&mut staff);
    let files = ctx.finish(&mut store, txn)?;
    Ok((after, files))
}
