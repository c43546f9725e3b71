//! Load another snapshot: a URL, a file, or pasted text (snapshot JSON or a formatter dump).
use crate::state::{query, AppState, LoadStatus, Source};
use leptos::html::{Input, Textarea};
use leptos::prelude::*;
use tierlens_core::units::counted;

#[component]
pub fn LoadPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let (_, set_snapshot_url) = query::<String>("snapshot");
    let url_input = NodeRef::<Input>::new();
    let file_input = NodeRef::<Input>::new();
    let paste = NodeRef::<Textarea>::new();

    let load_url = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(el) = url_input.get() {
            let url = el.value().trim().to_string();
            if !url.is_empty() {
                // Through the URL, so the link reproduces what is shown.
                set_snapshot_url.set(Some(url));
            }
        }
    };
    let load_file = move |_| {
        let file = file_input
            .get()
            .and_then(|el| el.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            state.load(Source::File(file));
        }
    };
    let load_paste = move |_| {
        if let Some(el) = paste.get() {
            state.load(Source::Paste(el.value()));
        }
    };

    view! {
        <details class="panel load-panel">
            <summary>"Load another snapshot"</summary>
            <div class="load-grid">
                <form on:submit=load_url>
                    // Text, not `type="url"`: a URL relative to the page (same origin) is fine.
                    <label for="snapshot-url">"From a URL"</label>
                    <div class="row">
                        <input
                            id="snapshot-url"
                            type="text"
                            inputmode="url"
                            spellcheck="false"
                            node_ref=url_input
                            placeholder="https://…/snapshot.json"
                        />
                        <button type="submit">"Load"</button>
                    </div>
                </form>
                <div>
                    <label for="snapshot-file">
                        "From a file (.json, .json.gz or a formatter dump)"
                    </label>
                    <input id="snapshot-file" type="file" node_ref=file_input on:change=load_file />
                </div>
                <div class="paste">
                    <label for="snapshot-paste">
                        "Paste snapshot JSON or "
                        <code>"__remote_log_metadata"</code>
                        " formatter output"
                    </label>
                    <textarea
                        id="snapshot-paste"
                        data-testid="paste-input"
                        node_ref=paste
                        rows="6"
                        spellcheck="false"
                        placeholder="partition: 0, offset: 0, value: RemoteLogSegmentMetadata{…}"
                    ></textarea>
                    <button data-testid="paste-load" on:click=load_paste>
                        "Load pasted text"
                    </button>
                </div>
            </div>
            <PanelStatus />
        </details>
    }
}

/// The outcome of the last load, next to the controls that started it (the banner at the top
/// of the page is out of sight when the user is down here).
#[component]
fn PanelStatus() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        match state.status.get() {
        LoadStatus::Loading(what) => view! {
            <div class="panel-progress">
                <span class="muted">"Loading " {what} "…"</span>
                <crate::components::status::LoadProgressBar />
            </div>
        }
        .into_any(),
        LoadStatus::Failed(crate::api::ApiError::Cancelled { origin }) => view! {
            <p class="muted">{format!("Loading {origin} was cancelled. The data shown above is unchanged.")}</p>
        }
        .into_any(),
        LoadStatus::Failed(err) => view! {
            <p class="field-error" data-testid="load-panel-error">
                {format!("Could not load {}. The data shown above is unchanged.", err.to_string().trim_end_matches('.'))}
            </p>
        }
        .into_any(),
        LoadStatus::Idle => state
            .dataset
            .with(|d| {
                d.as_ref().map(|d| {
                    let s = &d.snapshot;
                    format!(
                        "Showing {}: {} in {} of {}.",
                        d.origin,
                        counted(s.segment_count() as u64, "segment"),
                        counted(s.partition_count() as u64, "partition"),
                        counted(s.topics.len() as u64, "topic")
                    )
                })
            })
            .map(|text| view! { <p class="muted" data-testid="load-panel-status">{text}</p> })
            .into_any(),
    }
    }
}
