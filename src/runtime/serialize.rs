//! Module serialization: a versioned, checksummed blob of the compiled code
//! plus the original wasm bytes (re-parsed for the metadata on load, so a
//! load costs a parse but no compilation).
//!
//! ```text
//! magic "BRISKMOD" | format version u32 | build hash u64 | payload length u64 | checksum u64 | payload
//! payload: bounds-check mode u8 | wasm bytes | code bytes | funcs | entry trampolines | traps | address map
//! ```
//! Integers are little-endian; byte strings and lists are prefixed with a
//! u64 / u32 length. The build hash covers the crate version, the text of
//! the compiler/runtime contracts (`vm/`) and of the compiler's stubs and
//! trampolines, so a blob from a build with another vmctx layout or ABI is
//! refused. Loading checks everything (lengths, checksum,
//! that every code offset is in range and every table sorted) before any of
//! the code is mapped. The checksum detects corruption, not tampering: a
//! blob is machine code, and only trusted blobs should be loaded.

use std::sync::OnceLock;

use super::config::BoundsChecks;
use super::engine::Engine;
use super::error::Error;
use super::module::{Module, ModuleInner};
use crate::compiler::{CompiledCode, FuncLoc};
use crate::vm::TrapCode;

const MAGIC: &[u8; 8] = b"BRISKMOD";
const FORMAT_VERSION: u32 = 2;
const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 8;

/// Identifies the build: blobs only load into the build that wrote them.
fn build_hash() -> u64 {
    static HASH: OnceLock<u64> = OnceLock::new();
    *HASH.get_or_init(|| {
        let mut h = Hasher::new();
        h.write(env!("CARGO_PKG_VERSION").as_bytes());
        h.write(std::env::consts::ARCH.as_bytes());
        h.write(include_str!("../vm/vmctx.rs").as_bytes());
        h.write(include_str!("../vm/abi.rs").as_bytes());
        h.write(include_str!("../vm/trap.rs").as_bytes());
        // Serialized entry trampolines must pair with this build's stubs
        // (the callee-saved register order they share).
        h.write(include_str!("../compiler/x64/stubs.rs").as_bytes());
        h.write(include_str!("../compiler/x64/trampolines.rs").as_bytes());
        h.finish()
    })
}

/// A word-at-a-time hash: each 8-byte word (then each tail byte, then the
/// length) is xored into the state, which a xorshift-multiply-xorshift mixer
/// then scrambles. Plain FNV over words (multiply only) let a difference in
/// a word's top bit travel unchanged to the next word, so two such bit flips
/// cancelled out; the xorshift before the multiply spreads it downwards.
struct Hasher(u64);

impl Hasher {
    fn new() -> Hasher {
        Hasher(0xcbf2_9ce4_8422_2325)
    }

    #[inline]
    fn mix(x: u64) -> u64 {
        let x = (x ^ (x >> 32)).wrapping_mul(0xd6e8_feb8_6659_fd93);
        x ^ (x >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let w = u64::from_le_bytes(w.try_into().expect("chunk of 8"));
            self.0 = Self::mix(self.0 ^ w);
        }
        for &b in words.remainder() {
            self.0 = Self::mix(self.0 ^ b as u64);
        }
        // Mix in the length so that trailing zero bytes matter.
        self.0 = Self::mix(self.0 ^ bytes.len() as u64);
    }

    fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x
    }
}

fn checksum(payload: &[u8]) -> u64 {
    let mut h = Hasher::new();
    h.write(payload);
    h.finish()
}

fn mode_tag(mode: BoundsChecks) -> u8 {
    match mode {
        BoundsChecks::GuardPages => 0,
        BoundsChecks::Explicit => 1,
    }
}

pub(crate) fn serialize(module: &ModuleInner) -> Vec<u8> {
    let c = &module.compiled;
    let mut p = Vec::with_capacity(module.wasm.len() + module.code.bytes().len() + 256);
    p.push(mode_tag(module.engine.config().bounds_checks));
    put_bytes(&mut p, &module.wasm);
    put_bytes(&mut p, module.code.bytes());
    put_u32(&mut p, c.funcs.len() as u32);
    for f in &c.funcs {
        put_u32(&mut p, f.offset);
        put_u32(&mut p, f.len);
    }
    put_u32(&mut p, c.entry_trampolines.len() as u32);
    for t in &c.entry_trampolines {
        put_u32(&mut p, *t);
    }
    put_u32(&mut p, c.traps.len() as u32);
    for (offset, code) in &c.traps {
        put_u32(&mut p, *offset);
        put_u32(&mut p, *code as u32);
    }
    put_u32(&mut p, c.address_map.len() as u32);
    for (code, wasm) in &c.address_map {
        put_u32(&mut p, *code);
        put_u32(&mut p, *wasm);
    }

    let mut out = Vec::with_capacity(HEADER_LEN + p.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&build_hash().to_le_bytes());
    out.extend_from_slice(&(p.len() as u64).to_le_bytes());
    out.extend_from_slice(&checksum(&p).to_le_bytes());
    out.extend_from_slice(&p);
    out
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u64).to_le_bytes());
    out.extend_from_slice(b);
}

fn bad(why: &str) -> Error {
    Error::Compile(crate::module::CompileError {
        message: format!("cannot deserialize module: {why}"),
        offset: 0,
    })
}

/// A bounds-checked reader over the payload.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.bytes.len() {
            return Err(bad("truncated"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn bytes(&mut self) -> Result<&'a [u8], Error> {
        let n = self.u64()?;
        self.take(usize::try_from(n).map_err(|_| bad("truncated"))?)
    }

    /// A u32 count of `item_len`-byte items, checked against what is left.
    fn count(&mut self, item_len: usize) -> Result<usize, Error> {
        let n = self.u32()? as usize;
        if n.saturating_mul(item_len) > self.bytes.len() {
            return Err(bad("truncated"));
        }
        Ok(n)
    }
}

pub(crate) fn deserialize(engine: &Engine, blob: &[u8]) -> Result<Module, Error> {
    if blob.len() < HEADER_LEN || &blob[..8] != MAGIC {
        return Err(bad("not a serialized brisk module"));
    }
    let mut header = Reader {
        bytes: &blob[8..HEADER_LEN],
    };
    if header.u32()? != FORMAT_VERSION {
        return Err(bad("unsupported format version"));
    }
    if header.u64()? != build_hash() {
        return Err(bad("serialized by a different build of brisk"));
    }
    let len = header.u64()?;
    let sum = header.u64()?;
    let payload = &blob[HEADER_LEN..];
    if payload.len() as u64 != len {
        return Err(bad("truncated or trailing data"));
    }
    if checksum(payload) != sum {
        return Err(bad("checksum mismatch (corrupted data)"));
    }

    let mut r = Reader { bytes: payload };
    if r.u8()? != mode_tag(engine.config().bounds_checks) {
        return Err(bad("compiled for a different bounds-check configuration"));
    }
    let wasm = r.bytes()?;
    let code = r.bytes()?.to_vec();
    let n = r.count(8)?;
    let mut funcs = Vec::with_capacity(n);
    for _ in 0..n {
        funcs.push(FuncLoc {
            offset: r.u32()?,
            len: r.u32()?,
        });
    }
    let n = r.count(4)?;
    let mut entry_trampolines = Vec::with_capacity(n);
    for _ in 0..n {
        entry_trampolines.push(r.u32()?);
    }
    let n = r.count(8)?;
    let mut traps = Vec::with_capacity(n);
    for _ in 0..n {
        let offset = r.u32()?;
        let code = TrapCode::from_u32(r.u32()?).ok_or_else(|| bad("invalid trap code"))?;
        traps.push((offset, code));
    }
    let n = r.count(8)?;
    let mut address_map = Vec::with_capacity(n);
    for _ in 0..n {
        address_map.push((r.u32()?, r.u32()?));
    }
    if !r.bytes.is_empty() {
        return Err(bad("trailing data"));
    }

    let (info, _) = crate::module::parse(wasm, engine.config().features.wasm_features())?;
    let compiled = CompiledCode {
        code,
        funcs,
        entry_trampolines,
        traps,
        address_map,
    };
    check_code(&info, &compiled)?;
    Module::from_parts(engine, wasm.into(), info, compiled)
}

/// Every offset the runtime will jump to or look up must be inside the code,
/// and every table the runtime binary-searches must be sorted.
fn check_code(info: &crate::module::ModuleInfo, c: &CompiledCode) -> Result<(), Error> {
    let code_len = c.code.len() as u64;
    if c.funcs.len() != info.num_defined_funcs() as usize {
        return Err(bad("function count does not match the module"));
    }
    let mut end = 0u64;
    for f in &c.funcs {
        let (start, stop) = (f.offset as u64, f.offset as u64 + f.len as u64);
        if start < end || stop > code_len || f.len == 0 {
            return Err(bad("function code out of range"));
        }
        end = stop;
    }
    if c.entry_trampolines.len() != info.types.len()
        || c.entry_trampolines.iter().any(|&t| t as u64 >= code_len)
    {
        return Err(bad("entry trampolines out of range"));
    }
    // Address-map entries may sit at the very end (a return address).
    let sorted_in_code = |offsets: &mut dyn Iterator<Item = u32>, limit: u64| {
        let mut prev = None;
        for o in offsets {
            if o as u64 >= limit || prev.is_some_and(|p| p > o) {
                return false;
            }
            prev = Some(o);
        }
        true
    };
    if !sorted_in_code(&mut c.traps.iter().map(|t| t.0), code_len) {
        return Err(bad("trap table out of range or unsorted"));
    }
    if !sorted_in_code(&mut c.address_map.iter().map(|a| a.0), code_len + 1) {
        return Err(bad("address map out of range or unsorted"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_sees_every_byte() {
        let data: Vec<u8> = (0..=255).collect();
        let base = checksum(&data);
        for i in 0..data.len() {
            let mut d = data.clone();
            d[i] ^= 1;
            assert_ne!(checksum(&d), base, "byte {i}");
        }
        assert_ne!(checksum(&[0, 0]), checksum(&[0, 0, 0]));
    }

    #[test]
    fn checksum_sees_top_bit_flips_in_two_words() {
        let data = vec![0x5au8; 64];
        let base = checksum(&data);
        let mut d = data.clone();
        d[7] ^= 0x80;
        d[15] ^= 0x80;
        assert_ne!(checksum(&d), base);
    }
}
