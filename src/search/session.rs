//! The search as an ask/tell session: which trial comes next, and what a finished one changes.

use super::*;

/// The chosen ensemble: its row, its members (weight, row index) and its blended out-of-fold
/// predictions.
pub(super) type EnsembleChoice = (LeaderboardRow, Vec<(f64, usize)>, Vec<Vec<f64>>);

/// A sampled trial promoted to all rows: its configuration, sampled score and cost so far.
pub(super) struct Promotion {
    pub(super) spec: ModelSpec,
    pub(super) score: f64,
    pub(super) cost: f64,
}

/// A search as an ask/tell session, so the splits of a trial can run anywhere: `next_trial()` gives
/// the next [`Trial`] (or `None` when the search is over), any worker evaluates its splits
/// ([`SearchSession::evaluate_split`] for the splits of worker 0, [`SplitWorker`] for the
/// others), `tell()` takes every split's predictions and returns the progress event, and
/// `finish()` builds the ensemble and refits the winner. Trials are sequential and every
/// split's fit is seeded, so the leaderboard does not depend on who evaluated what.
///
/// Progressive sampling: when a split has more than [`SAMPLE_ABOVE_ROWS`] training rows, a
/// costly configuration (see [`SAMPLE_ABOVE_PASSES`]) first runs as a trial on a seeded,
/// stratified sample of [`sample_size`] rows of each split's training rows; it runs again on
/// all rows, as the next trial, only when its sampled score ranks in the best
/// 1/[`PROMOTE_ETA`] of the sampled trials so far or beats every trial on all rows.
pub struct SearchSession<'c> {
    pub(super) local: SplitWorker,
    pub(super) clock: &'c dyn Clock,
    pub(super) start: f64,
    /// Splits evaluated at once (for the refit estimates).
    pub(super) parallel: usize,
    pub(super) truth: Vec<Target>,
    pub(super) train_rows: usize,
    pub(super) inputs: usize,
    pub(super) tuner: Tuner,
    pub(super) rows: Vec<LeaderboardRow>,
    /// Out-of-fold predictions of the best trials, for the ensemble: (score, row index, preds).
    pub(super) kept: Vec<(f64, usize, Vec<Vec<f64>>)>,
    /// Out-of-fold predictions of the best rows, any kind: (score, row index, preds).
    pub(super) oof_cache: Vec<(f64, usize, Vec<Vec<f64>>)>,
    /// Seconds per cost unit, per family, measured (time budget only).
    pub(super) rate: Vec<(&'static str, f64)>,
    pub(super) failed: Vec<&'static str>,
    pub(super) notes: Vec<Message>,
    pub(super) sampled_scores: Vec<f64>,
    pub(super) promotion: Option<Promotion>,
    /// The sampled cost of the promotion now running on all rows.
    pub(super) promoted: Option<f64>,
    pub(super) over: bool,
    /// What the search decided since the last progress event ("event.*" messages).
    pub(super) events: Vec<Message>,
    /// Seconds the clock ran while the session waited (step and slow modes): not counted.
    pub(super) paused: f64,
    /// Successive halving of networks on epochs.
    pub(super) halving: halving::Halving,
}

impl<'c> SearchSession<'c> {
    /// Starts a search on `table`: prepares the target, the splits, and the fold data of
    /// worker 0 of `workers` (all of it when `workers` is 1). Time counts from now on `clock`.
    pub fn new(
        table: &Table,
        settings: &SearchSettings,
        clock: &'c dyn Clock,
        workers: usize,
    ) -> Result<SearchSession<'c>> {
        let start = clock.now_s();
        let plan = Plan::new(table, settings)?;
        let truth = plan.truth();
        let notes = plan.notes.clone();
        let local = SplitWorker::with_plan(plan, 0, workers);
        let (train_rows, inputs) = local.folds[0]
            .as_ref()
            .map_or((0, 0), |f| (f.x_train.rows, f.x_train.cols));
        let task = local.plan.task;
        let families = settings.chosen_families(task == Task::Classification)?;
        let mut start_with = portfolio(task, inputs)?;
        start_with.retain(|s| families.contains(&s.family()));
        let tuner = Tuner::new(
            task,
            &families,
            start_with,
            settings.seed,
            settings.time_budget_s.is_none(),
        );
        let parallel = workers
            .max(worker_threads())
            .clamp(1, local.n_splits().max(1));
        Ok(SearchSession {
            local,
            clock,
            start,
            parallel,
            truth,
            train_rows,
            inputs,
            tuner,
            rows: Vec::new(),
            kept: Vec::new(),
            oof_cache: Vec::new(),
            rate: Vec::new(),
            failed: Vec::new(),
            notes,
            sampled_scores: Vec::new(),
            promotion: None,
            promoted: None,
            over: false,
            events: Vec::new(),
            paused: 0.0,
            halving: halving::Halving::default(),
        })
    }

    pub(super) fn settings(&self) -> &SearchSettings {
        &self.local.plan.settings
    }

    pub(super) fn deterministic(&self) -> bool {
        self.settings().time_budget_s.is_none()
    }

    /// Seconds since the session started, the time it waited aside ([`SearchSession::pause`]).
    pub fn elapsed(&self) -> f64 {
        self.clock.now_s() - self.start - self.paused
    }

    /// Leaves `seconds` the session spent waiting between trials (for the person to press
    /// Next, or to slow the search down for a class) out of its time: the budget clock stops
    /// while it waits.
    pub fn pause(&mut self, seconds: f64) {
        if seconds.is_finite() && seconds > 0.0 {
            self.paused += seconds;
        }
    }

    /// Ends the search because a started trial was abandoned (its remaining splits would not
    /// finish within the budget).
    pub fn abandon(&mut self, trial: &Trial) {
        self.events.push(message!(
            "event.abandoned",
            trial = trial.number,
            model = events::family_words(trial.spec.family_name())
        ));
        self.over = true;
    }

    /// The events since the last progress event, taken.
    pub(super) fn take_events(&mut self) -> Vec<Message> {
        std::mem::take(&mut self.events)
    }

    pub(super) fn time_left(&self) -> f64 {
        self.settings()
            .time_budget_s
            .map_or(0.0, |b| (b - self.elapsed()).max(0.0))
    }

    /// Number of validation splits each trial is evaluated on.
    pub fn n_splits(&self) -> usize {
        self.local.n_splits()
    }

    /// The fold data of worker 0, which [`SearchSession::evaluate_split`] uses.
    pub fn local(&self) -> &SplitWorker {
        &self.local
    }

    /// Evaluates `trial` on split `split`, which must be one of worker 0's.
    pub fn evaluate_split(&self, trial: &Trial, split: usize) -> Result<SplitOutput> {
        self.local.evaluate_split(trial, split)
    }

    /// A phase event ("search", "ensemble" or "refit") stamped now, with the events since
    /// the last one.
    pub fn phase(&mut self, phase: &str) -> Progress {
        Progress::Phase {
            phase: phase.into(),
            elapsed_s: self.elapsed(),
            budget_s: self.settings().time_budget_s.unwrap_or(0.0),
            time_left_s: self.time_left(),
            events: self.take_events(),
        }
    }

    /// Whether the splits of a started trial may go on: false once the time budget is spent
    /// (the first trial always finishes).
    pub fn may_continue(&self) -> bool {
        self.settings()
            .time_budget_s
            .is_none_or(|b| self.rows.is_empty() || self.elapsed() <= b)
    }

    /// Whether `count` more splits of `trial` may start: the cost model predicts they finish
    /// within the budget (always, before the first trial is done or without a time budget).
    pub fn may_start_splits(&self, trial: &Trial, count: usize) -> bool {
        self.settings().time_budget_s.is_none_or(|b| {
            let per_split =
                self.costs().seconds(&trial.spec, trial.sampled) / self.n_splits().max(1) as f64;
            let batches = count.div_ceil(self.parallel.max(1)) as f64;
            self.rows.is_empty() || self.elapsed() + per_split * self.parallel as f64 * batches <= b
        })
    }

    pub(super) fn costs(&self) -> CostModel<'_> {
        CostModel {
            train_rows: self.train_rows,
            inputs: self.inputs,
            n_splits: self.n_splits(),
            sample_rows: self.local.plan.sample_rows,
            classes: self.local.plan.classes(),
            rate: &self.rate,
            failed: &self.failed,
        }
    }

    /// Seconds one fit of a row's configuration on all rows would take, about.
    pub(super) fn refit_seconds(&self, row: &LeaderboardRow) -> f64 {
        let per_split = row.fit_time_s * self.parallel as f64 / self.n_splits().max(1) as f64;
        match row.sample_rows {
            Some(m) => per_split * self.train_rows as f64 / m.max(1) as f64,
            None => per_split,
        }
    }

    pub(super) fn trial(&self, spec: ModelSpec, sampled: bool) -> Trial {
        let number = self.rows.len() + 1;
        Trial {
            number,
            spec,
            seed: mix_seed(self.settings().seed, number),
            sampled,
        }
    }

    /// The next trial to evaluate, or `None` when the search is over (trial budget reached,
    /// time budget spent, nothing left that fits, or stopped).
    pub fn next_trial(&mut self) -> Option<Trial> {
        if self.over {
            return None;
        }
        if self.rows.len() >= self.settings().max_trials.unwrap_or(usize::MAX) {
            self.events
                .push(message!("event.end_trials", trials = self.rows.len()));
            self.over = true;
            return None;
        }
        let deterministic = self.deterministic();
        let best_score = self
            .rows
            .iter()
            .map(|r| r.score)
            .fold(f64::NEG_INFINITY, f64::max);
        let spent = self.elapsed();
        // a trial must leave room for the final refit of the best so far (about one fit on all
        // rows), and a trial on all rows for its own refit, should it become the best
        // (the room kept is for the best trial on all rows, the fallback; and for the best
        // sampled trial better than it whose refit on all rows still fits the budget)
        let best_of = |full_only: bool| {
            self.rows
                .iter()
                .filter(|r| !full_only || r.sample_rows.is_none())
                .max_by(|a, b| a.score.total_cmp(&b.score).then(b.trial.cmp(&a.trial)))
        };
        let mut reserve = best_of(true).map_or(0.0, |r| self.refit_seconds(r) * 1.5);
        let floor = best_of(true).map_or(f64::NEG_INFINITY, |r| r.score);
        let budget = self.settings().time_budget_s.unwrap_or(f64::INFINITY);
        let mut better: Vec<&LeaderboardRow> = self
            .rows
            .iter()
            .filter(|r| r.sample_rows.is_some() && r.score > floor)
            .collect();
        crate::sort::sort_by(&mut better, |a, b| {
            b.score.total_cmp(&a.score).then(a.trial.cmp(&b.trial))
        });
        if let Some(r) = better
            .iter()
            .map(|r| self.refit_seconds(r) * 1.5)
            .find(|&r| spent + r <= budget * 1.05)
        {
            reserve = reserve.max(r);
        }
        let own_refit = 1.0 + 1.5 * self.parallel as f64 / self.n_splits().max(1) as f64;
        let remaining = self.settings().time_budget_s.map(|b| b - spent - reserve);
        if remaining.is_some_and(|r| r <= 0.0) && !self.rows.is_empty() {
            self.events.push(message!(
                "event.end_time",
                left_s = events::round4(self.time_left())
            ));
            self.over = true;
            return None;
        }
        if let Some(p) = self.promotion.take() {
            let fits = deterministic
                || remaining.is_none_or(|r| self.costs().seconds(&p.spec, false) * own_refit <= r);
            if fits {
                self.promoted = Some(p.cost);
                self.events.push(message!(
                    "event.promoted",
                    model = events::family_words(p.spec.family_name()),
                    score = events::round4(self.local.plan.metric.value_of_score(p.score))
                ));
                return Some(self.trial(p.spec, false));
            }
            self.tuner.report(p.score, p.cost);
        }
        if let Some(climb) = self.halving.waiting.take() {
            // a network that ranked in the best third of its rung: its next rung
            let spec = climb.rung_spec();
            let last = climb.rung + 1 == climb.epochs.len();
            let refit = if last { own_refit } else { 1.0 };
            let fits = deterministic
                || remaining.is_none_or(|r| self.costs().seconds(&spec, false) * refit <= r);
            if fits {
                self.events.push(message!(
                    "event.rung_next",
                    model = events::family_words(spec.family_name()),
                    rung = climb.rung + 1,
                    rungs = climb.epochs.len(),
                    epochs = climb.epochs[climb.rung]
                ));
                let trial = self.trial(spec, false);
                self.halving.running = Some((trial.number, climb));
                return Some(trial);
            }
            self.events.push(message!(
                "event.skipped",
                model = events::family_words(spec.family_name()),
                predicted_s = events::round4(self.costs().seconds(&spec, false) * refit),
                left_s = events::round4(remaining.unwrap_or(0.0).max(0.0))
            ));
            self.tuner.report(climb.score, climb.cost);
        }
        let costs = CostModel {
            train_rows: self.train_rows,
            inputs: self.inputs,
            n_splits: self.local.n_splits(),
            sample_rows: self.local.plan.sample_rows,
            classes: self.local.plan.classes(),
            rate: &self.rate,
            failed: &self.failed,
        };
        let proposal = if deterministic {
            self.tuner
                .propose(best_score, None, &|s| costs.static_cost(&halving::entry(s)))
        } else if self.rate.iter().all(|r| r.0 == "constant") {
            // nothing timed yet (the baseline's time is mostly fixed overhead and says nothing
            // per cost unit): the cheapest trial runs
            self.tuner.propose(best_score, None, &|s| {
                let s = halving::entry(s);
                costs.units(&s, costs.sampled(&s))
            })
        } else {
            self.tuner.propose(best_score, remaining, &|s| {
                let s = halving::entry(s);
                let sampled = costs.sampled(&s);
                costs.seconds(&s, sampled) * if sampled { 1.0 } else { own_refit }
            })
        };
        self.events.append(&mut self.tuner.events);
        let Some(spec) = proposal else {
            self.events.push(if remaining.is_some() {
                message!("event.end_nothing_fits")
            } else {
                message!("event.end_exhausted")
            });
            self.over = true;
            return None;
        };
        let spec = spec.for_metric(self.local.plan.metric);
        if let Some((_, epochs)) = halving::rungs_of(&spec) {
            // a network: its first rung, a few epochs
            self.events.push(message!(
                "event.rung_first",
                model = events::family_words(spec.family_name()),
                epochs = epochs[0],
                full = epochs[epochs.len() - 1],
                rungs = epochs.len()
            ));
            let climb = halving::Climb {
                spec: spec.clone(),
                rung: 0,
                epochs,
                earlier: Vec::new(),
                cost: 0.0,
                score: f64::NEG_INFINITY,
            };
            let trial = self.trial(climb.rung_spec(), false);
            self.halving.running = Some((trial.number, climb));
            return Some(trial);
        }
        let sampled = self.costs().sampled(&spec);
        if sampled {
            self.events.push(message!(
                "event.sampled",
                model = events::family_words(spec.family_name()),
                rows = self.local.plan.sample_rows.unwrap_or(0)
            ));
        }
        Some(self.trial(spec, sampled))
    }

    /// Ends the search after the current trial (an observer or the person asked to stop):
    /// `next_trial()` returns `None` from now on.
    pub fn stop(&mut self) {
        if !self.over {
            self.events.push(message!("event.end_stopped"));
        }
        self.over = true;
    }

    /// Takes a trial's result: every split's predictions in split order, or the reason it
    /// failed (a family that fails is noted and not proposed again), and the wall-clock
    /// seconds it took. Returns the progress event of its new leaderboard row (`None` for a
    /// failed trial).
    pub fn tell(
        &mut self,
        trial: &Trial,
        outputs: std::result::Result<Vec<SplitOutput>, Message>,
        seconds: f64,
    ) -> Option<Progress> {
        let deterministic = self.deterministic();
        let units = self.costs().units(&trial.spec, trial.sampled);
        let earlier_cost = if trial.sampled {
            0.0
        } else {
            self.promoted.take().unwrap_or(0.0)
        };
        let cost = if deterministic { units } else { seconds } + earlier_cost;
        let n_splits = self.n_splits();
        let outputs = match outputs {
            Ok(o) if o.len() != n_splits => Err(message!(
                "search.splits_missing",
                done = o.len(),
                total = n_splits
            )),
            other => other,
        };
        let outputs = match outputs {
            Ok(o) => o,
            Err(e) => {
                // one family failing on this data must not end the search: note it, go on
                if !self.failed.contains(&trial.spec.family_name()) {
                    self.failed.push(trial.spec.family_name());
                    self.notes.push(message!(
                        "search.family_failed",
                        model = events::family_words(trial.spec.family_name()),
                        error = e
                    ));
                }
                self.tuner.report(f64::NEG_INFINITY, cost);
                self.halving.running = None;
                self.events.append(&mut self.tuner.events);
                self.events.push(message!(
                    "event.failed",
                    model = events::family_words(trial.spec.family_name())
                ));
                return None;
            }
        };
        let metric = self.local.plan.metric;
        if !deterministic {
            let observed = seconds / units.max(1e-9);
            match self
                .rate
                .iter_mut()
                .find(|(f, _)| *f == trial.spec.family_name())
            {
                // up at once when a trial runs slower than predicted (the machine got busier),
                // down only gradually
                Some(entry) => entry.1 = observed.max(0.5 * entry.1 + 0.5 * observed),
                None => self.rate.push((trial.spec.family_name(), observed)),
            }
        }
        let averageable = outputs.iter().all(|o| o.averageable);
        let network = outputs.first().and_then(|o| o.network.clone());
        let boosting = outputs.first().and_then(|o| o.boosting.clone());
        let train_values: Vec<f64> = outputs.iter().filter_map(|o| o.train_score).collect();
        let train_score = (train_values.len() == outputs.len() && !train_values.is_empty())
            .then(|| mean_std(&train_values).0);
        let preds: Vec<Vec<f64>> = outputs.into_iter().map(|o| o.predictions).collect();
        let fold_values: Vec<f64> = preds
            .iter()
            .enumerate()
            .map(|(s, p)| metric.value_of_score(split_score(metric, &self.truth[s], p)))
            .collect();
        let (mean, std) = mean_std(&fold_values);
        let score = metric.value_of_score(mean);
        let score = if score.is_finite() {
            score
        } else {
            f64::NEG_INFINITY
        };
        let best_full = self
            .rows
            .iter()
            .filter(|r| r.sample_rows.is_none())
            .map(|r| r.score)
            .fold(f64::NEG_INFINITY, f64::max);
        let mut verdict = None;
        if trial.sampled {
            self.sampled_scores.push(score);
            let better = self.sampled_scores.iter().filter(|&&s| s > score).count();
            let top = self.sampled_scores.len().div_ceil(PROMOTE_ETA);
            if score.is_finite() && (better < top || score > best_full) {
                self.promotion = Some(Promotion {
                    spec: trial.spec.clone(),
                    score,
                    cost,
                });
            } else {
                self.tuner.report(score, cost);
            }
        } else {
            match self.halving.decide(trial.number, score, cost, metric) {
                Some(v) => {
                    if let Some((s, c)) = v.report {
                        self.tuner.report(s, c);
                    }
                    verdict = Some(v);
                }
                None => self.tuner.report(score, cost),
            }
            if score.is_finite() && averageable {
                self.kept.push((score, self.rows.len(), preds.clone()));
                crate::sort::sort_by(&mut self.kept, |a, b| {
                    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
                });
                self.kept.truncate(ENSEMBLE_CANDIDATES);
            }
        }
        self.events.append(&mut self.tuner.events);
        let previous_best = self.best_score();
        let classification = self.local.plan.task == Task::Classification;
        let overfit = train_score.and_then(|t| overfitting(metric, t, mean));
        let row = LeaderboardRow {
            rank: 0,
            trial: trial.number,
            family: trial.spec.family_name().into(),
            label: trial.spec.label().into(),
            params: trial.spec.params(classification),
            metric,
            higher_is_better: metric.higher_is_better(),
            mean,
            std,
            fold_scores: fold_values,
            fit_time_s: seconds,
            sample_rows: if trial.sampled {
                self.local.plan.sample_rows
            } else {
                None
            },
            network,
            rung: verdict.as_ref().map(|v| v.info.clone()),
            boosting,
            train_score,
            overfit: overfit.clone(),
            spec: trial.spec.clone(),
            score,
        };
        self.events.push(match train_score {
            Some(train) => message!(
                "event.scored",
                trial = trial.number,
                model = events::family_words(trial.spec.family_name()),
                score = events::round4(mean),
                train = events::round4(train)
            ),
            None => message!(
                "event.scored_no_train",
                trial = trial.number,
                model = events::family_words(trial.spec.family_name()),
                score = events::round4(mean)
            ),
        });
        if let Some(o) = overfit {
            self.events.push(o);
        }
        if let Some(mut v) = verdict {
            self.events.append(&mut v.events);
        }
        if score > previous_best && previous_best.is_finite() {
            self.events.push(message!(
                "event.new_best",
                model = events::family_words(trial.spec.family_name()),
                score = events::round4(mean),
                previous = events::round4(metric.value_of_score(previous_best))
            ));
        }
        self.oof_cache.push((score, self.rows.len(), preds));
        crate::sort::sort_by(&mut self.oof_cache, |a, b| {
            b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
        });
        self.oof_cache.truncate(ENSEMBLE_CANDIDATES);
        self.rows.push(row.clone());
        let best_so_far = metric.value_of_score(self.best_score());
        Some(Progress::Trial {
            elapsed_s: self.elapsed(),
            budget_s: self.settings().time_budget_s.unwrap_or(0.0),
            trials_done: self.rows.len(),
            row,
            best_so_far,
            time_left_s: self.time_left(),
            events: self.take_events(),
        })
    }

    /// The best score so far (higher is better).
    pub(super) fn best_score(&self) -> f64 {
        self.rows
            .iter()
            .map(|r| r.score)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// Trials finished so far.
    pub fn trials_done(&self) -> usize {
        self.rows.len()
    }
}
