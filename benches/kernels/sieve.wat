;; Sieve of Eratosthenes over a byte array in linear memory: counts the primes below n.
;; Byte loads and stores, tight integer loops.
;; bench: arg=8000000 expect=539777
(module
  (memory 256)
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $j i32) (local $count i32)
    ;; Clear the flags 8 bytes at a time, so that every run starts from the same state.
    (block $cleared
      (loop $clear
        (br_if $cleared (i32.ge_u (local.get $i) (local.get $n)))
        (i64.store (local.get $i) (i64.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $clear)))
    (local.set $i (i32.const 2))
    (block $sieved
      (loop $outer
        (br_if $sieved (i32.gt_u (i32.mul (local.get $i) (local.get $i)) (local.get $n)))
        (if (i32.eqz (i32.load8_u (local.get $i)))
          (then
            (local.set $j (i32.mul (local.get $i) (local.get $i)))
            (block $marked
              (loop $mark
                (br_if $marked (i32.ge_u (local.get $j) (local.get $n)))
                (i32.store8 (local.get $j) (i32.const 1))
                (local.set $j (i32.add (local.get $j) (local.get $i)))
                (br $mark)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.set $i (i32.const 2))
    (block $counted
      (loop $count_loop
        (br_if $counted (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $count
          (i32.add (local.get $count) (i32.eqz (i32.load8_u (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $count_loop)))
    (i64.extend_i32_u (local.get $count))))
