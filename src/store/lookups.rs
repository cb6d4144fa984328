//! Lookups in domain terms: the leads of a phone, a company or a
//! salesperson, the registrations of an event. Each reads one index bucket
//! or one shard and the rows it names, never a whole table, so its cost is
//! bounded by what it finds, not by the size of the club.

use super::codec::{self, Record};
use super::error::Result;
use super::records::{LEAD_COMPANIES, LEAD_PHONES, LIVE_LEADS};
use super::Store;
use crate::domain::event::{self, Registration};
use crate::domain::lead::{self, FollowUp, Lead, LeadEvent};

impl Store {
    /// Every lead of a phone number (normalised), whatever its status.
    pub fn leads_of_phone(&self, phone: &str) -> Result<Vec<Lead>> {
        self.lookup_in(&LEAD_PHONES, phone)
    }

    /// Every lead of a company, its name compared without case or spaces
    /// (`lead::company_key`); none for an empty name.
    pub fn leads_of_company(&self, company: &str) -> Result<Vec<Lead>> {
        let key = lead::company_key(company);
        if key.is_empty() {
            return Ok(Vec::new());
        }
        self.lookup_in(&LEAD_COMPANIES, &key)
    }

    /// The leads a salesperson holds live, as stored: some may have run
    /// past their last valid day since the last `lead expire`.
    pub fn live_leads_of(&self, owner: &str) -> Result<Vec<Lead>> {
        self.lookup_in(&LIVE_LEADS, owner)
    }

    /// The registrations of one event, in key order: its one shard read.
    pub fn registrations_of(&self, event_id: &str) -> Result<Vec<Registration>> {
        let in_shard = event::registration_id(event_id, "");
        self.rows_in_shard(&in_shard, |r: &Registration| r.event == event_id)
    }

    /// What happened to one lead (claims, expiries, disputes...), oldest
    /// first: its shard of the lead events read.
    pub fn lead_events_of(&self, lead_id: &str) -> Result<Vec<LeadEvent>> {
        self.journal_of(lead_id)
    }

    /// The follow-ups logged on one lead, oldest first: its shard of the
    /// follow-up log read.
    pub fn follow_ups_of(&self, lead_id: &str) -> Result<Vec<FollowUp>> {
        self.journal_of(lead_id)
    }

    /// The lines of a journal kept in shards with this key, in the order
    /// they were written.
    fn journal_of<T: Record>(&self, key: &str) -> Result<Vec<T>> {
        self.rows_in_shard(key, |r: &T| r.key() == key)
    }

    /// The rows `keep` wants of the shard holding `key`, in file order;
    /// of the whole table while it is not yet in shards.
    fn rows_in_shard<T: Record>(&self, key: &str, keep: impl Fn(&T) -> bool) -> Result<Vec<T>> {
        let rows: Vec<T> = if self.is_sharded::<T>() {
            codec::load(&self.path_of::<T>(key))?
        } else {
            self.load()?
        };
        Ok(rows.into_iter().filter(|r| keep(r)).collect())
    }
}
