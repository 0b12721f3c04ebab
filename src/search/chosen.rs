//! Finishing a run with a chosen trial: after Stop (the best trial so far) or when a person
//! picks another row of the leaderboard (the simplest model within the spread). The trial is
//! evaluated again on every split (each split's fit is seeded by the trial, so its out-of-fold
//! predictions are the ones its leaderboard score came from) and refitted on all rows; the
//! result then goes through the same explain phase and model file as any run
//! (the results module's `finish_run`).

use super::finish::{assemble, Assembly};
use super::*;

/// The family of `row` as a message (`family.<name>`, the catalogue's name for people; an
/// ensemble as `family.ensemble` with its member count), for messages that name a model.
pub fn family_message(row: &LeaderboardRow) -> Message {
    if row.family == "ensemble" {
        let count = row
            .params
            .get("members")
            .and_then(|m| m.as_array())
            .map_or(0, Vec::len);
        return message!("family.ensemble", count);
    }
    Message::new(&format!("family.{}", row.family), Vec::new())
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Ending {
    /// The search ran to its budget and chose the winner itself.
    #[default]
    Finished,
    /// The person stopped the search; the best trial so far was refitted.
    Stopped,
    /// The person chose this trial from the leaderboard.
    Chosen,
}

/// Finishes a run on `table` with `settings` from its leaderboard `rows` (as the run reported
/// them, read back from JSON) with trial `trial`: its out-of-fold predictions, its refit on
/// all rows, and the result marked with `ending`. `elapsed_s` is the time the search took
/// before; the time taken here is added. An ensemble row cannot be chosen (its members'
/// weights are not in the row's numbers alone); a trial that is not in `rows` is an error.
#[allow(clippy::too_many_arguments)] // one call from the bindings and the tests; a struct would only rename them
pub fn finish_chosen(
    table: &Table,
    settings: &SearchSettings,
    rows: Vec<LeaderboardRow>,
    trial: usize,
    ending: Ending,
    elapsed_s: f64,
    clock: &dyn Clock,
    observer: &mut dyn Observer,
) -> Result<SearchOutcome> {
    let start = clock.now_s();
    let bad = || AutoMlError::BadSetting {
        name: "trial".into(),
        reason: message!("setting.chosen_trial", trial),
    };
    let mut rows: Vec<LeaderboardRow> = rows
        .into_iter()
        .map(|mut r| {
            let s = r.metric.value_of_score(r.mean);
            r.score = if s.is_finite() { s } else { f64::NEG_INFINITY };
            r
        })
        .collect();
    rows.sort_by_key(|r| r.trial);
    rows.dedup_by_key(|r| r.trial);
    let chosen = rows
        .iter()
        .find(|r| r.trial == trial && r.family != "ensemble")
        .cloned()
        .ok_or_else(bad)?;
    let plan = Plan::new(table, settings)?;
    let mut notes = plan.notes.clone();
    let worker = SplitWorker::with_plan(plan, 0, 1);
    // The search's decisions were told as its trials came; after Stop the log also says why
    // the search ended (with the refit), a chosen row adds nothing to it.
    let phase = |name: &str, events: Vec<Message>| Progress::Phase {
        phase: name.into(),
        elapsed_s: elapsed_s + clock.now_s() - start,
        budget_s: settings.time_budget_s.unwrap_or(0.0),
        time_left_s: 0.0,
        events,
    };
    let ended = match ending {
        Ending::Stopped => vec![message!("event.end_stopped")],
        Ending::Finished | Ending::Chosen => Vec::new(),
    };
    let _ = observer.on_progress(&phase("refit", ended));
    let refit_start = clock.now_s();
    let run = Trial {
        number: chosen.trial,
        spec: chosen.spec.clone(),
        seed: mix_seed(settings.seed, chosen.trial),
        sampled: chosen.sample_rows.is_some(),
    };
    let oof = (0..worker.n_splits())
        .map(|s| worker.evaluate_split(&run, s).map(|o| o.predictions))
        .collect::<Result<Vec<_>>>()?;
    let plan = &worker.plan;
    let prepared = &plan.prepared;
    let all: Vec<usize> = (0..prepared.rows.len()).collect();
    let y_all = prepared.target.select(&all);
    let (pipeline, x_all) = Pipeline::fit_transform(
        &plan.frame,
        &prepared.rows,
        Some(y_all.view()),
        settings.seed,
    );
    let levels = pipeline.levels(&plan.frame, &prepared.rows);
    let model = chosen
        .spec
        .fit_levels(&x_all, Some(&levels), y_all.view(), run.seed)?;
    let refit_time_s = clock.now_s() - refit_start;
    let best = rows
        .iter()
        .max_by(|a, b| a.score.total_cmp(&b.score).then(b.trial.cmp(&a.trial)))
        .cloned()
        .unwrap_or_else(|| chosen.clone());
    notes.push(match ending {
        Ending::Stopped => message!(
            "search.stopped_early",
            trials = rows.iter().filter(|r| r.family != "ensemble").count()
        ),
        _ => message!(
            "search.chosen",
            model = family_message(&chosen),
            trial = chosen.trial,
            best = family_message(&best),
            best_trial = best.trial
        ),
    });
    Ok(assemble(
        plan,
        Assembly {
            rows,
            best_row: chosen,
            pipeline,
            model: FinalModel::Single(model),
            oof,
            notes,
            elapsed_s: elapsed_s + clock.now_s() - start,
            refit_time_s,
            ending,
        },
    ))
}
