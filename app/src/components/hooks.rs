//! Hooks every page uses: the signed-in user, what they may do, and the list state in the URL.
//! The shell provides the user; pages only read it, so pages never depend on the shell.

use crate::auth::types::CurrentUser;
use crate::paging::ListQuery;
use crate::permissions::types::Permission;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The signed-in user, loaded once per page load by the shell and provided to every page.
#[derive(Clone, Copy)]
pub struct CurrentUserContext(pub Signal<Option<CurrentUser>>);

pub fn use_current_user() -> Signal<Option<CurrentUser>> {
    use_context::<CurrentUserContext>()
        .map(|c| c.0)
        .unwrap_or_else(|| Signal::derive(|| None))
}

/// Whether the signed-in user is a platform administrator (false while nobody is known).
pub fn use_is_platform() -> Signal<bool> {
    let user = use_current_user();
    Signal::derive(move || user.get().is_some_and(|u| u.is_platform))
}

/// Whether the signed-in user holds `permission` (for hiding controls; the server still checks).
pub fn use_can(permission: Permission) -> Signal<bool> {
    let user = use_current_user();
    Signal::derive(move || user.get().is_some_and(|u| u.can(permission)))
}

/// The list state (search, sort, page) read from the current URL.
pub fn use_list_query() -> Memo<ListQuery> {
    let params = use_query_map();
    Memo::new(move |_| {
        let p = params.read();
        ListQuery::from_params(|name| p.get(name))
    })
}

/// Whether the signed-in member's workspace has `feature` on (for hiding what its plan does not
/// include; the server still refuses).
pub fn use_feature(feature: crate::plans::types::Feature) -> Signal<bool> {
    let user = use_current_user();
    Signal::derive(move || user.get().is_some_and(|u| u.has(feature)))
}

/// What the router puts before app paths on this site (`/t/acme` in a portal reached by path,
/// else nothing); the shell provides it. `A` links and navigation add it themselves; plain links
/// and GET forms, which the router does not resolve, take it from here.
#[derive(Clone, Debug, Default)]
pub struct LinkBase(pub String);

/// This site's link prefix (see [`LinkBase`]).
pub fn use_link_base() -> String {
    use_context::<LinkBase>().map(|base| base.0).unwrap_or_default()
}
