//! Shared app state: the loaded dataset, the load status, and the URL query that holds every
//! setting a user makes (so a link reproduces the view).

use crate::api::{self, ApiError, Dataset};
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
}

impl AppState {
    pub fn new() -> Self {
        AppState {
            dataset: RwSignal::new(None),
            status: RwSignal::new(LoadStatus::Idle),
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
        self.status.set(LoadStatus::Loading(label));
        spawn_local(async move {
            let result = match source {
                Source::Url(url) => api::fetch_snapshot(url).await,
                Source::File(file) => api::read_file(file).await,
                Source::Paste(text) => api::parse_pasted(&text),
            };
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
