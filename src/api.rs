//! Every way a snapshot reaches the app: a URL (gloo-net), a chosen file, pasted text.
//! URL bodies and files are read as streams and parsed chunk by chunk as they arrive, so the
//! whole input is never held and the page stays responsive; nothing here touches the DOM tree.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tierlens_core::ingest::{load_with_limit, DEFAULT_MAX_HELD_BYTES};
use tierlens_core::{LoadError, Loaded, Problem, Snapshot, StreamLoader};

/// How much memory one load may hold: `maxInput=` in the page URL (a size such as `512MiB`
/// or `4GiB`; `-1` for no limit), else the core's default (2 GiB). Beyond it the load stops
/// with a message naming the limit, and what was shown stays.
pub fn input_limit() -> u64 {
    static LIMIT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        match crate::state::url_param("maxInput").map(|v| tierlens_core::units::parse_bytes(&v)) {
            Some(Ok(-1)) => u64::MAX,
            Some(Ok(n)) if n > 0 => n as u64,
            _ => DEFAULT_MAX_HELD_BYTES,
        }
    })
}
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A loaded snapshot together with where it came from. The snapshot is shared (never copied)
/// with everything computed from it: it can be hundreds of megabytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// What the user loaded: a URL, a file name or "pasted text".
    pub origin: String,
    pub snapshot: Arc<Snapshot>,
    /// What was wrong with parts of the input (the rest was read).
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("{url} is not a URL the browser can fetch: {message}")]
    BadUrl { url: String, message: String },
    #[error("could not fetch {url}: {message}")]
    Network { url: String, message: String },
    /// `fetch` rejected a cross-origin request without saying why: the browser hides the cause
    /// from the page, and it is almost always CORS.
    #[error(
        "could not fetch {url}: the browser blocked the request, probably by CORS. The server \
         at {target_origin} must answer with `Access-Control-Allow-Origin: {page_origin}`{}; or \
         serve the snapshot from {page_origin}, or download it and load the file",
        if *credentials { " and `Access-Control-Allow-Credentials: true` (credentials=include is set)" } else { "" }
    )]
    Cors {
        url: String,
        page_origin: String,
        target_origin: String,
        /// The request carried credentials (`credentials=include`).
        credentials: bool,
    },
    #[error("fetching {url} failed: HTTP {status} {status_text}")]
    Status {
        url: String,
        status: u16,
        status_text: String,
    },
    #[error("could not read the file {name}: {message}")]
    File { name: String, message: String },
    #[error("{origin}: {source}{}", if matches!(source, LoadError::TooLarge { .. }) { " (the page's limit is set by maxInput= in its URL, e.g. maxInput=4GiB)" } else { "" })]
    Load {
        origin: String,
        #[source]
        source: LoadError,
    },
    #[error("loading {origin} was cancelled")]
    Cancelled { origin: String },
}

/// How far a load has got, for the progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoadProgress {
    /// Bytes received (compressed, if the input is gzip).
    pub received: u64,
    /// The size of the input, when the server or the file says.
    pub total: Option<u64>,
    pub segments: u64,
    /// All bytes are read; sizes and the plan index are being computed.
    pub computing: bool,
}

/// Stops a load in flight at its next chunk. Cloned into the load; kept by the page.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether both handles belong to the same load.
    pub fn same(&self, other: &Cancel) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

fn dataset(origin: String, loaded: Loaded) -> Arc<Dataset> {
    Arc::new(Dataset {
        origin,
        snapshot: Arc::new(loaded.snapshot),
        problems: loaded.problems,
    })
}

/// Whether a snapshot request carries the browser's credentials (cookies, HTTP auth) for the
/// snapshot's origin: only with `credentials=include` in the page URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Credentials {
    #[default]
    Omit,
    Include,
}

impl Credentials {
    /// `include` → [`Credentials::Include`]; anything else omits them.
    pub fn from_param(value: Option<&str>) -> Credentials {
        match value {
            Some("include") => Credentials::Include,
            _ => Credentials::Omit,
        }
    }
}

/// The origin of the page and of `url` resolved against it.
fn origins_of(url: &str) -> Result<(String, String), String> {
    let location = web_sys::window()
        .map(|w| w.location())
        .ok_or_else(|| "no window".to_string())?;
    let page = location.href().map_err(|e| js_message(&e))?;
    let page_origin = location.origin().map_err(|e| js_message(&e))?;
    let target = web_sys::Url::new_with_base(url, &page).map_err(|e| js_message(&e))?;
    Ok((page_origin, target.origin()))
}

/// Fetches and parses a snapshot (JSON, .json.gz or a formatter dump) from `url`, parsing the
/// body as it streams in.
pub async fn fetch_snapshot(
    url: String,
    credentials: Credentials,
    progress: impl Fn(LoadProgress),
    cancel: Cancel,
) -> Result<Arc<Dataset>, ApiError> {
    let (body, total) = open_url(&url, credentials).await?;
    read_stream(&url, body, total, progress, cancel, |e| ApiError::Network {
        url: url.clone(),
        message: js_message(&e),
    })
    .await
}

/// Requests `url` and returns its body as a stream, with its length when the server says it
/// (a snapshot or a bucket listing). HTTP errors, network errors and CORS refusals are told
/// apart as far as the browser lets the page see them.
pub(crate) async fn open_url(
    url: &str,
    credentials: Credentials,
) -> Result<(web_sys::ReadableStream, Option<u64>), ApiError> {
    let network = |message: String| ApiError::Network {
        url: url.to_string(),
        message,
    };
    let (page_origin, target_origin) = origins_of(url).map_err(|message| ApiError::BadUrl {
        url: url.to_string(),
        message,
    })?;
    let resp = gloo_net::http::Request::get(url)
        .credentials(match credentials {
            Credentials::Omit => web_sys::RequestCredentials::Omit,
            Credentials::Include => web_sys::RequestCredentials::Include,
        })
        // Revalidate with the server every time: a collector may have rewritten the file (a
        // 304 costs nothing when it has not).
        .cache(web_sys::RequestCache::NoCache)
        .send()
        .await
        .map_err(|e| match e {
            // A network failure and a CORS refusal look the same to the page (a TypeError);
            // only a cross-origin request can be refused by CORS.
            gloo_net::Error::JsError(js)
                if js.name == "TypeError" && target_origin != page_origin =>
            {
                ApiError::Cors {
                    url: url.to_string(),
                    page_origin: page_origin.clone(),
                    target_origin: target_origin.clone(),
                    credentials: credentials == Credentials::Include,
                }
            }
            other => network(other.to_string()),
        })?;
    if !resp.ok() {
        return Err(ApiError::Status {
            url: url.to_string(),
            status: resp.status(),
            status_text: resp.status_text(),
        });
    }
    // The length the server sends is of the bytes on the wire: with `Content-Encoding` the
    // browser inflates them and the count no longer matches, so there is no total then.
    let total = match resp.headers().get("content-encoding") {
        Some(_) => None,
        None => resp
            .headers()
            .get("content-length")
            .and_then(|v| v.parse().ok()),
    };
    let Some(body) = resp.body() else {
        return Err(ApiError::Load {
            origin: url.to_string(),
            source: LoadError::Empty,
        });
    };
    Ok((body, total))
}

/// Reads and parses a file the user picked, as a stream.
pub async fn read_file(
    file: web_sys::File,
    progress: impl Fn(LoadProgress),
    cancel: Cancel,
) -> Result<Arc<Dataset>, ApiError> {
    let name = file.name();
    let total = Some(file.size() as u64);
    read_stream(&name, file.stream(), total, progress, cancel, |e| {
        ApiError::File {
            name: name.clone(),
            message: js_message(&e),
        }
    })
    .await
}

/// Parses text pasted into the page.
pub fn parse_pasted(text: &str) -> Result<Arc<Dataset>, ApiError> {
    parse_text("pasted text".to_string(), text)
}

/// Parses snapshot JSON or formatter dump text that came from `origin` (pasted, or pushed by
/// a host page).
pub fn parse_text(origin: String, text: &str) -> Result<Arc<Dataset>, ApiError> {
    match load_with_limit(text.as_bytes(), input_limit()) {
        Ok(loaded) => Ok(dataset(origin, loaded)),
        Err(source) => Err(ApiError::Load { origin, source }),
    }
}

/// Why [`pump_stream`] stopped before the end of the stream.
pub enum PumpStop<E> {
    Cancelled,
    /// Reading failed (the reader is left as it is).
    Read(JsValue),
    /// `on_chunk` refused a chunk.
    Chunk(E),
}

/// Reads `stream` chunk by chunk into `on_chunk(chunk, bytes received so far, report)`.
/// Chunks already buffered resolve as microtasks, which never let the page paint: every ~30 ms
/// `report` is true (the caller shows its progress) and the event loop gets a turn, so the
/// progress bar paints and Cancel is heard. On Cancel or a refused chunk the reader is
/// cancelled. Returns the bytes read.
pub async fn pump_stream<E>(
    stream: web_sys::ReadableStream,
    cancel: &Cancel,
    mut on_chunk: impl FnMut(&[u8], u64, bool) -> Result<(), E>,
) -> Result<u64, PumpStop<E>> {
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut buf: Vec<u8> = Vec::new();
    let mut received = 0u64;
    let mut since_yield = now_ms();
    loop {
        if cancel.is_cancelled() {
            let _ = reader.cancel();
            return Err(PumpStop::Cancelled);
        }
        let result = match JsFuture::from(reader.read()).await {
            Ok(r) => r.unchecked_into::<web_sys::ReadableStreamReadResult>(),
            Err(e) => return Err(PumpStop::Read(e)),
        };
        if result.get_done().unwrap_or(false) {
            return Ok(received);
        }
        let chunk = js_sys::Uint8Array::new(&result.get_value());
        let n = chunk.length() as usize;
        buf.resize(n, 0);
        chunk.copy_to(&mut buf);
        received += n as u64;
        let report = now_ms() - since_yield > 30.0;
        if let Err(e) = on_chunk(&buf, received, report) {
            let _ = reader.cancel();
            return Err(PumpStop::Chunk(e));
        }
        if report {
            yield_to_event_loop().await;
            since_yield = now_ms();
        }
    }
}

/// Feeds a byte stream to the core's [`StreamLoader`] through [`pump_stream`].
async fn read_stream(
    origin: &str,
    stream: web_sys::ReadableStream,
    total: Option<u64>,
    progress: impl Fn(LoadProgress),
    cancel: Cancel,
    read_error: impl Fn(JsValue) -> ApiError,
) -> Result<Arc<Dataset>, ApiError> {
    let mut loader = StreamLoader::with_limit(input_limit());
    let pumped = pump_stream(stream, &cancel, |chunk, received, report| {
        loader.feed(chunk)?;
        if report {
            progress(LoadProgress {
                received,
                total,
                segments: loader.progress().segments,
                computing: false,
            });
        }
        Ok(())
    })
    .await;
    let received = match pumped {
        Ok(r) => r,
        Err(PumpStop::Cancelled) => {
            return Err(ApiError::Cancelled {
                origin: origin.to_string(),
            })
        }
        Err(PumpStop::Read(e)) => return Err(read_error(e)),
        Err(PumpStop::Chunk(source)) => {
            return Err(ApiError::Load {
                origin: origin.to_string(),
                source,
            })
        }
    };
    let segments = loader.progress().segments;
    let loaded = loader.finish().map_err(|source| ApiError::Load {
        origin: origin.to_string(),
        source,
    })?;
    progress(LoadProgress {
        received,
        total,
        segments,
        computing: true,
    });
    yield_to_event_loop().await;
    Ok(dataset(origin.to_string(), loaded))
}

pub(crate) fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Resolves in a new task (a `MessageChannel` message: unlike `setTimeout(0)`, never clamped
/// to 4 ms when repeated).
pub async fn yield_to_event_loop() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Ok(channel) = web_sys::MessageChannel::new() {
            channel.port1().set_onmessage(Some(resolve.unchecked_ref()));
            let _ = channel.port2().post_message(&JsValue::NULL);
        } else {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}

pub(crate) fn js_message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
