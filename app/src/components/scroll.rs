//! Bringing a panel the user just asked for into view.

use leptos::prelude::*;

/// Scrolls `node` into view once it is mounted (a panel may open far from the button that asked
/// for it). Does nothing on the server.
pub fn scroll_into_view_on_mount(node: NodeRef<leptos::html::Section>) {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(element) = node.get() {
            element.scroll_into_view();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = node;
    });
}
