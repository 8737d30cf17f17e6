//! The demo: a platform administrator and two tenants with users in every role. Seeded once,
//! into an empty database; the password is never hard-coded.

use crate::config::Config;
use anyhow::Context;
use atrium_app::auth::{db as auth_db, password};
use atrium_app::db::{Db, PlatformGuard, PlatformTx, TenantTx};
use atrium_app::permissions::types::Role;
use atrium_app::tenants::db::{TenantFields, insert_tenant};
use atrium_app::tenants::types::{Plan, TenantStatus};
use atrium_app::users::db::{UserFields, insert_user};

struct DemoTenant {
    name: &'static str,
    slug: &'static str,
    plan: Plan,
    users: &'static [(&'static str, &'static str, Role)],
}

const TENANTS: &[DemoTenant] = &[
    DemoTenant {
        name: "Acme Corp",
        slug: "acme",
        plan: Plan::Professional,
        users: &[
            ("alice@acme.test", "Alice Admin", Role::Admin),
            ("mark@acme.test", "Mark Manager", Role::Manager),
            ("ana@acme.test", "Ana Analyst", Role::Analyst),
            ("victor@acme.test", "Victor Viewer", Role::Viewer),
        ],
    },
    DemoTenant {
        name: "Globex",
        slug: "globex",
        plan: Plan::Free,
        users: &[
            ("gina@globex.test", "Gina Admin", Role::Admin),
            ("hank@globex.test", "Hank Viewer", Role::Viewer),
        ],
    },
];

/// Seeds when no platform administrator exists yet; prints the sign-in details.
pub async fn seed_demo(db: &Db, config: &Config) -> anyhow::Result<()> {
    let guard = PlatformGuard::for_system_task();
    let mut tx = PlatformTx::begin(db, guard).await?;
    if auth_db::select_platform_user_count(&mut tx).await? > 0 {
        tx.commit().await?;
        println!(
            "  Sign in as {} (demo already seeded; password as printed on first start).",
            config.admin_email
        );
        return Ok(());
    }
    let (demo_password, generated) = match &config.admin_password {
        Some(password) => (password.clone(), false),
        None => (password::generate_password(), true),
    };
    let hash = password::hash(demo_password.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    auth_db::insert_platform_user(&mut tx, &config.admin_email.to_lowercase(), "Platform Admin", &hash)
        .await
        .context("creating the platform admin")?;
    let mut created = Vec::new();
    for demo in TENANTS {
        let fields = TenantFields {
            name: demo.name,
            slug: demo.slug,
            plan: demo.plan,
            status: TenantStatus::Active,
        };
        created.push((
            insert_tenant(&mut tx, &fields)
                .await
                .with_context(|| format!("creating tenant {}", demo.slug))?,
            demo,
        ));
    }
    tx.commit().await?;
    for (tenant, demo) in created {
        let mut tx = TenantTx::begin(db, tenant.tenant_id).await?;
        for (email, name, role) in demo.users {
            insert_user(
                &mut tx,
                &UserFields {
                    email,
                    name,
                    role: *role,
                },
                &hash,
            )
            .await
            .with_context(|| format!("creating user {email}"))?;
        }
        tx.commit().await?;
    }
    println!("  Demo data seeded. Sign in as {} (Super Admin)", config.admin_email);
    println!("  or as alice@acme.test (Acme admin), gina@globex.test (Globex admin), …");
    if generated {
        println!("  Password (shown once, for every demo account): {demo_password}");
    } else {
        println!("  Password: the value of ATRIUM_ADMIN_PASSWORD (every demo account uses it).");
    }
    Ok(())
}
