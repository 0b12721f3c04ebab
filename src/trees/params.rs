//! Range checks of the tree models' settings, shared by [`super::gbm::GbmParams`] and
//! [`super::forest::ForestParams`]: each names the setting and the range it must lie in.

use crate::error::{AutoMlError, Result};

fn bad(name: &str, detail: String) -> Result<()> {
    Err(AutoMlError::BadSetting {
        name: name.into(),
        reason: crate::message!("setting.detail", detail),
    })
}

/// Checks that a share lies in (0, 1] (or (0, 1) when `open`).
pub(crate) fn check_share(name: &str, v: f64, open: bool) -> Result<()> {
    let ok = v.is_finite() && v > 0.0 && (v < 1.0 || (!open && v == 1.0));
    if ok {
        Ok(())
    } else {
        let range = if open { "(0, 1)" } else { "(0, 1]" };
        bad(name, format!("it must lie in {range}, not {v}"))
    }
}

/// Checks that a number is finite and ≥ 0.
pub(crate) fn check_non_negative(name: &str, v: f64) -> Result<()> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        bad(name, format!("it must be a finite number ≥ 0, not {v}"))
    }
}

/// Checks a bin count.
pub(crate) fn check_bins(v: usize) -> Result<()> {
    if (2..=super::MAX_BINS).contains(&v) {
        Ok(())
    } else {
        bad(
            "max_bins",
            format!("it must be between 2 and {}, not {v}", super::MAX_BINS),
        )
    }
}

/// Most trees, leaves or rounds any setting may ask for.
pub(crate) const MAX_COUNT: usize = 1 << 20;

/// Checks a count in `1..=MAX_COUNT` (`min` and up).
pub(crate) fn check_count(name: &str, v: usize, min: usize) -> Result<()> {
    if (min..=MAX_COUNT).contains(&v) {
        Ok(())
    } else {
        bad(
            name,
            format!("it must be between {min} and {MAX_COUNT}, not {v}"),
        )
    }
}
