;; Compare-and-branch fusion: a compare whose only use is a branch becomes
;; `cmp` + `jcc` (no setcc/movzx/test), for br_if, if, eqz, i64 and a
;; compare against a constant (folded into the immediate).
(module
  ;; i32.lt_s + br_if out of a block
  (func $lt_br_if (param $a i32) (param $b i32) (result i32)
    (block $out
      (br_if $out (i32.lt_s (local.get $a) (local.get $b)))
      (return (i32.const 1)))
    (i32.const 2))

  ;; a compare against a constant feeding an if/else with results
  (func $if_const (param $a i32) (result i32)
    (if (result i32) (i32.gt_u (local.get $a) (i32.const 100))
      (then (i32.add (local.get $a) (i32.const 1)))
      (else (i32.sub (local.get $a) (i32.const 1)))))

  ;; i32.eqz + br_if, and an i64 compare + if without else
  (func $eqz_i64 (param $a i32) (param $x i64) (param $y i64) (result i64)
    (block $zero
      (br_if $zero (i32.eqz (local.get $a)))
      (if (i64.le_u (local.get $x) (local.get $y))
        (then (local.set $x (local.get $y)))))
    (local.get $x))

  ;; a compare whose value is used, not branched on: setcc
  (func $compare_value (param $a i32) (param $b i32) (result i32)
    (i32.add (i32.ge_s (local.get $a) (local.get $b)) (i32.ne (local.get $a) (i32.const 7))))

  ;; a compare feeding select
  (func $max (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.gt_s (local.get $a) (local.get $b)))))
