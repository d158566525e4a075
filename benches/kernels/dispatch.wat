;; An interpreter-style dispatch loop: a pseudo-random opcode stream (LCG) selects one of eight
;; cases through br_table; each case updates an accumulator differently. Indirect jumps,
;; block merges with live locals, mixed integer ops.
;; bench: arg=20000000 expect=3582626919
(module
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $x i32) (local $acc i32)
    (local.set $x (i32.const 1))
    (local.set $acc (i32.const 7))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $top
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
        (block $next
          (block $c7 (block $c6 (block $c5 (block $c4 (block $c3 (block $c2 (block $c1 (block $c0
            (br_table $c0 $c1 $c2 $c3 $c4 $c5 $c6 $c7 (i32.shr_u (local.get $x) (i32.const 29))))
            ;; 0: add
            (local.set $acc (i32.add (local.get $acc) (local.get $x)))
            (br $next))
            ;; 1: xor with shifted
            (local.set $acc (i32.xor (local.get $acc) (i32.shl (local.get $x) (i32.const 3))))
            (br $next))
            ;; 2: rotate
            (local.set $acc (i32.rotl (local.get $acc) (i32.const 5)))
            (br $next))
            ;; 3: subtract shifted
            (local.set $acc (i32.sub (local.get $acc) (i32.shr_u (local.get $x) (i32.const 7))))
            (br $next))
            ;; 4: multiply
            (local.set $acc (i32.mul (local.get $acc) (i32.const 3)))
            (br $next))
            ;; 5: fold high bits
            (local.set $acc (i32.add (local.get $acc) (i32.shr_u (local.get $acc) (i32.const 11))))
            (br $next))
            ;; 6: xor constant
            (local.set $acc (i32.xor (local.get $acc) (i32.const 0x9e3779b9)))
            (br $next))
          ;; 7: add the counter
          (local.set $acc (i32.add (local.get $acc) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $top (i32.lt_u (local.get $i) (local.get $n)))))
    (i64.extend_i32_u (local.get $acc))))
