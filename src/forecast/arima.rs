//! Automatic seasonal ARIMA(p,d,q)(P,D,Q)m after Hyndman and Khandakar (2008), with the
//! choices of statsforecast's `auto_arima_f` (its approximation mode): the seasonal
//! difference D ∈ {0, 1} when the seasonal strength of a classical additive decomposition
//! exceeds 0.64 (statsforecast uses STL's), then d ∈ {0, 1, 2} by repeated KPSS level tests at
//! 5% (lag ⌊3√n/13⌋, critical value 0.463), then the stepwise search over orders by AICc from
//! (2,d,2)(1,D,1), (0,d,0)(0,D,0), (1,d,0)(1,D,0) and (0,d,1)(0,D,1), moving one or two orders
//! at a time and toggling the constant (a mean when d + D = 0, a drift when d + D = 1), at most
//! 94 models. Estimation is conditional sum of squares (CSS) throughout, with the mean of the
//! differenced series as the constant; the AR and MA polynomials are kept stationary and
//! invertible through partial autocorrelations (tanh), and a fit with a partial
//! autocorrelation beyond ±0.99 is not selected (statsforecast rejects roots within 1.01).
//! The series is scaled by its largest absolute value first, so huge values cannot overflow.

use crate::math::exp;
use serde::{Deserialize, Serialize};

/// The orders of a seasonal ARIMA model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// AR order.
    pub p: usize,
    /// Differences.
    pub d: usize,
    /// MA order.
    pub q: usize,
    /// Seasonal AR order.
    pub sp: usize,
    /// Seasonal differences.
    pub sd: usize,
    /// Seasonal MA order.
    pub sq: usize,
    /// A mean (d + D = 0) or drift (d + D = 1).
    pub constant: bool,
}

impl Order {
    /// `ARIMA(p,d,q)(P,D,Q)[m]`, with "with drift" or "with mean" when it has a constant.
    pub fn label(&self, m: usize) -> String {
        let mut s = format!("ARIMA({},{},{})", self.p, self.d, self.q);
        if m > 1 && self.sp + self.sd + self.sq > 0 {
            s += &format!("({},{},{})[{m}]", self.sp, self.sd, self.sq);
        }
        if self.constant {
            s += if self.d + self.sd == 0 {
                " with mean"
            } else {
                " with drift"
            };
        }
        s
    }
}

/// A fitted model (on the scaled series).
#[derive(Debug, Clone)]
pub struct ArimaFit {
    /// The orders.
    pub order: Order,
    /// Season length (1 without a season).
    pub m: usize,
    /// Coefficients: AR, MA, seasonal AR, seasonal MA (MA with the `1 + θB` sign).
    pub coef: [Vec<f64>; 4],
    /// The constant of the differenced series (scaled).
    pub mean: f64,
    /// AICc of the CSS fit (infinite when rejected).
    pub aicc: f64,
    ar: Vec<(usize, f64)>,
    ma: Vec<(usize, f64)>,
    delta: Vec<f64>,
    z: Vec<f64>,
    w: Vec<f64>,
    resid: Vec<f64>,
    shift: f64,
    scale: f64,
}

/// Partial autocorrelations (through tanh) to the coefficients of a stationary AR polynomial
/// (Durbin-Levinson, as R's `partrans`); also the largest absolute partial autocorrelation.
fn coefficients(u: &[f64]) -> (Vec<f64>, f64) {
    let mut a: Vec<f64> = Vec::with_capacity(u.len());
    let mut top: f64 = 0.0;
    for &x in u {
        let e = exp(-2.0 * x.abs());
        let r = (1.0 - e) / (1.0 + e) * x.signum();
        top = top.max(r.abs());
        let prev = a.clone();
        for (j, v) in a.iter_mut().enumerate() {
            *v = prev[j] - r * prev[prev.len() - 1 - j];
        }
        a.push(r);
    }
    (a, top)
}

fn poly_mul(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; a.len() + b.len() - 1];
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            out[i + j] += x * y;
        }
    }
    out
}

/// `1 + sign·Σ c_i B^(i·step)` as a coefficient vector.
fn poly(c: &[f64], step: usize, sign: f64) -> Vec<f64> {
    let mut p = vec![0.0; c.len() * step + 1];
    p[0] = 1.0;
    for (i, v) in c.iter().enumerate() {
        p[(i + 1) * step] = sign * v;
    }
    p
}

/// The non-zero terms after the leading 1, with their sign flipped when `negate`.
fn sparse(p: &[f64], negate: bool) -> Vec<(usize, f64)> {
    let s = if negate { -1.0 } else { 1.0 };
    (1..p.len())
        .filter(|&k| p[k] != 0.0)
        .map(|k| (k, s * p[k]))
        .collect()
}

/// `(1 - B)^d (1 - B^m)^D` as a coefficient vector.
fn differencing(d: usize, sd: usize, m: usize) -> Vec<f64> {
    let mut p = vec![1.0];
    for _ in 0..d {
        p = poly_mul(&p, &[1.0, -1.0]);
    }
    for _ in 0..sd {
        p = poly_mul(&p, &poly(&[1.0], m, -1.0));
    }
    p
}

fn apply(delta: &[f64], y: &[f64]) -> Vec<f64> {
    let k = delta.len() - 1;
    (k..y.len())
        .map(|t| delta.iter().enumerate().map(|(i, c)| c * y[t - i]).sum())
        .collect()
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len().max(1) as f64
}

fn is_constant(x: &[f64]) -> bool {
    x.iter().all(|v| *v == x[0])
}

/// CSS residuals of the ARMA model on `w` (zero before `ncond`); returns the sum of squares.
fn css(
    w: &[f64],
    mu: f64,
    ar: &[(usize, f64)],
    ma: &[(usize, f64)],
    ncond: usize,
    e: &mut Vec<f64>,
) -> f64 {
    e.clear();
    e.resize(w.len(), 0.0);
    let mut sse = 0.0;
    for t in ncond..w.len() {
        let mut v = w[t] - mu;
        for &(k, c) in ar {
            v -= c * (w[t - k] - mu);
        }
        for &(k, c) in ma {
            if k <= t {
                v -= c * e[t - k];
            }
        }
        e[t] = v;
        sse += v * v;
        if !sse.is_finite() {
            return f64::INFINITY;
        }
    }
    sse
}

struct Polys {
    ar: Vec<(usize, f64)>,
    ma: Vec<(usize, f64)>,
    coef: [Vec<f64>; 4],
    top: f64,
}

fn polys(o: &Order, m: usize, u: &[f64]) -> Polys {
    let (a, t1) = coefficients(&u[..o.p]);
    let (b, t2) = coefficients(&u[o.p..o.p + o.q]);
    let (sa, t3) = coefficients(&u[o.p + o.q..o.p + o.q + o.sp]);
    let (sb, t4) = coefficients(&u[o.p + o.q + o.sp..]);
    // MA: 1 + Σθ B^i = 1 - Σ b_i B^i is invertible when b is a stationary AR set
    let b: Vec<f64> = b.iter().map(|v| -v).collect();
    let sb: Vec<f64> = sb.iter().map(|v| -v).collect();
    let ar = poly_mul(&poly(&a, 1, -1.0), &poly(&sa, m, -1.0));
    let ma = poly_mul(&poly(&b, 1, 1.0), &poly(&sb, m, 1.0));
    Polys {
        ar: sparse(&ar, true),
        ma: sparse(&ma, false),
        coef: [a, b, sa, sb],
        top: t1.max(t2).max(t3).max(t4),
    }
}

/// Fits `order` to the (already scaled) series `z` by CSS. `None` when too short.
fn fit_scaled(z: &[f64], m: usize, order: Order, shift: f64, scale: f64) -> Option<ArimaFit> {
    let m = m.max(1);
    let delta = differencing(order.d, order.sd, m);
    if z.len() < delta.len() {
        return None;
    }
    let w = apply(&delta, z);
    let nw = w.len();
    let ncond = order.p + order.sp * m;
    let dims = order.p + order.q + order.sp + order.sq;
    let npar = dims + usize::from(order.constant) + 1;
    if nw < ncond + npar + 2 {
        return None;
    }
    let mu = if order.constant { mean(&w) } else { 0.0 };
    let mut e = Vec::new();
    let objective = |u: &[f64], e: &mut Vec<f64>| {
        let p = polys(&order, m, u);
        css(&w, mu, &p.ar, &p.ma, ncond, e)
    };
    let u = if dims == 0 {
        Vec::new()
    } else {
        super::ets::nelder_mead(&vec![0.0; dims], 0.5, 150 * dims + 50, |u| {
            objective(u, &mut e)
        })
    };
    let sse = objective(&u, &mut e);
    let p = polys(&order, m, &u);
    let sigma2 = (sse / (nw - ncond) as f64).max(1e-300);
    let aic = nw as f64 * crate::math::ln(sigma2) + 2.0 * npar as f64;
    let den = nw as f64 - npar as f64 - 1.0;
    let aicc = if den > 0.0 && p.top < 0.99 && sse.is_finite() {
        aic + 2.0 * (npar * (npar + 1)) as f64 / den
    } else {
        f64::INFINITY
    };
    Some(ArimaFit {
        order,
        m,
        coef: p.coef,
        mean: mu,
        aicc,
        ar: p.ar,
        ma: p.ma,
        delta,
        z: z.to_vec(),
        w,
        resid: e,
        shift,
        scale,
    })
}

/// The series scaled by its largest absolute value and centred: `(y / s - c)`, with `(c, s)`.
/// `None` when a value is not finite.
fn scaled(y: &[f64]) -> Option<(Vec<f64>, f64, f64)> {
    let s = y.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    if !s.is_finite() || y.is_empty() {
        return None;
    }
    let s = if s > 0.0 { s } else { 1.0 };
    let z: Vec<f64> = y.iter().map(|v| v / s).collect();
    let c = mean(&z);
    Some((z.iter().map(|v| v - c).collect(), c, s))
}

/// Fits one order by CSS.
pub fn fit(y: &[f64], m: usize, order: Order) -> Option<ArimaFit> {
    let (z, c, s) = scaled(y)?;
    fit_scaled(&z, m, order, c, s)
}

impl ArimaFit {
    /// Forecasts `h` steps after the data.
    pub fn forecast(&self, h: usize) -> Vec<f64> {
        let nw = self.w.len();
        let mu = self.mean;
        let mut w = self.w.clone();
        for t in nw..nw + h {
            let mut v = mu;
            for &(k, c) in &self.ar {
                v += c * (w.get(t.wrapping_sub(k)).copied().unwrap_or(mu) - mu);
            }
            for &(k, c) in &self.ma {
                if k <= t && t - k < nw {
                    v += c * self.resid[t - k];
                }
            }
            w.push(v);
        }
        // undo the differences: y_t = w_t - Σ δ_k y_(t-k)
        let mut z = self.z.clone();
        let n = z.len();
        for j in 0..h {
            let t = n + j;
            let v = w[nw + j]
                - (1..self.delta.len())
                    .map(|k| self.delta[k] * z[t - k])
                    .sum::<f64>();
            z.push(v);
        }
        z[n..]
            .iter()
            .map(|v| (v + self.shift) * self.scale)
            .collect()
    }
}

/// The KPSS level-stationarity statistic with `⌊3√n/13⌋` Bartlett lags.
pub fn kpss(x: &[f64]) -> f64 {
    let n = x.len();
    let mu = mean(x);
    let e: Vec<f64> = x.iter().map(|v| v - mu).collect();
    let lags = (3.0 * (n as f64).sqrt() / 13.0) as usize;
    let gamma = |k: usize| (k..n).map(|t| e[t] * e[t - k]).sum::<f64>() / n as f64;
    let mut s2 = gamma(0);
    for k in 1..=lags.min(n.saturating_sub(1)) {
        s2 += 2.0 * (1.0 - k as f64 / (lags + 1) as f64) * gamma(k);
    }
    let mut cum = 0.0;
    let mut eta = 0.0;
    for v in &e {
        cum += v;
        eta += cum * cum;
    }
    if s2 > 0.0 {
        eta / (n as f64 * n as f64 * s2)
    } else {
        0.0
    }
}

/// Differences (0, 1 or 2) by repeated KPSS tests at 5%.
pub fn ndiffs(x: &[f64]) -> usize {
    let mut x = x.to_vec();
    let mut d = 0;
    while d < 2 && x.len() > 3 && !is_constant(&x) && kpss(&x) > 0.463 {
        d += 1;
        x = apply(&[1.0, -1.0], &x);
    }
    d
}

/// Seasonal differences (0 or 1): 1 when the seasonal strength of a classical additive
/// decomposition, `1 - var(remainder) / var(season + remainder)`, exceeds 0.64.
pub fn nsdiffs(x: &[f64], m: usize) -> usize {
    if m < 2 || x.len() <= 2 * m || is_constant(x) {
        return 0;
    }
    let Some((season, trend)) = super::theta::decompose(x, m, false) else {
        return 0;
    };
    let (mut rem, mut both) = (Vec::new(), Vec::new());
    for (t, tr) in trend.iter().enumerate() {
        if let Some(tr) = tr {
            let s = season[t % m];
            rem.push(x[t] - tr - s);
            both.push(x[t] - tr);
        }
    }
    let var = |v: &[f64]| {
        let mu = mean(v);
        v.iter().map(|x| (x - mu) * (x - mu)).sum::<f64>()
    };
    let vb = var(&both);
    usize::from(vb > 0.0 && 1.0 - var(&rem) / vb > 0.64)
}

/// The automatic model: differences by the tests, then the stepwise search by AICc. A
/// constant series gets ARIMA(0,0,0) with its mean. `None` when nothing can be fitted.
pub fn auto(y: &[f64], m: usize) -> Option<ArimaFit> {
    let (z, c, s) = scaled(y)?;
    let n = z.len();
    let m = if m >= 2 { m } else { 1 };
    let o0 = |d, sd, constant| Order {
        p: 0,
        d,
        q: 0,
        sp: 0,
        sd,
        sq: 0,
        constant,
    };
    if is_constant(&z) {
        return fit_scaled(&z, 1, o0(0, 0, true), c, s);
    }
    let sd = if m > 1 && n > 2 * m {
        nsdiffs(&z, m)
    } else {
        0
    };
    let dx = if sd > 0 {
        apply(&differencing(0, 1, m), &z)
    } else {
        z.clone()
    };
    let mut d = ndiffs(&dx);
    while d > 0 && dx.len() <= d + 3 {
        d -= 1;
    }
    let len = n / 3;
    let cap = |v: usize| if m > 1 { v.min(m - 1) } else { v };
    let (max_p, max_q) = (cap(5.min(len)), cap(5.min(len)));
    let max_sp = if m > 1 { 2.min(n / 3 / m) } else { 0 };
    let max_sq = max_sp;
    let constant = d + sd <= 1;
    let small = n < 10;
    let start = Order {
        p: 2.min(max_p).min(if small { 1 } else { 2 }),
        d,
        q: 2.min(max_q).min(if small { 1 } else { 2 }),
        sp: if small { 0 } else { 1.min(max_sp) },
        sd,
        sq: if small { 0 } else { 1.min(max_sq) },
        constant,
    };
    let mut tried: Vec<Order> = Vec::new();
    let mut best: Option<ArimaFit> = None;
    let attempt = |o: Order, best: &mut Option<ArimaFit>, tried: &mut Vec<Order>| -> bool {
        if tried.contains(&o) || tried.len() >= 94 {
            return false;
        }
        tried.push(o);
        let Some(f) = fit_scaled(&z, m, o, c, s) else {
            return false;
        };
        let better = best.as_ref().is_none_or(|b| f.aicc < b.aicc);
        if better {
            *best = Some(f);
        }
        better
    };
    let mut cur = start;
    attempt(start, &mut best, &mut tried);
    let firsts = [
        o0(d, sd, constant),
        Order {
            p: usize::from(max_p > 0),
            sp: usize::from(max_sp > 0),
            ..o0(d, sd, constant)
        },
        Order {
            q: usize::from(max_q > 0),
            sq: usize::from(max_sq > 0),
            ..o0(d, sd, constant)
        },
        o0(d, sd, false),
    ];
    for (i, o) in firsts.into_iter().enumerate() {
        if (i == 3 && !constant)
            || (i == 1 && max_p + max_sp == 0)
            || (i == 2 && max_q + max_sq == 0)
        {
            continue;
        }
        if attempt(o, &mut best, &mut tried) {
            cur = o;
        }
    }
    // the stepwise moves, in statsforecast's order: seasonal orders, then non-seasonal, then
    // the constant; the first move that improves is taken and the moves start again
    let moves: [(i32, i32, bool); 8] = [
        (-1, 0, false),
        (0, -1, false),
        (1, 0, false),
        (0, 1, false),
        (-1, -1, false),
        (-1, 1, false),
        (1, -1, false),
        (1, 1, false),
    ];
    'search: while tried.len() < 94 {
        for seasonal in [true, false] {
            for &(a, b, _) in &moves {
                let (x, y, mx, my) = if seasonal {
                    (cur.sp, cur.sq, max_sp, max_sq)
                } else {
                    (cur.p, cur.q, max_p, max_q)
                };
                let (nx, ny) = (x as i32 + a, y as i32 + b);
                if nx < 0 || ny < 0 || nx > mx as i32 || ny > my as i32 {
                    continue;
                }
                let mut o = cur;
                if seasonal {
                    (o.sp, o.sq) = (nx as usize, ny as usize);
                } else {
                    (o.p, o.q) = (nx as usize, ny as usize);
                }
                if attempt(o, &mut best, &mut tried) {
                    cur = o;
                    continue 'search;
                }
            }
        }
        if constant {
            let o = Order {
                constant: !cur.constant,
                ..cur
            };
            if attempt(o, &mut best, &mut tried) {
                cur = o;
                continue 'search;
            }
        }
        break;
    }
    match best {
        Some(b) if b.aicc.is_finite() => Some(b),
        _ => fit_scaled(&z, m, o0(d, sd, constant), c, s),
    }
}
