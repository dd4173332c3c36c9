;; f64x2 SIMD kernels for the FID linear algebra (lib/metrics/linalg).
;; Assembled by generate.ts with wabt into kernels-bytes.ts; the plain TS
;; versions in ../kernels.ts are the reference they are tested against.
;;
;; Addresses and strides are in BYTES into the imported memory; the JS side
;; (wasm-workspace.ts) only calls these with arrays that live in that memory.
;; Wasm SIMD has no fused multiply-add in its baseline, so every update is
;; mul then add, like the TS code.
(module
  (import "env" "memory" (memory 1))

  ;; dot4x2: out[2r+t] = Σ_{k0 ≤ k < k1} P(r,k)·Q(t,k) for r < 4, t < 2.
  ;; p, q: addresses of P(0,0), Q(0,0); ldp, ldq: row strides; out: 8 f64.
  ;; Pairs of k go through f64x2 lanes (each lane its own partial sum,
  ;; added at the end), an odd last k is added as a scalar.
  (func $dot4x2 (export "dot4x2")
    (param $p i32) (param $ldp i32) (param $q i32) (param $ldq i32)
    (param $k0 i32) (param $k1 i32) (param $out i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $b0 i32) (local $b1 i32)
    (local $o i32) (local $end i32) (local $endPair i32)
    (local $x0 v128) (local $x1 v128) (local $y v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $s0 f64) (local $s1 f64)
    (local.set $a0 (i32.add (local.get $p) (i32.shl (local.get $k0) (i32.const 3))))
    (local.set $a1 (i32.add (local.get $a0) (local.get $ldp)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $ldp)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $ldp)))
    (local.set $b0 (i32.add (local.get $q) (i32.shl (local.get $k0) (i32.const 3))))
    (local.set $b1 (i32.add (local.get $b0) (local.get $ldq)))
    (local.set $end (i32.shl (i32.sub (local.get $k1) (local.get $k0)) (i32.const 3)))
    (if (i32.lt_s (local.get $end) (i32.const 0)) (then (local.set $end (i32.const 0))))
    (local.set $endPair (i32.and (local.get $end) (i32.const -16)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $o) (local.get $endPair)))
        (local.set $x0 (v128.load (i32.add (local.get $b0) (local.get $o))))
        (local.set $x1 (v128.load (i32.add (local.get $b1) (local.get $o))))
        (local.set $y (v128.load (i32.add (local.get $a0) (local.get $o))))
        (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $y) (local.get $x0))))
        (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $y) (local.get $x1))))
        (local.set $y (v128.load (i32.add (local.get $a1) (local.get $o))))
        (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $y) (local.get $x0))))
        (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $y) (local.get $x1))))
        (local.set $y (v128.load (i32.add (local.get $a2) (local.get $o))))
        (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $y) (local.get $x0))))
        (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $y) (local.get $x1))))
        (local.set $y (v128.load (i32.add (local.get $a3) (local.get $o))))
        (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $y) (local.get $x0))))
        (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $y) (local.get $x1))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $pairs)))
    ;; Odd tail: one more k, folded into lane 0 so the horizontal sums below
    ;; stay the single place where lanes meet.
    (if (i32.lt_u (local.get $o) (local.get $end))
      (then
        (local.set $s0 (f64.load (i32.add (local.get $b0) (local.get $o))))
        (local.set $s1 (f64.load (i32.add (local.get $b1) (local.get $o))))
        (local.set $x0 (f64x2.replace_lane 0 (v128.const f64x2 0 0) (local.get $s0)))
        (local.set $x1 (f64x2.replace_lane 0 (v128.const f64x2 0 0) (local.get $s1)))
        (local.set $y (f64x2.splat (f64.load (i32.add (local.get $a0) (local.get $o)))))
        (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $y) (local.get $x0))))
        (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $y) (local.get $x1))))
        (local.set $y (f64x2.splat (f64.load (i32.add (local.get $a1) (local.get $o)))))
        (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $y) (local.get $x0))))
        (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $y) (local.get $x1))))
        (local.set $y (f64x2.splat (f64.load (i32.add (local.get $a2) (local.get $o)))))
        (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $y) (local.get $x0))))
        (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $y) (local.get $x1))))
        (local.set $y (f64x2.splat (f64.load (i32.add (local.get $a3) (local.get $o)))))
        (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $y) (local.get $x0))))
        (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $y) (local.get $x1))))))
    (f64.store offset=0 (local.get $out) (call $hsum (local.get $c00)))
    (f64.store offset=8 (local.get $out) (call $hsum (local.get $c01)))
    (f64.store offset=16 (local.get $out) (call $hsum (local.get $c10)))
    (f64.store offset=24 (local.get $out) (call $hsum (local.get $c11)))
    (f64.store offset=32 (local.get $out) (call $hsum (local.get $c20)))
    (f64.store offset=40 (local.get $out) (call $hsum (local.get $c21)))
    (f64.store offset=48 (local.get $out) (call $hsum (local.get $c30)))
    (f64.store offset=56 (local.get $out) (call $hsum (local.get $c31))))

  ;; update4x2: C(r,t) ← β·C(r,t) + α·(dot4x2 of the same operands), with
  ;; α = ±1, β ∈ {0, 1}; c: address of C(0,0), ldc: its row stride. The
  ;; tile's eight sums pass through the 64-byte scratch at address 0.
  (func (export "update4x2")
    (param $p i32) (param $ldp i32) (param $q i32) (param $ldq i32)
    (param $k0 i32) (param $k1 i32) (param $c i32) (param $ldc i32)
    (param $alpha f64) (param $beta f64)
    (local $r i32) (local $row i32) (local $sum v128)
    (call $dot4x2 (local.get $p) (local.get $ldp) (local.get $q) (local.get $ldq) (local.get $k0) (local.get $k1) (i32.const 0))
    (local.set $row (local.get $c))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (i32.const 64)))
        (local.set $sum (f64x2.mul (f64x2.splat (local.get $alpha)) (v128.load (local.get $r))))
        ;; β = 0 must not read C (it may hold anything, NaN included).
        (if (f64.ne (local.get $beta) (f64.const 0))
          (then (local.set $sum (f64x2.add (v128.load (local.get $row)) (local.get $sum)))))
        (v128.store (local.get $row) (local.get $sum))
        (local.set $row (i32.add (local.get $row) (local.get $ldc)))
        (local.set $r (i32.add (local.get $r) (i32.const 16)))
        (br $rows))))

  ;; symv4: four consecutive rows r0..r3 of a lower-triangular symmetric
  ;; product, columns j in [j0, j1) (strictly left of the diagonal block):
  ;;   out[r] = Σ_j A(r,j)·v[j]          (the row halves)
  ;;   y[j] += Σ_r A(r,j)·w_r            (the column halves, w_r = v[r])
  ;; a: address of A(r0,0); lda: row stride; v, y: addresses of v[0], y[0].
  (func (export "symv4")
    (param $a i32) (param $lda i32) (param $v i32) (param $y i32)
    (param $j0 i32) (param $j1 i32)
    (param $w0 f64) (param $w1 f64) (param $w2 f64) (param $w3 f64) (param $out i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $o i32) (local $end i32) (local $endPair i32)
    (local $ww0 v128) (local $ww1 v128) (local $ww2 v128) (local $ww3 v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $vj v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $t0 f64) (local $t1 f64) (local $t2 f64) (local $t3 f64) (local $sv f64)
    (local.set $r0 (local.get $a))
    (local.set $r1 (i32.add (local.get $r0) (local.get $lda)))
    (local.set $r2 (i32.add (local.get $r1) (local.get $lda)))
    (local.set $r3 (i32.add (local.get $r2) (local.get $lda)))
    (local.set $ww0 (f64x2.splat (local.get $w0)))
    (local.set $ww1 (f64x2.splat (local.get $w1)))
    (local.set $ww2 (f64x2.splat (local.get $w2)))
    (local.set $ww3 (f64x2.splat (local.get $w3)))
    (local.set $o (i32.shl (local.get $j0) (i32.const 3)))
    (local.set $end (i32.shl (local.get $j1) (i32.const 3)))
    (if (i32.lt_s (local.get $end) (local.get $o)) (then (local.set $end (local.get $o))))
    (local.set $endPair (i32.sub (local.get $end) (i32.and (i32.sub (local.get $end) (local.get $o)) (i32.const 15))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $o) (local.get $endPair)))
        (local.set $vj (v128.load (i32.add (local.get $v) (local.get $o))))
        (local.set $x0 (v128.load (i32.add (local.get $r0) (local.get $o))))
        (local.set $x1 (v128.load (i32.add (local.get $r1) (local.get $o))))
        (local.set $x2 (v128.load (i32.add (local.get $r2) (local.get $o))))
        (local.set $x3 (v128.load (i32.add (local.get $r3) (local.get $o))))
        (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $x0) (local.get $vj))))
        (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $x1) (local.get $vj))))
        (local.set $acc2 (f64x2.add (local.get $acc2) (f64x2.mul (local.get $x2) (local.get $vj))))
        (local.set $acc3 (f64x2.add (local.get $acc3) (f64x2.mul (local.get $x3) (local.get $vj))))
        (v128.store (i32.add (local.get $y) (local.get $o))
          (f64x2.add (v128.load (i32.add (local.get $y) (local.get $o)))
            (f64x2.add
              (f64x2.add (f64x2.mul (local.get $x0) (local.get $ww0)) (f64x2.mul (local.get $x1) (local.get $ww1)))
              (f64x2.add (f64x2.mul (local.get $x2) (local.get $ww2)) (f64x2.mul (local.get $x3) (local.get $ww3))))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $pairs)))
    (local.set $t0 (call $hsum (local.get $acc0)))
    (local.set $t1 (call $hsum (local.get $acc1)))
    (local.set $t2 (call $hsum (local.get $acc2)))
    (local.set $t3 (call $hsum (local.get $acc3)))
    (if (i32.lt_u (local.get $o) (local.get $end))
      (then
        (local.set $sv (f64.load (i32.add (local.get $v) (local.get $o))))
        (local.set $t0 (f64.add (local.get $t0) (f64.mul (f64.load (i32.add (local.get $r0) (local.get $o))) (local.get $sv))))
        (local.set $t1 (f64.add (local.get $t1) (f64.mul (f64.load (i32.add (local.get $r1) (local.get $o))) (local.get $sv))))
        (local.set $t2 (f64.add (local.get $t2) (f64.mul (f64.load (i32.add (local.get $r2) (local.get $o))) (local.get $sv))))
        (local.set $t3 (f64.add (local.get $t3) (f64.mul (f64.load (i32.add (local.get $r3) (local.get $o))) (local.get $sv))))
        (f64.store (i32.add (local.get $y) (local.get $o))
          (f64.add (f64.load (i32.add (local.get $y) (local.get $o)))
            (f64.add
              (f64.add
                (f64.mul (f64.load (i32.add (local.get $r0) (local.get $o))) (local.get $w0))
                (f64.mul (f64.load (i32.add (local.get $r1) (local.get $o))) (local.get $w1)))
              (f64.add
                (f64.mul (f64.load (i32.add (local.get $r2) (local.get $o))) (local.get $w2))
                (f64.mul (f64.load (i32.add (local.get $r3) (local.get $o))) (local.get $w3))))))))
    (f64.store offset=0 (local.get $out) (local.get $t0))
    (f64.store offset=8 (local.get $out) (local.get $t1))
    (f64.store offset=16 (local.get $out) (local.get $t2))
    (f64.store offset=24 (local.get $out) (local.get $t3)))

  (func $hsum (param $x v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $x)) (f64x2.extract_lane 1 (local.get $x))))
)
