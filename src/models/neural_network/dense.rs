//! The dense layers' kernels, in a fixed order of every sum: where each layer lies in the
//! parameter vector, the forward product and the backward products.
//!
//! Every output of the forward product starts at its bias and adds its inputs' products in
//! the inputs' order; every weight gradient starts where it was and adds the rows' products in
//! the rows' order; every input gradient is a dot product over eight lanes added in a fixed tree
//! ([`dot`]). The kernels keep sixteen outputs' sums in registers (four [`V4`]: `simd128` in
//! wasm, SSE natively) while they go through a row's inputs (or an input's rows), work through
//! the weights in panels and the rows in blocks that stay in cache (see the constants), and
//! compute two rows by two inputs of the input gradient at once. This changes which products are
//! computed together but never the order in which any sum adds them, so every platform and
//! every block size gives the same bits.
//!
//! A product whose input is zero (a dropped or ReLU-silenced unit, a one-hot zero: about half
//! of a ReLU layer's inputs) is skipped: each row goes through its own non-zero inputs only, and
//! each input's weight gradient through the rows where it is not zero, as the first kernels
//! did. (The input gradient adds every product: adding `0 × w`, `+0` or `-0`, leaves a finite
//! sum unchanged unless the sum is `-0`, and no sum here starts at `-0` or can reach it: the
//! biases, the weights and the zeroed gradients are never `-0`, since AdamW's updates `w - u`
//! give `+0` at worst, and a sum of two values is `-0` only when both are.)

use super::lanes::V4;
use super::F;

/// Outputs of a panel of the forward product: the panel's weights (inputs × 64 × 4 bytes,
/// 32 KB for 128 inputs) stay in cache while every row goes through them.
const PANEL: usize = 64;
/// Rows of a block of the weight gradient: their gradients of the outputs (32 × outputs × 4
/// bytes, 16 KB for 128 outputs) stay in cache while every input reads them.
const GRAD_ROWS: usize = 32;
/// Inputs of a block of the input gradient: their weights stay in cache for every row.
const GRAD_INPUTS: usize = 32;

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

/// The tail of a dot product of `n` values at `a` and `b` (its last `n - full` products, the
/// `t`-th into lane `t`) added to the eight lanes, then the lanes in a fixed tree.
///
/// # Safety
/// `a` and `b` point to `n` readable values, and `n - full < 8`.
#[inline(always)]
unsafe fn finish(lo: V4, hi: V4, a: *const F, b: *const F, full: usize, n: usize) -> F {
    let (lo, hi) = (lo.to_array(), hi.to_array());
    let mut l = [lo[0], lo[1], lo[2], lo[3], hi[0], hi[1], hi[2], hi[3]];
    let mut i = full;
    while i < n {
        // SAFETY: i < n
        l[i - full] += unsafe { *a.add(i) * *b.add(i) };
        i += 1;
    }
    ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
}

/// The smaller of two lengths (`usize::min` is a call of its own in the size-optimized wasm).
#[inline(always)]
fn shorter(a: usize, b: usize) -> usize {
    if a < b {
        a
    } else {
        b
    }
}

/// `sum a[i] b[i]` over eight lanes (lane `l` adds the products `i ≡ l (mod 8)` in order),
/// added in a fixed order (the same on every platform). (The kernels call [`dot_at`]; the
/// tests, this.)
#[cfg(test)]
pub(super) fn dot(a: &[F], b: &[F]) -> F {
    let n = shorter(a.len(), b.len());
    // SAFETY: both hold at least n values
    unsafe { dot_at(a.as_ptr(), b.as_ptr(), n) }
}

/// [`dot`] of the `n` values at `pa` and `pb`.
///
/// # Safety
/// `pa` and `pb` point to `n` readable values.
unsafe fn dot_at(pa: *const F, pb: *const F, n: usize) -> F {
    let full = n / 8 * 8;
    let (mut lo, mut hi) = (V4::splat(0.0), V4::splat(0.0));
    let mut j = 0;
    while j < full {
        // SAFETY: j + 8 <= full <= n
        unsafe {
            lo = lo.add_mul(V4::read(pa.add(j)), V4::read(pb.add(j)));
            hi = hi.add_mul(V4::read(pa.add(j + 4)), V4::read(pb.add(j + 4)));
        }
        j += 8;
    }
    // SAFETY: n - full < 8
    unsafe { finish(lo, hi, pa, pb, full, n) }
}

/// The four dot products of two rows of weights with two rows of output gradients, at once
/// (each weight and gradient loaded once for two products): `[[w0·z0, w1·z0], [w0·z1, w1·z1]]`,
/// each exactly as [`dot`] sums it.
///
/// # Safety
/// `pw0`, `pw1`, `pz0` and `pz1` each point to `n` readable values.
unsafe fn dot2x2(
    pw0: *const F,
    pw1: *const F,
    pz0: *const F,
    pz1: *const F,
    n: usize,
) -> [[F; 2]; 2] {
    let full = n / 8 * 8;
    let zero = V4::splat(0.0);
    let (mut a0, mut a1, mut b0, mut b1) = (zero, zero, zero, zero);
    let (mut c0, mut c1, mut d0, mut d1) = (zero, zero, zero, zero);
    let mut j = 0;
    while j < full {
        // SAFETY: j + 8 <= full <= n
        unsafe {
            let (p0, p1) = (V4::read(pw0.add(j)), V4::read(pw0.add(j + 4)));
            let (q0, q1) = (V4::read(pw1.add(j)), V4::read(pw1.add(j + 4)));
            let (x0, x1) = (V4::read(pz0.add(j)), V4::read(pz0.add(j + 4)));
            let (y0, y1) = (V4::read(pz1.add(j)), V4::read(pz1.add(j + 4)));
            a0 = a0.add_mul(p0, x0);
            a1 = a1.add_mul(p1, x1);
            b0 = b0.add_mul(q0, x0);
            b1 = b1.add_mul(q1, x1);
            c0 = c0.add_mul(p0, y0);
            c1 = c1.add_mul(p1, y1);
            d0 = d0.add_mul(q0, y0);
            d1 = d1.add_mul(q1, y1);
        }
        j += 8;
    }
    // SAFETY: n - full < 8, and every pointer holds n values
    unsafe {
        [
            [
                finish(a0, a1, pw0, pz0, full, n),
                finish(b0, b1, pw1, pz0, full, n),
            ],
            [
                finish(c0, c1, pw0, pz1, full, n),
                finish(d0, d1, pw1, pz1, full, n),
            ],
        ]
    }
}

/// The forward product's working memory (each row's non-zero inputs), kept from one call to
/// the next so that a training step allocates nothing.
#[derive(Debug, Default)]
pub(super) struct Live {
    ks: Vec<u32>,
    counts: Vec<u32>,
}

/// `out[r] = b + inp[r] W` for `rows` rows (`W` is `d.inp × d.out`, row-major). Each output
/// starts at its bias and adds its inputs' products in order, skipping zero inputs.
pub(super) fn forward(p: &[F], d: Dense, inp: &[F], rows: usize, out: &mut [F], live: &mut Live) {
    let (w, b) = (&p[d.w..d.b], &p[d.b..d.b + d.out]);
    let (k_in, n) = (d.inp, d.out);
    let (inp, out) = (&inp[..rows * k_in], &mut out[..rows * n]);
    assert!(w.len() == k_in * n);
    // each row's non-zero inputs (every entry read below is written first)
    live.ks.resize(rows * k_in, 0);
    live.counts.resize(rows, 0);
    let (ks_all, counts) = (&mut live.ks[..rows * k_in], &mut live.counts[..rows]);
    let mut r = 0;
    while r < rows {
        let (a, ks) = (
            &inp[r * k_in..(r + 1) * k_in],
            &mut ks_all[r * k_in..(r + 1) * k_in],
        );
        let mut count = 0;
        let mut k = 0;
        while k < k_in {
            if a[k] != 0.0 {
                ks[count] = k as u32;
                count += 1;
            }
            k += 1;
        }
        counts[r] = count as u32;
        r += 1;
    }
    let mut j0 = 0;
    while j0 < n {
        let j1 = shorter(j0 + PANEL, n);
        let mut r = 0;
        while r < rows {
            let ks = &ks_all[r * k_in..r * k_in + counts[r] as usize];
            let a = &inp[r * k_in..(r + 1) * k_in];
            // SAFETY: `ks` holds positions of `a` (made above)
            unsafe { forward_row(w, b, a, n, ks, (j0, j1), &mut out[r * n..(r + 1) * n]) };
            r += 1;
        }
        j0 = j1;
    }
}

/// One row of the forward product, outputs `j0..j1` (`j1 <= n`), over its non-zero inputs
/// `ks`, where `w` is `a.len() × n`.
///
/// # Safety
/// Every `k` of `ks` is below `a.len()`.
unsafe fn forward_row(
    w: &[F],
    b: &[F],
    a: &[F],
    n: usize,
    ks: &[u32],
    (j0, j1): (usize, usize),
    o: &mut [F],
) {
    assert!(j1 <= n && b.len() >= n && o.len() >= n && w.len() >= a.len() * n);
    let (pw, pb, po, pk) = (w.as_ptr(), b.as_ptr(), o.as_mut_ptr(), ks.as_ptr());
    let nk = ks.len();
    let mut j = j0;
    // SAFETY (every block below): j + width <= j1 <= n, the lengths of `b` and `o`; each k < a.len(),
    // so k * n + j + width <= w.len()
    while j + 16 <= j1 {
        unsafe {
            let (mut c0, mut c1) = (V4::read(pb.add(j)), V4::read(pb.add(j + 4)));
            let (mut c2, mut c3) = (V4::read(pb.add(j + 8)), V4::read(pb.add(j + 12)));
            let mut i = 0;
            while i < nk {
                let k = *pk.add(i) as usize;
                let wk = pw.add(k * n + j);
                let x = V4::splat(*a.as_ptr().add(k));
                c0 = c0.add_mul(x, V4::read(wk));
                c1 = c1.add_mul(x, V4::read(wk.add(4)));
                c2 = c2.add_mul(x, V4::read(wk.add(8)));
                c3 = c3.add_mul(x, V4::read(wk.add(12)));
                i += 1;
            }
            c0.write(po.add(j));
            c1.write(po.add(j + 4));
            c2.write(po.add(j + 8));
            c3.write(po.add(j + 12));
        }
        j += 16;
    }
    while j + 4 <= j1 {
        unsafe {
            let mut c = V4::read(pb.add(j));
            let mut i = 0;
            while i < nk {
                let k = *pk.add(i) as usize;
                c = c.add_mul(V4::splat(*a.as_ptr().add(k)), V4::read(pw.add(k * n + j)));
                i += 1;
            }
            c.write(po.add(j));
        }
        j += 4;
    }
    while j < j1 {
        unsafe {
            let mut s = *pb.add(j);
            let mut i = 0;
            while i < nk {
                let k = *pk.add(i) as usize;
                s += *a.as_ptr().add(k) * *pw.add(k * n + j);
                i += 1;
            }
            *po.add(j) = s;
        }
        j += 1;
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
    let (k_in, n) = (d.inp, d.out);
    let (inp, dz) = (&inp[..rows * k_in], &dz[..rows * n]);
    bias_grad(&mut g[d.b..d.b + n], dz, rows, n);
    weight_grad(&mut g[d.w..d.b], inp, dz, rows, (k_in, n));
    if let Some(din) = din {
        input_grad(&p[d.w..d.b], dz, rows, (k_in, n), &mut din[..rows * k_in]);
    }
}

/// Each bias's gradient adds its output's gradient of every row, in order.
fn bias_grad(gb: &mut [F], dz: &[F], rows: usize, n: usize) {
    assert!(gb.len() == n && dz.len() == rows * n);
    let (pg, pz) = (gb.as_mut_ptr(), dz.as_ptr());
    let mut j = 0;
    while j + 4 <= n {
        // SAFETY: j + 4 <= n, and r * n + j + 4 <= rows * n
        unsafe {
            let mut c = V4::read(pg.add(j));
            let mut r = 0;
            while r < rows {
                c = c.add(V4::read(pz.add(r * n + j)));
                r += 1;
            }
            c.write(pg.add(j));
        }
        j += 4;
    }
    while j < n {
        // SAFETY: j < n, and r * n + j < rows * n
        unsafe {
            let mut s = *pg.add(j);
            let mut r = 0;
            while r < rows {
                s += *pz.add(r * n + j);
                r += 1;
            }
            *pg.add(j) = s;
        }
        j += 1;
    }
}

/// `gw[k][j] += sum over rows r, in order, of inp[r][k] dz[r][j]`: in blocks of rows, each
/// input over the rows where it is not zero.
fn weight_grad(gw: &mut [F], a: &[F], dz: &[F], rows: usize, (k_in, n): (usize, usize)) {
    assert!(gw.len() == k_in * n && a.len() == rows * k_in && dz.len() == rows * n);
    let mut live = [0u32; GRAD_ROWS];
    let mut r0 = 0;
    while r0 < rows {
        let r1 = (r0 + GRAD_ROWS).min(rows);
        for k in 0..k_in {
            let mut count = 0;
            let mut r = r0;
            while r < r1 {
                if a[r * k_in + k] != 0.0 {
                    live[count] = r as u32;
                    count += 1;
                }
                r += 1;
            }
            if count > 0 {
                let (g, rs) = (&mut gw[k * n..(k + 1) * n], &live[..count]);
                // SAFETY: `rs` holds rows below `rows` (made above)
                unsafe { grad_input(g, a, dz, (k_in, n), k, rs) };
            }
        }
        r0 = r1;
    }
}

/// The gradients `g` of the weights of input `k`, from the rows `rs`, where `a` is
/// `rows × k_in` and `dz` is `rows × n`.
///
/// # Safety
/// Every row of `rs` is below `rows`.
unsafe fn grad_input(
    g: &mut [F],
    a: &[F],
    dz: &[F],
    (k_in, n): (usize, usize),
    k: usize,
    rs: &[u32],
) {
    let rows = dz.len() / n.max(1);
    assert!(g.len() == n && k < k_in && a.len() >= rows * k_in);
    let (pg, pa, pz, pr) = (g.as_mut_ptr(), a.as_ptr(), dz.as_ptr(), rs.as_ptr());
    let nr = rs.len();
    let mut j = 0;
    // SAFETY (every block below): j + width <= n; each r < rows, so r * n + j + width <= dz.len()
    // and r * k_in + k < a.len()
    while j + 16 <= n {
        unsafe {
            let (mut c0, mut c1) = (V4::read(pg.add(j)), V4::read(pg.add(j + 4)));
            let (mut c2, mut c3) = (V4::read(pg.add(j + 8)), V4::read(pg.add(j + 12)));
            let mut i = 0;
            while i < nr {
                let r = *pr.add(i) as usize;
                let d = pz.add(r * n + j);
                let x = V4::splat(*pa.add(r * k_in + k));
                c0 = c0.add_mul(x, V4::read(d));
                c1 = c1.add_mul(x, V4::read(d.add(4)));
                c2 = c2.add_mul(x, V4::read(d.add(8)));
                c3 = c3.add_mul(x, V4::read(d.add(12)));
                i += 1;
            }
            c0.write(pg.add(j));
            c1.write(pg.add(j + 4));
            c2.write(pg.add(j + 8));
            c3.write(pg.add(j + 12));
        }
        j += 16;
    }
    while j + 4 <= n {
        unsafe {
            let mut c = V4::read(pg.add(j));
            let mut i = 0;
            while i < nr {
                let r = *pr.add(i) as usize;
                c = c.add_mul(
                    V4::splat(*pa.add(r * k_in + k)),
                    V4::read(pz.add(r * n + j)),
                );
                i += 1;
            }
            c.write(pg.add(j));
        }
        j += 4;
    }
    while j < n {
        unsafe {
            let mut s = *pg.add(j);
            let mut i = 0;
            while i < nr {
                let r = *pr.add(i) as usize;
                s += *pa.add(r * k_in + k) * *pz.add(r * n + j);
                i += 1;
            }
            *pg.add(j) = s;
        }
        j += 1;
    }
}

/// `din[r][i] = dot(W[i], dz[r])`, two rows by two inputs at a time, in blocks of inputs (on
/// raw pointers: a slice's range is a call of its own in the size-optimized wasm).
fn input_grad(w: &[F], dz: &[F], rows: usize, (k_in, n): (usize, usize), din: &mut [F]) {
    assert!(w.len() >= k_in * n && dz.len() >= rows * n && din.len() >= rows * k_in);
    let (pw, pz, pd) = (w.as_ptr(), dz.as_ptr(), din.as_mut_ptr());
    // SAFETY (every block below): i < k_in and r < rows, so the n values at pw + i n and at
    // pz + r n lie in `w` and `dz`, and r k_in + i < din.len()
    let mut i0 = 0;
    while i0 < k_in {
        let i1 = shorter(i0 + GRAD_INPUTS, k_in);
        let mut r = 0;
        while r + 2 <= rows {
            unsafe {
                let (z0, z1) = (pz.add(r * n), pz.add((r + 1) * n));
                let (d0, d1) = (pd.add(r * k_in), pd.add((r + 1) * k_in));
                let mut i = i0;
                while i + 2 <= i1 {
                    let [[x00, x01], [x10, x11]] =
                        dot2x2(pw.add(i * n), pw.add((i + 1) * n), z0, z1, n);
                    *d0.add(i) = x00;
                    *d0.add(i + 1) = x01;
                    *d1.add(i) = x10;
                    *d1.add(i + 1) = x11;
                    i += 2;
                }
                if i < i1 {
                    *d0.add(i) = dot_at(pw.add(i * n), z0, n);
                    *d1.add(i) = dot_at(pw.add(i * n), z1, n);
                }
            }
            r += 2;
        }
        if r < rows {
            let mut i = i0;
            while i < i1 {
                unsafe { *pd.add(r * k_in + i) = dot_at(pw.add(i * n), pz.add(r * n), n) };
                i += 1;
            }
        }
        i0 = i1;
    }
}

#[cfg(test)]
#[path = "dense_tests.rs"]
mod tests;
