;; Integer division and remainder: the divide-by-zero and overflow checks
;; jump to out-of-line trap stubs; rem_s of INT_MIN by -1 yields 0 without
;; trapping; division by a constant needs no zero check.
(module
  (func $i32_div_s (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $i32_rem_s (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func $i32_div_u (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func $i32_rem_u (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))
  (func $i64_div_s (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
  (func $i64_rem_s (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
  (func $i64_div_u (param i64 i64) (result i64) (i64.div_u (local.get 0) (local.get 1)))
  ;; constant divisors
  (func $i32_div_u_8 (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 8)))
  (func $i32_div_s_7 (param i32) (result i32) (i32.div_s (local.get 0) (i32.const 7)))
  (func $i64_rem_u_10 (param i64) (result i64) (i64.rem_u (local.get 0) (i64.const 10))))
