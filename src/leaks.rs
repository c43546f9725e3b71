//! The leak finder's state and work in the browser: bucket listings read as streams (a URL,
//! files, pasted text) into the core's `ListingLoader`, and the reconciliation with the loaded
//! snapshot run in steps of ~30 ms with a yield to the event loop between them, so the tab keeps
//! painting and Cancel is heard. The view (`routes::leaks`) only shows what is here.

use crate::api::{self, ApiError, Cancel, Credentials};
use crate::derived::{Derived, Shared};
use crate::state::Settings;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use tierlens_core::leaks::layout::Layout;
use tierlens_core::leaks::listing::{Listing, ListingError, ListingLoader};
use tierlens_core::leaks::reconcile::{
    Class, ReconcileError, ReconcileOptions, ReconcileProgress, Reconciler, Reconciliation,
    DEFAULT_GRACE_MS,
};
use tierlens_core::units::parse_duration_ms;
use tierlens_core::Snapshot;

/// One or more listings read and merged (objects in the order read).
#[derive(Debug)]
pub struct LoadedListing {
    /// A URL, file names, or "pasted listing".
    pub origin: String,
    pub listing: Listing,
    /// The format of each input, in order.
    pub formats: Vec<&'static str>,
}

/// Why a listing could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ListingLoadError {
    /// Fetching or reading failed (HTTP status, CORS, network, file).
    #[error(transparent)]
    Fetch(#[from] ApiError),
    #[error("{origin}: {source}{}", if matches!(source, ListingError::TooLarge { .. }) { " (the page's limit is set by maxInput= in its URL, e.g. maxInput=4GiB)" } else { "" })]
    Listing {
        origin: String,
        #[source]
        source: ListingError,
    },
    #[error("loading {origin} was cancelled")]
    Cancelled { origin: String },
}

/// How far a listing load has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListingProgress {
    /// Bytes received (compressed, if the input is gzip), over every file so far.
    pub received: u64,
    pub total: Option<u64>,
    pub objects: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ListingStatus {
    Idle,
    Loading(String),
    /// The last load failed; the listing and results shown before stay.
    Failed(ListingLoadError),
}

/// Where a listing comes from.
pub enum ListingSource {
    Url(String),
    Files(Vec<web_sys::File>),
    Paste(String),
}

/// What a reconciliation was run with: a new value reruns it.
#[derive(Debug, Clone, PartialEq)]
pub struct LeakInputs {
    pub snapshot: Shared<Snapshot>,
    pub listing: Shared<LoadedListing>,
    pub options: ReconcileOptions,
}

/// A finished reconciliation and everything the view lists from it.
#[derive(Debug)]
pub struct LeakResult {
    pub inputs: LeakInputs,
    pub reconciliation: Reconciliation,
    /// Indices of the objects not ok, in listing order.
    pub not_ok: Vec<u32>,
    /// How long the reconciliation took (ms, yields included).
    pub elapsed_ms: f64,
}

impl PartialEq for LeakResult {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RunStatus {
    Idle,
    Running(ReconcileProgress),
    Failed(ReconcileError),
}

/// The leak finder's state, shared by the page (it outlives a switch to another view).
#[derive(Clone, Copy)]
pub struct LeaksState {
    pub listing: RwSignal<Option<Shared<LoadedListing>>>,
    pub status: RwSignal<ListingStatus>,
    pub progress: RwSignal<Option<ListingProgress>>,
    cancel: StoredValue<Option<Cancel>>,
    pub result: RwSignal<Option<Arc<LeakResult>>>,
    pub run: RwSignal<RunStatus>,
    run_cancel: StoredValue<Option<(Cancel, LeakInputs)>>,
    pub credentials: Credentials,
}

impl LeaksState {
    pub fn new(credentials: Credentials) -> Self {
        LeaksState {
            listing: RwSignal::new(None),
            status: RwSignal::new(ListingStatus::Idle),
            progress: RwSignal::new(None),
            cancel: StoredValue::new(None),
            result: RwSignal::new(None),
            run: RwSignal::new(RunStatus::Idle),
            run_cancel: StoredValue::new(None),
            credentials,
        }
    }

    /// Stops the listing load in flight; what was shown stays.
    pub fn cancel_load(self) {
        if let Some(c) = self.cancel.get_value() {
            c.cancel();
        }
    }

    /// Loads a listing. On failure the previous listing and results stay.
    pub fn load(self, source: ListingSource) {
        let label = match &source {
            ListingSource::Url(u) => u.clone(),
            ListingSource::Files(f) => f.iter().map(|f| f.name()).collect::<Vec<_>>().join(", "),
            ListingSource::Paste(_) => "pasted listing".to_string(),
        };
        self.cancel_load();
        let cancel = Cancel::default();
        let mine = cancel.clone();
        self.cancel.set_value(Some(cancel.clone()));
        self.status.set(ListingStatus::Loading(label.clone()));
        self.progress.set(None);
        let credentials = self.credentials;
        let progress = move |p| self.progress.set(Some(p));
        spawn_local(async move {
            let result = match source {
                ListingSource::Url(url) => fetch_listing(url, credentials, progress, cancel).await,
                ListingSource::Files(files) => read_files(files, progress, cancel).await,
                ListingSource::Paste(text) => {
                    read_chunks_of(label.clone(), text.into_bytes(), progress, cancel).await
                }
            };
            if !self
                .cancel
                .with_value(|c| c.as_ref().is_some_and(|c| c.same(&mine)))
            {
                return;
            }
            self.progress.set(None);
            match result {
                Ok(l) => {
                    self.listing.set(Some(Shared(Arc::new(l))));
                    self.status.set(ListingStatus::Idle);
                }
                Err(e) => self.status.set(ListingStatus::Failed(e)),
            }
        });
    }

    /// Cancels the reconciliation in flight (the results shown stay).
    pub fn cancel_run(self) {
        if let Some((c, _)) = self.run_cancel.get_value() {
            c.cancel();
        }
        self.run_cancel.set_value(None);
        if matches!(self.run.get_untracked(), RunStatus::Running(_)) {
            self.run.set(RunStatus::Idle);
        }
    }

    /// Reconciles `inputs` unless they are the ones shown or being run.
    pub fn reconcile(self, inputs: LeakInputs) {
        let shown = self
            .result
            .with_untracked(|r| r.as_ref().is_some_and(|r| r.inputs == inputs));
        let running = self
            .run_cancel
            .with_value(|c| c.as_ref().is_some_and(|(_, i)| *i == inputs));
        if shown || running {
            return;
        }
        if let Some((c, _)) = self.run_cancel.get_value() {
            c.cancel();
        }
        let cancel = Cancel::default();
        self.run_cancel
            .set_value(Some((cancel.clone(), inputs.clone())));
        spawn_local(async move {
            let outcome = run_reconcile(inputs, &cancel, |p| {
                self.run.set(RunStatus::Running(p));
            })
            .await;
            if cancel.is_cancelled() {
                return;
            }
            self.run_cancel.set_value(None);
            match outcome {
                Ok(None) => {}
                Ok(Some(r)) => {
                    crate::perf::phase("leaks-render", || self.result.set(Some(Arc::new(r))));
                    self.run.set(RunStatus::Idle);
                }
                Err(e) => self.run.set(RunStatus::Failed(e)),
            }
        });
    }
}

/// Work between two yields to the event loop: a frame or two, never a frozen tab.
const SLICE_MS: f64 = 30.0;
/// Items per `Reconciler::step` call; the slice ends once its time is up.
const STEP_ITEMS: usize = 8192;

async fn run_reconcile(
    inputs: LeakInputs,
    cancel: &Cancel,
    progress: impl Fn(ReconcileProgress),
) -> Result<Option<LeakResult>, ReconcileError> {
    let started = api::now_ms();
    let snap = inputs.snapshot.0.clone();
    let listing = inputs.listing.0.clone();
    let objects = &listing.listing.objects;
    progress(ReconcileProgress {
        done: 0,
        total: 1,
        stage: "indexing the snapshot's segments",
    });
    api::yield_to_event_loop().await;
    let mut rec = Reconciler::new(&snap, objects, inputs.options.clone())?;
    loop {
        let slice = api::now_ms();
        while !rec.is_done() && api::now_ms() - slice < SLICE_MS {
            rec.step(STEP_ITEMS);
        }
        progress(rec.progress());
        if rec.is_done() {
            break;
        }
        api::yield_to_event_loop().await;
        if cancel.is_cancelled() {
            return Ok(None);
        }
    }
    progress(ReconcileProgress {
        done: 1,
        total: 1,
        stage: "totals per class and topic",
    });
    api::yield_to_event_loop().await;
    let reconciliation = crate::perf::phase("leaks-finish", || rec.finish());
    // The objects not ok, a slice at a time: millions of objects are read here.
    let n = reconciliation.object_why.len();
    let mut not_ok = Vec::new();
    let mut i = 0;
    while i < n {
        let slice = api::now_ms();
        api::yield_to_event_loop().await;
        if cancel.is_cancelled() {
            return Ok(None);
        }
        while i < n && api::now_ms() - slice < SLICE_MS {
            let end = (i + 65_536).min(n);
            not_ok.extend(
                (i..end)
                    .filter(|&k| reconciliation.object_class(k) != Class::Ok)
                    .map(|k| k as u32),
            );
            i = end;
        }
    }
    api::yield_to_event_loop().await;
    Ok(Some(LeakResult {
        inputs,
        reconciliation,
        not_ok,
        elapsed_ms: api::now_ms() - started,
    }))
}

async fn fetch_listing(
    url: String,
    credentials: Credentials,
    progress: impl Fn(ListingProgress),
    cancel: Cancel,
) -> Result<LoadedListing, ListingLoadError> {
    let (body, total) = api::open_url(&url, credentials).await?;
    let listing =
        read_listing_stream(&url, body, total, 0, api::input_limit(), &progress, &cancel).await?;
    Ok(loaded(url, vec![listing]))
}

/// Reads each file in turn (each its own listing) and merges them.
async fn read_files(
    files: Vec<web_sys::File>,
    progress: impl Fn(ListingProgress),
    cancel: Cancel,
) -> Result<LoadedListing, ListingLoadError> {
    let total: u64 = files.iter().map(|f| f.size() as u64).sum();
    let mut listings = Vec::new();
    let mut before = 0u64;
    let mut held = 0u64;
    let names: Vec<String> = files.iter().map(|f| f.name()).collect();
    for file in files {
        let name = file.name();
        let size = file.size() as u64;
        let limit = api::input_limit().saturating_sub(held);
        let l = read_listing_stream(
            &name,
            file.stream(),
            Some(total),
            before,
            limit,
            &progress,
            &cancel,
        )
        .await?;
        held += l.objects.held_bytes();
        before += size;
        listings.push(l);
    }
    Ok(loaded(names.join(", "), listings))
}

/// Pasted text, fed in 1 MiB pieces with the same yields as a download.
async fn read_chunks_of(
    origin: String,
    bytes: Vec<u8>,
    progress: impl Fn(ListingProgress),
    cancel: Cancel,
) -> Result<LoadedListing, ListingLoadError> {
    let mut loader = ListingLoader::with_limit(api::input_limit());
    let total = bytes.len() as u64;
    let mut since_yield = api::now_ms();
    for (k, chunk) in bytes.chunks(1 << 20).enumerate() {
        if cancel.is_cancelled() {
            return Err(ListingLoadError::Cancelled { origin });
        }
        loader
            .feed(chunk)
            .map_err(|source| ListingLoadError::Listing {
                origin: origin.clone(),
                source,
            })?;
        if api::now_ms() - since_yield > SLICE_MS {
            progress(ListingProgress {
                received: ((k + 1) << 20) as u64,
                total: Some(total),
                objects: loader.progress().objects,
            });
            api::yield_to_event_loop().await;
            since_yield = api::now_ms();
        }
    }
    let listing = loader
        .finish()
        .map_err(|source| ListingLoadError::Listing {
            origin: origin.clone(),
            source,
        })?;
    Ok(loaded(origin, vec![listing]))
}

fn loaded(origin: String, listings: Vec<Listing>) -> LoadedListing {
    let mut formats = Vec::new();
    let mut all: Option<Listing> = None;
    for l in listings {
        formats.push(l.format.label());
        match &mut all {
            None => all = Some(l),
            Some(all) => all.merge(l),
        }
    }
    LoadedListing {
        origin,
        listing: all.expect("at least one listing"),
        formats,
    }
}

/// Feeds a byte stream to a [`ListingLoader`] through [`api::pump_stream`]. `before`: bytes
/// of earlier files, for the progress.
async fn read_listing_stream(
    origin: &str,
    stream: web_sys::ReadableStream,
    total: Option<u64>,
    before: u64,
    limit: u64,
    progress: &impl Fn(ListingProgress),
    cancel: &Cancel,
) -> Result<Listing, ListingLoadError> {
    let mut loader = ListingLoader::with_limit(limit);
    let pumped = api::pump_stream(stream, cancel, |chunk, received, report| {
        loader.feed(chunk)?;
        if report {
            progress(ListingProgress {
                received: before + received,
                total,
                objects: loader.progress().objects,
            });
        }
        Ok(())
    })
    .await;
    let listing_error = |source| ListingLoadError::Listing {
        origin: origin.to_string(),
        source,
    };
    match pumped {
        Ok(_) => {}
        Err(api::PumpStop::Cancelled) => {
            return Err(ListingLoadError::Cancelled {
                origin: origin.to_string(),
            })
        }
        Err(api::PumpStop::Read(e)) => {
            return Err(ListingLoadError::Fetch(ApiError::File {
                name: origin.to_string(),
                message: api::js_message(&e),
            }))
        }
        Err(api::PumpStop::Chunk(source)) => return Err(listing_error(source)),
    }
    loader.finish().map_err(listing_error)
}

/// The layout chosen in the URL (`layout=`; `auto` or anything unknown: detected).
pub fn layout_of(setting: Option<&str>) -> Option<Layout> {
    setting.and_then(Layout::from_name)
}

/// The grace window from `grace=` (a duration such as `1h` or `30m`; none: 1 hour), as the
/// CLI's `--grace` reads it.
pub fn grace_ms(setting: Option<&str>) -> Result<i64, String> {
    let Some(s) = setting.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(DEFAULT_GRACE_MS);
    };
    if s.starts_with('-') {
        return Err(format!("{s:?}: the grace window cannot be negative"));
    }
    match parse_duration_ms(s) {
        Ok(ms) if ms >= 0 => Ok(ms),
        Ok(_) => Err(format!("{s:?}: the grace window cannot be negative")),
        Err(e) => Err(e.to_string()),
    }
}

/// Wires the leak finder to the page: `listing=` loads a listing (and again when it changes),
/// and the loaded snapshot, the listing and the options (`layout`, `prefix`, `grace`,
/// `price.remote`, the profile and `now`) rerun the reconciliation whenever one changes.
pub fn install(state: LeaksState, settings: Settings, derived: Derived) {
    let (listing_url, _) = crate::state::query::<String>("listing");
    Effect::new(move |_| {
        if let Some(url) = listing_url.get().filter(|u| !u.trim().is_empty()) {
            state.load(ListingSource::Url(url));
        }
    });
    let options = Memo::new(move |_| {
        let mut o = ReconcileOptions::new(derived.now_ms.get(), derived.profile.get().profile);
        o.layout = layout_of(settings.layout.0.get().as_deref());
        o.prefix = settings.prefix.0.get().filter(|p| !p.is_empty());
        o.grace_ms = grace_ms(settings.grace.0.get().as_deref()).unwrap_or(DEFAULT_GRACE_MS);
        if let Some(p) = settings
            .price_remote
            .0
            .get()
            .filter(|p| p.is_finite() && *p >= 0.0)
        {
            o.remote_per_gb_month = p;
        }
        o
    });
    Effect::new(move |_| {
        let (Some(snapshot), Some(listing)) = (derived.snapshot.get(), state.listing.get()) else {
            return;
        };
        state.reconcile(LeakInputs {
            snapshot,
            listing,
            options: options.get(),
        });
    });
}

/// Every object not ok as CSV, one row per object in listing order (the CLI's `objects`).
pub fn objects_csv(r: &LeakResult) -> String {
    tierlens_core::export::leaks_csv(
        &r.inputs.snapshot,
        &r.reconciliation,
        &r.inputs.listing.listing.objects,
        r.not_ok.iter().map(|&i| i as usize),
    )
}

/// The orphan objects for review: the CLI's `--deletion-list`.
pub fn deletion_list(r: &LeakResult) -> String {
    let listing = &r.inputs.listing.listing;
    tierlens_core::export::deletion_list(
        &r.reconciliation,
        &listing.objects,
        listing.format,
        listing.bucket.as_deref(),
    )
}
