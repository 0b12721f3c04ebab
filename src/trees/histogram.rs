//! Histograms of row statistics by bin code, and the search for the best split of one feature
//! in them.
//!
//! A histogram holds, for every code of every group, either gradient sums `(g, h, n)`
//! (boosting and forest regression) or one row count per class (forest classification, where
//! the gain is exactly the decrease in Gini impurity). It is built over a leaf's rows with the
//! row statistics gathered into contiguous arrays first, so the inner loop reads one code and
//! one contiguous statistic per row. A larger sibling is the parent minus the smaller one.

use super::binning::{BinnedData, FeatureBins, GROUP_BINS};
use crate::rng::Rng;

/// What each training row contributes to a histogram.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RowStats<'a> {
    /// Gradient and hessian per row; histogram entries are `(Σg, Σh, n)`.
    Gradients {
        /// `[gradient, hessian]` per row.
        gh: &'a [[f64; 2]],
        /// Every hessian is exactly 1 (squared error): `Σh` is then `n`, not accumulated.
        unit_hessian: bool,
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
    gh: Vec<[f64; 2]>,
    c: Vec<u32>,
}

impl Ordered {
    /// Gathers the statistics of `rows`.
    pub fn gather(&mut self, stats: &RowStats, rows: &[u32]) {
        match stats {
            RowStats::Gradients { gh, .. } => {
                self.gh.clear();
                self.gh.extend(rows.iter().map(|&r| gh[r as usize]));
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
    /// A list of rows whose statistics were gathered into an [`Ordered`]. Every row must be
    /// below the number of rows of the codes it is built from (the learner checks this once
    /// per tree): the hot loop reads codes without a bounds check.
    List(&'a [u32]),
}

/// The code of row `r`. The caller guarantees `r < codes.len()` (see [`Rows::List`]).
#[inline(always)]
fn code_of(codes: &[u8], r: u32) -> u8 {
    debug_assert!((r as usize) < codes.len());
    // SAFETY: every row index the learner hands out is below the row count, which is
    // `codes.len()`: `Learner::grow` checks the sample once, and partitions only permute it.
    unsafe { *codes.get_unchecked(r as usize) }
}

/// Gradient histogram copies a large leaf is spread over (see [`build_group`]).
const WAYS: usize = 4;

/// Leaves with at least this many rows per code are built over [`WAYS`] copies.
const ROWS_PER_CODE_FOR_WAYS: usize = 8;

/// Scratch space for [`build_group`]: [`WAYS`] gradient histograms of one group.
pub(crate) type Ways = Vec<[[f64; 3]; GROUP_BINS]>;

/// A fresh [`Ways`] scratch.
pub(crate) fn new_ways() -> Ways {
    vec![[[0.0; 3]; GROUP_BINS]; WAYS]
}

/// Adds gradient statistics into [`WAYS`] histogram copies in turn, then sums them into
/// `bins`: consecutive rows that fall in the same bin (sparse and one-hot features, where one
/// bin holds most rows) no longer wait for each other's additions.
fn build_ways<const UNIT_HESSIAN: bool>(
    codes: &[u8],
    n_codes: usize,
    rows: Rows,
    gh: &[[f64; 2]],
    ordered: &Ordered,
    ways: &mut Ways,
    bins: &mut [[f64; 3]; GROUP_BINS],
) {
    let Some([w0, w1, w2, w3]) = ways.get_mut(..WAYS) else {
        return;
    };
    for w in [&mut *w0, &mut *w1, &mut *w2, &mut *w3] {
        w[..n_codes].fill([0.0; 3]);
    }
    macro_rules! add {
        ($w:expr, $c:expr, $g:expr, $h:expr) => {{
            let e = &mut $w[$c as usize];
            e[0] += $g;
            if !UNIT_HESSIAN {
                e[1] += $h;
            }
            e[2] += 1.0;
        }};
    }
    match rows {
        Rows::All => {
            let (code_chunks, code_rest) = codes.as_chunks::<4>();
            let (gh_chunks, gh_rest) = gh.as_chunks::<4>();
            for (c, s) in code_chunks.iter().zip(gh_chunks) {
                add!(w0, c[0], s[0][0], s[0][1]);
                add!(w1, c[1], s[1][0], s[1][1]);
                add!(w2, c[2], s[2][0], s[2][1]);
                add!(w3, c[3], s[3][0], s[3][1]);
            }
            for (&c, &[g, h]) in code_rest.iter().zip(gh_rest) {
                add!(w0, c, g, h);
            }
        }
        Rows::List(rows) => {
            let (row_chunks, row_rest) = rows.as_chunks::<4>();
            let (gh_chunks, gh_rest) = ordered.gh.as_chunks::<4>();
            for (r, s) in row_chunks.iter().zip(gh_chunks) {
                add!(w0, code_of(codes, r[0]), s[0][0], s[0][1]);
                add!(w1, code_of(codes, r[1]), s[1][0], s[1][1]);
                add!(w2, code_of(codes, r[2]), s[2][0], s[2][1]);
                add!(w3, code_of(codes, r[3]), s[3][0], s[3][1]);
            }
            for (&r, &[g, h]) in row_rest.iter().zip(gh_rest) {
                add!(w0, code_of(codes, r), g, h);
            }
        }
    }
    for b in 0..n_codes {
        for j in 0..3 {
            bins[b][j] = (w0[b][j] + w1[b][j]) + (w2[b][j] + w3[b][j]);
        }
    }
}

/// Whether [`build_group`] spreads group `group` over [`WAYS`] copies for `n_rows` rows.
pub(crate) fn uses_ways(data: &BinnedData, group: usize, n_rows: usize) -> bool {
    let g = &data.groups[group];
    g.skewed && n_rows >= ROWS_PER_CODE_FOR_WAYS * g.n_codes
}

/// Adds gradient statistics of the rows into the histogram blocks of two groups in one pass
/// (each row's index and statistics are read once for both). Neither group may use
/// [`WAYS`] (see [`uses_ways`]); both blocks' first `n_codes` entries must be zeroed.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build_pair(
    data: &BinnedData,
    groups: (usize, usize),
    rows: Rows,
    gh: &[[f64; 2]],
    unit_hessian: bool,
    ordered: &Ordered,
    out_a: &mut [f64],
    out_b: &mut [f64],
) {
    if unit_hessian {
        pair::<true>(data, groups, rows, gh, ordered, out_a, out_b);
    } else {
        pair::<false>(data, groups, rows, gh, ordered, out_a, out_b);
    }
}

fn pair<const UNIT_HESSIAN: bool>(
    data: &BinnedData,
    (ga, gb): (usize, usize),
    rows: Rows,
    gh: &[[f64; 2]],
    ordered: &Ordered,
    out_a: &mut [f64],
    out_b: &mut [f64],
) {
    let (ca, cb) = (data.group_codes(ga), data.group_codes(gb));
    let (chunks_a, _) = out_a.as_chunks_mut::<3>();
    let (chunks_b, _) = out_b.as_chunks_mut::<3>();
    let (Ok(a), Ok(b)) = (
        <&mut [[f64; 3]; GROUP_BINS]>::try_from(chunks_a),
        <&mut [[f64; 3]; GROUP_BINS]>::try_from(chunks_b),
    ) else {
        return;
    };
    macro_rules! add {
        ($e:expr, $g:expr, $h:expr) => {{
            let e = $e;
            e[0] += $g;
            if !UNIT_HESSIAN {
                e[1] += $h;
            }
            e[2] += 1.0;
        }};
    }
    match rows {
        Rows::All => {
            for ((&x, &y), &[g, h]) in ca.iter().zip(cb).zip(gh) {
                add!(&mut a[x as usize], g, h);
                add!(&mut b[y as usize], g, h);
            }
        }
        Rows::List(rows) => {
            for (&r, &[g, h]) in rows.iter().zip(&ordered.gh) {
                add!(&mut a[code_of(ca, r) as usize], g, h);
                add!(&mut b[code_of(cb, r) as usize], g, h);
            }
        }
    }
    if UNIT_HESSIAN {
        for (bins, g) in [(a, ga), (b, gb)] {
            for e in bins.iter_mut().take(data.groups[g].n_codes) {
                e[1] = e[2];
            }
        }
    }
}

/// Adds the rows' statistics into `out`, the histogram block of group `group`
/// (`GROUP_BINS × stride` numbers), whose first `n_codes` entries the caller has zeroed.
/// Large leaves of a `skewed` group (one code holds many rows) with gradient statistics are
/// spread over the `ways` copies.
pub(crate) fn build_group(
    data: &BinnedData,
    group: usize,
    rows: Rows,
    stats: &RowStats,
    ordered: &Ordered,
    ways: &mut Ways,
    out: &mut [f64],
) {
    let codes = data.group_codes(group);
    let n_codes = data.groups[group].n_codes;
    match stats {
        RowStats::Gradients { gh, unit_hessian } => {
            let (chunks, _) = out.as_chunks_mut::<3>();
            let Ok(bins) = <&mut [[f64; 3]; GROUP_BINS]>::try_from(chunks) else {
                return;
            };
            let n_rows = match rows {
                Rows::All => codes.len(),
                Rows::List(r) => r.len(),
            };
            if uses_ways(data, group, n_rows) {
                if *unit_hessian {
                    build_ways::<true>(codes, n_codes, rows, gh, ordered, ways, bins);
                } else {
                    build_ways::<false>(codes, n_codes, rows, gh, ordered, ways, bins);
                }
            } else {
                match (rows, *unit_hessian) {
                    (Rows::All, false) => {
                        for (&c, &[g, h]) in codes.iter().zip(gh.iter()) {
                            let e = &mut bins[c as usize];
                            e[0] += g;
                            e[1] += h;
                            e[2] += 1.0;
                        }
                    }
                    (Rows::All, true) => {
                        for (&c, &[g, _]) in codes.iter().zip(gh.iter()) {
                            let e = &mut bins[c as usize];
                            e[0] += g;
                            e[2] += 1.0;
                        }
                    }
                    (Rows::List(rows), false) => {
                        for (&r, &[g, h]) in rows.iter().zip(ordered.gh.iter()) {
                            let e = &mut bins[code_of(codes, r) as usize];
                            e[0] += g;
                            e[1] += h;
                            e[2] += 1.0;
                        }
                    }
                    (Rows::List(rows), true) => {
                        for (&r, &[g, _]) in rows.iter().zip(ordered.gh.iter()) {
                            let e = &mut bins[code_of(codes, r) as usize];
                            e[0] += g;
                            e[2] += 1.0;
                        }
                    }
                }
            }
            if *unit_hessian {
                for e in bins.iter_mut().take(n_codes) {
                    e[1] = e[2];
                }
            }
        }
        RowStats::Classes { y, n_classes } => {
            let k = *n_classes;
            match rows {
                Rows::All => {
                    for (&c, &class) in codes.iter().zip(y.iter()) {
                        out[c as usize * k + class as usize] += 1.0;
                    }
                }
                Rows::List(rows) => {
                    for (&r, &class) in rows.iter().zip(ordered.c.iter()) {
                        out[code_of(codes, r) as usize * k + class as usize] += 1.0;
                    }
                }
            }
        }
    }
}

/// The sums of the rows' statistics (a node's totals).
pub(crate) fn totals(stats: &RowStats, rows: Rows) -> Vec<f64> {
    let mut sums = vec![0.0; stats.stride()];
    match (stats, rows) {
        (RowStats::Gradients { gh, .. }, Rows::All) => {
            for &[g, h] in gh.iter() {
                sums[0] += g;
                sums[1] += h;
            }
            sums[2] = gh.len() as f64;
        }
        (RowStats::Gradients { gh, .. }, Rows::List(rows)) => {
            for &r in rows {
                let [g, h] = gh[r as usize];
                sums[0] += g;
                sums[1] += h;
            }
            sums[2] = rows.len() as f64;
        }
        (RowStats::Classes { y, .. }, Rows::All) => {
            for &c in y.iter() {
                sums[c as usize] += 1.0;
            }
        }
        (RowStats::Classes { y, .. }, Rows::List(rows)) => {
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
