//! Per-row contributions: why the model predicted what it did for one row. Exact
//! path-dependent TreeSHAP (Lundberg et al. 2018) for a single tree-engine model, summed from
//! the encoded inputs back to the original columns; a seeded sampling estimate of Shapley
//! values over the original columns, against a background sample of training rows, for every
//! other model and for ensembles.

use super::diagnostics::*;
use crate::data::{Table, TextColumn};
use crate::error::Result;
use crate::preprocess::Frame;
use crate::rng::Rng;
use crate::search::ensemble::FinalModel;
use crate::trees::Tree;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One column's contribution to a row's prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// The original column.
    pub column: String,
    /// The row's value in it, as text.
    pub value: String,
    /// How much it moved each output (per class, or `[value]`), in the units of `output`.
    pub effect: Vec<f64>,
}

/// Why one row got its prediction: `base` plus the sum of the effects gives the explained
/// output of each class (or the value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowExplanation {
    /// The predicted class label or value.
    pub prediction: Value,
    /// Class probabilities (classification only).
    pub probabilities: Option<Vec<f64>>,
    /// The output with no column known: per class, or `[value]`.
    pub base: Vec<f64>,
    /// One entry per input column, largest total effect first.
    pub contributions: Vec<Contribution>,
    /// What the effects are in: "probability", "log-odds" or "value".
    pub output: String,
    /// The method, in words (English, for the command line).
    pub method: String,
    /// Which method, for the page's words: "treeshap" (exact, of the model named by `family`)
    /// or "sampling" (`samples` random orders over `background` rows).
    #[serde(default, rename = "methodCode")]
    pub method_code: String,
    /// The explained model's family (`treeshap`), else empty.
    #[serde(default)]
    pub family: String,
    /// Random column orders sampled (`sampling`), else 0.
    #[serde(default)]
    pub samples: usize,
    /// Background rows (`sampling`), else 0.
    #[serde(default)]
    pub background: usize,
}

#[derive(Debug, Clone, Copy)]
struct PathElement {
    feature: i64,
    zero: f64,
    one: f64,
    weight: f64,
}

fn extend_path(path: &mut [PathElement], depth: usize, zero: f64, one: f64, feature: i64) {
    path[depth] = PathElement {
        feature,
        zero,
        one,
        weight: if depth == 0 { 1.0 } else { 0.0 },
    };
    for i in (0..depth).rev() {
        path[i + 1].weight += one * path[i].weight * (i + 1) as f64 / (depth + 1) as f64;
        path[i].weight = zero * path[i].weight * (depth - i) as f64 / (depth + 1) as f64;
    }
}

fn unwind_path(path: &mut [PathElement], depth: usize, index: usize) {
    let (one, zero) = (path[index].one, path[index].zero);
    let mut next_one = path[depth].weight;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let tmp = path[i].weight;
            path[i].weight = next_one * (depth + 1) as f64 / ((i + 1) as f64 * one);
            next_one = tmp - path[i].weight * zero * (depth - i) as f64 / (depth + 1) as f64;
        } else {
            path[i].weight = path[i].weight * (depth + 1) as f64 / (zero * (depth - i) as f64);
        }
    }
    for i in index..depth {
        path[i].feature = path[i + 1].feature;
        path[i].zero = path[i + 1].zero;
        path[i].one = path[i + 1].one;
    }
}

fn unwound_sum(path: &[PathElement], depth: usize, index: usize) -> f64 {
    let (one, zero) = (path[index].one, path[index].zero);
    let mut next_one = path[depth].weight;
    let mut total = 0.0;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let tmp = next_one * (depth + 1) as f64 / ((i + 1) as f64 * one);
            total += tmp;
            next_one = path[i].weight - tmp * zero * (depth - i) as f64 / (depth + 1) as f64;
        } else if zero != 0.0 {
            total += path[i].weight / zero / ((depth - i) as f64 / (depth + 1) as f64);
        }
    }
    total
}

/// A tree with smoothed covers: node `i < m` internal, node `m + l` leaf `l`.
struct CoveredTree<'a> {
    tree: &'a Tree,
    cover: Vec<f64>,
}

impl CoveredTree<'_> {
    fn node_of(&self, child: i32) -> usize {
        if child < 0 {
            self.tree.features().len() + (!child as usize)
        } else {
            child as usize
        }
    }

    /// The expected leaf values under the covers.
    fn expected(&self) -> Vec<f64> {
        let m = self.tree.features().len();
        let (_, w) = self.tree.outputs();
        let mut e = vec![0.0; w];
        let total = self.cover[0];
        for l in 0..=m {
            let share = self.cover[m + l] / total;
            for (o, v) in e.iter_mut().zip(self.tree.leaf_values(l)) {
                *o += share * v;
            }
        }
        e
    }

    #[allow(clippy::too_many_arguments)]
    fn recurse(
        &self,
        x: &[f64],
        phi: &mut [f64],
        node: usize,
        parent: &[PathElement],
        depth: usize,
        zero: f64,
        one: f64,
        feature: i64,
    ) {
        let mut path: Vec<PathElement> = parent.to_vec();
        path.push(PathElement {
            feature: -1,
            zero: 0.0,
            one: 0.0,
            weight: 0.0,
        });
        extend_path(&mut path, depth, zero, one, feature);
        let m = self.tree.features().len();
        let (_, w) = self.tree.outputs();
        if node >= m {
            let values = self.tree.leaf_values(node - m);
            for i in 1..=depth {
                let s = unwound_sum(&path, depth, i);
                let el = path[i];
                let f = el.feature as usize;
                for j in 0..w {
                    phi[f * w + j] += s * (el.one - el.zero) * values[j];
                }
            }
            return;
        }
        let split = self.tree.features()[node] as usize;
        let v = x[split];
        let left =
            v <= self.tree.thresholds()[node] || (v.is_nan() && self.tree.missing_left()[node]);
        let [l, r] = self.tree.children()[node];
        let (hot, cold) = if left { (l, r) } else { (r, l) };
        let (hot, cold) = (self.node_of(hot), self.node_of(cold));
        let here = self.cover[node];
        let hot_zero = self.cover[hot] / here;
        let cold_zero = self.cover[cold] / here;
        let (mut in_zero, mut in_one) = (1.0, 1.0);
        let mut depth = depth;
        if let Some(k) = (1..=depth).find(|&k| path[k].feature == split as i64) {
            in_zero = path[k].zero;
            in_one = path[k].one;
            unwind_path(&mut path, depth, k);
            depth -= 1;
            path.truncate(depth + 1);
        }
        self.recurse(
            x,
            phi,
            hot,
            &path,
            depth + 1,
            hot_zero * in_zero,
            in_one,
            split as i64,
        );
        self.recurse(
            x,
            phi,
            cold,
            &path,
            depth + 1,
            cold_zero * in_zero,
            0.0,
            split as i64,
        );
    }
}

/// Covers of a tree from its node counts (internal nodes, then leaves): each leaf's count (a
/// leaf no training row reached counts 0.001), each internal node the sum of its children, so
/// no fraction divides by 0.
fn smooth_covers(tree: &Tree, counts: &[u32]) -> Vec<f64> {
    let m = tree.features().len();
    let mut cover = vec![0.0; 2 * m + 1];
    for l in 0..=m {
        let count = counts.get(m + l).copied().unwrap_or(0);
        cover[m + l] = if count > 0 { f64::from(count) } else { 1e-3 };
    }
    // children point forward: fill internal nodes from the last
    for i in (0..m).rev() {
        let [a, b] = tree.children()[i];
        let c = |ch: i32| {
            if ch < 0 {
                cover[m + (!ch as usize)]
            } else {
                cover[ch as usize]
            }
        };
        cover[i] = c(a) + c(b);
    }
    if m == 0 {
        cover[0] = 1.0;
    }
    cover
}

/// Exact path-dependent TreeSHAP of one encoded row: per input, the contribution to each raw
/// output (`n_inputs × n_outputs`, row-major), and the expected raw outputs (the base).
/// `base` and `scale` combine the trees as the tree engine does (base + scale × sum).
pub fn tree_shap(
    trees: &[Tree],
    counts: &[Vec<u32>],
    base: &[f64],
    scale: f64,
    x: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    let outputs = base.len();
    let inputs = x.len();
    let mut phi = vec![0.0; inputs * outputs];
    let mut expected = base.to_vec();
    let empty: Vec<u32> = Vec::new();
    for (t, tree) in trees.iter().enumerate() {
        let covered = CoveredTree {
            tree,
            cover: smooth_covers(tree, counts.get(t).unwrap_or(&empty)),
        };
        let (first, w) = tree.outputs();
        for (j, e) in covered.expected().iter().enumerate() {
            expected[first + j] += scale * e;
        }
        if tree.features().is_empty() {
            continue;
        }
        let mut local = vec![0.0; inputs * w];
        covered.recurse(x, &mut local, 0, &[], 0, 1.0, 1.0, -1);
        for f in 0..inputs {
            for j in 0..w {
                phi[f * outputs + first + j] += scale * local[f * w + j];
            }
        }
    }
    (phi, expected)
}

fn label_value(model: &super::model_file::ModelFile, p: &[f64]) -> Value {
    if model.n_classes() > 0 {
        Value::from(
            model
                .classes
                .get(crate::math::argmax(p))
                .cloned()
                .unwrap_or_default(),
        )
    } else {
        Value::from(p.first().copied().unwrap_or(f64::NAN))
    }
}

/// Explains one row (column → cell text; a column not given is missing) of a saved model's
/// prediction: exact TreeSHAP for a single tree-engine model, sampling Shapley values over
/// the original columns otherwise. Seeded by the model's settings, so the same row gives the
/// same answer.
pub fn explain_row(
    model: &super::model_file::ModelFile,
    row: &std::collections::BTreeMap<String, String>,
) -> Result<RowExplanation> {
    let table = model.table_of_rows(std::slice::from_ref(row));
    let frame = Frame::for_schema(&table, &model.pipeline.specs)?;
    let x = model.pipeline.transform(&frame, &[0]);
    let k = model.n_classes();
    let width = k.max(1);
    let p = flat_predictions(&model.model, &x, k)?;
    let specs = &model.pipeline.specs;
    let values: Vec<String> = (0..specs.len())
        .map(|c| table.columns[c].get(0).to_string())
        .collect();
    let tree = match &model.model {
        FinalModel::Single(m) if !model.covers.is_empty() => m.tree_parts(),
        _ => None,
    };
    let mut code = ("treeshap", String::new(), 0, 0);
    let (base, effects, output, method) = if let Some(parts) = tree {
        let (phi, expected) = tree_shap(
            parts.trees,
            &model.covers,
            parts.base,
            parts.scale,
            x.row(0),
        );
        let outputs = parts.base.len();
        let owner = super::model_file::input_columns(&model.pipeline);
        let mut by_column = vec![vec![0.0; outputs]; specs.len()];
        for (f, &c) in owner.iter().enumerate() {
            for j in 0..outputs {
                by_column[c][j] += phi[f * outputs + j];
            }
        }
        use crate::models::TreeLink;
        let (base, effects, output) = match parts.link {
            TreeLink::Logistic => (
                vec![-expected[0], expected[0]],
                by_column.iter().map(|e| vec![-e[0], e[0]]).collect(),
                "log-odds",
            ),
            TreeLink::Softmax => (expected, by_column, "log-odds"),
            TreeLink::Identity => {
                // a forest's classes seen in training may be fewer than the model's
                let pad = |v: Vec<f64>| {
                    let mut v = v;
                    v.resize(width, 0.0);
                    v
                };
                (
                    pad(expected),
                    by_column.into_iter().map(pad).collect(),
                    if k > 0 { "probability" } else { "value" },
                )
            }
        };
        let method = format!(
            "Exact TreeSHAP (path-dependent, Lundberg et al. 2018) of the {} model, in {output}: each column's share of moving the output from the training average (base) to this row's, summed over its encoded inputs.",
            model.best.get("label").and_then(Value::as_str).unwrap_or("tree")
        );
        code.1 = model
            .best
            .get("family")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        (base, effects, output, method)
    } else {
        let (base, effects, samples) = sampling_shapley(model, &values)?;
        code = ("sampling", String::new(), samples, model.background.len());
        (
            base,
            effects,
            if k > 0 { "probability" } else { "value" },
            format!(
                "Sampling estimate of Shapley values over the original columns: {samples} seeded random column orders, each starting from one of {} background training rows; the base is the mean prediction over those rows, and base plus the effects is this row's prediction.",
                model.background.len()
            ),
        )
    };
    let mut contributions: Vec<Contribution> = specs
        .iter()
        .zip(values)
        .zip(effects)
        .map(|((s, value), effect)| Contribution {
            column: s.name.clone(),
            value,
            effect,
        })
        .collect();
    let size = |c: &Contribution| c.effect.iter().map(|v| v.abs()).sum::<f64>();
    crate::sort::sort_by(&mut contributions, |a, b| size(b).total_cmp(&size(a)));
    Ok(RowExplanation {
        prediction: label_value(model, &p),
        probabilities: (k > 0).then(|| p.clone()),
        base,
        contributions,
        output: output.into(),
        method,
        method_code: code.0.into(),
        family: code.1,
        samples: code.2,
        background: code.3,
    })
}

/// Sampling Shapley values of the row `values` (one cell per input column) against the model's
/// background rows: for sample `s`, background row `s mod B` and a seeded random order of the
/// columns; the columns are switched to the row's values in that order and each is credited
/// with the change it makes. The effects sum exactly to the prediction minus the base (the
/// mean prediction over the background rows used). Returns (base, effects, samples).
fn sampling_shapley(
    model: &super::model_file::ModelFile,
    values: &[String],
) -> Result<(Vec<f64>, Vec<Vec<f64>>, usize)> {
    let p = values.len();
    let k = model.n_classes();
    let width = k.max(1);
    let mut background = model.background.clone();
    if background.is_empty() {
        // no background: compare with the row where every column is missing
        background.push(vec![String::new(); p]);
    }
    let b = background.len();
    let per_sample = p + 1;
    let reps = (SHAPLEY_EVALUATIONS / (per_sample * b)).clamp(1, 20);
    let samples = reps * b;
    let mut rng = Rng::new(model.settings.seed ^ 0x5A4D_1E57);
    let mut columns = vec![TextColumn::default(); p];
    let mut orders = Vec::with_capacity(samples);
    for s in 0..samples {
        let z = &background[s % b];
        let mut order: Vec<usize> = (0..p).collect();
        rng.shuffle(&mut order);
        let mut current: Vec<&str> = z.iter().map(String::as_str).collect();
        current.resize(p, "");
        for step in 0..=p {
            if step > 0 {
                let c = order[step - 1];
                current[c] = &values[c];
            }
            for c in 0..p {
                columns[c].push(current[c]);
            }
        }
        orders.push(order);
    }
    let table = Table {
        file: "explanation".into(),
        names: model
            .pipeline
            .specs
            .iter()
            .map(|s| s.name.clone())
            .collect(),
        columns,
        notes: Vec::new(),
        sheets: Vec::new(),
        sheet: None,
        encoding: None,
    };
    let frame = Frame::for_schema(&table, &model.pipeline.specs)?;
    let all: Vec<usize> = (0..table.n_rows()).collect();
    let x = model.pipeline.transform(&frame, &all);
    let out = flat_predictions(&model.model, &x, k)?;
    let mut base = vec![0.0; width];
    let mut effects = vec![vec![0.0; width]; p];
    for (s, order) in orders.iter().enumerate() {
        let at = |step: usize| {
            &out[(s * per_sample + step) * width..(s * per_sample + step + 1) * width]
        };
        for j in 0..width {
            base[j] += at(0)[j];
        }
        for step in 1..=p {
            let (before, after) = (at(step - 1), at(step));
            let c = order[step - 1];
            for j in 0..width {
                effects[c][j] += after[j] - before[j];
            }
        }
    }
    let n = samples as f64;
    base.iter_mut().for_each(|v| *v /= n);
    effects
        .iter_mut()
        .for_each(|e| e.iter_mut().for_each(|v| *v /= n));
    Ok((base, effects, samples))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(json: serde_json::Value) -> Tree {
        serde_json::from_value(json).unwrap()
    }

    /// Path-dependent expectation with the features in `known` fixed to `x`.
    fn expect(t: &Tree, cover: &[f64], x: &[f64], known: &[usize], node: i32) -> f64 {
        let m = t.features().len();
        if node < 0 || m == 0 {
            return t.leaf_values(if m == 0 { 0 } else { !node as usize })[0];
        }
        let n = node as usize;
        let [l, r] = t.children()[n];
        let f = t.features()[n] as usize;
        if known.contains(&f) {
            let left = x[f] <= t.thresholds()[n];
            return expect(t, cover, x, known, if left { l } else { r });
        }
        let cov = |c: i32| {
            if c < 0 {
                cover[m + !c as usize]
            } else {
                cover[c as usize]
            }
        };
        (cov(l) * expect(t, cover, x, known, l) + cov(r) * expect(t, cover, x, known, r)) / cover[n]
    }

    /// Shapley values by enumerating every subset of the features.
    fn brute_force(t: &Tree, counts: &[u32], x: &[f64]) -> Vec<f64> {
        let cover = smooth_covers(t, counts);
        let p = x.len();
        let fact = |n: usize| (1..=n).map(|v| v as f64).product::<f64>();
        let mut phi = vec![0.0; p];
        for i in 0..p {
            for mask in 0..(1usize << p) {
                if mask & (1 << i) != 0 {
                    continue;
                }
                let s: Vec<usize> = (0..p).filter(|&j| mask & (1 << j) != 0).collect();
                let mut with = s.clone();
                with.push(i);
                let w = fact(s.len()) * fact(p - s.len() - 1) / fact(p);
                phi[i] += w * (expect(t, &cover, x, &with, 0) - expect(t, &cover, x, &s, 0));
            }
        }
        phi
    }

    fn two_level() -> (Tree, Vec<u32>) {
        // x0 <= 0.5 ? leaf 0 (0, 2 rows) : (x1 <= 0.5 ? leaf 1 (10, 1 row) : leaf 2 (20, 1 row))
        let t = tree(serde_json::json!({
            "feature": [0, 1], "threshold": [0.5, 0.5], "missing_left": [true, true],
            "children": [[-1, 1], [-2, -3]], "gain": [1.0, 1.0],
            "values": [0.0, 10.0, 20.0], "output": 0, "width": 1
        }));
        (t, vec![4, 2, 2, 1, 1])
    }

    #[test]
    fn tree_shap_of_one_split_is_exact() {
        let t = tree(serde_json::json!({
            "feature": [0], "threshold": [0.5], "missing_left": [true],
            "children": [[-1, -2]], "gain": [1.0], "values": [0.0, 10.0], "output": 0, "width": 1
        }));
        let (phi, base) = tree_shap(&[t], &[vec![4, 1, 3]], &[0.0], 1.0, &[1.0, 7.0]);
        assert_eq!(base, [7.5]);
        assert_eq!(phi, [2.5, 0.0]);
    }

    #[test]
    fn tree_shap_of_two_levels_matches_hand_computed_values() {
        let (t, counts) = two_level();
        let (phi, base) = tree_shap(
            std::slice::from_ref(&t),
            std::slice::from_ref(&counts),
            &[0.0],
            1.0,
            &[1.0, 1.0],
        );
        // v() = 7.5, v(0) = 15, v(1) = 10, v(0,1) = 20
        assert_eq!(base, [7.5]);
        assert_eq!(phi, [8.75, 3.75]);
        for x in [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [f64::NAN, 1.0]] {
            let (phi, base) = tree_shap(
                std::slice::from_ref(&t),
                std::slice::from_ref(&counts),
                &[0.0],
                1.0,
                &x,
            );
            let raw = t.leaf_values(t.leaf(&x))[0];
            assert!((phi.iter().sum::<f64>() + base[0] - raw).abs() < 1e-12);
        }
    }

    #[test]
    fn tree_shap_matches_brute_force_shapley_on_a_deeper_tree() {
        // a tree splitting twice on feature 0 and once each on 1 and 2, with uneven covers
        let t = tree(serde_json::json!({
            "feature": [0, 1, 0, 2], "threshold": [0.5, 0.5, 0.2, 0.5],
            "missing_left": [true, false, true, true],
            "children": [[1, 3], [2, -1], [-2, -3], [-4, -5]], "gain": [1.0, 1.0, 1.0, 1.0],
            "values": [1.0, -2.0, 4.0, 8.0, 3.0], "output": 0, "width": 1
        }));
        // nodes 0..4, leaves 0..5: leaf0 5, leaf1 2, leaf2 3, leaf3 7, leaf4 1
        let counts = vec![18, 10, 5, 8, 5, 2, 3, 7, 1];
        for x in [
            [0.1, 0.9, 0.9],
            [0.3, 0.1, 0.1],
            [0.9, 0.9, 0.1],
            [0.9, 0.1, 0.9],
        ] {
            let (phi, base) = tree_shap(
                std::slice::from_ref(&t),
                std::slice::from_ref(&counts),
                &[0.5],
                2.0,
                &x,
            );
            let exact = brute_force(&t, &counts, &x);
            for (a, b) in phi.iter().zip(&exact) {
                assert!((a - 2.0 * b).abs() < 1e-12, "{phi:?} vs {exact:?}");
            }
            let raw = 0.5 + 2.0 * t.leaf_values(t.leaf(&x))[0];
            assert!((phi.iter().sum::<f64>() + base[0] - raw).abs() < 1e-12);
        }
    }
}
