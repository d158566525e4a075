;; 64-bit hashing: fills 1 MiB with splitmix64 output, then n passes of an xxHash64-style
;; round function over it (i64 loads, 64-bit multiplies, rotates). Exercises i64 arithmetic.
;; bench: arg=96 expect=-2885188892181059028
(module
  (memory 17)
  (func $fill
    (local $p i32) (local $s i64) (local $z i64)
    (local.set $s (i64.const 0x0123456789abcdef))
    (loop $word
      (local.set $s (i64.add (local.get $s) (i64.const 0x9e3779b97f4a7c15)))
      (local.set $z (local.get $s))
      (local.set $z (i64.mul (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 30)))
                             (i64.const 0xbf58476d1ce4e5b9)))
      (local.set $z (i64.mul (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 27)))
                             (i64.const 0x94d049bb133111eb)))
      (i64.store (local.get $p) (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 31))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $word (i32.lt_u (local.get $p) (i32.const 1048576)))))
  (func $pass (param $h i64) (result i64)
    (local $p i32) (local $k i64)
    (loop $word
      (local.set $k (i64.mul (i64.rotl (i64.mul (i64.load (local.get $p)) (i64.const 0xc2b2ae3d27d4eb4f))
                                       (i64.const 31))
                             (i64.const 0x9e3779b185ebca87)))
      (local.set $h (i64.add (i64.mul (i64.rotl (i64.xor (local.get $h) (local.get $k)) (i64.const 27))
                                      (i64.const 0x9e3779b185ebca87))
                             (i64.const 0x85ebca77c2b2ae63)))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $word (i32.lt_u (local.get $p) (i32.const 1048576))))
    ;; avalanche
    (local.set $h (i64.mul (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 33)))
                           (i64.const 0xc2b2ae3d27d4eb4f)))
    (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 29))))
  (func (export "run") (param $n i32) (result i64)
    (local $h i64)
    (call $fill)
    (local.set $h (i64.const 0x27d4eb2f165667c5))
    (loop $round
      (local.set $h (call $pass (local.get $h)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $round (i32.gt_s (local.get $n) (i32.const 0))))
    (local.get $h)))
