//! `view=leaks`: the leak finder. The loaded snapshot is the metadata side; a bucket listing
//! (`listing=URL`, files or pasted text) is the other. Every number comes from
//! `tierlens_core::leaks`; this view wires the URL options (`layout`, `prefix`, `grace`,
//! `price.remote`) to it and shows the classes, topics, keys and downloads.
use crate::components::{Bytes, Count, VirtualTable};
use crate::derived::Derived;
use crate::leaks::{
    deletion_list, grace_ms, objects_csv, LeakResult, LeaksState, ListingLoadError, ListingSource,
    ListingStatus, RunStatus,
};
use crate::state::{query, Settings};
use leptos::html::{Input, Textarea};
use leptos::prelude::*;
use std::sync::Arc;
use tierlens_core::forecast::cost::format_usd;
use tierlens_core::leaks::drift::{metric_drift, Drift};
use tierlens_core::leaks::layout::Layout;
use tierlens_core::leaks::metrics::parse_remote_log_size_metrics;
use tierlens_core::leaks::reconcile::{Class, Why};
use tierlens_core::units::{
    counted, format_bytes, format_count, format_duration_ms, format_timestamp_utc, reveal_invisible,
};

/// A class as the URL, the CLI's JSON and the `data-testid`s name it.
pub fn class_name(c: Class) -> &'static str {
    match c {
        Class::Ok => "ok",
        Class::Orphan => "orphan",
        Class::Missing => "missing",
        Class::Dangling => "dangling",
        Class::Foreign => "foreign",
        Class::OutsideLineage => "outside-lineage",
        Class::InGrace => "in-grace",
    }
}

fn class_of_name(s: &str) -> Option<Class> {
    Class::ALL.into_iter().find(|&c| class_name(c) == s)
}

/// What each class means, under its card.
fn class_help(c: Class) -> &'static str {
    match c {
        Class::Ok => "objects of complete segments",
        Class::Orphan => "no metadata (or only DELETE_SEGMENT_FINISHED): billed, never read",
        Class::Missing => "COPY_SEGMENT_FINISHED without all its objects: data loss",
        Class::Dangling => "uploads or deletions started and never finished",
        Class::Foreign => "another prefix, topic id or layout: not this cluster's",
        Class::OutsideLineage => "segments outside the leader-epoch lineage",
        Class::InGrace => "too recent to judge (within the grace window)",
    }
}

#[component]
pub fn LeaksView() -> impl IntoView {
    let leaks = expect_context::<LeaksState>();
    let d = expect_context::<Derived>();
    let result = leaks.result;

    view! {
        <section class="panel leaks" data-testid="leaks">
            <div class="whatif-head">
                <h2>"Leak finder · the bucket against the metadata"</h2>
            </div>
            <p class="muted intro">
                "The snapshot shown is the metadata; a listing of the bucket is the other side. "
                "Every object and every segment lands in one class. tierlens reads listings only: it deletes nothing."
            </p>
            <ListingInput />
            <ListingInfo />
            <Options />
            <RunProgress />
        </section>
        {move || result.get().map(|r| view! { <Results r=r /> })}
        <DriftPanel />
        {move || d.snapshot.with(|s| s.is_none()).then(|| view! { <p class="muted">"Load a snapshot first."</p> })}
    }
}

/// A listing from a URL (through `listing=`), files, or pasted text; its progress and errors.
#[component]
fn ListingInput() -> impl IntoView {
    let leaks = expect_context::<LeaksState>();
    let (listing_url, set_listing_url) = query::<String>("listing");
    let url_input = NodeRef::<Input>::new();
    let file_input = NodeRef::<Input>::new();
    let paste = NodeRef::<Textarea>::new();
    let load_url = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(el) = url_input.get() {
            let url = el.value().trim().to_string();
            if url.is_empty() {
                return;
            }
            if listing_url.get_untracked().as_deref() == Some(url.as_str()) {
                // The same URL again: load it again.
                leaks.load(ListingSource::Url(url));
            } else {
                set_listing_url.set(Some(url));
            }
        }
    };
    let load_files = move |_| {
        let Some(list) = file_input.get().and_then(|el| el.files()) else {
            return;
        };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        if !files.is_empty() {
            leaks.load(ListingSource::Files(files));
        }
    };
    let load_paste = move |_| {
        if let Some(el) = paste.get() {
            leaks.load(ListingSource::Paste(el.value()));
        }
    };
    view! {
        <div class="load-grid leaks-input">
            <form on:submit=load_url>
                <label for="listing-url">"Bucket listing from a URL"</label>
                <div class="row">
                    <input id="listing-url" type="text" inputmode="url" spellcheck="false" node_ref=url_input
                        data-testid="leaks-listing-url"
                        prop:value=move || listing_url.get().unwrap_or_default()
                        placeholder="https://…/listing.txt" />
                    <button type="submit" data-testid="leaks-listing-load">"Load"</button>
                </div>
            </form>
            <div>
                <label for="listing-files">"From files (merged; .gz is fine)"</label>
                <input id="listing-files" type="file" multiple node_ref=file_input data-testid="leaks-listing-files" on:change=load_files />
            </div>
            <div class="paste">
                <label for="listing-paste">
                    "Paste the output of " <code>"aws s3 ls --recursive"</code> ", " <code>"aws s3api list-objects-v2"</code> ", "
                    <code>"gcloud storage ls -l"</code> ", " <code>"az storage blob list"</code> " or " <code>"mc ls --recursive --json"</code>
                </label>
                <textarea id="listing-paste" data-testid="leaks-paste" node_ref=paste rows="4" spellcheck="false"
                    placeholder="2025-11-24 10:00:00   1048576 tiered/orders-AbC…/0/00000000000000000000-….log"></textarea>
                <button data-testid="leaks-paste-load" on:click=load_paste>"Load pasted listing"</button>
            </div>
        </div>
        <ListingStatusLine />
    }
}

#[component]
fn ListingStatusLine() -> impl IntoView {
    let leaks = expect_context::<LeaksState>();
    move || {
        match leaks.status.get() {
        ListingStatus::Loading(what) => {
            let bar = move || {
                leaks.progress.get().map(|p| {
                    let of = p.total.map(|t| format!(" of {}", format_bytes(t as i64))).unwrap_or_default();
                    let value = p.total.filter(|&t| t > 0).map(|t| (p.received as f64 / t as f64).min(1.0));
                    view! {
                        <progress max="1" value=value data-testid="leaks-listing-progress"></progress>
                        <span class="muted" data-testid="leaks-listing-progress-text" data-objects=p.objects>
                            {format!("{}{of} · {}", format_bytes(p.received as i64), counted(p.objects, "object"))}
                        </span>
                    }
                })
            };
            view! {
                <div class="panel-progress" role="status">
                    <span class="muted">"Reading " {what} "…"</span>
                    {bar}
                    <button class="cancel" data-testid="leaks-listing-cancel" on:click=move |_| leaks.cancel_load()>"Cancel"</button>
                </div>
            }
            .into_any()
        }
        ListingStatus::Failed(ListingLoadError::Cancelled { origin }) => view! {
            <p class="muted" data-testid="leaks-listing-cancelled">{format!("Reading {origin} was cancelled. What was shown is unchanged.")}</p>
        }
        .into_any(),
        ListingStatus::Failed(err) => view! {
            <p class="banner error" role="alert" data-testid="leaks-listing-error">
                {format!("Could not load the listing: {}. ", err.to_string().trim_end_matches('.'))}
                {leaks.listing.with(|l| l.is_some()).then_some("The listing and the results shown are unchanged.")}
            </p>
        }
        .into_any(),
        ListingStatus::Idle => ().into_any(),
    }
    }
}

/// The listing read: what, how many objects, its problems and notes.
#[component]
fn ListingInfo() -> impl IntoView {
    let leaks = expect_context::<LeaksState>();
    move || {
        let l = leaks.listing.get()?;
        let listing = &l.listing;
        let objects = listing.objects.len();
        let formats = {
            let mut f = l.formats.clone();
            f.dedup();
            f.join(", ")
        };
        let bucket = listing
            .bucket
            .as_deref()
            .map(|b| format!(" in bucket {}", reveal_invisible(b)))
            .unwrap_or_default();
        let approx = (listing.approximate_sizes > 0).then(|| {
            format!(
                " {} printed rounded (sizes are approximate).",
                counted(listing.approximate_sizes, "size")
            )
        });
        let problems: Vec<String> = listing
            .problems
            .iter()
            .take(5)
            .map(|p| reveal_invisible(&p.to_string()).into_owned())
            .collect();
        let problem_count = listing.problem_count;
        let notes: Vec<String> = listing
            .notes
            .iter()
            .map(|n| reveal_invisible(n).into_owned())
            .collect();
        Some(view! {
            <p class="muted" data-testid="leaks-listing-status" data-objects=objects>
                {format!("Listing {}: {} ({formats}){bucket}.", reveal_invisible(&l.origin), counted(objects as u64, "object"))}
                {approx}
            </p>
            {(problem_count > 0).then(|| view! {
                <details class="problems" data-testid="leaks-listing-problems" data-count=problem_count>
                    <summary>{format!("{} in the listing (those lines were skipped)", counted(problem_count, "problem"))}</summary>
                    <ul>{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                    {(problem_count > 5).then(|| view! { <p class="muted">{format!("… and {} more", problem_count - 5)}</p> })}
                </details>
            })}
            {(!notes.is_empty()).then(|| view! {
                <ul class="muted notes" data-testid="leaks-listing-notes">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            })}
        })
    }
}

/// Layout, prefix, grace and price: URL parameters; a change reruns the reconciliation.
#[component]
fn Options() -> impl IntoView {
    let settings = expect_context::<Settings>();
    let grace_error = Memo::new(move |_| {
        let g = settings.grace.0.get()?;
        grace_ms(Some(&g)).err()
    });
    let layouts = Layout::ALL
        .into_iter()
        .map(|l| {
            let name = l.name();
            view! {
                <option value=name selected=move || settings.layout.0.get().as_deref() == Some(name)>{l.label()}</option>
            }
        })
        .collect_view();
    view! {
        <div class="forecast-inputs leaks-options">
            <label>
                "Layout "
                <select data-testid="leaks-layout" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    settings.layout.1.set((v != "auto").then_some(v));
                }>
                    <option value="auto" selected=move || settings.layout.0.get().and_then(|l| Layout::from_name(&l)).is_none()>"detect from the keys"</option>
                    {layouts}
                </select>
            </label>
            <label>
                "Prefix "
                <input type="text" spellcheck="false" data-testid="leaks-prefix" placeholder="detected"
                    prop:value=move || settings.prefix.0.get().unwrap_or_default()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        settings.prefix.1.set((!v.is_empty()).then_some(v));
                    } />
            </label>
            <label>
                "Grace "
                <input type="text" spellcheck="false" data-testid="leaks-grace" placeholder="1h"
                    prop:value=move || settings.grace.0.get().unwrap_or_default()
                    on:change=move |ev| {
                        let v = event_target_value(&ev).trim().to_string();
                        settings.grace.1.set((!v.is_empty()).then_some(v));
                    } />
                {move || grace_error.get().map(|e| view! { <span class="field-error" data-testid="leaks-grace-error">{format!("{e}; using 1h")}</span> })}
            </label>
            <label>
                "Remote storage "
                <input type="number" min="0" step="0.001" data-testid="leaks-price"
                    prop:value=move || {
                        let d = tierlens_core::forecast::Prices::default().remote_per_gb_month;
                        settings.price_remote.0.get().filter(|p| p.is_finite() && *p >= 0.0).unwrap_or(d).to_string()
                    }
                    on:change=move |ev| settings.price_remote.1.set(event_target_value(&ev).trim().parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)) />
                " $/GB-month"
            </label>
        </div>
    }
}

/// The reconciliation in flight (stage, bar, Cancel), or why it could not run.
#[component]
fn RunProgress() -> impl IntoView {
    let leaks = expect_context::<LeaksState>();
    move || {
        match leaks.run.get() {
        RunStatus::Running(p) => {
            let value = if p.total > 0 {
                p.done as f64 / p.total as f64
            } else {
                0.0
            };
            view! {
                <div class="panel-progress" role="status" data-testid="leaks-run-progress">
                    <span class="muted">"Reconciling: " {p.stage} "…"</span>
                    <progress max="1" value=value></progress>
                    <span class="muted">{format!("{:.0} %", value * 100.0)}</span>
                    <button class="cancel" data-testid="leaks-run-cancel" on:click=move |_| leaks.cancel_run()>"Cancel"</button>
                </div>
            }
            .into_any()
        }
        RunStatus::Failed(e) => view! {
            <p class="banner error" role="alert" data-testid="leaks-run-error">
                {format!("Could not reconcile: {}.", reveal_invisible(&e.to_string()).trim_end_matches('.'))}
                {leaks.result.with(|r| r.is_some()).then_some(" The results below are from the previous run.")}
            </p>
        }
        .into_any(),
        RunStatus::Idle => ().into_any(),
    }
    }
}

#[component]
fn Results(r: Arc<LeakResult>) -> impl IntoView {
    let rec = &r.reconciliation;
    let listing = &r.inputs.listing;
    let summary = format!(
        "Layout {} ({}), prefix {:?} ({}), grace {}, {} in the listing, {} segments in the snapshot; reconciled in {:.0} ms.",
        rec.layout.label(),
        if rec.layout_detected { "detected" } else { "chosen" },
        reveal_invisible(&rec.prefix),
        if rec.prefix_detected { "detected" } else { "chosen" },
        format_duration_ms(rec.grace_ms),
        counted(listing.listing.objects.len() as u64, "object"),
        format_count(rec.segment_why.len() as i64),
        r.elapsed_ms,
    );
    let cards = Class::ALL
        .into_iter()
        .map(|c| {
            let t = *rec.class_totals(c);
            let name = class_name(c);
            let attention = c.needs_attention() && (t.objects > 0 || t.segments > 0);
            view! {
                <div class="kpi leak-card" class:danger=attention class:ok=c == Class::Ok
                    data-testid=format!("leaks-class-{name}") data-objects=t.objects data-bytes=t.object_bytes
                    data-segments=t.segments data-segment-bytes=t.segment_bytes data-usd=t.monthly_usd.to_string()>
                    <div class="label">{c.label()}</div>
                    <div class="value"><Bytes value=t.object_bytes /></div>
                    <div class="sub">
                        {counted(t.objects, "object")} " · " {counted(t.segments, "segment")}
                        {(t.segments > 0).then(|| format!(" ({})", format_bytes(t.segment_bytes)))}
                    </div>
                    <div class="sub">{format!("{} a month", format_usd(t.monthly_usd))}</div>
                    <div class="sub help">{class_help(c)}</div>
                </div>
            }
        })
        .collect_view();
    let orphans = rec.class_totals(Class::Orphan).objects;
    let not_ok = r.not_ok.len();
    let csv_r = r.clone();
    let del_r = r.clone();
    let download_csv = move |_| {
        crate::download::save_text("tierlens-leaks.csv", "text/csv", &objects_csv(&csv_r));
    };
    let download_deletions = move |_| {
        crate::download::save_text(
            "tierlens-orphans-for-review.txt",
            "text/plain",
            &deletion_list(&del_r),
        );
    };
    view! {
        <section class="panel leaks-results" data-testid="leaks-results">
            <p class="muted" data-testid="leaks-summary" data-layout=rec.layout.name() data-prefix=rec.prefix.clone()
                data-grace-ms=rec.grace_ms data-objects=listing.listing.objects.len()>{summary}</p>
            <div class="kpis leak-cards">{cards}</div>
            <div class="actions leaks-downloads">
                <button data-testid="leaks-csv" on:click=download_csv disabled=not_ok == 0>
                    {format!("Download the {} not ok as CSV", counted(not_ok as u64, "object"))}
                </button>
                <button data-testid="leaks-deletion-list" on:click=download_deletions disabled=orphans == 0>
                    {format!("Download the {} for review", counted(orphans, "orphan key"))}
                </button>
                <span class="muted">"tierlens deletes nothing: review the list, then delete with your own tools."</span>
            </div>
        </section>
        <TopicsTable r=r.clone() />
        <KeysTable r=r.clone() />
        <MissingTable r=r />
    }
}

/// Per topic, the topics that need attention first (the core's order).
#[component]
fn TopicsTable(r: Arc<LeakResult>) -> impl IntoView {
    let count = r.reconciliation.topics.len();
    let rows = Signal::derive(move || (0..count as u32).collect::<Vec<u32>>());
    let rr = r.clone();
    let row = move |i: usize, k: u32| {
        let t = &rr.reconciliation.topics[k as usize];
        let shown = reveal_invisible(&t.topic).into_owned();
        let b = |c: Class| t.classes[c as usize].object_bytes;
        let attention = Class::ALL.iter().any(|&c| {
            c.needs_attention()
                && (t.classes[c as usize].objects + t.classes[c as usize].segments) > 0
        });
        let missing = t.classes[Class::Missing as usize].segments as i64;
        let ok = t.classes[Class::Ok as usize].objects as i64;
        view! {
            <tr aria-rowindex=i + 2 data-topic=t.topic.clone() class:attention=attention>
                <td title=shown.clone()>{shown.clone()}{(!t.in_snapshot).then_some(" (not in the snapshot)")}</td>
                <td><Bytes value=b(Class::Orphan) /></td>
                <td><Count value=missing /></td>
                <td><Bytes value=b(Class::Dangling) /></td>
                <td><Bytes value=b(Class::Foreign) /></td>
                <td><Bytes value=b(Class::OutsideLineage) /></td>
                <td><Bytes value=b(Class::InGrace) /></td>
                <td><Count value=ok /></td>
            </tr>
        }
    };
    view! {
        <section class="panel">
            <h2>{format!("Per topic ({}; those that need attention first)", format_count(count as i64))}</h2>
            <VirtualTable rows=rows key=|k: &u32| *k row=row columns=8usize testid="leaks-topics">
                <tr>
                    <th>"Topic"</th><th>"Orphan"</th><th>"Missing segments"</th><th>"Dangling"</th>
                    <th>"Foreign"</th><th>"Outside the lineage"</th><th>"In grace"</th><th>"Ok objects"</th>
                </tr>
            </VirtualTable>
        </section>
    }
}

/// The objects of one class (or every one not ok), a virtual table: millions scroll.
#[component]
fn KeysTable(r: Arc<LeakResult>) -> impl IntoView {
    let filter = RwSignal::new(String::from("not-ok"));
    let rf = r.clone();
    let rows = Memo::new(move |_| {
        let f = filter.get();
        let rec = &rf.reconciliation;
        match f.as_str() {
            "not-ok" => rf.not_ok.clone(),
            "ok" => (0..rec.object_why.len() as u32)
                .filter(|&i| rec.object_class(i as usize) == Class::Ok)
                .collect(),
            name => match class_of_name(name) {
                Some(c) => rf
                    .not_ok
                    .iter()
                    .copied()
                    .filter(|&i| rec.object_class(i as usize) == c)
                    .collect(),
                None => rf.not_ok.clone(),
            },
        }
    });
    let shown = Memo::new(move |_| rows.with(Vec::len));
    let rr = r.clone();
    let row = move |i: usize, k: u32| {
        let k = k as usize;
        let o = rr.inputs.listing.listing.objects.get(k);
        // The directory (long, shared by many keys) may be cut; the file name, which tells
        // the keys apart, never is. The full key is the tooltip.
        let dir = reveal_invisible(o.dir()).into_owned();
        let name = reveal_invisible(&o.name()).into_owned();
        let title = format!("{dir}{name}");
        let why: Why = rr.reconciliation.object_why[k];
        let lm = o
            .last_modified_ms()
            .map(format_timestamp_utc)
            .unwrap_or_default();
        view! {
            <tr aria-rowindex=i + 2 data-class=class_name(why.class())>
                <td class="leak-key" title=title>
                    <span class="key-dir">{dir}</span>
                    <span class="key-name">{name}</span>
                </td>
                <td>{why.class().label()}</td>
                <td><Bytes value=o.size_bytes() /></td>
                <td class="time">{lm}</td>
                <td class="reason" title=why.text()>{why.text()}</td>
            </tr>
        }
    };
    let options = Class::ALL
        .into_iter()
        .map(|c| {
            let n = r.reconciliation.class_totals(c).objects;
            view! { <option value=class_name(c)>{format!("{} ({})", c.label(), format_count(n as i64))}</option> }
        })
        .collect_view();
    view! {
        <section class="panel leaks-keys">
            <div class="whatif-head">
                <h2>"Objects"</h2>
                <label>
                    "Show "
                    <select data-testid="leaks-filter" on:change=move |ev| filter.set(event_target_value(&ev))>
                        <option value="not-ok" selected>{format!("every object not ok ({})", format_count(r.not_ok.len() as i64))}</option>
                        {options}
                    </select>
                    " "
                    <span class="muted" data-testid="leaks-keys-count" data-count=move || shown.get()>{move || counted(shown.get() as u64, "object")}</span>
                </label>
            </div>
            <VirtualTable rows=rows key=|k: &u32| *k row=row columns=5usize testid="leaks-keys">
                <tr><th>"Key"</th><th>"Class"</th><th>"Size"</th><th>"Last modified (UTC)"</th><th>"Why"</th></tr>
            </VirtualTable>
        </section>
    }
}

/// Segments the metadata says are complete whose objects are not all in the bucket.
#[component]
fn MissingTable(r: Arc<LeakResult>) -> impl IntoView {
    const SHOWN: usize = 1000;
    let rec = &r.reconciliation;
    let snap = &r.inputs.snapshot;
    let total = rec.class_totals(Class::Missing).segments;
    if total == 0 {
        return view! {
            <section class="panel" data-testid="leaks-missing-none">
                <h2>"Missing segments (data loss)"</h2>
                <p class="muted">"None: every complete segment has its objects in the bucket."</p>
            </section>
        }
        .into_any();
    }
    let mut rows = Vec::new();
    let mut g = 0usize;
    'all: for t in &snap.topics {
        for p in &t.partitions {
            for row in 0..p.segments.len() {
                if rec.segment_why[g] == Why::LacksObjects {
                    let seg = p.segments.at(row);
                    let found = rec.segment_found[g];
                    let lacking: Vec<String> = rec
                        .layout
                        .required(found)
                        .minus(found)
                        .iter()
                        .map(|k| format!("{k:?}"))
                        .collect();
                    rows.push((
                        reveal_invisible(&t.name).into_owned(),
                        p.partition,
                        seg.id.to_string(),
                        seg.start_offset,
                        seg.size_bytes,
                        lacking.join(", "),
                    ));
                    if rows.len() >= SHOWN {
                        break 'all;
                    }
                }
                g += 1;
            }
        }
    }
    view! {
        <section class="panel">
            <h2>{format!("Missing segments (data loss): {}", format_count(total as i64))}</h2>
            <div class="scroll">
                <table class="data" data-testid="leaks-missing" data-count=total>
                    <thead><tr><th>"Topic"</th><th>"Partition"</th><th>"Segment id"</th><th>"Start offset"</th><th>"Size"</th><th>"Objects not in the bucket"</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(topic, partition, id, start, size, lacking)| view! {
                            <tr>
                                <td title=topic.clone()>{topic.clone()}</td>
                                <td>{partition}</td>
                                <td class="mono">{id}</td>
                                <td>{format_count(start)}</td>
                                <td><Bytes value=size /></td>
                                <td class="lacking">{lacking}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(total as usize > SHOWN).then(|| view! { <p class="muted">{format!("The first {SHOWN} are shown; the CSV has every object.")}</p> })}
        </section>
        }
    .into_any()
}

/// `RemoteLogSizeBytes` pasted from Prometheus or a JMX dump, against the metadata.
#[component]
fn DriftPanel() -> impl IntoView {
    let d = expect_context::<Derived>();
    let text = NodeRef::<Textarea>::new();
    let outcome = RwSignal::new(None::<Result<Vec<Drift>, String>>);
    let compare = move |_| {
        let Some(el) = text.get() else { return };
        let t = el.value();
        let result = parse_remote_log_size_metrics(&t)
            .map_err(|e| e.to_string())
            .and_then(|m| {
                d.snapshot.with_untracked(|s| match s {
                    Some(s) => Ok(metric_drift(s, d.profile.get_untracked().profile, &m)),
                    None => Err("no snapshot is loaded".to_string()),
                })
            });
        outcome.set(Some(result));
    };
    view! {
        <details class="panel leaks-drift">
            <summary>"RemoteLogSizeBytes (the metric) against the metadata"</summary>
            <p class="muted">"Paste the brokers' metric as Prometheus text or a JMX dump; each topic's samples are summed over the brokers."</p>
            <textarea data-testid="leaks-metrics" node_ref=text rows="4" spellcheck="false"
                placeholder="kafka_server_brokertopicmetrics_remotelogsizebytes{topic=\"orders\"} 1.2e9"></textarea>
            <button data-testid="leaks-drift-run" on:click=compare>"Compare"</button>
            {move || outcome.get().map(|o| match o {
                Err(e) => view! { <p class="field-error" data-testid="leaks-drift-error">{reveal_invisible(&e).into_owned()}</p> }.into_any(),
                Ok(rows) => { let n = rows.len(); view! {
                    <div class="scroll">
                        <table class="data" data-testid="leaks-drift" data-count=n>
                            <thead><tr><th>"Topic"</th><th>"Metric"</th><th>"Metadata"</th><th>"Drift"</th><th>"Samples (brokers)"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|x| {
                                    let b = |v: Option<i64>| v.map(format_bytes).unwrap_or_else(|| "unknown".into());
                                    let drift = match (x.drift_bytes, x.drift_ratio) {
                                        (Some(0), _) => "equal".to_string(),
                                        (Some(v), Some(r)) => format!("{}{} ({:+.2} %)", if v > 0 { "+" } else { "−" }, format_bytes(v.saturating_abs()), r * 100.0),
                                        (Some(v), None) => format!("{}{}", if v > 0 { "+" } else { "−" }, format_bytes(v.saturating_abs())),
                                        (None, _) => String::new(),
                                    };
                                    let name = reveal_invisible(&x.topic).into_owned();
                                    view! {
                                        <tr data-drift=x.drift_bytes.map(|v| v.to_string()).unwrap_or_default()>
                                            <td title=name.clone()>{name.clone()}</td>
                                            <td>{b(x.metric_bytes)}</td>
                                            <td>{b(x.metadata_bytes)}</td>
                                            <td>{drift}</td>
                                            <td>{format!("{} ({}){}", x.samples, x.brokers, if x.nan_samples > 0 { format!(", {} NaN", x.nan_samples) } else { String::new() })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any() }
            })}
        </details>
    }
}
