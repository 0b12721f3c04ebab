//! Forecasting again with a chosen forecaster, without a search: its members refitted on a
//! whole history and blended with their weights, and intervals of given half-widths around the
//! forecast. The search's final fit and a forecast model file's forecast both come here, so a
//! model file forecasting the data of its run gives the run's forecast to the bit.

use super::backtest::{blend, Frame};
use super::series::format_time;
use super::*;

/// The point forecast of `members` (a weighted mean) for `h` steps after `series`, each member
/// refitted on the whole history (with the series' covariates and seasonal periods).
pub fn refit_forecast(
    series: &Series,
    members: &[(ForecastSpec, f64)],
    h: usize,
    seed: u64,
) -> Result<Vec<f64>> {
    let frame = Frame::new(series, h);
    let ctx = frame.context(&series.periods);
    blend(members, &series.values, &ctx, h, seed)
}

/// The forecast's steps after `series`, dated on its grid, with symmetric 80% and 95% intervals
/// of half-widths `q80` and `q95` (one per step).
pub fn forecast_points(
    series: &Series,
    point: &[f64],
    q80: &[f64],
    q95: &[f64],
) -> Vec<ForecastPoint> {
    let h = point.len();
    let frame = Frame::new(series, h);
    let n = series.len();
    (0..h)
        .map(|j| ForecastPoint {
            time: format_time(frame.times[n + j], series.has_time),
            value: point[j],
            lo80: point[j] - q80[j],
            hi80: point[j] + q80[j],
            lo95: point[j] - q95[j],
            hi95: point[j] + q95[j],
        })
        .collect()
}
