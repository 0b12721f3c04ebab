//! The blocked kernels against the plain loops they replaced (kept here as the reference), bit
//! for bit, on small odd sizes that leave every block, panel and tile with an edge.

use super::*;
use crate::rng::Rng;

/// The first kernels of the family, one row and one input at a time, skipping zero inputs.
fn reference_forward(p: &[F], d: Dense, inp: &[F], rows: usize, out: &mut [F]) {
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

/// The eight-lane dot product, one product at a time.
fn reference_dot(a: &[F], b: &[F]) -> F {
    let mut lanes = [0.0 as F; 8];
    let full = a.len() / 8 * 8;
    for i in 0..a.len() {
        lanes[if i < full { i % 8 } else { i - full }] += a[i] * b[i];
    }
    ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6]))
        + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]))
}

fn reference_backward(
    p: &[F],
    g: &mut [F],
    d: Dense,
    inp: &[F],
    dz: &[F],
    rows: usize,
    din: &mut [F],
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
    let w = &p[d.w..d.b];
    for r in 0..rows {
        let dzr = &dz[r * d.out..(r + 1) * d.out];
        for i in 0..d.inp {
            din[r * d.inp + i] = reference_dot(&w[i * d.out..(i + 1) * d.out], dzr);
        }
    }
}

/// Seeded values of every magnitude from 1e-3 to 1e3 and both signs; with `zeros`, about
/// that share of exact zeros (`+0` and `-0`) and input column 2 zero in every row.
fn values(rng: &mut Rng, n: usize, zeros: f64, cols: usize) -> Vec<F> {
    (0..n)
        .map(|i| {
            let u = rng.next_f64();
            if zeros > 0.0 && (u < zeros || i % cols == 2) {
                return if u < zeros / 2.0 { 0.0 } else { -0.0 };
            }
            let sign = if rng.next_u64() & 1 == 0 { 1.0 } else { -1.0 };
            (sign * 10f64.powf(rng.next_f64() * 6.0 - 3.0)) as F
        })
        .collect()
}

fn bits(v: &[F]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// (rows, inputs, outputs): 7×13 by 13×5 (a tile of four outputs and one left over); 35×37 by
/// 37×75 (a block of 32 rows and one of 3 for the weight gradient, an input block of 32 and one
/// of 5, an odd input left for the two-by-two input gradient, outputs in a panel of 64 (four
/// tiles of sixteen) and one of 11: two tiles of four and three left); 2×1 by 1×1; 5×8 by 8×16
/// (one tile, no edge).
const SIZES: [(usize, usize, usize); 4] = [(7, 13, 5), (35, 37, 75), (2, 1, 1), (5, 8, 16)];

#[test]
fn the_blocked_kernels_give_the_reference_bits() {
    let mut rng = Rng::new(42);
    for (rows, k_in, n) in SIZES {
        for zeros in [0.0, 0.45] {
            let (layers, total) = layout(&[k_in, n], 1, 3);
            let d = layers[0];
            let p = values(&mut rng, total, 0.0, 1);
            let inp = values(&mut rng, rows * k_in, zeros, k_in);
            let dz = values(&mut rng, rows * n, 0.0, 1);
            let case = format!("{rows}×{k_in} by {k_in}×{n}, zeros {zeros}");

            let (mut want, mut got) = (vec![0.0; rows * n], vec![1.0; rows * n]);
            reference_forward(&p, d, &inp, rows, &mut want);
            forward(&p, d, &inp, rows, &mut got, &mut Live::default());
            assert_eq!(bits(&got), bits(&want), "forward, {case}");

            // gradients accumulate onto what is there (here seeded, as with several members)
            let start = values(&mut rng, total, 0.0, 1);
            let (mut g_want, mut g_got) = (start.clone(), start);
            let (mut din_want, mut din_got) = (vec![0.0; rows * k_in], vec![1.0; rows * k_in]);
            reference_backward(&p, &mut g_want, d, &inp, &dz, rows, &mut din_want);
            backward(&p, &mut g_got, d, &inp, &dz, rows, Some(&mut din_got));
            assert_eq!(
                bits(&g_got),
                bits(&g_want),
                "weight and bias gradients, {case}"
            );
            assert_eq!(bits(&din_got), bits(&din_want), "input gradients, {case}");
        }
    }
}

#[test]
fn dot_sums_eight_lanes_in_a_fixed_tree() {
    let mut rng = Rng::new(3);
    for n in [0, 1, 7, 8, 9, 19, 64, 133] {
        let a = values(&mut rng, n, 0.0, 1);
        let b = values(&mut rng, n, 0.0, 1);
        assert_eq!(
            dot(&a, &b).to_bits(),
            reference_dot(&a, &b).to_bits(),
            "n = {n}"
        );
    }
    // exact on a tiny case: lanes 0..7 hold 1..8 and the ninth product joins lane 0
    let a: Vec<F> = (1..=9).map(|v| v as F).collect();
    let ones = vec![1.0; 9];
    assert_eq!(dot(&a, &ones), 45.0);
    // the tree: ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)); with 1e8 and -1e8 in lanes
    // 0 and 4 the small values survive, where a running sum from lane 0 would lose them
    let mut a = vec![0.0 as F; 8];
    a[0] = 1e8;
    a[1] = 1.0;
    a[4] = -1e8;
    a[5] = 1.0;
    assert_eq!(dot(&a, &[1.0; 8]), 2.0);
}
