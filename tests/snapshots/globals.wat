;; Globals and the shadow-stack pattern of C compiled by clang: the stack
;; pointer lives in a mutable global (read and written through the vmctx),
;; locals of the C function live in linear memory below it.
(module
  (memory 1)
  (global $sp (mut i32) (i32.const 65536))
  (global $k i32 (i32.const 3))
  (global $counter (mut i64) (i64.const 0))

  ;; prologue/epilogue of a C function with a 16-byte stack frame
  (func $c_function (param $x i32) (result i32)
    (local $fp i32)
    (global.set $sp (local.tee $fp (i32.sub (global.get $sp) (i32.const 16))))
    (i32.store offset=12 (local.get $fp) (local.get $x))
    (i32.store offset=8 (local.get $fp) (i32.mul (i32.load offset=12 (local.get $fp)) (global.get $k)))
    (local.set $x (i32.load offset=8 (local.get $fp)))
    (global.set $sp (i32.add (local.get $fp) (i32.const 16)))
    (local.get $x))

  ;; read-modify-write of an i64 global
  (func $bump (param $d i64) (result i64)
    (global.set $counter (i64.add (global.get $counter) (local.get $d)))
    (global.get $counter)))
