//! Exact values on tiny inputs, worked out by hand in the comments (the cases the page's own
//! computations were tested with before they moved here).

use super::*;
use serde_json::json;

fn labels(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn oof(
    actual: Vec<Value>,
    predicted: Vec<Value>,
    probabilities: Option<Vec<Vec<f64>>>,
) -> OutOfFoldView {
    OutOfFoldView {
        rows: (0..actual.len()).collect(),
        actual,
        predicted,
        probabilities,
    }
}

fn strings(v: &[&str]) -> Vec<Value> {
    v.iter().map(|s| json!(s)).collect()
}

/// Two classes "no"/"yes" with p(yes) per row; predicted labels by the larger probability.
fn binary(actual: &[&str], p_yes: &[f64]) -> BinaryView {
    let predicted: Vec<&str> = p_yes
        .iter()
        .map(|&p| if p > 0.5 { "yes" } else { "no" })
        .collect();
    let probs = p_yes.iter().map(|&p| vec![1.0 - p, p]).collect();
    let (c, r) = summarize(
        Task::Classification,
        &labels(&["no", "yes"]),
        &oof(strings(actual), strings(&predicted), Some(probs)),
        1,
    );
    assert!(r.is_none());
    c.unwrap().binary.expect("two classes with probabilities")
}

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < 1e-12, "{what}: {a} is not {b}");
}

#[test]
fn confusion_matrix_per_class_table_and_macro_averages() {
    let (c, _) = summarize(
        Task::Classification,
        &labels(&["a", "b", "c"]),
        &oof(
            strings(&["a", "a", "b", "c", "c", "c", "zz"]),
            strings(&["a", "b", "b", "c", "a", "c", "a"]),
            None,
        ),
        1,
    );
    let c = c.unwrap();
    assert!(c.binary.is_none(), "no sweep without probabilities");
    let r = &c.report;
    // rows are the actual class, columns the predicted one; the unknown label "zz" is skipped
    assert_eq!(r.matrix, [[1, 1, 0], [0, 1, 0], [1, 0, 2]]);
    assert_eq!(
        r.shares,
        [
            [0.5, 0.5, 0.0],
            [0.0, 1.0, 0.0],
            [1.0 / 3.0, 0.0, 2.0 / 3.0]
        ]
    );
    // a: 1 of 2 predicted-a right, 1 of 2 a found; b: 1 of 2, 1 of 1; c: 2 of 2, 2 of 3
    let rows: Vec<(&str, f64, f64, f64, usize)> = r
        .classes
        .iter()
        .map(|c| (c.label.as_str(), c.precision, c.recall, c.f1, c.support))
        .collect();
    assert_eq!(
        rows,
        [
            ("a", 0.5, 0.5, 0.5, 2),
            ("b", 0.5, 1.0, 2.0 / 3.0, 1),
            ("c", 1.0, 2.0 / 3.0, 0.8, 3)
        ]
    );
    assert_eq!((r.total, r.accuracy), (6, 4.0 / 6.0));
    // balanced accuracy: the mean of the recalls 1/2, 1, 2/3
    close(
        r.balanced_accuracy,
        (0.5 + 1.0 + 2.0 / 3.0) / 3.0,
        "balanced accuracy",
    );
    close(r.macro_avg.f1, (0.5 + 2.0 / 3.0 + 0.8) / 3.0, "macro F1");
    close(
        r.macro_avg.precision,
        (0.5 + 0.5 + 1.0) / 3.0,
        "macro precision",
    );
    close(
        r.macro_avg.recall,
        (0.5 + 1.0 + 2.0 / 3.0) / 3.0,
        "macro recall",
    );
    // the macro F1 is the metric's own
    let f1 = metrics::f1_macro(&[0, 0, 1, 2, 2, 2], &[0, 1, 1, 2, 0, 2], 3);
    assert_eq!(r.macro_avg.f1, f1);
    // a class never predicted: precision 0 (not NaN); a class absent from both is not averaged
    let r = ClassReport::from_matrix(
        &labels(&["x", "y", "z"]),
        vec![vec![1, 0, 0], vec![1, 0, 0], vec![0, 0, 0]],
    );
    assert_eq!(r.classes[1].precision, 0.0);
    assert_eq!(r.shares[2], [0.0, 0.0, 0.0], "an empty row stays zero");
    assert_eq!(r.macro_avg.recall, 0.5);
}

#[test]
fn the_sweep_decides_at_p_at_least_the_threshold() {
    // p(yes) .2 .5 .7: at the point of .5 two rows are called "yes", at .7 one
    let b = binary(&["no", "yes", "yes"], &[0.2, 0.5, 0.7]);
    let called: Vec<(Option<f64>, usize)> = b
        .points
        .iter()
        .map(|p| (p.threshold, p.tp + p.fp))
        .collect();
    assert_eq!(
        called,
        [(None, 0), (Some(0.7), 1), (Some(0.5), 2), (Some(0.2), 3)]
    );
    // the model's own decisions (p > .5) are the point of .7
    assert_eq!(b.default_point, 1);
    let p = &b.points[2];
    assert_eq!((p.tp, p.fp, p.tn, p.fn_), (2, 0, 1, 0));
    assert_eq!(p.report.matrix, [[1, 0], [0, 2]]);
}

#[test]
fn roc_curve_and_its_area_ties_moving_together() {
    // scores high to low: P, N, P, N -> (0,0) (0,.5) (.5,.5) (.5,1) (1,1); area .25 + .5 = .75
    let b = binary(&["yes", "no", "yes", "no"], &[0.9, 0.8, 0.7, 0.1]);
    let roc: Vec<(f64, f64)> = b.points.iter().map(|p| (p.fpr, p.tpr)).collect();
    assert_eq!(
        roc,
        [(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)]
    );
    let thresholds: Vec<Option<f64>> = b.points.iter().map(|p| p.threshold).collect();
    assert_eq!(
        thresholds,
        [None, Some(0.9), Some(0.8), Some(0.7), Some(0.1)]
    );
    assert_eq!(b.roc_auc, Some(0.75));
    assert_eq!((b.positives, b.negatives, b.thresholds), (2, 2, 4));
    // a perfect ranking has area 1; a tie between a positive and a negative has area .5
    assert_eq!(
        binary(&["yes", "yes", "no"], &[0.9, 0.8, 0.1]).roc_auc,
        Some(1.0)
    );
    let tie = binary(&["yes", "no"], &[0.5, 0.5]);
    let roc: Vec<(f64, f64)> = tie.points.iter().map(|p| (p.fpr, p.tpr)).collect();
    assert_eq!(roc, [(0.0, 0.0), (1.0, 1.0)]);
    assert_eq!(tie.roc_auc, Some(0.5));
    // one class only: no area
    assert_eq!(binary(&["yes", "yes"], &[0.1, 0.2]).roc_auc, None);
    // the area is the ROC AUC metric's, to the bit
    let truth = [1, 0, 1, 0, 1, 0];
    let p_yes = [0.9, 0.8, 0.7, 0.1, 0.4, 0.3];
    let proba: Vec<f64> = p_yes.iter().flat_map(|&p| [1.0 - p, p]).collect();
    let metric = metrics::roc_auc(&truth, &proba, 2);
    let b = binary(&["yes", "no", "yes", "no", "yes", "no"], &p_yes);
    assert_eq!(b.roc_auc, Some(metric));
    assert_eq!(metric, 7.0 / 9.0);
}

#[test]
fn precision_recall_curve_and_average_precision() {
    // thresholds .9 .8 .7 .1: (R, P) = (.5, 1) (.5, .5) (1, 2/3) (1, .5), starting at (0, 1)
    let b = binary(&["yes", "no", "yes", "no"], &[0.9, 0.8, 0.7, 0.1]);
    let pr: Vec<(f64, f64)> = b.points.iter().map(|p| (p.tpr, p.precision)).collect();
    assert_eq!(
        pr,
        [
            (0.0, 1.0),
            (0.5, 1.0),
            (0.5, 0.5),
            (1.0, 2.0 / 3.0),
            (1.0, 0.5)
        ]
    );
    close(b.average_precision.unwrap(), 0.5 + 1.0 / 3.0, "AP");
    assert_eq!(b.baseline, 0.5);
    assert_eq!(binary(&["no", "no"], &[0.1, 0.2]).average_precision, None);
}

#[test]
fn the_binary_fixture_of_the_browser_tests() {
    // p(yes) = .9 .8 .7 .1 .4 .3 for yes no yes no yes no (tests/browser/fixtures/results-binary)
    let b = binary(
        &["yes", "no", "yes", "no", "yes", "no"],
        &[0.9, 0.8, 0.7, 0.1, 0.4, 0.3],
    );
    // at the model's own decisions (p > .5): [[2, 1], [1, 2]]
    let d = &b.points[b.default_point];
    assert_eq!(d.threshold, Some(0.7));
    assert_eq!(d.report.matrix, [[2, 1], [1, 2]]);
    let table: Vec<(f64, f64, f64, usize)> = d
        .report
        .classes
        .iter()
        .map(|c| (c.precision, c.recall, c.f1, c.support))
        .collect();
    assert_eq!(table, [(2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0, 3); 2]);
    // the next lower threshold, .4, calls that row "yes": [[2, 1], [0, 3]], at (1/3, 1)
    let lower = &b.points[b.default_point + 1];
    assert_eq!(lower.threshold, Some(0.4));
    assert_eq!(lower.report.matrix, [[2, 1], [0, 3]]);
    assert_eq!((lower.fpr, lower.tpr), (1.0 / 3.0, 1.0));
    assert_eq!(lower.report.accuracy, 5.0 / 6.0);
    // balanced accuracy: recalls 2/3 ("no") and 1 ("yes")
    close(
        lower.report.balanced_accuracy,
        5.0 / 6.0,
        "balanced accuracy",
    );
    // 7 of the 9 (positive, negative) pairs ranked right; AP = 1/3·1 + 1/3·2/3 + 1/3·3/4
    assert_eq!(b.roc_auc, Some(7.0 / 9.0));
    close(
        b.average_precision.unwrap(),
        1.0 / 3.0 + 2.0 / 9.0 + 0.25,
        "AP",
    );
    assert_eq!(b.points.len(), 7);
    // six rows in six calibration bins
    let bins: Vec<(f64, usize)> = b.calibration.iter().map(|c| (c.lo, c.count)).collect();
    assert_eq!(
        bins,
        [(0.1, 1), (0.3, 1), (0.4, 1), (0.7, 1), (0.8, 1), (0.9, 1)]
    );
}

#[test]
fn calibration_bins_mean_predicted_probability_and_observed_share() {
    let bins = calibration(
        &[false, true, false, true, true],
        &[0.05, 0.15, 0.12, 1.0, f64::NAN],
        10,
    );
    let shape: Vec<(f64, usize, f64)> = bins.iter().map(|b| (b.lo, b.count, b.observed)).collect();
    assert_eq!(shape, [(0.0, 1, 0.0), (0.1, 2, 0.5), (0.9, 1, 1.0)]);
    assert_eq!(bins[0].mean_predicted, 0.05);
    close(bins[1].mean_predicted, 0.135, "bin 1 mean");
    assert_eq!(
        (bins[2].mean_predicted, bins[2].hi),
        (1.0, 1.0),
        "1.0 goes into the last bin"
    );
}

#[test]
fn a_long_sweep_is_thinned_keeping_its_ends_and_the_default() {
    // 3,000 distinct probabilities, alternately positive and negative
    let n = 3_000;
    let p_yes: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
    let actual: Vec<&str> = (0..n)
        .map(|i| if i % 3 == 0 { "no" } else { "yes" })
        .collect();
    let b = binary(&actual, &p_yes);
    assert_eq!(b.thresholds, n);
    assert!(
        b.points.len() <= MAX_SWEEP_POINTS + 1,
        "{} points",
        b.points.len()
    );
    assert_eq!(b.points[0].threshold, None);
    assert_eq!(
        b.points.last().unwrap().tp + b.points.last().unwrap().fp,
        n,
        "the last calls every row positive"
    );
    let thresholds: Vec<f64> = b.points[1..].iter().map(|p| p.threshold.unwrap()).collect();
    assert!(
        thresholds.windows(2).all(|w| w[0] > w[1]),
        "from high to low"
    );
    // the default point is kept, and it is the model's own matrix
    let (c, _) = summarize(
        Task::Classification,
        &labels(&["no", "yes"]),
        &oof(
            strings(&actual),
            p_yes
                .iter()
                .map(|&p| json!(if p > 0.5 { "yes" } else { "no" }))
                .collect(),
            Some(p_yes.iter().map(|&p| vec![1.0 - p, p]).collect()),
        ),
        1,
    );
    let c = c.unwrap();
    assert_eq!(b.points[b.default_point].report, c.report);
    assert_eq!(b.points[b.default_point].threshold, Some(p_yes[n / 2]));
}

#[test]
fn nothing_called_positive_is_the_first_point() {
    let b = binary(&["yes", "no"], &[0.3, 0.2]);
    assert_eq!(b.default_point, 0);
    assert_eq!(b.points[0].report.matrix, [[1, 0], [1, 0]]);
}

#[test]
fn regression_residuals_summary_and_histogram() {
    let (c, r) = summarize(
        Task::Regression,
        &[],
        &oof(
            vec![json!(3), json!(5), json!(7), json!(9), json!(11)],
            vec![json!(2), json!(5), json!(9), json!(8), json!(12)],
            None,
        ),
        1,
    );
    assert!(c.is_none());
    let r = r.unwrap();
    let residuals: Vec<f64> = r.points.iter().map(|p| p.residual).collect();
    assert_eq!(residuals, [1.0, 0.0, -2.0, 1.0, -1.0]);
    // mean 7, SS_tot 40, SS_res 7 -> R² = 1 − 7/40; RMSE √(7/5); MAE 5/5
    assert_eq!(r.rows, 5);
    assert_eq!(r.r2, 1.0 - 7.0 / 40.0);
    assert_eq!(r.rmse, (7.0f64 / 5.0).sqrt());
    assert_eq!(r.mae, 1.0);
    // residuals from −2 to 1 in bins of 0.2 (3 / 24 = 0.125 rounds up to 0.2)
    let h = &r.residual_histogram;
    assert_eq!(h.len(), 16);
    assert_eq!((h[0].lo, h[0].hi, h[0].count), (-2.0, -1.8, 1));
    assert_eq!(h.iter().map(|b| b.count).sum::<usize>(), 5);
    assert_eq!(
        h[15].count, 2,
        "the largest value (1, twice) is in the last bin"
    );
    // the smaller case: mean 5, SS_tot 8, SS_res 5 -> R² = 3/8
    let (_, r) = summarize(
        Task::Regression,
        &[],
        &oof(
            vec![json!(3), json!(5), json!(7)],
            vec![json!(2), json!(5), json!(9)],
            None,
        ),
        1,
    );
    assert_eq!(r.unwrap().r2, 1.0 - 5.0 / 8.0);
}

#[test]
fn histogram_edges() {
    assert!(histogram(&[], 24).is_empty());
    assert!(histogram(&[f64::NAN], 24).is_empty());
    let one = histogram(&[2.0, 2.0, f64::NAN], 24);
    assert_eq!(
        one,
        [HistogramBin {
            lo: 1.5,
            hi: 2.5,
            count: 2
        }]
    );
    // 0 to 100 in steps of 5: 21 bins, 100 in the last
    let h = histogram(&[0.0, 50.0, 100.0], 24);
    assert_eq!(h.len(), 21);
    assert_eq!((h[20].lo, h[20].count), (100.0, 1));
    assert_eq!(nice_step(0.125), 0.2);
    assert_eq!(nice_step(3.0), 5.0);
    assert_eq!(nice_step(7.0), 10.0);
    assert_eq!(nice_step(40.0), 50.0);
    // no endless loop on extreme spans
    assert_eq!(histogram(&[-1e308, 1e308], 24).len(), 1);
}

#[test]
fn many_regression_rows_are_drawn_as_a_seeded_sample() {
    let n = 2_500;
    let view = |seed| {
        summarize(
            Task::Regression,
            &[],
            &oof(
                (0..n).map(|i| json!(i as f64)).collect(),
                (0..n).map(|i| json!(i as f64 + 1.0)).collect(),
                None,
            ),
            seed,
        )
        .1
        .unwrap()
    };
    let a = view(7);
    assert_eq!(a.rows, n);
    assert_eq!(a.points.len(), MAX_REGRESSION_POINTS);
    assert!(
        a.points.windows(2).all(|w| w[0].row < w[1].row),
        "in row order"
    );
    assert_eq!(a, view(7), "the same seed draws the same rows");
    assert_ne!(a.points, view(8).points);
    assert_eq!(
        a.residual_histogram.iter().map(|b| b.count).sum::<usize>(),
        n,
        "every row binned"
    );
}
