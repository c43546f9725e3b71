//! One topic: its what-if, its partitions (sortable), and the selected partition's timeline.
use crate::components::{Bytes, Count, Instant, VirtualTable};
use crate::derived::Derived;
use crate::routes::{PartitionDetail, WhatIf};
use crate::state::Settings;
use leptos::prelude::*;
use std::collections::HashMap;
use tierlens_core::units::reveal_invisible;
use tierlens_core::SegmentState;

/// One partition row, from the proposed plan.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Row {
    partition: i32,
    remote_bytes: i64,
    segments: i64,
    oldest_ms: Option<i64>,
    deleted: i64,
    freed: i64,
    lso_before: i64,
    lso_after: i64,
    local_freed: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortBy {
    Partition,
    Size,
    Segments,
    Oldest,
    Freed,
}

#[component]
pub fn TopicView(topic: String) -> impl IntoView {
    let d = expect_context::<Derived>();
    let settings = expect_context::<Settings>();
    let info = {
        let topic = topic.clone();
        Memo::new(move |_| {
            d.snapshot.with(|s| {
                s.as_ref()
                    .and_then(|s| s.topic(&topic))
                    .map(|t| (t.topic_id.clone().unwrap_or_default(), t.partitions.len()))
            })
        })
    };
    // The selected partition, if it exists in this topic.
    let selected = {
        let topic = topic.clone();
        Memo::new(move |_| {
            let p = settings.partition.0.get()?;
            d.snapshot.with(|s| {
                s.as_ref()
                    .and_then(|s| s.topic(&topic))
                    .filter(|t| t.partitions.iter().any(|x| x.partition == p))
                    .map(|_| p)
            })
        })
    };
    let name = topic.clone();
    view! {
        <nav class="crumbs">
            <button class="link" data-testid="back" on:click=move |_| settings.select_topic(None)>"← All topics"</button>
        </nav>
        <header class="topic-head">
            <h2 data-testid="topic-name" title=name.clone()>{reveal_invisible(&name).into_owned()}</h2>
            <span class="muted">
                {move || info.get().map(|(id, n)| format!("{n} partitions{}", if id.is_empty() { String::new() } else { format!(" · topic id {id}") }))}
            </span>
        </header>
        <WhatIf topic=topic.clone() />
        <PartitionsTable topic=topic.clone() selected=selected />
        {move || selected.get().map(|p| view! { <PartitionDetail topic=topic.clone() partition=p /> })}
    }
}

#[component]
fn PartitionsTable(topic: String, selected: Memo<Option<i32>>) -> impl IntoView {
    let d = expect_context::<Derived>();
    let settings = expect_context::<Settings>();
    let sort = RwSignal::new((SortBy::Partition, false));
    // The oldest live record per partition: one pass over the topic's segments, rebuilt only
    // with the snapshot (not with every what-if plan).
    let oldest = {
        let topic = topic.clone();
        Memo::new(move |_| {
            d.snapshot.with(|s| {
                s.as_ref()
                    .and_then(|s| s.topic(&topic))
                    .map(|t| {
                        t.partitions
                            .iter()
                            .map(|p| {
                                let oldest = p
                                    .segments
                                    .iter()
                                    .filter(|s| s.state != SegmentState::DeleteSegmentFinished)
                                    .map(|s| s.max_timestamp_ms)
                                    .min();
                                (p.partition, oldest)
                            })
                            .collect::<HashMap<i32, Option<i64>>>()
                    })
                    .unwrap_or_default()
            })
        })
    };
    let rows = Memo::new(move |_| {
        let mut rows: Vec<Row> = oldest.with(|oldest| {
            d.proposed_plan.with(|plan| {
                let Some(plan) = plan else {
                    return Vec::new();
                };
                plan.partitions
                    .iter()
                    .filter(|pp| pp.topic == topic)
                    .map(|pp| Row {
                        partition: pp.partition,
                        remote_bytes: pp.remote_log_size_bytes,
                        segments: pp.remote_log_metadata_count as i64,
                        oldest_ms: oldest.get(&pp.partition).copied().flatten(),
                        deleted: pp.segments_deleted as i64,
                        freed: pp.bytes_freed,
                        lso_before: pp.log_start_offset_before,
                        lso_after: pp.log_start_offset_after,
                        local_freed: pp.local.local_bytes_freed,
                    })
                    .collect()
            })
        });
        let (by, desc) = sort.get();
        rows.sort_by(|a, b| {
            let o = match by {
                SortBy::Partition => a.partition.cmp(&b.partition),
                SortBy::Size => a.remote_bytes.cmp(&b.remote_bytes),
                SortBy::Segments => a.segments.cmp(&b.segments),
                SortBy::Oldest => a.oldest_ms.cmp(&b.oldest_ms),
                SortBy::Freed => a.freed.cmp(&b.freed),
            };
            // Equal values keep partition order (the sort is stable).
            if desc {
                o.reverse()
            } else {
                o
            }
        });
        rows
    });
    // Where the selected partition is in the sorted table, so it stays in view.
    let selected_index = Memo::new(move |_| {
        let p = selected.get()?;
        rows.with(|r| r.iter().position(|r| r.partition == p))
    });
    let header = move |label: &'static str, by: SortBy| {
        let arrow = move || match sort.get() {
            (b, false) if b == by => " ▲",
            (b, true) if b == by => " ▼",
            _ => "",
        };
        view! {
            <th aria-sort=move || match sort.get() { (b, false) if b == by => "ascending", (b, true) if b == by => "descending", _ => "none" }>
                <button on:click=move |_| sort.update(|s| *s = if s.0 == by { (by, !s.1) } else { (by, by != SortBy::Partition) })>
                    {label}{arrow}
                </button>
            </th>
        }
    };
    let row = move |i: usize, r: Row| {
        let p = r.partition;
        view! {
            <tr class:selected=move || selected.get() == Some(p) data-partition=p.to_string() aria-rowindex=i + 2>
                <td>
                    <button class="link" data-testid="partition-link" on:click=move |_| settings.partition.1.set(Some(p))>
                        {format!("partition {p}")}
                    </button>
                </td>
                <td><Bytes value=r.remote_bytes /></td>
                <td><Count value=r.segments /></td>
                <td>{r.oldest_ms.map(|ms| view! { <Instant ms=ms /> })}</td>
                <td><Count value=r.deleted /></td>
                <td><Bytes value=r.freed /></td>
                <td class="mono">
                    {if r.lso_after != r.lso_before { format!("{} → {}", r.lso_before, r.lso_after) } else { r.lso_before.to_string() }}
                </td>
                <td>{match r.local_freed { Some(b) => view! { <Bytes value=b /> }.into_any(), None => view! { <span class="muted" title="the snapshot has no local size for this partition">"—"</span> }.into_any() }}</td>
            </tr>
        }
    };
    view! {
        <section class="panel">
            <h2>"Partitions" <span class="muted">" · pick one for its segment timeline"</span></h2>
            <VirtualTable
                rows=rows
                key=Row::clone
                row=row
                columns=8
                testid="partitions-table"
                reveal=selected_index
            >
                <tr>
                    {header("Partition", SortBy::Partition)}
                    {header("Remote size", SortBy::Size)}
                    {header("Segments", SortBy::Segments)}
                    {header("Oldest record", SortBy::Oldest)}
                    <th>"Deletes"</th>
                    {header("Frees", SortBy::Freed)}
                    <th>"Log start offset → after"</th>
                    <th>"Local frees"</th>
                </tr>
            </VirtualTable>
        </section>
    }
}
