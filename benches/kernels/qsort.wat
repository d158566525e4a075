;; Recursive quicksort (Hoare partition) of n pseudo-random i32 in linear memory, then a
;; position-weighted checksum that depends on the order. Data-dependent branches, loads and
;; stores, recursion.
;; bench: arg=1000000 expect=5785832144022707023
(module
  (memory 64)
  (func $qsort (param $lo i32) (param $hi i32)
    (local $i i32) (local $j i32) (local $p i32) (local $t i32)
    (loop $tail
      (if (i32.lt_s (local.get $lo) (local.get $hi))
        (then
          (local.set $p (i32.load (i32.shl
            (i32.add (local.get $lo) (i32.shr_u (i32.sub (local.get $hi) (local.get $lo)) (i32.const 1)))
            (i32.const 2))))
          (local.set $i (i32.sub (local.get $lo) (i32.const 1)))
          (local.set $j (i32.add (local.get $hi) (i32.const 1)))
          (block $partitioned
            (loop $partition
              (loop $up
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $up (i32.lt_s (i32.load (i32.shl (local.get $i) (i32.const 2))) (local.get $p))))
              (loop $down
                (local.set $j (i32.sub (local.get $j) (i32.const 1)))
                (br_if $down (i32.gt_s (i32.load (i32.shl (local.get $j) (i32.const 2))) (local.get $p))))
              (br_if $partitioned (i32.ge_s (local.get $i) (local.get $j)))
              (local.set $t (i32.load (i32.shl (local.get $i) (i32.const 2))))
              (i32.store (i32.shl (local.get $i) (i32.const 2))
                (i32.load (i32.shl (local.get $j) (i32.const 2))))
              (i32.store (i32.shl (local.get $j) (i32.const 2)) (local.get $t))
              (br $partition)))
          ;; recurse into the left part, loop on the right part
          (call $qsort (local.get $lo) (local.get $j))
          (local.set $lo (i32.add (local.get $j) (i32.const 1)))
          (br $tail)))))
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $x i32) (local $sum i64)
    (local.set $x (i32.const 42))
    (loop $fill
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1664525)) (i32.const 1013904223)))
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $x))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (local.get $n))))
    (call $qsort (i32.const 0) (i32.sub (local.get $n) (i32.const 1)))
    (local.set $i (i32.const 0))
    (loop $check
      (local.set $sum (i64.add (local.get $sum)
        (i64.mul (i64.extend_i32_s (i32.load (i32.shl (local.get $i) (i32.const 2))))
                 (i64.extend_i32_u (i32.add (local.get $i) (i32.const 1))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $check (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum)))
