//! `view=forecast`: remote and local bytes forward in time under the current and the proposed
//! policy, where each settles, and what it costs. All numbers come from
//! `tierlens_core::forecast`; the view only wires the URL settings to it.
use crate::charts::EChart;
use crate::components::Bytes;
use crate::derived::{Derived, Shared};
use crate::routes::WhatIf;
use crate::state::{prefers_dark, Settings};
use leptos::prelude::*;
use std::sync::Arc;
use tierlens_charts::{forecast_lines, to_option_json, ForecastLine};
use tierlens_core::export::forecast_csv;
use tierlens_core::forecast::cost::{cluster_sentence, cost, format_usd};
use tierlens_core::forecast::{
    estimate_rates, summary_sentence, Forecast, ForecastCache, ForecastOptions, PolicyProjection,
    Prices, RateOverride, SteadyKind, Which,
};
use tierlens_core::units::{
    format_bytes, format_timestamp_utc, parse_duration_ms, reveal_invisible,
};

const DAY_MS: i64 = 86_400_000;
/// The horizons offered as buttons (any other `horizon=` from the URL is used as given).
const HORIZONS: [(&str, i64); 5] = [
    ("7d", 7 * DAY_MS),
    ("30d", 30 * DAY_MS),
    ("90d", 90 * DAY_MS),
    ("1y", 365 * DAY_MS),
    ("2y", 730 * DAY_MS),
];
const DEFAULT_HORIZON_MS: i64 = 90 * DAY_MS;

/// The horizon from `horizon=` (a duration such as `90d`; `1y` / `2y` are 365 / 730 days),
/// clamped to 7 days … 2 years.
fn horizon_ms(setting: Option<&str>) -> i64 {
    setting
        .and_then(|h| match h.trim() {
            "1y" => Some(365 * DAY_MS),
            "2y" => Some(730 * DAY_MS),
            h => parse_duration_ms(h).ok(),
        })
        .unwrap_or(DEFAULT_HORIZON_MS)
        .clamp(7 * DAY_MS, 730 * DAY_MS)
}

fn steady_text(p: &PolicyProjection) -> String {
    let s = &p.steady;
    let at = |ms: Option<i64>| ms.map(format_timestamp_utc).unwrap_or_default();
    match (s.kind, s.remote_bytes) {
        (SteadyKind::Unbounded, _) => "keeps growing (no retention limit)".to_string(),
        (SteadyKind::Growing, _) => "keeps growing (the ingest rate grows)".to_string(),
        (_, Some(b)) if s.reached_at_ms.is_some() => {
            format!("~{} from {}", format_bytes(b), at(s.reached_at_ms))
        }
        (_, Some(b)) => format!("~{} (not within the horizon)", format_bytes(b)),
        (_, None) => "not within the horizon".to_string(),
    }
}

#[component]
pub fn ForecastView() -> impl IntoView {
    let d = expect_context::<Derived>();
    let settings = expect_context::<Settings>();
    let dark = prefers_dark();
    let horizon = Memo::new(move |_| horizon_ms(settings.horizon.0.get().as_deref()));
    let prices = Memo::new(move |_| {
        let def = Prices::default();
        Prices {
            remote_per_gb_month: settings
                .price_remote
                .0
                .get()
                .filter(|p| p.is_finite() && *p >= 0.0)
                .unwrap_or(def.remote_per_gb_month),
            local_per_gb_month: settings
                .price_local
                .0
                .get()
                .filter(|p| p.is_finite() && *p >= 0.0)
                .unwrap_or(def.local_per_gb_month),
            ..def
        }
    });
    let topic = Memo::new(move |_| {
        let t = settings.topic.0.get()?;
        d.snapshot
            .with(|s| s.as_ref().and_then(|s| s.topic(&t)).map(|_| t))
    });
    // Rates depend on the snapshot only; the forecast on everything the user sets.
    let rates = Memo::new(move |_| {
        d.snapshot.with(|s| {
            s.as_ref()
                .map(|s| Shared(Arc::new(crate::perf::phase("rates", || estimate_rates(s)))))
        })
    });
    // The current policy's projection, and each topic's under the last proposal, are kept:
    // a slider recomputes only the topic it moves.
    let cache = StoredValue::new(ForecastCache::new());
    let result = Memo::new(move |_| {
        let rates = rates.get()?;
        let now = d.now_ms.get();
        let mut options = ForecastOptions::new(now, horizon.get());
        if let Some(t) = topic.get() {
            let growth = settings
                .growth
                .0
                .get()
                .filter(|g| g.is_finite())
                .unwrap_or(0.0);
            let rate = settings
                .rate
                .0
                .get()
                .filter(|r| r.is_finite() && *r >= 0.0)
                .map(|mb| mb * 1e6);
            if growth != 0.0 || rate.is_some() {
                options.overrides.insert(
                    t,
                    RateOverride {
                        bytes_per_sec: rate,
                        growth_pct_per_month: growth,
                    },
                );
            }
        }
        let current = d.current_policy.get();
        let proposed = d.proposed_policy.get();
        let s = d.snapshot.get()?;
        let f = cache.try_update_value(|c| {
            crate::perf::phase("forecast", || {
                c.forecast(&s.0, &current, &proposed, &rates.0, &options)
            })
        })?;
        Some(Shared(Arc::new(f)))
    });

    // What the chart and the sentences show: the selected topic, else the cluster.
    fn projections<'a>(
        f: &'a Forecast,
        topic: Option<&str>,
    ) -> Option<(&'a PolicyProjection, &'a PolicyProjection)> {
        match topic {
            Some(t) => f.topic(t).map(|t| (&t.current, &t.proposed)),
            None => Some((&f.cluster_current, &f.cluster_proposed)),
        }
    }
    let option = Memo::new(move |_| {
        let f = result.get()?;
        let (cur, pro) = projections(&f, topic.get().as_deref())?;
        let lines = vec![
            ForecastLine {
                name: "remote, current configs".into(),
                values: cur.series.remote_bytes.clone(),
                proposed: false,
                local: false,
            },
            ForecastLine {
                name: "remote, proposed".into(),
                values: pro.series.remote_bytes.clone(),
                proposed: true,
                local: false,
            },
            ForecastLine {
                name: "local, current configs".into(),
                values: cur.series.local_bytes.clone(),
                proposed: false,
                local: true,
            },
            ForecastLine {
                name: "local, proposed".into(),
                values: pro.series.local_bytes.clone(),
                proposed: true,
                local: true,
            },
        ];
        Some(to_option_json(&forecast_lines(&f.times_ms, &lines, dark)))
    });
    let option = Signal::derive(move || option.get().unwrap_or_default());

    // The sentences a tenant reads, and the cost line.
    let sentences = Memo::new(move |_| {
        let f = result.get()?;
        let p = prices.get();
        let end = f.now_ms + f.horizon_ms;
        Some(match topic.get() {
            Some(t) => [Which::Current, Which::Proposed]
                .into_iter()
                .filter_map(|w| summary_sentence(&f, &p, &t, w, end))
                .map(|s| reveal_invisible(&s).into_owned())
                .collect::<Vec<_>>(),
            None => vec![cluster_sentence(&f, &p, end)],
        })
    });
    let cost_line = Memo::new(move |_| {
        let f = result.get()?;
        let report = cost(&f, &prices.get());
        let line = match topic.get() {
            Some(t) => report
                .topics
                .into_iter()
                .find(|l| l.topic.as_deref() == Some(t.as_str()))?,
            None => report.cluster,
        };
        Some((line, report.assumptions))
    });

    let download = move |_| {
        let csv = result.with_untracked(|f| {
            f.as_ref()
                .map(|f| forecast_csv(f, topic.get_untracked().as_deref()))
        });
        if let Some(csv) = csv {
            crate::download::save_text("tierlens-forecast.csv", "text/csv", &csv);
        }
    };
    let horizon_buttons = HORIZONS
        .iter()
        .map(|&(label, ms)| {
            view! {
                <button
                    aria-pressed=move || (horizon.get() == ms).to_string()
                    data-testid=format!("horizon-{label}")
                    on:click=move |_| settings.horizon.1.set(Some(format!("{}d", ms / DAY_MS)))
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    let topics = Memo::new(move |_| {
        d.snapshot.with(|s| {
            s.as_ref()
                .map(|s| s.topics.iter().map(|t| t.name.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let price_input = move |label: &'static str,
                            testid: &'static str,
                            get: Memo<Prices>,
                            remote: bool| {
        let value = move || {
            let p = get.get();
            format!(
                "{}",
                if remote {
                    p.remote_per_gb_month
                } else {
                    p.local_per_gb_month
                }
            )
        };
        view! {
            <label class="price">
                {label}
                <input type="number" min="0" step="0.001" data-testid=testid prop:value=value
                    on:change=move |ev| {
                        let v = event_target_value(&ev).trim().parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
                        if remote { settings.price_remote.1.set(v) } else { settings.price_local.1.set(v) }
                    } />
                " $/GB-month"
            </label>
        }
    };

    view! {
        {move || topic.get().map(|t| view! { <WhatIf topic=t /> })}
        <section class="panel forecast" data-testid="forecast">
            <div class="whatif-head">
                <h2>
                    "Forecast · "
                    {move || topic.get().map(|t| reveal_invisible(&t).into_owned()).unwrap_or_else(|| "the whole cluster".into())}
                </h2>
                <div class="toggle" role="group" aria-label="Forecast horizon">{horizon_buttons}</div>
            </div>
            <label class="pick-topic">
                "Topic "
                <select data-testid="forecast-topic" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    settings.select_topic((!v.is_empty()).then_some(v));
                }>
                    <option value="" selected=move || topic.get().is_none()>"the whole cluster"</option>
                    {move || topics.get().into_iter().map(|t| {
                        let shown = reveal_invisible(&t).into_owned();
                        let sel = t.clone();
                        view! { <option value=t selected=move || topic.get().as_deref() == Some(sel.as_str())>{shown}</option> }
                    }).collect_view()}
                </select>
                <span class="muted">" (a topic's retention what-if and ingest rate can be changed)"</span>
            </label>
            <div class="forecast-summary" data-testid="forecast-summary">
                {move || sentences.get().unwrap_or_default().into_iter().map(|s| view! { <p>{s}</p> }).collect_view()}
            </div>
            <EChart option=option label="Remote and local bytes over time under the current and the proposed configs; the table below has the steady states" class="tall" />
            {move || cost_line.get().map(|(line, assumptions)| {
                let cur = line.current.at_steady_state.unwrap_or(line.current.at_horizon);
                let pro = line.proposed.at_steady_state.unwrap_or(line.proposed.at_horizon);
                let diff = pro.total_usd - cur.total_usd;
                view! {
                    <p class="cost" data-testid="forecast-cost" data-current=cur.total_usd.to_string() data-proposed=pro.total_usd.to_string()>
                        "Monthly cost (remote + local"
                        {if line.current.at_steady_state.is_some() { ", once settled" } else { ", at the horizon" }}
                        "): current configs " <strong>{format_usd(cur.total_usd)}</strong>
                        ", proposed " <strong>{format_usd(pro.total_usd)}</strong>
                        " (" {if diff >= 0.0 { format!("+{}", format_usd(diff)) } else { format!("−{}", format_usd(-diff)) }} " a month)."
                    </p>
                    <ul class="muted assumptions">{assumptions.into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ul>
                }
            })}
            <div class="forecast-inputs">
                {price_input("Remote ", "price-remote", prices, true)}
                {price_input("Local ", "price-local", prices, false)}
                {move || topic.get().map(|_| view! {
                    <label>
                        "Growth "
                        <input type="number" step="1" data-testid="growth" prop:value=move || settings.growth.0.get().map(|g| g.to_string()).unwrap_or_default()
                            on:change=move |ev| settings.growth.1.set(event_target_value(&ev).trim().parse::<f64>().ok().filter(|g| g.is_finite() && *g != 0.0)) />
                        " % a month"
                    </label>
                    <label>
                        "Ingest "
                        <input type="number" min="0" step="0.1" data-testid="rate" placeholder="estimated" prop:value=move || settings.rate.0.get().map(|r| r.to_string()).unwrap_or_default()
                            on:change=move |ev| settings.rate.1.set(event_target_value(&ev).trim().parse::<f64>().ok().filter(|r| r.is_finite() && *r >= 0.0)) />
                        " MB/s (empty: estimated from the snapshot)"
                    </label>
                })}
                <button data-testid="forecast-csv" on:click=download>"Download the series as CSV"</button>
            </div>
            <h3>"Where each topic settles"</h3>
            <div class="scroll">
                <table class="data" data-testid="steady-table">
                    <thead><tr><th>"Topic"</th><th>"Ingest (estimated)"</th><th>"Current configs"</th><th>"Proposed"</th><th>"Remote after the horizon, proposed"</th></tr></thead>
                    <tbody>
                        {move || result.get().map(|f| f.topics.iter().map(|t| {
                            let name = t.topic.clone();
                            let rate = format!(
                                "{}/s{}",
                                format_bytes(t.rate.bytes_per_sec.round() as i64),
                                if t.rate.weak_partitions > 0 { format!(" (weak for {} partitions)", t.rate.weak_partitions) } else { String::new() }
                            );
                            let last = t.proposed.series.remote_bytes.last().copied().unwrap_or(0);
                            view! {
                                <tr data-topic=name.clone()>
                                    <td title=name.clone()>{reveal_invisible(&name).into_owned()}</td>
                                    <td>{rate}</td>
                                    <td>{steady_text(&t.current)}</td>
                                    <td>{steady_text(&t.proposed)}</td>
                                    <td><Bytes value=last /></td>
                                </tr>
                            }
                        }).collect_view())}
                    </tbody>
                </table>
            </div>
            <details class="assumptions">
                <summary>"What the forecast assumes"</summary>
                <ul>{move || result.get().map(|f| f.assumptions.iter().map(|a| view! {
                    <li>{a.topic.as_ref().map(|t| format!("{}: ", reveal_invisible(t))).unwrap_or_default()}{a.text.clone()}</li>
                }).collect_view())}</ul>
            </details>
        </section>
    }
}
