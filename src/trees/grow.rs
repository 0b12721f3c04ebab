//! The histogram learner that grows a [`Tree`] leaf-wise on binned rows.
//!
//! Growth: the leaf with the largest gain is split next until `max_leaves` (with no leaf
//! limit, leaves are split depth-first, which keeps few histograms alive). Each leaf keeps its
//! histogram in a pool slot; when it is split only the smaller child is built from its rows and
//! the larger is the parent minus the smaller (the subtraction trick). With features sampled
//! per node (random forests) each child's sampled features are built directly instead.

use super::binning::{BinnedData, GROUP_BINS};
use super::histogram::{
    build_group, build_pair, count, feature_hist, new_ways, score, totals, uses_ways, Ordered,
    RowStats, Rows, SplitRules, Ways,
};

use crate::rng::Rng;

use super::split::{search_feature, Candidate};
use super::tree::Tree;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Most bytes of histograms kept alive while a tree grows; past it, a leaf's histogram is
/// dropped after its split is found and its children are built directly.
const MAX_POOL_BYTES: usize = 256 << 20;

/// How a tree grows.
#[derive(Debug, Clone)]
pub(crate) struct GrowConfig {
    /// Most leaves (`usize::MAX`: no limit, grown depth-first).
    pub max_leaves: usize,
    /// Deepest split level (`usize::MAX`: no limit).
    pub max_depth: usize,
    /// What a split must satisfy.
    pub rules: SplitRules,
    /// `Some(m)`: each node considers `m` features drawn from the tree's.
    pub features_per_node: Option<usize>,
    /// Extra trees: one random threshold per feature and node.
    pub random_thresholds: bool,
}

/// A leaf of a grown tree: its rows are `Learner::leaf_rows`, its statistics' sums `sums`.
#[derive(Debug, Clone)]
pub(crate) struct LeafOut {
    /// First position in the learner's row order.
    pub begin: usize,
    /// Rows.
    pub len: usize,
    /// Sums of the rows' statistics.
    pub sums: Vec<f64>,
}

/// A grown tree (values not set yet) and its leaves.
#[derive(Debug)]
pub(crate) struct Grown {
    /// The tree; `set_values` must be called.
    pub tree: Tree,
    /// Leaves, by leaf index.
    pub leaves: Vec<LeafOut>,
}

struct Leaf {
    begin: usize,
    len: usize,
    depth: usize,
    sums: Vec<f64>,
    parent: Option<(usize, bool)>,
    best: Option<Candidate>,
    slot: Option<usize>,
}

#[derive(PartialEq)]
struct Queued {
    gain: f64,
    leaf: usize,
}

impl Eq for Queued {}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        self.gain
            .total_cmp(&other.gain)
            .then_with(|| other.leaf.cmp(&self.leaf))
    }
}

/// Moves the rows of `seg` whose code `lut` sends left to its front, the others after them,
/// both in their original order (branch-free: each row is written to both sides and only the
/// matching side's cursor moves). Returns the number sent left. Every row must be below
/// `codes.len()`.
fn partition(codes: &[u8], lut: &[bool; 256], seg: &mut [u32], right: &mut Vec<u32>) -> usize {
    right.clear();
    right.resize(seg.len() + 1, 0);
    let (mut n_left, mut n_right) = (0, 0);
    for i in 0..seg.len() {
        let r = seg[i];
        debug_assert!((r as usize) < codes.len());
        // SAFETY: every row index the learner hands out is below the row count (see `grow`).
        let go_left = lut[unsafe { *codes.get_unchecked(r as usize) } as usize];
        seg[n_left] = r;
        right[n_right] = r;
        n_left += usize::from(go_left);
        n_right += usize::from(!go_left);
    }
    seg[n_left..].copy_from_slice(&right[..n_right]);
    n_left
}

/// Most rows of a leaf searched from its rows directly (only the bins they occupy, sorted)
/// instead of through a histogram; see `small_leaf_rows`.
const SMALL_LEAF: usize = 64;

/// The largest leaf searched from its rows: a histogram costs about the codes of its groups to
/// clear and scan, the rows about a few operations per row and feature, so rows win below a
/// quarter of the mean codes per group (up to [`SMALL_LEAF`]).
fn small_leaf_rows(data: &BinnedData) -> usize {
    let codes: usize = data.groups.iter().map(|g| g.n_codes).sum();
    (codes / data.groups.len().max(1) / 4).min(SMALL_LEAF)
}

/// The groups holding `features`, ascending and once each (`seen`: one `false` per group,
/// left all `false`).
fn collect_groups(data: &BinnedData, features: &[usize], seen: &mut [bool], out: &mut Vec<usize>) {
    out.clear();
    for &f in features {
        let g = data.features[f].group;
        if let Some(s) = seen.get_mut(g) {
            if !*s {
                *s = true;
                out.push(g);
            }
        }
    }
    for &g in out.iter() {
        seen[g] = false;
    }
    out.sort_unstable();
}

/// Reusable buffers for growing trees on one binned data set.
#[derive(Debug)]
pub(crate) struct Learner {
    indices: Vec<u32>,
    right_rows: Vec<u32>,
    ordered: Ordered,
    ways: Ways,
    slots: Vec<Vec<f64>>,
    free_slots: Vec<usize>,
    max_slots: usize,
    scratch: Vec<f64>,
    feature_scratch: Vec<f64>,
    acc: Vec<f64>,
    groups: Vec<usize>,
    group_seen: Vec<bool>,
    node_features: Vec<usize>,
    small_hist: Vec<f64>,
    small_seen: Vec<bool>,
    small_bins: Vec<u8>,
    small_leaf: usize,
    stride: usize,
}

/// Which histogram a leaf's split search reads.
#[derive(Clone, Copy)]
enum Source {
    Slot(usize),
    Scratch,
}

impl Learner {
    /// Buffers for `data` with histogram entries of `stride` numbers.
    pub fn new(data: &BinnedData, stride: usize) -> Learner {
        let hist_bytes = (data.total_codes * stride * 8).max(1);
        Learner {
            indices: Vec::new(),
            right_rows: Vec::new(),
            ordered: Ordered::default(),
            ways: new_ways(),
            slots: Vec::new(),
            free_slots: Vec::new(),
            max_slots: (MAX_POOL_BYTES / hist_bytes).max(2),
            scratch: vec![0.0; data.total_codes * stride],
            feature_scratch: Vec::new(),
            acc: Vec::new(),
            groups: Vec::new(),
            group_seen: vec![false; data.groups.len()],
            node_features: Vec::new(),
            small_hist: vec![0.0; GROUP_BINS * stride],
            small_seen: vec![false; GROUP_BINS],
            small_bins: Vec::new(),
            small_leaf: small_leaf_rows(data),
            stride,
        }
    }

    /// The rows of a leaf of the last grown tree.
    pub fn leaf_rows(&self, leaf: &LeafOut) -> &[u32] {
        &self.indices[leaf.begin..leaf.begin + leaf.len]
    }

    fn alloc_slot(&mut self, size: usize) -> Option<usize> {
        if let Some(s) = self.free_slots.pop() {
            return Some(s);
        }
        if self.slots.len() < self.max_slots {
            self.slots.push(vec![0.0; size]);
            return Some(self.slots.len() - 1);
        }
        None
    }

    /// Grows one tree on `sample` (rows of `data`, ascending, repeats allowed; `None`: every
    /// row once) using the features `features` (ascending).
    pub fn grow(
        &mut self,
        data: &BinnedData,
        stats: &RowStats,
        sample: Option<&[u32]>,
        features: &[usize],
        cfg: &GrowConfig,
        rng: &mut Rng,
    ) -> Grown {
        let stride = self.stride;
        let hist_len = data.total_codes * stride;
        self.free_slots.clear();
        self.free_slots.extend((0..self.slots.len()).rev());
        self.indices.clear();
        match sample {
            // rows beyond the data cannot come from this crate's callers; dropping them keeps
            // the invariant the histogram and partition loops rely on (every row < n_rows)
            Some(rows) => self
                .indices
                .extend(rows.iter().copied().filter(|&r| (r as usize) < data.n_rows)),
            None => self.indices.extend(0..data.n_rows as u32),
        }
        let per_node = cfg.features_per_node.filter(|&m| m < features.len());
        // groups holding the tree's features, for the subtraction mode
        collect_groups(data, features, &mut self.group_seen, &mut self.groups);

        let root_rows = if sample.is_none() {
            Rows::All
        } else {
            Rows::List(&self.indices)
        };
        let root_sums = totals(stats, root_rows);
        let mut leaves = vec![Leaf {
            begin: 0,
            len: self.indices.len(),
            depth: 0,
            sums: root_sums,
            parent: None,
            best: None,
            slot: None,
        }];
        let mut tree = Tree::constant(Vec::new(), 0);
        let mut heap = BinaryHeap::new();
        let mut stack = Vec::new();
        let depth_first = cfg.max_leaves == usize::MAX;
        if self.can_split(stats, &leaves[0], cfg) && leaves[0].len <= self.small_leaf {
            leaves[0].best =
                self.search_small(data, stats, &leaves[0], features, per_node, cfg, rng);
        } else if self.can_split(stats, &leaves[0], cfg) {
            let slot = if per_node.is_none() {
                self.alloc_slot(hist_len)
            } else {
                None
            };
            let best = self.build_and_search(
                data,
                stats,
                &leaves[0],
                sample.is_none(),
                slot,
                features,
                per_node,
                cfg,
                rng,
            );
            leaves[0].slot = slot;
            leaves[0].best = best;
        }
        let enqueue =
            |leaves: &[Leaf], l: usize, heap: &mut BinaryHeap<Queued>, stack: &mut Vec<usize>| {
                if let Some(b) = &leaves[l].best {
                    if depth_first {
                        stack.push(l);
                    } else {
                        heap.push(Queued {
                            gain: b.gain,
                            leaf: l,
                        });
                    }
                }
            };
        enqueue(&leaves, 0, &mut heap, &mut stack);

        while leaves.len() < cfg.max_leaves {
            let next = if depth_first {
                stack.pop()
            } else {
                heap.pop().map(|q| q.leaf)
            };
            let Some(l) = next else { break };
            let Some(split) = leaves[l].best.take() else {
                continue;
            };
            let f = split.feature;
            let fb = &data.features[f];
            let node = tree.feature.len();
            tree.feature.push(f as u32);
            tree.threshold.push(fb.mapper.threshold(split.bin as usize));
            tree.missing_left.push(split.missing_left);
            tree.children.push([!(l as i32), !(leaves.len() as i32)]);
            tree.gain.push(split.gain);
            if let Some((p, is_left)) = leaves[l].parent {
                tree.children[p][usize::from(!is_left)] = node as i32;
            }
            // partition the leaf's rows, stably
            let mut lut = [false; 256];
            let group = &data.groups[fb.group];
            for (code, slot) in lut.iter_mut().enumerate().take(group.n_codes) {
                let b = fb.decode(code);
                *slot = if b == 0 {
                    split.missing_left
                } else {
                    b <= split.bin
                };
            }
            let codes = data.group_codes(fb.group);
            let (begin, len) = (leaves[l].begin, leaves[l].len);
            let n_left = partition(
                codes,
                &lut,
                &mut self.indices[begin..begin + len],
                &mut self.right_rows,
            );

            let right_sums: Vec<f64> = leaves[l]
                .sums
                .iter()
                .zip(&split.left)
                .map(|(p, c)| p - c)
                .collect();
            let depth = leaves[l].depth + 1;
            let parent_slot = leaves[l].slot.take();
            leaves[l] = Leaf {
                begin,
                len: n_left,
                depth,
                sums: split.left,
                parent: Some((node, true)),
                best: None,
                slot: None,
            };
            let r = leaves.len();
            leaves.push(Leaf {
                begin: begin + n_left,
                len: len - n_left,
                depth,
                sums: right_sums,
                parent: Some((node, false)),
                best: None,
                slot: None,
            });
            self.children(
                data,
                stats,
                &mut leaves,
                (l, r),
                parent_slot,
                features,
                per_node,
                cfg,
                rng,
            );
            enqueue(&leaves, l, &mut heap, &mut stack);
            enqueue(&leaves, r, &mut heap, &mut stack);
        }
        for leaf in &mut leaves {
            if let Some(s) = leaf.slot.take() {
                self.free_slots.push(s);
            }
        }
        Grown {
            tree,
            leaves: leaves
                .into_iter()
                .map(|leaf| LeafOut {
                    begin: leaf.begin,
                    len: leaf.len,
                    sums: leaf.sums,
                })
                .collect(),
        }
    }

    fn can_split(&self, stats: &RowStats, leaf: &Leaf, cfg: &GrowConfig) -> bool {
        let n = leaf.len as f64;
        if leaf.depth >= cfg.max_depth
            || leaf.len < 2
            || n < 2.0 * cfg.rules.min_samples_leaf
            || count(stats, &leaf.sums) < 2.0 * cfg.rules.min_child_weight
        {
            return false;
        }
        match stats {
            RowStats::Gradients { .. } => leaf.sums[1] >= 2.0 * cfg.rules.min_child_weight,
            // a pure node cannot be improved
            RowStats::Classes { .. } => leaf.sums.iter().all(|&c| c < n),
        }
    }

    /// Finds the children's splits after leaf `parent_slot`'s owner was split into `l`, `r`.
    #[allow(clippy::too_many_arguments)]
    fn children(
        &mut self,
        data: &BinnedData,
        stats: &RowStats,
        leaves: &mut [Leaf],
        (l, r): (usize, usize),
        parent_slot: Option<usize>,
        features: &[usize],
        per_node: Option<usize>,
        cfg: &GrowConfig,
        rng: &mut Rng,
    ) {
        let hist_len = data.total_codes * self.stride;
        let split_l = self.can_split(stats, &leaves[l], cfg);
        let split_r = self.can_split(stats, &leaves[r], cfg);
        // children that need a histogram (small leaves are searched from their rows)
        let can_l = split_l && leaves[l].len > self.small_leaf;
        let can_r = split_r && leaves[r].len > self.small_leaf;
        let (small, large) = if leaves[l].len <= leaves[r].len {
            (l, r)
        } else {
            (r, l)
        };
        let (can_small, can_large) = if small == l {
            (can_l, can_r)
        } else {
            (can_r, can_l)
        };
        match parent_slot {
            Some(ps) if can_large => {
                // build the smaller child, the larger is the parent minus it
                let target = if can_small {
                    self.alloc_slot(hist_len)
                } else {
                    None
                };
                self.build(data, stats, &leaves[small], target);
                let mut parent = std::mem::take(&mut self.slots[ps]);
                {
                    let small_hist = match target {
                        Some(s) => &self.slots[s],
                        None => &self.scratch,
                    };
                    for &g in &self.groups {
                        let grp = &data.groups[g];
                        let range = grp.hist_offset * self.stride
                            ..(grp.hist_offset + grp.n_codes) * self.stride;
                        for (p, s) in parent[range.clone()].iter_mut().zip(&small_hist[range]) {
                            *p -= s;
                        }
                    }
                }
                self.slots[ps] = parent;
                if can_small {
                    let src = target.map_or(Source::Scratch, Source::Slot);
                    leaves[small].best =
                        self.search_with(data, stats, &leaves[small], src, features, rng, cfg);
                    leaves[small].slot = target;
                }
                let src = Source::Slot(ps);
                leaves[large].best =
                    self.search_with(data, stats, &leaves[large], src, features, rng, cfg);
                leaves[large].slot = Some(ps);
            }
            Some(ps) if can_small => {
                self.build(data, stats, &leaves[small], Some(ps));
                let src = Source::Slot(ps);
                leaves[small].best =
                    self.search_with(data, stats, &leaves[small], src, features, rng, cfg);
                leaves[small].slot = Some(ps);
            }
            _ => {
                if let Some(ps) = parent_slot {
                    self.free_slots.push(ps);
                }
                for (child, can) in [(l, can_l), (r, can_r)] {
                    if !can {
                        continue;
                    }
                    let slot = if per_node.is_none() {
                        self.alloc_slot(hist_len)
                    } else {
                        None
                    };
                    let best = self.build_and_search(
                        data,
                        stats,
                        &leaves[child],
                        false,
                        slot,
                        features,
                        per_node,
                        cfg,
                        rng,
                    );
                    leaves[child].best = best;
                    leaves[child].slot = slot;
                }
            }
        }
        for (child, split, hist) in [(l, split_l, can_l), (r, split_r, can_r)] {
            if split && !hist {
                leaves[child].best =
                    self.search_small(data, stats, &leaves[child], features, per_node, cfg, rng);
            }
        }
    }

    /// Draws a node's features (all of `features` without `per_node`) into
    /// `self.node_features`.
    fn draw_node_features(&mut self, features: &[usize], per_node: Option<usize>, rng: &mut Rng) {
        let node_features = &mut self.node_features;
        node_features.clear();
        node_features.extend_from_slice(features);
        if let Some(m) = per_node {
            for i in 0..m {
                let j = i + rng.below(node_features.len() - i);
                node_features.swap(i, j);
            }
            node_features.truncate(m);
            node_features.sort_unstable();
        }
    }

    /// Finds a small leaf's split from its rows: for each feature, the statistics of the bins
    /// its rows occupy, scanned in bin order (the same splits a full histogram gives).
    #[allow(clippy::too_many_arguments)]
    fn search_small(
        &mut self,
        data: &BinnedData,
        stats: &RowStats,
        leaf: &Leaf,
        features: &[usize],
        per_node: Option<usize>,
        cfg: &GrowConfig,
        rng: &mut Rng,
    ) -> Option<Candidate> {
        self.draw_node_features(features, per_node, rng);
        let node_features = std::mem::take(&mut self.node_features);
        let mut hist = std::mem::take(&mut self.small_hist);
        let mut bins = std::mem::take(&mut self.small_bins);
        let stride = self.stride;
        let rows = &self.indices[leaf.begin..leaf.begin + leaf.len];
        let parent = score(stats, &leaf.sums, cfg.rules.lambda);
        let mut best = Candidate::none(cfg.rules.min_split_gain, stride);
        for &f in &node_features {
            let fb = &data.features[f];
            let codes = data.group_codes(fb.group);
            bins.clear();
            for &r in rows {
                let b = fb.decode(codes[r as usize] as usize) as usize;
                if !self.small_seen[b] {
                    self.small_seen[b] = true;
                    bins.push(b as u8);
                }
                let e = &mut hist[b * stride..(b + 1) * stride];
                match stats {
                    RowStats::Gradients { gh, .. } => {
                        let [g, h] = gh[r as usize];
                        e[0] += g;
                        e[1] += h;
                        e[2] += 1.0;
                    }
                    RowStats::Classes { y, .. } => e[y[r as usize] as usize] += 1.0,
                }
            }
            bins.sort_unstable();
            let random = if cfg.random_thresholds {
                Some(&mut *rng)
            } else {
                None
            };
            search_feature(
                stats,
                data,
                f,
                &hist,
                Some(&bins),
                &leaf.sums,
                parent,
                &cfg.rules,
                random,
                &mut self.acc,
                &mut best,
            );
            for &b in &bins {
                let b = b as usize;
                hist[b * stride..(b + 1) * stride].fill(0.0);
                self.small_seen[b] = false;
            }
        }
        self.small_hist = hist;
        self.small_bins = bins;
        self.node_features = node_features;
        best.found().then_some(best)
    }

    /// Builds a leaf's histogram (into `slot`, or the scratch buffer) and finds its split.
    /// With `per_node`, the leaf's features are drawn first and only their groups are built.
    #[allow(clippy::too_many_arguments)]
    fn build_and_search(
        &mut self,
        data: &BinnedData,
        stats: &RowStats,
        leaf: &Leaf,
        all_rows: bool,
        slot: Option<usize>,
        features: &[usize],
        per_node: Option<usize>,
        cfg: &GrowConfig,
        rng: &mut Rng,
    ) -> Option<Candidate> {
        let mut tree_groups = Vec::new();
        self.draw_node_features(features, per_node, rng);
        let node_features = std::mem::take(&mut self.node_features);
        if per_node.is_some() {
            tree_groups = std::mem::take(&mut self.groups);
            collect_groups(data, &node_features, &mut self.group_seen, &mut self.groups);
        }
        if all_rows {
            self.build_rows(data, stats, Rows::All, slot);
        } else {
            self.build(data, stats, leaf, slot);
        }
        let src = slot.map_or(Source::Scratch, Source::Slot);
        let best = self.search_with(data, stats, leaf, src, &node_features, rng, cfg);
        if per_node.is_some() {
            self.groups = tree_groups;
        }
        self.node_features = node_features;
        best
    }

    fn build(&mut self, data: &BinnedData, stats: &RowStats, leaf: &Leaf, slot: Option<usize>) {
        let rows = std::mem::take(&mut self.indices);
        self.build_rows(
            data,
            stats,
            Rows::List(&rows[leaf.begin..leaf.begin + leaf.len]),
            slot,
        );
        self.indices = rows;
    }

    fn build_rows(&mut self, data: &BinnedData, stats: &RowStats, rows: Rows, slot: Option<usize>) {
        if let Rows::List(list) = rows {
            self.ordered.gather(stats, list);
        }
        let out = match slot {
            Some(s) => &mut self.slots[s],
            None => &mut self.scratch,
        };
        let stride = self.stride;
        let n_rows = match rows {
            Rows::All => data.n_rows,
            Rows::List(list) => list.len(),
        };
        // gradient groups without the 4-way build are built two per pass over the rows
        let mut pending: Option<usize> = None;
        for &g in &self.groups {
            let grp = &data.groups[g];
            let start = grp.hist_offset * stride;
            out[start..start + grp.n_codes * stride].fill(0.0);
            match stats {
                RowStats::Gradients { gh, unit_hessian } if !uses_ways(data, g, n_rows) => {
                    let Some(first) = pending.take() else {
                        pending = Some(g);
                        continue;
                    };
                    // groups are ascending, so `first`'s block lies before `g`'s
                    let first_start = data.groups[first].hist_offset * stride;
                    let (lo, hi) = out.split_at_mut(start);
                    build_pair(
                        data,
                        (first, g),
                        rows,
                        gh,
                        *unit_hessian,
                        &self.ordered,
                        &mut lo[first_start..first_start + GROUP_BINS * stride],
                        &mut hi[..GROUP_BINS * stride],
                    );
                }
                _ => {
                    let block = &mut out[start..start + GROUP_BINS * stride];
                    build_group(data, g, rows, stats, &self.ordered, &mut self.ways, block);
                }
            }
        }
        if let Some(g) = pending {
            let start = data.groups[g].hist_offset * stride;
            let block = &mut out[start..start + GROUP_BINS * stride];
            build_group(data, g, rows, stats, &self.ordered, &mut self.ways, block);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn search_with(
        &mut self,
        data: &BinnedData,
        stats: &RowStats,
        leaf: &Leaf,
        src: Source,
        features: &[usize],
        rng: &mut Rng,
        cfg: &GrowConfig,
    ) -> Option<Candidate> {
        let hist = match src {
            Source::Slot(s) => std::mem::take(&mut self.slots[s]),
            Source::Scratch => std::mem::take(&mut self.scratch),
        };
        let parent = score(stats, &leaf.sums, cfg.rules.lambda);
        let mut best = Candidate::none(cfg.rules.min_split_gain, self.stride);
        let mut feature_scratch = std::mem::take(&mut self.feature_scratch);
        for &f in features {
            let fh = feature_hist(
                data,
                f,
                &hist,
                &leaf.sums,
                self.stride,
                &mut feature_scratch,
            );
            let random = if cfg.random_thresholds {
                Some(&mut *rng)
            } else {
                None
            };
            search_feature(
                stats,
                data,
                f,
                fh,
                None,
                &leaf.sums,
                parent,
                &cfg.rules,
                random,
                &mut self.acc,
                &mut best,
            );
        }
        self.feature_scratch = feature_scratch;
        match src {
            Source::Slot(s) => self.slots[s] = hist,
            Source::Scratch => self.scratch = hist,
        }
        best.found().then_some(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::Matrix;

    /// Rows with a 4-level one-hot category, a numeric column with missing values, and
    /// integer gradients (so every sum is exact, whatever the order of additions).
    fn sample() -> (Matrix, Vec<f64>, Vec<f64>) {
        let mut rng = Rng::new(3);
        let (n, cols) = (300, 5);
        let mut data = Vec::with_capacity(n * cols);
        let mut grad = Vec::with_capacity(n);
        for i in 0..n {
            let level = rng.below(5); // level 4: all zeros
            for l in 0..4 {
                data.push(f64::from(u8::from(level == l)));
            }
            let v = if i % 7 == 0 {
                f64::NAN
            } else {
                rng.below(50) as f64
            };
            data.push(v);
            let g = (level as f64) * 3.0 - if v.is_nan() { 4.0 } else { v / 10.0 }.floor();
            grad.push(g + rng.below(3) as f64);
        }
        let hess = vec![1.0; n];
        (
            Matrix {
                rows: n,
                cols,
                data,
            },
            grad,
            hess,
        )
    }

    fn config(max_leaves: usize) -> GrowConfig {
        GrowConfig {
            max_leaves,
            max_depth: usize::MAX,
            rules: SplitRules {
                min_samples_leaf: 3.0,
                min_child_weight: 0.0,
                lambda: 1.0,
                min_split_gain: 0.0,
            },
            features_per_node: None,
            random_thresholds: false,
        }
    }

    fn grow(data: &BinnedData, grad: &[f64], hess: &[f64], max_slots: Option<usize>) -> Grown {
        grow_with(data, grad, hess, max_slots, small_leaf_rows(data))
    }

    fn grow_with(
        data: &BinnedData,
        grad: &[f64],
        hess: &[f64],
        max_slots: Option<usize>,
        small_leaf: usize,
    ) -> Grown {
        let mut learner = Learner::new(data, 3);
        learner.small_leaf = small_leaf;
        if let Some(m) = max_slots {
            learner.max_slots = m;
        }
        let gh: Vec<[f64; 2]> = grad.iter().zip(hess).map(|(&g, &h)| [g, h]).collect();
        let stats = RowStats::Gradients {
            gh: &gh,
            unit_hessian: false,
        };
        let features: Vec<usize> = (0..data.features.len()).collect();
        learner.grow(data, &stats, None, &features, &config(12), &mut Rng::new(1))
    }

    fn same(a: &Grown, b: &Grown) {
        assert_eq!(a.tree, b.tree);
        assert_eq!(a.leaves.len(), b.leaves.len());
        for (x, y) in a.leaves.iter().zip(&b.leaves) {
            assert_eq!((x.begin, x.len, &x.sums), (y.begin, y.len, &y.sums));
        }
    }

    #[test]
    fn bundled_features_grow_the_same_tree() {
        let (x, grad, hess) = sample();
        let rows: Vec<usize> = (0..x.rows).collect();
        let bundled = BinnedData::new(&x, &rows, 255, true);
        let plain = BinnedData::new(&x, &rows, 255, false);
        assert!(bundled.groups.len() < plain.groups.len());
        let a = grow(&bundled, &grad, &hess, None);
        let b = grow(&plain, &grad, &hess, None);
        assert_eq!(a.tree.n_leaves(), 12);
        same(&a, &b);
        // both the one-hot columns and the numeric one are used
        assert!(a.tree.features().iter().any(|&f| f < 4));
        assert!(a.tree.features().contains(&4));
    }

    #[test]
    fn the_subtraction_trick_matches_building_every_leaf() {
        let (x, grad, hess) = sample();
        let rows: Vec<usize> = (0..x.rows).collect();
        let data = BinnedData::new(&x, &rows, 255, true);
        let with_pool = grow(&data, &grad, &hess, None);
        let without = grow(&data, &grad, &hess, Some(0));
        same(&with_pool, &without);
    }

    #[test]
    fn small_leaves_searched_from_their_rows_split_like_histograms() {
        let (x, grad, hess) = sample();
        let rows: Vec<usize> = (0..x.rows).collect();
        let data = BinnedData::new(&x, &rows, 255, true);
        let rows_only = grow_with(&data, &grad, &hess, None, usize::MAX);
        let histograms = grow_with(&data, &grad, &hess, None, 0);
        same(&rows_only, &histograms);
        same(&rows_only, &grow(&data, &grad, &hess, None));
    }

    #[test]
    fn leaves_partition_the_rows_and_hold_their_sums() {
        let (x, grad, hess) = sample();
        let rows: Vec<usize> = (0..x.rows).collect();
        let data = BinnedData::new(&x, &rows, 255, true);
        let mut learner = Learner::new(&data, 3);
        let gh: Vec<[f64; 2]> = grad.iter().zip(&hess).map(|(&g, &h)| [g, h]).collect();
        let stats = RowStats::Gradients {
            gh: &gh,
            unit_hessian: true,
        };
        let features: Vec<usize> = (0..5).collect();
        let grown = learner.grow(&data, &stats, None, &features, &config(8), &mut Rng::new(1));
        let mut seen = vec![0; x.rows];
        let mut tree = grown.tree.clone();
        tree.set_values((0..grown.leaves.len()).map(|l| l as f64).collect(), 0, 1);
        for (l, leaf) in grown.leaves.iter().enumerate() {
            let rows = learner.leaf_rows(leaf);
            assert!(rows.windows(2).all(|w| w[0] < w[1]), "rows stay in order");
            let g: f64 = rows.iter().map(|&r| grad[r as usize]).sum();
            assert_eq!(leaf.sums, [g, rows.len() as f64, rows.len() as f64]);
            for &r in rows {
                seen[r as usize] += 1;
                // the raw thresholds send each training row to its leaf
                assert_eq!(tree.leaf(x.row(r as usize)), l);
            }
        }
        assert!(seen.iter().all(|&s| s == 1));
        assert!(tree.check(5, 1).is_ok());
    }

    #[test]
    fn malformed_trees_are_refused() {
        let mut t = Tree::constant(vec![1.0], 0);
        assert!(t.check(1, 1).is_ok());
        t.feature.push(0);
        assert!(t.check(1, 1).is_err(), "node arrays of different lengths");
        t.threshold.push(0.5);
        t.missing_left.push(false);
        t.children.push([-1, 0]); // the right child is the node itself: a cycle
        t.gain.push(1.0);
        t.values = vec![1.0, 2.0];
        assert!(t.check(1, 1).is_err());
        t.children[0][1] = -2;
        assert!(t.check(1, 1).is_ok());
        assert!(t.check(0, 1).is_err(), "feature out of range");
        assert!(t.check(1, 0).is_err(), "output out of range");
        t.values[1] = f64::NAN;
        assert!(t.check(1, 1).is_err());
    }
}
