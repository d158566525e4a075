(module
  (import "host" "log" (func $log (param i32)))
  (global $ran (export "ran") (mut i32) (i32.const 0))
  (func $start
    (global.set $ran (i32.const 1))
    (call $log (i32.const 7))
    (if (i32.eqz (global.get $ran)) (then unreachable)))
  (start $start))
