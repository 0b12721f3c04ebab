//! The dense layers' kernels, in a fixed order of every sum: where each layer lies in the
//! parameter vector, the forward product and the backward products.
//!
//! Every output of the forward product starts at its bias and adds its inputs' products in
//! the inputs' order; every weight gradient starts where it was and adds the rows' products in
//! the rows' order; every input gradient is a dot product over eight lanes added in a fixed tree
//! ([`dot`]). The kernels are blocked for the registers and the cache (four rows by eight
//! outputs, panels of outputs, blocks of rows and of inputs: see the constants) and vectorized
//! across outputs with [`V4`] (four lanes: `simd128` in wasm, SSE natively), which changes
//! which products are computed together but never the order in which any sum adds them, so
//! every platform and every block size gives the same bits.
//!
//! A product whose input is zero (a dropped or ReLU-silenced unit, a one-hot zero) adds
//! nothing: the kernels skip an input (or a row) where it is zero in every row (or input) of
//! the block, and add the zero products of the others. Adding `0 × w` (`+0` or `-0`) leaves a
//! finite sum unchanged unless the sum is `-0`, and no sum here starts at `-0` or can reach it
//! (the biases, the weights and the zeroed gradients are never `-0`: AdamW's updates
//! `w - u` give `+0` at worst, and a sum of two values is `-0` only when both are), so the
//! results are those of skipping every zero, bit for bit, whatever the blocks.

use super::lanes::V4;
use super::F;

/// Rows of a block of the forward product: each weight loaded once serves four rows, whose
/// sums (four rows by eight outputs) stay in registers.
const ROWS: usize = 4;
/// Outputs of a panel of the forward product: the panel's weights (inputs × 64 × 4 bytes,
/// 32 KB for 128 inputs) stay in cache while every block of rows goes through them.
const PANEL: usize = 64;
/// Rows of a block of the weight gradient: their gradients of the outputs (32 × outputs × 4
/// bytes, 16 KB for 128 outputs) stay in cache while every block of four inputs reads them.
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

/// The tail of a dot product (its last `len % 8` products, the `t`-th into lane `t`) added to
/// the eight lanes, then the lanes in a fixed tree.
#[inline(always)]
fn finish(lo: V4, hi: V4, a: &[F], b: &[F], full: usize) -> F {
    let (lo, hi) = (lo.to_array(), hi.to_array());
    let mut l = [lo[0], lo[1], lo[2], lo[3], hi[0], hi[1], hi[2], hi[3]];
    for i in full..a.len().min(b.len()) {
        l[i - full] += a[i] * b[i];
    }
    ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
}

/// `sum a[i] b[i]` over eight lanes (lane `l` adds the products `i ≡ l (mod 8)` in order),
/// added in a fixed order (the same on every platform).
pub(super) fn dot(a: &[F], b: &[F]) -> F {
    let n = a.len().min(b.len());
    let full = n / 8 * 8;
    let (mut lo, mut hi) = (V4::splat(0.0), V4::splat(0.0));
    for (ca, cb) in a[..full].chunks_exact(8).zip(b[..full].chunks_exact(8)) {
        lo = lo.add_mul(V4::load(ca), V4::load(cb));
        hi = hi.add_mul(V4::load(&ca[4..]), V4::load(&cb[4..]));
    }
    finish(lo, hi, a, b, full)
}

/// The four dot products of two rows of weights with two rows of output gradients, at once
/// (each weight and gradient loaded once for two products): `[[w0·z0, w1·z0], [w0·z1, w1·z1]]`,
/// each exactly as [`dot`] sums it.
fn dot2x2(w0: &[F], w1: &[F], z0: &[F], z1: &[F]) -> [[F; 2]; 2] {
    let n = w0.len();
    let full = n / 8 * 8;
    let zero = V4::splat(0.0);
    let (mut a0, mut a1, mut b0, mut b1) = (zero, zero, zero, zero);
    let (mut c0, mut c1, mut d0, mut d1) = (zero, zero, zero, zero);
    let mut j = 0;
    while j < full {
        let (p0, p1) = (V4::load(&w0[j..]), V4::load(&w0[j + 4..]));
        let (q0, q1) = (V4::load(&w1[j..]), V4::load(&w1[j + 4..]));
        let (x0, x1) = (V4::load(&z0[j..]), V4::load(&z0[j + 4..]));
        let (y0, y1) = (V4::load(&z1[j..]), V4::load(&z1[j + 4..]));
        a0 = a0.add_mul(p0, x0);
        a1 = a1.add_mul(p1, x1);
        b0 = b0.add_mul(q0, x0);
        b1 = b1.add_mul(q1, x1);
        c0 = c0.add_mul(p0, y0);
        c1 = c1.add_mul(p1, y1);
        d0 = d0.add_mul(q0, y0);
        d1 = d1.add_mul(q1, y1);
        j += 8;
    }
    [
        [finish(a0, a1, w0, z0, full), finish(b0, b1, w1, z0, full)],
        [finish(c0, c1, w0, z1, full), finish(d0, d1, w1, z1, full)],
    ]
}

/// `out[r] = b + inp[r] W` for `rows` rows (`W` is `d.inp × d.out`, row-major). Each output
/// starts at its bias and adds its inputs' products in order.
pub(super) fn forward(p: &[F], d: Dense, inp: &[F], rows: usize, out: &mut [F]) {
    let (w, b) = (&p[d.w..d.b], &p[d.b..d.b + d.out]);
    let (k_in, n) = (d.inp, d.out);
    // for each block of rows, the inputs that are not zero in every row of it
    let blocks = rows.div_ceil(ROWS);
    let mut live: Vec<u32> = Vec::with_capacity(blocks * k_in);
    let mut starts = Vec::with_capacity(blocks + 1);
    starts.push(0);
    for r0 in (0..rows).step_by(ROWS) {
        let r1 = (r0 + ROWS).min(rows);
        live.extend(
            (0..k_in)
                .filter(|&k| (r0..r1).any(|r| inp[r * k_in + k] != 0.0))
                .map(|k| k as u32),
        );
        starts.push(live.len());
    }
    for j0 in (0..n).step_by(PANEL) {
        let j1 = (j0 + PANEL).min(n);
        for (block, r0) in (0..rows).step_by(ROWS).enumerate() {
            let ks = &live[starts[block]..starts[block + 1]];
            let r1 = (r0 + ROWS).min(rows);
            let a = &inp[r0 * k_in..r1 * k_in];
            let o = &mut out[r0 * n..r1 * n];
            if r1 - r0 == ROWS {
                forward4(w, b, a, (k_in, n), ks, (j0, j1), o);
            } else {
                for r in 0..r1 - r0 {
                    let a = &a[r * k_in..(r + 1) * k_in];
                    forward1(w, b, a, n, ks, (j0, j1), &mut o[r * n..(r + 1) * n]);
                }
            }
        }
    }
}

/// Four rows of the forward product, outputs `j0..j1`, over the inputs `ks`.
fn forward4(
    w: &[F],
    b: &[F],
    a: &[F],
    (k_in, n): (usize, usize),
    ks: &[u32],
    (j0, j1): (usize, usize),
    o: &mut [F],
) {
    let (a0, a1) = (&a[..k_in], &a[k_in..2 * k_in]);
    let (a2, a3) = (&a[2 * k_in..3 * k_in], &a[3 * k_in..4 * k_in]);
    let mut j = j0;
    while j + 8 <= j1 {
        let (b0, b1) = (V4::load(&b[j..]), V4::load(&b[j + 4..]));
        let (mut c00, mut c01, mut c10, mut c11) = (b0, b1, b0, b1);
        let (mut c20, mut c21, mut c30, mut c31) = (b0, b1, b0, b1);
        for &k in ks {
            let k = k as usize;
            let wk = &w[k * n + j..k * n + j + 8];
            let (w0, w1) = (V4::load(wk), V4::load(&wk[4..]));
            let x = V4::splat(a0[k]);
            c00 = c00.add_mul(x, w0);
            c01 = c01.add_mul(x, w1);
            let x = V4::splat(a1[k]);
            c10 = c10.add_mul(x, w0);
            c11 = c11.add_mul(x, w1);
            let x = V4::splat(a2[k]);
            c20 = c20.add_mul(x, w0);
            c21 = c21.add_mul(x, w1);
            let x = V4::splat(a3[k]);
            c30 = c30.add_mul(x, w0);
            c31 = c31.add_mul(x, w1);
        }
        c00.store(&mut o[j..]);
        c01.store(&mut o[j + 4..]);
        c10.store(&mut o[n + j..]);
        c11.store(&mut o[n + j + 4..]);
        c20.store(&mut o[2 * n + j..]);
        c21.store(&mut o[2 * n + j + 4..]);
        c30.store(&mut o[3 * n + j..]);
        c31.store(&mut o[3 * n + j + 4..]);
        j += 8;
    }
    if j + 4 <= j1 {
        let b0 = V4::load(&b[j..]);
        let (mut c0, mut c1, mut c2, mut c3) = (b0, b0, b0, b0);
        for &k in ks {
            let k = k as usize;
            let w0 = V4::load(&w[k * n + j..]);
            c0 = c0.add_mul(V4::splat(a0[k]), w0);
            c1 = c1.add_mul(V4::splat(a1[k]), w0);
            c2 = c2.add_mul(V4::splat(a2[k]), w0);
            c3 = c3.add_mul(V4::splat(a3[k]), w0);
        }
        c0.store(&mut o[j..]);
        c1.store(&mut o[n + j..]);
        c2.store(&mut o[2 * n + j..]);
        c3.store(&mut o[3 * n + j..]);
        j += 4;
    }
    for j in j..j1 {
        let mut s = [b[j]; 4];
        for &k in ks {
            let k = k as usize;
            let wkj = w[k * n + j];
            s[0] += a0[k] * wkj;
            s[1] += a1[k] * wkj;
            s[2] += a2[k] * wkj;
            s[3] += a3[k] * wkj;
        }
        for (r, v) in s.into_iter().enumerate() {
            o[r * n + j] = v;
        }
    }
}

/// One row of the forward product, outputs `j0..j1`, over the inputs `ks`.
fn forward1(w: &[F], b: &[F], a: &[F], n: usize, ks: &[u32], (j0, j1): (usize, usize), o: &mut [F]) {
    let mut j = j0;
    while j + 4 <= j1 {
        let mut c = V4::load(&b[j..]);
        for &k in ks {
            let k = k as usize;
            c = c.add_mul(V4::splat(a[k]), V4::load(&w[k * n + j..]));
        }
        c.store(&mut o[j..]);
        j += 4;
    }
    for j in j..j1 {
        let mut s = b[j];
        for &k in ks {
            let k = k as usize;
            s += a[k] * w[k * n + j];
        }
        o[j] = s;
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
    bias_grad(&mut g[d.b..d.b + n], dz, rows, n);
    weight_grad(&mut g[d.w..d.b], inp, dz, rows, (k_in, n));
    if let Some(din) = din {
        input_grad(&p[d.w..d.b], dz, rows, (k_in, n), din);
    }
}

/// Each bias's gradient adds its output's gradient of every row, in order.
fn bias_grad(gb: &mut [F], dz: &[F], rows: usize, n: usize) {
    let mut j = 0;
    while j + 4 <= n {
        let mut c = V4::load(&gb[j..]);
        for r in 0..rows {
            c = c.add(V4::load(&dz[r * n + j..]));
        }
        c.store(&mut gb[j..]);
        j += 4;
    }
    for j in j..n {
        let mut s = gb[j];
        for r in 0..rows {
            s += dz[r * n + j];
        }
        gb[j] = s;
    }
}

/// `gw[k][j] += sum over rows r, in order, of inp[r][k] dz[r][j]`: blocks of rows, then blocks
/// of four inputs, over the rows where those inputs are not all zero.
fn weight_grad(gw: &mut [F], a: &[F], dz: &[F], rows: usize, (k_in, n): (usize, usize)) {
    let mut live: Vec<u32> = Vec::with_capacity(GRAD_ROWS);
    for r0 in (0..rows).step_by(GRAD_ROWS) {
        let r1 = (r0 + GRAD_ROWS).min(rows);
        for k0 in (0..k_in).step_by(4) {
            let k1 = (k0 + 4).min(k_in);
            live.clear();
            live.extend(
                (r0..r1)
                    .filter(|&r| a[r * k_in + k0..r * k_in + k1].iter().any(|&v| v != 0.0))
                    .map(|r| r as u32),
            );
            if live.is_empty() {
                continue;
            }
            if k1 - k0 == 4 {
                grad4(gw, a, dz, (k_in, n), k0, &live);
            } else {
                for k in k0..k1 {
                    grad1(gw, a, dz, (k_in, n), k, &live);
                }
            }
        }
    }
}

/// The gradients of the weights of inputs `k0..k0 + 4`, from the rows `rs`.
fn grad4(gw: &mut [F], a: &[F], dz: &[F], (k_in, n): (usize, usize), k0: usize, rs: &[u32]) {
    let mut j = 0;
    while j + 8 <= n {
        let at = |i: usize| (k0 + i) * n + j;
        let (mut c00, mut c01) = (V4::load(&gw[at(0)..]), V4::load(&gw[at(0) + 4..]));
        let (mut c10, mut c11) = (V4::load(&gw[at(1)..]), V4::load(&gw[at(1) + 4..]));
        let (mut c20, mut c21) = (V4::load(&gw[at(2)..]), V4::load(&gw[at(2) + 4..]));
        let (mut c30, mut c31) = (V4::load(&gw[at(3)..]), V4::load(&gw[at(3) + 4..]));
        for &r in rs {
            let r = r as usize;
            let dr = &dz[r * n + j..r * n + j + 8];
            let (d0, d1) = (V4::load(dr), V4::load(&dr[4..]));
            let ar = &a[r * k_in + k0..r * k_in + k0 + 4];
            let x = V4::splat(ar[0]);
            c00 = c00.add_mul(x, d0);
            c01 = c01.add_mul(x, d1);
            let x = V4::splat(ar[1]);
            c10 = c10.add_mul(x, d0);
            c11 = c11.add_mul(x, d1);
            let x = V4::splat(ar[2]);
            c20 = c20.add_mul(x, d0);
            c21 = c21.add_mul(x, d1);
            let x = V4::splat(ar[3]);
            c30 = c30.add_mul(x, d0);
            c31 = c31.add_mul(x, d1);
        }
        c00.store(&mut gw[at(0)..]);
        c01.store(&mut gw[at(0) + 4..]);
        c10.store(&mut gw[at(1)..]);
        c11.store(&mut gw[at(1) + 4..]);
        c20.store(&mut gw[at(2)..]);
        c21.store(&mut gw[at(2) + 4..]);
        c30.store(&mut gw[at(3)..]);
        c31.store(&mut gw[at(3) + 4..]);
        j += 8;
    }
    for k in k0..k0 + 4 {
        grad_tail(gw, a, dz, (k_in, n), k, rs, j);
    }
}

/// The gradients of the weights of input `k`, from the rows `rs`.
fn grad1(gw: &mut [F], a: &[F], dz: &[F], (k_in, n): (usize, usize), k: usize, rs: &[u32]) {
    grad_tail(gw, a, dz, (k_in, n), k, rs, 0);
}

/// The gradients of the weights of input `k` to outputs `j0..`, from the rows `rs`.
fn grad_tail(
    gw: &mut [F],
    a: &[F],
    dz: &[F],
    (k_in, n): (usize, usize),
    k: usize,
    rs: &[u32],
    j0: usize,
) {
    let g = &mut gw[k * n..(k + 1) * n];
    let mut j = j0;
    while j + 4 <= n {
        let mut c = V4::load(&g[j..]);
        for &r in rs {
            let r = r as usize;
            c = c.add_mul(V4::splat(a[r * k_in + k]), V4::load(&dz[r * n + j..]));
        }
        c.store(&mut g[j..]);
        j += 4;
    }
    for (j, gj) in g.iter_mut().enumerate().skip(j) {
        for &r in rs {
            let r = r as usize;
            *gj += a[r * k_in + k] * dz[r * n + j];
        }
    }
}

/// `din[r][i] = dot(W[i], dz[r])`, two rows by two inputs at a time, in blocks of inputs.
fn input_grad(w: &[F], dz: &[F], rows: usize, (k_in, n): (usize, usize), din: &mut [F]) {
    let wi = |i: usize| &w[i * n..(i + 1) * n];
    let zr = |r: usize| &dz[r * n..(r + 1) * n];
    for i0 in (0..k_in).step_by(GRAD_INPUTS) {
        let i1 = (i0 + GRAD_INPUTS).min(k_in);
        let mut r = 0;
        while r + 2 <= rows {
            let mut i = i0;
            while i + 2 <= i1 {
                let [[x00, x01], [x10, x11]] = dot2x2(wi(i), wi(i + 1), zr(r), zr(r + 1));
                din[r * k_in + i] = x00;
                din[r * k_in + i + 1] = x01;
                din[(r + 1) * k_in + i] = x10;
                din[(r + 1) * k_in + i + 1] = x11;
                i += 2;
            }
            if i < i1 {
                din[r * k_in + i] = dot(wi(i), zr(r));
                din[(r + 1) * k_in + i] = dot(wi(i), zr(r + 1));
            }
            r += 2;
        }
        if r < rows {
            for i in i0..i1 {
                din[r * k_in + i] = dot(wi(i), zr(r));
            }
        }
    }
}

#[cfg(test)]
#[path = "dense_tests.rs"]
mod tests;
