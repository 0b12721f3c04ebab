//! The forecast model file (`src/results/forecast_file.rs`): a run's chosen forecaster saved,
//! loaded back identical, forecasting the run's own data exactly as the run did, forecasting
//! from the new end of extended data without a search, and clear structured errors for damaged
//! files, the other kind of model file and data the model cannot forecast. The command line's
//! `fit --date --model-out` and `predict MODEL DATA` are checked at the end.

mod common;
use automl::clock::Clock;
use automl::forecast::{
    self, forecast, run_forecast, Context, ForecastResult, ForecastSettings, ForecastSpec,
};
use automl::results::forecast_file::{self, ForecastModelFile};
use automl::results::model_file;
use automl::{read_csv, AutoMlError, Table};
use common::automl;

struct Zero;
impl Clock for Zero {
    fn now_s(&self) -> f64 {
        0.0
    }
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/www/samples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The airline sample's first `rows` data rows (all with `None`).
fn airline(rows: Option<usize>) -> Table {
    let text = String::from_utf8(sample("airline_passengers.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let keep = rows.map_or(lines.len(), |r| r + 1);
    read_csv(lines[..keep].join("\n").as_bytes(), "airline.csv").unwrap()
}

fn settings(trials: usize) -> ForecastSettings {
    ForecastSettings {
        target: "passengers".into(),
        date: "month".into(),
        horizon: Some(12),
        time_budget_s: None,
        max_trials: Some(trials),
        seed: 7,
        ..ForecastSettings::default()
    }
}

fn run(table: &Table, s: &ForecastSettings) -> ForecastResult {
    run_forecast(table, s, &Zero, &mut |_| {}).unwrap()
}

fn bits(r: &ForecastResult) -> Vec<u64> {
    r.forecast
        .iter()
        .flat_map(|p| [p.value, p.lo80, p.hi80, p.lo95, p.hi95])
        .map(f64::to_bits)
        .collect()
}

fn reason_code(e: &AutoMlError) -> String {
    match e {
        AutoMlError::ForecastData { reason, .. } => reason.code.clone(),
        AutoMlError::ModelFile { reason, .. } => match reason.params.get("detail") {
            Some(automl::messages::Param::Message(m)) => format!("{}/{}", reason.code, m.code),
            _ => reason.code.clone(),
        },
        other => other.code(),
    }
}

#[test]
fn a_run_saved_loads_back_identical_and_forecasts_its_data_exactly() {
    // every fixed candidate (AutoARIMA and boosting among them) and the ensemble
    let s = settings(40);
    let table = airline(None);
    let result = run(&table, &s);
    let file = ForecastModelFile::from_run(&result, &s);
    assert_eq!(file.target, "passengers");
    assert_eq!(file.date_column, "month");
    assert_eq!(file.frequency, forecast::Frequency::Monthly);
    assert_eq!((file.horizon, file.periods.clone()), (12, vec![12]));
    assert_eq!(file.history_length, 144);
    assert_eq!(file.history_end, "1960-12-01");
    assert_eq!(file.members.len(), result.best.len());
    // a search's choice is fixed in the file: no automatic ARIMA is left to search again
    assert!(file
        .members
        .iter()
        .all(|m| !matches!(m.model, ForecastSpec::Arima { order: None, .. })));
    let bytes = file.to_bytes().unwrap();
    assert!(bytes.starts_with(b"AUTOML-FORECAST 1\ncreated-with automl "));
    let loaded = forecast_file::load(&bytes, "m.automl").unwrap();
    assert_eq!(loaded, file, "a round trip gives the same file");
    assert_eq!(loaded.to_bytes().unwrap(), bytes, "and the same bytes");
    // the run's own data: the run's forecast, to the bit, and the same CSV
    let again = loaded.forecast_table(&table, "airline.csv").unwrap();
    assert_eq!(bits(&again), bits(&result));
    assert_eq!(
        forecast::forecast_csv(&again),
        forecast::forecast_csv(&result)
    );
    assert_eq!(again.forecast[0].time, "1961-01-01");
    // and deterministic
    let third = loaded.forecast_table(&table, "airline.csv").unwrap();
    assert_eq!(bits(&third), bits(&again));
}

#[test]
fn an_automatic_arima_resolved_to_its_orders_forecasts_the_same_bits() {
    let table = airline(None);
    let series = forecast::series_from_table(
        &table,
        &forecast::SeriesOptions {
            target: "passengers".into(),
            date: "month".into(),
            id: None,
        },
    )
    .unwrap();
    let auto = ForecastSpec::Arima {
        period: 12,
        order: None,
    };
    let fixed = forecast::resolve(&auto, &series.values);
    let ForecastSpec::Arima { order: Some(o), .. } = fixed else {
        panic!("resolved to orders: {fixed:?}");
    };
    assert_eq!(
        (o.sd, o.d),
        (1, 1),
        "airline: one seasonal and one plain difference"
    );
    let times: Vec<f64> = (0..200).map(|i| i as f64 * 86_400.0 * 30.0).collect();
    let ctx = Context {
        times: &times,
        covariates: &[],
        periods: &[12],
        hourly: false,
    };
    let a = forecast(&auto, &series.values, &ctx, 12, 1).unwrap();
    let b = forecast(&fixed, &series.values, &ctx, 12, 1).unwrap();
    assert_eq!(
        a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        b.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
}

#[test]
fn extended_data_is_forecast_from_its_new_end_without_a_search() {
    let s = settings(14);
    // a model made on the series up to 1959-12
    let early = run(&airline(Some(132)), &s);
    assert_eq!(early.forecast[0].time, "1960-01-01");
    let file = ForecastModelFile::from_run(&early, &s);
    let loaded = forecast_file::load(&file.to_bytes().unwrap(), "m.automl").unwrap();
    // the whole series: forecast from 1961-01, refitted on 144 values
    let later = loaded
        .forecast_table(&airline(None), "airline.csv")
        .unwrap();
    assert_eq!(later.n, 144);
    assert_eq!(later.forecast.len(), 12);
    assert_eq!(later.forecast[0].time, "1961-01-01");
    assert_eq!(later.forecast[11].time, "1961-12-01");
    assert_eq!(later.trials, 0, "no model was backtested");
    assert!(later.leaderboard.is_empty());
    assert!(later.notes.iter().any(|n| n.code == "forecast_file.refit"));
    // the stored interval widths around the refitted forecast
    for (j, p) in later.forecast.iter().enumerate() {
        assert_eq!(p.hi80.to_bits(), (p.value + file.widths80[j]).to_bits());
        assert!((p.hi95 - p.value - file.widths95[j]).abs() < 1e-9 * p.value.abs().max(1.0));
        assert!((p.value - p.lo80 - file.widths80[j]).abs() < 1e-9 * p.value.abs().max(1.0));
        assert!((300.0..800.0).contains(&p.value), "{p:?}");
    }
    // the 1960 forecast of the early model against what happened: better than repeating 1959
    let actual: Vec<f64> = airline(None).columns[1]
        .iter()
        .skip(132)
        .map(|c| c.parse().unwrap())
        .collect();
    let last_year: Vec<f64> = airline(None).columns[1]
        .iter()
        .skip(120)
        .take(12)
        .map(|c| c.parse().unwrap())
        .collect();
    let mae = |f: &[f64]| {
        f.iter()
            .zip(&actual)
            .map(|(a, b)| (a - b).abs())
            .sum::<f64>()
            / 12.0
    };
    let model: Vec<f64> = early.forecast.iter().map(|p| p.value).collect();
    assert!(
        mae(&model) < mae(&last_year),
        "{} vs {}",
        mae(&model),
        mae(&last_year)
    );
}

#[test]
fn damaged_files_and_the_other_kind_of_model_file_are_refused_with_a_reason() {
    let s = settings(6);
    let result = run(&airline(None), &s);
    let bytes = ForecastModelFile::from_run(&result, &s).to_bytes().unwrap();
    // a changed byte of the body
    let mut changed = bytes.clone();
    let last = changed.len() - 3;
    changed[last] ^= 1;
    let e = forecast_file::load(&changed, "m.automl").unwrap_err();
    assert_eq!(reason_code(&e), "model_file.damaged/model_file.checksum");
    // cut short
    let e = forecast_file::load(&bytes[..bytes.len() - 10], "m.automl").unwrap_err();
    assert_eq!(reason_code(&e), "model_file.damaged/model_file.cut_short");
    // a newer format version
    let newer = String::from_utf8(bytes.clone()).unwrap().replacen(
        "AUTOML-FORECAST 1",
        "AUTOML-FORECAST 2",
        1,
    );
    let e = forecast_file::load(newer.as_bytes(), "m.automl").unwrap_err();
    assert_eq!(reason_code(&e), "model_file.newer");
    // a table's model file is not a forecast model, and the other way round
    let tabular = std::fs::read(format!(
        "{}/tests/data/model/iris.automl",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let e = forecast_file::load(&tabular, "iris.automl").unwrap_err();
    assert_eq!(
        reason_code(&e),
        "model_file.foreign/forecast_file.is_tabular"
    );
    let e = model_file::load(&bytes, "m.automl").unwrap_err();
    assert_eq!(reason_code(&e), "model_file.foreign/model_file.is_forecast");
    assert_eq!(
        model_file::kind_of(&bytes),
        Some(model_file::FileKind::Forecast)
    );
    assert_eq!(
        model_file::kind_of(&tabular),
        Some(model_file::FileKind::Tabular)
    );
    // a body with a valid checksum but settings out of range (a crafted file)
    let mut file = ForecastModelFile::from_run(&result, &s);
    file.members[0].model = ForecastSpec::SeasonalNaive {
        period: 1_000_000_000,
    };
    let e = forecast_file::load(&file.to_bytes().unwrap(), "m.automl").unwrap_err();
    assert_eq!(reason_code(&e), "model_file.damaged/forecast_file.settings");
    let mut file = ForecastModelFile::from_run(&result, &s);
    file.widths80.pop();
    let e = forecast_file::load(&file.to_bytes().unwrap(), "m.automl").unwrap_err();
    assert_eq!(reason_code(&e), "model_file.damaged/forecast_file.widths");
}

#[test]
fn data_the_model_cannot_forecast_gets_a_structured_error_with_a_hint() {
    let s = settings(6);
    let result = run(&airline(None), &s);
    let file = ForecastModelFile::from_run(&result, &s);
    let hint = |e: &AutoMlError| automl::messages::hint(&e.to_message()).unwrap_or_default();
    // no date column
    let t = read_csv(b"when,passengers\n1949-01-01,112\n", "renamed.csv").unwrap();
    let e = file.forecast_table(&t, "renamed.csv").unwrap_err();
    assert_eq!(reason_code(&e), "forecast_file.missing_columns");
    let text = e.to_string();
    assert!(
        text.contains("renamed.csv") && text.contains("\"month\""),
        "{text}"
    );
    assert!(hint(&e).contains("date column"), "{}", hint(&e));
    // another frequency: the same numbers one per quarter
    let mut csv = String::from("month,passengers\n");
    for (i, v) in (0..40).map(|i| (i, 100 + 3 * i)) {
        csv += &format!("{}-{:02}-01,{v}\n", 1950 + i / 4, 1 + 3 * (i % 4));
    }
    let t = read_csv(csv.as_bytes(), "quarters.csv").unwrap();
    let e = file.forecast_table(&t, "quarters.csv").unwrap_err();
    assert_eq!(reason_code(&e), "forecast_file.frequency");
    assert!(
        e.to_string().contains("quarterly") && e.to_string().contains("monthly"),
        "{e}"
    );
    assert!(!hint(&e).is_empty());
    // too short to refit a monthly seasonal model
    let e = file
        .forecast_table(&airline(Some(12)), "short.csv")
        .unwrap_err();
    assert_eq!(reason_code(&e), "forecast_file.too_short");
    assert!(
        e.to_string().contains("12 values") && e.to_string().contains("26"),
        "{e}"
    );
    assert!(hint(&e).contains("longer"), "{}", hint(&e));
}

/// The fixture of `tests/conformance.rs` and `tests/wasm.rs` (native and wasm must forecast its
/// bits): a forecast model file whose ensemble has one model of each kind that fits parameters
/// (smoothing, Theta, an automatic ARIMA's orders, boosting, ridge), and the forecast the native
/// engine makes with it. `UPDATE_FIXTURES=1` writes them; otherwise they must match.
#[test]
fn the_conformance_fixture_is_what_the_native_engine_writes() {
    use automl::forecast::{Learner, Seasonal, Transform, Trend};
    let s = settings(6);
    let table = airline(None);
    let result = run(&table, &s);
    let mut file = ForecastModelFile::from_run(&result, &s);
    let specs = [
        ForecastSpec::Ets {
            trend: Trend::Damped,
            seasonal: Seasonal::Multiplicative,
            period: 12,
        },
        ForecastSpec::Theta {
            period: 12,
            optimized: true,
            dynamic: true,
        },
        forecast::resolve(
            &ForecastSpec::Arima {
                period: 12,
                order: None,
            },
            &result.history,
        ),
        ForecastSpec::Regression {
            learner: Learner::Boosting {
                rounds: 100,
                leaves: 15,
                learning_rate: 0.1,
                min_leaf: 10,
            },
            lags: 12,
            transform: Transform::SeasonalDifference,
            trend: false,
            window: 5000,
        },
        ForecastSpec::Regression {
            learner: Learner::Ridge { alpha: 10.0 },
            lags: 36,
            transform: Transform::Difference,
            trend: false,
            window: 0,
        },
    ];
    file.members = specs
        .iter()
        .map(|spec| forecast_file::ForecastMember {
            label: spec.label(),
            model: spec.clone(),
            weight: 0.2,
        })
        .collect();
    file.best_label = "Ensemble of five".into();
    let csv = forecast::forecast_csv(
        &file
            .forecast_table(&table, "airline_passengers.csv")
            .unwrap(),
    );
    let dir = format!("{}/tests/data/model", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(
            format!("{dir}/airline.forecast.automl"),
            file.to_bytes().unwrap(),
        )
        .unwrap();
        std::fs::write(format!("{dir}/airline_forecast.csv"), &csv).unwrap();
    }
    let committed = forecast_file::load(
        &std::fs::read(format!("{dir}/airline.forecast.automl")).unwrap(),
        "m",
    )
    .unwrap();
    assert_eq!(committed.members, file.members);
    assert_eq!(
        std::fs::read_to_string(format!("{dir}/airline_forecast.csv")).unwrap(),
        csv
    );
}

#[test]
fn the_command_line_saves_a_forecast_model_and_predict_forecasts_with_it() {
    let dir = std::env::temp_dir().join(format!("automl-forecast-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("m.automl").to_string_lossy().to_string();
    let fit_csv = dir.join("fit.csv").to_string_lossy().to_string();
    let again_csv = dir.join("again.csv").to_string_lossy().to_string();
    let (code, _, err) = automl(&[
        "fit",
        "www/samples/airline_passengers.csv",
        "--target",
        "passengers",
        "--date",
        "month",
        "--max-trials",
        "14",
        "--quiet",
        "--out",
        &fit_csv,
        "--model-out",
        &model,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&model)
        .unwrap()
        .starts_with(b"AUTOML-FORECAST 1\n"));
    // predict with the forecast model on the same file: the run's forecast, byte for byte
    let (code, _, err) = automl(&[
        "predict",
        &model,
        "www/samples/airline_passengers.csv",
        "--out",
        &again_csv,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("refitted on the 144 values"), "{err}");
    assert_eq!(
        std::fs::read(&fit_csv).unwrap(),
        std::fs::read(&again_csv).unwrap()
    );
    // to standard output without the byte-order mark; a file without the date column: exit 2
    let (code, out, _) = automl(&["predict", &model, "www/samples/airline_passengers.csv"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("month,forecast,lo80,hi80,lo95,hi95\n1961-01-01,"),
        "{out}"
    );
    let (code, _, err) = automl(&["predict", &model, "www/samples/iris.csv"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot be forecast with this model") && err.contains("\"month\""),
        "{err}"
    );
    assert!(err.contains("date column"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
