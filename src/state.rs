//! Shared app state: the loaded dataset, the load status, and the URL query that holds every
//! setting a user makes (so a link reproduces the view).

use crate::api::{self, ApiError, Cancel, Dataset, LoadProgress};
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
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub dataset: RwSignal<Option<Arc<Dataset>>>,
    pub status: RwSignal<LoadStatus>,
    /// How far the load in flight has got (`None` when none is).
    pub progress: RwSignal<Option<LoadProgress>>,
    /// Stops the load in flight.
    cancel: StoredValue<Option<Cancel>>,
}

impl AppState {
    pub fn new() -> Self {
        AppState {
            dataset: RwSignal::new(None),
            status: RwSignal::new(LoadStatus::Idle),
            progress: RwSignal::new(None),
            cancel: StoredValue::new(None),
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
        let label = match &source {
            Source::Url(u) => u.clone(),
            Source::File(f) => f.name(),
            Source::Paste(_) => "pasted text".to_string(),
        };
        // A new load replaces one still in flight.
        self.cancel_load();
        let cancel = Cancel::default();
        let mine = cancel.clone();
        self.cancel.set_value(Some(cancel.clone()));
        self.status.set(LoadStatus::Loading(label));
        self.progress.set(None);
        let progress = move |p| self.progress.set(Some(p));
        spawn_local(async move {
            let result = match source {
                Source::Url(url) => api::fetch_snapshot(url, progress, cancel).await,
                Source::File(file) => api::read_file(file, progress, cancel).await,
                Source::Paste(text) => api::parse_pasted(&text),
            };
            // A load superseded by a newer one says nothing.
            if !self
                .cancel
                .with_value(|c| c.as_ref().is_some_and(|c| c.same(&mine)))
            {
                return;
            }
            self.progress.set(None);
            match result {
                Ok(ds) => {
                    self.dataset.set(Some(ds));
                    self.status.set(LoadStatus::Idle);
                }
                Err(e) => self.status.set(LoadStatus::Failed(e)),
            }
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
/// `axis` and `utc`).
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
        for key in ConfigKey::ALL {
            self.config(key).1.set(None);
        }
    }
}

use tierlens_core::ConfigKey;

/// Whether the user prefers a dark colour scheme (charts pick their palette from it; the page
/// itself follows `prefers-color-scheme` in CSS).
pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .map(|m| m.matches())
        .unwrap_or(false)
}
