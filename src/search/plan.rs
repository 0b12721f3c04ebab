//! What a run decides before its first trial, the same on every worker: target, features,
//! metric, validation splits and progressive sampling; and the evaluation of one trial on one
//! split ([`SplitWorker`]).

use super::*;
use crate::preprocess::Levels;

/// The longest time budget a run takes, in seconds (a day).
pub const MAX_TIME_BUDGET_S: f64 = 86_400.0;
/// The fewest cross-validation folds a run takes.
pub const MIN_FOLDS: usize = 2;
/// The most cross-validation folds a run takes.
pub const MAX_FOLDS: usize = 10;

pub(super) fn check_settings(s: &SearchSettings, task: Task) -> Result<()> {
    let bad = |name: &str, reason: Message| {
        Err(AutoMlError::BadSetting {
            name: name.into(),
            reason,
        })
    };
    if let Some(b) = s.time_budget_s {
        if !(b.is_finite() && b > 0.0 && b <= MAX_TIME_BUDGET_S) {
            return bad(
                "time budget",
                message!("setting.time_budget", value = b, max = MAX_TIME_BUDGET_S),
            );
        }
    } else if s.max_trials.is_none() {
        return bad("time budget", message!("setting.no_budget"));
    }
    if s.max_trials == Some(0) {
        return bad("max trials", message!("setting.max_trials"));
    }
    if !(MIN_FOLDS..=MAX_FOLDS).contains(&s.folds) {
        return bad(
            "folds",
            message!(
                "setting.folds",
                folds = s.folds,
                min = MIN_FOLDS,
                max = MAX_FOLDS
            ),
        );
    }
    if let Some(m) = s.metric {
        if m.for_classification() != (task == Task::Classification) {
            return bad(
                "metric",
                message!(
                    "setting.metric_task",
                    metric = m.label(),
                    task = task.message()
                ),
            );
        }
    }
    Ok(())
}

pub(super) fn mix_seed(seed: u64, trial: usize) -> u64 {
    Rng::new(seed ^ (trial as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)).next_u64()
}

/// Predictions of one split as a flat vector: probabilities (`rows × classes`) or values;
/// and whether they can be averaged (probabilities or values, not hard votes).
pub(super) fn flatten(model: &FittedModel, x: &Matrix) -> Result<(Vec<f64>, bool)> {
    if model.n_classes() > 0 {
        if let Some(p) = model.predict_proba(x)? {
            return Ok((p.data, true));
        }
        // hard votes only: one-hot rows
        let Prediction::Classes(c) = model.predict(x)? else {
            return Ok((Vec::new(), false));
        };
        let k = model.n_classes();
        let mut out = vec![0.0; c.len() * k];
        for (r, &class) in c.iter().enumerate() {
            out[r * k + class as usize] = 1.0;
        }
        return Ok((out, false));
    }
    match model.predict(x)? {
        Prediction::Values(v) => Ok((v, true)),
        Prediction::Classes(_) => Ok((Vec::new(), false)),
    }
}

/// Training rows per split above which progressive sampling applies: costly configurations
/// are first fitted on a seeded sample of each split's training rows (see [`SearchSession`]).
pub const SAMPLE_ABOVE_ROWS: usize = 10_000;
/// The reduction factor of the sampling rung: a sampled trial is promoted to all rows when it
/// ranks in the best 1/`PROMOTE_ETA` of the sampled trials so far (asynchronous successive
/// halving), or beats every trial fitted on all rows.
pub const PROMOTE_ETA: usize = 3;
/// A configuration is sampled when one fit on all rows costs more than this many passes over
/// the training inputs (the baseline and naive Bayes are never sampled: sampling saves nothing).
pub const SAMPLE_ABOVE_PASSES: f64 = 10.0;

/// How much more a family not timed yet may cost than its cost units and the slowest measured
/// rate predict: cost units compare families only roughly, and the first trial of a family
/// that takes three times its prediction would overrun the budget.
pub const UNTIMED_MARGIN: f64 = 3.0;

/// Rows of each split's training sample: a quarter of the training rows, at least 5,000 and
/// at most 20,000.
pub fn sample_size(train_rows: usize) -> usize {
    (train_rows / 4).clamp(5_000, 20_000).min(train_rows)
}

/// One trial to evaluate: a configuration, the seed of its fits, its number, and whether it is
/// fitted on the sample of each split's training rows. Serializable, so a lead can hand it to
/// other workers (the seed is a `u64`: pass it as JSON text, not as a JavaScript number).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trial {
    /// Order in which the trial runs, from 1; its leaderboard row carries it.
    pub number: usize,
    /// The configuration.
    pub spec: ModelSpec,
    /// Seed of its fits (the same on every split).
    pub seed: u64,
    /// Whether it is fitted on the seeded sample of each split's training rows.
    pub sampled: bool,
}

/// One split's validation predictions for a trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SplitOutput {
    /// Probabilities (`rows × classes`, row-major) or values, for the split's validation rows.
    pub predictions: Vec<f64>,
    /// Whether they can be averaged (false for hard class votes, given one-hot).
    pub averageable: bool,
    /// A network's layers and learning curve on this split.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkTrace>,
    /// The metric (as people read it) of the same fitted model on a seeded subset of the rows
    /// it was fitted on (see [`TRAIN_SCORE_ROWS`]); `None` when it could not be computed.
    #[serde(default)]
    pub train_score: Option<f64>,
    /// Boosting's loss after each round (the first split only: the row shows that one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boosting: Option<crate::trees::RoundCurve>,
}

/// Training rows a trial is also scored on, at most, over all its splits (each split scores
/// `TRAIN_SCORE_ROWS / splits` of the rows its model was fitted on, chosen by the seed): the
/// training score shown beside the cross-validated one, to show overfitting. Its time is part
/// of the trial's, so it counts in the budget.
pub const TRAIN_SCORE_ROWS: usize = 2_000;

/// What a run decides before its first trial, the same on every worker: target, features,
/// metric, validation splits, sampling.
pub(super) struct Plan {
    pub(super) settings: SearchSettings,
    pub(super) target_name: String,
    pub(super) task: Task,
    pub(super) metric: Metric,
    pub(super) prepared: crate::target::PreparedTarget,
    pub(super) frame: Frame,
    pub(super) splits: Vec<Fold>,
    pub(super) validation: String,
    pub(super) notes: Vec<Message>,
    /// Rows of each split's training sample, when progressive sampling applies.
    pub(super) sample_rows: Option<usize>,
}

impl Plan {
    pub(super) fn new(table: &Table, settings: &SearchSettings) -> Result<Plan> {
        let target_col = match &settings.target {
            Some(name) => table.column_index(name)?,
            None => table.names.len().saturating_sub(1),
        };
        let target_name = table.names[target_col].clone();
        let task = settings.task.unwrap_or_else(|| {
            suggested_task(&classify(
                &table.names[target_col],
                &table.columns[target_col],
            ))
            .0
        });
        check_settings(settings, task)?;
        settings.columns.check(table)?;
        let prepared = prepare_target(table, target_col, task)?;
        let frame = Frame::with_choices(table, target_col, &settings.columns);
        if frame.columns.is_empty() {
            return Err(AutoMlError::NoFeatures {
                target: target_name,
            });
        }
        let mut notes = table.notes.clone();
        notes.extend(prepared.notes.iter().cloned());
        notes.extend(frame.notes.iter().cloned());
        let schema = crate::preprocess::schema_with_choices(table, &settings.columns);
        notes.extend(crate::target::check_target(table, target_col, task, &schema).warnings);
        let metric = settings.metric.unwrap_or(task.default_metric());
        let n = prepared.rows.len();
        let (splits, validation) = plan_splits(
            &prepared.target,
            n,
            frame.columns.len(),
            settings,
            &mut notes,
        );
        let train = splits.first().map_or(0, |f| f.train.len());
        let sample_rows = (train > SAMPLE_ABOVE_ROWS).then(|| sample_size(train));
        if let Some(m) = sample_rows {
            notes.push(message!("search.sampled", train, sample = m));
        }
        Ok(Plan {
            settings: settings.clone(),
            target_name,
            task,
            metric,
            prepared,
            frame,
            splits,
            validation,
            notes,
            sample_rows,
        })
    }

    /// Learns split `s`'s preprocessing on its training rows and transforms both sides.
    pub(super) fn fold_data(&self, s: usize) -> FoldData {
        let f = &self.splits[s];
        let table_rows = |positions: &[usize]| -> Vec<usize> {
            positions.iter().map(|&p| self.prepared.rows[p]).collect()
        };
        let train_rows = table_rows(&f.train);
        let valid_rows = table_rows(&f.valid);
        let y_train = self.prepared.target.select(&f.train);
        let (pipeline, x_train) = Pipeline::fit_transform(
            &self.frame,
            &train_rows,
            Some(y_train.view()),
            self.settings.seed,
        );
        let sample = self.sample_rows.map(|m| {
            let picked = sample_indices(
                &self.prepared.target,
                &f.train,
                m,
                mix_seed(self.settings.seed ^ 0x005A_3F1E, s),
            );
            let mut data = Vec::with_capacity(picked.len() * x_train.cols);
            for &i in &picked {
                data.extend_from_slice(&x_train.data[i * x_train.cols..(i + 1) * x_train.cols]);
            }
            let x = Matrix {
                rows: picked.len(),
                cols: x_train.cols,
                data,
            };
            (
                x,
                picked.iter().map(|&i| f.train[i]).collect::<Vec<usize>>(),
                picked,
            )
        });
        let levels = pipeline.levels(&self.frame, &train_rows);
        FoldData {
            x_valid: pipeline.transform(&self.frame, &valid_rows),
            x_train,
            train: f.train.clone(),
            sample: sample.map(|(x, positions, picked)| (x, positions, levels.pick(&picked))),
            levels,
        }
    }

    /// Classes of the target (0 for regression).
    pub(super) fn classes(&self) -> usize {
        self.prepared.target.n_classes()
    }

    /// The target of every validation split (cheap: no preprocessing).
    pub(super) fn truth(&self) -> Vec<Target> {
        self.splits
            .iter()
            .map(|f| self.prepared.target.select(&f.valid))
            .collect()
    }
}

/// Indices into `train` of a seeded sample of about `m` of them, ascending; stratified by class
/// (every class keeps at least two rows, or all it has).
pub(super) fn sample_indices(target: &Target, train: &[usize], m: usize, seed: u64) -> Vec<usize> {
    let mut rng = Rng::new(seed);
    let mut out = match target {
        Target::Classes { y, labels } => {
            let mut groups: Vec<Vec<usize>> = vec![Vec::new(); labels.len()];
            for (i, &p) in train.iter().enumerate() {
                groups[y[p] as usize].push(i);
            }
            let mut out = Vec::with_capacity(m + labels.len());
            for g in groups.iter_mut().filter(|g| !g.is_empty()) {
                rng.shuffle(g);
                let take = (g.len() * m).div_ceil(train.len()).max(2).min(g.len());
                out.extend_from_slice(&g[..take]);
            }
            out
        }
        Target::Values(_) => {
            let mut all: Vec<usize> = (0..train.len()).collect();
            rng.shuffle(&mut all);
            all.truncate(m);
            all
        }
    };
    out.sort_unstable();
    out
}

/// The part of a search any worker can run: the fold data of the splits assigned to it, and
/// the evaluation of one trial on one of them. Split `s` belongs to worker `s % workers`, so the
/// memory is spread over the workers and who computes what is fixed in advance.
pub struct SplitWorker {
    pub(super) plan: Plan,
    pub(super) folds: Vec<Option<FoldData>>,
}

impl SplitWorker {
    /// Worker `worker` of `workers`: reads the plan (the same on every worker) and learns the
    /// preprocessing of its own splits only.
    pub fn new(
        table: &Table,
        settings: &SearchSettings,
        worker: usize,
        workers: usize,
    ) -> Result<SplitWorker> {
        Ok(Self::with_plan(
            Plan::new(table, settings)?,
            worker,
            workers,
        ))
    }

    pub(super) fn with_plan(plan: Plan, worker: usize, workers: usize) -> SplitWorker {
        let workers = workers.max(1);
        let folds = (0..plan.splits.len())
            .map(|s| (s % workers == worker).then(|| plan.fold_data(s)))
            .collect();
        SplitWorker { plan, folds }
    }

    /// Number of validation splits of the run (all workers', not only this one's).
    pub fn n_splits(&self) -> usize {
        self.folds.len()
    }

    /// The splits this worker prepared.
    pub fn own_splits(&self) -> Vec<usize> {
        (0..self.folds.len())
            .filter(|&s| self.folds[s].is_some())
            .collect()
    }

    /// Fits the trial's configuration on split `split`'s training rows (or their sample) and
    /// predicts its validation rows. Errors if the split is not this worker's, or if the model
    /// cannot be fitted on this data.
    pub fn evaluate_split(&self, trial: &Trial, split: usize) -> Result<SplitOutput> {
        let Some(Some(fd)) = self.folds.get(split) else {
            return Err(AutoMlError::Internal {
                reason: message!("internal.split_not_prepared", split),
            });
        };
        let (x, positions, levels) = match (&fd.sample, trial.sampled) {
            (Some((x, p, l)), true) => (x, p, l),
            _ => (&fd.x_train, &fd.train, &fd.levels),
        };
        let y = self.plan.prepared.target.select(positions);
        let model = trial
            .spec
            .fit_levels(x, Some(levels), y.view(), trial.seed)?;
        let (predictions, averageable) = flatten(&model, &fd.x_valid)?;
        let subset = self.train_subset(x, positions, split);
        let train_score = subset
            .as_ref()
            .and_then(|(sub, chosen)| self.train_score(&model, sub, chosen));
        let boosting = subset
            .as_ref()
            .filter(|_| split == 0)
            .and_then(|(sub, chosen)| {
                let seen = self.plan.prepared.target.select(chosen);
                let truth = self
                    .plan
                    .prepared
                    .target
                    .select(&self.plan.splits[split].valid);
                model.round_curve((sub, seen.view()), (&fd.x_valid, truth.view()))
            });
        Ok(SplitOutput {
            predictions,
            averageable,
            network: model.network(),
            train_score,
            boosting,
        })
    }

    /// The metric of `model` on a seeded subset of the rows it was fitted on (`x`, whose rows
    /// are the target's `positions`): at most [`TRAIN_SCORE_ROWS`] over all splits. The subset
    /// depends only on the run's seed and the split (the same rows for every trial), and it
    /// draws from its own generator, so it changes no fit and no validation score.
    fn train_score(&self, model: &FittedModel, subset: &Matrix, chosen: &[usize]) -> Option<f64> {
        let (preds, _) = flatten(model, subset).ok()?;
        let truth = self.plan.prepared.target.select(chosen);
        let metric = self.plan.metric;
        let value = metric.value_of_score(split_score(metric, &truth, &preds));
        value.is_finite().then_some(value)
    }

    /// The seeded subset of the rows a split's model was fitted on (`x`, whose rows are the
    /// target's `positions`) that its training score is measured on: at most
    /// [`TRAIN_SCORE_ROWS`] over all splits, the same rows for every trial, drawn from its own
    /// generator. Its inputs, and its rows' positions in the target.
    fn train_subset(
        &self,
        x: &Matrix,
        positions: &[usize],
        split: usize,
    ) -> Option<(Matrix, Vec<usize>)> {
        let m = TRAIN_SCORE_ROWS
            .div_ceil(self.n_splits().max(1))
            .min(x.rows);
        if m == 0 || positions.len() != x.rows {
            return None;
        }
        let mut picked: Vec<usize> = (0..x.rows).collect();
        if m < x.rows {
            Rng::new(mix_seed(self.plan.settings.seed ^ 0x7EA1_5C0E, split)).shuffle(&mut picked);
            picked.truncate(m);
            picked.sort_unstable();
        }
        let mut data = Vec::with_capacity(m * x.cols);
        for &r in &picked {
            data.extend_from_slice(x.row(r));
        }
        let subset = Matrix {
            rows: m,
            cols: x.cols,
            data,
        };
        let chosen: Vec<usize> = picked.iter().map(|&r| positions[r]).collect();
        Some((subset, chosen))
    }
}

pub(super) struct FoldData {
    pub(super) x_train: Matrix,
    pub(super) x_valid: Matrix,
    pub(super) train: Vec<usize>,
    /// The seeded sample of the training rows (its inputs, positions and levels), when
    /// progressive sampling applies.
    pub(super) sample: Option<(Matrix, Vec<usize>, Levels)>,
    /// The levels of the training rows' categorical inputs with many levels (a network's
    /// embeddings).
    pub(super) levels: Levels,
}

/// The validation splits and their description: a stratified (classification) or shuffled
/// holdout of 20% when rows × inputs exceed [`HOLDOUT_CELLS`]; k-fold repeated three times
/// below [`REPEAT_BELOW_ROWS`] rows; k-fold otherwise (k lowered to the smallest class).
pub(super) fn plan_splits(
    target: &Target,
    n: usize,
    columns: usize,
    settings: &SearchSettings,
    notes: &mut Vec<Message>,
) -> (Vec<Fold>, String) {
    let mut k = settings.folds.min(n);
    if let Target::Classes { y, labels } = target {
        let mut counts = vec![0usize; labels.len()];
        y.iter().for_each(|&c| counts[c as usize] += 1);
        let smallest = counts.iter().copied().min().unwrap_or(0);
        if smallest < k {
            notes.push(message!(
                "search.folds_reduced",
                asked = k,
                smallest,
                used = smallest.max(2)
            ));
            k = smallest.max(2);
        }
    }
    let split = |seed: u64| match target {
        Target::Classes { y, .. } => stratified_kfold(y, k, seed),
        Target::Values(_) => kfold(n, k, seed),
    };
    let cells = n.saturating_mul(columns.max(1));
    let limit = settings.time_budget_s.map_or(HOLDOUT_CELLS, |b| {
        HOLDOUT_CELLS.min((HOLDOUT_CELLS_PER_SECOND * b) as usize)
    });
    if cells > limit {
        // one fold of a 5-fold split is a stratified 20% holdout
        let k5 = match target {
            Target::Classes { y, .. } => stratified_kfold(y, 5, settings.seed),
            Target::Values(_) => kfold(n, 5, settings.seed),
        };
        let holdout = k5.into_iter().next().into_iter().collect();
        return (
            holdout,
            format!(
                "a 20% holdout ({n} rows is large enough, and k-fold would cost {k} times more)"
            ),
        );
    }
    if n < REPEAT_BELOW_ROWS {
        let mut all = Vec::new();
        for r in 0..3u64 {
            all.extend(split(settings.seed.wrapping_add(r * 7919)));
        }
        return (all, format!("{k}-fold cross-validation repeated 3 times (under {REPEAT_BELOW_ROWS} rows, one split is too noisy)"));
    }
    let kind = if matches!(target, Target::Classes { .. }) {
        "stratified "
    } else {
        ""
    };
    (
        split(settings.seed),
        format!("{kind}{k}-fold cross-validation"),
    )
}
