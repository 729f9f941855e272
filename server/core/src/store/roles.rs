//! Roles of servers.

use async_trait::async_trait;

use crate::{error::Result, id::Id};

use super::RoleRecord;

/// Role persistence.
#[async_trait]
pub trait RoleStore: Send + Sync {
    /// All roles of a server.
    async fn roles(&self, server: Id) -> Result<Vec<RoleRecord>>;
}

/// Role writes, made inside one [`super::WriteTx`] (a unit of work's transaction).
#[async_trait]
pub trait RoleWrites: Send {
    /// that position up by one, in one transaction.
    async fn create_role(&mut self, role: &RoleRecord) -> Result<()>;

    /// Saves a role's name, permissions, colour, hoist, mentionable.
    async fn update_role(&mut self, role: &RoleRecord) -> Result<()>;

    /// Deletes a role (assignments cascade).
    async fn delete_role(&mut self, role: Id) -> Result<()>;

    /// Sets positions of several roles in one transaction.
    async fn set_role_positions(&mut self, positions: &[(i64, i64)]) -> Result<()>;
}
