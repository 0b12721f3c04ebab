//! The portable maths every part of the engine shares, one copy each: `exp`, `ln`, `ln_1p`,
//! `cos` and `sin` written with plain IEEE arithmetic, so that a fit gives bit-identical models
//! natively and in wasm32 (where `f64::exp` and `f64::ln` come from a different libm than
//! glibc's), the sigmoid and softmax built on them, and the argmax that turns probabilities
//! into classes. Models, the search and the forecasts call these, not the standard library's
//! (`sqrt`, `floor`, `round` and `%` are exact in IEEE arithmetic and need no copy; `log2` of
//! a whole number, for the forests' `max_features` and the static cost estimates, is left to
//! it). `ln` and `ln_1p` are the classic fdlibm algorithms (as in musl); `exp` is table-driven
//! (64 powers of 2^(1/64) and a degree-5 polynomial), with no division. All three are within
//! one ulp.

const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// `ln 2 / 64` in two parts: the high part has 33 significant bits, so `k × LN2_64_HI` is
/// exact for every `|k| < 2^17`.
const LN2_64_HI: f64 = f64::from_bits(0x3f86_2e42_fef0_0000);
const LN2_64_LO: f64 = f64::from_bits(0x3d74_73de_6af2_78ed);
/// `64 / ln 2`.
const INV_LN2_64: f64 = f64::from_bits(0x4057_1547_652b_82fe);
/// Adding and subtracting `1.5 × 2^52` rounds a float below `2^51` to the nearest integer.
const ROUND_SHIFT: f64 = 6_755_399_441_055_744.0;

/// `2^(j / 64)` for `j` in `0..64`, correctly rounded.
const EXP2_TABLE: [f64; 64] = [
    f64::from_bits(0x3ff0_0000_0000_0000),
    f64::from_bits(0x3ff0_2c9a_3e77_8061),
    f64::from_bits(0x3ff0_59b0_d315_8574),
    f64::from_bits(0x3ff0_8745_1875_9bc8),
    f64::from_bits(0x3ff0_b558_6cf9_890f),
    f64::from_bits(0x3ff0_e3ec_32d3_d1a2),
    f64::from_bits(0x3ff1_1301_d012_5b51),
    f64::from_bits(0x3ff1_429a_aea9_2de0),
    f64::from_bits(0x3ff1_72b8_3c7d_517b),
    f64::from_bits(0x3ff1_a35b_eb6f_cb75),
    f64::from_bits(0x3ff1_d487_3168_b9aa),
    f64::from_bits(0x3ff2_063b_8862_8cd6),
    f64::from_bits(0x3ff2_387a_6e75_6238),
    f64::from_bits(0x3ff2_6b45_65e2_7cdd),
    f64::from_bits(0x3ff2_9e9d_f51f_dee1),
    f64::from_bits(0x3ff2_d285_a6e4_030b),
    f64::from_bits(0x3ff3_06fe_0a31_b715),
    f64::from_bits(0x3ff3_3c08_b264_16ff),
    f64::from_bits(0x3ff3_71a7_373a_a9cb),
    f64::from_bits(0x3ff3_a7db_34e5_9ff7),
    f64::from_bits(0x3ff3_dea6_4c12_3422),
    f64::from_bits(0x3ff4_160a_21f7_2e2a),
    f64::from_bits(0x3ff4_4e08_6061_892d),
    f64::from_bits(0x3ff4_86a2_b5c1_3cd0),
    f64::from_bits(0x3ff4_bfda_d536_2a27),
    f64::from_bits(0x3ff4_f9b2_769d_2ca7),
    f64::from_bits(0x3ff5_342b_569d_4f82),
    f64::from_bits(0x3ff5_6f47_36b5_27da),
    f64::from_bits(0x3ff5_ab07_dd48_5429),
    f64::from_bits(0x3ff5_e76f_15ad_2148),
    f64::from_bits(0x3ff6_247e_b03a_5585),
    f64::from_bits(0x3ff6_6238_8255_2225),
    f64::from_bits(0x3ff6_a09e_667f_3bcd),
    f64::from_bits(0x3ff6_dfb2_3c65_1a2f),
    f64::from_bits(0x3ff7_1f75_e8ec_5f74),
    f64::from_bits(0x3ff7_5feb_5642_67c9),
    f64::from_bits(0x3ff7_a114_73eb_0187),
    f64::from_bits(0x3ff7_e2f3_36cf_4e62),
    f64::from_bits(0x3ff8_2589_994c_ce13),
    f64::from_bits(0x3ff8_68d9_9b44_92ed),
    f64::from_bits(0x3ff8_ace5_422a_a0db),
    f64::from_bits(0x3ff8_f1ae_9915_7736),
    f64::from_bits(0x3ff9_3737_b0cd_c5e5),
    f64::from_bits(0x3ff9_7d82_9fde_4e50),
    f64::from_bits(0x3ff9_c491_82a3_f090),
    f64::from_bits(0x3ffa_0c66_7b5d_e565),
    f64::from_bits(0x3ffa_5503_b23e_255d),
    f64::from_bits(0x3ffa_9e6b_5579_fdbf),
    f64::from_bits(0x3ffa_e89f_995a_d3ad),
    f64::from_bits(0x3ffb_33a2_b84f_15fb),
    f64::from_bits(0x3ffb_7f76_f2fb_5e47),
    f64::from_bits(0x3ffb_cc1e_904b_c1d2),
    f64::from_bits(0x3ffc_199b_dd85_529c),
    f64::from_bits(0x3ffc_67f1_2e57_d14b),
    f64::from_bits(0x3ffc_b720_dcef_9069),
    f64::from_bits(0x3ffd_072d_4a07_897c),
    f64::from_bits(0x3ffd_5818_dcfb_a487),
    f64::from_bits(0x3ffd_a9e6_03db_3285),
    f64::from_bits(0x3ffd_fc97_337b_9b5f),
    f64::from_bits(0x3ffe_502e_e78b_3ff6),
    f64::from_bits(0x3ffe_a4af_a2a4_90da),
    f64::from_bits(0x3ffe_fa1b_ee61_5a27),
    f64::from_bits(0x3fff_5076_5b6e_4540),
    f64::from_bits(0x3fff_a7c1_819e_90d8),
];

/// `2^k` for `k` in the normal range `-1022..=1023`.
fn pow2(k: i32) -> f64 {
    f64::from_bits(((0x3ff + k) as u64) << 52)
}

/// `e^x`, within one ulp (checked against the platform libm in the tests). Arguments beyond ±708 are clamped (the result saturates near 3e-308
/// or 3e307), NaN gives NaN. Identical on every platform: only IEEE additions and
/// multiplications, no division, no library call.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let x = x.clamp(-708.0, 708.0);
    // x = (64 m + j) ln2 / 64 + r, |r| <= ln2 / 128
    let kf = (x * INV_LN2_64 + ROUND_SHIFT) - ROUND_SHIFT;
    let k = kf as i32;
    let r = (x - kf * LN2_64_HI) - kf * LN2_64_LO;
    // e^r - 1, then t e^r as t + t (e^r - 1): one rounding on top of the table's
    let q = r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0)))));
    let t = EXP2_TABLE[(k & 63) as usize];
    (t + t * q) * pow2(k >> 6)
}

/// Natural logarithm. `ln(0)` is `-inf`, negative numbers and NaN give NaN.
/// Identical on every platform.
pub fn ln(x: f64) -> f64 {
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
    log_kernel(k, 0.0, m - 1.0)
}

/// `ln(1 + x)`, accurate for small `x` too (where `ln(1.0 + x)` loses the digits of `x` that
/// `1 + x` rounds away), within one ulp. `ln_1p(-1)` is `-inf`, below -1 and NaN give NaN.
/// fdlibm's `log1p` (as in musl): `1 + x` is reduced to `2^k (1 + f)` with `f` in
/// `[sqrt(2)/2 - 1, sqrt(2) - 1]` and a correction for the rounding of `1 + x`, then the same
/// polynomial as [`ln`]. Identical on every platform.
pub fn ln_1p(x: f64) -> f64 {
    if x.is_nan() || x < -1.0 {
        return f64::NAN;
    }
    if x == -1.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    let hx = (x.to_bits() >> 32) as u32;
    let (k, c, f) = if hx < 0x3fda_827a || hx >> 31 != 0 {
        // -1 < x < sqrt(2) - 1
        if hx << 1 < 0x3ca0_0000 << 1 {
            // |x| < 2^-53: ln(1 + x) rounds to x
            return x;
        }
        if hx <= 0xbfd2_bec4 {
            // sqrt(2)/2 <= 1 + x < sqrt(2): no reduction, no correction
            (0, 0.0, x)
        } else {
            reduce_1p(x)
        }
    } else {
        reduce_1p(x)
    };
    log_kernel(k, c, f)
}

/// fdlibm's logarithm polynomial, shared by [`ln`] and [`ln_1p`]: `ln(2^k (1 + f))` plus the
/// correction `c`, for `1 + f` in `[sqrt(2)/2, sqrt(2)]`. With `c` = 0 this is exactly `ln`'s
/// last step (adding 0 to `k ln2_lo` changes no bit).
fn log_kernel(k: i32, c: f64, f: f64) -> f64 {
    const LG1: f64 = f64::from_bits(0x3FE5_5555_5555_5593);
    const LG2: f64 = f64::from_bits(0x3FD9_9999_9997_FA04);
    const LG3: f64 = f64::from_bits(0x3FD2_4924_9422_9359);
    const LG4: f64 = f64::from_bits(0x3FCC_71C5_1D8E_78AF);
    const LG5: f64 = f64::from_bits(0x3FC7_4664_96CB_03DE);
    const LG6: f64 = f64::from_bits(0x3FC3_9A09_D078_C69F);
    const LG7: f64 = f64::from_bits(0x3FC2_F112_DF3E_5244);
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    let dk = f64::from(k);
    s * (hfsq + r) + (dk * LN2_LO + c) - hfsq + f + dk * LN2_HI
}

/// For [`ln_1p`]: `1 + x = 2^k (1 + f) (1 + c / (1 + x))` with `1 + f` in
/// `[sqrt(2)/2, sqrt(2)]`; `c` is the rounding error of `1 + x` (0 once it cannot matter).
fn reduce_1p(x: f64) -> (i32, f64, f64) {
    let u = 1.0 + x;
    let mut hu = (u.to_bits() >> 32) as u32;
    hu = hu.wrapping_add(0x3ff0_0000 - 0x3fe6_a09e);
    let k = (hu >> 20) as i32 - 0x3ff;
    let c = if k < 54 {
        let c = if k >= 2 { 1.0 - (u - x) } else { x - (u - 1.0) };
        c / u
    } else {
        0.0
    };
    hu = (hu & 0x000f_ffff) + 0x3fe6_a09e;
    let m = f64::from_bits((u64::from(hu) << 32) | (u.to_bits() & 0xffff_ffff));
    (k, c, m - 1.0)
}

/// Cosine, within a few ulps of the platform's for arguments up to about 1e6 (checked in the
/// tests), and identical on every platform: only IEEE additions, multiplications and `%`
/// (an exact remainder), no library call. Larger arguments are first reduced modulo the
/// nearest `f64` to 2π, which is exact but not the true period, so their results are
/// deterministic rather than accurate. Used by the SVM's random Fourier features, so a model
/// file predicts bit for bit the same in wasm and natively.
pub fn cos(x: f64) -> f64 {
    if !x.is_finite() {
        return f64::NAN;
    }
    let (n, r) = reduce_pio2(x);
    match n {
        0 => cos_kernel(r),
        1 => -sin_kernel(r),
        2 => -cos_kernel(r),
        _ => sin_kernel(r),
    }
}

/// Sine, with the argument reduction, accuracy and portability of [`cos`]. Used by the SVM's
/// Box–Muller draws and the forecasts' Fourier terms.
pub fn sin(x: f64) -> f64 {
    if !x.is_finite() {
        return f64::NAN;
    }
    if x.abs() < f64::from_bits(0x3e50_0000_0000_0000) {
        // |x| < 2^-26: sin x rounds to x (and -0 stays -0)
        return x;
    }
    let (n, r) = reduce_pio2(x);
    match n {
        0 => sin_kernel(r),
        1 => cos_kernel(r),
        2 => -sin_kernel(r),
        _ => -cos_kernel(r),
    }
}

/// `x = n pi/2 + r` with `|r| <= pi/4` (about), for [`cos`] and [`sin`]: `n` modulo 4 and `r`.
fn reduce_pio2(x: f64) -> (i64, f64) {
    const PIO2_1: f64 = f64::from_bits(0x3FF9_21FB_5440_0000); // first 33 bits of pi/2
    const PIO2_2: f64 = f64::from_bits(0x3DD0_B461_1A60_0000); // next 33 bits
    const PIO2_3: f64 = f64::from_bits(0x3BA3_198A_2E03_7073); // the rest
    if x.abs() < std::f64::consts::FRAC_PI_4 {
        // no reduction (the same r as below, and the sign of -0 kept)
        return (0, x);
    }
    let x = if x.abs() > 1e6 {
        x % (2.0 * std::f64::consts::PI)
    } else {
        x
    };
    let n = (x * std::f64::consts::FRAC_2_PI).round();
    let r = ((x - n * PIO2_1) - n * PIO2_2) - n * PIO2_3;
    ((n as i64).rem_euclid(4), r)
}

/// `cos(r)` for `|r| <= pi/4` (fdlibm's polynomial).
fn cos_kernel(r: f64) -> f64 {
    const C1: f64 = f64::from_bits(0x3FA5_5555_5555_554C); // 4.16666666666666019037e-02
    const C2: f64 = f64::from_bits(0xBF56_C16C_16C1_5177); // -1.38888888888741095749e-03
    const C3: f64 = f64::from_bits(0x3EFA_01A0_19CB_1590); // 2.48015872894767294178e-05
    const C4: f64 = f64::from_bits(0xBE92_7E4F_809C_52AD); // -2.75573143513906633035e-07
    const C5: f64 = f64::from_bits(0x3E21_EE9E_BDB4_B1C4); // 2.08757232129817482790e-09
    const C6: f64 = f64::from_bits(0xBDA8_FAE9_BE88_38D4); // -1.13596475577881948265e-11
    let z = r * r;
    let w = z * z;
    let p = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    let hz = 0.5 * z;
    let one_minus = 1.0 - hz;
    one_minus + (((1.0 - one_minus) - hz) + z * p)
}

/// `sin(r)` for `|r| <= pi/4` (fdlibm's polynomial).
fn sin_kernel(r: f64) -> f64 {
    const S1: f64 = f64::from_bits(0xBFC5_5555_5555_5549); // -1.66666666666666324348e-01
    const S2: f64 = f64::from_bits(0x3F81_1111_1110_F8A6); // 8.33333333332248946124e-03
    const S3: f64 = f64::from_bits(0xBF2A_01A0_19C1_61D5); // -1.98412698298579493134e-04
    const S4: f64 = f64::from_bits(0x3EC7_1DE3_57B1_FE7D); // 2.75573137070700676789e-06
    const S5: f64 = f64::from_bits(0xBE5A_E5E6_8A2B_9CEB); // -2.50507602534068634195e-08
    const S6: f64 = f64::from_bits(0x3DE5_D93A_5ACF_D57C); // 1.58969099521155010221e-10
    let z = r * r;
    let w = z * z;
    let p = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    r + z * r * (S1 + z * p)
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

/// The index of the largest value of `row` (the first one on ties; 0 for an empty row).
pub fn argmax(row: &[f64]) -> usize {
    let mut best = 0;
    for (i, &v) in row.iter().enumerate() {
        if v > row[best] {
            best = i;
        }
    }
    best
}

/// The most probable class of each row of `proba` (`n_classes` per row, row-major); ties go
/// to the lower code.
pub fn argmax_rows(proba: &[f64], n_classes: usize) -> Vec<u32> {
    proba
        .chunks_exact(n_classes.max(1))
        .map(|p| argmax(p) as u32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn cos_matches_std_within_a_few_ulps() {
        let mut rng = Rng::new(9);
        for i in 0..200_000 {
            let x = match i % 3 {
                0 => (rng.next_f64() - 0.5) * 20.0,
                1 => (rng.next_f64() - 0.5) * 2000.0,
                _ => (rng.next_f64() - 0.5) * 2e6,
            };
            let (ours, std) = (cos(x), x.cos());
            if x.abs() <= 2000.0 && std.abs() >= 1e-3 {
                assert!(ulps(ours, std) <= 2, "cos({x}) = {ours} vs {std}");
            }
            assert!(
                (ours - std).abs() <= 4.0 * f64::EPSILON,
                "cos({x}) = {ours} vs {std}"
            );
        }
        assert_eq!(cos(0.0), 1.0);
        assert!(cos(f64::NAN).is_nan() && cos(f64::INFINITY).is_nan());
        assert!(cos(1e300).abs() <= 1.0);
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
        assert_eq!(exp(1.0), std::f64::consts::E);
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
    fn sin_matches_std_within_a_few_ulps() {
        let mut rng = Rng::new(10);
        for i in 0..200_000 {
            let x = match i % 4 {
                0 => (rng.next_f64() - 0.5) * std::f64::consts::FRAC_PI_2,
                1 => (rng.next_f64() - 0.5) * 20.0,
                2 => (rng.next_f64() - 0.5) * 2000.0,
                _ => (rng.next_f64() - 0.5) * 2e6,
            };
            let (ours, std) = (sin(x), x.sin());
            if x.abs() <= std::f64::consts::FRAC_PI_4 {
                // no reduction: the kernel alone
                assert!(ulps(ours, std) <= 1, "sin({x}) = {ours} vs {std}");
            } else if x.abs() <= 2000.0 && std.abs() >= 1e-3 {
                assert!(ulps(ours, std) <= 2, "sin({x}) = {ours} vs {std}");
            }
            assert!(
                (ours - std).abs() <= 4.0 * f64::EPSILON,
                "sin({x}) = {ours} vs {std}"
            );
        }
        // Box–Muller's angles and the Fourier terms' phases: 2π u for u in [0, 1)
        for i in 0..10_000 {
            let x = std::f64::consts::TAU * (i as f64 / 10_000.0);
            assert!((sin(x) - x.sin()).abs() <= 2.0 * f64::EPSILON, "sin({x})");
            assert!((cos(x) - x.cos()).abs() <= 2.0 * f64::EPSILON, "cos({x})");
        }
        assert_eq!(sin(0.0), 0.0);
        assert_eq!(sin(-0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(sin(1e-300), 1e-300);
        assert!(sin(f64::NAN).is_nan() && sin(f64::NEG_INFINITY).is_nan());
        assert!(sin(1e300).abs() <= 1.0);
    }

    #[test]
    fn ln_1p_matches_std_within_one_ulp() {
        let mut rng = Rng::new(7);
        for i in 0..400_000 {
            let u = rng.next_f64();
            let x = match i % 5 {
                // log-uniform over (2^-60, 2^60), either sign where defined
                0 => exp((u - 0.5) * 83.0),
                1 => -exp((u - 0.5) * 83.0).min(1.0 - f64::EPSILON),
                // around zero, the branch without reduction, and near -1
                2 => (u - 0.5) * 1.5,
                3 => -1.0 + u * 1e-6 + 1e-300,
                _ => exp((u - 0.5) * 1400.0),
            };
            assert!(
                ulps(ln_1p(x), x.ln_1p()) <= 1,
                "ln_1p({x}) = {} vs {}",
                ln_1p(x),
                x.ln_1p()
            );
        }
        assert_eq!(ln_1p(0.0), 0.0);
        assert_eq!(ln_1p(1e-20), 1e-20);
        assert_eq!(ln_1p(-1.0), f64::NEG_INFINITY);
        assert_eq!(ln_1p(f64::INFINITY), f64::INFINITY);
        assert!(ln_1p(-1.5).is_nan() && ln_1p(f64::NAN).is_nan());
        assert_eq!(ln_1p(f64::MAX), f64::MAX.ln_1p());
        // where ln(1 + x) loses x's digits
        let x = 1e-10;
        assert!(ulps(ln_1p(x), x - x * x / 2.0) <= 1);
        assert!(ulps(ln(1.0 + x), x - x * x / 2.0) > 1000);
    }

    #[test]
    fn sigmoid_and_softmax_are_stable_at_the_extremes() {
        assert_eq!(sigmoid(800.0), 1.0);
        assert!(sigmoid(-800.0) > 0.0 && sigmoid(-800.0) < 1e-300);
        for i in -400..=400 {
            let x = i as f64 / 10.0;
            let s = sigmoid(x);
            assert!((s + sigmoid(-x) - 1.0).abs() <= 2.0 * f64::EPSILON, "{x}");
            let exact = 1.0 / (1.0 + (-x).exp());
            assert!(ulps(s, exact) <= 2, "sigmoid({x}) = {s} vs {exact}");
        }
        let mut s = [2.0, 1.0, 0.0];
        softmax_in_place(&mut s);
        let z = 1.0 + (-1.0f64).exp() + (-2.0f64).exp();
        for (p, e) in s
            .iter()
            .zip([1.0 / z, (-1.0f64).exp() / z, (-2.0f64).exp() / z])
        {
            assert!(ulps(*p, e) <= 3, "{p} vs {e}");
        }
        assert_eq!(argmax(&s), 0);
        assert_eq!(argmax(&[1.0, 3.0, 3.0]), 1);
        assert_eq!(argmax(&[]), 0);
        assert_eq!(argmax_rows(&[0.2, 0.8, 0.5, 0.5, 0.9, 0.1], 2), [1, 0, 0]);
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
