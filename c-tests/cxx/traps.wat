(module
  (import "host" "fail" (func $fail))
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $inner unreachable)
  (func (export "nested") (call $inner))
  (func (export "call_host") (call $fail)))
