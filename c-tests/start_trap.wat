(module
  (memory (export "memory") 1)
  (func $start (i32.store (i32.const 0) (i32.const 1)) unreachable)
  (start $start)
)
