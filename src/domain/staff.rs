//! The office's staff: salespeople own leads and sign members; managers and
//! directors may do what others may not (reinstating, arbitration).

use super::error::{refused, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Sales,
    Secretary,
    Manager,
    Director,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Sales => "sales",
            Role::Secretary => "secretary",
            Role::Manager => "manager",
            Role::Director => "director",
        }
    }
}

/// One row of `staff.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Staff {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
}

/// Refuses unless `operator` is active staff in one of `roles`.
pub fn require_role(staff: &[Staff], operator: &str, roles: &[Role], step: &str) -> Result<()> {
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    match staff.iter().find(|s| s.id == operator) {
        Some(s) if s.active && roles.contains(&s.role) => Ok(()),
        Some(s) if !s.active => refused(format!(
            "{step} is for a {}; operator {operator} is no longer active staff",
            names.join(" or ")
        )),
        Some(s) => refused(format!(
            "{step} is for a {}; operator {operator} ({}) is {}",
            names.join(" or "),
            s.name,
            s.role.as_str()
        )),
        None => refused(format!(
            "{step} is for a {}; operator '{operator}' is not in staff.csv: run it with --as STAFF_ID",
            names.join(" or ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff() -> Vec<Staff> {
        vec![
            Staff {
                id: "S01".into(),
                name: "Li".into(),
                role: Role::Sales,
                active: true,
            },
            Staff {
                id: "S02".into(),
                name: "Wang".into(),
                role: Role::Manager,
                active: true,
            },
            Staff {
                id: "S03".into(),
                name: "Zhao".into(),
                role: Role::Manager,
                active: false,
            },
        ]
    }

    #[test]
    fn only_active_staff_in_the_role_pass() {
        let roles = [Role::Manager, Role::Director];
        assert!(require_role(&staff(), "S02", &roles, "restore").is_ok());
        assert!(require_role(&staff(), "S01", &roles, "restore").is_err());
        assert!(require_role(&staff(), "S03", &roles, "restore").is_err());
        assert!(require_role(&staff(), "nobody", &roles, "restore").is_err());
    }
}
