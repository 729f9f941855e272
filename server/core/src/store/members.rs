//! Members of servers and their role assignments.

use async_trait::async_trait;

use crate::{error::Result, id::Id};

use super::{MemberRecord, UserRecord};

/// Member persistence.
#[async_trait]
pub trait MemberStore: Send + Sync {
    /// One member.
    async fn member(&self, server: Id, user: Id) -> Result<Option<MemberRecord>>;

    /// Members with their user rows, ordered by user id, after `after` if given.
    async fn members(
        &self,
        server: Id,
        after: Option<Id>,
        limit: u32,
        query_lower: Option<&str>,
    ) -> Result<Vec<(MemberRecord, UserRecord)>>;

    /// Role ids of several members of a server, as (user id, role id).
    async fn member_role_pairs(&self, server: Id, users: &[i64]) -> Result<Vec<(i64, i64)>>;
}

/// Member writes, made inside one [`super::WriteTx`] (a unit of work's transaction).
#[async_trait]
pub trait MemberWrites: Send {
    /// Adds a member unless banned; false if already a member.
    async fn add_member(&mut self, server: Id, user: Id, now: i64) -> Result<bool>;

    /// Removes a member (and their role assignments); false if they were not one.
    async fn remove_member(&mut self, server: Id, user: Id) -> Result<bool>;

    /// Saves nickname, mute and deaf.
    async fn update_member(&mut self, member: &MemberRecord) -> Result<()>;

    /// Assigns (or with `add == false` removes) a role; returns whether anything changed.
    async fn set_member_role(&mut self, server: Id, user: Id, role: Id, add: bool) -> Result<bool>;
}
