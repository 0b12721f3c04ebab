//! Histograms of row statistics by bin code, and the search for the best split of one feature
//! in them.
//!
//! A histogram holds, for every code of every group, either gradient sums `(g, h, n)`
//! (boosting and forest regression) or one row count per class (forest classification, where
//! the gain is exactly the decrease in Gini impurity). It is built over a leaf's rows with the
//! row statistics gathered into contiguous arrays first, so the inner loop reads one code and
//! one contiguous statistic per row. A larger sibling is the parent minus the smaller one.

use super::binning::{BinnedData, FeatureBins};
use crate::rng::Rng;

/// What each training row contributes to a histogram.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RowStats<'a> {
    /// Gradient and hessian per row; histogram entries are `(Σg, Σh, n)`.
    Gradients {
        /// Gradient per row.
        grad: &'a [f64],
        /// Hessian per row.
        hess: &'a [f64],
    },
    /// A class code per row; histogram entries are one count per class.
    Classes {
        /// Class per row (`< n_classes`).
        y: &'a [u32],
        /// Number of classes.
        n_classes: usize,
    },
}

impl RowStats<'_> {
    /// Numbers per histogram bin.
    pub fn stride(&self) -> usize {
        match self {
            RowStats::Gradients { .. } => 3,
            RowStats::Classes { n_classes, .. } => *n_classes,
        }
    }
}

/// The leaf-independent rules a split must satisfy.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SplitRules {
    /// Fewest rows on each side.
    pub min_samples_leaf: f64,
    /// Least hessian sum (rows, for class counts) on each side.
    pub min_child_weight: f64,
    /// L2 penalty on leaf values.
    pub lambda: f64,
    /// Least gain.
    pub min_split_gain: f64,
}

/// Row count of a node's sums.
pub(crate) fn count(stats: &RowStats, sums: &[f64]) -> f64 {
    match stats {
        RowStats::Gradients { .. } => sums[2],
        RowStats::Classes { .. } => sums.iter().sum(),
    }
}

/// How good a node is on its own; a split's gain is the children's scores minus the parent's.
/// `G² / (H + λ)` for gradients (twice the loss decrease of its optimal leaf value),
/// `Σ c² / n` for class counts (`n` minus the Gini impurity times `n`).
pub(crate) fn score(stats: &RowStats, sums: &[f64], lambda: f64) -> f64 {
    match stats {
        RowStats::Gradients { .. } => {
            let d = sums[1] + lambda;
            if d > 0.0 {
                sums[0] * sums[0] / d
            } else {
                0.0
            }
        }
        RowStats::Classes { .. } => {
            let n: f64 = sums.iter().sum();
            if n > 0.0 {
                sums.iter().map(|c| c * c).sum::<f64>() / n
            } else {
                0.0
            }
        }
    }
}

/// The statistics of a leaf's rows, gathered in row-list order.
#[derive(Debug, Default)]
pub(crate) struct Ordered {
    g: Vec<f64>,
    h: Vec<f64>,
    c: Vec<u32>,
}

impl Ordered {
    /// Gathers the statistics of `rows`.
    pub fn gather(&mut self, stats: &RowStats, rows: &[u32]) {
        match stats {
            RowStats::Gradients { grad, hess } => {
                self.g.clear();
                self.h.clear();
                self.g.extend(rows.iter().map(|&r| grad[r as usize]));
                self.h.extend(rows.iter().map(|&r| hess[r as usize]));
            }
            RowStats::Classes { y, .. } => {
                self.c.clear();
                self.c.extend(rows.iter().map(|&r| y[r as usize]));
            }
        }
    }
}

/// The rows a histogram is built over.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rows<'a> {
    /// Every row, in order (the root without sampling): no gather, no indirection.
    All,
    /// A list of rows whose statistics were gathered into an [`Ordered`].
    List(&'a [u32]),
}

/// Adds the rows' statistics into `out`, the histogram of one group (`n_codes × stride`),
/// which the caller has zeroed.
pub(crate) fn build_group(
    codes: &[u8],
    rows: Rows,
    stats: &RowStats,
    ordered: &Ordered,
    out: &mut [f64],
) {
    match (stats, rows) {
        (RowStats::Gradients { grad, hess }, Rows::All) => {
            let (bins, _) = out.as_chunks_mut::<3>();
            for ((&c, &g), &h) in codes.iter().zip(grad.iter()).zip(hess.iter()) {
                let e = &mut bins[c as usize];
                e[0] += g;
                e[1] += h;
                e[2] += 1.0;
            }
        }
        (RowStats::Gradients { .. }, Rows::List(rows)) => {
            let (bins, _) = out.as_chunks_mut::<3>();
            for ((&r, &g), &h) in rows.iter().zip(ordered.g.iter()).zip(ordered.h.iter()) {
                let e = &mut bins[codes[r as usize] as usize];
                e[0] += g;
                e[1] += h;
                e[2] += 1.0;
            }
        }
        (RowStats::Classes { y, n_classes }, Rows::All) => {
            for (&c, &k) in codes.iter().zip(y.iter()) {
                out[c as usize * n_classes + k as usize] += 1.0;
            }
        }
        (RowStats::Classes { n_classes, .. }, Rows::List(rows)) => {
            for (&r, &k) in rows.iter().zip(ordered.c.iter()) {
                out[codes[r as usize] as usize * n_classes + k as usize] += 1.0;
            }
        }
    }
}

/// The sums of the rows' statistics (a node's totals).
pub(crate) fn totals(stats: &RowStats, rows: Rows, n_rows: usize) -> Vec<f64> {
    let mut sums = vec![0.0; stats.stride()];
    let all;
    let rows = match rows {
        Rows::All => {
            all = (0..n_rows as u32).collect::<Vec<u32>>();
            &all[..]
        }
        Rows::List(rows) => rows,
    };
    match stats {
        RowStats::Gradients { grad, hess } => {
            for &r in rows {
                sums[0] += grad[r as usize];
                sums[1] += hess[r as usize];
            }
            sums[2] = rows.len() as f64;
        }
        RowStats::Classes { y, .. } => {
            for &r in rows {
                sums[y[r as usize] as usize] += 1.0;
            }
        }
    }
    sums
}

/// The histogram of feature `f` (`(n_bins + 1) × stride`): a slice of its group's histogram,
/// or, for a bundled feature, rebuilt in `scratch` with the usual bin taken from `node`.
pub(crate) fn feature_hist<'a>(
    data: &BinnedData,
    f: usize,
    hist: &'a [f64],
    node: &[f64],
    stride: usize,
    scratch: &'a mut Vec<f64>,
) -> &'a [f64] {
    let feature: &FeatureBins = &data.features[f];
    let group = &data.groups[feature.group];
    let group_hist =
        &hist[group.hist_offset * stride..(group.hist_offset + group.n_codes) * stride];
    let Some(bundle) = &feature.bundle else {
        return group_hist;
    };
    let len = (feature.mapper.n_bins() + 1) * stride;
    scratch.clear();
    scratch.resize(len, 0.0);
    let d = bundle.default_bin as usize * stride;
    scratch[d..d + stride].copy_from_slice(node);
    for (k, &b) in bundle.bins.iter().enumerate() {
        let src =
            &group_hist[(bundle.first_code + k) * stride..(bundle.first_code + k + 1) * stride];
        let b = b as usize * stride;
        scratch[b..b + stride].copy_from_slice(src);
        for (t, s) in scratch[d..d + stride].iter_mut().zip(src) {
            *t -= s;
        }
    }
    // rounding must not leave a negative row count or hessian in the usual bin
    for v in &mut scratch[d..d + stride] {
        if v.abs() < 1e-9 {
            *v = 0.0;
        }
    }
    &scratch[..]
}

/// The best split found so far of a leaf.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// Children's scores minus the parent's; only splits above the rules' least gain count.
    pub gain: f64,
    /// Feature.
    pub feature: usize,
    /// Value bins `1..=bin` go left.
    pub bin: u8,
    /// Whether missing values go left.
    pub missing_left: bool,
    /// Sums of the left child.
    pub left: Vec<f64>,
}

impl Candidate {
    /// No split yet: anything must beat `min_gain`.
    pub fn none(min_gain: f64, stride: usize) -> Candidate {
        Candidate {
            gain: min_gain,
            feature: usize::MAX,
            bin: 0,
            missing_left: false,
            left: vec![0.0; stride],
        }
    }

    /// Whether a split was found.
    pub fn found(&self) -> bool {
        self.feature != usize::MAX
    }
}

/// Looks for a better split of a node on feature `f` (its histogram `hist`, the node's sums
/// `node` and score `parent`). Value bins `1..=t` go left, and missing values go to the side
/// that scores better (both are tried when the node has any). With `random` (extra trees),
/// one threshold drawn uniformly between the node's smallest and largest values is tried.
#[allow(clippy::too_many_arguments)]
pub(crate) fn search_feature(
    stats: &RowStats,
    data: &BinnedData,
    f: usize,
    hist: &[f64],
    node: &[f64],
    parent: f64,
    rules: &SplitRules,
    random: Option<&mut Rng>,
    acc: &mut Vec<f64>,
    best: &mut Candidate,
) {
    let mapper = &data.features[f].mapper;
    let nb = mapper.n_bins();
    let stride = stats.stride();
    let bin_count = |b: usize| -> f64 {
        let e = &hist[b * stride..(b + 1) * stride];
        match stats {
            RowStats::Gradients { .. } => e[2],
            RowStats::Classes { .. } => e.iter().sum(),
        }
    };
    let missing = bin_count(0);
    // With random thresholds, the only threshold tried.
    let only = match random {
        None => None,
        Some(rng) => {
            let lo = (1..=nb).find(|&b| bin_count(b) > 0.0);
            let hi = (1..=nb).rev().find(|&b| bin_count(b) > 0.0);
            match (lo, hi) {
                (Some(lo), Some(hi)) if lo < hi => {
                    let a = mapper.threshold(lo);
                    let b = mapper.threshold(hi - 1);
                    let u = a + (b - a) * rng.next_f64();
                    let t = lo + mapper.edges[lo - 1..hi - 1].partition_point(|&e| e < u);
                    Some(t.min(hi - 1))
                }
                (Some(_), Some(_)) if missing > 0.0 => Some(nb),
                _ => return,
            }
        }
    };
    let n_total = count(stats, node);
    acc.clear();
    acc.resize(stride, 0.0);
    let mut n_left = 0.0;
    for t in 1..=nb {
        let e = &hist[t * stride..(t + 1) * stride];
        let n_bin = bin_count(t);
        if n_bin == 0.0 && only != Some(t) {
            continue;
        }
        for (a, v) in acc.iter_mut().zip(e) {
            *a += v;
        }
        n_left += n_bin;
        if let Some(o) = only {
            if t < o {
                continue;
            }
        }
        // missing values right
        if n_total - n_left > 0.0 {
            try_split(stats, acc, None, node, parent, rules, f, t, false, best);
        }
        // missing values left
        if missing > 0.0 && t < nb {
            try_split(
                stats,
                acc,
                Some(&hist[..stride]),
                node,
                parent,
                rules,
                f,
                t,
                true,
                best,
            );
        }
        if only.is_some() {
            break;
        }
    }
}

/// Scores the split whose left child sums to `left` (plus `extra`, the missing bin, when
/// given) and keeps it if it beats `best`.
#[allow(clippy::too_many_arguments)]
fn try_split(
    stats: &RowStats,
    left: &[f64],
    extra: Option<&[f64]>,
    node: &[f64],
    parent: f64,
    rules: &SplitRules,
    f: usize,
    t: usize,
    missing_left: bool,
    best: &mut Candidate,
) {
    let (children, ok) = match stats {
        RowStats::Gradients { .. } => {
            let (mut lg, mut lh, mut ln) = (left[0], left[1], left[2]);
            if let Some(m) = extra {
                lg += m[0];
                lh += m[1];
                ln += m[2];
            }
            let (rg, rh, rn) = (node[0] - lg, node[1] - lh, node[2] - ln);
            let ok = ln >= rules.min_samples_leaf
                && rn >= rules.min_samples_leaf
                && lh >= rules.min_child_weight
                && rh >= rules.min_child_weight;
            let children = lg * lg / (lh + rules.lambda) + rg * rg / (rh + rules.lambda);
            (children, ok)
        }
        RowStats::Classes { .. } => {
            let (mut nl, mut nr, mut sl, mut sr) = (0.0, 0.0, 0.0, 0.0);
            for k in 0..left.len() {
                let l = left[k] + extra.map_or(0.0, |m| m[k]);
                let r = node[k] - l;
                nl += l;
                nr += r;
                sl += l * l;
                sr += r * r;
            }
            let ok = nl >= rules.min_samples_leaf
                && nr >= rules.min_samples_leaf
                && nl >= rules.min_child_weight
                && nr >= rules.min_child_weight
                && nl > 0.0
                && nr > 0.0;
            let children = if ok { sl / nl + sr / nr } else { 0.0 };
            (children, ok)
        }
    };
    if !ok {
        return;
    }
    let gain = children - parent;
    // a gain within rounding of zero is no gain (a pure or constant node)
    if gain > best.gain && gain > 1e-11 * children.abs().max(parent.abs()) {
        best.gain = gain;
        best.feature = f;
        best.bin = t as u8;
        best.missing_left = missing_left;
        best.left.copy_from_slice(left);
        if let Some(m) = extra {
            for (l, v) in best.left.iter_mut().zip(m) {
                *l += v;
            }
        }
    }
}
