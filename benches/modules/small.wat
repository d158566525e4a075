;; A small module for instantiation time: one imported function, a memory with a data segment,
;; a table with an element segment, globals, a handful of functions and exports.
(module
  (import "bench" "cb" (func $cb))
  (memory (export "memory") 1)
  (table (export "table") 4 funcref)
  (global $counter (mut i32) (i32.const 0))
  (global $seed i64 (i64.const 42))
  (data (i32.const 16) "a small module, instantiated many times")
  (elem (i32.const 0) $get $set $notify)
  (func $get (result i32) (global.get $counter))
  (func $set (param i32) (global.set $counter (local.get 0)))
  (func $notify (call $cb))
  (func (export "get") (result i32) (call $get))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "seed") (result i64) (global.get $seed)))
