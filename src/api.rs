//! Every way a snapshot reaches the app: a URL (gloo-net), a chosen file, pasted text.
//! Each returns a typed [`ApiError`] or the parsed data; nothing here touches the DOM tree.

use std::sync::Arc;
use tierlens_core::{load, LoadError, Loaded, Problem, Snapshot};
use wasm_bindgen::JsCast;
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
    #[error("could not fetch {url}: {message}")]
    Network { url: String, message: String },
    #[error("fetching {url} failed: HTTP {status} {status_text}")]
    Status {
        url: String,
        status: u16,
        status_text: String,
    },
    #[error("could not read the file {name}: {message}")]
    File { name: String, message: String },
    #[error("{origin}: {source}")]
    Load {
        origin: String,
        #[source]
        source: LoadError,
    },
}

fn parse(origin: String, bytes: &[u8]) -> Result<Arc<Dataset>, ApiError> {
    match load(bytes) {
        Ok(Loaded { snapshot, problems }) => Ok(Arc::new(Dataset {
            origin,
            snapshot: Arc::new(snapshot),
            problems,
        })),
        Err(source) => Err(ApiError::Load { origin, source }),
    }
}

/// Fetches and parses a snapshot (JSON, .json.gz or a formatter dump) from `url`.
pub async fn fetch_snapshot(url: String) -> Result<Arc<Dataset>, ApiError> {
    let network = |e: gloo_net::Error| ApiError::Network {
        url: url.clone(),
        message: e.to_string(),
    };
    let resp = gloo_net::http::Request::get(&url)
        .send()
        .await
        .map_err(network)?;
    if !resp.ok() {
        return Err(ApiError::Status {
            url: url.clone(),
            status: resp.status(),
            status_text: resp.status_text(),
        });
    }
    let bytes = resp.binary().await.map_err(network)?;
    parse(url, &bytes)
}

/// Reads and parses a file the user picked.
pub async fn read_file(file: web_sys::File) -> Result<Arc<Dataset>, ApiError> {
    let name = file.name();
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| ApiError::File {
            name: name.clone(),
            message: js_message(&e),
        })?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    parse(name, &bytes)
}

/// Parses text pasted into the page.
pub fn parse_pasted(text: &str) -> Result<Arc<Dataset>, ApiError> {
    parse("pasted text".to_string(), text.as_bytes())
}

fn js_message(e: &wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
