//! tierlens in the browser: a thin Leptos shell over `tierlens-core`.
//!
//! - [`api`]: every way a snapshot arrives (URL via gloo-net, file, paste).
//! - [`state`]: the loaded dataset, load status and the URL query that holds user settings.
//! - [`routes`]: one view per file (overview, topic drill-down, what-if).
//! - [`components`]: small shared pieces (load panel, status banner, numbers).
//! - [`charts`]: the ECharts component; options come from the pure `tierlens-charts` crate.
//! - [`embed`]: the postMessage API for host pages (protocol in `tierlens-embed`).

pub mod api;
pub mod charts;
pub mod components;
pub mod derived;
pub mod download;
pub mod embed;
pub mod leaks;
pub mod perf;
pub mod routes;
pub mod state;

use leptos::prelude::*;
use leptos_router::components::Router;

use components::{LoadPanel, StatusBanner};
use derived::Derived;
use state::{
    apply_theme, embed_mode, query, AppState, LoadStatus, Settings, Source, DEMO_SNAPSHOT,
};

/// The whole app. There is no path routing: the bundle may be served under any path (admin
/// portals, iframes), so the view is chosen by the URL query alone.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Shell />
        </Router>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    let settings = Settings::from_url();
    provide_context(settings);
    let derived = Derived::new(state, settings);
    provide_context(derived);
    let leaks_state = leaks::LeaksState::new(state.credentials);
    provide_context(leaks_state);
    leaks::install(leaks_state, settings, derived);
    // `embed=1`: inside a host page's iframe, without the header and the load panel.
    let embedded = embed_mode();
    if embedded {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.class_list().add_1("embed");
        }
    }
    embed::install(state, settings);

    // `?snapshot=` names the snapshot URL; without it the bundled demo is shown.
    let (snapshot_url, _) = query::<String>("snapshot");
    Effect::new(move |_| {
        let url = snapshot_url
            .get()
            .unwrap_or_else(|| DEMO_SNAPSHOT.to_string());
        state.load(Source::Url(url));
    });
    // `?refresh=5m`: the snapshot URL is fetched again at that interval (a scheduled
    // `tierlens collect` rewriting it), while the page still shows that URL's snapshot and no
    // load is in flight. The what-ifs live in the URL, so a refresh keeps them; a failed refresh
    // keeps the snapshot shown and says why.
    let (refresh, _) = query::<String>("refresh");
    let refresh_ms = Memo::new(move |_| refresh.get().map(|r| parse_refresh(&r)));
    provide_context(RefreshEvery(refresh_ms));
    Effect::new(move |_| {
        let Some(Ok(ms)) = refresh_ms.get() else {
            return;
        };
        let tick = move || {
            let url = snapshot_url
                .get_untracked()
                .unwrap_or_else(|| DEMO_SNAPSHOT.to_string());
            let showing = state
                .dataset
                .with_untracked(|d| d.as_ref().is_some_and(|d| d.origin == url));
            let busy = matches!(state.status.get_untracked(), LoadStatus::Loading(_));
            if showing && !busy {
                state.load(Source::Url(url));
            }
        };
        if let Ok(handle) =
            set_interval_with_handle(tick, std::time::Duration::from_millis(ms as u64))
        {
            on_cleanup(move || handle.clear());
        }
    });
    // Each newly loaded snapshot's totals on screen: the benchmark's load time.
    let derived = expect_context::<Derived>();
    Effect::new(move |_| {
        if derived.sizes.with(|s| s.is_some()) {
            perf::mark_after_paint("tierlens:totals");
        }
    });

    let header =
        move || {
            (!embedded).then(|| view! {
        <header class="topbar">
            <h1>
                <span class="logo" aria-hidden="true">"◧"</span>
                " tierlens"
            </h1>
            <span class="subtitle">"Kafka tiered storage: remote log size and retention"</span>
            {move || {
                state
                    .dataset
                    .get()
                    .map(|ds| {
                        let s = &ds.snapshot;
                        let cluster = s.cluster.clone().unwrap_or_else(|| "cluster".into());
                        view! {
                            <span class="dataset" title=ds.origin.clone()>
                                <strong>{cluster}</strong>
                                " · "
                                {ds.origin.clone()}
                                <RefreshBadge />
                            </span>
                        }
                    })
            }}
        </header>
        })
        };

    view! {
        {header}
        <main>
            <StatusBanner />
            // Charts take their palette when drawn: a new theme redraws the views.
            {move || {
                apply_theme(settings.theme.0.get().as_deref());
                view! { <routes::Dashboard /> }
            }}
            {(!embedded).then(|| view! { <LoadPanel /> })}
        </main>
    }
}

/// The snapshot refresh interval of `?refresh=` (or why the value was not taken).
#[derive(Clone, Copy)]
struct RefreshEvery(Memo<Option<Result<i64, String>>>);

/// Shortest refresh interval: a dashboard polling faster than this only loads the server.
const MIN_REFRESH_MS: i64 = 5_000;

/// `refresh=` as an interval in milliseconds: a duration (`30s`, `5m`, `1h`), at least 5 s.
fn parse_refresh(value: &str) -> Result<i64, String> {
    match tierlens_core::units::parse_duration_ms(value.trim()) {
        Ok(ms) if ms >= MIN_REFRESH_MS => Ok(ms),
        Ok(_) => Err(format!("refresh={value}: at least 5s")),
        Err(e) => Err(format!("refresh: {e}")),
    }
}

/// "↻ 5m · captured 2026-12-03 14:02:31 UTC" beside the dataset while refreshing (the time of the snapshot's
/// capture), or why `refresh=` was not taken.
#[component]
fn RefreshBadge() -> impl IntoView {
    let RefreshEvery(every) = expect_context::<RefreshEvery>();
    let state = expect_context::<AppState>();
    move || match every.get() {
        None => None,
        Some(Ok(ms)) => {
            let captured = state.dataset.with(|d| {
                d.as_ref()
                    .map(|d| tierlens_core::units::format_timestamp_utc(d.snapshot.captured_at_ms))
            });
            Some(
                view! {
                    <span class="refresh" data-testid="refresh" data-every-ms=ms.to_string()>
                        {format!(
                            " · ↻ {} · captured {}",
                            tierlens_core::units::format_duration_ms(ms),
                            captured.unwrap_or_default(),
                        )}
                    </span>
                }
                .into_any(),
            )
        }
        Some(Err(why)) => Some(
            view! {
                <span class="refresh refresh-bad" data-testid="refresh">{format!(" · {why}")}</span>
            }
            .into_any(),
        ),
    }
}
