//! One view per file. [`Dashboard`] picks the view from the URL query.
mod overview;

use crate::components::Problems;
use crate::state::AppState;
use leptos::prelude::*;

pub use overview::Overview;

#[component]
pub fn Dashboard() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        if state.dataset.with(|d| d.is_none()) {
            return view! { <p class="muted">"No snapshot loaded yet."</p> }.into_any();
        }
        view! {
            <Problems />
            <Overview />
        }
        .into_any()
    }
}
