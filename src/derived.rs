//! Everything computed from the loaded snapshot and the URL settings, as memos over pure
//! `tierlens-core` functions. Views read these; nothing here touches the DOM.

use crate::state::{AppState, Settings};
use leptos::prelude::*;
use std::sync::Arc;
use tierlens_core::profile::KafkaVersion;
use tierlens_core::retention::{Plan, PlanIndex, PlanSummary, Policy};
use tierlens_core::size::{sizes, SizeReport};
use tierlens_core::{ConfigKey, Snapshot};

/// An `Arc` compared by identity: memos holding large results must not deep-compare them.
#[derive(Debug)]
pub struct Shared<T>(pub Arc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}
impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Which version profile computes the numbers, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileChoice {
    pub profile: KafkaVersion,
    /// The profile the snapshot implies (its `kafkaVersion`, else the newest).
    pub snapshot_default: KafkaVersion,
    /// Set when the user picked one in the URL.
    pub chosen: bool,
    /// e.g. "3.6.0 is computed with the 3.6.1 rules".
    pub note: Option<String>,
}

#[derive(Clone, Copy)]
pub struct Derived {
    pub snapshot: Memo<Option<Shared<Snapshot>>>,
    /// The snapshot's sizes have been painted: slower work (the cluster plan, the findings)
    /// waits for this, so a large snapshot's totals show as soon as they are known.
    pub painted: Memo<bool>,
    pub profile: Memo<ProfileChoice>,
    pub now_ms: Memo<i64>,
    pub sizes: Memo<Option<Shared<SizeReport>>>,
    /// The what-if index of the selected topic (none without one): a what-if changes one
    /// topic, and a cluster-wide index would hold ~100 bytes per segment for good.
    pub index: Memo<Option<Shared<PlanIndex>>>,
    /// The index under the snapshot's own profile, to show what the chosen profile changes.
    pub default_index: Memo<Option<Shared<PlanIndex>>>,
    /// The snapshot's configs, no overrides.
    pub current_policy: Memo<Policy>,
    /// The snapshot's configs with the user's proposed values for the selected topic.
    pub proposed_policy: Memo<Policy>,
    /// The whole cluster under its configs: sizes, counts and totals, no deletion lists (those
    /// of a multi-million-segment cluster would take hundreds of megabytes).
    pub current_plan: Memo<Option<Shared<PlanSummary>>>,
    /// The selected topic under the proposed configs (its partitions only).
    pub proposed_plan: Memo<Option<Shared<Plan>>>,
}

impl Derived {
    pub fn new(state: AppState, settings: Settings) -> Self {
        let snapshot = Memo::new(move |_| state.dataset.get().map(|d| Shared(d.snapshot.clone())));
        let profile = Memo::new(move |_| {
            let (snapshot_default, note) = snapshot.with(|s| {
                KafkaVersion::for_snapshot(s.as_ref().and_then(|s| s.kafka_version.as_deref()))
            });
            match settings
                .kafka_version
                .0
                .get()
                .and_then(|v| KafkaVersion::parse_with_note(&v).ok())
            {
                Some((profile, chosen_note)) => ProfileChoice {
                    profile,
                    snapshot_default,
                    chosen: true,
                    note: chosen_note,
                },
                None => ProfileChoice {
                    profile: snapshot_default,
                    snapshot_default,
                    chosen: false,
                    note,
                },
            }
        });
        let now_ms = Memo::new(move |_| {
            settings.now.0.get().unwrap_or_else(|| {
                snapshot.with(|s| s.as_ref().map(|s| s.captured_at_ms).unwrap_or(0))
            })
        });
        let sizes = Memo::new(move |_| {
            let p = profile.with(|p| p.profile);
            crate::perf::phase("sizes", || {
                snapshot.with(|s| s.as_ref().map(|s| Shared(Arc::new(sizes(s, p)))))
            })
        });
        let index_for = move |p: KafkaVersion| {
            let topic = settings.topic.0.get()?;
            snapshot.with(|s| {
                let s = s.as_ref()?;
                s.topic(&topic)?;
                Some(Shared(Arc::new(PlanIndex::build_topics(s, p, |t| {
                    t.name == topic
                }))))
            })
        };
        let index = Memo::new(move |_| index_for(profile.with(|p| p.profile)));
        let default_index = Memo::new(move |_| {
            let (p, d) = profile.with(|p| (p.profile, p.snapshot_default));
            if p == d {
                index.get()
            } else {
                index_for(d)
            }
        });
        let current_policy = Memo::new(move |_| Policy::new(profile.with(|p| p.profile)));
        let proposed_policy = Memo::new(move |_| {
            let mut policy = current_policy.get();
            if let Some(topic) = settings.topic.0.get() {
                for key in ConfigKey::ALL {
                    if let Some(v) = settings.config(key).0.get() {
                        policy.set(&topic, key, v);
                    }
                }
            }
            policy
        });
        // A new snapshot's sizes are painted before its cluster plan is computed (about a
        // second at a million segments): the plan waits until `painted` names this snapshot.
        let painted = RwSignal::new(None::<usize>);
        let identity =
            |s: &Option<Shared<Snapshot>>| s.as_ref().map(|s| Arc::as_ptr(&s.0) as usize);
        Effect::new(move |_| {
            if let Some(id) = snapshot.with(identity) {
                crate::perf::after_paint(move || painted.set(Some(id)));
            }
        });
        let painted = Memo::new(move |_| {
            let id = snapshot.with(identity);
            id.is_some() && painted.get() == id
        });
        let current_plan = Memo::new(move |_| {
            if !painted.get() {
                return None;
            }
            let now = now_ms.get();
            let policy = current_policy.get();
            crate::perf::phase("cluster plan", || {
                snapshot.with(|s| {
                    s.as_ref()
                        .map(|s| Shared(Arc::new(PlanIndex::summary_by_topic(s, &policy, now))))
                })
            })
        });
        let proposed_plan = Memo::new(move |_| {
            crate::perf::mark_start();
            crate::perf::phase("plan", || {
                let now = now_ms.get();
                let policy = proposed_policy.get();
                index.with(|i| i.as_ref().map(|i| Shared(Arc::new(i.plan(&policy, now)))))
            })
        });
        Derived {
            snapshot,
            painted,
            profile,
            now_ms,
            sizes,
            index,
            default_index,
            current_policy,
            proposed_policy,
            current_plan,
            proposed_plan,
        }
    }
}
