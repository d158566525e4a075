;; Boundary crossings: exports called from the host (nop, add) and loops that call host
;; functions (call_cb, call_cb_i32) n times.
(module
  (import "bench" "cb" (func $cb))
  (import "bench" "cb_i32" (func $cb_i32 (param i32) (result i32)))
  (func (export "nop"))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "call_cb") (param $n i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $again
        (call $cb)
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $again (local.get $n)))))
  ;; the host adds one to its argument, so the result is n
  (func (export "call_cb_i32") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $again
        (local.set $acc (call $cb_i32 (local.get $acc)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $again (local.get $n))))
    (local.get $acc)))
