//! Training: the inputs' scaling and embedding, initialization, the internal validation
//! split, mini-batches through every ensemble member, AdamW on RealMLP's schedules, and the
//! best epoch's weights restored.

use super::categories::{self, table_rows, Embedding};
use super::dense::{backward, layout};
use super::phases::{resume, suspend};
use super::step::{activation_grad, adamw, AdamW};
use super::*;
use crate::preprocess::Levels;
use crate::rng::Rng;

pub(super) enum Labels {
    Classes(Vec<u32>),
    Values(Vec<F>),
}

impl Labels {
    pub(super) fn len(&self) -> usize {
        match self {
            Labels::Classes(c) => c.len(),
            Labels::Values(v) => v.len(),
        }
    }

    fn pick(&self, idx: &[usize]) -> Labels {
        match self {
            Labels::Classes(c) => Labels::Classes(idx.iter().map(|&i| c[i]).collect()),
            Labels::Values(v) => Labels::Values(idx.iter().map(|&i| v[i]).collect()),
        }
    }
}

/// RealMLP's `coslog4`: four cosine cycles, each twice as long as the one before, from 1 to 0.
fn coslog4(t: f64) -> f64 {
    let s = std::f64::consts::SQRT_2;
    let u = ln(s + (16.0 - s) * t) / std::f64::consts::LN_2;
    0.5 * (1.0 - cos(std::f64::consts::TAU * u))
}

/// RealMLP's `flat_cos`: 1 for the first half, then a half cosine down to 0.
fn flat_cos(t: f64) -> f64 {
    if t < 0.5 {
        1.0
    } else {
        0.5 * (1.0 + cos(std::f64::consts::PI * (2.0 * t - 1.0)))
    }
}

/// The median, quartile range and the range of one column's values.
fn robust(col: &mut [f64]) -> (f64, f64) {
    col.sort_by(f64::total_cmp);
    let q = |f: f64| col[((col.len() - 1) as f64 * f).round() as usize];
    let mut s = q(0.75) - q(0.25);
    if s <= 0.0 {
        s = (q(1.0) - q(0.0)) / 2.0;
    }
    (q(0.5), if s > 0.0 { s } else { 1.0 })
}

pub(super) fn diverged() -> AutoMlError {
    AutoMlError::Model {
        family: NeuralNetwork::NAME.into(),
        detail: "the training diverged (non-finite loss); try a smaller learning rate".into(),
    }
}

/// The embeddings of `levels` (their tables after the `first` weights) and each row's table
/// row in each (see [`table_rows`]); an error when the levels do not describe `x`.
fn embeddings(
    levels: Option<&Levels>,
    x: &Matrix,
    first: usize,
) -> Result<(Vec<Embedding>, Vec<u32>)> {
    let Some(levels) = levels.filter(|l| !l.inputs.is_empty()) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let k = levels.inputs.len();
    let fits = levels.codes.len() == x.rows.saturating_mul(k)
        && levels.inputs.iter().all(|i| i.fits(x.cols))
        && (0..levels.codes.len()).all(|j| levels.codes[j] as usize <= levels.inputs[j % k].levels);
    if !fits {
        return Err(AutoMlError::Model {
            family: NeuralNetwork::NAME.into(),
            detail: "the levels of its categorical inputs do not match its inputs".into(),
        });
    }
    let mut at = first;
    let mut out = Vec::with_capacity(k);
    for (i, input) in levels.inputs.iter().enumerate() {
        let (map, rows) = table_rows(input, levels.codes.iter().skip(i).step_by(k).copied());
        let e = Embedding {
            input: input.clone(),
            at,
            rows,
            map,
        };
        at = at.saturating_add(e.size());
        out.push(e);
    }
    let codes = levels
        .codes
        .iter()
        .enumerate()
        .map(|(j, &c)| out[j % k].map[c as usize])
        .collect();
    Ok((out, codes))
}

/// Trains a network (see the module's description).
pub(super) fn train(spec: &NeuralNetwork, input: &FitInput<'_>) -> Result<NetworkModel> {
    train_with(spec, input, None)
}

/// Trains a network, with a learned embedding of each categorical input of `levels`.
pub(super) fn train_with(
    spec: &NeuralNetwork,
    input: &FitInput<'_>,
    levels: Option<&Levels>,
) -> Result<NetworkModel> {
    let x = input.x;
    let mut rng = Rng::new(input.seed);
    let (n, p) = (x.rows, x.cols);
    // the inputs' scaling and embedding, learned on all training rows
    let mut center = Vec::with_capacity(p);
    let mut scale = Vec::with_capacity(p);
    let mut embed = Vec::with_capacity(p);
    let mut col = vec![0.0; n];
    for c in 0..p {
        for (r, v) in col.iter_mut().enumerate() {
            *v = x.data[r * p + c];
        }
        let (m, s) = robust(&mut col);
        center.push(m);
        scale.push(s);
        let distinct = col.windows(2).filter(|w| w[0] != w[1]).count() + 1;
        embed.push(match spec.embedding.as_str() {
            _ if distinct <= 2 => Embed::Plain,
            "periodic" => Embed::Periodic(
                (0..PERIODS)
                    .map(|_| (normal(&mut rng) * PERIOD_SIGMA) as F)
                    .collect(),
            ),
            "piecewise" => {
                let mut edges: Vec<F> = (0..=BINS)
                    .map(|b| {
                        let v = col[((n - 1) * b) / BINS];
                        let s = (v - m) / s;
                        (s / (1.0 + (s / 3.0) * (s / 3.0)).sqrt()) as F
                    })
                    .collect();
                edges.dedup();
                if edges.len() < 2 {
                    Embed::Plain
                } else {
                    Embed::Piecewise(edges)
                }
            }
            _ => Embed::Plain,
        });
    }
    let (labels, n_classes, target) = match input.y {
        TargetRef::Classes { y, n_classes } => {
            (Labels::Classes(y.to_vec()), n_classes, [0.0, 1.0, 0.0, 0.0])
        }
        TargetRef::Values(v) => {
            let mean = v.iter().sum::<f64>() / n as f64;
            let var = v.iter().map(|t| (t - mean) * (t - mean)).sum::<f64>() / n as f64;
            let sd = if var > 0.0 { var.sqrt() } else { 1.0 };
            let (lo, hi) = v
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &t| {
                    (a.min(t), b.max(t))
                });
            let z = v.iter().map(|t| ((t - mean) / sd) as F).collect();
            (Labels::Values(z), 0, [mean, sd, lo, hi])
        }
    };
    let n_embedded = levels.map_or(0, |l| l.inputs.len());
    let d0: usize = embed.iter().map(Embed::width).sum::<usize>() + n_embedded * EMBED_DIM;
    let mut dims = vec![d0];
    dims.extend(spec.widths());
    let members = spec.members.max(1);
    let mut model = NetworkModel {
        n_classes,
        center,
        scale,
        embed,
        dims,
        members,
        activation: Activation::of(&spec.activation),
        params: Vec::new(),
        target,
        curve: Curve {
            train: Vec::new(),
            valid: Vec::new(),
            best: 0,
        },
        embeddings: Vec::new(),
        shares: Vec::new(),
    };
    if let (ClassWeight::Balanced, TargetRef::Classes { y, n_classes }) =
        (spec.class_weight, input.y)
    {
        model.shares = crate::models::class_counts(y, n_classes)
            .iter()
            .map(|&c| c as f64 / n.max(1) as f64)
            .collect();
    }
    let o = model.outputs();
    let (layers, first) = layout(&model.dims, members, o);
    let (embeddings, codes_all) = embeddings(levels, x, first)?;
    let total = embeddings
        .iter()
        .fold(first, |t, e| t.saturating_add(e.size()));
    // a level's inputs, kept to read new rows, weigh about two weights each
    let keys: usize = embeddings
        .iter()
        .map(|e| match &e.input.read {
            crate::preprocess::LevelRead::Keys(k) => 2 * k.len() * e.input.width,
            crate::preprocess::LevelRead::OneHot => 0,
        })
        .sum();
    check_size(total.saturating_add(keys))?;
    model.embeddings = embeddings;
    let depth = model.dims.len() - 1;
    // initialization: scales 1 (members: random signs, TabM), hidden layers uniform with the
    // activation's gain, heads zero (RealMLP's last layer)
    let mut params = vec![0.0 as F; total];
    for (k, s) in params[..members * d0].iter_mut().enumerate() {
        *s = if members == 1 || k < d0 || rng.next_u64() & 1 == 0 {
            1.0
        } else {
            -1.0
        };
    }
    for d in &layers[..depth] {
        let bound = (3.0 * model.activation.gain() / d.inp as F).sqrt();
        for w in &mut params[d.w..d.b] {
            *w = (rng.next_f64() as F * 2.0 - 1.0) * bound;
        }
    }
    categories::init(&mut params, &model.embeddings, input.seed);
    // the internal validation split (seeded), a fifth of the rows
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let n_valid = if n >= 25 { n / 5 } else { 0 };
    let (valid_idx, train_idx) = order.split_at(n_valid);
    let valid_idx = if n_valid == 0 { train_idx } else { valid_idx };
    let e_all = model.embed_rows(x);
    let gather = |idx: &[usize]| -> Vec<F> {
        idx.iter()
            .flat_map(|&i| e_all[i * d0..(i + 1) * d0].iter().copied())
            .collect()
    };
    let (e_train, mut e_valid) = (gather(train_idx), gather(valid_idx));
    let (y_train, y_valid) = (labels.pick(train_idx), labels.pick(valid_idx));
    drop(e_all);
    // each row's level in each embedded input
    let k_emb = model.embeddings.len();
    let codes_of = |idx: &[usize]| -> Vec<u32> {
        idx.iter()
            .flat_map(|&i| codes_all[i * k_emb..(i + 1) * k_emb].iter().copied())
            .collect()
    };
    let (c_train, c_valid) = (codes_of(train_idx), codes_of(valid_idx));
    let mut cb: Vec<u32> = Vec::new();
    let nt = train_idx.len();
    // at least eight steps an epoch, so that small tables get enough updates
    let batch = spec.batch_size.min(nt.div_ceil(8)).max(1);
    let steps_per_epoch = nt.div_ceil(batch);
    let total_steps = (steps_per_epoch * spec.epochs.max(1)) as f64;
    let (mut m1, mut m2) = (vec![0.0 as F; total], vec![0.0 as F; total]);
    let mut grad = vec![0.0 as F; total];
    let mut pass = model.pass();
    let mut dz: Vec<Vec<F>> = vec![Vec::new(); depth + 1];
    let mut eb: Vec<F> = Vec::new();
    // the gradients at a layer's inputs and at the one below's, swapped layer by layer
    let (mut dh, mut din): (Vec<F>, Vec<F>) = (Vec::new(), Vec::new());
    let mut probs: Vec<f64> = vec![0.0; o];
    let mut idx: Vec<usize> = (0..nt).collect();
    let mut best = (f64::INFINITY, params.clone());
    let mut step = 0usize;
    // β1^t and β2^t, for Adam's bias correction
    let mut beta_t = (1.0f64, 1.0f64);
    lap(Phase::Setup);
    for epoch in 0..spec.epochs.max(1) {
        rng.shuffle(&mut idx);
        let mut epoch_loss = 0.0;
        for chunk in idx.chunks(batch) {
            let t = step as f64 / total_steps;
            step += 1;
            let rows = chunk.len();
            eb.clear();
            cb.clear();
            for &i in chunk {
                eb.extend_from_slice(&e_train[i * d0..(i + 1) * d0]);
                cb.extend_from_slice(&c_train[i * k_emb..(i + 1) * k_emb]);
            }
            categories::fill(&params, &model.embeddings, &cb, &mut eb, d0);
            lap(Phase::Batch);
            let rate = (spec.dropout * flat_cos(t)) as F;
            let dropout = (rate > 0.0).then_some((rate, &mut rng));
            model.run(&params, &eb, rows, &mut pass, dropout);
            // the loss's gradient at the heads' outputs, for every member's copy of each row
            let nr = rows * members;
            let dout = &mut dz[depth];
            dout.clear();
            dout.resize(nr * o, 0.0);
            let inv = 1.0 / nr as F;
            let pr = &mut probs[..o];
            for k in 0..members {
                for (r, &i) in chunk.iter().enumerate() {
                    let row = (k * rows + r) * o;
                    let z = &pass.out[row..row + o];
                    let g = &mut dout[row..row + o];
                    match &y_train {
                        Labels::Classes(c) => {
                            for j in 0..o {
                                pr[j] = z[j] as f64;
                            }
                            softmax_in_place(pr);
                            let yi = c[i] as usize;
                            epoch_loss -= ln(pr[yi].max(1e-15));
                            for (j, gj) in g.iter_mut().enumerate() {
                                let hit = if j == yi { 1.0 - LABEL_SMOOTHING } else { 0.0 };
                                let target = hit + LABEL_SMOOTHING / o as F;
                                *gj = (pr[j] as F - target) * inv;
                            }
                        }
                        Labels::Values(v) => {
                            let d = z[0] - v[i];
                            epoch_loss += (d * d) as f64;
                            g[0] = d * inv;
                        }
                    }
                }
            }
            if !epoch_loss.is_finite() {
                return Err(diverged());
            }
            lap(Phase::Loss);
            // backward: heads, then the hidden layers from the top, then the input scales
            grad.fill(0.0);
            let width = model.dims[depth];
            // (every value of dh and din is written by `backward` before it is read)
            dh.resize(nr * width, 0.0);
            for k in 0..members {
                let span = k * rows * width..(k + 1) * rows * width;
                backward(
                    &params,
                    &mut grad,
                    layers[depth + k],
                    &pass.h[depth][span.clone()],
                    &dz[depth][k * rows * o..(k + 1) * rows * o],
                    rows,
                    Some(&mut dh[span]),
                );
            }
            lap(Phase::Backward);
            for l in (0..depth).rev() {
                let d = layers[l];
                // through the activation (dropped units have h = 0 and pass nothing back)
                let dzl = &mut dz[l];
                dzl.resize(nr * d.out, 0.0);
                activation_grad(model.activation, &pass.z[l], &pass.h[l + 1], &dh, rate, dzl);
                lap(Phase::ActivationGrad);
                din.resize(nr * d.inp, 0.0);
                backward(
                    &params,
                    &mut grad,
                    d,
                    &pass.h[l],
                    &dz[l],
                    nr,
                    Some(&mut din),
                );
                std::mem::swap(&mut dh, &mut din);
                lap(Phase::Backward);
            }
            for k in 0..members {
                for r in 0..rows {
                    let e = &eb[r * d0..(r + 1) * d0];
                    let g = &dh[(k * rows + r) * d0..(k * rows + r + 1) * d0];
                    for ((gs, &gi), &ei) in grad[k * d0..(k + 1) * d0].iter_mut().zip(g).zip(e) {
                        *gs += gi * ei;
                    }
                }
            }
            lap(Phase::ScaleGrad);
            let scales = &params[..members * d0];
            categories::backward(
                &model.embeddings,
                &cb,
                &dh,
                scales,
                rows,
                members,
                d0,
                &mut grad,
            );
            // AdamW, β = (0.9, 0.95), on each group of weights: the input scales (faster, no
            // decay), then each layer's weights (decayed) and biases (not), then the
            // embeddings' tables (decayed, as weights)
            let lr = (spec.learning_rate * coslog4(t)) as F;
            let wd = (spec.weight_decay * flat_cos(t)) as F;
            beta_t = (beta_t.0 * 0.9, beta_t.1 * 0.95);
            let a = AdamW {
                step_size: lr / (1.0 - beta_t.0) as F,
                lr_wd: lr * wd,
                c2: (1.0 - beta_t.1) as F,
            };
            let mut group = |at: usize, len: usize, factor: F, decay: bool| {
                let span = at..at + len;
                adamw(
                    &mut params[span.clone()],
                    &grad[span.clone()],
                    &mut m1[span.clone()],
                    &mut m2[span],
                    a,
                    factor,
                    decay,
                );
            };
            group(0, members * d0, SCALE_LR, false);
            for d in &layers {
                group(d.w, d.b - d.w, 1.0, true);
                group(d.b, d.out, 1.0, false);
            }
            if total > first {
                group(first, total - first, 1.0, true);
            }
            lap(Phase::Optimizer);
        }
        suspend();
        categories::fill(&params, &model.embeddings, &c_valid, &mut e_valid, d0);
        let v = model.loss(&params, &e_valid, &y_valid);
        if !v.is_finite() {
            resume(Phase::Validation);
            return Err(diverged());
        }
        model
            .curve
            .train
            .push((epoch_loss / (nt * members) as f64) as F);
        model.curve.valid.push(v as F);
        if v < best.0 {
            best = (v, params.clone());
            model.curve.best = epoch;
        }
        super::epoch_done(&model, total);
        resume(Phase::Validation);
    }
    model.params = best.1;
    Ok(model)
}

/// A standard normal draw (Box–Muller, with the project's functions).
pub(super) fn normal(rng: &mut Rng) -> f64 {
    let u = rng.next_f64().max(1e-300);
    let v = rng.next_f64();
    (-2.0 * ln(u)).sqrt() * cos(std::f64::consts::TAU * v)
}
