//! Time as the engine reads it: an injected clock, since `std::time::Instant` panics in
//! wasm32 (the bindings pass one reading `Date.now()`).

/// A source of elapsed seconds. The caller chooses it: `Instant` natively, `Date.now()` in wasm.
pub trait Clock {
    /// Seconds since an arbitrary fixed start; never decreases.
    fn now_s(&self) -> f64;
}

/// A native clock based on `std::time::Instant`. Never use it in wasm32, where
/// `Instant::now()` panics; the bindings inject a clock reading `Date.now()` instead.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock(std::time::Instant);

impl SystemClock {
    /// A clock starting now.
    pub fn new() -> Self {
        Self(std::time::Instant::now())
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now_s(&self) -> f64 {
        self.0.elapsed().as_secs_f64()
    }
}
