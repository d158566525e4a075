;; A SIMD sequence: v128 values stay in xmm registers between operations;
;; loads/stores are movups from r14-based addresses.
(module
  (memory 1)
  ;; out[i] = a[i] * b[i] + a[i], four lanes at once
  (func $madd (param $a i32) (param $b i32) (param $out i32)
    (local $va v128)
    (local.set $va (v128.load (local.get $a)))
    (v128.store (local.get $out)
      (i32x4.add (i32x4.mul (local.get $va) (v128.load (local.get $b))) (local.get $va))))

  ;; a splat, a constant, a lane extract and a horizontal-ish reduction
  (func $dot4 (param $a i32) (param $k i32) (result i32)
    (local $v v128)
    (local.set $v (i32x4.mul (v128.load (local.get $a)) (i32x4.splat (local.get $k))))
    (local.set $v (i32x4.add (local.get $v) (v128.const i32x4 1 2 3 4)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))

  ;; float lanes and a bitselect
  (func $f32x4_clamp (param $p i32)
    (v128.store (local.get $p)
      (f32x4.min (f32x4.max (v128.load (local.get $p)) (f32x4.splat (f32.const 0)))
                 (f32x4.splat (f32.const 1))))))
