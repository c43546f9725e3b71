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
use state::{apply_theme, embed_mode, query, AppState, Settings, Source, DEMO_SNAPSHOT};

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
