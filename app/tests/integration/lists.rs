//! Lists built for size (issue 12): keyset pages visit every row once in every sort order and
//! both directions, totals are kept or capped instead of counted, and every page, however deep,
//! is one ordered index range under row-level security.

use atrium_app::db::{Db, PlatformGuard, PlatformTx, TenantTx};
use atrium_app::ids::TenantId;
use atrium_app::paging::{ListQuery, SortDir, Total};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection};

/// The benchmark's dataset generator at a small size, run as the owner.
async fn seed(options: &PgConnectOptions, tenants: u32, big_users: u32, users: u32) {
    let mut owner = PgConnection::connect_with(options).await.expect("owner");
    for (name, value) in [
        ("atrium.dataset_tenants", tenants),
        ("atrium.dataset_big_users", big_users),
        ("atrium.dataset_users", users),
    ] {
        sqlx::query("SELECT set_config($1, $2, false)")
            .bind(name)
            .bind(value.to_string())
            .execute(&mut owner)
            .await
            .expect("setting");
    }
    sqlx::raw_sql(include_str!("../../../bench/sql/list_dataset.sql"))
        .execute(&mut owner)
        .await
        .expect("dataset");
    sqlx::query("ANALYZE").execute(&mut owner).await.expect("analyze");
}

async fn tenant(db: &Db, slug: &str) -> TenantId {
    let mut tx = PlatformTx::begin(db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    let id = sqlx::query_scalar("SELECT tenant_id FROM tenants WHERE slug = $1")
        .bind(slug)
        .fetch_one(&mut *tx)
        .await
        .expect("tenant");
    TenantId(id)
}

fn list(sort: &str, dir: SortDir, per_page: u32) -> ListQuery {
    ListQuery {
        sort: sort.into(),
        dir,
        per_page,
        ..ListQuery::default()
    }
}

/// The order each sort promises, as the owner writes it with a plain ORDER BY on the base
/// columns (never signed in comes first ascending, last descending).
fn expected_order(sort: &str, dir: SortDir) -> String {
    let d = if dir == SortDir::Desc { "DESC" } else { "ASC" };
    match sort {
        "email" => format!("email {d}, user_id {d}"),
        "role" => format!("role {d}, lower(name) {d}, user_id {d}"),
        "status" => format!("status {d}, lower(name) {d}, user_id {d}"),
        "last_login" if dir == SortDir::Desc => "last_login_at DESC NULLS LAST, user_id DESC".to_owned(),
        "last_login" => "last_login_at ASC NULLS FIRST, user_id ASC".to_owned(),
        _ => format!("lower(name) {d}, user_id {d}"),
    }
}

/// Every node of a JSON plan.
pub(crate) fn nodes(plan: &serde_json::Value) -> Vec<&serde_json::Value> {
    let mut out = vec![plan];
    if let Some(children) = plan.get("Plans").and_then(|p| p.as_array()) {
        for child in children {
            out.extend(nodes(child));
        }
    }
    out
}

/// The nodes of a plan that read `relation`.
pub(crate) fn scans<'a>(plan: &'a serde_json::Value, relation: &str) -> Vec<&'a serde_json::Value> {
    nodes(&plan[0]["Plan"])
        .into_iter()
        .filter(|node| node["Relation Name"] == relation)
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn keyset_pages_visit_every_user_once_in_every_order_and_back(_: PgPoolOptions, options: PgConnectOptions) {
    seed(&options, 3, 230, 4).await;
    let db = Db::connect(options.clone(), 4).await.expect("db");
    let big = tenant(&db, "load-big").await;
    let mut owner = PgConnection::connect_with(&options).await.expect("owner");
    for sort in ["name", "email", "role", "status", "last_login"] {
        for dir in [SortDir::Asc, SortDir::Desc] {
            let order = expected_order(sort, dir);
            let expected: Vec<uuid::Uuid> = sqlx::query_scalar(&format!(
                "SELECT user_id FROM users WHERE tenant_id = $1 ORDER BY {order}"
            ))
            .bind(big.0)
            .fetch_all(&mut owner)
            .await
            .expect("expected order");
            assert_eq!(expected.len(), 230);

            // Forward to the end, 100 at a time.
            let mut query = list(sort, dir, 100);
            let mut pages = Vec::new();
            loop {
                let mut tx = TenantTx::begin(&db, big).await.expect("tx");
                let page = atrium_app::users::db::select_users_page(&mut tx, &query)
                    .await
                    .expect("page");
                tx.commit().await.expect("commit");
                assert_eq!(page.total, Total::Exact(230), "{sort}");
                assert_eq!(page.page, pages.len() as u32 + 1, "{sort} {dir:?}");
                assert_eq!(page.prev.is_some(), !pages.is_empty(), "{sort} {dir:?}");
                let next = page.next.clone();
                pages.push(page);
                match next {
                    Some(cursor) => {
                        query.after = Some(cursor);
                        query.before = None;
                        query.page += 1;
                    }
                    None => break,
                }
            }
            let seen: Vec<uuid::Uuid> = pages
                .iter()
                .flat_map(|page| page.items.iter().map(|user| user.user_id.0))
                .collect();
            assert_eq!(seen, expected, "{sort} {dir:?}: every user once, in order");
            assert_eq!(pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(), [100, 100, 30]);

            // And back from the last page: each "previous" is exactly the page before it.
            for index in (1..pages.len()).rev() {
                let mut back = list(sort, dir, 100);
                back.before = pages[index].prev.clone();
                back.page = pages[index].page - 1;
                let mut tx = TenantTx::begin(&db, big).await.expect("tx");
                let page = atrium_app::users::db::select_users_page(&mut tx, &back)
                    .await
                    .expect("page");
                tx.commit().await.expect("commit");
                let ids = |p: &atrium_app::paging::Page<atrium_app::users::types::User>| {
                    p.items.iter().map(|u| u.user_id.0).collect::<Vec<_>>()
                };
                assert_eq!(ids(&page), ids(&pages[index - 1]), "{sort} {dir:?} back to {index}");
                assert_eq!(page.page, pages[index - 1].page);
                assert_eq!(page.prev.is_some(), index > 1, "{sort} {dir:?}");
                assert!(page.next.is_some());
            }
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_forged_or_foreign_cursor_reads_only_the_own_tenant(_: PgPoolOptions, options: PgConnectOptions) {
    seed(&options, 3, 120, 5).await;
    let db = Db::connect(options.clone(), 4).await.expect("db");
    let big = tenant(&db, "load-big").await;
    let other = tenant(&db, "load-mid").await;
    // A cursor taken from another tenant's list, and cursors that are not cursors at all.
    let mut tx = TenantTx::begin(&db, other).await.expect("tx");
    let theirs = atrium_app::users::db::select_users_page(&mut tx, &list("name", SortDir::Asc, 10))
        .await
        .expect("page");
    tx.commit().await.expect("commit");
    assert_eq!(theirs.total, Total::Exact(5));
    assert!(theirs.next.is_none());
    let their_cursor = atrium_app::paging::Cursor {
        id: theirs.items[2].user_id.0.to_string(),
        keys: vec![theirs.items[2].name.to_lowercase()],
    }
    .encode();
    for cursor in [
        their_cursor,
        "not a cursor".to_owned(),
        "00000000-0000-0000-0000-000000000000,x,y".to_owned(),
        "'; DROP TABLE users; --,a".to_owned(),
    ] {
        let mut query = list("name", SortDir::Asc, 100);
        query.after = Some(cursor.clone());
        query.page = 4;
        let mut tx = TenantTx::begin(&db, big).await.expect("tx");
        let page = atrium_app::users::db::select_users_page(&mut tx, &query)
            .await
            .expect("a bad cursor is not an error");
        tx.commit().await.expect("commit");
        assert!(
            page.items.iter().all(|user| user.tenant_id == big),
            "{cursor}: another tenant's user"
        );
        assert!(!page.items.is_empty(), "{cursor}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn search_counts_stop_at_the_cap_and_tenant_counts_follow_changes(_: PgPoolOptions, options: PgConnectOptions) {
    seed(&options, 4, 1_200, 3).await;
    let db = Db::connect(options.clone(), 4).await.expect("db");
    let big = tenant(&db, "load-big").await;
    let page = |query: ListQuery| {
        let db = db.clone();
        async move {
            let mut tx = TenantTx::begin(&db, big).await.expect("tx");
            let page = atrium_app::users::db::select_users_page(&mut tx, &query)
                .await
                .expect("page");
            tx.commit().await.expect("commit");
            page
        }
    };
    assert_eq!(page(list("", SortDir::Asc, 10)).await.total, Total::Exact(1_200));
    // Every user of the big tenant has "@load-big.test": more than the cap matches.
    let mut everyone = list("", SortDir::Asc, 10);
    everyone.q = "load-big".into();
    assert_eq!(page(everyone).await.total, Total::AtLeast(1_000));
    // One surname: 1 in 40, counted exactly; search is case-insensitive; % is literal.
    let mut smiths = list("name", SortDir::Asc, 100);
    smiths.q = "SMITH".into();
    let found = page(smiths).await;
    assert_eq!(found.total, Total::Exact(49));
    assert!(found.items.iter().all(|user| user.name.ends_with("Smith")));
    let mut literal = list("", SortDir::Asc, 10);
    literal.q = "%".into();
    assert_eq!(page(literal).await.total, Total::Exact(0));

    // The kept count follows inserts and deletes, in bulk too, and a tenant's deletion.
    let mut tx = TenantTx::begin(&db, big).await.expect("tx");
    sqlx::query(
        "INSERT INTO users (tenant_id, email, name, password_hash)
         SELECT $1, 'extra' || g || '@x.test', 'Extra ' || g, '!' FROM generate_series(1, 25) g",
    )
    .bind(big.0)
    .execute(&mut *tx)
    .await
    .expect("insert");
    sqlx::query("DELETE FROM users WHERE email LIKE 'user1_@load-big.test'")
        .execute(&mut *tx)
        .await
        .expect("delete");
    tx.commit().await.expect("commit");
    assert_eq!(
        page(list("", SortDir::Asc, 10)).await.total,
        Total::Exact(1_200 + 25 - 10)
    );

    let other = tenant(&db, "load-3").await;
    let mut tx = PlatformTx::begin(&db, PlatformGuard::for_system_task())
        .await
        .expect("tx");
    let platform = atrium_app::users::db::select_all_users_page(&mut tx, &list("", SortDir::Asc, 10))
        .await
        .expect("platform page");
    assert!(
        matches!(platform.total, Total::About(n) if n > 1_000),
        "more than the cap: the statistics' estimate, {:?}",
        platform.total
    );
    assert!(
        atrium_app::tenants::db::delete_tenant(&mut tx, other)
            .await
            .expect("delete")
    );
    let tenants = atrium_app::tenants::db::select_tenants_page(&mut tx, &list("name", SortDir::Asc, 10))
        .await
        .expect("tenants");
    tx.commit().await.expect("commit");
    assert_eq!(tenants.total, Total::Exact(3));
    let slugs: Vec<&str> = tenants.items.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(slugs.len(), 3);
    assert!(!slugs.contains(&"load-3"), "{slugs:?}");
    let kept = tenants.items.iter().find(|t| t.slug == "load-big").expect("big");
    assert_eq!(kept.user_count, 1_215);
}

/// Index scans in order, cursors as index conditions, no sort and no sequential scan: checked
/// on the plans PostgreSQL makes for the statements the lists run, as the app's role.
#[sqlx::test(migrations = "../migrations")]
async fn every_sort_order_and_cursor_is_one_index_range(_: PgPoolOptions, options: PgConnectOptions) {
    // The big tenant holds an eighth of the users. With 200 tenants it held 60%, and the
    // last-login order's second page went to the platform-wide login index with a tenant filter
    // in about a third of runs (2 of 8 on the system server, 5 of 14 on a fresh cluster): the
    // estimate for the cursor's random user id decides between two near-equal costs.
    seed(&options, 2_000, 3_000, 10).await;
    let db = Db::connect(options.clone(), 4).await.expect("db");
    let big = tenant(&db, "load-big").await;
    for sort in ["name", "email", "role", "status", "last_login"] {
        for dir in [SortDir::Asc, SortDir::Desc] {
            let mut query = list(sort, dir, 100);
            let mut tx = TenantTx::begin(&db, big).await.expect("tx");
            let first = atrium_app::users::db::select_users_page(&mut tx, &query)
                .await
                .expect("page");
            query.after = first.next.clone();
            query.page = 2;
            let plan = atrium_app::users::db::explain_users_page(&mut tx, &query)
                .await
                .expect("explain");
            tx.commit().await.expect("commit");
            assert!(!plan.contains("Sort"), "{sort} {dir:?}: no sort at all: {plan}");
            let json: serde_json::Value = serde_json::from_str(&plan).expect("json");
            let [users] = scans(&json, "users")[..] else {
                panic!("{sort} {dir:?}: one scan of users: {plan}")
            };
            assert_eq!(users["Node Type"], "Index Scan", "{sort} {dir:?}: {plan}");
            assert!(
                users["Index Name"]
                    .as_str()
                    .is_some_and(|name| name.starts_with("users_tenant_")),
                "{sort} {dir:?}: {plan}"
            );
            let condition = users["Index Cond"].as_str().unwrap_or_default();
            assert!(
                condition.starts_with("((tenant_id = ") && condition.contains("ROW("),
                "{sort} {dir:?}: the cursor must be an index condition: {plan}"
            );
            assert!(
                users.get("Filter").is_none(),
                "{sort} {dir:?}: rows filtered after the scan: {plan}"
            );
        }
    }
    for sort in ["name", "slug", "plan", "status", "created"] {
        let mut query = list(sort, SortDir::Asc, 50);
        let mut tx = PlatformTx::begin(&db, PlatformGuard::for_system_task())
            .await
            .expect("tx");
        let first = atrium_app::tenants::db::select_tenants_page(&mut tx, &query)
            .await
            .expect("page");
        // Past the exact count's cap: the statistics' count, exact here after the seed's ANALYZE.
        assert_eq!(first.total, Total::About(2_000));
        query.after = first.next.clone();
        // 2,000 tenants fit in a few dozen pages, where reading them all and sorting can be
        // cheapest; priced out, the plan shows that an index answers each order.
        sqlx::raw_sql("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off")
            .execute(&mut *tx)
            .await
            .expect("settings");
        let plan = atrium_app::tenants::db::explain_tenants_page(&mut tx, &query)
            .await
            .expect("explain");
        tx.commit().await.expect("commit");
        assert!(!plan.contains("Sort"), "tenants {sort}: {plan}");
        let json: serde_json::Value = serde_json::from_str(&plan).expect("json");
        let [tenants] = scans(&json, "tenants")[..] else {
            panic!("tenants {sort}: one scan of tenants: {plan}")
        };
        assert_eq!(tenants["Node Type"], "Index Scan", "tenants {sort}: {plan}");
        assert!(
            tenants["Index Cond"].as_str().is_some_and(|c| c.contains("ROW(")),
            "tenants {sort}: {plan}"
        );
    }
}

/// A search gathers its matches through the trigram indexes as the app's role (ILIKE is marked
/// leakproof by the migration), pages over them by id, finds exactly what a plain scan finds, in
/// the list's order, and nothing of another tenant.
#[sqlx::test(migrations = "../migrations")]
async fn a_search_is_answered_by_the_trigram_indexes_and_finds_what_a_scan_finds(
    _: PgPoolOptions,
    options: PgConnectOptions,
) {
    seed(&options, 50, 20_000, 10).await;
    let db = Db::connect(options.clone(), 4).await.expect("db");
    let big = tenant(&db, "load-big").await;
    let mut owner = PgConnection::connect_with(&options).await.expect("owner");
    // As autovacuum leaves a table: the trigram indexes' pending lists merged, statistics taken.
    sqlx::query("VACUUM ANALYZE users")
        .execute(&mut owner)
        .await
        .expect("vacuum");
    let leakproof: bool = sqlx::query_scalar(
        "SELECT proleakproof FROM pg_proc WHERE oid = 'pg_catalog.texticlike(text, text)'::regprocedure",
    )
    .fetch_one(&mut owner)
    .await
    .expect("catalogue");
    assert!(
        leakproof,
        "the migration marks ILIKE's function leakproof when run as a superuser"
    );

    for (term, sort, dir) in [
        ("farouk", "name", SortDir::Asc),
        ("FAROUK", "email", SortDir::Desc),
        ("wei fis", "name", SortDir::Desc),
        ("user123", "last_login", SortDir::Asc),
    ] {
        let mut query = list(sort, dir, 25);
        query.q = term.into();
        // What a plain scan as the owner finds, in the order the sort promises.
        let expected: Vec<uuid::Uuid> = sqlx::query_scalar(&format!(
            "SELECT user_id FROM users WHERE tenant_id = $1 AND (name ILIKE $2 OR email ILIKE $2) ORDER BY {}",
            expected_order(sort, dir)
        ))
        .bind(big.0)
        .bind(format!("%{term}%"))
        .fetch_all(&mut owner)
        .await
        .expect("expected");
        assert!(
            !expected.is_empty() && expected.len() <= 1_000,
            "{term}: a term with few matches"
        );

        let mut found = Vec::new();
        let mut tx = TenantTx::begin(&db, big).await.expect("tx");
        loop {
            let page = atrium_app::users::db::select_users_page(&mut tx, &query)
                .await
                .expect("page");
            assert_eq!(page.total, Total::Exact(expected.len() as u64), "{term}");
            found.extend(page.items.iter().map(|user| user.user_id.0));
            match page.next {
                Some(next) => {
                    query.after = Some(next);
                    query.page += 1;
                }
                None => break,
            }
        }
        assert_eq!(found, expected, "{term} by {sort} {dir:?}: every match once, in order");

        let gather = atrium_app::users::db::explain_user_search(&mut tx, &query)
            .await
            .expect("explain");
        let page = atrium_app::users::db::explain_users_page(&mut tx, &query)
            .await
            .expect("explain");
        tx.commit().await.expect("commit");
        if term.chars().filter(|c| c.is_alphanumeric()).count() >= 3 {
            let json: serde_json::Value = serde_json::from_str(&gather).expect("json");
            let trigram: Vec<&str> = nodes(&json[0]["Plan"])
                .into_iter()
                .filter(|node| node["Node Type"] == "Bitmap Index Scan")
                .filter_map(|node| node["Index Name"].as_str())
                .collect();
            assert!(
                trigram.contains(&"users_name_trgm_idx") && trigram.contains(&"users_email_trgm_idx"),
                "{term}: gathered through both trigram indexes: {gather}"
            );
        }
        assert!(!gather.contains("Seq Scan"), "{term}: {gather}");
        let json: serde_json::Value = serde_json::from_str(&page).expect("json");
        let [users] = scans(&json, "users")[..] else {
            panic!("{term}: one scan of users: {page}")
        };
        // The page reads the matches, by id or through the trigram indexes, never the tenant.
        assert_ne!(users["Node Type"], "Seq Scan", "{term}: {page}");
        let condition = format!("{} {}", users["Index Cond"], users["Recheck Cond"]);
        assert!(
            condition.contains("user_id = ANY") || condition.contains("~~*"),
            "{term}: the page reads the matches, not the tenant: {page}"
        );
    }

    // A term matching more than can be gathered (every email of the tenant) walks the order's
    // index instead: the first page is still the first 25 in order.
    let mut everyone = list("name", SortDir::Asc, 25);
    everyone.q = "load-big".into();
    let expected: Vec<uuid::Uuid> = sqlx::query_scalar(&format!(
        "SELECT user_id FROM users WHERE tenant_id = $1 ORDER BY {} LIMIT 25",
        expected_order("name", SortDir::Asc)
    ))
    .bind(big.0)
    .fetch_all(&mut owner)
    .await
    .expect("expected");
    let mut tx = TenantTx::begin(&db, big).await.expect("tx");
    let page = atrium_app::users::db::select_users_page(&mut tx, &everyone)
        .await
        .expect("page");
    tx.commit().await.expect("commit");
    assert_eq!(page.total, Total::AtLeast(1_000));
    let found: Vec<uuid::Uuid> = page.items.iter().map(|user| user.user_id.0).collect();
    assert_eq!(found, expected);

    // Another tenant's search runs under its own policy: the big tenant's users never match.
    let small = tenant(&db, "load-3").await;
    let mut query = list("name", SortDir::Asc, 25);
    query.q = "load-big".into();
    let mut tx = TenantTx::begin(&db, small).await.expect("tx");
    let page = atrium_app::users::db::select_users_page(&mut tx, &query)
        .await
        .expect("page");
    tx.commit().await.expect("commit");
    assert_eq!(page.total, Total::Exact(0));
    assert!(page.items.is_empty());
}
