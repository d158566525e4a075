(module
  (import "env" "f" (func (param i32) (result i32)))
  (import "env" "g" (global i32))
  (func (export "run") (result i32) (call 0 (global.get 0)))
)
