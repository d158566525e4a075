;; Locals cached in registers across a loop: a counting loop that sums into
;; a local should keep the counter and the sum in registers inside the loop,
;; with one compare-and-branch at the bottom.
(module
  ;; sum of 0..n
  (func $sum_to (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $loop
        (local.set $sum (i32.add (local.get $sum) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $loop (i32.lt_u (local.get $i) (local.get $n)))))
    (local.get $sum))

  ;; nested loops over i64 (a triangle count) with a local.tee
  (func $nested (param $n i64) (result i64)
    (local $i i64) (local $j i64) (local $acc i64)
    (loop $outer
      (local.set $j (i64.const 0))
      (loop $inner
        (local.set $acc (i64.add (local.get $acc) (i64.mul (local.get $i) (local.get $j))))
        (br_if $inner (i64.lt_s (local.tee $j (i64.add (local.get $j) (i64.const 1))) (local.get $i))))
      (br_if $outer (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $acc))

  ;; a loop with a value left on the stack across a br_if with a value
  (func $find_pow2 (param $x i32) (result i32)
    (local $p i32)
    (local.set $p (i32.const 1))
    (block $found (result i32)
      (loop $loop
        (br_if $found (local.get $p) (i32.ge_u (local.get $p) (local.get $x)))
        (local.set $p (i32.shl (local.get $p) (i32.const 1)))
        (br $loop))
      (unreachable))))
