//! Servers: the server rows, a user's servers, and the rows the permission cache loads.

use async_trait::async_trait;

use crate::{error::Result, id::Id};

use super::{ChannelRecord, OverwriteRecord, RoleRecord, ServerRecord};

/// Everything a new server starts with, inserted in one transaction.
#[derive(Debug, Clone)]
pub struct NewServer {
    /// The server (member_count ignored).
    pub server: ServerRecord,
    /// The @everyone role.
    pub everyone: RoleRecord,
    /// Default categories and channels, parents first.
    pub channels: Vec<ChannelRecord>,
}

/// Every row the permission cache needs for one server.
#[derive(Debug, Clone)]
pub struct PermissionRows {
    /// The server.
    pub server: ServerRecord,
    /// All roles.
    pub roles: Vec<RoleRecord>,
    /// All channels.
    pub channels: Vec<ChannelRecord>,
    /// All overwrites of its channels.
    pub overwrites: Vec<OverwriteRecord>,
    /// Member user ids.
    pub members: Vec<i64>,
    /// (user id, role id) for every role assignment.
    pub member_roles: Vec<(i64, i64)>,
}

/// Server persistence.
#[async_trait]
pub trait ServerStore: Send + Sync {
    /// A server with its member count.
    async fn server(&self, id: Id) -> Result<Option<ServerRecord>>;

    /// Servers the user is a member of, oldest first.
    async fn servers_of_user(&self, user: Id) -> Result<Vec<ServerRecord>>;

    /// How many servers the user owns.
    async fn owned_server_count(&self, user: Id) -> Result<i64>;

    /// All rows the permission cache needs.
    async fn permission_rows(&self, server: Id) -> Result<Option<PermissionRows>>;
}

/// Server writes, made inside one [`super::WriteTx`] (a unit of work's transaction).
#[async_trait]
pub trait ServerWrites: Send {
    /// Inserts a server, its @everyone role, default channels and the owner as member.
    async fn create_server(&mut self, new: &NewServer) -> Result<()>;

    /// Saves name, icon, description and system channel.
    async fn update_server(&mut self, server: &ServerRecord) -> Result<()>;

    /// Deletes a server and, by cascade, everything in it.
    async fn delete_server(&mut self, id: Id) -> Result<()>;

    /// Sets a new owner (who must be a member).
    async fn set_server_owner(&mut self, server: Id, owner: Id) -> Result<()>;
}
