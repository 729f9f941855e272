//! The SQL shared by both backends. The queries are portable (`$n` parameters, `RETURNING`,
//! `ON CONFLICT`, integer timestamps), so each body is written once and instantiated for each
//! sqlx driver by [`sql_store!`], keeping native types and no `Any`-driver conversions.
//!
//! Each area's macro implements its read trait for `$store` (a struct with a
//! `pool: sqlx::Pool<$db>` field, and `held`, the [`super::held::HeldConnections`] of the hot
//! path) and its write trait for `$tx` (an open transaction), and [`sql_store!`] expands each
//! in a module of its own, so helpers need no area prefix. The
//! backends differ only in what they pass explicitly: `begin_write` starts a write transaction
//! (SQLite needs `BEGIN IMMEDIATE` so a transaction that reads first cannot fail on lock
//! upgrade), `begin_snapshot` a read-only one whose reads share one snapshot, and
//! `parallel_writes` how many write transactions may usefully run at once.

mod accounts;
mod admission;
mod audit;
mod bots;
mod channels;
mod columns;
mod mail;
mod members;
mod messages;
mod relationships;
mod roles;
mod servers;
mod users_admin;

pub(crate) use accounts::accounts_sql;
pub(crate) use admission::admission_sql;
pub(crate) use audit::audit_sql;
pub(crate) use bots::bots_sql;
pub(crate) use channels::channels_sql;
pub(crate) use columns::{
    DELETE_MEMBER_OVERWRITES, channel_columns, invite_columns, role_columns, server_columns,
};
pub(crate) use mail::{mail_sql, user_columns};
pub(crate) use members::members_sql;
pub(crate) use messages::{InsertAtOnce, messages_sql};
pub(crate) use relationships::relationships_sql;
pub(crate) use roles::roles_sql;
pub(crate) use servers::servers_sql;
pub(crate) use users_admin::users_admin_sql;

/// Implements the whole [`crate::store::Store`] for one backend.
macro_rules! sql_store {
    (
        $store:ident,
        $tx:ident,
        $db:ty,
        begin_write = $begin_write:literal,
        begin_snapshot = $begin_snapshot:expr,
        parallel_writes = $parallel_writes:expr $(,)?
    ) => {
        /// An open write transaction of this backend (see [`crate::store::WriteTx`]).
        pub struct $tx(sqlx::Transaction<'static, $db>);

        impl std::fmt::Debug for $tx {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($tx))
            }
        }

        $crate::store::sql::accounts_sql!($store, $tx, $db, $begin_write);

        // One module per area: each expansion keeps its helpers to itself.
        mod servers {
            $crate::store::sql::servers_sql!(
                super::$store,
                super::$tx,
                $db,
                begin_snapshot = $begin_snapshot
            );
        }
        mod members {
            $crate::store::sql::members_sql!(super::$store, super::$tx, $db);
        }
        mod channels {
            $crate::store::sql::channels_sql!(super::$store, super::$tx, $db);
        }
        mod roles {
            $crate::store::sql::roles_sql!(super::$store, super::$tx, $db);
        }
        mod admission {
            $crate::store::sql::admission_sql!(super::$store, super::$tx, $db);
        }
        mod audit {
            $crate::store::sql::audit_sql!(super::$store, super::$tx, $db);
        }
        mod messages {
            $crate::store::sql::messages_sql!(super::$store, super::$tx, $db, $begin_write);
        }
        mod relationships {
            $crate::store::sql::relationships_sql!(super::$store, super::$tx, $db, $begin_write);
        }
        mod bots {
            $crate::store::sql::bots_sql!(super::$store, super::$tx, $db, $begin_write);
        }
        mod mail {
            $crate::store::sql::mail_sql!(super::$store, super::$tx, $db);
        }
        mod users_admin {
            $crate::store::sql::users_admin_sql!(super::$store, super::$tx, $db);
        }

        #[async_trait::async_trait]
        impl $crate::store::WriteTx for $tx {
            async fn commit(self: Box<Self>) -> $crate::error::Result<()> {
                self.0.commit().await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn backend(&self) -> &'static str {
                <$db as sqlx::Database>::NAME
            }

            async fn ping(&self) -> $crate::error::Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn begin_write(&self) -> $crate::error::Result<Box<dyn $crate::store::WriteTx>> {
                Ok(Box::new($tx(self.pool.begin_with($begin_write).await?)))
            }

            fn parallel_writes(&self) -> usize {
                $parallel_writes
            }
        }
    };
}

pub(crate) use sql_store;
