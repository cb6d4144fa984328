//! The domain's enums as command-line values. The domain knows nothing of
//! clap: each enum is given its `ValueEnum` here, spelled by its own
//! `as_str` (the name the data files use), with the help line a value
//! shows in `--help`.

use crate::domain::event::{EventKind, Pay};
use crate::domain::lead::{FollowUpKind, LeadStatus};
use crate::domain::member::{Gender, Kind, Status};
use crate::domain::staff::Role;
use clap::builder::PossibleValue;

/// `ValueEnum` for a domain enum: its values in the order `--help` lists
/// them, each optionally with its help line. A variant left out is not a
/// value the command line takes.
macro_rules! value_enum {
    ($ty:ident { $($variant:ident $(=> $help:literal)?),+ $(,)? }) => {
        impl clap::ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &[$($ty::$variant),+]
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                match self {
                    $($ty::$variant => Some(PossibleValue::new($ty::$variant.as_str())$(.help($help))?),)+
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        }
    };
}

value_enum!(Status {
    Pending,
    Rejected,
    Active,
    Grace,
    Expired,
    Frozen,
    Exited,
    Expelled,
});
value_enum!(Gender {
    Male,
    Female,
    Other
});
value_enum!(Kind {
    Individual,
    Organization
});
value_enum!(Role {
    Sales,
    Secretary,
    Manager,
    Director
});
value_enum!(LeadStatus {
    Live => "Owned by a salesperson until its last valid day",
    Public => "Expired or released: anyone may claim it",
    Converted => "Signed as a member; the deal is the owner's",
});
value_enum!(FollowUpKind {
    Call,
    Visit,
    Meeting,
    Message
});
value_enum!(EventKind {
    Social,
    Sports,
    Arts,
    Volunteer,
    Lecture,
    MemberDay,
    Birthday,
});
// `Pay::None` (a free event) is recorded, never chosen.
value_enum!(Pay {
    Wallet => "From the member's stored value",
    Cash => "At the desk, in cash or by card",
});

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    fn spelled_as_in_the_files<T: ValueEnum + serde::Serialize>() {
        for v in T::value_variants() {
            let value = v
                .to_possible_value()
                .expect("every listed variant is a value");
            let stored = serde_json::to_value(v).expect("a plain enum serializes");
            assert_eq!(stored, value.get_name());
        }
    }

    #[test]
    fn a_value_is_spelled_on_the_command_line_as_in_the_data_files() {
        spelled_as_in_the_files::<Status>();
        spelled_as_in_the_files::<Gender>();
        spelled_as_in_the_files::<Kind>();
        spelled_as_in_the_files::<Role>();
        spelled_as_in_the_files::<LeadStatus>();
        spelled_as_in_the_files::<FollowUpKind>();
        spelled_as_in_the_files::<EventKind>();
        spelled_as_in_the_files::<Pay>();
    }
}
