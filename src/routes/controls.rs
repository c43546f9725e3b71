//! The settings every number depends on: the Kafka version profile and the "now" of the
//! expiration run (time travel).
use crate::components::num::format_instant;
use crate::derived::Derived;
use crate::state::Settings;
use leptos::prelude::*;
use tierlens_core::profile::KafkaVersion;
use tierlens_core::units::{format_duration_ms, parse_duration_ms};

const DAY: i64 = 86_400_000;

#[component]
pub fn PlanControls() -> impl IntoView {
    let settings = expect_context::<Settings>();
    let derived = expect_context::<Derived>();
    let captured = Memo::new(move |_| {
        derived
            .snapshot
            .with(|s| s.as_ref().map(|s| s.captured_at_ms).unwrap_or(0))
    });
    let now_error = RwSignal::new(None::<String>);

    let on_version = move |ev| {
        let v = event_target_value(&ev);
        settings.kafka_version.1.set((v != "auto").then_some(v));
    };
    let set_now = move |ms: i64| {
        now_error.set(None);
        settings
            .now
            .1
            .set((ms != captured.get_untracked()).then_some(ms));
    };
    let shift = move |delta: i64| move |_| set_now(captured.get_untracked().saturating_add(delta));
    // Typed "now": "+3d" / "-12h" from the capture time, or epoch milliseconds.
    let on_now_text = move |ev| {
        let text = event_target_value(&ev);
        let t = text.trim();
        let at = captured.get_untracked();
        let parsed: Option<i64> = if let Some(rest) = t.strip_prefix('+') {
            parse_duration_ms(rest).ok().map(|d| at.saturating_add(d))
        } else if let Some(rest) = t.strip_prefix('-') {
            parse_duration_ms(rest).ok().map(|d| at.saturating_sub(d))
        } else {
            t.parse::<i64>().ok()
        };
        match parsed {
            Some(ms) => set_now(ms),
            None => now_error.set(Some(format!(
                "{t:?} is not a time: use +3d, -12h (from the capture time) or epoch milliseconds"
            ))),
        }
    };

    let profile_text = move || {
        derived.profile.with(|p| {
            let mut s = format!("Computed with the Kafka {} rules", p.profile.label());
            if !p.chosen {
                s.push_str(" (from the snapshot)");
            }
            if let Some(n) = &p.note {
                s.push_str(&format!(" · {n}"));
            }
            s
        })
    };
    let offset_text = move || {
        let d = derived.now_ms.get().saturating_sub(captured.get());
        if d == 0 {
            "the snapshot's capture time".to_string()
        } else if d > 0 {
            format!("{} after the capture", format_duration_ms(d))
        } else {
            format!("{} before the capture", format_duration_ms(-d))
        }
    };

    view! {
        <section class="panel controls" aria-label="Plan settings">
            <label>
                "Kafka version "
                <select
                    data-testid="kafka-version"
                    on:change=on_version
                    prop:value=move || settings.kafka_version.0.get().unwrap_or_else(|| "auto".into())
                >
                    <option value="auto">
                        {move || format!("from snapshot ({})", derived.profile.with(|p| p.snapshot_default.label()))}
                    </option>
                    {KafkaVersion::ALL
                        .into_iter()
                        .map(|p| view! { <option value=p.label()>{p.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            <div class="now">
                <span>"Expiration run at "</span>
                <strong data-testid="now" data-ms=move || derived.now_ms.get().to_string()>
                    {move || format_instant(derived.now_ms.get(), settings.utc.0.get() == Some(1))}
                </strong>
                <span class="muted">" (" {offset_text} ")"</span>
                <button on:click=move |_| set_now(captured.get_untracked())>"capture time"</button>
                <button on:click=shift(DAY)>"+1 day"</button>
                <button on:click=shift(7 * DAY)>"+7 days"</button>
                <button on:click=shift(30 * DAY)>"+30 days"</button>
                <input
                    class="now-text"
                    aria-label="Run the expiration at (e.g. +3d or epoch ms)"
                    placeholder="+3d"
                    on:change=on_now_text
                />
                <label class="utc">
                    <input
                        type="checkbox"
                        prop:checked=move || settings.utc.0.get() == Some(1)
                        on:change=move |ev| settings.utc.1.set(event_target_checked(&ev).then_some(1))
                    />
                    " UTC"
                </label>
            </div>
            <p class="muted profile-note" data-testid="profile-note">{profile_text}</p>
            {move || now_error.get().map(|e| view! { <p class="field-error">{e}</p> })}
        </section>
    }
}
