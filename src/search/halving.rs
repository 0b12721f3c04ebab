//! Successive halving on epochs for neural networks (multi-fidelity architecture search): every
//! network the tuner proposes is first trained for a few epochs (rung 0), on the same splits as
//! every trial; it continues to three times the epochs (the next rung) only if its
//! cross-validated score ranks in the best third of the scores of that rung so far (the
//! promotion rule of asynchronous successive halving, Li et al. 2018, η = [`HALVING_ETA`]),
//! up to the epochs the tuner chose. Each rung is a trial and a leaderboard row of its own,
//! with its rung ([`RungInfo`]); a network that stops carries the reason.
//!
//! A continued network is trained again from the start with the longer budget, not resumed:
//! its learning-rate schedule (RealMLP's `coslog4`, and dropout and weight decay on
//! `flat_cos`) is laid out over the whole run, so a short run ends with the learning rate at
//! zero and its weights are not a point on the longer run's path. A rung's trial is an
//! ordinary trial of a configuration with fewer epochs: it is refitted, chosen and saved like
//! any other, and it depends only on the scores, so a trial budget gives the same leaderboard
//! on any number of workers.

use super::*;
use crate::models::neural_network::NeuralNetwork;

/// The reduction factor: a third of the networks of a rung continue, with three times the epochs.
pub const HALVING_ETA: usize = 3;
/// The fewest epochs of a rung.
pub const MIN_RUNG_EPOCHS: usize = 4;
/// The most rungs of one configuration (the last one at its full epochs).
pub const MAX_RUNGS: usize = 3;

/// A network trial's place in successive halving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RungInfo {
    /// This trial's rung, from 0.
    pub rung: usize,
    /// The epochs of every rung of its configuration (the last: the epochs the tuner chose).
    pub epochs: Vec<usize>,
    /// Trial numbers of the earlier rungs of the same configuration, in order.
    pub earlier: Vec<usize>,
    /// Whether it continues to the next rung.
    pub continued: bool,
    /// Set when it stops before its last rung: why ("search.rung_stopped").
    #[serde(default)]
    pub stopped: Option<Message>,
}

/// The epochs of each rung of a network of `full` epochs: `full / 3^k` rounded up, for as many
/// rungs (at most [`MAX_RUNGS`]) as keep every rung at [`MIN_RUNG_EPOCHS`] or more; one rung
/// (no halving) for a short network.
pub fn rung_epochs(full: usize) -> Vec<usize> {
    let mut out = vec![full];
    let mut d = HALVING_ETA;
    while out.len() < MAX_RUNGS && full >= MIN_RUNG_EPOCHS * d {
        out.insert(0, full.div_ceil(d));
        d *= HALVING_ETA;
    }
    out
}

/// The rungs of `spec` when it is a network trained in rungs (more than one).
pub(super) fn rungs_of(spec: &ModelSpec) -> Option<(&NeuralNetwork, Vec<usize>)> {
    match spec {
        ModelSpec::NeuralNetwork(n) => {
            let r = rung_epochs(n.epochs);
            (r.len() > 1).then_some((n, r))
        }
        _ => None,
    }
}

/// `spec` at `epochs` (a network), or `spec` itself.
pub(super) fn with_epochs(spec: &ModelSpec, epochs: usize) -> ModelSpec {
    match spec {
        ModelSpec::NeuralNetwork(n) => ModelSpec::NeuralNetwork(NeuralNetwork {
            epochs,
            ..n.clone()
        }),
        other => other.clone(),
    }
}

/// What the first trial of `spec` runs: its first rung for a network trained in rungs.
pub(super) fn entry(spec: &ModelSpec) -> ModelSpec {
    match rungs_of(spec) {
        Some((_, r)) => with_epochs(spec, r[0]),
        None => spec.clone(),
    }
}

/// One configuration going through its rungs.
#[derive(Debug, Clone)]
pub(super) struct Climb {
    /// The configuration the tuner proposed (its full epochs).
    pub(super) spec: ModelSpec,
    /// The rung to run next (or running).
    pub(super) rung: usize,
    pub(super) epochs: Vec<usize>,
    /// Trials of the rungs run so far.
    pub(super) earlier: Vec<usize>,
    /// Its cost so far (seconds, or cost units when deterministic), and its last score.
    pub(super) cost: f64,
    pub(super) score: f64,
}

impl Climb {
    /// The configuration of its current rung.
    pub(super) fn rung_spec(&self) -> ModelSpec {
        with_epochs(&self.spec, self.epochs[self.rung])
    }
}

/// The session's successive-halving state: each rung's scores so far, the climb waiting to run
/// its next rung, and the one running.
#[derive(Debug, Clone, Default)]
pub(super) struct Halving {
    pub(super) scores: Vec<Vec<f64>>,
    pub(super) waiting: Option<Climb>,
    /// The trial running a rung, and its climb.
    pub(super) running: Option<(usize, Climb)>,
}

/// What a finished rung decided.
pub(super) struct Verdict {
    pub(super) info: RungInfo,
    /// The score and cost to report to the tuner when the climb ends here.
    pub(super) report: Option<(f64, f64)>,
    pub(super) events: Vec<Message>,
}

impl Halving {
    /// Decides what the finished trial `trial` (a rung, if it is the running one) does next,
    /// from its `score` (higher is better; `shown` is the metric as people read it) and `cost`.
    /// `None` when the trial was not a rung.
    pub(super) fn decide(
        &mut self,
        trial: usize,
        score: f64,
        cost: f64,
        metric: Metric,
    ) -> Option<Verdict> {
        let (number, mut climb) = self.running.take()?;
        if number != trial {
            self.running = Some((number, climb));
            return None;
        }
        let rung = climb.rung;
        let last = rung + 1 >= climb.epochs.len();
        if self.scores.len() <= rung {
            self.scores.resize(rung + 1, Vec::new());
        }
        let rung_scores = &mut self.scores[rung];
        rung_scores.push(score);
        let mut sorted = rung_scores.clone();
        crate::sort::sort_by(&mut sorted, |a, b| b.total_cmp(a));
        let top = sorted.len().div_ceil(HALVING_ETA);
        let threshold = sorted[top - 1];
        let better = sorted.iter().filter(|&&s| s > score).count();
        let continues = !last && score.is_finite() && better < top;
        climb.cost += cost;
        climb.score = score;
        let mut info = RungInfo {
            rung,
            epochs: climb.epochs.clone(),
            earlier: climb.earlier.clone(),
            continued: continues,
            stopped: None,
        };
        let model = events::family_words(climb.spec.family_name());
        let shown = events::round4(metric.value_of_score(score));
        let top_shown = events::round4(metric.value_of_score(threshold));
        let mut said = Vec::new();
        let report = if continues {
            said.push(message!(
                "event.rung_continued",
                trial,
                model,
                rung = rung + 2,
                rungs = climb.epochs.len(),
                epochs = climb.epochs[rung + 1],
                score = shown,
                threshold = top_shown
            ));
            climb.earlier.push(trial);
            climb.rung += 1;
            self.waiting = Some(climb);
            None
        } else {
            if !last {
                let why = message!(
                    "search.rung_stopped",
                    rung = rung + 1,
                    rungs = climb.epochs.len(),
                    epochs = climb.epochs[rung],
                    score = shown,
                    threshold = top_shown
                );
                said.push(message!(
                    "event.rung_stopped",
                    trial,
                    model,
                    reason = why.clone()
                ));
                info.stopped = Some(why);
            }
            Some((score, climb.cost))
        };
        Some(Verdict {
            info,
            report,
            events: said,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rung_epochs_divide_by_three_and_keep_four_epochs_at_least() {
        assert_eq!(rung_epochs(64), vec![8, 22, 64]);
        assert_eq!(rung_epochs(16), vec![6, 16]);
        assert_eq!(rung_epochs(12), vec![4, 12]);
        assert_eq!(rung_epochs(11), vec![11]);
        assert_eq!(rung_epochs(36), vec![4, 12, 36]);
        assert_eq!(rung_epochs(512), vec![57, 171, 512]);
        assert_eq!(rung_epochs(4), vec![4]);
    }

    fn climb(epochs: Vec<usize>) -> Climb {
        let spec = ModelSpec::NeuralNetwork(NeuralNetwork {
            depth: 1,
            width: 32,
            shape: "constant".into(),
            activation: "relu".into(),
            embedding: "none".into(),
            members: 1,
            dropout: 0.0,
            weight_decay: 0.02,
            learning_rate: 0.01,
            batch_size: 64,
            epochs: *epochs.last().unwrap(),
            class_weight: Default::default(),
        });
        Climb {
            spec,
            rung: 0,
            epochs,
            earlier: Vec::new(),
            cost: 0.0,
            score: 0.0,
        }
    }

    #[test]
    fn the_best_third_of_a_rung_continues_the_others_stop_with_the_reason() {
        let mut h = Halving::default();
        let run = |h: &mut Halving, trial: usize, score: f64| {
            h.running = Some((trial, climb(vec![8, 22, 64])));
            let v = h.decide(trial, score, 1.0, Metric::Accuracy).unwrap();
            h.waiting = None;
            v
        };
        // the first of a rung is its best third
        let v = run(&mut h, 1, 0.70);
        assert!(v.info.continued && v.report.is_none());
        // 2 scores: the top third is the best one; 0.60 is below it
        let v = run(&mut h, 2, 0.60);
        assert!(!v.info.continued);
        assert_eq!(v.report, Some((0.60, 1.0)));
        let why = v.info.stopped.unwrap();
        assert_eq!(why.code, "search.rung_stopped");
        assert_eq!(
            crate::messages::render(&why),
            "Stopped at rung 1 of 3 (8 epochs): its validation score 0.6000 did not reach the top third's 0.7000."
        );
        // 4 scores: the top third is the best two (0.80, 0.70); 0.75 ranks second
        let _ = run(&mut h, 3, 0.50);
        let v = run(&mut h, 4, 0.75);
        assert!(v.info.continued);
        assert_eq!(v.events[0].code, "event.rung_continued");
        // a trial that is not the running rung is not decided here
        h.running = Some((9, climb(vec![8, 22, 64])));
        assert!(h.decide(5, 0.9, 1.0, Metric::Accuracy).is_none());
        assert!(h.running.is_some());
    }

    #[test]
    fn the_last_rung_ends_the_climb_and_reports_its_whole_cost() {
        let mut h = Halving::default();
        let mut c = climb(vec![6, 16]);
        c.rung = 1;
        c.cost = 2.0;
        c.earlier = vec![3];
        h.running = Some((5, c));
        let v = h.decide(5, 0.4, 3.0, Metric::Accuracy).unwrap();
        assert!(!v.info.continued && v.info.stopped.is_none());
        assert_eq!(v.info.earlier, vec![3]);
        assert_eq!(v.report, Some((0.4, 5.0)));
        assert!(h.waiting.is_none());
    }
}
