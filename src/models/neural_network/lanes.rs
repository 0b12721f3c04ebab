//! Four `f32` lanes, added and multiplied lane by lane: IEEE single precision, rounded to
//! nearest, nothing fused, so every path gives the same bits. In wasm built with `simd128`
//! (the page's build, `.cargo/config.toml`) they are one 128-bit SIMD value; natively on
//! x86-64 one SSE register (SSE is part of every x86-64, so there is no choice at run time);
//! elsewhere (wasm without `simd128`, other processors) a plain array that the compiler may
//! vectorize by itself. Explicit rather than left to the compiler because the page's wasm is
//! optimized for size (`opt-level = "z"`), at which LLVM vectorizes no loop.

/// Four lanes of `f32`.
#[derive(Clone, Copy)]
pub(super) struct V4(imp::Raw);

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[allow(unused_unsafe)]
mod imp {
    use core::arch::wasm32::*;
    pub(super) type Raw = v128;
    #[inline(always)]
    pub(super) fn splat(x: f32) -> Raw {
        f32x4_splat(x)
    }
    #[inline(always)]
    pub(super) fn store(v: Raw, s: &mut [f32; 4]) {
        // SAFETY: `s` is 16 writable bytes; v128.store takes any alignment.
        unsafe { v128_store(s.as_mut_ptr() as *mut v128, v) }
    }
    /// # Safety
    /// `p` points to four readable `f32`.
    #[inline(always)]
    pub(super) unsafe fn read(p: *const f32) -> Raw {
        unsafe { v128_load(p as *const v128) }
    }
    /// # Safety
    /// `p` points to four writable `f32`.
    #[inline(always)]
    pub(super) unsafe fn write(v: Raw, p: *mut f32) {
        unsafe { v128_store(p as *mut v128, v) }
    }
    #[inline(always)]
    pub(super) fn add(a: Raw, b: Raw) -> Raw {
        f32x4_add(a, b)
    }
    #[inline(always)]
    pub(super) fn mul(a: Raw, b: Raw) -> Raw {
        f32x4_mul(a, b)
    }
    #[inline(always)]
    pub(super) fn sub(a: Raw, b: Raw) -> Raw {
        f32x4_sub(a, b)
    }
    #[inline(always)]
    pub(super) fn div(a: Raw, b: Raw) -> Raw {
        f32x4_div(a, b)
    }
    #[inline(always)]
    pub(super) fn sqrt(a: Raw) -> Raw {
        f32x4_sqrt(a)
    }
    #[inline(always)]
    pub(super) fn gt(a: Raw, b: Raw) -> Raw {
        f32x4_gt(a, b)
    }
    #[inline(always)]
    pub(super) fn eq(a: Raw, b: Raw) -> Raw {
        f32x4_eq(a, b)
    }
    #[inline(always)]
    pub(super) fn and(a: Raw, b: Raw) -> Raw {
        v128_and(a, b)
    }
    /// `a & !b`
    #[inline(always)]
    pub(super) fn and_not(a: Raw, b: Raw) -> Raw {
        v128_andnot(a, b)
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unused_unsafe)]
mod imp {
    use std::arch::x86_64::*;
    pub(super) type Raw = __m128;
    #[inline(always)]
    pub(super) fn splat(x: f32) -> Raw {
        // SAFETY: SSE is in every x86-64 processor.
        unsafe { _mm_set1_ps(x) }
    }
    #[inline(always)]
    pub(super) fn store(v: Raw, s: &mut [f32; 4]) {
        // SAFETY: `s` is 16 writable bytes; storeu takes any alignment.
        unsafe { _mm_storeu_ps(s.as_mut_ptr(), v) }
    }
    /// # Safety
    /// `p` points to four readable `f32`.
    #[inline(always)]
    pub(super) unsafe fn read(p: *const f32) -> Raw {
        unsafe { _mm_loadu_ps(p) }
    }
    /// # Safety
    /// `p` points to four writable `f32`.
    #[inline(always)]
    pub(super) unsafe fn write(v: Raw, p: *mut f32) {
        unsafe { _mm_storeu_ps(p, v) }
    }
    #[inline(always)]
    pub(super) fn add(a: Raw, b: Raw) -> Raw {
        // SAFETY: SSE is in every x86-64 processor.
        unsafe { _mm_add_ps(a, b) }
    }
    #[inline(always)]
    pub(super) fn mul(a: Raw, b: Raw) -> Raw {
        // SAFETY: SSE is in every x86-64 processor.
        unsafe { _mm_mul_ps(a, b) }
    }
    #[inline(always)]
    pub(super) fn sub(a: Raw, b: Raw) -> Raw {
        // SAFETY: SSE is in every x86-64 processor.
        unsafe { _mm_sub_ps(a, b) }
    }
    #[inline(always)]
    pub(super) fn div(a: Raw, b: Raw) -> Raw {
        // SAFETY: SSE is in every x86-64 processor.
        unsafe { _mm_div_ps(a, b) }
    }
    #[inline(always)]
    pub(super) fn sqrt(a: Raw) -> Raw {
        // SAFETY: SSE is in every x86-64 processor.
        unsafe { _mm_sqrt_ps(a) }
    }
    #[inline(always)]
    pub(super) fn gt(a: Raw, b: Raw) -> Raw {
        // SAFETY: SSE is in every x86-64 processor.
        unsafe { _mm_cmpgt_ps(a, b) }
    }
    #[inline(always)]
    pub(super) fn eq(a: Raw, b: Raw) -> Raw {
        // SAFETY: SSE is in every x86-64 processor.
        unsafe { _mm_cmpeq_ps(a, b) }
    }
    #[inline(always)]
    pub(super) fn and(a: Raw, b: Raw) -> Raw {
        // SAFETY: SSE is in every x86-64 processor.
        unsafe { _mm_and_ps(a, b) }
    }
    /// `a & !b` (SSE's andnot complements its first operand)
    #[inline(always)]
    pub(super) fn and_not(a: Raw, b: Raw) -> Raw {
        // SAFETY: SSE is in every x86-64 processor.
        unsafe { _mm_andnot_ps(b, a) }
    }
}

#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    target_arch = "x86_64"
)))]
mod imp {
    pub(super) type Raw = [f32; 4];
    #[inline(always)]
    pub(super) fn splat(x: f32) -> Raw {
        [x; 4]
    }
    #[inline(always)]
    pub(super) fn store(v: Raw, s: &mut [f32; 4]) {
        *s = v;
    }
    /// # Safety
    /// `p` points to four readable `f32`.
    #[inline(always)]
    pub(super) unsafe fn read(p: *const f32) -> Raw {
        unsafe { [*p, *p.add(1), *p.add(2), *p.add(3)] }
    }
    /// # Safety
    /// `p` points to four writable `f32`.
    #[inline(always)]
    pub(super) unsafe fn write(v: Raw, p: *mut f32) {
        unsafe {
            *p = v[0];
            *p.add(1) = v[1];
            *p.add(2) = v[2];
            *p.add(3) = v[3];
        }
    }
    #[inline(always)]
    pub(super) fn add(a: Raw, b: Raw) -> Raw {
        [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
    }
    #[inline(always)]
    pub(super) fn mul(a: Raw, b: Raw) -> Raw {
        [a[0] * b[0], a[1] * b[1], a[2] * b[2], a[3] * b[3]]
    }
    #[inline(always)]
    pub(super) fn sub(a: Raw, b: Raw) -> Raw {
        [a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3]]
    }
    #[inline(always)]
    pub(super) fn div(a: Raw, b: Raw) -> Raw {
        [a[0] / b[0], a[1] / b[1], a[2] / b[2], a[3] / b[3]]
    }
    #[inline(always)]
    pub(super) fn sqrt(a: Raw) -> Raw {
        [a[0].sqrt(), a[1].sqrt(), a[2].sqrt(), a[3].sqrt()]
    }
    #[inline(always)]
    fn mask(c: bool) -> f32 {
        f32::from_bits(if c { u32::MAX } else { 0 })
    }
    #[inline(always)]
    pub(super) fn gt(a: Raw, b: Raw) -> Raw {
        [
            mask(a[0] > b[0]),
            mask(a[1] > b[1]),
            mask(a[2] > b[2]),
            mask(a[3] > b[3]),
        ]
    }
    #[inline(always)]
    pub(super) fn eq(a: Raw, b: Raw) -> Raw {
        [
            mask(a[0] == b[0]),
            mask(a[1] == b[1]),
            mask(a[2] == b[2]),
            mask(a[3] == b[3]),
        ]
    }
    #[inline(always)]
    fn bitwise(a: Raw, b: Raw, f: impl Fn(u32, u32) -> u32) -> Raw {
        [0, 1, 2, 3].map(|i| f32::from_bits(f(a[i].to_bits(), b[i].to_bits())))
    }
    #[inline(always)]
    pub(super) fn and(a: Raw, b: Raw) -> Raw {
        bitwise(a, b, |x, y| x & y)
    }
    /// `a & !b`
    #[inline(always)]
    pub(super) fn and_not(a: Raw, b: Raw) -> Raw {
        bitwise(a, b, |x, y| x & !y)
    }
}

impl V4 {
    #[inline(always)]
    pub(super) fn splat(x: f32) -> V4 {
        V4(imp::splat(x))
    }
    /// The four values at `p`: the kernels' inner loops, where a slice's range would be a call
    /// of its own in the size-optimized wasm (`opt-level = "z"` inlines no range indexing).
    ///
    /// # Safety
    /// `p` points to four readable `f32`.
    #[inline(always)]
    pub(super) unsafe fn read(p: *const f32) -> V4 {
        V4(unsafe { imp::read(p) })
    }
    /// Writes the lanes to the four values at `p`.
    ///
    /// # Safety
    /// `p` points to four writable `f32`.
    #[inline(always)]
    pub(super) unsafe fn write(self, p: *mut f32) {
        unsafe { imp::write(self.0, p) }
    }
    #[inline(always)]
    pub(super) fn add(self, b: V4) -> V4 {
        V4(imp::add(self.0, b.0))
    }
    #[inline(always)]
    pub(super) fn mul(self, b: V4) -> V4 {
        V4(imp::mul(self.0, b.0))
    }
    #[inline(always)]
    pub(super) fn sub(self, b: V4) -> V4 {
        V4(imp::sub(self.0, b.0))
    }
    /// Lane by lane, IEEE division (correctly rounded, as the scalar `/`).
    #[inline(always)]
    pub(super) fn div(self, b: V4) -> V4 {
        V4(imp::div(self.0, b.0))
    }
    /// Lane by lane, IEEE square root (correctly rounded, as `f32::sqrt`).
    #[inline(always)]
    pub(super) fn sqrt(self) -> V4 {
        V4(imp::sqrt(self.0))
    }
    /// A mask: all bits set in the lanes where `self > b` (false for NaN), none elsewhere.
    #[inline(always)]
    pub(super) fn gt(self, b: V4) -> V4 {
        V4(imp::gt(self.0, b.0))
    }
    /// A mask: all bits set in the lanes where `self == b` (`+0 == -0`; false for NaN).
    #[inline(always)]
    pub(super) fn eq(self, b: V4) -> V4 {
        V4(imp::eq(self.0, b.0))
    }
    /// The lanes of `self` where `mask` is set, `+0` elsewhere (bitwise and).
    #[inline(always)]
    pub(super) fn and(self, mask: V4) -> V4 {
        V4(imp::and(self.0, mask.0))
    }
    /// The lanes of `self` where `mask` is not set, `+0` elsewhere (bitwise and-not).
    #[inline(always)]
    pub(super) fn and_not(self, mask: V4) -> V4 {
        V4(imp::and_not(self.0, mask.0))
    }
    /// `self + a * b`, rounded after the product and after the sum (never fused).
    #[inline(always)]
    pub(super) fn add_mul(self, a: V4, b: V4) -> V4 {
        self.add(a.mul(b))
    }
    /// The four lanes (stored straight into an array: a slice's `first_chunk_mut` would be a
    /// call of its own in the size-optimized wasm).
    #[inline(always)]
    pub(super) fn to_array(self) -> [f32; 4] {
        let mut out = [0.0; 4];
        imp::store(self.0, &mut out);
        out
    }
}
