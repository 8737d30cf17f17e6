//! The browser's live connection: one websocket per tab, opened when a page first subscribes and
//! closed when the last page listening lets go. It reconnects with exponential backoff and full
//! jitter, treats 45 s of silence as a dead connection, re-sends the subscription after every
//! reconnect, and tells pages when they may have missed events (`resumed`) so they refetch.
//! On the server (`ssr`) everything here is inert: the status stays `Connecting`, which is also
//! what the browser shows while hydrating, so the two render the same.
//!
//! A page uses it like this:
//! ```ignore
//! let live = use_live();
//! live.on_event(move |event| if let LiveEvent::Rollups { metric_id, buckets, .. } = event { /* merge */ });
//! Effect::new(move |_| live.subscribe(tenant.get(), metric_ids.get()));
//! let data = Resource::new(move || (range.get(), live.resumed().get()), fetch); // refetch on resume
//! view! { <header>… <LiveIndicator /></header> }
//! ```

use super::types::LiveEvent;
use crate::i18n::{t, t_args};
use crate::ids::{MetricId, TenantId};
use leptos::prelude::*;
use std::time::Duration;

/// The first reconnect waits up to this long; each further attempt doubles the ceiling.
pub const RECONNECT_BASE: Duration = Duration::from_millis(500);
/// The longest wait between attempts.
pub const RECONNECT_CAP: Duration = Duration::from_secs(30);
/// A connection that stayed up this long resets the backoff.
pub const STABLE_AFTER: Duration = Duration::from_secs(10);
/// Silence after which the connection counts as dead (three server heartbeats).
pub const DEAD_AFTER: Duration = Duration::from_secs(45);

/// What the indicator shows.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveStatus {
    /// The first connection is being made.
    Connecting,
    /// Connected and receiving.
    Live,
    /// The connection dropped; attempt `attempt` starts in `next_retry_in`.
    Reconnecting { attempt: u32, next_retry_in: Duration },
    /// Not connected and not trying right now: nothing is subscribed, the browser is offline, or
    /// the session ended (signing in again starts over).
    Offline,
}

impl LiveStatus {
    /// The `data-state` value: `connecting`, `live`, `reconnecting` or `offline`.
    pub fn state(&self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Live => "live",
            Self::Reconnecting { .. } => "reconnecting",
            Self::Offline => "offline",
        }
    }

    /// The visible text.
    pub fn label(&self) -> String {
        t(match self {
            Self::Connecting => "live-status-connecting",
            Self::Live => "live-status-live",
            Self::Reconnecting { .. } => "live-status-reconnecting",
            Self::Offline => "live-status-offline",
        })
    }
}

/// The wait before reconnect attempt `attempt` (1-based), "full jitter": uniformly random between
/// zero and `min(cap, base · 2^(attempt-1))`, so a fleet of browsers that lost the same server
/// does not return in waves. `random` is in `[0, 1)`.
pub fn backoff(attempt: u32, random: f64, base: Duration, cap: Duration) -> Duration {
    let ceiling = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(16)).min(cap);
    ceiling.mul_f64(random.clamp(0.0, 1.0))
}

/// The tab's live connection, provided once by the app shell (`LiveConnection::provide`); get it
/// with `use_live`. Copy it freely: every copy is the same connection.
#[derive(Clone, Copy)]
pub struct LiveConnection {
    status: RwSignal<LiveStatus>,
    resumed: RwSignal<u64>,
    #[cfg(feature = "hydrate")]
    state: StoredValue<browser::State, LocalStorage>,
}

impl LiveConnection {
    /// Creates the connection (not connected yet) and provides it to every page below.
    pub fn provide() -> Self {
        let connection = Self {
            status: RwSignal::new(LiveStatus::Connecting),
            resumed: RwSignal::new(0),
            #[cfg(feature = "hydrate")]
            state: StoredValue::new_local(browser::State::default()),
        };
        #[cfg(feature = "hydrate")]
        browser::watch_online(connection);
        provide_context(connection);
        connection
    }

    /// The connection status, for indicators.
    pub fn status(&self) -> Signal<LiveStatus> {
        self.status.into()
    }

    /// Increments whenever events may have been missed: after a reconnect (once the subscription
    /// is in force again), after `lagged`, or when a metric's `seq` jumps. Pages read it in the
    /// source of the resources they show, so they refetch exactly then.
    pub fn resumed(&self) -> Signal<u64> {
        self.resumed.into()
    }

    /// Subscribes to `metric_ids` of `tenant_id` (tenant users may pass `None` for their own;
    /// platform administrators name the tenant), replacing the previous subscription. Sent now if
    /// connected, and again after every reconnect; connects if not connected. The server answers
    /// `Subscribed`, or `Error` (the previous subscription then stays).
    pub fn subscribe(&self, tenant_id: Option<TenantId>, metric_ids: Vec<MetricId>) {
        #[cfg(feature = "hydrate")]
        browser::subscribe(*self, tenant_id, metric_ids);
        #[cfg(not(feature = "hydrate"))]
        let _ = (tenant_id, metric_ids);
    }

    /// Calls `handler` with every event, in order, for as long as the calling component (the
    /// current reactive owner) lives. When the last handler goes, the connection closes.
    pub fn on_event(&self, handler: impl Fn(&LiveEvent) + 'static) {
        #[cfg(feature = "hydrate")]
        {
            let id = browser::add_handler(*self, std::rc::Rc::new(handler));
            let connection = *self;
            on_cleanup(move || browser::remove_handler(connection, id));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = handler;
    }

    /// Closes the connection and forgets the subscription (handlers stay registered).
    pub fn disconnect(&self) {
        #[cfg(feature = "hydrate")]
        browser::disconnect(*self);
    }
}

/// The tab's live connection. Outside the app shell (tests, isolated components) a detached one
/// that never connects.
pub fn use_live() -> LiveConnection {
    use_context::<LiveConnection>().unwrap_or_else(|| LiveConnection {
        status: RwSignal::new(LiveStatus::Offline),
        resumed: RwSignal::new(0),
        #[cfg(feature = "hydrate")]
        state: StoredValue::new_local(browser::State::default()),
    })
}

/// "Live" / "Reconnecting…" / "Offline" with a coloured dot, announced politely to screen readers.
/// `data-state` carries the machine-readable status for tests.
#[component]
pub fn LiveIndicator() -> impl IntoView {
    let status = use_live().status();
    let title = move || match status.get() {
        LiveStatus::Reconnecting { attempt, next_retry_in } => Some(t_args(
            "live-status-retry",
            &[
                ("seconds", &next_retry_in.as_secs().max(1).to_string()),
                ("attempt", &attempt.to_string()),
            ],
        )),
        _ => None,
    };
    view! {
        <span class="live-indicator" role="status" data-state=move || status.with(LiveStatus::state) title=title>
            <span class="live-dot" aria-hidden="true"></span>
            <span class="live-label">{move || status.with(LiveStatus::label)}</span>
        </span>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The websocket itself (browser only).

    use super::*;
    use crate::live::types::{CLOSE_FORBIDDEN, CLOSE_SESSION_ENDED, LiveCommand};
    use leptos::leptos_dom::helpers::{IntervalHandle, TimeoutHandle};
    use std::collections::HashMap;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::js_sys;
    use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

    pub(super) type Handler = Rc<dyn Fn(&LiveEvent)>;

    /// How often the watchdog looks for a silent connection.
    const WATCHDOG_EVERY: Duration = Duration::from_secs(5);

    #[derive(Default)]
    pub(crate) struct State {
        socket: Option<Socket>,
        /// Identifies the current socket; events of replaced sockets are ignored.
        socket_id: u32,
        wanted: Option<LiveCommand>,
        handlers: Vec<(u64, Handler)>,
        next_handler: u64,
        /// Reconnect attempts since the last stable connection.
        attempt: u32,
        opened_at: Option<f64>,
        last_heard: f64,
        dead_after_ms: f64,
        retry: Option<TimeoutHandle>,
        watchdog: Option<IntervalHandle>,
        /// A reconnect happened: pages must refetch once the subscription is in force again.
        resume_pending: bool,
        /// The last `seq` seen per metric on this connection.
        seqs: HashMap<MetricId, u64>,
    }

    struct Socket {
        ws: WebSocket,
        _on_open: Closure<dyn FnMut(Event)>,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_close: Closure<dyn FnMut(CloseEvent)>,
    }

    impl Drop for Socket {
        fn drop(&mut self) {
            // Detach first: the closures are freed with this struct.
            self.ws.set_onopen(None);
            self.ws.set_onmessage(None);
            self.ws.set_onclose(None);
            if self.ws.ready_state() <= WebSocket::OPEN {
                let _ = self.ws.close_with_code(1000);
            }
        }
    }

    fn now() -> f64 {
        js_sys::Date::now()
    }

    fn with<R>(live: LiveConnection, f: impl FnOnce(&mut State) -> R) -> Option<R> {
        live.state.try_update_value(f)
    }

    fn set_status(live: LiveConnection, status: LiveStatus) {
        if live.status.try_with_untracked(|current| *current != status) == Some(true) {
            live.status.set(status);
        }
    }

    fn bump_resumed(live: LiveConnection) {
        live.resumed.update(|generation| *generation += 1);
    }

    fn url() -> Option<String> {
        let location = web_sys::window()?.location();
        let scheme = if location.protocol().ok()? == "https:" {
            "wss:"
        } else {
            "ws:"
        };
        Some(format!("{scheme}//{}/ws", location.host().ok()?))
    }

    fn send(socket: &Socket, command: &LiveCommand) {
        if socket.ws.ready_state() == WebSocket::OPEN
            && let Ok(text) = serde_json::to_string(command)
        {
            let _ = socket.ws.send_with_str(&text);
        }
    }

    pub(super) fn subscribe(live: LiveConnection, tenant_id: Option<TenantId>, metric_ids: Vec<MetricId>) {
        let idle = with(live, |state| {
            let command = LiveCommand::Subscribe { tenant_id, metric_ids };
            if let Some(socket) = &state.socket {
                send(socket, &command);
            }
            state.wanted = Some(command);
            state.socket.is_none() && state.retry.is_none()
        });
        if idle == Some(true) {
            connect(live);
        }
    }

    pub(super) fn add_handler(live: LiveConnection, handler: Handler) -> u64 {
        with(live, |state| {
            state.next_handler += 1;
            state.handlers.push((state.next_handler, handler));
            state.next_handler
        })
        .unwrap_or_default()
    }

    pub(super) fn remove_handler(live: LiveConnection, id: u64) {
        let none_left = with(live, |state| {
            state.handlers.retain(|(handler, _)| *handler != id);
            state.handlers.is_empty()
        });
        if none_left == Some(true) {
            disconnect(live);
        }
    }

    pub(super) fn disconnect(live: LiveConnection) {
        with(live, |state| {
            state.wanted = None;
            state.socket = None;
            state.attempt = 0;
            state.resume_pending = false;
            if let Some(retry) = state.retry.take() {
                retry.clear();
            }
            if let Some(watchdog) = state.watchdog.take() {
                watchdog.clear();
            }
        });
        set_status(live, LiveStatus::Offline);
    }

    /// Back online: retry now instead of waiting out the backoff.
    pub(super) fn watch_online(live: LiveConnection) {
        // The connection lives as long as the app, and so does this listener (dropping the handle
        // does not remove it).
        let _ = window_event_listener(leptos::ev::online, move |_| {
            let waiting = with(live, |state| match state.retry.take() {
                Some(retry) => {
                    retry.clear();
                    true
                }
                None => false,
            });
            if waiting == Some(true) {
                connect(live);
            }
        });
    }

    fn connect(live: LiveConnection) {
        let Some(url) = url() else { return };
        let Ok(ws) = WebSocket::new(&url) else {
            schedule_reconnect(live);
            return;
        };
        let first = with(live, |state| {
            state.socket_id = state.socket_id.wrapping_add(1);
            let id = state.socket_id;
            let on_open = Closure::<dyn FnMut(Event)>::new(move |_| opened(live, id));
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                if let Some(text) = event.data().as_string() {
                    received(live, id, &text);
                }
            });
            let on_close =
                Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| closed(live, id, event.code()));
            ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
            ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
            state.socket = Some(Socket {
                ws,
                _on_open: on_open,
                _on_message: on_message,
                _on_close: on_close,
            });
            state.retry = None;
            state.opened_at = None;
            state.last_heard = now();
            state.dead_after_ms = DEAD_AFTER.as_secs_f64() * 1000.0;
            if state.watchdog.is_none() {
                state.watchdog = set_interval_with_handle(move || watchdog(live), WATCHDOG_EVERY).ok();
            }
            state.attempt == 0
        });
        if first == Some(true) {
            set_status(live, LiveStatus::Connecting);
        }
    }

    fn opened(live: LiveConnection, id: u32) {
        with(live, |state| {
            if state.socket_id != id {
                return;
            }
            state.opened_at = Some(now());
            state.last_heard = now();
            state.seqs.clear();
            if let (Some(socket), Some(command)) = (&state.socket, &state.wanted) {
                send(socket, command);
            }
        });
    }

    fn received(live: LiveConnection, id: u32, text: &str) {
        let Ok(event) = serde_json::from_slice::<LiveEvent>(text.as_bytes()) else {
            return;
        };
        let outcome = with(live, |state| {
            if state.socket_id != id {
                return None;
            }
            state.last_heard = now();
            let mut resume = false;
            match &event {
                LiveEvent::Welcome { heartbeat_s, .. } => {
                    state.dead_after_ms = f64::from(*heartbeat_s).max(1.0) * 3000.0;
                }
                LiveEvent::Subscribed { .. } => {
                    // A new subscription starts a new run of numbers for the page.
                    state.seqs.clear();
                    resume = std::mem::take(&mut state.resume_pending);
                }
                LiveEvent::Rollups { seq, metric_id, .. } | LiveEvent::Stale { seq, metric_id, .. } => {
                    if let Some(last) = state.seqs.insert(*metric_id, *seq) {
                        resume = *seq != last + 1;
                    }
                }
                LiveEvent::Lagged { .. } => {
                    state.seqs.clear();
                    resume = true;
                }
                LiveEvent::Heartbeat { .. } | LiveEvent::Error { .. } | LiveEvent::AlertChanged { .. } => {}
            }
            let handlers: Vec<Handler> = state.handlers.iter().map(|(_, handler)| handler.clone()).collect();
            Some((resume, handlers))
        });
        let Some(Some((resume, handlers))) = outcome else {
            return;
        };
        if matches!(event, LiveEvent::Welcome { .. }) {
            set_status(live, LiveStatus::Live);
        }
        // Outside the state borrow: a handler may subscribe or register another handler.
        for handler in handlers {
            handler(&event);
        }
        if resume {
            bump_resumed(live);
        }
    }

    fn closed(live: LiveConnection, id: u32, code: u16) {
        let current = with(live, |state| {
            let current = state.socket_id == id && state.socket.is_some();
            if current {
                state.socket = None;
            }
            current
        });
        if current != Some(true) {
            return;
        }
        if code == CLOSE_SESSION_ENDED || code == CLOSE_FORBIDDEN {
            // Retrying cannot help; the page's own requests will send the user to sign in.
            disconnect(live);
        } else {
            schedule_reconnect(live);
        }
    }

    /// A dead connection may never report `close`: hearing nothing for three heartbeats is enough.
    fn watchdog(live: LiveConnection) {
        let dead = with(live, |state| {
            let dead = state.socket.is_some() && now() - state.last_heard > state.dead_after_ms;
            if dead {
                state.socket = None;
            }
            dead
        });
        if dead == Some(true) {
            schedule_reconnect(live);
        }
    }

    fn schedule_reconnect(live: LiveConnection) {
        let online = web_sys::window().is_none_or(|window| window.navigator().on_line());
        let scheduled = with(live, |state| {
            // Nothing to resume (disconnected on purpose): stay down.
            state.wanted.as_ref()?;
            let stable = state
                .opened_at
                .is_some_and(|opened| now() - opened >= STABLE_AFTER.as_secs_f64() * 1000.0);
            if stable {
                state.attempt = 0;
            }
            state.attempt = state.attempt.saturating_add(1);
            state.opened_at = None;
            state.resume_pending = true;
            let delay = backoff(state.attempt, js_sys::Math::random(), RECONNECT_BASE, RECONNECT_CAP);
            if let Some(retry) = state.retry.take() {
                retry.clear();
            }
            state.retry = set_timeout_with_handle(move || connect(live), delay).ok();
            Some((state.attempt, delay))
        });
        if let Some(Some((attempt, next_retry_in))) = scheduled {
            set_status(
                live,
                if online {
                    LiveStatus::Reconnecting { attempt, next_retry_in }
                } else {
                    LiveStatus::Offline
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_full_jitter_under_a_doubling_capped_ceiling() {
        let (base, cap) = (RECONNECT_BASE, RECONNECT_CAP);
        assert_eq!(backoff(1, 0.0, base, cap), Duration::ZERO);
        assert_eq!(backoff(1, 0.5, base, cap), Duration::from_millis(250));
        assert_eq!(backoff(3, 0.5, base, cap), Duration::from_secs(1));
        assert_eq!(
            backoff(7, 0.999_999, base, cap).as_secs(),
            29,
            "ceiling 32 s is capped at 30 s"
        );
        assert_eq!(backoff(u32::MAX, 0.5, base, cap), Duration::from_secs(15));
        assert!(backoff(5, 1.0, base, cap) <= Duration::from_secs(8));
    }

    #[test]
    fn status_names_match_the_indicator_contract() {
        assert_eq!(LiveStatus::Live.state(), "live");
        assert_eq!(LiveStatus::Live.label(), "Live");
        assert_eq!(
            LiveStatus::Reconnecting {
                attempt: 2,
                next_retry_in: Duration::from_secs(1)
            }
            .label(),
            "Reconnecting…"
        );
        assert_eq!(LiveStatus::Offline.label(), "Offline");
    }
}
