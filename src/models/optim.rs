//! L-BFGS minimization of a smooth function, for the linear families fitted here
//! (logistic regression, the SVM's squared hinge loss). Deterministic, allocation-light, and
//! it stops on a non-finite value instead of looping or panicking.

/// Why the optimizer stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The gradient is small enough.
    Converged,
    /// The iteration limit was reached.
    MaxIterations,
    /// The line search could not decrease the objective (at a minimum, numerically).
    NoProgress,
    /// The objective or gradient became NaN or infinite.
    NotFinite,
}

/// Minimizes `f` from `x` in place. `f(x, grad)` returns the value and writes the gradient.
/// Stops when the gradient's largest component is below `tol` × max(1, |f|).
pub fn lbfgs(
    x: &mut [f64],
    max_iter: usize,
    tol: f64,
    mut f: impl FnMut(&[f64], &mut [f64]) -> f64,
) -> Stop {
    const M: usize = 8;
    let n = x.len();
    let mut g = vec![0.0; n];
    let mut fx = f(x, &mut g);
    if !fx.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return Stop::NotFinite;
    }
    let mut s_hist: Vec<Vec<f64>> = Vec::with_capacity(M);
    let mut y_hist: Vec<Vec<f64>> = Vec::with_capacity(M);
    let mut rho: Vec<f64> = Vec::with_capacity(M);
    let mut d = vec![0.0; n];
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    let mut alpha = [0.0; M];
    for _ in 0..max_iter {
        let gmax = g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if gmax <= tol * fx.abs().max(1.0) {
            return Stop::Converged;
        }
        // two-loop recursion: d = -H g
        d.copy_from_slice(&g);
        let k = s_hist.len();
        for i in (0..k).rev() {
            alpha[i] = rho[i] * dot(&s_hist[i], &d);
            axpy(-alpha[i], &y_hist[i], &mut d);
        }
        if k > 0 {
            let gamma = dot(&s_hist[k - 1], &y_hist[k - 1]) / dot(&y_hist[k - 1], &y_hist[k - 1]);
            d.iter_mut().for_each(|v| *v *= gamma);
        } else {
            let scale = 1.0 / gmax.max(1.0);
            d.iter_mut().for_each(|v| *v *= scale);
        }
        for i in 0..k {
            let beta = rho[i] * dot(&y_hist[i], &d);
            axpy(alpha[i] - beta, &s_hist[i], &mut d);
        }
        d.iter_mut().for_each(|v| *v = -*v);
        let mut slope = dot(&g, &d);
        if slope >= 0.0 {
            // not a descent direction: restart from steepest descent
            s_hist.clear();
            y_hist.clear();
            rho.clear();
            d.iter_mut()
                .zip(&g)
                .for_each(|(di, gi)| *di = -gi / gmax.max(1.0));
            slope = dot(&g, &d);
        }
        // backtracking (Armijo) line search
        let mut step = 1.0;
        let mut accepted = false;
        for _ in 0..40 {
            for i in 0..n {
                x_new[i] = x[i] + step * d[i];
            }
            let f_new = f(&x_new, &mut g_new);
            if f_new.is_finite() && f_new <= fx + 1e-4 * step * slope {
                let s: Vec<f64> = (0..n).map(|i| x_new[i] - x[i]).collect();
                let y: Vec<f64> = (0..n).map(|i| g_new[i] - g[i]).collect();
                let sy = dot(&s, &y);
                if sy > 1e-12 {
                    if s_hist.len() == M {
                        s_hist.remove(0);
                        y_hist.remove(0);
                        rho.remove(0);
                    }
                    rho.push(1.0 / sy);
                    s_hist.push(s);
                    y_hist.push(y);
                }
                x.copy_from_slice(&x_new);
                g.copy_from_slice(&g_new);
                let improvement = fx - f_new;
                fx = f_new;
                accepted = true;
                if improvement <= 1e-12 * fx.abs().max(1.0) {
                    return Stop::Converged;
                }
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            return Stop::NoProgress;
        }
        if g.iter().any(|v| !v.is_finite()) {
            return Stop::NotFinite;
        }
    }
    Stop::MaxIterations
}

/// Dot product.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimizes_the_rosenbrock_function() {
        let mut x = vec![-1.2, 1.0];
        let stop = lbfgs(&mut x, 500, 1e-10, |x, g| {
            let (a, b) = (x[0], x[1]);
            g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
            g[1] = 200.0 * (b - a * a);
            (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
        });
        assert!(
            matches!(stop, Stop::Converged | Stop::NoProgress),
            "{stop:?}"
        );
        assert!(
            (x[0] - 1.0).abs() < 1e-4 && (x[1] - 1.0).abs() < 1e-4,
            "{x:?}"
        );
    }

    #[test]
    fn stops_on_non_finite_values() {
        let mut x = vec![0.0];
        assert_eq!(
            lbfgs(&mut x, 10, 1e-8, |_, g| {
                g[0] = f64::NAN;
                1.0
            }),
            Stop::NotFinite
        );
    }
}
