//! Where a training's time goes: the seconds spent in each phase of the epochs (the inputs'
//! scaling and embedding, the batches, the forward products, the activations, the loss, the
//! backward products, the optimizer, the validation pass), for `bench/nn_throughput.mjs
//! --phases` (the wasm bench build's `bench_fit_phases`) and the native ignored test
//! `neural_network::tests::phases`.
//!
//! Only in the benchmark builds (cargo feature `bench`) and the native tests; elsewhere (the
//! page's engine, the command line) every [`lap`] is an empty function the compiler removes.
//! Timing changes no number of the training. The clock is the caller's (`fn() -> f64`, in
//! seconds): `std::time::Instant` natively, `performance.now()` in wasm, where `Instant`
//! panics.

/// A phase of a training (the order of [`NAMES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// Scaling and embedding every row, initialization, the validation split.
    Setup,
    /// Shuffling, and gathering a batch's rows.
    Batch,
    /// The per-input scales applied to the batch (the network's input layer).
    Input,
    /// The dense layers' forward products (hidden layers and heads).
    Forward,
    /// The activations (and dropout) after each hidden layer.
    Activation,
    /// The loss and its gradient at the heads.
    Loss,
    /// The dense layers' backward products (weight, bias and input gradients).
    Backward,
    /// The gradient through each activation (and dropout).
    ActivationGrad,
    /// The per-input scales' gradients.
    ScaleGrad,
    /// AdamW's update of every weight.
    Optimizer,
    /// The validation loss after each epoch, and keeping the best epoch's weights.
    Validation,
}

/// The phases' names, in the order of [`Phase`].
pub const NAMES: [&str; 11] = [
    "setup",
    "batch",
    "input",
    "forward",
    "activation",
    "loss",
    "backward",
    "activation_grad",
    "scale_grad",
    "optimizer",
    "validation",
];

#[cfg(any(test, feature = "bench"))]
mod on {
    use super::{Phase, NAMES};
    use std::cell::RefCell;

    struct State {
        now: fn() -> f64,
        last: f64,
        seconds: [f64; NAMES.len()],
        /// Above 0 inside a phase timed as a whole ([`suspend`] .. [`resume`]).
        depth: u32,
    }

    thread_local! {
        static TIMER: RefCell<Option<State>> = const { RefCell::new(None) };
    }

    /// Adds the time since the last lap to `phase` (when a timer runs on this thread).
    pub(in super::super) fn lap(phase: Phase) {
        TIMER.with(|t| {
            if let Ok(mut t) = t.try_borrow_mut() {
                if let Some(s) = t.as_mut() {
                    if s.depth == 0 {
                        let now = (s.now)();
                        s.seconds[phase as usize] += now - s.last;
                        s.last = now;
                    }
                }
            }
        });
    }

    /// Starts a phase timed as a whole: the laps inside it count for nothing.
    pub(in super::super) fn suspend() {
        TIMER.with(|t| {
            if let Ok(mut t) = t.try_borrow_mut() {
                if let Some(s) = t.as_mut() {
                    s.depth += 1;
                }
            }
        });
    }

    /// Ends a phase timed as a whole, and adds its time to `phase`.
    pub(in super::super) fn resume(phase: Phase) {
        TIMER.with(|t| {
            if let Ok(mut t) = t.try_borrow_mut() {
                if let Some(s) = t.as_mut() {
                    s.depth = s.depth.saturating_sub(1);
                }
            }
        });
        lap(phase);
    }

    /// Runs `run` with a timer on this thread reading `now` (seconds), and returns its result
    /// and the seconds of each phase (in the order of [`NAMES`]) of every network trained
    /// meanwhile.
    pub fn time_phases<R>(now: fn() -> f64, run: impl FnOnce() -> R) -> (R, [f64; NAMES.len()]) {
        let state = State {
            now,
            last: now(),
            seconds: [0.0; NAMES.len()],
            depth: 0,
        };
        let before = TIMER.with(|t| t.borrow_mut().replace(state));
        let out = run();
        let state = TIMER.with(|t| std::mem::replace(&mut *t.borrow_mut(), before));
        (out, state.map_or([0.0; NAMES.len()], |s| s.seconds))
    }
}

#[cfg(any(test, feature = "bench"))]
pub use on::time_phases;
#[cfg(any(test, feature = "bench"))]
pub(super) use on::{lap, resume, suspend};

#[cfg(not(any(test, feature = "bench")))]
#[inline(always)]
pub(super) fn lap(_: Phase) {}
#[cfg(not(any(test, feature = "bench")))]
#[inline(always)]
pub(super) fn suspend() {}
#[cfg(not(any(test, feature = "bench")))]
#[inline(always)]
pub(super) fn resume(_: Phase) {}
