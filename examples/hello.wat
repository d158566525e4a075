;; The module examples/hello.c runs (examples/hello.wasm is this, compiled;
;; tests/c_api.rs checks that the two agree).
(module
  (import "host" "double" (func $double (param i32) (result i32)))
  ;; run(x) = double(x) + 1, where `double` is the host's callback.
  (func (export "run") (param i32) (result i32)
    (i32.add (call $double (local.get 0)) (i32.const 1)))
  ;; divide(a, b) traps when b is 0.
  (func (export "divide") (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (local.get 1))))
