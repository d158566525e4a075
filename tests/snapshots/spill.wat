;; A function that spills: more live values than the 10 allocatable GPRs.
;; The oldest values go to frame slots and are reloaded (or used as memory
;; operands) when consumed; nothing else should round-trip through memory.
(module
  ;; 14 products live at once, summed from the innermost
  (func $many_live (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $p3 i32) (param $p4 i32) (param $p5 i32) (param $p6 i32) (param $p7 i32) (param $p8 i32) (param $p9 i32) (param $p10 i32) (param $p11 i32) (param $p12 i32) (param $p13 i32) (result i32)
    (i32.add (i32.mul (local.get $p0) (local.get $p1))
      (i32.add (i32.mul (local.get $p1) (local.get $p2))
      (i32.add (i32.mul (local.get $p2) (local.get $p3))
      (i32.add (i32.mul (local.get $p3) (local.get $p4))
      (i32.add (i32.mul (local.get $p4) (local.get $p5))
      (i32.add (i32.mul (local.get $p5) (local.get $p6))
      (i32.add (i32.mul (local.get $p6) (local.get $p7))
      (i32.add (i32.mul (local.get $p7) (local.get $p8))
      (i32.add (i32.mul (local.get $p8) (local.get $p9))
      (i32.add (i32.mul (local.get $p9) (local.get $p10))
      (i32.add (i32.mul (local.get $p10) (local.get $p11))
      (i32.add (i32.mul (local.get $p11) (local.get $p12))
      (i32.add (i32.mul (local.get $p12) (local.get $p13))
      (i32.mul (local.get $p13) (local.get $p0))))))))))))))))

  ;; values live across a call are spilled before it
  (func $across_call (param $a i64) (param $b i64) (param $c i64) (result i64)
    (i64.add
      (i64.add (i64.mul (local.get $a) (local.get $b)) (i64.mul (local.get $b) (local.get $c)))
      (i64.add (i64.mul (local.get $a) (local.get $c)) (call $leaf (local.get $a)))))

  (func $leaf (param i64) (result i64)
    (i64.xor (local.get 0) (i64.const -1))))
