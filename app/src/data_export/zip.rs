//! A streaming ZIP writer: entries are deflated as their bytes arrive and sized afterwards in a
//! data descriptor, so an archive of any size is produced chunk by chunk without seeking or
//! holding an entry in memory. ZIP64 records are added only when offsets or counts outgrow the
//! classic format; entries are cut into parts well below 4 GiB by the caller (`MAX_ENTRY`).

use flate2::Compression;
use flate2::write::DeflateEncoder;
use std::io::Write;

/// Uncompressed bytes per entry before the caller starts a new part: under the 4 GiB a classic
/// data descriptor can state, with room to spare.
pub const MAX_ENTRY: u64 = 1 << 30;

/// Local header flag: sizes and CRC follow the data. Bit 11: the name is UTF-8.
const FLAGS: u16 = (1 << 3) | (1 << 11);
const DEFLATE: u16 = 8;
/// Version 4.5 (ZIP64-capable readers), made by Unix.
const VERSION_MADE_BY: u16 = (3 << 8) | 45;
const VERSION_NEEDED: u16 = 20;

struct Finished {
    name: String,
    crc: u32,
    compressed: u64,
    uncompressed: u64,
    offset: u64,
}

struct Open {
    name: String,
    offset: u64,
    crc: crc32fast::Hasher,
    uncompressed: u64,
    encoder: DeflateEncoder<Vec<u8>>,
    compressed: u64,
}

/// The archive being written. Every method returns the bytes to send next.
pub struct ZipStream {
    written: u64,
    /// DOS date and time stamped on every entry (the export's start).
    dos_time: (u16, u16),
    entries: Vec<Finished>,
    open: Option<Open>,
}

impl ZipStream {
    pub fn new(at: chrono::DateTime<chrono::Utc>) -> Self {
        Self {
            written: 0,
            dos_time: dos_time(at),
            entries: Vec::new(),
            open: None,
        }
    }

    /// Counts bytes on their way out: offsets in the central directory are positions in it.
    fn emit(&mut self, bytes: Vec<u8>) -> Vec<u8> {
        self.written += bytes.len() as u64;
        bytes
    }

    /// Starts an entry (closing the open one first).
    pub fn start(&mut self, name: &str) -> Vec<u8> {
        let mut out = self.close_entry();
        let offset = self.written + out.len() as u64;
        put32(&mut out, 0x0403_4b50);
        put16(&mut out, VERSION_NEEDED);
        put16(&mut out, FLAGS);
        put16(&mut out, DEFLATE);
        put16(&mut out, self.dos_time.1);
        put16(&mut out, self.dos_time.0);
        put32(&mut out, 0); // CRC, in the descriptor
        put32(&mut out, 0); // compressed size, in the descriptor
        put32(&mut out, 0); // uncompressed size, in the descriptor
        put16(&mut out, u16::try_from(name.len()).unwrap_or(u16::MAX));
        put16(&mut out, 0);
        out.extend_from_slice(name.as_bytes());
        self.open = Some(Open {
            name: name.to_owned(),
            offset,
            crc: crc32fast::Hasher::new(),
            uncompressed: 0,
            encoder: DeflateEncoder::new(Vec::new(), Compression::fast()),
            compressed: 0,
        });
        self.emit(out)
    }

    /// Appends to the open entry; the compressed bytes ready so far come back.
    pub fn write(&mut self, data: &[u8]) -> Vec<u8> {
        let Some(open) = self.open.as_mut() else {
            return Vec::new();
        };
        open.crc.update(data);
        open.uncompressed += data.len() as u64;
        // Writing into a Vec cannot fail.
        let _ = open.encoder.write_all(data);
        let ready = std::mem::take(open.encoder.get_mut());
        open.compressed += ready.len() as u64;
        self.emit(ready)
    }

    /// Uncompressed bytes in the open entry.
    pub fn entry_len(&self) -> u64 {
        self.open.as_ref().map_or(0, |open| open.uncompressed)
    }

    /// The open entry's last compressed bytes and its data descriptor (not yet counted).
    fn close_entry(&mut self) -> Vec<u8> {
        let Some(open) = self.open.take() else {
            return Vec::new();
        };
        let mut tail = open.encoder.finish().unwrap_or_default();
        let compressed = open.compressed + tail.len() as u64;
        let crc = open.crc.finalize();
        put32(&mut tail, 0x0807_4b50);
        put32(&mut tail, crc);
        put32(&mut tail, clamp32(compressed));
        put32(&mut tail, clamp32(open.uncompressed));
        self.entries.push(Finished {
            name: open.name,
            crc,
            compressed,
            uncompressed: open.uncompressed,
            offset: open.offset,
        });
        tail
    }

    /// Closes the archive: the open entry, the central directory and the end records.
    pub fn finish(mut self) -> Vec<u8> {
        let mut out = self.close_entry();
        let directory_start = self.written + out.len() as u64;
        for entry in &self.entries {
            let zip64 = entry.offset >= u64::from(u32::MAX);
            put32(&mut out, 0x0201_4b50);
            put16(&mut out, VERSION_MADE_BY);
            put16(&mut out, if zip64 { 45 } else { VERSION_NEEDED });
            put16(&mut out, FLAGS);
            put16(&mut out, DEFLATE);
            put16(&mut out, self.dos_time.1);
            put16(&mut out, self.dos_time.0);
            put32(&mut out, entry.crc);
            put32(&mut out, clamp32(entry.compressed));
            put32(&mut out, clamp32(entry.uncompressed));
            put16(&mut out, u16::try_from(entry.name.len()).unwrap_or(u16::MAX));
            put16(&mut out, if zip64 { 12 } else { 0 });
            put16(&mut out, 0); // comment
            put16(&mut out, 0); // disk
            put16(&mut out, 0); // internal attributes
            put32(&mut out, 0o100_644 << 16); // a regular file, rw-r--r--
            put32(&mut out, if zip64 { u32::MAX } else { clamp32(entry.offset) });
            out.extend_from_slice(entry.name.as_bytes());
            if zip64 {
                put16(&mut out, 0x0001);
                put16(&mut out, 8);
                put64(&mut out, entry.offset);
            }
        }
        let directory_len = self.written + out.len() as u64 - directory_start;
        let count = self.entries.len() as u64;
        if directory_start >= u64::from(u32::MAX) || count >= u64::from(u16::MAX) {
            let record_at = directory_start + directory_len;
            put32(&mut out, 0x0606_4b50);
            put64(&mut out, 44);
            put16(&mut out, VERSION_MADE_BY);
            put16(&mut out, 45);
            put32(&mut out, 0);
            put32(&mut out, 0);
            put64(&mut out, count);
            put64(&mut out, count);
            put64(&mut out, directory_len);
            put64(&mut out, directory_start);
            put32(&mut out, 0x0706_4b50);
            put32(&mut out, 0);
            put64(&mut out, record_at);
            put32(&mut out, 1);
        }
        put32(&mut out, 0x0605_4b50);
        put16(&mut out, 0);
        put16(&mut out, 0);
        put16(&mut out, u16::try_from(count).unwrap_or(u16::MAX));
        put16(&mut out, u16::try_from(count).unwrap_or(u16::MAX));
        put32(&mut out, clamp32(directory_len));
        put32(&mut out, clamp32(directory_start));
        put16(&mut out, 0);
        out
    }
}

fn clamp32(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn put16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// MS-DOS (date, time) of `at`, in UTC; 1980 is the format's first year.
fn dos_time(at: chrono::DateTime<chrono::Utc>) -> (u16, u16) {
    use chrono::{Datelike, Timelike};
    let year = u16::try_from(at.year().clamp(1980, 2107) - 1980).unwrap_or(0);
    let date = (year << 9) | ((at.month() as u16) << 5) | at.day() as u16;
    let time = ((at.hour() as u16) << 11) | ((at.minute() as u16) << 5) | (at.second() as u16 / 2);
    (date, time)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn archive(entries: &[(&str, &[&[u8]])]) -> Vec<u8> {
        let mut zip = ZipStream::new(chrono::Utc::now());
        let mut out = Vec::new();
        for (name, chunks) in entries {
            out.extend(zip.start(name));
            for chunk in *chunks {
                out.extend(zip.write(chunk));
            }
        }
        out.extend(zip.finish());
        out
    }

    #[test]
    fn a_standard_reader_gets_every_entry_back() {
        let big: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let bytes = archive(&[
            ("users.json", &[b"[", b"{\"email\":\"a@b.c\"}", b"]"]),
            ("empty.json", &[]),
            ("points/part-1.json", &[&big[..100_000], &big[100_000..]]),
            ("ünïcode.json", &[b"[]"]),
        ]);
        let mut reader = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        assert_eq!(reader.len(), 4);
        let mut read = |name: &str| {
            let mut file = reader.by_name(name).expect(name);
            let mut data = Vec::new();
            file.read_to_end(&mut data).expect("inflate and CRC");
            data
        };
        assert_eq!(read("users.json"), br#"[{"email":"a@b.c"}]"#);
        assert_eq!(read("empty.json"), b"");
        assert_eq!(read("points/part-1.json"), big);
        assert_eq!(read("ünïcode.json"), b"[]");
    }

    #[test]
    fn an_empty_archive_is_valid() {
        let reader = zip::ZipArchive::new(std::io::Cursor::new(archive(&[]))).expect("a zip");
        assert_eq!(reader.len(), 0);
    }

    #[test]
    fn dos_times_pack_fields() {
        use chrono::TimeZone;
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 12, 6, 15, 30, 42)
            .single()
            .expect("time");
        assert_eq!(dos_time(at), ((46 << 9) | (12 << 5) | 6, (15 << 11) | (30 << 5) | 21));
    }
}
