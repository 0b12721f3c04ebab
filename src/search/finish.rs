//! The end of a search: the ensemble, the choice of the winner and its refit on all rows.

use super::*;

impl SearchSession<'_> {
    /// Ends the search: builds the ensemble (a leaderboard row like the others, chosen only if
    /// it scores better), refits the winner on all rows, and reports the phases to `observer`.
    pub fn finish(self, observer: &mut dyn Observer) -> Result<SearchOutcome> {
        let SearchSession {
            local,
            clock,
            start,
            parallel,
            truth,
            tuner,
            mut rows,
            kept,
            oof_cache,
            failed,
            mut notes,
            mut events,
            paused,
            ..
        } = self;
        let plan = &local.plan;
        let elapsed = || clock.now_s() - start - paused;
        let settings = &plan.settings;
        let budget = settings.time_budget_s;
        let budget_s = budget.unwrap_or(0.0);
        let time_left = || budget.map_or(0.0, |b| (b - elapsed()).max(0.0));
        let phase = |name: &str, events: &mut Vec<Message>| Progress::Phase {
            phase: name.into(),
            elapsed_s: elapsed(),
            budget_s,
            time_left_s: time_left(),
            events: std::mem::take(events),
        };
        let metric = plan.metric;
        let n_splits = plan.splits.len();
        if tuner.skipped > 0 {
            notes.push(message!("search.skipped", count = tuner.skipped));
        }
        if rows.is_empty() {
            return Err(if failed.is_empty() {
                AutoMlError::BudgetTooSmall { budget_s }
            } else {
                AutoMlError::AllModelsFailed {
                    reason: notes
                        .iter()
                        .rev()
                        .find(|n| n.code == "search.family_failed")
                        .cloned()
                        .unwrap_or_else(|| message!("search.no_trial")),
                }
            });
        }
        let refit_seconds = |row: &LeaderboardRow| {
            let per_split = row.fit_time_s * parallel as f64 / n_splits.max(1) as f64;
            match row.sample_rows {
                Some(m) => per_split * plan.splits[0].train.len() as f64 / m.max(1) as f64,
                None => per_split,
            }
        };

        // the ensemble: a leaderboard row like the others, chosen only if it scores better
        let mut ensemble: Option<EnsembleChoice> = None;
        let best_single = rows
            .iter()
            .map(|r| r.score)
            .fold(f64::NEG_INFINITY, f64::max);
        if settings.ensemble && kept.len() >= 2 {
            events.push(message!("event.ensemble", candidates = kept.len()));
            let _ = observer.on_progress(&phase("ensemble", &mut events));
            let candidates: Vec<&Vec<Vec<f64>>> = kept.iter().map(|k| &k.2).collect();
            if let Some(sel) = select(&candidates, &truth, metric) {
                let fold_values: Vec<f64> = sel
                    .split_scores
                    .iter()
                    .map(|&s| metric.value_of_score(s))
                    .collect();
                let (mean, std) = mean_std(&fold_values);
                let score = metric.value_of_score(mean);
                let members: Vec<(f64, usize)> =
                    sel.weights.iter().map(|&(c, w)| (w, kept[c].1)).collect();
                let refit_estimate: f64 = members
                    .iter()
                    .map(|&(_, i)| refit_seconds(&rows[i]) * 1.3)
                    .sum();
                let affordable = budget.is_none_or(|b| elapsed() + refit_estimate <= b * 1.02);
                let best_value = events::round4(metric.value_of_score(best_single));
                events.push(if score <= best_single {
                    message!(
                        "event.ensemble_not_better",
                        score = events::round4(mean),
                        best = best_value
                    )
                } else if affordable {
                    message!(
                        "event.ensemble_better",
                        members = members.len(),
                        score = events::round4(mean),
                        best = best_value
                    )
                } else {
                    message!("search.ensemble_no_refit")
                });
                if score > best_single && affordable {
                    let mut params = serde_json::Map::new();
                    let list: Vec<serde_json::Value> = members
                        .iter()
                        .map(|&(w, i)| serde_json::json!({ "trial": rows[i].trial, "model": rows[i].label, "weight": (w * 1000.0).round() / 1000.0 }))
                        .collect();
                    params.insert("members".into(), serde_json::Value::Array(list));
                    let best_member = members
                        .iter()
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map_or(0, |m| m.1);
                    // the blend of the members' out-of-fold predictions
                    let blend: Vec<Vec<f64>> = (0..n_splits)
                        .map(|s| {
                            let mut sum = vec![0.0; kept[sel.weights[0].0].2[s].len()];
                            for &(c, w) in &sel.weights {
                                sum.iter_mut()
                                    .zip(&kept[c].2[s])
                                    .for_each(|(a, b)| *a += w * b);
                            }
                            sum
                        })
                        .collect();
                    let row = LeaderboardRow {
                        rank: 0,
                        trial: rows.len() + 1,
                        family: "ensemble".into(),
                        label: format!("Ensemble of trials {}", {
                            let mut trials: Vec<usize> =
                                members.iter().map(|&(_, i)| rows[i].trial).collect();
                            trials.sort_unstable();
                            let text: Vec<String> =
                                trials.iter().map(ToString::to_string).collect();
                            text.join(", ")
                        }),
                        params,
                        metric,
                        higher_is_better: metric.higher_is_better(),
                        mean,
                        std,
                        fold_scores: fold_values,
                        // the ensemble costs its members' fits
                        fit_time_s: members.iter().map(|&(_, i)| rows[i].fit_time_s).sum(),
                        sample_rows: None,
                        network: None,
                        rung: None,
                        boosting: None,
                        train_score: None,
                        overfit: None,
                        spec: rows[best_member].spec.clone(),
                        score,
                    };
                    ensemble = Some((row, members, blend));
                } else if score > best_single {
                    notes.push(message!("search.ensemble_no_refit"));
                }
            }
        }

        // refit the winner on all rows
        let _ = observer.on_progress(&phase("refit", &mut events));
        let refit_start = clock.now_s();
        let prepared = &plan.prepared;
        let n = prepared.rows.len();
        let all: Vec<usize> = (0..n).collect();
        let y_all = prepared.target.select(&all);
        let (pipeline, x_all) = Pipeline::fit_transform(
            &plan.frame,
            &prepared.rows,
            Some(y_all.view()),
            settings.seed,
        );
        let levels = pipeline.levels(&plan.frame, &prepared.rows);
        let (best_row, model, oof) = match ensemble.take() {
            Some((row, members, blend)) => {
                let mut fitted = Vec::with_capacity(members.len());
                for &(w, i) in &members {
                    fitted.push((
                        w,
                        rows[i].spec.fit_levels(
                            &x_all,
                            Some(&levels),
                            y_all.view(),
                            mix_seed(settings.seed, rows[i].trial),
                        )?,
                    ));
                }
                rows.push(row.clone());
                (row, FinalModel::Ensemble(fitted), blend)
            }
            None => {
                // the best row whose refit fits what is left of the budget (a sampled winner's
                // refit costs more than its trial, so it must fit what is left); the cheapest
                // to refit if none does
                let mut order: Vec<usize> = (0..rows.len()).collect();
                crate::sort::sort_by(&mut order, |&a, &b| {
                    rows[b]
                        .score
                        .total_cmp(&rows[a].score)
                        .then(rows[a].trial.cmp(&rows[b].trial))
                });
                let left = budget.map(|b| b * 1.05 - (clock.now_s() - start));
                let chosen = order
                    .iter()
                    .copied()
                    .find(|&i| {
                        // a trial on all rows left room for its refit when it ran
                        rows[i].sample_rows.is_none()
                            || left.is_none_or(|l| refit_seconds(&rows[i]) <= l)
                    })
                    .unwrap_or_else(|| {
                        order
                            .iter()
                            .copied()
                            .min_by(|&a, &b| {
                                refit_seconds(&rows[a]).total_cmp(&refit_seconds(&rows[b]))
                            })
                            .unwrap_or(0)
                    });
                if chosen != order[0] {
                    notes.push(message!(
                        "search.refit_fallback",
                        best = events::family_words(rows[order[0]].spec.family_name()),
                        best_trial = rows[order[0]].trial,
                        chosen = events::family_words(rows[chosen].spec.family_name()),
                        chosen_trial = rows[chosen].trial
                    ));
                }
                let best = rows[chosen].clone();
                let m = best.spec.fit_levels(
                    &x_all,
                    Some(&levels),
                    y_all.view(),
                    mix_seed(settings.seed, best.trial),
                )?;
                let oof = oof_cache
                    .into_iter()
                    .find(|c| c.1 == chosen)
                    .map(|c| c.2)
                    .unwrap_or_default();
                (best, FinalModel::Single(m), oof)
            }
        };
        let refit_time_s = clock.now_s() - refit_start;
        Ok(assemble(
            plan,
            Assembly {
                rows,
                best_row,
                pipeline,
                model,
                oof,
                notes,
                elapsed_s: elapsed(),
                refit_time_s,
                ending: Ending::Finished,
            },
        ))
    }
}

/// What [`assemble`] puts together.
pub(super) struct Assembly {
    pub(super) rows: Vec<LeaderboardRow>,
    pub(super) best_row: LeaderboardRow,
    pub(super) pipeline: Pipeline,
    pub(super) model: FinalModel,
    pub(super) oof: Vec<Vec<f64>>,
    pub(super) notes: Vec<Message>,
    pub(super) elapsed_s: f64,
    pub(super) refit_time_s: f64,
    pub(super) ending: Ending,
}

/// The outcome of a run on `plan`: the leaderboard ranked, the winner's out-of-fold predictions
/// tied to their rows, the result and the model.
pub(super) fn assemble(plan: &Plan, a: Assembly) -> SearchOutcome {
    let Assembly {
        mut rows,
        best_row,
        pipeline,
        model,
        oof,
        notes,
        elapsed_s,
        refit_time_s,
        ending,
    } = a;
    let prepared = &plan.prepared;
    let n = prepared.rows.len();
    crate::sort::sort_by(&mut rows, |a, b| {
        b.score.total_cmp(&a.score).then(a.trial.cmp(&b.trial))
    });
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    let best_row = rows
        .iter()
        .find(|r| r.trial == best_row.trial)
        .cloned()
        .unwrap_or(best_row);
    let oof = OutOfFold {
        splits: plan
            .splits
            .iter()
            .zip(oof)
            .map(|(f, predictions)| SplitPredictions {
                rows: f.valid.iter().map(|&p| prepared.rows[p]).collect(),
                predictions,
            })
            .collect(),
    };
    let classes = match &prepared.target {
        Target::Classes { labels, .. } => labels.clone(),
        Target::Values(_) => Vec::new(),
    };
    let result = SearchResult {
        target: plan.target_name.clone(),
        task: plan.task,
        metric: plan.metric,
        n_rows: n,
        n_features: pipeline.n_features(),
        n_columns: pipeline.specs.len(),
        folds: plan.splits.len(),
        validation: plan.validation.clone(),
        elapsed_s,
        budget_s: plan.settings.time_budget_s.unwrap_or(0.0),
        leaderboard: rows,
        ending,
        best: BestSummary {
            row: best_row,
            refit_time_s,
        },
        notes,
        classes,
    };
    SearchOutcome {
        result,
        model: BestModel { pipeline, model },
        oof,
    }
}
