(module
  (func (export "seven") (result i32) (i32.const 7))
  (func (export "boom") (result i32) unreachable)
  (func (export "pair") (result i32 i64) (i32.const 1) (i64.const 2))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
)
