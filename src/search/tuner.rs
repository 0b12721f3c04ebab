//! Which configuration to try next: a short portfolio of strong defaults first, then a local
//! search per family in its normalized hyperparameter space, started at the family's low-cost
//! point, with adaptive steps (after FLAML's FLOW2: try a random direction, then its opposite;
//! shrink the step when neither improves), and the family chosen by the estimated cost to
//! improve on the best score so far (after FLAML's ECI).
//!
//! Scores are "higher is better". Every random choice comes from the seed; with
//! `deterministic` set, costs are the static estimates, never measured times, so the same
//! seed and trial count give the same sequence of configurations on any machine.

use super::events::{family_words, round4, value_param};
use crate::data::Task;
use crate::message;
use crate::messages::{Message, Param};
use crate::models::space::ParamDef;
use crate::models::{Family, ModelSpec};
use crate::rng::Rng;
use serde_json::{Map, Value};
use std::collections::VecDeque;

/// The smallest step before a family's local search restarts from a random point.
const MIN_STEP: f64 = 0.02;
/// The first step size in the unit cube of a family's hyperparameters.
const FIRST_STEP: f64 = 0.25;

#[derive(Debug, Clone)]
struct FamilyState {
    family: Family,
    space: Vec<ParamDef>,
    /// Best point so far and its score.
    incumbent: Option<(Vec<f64>, f64)>,
    step: f64,
    /// The last direction tried forward, waiting for its opposite.
    pending: Option<Vec<f64>>,
    fails: usize,
    trials: usize,
    /// Seconds (or cost units) per trial, smoothed.
    cost: Option<f64>,
    improvement: f64,
    spent: f64,
}

/// What was last proposed, to learn from its result.
#[derive(Debug, Clone)]
struct Proposal {
    family: Family,
    point: Vec<f64>,
    /// Whether it was the second (opposite) try of a direction.
    opposite: bool,
}

/// The search's proposer.
#[derive(Debug, Clone)]
pub struct Tuner {
    classification: bool,
    queue: VecDeque<ModelSpec>,
    families: Vec<FamilyState>,
    tried: Vec<ModelSpec>,
    last: Option<Proposal>,
    rng: Rng,
    deterministic: bool,
    /// Portfolio entries dropped because they would not fit the remaining budget.
    pub skipped: usize,
    /// What was decided since the session last took them ("event.*" messages): the portfolio,
    /// local steps, switches between families, configurations skipped.
    pub events: Vec<Message>,
    /// Entries of the portfolio, and how many were proposed so far.
    portfolio_len: usize,
    portfolio_done: usize,
}

fn decode(space: &[ParamDef], point: &[f64]) -> Map<String, Value> {
    space
        .iter()
        .zip(point)
        .map(|(d, &u)| (d.name.to_string(), d.sample(u.clamp(0.0, 0.999_999))))
        .collect()
}

fn encode(space: &[ParamDef], spec: &ModelSpec, classification: bool) -> Vec<f64> {
    let params = spec.params(classification);
    space
        .iter()
        .map(|d| d.encode(params.get(d.name).unwrap_or(&d.default)))
        .collect()
}

impl Tuner {
    /// A tuner for `task` over `families`, starting with `portfolio`.
    pub fn new(
        task: Task,
        families: &[Family],
        portfolio: Vec<ModelSpec>,
        seed: u64,
        deterministic: bool,
    ) -> Tuner {
        let classification = task == Task::Classification;
        let families = families
            .iter()
            .filter(|f| !f.space(classification).is_empty())
            .map(|&family| FamilyState {
                family,
                space: family.space(classification),
                incumbent: None,
                step: FIRST_STEP,
                pending: None,
                fails: 0,
                trials: 0,
                cost: None,
                improvement: 0.0,
                spent: 0.0,
            })
            .collect();
        Tuner {
            classification,
            portfolio_len: portfolio.len(),
            portfolio_done: 0,
            events: Vec::new(),
            queue: portfolio.into(),
            families,
            tried: Vec::new(),
            last: None,
            rng: Rng::new(seed ^ 0x7E57_7E57),
            deterministic,
            skipped: 0,
        }
    }

    /// The next configuration, or `None` when nothing more fits. `cost(spec)` predicts a
    /// trial's seconds (or cost units when deterministic); `remaining` is what is left of the
    /// budget in the same unit (`None`: no limit); `best` is the best score so far.
    pub fn propose(
        &mut self,
        best: f64,
        remaining: Option<f64>,
        cost: &dyn Fn(&ModelSpec) -> f64,
    ) -> Option<ModelSpec> {
        let fits = |spec: &ModelSpec| remaining.is_none_or(|r| cost(spec) <= r);
        let skipped = |spec: &ModelSpec| {
            message!(
                "event.skipped",
                model = family_words(spec.family_name()),
                predicted_s = round4(cost(spec)),
                left_s = round4(remaining.unwrap_or(0.0).max(0.0))
            )
        };
        while let Some(spec) = self.queue.pop_front() {
            if self.tried.contains(&spec) {
                continue;
            }
            self.portfolio_done += 1;
            if fits(&spec) {
                if self.tried.is_empty() {
                    self.events.push(message!(
                        "event.portfolio_start",
                        count = self.portfolio_len
                    ));
                }
                self.events.push(message!(
                    "event.portfolio",
                    model = family_words(spec.family_name()),
                    position = self.portfolio_done,
                    count = self.portfolio_len
                ));
                let family = spec.family();
                let point = self
                    .families
                    .iter()
                    .find(|f| f.family == family)
                    .map(|f| encode(&f.space, &spec, self.classification))
                    .unwrap_or_default();
                self.last = Some(Proposal {
                    family,
                    point,
                    opposite: false,
                });
                self.tried.push(spec.clone());
                return Some(spec);
            }
            self.events.push(skipped(&spec));
            self.skipped += 1;
        }
        // choose a family by its estimated cost to improve on the best score
        let mut order: Vec<(f64, usize)> = Vec::new();
        for (i, f) in self.families.iter().enumerate() {
            let Some(start) = self.spec_at(i, &self.start_point(i)) else {
                continue;
            };
            let c = f.cost.unwrap_or_else(|| cost(&start)).max(1e-9);
            let eci = match &f.incumbent {
                None => c,
                Some((_, score)) => {
                    let gap = (best - score).max(0.0);
                    let speed = f.improvement / f.spent.max(1e-9);
                    if gap == 0.0 {
                        c
                    } else {
                        c.max(gap / speed.max(1e-12)).min(c * 1e6)
                    }
                }
            };
            order.push((eci, i));
        }
        crate::sort::sort_by(&mut order, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        // a little exploration: now and then, a random family instead of the cheapest to improve
        let mut explored = false;
        if order.len() > 1 && self.rng.next_f64() < 0.15 {
            let j = 1 + self.rng.below(order.len() - 1);
            order.swap(0, j);
            explored = true;
        }
        let previous = self.tried.last().map(|s| s.family());
        for (rank, &(eci, i)) in order.iter().enumerate() {
            for _ in 0..6 {
                let (point, opposite) = self.next_point(i);
                let Some(spec) = self.spec_at(i, &point) else {
                    break;
                };
                if self.tried.contains(&spec) {
                    // the step is below the grid of this space here: make it larger once
                    self.families[i].pending = None;
                    self.families[i].step = (self.families[i].step * 1.5).min(0.5);
                    continue;
                }
                if !fits(&spec) {
                    self.events.push(skipped(&spec));
                    break;
                }
                let family = self.families[i].family;
                if let Some(from) = previous.filter(|p| p.name() != family.name()) {
                    let from_eci = order
                        .iter()
                        .find(|(_, j)| self.families[*j].family.name() == from.name())
                        .map(|o| o.0);
                    let holds_best = self.families[i]
                        .incumbent
                        .as_ref()
                        .is_some_and(|(_, score)| *score >= best);
                    let reason = match from_eci {
                        _ if explored && rank == 0 => message!("event.reason_explore"),
                        Some(f) if holds_best && f >= eci => {
                            message!("event.reason_best", to = family_words(family.name()))
                        }
                        Some(f) if f >= eci => message!(
                            "event.reason_gain",
                            to = family_words(family.name()),
                            ratio = round4(f / eci.max(1e-12))
                        ),
                        _ => message!("event.reason_next", from = family_words(from.name())),
                    };
                    self.events.push(message!(
                        "event.switch",
                        from = family_words(from.name()),
                        to = family_words(family.name()),
                        reason
                    ));
                }
                self.events
                    .push(self.step_event(i, &point, opposite, &spec));
                self.last = Some(Proposal {
                    family,
                    point,
                    opposite,
                });
                self.tried.push(spec.clone());
                return Some(spec);
            }
        }
        None
    }

    /// The event of a local proposal at `point` for family `i`: its start, or the step from
    /// its best settings so far, naming the hyperparameter that moved most (in the unit cube).
    fn step_event(&self, i: usize, point: &[f64], opposite: bool, spec: &ModelSpec) -> Message {
        let f = &self.families[i];
        let model = family_words(spec.family_name());
        let Some((x, _)) = &f.incumbent else {
            return message!("event.local_start", model);
        };
        let before = decode(&f.space, x);
        let after = decode(&f.space, point);
        let mut moved: Vec<(f64, &str)> = f
            .space
            .iter()
            .enumerate()
            .filter(|(_, d)| before.get(d.name) != after.get(d.name))
            .map(|(k, d)| ((point[k] - x[k]).abs(), d.name))
            .collect();
        moved.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let Some(&(_, param)) = moved.first() else {
            return message!("event.local_start", model);
        };
        let from = before
            .get(param)
            .map_or(Param::Text(String::new()), value_param);
        let to = after
            .get(param)
            .map_or(Param::Text(String::new()), value_param);
        let others = moved.len() - 1;
        let up = moved_up(&f.space, x, point, param);
        if let Some(change) = network_change(spec.family_name(), param, up, &from, &to) {
            return match (opposite, others) {
                (true, 0) => message!("event.network_back", change),
                (true, _) => message!("event.network_back_more", change, others),
                (false, 0) => message!("event.network_step", change),
                (false, _) => message!("event.network_step_more", change, others),
            };
        }
        match (opposite, others) {
            (true, 0) => message!("event.local_back", model, param, from, to),
            (true, _) => message!("event.local_back_more", model, param, from, to, others),
            (false, 0) => message!("event.local_step", model, param, from, to),
            (false, _) => message!("event.local_step_more", model, param, from, to, others),
        }
    }

    fn start_point(&self, i: usize) -> Vec<f64> {
        let f = &self.families[i];
        match ModelSpec::low_cost(f.family, self.classification) {
            Ok(low) => encode(&f.space, &low, self.classification),
            Err(_) => f.space.iter().map(|d| d.encode(&d.low_cost)).collect(),
        }
    }

    /// The family's configuration at `point` (its defaults should the point not make one;
    /// `None` if neither does, which the registry's tests rule out).
    fn spec_at(&self, i: usize, point: &[f64]) -> Option<ModelSpec> {
        let f = &self.families[i];
        ModelSpec::from_params(f.family, self.classification, &decode(&f.space, point))
            .or_else(|_| ModelSpec::default_for(f.family, self.classification))
            .ok()
    }

    fn next_point(&mut self, i: usize) -> (Vec<f64>, bool) {
        let Some((x, _)) = self.families[i].incumbent.clone() else {
            return (self.start_point(i), false);
        };
        let step = self.families[i].step;
        if let Some(d) = self.families[i].pending.take() {
            return (
                x.iter()
                    .zip(&d)
                    .map(|(a, b)| (a - step * b).clamp(0.0, 1.0))
                    .collect(),
                true,
            );
        }
        let mut d: Vec<f64> = (0..x.len()).map(|_| self.gaussian()).collect();
        let norm = d.iter().map(|v| v * v).sum::<f64>().sqrt().max(1e-12);
        d.iter_mut().for_each(|v| *v /= norm);
        let point = x
            .iter()
            .zip(&d)
            .map(|(a, b)| (a + step * b).clamp(0.0, 1.0))
            .collect();
        self.families[i].pending = Some(d);
        (point, false)
    }

    fn gaussian(&mut self) -> f64 {
        let u1 = self.rng.next_f64().max(1e-300);
        let u2 = self.rng.next_f64();
        (-2.0 * crate::math::ln(u1)).sqrt() * crate::math::cos(std::f64::consts::TAU * u2)
    }

    /// Learns from the last proposal's result: its `score` and what it `cost`.
    pub fn report(&mut self, score: f64, cost: f64) {
        let Some(last) = self.last.take() else { return };
        let Some(f) = self.families.iter_mut().find(|f| f.family == last.family) else {
            return;
        };
        f.trials += 1;
        f.spent += cost;
        f.cost = Some(match f.cost {
            Some(c) if !self.deterministic => 0.5 * c + 0.5 * cost,
            Some(c) => c,
            None => cost,
        });
        let better = f.incumbent.as_ref().is_none_or(|(_, s)| score > *s);
        if better {
            if let Some((_, s)) = &f.incumbent {
                f.improvement += score - s;
            }
            f.incumbent = Some((last.point, score));
            f.fails = 0;
            f.pending = None;
        } else if last.opposite || f.pending.is_none() {
            f.fails += 1;
            if f.fails >= 2 * f.space.len().max(1) {
                f.step *= 0.5;
                f.fails = 0;
                if f.step >= MIN_STEP {
                    self.events.push(message!(
                        "event.step_smaller",
                        model = family_words(f.family.name())
                    ));
                }
                if f.step < MIN_STEP {
                    // converged here: restart around a random point, keeping the incumbent's score
                    let point: Vec<f64> = (0..f.space.len()).map(|_| self.rng.next_f64()).collect();
                    if let Some((x, _)) = &mut f.incumbent {
                        *x = point;
                    }
                    f.step = FIRST_STEP;
                    self.events.push(message!(
                        "event.restart",
                        model = family_words(f.family.name())
                    ));
                }
            }
        }
    }
}

/// Whether hyperparameter `param` went up from `x` to `point` (in the unit cube, where a larger
/// value of a number is a larger coordinate).
fn moved_up(space: &[ParamDef], x: &[f64], point: &[f64], param: &str) -> bool {
    space
        .iter()
        .position(|d| d.name == param)
        .is_some_and(|k| point[k] > x[k])
}

/// A network's step in the words of its architecture ("wider", "deeper", "more dropout",
/// "a smaller learning rate"…), for the hyperparameter that moved most; `None` for another
/// family, or a hyperparameter said generically.
fn network_change(
    family: &str,
    param: &str,
    up: bool,
    from: &Param,
    to: &Param,
) -> Option<Message> {
    if family != "neural_network" {
        return None;
    }
    let (from, to) = (from.clone(), to.clone());
    Some(match (param, up) {
        ("width", true) => message!("event.net_wider", from, to),
        ("width", false) => message!("event.net_narrower", from, to),
        ("depth", true) => message!("event.net_deeper", from, to),
        ("depth", false) => message!("event.net_shallower", from, to),
        ("dropout", true) => message!("event.net_more_dropout", from, to),
        ("dropout", false) => message!("event.net_less_dropout", from, to),
        ("learning_rate", true) => message!("event.net_larger_lr", from, to),
        ("learning_rate", false) => message!("event.net_smaller_lr", from, to),
        ("weight_decay", true) => message!("event.net_more_decay", from, to),
        ("weight_decay", false) => message!("event.net_less_decay", from, to),
        ("members", true) => message!("event.net_more_members", from, to),
        ("members", false) => message!("event.net_fewer_members", from, to),
        ("batch_size", true) => message!("event.net_larger_batch", from, to),
        ("batch_size", false) => message!("event.net_smaller_batch", from, to),
        ("epochs", true) => message!("event.net_longer", from, to),
        ("epochs", false) => message!("event.net_shorter", from, to),
        ("shape", _) => message!("event.net_shape", from, to),
        ("activation", _) => message!("event.net_activation", from, to),
        ("embedding", _) => message!("event.net_embedding", from, to),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::constant::Constant;
    use crate::models::linear::Ridge;

    fn ridge() -> Family {
        Family::of::<Ridge>()
    }

    #[test]
    fn portfolio_first_then_local_steps_from_the_incumbent() {
        let portfolio = vec![
            Constant.into(),
            ModelSpec::default_for(ridge(), false).unwrap(),
        ];
        let mut t = Tuner::new(Task::Regression, &[ridge()], portfolio.clone(), 1, true);
        let cost = |_: &ModelSpec| 1.0;
        assert_eq!(
            t.propose(f64::NEG_INFINITY, None, &cost),
            Some(portfolio[0].clone())
        );
        t.report(0.0, 1.0);
        assert_eq!(t.propose(0.0, None, &cost), Some(portfolio[1].clone()));
        t.report(0.5, 1.0);
        let ModelSpec::Ridge(Ridge { alpha }) = t.propose(0.5, None, &cost).unwrap() else {
            panic!()
        };
        assert_ne!(alpha, 1.0);
        // a worse result → the opposite direction next
        t.report(0.4, 1.0);
        let ModelSpec::Ridge(Ridge { alpha: opposite }) = t.propose(0.5, None, &cost).unwrap()
        else {
            panic!()
        };
        assert!(
            (alpha.ln() > 0.0) != (opposite.ln() > 0.0),
            "{alpha} then {opposite}"
        );
    }

    #[test]
    fn nothing_is_proposed_that_does_not_fit() {
        let mut t = Tuner::new(Task::Regression, &[ridge()], vec![Constant.into()], 1, true);
        assert_eq!(t.propose(0.0, Some(0.5), &|_| 1.0), None);
        assert_eq!(t.skipped, 1);
    }

    #[test]
    fn the_same_seed_proposes_the_same_sequence() {
        let run = || {
            let mut t = Tuner::new(
                Task::Classification,
                &Family::for_task(true),
                vec![],
                9,
                true,
            );
            let mut seen = Vec::new();
            for i in 0..30 {
                let Some(s) = t.propose(0.5, None, &|s| s.cost_units(100, 5)) else {
                    break;
                };
                t.report(0.4 + (i % 7) as f64 * 0.01, 1.0);
                seen.push(s);
            }
            seen
        };
        let a = run();
        assert_eq!(a.len(), 30);
        assert_eq!(a, run());
    }
}
