//! The dense layers' kernels, in a fixed order of every sum: where each layer lies in the
//! parameter vector, the forward product and the backward products.

use super::F;

/// One dense layer's place in the parameter vector.
#[derive(Debug, Clone, Copy)]
pub(super) struct Dense {
    pub(super) w: usize,
    pub(super) b: usize,
    pub(super) inp: usize,
    pub(super) out: usize,
}

/// Where each part lies in the parameter vector: the per-input scales (`members × dims[0]`), the
/// hidden layers, then one output head per member; and the total length.
pub(super) fn layout(dims: &[usize], members: usize, outputs: usize) -> (Vec<Dense>, usize) {
    let mut at = members * dims[0];
    let mut layers = Vec::new();
    let mut add = |inp: usize, out: usize, at: &mut usize| {
        layers.push(Dense {
            w: *at,
            b: *at + inp * out,
            inp,
            out,
        });
        *at += inp * out + out;
    };
    for pair in dims.windows(2) {
        add(pair[0], pair[1], &mut at);
    }
    let last = *dims.last().unwrap_or(&1);
    for _ in 0..members {
        add(last, outputs, &mut at);
    }
    (layers, at)
}

/// `sum a[i] b[i]` over eight lanes, added in a fixed order (the same on every platform).
pub(super) fn dot(a: &[F], b: &[F]) -> F {
    let mut lanes = [0.0 as F; 8];
    let n = a.len().min(b.len());
    let full = n / 8 * 8;
    for (ca, cb) in a[..full].chunks_exact(8).zip(b[..full].chunks_exact(8)) {
        for l in 0..8 {
            lanes[l] += ca[l] * cb[l];
        }
    }
    for i in full..n {
        lanes[i - full] += a[i] * b[i];
    }
    ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6]))
        + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]))
}

/// `out[r] = b + inp[r] W` for `rows` rows (`W` is `d.inp × d.out`, row-major). Each output
/// sums its inputs in order; zero inputs (dropped or ReLU-silenced units) are skipped.
pub(super) fn forward(p: &[F], d: Dense, inp: &[F], rows: usize, out: &mut [F]) {
    let (w, b) = (&p[d.w..d.b], &p[d.b..d.b + d.out]);
    for r in 0..rows {
        let o = &mut out[r * d.out..(r + 1) * d.out];
        o.copy_from_slice(b);
        for (i, &a) in inp[r * d.inp..(r + 1) * d.inp].iter().enumerate() {
            if a != 0.0 {
                for (oj, wj) in o.iter_mut().zip(&w[i * d.out..(i + 1) * d.out]) {
                    *oj += a * wj;
                }
            }
        }
    }
}

/// Adds the layer's weight and bias gradients from `dz` (rows × out) and, when asked, writes
/// the gradient of its inputs.
pub(super) fn backward(
    p: &[F],
    g: &mut [F],
    d: Dense,
    inp: &[F],
    dz: &[F],
    rows: usize,
    din: Option<&mut [F]>,
) {
    for r in 0..rows {
        let dzr = &dz[r * d.out..(r + 1) * d.out];
        for (gb, &v) in g[d.b..d.b + d.out].iter_mut().zip(dzr) {
            *gb += v;
        }
        for (i, &a) in inp[r * d.inp..(r + 1) * d.inp].iter().enumerate() {
            if a != 0.0 {
                let gw = &mut g[d.w + i * d.out..d.w + (i + 1) * d.out];
                for (gj, &v) in gw.iter_mut().zip(dzr) {
                    *gj += a * v;
                }
            }
        }
    }
    if let Some(din) = din {
        let w = &p[d.w..d.b];
        for r in 0..rows {
            let dzr = &dz[r * d.out..(r + 1) * d.out];
            for i in 0..d.inp {
                din[r * d.inp + i] = dot(&w[i * d.out..(i + 1) * d.out], dzr);
            }
        }
    }
}
