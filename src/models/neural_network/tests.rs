use super::*;
use crate::models::{FittedModel, ModelSpec, Prediction};

/// A sample of `www/samples`: its numeric inputs standardized (as the pipeline would), and its
/// last column as text.
fn sample(name: &str) -> (Matrix, Vec<String>) {
    let path = format!("{}/www/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut data = Vec::new();
    let mut last = Vec::new();
    let mut cols = 0;
    for line in text.lines().skip(1).filter(|l| !l.is_empty()) {
        let cells: Vec<&str> = line.split(',').collect();
        cols = cells.len() - 1;
        data.extend(cells[..cols].iter().map(|c| c.parse::<f64>().unwrap()));
        last.push(cells[cols].to_string());
    }
    let rows = last.len();
    for c in 0..cols {
        let mean = (0..rows).map(|r| data[r * cols + c]).sum::<f64>() / rows as f64;
        let var = (0..rows)
            .map(|r| (data[r * cols + c] - mean).powi(2))
            .sum::<f64>()
            / rows as f64;
        for r in 0..rows {
            data[r * cols + c] = (data[r * cols + c] - mean) / var.sqrt();
        }
    }
    (Matrix { rows, cols, data }, last)
}

/// Rows `r` with `keep(r)`.
fn rows_where(x: &Matrix, keep: impl Fn(usize) -> bool) -> Matrix {
    let picked: Vec<usize> = (0..x.rows).filter(|&r| keep(r)).collect();
    Matrix {
        rows: picked.len(),
        cols: x.cols,
        data: picked.iter().flat_map(|&r| x.row(r).to_vec()).collect(),
    }
}

fn net(
    depth: usize,
    width: usize,
    embedding: &str,
    members: usize,
    epochs: usize,
) -> NeuralNetwork {
    NeuralNetwork {
        depth,
        width,
        shape: "funnel".into(),
        activation: "selu".into(),
        embedding: embedding.into(),
        members,
        dropout: 0.1,
        weight_decay: 0.02,
        learning_rate: 0.003,
        batch_size: 32,
        epochs,
        class_weight: Default::default(),
    }
}

fn tiny() -> (Matrix, Vec<u32>) {
    let x = Matrix {
        rows: 8,
        cols: 2,
        data: vec![
            0.0, 1.0, 1.0, 0.5, -1.0, 2.0, 2.0, -1.0, 0.3, 0.3, -0.7, 1.5, 1.2, -0.2, -2.0, 0.1,
        ],
    };
    (x, vec![0, 1, 0, 1, 0, 0, 1, 0])
}

#[test]
fn a_seed_gives_exactly_these_weights_and_probabilities() {
    let (x, y) = tiny();
    let spec = NeuralNetwork {
        activation: "silu".into(),
        ..net(2, 8, "periodic", 4, 5)
    };
    let model = train(
        &spec,
        &FitInput {
            x: &x,
            y: TargetRef::Classes {
                y: &y,
                n_classes: 2,
            },
            seed: 7,
        },
    )
    .unwrap();
    assert_eq!(model.dims, [2 * (1 + 2 * PERIODS), 8, 8]);
    let bits = |v: &[F]| v.iter().map(|w| w.to_bits()).collect::<Vec<u32>>();
    let n = model.params.len();
    let picked = [
        model.params[0],
        model.params[40],
        model.params[n / 2],
        model.params[n - 1],
    ];
    let p = model.proba(&x, 2).unwrap();
    // recorded once; native and wasm must both reproduce them (the conformance test checks
    // the same fits in wasm)
    assert_eq!(bits(&picked), EXPECTED_WEIGHTS, "{picked:?}");
    assert_eq!(p[0].to_bits(), EXPECTED_P0, "{}", p[0]);
    assert_eq!(model.curve.train.len(), 5);
    assert!(model.curve.best < 5);
}

const EXPECTED_WEIGHTS: [u32; 4] = [1066812702, 1065531029, 3197744286, 3163185236];
const EXPECTED_P0: u64 = 4603235609646903830;

#[test]
fn learns_iris_on_a_seeded_split() {
    let (x, labels) = sample("iris.csv");
    let names: Vec<&String> = {
        let mut v: Vec<&String> = labels.iter().collect();
        v.sort();
        v.dedup();
        v
    };
    let y: Vec<u32> = labels
        .iter()
        .map(|l| names.iter().position(|n| *n == l).unwrap() as u32)
        .collect();
    let test = |r: usize| r % 5 == 2;
    let (xt, xv) = (rows_where(&x, |r| !test(r)), rows_where(&x, test));
    let yt: Vec<u32> = (0..x.rows).filter(|&r| !test(r)).map(|r| y[r]).collect();
    let yv: Vec<u32> = (0..x.rows).filter(|&r| test(r)).map(|r| y[r]).collect();
    for spec in [net(2, 64, "none", 1, 40), net(1, 32, "piecewise", 4, 40)] {
        let spec = ModelSpec::from(spec);
        let model = spec
            .fit(
                &xt,
                TargetRef::Classes {
                    y: &yt,
                    n_classes: 3,
                },
                1,
            )
            .unwrap();
        let Prediction::Classes(c) = model.predict(&xv).unwrap() else {
            panic!()
        };
        let acc = c.iter().zip(&yv).filter(|(a, b)| a == b).count() as f64 / yv.len() as f64;
        assert!(acc >= 0.9, "{spec:?}: accuracy {acc}");
        // saved and loaded, it predicts the same probabilities, bit for bit
        let json = serde_json::to_string(&model).unwrap();
        let back: FittedModel = serde_json::from_str(&json).unwrap();
        back.check_parts().unwrap();
        let (a, b) = (
            model.predict_proba(&xv).unwrap().unwrap(),
            back.predict_proba(&xv).unwrap().unwrap(),
        );
        assert_eq!(
            a.data.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            b.data.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
    }
}

#[test]
fn learns_diabetes_regression_on_a_seeded_split() {
    let (x, target) = sample("diabetes.csv");
    let v: Vec<f64> = target.iter().map(|t| t.parse().unwrap()).collect();
    let test = |r: usize| r % 4 == 1;
    let (xt, xv) = (rows_where(&x, |r| !test(r)), rows_where(&x, test));
    let vt: Vec<f64> = (0..x.rows).filter(|&r| !test(r)).map(|r| v[r]).collect();
    let vv: Vec<f64> = (0..x.rows).filter(|&r| test(r)).map(|r| v[r]).collect();
    let spec = ModelSpec::from(NeuralNetwork {
        activation: "relu".into(),
        ..net(2, 64, "none", 1, 40)
    });
    let model = spec.fit(&xt, TargetRef::Values(&vt), 3).unwrap();
    let Prediction::Values(p) = model.predict(&xv).unwrap() else {
        panic!()
    };
    let mean = vv.iter().sum::<f64>() / vv.len() as f64;
    let ss_res: f64 = p.iter().zip(&vv).map(|(a, b)| (a - b) * (a - b)).sum();
    let ss_tot: f64 = vv.iter().map(|b| (b - mean) * (b - mean)).sum();
    let r2 = 1.0 - ss_res / ss_tot;
    assert!(r2 > 0.35, "R² {r2}");
}

#[test]
fn the_restored_epoch_has_the_lowest_validation_loss() {
    let (x, labels) = sample("iris.csv");
    let y: Vec<u32> = labels.iter().map(|l| (l == "setosa") as u32).collect();
    let model = train(
        &net(1, 16, "none", 1, 12),
        &FitInput {
            x: &x,
            y: TargetRef::Classes {
                y: &y,
                n_classes: 2,
            },
            seed: 5,
        },
    )
    .unwrap();
    let c = &model.curve;
    assert_eq!((c.train.len(), c.valid.len()), (12, 12));
    let lowest = c.valid.iter().copied().fold(F::INFINITY, F::min);
    assert_eq!(c.valid[c.best], lowest);
    assert!(c.valid[c.best] < c.valid[0] || c.best == 0);
}

#[test]
fn a_diverging_network_is_an_error_not_a_panic() {
    let (x, y) = tiny();
    let spec = NeuralNetwork {
        learning_rate: 1e30,
        dropout: 0.0,
        ..net(3, 64, "none", 1, 20)
    };
    let v: Vec<f64> = y.iter().map(|&c| c as f64 * 1e30).collect();
    let out = train(
        &spec,
        &FitInput {
            x: &x,
            y: TargetRef::Values(&v),
            seed: 1,
        },
    );
    assert!(matches!(out, Err(AutoMlError::Model { .. })), "{out:?}");
}

#[test]
fn dot_sums_in_its_fixed_order() {
    let a: Vec<F> = (0..19).map(|i| 1.0 / (i as F + 1.0)).collect();
    let b: Vec<F> = (0..19).map(|i| (i as F) - 9.0).collect();
    let want: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
    assert!((dense::dot(&a, &b) as f64 - want).abs() < 1e-4);
}

/// The table of `bench/nn_throughput.mjs` and `bench/nn_throughput_torch.py`: 2,000 rows of 20
/// inputs uniform in [-1, 1) from the 64-bit LCG of `bench/simd.mjs` (seed 12345, row by row),
/// class `x0 + x1 x2 > 0`.
fn throughput_table() -> (Matrix, Vec<u32>) {
    let (rows, cols) = (2000, 20);
    let mut state: u64 = 12345;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let data: Vec<f64> = (0..rows * cols).map(|_| next() * 2.0 - 1.0).collect();
    let x = Matrix { rows, cols, data };
    let y = (0..rows)
        .map(|r| (x.row(r)[0] + x.row(r)[1] * x.row(r)[2] > 0.0) as u32)
        .collect();
    (x, y)
}

/// Training throughput, rows × epochs per second (median of 5 fits, one thread), of one
/// architecture: 2,000 rows × 20 inputs, two hidden layers of 128 (ReLU), batch 128, 10 epochs
/// (each epoch trains on 1,600 rows and scores the 400 internal validation rows), fitted as
/// `bench_fit` fits it in wasm (`ModelSpec::fit`, seed 0), with the fitted model's FNV-1a
/// fingerprint to compare with the wasm builds' (`bench/nn_throughput.mjs`).
/// `cargo test --profile test-release --lib neural_network::tests::throughput -- --ignored --nocapture`
/// The network of the throughput benchmark: two hidden layers of 128 (ReLU), batch 128, no
/// dropout, `epochs` epochs.
fn throughput_spec(epochs: usize) -> ModelSpec {
    ModelSpec::from(NeuralNetwork {
        activation: "relu".into(),
        shape: "constant".into(),
        dropout: 0.0,
        batch_size: 128,
        ..net(2, 128, "none", 1, epochs)
    })
}

#[test]
#[ignore]
fn throughput() {
    let (x, y) = throughput_table();
    let epochs = 10;
    let spec = throughput_spec(epochs);
    let fnv = |bytes: &[u8]| {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let mut prints = Vec::new();
    let mut rates: Vec<f64> = (0..5)
        .map(|_| {
            let start = std::time::Instant::now();
            let fitted = spec
                .fit(
                    &x,
                    TargetRef::Classes {
                        y: &y,
                        n_classes: 2,
                    },
                    0,
                )
                .unwrap();
            let rate = (x.rows * epochs) as f64 / start.elapsed().as_secs_f64();
            prints.push(fnv(serde_json::to_string(&fitted).unwrap().as_bytes()));
            rate
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    prints.dedup();
    assert_eq!(prints.len(), 1, "the five fits differ");
    println!(
        "neural_network throughput: {:.0} rows × epochs / s (median of 5; runs {rates:.0?}); spec {}; fingerprint {:016x}",
        rates[2],
        serde_json::to_string(&spec).unwrap(),
        prints[0]
    );
}

/// Seconds since the first call (the phase timer's clock natively).
fn seconds_now() -> f64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64()
}

/// Where the time of the throughput benchmark's fit goes, natively: the seconds of each phase
/// of the training (`phases::NAMES`), the median of 5 fits, as a JSON line for
/// `bench/nn_throughput.mjs --phases`.
/// `cargo test --profile test-release --lib neural_network::tests::phases -- --ignored --nocapture`
#[test]
#[ignore]
fn phases() {
    let (x, y) = throughput_table();
    let spec = throughput_spec(10);
    let runs: Vec<[f64; phases::NAMES.len()]> = (0..5)
        .map(|_| {
            let target = TargetRef::Classes {
                y: &y,
                n_classes: 2,
            };
            phases::time_phases(seconds_now, || spec.fit(&x, target, 0).unwrap()).1
        })
        .collect();
    let median: serde_json::Map<String, serde_json::Value> = phases::NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut v: Vec<f64> = runs.iter().map(|r| r[i]).collect();
            v.sort_by(f64::total_cmp);
            (name.to_string(), v[2].into())
        })
        .collect();
    println!(
        "neural_network phases: {}",
        serde_json::Value::Object(median)
    );
}

#[test]
fn the_phase_timer_counts_every_phase_of_a_training_and_changes_nothing() {
    let (x, y) = tiny();
    let spec = NeuralNetwork {
        activation: "relu".into(),
        ..net(2, 8, "none", 2, 3)
    };
    let input = FitInput {
        x: &x,
        y: TargetRef::Classes {
            y: &y,
            n_classes: 2,
        },
        seed: 3,
    };
    // a clock that advances by one at every reading: each phase's count is its laps
    thread_local!(static TICKS: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) });
    fn tick() -> f64 {
        TICKS.with(|t| {
            t.set(t.get() + 1.0);
            t.get()
        })
    }
    let (timed, seconds) = phases::time_phases(tick, || train(&spec, &input).unwrap());
    assert_eq!(timed, train(&spec, &input).unwrap());
    let at = |name: &str| seconds[phases::NAMES.iter().position(|n| *n == name).unwrap()];
    // 8 rows (fewer than 25: all trained on, and validated on them too), a batch of at most
    // an eighth of them: 1 row, so 8 steps an epoch, 3 epochs
    let steps = 24.0;
    assert_eq!(at("setup"), 1.0);
    assert_eq!(at("batch"), steps);
    assert_eq!(at("input"), steps);
    // two hidden layers, then the heads: three laps a step
    assert_eq!(at("forward"), 3.0 * steps);
    assert_eq!(at("activation"), 2.0 * steps);
    assert_eq!(at("loss"), steps);
    // the heads, then each hidden layer
    assert_eq!(at("backward"), 3.0 * steps);
    assert_eq!(at("activation_grad"), 2.0 * steps);
    assert_eq!(at("scale_grad"), steps);
    assert_eq!(at("optimizer"), steps);
    // a lap after the reading that ends each epoch's validation, whatever ran inside it
    assert_eq!(at("validation"), 3.0);
    // a run that trains nothing counts nothing
    assert!(phases::time_phases(tick, || 0).1.iter().all(|&s| s == 0.0));
}

#[test]
fn a_network_too_large_for_its_model_file_is_refused_before_training() {
    // 300 inputs of many values, each expanded ninefold by the periodic embedding, into four
    // layers of 512 with eight members
    let mut rng = Rng::new(9);
    let (rows, cols) = (40, 300);
    let data = (0..rows * cols).map(|_| rng.next_f64()).collect();
    let x = Matrix { rows, cols, data };
    let y: Vec<u32> = (0..rows).map(|r| (r % 2) as u32).collect();
    let spec = NeuralNetwork {
        shape: "constant".into(),
        ..net(4, 512, "periodic", 8, 100)
    };
    let input = FitInput {
        x: &x,
        y: TargetRef::Classes {
            y: &y,
            n_classes: 2,
        },
        seed: 1,
    };
    let err = train(&spec, &input).unwrap_err().to_message();
    assert_eq!(err.code, "model.failed");
    let Some(crate::messages::Param::Message(detail)) = err.params.get("detail") else {
        panic!("{err:?}")
    };
    assert_eq!(detail.code, "model.network_too_large");
    // scales 8 × 2,700, the first layer 2,700 × 512 + 512, three of 512 × 512 + 512, eight
    // heads of 512 × 2 + 2
    let weights = 8 * 2700 + (2700 * 512 + 512) + 3 * (512 * 512 + 512) + 8 * (512 * 2 + 2);
    let int = |name: &str| match detail.params.get(name) {
        Some(crate::messages::Param::Int(v)) => *v as usize,
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(int("weights"), weights);
    assert_eq!(int("mb"), (weights * BYTES_PER_WEIGHT).div_ceil(1 << 20));
    assert_eq!((int("mb"), int("limit_mb")), (34, 20));
    // the same inputs without the embedding, one member, fit within the limit (943,406
    // weights, at most 15 MB)
    let small = NeuralNetwork {
        embedding: "none".into(),
        members: 1,
        epochs: 1,
        ..spec
    };
    assert!(train(&small, &input).is_ok());
}

#[test]
fn a_weight_takes_at_most_its_bytes_in_the_model_file() {
    let (x, y) = tiny();
    let model = train(
        &net(2, 16, "piecewise", 4, 3),
        &FitInput {
            x: &x,
            y: TargetRef::Classes {
                y: &y,
                n_classes: 2,
            },
            seed: 2,
        },
    )
    .unwrap();
    let json = serde_json::to_string(&model.params).unwrap();
    assert!(
        json.len() <= model.params.len() * BYTES_PER_WEIGHT,
        "{json}"
    );
    // about the longest an f32 is written (a sign, eight or nine digits, a point and an
    // exponent), with its comma
    let worst = serde_json::to_string(&[-1.1754944e-38f32]).unwrap();
    assert!(worst.len() - 2 + 1 <= BYTES_PER_WEIGHT, "{worst}");
}

#[test]
fn balancing_divides_by_the_class_shares_exactly() {
    // the smoothing taken out first: (p - 0.05) / 0.9 for two classes, (p - 0.1 / 3) / 0.9 for three
    let eps = LABEL_SMOOTHING as f64;
    let un = |p: f64, k: f64| ((p - eps / k) / (1.0 - eps)).max(0.0);
    let mut p = vec![0.6, 0.4, 0.96, 0.04];
    balance(&mut p, &[0.75, 0.25]);
    let (a, b) = (un(0.6, 2.0) / 0.75, un(0.4, 2.0) / 0.25);
    let (c, d) = (un(0.96, 2.0) / 0.75, 0.0);
    assert_eq!(p, [a / (a + b), b / (a + b), c / (c + d), 0.0]);
    // a network's least probability, ε / k, is no evidence: a class of 2% is not predicted
    // for a row where the network gives it nothing more
    let mut q = vec![0.95, 0.05];
    balance(&mut q, &[0.98, 0.02]);
    assert_eq!(q, [1.0, 0.0]);
    // a class without training rows is never predicted; no shares, nothing changes
    let mut r = vec![0.5, 0.2, 0.3];
    balance(&mut r, &[0.5, 0.0, 0.5]);
    let (x, z) = (un(0.5, 3.0) / 0.5, un(0.3, 3.0) / 0.5);
    assert_eq!(r, [x / (x + z), 0.0, z / (x + z)]);
    let mut s = vec![0.5, 0.5];
    balance(&mut s, &[]);
    assert_eq!(s, [0.5, 0.5]);
}

#[test]
fn a_balanced_network_trains_the_same_weights_and_predicts_the_rare_class_more() {
    // a tenth of the rows are class 1, shifted by half a unit in both inputs (of noise
    // spread over two units): the classes overlap
    let mut rng = Rng::new(5);
    let rows = 600;
    let mut data = Vec::with_capacity(rows * 2);
    let mut y = Vec::with_capacity(rows);
    for i in 0..rows {
        let c = (i % 10 == 0) as u32;
        for _ in 0..2 {
            data.push(rng.next_f64() * 2.0 - 1.0 + 0.5 * c as f64);
        }
        y.push(c);
    }
    let x = Matrix {
        rows,
        cols: 2,
        data,
    };
    let (train_x, test_x) = (
        rows_where(&x, |r| r % 3 != 0),
        rows_where(&x, |r| r % 3 == 0),
    );
    let train_y: Vec<u32> = (0..rows).filter(|r| r % 3 != 0).map(|r| y[r]).collect();
    let test_y: Vec<u32> = (0..rows).filter(|r| r % 3 == 0).map(|r| y[r]).collect();
    let fit = |class_weight| {
        let spec = NeuralNetwork {
            class_weight,
            ..net(2, 32, "none", 1, 30)
        };
        let input = FitInput {
            x: &train_x,
            y: TargetRef::Classes {
                y: &train_y,
                n_classes: 2,
            },
            seed: 3,
        };
        train(&spec, &input).unwrap()
    };
    let (plain, balanced) = (fit(ClassWeight::None), fit(ClassWeight::Balanced));
    assert_eq!(plain.params, balanced.params);
    assert!(plain.shares.is_empty());
    let ones = train_y.iter().filter(|&&c| c == 1).count() as f64;
    let n = train_y.len() as f64;
    assert_eq!(balanced.shares, [(n - ones) / n, ones / n]);
    // a model file whose shares do not match its classes is refused
    assert!(balanced.fits(2, 2));
    let mut mangled = balanced.clone();
    mangled.shares.push(0.5);
    assert!(!mangled.fits(2, 2));
    let score = |m: &NetworkModel| {
        let p = m.proba(&test_x, 2).unwrap();
        let pred = crate::math::argmax_rows(&p, 2);
        crate::metrics::balanced_accuracy(&test_y, &pred, 2)
    };
    let (a, b) = (score(&plain), score(&balanced));
    // recorded: 0.675 and 0.814 (the plain network predicts the rare class for few of its rows)
    assert!(
        a < 0.7 && b > 0.78 && b > a + 0.1,
        "plain {a}, balanced {b}"
    );
}
