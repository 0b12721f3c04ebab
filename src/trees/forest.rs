//! Random forests and extra trees on the histogram learner. Each tree is grown deep on a
//! bootstrap sample (random forest) or on every row (extra trees, which also draw one random
//! threshold per feature and node), considering a random subset of the features at each node.
//! Classification trees split on class counts (the gain is the decrease in Gini impurity) and
//! their leaves hold class frequencies, so probabilities are averages of proper frequencies.
//! Regression trees split on variance and their leaves hold means.

use super::binning::BinnedData;
use super::grow::{GrowConfig, Learner};
use super::histogram::{RowStats, SplitRules};
use super::params::{check_bins, check_count, check_share};
use super::{check_classes, check_out, check_values, model_error, Ensemble, Tree};
use crate::error::Result;
use crate::math::argmax_rows;
use crate::matrix::Matrix;
use crate::rng::Rng;
use serde::{Deserialize, Serialize};

const FAMILY_RF: &str = "random forest";
const FAMILY_ET: &str = "extra trees";

/// How the trees of a forest choose their splits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForestKind {
    /// The best threshold of each considered feature (Breiman's random forest).
    RandomForest,
    /// One random threshold per considered feature (extremely randomized trees).
    ExtraTrees,
}

/// How many features each node considers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxFeatures {
    /// The square root of the features for classification, all of them for regression.
    Auto,
    /// The square root of the features (rounded up).
    Sqrt,
    /// The base-2 logarithm of the features (rounded up, at least 1).
    Log2,
    /// Every feature.
    All,
    /// A share of the features in (0, 1] (rounded up).
    Fraction(f64),
    /// A number of features (capped at the number of features), at least 1.
    Count(usize),
}

/// Hyperparameters of a forest. Every field has a default (see the `Default` impl, a random
/// forest; [`ForestParams::extra_trees`] gives the extra-trees defaults); a JSON object may
/// give any subset of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ForestParams {
    /// Random forest or extra trees. Default `RandomForest`.
    pub kind: ForestKind,
    /// Trees, at least 1. Default 100.
    pub n_trees: usize,
    /// Features considered at each node. Default `Auto`.
    pub max_features: MaxFeatures,
    /// Draw each tree's rows with replacement. Default `true`.
    pub bootstrap: bool,
    /// Rows drawn per tree, as a share of the rows, in (0, 1]. Default 1.
    pub sample_fraction: f64,
    /// Deepest split level; `None` for no limit. Default `None`.
    pub max_depth: Option<usize>,
    /// Most leaves per tree (at least 2), the best splits first; `None` for no limit.
    /// Default `None`.
    pub max_leaves: Option<usize>,
    /// Fewest training rows in a leaf, at least 1. Default 1.
    pub min_samples_leaf: usize,
    /// Most value bins per feature, 2 to 255. Default 255.
    pub max_bins: usize,
}

impl Default for ForestParams {
    fn default() -> Self {
        ForestParams {
            kind: ForestKind::RandomForest,
            n_trees: 100,
            max_features: MaxFeatures::Auto,
            bootstrap: true,
            sample_fraction: 1.0,
            max_depth: None,
            max_leaves: None,
            min_samples_leaf: 1,
            max_bins: 255,
        }
    }
}

impl ForestParams {
    /// The extra-trees defaults: as `Default`, with `kind: ExtraTrees` and no bootstrap.
    pub fn extra_trees() -> Self {
        ForestParams {
            kind: ForestKind::ExtraTrees,
            bootstrap: false,
            ..ForestParams::default()
        }
    }

    /// Checks every setting's range.
    pub fn validate(&self) -> Result<()> {
        check_count("n_trees", self.n_trees, 1)?;
        match self.max_features {
            MaxFeatures::Fraction(f) => check_share("max_features", f, false)?,
            MaxFeatures::Count(c) => check_count("max_features", c, 1)?,
            _ => {}
        }
        check_share("sample_fraction", self.sample_fraction, false)?;
        if let Some(d) = self.max_depth {
            check_count("max_depth", d, 1)?;
        }
        if let Some(l) = self.max_leaves {
            check_count("max_leaves", l, 2)?;
        }
        check_count("min_samples_leaf", self.min_samples_leaf, 1)?;
        check_bins(self.max_bins)
    }

    fn family(&self) -> &'static str {
        match self.kind {
            ForestKind::RandomForest => FAMILY_RF,
            ForestKind::ExtraTrees => FAMILY_ET,
        }
    }

    /// Features per node out of `p`.
    fn features_per_node(&self, p: usize, classification: bool) -> usize {
        let sqrt = (p as f64).sqrt().ceil() as usize;
        let m = match self.max_features {
            MaxFeatures::Auto if classification => sqrt,
            MaxFeatures::Auto | MaxFeatures::All => p,
            MaxFeatures::Sqrt => sqrt,
            MaxFeatures::Log2 => (p as f64).log2().ceil() as usize,
            MaxFeatures::Fraction(f) => (p as f64 * f).ceil() as usize,
            MaxFeatures::Count(c) => c,
        };
        m.clamp(1, p.max(1))
    }
}

/// Grows the forest's trees; `leaf_values` turns a leaf's sums into its values.
fn grow_forest(
    x: &Matrix,
    stats: &RowStats,
    params: &ForestParams,
    classification: bool,
    seed: u64,
    ensemble: &mut Ensemble,
    leaf_values: impl Fn(&[f64], &mut Vec<f64>),
) {
    let n = x.rows;
    let rows: Vec<usize> = (0..n).collect();
    let data = BinnedData::new(x, &rows, params.max_bins, true);
    let mut learner = Learner::new(&data, stats.stride());
    let m = params.features_per_node(x.cols, classification);
    let cfg = GrowConfig {
        max_leaves: params.max_leaves.unwrap_or(usize::MAX),
        max_depth: params.max_depth.unwrap_or(usize::MAX),
        rules: SplitRules {
            min_samples_leaf: params.min_samples_leaf as f64,
            min_child_weight: 0.0,
            lambda: 0.0,
            min_split_gain: 0.0,
        },
        features_per_node: Some(m),
        random_thresholds: params.kind == ForestKind::ExtraTrees,
    };
    let features: Vec<usize> = (0..x.cols).collect();
    let draws = ((n as f64 * params.sample_fraction).ceil() as usize).clamp(1, n);
    let mut master = Rng::new(seed);
    let mut sample: Vec<u32> = Vec::with_capacity(draws);
    let mut order: Vec<u32> = Vec::new();
    let mut values = Vec::new();
    for _ in 0..params.n_trees {
        let mut rng = Rng::new(master.next_u64());
        let rows = if params.bootstrap {
            sample.clear();
            sample.extend((0..draws).map(|_| rng.below(n) as u32));
            sample.sort_unstable();
            Some(&sample[..])
        } else if draws < n {
            order.clear();
            order.extend(0..n as u32);
            for i in 0..draws {
                let j = i + rng.below(n - i);
                order.swap(i, j);
            }
            sample.clear();
            sample.extend_from_slice(&order[..draws]);
            sample.sort_unstable();
            Some(&sample[..])
        } else {
            None
        };
        let grown = learner.grow(&data, stats, rows, &features, &cfg, &mut rng);
        let mut tree = grown.tree;
        values.clear();
        for leaf in &grown.leaves {
            leaf_values(&leaf.sums, &mut values);
        }
        let width = values.len() / grown.leaves.len().max(1);
        tree.set_values(values.clone(), 0, width);
        ensemble.push(tree);
    }
}

/// A forest for numbers: the mean of the trees' leaf means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForestRegressor {
    ensemble: Ensemble,
    kind: ForestKind,
}

impl ForestRegressor {
    /// Fits on the rows of `x` (NaN = missing) and their numbers `y`. `seed` fixes every
    /// random choice.
    pub fn fit(x: &Matrix, y: &[f64], params: &ForestParams, seed: u64) -> Result<Self> {
        params.validate()?;
        check_values(params.family(), x, y)?;
        let mean = y.iter().sum::<f64>() / y.len() as f64;
        // centred targets keep the variance gains precise
        let gh: Vec<[f64; 2]> = y.iter().map(|v| [mean - v, 1.0]).collect();
        let stats = RowStats::Gradients {
            gh: &gh,
            unit_hessian: true,
        };
        let mut ensemble = Ensemble::new(x.cols, vec![mean], 1.0 / params.n_trees as f64);
        grow_forest(x, &stats, params, false, seed, &mut ensemble, |s, out| {
            out.push(if s[1] > 0.0 { -s[0] / s[1] } else { 0.0 });
        });
        Ok(ForestRegressor {
            ensemble,
            kind: params.kind,
        })
    }

    fn family(&self) -> &'static str {
        match self.kind {
            ForestKind::RandomForest => FAMILY_RF,
            ForestKind::ExtraTrees => FAMILY_ET,
        }
    }

    /// Predicts every row of `x` into `out` (one number per row).
    pub fn predict_into(&self, x: &Matrix, out: &mut [f64]) -> Result<()> {
        self.ensemble.check_input(self.family(), x)?;
        check_out(self.family(), x, out, 1)?;
        if self.ensemble.n_outputs() != 1 {
            return Err(model_error(self.family(), "the model is malformed".into()));
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

    /// Share of the variance decrease earned by each feature (sums to 1; all zeros without
    /// splits).
    pub fn feature_importances(&self) -> Vec<f64> {
        self.ensemble.importances()
    }

    /// Inputs per row.
    pub fn n_features(&self) -> usize {
        self.ensemble.n_features()
    }

    /// The trees.
    pub fn trees(&self) -> &[Tree] {
        self.ensemble.trees()
    }

    /// The trees with their base scores and scale, for explanations.
    pub(crate) fn ensemble(&self) -> &super::Ensemble {
        &self.ensemble
    }
}

/// A forest for classes: probabilities are the mean of the trees' leaf class frequencies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForestClassifier {
    ensemble: Ensemble,
    n_classes: usize,
    kind: ForestKind,
}

impl ForestClassifier {
    /// Fits on the rows of `x` (NaN = missing) and their class codes `y`; the classes are
    /// `0..=max(y)`. `seed` fixes every random choice.
    pub fn fit(x: &Matrix, y: &[u32], params: &ForestParams, seed: u64) -> Result<Self> {
        params.validate()?;
        let n_classes = check_classes(params.family(), x, y)?;
        let stats = RowStats::Classes { y, n_classes };
        let mut ensemble = Ensemble::new(x.cols, vec![0.0; n_classes], 1.0 / params.n_trees as f64);
        grow_forest(x, &stats, params, true, seed, &mut ensemble, |s, out| {
            let n: f64 = s.iter().sum();
            out.extend(s.iter().map(|c| if n > 0.0 { c / n } else { 0.0 }));
        });
        Ok(ForestClassifier {
            ensemble,
            n_classes,
            kind: params.kind,
        })
    }

    fn family(&self) -> &'static str {
        match self.kind {
            ForestKind::RandomForest => FAMILY_RF,
            ForestKind::ExtraTrees => FAMILY_ET,
        }
    }

    /// Number of classes (probability columns).
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Writes each row's class probabilities into `out` (`n_classes` per row, summing to 1).
    pub fn predict_proba_into(&self, x: &Matrix, out: &mut [f64]) -> Result<()> {
        self.ensemble.check_input(self.family(), x)?;
        let k = self.n_classes;
        check_out(self.family(), x, out, k)?;
        if self.ensemble.n_outputs() != k {
            return Err(model_error(self.family(), "the model is malformed".into()));
        }
        for (row, o) in x.data.chunks_exact(x.cols).zip(out.chunks_exact_mut(k)) {
            self.ensemble.raw_row(row, o);
            // exact normalization: every tree's frequencies sum to 1 up to rounding
            let total: f64 = o.iter().sum();
            if total > 0.0 {
                for v in o.iter_mut() {
                    *v /= total;
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

    /// Share of the Gini impurity decrease earned by each feature (sums to 1; all zeros
    /// without splits).
    pub fn feature_importances(&self) -> Vec<f64> {
        self.ensemble.importances()
    }

    /// Inputs per row.
    pub fn n_features(&self) -> usize {
        self.ensemble.n_features()
    }

    /// The trees.
    pub fn trees(&self) -> &[Tree] {
        self.ensemble.trees()
    }

    /// The trees with their base scores and scale, for explanations.
    pub(crate) fn ensemble(&self) -> &super::Ensemble {
        &self.ensemble
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AutoMlError;

    fn blobs(n: usize, seed: u64) -> (Matrix, Vec<u32>, Vec<f64>) {
        let mut rng = Rng::new(seed);
        let mut data = Vec::new();
        let mut classes = Vec::new();
        let mut values = Vec::new();
        for i in 0..n {
            let c = (i % 3) as u32;
            let a = f64::from(c) * 2.0 + rng.next_f64() * 1.5;
            let b = rng.next_f64();
            data.extend([a, b, if i % 9 == 0 { f64::NAN } else { a - b }]);
            classes.push(c);
            values.push(3.0 * a + b);
        }
        (
            Matrix {
                rows: n,
                cols: 3,
                data,
            },
            classes,
            values,
        )
    }

    #[test]
    fn leaves_hold_class_frequencies() {
        let x = Matrix {
            rows: 4,
            cols: 1,
            data: vec![1.0, 2.0, 3.0, 4.0],
        };
        // leaves of at least 4 rows: one leaf, the class shares
        let params = ForestParams {
            n_trees: 3,
            bootstrap: false,
            min_samples_leaf: 4,
            ..ForestParams::default()
        };
        let m = ForestClassifier::fit(&x, &[0, 0, 0, 1], &params, 0).unwrap();
        assert_eq!(m.predict_proba(&x).unwrap().row(0), [0.75, 0.25]);
        // fully grown on every row: pure leaves
        let params = ForestParams {
            n_trees: 2,
            bootstrap: false,
            max_features: MaxFeatures::All,
            ..ForestParams::default()
        };
        let m = ForestClassifier::fit(&x, &[0, 0, 0, 1], &params, 0).unwrap();
        assert_eq!(
            m.predict_proba(&x).unwrap().data,
            [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0]
        );
        assert_eq!(m.trees()[0].thresholds(), [3.5]);
        // n × Gini decrease: 4 × (1 - (3² + 1²) / 4²) - 0 - 0
        assert_eq!(m.trees()[0].gains(), [1.5]);
    }

    #[test]
    fn forests_fit_and_probabilities_sum_to_one() {
        let (x, y, v) = blobs(300, 1);
        for params in [ForestParams::default(), ForestParams::extra_trees()] {
            let params = ForestParams {
                n_trees: 20,
                ..params
            };
            let m = ForestClassifier::fit(&x, &y, &params, 5).unwrap();
            let p = m.predict_proba(&x).unwrap();
            for r in 0..p.rows {
                assert!((p.row(r).iter().sum::<f64>() - 1.0).abs() < 1e-12);
            }
            let pred = m.predict(&x).unwrap();
            let acc = pred.iter().zip(&y).filter(|(a, b)| a == b).count();
            assert!(acc >= 290, "{:?}: {acc}/300", params.kind);
            let imp = m.feature_importances();
            assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            assert!(imp[1] < imp[0], "{imp:?}");
            let r = ForestRegressor::fit(&x, &v, &params, 5).unwrap();
            let pred = r.predict(&x).unwrap();
            assert!(crate::metrics::r2(&v, &pred) > 0.9);
        }
    }

    #[test]
    fn extra_trees_thresholds_lie_within_the_values() {
        let (x, y, _) = blobs(200, 2);
        let params = ForestParams {
            n_trees: 10,
            ..ForestParams::extra_trees()
        };
        let m = ForestClassifier::fit(&x, &y, &params, 3).unwrap();
        for t in m.trees() {
            for (&f, &th) in t.features().iter().zip(t.thresholds()) {
                let col = (0..x.rows)
                    .map(|r| x.row(r)[f as usize])
                    .filter(|v| !v.is_nan());
                let (lo, hi) = col.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
                // f64::MAX: all values on one side, missing values on the other
                let ok = (th >= lo && th < hi) || th == f64::MAX;
                assert!(ok, "threshold {th} outside [{lo}, {hi})");
            }
        }
    }

    #[test]
    fn a_seed_fixes_the_forest_and_serialization_round_trips() {
        let (x, y, v) = blobs(150, 3);
        let params = ForestParams {
            n_trees: 8,
            max_depth: Some(6),
            ..ForestParams::default()
        };
        let a = ForestClassifier::fit(&x, &y, &params, 1).unwrap();
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            serde_json::to_string(&ForestClassifier::fit(&x, &y, &params, 1).unwrap()).unwrap()
        );
        assert_ne!(
            json,
            serde_json::to_string(&ForestClassifier::fit(&x, &y, &params, 2).unwrap()).unwrap()
        );
        let back: ForestClassifier = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back.predict_proba(&x).unwrap(),
            a.predict_proba(&x).unwrap()
        );
        let r = ForestRegressor::fit(&x, &v, &ForestParams::extra_trees(), 1).unwrap();
        let back: ForestRegressor =
            serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back.predict(&x).unwrap(), r.predict(&x).unwrap());
        assert!(a.trees().iter().all(|t| t.n_leaves() <= 64));
    }

    #[test]
    fn settings_are_checked() {
        let (x, y, _) = blobs(30, 4);
        for params in [
            ForestParams {
                n_trees: 0,
                ..ForestParams::default()
            },
            ForestParams {
                max_features: MaxFeatures::Fraction(0.0),
                ..ForestParams::default()
            },
            ForestParams {
                sample_fraction: 2.0,
                ..ForestParams::default()
            },
            ForestParams {
                min_samples_leaf: 0,
                ..ForestParams::default()
            },
        ] {
            let e = ForestClassifier::fit(&x, &y, &params, 0).unwrap_err();
            assert!(matches!(e, AutoMlError::BadSetting { .. }), "{e}");
        }
        let p: ForestParams =
            serde_json::from_str(r#"{"kind": "extra_trees", "max_features": {"fraction": 0.5}}"#)
                .unwrap();
        assert_eq!(p.kind, ForestKind::ExtraTrees);
        assert_eq!(p.max_features, MaxFeatures::Fraction(0.5));
    }
}
