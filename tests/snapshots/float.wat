;; Floating point: constants load from the function's constant pool (after
;; its code); a float compare fuses with its branch (with the unordered
;; case handled); min/max, conversions with their trap checks.
(module
  ;; polynomial with constants: 1.5*x*x + 2.25*x - 0.5
  (func $poly (param $x f64) (result f64)
    (f64.sub
      (f64.add (f64.mul (f64.mul (local.get $x) (local.get $x)) (f64.const 1.5))
               (f64.mul (local.get $x) (f64.const 2.25)))
      (f64.const 0.5)))

  ;; compare-and-branch on floats: lt and ne
  (func $clamp01 (param $x f32) (result f32)
    (if (f32.lt (local.get $x) (f32.const 0)) (then (return (f32.const 0))))
    (if (f32.gt (local.get $x) (f32.const 1)) (then (return (f32.const 1))))
    (local.get $x))

  ;; min/max, abs, neg, copysign, sqrt
  (func $misc (param $a f64) (param $b f64) (result f64)
    (f64.add
      (f64.min (local.get $a) (local.get $b))
      (f64.copysign (f64.sqrt (f64.abs (local.get $a))) (f64.neg (local.get $b)))))

  ;; conversions: trapping truncation, saturating truncation, unsigned
  ;; conversion, promote/demote
  (func $convert (param $x f64) (param $u i64) (result i32)
    (i32.add
      (i32.trunc_f64_s (local.get $x))
      (i32.add
        (i32.trunc_sat_f32_u (f32.demote_f64 (f64.add (local.get $x) (f64.convert_i64_u (local.get $u)))))
        (i32.trunc_sat_f64_s (f64.promote_f32 (f32.convert_i32_s (i32.wrap_i64 (local.get $u)))))))))
