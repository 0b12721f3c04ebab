//! The element-by-element loops of a training step: the activations and dropout after each
//! hidden layer, the gradient back through them, and AdamW's update of every weight.
//!
//! Written for the page's wasm, which is optimized for size (`opt-level = "z"`): there LLVM
//! vectorizes no loop and calls a function for each `Vec` index, iterator step and closure,
//! which cost as much as the dense products themselves (README, "Neural networks":
//! measured). So AdamW and ReLU run on four lanes ([`V4`]), and every loop here walks slices or
//! raw pointers with plain counters. Each value is computed by the same operations, in the same
//! order and rounding, as the one-value-at-a-time formulas of `step_tests.rs` (IEEE division
//! and square root are correctly rounded in the lanes too; nothing is fused), so the weights
//! are the same bits as before, natively and in wasm.

use super::lanes::V4;
use super::{Activation, F};
use crate::rng::Rng;

/// `h = activation(z)`, value by value (`h` as long as `z`).
pub(super) fn activate(act: Activation, z: &[F], h: &mut [F]) {
    let n = z.len();
    assert!(h.len() == n);
    let mut j = 0;
    if act == Activation::Relu {
        let zero = V4::splat(0.0);
        let (pz, ph) = (z.as_ptr(), h.as_mut_ptr());
        while j + 4 <= n {
            // SAFETY: j + 4 <= n, the length of both
            unsafe {
                let v = V4::read(pz.add(j));
                // z where z > 0, else +0: `Activation::apply`
                v.and(v.gt(zero)).write(ph.add(j));
            }
            j += 4;
        }
    }
    while j < n {
        h[j] = act.apply(z[j]);
        j += 1;
    }
}

/// Inverted dropout: each value of `h` in turn dropped (set to 0) with probability `rate`, by a
/// draw of `rng`, or else scaled by `1 / (1 - rate)`.
pub(super) fn dropout(h: &mut [F], rate: F, rng: &mut Rng) {
    let keep = 1.0 / (1.0 - rate);
    let mut j = 0;
    while j < h.len() {
        h[j] = if (rng.next_f64() as F) < rate {
            0.0
        } else {
            h[j] * keep
        };
        j += 1;
    }
}

/// The gradient at the pre-activations `z` of a hidden layer, from the gradient `dh` at its
/// outputs `h` (after dropout at `rate`): `dh` times the activation's slope (times
/// `1 / (1 - rate)` with dropout), and 0 where dropout dropped the unit (`h` is 0 where the
/// activation was not). All four as long as `dz`.
pub(super) fn activation_grad(act: Activation, z: &[F], h: &[F], dh: &[F], rate: F, dz: &mut [F]) {
    let n = dz.len();
    assert!(z.len() == n && h.len() == n && dh.len() == n);
    let keep = 1.0 / (1.0 - rate);
    let factor = if rate > 0.0 { keep } else { 1.0 };
    let mut j = 0;
    if act == Activation::Relu {
        let (zero, one, k) = (V4::splat(0.0), V4::splat(1.0), V4::splat(factor));
        let (pz, ph, pd, po) = (z.as_ptr(), h.as_ptr(), dh.as_ptr(), dz.as_mut_ptr());
        while j + 4 <= n {
            // SAFETY: j + 4 <= n, the length of all four
            unsafe {
                let zv = V4::read(pz.add(j));
                // the slope: 1 where z > 0, else +0
                let live = zv.gt(zero);
                let mut v = V4::read(pd.add(j)).mul(one.and(live)).mul(k);
                if rate > 0.0 {
                    // dropped: h == 0 where the activation (z itself) was not
                    v = v.and_not(V4::read(ph.add(j)).eq(zero).and(live));
                }
                v.write(po.add(j));
            }
            j += 4;
        }
    }
    while j < n {
        let a = act.apply(z[j]);
        dz[j] = if rate > 0.0 && h[j] == 0.0 && a != 0.0 {
            0.0
        } else {
            dh[j] * act.slope(z[j], a) * factor
        };
        j += 1;
    }
}

/// AdamW's constants of one step: the step size (the learning rate over Adam's first bias
/// correction), the learning rate times the weight decay, and Adam's second bias correction.
#[derive(Debug, Clone, Copy)]
pub(super) struct AdamW {
    pub(super) step_size: F,
    pub(super) lr_wd: F,
    pub(super) c2: F,
}

/// AdamW (β = (0.9, 0.95)) on one group of weights `p` with their gradients `g` and moments
/// `m1` and `m2` (all as long as `p`): the step `factor` times the step size, and the weights
/// decayed first when `decay`.
pub(super) fn adamw(
    p: &mut [F],
    g: &[F],
    m1: &mut [F],
    m2: &mut [F],
    a: AdamW,
    factor: F,
    decay: bool,
) {
    let n = p.len();
    assert!(g.len() == n && m1.len() == n && m2.len() == n);
    let step = factor * a.step_size;
    let (pp, pg, p1, p2) = (p.as_mut_ptr(), g.as_ptr(), m1.as_mut_ptr(), m2.as_mut_ptr());
    let (b1, c1) = (V4::splat(0.9), V4::splat(0.1));
    let (b2, c2) = (V4::splat(0.95), V4::splat(0.05));
    let (vstep, vdecay) = (V4::splat(step), V4::splat(a.lr_wd));
    let (vc2, eps) = (V4::splat(a.c2), V4::splat(1e-8));
    let mut j = 0;
    while j + 4 <= n {
        // SAFETY: j + 4 <= n, the length of all four
        unsafe {
            let gv = V4::read(pg.add(j));
            let m = b1.mul(V4::read(p1.add(j))).add(c1.mul(gv));
            let v = b2.mul(V4::read(p2.add(j))).add(c2.mul(gv).mul(gv));
            let mut w = V4::read(pp.add(j));
            if decay {
                w = w.sub(vdecay.mul(w));
            }
            w = w.sub(vstep.mul(m).div(v.div(vc2).sqrt().add(eps)));
            m.write(p1.add(j));
            v.write(p2.add(j));
            w.write(pp.add(j));
        }
        j += 4;
    }
    while j < n {
        let gj = g[j];
        m1[j] = 0.9 * m1[j] + 0.1 * gj;
        m2[j] = 0.95 * m2[j] + 0.05 * gj * gj;
        if decay {
            p[j] -= a.lr_wd * p[j];
        }
        p[j] -= step * m1[j] / ((m2[j] / a.c2).sqrt() + 1e-8);
        j += 1;
    }
}

#[cfg(test)]
#[path = "step_tests.rs"]
mod tests;
