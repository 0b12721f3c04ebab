//! Neural networks for tables, written here after RealMLP (Holzmüller et al. 2024) and TabM
//! (Gorishniy et al. 2024): inputs robustly scaled and smoothly clipped, optionally expanded by
//! a numeric embedding (periodic or piecewise linear, Gorishniy et al. 2022), a learnable scale
//! per input (one per ensemble member: TabM-mini's BatchEnsemble adapter), dense hidden layers,
//! one output head per member; AdamW (β2 = 0.95) on a multi-cycle learning-rate schedule,
//! dropout and weight decay on a flat-then-cosine schedule, label smoothing, and the weights of
//! the best epoch on a seeded internal validation split restored at the end.
//!
//! Arithmetic is `f32` (half the memory traffic of `f64`, twice the SIMD lanes) in a fixed
//! order: every sum runs in the same order on every platform (dot products over eight fixed
//! lanes, then the lanes in a fixed order), nothing is fused, transcendental functions come
//! from `crate::math`, so a seed gives the same weights natively and in wasm, bit for bit.

use super::family::{FitInput, ModelFamily, Predictor};
use super::space::{choice, float, int, ParamDef, ParamKind};
use super::{ClassWeight, Inner};
use crate::error::{AutoMlError, Result};
use crate::math::{cos, exp, ln, sigmoid, softmax_in_place};
use categories::{Embedding, EMBED_DIM};
use dense::{forward, layout, Live};
use phases::{lap, Phase};
use train::{diverged, train, train_with, Labels};

mod categories;
mod dense;
mod lanes;
pub mod phases;
mod step;
mod train;
use crate::matrix::Matrix;
use crate::rng::Rng;
use crate::truth::TargetRef;
use serde::{Deserialize, Serialize};
use serde_json::Value;

type F = f32;

/// Label smoothing of classification targets (RealMLP's ε).
const LABEL_SMOOTHING: F = 0.1;
/// Learning-rate factor of the per-input scales (RealMLP's `scale_lr_factor`).
const SCALE_LR: F = 6.0;
/// Frequencies per input of the periodic embedding, and their spread.
const PERIODS: usize = 4;
const PERIOD_SIGMA: f64 = 0.3;
/// Bins per input of the piecewise-linear embedding.
const BINS: usize = 8;

/// The most a network's weights may weigh in the model file: 20 MB (a model file the browser
/// saves, loads and sends to every worker of the pool at once). A wider or deeper network is
/// refused before training, with what to do (README, "Neural networks").
pub const MAX_NETWORK_BYTES: usize = 20 << 20;
/// Bytes a weight takes in the model file's JSON, at most (`-1.23456789e-38,`: serde_json
/// writes the shortest text that reads back to the same `f32`, usually 10 to 12 bytes).
const BYTES_PER_WEIGHT: usize = 16;

/// An error when `weights` would make the model file larger than [`MAX_NETWORK_BYTES`].
fn check_size(weights: usize) -> Result<()> {
    let bytes = weights.saturating_mul(BYTES_PER_WEIGHT);
    if bytes <= MAX_NETWORK_BYTES {
        return Ok(());
    }
    Err(AutoMlError::ModelFailed {
        family: NeuralNetwork::NAME.into(),
        reason: crate::message!(
            "model.network_too_large",
            weights,
            mb = bytes.div_ceil(1 << 20),
            limit_mb = MAX_NETWORK_BYTES >> 20
        ),
    })
}

/// A neural network (multilayer perceptron) for classification or regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeuralNetwork {
    /// Hidden layers, 1 to 4. Default 3.
    pub depth: usize,
    /// Units of the first hidden layer, 16 to 512. Default 128.
    pub width: usize,
    /// "constant" (every hidden layer as wide) or "funnel" (each half the one before).
    pub shape: String,
    /// "relu", "selu" or "silu".
    pub activation: String,
    /// Numeric embedding: "none", "periodic" or "piecewise".
    pub embedding: String,
    /// Ensemble members sharing the hidden layers (BatchEnsemble): 1, 4 or 8.
    pub members: usize,
    /// Dropout after each hidden layer (its peak; it decays in the second half).
    pub dropout: f64,
    /// Decoupled weight decay (AdamW; its peak, decaying in the second half).
    pub weight_decay: f64,
    /// Peak learning rate of Adam.
    pub learning_rate: f64,
    /// Rows per step (at most an eighth of the training rows, so every epoch takes eight steps).
    pub batch_size: usize,
    /// Passes over the training rows (the fidelity of multi-fidelity search).
    pub epochs: usize,
    /// Classification only: `balanced` decides as if every class were as common as the
    /// others: the trained network's probabilities are divided by each class's share of the
    /// training rows (and sum to one again), so a rare class the network ranks well is also
    /// predicted. The training itself is unweighted (a weighted loss was measured worse: README,
    /// "Networks against the anchors"). Not searched: the search sets it when the run's metric
    /// is balanced accuracy ([`NeuralNetwork::for_metric`]). Default none, which the model file
    /// does not write.
    #[serde(default, skip_serializing_if = "is_none")]
    pub class_weight: ClassWeight,
}

fn is_none(cw: &ClassWeight) -> bool {
    *cw == ClassWeight::None
}

fn members_param(values: &[usize], default: usize, low: usize) -> ParamDef {
    ParamDef {
        name: "members",
        kind: ParamKind::Choice {
            values: values.iter().map(|&v| Value::from(v)).collect(),
        },
        default: default.into(),
        low_cost: low.into(),
        doc: "Ensemble members sharing the hidden layers (BatchEnsemble, as in TabM).",
    }
}

impl ModelFamily for NeuralNetwork {
    const NAME: &'static str = "neural_network";
    const LABEL: &'static str = "Neural network";

    fn supports(_classification: bool) -> bool {
        true
    }

    fn space(_classification: bool) -> Vec<ParamDef> {
        vec![
            int("depth", 1, 4, false, 3, 1, "Hidden layers."),
            int("width", 16, 512, true, 128, 32, "Units of the first hidden layer."),
            choice(
                "shape",
                &["constant", "funnel"],
                "constant",
                "constant",
                "Every hidden layer as wide (constant) or each half the one before (funnel).",
            ),
            choice(
                "activation",
                &["relu", "selu", "silu"],
                "selu",
                "relu",
                "The function applied after each hidden layer.",
            ),
            choice(
                "embedding",
                &["none", "periodic", "piecewise"],
                "none",
                "none",
                "How each number enters: as is, or expanded into periodic or piecewise-linear features.",
            ),
            members_param(&[1, 4, 8], 1, 1),
            float("dropout", 0.0, 0.5, false, 0.15, 0.0, "Share of hidden units dropped in training."),
            float("weight_decay", 1e-5, 0.1, true, 0.02, 0.02, "Decoupled weight decay (AdamW)."),
            float("learning_rate", 1e-4, 0.03, true, 0.002, 0.01, "Peak step size of Adam."),
            int("batch_size", 16, 512, true, 128, 64, "Training rows per step."),
            int("epochs", 4, 512, true, 64, 16, "Passes over the training rows."),
        ]
    }

    /// Multiply-adds of a forward and backward pass (about three forward passes) per row,
    /// epoch and member, plus a per-row cost of each step (the loss, the optimizer's share, the
    /// validation pass), in the units of the other families. Calibrated by measurement against
    /// gradient boosting's defaults (natively, one thread, 2,000 rows × 20 inputs, median of 3
    /// fits; `search::halving_tests::seconds_per_cost_unit`): with 1/1,000 unit per
    /// multiply-add and 7 per row, six networks from 1 × 32 over 6 epochs to 4 × 512 took 0.77
    /// to 1.39 times boosting's seconds per unit (with the earlier 1/180 and 5, 0.14 to 0.54:
    /// networks were priced up to seven times too dear, the largest most).
    fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        let d = cols.max(1) * self.expansion();
        let mut inputs = d;
        let mut macs = 0usize;
        for w in self.widths() {
            macs += inputs * w;
            inputs = w;
        }
        macs += inputs * 2;
        let per_row = 3.0 * macs as f64 / 1000.0 + 7.0;
        per_row * (rows.max(1) * self.epochs * self.members.max(1)) as f64
    }

    fn class_factor(&self, n_classes: usize) -> f64 {
        1.0 + n_classes as f64 / self.width.max(1) as f64
    }

    fn fit(&self, input: &FitInput<'_>) -> Result<Inner> {
        Ok(Box::new(train(self, input)?).into())
    }

    fn fit_levels(
        &self,
        input: &FitInput<'_>,
        levels: &crate::preprocess::Levels,
    ) -> Result<Inner> {
        Ok(Box::new(train_with(self, input, Some(levels))?).into())
    }
}

impl NeuralNetwork {
    /// This network as the search trains it for a run scored by `metric`: deciding for
    /// balanced classes when the metric is balanced accuracy (see `class_weight`).
    pub fn for_metric(mut self, metric: crate::metrics::Metric) -> NeuralNetwork {
        if metric == crate::metrics::Metric::BalancedAccuracy {
            self.class_weight = ClassWeight::Balanced;
        }
        self
    }

    /// Units of each hidden layer.
    pub fn widths(&self) -> Vec<usize> {
        let mut w = self.width.max(1);
        (0..self.depth.max(1))
            .map(|_| {
                let this = w;
                if self.shape == "funnel" {
                    w = (w / 2).max(8);
                }
                this
            })
            .collect()
    }

    /// Features per input of the embedding (at most).
    fn expansion(&self) -> usize {
        match self.embedding.as_str() {
            "periodic" => 1 + 2 * PERIODS,
            "piecewise" => 1 + BINS,
            _ => 1,
        }
    }
}

/// The activation after each hidden layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// max(0, x).
    Relu,
    /// Scaled exponential linear unit.
    Selu,
    /// x · sigmoid(x).
    Silu,
}

const SELU_L: F = 1.050_701;
const SELU_A: F = 1.673_263_2;

impl Activation {
    fn of(name: &str) -> Activation {
        match name {
            "relu" => Activation::Relu,
            "silu" => Activation::Silu,
            _ => Activation::Selu,
        }
    }

    fn apply(self, z: F) -> F {
        match self {
            // (not `z.max(0.0)`, a call of libm's fmaxf in the size-optimized wasm; the same
            // value, as no pre-activation is -0)
            Activation::Relu => {
                if z > 0.0 {
                    z
                } else {
                    0.0
                }
            }
            Activation::Selu if z > 0.0 => SELU_L * z,
            Activation::Selu => SELU_L * SELU_A * (exp(z as f64) as F - 1.0),
            Activation::Silu => z * sigmoid(z as f64) as F,
        }
    }

    /// The derivative at `z`, given `a` = apply(z).
    fn slope(self, z: F, a: F) -> F {
        match self {
            Activation::Relu => (z > 0.0) as u8 as F,
            Activation::Selu if z > 0.0 => SELU_L,
            Activation::Selu => a + SELU_L * SELU_A,
            Activation::Silu => {
                let s = sigmoid(z as f64) as F;
                s + z * s * (1.0 - s)
            }
        }
    }

    /// Variance gain of the initialization (He for ReLU-like, LeCun for SELU).
    fn gain(self) -> F {
        if self == Activation::Selu {
            1.0
        } else {
            2.0
        }
    }
}

/// How one input enters the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Embed {
    /// As is (after scaling).
    Plain,
    /// Itself, then sin and cos of 2π f x for each frequency f.
    Periodic(Vec<F>),
    /// Itself, then its position within each bin between consecutive edges (0 below, 1 above).
    Piecewise(Vec<F>),
}

impl Embed {
    fn width(&self) -> usize {
        match self {
            Embed::Plain => 1,
            Embed::Periodic(f) => 1 + 2 * f.len(),
            Embed::Piecewise(e) => e.len().max(1),
        }
    }

    fn write(&self, x: F, out: &mut Vec<F>) {
        out.push(x);
        match self {
            Embed::Plain => {}
            Embed::Periodic(freqs) => {
                for &f in freqs {
                    let t = std::f64::consts::TAU * f as f64 * x as f64;
                    out.push(crate::math::sin(t) as F);
                    out.push(cos(t) as F);
                }
            }
            Embed::Piecewise(edges) => {
                for w in edges.windows(2) {
                    out.push(((x - w[0]) / (w[1] - w[0])).clamp(0.0, 1.0));
                }
            }
        }
    }
}

/// The losses of each epoch, and the epoch whose weights were kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    /// Mean training loss of each epoch (log loss, or squared error of the standardized target).
    pub train: Vec<F>,
    /// Loss on the internal validation rows after each epoch.
    pub valid: Vec<F>,
    /// The epoch (from 0) whose weights were restored.
    pub best: usize,
}

/// What a fitted network shows of itself: its layers and its learning curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkTrace {
    /// Widths from the inputs (after the embedding) through the hidden layers to the outputs.
    pub layers: Vec<usize>,
    /// The inputs before the embedding.
    pub inputs: usize,
    /// Ensemble members sharing the hidden layers.
    pub members: usize,
    /// Weights in all.
    pub parameters: usize,
    /// Mean training loss of each epoch.
    pub train: Vec<F>,
    /// Internal validation loss after each epoch.
    pub valid: Vec<F>,
    /// The epoch (from 0) whose weights were restored.
    pub best: usize,
    /// Each categorical input with a learned embedding: its levels (with the "unknown" one)
    /// and the numbers of each level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embeddings: Vec<[usize; 2]>,
    /// Whether it decides for balanced classes (its probabilities divided by the classes'
    /// shares of the training rows; see `NeuralNetwork::class_weight`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub balanced: bool,
}

/// A fitted network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkModel {
    /// Classes (0 for regression).
    pub n_classes: usize,
    /// Robust centre and scale of each input.
    pub center: Vec<f64>,
    /// See `center`.
    pub scale: Vec<f64>,
    /// How each input enters.
    pub embed: Vec<Embed>,
    /// Widths: embedded inputs, each hidden layer (the outputs follow).
    pub dims: Vec<usize>,
    /// Ensemble members.
    pub members: usize,
    /// The activation of the hidden layers.
    pub activation: Activation,
    /// Every weight, in the order of [`layout`].
    pub params: Vec<F>,
    /// Mean and standard deviation of the target (regression), and its range (clamped to).
    pub target: [f64; 4],
    /// The learning curve.
    pub curve: Curve,
    /// The learned embeddings of categorical inputs with many levels (their numbers follow the
    /// other inputs' in `dims[0]`; their tables follow the layers' weights in `params`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embeddings: Vec<Embedding>,
    /// Each class's share of the training rows when the network decides for balanced classes
    /// (its probabilities divided by them); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shares: Vec<f64>,
}

/// The network's working memory for a batch: each layer's inputs and pre-activations.
struct Pass {
    /// `h[l]` is the input of hidden layer `l` (`h[0]`: the scaled embedded inputs, one block
    /// per member); `h[depth]` feeds the heads.
    h: Vec<Vec<F>>,
    z: Vec<Vec<F>>,
    out: Vec<F>,
    /// The forward product's working memory.
    live: Live,
}

impl NetworkModel {
    fn outputs(&self) -> usize {
        if self.n_classes == 0 {
            1
        } else {
            self.n_classes
        }
    }

    /// Robust scaling, smooth clipping, then the embedding of every row; each row's
    /// categorical embeddings (its last numbers) left at zero.
    fn embed_rows(&self, x: &Matrix) -> Vec<F> {
        let mut out = Vec::with_capacity(x.rows * self.dims[0]);
        let tail = self.embeddings.len() * EMBED_DIM;
        for r in 0..x.rows {
            for (c, &v) in x.row(r).iter().enumerate() {
                let s = (v - self.center[c]) / self.scale[c];
                let s = s / (1.0 + (s / 3.0) * (s / 3.0)).sqrt();
                self.embed[c].write(s as F, &mut out);
            }
            out.resize(out.len() + tail, 0.0);
        }
        out
    }

    /// The network's inputs for new rows: [`Self::embed_rows`] and each row's levels'
    /// embeddings.
    fn inputs(&self, x: &Matrix) -> Vec<F> {
        let mut e = self.embed_rows(x);
        if !self.embeddings.is_empty() {
            let codes = categories::read_codes(&self.embeddings, x);
            categories::fill(&self.params, &self.embeddings, &codes, &mut e, self.dims[0]);
        }
        e
    }

    /// Its layers and learning curve, with `parameters` weights in all.
    fn trace(&self, parameters: usize) -> NetworkTrace {
        let mut layers = self.dims.clone();
        layers.push(self.outputs());
        NetworkTrace {
            layers,
            inputs: self.center.len(),
            members: self.members,
            parameters,
            train: self.curve.train.clone(),
            valid: self.curve.valid.clone(),
            best: self.curve.best,
            embeddings: self
                .embeddings
                .iter()
                .map(|e| [e.rows, EMBED_DIM])
                .collect(),
            balanced: !self.shares.is_empty(),
        }
    }

    /// Forward pass of `rows` embedded rows through every member; with dropout masks when
    /// training (`drop` = (probability, generator)).
    fn run(&self, p: &[F], e: &[F], rows: usize, pass: &mut Pass, mut drop: Option<(F, &mut Rng)>) {
        let (layers, _) = layout(&self.dims, self.members, self.outputs());
        let (d0, m) = (self.dims[0], self.members);
        let depth = self.dims.len() - 1;
        let h0 = &mut pass.h[0];
        h0.clear();
        for k in 0..m {
            let scale = &p[k * d0..(k + 1) * d0];
            for r in 0..rows {
                h0.extend(
                    e[r * d0..(r + 1) * d0]
                        .iter()
                        .zip(scale)
                        .map(|(a, s)| a * s),
                );
            }
        }
        let n = rows * m;
        lap(Phase::Input);
        for (l, &d) in layers[..depth].iter().enumerate() {
            pass.z[l].resize(n * d.out, 0.0);
            let (before, after) = pass.h.split_at_mut(l + 1);
            forward(p, d, &before[l], n, &mut pass.z[l], &mut pass.live);
            lap(Phase::Forward);
            let h = &mut after[0];
            h.resize(n * d.out, 0.0);
            step::activate(self.activation, &pass.z[l], h);
            if let Some((rate, rng)) = drop.as_mut() {
                step::dropout(h, *rate, rng);
            }
            lap(Phase::Activation);
        }
        let o = self.outputs();
        pass.out.resize(n * o, 0.0);
        let top = &pass.h[depth];
        let width = self.dims[depth];
        for k in 0..m {
            forward(
                p,
                layers[depth + k],
                &top[k * rows * width..(k + 1) * rows * width],
                rows,
                &mut pass.out[k * rows * o..(k + 1) * rows * o],
                &mut pass.live,
            );
        }
        lap(Phase::Forward);
    }

    fn pass(&self) -> Pass {
        let depth = self.dims.len() - 1;
        Pass {
            h: vec![Vec::new(); depth + 1],
            z: vec![Vec::new(); depth],
            out: Vec::new(),
            live: Live::default(),
        }
    }

    /// Per row: class probabilities (the members' mean) or the standardized value.
    fn predict_embedded(&self, p: &[F], e: &[F], rows: usize) -> Vec<f64> {
        let (o, m) = (self.outputs(), self.members);
        let mut out = vec![0.0; rows * o];
        let mut pass = self.pass();
        let chunk = 256;
        let d0 = self.dims[0];
        let mut start = 0;
        while start < rows {
            let n = chunk.min(rows - start);
            self.run(p, &e[start * d0..(start + n) * d0], n, &mut pass, None);
            for k in 0..m {
                for r in 0..n {
                    let z = &pass.out[(k * n + r) * o..(k * n + r + 1) * o];
                    let mut v: Vec<f64> = z.iter().map(|&v| v as f64).collect();
                    if self.n_classes > 0 {
                        softmax_in_place(&mut v);
                    }
                    for (t, vj) in out[(start + r) * o..(start + r + 1) * o].iter_mut().zip(&v) {
                        *t += vj / m as f64;
                    }
                }
            }
            start += n;
        }
        out
    }

    /// Mean loss of embedded rows: log loss (classes) or squared error (standardized values).
    fn loss(&self, p: &[F], e: &[F], y: &Labels) -> f64 {
        let rows = y.len();
        let pred = self.predict_embedded(p, e, rows);
        let o = self.outputs();
        let mut total = 0.0;
        for r in 0..rows {
            total += match y {
                Labels::Classes(c) => -ln(pred[r * o + c[r] as usize].max(1e-15)),
                Labels::Values(v) => {
                    let d = pred[r] - v[r] as f64;
                    d * d
                }
            };
        }
        total / rows.max(1) as f64
    }
}

impl Predictor for NetworkModel {
    fn proba(&self, x: &Matrix, n_classes: usize) -> Result<Vec<f64>> {
        let mut out = self.predict_embedded(&self.params, &self.inputs(x), x.rows);
        if out.iter().any(|v| !v.is_finite()) {
            return Err(diverged());
        }
        balance(&mut out, &self.shares);
        Ok(super::pad_classes(
            Matrix {
                rows: x.rows,
                cols: self.n_classes,
                data: out,
            },
            n_classes,
        ))
    }

    fn values(&self, x: &Matrix) -> Result<Vec<f64>> {
        let [mean, sd, lo, hi] = self.target;
        let out = self.predict_embedded(&self.params, &self.inputs(x), x.rows);
        if out.iter().any(|v| !v.is_finite()) {
            return Err(diverged());
        }
        Ok(out.iter().map(|v| (v * sd + mean).clamp(lo, hi)).collect())
    }

    fn network(&self) -> Option<NetworkTrace> {
        Some(self.trace(self.params.len()))
    }

    fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        let ok_dims = self.dims.len() >= 2 && self.dims.iter().all(|&d| d > 0) && self.members > 0;
        ok_dims
            && self.n_classes == n_classes
            && self.center.len() == n_features
            && self.scale.len() == n_features
            && self.embed.len() == n_features
            && self
                .embed
                .iter()
                .all(|e| !matches!(e, Embed::Piecewise(v) if v.len() < 2))
            && self.embeddings_fit(n_features)
            && (self.shares.is_empty() || self.shares.len() == n_classes)
    }
}

impl NetworkModel {
    /// Whether the embeddings' inputs, widths and tables fit the inputs and the weights (the
    /// tables follow the layers' weights, one after another).
    fn embeddings_fit(&self, n_features: usize) -> bool {
        let mut at = layout(&self.dims, self.members, self.outputs()).1;
        for e in &self.embeddings {
            if e.at != at || !e.fits(n_features) {
                return false;
            }
            at = at.saturating_add(e.size());
        }
        let plain: usize = self.embed.iter().map(Embed::width).sum();
        self.params.len() == at
            && plain.checked_add(self.embeddings.len() * EMBED_DIM) == Some(self.dims[0])
    }
}

/// Divides each row's probabilities by the classes' `shares` and makes them sum to one again
/// (nothing when `shares` is empty); a class without training rows keeps probability 0.
/// The label smoothing is taken out first: a network trained towards (1 − ε) · one-hot + ε / k
/// learns p' = (1 − ε) p + ε / k, so p = (p' − ε / k) / (1 − ε), at least 0. Without that, a
/// class of 2% of the rows (mammography's) would be predicted for every row: ε / k = 0.05
/// divided by 0.02 outweighs 0.95 divided by 0.98.
fn balance(proba: &mut [f64], shares: &[f64]) {
    if shares.is_empty() {
        return;
    }
    let eps = LABEL_SMOOTHING as f64;
    let floor = eps / shares.len() as f64;
    for row in proba.chunks_mut(shares.len()) {
        let mut sum = 0.0;
        for (p, &s) in row.iter_mut().zip(shares) {
            let unsmoothed = ((*p - floor) / (1.0 - eps)).max(0.0);
            *p = if s > 0.0 { unsmoothed / s } else { 0.0 };
            sum += *p;
        }
        if sum > 0.0 {
            for p in row.iter_mut() {
                *p /= sum;
            }
        }
    }
}

type EpochWatcher = Box<dyn FnMut(&NetworkTrace)>;

thread_local! {
    /// Who watches the networks trained on this thread, epoch by epoch (see [`watch_epochs`]).
    static WATCHER: std::cell::RefCell<Option<EpochWatcher>> = const { std::cell::RefCell::new(None) };
}

/// Runs `run`, calling `watch` after each epoch of every network trained on this thread
/// meanwhile with its layers and its learning curve so far (the page draws the trial being
/// trained from it). Watching changes no number of the training.
pub fn watch_epochs<R>(watch: impl FnMut(&NetworkTrace) + 'static, run: impl FnOnce() -> R) -> R {
    let before = WATCHER.with(|w| w.borrow_mut().replace(Box::new(watch)));
    let out = run();
    WATCHER.with(|w| *w.borrow_mut() = before);
    out
}

/// Tells the watcher, if any, that `model` finished an epoch (`parameters` weights in all).
fn epoch_done(model: &NetworkModel, parameters: usize) {
    WATCHER.with(|w| {
        if let Ok(mut slot) = w.try_borrow_mut() {
            if let Some(watch) = slot.as_mut() {
                watch(&model.trace(parameters));
            }
        }
    });
}

#[cfg(test)]
mod tests;
