//! User settings as the URL names them: what a host reads (`status`, `settingsChanged`) and
//! what it may change (`settings`). The app keeps each one in a URL query parameter.

use crate::message::{EmbedError, ErrorCode, PolicySpec};
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;
use std::str::FromStr;
use tierlens_core::profile::KafkaVersion;
use tierlens_core::units::parse_config_value;
use tierlens_core::ConfigKey;

/// `view=`: which view the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The cluster overview (even when a topic is selected).
    Overview,
    /// The selected topic: its what-if and partitions.
    Topic,
    /// The selected partition's segment timeline, on its own.
    Partition,
    /// Remote and local size and cost forward in time.
    Forecast,
    /// The leak finder: a bucket listing reconciled with the metadata.
    Leaks,
}

impl View {
    pub const ALL: [View; 5] = [
        View::Overview,
        View::Topic,
        View::Partition,
        View::Forecast,
        View::Leaks,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            View::Overview => "overview",
            View::Topic => "topic",
            View::Partition => "partition",
            View::Forecast => "forecast",
            View::Leaks => "leaks",
        }
    }
}

impl FromStr for View {
    type Err = String;
    fn from_str(s: &str) -> Result<View, String> {
        View::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| s.to_string())
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `theme=`: the colour scheme; `auto` (the default) follows the browser's preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    Light,
    Dark,
    #[default]
    Auto,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Light, Theme::Dark, Theme::Auto];

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }
}

impl FromStr for Theme {
    type Err = String;
    fn from_str(s: &str) -> Result<Theme, String> {
        Theme::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| s.to_string())
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every setting, keyed as in the URL. Absent settings are `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SettingsState {
    pub topic: Option<String>,
    pub partition: Option<i32>,
    #[serde(rename = "retention.ms")]
    pub retention_ms: Option<i64>,
    #[serde(rename = "retention.bytes")]
    pub retention_bytes: Option<i64>,
    #[serde(rename = "local.retention.ms")]
    pub local_retention_ms: Option<i64>,
    #[serde(rename = "local.retention.bytes")]
    pub local_retention_bytes: Option<i64>,
    pub now: Option<i64>,
    #[serde(rename = "kafka.version")]
    pub kafka_version: Option<String>,
    pub axis: Option<String>,
    pub utc: bool,
    pub view: Option<String>,
    pub theme: Option<String>,
}

impl SettingsState {
    /// The proposed value of one retention config.
    pub fn config(&self, key: ConfigKey) -> Option<i64> {
        match key {
            ConfigKey::RetentionMs => self.retention_ms,
            ConfigKey::RetentionBytes => self.retention_bytes,
            ConfigKey::LocalRetentionMs => self.local_retention_ms,
            ConfigKey::LocalRetentionBytes => self.local_retention_bytes,
        }
    }

    pub fn set_config(&mut self, key: ConfigKey, value: Option<i64>) {
        match key {
            ConfigKey::RetentionMs => self.retention_ms = value,
            ConfigKey::RetentionBytes => self.retention_bytes = value,
            ConfigKey::LocalRetentionMs => self.local_retention_ms = value,
            ConfigKey::LocalRetentionBytes => self.local_retention_bytes = value,
        }
    }

    /// Selects a topic as the page does: proposed configs belong to one topic, so choosing
    /// another clears them and the partition.
    fn select_topic(&mut self, topic: Option<String>) {
        if topic != self.topic {
            self.topic = topic;
            self.partition = None;
            for key in ConfigKey::ALL {
                self.set_config(key, None);
            }
        }
    }

    /// The settings after `patch`. A new `topic` is applied first (clearing the partition and
    /// the proposed configs), then the patch's other values.
    pub fn with_patch(&self, p: &SettingsPatch) -> SettingsState {
        let mut s = self.clone();
        if let Some(t) = &p.topic {
            s.select_topic(t.clone());
        }
        if let Some(x) = p.partition {
            s.partition = x;
        }
        for &(key, value) in &p.configs {
            s.set_config(key, value);
        }
        if let Some(x) = p.now {
            s.now = x;
        }
        if let Some(x) = &p.kafka_version {
            s.kafka_version = x.clone();
        }
        if let Some(x) = &p.axis {
            s.axis = x.clone();
        }
        if let Some(x) = p.utc {
            s.utc = x;
        }
        if let Some(x) = p.view {
            s.view = x.map(|v| v.as_str().to_string());
        }
        if let Some(x) = p.theme {
            s.theme = x.map(|t| t.as_str().to_string());
        }
        s
    }

    /// The settings that show `policy` on the page: its Kafka version and `now`, and its
    /// overrides as the selected topic's proposed configs. `None` when it overrides more
    /// than one topic (the page proposes configs for one topic at a time).
    pub fn with_policy(&self, policy: &PolicySpec) -> Option<SettingsState> {
        let mut s = self.clone();
        match policy.overrides.iter().next() {
            None => {
                for key in ConfigKey::ALL {
                    s.set_config(key, None);
                }
            }
            Some((topic, configs)) if policy.overrides.len() == 1 => {
                s.select_topic(Some(topic.clone()));
                for key in ConfigKey::ALL {
                    s.set_config(key, configs.get(&key).copied());
                }
            }
            Some(_) => return None,
        }
        s.kafka_version = policy.kafka_version.clone();
        s.now = policy.now;
        Some(s)
    }
}

/// The settings a host may change with a `settings` request, in the URL's names. Each field:
/// `None` = leave as is, `Some(None)` = clear (JSON `null`), `Some(Some(v))` = set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsPatch {
    pub topic: Option<Option<String>>,
    pub partition: Option<Option<i32>>,
    /// Proposed retention configs of the selected topic.
    pub configs: Vec<(ConfigKey, Option<i64>)>,
    pub now: Option<Option<i64>>,
    /// Normalised to the profile's label (`3.9.0` → `3.8.1-3.9.0`).
    pub kafka_version: Option<Option<String>>,
    pub axis: Option<Option<String>>,
    pub utc: Option<bool>,
    pub view: Option<Option<View>>,
    pub theme: Option<Option<Theme>>,
}

/// The keys a `settings` request may carry.
pub const SETTING_KEYS: [&str; 12] = [
    "topic",
    "partition",
    "retention.ms",
    "retention.bytes",
    "local.retention.ms",
    "local.retention.bytes",
    "now",
    "kafka.version",
    "axis",
    "utc",
    "view",
    "theme",
];

fn bad_value(key: &str, message: impl fmt::Display) -> EmbedError {
    EmbedError::new(ErrorCode::BadValue, format!("{key}: {message}"))
}

/// A retention config value: a number (Kafka's encoding, `-1` unlimited, `-2` for
/// `local.retention.*` = use `retention.*`) or text with units (`"3d"`, `"500 GiB"`,
/// `"unlimited"`).
pub fn config_value(key: ConfigKey, v: &Value) -> Result<i64, EmbedError> {
    let text = match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => {
                return Err(bad_value(
                    key.as_str(),
                    format!("{n} is not a whole number"),
                ))
            }
        },
        Value::String(s) => s.clone(),
        other => {
            return Err(bad_value(
                key.as_str(),
                format!(
                    "expected a number or text such as \"3d\", got {}",
                    kind(other)
                ),
            ))
        }
    };
    parse_config_value(key, &text).map_err(|e| bad_value(key.as_str(), e))
}

/// A Kafka version or profile label, normalised to the profile's label.
pub fn kafka_version(v: &str) -> Result<String, EmbedError> {
    KafkaVersion::parse_with_note(v)
        .map(|(p, _)| p.label().to_string())
        .map_err(|e| bad_value("kafka.version", e))
}

/// The name of a JSON value's type, for error messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl SettingsPatch {
    /// Validates a `settings` object. Unknown keys and bad values are errors: nothing of an
    /// invalid patch is applied.
    pub fn from_map(map: &Map<String, Value>) -> Result<SettingsPatch, EmbedError> {
        let mut p = SettingsPatch::default();
        for (key, v) in map {
            let null = v.is_null();
            match key.as_str() {
                "topic" => {
                    p.topic = Some(match v {
                        Value::Null => None,
                        Value::String(s) if !s.is_empty() => Some(s.clone()),
                        other => return Err(bad_value(key, format!("expected a topic name, got {}", kind(other)))),
                    })
                }
                "partition" => {
                    p.partition = Some(if null {
                        None
                    } else {
                        let n = v
                            .as_i64()
                            .and_then(|n| i32::try_from(n).ok())
                            .filter(|n| *n >= 0)
                            .ok_or_else(|| bad_value(key, "expected a partition number (0 or more)"))?;
                        Some(n)
                    })
                }
                "now" => {
                    p.now = Some(if null {
                        None
                    } else {
                        Some(v.as_i64().ok_or_else(|| {
                            bad_value(key, "expected epoch milliseconds (a whole number)")
                        })?)
                    })
                }
                "kafka.version" => {
                    p.kafka_version = Some(match v {
                        Value::Null => None,
                        Value::String(s) => Some(kafka_version(s)?),
                        other => return Err(bad_value(key, format!("expected text such as \"3.9.0\", got {}", kind(other)))),
                    })
                }
                "axis" => {
                    p.axis = Some(match v.as_str() {
                        _ if null => None,
                        Some(a @ ("offset" | "time")) => Some(a.to_string()),
                        _ => return Err(bad_value(key, "expected \"offset\", \"time\" or null")),
                    })
                }
                "utc" => {
                    p.utc = Some(match v {
                        Value::Null => false,
                        Value::Bool(b) => *b,
                        _ => return Err(bad_value(key, "expected true or false")),
                    })
                }
                "view" => {
                    p.view = Some(match v.as_str() {
                        _ if null => None,
                        Some(s) => Some(s.parse::<View>().map_err(|s| {
                            bad_value(key, format!("unknown view {s:?}; expected overview, topic, partition or forecast"))
                        })?),
                        None => return Err(bad_value(key, "expected text")),
                    })
                }
                "theme" => {
                    p.theme = Some(match v.as_str() {
                        _ if null => None,
                        Some(s) => Some(s.parse::<Theme>().map_err(|s| {
                            bad_value(key, format!("unknown theme {s:?}; expected light, dark or auto"))
                        })?),
                        None => return Err(bad_value(key, "expected text")),
                    })
                }
                other => match other.parse::<ConfigKey>() {
                    Ok(k) => p
                        .configs
                        .push((k, if null { None } else { Some(config_value(k, v)?) })),
                    Err(_) => {
                        return Err(EmbedError::new(
                            ErrorCode::BadMessage,
                            format!(
                                "unknown setting {other:?}; the settings are {}",
                                SETTING_KEYS.join(", ")
                            ),
                        ))
                    }
                },
            }
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patch(v: Value) -> Result<SettingsPatch, EmbedError> {
        SettingsPatch::from_map(v.as_object().unwrap())
    }

    #[test]
    fn a_patch_reads_every_setting() {
        let p = patch(json!({
            "topic": "orders", "partition": 3, "retention.ms": "1d", "retention.bytes": null,
            "local.retention.ms": -2, "now": 1_764_000_000_000i64, "kafka.version": "3.9.0",
            "axis": "offset", "utc": true, "view": "partition", "theme": "dark"
        }))
        .unwrap();
        assert_eq!(p.topic, Some(Some("orders".into())));
        assert_eq!(p.partition, Some(Some(3)));
        assert_eq!(
            p.configs,
            vec![
                (ConfigKey::LocalRetentionMs, Some(-2)),
                (ConfigKey::RetentionBytes, None),
                (ConfigKey::RetentionMs, Some(86_400_000)),
            ]
        );
        assert_eq!(p.now, Some(Some(1_764_000_000_000)));
        assert_eq!(p.kafka_version, Some(Some("3.8.1-3.9.0".into())));
        assert_eq!(p.axis, Some(Some("offset".into())));
        assert_eq!(p.utc, Some(true));
        assert_eq!(p.view, Some(Some(View::Partition)));
        assert_eq!(p.theme, Some(Some(Theme::Dark)));
        // Absent keys are left alone, null clears.
        let p = patch(json!({"view": null})).unwrap();
        assert_eq!(p.view, Some(None));
        assert_eq!(p.topic, None);
    }

    #[test]
    fn bad_settings_are_typed_errors() {
        let code = |v| patch(v).unwrap_err().code;
        assert_eq!(code(json!({"retention.ms": "soon"})), ErrorCode::BadValue);
        assert_eq!(code(json!({"retention.ms": -2})), ErrorCode::BadValue);
        assert_eq!(code(json!({"retention.bytes": -7})), ErrorCode::BadValue);
        assert_eq!(code(json!({"retention.ms": 1.5})), ErrorCode::BadValue);
        assert_eq!(code(json!({"retention.ms": [1]})), ErrorCode::BadValue);
        assert_eq!(code(json!({"partition": -1})), ErrorCode::BadValue);
        assert_eq!(
            code(json!({"partition": 3_000_000_000i64})),
            ErrorCode::BadValue
        );
        assert_eq!(code(json!({"topic": 5})), ErrorCode::BadValue);
        assert_eq!(code(json!({"topic": ""})), ErrorCode::BadValue);
        assert_eq!(code(json!({"kafka.version": "2.8.0"})), ErrorCode::BadValue);
        assert_eq!(code(json!({"view": "graph"})), ErrorCode::BadValue);
        assert_eq!(code(json!({"theme": "pink"})), ErrorCode::BadValue);
        assert_eq!(code(json!({"utc": 1})), ErrorCode::BadValue);
        assert_eq!(code(json!({"retention_ms": 1})), ErrorCode::BadMessage);
        let e = patch(json!({"retention.ms": "soon"})).unwrap_err();
        assert!(
            e.message.starts_with("retention.ms: `soon`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn patches_and_policies_change_the_settings_as_the_page_does() {
        let before = SettingsState {
            topic: Some("orders".into()),
            partition: Some(2),
            retention_ms: Some(5),
            view: Some("topic".into()),
            ..SettingsState::default()
        };
        // Another topic clears the partition and the proposed configs...
        let p = patch(json!({"topic": "payments"})).unwrap();
        let after = before.with_patch(&p);
        assert_eq!(after.topic.as_deref(), Some("payments"));
        assert_eq!((after.partition, after.retention_ms), (None, None));
        assert_eq!(after.view.as_deref(), Some("topic"));
        // ...unless the patch sets them too; the same topic keeps them.
        let p = patch(json!({"topic": "payments", "partition": 1, "retention.ms": "2d", "theme": "dark", "utc": true})).unwrap();
        let after = before.with_patch(&p);
        assert_eq!(
            (after.partition, after.retention_ms),
            (Some(1), Some(172_800_000))
        );
        assert_eq!((after.theme.as_deref(), after.utc), (Some("dark"), true));
        let same = before.with_patch(&patch(json!({"topic": "orders", "view": null})).unwrap());
        assert_eq!(
            (same.partition, same.retention_ms, same.view),
            (Some(2), Some(5), None)
        );

        let mut spec = PolicySpec {
            kafka_version: Some("4.0-4.2".into()),
            ..PolicySpec::default()
        };
        let shown = before.with_policy(&spec).unwrap();
        assert_eq!(
            (shown.topic.as_deref(), shown.retention_ms),
            (Some("orders"), None)
        );
        assert_eq!(shown.kafka_version.as_deref(), Some("4.0-4.2"));
        spec.overrides
            .entry("payments".into())
            .or_default()
            .insert(ConfigKey::RetentionBytes, 10);
        let shown = before.with_policy(&spec).unwrap();
        assert_eq!(shown.topic.as_deref(), Some("payments"));
        assert_eq!(
            (shown.retention_bytes, shown.retention_ms, shown.partition),
            (Some(10), None, None)
        );
        spec.overrides
            .entry("orders".into())
            .or_default()
            .insert(ConfigKey::RetentionMs, 10);
        assert_eq!(before.with_policy(&spec), None);
    }

    #[test]
    fn views_and_themes_round_trip() {
        for v in View::ALL {
            assert_eq!(v.as_str().parse::<View>(), Ok(v));
        }
        for t in Theme::ALL {
            assert_eq!(t.as_str().parse::<Theme>(), Ok(t));
        }
        assert!("Overview".parse::<View>().is_err());
    }
}
