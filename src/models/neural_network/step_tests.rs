//! The step's loops against the one-value-at-a-time formulas they replaced (kept here as the
//! reference), bit for bit, on lengths that leave the lanes with every kind of edge, with zeros
//! of both signs, values of every magnitude and both signs.

use super::*;

/// Seeded values from 1e-3 to 1e3 of both signs, with about a quarter `+0` or `-0`.
fn values(rng: &mut Rng, n: usize) -> Vec<F> {
    (0..n)
        .map(|_| {
            let u = rng.next_f64();
            if u < 0.25 {
                return if u < 0.125 { 0.0 } else { -0.0 };
            }
            let sign = if rng.next_u64() & 1 == 0 { 1.0 } else { -1.0 };
            (sign * 10f64.powf(rng.next_f64() * 6.0 - 3.0)) as F
        })
        .collect()
}

fn bits(v: &[F]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

const LENGTHS: [usize; 7] = [0, 1, 3, 4, 7, 16, 37];
const ACTIVATIONS: [Activation; 3] = [Activation::Relu, Activation::Selu, Activation::Silu];

#[test]
fn activations_and_their_gradients_give_the_reference_bits() {
    let mut rng = Rng::new(11);
    for act in ACTIVATIONS {
        for n in LENGTHS {
            let z = values(&mut rng, n);
            let want: Vec<F> = z.iter().map(|&v| act.apply(v)).collect();
            let mut got = vec![1.0; n];
            activate(act, &z, &mut got);
            assert_eq!(bits(&got), bits(&want), "{act:?}, {n} values");

            for rate in [0.0 as F, 0.3] {
                // the layer's outputs after dropout (as `run` makes them), and a gradient there
                let mut h = want.clone();
                if rate > 0.0 {
                    dropout(&mut h, rate, &mut Rng::new(n as u64));
                }
                let dh = values(&mut rng, n);
                // the loop of the training step before this module
                let keep = 1.0 / (1.0 - rate);
                let want_dz: Vec<F> = (0..n)
                    .map(|j| {
                        let a = act.apply(z[j]);
                        if rate > 0.0 && h[j] == 0.0 && a != 0.0 {
                            0.0
                        } else {
                            let s = act.slope(z[j], a);
                            dh[j] * s * if rate > 0.0 { keep } else { 1.0 }
                        }
                    })
                    .collect();
                let mut dz = vec![1.0; n];
                activation_grad(act, &z, &h, &dh, rate, &mut dz);
                assert_eq!(
                    bits(&dz),
                    bits(&want_dz),
                    "{act:?} gradient, {n} values, dropout {rate}"
                );
            }
        }
    }
}

#[test]
fn relu_passes_positives_and_zeroes_the_rest_in_every_lane() {
    let z: Vec<F> = vec![2.5, -1.0, 0.0, -0.0, 1e-40, -3.0, 7.0];
    let mut h = vec![9.0; z.len()];
    activate(Activation::Relu, &z, &mut h);
    // +0 (never -0) where z is not above 0; a subnormal positive passes
    assert_eq!(bits(&h), bits(&[2.5, 0.0, 0.0, 0.0, 1e-40, 0.0, 7.0]));
    // the gradient: dh where z > 0; with dropout at 0.5, twice dh, and +0 where a live unit was
    // dropped (h = 0 with z > 0: the fifth and sixth values here)
    let dh: Vec<F> = vec![1.0, -2.0, 3.0, -4.0, 5.0, 6.0, -7.0];
    let mut dz = vec![9.0; z.len()];
    activation_grad(Activation::Relu, &z, &h, &dh, 0.0, &mut dz);
    assert_eq!(bits(&dz), bits(&[1.0, -0.0, 0.0, -0.0, 5.0, 0.0, -7.0]));
    let dropped: Vec<F> = vec![5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 14.0];
    let z2: Vec<F> = vec![2.5, -1.0, 0.0, -0.0, 1e-40, 3.0, 7.0];
    activation_grad(Activation::Relu, &z2, &dropped, &dh, 0.5, &mut dz);
    assert_eq!(bits(&dz), bits(&[2.0, -0.0, 0.0, -0.0, 0.0, 0.0, -14.0]));
}

#[test]
fn adamw_gives_the_reference_bits() {
    let mut rng = Rng::new(5);
    for n in LENGTHS {
        for (factor, decay) in [(1.0 as F, true), (1.0, false), (6.0, false)] {
            for step in [1usize, 2, 30] {
                let p = values(&mut rng, n);
                let g = values(&mut rng, n);
                let m1: Vec<F> = values(&mut rng, n);
                // the second moment is never negative
                let m2: Vec<F> = values(&mut rng, n).iter().map(|v| v.abs()).collect();
                let (lr, wd) = (0.003 as F, 0.02 as F);
                let (b1t, b2t) = (0.9f64.powi(step as i32), 0.95f64.powi(step as i32));
                let step_size = lr / (1.0 - b1t) as F;
                let c2 = (1.0 - b2t) as F;
                // the loop of the training step before this module
                let (mut wp, mut w1, mut w2) = (p.clone(), m1.clone(), m2.clone());
                for j in 0..n {
                    let gj = g[j];
                    w1[j] = 0.9 * w1[j] + 0.1 * gj;
                    w2[j] = 0.95 * w2[j] + 0.05 * gj * gj;
                    if decay {
                        wp[j] -= lr * wd * wp[j];
                    }
                    wp[j] -= factor * step_size * w1[j] / ((w2[j] / c2).sqrt() + 1e-8);
                }
                let (mut gp, mut g1, mut g2) = (p, m1, m2);
                let a = AdamW {
                    step_size,
                    lr_wd: lr * wd,
                    c2,
                };
                adamw(&mut gp, &g, &mut g1, &mut g2, a, factor, decay);
                let case = format!("{n} weights, factor {factor}, decay {decay}, step {step}");
                assert_eq!(bits(&gp), bits(&wp), "weights, {case}");
                assert_eq!(bits(&g1), bits(&w1), "first moments, {case}");
                assert_eq!(bits(&g2), bits(&w2), "second moments, {case}");
            }
        }
    }
}

#[test]
fn adamw_moves_a_weight_against_its_gradient() {
    // the first step from zero moments: m1 = 0.1 g, m2 = 0.05 g², and with the bias
    // corrections (0.1 and 0.05) the step is lr × g / (|g| + 1e-8), about lr × sign(g)
    let (mut p, mut m1, mut m2) = (vec![1.0 as F, -1.0], vec![0.0 as F; 2], vec![0.0 as F; 2]);
    let a = AdamW {
        step_size: 0.01 / 0.1,
        lr_wd: 0.0,
        c2: 0.05,
    };
    adamw(&mut p, &[2.0, -0.5], &mut m1, &mut m2, a, 1.0, false);
    assert!((p[0] - 0.99).abs() < 1e-5, "{p:?}");
    assert!((p[1] + 0.99).abs() < 1e-5, "{p:?}");
}
