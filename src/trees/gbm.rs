//! Gradient boosting of histogram trees: squared error for numbers, log loss for two classes,
//! softmax (one tree per class per round) for more. Each round fits trees to the gradients of
//! the loss with second-order leaf values `-G / (H + lambda)`, shrunk by the learning rate.
//! Optional early stopping watches the loss on a validation part split off the training rows
//! (stratified for classes, fixed by the seed) and keeps the best round's trees.

use super::binning::BinnedData;
use super::grow::{GrowConfig, Learner};
use super::histogram::{RowStats, SplitRules};
use super::params::{check_bins, check_count, check_non_negative, check_share};
use super::tree::Tree;
use super::{check_classes, check_out, check_values, Ensemble};
use crate::error::Result;
use crate::math::argmax_rows;
use crate::math::{ln, sigmoid, softmax_in_place};
use crate::matrix::Matrix;
use crate::rng::Rng;
use serde::{Deserialize, Serialize};

const FAMILY: &str = "gradient boosting";

/// Probabilities are kept within `[EPS, 1 - EPS]` wherever a logarithm is taken.
const EPS: f64 = 1e-15;

/// Hyperparameters of gradient boosting. Every field has a default (see the `Default` impl);
/// a JSON object may give any subset of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GbmParams {
    /// Boosting rounds (one tree per round, or one per class per round). Default 100.
    pub n_rounds: usize,
    /// Shrinkage of every tree's values, in (0, 1]. Default 0.1.
    pub learning_rate: f64,
    /// Most leaves per tree, at least 2. Default 31.
    pub max_leaves: usize,
    /// Deepest split level; `None` for no limit. Default `None`.
    pub max_depth: Option<usize>,
    /// Fewest training rows in a leaf, at least 1. Default 20.
    pub min_samples_leaf: usize,
    /// Least hessian sum in a leaf, ≥ 0. Default 1e-3.
    pub min_child_weight: f64,
    /// L2 penalty on leaf values, ≥ 0. Default 0.
    pub lambda: f64,
    /// Least gain for a split, ≥ 0. Default 0.
    pub min_split_gain: f64,
    /// Share of training rows drawn (without replacement) for each round, in (0, 1].
    /// Default 1.
    pub subsample: f64,
    /// Share of features drawn for each tree, in (0, 1]. Default 1.
    pub colsample_bytree: f64,
    /// Most value bins per feature, 2 to 255. Default 255.
    pub max_bins: usize,
    /// Stop after this many rounds without a lower validation loss and keep the best round's
    /// trees; `None` trains every round on every row. Default `None`.
    pub early_stopping_rounds: Option<usize>,
    /// Share of the rows held out for early stopping, in (0, 1). Default 0.1.
    pub validation_fraction: f64,
}

impl Default for GbmParams {
    fn default() -> Self {
        GbmParams {
            n_rounds: 100,
            learning_rate: 0.1,
            max_leaves: 31,
            max_depth: None,
            min_samples_leaf: 20,
            min_child_weight: 1e-3,
            lambda: 0.0,
            min_split_gain: 0.0,
            subsample: 1.0,
            colsample_bytree: 1.0,
            max_bins: 255,
            early_stopping_rounds: None,
            validation_fraction: 0.1,
        }
    }
}

impl GbmParams {
    /// Checks every setting's range.
    pub fn validate(&self) -> Result<()> {
        check_count("n_rounds", self.n_rounds, 1)?;
        check_share("learning_rate", self.learning_rate, false)?;
        check_count("max_leaves", self.max_leaves, 2)?;
        if let Some(d) = self.max_depth {
            check_count("max_depth", d, 1)?;
        }
        check_count("min_samples_leaf", self.min_samples_leaf, 1)?;
        check_non_negative("min_child_weight", self.min_child_weight)?;
        check_non_negative("lambda", self.lambda)?;
        check_non_negative("min_split_gain", self.min_split_gain)?;
        check_share("subsample", self.subsample, false)?;
        check_share("colsample_bytree", self.colsample_bytree, false)?;
        check_bins(self.max_bins)?;
        if let Some(r) = self.early_stopping_rounds {
            check_count("early_stopping_rounds", r, 1)?;
        }
        check_share("validation_fraction", self.validation_fraction, true)
    }

    fn grow_config(&self) -> GrowConfig {
        GrowConfig {
            max_leaves: self.max_leaves,
            max_depth: self.max_depth.unwrap_or(usize::MAX),
            rules: SplitRules {
                min_samples_leaf: self.min_samples_leaf as f64,
                min_child_weight: self.min_child_weight,
                lambda: self.lambda,
                min_split_gain: self.min_split_gain,
            },
            features_per_node: None,
            random_thresholds: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Loss {
    Squared,
    Logistic,
    Softmax(usize),
}

impl Loss {
    fn outputs(self) -> usize {
        match self {
            Loss::Softmax(k) => k,
            _ => 1,
        }
    }
}

#[derive(Clone, Copy)]
enum Labels<'a> {
    Values(&'a [f64]),
    Classes(&'a [u32]),
}

/// Splits positions `0..n` into training and validation parts: each class's rows (or all
/// rows, for numbers) shuffled, `floor(count × fraction)` of them held out. Both ascending.
fn split_validation(
    labels: Labels,
    n: usize,
    fraction: f64,
    rng: &mut Rng,
) -> (Vec<usize>, Vec<usize>) {
    let groups: Vec<Vec<usize>> = match labels {
        Labels::Values(_) => vec![(0..n).collect()],
        Labels::Classes(y) => {
            let k = y.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
            let mut by_class = vec![Vec::new(); k];
            for (i, &c) in y.iter().enumerate() {
                by_class[c as usize].push(i);
            }
            by_class
        }
    };
    let mut valid = Vec::new();
    for mut members in groups {
        rng.shuffle(&mut members);
        let take = (members.len() as f64 * fraction).floor() as usize;
        valid.extend_from_slice(&members[..take.min(members.len())]);
    }
    valid.sort_unstable();
    let mut is_valid = vec![false; n];
    for &v in &valid {
        is_valid[v] = true;
    }
    let train = (0..n).filter(|&i| !is_valid[i]).collect();
    (train, valid)
}

/// Per-row targets of one part: numbers (squared error, or 0/1 for log loss) or classes.
struct Part {
    rows: Vec<usize>,
    values: Vec<f64>,
    classes: Vec<u32>,
}

impl Part {
    fn new(rows: Vec<usize>, labels: Labels, loss: Loss) -> Part {
        let (values, classes) = match (labels, loss) {
            (Labels::Values(y), _) => (rows.iter().map(|&r| y[r]).collect(), Vec::new()),
            (Labels::Classes(y), Loss::Softmax(_)) => {
                (Vec::new(), rows.iter().map(|&r| y[r]).collect())
            }
            (Labels::Classes(y), _) => (
                rows.iter()
                    .map(|&r| f64::from(u8::from(y[r] == 1)))
                    .collect(),
                Vec::new(),
            ),
        };
        Part {
            rows,
            values,
            classes,
        }
    }

    fn len(&self) -> usize {
        self.rows.len()
    }
}

/// Starting scores: the mean, the log-odds, or the log of each class's share.
fn base_scores(loss: Loss, part: &Part) -> Vec<f64> {
    let n = part.len().max(1) as f64;
    match loss {
        Loss::Squared => vec![part.values.iter().sum::<f64>() / n],
        Loss::Logistic => {
            let p = (part.values.iter().sum::<f64>() / n).clamp(EPS, 1.0 - EPS);
            vec![ln(p / (1.0 - p))]
        }
        Loss::Softmax(k) => {
            let mut counts = vec![0.0; k];
            for &c in &part.classes {
                counts[c as usize] += 1.0;
            }
            counts.iter().map(|c| ln((c / n).max(EPS))).collect()
        }
    }
}

/// `[gradient, hessian]` of every row for every output (output-major: `gh[k * n + i]`).
fn gradients(loss: Loss, part: &Part, scores: &[f64], gh: &mut [[f64; 2]], tmp: &mut [f64]) {
    let n = part.len();
    match loss {
        Loss::Squared => {
            for ((e, s), y) in gh.iter_mut().zip(scores).zip(&part.values) {
                *e = [s - y, 1.0];
            }
        }
        Loss::Logistic => {
            for ((e, s), y) in gh.iter_mut().zip(scores).zip(&part.values) {
                let p = sigmoid(*s);
                *e = [p - y, p * (1.0 - p)];
            }
        }
        Loss::Softmax(k) => {
            let factor = k as f64 / (k as f64 - 1.0);
            for i in 0..n {
                for c in 0..k {
                    tmp[c] = scores[c * n + i];
                }
                softmax_in_place(&mut tmp[..k]);
                let y = part.classes[i] as usize;
                for c in 0..k {
                    let p = tmp[c];
                    gh[c * n + i] = [if c == y { p - 1.0 } else { p }, factor * p * (1.0 - p)];
                }
            }
        }
    }
}

/// Mean loss of a part given its scores (output-major).
fn mean_loss(loss: Loss, part: &Part, scores: &[f64], tmp: &mut [f64]) -> f64 {
    let n = part.len();
    if n == 0 {
        return 0.0;
    }
    let mut total = 0.0;
    match loss {
        Loss::Squared => {
            for (s, y) in scores.iter().zip(&part.values) {
                total += (s - y) * (s - y);
            }
        }
        Loss::Logistic => {
            for (s, y) in scores.iter().zip(&part.values) {
                let p = sigmoid(*s).clamp(EPS, 1.0 - EPS);
                total -= y * ln(p) + (1.0 - y) * ln(1.0 - p);
            }
        }
        Loss::Softmax(k) => {
            for i in 0..n {
                for c in 0..k {
                    tmp[c] = scores[c * n + i];
                }
                softmax_in_place(&mut tmp[..k]);
                total -= ln(tmp[part.classes[i] as usize].max(EPS));
            }
        }
    }
    total / n as f64
}

/// Draws `ceil(p × share)` of the features `0..p` (at least one), ascending.
pub(crate) fn sample_features(p: usize, share: f64, rng: &mut Rng) -> Vec<usize> {
    let mut all: Vec<usize> = (0..p).collect();
    let m = ((p as f64 * share).ceil() as usize).clamp(1, p.max(1));
    if m < p {
        for i in 0..m {
            let j = i + rng.below(p - i);
            all.swap(i, j);
        }
        all.truncate(m);
        all.sort_unstable();
    }
    all
}

/// Boosts an ensemble; returns it and the number of rounds kept.
fn boost(
    x: &Matrix,
    labels: Labels,
    loss: Loss,
    params: &GbmParams,
    seed: u64,
) -> Result<(Ensemble, usize)> {
    params.validate()?;
    let mut rng = Rng::new(seed);
    let (train_rows, valid_rows) = match params.early_stopping_rounds {
        Some(_) => split_validation(labels, x.rows, params.validation_fraction, &mut rng),
        None => ((0..x.rows).collect(), Vec::new()),
    };
    let (train_rows, valid_rows) = if valid_rows.is_empty() || train_rows.len() < 2 {
        ((0..x.rows).collect(), Vec::new())
    } else {
        (train_rows, valid_rows)
    };
    let patience = params
        .early_stopping_rounds
        .filter(|_| !valid_rows.is_empty());
    let train = Part::new(train_rows, labels, loss);
    let valid = Part::new(valid_rows, labels, loss);
    let (n, nv, k_out) = (train.len(), valid.len(), loss.outputs());

    let base = base_scores(loss, &train);
    let mut ensemble = Ensemble::new(x.cols, base.clone(), 1.0);
    // classes seen in the training part; with fewer than two there is nothing to learn
    let present: Vec<bool> = match loss {
        Loss::Squared => vec![true],
        Loss::Logistic => vec![true],
        Loss::Softmax(k) => {
            let mut seen = vec![false; k];
            for &c in &train.classes {
                seen[c as usize] = true;
            }
            seen
        }
    };
    let learnable = match loss {
        Loss::Squared => true,
        Loss::Logistic => {
            let first = train.values.first().copied().unwrap_or(0.0);
            train.values.iter().any(|&v| v != first)
        }
        Loss::Softmax(_) => present.iter().filter(|&&s| s).count() >= 2,
    };
    if !learnable {
        return Ok((ensemble, 0));
    }

    let data = BinnedData::new(x, &train.rows, params.max_bins, true);
    let cfg = params.grow_config();
    let mut learner = Learner::new(&data, 3);
    let mut scores: Vec<f64> = base.iter().flat_map(|&b| vec![b; n]).collect();
    let mut valid_scores: Vec<f64> = base.iter().flat_map(|&b| vec![b; nv]).collect();
    let mut gh = vec![[0.0; 2]; n * k_out];
    let mut tmp = vec![0.0; k_out];
    let mut in_bag = vec![true; n];
    let mut bag: Vec<u32> = Vec::with_capacity(n);
    let mut values = Vec::new();
    let (mut best_loss, mut best_rounds, mut since_best) = (f64::INFINITY, 0, 0);
    let mut rounds = 0;

    for _ in 0..params.n_rounds {
        gradients(loss, &train, &scores, &mut gh, &mut tmp);
        let sample = if params.subsample < 1.0 {
            bag.clear();
            for (i, b) in in_bag.iter_mut().enumerate() {
                *b = rng.next_f64() < params.subsample;
                if *b {
                    bag.push(i as u32);
                }
            }
            if bag.is_empty() {
                bag.extend(0..n as u32);
                in_bag.fill(true);
            }
            Some(&bag[..])
        } else {
            None
        };
        for (k, &seen) in present.iter().enumerate() {
            if !seen {
                ensemble.push(Tree::constant(vec![0.0], k));
                continue;
            }
            let features = sample_features(x.cols, params.colsample_bytree, &mut rng);
            let stats = RowStats::Gradients {
                gh: &gh[k * n..(k + 1) * n],
                unit_hessian: loss == Loss::Squared,
            };
            let grown = learner.grow(&data, &stats, sample, &features, &cfg, &mut rng);
            let mut tree = grown.tree;
            values.clear();
            for leaf in &grown.leaves {
                let d = leaf.sums[1] + params.lambda;
                let v = if d > 0.0 {
                    -leaf.sums[0] / d * params.learning_rate
                } else {
                    0.0
                };
                let v = if v.is_finite() { v } else { 0.0 };
                values.push(v);
                for &r in learner.leaf_rows(leaf) {
                    scores[k * n + r as usize] += v;
                }
            }
            tree.set_values(values.clone(), k, 1);
            if sample.is_some() {
                for (i, &b) in in_bag.iter().enumerate() {
                    if !b {
                        let leaf = tree.leaf(x.row(train.rows[i]));
                        scores[k * n + i] += tree.leaf_values(leaf)[0];
                    }
                }
            }
            for (i, &r) in valid.rows.iter().enumerate() {
                let leaf = tree.leaf(x.row(r));
                valid_scores[k * nv + i] += tree.leaf_values(leaf)[0];
            }
            ensemble.push(tree);
        }
        rounds += 1;
        if let Some(patience) = patience {
            let l = mean_loss(loss, &valid, &valid_scores, &mut tmp);
            if l < best_loss {
                best_loss = l;
                best_rounds = rounds;
                since_best = 0;
            } else {
                since_best += 1;
                if since_best >= patience {
                    break;
                }
            }
        }
    }
    if patience.is_some() {
        ensemble.truncate(best_rounds * k_out);
        rounds = best_rounds;
    }
    Ok((ensemble, rounds))
}

/// Gradient boosting for numbers (squared error).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GbmRegressor {
    ensemble: Ensemble,
    rounds: usize,
}

impl GbmRegressor {
    /// Fits on the rows of `x` (NaN = missing) and their numbers `y`. `seed` fixes every
    /// random choice (validation part, row and feature sampling).
    pub fn fit(x: &Matrix, y: &[f64], params: &GbmParams, seed: u64) -> Result<GbmRegressor> {
        check_values(FAMILY, x, y)?;
        let (ensemble, rounds) = boost(x, Labels::Values(y), Loss::Squared, params, seed)?;
        Ok(GbmRegressor { ensemble, rounds })
    }

    /// Predicts every row of `x` into `out` (one number per row).
    pub fn predict_into(&self, x: &Matrix, out: &mut [f64]) -> Result<()> {
        self.ensemble.check_input(FAMILY, x)?;
        check_out(FAMILY, x, out, 1)?;
        if self.ensemble.n_outputs() != 1 {
            return Err(super::model_error(FAMILY, "the model is malformed".into()));
        }
        for (row, o) in x.data.chunks_exact(x.cols).zip(out.chunks_exact_mut(1)) {
            self.ensemble.raw_row(row, o);
        }
        Ok(())
    }

    /// Predicts every row of `x`.
    pub fn predict(&self, x: &Matrix) -> Result<Vec<f64>> {
        let mut out = vec![0.0; x.rows];
        self.predict_into(x, &mut out)?;
        Ok(out)
    }

    /// Share of the split gain earned by each feature (sums to 1; all zeros without splits).
    pub fn feature_importances(&self) -> Vec<f64> {
        self.ensemble.importances()
    }

    /// Inputs per row.
    pub fn n_features(&self) -> usize {
        self.ensemble.n_features()
    }

    /// Rounds kept (the best round with early stopping).
    pub fn rounds(&self) -> usize {
        self.rounds
    }

    /// The trees, in boosting order.
    pub fn trees(&self) -> &[Tree] {
        self.ensemble.trees()
    }

    /// The trees with their base scores and scale, for explanations.
    pub(crate) fn ensemble(&self) -> &Ensemble {
        &self.ensemble
    }
}

/// Gradient boosting for classes: log loss for two classes, softmax for more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GbmClassifier {
    ensemble: Ensemble,
    n_classes: usize,
    rounds: usize,
}

impl GbmClassifier {
    /// Fits on the rows of `x` (NaN = missing) and their class codes `y`; the classes are
    /// `0..=max(y)`. `seed` fixes every random choice.
    pub fn fit(x: &Matrix, y: &[u32], params: &GbmParams, seed: u64) -> Result<GbmClassifier> {
        let n_classes = check_classes(FAMILY, x, y)?;
        let loss = if n_classes <= 2 {
            Loss::Logistic
        } else {
            Loss::Softmax(n_classes)
        };
        let (ensemble, rounds) = if n_classes == 1 {
            params.validate()?;
            (Ensemble::new(x.cols, vec![0.0], 1.0), 0)
        } else {
            boost(x, Labels::Classes(y), loss, params, seed)?
        };
        Ok(GbmClassifier {
            ensemble,
            n_classes,
            rounds,
        })
    }

    /// Number of classes (probability columns).
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Writes each row's class probabilities into `out` (`n_classes` per row, summing to 1).
    pub fn predict_proba_into(&self, x: &Matrix, out: &mut [f64]) -> Result<()> {
        self.ensemble.check_input(FAMILY, x)?;
        let k = self.n_classes;
        check_out(FAMILY, x, out, k)?;
        let expected = if k <= 2 { 1 } else { k };
        if k == 0 || self.ensemble.n_outputs() != expected {
            return Err(super::model_error(FAMILY, "the model is malformed".into()));
        }
        for (row, o) in x.data.chunks_exact(x.cols).zip(out.chunks_exact_mut(k)) {
            match k {
                1 => o[0] = 1.0,
                2 => {
                    let mut s = [0.0];
                    self.ensemble.raw_row(row, &mut s);
                    let p = sigmoid(s[0]);
                    o[0] = 1.0 - p;
                    o[1] = p;
                }
                _ => {
                    self.ensemble.raw_row(row, o);
                    softmax_in_place(o);
                }
            }
        }
        Ok(())
    }

    /// Class probabilities, one row per row of `x` and one column per class.
    pub fn predict_proba(&self, x: &Matrix) -> Result<Matrix> {
        let mut data = vec![0.0; x.rows * self.n_classes];
        self.predict_proba_into(x, &mut data)?;
        Ok(Matrix {
            rows: x.rows,
            cols: self.n_classes,
            data,
        })
    }

    /// The most probable class of every row.
    pub fn predict(&self, x: &Matrix) -> Result<Vec<u32>> {
        let p = self.predict_proba(x)?;
        Ok(argmax_rows(&p.data, self.n_classes))
    }

    /// Share of the split gain earned by each feature (sums to 1; all zeros without splits).
    pub fn feature_importances(&self) -> Vec<f64> {
        self.ensemble.importances()
    }

    /// Inputs per row.
    pub fn n_features(&self) -> usize {
        self.ensemble.n_features()
    }

    /// Rounds kept (the best round with early stopping).
    pub fn rounds(&self) -> usize {
        self.rounds
    }

    /// The trees, in boosting order (with more than two classes, one per class per round).
    pub fn trees(&self) -> &[Tree] {
        self.ensemble.trees()
    }

    /// The trees with their base scores and scale, for explanations.
    pub(crate) fn ensemble(&self) -> &Ensemble {
        &self.ensemble
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AutoMlError;

    fn column(values: &[f64]) -> Matrix {
        Matrix {
            rows: values.len(),
            cols: 1,
            data: values.to_vec(),
        }
    }

    /// One round, learning rate 1, two leaves, no minimum: a single exact split.
    fn one_split() -> GbmParams {
        GbmParams {
            n_rounds: 1,
            learning_rate: 1.0,
            max_leaves: 2,
            min_samples_leaf: 1,
            min_child_weight: 0.0,
            ..GbmParams::default()
        }
    }

    fn noisy(n: usize, cols: usize, seed: u64) -> (Matrix, Vec<u32>) {
        let mut rng = Rng::new(seed);
        let mut data = Vec::with_capacity(n * cols);
        let mut y = Vec::with_capacity(n);
        for i in 0..n {
            let row: Vec<f64> = (0..cols)
                .map(|c| {
                    if (i + c) % 11 == 0 {
                        f64::NAN
                    } else {
                        rng.next_f64() * 4.0
                    }
                })
                .collect();
            let s = row[0].max(0.0) + row[1 % cols].min(4.0) + rng.next_f64();
            y.push(if s < 3.0 {
                0
            } else if s < 5.0 {
                1
            } else {
                2
            });
            data.extend(row);
        }
        (
            Matrix {
                rows: n,
                cols,
                data,
            },
            y,
        )
    }

    #[test]
    fn a_step_function_takes_one_exact_split() {
        let x = column(&(0..10).map(f64::from).collect::<Vec<_>>());
        let y: Vec<f64> = (0..10).map(|i| if i < 5 { 0.0 } else { 1.0 }).collect();
        let m = GbmRegressor::fit(&x, &y, &one_split(), 0).unwrap();
        let t = &m.trees()[0];
        assert_eq!(t.features(), [0]);
        assert_eq!(t.thresholds(), [4.5]);
        // G_left = 5 × 0.5, H = 5 on each side, parent G = 0
        assert_eq!(t.gains(), [2.5]);
        assert_eq!(m.predict(&x).unwrap(), y);
        assert_eq!(
            m.predict(&column(&[4.4, 4.6, -100.0])).unwrap(),
            [0.0, 1.0, 0.0]
        );
        assert_eq!(m.rounds(), 1);
    }

    #[test]
    fn missing_values_go_to_the_side_that_fits_them() {
        let x = column(&[1.0, 2.0, 3.0, 4.0, f64::NAN, f64::NAN]);
        for (y, missing_left) in [
            ([0.0, 0.0, 1.0, 1.0, 1.0, 1.0], false),
            ([0.0, 0.0, 1.0, 1.0, 0.0, 0.0], true),
        ] {
            let m = GbmRegressor::fit(&x, &y, &one_split(), 0).unwrap();
            let t = &m.trees()[0];
            assert_eq!(
                (t.thresholds(), t.missing_left()),
                (&[2.5][..], &[missing_left][..])
            );
            assert_eq!(m.predict(&x).unwrap(), y);
        }
        // missing against everything else: every value goes left
        let y = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0];
        let m = GbmRegressor::fit(&x, &y, &one_split(), 0).unwrap();
        assert_eq!(m.trees()[0].thresholds(), [f64::MAX]);
        assert_eq!(m.predict(&x).unwrap(), y);
        // no missing value in training: a missing value follows the larger side
        let x = column(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let y = [0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        let m = GbmRegressor::fit(&x, &y, &one_split(), 0).unwrap();
        assert_eq!(m.predict(&column(&[f64::NAN])).unwrap(), [1.0]);
    }

    #[test]
    fn importances_credit_the_informative_feature() {
        let mut rng = Rng::new(9);
        let mut data = Vec::new();
        let mut y = Vec::new();
        for i in 0..40 {
            data.push(rng.next_f64());
            data.push(f64::from(i));
            y.push(if i < 20 { 1.0 } else { 3.0 });
        }
        let x = Matrix {
            rows: 40,
            cols: 2,
            data,
        };
        let m = GbmRegressor::fit(&x, &y, &one_split(), 0).unwrap();
        assert_eq!(m.feature_importances(), [0.0, 1.0]);
        let (x, y) = noisy(300, 4, 1);
        let m = GbmClassifier::fit(&x, &y, &GbmParams::default(), 0).unwrap();
        let imp = m.feature_importances();
        assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // the label depends on features 0 and 1 only
        assert!(imp[0] + imp[1] > 0.8, "{imp:?}");
    }

    #[test]
    fn probabilities_sum_to_one() {
        let (x, y) = noisy(200, 3, 2);
        let binary: Vec<u32> = y.iter().map(|&c| u32::from(c > 0)).collect();
        for y in [&y, &binary] {
            let m = GbmClassifier::fit(&x, y, &GbmParams::default(), 0).unwrap();
            let p = m.predict_proba(&x).unwrap();
            assert_eq!(p.cols, if y == &binary { 2 } else { 3 });
            for r in 0..p.rows {
                assert!((p.row(r).iter().sum::<f64>() - 1.0).abs() < 1e-12);
            }
            let acc = m
                .predict(&x)
                .unwrap()
                .iter()
                .zip(y.iter())
                .filter(|(a, b)| a == b)
                .count();
            assert!(acc as f64 / 200.0 > 0.9, "training accuracy {acc}/200");
        }
    }

    #[test]
    fn one_class_gives_certain_probabilities() {
        let x = column(&[1.0, 2.0, 3.0]);
        let m = GbmClassifier::fit(&x, &[0, 0, 0], &GbmParams::default(), 0).unwrap();
        assert_eq!(m.predict_proba(&x).unwrap().data, [1.0, 1.0, 1.0]);
        let m = GbmClassifier::fit(&x, &[1, 1, 1], &GbmParams::default(), 0).unwrap();
        assert_eq!(m.predict(&x).unwrap(), [1, 1, 1]);
        assert!(m.trees().is_empty());
    }

    #[test]
    fn a_seed_fixes_the_model_and_serialization_round_trips() {
        let (x, y) = noisy(300, 5, 3);
        let params = GbmParams {
            n_rounds: 20,
            subsample: 0.7,
            colsample_bytree: 0.6,
            early_stopping_rounds: Some(5),
            ..GbmParams::default()
        };
        let a = GbmClassifier::fit(&x, &y, &params, 42).unwrap();
        let b = GbmClassifier::fit(&x, &y, &params, 42).unwrap();
        let c = GbmClassifier::fit(&x, &y, &params, 43).unwrap();
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, serde_json::to_string(&b).unwrap());
        assert_ne!(json, serde_json::to_string(&c).unwrap());
        let back: GbmClassifier = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
        let pa = a.predict_proba(&x).unwrap();
        let pb = back.predict_proba(&x).unwrap();
        assert!(pa
            .data
            .iter()
            .zip(&pb.data)
            .all(|(u, v)| u.to_bits() == v.to_bits()));
    }

    #[test]
    fn early_stopping_keeps_the_best_round() {
        // labels unrelated to the inputs: the validation loss soon stops improving
        let mut rng = Rng::new(4);
        let x = Matrix {
            rows: 400,
            cols: 3,
            data: (0..1200).map(|_| rng.next_f64()).collect(),
        };
        let y: Vec<f64> = (0..400).map(|_| rng.next_f64()).collect();
        let params = GbmParams {
            n_rounds: 300,
            early_stopping_rounds: Some(5),
            ..GbmParams::default()
        };
        let m = GbmRegressor::fit(&x, &y, &params, 0).unwrap();
        assert!(m.rounds() < 50, "{} rounds", m.rounds());
        assert_eq!(m.trees().len(), m.rounds());
        let (x, y) = noisy(300, 3, 5);
        let m = GbmClassifier::fit(&x, &y, &params, 0).unwrap();
        assert!(m.rounds() < 300);
        assert_eq!(m.trees().len(), 3 * m.rounds());
    }

    #[test]
    fn bad_inputs_and_settings_are_errors() {
        let x = column(&[1.0, 2.0, f64::INFINITY]);
        let e = GbmRegressor::fit(&x, &[1.0, 2.0, 3.0], &GbmParams::default(), 0).unwrap_err();
        assert!(e.to_string().contains("row 3 is infinite"), "{e}");
        let x = column(&[1.0, 2.0, f64::NAN]);
        assert!(GbmRegressor::fit(&x, &[1.0, 2.0], &GbmParams::default(), 0).is_err());
        assert!(GbmRegressor::fit(&x, &[1.0, 2.0, f64::NAN], &GbmParams::default(), 0).is_err());
        assert!(GbmClassifier::fit(&x, &[0, 1, 100_000], &GbmParams::default(), 0).is_err());
        let empty = Matrix {
            rows: 0,
            cols: 1,
            data: Vec::new(),
        };
        assert!(GbmRegressor::fit(&empty, &[], &GbmParams::default(), 0).is_err());
        for params in [
            GbmParams {
                learning_rate: 0.0,
                ..GbmParams::default()
            },
            GbmParams {
                max_bins: 256,
                ..GbmParams::default()
            },
            GbmParams {
                subsample: 1.5,
                ..GbmParams::default()
            },
            GbmParams {
                max_leaves: 1,
                ..GbmParams::default()
            },
            GbmParams {
                lambda: f64::NAN,
                ..GbmParams::default()
            },
            GbmParams {
                early_stopping_rounds: Some(0),
                ..GbmParams::default()
            },
        ] {
            let e = params.validate().unwrap_err();
            assert!(matches!(e, AutoMlError::BadSetting { .. }), "{e}");
            assert!(GbmRegressor::fit(&x, &[1.0, 2.0, 3.0], &params, 0).is_err());
        }
        let m = GbmRegressor::fit(&x, &[1.0, 2.0, 3.0], &GbmParams::default(), 0).unwrap();
        let wide = Matrix {
            rows: 1,
            cols: 2,
            data: vec![1.0, 2.0],
        };
        assert!(m.predict(&wide).is_err());
        assert!(m.predict(&column(&[f64::NEG_INFINITY])).is_err());
        assert_eq!(m.predict(&column(&[])).unwrap(), Vec::<f64>::new());
    }

    #[test]
    fn settings_read_from_partial_json_with_defaults() {
        let p: GbmParams = serde_json::from_str(r#"{"n_rounds": 7, "max_depth": 3}"#).unwrap();
        assert_eq!(
            p,
            GbmParams {
                n_rounds: 7,
                max_depth: Some(3),
                ..GbmParams::default()
            }
        );
        assert!(p.validate().is_ok());
    }

    #[test]
    fn a_tampered_model_is_refused_when_read() {
        let x = column(&(0..10).map(f64::from).collect::<Vec<_>>());
        let y: Vec<f64> = (0..10).map(f64::from).collect();
        let m = GbmRegressor::fit(&x, &y, &one_split(), 0).unwrap();
        let mut v = serde_json::to_value(&m).unwrap();
        v["ensemble"]["trees"][0]["children"][0][0] = serde_json::json!(5);
        let e = serde_json::from_value::<GbmRegressor>(v).unwrap_err();
        assert!(e.to_string().contains("malformed"), "{e}");
    }
}
