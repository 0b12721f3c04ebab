//! Unit tests of the forecasting module: exact values on tiny series.

use super::ets::{self, Seasonal, Trend};
use super::*;
use super::{arima, theta};
use crate::clock::Clock;
use crate::data::read_csv;

struct Zero;
impl Clock for Zero {
    fn now_s(&self) -> f64 {
        0.0
    }
}

fn ctx<'a>(times: &'a [f64], periods: &'a [usize]) -> Context<'a> {
    Context {
        times,
        covariates: &[],
        periods,
        hourly: false,
    }
}

fn fc(spec: ForecastSpec, y: &[f64], h: usize) -> Vec<f64> {
    let times: Vec<f64> = (0..y.len() + h).map(|i| i as f64 * 86_400.0).collect();
    forecast(&spec, y, &ctx(&times, &[4]), h, 1).unwrap()
}

#[test]
fn benchmark_forecasts_are_exact() {
    let y = [1.0, 2.0, 4.0, 3.0, 5.0, 6.0, 8.0, 7.0];
    assert_eq!(fc(ForecastSpec::Naive, &y, 3), vec![7.0, 7.0, 7.0]);
    assert_eq!(
        fc(ForecastSpec::SeasonalNaive { period: 4 }, &y, 6),
        vec![5.0, 6.0, 8.0, 7.0, 5.0, 6.0]
    );
    // drift: last + k·(7 - 1)/7
    let d = fc(ForecastSpec::Drift, &y, 2);
    assert!((d[0] - (7.0 + 6.0 / 7.0)).abs() < 1e-12 && (d[1] - (7.0 + 12.0 / 7.0)).abs() < 1e-12);
    assert_eq!(fc(ForecastSpec::Mean { window: 4 }, &y, 1), vec![6.5]);
    assert_eq!(
        fc(
            ForecastSpec::SeasonalMean {
                period: 4,
                seasons: 2
            },
            &y,
            4
        ),
        vec![3.0, 4.0, 6.0, 5.0]
    );
}

#[test]
fn scores_match_hand_computation() {
    // scale: lag-1 MAE of [1, 3, 2, 4] = (2 + 1 + 2) / 3
    let scale = mase_scale(&[1.0, 3.0, 2.0, 4.0], 1);
    assert!((scale - 5.0 / 3.0).abs() < 1e-12);
    // seasonal scale, lag 2: (|2-1| + |4-3|) / 2 = 1
    assert_eq!(mase_scale(&[1.0, 3.0, 2.0, 4.0], 2), 1.0);
    let s = score(&[1.0, 2.0, 3.0, f64::NAN], &[2.0, 2.0, 2.0, 9.0], scale);
    assert!((s.mae - 2.0 / 3.0).abs() < 1e-12);
    assert!((s.mase - 0.4).abs() < 1e-12);
    assert!((s.rmse - (2.0f64 / 3.0).sqrt()).abs() < 1e-12);
    // sMAPE: (200·1/3 + 0 + 200·1/5) / 3
    assert!((s.smape - (200.0 / 3.0 + 40.0) / 3.0).abs() < 1e-9);
    // both zero counts as a perfect pair
    assert_eq!(score(&[0.0], &[0.0], 1.0).smape, 0.0);
}

#[test]
fn holt_winters_recovers_clean_seasonal_series() {
    let season = [3.0, -1.0, -2.0, 0.0];
    let truth = |t: usize| 10.0 + 0.5 * t as f64 + season[t % 4];
    let y: Vec<f64> = (0..48).map(truth).collect();
    let fit = ets::fit(&y, Trend::Additive, Seasonal::Additive, 4).unwrap();
    let f = fit.forecast(8);
    for (k, v) in f.iter().enumerate() {
        assert!(
            (v - truth(48 + k)).abs() < 0.05,
            "step {k}: {v} vs {}",
            truth(48 + k)
        );
    }
    let factors = [1.2, 0.9, 0.8, 1.1];
    let mul = |t: usize| (50.0 + 2.0 * t as f64) * factors[t % 4];
    let y: Vec<f64> = (0..60).map(mul).collect();
    let fit = ets::fit(&y, Trend::Additive, Seasonal::Multiplicative, 4).unwrap();
    for (k, v) in fit.forecast(8).iter().enumerate() {
        let want = mul(60 + k);
        assert!((v / want - 1.0).abs() < 0.01, "step {k}: {v} vs {want}");
    }
    // multiplicative needs positive data
    assert!(ets::fit(
        &[1.0, -1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        Trend::None,
        Seasonal::Multiplicative,
        2
    )
    .is_none());
}

#[test]
fn simple_smoothing_of_a_constant_is_the_constant() {
    let fit = ets::fit(&[5.0; 20], Trend::None, Seasonal::None, 1).unwrap();
    assert!(fit.forecast(3).iter().all(|v| (v - 5.0).abs() < 1e-9));
}

fn table(text: &str) -> crate::data::Table {
    read_csv(text.as_bytes(), "t.csv").unwrap()
}

fn series_of(text: &str) -> Result<Series> {
    series_from_table(
        &table(text),
        &SeriesOptions {
            target: "y".into(),
            date: "date".into(),
            id: None,
        },
    )
}

fn csv_of(dates: &[String]) -> String {
    let mut s = String::from("date,y\n");
    for (i, d) in dates.iter().enumerate() {
        s.push_str(&format!("{d},{}\n", (i % 7) as f64 + i as f64 * 0.1));
    }
    s
}

#[test]
fn frequency_is_detected() {
    let hourly: Vec<String> = (0..30)
        .map(|i| format!("2024-01-{:02} {:02}:00", 1 + i / 24, i % 24))
        .collect();
    let daily: Vec<String> = (0..30).map(|i| format!("2024-01-{:02}", i + 1)).collect();
    let weekly: Vec<String> = (0..30)
        .map(|i| {
            let (y, m, d) = crate::data::cells::civil_from_days(
                crate::data::cells::days_from_civil(2024, 1, 6) + 7 * i,
            );
            format!("{y}-{m:02}-{d:02}")
        })
        .collect();
    let monthly: Vec<String> = (0..30)
        .map(|i| format!("{}-{:02}-01", 2020 + i / 12, i % 12 + 1))
        .collect();
    let quarterly: Vec<String> = (0..30)
        .map(|i| format!("{}-{:02}-01", 2000 + i / 4, 3 * (i % 4) + 1))
        .collect();
    let yearly: Vec<String> = (0..30).map(|i| format!("{}-01-01", 1990 + i)).collect();
    for (dates, want) in [
        (hourly, Frequency::Hourly),
        (daily, Frequency::Daily),
        (weekly, Frequency::Weekly),
        (monthly, Frequency::Monthly),
        (quarterly, Frequency::Quarterly),
        (yearly, Frequency::Yearly),
    ] {
        let s = series_of(&csv_of(&dates)).unwrap();
        assert_eq!(s.frequency, want, "{:?}", &dates[..2]);
        assert_eq!(s.len(), 30);
        assert!(
            s.notes.iter().all(|n| !n.to_string().contains("missing")),
            "{:?}",
            s.notes
        );
    }
    // a year column named "year"
    let s = series_of("date,y\n1,2\n").err();
    assert!(s.is_some());
    let mut text = String::from("year,y\n");
    for i in 0..20 {
        text.push_str(&format!("{},{i}\n", 1900 + i));
    }
    let s = series_from_table(
        &table(&text),
        &SeriesOptions {
            target: "y".into(),
            date: "year".into(),
            id: None,
        },
    )
    .unwrap();
    assert_eq!(s.frequency, Frequency::Yearly);
}

#[test]
fn duplicates_are_averaged_and_gaps_interpolated_with_notes() {
    let text = "date,y\n2024-01-01,1\n2024-01-02,2\n2024-01-02,4\n2024-01-03,4\n2024-01-05,8\n2024-01-06,\n2024-01-07,12\n2024-01-08,13\n";
    let s = series_of(text).unwrap();
    assert_eq!(s.frequency, Frequency::Daily);
    assert_eq!(s.values, vec![1.0, 3.0, 4.0, 6.0, 8.0, 10.0, 12.0, 13.0]);
    assert_eq!(
        s.filled,
        vec![false, false, false, true, false, true, false, false]
    );
    let notes = s
        .notes
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(notes.contains("1 rows repeat the date of an earlier row (first at row 4, \"2024-01-02\"): values on the same daily date were averaged."), "{notes}");
    assert!(notes.contains("1 daily dates are missing between the first and the last (first gap at 2024-01-04): they were filled by linear interpolation"), "{notes}");
    assert!(notes.contains("1 dates have no value for \"y\""), "{notes}");
}

#[test]
fn several_series_are_refused_with_a_clear_message() {
    let text = "date,store,y\n2024-01-01,a,1\n2024-01-01,b,2\n2024-01-02,a,3\n2024-01-02,b,4\n2024-01-03,a,3\n2024-01-03,b,4\n2024-01-04,a,3\n2024-01-04,b,4\n";
    let e = series_from_table(
        &table(text),
        &SeriesOptions {
            target: "y".into(),
            date: "date".into(),
            id: Some("store".into()),
        },
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("holds 2 series keyed by \"store\" (\"a\", \"b\")"),
        "{e}"
    );
    // without the id column the repeated dates are caught too
    let e = series_of(
        &text
            .replace(",store", "")
            .replace(",a,", ",")
            .replace(",b,", ","),
    )
    .unwrap_err();
    assert!(e.to_string().contains("looks like several series"), "{e}");
}

#[test]
fn covariates_need_known_future_values() {
    let mut text = String::from("date,x,y\n");
    for i in 0..30 {
        // x follows no period the series could pick up
        let x = ((i * 37 + 11) % 17) as f64 / 2.0;
        text.push_str(&format!("2024-01-{:02},{x},{}\n", i + 1, 2.0 * x + 1.0));
    }
    let s = series_of(&text).unwrap();
    assert!(s.covariates.is_empty());
    assert!(
        s.notes
            .iter()
            .any(|n| n.to_string().contains("Other columns (\"x\") are left out")),
        "{:?}",
        s.notes
    );
    text.push_str("2024-01-31,4,\n2024-02-01,1.5,\n");
    let s = series_of(&text).unwrap();
    assert_eq!(s.covariates.len(), 1);
    assert_eq!(s.future_times.len(), 2);
    assert_eq!(s.len(), 30);
    // a regression on the covariate forecasts y = 2x + 1 closely
    let settings = ForecastSettings {
        target: "y".into(),
        date: "date".into(),
        horizon: Some(2),
        time_budget_s: None,
        ..ForecastSettings::default()
    };
    let r = run_series(&s, &settings, &Zero, &mut |_| {}).unwrap();
    assert_eq!(r.forecast.len(), 2);
    assert_eq!(r.forecast[0].time, "2024-01-31");
    // y = 2x + 1 with x = 4, 1.5 in the future rows: only the covariate can tell (the last
    // value is 14; ridge shrinks the fit a little)
    assert!(
        (r.forecast[0].value - 9.0).abs() < 1.0,
        "{:?} {}",
        r.forecast,
        r.best_label
    );
    assert!(
        (r.forecast[1].value - 4.0).abs() < 1.0,
        "{:?} {}",
        r.forecast,
        r.best_label
    );
}

#[test]
fn monthly_seasonality_is_found() {
    let mut text = String::from("date,y\n");
    for i in 0..72 {
        let v =
            100.0 + i as f64 + 20.0 * (2.0 * std::f64::consts::PI * (i % 12) as f64 / 12.0).sin();
        text.push_str(&format!("{}-{:02},{v}\n", 2000 + i / 12, i % 12 + 1));
    }
    let s = series_of(&text).unwrap();
    assert_eq!(s.frequency, Frequency::Monthly);
    assert_eq!(s.periods, vec![12]);
}

#[test]
fn search_is_deterministic_with_a_trial_budget_and_backtests_are_honest() {
    let mut text = String::from("date,y\n");
    for i in 0..96 {
        let v =
            100.0 + 2.0 * i as f64 + 15.0 * ((i % 12) as f64 - 5.5).abs() + ((i * 37 % 11) as f64);
        text.push_str(&format!("{}-{:02}-01,{v}\n", 2000 + i / 12, i % 12 + 1));
    }
    let s = series_of(&text).unwrap();
    let settings = ForecastSettings {
        target: "y".into(),
        date: "date".into(),
        horizon: Some(12),
        time_budget_s: None,
        max_trials: Some(40),
        ..ForecastSettings::default()
    };
    let a = run_series(&s, &settings, &Zero, &mut |_| {}).unwrap();
    let b = run_series(&s, &settings, &Zero, &mut |_| {}).unwrap();
    assert_eq!(a.trials, 40);
    let labels = |r: &ForecastResult| {
        r.leaderboard
            .iter()
            .map(|x| (x.label.clone(), x.scores.mase.to_bits()))
            .collect::<Vec<_>>()
    };
    assert_eq!(labels(&a), labels(&b));
    assert_eq!(a.forecast.len(), 12);
    assert_eq!(a.origins, 3);
    assert_eq!(a.forecast[0].time, "2008-01-01");
    // a seasonal trending series: the winner beats the naive forecast clearly
    let naive = a
        .leaderboard
        .iter()
        .find(|r| r.label == "Naive")
        .unwrap()
        .scores
        .mase;
    assert!(
        a.best_scores.mase < 0.5 * naive,
        "{} vs naive {naive}",
        a.best_scores.mase
    );
    // intervals nest and widen
    for p in &a.forecast {
        assert!(p.lo95 <= p.lo80 && p.lo80 <= p.value && p.value <= p.hi80 && p.hi80 <= p.hi95);
    }
    assert!(a.forecast[11].hi95 - a.forecast[11].lo95 >= a.forecast[0].hi95 - a.forecast[0].lo95);
    let csv = forecast_csv(&a);
    assert_eq!(csv.lines().count(), 13);
    assert!(
        csv.starts_with("\u{feff}date,forecast,lo80,hi80,lo95,hi95\n2008-01-01,"),
        "a UTF-8 byte-order mark, then the header"
    );
}

#[test]
fn backtest_plan_fits_short_series() {
    let p = plan(100, 12, 3, 20).unwrap();
    assert_eq!((p.origins, p.h), (vec![64, 76, 88], 12));
    let p = plan(30, 24, 3, 20).unwrap();
    assert_eq!((p.origins, p.h), (vec![15], 15));
    assert!(plan(3, 1, 3, 20).is_none());
}

#[test]
fn interval_widths_are_quantiles_and_grow_past_the_backtests() {
    let errors = vec![vec![1.0, 2.0, 3.0, 4.0, 5.0]; 2];
    let (q80, q95, cov) = interval_widths(&errors, 8);
    // pooled 10 values 1..5 twice: 0.8 quantile at position 7.2 → 4.2... of sorted [1,1,2,2,...,5,5]
    assert!((q80[0] - 5.0 + 0.8).abs() < 1e-9, "{q80:?}");
    assert!(q95[1] >= q80[1]);
    assert!((q80[7] - q80[1] * 2.0).abs() < 1e-9, "sqrt(8/2) = 2");
    assert!(cov.0 >= 0.6 && cov.1 >= 0.8);
}

/// Standard normal draws (Box-Muller on the crate's portable maths).
fn normals(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = crate::rng::Rng::new(seed);
    (0..n)
        .map(|_| {
            let u = 1.0 - rng.next_f64();
            let v = rng.next_f64();
            (-2.0 * crate::math::ln(u)).sqrt() * crate::math::cos(2.0 * std::f64::consts::PI * v)
        })
        .collect()
}

#[test]
fn arima_css_recovers_an_ar1_coefficient() {
    let e = normals(7, 400);
    let mut y = vec![5.0];
    for t in 1..400 {
        y.push(5.0 + 0.6 * (y[t - 1] - 5.0) + e[t]);
    }
    let order = arima::Order {
        p: 1,
        d: 0,
        q: 0,
        sp: 0,
        sd: 0,
        sq: 0,
        constant: true,
    };
    let fit = arima::fit(&y, 1, order).unwrap();
    let phi = fit.coef[0][0];
    assert!((phi - 0.6).abs() < 0.08, "phi {phi}");
    // the forecast decays from the last value towards the mean
    let f = fit.forecast(40);
    assert!((f[39] - 5.0).abs() < 0.5, "{}", f[39]);
    assert!(f[0].is_finite() && (f[0] - 5.0).abs() < (y[399] - 5.0).abs() + 1e-9);
}

#[test]
fn arima_orders_take_a_difference_for_a_walk_and_a_season() {
    let e = normals(11, 300);
    let walk: Vec<f64> = e
        .iter()
        .scan(0.0, |s, v| {
            *s += v;
            Some(*s)
        })
        .collect();
    assert_eq!(arima::ndiffs(&walk), 1);
    assert_eq!(arima::auto(&walk, 1).unwrap().order.d, 1);
    // white noise is stationary
    assert_eq!(arima::ndiffs(&e), 0);
    let season = [
        8.0, 5.0, 1.0, -3.0, -6.0, -8.0, -7.0, -4.0, 0.0, 3.0, 6.0, 5.0,
    ];
    let y: Vec<f64> = (0..144)
        .map(|t| 50.0 + season[t % 12] + 0.3 * e[t])
        .collect();
    assert_eq!(arima::nsdiffs(&y, 12), 1);
    assert_eq!(arima::auto(&y, 12).unwrap().order.sd, 1);
    assert_eq!(arima::nsdiffs(&e[..144], 12), 0);
}

#[test]
fn theta_forecast_on_a_line_matches_the_formula() {
    // y = 10 + 2t: the least-squares line on t' = 1..n is A = 8, B = 2
    let y: Vec<f64> = (0..30).map(|t| 10.0 + 2.0 * t as f64).collect();
    let fit = theta::fit(&y, 1, false, false).unwrap();
    assert_eq!(fit.theta, 2.0);
    let a = fit.alpha;
    let mut level = a * y[0] + (1.0 - a) * fit.level0;
    for v in &y[1..] {
        level = a * v + (1.0 - a) * level;
    }
    // one step: SES level + (1 - 1/θ)(A(1-α)^n + B(1 - (1-α)^(n+1))/α)
    let p = (1.0 - a).powi(30);
    let want = level + 0.5 * (8.0 * p + 2.0 * (1.0 - p * (1.0 - a)) / a);
    let f = fit.forecast(3);
    assert!((f[0] - want).abs() < 1e-9, "{} vs {want}", f[0]);
    // and the forecast keeps rising along the line's slope
    assert!(
        f[1] > f[0] && f[2] > f[1] && (f[0] - 70.0).abs() < 2.0,
        "{f:?}"
    );
}

#[test]
fn arima_and_theta_do_not_panic_on_degenerate_series() {
    // the whole search on a six-value series: a forecast, and any model left out is named
    let mut text = String::from("date,y\n");
    for (i, v) in [3.0, 3.0, 3.0, 3.0, 3.0, 1e300].iter().enumerate() {
        text.push_str(&format!("2020-{:02}-01,{v}\n", i + 1));
    }
    let settings = ForecastSettings {
        target: "y".into(),
        date: "date".into(),
        horizon: Some(2),
        time_budget_s: None,
        max_trials: Some(60),
        ..ForecastSettings::default()
    };
    let r = run_series(&series_of(&text).unwrap(), &settings, &Zero, &mut |_| {}).unwrap();
    assert!(r.forecast.iter().all(|p| p.value.is_finite()));
    for n in r
        .notes
        .iter()
        .filter(|n| n.code == "forecast.model_left_out")
    {
        assert!(n.params.contains_key("model"));
    }
    let specs = [
        ForecastSpec::Arima {
            period: 12,
            order: None,
        },
        ForecastSpec::Arima {
            period: 1,
            order: Some(arima::Order {
                p: 2,
                d: 1,
                q: 2,
                sp: 0,
                sd: 0,
                sq: 0,
                constant: true,
            }),
        },
        ForecastSpec::Theta {
            period: 12,
            optimized: true,
            dynamic: false,
        },
        ForecastSpec::Theta {
            period: 4,
            optimized: false,
            dynamic: true,
        },
    ];
    let huge: Vec<f64> = (0..60)
        .map(|t| 1e300 * (1.0 + 0.5 * ((t % 12) as f64 / 12.0)))
        .collect();
    let tiny: Vec<f64> = (0..60).map(|t| 1e-300 * (t % 5) as f64).collect();
    let series: [&[f64]; 6] = [
        &[4.0; 40],
        &[1.0, 2.0, 3.0],
        &[7.0],
        &huge,
        &tiny,
        &[-1e308, 1e308, 0.0, 5.0, -1e308],
    ];
    for spec in &specs {
        for y in series {
            let times: Vec<f64> = (0..y.len() + 5).map(|i| i as f64).collect();
            if let Ok(f) = forecast(spec, y, &ctx(&times, &[12]), 5, 1) {
                assert!(f.iter().all(|v| v.is_finite()), "{spec:?} on {y:?}");
            }
        }
        // a constant series forecasts the constant
        let times: Vec<f64> = (0..45).map(|i| i as f64).collect();
        let f = forecast(spec, &[4.0; 40], &ctx(&times, &[12]), 5, 1).unwrap();
        assert!(f.iter().all(|v| (v - 4.0).abs() < 1e-9), "{spec:?}: {f:?}");
    }
}

#[test]
fn arima_and_theta_beat_seasonal_naive_on_the_airline_sample() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/www/samples/airline_passengers.csv"
    ))
    .unwrap();
    let s = series_from_table(
        &table(&text),
        &SeriesOptions {
            target: "passengers".into(),
            date: "month".into(),
            id: None,
        },
    )
    .unwrap();
    let settings = ForecastSettings {
        target: "passengers".into(),
        date: "month".into(),
        horizon: Some(12),
        time_budget_s: None,
        max_trials: Some(60),
        ..ForecastSettings::default()
    };
    let r = run_series(&s, &settings, &Zero, &mut |_| {}).unwrap();
    let mase = |prefix: &str| {
        r.leaderboard
            .iter()
            .find(|x| x.label.starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix}"))
            .scores
            .mase
    };
    let snaive = mase("Seasonal naive");
    for model in ["AutoARIMA", "Optimized theta", "Dynamic optimized theta"] {
        assert!(
            mase(model) < 0.8 * snaive,
            "{model}: {} vs {snaive}",
            mase(model)
        );
    }
    assert!(r.best_scores.mase < 0.8 * snaive);
}
