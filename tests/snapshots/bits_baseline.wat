;; cpu: baseline
;; Bit counting without LZCNT/BMI1/POPCNT: the bsr/bsf and bit-trick
;; fallbacks. Same functions as bits.wat.
(module
  (func $clz32 (param i32) (result i32) (i32.clz (local.get 0)))
  (func $ctz32 (param i32) (result i32) (i32.ctz (local.get 0)))
  (func $popcnt32 (param i32) (result i32) (i32.popcnt (local.get 0)))
  (func $clz64 (param i64) (result i64) (i64.clz (local.get 0)))
  (func $ctz64 (param i64) (result i64) (i64.ctz (local.get 0)))
  (func $popcnt64 (param i64) (result i64) (i64.popcnt (local.get 0)))
  ;; shifts and rotates by a variable count (cl) and by a constant
  (func $shifts (param $x i32) (param $n i32) (result i32)
    (i32.xor (i32.rotl (local.get $x) (local.get $n))
             (i32.shr_u (i32.shl (local.get $x) (i32.const 3)) (local.get $n)))))
