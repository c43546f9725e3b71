//! Slider positions for retention configs: logarithmic, so one slider covers an hour to a year
//! (or a MiB to tens of TiB), with Kafka's special values at the ends.

use crate::model::ConfigKey;

/// Slider positions run `0..=STEPS`.
pub const STEPS: i64 = 1000;

const HOUR: f64 = 3_600_000.0;
const MIB: f64 = 1_048_576.0;

/// The finite range the slider spans, per config.
fn range(key: ConfigKey) -> (f64, f64) {
    match key {
        ConfigKey::RetentionMs | ConfigKey::LocalRetentionMs => (HOUR, 2.0 * 365.0 * 24.0 * HOUR),
        ConfigKey::RetentionBytes | ConfigKey::LocalRetentionBytes => {
            (MIB, 64.0 * 1024.0 * 1024.0 * MIB)
        }
    }
}

fn is_local(key: ConfigKey) -> bool {
    matches!(
        key,
        ConfigKey::LocalRetentionMs | ConfigKey::LocalRetentionBytes
    )
}

/// The config value at slider position `pos`. The last position is `-1` (unlimited); for the
/// local configs position 0 is `-2` (use `retention.*`). Values in between are rounded to a
/// readable unit (whole seconds, or whole KiB).
pub fn value_at(key: ConfigKey, pos: i64) -> i64 {
    let pos = pos.clamp(0, STEPS);
    if pos == STEPS {
        return -1;
    }
    let first = if is_local(key) {
        if pos == 0 {
            return -2;
        }
        1
    } else {
        0
    };
    let (lo, hi) = range(key);
    let span = (STEPS - 1 - first).max(1) as f64;
    let t = (pos - first) as f64 / span;
    let v = (lo.ln() + t * (hi.ln() - lo.ln())).exp();
    let unit = match key {
        ConfigKey::RetentionMs | ConfigKey::LocalRetentionMs => 1_000.0,
        _ => 1024.0,
    };
    ((v / unit).round() * unit) as i64
}

/// The slider position closest to `value` (values outside the range sit at its ends).
pub fn position_of(key: ConfigKey, value: i64) -> i64 {
    if value == -1 {
        return STEPS;
    }
    let first = if is_local(key) {
        if value == -2 {
            return 0;
        }
        1
    } else {
        0
    };
    let (lo, hi) = range(key);
    let v = (value.max(1) as f64).clamp(lo, hi);
    let t = (v.ln() - lo.ln()) / (hi.ln() - lo.ln());
    let span = (STEPS - 1 - first).max(1) as f64;
    first + (t * span).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ends_are_kafka_special_values() {
        assert_eq!(value_at(ConfigKey::RetentionMs, STEPS), -1);
        assert_eq!(value_at(ConfigKey::RetentionMs, 0), 3_600_000);
        assert_eq!(value_at(ConfigKey::LocalRetentionBytes, 0), -2);
        assert_eq!(value_at(ConfigKey::LocalRetentionBytes, 1), 1_048_576);
        assert_eq!(position_of(ConfigKey::RetentionBytes, -1), STEPS);
        assert_eq!(position_of(ConfigKey::LocalRetentionMs, -2), 0);
    }

    #[test]
    fn seven_days_maps_back_close_to_seven_days() {
        let week = 604_800_000;
        let v = value_at(
            ConfigKey::RetentionMs,
            position_of(ConfigKey::RetentionMs, week),
        );
        assert!((v - week).abs() < week / 100, "{v}");
    }

    proptest! {
        #[test]
        fn positions_round_trip(pos in 0i64..=STEPS) {
            for key in ConfigKey::ALL {
                prop_assert_eq!(position_of(key, value_at(key, pos)), pos);
            }
        }

        #[test]
        fn values_increase_with_position(pos in 1i64..STEPS - 1) {
            for key in ConfigKey::ALL {
                let (a, b) = (value_at(key, pos), value_at(key, pos + 1));
                if a > 0 && b > 0 {
                    prop_assert!(b >= a);
                }
            }
        }
    }
}
