;; Calls: a direct call is `call rel32` to the callee's internal entry; a
;; call to an imported host function and call_indirect go through the vmctx;
;; call_indirect checks the index against the table size and the signature
;; with one compare of canonical type ids. After each call r15 and r14 are
;; restored.
(module
  (type $ii (func (param i32) (result i32)))
  (import "host" "log" (func $log (param i32 i64)))
  (import "host" "twice" (func $twice (param i32) (result i32)))
  (table 4 funcref)
  (memory 1)
  (elem (i32.const 0) $callee $callee)

  (func $callee (type $ii)
    (i32.add (local.get 0) (i32.const 1)))

  ;; a direct call with its result used, and values live across it
  (func $direct (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $b) (call $callee (i32.mul (local.get $a) (local.get $b)))))

  ;; call_indirect through the table
  (func $indirect (param $i i32) (param $x i32) (result i32)
    (call_indirect (type $ii) (local.get $x) (local.get $i)))

  ;; calls to imported host functions
  (func $host (param $a i32) (result i32)
    (call $log (local.get $a) (i64.const 42))
    (call $twice (local.get $a)))

  ;; a call in argument position of another call
  (func $nested (param $a i32) (result i32)
    (call $callee (call $callee (local.get $a)))))
