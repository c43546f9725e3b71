//! What the app is doing and what went wrong, in words.
use crate::api::ApiError;
use crate::state::{AppState, LoadStatus};
use leptos::prelude::*;
use tierlens_core::units::{counted, format_bytes, reveal_invisible};

/// Loading progress and load errors. An error never hides the data already on screen.
#[component]
pub fn StatusBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || match state.status.get() {
        LoadStatus::Idle => None,
        LoadStatus::Loading(what) => Some(
            view! {
                <div class="banner loading" role="status" data-testid="loading">
                    <span>"Loading " {what} "…"</span>
                    <LoadProgressBar />
                </div>
            }
            .into_any(),
        ),
        LoadStatus::Failed(ApiError::Cancelled { origin }) => {
            let kept = state.dataset.with(|d| d.is_some());
            Some(
                view! {
                    <div class="banner" role="status" data-testid="load-cancelled">
                        {format!("Loading {origin} was cancelled.")}
                        {kept.then_some(" The previously loaded data is still shown.")}
                        <Dismiss />
                    </div>
                }
                .into_any(),
            )
        }
        LoadStatus::Failed(err) => {
            let kept = state.dataset.with(|d| d.is_some());
            Some(
                view! {
                    <div class="banner error" role="alert" data-testid="load-error">
                        <strong>"Could not load the snapshot. "</strong>
                        {err.to_string()}
                        {kept.then_some(" The previously loaded data is still shown.")}
                        <Dismiss />
                    </div>
                }
                .into_any(),
            )
        }
    }
}

/// Closes the banner (the data shown is not touched).
#[component]
fn Dismiss() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <button class="dismiss" aria-label="Dismiss" on:click=move |_| state.status.set(LoadStatus::Idle)>
            "×"
        </button>
    }
}

/// Bytes received of the total (when known) and segments parsed, then "computing"; and Cancel.
/// Shown at the top of the page and again in the load panel, where a load is often started.
#[component]
pub fn LoadProgressBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let p = state.progress.get()?;
        let text = if p.computing {
            format!(
                "{} read; computing sizes and retention…",
                counted(p.segments, "segment")
            )
        } else {
            let of = p
                .total
                .map(|t| format!(" of {}", format_bytes(t as i64)))
                .unwrap_or_default();
            format!(
                "{}{of} · {}",
                format_bytes(p.received as i64),
                counted(p.segments, "segment")
            )
        };
        // Without a total the bar is indeterminate (no `value`).
        let value = match (p.computing, p.total) {
            (true, _) => Some(1.0),
            (false, Some(t)) if t > 0 => Some((p.received as f64 / t as f64).min(1.0)),
            _ => None,
        };
        Some(view! {
            <progress max="1" value=value data-testid="load-progress"></progress>
            <span class="muted" data-testid="load-progress-text" data-segments=p.segments>
                {text}
            </span>
            <button class="cancel" data-testid="load-cancel" on:click=move |_| state.cancel_load()>
                "Cancel"
            </button>
        })
    }
}

/// "2 problems and 1 warning", leaving out a kind there is none of.
fn problems_and_warnings(errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, w) => counted(w as u64, "warning"),
        (e, 0) => counted(e as u64, "problem"),
        (e, w) => format!(
            "{} and {}",
            counted(e as u64, "problem"),
            counted(w as u64, "warning")
        ),
    }
}

/// Problems met while reading the current dataset (bad lines, dropped segments, overlaps).
#[component]
pub fn Problems() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let ds = state.dataset.get()?;
        let problems = &ds.problems;
        if problems.is_empty() {
            return None;
        }
        let warnings = problems.iter().filter(|p| p.kind.is_warning_only()).count();
        let errors = problems.len() - warnings;
        let shown: Vec<String> = problems.iter().take(200).map(|p| p.to_string()).collect();
        let more = problems.len().saturating_sub(shown.len());
        Some(view! {
            <details class="panel problems" data-testid="problems">
                <summary>
                    {format!("{} while reading {}", problems_and_warnings(errors, warnings), ds.origin)}
                </summary>
                <ul>
                    {shown.into_iter().map(|p| view! { <li>{reveal_invisible(&p).into_owned()}</li> }).collect_view()}
                </ul>
                {(more > 0).then(|| view! { <p>{format!("… and {more} more")}</p> })}
            </details>
        })
    }
}
