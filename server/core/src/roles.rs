//! Roles: create, edit, delete, reorder, assign. A member manages only roles strictly below
//! their highest role and never grants permissions they lack (the owner is exempt).

use std::sync::Arc;

use tracing::instrument;

use crate::{
    access::ServerAccess,
    change::Change,
    channels::announce_visibility,
    context::Context,
    error::{Error, Result},
    events::{Audience, Event},
    id::{Id, now_ms},
    model::{Member, Role},
    permissions::{Permissions, can_grant},
    principal::Principal,
    servers::{AuditAction, AuditChange, load_member},
    store::RoleRecord,
    validate,
};

/// Input of [`RoleService::create`].
#[derive(Debug, Clone, Default)]
pub struct NewRole {
    /// Name.
    pub name: String,
    /// Permission bits (wire value); None = no permissions.
    pub permissions: Option<u64>,
    /// RGB colour.
    pub color: u32,
    /// Shown separately.
    pub hoist: bool,
    /// Mentionable by everyone.
    pub mentionable: bool,
}

/// Changes to a role; `None` leaves a field.
#[derive(Debug, Clone, Default)]
pub struct RolePatch {
    /// Name (not for @everyone).
    pub name: Option<String>,
    /// Permission bits (wire value).
    pub permissions: Option<u64>,
    /// RGB colour.
    pub color: Option<u32>,
    /// Shown separately.
    pub hoist: Option<bool>,
    /// Mentionable by everyone.
    pub mentionable: Option<bool>,
}

/// The role service.
#[derive(Debug, Clone)]
pub struct RoleService {
    ctx: Arc<Context>,
}

impl RoleService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// Refuses unless the actor may manage `role`: owner, or the role is strictly below the
    /// actor's highest role.
    fn check_manageable(access: &ServerAccess, role: &RoleRecord) -> Result<()> {
        if access.is_owner() || role.position < access.perms.top_position(access.user) {
            Ok(())
        } else {
            Err(Error::PermissionDenied(
                "you can only manage roles below your highest role".to_owned(),
            ))
        }
    }

    fn check_grant(access: &ServerAccess, granted: Permissions) -> Result<()> {
        if access.is_owner() || can_grant(access.base, granted) {
            Ok(())
        } else {
            Err(Error::PermissionDenied(
                "you cannot grant permissions you do not have".to_owned(),
            ))
        }
    }

    async fn role(&self, server: Id, role: Id) -> Result<RoleRecord> {
        self.ctx
            .store
            .roles(server)
            .await?
            .into_iter()
            .find(|r| r.id == role.0)
            .ok_or(Error::NotFound("role"))
    }

    /// Creates a role just above @everyone (MANAGE_ROLES).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn create(&self, who: &Principal, server: Id, input: NewRole) -> Result<Role> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::MANAGE_ROLES)?;
        let NewRole {
            name,
            permissions,
            color,
            hoist,
            mentionable,
        } = input;
        let name = validate::name("name", &name, 1, 100)?;
        let perms = permissions.map_or(Permissions::empty(), Permissions::from_wire);
        Self::check_grant(&access, perms)?;
        if color > 0xFF_FFFF {
            return Err(Error::invalid(
                "color",
                "must be an RGB value (0 to 0xFFFFFF)",
            ));
        }
        let roles = self.ctx.store.roles(server).await?;
        let limit = self.ctx.settings().max_roles_per_server;
        if roles.len() > limit as usize {
            return Err(Error::FailedPrecondition(format!(
                "a server can have at most {limit} roles"
            )));
        }
        let role = RoleRecord {
            id: self.ctx.ids.next().0,
            server_id: server.0,
            name,
            permissions: perms.bits() as i64,
            position: 1,
            color: i64::from(color),
            hoist,
            mentionable,
            created_at: now_ms(),
        };
        // New roles start at the bottom (position 1); the store shifts the others up in the
        // same transaction.
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().create_role(&role).await?;
        change.invalidate(server);
        let changes = AuditChange::diff("name", "", &role.name)
            .into_iter()
            .collect();
        change.audit(
            server,
            who.user_id,
            AuditAction::RoleCreate,
            Some(Id(role.id)),
            "",
            changes,
        );
        change.publish(Audience::server(server), Event::RoleCreated(role.clone()));
        change.commit().await?;
        Ok(role)
    }

    /// Edits a role below the actor's highest (MANAGE_ROLES). @everyone keeps its name.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn update(
        &self,
        who: &Principal,
        server: Id,
        role: Id,
        patch: RolePatch,
    ) -> Result<Role> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::MANAGE_ROLES)?;
        let old = self.role(server, role).await?;
        let is_everyone = role == server;
        if !is_everyone {
            Self::check_manageable(&access, &old)?;
        }
        let mut new = old.clone();
        if let Some(n) = patch.name {
            if is_everyone {
                return Err(Error::invalid(
                    "name",
                    "the @everyone role cannot be renamed",
                ));
            }
            new.name = validate::name("name", &n, 1, 100)?;
        }
        if let Some(p) = patch.permissions {
            let perms = Permissions::from_wire(p);
            let before = Permissions::from_wire(old.permissions as u64);
            // Only bits being added need the actor to hold them.
            Self::check_grant(&access, perms.difference(before))?;
            new.permissions = perms.bits() as i64;
        }
        if let Some(c) = patch.color {
            if c > 0xFF_FFFF {
                return Err(Error::invalid(
                    "color",
                    "must be an RGB value (0 to 0xFFFFFF)",
                ));
            }
            new.color = i64::from(c);
        }
        if let Some(h) = patch.hoist {
            new.hoist = h;
        }
        if let Some(m) = patch.mentionable {
            new.mentionable = m;
        }
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().update_role(&new).await?;
        change.invalidate(server);
        let changes: Vec<AuditChange> = [
            AuditChange::diff("name", &old.name, &new.name),
            AuditChange::diff("permissions", old.permissions, new.permissions),
            AuditChange::diff("color", old.color, new.color),
            AuditChange::diff("hoist", old.hoist, new.hoist),
            AuditChange::diff("mentionable", old.mentionable, new.mentionable),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !changes.is_empty() {
            change.audit(
                server,
                who.user_id,
                AuditAction::RoleUpdate,
                Some(role),
                "",
                changes,
            );
            change.publish(Audience::server(server), Event::RoleUpdated(new.clone()));
            if old.permissions != new.permissions {
                announce_visibility(&mut change, server, access.perms, None);
            }
        }
        change.commit().await?;
        Ok(new)
    }

    /// Deletes a role below the actor's highest (MANAGE_ROLES); not @everyone.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn delete(&self, who: &Principal, server: Id, role: Id) -> Result<()> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::MANAGE_ROLES)?;
        if role == server {
            return Err(Error::invalid(
                "role_id",
                "the @everyone role cannot be deleted",
            ));
        }
        let old = self.role(server, role).await?;
        Self::check_manageable(&access, &old)?;
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().delete_role(role).await?;
        change.invalidate(server);
        let changes = AuditChange::diff("name", &old.name, "")
            .into_iter()
            .collect();
        change.audit(
            server,
            who.user_id,
            AuditAction::RoleDelete,
            Some(role),
            "",
            changes,
        );
        change.publish(
            Audience::server(server),
            Event::RoleDeleted {
                server_id: server,
                role_id: role,
            },
        );
        announce_visibility(&mut change, server, access.perms, None);
        change.commit().await
    }

    /// All roles, highest first.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn list(&self, who: &Principal, server: Id) -> Result<Vec<Role>> {
        self.ctx.perms.server(who.user_id, server).await?;
        self.ctx.store.roles(server).await
    }

    /// Moves roles (MANAGE_ROLES). Each moved role must be below the actor before and after.
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn reorder(
        &self,
        who: &Principal,
        server: Id,
        positions: Vec<(Id, i32)>,
    ) -> Result<Vec<Role>> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::MANAGE_ROLES)?;
        if positions.is_empty() || positions.len() > 1000 {
            return Err(Error::invalid("positions", "must list 1 to 1000 roles"));
        }
        let roles = self.ctx.store.roles(server).await?;
        let top = access.perms.top_position(who.user_id);
        let mut updates = Vec::with_capacity(positions.len());
        for (id, position) in positions {
            if id == server {
                return Err(Error::invalid(
                    "positions",
                    "the @everyone role is always at the bottom",
                ));
            }
            let role = roles.iter().find(|r| r.id == id.0).ok_or_else(|| {
                Error::invalid("positions", format!("role {id} is not in this server"))
            })?;
            let position = i64::from(position);
            if position < 1 {
                return Err(Error::invalid(
                    "positions",
                    "positions start at 1 (0 is @everyone)",
                ));
            }
            Self::check_manageable(&access, role)?;
            if !access.is_owner() && position >= top {
                return Err(Error::PermissionDenied(
                    "you cannot move a role to or above your highest role".to_owned(),
                ));
            }
            updates.push((role.id, position));
        }
        let mut change = Change::begin(&self.ctx).await?;
        change.tx().set_role_positions(&updates).await?;
        change.invalidate(server);
        change.audit(
            server,
            who.user_id,
            AuditAction::RoleUpdate,
            None,
            "",
            vec![AuditChange {
                key: "positions".into(),
                old_value: String::new(),
                new_value: format!("{} roles moved", updates.len()),
            }],
        );
        // The roles as they will be: moved positions applied, highest first (as the store
        // lists them).
        let mut roles = roles;
        for r in &mut roles {
            if let Some((_, position)) = updates.iter().find(|(id, _)| *id == r.id) {
                r.position = *position;
            }
        }
        roles.sort_by(|a, b| b.position.cmp(&a.position).then(a.id.cmp(&b.id)));
        for r in roles
            .iter()
            .filter(|r| updates.iter().any(|(id, _)| *id == r.id))
        {
            change.publish(Audience::server(server), Event::RoleUpdated(r.clone()));
        }
        change.commit().await?;
        Ok(roles)
    }

    /// Gives (or takes) a role below the actor's highest to a member (MANAGE_ROLES).
    #[instrument(skip_all, fields(user_id = %who.user_id))]
    pub async fn set_member_role(
        &self,
        who: &Principal,
        server: Id,
        user: Id,
        role: Id,
        add: bool,
    ) -> Result<Member> {
        let access = self.ctx.perms.server(who.user_id, server).await?;
        access.require(Permissions::MANAGE_ROLES)?;
        if role == server {
            return Err(Error::invalid("role_id", "everyone has the @everyone role"));
        }
        let record = self.role(server, role).await?;
        Self::check_manageable(&access, &record)?;
        if !access.perms.is_member(user) {
            return Err(Error::NotFound("member"));
        }
        // Handing out a role hands out its permissions; and others' roles are only theirs to
        // change by someone who outranks them.
        Self::check_grant(&access, Permissions::from_wire(record.permissions as u64))?;
        if user != who.user_id && !access.perms.outranks(who.user_id, user) {
            return Err(Error::PermissionDenied(
                "you cannot change the roles of a member whose highest role is equal to or above yours"
                    .to_owned(),
            ));
        }
        let mut change = Change::begin(&self.ctx).await?;
        let changed = change.tx().set_member_role(server, user, role, add).await?;
        if changed {
            change.invalidate(server);
            let (key, old_value, new_value) = if add {
                ("$add", String::new(), record.name.clone())
            } else {
                ("$remove", record.name.clone(), String::new())
            };
            change.audit(
                server,
                who.user_id,
                AuditAction::MemberRoleUpdate,
                Some(user),
                "",
                vec![AuditChange {
                    key: key.into(),
                    old_value,
                    new_value,
                }],
            );
            change.announce(Box::new(move |ctx| {
                Box::pin(async move {
                    let member = load_member(&ctx, server, user).await?;
                    Ok(vec![(
                        Audience::server(server),
                        Event::MemberUpdated(Box::new(member)),
                    )])
                })
            }));
            announce_visibility(&mut change, server, access.perms, Some(vec![user]));
        }
        change.commit().await?;
        load_member(&self.ctx, server, user).await
    }
}
