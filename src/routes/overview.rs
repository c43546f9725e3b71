//! The cluster at a glance: sizes by both definitions, what the next expiration run deletes,
//! bytes per topic, warnings, topics and the largest partitions.
use crate::charts::EChart;
use crate::components::{Bytes, Count, VirtualTable};
use crate::derived::Derived;
use crate::state::{prefers_dark, Settings};
use leptos::prelude::*;
use std::collections::HashMap;
use tierlens_charts::{bytes_per_topic, to_option_json, top_partitions, PartitionBar, TopicBar};
use tierlens_core::findings::findings;
use tierlens_core::retention::{PlanSummary, PlanTotals};
use tierlens_core::units::{format_config_value, reveal_invisible};
use tierlens_core::{ConfigKey, SegmentState};

#[component]
pub fn Overview() -> impl IntoView {
    view! {
        <Totals />
        <div class="grid2">
            <section class="panel">
                <h2>"Remote bytes per topic"</h2>
                <TopicChart />
            </section>
            <Warnings />
        </div>
        <TopicsTable />
        <TopPartitions />
    }
}

/// The headline numbers. `remote-size-total` is a stable hook for tests and embedding.
#[component]
fn Totals() -> impl IntoView {
    let d = expect_context::<Derived>();
    let cluster = move || {
        d.sizes
            .with(|s| s.as_ref().map(|s| s.cluster).unwrap_or_default())
    };
    // `None` for the moment after a load when the sizes are on screen and the plan is not.
    let plan_totals = move || d.current_plan.with(|p| p.as_ref().map(|p| p.totals));
    let counts = Memo::new(move |_| {
        d.snapshot.with(|s| {
            s.as_ref()
                .map(|s| {
                    (
                        s.topics.len() as i64,
                        s.partition_count() as i64,
                        s.segment_count() as i64,
                    )
                })
                .unwrap_or_default()
        })
    });
    let metric_label = move || {
        d.sizes.with(|s| match s {
            Some(s) if !s.metric_in_all_releases => "RemoteLogSizeBytes (not emitted by 3.6.x)",
            _ => "RemoteLogSizeBytes: what brokers report",
        })
    };
    // Records the loader dropped (a negative size, a duplicate id, …): the totals leave them
    // out, and say so next to themselves, not only in the problems list.
    let state = expect_context::<crate::state::AppState>();
    let dropped = Memo::new(move |_| {
        state.dataset.with(|d| {
            d.as_ref().map_or(0, |d| {
                d.problems.iter().filter(|p| p.kind.drops_data()).count()
            })
        })
    });
    let dropped_note = move || {
        let n = dropped.get();
        (n > 0).then(|| {
            view! {
                <div class="sub dropped" data-testid="dropped-note" data-count=n.to_string()>
                    {format!(
                        "leaves out {} the loader dropped (see the problems above)",
                        tierlens_core::units::counted(n as u64, "record")
                    )}
                </div>
            }
        })
    };
    view! {
        <section class="kpis" aria-label="Cluster totals">
            <div class="kpi accent">
                <div class="label">"Remote log size"</div>
                <div class="value">
                    <Bytes value=Signal::derive(move || cluster().remote_log_size_bytes) testid="remote-size-total" />
                </div>
                <div class="sub">{metric_label}</div>
                {dropped_note}
            </div>
            <div class="kpi">
                <div class="label">"Size seen by retention.bytes"</div>
                <div class="value">
                    <Bytes value=Signal::derive(move || cluster().retention_size_bytes) testid="retention-size-total" />
                </div>
                <div class="sub">
                    "lineage-valid remote "
                    <Bytes value=Signal::derive(move || cluster().retention_remote_bytes) />
                    " + local-only "
                    <Bytes value=Signal::derive(move || cluster().only_local_bytes) />
                </div>
            </div>
            <div class="kpi">
                <div class="label">"Segments"</div>
                <div class="value"><Count value=Signal::derive(move || counts.get().2) testid="segment-count" /></div>
                <div class="sub">
                    <Count value=Signal::derive(move || cluster().remote_log_metadata_count as i64) />
                    " counted by the metric"
                </div>
            </div>
            <div class="kpi">
                <div class="label">"Topics · partitions"</div>
                <div class="value">
                    <Count value=Signal::derive(move || counts.get().0) testid="topic-count" />
                    " · "
                    <Count value=Signal::derive(move || counts.get().1) testid="partition-count" />
                </div>
            </div>
            <div class="kpi danger">
                <div class="label">"Next expiration run deletes"</div>
                {move || match plan_totals() {
                    Some(t) => view! {
                        <div class="value">
                            <Count value=t.segments_deleted as i64 testid="cluster-deleted-segment-count" />
                            {if t.segments_deleted == 1 { " segment" } else { " segments" }}
                        </div>
                        <div class="sub">"frees " <Bytes value=t.bytes_freed testid="cluster-bytes-freed" /></div>
                    }
                    .into_any(),
                    None => view! {
                        <div class="value muted" data-testid="plan-pending">"…"</div>
                        <div class="sub">"computing the plan"</div>
                    }
                    .into_any(),
                }}
            </div>
        </section>
        <section class="panel">
            <h2>"Bytes by segment state"</h2>
            <table class="data by-state">
                <thead><tr><th>"State"</th><th>"Segments"</th><th>"Bytes"</th><th>"In RemoteLogSizeBytes"</th><th>"In the retention total"</th></tr></thead>
                <tbody>
                    {SegmentState::ALL
                        .into_iter()
                        .map(|st| {
                            let bc = move || *cluster().by_state.get(st);
                            let rules = move || d.profile.with(|p| p.profile.rules());
                            view! {
                                <tr>
                                    <td><code>{st.as_str()}</code></td>
                                    <td><Count value=Signal::derive(move || bc().count as i64) /></td>
                                    <td><Bytes value=Signal::derive(move || bc().bytes) /></td>
                                    <td>{move || if rules().metric_states.contains(st) { "yes" } else { "no" }}</td>
                                    <td>{move || if rules().retention_size_states.contains(st) { "yes (within the lineage)" } else { "no" }}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn TopicChart() -> impl IntoView {
    let d = expect_context::<Derived>();
    let dark = prefers_dark();
    let option = Memo::new(move |_| {
        let bars: Vec<TopicBar> = d.sizes.with(|s| {
            d.current_plan.with(|p| {
                let (Some(s), Some(p)) = (s, p) else {
                    return Vec::new();
                };
                let planned = totals_by_topic(p);
                s.topics
                    .iter()
                    .map(|t| TopicBar {
                        topic: t.topic.clone(),
                        remote_bytes: t.sizes.remote_log_size_bytes,
                        bytes_to_free: planned.get(t.topic.as_str()).map_or(0, |pt| pt.bytes_freed),
                    })
                    .collect()
            })
        });
        to_option_json(&bytes_per_topic(&bars, dark))
    });
    view! { <EChart option=option label="Remote bytes per topic; the topics table below has the same numbers" /> }
}

#[component]
fn Warnings() -> impl IntoView {
    let d = expect_context::<Derived>();
    // `None` until the snapshot's totals are painted (the checks read every segment).
    let list = Memo::new(move |_| {
        if !d.painted.get() {
            return None;
        }
        let now = d.now_ms.get();
        d.snapshot.with(|s| {
            d.sizes.with(|z| match (s, z) {
                (Some(s), Some(z)) => Some(crate::perf::phase("findings", || {
                    findings(s, z, now)
                        .into_iter()
                        .map(|f| (f.category(), f.to_string()))
                        .collect::<Vec<_>>()
                })),
                _ => None,
            })
        })
    });
    view! {
        <section class="panel" data-testid="warnings">
            <h2>{move || list.with(|l| l.as_ref().map_or("Warnings".to_string(), |l| format!("Warnings ({})", l.len())))}</h2>
            {move || {
                let Some(l) = list.get() else {
                    return view! { <p class="muted">"Checking the segments…"</p> }.into_any();
                };
                if l.is_empty() {
                    return view! { <p class="muted">"Nothing unusual in this snapshot."</p> }.into_any();
                }
                let shown = l.len().min(8);
                let rest: Vec<_> = l[shown..].to_vec();
                view! {
                    <ul class="warnings">
                        {l[..shown].iter().map(|(c, t)| view! { <li><span class="tag">{*c}</span>" "{reveal_invisible(t).into_owned()}</li> }).collect_view()}
                    </ul>
                    {(!rest.is_empty()).then(|| view! {
                        <details>
                            <summary>{format!("{} more", rest.len())}</summary>
                            <ul class="warnings">
                                {rest.into_iter().map(|(c, t)| view! { <li><span class="tag">{c}</span>" "{reveal_invisible(&t).into_owned()}</li> }).collect_view()}
                            </ul>
                        </details>
                    })}
                }
                .into_any()
            }}
        </section>
    }
}

/// One row of the topics table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct TopicRow {
    name: String,
    partitions: i64,
    segments: i64,
    remote_bytes: i64,
    retention_ms: String,
    retention_bytes: String,
    deleted: i64,
    freed: i64,
}

/// Every topic with its sizes and configs; picking one opens its drill-down and what-if.
#[component]
fn TopicsTable() -> impl IntoView {
    let d = expect_context::<Derived>();
    let settings = expect_context::<Settings>();
    let rows = Memo::new(move |_| {
        d.snapshot.with(|s| {
            d.sizes.with(|z| {
                d.current_plan.with(|p| {
                    let (Some(s), Some(z), Some(p)) = (s, z, p) else {
                        return Vec::new();
                    };
                    let planned = totals_by_topic(p);
                    s.topics
                        .iter()
                        .zip(&z.topics)
                        .map(|(t, ts)| {
                            let freed = planned.get(t.name.as_str()).copied().unwrap_or_default();
                            TopicRow {
                                name: t.name.clone(),
                                partitions: t.partitions.len() as i64,
                                segments: ts.sizes.remote_log_metadata_count as i64,
                                remote_bytes: ts.sizes.remote_log_size_bytes,
                                retention_ms: format_config_value(
                                    ConfigKey::RetentionMs,
                                    t.config.retention_ms,
                                ),
                                retention_bytes: format_config_value(
                                    ConfigKey::RetentionBytes,
                                    t.config.retention_bytes,
                                ),
                                deleted: freed.segments_deleted as i64,
                                freed: freed.bytes_freed,
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
        })
    });
    let row = move |i: usize, r: TopicRow| {
        let pick = r.name.clone();
        view! {
            <tr aria-rowindex=i + 2>
                <td>
                    <button class="link" data-testid="topic-link" title=pick.clone() on:click=move |_| settings.select_topic(Some(pick.clone()))>
                        {reveal_invisible(&r.name).into_owned()}
                    </button>
                </td>
                <td><Count value=r.partitions /></td>
                <td><Count value=r.segments /></td>
                <td><Bytes value=r.remote_bytes /></td>
                <td>{r.retention_ms}</td>
                <td>{r.retention_bytes}</td>
                <td><Count value=r.deleted /></td>
                <td><Bytes value=r.freed /></td>
            </tr>
        }
    };
    view! {
        <section class="panel">
            <h2>"Topics"</h2>
            <VirtualTable rows=rows key=TopicRow::clone row=row columns=8 testid="topics-table">
                <tr>
                    <th>"Topic"</th><th>"Partitions"</th><th>"Segments"</th><th>"Remote size"</th>
                    <th>"retention.ms"</th><th>"retention.bytes (per partition)"</th>
                    <th>"Next run deletes"</th><th>"Frees"</th>
                </tr>
            </VirtualTable>
        </section>
    }
}

/// The plan's totals per topic, for lookups by name (one pass, not one search per topic).
fn totals_by_topic(p: &PlanSummary) -> HashMap<&str, PlanTotals> {
    p.topics
        .iter()
        .map(|t| (t.topic.as_str(), t.totals))
        .collect()
}

#[component]
fn TopPartitions() -> impl IntoView {
    let d = expect_context::<Derived>();
    let dark = prefers_dark();
    let bars = Memo::new(move |_| {
        d.sizes.with(|z| {
            let mut v: Vec<PartitionBar> = z
                .as_ref()
                .map(|z| {
                    z.partitions
                        .iter()
                        .map(|p| PartitionBar {
                            label: format!("{}-{}", p.topic, p.partition),
                            remote_bytes: p.sizes.remote_log_size_bytes,
                        })
                        .collect()
                })
                .unwrap_or_default();
            v.sort_by(|a, b| {
                b.remote_bytes
                    .cmp(&a.remote_bytes)
                    .then_with(|| a.label.cmp(&b.label))
            });
            v
        })
    });
    let option = Memo::new(move |_| bars.with(|b| to_option_json(&top_partitions(b, 10, dark))));
    view! {
        <section class="panel grid2">
            <div>
                <h2>"Largest partitions (remote log size)"</h2>
                <EChart option=option label="Largest partitions by remote log size; the table beside it has the same numbers" />
            </div>
            <table class="data">
                <thead><tr><th>"Partition"</th><th>"Remote size"</th></tr></thead>
                <tbody>
                    {move || bars.with(|b| b.iter().take(10).map(|p| {
                        let (label, title) = (reveal_invisible(&p.label).into_owned(), p.label.clone());
                        view! { <tr><td title=title>{label}</td><td><Bytes value=p.remote_bytes /></td></tr> }
                    }).collect_view())}
                </tbody>
            </table>
        </section>
    }
}
