(module
  (import "host" "hello" (func $hello))
  (import "host" "add" (func $add (param i32 i32) (result i32)))
  (func (export "run") (result i32)
    call $hello
    (call $add (i32.const 2) (i32.const 40))))
