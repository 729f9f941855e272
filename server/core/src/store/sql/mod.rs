//! The SQL shared by both backends. The queries are portable (`$n` parameters, `RETURNING`,
//! `ON CONFLICT`, integer timestamps), so each body is written once and instantiated for each
//! sqlx driver by [`sql_store!`], keeping native types and no `Any`-driver conversions.
//!
//! Each macro implements one sub-trait for `$store`, a struct with a `pool: sqlx::Pool<$db>`
//! field. `$begin_write` starts a write transaction (SQLite needs `BEGIN IMMEDIATE` so a
//! transaction that reads first cannot fail on lock upgrade).

mod accounts;
mod guilds;
mod mail;
mod messages;
mod relationships;

pub(crate) use accounts::accounts_sql;
pub(crate) use guilds::{
    DELETE_MEMBER_OVERWRITES, channel_columns, guilds_sql, invite_columns, role_columns,
    server_columns,
};
pub(crate) use mail::{mail_sql, user_columns};
pub(crate) use messages::messages_sql;
pub(crate) use relationships::relationships_sql;

/// Implements the whole [`crate::store::Store`] for one backend.
macro_rules! sql_store {
    ($store:ty, $tx:ident, $db:ty, $begin_write:literal) => {
        /// An open write transaction of this backend (see [`crate::store::WriteTx`]).
        pub struct $tx(sqlx::Transaction<'static, $db>);

        impl std::fmt::Debug for $tx {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($tx))
            }
        }

        $crate::store::sql::accounts_sql!($store, $db, $begin_write);
        $crate::store::sql::guilds_sql!($store, $tx, $db, $begin_write);
        $crate::store::sql::messages_sql!($store, $tx, $db, $begin_write);
        $crate::store::sql::relationships_sql!($store, $tx, $db, $begin_write);
        $crate::store::sql::mail_sql!($store, $db, $begin_write);

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
        }
    };
}

pub(crate) use sql_store;
