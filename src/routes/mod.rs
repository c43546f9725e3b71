//! One view per file. [`Dashboard`] picks the view from the URL query: no `topic` is the
//! cluster overview, `topic=T` the topic drill-down with its what-if, `partition=N` adds that
//! partition's segment timeline.
mod controls;
mod overview;
mod partition;
mod topic;
mod whatif;

use crate::components::Problems;
use crate::derived::Derived;
use crate::state::Settings;
use leptos::prelude::*;

pub use controls::PlanControls;
pub use overview::Overview;
pub use partition::PartitionDetail;
pub use topic::TopicView;
pub use whatif::WhatIf;

#[component]
pub fn Dashboard() -> impl IntoView {
    let settings = expect_context::<Settings>();
    let derived = expect_context::<Derived>();
    let loaded = Memo::new(move |_| derived.snapshot.with(|s| s.is_some()));
    // A topic named in the URL but absent from the snapshot falls back to the overview.
    let topic = Memo::new(move |_| {
        let t = settings.topic.0.get()?;
        derived
            .snapshot
            .with(|s| s.as_ref().and_then(|s| s.topic(&t)).map(|_| t))
    });
    move || {
        if !loaded.get() {
            return view! { <p class="muted">"No snapshot loaded yet."</p> }.into_any();
        }
        view! {
            <Problems />
            <PlanControls />
            {move || match topic.get() {
                Some(t) => view! { <TopicView topic=t /> }.into_any(),
                None => view! { <Overview /> }.into_any(),
            }}
        }
        .into_any()
    }
}
