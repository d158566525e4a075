;; call_indirect through a table of eight small functions of one signature, selected by an LCG:
;; the pattern of virtual calls and function pointers in compiled C++/Rust. Index and signature
;; checks, indirect calls, small callees.
;; bench: arg=10000000 expect=4089538241
(module
  (type $op (func (param i32 i32) (result i32)))
  (table 8 funcref)
  (elem (i32.const 0) $f0 $f1 $f2 $f3 $f4 $f5 $f6 $f7)
  (func $f0 (type $op) (i32.add (local.get 0) (local.get 1)))
  (func $f1 (type $op) (i32.xor (local.get 0) (i32.shl (local.get 1) (i32.const 3))))
  (func $f2 (type $op) (i32.rotl (local.get 0) (i32.const 5)))
  (func $f3 (type $op) (i32.sub (local.get 0) (i32.shr_u (local.get 1) (i32.const 7))))
  (func $f4 (type $op) (i32.mul (local.get 0) (i32.const 3)))
  (func $f5 (type $op) (i32.add (local.get 0) (i32.shr_u (local.get 0) (i32.const 11))))
  (func $f6 (type $op) (i32.xor (local.get 0) (i32.const 0x9e3779b9)))
  (func $f7 (type $op) (i32.add (local.get 0) (i32.popcnt (local.get 1))))
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $x i32) (local $acc i32)
    (local.set $x (i32.const 1))
    (local.set $acc (i32.const 7))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $top
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
        (local.set $acc
          (call_indirect (type $op) (local.get $acc) (local.get $x)
            (i32.shr_u (local.get $x) (i32.const 29))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $top (i32.lt_u (local.get $i) (local.get $n)))))
    (i64.extend_i32_u (local.get $acc))))
