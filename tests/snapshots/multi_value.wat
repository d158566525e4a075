;; Multi-value: results return in the parameter/result area of the caller's
;; frame; a block with two results and a call that returns three values.
;; Every multi-value move is a parallel move (no value overwritten before
;; it is read).
(module
  ;; three results of different types
  (func $triple (param $a i32) (param $b i64) (param $c f64) (result f64 i64 i32)
    (local.get $c) (local.get $b) (local.get $a))

  ;; swap through a block with two results
  (func $swap (param $a i32) (param $b i32) (result i32 i32)
    (block (result i32 i32)
      (local.get $b) (local.get $a)))

  ;; call a multi-value function and combine its results
  (func $use_triple (param $x i32) (result i64)
    (local $f f64) (local $l i64) (local $i i32)
    (call $triple (local.get $x) (i64.const 5) (f64.const 1.5))
    (local.set $i)
    (local.set $l)
    (local.set $f)
    (i64.add (i64.add (local.get $l) (i64.extend_i32_s (local.get $i)))
             (i64.trunc_f64_s (local.get $f))))

  ;; a br_if out of a two-result block
  (func $divmod (param $a i32) (param $b i32) (result i32 i32)
    (block $out (result i32 i32)
      (i32.const 0) (i32.const 0)
      (br_if $out (i32.eqz (local.get $b)))
      (drop) (drop)
      (i32.div_u (local.get $a) (local.get $b))
      (i32.rem_u (local.get $a) (local.get $b)))))
