//! Histograms of row statistics by bin code (the search for the best split in them is in
//! `split.rs`).
//!
//! A histogram holds, for every code of every group, either gradient sums `(g, h, n)`
//! (boosting and forest regression) or one row count per class (forest classification, where
//! the gain is exactly the decrease in Gini impurity). It is built over a leaf's rows with the
//! row statistics gathered into contiguous arrays first, so the inner loop reads one code and
//! one contiguous statistic per row. A larger sibling is the parent minus the smaller one.

use super::binning::{BinnedData, FeatureBins, GROUP_BINS};

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
