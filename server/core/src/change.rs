//! The unit of work: one change to the world, made by one mutating service call.
//!
//! A service opens a [`Change`], writes through its transaction ([`Change::tx`]), records the
//! audit entry, the servers whose permission snapshots go stale and the events to announce,
//! then calls [`Change::commit`]. The writes and the audit row commit in ONE transaction (an
//! audit failure rolls the change back); the permission cache is invalidated and the events
//! are published only after that commit, in this one place. A change dropped without commit
//! (an error, a refused step) rolls back and announces nothing.
//!
//! No service writes the audit log, touches the permission cache or publishes an event by
//! hand; they fill a `Change`.

use std::sync::Arc;

use futures::future::BoxFuture;

use crate::{
    context::Context,
    error::{Error, Result},
    events::{Audience, Event, Signal},
    id::{Id, now_ms},
    model::{AdminAction, AuditAction, AuditChange},
    settings::InstanceSettings,
    store::{AdminAuditRecord, AuditRecord, WriteTx},
};

/// Events built from the committed state (for example a joiner's snapshot of the server),
/// computed right after commit.
pub type Announce =
    Box<dyn FnOnce(Arc<Context>) -> BoxFuture<'static, Result<Vec<(Audience, Event)>>> + Send>;

/// What a cache needs to forget after commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stale {
    /// A server's permission snapshot changed.
    Server(Id),
    /// A server is gone.
    Removed(Id),
}

/// The audit entry of a change.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// Server the entry belongs to.
    pub server: Id,
    /// Who did it.
    pub actor: Id,
    /// What was done.
    pub action: AuditAction,
    /// What it was done to.
    pub target: Option<Id>,
    /// Reason given.
    pub reason: String,
    /// Changed fields.
    pub changes: Vec<AuditChange>,
}

/// One unit of work (see the module docs).
pub struct Change {
    ctx: Arc<Context>,
    tx: Box<dyn WriteTx>,
    audit: Option<AuditEntry>,
    admin_audit: Option<AdminAuditRecord>,
    stale: Vec<Stale>,
    events: Vec<(Audience, Event)>,
    announce: Vec<Announce>,
    ended_sessions: Vec<Id>,
    closed_streams: Vec<Id>,
    settings: Option<Arc<InstanceSettings>>,
    wake_mail: bool,
}

impl std::fmt::Debug for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Change")
            .field("audit", &self.audit)
            .field("admin_audit", &self.admin_audit)
            .field("ended_sessions", &self.ended_sessions.len())
            .field("settings", &self.settings.is_some())
            .field("stale", &self.stale)
            .field("events", &self.events.len())
            .field("announce", &self.announce.len())
            .finish()
    }
}

impl Change {
    /// Opens a change: starts its write transaction.
    pub async fn begin(ctx: &Arc<Context>) -> Result<Self> {
        Ok(Self {
            ctx: Arc::clone(ctx),
            tx: ctx.store.begin_write().await?,
            audit: None,
            admin_audit: None,
            stale: Vec::new(),
            events: Vec::new(),
            announce: Vec::new(),
            ended_sessions: Vec::new(),
            closed_streams: Vec::new(),
            settings: None,
            wake_mail: false,
        })
    }

    /// The transaction every write of this change goes through.
    pub fn tx(&mut self) -> &mut dyn WriteTx {
        &mut *self.tx
    }

    /// Records the audit entry, written in the change's transaction at commit.
    pub fn audit(
        &mut self,
        server: Id,
        actor: Id,
        action: AuditAction,
        target: Option<Id>,
        reason: &str,
        changes: Vec<AuditChange>,
    ) {
        self.audit = Some(AuditEntry {
            server,
            actor,
            action,
            target,
            reason: reason.to_owned(),
            changes,
        });
    }

    /// Records an entry of the instance audit log (what an administrator did), written in the
    /// change's transaction at commit.
    pub fn audit_instance(
        &mut self,
        actor: Id,
        action: AdminAction,
        target: Option<Id>,
        changes: Vec<AuditChange>,
    ) -> Result<()> {
        self.admin_audit = Some(AdminAuditRecord {
            id: self.ctx.ids.next().0,
            action,
            actor_id: actor.0,
            target_id: target.map(|t| t.0),
            changes: serde_json::to_string(&changes).map_err(Error::internal)?,
            created_at: now_ms(),
        });
        Ok(())
    }

    /// After commit, refuses these sessions' access tokens and ends their event streams
    /// (their rows were revoked or deleted in this change).
    pub fn end_sessions(&mut self, sessions: impl IntoIterator<Item = Id>) {
        self.ended_sessions.extend(sessions);
    }

    /// After commit, ends the event streams opened with these credentials (a bot token that
    /// this change replaced or removed).
    pub fn close_streams(&mut self, ids: impl IntoIterator<Item = Id>) {
        self.closed_streams.extend(ids);
    }

    /// After commit, makes `settings` the instance settings every service reads (this change
    /// saved them).
    pub fn replace_settings(&mut self, settings: Arc<InstanceSettings>) {
        self.settings = Some(settings);
    }

    /// Wakes the outbox worker after commit: this change queued mail (or changed the
    /// settings it sends with).
    pub fn wake_mail(&mut self) {
        self.wake_mail = true;
    }

    /// Marks a server's permission snapshot stale after commit.
    pub fn invalidate(&mut self, server: Id) {
        if !self.stale.contains(&Stale::Server(server)) {
            self.stale.push(Stale::Server(server));
        }
    }

    /// Forgets a deleted server's permission snapshot after commit.
    pub fn forget_server(&mut self, server: Id) {
        self.stale.push(Stale::Removed(server));
    }

    /// Publishes `event` to `audience` after commit (an event addressed to nobody is
    /// dropped).
    pub fn publish(&mut self, audience: Audience, event: Event) {
        self.events.push((audience, event));
    }

    /// After commit (and after the events recorded so far), builds more events from the
    /// committed state and publishes them. A failure there is logged: the change happened.
    pub fn announce(&mut self, build: Announce) {
        self.announce.push(build);
    }

    /// Writes the audit row, commits, then invalidates and publishes.
    pub async fn commit(self) -> Result<()> {
        self.finish().await.map(drop)
    }

    /// Like [`Self::commit`], then reads the result from the committed state with `build`,
    /// which also returns the events that depend on it; those are published before the
    /// result is returned.
    pub async fn commit_then<T, F, Fut>(self, build: F) -> Result<T>
    where
        F: FnOnce(Arc<Context>) -> Fut,
        Fut: Future<Output = Result<(T, Vec<(Audience, Event)>)>>,
    {
        let ctx = self.finish().await?;
        let (value, events) = build(Arc::clone(&ctx)).await?;
        publish(&ctx, events).await;
        Ok(value)
    }

    async fn finish(mut self) -> Result<Arc<Context>> {
        if let Some(entry) = self.audit.take() {
            let record = AuditRecord {
                id: self.ctx.ids.next().0,
                server_id: entry.server.0,
                action: entry.action,
                actor_id: entry.actor.0,
                target_id: entry.target.map(|t| t.0),
                reason: entry.reason,
                changes: serde_json::to_string(&entry.changes).map_err(Error::internal)?,
                created_at: now_ms(),
            };
            self.tx.add_audit(&record).await.inspect_err(|e| {
                tracing::error!(server = %entry.server, action = ?entry.action, error = %e,
                    "audit log write failed; the change is rolled back");
            })?;
        }
        if let Some(entry) = self.admin_audit.take() {
            self.tx.add_admin_audit(&entry).await.inspect_err(|e| {
                tracing::error!(action = ?entry.action, error = %e,
                    "instance audit log write failed; the change is rolled back");
            })?;
        }
        self.tx.commit().await?;
        let settings_changed = self.settings.is_some();
        if let Some(settings) = self.settings.take() {
            self.ctx.set_settings(settings);
            // Notification mails may have just been turned on (or their delay changed).
            self.ctx.notify.wake();
        }
        if self.wake_mail {
            self.ctx.mail.wake();
        }
        // Access tokens live at most `lifetimes.access`; refuse them a minute longer.
        let until = now_ms() + self.ctx.lifetimes.access.as_millis() as i64 + 60_000;
        let signals = self
            .ended_sessions
            .iter()
            .map(|&session| Signal::EndSession { session, until })
            .chain(
                self.closed_streams
                    .iter()
                    .map(|&id| Signal::CloseStreams(id)),
            )
            .chain(self.stale.iter().map(|stale| match *stale {
                Stale::Server(id) => Signal::Invalidate(id),
                Stale::Removed(id) => Signal::ForgetServer(id),
            }));
        for signal in signals {
            send_signal(&self.ctx, signal).await;
        }
        if settings_changed {
            // The other nodes read them again (this one has them already).
            self.ctx.bus.signal(Signal::ReloadSettings).await;
        }
        publish(&self.ctx, self.events).await;
        // Whoever may no longer be in a voice channel of a changed server (kicked, banned,
        // channel deleted, CONNECT / VIEW_CHANNEL lost, server deleted) leaves it.
        for stale in self.stale {
            let (Stale::Server(id) | Stale::Removed(id)) = stale;
            let left = self.ctx.voice.reconcile(&self.ctx.perms, id).await;
            publish(&self.ctx, left).await;
        }
        for build in self.announce {
            match build(Arc::clone(&self.ctx)).await {
                Ok(events) => publish(&self.ctx, events).await,
                Err(e) => tracing::error!(error = %e, "announcing a committed change failed"),
            }
        }
        Ok(self.ctx)
    }
}

/// Applies a committed change's side effect on this node: the change's own node calls it
/// right after commit, the others when the bus brings the signal. The one place where the
/// permission cache is invalidated, sessions are refused and streams are ended.
pub fn apply_signal(ctx: &Context, signal: Signal) {
    match signal {
        Signal::Invalidate(id) => ctx.perms.invalidate(id),
        Signal::ForgetServer(id) => ctx.perms.remove(id),
        Signal::EndSession { session, until } => {
            ctx.revoked.insert(session, until);
            ctx.hub.close_session(session);
        }
        Signal::CloseStreams(id) => ctx.hub.close_session(id),
        Signal::ReloadSettings => ctx.settings_reload.notify_one(),
    }
}

/// Applies a side effect here and tells the other nodes (before any later event).
async fn send_signal(ctx: &Context, signal: Signal) {
    apply_signal(ctx, signal);
    ctx.bus.signal(signal).await;
}

/// Revokes sessions outside a unit of work (their rows were revoked by a statement of their
/// own: logout, refresh-token reuse): their access tokens are refused and their streams end,
/// on every node.
pub async fn end_sessions(ctx: &Context, sessions: impl IntoIterator<Item = Id>) {
    // Access tokens live at most `lifetimes.access`; refuse them a minute longer.
    let until = now_ms() + ctx.lifetimes.access.as_millis() as i64 + 60_000;
    for session in sessions {
        send_signal(ctx, Signal::EndSession { session, until }).await;
    }
}

/// Hands committed events to the bus, in order; an event addressed to nobody is dropped.
async fn publish(ctx: &Context, events: Vec<(Audience, Event)>) {
    for (audience, event) in events {
        if !audience.is_empty() {
            ctx.bus.publish(audience, event).await;
        }
    }
}

/// Publishes changes of the in-memory voice state (joins, leaves, flags) and relays voice
/// signals: nothing is written or audited, but voice-state events are replayable like any
/// state change (signals are ephemeral). Kept here so the bus is reached from this module
/// only.
pub async fn publish_voice(ctx: &Context, events: Vec<(Audience, Event)>) {
    debug_assert!(
        events.iter().all(|(_, e)| matches!(
            e,
            Event::VoiceStateUpdated(_)
                | Event::VoiceStateRemoved { .. }
                | Event::VoiceSignal(_)
                | Event::CallRinging { .. }
                | Event::CallUpdated(_)
                | Event::CallEnded { .. }
        )),
        "only voice events bypass a unit of work here"
    );
    publish(ctx, events).await;
}

/// Publishes an ephemeral signal (typing): not a change, nothing is written or audited, and
/// it is never replayed. Kept here so the bus is reached from this module only.
pub async fn signal(ctx: &Context, audience: Audience, event: Event) {
    debug_assert!(
        event.is_ephemeral(),
        "only ephemeral events bypass a unit of work"
    );
    publish(ctx, vec![(audience, event)]).await;
}
