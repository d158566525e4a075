;; bounds-checks: explicit
;; Memory accesses with explicit bounds checks: each access compares its
;; end against the memory length and branches to a trap stub. Same
;; functions as memory_guard.wat.
(module
  (memory 1)
  ;; loads of every width, with and without a static offset
  (func $loads (param $p i32) (result i64)
    (i64.add
      (i64.extend_i32_u (i32.add (i32.load (local.get $p)) (i32.load8_s offset=3 (local.get $p))))
      (i64.add (i64.load offset=16 (local.get $p)) (i64.load16_u offset=65536 (local.get $p)))))

  ;; stores, one to a constant address
  (func $stores (param $p i32) (param $x i64)
    (i64.store offset=8 (local.get $p) (local.get $x))
    (i32.store16 (local.get $p) (i32.wrap_i64 (local.get $x)))
    (i32.store (i32.const 1024) (i32.const 7)))

  ;; float loads and stores
  (func $floats (param $p i32)
    (f64.store offset=8 (local.get $p) (f64.load (local.get $p)))
    (f32.store (local.get $p) (f32.load offset=4 (local.get $p))))

  ;; the hot loop of a C kernel: sum an i32 array
  (func $sum_array (param $p i32) (param $n i32) (result i32)
    (local $sum i32) (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (loop $loop
        (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $p))))
        (br_if $loop (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 4))) (local.get $end)))))
    (local.get $sum))

  ;; memory.size and memory.grow
  (func $grow (param $d i32) (result i32)
    (i32.add (memory.grow (local.get $d)) (memory.size))))
