//! Shared app state: the loaded dataset, the load status, and the URL query that holds every
//! setting a user makes (so a link reproduces the view).

use crate::api::{self, ApiError, Cancel, Credentials, Dataset, LoadProgress};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::query_signal_with_options;
use leptos_router::NavigateOptions;
use std::sync::Arc;

/// The snapshot shown when the URL names none: bundled with the app, fetched relative to the
/// page so the bundle works from any path.
pub const DEMO_SNAPSHOT: &str = "demo-snapshot.json";

#[derive(Debug, Clone, PartialEq)]
pub enum LoadStatus {
    Idle,
    Loading(String),
    /// The last load failed; whatever was loaded before stays on screen.
    Failed(ApiError),
}

/// Where a snapshot comes from.
pub enum Source {
    Url(String),
    File(web_sys::File),
    Paste(String),
    /// Snapshot JSON or formatter dump text from elsewhere (a host page's message), with the
    /// name to show for it.
    Text {
        origin: String,
        text: String,
    },
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub dataset: RwSignal<Option<Arc<Dataset>>>,
    pub status: RwSignal<LoadStatus>,
    /// How far the load in flight has got (`None` when none is).
    pub progress: RwSignal<Option<LoadProgress>>,
    /// Stops the load in flight.
    cancel: StoredValue<Option<Cancel>>,
    /// Whether snapshot URLs are fetched with credentials (`credentials=include`).
    pub credentials: Credentials,
}

impl AppState {
    pub fn new() -> Self {
        AppState {
            dataset: RwSignal::new(None),
            status: RwSignal::new(LoadStatus::Idle),
            progress: RwSignal::new(None),
            cancel: StoredValue::new(None),
            credentials: Credentials::from_param(url_param("credentials").as_deref()),
        }
    }

    /// Cancels the load in flight, if any; what was shown before stays.
    pub fn cancel_load(self) {
        if let Some(c) = self.cancel.get_value() {
            c.cancel();
        }
    }

    /// Loads a snapshot. On failure the current dataset (and every setting in the URL) stays;
    /// only the status shows the error.
    pub fn load(self, source: Source) {
        self.load_then(source, |_| {});
    }

    /// [`AppState::load`], then `done` with the outcome once the page shows it (or the error).
    /// A load replaced by a newer one before it finished ends in [`ApiError::Cancelled`].
    pub fn load_then(
        self,
        source: Source,
        done: impl FnOnce(Result<Arc<Dataset>, ApiError>) + 'static,
    ) {
        let label = match &source {
            Source::Url(u) => u.clone(),
            Source::File(f) => f.name(),
            Source::Paste(_) => "pasted text".to_string(),
            Source::Text { origin, .. } => origin.clone(),
        };
        let credentials = self.credentials;
        // A new load replaces one still in flight.
        self.cancel_load();
        let cancel = Cancel::default();
        let mine = cancel.clone();
        self.cancel.set_value(Some(cancel.clone()));
        self.status.set(LoadStatus::Loading(label.clone()));
        self.progress.set(None);
        let progress = move |p| self.progress.set(Some(p));
        spawn_local(async move {
            let result = match source {
                Source::Url(url) => api::fetch_snapshot(url, credentials, progress, cancel).await,
                Source::File(file) => api::read_file(file, progress, cancel).await,
                Source::Paste(text) => api::parse_pasted(&text),
                Source::Text { origin, text } => api::parse_text(origin, &text),
            };
            // A load superseded by a newer one says nothing on the page.
            if !self
                .cancel
                .with_value(|c| c.as_ref().is_some_and(|c| c.same(&mine)))
            {
                done(Err(ApiError::Cancelled { origin: label }));
                return;
            }
            self.progress.set(None);
            match &result {
                Ok(ds) => {
                    self.dataset.set(Some(ds.clone()));
                    self.status.set(LoadStatus::Idle);
                }
                Err(e) => self.status.set(LoadStatus::Failed(e.clone())),
            }
            done(result);
        });
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

/// URL updates from controls replace the history entry (a slider must not flood "back") and
/// keep the scroll position.
pub fn url_options() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        scroll: false,
        ..Default::default()
    }
}

/// A URL query parameter as a pair of reactive getter/setter.
pub fn query<T>(key: &'static str) -> (Memo<Option<T>>, SignalSetter<Option<T>>)
where
    T: std::str::FromStr + ToString + PartialEq + Send + Sync + 'static,
{
    query_signal_with_options::<T>(key, url_options())
}

/// Every user setting, each one URL query parameter (the names are a public contract for
/// links and embedding: `topic`, `partition`, `retention.ms`, `retention.bytes`,
/// `local.retention.ms`, `local.retention.bytes`, `now`, `kafka.version`, plus the view-only
/// `axis`, `utc`, `view` and `theme`). The README lists them with the read-only parameters
/// (`snapshot`, `embed`, `allowOrigin`, `credentials`).
#[derive(Clone, Copy)]
pub struct Settings {
    pub topic: (Memo<Option<String>>, SignalSetter<Option<String>>),
    pub partition: (Memo<Option<i32>>, SignalSetter<Option<i32>>),
    pub retention_ms: (Memo<Option<i64>>, SignalSetter<Option<i64>>),
    pub retention_bytes: (Memo<Option<i64>>, SignalSetter<Option<i64>>),
    pub local_retention_ms: (Memo<Option<i64>>, SignalSetter<Option<i64>>),
    pub local_retention_bytes: (Memo<Option<i64>>, SignalSetter<Option<i64>>),
    pub now: (Memo<Option<i64>>, SignalSetter<Option<i64>>),
    pub kafka_version: (Memo<Option<String>>, SignalSetter<Option<String>>),
    /// `offset` shows the timeline on the offset axis; anything else the time axis.
    pub axis: (Memo<Option<String>>, SignalSetter<Option<String>>),
    /// `1`: dates in UTC instead of the browser's time zone.
    pub utc: (Memo<Option<u8>>, SignalSetter<Option<u8>>),
    /// `overview`, `topic`, `partition` or `forecast` (see [`tierlens_embed::View`]); without
    /// it the view follows `topic` / `partition`. Kept as text so an unknown value can be named.
    pub view: (Memo<Option<String>>, SignalSetter<Option<String>>),
    /// `light`, `dark` or `auto` (the browser's preference, the default).
    pub theme: (Memo<Option<String>>, SignalSetter<Option<String>>),
    /// The forecast's horizon, a duration (`90d`, the default; 7d … 2y).
    pub horizon: (Memo<Option<String>>, SignalSetter<Option<String>>),
    /// Prices in USD per GB-month for the forecast's cost (defaults are assumptions).
    pub price_remote: (Memo<Option<f64>>, SignalSetter<Option<f64>>),
    pub price_local: (Memo<Option<f64>>, SignalSetter<Option<f64>>),
    /// The selected topic's ingest growth in % a month, and its ingest rate in MB/s (instead
    /// of the rate estimated from the snapshot).
    pub growth: (Memo<Option<f64>>, SignalSetter<Option<f64>>),
    pub rate: (Memo<Option<f64>>, SignalSetter<Option<f64>>),
    /// The leak finder's options: the plugin's key layout (`auto`, the default, detects it),
    /// its key prefix (none: detected) and the grace window (a duration, `1h` by default).
    pub layout: (Memo<Option<String>>, SignalSetter<Option<String>>),
    pub prefix: (Memo<Option<String>>, SignalSetter<Option<String>>),
    pub grace: (Memo<Option<String>>, SignalSetter<Option<String>>),
}

impl Settings {
    pub fn from_url() -> Self {
        Settings {
            topic: query("topic"),
            partition: query("partition"),
            retention_ms: query("retention.ms"),
            retention_bytes: query("retention.bytes"),
            local_retention_ms: query("local.retention.ms"),
            local_retention_bytes: query("local.retention.bytes"),
            now: query("now"),
            kafka_version: query("kafka.version"),
            axis: query("axis"),
            utc: query("utc"),
            view: query("view"),
            theme: query("theme"),
            horizon: query("horizon"),
            price_remote: query("price.remote"),
            price_local: query("price.local"),
            growth: query("growth"),
            rate: query("rate"),
            layout: query("layout"),
            prefix: query("prefix"),
            grace: query("grace"),
        }
    }

    /// The URL pair of one retention config.
    pub fn config(&self, key: ConfigKey) -> (Memo<Option<i64>>, SignalSetter<Option<i64>>) {
        match key {
            ConfigKey::RetentionMs => self.retention_ms,
            ConfigKey::RetentionBytes => self.retention_bytes,
            ConfigKey::LocalRetentionMs => self.local_retention_ms,
            ConfigKey::LocalRetentionBytes => self.local_retention_bytes,
        }
    }

    /// Proposed configs only make sense for one topic: switching topics drops them.
    pub fn select_topic(&self, topic: Option<String>) {
        self.topic.1.set(topic);
        self.partition.1.set(None);
        self.growth.1.set(None);
        self.rate.1.set(None);
        for key in ConfigKey::ALL {
            self.config(key).1.set(None);
        }
    }
}

use tierlens_core::ConfigKey;

/// Whether the page is dark (charts pick their palette from it): `theme=dark` / `theme=light`
/// as applied to `<html data-theme>` by [`apply_theme`], else the browser's
/// `prefers-color-scheme` (which the CSS follows too).
pub fn prefers_dark() -> bool {
    let window = web_sys::window();
    let forced = window
        .as_ref()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("data-theme"));
    match forced.as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => window
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .map(|m| m.matches())
            .unwrap_or(false),
    }
}

/// Sets `<html data-theme>` from the `theme` setting (`auto` or anything unknown removes it,
/// so the CSS follows the browser).
pub fn apply_theme(theme: Option<&str>) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match theme {
        Some(t @ ("light" | "dark")) => root.set_attribute("data-theme", t),
        _ => root.remove_attribute("data-theme"),
    };
}

/// The page URL's query parameters (read once; for the parameters that are not settings).
fn url_params() -> Option<web_sys::UrlSearchParams> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()
}

/// The first value of a page URL query parameter.
pub fn url_param(name: &str) -> Option<String> {
    url_params()?.get(name)
}

/// Every value of a repeatable page URL query parameter (`allowOrigin=a&allowOrigin=b`).
pub fn url_param_all(name: &str) -> Vec<String> {
    url_params()
        .map(|p| {
            p.get_all(name)
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
        .unwrap_or_default()
}

/// `embed=1` (or `true`): the page runs inside a host page's iframe, without its own chrome.
pub fn embed_mode() -> bool {
    matches!(url_param("embed").as_deref(), Some("1" | "true"))
}
