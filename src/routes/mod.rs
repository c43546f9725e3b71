//! One view per file. [`Dashboard`] picks the view from the URL query: no `topic` is the
//! cluster overview, `topic=T` the topic drill-down with its what-if, `partition=N` adds that
//! partition's segment timeline. `view=` (for embedding) names one: `overview`, `topic`,
//! `partition` (the timeline alone), `forecast` (size and cost forward in time) or `leaks` (the
//! bucket listing reconciled with the metadata).
mod controls;
mod forecast;
mod leaks;
mod overview;
mod partition;
mod topic;
mod whatif;

use crate::components::Problems;
use crate::derived::Derived;
use crate::state::Settings;
use leptos::prelude::*;
use tierlens_embed::View;

pub use controls::PlanControls;
pub use forecast::ForecastView;
pub use leaks::LeaksView;
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
    // The selected partition, when `topic` has it.
    let partition = Memo::new(move |_| {
        let t = topic.get()?;
        let p = settings.partition.0.get()?;
        derived.snapshot.with(|s| {
            s.as_ref()?
                .topic(&t)?
                .partitions
                .iter()
                .any(|x| x.partition == p)
                .then_some(p)
        })
    });
    let view_param = Memo::new(move |_| settings.view.0.get().map(|v| v.parse::<View>()));
    move || {
        let chosen = view_param.get();
        if !loaded.get() {
            return view! { <p class="muted">"No snapshot loaded yet."</p> }.into_any();
        }
        let unknown = match &chosen {
            Some(Err(v)) => Some(v.clone()),
            _ => None,
        };
        view! {
            {unknown.map(|v| view! {
                <p class="banner" data-testid="unknown-view">
                    {format!("There is no view {v:?} (the views are overview, topic, partition, forecast and leaks); showing the default.")}
                </p>
            })}
            <Problems />
            <nav class="views" aria-label="Views">
                <button aria-pressed=move || (!matches!(view_param.get(), Some(Ok(View::Forecast | View::Leaks)))).to_string()
                    on:click=move |_| settings.view.1.set(None)>"Now: sizes and the next expiration run"</button>
                <button data-testid="view-forecast" aria-pressed=move || (view_param.get() == Some(Ok(View::Forecast))).to_string()
                    on:click=move |_| settings.view.1.set(Some("forecast".into()))>"Forecast: size and cost over time"</button>
                <button data-testid="view-leaks" aria-pressed=move || (view_param.get() == Some(Ok(View::Leaks))).to_string()
                    on:click=move |_| settings.view.1.set(Some("leaks".into()))>"Leaks: bucket vs metadata"</button>
            </nav>
            <PlanControls />
            // Each branch tracks only what it shows: a new partition must not re-create the
            // topic view (its table keeps its scroll position and selection).
            {move || match view_param.get() {
                Some(Ok(View::Overview)) => view! { <Overview /> }.into_any(),
                Some(Ok(View::Forecast)) => view! { <ForecastView /> }.into_any(),
                Some(Ok(View::Leaks)) => view! { <LeaksView /> }.into_any(),
                Some(Ok(View::Partition)) => (move || match (topic.get(), partition.get()) {
                    (Some(t), Some(p)) => view! {
                        <div data-testid="partition-view">
                            <PartitionDetail topic=t partition=p />
                        </div>
                    }
                    .into_any(),
                    (Some(t), None) => view! { <TopicView topic=t /> }.into_any(),
                    (None, _) => view! { <Overview /> }.into_any(),
                })
                .into_any(),
                _ => (move || match topic.get() {
                    Some(t) => view! { <TopicView topic=t /> }.into_any(),
                    None => view! { <Overview /> }.into_any(),
                })
                .into_any(),
            }}
        }
        .into_any()
    }
}
