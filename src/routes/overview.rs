//! The cluster at a glance.
use crate::state::AppState;
use leptos::prelude::*;

#[component]
pub fn Overview() -> impl IntoView {
    let state = expect_context::<AppState>();
    let counts = Memo::new(move |_| {
        state.dataset.with(|d| {
            d.as_ref().map(|d| {
                let s = &d.loaded.snapshot;
                (s.topics.len(), s.partition_count(), s.segment_count())
            })
        })
    });
    move || {
        counts.get().map(|(topics, partitions, segments)| {
            view! {
                <section class="kpis">
                    <div class="kpi"><div class="label">"Topics"</div><div class="value" data-testid="topic-count">{topics}</div></div>
                    <div class="kpi"><div class="label">"Partitions"</div><div class="value" data-testid="partition-count">{partitions}</div></div>
                    <div class="kpi"><div class="label">"Segments"</div><div class="value" data-testid="segment-count">{segments}</div></div>
                </section>
            }
        })
    }
}
