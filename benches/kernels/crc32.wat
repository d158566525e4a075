;; Table-driven CRC-32 (IEEE, reflected) over a 1 MiB buffer of pseudo-random bytes, n passes,
;; each pass continuing from the previous CRC. Byte loads, table lookups, shifts and xors.
;; bench: arg=24 expect=2418113272
(module
  (memory 18)
  (global $table i32 (i32.const 0))        ;; 256 x i32
  (global $buf i32 (i32.const 1024))       ;; 1 MiB of data
  (global $len i32 (i32.const 1048576))
  (func $make_table
    (local $i i32) (local $c i32) (local $k i32)
    (loop $entry
      (local.set $c (local.get $i))
      (local.set $k (i32.const 8))
      (loop $bit
        (local.set $c
          (if (result i32) (i32.and (local.get $c) (i32.const 1))
            (then (i32.xor (i32.const 0xEDB88320) (i32.shr_u (local.get $c) (i32.const 1))))
            (else (i32.shr_u (local.get $c) (i32.const 1)))))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br_if $bit (local.get $k)))
      (i32.store (i32.add (global.get $table) (i32.shl (local.get $i) (i32.const 2))) (local.get $c))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $entry (i32.lt_u (local.get $i) (i32.const 256)))))
  (func $fill
    (local $i i32) (local $x i32)
    (local.set $x (i32.const 12345))
    (loop $word
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1664525)) (i32.const 1013904223)))
      (i32.store (i32.add (global.get $buf) (local.get $i)) (local.get $x))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $word (i32.lt_u (local.get $i) (global.get $len)))))
  (func $crc (param $crc i32) (result i32)
    (local $p i32) (local $end i32)
    (local.set $p (global.get $buf))
    (local.set $end (i32.add (global.get $buf) (global.get $len)))
    (local.set $crc (i32.xor (local.get $crc) (i32.const -1)))
    (loop $byte
      (local.set $crc
        (i32.xor
          (i32.load (i32.shl
            (i32.and (i32.xor (local.get $crc) (i32.load8_u (local.get $p))) (i32.const 0xff))
            (i32.const 2)))
          (i32.shr_u (local.get $crc) (i32.const 8))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $byte (i32.lt_u (local.get $p) (local.get $end))))
    (i32.xor (local.get $crc) (i32.const -1)))
  (func (export "run") (param $n i32) (result i64)
    (local $crc i32)
    (call $make_table)
    (call $fill)
    (loop $pass
      (local.set $crc (call $crc (local.get $crc)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $pass (i32.gt_s (local.get $n) (i32.const 0))))
    (i64.extend_i32_u (local.get $crc))))
