;; br_table: a bounds compare and one indirect jump through a table of
;; 32-bit offsets; targets that need no moves are jumped to directly, the
;; others through one stub each (shared by duplicate targets).
(module
  ;; a switch with a default, no values
  (func $switch (param $i i32) (result i32)
    (block $d
      (block $c
        (block $b
          (block $a
            (br_table $a $b $c $b $d (local.get $i)))
          (return (i32.const 10)))
        (return (i32.const 20)))
      (return (i32.const 30)))
    (i32.const 40))

  ;; branches that carry a value
  (func $switch_value (param $i i32) (param $x i32) (result i32)
    (block $out (result i32)
      (block $two (result i32)
        (block $one (result i32)
          (br_table $one $two $out (i32.mul (local.get $x) (i32.const 3)) (local.get $i)))
        (i32.add (i32.const 1))
        (br $out))
      (i32.add (i32.const 2))))

  ;; a constant index: an unconditional branch
  (func $switch_const (result i32)
    (block $b
      (block $a
        (br_table $a $b (i32.const 1)))
      (return (i32.const 1)))
    (i32.const 2)))
