(module
  (memory (export "memory") 1)
  (data (i32.const 0) "\2a")
  (func (export "answer") (result i32) (i32.load8_u (i32.const 0)))
  (func (export "square") (param i64) (result i64) (i64.mul (local.get 0) (local.get 0)))
)
