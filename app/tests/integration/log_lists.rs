//! Keyset paging of the lists that grow with time (issue 12, item 2): the delivery log, the
//! alerts tabs and the API keys list visit every row once, forward and back, in the order they
//! promise; another tenant's rows never appear, whatever cursor is sent; and every page after the
//! first is one range of the list's index under row-level security.

use super::lists::scans;
use atrium_app::alerts::types::AlertTab;
use atrium_app::api_keys::types::ApiKeyStatus;
use atrium_app::db::{Db, TenantTx};
use atrium_app::ids::{ChannelId, TenantId};
use atrium_app::notifications::types::{DeliveryFilter, DeliveryStatus};
use atrium_app::paging::Total;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

/// Rows of each list per tenant: more than two pages of 50, with timestamps shared by three rows
/// each so that the id has to break ties.
const ROWS: i32 = 130;

/// Seeds, as the owner, a tenant with two channels, a rule, and `ROWS` deliveries (every status,
/// both channels), alerts (every state and severity; three in four resolved) and API keys (some
/// expired, some revoked).
async fn seed_tenant(owner: &mut PgConnection, slug: &str) -> TenantId {
    let tenant: Uuid = sqlx::query_scalar("INSERT INTO tenants (slug, name) VALUES ($1, $1) RETURNING tenant_id")
        .bind(slug)
        .fetch_one(&mut *owner)
        .await
        .expect("tenant");
    let statements = [
        "INSERT INTO channels (tenant_id, name, kind, config)
         SELECT $1, 'hook ' || n, 'webhook', '{}'::jsonb FROM generate_series(1, 2) n WHERE $2 > 0",
        "INSERT INTO alert_rules (tenant_id, name, metric, aggregation, comparison, threshold, window_s, pending_s, severity)
         SELECT $1, 'seeded rule', 'cpu.load', 'avg', 'gt', 1, 60, 0, 'high' WHERE $2 > 0",
        "INSERT INTO deliveries (tenant_id, channel_id, event_type, notification, status, created_at)
         SELECT $1, c.channel_id, 'alert.firing', jsonb_build_object('title', 'n' || n),
                (ARRAY['pending', 'delivered', 'failed'])[1 + n % 3],
                timestamptz '2026-12-01 00:00:00+00' + (n / 3) * interval '1 second'
         FROM generate_series(1, $2) n
         JOIN LATERAL (SELECT channel_id FROM channels WHERE tenant_id = $1 ORDER BY name OFFSET n % 2 LIMIT 1) c ON true",
        "INSERT INTO alerts (tenant_id, rule_id, fingerprint, state, severity, started_at, resolved_at, updated_at)
         SELECT $1, r.rule_id, 'f' || n,
                CASE WHEN n % 4 = 0 THEN (ARRAY['firing', 'no_data', 'acknowledged', 'pending'])[1 + (n / 4) % 4]
                     ELSE 'resolved' END,
                (ARRAY['critical', 'high', 'medium', 'low'])[1 + (n / 8) % 4],
                timestamptz '2026-12-01 00:00:00+00' + (n / 3) * interval '1 second',
                CASE WHEN n % 4 <> 0 THEN timestamptz '2026-12-02 00:00:00+00' + (n / 3) * interval '1 second' END,
                now()
         FROM generate_series(1, $2) n JOIN alert_rules r ON r.tenant_id = $1 AND r.name = 'seeded rule'",
        "INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, signing_secret, scopes, created_at, expires_at, revoked_at)
         SELECT $1, 'key ' || n, substr(md5($1::text || n), 1, 8), sha256(($1::text || n)::bytea), '\\x00'::bytea,
                ARRAY['metrics:write'], timestamptz '2026-12-01 00:00:00+00' + (n / 3) * interval '1 second',
                CASE WHEN n % 5 = 1 THEN timestamptz '2026-12-01 12:00:00+00' END,
                CASE WHEN n % 5 = 2 THEN timestamptz '2026-12-02 00:00:00+00' END
         FROM generate_series(1, $2) n",
    ];
    for statement in statements {
        sqlx::query(statement)
            .bind(tenant)
            .bind(ROWS)
            .execute(&mut *owner)
            .await
            .expect(statement);
    }
    TenantId(tenant)
}

/// Ids as the owner orders them with plain SQL: what each list must show.
async fn expected(owner: &mut PgConnection, sql: &str, tenant: TenantId) -> Vec<Uuid> {
    sqlx::query_scalar(sql)
        .bind(tenant.0)
        .fetch_all(&mut *owner)
        .await
        .expect(sql)
}

/// One page as a list answers it: its ids and the neighbouring pages' cursors.
struct Seen {
    ids: Vec<Uuid>,
    prev: Option<String>,
    next: Option<String>,
}

/// Walks a list forward by `next` from its first page, then back by `prev` from its last, and
/// checks that both ways show `expected` exactly (every row once, in order).
async fn walk(what: &str, expected: &[Uuid], fetch: impl AsyncFn([Option<String>; 2], u32) -> Seen) {
    let mut forward = Vec::new();
    let (mut cursors, mut page) = ([None, None], 1);
    let last = loop {
        let seen = fetch(cursors.clone(), page).await;
        forward.extend(seen.ids.iter().copied());
        match seen.next.clone() {
            Some(next) => {
                cursors = [Some(next), None];
                page += 1;
            }
            None => break seen,
        }
    };
    assert_eq!(forward, expected, "{what}: forward");
    let mut backward = last.ids.clone();
    let mut prev = last.prev;
    while let Some(cursor) = prev {
        page -= 1;
        let seen = fetch([None, Some(cursor)], page).await;
        backward.splice(0..0, seen.ids);
        prev = seen.prev;
    }
    assert_eq!(backward, expected, "{what}: backward");
}

#[sqlx::test(migrations = "../migrations")]
async fn log_lists_page_through_every_row_once_and_only_the_own_tenant(_: PgPoolOptions, options: PgConnectOptions) {
    let mut owner = PgConnection::connect_with(&options).await.expect("owner");
    let alpha = seed_tenant(&mut owner, "logs-alpha").await;
    let beta = seed_tenant(&mut owner, "logs-beta").await;
    let db = Db::connect(options.clone(), 4).await.expect("db");
    let channels: Vec<Uuid> = sqlx::query_scalar("SELECT channel_id FROM channels WHERE tenant_id = $1 ORDER BY name")
        .bind(alpha.0)
        .fetch_all(&mut owner)
        .await
        .expect("channels");

    // The delivery log: unfiltered, per channel and per status, newest first.
    let mut filters = vec![DeliveryFilter::default()];
    filters.extend(channels.iter().map(|id| DeliveryFilter {
        channel_id: Some(ChannelId(*id)),
        status: None,
    }));
    filters.extend(DeliveryStatus::ALL.map(|status| DeliveryFilter {
        channel_id: None,
        status: Some(status),
    }));
    for filter in &filters {
        let mut sql = "SELECT delivery_id FROM deliveries WHERE tenant_id = $1".to_owned();
        if let Some(channel) = filter.channel_id {
            sql.push_str(&format!(" AND channel_id = '{channel}'"));
        }
        if let Some(status) = filter.status {
            sql.push_str(&format!(" AND status = '{}'", status.as_str()));
        }
        sql.push_str(" ORDER BY created_at DESC, delivery_id DESC");
        let want = expected(&mut owner, &sql, alpha).await;
        assert!(want.len() > 40, "{filter:?}: enough rows to page");
        walk(&format!("deliveries {filter:?}"), &want, async |cursors, page| {
            let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
            let [after, before] = &cursors;
            let got = atrium_app::notifications::db::select_deliveries(
                &mut tx,
                filter,
                [after.as_deref(), before.as_deref()],
                page,
            )
            .await
            .expect("deliveries");
            tx.commit().await.expect("commit");
            assert_eq!(got.total, Total::Exact(want.len() as u64));
            Seen {
                ids: got.items.iter().map(|d| d.delivery_id.0).collect(),
                prev: got.prev,
                next: got.next,
            }
        })
        .await;
    }

    // The alerts tabs: open ones most severe then newest, resolved ones last resolved first.
    let rank = "CASE severity WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END";
    for tab in AlertTab::ALL {
        let states: Vec<String> = tab.states().iter().map(|s| format!("'{}'", s.as_str())).collect();
        let order = if tab == AlertTab::Resolved {
            "resolved_at DESC, alert_id DESC".to_owned()
        } else {
            format!("{rank} DESC, started_at DESC, alert_id DESC")
        };
        let sql = format!(
            "SELECT alert_id FROM alerts WHERE tenant_id = $1 AND state IN ({}) ORDER BY {order}",
            states.join(", ")
        );
        let want = expected(&mut owner, &sql, alpha).await;
        assert!(!want.is_empty(), "{tab:?}");
        walk(&format!("alerts {tab:?}"), &want, async |cursors, page| {
            let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
            let [after, before] = &cursors;
            let got = atrium_app::alerts::db::select_alerts(&mut tx, tab, [after.as_deref(), before.as_deref()], page)
                .await
                .expect("alerts");
            tx.commit().await.expect("commit");
            Seen {
                ids: got.items.iter().map(|a| a.alert_id.0).collect(),
                prev: got.prev,
                next: got.next,
            }
        })
        .await;
    }

    // API keys, newest first: all, and each status.
    let statuses = [
        None,
        Some(ApiKeyStatus::Active),
        Some(ApiKeyStatus::Expired),
        Some(ApiKeyStatus::Revoked),
    ];
    for status in statuses {
        let condition = match status {
            None => "true",
            Some(ApiKeyStatus::Active) => "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())",
            Some(ApiKeyStatus::Expired) => "revoked_at IS NULL AND expires_at <= now()",
            Some(ApiKeyStatus::Revoked) => "revoked_at IS NOT NULL",
        };
        let sql = format!(
            "SELECT api_key_id FROM api_keys WHERE tenant_id = $1 AND {condition} ORDER BY created_at DESC, api_key_id DESC"
        );
        let want = expected(&mut owner, &sql, alpha).await;
        assert!(!want.is_empty(), "{status:?}");
        walk(&format!("keys {status:?}"), &want, async |cursors, page| {
            let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
            let [after, before] = &cursors;
            let got =
                atrium_app::api_keys::db::select_api_keys(&mut tx, status, [after.as_deref(), before.as_deref()], page)
                    .await
                    .expect("keys");
            tx.commit().await.expect("commit");
            Seen {
                ids: got.items.iter().map(|k| k.api_key_id.0).collect(),
                prev: got.prev,
                next: got.next,
            }
        })
        .await;
    }

    // Beta, handed alpha's cursors, still sees only its own rows.
    let mut tx = TenantTx::begin(&db, alpha).await.expect("tx");
    let alpha_deliveries = atrium_app::notifications::db::select_deliveries(&mut tx, &filters[0], [None, None], 1)
        .await
        .expect("alpha");
    let alpha_keys = atrium_app::api_keys::db::select_api_keys(&mut tx, None, [None, None], 1)
        .await
        .expect("alpha keys");
    let alpha_alerts = atrium_app::alerts::db::select_alerts(&mut tx, AlertTab::Resolved, [None, None], 1)
        .await
        .expect("alpha alerts");
    tx.commit().await.expect("commit");
    let mut tx = TenantTx::begin(&db, beta).await.expect("tx");
    let own_channels: Vec<Uuid> = sqlx::query_scalar("SELECT channel_id FROM channels")
        .fetch_all(&mut *tx)
        .await
        .expect("own channels");
    for cursors in [
        [alpha_deliveries.next.as_deref(), None],
        [None, alpha_deliveries.next.as_deref()],
    ] {
        let page = atrium_app::notifications::db::select_deliveries(&mut tx, &filters[0], cursors, 2)
            .await
            .expect("beta deliveries");
        assert!(page.items.iter().all(|d| own_channels.contains(&d.channel_id.0)));
    }
    // Narrowed to alpha's channel, beta's log is empty.
    let foreign = atrium_app::notifications::db::select_deliveries(&mut tx, &filters[1], [None, None], 1)
        .await
        .expect("foreign channel");
    assert!(foreign.items.is_empty());
    assert_eq!(foreign.total, Total::Exact(0));
    let keys = atrium_app::api_keys::db::select_api_keys(&mut tx, None, [alpha_keys.next.as_deref(), None], 2)
        .await
        .expect("beta keys");
    let alpha_key_ids: Vec<Uuid> = alpha_keys.items.iter().map(|k| k.api_key_id.0).collect();
    assert!(!keys.items.is_empty());
    assert!(keys.items.iter().all(|k| !alpha_key_ids.contains(&k.api_key_id.0)));
    let alerts =
        atrium_app::alerts::db::select_alerts(&mut tx, AlertTab::Resolved, [alpha_alerts.next.as_deref(), None], 2)
            .await
            .expect("beta alerts");
    let alpha_alert_ids: Vec<Uuid> = alpha_alerts.items.iter().map(|a| a.alert_id.0).collect();
    assert!(!alerts.items.is_empty());
    assert!(alerts.items.iter().all(|a| !alpha_alert_ids.contains(&a.alert_id.0)));
    tx.commit().await.expect("commit");
}

/// The one scan of `table` in an `EXPLAIN (FORMAT JSON)` plan: an index scan of `index` whose
/// condition holds the cursor (a ROW comparison), with no sort anywhere.
fn assert_index_range(what: &str, plan: &str, table: &str, index: &str) {
    assert!(!plan.contains("\"Sort\""), "{what}: no sort: {plan}");
    let json: serde_json::Value = serde_json::from_str(plan).expect("json");
    let [scan] = scans(&json, table)[..] else {
        panic!("{what}: one scan of {table}: {plan}")
    };
    assert_eq!(scan["Node Type"], "Index Scan", "{what}: {plan}");
    assert_eq!(scan["Index Name"], index, "{what}: {plan}");
    let condition = scan["Index Cond"].as_str().unwrap_or_default();
    assert!(
        condition.contains("tenant_id = ") && condition.contains("ROW("),
        "{what}: the tenant and the cursor are the index condition: {plan}"
    );
}

/// Every filter's page after the first reads one range of its index, in order, as the app's role.
#[sqlx::test(migrations = "../migrations")]
async fn every_log_list_page_is_one_index_range(_: PgPoolOptions, options: PgConnectOptions) {
    let mut owner = PgConnection::connect_with(&options).await.expect("owner");
    let tenant = seed_tenant(&mut owner, "logs-plan").await;
    sqlx::query("ANALYZE").execute(&mut owner).await.expect("analyze");
    let channel: Uuid = sqlx::query_scalar("SELECT channel_id FROM channels WHERE tenant_id = $1 LIMIT 1")
        .bind(tenant.0)
        .fetch_one(&mut owner)
        .await
        .expect("channel");
    let db = Db::connect(options.clone(), 4).await.expect("db");
    // A few hundred rows are rightly read whole and sorted; priced out, the plan shows that an
    // index answers each order.
    let begin = async || {
        let mut tx = TenantTx::begin(&db, tenant).await.expect("tx");
        sqlx::raw_sql("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off")
            .execute(&mut *tx)
            .await
            .expect("settings");
        tx
    };

    let deliveries = [
        (DeliveryFilter::default(), "deliveries_created_idx"),
        (
            DeliveryFilter {
                channel_id: Some(ChannelId(channel)),
                status: None,
            },
            "deliveries_channel_idx",
        ),
        (
            DeliveryFilter {
                channel_id: None,
                status: Some(DeliveryStatus::Failed),
            },
            "deliveries_status_idx",
        ),
    ];
    for (filter, index) in deliveries {
        let mut tx = begin().await;
        // Any delivery's cursor will do for the plan; the unfiltered log has more than a page.
        let first =
            atrium_app::notifications::db::select_deliveries(&mut tx, &DeliveryFilter::default(), [None, None], 1)
                .await
                .expect("first");
        let plan =
            atrium_app::notifications::db::explain_deliveries_page(&mut tx, &filter, [first.next.as_deref(), None])
                .await
                .expect("explain");
        tx.commit().await.expect("commit");
        assert_index_range(&format!("deliveries {filter:?}"), &plan, "deliveries", index);
    }

    for tab in AlertTab::ALL {
        let index = if tab == AlertTab::Resolved {
            "alerts_resolved_list_idx"
        } else {
            "alerts_open_list_idx"
        };
        let mut tx = begin().await;
        // Any alert's cursor will do for the plan; the resolved tab has more than a page.
        let first = atrium_app::alerts::db::select_alerts(&mut tx, AlertTab::Resolved, [None, None], 1)
            .await
            .expect("first");
        let cursor = if tab == AlertTab::Resolved {
            first.next.clone()
        } else {
            let open = atrium_app::alerts::db::select_alerts(&mut tx, tab, [None, None], 1)
                .await
                .expect("open");
            // A cursor is the last row shown; with less than a page there is none, so make one.
            let last = open.items.last().expect("an open alert");
            let rank: i32 = sqlx::query_scalar("SELECT severity_rank FROM alerts WHERE alert_id = $1")
                .bind(last.alert_id.0)
                .fetch_one(&mut *tx)
                .await
                .expect("rank");
            let started: String = sqlx::query_scalar("SELECT started_at::text FROM alerts WHERE alert_id = $1")
                .bind(last.alert_id.0)
                .fetch_one(&mut *tx)
                .await
                .expect("started");
            Some(
                atrium_app::paging::Cursor {
                    id: last.alert_id.0.to_string(),
                    keys: vec![rank.to_string(), started],
                }
                .encode(),
            )
        };
        let plan = atrium_app::alerts::db::explain_alerts_page(&mut tx, tab, [cursor.as_deref(), None])
            .await
            .expect("explain");
        tx.commit().await.expect("commit");
        assert_index_range(&format!("alerts {tab:?}"), &plan, "alerts", index);
    }

    let keys = [
        (None, "api_keys_created_idx"),
        (Some(ApiKeyStatus::Active), "api_keys_unrevoked_idx"),
        (Some(ApiKeyStatus::Expired), "api_keys_unrevoked_idx"),
        (Some(ApiKeyStatus::Revoked), "api_keys_created_idx"),
    ];
    for (status, index) in keys {
        let mut tx = begin().await;
        // Any key's cursor will do for the plan.
        let first = atrium_app::api_keys::db::select_api_keys(&mut tx, None, [None, None], 1)
            .await
            .expect("first");
        let plan = atrium_app::api_keys::db::explain_keys_page(&mut tx, status, [first.next.as_deref(), None])
            .await
            .expect("explain");
        tx.commit().await.expect("commit");
        assert_index_range(&format!("keys {status:?}"), &plan, "api_keys", index);
    }
}
