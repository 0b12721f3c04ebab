//! The backtested search over forecasting models: rolling-origin plans, candidates and their
//! mutations, the budgeted search of one series, the ensemble, and intervals calibrated on the
//! backtest errors.

use super::*;

/// Backtests of one model.
pub(super) struct Evaluated {
    pub(super) spec: ForecastSpec,
    /// Forecasts per origin.
    pub(super) forecasts: Vec<Vec<f64>>,
    pub(super) scores: Scores,
    pub(super) time_s: f64,
    pub(super) trial: usize,
}

/// The backtest plan: window starts and length.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Start index of each window (= length of its history).
    pub origins: Vec<usize>,
    /// Window length.
    pub h: usize,
}

/// Plans `k` consecutive backtest windows of `h` steps ending at the last value, keeping at
/// least `min_train` values of history before the first; fewer or shorter windows when the
/// series is short.
pub fn plan(n: usize, h: usize, k: usize, min_train: usize) -> Option<Plan> {
    let min_train = min_train.min(n / 2).max(3);
    if n <= min_train {
        return None;
    }
    let avail = n - min_train;
    let h = h.min(avail).max(1);
    let k = (avail / h).min(k).max(1);
    Some(Plan {
        origins: (0..k).map(|i| n - h * (k - i)).collect(),
        h,
    })
}

pub(super) fn scale_at(series: &Series, origin: usize) -> f64 {
    let s = mase_scale(&series.values[..origin], series.season());
    if s > 0.0 {
        s
    } else {
        let s1 = mase_scale(&series.values[..origin], 1);
        if s1 > 0.0 {
            s1
        } else {
            1.0
        }
    }
}

pub(super) fn mean_scores(all: &[Scores]) -> Scores {
    let n = all.len().max(1) as f64;
    Scores {
        mase: all.iter().map(|s| s.mase).sum::<f64>() / n,
        smape: all.iter().map(|s| s.smape).sum::<f64>() / n,
        mae: all.iter().map(|s| s.mae).sum::<f64>() / n,
        rmse: all.iter().map(|s| s.rmse).sum::<f64>() / n,
    }
}

/// A series' context for a forecast of `h` steps from `origin`: timestamps and covariates of
/// the history and the period after it.
pub(super) struct Frame<'a> {
    pub(super) times: Vec<f64>,
    pub(super) covs: Vec<&'a [f64]>,
    pub(super) hourly: bool,
}

impl<'a> Frame<'a> {
    pub(super) fn new(series: &'a Series, h: usize) -> Frame<'a> {
        let mut times = series.times.clone();
        let future = if series.future_times.len() >= h {
            series.future_times[..h].to_vec()
        } else {
            series.future(h)
        };
        times.extend(future);
        Frame {
            times,
            covs: series.covariates.iter().map(|c| c.1.as_slice()).collect(),
            hourly: series.frequency == Frequency::Hourly,
        }
    }

    pub(super) fn context(&'a self, periods: &'a [usize]) -> Context<'a> {
        Context {
            times: &self.times,
            covariates: &self.covs,
            periods,
            hourly: self.hourly,
        }
    }
}

/// Forecasts of `members` (weighted mean) for `h` steps after `y`.
pub(super) fn blend(
    members: &[(ForecastSpec, f64)],
    y: &[f64],
    ctx: &Context<'_>,
    h: usize,
    seed: u64,
) -> Result<Vec<f64>> {
    let mut out = vec![0.0; h];
    for (spec, w) in members {
        let f = forecast(spec, y, ctx, h, seed)?;
        for (o, v) in out.iter_mut().zip(f) {
            *o += w * v;
        }
    }
    Ok(out)
}

/// The candidate models, cheapest first.
pub fn candidates(series: &Series, h: usize) -> Vec<ForecastSpec> {
    let n = series.len();
    let periods = &series.periods;
    let positive = series.values.iter().all(|v| *v > 0.0);
    let mut c = vec![
        ForecastSpec::Naive,
        ForecastSpec::Drift,
        ForecastSpec::Mean { window: 0 },
    ];
    for &m in periods {
        c.push(ForecastSpec::SeasonalNaive { period: m });
        for seasons in [1usize, 3, 8] {
            if seasons > 1 && n >= m * seasons * 2 {
                c.push(ForecastSpec::SeasonalMean { period: m, seasons });
            }
        }
    }
    let trends = [Trend::None, Trend::Additive, Trend::Damped];
    for t in trends {
        c.push(ForecastSpec::Ets {
            trend: t,
            seasonal: Seasonal::None,
            period: 1,
        });
    }
    for &m in periods {
        let mut kinds = vec![Seasonal::Additive];
        if positive {
            kinds.push(Seasonal::Multiplicative);
        }
        for s in kinds {
            for t in trends {
                c.push(ForecastSpec::Ets {
                    trend: t,
                    seasonal: s,
                    period: m,
                });
            }
        }
    }
    let m = series.season();
    // ARIMA and Theta test the season themselves: they get the calendar's when none was found
    let mc = match series.frequency.calendar_periods().first() {
        Some(&p) if periods.is_empty() && n > 2 * p => p,
        _ => m,
    };
    for (optimized, dynamic) in [(false, false), (true, false), (false, true), (true, true)] {
        c.push(ForecastSpec::Theta {
            period: mc,
            optimized,
            dynamic,
        });
    }
    let short = m.clamp(2, 24);
    let ridge = |alpha: f64| Learner::Ridge { alpha };
    // trend + season, no lags: a direct forecast of any length
    for window in [0usize, 4 * m.max(4), 10 * m.max(4)] {
        if window == 0 || window < n {
            c.push(ForecastSpec::Regression {
                learner: ridge(1.0),
                lags: 0,
                transform: Transform::None,
                trend: true,
                window,
            });
        }
    }
    for transform in [
        Transform::None,
        Transform::Difference,
        Transform::SeasonalDifference,
    ] {
        if transform == Transform::SeasonalDifference && periods.is_empty() {
            continue;
        }
        c.push(ForecastSpec::Regression {
            learner: ridge(1.0),
            lags: short,
            transform,
            trend: false,
            window: 0,
        });
    }
    c.push(ForecastSpec::Arima {
        period: mc,
        order: None,
    });
    let boost = Learner::Boosting {
        rounds: 100,
        leaves: 15,
        learning_rate: 0.1,
        min_leaf: 10,
    };
    let _ = h;
    for transform in [
        Transform::None,
        Transform::Difference,
        Transform::SeasonalDifference,
    ] {
        if transform == Transform::SeasonalDifference && periods.is_empty() {
            continue;
        }
        c.push(ForecastSpec::Regression {
            learner: boost.clone(),
            lags: short,
            transform,
            trend: false,
            window: 5000,
        });
    }
    c
}

/// A random variation of a regression model, for the search after the fixed candidates.
pub(super) fn mutate(spec: &ForecastSpec, rng: &mut Rng, max_lags: usize) -> Option<ForecastSpec> {
    let ForecastSpec::Regression {
        learner,
        lags,
        transform,
        trend,
        window,
    } = spec
    else {
        return None;
    };
    let lags = if *lags == 0 {
        0
    } else {
        let f = [0.5, 0.75, 1.5, 2.0][rng.below(4)];
        ((*lags as f64 * f).round() as usize).clamp(1, max_lags.max(1))
    };
    let learner = match learner {
        Learner::Ridge { alpha } => Learner::Ridge {
            alpha: (alpha * [0.1, 0.3, 3.0, 10.0][rng.below(4)]).clamp(1e-4, 1e4),
        },
        Learner::Boosting {
            rounds,
            leaves,
            learning_rate,
            min_leaf,
        } => Learner::Boosting {
            rounds: (*rounds as f64 * [0.5, 1.0, 2.0][rng.below(3)]) as usize,
            leaves: [7, 15, 31][rng.below(3)].min(*leaves * 2),
            learning_rate: learning_rate * [0.5, 1.0, 1.5][rng.below(3)],
            min_leaf: (*min_leaf as f64 * [0.5, 1.0, 2.0][rng.below(3)]).max(2.0) as usize,
        },
    };
    Some(ForecastSpec::Regression {
        learner,
        lags,
        transform: *transform,
        trend: *trend,
        window: *window,
    })
}

/// Runs the search on a series and forecasts `horizon` steps. `observer` sees each leaderboard
/// row as its backtests finish.
pub fn run_series(
    series: &Series,
    settings: &ForecastSettings,
    clock: &dyn Clock,
    observer: &mut dyn FnMut(&TrialRow),
) -> Result<ForecastResult> {
    let start = clock.now_s();
    let h = settings
        .horizon
        .unwrap_or_else(|| series.frequency.default_horizon());
    if h == 0 || h > super::MAX_HORIZON {
        return Err(AutoMlError::BadSetting {
            name: "horizon".into(),
            reason: message!("setting.horizon", steps = h, max = super::MAX_HORIZON),
        });
    }
    if !series.covariates.is_empty() && series.future_times.len() < h {
        return Err(AutoMlError::BadSetting {
            name: "horizon".into(),
            reason: message!(
                "setting.horizon_covariates",
                steps = h,
                rows = series.future_times.len()
            ),
        });
    }
    let n = series.len();
    let m = series.season();
    let min_train = (2 * m + 2).max(20);
    let plan =
        plan(n, h, settings.origins.max(1), min_train).ok_or_else(|| AutoMlError::BadTarget {
            column: series.target.clone(),
            reason: message!("series.too_short", values = n),
        })?;
    let budget = settings.time_budget_s;
    // the search stops at 85% of the budget: the final fit and the intervals use the rest
    let over = |spent: f64| budget.is_some_and(|b| spent >= 0.85 * b);
    let frames: Vec<Frame<'_>> = plan
        .origins
        .iter()
        .map(|&o| {
            let mut f = Frame::new(series, 0);
            f.times.truncate(o + plan.h);
            f
        })
        .collect();
    let scales: Vec<f64> = plan.origins.iter().map(|&o| scale_at(series, o)).collect();
    let mut evaluated: Vec<Evaluated> = Vec::new();
    let mut queue = candidates(series, h);
    let mut rng = Rng::new(settings.seed);
    let mut trial = 0usize;
    let mut cost: [f64; 5] = [0.0; 5];
    let mut notes = series.notes.clone();
    let mut skipped = 0usize;
    let mut i = 0;
    loop {
        if settings.max_trials.is_some_and(|t| trial >= t) {
            break;
        }
        let spent = clock.now_s() - start;
        if over(spent) {
            break;
        }
        if i >= queue.len() {
            // after the fixed list: variations of the best regression models, if time is left
            let unlimited = budget.is_none() && settings.max_trials.is_none();
            if unlimited || queue.len() > 2000 {
                break;
            }
            let mut best_reg: Vec<&Evaluated> = evaluated
                .iter()
                .filter(|e| matches!(e.spec, ForecastSpec::Regression { .. }))
                .collect();
            crate::sort::sort_by(&mut best_reg, |a, b| {
                a.scores.mase.total_cmp(&b.scores.mase)
            });
            let parents: Vec<ForecastSpec> =
                best_reg.iter().take(3).map(|e| e.spec.clone()).collect();
            if parents.is_empty() {
                break;
            }
            let max_lags = (n / 4).min(3 * m.max(8));
            for p in parents.iter().cycle().take(6) {
                if let Some(s) = mutate(p, &mut rng, max_lags) {
                    queue.push(s);
                }
            }
        }
        let spec = queue[i].clone();
        i += 1;
        if evaluated.iter().any(|e| e.spec == spec) {
            continue;
        }
        // skip a model whose cost class already proved too slow for the time left
        let class = spec.cost_class() as usize;
        if let Some(b) = budget {
            if cost[class] > 0.0 && spent + cost[class] > 0.85 * b {
                skipped += 1;
                continue;
            }
        }
        let t0 = clock.now_s();
        let mut forecasts = Vec::with_capacity(plan.origins.len());
        let mut all = Vec::new();
        let mut ok = true;
        for (k, &o) in plan.origins.iter().enumerate() {
            let ctx = frames[k].context(&series.periods);
            match forecast(&spec, &series.values[..o], &ctx, plan.h, settings.seed) {
                Ok(f) => {
                    all.push(score(&series.values[o..o + plan.h], &f, scales[k]));
                    forecasts.push(f);
                }
                Err(_) => {
                    ok = false;
                    break;
                }
            }
        }
        let took = clock.now_s() - t0;
        cost[class] = cost[class].max(took);
        trial += 1;
        if !ok {
            // the standard models are expected on every series: say when one cannot be fitted
            if matches!(
                spec,
                ForecastSpec::Arima { order: None, .. } | ForecastSpec::Theta { .. }
            ) {
                notes.push(message!("forecast.model_left_out", model = spec.label()));
            }
            continue;
        }
        let scores = mean_scores(&all);
        if !scores.mase.is_finite() {
            continue;
        }
        let e = Evaluated {
            spec,
            forecasts,
            scores,
            time_s: took,
            trial,
        };
        observer(&row_of(&e));
        evaluated.push(e);
    }
    if skipped > 0 {
        notes.push(message!("forecast.skipped", count = skipped));
    }
    if evaluated.is_empty() {
        return Err(AutoMlError::BudgetTooSmall {
            budget_s: budget.unwrap_or(0.0),
        });
    }
    crate::sort::sort_by(&mut evaluated, |a, b| {
        a.scores
            .mase
            .total_cmp(&b.scores.mase)
            .then(a.trial.cmp(&b.trial))
    });
    let mut leaderboard: Vec<TrialRow> = evaluated.iter().map(row_of).collect();
    // ensemble: inverse-MASE weighted mean of the best three, kept when it backtests better
    let mut members: Vec<(ForecastSpec, f64)> = vec![(evaluated[0].spec.clone(), 1.0)];
    let mut best_scores = evaluated[0].scores;
    let mut best_forecasts = evaluated[0].forecasts.clone();
    if settings.ensemble && evaluated.len() >= 3 {
        let top: Vec<&Evaluated> = evaluated.iter().take(3).collect();
        let inv: Vec<f64> = top.iter().map(|e| 1.0 / e.scores.mase.max(1e-9)).collect();
        let total: f64 = inv.iter().sum();
        let weights: Vec<f64> = inv.iter().map(|v| v / total).collect();
        let mut fc = Vec::new();
        let mut all = Vec::new();
        for k in 0..plan.origins.len() {
            let f: Vec<f64> = (0..plan.h)
                .map(|j| {
                    top.iter()
                        .zip(&weights)
                        .map(|(e, w)| w * e.forecasts[k][j])
                        .sum()
                })
                .collect();
            let o = plan.origins[k];
            all.push(score(&series.values[o..o + plan.h], &f, scales[k]));
            fc.push(f);
        }
        let s = mean_scores(&all);
        let label = format!(
            "Ensemble of {}",
            top.iter()
                .map(|e| e.spec.label())
                .collect::<Vec<_>>()
                .join(" + ")
        );
        let row = TrialRow {
            rank: 0,
            trial: 0,
            label,
            model: serde_json::json!({
                "model": "ensemble",
                "members": top.iter().zip(&weights).map(|(e, w)| serde_json::json!({"weight": w, "model": e.spec.params()})).collect::<Vec<_>>()
            }),
            scores: s,
            time_s: 0.0,
        };
        if s.mase < best_scores.mase {
            members = top
                .iter()
                .zip(&weights)
                .map(|(e, w)| (e.spec.clone(), *w))
                .collect();
            best_scores = s;
            best_forecasts = fc;
            notes.push(message!("forecast.ensemble_used"));
        } else {
            notes.push(message!("forecast.ensemble_not_used", mase = s.mase));
        }
        observer(&row);
        leaderboard.push(row);
        crate::sort::sort_by(&mut leaderboard, |a, b| {
            a.scores.mase.total_cmp(&b.scores.mase)
        });
    }
    for (r, row) in leaderboard.iter_mut().enumerate() {
        row.rank = r + 1;
    }
    // final fit on the whole history, with a search's choices fixed (what a model file keeps)
    let chosen: Vec<(ForecastSpec, f64)> = members
        .iter()
        .map(|(s, w)| (super::resolve(s, &series.values), *w))
        .collect();
    let point = super::refit_forecast(series, &chosen, h, settings.seed)?;
    // intervals: absolute backtest errors per step, pooled over neighbouring steps
    let mut errors: Vec<Vec<f64>> = vec![Vec::new(); plan.h];
    for (k, &o) in plan.origins.iter().enumerate() {
        for j in 0..plan.h {
            errors[j].push((series.values[o + j] - best_forecasts[k][j]).abs());
        }
    }
    let extra = calibration_errors(series, &members, &plan, settings, clock, start);
    for (j, e) in extra.into_iter().enumerate() {
        errors[j].extend(e);
    }
    let (q80, q95, coverage) = interval_widths(&errors, h);
    let forecast = super::forecast_points(series, &point, &q80, &q95);
    let backtests = plan
        .origins
        .iter()
        .enumerate()
        .map(|(k, &o)| BacktestWindow {
            times: series.times[o..o + plan.h]
                .iter()
                .map(|t| series::format_time(*t, series.has_time))
                .collect(),
            forecast: best_forecasts[k].clone(),
            actual: series.values[o..o + plan.h].to_vec(),
            scores: score(&series.values[o..o + plan.h], &best_forecasts[k], scales[k]),
        })
        .collect();
    if plan.h < h {
        notes.push(message!(
            "forecast.short_history",
            steps = plan.h,
            horizon = h
        ));
    }
    let best = members
        .iter()
        .map(|(s, w)| Member {
            label: s.label(),
            model: s.params(),
            weight: *w,
        })
        .collect::<Vec<_>>();
    let best_label = if best.len() == 1 {
        best[0].label.clone()
    } else {
        format!(
            "Ensemble of {}",
            best.iter()
                .map(|b| b.label.clone())
                .collect::<Vec<_>>()
                .join(" + ")
        )
    };
    Ok(ForecastResult {
        target: series.target.clone(),
        date_column: series.date_column.clone(),
        frequency: series.frequency,
        periods: series.periods.clone(),
        n,
        horizon: h,
        origins: plan.origins.len(),
        backtest_horizon: plan.h,
        leaderboard,
        best,
        best_label,
        best_scores,
        history_times: series
            .times
            .iter()
            .map(|t| series::format_time(*t, series.has_time))
            .collect(),
        history: series.values.clone(),
        forecast,
        backtests,
        intervals: "Symmetric intervals around the forecast: at each step, the 80% and 95% quantiles of the absolute backtest errors of the chosen forecaster at that step and its neighbours (nominal coverage 80% and 95%).".into(),
        interval_coverage: coverage,
        notes,
        trials: trial,
        elapsed_s: clock.now_s() - start,
        seed: settings.seed,
        mase_lag: series.season(),
        covariates: series.covariates.iter().map(|c| c.0.clone()).collect(),
        chosen,
        widths: (q80, q95),
    })
}

/// More backtest errors of the chosen forecaster for the intervals: windows starting between
/// the search's, as many as fit in a tenth of the budget (at most 12).
pub(super) fn calibration_errors(
    series: &Series,
    members: &[(ForecastSpec, f64)],
    plan: &Plan,
    settings: &ForecastSettings,
    clock: &dyn Clock,
    start: f64,
) -> Vec<Vec<f64>> {
    let mut errors = vec![Vec::new(); plan.h];
    let first = plan.origins[0];
    let step = (plan.h / 2).max(1);
    let min_train = (2 * series.season() + 2).max(20).min(series.len() / 2);
    let mut origins = Vec::new();
    let mut o = first + step;
    let last = series.len() - plan.h;
    while o < last && origins.len() < 12 {
        if !plan.origins.contains(&o) {
            origins.push(o);
        }
        o += step;
    }
    let mut o = first.saturating_sub(step);
    while o >= min_train && origins.len() < 12 && o > 0 {
        origins.push(o);
        o = o.saturating_sub(step);
    }
    let t0 = clock.now_s();
    for o in origins {
        let used = clock.now_s() - t0;
        if settings
            .time_budget_s
            .is_some_and(|b| used > 0.1 * b || clock.now_s() - start > 1.1 * b)
        {
            break;
        }
        let mut f = Frame::new(series, 0);
        f.times.truncate(o + plan.h);
        let ctx = f.context(&series.periods);
        if let Ok(fc) = blend(members, &series.values[..o], &ctx, plan.h, settings.seed) {
            for j in 0..plan.h {
                errors[j].push((series.values[o + j] - fc[j]).abs());
            }
        }
    }
    errors
}

pub(super) fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Interval half-widths per step (80%, 95%) from absolute errors per backtest step, pooled over
/// a window of neighbouring steps and made non-decreasing; steps beyond the backtests grow with
/// the square root of the step. Also the share of the errors inside each width.
pub fn interval_widths(errors: &[Vec<f64>], h: usize) -> (Vec<f64>, Vec<f64>, (f64, f64)) {
    let bh = errors.len();
    let mut q80 = Vec::with_capacity(h);
    let mut q95 = Vec::with_capacity(h);
    let (mut in80, mut in95, mut total) = (0usize, 0usize, 0usize);
    for j in 0..bh {
        let w = (j / 5).max(1);
        let lo = j.saturating_sub(w);
        let hi = (j + w).min(bh - 1);
        let mut pool: Vec<f64> = (lo..=hi).flat_map(|k| errors[k].iter().copied()).collect();
        crate::sort::sort_f64(&mut pool);
        let (a, b) = (quantile(&pool, 0.8), quantile(&pool, 0.95));
        let a = a.max(q80.last().copied().unwrap_or(0.0));
        let b = b.max(a).max(q95.last().copied().unwrap_or(0.0));
        for e in &errors[j] {
            in80 += usize::from(*e <= a);
            in95 += usize::from(*e <= b);
            total += 1;
        }
        q80.push(a);
        q95.push(b);
    }
    let (a, b) = (
        q80.last().copied().unwrap_or(0.0),
        q95.last().copied().unwrap_or(0.0),
    );
    for j in bh..h {
        let f = ((j + 1) as f64 / bh.max(1) as f64).sqrt();
        q80.push(a * f);
        q95.push(b * f);
    }
    q80.truncate(h);
    q95.truncate(h);
    let t = total.max(1) as f64;
    (q80, q95, (in80 as f64 / t, in95 as f64 / t))
}

pub(super) fn row_of(e: &Evaluated) -> TrialRow {
    TrialRow {
        rank: 0,
        trial: e.trial,
        label: e.spec.label(),
        model: e.spec.params(),
        scores: e.scores,
        time_s: e.time_s,
    }
}
