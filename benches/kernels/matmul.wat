;; Dense f64 matrix multiply C = A * B of n x n matrices (row-major, in linear memory), then a
;; position-weighted sum of C. Float loads, multiply-add chains, address arithmetic in a triple loop.
;; Entries are small integers, so every sum is exact and the checksum is the same everywhere.
;; bench: arg=320 expect=-63546
(module
  (memory 64)
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $j i32) (local $k i32)
    (local $a i32) (local $b i32) (local $c i32) (local $row i32)
    (local $acc f64) (local $sum f64)
    (local.set $a (i32.const 0))
    (local.set $b (i32.mul (i32.mul (local.get $n) (local.get $n)) (i32.const 8)))
    (local.set $c (i32.shl (local.get $b) (i32.const 1)))
    ;; A[i][j] = (i + 2j) mod 13 - 6, B[i][j] = (3i + j) mod 11 - 5
    (local.set $i (i32.const 0))
    (loop $init_i
      (local.set $j (i32.const 0))
      (loop $init_j
        (local.set $k (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))
        (f64.store (i32.add (local.get $a) (local.get $k))
          (f64.convert_i32_s
            (i32.sub (i32.rem_u (i32.add (local.get $i) (i32.shl (local.get $j) (i32.const 1))) (i32.const 13))
                     (i32.const 6))))
        (f64.store (i32.add (local.get $b) (local.get $k))
          (f64.convert_i32_s
            (i32.sub (i32.rem_u (i32.add (i32.mul (local.get $i) (i32.const 3)) (local.get $j)) (i32.const 11))
                     (i32.const 5))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $init_j (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $init_i (i32.lt_u (local.get $i) (local.get $n))))
    ;; C[i][j] = sum_k A[i][k] * B[k][j]
    (local.set $i (i32.const 0))
    (loop $mul_i
      (local.set $row (i32.mul (i32.mul (local.get $i) (local.get $n)) (i32.const 8)))
      (local.set $j (i32.const 0))
      (loop $mul_j
        (local.set $acc (f64.const 0))
        (local.set $k (i32.const 0))
        (loop $mul_k
          (local.set $acc
            (f64.add (local.get $acc)
              (f64.mul
                (f64.load (i32.add (local.get $a)
                  (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 3)))))
                (f64.load (i32.add (local.get $b)
                  (i32.shl (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j)) (i32.const 3)))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $mul_k (i32.lt_u (local.get $k) (local.get $n))))
        (f64.store
          (i32.add (local.get $c) (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))
          (local.get $acc))
        (local.set $sum (f64.add (local.get $sum)
          (f64.mul (local.get $acc)
            (f64.convert_i32_u (i32.add (i32.add (local.get $i) (i32.mul (local.get $j) (i32.const 3))) (i32.const 1))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $mul_j (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $mul_i (i32.lt_u (local.get $i) (local.get $n))))
    (i64.trunc_f64_s (local.get $sum))))
