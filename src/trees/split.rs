//! The search for the best split of one feature in a leaf's histogram: gradient gains or Gini
//! decrease, missing values sent to the better side, the split rules' limits.

use super::binning::BinnedData;
use super::histogram::*;
use crate::rng::Rng;

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
/// `present`, when given, lists (ascending) the only bins that may be non-empty: the others
/// are not read (small leaves, see `Learner::search_small`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn search_feature(
    stats: &RowStats,
    data: &BinnedData,
    f: usize,
    hist: &[f64],
    present: Option<&[u8]>,
    node: &[f64],
    parent: f64,
    rules: &SplitRules,
    random: Option<&mut Rng>,
    acc: &mut Vec<f64>,
    best: &mut Candidate,
) {
    let nb = data.features[f].mapper.n_bins();
    let ctx = Scan {
        stats,
        data,
        f,
        hist,
        node,
        parent,
        rules,
    };
    match present {
        None => ctx.search(1..=nb, random, acc, best),
        Some(p) => ctx.search(
            p.iter().map(|&b| b as usize).filter(|&b| b > 0 && b <= nb),
            random,
            acc,
            best,
        ),
    }
}

/// One feature's split search: what [`search_feature`] was given.
struct Scan<'a> {
    stats: &'a RowStats<'a>,
    data: &'a BinnedData,
    f: usize,
    hist: &'a [f64],
    node: &'a [f64],
    parent: f64,
    rules: &'a SplitRules,
}

impl Scan<'_> {
    fn entry(&self, b: usize) -> &[f64] {
        let stride = self.stats.stride();
        &self.hist[b * stride..(b + 1) * stride]
    }

    fn bin_count(&self, b: usize) -> f64 {
        let e = self.entry(b);
        match self.stats {
            RowStats::Gradients { .. } => e[2],
            RowStats::Classes { .. } => e.iter().sum(),
        }
    }

    /// Searches the value bins `bins` (ascending).
    fn search<I: Iterator<Item = usize> + Clone>(
        &self,
        bins: I,
        random: Option<&mut Rng>,
        acc: &mut Vec<f64>,
        best: &mut Candidate,
    ) {
        let nb = self.data.features[self.f].mapper.n_bins();
        match (self.stats, random) {
            (RowStats::Gradients { .. }, None) => scan_gradients(
                self.hist,
                bins,
                nb,
                self.node,
                self.parent,
                self.rules,
                self.f,
                best,
            ),
            (_, Some(rng)) => self.search_random(bins, rng, acc, best),
            (_, None) => self.search_all(bins, acc, best),
        }
    }

    /// Every threshold, for class counts.
    fn search_all<I: Iterator<Item = usize>>(
        &self,
        bins: I,
        acc: &mut Vec<f64>,
        best: &mut Candidate,
    ) {
        let nb = self.data.features[self.f].mapper.n_bins();
        let stride = self.stats.stride();
        let missing = self.bin_count(0);
        let n_total = count(self.stats, self.node);
        acc.clear();
        acc.resize(stride, 0.0);
        let mut n_left = 0.0;
        for t in bins {
            let n_bin = self.bin_count(t);
            if n_bin == 0.0 {
                continue;
            }
            for (a, v) in acc.iter_mut().zip(self.entry(t)) {
                *a += v;
            }
            n_left += n_bin;
            self.try_both(acc, t, nb, missing, n_left, n_total, best);
        }
    }

    /// Extra trees: one threshold drawn uniformly between the node's smallest and largest
    /// values (a missing-against-values split when every value shares one bin).
    fn search_random<I: Iterator<Item = usize> + Clone>(
        &self,
        bins: I,
        rng: &mut Rng,
        acc: &mut Vec<f64>,
        best: &mut Candidate,
    ) {
        let mapper = &self.data.features[self.f].mapper;
        let nb = mapper.n_bins();
        let missing = self.bin_count(0);
        let mut non_empty = bins.clone().filter(|&b| self.bin_count(b) > 0.0);
        let lo = non_empty.next();
        let hi = non_empty.last().or(lo);
        let t = match (lo, hi) {
            (Some(lo), Some(hi)) if lo < hi => {
                let a = mapper.threshold(lo);
                let b = mapper.threshold(hi - 1);
                let u = a + (b - a) * rng.next_f64();
                let t = lo + mapper.edges[lo - 1..hi - 1].partition_point(|&e| e < u);
                t.min(hi - 1)
            }
            (Some(_), Some(_)) if missing > 0.0 => nb,
            _ => return,
        };
        let stride = self.stats.stride();
        acc.clear();
        acc.resize(stride, 0.0);
        let mut n_left = 0.0;
        for b in bins.take_while(|&b| b <= t) {
            for (a, v) in acc.iter_mut().zip(self.entry(b)) {
                *a += v;
            }
            n_left += self.bin_count(b);
        }
        let n_total = count(self.stats, self.node);
        self.try_both(acc, t, nb, missing, n_left, n_total, best);
    }

    /// Tries threshold `t` with the left sums `acc`, missing values right and (when the node
    /// has any) left.
    #[allow(clippy::too_many_arguments)]
    fn try_both(
        &self,
        acc: &[f64],
        t: usize,
        nb: usize,
        missing: f64,
        n_left: f64,
        n_total: f64,
        best: &mut Candidate,
    ) {
        let stride = self.stats.stride();
        let (stats, node, parent, rules, f) =
            (self.stats, self.node, self.parent, self.rules, self.f);
        // missing values right (with none in the node, missing values follow the larger side)
        if n_total - n_left > 0.0 {
            let default_left = missing == 0.0 && 2.0 * n_left >= n_total;
            try_split(
                stats,
                acc,
                None,
                node,
                parent,
                rules,
                f,
                t,
                default_left,
                best,
            );
        }
        if missing > 0.0 && t < nb {
            let m = &self.hist[..stride];
            try_split(stats, acc, Some(m), node, parent, rules, f, t, true, best);
        }
    }
}

/// The best threshold of one feature's gradient histogram (`(g, h, n)` per bin): the fast
/// path of [`search_feature`]. Bins are added to the left side one by one; the size and
/// hessian rules are checked before any division, and the scan stops once the right side is
/// too small (it only shrinks).
#[allow(clippy::too_many_arguments)]
fn scan_gradients<I: Iterator<Item = usize>>(
    hist: &[f64],
    order: I,
    nb: usize,
    node: &[f64],
    parent: f64,
    rules: &SplitRules,
    f: usize,
    best: &mut Candidate,
) {
    let (bins, _) = hist.as_chunks::<3>();
    let Some(bins) = bins.get(..nb + 1) else {
        return;
    };
    let (tg, th, tn) = (node[0], node[1], node[2]);
    let [mg, mh, mn] = bins[0];
    let has_missing = mn > 0.0;
    let (msl, mcw, lambda) = (rules.min_samples_leaf, rules.min_child_weight, rules.lambda);
    let (mut lg, mut lh, mut ln) = (0.0, 0.0, 0.0);
    // best of this feature: gain, bin, missing left, left sums
    let mut found: Option<(f64, usize, bool, [f64; 3])> = None;
    let mut best_gain = best.gain;
    let mut consider = |g: f64, h: f64, n: f64, t: usize, missing_left: bool| {
        let (rg, rh, rn) = (tg - g, th - h, tn - n);
        let (dl, dr) = (h + lambda, rh + lambda);
        if n < msl || rn < msl || h < mcw || rh < mcw || dl <= 0.0 || dr <= 0.0 {
            return;
        }
        // children's score above `bar`, compared without dividing: most thresholds lose here
        let bar = best_gain + parent;
        if g * g * dr + rg * rg * dl <= bar * dl * dr {
            return;
        }
        let children = g * g / dl + rg * rg / dr;
        let gain = children - parent;
        if gain > best_gain && gain > 1e-11 * children.abs().max(parent.abs()) {
            best_gain = gain;
            found = Some((gain, t, missing_left, [g, h, n]));
        }
    };
    for t in order {
        let Some(e) = bins.get(t) else { break };
        if e[2] == 0.0 {
            continue;
        }
        lg += e[0];
        lh += e[1];
        ln += e[2];
        if tn - ln < msl {
            break;
        }
        // with no missing value in the node, missing values follow the larger side
        let default_left = !has_missing && 2.0 * ln >= tn;
        consider(lg, lh, ln, t, default_left);
        if has_missing && t < nb {
            consider(lg + mg, lh + mh, ln + mn, t, true);
        }
    }
    if let Some((gain, t, missing_left, left)) = found {
        best.gain = gain;
        best.feature = f;
        best.bin = t as u8;
        best.missing_left = missing_left;
        best.left.copy_from_slice(&left);
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
