//! Retention what-if for one topic: proposed retention.ms / retention.bytes (and the local
//! ones) next to the current values, recomputed on every change, with the kafka-configs
//! command and the plan as CSV.
use crate::components::{Bytes, Count};
use crate::derived::Derived;
use crate::state::Settings;
use leptos::prelude::*;
use std::collections::BTreeMap;
use tierlens_core::export::{kafka_configs_command, plan_csv};
use tierlens_core::retention::{PlanTotals, Policy};
use tierlens_core::scale::{position_of, value_at, STEPS};
use tierlens_core::units::{
    counted, format_bytes, format_config_value, format_config_value_exact, parse_config_value,
};
use tierlens_core::ConfigKey;

#[component]
pub fn WhatIf(topic: String) -> impl IntoView {
    let d = expect_context::<Derived>();
    let settings = expect_context::<Settings>();
    let current = {
        let topic = topic.clone();
        Memo::new(move |_| {
            d.snapshot
                .with(|s| s.as_ref().and_then(|s| s.topic(&topic)).map(|t| t.config))
                .unwrap_or_default()
        })
    };
    let of_topic = |topics: &[tierlens_core::retention::TopicPlanTotals], topic: &str| {
        topics
            .iter()
            .find(|t| t.topic == topic)
            .map(|t| t.totals)
            .unwrap_or_default()
    };
    let proposed = {
        let topic = topic.clone();
        Memo::new(move |_| {
            d.proposed_plan.with(|p| {
                p.as_ref()
                    .map(|p| of_topic(&p.topics, &topic))
                    .unwrap_or_default()
            })
        })
    };
    let baseline = {
        let topic = topic.clone();
        Memo::new(move |_| {
            d.current_plan.with(|p| {
                p.as_ref()
                    .map(|p| of_topic(&p.topics, &topic))
                    .unwrap_or_default()
            })
        })
    };
    let changes = Memo::new(move |_| {
        ConfigKey::ALL
            .into_iter()
            .filter_map(|k| settings.config(k).0.get().map(|v| (k, v)))
            .filter(|&(k, v)| k.get(&current.get()) != v)
            .collect::<BTreeMap<_, _>>()
    });

    view! {
        <section class="panel whatif" aria-label="Retention what-if">
            <div class="whatif-head">
                <h2>"Retention what-if"</h2>
                <button
                    data-testid="reset"
                    on:click=move |_| for k in ConfigKey::ALL { settings.config(k).1.set(None) }
                    disabled=move || ConfigKey::ALL.iter().all(|&k| settings.config(k).0.get().is_none())
                >
                    "Reset to the topic's configuration"
                </button>
            </div>
            <div class="config-rows">
                <div class="config-row head">
                    <span>"Config"</span><span>"Current"</span><span>"Proposed"</span><span></span><span></span>
                </div>
                {ConfigKey::ALL
                    .into_iter()
                    .map(|k| view! { <ConfigRow key=k current=Signal::derive(move || k.get(&current.get())) /> })
                    .collect_view()}
            </div>
            <Summary proposed=proposed baseline=baseline />
            <ProfileDifference topic=topic.clone() />
            <Actions topic=topic changes=changes />
        </section>
    }
}

/// One config: current value, slider and typed field for the proposed value.
#[component]
fn ConfigRow(key: ConfigKey, #[prop(into)] current: Signal<i64>) -> impl IntoView {
    let settings = expect_context::<Settings>();
    let (value, set_value) = settings.config(key);
    let proposed = move || value.get().unwrap_or_else(|| current.get());
    let error = RwSignal::new(None::<String>);
    let set = move |v: i64| {
        error.set(None);
        set_value.set((v != current.get_untracked()).then_some(v));
    };
    let name = key.as_str();
    let field_id = format!("cfg-{}", name.replace('.', "-"));
    view! {
        <div class="config-row" class:changed=move || value.get().is_some_and(|v| v != current.get())>
            <label for=field_id.clone()><code>{name}</code></label>
            <span class="current" title=move || format!("{} ({})", current.get(), name)>
                {move || format_config_value(key, current.get())}
            </span>
            <span class="proposed" data-testid=format!("proposed-{name}") title=move || proposed().to_string()>
                {move || format_config_value(key, proposed())}
            </span>
            <input
                type="range"
                min="0"
                max=STEPS.to_string()
                aria-label=format!("Proposed {name}")
                data-testid=format!("slider-{name}")
                prop:value=move || position_of(key, proposed()).to_string()
                on:input=move |ev| {
                    if let Ok(pos) = event_target_value(&ev).parse::<i64>() {
                        set(value_at(key, pos));
                    }
                }
            />
            <div class="typed">
                <input
                    id=field_id
                    type="text"
                    data-testid=format!("input-{name}")
                    placeholder=if matches!(key, ConfigKey::RetentionMs | ConfigKey::LocalRetentionMs) { "7d, 36h, -1" } else { "500GiB, -1" }
                    prop:value=move || format_config_value_exact(key, proposed())
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        match parse_config_value(key, &text) {
                            Ok(v) => set(v),
                            Err(e) => error.set(Some(e.to_string())),
                        }
                    }
                />
                {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
            </div>
        </div>
    }
}

/// What the proposed configs delete, and how that differs from the current configs.
#[component]
fn Summary(proposed: Memo<PlanTotals>, baseline: Memo<PlanTotals>) -> impl IntoView {
    // "+3 segments" / "−1.20 GiB" / "same as now".
    let delta = move |f: fn(&PlanTotals) -> i64, unit: fn(i64) -> String| {
        let d = f(&proposed.get()) - f(&baseline.get());
        match d.cmp(&0) {
            std::cmp::Ordering::Equal => "same as now".to_string(),
            std::cmp::Ordering::Greater => format!("+{}", unit(d)),
            std::cmp::Ordering::Less => format!("−{}", unit(-d)),
        }
    };
    let segments = |n: i64| format!("{n} segments");
    view! {
        <div class="kpis summary" data-testid="whatif-summary">
            <div class="kpi danger">
                <div class="label">"Segments deleted"</div>
                <div class="value"><Count value=Signal::derive(move || proposed.get().segments_deleted as i64) testid="deleted-segment-count" /></div>
                <div class="sub">{move || delta(|t| t.segments_deleted as i64, segments)} " vs current config"</div>
            </div>
            <div class="kpi danger">
                <div class="label">"Bytes freed"</div>
                <div class="value"><Bytes value=Signal::derive(move || proposed.get().bytes_freed) testid="bytes-freed" /></div>
                <div class="sub">{move || delta(|t| t.bytes_freed, format_bytes)} " vs current config"</div>
            </div>
            <div class="kpi">
                <div class="label">"Remote size after"</div>
                <div class="value"><Bytes value=Signal::derive(move || proposed.get().remote_size_after) testid="remote-size-after" /></div>
                <div class="sub">"before: " <Bytes value=Signal::derive(move || proposed.get().remote_log_size_bytes) /></div>
            </div>
            <div class="kpi">
                <div class="label">"Local bytes freed"</div>
                <div class="value"><Bytes value=Signal::derive(move || proposed.get().local_bytes_freed) testid="local-bytes-freed" /></div>
                <div class="sub">"by local.retention.* (copied segments only)"</div>
            </div>
        </div>
    }
}

/// When the chosen Kafka version differs from the snapshot's, what the snapshot's version
/// would do differently with the same configs.
#[component]
fn ProfileDifference(topic: String) -> impl IntoView {
    let d = expect_context::<Derived>();
    let diff = Memo::new(move |_| {
        let (chosen, default) = d.profile.with(|p| (p.profile, p.snapshot_default));
        if chosen == default {
            return None;
        }
        let now = d.now_ms.get();
        let policy = Policy {
            profile: default,
            ..d.proposed_policy.get()
        };
        let other = d
            .default_index
            .with(|i| i.as_ref().map(|i| i.plan(&policy, now)))?;
        let mine = d.proposed_plan.get()?;
        let ids = |p: &tierlens_core::retention::Plan| -> std::collections::BTreeSet<String> {
            p.partitions
                .iter()
                .filter(|pp| pp.topic == topic)
                .flat_map(|pp| pp.deletions.iter().map(|x| x.id.clone()))
                .collect()
        };
        let (a, b) = (ids(&mine), ids(&other));
        let only_mine: Vec<String> = a.difference(&b).cloned().collect();
        let only_other: Vec<String> = b.difference(&a).cloned().collect();
        Some((chosen.label(), default.label(), only_mine, only_other))
    });
    move || {
        diff.get().map(|(chosen, default, only_mine, only_other)| {
            let same = only_mine.is_empty() && only_other.is_empty();
            view! {
                <div class="profile-diff" data-testid="profile-diff">
                    {if same {
                        format!("Kafka {chosen} and {default} (the snapshot's) delete the same segments of this topic.")
                    } else {
                        format!(
                            "Kafka {chosen} deletes {} that {default} keeps, and keeps {} that {default} deletes: {}",
                            counted(only_mine.len() as u64, "segment"),
                            only_other.len(),
                            only_mine.iter().chain(&only_other).take(6).cloned().collect::<Vec<_>>().join(", ")
                        )
                    }}
                </div>
            }
        })
    }
}

/// The command that applies the proposal, and the plan as CSV.
#[component]
fn Actions(topic: String, changes: Memo<BTreeMap<ConfigKey, i64>>) -> impl IntoView {
    let d = expect_context::<Derived>();
    let command = {
        let topic = topic.clone();
        Memo::new(move |_| changes.with(|c| kafka_configs_command(&topic, c)))
    };
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let (Some(cmd), Some(w)) = (command.get_untracked(), web_sys::window()) {
            let _ = w.navigator().clipboard().write_text(&cmd);
            copied.set(true);
        }
    };
    let download = move |_| {
        let csv = d.snapshot.with_untracked(|s| {
            d.proposed_plan.with_untracked(|p| match (s, p) {
                (Some(s), Some(p)) => Some(plan_csv(s, p, Some(&topic))),
                _ => None,
            })
        });
        if let Some(csv) = csv {
            crate::download::save_text("tierlens-plan.csv", "text/csv", &csv);
        }
    };
    view! {
        <div class="actions">
            {move || match command.get() {
                Some(cmd) => view! {
                    <div class="command">
                        <code data-testid="kafka-configs-command">{cmd}</code>
                        <button on:click=copy>{move || if copied.get() { "Copied" } else { "Copy command" }}</button>
                    </div>
                }.into_any(),
                None => view! { <p class="muted">"Change a value to get the kafka-configs.sh command that applies it."</p> }.into_any(),
            }}
            <button data-testid="download-csv" on:click=download>"Download the plan as CSV"</button>
        </div>
    }
}
