//! Start-up with no `DATABASE_URL`: a private cluster with scram-sha-256 authentication, migrated
//! as its superuser and then used as `atrium_app`, which logs in with a password derived from the
//! superuser's (set by the server itself), also when a second replica starts on the same cluster.

use atrium_app::db::unscoped_connection;
use atrium_server::database::{Database, open};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Row};
use std::path::Path;

/// (current_user, session_user, is superuser, bypasses RLS, server port) of one pooled connection.
async fn login(database: &Database) -> (String, String, bool, bool, i32) {
    let mut conn = unscoped_connection(&database.db).await.expect("connection");
    let row = sqlx::query(
        "SELECT current_user::text, session_user::text, r.rolsuper, r.rolbypassrls, inet_server_port()
         FROM pg_roles r WHERE r.rolname = session_user",
    )
    .fetch_one(&mut *conn)
    .await
    .expect("who");
    (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4))
}

#[tokio::test]
async fn the_private_database_is_used_as_the_app_role_with_a_derived_password() {
    let data = Path::new(env!("CARGO_TARGET_TMPDIR")).join("atrium-private-database");
    let _ = std::fs::remove_dir_all(&data);
    let first = open(None, None, &data).await.expect("private database");
    let (current, session, superuser, bypass, port) = login(&first).await;
    assert_eq!((current.as_str(), session.as_str()), ("atrium_app", "atrium_app"));
    assert!(!superuser && !bypass, "the app login is privileged");

    // The cluster checks passwords, so the app role's login really rests on the one the server
    // derived and set: a wrong one and none at all are refused.
    for password in ["wrong", ""] {
        let refused = PgConnectOptions::new_without_pgpass()
            .host("127.0.0.1")
            .port(u16::try_from(port).expect("port"))
            .username("atrium_app")
            .password(password)
            .database("atrium")
            .connect()
            .await;
        assert!(refused.is_err(), "atrium_app logged in with password {password:?}");
    }

    // A second replica (here: a second start on the running cluster) derives the same password.
    let second = open(None, None, &data).await.expect("second replica");
    assert_eq!(login(&second).await.1, "atrium_app");
    second.shutdown().await;
    first.shutdown().await;
    let _ = std::fs::remove_dir_all(&data);
}
