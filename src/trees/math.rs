//! Portable elementary functions for the tree engine: `exp` and `ln` written with plain IEEE
//! arithmetic, so that a fit gives bit-identical models natively and in wasm32 (where
//! `f64::exp` and `f64::ln` come from a different libm than glibc's), plus the sigmoid and
//! softmax built on them.
//! The algorithms are the classic fdlibm ones (as in musl), accurate to under one ulp.

const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const INV_LN2: f64 = std::f64::consts::LOG2_E;

/// `2^k` for `k` in the normal range `-1022..=1023`.
fn pow2(k: i32) -> f64 {
    f64::from_bits(((0x3ff + k) as u64) << 52)
}

/// `e^x`. Arguments beyond ±708 are clamped (the result saturates near 0 or 1e307), NaN gives
/// NaN. Identical on every platform.
pub fn exp(x: f64) -> f64 {
    const P1: f64 = f64::from_bits(0x3FC5_5555_5555_553E);
    const P2: f64 = f64::from_bits(0xBF66_C16C_16BE_BD93);
    const P3: f64 = f64::from_bits(0x3F11_566A_AF25_DE2C);
    const P4: f64 = f64::from_bits(0xBEBB_BD41_C5D2_6BF1);
    const P5: f64 = f64::from_bits(0x3E66_3769_72BE_A4D0);
    if x.is_nan() {
        return x;
    }
    let x = x.clamp(-708.0, 708.0);
    let ax = x.abs();
    let (hi, lo, k) = if ax > 0.5 * std::f64::consts::LN_2 {
        let k = if ax >= 1.5 * std::f64::consts::LN_2 {
            let half = if x < 0.0 { -0.5 } else { 0.5 };
            (INV_LN2 * x + half) as i32
        } else if x < 0.0 {
            -1
        } else {
            1
        };
        let kf = f64::from(k);
        (x - kf * LN2_HI, kf * LN2_LO, k)
    } else if ax > 3.725_290_298_461_914e-9 {
        (x, 0.0, 0)
    } else {
        return 1.0 + x;
    };
    let r = hi - lo;
    let rr = r * r;
    let c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
    let y = 1.0 + (r * c / (2.0 - c) - lo + hi);
    if k == 0 {
        y
    } else {
        y * pow2(k)
    }
}

/// Natural logarithm. `ln(0)` is `-inf`, negative numbers and NaN give NaN.
/// Identical on every platform.
pub fn ln(x: f64) -> f64 {
    const LG1: f64 = f64::from_bits(0x3FE5_5555_5555_5593);
    const LG2: f64 = f64::from_bits(0x3FD9_9999_9997_FA04);
    const LG3: f64 = f64::from_bits(0x3FD2_4924_9422_9359);
    const LG4: f64 = f64::from_bits(0x3FCC_71C5_1D8E_78AF);
    const LG5: f64 = f64::from_bits(0x3FC7_4664_96CB_03DE);
    const LG6: f64 = f64::from_bits(0x3FC3_9A09_D078_C69F);
    const LG7: f64 = f64::from_bits(0x3FC2_F112_DF3E_5244);
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    let mut bits = x.to_bits();
    let mut k: i32 = 0;
    if bits >> 52 == 0 {
        // subnormal: scale up by 2^54
        k -= 54;
        bits = (x * f64::from_bits(0x4350_0000_0000_0000)).to_bits();
    }
    let mut hx = (bits >> 32) as u32;
    // reduce x into [sqrt(2)/2, sqrt(2)]
    hx = hx.wrapping_add(0x3ff0_0000 - 0x3fe6_a09e);
    k += (hx >> 20) as i32 - 0x3ff;
    hx = (hx & 0x000f_ffff) + 0x3fe6_a09e;
    let m = f64::from_bits((u64::from(hx) << 32) | (bits & 0xffff_ffff));
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    let dk = f64::from(k);
    s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI
}

/// The logistic function `1 / (1 + e^-x)`.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + exp(-x))
}

/// Replaces scores by their softmax probabilities, in place (stable: the maximum is
/// subtracted first). An empty slice is left alone.
pub fn softmax_in_place(scores: &mut [f64]) {
    let mut max = f64::NEG_INFINITY;
    for &s in scores.iter() {
        if s > max {
            max = s;
        }
    }
    let mut sum = 0.0;
    for s in scores.iter_mut() {
        *s = exp(*s - max);
        sum += *s;
    }
    if sum > 0.0 {
        let inv = 1.0 / sum;
        for s in scores.iter_mut() {
            *s *= inv;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn exp_matches_std_within_one_ulp() {
        let mut rng = Rng::new(5);
        for i in 0..200_000 {
            let x = if i % 2 == 0 {
                (rng.next_f64() - 0.5) * 1400.0
            } else {
                (rng.next_f64() - 0.5) * 10.0
            };
            assert!(
                ulps(exp(x), x.exp()) <= 1,
                "exp({x}) = {} vs {}",
                exp(x),
                x.exp()
            );
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(1e-12), 1.0 + 1e-12);
        assert!(exp(f64::NAN).is_nan());
        assert!(exp(-1e9) < 1e-300 && exp(1e9) > 1e300 && exp(1e9).is_finite());
    }

    #[test]
    fn ln_matches_std_within_one_ulp() {
        let mut rng = Rng::new(6);
        for i in 0..200_000 {
            let x = if i % 2 == 0 {
                exp((rng.next_f64() - 0.5) * 1400.0)
            } else {
                rng.next_f64() * 4.0
            };
            assert!(
                ulps(ln(x), x.ln()) <= 1,
                "ln({x}) = {} vs {}",
                ln(x),
                x.ln()
            );
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert!(ln(-1.0).is_nan());
        assert_eq!(ln(5e-324), (5e-324f64).ln());
    }

    #[test]
    fn softmax_sums_to_one_and_survives_large_scores() {
        let mut s = [1000.0, 1000.0, -1000.0];
        softmax_in_place(&mut s);
        assert_eq!(&s[..2], [0.5, 0.5]);
        assert!(s[2] < 1e-300);
        assert_eq!(sigmoid(0.0), 0.5);
    }
}
