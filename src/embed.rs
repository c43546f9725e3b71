//! The browser half of the embedding API (`docs/embed-api.md`): a `message` listener that
//! hands messages from allowed origins to the pure protocol in `tierlens-embed`, runs them
//! against the page's state, and answers with `postMessage(reply, origin)` to the sender only.
//!
//! Messages from origins outside the allow-list are counted and dropped before their data is
//! looked at. The counters are on `window.__tierlensEmbed` (for tests) and in the reply to a
//! `status` request.

use crate::api::{ApiError, Dataset};
use crate::state::{url_param_all, AppState, LoadStatus, Settings, Source};
use leptos::prelude::*;
use serde_json::json;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;
use tierlens_embed::compute::resolve;
use tierlens_embed::message::{LoadSource, PlanRequest, PolicySpec};
use tierlens_embed::{
    dataset_info, plan_result, summary, AllowList, EmbedError, ErrorCode, Event, Id, Parsed,
    PlanResult, Reply, Request, SettingsPatch, SettingsState, PROTOCOL,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Host origins allowed by the build: `TIERLENS_EMBED_ORIGINS` (comma-separated) in the
/// environment of `trunk build`.
const BUILD_ORIGINS: Option<&str> = option_env!("TIERLENS_EMBED_ORIGINS");
/// `TIERLENS_EMBED_URL_ORIGINS=0` at build time: the `allowOrigin` URL parameter is ignored,
/// so only the build's list can drive the page.
const URL_ORIGINS: Option<&str> = option_env!("TIERLENS_EMBED_URL_ORIGINS");

/// The window that last sent a valid request (or the parent that was told `ready`), and its
/// origin: events go there.
struct Host {
    window: web_sys::Window,
    origin: String,
}

struct Embed {
    allow: AllowList,
    state: AppState,
    settings: Settings,
    /// Messages dropped because of their origin.
    ignored: Cell<u64>,
    /// Requests answered (errors included).
    handled: Cell<u64>,
    last_ignored_origin: RefCell<Option<String>>,
    host: RefCell<Option<Host>>,
    /// The settings the last host request set: a change to exactly these is the host's.
    host_settings: RefCell<Option<SettingsState>>,
    /// `window.__tierlensEmbed`.
    hook: js_sys::Object,
}

/// Starts listening for host messages; tells an allowed parent `ready`.
pub fn install(state: AppState, settings: Settings) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let url_values = if URL_ORIGINS == Some("0") {
        Vec::new()
    } else {
        url_param_all("allowOrigin")
    };
    let (allow, errors) = AllowList::from_values(
        BUILD_ORIGINS
            .into_iter()
            .chain(url_values.iter().map(String::as_str)),
    );
    for e in &errors {
        web_sys::console::warn_1(&format!("tierlens: allowOrigin {e}").into());
    }
    let hook = js_sys::Object::new();
    let origins = js_sys::Array::new();
    for o in allow.origins() {
        origins.push(&JsValue::from_str(o));
    }
    set(&hook, "allowOrigins", &origins);
    set(&hook, "protocol", &JsValue::from(PROTOCOL));
    let _ = js_sys::Reflect::set(&window, &"__tierlensEmbed".into(), &hook);
    let embed = Rc::new(Embed {
        allow,
        state,
        settings,
        ignored: Cell::new(0),
        handled: Cell::new(0),
        last_ignored_origin: RefCell::new(None),
        host: RefCell::new(None),
        host_settings: RefCell::new(None),
        hook,
    });
    embed.publish();

    let listener = {
        let embed = embed.clone();
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            on_message(&embed, ev)
        })
    };
    let _ = window.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    // The page lives as long as the listener: it is never removed.
    listener.forget();

    watch_settings(embed.clone());
    say_ready(&embed, &window);
}

fn set(obj: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str(key), value);
}

impl Embed {
    /// Updates `window.__tierlensEmbed`.
    fn publish(&self) {
        set(
            &self.hook,
            "ignored",
            &JsValue::from(self.ignored.get() as f64),
        );
        set(
            &self.hook,
            "handled",
            &JsValue::from(self.handled.get() as f64),
        );
        let last = self.last_ignored_origin.borrow();
        set(
            &self.hook,
            "lastIgnoredOrigin",
            &last
                .as_deref()
                .map(JsValue::from_str)
                .unwrap_or(JsValue::NULL),
        );
        let host = self.host.borrow();
        set(
            &self.hook,
            "host",
            &host
                .as_ref()
                .map(|h| JsValue::from_str(&h.origin))
                .unwrap_or(JsValue::NULL),
        );
    }

    /// Posts `json` to `target`, readable only by a document of `origin`.
    fn post(&self, target: &web_sys::Window, origin: &str, json: &str) {
        if let Ok(msg) = js_sys::JSON::parse(json) {
            let _ = target.post_message(&msg, origin);
        }
    }

    fn event(&self, name: &str, data: &serde_json::Value) {
        let host = self.host.borrow();
        if let (Some(h), Some(json)) = (host.as_ref(), Event::encode(name, data)) {
            self.post(&h.window, &h.origin, &json);
        }
    }

    fn status(&self) -> serde_json::Value {
        let (loading, last_error) = match self.state.status.get_untracked() {
            LoadStatus::Idle => (None, None),
            LoadStatus::Loading(what) => (Some(what), None),
            LoadStatus::Failed(e) => (None, Some(load_error(&e))),
        };
        json!({
            "protocol": PROTOCOL,
            "dataset": self.state.dataset.get_untracked().map(|d| info(&d)),
            "loading": loading,
            "lastError": last_error,
            "settings": current(self.settings),
            "ignoredMessages": self.ignored.get(),
            "handledMessages": self.handled.get(),
            "allowOrigins": self.allow.origins(),
        })
    }

    /// Sets the page's settings to `new`, remembering them as the host's.
    fn apply(&self, old: &SettingsState, new: SettingsState) {
        write(self.settings, old, &new);
        // No change, no event to attribute.
        *self.host_settings.borrow_mut() = (new != *old).then_some(new);
    }
}

fn info(d: &Dataset) -> tierlens_embed::DatasetInfo {
    dataset_info(&d.snapshot, &d.origin, d.problems.len())
}

fn on_message(embed: &Rc<Embed>, ev: web_sys::MessageEvent) {
    let origin = ev.origin();
    if !embed.allow.allows(&origin) {
        embed.ignored.set(embed.ignored.get() + 1);
        *embed.last_ignored_origin.borrow_mut() = Some(origin);
        embed.publish();
        return;
    }
    // A reply needs the sender's window (a `MessagePort` or a worker gets none). It may be a
    // cross-origin WindowProxy, which `instanceof Window` does not recognise.
    let Some(source) = ev.source() else { return };
    let source: web_sys::Window = source.unchecked_into();
    let data = ev.data();
    let text = match data.as_string() {
        Some(s) => s,
        None => match js_sys::JSON::stringify(&data)
            .ok()
            .and_then(|s| s.as_string())
        {
            Some(s) => s,
            // Not JSON-representable (e.g. a BigInt inside): not a tierlens message.
            None => return,
        },
    };
    match tierlens_embed::parse(&text) {
        Parsed::NotOurs => return,
        Parsed::Invalid { id, request, error } => {
            embed.post(
                &source,
                &origin,
                &Reply::err(&id, request.as_deref(), &error),
            );
        }
        Parsed::Request { id, request } => {
            *embed.host.borrow_mut() = Some(Host {
                window: source.clone(),
                origin: origin.clone(),
            });
            handle(embed, source, origin, id, request);
        }
    }
    embed.handled.set(embed.handled.get() + 1);
    embed.publish();
}

fn handle(embed: &Rc<Embed>, source: web_sys::Window, origin: String, id: Id, request: Request) {
    let kind = request.kind();
    match request {
        Request::Status => embed.post(&source, &origin, &Reply::ok(&id, kind, &embed.status())),
        Request::Settings(patch) => {
            let json = Reply::ok(&id, kind, &settings_request(embed, &patch));
            embed.post(&source, &origin, &json);
        }
        Request::Plan(req) => {
            // Serialized straight from the typed result (one serializer in the wasm).
            let json = match plan_request(embed, &req) {
                Ok(r) => Reply::ok(&id, kind, &r),
                Err(e) => Reply::err(&id, Some(kind), &e),
            };
            embed.post(&source, &origin, &json);
        }
        Request::Load(from) => {
            let source_label = format!("snapshot from {origin}");
            let src = match from {
                LoadSource::Url(url) => Source::Url(url),
                LoadSource::Text(text) => Source::Text {
                    origin: source_label,
                    text,
                },
                LoadSource::Json(raw) => Source::Text {
                    origin: source_label,
                    text: String::from(Box::<str>::from(raw)),
                },
            };
            let embed2 = embed.clone();
            embed.state.load_then(src, move |result| {
                let out = match result {
                    Ok(ds) => resolve(&ds.snapshot, &PolicySpec::default())
                        .map(|r| summary(&ds.snapshot, info(&ds), &r)),
                    Err(e) => Err(load_error(&e)),
                };
                let json = match out {
                    Ok(v) => Reply::ok(&id, kind, &v),
                    Err(e) => Reply::err(&id, Some(kind), &e),
                };
                embed2.post(&source, &origin, &json);
            });
        }
    }
}

fn settings_request(embed: &Embed, patch: &SettingsPatch) -> serde_json::Value {
    let old = current(embed.settings);
    let new = old.with_patch(patch);
    embed.apply(&old, new.clone());
    json!({ "settings": new })
}

fn plan_request(embed: &Embed, req: &PlanRequest) -> Result<PlanResult, EmbedError> {
    let ds: Arc<Dataset> = embed.state.dataset.get_untracked().ok_or_else(|| {
        EmbedError::new(
            ErrorCode::NoSnapshot,
            "no snapshot is loaded yet: send a load request first",
        )
    })?;
    let mut result = plan_result(&ds.snapshot, info(&ds), req)?;
    if req.apply {
        let old = current(embed.settings);
        if let Some(new) = old.with_policy(&req.policy) {
            embed.apply(&old, new);
            result.applied = true;
        }
    }
    Ok(result)
}

/// The page's settings now (untracked).
fn current(s: Settings) -> SettingsState {
    SettingsState {
        topic: s.topic.0.get_untracked(),
        partition: s.partition.0.get_untracked(),
        retention_ms: s.retention_ms.0.get_untracked(),
        retention_bytes: s.retention_bytes.0.get_untracked(),
        local_retention_ms: s.local_retention_ms.0.get_untracked(),
        local_retention_bytes: s.local_retention_bytes.0.get_untracked(),
        now: s.now.0.get_untracked(),
        kafka_version: s.kafka_version.0.get_untracked(),
        axis: s.axis.0.get_untracked(),
        utc: s.utc.0.get_untracked() == Some(1),
        view: s.view.0.get_untracked(),
        theme: s.theme.0.get_untracked(),
    }
}

/// Writes the settings that differ (topic first: choosing a topic clears its configs).
fn write(s: Settings, old: &SettingsState, new: &SettingsState) {
    macro_rules! put {
        ($field:ident) => {
            if new.$field != old.$field {
                s.$field.1.set(new.$field.clone());
            }
        };
    }
    put!(topic);
    put!(partition);
    put!(retention_ms);
    put!(retention_bytes);
    put!(local_retention_ms);
    put!(local_retention_bytes);
    put!(now);
    put!(kafka_version);
    put!(axis);
    put!(view);
    put!(theme);
    if new.utc != old.utc {
        s.utc.1.set(new.utc.then_some(1));
    }
}

/// Tells the host about every settings change: `settingsChanged` with the settings and
/// whether the host's own request (`"host"`) or the user (`"user"`) made it.
fn watch_settings(embed: Rc<Embed>) {
    let s = embed.settings;
    let last = RefCell::new(None::<SettingsState>);
    Effect::new(move |_| {
        s.topic.0.track();
        s.partition.0.track();
        s.retention_ms.0.track();
        s.retention_bytes.0.track();
        s.local_retention_ms.0.track();
        s.local_retention_bytes.0.track();
        s.now.0.track();
        s.kafka_version.0.track();
        s.axis.0.track();
        s.utc.0.track();
        s.view.0.track();
        s.theme.0.track();
        let now = current(s);
        let previous = last.borrow_mut().replace(now.clone());
        if previous.is_none() || previous.as_ref() == Some(&now) {
            return;
        }
        let by_host = embed.host_settings.borrow().as_ref() == Some(&now);
        if by_host {
            *embed.host_settings.borrow_mut() = None;
        }
        embed.event(
            "settingsChanged",
            &json!({ "settings": now, "source": if by_host { "host" } else { "user" } }),
        );
    });
}

/// The parent's origin, when the browser tells (`location.ancestorOrigins`, else the
/// referrer's origin).
fn parent_origin(window: &web_sys::Window) -> Option<String> {
    let location = window.location();
    let ancestors = js_sys::Reflect::get(&location, &"ancestorOrigins".into()).ok();
    if let Some(list) = ancestors.and_then(|a| a.dyn_into::<web_sys::DomStringList>().ok()) {
        return list.item(0);
    }
    let referrer = window.document()?.referrer();
    web_sys::Url::new(&referrer).ok().map(|u| u.origin())
}

/// In an iframe whose parent is an allowed origin: `ready`, and events go to the parent.
fn say_ready(embed: &Rc<Embed>, window: &web_sys::Window) {
    let Some(parent) = window.parent().ok().flatten() else {
        return;
    };
    if js_sys::Object::is(parent.as_ref(), window.as_ref()) {
        return;
    }
    let Some(origin) = parent_origin(window).filter(|o| embed.allow.allows(o)) else {
        return;
    };
    *embed.host.borrow_mut() = Some(Host {
        window: parent,
        origin,
    });
    embed.publish();
    embed.event("ready", &embed.status());
}

/// A failed load as a typed error: `load-failed` (or `cancelled`) with what happened in
/// `detail`.
fn load_error(e: &ApiError) -> EmbedError {
    let (code, detail) = match e {
        ApiError::Cancelled { origin } => (
            ErrorCode::Cancelled,
            json!({ "kind": "cancelled", "origin": origin }),
        ),
        ApiError::Status { url, status, .. } => (
            ErrorCode::LoadFailed,
            json!({ "kind": "status", "url": url, "status": status }),
        ),
        ApiError::Cors {
            url, target_origin, ..
        } => (
            ErrorCode::LoadFailed,
            json!({ "kind": "cors", "url": url, "origin": target_origin }),
        ),
        ApiError::Network { url, .. } => (
            ErrorCode::LoadFailed,
            json!({ "kind": "network", "url": url }),
        ),
        ApiError::BadUrl { url, .. } => (
            ErrorCode::LoadFailed,
            json!({ "kind": "bad-url", "url": url }),
        ),
        ApiError::File { name, .. } => (
            ErrorCode::LoadFailed,
            json!({ "kind": "file", "name": name }),
        ),
        ApiError::Load { origin, .. } => (
            ErrorCode::LoadFailed,
            json!({ "kind": "parse", "origin": origin }),
        ),
    };
    EmbedError::new(code, e.to_string()).with_detail(detail)
}
