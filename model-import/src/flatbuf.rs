//! A minimal, bounds-checked reader for the FlatBuffers binary format.
//!
//! Written from the format description (little-endian scalars; a table starts
//! with a signed 32-bit offset back to its vtable; a vtable is a list of u16:
//! vtable size, table size, then one field offset per field id, 0 = absent;
//! references to tables, vectors and strings are unsigned 32-bit offsets
//! relative to where the offset itself is stored; a vector is a u32 length
//! followed by its elements). Every access is checked: a malformed file gives
//! an error naming the offset, never a panic.

use crate::ImportError;

/// Result type of this module.
pub type FbResult<T> = Result<T, ImportError>;

fn malformed(what: &str, offset: usize) -> ImportError {
    ImportError::Malformed {
        what: what.to_string(),
        offset,
    }
}

/// A whole flatbuffer.
#[derive(Clone, Copy, Debug)]
pub struct Buffer<'a> {
    data: &'a [u8],
}

impl<'a> Buffer<'a> {
    /// Wraps the bytes of a flatbuffer.
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    fn bytes(&self, off: usize, len: usize, what: &str) -> FbResult<&'a [u8]> {
        off.checked_add(len)
            .and_then(|end| self.data.get(off..end))
            .ok_or_else(|| malformed(what, off))
    }

    fn u8_at(&self, off: usize, what: &str) -> FbResult<u8> {
        Ok(self.bytes(off, 1, what)?[0])
    }

    fn u16_at(&self, off: usize, what: &str) -> FbResult<u16> {
        let b = self.bytes(off, 2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32_at(&self, off: usize, what: &str) -> FbResult<u32> {
        let b = self.bytes(off, 4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64_at(&self, off: usize, what: &str) -> FbResult<u64> {
        let b = self.bytes(off, 8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// Follows a uoffset stored at `off`.
    fn follow(&self, off: usize, what: &str) -> FbResult<usize> {
        let rel = self.u32_at(off, what)? as usize;
        let target = off.checked_add(rel).ok_or_else(|| malformed(what, off))?;
        if target >= self.data.len() {
            return Err(malformed(what, off));
        }
        Ok(target)
    }

    /// The root table (the uoffset at byte 0).
    pub fn root(&self) -> FbResult<Table<'a>> {
        let pos = self.follow(0, "root table offset")?;
        Table::at(*self, pos, "root table")
    }
}

/// One table inside a flatbuffer.
#[derive(Clone, Copy, Debug)]
pub struct Table<'a> {
    buf: Buffer<'a>,
    pos: usize,
    vtable: usize,
    vtable_len: usize,
}

impl<'a> Table<'a> {
    fn at(buf: Buffer<'a>, pos: usize, what: &str) -> FbResult<Self> {
        let soff = buf.u32_at(pos, what)? as i32 as i64;
        let vt = pos as i64 - soff;
        if vt < 0 || vt as usize >= buf.data.len() {
            return Err(malformed(what, pos));
        }
        let vtable = vt as usize;
        let vtable_len = buf.u16_at(vtable, what)? as usize;
        if vtable_len < 4 || vtable_len % 2 != 0 {
            return Err(malformed(what, vtable));
        }
        buf.bytes(vtable, vtable_len, what)?;
        Ok(Self {
            buf,
            pos,
            vtable,
            vtable_len,
        })
    }

    /// Byte offset of this table in the buffer.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// Absolute position of field `id`, or None when absent.
    fn field(&self, id: usize, what: &str) -> FbResult<Option<usize>> {
        let entry = 4 + 2 * id;
        if entry + 2 > self.vtable_len {
            return Ok(None);
        }
        let rel = self.buf.u16_at(self.vtable + entry, what)? as usize;
        if rel == 0 {
            return Ok(None);
        }
        Ok(Some(self.pos + rel))
    }

    /// An unsigned byte field.
    pub fn u8(&self, id: usize, default: u8, what: &str) -> FbResult<u8> {
        match self.field(id, what)? {
            Some(p) => self.buf.u8_at(p, what),
            None => Ok(default),
        }
    }

    /// A signed byte field.
    pub fn i8(&self, id: usize, default: i8, what: &str) -> FbResult<i8> {
        Ok(self.u8(id, default as u8, what)? as i8)
    }

    /// A bool field.
    pub fn bool(&self, id: usize, default: bool, what: &str) -> FbResult<bool> {
        Ok(self.u8(id, default as u8, what)? != 0)
    }

    /// A 32-bit signed field.
    pub fn i32(&self, id: usize, default: i32, what: &str) -> FbResult<i32> {
        match self.field(id, what)? {
            Some(p) => Ok(self.buf.u32_at(p, what)? as i32),
            None => Ok(default),
        }
    }

    /// A 32-bit unsigned field.
    pub fn u32(&self, id: usize, default: u32, what: &str) -> FbResult<u32> {
        Ok(self.i32(id, default as i32, what)? as u32)
    }

    /// A 64-bit unsigned field.
    pub fn u64(&self, id: usize, default: u64, what: &str) -> FbResult<u64> {
        match self.field(id, what)? {
            Some(p) => self.buf.u64_at(p, what),
            None => Ok(default),
        }
    }

    /// A 32-bit float field.
    pub fn f32(&self, id: usize, default: f32, what: &str) -> FbResult<f32> {
        match self.field(id, what)? {
            Some(p) => Ok(f32::from_bits(self.buf.u32_at(p, what)?)),
            None => Ok(default),
        }
    }

    /// A sub-table field.
    pub fn table(&self, id: usize, what: &str) -> FbResult<Option<Table<'a>>> {
        match self.field(id, what)? {
            Some(p) => {
                let t = self.buf.follow(p, what)?;
                Ok(Some(Table::at(self.buf, t, what)?))
            }
            None => Ok(None),
        }
    }

    /// A vector field (absent = None).
    pub fn vector(&self, id: usize, what: &str) -> FbResult<Option<Vector<'a>>> {
        match self.field(id, what)? {
            Some(p) => {
                let v = self.buf.follow(p, what)?;
                let len = self.buf.u32_at(v, what)? as usize;
                Ok(Some(Vector {
                    buf: self.buf,
                    start: v + 4,
                    len,
                }))
            }
            None => Ok(None),
        }
    }

    /// A string field (bytes must be UTF-8; invalid bytes are replaced).
    pub fn string(&self, id: usize, what: &str) -> FbResult<Option<String>> {
        match self.vector(id, what)? {
            Some(v) => {
                let b = v.bytes(what)?;
                Ok(Some(String::from_utf8_lossy(b).into_owned()))
            }
            None => Ok(None),
        }
    }
}

/// A vector inside a flatbuffer.
#[derive(Clone, Copy, Debug)]
pub struct Vector<'a> {
    buf: Buffer<'a>,
    start: usize,
    len: usize,
}

impl<'a> Vector<'a> {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the vector has no element.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The vector as raw bytes (a vector of ubyte).
    pub fn bytes(&self, what: &str) -> FbResult<&'a [u8]> {
        self.buf.bytes(self.start, self.len, what)
    }

    fn elems(&self, size: usize, what: &str) -> FbResult<&'a [u8]> {
        let n = self
            .len
            .checked_mul(size)
            .ok_or_else(|| malformed(what, self.start))?;
        self.buf.bytes(self.start, n, what)
    }

    /// Elements as i32.
    pub fn i32s(&self, what: &str) -> FbResult<Vec<i32>> {
        Ok(self
            .elems(4, what)?
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// Elements as f32.
    pub fn f32s(&self, what: &str) -> FbResult<Vec<f32>> {
        Ok(self
            .i32s(what)?
            .into_iter()
            .map(|v| f32::from_bits(v as u32))
            .collect())
    }

    /// Elements as i64.
    pub fn i64s(&self, what: &str) -> FbResult<Vec<i64>> {
        Ok(self
            .elems(8, what)?
            .chunks_exact(8)
            .map(|c| {
                let mut a = [0u8; 8];
                a.copy_from_slice(c);
                i64::from_le_bytes(a)
            })
            .collect())
    }

    /// Element `i` of a vector of tables.
    pub fn table(&self, i: usize, what: &str) -> FbResult<Table<'a>> {
        if i >= self.len {
            return Err(malformed(what, self.start));
        }
        let slot = self.start + 4 * i;
        let t = self.buf.follow(slot, what)?;
        Table::at(self.buf, t, what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-assembled buffer: root table with fields i32 (id 0) = 7,
    /// absent id 1, vector of i32 (id 2) = [1, 2].
    fn sample() -> Vec<u8> {
        let mut b = vec![0u8; 0];
        // 0: root uoffset -> table at 12
        b.extend_from_slice(&12u32.to_le_bytes());
        // 4: vtable: size 10, table size 12, field0 at +4, field1 absent, field2 at +8
        b.extend_from_slice(&10u16.to_le_bytes());
        b.extend_from_slice(&12u16.to_le_bytes());
        b.extend_from_slice(&4u16.to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes());
        b.extend_from_slice(&8u16.to_le_bytes());
        b.extend_from_slice(&[0, 0]); // pad to 16? table at 12 needs b.len()==12
        b.truncate(12);
        assert_eq!(b.len(), 12);
        // 12: table: soffset = 12 - 4 = 8
        b.extend_from_slice(&8i32.to_le_bytes());
        b.extend_from_slice(&7i32.to_le_bytes()); // 16
        b.extend_from_slice(&4u32.to_le_bytes()); // 20: uoffset -> 24
        b.extend_from_slice(&2u32.to_le_bytes()); // 24: len
        b.extend_from_slice(&1i32.to_le_bytes());
        b.extend_from_slice(&2i32.to_le_bytes());
        b
    }

    #[test]
    fn reads_fields_and_defaults() {
        let data = sample();
        let root = Buffer::new(&data).root().unwrap();
        assert_eq!(root.i32(0, 0, "f0").unwrap(), 7);
        assert_eq!(root.i32(1, 42, "f1").unwrap(), 42);
        assert_eq!(
            root.vector(2, "f2").unwrap().unwrap().i32s("f2").unwrap(),
            vec![1, 2]
        );
        assert!(root.vector(5, "f5").unwrap().is_none());
    }

    #[test]
    fn truncated_buffer_is_an_error() {
        let data = sample();
        for cut in 0..data.len() {
            let r = Buffer::new(&data[..cut])
                .root()
                .and_then(|t| t.vector(2, "v").map(|v| v.map(|v| v.i32s("v"))));
            if let Ok(Some(Ok(v))) = r {
                panic!("cut {cut} parsed {v:?}");
            }
        }
    }
}
