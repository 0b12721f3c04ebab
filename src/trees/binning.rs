//! Quantizing the training rows once: each feature's values are cut into at most 255 value
//! bins at quantile edges learned on the training rows (a missing value, NaN, has its own bin
//! 0), and the bin codes are stored column-major as `u8`.
//!
//! Sparse, mutually exclusive features (one-hot columns above all) are bundled into one code
//! column, as LightGBM's exclusive feature bundling does: a row's code in a bundle says which
//! of its features is away from its most frequent bin, and at which bin. One histogram pass
//! over a bundle then serves every feature in it; each feature's most frequent bin is
//! recovered by subtraction from the node's totals.
//! Must not: look at the target, or at rows it was not given.

use crate::matrix::Matrix;

/// The most value bins a feature can have (bin codes are `u8`, and code 0 is "missing").
pub const MAX_BINS: usize = 255;

/// Most group codes a bundle may use (code 0, "every feature at its usual bin", included).
const MAX_BUNDLE_CODES: usize = 256;

/// Histogram entries reserved per group: every `u8` code has one, so a group's histogram is a
/// fixed-size array that a code indexes without a bounds check.
pub(crate) const GROUP_BINS: usize = 256;

/// Features examined together when transposing the row-major input.
const TRANSPOSE_BLOCK: usize = 16;

/// Cut points of one feature: value `v` falls in bin `1 + #{edges < v}`, NaN in bin 0.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BinMapper {
    /// Ascending cut points; at most `MAX_BINS - 1` of them.
    pub edges: Vec<f64>,
}

/// A value between `a` and `b` (`a < b`) that sends `a` left and `b` right under `v <= edge`.
fn cut_between(a: f64, b: f64) -> f64 {
    let m = a / 2.0 + b / 2.0;
    if m >= a && m < b {
        m
    } else {
        a
    }
}

impl BinMapper {
    /// Learns the cut points from `sorted`, the non-missing values in ascending order.
    /// With at most `max_bins` distinct values each gets its own bin (cut half-way between
    /// neighbours); otherwise bins hold roughly equal numbers of rows, and a value covering
    /// more than a bin's share gets a bin of its own.
    pub fn fit(sorted: &[f64], max_bins: usize) -> BinMapper {
        let max_bins = max_bins.clamp(1, MAX_BINS);
        let mut distinct: Vec<(f64, usize)> = Vec::new();
        for &v in sorted {
            match distinct.last_mut() {
                Some((last, count)) if *last == v => *count += 1,
                _ => distinct.push((v, 1)),
            }
        }
        let mut edges = Vec::new();
        if distinct.len() <= max_bins {
            for w in distinct.windows(2) {
                edges.push(cut_between(w[0].0, w[1].0));
            }
        } else {
            let mut remaining = sorted.len() as f64;
            let mut bins_left = max_bins as f64;
            let mut acc = 0.0;
            for i in 0..distinct.len() - 1 {
                if bins_left <= 1.0 {
                    break;
                }
                acc += distinct[i].1 as f64;
                let target = remaining / bins_left;
                if acc + distinct[i + 1].1 as f64 / 2.0 >= target {
                    edges.push(cut_between(distinct[i].0, distinct[i + 1].0));
                    remaining -= acc;
                    bins_left -= 1.0;
                    acc = 0.0;
                }
            }
        }
        BinMapper { edges }
    }

    /// Number of value bins (codes `1..=n_bins`).
    pub fn n_bins(&self) -> usize {
        self.edges.len() + 1
    }

    /// The bin code of `v`.
    pub fn bin(&self, v: f64) -> u8 {
        if v.is_nan() {
            0
        } else {
            (1 + self.edges.partition_point(|&e| e < v)) as u8
        }
    }

    /// The raw-value threshold of a split sending value bins `1..=t` left: `v <= threshold`.
    /// The last bin's upper edge is `f64::MAX` (every finite value goes left).
    pub fn threshold(&self, t: usize) -> f64 {
        t.checked_sub(1)
            .and_then(|i| self.edges.get(i))
            .copied()
            .unwrap_or(f64::MAX)
    }
}

/// Where a bundled feature's bins sit in its group's codes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bundled {
    /// The feature's most frequent bin: the bin of every row whose group code is outside
    /// `first_code..first_code + bins.len()`.
    pub default_bin: u8,
    /// Group code of `bins[0]`.
    pub first_code: usize,
    /// The feature's other bins that occur in the training rows, ascending.
    pub bins: Vec<u8>,
}

/// One feature of the binned data.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FeatureBins {
    /// Cut points.
    pub mapper: BinMapper,
    /// The code column holding this feature.
    pub group: usize,
    /// Whether any training row is missing this feature.
    pub has_missing: bool,
    /// `Some` when the feature shares its group with others.
    pub bundle: Option<Bundled>,
}

impl FeatureBins {
    /// The feature's bin for group code `code`.
    pub fn decode(&self, code: usize) -> u8 {
        match &self.bundle {
            None => code as u8,
            Some(b) => match code.checked_sub(b.first_code) {
                Some(i) if i < b.bins.len() => b.bins[i],
                _ => b.default_bin,
            },
        }
    }
}

/// One column of codes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Group {
    /// Distinct codes the column may hold (`0..n_codes`).
    pub n_codes: usize,
    /// Position of code 0 in a histogram, in bins (`group × GROUP_BINS`).
    pub hist_offset: usize,
    /// The features coded in this column, ascending.
    pub features: Vec<usize>,
    /// Whether one code holds at least `SKEWED_SHARE` of the rows (see `histogram::build_group`).
    pub skewed: bool,
}

/// Share of the rows one code must hold for its group to count as skewed.
const SKEWED_SHARE: f64 = 0.4;

/// Whether one code holds at least `SKEWED_SHARE` of `codes`.
fn is_skewed(codes: &[u8]) -> bool {
    let mut counts = [0usize; 256];
    for &c in codes {
        counts[c as usize] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0);
    top as f64 >= SKEWED_SHARE * codes.len() as f64
}

/// The training rows, binned.
#[derive(Debug, Clone)]
pub(crate) struct BinnedData {
    /// Rows (positions `0..n_rows`, in the order they were given).
    pub n_rows: usize,
    /// Per feature: bins and where they are stored.
    pub features: Vec<FeatureBins>,
    /// Code columns.
    pub groups: Vec<Group>,
    /// `codes[g * n_rows + i]`: code of row `i` in group `g`.
    pub codes: Vec<u8>,
    /// Bins in a full histogram (`GROUP_BINS` per group).
    pub total_codes: usize,
}

impl BinnedData {
    /// Learns the bins of every column of `x` from `rows` and codes those rows; the binned
    /// row `i` is `x`'s row `rows[i]`. `bundle` allows exclusive feature bundling.
    pub fn new(x: &Matrix, rows: &[usize], max_bins: usize, bundle: bool) -> BinnedData {
        let n = rows.len();
        let p = x.cols;
        let mut mappers = Vec::with_capacity(p);
        let mut has_missing = Vec::with_capacity(p);
        let mut bin_codes: Vec<Vec<u8>> = Vec::with_capacity(p);
        let mut counts: Vec<Vec<usize>> = Vec::with_capacity(p);
        let mut block = vec![0.0; n * TRANSPOSE_BLOCK.min(p.max(1))];
        let mut sorted = Vec::with_capacity(n);
        for start in (0..p).step_by(TRANSPOSE_BLOCK) {
            let width = TRANSPOSE_BLOCK.min(p - start);
            for (i, &r) in rows.iter().enumerate() {
                let src = &x.data[r * p + start..r * p + start + width];
                for (j, &v) in src.iter().enumerate() {
                    block[j * n + i] = v;
                }
            }
            for j in 0..width {
                let column = &block[j * n..(j + 1) * n];
                sorted.clear();
                sorted.extend(column.iter().copied().filter(|v| !v.is_nan()));
                sorted.sort_unstable_by(f64::total_cmp);
                let mapper = BinMapper::fit(&sorted, max_bins);
                has_missing.push(sorted.len() < n);
                let feature_codes: Vec<u8> = column.iter().map(|&v| mapper.bin(v)).collect();
                counts.push(bin_counts(&feature_codes, mapper.n_bins()));
                bin_codes.push(feature_codes);
                mappers.push(mapper);
            }
        }
        let plan = if bundle {
            plan_bundles(&counts, &bin_codes, n)
        } else {
            (0..p).map(|f| vec![f]).collect()
        };
        let mut features: Vec<FeatureBins> = mappers
            .into_iter()
            .zip(has_missing)
            .map(|(mapper, has_missing)| FeatureBins {
                mapper,
                group: 0,
                has_missing,
                bundle: None,
            })
            .collect();
        let mut groups = Vec::with_capacity(plan.len());
        let mut codes = Vec::with_capacity(plan.len() * n);
        let mut hist_offset = 0;
        for (g, members) in plan.into_iter().enumerate() {
            if let [f] = members[..] {
                features[f].group = g;
                let n_codes = features[f].mapper.n_bins() + 1;
                codes.extend_from_slice(&bin_codes[f]);
                groups.push(Group {
                    n_codes,
                    hist_offset,
                    features: members,
                    skewed: counts[f]
                        .iter()
                        .any(|&c| c as f64 >= SKEWED_SHARE * n as f64),
                });
                hist_offset += GROUP_BINS;
                continue;
            }
            let start = codes.len();
            codes.resize(start + n, 0);
            let column = &mut codes[start..];
            let mut next_code = 1;
            for &f in &members {
                let counts = &counts[f];
                let default_bin = most_frequent(counts);
                let bins: Vec<u8> = (0..counts.len())
                    .filter(|&b| b != default_bin as usize && counts[b] > 0)
                    .map(|b| b as u8)
                    .collect();
                let mut code_of = [0u8; 256];
                for (k, &b) in bins.iter().enumerate() {
                    code_of[b as usize] = (next_code + k) as u8;
                }
                for (c, &b) in column.iter_mut().zip(&bin_codes[f]) {
                    if b != default_bin {
                        *c = code_of[b as usize];
                    }
                }
                features[f].group = g;
                features[f].bundle = Some(Bundled {
                    default_bin,
                    first_code: next_code,
                    bins: bins.clone(),
                });
                next_code += bins.len();
            }
            let skewed = is_skewed(&codes[start..]);
            groups.push(Group {
                n_codes: next_code,
                hist_offset,
                features: members,
                skewed,
            });
            hist_offset += GROUP_BINS;
        }
        BinnedData {
            n_rows: n,
            features,
            groups,
            codes,
            total_codes: hist_offset,
        }
    }

    /// The codes of group `g`, one per row.
    pub fn group_codes(&self, g: usize) -> &[u8] {
        &self.codes[g * self.n_rows..(g + 1) * self.n_rows]
    }
}

fn bin_counts(codes: &[u8], n_bins: usize) -> Vec<usize> {
    let mut counts = vec![0usize; 256];
    for &c in codes {
        counts[c as usize] += 1;
    }
    counts.truncate(n_bins + 1);
    counts
}

/// The most frequent value bin (the lowest on ties); bin 1 when there are no values.
fn most_frequent(counts: &[usize]) -> u8 {
    let mut best = 1;
    for b in 1..counts.len() {
        if counts[b] > counts[best] {
            best = b;
        }
    }
    best as u8
}

/// Groups features: sparse features (at most half the rows away from their most frequent
/// bin) that never leave it on the same row share a code column while their codes fit in a
/// byte. Greedy, densest first, as in LightGBM; every other feature keeps its own column.
/// Groups are returned in order of their first feature.
fn plan_bundles(counts: &[Vec<usize>], bin_codes: &[Vec<u8>], n: usize) -> Vec<Vec<usize>> {
    struct Bundle {
        members: Vec<usize>,
        codes_used: usize,
        occupied: Vec<u64>,
    }
    let p = counts.len();
    let mut candidates: Vec<(usize, Vec<u32>, usize)> = Vec::new();
    let mut alone: Vec<usize> = Vec::new();
    for f in 0..p {
        let counts = &counts[f];
        let default_bin = most_frequent(counts);
        let nnz = n - counts[default_bin as usize];
        let codes_needed = counts
            .iter()
            .enumerate()
            .filter(|&(b, &c)| c > 0 && b != default_bin as usize)
            .count();
        if nnz * 2 <= n && codes_needed < MAX_BUNDLE_CODES / 2 && nnz > 0 {
            let rows: Vec<u32> = (0..n)
                .filter(|&i| bin_codes[f][i] != default_bin)
                .map(|i| i as u32)
                .collect();
            candidates.push((f, rows, codes_needed));
        } else {
            alone.push(f);
        }
    }
    crate::sort::sort_by(&mut candidates, |a, b| {
        b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0))
    });
    let mut bundles: Vec<Bundle> = Vec::new();
    for (f, rows, codes_needed) in candidates {
        let fits = |b: &Bundle| {
            b.codes_used + codes_needed <= MAX_BUNDLE_CODES
                && rows
                    .iter()
                    .all(|&r| b.occupied[r as usize / 64] & (1 << (r % 64)) == 0)
        };
        let chosen = match bundles.iter().position(fits) {
            Some(i) => i,
            None => {
                bundles.push(Bundle {
                    members: Vec::new(),
                    codes_used: 1,
                    occupied: vec![0; n.div_ceil(64)],
                });
                bundles.len() - 1
            }
        };
        let b = &mut bundles[chosen];
        for &r in &rows {
            b.occupied[r as usize / 64] |= 1 << (r % 64);
        }
        b.members.push(f);
        b.codes_used += codes_needed;
    }
    let mut plan: Vec<Vec<usize>> = alone.into_iter().map(|f| vec![f]).collect();
    for mut b in bundles {
        b.members.sort_unstable();
        plan.push(b.members);
    }
    crate::sort::sort_by_key(&mut plan, |members| members[0]);
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_distinct_values_get_one_bin_each_with_midpoint_edges() {
        let m = BinMapper::fit(&[1.0, 1.0, 2.0, 4.0], 255);
        assert_eq!(m.edges, [1.5, 3.0]);
        assert_eq!(
            [m.bin(0.0), m.bin(1.0), m.bin(1.5), m.bin(2.0), m.bin(9.0)],
            [1, 1, 1, 2, 3]
        );
        assert_eq!(m.bin(f64::NAN), 0);
        assert_eq!((m.threshold(1), m.threshold(3)), (1.5, f64::MAX));
    }

    #[test]
    fn many_values_are_cut_at_quantiles_and_heavy_values_keep_a_bin() {
        let values: Vec<f64> = (0..1000).map(f64::from).collect();
        let m = BinMapper::fit(&values, 4);
        assert_eq!(m.edges, [249.5, 499.5, 749.5]);
        // 600 copies of 0 then 400 distinct values: 0 alone, the rest split evenly
        let mut skewed = vec![0.0; 600];
        skewed.extend((1..=400).map(f64::from));
        let m = BinMapper::fit(&skewed, 3);
        assert_eq!(m.edges, [0.5, 200.5]);
    }

    #[test]
    fn one_hot_columns_are_bundled_and_decode_back() {
        // three one-hot columns of one category, and a dense numeric column
        let mut data = Vec::new();
        for i in 0..12 {
            let level = i % 4; // level 3 is "all zeros"
            for l in 0..3 {
                data.push(if level == l { 1.0 } else { 0.0 });
            }
            data.push(i as f64);
        }
        let x = Matrix {
            rows: 12,
            cols: 4,
            data,
        };
        let rows: Vec<usize> = (0..12).collect();
        let b = BinnedData::new(&x, &rows, 255, true);
        assert_eq!(b.groups.len(), 2);
        assert_eq!(b.groups[0].features, [0, 1, 2]);
        assert_eq!(b.groups[0].n_codes, 4);
        assert_eq!(b.groups[1].features, [3]);
        assert_eq!(b.total_codes, 2 * GROUP_BINS);
        for i in 0..12 {
            let code = b.group_codes(0)[i] as usize;
            for f in 0..3 {
                assert_eq!(
                    b.features[f].decode(code),
                    b.features[f].mapper.bin(x.row(i)[f])
                );
            }
            assert_eq!(b.group_codes(1)[i], b.features[3].mapper.bin(i as f64));
        }
        let unbundled = BinnedData::new(&x, &rows, 255, false);
        assert_eq!(unbundled.groups.len(), 4);
    }
}
